"""The built sample's JSON-LD, read with extruct (as search engines' tools read it) and held
to a rule table written from Google's structured-data guidelines for Event, Article
(NewsArticle), BreadcrumbList and Organization, with the schema.org types they nest.

The table (`RULES`) names, for each type, the properties Google requires and those it
recommends, each with a check of its value's type; `SITE_PROMISES` adds the recommended
properties this site always gives (docs/architecture.md: nftsite/render/jsonld.py). Then
the data is compared with what the page itself shows and with the event's .ics (icalendar):
status, breadcrumb, organizer link, price, logo.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

import extruct
import html5lib
import icalendar
import pytest

BASE_URL = "https://www.normandyfrenchtech.fr"
SCHEMA = "https://schema.org/"

# --- the rule table ---------------------------------------------------------------------------

Check = Callable[[Any, str], list[str]]
"""A value and where it is -> what is wrong with it ([] when it is right)."""


def text(value: Any, where: str) -> list[str]:
    ok = isinstance(value, str) and value.strip() != ""
    return [] if ok else [f"{where}: expected non-empty text, got {value!r:.80}"]


def url(value: Any, where: str) -> list[str]:
    parts = urlsplit(value) if isinstance(value, str) else None
    ok = parts is not None and parts.scheme in ("http", "https") and bool(parts.netloc)
    return [] if ok else [f"{where}: expected an absolute URL, got {value!r:.80}"]


def urls(value: Any, where: str) -> list[str]:
    """One URL or a non-empty list of them (Google's `image`)."""
    if isinstance(value, list):
        if not value:
            return [f"{where}: empty list"]
        return [p for i, item in enumerate(value) for p in url(item, f"{where}[{i}]")]
    return url(value, where)


def iso_date(value: Any, where: str) -> list[str]:
    """ISO 8601: a date, or a date-time with its UTC offset (Google asks for the offset)."""
    if not isinstance(value, str):
        return [f"{where}: expected an ISO 8601 string, got {value!r:.80}"]
    try:
        if len(value) == 10:
            date.fromisoformat(value)
            return []
        moment = datetime.fromisoformat(value)
    except ValueError:
        return [f"{where}: not ISO 8601: {value!r}"]
    return [] if moment.tzinfo is not None else [f"{where}: date-time without offset: {value!r}"]


def enum(*names: str) -> Check:
    allowed = {SCHEMA + name for name in names}

    def check(value: Any, where: str) -> list[str]:
        return [] if value in allowed else [f"{where}: {value!r} not one of {sorted(names)}"]

    return check


def number(value: Any, where: str) -> list[str]:
    """schema.org Number, also written as text: '0', '7.50' (a dot, no currency sign)."""
    try:
        float(value)
    except (TypeError, ValueError):
        return [f"{where}: expected a number, got {value!r}"]
    return [] if not isinstance(value, bool) else [f"{where}: expected a number, got {value!r}"]


def currency(value: Any, where: str) -> list[str]:
    ok = isinstance(value, str) and len(value) == 3 and value.isupper()
    return [] if ok else [f"{where}: expected an ISO 4217 code, got {value!r}"]


def country(value: Any, where: str) -> list[str]:
    ok = isinstance(value, str) and len(value) == 2 and value.isupper()
    return [] if ok else [f"{where}: expected an ISO 3166-1 alpha-2 code, got {value!r}"]


def positive_int(value: Any, where: str) -> list[str]:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
    return [] if ok else [f"{where}: expected a position 1, 2…, got {value!r}"]


def of_type(*types: str) -> Check:
    """A nested object of one of `types`, itself checked against the table."""

    def check(value: Any, where: str) -> list[str]:
        if not isinstance(value, dict):
            return [f"{where}: expected an object ({'/'.join(types)}), got {value!r:.80}"]
        if value.get("@type") not in types:
            return [f"{where}: @type {value.get('@type')!r}, expected {'/'.join(types)}"]
        return validate(value, where)

    return check


def one_or_many(check: Check) -> Check:
    def each(value: Any, where: str) -> list[str]:
        if isinstance(value, list):
            if not value:
                return [f"{where}: empty list"]
            return [p for i, item in enumerate(value) for p in check(item, f"{where}[{i}]")]
        return check(value, where)

    return each


def list_of(check: Check) -> Check:
    def each(value: Any, where: str) -> list[str]:
        if not isinstance(value, list) or not value:
            return [f"{where}: expected a non-empty list, got {value!r:.80}"]
        return [p for i, item in enumerate(value) for p in check(item, f"{where}[{i}]")]

    return each


def address(value: Any, where: str) -> list[str]:
    """Google accepts a PostalAddress or, less usefully, text; this site writes the former."""
    return of_type("PostalAddress")(value, where)


@dataclass(frozen=True)
class Rule:
    required: Mapping[str, Check]
    recommended: Mapping[str, Check]


AGENT = of_type("Organization", "Person")

RULES: dict[str, Rule] = {
    # Google, Event: required name, startDate, location; recommended description, endDate,
    # eventAttendanceMode, eventStatus, image, offers, organizer, performer, previousStartDate.
    "Event": Rule(
        required={
            "name": text,
            "startDate": iso_date,
            "location": one_or_many(of_type("Place", "VirtualLocation")),
        },
        recommended={
            "description": text,
            "endDate": iso_date,
            "eventAttendanceMode": enum(
                "OfflineEventAttendanceMode",
                "OnlineEventAttendanceMode",
                "MixedEventAttendanceMode",
            ),
            "eventStatus": enum(
                "EventScheduled",
                "EventCancelled",
                "EventPostponed",
                "EventRescheduled",
                "EventMovedOnline",
            ),
            "image": urls,
            "offers": one_or_many(of_type("Offer", "AggregateOffer")),
            "organizer": one_or_many(AGENT),
            "performer": one_or_many(AGENT),
            "previousStartDate": iso_date,
            "url": url,
        },
    ),
    # Google, Event.location: a Place needs an address (its name recommended); a
    # VirtualLocation needs its url.
    "Place": Rule(
        required={"address": address},
        recommended={"name": text, "url": url, "image": urls, "geo": of_type("GeoCoordinates")},
    ),
    "VirtualLocation": Rule(required={"url": url}, recommended={}),
    "PostalAddress": Rule(
        required={},
        recommended={
            "streetAddress": text,
            "addressLocality": text,
            "postalCode": text,
            "addressRegion": text,
            "addressCountry": country,
        },
    ),
    "GeoCoordinates": Rule(required={"latitude": number, "longitude": number}, recommended={}),
    # Google, Event.offers: recommended availability, price, priceCurrency, validFrom, url.
    "Offer": Rule(
        required={},
        recommended={
            "price": number,
            "priceCurrency": currency,
            "url": url,
            "validFrom": iso_date,
            "availability": enum("InStock", "SoldOut", "PreOrder"),
        },
    ),
    # Google, Article (Article, NewsArticle, BlogPosting): no required property; recommended
    # author (with its name and url), dateModified, datePublished, headline, image.
    "NewsArticle": Rule(
        required={},
        recommended={
            "author": one_or_many(AGENT),
            "dateModified": iso_date,
            "datePublished": iso_date,
            "headline": text,
            "image": urls,
            "publisher": AGENT,
            "description": text,
            "url": url,
        },
    ),
    # Google, Organization: no required property; recommended name, url, logo, address,
    # description, email, sameAs and identifiers.
    "Organization": Rule(
        required={},
        recommended={
            "name": text,
            "url": url,
            "logo": url,
            "address": address,
            "description": text,
            "email": text,
            "sameAs": one_or_many(url),
            "foundingDate": text,
        },
    ),
    "Person": Rule(required={"name": text}, recommended={"url": url}),
    # Google, BreadcrumbList: required itemListElement, each ListItem with its position,
    # name and item (the item may be left out only on the last crumb, the page itself).
    "BreadcrumbList": Rule(
        required={"itemListElement": list_of(of_type("ListItem"))},
        recommended={},
    ),
    "ListItem": Rule(
        required={"position": positive_int, "name": text, "item": url}, recommended={}
    ),
}

SITE_PROMISES: dict[str, tuple[str, ...]] = {
    # What this site always gives beyond Google's required properties, in a page's blocks
    "Event": ("eventStatus", "eventAttendanceMode", "image", "url"),
    "NewsArticle": ("headline", "datePublished", "image", "author"),
    "Organization": ("name", "url"),
    "Place": ("name", "url"),
}
NESTED_PROMISES: dict[str, tuple[str, ...]] = {
    # and inside them (an organizer named in plain text has no URL: it is not required).
    "Place": ("name",),
    "Offer": ("price", "priceCurrency", "url"),
    "Organization": ("name",),
}


def validate(data: dict[str, Any], where: str, top: bool = False) -> list[str]:
    """What is wrong with one object against RULES and SITE_PROMISES ([] when nothing)."""
    kind = data.get("@type")
    rule = RULES.get(kind) if isinstance(kind, str) else None
    if rule is None:
        return [f"{where}: no rule for @type {kind!r}"]
    problems = [
        f"{where}: {kind} without {name} (required)" for name in rule.required if name not in data
    ]
    problems += [
        f"{where}: {kind} without {name} (this site gives it)"
        for name in (SITE_PROMISES if top else NESTED_PROMISES).get(kind, ())
        if name not in data
    ]
    checks = {**rule.recommended, **rule.required}
    for name, value in data.items():
        if name.startswith("@"):
            continue
        if name in checks:
            problems += checks[name](value, f"{where}.{name}")
    if kind == "PostalAddress" and len(data) == 1:
        problems.append(f"{where}: empty PostalAddress")
    return problems


def validate_block(data: dict[str, Any], where: str) -> list[str]:
    context = data.get("@context")
    problems = (
        [] if context in ("https://schema.org", SCHEMA) else [f"{where}: @context {context!r}"]
    )
    return problems + validate(data, where, top=True)


# --- the built pages -----------------------------------------------------------------------


@dataclass(frozen=True)
class BuiltPage:
    path: str
    url: str
    """The page's public address, as the sitemap and canonical link give it."""
    html: str
    tree: Element
    blocks: tuple[dict[str, Any], ...]
    """Every JSON-LD object of the page, as extruct reads it."""

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [block for block in self.blocks if block.get("@type") == kind]

    def find(self, tag: str, **attributes: str) -> list[Element]:
        return [
            element
            for element in self.tree.iter(tag)
            if all(element.get(k) == v for k, v in attributes.items())
        ]


def element_text(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def page_url(path: str) -> str:
    relative = path.removesuffix("index.html")
    return f"{BASE_URL}/{relative}"


@pytest.fixture(scope="module")
def built(sample_output: Path) -> dict[str, BuiltPage]:
    pages = {}
    for file in sorted(sample_output.rglob("*.html")):
        path = file.relative_to(sample_output).as_posix()
        html = file.read_text(encoding="utf-8")
        address = page_url(path)
        data = extruct.extract(html, base_url=address, syntaxes=["json-ld"], uniform=False)
        blocks: list[dict[str, Any]] = []
        for item in data["json-ld"]:
            blocks.extend(item if isinstance(item, list) else [item])
        tree = html5lib.parse(html, namespaceHTMLElements=False)
        pages[path] = BuiltPage(path, address, html, tree, tuple(blocks))
    assert len(pages) > 50, "the sample site should have more pages than that"
    return pages


def event_pages(
    built: dict[str, BuiltPage], sample_output: Path
) -> Iterator[tuple[BuiltPage, Path]]:
    """Each event page with its own .ics (agenda/<slug>/<slug>.ics)."""
    for path, page in built.items():
        parts = path.split("/")
        if len(parts) == 3 and parts[0] == "agenda" and parts[2] == "index.html":
            ics = sample_output / "agenda" / parts[1] / f"{parts[1]}.ics"
            if ics.is_file():
                yield page, ics


def facts(page: BuiltPage) -> dict[str, Element]:
    """An entry page's « facts » list: each <dt> label and its <dd>."""
    found: dict[str, Element] = {}
    for dl in page.find("dl"):
        if "facts" not in (dl.get("class") or "").split():
            continue
        for term, value in pairwise(list(dl)):
            if term.tag == "dt" and value.tag == "dd":
                found[element_text(term)] = value
    return found


# --- the tests -------------------------------------------------------------------------------


def test_every_json_ld_block_of_every_page_meets_the_rule_table(
    built: dict[str, BuiltPage],
) -> None:
    failures = []
    counts: dict[str, int] = {}
    for page in built.values():
        for index, block in enumerate(page.blocks):
            counts[str(block.get("@type"))] = counts.get(str(block.get("@type")), 0) + 1
            failures += validate_block(block, f"{page.path}#{index}")
    assert not failures, "\n".join(failures)
    # The sample has events with a location, releases, startups, places, crumbs: all seen.
    for kind in ("Event", "NewsArticle", "Organization", "Place", "BreadcrumbList"):
        assert counts.get(kind, 0) >= 4, f"only {counts.get(kind, 0)} {kind} blocks: {counts}"


def sample_event(built: dict[str, BuiltPage]) -> dict[str, Any]:
    page = built["agenda/rencontre-normandy-tech-40-decembre-2026/index.html"]
    (event,) = page.of_type("Event")
    return event


def test_the_rule_table_fails_an_event_without_its_location(built: dict[str, BuiltPage]) -> None:
    event = sample_event(built)
    assert validate_block(event, "event") == []
    mutated = copy.deepcopy(event)
    del mutated["location"]
    assert validate_block(mutated, "event") == ["event: Event without location (required)"]


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("startDate",), "10/12/2026", "not ISO 8601"),
        (("startDate",), "2026-12-10T17:30:00", "without offset"),
        (("location", "address"), "3 esplanade Stéphane Hessel", "expected an object"),
        (("location", "@type"), "City", "@type 'City'"),
        (("offers", "price"), "gratuit", "expected a number"),
        (("eventStatus",), "https://schema.org/EventTentative", "not one of"),
        (("image",), "/static/favicon.svg", "absolute URL"),
        (("organizer", "url"), "", "absolute URL"),
    ],
)
def test_the_rule_table_fails_an_ill_typed_event(
    built: dict[str, BuiltPage], path: tuple[str, ...], value: Any, expected: str
) -> None:
    mutated = copy.deepcopy(sample_event(built))
    target = mutated
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    problems = validate_block(mutated, "event")
    assert any(expected in problem for problem in problems), problems


