"""Put a new output tree in place of the old one in one step, so no reader sees a mix.

On Linux, `renameat2(RENAME_EXCHANGE)` swaps two directories atomically: at every instant the
output folder's path names either the whole old tree or the whole new one, and it stays a
plain directory (rsync, `tar`, a web server's document root keep working). Where the call or
the file system does not offer it, two renames are made in a row: the folder is then missing
for the instant between them, never mixed.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
from pathlib import Path
from typing import Any

AT_FDCWD = -100
RENAME_EXCHANGE = 2 << 0


def _renameat2() -> Any:
    if sys.platform != "linux":
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # a libc older than glibc 2.28
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    function.argtypes += [ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_RENAMEAT2 = _renameat2()
UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP}


def exchange(new: Path, current: Path) -> None:
    """Make `current` name the tree at `new`, and `new` the old tree (to be removed).

    When `current` does not exist yet, the new tree is simply renamed into place.
    """
    if not current.exists():
        os.rename(new, current)
        return
    if _RENAMEAT2 is not None:
        result = _RENAMEAT2(
            AT_FDCWD, os.fsencode(new), AT_FDCWD, os.fsencode(current), RENAME_EXCHANGE
        )
        if result == 0:
            return
        code = ctypes.get_errno()
        if code not in UNSUPPORTED:
            raise OSError(code, os.strerror(code), str(current))
    _exchange_in_two_steps(new, current)


def _exchange_in_two_steps(new: Path, current: Path) -> None:
    aside = current.with_name(f".{current.name}.previous")
    os.rename(current, aside)
    try:
        os.rename(new, current)
    except OSError:
        os.rename(aside, current)  # put the old tree back
        raise
    os.rename(aside, new)
