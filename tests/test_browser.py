"""What only a browser shows: the sample site served over HTTP and opened in Debian's Chromium.

The built output/ is served by `http.server` on 127.0.0.1 (a free port, in a thread).
Chromium's own command line gives the rendered DOM (`--dump-dom`) and a phone-sized
screenshot; the network log comes from the Chrome DevTools Protocol, spoken over
`--remote-debugging-pipe` (NUL-terminated JSON on file descriptors 3 and 4): no port, no
polling for DevToolsActivePort, no websocket library.

Chromium is a system package (`scripts/install-system-deps`, run by `make test`). Without
it these tests fail; they never skip.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import html5lib
import pytest

from .conftest import ContentEntry

pytestmark = pytest.mark.system_deps  # Chromium, and Java for the Nu checker

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)
PHONE = (390, 844)
CHROMIUM_TIMEOUT = 30.0
"""Seconds for one Chromium run: far above the 1-2 s it takes, far below a hung CI job."""
PAGE_TIMEOUT = 15.0
QUIET_AFTER_LOAD = 0.3
"""Seconds without network activity after `load` before a page counts as settled."""

# A few lines of Python that become Chromium (exec) after moving our pipe ends to descriptors
# 3 and 4, where --remote-debugging-pipe expects them: subprocess can keep descriptors open
# but not renumber them, and preexec_fn is unsafe while the server thread runs.
PIPE_LAUNCHER = """
import fcntl, os, sys
ends = [int(fd) for fd in sys.argv[1:3]]
high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in ends]
for fd in ends:
    os.close(fd)
os.dup2(high[0], 3)
os.dup2(high[1], 4)
os.execv(sys.argv[3], sys.argv[3:])
"""


def find_chromium() -> str:
    """Chromium's path; called in each test's body so that its absence FAILS the test."""
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(
            "chromium is not installed, and the browser tests need it: run "
            "`bash scripts/install-system-deps` (as root or with sudo), or `make test`, "
            "which does it.",
            pytrace=False,
        )
    return path


def run_chromium(chromium: str, profile: Path, *arguments: str) -> bytes:
    """Chromium's standard output for one headless run with a fresh profile."""
    result = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=CHROMIUM_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    return result.stdout


def dump_dom(chromium: str, profile: Path, url: str) -> Element:
    dom = run_chromium(chromium, profile, "--dump-dom", url).decode("utf-8")
    assert "<h1" in dom, f"Chromium rendered no heading for {url}:\n{dom[:2000]}"
    return html5lib.parse(dom, namespaceHTMLElements=False)


def text_of(element: Element) -> str:
    """Visible text with French typographic spaces and quotes made plain, for comparison."""
    text = "".join(element.itertext()).replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(text.replace("\u2019", "'").split())


def plain(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split())


def test_agenda_page_shows_its_heading_and_the_upcoming_events(
    site_url: str, tmp_path: Path, upcoming_events: list[ContentEntry]
) -> None:
    chromium = find_chromium()
    dom = dump_dom(chromium, tmp_path / "profile", f"{site_url}/agenda/")
    headings = [text_of(h1) for h1 in dom.iter("h1")]
    assert headings == ["Agenda"], headings
    links = {urlsplit(a.get("href") or "").path: text_of(a) for a in dom.iter("a")}
    missing = [
        f"{event.url} « {event.fields['title']} »"
        for event in upcoming_events
        if links.get(event.url) != plain(event.fields["title"])
    ]
    assert not missing, f"upcoming events not listed on /agenda/: {missing}"


def test_event_page_shows_the_event_title_as_its_heading(
    site_url: str, tmp_path: Path, upcoming_events: list[ContentEntry]
) -> None:
    chromium = find_chromium()
    event = upcoming_events[0]
    dom = dump_dom(chromium, tmp_path / "profile", site_url + event.url)
    assert [text_of(h1) for h1 in dom.iter("h1")] == [plain(event.fields["title"])]
    times = [t.get("datetime") or "" for t in dom.iter("time")]
    assert any(t.startswith(event.fields["start"][:10]) for t in times), times


def test_home_page_renders_a_full_screenshot_at_phone_width(site_url: str, tmp_path: Path) -> None:
    chromium = find_chromium()
    screenshot = tmp_path / "home-mobile.png"
    width, height = PHONE
    run_chromium(
        chromium,
        tmp_path / "profile",
        f"--screenshot={screenshot}",
        f"--window-size={width},{height}",
        f"{site_url}/",
    )
    assert screenshot.is_file(), "Chromium wrote no screenshot"
    data = screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "the screenshot is not a PNG"
    assert struct.unpack(">II", data[16:24]) == PHONE
    # A blank 390x844 page compresses to a few kilobytes; text and colours take far more.
    assert len(data) > 20_000, f"suspiciously small screenshot: {len(data)} bytes"


# --- Network: DevTools over a pipe ----------------------------------------------------------


