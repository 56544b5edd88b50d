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
still exactly the old tree or exactly the new one. Pagefind's output is byte-stable: the same
pages give the same files (checked by tests/test_search.py and tests/test_determinism.py).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

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
    work = beside(output_root, "search")
    discard_index(output_root)
    executable = _executable()
    command = [
        os.fspath(executable),
        "--site",
        os.fspath(tree),
        "--output-path",
        os.fspath(work),
        "--force-language",
        "fr",
        "--silent",
    ]
    try:
        finished = subprocess.run(
            command,
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
    if finished.returncode != 0:
        said = " ".join((finished.stderr or finished.stdout).split())[:300]
        raise SearchIndexFailure(
            f"Pagefind a échoué (code {finished.returncode})" + (f" : {said}" if said else "")
        )
    files: dict[str, Path] = {}
    for path in sorted(work.rglob("*")):
        if path.is_file() and (path.name in KEPT_FILES or path.name.endswith(KEPT_SUFFIXES)):
            files[f"{FOLDER}/{path.relative_to(work).as_posix()}"] = path
    if f"{FOLDER}/pagefind.js" not in files or not any(
        name.endswith(".pf_index") for name in files
    ):
        raise SearchIndexFailure("Pagefind n'a écrit aucun index de recherche")
    return files


def discard_index(output_root: Path) -> None:
    """Remove the folder where Pagefind wrote the index (left by a killed build, too)."""
    remove_tree(beside(output_root, "search"))
