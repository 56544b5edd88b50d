"""The part of an event that places it in time and space, compared from one version to the next.

SEQUENCE counts how often this changed across an event's committed versions: only the
signature of each version is kept, not its text.
"""

from __future__ import annotations

from itertools import pairwise

import yaml

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


Signature = tuple[str, ...] | None


def count_changes(signatures: list[Signature]) -> int:
    """How many times, from one readable version to the next, the schedule fields changed."""
    readable = [signature for signature in signatures if signature is not None]
    return sum(1 for before, after in pairwise(readable) if before != after)


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
