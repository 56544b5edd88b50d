"""Page budgets, measured in Debian's Chromium on the built sample site served on 127.0.0.1.

For every kind of page, at phone (375 px) and desktop (1280 px) widths, on a first visit
(cache disabled, every request counted, the document and the favicon included):
- at most 100 KB transferred and at most 10 requests (the RGESN's sober page);
- no request to any host but the local server;
- at 375 px, nothing wider than the screen (WCAG 1.4.10, reflow): the document does not
  scroll sideways;
- axe-core finds no WCAG 2.1 AA violation, with the page's scripts running and with them off.

Headless Chromium fetches no favicon, so the icon a browser would fetch (the PNG, the largest
of the two) is added to each page's count and weight.

Also: the polish the pages promise (sized images, inline logos, the icons and manifest).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import html5lib
import pytest

from .conftest import REPO, ContentEntry
from .test_accessibility import AXE, AXE_RUN, WCAG_AA, require
from .test_browser import DevTools, find_chromium

WIDTHS = (375, 1280)
MAX_BYTES = 100 * 1024
MAX_REQUESTS = 10
FAVICON = "/static/favicon-32.png"

# Bytes of the document and of every resource, as the browser's own Resource Timing saw them
# (transferSize counts headers too; encodedBodySize stands in where a response reports 0).
WEIGHTS = """JSON.stringify([performance.getEntriesByType("navigation")[0],
  ...performance.getEntriesByType("resource")].map(e => ({
    url: e.name, bytes: e.transferSize || (e.encodedBodySize + 300)})))"""
SIDEWAYS = "document.scrollingElement.scrollWidth - innerWidth"


def page_paths(sample_entries: list[ContentEntry], upcoming: list[ContentEntry]) -> list[str]:
    """One page of each kind; the event is the online one (the longest URL) when there is one."""
    first = {entry.folder: entry.url for entry in reversed(sample_entries) if not entry.is_draft}
    online = [event for event in upcoming if event.fields.get("online")]
    place = next(
        (e.url for e in sample_entries if e.folder == "places" and e.fields.get("image")),
        first["places"],
    )
    return [
        "/",
        "/agenda/",
        (online or upcoming)[0].url,
        "/startups/",
        first["startups"],
        "/lieux/",
        place,
        "/presse/",
        first["press"],
        "/abonnement/",
        "/recherche/",  # before a search is typed
        "/agenda/proposer/",
    ]


def open_at(browser: DevTools, width: int, *, scripts: bool = True) -> str:
    session = browser.open_page()
    height = 812 if width < 600 else 900
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        # mobile=False: with Chromium's mobile emulation a page too wide is zoomed out to fit,
        # innerWidth grows with it, and sideways scrolling could never be seen.
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        session=session,
    )
    browser.call("Network.setCacheDisabled", {"cacheDisabled": True}, session=session)
    if not scripts:
        browser.call("Emulation.setScriptExecutionDisabled", {"value": True}, session=session)
    return session


def evaluate(browser: DevTools, session: str, expression: str, awaited: bool = False) -> Any:
    answer = browser.call(
        "Runtime.evaluate",
        {"expression": expression, "returnByValue": True, "awaitPromise": awaited},
        session=session,
    )
    assert "exceptionDetails" not in answer, answer
    return answer["result"].get("value")


@pytest.mark.system_deps
def test_every_kind_of_page_is_within_budget_at_phone_and_desktop_widths(
    site_url: str,
    sample_output: Path,
    tmp_path: Path,
    sample_entries: list[ContentEntry],
    upcoming_events: list[ContentEntry],
) -> None:
    chromium = find_chromium()
    local = urlsplit(site_url).netloc
    favicon = (sample_output / FAVICON.lstrip("/")).stat().st_size
    over: dict[str, Any] = {}
    measured: dict[str, str] = {}
    for width in WIDTHS:
        browser = DevTools(chromium, tmp_path / f"profile-{width}")
        try:
            session = open_at(browser, width)
            for path in page_paths(sample_entries, upcoming_events):
                # A data: address is drawn by the browser itself (a date field's calendar
                # icon): nothing leaves the page for it.
                requests = [
                    r
                    for r in browser.load(session, site_url + path)
                    if not r["url"].startswith("data:")
                ]
                urls = [r["url"] for r in requests]
                weights = json.loads(evaluate(browser, session, WEIGHTS))
                total = sum(w["bytes"] for w in weights)
                count = len(requests)
                if not any(urlsplit(u).path.startswith("/static/favicon") for u in urls):
                    count, total = count + 1, total + favicon
                key = f"{path} @{width}px"
                measured[key] = f"{count} requests, {total / 1024:.1f} KB: {urls}"
                elsewhere = [u for u in urls if urlsplit(u).netloc != local]
                sideways = evaluate(browser, session, SIDEWAYS) if width < 600 else 0
                if count > MAX_REQUESTS or total > MAX_BYTES or elsewhere or sideways > 0:
                    over[key] = {
                        "requests": urls,
                        "bytes": total,
                        "other hosts": elsewhere,
                        "scrolls sideways by (px)": sideways,
                    }
        finally:
            browser.close()
    print(json.dumps(measured, ensure_ascii=False, indent=1))
    assert not over, json.dumps(over, ensure_ascii=False, indent=1)


@pytest.mark.system_deps
@pytest.mark.parametrize("scripts", [True, False], ids=["scripts-on", "scripts-off"])
def test_no_axe_violation_with_scripts_on_or_off(
    site_url: str,
    tmp_path: Path,
    sample_entries: list[ContentEntry],
    upcoming_events: list[ContentEntry],
    scripts: bool,
) -> None:
    """axe-core is injected by DevTools, which runs even where the page's scripts may not."""
    chromium = find_chromium()
    axe = require(AXE).read_text(encoding="utf-8")
    found = {}
    for width in WIDTHS:
        browser = DevTools(chromium, tmp_path / f"profile-{width}")
        try:
            session = open_at(browser, width, scripts=scripts)
            for path in page_paths(sample_entries, upcoming_events):
                browser.load(session, site_url + path)
                if not scripts:
                    # The page was parsed and laid out with no script run; axe needs timers,
                    # so scripts come back on now, when the page's own have been skipped.
                    browser.call(
                        "Emulation.setScriptExecutionDisabled", {"value": False}, session=session
                    )
                evaluate(browser, session, axe)
                run = AXE_RUN % json.dumps(WCAG_AA)
                violations = json.loads(evaluate(browser, session, run, awaited=True))
                if violations:
                    found[f"{path} @{width}px"] = violations
                if not scripts:
                    browser.call(
                        "Emulation.setScriptExecutionDisabled", {"value": True}, session=session
                    )
        finally:
            browser.close()
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


