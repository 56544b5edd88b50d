"""output/ is exactly the old tree or exactly the new one, and no other folder is ever touched.

Regression tests for the reliability review's write-stage defects: `--output` pointed at the
project (DEF-1), a disk that fills up (DEF-3), read-only folders (DEF-4, DEF-23), two builds at
once (DEF-22), a cache that is locked or corrupt (DEF-7, DEF-21), bad command-line values
(DEF-26), and an unexpected failure (exit 3, one French line, a log file). Runs that need the
operating system to refuse something (a full disk, a permission) run the real command in a
subprocess: in a private mount namespace with a small tmpfs, or without root's override of
file permissions.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import NOW_ARG, REPO, InlineSite, load_bench_script
from .disk_full_scenario import tree as tree_hash

EVENT = """
---
title: Atelier données ouvertes
start: 2026-12-10 14:00
end: 2026-12-10 17:00
---
Un atelier.
"""


def nftsite(
    *args: str, cwd: Path | None = None, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """The real command, as the comms team and CI run it."""
    command = [*prefix, sys.executable, "-m", "nftsite", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


def load_generator() -> ModuleType:
    """bench/generate.py, the benchmark's generator of synthetic sites."""
    return load_bench_script("generate")


def all_paths(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*")}


@pytest.fixture
def built(make_site) -> InlineSite:
    site = make_site({"events/atelier.md": EVENT})
    run = site.run()
    assert run.exit_code == 0, run.stderr
    return site


# --- DEF-1: --output never deletes a folder that is not nftsite's ----------------------------


@pytest.mark.parametrize(
    "target",
    [".", "content", "content/events", "templates", "static", ".git", "..", "docs"],
)
def test_def_1_output_refuses_the_project_its_sources_and_foreign_folders(
    built: InlineSite, target: str
) -> None:
    root = built.root
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "docs").mkdir()
    (root / "docs" / "guide.md").write_text("# Guide\n")
    before = all_paths(root.parent)

    run = nftsite("build", "--root", str(root), "--now", NOW_ARG, "--output", target, cwd=root)

    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert "--output refusé" in run.stderr
    assert all_paths(root.parent) == before, "a refused --output still changed files"


def test_def_1_output_accepts_a_new_an_empty_and_a_previous_output_folder(
    built: InlineSite, tmp_path: Path
) -> None:
    new, empty = tmp_path / "publie" / "site", tmp_path / "vide"
    empty.mkdir()
    for folder in (new, empty, new):  # the last: a folder an earlier build made
        run = built.run("--output", str(folder))
        assert run.exit_code == 0, run.stderr
        assert (folder / "agenda" / "atelier" / "index.html").is_file()
        assert (folder / ".nftsite-output").is_file()


def test_def_1_a_previous_output_folder_keeps_nothing_foreign(built: InlineSite) -> None:
    """A file dropped by hand into output/ goes with the next build (the folder is nftsite's),
    and nothing beside output/ is left behind."""
    (built.output / "note.txt").write_text("à la main")
    built.write({"events/second.md": EVENT.replace("Atelier", "Second atelier")})
    run = built.run()
    assert run.exit_code == 0, run.stderr
    assert not (built.output / "note.txt").exists()
    leftovers = {p.name for p in built.root.iterdir()} - {
        "content",
        "templates",
        "static",
        "output",
        ".cache",
        ".output.lock",
    }
    assert not leftovers, leftovers


# --- DEF-26: command-line values ---------------------------------------------------------


@pytest.mark.parametrize("kind", ["file", "file/out"])
def test_def_26_output_that_is_a_file_is_a_command_line_mistake(
    built: InlineSite, kind: str
) -> None:
    existing = built.root / "notes.txt"
    existing.write_text("x")
    target = existing if kind == "file" else existing / "out"
    run = nftsite("build", "--root", str(built.root), "--now", NOW_ARG, "--output", str(target))
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert "est un fichier, pas un dossier" in run.stderr
    assert existing.read_text() == "x"


@pytest.mark.parametrize("now", ["0001-01-01T00:00:00+00:00", "9999-12-31T23:00:00+00:00"])
def test_def_26_now_out_of_range_is_a_command_line_mistake(built: InlineSite, now: str) -> None:
    before = built.snapshot()
    run = nftsite("build", "--root", str(built.root), "--now", now)
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert "date hors limites" in run.stderr
    assert built.snapshot() == before


# --- DEF-3: a full disk ------------------------------------------------------------------


