"""The shared checklist, run on the sample site: what every page of output/ must satisfy.

The built files are judged by parsers that are not ours (html5lib, json, xml.etree,
urllib.robotparser) and compared with what content/ promises, read with PyYAML. Each test
walks every page and reports every failing page at once, not only the first.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.robotparser import RobotFileParser
from xml.etree.ElementTree import Element

import html5lib
import pytest

from .conftest import ContentEntry

PAGE_BUDGET = 100_000
"""The page budget: HTML + CSS + JS of a page, images aside, in bytes."""

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LOADING_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "mask-icon",
    "manifest",
    "preload",
    "prefetch",
    "modulepreload",
    "preconnect",
    "dns-prefetch",
    "prerender",
}
"""`<link rel>` values that make the browser fetch (or connect to) the href."""
SOURCE_TAGS = {"img", "script", "iframe", "audio", "video", "source", "track", "embed", "input"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    """One HTML file of output/, parsed leniently for inspection."""

    path: str
    """Relative to output/: `agenda/index.html`."""
    url: str
    """Its public path: `/agenda/`."""
    data: bytes
    root: Element

    def all(self, tag: str) -> list[Element]:
        return list(self.root.iter(tag))

    def text(self, element: Element) -> str:
        return " ".join("".join(element.itertext()).split())

    @property
    def is_redirect(self) -> bool:
        """A stub left at the old URL of a renamed file: it only sends visitors on."""
        return any((meta.get("http-equiv") or "").lower() == "refresh" for meta in self.all("meta"))

    @property
    def ids(self) -> set[str]:
        named = {element.get("id") for element in self.root.iter()}
        named |= {anchor.get("name") for anchor in self.all("a")}
        return {name for name in named if name}


def public_url(relative: str) -> str:
    """`index.html` -> `/`, `agenda/index.html` -> `/agenda/`, `404.html` -> `/404.html`."""
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + relative.removesuffix("index.html")
    return "/" + relative


@pytest.fixture(scope="module")
def base_url(sample_site_yaml: dict[str, str]) -> str:
    return sample_site_yaml["base_url"].rstrip("/")


@pytest.fixture(scope="module")
def pages(sample_output: Path) -> dict[str, Page]:
    """Every .html file of the sample output, keyed by public URL."""
    found = {}
    for path in sorted(sample_output.rglob("*.html")):
        relative = path.relative_to(sample_output).as_posix()
        data = path.read_bytes()
        root = html5lib.parse(data.decode("utf-8"), namespaceHTMLElements=False)
        found[public_url(relative)] = Page(relative, public_url(relative), data, root)
    assert found, "the sample output holds no HTML page"
    return found


def content_pages(pages: dict[str, Page]) -> list[Page]:
    """The pages a visitor reads, redirect stubs aside."""
    return [page for page in pages.values() if not page.is_redirect]


def file_for(output: Path, path: str) -> Path | None:
    """The file a static host serves for a site path (`/x/` -> `x/index.html`), if any."""
    relative = path.lstrip("/")
    if relative == "" or relative.endswith("/"):
        candidates = [relative + "index.html"]
    else:
        candidates = [relative, relative + "/index.html"]  # hosts redirect /x to /x/
    for candidate in candidates:
        target = (output / candidate).resolve()
        if target.is_relative_to(output.resolve()) and target.is_file():
            return target
    return None


def internal_target(link: str, page_url: str, base_url: str) -> tuple[str, str] | None:
    """(site path, fragment) of a link to this site, or None for another site or a mailto."""
    parts = urlsplit(link.strip())
    if parts.scheme in {"http", "https", "webcal"} and parts.netloc:
        if parts.netloc != urlsplit(base_url).netloc:
            return None
        path = parts.path or "/"
    elif parts.scheme or parts.netloc:
        return None
    elif not parts.path:
        path = page_url  # "#contenu": this page
    else:
        path = urljoin(page_url, parts.path)
    return unquote(path), unquote(parts.fragment)


def urls_in(page: Page) -> list[tuple[str, str]]:
    """(where, URL) of every link and source of a page, meta og: URLs included."""
    found = []
    for element in page.root.iter():
        for attribute in ("href", "src", "poster", "data"):
            value = element.get(attribute)
            if value is not None and not (element.tag == "object" and attribute != "data"):
                found.append((f"<{element.tag} {attribute}>", value))
        for candidate in (element.get("srcset") or "").split(","):
            if candidate.strip():
                found.append((f"<{element.tag} srcset>", candidate.split()[0]))
        if element.tag == "meta" and (element.get("property") or "") in {"og:url", "og:image"}:
            found.append((f"<meta {element.get('property')}>", element.get("content") or ""))
    return found


def is_remote(url: str) -> bool:
    """True for a URL that reaches another host: http(s)://, //host, or any scheme but data:."""
    parts = urlsplit(url.strip())
    return bool(parts.netloc) or (parts.scheme not in {"", "data"})


