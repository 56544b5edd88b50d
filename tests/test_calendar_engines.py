"""Every calendar engine reads the same instants (issue 8, F1-F6, DEF-12).

One agenda, written below with its DST edges (Paris, Los Angeles, São Paulo), recurrences
with exdates across both changes, all-day spans, an ambiguous autumn start and a cancelled
event, is built once. EVERY .ics of the output is then read by three independent engines:

- libical 3, through Debian's python3-gi and gir1.2-ical-3.0 (the system Python, not the
  venv: a small driver run with subprocess), with `foreach_recurrence` and
  `check_restrictions` (the iTIP rules of METHOD:PUBLISH);
- node-ical (package.json), with `expandRecurringEvent`;
- icalendar + recurring-ical-events.

Each occurrence of each event, in each file, must be at the instants the test computes on
its own from the wall-clock times below with zoneinfo (RFC 5545: a time that occurs twice is
its first occurrence; an occurrence lasts the exact duration of the first one).
These tests never skip: without libical or node-ical (scripts/install-system-deps and
`npm ci`, both run by `make test`) they fail and say what is missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import html5lib
import icalendar
import pytest
import recurring_ical_events

from .conftest import MINIMAL_SITE_YAML, REPO
from .feeds_helpers import (
    Git,
    as_typed,
    build,
    event_md,
    new_site,
    output_files,
    unfolded_lines,
)

pytestmark = pytest.mark.system_deps  # libical (Debian's Python) and node-ical (npm)

PARIS = ZoneInfo("Europe/Paris")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
SYSTEM_PYTHON = "/usr/bin/python3"
NODE_ICAL = REPO / "node_modules" / "node-ical"
CONTACT = "contact@normandyfrenchtech.fr"

Span = tuple[str, str]
"""One occurrence as text: UTC instants `2026-10-25T00:30Z`, or dates (exclusive end)."""


@dataclass(frozen=True)
class Sample:
    """An event of the agenda and, computed here, every occurrence it must have."""

    slug: str
    title: str
    zone: ZoneInfo
    starts: tuple[str, ...]
    """Each occurrence's local start as written on a wall clock (`2027-03-09 18:00`), or its
    day for an all-day event; an explicit offset (`+01:00`) picks one of two equal times."""
    fields: dict[str, object]
    length: timedelta = timedelta(0)
    """All-day: the number of days (exclusive end). Timed: computed from the first end."""
    first_end: str = ""
    status: str = "CONFIRMED"

    def intended(self) -> list[Span]:
        if not self.first_end:
            return [(day, str(date.fromisoformat(day) + self.length)) for day in self.starts]
        first = self.instant(self.starts[0])
        exact = self.instant(self.first_end) - first
        spans = []
        for start in self.starts:
            moment = self.instant(start)
            spans.append((utc_text(moment), utc_text(moment + exact)))
        return spans

    def instant(self, text: str) -> datetime:
        """The UTC instant of a wall time: fold 0, the first of two equal times."""
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        return moment.astimezone(UTC)

    @property
    def markdown(self) -> str:
        zone = {} if self.zone is PARIS else {"timezone": self.zone.key}
        return event_md(self.title, **self.fields, **zone)


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


SAMPLES = [
    Sample(
        "heure-ambigue",
        "Rendez-vous à l'heure ambiguë",
        PARIS,
        ("2026-10-25 02:30",),
        {"start": "2026-10-25 02:30", "end": "2026-10-25 03:30", "city": "le-havre"},
        first_end="2026-10-25 03:30",
    ),
    Sample(
        "seconde-heure",
        "La seconde deux heures trente",
        PARIS,
        ("2026-10-25 02:30+01:00",),
        {"start": "2026-10-25T02:30+01:00", "end": "2026-10-25T03:30+01:00", "city": "caen"},
        first_end="2026-10-25 03:30+01:00",
    ),
    Sample(
        "fin-ambigue",
        "Fin à l'heure ambiguë",
        PARIS,
        ("2026-10-25 01:30",),
        {"start": "2026-10-25 01:30", "end": "2026-10-25 02:30", "city": "rouen"},
        first_end="2026-10-25 02:30",
    ),
    Sample(
        "matin-heure-ete",
        "Premier matin de l'heure d'été",
        PARIS,
        ("2027-03-28 03:00",),
        {"start": "2027-03-28 03:00", "end": "04:00", "city": "rouen"},
        first_end="2027-03-28 04:00",
    ),
    Sample(
        "nuit-heure-ete",
        "Nuit du passage à l'heure d'été",
        PARIS,
        ("2027-03-27 22:00",),
        {"start": "2027-03-27 22:00", "end": "2027-03-28 04:00", "city": "le-havre"},
        first_end="2027-03-28 04:00",
    ),
    Sample(
        "atelier-printemps",
        "Atelier du mardi au printemps",
        PARIS,
        (
            "2027-03-09 18:00",
            "2027-03-16 18:00",
            "2027-03-23 18:00",
            "2027-04-06 18:00",
            "2027-04-13 18:00",
        ),
        {
            "start": "2027-03-09 18:00",
            "end": "20:00",
            "city": "rouen",
            "recurrence": "FREQ=WEEKLY;UNTIL=20270413",
            "exdates": ["2027-03-30"],
        },
        first_end="2027-03-09 20:00",
    ),
    Sample(
        "atelier-automne",
        "Atelier du mardi à l'automne",
        PARIS,
        ("2027-10-12 19:00", "2027-10-19 19:00", "2027-11-02 19:00", "2027-11-09 19:00"),
        {
            "start": "2027-10-12 19:00",
            "end": "21:00",
            "city": "caen",
            "recurrence": "FREQ=WEEKLY;COUNT=5",
            "exdates": ["2027-10-26 19:00"],
        },
        first_end="2027-10-12 21:00",
    ),
    Sample(
        "club-premier-jeudi",
        "Club du premier jeudi",
        PARIS,
        (
            "2026-12-03 18:30",
            "2027-02-04 18:30",
            "2027-03-04 18:30",
            "2027-04-01 18:30",
            "2027-05-06 18:30",
            "2027-06-03 18:30",
            "2027-07-01 18:30",
            "2027-08-05 18:30",
            "2027-09-02 18:30",
        ),
        {
            "start": "2026-12-03 18:30",
            "end": "21:00",
            "city": "caen",
            "recurrence": "FREQ=MONTHLY;BYDAY=1TH;COUNT=10",
            "exdates": ["2027-01-07"],
        },
        first_end="2026-12-03 21:00",
    ),
    Sample(
        "matinale-dimanche",
        "Matinale du dimanche",
        PARIS,
        ("2027-03-21 03:30", "2027-03-28 03:30", "2027-04-04 03:30"),
        {
            "start": "2027-03-21 03:30",
            "end": "04:30",
            "city": "le-havre",
            "recurrence": "FREQ=WEEKLY;COUNT=3",
        },
        first_end="2027-03-21 04:30",
    ),
    Sample(
        "apres-heure-repetee",
        "Lendemain de l'heure répétée",
        PARIS,
        ("2026-10-18 03:00", "2026-10-25 03:00", "2026-11-01 03:00"),
        {
            "start": "2026-10-18 03:00",
            "end": "04:00",
            "city": "le-havre",
            "recurrence": "FREQ=WEEKLY;COUNT=3",
        },
        first_end="2026-10-18 04:00",
    ),
    Sample(
        "salon-trois-jours",
        "Salon de trois jours",
        PARIS,
        ("2027-02-10",),
        {"start": "2027-02-10", "end": "2027-02-12", "city": "rouen"},
        length=timedelta(days=3),
    ),
    Sample(
        "week-end-changement",
        "Week-end du changement d'heure",
        PARIS,
        ("2027-03-27", "2027-04-03", "2027-04-10"),
        {
            "start": "2027-03-27",
            "end": "2027-03-28",
            "city": "caen",
            "recurrence": "FREQ=WEEKLY;COUNT=3",
        },
        length=timedelta(days=2),
    ),
    Sample(
        "permanence-mensuelle",
        "Permanence du premier du mois",
        PARIS,
        ("2027-02-01", "2027-04-01", "2027-05-01"),
        {
            "start": "2027-02-01",
            "city": "le-havre",
            "recurrence": "FREQ=MONTHLY;COUNT=4",
            "exdates": ["2027-03-01"],
        },
        length=timedelta(days=1),
    ),
    Sample(
        "conference-annulee",
        "Conférence annulée sur les données",
        PARIS,
        ("2026-12-10 14:00",),
        {"start": "2026-12-10 14:00", "end": "17:00", "city": "rouen", "status": "cancelled"},
        first_end="2026-12-10 17:00",
        status="CANCELLED",
    ),
    Sample(
        "virgules",
        "Données, code ; et \\ antislash 👩‍💻🇫🇷",
        PARIS,
        ("2027-03-04 19:00",),
        {"start": "2027-03-04 19:00", "end": "21:00", "city": "rouen"},
        first_end="2027-03-04 21:00",
    ),
    Sample(
        "ces-2027",
        "CES Las Vegas 2027",
        LOS_ANGELES,
        ("2027-01-07 10:00",),
        {
            "start": "2027-01-07 10:00",
            "end": "2027-01-07 18:00",
            "location": "Las Vegas Convention Center, 3150 Paradise Road, Las Vegas",
        },
        first_end="2027-01-07 18:00",
    ),
    Sample(
        "decalage-americain",
        "Semaine du décalage américain",
        LOS_ANGELES,
        ("2027-03-16 09:00",),
        {"start": "2027-03-16 09:00", "end": "10:00", "location": "San Francisco"},
        first_end="2027-03-16 10:00",
    ),
    Sample(
        "hebdo-los-angeles-printemps",
        "Réunion de printemps à Los Angeles",
        LOS_ANGELES,
        ("2027-03-07 09:00", "2027-03-14 09:00", "2027-03-21 09:00"),
        {
            "start": "2027-03-07 09:00",
            "end": "10:00",
            "location": "Los Angeles",
            "recurrence": "FREQ=WEEKLY;COUNT=3",
        },
        first_end="2027-03-07 10:00",
    ),
    Sample(
        "hebdo-los-angeles-automne",
        "Réunion d'automne à Los Angeles",
        LOS_ANGELES,
        ("2027-10-24 18:00", "2027-11-07 18:00", "2027-11-14 18:00"),
        {
            "start": "2027-10-24 18:00",
            "end": "19:00",
            "location": "Los Angeles",
            "recurrence": "FREQ=WEEKLY;COUNT=4",
            "exdates": ["2027-10-31"],
        },
        first_end="2027-10-24 19:00",
    ),
    Sample(
        "sao-paulo-heure-repetee",
        "Soirée de la fin de l'heure d'été à São Paulo",
        SAO_PAULO,
        ("2018-02-17 23:30",),
        {"start": "2018-02-17 23:30", "end": "2018-02-18 00:30", "location": "São Paulo"},
        first_end="2018-02-18 00:30",
    ),
    Sample(
        "sao-paulo-hebdo-2018",
        "Atelier hebdomadaire à São Paulo en 2018",
        SAO_PAULO,
        ("2018-10-28 10:00", "2018-11-04 10:00", "2018-11-11 10:00"),
        {
            "start": "2018-10-28 10:00",
            "end": "12:00",
            "location": "São Paulo",
            "recurrence": "FREQ=WEEKLY;COUNT=3",
        },
        first_end="2018-10-28 12:00",
    ),
    Sample(
        "sao-paulo-2027",
        "Rencontre à São Paulo en 2027",
        SAO_PAULO,
        ("2027-05-20 19:00", "2027-05-27 19:00"),
        {
            "start": "2027-05-20 19:00",
            "end": "21:00",
            "location": "São Paulo",
            "recurrence": "FREQ=WEEKLY;UNTIL=20270527",
        },
        first_end="2027-05-20 21:00",
    ),
]
BY_TITLE = {sample.title: sample for sample in SAMPLES}


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {f"events/{sample.slug}.md": sample.markdown for sample in SAMPLES}
    site = new_site(tmp_path_factory.mktemp("engines") / "project", files)
    build(site)
    return site.output


@pytest.fixture(scope="module")
def calendars(output: Path) -> list[Path]:
    files = output_files(output, ".ics")
    assert len(files) >= 1 + 3 + 3 + len(SAMPLES), files
    return files


def test_the_intended_instants_are_the_ones_this_test_means() -> None:
    """A few of the expectations, written out in UTC, so a slip in `intended` shows."""
    assert BY_TITLE["Rendez-vous à l'heure ambiguë"].intended() == [
        ("2026-10-25T00:30Z", "2026-10-25T02:30Z")
    ]
    assert BY_TITLE["La seconde deux heures trente"].intended() == [
        ("2026-10-25T01:30Z", "2026-10-25T02:30Z")
    ]
    assert BY_TITLE["Nuit du passage à l'heure d'été"].intended() == [
        ("2027-03-27T21:00Z", "2027-03-28T02:00Z")
    ]
    assert BY_TITLE["Matinale du dimanche"].intended()[1] == (
        "2027-03-28T01:30Z",
        "2027-03-28T02:30Z",
    )
    assert BY_TITLE["Réunion d'automne à Los Angeles"].intended()[1] == (
        "2027-11-08T02:00Z",
        "2027-11-08T03:00Z",
    )
    assert BY_TITLE["Soirée de la fin de l'heure d'été à São Paulo"].intended() == [
        ("2018-02-18T01:30Z", "2018-02-18T03:30Z")
    ]
    assert BY_TITLE["Week-end du changement d'heure"].intended()[0] == ("2027-03-27", "2027-03-29")


# --- the three engines -------------------------------------------------------------------------

LIBICAL_DRIVER = r"""
import json, sys
import gi
gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as I

