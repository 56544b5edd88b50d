"""The HTML a body may hold: an allowlist, enforced by nh3 and explained to the author.

A body's HTML (Markdown's output, raw HTML included) is cleaned by nh3 before it reaches a
page, so nothing outside the allowlist is ever published. But the comms team must never see
their text silently altered: every element, attribute or address the cleaner would drop is
also named here, in French, with the text to look for in the source so the problem can be
placed on its line. If the cleaner still changed something no rule explains (malformed HTML
that a browser would restructure), that is reported too.

The allowlist is documented for authors in docs/guide-contenu.md (« Le HTML permis dans le
texte »): keep the two in step.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

import nh3

from nftsite.core.urls import published

ALIGN_CLASSES = frozenset({"align-left", "align-center", "align-right"})
"""Markdown's table column alignment, written as classes (site.css) since the page's
Content-Security-Policy refuses style attributes."""

TAGS = frozenset(
    {
        # What Markdown itself writes (headings start at h2: the page has its h1).
        *("p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code"),
        *("em", "strong", "a", "img", "hr", "br", "table", "thead", "tbody", "tr", "th", "td"),
        # What the comms team may write by hand on top of it.
        *("abbr", "b", "i", "s", "del", "ins", "sub", "sup", "small", "mark", "q", "cite"),
        *("kbd", "samp", "var", "span", "div", "time", "wbr", "dl", "dt", "dd"),
        *("figure", "figcaption", "details", "summary", "caption", "tfoot"),
    }
)
GLOBAL_ATTRIBUTES = frozenset({"title", "lang", "dir"})
ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
    "time": frozenset({"datetime"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "th": frozenset({"colspan", "rowspan", "scope"}),
    "td": frozenset({"colspan", "rowspan"}),
    "details": frozenset({"open"}),
}
CLASSES: dict[str, frozenset[str]] = {"th": ALIGN_CLASSES, "td": ALIGN_CLASSES}
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel", "webcal"})
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "svg", "math"})
"""Refused elements whose content must not turn into visible text either."""
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr", "keygen"}
)
IMPLIED = {"tbody": "table", "thead": "table", "tfoot": "table", "tr": "table"}
"""End tags of elements a browser opens by itself inside a table: not stray there."""
MAX_DEPTH = 512
"""Elements nested deeper than this are refused: browsers stop nesting there (Chromium
flattens what is deeper), and the cleaner's parser slows down with depth (seconds at ten
thousand)."""
FAST_PATH_TAGS = MAX_DEPTH
"""A body with no more tags than this cannot nest too deep: if the cleaner leaves it as it
is, it needs no further reading (most bodies; the slow reading costs four times the
cleaning)."""
CLOSED_BY = {
    "p": {"p"},
    "li": {"li", "p"},
    "dt": {"dt", "dd", "p"},
    "dd": {"dt", "dd", "p"},
    "tr": {"tr", "td", "th"},
    "td": {"td", "th"},
    "th": {"td", "th"},
}
"""Open elements a start tag closes by itself in a browser (`<li>` ends the previous item):
counted so, a list without end tags is not taken for deep nesting."""
BLOCKS = frozenset(
    {"div", "ul", "ol", "dl", "table", "blockquote", "pre", "figure", "details", "hr"}
    | {"h1", "h2", "h3", "h4", "h5", "h6"}
)
"""Start tags that end an open paragraph."""
_START_TAG = re.compile(r'<([a-z][a-z0-9]*)((?:\s+[^\s=>/"]+(?:="[^"]*")?)*)\s*/?>')
"""A start tag as nh3 writes it, quoted values whole (a `<a` inside one is not a tag)."""
_ATTRIBUTE = re.compile(r'([^\s=>/"]+)(?:="([^"]*)")?')
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_URL_NOISE = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
"""What a browser strips around an URL before reading its scheme (tabs and line breaks go
from anywhere in it)."""
GUIDE = "voir « Le HTML permis dans le texte » dans docs/guide-contenu.md"
NESTING_MESSAGE = "texte trop imbriqué"
NESTING_HINT = "une liste ou une citation se lit mal au-delà de quelques niveaux : simplifiez-la"


@dataclass(frozen=True)
class Finding:
    """One thing the cleaner would change, and where to find it in the body's source."""

    message: str
    hint: str
    needle: str
    """Text to look for in the source: the raw start tag, or what Markdown made an URL of."""
    nth: int = 0
    """Which occurrence of `needle` (the same tag can be written twice)."""
    offset: int = 0
    """Characters into `needle` where the problem is (an attribute inside its tag)."""
    fallback: str = ""
    """Looked for when `needle` is not in the source (Markdown wrote the tag itself)."""
    nesting: bool = False


