"""The GitHub Actions workflows: actionlint (with ShellCheck) and zizmor find nothing, nothing
silenced; least privilege, actions pinned by commit; every `run:` step of the publication and
pull-request workflows runs and passes in a fresh clone, as the runner would run it (the git
host's own actions aside: checkout, setup-python, cache, Pages, artifacts), `make test-fast` on
a planted canary and one real module rather than the whole tier this session already runs
(FAST_TIER_SUBSET), and fails on a failing test; and the scheduled import's script runs
offline, with a stand-in for `gh`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import GIT_ENV, REPO
from .test_site_changes import EDITED_EVENT, make_the_three_changes

WORKFLOWS = REPO / ".github" / "workflows"
PULL_REQUEST = WORKFLOWS / "pull-request.yml"
PUBLISH = WORKFLOWS / "publish.yml"
IMPORT = WORKFLOWS / "import.yml"
BIN = Path(sys.executable).parent
PINNED = re.compile(r"[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+")
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
PAGES_BASE_URL = "https://org.github.io/depot"
"""What actions/configure-pages gives for a project page: no trailing slash."""
EXPRESSIONS = {"steps.pages.outputs.base_url": PAGES_BASE_URL}
"""The values the test gives the expressions that `run:` steps read (through `env:`)."""
STEP_TIMEOUT = 1800


def load(path: Path) -> dict[Any, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """`on:` (which YAML 1.1 reads as the boolean true)."""
    found = workflow.get("on", workflow.get(True))
    assert isinstance(found, dict), found
    return found


def steps(workflow: dict[Any, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield name, step


def uses(workflow: dict[Any, Any], action: str) -> list[dict[str, Any]]:
    return [s for _, s in steps(workflow) if str(s.get("uses", "")).startswith(action + "@")]


def tool(name: str) -> str:
    """A checker from the test extra (requirements.txt), beside this Python."""
    found = BIN / name if (BIN / name).exists() else shutil.which(name)
    assert found, f"{name} is missing: `make` installs it from requirements.txt"
    return str(found)


# ---------------------------------------------------------------------------------------
# Linters: nothing reported, nothing silenced, and they do catch a flawed workflow.


def actionlint(*files: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    empty_config = cwd / ".actionlint-empty.yaml"
    empty_config.write_text("", encoding="utf-8")
    try:
        return subprocess.run(
            [
                tool("actionlint"),
                "-no-color",
                "-verbose",
                "-config-file",
                str(empty_config),
                "-shellcheck",
                tool("shellcheck"),
                *map(str, files),
            ],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        empty_config.unlink()


def zizmor(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            tool("zizmor"),
            "--offline",
            "--no-config",
            "--no-ignores",
            "--persona",
            "auditor",
            "--format",
            "plain",
            str(folder),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_actionlint_with_shellcheck_reports_nothing(tmp_path: Path) -> None:
    done = actionlint(PULL_REQUEST, PUBLISH, IMPORT, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == "", done.stdout
    assert "Found 0 errors in 3 files" in done.stderr
    assert 'Rule "shellcheck" was disabled' not in done.stderr


def test_zizmor_reports_nothing_even_as_an_auditor() -> None:
    done = zizmor(WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout, done.stdout
    assert "suppressed" not in done.stdout, done.stdout


def test_both_linters_catch_a_flawed_copy(tmp_path: Path) -> None:
    """They are not no-ops: a tag-pinned action, credentials kept, a title in a script."""
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    text = PULL_REQUEST.read_text(encoding="utf-8")
    text = re.sub(r"actions/checkout@[0-9a-f]{40} # v[\d.]+", "actions/checkout@v4", text, count=1)
    text = text.replace("persist-credentials: false", "persist-credentials: true", 1)
    text = text.replace(
        "run: scripts/ci-pull-request",
        "run: scripts/ci-pull-request ${{ github.event.pull_request.title }} $TITLE",
    )
    (folder / "flawed.yml").write_text(text, encoding="utf-8")
    linted = actionlint(folder / "flawed.yml", cwd=tmp_path)
    assert linted.returncode == 1
    assert "potentially untrusted" in linted.stdout
    assert "SC2086" in linted.stdout  # ShellCheck ran on the script
    audited = zizmor(folder)
    assert audited.returncode != 0
    for audit in ("unpinned-uses", "artipacked", "template-injection"):
        assert f"[{audit}]" in audited.stdout, audit


def test_no_finding_is_silenced() -> None:
    for config in (
        ".github/actionlint.yaml",
        ".github/actionlint.yml",
        "zizmor.yml",
        "zizmor.yaml",
        ".github/zizmor.yml",
        ".github/zizmor.yaml",
    ):
        assert not (REPO / config).exists(), config
    for workflow in (PULL_REQUEST, PUBLISH):
        text = workflow.read_text(encoding="utf-8")
        for silencer in ("zizmor: ignore", "shellcheck disable", "actionlint"):
            assert silencer not in text, (workflow.name, silencer)


# ---------------------------------------------------------------------------------------
# Least privilege, pinned, no secrets where strangers' code runs.


def test_every_action_is_pinned_by_full_commit_with_its_version() -> None:
    for workflow in (PULL_REQUEST, PUBLISH):
        for _, step in steps(load(workflow)):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
        for line in workflow.read_text(encoding="utf-8").splitlines():
            if re.match(r"\s*(- )?uses:", line):
                assert PINNED.search(line), line


def test_permissions_are_read_only_except_the_deployment() -> None:
    pull_request, publish = load(PULL_REQUEST), load(PUBLISH)
    for workflow in (pull_request, publish):
        assert workflow["permissions"] == {"contents": "read"}
    for job in pull_request["jobs"].values():
        assert "permissions" not in job  # the workflow's read-only default
    assert publish["jobs"]["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert publish["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_pull_requests_get_no_secrets_nor_the_target_trigger() -> None:
    pull_request = load(PULL_REQUEST)
    assert set(triggers(pull_request)) == {"pull_request"}
    for workflow in (PULL_REQUEST, PUBLISH, IMPORT):
        assert "pull_request_target" not in workflow.read_text(encoding="utf-8")
    assert "secrets." not in PULL_REQUEST.read_text(encoding="utf-8")
    for workflow in (pull_request, load(PUBLISH), load(IMPORT)):
        for checkout in uses(workflow, "actions/checkout"):
            assert checkout["with"]["persist-credentials"] is False


def test_pull_request_checks_builds_lints_tests_and_attaches_the_site() -> None:
    workflow = load(PULL_REQUEST)
    runs = [step["run"] for _, step in steps(workflow) if "run" in step]
    assert runs == ["scripts/ci-pull-request", "make lint", "make test-fast"]
    script = (REPO / "scripts" / "ci-pull-request").read_text(encoding="utf-8")
    assert 'check ARGS="--format github' in script
    (upload,) = uses(workflow, "actions/upload-artifact")
    assert upload["with"]["path"] == "output/"
    assert upload["with"]["name"] == "apercu-du-site"
    site = workflow["jobs"]["site"]["steps"]
    assert site.index(upload) > next(i for i, s in enumerate(site) if "run" in s)


def test_publication_daily_full_history_cache_pages_one_at_a_time() -> None:
    workflow = load(PUBLISH)
    on = triggers(workflow)
    assert on["push"] == {"branches": ["main"]}
    assert "workflow_dispatch" in on
    (schedule,) = on["schedule"]
    minute, hour, *rest = schedule["cron"].split()
    assert rest == ["*", "*", "*"]  # every day
    assert minute.isdigit() and int(minute) % 15 != 0, "an off-hour minute"
    assert hour.isdigit()
    assert workflow["concurrency"]["cancel-in-progress"] is False
    build = workflow["jobs"]["build"]["steps"]
    (checkout,) = uses(workflow, "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0
    runs = [step.get("run") for step in build]
    assert runs.index("scripts/require-full-history") < runs.index(
        'make site ARGS="--base-url $PAGES_BASE_URL"'
    )
    site = build[runs.index('make site ARGS="--base-url $PAGES_BASE_URL"')]
    assert site["env"] == {"PAGES_BASE_URL": "${{ steps.pages.outputs.base_url }}"}
    assert "--now" not in site["run"]  # time-aware: the clock, so a late run is right
    (cache,) = uses(workflow, "actions/cache")
    assert cache["with"]["path"] == ".cache"
    (pages,) = uses(workflow, "actions/configure-pages")
    assert pages["id"] == "pages"
    (artifact,) = uses(workflow, "actions/upload-pages-artifact")
    assert artifact["with"]["path"] == "output/"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_a_shallow_clone_fails_the_publication(tmp_path: Path) -> None:
    script = REPO / "scripts" / "require-full-history"
    shallow, full = tmp_path / "shallow", tmp_path / "full"
    git(tmp_path, "clone", "--quiet", "--depth", "1", REPO.as_uri(), str(shallow))
    git(tmp_path, "clone", "--quiet", str(REPO), str(full))
    for clone in (shallow, full):
        shutil.copy2(script, clone / "scripts" / script.name)
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    refused = subprocess.run(
        [str(shallow / "scripts" / script.name)], capture_output=True, text=True, env=env
    )
    assert refused.returncode == 1
    assert "historique git incomplet (clone superficiel)" in refused.stderr
    assert "fetch-depth: 0" in refused.stderr
    assert refused.stdout.startswith("::error title=Historique git incomplet::")
    accepted = subprocess.run(
        [str(full / "scripts" / script.name)], capture_output=True, text=True, env=env
    )
    assert accepted.returncode == 0, accepted.stderr
    assert "Historique git complet" in accepted.stdout


# ---------------------------------------------------------------------------------------
# Every `run:` step, run in a fresh clone as the runner runs it.


def git(root: Path, *args: str, date: str = "2026-11-21T10:00:00+01:00") -> str:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    done = subprocess.run(
        ["git", "-C", str(root), *args], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@dataclass
class StepRun:
    workflow: str
    job: str
    run: str
    returncode: int
    stdout: str
    stderr: str

    def tail(self) -> str:
        """What failed: pytest's FAILED lines first (a long assertion may hide them), then
        the end of both streams."""
        failed = [line[:300] for line in self.stdout.splitlines() if line.startswith("FAILED ")]
        title = f"{self.workflow} {self.job}: {self.run}"
        return "\n".join([title, *failed, self.stdout[-3000:], self.stderr[-3000:]])


@dataclass
class Clone:
    root: Path
    runner: Path
    """The runner's temporary folder: TMPDIR, summaries, outputs."""
    runs: list[StepRun]

    def commit(self, message: str, date: str) -> None:
        git(self.root, "add", "-A")
        git(self.root, "commit", "--quiet", "--allow-empty", "-m", message, date=date)

    def environment(self, workflow: Path, job: str, event: str) -> dict[str, str]:
        """The runner's variables (fresh files for each job); nothing of this session's
        virtual environment, make or pytest leaks in."""
        folder = self.runner / f"{workflow.stem}-{job}-{len(self.runs)}"
        (folder / "tmp").mkdir(parents=True)
        for name in ("summary.md", "output", "env", "path"):
            (folder / name).touch()
        inherited = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "MAKE", "GITHUB_", "RUNNER_", "NFTSITE_"))
            and key not in {"VIRTUAL_ENV", "MFLAGS", "ARGS", "PYTHONPATH", "CI", "TMPDIR"}
        }
        path = [p for p in inherited.get("PATH", "").split(os.pathsep) if Path(p) != BIN]
        env = {
            **inherited,
            "PATH": os.pathsep.join(path),
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKFLOW": load(workflow)["name"],
            "GITHUB_JOB": job,
            "GITHUB_EVENT_NAME": event,
            "GITHUB_WORKSPACE": str(self.root),
            "GITHUB_STEP_SUMMARY": str(folder / "summary.md"),
            "GITHUB_OUTPUT": str(folder / "output"),
            "GITHUB_ENV": str(folder / "env"),
            "GITHUB_PATH": str(folder / "path"),
            "RUNNER_TEMP": str(folder / "tmp"),
            "TMPDIR": str(folder / "tmp"),
        }
        if event == "pull_request":
            env |= {"GITHUB_BASE_REF": "main", "GITHUB_HEAD_REF": "modification"}
        else:
            env |= {"GITHUB_REF": "refs/heads/main", "GITHUB_REF_NAME": "main"}
        return env

    def run_job(
        self, workflow: Path, job: str, event: str, extra: dict[str, str] | None = None
    ) -> tuple[list[StepRun], Path]:
        """Every `run:` step of one job, in order, in a checkout as fresh as the runner's
        (only .venv/ is kept between jobs, to spare reinstalls); stops at a failed step.
        `extra`: variables added to the runner's, such as FAST_TIER_CANARY."""
        git(self.root, "clean", "-ffdxq", "-e", ".venv", "-e", "*.egg-info")
        env = {**self.environment(workflow, job, event), **(extra or {})}
        definition = load(workflow)["jobs"][job]
        assert "if" not in definition and "defaults" not in definition
        done: list[StepRun] = []
        for step in definition.get("steps", []):
            if "run" not in step:
                continue
            assert set(step) <= {"name", "id", "run", "env"}, step  # what this runner knows
            script = resolve(step["run"])
            step_env = {key: resolve(str(value)) for key, value in step.get("env", {}).items()}
            script_file = Path(env["RUNNER_TEMP"]) / f"step-{len(done)}.sh"
            script_file.write_text(script + "\n", encoding="utf-8")
            result = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
                cwd=self.root,
                env={**env, **definition.get("env", {}), **step_env},
                capture_output=True,
                text=True,
                timeout=STEP_TIMEOUT,
                check=False,
            )
            ran = StepRun(
                workflow.name, job, step["run"], result.returncode, result.stdout, result.stderr
            )
            done.append(ran)
            self.runs.append(ran)
            if result.returncode != 0:
                break
        return done, Path(env["GITHUB_STEP_SUMMARY"])


