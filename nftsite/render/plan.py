"""The page plan: every HTML page of the site, its template and the context it shows.

This is the one place that decides what each page shows (`pages.py` types it); templates
only lay it out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from functools import partial
from urllib.parse import urlsplit

from nftsite.content.config import new_file_url
from nftsite.content.kinds import kind_named
from nftsite.content.media_images import ImageFacts
from nftsite.content.schema import EVENT_FIELDS
from nftsite.core import urls
from nftsite.core.cache import Cache
from nftsite.core.folders import CONTENT_FOLDER
from nftsite.link.facets import Facet
from nftsite.link.site import Site
from nftsite.model.models import Event
from nftsite.render import jsonld, ogimage
from nftsite.render.calendars import calendar_feeds
from nftsite.render.context import Planner, by_month, by_year
from nftsite.render.markdown import RenderedBody
from nftsite.render.pages import (
    AgendaItem,
    AgendaPage,
    ArchivesPage,
    Choice,
    ContentPage,
    EventPage,
    HomePage,
    NotFoundPage,
    PageToRender,
    PlacePage,
    PlacesPage,
    PressListPage,
    PressPage,
    ProposedField,
    ProposePage,
    RedirectPage,
    SearchPage,
    StartupPage,
    StartupsPage,
    SubscribePage,
)
from nftsite.render.placemap import places_map
from nftsite.render.selections import PERIOD_NAMES, Combinations, period_of
from nftsite.render.views import Link, PageView, StartupView, page_view

HOME_EVENTS = 4
HOME_PRESS = 3

SCOPED_TITLE = {"city": "{list} {at}", "theme": "{list} {name}"}
"""A city's or a theme's listing in <title>: "Agenda à Caen", "Agenda au Havre", "Startups
Smart city" (`at` is the city with its preposition, from site.yaml)."""
SCOPED_HEADING = {"city": "{list} {at}", "theme": "{list} : {name}"}
"""The same listing's <h1>: "Agenda à Caen", "Startups : Smart city"."""


def scoped(wording: dict[str, str], listing: str, facet: Facet) -> str:
    return wording[facet.kind].format(list=listing, name=facet.name, at=facet.at)


def plan_pages(
    site: Site,
    bodies: Mapping[str, RenderedBody],
    now: datetime,
    media_sizes: dict[str, int],
    redirects: dict[str, str],
    cache: Cache,
    images: dict[str, ImageFacts] | None = None,
) -> list[PageToRender]:
    """Every HTML page of the site, in a stable order."""
    planner = Planner(site, bodies, now, media_sizes, cache, images or {})
    plan_home(planner)
    plan_agenda(planner)
    plan_propose(planner)
    plan_startups(planner)
    plan_places(planner)
    plan_press(planner)
    plan_content_pages(planner)
    plan_search(planner)
    not_found = planner.meta("Page introuvable", urls.NOT_FOUND)
    planner.add(urls.NOT_FOUND, NotFoundPage(), not_found, in_sitemap=False)
    for old, target in redirects.items():
        page = RedirectPage(target, urls.absolute(site.config.base_url, target))
        planner.add(old, page, planner.meta("Page déplacée", old), in_sitemap=False)
    return planner.pages


def plan_home(planner: Planner) -> None:
    config = planner.site.config
    page = HomePage(
        events=planner.upcoming(planner.site.events)[:HOME_EVENTS],
        press=tuple(planner.press[:HOME_PRESS]),
        themes=tuple(config.themes.values()),
        figures=config.figures,
        cities=config.cities,
        theme_urls=home_theme_urls(planner),
    )
    meta = planner.meta(config.title, urls.HOME, structured_data=(jsonld.organization(config),))
    planner.add(urls.HOME, page, meta)


def home_theme_urls(planner: Planner) -> dict[str, str]:
    """Where each theme's card leads: its startups, else its agenda, else the directory, so
    that no card leads to an empty page."""
    found = {}
    for facet in planner.site.facets.themes:
        if facet.startups:
            found[facet.slug] = facet.startups_url
        elif planner.upcoming(facet.events):
            found[facet.slug] = facet.agenda_url
        else:
            found[facet.slug] = urls.STARTUPS
    return found


def agenda_combinations(planner: Planner) -> Combinations:
    """The upcoming events by city, theme and period (cut from `now`)."""
    site, config = planner.site, planner.site.config
    by_slug = {event.slug: event for event in site.events}
    entries = []
    for item in planner.upcoming(site.events):
        event = by_slug[item.event.slug]
        city = site.city_of(event)
        period = period_of(item.day, planner.now, config.timezone)
        slugs = (frozenset({city} if city else ()), frozenset(event.themes), frozenset({period}))
        entries.append((item, slugs))
    facets = [
        ("Ville", dict(config.cities)),
        ("Thème", {slug: theme.name for slug, theme in config.themes.items()}),
        ("Période", PERIOD_NAMES),
    ]
    return Combinations(facets, entries, lambda key: urls.agenda_choice_url(*key))


