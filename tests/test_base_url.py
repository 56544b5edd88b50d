"""`--base-url`: the site published in a folder of its host (a project page, a preview).

The repository's content is built with `--base-url http://127.0.0.1:PORT/sous-chemin/` and
served UNDER /sous-chemin/ only: the test server answers 404 to anything outside that
folder, so a link the build left at the root of the host breaks. Every page is walked with
html5lib and every href and src followed; the calendars are read with icalendar, the RSS
and Atom feeds with feedparser, the sitemap and robots.txt with the standard library's XML
and robots parsers; one page is loaded in headless Chromium to see its stylesheet applied.
Small sites written here cover what the sample lacks: a renamed file's redirect page, raw
HTML in a body, a broken link under a base path.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit
from urllib.robotparser import RobotFileParser
from xml.etree.ElementTree import Element

import feedparser
import html5lib
import icalendar
import pytest

from nftsite.commands.cli import main

from .conftest import NOW_ARG, REPO, InlineSite, QuietHandler, served, snapshot
from .feeds_helpers import Git, event_md
from .test_browser import DevTools, find_chromium

PREFIX = "/sous-chemin"
DECLARED = "https://www.normandyfrenchtech.fr"
"""The sample's site.yaml base_url: nothing the templates write may name it any more."""
URL_ATTRIBUTES = {
    "a": "href",
    "link": "href",
    "area": "href",
    "script": "src",
    "img": "src",
    "source": "src",
    "iframe": "src",
    "audio": "src",
    "video": "src",
    "embed": "src",
    "blockquote": "cite",
    "q": "cite",
}


# --- a server that serves a folder under /sous-chemin/ and nothing else ---------------------


class SubPathHandler(QuietHandler):
    """The built folder at /sous-chemin/…; every other path of the host answers 404."""

    def send_head(self) -> Any:
        if not urlsplit(self.path).path.startswith(PREFIX + "/"):
            self.send_error(404, "outside the sub-path")
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        return super().translate_path(path[len(PREFIX) :])


@contextlib.contextmanager
def served_under_prefix(folder: Path) -> Iterator[str]:
    """The base URL (`http://127.0.0.1:PORT/sous-chemin`) of `folder` served under PREFIX;
    the port is known before anything is built into the folder."""
    with served(folder, SubPathHandler) as url:
        yield f"{url}{PREFIX}"


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes


def fetch(url: str) -> Response:
    """One GET, redirects not followed: a link must lead straight to its file."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=10)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        answer = connection.getresponse()
        return Response(answer.status, answer.getheader("Content-Type", ""), answer.read())
    finally:
        connection.close()


def build_sample(output: Path, base_url: str | None) -> None:
    args = ["build", "--root", str(REPO), "--output", str(output), "--now", NOW_ARG]
    if base_url is not None:
        args += ["--base-url", base_url]
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        code = main(args)
    assert code == 0, stderr.getvalue()


def page_url(base: str, relative: str) -> str:
    """`agenda/x/index.html` -> `BASE/agenda/x/`; `404.html` -> `BASE/404.html`."""
    if relative == "index.html":
        return base + "/"
    if relative.endswith("/index.html"):
        return f"{base}/{relative.removesuffix('index.html')}"
    return f"{base}/{relative}"


def parse_html(data: bytes) -> Element:
    return html5lib.parse(data, namespaceHTMLElements=False)


def references(tree: Element) -> list[str]:
    """Every address an element of the page points to, as written (meta refresh included)."""
    found = []
    for element in tree.iter():
        name = URL_ATTRIBUTES.get(str(element.tag))
        if name and element.get(name):
            found.append(element.get(name, ""))
        if element.tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            target = (element.get("content") or "").split(";", 1)[1].strip()
            found.append(target.split("=", 1)[1].strip("'\" "))
    return found


def attribute_of(tree: Element, tag: str, **wanted: str) -> list[str]:
    """The `href`/`content` values of <link>/<meta> elements matching `wanted`."""
    values = []
    for element in tree.iter(tag):
        if all((element.get(k.replace("_", "-")) or "") == v for k, v in wanted.items()):
            values.append(element.get("href") or element.get("content") or "")
    return values


# --- the sample built under /sous-chemin/ and walked ------------------------------------------


@dataclass
class Walk:
    base: str
    output: Path
    pages: dict[str, Element] = field(default_factory=dict)
    """Every HTML page reached: its URL and its parsed tree."""
    answered: dict[str, Response] = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)
    webcal: set[str] = field(default_factory=set)

    def get(self, url: str) -> Response:
        if url not in self.answered:
            self.answered[url] = fetch(url)
        return self.answered[url]


def walk_site(base: str, output: Path) -> Walk:
    """From every HTML file of the output, follow every href and src of every page reached."""
    walk = Walk(base, output)
    queue = [
        page_url(base, path.relative_to(output).as_posix())
        for path in sorted(output.rglob("*.html"))
    ]
    host = urlsplit(base).netloc
    while queue:
        url = queue.pop()
        if url in walk.pages:
            continue
        response = walk.get(url)
        if response.status != 200:
            walk.broken.append(f"{url}: {response.status}")
            continue
        tree = walk.pages[url] = parse_html(response.body)
        for reference in references(tree):
            target = urljoin(url, reference).split("#", 1)[0]
            parts = urlsplit(target)
            if parts.scheme == "webcal":
                walk.webcal.add(target)
                target = "http" + target.removeprefix("webcal")
                parts = urlsplit(target)
            if parts.scheme not in ("http", "https") or parts.netloc != host:
                continue  # another site, mail, phone: not ours to serve
            answer = walk.get(target)
            if answer.status != 200:
                walk.broken.append(f"{url} -> {reference} ({answer.status})")
            elif answer.content_type.startswith("text/html") and target not in walk.pages:
                queue.append(target)
    return walk


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Walk]:
    output = tmp_path_factory.mktemp("sous-chemin") / "output"
    with served_under_prefix(output) as base:
        build_sample(output, base + "/")
        yield walk_site(base, output)


def test_the_server_serves_nothing_outside_the_sub_path(walked: Walk) -> None:
    """So a link the build left at the host's root would be counted broken below."""
    root = walked.base.removesuffix(PREFIX)
    assert fetch(walked.base + "/static/site.css").status == 200
    assert fetch(root + "/static/site.css").status == 404
    assert fetch(root + "/").status == 404


