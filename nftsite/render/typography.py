"""French typography, applied to the human text of pages and feeds, never to code or URLs.

Authors type plain spaces and straight apostrophes; French typography wants a narrow
no-break space (U+202F) before ``; ! ?`` and inside « », a no-break space (U+00A0) before
``:``, the apostrophe ’, no-break spaces inside « 1 235 » and in « 49 M€ », and « 1er » with
its letters raised. This module makes those changes at the very end of rendering, so Markdown
bodies, templates and views all get them without anyone typing special characters:

- `typeset_text(text)`: plain text (feeds, calendars): characters only, never an entity;
- `typeset_html(html)`: a rendered page, read by a tokenizer of well-formed HTML (a line at
  a time, each distinct line once: pages repeat most of theirs); only text
  nodes outside ``<code> <pre> <kbd> <samp> <script> <style> <textarea>`` change, and the
  human-text attributes (`HUMAN_ATTRIBUTES`, and the ``content`` of the description and
  Open Graph ``<meta>``). Every other byte (tags, machine attributes such as ``href``, ``src``,
  ``datetime``, comments, JSON-LD) is copied as it is.

Both are idempotent: text already set is left as it is, so a page can go through twice.

Why not the `french-typo` package (PyPI, MIT, version 1.6.1 of October 2026, maintained):
it rewrites a whole HTML string with regular expressions, masking attributes only, so it
changes ``<code>`` and ``<pre>`` content and knows no text node; it writes ``&nbsp;``
entities (which calendars must not carry) and a plain no-break space where a narrow one is
wanted before ``; ! ?``; it turns every ``&nbsp;`` back into a space first; it neither curls
apostrophes nor joins digit groups; and its hour rule rewrites « 18h30 » wherever it appears.
The rules the site needs are a dozen lines of expressions below, tested in
`tests/test_typography.py`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

NBSP = "\u00a0"
"""No-break space: before « : », between a number and its unit."""
NNBSP = "\u202f"
"""Narrow no-break space: before « ; ! ? », inside « », between digit groups."""

_SPACE = f"[ \\t\\r\\n{NBSP}\u2009{NNBSP}]"
_AFTER_MARK = r"(?=[\s»)\]\"’”.,;:!?…]|$)"
"""A mark of punctuation ends a phrase: what follows is a space, an end or other marks. So
« a;b », « x?y » and the « 18:30 » of a clock are left alone."""

PROTECTED = re.compile(
    r"(?:\b(?:https?|ftp|webcal)://|\bmailto:|\btel:|\bwww\.)[^\s<>«»\"]*[^\s<>«»\".,;:!?)]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
"""URLs and e-mail addresses written in text: never changed."""

_Replacement = str | Callable[[re.Match[str]], str]
_NUMBER_SPACE = re.compile(f"\\d[ {NBSP}{NNBSP}]")

_RULES: tuple[tuple[Callable[[str], bool], re.Pattern[str], _Replacement], ...] = (
    # Each rule comes with a quick test of whether it can apply: most texts need few rules.
    # l'agenda -> l’agenda (a letter or digit on each side: never a quote mark)
    (lambda t: "'" in t, re.compile(r"(?<=\w)'(?=\w)"), "’"),
    # « l'<a>organisation</a> »: a text that ends on an elision, the word is in the next tag
    (
        lambda t: t.endswith("'"),
        re.compile(r"(?<=\b[^\W\d_])'$|(?<=\b[^\W\d_]u)'$"),
        "’",
    ),
    # « texte » with narrow no-break spaces, whatever space was typed
    (lambda t: "«" in t, re.compile(rf"«{_SPACE}*"), f"«{NNBSP}"),
    (lambda t: "»" in t, re.compile(rf"{_SPACE}*»"), f"{NNBSP}»"),
    # a space typed before ; ! ? becomes narrow and unbreakable; none typed: one is added
    (
        lambda t: ";" in t or "!" in t or "?" in t,
        re.compile(rf"(?:(?<=\S)|^){_SPACE}+([;!?]+){_AFTER_MARK}"),
        f"{NNBSP}\\1",
    ),
    (
        lambda t: ";" in t or "!" in t or "?" in t,
        re.compile(rf"(?<=[\w»)\]”’])([;!?]+){_AFTER_MARK}"),
        f"{NNBSP}\\1",
    ),
    # the same before :, with a (wider) no-break space
    (lambda t: ":" in t, re.compile(rf"(?:(?<=\S)|^){_SPACE}+:{_AFTER_MARK}"), f"{NBSP}:"),
    (lambda t: ":" in t, re.compile(rf"(?<=[\w»)\]”’]):{_AFTER_MARK}"), f"{NBSP}:"),
    # 1 235 and 10 000: digit groups held together
    (
        lambda t: _NUMBER_SPACE.search(t) is not None,
        re.compile(rf"\b\d{{1,3}}(?:[ {NBSP}{NNBSP}]\d{{3}})+\b"),
        lambda match: re.sub(f"[ {NBSP}]", NNBSP, match.group()),
    ),
    # 49 M€, 12 %, 20 km: a number never parts from its unit
    (
        lambda t: _NUMBER_SPACE.search(t) is not None,
        re.compile(
            rf"(?<=\d)[ {NNBSP}](?=(?:k|M|Md|Mds)?€|\$|%|°C|(?:km|kg|g|m|cm|mm|ha|Mo|Go|Ko|t)\b)"
        ),
        NBSP,
    ),
)

ORDINAL = re.compile(r"\b(1)(er|re|ers|res)\b")
"""« 1er », « 1re »: the ordinals written with letters, raised in HTML (`<sup>`)."""


def _typeset_free(text: str) -> str:
    for applies, pattern, replacement in _RULES:
        if applies(text):
            text = pattern.sub(replacement, text)
    return text


TRIGGER = re.compile(r"['’:;!?«»]|\d[ \u00a0\u202f]")
"""Text without any of these has nothing to set: most text nodes are skipped at once."""


def typeset_text(text: str) -> str:
    """French typography on plain text; URLs and e-mail addresses in it stay as they are."""
    if not TRIGGER.search(text):
        return text
    parts = []
    last = 0
    for match in PROTECTED.finditer(text):
        parts.append(_typeset_free(text[last : match.start()]))
        parts.append(match.group())
        last = match.end()
    parts.append(_typeset_free(text[last:]))
    return "".join(parts)


SKIPPED = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea"})
"""Elements whose text is machine text (or not text at all): never changed."""
PLAIN_TEXT = frozenset({"title", "option", "select", "datalist"})
"""Elements whose text may hold no markup: typeset, but « 1er » is not raised there."""
HUMAN_ATTRIBUTES = frozenset({"title", "alt", "aria-label", "placeholder"})
"""Attributes read or shown to people as text: typeset like text (characters only)."""
HUMAN_META = frozenset(
    {"description", "og:title", "og:description", "twitter:title", "twitter:description"}
)
"""``<meta name=…>`` / ``<meta property=…>`` whose ``content`` is a sentence, not a URL."""

_ATTRIBUTE = re.compile(
    r"""(?P<lead>\s(?P<name>[^\s"'>/=]+)\s*=\s*)(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')"""
)


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _may_change(raw: str) -> bool:
    """Whether a text run as written in the page can change: most cannot (spaces between
    tags, words without punctuation), and are left without decoding them."""
    return (
        "&" in raw
        or TRIGGER.search(raw) is not None
        or (("1e" in raw or "1r" in raw) and ORDINAL.search(raw) is not None)
    )


def _raise_ordinals(escaped: str) -> str:
    return ORDINAL.sub(r"\1<sup>\2</sup>", escaped)


def _typeset_tag(tag: str, attrs: list[tuple[str, str | None]], raw: str) -> str:
    """The start tag with its human-text attributes typeset, every other byte kept."""
    names = {name for name, _ in attrs}
    if tag == "meta":
        values = dict(attrs)
        kind = values.get("name") or values.get("property") or ""
        wanted = {"content"} if kind.lower() in HUMAN_META else set()
    else:
        wanted = set(HUMAN_ATTRIBUTES)
    if not names & wanted:
        return raw

    def rewrite(match: re.Match[str]) -> str:
        if match.group("name").lower() not in wanted:
            return match.group()
        quoted = match.group("dq") is not None
        value = match.group("dq") if quoted else match.group("sq")
        assert value is not None
        text = html.unescape(value)
        typeset = typeset_text(text)
        if typeset == text:
            return match.group()
        escaped = html.escape(typeset, quote=True)
        return f'{match.group("lead")}"{escaped}"'

    return _ATTRIBUTE.sub(rewrite, raw)


_TOKEN = re.compile(
    r"""<!--.*?(?:-->|$)"""  # a comment
    r"""|<![^>]*>|<\?[^>]*>"""  # a declaration (the doctype) or a processing instruction
    r"""|</(?P<end>[A-Za-z][^\s/>]*)[^>]*>"""  # an end tag
    r"""|<(?P<start>[A-Za-z][^\s/>]*)"""  # a start tag, its attributes (quoted values may
    r"""(?:[^>"']|"[^"]*"|'[^']*')*>""",  # hold a `>`) and its end
    re.DOTALL,
)
"""What is not text in a rendered page. The pages are our own templates' output and bodies
cleaned by nh3, so they are well-formed: a regular expression reads them as `html.parser`
would, at half its cost (`tests/test_typography.py` pins the places where a tokenizer can slip:
`>` inside a quoted attribute, script and style content, comments, case, self-closing tags)."""

_RAW_TEXT_END = {
    "script": re.compile(r"</script", re.IGNORECASE),
    "style": re.compile(r"</style", re.IGNORECASE),
}
"""Elements whose content is not HTML: read up to their end tag without looking inside."""

_ATTRIBUTE_NAMES = re.compile(
    r"""\s([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)
_MAY_BE_HUMAN = re.compile(r"\s(?:title|alt|aria-label|placeholder)\s*=", re.IGNORECASE)


def _attributes(raw: str, name: str) -> list[tuple[str, str | None]]:
    """A start tag's attributes as `html.parser` gives them: names lowered, values decoded."""
    inside = raw[1 + len(name) : -1]
    found: list[tuple[str, str | None]] = []
    for match in _ATTRIBUTE_NAMES.finditer(inside):
        value = next((v for v in match.groups()[1:] if v is not None), None)
        found.append((match.group(1).lower(), html.unescape(value) if value else value))
    return found


def _typeset_run(raw: str, plain: bool) -> str | None:
    """A text run as written in the page, typeset; None when it does not change."""
    if not _may_change(raw):
        return None
    text = html.unescape(raw) if "&" in raw else raw
    typeset = typeset_text(text)
    escaped = _escape_text(typeset)
    if not plain:
        escaped = _raise_ordinals(escaped)
    if typeset != text or escaped != _escape_text(text):
        return escaped
    return None


def typeset_html(source: str) -> str:
    """The page with French typography in its text nodes and human-text attributes.

    Pages of one site repeat most of their lines (head, navigation, footer): the page is
    read a line at a time (cut after each ``>`` that ends a line), and a line already seen
    in the same state (inside no code, no plain-text element) is not read again."""
    parts: list[str] = []
    position, end_of_page = 0, len(source)
    skipped = plain = 0
    while position < end_of_page:
        end = _line_end(source, position)
        chunk = source[position:end]
        done = _LINES.get((chunk, skipped, plain))
        if done is None:
            tries = 0
            while True:
                done = _scan(chunk, skipped, plain, whole=False)
                if done is not None:
                    if len(_LINES) >= MEMO_LINES:
                        _LINES.clear()
                    _LINES[(chunk, skipped, plain)] = done
                    break
                if end == end_of_page or tries == MAX_JOINED:
                    # The rest of the page, as one piece: exactly what a single pass reads.
                    end = end_of_page
                    done = _scan(source[position:], skipped, plain, whole=True)
                    assert done is not None
                    break
                end = _line_end(source, end)
                chunk = source[position:end]
                tries += 1
        parts.append(done[0])
        skipped, plain = done[1], done[2]
        position = end
    return "".join(parts) if len(parts) != 1 else parts[0]


MEMO_LINES = 200_000
"""Lines remembered (a page's worth of lines is ~150; a 5 000-entry site has ~10^5 distinct)."""
MAX_JOINED = 8
"""Lines joined to make a piece that reads alone, before the rest is read in one pass."""
_LINES: dict[tuple[str, int, int], tuple[str, int, int]] = {}
"""(piece, code depth, plain depth) -> (typeset piece, code depth, plain depth) after it."""


def _line_end(source: str, start: int) -> int:
    cut = source.find(">\n", start)
    return len(source) if cut < 0 else cut + 1


def _scan(source: str, skipped: int, plain: int, whole: bool) -> tuple[str, int, int] | None:
    """Typeset a piece that starts where a token ends, in the given depths; with the depths
    at its end. Unless `whole` (the piece is the rest of the page), None when the piece may
    not read alone as it reads in its page: a `<` left as text (a tag that may go on past
    the piece), a comment or a script running to its end, or text after its last tag."""
    if not whole and _SPECIAL.search(source) is None:
        return _scan_plain(source, skipped, plain)
    parts: list[str] = []
    last = 0  # what is copied up to here
    run = 0  # where the current text run starts
    position = 0
    while True:
        match = _TOKEN.search(source, position)
        start = len(source) if match is None else match.start()
        if run < start:
            if not whole and (match is None or "<" in source[run:start]):
                return None
            if not skipped:
                typeset = _typeset_run(source[run:start], plain > 0)
                if typeset is not None:
                    parts.append(source[last:run])
                    parts.append(typeset)
                    last = start
        if match is None:
            break
        position = run = match.end()
        name = match.group("start")
        if name is not None:
            tag = name.lower()
            raw = match.group()
            if tag == "meta" or _MAY_BE_HUMAN.search(raw):
                typeset = _typeset_tag(tag, _attributes(raw, name), raw)
                if typeset != raw:
                    parts.append(source[last : match.start()])
                    parts.append(typeset)
                    last = match.end()
            if raw.endswith("/>"):
                continue
            if tag in _RAW_TEXT_END:
                closing = _RAW_TEXT_END[tag].search(source, position)
                if closing is None and not whole:
                    return None
                position = run = closing.start() if closing else len(source)
            elif tag in SKIPPED:
                skipped += 1
            elif tag in PLAIN_TEXT:
                plain += 1
        elif match.group("end") is not None:
            tag = match.group("end").lower()
            if tag in SKIPPED and skipped:
                skipped -= 1
            elif tag in PLAIN_TEXT and plain:
                plain -= 1
        elif not whole and position == len(source) and match.group().startswith("<!--"):
            return None  # a comment ending with the piece may go on in the page
    if not parts:
        return source, skipped, plain
    parts.append(source[last:])
    return "".join(parts), skipped, plain


_SPECIAL = re.compile(
    r"</?(?:meta|script|style|code|pre|kbd|samp|textarea|title|option|select|datalist)\b"
    r"|<[!?]|\s(?:title|alt|aria-label|placeholder)\s*=",
    re.IGNORECASE,
)
"""What may change the reading of a piece: its depths, raw text, a comment, a tag to set.
A piece without any is only text between ordinary tags (`_scan_plain`)."""
_SPLIT = re.compile("(" + re.sub(r"\(\?P<\w+>", "(?:", _TOKEN.pattern) + ")", re.DOTALL)
"""`_TOKEN`, the whole token captured: `split` gives text, token, text, ..., text."""


def _scan_plain(source: str, skipped: int, plain: int) -> tuple[str, int, int] | None:
    """`_scan` of a piece that holds no `_SPECIAL`, its tokens found in one call."""
    pieces = _SPLIT.split(source)
    if pieces[-1] or any("<" in text for text in pieces[::2]):
        return None  # text after the last tag, or a `<` left as text
    if skipped:
        return source, skipped, plain
    changed = False
    for index in range(0, len(pieces), 2):
        text = pieces[index]
        if text:
            typeset = _typeset_run(text, plain > 0)
            if typeset is not None:
                pieces[index] = typeset
                changed = True
    return ("".join(pieces) if changed else source), skipped, plain
