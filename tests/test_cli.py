"""The command line as a person meets it: French from argparse too, `--version`, `-q`/`-v`,
French kinds for `new`, new entries as drafts named by every summary, and a preview that says
nothing in English and nothing before its port is held.

Every test runs the real command (`python -m nftsite`) in a subprocess. argparse's English
strings are not listed by hand: they are extracted from the running Python's argparse.py with
Babel's extractor, so a new Python's new message cannot slip through.
"""

from __future__ import annotations

import argparse
import ast
import io
import logging
import os
import re
import socket
import subprocess
import sys
import time
import tomllib
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from babel.messages.extract import extract_python

from nftsite.commands.argparse_fr import FRENCH, FRENCH_PLURAL
from nftsite.commands.summary import Progress
from nftsite.pipeline import STAGES

from .conftest import NOW_ARG, REPO, InlineSite
from .test_authoring import fetch, free_port, git_init, wait_for

# --- argparse's own strings, from the running Python's argparse.py --------------------------

ARGPARSE_SOURCE = Path(argparse.__file__)
GETTEXT_NAMES = ("_", "ngettext")


def argparse_msgids() -> tuple[set[str], set[tuple[str, str]]]:
    """Every string argparse passes to gettext: Babel's extractor, plus the literals it cannot
    see inside a non-literal argument (3.11's `_(kwargs.pop('title', 'subcommands'))`)."""
    singular: set[str] = set()
    plural: set[tuple[str, str]] = set()
    with ARGPARSE_SOURCE.open("rb") as source:
        for _line, _function, message, _comments in extract_python(
            source, list(GETTEXT_NAMES), [], {}
        ):
            if isinstance(message, str):
                singular.add(message)
            elif isinstance(message, tuple) and all(isinstance(m, str) for m in message[:2]):
                plural.add((message[0], message[1]))
    tree = ast.parse(ARGPARSE_SOURCE.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_":
            for argument in node.args:  # `_(kwargs.pop(key, 'default'))`: the default
                if isinstance(argument, ast.Call) and len(argument.args) == 2:
                    default = argument.args[1]
                    if isinstance(default, ast.Constant) and isinstance(default.value, str):
                        singular.add(default.value)
    return singular, plural


MSGIDS, PLURAL_MSGIDS = argparse_msgids()
PLACEHOLDER = re.compile(r"%\(\w+\)[sr]|%[sr]")
SAME_IN_FRENCH = {"options", "argument", "arguments"}
"""argparse's words that French spells the same way."""


def english_fragments() -> set[str]:
    """The English text between the placeholders of every msgid, as it could be printed."""
    fragments = set()
    for message in MSGIDS | {m for pair in PLURAL_MSGIDS for m in pair}:
        for part in PLACEHOLDER.split(message):
            part = part.strip(" \n:()'\"")
            if re.search(r"[A-Za-z]{2}", part) and part not in SAME_IN_FRENCH:
                fragments.add(part)
    return fragments


ENGLISH = english_fragments()


def english_in(text: str) -> list[str]:
    """The argparse English fragments found in `text`, as whole words."""
    return sorted(
        fragment
        for fragment in ENGLISH
        if re.search(rf"(?<![\w-]){re.escape(fragment)}(?![\w-])", text, re.IGNORECASE)
    )


def test_the_extraction_finds_argparse_strings():
    """The oracle itself: it must see the strings the review met in English."""
    for known in ("usage: ", "positional arguments", "show this help message and exit"):
        assert known in MSGIDS
    assert "invalid choice: %(value)r (choose from %(choices)s)" in MSGIDS
    assert "subcommands" in MSGIDS  # only seen through the AST walk
    assert {"usage", "show this help message and exit", "invalid choice"} <= ENGLISH


def test_every_argparse_string_of_this_python_has_french_text_with_the_same_placeholders():
    missing = sorted(MSGIDS - set(FRENCH))
    assert not missing, f"argparse {sys.version_info[:2]} strings without French: {missing}"
    assert not sorted(PLURAL_MSGIDS - set(FRENCH_PLURAL))
    pairs = [(m, FRENCH[m]) for m in MSGIDS]
    pairs += [(m, f) for key in PLURAL_MSGIDS for m, f in zip(key, FRENCH_PLURAL[key], strict=True)]
    for english, french in pairs:
        named = sorted(re.findall(r"%\((\w+)\)", english))
        assert sorted(re.findall(r"%\((\w+)\)", french)) == named, english
        assert len(re.findall(r"%[sr]", french)) == len(re.findall(r"%[sr]", english)), english
        assert english_in(PLACEHOLDER.sub("", french)) == [], (english, french)


# --- the command in a subprocess -------------------------------------------------------------


def nftsite(
    *args: str, cwd: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess:
    """`python -m nftsite ARGS` as a separate process, its output decoded as UTF-8."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    env.pop("LANGUAGE", None)
    return subprocess.run(
        [sys.executable, "-m", "nftsite", *args],
        cwd=cwd or REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


HELP_COMMANDS = [
    ["--help"],
    ["-h"],
    ["build", "--help"],
    ["check", "--help"],
    ["new", "--help"],
    ["serve", "--help"],
]


@pytest.mark.parametrize("args", HELP_COMMANDS, ids=" ".join)
def test_help_is_french(args):
    run = nftsite(*args)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("utilisation : nftsite"), run.stdout
    assert "options :" in run.stdout
    assert english_in(run.stdout + run.stderr) == []


MISTAKES = {
    "no command": ([], "arguments obligatoires manquants : commande"),
    "mistyped command": (["biuld"], "choix invalide : « biuld » — vouliez-vous dire « build » ?"),
    "missing arguments": (["new"], "arguments obligatoires manquants : genre, titre"),
    "missing title": (["new", "evenement"], "arguments obligatoires manquants : titre"),
    "unknown kind": (["new", "evenment", "X"], "genre inconnu : « evenment » — vouliez-vous dire"),
    "bad choice": (["build", "--format", "xml"], "choix invalide : « xml »"),
    "unknown option": (["build", "--nope"], "arguments non reconnus : --nope"),
    "bad port": (["serve", "--port", "abc"], "port invalide « abc »"),
    "port out of range": (["serve", "--port", "70000"], "port invalide « 70000 »"),
    "missing value": (["serve", "--port"], "argument --port : il manque la valeur"),
    "bad date": (["new", "page", "X", "--date", "2027-02-30"], "date invalide « 2027-02-30 »"),
    "bad now": (["check", "--now", "demain"], "date invalide « demain »"),
    "value to a flag": (["build", "--drafts=oui"], "cette option ne prend pas de valeur"),
    "quiet and verbose": (["build", "-q", "-v"], "incompatible avec -q/--quiet"),
    "ambiguous option": (["--ver"], "option ambiguë : --ver"),
    "output to check": (["check", "--output", "x"], "arguments non reconnus : --output x"),
}


@pytest.mark.parametrize("name", MISTAKES)
def test_command_line_mistakes_are_french_exit_2_and_point_to_the_help(name):
    args, expected = MISTAKES[name]
    run = nftsite(*args)
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith("utilisation : nftsite"), run.stderr
    assert expected in run.stderr, run.stderr
    assert re.search(r"^nftsite[a-z ]* : erreur : ", run.stderr, re.MULTILINE), run.stderr
    assert re.search(r"^Aide : nftsite[a-z ]* --help$", run.stderr, re.MULTILINE), run.stderr
    assert english_in(run.stdout + run.stderr) == [], run.stderr
    assert "Traceback" not in run.stderr


def test_version_is_the_packages():
    expected = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    run = nftsite("--version")
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"nftsite {expected}\n"


def test_check_does_not_offer_output():
    check, build = nftsite("check", "--help"), nftsite("build", "--help")
    assert "--output" not in check.stdout
    assert "--output DOSSIER" in build.stdout


# --- -q and -v ---------------------------------------------------------------------------------

WARNED = {"events/a.md": "---\ntitle: A\nstart: 2026-12-01\nsatus: cancelled\n---\n"}
BROKEN = {"events/b.md": "---\ntitle: B\nstart: 2026-02-30\n---\n"}


def test_quiet_prints_nothing_on_success_and_only_errors_on_failure(make_site):
    site: InlineSite = make_site(WARNED)
    root = str(site.root)
    normal = nftsite("check", "--root", root, "--now", NOW_ARG)
    assert normal.returncode == 0 and "champ inconnu « satus »" in normal.stderr
    for args in (["check", "-q"], ["-q", "check"], ["build", "--quiet"]):
        run = nftsite(*args, "--root", root, "--now", NOW_ARG)
        assert (run.returncode, run.stdout, run.stderr) == (0, "", ""), args
    site.write(BROKEN)
    run = nftsite("check", "-q", "--root", root, "--now", NOW_ARG)
    assert run.returncode == 1
    assert "content/events/b.md:3:8: start: date impossible" in run.stderr
    assert "satus" not in run.stderr and "avertissement" not in run.stderr
    assert "Échec : 1 erreur(s)." in run.stderr


def test_verbose_shows_the_stages_and_the_reference_moment(make_site):
    site = make_site(WARNED)
    for args in (["build", "-v"], ["--verbose", "build"]):
        run = nftsite(*args, "--root", str(site.root), "--now", NOW_ARG)
        assert run.returncode == 0, run.stderr
        assert re.search(r"^  chargement +[\d.]+ ms$", run.stderr, re.MULTILINE), run.stderr
        assert "Instant de référence pour « à venir » : 2026-11-23T12:00:00+01:00." in run.stderr
        assert "Site construit" in run.stderr or "Rien n'a changé" in run.stderr


# --- new: French kinds, drafts -----------------------------------------------------------------

KIND_FOLDERS = {
    "evenement": "events/2027",
    "événement": "events/2027",
    "Événement": "events/2027",
    unicodedata.normalize("NFD", "événement"): "events/2027",
    "event": "events/2027",
    "startup": "startups",
    "lieu": "places",
    "place": "places",
    "communique": "press",
    "communiqué": "press",
    "press": "press",
    "page": "pages",
}


@pytest.mark.parametrize("kind", KIND_FOLDERS, ids=ascii)
def test_new_accepts_french_and_english_kinds(make_site, kind):
    site = make_site()
    run = nftsite("new", kind, "Atelier", "--root", str(site.root), "--date", "2027-01-14")
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"content/{KIND_FOLDERS[kind]}/atelier.md\n"


def test_new_help_lists_the_kinds_in_french():
    text = " ".join(nftsite("new", "--help").stdout.split())  # argparse wraps the line
    for name in (
        "evenement (ou événement)",
        "startup",
        "lieu",
        "communique (ou communiqué)",
        "page",
    ):
        assert name in text
    assert "{event," not in text


def front_matter(path: Path) -> dict:
    """The front matter as PyYAML reads it (never nftsite)."""
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def test_new_entry_is_a_draft_named_by_every_summary_until_published(make_site):
    site = make_site()
    git_init(site.root)
    root = str(site.root)
    new = nftsite("new", "evenement", "Café numérique", "--root", root, "--date", "2027-01-14")
    assert new.returncode == 0, new.stderr
    relative = new.stdout.strip()
    path = site.root / relative
    text = path.read_text(encoding="utf-8")
    assert front_matter(path)["draft"] is True
    comment = text[: text.index("\ndraft: true\n")]
    assert "# Pour la publier, supprimez la ligne" in comment and "draft: false" in comment
    assert "« draft: true »" in new.stderr  # what the command says about it

    head = "1 brouillon non publié (pour publier, retirez la ligne « draft: true ») :"
    for command in ("check", "build", "build"):  # the second build changes nothing
        run = nftsite(command, "--root", root, "--now", NOW_ARG)
        assert run.returncode == 0, run.stderr
        assert f"{head}\n  {relative}\n" in run.stderr, run.stderr
    assert "Rien n'a changé" in run.stderr
    assert not (site.output / "agenda" / "cafe-numerique").exists()

    run = nftsite("build", "--drafts", "--root", root, "--now", NOW_ARG)
    assert f"1 brouillon inclus (--drafts) :\n  {relative}\n" in run.stderr

    path.write_text(text.replace("\ndraft: true\n", "\n"), encoding="utf-8")
    run = nftsite("build", "--root", root, "--now", NOW_ARG)
    assert run.returncode == 0, run.stderr
    assert "brouillon" not in run.stderr
    assert " 0 avertissement(s)" in run.stderr
    assert (site.output / "agenda" / "cafe-numerique" / "index.html").is_file()


def test_two_drafts_are_both_named(make_site):
    site = make_site(
        {
            "events/x.md": "---\ntitle: X\nstart: 2027-01-01\ndraft: true\n---\n",
            "pages/y.md": "---\ntitle: Y\ndraft: oui\n---\n",
            "pages/z.md": "---\ntitle: Z\ndraft: false\n---\n",
        }
    )
    run = nftsite("check", "--root", str(site.root), "--now", NOW_ARG)
    assert run.returncode == 0, run.stderr
    assert (
        "2 brouillons non publiés (pour publier, retirez la ligne « draft: true ») :\n"
        "  content/events/x.md\n  content/pages/y.md\n"
    ) in run.stderr


# --- serve ------------------------------------------------------------------------------------

SERVER_LOG_LINE = re.compile(r"^\[[DIWEC] \d{6} ", re.MULTILINE)
"""tornado's log format, `[I 261123 12:00:00 server:331] Serving on …`."""


@pytest.mark.parametrize("verbosity", [[], ["-v"]], ids=["normal", "verbose"])
def test_busy_port_is_said_first_and_nothing_claims_the_preview_is_up(make_site, verbosity):
    site = make_site()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = nftsite("serve", *verbosity, "--root", str(site.root), "--port", str(port))
    assert run.returncode == 2
    assert run.stderr.startswith(f"nftsite : le port {port} est déjà utilisé"), run.stderr
    assert "Aperçu" not in run.stderr and "Serving" not in run.stderr
    assert not SERVER_LOG_LINE.search(run.stderr)
    assert "Traceback" not in run.stderr


def start_preview(site: InlineSite, *args: str) -> tuple[subprocess.Popen, Path, str]:
    port = free_port()
    log = site.root / "serve.log"
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    with log.open("w", encoding="utf-8") as sink:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "nftsite", "serve", "--root", str(site.root)),
                *("--port", str(port), "--now", NOW_ARG, *args),
            ],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    return process, log, f"http://127.0.0.1:{port}"


