"""The benchmark's report: `results.json` rows turned into the printed tables and the verdict
on each target of bench/README.md, with the figures that bound an unmet one. It reads rows
only and measures nothing."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
"""The cores the verdicts divide CPU seconds by: this machine's, where the run was measured."""

EDIT_KINDS = ("event", "startup", "template", "config")
"""The kinds of edit timed by edit→page, in the order of the table's rows."""


def get(row: dict[str, Any], *keys: str) -> Any:
    value: Any = row
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def ok_seconds(row: dict[str, Any], name: str) -> float | None:
    part = row.get(name)
    return part["seconds"] if part and part.get("returncode") == 0 else None


def fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}".replace(",", " ")


COLUMNS = (
    "entries", "cold s", "cold CPU s", "entries/s", "warm s", "Pelican s", "×Pelican", "Hugo s",
    "rebuild event ms", "rebuild startup ms", "rebuild template ms", "peak PSS MiB",
)  # fmt: skip


def table(rows: list[dict[str, Any]]) -> str:
    lines = []
    for row in rows:
        cold, pelican = ok_seconds(row, "cold"), ok_seconds(row, "pelican")
        lines.append(
            (
                f"{row['entries']:,}".replace(",", " "),
                fmt(cold),
                fmt(get(row, "cold", "cpu_seconds"), 1),
                fmt(get(row, "cold", "entries_per_second"), 0),
                fmt(ok_seconds(row, "warm")),
                fmt(pelican),
                fmt(pelican / cold if pelican and cold else None, 2),
                fmt(ok_seconds(row, "hugo")),
                fmt(get(row, "serve", "median_ms", "event"), 0),
                fmt(get(row, "serve", "median_ms", "startup"), 0),
                fmt(get(row, "serve", "median_ms", "template"), 0),
                fmt(get(row, "cold", "peak_pss_mib"), 0),
            )
        )
    return render(COLUMNS, lines)


