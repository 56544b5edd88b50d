"""schema.org JSON-LD for search engines: Organization, Event, Place, NewsArticle."""

from __future__ import annotations

from typing import Any

from nftsite.core import urls
from nftsite.model.models import Event, SiteConfig, Status
from nftsite.render.views import EventView, PlaceView, PressView, StartupView

CONTEXT = "https://schema.org"
EVENT_STATUS = {
    Status.CONFIRMED: "https://schema.org/EventScheduled",
    Status.TENTATIVE: "https://schema.org/EventScheduled",
    Status.CANCELLED: "https://schema.org/EventCancelled",
}


def organization(config: SiteConfig) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "@type": "Organization",
        "name": config.title,
        "url": config.base_url + "/",
        "email": config.contact,
    }


def event(config: SiteConfig, view: EventView, model: Event) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Event",
        "name": view.title,
        "startDate": view.start_iso,
        "eventStatus": EVENT_STATUS[model.status],
        "url": urls.absolute(config.base_url, view.url),
    }
    if view.end_iso:
        data["endDate"] = view.end_iso
    if view.summary:
        data["description"] = view.summary
    locations: list[dict[str, Any]] = []
    if view.place is not None:
        locations.append({"@type": "Place", "name": view.place.name, "address": view.place.address})
    if view.online:
        locations.append({"@type": "VirtualLocation", "url": view.online})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
        data["eventAttendanceMode"] = (
            "https://schema.org/MixedEventAttendanceMode"
            if len(locations) == 2
            else "https://schema.org/OnlineEventAttendanceMode"
            if view.online
            else "https://schema.org/OfflineEventAttendanceMode"
        )
    if view.organizer is not None:
        data["organizer"] = {"@type": "Organization", "name": view.organizer.label}
    if view.image:
        data["image"] = urls.absolute(config.base_url, view.image)
    return data


def startup(config: SiteConfig, view: StartupView) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Organization",
        "name": view.name,
        "url": urls.absolute(config.base_url, view.url),
        "address": {"@type": "PostalAddress", "addressLocality": view.city.label},
    }
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
        "address": view.address,
        "url": urls.absolute(config.base_url, view.url),
    }
    if view.geo:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": view.geo[0], "longitude": view.geo[1]}
    return data


def news(config: SiteConfig, view: PressView) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "headline": view.title,
        "datePublished": view.date_iso,
        "url": urls.absolute(config.base_url, view.url),
        "publisher": {"@type": "Organization", "name": config.title},
    }
