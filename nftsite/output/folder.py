"""Which folder a build may replace, and one build at a time on it.

A build replaces its output folder wholesale, so pointing `--output` at the wrong folder
would delete it. A folder is accepted only when it is new, empty, or was made by nftsite (it
holds the marker file), and never when it holds the project or its sources, or lies inside
them. Two builds of one folder take turns through a lock file beside it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from nftsite.core.folders import OUTPUT_FOLDER, SOURCE_FOLDERS
from nftsite.core.oserrors import WriteFailure

MARKER = ".nftsite-output"
"""Written at the top of every output folder: "nftsite made this folder and may replace it"."""
MARKER_TEXT = "Dossier produit par nftsite : il est remplacé à chaque construction.\n"
PROTECTED = (*SOURCE_FOLDERS, ".git")
"""The project's folders that no output folder may hold or be inside of."""
DEFAULT_OUTPUT = OUTPUT_FOLDER


def refusal(root: Path, output: Path) -> str:
    """Why `output` may not be the output folder of the project at `root` ('' when it may)."""
    root = root.resolve()
    try:
        target = output.resolve()
    except (OSError, RuntimeError, ValueError) as error:
        return f"chemin illisible ({error})"
    shown = str(output)
    if target == root or target in root.parents:
        return f"« {shown} » contient le projet lui-même : le construire là l'effacerait"
    for name in PROTECTED:
        protected = (root / name).resolve()
        if target == protected:
            return f"« {shown} » est le dossier {name}/ du projet"
        if protected in target.parents:
            return f"« {shown} » est dans le dossier {name}/ du projet"
        if target in protected.parents:
            return f"« {shown} » contient le dossier {name}/ du projet"
    for ancestor in (target, *target.parents):
        if ancestor.exists() and not ancestor.is_dir():
            return f"« {ancestor} » est un fichier, pas un dossier"
    if target.is_dir() and not _is_ours(target, root):
        return (
            f"« {shown} » n'est pas vide et n'a pas été créé par nftsite (pas de fichier "
            f"{MARKER}) : choisissez un dossier vide ou nouveau"
        )
    return ""


def _is_ours(folder: Path, root: Path) -> bool:
    """Empty, marked by an earlier build, or the project's own `output/` (which the README
    gives to the generator, and which builds before the marker existed left unmarked)."""
    if (folder / MARKER).is_file() or folder == (root / DEFAULT_OUTPUT).resolve():
        return True
    try:
        with os.scandir(folder) as entries:
            return next(entries, None) is None
    except OSError:
        return False


def beside(output: Path, suffix: str) -> Path:
    """A hidden sibling of the output folder: same file system, so moves are renames."""
    return output.parent / f".{output.name}.{suffix}"


@contextmanager
def exclusive(output: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the output folder's lock; if another build holds it, say so and wait for it."""
    lock_path = beside(output, "lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(lock_path, "a+b")  # noqa: SIM115 (closed below, after the finally)
    except OSError as error:
        raise WriteFailure(lock_path, error) from error
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
