"""Time `nftsite serve`'s rebuild after one edit, in one Python process (run by run.py).

`python bench/serve_probe.py PROJECT TARGETS.json` builds the preview once (warm-up), then
for each target file: edits it, calls `Preview.rebuild([path])` as the file watcher does, and
times that call. Each edit is checked: no content error, and the new text is in the rebuilt
page (a rebuild that is fast because it skipped the edit would be caught here). Every file is
restored at the end, even on failure. Prints one JSON object on the last line of stdout.

TARGETS.json: {"event": [{"path": ..., "page": ...}, ...], "startup": [...], "template": [...]}
where `path` is relative to the project and `page` is the output file that must show the edit.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from contextlib import redirect_stdout
from datetime import datetime
from pathlib import Path

NOW = datetime.fromisoformat("2026-11-23T12:00:00+01:00")


def make_preview(project: Path):  # type: ignore[no-untyped-def]
    from nftsite.commands.serve import PREVIEW_FOLDER, Preview
    from nftsite.pipeline import BuildOptions

    options = BuildOptions(root=project, now=NOW, output=project / PREVIEW_FOLDER, drafts=True)
    try:
        return Preview(options, clock=lambda: NOW)
    except TypeError:  # a Preview without a clock: it then uses options.now
        return Preview(options)


def edit(path: Path, kind: str, token: str) -> None:
    with path.open("a", encoding="utf-8") as stream:
        if kind == "template":
            stream.write(f"<!-- {token} -->\n")
        else:
            stream.write(f"\nUne phrase ajoutée pour la mesure ({token}).\n")


def main(argv: list[str]) -> int:
    project, targets = Path(argv[0]).resolve(), json.loads(Path(argv[1]).read_text())
    preview = make_preview(project)
    originals: dict[Path, bytes] = {}
    report: dict[str, object] = {"samples_ms": {}, "median_ms": {}, "checks": []}
    try:
        with redirect_stdout(sys.stderr):  # keep stdout for the JSON line
            started = time.perf_counter()
            result = preview.rebuild()
            report["first_build_ms"] = (time.perf_counter() - started) * 1000
            if result.problems.has_errors():
                raise SystemExit("the preview does not build: see above")
            for kind, items in targets.items():
                samples = []
                for number, item in enumerate(items, start=1):
                    path = project / item["path"]
                    originals.setdefault(path, path.read_bytes())
                    token = f"bench-edit-{kind}-{number}-{time.time_ns()}"
                    edit(path, kind, token)
                    started = time.perf_counter()
                    result = preview.rebuild([str(path)])
                    elapsed = (time.perf_counter() - started) * 1000
                    samples.append(round(elapsed, 1))
                    page = preview.folder / item["page"]
                    shown = page.is_file() and token in page.read_text(encoding="utf-8")
                    ok = not result.problems.has_errors() and shown
                    report["checks"].append(  # type: ignore[attr-defined]
                        {"kind": kind, "path": item["path"], "page": item["page"], "ok": ok}
                    )
                report["samples_ms"][kind] = samples  # type: ignore[index]
                report["median_ms"][kind] = round(statistics.median(samples), 1)  # type: ignore[index]
    finally:
        for path, data in originals.items():
            path.write_bytes(data)
        if originals:  # leave the preview as the files are (what the watcher would do)
            with redirect_stdout(sys.stderr):
                preview.rebuild([str(path) for path in originals])
    report["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
