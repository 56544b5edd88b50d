"""Read-only views of entries for the templates: everything computed, nothing left to query.

Views carry no body: a page gets its entry's body as a separate `body`, so the lists that
show an entry do not change (and are not rendered again) when only its text does.

Templates never look anything up; each view carries the names, URLs and French texts
that a page shows about one entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import quote_plus

from nftsite.content.media_images import ImageFacts
from nftsite.core import urls
from nftsite.link.site import Site
from nftsite.model.models import (
    Event,
    ImportOrigin,
    Page,
    Place,
    PressRelease,
    SiteConfig,
    Startup,
    Status,
)
from nftsite.model.recurrence import duration
from nftsite.render.calendars import event_location
from nftsite.render.date_wording import format_day, format_day_range, format_span, zone_label
from nftsite.render.subscriptions import google_event_link, outlook_event_link

STATUS_LABELS = {
    Status.CONFIRMED: "",
    Status.TENTATIVE: "Date à confirmer",
    Status.CANCELLED: "Annulé",
}
PLACE_KIND_LABELS = {"pépinière": "Pépinière", "accélérateur": "Accélérateur", "école": "École"}


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class PlaceRef:
    name: str
    url: str | None
    address: str
    map_url: str


@dataclass(frozen=True)
class OriginView:
    """« Source : <agenda>, mis à jour le <date> » and the licence of an imported event: what
    the partner's licence asks us to show (docs/guide-contenu.md)."""

    attribution: str
    url: str | None
    updated: str
    """'12 décembre 2026', in the site's zone; '' when the source gives no date."""
    updated_iso: str
    licence: str


@dataclass(frozen=True)
class EventView:
    slug: str
    url: str
    title: str
    when: str
    """'jeudi 1er octobre 2015 à 18 h 30', in the event's own zone."""
    start_iso: str
    end_iso: str
    zone_note: str
    """'heure de Los Angeles' when the event is outside the site's zone, else ''."""
    status: str
    status_label: str
    place: PlaceRef | None
    city: Link | None
    online: str | None
    organizer: Link | None
    themes: tuple[Link, ...]
    tags: tuple[str, ...]
    registration: str | None
    price: str | None
    summary: str
    image: str | None
    draft: bool
    is_recurring: bool
    next_dates: tuple[str, ...]
    ics_url: str
    google_url: str
    outlook_url: str
    origin: OriginView | None = None
    """Set on an event `nftsite import` wrote, from its `source:` block."""
    image_size: tuple[int, int] | None = None
    """The illustration's width and height, for its `<img>`."""


@dataclass(frozen=True)
class StartupView:
    slug: str
    url: str
    name: str
    city: Link
    themes: tuple[Link, ...]
    tags: tuple[str, ...]
    website: str | None
    founded: int | None
    logo: str | None
    place: Link | None
    summary: str
    social: tuple[Link, ...]
    draft: bool
    logo_svg: str = ""
    """The logo's sanitised SVG, written into the page (no request), or "" for an `<img>`."""


@dataclass(frozen=True)
class PlaceView:
    slug: str
    url: str
    name: str
    kind: str
    address: str
    city: Link
    geo: tuple[float, float] | None
    map_url: str
    website: str | None
    access: str
    hours: str
    summary: str
    image: str | None
    draft: bool
    image_size: tuple[int, int] | None = None
    """The illustration's width and height, for its `<img>`."""


@dataclass(frozen=True)
class Attachment:
    label: str
    url: str
    kind: str
    size: str


@dataclass(frozen=True)
class PressView:
    slug: str
    url: str
    title: str
    date: str
    date_iso: str
    summary: str
    attachments: tuple[Attachment, ...]
    contact: str | None
    draft: bool


@dataclass(frozen=True)
class PageView:
    slug: str
    url: str
    title: str
    summary: str
    draft: bool


