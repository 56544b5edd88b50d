"""What each template receives: one frozen dataclass per template, so mypy checks every page.

A page class names its template (`template`) and holds exactly the variables that template
reads besides the ones every page gets: `site` (SiteView), `meta` (PageMeta), `urls` (the
routes of `nftsite.core.urls`, a Jinja global) and, on a page that shows a content file,
`body` (its HTML). `tests/test_page_contexts.py` holds the classes and the templates in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, ClassVar

from markupsafe import Markup

from nftsite.content.kinds import kind_named
from nftsite.core import urls
from nftsite.model.models import Figure, Source, Theme
from nftsite.render.placemap import PlacesMap
from nftsite.render.subscriptions import CalendarFeedView
from nftsite.render.views import EventView, Link, PageView, PlaceView, PressView, StartupView


@dataclass(frozen=True)
class PageMeta:
    """What the <head> says about a page: title, description, canonical URL, Open Graph."""

    title: str
    description: str
    url: str
    canonical: str
    og_type: str = "website"
    image: str | None = None
    """The share preview's absolute URL (`og:image`): a 1200×630 PNG of `render/ogimage.py`."""
    structured_data: tuple[dict[str, Any], ...] = ()
    """JSON-LD documents (free-form JSON by nature), written by `jsonld.py`."""
    draft: bool = False
    breadcrumbs: tuple[Link, ...] = ()
    image_alt: str = ""
    image_width: int = 0
    image_height: int = 0


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
        wherever the site is published: `{{ site.path(event.url) }}`, `site.path(urls.HOME)`."""
        return urls.published(url, self.base_path)


@dataclass(frozen=True)
class AgendaItem:
    """An event as a list shows it: with the date of its next (or only) occurrence."""

    event: EventView
    when: str
    day: date
    ends: str = ""
    """The ISO instant this occurrence is over (`data-ends`, read by static/upcoming.js);
    empty for a recurring event, whose later dates the page cannot know."""


@dataclass(frozen=True)
class Group:
    """A month of the agenda, or a year of its archives."""

    label: str
    anchor: str
    items: tuple[AgendaItem, ...]


@dataclass(frozen=True)
class Filters:
    """Links to the per-city and per-theme listings: filtering that needs no JavaScript."""

    cities: tuple[Link, ...]
    themes: tuple[Link, ...]


@dataclass(frozen=True)
class FacetOption:
    """One value of a facet as a combination page offers it: with how many entries it
    would list; `url` is empty when that would be none (the option is then not a link)."""

    label: str
    url: str
    count: int
    current: bool
    key: str = ""
    """The combination it leads to, one slug (or nothing, for any) per facet, joined by
    slashes (`data-key`): static/upcoming.js recounts it from `Choices.events`."""


@dataclass(frozen=True)
class FacetGroup:
    """A facet (« Ville », « Thème », « Période ») and its options, « Toutes » first."""

    label: str
    options: tuple[FacetOption, ...]


@dataclass(frozen=True)
class Choices:
    """The combined facets of a listing page, and what to offer when it lists nothing:
    the nearest non-empty combinations and, for one city, its feed."""

    groups: tuple[FacetGroup, ...]
    count: int
    nearest: tuple[Link, ...] = ()
    feed: Link | None = None
    """Its label is the link's whole text, with the city's « de » (« flux de l'agenda du
    Havre »)."""
    period: str = ""
    """The period slug this page is cut to (`data-period`, for static/upcoming.js)."""
    events: str = ""
    """What the options count, one `day/end/slugs…` per upcoming event (`data-events`, for
    static/upcoming.js: the counts follow the clock between rebuilds); empty for startups."""


def list_template(kind: str) -> str:
    """The registry's template for the page listing a kind's entries."""
    template = kind_named(kind).list_template
    if template is None:
        raise ValueError(f"the kind {kind!r} has no list page")
    return template


# --- one class per template --------------------------------------------------------------


@dataclass(frozen=True)
class PageContext:
    """A page's own template variables (its fields); `template` is the file that lays it out."""

    template: ClassVar[str]
    shows_body: ClassVar[bool] = False
    """True for a content file's page: its template also gets `body`."""


@dataclass(frozen=True)
class HomePage(PageContext):
    template: ClassVar[str] = "home.html"
    events: tuple[AgendaItem, ...]
    press: tuple[PressView, ...]
    themes: tuple[Theme, ...]
    figures: tuple[Figure, ...]
    cities: Mapping[str, str]
    theme_urls: Mapping[str, str]
    """Each theme card's target: a page that lists something (`plan.home_theme_urls`)."""
    """City names by slug, for the city that carries each theme."""


@dataclass(frozen=True)
class SubscribePage(PageContext):
    template: ClassVar[str] = "subscribe.html"
    feeds: tuple[CalendarFeedView, ...]


@dataclass(frozen=True)
class AgendaPage(PageContext):
    """The agenda, whole or limited to one city or theme (`scope`)."""

    template: ClassVar[str] = list_template("event")
    heading: str
    scope: Link | None
    groups: tuple[Group, ...]
    feed: CalendarFeedView
    filters: Filters
    choices: Choices | None = None


@dataclass(frozen=True)
class Choice:
    """One option of a list the proposal form offers (a city, a theme, a place)."""

    value: str
    label: str
    city: str = ""
    """A place's city, so that the form can tell when the place and the city disagree."""


@dataclass(frozen=True)
class ProposedField:
    """A field of an event as « Proposer un événement » asks for it: its name in the file,
    its French label and what it holds (the schema's own help)."""

    name: str
    label: str
    help: str
    required: bool


