"""The page plan: every HTML page of the site, its template and the context it shows.

This is the one place that decides what each page shows; templates only lay it out.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from nftsite.core import urls
from nftsite.core.cache import Cache
from nftsite.link.site import Site
from nftsite.model.models import Event
from nftsite.render import jsonld
from nftsite.render.calendars import calendar_feeds
from nftsite.render.context import PageToRender, Planner, by_month, by_year
from nftsite.render.markdown import RenderedBody
from nftsite.render.views import Link, PageView, StartupView, page_view

HOME_EVENTS = 4
HOME_PRESS = 3


def plan_pages(
    site: Site,
    bodies: dict[str, RenderedBody],
    now: datetime,
    media_sizes: dict[str, int],
    redirects: dict[str, str],
    cache: Cache,
) -> list[PageToRender]:
    """Every HTML page of the site, in a stable order."""
    planner = Planner(site, bodies, now, media_sizes, cache)
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
        meta = planner.entry_meta(
            view,
            event.title,
            event.summary,
            home,
            partial(jsonld.event, site.config, view, event),
            image=view.image,
            og_type="article",
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
        meta = planner.entry_meta(
            view,
            view.name,
            view.summary,
            home,
            partial(jsonld.startup, site.config, view),
            image=view.logo,
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
    events_at: dict[str, list[Event]] = {}
    hosted: dict[str, list[StartupView]] = {}
    for event in site.events:
        if event.place is not None:
            events_at.setdefault(event.place, []).append(event)
    for startup in site.startups:
        if startup.place is not None:
            hosted.setdefault(startup.place, []).append(planner.startups[startup.slug])
    for place in site.places:
        view = planner.places[place.slug]
        events = events_at.get(place.slug, [])
        meta = planner.entry_meta(
            view,
            view.name,
            view.summary,
            home,
            partial(jsonld.place, site.config, view),
            image=view.image,
        )
        planner.add(
            view.url,
            "place.html",
            meta,
            place.source,
            place=view,
            upcoming=planner.upcoming(events),
            past=list(reversed(planner.past(events))),
            startups=tuple(hosted.get(place.slug, ())),
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
        meta = planner.entry_meta(
            view,
            view.title,
            view.summary,
            home,
            partial(jsonld.news, planner.site.config, view),
            og_type="article",
        )
        planner.add(view.url, "press.html", meta, release.source, release=view)


def plan_content_pages(planner: Planner) -> None:
    for page in planner.site.pages:
        view: PageView = planner.cache.memo("page-view", (page,), partial(page_view, page))
        meta = planner.entry_meta(view, view.title, view.summary)
        planner.add(view.url, "page.html", meta, page.source, page=view)
