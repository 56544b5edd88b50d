"""Event identity for calendar clients (docs/guide-contenu.md): UID, DTSTAMP, SEQUENCE from git history.

Each test makes its own git repository in tmp_path, commits with chosen times, builds with
nftsite and reads /agenda.ics with icalendar (or as unfolded lines for byte-level checks).
"""

from __future__ import annotations

import difflib
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin

import icalendar
import pytest

from .conftest import InlineSite, snapshot
from .feeds_helpers import (
    BASE,
    Git,
    build,
    event_md,
    html_tree,
    parse_ics,
    unfolded_lines,
    vevent_blocks,
    vevent_spans,
)

ATELIER = event_md(
    "Atelier données ouvertes",
    "Un atelier pour ouvrir les données de la ville.",
    start="2026-12-10 18:00",
    end="20:00",
    city="caen",
)
FORUM = event_md(
    "Forum de l'emploi numérique",
    "Les recruteurs du numérique normand.",
    start="2027-01-14 09:00",
    end="17:00",
    city="rouen",
)
HACKATHON = event_md(
    "Hackathon portuaire",
    "Quarante-huit heures pour le port.",
    start="2027-02-04 09:00",
    end="2027-02-06 17:00",
    city="le-havre",
)
LATER = "2026-12-20T12:00:00+01:00"


@pytest.fixture
def repo(make_site) -> tuple[InlineSite, Git]:
    """A site with three events, committed once."""
    site = make_site(
        {"events/atelier.md": ATELIER, "events/forum.md": FORUM, "events/hackathon.md": HACKATHON}
    )
    git = Git(site.root)
    git.commit("Trois événements")
    return site, git


def agenda(site: InlineSite) -> icalendar.Calendar:
    return parse_ics(site.output / "agenda.ics")


def event_at(site: InlineSite, slug: str) -> icalendar.Event:
    """The one VEVENT of /agenda.ics whose URL is the page of `slug`."""
    url = f"{BASE}/agenda/{slug}/"
    found = [e for e in agenda(site).walk("VEVENT") if str(e.get("URL")) == url]
    assert len(found) == 1, (slug, [str(e.get("URL")) for e in agenda(site).walk("VEVENT")])
    return found[0]


def uid(site: InlineSite, slug: str) -> str:
    return str(event_at(site, slug)["UID"])


def sequence(site: InlineSite, slug: str) -> int:
    return int(event_at(site, slug).get("SEQUENCE", 0))


def edit(site: InlineSite, relative: str, old: str, new: str) -> None:
    path = site.root / "content" / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, text)
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- UID -------------------------------------------------------------------------------------------


def test_the_uid_is_the_same_in_two_builds(repo: tuple[InlineSite, Git]) -> None:
    site, _ = repo
    build(site)
    first = {slug: uid(site, slug) for slug in ("atelier", "forum", "hackathon")}
    build(site, "--now", LATER)
    assert {slug: uid(site, slug) for slug in first} == first
    assert len(set(first.values())) == 3


def test_the_uid_does_not_change_when_the_title_or_the_start_changes(
    repo: tuple[InlineSite, Git],
) -> None:
    site, git = repo
    build(site)
    before = uid(site, "atelier")
    edit(site, "events/atelier.md", "Atelier données ouvertes", "Atelier open data")
    git.commit("Nouveau titre")
    build(site)
    assert str(event_at(site, "atelier")["SUMMARY"]) == "Atelier open data"
    assert uid(site, "atelier") == before
    edit(site, "events/atelier.md", "2026-12-10 18:00", "2026-12-17 18:30")
    git.commit("Nouvelle date")
    build(site)
    assert uid(site, "atelier") == before


def test_an_explicit_uid_wins(make_site) -> None:
    site = make_site(
        {
            "events/atelier.md": ATELIER.replace(
                "city: caen", "city: caen\nuid: atelier-2026@nft.example"
            )
        }
    )
    Git(site.root).commit("Avec un uid")
    build(site)
    assert uid(site, "atelier") == "atelier-2026@nft.example"


