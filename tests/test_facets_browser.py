"""The facets, static/upcoming.js and the map in Debian's Chromium, driven over DevTools.

Keys only (Input.dispatchKeyEvent: Tab and Enter, no mouse) reach a city × theme × period
combination from /agenda/; the page clock is moved with an init script
(Page.addScriptToEvaluateOnNewDocument) to see « à venir » stay true between rebuilds;
axe-core judges the new kinds of page with scripts on and off.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest

from .conftest import NOW
from .test_accessibility import AXE, AXE_RUN, WCAG_AA, require
from .test_browser import PAGE_TIMEOUT, DevTools, one_chromium, private_context

pytestmark = pytest.mark.system_deps  # Chromium, and axe-core from npm

TARGET = ("Rouen", "Smart Industry", "Les mois suivants")
"""The combination reached by keys: one option of each facet, in the sample."""
TARGET_URL = "/agenda/choix/rouen/smart-industry/plus-tard/"
EMPTY_PAGES = ("/startups/ville/evreux/", "/agenda/ville/le-havre/")
CLOCK = """(() => {
  const fixed = %d, Real = Date;
  class Moved extends Real {
    constructor(...args) { super(...(args.length ? args : [fixed])); }
    static now() { return fixed; }
  }
  globalThis.Date = Moved;
})();"""
"""An init script run before the page's own: `new Date()` and `Date.now()` say `fixed` (ms)."""


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    with one_chromium(tmp_path_factory.mktemp("chromium") / "profile") as browser:
        yield browser


@pytest.fixture
def browser(chromium: DevTools) -> Iterator[DevTools]:
    """This module's Chromium, the test's pages in a browser context of their own."""
    with private_context(chromium) as browser:
        yield browser


def evaluate(browser: DevTools, session: str, expression: str) -> Any:
    answer = browser.call(
        "Runtime.evaluate",
        {"expression": expression, "returnByValue": True, "awaitPromise": True},
        session=session,
    )
    assert "exceptionDetails" not in answer, answer["exceptionDetails"]
    return answer["result"].get("value")


def press(browser: DevTools, session: str, key: str) -> None:
    codes = {"Tab": 9, "Enter": 13}
    text = {"Enter": "\r"}.get(key, "")
    for kind in ("keyDown", "keyUp"):
        params: dict[str, Any] = {
            "type": kind,
            "key": key,
            "code": key,
            "windowsVirtualKeyCode": codes[key],
        }
        if kind == "keyDown" and text:
            params["text"] = text
        browser.call("Input.dispatchKeyEvent", params, session=session)


def wait_for(browser: DevTools, session: str, path: str) -> None:
    """Until the tab shows `path`, loaded."""
    deadline = time.monotonic() + PAGE_TIMEOUT
    while time.monotonic() < deadline:
        state = evaluate(browser, session, "[location.pathname, document.readyState]")
        if state == [path, "complete"]:
            return
        time.sleep(0.1)
    raise TimeoutError(f"never reached {path}: {state}")


def tab_to(browser: DevTools, session: str, label: str) -> str:
    """Tab until the focused link's text starts with `label`; its href's path."""
    for _ in range(120):
        press(browser, session, "Tab")
        focused = evaluate(
            browser,
            session,
            "[document.activeElement.tagName, document.activeElement.textContent,"
            " document.activeElement.getAttribute('href')]",
        )
        if focused[0] == "A" and focused[1].startswith(label + " ("):
            return urlsplit(focused[2]).path
    raise AssertionError(f"Tab never reached a link « {label} (…) »")


COUNTS = """[
  parseInt(document.querySelector("p.count").textContent, 10),
  [...document.querySelectorAll("main article")].filter(a => a.offsetParent !== null).length]"""


def test_tab_and_enter_alone_reach_a_city_theme_period_combination(
    browser: DevTools, site_url: str
) -> None:
    session = browser.open_page()
    browser.call("Emulation.setFocusEmulationEnabled", {"enabled": True}, session=session)
    browser.load(session, site_url + "/agenda/")
    visited = []
    for label in TARGET:
        path = tab_to(browser, session, label)
        press(browser, session, "Enter")
        wait_for(browser, session, path)
        visited.append(path)
    assert visited[-1] == TARGET_URL, visited
    shown, listed = evaluate(browser, session, COUNTS)
    assert shown == listed > 0, (shown, listed)


def instant(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() * 1000)


UPCOMING = """[...document.querySelectorAll("[data-upcoming] article[data-ends]")].map(
  a => [a.querySelector("a").getAttribute("href"), a.dataset.ends, a.hidden])"""
