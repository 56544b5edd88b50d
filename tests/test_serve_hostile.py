"""The live preview under hostile requests and crashing rebuilds: never a traceback.

Each test starts `nftsite serve` as a real process on a free local port and talks to it with
raw sockets or `http.client`, so what is checked is what a browser or curl would get.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import html5lib
import pytest

from .conftest import MINIMAL_SITE_YAML, NOW_ARG, REPO, InlineSite
from .test_authoring import PLACE, free_port, wait_for

EVENT = (
    "---\ntitle: Visite ministérielle\nstart: 2015-10-01 10:00\nplace: seine-innopolis\n---\n"
    "{body}\n"
)

HEAD_IN_TITLE = "Atelier « </head> » pour débuter en HTML"
CRASH_MARKER = "PANNE-SIMULÉE"
REQUEST_CRASH_PATH = "/panne-en-repondant/"
FAULT_INJECTION = f"""
import sys
from pathlib import Path

import nftsite.commands.serve
from nftsite.commands.cli import main

real_rebuild = nftsite.commands.serve.LiveSite.rebuild


def rebuild(self, *args, **kwargs):
    # Stands for any defect of the engine: an exception that is not a content problem.
    event = Path(self.options.root) / "content" / "events" / "visite.md"
    if {CRASH_MARKER!r} in event.read_text(encoding="utf-8"):
        raise RuntimeError("panne simulée du moteur")
    return real_rebuild(self, *args, **kwargs)


real_answer = nftsite.commands.serve.Preview.answer


def answer(self, environ, start_response):
    if environ["PATH_INFO"] == {REQUEST_CRASH_PATH!r}:
        raise RuntimeError("panne simulée en répondant")
    return real_answer(self, environ, start_response)


nftsite.commands.serve.LiveSite.rebuild = rebuild
nftsite.commands.serve.Preview.answer = answer
sys.exit(main(sys.argv[1:]))
"""
"""Run instead of `python -m nftsite`: every rebuild raises while the event holds the marker,
and answering one path raises.

The real defect (a NUL in a title crashing lxml) is being turned into a content error, and
template mistakes are already reported as problems, so no content input is guaranteed to keep
crashing the engine: the crash is injected, at the one call the preview makes into it."""


@dataclass
class Preview:
    site: InlineSite
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    since: int = 0
    """Where the current test's part of the log starts (one server serves several tests)."""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log.read_bytes()[self.since :].decode("utf-8", errors="replace")

    def assert_alive_without_traceback(self) -> None:
        assert request(self.port, "GET", "/").status == 200
        assert self.process.poll() is None, "the server died"
        assert "Traceback" not in self.log_text(), self.log_text()


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


def request(port: int, method: str, target: str) -> Response:
    """One request through http.client; the target is sent exactly as given."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest(method, target, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        connection.close()


def raw_exchange(port: int, method: str, target: str) -> bytes:
    """Every byte the server sends back before closing, to catch a body after a HEAD."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(
            f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Connection: close\r\n\r\n".encode("latin-1")
        )
        chunks = []
        with contextlib.suppress(ConnectionResetError):
            while chunk := client.recv(65536):
                chunks.append(chunk)
    return b"".join(chunks)


