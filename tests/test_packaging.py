"""One way to install and run the tool: the lock, the Makefile, the test tiers, a fresh clone.

The lock (`requirements.txt`) is read line by line here and pyproject.toml with `tomllib`;
version ranges are judged by `packaging`, pip's own library, and installed versions by pip
and `importlib.metadata`. The fresh-clone tests copy the repository as it would be committed
(a `git clone` plus the working tree's uncommitted changes) and run `make` there in a shell
with no virtual environment on its PATH, as a newcomer would.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .conftest import REPO

LOCK = REPO / "requirements.txt"
PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;[^\\]*)?\\?$")
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}\s*\\?$")
SYSTEM_TOOLS = re.compile(
    r"chromium|\bvnu\b|vnu\.jar|\baxe\b|node_modules|node-ical|icalglib|/usr/bin/python3|\"java\"",
    re.IGNORECASE,
)
"""How a test reaches Chromium, Java (vnu.jar), Node.js packages or libical."""
HEAVY_MODULES = {"test_browser", "test_accessibility", "test_calendar_engines"}
SLOW_MODULES = {"test_kill_during_build"}


@dataclass(frozen=True)
class Pin:
    version: str
    hashes: int


def read_lock() -> dict[str, Pin]:
    """`name==version` lines, each followed by its `--hash` lines; anything else fails."""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for number, line in enumerate(LOCK.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if match := PIN.fullmatch(stripped):
            current = canonicalize_name(match[1])
            assert current not in pins, f"requirements.txt:{number}: {current} pinned twice"
            pins[current] = (match[2], 0)
        elif HASH.fullmatch(stripped) and current is not None:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
        else:
            pytest.fail(f"requirements.txt:{number}: neither a pin nor a hash: {line!r}")
    return {name: Pin(version, hashes) for name, (version, hashes) in pins.items()}


def declared() -> list[tuple[str, Requirement]]:
    """Every requirement of pyproject.toml: the build backend, the dependencies, each extra."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    found = [("build-system", Requirement(r)) for r in project["build-system"]["requires"]]
    found += [("dependencies", Requirement(r)) for r in project["project"]["dependencies"]]
    for extra, requirements in project["project"]["optional-dependencies"].items():
        found += [(f"extra {extra}", Requirement(r)) for r in requirements]
    return found


# --- The lock ------------------------------------------------------------------------------


def test_every_dependency_pyproject_declares_is_pinned_within_its_range() -> None:
    pins = read_lock()
    missing = []
    for where, requirement in declared():
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None or not requirement.specifier.contains(pin.version, prereleases=True):
            got = pin.version if pin else "absent"
            missing.append(f"{requirement} ({where}): {got}")
    assert not missing, "requirements.txt is out of date, run `make lock`:\n" + "\n".join(missing)


def test_every_pin_of_the_lock_carries_its_hashes() -> None:
    pins = read_lock()
    assert len(pins) > len(declared()), "the lock holds no indirect dependency"
    assert not [name for name, pin in pins.items() if pin.hashes == 0]


def test_the_tests_run_on_exactly_the_locked_versions() -> None:
    """This environment is the one CI and `make` install: every locked version, no other."""
    wrong = []
    for name, pin in read_lock().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "absent"
        if installed != pin.version:
            wrong.append(f"{name}: locked {pin.version}, installed {installed}")
    assert not wrong, "run `make test` (it reinstalls .venv/ from the lock):\n" + "\n".join(wrong)


# --- The Makefile and CI -------------------------------------------------------------------


def dry_run(*target: str) -> list[str]:
    """The commands `make` would run from scratch (`-B`: as if nothing were installed)."""
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", *target],
        cwd=REPO,
        env=plain_shell(),
        capture_output=True,
        text=True,
        check=True,
    )
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


def test_make_installs_the_lock_with_hashes_and_resolves_nothing_else() -> None:
    lines = dry_run("site")
    installs = [shlex.split(line) for line in lines if " pip " in f" {line} " and "install" in line]
    assert installs, lines
    for words in installs:
        from_lock = "--require-hashes" in words and words[words.index("-r") + 1] == LOCK.name
        project_alone = "--no-deps" in words and "--no-build-isolation" in words
        assert from_lock or project_alone, f"an install that resolves on its own: {words}"
    first_lock = next(i for i, w in enumerate(installs) if "--require-hashes" in w)
    first_project = next(i for i, w in enumerate(installs) if "--no-deps" in w)
    assert first_lock < first_project
    assert any(line.endswith("pip --quiet --disable-pip-version-check check") for line in lines)


