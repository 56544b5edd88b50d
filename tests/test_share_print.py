"""Share previews, share links and print, judged on the built sample site.

The previews (`og:image`) are read back as PNG files, by Pillow and by their own IHDR header;
every page's `<head>` is parsed with html5lib; the share links' addresses are decoded with
urllib. What only a browser shows — the copy-link button, the printed page — is judged in
Debian's Chromium: its A4 PDF read with pypdf, axe-core run on an event page with the share
block (those tests are marked `system_deps`).
"""

from __future__ import annotations

import json
import struct
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree.ElementTree import Element

import html5lib
import pytest
from PIL import Image
from pypdf import PdfReader

from nftsite.render import ogimage

from .conftest import NOW_ARG, REPO, ContentEntry, InlineSite, served
from .test_accessibility import AXE, AXE_RUN, WCAG_AA, require
from .test_browser import CHROMIUM_FLAGS, CHROMIUM_TIMEOUT, DevTools, find_chromium

BASE_URL = "https://www.normandyfrenchtech.fr"
A4 = (595.28, 841.89)
"""A4 in PDF points (210 × 297 mm)."""


def parse(path: Path) -> Element:
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)


def head_meta(document: Element) -> dict[str, str]:
    """`<meta property|name=… content=…>` of a page, by property or name."""
    found = {}
    for meta in document.iter("meta"):
        key = meta.get("property") or meta.get("name")
        if key:
            found[key] = meta.get("content") or ""
    return found


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG signature and IHDR chunk, read without Pillow."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def published(entries: list[ContentEntry], folder: str) -> list[ContentEntry]:
    return [entry for entry in entries if entry.folder == folder and not entry.is_draft]


# --- previews ----------------------------------------------------------------------------


def test_one_preview_per_event_and_place_plus_the_default_each_a_1200x630_png(
    sample_output: Path, sample_entries: list[ContentEntry]
) -> None:
    expected = {"site.png"}
    expected |= {f"evenement-{e.slug}.png" for e in published(sample_entries, "events")}
    expected |= {f"lieu-{e.slug}.png" for e in published(sample_entries, "places")}
    found = {path.name for path in (sample_output / "og").iterdir()}
    assert found == expected
    for name in sorted(found):
        data = (sample_output / "og" / name).read_bytes()
        assert png_size(data) == (1200, 630), name
        with Image.open(sample_output / "og" / name) as image:
            assert image.format == "PNG"
            assert image.size == (1200, 630)
            image.load()  # the whole file decodes
        assert len(data) < 60_000, f"{name}: {len(data)} bytes"


def test_previews_are_byte_identical_in_a_second_build_without_the_cache(
    sample_output: Path, tmp_path: Path
) -> None:
    from nftsite.commands.cli import main

    again = tmp_path / "again"
    code = main(
        ["build", "--root", str(REPO), "--output", str(again), "--now", NOW_ARG, "--no-cache"]
    )
    assert code == 0
    first = {p.name: p.read_bytes() for p in (sample_output / "og").iterdir()}
    second = {p.name: p.read_bytes() for p in (again / "og").iterdir()}
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert not differing


@pytest.mark.parametrize(("size", "weight"), [(76, "Bold"), (54, "Bold"), (40, "Regular")])
def test_lines_laid_out_from_cached_glyphs_are_the_pixels_pillow_draws(
    sample_entries: list[ContentEntry], size: int, weight: str
) -> None:
    """A card's lines are drawn a character at a time from masks rasterized once
    (`ogimage.Glyphs`): the picture, and each line's measured length, must be Pillow's own."""
    from PIL import ImageChops, ImageDraw

    glyphs = ogimage._font(size, weight)
    titles = [str(e.fields["title"]) for e in sample_entries if e.fields.get("title")]
    titles.append("« L’été » : 14 h 30 – 2027, Œuvre, ÇA, déjà… !?")
    assert len(titles) > 10
    for title in titles:
        width = round(glyphs.font.getlength(title)) + 200
        pillow = Image.new("L", (width, size * 2), 16)
        ours = pillow.copy()
        ImageDraw.Draw(pillow).text((80, 10), title, font=glyphs.font, fill=31)
        glyphs.draw(ImageDraw.Draw(ours), (80, 10), title, 31)
        assert ImageChops.difference(pillow, ours).getbbox() is None, title
        assert glyphs.length(title) == glyphs.font.getlength(title), title


EVENT = """\
---
title: {title}
start: 2026-12-10 18:30
city: caen
---
Texte.
"""


