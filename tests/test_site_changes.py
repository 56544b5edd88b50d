"""The pull request's "what changes" summary: exactly the URLs whose bytes differ between the
base and the head, no more, under French headings.

The oracle is GNU diff (`diff -rq`) on the two built trees; the summary's URLs are mapped
back to files with the site's own URL contract (`urls.output_path`), not with the code
under test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

from nftsite.commands import sitediff
from nftsite.core.urls import output_path

from .conftest import GIT_ENV, NOW_ARG, REPO

HEADINGS = {
    ("page", "added"): "Pages ajoutées",
    ("page", "modified"): "Pages modifiées",
    ("page", "removed"): "Pages supprimées",
    ("feed", "added"): "Agendas et flux ajoutés",
    ("feed", "modified"): "Agendas et flux modifiés",
    ("feed", "removed"): "Agendas et flux supprimés",
    ("other", "added"): "Autres fichiers ajoutés",
    ("other", "modified"): "Autres fichiers modifiés",
    ("other", "removed"): "Autres fichiers supprimés",
}
EDITED_EVENT = "content/events/2027/rencontre-startups-cotentin.md"
NEW_STARTUP = "content/startups/nouvelle-pousse.md"
REMOVED_PRESS = "content/press/agenda-numerique-2027.md"
NEW_STARTUP_TEXT = """\
---
name: Nouvelle Pousse
city: caen
themes: [smart-city]
summary: Une jeune entreprise caennaise qui rend les données de la ville lisibles par tous.
---
Nouvelle Pousse publie les données ouvertes de la ville sous forme de cartes simples.
"""


def make_the_three_changes(root: Path) -> None:
    """What the pull request does: one event's end moved, one startup added, one press
    release removed (one that nothing links to)."""
    event = root / EDITED_EVENT
    text = event.read_text(encoding="utf-8")
    assert "end: 2027-03-18 21:00\n" in text, "the sample event changed: update this test"
    event.write_text(text.replace("end: 2027-03-18 21:00", "end: 2027-03-18 22:00"), "utf-8")
    assert not (root / NEW_STARTUP).exists()
    (root / NEW_STARTUP).write_text(NEW_STARTUP_TEXT, encoding="utf-8")
    (root / REMOVED_PRESS).unlink()


def git(root: Path, *args: str, date: str = "2026-11-20T10:00:00+01:00") -> str:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    done = subprocess.run(
        ["git", "-C", str(root), *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def nftsite(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nftsite", *args, "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )


def build(root: Path, output: Path) -> None:
    done = nftsite(root, "build", "--now", NOW_ARG, "--output", str(output))
    assert done.returncode == 0, done.stderr


def sample_project(root: Path) -> None:
    """The repository's real site in a git repository of its own, committed once."""
    for folder in ("content", "templates", "static"):
        shutil.copytree(REPO / folder, root / folder)
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "Le site tel qu'il est")


def diff_rq(base: Path, head: Path) -> dict[str, set[str]]:
    """GNU diff's view: published files added, modified, removed (hidden files aside)."""
    done = subprocess.run(
        ["diff", "-rq", str(base), str(head)], capture_output=True, text=True, check=False
    )
    assert done.returncode in (0, 1), done.stderr
    found: dict[str, set[str]] = {"added": set(), "modified": set(), "removed": set()}
    for line in done.stdout.splitlines():
        if differ := re.fullmatch(rf"Files {re.escape(str(base))}/(.+) and .+ differ", line):
            found["modified"].add(differ[1])
            continue
        only = re.fullmatch(r"Only in (.+?): (.+)", line)
        assert only, line
        folder, name = Path(only[1]), only[2]
        side = "removed" if folder.is_relative_to(base) else "added"
        top = base if side == "removed" else head
        entry = folder / name
        files = [entry] if entry.is_file() else [p for p in entry.rglob("*") if p.is_file()]
        found[side] |= {p.relative_to(top).as_posix() for p in files}
    return {
        side: {p for p in paths if not any(part.startswith(".") for part in p.split("/"))}
        for side, paths in found.items()
    }


