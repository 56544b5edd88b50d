"""The comms team's loop: `new` scaffolds, `check --format github`, and the live preview."""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from nftsite.commands.cli import main

from .conftest import NOW_ARG, REPO, InlineSite

PLACE = """
---
name: Seine Innopolis
kind: totem
address: 72 rue de la République, 76140 Le Petit-Quevilly
city: rouen
---
Bâtiment totem.
"""


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def git_init(root: Path) -> None:
    """A committed repository, so the build has the history it expects (no warning)."""
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "initial"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=root,
            check=True,
            capture_output=True,
        )


@pytest.mark.parametrize("kind", ["event", "startup", "place", "press", "page"])
def test_new_entry_of_every_kind_builds_without_errors_or_warnings(make_site, kind):
    site: InlineSite = make_site()
    git_init(site.root)
    code, out, err = run_cli(
        "new", kind, "Café numérique à Évreux", "--root", str(site.root), "--date", "2026-11-23"
    )
    assert code == 0, err
    folder = {
        "event": "events/2026",
        "startup": "startups",
        "place": "places",
        "press": "press",
        "page": "pages",
    }[kind]
    assert out.strip() == f"content/{folder}/cafe-numerique-a-evreux.md"
    path = site.root / out.strip()
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n#")
    # A new entry is a draft: checked and built, not published, named by the summary.
    run = site.run()
    assert run.exit_code == 0, run.stderr
    assert run.stderr.startswith("Site construit"), run.stderr  # no problem printed before it
    assert " 0 avertissement(s)" in run.stderr
    assert "1 brouillon non publié" in run.stderr and out.strip() in run.stderr
    # Published as it is (its draft line removed), it builds with no problem either.
    path.write_text(text.replace("\ndraft: true\n", "\n", 1), encoding="utf-8")
    run = site.run()
    assert run.exit_code == 0, run.stderr
    assert run.stderr.startswith("Site construit"), run.stderr
    assert " 0 avertissement(s)" in run.stderr and "brouillon" not in run.stderr


def test_new_event_has_todays_date_and_a_generated_uid(make_site):
    site = make_site()
    code, out, _ = run_cli(
        "new", "event", "Atelier", "--root", str(site.root), "--date", "2027-02-04"
    )
    assert code == 0
    text = (site.root / out.strip()).read_text(encoding="utf-8")
    assert "\nstart: 2027-02-04\n" in text
    uid_line = next(line for line in text.splitlines() if line.startswith("uid: "))
    assert uid_line.endswith("@www.normandyfrenchtech.fr") and len(uid_line) > 30


def test_new_refuses_to_overwrite_and_names_the_existing_file(make_site):
    site = make_site({"places/seine-innopolis.md": PLACE})
    before = (site.root / "content/places/seine-innopolis.md").read_bytes()
    code, _, err = run_cli("new", "place", "Seine Innopolis", "--root", str(site.root))
    assert code == 1
    assert "content/places/seine-innopolis.md" in err
    assert (site.root / "content/places/seine-innopolis.md").read_bytes() == before


def test_check_github_format_gives_one_annotation_per_problem_on_its_line(make_site):
    site = make_site(
        {
            "events/a.md": "---\ntitle: A\nstart: 2015-02-30\n---\n",
            "startups/b.md": "---\nname: B\ncity: cean\n---\n",
            "pages/c.md": "---\ntitle: C\nmenu: premier\n---\n",
            "events/d.md": "---\ntitle: D\nstart: 2015-10-01\nsatus: cancelled\n---\n",
        }
    )
    code, out, _ = run_cli(
        "check", "--root", str(site.root), "--now", NOW_ARG, "--format", "github"
    )
    assert code == 1
    # The build of this temporary folder also warns that it is not a git repository.
    lines = [line for line in out.splitlines() if not line.startswith("::warning file=content::")]
    assert lines == [
        "::error file=content/events/a.md,line=3,col=8,title=start::date impossible : « 2015-02-30 »"
        " — aide : février 2015 n'a pas de 30 ; vérifiez le jour",
        "::warning file=content/events/d.md,line=4,col=1,title=satus::champ inconnu « satus », "
        "ignoré — aide : vouliez-vous dire « status » ?",
        "::error file=content/pages/c.md,line=3,col=7,title=menu::« premier » n'est pas un nombre entier"
        " — aide : écrivez un nombre entre 0 et 1000",
        "::error file=content/startups/b.md,line=3,col=1,title=city::« cean » n'est pas dans la liste "
        "des villes de site.yaml — aide : vouliez-vous dire « caen » ? ; villes possibles : caen, "
        "le-havre, rouen ; ou ajoutez cette valeur dans site.yaml",
    ]
    assert not site.output.exists()


