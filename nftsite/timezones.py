"""VTIMEZONE components in the yearly-rule form that Outlook reads.

A zone's current daylight-saving rule is the POSIX TZ string at the end of its TZif file
(`CET-1CEST,M3.5.0,M10.5.0/3`). We turn it into one STANDARD and one DAYLIGHT part, each
with an `RRULE:FREQ=YEARLY`, rather than the list of every past transition that icalendar
generates by default and that Outlook mishandles.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard
from icalendar.prop import vRecur

ANCHOR_YEAR = 1970
DAY_CODES = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")

_NAME = r"(?:<[^>]+>|[A-Za-z]{3,})"
_OFFSET = r"[+-]?\d{1,2}(?::\d{2}){0,2}"
_RULE = r"M\d{1,2}\.\d\.\d(?:/[+-]?\d{1,3}(?::\d{2}){0,2})?"
_POSIX = re.compile(
    rf"^(?P<std>{_NAME})(?P<std_offset>{_OFFSET})"
    rf"(?:(?P<dst>{_NAME})(?P<dst_offset>{_OFFSET})?,(?P<start>{_RULE}),(?P<end>{_RULE}))?$"
)


@dataclass(frozen=True)
class Transition:
    """A yearly change of offset: month, week (5 = last), weekday (0 = Sunday), local time."""

    month: int
    week: int
    weekday: int
    at: timedelta

    def day_in(self, year: int) -> date:
        first = date(year, self.month, 1)
        first_match = first + timedelta(days=(self.weekday - (first.isoweekday() % 7)) % 7)
        day = first_match + timedelta(weeks=self.week - 1)
        while day.month != self.month:
            day -= timedelta(weeks=1)
        return day

    def rrule(self) -> vRecur:
        ordinal = -1 if self.week == 5 else self.week
        return vRecur(
            {
                "FREQ": "YEARLY",
                "BYMONTH": self.month,
                "BYDAY": f"{ordinal}{DAY_CODES[self.weekday]}",
            }
        )


def _seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = [int(part) for part in text.lstrip("+-").split(":")]
    parts += [0] * (3 - len(parts))
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def _transition(text: str) -> Transition:
    rule, _, at = text.partition("/")
    month, week, weekday = (int(part) for part in rule[1:].split("."))
    return Transition(month, week, weekday, timedelta(seconds=_seconds(at or "2")))


def _name(text: str) -> str:
    return text.strip("<>")


@cache
def posix_rule(zone_name: str) -> str:
    """The POSIX TZ footer of the zone's TZif file (system database or the tzdata package)."""
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / zone_name
        if path.is_file():
            return _footer(path.read_bytes())
    package, _, leaf = f"tzdata.zoneinfo.{zone_name.replace('/', '.')}".rpartition(".")
    return _footer(resources.files(package).joinpath(leaf).read_bytes())


def _footer(data: bytes) -> str:
    return data.rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("ascii")


@cache
def vtimezone(zone_name: str) -> Timezone:
    """The zone as a VTIMEZONE; falls back to icalendar's transition list for exotic rules."""
    match = _POSIX.match(posix_rule(zone_name))
    if match is None:
        return Timezone.from_tzid(zone_name)
    standard_offset = timedelta(seconds=-_seconds(match["std_offset"]))
    component = Timezone()
    component.add("tzid", zone_name)
    if match["dst"] is None:
        part = _part(
            TimezoneStandard(),
            _name(match["std"]),
            standard_offset,
            standard_offset,
            datetime(ANCHOR_YEAR, 1, 1),  # noqa: DTZ001 - VTIMEZONE local time
        )
        component.add_component(part)
        return component
    daylight_offset = (
        timedelta(seconds=-_seconds(match["dst_offset"]))
        if match["dst_offset"]
        else standard_offset + timedelta(hours=1)
    )
    start, end = _transition(match["start"]), _transition(match["end"])
    daylight = _part(
        TimezoneDaylight(),
        _name(match["dst"]),
        standard_offset,
        daylight_offset,
        _anchor(start),
        start,
    )
    standard = _part(
        TimezoneStandard(), _name(match["std"]), daylight_offset, standard_offset, _anchor(end), end
    )
    component.add_component(standard)
    component.add_component(daylight)
    return component


def _anchor(transition: Transition) -> datetime:
    day = transition.day_in(ANCHOR_YEAR)
    return datetime(day.year, day.month, day.day) + transition.at  # noqa: DTZ001 - local time


def _part(
    part: TimezoneStandard | TimezoneDaylight,
    name: str,
    offset_from: timedelta,
    offset_to: timedelta,
    start: datetime,
    transition: Transition | None = None,
) -> TimezoneStandard | TimezoneDaylight:
    part.add("dtstart", start)
    if transition is not None:
        part.add("rrule", transition.rrule())
    part.add("tzoffsetfrom", offset_from)
    part.add("tzoffsetto", offset_to)
    part.add("tzname", name)
    return part
