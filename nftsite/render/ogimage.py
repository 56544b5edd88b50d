"""The share previews: one 1200×630 PNG per event and per place, and the site's default.

Social networks show an `og:image` only when it is a raster image of about this size (SVG is
ignored), so each preview is drawn at build time with Pillow, in the colours of
`static/site.css`, with the Inter font (by Rasmus Andersson, SIL Open Font License 1.1)
from the `fontpkg-inter` wheel: no system font, and Pillow's basic text layout rather than
whatever shaping library a machine has, so every machine draws the same pixels. PNG bytes
depend only on the card's text, this module, Pillow's and the font's versions, so two builds
give identical files, and the cache (`core/cache.py`) keeps them by that content:
an unchanged event is never drawn again. The misses of a cold build are drawn on every core
(`core/parallel.py`).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import metadata, resources
from typing import Any

import PIL
from PIL import Image, ImageDraw, ImageFont

from nftsite.core import urls
from nftsite.core.cache import Cache, digest
from nftsite.core.parallel import parallel_map
from nftsite.model.models import SiteConfig
from nftsite.render.pages import EventPage, PageToRender, PlacePage
from nftsite.render.views import EventView, PlaceView

WIDTH, HEIGHT = 1200, 630
"""The size Facebook, LinkedIn and X recommend for a large preview (1.91:1)."""

DRAWING = "1"
"""Change it when the drawing changes: the cached images of the old drawing are then unused."""

# The colours of static/site.css (--brand, --brand-dark, --accent, --line): white text on the
# brand blue has a contrast of 10.6:1, --line on it 7.8:1.
BRAND = (0x1D, 0x3A, 0x8A)
BRAND_DARK = (0x13, 0x2A, 0x66)
ACCENT = (0xE4, 0x00, 0x2B)
LINE = (0xD5, 0xD9, 0xE5)
WHITE = (0xFF, 0xFF, 0xFF)

MARGIN = 80
BAND = 110
"""The dark band at the bottom, which carries the site's name."""
TITLE_SIZES = (76, 64, 54)
"""The title's sizes, largest first: the first at which it fits in `TITLE_LINES` is used."""
TITLE_LINES = 3


@dataclass(frozen=True)
class Card:
    """What one preview shows, and where it is published."""

    url: str
    kicker: str
    title: str
    lines: tuple[str, ...]
    footer: str

    @property
    def alt(self) -> str:
        """The image's text alternative (`og:image:alt`): everything it shows."""
        return " — ".join((self.title, *self.lines, self.footer))

    @property
    def key(self) -> str:
        return digest(DRAWING, TOOLS, self.kicker, self.title, *self.lines, "", self.footer)


def default_card(config: SiteConfig) -> Card:
    return Card(urls.OG_DEFAULT, "", config.title, (config.tagline,), _host(config))


def event_card(view: EventView, config: SiteConfig) -> Card:
    kicker = {"cancelled": "Événement annulé", "tentative": "Date à confirmer"}.get(
        view.status, "Événement"
    )
    lines = (view.when, *((view.city.label,) if view.city else ()))
    return Card(urls.event_og_image_url(view.slug), kicker, view.title, lines, config.title)


def place_card(view: PlaceView, config: SiteConfig) -> Card:
    return Card(
        urls.place_og_image_url(view.slug), "Lieu", view.name, (view.city.label,), config.title
    )


def _host(config: SiteConfig) -> str:
    return config.base_url.split("://", 1)[-1].rstrip("/")


def cards(pages: Iterable[PageToRender], config: SiteConfig) -> list[Card]:
    """The default card, then one per event page and per place page, in the plan's order."""
    found = [default_card(config)]
    for planned in pages:
        page = planned.page
        if isinstance(page, EventPage):
            found.append(event_card(page.event, config))
        elif isinstance(page, PlacePage):
            found.append(place_card(page.place, config))
    return found


def og_image_files(
    pages: Iterable[PageToRender], config: SiteConfig, cache: Cache
) -> dict[str, bytes]:
    """{file in output/: PNG bytes} for every preview; only the cache's misses are drawn."""
    wanted = cards(pages, config)
    found = cache.lookup_many("og-image", {card.key for card in wanted})
    missing = list({card.key: card for card in wanted if card.key not in found}.values())
    for card, png in zip(missing, parallel_map(draw, missing), strict=True):
        cache.store("og-image", card.key, png)
        found[card.key] = png
    return {urls.output_path(card.url): found[card.key] for card in wanted}


FONT_PACKAGE = "fontpkg_inter"
FONT_FILE = "files/Inter[opsz,wght].ttf"
"""A variable font: one file for every weight (`_font` picks Regular or Bold)."""
TOOLS = f"pillow={PIL.__version__} inter={metadata.version('fontpkg-inter')}"
"""What else shapes the bytes of a preview, in its cache key."""


@cache
def _font(size: int, weight: str = "Regular") -> Glyphs:
    data = resources.files(FONT_PACKAGE).joinpath(FONT_FILE).read_bytes()
    font = ImageFont.truetype(io.BytesIO(data), size, layout_engine=ImageFont.Layout.BASIC)
    font.set_variation_by_name(weight)
    return Glyphs(font)


