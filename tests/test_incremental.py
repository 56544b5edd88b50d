"""Incremental builds equal cold builds, whatever the sequence of edits (issue 5).

Random edit sequences (seeded, so a failure replays) are applied to a small site; after each
edit, the same site is built three ways — with the cache a previous build left (`build`),
by a long-running preview that keeps its cache in memory (`Preview.rebuild`, drafts left
out here so the outputs compare, told nothing of what changed: `tests/test_live.py` tells
it), and cold with `--no-cache` into a fresh folder — and the three output trees must be
byte-identical (but for the search index and the folder's marker, which the preview does not
write).
"""

from __future__ import annotations

import contextlib
import io
import random
import shutil
from pathlib import Path

import pytest

from nftsite.commands.serve import Preview
from nftsite.core.cache import PACKAGE, code_fingerprint
from nftsite.pipeline import BuildOptions

from .conftest import NOW, InlineSite, preview_files, snapshot

PLACES = {
    "places/seine-innopolis.md": "---\nname: Seine Innopolis\nkind: totem\naddress: 72 rue de la "
    "République, 76140 Le Petit-Quevilly\ncity: rouen\ngeo: {lat: 49.425, lon: 1.062}\n---\nTotem.\n",
    "places/le-dome.md": "---\nname: Le Dôme\nkind: totem\naddress: 3 esplanade Stéphane Hessel, "
    "14000 Caen\ncity: caen\n---\nÀ Caen.\n",
}


def event_text(
    title: str, start: str, place: str, status: str = "confirmed", body: str = ""
) -> str:
    return (
        f"---\ntitle: {title}\nstart: {start}\nend: 21:00\nplace: {place}\nstatus: {status}\n"
        f"themes: [smart-city]\n---\n{body or 'Présentation.'}\n"
    )


class Editor:
    """Random, always-valid edits of an inline site (and a few broken ones, then fixed)."""

    def __init__(self, site: InlineSite, seed: int) -> None:
        self.site = site
        self.random = random.Random(seed)
        self.events: dict[str, tuple[str, str, str, str, str]] = {}
        self.counter = 0

    def add_event(self) -> str:
        self.counter += 1
        slug = f"evenement-{self.counter}"
        day = self.random.choice(["2015-10-01", "2026-12-03", "2027-02-04", "2026-03-29"])
        fields = (
            f"Événement {self.counter}",
            f"{day} 18:30",
            self.random.choice(["seine-innopolis", "le-dome"]),
            "confirmed",
            f"Texte {self.counter}, voir [le lieu](/lieux/le-dome/).",
        )
        self.events[slug] = fields
        self.site.write({f"events/{slug}.md": event_text(*fields)})
        return f"add {slug}"

    def change_event(self) -> str:
        slug = self.random.choice(sorted(self.events))
        title, start, place, status, body = self.events[slug]
        what = self.random.choice(["title", "start", "place", "status", "body"])
        if what == "title":
            title += " (modifié)"
        elif what == "start":
            start = self.random.choice(["2026-12-10 17:00", "2015-06-25 09:00", "2027-01-07 18:30"])
        elif what == "place":
            place = "le-dome" if place == "seine-innopolis" else "seine-innopolis"
        elif what == "status":
            status = self.random.choice(["confirmed", "tentative", "cancelled"])
        else:
            body += f"\n\nUn paragraphe de plus ({self.random.random():.6f})."
        self.events[slug] = (title, start, place, status, body)
        self.site.write({f"events/{slug}.md": event_text(title, start, place, status, body)})
        return f"change {what} of {slug}"

    def remove_event(self) -> str:
        slug = self.random.choice(sorted(self.events))
        del self.events[slug]
        self.site.remove(f"events/{slug}.md")
        return f"remove {slug}"

    def edit_template(self) -> str:
        name = self.random.choice(
            ["event.html", "partials/event_item.html", "base.html", "home.html"]
        )
        path = self.site.root / "templates" / name
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace("</article>", f"<!-- v{self.counter} --></article>", 1)
            if "</article>" in text
            else text + f"<!-- v{self.counter} -->\n",
            encoding="utf-8",
        )
        self.counter += 1
        return f"edit template {name}"

    def edit_place(self) -> str:
        self.counter += 1
        text = PLACES["places/le-dome.md"].replace("name: Le Dôme", f"name: Le Dôme {self.counter}")
        self.site.write({"places/le-dome.md": text})
        return "rename place le-dome"

    def edit_site_yaml(self) -> str:
        path = self.site.root / "content/site.yaml"
        self.counter += 1
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace("tagline: ", f"tagline: v{self.counter} ", 1), encoding="utf-8"
        )
        return "edit site.yaml"

    def step(self) -> str:
        actions = [self.add_event, self.edit_template, self.edit_place, self.edit_site_yaml]
        if self.events:
            actions += [self.change_event, self.change_event, self.remove_event]
        return self.random.choice(actions)()


