"""The planner's toolkit: page metadata, list groupings and the views shared by many pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from itertools import groupby
from typing import Any

from markupsafe import Markup

from nftsite.content.sanitize import published_body
from nftsite.core import urls
from nftsite.core.cache import Cache
from nftsite.link.site import Site
from nftsite.model.models import Event, Place, SiteConfig, Source
from nftsite.model.recurrence import upcoming_occurrences
from nftsite.render.calendars import CalendarFeed
from nftsite.render.date_wording import format_month
from nftsite.render.markdown import RenderedBody
from nftsite.render.subscriptions import CalendarFeedView, feed_view
from nftsite.render.views import (
    EventView,
    Link,
    event_view,
    event_when,
    place_view,
    press_view,
    startup_view,
)

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
    body: str = ""
    """The entry's body as HTML (shared with the Markdown stage, not copied): the template
    gets it as `body` when the page renders. It is nh3's output (`sanitize.py`), which is
    what makes it safe to mark as Markup; under a base path its site paths carry it too
    (`sanitize.published_body`, which inserts nothing but that path)."""

    def render_context(self) -> dict[str, Any]:
        return {**self.context, "body": Markup(self.body)} if self.source else self.context


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
    base_path: str = ""
    """The folder the site is published in (`/depot`), or '' at the root of its host."""

    def path(self, url: str) -> str:
        """What a template writes for a site path, so that every link and asset works
        wherever the site is published: `{{ site.path(event.url) }}`, `site.path('/')`."""
        return urls.published(url, self.base_path)


def site_view(config: SiteConfig, footer: tuple[tuple[str, str], ...]) -> SiteView:
    return SiteView(
        title=config.title,
        tagline=config.tagline,
        description=config.description,
        base_url=config.base_url,
        base_path=urls.base_path(config.base_url),
        language=config.language,
        contact=config.contact,
        navigation=tuple(Link(item.label, item.url) for item in config.navigation),
        footer_pages=tuple(Link(title, urls.page_url(slug)) for title, slug in footer),
    )


@dataclass
class Planner:
    """Builds the list of pages from a linked site, the rendered bodies and `now`."""

    site: Site
    bodies: dict[str, RenderedBody]
    now: datetime
    media_sizes: dict[str, int]
    cache: Cache
    """Its `memo` hands back the views of unchanged entries in a running preview."""
    pages: list[PageToRender] = field(default_factory=list)

    def __post_init__(self) -> None:
        config = self.site.config
        footer = tuple((p.title, p.slug) for p in self.site.pages if p.menu is not None)
        self.site_view = self.cache.memo(
            "site-view", (config, footer), partial(site_view, config, footer)
        )
        site, memo = self.site, self.cache.memo
        self.next_starts = {e.slug: upcoming_occurrences(e, self.now, 1) for e in site.events}
        self.events = {e.slug: self._event_view(e) for e in site.events}
        self.startups = {
            s.slug: memo(
                "startup-view", (s, self._place(s.place), config), partial(startup_view, s, site)
            )
            for s in site.startups
        }
        self.places = {
            p.slug: memo("place-view", (p, config), partial(place_view, p, site))
            for p in site.places
        }
        self.press = [
            memo(
                "press-view",
                (r, tuple(self.media_sizes.get(a) for a in r.attachments)),
                partial(press_view, r, self.media_sizes),
            )
            for r in site.press
        ]

    def _place(self, slug: str | None) -> Place | None:
        return self.site.place(slug) if slug is not None else None

    def _event_view(self, event: Event) -> EventView:
        next_dates: tuple[str, ...] = ()
        if event.recurrence is not None:
            starts = upcoming_occurrences(event, self.now, NEXT_DATES)
            next_dates = tuple(event_when(event, start) for start in starts)
        organizer = self.site.startup(event.organizer) if event.organizer else None
        inputs = (event, self._place(event.place), organizer, self.site.config, next_dates)
        return self.cache.memo(
            "event-view", inputs, partial(event_view, event, self.site, next_dates)
        )

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

    def entry_meta(
        self,
        view: Any,
        title: str,
        summary: str,
        crumb: Link | None = None,
        structured: Callable[[], dict[str, Any]] | None = None,
        image: str | None = None,
        og_type: str = "website",
    ) -> PageMeta:
        """An entry page's metadata, made again only when its view (or the site) changed."""

        def make() -> PageMeta:
            base_url = self.site.config.base_url
            return self.meta(
                title,
                view.url,
                summary,
                og_type=og_type,
                image=urls.absolute(base_url, image) if image else None,
                draft=view.draft,
                breadcrumbs=(crumb,) if crumb else (),
                structured_data=(structured(),) if structured else (),
            )

        return self.cache.memo("meta", (view, self.site.config), make)

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
        body = self.bodies[source.path].html if source is not None else ""
        if self.site_view.base_path:
            body = published_body(body, self.site_view.base_path)
        self.pages.append(PageToRender(url, template, context, source, in_sitemap, body))

    def feed(self, feed: CalendarFeed) -> CalendarFeedView:
        upcoming = sum(
            1 for e in self.site.events if self.is_upcoming(e) and feed.selects(e, self.site)
        )
        return feed_view(feed.name, urls.absolute(self.site.config.base_url, feed.url), upcoming)

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
