"""Field parsers for files: images and attachments under content/media/, and nothing else."""

from __future__ import annotations

from pathlib import Path

import yaml

from nftsite.content.fields import FieldContext, parse_list_of, scalar_text
from nftsite.content.walk import walk_files
from nftsite.core.folders import MEDIA_FOLDER
from nftsite.core.problems import did_you_mean


def parse_media_path(ctx: FieldContext) -> str | None:
    text = scalar_text(ctx)
    if text is None:
        return None
    return check_media_path(ctx, text, ctx.node)


def check_media_path(ctx: FieldContext, text: str, node: yaml.Node) -> str | None:
    """A file under content/media/, given as `media/…`; nothing outside the project, ever."""
    relative = text.lstrip("/")
    hint = f"placez le fichier dans content/{MEDIA_FOLDER}/ et écrivez « {MEDIA_FOLDER}/nom-du-fichier »"
    if "://" in text:
        ctx.error(
            "les images et fichiers doivent être dans le site, pas sur un autre serveur", hint, node
        )
        return None
    try:
        content_root = ctx.content_root.resolve()
        media_root = (ctx.content_root / MEDIA_FOLDER).resolve()
        candidate = (ctx.content_root / relative).resolve()
    except (OSError, ValueError, RuntimeError):  # a NUL, a loop of links: no such file
        ctx.error(f"fichier introuvable : content/{relative}", hint, node)
        return None
    if not media_root.is_relative_to(content_root):
        # content/media is a link leading out: `discover` reports it once and the build
        # fails there; nothing out there is looked at, nor blamed on every image.
        return None
    if not candidate.is_relative_to(media_root):
        ctx.error(f"« {text} » est en dehors du dossier content/{MEDIA_FOLDER}/", hint, node)
        return None
    if not candidate.is_file():
        existing = [_as_written(p, media_root) for p in _media_files(media_root)]
        guess = did_you_mean(relative, existing)
        ctx.error(
            f"fichier introuvable : content/{relative}",
            f"vouliez-vous dire « {guess} » ?" if guess else hint,
            node,
        )
        return None
    return _as_written(candidate, media_root)


def _as_written(path: Path, media_root: Path) -> str:
    """`media/logos/x.svg`, however content/media/ is reached."""
    return f"{MEDIA_FOLDER}/{path.relative_to(media_root).as_posix()}"


def _media_files(media_root: Path) -> list[Path]:
    """The media files, resolved; a link is listed only where it stays inside."""
    if not media_root.is_dir():
        return []
    found = (path.resolve() for path in walk_files(media_root))
    return sorted(path for path in found if path.is_relative_to(media_root))


parse_media_list = parse_list_of(check_media_path)
