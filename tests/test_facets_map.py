"""Combined facets, empty states, home cards and the map of places, judged on the built
sample with html5lib (not with the code that made the pages)."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib
import yaml

SAMPLE_CONTENT = Path(__file__).resolve().parent.parent / "content"


def parse(output: Path, url: str) -> Element:
    path = output / url.lstrip("/") / "index.html"
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)


def facet_urls(output: Path) -> set[str]:
    """Every combination URL the built agenda and directory link to, from their facets."""
    found: set[str] = set()
    todo = ["/agenda/", "/startups/"]
    while todo:
        url = todo.pop()
        if url in found:
            continue
        found.add(url)
        for nav in parse(output, url).iter("nav"):
            if nav.get("class") == "facets":
                todo += [a.get("href", "") for a in nav.iter("a")]
    return found


def listed(page: Element) -> int:
    """Entries a page lists: cards (<article>), or the archive's year lists' items."""
    main = page.find(".//main")
    assert main is not None
    cards = sum(1 for _ in main.iter("article"))
    lists = [ul for ul in main.iter("ul") if ul.get("class") == "list"]
    return cards or sum(1 for ul in lists for _ in ul.iter("li"))


def shown_count(page: Element) -> int:
    for p in page.iter("p"):
        if p.get("class") == "count":
            return int("".join(p.itertext()).split()[0])
    raise AssertionError("no count shown")


def test_every_combination_shows_the_count_of_what_it_lists(sample_output: Path) -> None:
    urls = facet_urls(sample_output)
    assert any(u.startswith("/agenda/choix/") for u in urls)
    assert any(u.startswith("/startups/choix/") for u in urls)
    for url in urls:
        page = parse(sample_output, url)
        assert shown_count(page) == listed(page), url


def test_a_facet_option_shows_the_count_of_the_page_it_leads_to(sample_output: Path) -> None:
    for url in facet_urls(sample_output):
        for nav in parse(sample_output, url).iter("nav"):
            if nav.get("class") != "facets":
                continue
            for a in nav.iter("a"):
                count = int("".join(a.itertext()).rsplit("(", 1)[1].rstrip(")"))
                assert count == listed(parse(sample_output, a.get("href", ""))), a.get("href")


def test_an_empty_page_says_so_and_leads_only_to_pages_that_list_something(
    sample_output: Path,
) -> None:
    empty = ["/startups/ville/evreux/", "/startups/ville/cherbourg/", "/agenda/ville/le-havre/"]
    for url in empty:
        page = parse(sample_output, url)
        assert listed(page) == 0, url
        block = next(d for d in page.iter("div") if d.get("class") == "empty-state")
        assert "Aucun" in "".join(block.itertext())
        links = [a.get("href", "") for a in block.iter("a")]
        pages = [link for link in links if not link.endswith(".ics")]
        assert len(pages) >= 2, url
        for link in pages:
            assert listed(parse(sample_output, link)) > 0, (url, link)


def test_the_empty_city_agenda_offers_its_feed(sample_output: Path) -> None:
    page = parse(sample_output, "/agenda/ville/le-havre/")
    block = next(d for d in page.iter("div") if d.get("class") == "empty-state")
    assert "/agenda/ville/le-havre.ics" in [a.get("href") for a in block.iter("a")]


def test_home_page_theme_cards_lead_to_pages_that_list_something(sample_output: Path) -> None:
    home = parse(sample_output, "/")
    cards = [ul for ul in home.iter("ul") if "axes" in (ul.get("class") or "")]
    assert cards
    links = [a.get("href", "") for a in cards[0].iter("a")]
    assert len(links) == 3
    for link in links:
        assert listed(parse(sample_output, link)) > 0, link


def test_places_map_links_every_place_with_geo(sample_output: Path) -> None:
    with_geo = set()
    for path in (SAMPLE_CONTENT / "places").glob("*.md"):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        if front.get("geo") and not front.get("draft"):
            with_geo.add(f"/lieux/{path.stem}/")
    assert with_geo
    page = parse(sample_output, "/lieux/")
    svg = page.find(".//{http://www.w3.org/2000/svg}svg")
    assert svg is not None, "no inline <svg> on /lieux/"
    markers = {
        a.get("href"): a.get("aria-label", "") for a in svg.iter("{http://www.w3.org/2000/svg}a")
    }
    assert set(markers) == with_geo
    assert all(label.strip() for label in markers.values())


def test_upcoming_cards_carry_their_end_instant(sample_output: Path) -> None:
    page = parse(sample_output, "/agenda/")
    ends = [a.get("data-ends") for a in page.iter("article") if a.get("data-ends")]
    assert ends
    scripts = [s.get("src", "") for s in page.iter("script")]
    assert any(s.endswith("/static/upcoming.js") for s in scripts)


def test_an_empty_feed_is_offered_nowhere_as_a_subscription_target(sample_output: Path) -> None:
    """The Le Havre feed lists nothing upcoming: no subscribe button nor address to copy for
    it, on its agenda page or on /abonnement/; only the empty state links the file."""
    feed = "agenda/ville/le-havre.ics"
    for url in ("/abonnement/", "/agenda/ville/le-havre/", "/agenda/"):
        page = parse(sample_output, url)
        targets = [a.get("href", "") for a in page.iter("a")]
        targets += [i.get("value", "") for i in page.iter("input")]
        offered = [t for t in targets if feed in t and not t.startswith("/")]
        assert not offered, (url, offered)
    page = parse(sample_output, "/abonnement/")
    assert any(
        "Le Havre" in "".join(p.itertext()) for p in page.iter("p") if p.get("class") == "note"
    )


def test_a_facet_option_carries_what_the_script_recounts(sample_output: Path) -> None:
    """static/upcoming.js recounts an agenda option from the nav's `data-events` (one
    `day/end/cities/themes/period` per event) and the option's `data-key`: at build time
    that recount must give the count the build wrote."""
    checked = 0
    for url in facet_urls(sample_output):
        if not url.startswith("/agenda/"):
            continue
        for nav in parse(sample_output, url).iter("nav"):
            if nav.get("class") != "facets":
                continue
            events = [e.split("/") for e in (nav.get("data-events") or "").split()]
            for a in nav.iter("a"):
                count = int("".join(a.itertext()).rsplit("(", 1)[1].rstrip(")"))
                key = (a.get("data-key") or "").split("/")
                assert len(key) == 3, (url, a.get("href"))
                matching = [
                    e
                    for e in events
                    if all(not k or k in e[2 + i].split(".") for i, k in enumerate(key))
                ]
                assert len(matching) == count, (url, a.get("href"), key)
                checked += 1
    assert checked
