"""French words for what the operating system refuses: a full disk, a read-only folder…

The comms team reads these, so each names the cause and what to do, never an errno.
"""

from __future__ import annotations

import errno
from pathlib import Path

CAUSES = {
    errno.ENOSPC: ("disque plein", "libérez de la place sur le disque, puis relancez"),
    errno.EDQUOT: ("quota de disque dépassé", "libérez de la place, puis relancez"),
    errno.EACCES: (
        "permission refusée",
        "vérifiez les droits du dossier (ls -l), ou demandez à l'équipe technique",
    ),
    errno.EPERM: (
        "opération non permise",
        "vérifiez les droits du dossier (ls -l), ou demandez à l'équipe technique",
    ),
    errno.EROFS: ("système de fichiers en lecture seule", "construisez dans un autre dossier"),
    errno.ENAMETOOLONG: (
        "nom de fichier trop long",
        "raccourcissez le nom du fichier de contenu qui donne ce chemin",
    ),
    errno.EIO: ("erreur de lecture ou d'écriture du disque", "vérifiez le disque, puis relancez"),
    errno.EMFILE: ("trop de fichiers ouverts", "relancez ; si cela se répète, signalez-le"),
}


def cause(error: OSError) -> tuple[str, str]:
    """(what went wrong, what to do), in French."""
    if error.errno in CAUSES:
        return CAUSES[error.errno]
    detail = error.strerror or type(error).__name__
    return f"erreur du système ({detail})", "relancez ; si cela se répète, signalez-le"


class WriteFailure(Exception):
    """The system refused a write (disk full, permission, name too long…): `output/` is
    untouched and the build reports it in French."""

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(f"{path}: {error}")
        self.path = path
        self.error = error