@dataclass(frozen=True)
class CleanBody:
    html: str
    """What is published: nh3's output, whatever the findings (nothing for a body nested
    too deep to clean in reasonable time)."""
    links: tuple[str, ...]
    images: tuple[tuple[str, str], ...]
    findings: tuple[Finding, ...]


def url_scheme(value: str) -> str | None:
    """The scheme a browser would read in an URL attribute (lower case), or None if relative."""
    match = _SCHEME.match(_URL_NOISE.sub("", value).strip(_C0_AND_SPACE))
    return match[1].lower() if match else None


def attribute_offset(tag: str, name: str) -> int:
    """Where attribute `name` starts in a start tag's text (0 if not found)."""
    found = re.search(rf"[\s/\"']{re.escape(name)}(?=[\s=/>]|$)", tag, re.IGNORECASE)
    return found.start() + 1 if found else 0


def shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def tag_hint(tag: str) -> str:
    """What to do instead, by the kind of element refused."""
    if tag in {"script", "noscript", "template"}:
        return "les pages n'exécutent aucun programme venu du texte : retirez la balise"
    if tag in {"style", "font", "center", "link"}:
        return "la mise en forme vient de la feuille de style du site : retirez la balise"
    if tag in {"iframe", "frame", "frameset", "object", "embed", "video", "audio", "applet"}:
        return "pour une vidéo ou un document d'un autre site, mettez un lien : [Voir la vidéo](https://…)"
    if tag in {"form", "input", "button", "select", "textarea", "option", "label", "fieldset"}:
        return "pour une inscription, mettez un lien vers le formulaire : [S'inscrire](https://…)"
    if tag in {"html", "head", "body", "main", "base", "meta", "title", "header", "footer", "nav"}:
        return "cette balise appartient au gabarit de la page, pas au texte : retirez-la"
    if tag == "h1":
        return "le titre de la page est déjà le titre principal : écrivez ## pour un intertitre"
    return f"retirez-la ; {GUIDE}"


def attribute_hint(tag: str, name: str) -> str:
    if name.startswith("on"):
        return "un attribut on… lance un programme : retirez-le"
    if name == "style":
        return "la mise en forme vient de la feuille de style du site : retirez l'attribut"
    allowed = sorted(ATTRIBUTES.get(tag, frozenset()) | GLOBAL_ATTRIBUTES)
    return f"attributs permis sur <{tag}> : " + ", ".join(allowed)


class TolerantParser(HTMLParser):
    """html.parser reading `<![…` as a browser does in HTML: a comment up to the next `>`.
    (html.parser reads a CDATA section up to `]]>`, which would hide `<![CDATA[<b><script>`,
    and raises AssertionError on a `<![` it cannot name.)"""

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        end = self.rawdata.find(">", i)
        return -1 if end < 0 else end + 1


class _Abort(Exception):
    """Stops the walk of a body nested too deep."""


