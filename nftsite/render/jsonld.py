"""schema.org JSON-LD for search engines: Organization, Event, Place, NewsArticle, BreadcrumbList.

What each block holds follows Google's structured-data guidelines for these types;
`tests/test_structured_data.py` keeps the table of required and recommended properties and
checks every page of the built site against it. Nothing here states more than the content
says: an event with no place, address or online link gets no Event block at all (a search
engine requires a location), and a price is only given when the content's text is plainly
free or one amount in euros (`offer_price`).
"""

from __future__ import annotations

import re
from typing import Any

from nftsite.core import urls
from nftsite.model.models import Event, SiteConfig, Status
from nftsite.render.views import EventView, Link, PlaceView, PressView, StartupView

CONTEXT = "https://schema.org"
EVENT_STATUS = {
    Status.CONFIRMED: "https://schema.org/EventScheduled",
    # schema.org has no tentative status: the page says « Date à confirmer » instead.
    Status.TENTATIVE: "https://schema.org/EventScheduled",
    Status.CANCELLED: "https://schema.org/EventCancelled",
}
OFFLINE = "https://schema.org/OfflineEventAttendanceMode"
ONLINE = "https://schema.org/OnlineEventAttendanceMode"
MIXED = "https://schema.org/MixedEventAttendanceMode"

LABEL_LOGO = urls.STATIC + "favicon.svg"
"""The label's mark: its Organization logo."""
SITE_IMAGE = LABEL_LOGO
"""The site's default image, for an event or a release that has none of its own."""

FRENCH_ADDRESS = re.compile(r"^(?P<street>[^,]+),\s*(?P<postcode>\d{5})\s+(?P<locality>[^,\d]+)$")
"""« 72 rue de la République, 76140 Le Petit-Quevilly »: the one-line address a place file
holds, when it has exactly that shape; anything else is kept whole (`postal_address`)."""
FREE = re.compile(r"^gratuit(\s*[,;(–-]?\s*sur\s+(inscription|réservation)\)?)?\.?$", re.I)
"""« Gratuit », « Gratuit, sur inscription »: free for everyone. « Gratuit pour les
étudiants, 5 € sinon » is not, and gets no price."""
EUROS = re.compile(r"^(?P<units>\d{1,5})(?:[,.](?P<cents>\d{2}))?\s*(€|euros?)$", re.I)
"""« 12 € », « 7,50 euros »: one price for everyone."""


def absolute(config: SiteConfig, url: str) -> str:
    return urls.absolute(config.base_url, url)


def label(config: SiteConfig) -> dict[str, Any]:
    """The label itself, as the author, publisher or organizer of what it publishes."""
    return {
        "@type": "Organization",
        "name": config.title,
        "url": absolute(config, urls.HOME),
        "logo": absolute(config, LABEL_LOGO),
    }


def organization(config: SiteConfig) -> dict[str, Any]:
    return {"@context": CONTEXT, **label(config), "email": config.contact}


def breadcrumb_list(config: SiteConfig, crumbs: tuple[Link, ...]) -> dict[str, Any]:
    """The breadcrumb a page shows (base.html: « Accueil », then `crumbs`), item for item."""
    trail = (Link("Accueil", urls.HOME), *crumbs)
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": crumb.label,
                "item": absolute(config, crumb.url),
            }
            for position, crumb in enumerate(trail, start=1)
        ],
    }


def event_image(config: SiteConfig, view: EventView) -> str:
    """An event's image: its own, else the site's default. The one place that decides it,
    so a preview image made per event can take the default's place."""
    return absolute(config, view.image or SITE_IMAGE)


