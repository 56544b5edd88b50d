"""`nftsite import` (docs/guide-contenu.md, « Importer les agendas partenaires »): partners'
agendas written as event files, offline, from feeds recorded in tests/fixtures/partners/.

The fixtures were written by hand to each producer's documented format: a Meetup-style feed
(UTC times, one event without DTEND, a cancelled one), a Google Calendar export (a weekly
series with an EXDATE and a RECURRENCE-ID override, an all-day event, a floating time, HTML in
DESCRIPTION), an Outlook export (the Windows zone "Romance Standard Time") and an OpenAgenda v2
events response in two pages joined by its `after` cursor, with a detailed event carrying the
contributor's `member` block. Files are read with PyYAML, feeds with icalendar and
recurring_ical_events: never with the importer's own code.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import urllib.request
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import icalendar
import pytest
import recurring_ical_events
import yaml

from nftsite.commands.cli import main

from .conftest import REPO
from .feeds_helpers import Git
from .test_layers import PACKAGE, imports_of, part_of

FIXTURES = REPO / "tests" / "fixtures" / "partners"
NOW = "2027-01-10T12:00:00+01:00"
SOURCES = """\
- name: caen-python-meetup
  kind: ics
  file: partners/meetup.ics
  licence: Conditions d'utilisation de Meetup
  attribution: Caen Python Meetup
  city: caen
- name: seine-innopolis
  kind: ics
  file: partners/google.ics
  licence: Licence Ouverte 2.0
  attribution: Seine Innopolis
  city: rouen
  themes: [smart-industry]
  places:
    "Seine Innopolis": seine-innopolis
- name: mri
  kind: ics
  file: partners/outlook.ics
  licence: Licence Ouverte 2.0
  attribution: Maison de la Recherche et de l'Innovation
  city: caen
  places:
    "MRI Caen": mri-caen
- name: region-normandie
  kind: openagenda
  file: partners/openagenda
  licence: Licence Ouverte 2.0
  attribution: Agenda de la Région Normandie
  city: caen
"""
OUTLOOK_UIDS = [
    str(event["UID"])
    for event in icalendar.Calendar.from_ical((FIXTURES / "outlook.ics").read_bytes()).walk(
        "VEVENT"
    )
]
"""Exchange's long UIDs, folded over two lines in the feed."""
SOURCE_NAMES = ("caen-python-meetup", "seine-innopolis", "mri", "region-normandie")

