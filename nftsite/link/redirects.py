"""Old URLs of renamed files keep working: a small redirect page at each former address."""

from __future__ import annotations

from pathlib import PurePosixPath

from nftsite.content.kinds import entry_url, kind_in_folder
from nftsite.core.folders import CONTENT_FOLDER
from nftsite.link.history import History
from nftsite.model.models import Entry


def former_url(path: str) -> str | None:
    """The public URL a content path had: `content/events/2015/x.md` -> `/agenda/x/`."""
    parts = PurePosixPath(path).parts
    kind = kind_in_folder(parts[1]) if len(parts) >= 3 and parts[0] == CONTENT_FOLDER else None
    return None if kind is None else kind.entry_url(PurePosixPath(path).stem)


def redirects(entries: list[Entry], history: History) -> dict[str, str]:
    """{old URL: current URL} for every renamed entry; a URL in use today is never taken."""
    current = {entry_url(entry) for entry in entries}
    found: dict[str, str] = {}
    for entry in entries:
        target = entry_url(entry)
        for path in history.of(entry.source.path).past_paths:
            old = former_url(path)
            if old is not None and old not in current and old != target:
                found.setdefault(old, target)
    return dict(sorted(found.items()))
