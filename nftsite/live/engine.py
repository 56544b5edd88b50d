"""The live preview's engine: the whole site kept in memory, remade piece by piece.

The first build derives everything (`pipeline.derive`) and keeps it, with what each output
read (`core/reads.py`). After that, each batch of changed paths from the file watcher is
looked at once:

- the text of content files whose fields are unchanged (a body edit, the common case):
  the file alone is parsed again, its body converted, and only the outputs that recorded
  a read of its text are made again — its page, its calendars and the feeds that carry
  it — each from what it read;
- templates: the pages whose templates (with what they extend, include or import) hold one
  of them are rendered again from the contexts already planned;
- static files changed in place: copied again;
- anything else (fields, new, moved or deleted files, site.yaml, media, a commit): every
  stage again, in memory, rendering only the pages whose key changed.

Whichever way, only files whose bytes changed are written to the preview folder, and the
result is the one a cold build would give (`tests/test_live.py` checks it after every kind
of edit).
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import time
from collections import deque
from collections.abc import Collection, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from jinja2 import Environment

from nftsite.content.entries import load_entries
from nftsite.content.sources import SourceFile, read_source
from nftsite.core.artifacts import Artifact, Kept
from nftsite.core.cache import Cache
from nftsite.core.oserrors import WriteFailure
from nftsite.core.problems import Problem, Problems
from nftsite.core.reads import TEXT_PREFIX, RecordingMapping, recording, text_key
from nftsite.core.urls import output_path
from nftsite.live.changes import Changes, classify
from nftsite.model.models import Entry, Event
from nftsite.output.link_check import check_body_links
from nftsite.output.tree import WriteReport
from nftsite.pipeline import (
    BuildOptions,
    BuildResult,
    SiteState,
    derive,
    load_inputs,
    report_write_failure,
)
from nftsite.render.calendars import calendar_set
from nftsite.render.context import page_body
from nftsite.render.feeds import feed_files
from nftsite.render.html import TemplateFingerprints, render_pages
from nftsite.render.markdown import RenderedBody, render_bodies
from nftsite.render.pages import PageToRender
from nftsite.unchanged import valid_until

LINK_CHECK = "vérification des liens"
VALIDATION = "validation"


VIEWED = 8
"""Pages recently asked for: with `defer`, they are rendered before the rebuild ends."""


class NeedsFullBuild(Exception):
    """This change cannot be remade piece by piece: derive everything again."""


class ReadAgain(NeedsFullBuild):
    """Content files changed in their fields: derive everything again from the files already
    read, these few read again (no walk of the content folder)."""

    def __init__(self, sources: list[SourceFile]) -> None:
        super().__init__()
        self.sources = sources


class RenderFailed(NeedsFullBuild):
    """A page failed to render: derive everything again, rendering every page, so that the
    template mistake is reported with every other problem."""


@dataclass
class LiveSite:
    """The preview's site in memory, and the folder it is served from."""

    options: BuildOptions
    cache: Cache
    environment: Environment
    state: SiteState | None = None
    until: datetime | None = None
    """After this, time alone changes a page: the next rebuild derives everything again."""
    loading_problems: list[Problem] = field(default_factory=list)
    """What reading site.yaml and the content folder found (before `derive`)."""
    written: dict[str, str] = field(default_factory=dict)
    """{output path: digest of the bytes the preview folder holds}."""
    written_keys: dict[str, str] = field(default_factory=dict)
    """{output path: key of the page the preview folder holds} (`render.html.page_key`)."""
    defer: bool = False
    """Render only the pages recently viewed before the rebuild ends; the others wait in
    `pending`, rendered when asked for (`ensure`) or in the background (`drain`)."""
    viewed: deque[str] = field(default_factory=lambda: deque(maxlen=VIEWED))
    """The output paths of the pages last asked for, newest last."""
    pending: dict[str, PageToRender] = field(default_factory=dict)
    """{output path: page} of the pages whose file is not made yet (see `defer`)."""
    fingerprints: TemplateFingerprints | None = None
    """The templates' hashes, kept from one pending page to the next (`drain`)."""
    by_path: dict[str, Entry] = field(default_factory=dict)
    """The state's entries by the path of their file (made again after a derivation)."""
    sources: dict[str, SourceFile] = field(default_factory=dict)
    """The state's content files by path (made again after a derivation)."""
    templates_compiled: bool = False
    """Whether this process compiled the templates (the first pages render in workers)."""
    folder_checked: bool = False
    """Whether the folder was cleared of what this preview did not write."""
    way: str = ""
    """How the last rebuild went (`-v`): "texts", "templates", "static", "none", or every
    stage again: "fields" (from the files already read) or "full"."""

    @property
    def folder(self) -> Path:
        return self.options.output_root

    def rebuild(
        self, now: datetime, changed: Iterable[str] | None = None, render_all: bool = False
    ) -> BuildResult:
        """Bring the preview up to date with the files, `changed` being the paths the watcher
        saw (None: unknown, derive everything; `render_all`: and defer no page)."""
        self.fingerprints = None  # the templates' hashes, read again after any change
        options = replace(self.options, now=now)
        result = BuildResult()
        started = time.perf_counter()
        changes = classify(options.root, changed) if changed is not None else None
        try:
            remade = self.state is not None and changes is not None
            if render_all:
                self._derive_all(options, result, defer=False)
            elif not (remade and changes is not None and self._remake(options, changes, result)):
                self._derive_all(options, result)
        except RenderFailed:
            self._derive_all(options, result, defer=False)
        except ReadAgain as again:
            self._derive_all(options, result, sources=again.sources)
        except NeedsFullBuild:
            self._derive_all(options, result)
        except WriteFailure as failure:  # the folder is now partly old: all again next time
            report_write_failure(failure, options.root.resolve(), result.problems)
            self.state, self.written, self.written_keys = None, {}, {}
            return result
        result.timings["total"] = time.perf_counter() - started
        result.problems.extend(self.problems())
        if self.state is not None:
            result.pages = len(self.state.html)
            result.drafts = tuple(e.source.path for e in self.state.entries if e.draft)
        return result

    def problems(self) -> list[Problem]:
        found = list(self.loading_problems)
        if self.state is not None:
            for stage_problems in self.state.problems.values():
                found += stage_problems
        return found

    def _has_errors(self) -> bool:
        return any(p.is_error for p in self.problems())

    # --- every stage again ------------------------------------------------------------------

    def _derive_all(
        self,
        options: BuildOptions,
        result: BuildResult,
        defer: bool | None = None,
        sources: list[SourceFile] | None = None,
    ) -> None:
        """Every stage again; with `sources`, from those content files and the rest of the
        inputs as last read."""
        self.way = "full"
        defer = self.defer if defer is None else defer
        if sources is not None and self.state is not None:
            self.way = "fields"
            inputs = replace(self.state.inputs, sources=sources)
        else:
            loading = Problems()
            inputs = load_inputs(options, self.cache, loading, fingerprint=False)
            self.loading_problems = loading.items
        if inputs.config is None:
            self.state = None
            return
        problems = Problems()
        written_keys, viewed, deferred = self.written_keys, set(self.viewed), set()

        def is_current(path: str, key: str) -> bool:
            if written_keys.get(path) == key:
                return True
            if defer and path not in viewed:
                deferred.add(path)
                return True  # not rendered now: `pending`
            return False

        state = derive(
            options,
            inputs,
            self.cache,
            self.environment,
            problems,
            is_current,
            lambda path, html: html,
            lambda stage: nullcontext(),
        )
        self.state, self.until = state, valid_until(state.site, options.now)
        self.by_path, self.sources = {}, {}
        self.pending = {
            path: page for page in state.pages if (path := output_path(page.url)) in deferred
        }
        if self._has_errors():  # the error page shows them; the folder keeps the last pages
            result.written = WriteReport(0, 0, 0)
            return
        result.written = self._write(state.artifacts, state.keys, remove_others=True)
        state.artifacts = {path: self._settled(path, a) for path, a in state.artifacts.items()}
        self.cache.flush()
        if not self.templates_compiled:  # the pages rendered in workers: compile them here
            self.templates_compiled = True
            for name in self.environment.list_templates():
                with contextlib.suppress(Exception):  # a broken one is reported when used
                    self.environment.get_template(name)

    # --- piece by piece ----------------------------------------------------------------------

    def _remake(self, options: BuildOptions, changes: Changes, result: BuildResult) -> bool:
        """Remake what `changes` touched; False when only a full derivation can."""
        state = self.state
        assert state is not None
        if changes.needs_everything or self._has_errors():
            return False
        if self.until is not None and options.now > self.until:
            return False
        if not changes.template_keys <= self._all_reads():
            return False  # a template no page was made from yet (one computed at render time?)
        self.way = "none"
        outputs: dict[str, Artifact] = {}
        if changes.texts:
            outputs |= self._remake_texts(options, changes.texts)
            self.way = "texts"
        if changes.templates:
            outputs |= self._rerender(options, self._readers_of(changes.template_keys))
            self.way = "templates" if self.way == "none" else self.way + "+templates"
        if changes.static:
            outputs |= self._recopy(options, changes.static)
            self.way = "static" if self.way == "none" else self.way + "+static"
        result.written = self._write(outputs, state.keys)
        state.artifacts |= {path: self._settled(path, a) for path, a in outputs.items()}
        return True  # no `cache.flush()`: it would forget every result this remake did not use

    def _all_reads(self) -> set[str]:
        state = self.state
        assert state is not None
        return set().union(*state.reads.values())

    def _readers_of(self, keys: Collection[str]) -> set[str]:
        """The outputs that recorded a read of one of `keys`."""
        state = self.state
        assert state is not None
        wanted = set(keys)
        return {path for path, reads in state.reads.items() if reads & wanted}

    def _remake_texts(self, options: BuildOptions, paths: Collection[str]) -> dict[str, Artifact]:
        """Content files whose text changed but whose fields did not."""
        state = self.state
        assert state is not None and state.inputs.config is not None
        if not self.by_path:  # made once per derivation, kept up to date below
            self.by_path = {e.source.path: e for e in state.entries}
            self.sources = {s.shown_path: s for s in state.inputs.sources}
        by_path, sources = self.by_path, self.sources
        swaps: dict[int, Entry] = {}
        load_problems: list[Problem] = []
        for shown in paths:
            old, old_source = by_path.get(shown), sources.get(shown)
            if old is None or old_source is None:
                raise NeedsFullBuild  # a new file, or one that had an error
            found = Problems()
            source = read_source(
                options.root / shown, old_source.kind, options.content_root, options.root, found
            )
            if source is None:
                raise NeedsFullBuild
            entries = load_entries(
                [source],
                state.inputs.config,
                options.content_root,
                state.inputs.media,
                self.cache,
                found,
            )
            if len(entries) != 1 or not same_fields(old, entries[0]):
                raise self._read_again(options, paths)
            if text_key(shown) in state.plan_reads:
                raise self._read_again(options, paths)  # planned from its text: plan again
            swaps[id(old)] = entries[0]
            sources[shown] = source
            load_problems += found.items
        site = state.site.with_texts(swaps)
        new_bodies = render_bodies(list(swaps.values()), self.cache)
        bodies = state.bodies | new_bodies
        text_of = RecordingMapping(bodies, TEXT_PREFIX)
        affected = self._readers_of([text_key(path) for path in paths])
        reads = dict(state.reads)
        outputs: dict[str, Artifact] = {}
        # The pages that showed the old text.
        remade = [
            self._with_text(page, swaps, text_of)
            for page in state.pages
            if output_path(page.url) in affected
        ]
        if remade:
            outputs |= self._render(options, remade)
            reads |= {output_path(page.url): state.reads[output_path(page.url)] for page in remade}
        # The calendars that carried it.
        calendars = state.calendars
        calendar_paths = affected & state.calendar_files
        if calendar_paths:
            events = {e.slug for e in swaps.values() if isinstance(e, Event)}
            calendars = calendar_set(
                site, state.history, text_of, options.now, self.cache, calendars, events
            )
            outputs |= calendars.files(only=calendar_paths)
            reads |= calendars.file_reads(only=calendar_paths)
        # The feeds that quoted it.
        rest = affected - set(outputs)
        if rest:
            with recording() as feed_reads:
                feeds = feed_files(site, state.history, options.now, self.cache)
            if not rest <= set(feeds):
                raise NeedsFullBuild  # an output this engine cannot remake alone
            outputs |= feeds
            reads |= dict.fromkeys(feeds, frozenset(feed_reads))
        # The problems of the edited files: their own, and their pages' links.
        checked = Problems()
        check_body_links(remade, bodies, state.inputs.config, set(state.artifacts), checked)
        state.problems[LINK_CHECK] = [
            p for p in state.problems.get(LINK_CHECK, []) if p.path not in paths
        ] + checked.items
        state.problems[VALIDATION] = [
            p for p in state.problems.get(VALIDATION, []) if p.path not in paths
        ] + load_problems
        page_of = {page.url: page for page in remade}
        state.pages = [page_of.get(page.url, page) for page in state.pages]
        state.inputs.sources = [sources[s.shown_path] for s in state.inputs.sources]
        state.entries = [swaps.get(id(e), e) for e in state.entries]
        by_path |= {e.source.path: e for e in swaps.values()}
        state.site, state.bodies, state.calendars, state.reads = site, bodies, calendars, reads
        return outputs

    def _read_again(self, options: BuildOptions, paths: Collection[str]) -> NeedsFullBuild:
        """`ReadAgain` with `paths` read again, or `NeedsFullBuild` if one cannot be read."""
        state = self.state
        assert state is not None
        kept = {s.shown_path: s for s in state.inputs.sources}
        for shown in paths:
            old = kept.get(shown)
            if old is None:
                return NeedsFullBuild()
            source = read_source(
                options.root / shown, old.kind, options.content_root, options.root, Problems()
            )
            if source is None:
                return NeedsFullBuild()
            kept[shown] = source
        return ReadAgain(list(kept.values()))

    @staticmethod
    def _with_text(
        page: PageToRender, swaps: dict[int, Entry], text_of: RecordingMapping[RenderedBody]
    ) -> PageToRender:
        """The page with its content file's new text, its body made as the planner makes it."""
        source = page.source
        for entry in swaps.values():
            if source is not None and entry.source.path == source.path:
                source = entry.source
        with recording() as reads:
            body = page_body(text_of, source, page.site.base_path)
        return replace(page, source=source, body=body, reads=frozenset(reads))

    def _render(self, options: BuildOptions, pages: list[PageToRender]) -> dict[str, Artifact]:
        state = self.state
        assert state is not None
        for page in pages:
            self.pending.pop(output_path(page.url), None)
        problems = Problems()
        if self.fingerprints is None:
            self.fingerprints = TemplateFingerprints(self.environment)
        html, keys = render_pages(
            self.environment,
            pages,
            options.templates_root,
            options.root.resolve(),
            self.cache,
            problems,
            lambda path, key: False,
            fingerprints=self.fingerprints,
        )
        if problems.items:
            raise RenderFailed  # a template fails: report it with every other problem
        state.keys |= keys
        state.html |= html
        return dict(html)

    def _rerender(self, options: BuildOptions, affected: set[str]) -> dict[str, Artifact]:
        """Pages whose templates changed, from the contexts already planned."""
        state = self.state
        assert state is not None
        pages = [page for page in state.pages if output_path(page.url) in affected]
        if self.defer:
            viewed = set(self.viewed)
            later = [page for page in pages if output_path(page.url) not in viewed]
            self.pending |= {output_path(page.url): page for page in later}
            pages = [page for page in pages if output_path(page.url) in viewed]
        return self._render(options, pages)

    # --- pages made when asked for -----------------------------------------------------------

    def ensure(self, path: str) -> bool:
        """Make the page at `path` now if it is pending; False if it failed to render."""
        page = self.pending.get(path)
        return page is None or self._render_pending([page])

    def drain(self, seconds: float) -> bool:
        """Make pending pages, one at a time, for about `seconds`; False if one failed to
        render. A slice this short keeps the server answering and the next edit waiting
        for one page at most."""
        deadline = time.perf_counter() + seconds
        while self.pending and time.perf_counter() < deadline:
            if not self._render_pending([next(iter(self.pending.values()))]):
                return False
        return True

    def _render_pending(self, pages: list[PageToRender]) -> bool:
        state = self.state
        assert state is not None
        try:
            made = self._render(self.options, pages)
        except RenderFailed:
            return False
        self._write(made, state.keys)
        state.artifacts |= {path: self._settled(path, a) for path, a in made.items()}
        return True

    def _recopy(self, options: BuildOptions, paths: Collection[str]) -> dict[str, Artifact]:
        """Static files changed in place (a new or deleted one changes the site's list of
        files, which the link check and `_headers` read: that takes a full derivation)."""
        state = self.state
        assert state is not None
        outputs: dict[str, Artifact] = {}
        for shown in paths:  # a static file's output path is its path in the project
            source = options.root / shown
            if shown not in state.artifacts or not source.is_file() or source.is_symlink():
                raise NeedsFullBuild
            outputs[shown] = source
        return outputs

    # --- the preview folder ------------------------------------------------------------------

    def _write(
        self, artifacts: dict[str, Artifact], keys: dict[str, str], remove_others: bool = False
    ) -> WriteReport:
        """Write the files whose bytes changed (pages with their `keys`); with
        `remove_others`, delete the files this preview wrote that are no longer made (and,
        the first time, whatever an earlier preview left in the folder)."""
        folder = self.folder
        written = unchanged = 0
        for path, artifact in artifacts.items():
            if isinstance(artifact, Kept):
                unchanged += 1
                continue
            if isinstance(artifact, Path):  # a static or media file: compared by its stat
                try:
                    facts = artifact.stat()
                except OSError as error:
                    raise WriteFailure(artifact, error) from error
                stamp = f"{facts.st_size}:{facts.st_mtime_ns}"
            elif isinstance(artifact, bytes):
                stamp = hashlib.sha256(artifact).hexdigest()
            else:
                raise TypeError(f"{path}: cannot write {type(artifact).__name__}")
            target = folder / path
            if self.written.get(path) == stamp and target.is_file():
                unchanged += 1
                continue
            part = target.with_name(target.name + ".part")
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(artifact, Path):
                    shutil.copyfile(artifact, part)
                else:
                    part.write_bytes(artifact)
                part.replace(target)
            except OSError as error:
                with contextlib.suppress(OSError):
                    part.unlink(missing_ok=True)
                raise WriteFailure(target, error) from error
            self.written[path] = stamp
            if path in keys:
                self.written_keys[path] = keys[path]
            written += 1
        removed = self._remove_others(set(artifacts)) if remove_others else 0
        return WriteReport(written, unchanged, removed)

    def _remove_others(self, keep: set[str]) -> int:
        if self.folder_checked:
            gone = [self.folder / path for path in set(self.written) - keep]
        else:  # the first time: the folder may hold an earlier session's files
            self.folder_checked = True
            gone = [p for p in self.folder.rglob("*") if p.is_file() or p.is_symlink()]
            gone = [p for p in gone if p.relative_to(self.folder).as_posix() not in keep]
        for path in gone:
            path.unlink(missing_ok=True)
            relative = path.relative_to(self.folder).as_posix()
            self.written.pop(relative, None)
            self.written_keys.pop(relative, None)
            for parent in path.parents:  # the folders it leaves empty
                if parent == self.folder or any(parent.iterdir()):
                    break
                parent.rmdir()
        return len(gone)

    def _settled(self, path: str, artifact: Artifact) -> Artifact:
        """Once written, a page need not stay in memory: its key says what it is."""
        state = self.state
        if state is not None and isinstance(artifact, bytes) and path in state.keys:
            return Kept(state.keys[path])
        return artifact


def same_fields(old: Entry, new: Entry) -> bool:
    """Whether two versions of an entry differ in their file's body alone."""
    if type(old) is not type(new):
        return False
    head = old.source.full_text[: old.source.body_start]
    if new.source.full_text[: new.source.body_start] != head:
        return False
    return replace(new, source=old.source) == old
