"""The content model (docs/guide-contenu.md): one frozen dataclass per content type, as the comms team sees it.

Entries hold slugs, never other entries: references are resolved by the link stage (site.py).
Each entry keeps its `Source`, so a problem found late still points at a file and a line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from nftsite.core.problems import Position
from nftsite.core.reads import note, text_key


@dataclass(frozen=True)
class Source:
    """Where an entry comes from: its file, its slug, and the line of each of its fields."""

    path: str
    """Path relative to the project, as shown in problems (`content/events/2015/x.md`)."""
    slug: str
    full_text: str = field(repr=False)
    """The whole file: read it as `text` or `body`, which note the read (`core/reads.py`)."""
    body_start: int = 0
    body_line: int = 0
    positions: dict[str, Position] = field(default_factory=dict, hash=False, compare=False)

    @property
    def text(self) -> str:
        """The whole file: the body is a part of it, and a problem found late quotes its lines.
        Reading it is recorded: an output that quotes it depends on this file's text."""
        note(text_key(self.path))
        return self.full_text

    @property
    def body(self) -> str:
        """The Markdown text after the front matter."""
        return self.text[self.body_start :]

    def line_text(self, line: int) -> str:
        lines = self.text.splitlines()
        return lines[line - 1].rstrip() if 1 <= line <= len(lines) else ""

    def position(self, field_name: str) -> Position:
        return self.positions.get(field_name, Position(1, 1))


@dataclass(frozen=True)
class Theme:
    slug: str
    name: str
    city: str | None = None
    """The city that carries this innovation axis, if any."""
    summary: str = ""


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


@dataclass(frozen=True)
class Figure:
    """A key figure shown on the home page ("1 235" / "entreprises du numérique")."""

    value: str
    label: str


@dataclass(frozen=True)
class CityWording:
    """How French names a city after « à » and « de »: « au Havre », « du Havre »."""

    at: str
    of: str


ELIDED = frozenset("AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸaeiouyàâäéèêëîïôöùûüÿ")
"""First letters after which « de » loses its vowel: « d’Évreux »."""


def default_wording(name: str) -> CityWording:
    """French's defaults when site.yaml declares none: « à Caen », « de Caen », « d’Évreux »."""
    of = f"d’{name}" if name[:1] in ELIDED else f"de {name}"
    return CityWording(f"à {name}", of)


@dataclass(frozen=True)
class SiteConfig:
    """`content/site.yaml`: the site's identity and its shared vocabularies."""

    title: str
    base_url: str
    """Without a trailing slash: `https://www.normandyfrenchtech.fr`."""
    language: str
    timezone: ZoneInfo
    contact: str
    cities: dict[str, str]
    themes: dict[str, Theme]
    tagline: str = ""
    description: str = ""
    navigation: tuple[NavItem, ...] = ()
    figures: tuple[Figure, ...] = ()
    feed_past_months: int = 12
    """How far back the feeds reach; the site itself keeps the whole archive."""
    source: Source | None = None
    repository: str = ""
    """The GitHub page of the site's repository (`https://github.com/owner/name`, or
    `…/tree/branch`), or '': where « Proposer un événement » opens a new file."""
    declared_base_url: str = ""
    """site.yaml's own base_url when a build is published elsewhere (`--base-url`), else ''."""
    city_wordings: dict[str, CityWording] = field(default_factory=dict)
    """The cities whose site.yaml entry says how to write « à » and « de » before them
    (`le-havre: {name: Le Havre, a: au Havre, de: du Havre}`); see `city_at`."""

    def city_at(self, slug: str) -> str:
        """« à Caen », « au Havre »: the city after the preposition of place."""
        return self.city_wording(slug).at

    def city_of(self, slug: str) -> str:
        """« de Caen », « du Havre », « d’Évreux »: the city after « de »."""
        return self.city_wording(slug).of

    def city_wording(self, slug: str) -> CityWording:
        declared = self.city_wordings.get(slug)
        return declared or default_wording(self.cities.get(slug, slug))

    @property
    def home_url(self) -> str:
        """site.yaml's address, wherever this build is published: calendar UIDs are named
        after its host, so that an event keeps its identity from one address to another."""
        return self.declared_base_url or self.base_url