def test_event_blocks_exist_exactly_where_the_page_says_where(
    built: dict[str, BuiltPage], sample_output: Path
) -> None:
    """Every event that has a place, a city or a link is marked up; one that has none is not
    (Google requires a location), and its .ics has no LOCATION either."""
    failures, marked, unmarked = [], 0, 0
    for page, ics in event_pages(built, sample_output):
        events = page.of_type("Event")
        shown = facts(page)
        says_where = any(label in shown for label in ("Où", "Ville", "En ligne"))
        calendar = icalendar.Calendar.from_ical(ics.read_bytes())
        (vevent,) = calendar.walk("VEVENT")
        if says_where != (len(events) == 1):
            failures.append(f"{page.path}: where shown {says_where}, {len(events)} Event block(s)")
        if "LOCATION" in vevent and not events:
            failures.append(f"{page.path}: the .ics has a LOCATION, the page no Event block")
        marked += bool(events)
        unmarked += not events
    assert not failures, "\n".join(failures)
    assert marked >= 10 and unmarked >= 1, (marked, unmarked)


ICS_STATUS = {
    "CONFIRMED": "https://schema.org/EventScheduled",
    "TENTATIVE": "https://schema.org/EventScheduled",
    "CANCELLED": "https://schema.org/EventCancelled",
}


