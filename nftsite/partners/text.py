"""A partner's description (plain text or HTML) turned into safe Markdown for a file's body.

HTML is first cut down by nh3 to a few tags, which become Markdown; everything else is text,
with `<` escaped so nothing a partner writes is read as HTML by the build. E-mail addresses and
phone numbers are removed: they are often a contributor's own, and never ours to publish."""

from __future__ import annotations

import html
import re

import nh3

from nftsite.content.fields import FORBIDDEN

KEPT_TAGS = {"a", "p", "br", "li", "ul", "ol", "strong", "b", "em", "i", "div", "h1", "h2", "h3"}
EMAIL = re.compile(r"(mailto:)?[\w.+-]+@[\w-]+(\.[\w-]+)+", re.IGNORECASE)
PHONE = re.compile(r"(?<!\w)(?:\+33\s?|0033\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\w)")
REMOVED = "[coordonnées retirées]"


def looks_like_html(text: str) -> bool:
    return re.search(r"</?[a-zA-Z][^>]*>", text) is not None


def html_to_markdown(raw: str) -> str:
    cleaned = nh3.clean(
        raw,
        tags=KEPT_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel=None,
    )
    text = re.sub(
        r'<a href="(https?://[^"]+)">(.*?)</a>',
        lambda m: f"[{_inline(m[2])}]({m[1]})",
        cleaned,
        flags=re.DOTALL,
    )
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = re.sub(r"</?(strong|b)>", "**", text)
    text = re.sub(r"</?(em|i)>", "*", text)
    text = re.sub(r"<li>", "\n- ", text)
    text = re.sub(r"</?(p|div|h1|h2|h3|ul|ol)>", "\n\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text)


def _inline(text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", text).split()).replace("]", ")")


def safe_markdown(raw: str) -> str:
    """The body of an imported event: paragraphs kept, no HTML, no contact details."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if looks_like_html(text):
        text = html_to_markdown(text)
    text = EMAIL.sub(REMOVED, text)
    text = PHONE.sub(REMOVED, text)
    text = FORBIDDEN.sub(lambda m: "\n" if m[0] in "\n\u2028\u2029" else " ", text)
    text = text.replace("<", "&lt;")
    lines = [line.rstrip() for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text


def one_line(raw: str) -> str:
    """A title or a place on one line, without the characters a one-line field refuses."""
    return " ".join(FORBIDDEN.sub(" ", raw).split())
