"""An imported event's page says where it comes from: « Source : <agenda>, mis à jour le
<date> » and the licence (docs/guide-contenu.md, « Importer les agendas partenaires »); a
hand-written event's page says nothing of the kind. Pages are read with html5lib."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from .feeds_helpers import html_tree
from .test_import import build, import_
from .test_import_summary import no_network, project, words

__all__ = ["no_network", "project"]  # the fixtures this file shares


def source_notes(page: Path) -> list[Element]:
    return [p for p in html_tree(page).iter("p") if "source" in p.get("class", "").split()]


def test_an_imported_event_page_shows_its_source_date_and_licence(
    project: Path, tmp_path: Path
) -> None:
    import_(project, "mri")
    imported = project / "content/events/mri/cybersecurite-des-pme-2027-04-15.md"
    assert imported.is_file()
    output = tmp_path / "output"
    build(project, output)
    (note,) = source_notes(output / "agenda" / imported.stem / "index.html")
    # 2026-12-18T15:45:00Z at the source: the 18th in Paris too
    # French typography (render/typography.py): the apostrophe ’ (words() reads no-break
    # spaces as spaces)
    assert words(note) == (
        "Source : Maison de la Recherche et de l’Innovation, mis à jour le 18 décembre "
        "2026. Licence : Licence Ouverte 2.0."
    )
    (time,) = note.iter("time")
    assert time.get("datetime") == "2026-12-18"
    events = project / "content" / "events"
    hand_written = {path.stem for path in events.rglob("*.md") if "mri" not in path.parts}
    checked = [
        page
        for page in (output / "agenda").glob("*/index.html")
        if page.parent.name in hand_written
    ]
    assert checked, "the sample site's own events were built"
    for page in checked:
        assert source_notes(page) == [], page
        assert "Source :" not in words(html_tree(page))