def test_event_status_matches_the_calendar_file_and_a_tentative_date_is_said_on_the_page(
    built: dict[str, BuiltPage], sample_output: Path
) -> None:
    seen: set[str] = set()
    failures = []
    for page, ics in event_pages(built, sample_output):
        (vevent,) = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
        status = str(vevent.get("STATUS", "CONFIRMED")).upper()
        seen.add(status)
        for event in page.of_type("Event"):
            if event.get("eventStatus") != ICS_STATUS[status]:
                failures.append(f"{page.path}: STATUS {status}, {event.get('eventStatus')}")
        tentative = "Date à confirmer" in element_text(page.find("main")[0])
        if tentative != (status == "TENTATIVE"):
            failures.append(f"{page.path}: STATUS {status}, « Date à confirmer » shown {tentative}")
    assert not failures, "\n".join(failures)
    assert seen >= {"CONFIRMED", "TENTATIVE", "CANCELLED"}, seen


def test_every_breadcrumb_shown_is_the_breadcrumb_list_item_for_item(
    built: dict[str, BuiltPage],
) -> None:
    failures, trails = [], 0
    for page in built.values():
        navs = [  # the site's typography may curl the label's apostrophe
            nav
            for nav in page.find("nav")
            if (nav.get("aria-label") or "").replace("’", "'") == "Fil d'Ariane"
        ]
        shown = [
            (element_text(link), urljoin(page.url, link.get("href") or ""))
            for nav in navs
            for link in nav.iter("a")
        ]
        lists = page.of_type("BreadcrumbList")
        if not navs:
            if lists:
                failures.append(f"{page.path}: a BreadcrumbList but no breadcrumb shown")
            continue
        trails += 1
        if len(lists) != 1:
            failures.append(f"{page.path}: breadcrumb shown, {len(lists)} BreadcrumbList")
            continue
        items = lists[0]["itemListElement"]
        marked = [(item["name"], item["item"]) for item in items]
        positions = [item["position"] for item in items]
        if marked != shown or positions != list(range(1, len(items) + 1)):
            failures.append(f"{page.path}: shown {shown}, marked {marked} at {positions}")
    assert not failures, "\n".join(failures)
    assert trails >= 30, f"only {trails} pages show a breadcrumb"


