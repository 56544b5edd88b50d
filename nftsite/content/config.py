"""Read `content/site.yaml` through the same positioned field parsers as the entries."""

from __future__ import annotations

import argparse
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import yaml
from babel import Locale, UnknownLocaleError

from nftsite.content import fields as f
from nftsite.content import time_fields
from nftsite.content.frontmatter import FieldNode, mapping_fields, parse_yaml_mapping
from nftsite.content.schema import FieldSpec, read_fields
from nftsite.content.sources import report_unreadable, shown_path
from nftsite.core.cache import Cache, digest
from nftsite.core.folders import SITE_FILE
from nftsite.core.problems import Position, Problem, Problems, SourceReporter, suggestion_hint
from nftsite.model.models import (
    CityWording,
    Figure,
    NavItem,
    SiteConfig,
    Source,
    Theme,
    default_wording,
)

_SEGMENT = r"(?!\.\.?(?:/|$))[A-Za-z0-9._~-]+"
"""One folder of the path: no `.` or `..`, which a browser would resolve away."""
BASE_URL = re.compile(rf"https?://[A-Za-z0-9.-]+(:[0-9]+)?(/({_SEGMENT}/)*({_SEGMENT})?)?")
"""What `base_url` may hold: it is written raw into robots.txt, the sitemap and the feeds,
and its path is put in front of every link of the pages."""
BASE_URL_HINT = (
    "seulement https://, le nom du serveur et un chemin fait de lettres, chiffres, "
    "« - », « . » et « / », par exemple https://www.normandyfrenchtech.fr"
)


def is_base_url(url: str) -> bool:
    return f.is_web_url(url) and BASE_URL.fullmatch(url) is not None


def parse_base_url(ctx: f.FieldContext) -> str | None:
    url = f.parse_url(ctx)
    if url is None:
        return None
    if not BASE_URL.fullmatch(url):
        ctx.error(f"« {url} » n'est pas une adresse de site utilisable", BASE_URL_HINT)
        return None
    return url.rstrip("/")


def base_url_argument(text: str) -> str:
    """`--base-url`: where this build is published, by the rules of site.yaml's base_url
    (a trailing slash is optional)."""
    if not is_base_url(text):
        raise argparse.ArgumentTypeError(
            f"adresse invalide « {text} » : écrivez https:// (ou http://), le nom du serveur "
            "et un chemin fait de lettres, chiffres, « - », « . » et « / », par exemple "
            "https://exemple.github.io/depot/"
        )
    return text.rstrip("/")


def published_at(config: SiteConfig, base_url: str | None) -> SiteConfig:
    """The configuration of a build published at `base_url` rather than at site.yaml's
    address (a project page under a sub-path, a preview elsewhere): every link, feed and
    canonical follows it, while the calendar UIDs keep site.yaml's host."""
    if base_url is None or base_url == config.base_url:
        return config
    return replace(config, base_url=base_url, declared_base_url=config.base_url)


REPOSITORY = re.compile(
    r"https://github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?(?:/tree/([A-Za-z0-9_./-]+?))?/?"
)
"""A GitHub repository's page, as copied from the browser: `https://github.com/owner/name`,
or `…/tree/branch` for a branch other than `main`."""


def parse_repository(ctx: f.FieldContext) -> str | None:
    text = f.scalar_text(ctx)
    if text is None:
        return None
    if not REPOSITORY.fullmatch(text):
        ctx.error(
            f"« {text} » n'est pas l'adresse d'un dépôt GitHub",
            "copiez l'adresse de la page du dépôt, par exemple "
            "https://github.com/normandyfrenchtech/site (ou …/tree/nom-de-branche)",
        )
        return None
    return text.rstrip("/")


def new_file_url(repository: str, folder: str) -> str:
    """GitHub's "new file" page in `folder` of the repository's branch, to which a form
    appends the file's name and content: `https://github.com/o/r/new/main/content/events/`."""
    match = REPOSITORY.fullmatch(repository)
    if match is None:
        raise ValueError(f"not a GitHub repository address: {repository!r}")
    owner, name, branch = match.groups()
    return f"https://github.com/{owner}/{name}/new/{branch or 'main'}/{folder.strip('/')}/"


def parse_language(ctx: f.FieldContext) -> str | None:
    text = f.scalar_text(ctx)
    if text is None:
        return None
    try:
        Locale.parse(text)
    except (ValueError, UnknownLocaleError):
        ctx.error(f"langue inconnue : « {text} »", "écrivez fr")
        return None
    return text


@dataclass(frozen=True)
class City:
    """One entry of `cities:`: its name, and its forms after « à » and « de » if declared."""

    name: str
    wording: CityWording | None = None


T = TypeVar("T")


