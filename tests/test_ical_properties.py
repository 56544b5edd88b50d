"""Property tests: whatever event the communications team writes, its .ics says the same thing.

Hypothesis draws one event at a time — all-day or timed, one or several days, in one of a
sample of IANA zones, local or with an explicit offset, repeating weekly or monthly or not,
with a title full of accents, emoji and iCalendar's special characters — writes it into an
inline site, builds, and reads the event's own .ics with icalendar and recurring_ical_events.
"""

from __future__ import annotations

import json
import re
import shutil
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from nftsite.render.typography import typeset_text

from .conftest import InlineSite
from .feeds_helpers import as_utc, build, expand, new_site, physical_lines

ZONES = (
    "Europe/Paris",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/Sao_Paulo",
    "UTC",
    "Pacific/Auckland",
    "Asia/Kolkata",
)
SLUG = "evenement"

ALPHABET = [
    *"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    *"     ,;:\\\"'!?.-_()[]{}#&%@*/<>=+|~^`$",
    *"«»—–’…€°",
    *"éèêëàâäîïôöùûüçœæÿÉÈÊÀÂÎÔÙÛÇŒÆßñ",
    "\u00a0",
    "🎉",
    "🚀",
    "🇫🇷",
    "👩‍💻",
    "東京",
    "Ελλάδα",
]


@dataclass(frozen=True)
class Case:
    """One event as written in its file, and what its .ics must then say."""

    zone: str
    title: str
    fields: dict[str, str]
    all_day: bool
    start: date | datetime
    """All-day: the first day. Timed: the expected start instant (UTC)."""
    end: date | datetime | None
    """All-day: the exclusive end date. Timed: the expected end instant, None if not written."""
    occurrences: tuple[date | datetime, ...] = ()
    """Recurring: every start as a date (all-day) or naive local date-time (timed)."""

    @property
    def markdown(self) -> str:
        lines = ["---", f"title: {json.dumps(self.title, ensure_ascii=False)}"]
        lines += [f"{name}: {value}" for name, value in self.fields.items()]
        return "\n".join([*lines, "---", "Un événement tiré au sort.", ""])


def exists(naive: datetime, zone: ZoneInfo) -> bool:
    """True unless the wall time falls in a gap where clocks jump forward."""
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def monthly(first: date, count: int) -> list[date]:
    """The same day of the month, months lacking that day skipped (RFC 5545 3.3.10)."""
    days, year, month = [], first.year, first.month
    while len(days) < count:
        if first.day <= monthrange(year, month)[1]:
            days.append(date(year, month, first.day))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def written(naive: datetime, zone: ZoneInfo, form: str, fold: int) -> str:
    """A date-time as the team writes it: local wall time, or with its explicit UTC offset."""
    if form == "local":
        return f"{naive:%Y-%m-%d %H:%M}"
    offset = naive.replace(tzinfo=zone, fold=fold).utcoffset()
    assert offset is not None
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{naive:%Y-%m-%dT%H:%M}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def instant(naive: datetime, zone: ZoneInfo, form: str, fold: int) -> datetime:
    """The instant the text means: a local time is read with fold=0, as Python does."""
    return naive.replace(tzinfo=zone, fold=0 if form == "local" else fold).astimezone(UTC)


def same_offset(begin: datetime, end: datetime, zone: ZoneInfo) -> bool:
    """No clock change between two local wall-clock times."""
    return begin.replace(tzinfo=zone).utcoffset() == end.replace(tzinfo=zone).utcoffset()


