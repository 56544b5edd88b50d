"""Read an OpenAgenda v2 agenda: `GET /v2/agendas/{uid}/events`, page after page through the
`after` cursor, each event detailed.

Only whitelisted keys are read. A detailed event also carries who typed it in (`member`,
`creator`: name, e-mail, phone) and its image: those are never read, so never written."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nftsite.partners.ics import FeedError
from nftsite.partners.record import SourceEvent, Unreadable
from nftsite.partners.text import one_line, safe_markdown

MAX_PAGES = 200
CANCELLED, POSTPONED = 6, 4
"""OpenAgenda's `status` codes: 1 scheduled, 2 rescheduled, 3 moved online, 4 postponed,
5 full, 6 cancelled."""


def read_openagenda(
    fetch_page: Callable[[list[str] | None], bytes], site_zone: ZoneInfo
) -> list[SourceEvent | Unreadable]:
    records: list[SourceEvent | Unreadable] = []
    after: list[str] | None = None
    for _ in range(MAX_PAGES):
        page = _json(fetch_page(after))
        events = page.get("events") or []
        for event in events:
            if isinstance(event, dict):
                try:
                    records += _records(event, site_zone)
                except (ValueError, TypeError, KeyError, AttributeError) as error:
                    uid = str(event.get("uid", "?"))
                    records.append(Unreadable(uid, f"{type(error).__name__}: {error}"))
        cursor = page.get("after")
        if not events or not cursor:
            return records
        after = [str(part) for part in (cursor if isinstance(cursor, list) else [cursor])]
    raise FeedError(f"plus de {MAX_PAGES} pages : l'agenda est trop grand pour un import")


def _json(data: bytes) -> dict[str, Any]:
    try:
        page = json.loads(data)
    except ValueError as error:
        raise FeedError(f"réponse OpenAgenda illisible ({error})") from None
    if not isinstance(page, dict):
        raise FeedError("réponse OpenAgenda inattendue : un objet JSON est attendu")
    return page


def _text(value: Any) -> str:
    """A monolingual string, or the French entry of a multilingual one."""
    if isinstance(value, dict):
        value = value.get("fr") or next(iter(value.values()), "")
    return value if isinstance(value, str) else ""


def _records(event: dict[str, Any], site_zone: ZoneInfo) -> list[SourceEvent]:
    uid = str(event.get("uid", ""))
    timings = [t for t in event.get("timings") or [] if isinstance(t, dict)]
    if not uid or not timings:
        return []
    zone = _zone(event.get("timezone"), site_zone)
    location = event.get("location") if isinstance(event.get("location"), dict) else {}
    assert isinstance(location, dict)
    where = ", ".join(
        part for part in (_text(location.get("name")), _text(location.get("address"))) if part
    )
    online = _text(event.get("onlineAccessLink"))
    links = [
        _text(r.get("value"))
        for r in event.get("registration") or []
        if isinstance(r, dict) and r.get("type") == "link"  # never an e-mail or a phone
    ]
    status = event.get("status")
    common = SourceEvent(
        uid=uid,
        title=one_line(_text(event.get("title"))) or "Sans titre",
        start=datetime.min.replace(tzinfo=UTC),  # each timing's own, below
        end=None,
        zone=zone,
        status="cancelled"
        if status == CANCELLED
        else "tentative"
        if status == POSTPONED
        else "confirmed",
        location=one_line(where) or None,
        city_name=one_line(_text(location.get("city"))) or None,
        description=safe_markdown(
            _text(event.get("longDescription")) or _text(event.get("description"))
        ),
        url=_web(_text(event.get("canonicalUrl"))),
        updated=_instant(event.get("updatedAt")),
        registration=next((link for link in links if _web(link)), None),
        online=_web(online),
        withdrawn=bool(event.get("removed")),
    )
    records = []
    for timing in sorted(timings, key=lambda t: str(t.get("begin"))):
        begin, end = _instant(timing.get("begin")), _instant(timing.get("end"))
        if begin is None:
            continue
        own = uid if len(timings) == 1 else f"{uid}#{begin:%Y%m%dT%H%M%SZ}"
        local_end = end.astimezone(zone) if end is not None and end > begin else None
        records.append(replace(common, uid=own, start=begin.astimezone(zone), end=local_end))
    return records


def _zone(name: Any, site_zone: ZoneInfo) -> ZoneInfo:
    try:
        return ZoneInfo(name) if isinstance(name, str) and name else site_zone
    except (ZoneInfoNotFoundError, ValueError):
        return site_zone


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


def _web(url: str) -> str | None:
    return url if url.startswith(("https://", "http://")) else None
