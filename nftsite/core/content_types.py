"""The Content-Type of each file of the built site, shared by the preview and the hosts' files.

One table, so the preview (`nftsite serve`) and the headers file written for static hosts
(`hostfiles.py`) can never disagree on what a calendar or a feed is served as.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
}
"""By suffix: the types whose charset or exact name matters."""
FEED_TYPES = {
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
}
"""By file name, before the suffix: feeds are XML files with types of their own."""


def content_type(path: PurePath) -> str:
    """The feeds by name, then the table by suffix, then the system's guess (images, PDF)."""
    if path.name in FEED_TYPES:
        return FEED_TYPES[path.name]
    return (
        CONTENT_TYPES.get(path.suffix)
        or mimetypes.guess_type(path.name)[0]
        or "application/octet-stream"
    )
