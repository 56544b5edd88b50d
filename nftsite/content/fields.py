"""Field parsers: the exact text of one front-matter value -> a typed value, or a French problem.

Each parser takes a `FieldContext` and returns the value, or None after reporting what is wrong
and how to fix it. References to other entries (places, cities, themes) are only checked for
their form here; whether they exist is the link stage's job (site.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import yaml

from nftsite.content.frontmatter import FieldNode, mapping_fields, node_position
from nftsite.core.problems import Position, SourceReporter, suggestion_hint
from nftsite.core.slugs import SLUG_MAX_LENGTH, SLUG_PATTERN, shorten_slug, slugify

T = TypeVar("T")


Moment = date | datetime | time
"""A date (all-day), a date-time (naive = local, or with its offset), or a bare end time."""


@dataclass(frozen=True)
class FieldContext:
    """What a field parser needs: the value's node, where to report, the content folder."""

    field: FieldNode
    reporter: SourceReporter
    content_root: Path

    @property
    def name(self) -> str:
        return self.field.key

    @property
    def node(self) -> yaml.Node:
        return self.field.node

    def position(self, node: yaml.Node | None = None) -> Position:
        if node is None:
            return self.field.position()
        return node_position(node, self.field.line_offset)

    def error(self, message: str, hint: str = "", node: yaml.Node | None = None) -> None:
        self.reporter.error(self.position(node), self.name, message, hint)

    def warning(self, message: str, hint: str = "", node: yaml.Node | None = None) -> None:
        self.reporter.warning(self.position(node), self.name, message, hint)

    def child(self, key: str, field: FieldNode) -> FieldContext:
        """A context for a value nested in this one (reported as `parent.key`)."""
        nested = FieldNode(f"{self.name}.{key}", field.key_position, field.node, field.line_offset)
        return FieldContext(nested, self.reporter, self.content_root)


Parser = Callable[[FieldContext], Any]


# --- scalars -------------------------------------------------------------------------------


def scalar_text(ctx: FieldContext, node: yaml.Node | None = None) -> str | None:
    """The stripped text of a scalar value; a list or mapping where text is expected is an error.

    Every front-matter value is a one-line value (the body is the only multi-line text), so a
    line break or an invisible control character in it is refused here, for every field."""
    node = ctx.node if node is None else node
    if isinstance(node, yaml.ScalarNode):
        text = node.value.strip()
        if not text and node.tag == "tag:yaml.org,2002:null":
            ctx.error(
                "valeur vide", "écrivez une valeur après les deux-points, ou retirez la ligne"
            )
            return None
        if not node.style and not check_plain_scalar(ctx, node):  # "" = plain, unquoted
            return None
        if not check_one_line(ctx, text, node):
            return None
        return str(text)
    kind = "une liste" if isinstance(node, yaml.SequenceNode) else "un groupe de champs"
    ctx.error(f"une seule valeur attendue, pas {kind}", "écrivez la valeur sur la même ligne", node)
    return None


LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
"""What Python's `splitlines` cuts at: a line break, whatever it is called."""


FORBIDDEN = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
    + "]"
)
"""Control characters (Unicode Cc: U+0000-U+001F and U+007F-U+009F) but the tab, the line
and paragraph separators (Zl, Zp), surrogates (Cs) and the 66 noncharacters (U+FDD0-U+FDEF,
U+xFFFE, U+xFFFF): feeds, calendars and XML parsers reject or misread them all. These sets
are fixed by Unicode's stability policy; a regular expression finds them fast in long text."""


def forbidden_character(text: str) -> str | None:
    """The first character a one-line value may not hold (see FORBIDDEN), or None."""
    found = FORBIDDEN.search(text)
    return found[0] if found else None


def check_one_line(ctx: FieldContext, text: str, node: yaml.Node) -> bool:
    """Refuse a line break or an invisible character in a one-line value, with its code."""
    character = forbidden_character(text)
    if character is None:
        return True
    if character in LINE_BREAKS:
        ctx.error(
            "retour à la ligne dans une valeur qui tient sur une ligne",
            "écrivez la valeur sur une seule ligne, sans « | » ni « > » ; un long texte va "
            "dans le corps de la fiche, sous l'en-tête",
            node,
        )
        return False
    code = f"U+{ord(character):04X}"
    ctx.error(
        f"caractère invisible interdit ({code}) dans la valeur",
        "retirez-le : il vient souvent d'un copier-coller depuis un autre logiciel, ou d'un "
        "code commençant par « \\ » écrit entre guillemets (« \\0 », « \\x01 »…)",
        node,
    )
    return False