PERSONAL = (
    "Jeanne Martin",
    "jeanne.martin@exemple.fr",
    "06 12 34 56 78",
    "Paul Durand",
    "paul.durand@exemple.fr",
    "Marie Dupont",
    "marie.dupont@mri-exemple.fr",
    "02 31 45 67 89",
    "Sophie Lefèvre",
    "sophie.lefevre@exemple.fr",
    "06 98 76 54 32",
    "inscriptions@cantine-exemple.fr",
    "+33 2 31 00 11 22",
    "9876543",
    "cdn.openagenda.com",
)
"""Contributors' names, e-mails and phones, and hot-linked images, as the fixtures hold them."""


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a test reached for the network")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The repository's sample site, with the recorded feeds and their sources.yaml."""
    root = tmp_path / "project"
    for folder in ("content", "templates", "static"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copytree(FIXTURES, root / "partners")
    (root / "content" / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    return root


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def import_(root: Path, *names: str, now: str = NOW) -> str:
    code, out, err = run("import", "--root", str(root), "--now", now, *names)
    assert code == 0, out + err
    assert "Traceback" not in out + err
    return out


def imported(root: Path) -> dict[str, bytes]:
    """Every file under the sources' folders, by path relative to content/events/."""
    events = root / "content" / "events"
    return {
        path.relative_to(events).as_posix(): path.read_bytes()
        for name in SOURCE_NAMES
        for path in sorted((events / name).rglob("*"))
        if path.is_file()
    }


def fields(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    assert match, path
    data = yaml.safe_load(match[1])
    assert isinstance(data, dict)
    return data


def file_of(root: Path, source_uid: str) -> Path:
    found = [
        root / "content" / "events" / relative
        for relative in imported(root)
        if fields(root / "content" / "events" / relative)["source"]["uid"] == source_uid
    ]
    assert len(found) == 1, (source_uid, found)
    return found[0]


def edit_feed(root: Path, name: str, old: str, new: str) -> None:
    path = root / "partners" / name
    data = path.read_text(encoding="utf-8")
    assert data.count(old) == 1, old
    path.write_text(data.replace(old, new), encoding="utf-8", newline="")


def without_vevent(root: Path, name: str, uid: str) -> None:
    path = root / "partners" / name
    data = path.read_bytes().decode()
    blocks = re.findall(r"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", data, re.DOTALL)
    gone = [block for block in blocks if f"UID:{uid}\r\n" in block]
    assert len(gone) == 1
    path.write_bytes(data.replace(gone[0], "").encode())


# --- importing -------------------------------------------------------------------------------


def test_the_recorded_feeds_import_offline_one_file_per_source_event(project: Path) -> None:
    report = import_(project)
    files = imported(project)
    by_source: dict[str, set[str]] = {}
    for relative in files:
        data = fields(project / "content" / "events" / relative)
        folder = relative.split("/")[0]
        assert data["source"]["name"] == folder
        assert data["source"]["licence"]
        by_source.setdefault(folder, set()).add(str(data["source"]["uid"]))
    assert by_source == {
        # the cancelled Meetup event is not imported at all
        "caen-python-meetup": {"event_301234567@meetup.com", "event_301234999@meetup.com"},
        # the series, its moved occurrence (its own file), an all-day and a floating event
        "seine-innopolis": {
            "3k9v0q2b1c8d7e6f5g4h3i2j1k@google.com",
            "3k9v0q2b1c8d7e6f5g4h3i2j1k@google.com#20270304T173000Z",
            "0a1b2c3d4e5f6g7h8i9j@google.com",
            "9z8y7x6w5v4u@google.com",
        },
        "mri": set(OUTLOOK_UIDS),
        # both pages read; two timings make two files; the `removed` event none
        "region-normandie": {
            "41234567",
            "41234999",
            "41235100#20270210T130000Z",
            "41235100#20270217T130000Z",
        },
    }
    assert "Import des agendas partenaires : 12 nouveaux, 0 modifiés, 0 annulés" in report
    uids = [fields(project / "content" / "events" / r)["uid"] for r in files]
    assert len(set(uids)) == len(uids)


def test_the_mapping_of_each_producer_s_quirks(project: Path) -> None:
    import_(project)
    outlook = fields(file_of(project, OUTLOOK_UIDS[0]))
    # "Romance Standard Time" is Paris: the wall clock is kept, no zone needs naming
    assert (outlook["start"], outlook["end"], outlook.get("timezone")) == (
        "2027-04-15 14:00",
        "2027-04-15 17:00",
        None,
    )
    assert outlook["place"] == "mri-caen"
    meetup = fields(file_of(project, "event_301234999@meetup.com"))
    assert meetup["start"] == "2027-03-11 18:30"  # 17:30Z on the site's clock
    assert "end" not in meetup
    series = fields(file_of(project, "3k9v0q2b1c8d7e6f5g4h3i2j1k@google.com"))
    assert series["recurrence"].startswith("FREQ=WEEKLY")
    # the source's EXDATE, and the moved occurrence's original date
    assert series["exdates"] == ["2027-02-18 18:30", "2027-03-04 18:30"]
    salon = fields(file_of(project, "0a1b2c3d4e5f6g7h8i9j@google.com"))
    assert (salon["start"], salon["end"]) == (date(2027, 3, 16), date(2027, 3, 17))  # inclusive
    body = file_of(project, "3k9v0q2b1c8d7e6f5g4h3i2j1k@google.com").read_text(encoding="utf-8")
    assert "[sur notre site](https://www.seine-innopolis-exemple.fr/cafe)" in body
    assert "**Café numérique**" in body
    for text in (
        p.read_text(encoding="utf-8") for p in (project / "content" / "events").rglob("*.md")
    ):
        assert "<script" not in text and "alert(1)" not in text and "<b>" not in text


def test_importing_twice_changes_no_byte(project: Path) -> None:
    import_(project)
    first = imported(project)
    report = import_(project)
    assert imported(project) == first
    assert "0 nouveaux, 0 modifiés, 0 annulés" in report
    assert "12 fiche(s) inchangée(s)" in report


def test_no_personal_field_reaches_a_file(project: Path) -> None:
    recorded = "".join(
        re.sub(r"\r\n[ \t]", "", path.read_bytes().decode("utf-8"))
        for path in sorted(FIXTURES.rglob("*"))
        if path.is_file()
    )
    for value in PERSONAL:  # each is in the fixtures, so the check below can fail
        assert value in recorded, value
    import_(project)
    written = "\n".join(data.decode("utf-8") for data in imported(project).values())
    assert written
    found = [value for value in PERSONAL if value in written]
    assert found == []
    assert "member" not in written and "image" not in written


# --- changes at the source --------------------------------------------------------------------


def event_ics(output: Path, slug: str) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical((output / "agenda" / slug / f"{slug}.ics").read_bytes())
    (event,) = calendar.walk("VEVENT")
    return event


def build(root: Path, output: Path) -> None:
    code, _out, err = run("build", "--root", str(root), "--output", str(output), "--now", NOW)
    assert code == 0, err


def test_a_changed_time_updates_one_file_keeps_its_uid_and_raises_sequence(
    project: Path, tmp_path: Path
) -> None:
    git = Git(project)
    import_(project)
    git.commit("Import")
    build(project, tmp_path / "before")
    path = file_of(project, "event_301234999@meetup.com")
    before = event_ics(tmp_path / "before", path.stem)
    files = imported(project)

    edit_feed(project, "meetup.ics", "DTSTART:20270311T173000Z", "DTSTART:20270311T180000Z")
    edit_feed(project, "meetup.ics", "SUMMARY:Apéro Python de mars", "SUMMARY:Apéro Python")
    report = import_(project)
    assert "0 nouveaux, 1 modifiés, 0 annulés" in report
    assert fields(path)["title"] == "Apéro Python"  # same file, new title, same uid
    changed = {name for name, data in imported(project).items() if files[name] != data}
    assert changed == {path.relative_to(project / "content" / "events").as_posix()}
    git.commit("Import : nouvel horaire")
    build(project, tmp_path / "after")
    after = event_ics(tmp_path / "after", path.stem)

    assert str(after["UID"]) == str(before["UID"]) == fields(path)["uid"]
    assert after.decoded("DTSTART").astimezone(UTC) == datetime(2027, 3, 11, 18, 0, tzinfo=UTC)
    assert int(after.get("SEQUENCE", 0)) > int(before.get("SEQUENCE", 0))


def test_an_upcoming_event_gone_from_its_source_is_cancelled_never_deleted(project: Path) -> None:
    import_(project)
    path = file_of(project, "event_301234999@meetup.com")
    without_vevent(project, "meetup.ics", "event_301234999@meetup.com")
    report = import_(project)
    assert "0 nouveaux, 0 modifiés, 1 annulés" in report
    assert fields(path)["status"] == "cancelled"
    assert path.relative_to(project).as_posix() in report
    # OpenAgenda says so with `removed`
    opendata = file_of(project, "41234999")
    page = project / "partners" / "openagenda" / "events.json"
    data = json.loads(page.read_text(encoding="utf-8"))
    data["events"][1]["removed"] = True
    page.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert "1 annulés" in import_(project)
    assert fields(opendata)["status"] == "cancelled"
    again = imported(project)
    assert "0 nouveaux, 0 modifiés, 0 annulés" in import_(project)
    assert imported(project) == again


def test_a_past_event_gone_from_a_future_only_feed_is_left_alone(project: Path) -> None:
    import_(project)
    path = file_of(project, "event_301234567@meetup.com")  # 4 February 2027
    kept = path.read_bytes()
    without_vevent(project, "meetup.ics", "event_301234567@meetup.com")
    report = import_(project, now="2027-02-15T12:00:00+01:00")
    assert path.read_bytes() == kept
    assert "0 annulés" in report


def test_a_hand_edited_or_frozen_file_is_kept_and_reported(project: Path) -> None:
    import_(project)
    edited = file_of(project, "event_301234999@meetup.com")
    frozen = file_of(project, "41234999")
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("Apéro Python de mars", "Apéro Python"),
        encoding="utf-8",
    )
    frozen.write_text(
        frozen.read_text(encoding="utf-8").replace("\ntitle:", "\nimport: fige\ntitle:"),
        encoding="utf-8",
    )
    kept = edited.read_bytes(), frozen.read_bytes()
    edit_feed(project, "meetup.ics", "DTSTART:20270311T173000Z", "DTSTART:20270311T180000Z")
    page = project / "partners" / "openagenda" / "events.json"
    page.write_text(
        page.read_text(encoding="utf-8").replace("17:00:00+0100", "18:00:00+0100"),
        encoding="utf-8",
    )
    report = import_(project)
    assert (edited.read_bytes(), frozen.read_bytes()) == kept
    assert f"- {edited.relative_to(project).as_posix()} : modifiée à la main" in report
    assert f"- {frozen.relative_to(project).as_posix()} : marquée « import: fige »" in report
    assert "0 nouveaux, 0 modifiés, 0 annulés" in report


# --- duplicates -------------------------------------------------------------------------------


def test_duplicates_across_sources_are_listed_and_duplicate_of_hides_one(
    project: Path, tmp_path: Path
) -> None:
    report = import_(project)
    meetup = file_of(project, "event_301234567@meetup.com")
    region = file_of(project, "41234567")
    pair = sorted(p.relative_to(project).as_posix() for p in (meetup, region))
    assert f"- {pair[0]} et {pair[1]}" in report
    assert report.count(" et content/") == 1  # the Thursday café and the rest are not listed
    region.write_text(
        region.read_text(encoding="utf-8").replace(
            "\nuid:", f"\nduplicate_of: {fields(meetup)['uid']}\nuid:"
        ),
        encoding="utf-8",
    )
    assert " et content/" not in import_(project)
    build(project, tmp_path / "out")
    assert (tmp_path / "out" / "agenda" / meetup.stem / "index.html").exists()
    assert not (tmp_path / "out" / "agenda" / region.stem).exists()


# --- the built site ---------------------------------------------------------------------------


def problems_of(root: Path) -> list[tuple[str, str]]:
    code, out, err = run("check", "--root", str(root), "--now", NOW, "--format", "json")
    assert code == 0, out + err
    return [(p["severity"], p["message"]) for p in json.loads(out)]


def test_the_imported_events_build_with_no_new_problem(project: Path) -> None:
    before = problems_of(project)
    import_(project)
    assert problems_of(project) == before


WINDOW = (date(2026, 1, 1), date(2028, 1, 1))


def instant(moment: date | datetime) -> date | datetime:
    return moment.astimezone(UTC) if isinstance(moment, datetime) else moment


def spans(calendar: icalendar.Calendar) -> dict[str, set[tuple[Any, Any]]]:
    """{UID: {(start, end)…}} of every occurrence not cancelled, recurrences expanded."""
    found: dict[str, set[tuple[Any, Any]]] = {}
    for event in recurring_ical_events.of(calendar).between(*WINDOW):
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        span = instant(event.decoded("DTSTART")), instant(event.decoded("DTEND"))
        found.setdefault(str(event["UID"]), set()).add(span)
    return found


def test_the_built_feeds_hold_the_sources_own_instants(project: Path, tmp_path: Path) -> None:
    import_(project)
    output = tmp_path / "out"
    build(project, output)
    built: dict[str, set[tuple[Any, Any]]] = {}
    for relative in imported(project):
        path = project / "content" / "events" / relative
        source = fields(path)["source"]
        calendar = icalendar.Calendar.from_ical(
            (output / "agenda" / path.stem / f"{path.stem}.ics").read_bytes()
        )
        base = str(source["uid"]).split("#")[0]
        for occurrences in spans(calendar).values():
            built.setdefault(f"{source['name']} {base}", set()).update(occurrences)

    expected: dict[str, set[tuple[Any, Any]]] = {}
    for name, feed in (
        ("caen-python-meetup", "meetup.ics"),
        ("seine-innopolis", "google.ics"),
        ("mri", "outlook.ics"),
    ):
        calendar = icalendar.Calendar.from_ical((FIXTURES / feed).read_bytes())
        for uid, occurrences in spans(calendar).items():
            expected[f"{name} {uid}"] = occurrences
    for page in sorted((FIXTURES / "openagenda").glob("*.json")):
        for event in json.loads(page.read_text(encoding="utf-8"))["events"]:
            if event.get("removed"):
                continue
            expected[f"region-normandie {event['uid']}"] = {
                (
                    instant(datetime.fromisoformat(t["begin"])),
                    instant(datetime.fromisoformat(t["end"])),
                )
                for t in event["timings"]
            }
    assert built == expected
    assert sum(len(occurrences) for occurrences in built.values()) > 15


# --- configuration ----------------------------------------------------------------------------


def test_a_source_without_licence_is_a_positioned_error(project: Path) -> None:
    lines = SOURCES.split("\n")
    lines.remove("  licence: Licence Ouverte 2.0")  # the first: seine-innopolis, line 7
    (project / "content" / "sources.yaml").write_text("\n".join(lines), encoding="utf-8")
    code, out, err = run("import", "--root", str(project), "--now", NOW)
    assert code == 1
    assert "Traceback" not in out + err
    assert "content/sources.yaml:7:3: licence: champ obligatoire manquant" in out
    assert imported(project) == {}


def test_an_unknown_source_name_on_the_command_line_is_an_error(project: Path) -> None:
    code, out, _ = run("import", "--root", str(project), "--now", NOW, "la-cantin")
    assert code == 1
    assert "agenda inconnu : « la-cantin »" in out
    assert imported(project) == {}


def test_one_source_alone_can_be_imported(project: Path) -> None:
    import_(project, "mri")
    assert {name.split("/")[0] for name in imported(project)} == {"mri"}


def test_the_importer_reads_content_and_never_renders_or_writes_output() -> None:
    allowed = {"core", "model", "content", "link", "partners"}
    for path in sorted((PACKAGE / "partners").rglob("*.py")):
        parts = {part_of(module) for module in imports_of(path)}
        assert parts <= allowed, (path.name, parts - allowed)


def test_an_event_the_build_would_refuse_is_not_written_and_is_reported(project: Path) -> None:
    # Google writes a series without end as RRULE:FREQ=WEEKLY;BYDAY=TH: our agenda refuses it
    edit_feed(project, "google.ics", "WKST=MO;UNTIL=20270401T163000Z;", "")
    code, out, _ = run("import", "--root", str(project), "--now", NOW)
    assert code == 1
    assert re.search(
        r"content/events/seine-innopolis/cafe-numerique-du-jeudi-2027-02-04\.md:\d+:\d+: "
        r"recurrence: la règle ne dit pas quand la série s'arrête",
        out,
    ), out
    assert not any("cafe-numerique-du-jeudi-2027" in name for name in imported(project))
    assert "11 nouveaux" in out  # the other sources' and events' files are written


def test_a_file_source_outside_the_project_is_refused(project: Path) -> None:
    sources = SOURCES.replace("file: partners/outlook.ics", "file: ../outlook.ics")
    (project / "content" / "sources.yaml").write_text(sources, encoding="utf-8")
    code, out, _ = run("import", "--root", str(project), "--now", NOW)
    assert code == 1
    assert "content/sources.yaml:18:3: file: « ../outlook.ics » est hors du projet" in out
    assert imported(project) == {}


def test_an_unreadable_event_is_reported_and_its_file_left_alone(project: Path) -> None:
    import_(project)
    path = file_of(project, "event_301234999@meetup.com")
    kept = path.read_bytes()
    edit_feed(project, "meetup.ics", "DTSTART:20270311T173000Z", "DTSTART:20271311T173000Z")
    report = import_(project)
    assert path.read_bytes() == kept  # neither rewritten nor taken as withdrawn
    assert "0 annulés" in report
    assert "événement « event_301234999@meetup.com » illisible, ignoré" in report


def test_a_source_that_cannot_be_read_changes_nothing_of_its_own(project: Path) -> None:
    import_(project)
    files = imported(project)
    (project / "partners" / "meetup.ics").unlink()
    code, out, _ = run("import", "--root", str(project), "--now", NOW)
    assert code == 1
    assert "agenda « caen-python-meetup » non importé : fichier illisible : meetup.ics" in out
    assert imported(project) == files  # nothing taken as withdrawn


def test_a_place_mapped_to_no_place_file_is_refused(project: Path) -> None:
    sources = SOURCES.replace('"MRI Caen": mri-caen', '"MRI Caen": mri-caem')
    (project / "content" / "sources.yaml").write_text(sources, encoding="utf-8")
    code, out, _ = run("import", "--root", str(project), "--now", NOW)
    assert code == 1
    assert "content/sources.yaml:22:3: places: lieu inconnu : « mri-caem »" in out
    assert "vouliez-vous dire « mri-caen » ?" in out