@pytest.fixture
def preview_log(make_site) -> Iterator:
    """Start a preview with the given options; yields (site, base URL, read the log)."""
    processes = []

    def start(files: dict[str, str], *args: str):
        site = make_site(files)
        process, log, base = start_preview(site, *args)
        processes.append(process)
        wait_for(lambda: fetch(base + "/")[0] in (200, 500), timeout=30)
        return site, base, lambda: log.read_text(encoding="utf-8")

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def test_preview_with_a_content_error_prints_no_server_line_per_request(preview_log):
    _site, base, log = preview_log(BROKEN)
    for path in ("/", "/agenda/", "/nope/", "/agenda.ics", "/livereload.js"):
        fetch(base + path)
    assert fetch(base + "/")[0] == 500
    time.sleep(0.5)
    text = log()
    assert "Erreurs dans le contenu : la page d'erreur s'affiche" in text
    assert f"Aperçu sur {base}/" in text
    assert not SERVER_LOG_LINE.search(text), text
    for english in ("Serving on", "GET /", "500", "Start watching", "Browser"):
        assert english not in text, text
    assert text.index("Erreurs dans le contenu") < text.index("Aperçu sur")


def test_verbose_preview_shows_the_servers_own_lines_after_it_listens(preview_log):
    _site, base, log = preview_log({}, "-v")
    fetch(base + "/nope/")
    wait_for(lambda: "404 GET /nope/" in log())
    text = log()
    assert SERVER_LOG_LINE.search(text)
    assert text.index("Serving on") < text.index("Aperçu sur")


