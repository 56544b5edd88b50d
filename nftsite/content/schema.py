"""The fields of each content type (listed for authors in docs/guide-contenu.md) and the reading of a front matter against them.

A `FieldSpec` says how a field is parsed, whether it is required and, in French, what it is
for: the same table drives validation, the `new` scaffold and the comms team's guide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nftsite.content import fields as f
from nftsite.content import media_fields, origin_fields, time_fields
from nftsite.content.frontmatter import FieldNode
from nftsite.core.problems import Position, SourceReporter, suggestion_hint


@dataclass(frozen=True)
class FieldSpec:
    name: str
    parse: f.Parser
    help: str
    """What the field means to the comms team, in French."""
    required: bool = False
    example: str = ""
    scaffold: bool = True
    """False for a field only `nftsite import` writes or reads: `nftsite new` leaves it out."""
    attribute: str = ""
    """The model's attribute, when the field's name cannot be one (`import` is a Python word,
    an entry's `source` is its file)."""

    @property
    def model_name(self) -> str:
        return self.attribute or self.name


PLACE_KINDS = (
    "totem", "cantine", "coworking", "incubateur", "pépinière",
    "fablab", "accélérateur", "école", "tiers-lieu", "laboratoire",
)  # fmt: skip
STATUSES = ("confirmed", "tentative", "cancelled")

DRAFT = FieldSpec(
    "draft", f.parse_boolean, "true pour un brouillon, absent du site publié", example="true"
)
SUMMARY = FieldSpec(
    "summary", f.parse_text, "une ou deux phrases de présentation, sans mise en forme"
)
THEMES = FieldSpec(
    "themes", f.parse_slug_list, "thèmes, parmi ceux de site.yaml", example="[smart-city]"
)
TAGS = FieldSpec("tags", f.parse_text_list, "mots-clés libres", example="[données, ville]")

EVENT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("title", f.parse_text, "le titre de l'événement", required=True),
    FieldSpec(
        "start",
        time_fields.parse_moment,
        "début : une date (journée entière) ou date et heure locale",
        required=True,
        example="2015-10-01 18:30",
    ),
    FieldSpec(
        "end",
        time_fields.parse_end_moment,
        "fin : même forme que start ; pour une journée entière, le dernier jour lui-même",
        example="2015-10-01 21:00",
    ),
    FieldSpec(
        "timezone",
        time_fields.parse_timezone,
        "fuseau horaire s'il n'est pas celui du site",
        example="America/Los_Angeles",
    ),
    FieldSpec(
        "place",
        f.parse_slug,
        "le lieu : nom du fichier d'un lieu de content/places/",
        example="seine-innopolis",
    ),
    FieldSpec(
        "location",
        f.parse_text,
        "adresse libre, si le lieu n'a pas de fiche",
        example="Hôtel de ville, esplanade Jean-Marie Louvel, Caen",
    ),
    FieldSpec(
        "city", f.parse_slug, "la ville (avec location), parmi celles de site.yaml", example="caen"
    ),
    FieldSpec("online", f.parse_url, "adresse de la diffusion en ligne"),
    FieldSpec(
        "organizer",
        f.parse_text,
        "l'organisateur : un nom, ou le nom de fichier d'une startup ou d'un lieu",
    ),
    THEMES,
    TAGS,
    FieldSpec("registration", f.parse_url, "adresse de la page d'inscription"),
    FieldSpec("price", f.parse_text, "le prix, en clair", example="Gratuit"),
    FieldSpec(
        "status",
        f.parse_choice(STATUSES),
        "confirmed (par défaut), tentative ou cancelled",
        example="confirmed",
    ),
    FieldSpec(
        "recurrence",
        time_fields.parse_rrule,
        "répétition, règle RRULE",
        example="FREQ=MONTHLY;BYDAY=1TH;COUNT=10",
    ),
    FieldSpec(
        "exdates",
        time_fields.parse_moment_list,
        "dates des occurrences annulées d'un événement répété",
        example="[2027-01-07]",
    ),
    SUMMARY,
    FieldSpec(
        "image",
        media_fields.parse_media_path,
        "une image de content/media/",
        example="media/affiche.jpg",
    ),
    DRAFT,
    FieldSpec("uid", f.parse_uid, "identifiant d'agenda permanent ; ne jamais le changer"),
    FieldSpec(
        "source",
        origin_fields.parse_origin,
        "l'agenda partenaire d'où vient la fiche (écrit par nftsite import)",
        scaffold=False,
        attribute="origin",
    ),
    FieldSpec(
        "import",
        origin_fields.parse_import_lock,
        "fige : nftsite import ne réécrit plus cette fiche",
        example="fige",
        scaffold=False,
        attribute="frozen",
    ),
    FieldSpec(
        "duplicate_of",
        f.parse_uid,
        "l'uid de l'événement dont celui-ci est le doublon : il n'est alors pas publié",
        scaffold=False,
    ),
)

