"""SVG and HTML files of content/media/ carry no script.

Media are published as they are. An SVG or HTML file opened by itself (a logo's address
shared, a link to a document) is a page of the site's own address: a script in it would run
with the site's rights. A <script> element, an on… attribute or a javascript: address in
such a file is therefore an error, placed on its line in the file.
"""

from __future__ import annotations

import bisect
import codecs
import gzip
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nftsite.content.sanitize import TolerantParser, attribute_offset, shorten
from nftsite.core.problems import Position, Problem, Problems

MARKUP_SUFFIXES = frozenset({".svg", ".svgz", ".html", ".htm", ".shtml", ".xhtml", ".xht"})
XML_SUFFIXES = frozenset({".svg", ".svgz", ".xhtml", ".xht", ".xml", ".xsl", ".xslt"})
"""Read as XML by browsers: no element's content is raw text (a <script> inside a <style>
is an element there)."""
MAX_BYTES = 64 * 1024 * 1024
"""A compressed SVG is read up to this size once inflated: no more is needed to judge it."""
MAX_SHOWN_LINE = 200
"""Longer lines (an SVG on one line) are not quoted under the problem."""
HINT = (
    "ce fichier est publié tel quel : ouvert seul, son programme tournerait sur le site ; "
    "retirez le script, ou exportez à nouveau le fichier sans script (pour un logo : en SVG simple)"
)
_ACTIVE_URL = re.compile(r"(?:java|vb)script:", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20]+")
_ENTITY = re.compile(r"<!ENTITY", re.IGNORECASE)


def check_media_scripts(media: Mapping[str, object], problems: Problems) -> None:
    """Report every script found in the SVG and HTML files among `media` (`media/…` paths)."""
    for name, file in sorted(media.items()):
        suffix = Path(name).suffix.lower()
        if not isinstance(file, Path) or suffix not in MARKUP_SUFFIXES | XML_SUFFIXES:
            continue
        text = read_markup(file, suffix)
        if text is not None:
            problems.extend(scan(f"content/{name}", text, xml=suffix in XML_SUFFIXES))


def read_markup(file: Path, suffix: str) -> str | None:
    """The file as text, whatever its encoding; None if it cannot be read (the folder's
    listing reports unreadable files)."""
    try:
        if suffix == ".svgz":
            with gzip.open(file) as stream:
                data = stream.read(MAX_BYTES)
        else:
            data = file.read_bytes()
    except (OSError, EOFError):
        return None
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    return data.decode("utf-8-sig", errors="replace")


def scan(path: str, text: str, xml: bool) -> list[Problem]:
    scanner = _Scanner(path, text, xml)
    scanner.feed(text)
    scanner.close()
    for match in _ENTITY.finditer(text):  # an entity can carry markup no tag scan sees
        scanner.add(
            match.start(), "déclaration <!ENTITY> interdite dans un fichier de content/media/"
        )
    return scanner.found


class _Scanner(TolerantParser):
    def __init__(self, path: str, text: str, xml: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.xml, self.path, self.text = xml, path, text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.found: list[Problem] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, column = self.getpos()
        start = self.line_starts[line - 1] + column
        raw = self.get_starttag_text() or ""
        if tag.rpartition(":")[2] == "script":
            self.add(start, "balise <script> interdite dans un fichier de content/media/")
        for name, value in attrs:
            local = name.rpartition(":")[2]
            where = start + attribute_offset(raw, name)
            if local.startswith("on"):
                self.add(where, f"attribut « {name} » interdit dans un fichier de content/media/")
            elif value and _ACTIVE_URL.search(_INVISIBLE.sub("", value)):
                shown = shorten(value, 40)
                self.add(where, f"adresse « {shown} » interdite dans un fichier de content/media/")

    handle_startendtag = handle_starttag

    def handle_pi(self, data: str) -> None:
        """`<?xml-stylesheet href="javascript:…"?>`."""
        if _ACTIVE_URL.search(_INVISIBLE.sub("", data)):
            line, column = self.getpos()
            address = shorten(data.strip("?"), 40)
            self.add(
                self.line_starts[line - 1] + column,
                f"adresse « {address} » interdite dans un fichier de content/media/",
            )

    def set_cdata_mode(self, *args: Any, **kwargs: Any) -> None:
        """In XML no element's content is raw text: a <script> inside a <style> is a tag."""
        if not self.xml:
            super().set_cdata_mode(*args, **kwargs)

    def add(self, index: int, message: str) -> None:
        line = bisect.bisect_right(self.line_starts, index)
        column = index - self.line_starts[line - 1] + 1
        end = self.text.find("\n", index)
        shown = self.text[self.line_starts[line - 1] : None if end < 0 else end].rstrip()
        self.found.append(
            Problem(
                self.path,
                Position(line, column),
                "",
                message,
                HINT,
                source_line=shown if len(shown) <= MAX_SHOWN_LINE else "",
            )
        )