def postal_address(address: str, city: str | None) -> dict[str, Any]:
    """A PostalAddress from a one-line address: split when it reads « street, 76140 Town »,
    else the whole line as streetAddress (or nothing when it is just the city's name).

    `city` is one of the site's cities (a Normandy town), so it also says the country.
    """
    found = FRENCH_ADDRESS.match(address.strip())
    if found:
        return {
            "@type": "PostalAddress",
            "streetAddress": found["street"].strip(),
            "postalCode": found["postcode"],
            "addressLocality": found["locality"].strip(),
            "addressCountry": "FR",
        }
    data: dict[str, Any] = {"@type": "PostalAddress"}
    if address.strip() and address.strip() != city:
        data["streetAddress"] = address.strip()
    if city:
        data["addressLocality"] = city
        data["addressCountry"] = "FR"
    return data


def offer_price(price: str | None) -> str | None:
    """The price for everyone, as schema.org writes it ('0', '7.50'), when the text says
    one plainly; None when it says something else (« Sur invitation », two prices)."""
    text = (price or "").strip()
    if FREE.match(text):
        return "0"
    amount = EUROS.match(text)
    if amount:
        return amount["units"] + (f".{amount['cents']}" if amount["cents"] else "")
    return None


def event(config: SiteConfig, view: EventView, model: Event) -> dict[str, Any] | None:
    """An event's block, or None when the content gives it no location at all."""
    locations: list[dict[str, Any]] = []
    city = view.city.label if view.city else None
    if view.place is not None:
        place: dict[str, Any] = {
            "@type": "Place",
            "name": view.place.name,
            "address": postal_address(view.place.address, city),
        }
        if view.place.url:
            place["url"] = absolute(config, view.place.url)
        locations.append(place)
    elif city:
        locations.append({"@type": "Place", "name": city, "address": postal_address("", city)})
    if view.online:
        locations.append({"@type": "VirtualLocation", "url": view.online})
    if not locations:
        return None
    page = absolute(config, view.url)
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Event",
        "name": view.title,
        "startDate": view.start_iso,
        "eventStatus": EVENT_STATUS[model.status],
        "eventAttendanceMode": (
            MIXED
            if len(locations) == 2
            else ONLINE
            if locations[0]["@type"] != "Place"
            else OFFLINE
        ),
        "location": locations[0] if len(locations) == 1 else locations,
        "url": page,
        "image": [event_image(config, view)],
    }
    if view.end_iso:
        data["endDate"] = view.end_iso
    if view.summary:
        data["description"] = view.summary
    if view.organizer is not None:
        organizer: dict[str, Any] = {"@type": "Organization", "name": view.organizer.label}
        if view.organizer.url:
            organizer["url"] = absolute(config, view.organizer.url)
        data["organizer"] = organizer
    price = offer_price(view.price)
    if price is not None:
        data["offers"] = {
            "@type": "Offer",
            "price": price,
            "priceCurrency": "EUR",
            "url": view.registration or page,
        }
    return data


def startup(config: SiteConfig, view: StartupView) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Organization",
        "name": view.name,
        "url": absolute(config, view.url),
        "address": {
            "@type": "PostalAddress",
            "addressLocality": view.city.label,
            "addressCountry": "FR",
        },
    }
    if view.logo:
        data["logo"] = absolute(config, view.logo)
    if view.summary:
        data["description"] = view.summary
    if view.founded:
        data["foundingDate"] = str(view.founded)
    if view.website:
        data["sameAs"] = [view.website, *(link.url for link in view.social)]
    return data


def place(config: SiteConfig, view: PlaceView) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Place",
        "name": view.name,
        "address": postal_address(view.address, view.city.label),
        "url": absolute(config, view.url),
    }
    if view.image:
        data["image"] = absolute(config, view.image)
    if view.geo:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": view.geo[0], "longitude": view.geo[1]}
    return data


def news(config: SiteConfig, view: PressView) -> dict[str, Any]:
    """A press release: written and published by the label, with the site's default image
    (releases have no image field)."""
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "headline": view.title,
        "datePublished": view.date_iso,
        "url": absolute(config, view.url),
        "image": [absolute(config, SITE_IMAGE)],
        "author": [label(config)],
        "publisher": label(config),
    }
    if view.summary:
        data["description"] = view.summary
    return data
