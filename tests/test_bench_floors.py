"""bench/run.py's floors: what bounds a cold build, measured alone on the built sample site.

The verdicts on the 2× Pelican and 1 GiB targets quote these figures, so they must be real
measurements of the same documents: every body converted, Pagefind's time and its own peak
memory taken from the process that ran it, and a failed run reported rather than a number.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import REPO, load_bench_script


def test_floors_convert_every_body_and_take_pagefinds_own_time_and_memory(
    tmp_path: Path, sample_output: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(REPO / "content", project / "content")
    shutil.copytree(sample_output, project / "output")

    found = load_bench_script("run").floors(project)

    bodies = len(list((REPO / "content").rglob("*.md")))
    assert found["markdown_bodies"] == bodies > 0
    assert found["markdown_one_core_seconds"] > 0
    assert found["pagefind_seconds"] > 0
    # The wrapper's only child is Pagefind: a few MiB at least, far from the bench's own size.
    assert 5 < found["pagefind_peak_rss_mib"] < 2048, found


def test_a_pagefind_run_that_fails_is_reported_not_timed(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    (project / "output").write_text("not a folder")

    found = load_bench_script("run").floors(project)

    assert "pagefind_seconds" not in found and "pagefind_peak_rss_mib" not in found
    assert found["pagefind_error"]
