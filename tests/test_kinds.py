"""The content kinds registry (nftsite/content/kinds.py) holds the model, the schema, the
templates, the scaffold and docs/guide-contenu.md in step, and stays the only list of kinds."""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import io
import re
import typing
import unicodedata

import pytest

from nftsite.commands.cli import main
from nftsite.commands.scaffold import kind_named
from nftsite.content.kinds import KINDS, ContentKind, kind_in_folder
from nftsite.core import urls
from nftsite.model.models import Entry

from .conftest import REPO, InlineSite
from .test_authoring import git_init

GUIDE = REPO / "docs" / "guide-contenu.md"
PACKAGE = REPO / "nftsite"

NOT_FIELDS = {
    "source": "the file itself (path, slug, text, field positions): set by entries.py, "
    "never written in a front matter",
}
"""Attributes of a model dataclass that are deliberately not front matter fields."""


def kind_ids(kind: ContentKind) -> str:
    return kind.name


# --- Registry -----------------------------------------------------------------------------------


def test_every_model_has_exactly_one_kind():
    assert sorted(m.__name__ for m in typing.get_args(Entry)) == sorted(
        kind.model.__name__ for kind in KINDS
    )


@pytest.mark.parametrize(
    "attribute", ["name", "french", "folder", "model", "entry_template", "list_url"]
)
def test_what_identifies_a_kind_is_never_shared(attribute):
    values = [getattr(kind, attribute) for kind in KINDS]
    values = [value for value in values if value is not None]
    assert len(values) == len(set(values)), attribute


def test_every_name_new_accepts_leads_to_one_kind():
    spellings = [s for kind in KINDS for s in (kind.name, kind.french, *kind.aliases)]
    # The same spelling for two kinds would send `nftsite new` to the wrong folder.
    owners = {s: {k.name for k in KINDS if s in (k.name, k.french, *k.aliases)} for s in spellings}
    assert all(len(names) == 1 for names in owners.values()), owners
    for kind in KINDS:
        for spelling in (kind.name, kind.french, *kind.aliases):
            # kind_named folds what is typed to NFC lower case: a key in another form is dead.
            assert spelling == unicodedata.normalize("NFC", spelling).casefold()
            assert kind_named(spelling.upper()) == kind.name


def test_a_kind_is_found_by_its_folder():
    for kind in KINDS:
        assert kind_in_folder(kind.folder) is kind
    assert kind_in_folder("media") is None


# --- Model and schema ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=kind_ids)
def test_the_model_holds_exactly_the_fields_of_the_schema(kind):
    attributes = {f.name for f in dataclasses.fields(kind.model)} - set(NOT_FIELDS)
    assert attributes == {spec.model_name for spec in kind.fields}
    assert kind.title_field in attributes


# --- Guide --------------------------------------------------------------------------------------

SECTION = re.compile(r"^## \d+\. .*— `content/(?P<folder>[^/`]+)/`[ \t]*$", re.MULTILINE)
"""`## 2. Événements — \\`content/events/\\``: the guide's section for one content folder."""
NEXT_SECTION = re.compile(r"^## \d+\. ", re.MULTILINE)
"""Numbered: the examples' own `## Au programme` headings, inside code blocks, are not it."""


def kind_sections(guide: str) -> dict[str, str]:
    """{content folder: the text of its section, up to the next numbered section}."""
    sections = {}
    for match in SECTION.finditer(guide):
        following = NEXT_SECTION.search(guide, match.end())
        sections[match["folder"]] = guide[match.end() : following.start() if following else None]
    return sections


def undocumented(guide: str) -> list[tuple[str, str]]:
    """(kind, field) for each field without its row in its kind's table of the guide;
    (kind, "") for a kind with no section."""
    sections = kind_sections(guide)
    missing = []
    for kind in KINDS:
        section = sections.get(kind.folder)
        if section is None:
            missing.append((kind.name, ""))
            continue
        for spec in kind.fields:
            if not re.search(rf"^\| `{re.escape(spec.name)}` \|", section, re.MULTILINE):
                missing.append((kind.name, spec.name))
    return missing


def test_every_field_of_every_kind_is_documented_in_its_section_of_the_guide():
    assert undocumented(GUIDE.read_text(encoding="utf-8")) == []


def test_the_guide_check_names_the_field_and_the_kind_left_out():
    guide = GUIDE.read_text(encoding="utf-8")
    startups = kind_sections(guide)["startups"]
    row = next(line for line in startups.splitlines() if line.startswith("| `place` |"))
    # `place` stays documented for events: only the startups' section loses it.
    edited = guide.replace(startups, startups.replace(row + "\n", ""))
    assert edited != guide and "| `place` |" in edited
    assert undocumented(edited) == [("startup", "place")]


def test_the_guide_check_names_a_kind_without_a_section():
    guide = GUIDE.read_text(encoding="utf-8")
    edited = guide.replace("— `content/press/`", "— communiqués")
    assert undocumented(edited) == [("press", "")]


# --- Templates and scaffold ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=kind_ids)
def test_the_templates_of_each_kind_exist(kind):
    for name in (kind.entry_template, kind.list_template):
        assert name is None or (REPO / "templates" / name).is_file(), name
    assert (kind.list_template is None) == (kind.list_url is None)