def check_plain_scalar(ctx: FieldContext, node: yaml.ScalarNode) -> bool:
    """Catch what YAML silently takes away from an unquoted value, on one line or several: a
    leading `!` or `&` (read as a tag or an anchor), text after ` #` (a comment, as in
    « Ramène Ta Fraise #3 »), and a `#word` line where the value would go on (a comment too)."""
    first = node.start_mark.line + 1 + ctx.field.line_offset
    last = node.end_mark.line + 1 + ctx.field.line_offset
    line = ctx.reporter.line_text(first)
    if not line:
        return True
    written = line[node.start_mark.column : node.end_mark.column if first == last else None]
    lost = lost_prefix(written.strip(), node.value)
    if lost:
        whole = f"{lost} {node.value}".strip()
        ctx.error(
            f"« {lost} » en début de valeur n'est pas lu comme du texte",
            f'mettez toute la valeur entre guillemets : "{whole}"',
            node,
        )
        return False
    rest = ctx.reporter.line_text(last)[node.end_mark.column :]
    if re.match(r"\s+#\S", rest):
        ctx.warning(
            f"le texte « {rest.strip()} » est ignoré : après « # », YAML lit un commentaire",
            "mettez toute la valeur entre guillemets pour le garder",
            node,
        )
        return True
    following = ctx.reporter.line_text(last + 1)
    comment = re.match(r"(\s+)#\S", following)
    if comment and not rest.strip() and len(comment[1]) > len(line) - len(line.lstrip()):
        cut = following.strip()
        ctx.reporter.warning(
            Position(last + 1, len(comment[1]) + 1),
            ctx.name,
            f"le texte « {cut} » est ignoré : une ligne qui commence par « # » est un "
            "commentaire pour YAML",
            f'écrivez toute la valeur sur une ligne, entre guillemets : "{node.value} {cut}"',
        )
    return True


def lost_prefix(written: str, value: str) -> str:
    """What YAML dropped from the start of a plain value's first line (a tag, an anchor)."""
    if value.startswith(written):
        return ""
    for index, character in enumerate(written):
        if character.isspace():
            rest = written[index:].lstrip()
            if rest and value.startswith(rest):
                return written[:index].strip()
    return written  # the first line held nothing else: `title: !Nouveau` alone


def parse_text(ctx: FieldContext) -> str | None:
    text = scalar_text(ctx)
    if text is not None and not text:
        ctx.error("texte vide", "écrivez un texte, ou retirez la ligne")
        return None
    return text


def parse_boolean(ctx: FieldContext) -> bool | None:
    text = scalar_text(ctx)
    if text is None:
        return None
    lowered = text.lower()
    if lowered in ("true", "oui", "yes"):
        return True
    if lowered in ("false", "non", "no"):
        return False
    ctx.error(f"« {text} » n'est ni vrai ni faux", "écrivez true (oui) ou false (non)")
    return None


def parse_integer(ctx: FieldContext, low: int = 0, high: int = 10_000) -> int | None:
    text = scalar_text(ctx)
    if text is None:
        return None
    if not re.fullmatch(r"-?\d+", text):
        ctx.error(
            f"« {text} » n'est pas un nombre entier", f"écrivez un nombre entre {low} et {high}"
        )
        return None
    number = int(text)
    if not low <= number <= high:
        ctx.error(f"{number} est hors des limites", f"écrivez un nombre entre {low} et {high}")
        return None
    return number


def parse_year(ctx: FieldContext) -> int | None:
    return parse_integer(ctx, 1800, 2100)


def parse_order(ctx: FieldContext) -> int | None:
    return parse_integer(ctx, 0, 1000)


def parse_months(ctx: FieldContext) -> int | None:
    return parse_integer(ctx, 0, 120)


def parse_url(ctx: FieldContext) -> str | None:
    text = scalar_text(ctx)
    if text is None:
        return None
    if not is_web_url(text):
        hint = "une adresse web complète commence par https://"
        if re.match(r"^(www\.)?[\w-]+(\.[\w-]+)+(/.*)?$", text):
            hint = f"écrivez « https://{text} »"
        ctx.error(f"« {text} » n'est pas une adresse web valide", hint)
        return None
    return text


def is_web_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and "." in parts.netloc and " " not in text


EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)


def parse_email(ctx: FieldContext) -> str | None:
    text = scalar_text(ctx)
    if text is None:
        return None
    text = text.removeprefix("mailto:")
    if not EMAIL_PATTERN.match(text):
        ctx.error(f"« {text} » n'est pas une adresse électronique", "par exemple : nom@exemple.fr")
        return None
    return text


def parse_slug(ctx: FieldContext) -> str | None:
    text = scalar_text(ctx)
    if text is None:
        return None
    return check_slug(ctx, text, ctx.node)


