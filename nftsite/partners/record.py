"""One event as a partner's agenda gives it, in neutral form: what the readers (ics.py,
openagenda.py) produce and the mapping (mapping.py) turns into our fields.

Only what may be published is carried: no organiser, contributor, attendee, e-mail, phone or
image ever enters a record, so no such field can reach a file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class SourceEvent:
    uid: str
    """The event's identity at the source; an override of one occurrence adds `#<date>`."""
    title: str
    start: date | datetime
    """A date (all day), or an aware date-time."""
    end: date | datetime | None
    """All day: the last day itself (inclusive, as our files say). Timed: the end instant."""
    zone: ZoneInfo
    """The zone the source's wall clock is in: times are written in it."""
    recurrence: str | None = None
    exdates: tuple[date | datetime, ...] = ()
    status: str = "confirmed"
    location: str | None = None
    city_name: str | None = None
    """The town as the source names it (OpenAgenda), matched against site.yaml's cities."""
    description: str = ""
    """Safe Markdown (text.py): no HTML, no e-mail address, no phone number."""
    url: str | None = None
    updated: datetime | None = None
    registration: str | None = None
    online: str | None = None
    withdrawn: bool = False
    """The source says the event was removed (OpenAgenda `removed`)."""


@dataclass(frozen=True)
class Unreadable:
    """An event of the feed that could not be read: reported, and its file left as it is
    (never taken as withdrawn)."""

    uid: str
    reason: str