def listed(summary: str) -> dict[tuple[str, str], list[str]]:
    """The URLs under each `### heading (N)` of the summary; the count must match."""
    sections: dict[tuple[str, str], list[str]] = {}
    by_heading = {heading: key for key, heading in HEADINGS.items()}
    current: tuple[str, str] | None = None
    for line in summary.splitlines():
        if heading := re.fullmatch(r"### (.+) \((\d+)\)", line):
            assert heading[1] in by_heading, line
            current = by_heading[heading[1]]
            sections[current] = []
            expected_count = int(heading[2])
            continue
        if line.startswith("#"):
            current = None
        elif current is not None and (item := re.fullmatch(r"- `(/[^`]*)`", line)):
            sections[current].append(item[1])
            assert len(sections[current]) <= expected_count
    return sections


def summarize(problems: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "nftsite.commands.sitediff", "--problems", str(problems), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def edited_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """Base and head builds of the real site where a pull request edits one event, adds one
    startup and removes one press release; and the summary written for them."""
    work = tmp_path_factory.mktemp("edited")
    root = work / "project"
    sample_project(root)
    build(root, work / "base")
    make_the_three_changes(root)
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "Trois changements", date="2026-11-21T10:00:00+01:00")
    build(root, work / "head")
    problems = work / "problems.json"
    checked = nftsite(root, "check", "--now", NOW_ARG, "--format", "json")
    assert checked.returncode == 0, checked.stderr
    problems.write_text(checked.stdout, encoding="utf-8")
    text = summarize(problems, "--base", str(work / "base"), "--head", str(work / "head"))
    return work / "base", work / "head", text


def test_summary_lists_exactly_the_urls_whose_files_differ(
    edited_site: tuple[Path, Path, str],
) -> None:
    base, head, summary = edited_site
    truth = diff_rq(base, head)
    sections = listed(summary)
    for change in ("added", "modified", "removed"):
        urls = [url for (_, side), found in sections.items() if side == change for url in found]
        assert len(urls) == len(set(urls)), f"{change}: a URL listed twice"
        files = {output_path(unquote(url)) for url in urls}
        assert files == truth[change], change


def test_summary_names_the_pages_and_feeds_of_the_three_changes(
    edited_site: tuple[Path, Path, str],
) -> None:
    _, _, summary = edited_site
    sections = listed(summary)
    pages_added = sections.get(("page", "added"), [])
    pages_modified = sections.get(("page", "modified"), [])
    pages_removed = sections.get(("page", "removed"), [])
    feeds_modified = sections.get(("feed", "modified"), [])
    assert pages_added == ["/startups/nouvelle-pousse/"]
    assert pages_removed == ["/presse/agenda-numerique-2027/"]
    # The edited event's page and its calendars, the press list and its feeds.
    assert "/agenda/rencontre-startups-cotentin/" in pages_modified
    assert "/presse/" in pages_modified
    assert "/startups/" in pages_modified
    for feed in (
        "/agenda/rencontre-startups-cotentin/rencontre-startups-cotentin.ics",
        "/agenda.ics",
        "/presse/rss.xml",
        "/presse/atom.xml",
    ):
        assert feed in feeds_modified, feed
    # Untouched entries stay out: another event, another startup, another press release.
    everything = [url for urls in sections.values() for url in urls]
    for unrelated in (
        "/agenda/bilan-annuel-2027/",
        "/startups/soget/",
        "/presse/delegation-ces-2016/",
    ):
        assert unrelated not in everything, unrelated
    assert ("feed", "added") not in sections and ("feed", "removed") not in sections
    assert not any(url.endswith(".md") or "content/" in url for url in everything)


def test_summary_is_french_markdown_with_the_problems_first(
    edited_site: tuple[Path, Path, str],
) -> None:
    _, _, summary = edited_site
    assert summary.index("## Vérification du contenu") < summary.index(
        "## Ce qui change sur le site"
    )
    assert "✅ Aucun problème." in summary
    assert "« apercu-du-site »" in summary


