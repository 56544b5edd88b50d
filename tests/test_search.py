"""Search in French with no third party: Pagefind's index, built with the site, and /recherche/.

The browser tests open the built sample, served on 127.0.0.1, in Debian's Chromium (driven
over the DevTools protocol, as in tests/test_browser.py), type in the header's form, press
Enter and read the results the page shows; the built pages they expect are read with html5lib.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree.ElementTree import Element

import html5lib
import pytest

from nftsite.commands.cli import main

from .conftest import NOW_ARG, REPO, ContentEntry
from .test_accessibility import AXE, AXE_RUN, WCAG_AA, require
from .test_browser import DevTools, find_chromium

WIDTHS = (375, 1280)
RESULTS_TIMEOUT = 15.0
KIND_OF_FOLDER = {
    "events": "Événement",
    "startups": "Startup",
    "places": "Lieu",
    "press": "Communiqué",
    "pages": "Page",
}


def parse(path: Path) -> Element:
    tree: Element = html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)
    return tree


def text(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def page_of(output: Path, url: str) -> Path:
    return output / url.strip("/") / "index.html"


# --- the index, without a browser ----------------------------------------------------------


def test_the_index_holds_the_published_entries_and_no_list_page(
    sample_output: Path, sample_entries: list[ContentEntry]
) -> None:
    entry = json.loads((sample_output / "pagefind" / "pagefind-entry.json").read_text())
    published = [e for e in sample_entries if not e.is_draft]
    assert entry["languages"]["fr"]["page_count"] == len(published), entry
    assert set(entry["languages"]) == {"fr"}, "the site is French: one French index"
    assert (sample_output / "pagefind" / "wasm.fr.pagefind").is_file()
    size = sum(f.stat().st_size for f in (sample_output / "pagefind").rglob("*") if f.is_file())
    assert size < 1_000_000, f"the sample's index weighs {size} bytes"


def test_only_the_search_page_refers_to_search_code(sample_output: Path) -> None:
    """Every page has the plain header form; none but /recherche/ names a script of tab."""
    search_page = sample_output / "recherche" / "index.html"
    assert search_page.is_file()
    for page in sorted(sample_output.rglob("*.html")):
        root = parse(page)
        scripts = [s.get("src") or "" for s in root.iter("script")]
        searching = [s for s in scripts if "search" in s or "pagefind" in s]
        if page == search_page:
            assert searching == ["/static/search.js"], scripts
            continue
        assert not searching, f"{page}: {searching}"
        if root.find(".//meta[@http-equiv='refresh']") is not None:
            continue  # an old address that moves on at once
        forms = [f for f in root.iter("form") if f.get("role") == "search"]
        assert len(forms) == 1, f"{page}: {len(forms)} search forms"
        assert forms[0].get("action") == "/recherche/"
        field = forms[0].find(".//input[@name='q']")
        assert field is not None
        labels = [label for label in forms[0].iter("label") if label.get("for") == field.get("id")]
        assert labels and text(labels[0]), f"{page}: the search field has no label"


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_a_failing_pagefind_is_a_french_problem_and_leaves_output_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "output"
    arguments = ["build", "--root", str(REPO), "--output", str(output), "--now", NOW_ARG]
    with contextlib.redirect_stderr(io.StringIO()):
        assert main([*arguments, "--no-cache"]) == 0
    before = snapshot(output)
    assert any(name.startswith("pagefind/") for name in before)
    failing = tmp_path / "pagefind"
    failing.write_text("#!/bin/sh\necho 'disque plein' >&2\nexit 3\n")
    failing.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(failing))
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = main([*arguments, "--no-cache", "--base-url", "https://exemple.org/autre/"])
    said = stderr.getvalue()
    assert code == 1, said
    assert "index de recherche impossible" in said and "Pagefind a échoué" in said, said
    assert "Traceback" not in said
    assert snapshot(output) == before, "output/ changed although the build failed"
    left = sorted(p.name for p in tmp_path.glob(".output.*") if p.name != ".output.lock")
    assert not left, f"left behind: {left}"


# --- in the browser ----------------------------------------------------------------------


class Search:
    """One Chromium tab on the served sample."""

    def __init__(self, browser: DevTools, session: str, site_url: str) -> None:
        self.browser, self.session, self.site_url = browser, session, site_url

    def evaluate(self, expression: str, wait: bool = False) -> Any:
        answer = self.browser.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": wait},
            session=self.session,
        )
        assert "exceptionDetails" not in answer, answer
        return answer["result"].get("value")

    def width(self, width: int) -> None:
        self.browser.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
            session=self.session,
        )

    def load(self, path: str) -> list[dict[str, Any]]:
        """A page that does not search: loaded until the network is quiet, its requests."""
        return self.browser.load(self.session, self.site_url + path)

    def open(self, path: str) -> None:
        """The search page: Pagefind's worker is a request of another target, which the
        page's network log never sees finish, so `results()` does the waiting."""
        self.browser.call("Page.navigate", {"url": self.site_url + path}, session=self.session)
        self.browser.events.clear()

    def fetched(self) -> list[str]:
        """Every URL the current page fetched, as the page itself counts them."""
        urls: list[str] = self.evaluate(
            "[location.href, ...performance.getEntriesByType('resource').map(e => e.name)]"
        )
        return urls

    def type_and_enter(self, selector: str, words: str) -> None:
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.browser.call("Input.insertText", {"text": words}, session=self.session)
        for kind in ("keyDown", "keyUp"):
            self.browser.call(
                "Input.dispatchKeyEvent",
                {
                    "type": kind,
                    "key": "Enter",
                    "code": "Enter",
                    "windowsVirtualKeyCode": 13,
                    **({"text": "\r"} if kind == "keyDown" else {}),
                },
                session=self.session,
            )

    def results(self) -> list[dict[str, str]]:
        """The results the page shows once it has said how many it found."""
        deadline = time.monotonic() + RESULTS_TIMEOUT
        while time.monotonic() < deadline:
            status = self.evaluate(
                "(document.getElementById('recherche-etat') || {}).textContent || ''"
            )
            if "résultat" in status:
                shown: list[dict[str, str]] = self.evaluate(
                    """[...document.querySelectorAll('#recherche-resultats li')].map(li => ({
                        url: new URL(li.querySelector('a').href).pathname,
                        title: li.querySelector('a').textContent,
                        meta: li.querySelector('.search-meta').textContent,
                        excerpt: li.querySelector('.search-excerpt').textContent}))"""
                )
                return shown
            time.sleep(0.1)
        raise AssertionError(f"no result shown: {self.evaluate('document.body.innerText')}")

    def location(self) -> str:
        value: str = self.evaluate("location.href")
        return value


