"""The build, on one screen: load -> validate -> link -> render -> write."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from jinja2 import Environment

from nftsite.content.assets import media_files, media_sizes, static_files
from nftsite.content.config import load_site_config
from nftsite.content.entries import load_entries
from nftsite.content.kinds import kind_named
from nftsite.content.media_images import image_facts
from nftsite.content.media_scripts import check_media_scripts
from nftsite.content.sources import SourceFile, discover
from nftsite.core.artifacts import Artifact
from nftsite.core.cache import CACHE_FILE, Cache
from nftsite.core.folders import CONTENT_FOLDER, OUTPUT_FOLDER, TEMPLATES_FOLDER
from nftsite.core.memory import give_back
from nftsite.core.oserrors import WriteFailure, cause
from nftsite.core.problems import Position, Problem, Problems, Severity
from nftsite.core.reads import TEXT_PREFIX, RecordingMapping, recording, template_key
from nftsite.core.urls import output_path
from nftsite.link.history import History, current_commit, read_history, report_history
from nftsite.link.redirects import redirects
from nftsite.link.site import Site, link_site
from nftsite.model.models import Entry, SiteConfig
from nftsite.output.folder import exclusive
from nftsite.output.link_check import check_body_links, check_navigation, failed_outputs
from nftsite.output.search_index import SearchIndex, SearchIndexFailure
from nftsite.output.tree import Manifest, Staging, WriteReport, write_output
from nftsite.render import crawl
from nftsite.render.calendars import CalendarSet, calendar_set
from nftsite.render.feeds import feed_files
from nftsite.render.hostfiles import host_files
from nftsite.render.html import TemplateFingerprints, make_environment, render_pages
from nftsite.render.markdown import RenderedBody, render_bodies
from nftsite.render.ogimage import og_image_files
from nftsite.render.pages import PageToRender
from nftsite.render.plan import plan_pages
from nftsite.unchanged import (
    BuildRecord,
    find_unchanged,
    input_fingerprint,
    record_key,
    valid_until,
)

STAGES = (
    "chargement",
    "validation",
    "liens",
    "historique git",
    "markdown",
    "pages",
    "agendas et flux",
    "vérification des liens",
    "écriture",
)
"""The build's stages in the order `build` runs them, as `--timings` and the progress bar
name them (a build that stops early, or finds nothing changed, runs only the first ones)."""


@dataclass(frozen=True)
class BuildOptions:
    """Everything a build depends on besides the files: nothing is read from globals."""

    root: Path
    now: datetime
    """The moment "upcoming" is measured from; pass it in for reproducible builds."""
    output: Path | None = None
    drafts: bool = False
    write: bool = True
    """False for `check`: run every stage, write nothing."""
    use_cache: bool = True
    """Reuse the results of earlier builds kept in `.cache/` (keyed by content)."""
    base_url: str | None = None
    """Where this build is published (`--base-url`), if not at site.yaml's `base_url`."""
    search_index: bool = True
    """Run Pagefind on the new tree (`output/search_index.py`); the preview does not."""

    @property
    def content_root(self) -> Path:
        return self.root / CONTENT_FOLDER

    @property
    def templates_root(self) -> Path:
        return self.root / TEMPLATES_FOLDER

    @property
    def output_root(self) -> Path:
        return self.output or self.root / OUTPUT_FOLDER


@dataclass
class BuildResult:
    problems: Problems = field(default_factory=Problems)
    artifacts: dict[str, Artifact] = field(default_factory=dict)
    pages: int = 0
    written: WriteReport | None = None
    timings: dict[str, float] = field(default_factory=dict)
    skipped: bool = False
    """Nothing changed since the last build of the same output: nothing was redone."""
    drafts: tuple[str, ...] = ()
    """The content files marked `draft: true`, so the summary can name them."""
    on_stage: Callable[[str], None] | None = None
    """Told the name of each stage as it starts (the command line's progress display)."""


def build(
    options: BuildOptions,
    cache: Cache | None = None,
    environment: Environment | None = None,
    on_stage: Callable[[str], None] | None = None,
    on_wait: Callable[[], None] | None = None,
) -> BuildResult:
    """Run every stage, collecting problems; replace `output/` only if there is no error.

    A running preview passes the same `cache` and Jinja `environment` to every rebuild, so
    compiled templates and unchanged results are reused (Jinja reloads a changed template).
    A build that writes holds the output folder's lock (`on_wait` is told when it must wait
    for another build); one that does not (`check`) reads nothing of `output/`.
    """
    result = BuildResult(on_stage=on_stage)
    options = replace(options, output=options.output_root.resolve())
    owns_cache = cache is None  # a preview's cache outlives the build; ours does not
    if cache is None:
        # kept on disk only: nothing in this process asks for its values after this build
        cache = Cache(
            options.root.resolve() / CACHE_FILE if options.use_cache else None, keep=False
        )
    try:
        if not options.write:
            return _build(options, cache, environment, result)
        with exclusive(options.output_root, on_wait):
            return _build(options, cache, environment, result)
    except WriteFailure as failure:  # the lock file could not be made
        report_write_failure(failure, options.root.resolve(), result.problems)
        return result
    finally:
        if owns_cache:
            cache.close()  # now, not whenever the collector gets to it: no -wal file lingers
        for warning in cache.warnings:
            result.problems.add(
                Problem(
                    str(CACHE_FILE.parent) + "/", Position(), "", warning, severity=Severity.WARNING
                )
            )
        cache.warnings.clear()


