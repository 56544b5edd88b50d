"""Edit→page: how long after a file is saved a running dev server serves the page that shows it.

This is what a person editing the site waits for, measured from outside as they see it: the
server (`nftsite serve`, `hugo server`) runs as its own process, started the way a user starts
it; the harness saves a file with a unique token in it and asks the server for the affected
page over HTTP, in a tight loop on one keep-alive connection, until the answer (status 200)
holds the token. Edit→page is the time from the write to that answer: the server's file
watcher, its rebuild and its answer, all included (the browser's own reload is not).

Each edit only adds text, written in place over the old bytes, and the file is restored at
once afterwards; the harness then waits until the page no longer shows the token and the
server has been quiet for a moment before the next edit. The server's own report of the
rebuild (« Aperçu à jour : … en N ms », Hugo's « Total in N ms ») is read from its output.

Used by run.py (`measure_server`); see bench/README.md.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

POLL_SECONDS = 0.003
"""Pause between two requests while waiting for the edit to show."""
EDIT_TIMEOUT = 30.0
"""An edit not shown within this many seconds is a failure (the harness moves on)."""
START_TIMEOUT = 900.0
"""The first build of a cold preview of 5 000 entries takes minutes today."""
QUIET_SECONDS = 0.5
"""Before each edit, the server must have printed nothing for this long (rebuild finished)."""

DURATION = re.compile(r"\b(?:en|in)\s+(\d+(?:[.,]\d+)?)\s*(ms|s)\b")
"""A rebuild's duration as the servers print it: nftsite's « … en 1039 ms. », Hugo's
« Total in 266 ms » or « Rebuilt in 3.9 s ». Web-server log lines (starting with `[`) are
skipped: only the rebuild's own line counts."""
NAMED_DURATION = re.compile(
    r"(?i)(?:aperçu|rebuil|reconstru).*?(\d+(?:[.,]\d+)?)\s*(ms|s)\b(?!.*\d\s*m?s\b)"
)
"""A line that names the rebuild and gives a duration without « en »/« in » (« Aperçu à jour
(12 ms) »): its last duration."""


def printed_ms(line: str) -> float | None:
    """The rebuild time a server printed on this line, in ms; None if it has none."""
    if line.lstrip().startswith("["):
        return None
    match = DURATION.search(line) or NAMED_DURATION.search(line)
    if not match:
        return None
    value = float(match[1].replace(",", "."))
    return value if match[2] == "ms" else value * 1000


# --- The edits ------------------------------------------------------------------------------


def append_sentence(text: str, token: str) -> str:
    """A sentence at the end of a Markdown body."""
    return text.rstrip("\n") + f"\n\nUne phrase ajoutée pour la mesure ({token}).\n"


def append_comment(text: str, token: str) -> str:
    """An HTML comment at the end of a Jinja template (Jinja keeps it in the page)."""
    return text + ("" if text.endswith("\n") else "\n") + f"<!-- {token} -->\n"


def hidden_span_before_last_end(text: str, token: str) -> str:
    """A hidden element inside a Go template's last block: Go's html/template drops HTML
    comments from the page, and text outside `{{ define }}` would not be rendered."""
    at = text.rindex("{{ end }}")
    return text[:at] + f'<span hidden data-bench="{token}"></span>\n' + text[at:]


def longer_value(*keys: str) -> Callable[[str, str], str]:
    """The first of `keys` found at the top level of a YAML file gets the token appended to
    its (unquoted or double-quoted) value: the site's tagline, its title."""

    def change(text: str, token: str) -> str:
        for key in keys:
            pattern = re.compile(rf"^({re.escape(key)}:[ \t]*)(.*?)([ \t]*)$", re.MULTILINE)
            match = pattern.search(text)
            if match:
                value = match[2]
                if len(value) >= 2 and value[0] == value[-1] == '"':
                    value = f'{value[:-1]} {token}"'
                else:
                    value = f"{value} {token}"
                return text[: match.start(2)] + value + text[match.end(2) :]
        raise ValueError(f"none of {keys} at the top of the file")

    return change


