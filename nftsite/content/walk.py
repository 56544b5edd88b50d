"""Walk a folder: every path under it, sorted, with what it is (a readable file, a special
file, a link to a folder…), so whoever lists files never opens a pipe or follows a link out.

Apart from sources.py so that field parsers (media_fields.py) can list files without
importing the content kinds, which import the schema, which imports those parsers.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Found(Enum):
    """What a path met while walking a folder is, for the build."""

    FILE = "file"
    """A regular file (or a link to one) that can be read."""
    UNREADABLE_FILE = "unreadable file"
    UNREADABLE_FOLDER = "unreadable folder"
    SPECIAL = "special"
    """A pipe, a device or a socket: never opened."""
    BROKEN_LINK = "broken link"
    LINKED_FOLDER = "linked folder"
    """A symbolic link to a folder: never followed."""


@dataclass(frozen=True)
class Item:
    path: Path
    what: Found
    error: OSError | None = None
    """Why it could not be read, when the system said."""


def scan(root: Path) -> list[Item]:
    """Every path under `root`, sorted, with what it is; hidden names are left out."""
    found: list[Item] = []

    def unreadable(error: OSError) -> None:
        found.append(Item(Path(error.filename or root), Found.UNREADABLE_FOLDER, error))

    for folder, subfolders, names in os.walk(root, onerror=unreadable):
        kept = []
        for name in subfolders:
            if name.startswith("."):
                continue
            if Path(folder, name).is_symlink():  # os.walk does not enter it: say so
                found.append(Item(Path(folder, name), Found.LINKED_FOLDER))
            else:
                kept.append(name)
        subfolders[:] = kept
        found += [_item(Path(folder, name)) for name in names if not name.startswith(".")]
    return sorted(found, key=lambda item: item.path)


def _item(path: Path) -> Item:
    try:
        mode = path.stat().st_mode  # follows a link, to what would be read
    except FileNotFoundError as error:
        return Item(path, Found.BROKEN_LINK if path.is_symlink() else Found.UNREADABLE_FILE, error)
    except OSError as error:
        return Item(path, Found.UNREADABLE_FILE, error)
    if not stat.S_ISREG(mode):
        return Item(path, Found.SPECIAL)
    if not os.access(path, os.R_OK):
        return Item(path, Found.UNREADABLE_FILE, PermissionError(errno.EACCES, "Permission denied"))
    return Item(path, Found.FILE)


def walk_files(root: Path) -> list[Path]:
    """Every readable regular file under `root`, sorted, hidden files and folders left out.

    Special and unreadable files are not listed (they are reported by `discover`), so nothing
    that lists files through here ever blocks on a pipe or fails on a permission."""
    return [item.path for item in scan(root) if item.what is Found.FILE]