@pytest.fixture
def tab(site_url: str, tmp_path: Path) -> Iterator[Search]:
    browser = DevTools(find_chromium(), tmp_path / "profile")
    try:
        yield Search(browser, browser.open_page(), site_url)
    finally:
        browser.close()


@pytest.mark.system_deps
@pytest.mark.parametrize("width", WIDTHS)
def test_the_header_form_leads_to_the_search_page_which_lists_the_expected_pages(
    tab: Search, width: int
) -> None:
    tab.width(width)
    tab.load("/")
    tab.type_and_enter("#recherche-site", "cantine")
    found = tab.results()
    where = urlsplit(tab.location())
    assert where.path == "/recherche/" and parse_qs(where.query) == {"q": ["cantine"]}
    urls = [result["url"] for result in found]
    for expected in (
        "/lieux/la-cantine-numerique/",
        "/presse/la-cantine-numerique-ouvre-ses-portes/",
    ):
        assert expected in urls, urls
    assert all(not url.endswith(("/agenda/", "/lieux/", "/presse/", "/startups/")) for url in urls)
    assert tab.evaluate("document.getElementById('recherche-q').value") == "cantine"
    # Enter again in the page's own field: the results follow the new words.
    tab.evaluate("document.getElementById('recherche-q').value = ''")
    tab.evaluate("document.getElementById('recherche-etat').textContent = ''")
    tab.type_and_enter("#recherche-q", "signature électronique")
    assert "/startups/yousign/" in [result["url"] for result in tab.results()]


