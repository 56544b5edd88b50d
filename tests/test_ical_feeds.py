"""The calendar feeds the guide describes (docs/guide-contenu.md), read the way calendar clients read them.

One agenda, written below, is built once for the module (now = 2026-11-23 12:00, Paris).
Every judgement is made with `icalendar`, `recurring_ical_events` and `html5lib`, or on the
raw bytes; nftsite is only called to build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest

from .conftest import InlineSite
from .feeds_helpers import (
    BASE,
    LOS_ANGELES,
    PARIS,
    PLACES,
    as_utc,
    build,
    by_summary,
    content_line,
    event_md,
    expand,
    html_tree,
    new_site,
    output_files,
    parents,
    parse_ics,
    physical_lines,
    query,
    summaries,
    text_of,
    unfolded_lines,
    vevent_blocks,
)


@dataclass(frozen=True)
class Sample:
    slug: str
    title: str
    fields: dict[str, object]
    city: str | None = None
    """The city the event belongs to (its own, or its place's)."""
    themes: tuple[str, ...] = ()
    in_window: bool = True
    """Expected in the subscribed feeds: future, or within the last 12 months."""
    body: str = "Présentation de l'événement."
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def page(self) -> str:
        return f"{BASE}/agenda/{self.slug}/"

    @property
    def markdown(self) -> str:
        themes = {"themes": list(self.themes)} if self.themes else {}
        return event_md(self.title, self.body, **self.fields, **themes)


TRICKY_TITLE = "Données, code ; et \\ antislash, encore ; fin \\"
LONG_TITLE = (
    "Rencontre régionale « Numérique & Territoires » 🚀🎉 : écosystème, innovation, "
    "créativité — Caen, Rouen, Le Havre 🇫🇷 été 2027 ✨ 👩‍💻 données ouvertes et sûreté"
)
LONG_TITLE_SET = (
    LONG_TITLE.replace("« ", "«\u202f").replace(" »", "\u202f»").replace(" :", "\u00a0:")
)
"""The same in French typography, as calendars carry it (render/typography.py)."""

SAMPLES = [
    Sample(
        "club-numerique",
        "Club numérique du premier jeudi",
        {
            "start": "2026-12-03 18:30",
            "end": "21:00",
            "place": "mri",
            "recurrence": "FREQ=MONTHLY;BYDAY=1TH;COUNT=10",
            "exdates": ["2027-01-07"],
            "organizer": "Normandie Web Xperts",
        },
        city="caen",
        themes=("smart-city",),
        body=(
            "Le **club** se réunit chaque mois, *sans* inscription.\n\n"
            "Voir le [programme détaillé](https://example.org/programme)."
        ),
    ),
    Sample(
        "passage-heure-ete",
        "Petit matin du passage à l'heure d'été",
        {"start": "2026-03-29 03:30", "end": "2026-03-29 05:00", "city": "rouen"},
        city="rouen",
    ),
    Sample(
        "heure-ambigue",
        "Rendez-vous à l'heure ambiguë",
        {"start": "2026-10-25 02:30", "end": "2026-10-25 03:30", "city": "le-havre"},
        city="le-havre",
    ),
    Sample(
        "nuit-changement-heure",
        "Nuit blanche du changement d'heure",
        {"start": "2026-10-24 22:00", "end": "2026-10-25 04:00", "city": "le-havre"},
        city="le-havre",
        themes=("smart-port",),
    ),
    Sample(
        "ces-2027",
        "CES Las Vegas 2027",
        {
            "start": "2027-01-07 10:00",
            "end": "2027-01-07 18:00",
            "timezone": "America/Los_Angeles",
            "location": "Las Vegas Convention Center, 3150 Paradise Road, Las Vegas",
        },
        themes=("smart-industry",),
    ),
    Sample(
        "salon-trois-jours",
        "Salon de l'industrie du futur",
        {"start": "2026-12-01", "end": "2026-12-03", "place": "seine-innopolis"},
        city="rouen",
        themes=("smart-industry", "smart-port"),
    ),
    Sample(
        "soiree-minuit",
        "Soirée jeux vidéo jusqu'au bout de la nuit",
        {"start": "2026-12-12 21:00", "end": "2026-12-13 02:00", "city": "caen"},
        city="caen",
    ),
    Sample(
        "reveillon-numerique",
        "Réveillon des développeurs",
        {"start": "2026-12-31 22:00", "end": "2027-01-01 02:00", "city": "le-havre"},
        city="le-havre",
        themes=("smart-port",),
    ),
    Sample(
        "hackathon-nouvel-an",
        "Hackathon du Nouvel An",
        {"start": "2026-12-30", "end": "2027-01-02", "city": "caen"},
        city="caen",
        themes=("smart-city",),
    ),
    Sample(
        "atelier-hebdo",
        "Atelier hebdomadaire de janvier",
        {
            "start": "2027-01-05 18:00",
            "end": "20:00",
            "city": "rouen",
            "recurrence": "FREQ=WEEKLY;UNTIL=20270126",
        },
        city="rouen",
    ),
    Sample(
        "permanence-mensuelle",
        "Permanence du premier du mois",
        {
            "start": "2027-02-01",
            "city": "le-havre",
            "recurrence": "FREQ=MONTHLY;COUNT=4",
            "exdates": ["2027-03-01"],
        },
        city="le-havre",
    ),
    Sample(
        "conference-annulee",
        "Conférence sur les données urbaines",
        {"start": "2026-12-10 14:00", "end": "17:00", "city": "rouen", "status": "cancelled"},
        city="rouen",
        themes=("smart-city",),
    ),
    Sample(
        "rencontre-a-confirmer",
        "Rencontre Normandy Tech 40",
        {"start": "2027-02-11 09:00", "end": "12:00", "city": "caen", "status": "tentative"},
        city="caen",
    ),
    Sample(
        "forum-2024",
        "Forum des startups 2024",
        {"start": "2024-11-10 10:00", "end": "18:00", "city": "caen"},
        city="caen",
        themes=("smart-city",),
        in_window=False,
    ),
    Sample(
        "meetup-aout",
        "Meetup de la fin de l'été",
        {"start": "2026-08-20 18:00", "end": "20:00", "place": "mri"},
        city="caen",
        themes=("smart-industry",),
    ),
    Sample(
        "virgules",
        TRICKY_TITLE,
        {"start": "2027-03-04 19:00", "end": "21:00", "city": "rouen"},
        city="rouen",
    ),
    Sample(
        "titre-long",
        LONG_TITLE,
        {"start": "2027-06-10 09:30", "end": "17:00", "place": "seine-innopolis"},
        city="rouen",
        themes=("smart-city", "smart-port"),
    ),
]
BY_SLUG = {sample.slug: sample for sample in SAMPLES}
BY_TITLE = {sample.title: sample for sample in SAMPLES}

DRAFT_TITLE = "Zorglub confidentiel"
DRAFT_SLUG = "brouillon-zorglub"
DRAFT = event_md(
    DRAFT_TITLE,
    "Rien de tout cela ne doit paraître.",
    start="2026-12-15 10:00",
    end="12:00",
    city="caen",
    themes=["smart-city"],
    draft="true",
)


@pytest.fixture(scope="module")
def agenda(tmp_path_factory: pytest.TempPathFactory) -> InlineSite:
    files = {f"events/{s.slug}.md": s.markdown for s in SAMPLES}
    site = new_site(
        tmp_path_factory.mktemp("agenda") / "project",
        {**PLACES, **files, f"events/{DRAFT_SLUG}.md": DRAFT},
    )
    build(site)
    return site


@pytest.fixture(scope="module")
def output(agenda: InlineSite) -> Path:
    return agenda.output


@pytest.fixture(scope="module")
def whole(output: Path) -> icalendar.Calendar:
    return parse_ics(output / "agenda.ics")


@pytest.fixture(scope="module")
def events(whole: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return by_summary(whole)


def subscribed_feeds(output: Path) -> list[Path]:
    """/agenda.ics and every city and theme calendar: the feeds people subscribe to."""
    return [
        output / "agenda.ics",
        *output_files(output / "agenda" / "ville", ".ics"),
        *output_files(output / "agenda" / "theme", ".ics"),
    ]


def all_calendars(output: Path) -> list[Path]:
    files = output_files(output, ".ics")
    assert len(files) >= 1 + 3 + 3 + len(SAMPLES)
    return files


def escaped(text: str) -> str:
    """RFC 5545 TEXT escaping (3.3.11)."""
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


# --- every file parses ------------------------------------------------------------------------


def test_the_build_writes_the_whole_city_and_theme_feeds_and_one_file_per_event(
    output: Path,
) -> None:
    assert (output / "agenda.ics").is_file()
    for city in ("caen", "rouen", "le-havre"):
        assert (output / "agenda" / "ville" / f"{city}.ics").is_file()
    for theme in ("smart-city", "smart-industry", "smart-port"):
        assert (output / "agenda" / "theme" / f"{theme}.ics").is_file()
    for sample in SAMPLES:
        own = output / "agenda" / sample.slug / f"{sample.slug}.ics"
        assert own.is_file(), own
        assert summaries(own) == {sample.title}


def test_every_calendar_file_parses_with_icalendar_and_expands_with_recurring_ical_events(
    output: Path,
) -> None:
    for path in all_calendars(output):
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        assert calendar.name == "VCALENDAR", path
        occurrences = expand(calendar, date(2020, 1, 1), date(2030, 1, 1))
        assert len(occurrences) >= len(calendar.walk("VEVENT")), path


# --- raw bytes ----------------------------------------------------------------------------------


def test_every_line_of_every_calendar_ends_with_crlf(output: Path) -> None:
    for path in all_calendars(output):
        data = path.read_bytes()
        assert data.endswith(b"\r\n"), path
        bare = [m.start() for m in re.finditer(rb"(?<!\r)\n", data)]
        assert bare == [], f"{path}: bare LF at offsets {bare[:5]}"
        assert b"\r" not in data.replace(b"\r\n", b""), f"{path}: bare CR"


def test_no_physical_line_is_longer_than_75_octets(output: Path) -> None:
    for path in all_calendars(output):
        long = [line for line in physical_lines(path.read_bytes()) if len(line) > 75]
        assert long == [], f"{path}: {long[:3]}"


def test_folding_never_splits_a_utf8_character(output: Path) -> None:
    for path in all_calendars(output):
        for number, line in enumerate(physical_lines(path.read_bytes()), 1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as error:
                pytest.fail(f"{path}:{number} does not decode on its own: {line!r} ({error})")


def test_commas_semicolons_and_backslashes_in_a_title_are_escaped_in_summary(
    output: Path, events: dict[str, icalendar.Event]
) -> None:
    data = (output / "agenda.ics").read_bytes()
    lines = content_line(data, "Données", "SUMMARY")
    # French typography: a narrow no-break space before « ; » (render/typography.py)
    assert lines == [
        "SUMMARY:Données\\, code\u202f\\; et \\\\ antislash\\, encore\u202f\\; fin \\\\"
    ], lines
    assert str(events[TRICKY_TITLE]["SUMMARY"]) == TRICKY_TITLE.replace(" ;", "\u202f;")


def test_a_long_accented_title_with_emoji_is_folded_and_unfolds_to_the_original(
    output: Path,
) -> None:
    data = (output / "agenda" / "titre-long" / "titre-long.ics").read_bytes()
    raw = physical_lines(data)
    first = next(i for i, line in enumerate(raw) if line.startswith(b"SUMMARY:"))
    continuation = 0
    while raw[first + 1 + continuation].startswith(b" "):
        continuation += 1
    assert continuation >= 2, "a title of this length must be folded over several lines"
    summary = content_line(data, "Rencontre régionale", "SUMMARY")
    assert summary == ["SUMMARY:" + escaped(LONG_TITLE_SET)]
    calendar = icalendar.Calendar.from_ical(data)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == [LONG_TITLE_SET]


def test_description_is_plain_text_with_the_event_page_url(
    events: dict[str, icalendar.Event],
) -> None:
    for title, event in events.items():
        description = str(event["DESCRIPTION"])
        assert not re.search(r"</?[a-z][a-z0-9]*[\s>/]", description), (title, description)
        assert "**" not in description, description
        assert not re.search(r"\]\(", description), description
        assert BY_TITLE[title].page in description, (title, description)
    club = str(events["Club numérique du premier jeudi"]["DESCRIPTION"])
    assert "club se réunit chaque mois" in club
    assert "programme détaillé" in club
    assert "https://example.org/programme" in club


def test_an_event_at_a_place_carries_location_geo_url_and_categories(
    events: dict[str, icalendar.Event],
) -> None:
    club = events["Club numérique du premier jeudi"]
    location = str(club["LOCATION"])
    assert "Maison de la recherche et de l’imagination" in location
    assert "17 rue Claude Bloch, 14000 Caen" in location
    geo = club["GEO"]
    assert (round(geo.latitude, 4), round(geo.longitude, 4)) == (49.2138, -0.3689)
    assert str(club["URL"]) == BY_SLUG["club-numerique"].page
    assert "Smart City" in [str(c) for c in club["CATEGORIES"].cats]
    ces = events["CES Las Vegas 2027"]
    assert "Las Vegas Convention Center" in str(ces["LOCATION"])
    assert "GEO" not in ces


# --- the calendar itself ---------------------------------------------------------------------


def test_every_calendar_declares_version_prodid_and_publish_method(output: Path) -> None:
    for path in all_calendars(output):
        lines = unfolded_lines(path.read_bytes())
        assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR", path
        assert lines.count("VERSION:2.0") == 1, path
        prodid = [line for line in lines if line.startswith("PRODID:")]
        assert len(prodid) == 1 and len(prodid[0]) > len("PRODID:"), path
        methods = [line for line in lines if re.match(r"METHOD[;:]", line)]
        assert methods == ["METHOD:PUBLISH"], (path, methods)


def test_every_calendar_has_a_name_a_description_and_a_refresh_interval(output: Path) -> None:
    for path in all_calendars(output):
        calendar = parse_ics(path)
        lines = unfolded_lines(path.read_bytes())
        assert str(calendar["NAME"]).strip(), path
        assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"]), path
        assert str(calendar["X-WR-CALDESC"]).strip(), path
        refresh = [line for line in lines if line.startswith("REFRESH-INTERVAL")]
        assert len(refresh) == 1, (path, refresh)
        assert re.fullmatch(r"REFRESH-INTERVAL;VALUE=DURATION:PT(\d+H)?(\d+M)?(\d+S)?", refresh[0])
        assert refresh[0] != "REFRESH-INTERVAL;VALUE=DURATION:PT", refresh
        ttl = [line for line in lines if re.match(r"X-PUBLISHED-TTL[;:]", line)]
        assert len(ttl) == 1 and re.fullmatch(
            r"X-PUBLISHED-TTL(;VALUE=DURATION)?:P(\d+[WD])?(T(\d+H)?(\d+M)?(\d+S)?)?", ttl[0]
        ), (path, ttl)


def test_the_city_and_theme_feeds_have_names_of_their_own(output: Path) -> None:
    names = [str(parse_ics(path)["X-WR-CALNAME"]) for path in subscribed_feeds(output)]
    assert len(set(names)) == len(names), names
    assert any("Caen" in name for name in names)
    assert any("Smart City" in name for name in names)


# --- time zones ----------------------------------------------------------------------------------

TZID = re.compile(r";TZID=(\"[^\"]+\"|[^;:]+)")


def test_every_tzid_used_has_its_vtimezone_in_the_same_file(output: Path) -> None:
    for path in all_calendars(output):
        lines = unfolded_lines(path.read_bytes())
        used = {m.group(1).strip('"') for line in lines for m in TZID.finditer(line.split(":")[0])}
        defined = {str(tz["TZID"]) for tz in parse_ics(path).walk("VTIMEZONE")}
        assert used <= defined, (path, used - defined)


def test_paris_and_los_angeles_zones_are_yearly_rules_without_rdate_lists(
    whole: icalendar.Calendar,
) -> None:
    zones = {str(tz["TZID"]): tz for tz in whole.walk("VTIMEZONE")}
    assert {"Europe/Paris", "America/Los_Angeles"} <= set(zones)
    for name in ("Europe/Paris", "America/Los_Angeles"):
        zone = zones[name]
        standard = [c for c in zone.subcomponents if c.name == "STANDARD"]
        daylight = [c for c in zone.subcomponents if c.name == "DAYLIGHT"]
        assert len(standard) == 1 and len(daylight) == 1, (name, zone.to_ical())
        for part in (*standard, *daylight):
            assert "RDATE" not in part, (name, part.to_ical())
            assert part["RRULE"]["FREQ"] == ["YEARLY"], (name, part.to_ical())


def test_no_zone_is_defined_twice_in_one_file(output: Path) -> None:
    for path in all_calendars(output):
        ids = [str(tz["TZID"]) for tz in parse_ics(path).walk("VTIMEZONE")]
        assert len(ids) == len(set(ids)), (path, ids)


@pytest.mark.parametrize(
    ("zone", "wall_times"),
    [
        (
            "Europe/Paris",
            [
                "2026-01-15 12:00",
                "2026-03-29 01:59",
                "2026-03-29 03:00",
                "2026-07-14 12:00",
                "2026-10-25 01:59",
                "2026-10-25 03:00",
                "2027-03-28 01:59",
                "2027-03-28 03:00",
                "2027-10-31 01:59",
                "2027-10-31 03:00",
            ],
        ),
        (
            "America/Los_Angeles",
            [
                "2027-01-07 10:00",
                "2027-03-14 01:59",
                "2027-03-14 03:00",
                "2027-07-04 12:00",
                "2027-11-07 00:59",
                "2027-11-07 02:00",
            ],
        ),
    ],
)
def test_the_vtimezone_alone_gives_the_right_offset_on_both_sides_of_each_change(
    whole: icalendar.Calendar, zone: str, wall_times: list[str]
) -> None:
    """Outlook computes times from the VTIMEZONE itself, not from the zone's name."""
    vtimezone = next(tz for tz in whole.walk("VTIMEZONE") if str(tz["TZID"]) == zone)
    own = vtimezone.to_tz(lookup_tzid=False)
    reference = ZoneInfo(zone)
    for text in wall_times:
        wall = datetime.fromisoformat(text)  # a naive wall time, read in each zone below
        assert wall.replace(tzinfo=own).utcoffset() == wall.replace(tzinfo=reference).utcoffset(), (
            zone,
            wall,
        )


DATE_TIME_PROPERTIES = {
    "DTSTART",
    "DTEND",
    "EXDATE",
    "RDATE",
    "RECURRENCE-ID",
    "DTSTAMP",
    "LAST-MODIFIED",
    "CREATED",
}


def test_no_timed_event_has_a_floating_date_time(output: Path) -> None:
    for path in all_calendars(output):
        for block in vevent_blocks(unfolded_lines(path.read_bytes())):
            for line in block:
                name, _, value = line.partition(":")
                prop = name.split(";")[0]
                if prop not in DATE_TIME_PROPERTIES:
                    continue
                if "VALUE=DATE" in name.split(";")[1:] or "T" not in value:
                    continue
                for moment in value.split(","):
                    assert "TZID=" in name or moment.endswith("Z"), (path, line)


# --- times ---------------------------------------------------------------------------------------


def start_end(event: icalendar.Event) -> tuple[datetime, datetime]:
    return as_utc(event["DTSTART"].dt), as_utc(event["DTEND"].dt)


def test_the_first_hour_of_summer_time_is_right_in_utc(events: dict[str, icalendar.Event]) -> None:
    start, end = start_end(events["Petit matin du passage à l'heure d'été"])
    assert start == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert end == datetime(2026, 3, 29, 3, 0, tzinfo=UTC)


def test_an_ambiguous_autumn_time_is_read_as_its_first_instant(
    output: Path, events: dict[str, icalendar.Event]
) -> None:
    event = events["Rendez-vous à l'heure ambiguë"]
    expected = datetime(2026, 10, 25, 2, 30, tzinfo=PARIS).astimezone(UTC)
    assert expected == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert as_utc(event["DTSTART"].dt) == expected
    line = content_line((output / "agenda.ics").read_bytes(), "heure ambigu", "DTSTART")
    # A client reading the wall time with the TZID must land on the same instant.
    assert line in (
        ["DTSTART;TZID=Europe/Paris:20261025T023000"],
        ["DTSTART:20261025T003000Z"],
    ), line


def test_an_event_spanning_the_autumn_change_lasts_seven_hours(
    events: dict[str, icalendar.Event],
) -> None:
    start, end = start_end(events["Nuit blanche du changement d'heure"])
    assert start == datetime(2026, 10, 24, 20, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=7)


def test_ces_in_los_angeles_keeps_its_zone_and_starts_at_1800_utc(
    output: Path, events: dict[str, icalendar.Event]
) -> None:
    ces = events["CES Las Vegas 2027"]
    start, end = start_end(ces)
    assert start == datetime(2027, 1, 7, 18, 0, tzinfo=UTC)
    assert end == datetime(2027, 1, 8, 2, 0, tzinfo=UTC)
    assert ces["DTSTART"].dt.astimezone(LOS_ANGELES).time() == time(10, 0)
    line = content_line((output / "agenda.ics").read_bytes(), "CES Las Vegas", "DTSTART")
    assert line == ["DTSTART;TZID=America/Los_Angeles:20270107T100000"], line


def test_a_three_day_all_day_event_has_dates_and_an_exclusive_end(output: Path) -> None:
    data = (output / "agenda.ics").read_bytes()
    assert content_line(data, "Salon de l'industrie", "DTSTART") == ["DTSTART;VALUE=DATE:20261201"]
    assert content_line(data, "Salon de l'industrie", "DTEND") == ["DTEND;VALUE=DATE:20261204"]


def test_an_evening_past_midnight_ends_the_next_morning(events: dict[str, icalendar.Event]) -> None:
    start, end = start_end(events["Soirée jeux vidéo jusqu'au bout de la nuit"])
    assert start == datetime(2026, 12, 12, 20, 0, tzinfo=UTC)
    assert end == datetime(2026, 12, 13, 1, 0, tzinfo=UTC)


def test_a_new_year_party_ends_in_the_next_year(
    output: Path, events: dict[str, icalendar.Event]
) -> None:
    start, end = start_end(events["Réveillon des développeurs"])
    assert start == datetime(2026, 12, 31, 21, 0, tzinfo=UTC)
    assert end == datetime(2027, 1, 1, 1, 0, tzinfo=UTC)
    data = (output / "agenda.ics").read_bytes()
    assert content_line(data, "Hackathon du Nouvel An", "DTSTART") == [
        "DTSTART;VALUE=DATE:20261230"
    ]
    assert content_line(data, "Hackathon du Nouvel An", "DTEND") == ["DTEND;VALUE=DATE:20270103"]


# --- recurrence ----------------------------------------------------------------------------------


def test_a_monthly_event_with_an_exdate_expands_to_nine_evenings_at_1830_paris_time(
    whole: icalendar.Calendar,
) -> None:
    occurrences = [
        o
        for o in expand(whole, date(2026, 1, 1), date(2028, 6, 1))
        if str(o["SUMMARY"]) == "Club numérique du premier jeudi"
    ]
    starts = [o["DTSTART"].dt for o in occurrences]
    assert len(starts) == 9, starts
    assert date(2027, 1, 7) not in [s.astimezone(PARIS).date() for s in starts]
    assert all(s.astimezone(PARIS).time() == time(18, 30) for s in starts), starts
    assert all(s.astimezone(PARIS).weekday() == 3 and s.astimezone(PARIS).day <= 7 for s in starts)
    utc_times = {as_utc(s).time() for s in starts}
    assert utc_times == {time(17, 30), time(16, 30)}, "the series should cross a DST change"
    assert all(
        as_utc(o["DTEND"].dt) - as_utc(o["DTSTART"].dt) == timedelta(hours=2, minutes=30)
        for o in occurrences
    )


def test_an_until_date_on_a_timed_event_becomes_a_utc_date_time_that_keeps_that_day(
    output: Path, whole: icalendar.Calendar
) -> None:
    rule = content_line((output / "agenda.ics").read_bytes(), "Atelier hebdomadaire", "RRULE")
    assert len(rule) == 1, rule
    until = re.search(r"UNTIL=([0-9TZ]+)", rule[0])
    assert until is not None and re.fullmatch(r"\d{8}T\d{6}Z", until.group(1)), rule
    occurrences = [
        o["DTSTART"].dt
        for o in expand(whole, date(2026, 12, 1), date(2027, 6, 1))
        if str(o["SUMMARY"]) == "Atelier hebdomadaire de janvier"
    ]
    assert [o.astimezone(PARIS).date() for o in occurrences] == [
        date(2027, 1, 5),
        date(2027, 1, 12),
        date(2027, 1, 19),
        date(2027, 1, 26),
    ]


def test_exdate_has_the_same_form_as_dtstart(output: Path, whole: icalendar.Calendar) -> None:
    data = (output / "agenda.ics").read_bytes()
    start = content_line(data, "Club numérique", "DTSTART")
    exdate = content_line(data, "Club numérique", "EXDATE")
    assert start == ["DTSTART;TZID=Europe/Paris:20261203T183000"], start
    assert exdate == ["EXDATE;TZID=Europe/Paris:20270107T183000"], exdate
    all_day = content_line(data, "Permanence du premier", "EXDATE")
    assert all_day == ["EXDATE;VALUE=DATE:20270301"], all_day
    days = [
        o["DTSTART"].dt
        for o in expand(whole, date(2027, 1, 1), date(2028, 1, 1))
        if str(o["SUMMARY"]) == "Permanence du premier du mois"
    ]
    assert days == [date(2027, 2, 1), date(2027, 4, 1), date(2027, 5, 1)]


# --- status and drafts ---------------------------------------------------------------------------


def test_a_cancelled_event_stays_in_every_feed_with_status_cancelled(output: Path) -> None:
    title = "Conférence sur les données urbaines"
    for path in (
        output / "agenda.ics",
        output / "agenda" / "ville" / "rouen.ics",
        output / "agenda" / "theme" / "smart-city.ics",
        output / "agenda" / "conference-annulee" / "conference-annulee.ics",
    ):
        event = by_summary(parse_ics(path))[title]
        assert str(event["STATUS"]) == "CANCELLED", path


def visible_text(path: Path) -> str:
    tree = html_tree(path)
    body = tree.find("body")
    assert body is not None
    return text_of(body)


def test_a_cancelled_event_page_says_it_is_cancelled(output: Path) -> None:
    cancelled = visible_text(output / "agenda" / "conference-annulee" / "index.html")
    assert re.search(r"\bannulée?\b", cancelled, re.IGNORECASE), cancelled[:500]
    confirmed = visible_text(output / "agenda" / "soiree-minuit" / "index.html")
    assert not re.search(r"\bannulée?\b", confirmed, re.IGNORECASE), confirmed[:500]


def test_a_tentative_event_has_status_tentative(events: dict[str, icalendar.Event]) -> None:
    assert str(events["Rencontre Normandy Tech 40"]["STATUS"]) == "TENTATIVE"
    assert str(events["Soirée jeux vidéo jusqu'au bout de la nuit"].get("STATUS", "CONFIRMED")) == (
        "CONFIRMED"
    )


def test_a_draft_appears_nowhere_in_the_output(output: Path) -> None:
    files = [p for p in output.rglob("*") if p.is_file()]
    assert any(p.name == "sitemap.xml" for p in files)
    assert any(p.name == "rss.xml" for p in files) and any(p.name == "atom.xml" for p in files)
    for path in files:
        data = path.read_bytes()
        text = (
            "".join(unfolded_lines(data))
            if path.suffix == ".ics"
            else data.decode("utf-8", "replace")
        )
        for needle in (DRAFT_TITLE, DRAFT_SLUG, "Zorglub"):
            assert needle not in text, f"{needle!r} found in {path.relative_to(output)}"
    assert not (output / "agenda" / DRAFT_SLUG).exists()


# --- the feed window -----------------------------------------------------------------------------


def test_an_event_two_years_old_is_not_in_the_feeds_but_keeps_its_file_and_page(
    output: Path,
) -> None:
    title = "Forum des startups 2024"
    for path in subscribed_feeds(output):
        assert title not in summaries(path), path
    own = output / "agenda" / "forum-2024" / "forum-2024.ics"
    assert summaries(own) == {title}
    page = output / "agenda" / "forum-2024" / "index.html"
    assert title in text_of(html_tree(page))


def test_an_event_three_months_old_is_in_the_whole_agenda(output: Path) -> None:
    assert "Meetup de la fin de l'été" in summaries(output / "agenda.ics")


def test_the_whole_agenda_holds_every_event_of_the_window_and_nothing_else(output: Path) -> None:
    expected = {s.title for s in SAMPLES if s.in_window}
    assert summaries(output / "agenda.ics") == expected


@pytest.mark.parametrize("city", ["caen", "rouen", "le-havre"])
def test_each_city_feed_holds_exactly_the_events_of_that_city(output: Path, city: str) -> None:
    expected = {s.title for s in SAMPLES if s.in_window and s.city == city}
    assert expected, "the sample agenda should have events in every city"
    assert summaries(output / "agenda" / "ville" / f"{city}.ics") == expected


@pytest.mark.parametrize("theme", ["smart-city", "smart-industry", "smart-port"])
def test_each_theme_feed_holds_exactly_the_events_of_that_theme(output: Path, theme: str) -> None:
    expected = {s.title for s in SAMPLES if s.in_window and theme in s.themes}
    assert expected
    assert summaries(output / "agenda" / "theme" / f"{theme}.ics") == expected


def test_the_feed_window_follows_the_site_setting(make_site) -> None:
    from .conftest import MINIMAL_SITE_YAML

    site = make_site(
        {
            "events/meetup-aout.md": BY_SLUG["meetup-aout"].markdown.replace(
                "place: mri", "city: caen"
            ),
            "events/semaine-derniere.md": event_md(
                "Atelier de la semaine dernière", start="2026-11-16 18:00", city="caen"
            ),
            "events/a-venir.md": event_md("Atelier à venir", start="2027-05-06 18:00", city="caen"),
        },
        site_yaml=MINIMAL_SITE_YAML + "feed_past_months: 2\n",
    )
    build(site)
    assert summaries(site.output / "agenda.ics") == {
        "Atelier de la semaine dernière",
        "Atelier à venir",
    }
    assert (site.output / "agenda" / "meetup-aout" / "meetup-aout.ics").is_file()


# --- subscribing and adding ---------------------------------------------------------------------


def links_of(element) -> list[str]:
    return [a.get("href") for a in element.iter("a") if a.get("href")]


def test_the_subscribe_page_offers_webcal_google_outlook_and_https_for_every_feed(
    output: Path,
) -> None:
    page = output / "abonnement" / "index.html"
    assert page.is_file()
    tree = html_tree(page)
    hrefs = links_of(tree)
    values = [i.get("value") for i in tree.iter("input") if i.get("value")]
    text = text_of(tree)
    for feed in subscribed_feeds(output):
        path = feed.relative_to(output).as_posix()
        https = f"{BASE}/{path}"
        webcal = "webcal://" + https.removeprefix("https://")
        assert webcal in hrefs, webcal
        google = [
            h for h in hrefs if urlsplit(h).hostname and urlsplit(h).hostname.endswith("google.com")
        ]
        assert webcal in [query(h).get("cid") for h in google], (webcal, google[:3])
        outlook = [h for h in hrefs if urlsplit(h).hostname and "outlook" in urlsplit(h).hostname]
        assert https in [query(h).get("url") for h in outlook], (https, outlook[:3])
        assert https in hrefs or https in values or https in text, https


def add_to_calendar_section(path: Path):
    tree = html_tree(path)
    up = parents(tree)
    heading = next(
        (
            h
            for h in tree.iter()
            if h.tag in {"h2", "h3", "h4"} and text_of(h) == "Ajouter à mon agenda"
        ),
        None,
    )
    assert heading is not None, f"no « Ajouter à mon agenda » heading in {path}"
    section = up[heading]
    while not links_of(section):
        section = up[section]
    return section


def test_an_event_page_offers_its_own_ics_file(output: Path) -> None:
    for slug in ("club-numerique", "salon-trois-jours", "ces-2027"):
        section = add_to_calendar_section(output / "agenda" / slug / "index.html")
        page = f"{BASE}/agenda/{slug}/"
        ics = [urljoin(page, h) for h in links_of(section) if urlsplit(h).path.endswith(".ics")]
        assert ics == [f"{BASE}/agenda/{slug}/{slug}.ics"], ics
        assert summaries(output / "agenda" / slug / f"{slug}.ics") == {BY_SLUG[slug].title}


def google_dates(link: str) -> tuple[date | datetime, date | datetime]:
    params = query(link)
    first, second = params["dates"].split("/")

    def read(value: str) -> date | datetime:
        if value.endswith("Z"):
            return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        if "T" in value:
            zone = ZoneInfo(params["ctz"])
            return datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=zone).astimezone(UTC)
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))

    return read(first), read(second)


