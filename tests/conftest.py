"""Shared fixtures: tiny sites written inline in a test's own body, and the sample site built once."""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
import os
import re
import shutil
import sys
import textwrap
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from nftsite.commands.cli import main

REPO = Path(__file__).resolve().parent.parent


def load_bench_script(name: str) -> ModuleType:
    """bench/<name>.py imported as `bench_<name>` (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=PARIS)
NOW_ARG = "2026-11-23T12:00:00+01:00"

MINIMAL_SITE_YAML = """\
title: Normandy French Tech
tagline: Le numérique normand
description: Site de test
base_url: https://www.normandyfrenchtech.fr
language: fr
timezone: Europe/Paris
contact: contact@normandyfrenchtech.fr
cities:
  caen: Caen
  rouen: Rouen
  le-havre: Le Havre
themes:
  smart-city: {name: Smart City, city: caen, summary: La ville intelligente.}
  smart-industry: {name: Smart Industry, city: rouen}
  smart-port: Smart Port
navigation:
  - {label: Agenda, url: /agenda/}
  - {label: Startups, url: /startups/}
"""


@dataclass(frozen=True)
class Run:
    exit_code: int
    stderr: str


@dataclass
class InlineSite:
    """A project folder holding a site written by the test, with the real templates."""

    root: Path

    @property
    def output(self) -> Path:
        return self.root / "output"

    def write(self, files: dict[str, str]) -> None:
        """Write `content/`-relative files; text is dedented so tests can indent it."""
        for relative, text in files.items():
            path = self.root / "content" / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")

    def remove(self, relative: str) -> None:
        (self.root / "content" / relative).unlink()

    def run(self, *args: str, command: str = "build") -> Run:
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            code = main([command, "--root", str(self.root), "--now", NOW_ARG, *args])
        return Run(code, stderr.getvalue())

    def snapshot(self) -> dict[str, bytes]:
        """Every file of output/ with its bytes, to prove a failed build changed nothing."""
        return snapshot(self.output)


def snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


ONLY_BUILT = ("pagefind/", ".nftsite-output")
"""What a build writes and the live preview does not: the search index and the folder's
marker (`output/folder.py`)."""


def preview_files(folder: Path) -> dict[str, bytes]:
    """`snapshot` of a preview folder, or of a build's without what only a build writes."""
    return {
        path: data for path, data in snapshot(folder).items() if not path.startswith(ONLY_BUILT)
    }


@pytest.fixture
def make_site(tmp_path: Path):
    """`make_site({"events/x.md": "..."})` -> an InlineSite with a valid site.yaml by default."""

    def make(files: dict[str, str] | None = None, site_yaml: str = MINIMAL_SITE_YAML) -> InlineSite:
        root = tmp_path / "project"
        (root / "content").mkdir(parents=True)
        shutil.copytree(REPO / "templates", root / "templates")
        shutil.copytree(REPO / "static", root / "static")
        site = InlineSite(root)
        site.write({"site.yaml": site_yaml, **(files or {})})
        return site

    return make


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own content, built once per test session with a fixed `now`."""
    output = tmp_path_factory.mktemp("sample") / "output"
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = main(["build", "--root", str(REPO), "--output", str(output), "--now", NOW_ARG])
    assert code == 0, stderr.getvalue()
    return output


# --- The sample content as its authors wrote it, read with PyYAML (never with nftsite) ------

ENTRY_URLS = {
    "events": "/agenda/{}/",
    "startups": "/startups/{}/",
    "places": "/lieux/{}/",
    "press": "/presse/{}/",
    "pages": "/{}/",
}
"""The URL contract (nftsite/core/urls.py, docs/guide-contenu.md): where each content folder's entries are published, by file name."""

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)


@dataclass(frozen=True)
class ContentEntry:
    """One file of content/, as the tests expect to see it published."""

    folder: str
    slug: str
    fields: dict[str, Any]
    """The front matter with every scalar kept as text (YAML's BaseLoader decides no type)."""

    @property
    def url(self) -> str:
        return ENTRY_URLS[self.folder].format(self.slug)

    @property
    def is_draft(self) -> bool:
        return self.fields.get("draft") == "true"


def read_entries(content: Path) -> list[ContentEntry]:
    """Every entry file under `content`, in a stable order; the slug is the file name."""
    entries = []
    for folder in ENTRY_URLS:
        for path in sorted((content / folder).rglob("*.md")):
            if any(part.startswith(".") for part in path.relative_to(content).parts):
                continue
            match = FRONT_MATTER.match(path.read_text(encoding="utf-8-sig"))
            assert match, f"{path}: no front matter between --- lines"
            fields = yaml.load(match[1], Loader=yaml.BaseLoader) or {}
            entries.append(ContentEntry(folder, path.stem, fields))
    return entries


@pytest.fixture(scope="session")
def sample_entries() -> list[ContentEntry]:
    """The entries of the repository's own content/."""
    return read_entries(REPO / "content")


@pytest.fixture(scope="session")
def sample_site_yaml() -> dict[str, Any]:
    """content/site.yaml, every scalar as text."""
    text = (REPO / "content" / "site.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=yaml.BaseLoader)


GIT_ENV = {
    "GIT_AUTHOR_NAME": "Équipe com",
    "GIT_AUTHOR_EMAIL": "com@example.org",
    "GIT_COMMITTER_NAME": "Équipe com",
    "GIT_COMMITTER_EMAIL": "com@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
"""A git that commits as the comms team, whatever the machine's own configuration says."""


# --- The sample site served over HTTP, for browser tests ------------------------------------


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log on the test output."""


@contextlib.contextmanager
def served(folder: Path, handler_class: type[QuietHandler] = QuietHandler) -> Iterator[str]:
    """`folder` served on 127.0.0.1 at a free port while the block runs: its base URL."""
    handler = functools.partial(handler_class, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def site_url(sample_output: Path) -> Iterator[str]:
    """The sample output served on 127.0.0.1 at a free port, for this module's tests."""
    with served(sample_output) as url:
        yield url


@pytest.fixture(scope="session")
def upcoming_events(sample_entries: list[ContentEntry]) -> list[ContentEntry]:
    """Published events starting after `now`, per their front matter, soonest first."""
    events = [
        entry
        for entry in sample_entries
        if entry.folder == "events"
        and not entry.is_draft
        and date.fromisoformat(entry.fields["start"][:10]) > NOW.date()
    ]
    events.sort(key=lambda entry: (entry.fields["start"], entry.slug))
    assert events, f"the sample content has no event after {NOW:%Y-%m-%d} to show"
    return events