@dataclass(frozen=True)
class ImportOrigin:
    """Where an imported event comes from (`nftsite import`): the partner's agenda and the
    event's identity there, so the next import finds the same file again."""

    name: str
    """The source's slug in content/sources.yaml."""
    uid: str
    """The event's identifier at the source (its UID, or its OpenAgenda uid)."""
    url: str | None = None
    updated: date | datetime | None = None
    """The source's own last-modified time, when it gives one."""
    attribution: str | None = None
    licence: str | None = None


class Status(Enum):
    CONFIRMED = "confirmed"
    TENTATIVE = "tentative"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Event:
    """One event of the shared Normandy digital agenda."""

    source: Source
    title: str
    start: date | datetime
    """A date for an all-day event, else an aware date-time in `timezone`."""
    end: date | datetime | None
    """All-day: the last day itself (inclusive, as people write it). Timed: the end instant."""
    timezone: ZoneInfo
    place: str | None = None
    location: str | None = None
    city: str | None = None
    online: str | None = None
    organizer: str | None = None
    themes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    registration: str | None = None
    price: str | None = None
    status: Status = Status.CONFIRMED
    recurrence: str | None = None
    exdates: tuple[date | datetime, ...] = ()
    summary: str = ""
    image: str | None = None
    draft: bool = False
    uid: str | None = None
    origin: ImportOrigin | None = None
    """`source:` in the file: set by `nftsite import` on a partner's event."""
    frozen: bool = False
    """`import: fige`: the importer never rewrites this file."""
    duplicate_of: str | None = None
    """The UID of the event this one repeats: it is then left out of the site."""

    @property
    def slug(self) -> str:
        return self.source.slug

    @property
    def is_all_day(self) -> bool:
        return not isinstance(self.start, datetime)

    def last_day(self) -> date:
        """The last calendar day the event covers, in its own zone."""
        end = self.end or self.start
        if isinstance(end, datetime):
            # An event ending at midnight does not occupy the next day.
            local = end.astimezone(self.timezone)
            day = local.date()
            if (local.hour, local.minute, local.second) == (0, 0, 0) and day > self.first_day():
                return day - timedelta(days=1)
            return day
        return end

    def first_day(self) -> date:
        start = self.start
        return start.astimezone(self.timezone).date() if isinstance(start, datetime) else start

    def ends_at(self) -> datetime:
        """The instant the event is over, for "upcoming" versus "past"."""
        if isinstance(self.end, datetime):
            return self.end
        if isinstance(self.start, datetime):
            return self.start
        next_day = self.last_day() + timedelta(days=1)
        return datetime.combine(next_day, datetime.min.time(), tzinfo=self.timezone)


@dataclass(frozen=True)
class Startup:
    source: Source
    name: str
    city: str
    themes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    website: str | None = None
    founded: int | None = None
    logo: str | None = None
    place: str | None = None
    """The place that hosts the startup (a `places/` slug)."""
    summary: str = ""
    social: tuple[tuple[str, str], ...] = ()
    draft: bool = False

    @property
    def slug(self) -> str:
        return self.source.slug


@dataclass(frozen=True)
class Place:
    source: Source
    name: str
    kind: str
    address: str
    city: str
    geo: tuple[float, float] | None = None
    website: str | None = None
    access: str = ""
    """Step-free access and public transport, for visitors who need to plan."""
    hours: str = ""
    summary: str = ""
    image: str | None = None
    draft: bool = False

    @property
    def slug(self) -> str:
        return self.source.slug


@dataclass(frozen=True)
class PressRelease:
    source: Source
    title: str
    date: date
    summary: str = ""
    attachments: tuple[str, ...] = ()
    contact: str | None = None
    draft: bool = False

    @property
    def slug(self) -> str:
        return self.source.slug


@dataclass(frozen=True)
class Page:
    source: Source
    title: str
    menu: int | None = None
    """Order in the footer navigation; pages without it are not listed there."""
    summary: str = ""
    draft: bool = False

    @property
    def slug(self) -> str:
        return self.source.slug


Entry = Event | Startup | Place | PressRelease | Page
