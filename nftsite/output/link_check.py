"""Check that every internal link and image of the content leads to a file of the built site."""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import unquote, urljoin, urlsplit

from nftsite.content.kinds import kind_named
from nftsite.content.sources import SourceFile
from nftsite.core.problems import Position, Problem, Problems, Severity
from nftsite.core.urls import output_path
from nftsite.link.site import Site
from nftsite.model.models import Entry, SiteConfig, Source
from nftsite.render.context import PageToRender
from nftsite.render.markdown import CONTROL, BodyProblem, RenderedBody


def internal_path(link: str, page_url: str, base_url: str) -> str | None:
    """The site path a link points to, or None for another site, an anchor, mail or phone."""
    if link.startswith(base_url + "/") or link == base_url:
        link = link[len(base_url) :] or "/"
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return unquote(urljoin(page_url, parts.path))


def resolves(path: str, outputs: Collection[str]) -> bool:
    candidate = output_path(path)
    return candidate in outputs or (not path.endswith("/") and candidate + "/index.html" in outputs)


def check_body_links(
    pages: list[PageToRender],
    bodies: dict[str, RenderedBody],
    config: SiteConfig,
    outputs: Collection[str],
    problems: Problems,
) -> None:
    """Report each broken internal link or image at its line in the content file, and what
    the Markdown stage found wrong in the text itself (refused HTML, control characters…)."""
    for page in pages:
        if page.source is None:
            continue
        body = bodies[page.source.path]
        for found in body.problems:
            report_body_problem(page.source, found, problems)
        for link in body.links:
            path = internal_path(link, page.url, config.home_url)
            if path is not None and not resolves(path, outputs):
                report(
                    page.source,
                    link,
                    f"lien cassé : « {link} » ne mène à aucune page du site",
                    "vérifiez l'adresse ; une page du site s'écrit /agenda/nom-du-fichier/",
                    problems,
                )
        for src, alt in body.images:
            path = internal_path(src, page.url, config.home_url)
            if path is None:
                report(
                    page.source,
                    src,
                    "image sur un autre site : les pages ne chargent rien d'ailleurs",
                    "enregistrez l'image dans content/media/ et écrivez ![description](media/nom.jpg)",
                    problems,
                )
            elif not resolves(path, outputs):
                report(
                    page.source,
                    src,
                    f"image introuvable : « {src} »",
                    "placez le fichier dans content/media/",
                    problems,
                )
            if not alt.strip():
                report(
                    page.source,
                    src,
                    "image sans texte alternatif",
                    "décrivez l'image entre les crochets : ![Façade de Seine Innopolis](media/…)",
                    problems,
                    error=False,
                )


def report_body_problem(source: Source, found: BodyProblem, problems: Problems) -> None:
    line = source.body_line + found.line - 1
    lines = source.text.split("\n")  # the lines the body's own numbering counts
    shown = lines[line - 1].rstrip(" \t") if 1 <= line <= len(lines) else ""
    problems.add(
        Problem(
            source.path,
            Position(line, found.column),
            "texte",
            found.message,
            found.hint,
            Severity.ERROR,
            CONTROL.sub(visible, shown),
        )
    )


def visible(match: re.Match[str]) -> str:
    """A control character as its printable picture (␀, ␛…), so the caret shows it."""
    code = ord(match[0])
    return chr(0x2400 + code) if code < 0x20 else "\u2421" if code == 0x7F else "\ufffd"


def report(
    source: Source, target: str, message: str, hint: str, problems: Problems, error: bool = True
) -> None:
    line, column = locate(source, target)
    problems.add(
        Problem(
            source.path,
            Position(line, column),
            "texte",
            message,
            hint,
            Severity.ERROR if error else Severity.WARNING,
            source.line_text(line),
        )
    )


def locate(source: Source, target: str) -> tuple[int, int]:
    """Line and column of a link target in the body, as the author wrote it."""
    needles = (target, target.lstrip("/"))
    for number, text in enumerate(
        source.text.splitlines()[source.body_line - 1 :], start=source.body_line
    ):
        for needle in needles:
            column = text.find(needle)
            if needle and column >= 0:
                return number, column + 1
    return source.body_line, 0


def failed_outputs(sources: list[SourceFile], entries: list[Entry], site: Site) -> set[str]:
    """Pages of entries left out for an error of their own (drafts excepted): a link to them
    is not reported as broken on top of that error."""
    accounted = {e.source.path for e in entries if e.draft} | {
        e.source.path for e in site.entries()
    }
    return {
        output_path(kind_named(s.kind).entry_url(s.slug))
        for s in sources
        if s.shown_path not in accounted
    }


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