def plan_agenda_choices(
    planner: Planner, combos: Combinations, page: AgendaPage, filters_home: Link
) -> None:
    """The combination pages of the agenda: one per non-empty mix of facets."""
    for key in combos.lists:
        url = combos.url_of(key)
        if not url.startswith(urls.AGENDA_CHOICE) or not combos.count(key):
            continue
        items = tuple(i for i in combos.lists[key] if isinstance(i, AgendaItem))
        names = combos.describe(key).rsplit(" (", 1)[0]
        shown = replace(
            page,
            heading=f"Agenda : {names}",
            scope=None,
            groups=by_month(items),
            choices=combos.choices(key, period_index=2),
        )
        meta = planner.meta(f"Agenda : {names}", url, breadcrumbs=(filters_home,))
        planner.add(url, shown, meta)


def plan_agenda(planner: Planner) -> None:
    site = planner.site
    home = Link("Agenda", urls.AGENDA)
    filters = planner.filters(lambda facet: facet.agenda_url)
    feeds = {feed.url: planner.feed(feed) for feed in calendar_feeds(site)}
    planner.add(
        urls.SUBSCRIBE,
        SubscribePage(tuple(feeds.values())),
        planner.meta(
            "S'abonner à l'agenda",
            urls.SUBSCRIBE,
            "Suivre l'agenda numérique normand dans son agenda ou son lecteur de flux.",
            breadcrumbs=(home,),
        ),
    )
    combos = agenda_combinations(planner)
    agenda = AgendaPage(
        heading="Agenda",
        scope=None,
        groups=by_month(planner.upcoming(site.events)),
        feed=feeds[urls.CALENDAR_FEED],
        filters=filters,
        choices=combos.choices((None, None, None), period_index=2),
    )
    planner.add(
        urls.AGENDA,
        agenda,
        planner.meta("Agenda", urls.AGENDA, "Les prochains événements du numérique en Normandie."),
    )
    plan_agenda_choices(planner, combos, agenda, home)
    planner.add(
        urls.ARCHIVES,
        ArchivesPage(by_year(planner.past(site.events))),
        planner.meta("Archives de l'agenda", urls.ARCHIVES, breadcrumbs=(home,)),
    )
    for facet in site.facets:
        url = facet.agenda_url
        key = (facet.slug, None, None) if facet.kind == "city" else (None, facet.slug, None)
        choices = combos.choices(key, period_index=2)
        if facet.kind == "city" and not choices.count:
            # the link's words, with the city's own « de » (« du Havre », « d'Évreux »)
            feed = Link(f"flux de l'agenda {site.config.city_of(facet.slug)}", facet.calendar_url)
            choices = replace(choices, feed=feed)
        page = AgendaPage(
            heading=scoped(SCOPED_HEADING, "Agenda", facet),
            scope=Link(facet.name, url),
            groups=by_month(planner.upcoming(facet.events)),
            feed=feeds[facet.calendar_url],
            filters=filters,
            choices=choices,
        )
        meta = planner.meta(scoped(SCOPED_TITLE, "Agenda", facet), url, breadcrumbs=(home,))
        planner.add(url, page, meta)
    for event in site.events:
        view = planner.events[event.slug]
        meta = planner.entry_meta(
            view,
            event.title,
            event.summary,
            home,
            partial(jsonld.event, site.config, view, event),
            card=ogimage.event_card(view, site.config),
            og_type="article",
        )
        ends = event.ends_at().isoformat() if event.recurrence is None else ""
        shown = EventPage(event=view, is_past=not planner.is_upcoming(event), ends=ends)
        planner.add(view.url, shown, meta, event.source)


PROPOSED_FIELDS = (
    ("title", "Titre"),
    ("start", "Début"),
    ("end", "Fin"),
    ("city", "Ville"),
    ("place", "Lieu"),
    ("themes", "Thèmes"),
    ("organizer", "Organisateur"),
    ("registration", "Inscription"),
)
"""The event fields « Proposer un événement » asks for (those `nftsite new` documents that
a proposer knows), with their French labels; what each holds is the schema's help."""
PROPOSAL_REQUIRED = {"title", "start", "city"}
"""What the form insists on: the schema's required fields, and the city, so that the
event is listed where it happens."""