def css_urls(css: str) -> list[str]:
    return [match[2] or match[4] for match in CSS_URL.finditer(css)]


def report(failures: list[str], shown: int = 40) -> str:
    more = [f"... and {len(failures) - shown} more"] if len(failures) > shown else []
    return f"{len(failures)} problem(s):\n" + "\n".join(failures[:shown] + more)


# --- HTML -------------------------------------------------------------------------------------


def test_every_page_parses_as_strict_html5(pages: dict[str, Page]) -> None:
    failures = []
    for page in pages.values():
        parser = html5lib.HTMLParser(strict=True)
        try:
            parser.parse(page.data.decode("utf-8"))
        except html5lib.html5parser.ParseError as error:
            (line, column), _, _ = parser.errors[-1]
            source = page.data.decode("utf-8").splitlines()[line - 1] if line else ""
            failures.append(f"{page.path}:{line}:{column}: {error}\n    {source.strip()[:160]}")
    assert not failures, report(failures)


def test_every_page_has_exactly_one_h1(pages: dict[str, Page]) -> None:
    failures = [
        f"{page.path}: {len(page.all('h1'))} <h1> {[page.text(h) for h in page.all('h1')]}"
        for page in pages.values()
        if len(page.all("h1")) != 1 or not page.text(page.all("h1")[0])
    ]
    assert not failures, report(failures)


def test_every_page_declares_french_as_its_language(pages: dict[str, Page]) -> None:
    failures = [
        f"{page.path}: <html lang={page.root.get('lang')!r}>"
        for page in pages.values()
        if page.root.get("lang") != "fr"
    ]
    assert not failures, report(failures)


def test_every_page_starts_with_a_skip_link_to_its_main_content(pages: dict[str, Page]) -> None:
    failures = []
    for page in content_pages(pages):
        links = [a for a in page.all("a") if a.get("href") == "#contenu"]
        mains = page.all("main")
        if not links:
            failures.append(f'{page.path}: no <a href="#contenu"> skip link')
        elif links[0] is not page.all("a")[0]:
            failures.append(f"{page.path}: the skip link is not the page's first link")
        if len(mains) != 1 or mains[0].get("id") != "contenu":
            failures.append(f'{page.path}: expected one <main id="contenu">, found {mains}')
    assert not failures, report(failures)


def test_every_page_has_a_title_and_a_meta_description(pages: dict[str, Page]) -> None:
    failures = []
    for page in content_pages(pages):
        titles = [page.text(title) for title in page.all("title")]
        descriptions = [
            meta.get("content") or ""
            for meta in page.all("meta")
            if (meta.get("name") or "").lower() == "description"
        ]
        if len(titles) != 1 or not titles[0]:
            failures.append(f"{page.path}: <title> {titles}")
        if len(descriptions) != 1 or not descriptions[0].strip():
            failures.append(f"{page.path}: meta description {descriptions}")
    assert not failures, report(failures)


