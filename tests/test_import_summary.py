"""`nftsite import --summary FILE`: the pull request's description, in French Markdown, for
the recorded feeds of tests/fixtures/partners/. It is read back with Python-Markdown (tables)
and html5lib, never with the code that wrote it."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib
import markdown

from .test_import import NOW, SOURCES, edit_feed, file_of, no_network, project, run

__all__ = ["no_network", "project"]  # the fixtures, shared with test_import.py

SECTIONS = [
    "Nouveaux",
    "Modifiés",
    "Annulés",
    "Doublons possibles",
    "Fiches gardées telles quelles",
    "Problèmes",
]


def summary_of(root: Path, tmp_path: Path) -> tuple[int, str]:
    out = tmp_path / "description.md"
    code, _, err = run("import", "--root", str(root), "--now", NOW, "--summary", str(out))
    assert "Traceback" not in err
    return code, out.read_text(encoding="utf-8")


def parsed(text: str) -> Element:
    html = markdown.markdown(text, extensions=["tables"])
    tree = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    assert isinstance(tree, Element)
    return tree


def words(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def sections(tree: Element) -> dict[str, list[Element]]:
    """Each h2's text (its count cut off) -> the elements up to the next h2."""
    body = tree.find("body")
    assert body is not None
    found: dict[str, list[Element]] = {}
    current: list[Element] | None = None
    for element in body:
        if element.tag == "h2":
            name, _, count = words(element).rpartition(" (")
            current = found.setdefault(name, [])
            current.append(Element("count", {"n": count.rstrip(")")}))
        elif current is not None:
            current.append(element)
    return found


def rows(elements: list[Element]) -> list[list[str]]:
    return [
        [words(cell) for cell in row.iter("td")]
        for element in elements
        if element.tag == "table"
        for row in element.iter("tr")
        if row.find("td") is not None
    ]


def items(elements: list[Element]) -> list[str]:
    return [words(li) for element in elements if element.tag == "ul" for li in element.iter("li")]


def count(elements: list[Element]) -> int:
    return int(elements[0].get("n", "-1"))


def test_the_first_import_describes_twelve_new_events(project: Path, tmp_path: Path) -> None:
    code, text = summary_of(project, tmp_path)
    assert code == 0
    title = "Import des agendas partenaires : 12 nouveaux, 0 modifiés, 0 annulés"
    assert text.splitlines()[0] == f"# {title}"
    tree = parsed(text)
    assert [words(h) for h in tree.iter("h1")] == [title]
    found = sections(tree)
    assert list(found) == SECTIONS
    new = rows(found["Nouveaux"])
    assert count(found["Nouveaux"]) == len(new) == 12
    assert ["content/events/mri/cybersecurite-des-pme-2027-04-15.md", "Cybersécurité des PME"] in (
        new
    )
    for name in ("Modifiés", "Annulés", "Fiches gardées telles quelles", "Problèmes"):
        assert count(found[name]) == 0
        assert [words(e) for e in found[name][1:]] in (["Aucun."], ["Aucune."])
    duplicates = items(found["Doublons possibles"])
    assert count(found["Doublons possibles"]) == len(duplicates) == 1
    meetup = file_of(project, "event_301234567@meetup.com").relative_to(project).as_posix()
    assert meetup in duplicates[0] and "region-normandie/" in duplicates[0]
    assert "uid import-" in duplicates[0]


def test_a_second_import_lists_each_kind_of_change(project: Path, tmp_path: Path) -> None:
    assert summary_of(project, tmp_path)[0] == 0
    moved = file_of(project, "event_301234999@meetup.com")
    edit_feed(project, "meetup.ics", "DTSTART:20270311T173000Z", "DTSTART:20270311T180000Z")
    withdrawn = file_of(project, "41234999")
    page = project / "partners" / "openagenda" / "events.json"
    data = json.loads(page.read_text(encoding="utf-8"))
    data["events"][1]["removed"] = True
    page.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    edited = project / "content/events/mri/cybersecurite-des-pme-2027-04-15.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nPlaces limitées.\n", "utf-8")
    frozen = project / "content/events/mri/petit-dejeuner-de-l-innovation-2027-03-12.md"
    frozen.write_text(
        frozen.read_text(encoding="utf-8").replace("\ntitle:", "\nimport: fige\ntitle:"), "utf-8"
    )
    # a series without end, which the build refuses: the file is kept, the problem listed
    edit_feed(project, "google.ics", "WKST=MO;UNTIL=20270401T163000Z;", "")

    code, text = summary_of(project, tmp_path)
    assert code == 1  # an error: the scheduled job still opens the pull request, listing it
    title = "Import des agendas partenaires : 0 nouveaux, 1 modifiés, 1 annulés"
    assert text.splitlines()[0] == f"# {title}"
    found = sections(parsed(text))
    assert list(found) == SECTIONS
    shown = {p: p.relative_to(project).as_posix() for p in (moved, withdrawn, edited, frozen)}
    assert rows(found["Modifiés"]) == [[shown[moved], "Apéro Python de mars", "début"]]  # no DTEND
    assert rows(found["Annulés"]) == [
        [shown[withdrawn], "Journée Open Data Normandie", "statut : annulé"]
    ]
    kept = rows(found["Fiches gardées telles quelles"])
    assert count(found["Fiches gardées telles quelles"]) == len(kept) == 2
    assert {(row[0], row[1]) for row in kept} == {
        (shown[edited], "Cybersécurité des PME"),
        (shown[frozen], "Petit-déjeuner de l'innovation"),
    }
    assert any("modifiée à la main" in row[2] for row in kept)
    assert any("import: fige" in row[2] for row in kept)
    problems = items(found["Problèmes"])
    assert count(found["Problèmes"]) == len(problems) >= 1
    assert any(
        "content/events/seine-innopolis/cafe-numerique-du-jeudi-2027-02-04.md, ligne " in p
        and "la règle ne dit pas quand la série s'arrête" in p
        for p in problems
    ), problems


def test_a_broken_sources_file_says_nothing_was_imported(project: Path, tmp_path: Path) -> None:
    (project / "content" / "sources.yaml").write_text(
        SOURCES.replace("  licence: Licence Ouverte 2.0\n", "", 1), encoding="utf-8"
    )
    code, text = summary_of(project, tmp_path)
    assert code == 1
    found = sections(parsed(text))
    assert "Rien n'a été importé" in text
    assert any("content/sources.yaml, ligne " in p for p in items(found["Problèmes"]))