@dataclass
class Inputs:
    """What the build reads first: site.yaml, the content files, the media files."""

    config: SiteConfig | None
    sources: list[SourceFile]
    media: dict[str, Artifact]
    fingerprint: str = ""


@dataclass
class SiteState:
    """Everything a build derived from its inputs, kept by the live preview between edits
    (`live/`) so that an edit remakes only what read what it changed."""

    inputs: Inputs
    entries: list[Entry]
    site: Site
    history: History
    bodies: dict[str, RenderedBody]
    pages: list[PageToRender]
    html: dict[str, Artifact]
    """The pages that rendered, by output path (also in `artifacts`)."""
    keys: dict[str, str]
    """Each page's key (`render.html.page_key`): the page is current when its key is."""
    calendars: CalendarSet
    artifacts: dict[str, Artifact]
    reads: dict[str, frozenset[str]]
    """{output path: what it read} (`core/reads.py`), for every output made from content."""
    calendar_files: frozenset[str]
    """The output paths of the calendars (`calendars`)."""
    plan_reads: frozenset[str]
    """What planning read besides each page's own body: every page depends on it."""
    problems: dict[str, list[Problem]]
    """The problems each stage found, by stage name (`STAGES`)."""


def _build(
    options: BuildOptions, cache: Cache, environment: Environment | None, result: BuildResult
) -> BuildResult:
    problems = result.problems
    root = options.root.resolve()
    with timed(result, "chargement"):
        inputs = load_inputs(options, cache, problems)
    if inputs.config is None:
        return result
    if options.write and options.use_cache and not problems.has_errors():
        record = find_unchanged(
            cache, inputs.fingerprint, options.now, options.output_root, options.drafts
        )
        if record is not None:  # same inputs, same span of time: output/ is already right
            problems.extend(record.problems)
            result.pages, result.skipped = record.pages, True
            result.drafts = record.drafts
            result.written = WriteReport(0, record.files, 0)
            return result
    # Pages wait in the next output tree, beside output/, until the build has succeeded.
    staging = None
    search = SearchIndex(options.output_root) if options.search_index else None
    try:
        manifest = Manifest.load(options.output_root, cache)
        staging = Staging(options.output_root) if options.write else None
        state = derive(
            options,
            inputs,
            cache,
            environment or make_environment(options.templates_root),
            problems,
            manifest.is_current,
            staging.stage if staging else lambda path, html: html,
            lambda stage: timed(result, stage),
            # Pagefind runs while the rest is made, as soon as the pages are staged.
            pages_staged=(lambda: search.start(staging.root))
            if staging is not None and search is not None
            else None,
        )
        result.drafts = tuple(entry.source.path for entry in state.entries if entry.draft)
        result.artifacts, result.pages = state.artifacts, len(state.html)
        if problems.has_errors() or staging is None:
            return result
        # Everything that can fail comes before output/ is replaced; nothing after it can.
        record = BuildRecord(
            inputs.fingerprint,
            options.now,
            valid_until(state.site, options.now),
            len(state.html),
            len(state.artifacts),
            tuple(problems.warnings),
            result.drafts,
        )
        keys = state.keys
        del state, inputs  # texts, bodies, pages: writing needs none of them, nor does Pagefind
        give_back()
        with timed(result, "écriture"):
            # The search index is made from the complete new tree, before it is swapped in.
            result.written = write_output(
                manifest,
                result.artifacts,
                keys,
                staging,
                derive=search.index if search is not None else None,
            )
    except WriteFailure as failure:
        report_write_failure(failure, root, problems)
        return result
    except SearchIndexFailure as failure:
        report_search_failure(failure, root, options.output_root, problems)
        return result
    finally:
        if staging is not None:
            if search is not None:
                search.close()  # first: Pagefind may still be reading the staged pages
            staging.discard()
    if result.written is not None:  # the files Pagefind added count, too
        record = replace(record, files=result.written.written + result.written.unchanged)
    manifest.save(cache)
    cache.store("build-record", record_key(options.output_root, options.drafts), record)
    cache.flush()
    return result


def load_inputs(
    options: BuildOptions, cache: Cache, problems: Problems, fingerprint: bool = True
) -> Inputs:
    """site.yaml, the content files and the media files, with a hash of every input (which
    the live preview, knowing what changed, does without)."""
    root, content_root = options.root.resolve(), options.content_root.resolve()
    config = load_site_config(content_root, root, problems, cache, options.base_url)
    sources = discover(content_root, root, problems)
    media = media_files(content_root)
    if not fingerprint:
        return Inputs(config, sources, media)
    inputs_hash = input_fingerprint(
        root, sources, current_commit(root), options.drafts, options.output_root, options.base_url
    )
    return Inputs(config, sources, media, inputs_hash)


