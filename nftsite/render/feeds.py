"""RSS 2.0 and Atom feeds, written with feedgen: press releases, and the upcoming events.

feedgen stamps feeds with the clock by default; every date here is set from the content
and its history instead, so an unchanged site gives byte-identical feeds.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime, time
from functools import partial
from typing import Any

from feedgen.feed import FeedGenerator

from nftsite.core import urls
from nftsite.core.cache import Cache
from nftsite.link.history import EPOCH, History
from nftsite.link.site import Site
from nftsite.model.models import SiteConfig, Status
from nftsite.model.recurrence import upcoming_occurrences
from nftsite.render.calendars import event_location
from nftsite.render.typography import typeset_text
from nftsite.render.views import event_when


@dataclass(frozen=True)
class FeedItem:
    title: str
    url: str
    """Absolute; also the item's GUID / Atom id: it never changes for an entry."""
    summary: str
    published: datetime
    updated: datetime


@dataclass(frozen=True)
class FeedSpec:
    """One feed: its format ("rss" or "atom"), names, page and own address."""

    kind: str
    title: str
    description: str
    page: str
    feed: str


def _generator(config: SiteConfig, spec: FeedSpec, items: Sequence[FeedItem]) -> FeedGenerator:
    generator = FeedGenerator()
    generator.id(urls.absolute(config.base_url, spec.page))
    # Titles and summaries get French typography as characters (`typeset_text`).
    generator.title(typeset_text(spec.title))
    generator.subtitle(typeset_text(spec.description))
    # feedgen takes the last link as the RSS channel <link>: the page must come last.
    generator.link(href=urls.absolute(config.base_url, spec.feed), rel="self")
    generator.link(href=urls.absolute(config.base_url, spec.page), rel="alternate")
    generator.language(config.language)
    generator.author({"name": config.title, "email": config.contact})
    # An empty feed has no date of its own: a fixed one, never the clock (feedgen's default).
    latest = max((item.updated for item in items), default=EPOCH)
    generator.updated(latest)
    generator.lastBuildDate(latest)
    for item in items:
        entry = generator.add_entry(order="append")
        entry.id(item.url)
        entry.guid(item.url, permalink=True)
        entry.title(typeset_text(item.title))
        entry.link(href=item.url)
        # RSS readers show <description> as HTML: plain text is escaped once more, so
        # « <b> » in a summary reads as those characters, never as a tag (Atom's summary is
        # declared type="text" and needs no such care).
        summary = typeset_text(item.summary)
        entry.summary(html.escape(summary, quote=False) if spec.kind == "rss" else summary)
        entry.published(item.published)
        entry.updated(item.updated)
    return generator


def feed_bytes(config: SiteConfig, spec: FeedSpec, items: Sequence[FeedItem]) -> bytes:
    """The feed as RSS 2.0 or Atom 1.0, as `spec.kind` says."""
    generator = _generator(config, spec, items)
    return bytes(
        generator.rss_str(pretty=True) if spec.kind == "rss" else generator.atom_str(pretty=True)
    )


def cached_feed(
    cache: Cache, config: SiteConfig, spec: FeedSpec, items: Sequence[FeedItem]
) -> bytes:
    """feed_bytes, made again only when an item or the site changed."""
    # Shallow tuples: every field is plain already, and astuple's deep copy of hundreds of
    # items was most of a live edit's time.
    inputs = (config, _fields(spec), tuple(_fields(item) for item in items))
    return cache.memo("feed", inputs, partial(feed_bytes, config, spec, items))


def _fields(value: FeedItem | FeedSpec) -> tuple[Any, ...]:
    return tuple(getattr(value, name) for name in _NAMES[type(value)])


_NAMES = {kind: tuple(f.name for f in fields(kind)) for kind in (FeedItem, FeedSpec)}


def day_start(day: datetime | object, config: SiteConfig) -> datetime:
    """A press release's date as an instant: the start of that day in the site's zone."""
    assert not isinstance(day, datetime)
    return datetime.combine(day, time(), tzinfo=config.timezone)  # type: ignore[arg-type]


def stamped(published: datetime, path: str, text: str, history: History) -> datetime:
    """When an item was last updated (Atom's `updated`, RFC 4287 §4.2.15): its publication,
    or the last change to its own file after that; never the latest commit of the site."""
    revised = history.revised_at(path, text)
    return published if revised is None else max(published, revised)


def feed_files(site: Site, history: History, now: datetime, cache: Cache) -> dict[str, bytes]:
    """The press feeds (RSS and Atom) and the RSS feed of upcoming events."""
    config = site.config
    press = [
        FeedItem(
            title=release.title,
            url=urls.absolute(config.base_url, urls.press_url(release.slug)),
            summary=release.summary or release.title,
            published=(published := day_start(release.date, config)),
            updated=stamped(published, release.source.path, release.source.text, history),
        )
        for release in site.press
    ]
    events = []
    for event in site.events:
        starts = upcoming_occurrences(event, now, 1)
        if not starts:
            continue
        changed = history.changed_at(event.source.path, event.source.text)
        where = event_location(event, site) or ""
        when = event_when(event, starts[0])
        status = {Status.CANCELLED: "Annulé : ", Status.TENTATIVE: "À confirmer : "}.get(
            event.status, ""
        )
        summary = f"{when}{' — ' + where if where else ''}." + (
            f" {event.summary}" if event.summary else ""
        )
        events.append(
            FeedItem(
                status + event.title,
                urls.absolute(config.base_url, urls.event_url(event.slug)),
                summary,
                changed,
                changed,
            )
        )
    press_title = f"Communiqués de presse — {config.title}"
    press_text = "Les communiqués de presse de Normandy French Tech."
    specs_and_items = (
        (FeedSpec("rss", press_title, press_text, urls.PRESS, urls.PRESS_RSS), press),
        (FeedSpec("atom", press_title, press_text, urls.PRESS, urls.PRESS_ATOM), press),
        (
            FeedSpec(
                "rss",
                f"Prochains événements — {config.title}",
                "Les prochains événements de l'agenda numérique normand.",
                urls.AGENDA,
                urls.AGENDA_RSS,
            ),
            events,
        ),
    )
    return {
        urls.output_path(spec.feed): cached_feed(cache, config, spec, items)
        for spec, items in specs_and_items
    }