def plan_propose(planner: Planner) -> None:
    site = planner.site
    config = site.config
    specs = {spec.name: spec for spec in EVENT_FIELDS}
    folder = f"{CONTENT_FOLDER}/{kind_named('event').folder}"
    page = ProposePage(
        fields=tuple(
            ProposedField(name, label, specs[name].help, name in PROPOSAL_REQUIRED)
            for name, label in PROPOSED_FIELDS
        ),
        cities=tuple(Choice(slug, name) for slug, name in config.cities.items()),
        themes=tuple(Choice(slug, theme.name) for slug, theme in config.themes.items()),
        places=tuple(
            Choice(
                place.slug,
                f"{place.name} ({config.cities.get(place.city, place.city)})",
                place.city,
            )
            for place in sorted(site.places, key=lambda place: place.name)
        ),
        new_file_url=new_file_url(config.repository, folder) if config.repository else "",
        uid_host=urlsplit(config.home_url).hostname or "",
    )
    meta = planner.meta(
        "Proposer un événement",
        urls.PROPOSE,
        "Proposer un événement pour l'agenda numérique normand.",
        breadcrumbs=(Link("Agenda", urls.AGENDA),),
    )
    planner.add(urls.PROPOSE, page, meta)


def plan_search(planner: Planner) -> None:
    meta = planner.meta(
        "Rechercher",
        urls.SEARCH,
        "Rechercher un événement, une startup, un lieu ou un communiqué de Normandy French Tech.",
    )
    planner.add(urls.SEARCH, SearchPage(), meta)


def plan_startups(planner: Planner) -> None:
    site = planner.site
    home = Link("Startups", urls.STARTUPS)
    filters = planner.filters(lambda facet: facet.startups_url)
    config = site.config
    combos = Combinations(
        [
            ("Ville", dict(config.cities)),
            ("Thème", {slug: theme.name for slug, theme in config.themes.items()}),
        ],
        [
            (planner.startups[s.slug], (frozenset({s.city}), frozenset(s.themes)))
            for s in site.startups
        ],
        lambda key: urls.startups_choice_url(*key),
    )
    directory = StartupsPage(
        heading="Startups",
        scope=None,
        startups=tuple(planner.startups.values()),
        filters=filters,
        choices=combos.choices((None, None)),
    )
    planner.add(
        urls.STARTUPS,
        directory,
        planner.meta("Startups", urls.STARTUPS, "L'annuaire des startups normandes."),
    )
    for key in combos.lists:
        url = combos.url_of(key)
        if url.startswith(urls.STARTUPS_CHOICE) and combos.count(key):
            names = combos.describe(key).rsplit(" (", 1)[0]
            shown = replace(
                directory,
                heading=f"Startups : {names}",
                startups=tuple(s for s in combos.lists[key] if isinstance(s, StartupView)),
                choices=combos.choices(key),
            )
            planner.add(url, shown, planner.meta(f"Startups : {names}", url, breadcrumbs=(home,)))
    for facet in site.facets:
        url = facet.startups_url
        key = (facet.slug, None) if facet.kind == "city" else (None, facet.slug)
        page = StartupsPage(
            heading=scoped(SCOPED_HEADING, "Startups", facet),
            scope=Link(facet.name, url),
            startups=tuple(planner.startups[s.slug] for s in facet.startups),
            filters=filters,
            choices=combos.choices(key),
        )
        meta = planner.meta(scoped(SCOPED_TITLE, "Startups", facet), url, breadcrumbs=(home,))
        planner.add(url, page, meta)
    for startup in site.startups:
        view = planner.startups[startup.slug]
        meta = planner.entry_meta(
            view,
            view.name,
            view.summary,
            home,
            partial(jsonld.startup, site.config, view),
        )
        planner.add(view.url, StartupPage(view), meta, startup.source)


def plan_places(planner: Planner) -> None:
    site = planner.site
    home = Link("Lieux", urls.PLACES)
    planner.add(
        urls.PLACES,
        PlacesPage(
            tuple(planner.places.values()),
            places_map(planner.places.values(), upcoming_at(planner)),
        ),
        planner.meta("Lieux", urls.PLACES, "Totems, cantines et espaces de coworking."),
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
            card=ogimage.place_card(view, site.config),
        )
        page = PlacePage(
            place=view,
            upcoming=planner.upcoming(events),
            past=tuple(reversed(planner.past(events))),
            startups=tuple(hosted.get(place.slug, ())),
        )
        planner.add(view.url, page, meta, place.source)


def upcoming_at(planner: Planner) -> dict[str, int]:
    """How many upcoming events each place hosts (for the map's markers)."""
    found: dict[str, int] = {}
    for event in planner.site.events:
        if event.place is not None and planner.is_upcoming(event):
            found[event.place] = found.get(event.place, 0) + 1
    return found


def plan_press(planner: Planner) -> None:
    home = Link("Presse", urls.PRESS)
    planner.add(
        urls.PRESS,
        PressListPage(tuple(planner.press)),
        planner.meta("Espace presse", urls.PRESS, "Les communiqués de Normandy French Tech."),
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
        planner.add(view.url, PressPage(view), meta, release.source)


def plan_content_pages(planner: Planner) -> None:
    for page in planner.site.pages:
        view: PageView = planner.cache.memo("page-view", (page,), partial(page_view, page))
        meta = planner.entry_meta(view, view.title, view.summary)
        planner.add(view.url, ContentPage(view), meta, page.source)
