"""Render the page plan through Jinja2 into bytes; template mistakes become positioned problems."""

from __future__ import annotations

import contextlib
import json
import pickle
import traceback
from collections.abc import Callable
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta
from jinja2.loaders import split_template_path
from markupsafe import Markup

from nftsite.core import urls
from nftsite.core.artifacts import Artifact, Kept
from nftsite.core.cache import Cache, digest
from nftsite.core.oserrors import cause
from nftsite.core.parallel import parallel_imap
from nftsite.core.problems import Position, Problems, SourceReporter
from nftsite.core.urls import output_path
from nftsite.render.pages import PageToRender
from nftsite.render.typography import typeset_html


class TemplateUnreadable(Exception):
    """A template that exists but cannot be used as it is: unreadable, not UTF-8, or a link
    leading out of the project. Its message is French, for the report."""

    def __init__(self, name: str, path: Path, message: str, hint: str) -> None:
        super().__init__(message)
        self.name, self.path, self.message, self.hint = name, path, message, hint


class ProjectLoader(jinja2.FileSystemLoader):
    """Jinja's file loader, kept inside the project: a template reached through a link
    leading out of it is never read, and what cannot be read is a `TemplateUnreadable`."""

    def __init__(self, templates_root: Path) -> None:
        super().__init__(templates_root)
        self.root = templates_root
        self.project = templates_root.parent

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = self.root.joinpath(*split_template_path(template))
        try:
            inside = path.resolve().is_relative_to(self.project.resolve())
        except (OSError, RuntimeError):
            inside = False
        if not inside:
            raise TemplateUnreadable(
                template,
                path,
                f"gabarit hors du projet (lien symbolique) : {template}",
                "remplacez le lien par le fichier du gabarit lui-même",
            )
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError:
            raise TemplateUnreadable(
                template,
                path,
                f"gabarit illisible (pas enregistré en UTF-8) : {template}",
                "enregistrez le gabarit en UTF-8",
            ) from None
        except OSError as error:
            reason, hint = cause(error)
            raise TemplateUnreadable(
                template, path, f"gabarit illisible ({reason}) : {template}", hint
            ) from None


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once per process, for every environment `make_environment` makes.

    Compiling the templates cost a small site's build most of its time, again in each new
    environment (a preview's full rebuild after a template folder change, each build of a
    test run). Jinja keys a compiled template by its name and file, and checks it against
    its source's hash before use: an edited template is compiled again, and its errors keep
    their own file. Every environment shares the options below, which shape the code."""

    LIMIT = 512
    """Compiled templates kept (a project has a few dozen); the oldest go first."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code.pop(bucket.key, None)
        self._code[bucket.key] = bucket.bytecode_to_string()
        while len(self._code) > self.LIMIT:
            del self._code[next(iter(self._code))]


COMPILED = CompiledTemplates()