def test_every_link_and_asset_of_every_page_answers_under_the_sub_path(walked: Walk) -> None:
    html_files = list(walked.output.rglob("*.html"))
    assert len(walked.pages) >= len(html_files) > 60
    assert walked.broken == []
    followed = set(walked.answered)
    for expected in (
        "/static/site.css",
        "/static/favicon.svg",
        "/agenda.ics",
        "/agenda/rss.xml",
        "/presse/rss.xml",
        "/presse/atom.xml",
    ):
        assert walked.base + expected in followed, expected
    suffixes = {urlsplit(url).path.rsplit(".", 1)[-1] for url in followed}
    assert {"svg", "pdf", "ics"} <= suffixes, suffixes  # images, attachments, calendars


def test_the_404_page_works_at_any_depth(walked: Walk) -> None:
    """A host serves 404.html for any missing address: its links must not be relative."""
    tree = parse_html((walked.output / "404.html").read_bytes())
    deep = walked.base + "/nulle/part/ici/"
    targets = [urljoin(deep, ref) for ref in references(tree) if not ref.startswith("#")]
    ours = [t for t in targets if urlsplit(t).netloc == urlsplit(walked.base).netloc]
    assert walked.base + "/static/site.css" in ours
    assert [t for t in ours if fetch(t).status != 200] == []


def test_body_links_written_as_site_paths_are_published_under_the_base(walked: Walk) -> None:
    """content/places/mri-caen.md writes [Seine Innopolis](/lieux/seine-innopolis/)."""
    tree = walked.pages[walked.base + "/lieux/mri-caen/"]
    prose = next(e for e in tree.iter("div") if "prose" in (e.get("class") or "").split())
    hrefs = [a.get("href") for a in prose.iter("a")]
    assert PREFIX + "/lieux/seine-innopolis/" in hrefs, hrefs
    assert "/lieux/seine-innopolis/" not in hrefs


def test_canonical_and_open_graph_urls_name_the_base(walked: Walk) -> None:
    failures = []
    for url, tree in walked.pages.items():
        if attribute_of(tree, "meta", http_equiv="refresh"):
            continue  # a renamed file's former address: its canonical is the new one
        canonical = attribute_of(tree, "link", rel="canonical")
        og_url = attribute_of(tree, "meta", property="og:url")
        expected = [walked.base + "/404.html"] if url.endswith("/404.html") else [url]
        if canonical != expected or og_url != expected:
            failures.append(f"{url}: canonical {canonical}, og:url {og_url}")
        for kind in ("alternate", "stylesheet", "icon"):
            for href in attribute_of(tree, "link", rel=kind):
                if not urljoin(url, href).startswith(walked.base + "/"):
                    failures.append(f"{url}: <link rel={kind}> {href}")
    assert failures == []


