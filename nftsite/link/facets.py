"""Facets: a city or a theme, the slice of the site it selects and the addresses it has.

The agenda, the startup directory and the calendar feeds each have one listing per city and
per theme; a `Facet` is built once per site (`Site.facets`) and each of them reads it, so the
rule "which events are in Rouen's agenda" is written once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from nftsite.core import urls
from nftsite.model.models import Event, SiteConfig, Startup

FacetKind = Literal["city", "theme"]


@dataclass(frozen=True)
class Facet:
    """A city or a theme: its slug, its name as shown, what it selects and its addresses."""

    kind: FacetKind
    slug: str
    name: str
    events: tuple[Event, ...]
    """In the site's order (by start, then slug)."""
    startups: tuple[Startup, ...]
    """In the site's order (by name)."""
    agenda_url: str
    startups_url: str
    calendar_url: str
    at: str = ""
    """A city after « à » (« à Caen », « au Havre », from site.yaml); '' for a theme."""


@dataclass(frozen=True)
class Facets:
    """Every city, then every theme, in the order of the site's configuration."""

    cities: tuple[Facet, ...]
    themes: tuple[Facet, ...]

    def __iter__(self) -> Iterator[Facet]:
        yield from self.cities
        yield from self.themes


def build_facets(
    config: SiteConfig,
    events: tuple[Event, ...],
    startups: tuple[Startup, ...],
    city_of: Callable[[Event], str | None],
) -> Facets:
    """The site's facets; `city_of` tells an event's city (its own, or its place's)."""
    cities = tuple(
        Facet(
            "city",
            slug,
            name,
            tuple(e for e in events if city_of(e) == slug),
            tuple(s for s in startups if s.city == slug),
            urls.city_agenda_url(slug),
            urls.city_startups_url(slug),
            urls.city_calendar_url(slug),
            at=config.city_at(slug),
        )
        for slug, name in config.cities.items()
    )
    themes = tuple(
        Facet(
            "theme",
            slug,
            theme.name,
            tuple(e for e in events if slug in e.themes),
            tuple(s for s in startups if slug in s.themes),
            urls.theme_agenda_url(slug),
            urls.theme_startups_url(slug),
            urls.theme_calendar_url(slug),
        )
        for slug, theme in config.themes.items()
    )
    return Facets(cities, themes)
