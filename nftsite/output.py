"""Stage 5, write: bring `output/` to the rendered state, touching only files that changed.

Nothing is written until every page rendered without an error, so a failed build leaves
`output/` exactly as it was. Each changed file is written beside its target and renamed into
place, so a reader (or a web server) never sees half a file; unchanged files keep their bytes
and their modification time.

The manifest remembers, for every file the last build wrote, its size, mtime, hash and the
key of what it was made from (a page's templates and context). A page whose key is unchanged
and whose file is as we left it is not rendered again: `output/` itself holds its bytes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .cache import Cache


@dataclass(frozen=True)
class Kept:
    """The file already in `output/` is exactly what this build would write."""

    key: str


@dataclass(frozen=True)
class Staged:
    """Rendered bytes parked beside `output/` until the build is known to have succeeded."""

    path: Path
    size: int
    sha256: str


class Staging:
    """A folder beside `output/` (same file system, so moving a file in is a rename) where
    rendered pages wait, instead of in memory, until the build has succeeded."""

    def __init__(self, output_root: Path) -> None:
        self.root = output_root.parent / f".{output_root.name}.staging"
        shutil.rmtree(self.root, ignore_errors=True)  # what a crashed build left behind

    def stage(self, relative: str, data: bytes) -> Staged:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return Staged(path, len(data), hashlib.sha256(data).hexdigest())

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


Artifact = bytes | Path | Kept | Staged
"""Rendered bytes, a source file to copy as it is (media, static files), a kept file, or a
staged page."""


@dataclass(frozen=True)
class Stamp:
    size: int
    mtime_ns: int
    sha256: str
    key: str = ""
    """What the file was made from, when known (see `Manifest.is_current`)."""


@dataclass
class Manifest:
    """What the last successful build left in one output folder."""

    root: Path
    stamps: dict[str, Stamp] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path, cache: Cache) -> Manifest:
        _, stamps = cache.lookup("output-manifest", str(root.resolve()))
        return cls(root, dict(stamps or {}))

    def save(self, cache: Cache) -> None:
        cache.store("output-manifest", str(self.root.resolve()), self.stamps)

    def is_untouched(self, relative: str) -> bool:
        """The file is still as the last build wrote it (same size and modification time)."""
        stamp = self.stamps.get(relative)
        if stamp is None:
            return False
        try:
            status = (self.root / relative).stat()
        except FileNotFoundError:
            return False
        return (status.st_size, status.st_mtime_ns) == (stamp.size, stamp.mtime_ns)

    def is_current(self, relative: str, key: str) -> bool:
        """The file was made from `key` and nobody touched it since."""
        stamp = self.stamps.get(relative)
        return stamp is not None and stamp.key == key and self.is_untouched(relative)


@dataclass(frozen=True)
class WriteReport:
    written: int
    unchanged: int
    removed: int


def write_output(
    manifest: Manifest, artifacts: Mapping[str, Artifact], keys: Mapping[str, str]
) -> WriteReport:
    """Make the output folder hold exactly `artifacts`; `keys` says what pages were made from."""
    manifest.root.mkdir(parents=True, exist_ok=True)
    stamps: dict[str, Stamp] = {}
    written = unchanged = 0
    for relative, artifact in sorted(artifacts.items()):
        if isinstance(artifact, Kept):
            stamps[relative] = manifest.stamps[relative]
            unchanged += 1
            continue
        target = manifest.root / relative
        if isinstance(artifact, Staged):
            sha = artifact.sha256
            if _is_unchanged(manifest, relative, artifact.path.read_bytes, artifact.size, sha):
                unchanged += 1
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(artifact.path, target)
                written += 1
        else:
            data = artifact.read_bytes() if isinstance(artifact, Path) else artifact
            sha = hashlib.sha256(data).hexdigest()
            if _is_unchanged(manifest, relative, partial(bytes, data), len(data), sha):
                unchanged += 1
            else:
                _replace(target, data)
                written += 1
        status = target.stat()
        stamps[relative] = Stamp(status.st_size, status.st_mtime_ns, sha, keys.get(relative, ""))
    removed = _remove_stale(manifest.root, set(artifacts))
    manifest.stamps = stamps
    return WriteReport(written, unchanged, removed)


def _is_unchanged(
    manifest: Manifest, relative: str, data: Callable[[], bytes], size: int, sha: str
) -> bool:
    if manifest.is_untouched(relative):
        return manifest.stamps[relative].sha256 == sha  # as we left it: compare hashes only
    target = manifest.root / relative
    return target.is_file() and target.stat().st_size == size and target.read_bytes() == data()


def _replace(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir():
        shutil.rmtree(target)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)


def files_in(output_root: Path) -> set[str]:
    """Every file in the output folder, as relative POSIX paths."""
    found: set[str] = set()
    for folder, _, files in os.walk(output_root):
        base = Path(folder).relative_to(output_root).as_posix()
        found.update(name if base == "." else f"{base}/{name}" for name in files)
    return found


def _remove_stale(output_root: Path, keep: set[str]) -> int:
    """Delete every file this build did not produce (output/ is nftsite's alone: a file put
    there by hand goes too), then the folders left empty."""
    removed = 0
    for folder, _, files in os.walk(output_root, topdown=False):
        base = Path(folder)
        for name in files:
            path = base / name
            if path.relative_to(output_root).as_posix() not in keep:
                path.unlink()
                removed += 1
        if base != output_root and not any(base.iterdir()):
            base.rmdir()
    return removed
