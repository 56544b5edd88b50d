"""An event's identity for calendar clients: UID, DTSTAMP and SEQUENCE, all from its history."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from urllib.parse import urlsplit

import yaml

from .history import History
from .models import Event

BASE_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
"""Every scalar as text, like the build itself reads front matter; the C loader when present."""

SCHEDULE_FIELDS = (
    "start",
    "end",
    "timezone",
    "place",
    "location",
    "city",
    "online",
    "status",
    "recurrence",
    "exdates",
)
"""A change to any of these moves the event in subscribers' calendars: SEQUENCE grows."""


@dataclass(frozen=True)
class EventIdentity:
    uid: str
    stamp: datetime
    """UTC; serves as both DTSTAMP and LAST-MODIFIED."""
    sequence: int


def event_identity(event: Event, history: History, base_url: str) -> EventIdentity:
    record = history.of(event.source.path)
    uid = event.uid or derived_uid(record.origin, base_url)
    stamp = history.changed_at(event.source.path, event.source.text)
    versions = [*record.texts]
    if not versions or versions[-1] != event.source.text:
        versions.append(event.source.text)
    return EventIdentity(uid, stamp, count_schedule_changes(versions))


def derived_uid(origin_path: str, base_url: str) -> str:
    """A UID from the path the file was first committed under: never from title or time."""
    digest = hashlib.sha256(origin_path.encode("utf-8")).hexdigest()[:20]
    return f"{digest}@{urlsplit(base_url).hostname}"


def count_schedule_changes(texts: list[str]) -> int:
    """How many times, from one version to the next, the schedule fields changed."""
    if len(texts) < 2:
        return 0
    signatures = [
        signature for text in texts if (signature := schedule_signature(text)) is not None
    ]
    return sum(1 for before, after in pairwise(signatures) if before != after)


def schedule_signature(text: str) -> tuple[str, ...] | None:
    """The raw text of the schedule fields of one version (None if that version was broken)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    try:
        closing = next(i for i in range(1, len(lines)) if lines[i].rstrip() == "---")
        fields = yaml.load("\n".join(lines[1:closing]), Loader=BASE_LOADER)
    except (StopIteration, yaml.YAMLError):
        return None
    if not isinstance(fields, dict):
        return None
    return tuple(" ".join(str(fields.get(name, "")).split()) for name in SCHEDULE_FIELDS)
