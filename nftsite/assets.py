"""Files copied as they are: the site's own static files and the content's media."""

from __future__ import annotations

from pathlib import Path

from .fields import MEDIA_FOLDER
from .output import Artifact

STATIC_FOLDER = "static"


def copied_files(folder: Path, prefix: str) -> dict[str, Artifact]:
    """{`prefix/relative path`: file} for every regular file inside `folder` (never outside)."""
    if not folder.is_dir():
        return {}
    root = folder.resolve()
    files: dict[str, Artifact] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if not path.resolve().is_relative_to(root):
            continue  # a symbolic link leading out of the project is never followed
        files[f"{prefix}/{relative.as_posix()}"] = path
    return files


def media_files(content_root: Path) -> dict[str, Artifact]:
    return copied_files(content_root / MEDIA_FOLDER, MEDIA_FOLDER)


def static_files(project_root: Path) -> dict[str, Artifact]:
    return copied_files(project_root / STATIC_FOLDER, STATIC_FOLDER)
