"""Files that static hosts read in the site's root: `_headers` (Netlify, Cloudflare Pages).

Those hosts guess a file's type from its suffix, and nothing tells them that `rss.xml` is an
RSS feed or that a calendar is UTF-8. `_headers` gives them the types of `content_types.py`,
the table the preview serves with, so a feed reader or a calendar app gets the same answer
from the host as from `nftsite serve`. Other hosts ignore the file (GitHub Pages serves it
as an ordinary file; it holds nothing private).

Both hosts apply every rule whose pattern matches and join the values of a header named
twice with a comma, so the rules never overlap: one pattern per suffix (`/*.ics`), except
for the suffix of the feeds' names (`.xml`), whose files are named one by one. Cloudflare
Pages reads at most 100 rules: a site has a handful of suffixes and XML files.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath
from urllib.parse import quote

from nftsite.core.content_types import CONTENT_TYPES, FEED_TYPES, content_type
from nftsite.core.urls import HOST_HEADERS, output_path

HEADERS_FILE = output_path(HOST_HEADERS)
HEADER = (
    "# Content-Type of calendars, feeds and pages for Netlify and Cloudflare Pages,\n"
    "# from the table nftsite serve uses. Written by each build: do not edit.\n"
)


def host_files(paths: Iterable[str]) -> dict[str, bytes]:
    """The hosts' files for a site made of `paths` (relative to the output folder)."""
    return {HEADERS_FILE: headers(paths)}


def headers(paths: Iterable[str]) -> bytes:
    """`_headers`: a rule per suffix of the table, and one per file where names decide."""
    by_name = {PurePosixPath(name).suffix for name in FEED_TYPES}
    rules = [
        (f"/*{suffix}", kind) for suffix, kind in CONTENT_TYPES.items() if suffix not in by_name
    ]
    for path in sorted(paths):
        if PurePosixPath(path).suffix in by_name:
            rules.append(("/" + quote(path), content_type(PurePosixPath(path))))
    lines = [HEADER]
    for pattern, kind in rules:
        lines.append(f"{pattern}\n  Content-Type: {kind}\n")
    return "\n".join(lines).encode("utf-8")
