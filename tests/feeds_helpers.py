"""Helpers for the feed tests: write events, build, and read the output with third-party parsers.

Output is judged with `icalendar`, `recurring_ical_events`, `feedparser` and `html5lib`,
never with nftsite's own code; nftsite is only called to build.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import html5lib
import icalendar
import recurring_ical_events
import yaml

from .conftest import MINIMAL_SITE_YAML, REPO, InlineSite, Run

BASE = "https://www.normandyfrenchtech.fr"
PARIS = ZoneInfo("Europe/Paris")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")

# --- writing content ---------------------------------------------------------------------------


def yaml_value(value: Any) -> str:
    """A front-matter value: lists as flow sequences, everything else as written."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return str(value)


def event_md(title: str, body: str = "Présentation de l'événement.", **fields: Any) -> str:
    """An event file; the title is a double-quoted YAML scalar (json.dumps), so any text is valid."""
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}"]
    lines += [f"{name}: {yaml_value(value)}" for name, value in fields.items() if value is not None]
    lines += ["---", body, ""]
    return "\n".join(lines)


PLACES = {
    "places/mri.md": """
        ---
        name: Maison de la recherche et de l'imagination
        kind: totem
        address: 17 rue Claude Bloch, 14000 Caen
        city: caen
        geo: {lat: 49.2138, lon: -0.3689}
        ---
        Le bâtiment totem caennais.
        """,
    "places/seine-innopolis.md": """
        ---
        name: Seine Innopolis
        kind: totem
        address: 72 rue de la République, 76140 Le Petit-Quevilly
        city: rouen
        geo: {lat: 49.425, lon: 1.062}
        ---
        Le bâtiment totem rouennais.
        """,
}


def new_site(
    root: Path, files: dict[str, str] | None = None, site_yaml: str = MINIMAL_SITE_YAML
) -> InlineSite:
    """Like conftest's `make_site`, at any folder (for module-scoped sites and hypothesis)."""
    (root / "content").mkdir(parents=True)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    site = InlineSite(root)
    site.write({"site.yaml": site_yaml, **(files or {})})
    return site


def build(site: InlineSite, *args: str) -> Run:
    run = site.run(*args)
    assert run.exit_code == 0, run.stderr
    assert "Traceback" not in run.stderr
    return run


# --- reading iCalendar -------------------------------------------------------------------------


def physical_lines(data: bytes) -> list[bytes]:
    """The raw lines of an .ics file, without their CRLF (the file must end with CRLF)."""
    assert data.endswith(b"\r\n"), "the file does not end with CRLF"
    return data[:-2].split(b"\r\n")


def unfolded_lines(data: bytes) -> list[str]:
    """Content lines after RFC 5545 unfolding (a CRLF followed by one space or tab)."""
    return re.sub(rb"\r\n[ \t]", b"", data).decode("utf-8").split("\r\n")[:-1]