def render(columns: Sequence[str], lines: Sequence[Sequence[str]]) -> str:
    widths = [max(len(c), *(len(line[i]) for line in lines)) for i, c in enumerate(columns)]
    out = [" | ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))]
    out.append("-+-".join("-" * w for w in widths))
    out += [" | ".join(v.rjust(w) for v, w in zip(line, widths, strict=True)) for line in lines]
    return "\n".join(out)


EDIT_COLUMNS = (
    "entries", "edit", "nftsite edit→page ms", "Hugo edit→page ms",
    "nftsite rebuild ms (printed)", "Hugo rebuild ms (printed)",
)  # fmt: skip


def spread(kind: dict[str, Any] | None) -> str:
    """Median [min–max] of one kind's edit→page, with its failures."""
    if not kind:
        return "—"
    text = "—"
    if "median_ms" in kind:
        text = f"{kind['median_ms']:.0f} [{kind['min_ms']:.0f}–{kind['max_ms']:.0f}]"
    return text + (f" {kind['failures']} failed" if kind.get("failures") else "")


def edit_page_table(rows: list[dict[str, Any]]) -> str | None:
    lines = []
    for row in rows:
        if "edit_page" not in row:
            continue
        for kind in EDIT_KINDS:
            ours = get(row, "edit_page", "nftsite", "kinds", kind)
            hugo = get(row, "edit_page", "hugo", "kinds", kind)
            lines.append(
                (
                    f"{row['entries']:,}".replace(",", " "),
                    kind,
                    spread(ours),
                    spread(hugo),
                    fmt(get(ours or {}, "rebuild_median_ms"), 0),
                    fmt(get(hugo or {}, "rebuild_median_ms"), 0),
                )
            )
    return render(EDIT_COLUMNS, lines) if lines else None


def verdict(checks: list[tuple[bool, str]]) -> tuple[str, str]:
    if not checks:
        return "not measured", ""
    status = "met" if all(ok for ok, _ in checks) else "NOT MET"
    return status, "; ".join(text for _, text in checks)


def targets(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    by_size = {row["entries"]: row for row in rows}
    found = []

    checks = []
    for row in rows:
        cold, pelican = ok_seconds(row, "cold"), ok_seconds(row, "pelican")
        if cold and pelican:
            ratio = pelican / cold
            bound = ""
            markdown = get(row, "floors", "markdown_one_core_seconds")
            if markdown is not None:
                share = markdown / CORES / (pelican / 2)
                bound = (
                    f" (Python-Markdown alone: {markdown:.2f} s on one core, "
                    f"{markdown / CORES:.2f} s on all {CORES}, {share:.0%} of the 2× budget"
                )
                if (pagefind := get(row, "floors", "pagefind_seconds")) is not None:
                    bound += f"; Pagefind alone {pagefind:.2f} s"
                if (cpu := get(row, "cold", "cpu_seconds")) is not None:
                    bound += f"; the build's CPU {cpu:.1f} s = {cpu / CORES:.2f} s on {CORES} cores"
                bound += ")"
            checks.append(
                (
                    ratio >= 2,
                    f"{row['entries']}: {cold:.2f} s vs Pelican {pelican:.2f} s = ×{ratio:.2f}"
                    + bound,
                )
            )
    found.append(("cold build at least 2× Pelican's speed", *verdict(checks)))

    checks = []
    row = by_size.get(1000)
    if row and ok_seconds(row, "warm") and ok_seconds(row, "hugo"):
        warm, hugo = ok_seconds(row, "warm"), ok_seconds(row, "hugo")
        checks.append((warm < hugo, f"warm {warm:.2f} s vs Hugo cold {hugo:.2f} s"))  # type: ignore[operator]
    found.append(("warm build of 1 000 entries faster than Hugo's cold build", *verdict(checks)))

    for size, limit in ((1000, 100), (5000, 500)):
        checks = []
        row = by_size.get(size)
        median = get(row, "serve", "median_ms", "event") if row else None
        if median is not None:
            fresh = not get(row, "serve", "stale")  # type: ignore[arg-type]
            samples = get(row, "serve", "samples_ms", "event")
            note = "" if fresh else " (but a rebuilt page missed the edit)"
            checks.append(
                (median < limit and fresh, f"median {median:.0f} ms, samples {samples}{note}")
            )
        found.append(
            (
                f"one-event rebuild in serve under {limit} ms at {size:,}".replace(",", " "),
                *verdict(checks),
            )
        )

    found += edit_page_targets(by_size)

    checks = []
    row = by_size.get(20000)
    peak = get(row, "cold", "peak_pss_mib") if row else None
    if peak is not None and ok_seconds(row, "cold"):  # type: ignore[arg-type]
        processes = get(row, "cold", "peak_processes")
        parts = ", ".join(
            f"{name} {mib:.0f}" for name, mib in (get(row, "cold", "peak_parts_mib") or {}).items()
        )
        alone = get(row, "floors", "pagefind_peak_rss_mib")
        bound = f"; Pagefind alone peaks at {alone:.0f} MiB" if alone is not None else ""
        checks.append(
            (
                peak <= 1024,
                f"peak PSS {peak:.0f} MiB of 1024 ({processes} processes: {parts}){bound}",
            )
        )
    found.append(
        ("20 000 entries built within 1 GiB (peak PSS, workers included)", *verdict(checks))
    )
    return [
        {"target": name, "status": status, "numbers": numbers} for name, status, numbers in found
    ]


CONTENT_KINDS = ("event", "startup")


def edit_page_targets(by_size: dict[int, dict[str, Any]]) -> list[tuple[str, str, str]]:
    """A content edit (event, startup) shown within the limit and sooner than Hugo shows the
    same edit; nftsite's own printed rebuild time of that edit within its limit."""
    found = []
    for size, limit in ((1000, 100), (5000, 300)):
        checks = []
        for kind in CONTENT_KINDS:
            ours = get(by_size.get(size, {}), "edit_page", "nftsite", "kinds", kind)
            if not ours or "median_ms" not in ours:
                if ours:
                    checks.append((False, f"{kind}: every edit failed"))
                continue
            hugo = get(by_size[size], "edit_page", "hugo", "kinds", kind, "median_ms")
            ok = ours["median_ms"] <= limit and not ours["failures"]
            text = f"{kind} {ours['median_ms']:.0f} ms"
            if hugo is None:
                text += " (Hugo not measured)"
            else:
                ok = ok and ours["median_ms"] < hugo
                text += f" vs Hugo {hugo:.0f} ms"
            checks.append((ok, text + (f", {ours['failures']} failed" if ours["failures"] else "")))
        name = f"content edit→page median under {limit} ms at {size:,} and below Hugo's"
        found.append((name.replace(",", " "), *verdict(checks)))
    for size, limit in ((1000, 50), (5000, 150)):
        checks = []
        for kind in CONTENT_KINDS:
            printed = get(by_size.get(size, {}), "edit_page", "nftsite", "kinds", kind)
            if printed and "rebuild_median_ms" in printed:
                median = printed["rebuild_median_ms"]
                checks.append((median <= limit, f"{kind} {median:.0f} ms"))
        name = f"content edit: nftsite's printed rebuild under {limit} ms at {size:,}"
        found.append((name.replace(",", " "), *verdict(checks)))
    return found