def make_environment(templates_root: Path) -> jinja2.Environment:
    """Autoescaping everywhere and StrictUndefined: a typo in a template fails loudly."""
    environment = jinja2.Environment(
        loader=ProjectLoader(templates_root),
        bytecode_cache=COMPILED,
        autoescape=jinja2.select_autoescape(("html", "xml"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["json_ld"] = json_ld
    # The routes, so that a template writes `site.path(urls.AGENDA)`, never "/agenda/".
    environment.globals["urls"] = urls
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
    cache: Cache,
    problems: Problems,
    is_current: Callable[[str, str], bool],
    deliver: Callable[[str, bytes], Artifact] = lambda path, html: html,
    fingerprints: TemplateFingerprints | None = None,
) -> tuple[dict[str, Artifact], dict[str, str]]:
    """({output path: HTML}, {output path: key}) for every page that rendered.

    A page's key covers its templates (with what they extend and include) and its whole
    context; when `is_current(path, key)` says the output folder already holds the page made
    from the same key, it is kept rather than rendered: editing one event re-renders its page
    and the lists that show it, editing a template the pages that use it, and nothing else.
    Each rendered page is handed to `deliver(path, html)` as soon as it is ready (the output
    stage parks it beside `output/`), so the rendered pages need not all stay in memory;
    rendering itself never writes. `fingerprints` may be kept by a caller that knows the
    templates have not changed since (the live preview, between template edits).
    """
    rendered: dict[str, Artifact] = {}
    keys: dict[str, str] = {}
    fingerprint = fingerprints or TemplateFingerprints(environment)
    to_render = []
    for page in pages:
        path = output_path(page.url)
        try:
            template_key = fingerprint(page.template)
        except (jinja2.TemplateNotFound, TemplateUnreadable):
            to_render.append(page)  # reported below, when rendering it fails
            continue
        variables = page.variables()
        names = tuple(variables)
        inputs = (template_key, page.template, page.url, names, *variables.values(), page.body)
        key = keys[path] = cache.memo(
            "page-key", inputs, partial(page_key, template_key, page.template, variables, page.body)
        )
        if is_current(path, key):
            rendered[path] = Kept(key)
        else:
            to_render.append(page)
    results = parallel_imap(partial(render_or_none, environment), to_render)
    for page, html in zip(to_render, results, strict=True):
        if html is None:  # again here, where the error can be reported with its line
            html = render_reporting(environment, page, templates_root, display_root, problems)
        if html is not None:
            path = output_path(page.url)
            rendered[path] = deliver(path, html)
    return rendered, keys


def render_or_none(environment: jinja2.Environment, page: PageToRender) -> bytes | None:
    """The page, or None when a template fails (a worker cannot send the traceback back)."""
    try:
        return render_page(environment, page)
    except Exception:
        return None


def render_reporting(
    environment: jinja2.Environment,
    page: PageToRender,
    templates_root: Path,
    display_root: Path,
    problems: Problems,
) -> bytes | None:
    """The page, or None with the template mistake reported at its file and line."""
    try:
        return render_page(environment, page)
    except jinja2.TemplateSyntaxError as error:
        report_template_error(
            error, error.filename, error.lineno, templates_root, display_root, problems
        )
    except TemplateUnreadable as error:
        report_unreadable_template(error, display_root, problems)
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
    except Exception as error:
        filename, line = template_frame(error, templates_root)
        report_template_error(error, filename, line, templates_root, display_root, problems)
    return None


def page_key(template_key: str, template: str, variables: dict[str, object], body: str) -> str:
    """What a page is made from: its templates, every one of its variables (`site`, `meta`
    and each field of its page class, by name) and its body. pickle is a faithful, fast
    serialization of them (views, dates, text)."""
    serialized = pickle.dumps(variables, protocol=pickle.HIGHEST_PROTOCOL)
    return digest(template_key, template, serialized, body)


def render_page(environment: jinja2.Environment, page: PageToRender) -> bytes:
    """The page's HTML, with French typography set in its text (`render.typography`): one
    pass over every page, so bodies, templates and views all get it. The pass is code, so
    the cache's code fingerprint already covers it in each page's key."""
    html = environment.get_template(page.template).render(page.render_context())
    return typeset_html(html).encode("utf-8")


@lru_cache(maxsize=256)
def referenced_templates(source: str) -> tuple[str, ...] | None:
    """The templates a template's text extends or includes; None if one is computed at render
    time. A pure function of the text, so a running preview parses each version once."""
    try:
        found = list(meta.find_referenced_templates(_PARSER.parse(source)))
    except jinja2.TemplateSyntaxError:
        return ()  # reported when the page renders
    names = tuple(ref for ref in found if ref is not None)
    return names if len(names) == len(found) else None


_PARSER = jinja2.Environment()
"""Only parses template text (for the names above); never renders."""


class TemplateFingerprints:
    """A hash of a template and of every template it extends or includes, transitively."""

    def __init__(self, environment: jinja2.Environment) -> None:
        self.environment = environment
        self.known: dict[str, str] = {}
        self.closures: dict[str, frozenset[str]] = {}

    def __call__(self, name: str) -> str:
        if name not in self.known:
            self.known[name] = ""  # a template that includes itself is not followed twice
            self.closures[name] = frozenset({name})
            loader = self.environment.loader
            assert loader is not None
            source, _, _ = loader.get_source(self.environment, name)
            names = referenced_templates(source)
            if names is None:  # an include computed at render time
                names = tuple(self.environment.list_templates())
            self.known[name] = digest(source, *(self(ref) for ref in sorted(names)))
            self.closures[name] = self.closures[name].union(
                *(self.closures.get(ref, frozenset({ref})) for ref in names)
            )
        return self.known[name]

    def closure(self, name: str) -> frozenset[str]:
        """The template and every template it extends, includes or imports, transitively
        (every template, past an include computed at render time)."""
        with contextlib.suppress(jinja2.TemplateNotFound, TemplateUnreadable):
            self(name)  # else the page fails to render, and says so
        return self.closures.get(name, frozenset({name}))


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
    try:
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
    except (OSError, UnicodeDecodeError):
        text = ""  # the problem is still reported, without the line quoted
    reporter = SourceReporter(shown, text, problems)
    detail = message or f"erreur de gabarit : {getattr(error, 'message', None) or error}"
    reporter.error(
        Position(line or 0, 0),
        "",
        detail,
        "corrigez le gabarit à cette ligne (variable mal orthographiée, balise non fermée…)",
    )


def report_unreadable_template(
    error: TemplateUnreadable, display_root: Path, problems: Problems
) -> None:
    try:
        shown = error.path.relative_to(display_root).as_posix()
    except ValueError:
        shown = error.path.as_posix()
    SourceReporter(shown, "", problems).error(Position(), "", error.message, error.hint)
