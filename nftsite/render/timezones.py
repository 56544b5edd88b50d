"""VTIMEZONE components in the yearly-rule form that Outlook reads, true for past years too.

The zone's real transitions (from the IANA database, through `zoneinfo`) are read over the
years a calendar needs, then every run of yearly-alike changes — same month, same weekday
rule, same wall-clock time, same offsets — becomes one STANDARD or DAYLIGHT part with
`RRULE:FREQ=YEARLY` (bounded by UNTIL when the rule later changed). This is the form Outlook
expects, rather than the list of every transition icalendar writes by default; and a zone
whose rules changed (São Paulo dropped daylight saving in 2019, the United States moved
theirs in 2007) stays right for the years before the change.

Every file of a build carries the same body for a zone (`settled_first_year`): readers that
keep the first VTIMEZONE they meet for a TZID (vobject, for the whole process) would
otherwise misplace the events of the next file they read.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard
from icalendar.prop import vRecur

FIRST_YEAR = 1970
LAST_YEAR = 2037
"""Transitions are listed up to here; the last rule of each kind is left open-ended."""
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Transition:
    """One change of offset: when (UTC and local wall clock before it) and to what."""

    instant: datetime
    local: datetime
    """Naive wall-clock time just before the change, as VTIMEZONE's DTSTART wants it."""
    offset_from: timedelta
    offset_to: timedelta
    name: str
    is_daylight: bool

    @property
    def week(self) -> int:
        return (self.local.day - 1) // 7 + 1

    @property
    def is_last_week(self) -> bool:
        return self.local.day + 7 > calendar.monthrange(self.local.year, self.local.month)[1]

    def follows_yearly(self, previous: Transition, by_last: bool) -> bool:
        """The same change, one year after `previous`, by the same weekday rule."""
        same_rule = (
            self.is_last_week and previous.is_last_week if by_last else self.week == previous.week
        )
        return (
            self.local.year == previous.local.year + 1
            and (self.local.month, self.local.weekday(), self.local.time())
            == (previous.local.month, previous.local.weekday(), previous.local.time())
            and (self.offset_from, self.offset_to, self.name, self.is_daylight)
            == (previous.offset_from, previous.offset_to, previous.name, previous.is_daylight)
            and same_rule
        )


def transitions(zone: ZoneInfo, first_year: int) -> list[Transition]:
    """Every change of offset from `first_year` to LAST_YEAR, to the second."""
    found = []
    day = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)
    before = day.astimezone(zone).utcoffset()
    while day < end:
        after = (day + timedelta(days=1)).astimezone(zone).utcoffset()
        if after != before:
            assert before is not None and after is not None
            found.append(_locate(zone, day, before, after))
        before, day = after, day + timedelta(days=1)
    return found


def _locate(zone: ZoneInfo, day: datetime, before: timedelta, after: timedelta) -> Transition:
    """Binary search, within one UTC day, for the second the offset changes."""
    low, high = 0, 86400
    while high - low > 1:
        middle = (low + high) // 2
        if (day + timedelta(seconds=middle)).astimezone(zone).utcoffset() == before:
            low = middle
        else:
            high = middle
    instant = day + timedelta(seconds=high)
    local_after = instant.astimezone(zone)
    return Transition(
        instant=instant,
        local=(instant + before).replace(tzinfo=None),
        offset_from=before,
        offset_to=after,
        name=local_after.tzname() or "",
        is_daylight=bool(local_after.dst()),
    )


def yearly_runs(changes: list[Transition]) -> list[tuple[list[Transition], bool]]:
    """Group changes of each kind into runs that repeat every year by one weekday rule;
    each run with whether its rule counts from the end of the month ("last Sunday")."""
    runs: list[tuple[list[Transition], bool]] = []
    for is_daylight in (False, True):
        current: list[Transition] = []
        by_last = False
        for change in (c for c in changes if c.is_daylight == is_daylight):
            if len(current) == 1 and change.follows_yearly(current[0], by_last=True):
                by_last = True  # preferred: "last Sunday" stays true when the date moves
            elif len(current) == 1 and change.follows_yearly(current[0], by_last=False):
                by_last = False
            elif not (current and change.follows_yearly(current[-1], by_last)):
                if current:
                    runs.append((current, by_last))
                current, by_last = [change], False
                continue
            current.append(change)
        if current:
            runs.append((current, by_last))
    return sorted(runs, key=lambda run: run[0][0].instant)


@cache
def zone_transitions(zone_name: str) -> list[Transition]:
    return transitions(ZoneInfo(zone_name), FIRST_YEAR)


@cache
def vtimezone(zone_name: str, first_year: int) -> Timezone:
    """The zone as a VTIMEZONE valid from `first_year` on."""
    zone = ZoneInfo(zone_name)
    component = Timezone()
    component.add("tzid", zone_name)
    # From the year before: the first days of `first_year` need the rule then in force.
    changes = [c for c in zone_transitions(zone_name) if c.local.year >= first_year - 1]
    if not changes:  # no change in those years: one fixed offset
        start = datetime(first_year, 1, 1)  # noqa: DTZ001 - VTIMEZONE wall-clock time
        local = start.replace(tzinfo=zone)
        offset = local.utcoffset()
        assert offset is not None
        standard = TimezoneStandard()
        _describe(standard, start, offset, offset, local.tzname() or "")
        component.add_component(standard)
        return component
    last_of_kind = {c.is_daylight: c for c in changes}
    for run, by_last in yearly_runs(changes):
        first, last = run[0], run[-1]
        part = TimezoneDaylight() if first.is_daylight else TimezoneStandard()
        _describe(part, first.local, first.offset_from, first.offset_to, first.name)
        if len(run) > 1:
            rule = {
                "FREQ": "YEARLY",
                "BYMONTH": first.local.month,
                "BYDAY": f"{-1 if by_last else first.week}{DAY_CODES[first.local.weekday()]}",
            }
            if last is not last_of_kind[first.is_daylight] or last.local.year < LAST_YEAR:
                rule["UNTIL"] = last.instant
            part.add("rrule", vRecur(rule))
        component.add_component(part)
    return component


@cache
def settled_first_year(zone_name: str, year: int) -> int:
    """The earliest year whose VTIMEZONE has the same parts as `year`'s, but for their start.

    A VTIMEZONE from 1997 on says the same of Paris as one from 2026 on; starting each zone
    where the rules then in force began keeps its bytes from one build to the next, until an
    event older than those rules is added.
    """
    shape = _shape(vtimezone(zone_name, year))
    while year > FIRST_YEAR + 1 and _shape(vtimezone(zone_name, year - 1)) == shape:
        year -= 1
    return year


def _shape(component: Timezone) -> tuple[bytes, ...]:
    """A VTIMEZONE's lines without the DTSTART of its parts: what it says, not when from."""
    lines = bytes(component.to_ical()).split(b"\r\n")
    return tuple(line for line in lines if not line.startswith(b"DTSTART"))


def _describe(
    part: TimezoneStandard | TimezoneDaylight,
    start: datetime,
    offset_from: timedelta,
    offset_to: timedelta,
    name: str,
) -> None:
    part.add("dtstart", start)
    part.add("tzoffsetfrom", offset_from)
    part.add("tzoffsetto", offset_to)
    part.add("tzname", name)
