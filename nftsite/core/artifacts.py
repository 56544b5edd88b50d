"""What each file of the next output tree will be made of.

Loading and rendering say what a file is; only `output/` writes it. Rendered pages travel
as bytes, or as `Staged` once the output stage has parked them beside `output/`; a page the
last build already wrote from the same inputs is `Kept`; media and static files are the
`Path` of their source.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Kept:
    """The file already in `output/` is exactly what this build would write."""

    key: str


@dataclass(frozen=True)
class Staged:
    """Rendered bytes parked beside `output/` until the build is known to have succeeded."""

    path: Path
    size: int
    sha256: str


Artifact = bytes | Path | Kept | Staged
"""Rendered bytes, a source file to copy as it is (media, static files), a kept file, or a
staged page."""