def test_the_organizer_links_where_the_page_links_it(
    built: dict[str, BuiltPage], sample_output: Path
) -> None:
    failures, linked = [], 0
    for page, _ in event_pages(built, sample_output):
        shown = facts(page).get("Organisation")
        for event in page.of_type("Event"):
            if shown is None:
                failures.append(f"{page.path}: an organizer no page shows")
                continue
            organizer = event.get("organizer", {})
            links = list(shown.iter("a"))
            href = urljoin(page.url, links[0].get("href") or "") if links else None
            if organizer.get("name") != element_text(shown) or organizer.get("url") != href:
                failures.append(f"{page.path}: shown {element_text(shown)!r} {href}: {organizer}")
            linked += href is not None
    assert not failures, "\n".join(failures)
    assert linked >= 5, "the label's and the startups' events should link their organizer"


def test_a_free_event_offers_price_zero_with_its_registration_link(
    built: dict[str, BuiltPage], sample_output: Path
) -> None:
    failures, free = [], 0
    for page, _ in event_pages(built, sample_output):
        price = facts(page).get("Tarif")
        wording = element_text(price) if price is not None else ""
        register = [
            link.get("href")
            for link in page.find("a")
            if element_text(link).replace("’", "'").startswith("S'inscrire")
        ]
        for event in page.of_type("Event"):
            offer = event.get("offers")
            if wording.lower().startswith("gratuit"):
                free += 1
                expected = register[0] if register else page.url
                if not offer or (offer["price"], offer["priceCurrency"], offer["url"]) != (
                    "0",
                    "EUR",
                    expected,
                ):
                    failures.append(f"{page.path}: « {wording} » offered as {offer}")
            elif offer is not None:
                failures.append(f"{page.path}: « {wording} » offered as {offer}")
    assert not failures, "\n".join(failures)
    assert free >= 5


