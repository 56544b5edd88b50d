"""Links that put our calendars in people's calendar apps: subscribe to a feed, add one event.

These are plain links: nothing is requested from Google or Microsoft until a visitor clicks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from urllib.parse import quote, urlencode

from nftsite.model.models import Event
from nftsite.render.ical import exclusive_end


@dataclass(frozen=True)
class CalendarFeedView:
    """One subscribable calendar, with every way to subscribe to it."""

    name: str
    url: str
    """The plain https address, to copy into any app."""
    webcal: str
    google: str
    outlook: str
    upcoming: int
    """How many of its events are still to come: an empty feed stays published (someone
    may be subscribed), but is offered nowhere for subscription: the subscribe page names it
    as empty and its agenda page links it from the empty state only."""


def feed_view(name: str, https_url: str, upcoming: int) -> CalendarFeedView:
    webcal = "webcal://" + https_url.split("://", 1)[1]
    return CalendarFeedView(
        name=name,
        url=https_url,
        webcal=webcal,
        upcoming=upcoming,
        google="https://calendar.google.com/calendar/render?" + urlencode({"cid": webcal}),
        outlook="https://outlook.live.com/calendar/0/addfromweb?"
        + urlencode({"url": https_url, "name": name}, quote_via=quote),
    )


def end_for_apps(event: Event) -> date | datetime:
    """The exclusive end; an event without an end gets an hour, as calendar apps expect."""
    return exclusive_end(event) or event.start + timedelta(hours=1)


def _google_time(moment: date | datetime) -> str:
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return moment.strftime("%Y%m%d")


@lru_cache(maxsize=4096)
def google_event_link(event: Event, details: str, location: str | None) -> str:
    """Google Calendar's "add this event" form, filled in."""
    end = end_for_apps(event)
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{_google_time(event.start)}/{_google_time(end)}",
        "details": details,
    }
    if location:
        query["location"] = location
    if isinstance(event.start, datetime):
        query["ctz"] = event.timezone.key
    return "https://calendar.google.com/calendar/render?" + urlencode(query, quote_via=quote)


@lru_cache(maxsize=4096)
def outlook_event_link(event: Event, details: str, location: str | None) -> str:
    """Outlook on the web's new-event form, filled in."""
    all_day = not isinstance(event.start, datetime)
    end = end_for_apps(event)
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": event.start.isoformat(),
        "enddt": end.isoformat(),
        "allday": "true" if all_day else "false",
        "body": details,
    }
    if location:
        query["location"] = location
    return "https://outlook.live.com/calendar/0/action/compose?" + urlencode(query, quote_via=quote)