def check_slug(ctx: FieldContext, text: str, node: yaml.Node) -> str | None:
    if SLUG_PATTERN.match(text):
        if len(text) <= SLUG_MAX_LENGTH:
            return text
        ctx.error(
            f"identifiant trop long ({len(text)} caractères, {SLUG_MAX_LENGTH} au plus)",
            f"raccourcissez-le, par exemple « {shorten_slug(text)} »",
            node,
        )
        return None
    ctx.error(
        f"« {text} » n'est pas un identifiant valide",
        f"minuscules sans accents, chiffres et tirets : « {slugify(text)} »",
        node,
    )
    return None


def parse_uid(ctx: FieldContext) -> str | None:
    text = scalar_text(ctx)
    if text is None:
        return None
    if not re.fullmatch(r"[\x21-\x7e]{4,255}", text):
        ctx.error(
            "identifiant d'agenda invalide",
            "lettres, chiffres et signes sans espace ni accent, par exemple a1b2c3@normandyfrenchtech.fr",
        )
        return None
    return text


def parse_choice(allowed: Iterable[str]) -> Parser:
    """A parser accepting one of `allowed`, ignoring case and accents ('pepiniere' = 'pépinière')."""
    canonical = {fold(value): value for value in allowed}

    def parse(ctx: FieldContext) -> str | None:
        text = scalar_text(ctx)
        if text is None:
            return None
        if fold(text) in canonical:
            return canonical[fold(text)]
        ctx.error(
            f"« {text} » n'est pas une valeur permise", suggestion_hint(text, canonical.values())
        )
        return None

    return parse


def fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().strip()


# --- lists and mappings --------------------------------------------------------------------


def list_items(ctx: FieldContext) -> list[yaml.Node]:
    """A list's item nodes; a single value counts as a list of one, as people write it."""
    if isinstance(ctx.node, yaml.SequenceNode):
        return list(ctx.node.value)
    if isinstance(ctx.node, yaml.ScalarNode):
        return [] if ctx.node.value.strip() == "" else [ctx.node]
    ctx.error("une liste est attendue", "écrivez [a, b] ou une ligne « - a » par élément")
    return []


def parse_list_of(item: Callable[[FieldContext, str, yaml.Node], T | None]) -> Parser:
    """A parser for a list whose items are each checked by `item`; duplicates are dropped."""

    def parse(ctx: FieldContext) -> tuple[T, ...] | None:
        values: list[T] = []
        seen: set[T] = set()
        for node in list_items(ctx):
            text = scalar_text(ctx, node)
            if text is None:
                continue
            value = item(ctx, text, node)
            if value is not None and value not in seen:  # a set: 40 000 tags stay linear
                seen.add(value)
                values.append(value)
        return tuple(values)

    return parse


def _text_item(ctx: FieldContext, text: str, node: yaml.Node) -> str | None:
    return text or None


parse_text_list = parse_list_of(_text_item)
parse_slug_list = parse_list_of(check_slug)


def mapping_of(ctx: FieldContext) -> dict[str, FieldNode] | None:
    if not isinstance(ctx.node, yaml.MappingNode):
        ctx.error("un groupe de champs « nom: valeur » est attendu")
        return None
    return mapping_fields(ctx.node, ctx.field.line_offset, ctx.reporter, ctx.name + ".")


def parse_geo(ctx: FieldContext) -> tuple[float, float] | None:
    fields = mapping_of(ctx)
    if fields is None:
        return None
    hint = "écrivez par exemple {lat: 49.42, lon: 1.06}"
    values: dict[str, float] = {}
    for key, low, high in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
        if key not in fields:
            ctx.error(f"coordonnée « {key} » manquante", hint)
            continue
        sub = ctx.child(key, fields[key])
        text = scalar_text(sub)
        if text is None:
            continue
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            sub.error(f"« {text} » n'est pas un nombre", hint)
            continue
        if not low <= number <= high:
            sub.error(f"{number} est hors des limites ({low} à {high})", hint)
            continue
        values[key] = number
    for key in sorted(set(fields) - {"lat", "lon"}):
        ctx.child(key, fields[key]).error(f"« {key} » inconnu dans geo", hint)
    if len(values) != 2:
        return None
    return values["lat"], values["lon"]


def parse_url_mapping(ctx: FieldContext) -> tuple[tuple[str, str], ...] | None:
    """`social: {linkedin: https://…}` -> ((label, url), …) in the author's order."""
    fields = mapping_of(ctx)
    if fields is None:
        return None
    links = []
    for key, field in fields.items():
        if not check_one_line(ctx.child(key, field), key, field.node):  # the label is shown
            continue
        url = parse_url(ctx.child(key, field))
        if url is not None:
            links.append((key, url))
    return tuple(links)
