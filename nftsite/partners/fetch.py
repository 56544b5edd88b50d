"""Where a source's bytes come from: its `url:` (the importer's only network access, with
urllib) or its `file:` (a recorded copy in the project, for tests and offline work)."""

from __future__ import annotations

import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from nftsite.partners.config import SourceConfig
from nftsite.partners.ics import FeedError

TIMEOUT = 60
USER_AGENT = "nftsite-import (Normandy French Tech; agenda partagé)"


def fetch_ics(source: SourceConfig, root: Path) -> bytes:
    if source.file is not None:
        return _read(root / source.file)
    assert source.url is not None
    return _get(source.url)


def fetch_openagenda_page(source: SourceConfig, root: Path, after: list[str] | None) -> bytes:
    """One page of `GET {url}/events` (OpenAgenda v2), or its recorded copy: in a `file:`
    folder, `events.json` is the first page and `events-after-<cursor>.json` the next ones
    (the cursor's parts joined by `-`)."""
    if source.file is not None:
        name = "events.json" if not after else f"events-after-{'-'.join(after)}.json"
        return _read(root / source.file / name)
    assert source.url is not None
    query: list[tuple[str, str]] = [
        ("detailed", "1"),
        ("monolingual", "fr"),
        ("relative[]", "current"),
        ("relative[]", "upcoming"),
        ("size", "100"),
    ]
    query += [("after[]", part) for part in after or ()]
    key = os.environ.get(source.key_env or "", "") if source.key_env else ""
    if key:
        query.append(("key", key))
    return _get(source.url.rstrip("/") + "/events?" + urllib.parse.urlencode(query))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise FeedError(f"fichier illisible : {path.name} ({error.strerror})") from None


def _get(url: str) -> bytes:
    shown = url.split("?", 1)[0]  # never print a key
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            data: bytes = response.read()
            return data
    except urllib.error.HTTPError as error:
        raise FeedError(f"{shown} a répondu {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise FeedError(f"{shown} injoignable ({error})") from None
