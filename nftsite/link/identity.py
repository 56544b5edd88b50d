"""An event's identity for calendar clients: UID, DTSTAMP and SEQUENCE, all from its history."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from nftsite.link.history import History
from nftsite.link.schedule import count_changes, schedule_signature
from nftsite.model.models import Event


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
    signatures = list(record.signatures)
    if not record.is_current(event.source.text):  # edited since the last commit
        signatures.append(schedule_signature(event.source.text))
    return EventIdentity(uid, stamp, count_changes(signatures))


def derived_uid(origin_path: str, base_url: str) -> str:
    """A UID from the path the file was first committed under: never from title or time."""
    digest = hashlib.sha256(origin_path.encode("utf-8")).hexdigest()[:20]
    return f"{digest}@{urlsplit(base_url).hostname}"