def test_every_page_names_its_own_absolute_canonical_url(
    pages: dict[str, Page], base_url: str
) -> None:
    """A redirect stub names the page it sends to, which must exist."""
    failures = []
    for page in pages.values():
        canonicals = [
            link.get("href") or ""
            for link in page.all("link")
            if "canonical" in (link.get("rel") or "").lower().split()
        ]
        if len(canonicals) != 1:
            failures.append(f"{page.path}: {len(canonicals)} <link rel=canonical>")
            continue
        if page.is_redirect:
            target = canonicals[0].removeprefix(base_url)
            if not canonicals[0].startswith(base_url + "/") or target not in pages:
                failures.append(f"{page.path}: redirect stub canonical {canonicals[0]!r}")
        elif canonicals[0] != base_url + page.url:
            failures.append(f"{page.path}: canonical {canonicals[0]!r} != {base_url + page.url!r}")
    assert not failures, report(failures)


def test_every_json_ld_block_parses_and_names_its_context_and_type(
    pages: dict[str, Page],
) -> None:
    failures = []
    blocks = 0
    for page in pages.values():
        for script in page.all("script"):
            if (script.get("type") or "").lower() != "application/ld+json":
                continue
            blocks += 1
            try:
                data = json.loads(script.text or "")
            except json.JSONDecodeError as error:
                failures.append(f"{page.path}: JSON-LD does not parse: {error}")
                continue
            for item in data if isinstance(data, list) else [data]:
                if not isinstance(item, dict) or not item.get("@context") or not item.get("@type"):
                    failures.append(f"{page.path}: JSON-LD without @context/@type: {item!r:.120}")
    assert blocks, "no JSON-LD block in the whole site"
    assert not failures, report(failures)


# --- Links and what pages load ---------------------------------------------------------------


def test_every_internal_link_and_source_leads_to_a_file_of_the_output(
    pages: dict[str, Page], sample_output: Path, base_url: str
) -> None:
    """Links with a fragment also need the element it names on the target page."""
    failures = []
    checked = 0
    for page in pages.values():
        for where, url in urls_in(page):
            target = internal_target(url, page.url, base_url)
            if target is None:
                continue
            path, fragment = target
            checked += 1
            if file_for(sample_output, path) is None:
                failures.append(f"{page.path}: {where} {url!r}: no file for {path}")
            elif fragment and path in pages and fragment not in pages[path].ids:
                failures.append(f"{page.path}: {where} {url!r}: no id={fragment!r} on {path}")
    assert checked > len(pages), "suspiciously few internal links were found"
    assert not failures, report(failures)


def test_no_page_element_loads_anything_from_another_host(pages: dict[str, Page]) -> None:
    """Links to other sites are fine; fetching from them when the page loads is not."""
    failures = []
    for page in pages.values():
        for element in page.root.iter():
            loads = []
            if element.tag in SOURCE_TAGS:
                loads.append(element.get("src") or "")
                loads += [
                    c.split()[0] for c in (element.get("srcset") or "").split(",") if c.strip()
                ]
            if element.tag == "video":
                loads.append(element.get("poster") or "")
            if element.tag == "object":
                loads.append(element.get("data") or "")
            if element.tag == "link" and LOADING_RELS & set(
                (element.get("rel") or "").lower().split()
            ):
                loads.append(element.get("href") or "")
            if element.get("style"):
                loads += css_urls(element.get("style") or "")
            if element.tag == "style":
                loads += css_urls(element.text or "")
            failures += [
                f"{page.path}: <{element.tag}> loads {url!r}" for url in loads if is_remote(url)
            ]
    assert not failures, report(failures)


def test_no_stylesheet_loads_anything_from_another_host(sample_output: Path) -> None:
    stylesheets = sorted(sample_output.rglob("*.css"))
    assert stylesheets, "no stylesheet in output/"
    failures = [
        f"{css.relative_to(sample_output)}: loads {url!r}"
        for css in stylesheets
        for url in css_urls(css.read_text(encoding="utf-8"))
        if is_remote(url)
    ]
    assert not failures, report(failures)