def json_ld_urls(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("url", "image", "@id") and isinstance(value, str):
                yield value
            else:
                yield from json_ld_urls(value)
    elif isinstance(data, list):
        for value in data:
            yield from json_ld_urls(value)


def test_json_ld_urls_name_the_base(walked: Walk) -> None:
    host = urlsplit(walked.base).netloc
    seen, failures = 0, []
    for url, tree in walked.pages.items():
        for script in tree.iter("script"):
            if script.get("type") != "application/ld+json":
                continue
            data = json.loads(script.text or "")
            if data.get("@type") == "Organization" and url == walked.base + "/":
                assert data["url"] == walked.base + "/"
            for found in json_ld_urls(data):
                if found.startswith(DECLARED):
                    failures.append(f"{url}: {found}")
                elif urlsplit(found).netloc == host:
                    seen += 1
                    if not found.startswith(walked.base + "/") or walked.get(found).status != 200:
                        failures.append(f"{url}: {found}")
    assert failures == []
    assert seen > 20


def test_the_sitemap_and_robots_txt_name_the_base(walked: Walk) -> None:
    sitemap = fetch(walked.base + "/sitemap.xml")
    assert sitemap.status == 200
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locations = [e.text or "" for e in ET.fromstring(sitemap.body).iter(f"{namespace}loc")]
    assert len(locations) > 50
    assert [loc for loc in locations if not loc.startswith(walked.base + "/")] == []
    assert [loc for loc in locations if walked.get(loc).status != 200] == []

    robots = RobotFileParser()
    robots.parse(fetch(walked.base + "/robots.txt").body.decode("utf-8").splitlines())
    assert robots.site_maps() == [walked.base + "/sitemap.xml"]
    assert robots.can_fetch("*", walked.base + "/agenda/")


def test_the_calendars_name_the_base_and_keep_their_uids(walked: Walk, sample_output: Path) -> None:
    """Event pages and the calendars' links follow the base; an event's UID does not: it
    is named after site.yaml's host wherever the site is published."""
    calendars = sorted(walked.output.rglob("*.ics"))
    assert len(calendars) > 10
    for path in calendars:
        relative = path.relative_to(walked.output).as_posix()
        calendar = icalendar.Calendar.from_ical(fetch(f"{walked.base}/{relative}").body)
        production = icalendar.Calendar.from_ical((sample_output / relative).read_bytes())
        uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
        assert uids == [str(e["UID"]) for e in production.walk("VEVENT")], relative
        for event in calendar.walk("VEVENT"):
            url = str(event.get("URL", ""))
            assert url.startswith(walked.base + "/agenda/"), (relative, url)
            assert walked.get(url).status == 200, url
            assert DECLARED not in str(event.get("DESCRIPTION", "")), relative


def test_the_rss_and_atom_feeds_name_the_base(walked: Walk) -> None:
    for feed_path in ("/agenda/rss.xml", "/presse/rss.xml", "/presse/atom.xml"):
        parsed = feedparser.parse(fetch(walked.base + feed_path).body)
        assert not parsed.bozo, (feed_path, parsed.get("bozo_exception"))
        assert parsed.feed.link.startswith(walked.base + "/"), parsed.feed.link
        assert walked.get(parsed.feed.link).status == 200
        links = {link.href for link in parsed.feed.get("links", [])}
        if feed_path.endswith("atom.xml"):
            assert walked.base + feed_path in links, links
        assert parsed.entries, feed_path
        for entry in parsed.entries:
            assert entry.link.startswith(walked.base + "/"), entry.link
            assert walked.get(entry.link).status == 200, entry.link
            assert entry.id.startswith(walked.base + "/"), entry.id


def test_the_subscribe_page_points_at_the_base(walked: Walk) -> None:
    tree = walked.pages[walked.base + "/abonnement/"]
    hrefs = [a.get("href") or "" for a in tree.iter("a")]
    webcal = [h for h in hrefs if h.startswith("webcal:")]
    https = [i.get("value") or "" for i in tree.iter("input") if i.get("readonly") is not None]
    host_and_base = walked.base.split("://", 1)[1]
    assert webcal and len(webcal) == len(https)
    assert webcal[0] == f"webcal://{host_and_base}/agenda.ics"
    for address, copy in zip(webcal, https, strict=True):
        assert address.startswith(f"webcal://{host_and_base}/"), address
        assert copy == "http://" + address.removeprefix("webcal://"), copy
        answer = walked.get(copy)
        assert answer.status == 200 and answer.content_type.startswith("text/calendar"), copy
        icalendar.Calendar.from_ical(answer.body)
    google = [parse_qs(urlsplit(h).query) for h in hrefs if "calendar.google.com" in h]
    outlook = [parse_qs(urlsplit(h).query) for h in hrefs if "addfromweb" in h]
    assert [q["cid"][0] for q in google] == webcal
    assert [q["url"][0] for q in outlook] == https


def test_an_event_page_adds_to_calendars_with_the_base(walked: Walk) -> None:
    event_pages = [
        (url, tree)
        for url, tree in walked.pages.items()
        if url.startswith(walked.base + "/agenda/") and url.count("/") == walked.base.count("/") + 3
    ]
    with_google = 0
    for url, tree in event_pages:
        for href in (a.get("href") or "" for a in tree.iter("a")):
            if href.startswith("https://calendar.google.com/") and "action=TEMPLATE" in href:
                with_google += 1
                assert url in parse_qs(urlsplit(href).query)["details"][0], url
            if "outlook.live.com/calendar/0/action/compose" in href:
                assert url in parse_qs(urlsplit(href).query)["body"][0], url
    # Only upcoming events that are not cancelled offer « Ajouter à mon agenda » (5 in the sample).
    assert with_google >= 5


@pytest.mark.system_deps
def test_a_page_under_the_sub_path_is_styled_in_chromium(walked: Walk, tmp_path: Path) -> None:
    """The stylesheet loads from the sub-path and applies: the computed style differs from
    the same page with its stylesheet removed."""
    chromium = find_chromium()
    browser = DevTools(chromium, tmp_path / "profile")
    measure = (
        "JSON.stringify((() => { const b = getComputedStyle(document.body);"
        " const h = getComputedStyle(document.querySelector('.site-header'));"
        " return [b.marginTop, b.fontFamily, b.lineHeight, h.display, h.backgroundColor,"
        " document.styleSheets.length]; })())"
    )

    def evaluate(session: str, expression: str) -> Any:
        answer = browser.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session
        )
        return answer["result"].get("value")

    try:
        session = browser.open_page()
        requests = browser.load(session, walked.base + "/agenda/")
        stylesheet = [r for r in requests if r["url"] == walked.base + "/static/site.css"]
        assert stylesheet and stylesheet[0].get("status") == 200, requests
        styled = json.loads(evaluate(session, measure))
        evaluate(
            session, "document.querySelectorAll('link[rel=stylesheet]').forEach(l => l.remove())"
        )
        unstyled = json.loads(evaluate(session, measure))
    finally:
        browser.close()
    assert styled[-1] == 1 and unstyled[-1] == 0, (styled, unstyled)
    assert styled[0] == "0px" and unstyled[0] == "8px", (styled, unstyled)
    assert styled[:-1] != unstyled[:-1]


