"""Markdown bodies -> HTML, with the links and images they contain (for the link check).

One converter is built once and reset between documents: building Python-Markdown's
extension registry costs more than converting a short body. What a body may hold is checked
here, on the text and on the HTML it becomes, and each problem found is placed on its line
of the body; `links.check_body_links` reports them with the file's path.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterable
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from nftsite.content.sanitize import NESTING_HINT, NESTING_MESSAGE, BodySanitizer, Finding
from nftsite.core.cache import Cache, digest
from nftsite.core.folders import MEDIA_FOLDER
from nftsite.core.parallel import parallel_map
from nftsite.model.models import Entry

EXTENSIONS = ("tables", "sane_lists")
"""What the comms team needs (tables, lists that start where they say); "extra" would cost
70 % more per page for abbreviations, footnotes and definition lists nobody writes."""

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
"""Invisible control characters (tab and line feed excepted) and Unicode non-characters:
they would land in the HTML (where the validator refuses them) and in the calendars."""
_ALIGN = re.compile(r"text-align:\s*(left|center|right)")


@dataclass(frozen=True)
class BodyProblem:
    """A problem in a body, placed on the body's own lines (1 = the line after the `---`)."""

    line: int
    column: int
    message: str
    hint: str


@dataclass(frozen=True)
class RenderedBody:
    html: str
    """Cleaned by the sanitizer: safe to publish as it is."""
    links: tuple[str, ...]
    """Every href of the body, media paths already rewritten to site URLs."""
    images: tuple[tuple[str, str], ...]
    """(src, alt) of every image."""
    problems: tuple[BodyProblem, ...] = ()
    """Errors in the text itself: control characters, HTML the site refuses, nesting."""


class _BodyTreeprocessor(Treeprocessor):
    """Headings start at h2 (the page has its own h1); `media/…` becomes `/media/…`; a table
    column's alignment becomes a class, since the page's Content-Security-Policy refuses
    style attributes."""

    def run(self, root: etree.Element) -> None:
        headings = [el for el in root.iter() if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
        shift = max(0, 2 - min((int(el.tag[1]) for el in headings), default=2))
        for element in root.iter():
            if element in headings and shift:
                element.tag = f"h{min(6, int(element.tag[1]) + shift)}"
            if element.tag == "a" and element.get("href") is not None:
                element.set("href", site_path(element.get("href", "")))
            elif element.tag == "img":
                element.set("src", site_path(element.get("src", "")))
                element.set("loading", "lazy")
            elif element.tag in ("th", "td") and "style" in element.attrib:
                align = _ALIGN.search(element.attrib.pop("style"))
                if align:
                    element.set("class", f"align-{align[1]}")


def site_path(target: str) -> str:
    """`media/…` as the guide writes it -> the site's `/media/…`."""
    if target.startswith(MEDIA_FOLDER + "/"):
        return "/" + target
    return target


class _BodyExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_BodyTreeprocessor(md), "nftsite-body", 0)


class MarkdownRenderer:
    """Converts bodies one after another with a single reusable converter."""

    def __init__(self) -> None:
        self._markdown = markdown.Markdown(
            extensions=[*EXTENSIONS, _BodyExtension()], output_format="html"
        )
        self._sanitizer = BodySanitizer(site_path)

    def render(self, text: str) -> RenderedBody:
        """The body's HTML, never raising for what the text holds: a problem says it."""
        problems = control_characters(text)
        if problems:  # keep them out of the converter, which uses some as markers
            text = CONTROL.sub("\ufffd", text)
        try:
            html = self._markdown.reset().convert(text)
        except RecursionError:  # Python-Markdown recurses once per level of nesting
            line = deepest_line(text)
            return RenderedBody(
                "", (), (), (*problems, BodyProblem(line, 0, NESTING_MESSAGE, NESTING_HINT))
            )
        clean = self._sanitizer.clean(html)
        locator = Locator(text)
        problems += [locator.place(finding) for finding in clean.findings]
        return RenderedBody(clean.html, clean.links, clean.images, tuple(problems))


def control_characters(text: str) -> list[BodyProblem]:
    """One problem per line holding an invisible control character, at its column."""
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        match = CONTROL.search(line)
        if match:
            code = f"U+{ord(match[0]):04X}"
            problems.append(
                BodyProblem(
                    number,
                    match.start() + 1,
                    f"caractère de contrôle invisible ({code}) dans le texte",
                    "il vient souvent d'un copier-coller : effacez le texte autour du curseur "
                    "et retapez-le",
                )
            )
    return problems


def deepest_line(text: str) -> int:
    """The first line among the most deeply indented or quoted ones (for nesting errors)."""
    best, best_depth = 1, -1
    for number, line in enumerate(text.split("\n"), start=1):
        lead = re.match(r"[ \t>]*", line)
        prefix = lead[0] if lead else ""
        depth = len(prefix.replace("\t", "    ").replace(">", "    "))
        if depth > best_depth:
            best, best_depth = number, depth
    return best


class Locator:
    """Places the sanitizer's findings on the lines of the body they come from."""

    def __init__(self, text: str) -> None:
        self.text = text

    def place(self, finding: Finding) -> BodyProblem:
        index = self._find(finding.needle, finding.nth)
        if index >= 0:
            index += finding.offset
        elif finding.fallback:
            index = self._find(finding.fallback, 0)
        if index < 0:
            line = deepest_line(self.text) if finding.nesting else 1
            return BodyProblem(line, 0, finding.message, finding.hint)
        line = self.text.count("\n", 0, index) + 1
        column = index - (self.text.rfind("\n", 0, index) + 1) + 1
        return BodyProblem(line, column, finding.message, finding.hint)

    def _find(self, needle: str, nth: int) -> int:
        """Where the nth occurrence of `needle` starts (the last one if fewer), or -1."""
        if not needle:
            return -1
        found, start = -1, 0
        for _ in range(nth + 1):
            index = self.text.find(needle, start)
            if index < 0:
                break
            found, start = index, index + 1
        return found


@functools.cache
def shared_renderer() -> MarkdownRenderer:
    """The process's converter, made once: making one takes longer than converting a body,
    which the live preview does one at a time."""
    return MarkdownRenderer()


def render_bodies(entries: Iterable[Entry], cache: Cache) -> dict[str, RenderedBody]:
    """Every entry's body as HTML, keyed by its source path; a body converted by an earlier
    build (same text, same converter) is taken from the cache, the others in parallel."""
    entries = list(entries)
    keys = {entry.source.path: digest(entry.source.body) for entry in entries}
    texts = {keys[entry.source.path]: entry.source.body for entry in entries}
    rendered = cache.lookup_many("markdown", texts)
    missing = sorted(set(texts) - set(rendered))
    renderer = shared_renderer()  # one per process: each forked worker has its own copy
    converted = parallel_map(renderer.render, [texts[key] for key in missing])
    for key, body in zip(missing, converted, strict=True):
        cache.store("markdown", key, body)
        rendered[key] = body
    return {path: rendered[key] for path, key in keys.items()}
