"""Read an iCalendar feed as producers really write it (Meetup, Google Calendar, Outlook).

icalendar parses it: UTC times, floating times (read in the source's zone), Windows zone
names such as "Romance Standard Time" (icalendar maps them to IANA zones with its own
maintained table, `icalendar.timezone.windows_to_olson`), DTEND or DURATION or neither,
RRULE with EXDATE, RECURRENCE-ID overrides (each its own record, and an EXDATE of its series),
STATUS:CANCELLED and HTML descriptions. Only whitelisted properties are read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from nftsite.partners.record import SourceEvent, Unreadable
from nftsite.partners.text import one_line, safe_markdown

STATUSES = {"CONFIRMED": "confirmed", "TENTATIVE": "tentative", "CANCELLED": "cancelled"}


class FeedError(Exception):
    """The feed cannot be read at all (in French, for the import's report)."""


def read_ics(
    data: bytes, floating_zone: ZoneInfo | None, site_zone: ZoneInfo
) -> list[SourceEvent | Unreadable]:
    try:
        calendar = Calendar.from_ical(data)
    except ValueError as error:
        raise FeedError(f"fichier iCalendar illisible ({error})") from None
    declared = _zone(str(calendar.get("X-WR-TIMEZONE", "")))
    floating = floating_zone or declared or site_zone
    components = [c for c in calendar.walk("VEVENT") if c.get("UID") and c.get("DTSTART")]
    overrides: dict[str, list[Any]] = {}
    for component in components:
        if component.get("RECURRENCE-ID") is not None:
            overrides.setdefault(str(component["UID"]), []).append(component)
    records: list[SourceEvent | Unreadable] = []
    for component in components:
        uid = str(component["UID"])
        try:
            rid = component.get("RECURRENCE-ID")
            if rid is not None:
                own = f"{uid}#{_stamp(rid.dt)}"
                records.append(_record(component, own, floating, site_zone, ()))
                continue
            moved = tuple(o["RECURRENCE-ID"].dt for o in overrides.get(uid, ()))
            records.append(_record(component, uid, floating, site_zone, moved))
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            records.append(Unreadable(uid, f"{type(error).__name__}: {error}"))
    return records


def _zone(name: str) -> ZoneInfo | None:
    name = WINDOWS_TO_OLSON.get(name, name)
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _stamp(moment: date | datetime) -> str:
    """An occurrence's date in a form that never changes: UTC for a time, else the date."""
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        return moment.strftime("%Y%m%dT%H%M%SZ" if moment.tzinfo else "%Y%m%dT%H%M%S")
    return moment.strftime("%Y%m%d")


def _record(
    component: Any,
    uid: str,
    floating: ZoneInfo,
    site_zone: ZoneInfo,
    moved: tuple[date | datetime, ...],
) -> SourceEvent:
    raw_start = _moment(component, "DTSTART")
    recurrence = component.get("RRULE")
    zone = _wall_clock_zone(raw_start, floating, site_zone, recurrence is not None)
    start = _aware(raw_start, floating)
    end = _end(component, start, floating)
    exdates = [_aware(moment, floating) for moment in _exdates(component)]
    exdates += [_aware(moment, floating) for moment in moved]
    status = STATUSES.get(str(component.get("STATUS", "")).upper(), "confirmed")
    updated = component.get("LAST-MODIFIED")
    url = str(component.get("URL", "")) or None
    return SourceEvent(
        uid=uid,
        title=one_line(str(component.get("SUMMARY", ""))) or "Sans titre",
        start=start,
        end=end,
        zone=zone,
        recurrence=recurrence.to_ical().decode("ascii") if recurrence is not None else None,
        exdates=tuple(sorted(set(exdates), key=_sort_key)),
        status=status,
        location=one_line(str(component.get("LOCATION", ""))) or None,
        description=safe_markdown(str(component.get("DESCRIPTION", ""))),
        url=url if url and url.startswith(("https://", "http://")) else None,
        updated=_utc(updated.dt) if updated is not None else None,
    )


def _moment(component: Any, name: str) -> date | datetime:
    """A date or date-time property; icalendar keeps a malformed one as text: refused here."""
    value = component.decoded(name)
    if not isinstance(value, date):
        raise ValueError(f"{name} illisible : {str(value)[:40]!r}")
    return value


def _wall_clock_zone(
    moment: date | datetime, floating: ZoneInfo, site_zone: ZoneInfo, recurring: bool
) -> ZoneInfo:
    """The zone the file's times are written in. A named zone is kept, so a series repeats at
    the same local hour as at the source; a UTC series stays in UTC for the same reason; a
    single UTC time is shown on the site's clock; a floating time is in the source's zone."""
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        return floating
    if _is_utc(moment.tzinfo):
        return ZoneInfo("UTC") if recurring else site_zone
    key = getattr(moment.tzinfo, "key", None)
    if key:
        return ZoneInfo(key)
    return site_zone  # a zone only the feed defines: instants are kept, on our clock


def _is_utc(zone: tzinfo) -> bool:
    return zone is UTC or getattr(zone, "key", str(zone)).upper() in ("UTC", "ETC/UTC", "Z")


def _aware(moment: date | datetime, floating: ZoneInfo) -> date | datetime:
    if isinstance(moment, datetime) and moment.tzinfo is None:
        return moment.replace(tzinfo=floating)
    return moment


def _utc(moment: date | datetime) -> datetime | None:
    if not isinstance(moment, datetime):
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _end(component: Any, start: date | datetime, floating: ZoneInfo) -> date | datetime | None:
    """Our end: for a whole day, the last day itself; None when the source gives none."""
    if component.get("DTEND") is not None:
        end = _aware(_moment(component, "DTEND"), floating)
    elif component.get("DURATION") is not None:
        end = start + component.decoded("DURATION")
    else:
        return None
    if not isinstance(start, datetime):
        if isinstance(end, datetime):
            end = end.date()
        last = end - timedelta(days=1)
        return last if last > start else None
    if not isinstance(end, datetime):
        return None
    return end if end > start else None


def _exdates(component: Any) -> Iterable[date | datetime]:
    found = component.get("EXDATE")
    if found is None:
        return []
    lists = found if isinstance(found, list) else [found]
    moments = [item.dt for group in lists for item in group.dts]
    if not all(isinstance(moment, date) for moment in moments):
        raise ValueError("EXDATE illisible")
    return moments


def _sort_key(moment: date | datetime) -> str:
    return _stamp(moment)