# --- What the built pages promise, read with html5lib ---------------------------------------


def parsed(sample_output: Path, path: str) -> Any:
    html = (sample_output / path.strip("/") / "index.html").read_bytes()
    return html5lib.parse(html, namespaceHTMLElements=False)


def test_every_img_of_the_site_has_a_width_and_a_height(sample_output: Path) -> None:
    unsized = []
    for page in sample_output.rglob("*.html"):
        tree = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
        for img in tree.iter("img"):
            if not (img.get("width", "").isdigit() and img.get("height", "").isdigit()):
                unsized.append(f"{page.relative_to(sample_output)}: {img.get('src')}")
    assert not unsized, unsized


def test_the_directory_draws_its_logos_inline_and_loads_no_logo_file(
    sample_output: Path, sample_entries: list[ContentEntry]
) -> None:
    with_logo = [e for e in sample_entries if e.folder == "startups" and e.fields.get("logo")]
    assert with_logo, "the sample has no startup with a logo to check"
    tree = parsed(sample_output, "/startups/")
    assert not [img.get("src") for img in tree.iter("img")]
    inline = [e for e in tree.iter() if e.tag.rsplit("}", 1)[-1] == "svg"]
    assert len(inline) >= len(with_logo), len(inline)
    tags = {e.tag.rsplit("}", 1)[-1] for svg in inline for e in svg.iter()}
    assert not tags & {"script", "a", "style", "foreignObject", "use", "image"}, tags


