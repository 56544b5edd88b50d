"""Stage 3, link: index entries by slug, resolve references, find duplicates, drop drafts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from typing import TypeVar

from nftsite.content.kinds import entry_url, kind_of
from nftsite.core import urls
from nftsite.core.problems import Problem, Problems, Severity, did_you_mean, suggestion_hint
from nftsite.core.slugs import SLUG_PATTERN
from nftsite.link.facets import Facets, build_facets
from nftsite.model.models import Entry, Event, Page, Place, PressRelease, SiteConfig, Startup

CLASH_VERB = {
    urls.SAME: "remplacerait",
    urls.ABOVE: "recouvrirait",
    urls.NAMESAKE: "se confondrait avec",
}

E = TypeVar("E", bound=Entry)


@dataclass(frozen=True)
class Site:
    """Every published entry, validated and cross-checked: what the render stage reads."""

    config: SiteConfig
    events: tuple[Event, ...]
    """Sorted by start, then slug."""
    startups: tuple[Startup, ...]
    places: tuple[Place, ...]
    press: tuple[PressRelease, ...]
    """Newest first."""
    pages: tuple[Page, ...]

    def entries(self) -> tuple[Entry, ...]:
        """Every published entry, of every kind."""
        return (*self.events, *self.startups, *self.places, *self.press, *self.pages)

    @cached_property
    def _places_by_slug(self) -> dict[str, Place]:
        return {place.slug: place for place in self.places}

    @cached_property
    def _startups_by_slug(self) -> dict[str, Startup]:
        return {startup.slug: startup for startup in self.startups}

    def place(self, slug: str) -> Place:
        return self._places_by_slug[slug]

    def city_of(self, event: Event) -> str | None:
        """An event's city: its own, or its place's."""
        if event.city is None and event.place is not None:
            return self.place(event.place).city
        return event.city

    def startup(self, slug: str) -> Startup | None:
        return self._startups_by_slug.get(slug)

    def with_texts(self, swaps: dict[int, Entry]) -> Site:
        """The same site with entries swapped (by `id` of the old one) for versions equal to
        them in every field but their file's text: the live preview's remake after a body
        edit. Order and references are unchanged; the indexes are made again on demand."""
        if not swaps:
            return self

        def swapped(entries: tuple[E, ...]) -> tuple[E, ...]:
            return tuple(swaps.get(id(e), e) for e in entries)  # type: ignore[misc]

        site = Site(
            self.config,
            swapped(self.events),
            swapped(self.startups),
            swapped(self.places),
            swapped(self.press),
            swapped(self.pages),
        )
        facets: Facets | None = self.__dict__.get("facets")
        if facets is not None:  # made already: the same slices, with the swapped entries
            site.__dict__["facets"] = Facets(
                *(
                    tuple(
                        replace(f, events=swapped(f.events), startups=swapped(f.startups))
                        for f in group
                    )
                    for group in (facets.cities, facets.themes)
                )
            )
        return site

    @cached_property
    def facets(self) -> Facets:
        """Each city's and each theme's events and startups, worked out once per site."""
        return build_facets(self.config, self.events, self.startups, self.city_of)


def event_sort_key(event: Event) -> tuple[datetime, str]:
    return (event.ends_at() if event.is_all_day else event.start, event.slug)  # type: ignore[return-value]


def link_site(
    config: SiteConfig, entries: Sequence[Entry], include_drafts: bool, problems: Problems
) -> Site:
    """Check every reference and uniqueness rule over all entries, then keep the published."""
    linker = _Linker(config, problems)
    by_kind: dict[type, list[Entry]] = {}
    for entry in entries:
        by_kind.setdefault(type(entry), []).append(entry)
    for entries_of_kind in by_kind.values():
        linker.check_unique_slugs(entries_of_kind)
    published = [e for e in entries if include_drafts or not e.draft]
    # An imported event marked as another's duplicate (`duplicate_of`) is never shown.
    published = [e for e in published if not (isinstance(e, Event) and e.duplicate_of)]
    linker.index(published, [e for e in entries if e.draft and not include_drafts])
    # An entry with a broken reference is left out, so the rest still renders and every
    # other problem (a broken link in another file, say) is found in the same run.
    places = [e for e in published if isinstance(e, Place)]
    linker.broken_places = {p.slug for p in places if not linker.check_references(p)}
    published = [
        e for e in published if e.slug not in linker.broken_places or not isinstance(e, Place)
    ]
    published = [e for e in published if isinstance(e, Place) or linker.check_references(e)]
    linker.check_unique_uids([e for e in entries if isinstance(e, Event)])
    events = sorted((e for e in published if isinstance(e, Event)), key=event_sort_key)
    return Site(
        config=config,
        events=tuple(events),
        startups=_sorted_by_name(e for e in published if isinstance(e, Startup)),
        places=_sorted_by_name(e for e in published if isinstance(e, Place)),
        press=tuple(
            sorted(
                (e for e in published if isinstance(e, PressRelease)),
                key=lambda p: (p.date, p.slug),
                reverse=True,
            )
        ),
        pages=tuple(
            sorted(
                (e for e in published if isinstance(e, Page)),
                key=lambda p: (p.menu is None, p.menu or 0, p.slug),
            )
        ),
    )


def _sorted_by_name(entries: Iterable[E]) -> tuple[E, ...]:
    return tuple(sorted(entries, key=lambda e: (e.name.casefold(), e.slug)))  # type: ignore[union-attr]


class _Linker:
    def __init__(self, config: SiteConfig, problems: Problems) -> None:
        self.config = config
        self.problems = problems
        self.reserved = urls.reserved_urls(urls.site_urls(config.cities, config.themes))
        """The addresses of the site's own pages, which no file name may take."""
        self.places: set[str] = set()
        self.startups: set[str] = set()
        self.draft_places: set[str] = set()
        self.broken_places: set[str] = set()
        """Places with a problem of their own: entries pointing at them are left out quietly."""

    def report(
        self,
        entry: Entry,
        field: str,
        message: str,
        hint: str = "",
        severity: Severity = Severity.ERROR,
    ) -> None:
        position = entry.source.position(field)
        self.problems.add(
            Problem(
                entry.source.path,
                position,
                field,
                message,
                hint,
                severity,
                entry.source.line_text(position.line),
            )
        )

    def check_unique_slugs(self, entries: list[Entry]) -> None:
        seen: dict[str, Entry] = {}
        for entry in entries:
            first = seen.setdefault(entry.slug, entry)
            if first is not entry:
                self.report(
                    entry,
                    "",
                    f"deux fiches portent le même nom « {entry.slug} » "
                    f"(l'autre : {first.source.path})",
                    "renommez l'un des deux fichiers : le nom du fichier fait l'adresse de la page",
                )
            self.check_not_reserved(entry)

    def check_not_reserved(self, entry: Entry) -> None:
        """An entry's page must not take, cover or mimic a page the site makes itself
        (`events/archives.md` would replace the agenda's archives)."""
        url = entry_url(entry)
        if url not in self.reserved:
            return
        how, taken = self.reserved[url]
        clash = (
            f"cette fiche prendrait la place de la page {taken} du site"
            if how == urls.SAME
            else f"la page {url} {CLASH_VERB[how]} {taken}"
        )
        self.report(
            entry,
            "",
            f"le nom « {entry.slug} » est réservé : {clash}",
            f"renommez le fichier, par exemple « {kind_of(entry).french}-{entry.slug}.md »",
        )

    def check_unique_uids(self, events: list[Event]) -> None:
        seen: dict[str, Event] = {}
        for event in events:
            if event.uid is None:
                continue
            first = seen.setdefault(event.uid, event)
            if first is not event:
                self.report(
                    event,
                    "uid",
                    f"identifiant d'agenda déjà utilisé par {first.source.path}",
                    "chaque événement a son propre uid : gardez-le dans la fiche qui l'avait "
                    "en premier et retirez la ligne uid de la copie (un nouveau sera calculé)",
                )

    def index(self, published: list[Entry], drafts: list[Entry]) -> None:
        self.places = {e.slug for e in published if isinstance(e, Place)}
        self.startups = {e.slug for e in published if isinstance(e, Startup)}
        self.draft_places = {e.slug for e in drafts if isinstance(e, Place)}

    def check_references(self, entry: Entry) -> bool:
        """Report the entry's unknown references; True when it has none."""
        before = len(self.problems.errors)
        if isinstance(entry, (Event, Startup, Place)):
            if not isinstance(entry, Place):
                self.check_themes(entry)
            if entry.city is not None:
                self.check_choice(entry, "city", entry.city, self.config.cities, "villes")
        if isinstance(entry, (Event, Startup)) and entry.place is not None:
            if entry.place in self.broken_places:
                return False
            self.check_place(entry, entry.place)
        if isinstance(entry, Event) and entry.organizer:
            self.check_organizer(entry, entry.organizer)
        return len(self.problems.errors) == before

    def check_themes(self, entry: Event | Startup) -> None:
        for theme in entry.themes:
            self.check_choice(entry, "themes", theme, self.config.themes, "thèmes")

    def check_choice(
        self, entry: Entry, field: str, value: str, choices: Iterable[str], kind: str
    ) -> None:
        choices = list(choices)
        if value not in choices:
            self.report(
                entry,
                field,
                f"« {value} » n'est pas dans la liste des {kind} de site.yaml",
                suggestion_hint(value, choices, kind) + " ; ou ajoutez cette valeur dans site.yaml",
            )

    def check_place(self, entry: Event | Startup, slug: str) -> None:
        if slug in self.places:
            return
        if slug in self.draft_places:
            self.report(
                entry,
                "place",
                f"le lieu « {slug} » est un brouillon",
                "publiez le lieu (retirez draft: true de sa fiche) ou retirez ce champ",
            )
            return
        self.report(
            entry,
            "place",
            f"lieu inconnu : « {slug} »",
            suggestion_hint(slug, self.places, "lieux") + " (noms des fichiers de content/places/)",
        )

    def check_organizer(self, event: Event, organizer: str) -> None:
        if not SLUG_PATTERN.match(organizer) or organizer in self.startups | self.places:
            return
        guess = did_you_mean(organizer, self.startups)
        if guess:
            self.report(
                event,
                "organizer",
                f"startup inconnue : « {organizer} »",
                f"vouliez-vous dire « {guess} » ? (ou écrivez le nom de l'organisateur en clair)",
            )