def outlook_dates(link: str) -> tuple[date | datetime, date | datetime, str]:
    params = query(link)

    def read(value: str) -> date | datetime:
        if "T" not in value:
            return date.fromisoformat(value)
        moment = datetime.fromisoformat(value)
        assert moment.tzinfo is not None, f"Outlook would read {value} in the visitor's own zone"
        return moment.astimezone(UTC)

    return read(params["startdt"]), read(params["enddt"]), params.get("allday", "")


def calendar_links(output: Path, slug: str) -> tuple[str, str]:
    hrefs = links_of(add_to_calendar_section(output / "agenda" / slug / "index.html"))
    google = [h for h in hrefs if (urlsplit(h).hostname or "").endswith("google.com")]
    outlook = [h for h in hrefs if "outlook" in (urlsplit(h).hostname or "")]
    assert len(google) == 1 and len(outlook) == 1, hrefs
    return google[0], outlook[0]


@pytest.mark.parametrize(
    ("slug", "start", "end"),
    [
        (
            "club-numerique",
            datetime(2026, 12, 3, 17, 30, tzinfo=UTC),
            datetime(2026, 12, 3, 20, 0, tzinfo=UTC),
        ),
        (
            "ces-2027",
            datetime(2027, 1, 7, 18, 0, tzinfo=UTC),
            datetime(2027, 1, 8, 2, 0, tzinfo=UTC),
        ),
    ],
)
def test_google_and_outlook_links_of_a_timed_event_carry_its_times(
    output: Path, slug: str, start: datetime, end: datetime
) -> None:
    assert_calendar_links(output, slug, start, end)