class _Walker(TolerantParser):
    """Reads an HTML fragment as a stream of start tags and text, checking each start tag
    against the allowlist when asked to, and collecting links and images."""

    def __init__(self, rewrite: Callable[[str], str], check: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.rewrite, self.check = rewrite, check
        self.tokens: list[tuple[str, ...]] = []
        """("start", tag, name=value…) and ("text", data): what a reader of the page gets."""
        self.sources: list[str] = []
        """The start tag text behind each token ("" for text), to place a late finding."""
        self.findings: list[Finding] = []
        self.links: list[str] = []
        self.images: list[tuple[str, str]] = []
        self.open: list[str] = []
        self.seen: dict[str, int] = {}
        self.after_pre = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs)
        closed = CLOSED_BY.get(tag, {"p"} if tag in BLOCKS else set())
        while self.open and self.open[-1] in closed:
            self.open.pop()
        if tag not in VOID:
            self.open.append(tag)
            if len(self.open) > MAX_DEPTH:
                self._find(NESTING_MESSAGE, NESTING_HINT, nesting=True)
                raise _Abort

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.after_pre = False  # a browser skips a line break right after <pre>, not after this

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        self.after_pre = False  # `<![CDATA[…>` is a comment to a browser: see handle_comment
        return super().parse_marked_section(i, report)

    def handle_endtag(self, tag: str) -> None:
        self.after_pre = False
        if tag in self.open:
            while self.open.pop() != tag:
                pass
            return
        if not self.check or (tag in IMPLIED and IMPLIED[tag] in self.open):
            return
        # A stray end tag: the cleaner drops it, where a browser would close the page's own
        # blocks with it (a </div> ends the text's container) or open an empty paragraph.
        needle = f"</{tag}"
        if tag in TAGS:
            message = f"balise </{tag}> fermée sans avoir été ouverte"
            hint = "retirez-la : dans la page, elle fermerait un bloc du site"
        else:
            message, hint = f"balise </{tag}> non permise dans le texte", tag_hint(tag)
        self.findings.append(Finding(message, hint, needle, self._count(needle)))

    def handle_data(self, data: str) -> None:
        if self.after_pre and data.startswith("\n"):
            data = data[1:]  # a browser skips the line break that follows <pre>
        self.after_pre = False
        if not data or (self.open and self.open[-1] in DROPPED_WITH_CONTENT):
            return
        if self.tokens and self.tokens[-1][0] == "text":
            self.tokens[-1] = ("text", self.tokens[-1][1] + data)
        else:
            self.tokens.append(("text", data))
            self.sources.append("")

    def _start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or f"<{tag}"
        nth = self._count(raw)
        self.after_pre = tag == "pre"
        values: list[str] = []
        for name, value in attrs:
            value = value or ""
            if name in URL_ATTRIBUTES and url_scheme(value) is None:
                value = self.rewrite(value)
            values.append(f"{name}={value}")
            if tag == "a" and name == "href":
                self.links.append(value)
            elif tag == "img" and name == "src":
                self.images.append((value, dict(attrs).get("alt") or ""))
            if self.check and tag in TAGS:
                self._check_attribute(tag, name, value, raw, nth)
        if self.check and tag not in TAGS:
            message = f"balise <{tag}> non permise dans le texte"
            self.findings.append(Finding(message, tag_hint(tag), raw, nth, fallback=f"<{tag}"))
        self.tokens.append(("start", tag, *sorted(values)))
        self.sources.append(raw)

    def _check_attribute(self, tag: str, name: str, value: str, raw: str, nth: int) -> None:
        offset = attribute_offset(raw, name)
        if name == "class" and tag in CLASSES:
            for word in value.split():
                if word not in CLASSES[tag]:
                    self.findings.append(
                        Finding(
                            f"classe « {shorten(word)} » non permise sur <{tag}>",
                            "l'alignement d'une colonne s'écrit dans la ligne de tirets "
                            "du tableau : |:---:| ; retirez l'attribut class",
                            raw,
                            nth,
                            offset,
                        )
                    )
        elif name not in ATTRIBUTES.get(tag, frozenset()) | GLOBAL_ATTRIBUTES:
            self.findings.append(
                Finding(
                    f"attribut « {shorten(name, 30)} » non permis sur <{tag}>",
                    attribute_hint(tag, name),
                    raw,
                    nth,
                    offset,
                )
            )
        elif name in URL_ATTRIBUTES:
            scheme = url_scheme(value)
            if scheme is not None and scheme not in URL_SCHEMES:
                self.findings.append(
                    Finding(
                        f"adresse « {shorten(value)} » non permise dans le texte",
                        "écrivez l'adresse d'une page du site (/agenda/…), d'un autre site "
                        "(https://…), ou mailto:, tel: ; les adresses javascript:, data:… sont refusées",
                        raw,
                        nth,
                        offset,
                        fallback=value,
                    )
                )

    def _find(self, message: str, hint: str, nesting: bool = False) -> None:
        raw = self.get_starttag_text() or ""
        self.findings.append(
            Finding(message, hint, raw, self.seen.get(raw, 1) - 1, nesting=nesting)
        )

    def _count(self, needle: str) -> int:
        """How many times `needle` was met before (its occurrence number, from 0)."""
        nth = self.seen.get(needle, 0)
        self.seen[needle] = nth + 1
        return nth