def resolve(text: str) -> str:
    """Expressions replaced by the values the runner would give; an unknown one fails the
    test, so that a new expression in a `run:` step gets a value here."""

    def value(match: re.Match[str]) -> str:
        assert match[1] in EXPRESSIONS, f"no test value for ${{{{ {match[1]} }}}}"
        return EXPRESSIONS[match[1]]

    return EXPRESSION.sub(value, text)


def working_tree_files() -> list[str]:
    listed = git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return [path for path in listed.split("\0") if path]


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Clone:
    """A fresh clone of the repository, plus the working tree's uncommitted changes as one
    commit (what the next push would hold); `origin/main` is that commit."""
    work = tmp_path_factory.mktemp("workflows")
    root = work / "depot"
    git(work, "clone", "--quiet", str(REPO), str(root))
    present = set()
    for relative in working_tree_files():
        source = REPO / relative
        if source.is_file():
            present.add(relative)
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / relative)
    for relative in git(root, "ls-files", "-z").split("\0"):
        if relative and relative not in present:
            (root / relative).unlink()
    found = Clone(root, work / "runner", [])
    found.commit("L'état de travail", "2026-11-20T10:00:00+01:00")
    git(root, "update-ref", "refs/remotes/origin/main", "HEAD")
    return found


CANARY = "tests/test_ci_canary.py"
CANARY_TEXT = '''"""Planted by tests/test_workflows.py: what `make test-fast` must run and leave out."""

import pytest

PASSES = True


def test_the_fast_tier_runs_me() -> None:
    assert PASSES


@pytest.mark.slow
def test_the_fast_tier_leaves_out_slow_tests() -> None:
    raise AssertionError("a slow test ran in the fast tier")


@pytest.mark.system_deps
def test_the_fast_tier_leaves_out_system_deps_tests() -> None:
    raise AssertionError("a system_deps test ran in the fast tier")
'''
FAST_TIER_SUBSET = {"PYTEST_ARGS": f"-rA {CANARY} tests/test_layers.py"}
"""The pull request's `make test-fast` runs on the clone with the Makefile's own PYTEST_ARGS
naming the planted canary and one module of the real tier (its conftest.py included), not the
whole tier: this session runs every test of that tier already, outside the clone, and running
them twice took most of this module's minutes. What the step itself adds is proved here: it
runs pytest with the fast tier's markers (the canaries marked slow and system_deps would fail
it), it passes in a fresh clone, and it fails when a test fails."""


