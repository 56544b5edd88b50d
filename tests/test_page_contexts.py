"""Each template's page class holds exactly what the template reads, and its cache key covers it.

What a template reads is found by Jinja's own analysis (`meta.find_undeclared_variables`) of
the template, of the templates it extends and of the partials it includes; what it is given
is the page class's fields plus what every page gets (`site`, `meta`, `urls`, and `body` on
a content file's page).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from jinja2 import meta, nodes

from nftsite.core.cache import Cache
from nftsite.core.problems import Problems
from nftsite.render.html import make_environment, render_pages
from nftsite.render.pages import (
    PAGE_CLASSES,
    AgendaItem,
    ArchivesPage,
    Group,
    PageContext,
    PageMeta,
    PageToRender,
    RedirectPage,
    SiteView,
)
from nftsite.render.views import Link

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
EVERY_PAGE = {"site", "meta", "urls"}
PARTIAL_PARAMETERS = {"item", "level", "loop_index", "startup", "feed"}
"""What an includer sets for a partial (`{% with %}` or its loop), as each partial's
comment says; `feed` is also the agenda page's own field."""

_ENVIRONMENT = make_environment(TEMPLATES)


def read_variables(name: str, seen: frozenset[str] = frozenset()) -> set[str]:
    """The variables a template, what it extends and what it includes read from outside."""
    source = TEMPLATES.joinpath(name).read_text(encoding="utf-8")
    tree = _ENVIRONMENT.parse(source)
    found = set(meta.find_undeclared_variables(tree))
    for node in tree.find_all((nodes.Extends, nodes.Include)):
        ref = node.template
        assert isinstance(ref, nodes.Const), f"{name}: a computed template name"
        if ref.value not in seen:
            found |= read_variables(ref.value, seen | {name})
    return found


def given(page_class: type[PageContext]) -> set[str]:
    own = {f.name for f in dataclasses.fields(page_class)}
    return own | EVERY_PAGE | ({"body"} if page_class.shows_body else set())


def test_one_class_per_template() -> None:
    templates = [c.template for c in PAGE_CLASSES]
    assert len(set(templates)) == len(templates)
    top_level = {p.name for p in TEMPLATES.glob("*.html")} - {"base.html"}
    assert set(templates) == top_level


@pytest.mark.parametrize("page_class", PAGE_CLASSES, ids=lambda c: c.__name__)
def test_the_class_holds_what_its_template_reads(page_class: type[PageContext]) -> None:
    read = read_variables(page_class.template)
    assert read - PARTIAL_PARAMETERS <= given(page_class), "read but not given"
    # `site`, `meta` and `urls` go to every page (the redirect page has no use for `meta`).
    assert given(page_class) - EVERY_PAGE <= read, "given but never read"


@pytest.mark.parametrize("page_class", PAGE_CLASSES, ids=lambda c: c.__name__)
def test_no_field_shadows_a_common_variable(page_class: type[PageContext]) -> None:
    own = {f.name for f in dataclasses.fields(page_class)}
    assert not own & (EVERY_PAGE | {"body"})


def test_a_missing_field_is_caught() -> None:
    """The check above can fail: a page class without `groups` does not cover archives."""
    read = read_variables("archives.html")
    assert "groups" in read
    assert not read <= {"site", "meta", "urls"}


# --- the cache key covers every variable ----------------------------------------------------

SITE = SiteView("T", "", "", "https://example.org", "fr", "c@example.org", (), ())


def keys_of(pages: list[PageToRender], tmp_path: Path) -> dict[str, str]:
    _, keys = render_pages(
        make_environment(TEMPLATES),
        pages,
        TEMPLATES,
        tmp_path,
        Cache(None),
        Problems(),
        is_current=lambda path, key: True,  # nothing renders: only the keys are computed
    )
    return keys


def page(url: str, shown: PageContext, meta: PageMeta | None = None) -> PageToRender:
    return PageToRender(url, shown, meta or PageMeta("t", "d", url, "c" + url), SITE)


def test_the_key_changes_with_every_field(tmp_path: Path) -> None:
    base = RedirectPage("/a/", "https://example.org/a/")
    variants = [dataclasses.replace(base, **{f.name: "x"}) for f in dataclasses.fields(base)]
    keys = [keys_of([page("/p/", shown)], tmp_path)["p/index.html"] for shown in [base, *variants]]
    assert len(set(keys)) == len(keys) == 3


def test_the_key_sees_a_change_deep_in_a_view(tmp_path: Path) -> None:
    def archives(label: str) -> PageToRender:
        event = Link(label, "/agenda/x/")  # any frozen value stands for a view here
        item = AgendaItem(event, "le 1er", date(2026, 1, 1))  # type: ignore[arg-type]
        return page("/agenda/archives/", ArchivesPage((Group("2026", "2026", (item,)),)))

    first = keys_of([archives("Avant")], tmp_path)
    second = keys_of([archives("Après")], tmp_path)
    assert first != second


def test_the_key_sees_meta_and_site(tmp_path: Path) -> None:
    shown = RedirectPage("/a/", "https://example.org/a/")
    plain = keys_of([page("/p/", shown)], tmp_path)
    other_meta = keys_of([page("/p/", shown, PageMeta("u", "d", "/p/", "c/p/"))], tmp_path)
    other_site = keys_of(
        [dataclasses.replace(page("/p/", shown), site=dataclasses.replace(SITE, title="U"))],
        tmp_path,
    )
    assert len({plain["p/index.html"], other_meta["p/index.html"], other_site["p/index.html"]}) == 3
