"""iCalendar feeds (RFC 5545), serialized by the `icalendar` library, never by hand.

The library folds lines at 75 octets without splitting a character, escapes text and ends
lines with CRLF; we decide what goes in: stable UIDs, content-derived stamps, TZID times with
a yearly-rule VTIMEZONE (one body per zone for the whole build), exclusive all-day ends, UNTIL
in UTC, a time that occurs twice in UTC, an ORGANIZER on every event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import icalendar
from icalendar.prop import vCalAddress, vDuration, vRecur, vText

from nftsite.link.identity import EventIdentity
from nftsite.model.models import Event, Status
from nftsite.render.timezones import settled_first_year, vtimezone
from nftsite.render.typography import typeset_text

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
    organizer: tuple[str, str]
    """Name and e-mail address: iTIP's PUBLISH (METHOD) wants an ORGANIZER on every event."""


@dataclass(frozen=True)
class SerializedEvent:
    """One VEVENT serialized once by icalendar, then shared by every calendar that lists it."""

    sort_key: tuple[datetime, str]
    zone: str | None
    """The TZID its times use; None for an all-day event."""
    ical: bytes


def serialize_event(entry: CalendarEntry) -> SerializedEvent:
    event = entry.event
    zone = event.timezone.key if isinstance(event.start, datetime) else None
    return SerializedEvent(
        sort_key=(_sort_instant(event), entry.identity.uid),
        zone=zone,
        ical=component_bytes(event_component(entry)),
    )


CALENDAR_END = b"END:VCALENDAR\r\n"


def calendar_bytes(
    name: str,
    description: str,
    events: Iterable[SerializedEvent],
    zones: Mapping[str, bytes],
) -> bytes:
    """A whole VCALENDAR: header, the VTIMEZONEs it uses (from `zones`, the build's one body
    per zone), then the events by start and UID."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # icalendar types NAME and X- names as unknown values, which it does not escape: a title
    # with `,` `;` `\` or a line break would break the line (DEF-12). vText escapes them.
    # French typography as characters (`typeset_text`): a calendar shows no HTML entity.
    name, description = typeset_text(name), typeset_text(description)
    calendar.add("name", vText(name))
    calendar.add("x-wr-calname", vText(name))
    calendar.add("x-wr-caldesc", vText(description))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))  # X- names default to text
    ordered = sorted(events, key=lambda event: event.sort_key)
    used = sorted({event.zone for event in ordered if event.zone is not None})
    head = component_bytes(calendar)
    assert head.endswith(CALENDAR_END)
    events_bytes = b"".join(event.ical for event in ordered)
    return (
        head[: -len(CALENDAR_END)]
        + b"".join(zones[zone] for zone in used)
        + events_bytes
        + CALENDAR_END
    )


def component_bytes(component: icalendar.cal.component.Component) -> bytes:
    """`component.to_ical()`: icalendar's content lines, folded by `fold` rather than by
    icalendar's own character-by-character loop, which was a quarter of a cold build's
    calendar time (`tests/test_ical_properties.py` holds both to the same bytes)."""
    lines = component.content_lines()
    return b"\r\n".join(fold(line).encode("utf-8") for line in lines if line) + b"\r\n"


FOLD_LIMIT = 75
"""Octets per line, line break excluded (RFC 5545, 3.1)."""


def fold(line: str) -> str:
    """icalendar's folding, a piece at a time: the longest run of whole characters under
    `FOLD_LIMIT` octets per line; a piece of more than one character that ends with an
    escape mark (`\\` or `^`) leaves the mark to the next piece (icalendar's issue #1501)."""
    if len(line) < FOLD_LIMIT // 4 + 1:  # 18 characters are at most 72 octets
        return line
    data = line.encode("utf-8")
    if len(data) < FOLD_LIMIT:
        return line
    pieces = []
    start = 0
    while start < len(data):
        end = min(start + FOLD_LIMIT - 1, len(data))
        while end < len(data) and 0x80 <= data[end] < 0xC0:  # not inside a character
            end -= 1
        if end < len(data) and data[end - 1] in b"\\^" and end - start > 1:
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start = end
    return "\r\n ".join(pieces)


def zone_bodies(events: Iterable[Event]) -> dict[str, bytes]:
    """{TZID: VTIMEZONE bytes} for the zones of these events: one body per zone, true from
    the earliest of them on and starting where that zone's rules then in force began, so
    every file of the build carries the same bytes for a zone (F4)."""
    first_years: dict[str, int] = {}
    for event in events:
        if isinstance(event.start, datetime):
            zone, year = event.timezone.key, event.first_day().year
            first_years[zone] = min(year, first_years.get(zone, year))
    return {
        zone: vtimezone_bytes(zone, settled_first_year(zone, year))
        for zone, year in sorted(first_years.items())
    }


@lru_cache(maxsize=64)
def vtimezone_bytes(zone: str, first_year: int) -> bytes:
    """A VTIMEZONE serialized once, then shared by every calendar that needs it."""
    return component_bytes(vtimezone(zone, first_year))


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
    component.add("summary", typeset_text(event.title))
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
        component.add("location", typeset_text(entry.location))
    if entry.geo is not None:
        component.add("geo", entry.geo)
    component.add("url", entry.url)
    component.add("description", entry.description)
    if entry.categories:
        component.add("categories", list(entry.categories))
    name, address = entry.organizer
    component.add("organizer", vCalAddress(f"mailto:{address}"), parameters={"CN": name})
    component.add("class", "PUBLIC")
    component.add("transp", "TRANSPARENT" if event.status is Status.CANCELLED else "OPAQUE")
    return component


def unambiguous(moment: date | datetime) -> date | datetime:
    """A local time that occurs twice (the repeated autumn hour) is written in UTC, which
    every client reads alike: with a TZID, RFC 5545 means its first occurrence, but libical,
    Evolution, khal and node-ical take the second (F1). Recurring events never start there:
    with a UTC start their rule would repeat in UTC (F3), so recurrence.py refuses them."""
    if isinstance(moment, datetime):
        first, second = moment.replace(fold=0), moment.replace(fold=1)
        if first.utcoffset() != second.utcoffset():
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
