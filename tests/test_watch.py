"""The preview's file watcher (`live/watch.py`): exact paths, one batch per save, `.git` state.

These run the real watcher (inotify through watchfiles) on a temporary project.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from nftsite.live.changes import classify
from nftsite.live.watch import FileWatcher

WAIT = 10.0
"""Seconds to wait for a batch before failing (the watcher answers in milliseconds)."""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for folder in ("content/events", "templates", "static", ".git/refs/heads", "output"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "content/events/soiree.md").write_text("---\ntitle: Soirée\n---\n", "utf-8")
    (tmp_path / ".git/HEAD").write_text("ref: refs/heads/main\n", "utf-8")
    return tmp_path


@pytest.fixture
def batches(project: Path) -> Iterator[queue.Queue[set[str]]]:
    found: queue.Queue[set[str]] = queue.Queue()
    watcher = FileWatcher(project, found.put)
    watcher.start()
    time.sleep(0.3)  # let inotify set its watches
    yield found
    watcher.stop()


def next_batch(found: queue.Queue[set[str]]) -> set[str]:
    return found.get(timeout=WAIT)


def test_an_edit_hands_over_exactly_the_edited_file(project, batches):
    event = project / "content/events/soiree.md"
    event.write_text("---\ntitle: Soirée\n---\nUn texte.\n", "utf-8")
    assert next_batch(batches) == {str(event)}


def test_a_save_in_several_steps_is_one_batch_and_an_editor_swap_file_is_ignored(project, batches):
    event = project / "content/events/soiree.md"
    swap = project / "content/events/.soiree.md.swp"
    swap.write_text("brouillon de l'éditeur", "utf-8")
    temporary = project / "content/events/soiree.md~"
    temporary.write_text("---\ntitle: Soirée\n---\nV2\n", "utf-8")
    temporary.replace(event)  # how many editors save: write aside, then rename over
    batch = next_batch(batches)
    assert str(event) in batch
    assert str(swap) not in batch
    assert classify(project, batch).texts == {"content/events/soiree.md"}
    time.sleep(0.2)
    assert batches.empty(), batches.get()


def test_the_output_folder_is_not_watched_but_a_commit_is(project, batches):
    (project / "output/index.html").write_text("<p>écrit par la construction</p>", "utf-8")
    (project / ".git/index").write_text("changes with every git status", "utf-8")
    time.sleep(0.3)
    assert batches.empty(), batches.get()
    (project / ".git/refs/heads/main").write_text("0123abcd\n", "utf-8")
    batch = next_batch(batches)
    assert batch == {str(project / ".git/refs/heads/main")}
    assert classify(project, batch).needs_everything


def test_a_deleted_or_renamed_file_asks_for_everything(project, batches):
    event = project / "content/events/soiree.md"
    event.rename(project / "content/events/soiree-2027.md")
    batch = next_batch(batches)
    assert batch == {str(event), str(project / "content/events/soiree-2027.md")}
    assert classify(project, batch).needs_everything


def test_a_new_folder_asks_for_everything(project, batches):
    folder = project / "content/pages"
    folder.mkdir()
    (folder / "a-propos.md").write_text("---\ntitle: À propos\n---\n", "utf-8")
    batch = next_batch(batches)
    assert str(folder) in batch
    assert classify(project, batch).needs_everything