@pytest.mark.parametrize(
    ("new_path", "new_slug", "edit_too"),
    [
        ("events/atelier-donnees-ouvertes.md", "atelier-donnees-ouvertes", False),
        ("events/2026/atelier-open-data.md", "atelier-open-data", True),
    ],
)
def test_a_renamed_file_keeps_its_uid_and_its_old_url_redirects(
    repo: tuple[InlineSite, Git], new_path: str, new_slug: str, edit_too: bool
) -> None:
    site, git = repo
    build(site)
    before = uid(site, "atelier")
    (site.root / "content" / new_path).parent.mkdir(parents=True, exist_ok=True)
    git("mv", "content/events/atelier.md", f"content/{new_path}")
    if edit_too:
        edit(site, new_path, "Un atelier pour ouvrir", "Un atelier pratique pour ouvrir")
    git.commit("Renommage")
    build(site)
    assert uid(site, new_slug) == before
    titles = [str(e["SUMMARY"]) for e in agenda(site).walk("VEVENT")]
    assert titles.count("Atelier données ouvertes") == 1, titles

    # Later commits to the renamed file keep following it.
    edit(site, new_path, "2026-12-10 18:00", "2026-12-11 18:00")
    git.commit("Changement de date après le renommage")
    build(site)
    assert uid(site, new_slug) == before

    new_url = f"{BASE}/agenda/{new_slug}/"
    assert (site.output / "agenda" / new_slug / "index.html").is_file()
    old_page = site.output / "agenda" / "atelier" / "index.html"
    assert old_page.is_file(), "the old URL must keep working"
    tree = html_tree(old_page)
    old_url = f"{BASE}/agenda/atelier/"
    refresh = [
        m.get("content", "")
        for m in tree.iter("meta")
        if (m.get("http-equiv") or "").lower() == "refresh"
    ]
    assert len(refresh) == 1, refresh
    target = refresh[0].split(";", 1)[1].strip()
    assert target.lower().startswith("url=")
    assert urljoin(old_url, target[4:].strip("'\" ")) == new_url, refresh
    canonical = [link.get("href") for link in tree.iter("link") if link.get("rel") == "canonical"]
    assert [urljoin(old_url, href) for href in canonical] == [new_url], canonical


def test_a_copied_file_gets_a_uid_of_its_own(repo: tuple[InlineSite, Git]) -> None:
    site, git = repo
    build(site)
    original = uid(site, "atelier")
    shutil.copyfile(
        site.root / "content" / "events" / "atelier.md",
        site.root / "content" / "events" / "atelier-bis.md",
    )
    git.commit("Copie", "content/events/atelier-bis.md")
    build(site)
    assert uid(site, "atelier") == original
    assert uid(site, "atelier-bis") != original


# --- DTSTAMP and LAST-MODIFIED --------------------------------------------------------------------


def stamps(site: InlineSite, slug: str) -> tuple[str, str]:
    data = (site.output / "agenda.ics").read_bytes()
    url = f"URL:{BASE}/agenda/{slug}/"
    (block,) = [b for b in vevent_blocks(unfolded_lines(data)) if url in b]
    dtstamp = [line for line in block if line.startswith("DTSTAMP")]
    modified = [line for line in block if line.startswith("LAST-MODIFIED")]
    assert len(dtstamp) == 1 and len(modified) == 1, block
    return dtstamp[0], modified[0]


def utc_line(name: str, moment: datetime) -> str:
    return f"{name}:{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def test_dtstamp_and_last_modified_are_the_utc_time_of_the_files_last_commit(
    repo: tuple[InlineSite, Git],
) -> None:
    site, git = repo
    edit(site, "events/forum.md", "Les recruteurs", "Les recruteuses et recruteurs")
    git.commit("Texte du forum")
    build(site)
    for slug in ("atelier", "forum", "hackathon"):
        changed = git.last_change(f"content/events/{slug}.md")
        assert stamps(site, slug) == (
            utc_line("DTSTAMP", changed),
            utc_line("LAST-MODIFIED", changed),
        ), slug
    assert git.last_change("content/events/forum.md") > git.last_change("content/events/atelier.md")
    first = stamps(site, "atelier")

    # Later: another file is committed, the clock moves on, and the site is built again.
    site.write(
        {"events/nouveau.md": event_md("Nouvel atelier", start="2027-03-01 18:00", city="caen")}
    )
    git.commit("Un autre événement")
    time.sleep(1.1)
    build(site, "--now", LATER)
    assert stamps(site, "atelier") == first


def test_icalendar_reads_dtstamp_and_last_modified_as_utc(repo: tuple[InlineSite, Git]) -> None:
    site, git = repo
    build(site)
    event = event_at(site, "atelier")
    changed = git.last_change("content/events/atelier.md")
    for name in ("DTSTAMP", "LAST-MODIFIED"):
        moment = event[name].dt
        assert moment.utcoffset() == timedelta(0), (name, moment)
        assert moment == changed, (name, moment, changed)