def test_check_json_format_parses_and_names_every_file(make_site):
    site = make_site({"events/a.md": "---\ntitle: A\nstart: 2015-02-30\n---\n"})
    code, out, _ = run_cli("check", "--root", str(site.root), "--now", NOW_ARG, "--format", "json")
    assert code == 1
    problems = json.loads(out)
    error = next(p for p in problems if p["severity"] == "error")
    assert (error["path"], error["line"], error["column"], error["field"]) == (
        "content/events/a.md",
        3,
        8,
        "start",
    )


# --- the live preview ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def wait_for(condition, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            last = condition()
            if last:
                return last
        time.sleep(0.2)
    raise AssertionError(f"condition not met in {timeout} s (last: {last!r})")


@pytest.fixture
def preview(make_site):
    site = make_site(
        {
            "places/seine-innopolis.md": PLACE,
            "events/visite.md": "---\ntitle: Visite ministérielle\nstart: 2015-10-01 10:00\n"
            "place: seine-innopolis\n---\nPremière version.\n",
            "events/brouillon.md": "---\ntitle: Projet secret\nstart: 2027-01-01\ndraft: true\n---\n",
        }
    )
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    log = (site.root / "serve.log").open("w", encoding="utf-8")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nftsite",
            "serve",
            "--root",
            str(site.root),
            "--port",
            str(port),
            "--now",
            NOW_ARG,
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: fetch(base + "/")[0] == 200)
        yield site, base, process
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def test_preview_shows_edits_then_a_french_error_page_then_the_page_again(preview):
    site, base, process = preview
    page = base + "/agenda/visite/"
    assert "Première version." in fetch(page)[2]
    site.write(
        {
            "events/visite.md": "---\ntitle: Visite ministérielle\nstart: 2015-10-01 10:00\n"
            "place: seine-innopolis\n---\nDeuxième version.\n"
        }
    )
    wait_for(lambda: "Deuxième version." in fetch(page)[2])
    site.write(
        {"events/visite.md": "---\ntitle: Visite ministérielle\nstart: 2015-10-32 10:00\n---\n"}
    )
    _, kind, body = wait_for(lambda: next((r for r in [fetch(page)] if r[0] == 500), None))
    assert kind.startswith("text/html")
    assert "content/events/visite.md:3:8: start: date impossible" in body
    assert "octobre 2015 n&#x27;a pas de 32" in body
    site.write(
        {
            "events/visite.md": "---\ntitle: Visite ministérielle\nstart: 2015-10-01 10:00\n"
            "place: seine-innopolis\n---\nTroisième version.\n"
        }
    )
    wait_for(lambda: (r := fetch(page))[0] == 200 and "Troisième version." in r[2])
    assert process.poll() is None, "the server died"


def test_preview_shows_drafts_with_a_banner_and_serves_feeds_with_their_types(preview):
    site, base, _ = preview
    status, _, body = fetch(base + "/agenda/brouillon/")
    assert status == 200 and "Brouillon" in body
    assert fetch(base + "/agenda.ics")[1] == "text/calendar; charset=utf-8"
    assert fetch(base + "/agenda/rss.xml")[1] == "application/rss+xml; charset=utf-8"
    assert fetch(base + "/presse/atom.xml")[1] == "application/atom+xml; charset=utf-8"
    assert not (site.output / "agenda/brouillon").exists(), "the preview wrote into output/"


def test_preview_on_a_busy_port_says_so_without_traceback(make_site):
    site = make_site()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "nftsite",
                "serve",
                "--root",
                str(site.root),
                "--port",
                str(port),
            ],
            env={**os.environ, "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert completed.returncode == 2
    assert f"le port {port} est déjà utilisé" in completed.stderr
    assert "Traceback" not in completed.stderr