@pytest.mark.system_deps
def test_a_french_stem_finds_a_page_that_only_has_another_form_of_the_word(
    tab: Search, sample_output: Path
) -> None:
    """« financer » finds the release that only says « financement »."""
    release = "/presse/label-french-tech-obtenu/"
    words = text(parse(page_of(sample_output, release))).lower()
    assert "financement" in words and "financer" not in words
    tab.open("/recherche/?q=financer")
    found = {result["url"]: result for result in tab.results()}
    assert release in found, list(found)
    assert "financement" in found[release]["excerpt"]
    marked = tab.evaluate("[...document.querySelectorAll('mark')].map(m => m.textContent)")
    assert "financement" in [word.lower() for word in marked], marked


@pytest.mark.system_deps
def test_results_show_the_kind_and_an_events_date(
    tab: Search, sample_output: Path, sample_entries: list[ContentEntry]
) -> None:
    tab.open("/recherche/?q=cantine")
    found = tab.results()
    kinds = {e.url: KIND_OF_FOLDER[e.folder] for e in sample_entries if not e.is_draft}
    assert any(kinds[r["url"]] == "Événement" for r in found), found
    for result in found:
        assert result["meta"].startswith(kinds[result["url"]]), result
        if kinds[result["url"]] == "Événement":
            when = parse(page_of(sample_output, result["url"])).find(".//dl//time")
            assert when is not None
            assert " ".join(result["meta"].split()) == f"Événement · {text(when)}", result


def visible_city(output: Path, url: str) -> str:
    """The « Ville » a built page shows in its facts."""
    facts = parse(page_of(output, url)).find(".//dl")
    assert facts is not None
    cells = list(facts)
    for term, value in itertools.pairwise(cells):
        if term.tag == "dt" and text(term) == "Ville":
            return text(value)
    return ""


@pytest.mark.system_deps
def test_a_kind_or_a_city_filter_narrows_the_results(
    tab: Search, sample_output: Path, sample_entries: list[ContentEntry]
) -> None:
    kinds = {e.url: KIND_OF_FOLDER[e.folder] for e in sample_entries if not e.is_draft}
    tab.open("/recherche/?q=numérique")
    everything = tab.results()
    assert len({kinds[r["url"]] for r in everything}) >= 3, everything

    def choose(name: str, value: str) -> list[dict[str, str]]:
        tab.evaluate("document.getElementById('recherche-etat').textContent = ''")
        tab.evaluate(
            f"""(() => {{ const s = document.getElementById('recherche-filtre-{name}');
                s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change')); }})()"""
        )
        return tab.results()

    events = choose("kind", "événement")
    assert events and len(events) < len(everything)
    assert all(kinds[r["url"]] == "Événement" for r in events), events
    assert "kind=%C3%A9v%C3%A9nement" in tab.location()
    in_rouen = choose("city", "Rouen")
    assert in_rouen and len(in_rouen) < len(events)
    assert all(kinds[r["url"]] == "Événement" for r in in_rouen)
    assert all(visible_city(sample_output, r["url"]) == "Rouen" for r in in_rouen), in_rouen
    all_kinds = choose("kind", "")
    assert len(all_kinds) > len(in_rouen)
    assert all(visible_city(sample_output, r["url"]) == "Rouen" for r in all_kinds)


@pytest.mark.system_deps
@pytest.mark.parametrize("width", WIDTHS)
def test_no_axe_violation_on_the_search_page_with_results_shown(tab: Search, width: int) -> None:
    axe = require(AXE).read_text(encoding="utf-8")
    tab.width(width)
    tab.open("/recherche/?q=startup")
    assert tab.results()
    tab.evaluate(axe)
    violations = json.loads(tab.evaluate(AXE_RUN % json.dumps(WCAG_AA), wait=True))
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)


@pytest.mark.system_deps
def test_pages_that_do_not_search_load_no_search_code(
    tab: Search, upcoming_events: list[ContentEntry]
) -> None:
    for path in ("/", upcoming_events[0].url, "/agenda/"):
        requests = [r["url"] for r in tab.load(path)]
        searching = [url for url in requests if "pagefind" in url or "search" in url]
        assert not searching, f"{path}: {searching}"
    tab.open("/recherche/?q=cantine")
    assert tab.results()
    fetched = tab.fetched()
    assert any("/pagefind/pagefind.js" in url for url in fetched), fetched
    assert all(urlsplit(url).hostname == "127.0.0.1" for url in fetched), fetched