class DevTools:
    """A Chromium driven through the DevTools protocol over --remote-debugging-pipe."""

    def __init__(self, chromium: str, profile: Path) -> None:
        browser_reads, self._to_browser = os.pipe()
        self._from_browser, browser_writes = os.pipe()
        self._process = subprocess.Popen(
            [
                *(sys.executable, "-c", PIPE_LAUNCHER, str(browser_reads), str(browser_writes)),
                *(chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"),
                *("--remote-debugging-pipe", "about:blank"),
            ],
            pass_fds=(browser_reads, browser_writes),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(browser_reads)
        os.close(browser_writes)
        self._buffer = b""
        self._last_id = 0
        self.events: list[dict[str, Any]] = []
        self.context: str | None = None
        """The browser context new pages open in (`private_context`); None: the default one."""

    def close(self) -> None:
        os.close(self._to_browser)
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)
        os.close(self._from_browser)

    def call(self, method: str, params: dict[str, Any] | None = None, **route: str) -> Any:
        """Send one command (`session=` for a page) and wait for its answer; events queue up."""
        self._last_id += 1
        message: dict[str, Any] = {"id": self._last_id, "method": method, "params": params or {}}
        if "session" in route:
            message["sessionId"] = route["session"]
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + PAGE_TIMEOUT
        while True:
            answer = self.receive(deadline)
            if answer is None:
                raise TimeoutError(f"no answer from Chromium to {method}")
            if answer.get("id") == self._last_id:
                assert "error" not in answer, f"{method}: {answer['error']}"
                return answer["result"]
            self.events.append(answer)

    def receive(self, deadline: float) -> dict[str, Any] | None:
        """The next message, or None at the deadline."""
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            readable, _, _ = select.select([self._from_browser], [], [], max(remaining, 0))
            if not readable:
                return None
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise EOFError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        result: dict[str, Any] = json.loads(message)
        return result

    def open_page(self) -> str:
        """A new tab with network and page events on; its session id."""
        params = {"url": "about:blank"}
        if self.context is not None:
            params["browserContextId"] = self.context
        target = self.call("Target.createTarget", params)["targetId"]
        session: str = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        self.call("Network.enable", session=session)
        self.call("Page.enable", session=session)
        return session

    def load(self, session: str, url: str) -> list[dict[str, Any]]:
        """Every request the page makes until loaded and quiet: url, status, failure."""
        self.events.clear()
        self.call("Page.navigate", {"url": url}, session=session)
        requests: dict[str, dict[str, Any]] = {}
        pending: set[str] = set()
        loaded = False
        deadline = time.monotonic() + PAGE_TIMEOUT
        quiet_since = time.monotonic()
        while True:
            while self.events:
                event = self.events.pop(0)
                if event.get("sessionId") != session:
                    continue
                method, params = event.get("method"), event.get("params", {})
                request_id = params.get("requestId", "")
                if method == "Network.requestWillBeSent":
                    requests[request_id] = {"url": params["request"]["url"]}
                    pending.add(request_id)
                elif method == "Network.responseReceived" and request_id in requests:
                    requests[request_id]["status"] = params["response"]["status"]
                elif method in {"Network.loadingFinished", "Network.loadingFailed"}:
                    pending.discard(request_id)
                    if method == "Network.loadingFailed" and request_id in requests:
                        requests[request_id]["failed"] = params.get("errorText", "failed")
                elif method == "Page.loadEventFired":
                    loaded = True
                quiet_since = time.monotonic()
            now = time.monotonic()
            if loaded and not pending and now - quiet_since >= QUIET_AFTER_LOAD:
                return list(requests.values())
            if now >= deadline:
                raise TimeoutError(
                    f"{url} did not settle: pending {[requests[r] for r in pending]}"
                )
            message = self.receive(min(deadline, now + QUIET_AFTER_LOAD))
            if message is not None:
                self.events.append(message)


@contextlib.contextmanager
def private_context(browser: DevTools) -> Iterator[DevTools]:
    """`browser`, its new pages opening in a browser context of their own (HTTP cache,
    cookies and storage of their own, closed at the end): one test's pages are as fresh as
    in a new Chromium, without a start-up of a second or two per test."""
    browser.context = browser.call("Target.createBrowserContext")["browserContextId"]
    try:
        yield browser
    finally:
        browser.call("Target.disposeBrowserContext", {"browserContextId": browser.context})
        browser.context = None
        browser.events.clear()


@contextlib.contextmanager
def one_chromium(profile: Path) -> Iterator[DevTools]:
    """A Chromium for a whole module's tests, each in its own `private_context`."""
    browser = DevTools(find_chromium(), profile)
    try:
        yield browser
    finally:
        browser.close()


def test_pages_load_nothing_from_any_host_but_the_local_server(
    site_url: str, tmp_path: Path, upcoming_events: list[ContentEntry]
) -> None:
    """Nothing from elsewhere: no CDN, no remote font, no tracker — the network log of a real page load."""
    chromium = find_chromium()
    local = urlsplit(site_url).netloc
    browser = DevTools(chromium, tmp_path / "profile")
    try:
        session = browser.open_page()
        for path in ("/", "/agenda/", upcoming_events[0].url):
            requests = browser.load(session, site_url + path)
            urls = [request["url"] for request in requests]
            assert f"{site_url}/static/site.css" in urls, f"{path}: no stylesheet among {urls}"
            elsewhere = [
                url
                for url in urls
                if urlsplit(url).scheme != "data" and urlsplit(url).netloc != local
            ]
            assert not elsewhere, f"{path} made requests to other hosts: {elsewhere}"
            failed = [
                request
                for request in requests
                if "failed" in request or request.get("status", 200) >= 400
            ]
            assert not failed, f"{path}: failed requests: {failed}"
    finally:
        browser.close()
