"""The public URLs (a stable contract) and where each lands in `output/`."""

from __future__ import annotations

from collections.abc import Iterable
from posixpath import splitext
from urllib.parse import quote, urlsplit

HOME = "/"
NOT_FOUND = "/404.html"
SITEMAP = "/sitemap.xml"
ROBOTS = "/robots.txt"
HOST_HEADERS = "/_headers"
"""Read by Netlify and Cloudflare Pages (`hostfiles.py`), served as a plain file elsewhere."""
MEDIA = "/media/"
"""The folder of the content's media files, copied as they are."""
STATIC = "/static/"
"""The folder of the site's own stylesheet and icons."""
OG_IMAGES = "/og/"
"""The folder of the share previews (`og:image`, 1200×630 PNG) drawn by `render/ogimage.py`."""
OG_DEFAULT = "/og/site.png"
"""The preview of every page that has none of its own."""
AGENDA = "/agenda/"
ARCHIVES = "/agenda/archives/"
PROPOSE = "/agenda/proposer/"
"""« Proposer un événement »: the form that composes an event file for the comms team."""
STARTUPS = "/startups/"
PLACES = "/lieux/"
PRESS = "/presse/"
SUBSCRIBE = "/abonnement/"
SEARCH = "/recherche/"
"""The search page; every page's header form sends its query there (`?q=`)."""
SEARCH_INDEX = "/pagefind/"
"""The folder of the search index Pagefind writes at build time (`output/search_index.py`)."""
CALENDAR_FEED = "/agenda.ics"
AGENDA_RSS = "/agenda/rss.xml"
PRESS_RSS = "/presse/rss.xml"
PRESS_ATOM = "/presse/atom.xml"


def event_url(slug: str) -> str:
    return f"{AGENDA}{slug}/"


def event_ics_url(slug: str) -> str:
    return f"{AGENDA}{slug}/{slug}.ics"


def startup_url(slug: str) -> str:
    return f"{STARTUPS}{slug}/"


def place_url(slug: str) -> str:
    return f"{PLACES}{slug}/"


def press_url(slug: str) -> str:
    return f"{PRESS}{slug}/"


def event_og_image_url(slug: str) -> str:
    """An event's share preview; kinds are named so an event and a place may share a slug."""
    return f"{OG_IMAGES}evenement-{slug}.png"


def place_og_image_url(slug: str) -> str:
    return f"{OG_IMAGES}lieu-{slug}.png"


def page_url(slug: str) -> str:
    return f"/{slug}/"


def city_agenda_url(city: str) -> str:
    return f"{AGENDA}ville/{city}/"


def theme_agenda_url(theme: str) -> str:
    return f"{AGENDA}theme/{theme}/"


def city_calendar_url(city: str) -> str:
    return f"{AGENDA}ville/{city}.ics"


def theme_calendar_url(theme: str) -> str:
    return f"{AGENDA}theme/{theme}.ics"


def city_startups_url(city: str) -> str:
    return f"{STARTUPS}ville/{city}/"


def theme_startups_url(theme: str) -> str:
    return f"{STARTUPS}theme/{theme}/"


AGENDA_CHOICE = f"{AGENDA}choix/"
STARTUPS_CHOICE = f"{STARTUPS}choix/"
ANY = "tout"
"""The segment of a combination URL for a facet left open (every city, theme or period)."""
PERIODS = ("cette-semaine", "ce-mois-ci", "plus-tard")
"""The agenda's periods, in order: until Sunday night, until the month's end, after it."""


def agenda_choice_url(city: str | None, theme: str | None, period: str | None) -> str:
    """A city × theme × period combination of the agenda. One facet alone keeps the page it
    always had (`/agenda/ville/caen/`); none at all is the agenda itself; any other mix is
    `/agenda/choix/{city|tout}/{theme|tout}/{period|tout}/`."""
    if period is None and (city is None or theme is None):
        if city is not None:
            return city_agenda_url(city)
        return theme_agenda_url(theme) if theme is not None else AGENDA
    return f"{AGENDA_CHOICE}{city or ANY}/{theme or ANY}/{period or ANY}/"