FACET = """[...document.querySelectorAll(".facets a")].map(a => a.textContent)"""


def test_an_event_that_has_ended_leaves_the_upcoming_list_and_its_buttons_hide(
    browser: DevTools, site_url: str
) -> None:
    session = browser.open_page()
    browser.load(session, site_url + "/agenda/")
    cards = evaluate(browser, session, UPCOMING)
    assert cards and not any(hidden for *_, hidden in cards), cards
    built_count = evaluate(browser, session, COUNTS)[0]
    built_facets = evaluate(browser, session, FACET)
    ended_url, ended_at, _ = min(cards, key=lambda card: instant(card[1]))
    moved = instant(ended_at) + 3_600_000  # an hour after the soonest end
    browser.call(
        "Page.addScriptToEvaluateOnNewDocument", {"source": CLOCK % moved}, session=session
    )
    browser.load(session, site_url + "/agenda/")
    after = {url: hidden for url, _, hidden in evaluate(browser, session, UPCOMING)}
    gone = [url for url, ends, _ in cards if instant(ends) <= moved]
    assert gone and all(after[url] for url in gone), after
    assert not any(after[url] for url, ends, _ in cards if instant(ends) > moved), after
    shown, listed = evaluate(browser, session, COUNTS)
    assert shown == listed == built_count - len(gone), (shown, listed, built_count)
    facets = evaluate(browser, session, FACET)
    assert facets != built_facets and facets[0] == f"Tout ({shown})", facets
    browser.load(session, site_url + ended_url)
    hidden = evaluate(
        browser, session, "[...document.querySelectorAll('.add-to-calendar')].map(s => s.hidden)"
    )
    assert hidden == [True], hidden


@pytest.mark.parametrize("clock", ["build", "real"])
def test_with_the_clock_of_the_build_or_the_real_one_only_ended_events_hide(
    browser: DevTools, site_url: str, clock: str
) -> None:
    """At the build's `now` nothing is hidden; with the machine's clock, exactly the events
    whose end has passed by that clock (none on the day this was written, 2026-12-02)."""
    session = browser.open_page()
    if clock == "build":
        source = CLOCK % int(NOW.timestamp() * 1000)
        browser.call("Page.addScriptToEvaluateOnNewDocument", {"source": source}, session=session)
    browser.load(session, site_url + "/agenda/")
    now = evaluate(browser, session, "Date.now()")
    cards = evaluate(browser, session, UPCOMING)
    assert [hidden for *_, hidden in cards] == [instant(ends) <= now for _, ends, _ in cards]
    if clock == "build":
        assert not any(hidden for *_, hidden in cards)


AXE_PAGES = ("/lieux/", TARGET_URL, *EMPTY_PAGES)


@pytest.mark.parametrize("scripts", ["on", "off"])
def test_no_axe_violation_and_no_other_host_on_the_map_combination_and_empty_pages(
    browser: DevTools, site_url: str, scripts: str
) -> None:
    axe = require(AXE).read_text(encoding="utf-8")
    local = urlsplit(site_url).netloc
    session = browser.open_page()
    disabled = scripts == "off"
    if disabled:
        # DevTools' init scripts still run: a clock in 2031 would hide every card, if
        # static/upcoming.js ran — the proof that the page's scripts are off.
        future = {"source": CLOCK % instant("2031-01-01T00:00:00+01:00")}
        browser.call("Page.addScriptToEvaluateOnNewDocument", future, session=session)
    found, elsewhere = {}, {}
    for path in AXE_PAGES:
        browser.call("Emulation.setScriptExecutionDisabled", {"value": disabled}, session=session)
        requests = browser.load(session, site_url + path)
        others = [r["url"] for r in requests if urlsplit(r["url"]).netloc not in ("", local)]
        if others:
            elsewhere[path] = others
        if path == TARGET_URL:
            shown, listed = evaluate(browser, session, COUNTS)
            assert shown == listed > 0, (scripts, shown, listed)
        # The page loaded as without JavaScript; axe needs timers, so scripts come back on
        # for it alone (the page's own scripts, deferred, do not run again).
        browser.call("Emulation.setScriptExecutionDisabled", {"value": False}, session=session)
        browser.call("Runtime.evaluate", {"expression": axe}, session=session)
        violations = json.loads(evaluate(browser, session, AXE_RUN % json.dumps(WCAG_AA)))
        if violations:
            found[path] = violations
    assert not elsewhere, elsewhere
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