# --- small sites: what the sample does not hold ----------------------------------------------

SUB_BASE = "https://exemple.github.io/depot"
BODY_PAGE = """\
---
title: Liens
---
Voir [l'agenda](/agenda/), [la page b](/b/), [relatif](../b/), [ancre](#bas),
[ailleurs](https://exemple.fr/agenda/), [protocole relatif](//exemple.fr/x/) et
[courriel](mailto:contact@exemple.fr).

<a href="/startups/">Les startups</a>

<blockquote cite="/b/">Une citation.</blockquote>

![Un logo](media/logo.svg)
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\n'


def body_hrefs(site: InlineSite, page: str) -> tuple[list[str], list[str], list[str]]:
    tree = parse_html((site.output / page / "index.html").read_bytes())
    prose = next(e for e in tree.iter("div") if "prose" in (e.get("class") or "").split())
    return (
        [a.get("href") or "" for a in prose.iter("a")],
        [i.get("src") or "" for i in prose.iter("img")],
        [q.get("cite") or "" for q in prose.iter("blockquote")],
    )


def test_body_links_markdown_and_raw_html_are_published_under_the_base(make_site) -> None:
    site = make_site(
        {
            "pages/a.md": BODY_PAGE,
            "pages/b.md": "---\ntitle: B\n---\nTexte.\n",
            "media/logo.svg": SVG,
        }
    )
    run = site.run("--base-url", SUB_BASE + "/")
    assert run.exit_code == 0, run.stderr
    links, images, cites = body_hrefs(site, "a")
    assert links == [
        "/depot/agenda/",
        "/depot/b/",
        "../b/",
        "#bas",
        "https://exemple.fr/agenda/",
        "//exemple.fr/x/",
        "mailto:contact@exemple.fr",
        "/depot/startups/",
    ]
    assert images == ["/depot/media/logo.svg"]
    assert cites == ["/depot/b/"]

    # Without the option, the same page is published with site.yaml's own paths.
    assert site.run().exit_code == 0
    links, images, cites = body_hrefs(site, "a")
    assert links[:2] == ["/agenda/", "/b/"] and images == ["/media/logo.svg"]


def test_a_broken_body_link_is_still_found_under_a_base(make_site) -> None:
    """The link check reads the site paths as written, before they are published."""
    site = make_site({"pages/a.md": "---\ntitle: A\n---\nVoir [x](/agenda/nulle-part/).\n"})
    run = site.run("--base-url", SUB_BASE, command="check")
    assert run.exit_code == 1, run.stderr
    assert "content/pages/a.md:4" in run.stderr
    assert "lien cassé : « /agenda/nulle-part/ »" in run.stderr
    assert "/depot/agenda" not in run.stderr


def test_a_renamed_files_redirect_page_leads_under_the_base(make_site) -> None:
    site = make_site(
        {"events/atelier.md": event_md("Atelier", start="2026-12-10 18:00", city="caen")}
    )
    git = Git(site.root)
    git.commit("Un événement")
    git("mv", "content/events/atelier.md", "content/events/atelier-donnees.md")
    git.commit("Renommage")
    with served_under_prefix(site.output) as base:
        run = site.run("--base-url", base)
        assert run.exit_code == 0, run.stderr
        old = base + "/agenda/atelier/"
        response = fetch(old)
        assert response.status == 200
        tree = parse_html(response.body)
        new = base + "/agenda/atelier-donnees/"
        # canonical, refresh, link
        assert [urljoin(old, r) for r in references(tree)] == [new, new, new]
        assert attribute_of(tree, "link", rel="canonical") == [new]
        assert fetch(new).status == 200


def test_the_same_address_as_site_yaml_changes_nothing_and_a_rebuild_without_it_restores(
    make_site,
) -> None:
    """`--base-url` equal to site.yaml's gives the production build byte for byte; a build
    elsewhere into the same folder is not taken for an unchanged one, either way."""
    site = make_site(
        {"events/atelier.md": event_md("Atelier", start="2026-12-10 18:00", city="caen")}
    )
    assert site.run().exit_code == 0
    production = site.snapshot()
    assert site.run("--base-url", "https://www.normandyfrenchtech.fr/").exit_code == 0
    assert site.snapshot() == production
    assert site.run("--base-url", SUB_BASE).exit_code == 0
    elsewhere = site.snapshot()
    assert elsewhere != production
    assert b'href="/depot/agenda/"' in elsewhere["index.html"]
    assert site.run().exit_code == 0
    assert site.snapshot() == production
    assert site.run("--base-url", SUB_BASE + "/").exit_code == 0  # trailing slash optional
    assert site.snapshot() == elsewhere


@pytest.mark.parametrize(
    "address",
    [
        "exemple.github.io/depot/",
        "ftp://exemple.github.io/depot/",
        "https://exemple.github.io/depot/?page=1",
        "https://exemple.github.io/depot/#haut",
        "https://exemple.github.io/un dossier/",
        "https://exemple.github.io/depot//",
        "https://exemple.github.io/../depot/",
        "https://user@exemple.github.io/",
        'https://exemple.github.io/"><script>alert(1)</script>',
        "https://localhost/",
    ],
)
def test_a_malformed_base_url_is_a_command_line_mistake(make_site, address: str) -> None:
    """Refused like site.yaml's base_url, before anything is built: exit status 2."""
    site = make_site()
    for command in ("build", "check"):
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), pytest.raises(SystemExit) as exited:
            main([command, "--root", str(site.root), "--base-url", address])
        assert exited.value.code == 2, stderr.getvalue()
        assert f"adresse invalide « {address} »" in stderr.getvalue(), stderr.getvalue()
    assert snapshot(site.output) == {}
