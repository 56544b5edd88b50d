"""Stage 5, write: replace `output/` by the new tree in one step, once it is complete.

The new tree is assembled beside `output/` (the staging folder, on the same file system):
pages are rendered straight into it, files that did not change are hard links to the old
ones (so they keep their bytes and modification time, and cost no copy), the rest are
written. Once every file is there and checked, the two folders are exchanged at once
(`swap.py`): at every instant `output/` is exactly the old tree or exactly the new one, and a
failed, killed or interrupted build leaves it as it was. Nothing after the exchange can fail
the build.

The manifest remembers, for every file the last build wrote, its size, mtime, hash and the
key of what it was made from (a page's templates and context). A page whose key is unchanged
and whose file is as we left it is not rendered again: `output/` itself holds its bytes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from nftsite.core.artifacts import Artifact, Kept, Staged
from nftsite.core.cache import Cache
from nftsite.core.oserrors import WriteFailure
from nftsite.output.folder import MARKER, MARKER_TEXT, beside
from nftsite.output.swap import exchange


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
        except OSError:  # gone, or a name the system refuses
            return False
        return (status.st_size, status.st_mtime_ns) == (stamp.size, stamp.mtime_ns)

    def is_current(self, relative: str, key: str) -> bool:
        """The file was made from `key` and nobody touched it since."""
        stamp = self.stamps.get(relative)
        return stamp is not None and stamp.key == key and self.is_untouched(relative)


class Staging:
    """The next output tree, assembled beside `output/` until it is complete.

    Made under the output folder's lock (`outputfolder.exclusive`), so what is found there is
    what a killed build left behind: it is removed first.
    """

    def __init__(self, output_root: Path) -> None:
        self.output_root = output_root
        self.root = beside(output_root, "staging")
        remove_tree(self.root)
        try:
            self.root.mkdir(parents=True)
        except OSError as error:
            raise WriteFailure(self.root, error) from error

    def stage(self, relative: str, data: bytes) -> Staged:
        """Write a rendered file at its place in the new tree."""
        path = self.root / relative
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as error:
            raise WriteFailure(self.output_root / relative, error) from error
        return Staged(path, len(data), hashlib.sha256(data).hexdigest())

    def discard(self) -> None:
        remove_tree(self.root)


@dataclass(frozen=True)
class WriteReport:
    written: int
    unchanged: int
    removed: int


def write_output(
    manifest: Manifest,
    artifacts: Mapping[str, Artifact],
    keys: Mapping[str, str],
    staging: Staging,
    derive: Callable[[Path], Mapping[str, Path]] | None = None,
) -> WriteReport:
    """Make the output folder hold exactly `artifacts`; `keys` says what pages were made from.

    `derive`, when given, reads the complete new tree and returns more files made from it
    (the search index): they join the tree like any other file, before it is verified and
    swapped in, so whatever `derive` raises leaves `output/` untouched.
    Raises WriteFailure, with `output/` untouched, when the system refuses a write.
    """
    output = manifest.root
    stamps: dict[str, Stamp] = {}
    written = unchanged = 0

    def put(files: Mapping[str, Artifact]) -> None:
        nonlocal written, unchanged
        for relative, artifact in sorted(files.items()):
            target = staging.root / relative
            try:
                linked, sha = _fill(manifest, relative, artifact, target)
                status = target.stat()
            except OSError as error:
                raise WriteFailure(output / relative, error) from error
            unchanged += linked
            written += not linked
            key = keys.get(relative, "")
            stamps[relative] = Stamp(status.st_size, status.st_mtime_ns, sha, key)

    put(artifacts)
    if derive is not None:
        put(derive(staging.root))
    try:
        _mark(output, staging.root)
        _verify(staging.root, stamps)
        removed = len(files_in(output) - set(stamps)) if output.is_dir() else 0
        if written or removed or not (output / MARKER).is_file():
            exchange(staging.root, output)
        # else output/ already is the new tree, folders included: leave it as it is
    except OSError as error:
        raise WriteFailure(output, error) from error
    staging.discard()  # the old tree now (or the unused copy); if it fails, the next build
    manifest.stamps = stamps
    return WriteReport(written, unchanged, removed)


def _fill(manifest: Manifest, relative: str, artifact: Artifact, target: Path) -> tuple[bool, str]:
    """Put the file at its place in the new tree: (is it the old file, linked?, its hash)."""
    old = manifest.root / relative
    if isinstance(artifact, Kept):
        _link(old, target)
        return True, manifest.stamps[relative].sha256
    if isinstance(artifact, Staged):
        sha = artifact.sha256
        if _is_unchanged(manifest, relative, artifact.path.read_bytes, artifact.size, sha):
            # One step (link beside, then rename over it): a reader of the tree, such as
            # Pagefind started as soon as the pages were staged, never finds it missing.
            spare = target.with_name(target.name + ".nftsite-link~")
            _link(old, spare)
            os.replace(spare, target)
            return True, sha
        return False, sha
    data = artifact.read_bytes() if isinstance(artifact, Path) else artifact
    sha = _hash(data)
    if _is_unchanged(manifest, relative, lambda: data, len(data), sha):
        _link(old, target)
        return True, sha
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return False, sha


def _mark(output: Path, tree: Path) -> None:
    """The marker file that lets later builds replace this tree (the old one kept as is)."""
    old = output / MARKER
    if old.is_file() and old.read_text(encoding="utf-8", errors="replace") == MARKER_TEXT:
        _link(old, tree / MARKER)
    else:
        (tree / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _link(old: Path, target: Path) -> None:
    """The old file in the new tree, as a hard link (same bytes, same mtime, no copy)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(old, target)
    except OSError:  # a file system without hard links, or not ours to link
        shutil.copy2(old, target)


def _is_unchanged(
    manifest: Manifest, relative: str, data: Callable[[], bytes], size: int, sha: str
) -> bool:
    if manifest.is_untouched(relative):
        return manifest.stamps[relative].sha256 == sha  # as we left it: compare hashes only
    target = manifest.root / relative
    return target.is_file() and target.stat().st_size == size and target.read_bytes() == data()


def _verify(tree: Path, stamps: Mapping[str, Stamp]) -> None:
    """Every file of the new tree is there with its size, and nothing else."""
    found = files_in(tree) - {MARKER}
    if found != set(stamps):
        missing = sorted(set(stamps) - found)[:3] or sorted(found - set(stamps))[:3]
        raise OSError(0, f"arbre incomplet ({', '.join(missing)})", str(tree))
    top = os.fspath(tree)
    for relative, stamp in stamps.items():
        if os.stat(f"{top}/{relative}").st_size != stamp.size:
            raise OSError(0, f"taille inattendue de {relative}", str(tree))


def files_in(output_root: Path) -> set[str]:
    """Every file in the output folder, as relative POSIX paths (the marker aside)."""
    found: set[str] = set()
    top = os.fspath(output_root)
    start = len(top) + 1  # plain string slicing: pathlib's relative_to costs 10x more here
    for folder, _, files in os.walk(top):
        base = folder[start:]
        found.update(f"{base}/{name}" if base else name for name in files)
    found.discard(MARKER)
    return found


def remove_tree(path: Path) -> None:
    """Remove a folder we made, even where its subfolders were made read-only."""

    def make_writable_and_retry(function: Callable[..., object], name: str, _: object) -> None:
        parent = os.path.dirname(name)
        try:
            os.chmod(parent, os.stat(parent).st_mode | stat.S_IWUSR | stat.S_IXUSR)
            function(name)
        except OSError:
            pass  # left for the next build, which tries again

    if path.is_symlink():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path, onerror=make_writable_and_retry)