def test_quiet_preview_says_nothing_while_all_is_well(preview_log):
    site, base, log = preview_log({}, "-q")
    assert fetch(base + "/")[0] == 200
    site.write({"pages/p.md": "---\ntitle: P\n---\nTexte.\n"})
    wait_for(lambda: fetch(base + "/p/")[0] == 200)
    assert log() == ""


@pytest.fixture
def server_loggers() -> Iterator[None]:
    """tornado's and livereload's loggers put back as they were after the test."""
    saved = {
        name: (logger.handlers[:], logger.propagate, logger.level)
        for name in ("tornado", "livereload")
        for logger in [logging.getLogger(name)]
    }
    yield
    for name, (handlers, propagate, level) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers, logger.propagate = handlers, propagate
        logger.setLevel(level)


def test_without_verbose_an_uncaught_server_exception_is_reported_and_the_rest_dropped(
    server_loggers, capsys
):
    from nftsite.commands.preview_http import route_server_log

    defects: list[str] = []
    route_server_log(False, defects.append)
    logging.getLogger("tornado.access").warning("500 GET /")
    logging.getLogger("livereload").info("Serving on http://127.0.0.1:8000")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("tornado.application").exception("Uncaught exception GET /")
    assert len(defects) == 1
    assert "Uncaught exception GET /" in defects[0] and "RuntimeError: boom" in defects[0]
    assert capsys.readouterr() == ("", "")


# --- stages: one tuple for the pipeline, --timings and the progress bar -------------------------


def test_a_cold_build_runs_every_stage_in_order_and_timings_name_them(make_site):
    site = make_site(WARNED)
    run = nftsite("build", "--timings", "--no-cache", "--root", str(site.root), "--now", NOW_ARG)
    assert run.returncode == 0, run.stderr
    shown = re.findall(r"^  (\S.*?) +[\d.]+ ms$", run.stderr, re.MULTILINE)
    assert tuple(shown) == STAGES


def test_the_progress_bar_has_one_step_per_stage_and_fills_as_they_end():
    stream = io.StringIO()
    progress = Progress(stream)
    progress.started -= Progress.DELAY  # as if the build had been running for a second
    for stage in STAGES:
        progress(stage)
    bars = re.findall(r"\r  ([█·]+)  (.+?)…", stream.getvalue())
    assert [stage for _, stage in bars] == list(STAGES)
    assert [bar.count("█") for bar, _ in bars] == list(range(len(STAGES)))
    assert {len(bar) for bar, _ in bars} == {len(STAGES)}