@pytest.fixture(scope="module")
def before_autumn_change(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The night of the autumn clock change, built while it is still to come: a past event
    offers no « Ajouter à mon agenda », so the sample's own clock (November) shows none."""
    sample = next(s for s in SAMPLES if s.slug == "nuit-changement-heure")
    site = new_site(
        tmp_path_factory.mktemp("autumn") / "project",
        {**PLACES, f"events/{sample.slug}.md": sample.markdown},
    )
    build(site, "--now", "2026-10-01T12:00:00+02:00")
    return site.output


def test_google_and_outlook_links_carry_the_times_of_a_night_across_the_clock_change(
    before_autumn_change: Path,
) -> None:
    """22:00 summer time to 04:00 winter time: seven hours, not six."""
    assert_calendar_links(
        before_autumn_change,
        "nuit-changement-heure",
        datetime(2026, 10, 24, 20, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 3, 0, tzinfo=UTC),
    )


def assert_calendar_links(output: Path, slug: str, start: datetime, end: datetime) -> None:
    google, outlook = calendar_links(output, slug)
    assert google_dates(google) == (start, end)
    assert query(google)["text"] == BY_SLUG[slug].title
    assert BY_SLUG[slug].page in query(google).get("details", "")
    out_start, out_end, all_day = outlook_dates(outlook)
    assert (out_start, out_end) == (start, end)
    assert all_day in ("", "false")
    assert query(outlook)["subject"] == BY_SLUG[slug].title


def test_google_and_outlook_links_of_an_all_day_event_carry_its_days(output: Path) -> None:
    google, outlook = calendar_links(output, "salon-trois-jours")
    assert google_dates(google) == (date(2026, 12, 1), date(2026, 12, 4))
    out_start, _, all_day = outlook_dates(outlook)
    assert out_start == date(2026, 12, 1)
    assert all_day == "true"


def test_an_explicit_offset_on_the_repeated_autumn_hour_keeps_its_instant(make_site) -> None:
    """« 02:30+01:00 » on 25 October 2026 is the second 02:30 in Paris: 01:30 UTC, not 00:30."""
    site = make_site(
        {
            "events/seconde-heure.md": event_md(
                "La seconde deux heures trente",
                start="2026-10-25T02:30+01:00",
                end="2026-10-25T03:30+01:00",
                city="caen",
            )
        }
    )
    build(site)
    for path in (
        site.output / "agenda.ics",
        site.output / "agenda/seconde-heure/seconde-heure.ics",
    ):
        event = by_summary(parse_ics(path))["La seconde deux heures trente"]
        assert as_utc(event["DTSTART"].dt) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC), (
            path,
            event["DTSTART"].to_ical(),
        )
        assert as_utc(event["DTEND"].dt) == datetime(2026, 10, 25, 2, 30, tzinfo=UTC), path


# --- the sample site ------------------------------------------------------------------------------


def test_every_calendar_of_the_sample_site_is_well_formed(sample_output: Path) -> None:
    files = output_files(sample_output, ".ics")
    assert (sample_output / "agenda.ics") in files
    for path in files:
        data = path.read_bytes()
        assert not re.search(rb"(?<!\r)\n", data), f"{path}: bare LF"
        for line in physical_lines(data):
            assert len(line) <= 75, (path, line)
            line.decode("utf-8")
        calendar = icalendar.Calendar.from_ical(data)
        expand(calendar, date(2014, 1, 1), date(2030, 1, 1))
        used = {
            m.group(1).strip('"')
            for line in unfolded_lines(data)
            for m in TZID.finditer(line.split(":")[0])
        }
        assert used <= {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}, path
        assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"]), path
        for event in calendar.walk("VEVENT"):
            assert f"{BASE}/agenda/" in str(event["DESCRIPTION"]), (path, event["SUMMARY"])