def quiet_build(site: InlineSite, *args: str) -> None:
    run = site.run(*args)
    assert run.exit_code == 0, run.stderr


@pytest.mark.parametrize("seed", range(6))
def test_incremental_builds_equal_a_cold_build_after_every_random_edit(make_site, seed):
    site = make_site(PLACES)
    editor = Editor(site, seed)
    for _ in range(3):
        editor.add_event()
    options = BuildOptions(root=site.root, now=NOW, output=site.root / "preview-out")
    preview = Preview(options, clock=lambda: NOW)
    history = []
    for number in range(10):
        history.append(editor.step())
        quiet_build(site)  # warm: uses the cache of the previous build
        with contextlib.redirect_stderr(io.StringIO()):
            result = preview.rebuild()
        assert not result.problems.has_errors()
        cold = site.root / f"cold-{number}"
        quiet_build(site, "--no-cache", "--output", str(cold))
        expected = snapshot(cold)
        assert snapshot(site.output) == expected, f"warm build differs after: {history}"
        assert preview_files(site.root / "preview-out") == preview_files(cold), (
            f"preview differs after: {history}"
        )


def test_a_failed_build_in_the_middle_of_edits_changes_nothing_and_the_next_one_catches_up(
    make_site,
):
    site = make_site(PLACES)
    editor = Editor(site, 99)
    editor.add_event()
    quiet_build(site)
    before = snapshot(site.output)
    site.write({"events/casse.md": "---\ntitle: Cassé\nstart: 2015-02-30\n---\n"})
    editor.change_event()
    assert site.run().exit_code == 1
    assert snapshot(site.output) == before
    site.remove("events/casse.md")
    quiet_build(site)
    quiet_build(site, "--no-cache", "--output", str(site.root / "cold"))
    assert snapshot(site.output) == snapshot(site.root / "cold")


def test_a_corrupt_cache_is_detected_and_rebuilt(make_site):
    site = make_site(PLACES)
    Editor(site, 5).add_event()
    quiet_build(site)
    store = site.root / ".cache" / "nftsite.sqlite3"
    assert store.is_file()
    store.write_bytes(b"this is not a database" * 100)
    (site.root / "output" / "index.html").write_text("tampered", encoding="utf-8")
    quiet_build(site)
    quiet_build(site, "--no-cache", "--output", str(site.root / "cold"))
    assert snapshot(site.output) == snapshot(site.root / "cold")


def test_a_stale_cache_from_another_version_is_not_trusted(make_site, monkeypatch):
    site = make_site(PLACES)
    Editor(site, 6).add_event()
    quiet_build(site)
    import nftsite.core.cache

    monkeypatch.setattr(nftsite.core.cache, "SCHEMA", nftsite.core.cache.SCHEMA + 1)
    cache = nftsite.core.cache.Cache(site.root / ".cache" / "nftsite.sqlite3")
    assert cache.lookup_many("markdown", [nftsite.core.cache.digest("Présentation.\n")]) == {}
    cache.close()


def test_a_rebuild_leaves_unchanged_files_untouched_and_rewrites_only_the_edited_page(make_site):
    site = make_site(PLACES)
    editor = Editor(site, 7)
    editor.add_event()
    editor.add_event()
    quiet_build(site)
    stamps = {p: p.stat().st_mtime_ns for p in site.output.rglob("*") if p.is_file()}
    site.write(
        {
            "events/evenement-1.md": event_text(
                *editor.events["evenement-1"][:4], body="Nouveau texte."
            )
        }
    )
    quiet_build(site)
    changed = {
        p.relative_to(site.output).as_posix()
        for p, stamp in stamps.items()
        if not p.relative_to(site.output).as_posix().startswith("pagefind/")
        and p.stat().st_mtime_ns != stamp
    }
    # The page, and the calendars whose description carries the text; the search index
    # (pagefind/) follows the new text too, its changed parts under new names.
    assert "agenda/evenement-1/index.html" in changed
    assert "agenda/evenement-2/index.html" not in changed
    assert "index.html" not in changed
    assert all(path.startswith("agenda") for path in changed), changed


def run_at(site: InlineSite, now: str, *args: str) -> str:
    import contextlib as _contextlib
    import io as _io

    from nftsite.commands.cli import main

    stderr = _io.StringIO()
    with _contextlib.redirect_stderr(stderr):
        code = main(["build", "--root", str(site.root), "--now", now, *args])
    assert code == 0, stderr.getvalue()
    return stderr.getvalue()