NETWORK_NAMES = {
    "linkedin": "LinkedIn",
    "youtube": "YouTube",
    "github": "GitHub",
    "gitlab": "GitLab",
    "twitter": "X (Twitter)",
    "x": "X",
}


def network_name(label: str) -> str:
    return NETWORK_NAMES.get(label.lower(), label[:1].upper() + label[1:])


def map_url(address: str, geo: tuple[float, float] | None) -> str:
    """An OpenStreetMap link (a link only: nothing is loaded from OSM when a page opens)."""
    if geo is not None:
        lat, lon = geo
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    return "https://www.openstreetmap.org/search?query=" + quote_plus(address)


def event_when(event: Event, start: date | datetime | None = None) -> str:
    """The French wording of an event's dates (of one occurrence when `start` is given)."""
    start = event.start if start is None else start
    if isinstance(start, datetime):
        local_start = start.astimezone(event.timezone)
        end = None
        if isinstance(event.end, datetime):
            end = (local_start + duration(event)).astimezone(event.timezone)
        return format_span(local_start, end)
    return format_day_range(start, start + duration(event) - timedelta(days=1))


def theme_links(config: SiteConfig, themes: tuple[str, ...]) -> tuple[Link, ...]:
    return tuple(Link(config.themes[t].name, urls.theme_agenda_url(t)) for t in themes)


def city_link(config: SiteConfig, city: str | None, url: str) -> Link | None:
    if city is None or city not in config.cities:
        return None
    return Link(config.cities[city], url)


def event_view(
    event: Event,
    site: Site,
    next_dates: tuple[str, ...],
    images: Mapping[str, ImageFacts] | None = None,
) -> EventView:
    config = site.config
    place_ref = None
    city = site.city_of(event)
    if event.place is not None:
        place = site.place(event.place)
        place_ref = PlaceRef(
            place.name, urls.place_url(place.slug), place.address, map_url(place.address, place.geo)
        )
    elif event.location:
        place_ref = PlaceRef(event.location, None, event.location, map_url(event.location, None))
    organizer = organizer_link(event.organizer, site) if event.organizer else None
    end = event.end
    return EventView(
        slug=event.slug,
        url=urls.event_url(event.slug),
        title=event.title,
        when=event_when(event),
        start_iso=event.start.isoformat(),
        end_iso=end.isoformat() if end is not None else "",
        zone_note="" if event.timezone == config.timezone else zone_label(event.timezone),
        status=event.status.value,
        status_label=STATUS_LABELS[event.status],
        place=place_ref,
        city=city_link(config, city, urls.city_agenda_url(city or "")),
        online=event.online,
        organizer=organizer,
        themes=theme_links(config, event.themes),
        tags=event.tags,
        registration=event.registration,
        price=event.price,
        summary=event.summary,
        image=urls.media_url(event.image) if event.image else None,
        draft=event.draft,
        is_recurring=event.recurrence is not None,
        next_dates=next_dates,
        **add_to_calendar_links(event, site),
        origin=origin_view(event.origin, config) if event.origin else None,
        image_size=image_size(images, event.image),
    )


def organizer_entry(organizer: str | None, site: Site) -> Startup | Place | None:
    """The startup or the place an event's `organizer` names by its slug, if any."""
    if not organizer:
        return None
    return site.startup(organizer) or next((p for p in site.places if p.slug == organizer), None)


def organizer_link(organizer: str, site: Site) -> Link:
    """Who organizes an event, linked to its page when it is a startup, a place or the label
    itself (search engines read the same link as the organizer's URL)."""
    entry = organizer_entry(organizer, site)
    if isinstance(entry, Startup):
        return Link(entry.name, urls.startup_url(entry.slug))
    if isinstance(entry, Place):
        return Link(entry.name, urls.place_url(entry.slug))
    if organizer.strip().casefold() == site.config.title.casefold():
        return Link(site.config.title, urls.HOME)
    return Link(organizer, "")


