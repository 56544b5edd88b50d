"""`_headers` for Netlify and Cloudflare Pages: a host gives each calendar and feed the type
the preview gives it.

The file is read here line by line as those hosts document it (a URL pattern, then indented
`Name: value` lines; `*` matches any run of characters; every matching rule applies and a
header named twice is joined with a comma), never with nftsite's code. The types it gives
are compared with the HTTP answers of the real `nftsite serve`, and those with the media
types registered for iCalendar (RFC 5545), RSS and Atom (RFC 4287).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from nftsite.core.urls import SEARCH_INDEX

from .conftest import NOW_ARG, REPO

Rule = tuple[str, list[tuple[str, str]]]

CLOUDFLARE_MAX_RULES = 100
CLOUDFLARE_MAX_LINE = 2000
REGISTERED = {
    "agenda.ics": "text/calendar",
    "agenda/rss.xml": "application/rss+xml",
    "presse/rss.xml": "application/rss+xml",
    "presse/atom.xml": "application/atom+xml",
}
"""Media types from their registrations, for files every build of the sample site has."""


def parse_headers(text: str) -> list[Rule]:
    """The rules of a `_headers` file, in order; a malformed line fails the test."""
    rules: list[Rule] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t":
            name, colon, value = line.strip().partition(":")
            assert rules and colon and name.strip(), f"_headers:{number}: not a header: {line!r}"
            rules[-1][1].append((name.strip(), value.strip()))
        else:
            assert line.startswith("/"), f"_headers:{number}: not a URL pattern: {line!r}"
            rules.append((line.strip(), []))
    return rules


def matches(pattern: str, url_path: str) -> bool:
    """A splat (`*`) matches any characters, `/` included; everything else is literal."""
    regex = "".join(".*" if char == "*" else re.escape(char) for char in pattern)
    return re.fullmatch(regex, url_path) is not None


def host_type(rules: list[Rule], url_path: str) -> str | None:
    """The Content-Type a host following `rules` sends, or None when it keeps its own."""
    values = [
        value
        for pattern, headers in rules
        if matches(pattern, url_path)
        for name, value in headers
        if name.lower() == "content-type"
    ]
    return ", ".join(values) if values else None


def media_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


@pytest.fixture(scope="module")
def rules(sample_output: Path) -> list[Rule]:
    headers = sample_output / "_headers"
    assert headers.is_file(), "the build wrote no _headers"
    return parse_headers(headers.read_text(encoding="utf-8"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answer(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", "")


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real `nftsite serve` on a copy of the repository's site: its base URL."""
    root = tmp_path_factory.mktemp("preview")
    for folder in ("content", "templates", "static"):
        shutil.copytree(REPO / folder, root / folder)
    port = free_port()
    log_path = root / "serve.log"
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "nftsite",
                "serve",
                "--root",
                str(root),
                "--port",
                str(port),
                "--now",
                NOW_ARG,
            ],
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if answer(base + "/")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the preview did not start:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_every_file_a_rule_covers_gets_from_the_host_what_the_preview_serves(
    sample_output: Path, rules: list[Rule], preview: str
) -> None:
    """Calendars and XML files must be covered; the rest (images, PDF) keep the host's type.
    The search index is left out: the preview does not build it (Pagefind runs in `build`
    only, and the preview's /recherche/ says so), so there is nothing to compare."""
    checked, mismatches = set(), []
    for file in sorted(sample_output.rglob("*")):
        relative = file.relative_to(sample_output).as_posix()
        if not file.is_file() or relative in ("_headers", ".nftsite-output"):
            continue
        if ("/" + relative).startswith(SEARCH_INDEX):
            continue
        url_path = "/" + quote(relative)
        from_host = host_type(rules, url_path)
        if from_host is None:
            assert file.suffix not in (".ics", ".xml"), f"{url_path}: no Content-Type rule"
            continue
        status, served = answer(preview + url_path)
        assert status == 200, f"{url_path}: the preview answered {status}"
        if from_host != served:
            mismatches.append(f"{url_path}: host {from_host!r}, preview {served!r}")
        checked.add(relative)
    assert not mismatches, "\n".join(mismatches)
    assert set(REGISTERED) | {"sitemap.xml"} <= checked
    assert any(path.startswith("agenda/ville/") for path in checked), "no city calendar checked"


@pytest.mark.parametrize("path", sorted(REGISTERED))
def test_calendars_and_feeds_are_served_with_their_registered_types(
    path: str, rules: list[Rule], preview: str
) -> None:
    status, served = answer(f"{preview}/{path}")
    assert status == 200
    assert media_type(served) == REGISTERED[path]
    assert media_type(host_type(rules, "/" + path) or "") == REGISTERED[path]


def test_headers_file_stays_within_what_both_hosts_read(sample_output: Path) -> None:
    """Cloudflare Pages: at most 100 rules, 2 000 characters a line, one splat a URL."""
    text = (sample_output / "_headers").read_text(encoding="utf-8")
    rules = parse_headers(text)
    assert 0 < len(rules) <= CLOUDFLARE_MAX_RULES
    assert max(len(line) for line in text.splitlines()) <= CLOUDFLARE_MAX_LINE
    for pattern, headers in rules:
        assert pattern.count("*") <= 1 and ":" not in pattern, pattern
        assert [name for name, _ in headers] == ["Content-Type"], pattern