def plant_canary(clone: Clone, *, passes: bool) -> None:
    """The canary committed in the clone (each job starts from a clean checkout)."""
    text = CANARY_TEXT.replace("PASSES = True", f"PASSES = {passes}")
    (clone.root / CANARY).write_text(text, encoding="utf-8")
    clone.commit("Un test témoin", "2026-11-20T11:00:00+01:00")


def run_steps_of(workflow: Path) -> set[tuple[str, str, str]]:
    return {
        (workflow.name, job, step["run"]) for job, step in steps(load(workflow)) if "run" in step
    }


@pytest.mark.slow
def test_every_run_step_of_both_workflows_passes_in_a_fresh_clone(clone: Clone) -> None:
    """Every job runs even when an earlier one failed, so that one report names them all."""
    failed: list[str] = []

    def run(workflow: Path, job: str, event: str, extra: dict[str, str] | None = None) -> Path:
        runs, summary_file = clone.run_job(workflow, job, event, extra)
        failed.extend(ran.tail() for ran in runs if ran.returncode != 0)
        return summary_file

    # Publication, then the pull request's lint and tests, on the clone as it is.
    for job in load(PUBLISH)["jobs"]:
        run(PUBLISH, job, "schedule")
        if job == "build":  # what upload-pages-artifact takes: built for the Pages address
            sitemap = clone.root / "output" / "sitemap.xml"
            assert f"<loc>{PAGES_BASE_URL}/agenda/</loc>" in sitemap.read_text(encoding="utf-8")
    plant_canary(clone, passes=True)
    run(PULL_REQUEST, "lint", "pull_request")
    run(PULL_REQUEST, "tests", "pull_request", FAST_TIER_SUBSET)
    (tests,) = [ran for ran in clone.runs if ran.job == "tests"]
    assert f"PASSED {CANARY}::test_the_fast_tier_runs_me" in tests.stdout, tests.tail()
    assert "PASSED tests/test_layers.py::" in tests.stdout, tests.tail()
    # The site job on a pull request that edits an event, adds a startup, removes a release.
    make_the_three_changes(clone.root)
    clone.commit("Trois changements", "2026-11-21T10:00:00+01:00")
    summary = run(PULL_REQUEST, "site", "pull_request").read_text(encoding="utf-8")
    (clone.runner / "pr-summary.md").write_text(summary, encoding="utf-8")
    assert not failed, "\n\n".join(failed)
    assert (clone.root / "output" / "startups" / "nouvelle-pousse" / "index.html").is_file()
    for expected in (
        "### Pages ajoutées (1)\n\n- `/startups/nouvelle-pousse/`\n",
        "### Pages supprimées (1)\n\n- `/presse/agenda-numerique-2027/`\n",
        "- `/agenda/rencontre-startups-cotentin/`\n",
        "- `/agenda/rencontre-startups-cotentin/rencontre-startups-cotentin.ics`\n",
        "- `/presse/rss.xml`\n",
        "✅ Aucun problème.",
    ):
        assert expected in summary, summary
    assert "/startups/soget/" not in summary
    # Every `run:` step of both workflows ran.
    ran_steps = {(r.workflow, r.job, r.run) for r in clone.runs}
    assert ran_steps >= run_steps_of(PULL_REQUEST) | run_steps_of(PUBLISH)


