"""The RSS and Atom feeds (docs/guide-contenu.md; addresses from nftsite/core/urls.py), read with feedparser; the feed links of every page.

Checked on a small site written here and on the repository's own content (sample_output),
whose expectations are read from content/ with PyYAML, never from nftsite.
"""

from __future__ import annotations

import email.utils
import re
import time
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import feedparser
import html5lib
import pytest

from .conftest import InlineSite
from .feeds_helpers import BASE, PARIS, PLACES, as_typed, build, content_entries, event_md

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=PARIS)
FEEDS = ("presse/rss.xml", "presse/atom.xml", "agenda/rss.xml")

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
    "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
FRENCH_DATE = re.compile(rf"\b(1er|[12]?\d|3[01]) ({'|'.join(MONTHS)}) (\d{{4}})\b")


def french_day(day: date, weekday: bool = True) -> str:
    """« jeudi 3 décembre 2026 », « vendredi 1er janvier 2027 »."""
    number = "1er" if day.day == 1 else str(day.day)
    text = f"{number} {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text


def spaces(text: str) -> str:
    """Non-breaking and narrow spaces read as spaces, runs collapsed, and the apostrophe ’
    as the ' authors type (feeds carry French typography: render/typography.py)."""
    return " ".join(as_typed(text).split())


PRESS = {
    "lancement-candidature": ("Lancement de la candidature normande", date(2015, 3, 11)),
    "label-french-tech": ("Normandy French Tech obtient le label", date(2015, 6, 25)),
    "delegation-ces-2016": ("Une délégation normande au CES 2016", date(2016, 1, 5)),
    "bilan-2026": ("Bilan de l'année 2026", date(2026, 11, 20)),
}


def press_md(title: str, day: date, draft: bool = False) -> str:
    extra = "draft: true\n" if draft else ""
    return f"---\ntitle: {title}\ndate: {day.isoformat()}\nsummary: Résumé de « {title} ».\n{extra}---\nTexte du communiqué.\n"


UPCOMING = {
    # slug: (title, expected French date in the item, expected place text)
    "club-decembre": (
        "Club numérique de décembre",
        "jeudi 3 décembre 2026",
        "Maison de la recherche et de l'imagination",
    ),
    "jour-de-l-an": (
        "Matinée du jour de l'an",
        "vendredi 1er janvier 2027",
        "Hôtel de Ville de Rouen",
    ),
    "atelier-mardi": ("Atelier du mardi", "mardi 24 novembre 2026", "Seine Innopolis"),
    "salon-trois-jours": ("Salon de trois jours", "3 décembre 2026", "Seine Innopolis"),
}
PAST = {"rentree": "Rencontre de la rentrée", "forum-2024": "Forum 2024"}


@pytest.fixture(scope="module")
def inline_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from .feeds_helpers import new_site

    files = {
        **PLACES,
        **{f"press/{slug}.md": press_md(title, day) for slug, (title, day) in PRESS.items()},
        "press/brouillon-presse.md": press_md(
            "Communiqué en préparation", date(2026, 11, 22), True
        ),
        "events/club-decembre.md": event_md(
            "Club numérique de décembre", start="2026-12-03 18:30", end="21:00", place="mri"
        ),
        "events/jour-de-l-an.md": event_md(
            "Matinée du jour de l'an",
            start="2027-01-01",
            location="Hôtel de Ville de Rouen, 2 place du Général de Gaulle",
            city="rouen",
        ),
        "events/atelier-mardi.md": event_md(
            "Atelier du mardi",
            start="2026-10-06 18:00",
            end="20:00",
            place="seine-innopolis",
            recurrence="FREQ=WEEKLY;COUNT=20",
        ),
        "events/salon-trois-jours.md": event_md(
            "Salon de trois jours", start="2026-12-01", end="2026-12-03", place="seine-innopolis"
        ),
        "events/rentree.md": event_md(
            "Rencontre de la rentrée", start="2026-10-01 18:00", end="20:00", place="mri"
        ),
        "events/forum-2024.md": event_md("Forum 2024", start="2024-11-10 10:00", city="caen"),
    }
    site = new_site(tmp_path_factory.mktemp("feeds") / "project", files)
    build(site)
    return site.output


@pytest.fixture(params=["inline", "sample"])
def any_output(request: pytest.FixtureRequest) -> Path:
    name = "inline_output" if request.param == "inline" else "sample_output"
    return request.getfixturevalue(name)


