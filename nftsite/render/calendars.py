"""Which events go in which calendar file: the whole agenda, each city, each theme, each event."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial

from dateutil.relativedelta import relativedelta

from nftsite.core import urls
from nftsite.core.cache import Cache, digest
from nftsite.core.parallel import parallel_map
from nftsite.core.reads import recording
from nftsite.link.facets import Facet
from nftsite.link.history import History
from nftsite.link.identity import EventIdentity, event_identity
from nftsite.link.site import Site
from nftsite.model.models import Event, Place, Status
from nftsite.model.recurrence import upcoming_occurrences
from nftsite.render.ical import (
    CalendarEntry,
    SerializedEvent,
    calendar_bytes,
    serialize_event,
    zone_bodies,
)
from nftsite.render.markdown import RenderedBody
from nftsite.render.plaintext import html_to_text
from nftsite.render.typography import typeset_text


def calendar_entry(
    event: Event, site: Site, identity: EventIdentity, body: RenderedBody
) -> CalendarEntry:
    config = site.config
    page = urls.absolute(config.base_url, urls.event_url(event.slug))
    geo = site.place(event.place).geo if event.place is not None else None
    return CalendarEntry(
        event=event,
        identity=identity,
        url=page,
        description=describe(event, body, config.base_url, page),
        location=event_location(event, site),
        geo=geo,
        categories=tuple(config.themes[t].name for t in event.themes),
        organizer=(config.title, config.contact),
    )


def event_location(event: Event, site: Site) -> str | None:
    """Where, as one line a calendar app shows and a map app can search: name and address."""
    if event.place is not None:
        place = site.place(event.place)
        return f"{place.name}, {place.address}"
    return event.location or event.online


DESCRIPTION_LIMIT = 800
"""Characters of the body kept in DESCRIPTION: enough to decide, the rest is on the page."""
DESCRIPTION_HTML_PREFIX = DESCRIPTION_LIMIT * 4


def excerpt(text: str) -> str:
    """The text cut at a word boundary before DESCRIPTION_LIMIT, marked with an ellipsis."""
    if len(text) <= DESCRIPTION_LIMIT:
        return text
    cut = text[:DESCRIPTION_LIMIT].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + " […]"


def describe(event: Event, body: RenderedBody, base_url: str, page: str) -> str:
    """Plain text: the status, summary, body, practical links and the page's URL."""
    parts = []
    if event.status is Status.CANCELLED:
        parts.append("ÉVÉNEMENT ANNULÉ.")
    elif event.status is Status.TENTATIVE:
        parts.append("Date à confirmer.")
    if event.summary:
        parts.append(event.summary)
    text = excerpt(html_to_text(body.html[:DESCRIPTION_HTML_PREFIX], base_url))
    if text:
        parts.append(text)
    practical = [
        f"{label} : {value}"
        for label, value in (
            ("Organisation", event.organizer),
            ("Tarif", event.price),
            ("En ligne", event.online),
            ("Inscription", event.registration),
        )
        if value
    ]
    if practical:
        parts.append("\n".join(practical))
    parts.append(f"Plus d'informations : {page}")
    # The body's text is typeset by html_to_text, which knows its code; the rest here.
    return "\n\n".join(part if part is text else typeset_text(part) for part in parts)


def is_in_feeds(event: Event, now: datetime, past_months: int) -> bool:
    """Every future event, and those that ended within the recent-past window."""
    cutoff = now - relativedelta(months=past_months)
    return bool(upcoming_occurrences(event, cutoff, 1))


@dataclass(frozen=True)
class CalendarFeed:
    """A subscribable calendar: the whole agenda, or one city's, or one theme's."""

    url: str
    name: str
    description: str
    facet: Facet | None = None
    """The city or theme it is limited to; None for the whole agenda."""

    def events(self, site: Site) -> tuple[Event, ...]:
        """The events it may carry, in the site's order."""
        return site.events if self.facet is None else self.facet.events


FACET_FEED_DESCRIPTION = {
    "city": "Les événements du numérique {at}.",
    "theme": "Les événements {name} en Normandie.",
}


def calendar_feeds(site: Site) -> list[CalendarFeed]:
    config = site.config
    window = (
        f"Les événements à venir et ceux des {config.feed_past_months} derniers mois ; "
        f"archives complètes sur {config.base_url}{urls.ARCHIVES}"
    )
    feeds = [
        CalendarFeed(
            urls.CALENDAR_FEED,
            "Agenda numérique normand",
            f"L'agenda partagé du numérique en Normandie. {window}",
        )
    ]
    feeds += [
        CalendarFeed(
            facet.calendar_url,
            f"Agenda numérique — {facet.name}",
            f"{FACET_FEED_DESCRIPTION[facet.kind].format(name=facet.name, at=facet.at)} {window}",
            facet,
        )
        for facet in site.facets
    ]
    return feeds


@dataclass(frozen=True)
class EventCalendar:
    """An event serialized once: its VEVENT for the feeds, and its own .ics file."""

    event: SerializedEvent
    own_file: bytes