def test_an_unchanged_event_is_not_drawn_again(
    make_site: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache keeps previews by content: a second build draws only the edited event's."""
    site: InlineSite = make_site(  # type: ignore[operator]
        {
            "events/atelier.md": EVENT.format(title="Atelier IA"),
            "events/meetup.md": EVENT.format(title="Meetup Rouen"),
        }
    )
    drawn: list[str] = []
    real_draw = ogimage.draw

    def counting(card: ogimage.Card) -> bytes:
        drawn.append(card.title)
        return real_draw(card)

    monkeypatch.setattr(ogimage, "draw", counting)
    assert site.run().exit_code == 0
    assert sorted(drawn) == ["Atelier IA", "Meetup Rouen", "Normandy French Tech"]
    before = (site.output / "og" / "evenement-meetup.png").read_bytes()
    drawn.clear()
    site.write({"events/atelier.md": EVENT.format(title="Atelier IA générative")})
    assert site.run().exit_code == 0
    assert drawn == ["Atelier IA générative"]
    assert (site.output / "og" / "evenement-meetup.png").read_bytes() == before


def test_every_page_names_a_preview_of_the_build_and_a_large_twitter_card(
    sample_output: Path,
) -> None:
    pages = sorted(sample_output.rglob("*.html"))
    assert len(pages) > 50
    problems = []
    for page in pages:
        shown = page.relative_to(sample_output).as_posix()
        meta = head_meta(parse(page))
        image = meta.get("og:image", "")
        if not image.startswith(BASE_URL + "/og/"):
            problems.append(f"{shown}: og:image {image!r}")
            continue
        if not (sample_output / urlsplit(image).path.lstrip("/")).is_file():
            problems.append(f"{shown}: {image} is not a file of the build")
        if (meta.get("og:image:width"), meta.get("og:image:height")) != ("1200", "630"):
            problems.append(f"{shown}: og:image size {meta.get('og:image:width')}")
        if not meta.get("og:image:alt", "").strip():
            problems.append(f"{shown}: no og:image:alt")
        if meta.get("twitter:card") != "summary_large_image":
            problems.append(f"{shown}: twitter:card {meta.get('twitter:card')!r}")
    assert not problems, "\n".join(problems)


def test_an_event_page_names_its_own_preview(
    sample_output: Path, sample_entries: list[ContentEntry]
) -> None:
    event = published(sample_entries, "events")[0]
    meta = head_meta(parse(sample_output / event.url.lstrip("/") / "index.html"))
    assert meta["og:image"] == f"{BASE_URL}/og/evenement-{event.slug}.png"
    assert event.fields["title"].replace("'", "’")[:20] in meta["og:image:alt"].replace("'", "’")


# --- share links -------------------------------------------------------------------------

NETWORKS = {
    # host of the share page: the query parameter that must carry the page's address
    "www.linkedin.com": "url",
    "s2f.kytta.dev": "text",
    "twitter.com": "url",
    "www.facebook.com": "u",
}


@pytest.mark.parametrize("folder", ["events", "startups", "places", "press"])
def test_entry_pages_have_share_links_that_need_no_script(
    sample_output: Path, sample_entries: list[ContentEntry], folder: str
) -> None:
    entry = published(sample_entries, folder)[0]
    document = parse(sample_output / entry.url.lstrip("/") / "index.html")
    canonical = BASE_URL + entry.url
    sections = [s for s in document.iter("section") if s.get("class") == "share"]
    assert len(sections) == 1, f"{entry.url}: {len(sections)} share sections"
    links = [a for a in sections[0].iter("a")]
    hosts = {urlsplit(a.get("href") or "").netloc: a for a in links}
    for host, parameter in NETWORKS.items():
        assert host in hosts, f"{entry.url}: no link to {host}"
        link = hosts[host]
        query = parse_qs(urlsplit(link.get("href") or "").query)
        assert any(canonical in value for value in query[parameter]), (host, query)
        assert "noopener" in (link.get("rel") or "").split(), host
    mail = [a.get("href") or "" for a in links if (a.get("href") or "").startswith("mailto:")]
    assert len(mail) == 1
    assert parse_qs(urlsplit(mail[0]).query)["body"] == [canonical]


def test_no_page_loads_a_script_from_another_host(sample_output: Path) -> None:
    for page in sorted(sample_output.rglob("*.html")):
        for script in parse(page).iter("script"):
            source = script.get("src")
            if source is not None:
                assert source.startswith("/") and not source.startswith("//"), (page, source)


# --- in Chromium -------------------------------------------------------------------------


def event_with_registration(entries: list[ContentEntry]) -> ContentEntry:
    found = [e for e in published(entries, "events") if e.fields.get("registration")]
    assert found, "the sample content has no event with a registration link"
    return found[0]


def wait_for(browser: DevTools, session: str, expression: str) -> object:
    """The value of `expression` once truthy (the page's script answers asynchronously)."""
    deadline = time.monotonic() + 5
    while True:
        answer = browser.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session
        )
        value = answer["result"].get("value")
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