def split_response(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, separator, body = raw.partition(b"\r\n\r\n")
    assert separator, f"no complete response: {raw[:200]!r}"
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def page_text(body: bytes) -> str:
    """The visible text of a page, read by html5lib (not by the code under test)."""
    document = html5lib.parse(body, namespaceHTMLElements=False)
    main = document.find(".//body")
    assert main is not None
    return " ".join("".join(main.itertext()).split())


def make_project(root: Path, files: dict[str, str]) -> InlineSite:
    (root / "content").mkdir(parents=True)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    site = InlineSite(root)
    site.write({"site.yaml": MINIMAL_SITE_YAML, **files})
    return site


@contextlib.contextmanager
def running_preview(site: InlineSite, *, inject_crash: bool = False) -> Iterator[Preview]:
    port = free_port()
    launcher = ["-c", FAULT_INJECTION] if inject_crash else ["-m", "nftsite"]
    arguments = ["serve", "--root", str(site.root), "--port", str(port), "--now", NOW_ARG]
    log = site.root / "serve.log"
    with log.open("w", encoding="utf-8") as sink:
        process = subprocess.Popen(
            [sys.executable, *launcher, *arguments],
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        preview = Preview(site, port, process, log)
        try:
            wait_for(lambda: request(port, "GET", "/").status in (200, 500), timeout=30)
            yield preview
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def shared_preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    """One server for the request tests: none of them changes the content."""
    site = make_project(
        tmp_path_factory.mktemp("hostile") / "project",
        {
            "places/seine-innopolis.md": PLACE,
            "events/visite.md": EVENT.format(body="Texte."),
            "events/atelier.md": f"---\ntitle: {HEAD_IN_TITLE}\nstart: 2015-10-02 10:00\n---\n",
        },
    )
    with running_preview(site) as running:
        yield running


@pytest.fixture
def preview(shared_preview: Preview) -> Preview:
    """The shared server, its log read from this test's first request on."""
    shared_preview.since = shared_preview.log.stat().st_size
    return shared_preview


# --- DEF-25: HEAD, NUL and control characters, over-long paths -----------------------------


@pytest.mark.parametrize("path", ["/", "/agenda.ics", "/agenda/visite/", "/nexistepas/"])
def test_def_25_head_answers_like_get_without_a_body(preview, path):
    get = request(preview.port, "GET", path)
    status, headers, body = split_response(raw_exchange(preview.port, "HEAD", path))
    assert status == get.status
    assert headers["content-type"] == get.headers["content-type"]
    assert int(headers["content-length"]) == len(get.body) > 0
    assert body == b"", "a HEAD answer must have no body"
    preview.assert_alive_without_traceback()


def test_def_25_head_of_the_calendar_has_the_calendar_type(preview):
    status, headers, _ = split_response(raw_exchange(preview.port, "HEAD", "/agenda.ics"))
    assert status == 200
    assert headers["content-type"] == "text/calendar; charset=utf-8"


@pytest.mark.parametrize(
    "path",
    [
        "/%00",
        "/index.html%00.txt",
        "/agenda/%00/",
        "/%01",
        "/a%09b",
        "/agenda%0D%0ASet-Cookie:%20x=1",
        "/%7F",
        "/%C2%85",  # NEL, a C1 control character
        "/%FF",  # not UTF-8
    ],
)
def test_def_25_nul_and_control_characters_in_the_path_are_refused_with_400(preview, path):
    response = request(preview.port, "GET", path)
    assert response.status == 400
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "set-cookie" not in response.headers
    assert "Adresse refusée" in page_text(response.body)
    preview.assert_alive_without_traceback()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/" + "a/" * 30_000, 414),  # 60 000 characters, every folder name short
        ("/" + "a" * 256, 400),  # one name longer than a file name can be
        ("/agenda/" + "%C3%A9" * 128 + "/", 400),  # 128 characters « é », but 256 bytes
        ("/" + "a" * 255, 404),  # the longest possible name: simply not there
    ],
)
def test_def_25_over_long_paths_are_refused_not_crashed_on(preview, path, expected):
    response = request(preview.port, "GET", path)
    assert response.status == expected
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    preview.assert_alive_without_traceback()


def test_def_25_a_url_too_long_for_the_request_line_leaves_the_server_up(preview):
    """tornado reads at most 64 KiB of request head: beyond, it closes the connection."""
    with contextlib.suppress(OSError, http.client.HTTPException):
        request(preview.port, "GET", "/" + "a" * 100_000)
    preview.assert_alive_without_traceback()


def test_def_25_live_reload_script_goes_into_html_pages_only(preview):
    """The script is injected before the first `</head>` of a page, never into a calendar
    whose text happens to hold that tag (livereload's own container did both)."""
    page = request(preview.port, "GET", "/agenda/atelier/")
    assert page.body.count(b"livereload.js") == 1
    calendar = request(preview.port, "GET", "/agenda/atelier/atelier.ics")
    assert calendar.headers["content-type"] == "text/calendar; charset=utf-8"
    assert b"</head>" in calendar.body
    assert b"<script" not in calendar.body and b"livereload" not in calendar.body


