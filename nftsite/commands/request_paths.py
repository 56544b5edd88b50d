"""Which URL paths the preview refuses before it looks for a file (`nftsite serve`).

The file system cannot even be asked about these: a NUL makes Python raise, a name over
255 bytes or a path over 4096 makes the system call fail. They get a 400 (or a 414), never a
500 with a traceback in the terminal.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MAX_PATH_BYTES = 4096
"""Linux's PATH_MAX: no file of the preview has a longer path. Longer is a 414."""
MAX_NAME_BYTES = 255
"""Linux's NAME_MAX: no file or folder name is longer. A longer path segment is a 400."""


@dataclass(frozen=True)
class Refusal:
    """Why a URL path is refused: the HTTP status and the French reason shown on the page."""

    status: str
    reason: str


def url_path(path_info: str) -> str | Refusal:
    """The URL path as text (WSGI passes its bytes as Latin-1), or why it is refused."""
    raw = path_info.encode("latin-1", errors="replace")
    if len(raw) > MAX_PATH_BYTES:
        return Refusal("414 URI Too Long", f"l'adresse dépasse {MAX_PATH_BYTES} octets")
    try:
        path = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal("400 Bad Request", "l'adresse n'est pas écrite en UTF-8")
    if not path.startswith("/"):
        return Refusal("400 Bad Request", "l'adresse doit commencer par /")
    if any(unicodedata.category(character) == "Cc" for character in path):
        return Refusal(
            "400 Bad Request", "l'adresse contient un caractère de contrôle (comme %00 ou %0A)"
        )
    if any(len(name.encode("utf-8")) > MAX_NAME_BYTES for name in path.split("/")):
        return Refusal(
            "400 Bad Request",
            f"un élément de l'adresse (entre deux /) dépasse {MAX_NAME_BYTES} octets",
        )
    return path