# --- SEQUENCE --------------------------------------------------------------------------------------


def test_sequence_grows_with_each_schedule_change_and_not_with_the_text(make_site) -> None:
    site = make_site({"events/atelier.md": ATELIER})
    git = Git(site.root)
    git.commit("Le site")  # site.yaml, templates
    site.write({"events/forum.md": FORUM})
    build(site)
    assert sequence(site, "forum") == 0, "a new, uncommitted event"
    git.commit("Nouvel événement")
    build(site)
    assert sequence(site, "forum") == 0, "a new event"

    edit(site, "events/forum.md", "2027-01-14 09:00", "2027-01-21 09:00")
    git.commit("Report d'une semaine")
    build(site)
    assert sequence(site, "forum") == 1, "the start changed"

    edit(site, "events/forum.md", "city: rouen", "city: rouen\nstatus: cancelled")
    git.commit("Annulation")
    build(site)
    assert sequence(site, "forum") == 2, "the status became cancelled"
    assert str(event_at(site, "forum")["STATUS"]) == "CANCELLED"

    edit(site, "events/forum.md", "Les recruteurs", "Tous les recruteurs")
    git.commit("Texte seulement")
    build(site)
    assert sequence(site, "forum") == 2, "only the body text changed"

    edit(site, "events/forum.md", "city: rouen", "city: caen")
    git.commit("Déménagement")
    build(site)
    assert sequence(site, "forum") == 3, "the place changed"
    assert sequence(site, "atelier") == 0, "another event is untouched"


# --- reproducibility -------------------------------------------------------------------------------


def feeds_of(output: Path) -> dict[str, bytes]:
    return {
        name: data for name, data in snapshot(output).items() if name.endswith((".ics", ".xml"))
    }


def test_two_builds_of_the_same_commit_give_byte_identical_calendars_and_feeds(
    repo: tuple[InlineSite, Git], tmp_path: Path
) -> None:
    site, _ = repo
    site.write(
        {
            "press/communique.md": "---\ntitle: Un communiqué\ndate: 2026-11-02\n---\nTexte.\n",
        }
    )
    repo[1].commit("Un communiqué")
    build(site)
    first = feeds_of(site.output)
    assert "agenda.ics" in first and "presse/atom.xml" in first and "agenda/rss.xml" in first
    time.sleep(1.1)  # anything taken from the clock would now differ
    build(site, "--output", str(tmp_path / "second"))
    assert feeds_of(tmp_path / "second") == first


def test_changing_one_start_changes_only_that_event_in_the_agenda(
    repo: tuple[InlineSite, Git],
) -> None:
    site, git = repo
    build(site)
    before = unfolded_lines((site.output / "agenda.ics").read_bytes())
    forum = uid(site, "forum")
    sequences = {slug: sequence(site, slug) for slug in ("atelier", "forum", "hackathon")}

    edit(site, "events/forum.md", "2027-01-14 09:00", "2027-01-14 10:00")
    git.commit("Le forum commence une heure plus tard")
    build(site)
    after = unfolded_lines((site.output / "agenda.ics").read_bytes())
    assert before != after

    old_span, new_span = vevent_spans(before)[forum], vevent_spans(after)[forum]
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        changed = f"{tag} {before[i1:i2]} -> {after[j1:j2]}"
        if i2 > i1:
            assert old_span.start < i1 and i2 - 1 < old_span.stop - 1, changed
        else:
            assert old_span.start < i1 <= old_span.stop - 1, changed
        if j2 > j1:
            assert new_span.start < j1 and j2 - 1 < new_span.stop - 1, changed
        else:
            assert new_span.start < j1 <= new_span.stop - 1, changed

    assert sequence(site, "forum") == sequences["forum"] + 1
    assert sequence(site, "atelier") == sequences["atelier"]
    assert sequence(site, "hackathon") == sequences["hackathon"]


# --- without git -----------------------------------------------------------------------------------


def test_outside_a_git_repository_the_build_succeeds_with_a_warning_about_git(
    make_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    site = make_site({"events/atelier.md": ATELIER})
    run = build(site)
    assert "git" in run.stderr.lower(), run.stderr
    event = event_at(site, "atelier")
    assert str(event["UID"]).strip()
    assert int(event.get("SEQUENCE", 0)) == 0