def derive(
    options: BuildOptions,
    inputs: Inputs,
    cache: Cache,
    environment: Environment,
    problems: Problems,
    is_current: Callable[[str, str], bool],
    deliver: Callable[[str, bytes], Artifact],
    stage: Callable[[str], AbstractContextManager[None]],
    pages_staged: Callable[[], None] | None = None,
) -> SiteState:
    """Every stage from validation to the link check: the whole site, as data.

    Rendered pages are handed to `deliver` as they come (`render.html.render_pages`); what
    each output read is recorded (`core/reads.py`) and kept in the state.
    """
    config, sources, media = inputs.config, inputs.sources, inputs.media
    assert config is not None
    root, content_root = options.root.resolve(), options.content_root.resolve()
    found: dict[str, list[Problem]] = {}

    @contextmanager
    def step(name: str) -> Iterator[None]:
        before = len(problems.items)
        with stage(name):
            yield
        found[name] = found.get(name, []) + problems.items[before:]

    with step("validation"):
        check_media_scripts(media, problems)
        entries = load_entries(sources, config, content_root, media, cache, problems)
    with step("liens"):
        site = link_site(config, entries, options.drafts, problems)
    with step("historique git"):
        history = read_history(
            root,
            [s.shown_path for s in sources],
            with_texts=[s.shown_path for s in sources if kind_named(s.kind).reads_versions],
            cache=cache,
        )
        report_history(history, problems)
    with step("markdown"):
        bodies = render_bodies(site.entries(), cache)
    text_of = RecordingMapping(bodies, TEXT_PREFIX)  # a read of a body is a read of its text
    with step("pages"):
        moved = redirects(list(site.entries()), history)
        with recording() as plan_reads:
            pages = plan_pages(
                site, text_of, options.now, media_sizes(media), moved, cache, image_facts(media)
            )
        html, keys = render_pages(
            environment,
            pages,
            options.templates_root,
            root,
            cache,
            problems,
            is_current,
            deliver,
        )
        if pages_staged is not None:  # every page is handed over: the build may index them
            pages_staged()
        with recording() as preview_reads:
            # parked like the pages, so their bytes do not wait in memory for the write stage
            previews = {
                path: deliver(path, png)
                for path, png in og_image_files(pages, site.config, cache).items()
            }  # the pages' og:image
    with step("agendas et flux"):
        calendars = calendar_set(site, history, text_of, options.now, cache)
        with recording() as feed_reads:
            feeds = feed_files(site, history, options.now, cache)
    with recording() as crawl_reads:
        crawled = crawl.crawler_files(pages, config.base_url)
    templates = TemplateFingerprints(environment)
    reads = {
        **{
            output_path(page.url): page.reads
            | {template_key(name) for name in templates.closure(page.template)}
            for page in pages
        },
        **dict.fromkeys(previews, frozenset(preview_reads)),
        **calendars.file_reads(),
        **dict.fromkeys(feeds, frozenset(feed_reads)),
        **dict.fromkeys(crawled, frozenset(crawl_reads)),
    }
    ics = calendars.files()
    artifacts: dict[str, Artifact] = {
        **static_files(root),
        **media,
        **html,
        **previews,
        **ics,
        **feeds,
        **crawled,
    }
    artifacts |= host_files(artifacts)  # `_headers`: the feeds' types for static hosts
    with step("vérification des liens"):
        known = set(artifacts) | failed_outputs(sources, entries, site)
        check_body_links(pages, bodies, config, known, problems)
        check_navigation(config, known, problems)
    return SiteState(
        inputs,
        entries,
        site,
        history,
        bodies,
        pages,
        html,
        keys,
        calendars,
        artifacts,
        reads,
        frozenset(ics),
        frozenset(plan_reads),
        found,
    )


def report_write_failure(failure: WriteFailure, root: Path, problems: Problems) -> None:
    """The system refused a write: said in French, at the path it refused."""
    what, remedy = cause(failure.error)
    try:
        shown = failure.path.relative_to(root).as_posix()
    except ValueError:
        shown = str(failure.path)
    problems.add(Problem(shown, Position(), "", f"écriture impossible : {what}", remedy))


def report_search_failure(
    failure: SearchIndexFailure, root: Path, output_root: Path, problems: Problems
) -> None:
    """Pagefind failed: said in French; `output/` was left as it was."""
    try:
        shown = output_root.relative_to(root).as_posix()
    except ValueError:
        shown = str(output_root)
    problems.add(
        Problem(
            f"{shown}/pagefind/",
            Position(),
            "",
            f"index de recherche impossible : {failure}",
            "le site n'a pas été mis à jour ; corrigez la cause puis relancez la construction",
        )
    )


@contextmanager
def timed(result: BuildResult, stage: str) -> Iterator[None]:
    """Time one of the `STAGES` and tell `on_stage` it starts."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}: add it to pipeline.STAGES")
    if result.on_stage is not None:
        result.on_stage(stage)
    started = time.perf_counter()
    yield
    result.timings[stage] = result.timings.get(stage, 0.0) + time.perf_counter() - started
