"""Stage 5, write: bring `output/` to the rendered state, touching only files that changed.

Nothing is written until every page rendered without an error, so a failed build leaves
`output/` exactly as it was. Each changed file is written beside its target and renamed into
place, so a reader (or a web server) never sees half a file; unchanged files keep their bytes
and their modification time.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

Artifact = bytes | Path
"""Rendered bytes, or a source file to copy as it is (media, static files)."""


@dataclass(frozen=True)
class WriteReport:
    written: int
    unchanged: int
    removed: int


def write_output(output_root: Path, artifacts: Mapping[str, Artifact]) -> WriteReport:
    """Make `output_root` hold exactly `artifacts` (relative POSIX path -> content)."""
    output_root.mkdir(parents=True, exist_ok=True)
    written = unchanged = 0
    for relative, artifact in sorted(artifacts.items()):
        target = output_root / relative
        data = artifact.read_bytes() if isinstance(artifact, Path) else artifact
        if target.is_file() and _same_bytes(target, data):
            unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            shutil.rmtree(target)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)
        written += 1
    removed = _remove_stale(output_root, set(artifacts))
    return WriteReport(written, unchanged, removed)


def _same_bytes(path: Path, data: bytes) -> bool:
    return path.stat().st_size == len(data) and path.read_bytes() == data


def _remove_stale(output_root: Path, keep: set[str]) -> int:
    removed = 0
    for path in sorted(output_root.rglob("*"), reverse=True):
        relative = path.relative_to(output_root).as_posix()
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        elif relative not in keep:
            path.unlink()
            removed += 1
    return removed