def parse_slug_table(
    ctx: f.FieldContext,
    specs: tuple[FieldSpec, ...],
    from_name: Callable[[str, str], T],
    from_record: Callable[[str, dict[str, Any]], T],
) -> dict[str, T] | None:
    """A table keyed by slug whose values are a display name, or a record of `specs`:
    `cities:` and `themes:` are written both ways."""
    entries = f.mapping_of(ctx)
    if entries is None:
        return None
    table: dict[str, T] = {}
    for slug, field in entries.items():
        sub = ctx.child(slug, field)
        if f.check_slug(sub, slug, field.node) is None:
            continue
        if isinstance(field.node, yaml.ScalarNode):
            name = f.parse_text(sub)
            if name is not None:
                table[slug] = from_name(slug, name)
            continue
        values = read_record(sub, specs)
        if values is not None:
            table[slug] = from_record(slug, values)
    return table


def parse_cities(ctx: f.FieldContext) -> dict[str, City] | None:
    """`cities:` — slug: display name, or slug: {name, a, de} for a city whose name takes
    its own article (« au Havre », « du Havre »)."""

    def from_record(slug: str, values: dict[str, Any]) -> City:
        default = default_wording(values["name"])
        at, of = values.get("a", default.at), values.get("de", default.of)
        return City(values["name"], CityWording(at, of))

    return parse_slug_table(ctx, CITY_FIELDS, lambda slug, name: City(name), from_record)


def parse_preposition(expected: tuple[str, ...], example: str) -> f.Parser:
    """`a:` / `de:` of a city: the whole phrase, which must start with its preposition."""

    def parse(ctx: f.FieldContext) -> str | None:
        text = f.parse_text(ctx)
        if text is None:
            return None
        text = " ".join(text.split()).replace("'", "’")
        if not text.startswith(expected) or text in (e.strip() for e in expected):
            words = " ou ".join(f"« {e.strip()} »" for e in expected)
            ctx.error(
                f"« {text} » ne commence pas par {words} suivi du nom",
                f"écrivez toute l'expression, par exemple « {example} »",
            )
            return None
        return text

    return parse


def parse_themes(ctx: f.FieldContext) -> dict[str, Theme] | None:
    """`themes:` — slug: name, or slug: {name, city, summary}."""
    return parse_slug_table(
        ctx, THEME_FIELDS, lambda slug, name: Theme(slug, name), lambda slug, v: Theme(slug, **v)
    )


def read_record(ctx: f.FieldContext, specs: tuple[FieldSpec, ...]) -> dict[str, Any] | None:
    """A nested `{a: …, b: …}` value read against its own small schema."""
    if not isinstance(ctx.node, yaml.MappingNode):
        names = ", ".join(spec.name for spec in specs)
        ctx.error("un groupe de champs est attendu", f"champs possibles : {names}")
        return None
    nodes = mapping_fields(ctx.node, ctx.field.line_offset, ctx.reporter, ctx.name + ".")
    result = read_fields(
        nodes,
        specs,
        ctx.reporter,
        ctx.content_root,
        prefix=ctx.name + ".",
        missing_at=ctx.position(),
    )
    return result.values if result.complete else None


def parse_records(specs: tuple[FieldSpec, ...], make: type) -> f.Parser:
    def parse(ctx: f.FieldContext) -> tuple[Any, ...]:
        items = []
        for index, node in enumerate(f.list_items(ctx), start=1):
            field = FieldNode(str(index), ctx.position(node), node, ctx.field.line_offset)
            values = read_record(ctx.child(str(index), field), specs)
            if values is not None:
                items.append(make(**values))
        return tuple(items)

    return parse


def parse_link_target(ctx: f.FieldContext) -> str | None:
    text = f.scalar_text(ctx)
    if text is None:
        return None
    if text.startswith("/") or f.is_web_url(text):
        return text
    ctx.error(f"« {text} » n'est pas un lien", "un lien du site commence par / : /agenda/")
    return None


THEME_FIELDS = (
    FieldSpec("name", f.parse_text, "nom affiché", required=True),
    FieldSpec("city", f.parse_slug, "ville qui porte cet axe"),
    FieldSpec("summary", f.parse_text, "une phrase de présentation"),
)
CITY_FIELDS = (
    FieldSpec("name", f.parse_text, "nom affiché", required=True),
    FieldSpec(
        "a",
        parse_preposition(("à ", "au ", "aux "), "au Havre"),
        "la ville après « à » (« au Havre ») ; par défaut « à » et le nom",
        example="au Havre",
    ),
    FieldSpec(
        "de",
        parse_preposition(("de ", "d’", "du ", "des "), "du Havre"),
        "la ville après « de » (« du Havre ») ; par défaut « de » (ou « d’ ») et le nom",
        example="du Havre",
    ),
)
NAV_FIELDS = (
    FieldSpec("label", f.parse_text, "texte du lien", required=True),
    FieldSpec("url", parse_link_target, "adresse", required=True),
)
FIGURE_FIELDS = (
    FieldSpec("value", f.parse_text, "le chiffre", required=True),
    FieldSpec("label", f.parse_text, "ce qu'il compte", required=True),
)