def event_calendar(
    site: Site, zones: Mapping[str, bytes], item: tuple[Event, EventIdentity, RenderedBody]
) -> EventCalendar:
    """Everything a calendar client is told about the event, serialized (in a worker)."""
    event, identity, body = item
    serialized = serialize_event(calendar_entry(event, site, identity, body))
    name, description = event.title, f"{event.title} — {site.config.title}"
    return EventCalendar(serialized, calendar_bytes(name, description, [serialized], zones))


@dataclass(frozen=True)
class CalendarSet:
    """Every event serialized once, with what its calendar data read (`core/reads.py`), and
    which events each calendar file carries: the files are joined from these."""

    calendars: dict[str, EventCalendar]
    """By event slug."""
    reads: dict[str, frozenset[str]]
    """By event slug: the texts its VEVENT was made from (its body, its history)."""
    zones: dict[str, bytes]
    feeds: dict[str, CalendarFeed]
    """{output path: feed}, for the subscribed feeds."""
    members: dict[str, tuple[str, ...]]
    """{output path: the slugs of the events in it}: the subscribed feeds (the events in the
    feeds' window, `is_in_feeds`), then each event's own file."""

    def file_reads(self, only: Collection[str] | None = None) -> dict[str, frozenset[str]]:
        """{output path: what it read}: the union of its events' reads (of the files in
        `only`, when given)."""
        return {
            path: frozenset().union(*(self.reads[slug] for slug in self.members[path]))
            for path in (self.members if only is None else only)
        }

    def files(self, only: Collection[str] | None = None) -> dict[str, bytes]:
        """{output path: .ics bytes}: the subscribed feeds, then one file per event page
        (those in `only`, when given)."""
        files = {}
        for path, slugs in self.members.items():
            if only is not None and path not in only:
                continue
            feed = self.feeds.get(path)
            if feed is None:
                files[path] = self.calendars[slugs[0]].own_file
            else:
                events = (self.calendars[slug].event for slug in slugs)
                files[path] = calendar_bytes(feed.name, feed.description, events, self.zones)
        return files


def calendar_files(
    site: Site, history: History, bodies: Mapping[str, RenderedBody], now: datetime, cache: Cache
) -> dict[str, bytes]:
    """{output path: .ics bytes}: the subscribed feeds, then one file per event page."""
    return calendar_set(site, history, bodies, now, cache).files()


def calendar_set(
    site: Site,
    history: History,
    bodies: Mapping[str, RenderedBody],
    now: datetime,
    cache: Cache,
    previous: CalendarSet | None = None,
    changed: Collection[str] = (),
) -> CalendarSet:
    """Every event's calendar data. An event is serialized again only when something that
    goes into its VEVENT changed (the cache is keyed by all of it); those that must be are
    serialized on every core. With `previous`, only the events in `changed` (slugs) are
    looked at again: the live preview's remake of events whose text alone changed (their
    fields, hence the feeds they belong to and the zones, are those of `previous`).
    """
    config = site.config
    zones = previous.zones if previous is not None else zone_bodies(site.events)
    wanted = [e for e in site.events if previous is None or e.slug in changed]
    keyed, reads = {}, {}
    for event in wanted:
        with recording() as noted:
            body = bodies[event.source.path]
            place = site.place(event.place) if event.place else None
            key, item = cache.memo(
                "calendar-input",
                (event, place, config, body, history),
                partial(calendar_input, event, place, site, history, body),
            )
        reads[event.slug] = frozenset(noted)
        # Its own file carries its zone's VTIMEZONE, which depends on the whole build.
        zone = event.timezone.key if isinstance(event.start, datetime) else ""
        keyed[event.slug] = (digest(key, zones.get(zone, b"")), item)
    found = cache.lookup_many("event-calendar", (key for key, _ in keyed.values()))
    missing = [(key, item) for key, item in keyed.values() if key not in found]
    made = parallel_map(partial(event_calendar, site, zones), [item for _, item in missing])
    for (key, _), calendar in zip(missing, made, strict=True):
        cache.store("event-calendar", key, calendar)
        found[key] = calendar
    calendars = {slug: found[key] for slug, (key, _) in keyed.items()}
    if previous is not None:
        return replace(
            previous,
            calendars=previous.calendars | calendars,
            reads=previous.reads | reads,
        )
    window = config.feed_past_months
    recent = {e.slug for e in site.events if is_in_feeds(e, now, window)}
    feeds = {urls.output_path(feed.url): feed for feed in calendar_feeds(site)}
    members = {
        path: tuple(e.slug for e in feed.events(site) if e.slug in recent)
        for path, feed in feeds.items()
    }
    for event in site.events:
        members[urls.output_path(urls.event_ics_url(event.slug))] = (event.slug,)
    return CalendarSet(calendars, reads, zones, feeds, members)


def calendar_input(
    event: Event, place: Place | None, site: Site, history: History, body: RenderedBody
) -> tuple[str, tuple[Event, EventIdentity, RenderedBody]]:
    """A key for all that goes into the event's calendar data, and what a worker needs to
    make it: the event, its identity from history, its body."""
    config = site.config
    identity = event_identity(event, history, config.home_url)
    themes = tuple(config.themes[t].name for t in event.themes)
    key = digest(
        repr(event),
        repr(place),
        config.base_url,
        config.title,
        repr(themes),
        body.html,
        repr(identity),
    )
    return key, (event, identity, body)