@dataclass(frozen=True)
class ProposePage(PageContext):
    """« Proposer un événement »: what to send, and a form (static/propose.js) that writes it
    as an event file; the lists are the site's, written here by the build."""

    template: ClassVar[str] = "propose.html"
    fields: tuple[ProposedField, ...]
    cities: tuple[Choice, ...]
    themes: tuple[Choice, ...]
    places: tuple[Choice, ...]
    new_file_url: str
    """GitHub's "new file" page in the events folder, or '' when site.yaml names no repository."""
    uid_host: str
    """The host a new event's uid is named after, as `nftsite new` names it."""


@dataclass(frozen=True)
class ArchivesPage(PageContext):
    template: ClassVar[str] = "archives.html"
    groups: tuple[Group, ...]


@dataclass(frozen=True)
class EventPage(PageContext):
    template: ClassVar[str] = kind_named("event").entry_template
    shows_body: ClassVar[bool] = True
    event: EventView
    is_past: bool
    ends: str = ""
    """The ISO instant the event is over (one-off events only): static/upcoming.js hides
    « Ajouter à mon agenda » once it has passed, between two builds."""


@dataclass(frozen=True)
class StartupsPage(PageContext):
    """The startup directory, whole or limited to one city or theme (`scope`)."""

    template: ClassVar[str] = list_template("startup")
    heading: str
    scope: Link | None
    startups: tuple[StartupView, ...]
    filters: Filters
    choices: Choices | None = None


@dataclass(frozen=True)
class StartupPage(PageContext):
    template: ClassVar[str] = kind_named("startup").entry_template
    shows_body: ClassVar[bool] = True
    startup: StartupView


@dataclass(frozen=True)
class PlacesPage(PageContext):
    template: ClassVar[str] = list_template("place")
    places: tuple[PlaceView, ...]
    map: PlacesMap | None = None


@dataclass(frozen=True)
class PlacePage(PageContext):
    template: ClassVar[str] = kind_named("place").entry_template
    shows_body: ClassVar[bool] = True
    place: PlaceView
    upcoming: tuple[AgendaItem, ...]
    past: tuple[AgendaItem, ...]
    """Most recent first."""
    startups: tuple[StartupView, ...]
    """The startups it hosts."""


@dataclass(frozen=True)
class PressListPage(PageContext):
    template: ClassVar[str] = list_template("press")
    releases: tuple[PressView, ...]


@dataclass(frozen=True)
class PressPage(PageContext):
    template: ClassVar[str] = kind_named("press").entry_template
    shows_body: ClassVar[bool] = True
    release: PressView


@dataclass(frozen=True)
class ContentPage(PageContext):
    """A free page of the site (about, legal notice…)."""

    template: ClassVar[str] = kind_named("page").entry_template
    shows_body: ClassVar[bool] = True
    page: PageView


@dataclass(frozen=True)
class SearchPage(PageContext):
    """« Rechercher »: the only page that loads search code (static/search.js, then the
    Pagefind index under `urls.SEARCH_INDEX`); without JavaScript it says so and offers the
    agenda and the directory."""

    template: ClassVar[str] = "search.html"


@dataclass(frozen=True)
class NotFoundPage(PageContext):
    template: ClassVar[str] = "404.html"


@dataclass(frozen=True)
class RedirectPage(PageContext):
    """What an entry's old address serves once the entry was renamed."""

    template: ClassVar[str] = "redirect.html"
    target: str
    target_absolute: str


PAGE_CLASSES: tuple[type[PageContext], ...] = (
    HomePage,
    SubscribePage,
    AgendaPage,
    ArchivesPage,
    ProposePage,
    EventPage,
    StartupsPage,
    StartupPage,
    PlacesPage,
    PlacePage,
    PressListPage,
    PressPage,
    ContentPage,
    SearchPage,
    NotFoundPage,
    RedirectPage,
)
"""Every page class, one per template."""

COMMON_VARIABLES = ("site", "meta")
"""What every page's template gets besides its page's fields (and `body`, `urls`)."""


@dataclass(frozen=True)
class PageToRender:
    """A page of the plan: its address, what it shows, and the content file it comes from."""

    url: str
    page: PageContext
    meta: PageMeta
    site: SiteView
    source: Source | None = None
    """The content file the page shows, to report its broken links at their line."""
    in_sitemap: bool = True
    body: str = ""
    """The entry's body as HTML (shared with the Markdown stage, not copied): the template
    gets it as `body` when the page renders. It is nh3's output (`sanitize.py`), which is
    what makes it safe to mark as Markup; under a base path its site paths carry it too
    (`sanitize.published_body`, which inserts nothing but that path)."""
    reads: frozenset[str] = field(default=frozenset(), compare=False)
    """What the page read besides its context: its body's text (`core/reads.py`). The live
    preview remakes the page alone when one of these changes and nothing else did."""

    @property
    def template(self) -> str:
        return self.page.template

    def variables(self) -> dict[str, object]:
        """The template's variables but `body`: `site`, `meta` and the page's fields, each
        as it is (views are not copied), so a page's cache key can cover every one."""
        own = {f.name: getattr(self.page, f.name) for f in fields(self.page)}
        return {"site": self.site, "meta": self.meta, **own}

    def render_context(self) -> dict[str, object]:
        variables = self.variables()
        if self.page.shows_body:
            variables["body"] = Markup(self.body)
        return variables
