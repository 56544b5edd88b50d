"""Recognize a build with nothing to do: same inputs, same output folder, `now` in the same span.

Every input of a build is hashed — content files, site.yaml, media, templates, static files,
the commit checked out, the code and the options — and kept with the last successful build,
along with the first moment at which passing time alone would change a page (an event ending,
an event leaving the feeds' window). A later build with the same fingerprint, a `now` between
the two, and an output folder nobody touched has nothing to redo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dateutil.relativedelta import relativedelta

from nftsite.content.sources import SourceFile
from nftsite.content.walk import walk_files
from nftsite.core.cache import Cache, code_fingerprint, digest
from nftsite.core.folders import SOURCE_FOLDERS
from nftsite.core.problems import Problem
from nftsite.link.site import Site
from nftsite.model.recurrence import next_end
from nftsite.output.tree import Manifest, files_in


@dataclass(frozen=True)
class BuildRecord:
    """What the last successful build of one output folder was made from."""

    fingerprint: str
    now: datetime
    valid_until: datetime | None
    """After this, time alone changes some page; None when nothing is ahead."""
    pages: int
    files: int
    problems: tuple[Problem, ...]
    """Its warnings, reported again when the build is skipped."""
    drafts: tuple[str, ...] = ()
    """Its drafts (`draft: true`), named again when the build is skipped."""


def input_fingerprint(
    root: Path,
    sources: list[SourceFile],
    commit: str,
    drafts: bool,
    output: Path,
    base_url: str | None = None,
) -> str:
    """A hash of everything a build reads, besides the clock."""
    parts: list[str | bytes] = [code_fingerprint(), commit, str(drafts), str(output.resolve())]
    if base_url is not None:  # `--base-url`: the same files published elsewhere
        parts.append(base_url)
    for source in sources:
        parts += [source.shown_path, source.text]
    for folder in SOURCE_FOLDERS:
        for path in walk_files(root / folder):
            if path.suffix != ".md":  # the .md files are the sources above
                parts += [path.relative_to(root).as_posix(), path.read_bytes()]
    return digest(*parts)


def valid_until(site: Site, now: datetime) -> datetime | None:
    """The first moment after `now` at which a page would change with time alone."""
    months = relativedelta(months=site.config.feed_past_months)
    feeds_since = _shifted(now, -months) or now
    moments = []
    for event in site.events:
        upcoming = next_end(event, now)
        in_feeds = next_end(event, feeds_since)
        if upcoming is not None:
            moments.append(upcoming)
        if in_feeds is not None:
            # It leaves the feeds once `now - months` passes its end: never before
            # `end + months` (month arithmetic clamps), and it is in them at `now`.
            leaves = _shifted(in_feeds, months)
            if leaves is not None:  # past year 9999: never, as far as a build can tell
                moments.append(max(leaves, now))
    return min(moments, default=None)


def _shifted(moment: datetime, delta: relativedelta) -> datetime | None:
    """`moment + delta`, or None when that falls outside the years a datetime can hold."""
    try:
        return moment + delta
    except (OverflowError, ValueError):
        return None


def record_key(output: Path, drafts: bool) -> str:
    return digest(str(output.resolve()), str(drafts))


def find_unchanged(
    cache: Cache, fingerprint: str, now: datetime, output: Path, drafts: bool
) -> BuildRecord | None:
    """The last build's record if this build would write exactly what is there."""
    _, record = cache.lookup("build-record", record_key(output, drafts))
    if not isinstance(record, BuildRecord) or record.fingerprint != fingerprint:
        return None
    if not record.now <= now or (record.valid_until is not None and now > record.valid_until):
        return None
    manifest = Manifest.load(output, cache)
    if len(manifest.stamps) != record.files or files_in(output) != set(manifest.stamps):
        return None  # a file added, or removed, by hand
    return record if all(manifest.is_untouched(path) for path in manifest.stamps) else None