titles = (
    st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=90)
    .map(lambda chars: "".join(chars).strip())
    .filter(bool)
)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    zone_name = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(zone_name)
    title = draw(titles)
    first = draw(st.dates(date(2015, 1, 1), date(2030, 12, 31)))
    repeat = draw(st.sampled_from([None, "WEEKLY", "MONTHLY"]))
    count = draw(st.integers(2, 6))
    fields = {"timezone": zone_name} if zone_name != "Europe/Paris" or draw(st.booleans()) else {}
    if repeat:
        fields["recurrence"] = f"FREQ={repeat};COUNT={count}"
        days = (
            [first + timedelta(weeks=k) for k in range(count)]
            if repeat == "WEEKLY"
            else monthly(first, count)
        )

    if draw(st.booleans()):  # all day
        length = draw(st.integers(1, 5))
        last = first + timedelta(days=length - 1)
        fields["start"] = first.isoformat()
        if length > 1 or draw(st.booleans()):
            fields["end"] = last.isoformat()
        return Case(
            zone_name,
            title,
            fields,
            True,
            first,
            last + timedelta(days=1),
            tuple(days) if repeat else (),
        )

    start = datetime.combine(first, datetime.min.time()) + timedelta(
        hours=draw(st.integers(0, 23)), minutes=draw(st.integers(0, 59))
    )
    assume(exists(start, zone))
    form = draw(st.sampled_from(["local", "offset"]))
    fold = draw(st.integers(0, 1))
    fields["start"] = written(start, zone, form, fold)
    begins = instant(start, zone, form, fold)
    end_form = draw(st.sampled_from(["full", "bare", "none"]))
    ends = None
    if end_form != "none":
        end = start + timedelta(minutes=draw(st.integers(5, 3 * 24 * 60)))
        if end_form == "bare":
            assume(end.date() == start.date())
        assume(exists(end, zone))
        ends = instant(end, zone, form if end_form == "full" else "local", fold)
        assume(ends > begins)
        fields["end"] = f"{end:%H:%M}" if end_form == "bare" else written(end, zone, form, fold)
    occurrences: tuple[datetime, ...] = ()
    if repeat:
        occurrences = tuple(datetime.combine(day, start.time()) for day in days)
        assume(all(exists(moment, zone) for moment in occurrences))
        if ends is not None:
            # A series with a session across a clock change is refused, as calendar engines
            # disagree on its end (tests/test_recurrence_rules.py): valid cases avoid it.
            length = end - start
            assume(all(same_offset(moment, moment + length, zone) for moment in occurrences))
    return Case(zone_name, title, fields, False, begins, ends, occurrences)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> InlineSite:
    return new_site(tmp_path_factory.mktemp("properties") / "project")


def built_calendar(site: InlineSite, case: Case) -> tuple[bytes, icalendar.Calendar]:
    shutil.rmtree(site.output, ignore_errors=True)
    for old in (site.root / "content" / "events").glob("*.md"):
        old.unlink()
    site.write({f"events/{SLUG}.md": case.markdown})
    build(site)
    data = (site.output / "agenda" / SLUG / f"{SLUG}.ics").read_bytes()
    return data, icalendar.Calendar.from_ical(data)


def check_raw(data: bytes) -> None:
    assert not re.search(rb"(?<!\r)\n", data), "bare LF"
    for line in physical_lines(data):
        assert len(line) <= 75, line
        line.decode("utf-8")  # never a split character


def check_zone(calendar: icalendar.Calendar, case: Case, moments: list[datetime]) -> None:
    """The file's own VTIMEZONE gives the tz database's offset at the event's instants."""
    (event,) = calendar.walk("VEVENT")
    tzid = event["DTSTART"].params.get("TZID")
    if tzid is None:  # written in UTC: nothing to look up
        assert event["DTSTART"].dt.utcoffset() == timedelta(0), event["DTSTART"].to_ical()
        return
    assert tzid == case.zone, (tzid, case.zone)
    zones = {str(tz["TZID"]): tz for tz in calendar.walk("VTIMEZONE")}
    assert tzid in zones, f"no VTIMEZONE for {tzid}"
    own = zones[tzid].to_tz(lookup_tzid=False)
    reference = ZoneInfo(case.zone)
    for moment in moments:
        wall = moment.astimezone(reference).replace(tzinfo=None)
        if (
            wall.replace(tzinfo=reference, fold=0).utcoffset()
            != wall.replace(tzinfo=reference, fold=1).utcoffset()
        ):
            continue  # an ambiguous wall time: its instant is checked on DTSTART itself
        assert wall.replace(tzinfo=own).utcoffset() == wall.replace(tzinfo=reference).utcoffset(), (
            f"the VTIMEZONE of {case.zone} is wrong at {wall}"
        )


SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)


@SETTINGS
@given(case=cases())
def test_an_events_own_calendar_says_what_its_file_says(site: InlineSite, case: Case) -> None:
    data, calendar = built_calendar(site, case)
    check_raw(data)
    (event,) = calendar.walk("VEVENT")
    # The title with French typography (render/typography.py), which has its own tests:
    # this property is about escaping and folding, so it takes the typeset text as given.
    assert str(event["SUMMARY"]) == typeset_text(case.title)

    start = event["DTSTART"].dt
    end = event["DTEND"].dt if "DTEND" in event else None
    if case.all_day:
        assert type(start) is date and start == case.start, (start, case.fields)
        assert type(end) is date and end == case.end, (end, case.fields)
    else:
        assert isinstance(start, datetime), start
        assert as_utc(start) == case.start, (start, case.fields)
        if case.end is None:
            assert end is None or as_utc(end) == case.start, end
        else:
            assert isinstance(end, datetime) and as_utc(end) == case.end, (end, case.fields)

    if case.occurrences:
        local = [
            moment if case.all_day else moment.astimezone(ZoneInfo(case.zone)).replace(tzinfo=None)
            for moment in occurrence_starts(calendar, case)
        ]
        assert local == list(case.occurrences), case.fields


def occurrence_starts(calendar: icalendar.Calendar, case: Case) -> list[date | datetime]:
    first = case.occurrences[0]
    since = (first if case.all_day else first.date()) - timedelta(days=2)  # type: ignore[operator]
    return [o["DTSTART"].dt for o in expand(calendar, since, since + timedelta(days=3 * 366))]


SAO_PAULO_SUMMER_2016 = Case(
    "America/Sao_Paulo",
    "Rencontre à São Paulo",
    {"timezone": "America/Sao_Paulo", "start": "2016-01-15 10:00", "end": "2016-01-15 12:00"},
    False,
    datetime(2016, 1, 15, 12, 0, tzinfo=UTC),
    datetime(2016, 1, 15, 14, 0, tzinfo=UTC),
)


@settings(SETTINGS, max_examples=25)
@given(case=cases().filter(lambda case: not case.all_day))
@example(case=SAO_PAULO_SUMMER_2016)
def test_the_vtimezone_of_an_event_gives_the_tz_database_offset_at_its_times(
    site: InlineSite, case: Case
) -> None:
    """Clients that trust the VTIMEZONE (Outlook) must place the event where the tz database does."""
    _, calendar = built_calendar(site, case)
    moments = [case.start, *([case.end] if case.end else [])]
    if case.occurrences:
        moments += occurrence_starts(calendar, case)
    check_zone(calendar, case, moments)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", " ", ",", ";", "\\", "^", "é", "€", "\u202f", "🎉", "x" * 9]),
        max_size=120,
    ).map("".join)
)
@example("x" * 73 + "\\n")
@example("é" * 36 + "^x")
def test_calendar_lines_fold_as_icalendar_folds_them(text: str) -> None:
    """`ical.component_bytes` folds lines itself (faster): the bytes are icalendar's own."""
    from icalendar.parser.string import _foldline

    from nftsite.render.ical import component_bytes, fold

    assert fold(text) == _foldline(text)
    component = icalendar.Event()
    component.add("summary", text)
    component.add("description", text + text)
    component.add("location", text[:70])
    assert component_bytes(component) == component.to_ical()