def parsed(output: Path, feed: str) -> Any:
    result = feedparser.parse((output / feed).read_bytes())
    assert result.bozo == 0, f"{feed}: {result.get('bozo_exception')}"
    return result


def entry_date(entry: Any) -> datetime:
    """An entry's publication instant with its own offset (RSS pubDate or Atom published)."""
    text = entry.get("published") or entry.get("updated")
    assert text, entry
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = email.utils.parsedate_to_datetime(text)
    assert moment.tzinfo is not None, text
    return moment


# --- every feed parses --------------------------------------------------------------------------


@pytest.mark.parametrize("feed", FEEDS)
def test_every_feed_parses_with_feedparser_without_error(any_output: Path, feed: str) -> None:
    result = parsed(any_output, feed)
    assert result.version in {"rss20", "atom10"}, result.version
    assert result.feed.get("title"), feed
    assert result.feed.get("link", "").startswith(BASE + "/"), result.feed.get("link")


# --- press releases -------------------------------------------------------------------------------


def check_press_feed(output: Path, feed: str, releases: dict[str, tuple[str, date]]) -> None:
    entries = parsed(output, feed).entries
    expected = sorted(releases.items(), key=lambda item: item[1][1], reverse=True)
    assert [e.link for e in entries] == [f"{BASE}/presse/{slug}/" for slug, _ in expected], [
        e.link for e in entries
    ]
    for entry, (slug, (title, day)) in zip(entries, expected, strict=True):
        url = f"{BASE}/presse/{slug}/"
        assert as_typed(entry.title) == title
        assert entry.id == url, (entry.id, url)
        assert entry_date(entry).astimezone(PARIS).date() == day, (slug, entry.get("published"))
        assert (output / "presse" / slug / "index.html").is_file()


@pytest.mark.parametrize("feed", ["presse/rss.xml", "presse/atom.xml"])
def test_press_feeds_list_every_published_release_newest_first_with_stable_ids(
    inline_output: Path, feed: str
) -> None:
    check_press_feed(inline_output, feed, PRESS)


def sample_press() -> dict[str, tuple[str, date]]:
    releases = {}
    for slug, fields in content_entries("press"):
        day = fields["date"]
        releases[slug] = (
            str(fields["title"]),
            day if isinstance(day, date) else date.fromisoformat(str(day)),
        )
    return releases


@pytest.mark.parametrize("feed", ["presse/rss.xml", "presse/atom.xml"])
def test_press_feeds_of_the_sample_site_list_its_releases_newest_first(
    sample_output: Path, feed: str
) -> None:
    releases = sample_press()
    assert releases, "the sample site should have press releases"
    check_press_feed(sample_output, feed, releases)


def test_the_rss_guid_of_a_press_release_is_its_permanent_page_url(inline_output: Path) -> None:
    for entry in parsed(inline_output, "presse/rss.xml").entries:
        assert entry.id == entry.link


def test_a_draft_press_release_is_in_no_feed(inline_output: Path) -> None:
    for feed in FEEDS:
        data = (inline_output / feed).read_text(encoding="utf-8")
        assert "Communiqué en préparation" not in data
        assert "brouillon-presse" not in data


def test_two_builds_give_byte_identical_feeds(make_site) -> None:
    site: InlineSite = make_site(
        {**PLACES, "events/a.md": event_md("Atelier", start="2026-12-03 18:30")}
    )
    build(site)
    once = {feed: (site.output / feed).read_bytes() for feed in FEEDS}
    time.sleep(1.1)  # a date taken from the clock would now differ
    build(site)
    assert {feed: (site.output / feed).read_bytes() for feed in FEEDS} == once


def test_case_73_a_summary_that_looks_like_html_reads_as_text_in_every_feed(make_site) -> None:
    """RSS readers render <description> as HTML: a summary of « <img … onerror=…> » must
    arrive as those characters, not as an element (reliability review, case 73)."""
    summary = "Venez <img src=x onerror=alert(1)> & <b>gras</b>"
    release = press_md("Communiqué piégé", date(2026, 11, 20)).replace(
        "summary: Résumé de « Communiqué piégé ».", f"summary: '{summary}'"
    )
    site: InlineSite = make_site({"press/piege.md": release})
    build(site)
    rss = ElementTree.parse(site.output / "presse" / "rss.xml").find("channel/item/description")
    atom = ElementTree.parse(site.output / "presse" / "atom.xml").find(
        "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary"
    )
    assert rss is not None and atom is not None
    as_html = html5lib.parseFragment(rss.text, namespaceHTMLElements=False)
    assert as_html.find(".//img") is None and as_html.find(".//b") is None
    assert "".join(as_html.itertext()) == summary
    assert atom.get("type", "text") == "text" and atom.text == summary


