"""The preview's file watcher: the kernel says which files changed (inotify, through
`watchfiles`), and the rebuild is handed exactly those paths.

livereload's own watcher walks every watched folder every 800 ms and says only that
something changed. Here a change is seen as it happens; the batch is handed over once no
other change came for `STEP_MS`, so an editor that saves in several steps (a temporary
file, then a rename) causes one rebuild, not three.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from watchfiles import Change, DefaultFilter, watch

from nftsite.core.folders import SOURCE_FOLDERS
from nftsite.live.changes import GIT_FOLDER, GIT_STATE

STEP_MS = 15
"""Quiet time after a change before the batch is handed over: an editor's several writes
of one save come within a few milliseconds of each other."""
DEBOUNCE_MS = 400
"""Longest a batch is held while changes keep coming (a `git checkout` of many files)."""


class SourceFilter(DefaultFilter):
    """The project's sources, and the few files of `.git/` a commit or checkout changes;
    editors' temporary files (`.swp`, `~`…) are left out, as watchfiles does by default."""

    def __init__(self, root: Path) -> None:
        super().__init__(ignore_dirs=())  # `.git` is filtered below, not skipped
        self.git = root / GIT_FOLDER

    def __call__(self, change: Change, path: str) -> bool:
        where = Path(path)
        if where.is_relative_to(self.git):
            parts = where.relative_to(self.git).parts
            return bool(parts) and parts[0] in GIT_STATE and not path.endswith(".lock")
        return super().__call__(change, path)


class FileWatcher:
    """Watches a project's sources in a thread of its own; `on_change` gets each batch of
    changed paths (absolute). `stop()` ends it."""

    def __init__(self, root: Path, on_change: Callable[[set[str]], None]) -> None:
        self.root = root.resolve()
        self.on_change = on_change
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="nftsite-watch", daemon=True)

    def folders(self) -> list[Path]:
        found = [self.root / folder for folder in SOURCE_FOLDERS]
        found.append(self.root / GIT_FOLDER)
        return [folder for folder in found if folder.is_dir()]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        folders = self.folders()
        if not folders:
            return
        for batch in watch(
            *folders,
            watch_filter=SourceFilter(self.root),
            step=STEP_MS,
            debounce=DEBOUNCE_MS,
            stop_event=self._stop,
            raise_interrupt=False,
            rust_timeout=500,
            yield_on_timeout=False,
        ):
            if batch:
                self.on_change({path for _, path in batch})
