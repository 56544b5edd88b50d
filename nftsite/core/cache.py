"""A content-keyed cache kept across builds, so unchanged work is never done twice.

Keys are hashes of everything a result depends on (a body's text and the Markdown settings,
a file's text and the site's configuration, a page's context and its templates), so a stale
entry can only be missed, never served. The store is one SQLite file under `.cache/`, outside
`output/`; a store written by another version of nftsite, or one SQLite cannot read, is
discarded and rebuilt, never trusted. The cache is disposable: whatever goes wrong with the
store (corrupt pages, a lock held by another program, a full disk) costs a warning and the
time to recompute, never a failed build. A dictionary in front of it keeps a running preview
from going to disk at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import sqlite3
import sys
from collections.abc import Callable, Iterable
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from nftsite.core.folders import CACHE_FOLDER
from nftsite.core.reads import note, recording

T = TypeVar("T")

CACHE_FILE = CACHE_FOLDER / "nftsite.sqlite3"
SCHEMA = 1


PACKAGE = Path(__file__).resolve().parent.parent
"""The whole `nftsite` package: every stage's code shapes some cached value."""


def code_fingerprint(source: Path = PACKAGE) -> str:
    """What the cached values were computed with: our code and the libraries that shape them.

    Every `*.py` of every subpackage counts, with its path, so that editing or moving any module
    of any stage discards the store instead of serving values the new code would not compute.
    """
    parts = [f"schema={SCHEMA}", sys.version]
    for package in (
        "markdown",
        "jinja2",
        "icalendar",
        "babel",
        "PyYAML",
        "feedgen",
        "nh3",
        "python-dateutil",
        "pagefind-bin",  # the search index's bytes
    ):
        try:
            parts.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:  # pragma: no cover
            parts.append(f"{package}=?")
    for path in sorted(source.rglob("*.py")):
        name = path.relative_to(source).as_posix()
        parts.append(f"{name}={hashlib.sha256(path.read_bytes()).hexdigest()}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def digest(*parts: str | bytes) -> str:
    """A key from the parts a value depends on (their order matters)."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


class Cache:
    """`get_or_compute(namespace, key, compute)`: memory first, then disk, then compute."""

    WRITE_BATCH = 500
    """New values go to disk by batches, so a large cold build does not hold them all."""

    def __init__(self, path: Path | None, keep: bool = True) -> None:
        self.path = path
        self.keep = keep
        """Keep values (and memos) in memory for the next build in this process: a running
        preview's cache does; a one-shot build's does not, so a cold build of a large site
        does not hold every body, calendar and image it made until it ends."""
        self.memory: dict[tuple[str, str], Any] = {}
        self.stored: dict[tuple[str, str], bytes] = {}
        """Values on disk, loaded a whole namespace at a time, unpickled on first use."""
        self.loaded: set[str] = set()
        self.pending: list[tuple[str, str, bytes]] = []
        self.used: set[tuple[str, str]] = set()
        """Keys this build asked for: whatever else is on disk is dropped at the next flush."""
        self.on_disk: set[tuple[str, str]] | None = None
        """The keys in the store, read at the first flush and then maintained."""
        self.memos: dict[
            tuple[str, tuple[Any, ...]], tuple[tuple[Any, ...], Any, frozenset[str]]
        ] = {}
        self.memo_used: set[tuple[str, tuple[Any, ...]]] = set()
        self._connection: sqlite3.Connection | None = None
        self._fingerprint = code_fingerprint()
        self.warnings: list[str] = []
        """What went wrong with the store, in French; the build reports them as warnings."""
        if path is not None:
            self._open(path)

    def _open(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._connection = self._connect(path)
            except sqlite3.DatabaseError as error:
                if _is_busy(error):
                    raise
                _delete_store(path)  # corrupt: start again from nothing
                self._connection = self._connect(path)
        except (sqlite3.Error, OSError) as error:
            self._give_up(error)

    def _give_up(self, error: Exception) -> None:
        """Go on without the store for this run; drop it when it is damaged."""
        if self._connection is not None:
            with contextlib.suppress(sqlite3.Error):
                self._connection.close()
        self._connection = None
        self.pending.clear()
        assert self.path is not None
        shown = self.path.name
        if isinstance(error, sqlite3.Error) and _is_busy(error):
            self.warnings.append(
                f"cache {shown} verrouillé par un autre programme : cette construction "
                "s'en passe (elle peut être plus lente)"
            )
            return
        with contextlib.suppress(OSError):
            _delete_store(self.path)
        self.warnings.append(
            f"cache {shown} illisible ou impossible à enregistrer ({error}) : il est effacé "
            "et sera reconstruit"
        )

    def _connect(self, path: Path) -> sqlite3.Connection:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
        # A cache, not a record: after a crash it is at worst unreadable, then rebuilt.
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS entries (namespace TEXT, key TEXT, value BLOB, "
            "PRIMARY KEY (namespace, key))"
        )
        row = connection.execute("SELECT value FROM meta WHERE name = 'code'").fetchone()
        if row is None or row[0] != self._fingerprint:  # another version wrote it
            connection.execute("DELETE FROM entries")
            connection.execute(
                "INSERT OR REPLACE INTO meta VALUES ('code', ?)", (self._fingerprint,)
            )
            connection.commit()
        return connection

    def _load(self, namespace: str) -> None:
        self.loaded.add(namespace)
        if self._connection is None:
            return
        try:
            rows = self._connection.execute(
                "SELECT key, value FROM entries WHERE namespace = ?", (namespace,)
            ).fetchall()
        except sqlite3.Error as error:
            self._give_up(error)
            return
        for key, value in rows:
            self.stored[(namespace, key)] = value

    def lookup(self, namespace: str, key: str) -> tuple[bool, Any]:
        item = (namespace, key)
        self.used.add(item)
        if item in self.memory:
            return True, self.memory[item]
        if namespace not in self.loaded:
            self._load(namespace)
        blob = self.stored.pop(item, None)
        if blob is None:
            return False, None
        try:
            value = pickle.loads(blob)
        except Exception:  # an unreadable value is a miss, never a crash
            return False, None
        if self.keep:
            self.memory[item] = value
        return True, value

    def store(self, namespace: str, key: str, value: Any) -> None:
        self.used.add((namespace, key))
        if self.keep:
            self.memory[(namespace, key)] = value
        if self._connection is not None:
            blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            self.pending.append((namespace, key, blob))
            if len(self.pending) >= self.WRITE_BATCH:
                try:
                    self._write_pending()
                except (sqlite3.Error, OSError) as error:
                    self._give_up(error)

    def _write_pending(self) -> None:
        assert self._connection is not None
        self._connection.executemany(
            "INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", self.pending
        )
        if self.on_disk is not None:
            self.on_disk.update((namespace, key) for namespace, key, _ in self.pending)
        self.pending.clear()

    def get_or_compute(self, namespace: str, key: str, compute: Callable[[], T]) -> T:
        found, value = self.lookup(namespace, key)
        if found:
            return value  # type: ignore[no-any-return]
        value = compute()
        self.store(namespace, key, value)
        return value

    def memo(self, namespace: str, inputs: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """`compute()` again only if one of `inputs` changed since the last call: objects
        are compared by identity (the unchanged entries this cache hands out are the same
        objects from one rebuild to the next), plain values (text, numbers, dates, tuples of
        them) by value. Kept in memory for a running preview; never written to disk.

        What `compute` read (`core/reads.py`) is kept with its value and noted again on every
        reuse, so a recording around a memoised call sees the same reads, hit or miss."""
        key = (namespace, tuple(x if _is_plain(x) else id(x) for x in inputs))
        self.memo_used.add(key)
        found = self.memos.get(key)
        if found is not None and all(
            a is b or (_is_plain(b) and a == b) for a, b in zip(found[0], inputs, strict=True)
        ):
            value, reads = found[1], found[2]
        else:
            with recording() as noted:
                value = compute()
            reads = frozenset(noted)
            if self.keep:  # the inputs are kept alive, so their ids stay theirs
                self.memos[key] = (inputs, value, reads)
        for read in reads:
            note(read)
        return value  # type: ignore[no-any-return]

    def lookup_many(self, namespace: str, keys: Iterable[str]) -> dict[str, Any]:
        """The cached values among `keys` (for batching the misses, e.g. to other processes)."""
        found = {}
        for key in keys:
            hit, value = self.lookup(namespace, key)
            if hit:
                found[key] = value
        return found

    def flush(self) -> None:
        """After a successful build: write what it computed and forget what it no longer
        uses, so the store holds one site's worth of results, not every version ever built."""
        used, self.used = self.used, set()
        self.memory = {item: value for item, value in self.memory.items() if item in used}
        memo_used, self.memo_used = self.memo_used, set()
        self.memos = {key: value for key, value in self.memos.items() if key in memo_used}
        self.stored.clear()
        self.loaded.clear()
        if self._connection is None:
            return
        try:
            self._write_to_disk(used)
        except (sqlite3.Error, OSError) as error:
            self.on_disk = None
            self._give_up(error)

    def _write_to_disk(self, used: set[tuple[str, str]]) -> None:
        assert self._connection is not None
        if self.on_disk is None:  # once per process: afterwards kept up to date here
            rows = self._connection.execute("SELECT namespace, key FROM entries")
            self.on_disk = {(namespace, key) for namespace, key in rows}
        self._write_pending()
        stale = self.on_disk - used
        self._connection.executemany("DELETE FROM entries WHERE namespace = ? AND key = ?", stale)
        self.on_disk -= stale
        self._connection.commit()

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(sqlite3.Error):
                self._connection.close()
            self._connection = None


BUSY_TIMEOUT = 2.0
"""Seconds to wait for a store another program holds before going on without it."""


def _is_busy(error: sqlite3.Error) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def _delete_store(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


PLAIN_TYPES = frozenset({str, bytes, int, float, bool, type(None), date, datetime, tuple})


def _is_plain(value: Any) -> bool:
    """Compared by value in `Cache.memo`: text, numbers, dates, and tuples (which callers
    only fill with such values)."""
    return type(value) in PLAIN_TYPES
