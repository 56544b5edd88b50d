"""A source's event -> the text of our event file: our fields, in the schema's order, and the
`source:` block; the event's `uid` is derived from (source, source UID) alone.

The text depends on nothing but the source's data and sources.yaml, never on the clock, so
importing the same feed twice writes the same bytes."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import UTC, date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from nftsite.model.models import SiteConfig
from nftsite.partners.config import SourceConfig
from nftsite.partners.record import SourceEvent


def event_uid(source_name: str, source_uid: str, config: SiteConfig) -> str:
    """Our UID for a source's event, the same at every import: the title or time may change,
    the identity does not."""
    digest = hashlib.sha256(f"{source_name}\n{source_uid}".encode()).hexdigest()[:24]
    return f"import-{digest}@{urlsplit(config.home_url).hostname}"


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's form is one)."""
    return json.dumps(text, ensure_ascii=False)


def moment_text(moment: date | datetime, zone_name: str) -> str:
    """`2027-01-14` or `2027-01-14 18:30` on the event's wall clock; the offset is added only
    where a clock change makes the local time ambiguous, so the instant is never lost."""
    if not isinstance(moment, datetime):
        return moment.isoformat()
    local = moment.astimezone(ZoneInfo(zone_name))
    text = local.strftime("%Y-%m-%d %H:%M" + (":%S" if local.second else ""))
    naive = local.replace(tzinfo=None)
    if (
        naive.replace(tzinfo=local.tzinfo, fold=0).utcoffset()
        != naive.replace(tzinfo=local.tzinfo, fold=1).utcoffset()
    ):
        offset = local.strftime("%z")
        text += f"{offset[:3]}:{offset[3:]}"
    return text


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if c.isalnum() or c.isspace()).lower().split())


def city_of(event: SourceEvent, source: SourceConfig, config: SiteConfig) -> str | None:
    """The source's town when site.yaml knows it, else the source's default city."""
    if event.city_name:
        wanted = fold(event.city_name)
        for slug, name in config.cities.items():
            if fold(name) == wanted or slug == wanted.replace(" ", "-"):
                return slug
    if event.location:
        words = fold(event.location)
        for slug, name in config.cities.items():
            if f" {fold(name)} " in f" {words} ":
                return slug
    return source.city


def place_of(event: SourceEvent, source: SourceConfig) -> str | None:
    if not event.location:
        return None
    name = " ".join(event.location.split()).casefold()
    for written, slug in source.places.items():
        if name == written or name.startswith((written + ",", written + " (")):
            return slug
    return None


def render_event(
    event: SourceEvent, source: SourceConfig, config: SiteConfig, status: str | None = None
) -> str:
    """The file's text without its import header (see files.py)."""
    zone = event.zone.key
    lines = [f"title: {quoted(event.title)}", f"start: {moment_text(event.start, zone)}"]
    if event.end is not None:
        lines.append(f"end: {moment_text(event.end, zone)}")
    if isinstance(event.start, datetime) and zone != config.timezone.key:
        lines.append(f"timezone: {zone}")
    place = place_of(event, source)
    if place is not None:
        lines.append(f"place: {place}")
    elif event.location:
        lines.append(f"location: {quoted(event.location)}")
    city = city_of(event, source, config)
    if place is None and city is not None:
        lines.append(f"city: {city}")
    if event.online:
        lines.append(f"online: {quoted(event.online)}")
    if source.themes:
        lines.append(f"themes: [{', '.join(source.themes)}]")
    if event.registration:
        lines.append(f"registration: {quoted(event.registration)}")
    final = status or event.status
    if final != "confirmed":
        lines.append(f"status: {final}")
    if event.recurrence:
        lines.append(f"recurrence: {event.recurrence}")
        if event.exdates:
            lines.append("exdates:")
            lines += [f"  - {moment_text(moment, zone)}" for moment in event.exdates]
    lines.append(f"uid: {event_uid(source.name, event.uid, config)}")
    lines += ["source:", f"  name: {source.name}", f"  uid: {quoted(event.uid)}"]
    if event.url:
        lines.append(f"  url: {quoted(event.url)}")
    if event.updated is not None:
        lines.append(f"  updated: {event.updated.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}")
    if source.attribution:
        lines.append(f"  attribution: {quoted(source.attribution)}")
    lines.append(f"  licence: {quoted(source.licence)}")
    body = event.description or f"Événement publié par {source.attribution or source.name}."
    return "\n".join(lines) + "\n---\n" + body + "\n"
