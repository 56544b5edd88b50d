"""What git knows about each content file, read in one pass: identity, renames, versions.

A calendar subscriber needs an event's UID to stay the same for its whole life, its DTSTAMP
to move only when it changed, and its SEQUENCE to grow when its time, place or status
changed. All three come from the history of the file, not from a state file nor the clock:

- identity: the path the file was first committed under, followed through renames;
- last change: the time of the last commit that changed the file's bytes;
- versions: every committed text of the file, fetched with one `git cat-file --batch`.

Two git processes in all, whatever the number of files.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from nftsite.core.cache import Cache, digest
from nftsite.core.folders import CONTENT_FOLDER
from nftsite.core.problems import Position, Problem, Problems, Severity
from nftsite.link.schedule import Signature, schedule_signature

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class FileHistory:
    """The history of one current content file (paths relative to the project root)."""

    origin: str
    """The path the file was first committed under; its own path if never committed."""
    past_paths: list[str] = field(default_factory=list)
    """Earlier names, newest first: their URLs must keep working."""
    changed_at: datetime | None = None
    """UTC time of the last commit that changed the file's content."""
    blobs: list[str] = field(default_factory=list)
    """Committed versions of the file, newest first (git object names)."""
    signatures: list[Signature] = field(default_factory=list)
    """The schedule of each committed version, oldest first (for the files that asked)."""
    last_digest: str = ""
    """A hash of the last committed text, to tell whether the file was edited since."""

    def is_current(self, text: str) -> bool:
        return bool(self.last_digest) and self.last_digest == digest(text)


@dataclass(frozen=True)
class History:
    files: dict[str, FileHistory]
    in_git: bool
    head_time: datetime | None = None
    shallow: bool = False

    def of(self, path: str) -> FileHistory:
        return self.files.get(path) or FileHistory(origin=path)

    def changed_at(self, path: str, current_text: str) -> datetime:
        """When the file last changed: its last commit; HEAD's time if it has uncommitted
        edits; a fixed date outside git — never the clock, so builds stay reproducible."""
        record = self.of(path)
        committed = record.changed_at
        if record.is_current(current_text) and committed is not None:
            return committed
        return self.head_time or committed or EPOCH

    def revised_at(self, path: str, current_text: str) -> datetime | None:
        """When the file was last changed after its first version; None if it never was.

        A press release committed once and left alone has not been updated since it was
        published, whenever that commit was made (a batch of old releases added together
        must not all say "updated at that commit"). Needs the file's texts (`with_texts`).
        """
        record = self.of(path)
        if not record.blobs:  # never committed: the current text is its first version
            return None
        if record.is_current(current_text):
            return record.changed_at if len(record.blobs) > 1 else None
        return self.head_time or record.changed_at or EPOCH


def git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    completed = subprocess.run(
        ["git", "-c", "core.quotePath=false", *args],
        cwd=root,
        input=stdin,
        capture_output=True,
        check=True,
    )
    return completed.stdout


def current_commit(root: Path) -> str:
    """The commit checked out (and whether the clone is shallow); "" outside git."""
    try:
        return git(root, "rev-parse", "HEAD", "--is-shallow-repository").decode()
    except (OSError, subprocess.CalledProcessError):
        return ""


def read_history(
    root: Path,
    current_paths: Iterable[str],
    with_texts: Iterable[str] = (),
    cache: Cache | None = None,
) -> History:
    """The history of every current file under `root`; `with_texts` also get their versions.

    The result only depends on the commit checked out and the files asked about: it is kept
    in the cache under those, so a rebuild without a new commit runs a single git command.
    """
    current, wanted = list(current_paths), sorted(set(with_texts))
    try:
        top, head, shallow = (
            git(root, "rev-parse", "--show-toplevel", "HEAD", "--is-shallow-repository")
            .decode()
            .splitlines()
        )
    except (OSError, subprocess.CalledProcessError, ValueError):
        top, head, shallow = "", "", ""
    read = partial(_read_log, root, Path(top), current, wanted, shallow == "true")
    if not head:
        read = partial(_no_history, current)
    if cache is None:
        return read()
    key = digest(head, shallow, str(root.resolve()), *current, "\0", *wanted)
    return cache.get_or_compute("history", key, read)