@pytest.mark.parametrize("kind", KINDS, ids=kind_ids)
def test_the_scaffold_of_each_kind_is_accepted_by_check_once_published(make_site, kind):
    site: InlineSite = make_site()
    git_init(site.root)  # else the only warning says there is no history
    before = site.run(command="check")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(["new", kind.french, "Atelier numérique", "--root", str(site.root)])
    assert code == 0
    (path,) = (site.root / "content" / kind.folder).rglob("*.md")
    text = path.read_text(encoding="utf-8")
    assert "\ndraft: true\n" in text and text.endswith(f"---\n{kind.scaffold_body}\n")
    path.write_text(text.replace("\ndraft: true\n", "\n"), encoding="utf-8")
    check = site.run(command="check")
    assert check.exit_code == 0, check.stderr
    assert "brouillon" not in check.stderr and " 0 avertissement(s)" in check.stderr, check.stderr
    # published, with its own page (and, for events and startups, the combination pages
    # its city and themes fill: how many is the facets' business, tested there)
    assert pages(check.stderr) > pages(before.stderr)
    build = site.run()
    assert build.exit_code == 0 and " 0 avertissement(s)" in build.stderr, build.stderr
    own = urls.output_path(kind.entry_url(path.stem))
    assert (site.output / own).is_file(), own


def pages(summary: str) -> int:
    match = re.search(r"Contenu valide : (\d+) pages", summary)
    assert match, summary
    return int(match[1])


# --- No other list of kinds in the package ------------------------------------------------------

PENDING: dict[tuple[str, str], str] = {}
"""Tables of kinds known to remain, each with why and how it goes; nothing else is allowed."""


def kind_words() -> dict[str, str]:
    """{word: kind} for every way the code could spell a kind: string literals quoted (a
    variable named `event` is no table), names bare."""
    words = {}
    for kind in KINDS:
        for word in (kind.name, kind.french, *kind.aliases, kind.folder):
            words[repr(word)] = kind.name  # as a string literal
        words[kind.model.__name__] = kind.name  # as a name: the model, the URL function
        words[kind.entry_url.__name__] = kind.name
    return words


def kind_tables(tree: ast.Module) -> list[tuple[int, str, set[str]]]:
    """(line, assigned name or "", kinds) for every dict, list, tuple or set literal that
    names two kinds or more: a table that a new kind would have to join."""
    words = kind_words()
    narrowing = {  # isinstance(entry, (Event, Startup)): the type checker needs these
        id(node.args[1])
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "isinstance"
        if len(node.args) == 2
    }
    targets = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            names = node.targets if isinstance(node, ast.Assign) else [node.target]
            targets[id(node.value)] = ", ".join(getattr(n, "id", "") for n in names)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            items = [*(k for k in node.keys if k is not None), *node.values]
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)) and id(node) not in narrowing:
            items = list(node.elts)
        else:
            continue
        kinds = set()
        for item in items:
            if isinstance(item, ast.Constant) and isinstance(item.value, str):
                word = repr(item.value)
            elif isinstance(item, ast.Name):
                word = item.id
            elif isinstance(item, ast.Attribute):
                word = item.attr
            else:
                continue
            if word in words:
                kinds.add(words[word])
        if len(kinds) >= 2:
            found.append((node.lineno, targets.get(id(node), ""), kinds))
    return found


def package_modules() -> list[tuple[str, str]]:
    return [
        (path.relative_to(REPO).as_posix(), path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "kinds.py" or path.parent.name != "content"
    ]


def test_no_module_but_the_registry_lists_the_kinds():
    found = [
        f"{shown}:{line} {name or 'literal'} names {sorted(kinds)}"
        for shown, text in package_modules()
        for line, name, kinds in kind_tables(ast.parse(text))
        if (shown, name) not in PENDING
    ]
    assert found == []


def test_no_module_but_the_registry_spells_two_content_folders():
    folders = {kind.folder for kind in KINDS}
    found = {}
    for shown, text in package_modules():
        spelled = {
            node.value
            for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.Constant) and node.value in folders
        }
        if len(spelled) >= 2:
            found[shown] = sorted(spelled)
    assert found == {}


def test_the_table_finder_finds_the_tables_this_registry_replaced():
    """The finder itself must be able to fail: the old tables, as they were written."""
    old = """
KIND_FOLDERS = {"events": "event", "startups": "startup"}
URL_OF_KIND = {Event: urls.event_url, Startup: urls.startup_url}
def f(kind):
    return kind in ("startup", "place")
ok = isinstance(entry, (Event, Startup))
"""
    found = kind_tables(ast.parse(old))
    assert [(line, name) for line, name, _ in found] == [
        (2, "KIND_FOLDERS"),
        (3, "URL_OF_KIND"),
        (5, ""),
    ]


def test_every_pending_table_still_exists():
    """A table listed in PENDING that has gone must leave the list, so it cannot come back."""
    present = {
        (shown, name)
        for shown, text in package_modules()
        for _, name, _ in kind_tables(ast.parse(text))
    }
    assert set(PENDING) <= present