STARTUP_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", f.parse_text, "le nom de l'entreprise", required=True),
    FieldSpec(
        "city", f.parse_slug, "la ville, parmi celles de site.yaml", required=True, example="caen"
    ),
    THEMES,
    TAGS,
    FieldSpec("website", f.parse_url, "site web", example="https://exemple.fr"),
    FieldSpec("founded", f.parse_year, "année de création", example="2012"),
    FieldSpec(
        "logo",
        media_fields.parse_media_path,
        "logo, dans content/media/",
        example="media/logos/nom.svg",
    ),
    FieldSpec("place", f.parse_slug, "le lieu qui l'héberge (fichier de content/places/)"),
    SUMMARY,
    FieldSpec(
        "social",
        f.parse_url_mapping,
        "réseaux sociaux : nom et adresse",
        example="{linkedin: https://www.linkedin.com/company/exemple}",
    ),
    DRAFT,
)

PLACE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", f.parse_text, "le nom du lieu", required=True),
    FieldSpec(
        "kind",
        f.parse_choice(PLACE_KINDS),
        "le genre de lieu : " + ", ".join(PLACE_KINDS),
        required=True,
        example="coworking",
    ),
    FieldSpec("address", f.parse_text, "l'adresse postale complète", required=True),
    FieldSpec(
        "city", f.parse_slug, "la ville, parmi celles de site.yaml", required=True, example="rouen"
    ),
    FieldSpec("geo", f.parse_geo, "coordonnées GPS", example="{lat: 49.42, lon: 1.06}"),
    FieldSpec("website", f.parse_url, "site web"),
    FieldSpec("access", f.parse_text, "accès de plain-pied, ascenseur, transports en commun"),
    FieldSpec(
        "hours", f.parse_text, "horaires d'ouverture", example="Du lundi au vendredi, 9 h – 18 h"
    ),
    SUMMARY,
    FieldSpec("image", media_fields.parse_media_path, "une photo de content/media/"),
    DRAFT,
)

PRESS_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("title", f.parse_text, "le titre du communiqué", required=True),
    FieldSpec(
        "date",
        time_fields.parse_date,
        "la date de publication",
        required=True,
        example="2015-06-25",
    ),
    SUMMARY,
    FieldSpec(
        "attachments",
        media_fields.parse_media_list,
        "fichiers joints (PDF…) de content/media/",
        example="[media/presse/communique.pdf]",
    ),
    FieldSpec("contact", f.parse_email, "contact presse", example="contact@normandyfrenchtech.fr"),
    DRAFT,
)

PAGE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("title", f.parse_text, "le titre de la page", required=True),
    FieldSpec("menu", f.parse_order, "place dans le menu du bas de page (1, 2, 3…)", example="1"),
    SUMMARY,
    DRAFT,
)


FIRST_FIELD = Position(2, 1)
"""Where a missing field is reported: the first line of the front matter."""


@dataclass(frozen=True)
class ReadFields:
    """The values a front matter gave, the position of each field, and whether all were valid."""

    values: dict[str, Any]
    positions: dict[str, Position]
    complete: bool


def read_fields(
    nodes: dict[str, FieldNode],
    specs: Sequence[FieldSpec],
    reporter: SourceReporter,
    content_root: Path,
    prefix: str = "",
    missing_at: Position = FIRST_FIELD,
) -> ReadFields:
    """Parse each known field; warn about unknown ones; report missing required ones.

    `prefix` names a nested group in problems (`themes.smart-city.name`); `missing_at` is where
    a missing field is reported: the start of the front matter, or of the nested group.
    """
    by_name = {spec.name: spec for spec in specs}
    values: dict[str, Any] = {}
    positions: dict[str, Position] = {}
    complete = True
    for key, node in nodes.items():
        positions[key] = node.key_position
        spec = by_name.get(key)
        if spec is None:
            reporter.warning(
                node.key_position,
                prefix + key,
                f"champ inconnu « {key} », ignoré",
                suggestion_hint(key, by_name, kind="champs"),
            )
            continue
        named = FieldNode(prefix + key, node.key_position, node.node, node.line_offset)
        value = spec.parse(f.FieldContext(named, reporter, content_root))
        if value is None:
            complete = complete and not spec.required
            continue
        values[spec.model_name] = value
    for spec in specs:
        if spec.required and spec.name not in nodes:
            complete = False
            example = spec.example or "…"
            reporter.error(
                missing_at,
                prefix + spec.name,
                f"champ obligatoire manquant : {spec.name} ({spec.help})",
                f"ajoutez une ligne « {spec.name}: {example} »",
            )
    return ReadFields(values, positions, complete)
