"""Render the page plan through Jinja2 into bytes; template mistakes become positioned problems."""

from __future__ import annotations

import json
import traceback
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .context import PageToRender
from .problems import Position, Problems, SourceReporter
from .urls import output_path


def make_environment(templates_root: Path) -> jinja2.Environment:
    """Autoescaping everywhere and StrictUndefined: a typo in a template fails loudly."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_root),
        autoescape=jinja2.select_autoescape(("html", "xml"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["json_ld"] = json_ld
    return environment


def json_ld(data: dict[str, Any]) -> Markup:
    """JSON for a <script type="application/ld+json">: '<' escaped so no tag can close it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def render_pages(
    environment: jinja2.Environment,
    pages: list[PageToRender],
    templates_root: Path,
    display_root: Path,
    problems: Problems,
) -> dict[str, bytes]:
    """{output path: HTML bytes} for every page that rendered."""
    rendered: dict[str, bytes] = {}
    for page in pages:
        try:
            template = environment.get_template(page.template)
            html = template.render(page.context)
        except jinja2.TemplateSyntaxError as error:
            report_template_error(
                error, error.filename, error.lineno, templates_root, display_root, problems
            )
            continue
        except jinja2.TemplateNotFound as error:
            report_template_error(
                error,
                None,
                0,
                templates_root,
                display_root,
                problems,
                message=f"gabarit introuvable : {error.name}",
            )
            continue
        except Exception as error:
            filename, line = template_frame(error, templates_root)
            report_template_error(error, filename, line, templates_root, display_root, problems)
            continue
        rendered[output_path(page.url)] = html.encode("utf-8")
    return rendered


def template_frame(error: BaseException, templates_root: Path) -> tuple[str | None, int]:
    """The innermost template file and line in a render traceback (Jinja rewrites frames)."""
    root = str(templates_root.resolve())
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename and str(Path(frame.filename).resolve()).startswith(root):
            return frame.filename, frame.lineno or 0
    return None, 0


def report_template_error(
    error: BaseException,
    filename: str | None,
    line: int | None,
    templates_root: Path,
    display_root: Path,
    problems: Problems,
    message: str = "",
) -> None:
    path = Path(filename) if filename else templates_root
    try:
        shown = path.resolve().relative_to(display_root.resolve()).as_posix()
    except ValueError:
        shown = path.as_posix()
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    reporter = SourceReporter(shown, text, problems)
    detail = message or f"erreur de gabarit : {getattr(error, 'message', None) or error}"
    reporter.error(
        Position(line or 0, 0),
        "",
        detail,
        "corrigez le gabarit à cette ligne (variable mal orthographiée, balise non fermée…)",
    )
