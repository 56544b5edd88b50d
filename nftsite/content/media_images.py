"""What pages need to know of the content's images: their size, and a logo's SVG to inline.

Every `<img>` gets `width`/`height` so the page does not jump while it loads. A small SVG
logo is written into the page itself: a list of startups then costs no request per logo,
however many there are (the budget is 10 requests a page). The SVG is rebuilt from an allow
list of drawing elements and attributes, never copied: no script, link, style or foreign
content can pass, whatever the file holds.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from nftsite.core.artifacts import Artifact

INLINE_SVG_LIMIT = 4096
"""Bytes: a bigger SVG logo stays a file (an `<img>`), since it would weigh on every list."""

SVG_NS = "http://www.w3.org/2000/svg"
DRAWING = frozenset(
    {
        "svg", "g", "title", "desc", "rect", "circle", "ellipse", "line", "polyline",
        "polygon", "path", "text", "tspan", "defs", "linearGradient", "radialGradient", "stop",
    }
)  # fmt: skip
ATTRIBUTES = frozenset(
    {
        "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r",
        "rx", "ry", "dx", "dy", "d", "points", "fill", "fill-opacity", "fill-rule", "stroke",
        "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-opacity", "opacity",
        "transform", "text-anchor", "font-family", "font-size", "font-weight", "font-style",
        "letter-spacing", "offset", "stop-color", "stop-opacity", "gradientUnits",
        "gradientTransform", "id", "clip-rule", "dominant-baseline",
    }
)  # fmt: skip
SAFE_VALUE = re.compile(r"[-\w\s.,#%()'\"]*")
"""Presentation values: numbers, colours, names, `url(#id)` excluded below."""


@dataclass(frozen=True)
class ImageFacts:
    width: int
    height: int
    inline_svg: str = ""
    """The sanitised `<svg>` (no `<title>`: the page names the logo), or "" when not inlined."""


def image_facts(media: dict[str, Artifact]) -> dict[str, ImageFacts]:
    """{`media/…` path: facts} for every image whose size can be read."""
    facts: dict[str, ImageFacts] = {}
    for path, file in media.items():
        if not isinstance(file, Path):
            continue
        try:
            data = file.read_bytes()
        except OSError:
            continue
        found = read_facts(path, data)
        if found is not None:
            facts[path] = found
    return facts


def read_facts(name: str, data: bytes) -> ImageFacts | None:
    suffix = name.rsplit(".", 1)[-1].lower()
    if suffix == "svg":
        return svg_facts(data)
    size = raster_size(data)
    return ImageFacts(*size) if size else None


def raster_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG, GIF, JPEG or WebP header."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 9 < len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        length = struct.unpack(">H", data[at + 2 : at + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        at += 2 + length
    return None


def svg_facts(data: bytes) -> ImageFacts | None:
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return None
    if root.tag != f"{{{SVG_NS}}}svg":
        return None
    size = _svg_size(root)
    if size is None:
        return None
    inline = _clean(root) if len(data) <= INLINE_SVG_LIMIT else None
    return ImageFacts(size[0], size[1], inline or "")


def _svg_size(root: ElementTree.Element) -> tuple[int, int] | None:
    numbers = re.findall(r"-?[\d.]+", root.get("viewBox", ""))
    if len(numbers) == 4:
        width, height = float(numbers[2]), float(numbers[3])
    else:
        try:
            width = float(re.sub(r"px$", "", root.get("width", "")))
            height = float(re.sub(r"px$", "", root.get("height", "")))
        except ValueError:
            return None
    if width <= 0 or height <= 0:
        return None
    return round(width), round(height)


def _clean(root: ElementTree.Element) -> str | None:
    """The SVG rebuilt from allowed parts only; None when anything else is found."""
    parts: list[str] = []
    if not _write(root, parts, top=True):
        return None
    return "".join(parts)


def _write(element: ElementTree.Element, parts: list[str], *, top: bool = False) -> bool:
    if not element.tag.startswith(f"{{{SVG_NS}}}"):
        return False
    name = element.tag.split("}", 1)[1]
    if name not in DRAWING:
        return False
    if name in ("title", "desc"):
        return True  # the page names the logo itself (alt text, or an aria-hidden card logo)
    attributes = []
    for key, value in sorted(element.attrib.items()):
        if key == "role":
            continue
        if key not in ATTRIBUTES or not SAFE_VALUE.fullmatch(value) or "url" in value.lower():
            return False
        attributes.append(f' {key}="{_escape(value)}"')
    if top:
        attributes.insert(0, f' xmlns="{SVG_NS}"')
    parts.append(f"<{name}{''.join(attributes)}>")
    if element.text and element.text.strip():
        parts.append(_escape(element.text.strip()))
    for child in element:
        if not _write(child, parts):
            return False
        if child.tail and child.tail.strip():
            return False
    parts.append(f"</{name}>")
    return True


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
