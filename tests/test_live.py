"""The live preview remakes only what an edit touched, and still equals a cold build.

Random sequences of edits of every kind — a body, a field, a new file, a deleted one, a
renamed one, a template, site.yaml, a static file changed, added or removed, a media file —
are applied to a small site. After each, the preview is told the paths that changed, as the
file watcher tells it (`Preview.refresh`), and its folder must hold, byte for byte, what a
cold build (`--no-cache`, drafts included) writes — but for the search index, which only
`build` makes. The way each rebuild went is checked too, so that a body edit really is
remade piece by piece rather than passing only because everything was derived again.

`test_a_page_whose_recorded_reads_omit_its_text_is_caught` shows the comparison fails when
one page's recorded dependencies (`core/reads.py`) leave out one input.
"""

from __future__ import annotations

import contextlib
import io
import random
from pathlib import Path

import pytest

import nftsite.pipeline
from nftsite.commands.serve import Preview
from nftsite.core.reads import text_key
from nftsite.pipeline import BuildOptions, SiteState

from .conftest import NOW, InlineSite, preview_files, snapshot
from .test_incremental import PLACES, event_text

STARTUP = (
    "---\nname: Dataseine\nsummary: Données du port.\ncity: le-havre\n"
    "themes: [smart-port]\nwebsite: https://dataseine.example\n---\n{body}\n"
)


def differences(preview: Path, cold: Path) -> list[str]:
    """The files on which the preview and the cold build differ (missing, extra, other bytes)."""
    mine, theirs = preview_files(preview), preview_files(cold)
    return sorted(path for path in set(mine) | set(theirs) if mine.get(path) != theirs.get(path))


class Edits:
    """Random edits of an inline site; each returns what it did and the paths it touched."""

    def __init__(self, site: InlineSite, seed: int) -> None:
        self.site = site
        self.random = random.Random(seed)
        self.events: dict[str, list[str]] = {}
        self.counter = 0
        self.content = site.root / "content"

    def touched(self, *relative: str) -> set[str]:
        return {str(self.site.root / path) for path in relative}

    def add_event(self) -> tuple[str, set[str]]:
        self.counter += 1
        slug = f"rencontre-{self.counter}"
        day = self.random.choice(["2015-10-01", "2026-12-03", "2027-02-04"])
        self.events[slug] = [
            f"Rencontre {self.counter}",
            f"{day} 18:30",
            self.random.choice(["seine-innopolis", "le-dome"]),
            "confirmed",
            f"Texte {self.counter}, voir [le lieu](/lieux/le-dome/).",
        ]
        return f"add {slug}", self.write_event(slug)

    def write_event(self, slug: str) -> set[str]:
        self.site.write({f"events/{slug}.md": event_text(*self.events[slug])})
        return self.touched(f"content/events/{slug}.md")

    def edit_body(self) -> tuple[str, set[str]]:
        slug = self.random.choice(sorted(self.events))
        self.counter += 1
        self.events[slug][4] += f"\n\nUn paragraphe de plus (n° {self.counter})."
        return f"body of {slug}", self.write_event(slug)

    def edit_field(self) -> tuple[str, set[str]]:
        slug = self.random.choice(sorted(self.events))
        what = self.random.choice(["title", "start", "status"])
        fields = self.events[slug]
        if what == "title":
            fields[0] += " (modifié)"
        elif what == "start":
            fields[1] = self.random.choice(["2026-12-10 17:00", "2015-06-25 09:00"])
        else:
            fields[3] = self.random.choice(["confirmed", "tentative", "cancelled"])
        return f"{what} of {slug}", self.write_event(slug)

    def remove_event(self) -> tuple[str, set[str]]:
        slug = self.random.choice(sorted(self.events))
        del self.events[slug]
        self.site.remove(f"events/{slug}.md")
        return f"remove {slug}", self.touched(f"content/events/{slug}.md")

    def rename_event(self) -> tuple[str, set[str]]:
        slug = self.random.choice(sorted(self.events))
        self.counter += 1
        new = f"{slug}-bis{self.counter}"
        self.events[new] = self.events.pop(slug)
        old_path = self.content / f"events/{slug}.md"
        old_path.rename(self.content / f"events/{new}.md")
        return f"rename {slug} to {new}", self.touched(
            f"content/events/{slug}.md", f"content/events/{new}.md"
        )

    def edit_startup_body(self) -> tuple[str, set[str]]:
        self.counter += 1
        self.site.write({"startups/dataseine.md": STARTUP.format(body=f"Version {self.counter}.")})
        return "body of the startup", self.touched("content/startups/dataseine.md")

    def edit_template(self) -> tuple[str, set[str]]:
        name = self.random.choice(["event.html", "partials/event_item.html", "base.html"])
        path = self.site.root / "templates" / name
        self.counter += 1
        text = path.read_text(encoding="utf-8")
        marker = f"<!-- v{self.counter} -->"
        for closing in ("</article>", "</main>", "</li>"):
            if closing in text:
                text = text.replace(closing, marker + closing, 1)
                break
        else:
            raise AssertionError(f"{name}: nowhere to put a visible change")
        path.write_text(text, encoding="utf-8")
        return f"template {name}", self.touched(f"templates/{name}")

    def edit_site_yaml(self) -> tuple[str, set[str]]:
        path = self.content / "site.yaml"
        self.counter += 1
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("tagline: ", f"tagline: v{self.counter} ", 1), "utf-8")
        return "site.yaml", self.touched("content/site.yaml")

    def edit_static(self) -> tuple[str, set[str]]:
        path = self.site.root / "static/site.css"
        self.counter += 1
        with path.open("a", encoding="utf-8") as stream:
            stream.write(f"\n/* v{self.counter} */\n")
        return "static/site.css", self.touched("static/site.css")

    def add_or_remove_static(self) -> tuple[str, set[str]]:
        path = self.site.root / "static/extra.txt"
        if path.exists():
            path.unlink()
            return "remove static/extra.txt", self.touched("static/extra.txt")
        path.write_text("Un fichier de plus.\n", encoding="utf-8")
        return "add static/extra.txt", self.touched("static/extra.txt")

    def add_media(self) -> tuple[str, set[str]]:
        self.counter += 1
        name = f"content/media/plan-{self.counter}.txt"
        target = self.site.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("Plan d'accès.\n", encoding="utf-8")
        return f"add {name}", self.touched(name)

    def step(self) -> tuple[str, set[str]]:
        actions = [
            self.add_event,
            self.edit_startup_body,
            self.edit_template,
            self.edit_site_yaml,
            self.edit_static,
            self.add_or_remove_static,
            self.add_media,
        ]
        if self.events:
            actions += [self.edit_body] * 3 + [
                self.edit_field,
                self.remove_event,
                self.rename_event,
            ]
        return self.random.choice(actions)()


