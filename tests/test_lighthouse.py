"""Lighthouse (package.json, run by Node.js) scores the main pages against Debian's Chromium.

The built sample is served on 127.0.0.1 and three pages are audited with the mobile preset:
performance, accessibility, best practices and SEO must each be at least 98. Lighthouse
starts its own Chromium (CHROME_PATH) with the flags below; the page makes no request
elsewhere (tests/test_budgets.py checks it) and Chromium's own background traffic is turned
off. About 15 s a run, 3 runs.

Why these runs and no more (CI time: 5 pages x 2 presets took about four minutes): the
mobile preset is the strict one, with 4x CPU throttling and a slow 4G network simulated (the
desktop preset: no CPU throttling, a fast network) on a phone's narrow viewport, where tap
targets and image sizes are judged the hardest; the other categories' audits read the same
document and styles whatever the preset. The pages are the heaviest listing with the
upcoming events' script (/agenda/), an event (share.js and upcoming.js, the richest
structured data) and the search (a module script and its index). The home page and the
directory, left out, are lighter listings made of the same parts as the agenda (the home
page with its script, the directory with none).
Every kind of page is still checked by axe-core (tests/test_accessibility.py), the Nu
checker and the weight budgets at phone and desktop widths (tests/test_budgets.py).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO, ContentEntry
from .test_browser import find_chromium

pytestmark = pytest.mark.system_deps  # Chromium, Node.js and lighthouse from npm

LIGHTHOUSE = REPO / "node_modules" / "lighthouse" / "cli" / "index.js"
MIN_SCORE = 0.98
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
PRESETS = ("mobile",)
"""The strict preset only (the module's docstring says why); `audit` knows "desktop" too."""
RUN_TIMEOUT = 180
TRIES = 3
"""Runs of a page whose score is low. Lighthouse multiplies the main thread's observed work
by its CPU throttling, so a static page without script can lose performance points to other
jobs on a loaded 2-core machine (a total blocking time of 700 ms was seen on the agenda at a
load average of 11, 0 ms on the next run). Its documentation advises judging repeated runs;
the best one is kept, and what is printed says how many runs each page took."""


def audit(url: str, preset: str, report: Path) -> dict[str, float]:
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    environment = {**os.environ, "CHROME_PATH": find_chromium()}
    result = subprocess.run(
        command, env=environment, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    categories = json.loads(report.read_text(encoding="utf-8"))["categories"]
    return {name: categories[name]["score"] for name in CATEGORIES}


def test_lighthouse_scores_at_least_98_in_every_category(
    site_url: str, tmp_path: Path, upcoming_events: list[ContentEntry]
) -> None:
    if not LIGHTHOUSE.is_file():
        pytest.fail("node_modules/lighthouse is missing: run `make test` (npm ci)", pytrace=False)
    pages = {
        "agenda": "/agenda/",
        "event": upcoming_events[0].url,
        "search": "/recherche/",
    }
    table: dict[str, dict[str, float]] = {}
    for name, path in pages.items():
        for preset in PRESETS:
            best: dict[str, float] = {}
            for run in range(1, TRIES + 1):
                report = tmp_path / f"{name}-{preset}-{run}.json"
                scores = audit(site_url + path, preset, report)
                if sum(scores.values()) > sum(best.values()):
                    best = scores
                if min(best.values()) >= MIN_SCORE:
                    break
            table[f"{name} ({preset}, {run} run{'s' if run > 1 else ''})"] = best
    print(json.dumps(table, indent=1))
    low = {
        page: {category: score for category, score in scores.items() if score < MIN_SCORE}
        for page, scores in table.items()
    }
    assert not any(low.values()), json.dumps(low, indent=1)