def test_a_startup_with_a_website_shows_it_in_the_directory_and_on_its_page(
    make_site: Any,
) -> None:
    """On a site of its own: the sample's startups name no website, and a test that skips
    when the sample changes would check nothing."""
    site = make_site(
        {
            "startups/dataseine.md": "---\nname: DataSeine\ncity: rouen\n"
            "website: https://dataseine.example/\n---\nDes données.\n"
        }
    )
    run = site.run()
    assert run.exit_code == 0, run.stderr
    for path in ("/startups/", "/startups/dataseine/"):
        hrefs = {a.get("href") for a in parsed(site.output, path).iter("a")}
        assert "https://dataseine.example/" in hrefs, path


def test_cancelled_and_past_events_offer_no_add_to_calendar(
    sample_output: Path, sample_entries: list[ContentEntry], upcoming_events: list[ContentEntry]
) -> None:
    upcoming = {e.url for e in upcoming_events}
    events = [e for e in sample_entries if e.folder == "events" and not e.is_draft]
    cancelled = [e for e in events if e.fields.get("status") == "cancelled"]
    past = [e for e in events if e.url not in upcoming and not e.fields.get("recurrence")]
    assert cancelled and past, "the sample needs a cancelled and a past event"
    for entry in [*cancelled, *past]:
        ids = {element.get("id") for element in parsed(sample_output, entry.url).iter()}
        assert "ajouter" not in ids, entry.url
    live = next(e for e in upcoming_events if e not in cancelled)
    assert "ajouter" in {el.get("id") for el in parsed(sample_output, live.url).iter()}


def test_the_subscribe_page_is_one_chooser_with_one_radio_per_feed(sample_output: Path) -> None:
    tree = parsed(sample_output, "/abonnement/")
    radios = [i for i in tree.iter("input") if i.get("type") == "radio"]
    assert len(radios) >= 2 and len({r.get("name") for r in radios}) == 1
    assert sum(1 for r in radios if r.get("checked") is not None) == 1
    assert not [s for s in tree.iter("section") if "subscribe" in (s.get("class") or "")]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_icons_manifest_and_theme_colour_are_linked_and_real(sample_output: Path) -> None:
    tree = parsed(sample_output, "/")
    links = {(link.get("rel"), link.get("href")) for link in tree.iter("link")}
    assert ("icon", "/static/favicon-32.png") in links
    assert ("apple-touch-icon", "/static/apple-touch-icon.png") in links
    assert ("manifest", "/static/site.webmanifest") in links
    assert any(m.get("name") == "theme-color" for m in tree.iter("meta"))
    static = sample_output / "static"
    assert png_size((static / "favicon-32.png").read_bytes()) == (32, 32)
    assert png_size((static / "apple-touch-icon.png").read_bytes()) == (180, 180)
    manifest = json.loads((static / "site.webmanifest").read_text(encoding="utf-8"))
    for icon in manifest["icons"]:
        data = (static / icon["src"]).read_bytes()
        if icon["type"] == "image/png":
            assert "{}x{}".format(*png_size(data)) == icon["sizes"]


@pytest.mark.slow
def test_the_committed_icons_are_what_scripts_make_icons_draws(tmp_path: Path) -> None:
    """Deterministic: the script draws the same bytes as the committed PNGs."""
    import runpy

    script = runpy.run_path(str(REPO / "scripts" / "make-icons"))
    svg = (REPO / "static" / "favicon.svg").read_text(encoding="utf-8")
    name, (size, rounded) = "favicon-32.png", script["SIZES"]["favicon-32.png"]
    assert script["draw"](size, rounded, svg) == (REPO / "static" / name).read_bytes()


def test_the_footer_states_the_accessibility_status_and_the_declaration_date(
    sample_output: Path,
) -> None:
    for path in ("/", "/agenda/", "/startups/"):
        footer = next(parsed(sample_output, path).iter("footer"))
        text = " ".join("".join(footer.itertext()).split())
        assert "Accessibilité : partiellement conforme" in text, text
        assert any(t.get("datetime") for t in footer.iter("time")), path