def test_two_builds_of_the_same_commit_change_nothing(tmp_path: Path) -> None:
    """The premise of the comparison: same content and same --now give the same bytes."""
    root = tmp_path / "project"
    sample_project(root)
    build(root, tmp_path / "first")
    build(root, tmp_path / "second")
    problems = tmp_path / "problems.json"
    problems.write_text("[]", encoding="utf-8")
    summary = summarize(
        problems, "--base", str(tmp_path / "first"), "--head", str(tmp_path / "second")
    )
    assert diff_rq(tmp_path / "first", tmp_path / "second") == {
        "added": set(),
        "modified": set(),
        "removed": set(),
    }
    assert "Aucune page ni aucun flux ne change." in summary
    assert "###" not in summary


def test_problems_are_listed_by_file_and_line_when_the_site_cannot_be_built(
    tmp_path: Path,
) -> None:
    root = tmp_path / "project"
    sample_project(root)
    event = root / EDITED_EVENT
    lines = event.read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(i for i, text in enumerate(lines, 1) if text.startswith("start:"))
    lines[line - 1] = "start: 2027-02-30 18:00\n"
    event.write_text("".join(lines), encoding="utf-8")
    checked = nftsite(root, "check", "--now", NOW_ARG, "--format", "json")
    assert checked.returncode == 1
    problems = tmp_path / "problems.json"
    problems.write_text(checked.stdout, encoding="utf-8")
    summary = summarize(problems)
    row = next(r for r in summary.splitlines() if EDITED_EVENT in r)
    assert row.startswith("| erreur | ") and f"| {line} | 8 |" in row
    assert "❌ 1 erreur, 0 avertissement." in summary
    assert "Le site n'a pas été construit : corrigez d'abord les erreurs." in summary
    assert "apercu-du-site" not in summary


def test_a_base_that_cannot_be_built_is_said_not_guessed(tmp_path: Path) -> None:
    head = tmp_path / "head"
    (head / "agenda").mkdir(parents=True)
    (head / "agenda" / "index.html").write_text("<p>agenda</p>", encoding="utf-8")
    problems = tmp_path / "problems.json"
    problems.write_text("[]", encoding="utf-8")
    summary = summarize(problems, "--head", str(head), "--base-label", "commit abc")
    assert "La version de base (commit abc) n'a pas pu être construite" in summary
    assert "###" not in summary


def test_messages_cannot_break_the_table_nor_inject_html(tmp_path: Path) -> None:
    problems = tmp_path / "problems.json"
    message = "titre | <script>alert(1)</script>\nsuite"
    problems.write_text(
        json.dumps(
            [{"path": "content/a.md", "line": 3, "severity": "warning", "message": message}]
        ),
        encoding="utf-8",
    )
    row = next(r for r in summarize(problems).splitlines() if "content/a.md" in r)
    assert "<script>" not in row and "&lt;script&gt;" in row
    cells = re.split(r"(?<!\\)\|", row)[1:-1]
    assert len(cells) == 5, cells  # the message's bar is escaped, not a sixth column
    assert cells[4].strip().startswith("titre \\| ")


def test_long_lists_are_folded_and_copied_files_are_not_pages(tmp_path: Path) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    for number in range(sitediff.LONG_LIST + 1):
        page = head / "startups" / f"s{number:02}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text("x", encoding="utf-8")
    (head / "media").mkdir()
    (head / "media" / "flux.xml").write_text("<x/>", encoding="utf-8")
    (head / "sitemap.xml").write_text("<x/>", encoding="utf-8")
    (head / ".nftsite-output").write_text("", encoding="utf-8")
    base.mkdir()
    problems = tmp_path / "problems.json"
    problems.write_text("[]", encoding="utf-8")
    summary = summarize(problems, "--base", str(base), "--head", str(head))
    sections = listed(summary)
    assert len(sections[("page", "added")]) == sitediff.LONG_LIST + 1
    assert "<details><summary>Voir la liste</summary>" in summary
    assert sections[("other", "added")] == ["/media/flux.xml", "/sitemap.xml"]
    assert ("feed", "added") not in sections
    assert ".nftsite-output" not in summary


def test_an_unreadable_problems_file_is_a_command_mistake(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "nftsite.commands.sitediff",
            "--problems",
            str(tmp_path / "absent.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "problèmes illisibles" in done.stderr
    assert "Traceback" not in done.stderr
