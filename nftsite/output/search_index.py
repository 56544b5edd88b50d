"""The site's search index: Pagefind run on the next output tree, before it is swapped in.

Pagefind (PyPI's `pagefind[bin]`, MIT, a binary wheel that carries the executable) reads the
staged HTML pages and writes a static index of them under `pagefind/`: French stemming and
accent folding, split in small files so that a query fetches only what it needs. Only the
parts of pages marked `data-pagefind-body` (the entries' `<article>`, see
`templates/partials/search_data.html`) are indexed, so results are entries, never list pages.

It runs in `nftsite build` only: `check` writes nothing, and the preview of `nftsite serve`
never calls it (its /recherche/ page says that search works on the built site). The index is
written beside the staging tree and handed to `tree.write_output` as ordinary files, so an
index identical to the last one is hard-linked like any unchanged file, and `output/` is
still exactly the old tree or exactly the new one. Pagefind's output is made byte-stable
(`canonical_filters`): the same pages give the same files (tests/test_determinism.py).
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import os
import re
import subprocess
from pathlib import Path

from nftsite.core.oserrors import WriteFailure
from nftsite.core.urls import SEARCH_INDEX
from nftsite.output.folder import beside
from nftsite.output.tree import remove_tree

FOLDER = SEARCH_INDEX.strip("/")
"""Where the index lands in `output/` (`pagefind/`), as the search page's script expects."""

KEPT_FILES = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json")
"""Pagefind's search code that the site's own search script (static/search.js) uses; its
ready-made interfaces (`pagefind-ui.js`, `pagefind-component-ui.js`…) are left out."""
KEPT_SUFFIXES = (".pagefind", ".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter")
"""The WebAssembly search engine and the index itself."""

TIMEOUT = 600
"""Seconds: far more than Pagefind needs for 20 000 pages (about 1 s per 1 000 here)."""


class SearchIndexFailure(Exception):
    """Pagefind could not build the index: the French reason, for the build's report."""


def _executable() -> Path:
    """The Pagefind binary the `pagefind[bin]` wheel installed (no download, ever)."""
    try:
        from pagefind.service import get_executable
    except ImportError as error:  # the environment lacks the declared dependency
        raise SearchIndexFailure(
            "le moteur de recherche Pagefind n'est pas installé (paquet Python "
            "« pagefind[bin] ») : réinstallez l'environnement avec « make site »"
        ) from error
    found = get_executable()
    if found is None or not found.is_file():
        raise SearchIndexFailure(
            "le programme Pagefind est introuvable (paquet Python « pagefind[bin] ») : "
            "réinstallez l'environnement avec « make site »"
        )
    return found


def build_index(tree: Path, output_root: Path) -> dict[str, Path]:
    """Index the HTML pages of `tree` (the staging tree); return {relative path in the
    output: the index file, written in a folder beside `output_root`}.

    The caller copies or links these files into the tree, then removes the folder
    (`discard_index`). Raises SearchIndexFailure with a French reason when Pagefind fails.
    """
    work = _work_folder(output_root)
    discard_index(output_root)
    try:
        finished = subprocess.run(
            _command(tree, work),
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIMEOUT,
            check=False,
            env={**os.environ, "NO_COLOR": "1"},
        )
    except subprocess.TimeoutExpired as error:
        raise SearchIndexFailure(
            f"Pagefind n'a pas fini l'index de recherche en {TIMEOUT} secondes"
        ) from error
    except OSError as error:
        raise SearchIndexFailure(
            f"Pagefind n'a pas pu être lancé ({error.strerror or error})"
        ) from error
    return _collect(work, finished.returncode, finished.stderr or finished.stdout)


def _command(tree: Path, work: Path) -> list[str]:
    return [
        os.fspath(_executable()),
        "--site",
        os.fspath(tree),
        "--output-path",
        os.fspath(work),
        "--force-language",
        "fr",
        "--silent",
    ]


def _collect(work: Path, returncode: int, said: str) -> dict[str, Path]:
    """The index Pagefind wrote in `work`, once it exited with `returncode`, having `said`."""
    if returncode != 0:
        said = " ".join(said.split())[:300]
        raise SearchIndexFailure(
            f"Pagefind a échoué (code {returncode})" + (f" : {said}" if said else "")
        )
    try:
        return _finished_index(work)
    except SearchIndexFailure:
        _raise_if_disk_full(work)
        raise
    except OSError as error:
        raise WriteFailure(work, error) from error