def _no_history(current: list[str]) -> History:
    return History({path: FileHistory(origin=path) for path in current}, in_git=False)


def _read_log(
    root: Path, top: Path, current: list[str], wanted: list[str], shallow: bool
) -> History:
    prefix = root.resolve().relative_to(top.resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    log = git(
        root, "log", "-M", "--raw", "--no-abbrev", "--format=commit %ct", "--", CONTENT_FOLDER
    )
    files = _walk_log(log, prefix, current)
    _fill_texts(root, [files[path] for path in wanted if path in files and files[path].blobs])
    head = git(root, "log", "-1", "--format=%ct").decode().strip()
    head_time = datetime.fromtimestamp(int(head), UTC) if head else None
    return History(files, in_git=True, head_time=head_time, shallow=shallow)


def _walk_log(log: bytes, prefix: str, current: list[str]) -> dict[str, FileHistory]:
    """Walk commits newest first, tracking under which path each current file lived."""
    files = {path: FileHistory(origin=path) for path in current}
    alias = {path: path for path in current}  # path at this point of history -> current path
    commit_time: datetime | None = None
    for line in log.decode("utf-8", "replace").splitlines():
        if line.startswith("commit "):
            commit_time = datetime.fromtimestamp(int(line.split()[1]), UTC)
            continue
        if not line.startswith(":"):
            continue
        meta, *paths = line.split("\t")
        _, _, _, blob, status = meta[1:].split(" ")
        paths = [p.removeprefix(prefix) for p in paths]
        target = paths[-1]
        if target not in alias:
            continue
        record = files[alias[target]]
        kind = status[0]
        if kind in "MTA" or (kind == "R" and status != "R100"):
            record.blobs.append(blob)
            if record.changed_at is None:
                record.changed_at = commit_time
        if kind == "R":
            record.past_paths.append(paths[0])
            record.origin = paths[0]
            alias[paths[0]] = alias.pop(target)
        elif kind in "AC":  # a copy is a new file with an identity of its own
            record.origin = target
            del alias[target]
    return files


def _fill_texts(root: Path, records: list[FileHistory]) -> None:
    """Every committed version of these files, through a single `git cat-file --batch`."""
    blobs = [blob for record in records for blob in record.blobs]
    if not blobs:
        return
    output = git(root, "cat-file", "--batch", stdin=("\n".join(blobs) + "\n").encode())
    contents: dict[str, str] = {}
    position = 0
    for _ in blobs:
        header_end = output.index(b"\n", position)
        name, _, size = output[position:header_end].decode().split(" ")
        start = header_end + 1
        text = output[start : start + int(size)].decode("utf-8", "replace")
        contents[name] = text.removeprefix("\ufeff").replace("\r\n", "\n")
        position = start + int(size) + 1
    for record in records:
        texts = [contents[blob] for blob in reversed(record.blobs)]
        record.signatures = [schedule_signature(text) for text in texts]
        record.last_digest = digest(texts[-1])


def report_history(history: History, problems: Problems) -> None:
    """Without full git history, calendar identities fall back to file paths: say so."""
    if not history.in_git:
        problems.add(
            Problem(
                CONTENT_FOLDER,
                Position(),
                "",
                "pas d'historique git : identifiants d'agenda tirés des noms de fichiers "
                "actuels, dates de modification fixes",
                "construisez depuis un clone git du dépôt pour des agendas exacts",
                Severity.WARNING,
            )
        )
    elif history.shallow:
        problems.add(
            Problem(
                CONTENT_FOLDER,
                Position(),
                "",
                "historique git incomplet (clone superficiel) : un fichier renommé "
                "pourrait changer d'identifiant d'agenda",
                "clonez le dépôt en entier (git fetch --unshallow)",
                Severity.WARNING,
            )
        )
