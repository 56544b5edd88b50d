"""Old URLs of renamed files keep working: a small redirect page at each former address."""

from __future__ import annotations

from pathlib import PurePosixPath

from nftsite.core import urls
from nftsite.core.folders import CONTENT_FOLDER
from nftsite.link.history import History
from nftsite.model.models import Entry, Event, Page, Place, PressRelease, Startup

URL_OF_FOLDER = {
    "events": urls.event_url,
    "startups": urls.startup_url,
    "places": urls.place_url,
    "press": urls.press_url,
    "pages": urls.page_url,
}
URL_OF_KIND = {
    Event: urls.event_url,
    Startup: urls.startup_url,
    Place: urls.place_url,
    PressRelease: urls.press_url,
    Page: urls.page_url,
}


def former_url(path: str) -> str | None:
    """The public URL a content path had: `content/events/2015/x.md` -> `/agenda/x/`."""
    parts = PurePosixPath(path).parts
    if len(parts) < 3 or parts[0] != CONTENT_FOLDER or parts[1] not in URL_OF_FOLDER:
        return None
    return URL_OF_FOLDER[parts[1]](PurePosixPath(path).stem)


def redirects(entries: list[Entry], history: History) -> dict[str, str]:
    """{old URL: current URL} for every renamed entry; a URL in use today is never taken."""
    current = {URL_OF_KIND[type(entry)](entry.slug) for entry in entries}
    found: dict[str, str] = {}
    for entry in entries:
        target = URL_OF_KIND[type(entry)](entry.slug)
        for path in history.of(entry.source.path).past_paths:
            old = former_url(path)
            if old is not None and old not in current and old != target:
                found.setdefault(old, target)
    return dict(sorted(found.items()))