@pytest.mark.system_deps
def test_without_javascript_the_search_page_says_so_and_offers_the_lists(
    tab: Search,
) -> None:
    tab.browser.call("Emulation.setScriptExecutionDisabled", {"value": True}, session=tab.session)
    tab.open("/recherche/?q=cantine")
    time.sleep(1)
    assert not [url for url in tab.fetched() if "pagefind" in url or "search" in url]
    said = tab.evaluate("document.getElementById('recherche-sans-js').innerText")
    assert "JavaScript" in said
    links = tab.evaluate(
        "[...document.querySelectorAll('#recherche-sans-js a')].map(a => a.pathname)"
    )
    assert "/agenda/" in links and "/startups/" in links


def test_the_index_is_the_same_bytes_for_the_same_pages(tmp_path: Path) -> None:
    """Pagefind is deterministic: two cold builds give the same index (see also
    tests/test_determinism.py for the whole output)."""
    indexes = []
    for name in ("a", "b"):
        output = tmp_path / name / "output"
        with contextlib.redirect_stderr(io.StringIO()):
            assert (
                main(
                    [
                        *("build", "--root", str(REPO), "--output", str(output)),
                        *("--now", NOW_ARG, "--no-cache"),
                    ]
                )
                == 0
            )
        folder = output / "pagefind"
        indexes.append(
            {
                p.relative_to(folder).as_posix(): p.read_bytes()
                for p in sorted(folder.rglob("*"))
                if p.is_file()
            }
        )
    assert indexes[0] == indexes[1]


FIRST_QUERY_BUDGET = 300 * 1024
"""Bytes a first query may fetch for search (engine, WebAssembly, index chunks, fragments)."""


@pytest.mark.system_deps
def test_opening_the_search_page_costs_no_search_bytes_and_a_first_query_stays_small(
    tab: Search,
) -> None:
    tab.open("/recherche/")
    time.sleep(0.5)
    assert not [url for url in tab.fetched() if "/pagefind/" in url]
    tab.open("/recherche/?q=financer")
    assert tab.results()
    weights: list[dict[str, Any]] = tab.evaluate(
        """[...performance.getEntriesByType("resource")].map(e => ({
             url: e.name, bytes: e.transferSize || e.encodedBodySize}))"""
    )
    spent = sum(w["bytes"] for w in weights if "/pagefind/" in w["url"])
    print(f"first query: {spent} bytes in {len(weights)} resources")
    assert 0 < spent <= FIRST_QUERY_BUDGET, weights


def test_pages_staged_after_pagefind_started_are_indexed_too(tmp_path: Path) -> None:
    """Pagefind starts as soon as the rendered pages are staged; a page that joins the tree
    later (kept from the last build, an HTML static file) makes it run again on the whole."""
    from nftsite.output.search_index import SearchIndex

    tree = tmp_path / "staging"
    page = "<!DOCTYPE html><html lang='fr'><head><title>{0}</title></head>"
    page += (
        "<body><article data-pagefind-body><h1>{0}</h1><p>Texte {0}.</p></article></body></html>"
    )

    def stage(name: str) -> None:
        (tree / name).mkdir(parents=True)
        (tree / name / "index.html").write_text(page.format(name), encoding="utf-8")

    def counted(files: dict[str, Path]) -> int:
        entry = json.loads(files["pagefind/pagefind-entry.json"].read_text(encoding="utf-8"))
        return int(entry["languages"]["fr"]["page_count"])

    stage("premier")
    search = SearchIndex(tmp_path / "output")
    search.start(tree)
    assert counted(search.index(tree)) == 1  # the run started early, its pages unchanged
    search.start(tree)
    written = tmp_path / ".output.search" / f"run-{os.getpid()}" / "pagefind-entry.json"
    for _ in range(600):  # until the early run has read the tree (it writes this last)
        if written.is_file():
            break
        time.sleep(0.1)
    stage("second")
    assert counted(search.index(tree)) == 2
    search.close()
    assert not list(tmp_path.glob(".output.*")), "the index folder is left behind"