def local_name(element: Element) -> str:
    return element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""


def shown_logos(page: BuiltPage) -> list[tuple[str, str | None]]:
    """(image URL or "inline", its viewBox for an inline drawing) of each logo the page
    shows: an `<img>`, or an SVG drawn in the page inside `<span role="img">`."""
    shown: list[tuple[str, str | None]] = [
        (urljoin(page.url, img.get("src") or ""), None) for img in page.find("img")
    ]
    for span in page.find("span", role="img"):
        if (span.get("aria-label") or "").startswith("Logo de "):
            svgs = [e for e in span.iter() if local_name(e) == "svg"]
            shown += [("inline", svg.get("viewBox") or svg.get("viewbox")) for svg in svgs]
    return shown


def test_an_organization_logo_is_the_logo_its_page_shows(
    built: dict[str, BuiltPage], sample_output: Path
) -> None:
    """The JSON-LD names the logo's file, which the output holds; the page shows that file,
    as an `<img>` or drawn inline (the same drawing: the same viewBox)."""
    failures, logos = [], 0
    for path, page in built.items():
        if not path.startswith("startups/") or path.count("/") != 2 or "/ville/" in path:
            continue
        for organization in page.of_type("Organization"):
            shown = shown_logos(page)
            logo = organization.get("logo")
            logos += logo is not None
            if logo is None:
                if shown:
                    failures.append(f"{path}: no logo, page shows {shown}")
                continue
            file = sample_output / urlsplit(logo).path.lstrip("/")
            if not file.is_file():
                failures.append(f"{path}: logo {logo} is not in the output")
                continue
            if (logo, None) in shown:
                continue
            drawn = [box for where, box in shown if where == "inline"]
            if not file.name.endswith(".svg") or len(drawn) != 1:
                failures.append(f"{path}: logo {logo}, page shows {shown}")
                continue
            svg = ElementTree.fromstring(file.read_bytes())
            if local_name(svg) != "svg" or svg.get("viewBox") != drawn[0]:
                failures.append(f"{path}: logo {logo} drawn with viewBox {drawn[0]}")
    assert not failures, "\n".join(failures)
    assert logos >= 5
    (home,) = built["index.html"].of_type("Organization")
    assert home["logo"] == f"{BASE_URL}/static/favicon.svg"