def startups_choice_url(city: str | None, theme: str | None) -> str:
    """A city × theme combination of the directory, on the same rule:
    `/startups/choix/{city}/{theme}/` when both are chosen."""
    if city is None or theme is None:
        if city is not None:
            return city_startups_url(city)
        return theme_startups_url(theme) if theme is not None else STARTUPS
    return f"{STARTUPS_CHOICE}{city}/{theme}/"


def media_url(relative_path: str) -> str:
    """`media/logos/x.svg` (as written in content) -> `/media/logos/x.svg`."""
    return "/" + quote(relative_path.lstrip("/"))


def output_path(url: str) -> str:
    """`/agenda/x/` -> `agenda/x/index.html`; `/agenda.ics` -> `agenda.ics`."""
    path = url.lstrip("/")
    if path == "" or path.endswith("/"):
        return path + "index.html"
    return path


def absolute(base_url: str, url: str) -> str:
    return base_url + url


def base_path(base_url: str) -> str:
    """The folder the site is published in: `https://org.github.io/depot` -> `/depot`;
    `''` for a site at the root of its host (then every site path is published as it is)."""
    return urlsplit(base_url).path.rstrip("/")


_URL_SPACE = "".join(map(chr, range(0x21)))
"""What a browser strips in front of an address before reading it."""


def is_site_path(url: str) -> bool:
    """`/agenda/x/`: a path from the root of the site, which a browser would read from the
    root of the host. Not `//host/…` (another host), nor what a browser reads the same way
    after its own clean-up (leading spaces, `\\` for `/`)."""
    url = url.lstrip(_URL_SPACE).replace("\\", "/")
    return url.startswith("/") and not url.startswith("//")


def published(url: str, base: str) -> str:
    """A site path as a page must write it when the site lives under `base` (`/depot`):
    `/agenda/` -> `/depot/agenda/`. Anything else (another site, an anchor, mailto:, a
    relative path, which the page's own address already places) is left as it is."""
    if not base or not is_site_path(url):
        return url
    stripped = url.lstrip(_URL_SPACE)
    return base + "/" + stripped[1:]


def site_urls(cities: Iterable[str], themes: Iterable[str]) -> list[str]:
    """Every URL the site publishes besides its entries' pages and the files it copies
    (whose folders, MEDIA and STATIC, are listed): the pages no entry may take."""
    found = [
        HOME, NOT_FOUND, SITEMAP, ROBOTS, HOST_HEADERS, MEDIA, STATIC, OG_IMAGES,
        AGENDA, ARCHIVES, PROPOSE, SUBSCRIBE, CALENDAR_FEED, AGENDA_RSS,
        STARTUPS, PLACES, PRESS, PRESS_RSS, PRESS_ATOM, SEARCH, SEARCH_INDEX,
    ]  # fmt: skip
    for city in cities:
        found += [city_agenda_url(city), city_calendar_url(city), city_startups_url(city)]
    for theme in themes:
        found += [theme_agenda_url(theme), theme_calendar_url(theme), theme_startups_url(theme)]
    found += [AGENDA_CHOICE, STARTUPS_CHOICE]
    return found


def site_folders() -> tuple[str, ...]:
    """The folders of `site_urls` the site fills whole (copied files, drawn previews, the
    search index, the combination pages): every address under them is the site's, so
    reserving the folder reserves them all (an entry's address is one level deep)."""
    return (MEDIA, STATIC, OG_IMAGES, SEARCH_INDEX, AGENDA_CHOICE, STARTUPS_CHOICE)


SAME, ABOVE, NAMESAKE = "same", "above", "namesake"
"""How an entry's address would clash with a page of the site: it is that very address; it
is a folder above it; or its name is that file's name without the extension (`/404/` and
`/404.html`, `/agenda/index/` and `/agenda/index.html`), which hosts with "clean URLs" serve
alike."""


def reserved_urls(published: Iterable[str]) -> dict[str, tuple[str, str]]:
    """{folder URL an entry may not have: (how it clashes, the site's URL it clashes with)}."""
    published = list(published)
    reserved = {url: (SAME, url) for url in published}
    for url in published:
        parts = url.strip("/").split("/")
        for depth in range(1, len(parts)):
            reserved.setdefault("/" + "/".join(parts[:depth]) + "/", (ABOVE, url))
        stem = splitext(output_path(url))[0]
        reserved.setdefault(f"/{stem}/", (NAMESAKE, url))
    return reserved