def test_def_3_disk_full_leaves_output_as_it_was_and_no_stray_file(
    make_site, tmp_path: Path
) -> None:
    """A 3 MiB tmpfs holds the old tree; a filler file leaves less and less room for a
    build that adds a large event. Each attempt fails in French with the old tree intact and
    nothing left beside it, until one fits and publishes the whole new tree."""
    site = make_site({"events/atelier.md": EVENT})
    small = tmp_path / "small"
    shutil.copytree(site.root, small)
    title = ("Grand rendez-vous du numérique normand " * 150).strip()
    site.write({"events/gros.md": EVENT.replace("Atelier données ouvertes", title)})
    reference = tmp_path / "reference"
    assert (
        nftsite(
            "build",
            "--root",
            str(site.root),
            "--now",
            NOW_ARG,
            "--no-cache",
            "--output",
            str(reference),
        ).returncode
        == 0
    )
    disk = tmp_path / "disk"
    disk.mkdir()
    namespace = ["unshare", "--mount"] if os.geteuid() == 0 else ["unshare", "-rm"]
    scenario = subprocess.run(
        [
            *namespace,
            sys.executable,
            str(Path(__file__).with_name("disk_full_scenario.py")),
            str(small),
            str(site.root),
            str(disk),
            NOW_ARG,
            "16",
            "48",
            "96",
            "160",
            "320",
            "640",
            "960",
            "1280",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )
    assert scenario.returncode == 0, scenario.stderr
    report = json.loads(scenario.stdout)
    old, new = report["old"], tree_hash(reference)
    assert old != new
    attempts = report["attempts"]
    failed = [a for a in attempts if a["rc"] != 0]
    assert failed, "the disk never filled up: the scenario tested nothing"
    for attempt in failed:
        assert attempt["rc"] == 1, attempt["stderr"]
        assert "Traceback" not in attempt["stderr"]
        assert "écriture impossible : disque plein" in attempt["stderr"], attempt["stderr"]
        assert "output/ n'a pas été modifié" in attempt["stderr"]
        assert attempt["tree"] == old, f"output changed at {attempt['free']} KiB free"
        assert attempt["beside"] == [".out.lock", "filler", "out"], attempt["beside"]
    assert attempts[-1]["rc"] == 0, "no attempt had room enough"
    assert attempts[-1]["tree"] == new


# --- DEF-4, DEF-23: read-only folders ------------------------------------------------------


def without_root_override() -> tuple[str, ...]:
    """Run as root without the capabilities that let root ignore file permissions."""
    if os.geteuid() != 0:
        return ()
    return ("setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--")


def test_def_4_a_read_only_folder_in_output_does_not_mix_trees(built: InlineSite) -> None:
    for folder in [built.output, *built.output.rglob("*")]:
        if folder.is_dir() and folder.name in {"agenda", "output"}:
            folder.chmod(0o555)
    built.write({"events/nouveau.md": EVENT.replace("Atelier données ouvertes", "Nouveau")})
    run = nftsite(
        "build", "--root", str(built.root), "--now", NOW_ARG, prefix=without_root_override()
    )
    # The new tree is made beside output/ and exchanged with it: read-only folders inside
    # the old tree no longer matter, and the old tree is removed.
    assert run.returncode == 0, run.stderr
    assert (built.output / "agenda" / "nouveau" / "index.html").is_file()
    assert "nouveau" in (built.output / "agenda.ics").read_text()
    assert sorted(p.name for p in built.root.iterdir() if p.name.startswith(".output")) == [
        ".output.lock"
    ]


def test_def_23_a_read_only_parent_folder_is_a_french_error(built: InlineSite) -> None:
    target = built.root / "publie" / "site"
    assert built.run("--output", str(target)).exit_code == 0
    before = tree_hash(target)
    built.write({"events/nouveau.md": EVENT.replace("Atelier données ouvertes", "Nouveau")})
    target.parent.chmod(0o555)
    try:
        run = nftsite(
            "build",
            "--root",
            str(built.root),
            "--now",
            NOW_ARG,
            "--output",
            str(target),
            prefix=without_root_override(),
        )
    finally:
        target.parent.chmod(0o755)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert "écriture impossible : permission refusée" in run.stderr
    assert tree_hash(target) == before
    assert sorted(p.name for p in target.parent.iterdir()) == [".site.lock", "site"]


# --- DEF-22: two builds at once -----------------------------------------------------------


@pytest.fixture(scope="module")
def generated_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 400-entry site from the benchmark's generator: builds that last a few seconds."""
    return load_generator().generate(tmp_path_factory.mktemp("generated"), 400, git=False).root


def test_def_22_two_builds_at_once_take_turns(generated_site: Path, tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(generated_site, root, symlinks=True)
    reference = tmp_path / "reference"
    assert (
        nftsite(
            "build", "--root", str(root), "--now", NOW_ARG, "--no-cache", "--output", str(reference)
        ).returncode
        == 0
    )
    command = [
        sys.executable,
        "-m",
        "nftsite",
        "build",
        "--root",
        str(root),
        "--now",
        NOW_ARG,
        "--no-cache",
    ]
    first = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    wait_until_locked(root / ".output.lock", first)
    second = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    _, first_err = first.communicate(timeout=300)
    _, second_err = second.communicate(timeout=300)
    assert (first.returncode, second.returncode) == (0, 0), first_err + second_err
    assert "Traceback" not in first_err + second_err
    assert "Une autre construction écrit déjà" in second_err
    assert tree_hash(root / "output") == tree_hash(reference)


def wait_until_locked(lock: Path, build: subprocess.Popen[str]) -> None:
    """Until `build` holds the output folder's lock (however slowly the machine starts it)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and build.poll() is None:
        if lock.exists():
            with open(lock, "a+b") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return
                fcntl.flock(handle, fcntl.LOCK_UN)
        time.sleep(0.01)
    raise AssertionError("the first build never took the lock")


# --- DEF-7, DEF-21: the cache is disposable -----------------------------------------------


def test_def_7_a_locked_cache_is_a_warning_and_the_build_succeeds(built: InlineSite) -> None:
    store = built.root / ".cache" / "nftsite.sqlite3"
    assert store.is_file()
    holder = sqlite3.connect(store)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        built.write({"events/verrou.md": EVENT.replace("Atelier données ouvertes", "Verrou")})
        run = nftsite("build", "--root", str(built.root), "--now", NOW_ARG)
    finally:
        holder.rollback()
        holder.close()
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert "verrouillé par un autre programme" in run.stderr
    assert (built.output / "agenda" / "verrou" / "index.html").is_file()


def test_def_21_a_partly_corrupt_cache_is_discarded_with_a_warning(built: InlineSite) -> None:
    store = built.root / ".cache" / "nftsite.sqlite3"
    with sqlite3.connect(store) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(store.read_bytes())
    page = 4096
    for start in range(3 * page, len(data), page):  # pages 1-3 (schema, meta) left intact
        for offset in range(start, min(start + page, len(data)), 13):
            data[offset] = 0xA5
    store.write_bytes(bytes(data))
    built.write({"events/second.md": EVENT.replace("Atelier données ouvertes", "Second")})
    for command in ("check", "build", "build"):  # and the next run is clean again
        run = nftsite(command, "--root", str(built.root), "--now", NOW_ARG)
        assert run.returncode == 0, run.stderr
        assert "Traceback" not in run.stderr
    assert (built.output / "agenda" / "second" / "index.html").is_file()
    assert "illisible" not in run.stderr, "the cache was not rebuilt after being discarded"


# --- Exit 3: an unexpected failure is a defect, said in one French line ---------------------


def test_an_unexpected_failure_exits_3_with_one_french_line_and_a_log(built: InlineSite) -> None:
    """A defect is simulated by a `sitecustomize` that makes one stage raise: what the
    author sees is one French line pointing at a log under .cache/, with exit status 3."""
    before = built.snapshot()
    hook = built.root / "crashhook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import nftsite.pipeline as pipeline\n"
        "def boom(*args, **kwargs):\n"
        "    raise RuntimeError('défaut simulé')\n"
        "pipeline.plan_pages = boom\n"
    )
    env = {**os.environ, "PYTHONPATH": str(hook)}
    built.write({"events/second.md": EVENT.replace("Atelier données ouvertes", "Second")})
    run = subprocess.run(
        [sys.executable, "-m", "nftsite", "build", "--root", str(built.root), "--now", NOW_ARG],
        capture_output=True,
        text=True,
        env=env,
        cwd=built.root,
        timeout=120,
    )
    assert run.returncode == 3, run.stderr
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nftsite : erreur inattendue"), run.stderr
    logs = list((built.root / ".cache").glob("crash-*.log"))
    assert len(logs) == 1 and "RuntimeError: défaut simulé" in logs[0].read_text()
    assert logs[0].name in lines[0]
    assert built.snapshot() == before
    assert not list(built.root.glob(".output.staging*"))