def parse_ics(path: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


def as_typed(text: str) -> str:
    """A calendar's or feed's text with French typography taken back to what authors type
    (’ -> ', no-break spaces -> spaces), to find an entry by the title its file gives."""
    return text.replace("\u2019", "'").replace("\u202f", " ").replace("\u00a0", " ")


def by_summary(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    """VEVENTs by their SUMMARY as typed (see `as_typed`)."""
    events = calendar.walk("VEVENT")
    found = {as_typed(str(event["SUMMARY"])): event for event in events}
    assert len(found) == len(events), "two VEVENTs share a SUMMARY in this test calendar"
    return found


def summaries(path: Path) -> set[str]:
    return {as_typed(str(event["SUMMARY"])) for event in parse_ics(path).walk("VEVENT")}


def expand(calendar: icalendar.Calendar, start: date, end: date) -> list[icalendar.Event]:
    """Every occurrence between two dates, as a calendar client computes them."""
    return list(recurring_ical_events.of(calendar).between(start, end))


def as_utc(moment: datetime) -> datetime:
    assert moment.tzinfo is not None, f"floating time {moment!r}"
    return moment.astimezone(UTC)


def content_line(data: bytes, uid_or_summary: str, name: str) -> list[str]:
    """The unfolded `name` lines of the VEVENT whose UID or SUMMARY line contains the text."""
    found = []
    for block in vevent_blocks(unfolded_lines(data)):
        if any(
            line.startswith(("UID:", "SUMMARY:")) and uid_or_summary in as_typed(line)
            for line in block
        ):
            found += [line for line in block if re.match(rf"{name}[;:]", line)]
    return found


def vevent_blocks(lines: list[str]) -> list[list[str]]:
    blocks, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = []
        elif line == "END:VEVENT":
            assert current is not None
            blocks.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def vevent_spans(lines: list[str]) -> dict[str, range]:
    """{UID: range of line indexes from BEGIN:VEVENT to END:VEVENT inclusive}."""
    spans, begin, uid = {}, None, None
    for index, line in enumerate(lines):
        if line == "BEGIN:VEVENT":
            begin, uid = index, None
        elif line.startswith("UID:") and begin is not None:
            uid = line[4:]
        elif line == "END:VEVENT":
            assert begin is not None and uid is not None
            spans[uid] = range(begin, index + 1)
            begin = None
    return spans


def output_files(output: Path, suffix: str) -> list[Path]:
    return sorted(p for p in output.rglob(f"*{suffix}") if p.is_file())


# --- reading HTML ------------------------------------------------------------------------------


def html_tree(path: Path) -> ET.Element:
    return html5lib.parse(path.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)


def text_of(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def parents(tree: ET.Element) -> dict[ET.Element, ET.Element]:
    return {child: parent for parent in tree.iter() for child in parent}


def query(url: str) -> dict[str, str]:
    """The query parameters of a link, decoded (one value each)."""
    values = parse_qs(urlsplit(url).query, keep_blank_values=True)
    return {name: items[0] for name, items in values.items()}


def page_file(output: Path, url: str) -> Path:
    """The file serving a site-relative or absolute URL of ours."""
    path = urlsplit(url).path
    if urlsplit(url).netloc:
        assert url.startswith(BASE + "/"), url
    relative = path.lstrip("/")
    return output / (
        relative + "index.html" if relative == "" or relative.endswith("/") else relative
    )


# --- git ---------------------------------------------------------------------------------------

GIT_IDENTITY = (
    "-c",
    "user.name=Équipe com",
    "-c",
    "user.email=com@example.org",
    "-c",
    "commit.gpgsign=false",
)


class Git:
    """A git repository at a site's root, with commit times the test chooses."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.clock = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self("init", "-q")
        (root / ".gitignore").write_text("output/\n", encoding="utf-8")

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> str:
        completed = subprocess.run(
            ["git", *GIT_IDENTITY, *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        return completed.stdout

    def commit(self, message: str, *paths: str) -> datetime:
        """Stage `paths` (everything if none) and commit one hour after the previous commit."""
        self("add", "-A", *(paths or ["."]))
        self.clock += timedelta(hours=1)
        stamp = self.clock.isoformat()
        self(
            "commit",
            "-q",
            "-m",
            message,
            env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
        )
        return self.clock

    def last_change(self, path: str) -> datetime:
        """`git log -1 --format=%ct -- path`, as an aware UTC datetime."""
        seconds = self("log", "-1", "--format=%ct", "--", path).strip()
        return datetime.fromtimestamp(int(seconds), UTC)


# --- the sample site's own content ------------------------------------------------------------


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    assert lines[0].strip() == "---", path
    closing = next(i for i in range(1, len(lines)) if lines[i].rstrip() == "---")
    data = yaml.safe_load("\n".join(lines[1:closing]))
    assert isinstance(data, dict), path
    return data


def content_entries(folder: str) -> Iterable[tuple[str, dict[str, Any]]]:
    """(slug, front matter) of every published file of the repository's content/<folder>/."""
    for path in sorted((REPO / "content" / folder).rglob("*.md")):
        fields = front_matter(path)
        if not fields.get("draft"):
            yield path.stem, fields
