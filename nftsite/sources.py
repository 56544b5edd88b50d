"""Find the content files (sorted, so every build sees them in the same order) and read them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .fields import MEDIA_FOLDER, SLUG_PATTERN, slugify
from .problems import Position, Problems, SourceReporter

KIND_FOLDERS = {
    "events": "event",
    "startups": "startup",
    "places": "place",
    "press": "press",
    "pages": "page",
}
CONTENT_SUFFIX = ".md"
KNOWN_TOP_LEVEL = {*KIND_FOLDERS, MEDIA_FOLDER, "site.yaml"}


@dataclass(frozen=True)
class SourceFile:
    """One content file read into memory, with its kind and its slug."""

    kind: str
    slug: str
    shown_path: str
    """Relative to the project root, for problems: `content/events/2015/x.md`."""
    text: str


def discover(content_root: Path, display_root: Path, problems: Problems) -> list[SourceFile]:
    """Every entry file under content/, read as UTF-8; strays and bad names are reported."""
    files: list[SourceFile] = []
    for top in sorted(content_root.iterdir()) if content_root.is_dir() else []:
        if top.name.startswith(".") or top.name in KNOWN_TOP_LEVEL:
            continue
        shown = top.relative_to(display_root).as_posix()
        SourceReporter(shown, "", problems).warning(
            Position(),
            "",
            f"« {top.name} » n'est pas un dossier de contenu connu ; ignoré"
            if top.is_dir()
            else f"fichier « {top.name} » ignoré : les fiches vont dans un dossier",
            "dossiers reconnus : " + ", ".join(sorted(KIND_FOLDERS)) + f", {MEDIA_FOLDER}",
        )
    for folder, kind in KIND_FOLDERS.items():
        root = content_root / folder
        if not root.is_dir():
            continue
        for path in walk_files(root):
            source = read_source(path, kind, content_root, display_root, problems)
            if source is not None:
                files.append(source)
    return files


def walk_files(root: Path) -> list[Path]:
    """Every file under `root`, sorted, hidden files and folders left out."""
    found = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        found += [Path(folder, name) for name in names if not name.startswith(".")]
    return sorted(found)


def read_source(
    path: Path, kind: str, content_root: Path, display_root: Path, problems: Problems
) -> SourceFile | None:
    shown = path.relative_to(display_root).as_posix()
    reporter = SourceReporter(shown, "", problems)
    # os.walk does not enter linked folders; a linked file must stay inside content/.
    if path.is_symlink() and not path.resolve().is_relative_to(content_root.resolve()):
        reporter.error(
            Position(),
            "",
            "lien symbolique vers l'extérieur du dossier content/",
            "remplacez le lien par le fichier lui-même",
        )
        return None
    if path.suffix != CONTENT_SUFFIX:
        reporter.warning(
            Position(),
            "",
            "fichier ignoré : seuls les fichiers .md sont lus ici",
            f"renommez-le en « {slugify(path.stem)}{CONTENT_SUFFIX} » s'il s'agit d'une fiche",
        )
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        reporter.error(
            Position(line, 1),
            "",
            "le fichier n'est pas enregistré en UTF-8",
            "enregistrez-le en UTF-8 (l'éditeur web de git le fait toujours)",
        )
        return None
    slug = path.stem
    if not SLUG_PATTERN.match(slug):
        reporter.error(
            Position(),
            "",
            f"nom de fichier invalide : « {path.name} »",
            f"minuscules sans accents, chiffres et tirets : renommez-le « {slugify(slug)}.md »",
        )
        return None
    return SourceFile(kind, slug, shown, text.replace("\r\n", "\n"))