@pytest.mark.slow
def test_the_pull_request_step_annotates_the_broken_line(clone: Clone) -> None:
    event = clone.root / EDITED_EVENT
    lines = event.read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("start:"))
    lines[line - 1] = "start: 2027-02-30 18:00\n"
    event.write_text("".join(lines), encoding="utf-8")
    clone.commit("Une date impossible", "2026-11-22T10:00:00+01:00")
    (ran, *_), summary_file = clone.run_job(PULL_REQUEST, "site", "pull_request")
    assert ran.run == "scripts/ci-pull-request"
    assert ran.returncode == 1, ran.tail()
    annotation = re.search(
        rf"^::error file={re.escape(EDITED_EVENT)},line={line},col=\d+,title=start::(.+)$",
        ran.stdout,
        re.MULTILINE,
    )
    assert annotation, ran.stdout
    assert "30" in annotation[1]  # the message is about that date
    summary = summary_file.read_text(encoding="utf-8")
    assert f"| erreur | `{EDITED_EVENT}` | {line} | 8 |" in summary
    assert "Le site n'a pas été construit" in summary
    assert not (clone.root / "output").exists()  # nothing built, so no preview attached


@pytest.mark.slow
def test_the_fast_tier_step_fails_on_a_failing_test(clone: Clone) -> None:
    plant_canary(clone, passes=False)
    (ran,), _ = clone.run_job(PULL_REQUEST, "tests", "pull_request", FAST_TIER_SUBSET)
    assert ran.run == "make test-fast"
    assert ran.returncode != 0, ran.tail()
    assert f"FAILED {CANARY}::test_the_fast_tier_runs_me" in ran.stdout, ran.tail()
    assert "1 failed" in ran.stdout, ran.tail()


