"""The public URLs of SPEC §4 — a stable contract — and where each lands in `output/`."""

from __future__ import annotations

from urllib.parse import quote

AGENDA = "/agenda/"
ARCHIVES = "/agenda/archives/"
STARTUPS = "/startups/"
PLACES = "/lieux/"
PRESS = "/presse/"
SUBSCRIBE = "/abonnement/"
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