def origin_view(origin: ImportOrigin, config: SiteConfig) -> OriginView:
    updated = origin.updated
    if isinstance(updated, datetime) and updated.tzinfo is not None:
        updated = updated.astimezone(config.timezone)
    day = updated.date() if isinstance(updated, datetime) else updated
    return OriginView(
        attribution=origin.attribution or origin.name,
        url=origin.url,
        updated=format_day(day, weekday=False) if day else "",
        updated_iso=day.isoformat() if day else "",
        licence=origin.licence or "",
    )


def add_to_calendar_links(event: Event, site: Site) -> dict[str, str]:
    page = urls.absolute(site.config.base_url, urls.event_url(event.slug))
    details = f"{event.summary}\n\n{page}" if event.summary else page
    location = event_location(event, site)
    return {
        "ics_url": urls.event_ics_url(event.slug),
        "google_url": google_event_link(event, details, location),
        "outlook_url": outlook_event_link(event, details, location),
    }


def startup_view(
    startup: Startup, site: Site, images: Mapping[str, ImageFacts] | None = None
) -> StartupView:
    config = site.config
    place = site.place(startup.place) if startup.place else None
    return StartupView(
        slug=startup.slug,
        url=urls.startup_url(startup.slug),
        name=startup.name,
        city=Link(config.cities[startup.city], urls.city_startups_url(startup.city)),
        themes=tuple(
            Link(config.themes[t].name, urls.theme_startups_url(t)) for t in startup.themes
        ),
        tags=startup.tags,
        website=startup.website,
        founded=startup.founded,
        logo=urls.media_url(startup.logo) if startup.logo else None,
        place=Link(place.name, urls.place_url(place.slug)) if place else None,
        summary=startup.summary,
        social=tuple(Link(network_name(label), url) for label, url in startup.social),
        draft=startup.draft,
        logo_svg=(images or {}).get(startup.logo or "", NO_FACTS).inline_svg,
    )


def place_view(
    place: Place, site: Site, images: Mapping[str, ImageFacts] | None = None
) -> PlaceView:
    return PlaceView(
        slug=place.slug,
        url=urls.place_url(place.slug),
        name=place.name,
        kind=PLACE_KIND_LABELS.get(place.kind, place.kind.capitalize()),
        address=place.address,
        city=Link(site.config.cities[place.city], urls.city_agenda_url(place.city)),
        geo=place.geo,
        map_url=map_url(place.address, place.geo),
        website=place.website,
        access=place.access,
        hours=place.hours,
        summary=place.summary,
        image=urls.media_url(place.image) if place.image else None,
        draft=place.draft,
        image_size=image_size(images, place.image),
    )


NO_FACTS = ImageFacts(0, 0)


def image_size(images: Mapping[str, ImageFacts] | None, path: str | None) -> tuple[int, int] | None:
    facts = (images or {}).get(path or "")
    return (facts.width, facts.height) if facts else None


def press_view(release: PressRelease, sizes: dict[str, int]) -> PressView:
    return PressView(
        slug=release.slug,
        url=urls.press_url(release.slug),
        title=release.title,
        date=format_day(release.date),
        date_iso=release.date.isoformat(),
        summary=release.summary,
        attachments=tuple(_attachment(path, sizes.get(path, 0)) for path in release.attachments),
        contact=release.contact,
        draft=release.draft,
    )


def _attachment(path: str, size: int) -> Attachment:
    name = path.rsplit("/", 1)[-1]
    kind = name.rsplit(".", 1)[-1].upper() if "." in name else "fichier"
    kilobytes = max(1, round(size / 1024))
    size_text = (
        f"{kilobytes}\u00a0Ko"
        if kilobytes < 1024
        else f"{size / 1048576:.1f}\u00a0Mo".replace(".", ",")
    )
    return Attachment(name, urls.media_url(path), kind, size_text)


def page_view(page: Page) -> PageView:
    return PageView(page.slug, urls.page_url(page.slug), page.title, page.summary, page.draft)
