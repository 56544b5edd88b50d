"""Hand the memory of objects a build no longer needs back to the system.

Python frees its objects into the C allocator, which keeps most of the pages for later:
the process stays as large as at its peak. Before Pagefind indexes the new tree (another
process, as large as the site) the build has dropped its bodies and pages; `give_back` makes
that show in the machine's free memory, not only inside the process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys


def give_back() -> None:
    """Collect what is unreachable, then ask glibc to return its free pages (elsewhere, or
    when the C library is not glibc, only the collection is done)."""
    gc.collect()
    if sys.platform != "linux":
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # musl and others have no malloc_trim
        return
    trim.argtypes = [ctypes.c_size_t]
    trim(0)