class Glyphs:
    """One font at one size, each character rasterized once per process.

    FreeType rasterizes a variable font's glyph again on every call, and a card's lines were
    most of a preview's cost: a line is now laid out from the masks and advances of its
    characters, which the basic layout places end to end (it applies no kerning, so a line's
    length is the sum of its characters' advances: tests/test_share_print.py holds both to
    Pillow's own)."""

    def __init__(self, font: ImageFont.FreeTypeFont) -> None:
        self.font = font
        self.size = font.size
        self._glyphs: dict[str, tuple[Any, tuple[int, int], float]] = {}

    def _glyph(self, char: str) -> tuple[Any, tuple[int, int], float]:
        found = self._glyphs.get(char)
        if found is None:
            mask, offset = self.font.getmask2(char, mode="L")
            found = self._glyphs[char] = (mask, offset, self.font.getlength(char))
        return found

    def length(self, text: str) -> float:
        return sum(self._glyph(char)[2] for char in text)

    def draw(self, pen: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, ink: int) -> None:
        """Text at `xy` (left, ascender), as `pen.text` draws it with the `ink` index."""
        pen_x: float = xy[0]
        for char in text:
            mask, (left, top), advance = self._glyph(char)
            if mask.size[0] and mask.size[1]:
                pen.draw.draw_bitmap((round(pen_x) + left, xy[1] + top), mask, ink)
            pen_x += advance


def _wrap(text: str, font: Glyphs, width: int) -> list[str]:
    """Greedy word wrap; a word longer than the line is left whole (then cut by `_fit`)."""
    lines: list[str] = []
    space = font.length(" ")
    used = 0.0
    for word in text.split():
        length = font.length(word)
        if lines and used + space + length <= width:
            lines[-1] = f"{lines[-1]} {word}"
            used += space + length
        else:
            lines.append(word)
            used = length
    return lines or [""]


def _fit(text: str, font: Glyphs, width: int) -> str:
    """One line within `width`, ending with « … » when it had to be cut."""
    if font.length(text) <= width:
        return text
    while text and font.length(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _title_lines(title: str, width: int) -> tuple[Glyphs, list[str]]:
    for size in TITLE_SIZES:
        font = _font(size, "Bold")
        lines = _wrap(title, font, width)
        if len(lines) <= TITLE_LINES and all(font.length(line) <= width for line in lines):
            return font, lines
    lines = _wrap(title, font, width)
    kept = lines[:TITLE_LINES]
    if len(lines) > TITLE_LINES:
        kept[-1] = kept[-1] + " " + " ".join(lines[TITLE_LINES:])
    return font, [_fit(line, font, width) for line in kept]


LEVELS = 16
"""Shades of anti-aliasing between a text's colour and its background."""
WHITE_ON_BRAND, LINE_ON_BRAND, WHITE_ON_DARK, ACCENT_INDEX = 0, LEVELS, 2 * LEVELS, 3 * LEVELS


def _palette() -> list[int]:
    """Three ramps (text colour over background, `LEVELS` shades each), then the accent."""
    ramps = ((BRAND, WHITE), (BRAND, LINE), (BRAND_DARK, WHITE))
    colours = [
        tuple(round(b + (t - b) * level / (LEVELS - 1)) for b, t in zip(back, text, strict=True))
        for back, text in ramps
        for level in range(LEVELS)
    ]
    colours.append(ACCENT)
    return [channel for colour in colours for channel in colour]


PALETTE = _palette()


@lru_cache(maxsize=16)
def _background(kicker: str, footer: str) -> Image.Image:
    """What cards of one kind share: the accent, the band with the footer, the kicker. Drawn
    once per kind (a worker's copy of it, at least); `draw` adds the rest, which covers none
    of these pixels (the title's zone starts below the kicker, the lines stop above the band),
    so the result is the picture drawn in one go."""
    index = Image.new("L", (WIDTH, HEIGHT), LINE_ON_BRAND)
    pen = ImageDraw.Draw(index)
    pen.rectangle((0, 0, 23, HEIGHT - BAND - 1), fill=ACCENT_INDEX)
    pen.rectangle((0, HEIGHT - BAND, WIDTH, HEIGHT), fill=WHITE_ON_DARK)
    top = LEVELS - 1
    width = WIDTH - 2 * MARGIN
    if kicker:
        small = _font(32, "SemiBold")
        small.draw(pen, (MARGIN, 70), _fit(kicker.upper(), small, width), LINE_ON_BRAND + top)
    last = _font(36, "SemiBold")
    pen.text(
        (MARGIN, HEIGHT - BAND // 2), _fit(footer, last, width), font=last.font,
        fill=WHITE_ON_DARK + top, anchor="lm",
    )  # fmt: skip
    return index


def draw(card: Card) -> bytes:
    """The preview as PNG bytes: a pure function of the card (and of the tools' versions).

    The picture is drawn as palette indices: each text's zone is first filled with the index
    of its ramp's background (all ramps start with a background colour, so this shows
    nothing), then its text is drawn with the index of the ramp's end. Anti-aliasing blends
    between the two, which lands on the ramp's shades: an 8-bit image of a few dozen colours,
    quick to compress and a third the size of the same picture in RGB.
    """
    index = _background(card.kicker, card.footer).copy()
    pen = ImageDraw.Draw(index)
    top = LEVELS - 1
    width = WIDTH - 2 * MARGIN
    y = 70 + (64 if card.kicker else 0)
    font, lines = _title_lines(card.title, width)
    step = round(font.size * 1.15)
    pen.rectangle((MARGIN - 8, y - 8, WIDTH - 1, y + step * len(lines) + 8), fill=WHITE_ON_BRAND)
    for text in lines:
        font.draw(pen, (MARGIN, y), text, WHITE_ON_BRAND + top)
        y += step
    y += 24
    detail = _font(40)
    for text in card.lines:
        if y + 50 > HEIGHT - BAND:
            break
        detail.draw(pen, (MARGIN, y), _fit(text, detail, width), LINE_ON_BRAND + top)
        y += 56
    image = index.convert("P")
    image.putpalette(PALETTE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=3)
    return out.getvalue()
