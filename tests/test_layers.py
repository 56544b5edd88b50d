"""The package's folders follow the pipeline, and imports flow one way.

    core < model < content < link < render < output < pipeline, partners < commands

A module imports only from its own folder and from folders to its left: rendering never
reaches into writing, loading never into rendering. The top-level modules `pipeline.py` and
`unchanged.py` (the build on one screen, and its "nothing changed" shortcut) sit above the
stages, beside `partners/` (`nftsite import`, which reads and checks content like the build
but never renders or writes output/); `commands/` (what a person runs) sits on top. The imports are read from the source
with `ast`, so a function-local import counts as much as one at the top of a file.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "nftsite"

LAYERS = (
    ("core",),
    ("model",),
    ("content",),
    ("link",),
    ("render",),
    ("output",),
    ("pipeline", "unchanged", "partners", "__init__"),
    ("live",),
    ("commands", "__main__"),
)
"""Left to right; a part is a subpackage, or a module at the package's top."""

RANK = {part: rank for rank, parts in enumerate(LAYERS) for part in parts}


def part_of(module: str) -> str:
    """'nftsite.render.plan' -> 'render'; 'nftsite.pipeline' -> 'pipeline'."""
    return module.split(".")[1]


def module_name(path: Path, package: Path = PACKAGE) -> str:
    relative = path.relative_to(package.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__" and len(parts) > 2:
        parts.pop()
    return ".".join(parts)


def importer_of(path: Path, package: Path = PACKAGE) -> str:
    """The part a file belongs to; the package's own `__init__.py` is a top-level module."""
    name = module_name(path, package)
    return part_of(name) if name != "nftsite" else "__init__"


def imports_of(path: Path, package_root: Path = PACKAGE) -> set[str]:
    """Every `nftsite.…` module a file imports, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path, package_root)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            if module == "nftsite":  # `from nftsite import pipeline`
                found.update(f"nftsite.{alias.name}" for alias in node.names)
            else:
                found.add(module)
    return {name for name in found if name.startswith("nftsite.") and len(name.split(".")) > 1}


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """{importing part: {imported part, …}} over every module of the package."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path in sorted(package.rglob("*.py")):
        importer = importer_of(path, package)
        for imported in imports_of(path, package):
            part = part_of(imported)
            if part in RANK and part != importer:
                graph[importer].add(part)
    return graph


def violations(package: Path = PACKAGE) -> list[str]:
    """'render imports output (nftsite/render/html.py: nftsite.output.tree)' for each breach."""
    found = []
    for path in sorted(package.rglob("*.py")):
        importer = importer_of(path, package)
        for imported in sorted(imports_of(path, package)):
            part = part_of(imported)
            if part in RANK and RANK[part] > RANK[importer]:
                shown = path.relative_to(package.parent).as_posix()
                found.append(f"{importer} imports {part} ({shown}: {imported})")
    return found


def test_every_part_of_the_package_has_a_layer():
    parts = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    parts |= {p.stem for p in PACKAGE.glob("*.py")}
    assert parts == set(RANK), "a new folder or top-level module needs its place in LAYERS"


def test_no_module_imports_a_later_stage():
    assert violations() == []


def test_the_graph_of_parts_has_no_cycle():
    graph = import_graph()
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(part: str, path: tuple[str, ...]) -> None:
        assert part not in visiting, "import cycle: " + " -> ".join((*path, part))
        if part in done:
            return
        visiting.add(part)
        for imported in sorted(graph.get(part, ())):
            visit(imported, (*path, part))
        visiting.discard(part)
        done.add(part)

    for part in sorted(graph):
        visit(part, ())
    assert done, "the package has no import at all: the walk read nothing"


@pytest.mark.parametrize(
    ("where", "line"),
    [
        ("render/html.py", "from nftsite.output.tree import Manifest\n"),
        ("content/sources.py", "from nftsite.render import markdown\n"),
        ("core/urls.py", "from ..model.models import Event\n"),
        ("link/site.py", "def late():\n    from nftsite.commands import cli\n"),
    ],
)
def test_the_rule_catches_an_import_of_a_later_stage(tmp_path, where, line):
    copy = tmp_path / "nftsite"
    for path in PACKAGE.rglob("*.py"):
        target = copy / path.relative_to(PACKAGE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    with (copy / where).open("a", encoding="utf-8") as file:
        file.write("\n" + line)
    assert len(violations(copy)) == 1, violations(copy)