EXPECTED_WAY = {
    "body": "texts",
    "template": "templates",
    "static/site.css": "static",
    "title": "fields",
    "start": "fields",
    "status": "fields",
}
"""The edits the preview must remake piece by piece, and how (`LiveSite.way`)."""


def make_preview(site: InlineSite, lazy: bool = False) -> Preview:
    options = BuildOptions(
        root=site.root,
        now=NOW,
        output=site.root / "preview-out",
        drafts=True,
        search_index=False,
    )
    return Preview(options, clock=lambda: NOW, quiet=True, lazy=lazy)


def refresh(preview: Preview, paths: set[str] | None) -> None:
    """What the watcher does; then, for a lazy preview, what `serve` does between requests:
    make the pending pages."""
    with contextlib.redirect_stderr(io.StringIO()):
        preview.refresh(paths)
        while preview.drain():
            pass
    assert preview.crash_details is None, Path(preview.crash_details or "").read_text()
    assert preview.result is not None and not preview.result.problems.has_errors(), (
        preview.result.problems if preview.result else None
    )
    assert preview.live is not None and not preview.live.pending


def cold_build(site: InlineSite, number: int) -> Path:
    cold = site.root / f"cold-{number}"
    run = site.run("--no-cache", "--drafts", "--output", str(cold))
    assert run.exit_code == 0, run.stderr
    return cold


def new_site(make_site) -> InlineSite:  # type: ignore[no-untyped-def]
    site = make_site({**PLACES, "startups/dataseine.md": STARTUP.format(body="Version 0.")})
    return site


@pytest.mark.parametrize(("seed", "lazy"), [(0, False), (1, False), (2, True), (3, True)])
def test_the_live_preview_equals_a_cold_build_after_every_kind_of_edit(make_site, seed, lazy):
    """With `lazy` (as `serve` runs it), pages wait to be asked for, or drained."""
    site = new_site(make_site)
    edits = Edits(site, seed)
    for _ in range(3):
        edits.add_event()
    preview = make_preview(site, lazy)
    refresh(preview, None)
    history: list[str] = []
    for number in range(14):
        done, paths = edits.step()
        history.append(done)
        refresh(preview, paths)
        assert preview.live is not None
        for start, way in EXPECTED_WAY.items():
            if done.startswith(start):
                assert preview.live.way == way, f"{done}: went {preview.live.way!r}"
        diff = differences(preview.folder, cold_build(site, number))
        assert not diff, f"the preview differs after {history}: {diff}"