# ---------------------------------------------------------------------------------------
# The scheduled import: its workflow, and its script run offline with a stand-in for `gh`.

IMPORT_BRANCH = "import/agendas-partenaires"
IMPORT_NOW = "2027-01-10T12:00:00+01:00"
IMPORT_SOURCES = """\
- name: caen-python-meetup
  kind: ics
  file: tests/fixtures/partners/meetup.ics
  licence: Conditions d'utilisation de Meetup
  attribution: Caen Python Meetup
  city: caen
- name: region-normandie
  kind: openagenda
  file: tests/fixtures/partners/openagenda
  licence: Licence Ouverte 2.0
  attribution: Agenda de la Région Normandie
  city: caen
"""
FAKE_GH = """\
#!/usr/bin/env bash
# Records its arguments (one JSON line per call) and a copy of any --body-file.
set -euo pipefail
python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@" >>"$FAKE_GH_LOG"
previous=
for argument in "$@"; do
    if [ "$previous" = --body-file ]; then cp "$argument" "$FAKE_GH_LOG.body"; fi
    previous=$argument
done
if [ "$1 $2" = "pr list" ]; then printf '%s\\n' "${FAKE_GH_OPEN:-}"; fi
"""


def test_the_import_runs_daily_and_alone_may_write() -> None:
    workflow = load(IMPORT)
    on = triggers(workflow)
    assert set(on) == {"schedule", "workflow_dispatch"}
    (schedule,) = on["schedule"]
    minute, hour, *rest = schedule["cron"].split()
    assert rest == ["*", "*", "*"] and hour.isdigit()
    assert minute.isdigit() and int(minute) % 15 != 0, "an off-hour minute"
    assert workflow["permissions"] == {}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    (checkout,) = uses(workflow, "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0
    assert checkout["with"]["persist-credentials"] is False
    runs = [step for step in job["steps"] if "run" in step]
    assert [step["run"] for step in runs] == [
        "scripts/require-full-history",
        "scripts/import-pull-request",
    ]
    assert runs[1]["env"] == {"GH_TOKEN": "${{ github.token }}"}
    assert "secrets." not in IMPORT.read_text(encoding="utf-8")
    # the other workflows never import: the network stays in this job
    for other in (PULL_REQUEST, PUBLISH):
        assert "import" not in " ".join(str(s.get("run", "")) for _, s in steps(load(other)))


@dataclass
class ImportRun:
    returncode: int
    output: str
    calls: list[list[str]]
    body: str


@pytest.fixture
def import_clone(tmp_path: Path) -> Path:
    """A clone of the working tree whose `origin` is a bare repository beside it, with a
    sources.yaml reading the recorded feeds of tests/fixtures/partners/."""
    root = tmp_path / "depot"
    git(tmp_path, "clone", "--quiet", str(REPO), str(root))
    for relative in working_tree_files():
        source = REPO / relative
        if source.is_file():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / relative)
    (root / "content" / "sources.yaml").write_text(IMPORT_SOURCES, encoding="utf-8")
    git(root, "checkout", "--quiet", "-B", "main")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "--allow-empty", "-m", "Les agendas partenaires")
    git(tmp_path, "clone", "--quiet", "--bare", str(root), str(tmp_path / "origin.git"))
    git(root, "remote", "set-url", "origin", str(tmp_path / "origin.git"))
    fake = tmp_path / "bin" / "gh"
    fake.parent.mkdir()
    fake.write_text(FAKE_GH, encoding="utf-8")
    fake.chmod(0o755)
    return root


