"""bench/edit_page.py, the benchmark's edit→page timer, against a stand-in dev server.

The stand-in is a real process on a free local port: it watches one file, waits a known delay
after each change before serving the new text, and prints « Rebuilt in N ms » as Hugo does.
So the harness must find that delay, parse that line, report a page that never changes as a
failure instead of hanging, and leave the file as it found it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .conftest import load_bench_script

DELAY_MS = 200

STAND_IN = f"""\
import http.server, os, sys, threading, time
source = sys.argv[2]
state = {{"body": open(source, encoding="utf-8").read(), "mtime": os.stat(source).st_mtime_ns}}

def watch():
    while True:
        time.sleep(0.05)
        mtime = os.stat(source).st_mtime_ns
        if mtime != state["mtime"]:
            time.sleep({DELAY_MS} / 1000)
            state["body"], state["mtime"] = open(source, encoding="utf-8").read(), mtime
            print("Rebuilt in {DELAY_MS} ms", flush=True)

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = (state["body"] if self.path == "/page/" else "constant").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        print("[access]", *args, flush=True)

threading.Thread(target=watch, daemon=True).start()
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"""


edit_page = load_bench_script("edit_page")


def test_times_the_delay_parses_the_printed_rebuild_and_restores(tmp_path: Path) -> None:
    (tmp_path / "server.py").write_text(STAND_IN)
    source = tmp_path / "page.md"
    source.write_text("Un texte.\n", encoding="utf-8")
    original = source.read_bytes()
    port = edit_page.free_port()
    shown = edit_page.Edit("content", source, "/page/", edit_page.append_sentence)
    never = edit_page.Edit("stale", source, "/other/", edit_page.append_sentence)
    report = edit_page.measure_server(
        [sys.executable, str(tmp_path / "server.py"), str(port), str(source)],
        tmp_path,
        None,
        port,
        {"content": [shown] * 3, "stale": [never]},
        root=tmp_path,
        timeout=2.0,
    )
    assert "error" not in report, report
    content = report["kinds"]["content"]
    assert content["failures"] == 0
    # The watcher looks every 50 ms, then waits the delay: never sooner than the delay.
    assert content["min_ms"] >= DELAY_MS and content["max_ms"] < DELAY_MS + 1000
    assert content["rebuild_median_ms"] == DELAY_MS
    stale = report["kinds"]["stale"]
    assert stale["failures"] == 1 and "median_ms" not in stale
    assert "still without the change" in stale["samples"][0]["error"]
    assert source.read_bytes() == original
    assert report["returncode"] is not None  # stopped


@pytest.mark.parametrize(
    ("line", "ms"),
    [
        ("Aperçu à jour : 3 fichier(s) réécrit(s) en 1039 ms.", 1039.0),
        ("Aperçu à jour en 12,5 ms", 12.5),
        ("Total in 266 ms", 266.0),
        ("Rebuilt in 3.9 s", 3900.0),
        ("Aperçu à jour (12 ms)", 12.0),
        ("Aperçu à jour : 2 fichier(s), 1,5 s", 1500.0),
        ("[I 261202 19:52:33 web:2406] 200 GET / (127.0.0.1) in 1.20 ms", None),
        ("Erreurs dans le contenu : la page d'erreur s'affiche (40 ms).", None),
        ("Source changed /startups/a.md", None),
    ],
)
def test_printed_rebuild_time(line: str, ms: float | None) -> None:
    assert edit_page.printed_ms(line) == ms


def test_edits_only_add_the_token_where_the_page_shows_it() -> None:
    yaml = 'title: "Site"\ntagline: Une phrase\nthemes:\n  a:\n    title: x\n'
    assert edit_page.longer_value("tagline", "title")(yaml, "TOK") == yaml.replace(
        "Une phrase", "Une phrase TOK"
    )
    assert edit_page.longer_value("title")(yaml, "TOK").startswith('title: "Site TOK"\n')
    layout = '{{ define "main" }}\n<h1>{{ .Title }}</h1>\n{{ end }}\n'
    changed = edit_page.hidden_span_before_last_end(layout, "TOK")
    assert changed.endswith('<span hidden data-bench="TOK"></span>\n{{ end }}\n')
    assert edit_page.append_comment("<li></li>", "TOK") == "<li></li>\n<!-- TOK -->\n"
