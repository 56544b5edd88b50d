"""The planner: each page's typed context (`pages.py`), and the views many pages share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from itertools import groupby
from typing import Any, Protocol

from nftsite.content.media_images import ImageFacts
from nftsite.content.sanitize import published_body
from nftsite.core import urls
from nftsite.core.cache import Cache
from nftsite.core.reads import recording
from nftsite.link.facets import Facet
from nftsite.link.site import Site
from nftsite.model.models import Event, Place, SiteConfig, Source
from nftsite.model.recurrence import upcoming_occurrences
from nftsite.render import jsonld, ogimage
from nftsite.render.calendars import CalendarFeed
from nftsite.render.date_wording import format_month
from nftsite.render.markdown import RenderedBody
from nftsite.render.pages import (
    AgendaItem,
    Filters,
    Group,
    PageContext,
    PageMeta,
    SiteView,
)
from nftsite.render.pages import PageToRender as PageToRender  # what `Planner.pages` holds
from nftsite.render.subscriptions import CalendarFeedView, feed_view
from nftsite.render.views import (
    EventView,
    Link,
    event_view,
    event_when,
    organizer_entry,
    place_view,
    press_view,
    startup_view,
)

NEXT_DATES = 6


class EntryView(Protocol):
    """What an entry page's metadata reads from the entry's view."""

    @property
    def url(self) -> str: ...
    @property
    def draft(self) -> bool: ...


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
    bodies: Mapping[str, RenderedBody]
    now: datetime
    media_sizes: dict[str, int]
    cache: Cache
    images: dict[str, ImageFacts] = field(default_factory=dict)
    """Sizes of the content's images and the SVG logos to inline (content/media_images.py)."""
    """Its `memo` hands back the views of unchanged entries in a running preview."""
    pages: list[PageToRender] = field(default_factory=list)

    def __post_init__(self) -> None:
        config = self.site.config
        footer = tuple((p.title, p.slug) for p in self.site.pages if p.menu is not None)
        self.site_view = self.cache.memo(
            "site-view", (config, footer), partial(site_view, config, footer)
        )
        self.default_card = ogimage.default_card(config)
        site, memo = self.site, self.cache.memo
        self.next_starts = {e.slug: upcoming_occurrences(e, self.now, 1) for e in site.events}
        self.events = {e.slug: self._event_view(e) for e in site.events}
        self.startups = {
            s.slug: memo(
                "startup-view",
                (s, self._place(s.place), config, self.images.get(s.logo or "")),
                partial(startup_view, s, site, self.images),
            )
            for s in site.startups
        }
        self.places = {
            p.slug: memo(
                "place-view",
                (p, config, self.images.get(p.image or "")),
                partial(place_view, p, site, self.images),
            )
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
        organizer = organizer_entry(event.organizer, self.site)
        image = self.images.get(event.image or "")
        inputs = (event, self._place(event.place), organizer, self.site.config, next_dates, image)
        return self.cache.memo(
            "event-view", inputs, partial(event_view, event, self.site, next_dates, self.images)
        )

    # --- helpers ---------------------------------------------------------------------------

    def meta(
        self,
        title: str,
        url: str,
        description: str = "",
        *,
        og_type: str = "website",
        structured_data: tuple[dict[str, Any], ...] = (),
        draft: bool = False,
        breadcrumbs: tuple[Link, ...] = (),
        card: ogimage.Card | None = None,
    ) -> PageMeta:
        """A page's <head>; its share preview is `card`'s, else the site's default one."""
        config = self.site.config
        full_title = title if title == config.title else f"{title} — {config.title}"
        if breadcrumbs:
            # The breadcrumb base.html shows, for search engines too.
            structured_data = (*structured_data, jsonld.breadcrumb_list(config, breadcrumbs))
        card = card or self.default_card
        return PageMeta(
            full_title,
            description or config.description,
            url,
            urls.absolute(config.base_url, url),
            og_type,
            urls.absolute(config.base_url, card.url),
            structured_data,
            draft,
            breadcrumbs,
            card.alt,
            ogimage.WIDTH,
            ogimage.HEIGHT,
        )

    def entry_meta(
        self,
        view: EntryView,
        title: str,
        summary: str,
        crumb: Link | None = None,
        structured: Callable[[], dict[str, Any] | None] | None = None,
        card: ogimage.Card | None = None,
        og_type: str = "website",
    ) -> PageMeta:
        """An entry page's metadata, made again only when its view (or the site) changed."""

        def make() -> PageMeta:
            data = structured() if structured else None
            return self.meta(
                title,
                view.url,
                summary,
                og_type=og_type,
                card=card,
                draft=view.draft,
                breadcrumbs=(crumb,) if crumb else (),
                structured_data=(data,) if data else (),
            )

        return self.cache.memo("meta", (view, self.site.config), make)

    def add(
        self,
        url: str,
        page: PageContext,
        meta: PageMeta,
        source: Source | None = None,
        in_sitemap: bool = True,
    ) -> None:
        """Plan a page; one that shows a content file (`page.shows_body`) is given it."""
        if page.shows_body != (source is not None):
            raise ValueError(
                f"{type(page).__name__} at {url}: a content file is expected "
                "exactly when the page shows a body"
            )
        with recording() as reads:  # the page's own reads, not the whole plan's
            body = page_body(self.bodies, source, self.site_view.base_path)
        self.pages.append(
            PageToRender(
                url, page, meta, self.site_view, source, in_sitemap, body, frozenset(reads)
            )
        )

    def feed(self, feed: CalendarFeed) -> CalendarFeedView:
        upcoming = sum(1 for e in feed.events(self.site) if self.is_upcoming(e))
        return feed_view(feed.name, urls.absolute(self.site.config.base_url, feed.url), upcoming)

    def filters(self, url_of: Callable[[Facet], str]) -> Filters:
        """Links to each city's and each theme's listing (`url_of` picks which listing)."""
        facets = self.site.facets
        return Filters(
            cities=tuple(Link(f.name, url_of(f)) for f in facets.cities),
            themes=tuple(Link(f.name, url_of(f)) for f in facets.themes),
        )

    def is_upcoming(self, event: Event) -> bool:
        return bool(self.next_starts[event.slug])

    def agenda_items(self, events: Iterable[Event], upcoming: bool) -> tuple[AgendaItem, ...]:
        items = []
        for event in events:
            if upcoming:
                start = self.next_starts[event.slug][0]
                when = event_when(event, start)
            else:
                start, when = event.start, self.events[event.slug].when
            day = start.astimezone(event.timezone).date() if isinstance(start, datetime) else start
            ends = event.ends_at().isoformat() if upcoming and event.recurrence is None else ""
            items.append(AgendaItem(self.events[event.slug], when, day, ends))
        return tuple(sorted(items, key=lambda item: (item.day, item.event.slug)))

    def upcoming(self, events: Iterable[Event]) -> tuple[AgendaItem, ...]:
        return self.agenda_items((e for e in events if self.is_upcoming(e)), upcoming=True)

    def past(self, events: Iterable[Event]) -> tuple[AgendaItem, ...]:
        return self.agenda_items((e for e in events if not self.is_upcoming(e)), upcoming=False)


def page_body(bodies: Mapping[str, RenderedBody], source: Source | None, base_path: str) -> str:
    """The HTML a page shows as its body: its content file's, under the site's base path."""
    body = bodies[source.path].html if source is not None else ""
    return published_body(body, base_path) if base_path else body


def by_month(items: tuple[AgendaItem, ...]) -> tuple[Group, ...]:
    return tuple(
        Group(format_month(first_day), f"{first_day:%Y-%m}", tuple(group))
        for first_day, group in groupby(items, key=lambda item: item.day.replace(day=1))
    )


def by_year(items: tuple[AgendaItem, ...]) -> tuple[Group, ...]:
    groups = [
        Group(str(year), str(year), tuple(group))
        for year, group in groupby(items, key=lambda item: item.day.year)
    ]
    return tuple(reversed(groups))
