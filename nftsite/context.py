"""The page plan: every HTML page of the site, its template and its computed context.

This is the one place that decides what each page shows; templates only lay it out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from typing import Any

from markupsafe import Markup

from . import jsonld, urls
from .calendars import CalendarFeed, calendar_feeds
from .dates import format_month
from .markdown import RenderedBody
from .models import Event, Source
from .recurrence import upcoming_occurrences
from .site import Site
from .subscriptions import CalendarFeedView, feed_view
from .views import (
    EventView,
    Link,
    PageView,
    PlaceView,
    PressView,
    StartupView,
    event_view,
    event_when,
    page_view,
    place_view,
    press_view,
    startup_view,
)

HOME_EVENTS = 4
HOME_PRESS = 3
NEXT_DATES = 6


@dataclass(frozen=True)
class PageMeta:
    """What the <head> says about a page: title, description, canonical URL, Open Graph."""

    title: str
    description: str
    url: str
    canonical: str
    og_type: str = "website"
    image: str | None = None
    structured_data: tuple[dict[str, Any], ...] = ()
    draft: bool = False
    breadcrumbs: tuple[Link, ...] = ()


@dataclass(frozen=True)
class PageToRender:
    url: str
    template: str
    context: dict[str, Any]
    source: Source | None = None
    """The content file the page shows, to report its broken links at their line."""
    in_sitemap: bool = True


@dataclass(frozen=True)
class AgendaItem:
    """An event as a list shows it: with the date of its next (or only) occurrence."""

    event: EventView
    when: str
    day: date


@dataclass(frozen=True)
class Group:
    label: str
    anchor: str
    items: tuple[Any, ...]


@dataclass(frozen=True)
class Filters:
    cities: tuple[Link, ...]
    themes: tuple[Link, ...]


@dataclass(frozen=True)
class SiteView:
    title: str
    tagline: str
    description: str
    base_url: str
    language: str
    contact: str
    navigation: tuple[Link, ...]
    footer_pages: tuple[Link, ...]


@dataclass
class Planner:
    """Builds the list of pages from a linked site, the rendered bodies and `now`."""

    site: Site
    bodies: dict[str, RenderedBody]
    now: datetime
    media_sizes: dict[str, int]
    pages: list[PageToRender] = field(default_factory=list)

    def __post_init__(self) -> None:
        config = self.site.config
        self.site_view = SiteView(
            title=config.title,
            tagline=config.tagline,
            description=config.description,
            base_url=config.base_url,
            language=config.language,
            contact=config.contact,
            navigation=tuple(Link(item.label, item.url) for item in config.navigation),
            footer_pages=tuple(
                Link(p.title, urls.page_url(p.slug)) for p in self.site.pages if p.menu is not None
            ),
        )
        self.events = {e.slug: self._event_view(e) for e in self.site.events}
        self.next_starts = {e.slug: upcoming_occurrences(e, self.now, 1) for e in self.site.events}
        self.startups = {s.slug: startup_view(s, self.site) for s in self.site.startups}
        self.places = {p.slug: place_view(p, self.site) for p in self.site.places}
        self.press = [press_view(r, self.media_sizes) for r in self.site.press]

    def body(self, source: Source) -> RenderedBody:
        return self.bodies[source.path]

    def _event_view(self, event: Event) -> EventView:
        next_dates: tuple[str, ...] = ()
        if event.recurrence is not None:
            starts = upcoming_occurrences(event, self.now, NEXT_DATES)
            next_dates = tuple(event_when(event, start) for start in starts)
        return event_view(event, self.site, next_dates)

    # --- helpers ---------------------------------------------------------------------------

    def meta(self, title: str, url: str, description: str = "", **extra: Any) -> PageMeta:
        config = self.site.config
        full_title = title if title == config.title else f"{title} — {config.title}"
        return PageMeta(
            full_title,
            description or config.description,
            url,
            urls.absolute(config.base_url, url),
            **extra,
        )

    def add(
        self,
        url: str,
        template: str,
        meta: PageMeta,
        source: Source | None = None,
        in_sitemap: bool = True,
        **context: Any,
    ) -> None:
        context.update(site=self.site_view, meta=meta)
        if source is not None:
            context["body"] = Markup(self.bodies[source.path].html)
        self.pages.append(PageToRender(url, template, context, source, in_sitemap))

    def feed(self, feed: CalendarFeed) -> CalendarFeedView:
        return feed_view(feed.name, urls.absolute(self.site.config.base_url, feed.url))

    def filters(self, city_url: Callable[[str], str], theme_url: Callable[[str], str]) -> Filters:
        """Links to the per-city and per-theme listings: filtering that needs no JavaScript."""
        config = self.site.config
        return Filters(
            cities=tuple(Link(name, city_url(slug)) for slug, name in config.cities.items()),
            themes=tuple(Link(t.name, theme_url(slug)) for slug, t in config.themes.items()),
        )

    def is_upcoming(self, event: Event) -> bool:
        return bool(self.next_starts[event.slug])

    def agenda_items(self, events: Iterable[Event], upcoming: bool) -> list[AgendaItem]:
        items = []
        for event in events:
            if upcoming:
                start = self.next_starts[event.slug][0]
                when = event_when(event, start)
            else:
                start, when = event.start, self.events[event.slug].when
            day = start.astimezone(event.timezone).date() if isinstance(start, datetime) else start
            items.append(AgendaItem(self.events[event.slug], when, day))
        return sorted(items, key=lambda item: (item.day, item.event.slug))

    def upcoming(self, events: Iterable[Event]) -> list[AgendaItem]:
        return self.agenda_items((e for e in events if self.is_upcoming(e)), upcoming=True)

    def past(self, events: Iterable[Event]) -> list[AgendaItem]:
        return self.agenda_items((e for e in events if not self.is_upcoming(e)), upcoming=False)


def by_month(items: list[AgendaItem]) -> tuple[Group, ...]:
    return tuple(
        Group(format_month(first_day), f"{first_day:%Y-%m}", tuple(group))
        for first_day, group in groupby(items, key=lambda item: item.day.replace(day=1))
    )


def by_year(items: list[AgendaItem]) -> tuple[Group, ...]:
    groups = [
        Group(str(year), str(year), tuple(group))
        for year, group in groupby(items, key=lambda item: item.day.year)
    ]
    return tuple(reversed(groups))


def plan_pages(
    site: Site,
    bodies: dict[str, RenderedBody],
    now: datetime,
    media_sizes: dict[str, int],
    redirects: dict[str, str],
) -> list[PageToRender]:
    """Every HTML page of the site, in a stable order."""
    planner = Planner(site, bodies, now, media_sizes)
    plan_home(planner)
    plan_agenda(planner)
    plan_startups(planner)
    plan_places(planner)
    plan_press(planner)
    plan_content_pages(planner)
    planner.add(
        "/404.html", "404.html", planner.meta("Page introuvable", "/404.html"), in_sitemap=False
    )
    for old, target in redirects.items():
        planner.add(
            old,
            "redirect.html",
            planner.meta("Page déplacée", old),
            in_sitemap=False,
            target=target,
            target_absolute=urls.absolute(site.config.base_url, target),
        )
    return planner.pages


def plan_home(planner: Planner) -> None:
    config = planner.site.config
    planner.add(
        "/",
        "home.html",
        planner.meta(config.title, "/", structured_data=(jsonld.organization(config),)),
        events=planner.upcoming(planner.site.events)[:HOME_EVENTS],
        press=planner.press[:HOME_PRESS],
        themes=tuple(config.themes.values()),
        figures=config.figures,
        cities=config.cities,
    )


def plan_agenda(planner: Planner) -> None:
    site = planner.site
    home = Link("Agenda", urls.AGENDA)
    filters = planner.filters(urls.city_agenda_url, urls.theme_agenda_url)
    feeds = {feed.url: planner.feed(feed) for feed in calendar_feeds(site.config)}
    planner.add(
        urls.SUBSCRIBE,
        "subscribe.html",
        planner.meta(
            "S'abonner à l'agenda",
            urls.SUBSCRIBE,
            "Suivre l'agenda numérique normand dans son agenda ou son lecteur de flux.",
            breadcrumbs=(home,),
        ),
        feeds=tuple(feeds.values()),
    )
    planner.add(
        urls.AGENDA,
        "agenda.html",
        planner.meta("Agenda", urls.AGENDA, "Les prochains événements du numérique en Normandie."),
        groups=by_month(planner.upcoming(site.events)),
        heading="Agenda",
        scope=None,
        feed=feeds[urls.CALENDAR_FEED],
        filters=filters,
    )
    planner.add(
        urls.ARCHIVES,
        "archives.html",
        planner.meta("Archives de l'agenda", urls.ARCHIVES, breadcrumbs=(home,)),
        groups=by_year(planner.past(site.events)),
    )
    for slug, name in site.config.cities.items():
        events = [e for e in site.events if site.city_of(e) == slug]
        url = urls.city_agenda_url(slug)
        planner.add(
            url,
            "agenda.html",
            planner.meta(f"Agenda à {name}", url, breadcrumbs=(home,)),
            groups=by_month(planner.upcoming(events)),
            heading=f"Agenda à {name}",
            scope=Link(name, url),
            feed=feeds[urls.city_calendar_url(slug)],
            filters=filters,
        )
    for slug, theme in site.config.themes.items():
        events = [e for e in site.events if slug in e.themes]
        url = urls.theme_agenda_url(slug)
        planner.add(
            url,
            "agenda.html",
            planner.meta(f"Agenda {theme.name}", url, breadcrumbs=(home,)),
            groups=by_month(planner.upcoming(events)),
            heading=f"Agenda : {theme.name}",
            scope=Link(theme.name, url),
            feed=feeds[urls.theme_calendar_url(slug)],
            filters=filters,
        )
    for event in site.events:
        view = planner.events[event.slug]
        meta = planner.meta(
            event.title,
            view.url,
            event.summary,
            og_type="article",
            image=_absolute_image(planner, view.image),
            draft=event.draft,
            breadcrumbs=(home,),
            structured_data=(jsonld.event(site.config, view, event),),
        )
        planner.add(
            view.url,
            "event.html",
            meta,
            event.source,
            event=view,
            is_past=not planner.is_upcoming(event),
        )


def plan_startups(planner: Planner) -> None:
    site = planner.site
    home = Link("Startups", urls.STARTUPS)
    filters = planner.filters(urls.city_startups_url, urls.theme_startups_url)
    everything = tuple(planner.startups.values())
    planner.add(
        urls.STARTUPS,
        "startups.html",
        planner.meta("Startups", urls.STARTUPS, "L'annuaire des startups normandes."),
        startups=everything,
        heading="Startups",
        scope=None,
        filters=filters,
    )
    for slug, name in site.config.cities.items():
        url = urls.city_startups_url(slug)
        chosen = tuple(s for s in everything if s.city.url == url)
        planner.add(
            url,
            "startups.html",
            planner.meta(f"Startups à {name}", url, breadcrumbs=(home,)),
            startups=chosen,
            heading=f"Startups à {name}",
            scope=Link(name, url),
            filters=filters,
        )
    for slug, theme in site.config.themes.items():
        url = urls.theme_startups_url(slug)
        chosen = tuple(s for s in everything if any(t.url == url for t in s.themes))
        planner.add(
            url,
            "startups.html",
            planner.meta(f"Startups {theme.name}", url, breadcrumbs=(home,)),
            startups=chosen,
            heading=f"Startups : {theme.name}",
            scope=Link(theme.name, url),
            filters=filters,
        )
    for startup in site.startups:
        view = planner.startups[startup.slug]
        meta = planner.meta(
            view.name,
            view.url,
            view.summary,
            image=_absolute_image(planner, view.logo),
            draft=view.draft,
            breadcrumbs=(home,),
            structured_data=(jsonld.startup(site.config, view),),
        )
        planner.add(view.url, "startup.html", meta, startup.source, startup=view)


def plan_places(planner: Planner) -> None:
    site = planner.site
    home = Link("Lieux", urls.PLACES)
    planner.add(
        urls.PLACES,
        "places.html",
        planner.meta("Lieux", urls.PLACES, "Totems, cantines et espaces de coworking."),
        places=tuple(planner.places.values()),
    )
    for place in site.places:
        view = planner.places[place.slug]
        events = [e for e in site.events if e.place == place.slug]
        meta = planner.meta(
            view.name,
            view.url,
            view.summary,
            image=_absolute_image(planner, view.image),
            draft=view.draft,
            breadcrumbs=(home,),
            structured_data=(jsonld.place(site.config, view),),
        )
        planner.add(
            view.url,
            "place.html",
            meta,
            place.source,
            place=view,
            upcoming=planner.upcoming(events),
            past=list(reversed(planner.past(events))),
            startups=tuple(
                planner.startups[s.slug] for s in site.startups if s.place == place.slug
            ),
        )


def plan_press(planner: Planner) -> None:
    home = Link("Presse", urls.PRESS)
    planner.add(
        urls.PRESS,
        "press_list.html",
        planner.meta("Espace presse", urls.PRESS, "Les communiqués de Normandy French Tech."),
        releases=tuple(planner.press),
    )
    for release, view in zip(planner.site.press, planner.press, strict=True):
        meta = planner.meta(
            view.title,
            view.url,
            view.summary,
            og_type="article",
            draft=view.draft,
            breadcrumbs=(home,),
            structured_data=(jsonld.news(planner.site.config, view),),
        )
        planner.add(view.url, "press.html", meta, release.source, release=view)


def plan_content_pages(planner: Planner) -> None:
    for page in planner.site.pages:
        view: PageView = page_view(page)
        meta = planner.meta(view.title, view.url, view.summary, draft=view.draft)
        planner.add(view.url, "page.html", meta, page.source, page=view)


def _absolute_image(planner: Planner, url: str | None) -> str | None:
    return urls.absolute(planner.site.config.base_url, url) if url else None


__all__ = ["PageToRender", "PlaceView", "PressView", "StartupView", "plan_pages"]