def test_json_ld_keeps_a_hostile_title_inside_its_script(make_site: Any) -> None:
    """A title that tries to close the script tag stays text in the JSON (html.py json_ld)."""
    title = "Soirée </script><script>alert(1)</script> & « fin »"
    site = make_site(
        {
            "events/soiree.md": (
                f"---\ntitle: '{title}'\nstart: 2027-02-01 18:00\nlocation: Caen\ncity: caen\n"
                "price: Gratuit\n---\n"
            ),
        }
    )
    assert site.run().exit_code == 0
    html = (site.output / "agenda" / "soiree" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    data = extruct.extract(html, base_url=BASE_URL, syntaxes=["json-ld"], uniform=False)
    events = [block for block in data["json-ld"] if block.get("@type") == "Event"]
    assert [event["name"] for event in events] == [title]
    assert validate_block(events[0], "event") == []


def test_a_place_that_organizes_an_event_is_linked_as_its_organizer(make_site: Any) -> None:
    """`organizer:` may name a place by its file name (docs/guide-contenu.md), as a startup."""
    site = make_site(
        {
            "places/cantine.md": (
                "---\nname: La Cantine\nkind: cantine\ncity: rouen\n"
                "address: Le Havre (quai à confirmer)\n---\n"
            ),
            "events/atelier.md": (
                "---\ntitle: Atelier\nstart: 2027-02-01 18:00\nplace: cantine\n"
                "organizer: cantine\nprice: 7,50 €\n---\n"
            ),
        }
    )
    run = site.run()
    assert run.exit_code == 0, run.stderr
    html = (site.output / "agenda" / "atelier" / "index.html").read_text(encoding="utf-8")
    data = extruct.extract(html, base_url=BASE_URL, syntaxes=["json-ld"], uniform=False)
    (event,) = [block for block in data["json-ld"] if block.get("@type") == "Event"]
    assert validate_block(event, "event") == []
    assert event["organizer"] == {
        "@type": "Organization",
        "name": "La Cantine",
        "url": f"{BASE_URL}/lieux/cantine/",
    }
    assert event["offers"]["price"] == "7.50"
    # An address that is not « street, 76000 Town » is kept whole, with the place's city.
    assert event["location"]["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "Le Havre (quai à confirmer)",
        "addressLocality": "Rouen",
        "addressCountry": "FR",
    }