@pytest.mark.system_deps
def test_copy_link_puts_the_page_address_on_the_clipboard(
    site_url: str, tmp_path: Path, upcoming_events: list[ContentEntry]
) -> None:
    chromium = find_chromium()
    event = upcoming_events[0]
    browser = DevTools(chromium, tmp_path / "profile")
    try:
        browser.call(
            "Browser.grantPermissions",
            {"origin": site_url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
        )
        session = browser.open_page()
        browser.call("Emulation.setFocusEmulationEnabled", {"enabled": True}, session=session)
        browser.load(session, site_url + event.url)
        box = wait_for(
            browser,
            session,
            """(() => { const b = document.querySelector('[data-share="copy"]');
                 if (!b || b.offsetParent === null) return null;
                 b.scrollIntoView(); const r = b.getBoundingClientRect();
                 return [r.x + r.width / 2, r.y + r.height / 2]; })()""",
        )
        assert box, "the copy-link button is not shown"
        x, y = box  # type: ignore[misc]
        for kind in ("mousePressed", "mouseReleased"):
            browser.call(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1},
                session=session,
            )
        status = wait_for(browser, session, "document.querySelector('.share-status').textContent")
        assert status == "Lien copié.", status
        copied = browser.call(
            "Runtime.evaluate",
            {
                "expression": "navigator.clipboard.readText()",
                "awaitPromise": True,
                "returnByValue": True,
                "userGesture": True,
            },
            session=session,
        )
        assert copied["result"]["value"] == BASE_URL + event.url
    finally:
        browser.close()


@pytest.mark.system_deps
def test_print_shows_the_site_name_in_dark_text_and_hides_navigation_and_buttons(
    site_url: str, tmp_path: Path, upcoming_events: list[ContentEntry]
) -> None:
    chromium = find_chromium()
    browser = DevTools(chromium, tmp_path / "profile")
    try:
        session = browser.open_page()
        browser.call("Emulation.setEmulatedMedia", {"media": "print"}, session=session)
        browser.load(session, site_url + upcoming_events[0].url)
        answer = browser.call(
            "Runtime.evaluate",
            {
                "expression": """JSON.stringify({
                  brand: getComputedStyle(document.querySelector('.brand')).color,
                  shown: [...document.querySelectorAll(
                      '.site-header nav, .share, .add-to-calendar, .breadcrumbs, button')]
                    .filter(e => e.getClientRects().length > 0).map(e => e.className || e.tagName)
                })""",
                "returnByValue": True,
            },
            session=session,
        )
    finally:
        browser.close()
    found = json.loads(answer["result"]["value"])
    assert found["brand"] == "rgb(0, 0, 0)"
    assert found["shown"] == []


def print_to_pdf(chromium: str, profile: Path, url: str, pdf: Path) -> PdfReader:
    result = subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            url,
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=CHROMIUM_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0 and pdf.is_file(), result.stderr.decode(errors="replace")[-2000:]
    return PdfReader(pdf)


@pytest.mark.system_deps
def test_an_event_prints_on_one_a4_page_with_its_registration_address(
    sample_output: Path, tmp_path: Path, sample_entries: list[ContentEntry]
) -> None:
    """The event with a registration link, and the two longest event pages of the sample."""
    chromium = find_chromium()
    events = published(sample_entries, "events")
    registered = event_with_registration(sample_entries)

    def size(entry: ContentEntry) -> int:
        return (sample_output / entry.url.lstrip("/") / "index.html").stat().st_size

    longest = sorted(events, key=size, reverse=True)[:2]
    chosen = [registered, *(e for e in longest if e != registered)]
    with served(sample_output) as site_url:
        for entry in chosen:
            pdf = print_to_pdf(
                chromium, tmp_path / "profile", site_url + entry.url, tmp_path / f"{entry.slug}.pdf"
            )
            assert len(pdf.pages) == 1, f"{entry.url}: {len(pdf.pages)} pages"
            box = pdf.pages[0].mediabox
            assert abs(float(box.width) - A4[0]) < 2 and abs(float(box.height) - A4[1]) < 2
            text = pdf.pages[0].extract_text()
            assert "Normandy French Tech" in text
            if entry == registered:
                joined = "".join(text.split())
                assert entry.fields["registration"] in joined, text


@pytest.mark.system_deps
def test_no_axe_violation_on_an_event_page_with_its_share_block(
    site_url: str, tmp_path: Path, upcoming_events: list[ContentEntry]
) -> None:
    chromium = find_chromium()
    axe = require(AXE).read_text(encoding="utf-8")
    browser = DevTools(chromium, tmp_path / "profile")
    try:
        session = browser.open_page()
        browser.load(session, site_url + upcoming_events[0].url)
        shown = wait_for(browser, session, "!document.querySelector('.share-actions').hidden")
        assert shown, "share.js did not show the share buttons"
        browser.call("Runtime.evaluate", {"expression": axe}, session=session)
        answer = browser.call(
            "Runtime.evaluate",
            {
                "expression": AXE_RUN % json.dumps(WCAG_AA),
                "awaitPromise": True,
                "returnByValue": True,
            },
            session=session,
        )
    finally:
        browser.close()
    violations = json.loads(answer["result"]["value"])
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)
