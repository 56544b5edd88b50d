"""What a computation read, recorded as it reads it: the live preview's dependency records.

An output that is recomputed alone (one page, one calendar) must know every input it was made
from. Rather than lists written by hand, which miss an input the day someone adds a read, the
readers themselves note what they read: `Source.text` notes its file, a `RecordingMapping`
notes each key asked of it. `recording()` collects the notes of the code it wraps; outside any
recording, noting costs one context-variable lookup and records nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

V = TypeVar("V")

_current: ContextVar[set[str] | None] = ContextVar("nftsite_reads", default=None)


def note(key: str) -> None:
    """Record that the running computation read `key` (if one is being recorded)."""
    reads = _current.get()
    if reads is not None:
        reads.add(key)


@contextmanager
def recording() -> Iterator[set[str]]:
    """Collect what the wrapped code reads. A recording nested in another keeps its notes
    to itself: each output records its own reads, not those of the outputs it contains."""
    reads: set[str] = set()
    token = _current.set(reads)
    try:
        yield reads
    finally:
        _current.reset(token)


TEXT_PREFIX = "text:"


def text_key(path: str) -> str:
    """The key of a content file's text (its front matter and body)."""
    return TEXT_PREFIX + path


TEMPLATE_PREFIX = "template:"


def template_key(name: str) -> str:
    """The key of a template's text (`event.html`, `base.html`…)."""
    return TEMPLATE_PREFIX + name


class RecordingMapping(Mapping[str, V]):
    """A read-only mapping that notes each key read from it as `prefix + key`; iterating it
    reads them all."""

    def __init__(self, items: Mapping[str, V], prefix: str) -> None:
        self._items = items
        self._prefix = prefix

    def __getitem__(self, key: str) -> V:
        note(self._prefix + key)
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        for key in self._items:
            note(self._prefix + key)
            yield key

    def __len__(self) -> int:
        return len(self._items)