def test_every_page_weighs_under_100_kb_with_its_css_and_js(
    pages: dict[str, Page], sample_output: Path, base_url: str
) -> None:
    failures = []
    for page in pages.values():
        weight = len(page.data)
        for element in page.root.iter():
            rels = set((element.get("rel") or "").lower().split())
            if element.tag == "link" and rels & {"stylesheet", "modulepreload"}:
                url = element.get("href") or ""
            elif element.tag == "script" and element.get("src"):
                url = element.get("src") or ""
            else:
                continue
            target = internal_target(url, page.url, base_url)
            file = target and file_for(sample_output, target[0])
            weight += file.stat().st_size if file else 0
        if weight >= PAGE_BUDGET:
            failures.append(f"{page.path}: {weight} bytes of HTML + CSS + JS")
    assert not failures, report(failures)


# --- Crawlers -------------------------------------------------------------------------------


def test_sitemap_lists_every_page_except_the_404_and_only_those(
    pages: dict[str, Page], sample_output: Path, base_url: str
) -> None:
    """Every index.html page, by its absolute URL; redirect stubs are not pages to index."""
    root = ET.fromstring((sample_output / "sitemap.xml").read_bytes())
    assert root.tag == f"{SITEMAP_NS}urlset", root.tag
    listed = [(loc.text or "").strip() for loc in root.iter(f"{SITEMAP_NS}loc")]
    expected = {
        base_url + page.url
        for page in content_pages(pages)
        if page.path == "index.html" or page.path.endswith("/index.html")
    }
    duplicates = sorted({url for url in listed if listed.count(url) > 1})
    assert not duplicates, f"listed twice: {duplicates}"
    missing, extra = sorted(expected - set(listed)), sorted(set(listed) - expected)
    assert not missing and not extra, f"missing from sitemap: {missing}\nnot pages: {extra}"


def test_robots_txt_names_the_sitemap_and_allows_crawling(
    sample_output: Path, base_url: str
) -> None:
    robots = RobotFileParser()
    robots.parse((sample_output / "robots.txt").read_text(encoding="utf-8").splitlines())
    assert robots.site_maps() == [base_url + "/sitemap.xml"]
    assert robots.can_fetch("*", base_url + "/agenda/")


# --- The public addresses (nftsite/core/urls.py) ------------------------------------------------------------------------


def test_every_public_url_of_spec_section_4_exists(
    sample_output: Path, sample_site_yaml: dict[str, dict[str, str]]
) -> None:
    expected = [
        "/",
        "/agenda/",
        "/agenda/archives/",
        "/startups/",
        "/lieux/",
        "/presse/",
        "/404.html",
        "/sitemap.xml",
        "/robots.txt",
        "/agenda.ics",
        "/agenda/rss.xml",
        "/presse/rss.xml",
        "/presse/atom.xml",
        *(f"/agenda/ville/{city}.ics" for city in sample_site_yaml["cities"]),
        *(f"/agenda/theme/{theme}.ics" for theme in sample_site_yaml["themes"]),
    ]
    missing = [url for url in expected if file_for(sample_output, url) is None]
    assert not missing, f"missing from output/: {missing}"


def test_every_published_entry_has_its_page_and_no_draft_has_one(
    sample_output: Path, sample_entries: list[ContentEntry]
) -> None:
    """Expected URLs come from the content file names, as the comms team names them."""
    assert sample_entries, "content/ holds no entry"
    missing = [
        f"{entry.folder}/{entry.slug}.md -> {entry.url}"
        for entry in sample_entries
        if not entry.is_draft
        and not (sample_output / entry.url.lstrip("/") / "index.html").is_file()
    ]
    leaked = [
        entry.url
        for entry in sample_entries
        if entry.is_draft and (sample_output / entry.url.lstrip("/") / "index.html").exists()
    ]
    assert not missing, f"entries without a page: {missing}"
    assert not leaked, f"drafts published: {leaked}"
