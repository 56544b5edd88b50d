"""Files copied as they are: the site's own static files and the content's media."""

from __future__ import annotations

from pathlib import Path

from .fields import MEDIA_FOLDER
from .output import Artifact
from .sources import walk_files

STATIC_FOLDER = "static"


def copied_files(folder: Path, prefix: str) -> dict[str, Artifact]:
    """{`prefix/relative path`: file} for every regular file inside `folder` (never outside)."""
    if not folder.is_dir():
        return {}
    root = folder.resolve()
    files: dict[str, Artifact] = {}
    for path in walk_files(folder):
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            continue  # a symbolic link leading out of the project is never followed
        files[f"{prefix}/{path.relative_to(folder).as_posix()}"] = path
    return files


def media_files(content_root: Path) -> dict[str, Artifact]:
    return copied_files(content_root / MEDIA_FOLDER, MEDIA_FOLDER)


def static_files(project_root: Path) -> dict[str, Artifact]:
    return copied_files(project_root / STATIC_FOLDER, STATIC_FOLDER)


def media_sizes(media: dict[str, Artifact]) -> dict[str, int]:
    """Bytes of each media file, shown next to press attachments."""
    return {path: file.stat().st_size for path, file in media.items() if isinstance(file, Path)}