# --- case 106: a protocol-relative redirect -------------------------------------------------


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("//agenda", "/agenda/"),
        ("///agenda", "/agenda/"),
        ("/agenda", "/agenda/"),
        ("/agenda?vue=liste", "/agenda/?vue=liste"),
    ],
)
def test_case_106_folder_redirect_stays_on_this_host(preview, target, location):
    response = request(preview.port, "GET", target)
    assert response.status == 301
    assert response.headers["location"] == location


# --- DEF-24: a crashing rebuild -------------------------------------------------------------


def test_def_24_a_crashing_rebuild_shows_the_crash_page_then_the_next_edit_recovers(tmp_path):
    site = make_project(
        tmp_path / "project",
        {"places/seine-innopolis.md": PLACE, "events/visite.md": EVENT.format(body="Avant.")},
    )
    with running_preview(site, inject_crash=True) as preview:
        page = "/agenda/visite/"
        assert b"Avant." in request(preview.port, "GET", page).body
        site.write({"events/visite.md": EVENT.format(body=CRASH_MARKER)})
        wait_for(lambda: request(preview.port, "GET", page).status == 500)

        for path in ("/", page, "/agenda.ics", "/nexistepas/"):
            response = request(preview.port, "GET", path)
            assert response.status == 500, path
            assert response.headers["content-type"] == "text/html; charset=utf-8"
            text = page_text(response.body)
            assert "Avant." not in text, "the old page is still served"
            assert "erreur inattendue" in text.lower()
            assert ".cache/serve-crash.log" in text
        document = html5lib.parse(response.body, namespaceHTMLElements=False)
        assert document.get("lang") == "fr"
        status, headers, body = split_response(raw_exchange(preview.port, "HEAD", page))
        assert (status, body) == (500, b"")
        assert int(headers["content-length"]) == len(request(preview.port, "GET", page).body)

        crash_log = site.root / ".cache" / "serve-crash.log"
        details = crash_log.read_text(encoding="utf-8")
        assert "Traceback" in details and "panne simulée du moteur" in details
        log = preview.log_text()
        assert "Traceback" not in log, log
        assert "erreur inattendue" in log and ".cache/serve-crash.log" in log

        site.write({"events/visite.md": EVENT.format(body="Après.")})
        wait_for(
            lambda: (r := request(preview.port, "GET", page)).status == 200 and b"Apr" in r.body
        )
        assert "Après." in page_text(request(preview.port, "GET", page).body)
        assert request(preview.port, "GET", "/agenda.ics").status == 200
        assert preview.process.poll() is None
        assert "Traceback" not in preview.log_text()


def test_def_24_a_crash_on_the_first_build_never_serves_the_previous_preview(tmp_path):
    site = make_project(
        tmp_path / "project",
        {"places/seine-innopolis.md": PLACE, "events/visite.md": EVENT.format(body=CRASH_MARKER)},
    )
    stale = site.root / ".cache" / "preview" / "index.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("<!DOCTYPE html><title>x</title><p>Ancienne page</p>", encoding="utf-8")
    with running_preview(site, inject_crash=True) as preview:
        response = request(preview.port, "GET", "/")
        assert response.status == 500
        assert "Ancienne page" not in page_text(response.body)
        assert "erreur inattendue" in page_text(response.body).lower()
        assert preview.process.poll() is None
        assert "Traceback" not in preview.log_text()


def test_def_24_an_error_while_answering_one_request_gets_the_crash_page_for_it_alone(tmp_path):
    site = make_project(
        tmp_path / "project",
        {"places/seine-innopolis.md": PLACE, "events/visite.md": EVENT.format(body="Texte.")},
    )
    with running_preview(site, inject_crash=True) as preview:
        response = request(preview.port, "GET", REQUEST_CRASH_PATH)
        assert response.status == 500
        assert "erreur inattendue" in page_text(response.body).lower()
        details = (site.root / ".cache" / "serve-crash.log").read_text(encoding="utf-8")
        assert "panne simulée en répondant" in details
        assert "erreur inattendue (RuntimeError) en répondant" in preview.log_text()
        preview.assert_alive_without_traceback()
