"""`nftsite new`: write a new entry where it belongs, ready to build, commented in French.

The file is generated from the schema itself: required fields are filled in, every optional
field is listed commented out with what it is for, so the scaffold can never drift from what
the build accepts. It starts as a draft: its placeholder text is never published by mistake.
"""

from __future__ import annotations

import json
import unicodedata
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from nftsite.content.fields import forbidden_character
from nftsite.content.kinds import KINDS
from nftsite.content.kinds import kind_named as kind_of_name
from nftsite.core.folders import CONTENT_SUFFIX
from nftsite.core.oserrors import cause
from nftsite.core.slugs import shorten_slug, slugify
from nftsite.model.models import SiteConfig

KIND_NAMES = tuple(kind.french for kind in KINDS)
"""The kinds as the comms team names them (what `nftsite new --help` lists)."""

KINDS_HELP = " ; ".join(
    kind.french + "".join(f" (ou {alias})" for alias in kind.aliases) for kind in KINDS
)
"""The kinds for `nftsite new --help`: « evenement (ou événement) ; startup ; … »."""

ALIASES = {alias: kind.name for kind in KINDS for alias in (kind.french, *kind.aliases, kind.name)}


def kind_named(name: str) -> str | None:
    """The kind a French or English name stands for, whatever its case or accent encoding
    (a terminal may send « é » as e + a combining accent); None for an unknown name."""
    return ALIASES.get(unicodedata.normalize("NFC", name.strip()).casefold())


DRAFT_LINES = (
    "# Brouillon : cette fiche n'est pas publiée tant que la ligne « draft: true » est là.",
    "# Pour la publier, supprimez la ligne ci-dessous (ou écrivez draft: false).",
    "draft: true",
)


class ScaffoldError(Exception):
    """Why the file was not written (in French, for the person at the keyboard)."""


def target_path(content_root: Path, kind: str, slug: str, today: date) -> Path:
    spec = kind_of_name(kind)
    folder = content_root / spec.folder
    if spec.by_year:
        folder = folder / str(today.year)
    return folder / f"{slug}{CONTENT_SUFFIX}"


def create_entry(
    content_root: Path, config: SiteConfig, kind: str, title: str, today: date
) -> Path:
    """Write the new file and return its path; refuse to overwrite any entry of that name."""
    title = one_line_title(title)
    slug = shorten_slug(slugify(title))
    if not slug:
        raise ScaffoldError(f"impossible de tirer un nom de fichier de « {title} »")
    existing = sorted((content_root / kind_of_name(kind).folder).rglob(f"{slug}{CONTENT_SUFFIX}"))
    if existing:
        raise ScaffoldError(
            f"une fiche porte déjà ce nom : {existing[0].relative_to(content_root.parent)} — modifiez-la, "
            "ou choisissez un autre titre"
        )
    path = target_path(content_root, kind, slug, today)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as file:  # never over a file made meanwhile
            file.write(render_entry(config, kind, title, today))
    except OSError as error:
        reason, hint = cause(error)
        shown = path.relative_to(content_root.parent)
        raise ScaffoldError(f"impossible d'écrire {shown} ({reason}) : {hint}") from None
    return path


def one_line_title(title: str) -> str:
    """The title on one line, as the build wants it: line breaks and runs of spaces (often
    pasted along with the title) become one space; an invisible control character is
    refused, since the build would refuse it too."""
    folded = " ".join(title.split())
    character = forbidden_character(folded)
    if character is not None:
        raise ScaffoldError(
            f"le titre contient un caractère invisible interdit (U+{ord(character):04X}) : "
            "retapez-le au clavier"
        )
    return folded


def render_entry(config: SiteConfig, kind: str, title: str, today: date) -> str:
    spec = kind_of_name(kind)
    values = required_values(config, kind, title, today)
    lines = ["---", *DRAFT_LINES]
    for field in spec.fields:
        if field.name in values:
            lines.append(f"# {field.help}{' (obligatoire)' if field.required else ''}")
            lines.append(f"{field.name}: {values[field.name]}")
    lines.append("# Champs facultatifs : pour en utiliser un, retirez le « # » au début de")
    lines.append("# la ligne du champ (pas de celle qui l'explique) et remplacez l'exemple.")
    for field in spec.fields:
        if field.name not in values and field.name != "draft" and field.scaffold:
            lines.append(f"#   ({field.help})")
            lines.append(f"# {field.name}: {field.example or ''}".rstrip())
    lines += ["---", spec.scaffold_body, ""]
    return "\n".join(lines)


def required_values(config: SiteConfig, kind: str, title: str, today: date) -> dict[str, str]:
    """A value for every required field, and a permanent uid for a kind that has one, so the
    new file builds as it is (a required field with no placeholder fails tests/test_kinds.py)."""
    first_city = next(iter(config.cities))
    host = urlsplit(config.base_url).hostname
    placeholders = {
        "start": today.isoformat(),
        "date": today.isoformat(),
        "city": f"{first_city}    # à vérifier : {', '.join(config.cities)}",
        "kind": "coworking    # à vérifier",
        "address": '"À compléter"',
        "uid": f"{uuid.uuid4()}@{host}",
    }
    spec = kind_of_name(kind)
    values = {spec.title_field: json.dumps(title, ensure_ascii=False)}
    for field in spec.fields:
        if field.name not in values and (field.required or field.name == "uid"):
            values[field.name] = placeholders[field.name]
    return values
