"""Rendered HTML -> plain text, for the DESCRIPTION of calendar events and feed summaries.

The text gets French typography (`render.typography.typeset_text`), except inside code."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from nftsite.render.typography import SKIPPED, typeset_text

BLOCKS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "table",
    "tr",
    "blockquote",
    "pre",
    "section",
    "article",
    "br",
    "hr",
    # HTML a body may hold besides Markdown's (see sanitize.TAGS)
    "details",
    "summary",
    "figure",
    "figcaption",
    "dl",
    "dt",
    "dd",
    "caption",
}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str | None] = []
        self.code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.code += 1
        if tag in BLOCKS:
            self.parts.append("\n\n" if tag != "br" else "\n")
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag in ("td", "th"):
            self.parts.append(" | ")
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED and self.code:
            self.code -= 1
        if tag in BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href and href.startswith(("http://", "https://")):
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        text = re.sub(r"\s+", " ", data)
        self.parts.append(text if self.code else typeset_text(text))


def html_to_text(html: str, base_url: str = "") -> str:
    """Paragraphs separated by blank lines, list items as bullets, absolute links kept."""
    if base_url:
        html = re.sub(r'href="/', f'href="{base_url}/', html)
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    text = "".join(extractor.parts)
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