def test_each_kind_of_edit_is_remade_the_way_it_should(make_site):
    """One of each, in a fixed order, so that every way is taken at least once."""
    site = new_site(make_site)
    edits = Edits(site, 0)
    edits.add_event()
    preview = make_preview(site)
    refresh(preview, None)
    ways = []
    for action in (
        edits.edit_body,
        edits.edit_startup_body,
        edits.edit_template,
        edits.edit_static,
        edits.edit_field,
        edits.rename_event,
        edits.edit_site_yaml,
        edits.add_or_remove_static,
        edits.remove_event,
    ):
        done, paths = action()
        refresh(preview, paths)
        assert preview.live is not None
        ways.append((done.split(" of ")[0], preview.live.way))
        diff = differences(preview.folder, cold_build(site, len(ways)))
        assert not diff, f"the preview differs after {done}: {diff}"
    assert [way for _, way in ways] == [
        "texts",
        "texts",
        "templates",
        "static",
        "fields",
        "full",
        "full",
        "full",
        "full",
    ], ways


def test_a_body_edit_rewrites_only_the_files_that_show_it(make_site):
    site = new_site(make_site)
    edits = Edits(site, 3)
    edits.add_event()
    edits.add_event()
    preview = make_preview(site)
    refresh(preview, None)
    before = snapshot(preview.folder)
    slug = sorted(edits.events)[0]
    edits.events[slug][4] += "\n\nUne phrase ajoutée au bout du texte."
    refresh(preview, edits.write_event(slug))
    after = snapshot(preview.folder)
    changed = sorted(path for path in after if before.get(path) != after[path])
    # Its page, and the calendar files whose DESCRIPTION quotes the body: its own .ics and
    # the subscribed feeds that carry it; nothing else.
    assert f"agenda/{slug}/index.html" in changed
    assert all(path == f"agenda/{slug}/index.html" or path.endswith(".ics") for path in changed), (
        changed
    )


def test_a_page_whose_recorded_reads_omit_its_text_is_caught(make_site, monkeypatch):
    """Drop one input from one page's recorded reads: the preview then misses the edit and
    the comparison with a cold build names that page."""
    site = new_site(make_site)
    edits = Edits(site, 4)
    edits.add_event()
    slug = sorted(edits.events)[0]
    page = f"agenda/{slug}/index.html"
    source = f"content/events/{slug}.md"
    real_derive = nftsite.pipeline.derive

    def forgetful_derive(*args, **kwargs) -> SiteState:  # type: ignore[no-untyped-def]
        state = real_derive(*args, **kwargs)
        assert text_key(source) in state.reads[page], "the page did not record its text"
        state.reads[page] = state.reads[page] - {text_key(source)}
        return state

    monkeypatch.setattr("nftsite.live.engine.derive", forgetful_derive)
    preview = make_preview(site)
    refresh(preview, None)
    edits.events[slug][4] += "\n\nUne phrase que la page doit montrer."
    refresh(preview, edits.write_event(slug))
    assert preview.live is not None and preview.live.way == "texts"
    assert page in differences(preview.folder, cold_build(site, 0))


def test_a_preview_folder_that_refuses_a_write_is_reported_then_caught_up(make_site):
    """A file where the preview needs a folder: « écriture impossible », no crash page; once
    it is gone, the next rebuild writes everything again."""
    site = new_site(make_site)
    Edits(site, 5).add_event()
    preview = make_preview(site)
    preview.folder.mkdir(parents=True)
    (preview.folder / "agenda").write_text("pas un dossier", encoding="utf-8")
    with contextlib.redirect_stderr(io.StringIO()):
        preview.refresh(None)
    assert preview.crash_details is None
    assert preview.result is not None
    assert any("écriture impossible" in p.message for p in preview.result.problems.errors)
    (preview.folder / "agenda").unlink()
    refresh(preview, {str(site.root / "content/site.yaml")})
    assert not differences(preview.folder, cold_build(site, 0))


def test_a_lazy_preview_makes_the_viewed_page_first_and_any_other_when_asked(make_site):
    """After a template edit, the page being looked at is new before the rebuild ends; the
    others are pending, and one asked for is made before it is answered."""
    site = new_site(make_site)
    edits = Edits(site, 6)
    edits.add_event()
    edits.add_event()
    first, second = sorted(edits.events)
    preview = make_preview(site, lazy=True)
    refresh(preview, None)
    preview.make_pending(f"/agenda/{first}/")
    done, paths = edits.edit_template()
    while done != "template event.html":
        done, paths = edits.edit_template()
    marker = f"<!-- v{edits.counter} -->".encode()
    with contextlib.redirect_stderr(io.StringIO()):
        preview.refresh(paths)
    assert preview.live is not None
    assert marker in (preview.folder / f"agenda/{first}/index.html").read_bytes()
    assert f"agenda/{second}/index.html" in preview.live.pending
    assert marker not in (preview.folder / f"agenda/{second}/index.html").read_bytes()
    preview.make_pending(f"/agenda/{second}/")
    assert marker in (preview.folder / f"agenda/{second}/index.html").read_bytes()
    refresh(preview, set())
    assert not differences(preview.folder, cold_build(site, 0))
