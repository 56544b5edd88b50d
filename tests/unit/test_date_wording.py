"""The French wording of an event's dates, as its page says it (« Quand »).

Two levels: nftsite/render/date_wording.py and `event_when` (nftsite/render/views.py) on
events built directly, then the real event pages of a small site built end to end, read with
html5lib. Spaces inside a clock (« 18 h 30 ») are non-breaking (U+00A0) so a time never wraps;
every other space is an ordinary one. The strings are spelled out here, never recomputed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import html5lib
import pytest

from nftsite.model.models import Event, Source, Status
from nftsite.render import date_wording
from nftsite.render.views import event_when

PARIS = ZoneInfo("Europe/Paris")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
NB = "\u00a0"


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


# --- the building blocks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "weekday", "wording"),
    [
        (date(2015, 10, 1), True, "jeudi 1er octobre 2015"),
        (date(2015, 10, 1), False, "1er octobre 2015"),
        (date(2026, 12, 10), True, "jeudi 10 décembre 2026"),
        (date(2027, 8, 2), True, "lundi 2 août 2027"),
        (date(2027, 2, 11), True, "jeudi 11 février 2027"),
    ],
)
def test_format_day(day: date, weekday: bool, wording: str) -> None:
    assert date_wording.format_day(day, weekday=weekday) == wording


@pytest.mark.parametrize(
    ("moment", "wording"),
    [
        (paris(2026, 12, 1, 18, 30), f"18{NB}h{NB}30"),
        (paris(2026, 12, 1, 9, 0), f"9{NB}h"),
        (paris(2026, 12, 1, 9, 5), f"9{NB}h{NB}05"),
        (paris(2026, 12, 1, 0, 0), f"0{NB}h"),
    ],
)
def test_format_clock(moment: datetime, wording: str) -> None:
    assert date_wording.format_clock(moment) == wording


def test_format_month_names_a_month_group() -> None:
    assert date_wording.format_month(date(2027, 1, 14)) == "janvier 2027"


def test_zone_label_names_the_city_of_the_zone() -> None:
    assert date_wording.zone_label(LOS_ANGELES) == "heure de Los Angeles"


# --- event_when: every shape of event the comms team writes --------------------------------


def event(
    start: date | datetime,
    end: date | datetime | None = None,
    zone: ZoneInfo = PARIS,
    recurrence: str | None = None,
    status: Status = Status.CONFIRMED,
) -> Event:
    """An event as the entry builder makes it: timed moments are aware, in `zone`."""
    source = Source(path="content/events/x.md", slug="x", full_text="")
    return Event(
        source=source,
        title="X",
        start=start,
        end=end,
        timezone=zone,
        recurrence=recurrence,
        status=status,
    )


WHEN: list[tuple[str, Event, str]] = [
    # (case, event, the « Quand » wording of its page)
    ("all-day, one day", event(date(2026, 12, 10)), "jeudi 10 décembre 2026"),
    ("all-day, the 1st", event(date(2026, 12, 1)), "mardi 1er décembre 2026"),
    ("all-day, end = start", event(date(2026, 12, 10), date(2026, 12, 10)), "jeudi 10 décembre 2026"),
    ("all-day, several days", event(date(2026, 12, 1), date(2026, 12, 3)), "du 1er au 3 décembre 2026"),
    ("all-day, two months", event(date(2026, 11, 30), date(2026, 12, 2)), "du 30 novembre au 2 décembre 2026"),
    ("all-day, new year", event(date(2026, 12, 30), date(2027, 1, 2)), "du 30 décembre 2026 au 2 janvier 2027"),
    ("timed, no end", event(paris(2015, 10, 1, 18, 30)), f"jeudi 1er octobre 2015 à 18{NB}h{NB}30"),
    ("timed, round hour", event(paris(2026, 12, 10, 9)), f"jeudi 10 décembre 2026 à 9{NB}h"),
    (
        "timed, end = start",
        event(paris(2026, 12, 10, 9), paris(2026, 12, 10, 9)),
        f"jeudi 10 décembre 2026 à 9{NB}h",
    ),
    (
        "same day with end time",
        event(paris(2015, 10, 1, 18, 30), paris(2015, 10, 1, 21)),
        f"jeudi 1er octobre 2015 de 18{NB}h{NB}30 à 21{NB}h",
    ),
    (
        "timed, several days",
        event(paris(2026, 12, 10, 9), paris(2026, 12, 11, 17, 30)),
        f"du jeudi 10 décembre 2026 à 9{NB}h au vendredi 11 décembre 2026 à 17{NB}h{NB}30",
    ),
    (
        "timed, two months",
        event(paris(2026, 11, 30, 14), paris(2026, 12, 1, 12)),
        f"du lundi 30 novembre 2026 à 14{NB}h au mardi 1er décembre 2026 à 12{NB}h",
    ),
    (
        "timed, new year's eve",
        event(paris(2026, 12, 31, 22), paris(2027, 1, 1, 2)),
        f"du jeudi 31 décembre 2026 à 22{NB}h au vendredi 1er janvier 2027 à 2{NB}h",
    ),
    (
        # Today a party ending at midnight is worded up to the next day at 0 h.
        "timed, ends at midnight",
        event(paris(2026, 12, 10, 20), paris(2026, 12, 11, 0)),
        f"du jeudi 10 décembre 2026 à 20{NB}h au vendredi 11 décembre 2026 à 0{NB}h",
    ),
    (
        "written with an offset: worded in the event's zone",
        event(datetime(2026, 12, 10, 17, 30, tzinfo=UTC), datetime(2026, 12, 10, 19, tzinfo=UTC)),
        f"jeudi 10 décembre 2026 de 18{NB}h{NB}30 à 20{NB}h",
    ),
    (
        "in another zone: its own wall clock",
        event(
            datetime(2027, 1, 7, 9, tzinfo=LOS_ANGELES),
            datetime(2027, 1, 7, 11, tzinfo=LOS_ANGELES),
            zone=LOS_ANGELES,
        ),
        f"jeudi 7 janvier 2027 de 9{NB}h à 11{NB}h",
    ),
    (
        "recurring: the first date when no occurrence is given",
        event(paris(2026, 12, 3, 18, 30), paris(2026, 12, 3, 20), recurrence="FREQ=MONTHLY;BYDAY=1TH;COUNT=10"),
        f"jeudi 3 décembre 2026 de 18{NB}h{NB}30 à 20{NB}h",
    ),
    (
        "cancelled: the dates are worded as before",
        event(paris(2026, 12, 15, 18), paris(2026, 12, 15, 20), status=Status.CANCELLED),
        f"mardi 15 décembre 2026 de 18{NB}h à 20{NB}h",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("case", "shape", "wording"), WHEN, ids=[row[0] for row in WHEN])
def test_event_when(case: str, shape: Event, wording: str) -> None:
    assert event_when(shape) == wording


OCCURRENCES: list[tuple[str, Event, date | datetime, str]] = [
    # (case, recurring event, one occurrence's start, its wording)
    (
        "timed monthly, after the change to summer time: still 18 h 30",
        event(paris(2026, 12, 3, 18, 30), paris(2026, 12, 3, 20), recurrence="FREQ=MONTHLY;BYDAY=1TH;COUNT=10"),
        paris(2027, 4, 1, 18, 30),
        f"jeudi 1er avril 2027 de 18{NB}h{NB}30 à 20{NB}h",
    ),
    (
        "all-day weekly over two days",
        event(date(2026, 12, 5), date(2026, 12, 6), recurrence="FREQ=WEEKLY;COUNT=4"),
        date(2026, 12, 26),
        "du 26 au 27 décembre 2026",
    ),
    (
        "all-day over two days, across the new year",
        event(date(2026, 12, 5), date(2026, 12, 6), recurrence="FREQ=WEEKLY;COUNT=5"),
        date(2027, 1, 2),
        "du 2 au 3 janvier 2027",
    ),
    (
        "timed without an end",
        event(paris(2026, 12, 7, 12), recurrence="FREQ=WEEKLY;COUNT=3"),
        paris(2026, 12, 14, 12),
        f"lundi 14 décembre 2026 à 12{NB}h",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "shape", "start", "wording"), OCCURRENCES, ids=[row[0] for row in OCCURRENCES]
)
def test_event_when_of_one_occurrence(
    case: str, shape: Event, start: date | datetime, wording: str
) -> None:
    assert event_when(shape, start) == wording


# --- end to end: the « Quand » of built event pages ----------------------------------------

PLACE = """
---
name: Seine Innopolis
kind: totem
address: 72 rue de la République, 76140 Le Petit-Quevilly
city: rouen
---
"""

EVENTS = {
    "events/journee.md": """
        ---
        title: Journée portes ouvertes
        start: 2026-12-10
        city: caen
        ---
        """,
    "events/salon.md": """
        ---
        title: Salon sur trois jours
        start: 2026-11-30
        end: 2026-12-02
        city: caen
        ---
        """,
    "events/nouvel-an.md": """
        ---
        title: Hackathon du nouvel an
        start: 2026-12-30
        end: 2027-01-02
        city: rouen
        ---
        """,
    "events/soiree.md": """
        ---
        title: Soirée numérique
        start: 2026-12-01 18:30
        end: 21:00
        place: seine-innopolis
        ---
        """,
    "events/deux-jours.md": """
        ---
        title: Formation sur deux jours
        start: 2026-12-10 9:00
        end: 2026-12-11 17:30
        place: seine-innopolis
        ---
        """,
    "events/webinaire.md": """
        ---
        title: Webinaire avec la Californie
        start: 2027-01-07 09:00
        end: 2027-01-07 11:00
        timezone: America/Los_Angeles
        online: https://exemple.fr/webinaire
        ---
        """,
    "events/cafe.md": """
        ---
        title: Café numérique
        start: 2026-12-03 18:30
        end: 2026-12-03 20:00
        recurrence: FREQ=MONTHLY;BYDAY=1TH;COUNT=8
        place: seine-innopolis
        ---
        """,
    "events/annule.md": """
        ---
        title: Rencontre annulée
        start: 2026-12-15 18:00
        end: 2026-12-15 20:00
        city: caen
        status: cancelled
        ---
        """,
}

EVENT_PAGES: dict[str, str] = {
    # event page: its « Quand » as a reader sees it
    "journee": "jeudi 10 décembre 2026",
    "salon": "du 30 novembre au 2 décembre 2026",
    "nouvel-an": "du 30 décembre 2026 au 2 janvier 2027",
    "soiree": f"mardi 1er décembre 2026 de 18{NB}h{NB}30 à 21{NB}h",
    "deux-jours": f"du jeudi 10 décembre 2026 à 9{NB}h au vendredi 11 décembre 2026 à 17{NB}h{NB}30",
    "webinaire": f"jeudi 7 janvier 2027 de 9{NB}h à 11{NB}h (heure de Los Angeles)",
    "cafe": f"jeudi 3 décembre 2026 de 18{NB}h{NB}30 à 20{NB}h",
    "annule": f"mardi 15 décembre 2026 de 18{NB}h à 20{NB}h",
}  # fmt: skip

CAFE_NEXT_DATES = [
    f"jeudi 3 décembre 2026 de 18{NB}h{NB}30 à 20{NB}h",
    f"jeudi 7 janvier 2027 de 18{NB}h{NB}30 à 20{NB}h",
    f"jeudi 4 février 2027 de 18{NB}h{NB}30 à 20{NB}h",
    f"jeudi 4 mars 2027 de 18{NB}h{NB}30 à 20{NB}h",
    f"jeudi 1er avril 2027 de 18{NB}h{NB}30 à 20{NB}h",
    f"jeudi 6 mai 2027 de 18{NB}h{NB}30 à 20{NB}h",
]
"""The monthly café's next six dates (of eight) from `now` (2026-11-23): the change to
summer time leaves 18 h 30 alone."""


def page(output: Path, slug: str) -> Any:
    """An event page as html5lib parses it (ElementTree, no namespaces)."""
    text = (output / "agenda" / slug / "index.html").read_text(encoding="utf-8")
    return html5lib.parse(text, namespaceHTMLElements=False)


def text_of(element: Any) -> str:
    return "".join(element.itertext())


def quand(root: Any) -> str:
    """The text of the page's « Quand » fact: the <dd> after <dt>Quand</dt>."""
    facts = list(root.find(".//dl[@class='facts']"))
    for index, child in enumerate(facts):
        if child.tag == "dt" and text_of(child) == "Quand":
            return text_of(facts[index + 1])
    raise AssertionError("no « Quand » on the page")


def test_event_pages_say_when_in_french(make_site: Any) -> None:
    """One build of a small site, then each event page read as a visitor's browser would."""
    site = make_site({"places/seine-innopolis.md": PLACE, **EVENTS})
    run = site.run()
    assert run.exit_code == 0, run.stderr

    said = {slug: quand(page(site.output, slug)) for slug in EVENT_PAGES}
    assert said == EVENT_PAGES

    cafe = page(site.output, "cafe").find(".//section[@aria-labelledby='dates']")
    assert text_of(cafe.find("h2")) == "Prochaines dates"
    assert [text_of(item) for item in cafe.iter("li")] == CAFE_NEXT_DATES

    banner = page(site.output, "annule").find(".//p[@class='banner banner-cancelled']")
    assert text_of(banner) == (
        "Événement annulé. Il reste affiché pour mémoire\u202f; il n’aura pas lieu."  # typography
    )

    # U+00A0 sits exactly inside the clocks « 9 h » and « 17 h 30 », nowhere else.
    two_days = said["deux-jours"]
    assert two_days.count(NB) == 3
    assert two_days.replace(NB, " ") == (
        "du jeudi 10 décembre 2026 à 9 h au vendredi 11 décembre 2026 à 17 h 30"
    )
