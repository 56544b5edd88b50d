"""Run by tests/test_output_safety.py in a private mount namespace: builds onto a small tmpfs.

Arguments: SMALL_ROOT BIG_ROOT DISK NOW FREE_KIB... Builds SMALL_ROOT onto DISK/out (the old
tree), then, for each amount of free space, fills DISK so that only that much is left and
builds BIG_ROOT onto DISK/out, until one build fits. Prints JSON: the old tree's hash and,
for each attempt, the exit status, stderr, the tree's hash and what lies beside DISK/out.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path


def tree(folder: Path) -> str:
    """One hash for a whole tree: every file's path and bytes."""
    hasher = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            hasher.update(path.relative_to(folder).as_posix().encode() + b"\0")
            hasher.update(hashlib.sha256(path.read_bytes()).digest())
    return hasher.hexdigest()


def build(root: Path, out: Path, now: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "nftsite", "build", "--root", str(root), "--now", now]
    command += ["--no-cache", "--output", str(out)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def main() -> None:
    small, big, disk, now = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3M", "tmpfs", str(disk)], check=True)
    out, filler = disk / "out", disk / "filler"
    first = build(small, out, now)
    if first.returncode != 0:
        raise SystemExit(first.stderr)
    report: dict[str, object] = {"old": tree(out)}
    attempts = []
    for free in map(int, sys.argv[5:]):
        filler.unlink(missing_ok=True)
        stat = os.statvfs(disk)
        with open(filler, "wb") as handle:
            handle.write(b"\0" * max(stat.f_bavail * stat.f_frsize - free * 1024, 0))
        run = build(big, out, now)
        attempts.append(
            {
                "free": free,
                "rc": run.returncode,
                "stderr": run.stderr,
                "tree": tree(out),
                "beside": sorted(os.listdir(disk)),
            }
        )
        if run.returncode == 0:
            break
    report["attempts"] = attempts
    print(json.dumps(report))


if __name__ == "__main__":
    main()
