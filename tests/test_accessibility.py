"""Valid HTML by the W3C Nu checker, and no axe-core violation of WCAG 2.1 AA.

Both checkers are third-party tools installed by `make test` (package.json): the Nu HTML
checker (vnu.jar, run with Java) reads every page of the built sample site; axe-core runs
inside Debian's Chromium on one page of each kind, as a screen-reader user would meet them.
Without them these tests fail; they never skip.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO, ContentEntry
from .test_browser import DevTools, find_chromium

pytestmark = pytest.mark.system_deps  # Chromium, Java, axe-core and vnu.jar from npm

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def require(path: Path) -> Path:
    if not path.is_file():
        pytest.fail(f"{path.relative_to(REPO)} is missing: run `make test` (npm ci)", pytrace=False)
    return path


def test_every_page_is_valid_html_for_the_w3c_nu_checker(sample_output: Path) -> None:
    java = shutil.which("java")
    assert java, "java is missing: run `bash scripts/install-system-deps`"
    checked = subprocess.run(
        [
            java,
            "-jar",
            str(require(VNU)),
            "--format",
            "json",
            "--skip-non-html",
            str(sample_output),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(checked.stderr)["messages"]
    problems = [
        f"{m.get('url', '')}:{m.get('lastLine', '?')}: {m['type']}: {m['message']}"
        for m in messages
        if (m["type"] in ("error", "non-document-error") or m.get("subType") == "warning")
        and not is_csp_guess(m)
    ]
    assert not problems, "\n".join(problems)
    assert checked.returncode == 0


def is_csp_guess(message: dict[str, str]) -> bool:
    """The checker's own reading of the Content-Security-Policy, a warning only: it reads the
    pages from file: URLs, where 'self' matches nothing, and it counts the JSON-LD data block
    as an inline script, which browsers never run nor check. Chromium applies the policy in
    tests/test_injection.py."""
    return message["type"] == "info" and "violates Content Security Policy" in message["message"]


AXE_RUN = """
axe.run(document, {runOnly: {type: "tag", values: %s}}).then(result => JSON.stringify(
  result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                               nodes: v.nodes.map(n => n.target.join(" "))}))))
"""


def test_no_axe_core_violation_on_any_kind_of_page(
    site_url: str,
    tmp_path: Path,
    upcoming_events: list[ContentEntry],
    sample_entries: list[ContentEntry],
) -> None:
    chromium = find_chromium()
    axe = require(AXE).read_text(encoding="utf-8")
    first = {entry.folder: entry.url for entry in reversed(sample_entries) if not entry.is_draft}
    paths = [
        "/",
        "/agenda/",
        "/agenda/archives/",
        upcoming_events[0].url,
        "/startups/",
        first["startups"],
        "/lieux/",
        first["places"],
        "/presse/",
        first["press"],
        first["pages"],
        "/abonnement/",
        "/404.html",
    ]
    browser = DevTools(chromium, tmp_path / "profile")
    found = {}
    try:
        session = browser.open_page()
        for path in paths:
            browser.load(session, site_url + path)
            browser.call("Runtime.evaluate", {"expression": axe}, session=session)
            answer = browser.call(
                "Runtime.evaluate",
                {
                    "expression": AXE_RUN % json.dumps(WCAG_AA),
                    "awaitPromise": True,
                    "returnByValue": True,
                },
                session=session,
            )
            violations = json.loads(answer["result"]["value"])
            if violations:
                found[path] = violations
    finally:
        browser.close()
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