class SearchIndex:
    """Pagefind started as soon as the pages are staged (`start`), so that it runs while the
    build makes the previews, calendars and feeds (Pagefind uses one core, the build the
    other), and collected once the tree is complete (`index`, the `derive` of
    `tree.write_output`). If the tree's pages are not those Pagefind was started on (pages
    kept from the last build, HTML among the static files), it is run again then, on the
    complete tree: the index is always that of the tree published."""

    def __init__(self, output_root: Path) -> None:
        self.output_root = output_root
        self.work = _work_folder(output_root)
        self._running: subprocess.Popen[str] | None = None
        self._pages: set[str] = set()

    def start(self, tree: Path) -> None:
        """Start Pagefind on the pages staged in `tree`; a failure to start is left for
        `index`, which reports it where the build did before."""
        self.close()
        self._pages = _pages(tree)
        try:
            self._running = subprocess.Popen(
                _command(tree, self.work),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                errors="replace",
                env={**os.environ, "NO_COLOR": "1"},
            )
        except (OSError, SearchIndexFailure):
            self._running = None

    def index(self, tree: Path) -> dict[str, Path]:
        """`build_index(tree, …)`, from the run `start` began when its pages are the same."""
        running = self._running
        if running is None or _pages(tree) != self._pages:
            self.close()
            return build_index(tree, self.output_root)
        self._running = None
        try:
            stdout, stderr = running.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired as error:
            _stop(running)
            raise SearchIndexFailure(
                f"Pagefind n'a pas fini l'index de recherche en {TIMEOUT} secondes"
            ) from error
        return _collect(self.work, running.returncode, stderr or stdout)

    def close(self) -> None:
        """Stop a run still going (the build failed) and remove what it wrote."""
        if self._running is not None:
            _stop(self._running)
            self._running = None
        discard_index(self.output_root)


def _work_folder(output_root: Path) -> Path:
    """Where this build's Pagefind writes: a folder of its own inside the one
    `discard_index` removes, so that a Pagefind left running by a killed build cannot add
    its files to this build's index."""
    return beside(output_root, "search") / f"run-{os.getpid()}"


def _stop(process: subprocess.Popen[str]) -> None:
    process.kill()
    process.communicate()


def _pages(tree: Path) -> set[str]:
    """The HTML files of the tree: what Pagefind reads."""
    return {path.relative_to(tree).as_posix() for path in tree.rglob("*.html")}


def _finished_index(work: Path) -> dict[str, Path]:
    """The index files Pagefind wrote in `work`, made byte-stable; SearchIndexFailure if
    any is missing, empty or unreadable."""
    canonical_filters(work)
    files: dict[str, Path] = {}
    for path in sorted(work.rglob("*")):
        if path.is_file() and (path.name in KEPT_FILES or path.name.endswith(KEPT_SUFFIXES)):
            if path.stat().st_size == 0:
                raise SearchIndexFailure(f"fichier de Pagefind vide : {path.name}")
            files[f"{FOLDER}/{path.relative_to(work).as_posix()}"] = path
    if f"{FOLDER}/pagefind.js" not in files or not any(
        name.endswith(".pf_index") for name in files
    ):
        raise SearchIndexFailure("Pagefind n'a écrit aucun index de recherche")
    return files


PROBE_BYTES = 64 * 1024
"""What `_raise_if_disk_full` tries to write: more than any file system's block."""


def _raise_if_disk_full(work: Path) -> None:
    """Pagefind 1.5 ignores failed writes: on a full disk it exits 0 and leaves empty or cut
    files. When its output is wrong, ask the system whether there is room left, so that a
    full disk is reported as one (WriteFailure, ENOSPC) and not as a Pagefind fault."""
    probe = work / ".room"
    try:
        with probe.open("wb") as file:
            file.write(bytes(PROBE_BYTES))
            file.flush()
            os.fsync(file.fileno())
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise WriteFailure(work, error) from error
    finally:
        probe.unlink(missing_ok=True)


SIGNATURE = b"pagefind_dcd"
"""What every decompressed file of Pagefind's index starts with, before its CBOR."""


