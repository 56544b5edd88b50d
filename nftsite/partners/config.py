"""`content/sources.yaml`: the partners' agendas to import, read with positions like a content
file, so a mistake is reported in French with its line (docs/erreurs.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from nftsite.content import fields as f
from nftsite.content.frontmatter import _Loader, mapping_fields, node_position, report_yaml_error
from nftsite.content.kinds import kind_named
from nftsite.content.schema import FieldSpec, read_fields
from nftsite.content.time_fields import parse_timezone
from nftsite.core.folders import CONTENT_SUFFIX
from nftsite.core.problems import Position, Problems, SourceReporter, suggestion_hint
from nftsite.model.models import SiteConfig

SOURCES_FILE = "sources.yaml"
KINDS = ("ics", "openagenda")


@dataclass(frozen=True)
class SourceConfig:
    """One partner's agenda, as `content/sources.yaml` describes it."""

    name: str
    kind: str
    licence: str
    url: str | None = None
    file: str | None = None
    """A path relative to the project root (recorded files, offline)."""
    attribution: str | None = None
    city: str | None = None
    themes: tuple[str, ...] = ()
    timezone: ZoneInfo | None = None
    """The zone of the source's floating times (else the site's)."""
    places: dict[str, str] = field(default_factory=dict)
    """A place name as the source writes it -> the slug of our place file."""
    key_env: str | None = None
    """The environment variable holding an OpenAgenda API key (never the key itself)."""


def parse_places(ctx: f.FieldContext) -> dict[str, str] | None:
    """`places: {"La Cantine, Caen": cantine-caen}`: the source's place names to our places."""
    nodes = f.mapping_of(ctx)
    if nodes is None:
        return None
    found = {}
    for key, node in nodes.items():
        slug = f.parse_slug(ctx.child(key, node))
        if slug is not None:
            found[" ".join(key.split()).casefold()] = slug
    return found


SOURCE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", f.parse_slug, "le nom court de l'agenda", required=True),
    FieldSpec("kind", f.parse_choice(KINDS), "ics ou openagenda", required=True, example="ics"),
    FieldSpec("url", f.parse_url, "l'adresse de l'agenda"),
    FieldSpec("file", f.parse_text, "un fichier du projet à la place de url (tests)"),
    FieldSpec(
        "licence",
        f.parse_text,
        "la licence sous laquelle la source publie ses événements",
        required=True,
        example="Licence Ouverte 2.0",
    ),
    FieldSpec("attribution", f.parse_text, "le nom de l'agenda à citer"),
    FieldSpec("city", f.parse_slug, "la ville par défaut, parmi celles de site.yaml"),
    FieldSpec("themes", f.parse_slug_list, "thèmes par défaut, parmi ceux de site.yaml"),
    FieldSpec("timezone", parse_timezone, "le fuseau des heures sans fuseau de la source"),
    FieldSpec("places", parse_places, "les noms de lieux de la source et nos fiches de lieux"),
    FieldSpec("key_env", f.parse_text, "la variable d'environnement de la clé OpenAgenda"),
)

LIST_HINT = (
    "sources.yaml est une liste : chaque agenda commence par « - name: … » suivi de "
    "kind, url (ou file) et licence"
)


def load_sources(
    content_root: Path, display_root: Path, config: SiteConfig, problems: Problems
) -> list[SourceConfig]:
    """Every source of sources.yaml, or [] with the problems reported."""
    path = content_root / SOURCES_FILE
    shown = path.relative_to(display_root).as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        SourceReporter(shown, "", problems).error(
            Position(),
            "",
            "pas de fichier sources.yaml : aucun agenda à importer",
            "créez content/sources.yaml (voir le guide du contenu, « Importer les agendas "
            "partenaires »)",
        )
        return []
    reporter = SourceReporter(shown, text, problems)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        report_yaml_error(error, 0, reporter)
        return []
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        reporter.error(node_position(root, 0), "", "une liste d'agendas est attendue", LIST_HINT)
        return []
    sources: list[SourceConfig] = []
    seen: dict[str, int] = {}
    folder = content_root / kind_named("place").folder
    places = {path.stem for path in folder.glob(f"*{CONTENT_SUFFIX}")}
    for item in root.value:
        where = node_position(item, 0)
        if not isinstance(item, yaml.MappingNode):
            reporter.error(where, "", "chaque agenda est un groupe de champs", LIST_HINT)
            continue
        read = read_fields(
            mapping_fields(item, 0, reporter), SOURCE_FIELDS, reporter, content_root, "", where
        )
        if not read.complete:
            continue
        source = SourceConfig(**read.values)
        if check_source(source, read.positions, seen, config, reporter, display_root, places):
            seen[source.name] = read.positions["name"].line
            sources.append(source)
    return sources


def check_source(
    source: SourceConfig,
    positions: dict[str, Position],
    seen: dict[str, int],
    config: SiteConfig,
    reporter: SourceReporter,
    root: Path,
    places: set[str],
) -> bool:
    """The rules over several fields of one source, and across sources."""
    ok = True
    if source.file is not None and not (root / source.file).resolve().is_relative_to(
        root.resolve()
    ):
        reporter.error(
            positions["file"],
            "file",
            f"« {source.file} » est hors du projet",
            "donnez le chemin d'un fichier du projet, depuis sa racine : partners/agenda.ics",
        )
        ok = False
    if source.name in seen:
        reporter.error(
            positions["name"],
            "name",
            f"deux agendas s'appellent « {source.name} » (déjà à la ligne {seen[source.name]})",
            "chaque agenda a son propre nom : il fait le nom de son dossier d'événements",
        )
        ok = False
    if (source.url is None) == (source.file is None):
        reporter.error(
            positions["name"],
            "url",
            "un agenda a soit une adresse (url), soit un fichier (file), et un seul",
            "écrivez « url: https://… » pour un agenda en ligne",
        )
        ok = False
    if source.city is not None and source.city not in config.cities:
        reporter.error(
            positions["city"],
            "city",
            f"ville inconnue : « {source.city} »",
            suggestion_hint(source.city, config.cities, kind="villes"),
        )
        ok = False
    for theme in source.themes:
        if theme not in config.themes:
            reporter.error(
                positions["themes"],
                "themes",
                f"thème inconnu : « {theme} »",
                suggestion_hint(theme, config.themes, kind="thèmes"),
            )
            ok = False
    for slug in sorted(set(source.places.values()) - places):
        reporter.error(
            positions["places"],
            "places",
            f"lieu inconnu : « {slug} »",
            suggestion_hint(slug, places, kind="lieux"),
        )
        ok = False
    return ok