SITE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("title", f.parse_text, "nom du site", required=True),
    FieldSpec("tagline", f.parse_text, "sous-titre"),
    FieldSpec("description", f.parse_text, "description pour les moteurs de recherche"),
    FieldSpec(
        "base_url",
        parse_base_url,
        "adresse publique du site",
        required=True,
        example="https://www.normandyfrenchtech.fr",
    ),
    FieldSpec("language", parse_language, "langue du site", example="fr"),
    FieldSpec("timezone", time_fields.parse_timezone, "fuseau horaire", example="Europe/Paris"),
    FieldSpec("contact", f.parse_email, "adresse de contact", required=True),
    FieldSpec(
        "feed_past_months", f.parse_months, "mois de passé gardés dans les agendas", example="12"
    ),
    FieldSpec(
        "cities",
        parse_cities,
        "les villes : identifiant: nom, ou identifiant: {name, a, de}",
        required=True,
    ),
    FieldSpec("themes", parse_themes, "les thèmes : identifiant: nom", required=True),
    FieldSpec("navigation", parse_records(NAV_FIELDS, NavItem), "le menu principal"),
    FieldSpec("figures", parse_records(FIGURE_FIELDS, Figure), "chiffres clés de l'accueil"),
    FieldSpec(
        "repository",
        parse_repository,
        "adresse du dépôt GitHub du site, pour « Proposer un événement »",
        example="https://github.com/normandyfrenchtech/site",
    ),
)


def load_site_config(
    content_root: Path,
    display_root: Path,
    problems: Problems,
    cache: Cache | None = None,
    base_url: str | None = None,
) -> SiteConfig | None:
    """Read site.yaml; None (with problems reported) when the site cannot be described.
    With a cache, an unchanged site.yaml gives back the very same configuration object.
    `base_url` (from `--base-url`) replaces site.yaml's: see `published_at`."""
    config = _load_site_config(content_root, display_root, problems, cache)
    if config is None or base_url is None:
        return config
    if cache is None:
        return published_at(config, base_url)
    return cache.memo("published-at", (config, base_url), partial(published_at, config, base_url))


def _load_site_config(
    content_root: Path, display_root: Path, problems: Problems, cache: Cache | None
) -> SiteConfig | None:
    if cache is None:
        return read_site_config(content_root, display_root, problems)
    path = content_root / SITE_FILE
    try:
        text = path.read_bytes() if path.is_file() else b""
    except OSError:  # reported by read_site_config, which is not cached then
        return read_site_config(content_root, display_root, problems)
    config, found = cache.get_or_compute(
        "config",
        digest(str(content_root), str(display_root), text),
        partial(_read_alone, content_root, display_root),
    )
    problems.extend(found)
    return config


def read_site_file(path: Path, shown: str, display_root: Path, problems: Problems) -> str | None:
    """site.yaml's text, or None with the reason reported: missing, not a plain file,
    unreadable, or not UTF-8."""
    reporter = SourceReporter(shown, "", problems)
    try:
        is_file = path.is_file()
        raw = path.read_bytes() if is_file else b""
    except OSError as error:
        report_unreadable(path, display_root, problems, error)
        return None
    if not is_file:
        if path.exists():  # a pipe or a device: never opened
            reporter.error(
                Position(0, 0),
                "",
                "site.yaml n'est pas un fichier ordinaire",
                "remplacez-le par un fichier texte (voir docs/guide-contenu.md)",
            )
            return None
        reporter.error(
            Position(0, 0),
            "",
            "fichier site.yaml introuvable",
            "créez content/site.yaml (voir docs/guide-contenu.md)",
        )
        return None
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as error:
        reporter.error(
            Position(raw[: error.start].count(b"\n") + 1, 1),
            "",
            "le fichier n'est pas enregistré en UTF-8",
            "enregistrez-le en UTF-8 (l'éditeur web de git le fait toujours)",
        )
        return None


def _read_alone(content_root: Path, display_root: Path) -> tuple[SiteConfig | None, list[Problem]]:
    own = Problems()
    return read_site_config(content_root, display_root, own), own.items


def read_site_config(
    content_root: Path, display_root: Path, problems: Problems
) -> SiteConfig | None:
    path = content_root / SITE_FILE
    shown = shown_path(path, display_root)
    text = read_site_file(path, shown, display_root, problems)
    if text is None:
        return None
    reporter = SourceReporter(shown, text, problems)
    nodes = parse_yaml_mapping(text, 0, reporter)
    if nodes is None:
        return None
    result = read_fields(nodes, SITE_FIELDS, reporter, content_root)
    if not result.complete:
        return None
    values = dict(result.values)
    values.setdefault("language", "fr")
    values.setdefault("timezone", zoneinfo.ZoneInfo("Europe/Paris"))
    cities: dict[str, City] = values.pop("cities")
    values["cities"] = {slug: city.name for slug, city in cities.items()}
    values["city_wordings"] = {
        slug: city.wording for slug, city in cities.items() if city.wording is not None
    }
    source = Source(path=shown, slug="site", full_text=text, positions=result.positions)
    config = SiteConfig(source=source, **values)
    for theme in config.themes.values():
        if theme.city and theme.city not in config.cities:
            reporter.error(
                result.positions["themes"],
                f"themes.{theme.slug}.city",
                f"ville inconnue : « {theme.city} »",
                suggestion_hint(theme.city, config.cities, "villes"),
            )
    return config
