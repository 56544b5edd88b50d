"""Slugs: the last segment of a public URL, and the name of a content file.

A slug is lowercase ASCII letters and digits in words joined by single hyphens. A content
file's name without `.md` is its entry's slug (no field overrides it), and references
between entries (`place`, `organizer`, `city`, `themes`) are slugs too.
"""

from __future__ import annotations

import re
import unicodedata

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 100
"""A slug names a folder and a file (`agenda/<slug>/<slug>.ics`, with a temporary name
beside it): file systems stop at 255 bytes, and an address that long is read by nobody."""


LIGATURES = str.maketrans({"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae", "ß": "ss"})


def slugify(text: str) -> str:
    """'Café numérique à Évreux' -> 'cafe-numerique-a-evreux'."""
    spelled = text.translate(LIGATURES)
    ascii_text = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def shorten_slug(slug: str, limit: int = SLUG_MAX_LENGTH) -> str:
    """A slug cut to `limit` characters at a word boundary (a hyphen) when there is one."""
    if len(slug) <= limit:
        return slug
    cut = slug[: limit + 1]
    boundary = cut.rfind("-")
    return (cut[:boundary] if boundary > 0 else slug[:limit]).strip("-")
