"""Markdown bodies -> HTML, with the links and images they contain (for the link check).

One converter is built once and reset between documents: building Python-Markdown's
extension registry costs more than converting a short body.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .fields import MEDIA_FOLDER

EXTENSIONS = ("extra", "sane_lists")


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
        html = self._markdown.reset().convert(text)
        return RenderedBody(html, tuple(self._processor.links), tuple(self._processor.images))