def _head(data: bytes, at: int) -> tuple[int, int, int]:
    """A CBOR item's (major type, argument, offset of what follows its head)."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        return major, info, at
    width = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if width is None:
        raise ValueError(f"CBOR: unexpected head {info} at {at - 1}")
    return major, int.from_bytes(data[at : at + width], "big"), at + width


def _skip(data: bytes, at: int) -> int:
    """The offset just after the CBOR item at `at`."""
    major, argument, at = _head(data, at)
    if major in (2, 3):
        return at + argument
    if major in (4, 5):
        for _ in range(argument * (2 if major == 5 else 1)):
            at = _skip(data, at)
        return at
    if major == 6:
        return _skip(data, at)
    return at


def _sorted_filter(data: bytes) -> bytes:
    """A filter file, `[name, [[value, [pages…]]…]]`, with its values in byte order."""
    major, count, at = _head(data, len(SIGNATURE))
    if major != 4 or count != 2:
        raise ValueError("not a Pagefind filter")
    at = _skip(data, at)  # the filter's name
    major, values, start = _head(data, at)
    if major != 4:
        raise ValueError("not a Pagefind filter")
    items, at = [], start
    for _ in range(values):
        end = _skip(data, at)
        items.append(data[at:end])
        at = end
    return data[:start] + b"".join(sorted(items)) + data[at:]


def _sorted_items(data: bytes, at: int) -> bytes:
    """`data` with the items of the CBOR array at `at` in byte order."""
    major, count, start = _head(data, at)
    if major != 4:
        raise ValueError("not an array")
    items, end = [], start
    for _ in range(count):
        after = _skip(data, end)
        items.append(data[end:after])
        end = after
    return data[:start] + b"".join(sorted(items)) + data[end:]


FILTERS_IN_META = 3
"""Where the list of (filter, file) pairs sits in the `.pf_meta` file's top array."""


def _sorted_meta(data: bytes) -> bytes:
    """The `.pf_meta` file with its list of filters in byte order."""
    major, count, at = _head(data, len(SIGNATURE))
    if major != 4 or count <= FILTERS_IN_META:
        raise ValueError("not a Pagefind meta file")
    for _ in range(FILTERS_IN_META):
        at = _skip(data, at)
    return _sorted_items(data, at)


def canonical_filters(work: Path) -> None:
    """Make Pagefind's output the same bytes for the same pages.

    Pagefind 1.5 writes each filter's values in hash-map order, which changes from run to
    run, and names files by a hash of their bytes: the filter files, the `.pf_meta` file
    that names them, and `pagefind-entry.json` that names it vary, nothing else. The values
    are put in byte order (the engine looks them up by name) and the three renamed after
    their new bytes; each new name has the length of the old, so the CBOR stays valid.
    """
    renamed: dict[bytes, bytes] = {}
    for path in sorted((work / "filter").glob("*.pf_filter")):
        data = _unzipped(path)
        if not data.startswith(SIGNATURE):
            raise SearchIndexFailure(f"fichier de Pagefind inattendu : {path.name}")
        try:
            data = _sorted_filter(data)
        except (ValueError, IndexError) as error:
            raise SearchIndexFailure(f"fichier de Pagefind inattendu : {path.name}") from error
        language, _, old = path.stem.rpartition("_")
        new = hashlib.sha256(data).hexdigest()[: len(old)]
        renamed[f"{language}_{old}".encode()] = f"{language}_{new}".encode()
        path.unlink()
        (path.parent / f"{language}_{new}.pf_filter").write_bytes(gzip.compress(data, mtime=0))
    entry_path = work / "pagefind-entry.json"
    entry = entry_path.read_text(encoding="utf-8")
    for meta in sorted(work.glob("pagefind.*.pf_meta")):
        data = _unzipped(meta)
        for old_name, new_name in renamed.items():
            data = data.replace(old_name, new_name)
        try:
            data = _sorted_meta(data)
        except (ValueError, IndexError) as error:
            raise SearchIndexFailure(f"fichier de Pagefind inattendu : {meta.name}") from error
        stem = meta.name.removeprefix("pagefind.").removesuffix(".pf_meta")
        language, _, old = stem.rpartition("_")
        new = hashlib.sha256(data).hexdigest()[: len(old)]
        meta.unlink()
        (work / f"pagefind.{language}_{new}.pf_meta").write_bytes(gzip.compress(data, mtime=0))
        entry = re.sub(rf'"{re.escape(stem)}"', f'"{language}_{new}"', entry)
    entry_path.write_text(entry, encoding="utf-8")


def _unzipped(path: Path) -> bytes:
    """A gzip file Pagefind wrote; SearchIndexFailure if it is cut short or not gzip."""
    try:
        return gzip.decompress(path.read_bytes())
    except (EOFError, gzip.BadGzipFile) as error:
        raise SearchIndexFailure(f"fichier de Pagefind inattendu : {path.name}") from error


def discard_index(output_root: Path) -> None:
    """Remove the folder where Pagefind wrote the index (left by a killed build, too)."""
    remove_tree(beside(output_root, "search"))