def test_ci_runs_exactly_the_readmes_test_command_and_it_lints_first() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## On a fresh machine\n.*?```sh\n(.*?)```", readme, re.DOTALL)
    assert block, "README: no command block under « On a fresh machine »"
    commands = [line.split("#")[0].strip() for line in block[1].splitlines()]
    assert commands == ["make site", "make test"]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    run = [line for line in ci if line and not line.startswith(("#", "set ", "cd "))]
    assert run == ["make test"]
    lines = dry_run("test")
    pytest_at = next(i for i, line in enumerate(lines) if "-m pytest" in line)
    for tool in ("ruff check", "ruff format --check", "mypy"):
        assert any(tool in line for line in lines[:pytest_at]), f"make test runs no {tool} first"


def fast_selection() -> str:
    """The `-m` expression of `make test-fast`, as make would pass it."""
    line = next(line for line in dry_run("test-fast") if "-m pytest" in line)
    assert not [x for x in dry_run("test-fast") if "install-system-deps" in x or "npm" in x]
    words = shlex.split(line)
    return words[words.index("-m", words.index("pytest")) + 1]


def uses_system_tools(path: Path) -> set[str]:
    """Test functions that reach a system tool, directly or through the module's own helpers,
    fixtures and constants (followed until nothing new is found)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):  # words in docstrings reach nothing
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                node.body = node.body[1:] or [ast.Pass()]
    named: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            named[node.name] = ast.unparse(node)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            text = ast.unparse(node)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    named[target.id] = text
    tainted = {name for name, text in named.items() if SYSTEM_TOOLS.search(text)}
    while True:
        more = {
            name
            for name, text in named.items()
            if name not in tainted and any(re.search(rf"\b{t}\b", text) for t in tainted)
        }
        if not more:
            return {name for name in tainted if name.startswith("test_")}
        tainted |= more


def test_the_fast_tier_leaves_out_every_test_of_chromium_java_node_libical_and_kill() -> None:
    selection = fast_selection()
    collected = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            selection,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert collected.returncode == 0, collected.stdout + collected.stderr
    fast = [line for line in collected.stdout.splitlines() if "::" in line]
    assert len(fast) > 100, collected.stdout
    modules = {Path(node.split("::")[0]).stem for node in fast}
    assert not modules & (HEAVY_MODULES | SLOW_MODULES)
    heavy = []
    for path in sorted((REPO / "tests").glob("test_*.py")):
        if path.name == Path(__file__).name:  # names the tools without using them
            continue
        for function in uses_system_tools(path):
            prefix = f"tests/{path.name}::{function}"
            heavy += [node for node in fast if node == prefix or node.startswith(prefix + "[")]
    assert not heavy, "in the fast tier but needing a system tool:\n" + "\n".join(heavy)


# --- A fresh clone -------------------------------------------------------------------------


def plain_shell() -> dict[str, str]:
    """A newcomer's environment: no virtual environment active, no make of ours around."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "MAKEFLAGS", "MFLAGS")
        and name not in ("MAKELEVEL", "ARGS", "PYTEST_ARGS", "KIND", "TITRE", "DATE")
    }
    venvs = {str(Path(sys.prefix) / "bin"), str(REPO / ".venv" / "bin")}
    env["PATH"] = os.pathsep.join(
        part
        for part in env.get("PATH", "").split(os.pathsep)
        if part and part not in venvs and "/.venv/" not in part + "/"
    )
    return env


@dataclass
class Clone:
    root: Path
    env: dict[str, str]
    setup: subprocess.CompletedProcess[str]
    seconds: float

    def make(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["make", "--no-print-directory", *arguments],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )


def uncommitted(repo: Path) -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--modified", "--others", "--exclude-standard"],
        cwd=repo,
        capture_output=True,
        check=True,
    ).stdout
    return sorted({name for name in listed.decode().split("\0") if name})


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clone]:
    """The repository cloned as it would be committed, then `make site` there."""
    root = tmp_path_factory.mktemp("fresh") / "site"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(root)], check=True)
    for name in uncommitted(REPO):
        source, target = REPO / name, root / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        elif target.is_file():
            target.unlink()
    env = plain_shell()
    assert shutil.which("nftsite", path=env["PATH"]) is None, "nftsite is on the PATH already"
    started = time.monotonic()
    setup = subprocess.run(
        ["make", "--no-print-directory", "site"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    yield Clone(root, env, setup, time.monotonic() - started)


@pytest.mark.slow
def test_a_fresh_clone_builds_the_site_with_make_site(clone: Clone) -> None:
    assert clone.setup.returncode == 0, clone.setup.stdout + clone.setup.stderr
    assert (clone.root / "output" / "index.html").is_file()
    assert "Site construit" in clone.setup.stderr, clone.setup.stderr
    assert clone.seconds < 180, f"make site took {clone.seconds:.0f} s on a fresh clone"


@pytest.mark.slow
def test_a_fresh_clone_installs_exactly_the_lock(clone: Clone) -> None:
    assert clone.setup.returncode == 0, clone.setup.stderr
    listed = subprocess.run(
        [str(clone.root / ".venv" / "bin" / "python"), "-m", "pip", "list", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
        env=clone.env,
    )
    installed = {canonicalize_name(p["name"]): p["version"] for p in json.loads(listed.stdout)}
    assert installed.pop("nftsite", None) is not None, "the project itself is not installed"
    locked = {name: pin.version for name, pin in read_lock().items()}
    assert installed == locked
    assert locked["python-dateutil"].startswith("2."), "python-dateutil 3+ is not what tests run"


def new_files(clone: Clone, before: set[Path]) -> list[Path]:
    return sorted(set((clone.root / "content").rglob("*.md")) - before)


def front_matter(path: Path) -> dict[str, Any]:
    """The entry's front matter as PyYAML reads it (comments and all)."""
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---", text, re.DOTALL)
    assert match, text
    fields = yaml.safe_load(match[1])
    assert isinstance(fields, dict)
    return fields


@pytest.mark.slow
def test_make_new_needs_no_activated_venv_and_the_entry_it_writes_builds(clone: Clone) -> None:
    assert clone.setup.returncode == 0, clone.setup.stderr
    before = set((clone.root / "content").rglob("*.md"))
    french = clone.make("new", "KIND=evenement", "TITRE=Café numérique")
    assert french.returncode == 0, french.stdout + french.stderr
    english = clone.make("new", "KIND=startup", "TITRE=Ma Startup")
    assert english.returncode == 0, english.stdout + english.stderr
    event, startup = written = new_files(clone, before)
    assert event.relative_to(clone.root / "content").parts[0] == "events"
    assert (event.name, startup.relative_to(clone.root).as_posix()) == (
        "cafe-numerique.md",
        "content/startups/ma-startup.md",
    )
    assert front_matter(event)["title"] == "Café numérique"
    built = clone.make("site", "ARGS=--drafts")
    assert built.returncode == 0, built.stdout + built.stderr
    assert (clone.root / "output" / "agenda" / "cafe-numerique" / "index.html").is_file()
    assert (clone.root / "output" / "startups" / "ma-startup" / "index.html").is_file()
    for path in written:
        path.unlink()


@pytest.mark.slow
def test_make_new_keeps_a_title_with_quotes_and_dollars_as_written(clone: Clone) -> None:
    assert clone.setup.returncode == 0, clone.setup.stderr
    before = set((clone.root / "content").rglob("*.md"))
    title = """L'atelier "IA" à 5 $HOME `id` $(id)"""
    done = clone.make("new", "KIND=page", f"TITRE={title}")
    assert done.returncode == 0, done.stdout + done.stderr
    [written] = new_files(clone, before)
    assert front_matter(written)["title"] == title
    written.unlink()


@pytest.mark.slow
def test_make_new_without_a_title_says_how_in_french_and_writes_nothing(clone: Clone) -> None:
    assert clone.setup.returncode == 0, clone.setup.stderr
    before = set((clone.root / "content").rglob("*.md"))
    done = clone.make("new", "KIND=evenement")
    assert done.returncode == 2
    assert 'make new KIND=evenement TITRE="Café numérique"' in done.stderr
    assert new_files(clone, before) == []


def guide_new_commands() -> list[str]:
    """Every complete `new` command the content guide shows, in a block or inline, joined
    onto one line where the text wraps."""
    guide = (REPO / "docs" / "guide-contenu.md").read_text(encoding="utf-8")
    fenced = re.compile(r"^[ \t]*```[^\n]*\n(.*?)^[ \t]*```", re.DOTALL | re.MULTILINE)
    found = [line.strip() for block in fenced.findall(guide) for line in block.splitlines()]
    prose = fenced.sub("", guide)
    found += [" ".join(span.split()) for span in re.findall(r"`([^`]+)`", prose)]
    complete = re.compile(r'(make new KIND=\S+ TITRE=".+"|(\.venv/bin/)?nftsite new \S+ ".+")')
    return list(dict.fromkeys(command for command in found if complete.fullmatch(command)))


@pytest.mark.slow
def test_the_guides_new_commands_work_as_written_in_a_shell_with_no_venv(clone: Clone) -> None:
    assert clone.setup.returncode == 0, clone.setup.stderr
    commands = guide_new_commands()
    assert any(c.startswith("make new") for c in commands), commands
    for command in commands:
        if command.startswith("nftsite"):  # the guide says: only with .venv activated
            continue
        before = set((clone.root / "content").rglob("*.md"))
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=clone.root,
            env=clone.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"
        [written] = new_files(clone, before)
        assert written.relative_to(clone.root / "content").parts[0] == "events", command
        written.unlink()