def test_a_build_with_nothing_changed_redoes_nothing_until_time_moves_an_event(make_site):
    site = make_site(
        {
            **PLACES,
            "events/soiree.md": event_text("Soirée", "2026-12-03 18:30", "le-dome"),
        }
    )
    first = run_at(site, "2026-11-23T12:00:00+01:00")
    assert "Site construit" in first
    again = run_at(site, "2026-11-24T12:00:00+01:00")
    assert "Rien n'a changé" in again, again
    agenda = (site.output / "agenda/index.html").read_text(encoding="utf-8")
    assert "Soirée" in agenda
    # Once the evening is over (21:00), time alone changes the agenda: a real build again.
    later = run_at(site, "2026-12-03T21:30:00+01:00")
    assert "Site construit" in later, later
    assert "Soirée" not in (site.output / "agenda/index.html").read_text(encoding="utf-8")
    assert "Soirée" in (site.output / "agenda/archives/index.html").read_text(encoding="utf-8")
    cold = site.root / "cold"
    run_at(site, "2026-12-03T21:30:00+01:00", "--no-cache", "--output", str(cold))
    assert snapshot(site.output) == snapshot(cold)


def test_an_output_file_changed_by_hand_is_put_back_by_the_next_build(make_site):
    site = make_site(
        {**PLACES, "events/soiree.md": event_text("Soirée", "2026-12-03 18:30", "le-dome")}
    )
    run_at(site, "2026-11-23T12:00:00+01:00")
    expected = snapshot(site.output)
    (site.output / "index.html").write_text("modifié à la main", encoding="utf-8")
    (site.output / "en-trop.html").write_text("ajouté à la main", encoding="utf-8")
    report = run_at(site, "2026-11-23T12:00:00+01:00")
    assert "Rien n'a changé" not in report
    assert snapshot(site.output) == expected


def test_a_new_static_file_or_media_is_not_missed_by_the_nothing_changed_check(make_site):
    site = make_site({**PLACES})
    run_at(site, "2026-11-23T12:00:00+01:00")
    (site.root / "static" / "nouveau.txt").write_text("nouveau", encoding="utf-8")
    report = run_at(site, "2026-11-23T12:00:00+01:00")
    assert "Site construit" in report
    assert (site.output / "static" / "nouveau.txt").read_text(encoding="utf-8") == "nouveau"


def test_an_event_a_year_old_does_not_stop_the_nothing_changed_check(make_site):
    """Regression: an event about to leave the feeds' window made every later build redo
    everything (the boundary was computed a day early, before `now`)."""
    site = make_site(
        {
            **PLACES,
            "events/ancienne.md": event_text("Ancienne", "2025-11-23 20:00", "le-dome"),
        }
    )
    run_at(site, "2026-11-23T12:00:00+01:00")
    assert "Rien n'a changé" in run_at(site, "2026-11-23T12:00:00+01:00")
    later = run_at(site, "2026-11-23T21:30:00+01:00")  # it has left the 12-month window
    assert "Site construit" in later
    assert "Ancienne" not in (site.output / "agenda.ics").read_text(encoding="utf-8")


@pytest.mark.parametrize("module", ["render/plan.py", "output/tree.py", "pipeline.py"])
def test_the_code_fingerprint_sees_a_change_in_any_subpackage(tmp_path: Path, module: str):
    """The store is keyed by the code of the whole package, subpackages included: a change in
    any stage's module must discard it, or the preview would serve what the old code made."""
    copy = tmp_path / "nftsite"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_fingerprint(copy)
    assert code_fingerprint(copy) == before
    with (copy / module).open("a", encoding="utf-8") as file:
        file.write("\n# changed\n")
    assert code_fingerprint(copy) != before


def test_the_code_fingerprint_sees_a_module_moved_to_another_stage(tmp_path: Path):
    copy = tmp_path / "nftsite"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_fingerprint(copy)
    (copy / "render" / "crawl.py").rename(copy / "output" / "crawl.py")
    assert code_fingerprint(copy) != before


def test_templates_compiled_once_per_process_are_compiled_again_when_edited(make_site):
    """`render.html.COMPILED` hands a new environment what an earlier one compiled; an edited
    template is compiled again (its page shows the edit), and its errors keep their file."""
    import jinja2

    from nftsite.render import html

    site = make_site(PLACES)
    compiled: list[str] = []
    real_compile = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[no-untyped-def]
        compiled.append(name)
        return real_compile(self, source, name, filename, raw, defer_init)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jinja2.Environment, "compile", counting)
        assert site.run("--no-cache").exit_code == 0
        first = len(compiled)
        assert site.run("--no-cache").exit_code == 0
        assert len(compiled) == first, compiled[first:]
        base = site.root / "templates" / "base.html"
        base.write_text(
            base.read_text(encoding="utf-8").replace("</body>", "<!-- retouche --></body>"),
            encoding="utf-8",
        )
        assert site.run("--no-cache").exit_code == 0
        assert compiled[first:] == ["base.html"]
    assert first >= 10, compiled
    assert "<!-- retouche -->" in (site.output / "index.html").read_text(encoding="utf-8")
    assert len(html.COMPILED._code) <= html.CompiledTemplates.LIMIT
    base.write_text(
        base.read_text(encoding="utf-8").replace("<!-- retouche -->", "{{ pas_défini.x }}"),
        encoding="utf-8",
    )
    run = site.run("--no-cache")
    assert run.exit_code == 1
    assert "templates/base.html" in run.stderr
