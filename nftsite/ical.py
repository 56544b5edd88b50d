"""iCalendar feeds (RFC 5545), serialized by the `icalendar` library, never by hand.

The library folds lines at 75 octets without splitting a character, escapes text and ends
lines with CRLF; we decide what goes in: stable UIDs, content-derived stamps, TZID times with
a yearly-rule VTIMEZONE, exclusive all-day ends, UNTIL in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import icalendar
from icalendar.prop import vDuration, vRecur

from .identity import EventIdentity
from .models import Event, Status
from .timezones import vtimezone

PRODUCT_ID = "-//Normandy French Tech//nftsite//FR"
REFRESH = timedelta(hours=6)
"""How often clients should fetch the feed again (REFRESH-INTERVAL, X-PUBLISHED-TTL)."""


@dataclass(frozen=True)
class CalendarEntry:
    """One event with everything a calendar client shows about it, computed beforehand."""

    event: Event
    identity: EventIdentity
    url: str
    description: str
    location: str | None
    geo: tuple[float, float] | None
    categories: tuple[str, ...]


@dataclass(frozen=True)
class SerializedEvent:
    """One VEVENT serialized once by icalendar, then shared by every calendar that lists it."""

    sort_key: tuple[datetime, str]
    zone: str | None
    """The TZID its times use; None for an all-day event."""
    year: int
    """The first year its times fall in: its VTIMEZONE must be right from then on."""
    ical: bytes


def serialize_event(entry: CalendarEntry) -> SerializedEvent:
    event = entry.event
    zone = event.timezone.key if isinstance(event.start, datetime) else None
    return SerializedEvent(
        sort_key=(_sort_instant(event), entry.identity.uid),
        zone=zone,
        year=event.first_day().year,
        ical=bytes(event_component(entry).to_ical()),
    )


CALENDAR_END = b"END:VCALENDAR\r\n"


def calendar_bytes(name: str, description: str, events: Iterable[SerializedEvent]) -> bytes:
    """A whole VCALENDAR: header, the VTIMEZONEs it uses, then the events by start and UID."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", description)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))  # X- names default to text
    ordered = sorted(events, key=lambda event: event.sort_key)
    first_years: dict[str, int] = {}
    for event in ordered:
        if event.zone is not None:
            first_years[event.zone] = min(event.year, first_years.get(event.zone, event.year))
    zones = b"".join(vtimezone_bytes(zone, year) for zone, year in sorted(first_years.items()))
    head = bytes(calendar.to_ical())
    assert head.endswith(CALENDAR_END)
    events_bytes = b"".join(event.ical for event in ordered)
    return head[: -len(CALENDAR_END)] + zones + events_bytes + CALENDAR_END


@lru_cache(maxsize=64)
def vtimezone_bytes(zone: str, first_year: int) -> bytes:
    """A VTIMEZONE serialized once, then shared by every calendar that needs it."""
    return bytes(vtimezone(zone, first_year).to_ical())


def _sort_instant(event: Event) -> datetime:
    start = event.start
    if isinstance(start, datetime):
        return start.astimezone(UTC)
    return datetime.combine(start, time(), tzinfo=event.timezone).astimezone(UTC)


def event_component(entry: CalendarEntry) -> icalendar.Event:
    event = entry.event
    component = icalendar.Event()
    component.add("uid", entry.identity.uid)
    component.add("dtstamp", entry.identity.stamp)
    component.add("last-modified", entry.identity.stamp)
    component.add("sequence", entry.identity.sequence)
    component.add("summary", event.title)
    component.add("dtstart", unambiguous(event.start))
    end = exclusive_end(event)
    if end is not None:
        component.add("dtend", unambiguous(end))
    if event.recurrence is not None:
        component.add("rrule", recurrence_rule(event))
        for moment in event.exdates:
            component.add("exdate", unambiguous(moment))
    component.add("status", event.status.value.upper())
    if entry.location:
        component.add("location", entry.location)
    if entry.geo is not None:
        component.add("geo", entry.geo)
    component.add("url", entry.url)
    component.add("description", entry.description)
    if entry.categories:
        component.add("categories", list(entry.categories))
    component.add("class", "PUBLIC")
    component.add("transp", "TRANSPARENT" if event.status is Status.CANCELLED else "OPAQUE")
    return component


def unambiguous(moment: date | datetime) -> date | datetime:
    """A local time that occurs twice (the repeated autumn hour) cannot say which one with a
    TZID: its second occurrence is written in UTC instead, which every client reads alike."""
    if isinstance(moment, datetime) and moment.fold == 1:
        other = moment.replace(fold=0)
        if other.utcoffset() != moment.utcoffset():
            return moment.astimezone(UTC)
    return moment


def exclusive_end(event: Event) -> date | datetime | None:
    """DTEND: the day after the last day for all-day events (RFC 5545 ends are exclusive)."""
    if isinstance(event.start, datetime):
        return event.end if isinstance(event.end, datetime) and event.end != event.start else None
    return event.last_day() + timedelta(days=1)


def recurrence_rule(event: Event) -> vRecur:
    """The author's RRULE, with UNTIL in UTC for a timed event and a date for an all-day one."""
    assert event.recurrence is not None
    rule: vRecur = vRecur.from_ical(event.recurrence)
    if "UNTIL" in rule:
        until = rule["UNTIL"][0]
        rule["UNTIL"] = [_until(event, until)]
    return rule


def _until(event: Event, until: date | datetime) -> date | datetime:
    if not isinstance(event.start, datetime):
        return until.date() if isinstance(until, datetime) else until
    if not isinstance(until, datetime):  # a date: the whole local day is included
        until = datetime.combine(until, time(23, 59, 59))
    if until.tzinfo is None:
        until = until.replace(tzinfo=event.timezone)
    return until.astimezone(UTC)
