"""The build, on one screen: load -> validate -> link -> render -> write."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import crawl, urls
from .assets import media_files, static_files
from .calendars import calendar_files
from .config import load_site_config
from .context import plan_pages
from .entries import load_entry
from .feeds import feed_files
from .history import History, read_history
from .html import make_environment, render_pages
from .links import check_body_links, resolves
from .markdown import MarkdownRenderer, RenderedBody
from .models import Entry, SiteConfig
from .output import Artifact, WriteReport, write_output
from .problems import Position, Problem, Problems, Severity
from .redirects import redirects
from .site import Site, link_site
from .sources import SourceFile, discover

CONTENT_FOLDER = "content"
TEMPLATES_FOLDER = "templates"
OUTPUT_FOLDER = "output"


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

    @property
    def succeeded(self) -> bool:
        return not self.problems.has_errors()


def build(options: BuildOptions) -> BuildResult:
    """Run every stage, collecting problems; write `output/` only if there is no error."""
    result = BuildResult()
    problems = result.problems
    root = options.root.resolve()
    content_root = options.content_root.resolve()
    with timed(result, "chargement"):
        config = load_site_config(content_root, root, problems)
        sources = discover(content_root, root, problems)
    if config is None:
        return result
    with timed(result, "validation"):
        entries = [e for s in sources if (e := load_entry(s, config, content_root, problems))]
    with timed(result, "liens"):
        site = link_site(config, entries, options.drafts, problems)
    with timed(result, "historique git"):
        history = read_history(
            root,
            [s.shown_path for s in sources],
            with_texts=[s.shown_path for s in sources if s.kind == "event"],
        )
        report_history(history, problems)
    with timed(result, "markdown"):
        bodies = render_bodies(site)
    with timed(result, "pages"):
        media = media_files(content_root)
        sizes = {
            path: artifact.stat().st_size
            for path, artifact in media.items()
            if isinstance(artifact, Path)
        }
        pages = plan_pages(
            site, bodies, options.now, sizes, redirects(list(site.entries()), history)
        )
        environment = make_environment(options.templates_root)
        html = render_pages(environment, pages, options.templates_root, root, problems)
    artifacts: dict[str, Artifact] = {**static_files(root), **media, **html}
    with timed(result, "agendas et flux"):
        artifacts.update(calendar_files(site, history, bodies, options.now))
        artifacts.update(feed_files(site, history, options.now))
    artifacts["sitemap.xml"] = crawl.sitemap(pages, config.base_url)
    artifacts["robots.txt"] = crawl.robots(config.base_url)
    with timed(result, "vérification des liens"):
        known = set(artifacts) | failed_outputs(sources, entries, site)
        check_body_links(pages, bodies, config, known, problems)
        check_navigation(config, known, problems)
    result.artifacts, result.pages = artifacts, len(html)
    if problems.has_errors() or not options.write:
        return result
    with timed(result, "écriture"):
        result.written = write_output(options.output_root, artifacts)
    return result


def render_bodies(site: Site) -> dict[str, RenderedBody]:
    """Every entry's Markdown body as HTML, keyed by its source path."""
    renderer = MarkdownRenderer()
    return {entry.source.path: renderer.render(entry.source.body) for entry in site.entries()}


def failed_outputs(sources: list[SourceFile], entries: list[Entry], site: Site) -> set[str]:
    """Pages of entries left out for an error of their own (drafts excepted): a link to them
    is not reported as broken on top of that error."""
    url_of = {
        "event": urls.event_url,
        "startup": urls.startup_url,
        "place": urls.place_url,
        "press": urls.press_url,
        "page": urls.page_url,
    }
    drafts = {e.source.path for e in entries if e.draft}
    published = {e.source.path for e in site.entries()}
    return {
        urls.output_path(url_of[s.kind](s.slug))
        for s in sources
        if s.shown_path not in drafts | published
    }


def report_history(history: History, problems: Problems) -> None:
    """Without full git history, calendar identities fall back to file paths: say so."""
    if not history.in_git:
        problems.add(
            Problem(
                CONTENT_FOLDER,
                Position(),
                "",
                "pas d'historique git : identifiants d'agenda tirés des noms de fichiers "
                "actuels, dates de modification fixes",
                "construisez depuis un clone git du dépôt pour des agendas exacts",
                Severity.WARNING,
            )
        )
    elif history.shallow:
        problems.add(
            Problem(
                CONTENT_FOLDER,
                Position(),
                "",
                "historique git incomplet (clone superficiel) : un fichier renommé "
                "pourrait changer d'identifiant d'agenda",
                "clonez le dépôt en entier (git fetch --unshallow)",
                Severity.WARNING,
            )
        )


def check_navigation(config: SiteConfig, known: set[str], problems: Problems) -> None:
    assert config.source is not None
    position = config.source.position("navigation")
    for item in config.navigation:
        if item.url.startswith("/") and not resolves(item.url, known):
            problems.add(
                Problem(
                    config.source.path,
                    position,
                    "navigation",
                    f"lien cassé dans le menu : « {item.url} »",
                    "vérifiez l'adresse, par exemple /agenda/ ou /a-propos/",
                )
            )


@contextmanager
def timed(result: BuildResult, stage: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    result.timings[stage] = result.timings.get(stage, 0.0) + time.perf_counter() - started


__all__ = ["BuildOptions", "BuildResult", "Position", "build"]
