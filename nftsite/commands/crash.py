"""An unexpected failure is nftsite's defect, not the author's: one French line, a log file.

The comms team never sees a Python traceback. The traceback goes to a file under `.cache/`
for whoever fixes the defect, and the exit status 3 lets CI tell a defect apart from a
mistake in the content (1) or in the command (2).
"""

from __future__ import annotations

import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from nftsite.core.folders import CACHE_FOLDER

EXIT_DEFECT = 3
LOG_FOLDER = CACHE_FOLDER


def report_crash(error: BaseException, root: Path, stream: TextIO = sys.stderr) -> int:
    """Write the traceback to a log file and say where, in one French line; exit status 3."""
    log = write_log(error, root)
    where = f"Le détail est dans {_shown(log)}" if log else "Le détail n'a pas pu être enregistré"
    print(
        f"nftsite : erreur inattendue ({type(error).__name__}) — c'est un défaut de nftsite, "
        f"pas de votre contenu ; output/ n'a pas été modifié. {where} : "
        "transmettez-le à l'équipe technique.",
        file=stream,
    )
    return EXIT_DEFECT


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def write_log(error: BaseException, root: Path) -> Path | None:
    """The traceback in `.cache/crash-<time>.log` (or the system's temporary folder)."""
    text = "".join(traceback.format_exception(error))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    for folder in (root / LOG_FOLDER, Path(tempfile.gettempdir())):
        path = folder / f"crash-{stamp}.log"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(f"nftsite {' '.join(sys.argv)}\n\n{text}", encoding="utf-8")
        except OSError:
            continue
        return path
    return None