def errors_of(component):
    found = []
    prop = component.get_first_property(I.PropertyKind.XLICERROR_PROPERTY)
    while prop is not None:
        found.append(prop.as_ical_string().strip())
        prop = component.get_next_property(I.PropertyKind.XLICERROR_PROPERTY)
    return found

def read(path):
    with open(path, encoding="utf-8") as handle:
        root = I.Component.new_from_string(handle.read())
    parse_errors = errors_of(root)
    restrictions = root.check_restrictions()
    begin = I.Time.new_from_string("19700101T000000Z")
    end = I.Time.new_from_string("22000101T000000Z")
    events = []
    event = root.get_first_component(I.ComponentKind.VEVENT_COMPONENT)
    while event is not None:
        all_day = event.get_dtstart().is_date()
        spans = []
        def collect(component, span, data):
            spans.append([span.get_start(), span.get_end()])
        event.foreach_recurrence(begin, end, collect, None)
        events.append({
            "summary": event.get_summary(),
            "status": I.Property.status_to_string(event.get_status()),
            "all_day": bool(all_day),
            "spans": spans,
            "errors": errors_of(event),
        })
        event = root.get_next_component(I.ComponentKind.VEVENT_COMPONENT)
    return {"restrictions": restrictions, "errors": parse_errors, "events": events}