def run_import(root: Path, open_pull_request: str = "") -> ImportRun:
    """scripts/import-pull-request with no network at all (a network namespace of its own
    when the system allows one; a dead proxy besides) and the stand-in `gh` first on PATH."""
    log = root.parent / "gh.log"
    log.unlink(missing_ok=True)
    (root.parent / "gh.log.body").unlink(missing_ok=True)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "NFTSITE_"))},
        **GIT_ENV,
        "PATH": os.pathsep.join([str(root.parent / "bin"), os.environ.get("PATH", "")]),
        "PYTHON": sys.executable,
        "PYTHONPATH": "",
        "NFTSITE_NOW": IMPORT_NOW,
        "FAKE_GH_LOG": str(log),
        "FAKE_GH_OPEN": open_pull_request,
        "GITHUB_ACTIONS": "true",
        "GH_TOKEN": "jeton-factice",
        "http_proxy": "http://127.0.0.1:9",
        "https_proxy": "http://127.0.0.1:9",
    }
    isolated = ["unshare", "-rn"] if shutil.which("unshare") and _can_unshare() else []
    done = subprocess.run(
        [*isolated, str(root / "scripts" / "import-pull-request")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
        check=False,
    )
    calls = [json.loads(line) for line in (log.read_text().splitlines() if log.exists() else [])]
    body_file = root.parent / "gh.log.body"
    body = body_file.read_text(encoding="utf-8") if body_file.exists() else ""
    return ImportRun(done.returncode, done.stdout + done.stderr, calls, body)


def _can_unshare() -> bool:
    return subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0


def test_the_import_script_opens_one_pull_request_then_updates_it(import_clone: Path) -> None:
    root = import_clone
    first = run_import(root)
    assert first.returncode == 0, first.output
    title = "Import des agendas partenaires : 6 nouveaux, 0 modifiés, 0 annulés"
    assert first.calls == [
        ["auth", "setup-git"],
        ["pr", "list", "--head", IMPORT_BRANCH, "--base", "main", "--state", "open",
         "--json", "number", "--jq", ".[0].number"],
        ["pr", "create", "--base", "main", "--head", IMPORT_BRANCH, "--title", title,
         "--body-file", first.calls[2][-1]],
    ]  # fmt: skip
    assert not first.body.startswith("#")  # the title line is the title, not the body
    for section in ("## Nouveaux (6)", "## Doublons possibles (1)", "## Problèmes (0)"):
        assert section in first.body
    assert "## Vérification du site (nftsite check)\n\nAucune erreur" in first.body
    # the branch, pushed to origin: one commit on main, the new files only
    origin = root.parent / "origin.git"
    assert git(origin, "log", "--format=%s", f"main..{IMPORT_BRANCH}").splitlines() == [title]
    changed = git(origin, "diff", "--name-status", f"main...{IMPORT_BRANCH}").splitlines()
    assert len(changed) == 6
    assert all(line.startswith("A\tcontent/events/") for line in changed), changed
    assert git(root, "branch", "--show-current").strip() == "main"
    assert git(root, "status", "--porcelain") == ""

    # Tomorrow, the same feeds, the pull request still open: it is updated, not doubled.
    second = run_import(root, open_pull_request="7")
    assert second.returncode == 0, second.output
    assert [call[:3] for call in second.calls[1:]] == [
        ["pr", "list", "--head"],
        ["pr", "edit", "7"],
    ]
    assert second.calls[2][3:6] == ["--title", title, "--body-file"]
    assert second.body == first.body

    # Merged: the next run finds nothing new and opens nothing.
    git(root, "merge", "--quiet", "--ff-only", f"origin/{IMPORT_BRANCH}")
    third = run_import(root)
    assert third.returncode == 0, third.output
    assert third.calls == []
    assert "pas de demande de fusion" in third.output


def test_the_import_script_refuses_a_dirty_tree(import_clone: Path) -> None:
    (import_clone / "content" / "brouillon.md").write_text("x", encoding="utf-8")
    done = run_import(import_clone)
    assert done.returncode == 1
    assert done.calls == []
    assert "modifications non enregistrées" in done.output