def links_and_images(cleaned: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The hrefs and (src, alt) pairs of HTML as nh3 writes it (every value double-quoted)."""
    links, images = [], []
    for tag, attributes in _START_TAG.findall(cleaned):
        if tag not in ("a", "img"):
            continue
        values = {name: unescape(value) for name, value in _ATTRIBUTE.findall(attributes)}
        if tag == "a" and "href" in values:
            links.append(values["href"])
        elif tag == "img" and "src" in values:
            images.append((values["src"], values.get("alt", "")))
    return tuple(links), tuple(images)


def published_body(cleaned: str, base: str) -> str:
    """Cleaned HTML with its site paths under `base` (`/depot`): `<a href="/agenda/x/">` ->
    `<a href="/depot/agenda/x/">`, for a site published in a folder of its host. Only the
    start tags' URL attributes change (read as nh3 writes them, values whole, so a `href=`
    inside another value is never taken for one); the link check reads the paths before."""

    def attribute(match: re.Match[str]) -> str:
        name, value = match[1], match[2]
        if name not in URL_ATTRIBUTES or value is None:
            return match[0]
        return f'{name}="{published(value, base)}"'

    def tag(match: re.Match[str]) -> str:
        start, end = match.span(2)
        attributes = _ATTRIBUTE.sub(attribute, match[2])
        return match[0][: start - match.start()] + attributes + match[0][end - match.start() :]

    return _START_TAG.sub(tag, cleaned)


def walk(html: str, rewrite: Callable[[str], str], check: bool) -> _Walker:
    walker = _Walker(rewrite, check)
    try:
        walker.feed(html)
        walker.close()
    except _Abort:
        pass
    return walker


class BodySanitizer:
    """Cleans a body's HTML with nh3 and says, in French, what the cleaning would change."""

    def __init__(self, rewrite: Callable[[str], str]) -> None:
        """`rewrite` turns a relative address as the author wrote it into the site's own
        (`media/x.jpg` -> `/media/x.jpg`), in raw HTML as in Markdown."""
        self.rewrite = rewrite
        self.cleaner = nh3.Cleaner(
            tags=set(TAGS),
            clean_content_tags=set(DROPPED_WITH_CONTENT),
            attributes={"*": set(GLOBAL_ATTRIBUTES), **{t: set(a) for t, a in ATTRIBUTES.items()}},
            link_rel=None,
            url_schemes=set(URL_SCHEMES),
            allowed_classes={tag: set(names) for tag, names in CLASSES.items()},
            url_relative=rewrite,
            strip_comments=True,
        )

    def clean(self, html: str) -> CleanBody:
        if html.count("<") <= FAST_PATH_TAGS:
            cleaned = self.cleaner.clean(html)
            if cleaned == html.replace("\xa0", "&nbsp;"):  # nothing refused, nothing moved
                links, images = links_and_images(cleaned)
                return CleanBody(cleaned, links, images, ())
        before = walk(html, self.rewrite, check=True)
        links, images = tuple(before.links), tuple(before.images)
        if any(finding.nesting for finding in before.findings):
            return CleanBody("", links, images, tuple(before.findings))
        cleaned = self.cleaner.clean(html)
        findings = list(before.findings)
        if not findings and cleaned != html:
            after = walk(cleaned, self.rewrite, check=False)
            if after.tokens != before.tokens:
                findings.append(self._restructured(before, after))
        return CleanBody(cleaned, links, images, tuple(findings))

    @staticmethod
    def _restructured(before: _Walker, after: _Walker) -> Finding:
        """The cleaner reorganised HTML that no rule refuses: a block inside a paragraph, a
        table cell outside a row… Placed at the last raw tag before the first difference."""
        index = next(
            (
                i
                for i, pair in enumerate(zip(before.tokens, after.tokens, strict=False))
                if pair[0] != pair[1]
            ),
            min(len(before.tokens), len(after.tokens)),
        )
        raw = next((s for s in reversed(before.sources[: index + 1]) if s), "")
        nth = sum(1 for s in before.sources[: index + 1] if s == raw) - 1
        return Finding(
            "HTML mal formé : le navigateur ne l'afficherait pas tel qu'il est écrit",
            "une balise de bloc (<div>, <table>, <details>…) se met seule sur sa ligne, entre "
            "deux lignes vides ; fermez chaque balise, dans l'ordre où elle a été ouverte",
            raw,
            max(nth, 0),
        )
