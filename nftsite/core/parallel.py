"""Run one function over many items on every core, for the build's heavy, independent work.

Workers are forked from the build, so they already hold the items: only index ranges go to
them, and only results come back. Markdown bodies, VEVENTs and pages are each independent
of the others, which is what makes this safe.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PER_WORKER = 64
"""Below this many items a worker costs more to start than it saves."""
MAX_CHUNK = 500
"""Items sent to a worker at a time: bounds what comes back in one piece."""

_work: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
"""In a worker process only: the function and items it inherited from the build."""


def _start_worker(function: Callable[[Any], Any], items: Sequence[Any]) -> None:
    global _work
    _work = (function, items)


def _run_range(bounds: tuple[int, int]) -> list[Any]:
    assert _work is not None
    function, items = _work
    return [function(items[index]) for index in range(*bounds)]


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def parallel_map(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """[function(item) for item in items], spread over the machine's cores when worth it."""
    return list(parallel_imap(function, items))


def parallel_imap(function: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
    """function(item) for each item, in order, computed on every core when worth it, and
    handed over as they come, so the caller need not hold them all at once.

    `function` must return picklable results and not depend on state changed after the call
    starts. Where fork is not available, runs in this process.
    """
    workers = min(cores(), len(items) // MIN_PER_WORKER)
    if workers < 2 or sys.platform != "linux":
        yield from (function(item) for item in items)
        return
    size = min(-(-len(items) // (workers * 4)), MAX_CHUNK)
    ranges = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    context = multiprocessing.get_context("fork")
    # What the workers inherit is moved out of the collector's sight: a collection in a
    # worker would otherwise write to every object's header, copying each page it shares
    # with the build (and with the other workers) into memory of its own.
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(function, items),
        ) as pool:
            for chunk in pool.map(_run_range, ranges):
                yield from chunk
    finally:
        gc.unfreeze()
