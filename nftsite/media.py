"""Field parsers for files: images and attachments under content/media/, and nothing else."""

from __future__ import annotations

from pathlib import Path

import yaml

from .fields import MEDIA_FOLDER, FieldContext, parse_list_of, scalar_text
from .problems import did_you_mean


def parse_media_path(ctx: FieldContext) -> str | None:
    text = scalar_text(ctx)
    if text is None:
        return None
    return check_media_path(ctx, text, ctx.node)


def check_media_path(ctx: FieldContext, text: str, node: yaml.Node) -> str | None:
    """A file under content/media/, given as `media/…`; nothing outside the project, ever."""
    relative = text.lstrip("/")
    media_root = (ctx.content_root / MEDIA_FOLDER).resolve()
    hint = f"placez le fichier dans content/{MEDIA_FOLDER}/ et écrivez « {MEDIA_FOLDER}/nom-du-fichier »"
    if "://" in text:
        ctx.error(
            "les images et fichiers doivent être dans le site, pas sur un autre serveur", hint, node
        )
        return None
    candidate = (ctx.content_root / relative).resolve()
    if not candidate.is_relative_to(media_root):
        ctx.error(f"« {text} » est en dehors du dossier content/{MEDIA_FOLDER}/", hint, node)
        return None
    if not candidate.is_file():
        existing = [p.relative_to(ctx.content_root).as_posix() for p in _media_files(media_root)]
        guess = did_you_mean(relative, existing)
        ctx.error(
            f"fichier introuvable : content/{relative}",
            f"vouliez-vous dire « {guess} » ?" if guess else hint,
            node,
        )
        return None
    return candidate.relative_to(ctx.content_root.resolve()).as_posix()


def _media_files(media_root: Path) -> list[Path]:
    return sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else []


parse_media_list = parse_list_of(check_media_path)
