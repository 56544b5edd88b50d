"""The kinds of content, declared once: every module that needs a kind's folder, model,
fields, URL, templates or French name reads it here (tests/test_kinds.py holds the model,
the schema, the templates and docs/guide-contenu.md in step with each row).

Adding a kind means one row here, one model, its fields in schema.py, two templates and its
section in the guide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nftsite.content.schema import (
    EVENT_FIELDS,
    PAGE_FIELDS,
    PLACE_FIELDS,
    PRESS_FIELDS,
    STARTUP_FIELDS,
    FieldSpec,
)
from nftsite.core import urls
from nftsite.model.models import Entry, Event, Page, Place, PressRelease, Startup


@dataclass(frozen=True)
class ContentKind:
    """One kind of content: where its files live, what they hold, where they are published."""

    name: str
    """The id used in code and in `SourceFile.kind`: `event`."""
    french: str
    """How the comms team names it, without accents: what `nftsite new --help` lists and
    what a rename hint puts before a slug (`evenement`)."""
    aliases: tuple[str, ...]
    """Other spellings `nftsite new` accepts besides `name` and `french` (lower case, NFC)."""
    folder: str
    """Its folder under content/."""
    model: type[Entry]
    fields: tuple[FieldSpec, ...]
    entry_url: Callable[[str], str]
    """The public URL of an entry, from its slug (core/urls.py)."""
    list_url: str | None
    """The page that lists the kind's entries; None when there is none (pages)."""
    entry_template: str
    list_template: str | None
    title_field: str
    """The field `nftsite new` fills with the title it is given."""
    scaffold_body: str
    """What `nftsite new` writes below the front matter."""
    by_year: bool = False
    """`nftsite new` files it in a folder of the year (`content/events/2027/`)."""
    reads_versions: bool = False
    """The texts of its past versions are read from git: an event's calendar SEQUENCE counts
    its schedule changes, a press release's feed date says whether it was revised."""


KINDS: tuple[ContentKind, ...] = (
    ContentKind(
        name="event",
        french="evenement",
        aliases=("événement",),
        folder="events",
        model=Event,
        fields=EVENT_FIELDS,
        entry_url=urls.event_url,
        list_url=urls.AGENDA,
        entry_template="event.html",
        list_template="agenda.html",
        title_field="title",
        scaffold_body="Présentez l'événement : programme, intervenants, public visé.",
        by_year=True,
        reads_versions=True,
    ),
    ContentKind(
        name="startup",
        french="startup",
        aliases=(),
        folder="startups",
        model=Startup,
        fields=STARTUP_FIELDS,
        entry_url=urls.startup_url,
        list_url=urls.STARTUPS,
        entry_template="startup.html",
        list_template="startups.html",
        title_field="name",
        scaffold_body="Présentez l'entreprise : ce qu'elle fait, pour qui, ses actualités.",
    ),
    ContentKind(
        name="place",
        french="lieu",
        aliases=(),
        folder="places",
        model=Place,
        fields=PLACE_FIELDS,
        entry_url=urls.place_url,
        list_url=urls.PLACES,
        entry_template="place.html",
        list_template="places.html",
        title_field="name",
        scaffold_body="Présentez le lieu : ce qu'on y trouve, comment y travailler.",
    ),
    ContentKind(
        name="press",
        french="communique",
        aliases=("communiqué",),
        folder="press",
        model=PressRelease,
        fields=PRESS_FIELDS,
        entry_url=urls.press_url,
        list_url=urls.PRESS,
        entry_template="press.html",
        list_template="press_list.html",
        title_field="title",
        scaffold_body="Le texte du communiqué.",
        reads_versions=True,
    ),
    ContentKind(
        name="page",
        french="page",
        aliases=(),
        folder="pages",
        model=Page,
        fields=PAGE_FIELDS,
        entry_url=urls.page_url,
        list_url=None,
        entry_template="page.html",
        list_template=None,
        title_field="title",
        scaffold_body="Le texte de la page.",
    ),
)
"""In the order the build reads the folders and `nftsite new --help` lists the kinds."""

_BY_NAME = {kind.name: kind for kind in KINDS}
_BY_FOLDER = {kind.folder: kind for kind in KINDS}
_BY_MODEL: dict[type, ContentKind] = {kind.model: kind for kind in KINDS}


def kind_named(name: str) -> ContentKind:
    """The kind of an id used in code (`SourceFile.kind`); KeyError for another name."""
    return _BY_NAME[name]


def kind_in_folder(folder: str) -> ContentKind | None:
    """The kind whose files live in content/`folder`/, if any."""
    return _BY_FOLDER.get(folder)


def kind_of(entry: Entry) -> ContentKind:
    return _BY_MODEL[type(entry)]


def entry_url(entry: Entry) -> str:
    """The public URL of an entry: `/agenda/codeurs-en-seine-2015/`."""
    return kind_of(entry).entry_url(entry.slug)
