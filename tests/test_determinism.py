"""Reproducible builds: the same content and the same `--now` give the same bytes, and a
rebuild that changes nothing touches nothing (so hosts, rsync and caches see no change)."""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from nftsite.commands.cli import main
from nftsite.output.folder import MARKER

from .conftest import NOW_ARG, REPO, InlineSite, snapshot

WRITE_REPORT = re.compile(r"\((\d+) écrits, (\d+) inchangés, (\d+) supprimés\)")
LONG_AGO = 1_000_000_000_000_000_000
"""2001-09-09 in nanoseconds: a mark no rebuild could leave by chance."""


def build_sample(output: Path) -> str:
    """Build the repository's content into `output` with the fixed `now`; its report."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        code = main(["build", "--root", str(REPO), "--output", str(output), "--now", NOW_ARG])
    assert code == 0, stderr.getvalue()
    return stderr.getvalue()


def tree_differences(first: dict[str, bytes], second: dict[str, bytes]) -> str:
    """A unified diff of every file that differs, and the files only one tree has."""
    lines = [f"only in the first build: {p}" for p in sorted(first.keys() - second.keys())]
    lines += [f"only in the second build: {p}" for p in sorted(second.keys() - first.keys())]
    for path in sorted(first.keys() & second.keys()):
        if first[path] == second[path]:
            continue
        try:
            before = first[path].decode("utf-8").splitlines(keepends=True)
            after = second[path].decode("utf-8").splitlines(keepends=True)
        except UnicodeDecodeError:
            lines.append(f"binary file differs: {path}")
            continue
        lines += difflib.unified_diff(before, after, f"first/{path}", f"second/{path}", n=1)
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def stamps(folder: Path) -> dict[str, int]:
    """The modification time of every file and folder under `folder` (nanoseconds)."""
    return {
        path.relative_to(folder).as_posix(): path.stat().st_mtime_ns
        for path in sorted([folder, *folder.rglob("*")])
    }


def test_two_builds_with_the_same_now_are_byte_identical(tmp_path: Path) -> None:
    build_sample(tmp_path / "first")
    build_sample(tmp_path / "second")
    first, second = snapshot(tmp_path / "first"), snapshot(tmp_path / "second")
    assert len(first) > 50, f"the sample build wrote only {len(first)} files"
    differences = tree_differences(first, second)
    assert not differences, differences


def test_a_site_with_empty_sections_is_byte_identical_from_one_build_to_the_next(
    make_site: Callable[..., InlineSite], tmp_path: Path
) -> None:
    """No event, no press release, no page: empty lists and feeds must not fall back on
    the clock for their dates either."""
    site = make_site()
    for name in ("first", "second"):
        run = site.run("--output", str(tmp_path / name))
        assert run.exit_code == 0, run.stderr
    first, second = snapshot(tmp_path / "first"), snapshot(tmp_path / "second")
    differences = tree_differences(first, second)
    assert not differences, differences


def test_the_machine_time_zone_does_not_change_a_single_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Builds on a laptop in Paris and on a CI runner in UTC must publish the same files."""
    build_sample(tmp_path / "machine-zone")
    reference = snapshot(tmp_path / "machine-zone")
    try:
        for zone in ("Pacific/Kiritimati", "America/Los_Angeles"):
            monkeypatch.setenv("TZ", zone)
            time.tzset()
            output = tmp_path / zone.replace("/", "-")
            build_sample(output)
            other = snapshot(output)
            differences = tree_differences(reference, other)
            assert not differences, f"TZ={zone}:\n{differences}"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_rebuild_into_the_same_folder_writes_nothing_and_keeps_every_mtime(
    tmp_path: Path,
) -> None:
    output = tmp_path / "output"
    build_sample(output)
    # Mark every file and folder with an old time: a rewrite, even within the same clock
    # tick as the first build, then shows as a changed mtime.
    for path in sorted([output, *output.rglob("*")], reverse=True):
        os.utime(path, ns=(LONG_AGO, LONG_AGO))
    before, files_before = stamps(output), snapshot(output)

    report = build_sample(output)

    after = stamps(output)
    changed = sorted(
        path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    )
    assert not changed, f"touched by a rebuild that changed nothing: {changed}"
    assert snapshot(output) == files_before
    match = WRITE_REPORT.search(report)
    assert match, f"no write report in:\n{report}"
    written, unchanged, removed = map(int, match.groups())
    site_files = [path for path in files_before if path != MARKER]  # the marker is no page
    assert (written, unchanged, removed) == (0, len(site_files), 0), report
