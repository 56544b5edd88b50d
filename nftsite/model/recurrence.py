"""A recurring event's RRULE: its dates in local wall-clock time.

Occurrences are computed on naive local times and then placed in the event's zone, so
"every first Thursday at 18:30" stays at 18:30 across daylight-saving changes, as calendar
clients do with a TZID. The limits a rule must keep are in `rule_limits.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import islice

from dateutil.rrule import rrule, rrulestr

from nftsite.model.models import Event

MAX_OCCURRENCES = 1000
"""The most occurrences a series may have (a weekly event: 19 years)."""


def local_rule(event: Event) -> rrule:
    """The event's RRULE anchored on its naive local start. Raises ValueError if unreadable."""
    assert event.recurrence is not None
    start = naive_local(event, event.start)
    parts = []
    for part in event.recurrence.split(";"):
        name, _, value = part.partition("=")
        if name.upper() == "UNTIL":
            value = local_until(event, value)
        parts.append(f"{name}={value}")
    rule = rrulestr(";".join(parts), dtstart=start)
    assert isinstance(rule, rrule)
    return rule


def local_until(event: Event, value: str) -> str:
    """UNTIL as naive local time, whatever form the author used (date, local, UTC)."""
    if len(value) == 8:  # a date: the whole day is included
        return value + ("T235959" if isinstance(event.start, datetime) else "")
    if value.endswith("Z"):
        moment = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return moment.astimezone(event.timezone).strftime("%Y%m%dT%H%M%S")
    return value


def naive_local(event: Event, moment: date | datetime) -> datetime:
    if isinstance(moment, datetime):
        return moment.astimezone(event.timezone).replace(tzinfo=None, fold=0)
    return datetime(moment.year, moment.month, moment.day)  # noqa: DTZ001 - a calendar day


def occurrences(event: Event) -> Iterator[date | datetime]:
    """Every start of the event (just its start if it does not repeat), without exdates."""
    if event.recurrence is None:
        yield event.start
        return
    skipped = {naive_local(event, moment) for moment in event.exdates}
    for local in islice(local_rule(event), MAX_OCCURRENCES):
        if local in skipped:
            continue
        if isinstance(event.start, datetime):
            yield local.replace(tzinfo=event.timezone)
        else:
            yield local.date()


def duration(event: Event) -> timedelta:
    """On the wall clock: a recurring event's occurrences never span a change of offset, so
    for them it is also the exact duration."""
    if isinstance(event.start, datetime):
        return (event.end - event.start) if isinstance(event.end, datetime) else timedelta(0)
    return event.last_day() - event.start + timedelta(days=1)


def occurrence_spans(event: Event) -> Iterator[tuple[date | datetime, datetime]]:
    """Each occurrence's start, with the instant it is over."""
    if event.recurrence is None and isinstance(event.start, datetime):
        yield event.start, event.end if isinstance(event.end, datetime) else event.start
        return
    length = duration(event)
    for start in occurrences(event):
        if isinstance(start, datetime):
            yield start, start + length
        else:
            last = start + length
            yield start, datetime(last.year, last.month, last.day, tzinfo=event.timezone)


def upcoming_occurrences(event: Event, now: datetime, count: int) -> list[date | datetime]:
    """The next `count` starts of the event whose end is still ahead of `now`."""
    found: list[date | datetime] = []
    for start, end in occurrence_spans(event):
        if end >= now:
            found.append(start)
            if len(found) == count:
                break
    return found


def next_end(event: Event, now: datetime) -> datetime | None:
    """When the first occurrence still running or to come at `now` will be over."""
    return next((end for _, end in occurrence_spans(event) if end >= now), None)


# --- the rules a series must keep ------------------------------------------------------------
