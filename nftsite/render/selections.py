"""Combined facets: city × theme × period on the agenda, city × theme in the directory.

Each combination that lists something is a static page of its own (`urls.agenda_choice_url`,
`urls.startups_choice_url`); every listing page shows the facets with their counts, and a
combination that lists nothing says so and offers the nearest ones that do. Periods are
cut from `now` (passed in, so a build is reproducible); static/upcoming.js moves them on
between rebuilds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from itertools import product
from zoneinfo import ZoneInfo

from nftsite.render.pages import AgendaItem, Choices, FacetGroup, FacetOption
from nftsite.render.views import Link

PERIOD_NAMES = {
    "cette-semaine": "Cette semaine",
    "ce-mois-ci": "Plus tard ce mois-ci",
    "plus-tard": "Les mois suivants",
}
Key = tuple[str | None, ...]
"""A combination: one slug or None (any) per facet, in the order of the facets."""


def period_of(day: date | datetime, now: datetime, zone: ZoneInfo) -> str:
    """This week (until Sunday night), later this month, or after: in the site's zone."""
    today = now.astimezone(zone).date()
    week_end = today + timedelta(days=7 - today.weekday())
    month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    start = day.astimezone(zone).date() if isinstance(day, datetime) else day
    if start < week_end:
        return "cette-semaine"
    return "ce-mois-ci" if start < month_end else "plus-tard"


def start_of(item: AgendaItem, zone: ZoneInfo) -> datetime:
    return datetime.combine(item.day, time.min, tzinfo=zone)


class Combinations:
    """What every combination of some facets lists, and the address of each."""

    def __init__(
        self,
        facets: Sequence[tuple[str, dict[str, str]]],
        entries: Sequence[tuple[object, Sequence[frozenset[str]]]],
        url_of: Callable[[Key], str],
    ) -> None:
        """`facets`: (label, {slug: name}) each; `entries`: (entry, the slugs it has for each
        facet); `url_of`: a combination's address."""
        self.facets = facets
        self.url_of = url_of
        self.slugs = {id(entry): slugs for entry, slugs in entries}
        self.lists: dict[Key, list[object]] = {}
        for key in product(*[[None, *values] for _, values in facets]):
            self.lists[key] = [
                entry
                for entry, slugs in entries
                if all(k is None or k in s for k, s in zip(key, slugs, strict=True))
            ]

    def count(self, key: Key) -> int:
        return len(self.lists[key])

    def choices(self, key: Key, period_index: int | None = None) -> Choices:
        groups = []
        for index, (label, values) in enumerate(self.facets):
            options = []
            for value, name in [(None, "Tout"), *values.items()]:
                other = (*key[:index], value, *key[index + 1 :])
                count = self.count(other)
                current = other == key
                url = self.url_of(other) if count or current else ""
                wanted = "/".join(k or "" for k in other)
                options.append(FacetOption(name, url, count, current, wanted))
            groups.append(FacetGroup(label, tuple(options)))
        nearest: list[Link] = []
        if not self.count(key):
            nearest = self.nearest(key)
        period = key[period_index] if period_index is not None else None
        events = " ".join(filter(None, map(self.stamp, self.near(key))))
        return Choices(tuple(groups), self.count(key), tuple(nearest), None, period or "", events)

    def near(self, key: Key) -> list[object]:
        """What the options of `key`'s facets count: the entries that differ from it by one
        facet at most, each once, in order."""
        seen: dict[int, object] = {}
        for index in range(len(key)):
            for value in [None, *self.facets[index][1]]:
                for entry in self.lists[(*key[:index], value, *key[index + 1 :])]:
                    seen.setdefault(id(entry), entry)
        return list(seen.values())

    def stamp(self, entry: object) -> str:
        """`day/end/slugs/…` of an upcoming event (end in Unix seconds, empty for a recurring
        one: it never ends; each facet's slugs joined by dots), from which static/upcoming.js
        recounts every facet option between rebuilds; empty for a startup."""
        if not isinstance(entry, AgendaItem):
            return ""
        end = str(int(datetime.fromisoformat(entry.ends).timestamp())) if entry.ends else ""
        slugs = [".".join(sorted(s)) for s in self.slugs[id(entry)]]
        return "/".join([entry.day.isoformat(), end, *slugs])

    def nearest(self, key: Key) -> list[Link]:
        """Up to three non-empty combinations that drop the fewest facets of `key`, last
        facet first (the period, then the theme, then the city)."""
        chosen = [i for i, k in enumerate(key) if k is not None]
        found: list[Link] = []
        for dropped in range(1, len(chosen) + 1):
            for drop in _subsets(chosen[::-1], dropped):
                other = tuple(None if i in drop else k for i, k in enumerate(key))
                if self.count(other) and len(found) < 3:
                    link = Link(self.describe(other), self.url_of(other))
                    if link not in found:
                        found.append(link)
        return found

    def describe(self, key: Key) -> str:
        names = [values[k] for (_, values), k in zip(self.facets, key, strict=True) if k]
        return f"{' · '.join(names) or 'Tout'} ({self.count(key)})"

    def keys(self) -> Iterable[Key]:
        return self.lists.keys()


def _subsets(items: list[int], size: int) -> Iterable[set[int]]:
    from itertools import combinations

    return (set(c) for c in combinations(items, size))
