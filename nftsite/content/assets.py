"""Files copied as they are: the site's own static files and the content's media."""

from __future__ import annotations

from pathlib import Path

from nftsite.content.walk import walk_files
from nftsite.core.artifacts import Artifact
from nftsite.core.folders import MEDIA_FOLDER, STATIC_FOLDER


def copied_files(folder: Path, prefix: str, within: Path) -> dict[str, Artifact]:
    """{`prefix/relative path`: file} for every readable regular file inside `folder`.

    Nothing outside is ever listed: not a folder that is a link leading out of `within`, not
    a file that is a link leading out of `folder` (`discover` reports both, and what it
    could not read)."""
    try:
        if not folder.is_dir() or not folder.resolve().is_relative_to(within.resolve()):
            return {}
    except OSError:  # a folder that cannot even be looked at: `discover` says so
        return {}
    root = folder.resolve()
    files: dict[str, Artifact] = {}
    for path in walk_files(folder):
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            continue
        files[f"{prefix}/{path.relative_to(folder).as_posix()}"] = path
    return files


def media_files(content_root: Path) -> dict[str, Artifact]:
    return copied_files(content_root / MEDIA_FOLDER, MEDIA_FOLDER, content_root)


def static_files(project_root: Path) -> dict[str, Artifact]:
    return copied_files(project_root / STATIC_FOLDER, STATIC_FOLDER, project_root)


def media_sizes(media: dict[str, Artifact]) -> dict[str, int]:
    """Bytes of each media file, shown next to press attachments."""
    return {path: file.stat().st_size for path, file in media.items() if isinstance(file, Path)}
