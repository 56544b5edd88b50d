"""What a batch of changed paths means for the site: which inputs, of which kind.

The file watcher hands over the paths it saw change; nothing here reads their content. A
path that no longer exists was deleted (a rename is a deletion and a creation): the site's
list of files changed, which only a full derivation follows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nftsite.core.folders import (
    CONTENT_FOLDER,
    CONTENT_SUFFIX,
    MEDIA_FOLDER,
    STATIC_FOLDER,
    TEMPLATES_FOLDER,
)
from nftsite.core.reads import template_key

GIT_FOLDER = ".git"
GIT_STATE = ("HEAD", "packed-refs", "refs")
"""What a commit, a checkout or a pull changes in `.git/` (the history the pages show)."""


@dataclass
class Changes:
    texts: set[str] = field(default_factory=set)
    """Content files changed in place, as shown paths (`content/events/x.md`)."""
    templates: set[str] = field(default_factory=set)
    """Templates changed in place, by name (`event.html`)."""
    static: set[str] = field(default_factory=set)
    """Static files changed in place, as shown paths (`static/css/site.css`)."""
    needs_everything: bool = False
    """site.yaml, media, history, or a file added or removed: derive everything again."""

    @property
    def any(self) -> bool:
        return bool(self.texts or self.templates or self.static or self.needs_everything)

    @property
    def template_keys(self) -> set[str]:
        return {template_key(name) for name in self.templates}


def classify(root: Path, paths: Iterable[str]) -> Changes:
    """Sort the watcher's paths (absolute, or relative to `root`) by what they change."""
    changes = Changes()
    root = root.resolve()
    for raw in paths:
        path = Path(raw) if Path(raw).is_absolute() else root / raw
        try:
            parts = path.resolve().relative_to(root).parts if path.exists() else _parts(path, root)
        except ValueError:
            continue  # outside the project
        if not parts:
            continue
        shown = "/".join(parts)
        if parts[0] == GIT_FOLDER:
            if len(parts) > 1 and parts[1] in GIT_STATE:
                changes.needs_everything = True
            continue
        if parts[0] not in (CONTENT_FOLDER, TEMPLATES_FOLDER, STATIC_FOLDER):
            continue
        if path.is_dir():
            # A new folder: the files written into it before the watcher saw it are not
            # reported one by one.
            changes.needs_everything = True
        elif not path.is_file():
            changes.needs_everything = True  # deleted, or renamed away
        elif parts[0] == CONTENT_FOLDER:
            if parts[1:2] == (MEDIA_FOLDER,) or path.suffix != CONTENT_SUFFIX:
                changes.needs_everything = True  # site.yaml, media, any other file
            else:
                changes.texts.add(shown)
        elif parts[0] == TEMPLATES_FOLDER:
            changes.templates.add("/".join(parts[1:]))
        else:
            changes.static.add(shown)
    return changes


def _parts(path: Path, root: Path) -> tuple[str, ...]:
    """A deleted path's parts under `root` (it cannot be resolved any more)."""
    return path.parent.resolve().joinpath(path.name).relative_to(root).parts
