"""Markdown bodies -> HTML, with the links and images they contain (for the link check).

One converter is built once and reset between documents: building Python-Markdown's
extension registry costs more than converting a short body.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Iterable
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .cache import Cache, digest
from .fields import MEDIA_FOLDER
from .models import Entry
from .parallel import parallel_map

EXTENSIONS = ("tables", "sane_lists")
"""What the comms team needs (tables, lists that start where they say); "extra" would cost
70 % more per page for abbreviations, footnotes and definition lists nobody writes."""


@dataclass(frozen=True)
class RenderedBody:
    html: str
    links: tuple[str, ...]
    """Every href of the body, media paths already rewritten to site URLs."""
    images: tuple[tuple[str, str], ...]
    """(src, alt) of every image."""


class _BodyTreeprocessor(Treeprocessor):
    """Headings start at h2 (the page has its own h1); `media/…` becomes `/media/…`."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.links: list[str] = []
        self.images: list[tuple[str, str]] = []

    def run(self, root: etree.Element) -> None:
        self.links, self.images = [], []
        headings = [el for el in root.iter() if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
        shift = max(0, 2 - min((int(el.tag[1]) for el in headings), default=2))
        for element in root.iter():
            if element in headings and shift:
                element.tag = f"h{min(6, int(element.tag[1]) + shift)}"
            if element.tag == "a" and element.get("href") is not None:
                href = _site_path(element.get("href", ""))
                element.set("href", href)
                self.links.append(href)
            elif element.tag == "img":
                src = _site_path(element.get("src", ""))
                element.set("src", src)
                element.set("loading", "lazy")
                self.images.append((src, element.get("alt", "")))


def _site_path(target: str) -> str:
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
        processor = self._markdown.treeprocessors["nftsite-body"]
        assert isinstance(processor, _BodyTreeprocessor)
        self._processor = processor

    def render(self, text: str) -> RenderedBody:
        # Python-Markdown skips the tree processors for an empty text: clear what the last
        # document left, or its links would be reported against this one.
        self._processor.links, self._processor.images = [], []
        html = self._markdown.reset().convert(text)
        return RenderedBody(html, tuple(self._processor.links), tuple(self._processor.images))


def render_bodies(entries: Iterable[Entry], cache: Cache) -> dict[str, RenderedBody]:
    """Every entry's body as HTML, keyed by its source path; a body converted by an earlier
    build (same text, same converter) is taken from the cache, the others in parallel."""
    entries = list(entries)
    keys = {entry.source.path: digest(entry.source.body) for entry in entries}
    texts = {keys[entry.source.path]: entry.source.body for entry in entries}
    rendered = cache.lookup_many("markdown", texts)
    missing = sorted(set(texts) - set(rendered))
    renderer = MarkdownRenderer()  # one per process: each forked worker has its own copy
    converted = parallel_map(renderer.render, [texts[key] for key in missing])
    for key, body in zip(missing, converted, strict=True):
        cache.store("markdown", key, body)
        rendered[key] = body
    return {path: rendered[key] for path, key in keys.items()}