# --- the agenda's RSS -----------------------------------------------------------------------------


def test_agenda_rss_lists_the_upcoming_events_and_not_the_past_ones(inline_output: Path) -> None:
    entries = parsed(inline_output, "agenda/rss.xml").entries
    links = [e.link for e in entries]
    assert sorted(links) == sorted(f"{BASE}/agenda/{slug}/" for slug in UPCOMING), links
    for slug in PAST:
        assert f"{BASE}/agenda/{slug}/" not in links


def test_each_agenda_item_gives_the_french_date_and_the_place(inline_output: Path) -> None:
    entries = {e.link: e for e in parsed(inline_output, "agenda/rss.xml").entries}
    for slug, (title, when, where) in UPCOMING.items():
        entry = entries[f"{BASE}/agenda/{slug}/"]
        text = spaces(f"{entry.title} {entry.get('summary', '')} {entry.get('description', '')}")
        assert title in text
        assert when in text, (slug, text)
        assert where in text, (slug, text)
        assert entry.id == entry.link


def sample_text(value: Any) -> str:
    return str(value) if value is not None else ""


def first_day(value: Any) -> date | None:
    """The date of a front-matter `start`/`end` as PyYAML read it (dates, or text)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", sample_text(value))
    return date(*(int(part) for part in match.groups())) if match else None


def test_agenda_rss_of_the_sample_site_lists_upcoming_events_only(sample_output: Path) -> None:
    entries = {e.link: e for e in parsed(sample_output, "agenda/rss.xml").entries}
    places = {slug: fields for slug, fields in content_entries("places")}
    checked = 0
    for slug, fields in content_entries("events"):
        url = f"{BASE}/agenda/{slug}/"
        start = first_day(fields["start"])
        assert start is not None, slug
        last = first_day(fields.get("end")) or start
        if fields.get("recurrence"):
            continue
        if last < NOW.date() - timedelta(days=1):
            assert url not in entries, f"past event {slug} in the agenda RSS"
            continue
        if start <= NOW.date() + timedelta(days=1):
            continue  # too close to "now" to judge without computing times
        assert url in entries, f"upcoming event {slug} missing from the agenda RSS"
        entry = entries[url]
        text = spaces(f"{entry.title} {entry.get('summary', '')}")
        if last == start:
            assert french_day(start) in text, (slug, text)
        else:
            assert french_day(last, weekday=False) in text, (slug, text)
        if fields.get("place"):
            assert str(places[fields["place"]]["name"]) in text, (slug, text)
        elif fields.get("location"):
            assert str(fields["location"]).split(",")[0] in text, (slug, text)
        checked += 1
    for url, entry in entries.items():
        assert url.startswith(f"{BASE}/agenda/"), url
        assert (sample_output / url.removeprefix(BASE + "/") / "index.html").is_file(), url
        dates = FRENCH_DATE.findall(spaces(entry.get("summary", "")))
        assert dates, (url, entry.get("summary"))
    assert checked, "the sample site should have upcoming events"


# --- feed links on every page -----------------------------------------------------------------


class _Alternates(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.alternates: list[dict[str, str]] = []
        self.redirect = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and "alternate" in values.get("rel", "").split():
            self.alternates.append(values)
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.redirect = True


def test_every_html_page_links_the_rss_atom_and_calendar_feeds(any_output: Path) -> None:
    pages = sorted(any_output.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        reader = _Alternates()
        reader.feed(page.read_text(encoding="utf-8"))
        if reader.redirect:
            continue  # a moved page's stub sends visitors on at once
        kinds = {(link.get("type"), link.get("href")) for link in reader.alternates}
        types = {kind for kind, _ in kinds}
        where = page.relative_to(any_output)
        assert {"application/rss+xml", "application/atom+xml", "text/calendar"} <= types, (
            where,
            kinds,
        )
        for _, href in kinds:
            target = href.removeprefix(BASE).lstrip("/")
            assert (any_output / target).is_file(), (where, href)
