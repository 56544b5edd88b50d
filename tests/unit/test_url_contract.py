"""The public URL contract of nftsite/core/urls.py, written out as the URLs themselves.

Published addresses are promised to readers, search engines and calendar subscribers:
changing one breaks a bookmark or a subscription. Each table below reads as the contract,
one row per route; a change to a route must change a row here, on purpose.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from nftsite.core import urls

FIXED_ROUTES: list[tuple[str, str, str]] = [
    # (name in urls.py, public URL, file in output/)
    ("HOME", "/", "index.html"),
    ("NOT_FOUND", "/404.html", "404.html"),
    ("SITEMAP", "/sitemap.xml", "sitemap.xml"),
    ("ROBOTS", "/robots.txt", "robots.txt"),
    ("HOST_HEADERS", "/_headers", "_headers"),
    ("AGENDA", "/agenda/", "agenda/index.html"),
    ("ARCHIVES", "/agenda/archives/", "agenda/archives/index.html"),
    ("PROPOSE", "/agenda/proposer/", "agenda/proposer/index.html"),
    ("STARTUPS", "/startups/", "startups/index.html"),
    ("PLACES", "/lieux/", "lieux/index.html"),
    ("PRESS", "/presse/", "presse/index.html"),
    ("SUBSCRIBE", "/abonnement/", "abonnement/index.html"),
    ("CALENDAR_FEED", "/agenda.ics", "agenda.ics"),
    ("AGENDA_RSS", "/agenda/rss.xml", "agenda/rss.xml"),
    ("PRESS_RSS", "/presse/rss.xml", "presse/rss.xml"),
    ("PRESS_ATOM", "/presse/atom.xml", "presse/atom.xml"),
    ("MEDIA", "/media/", "media/index.html"),
    ("STATIC", "/static/", "static/index.html"),
    ("OG_IMAGES", "/og/", "og/index.html"),
    ("OG_DEFAULT", "/og/site.png", "og/site.png"),
]


@pytest.mark.parametrize(("name", "url", "path"), FIXED_ROUTES, ids=[r[0] for r in FIXED_ROUTES])
def test_fixed_routes(name: str, url: str, path: str) -> None:
    assert getattr(urls, name) == url
    assert urls.output_path(url) == path


ROUTES: list[tuple[Callable[[str], str], str, str, str]] = [
    # (route, its argument, public URL, file in output/)
    (urls.event_url, "cafe-numerique", "/agenda/cafe-numerique/", "agenda/cafe-numerique/index.html"),
    (urls.event_ics_url, "cafe-numerique", "/agenda/cafe-numerique/cafe-numerique.ics", "agenda/cafe-numerique/cafe-numerique.ics"),
    (urls.startup_url, "nwise", "/startups/nwise/", "startups/nwise/index.html"),
    (urls.place_url, "seine-innopolis", "/lieux/seine-innopolis/", "lieux/seine-innopolis/index.html"),
    (urls.press_url, "lancement-2015", "/presse/lancement-2015/", "presse/lancement-2015/index.html"),
    (urls.event_og_image_url, "cafe-numerique", "/og/evenement-cafe-numerique.png", "og/evenement-cafe-numerique.png"),
    (urls.place_og_image_url, "seine-innopolis", "/og/lieu-seine-innopolis.png", "og/lieu-seine-innopolis.png"),
    (urls.page_url, "a-propos", "/a-propos/", "a-propos/index.html"),
    (urls.city_agenda_url, "caen", "/agenda/ville/caen/", "agenda/ville/caen/index.html"),
    (urls.theme_agenda_url, "smart-city", "/agenda/theme/smart-city/", "agenda/theme/smart-city/index.html"),
    (urls.city_calendar_url, "le-havre", "/agenda/ville/le-havre.ics", "agenda/ville/le-havre.ics"),
    (urls.theme_calendar_url, "smart-port", "/agenda/theme/smart-port.ics", "agenda/theme/smart-port.ics"),
    (urls.city_startups_url, "rouen", "/startups/ville/rouen/", "startups/ville/rouen/index.html"),
    (urls.theme_startups_url, "smart-industry", "/startups/theme/smart-industry/", "startups/theme/smart-industry/index.html"),
    # media keep their folders; what a URL may not hold raw is percent-encoded
    (urls.media_url, "media/logos/nwise.svg", "/media/logos/nwise.svg", "media/logos/nwise.svg"),
    (urls.media_url, "/media/affiche.jpg", "/media/affiche.jpg", "media/affiche.jpg"),
    (urls.media_url, "media/presse/communiqué 2015.pdf", "/media/presse/communiqu%C3%A9%202015.pdf", "media/presse/communiqu%C3%A9%202015.pdf"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("route", "argument", "url", "path"),
    ROUTES,
    ids=[f"{route.__name__}({argument})" for route, argument, *_ in ROUTES],
)
def test_routes(route: Callable[[str], str], argument: str, url: str, path: str) -> None:
    assert route(argument) == url
    assert urls.output_path(url) == path


CHOICE_ROUTES: list[tuple[Callable[..., str], tuple[str | None, ...], str]] = [
    # (route, its facets: city, theme[, period], public URL). One facet alone keeps its page.
    (urls.agenda_choice_url, (None, None, None), "/agenda/"),
    (urls.agenda_choice_url, ("caen", None, None), "/agenda/ville/caen/"),
    (urls.agenda_choice_url, (None, "smart-city", None), "/agenda/theme/smart-city/"),
    (urls.agenda_choice_url, ("caen", "smart-city", None), "/agenda/choix/caen/smart-city/tout/"),
    (urls.agenda_choice_url, (None, None, "cette-semaine"), "/agenda/choix/tout/tout/cette-semaine/"),
    (urls.agenda_choice_url, ("rouen", "smart-industry", "plus-tard"), "/agenda/choix/rouen/smart-industry/plus-tard/"),
    (urls.agenda_choice_url, ("le-havre", None, "ce-mois-ci"), "/agenda/choix/le-havre/tout/ce-mois-ci/"),
    (urls.startups_choice_url, (None, None), "/startups/"),
    (urls.startups_choice_url, ("rouen", None), "/startups/ville/rouen/"),
    (urls.startups_choice_url, (None, "smart-port"), "/startups/theme/smart-port/"),
    (urls.startups_choice_url, ("caen", "smart-city"), "/startups/choix/caen/smart-city/"),
]  # fmt: skip


@pytest.mark.parametrize(("route", "facets", "url"), CHOICE_ROUTES)
def test_choice_routes(route: Callable[..., str], facets: tuple[str | None, ...], url: str) -> None:
    assert route(*facets) == url
    assert urls.output_path(url) == url.lstrip("/") + "index.html"


def test_every_route_function_is_in_the_table() -> None:
    """A new route in urls.py must be written into the contract above."""
    public = {
        name
        for name, value in vars(urls).items()
        if callable(value) and name.endswith("_url") and value.__module__ == urls.__name__
    }
    assert public == {route.__name__ for route, *_ in ROUTES + CHOICE_ROUTES}


# --- where a site published under a sub-path puts its links -------------------------------

BASE_PATHS: list[tuple[str, str]] = [
    # (base_url, the folder the site lives in)
    ("https://www.normandyfrenchtech.fr", ""),
    ("https://www.normandyfrenchtech.fr/", ""),
    ("https://org.github.io/depot", "/depot"),
    ("https://org.github.io/depot/", "/depot"),
    ("https://exemple.fr/a/b/", "/a/b"),
]


@pytest.mark.parametrize(("base_url", "base"), BASE_PATHS)
def test_base_path(base_url: str, base: str) -> None:
    assert urls.base_path(base_url) == base


PUBLISHED: list[tuple[str, str, str]] = [
    # (link as a page holds it, base path, link as the page writes it)
    ("/agenda/", "", "/agenda/"),
    ("/agenda/", "/depot", "/depot/agenda/"),
    ("/", "/depot", "/depot/"),
    ("/agenda/cafe/cafe.ics", "/a/b", "/a/b/agenda/cafe/cafe.ics"),
    ("/media/affiche.jpg", "/depot", "/depot/media/affiche.jpg"),
    ("  /agenda/", "/depot", "/depot/agenda/"),  # a browser drops leading spaces
    ("\\agenda\\", "/depot", "/depot/agenda\\"),  # and reads a leading \ as /
    # left as they are: another host, an anchor, a mail address, a relative path
    ("//autre.fr/x", "/depot", "//autre.fr/x"),
    ("https://autre.fr/x", "/depot", "https://autre.fr/x"),
    ("#programme", "/depot", "#programme"),
    ("mailto:contact@nft.fr", "/depot", "mailto:contact@nft.fr"),
    ("programme/", "/depot", "programme/"),
]


@pytest.mark.parametrize(("url", "base", "written"), PUBLISHED)
def test_published_links_under_a_base_path(url: str, base: str, written: str) -> None:
    assert urls.published(url, base) == written


ABSOLUTE: list[tuple[str, str, str]] = [
    # (base_url, site path, the whole address: canonical, feeds, sitemap, JSON-LD)
    ("https://www.normandyfrenchtech.fr", "/agenda/cafe/", "https://www.normandyfrenchtech.fr/agenda/cafe/"),
    ("https://org.github.io/depot", "/agenda/cafe/", "https://org.github.io/depot/agenda/cafe/"),
    ("https://org.github.io/depot", "/agenda.ics", "https://org.github.io/depot/agenda.ics"),
]  # fmt: skip


@pytest.mark.parametrize(("base_url", "url", "address"), ABSOLUTE)
def test_absolute_addresses(base_url: str, url: str, address: str) -> None:
    assert urls.absolute(base_url, url) == address


def test_the_pages_no_entry_may_take() -> None:
    """site_urls: every page of the site besides entries, with each city's and theme's."""
    assert urls.site_urls(["caen"], ["smart-city"]) == [
        "/", "/404.html", "/sitemap.xml", "/robots.txt", "/_headers", "/media/", "/static/", "/og/",
        "/agenda/", "/agenda/archives/", "/agenda/proposer/", "/abonnement/", "/agenda.ics", "/agenda/rss.xml",
        "/startups/", "/lieux/", "/presse/", "/presse/rss.xml", "/presse/atom.xml",
        "/recherche/", "/pagefind/",
        "/agenda/ville/caen/", "/agenda/ville/caen.ics", "/startups/ville/caen/",
        "/agenda/theme/smart-city/", "/agenda/theme/smart-city.ics", "/startups/theme/smart-city/",
        "/agenda/choix/", "/startups/choix/",
    ]  # fmt: skip


RESERVED: list[tuple[str, tuple[str, str] | None]] = [
    # (an entry's folder URL, (how it clashes, with which page) or None when free)
    ("/agenda/", ("same", "/agenda/")),
    ("/agenda/ville/", ("above", "/agenda/ville/caen/")),
    ("/agenda/ville/caen/", ("same", "/agenda/ville/caen/")),
    ("/404/", ("namesake", "/404.html")),
    ("/sitemap/", ("namesake", "/sitemap.xml")),
    ("/agenda/index/", ("namesake", "/agenda/")),
    ("/agenda/rss/", ("namesake", "/agenda/rss.xml")),
    ("/a-propos/", None),
    ("/agenda/cafe-numerique/", None),
]


@pytest.mark.parametrize(("url", "clash"), RESERVED)
def test_reserved_urls(url: str, clash: tuple[str, str] | None) -> None:
    reserved = urls.reserved_urls(urls.site_urls(["caen"], ["smart-city"]))
    assert reserved.get(url) == clash