@dataclass(frozen=True)
class Edit:
    """One file to edit, how, and the page (URL path) that must show the edit."""

    kind: str
    path: Path
    url: str
    change: Callable[[str, str], str]

    def describe(self, root: Path) -> dict[str, str]:
        return {"path": self.path.relative_to(root).as_posix(), "url": self.url}


def rewrite(path: Path, data: bytes) -> None:
    """Write in place, as most editors do: one write over the old bytes, then cut the rest
    (an edit only adds text, so a watcher never sees the file empty or cut short)."""
    with path.open("r+b") as stream:
        stream.write(data)
        stream.truncate()


# --- The server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DevServer:
    """A dev server in a process group of its own, its output (stdout and stderr merged) kept
    line by line with the time each line arrived."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str] | None) -> None:
        self.command = command
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
        )
        self.lines: list[tuple[float, str]] = []
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self.lock:
                self.lines.append((time.perf_counter(), line.rstrip("\n")))

    def since(self, moment: float) -> list[tuple[float, str]]:
        with self.lock:
            return [(at, line) for at, line in self.lines if at >= moment]

    def rebuild_reports(self, moment: float) -> list[tuple[float, float]]:
        """(arrival, printed ms) of each rebuild the server reported since `moment`."""
        return [(at, ms) for at, line in self.since(moment) if (ms := printed_ms(line))]

    def reports_rebuilds(self) -> bool:
        """Whether the server ever printed a rebuild time we can read (its first build's)."""
        return bool(self.rebuild_reports(0.0))

    def last_line_at(self) -> float:
        with self.lock:
            return self.lines[-1][0] if self.lines else 0.0

    def tail(self, count: int = 30) -> list[str]:
        with self.lock:
            return [line for _, line in self.lines[-count:]]

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Ctrl-C (SIGINT) to the server's own process group, as a user stops it; SIGTERM,
        then SIGKILL, if it lingers."""
        for sent in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            if not self.alive():
                break
            try:
                os.killpg(self.process.pid, sent)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        self.reader.join(timeout=5)
        if self.process.stdout is not None and not self.reader.is_alive():
            self.process.stdout.close()


class Client:
    """GET over one keep-alive connection, opened again after any error."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection: http.client.HTTPConnection | None = None

    def get(self, url: str, timeout: float) -> tuple[int, str]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        self.connection.timeout = timeout
        if self.connection.sock is not None:
            self.connection.sock.settimeout(timeout)
        try:
            self.connection.request("GET", url)
            response = self.connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.close()
            raise

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class Failure(Exception):
    pass


def wait_for(
    client: Client, url: str, accept: Callable[[int, str], bool], timeout: float, poll: float
) -> tuple[float, int]:
    """GET `url` until `accept(status, body)`; the time of that answer and the requests made.
    Connection errors count as "not yet"; past the timeout, Failure."""
    deadline, requests = time.perf_counter() + timeout, 0
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            raise Failure(f"{url} still without the change after {timeout:.0f} s")
        try:
            status, body = client.get(url, left)
            requests += 1
            if accept(status, body):
                return time.perf_counter(), requests
        except (OSError, http.client.HTTPException):
            time.sleep(0.05)  # not listening yet, or the connection was dropped
        time.sleep(poll)


def wait_quiet(server: DevServer, quiet: float, timeout: float) -> None:
    """Wait until the server has printed nothing for `quiet` seconds (its rebuild is over)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        silent = time.perf_counter() - max(server.last_line_at(), 0.0)
        if silent >= quiet:
            return
        time.sleep(min(quiet - silent, 0.1) + 0.001)


# --- One session ----------------------------------------------------------------------------


def time_edit(
    server: DevServer, client: Client, edit: Edit, token: str, timeout: float, poll: float
) -> dict[str, Any]:
    """Save the edit, time until the page shows it, restore, wait until it no longer does."""
    original = edit.path.read_bytes()
    changed = edit.change(original.decode("utf-8"), token).encode("utf-8")
    wait_quiet(server, QUIET_SECONDS, timeout)
    sample: dict[str, Any] = {"token": token}
    started = time.perf_counter()
    try:
        rewrite(edit.path, changed)
        shown, requests = wait_for(
            client, edit.url, lambda status, body: status == 200 and token in body, timeout, poll
        )
        sample.update(ms=round((shown - started) * 1000, 1), requests=requests)
    except Failure as failure:
        sample["error"] = str(failure)
    finally:
        rewrite(edit.path, original)
    restored = time.perf_counter()
    # Until the restore shows, the next edit would start from a wrong page: wait longer, and
    # give up on this server (Failure) if it never does.
    wait_for(
        client,
        edit.url,
        lambda status, body: status == 200 and token not in body,
        4 * timeout,
        poll,
    )
    # A server may serve the page before its rebuild is over (Hugo renders the pages asked for
    # first): when it reports its rebuilds, wait for the restore's report too, so that the
    # next edit never queues behind this one.
    if server.reports_rebuilds():
        deadline = time.perf_counter() + timeout
        while len(server.rebuild_reports(started)) < 2 and time.perf_counter() < deadline:
            time.sleep(0.01)
    wait_quiet(server, QUIET_SECONDS, timeout)
    # The rebuild the edit caused is the first one reported after the write (the restore's
    # comes after it: each server rebuilds one change after the other).
    reported = server.rebuild_reports(started)
    if reported:
        sample["rebuild_ms"] = reported[0][1]
        sample["rebuilds_before_restore"] = sum(1 for at, _ in reported if at < restored)
    return sample


def summary(samples: list[dict[str, Any]]) -> dict[str, Any]:
    times = [s["ms"] for s in samples if "ms" in s and "error" not in s]
    rebuilds = [s["rebuild_ms"] for s in samples if "rebuild_ms" in s and "error" not in s]
    result: dict[str, Any] = {"samples": samples, "failures": len(samples) - len(times)}
    if times:
        result.update(
            median_ms=round(statistics.median(times), 1), min_ms=min(times), max_ms=max(times)
        )
    if rebuilds:
        result["rebuild_median_ms"] = round(statistics.median(rebuilds), 1)
    return result


def measure_server(
    command: list[str],
    cwd: Path,
    env: dict[str, str] | None,
    port: int,
    edits: dict[str, list[Edit]],
    *,
    root: Path,
    timeout: float = EDIT_TIMEOUT,
    poll: float = POLL_SECONDS,
    say: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Start the server, wait for its first page, warm it up (every page to be polled asked
    once, one untimed edit), then time every edit of `edits` ({kind: [Edit, …]}). The server is
    stopped and every file restored whatever happens."""
    report: dict[str, Any] = {"command": command, "kinds": {}}
    launched = time.perf_counter()
    server = DevServer(command, cwd, env)
    client = Client(port)
    try:
        try:
            wait_for(client, "/", lambda status, _: status == 200, START_TIMEOUT, 0.2)
        except Failure:
            report["error"] = "the server never answered /"
            return report
        report["ready_seconds"] = round(time.perf_counter() - launched, 2)
        say(f"  up in {report['ready_seconds']} s; warming up…")
        for items in edits.values():
            for edit in items:
                client.get(edit.url, timeout)
        first = next(iter(edits.values()))[0]
        report["warmup"] = time_edit(
            server, client, first, f"bench-warmup-{time.time_ns()}", timeout, poll
        )
        for kind, items in edits.items():
            samples = []
            for number, edit in enumerate(items, start=1):
                token = f"bench-{kind}-{number}-{time.time_ns()}"
                sample = time_edit(server, client, edit, token, timeout, poll)
                samples.append({**edit.describe(root), **sample})
                if not server.alive():
                    raise Failure("the server stopped")
            report["kinds"][kind] = summary(samples)
            done = report["kinds"][kind]
            say(
                f"  {kind}: median {done.get('median_ms', '—')} ms "
                f"(printed rebuild {done.get('rebuild_median_ms', '—')} ms), "
                f"{done['failures']} failure(s)"
            )
    except (Failure, OSError, http.client.HTTPException) as error:
        report["error"] = f"{type(error).__name__}: {error}"
    finally:
        client.close()
        server.stop()
        report["returncode"] = server.process.returncode
        report["output_tail"] = server.tail()
    return report
