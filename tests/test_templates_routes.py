"""No route is typed by hand in templates/: every site address comes from `nftsite.core.urls`.

A template writes `site.path(urls.AGENDA)` or `site.path(event.url)`, never "/agenda/", so a
route changed in `urls.py` changes everywhere at once. Two places a literal could hide are
checked, each with Jinja's own parser: string constants inside `{{ }}`/`{% %}` that start with
"/", and href/src/action attributes of the literal HTML (read with Python's HTML parser) whose
value starts with "/". There is no deliberate exception today; one would be listed in
ALLOWED as (template, literal) with the reason beside it.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
ROUTE_ATTRIBUTES = {"href", "src", "action", "formaction", "poster"}

ALLOWED: set[tuple[str, str]] = set()
"""(template, literal) pairs kept on purpose, each with its reason in a comment."""


class _LiteralAttributes(HTMLParser):
    """Collects href/src/action values that start with '/' in literal HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ROUTE_ATTRIBUTES and value and value.lstrip().startswith("/"):
                self.found.append(value)


def literal_routes(source: str) -> list[str]:
    """The site paths a template's text types by hand (in expressions or in its HTML)."""
    tree = jinja2.Environment().parse(source)
    found = [
        const.value
        for const in tree.find_all(nodes.Const)
        if isinstance(const.value, str) and const.value.startswith("/")
    ]
    # The HTML around the Jinja tags, with each tag replaced by a placeholder (so that
    # `href="{{ x }}"` reads as a value that is not a site path).
    html = "".join(
        data.data if isinstance(data, nodes.TemplateData) else "x"
        for output in tree.find_all(nodes.Output)
        for data in output.nodes
    )
    parser = _LiteralAttributes()
    parser.feed(html)
    return found + parser.found


def template_files() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_templates_are_found() -> None:
    names = {path.relative_to(TEMPLATES).as_posix() for path in template_files()}
    assert {"base.html", "agenda.html", "event.html", "partials/event_item.html"} <= names


@pytest.mark.parametrize(
    "path", template_files(), ids=lambda p: p.relative_to(TEMPLATES).as_posix()
)
def test_no_route_typed_by_hand(path: Path) -> None:
    name = path.relative_to(TEMPLATES).as_posix()
    literals = [
        r for r in literal_routes(path.read_text(encoding="utf-8")) if (name, r) not in ALLOWED
    ]
    assert literals == [], f"{name}: write these with `urls` (nftsite/core/urls.py): {literals}"


@pytest.mark.parametrize(
    "source",
    [
        "<a href=\"{{ site.path('/abonnement/') }}\">x</a>",
        '{% if meta.url == "/" %}x{% endif %}',
        '<a href="/agenda/">x</a>',
        '<link rel="stylesheet" href="/static/site.css">',
        '{% for x in y %}<img src="/media/a.png">{% endfor %}',
        "<a href=\"{{ site.path('/startups/theme/' ~ t.slug ~ '/') }}\">x</a>",
    ],
)
def test_a_literal_route_is_caught(source: str) -> None:
    assert literal_routes(source) != []


@pytest.mark.parametrize(
    "source",
    [
        '<a href="{{ site.path(urls.SUBSCRIBE) }}">x</a>',
        '<a href="{{ site.path(event.url) }}">x</a>',
        '<a href="#contenu">x</a>',
        '<a href="mailto:{{ site.contact }}">x</a>',
        '{% include "partials/event_item.html" %}',
        "<link href=\"{{ site.path(urls.STATIC ~ 'site.css') }}\">",
    ],
)
def test_what_is_not_a_literal_route(source: str) -> None:
    assert literal_routes(source) == []