print(json.dumps({path: read(path) for path in sys.argv[1:]}))
"""

NODE_DRIVER = r"""
const ical = require(process.env.NODE_ICAL);
const fs = require('fs');
const from = new Date(Date.UTC(1970, 0, 1));
const to = new Date(Date.UTC(2200, 0, 1));
const pad = n => String(n).padStart(2, '0');
// node-ical keeps an all-day date as midnight in the process's own zone.
const day = d => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const out = {};
for (const path of process.argv.slice(2)) {
  const data = ical.sync.parseICS(fs.readFileSync(path, 'utf8'));
  out[path] = Object.values(data)
    .filter(item => item && item.type === 'VEVENT')
    .map(item => ({
      summary: typeof item.summary === 'string' ? item.summary : item.summary.val,
      status: item.status || null,
      occurrences: ical.expandRecurringEvent(item, {from, to}).map(i => i.isFullDay
        ? [day(i.start), day(i.end)]
        : [i.start.toISOString(), i.end.toISOString()]),
    }));
}
process.stdout.write(JSON.stringify(out));
"""


def run_driver(command: list[str], what: str, env: dict[str, str] | None = None) -> Any:
    completed = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False
    )
    assert completed.returncode == 0, f"{what} failed:\n{completed.stderr}"
    return json.loads(completed.stdout)


def iso_utc(text: str) -> str:
    """`2026-10-25T00:30:00.000Z` -> `2026-10-25T00:30Z`."""
    return utc_text(datetime.fromisoformat(text.replace("Z", "+00:00")))


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@dataclass
class Reading:
    """What one engine read in one file: each event's occurrences and status, by title."""

    occurrences: dict[str, list[Span]] = field(default_factory=dict)
    status: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def libical(calendars: list[Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    assert Path(SYSTEM_PYTHON).exists(), "no /usr/bin/python3: run scripts/install-system-deps"
    driver = tmp_path_factory.mktemp("libical") / "driver.py"
    driver.write_text(LIBICAL_DRIVER, encoding="utf-8")
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import gi; gi.require_version('ICalGLib', '3.0')"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert probe.returncode == 0, (
        "libical for the system Python is missing (Debian packages python3-gi and "
        f"gir1.2-ical-3.0): run scripts/install-system-deps\n{probe.stderr}"
    )
    raw = run_driver([SYSTEM_PYTHON, str(driver), *map(str, calendars)], "the libical driver")
    return {Path(path).as_posix(): data for path, data in raw.items()}


def libical_readings(raw: dict[str, Any]) -> dict[str, Reading]:
    readings = {}
    for path, data in raw.items():
        reading = Reading()
        for event in data["events"]:
            spans = []
            for start, end in event["spans"]:
                if event["all_day"]:
                    # libical spans an all-day event from its first day's midnight to the
                    # last second of DTEND's day, both as UTC: the dates are those days.
                    spans.append((str(from_epoch(start).date()), str(from_epoch(end).date())))
                else:
                    spans.append((utc_text(from_epoch(start)), utc_text(from_epoch(end))))
            reading.occurrences[event["summary"]] = sorted(spans)
            reading.status[event["summary"]] = event["status"]
        readings[path] = reading
    return readings


@pytest.fixture(scope="module")
def node_ical(
    calendars: list[Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Reading]:
    node = shutil.which("node")
    assert node, "no node: run scripts/install-system-deps"
    assert NODE_ICAL.is_dir(), "node-ical is missing: run `npm ci` (make test does)"
    driver = tmp_path_factory.mktemp("node") / "driver.cjs"
    driver.write_text(NODE_DRIVER, encoding="utf-8")
    # A zone far from UTC: an all-day date read as a UTC instant would show the day before.
    env = {"NODE_ICAL": str(NODE_ICAL), "TZ": "Pacific/Auckland"}
    raw = run_driver([node, str(driver), *map(str, calendars)], "the node-ical driver", env)
    readings = {}
    for path, events in raw.items():
        reading = Reading()
        for event in events:
            spans = [
                (start, end) if len(start) == 10 else (iso_utc(start), iso_utc(end))
                for start, end in event["occurrences"]
            ]
            reading.occurrences[event["summary"]] = sorted(spans)
            reading.status[event["summary"]] = event["status"] or ""
        readings[Path(path).as_posix()] = reading
    return readings


def icalendar_readings(calendars: list[Path]) -> dict[str, Reading]:
    readings = {}
    for path in calendars:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        reading = Reading()
        for event in calendar.walk("VEVENT"):
            reading.occurrences[str(event["SUMMARY"])] = []
            reading.status[str(event["SUMMARY"])] = str(event["STATUS"])
        between = recurring_ical_events.of(calendar).between(date(1970, 1, 1), date(2200, 1, 1))
        for occurrence in between:
            start, end = occurrence["DTSTART"].dt, occurrence["DTEND"].dt
            if isinstance(start, datetime):
                span = (utc_text(start), utc_text(end))
            else:
                span = (str(start), str(end))
            reading.occurrences[str(occurrence["SUMMARY"])].append(span)
        for spans in reading.occurrences.values():
            spans.sort()
        readings[path.as_posix()] = reading
    return readings


def intended(calendar: Path) -> dict[str, list[Span]]:
    """Every event of the file (as icalendar lists them) with its intended occurrences."""
    titles = [
        str(e["SUMMARY"])
        for e in icalendar.Calendar.from_ical(calendar.read_bytes()).walk("VEVENT")
    ]
    assert len(titles) == len(set(titles)), calendar
    return {title: sorted(BY_TITLE[as_typed(title)].intended()) for title in titles}


def differences(readings: dict[str, Reading], calendars: list[Path]) -> Iterator[str]:
    for path in calendars:
        reading = readings[path.as_posix()]
        expected = intended(path)
        assert set(reading.occurrences) == set(expected), (path, set(reading.occurrences))
        for title, spans in expected.items():
            if reading.occurrences[title] != spans:
                yield f"{path.name}: {title}: read {reading.occurrences[title]}, intended {spans}"


def test_libical_reads_the_intended_instants_in_every_file(
    calendars: list[Path], libical: dict[str, Any]
) -> None:
    found = list(differences(libical_readings(libical), calendars))
    assert not found, "\n".join(found)


def test_node_ical_reads_the_intended_instants_in_every_file(
    calendars: list[Path], node_ical: dict[str, Reading]
) -> None:
    found = list(differences(node_ical, calendars))
    assert not found, "\n".join(found)


def test_icalendar_and_recurring_ical_events_read_the_intended_instants_in_every_file(
    calendars: list[Path],
) -> None:
    found = list(differences(icalendar_readings(calendars), calendars))
    assert not found, "\n".join(found)


def test_every_engine_reads_the_same_status(
    calendars: list[Path], libical: dict[str, Any], node_ical: dict[str, Reading]
) -> None:
    readers = {
        "libical": libical_readings(libical),
        "node-ical": node_ical,
        "icalendar": icalendar_readings(calendars),
    }
    for path in calendars:
        for title in intended(path):
            read = {name: r[path.as_posix()].status[title].upper() for name, r in readers.items()}
            assert set(read.values()) == {BY_TITLE[as_typed(title)].status}, (
                path.name,
                title,
                read,
            )


def test_f_5_libical_restriction_check_passes_on_every_file_and_event(
    libical: dict[str, Any],
) -> None:
    """METHOD:PUBLISH wants one ORGANIZER per VEVENT (RFC 5546 §3.2.1): libical's iTIP check."""
    for path, data in libical.items():
        assert data["errors"] == [], (path, data["errors"])
        assert data["restrictions"] == 1, path
        for event in data["events"]:
            assert event["errors"] == [], (path, event["summary"], event["errors"])


def test_f_5_every_event_names_the_label_as_organizer(calendars: list[Path]) -> None:
    for path in calendars:
        for event in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
            organizer = event.get("ORGANIZER")
            assert organizer is not None, (path, event["SUMMARY"])
            assert str(organizer) == f"mailto:{CONTACT}", (path, organizer)
            assert organizer.params["CN"] == "Normandy French Tech", (path, organizer.params)


def test_f_5_libical_would_refuse_a_feed_without_organizer(output: Path, tmp_path: Path) -> None:
    """The restriction check can fail: the same file without its ORGANIZER lines does."""
    data = (output / "agenda.ics").read_bytes()
    stripped = re.sub(rb"ORGANIZER[;:][^\r]*\r\n( [^\r]*\r\n)*", b"", data)
    assert stripped != data
    path = tmp_path / "sans-organisateur.ics"
    path.write_bytes(stripped)
    driver = tmp_path / "driver.py"
    driver.write_text(LIBICAL_DRIVER, encoding="utf-8")
    raw = run_driver([SYSTEM_PYTHON, str(driver), str(path)], "the libical driver")
    assert raw[str(path)]["restrictions"] == 0


# --- F1: an ambiguous autumn time --------------------------------------------------------------


def vevent_lines(data: bytes, title_part: str) -> list[str]:
    lines = unfolded_lines(data)
    blocks, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = []
        elif line == "END:VEVENT" and current is not None:
            blocks.append(current)
            current = None
        elif current is not None:
            current.append(line)
    found = [block for block in blocks if any(title_part in as_typed(line) for line in block)]
    assert len(found) == 1, title_part
    return found[0]


def test_f_1_the_first_of_two_equal_times_is_written_in_utc(output: Path) -> None:
    for path in (output / "agenda.ics", output / "agenda/heure-ambigue/heure-ambigue.ics"):
        lines = vevent_lines(path.read_bytes(), "Rendez-vous à l'heure ambigu")
        assert "DTSTART:20261025T003000Z" in lines, lines
        assert "DTEND;TZID=Europe/Paris:20261025T033000" in lines, lines
    lines = vevent_lines((output / "agenda.ics").read_bytes(), "Fin à l'heure ambigu")
    assert "DTEND:20261025T003000Z" in lines, lines
    assert "DTSTART;TZID=Europe/Paris:20261025T013000" in lines, lines


def test_f_1_the_second_of_two_equal_times_stays_in_utc(output: Path) -> None:
    lines = vevent_lines((output / "agenda.ics").read_bytes(), "seconde deux heures")
    assert "DTSTART:20261025T013000Z" in lines, lines
    assert "DTEND;TZID=Europe/Paris:20261025T033000" in lines, lines


# --- F4: one VTIMEZONE body per zone ------------------------------------------------------------

VTIMEZONE = re.compile(rb"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE\r\n", re.DOTALL)


def vtimezones(data: bytes) -> dict[str, bytes]:
    found = {}
    for body in VTIMEZONE.findall(data):
        match = re.search(rb"\r\nTZID:([^\r]*)\r\n", body)
        assert match is not None, body
        found[match[1].decode()] = body
    return found


def test_f_4_every_file_carries_the_same_vtimezone_bytes_for_a_zone(
    calendars: list[Path],
) -> None:
    bodies: dict[str, set[bytes]] = {}
    for path in calendars:
        for zone, body in vtimezones(path.read_bytes()).items():
            bodies.setdefault(zone, set()).add(body)
    assert set(bodies) == {"Europe/Paris", "America/Los_Angeles", "America/Sao_Paulo"}
    for zone, found in bodies.items():
        assert len(found) == 1, (zone, found)


def test_f_4_a_zone_starts_where_its_rules_in_force_began(calendars: list[Path]) -> None:
    """Not at each file's earliest event: Paris's current rules date from 1996, those of Los
    Angeles from 2007; São Paulo's start before this agenda's 2018 events (it then had DST)."""
    for path in calendars:
        zones = vtimezones(path.read_bytes())
        if "Europe/Paris" in zones:
            assert b"DTSTART:19960331T020000" in zones["Europe/Paris"], path
        if "America/Los_Angeles" in zones:
            assert b"DTSTART:20070311T020000" in zones["America/Los_Angeles"], path
        if "America/Sao_Paulo" in zones:
            body = zones["America/Sao_Paulo"]
            zone = icalendar.Timezone.from_ical(body).to_tz(lookup_tzid=False)
            for wall in ("2018-02-17 22:00", "2018-11-11 10:00", "2027-05-20 19:00"):
                moment = datetime.fromisoformat(wall)
                assert (
                    moment.replace(tzinfo=zone).utcoffset()
                    == moment.replace(tzinfo=SAO_PAULO).utcoffset()
                ), (path, wall)


# --- DEF-12: calendar-level TEXT ---------------------------------------------------------------

TRICKY = "Atelier, « code » ; données\\brutes"
TRICKY_CITY = "Saint-Lô; Coutances, \\Manche"
# The same with French typography (render/typography.py), as calendars carry them
TRICKY_SET = "Atelier, «\u202fcode\u202f»\u202f; données\\brutes"
TRICKY_CITY_SET = "Saint-Lô\u202f; Coutances, \\Manche"


def text_escaped(text: str) -> str:
    """RFC 5545 §3.3.11 TEXT escaping, written out here rather than taken from icalendar."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def calendar_properties(data: bytes) -> dict[str, str]:
    """The calendar's own properties (before its first component), from the raw bytes."""
    head = unfolded_lines(data)
    properties = {}
    for line in head[1:]:
        if line.startswith("BEGIN:"):
            break
        name, _, value = line.partition(":")
        properties[name.split(";")[0]] = value
    return properties


def test_def_12_calendar_names_and_descriptions_are_escaped_like_summary(make_site) -> None:
    site_yaml = MINIMAL_SITE_YAML.replace(
        "  le-havre: Le Havre\n", f"  saint-lo: {json.dumps(TRICKY_CITY, ensure_ascii=False)}\n"
    )
    site = make_site(
        {
            "events/atelier.md": event_md(
                TRICKY, start="2027-03-04 19:00", end="21:00", city="saint-lo"
            )
        },
        site_yaml=site_yaml,
    )
    build(site)
    own = (site.output / "agenda/atelier/atelier.ics").read_bytes()
    properties = calendar_properties(own)
    assert properties["NAME"] == text_escaped(TRICKY_SET), properties
    assert properties["X-WR-CALNAME"] == text_escaped(TRICKY_SET), properties
    assert properties["X-WR-CALDESC"] == text_escaped(f"{TRICKY_SET} — Normandy French Tech")
    assert "SUMMARY:" + text_escaped(TRICKY_SET) in unfolded_lines(own)
    city = calendar_properties((site.output / "agenda/ville/saint-lo.ics").read_bytes())
    assert city["X-WR-CALNAME"] == text_escaped(f"Agenda numérique — {TRICKY_CITY_SET}"), city
    assert city["NAME"] == city["X-WR-CALNAME"]
    assert text_escaped(TRICKY_CITY_SET) in city["X-WR-CALDESC"], city


def test_def_12_line_breaks_in_calendar_text_never_reach_the_file_raw() -> None:
    """Content refuses control characters in one-line fields; the writer escapes them anyway
    (a CR alone let lenient readers see a new line: `BEGIN:VEVENT`, `UID:evil`)."""
    from nftsite.render.ical import calendar_bytes

    name = "Inj\rBEGIN:VEVENT\rUID:evil\nDTSTART:2027\r\nfin"
    data = calendar_bytes(name, name + ", desc", [], {})
    assert b"\r" not in data.replace(b"\r\n", b"") and b"\n" not in data.replace(b"\r\n", b"")
    for line in unfolded_lines(data):
        assert not line.startswith(("UID:", "DTSTART:", "BEGIN:VEVENT")), line
    properties = calendar_properties(data)
    assert properties["NAME"] == text_escaped(name)
    assert properties["X-WR-CALNAME"] == text_escaped(name)
    assert properties["X-WR-CALDESC"] == text_escaped(name + ", desc")


# --- an empty feed ------------------------------------------------------------------------------


def test_an_empty_feed_stays_published_and_the_subscribe_page_says_it_is_empty(
    make_site,
) -> None:
    site = make_site(
        {
            "events/atelier.md": event_md(
                "Atelier à Caen", start="2026-12-10 18:00", end="20:00", city="caen"
            ),
            "events/ancien.md": event_md(
                "Ancien forum à Rouen", start="2026-10-01 18:00", end="20:00", city="rouen"
            ),
        }
    )
    build(site)
    for city in ("caen", "rouen", "le-havre"):
        assert (site.output / f"agenda/ville/{city}.ics").is_file(), city
    page = html5lib.parse(
        (site.output / "abonnement/index.html").read_bytes(),
        treebuilder="etree",
        namespaceHTMLElements=False,
    )
    text = " ".join(" ".join(page.itertext()).split())
    assert "Agenda numérique — Le Havre : aucun événement à venir pour l’instant" in text
    assert "Agenda numérique — Rouen : aucun événement à venir" in text  # past events only
    assert "Agenda numérique — Caen : aucun" not in text
    assert "Agenda numérique normand : aucun" not in text


# --- F6: Atom and RSS dates ----------------------------------------------------------------------


def press_md(title: str, day: str, text: str = "Texte du communiqué.") -> str:
    return f"---\ntitle: {title}\ndate: {day}\n---\n{text}\n"


def test_f_6_press_entries_are_updated_from_their_own_history_not_the_last_commit(
    tmp_path: Path,
) -> None:
    site = new_site(
        tmp_path / "project",
        {
            "press/lancement.md": press_md("Lancement", "2015-03-11"),
            "press/label.md": press_md("Label obtenu", "2015-06-25"),
            "press/ces.md": press_md("Délégation au CES", "2016-01-05"),
        },
    )
    git = Git(site.root)
    git.commit("Les communiqués, d'un coup")
    site.write({"press/label.md": press_md("Label obtenu", "2015-06-25", "Texte corrigé.")})
    edited = git.commit("Une correction")
    (site.root / "README.md").write_text("Rien à voir.\n", encoding="utf-8")
    head = git.commit("Autre chose que le contenu")
    assert head > edited
    build(site)
    atom = feedparser.parse((site.output / "presse/atom.xml").read_bytes())
    assert atom.bozo == 0, atom.get("bozo_exception")
    updated = {entry.title: entry.updated for entry in atom.entries}
    assert updated == {
        "Lancement": "2015-03-11T00:00:00+01:00",
        "Label obtenu": edited.isoformat(),
        "Délégation au CES": "2016-01-05T00:00:00+01:00",
    }
    assert len(set(updated.values())) == len(updated)
    assert atom.feed.updated == edited.isoformat()
    rss = feedparser.parse((site.output / "presse/rss.xml").read_bytes())
    assert rss.bozo == 0
    build_date = datetime(*rss.feed.updated_parsed[:6], tzinfo=UTC)
    assert build_date == edited, (build_date, head)
