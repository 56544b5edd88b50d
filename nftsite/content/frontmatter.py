"""Split a content file into YAML front matter (composed into positioned nodes) and a body.

YAML never decides a value's type here: we only *compose* the front matter, so every scalar
keeps its exact text and its line and column, and each field's own parser reads that text.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from nftsite.core.problems import Position, SourceReporter

try:  # The C composer is several times faster; marks are the same.
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

DELIMITER = "---"


@dataclass(frozen=True)
class FieldNode:
    """One `key: value` of the front matter, with the key's position in the file."""

    key: str
    key_position: Position
    node: yaml.Node
    line_offset: int

    def position(self) -> Position:
        """Where the value starts (or the key, for an empty value)."""
        return node_position(self.node, self.line_offset) or self.key_position


@dataclass(frozen=True)
class Parsed:
    """A content file once split: its fields in file order, its body and where the body starts."""

    fields: dict[str, FieldNode]
    body_start: int
    """Where the body starts in the text (characters): the body is never copied out."""
    body_line: int


def node_position(node: yaml.Node, line_offset: int) -> Position:
    mark = node.start_mark
    return Position(mark.line + 1 + line_offset, mark.column + 1)


def parse_markdown_file(text: str, reporter: SourceReporter) -> Parsed | None:
    """Split `---` front matter from the body; None (with a problem reported) if impossible."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != DELIMITER:
        reporter.error(
            Position(1, 1),
            "",
            "le fichier ne commence pas par une ligne « --- »",
            "la première ligne doit être exactement « --- », suivie des champs, puis d'une "
            "autre ligne « --- » et du texte",
        )
        return None
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() == DELIMITER), None)
    if closing is None:
        reporter.error(
            Position(1, 1),
            "",
            "l'en-tête ouvert par « --- » à la ligne 1 n'est jamais fermé",
            "ajoutez une ligne « --- » après le dernier champ, avant le texte",
        )
        return None
    yaml_text = "\n".join(lines[1:closing])
    fields = parse_yaml_mapping(yaml_text, 1, reporter)
    if fields is None:
        return None
    body_start = sum(len(line) + 1 for line in lines[: closing + 1])
    return Parsed(fields=fields, body_start=min(body_start, len(text)), body_line=closing + 2)


def parse_yaml_mapping(
    yaml_text: str, line_offset: int, reporter: SourceReporter
) -> dict[str, FieldNode] | None:
    """Compose YAML text into {key: FieldNode}; report syntax errors and duplicate keys."""
    try:
        root = yaml.compose(yaml_text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        report_yaml_error(error, line_offset, reporter)
        return None
    except yaml.YAMLError as error:  # pragma: no cover - unmarked errors are rare
        reporter.error(Position(line_offset + 1, 1), "", f"YAML illisible : {error}")
        return None
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        reporter.error(
            node_position(root, line_offset),
            "",
            "l'en-tête doit être une liste de champs « nom: valeur »",
            "écrivez un champ par ligne, par exemple « title: Mon événement »",
        )
        return None
    return mapping_fields(root, line_offset, reporter)


def mapping_fields(
    mapping: yaml.MappingNode, line_offset: int, reporter: SourceReporter, prefix: str = ""
) -> dict[str, FieldNode]:
    """The entries of a mapping node by key text; a repeated key is an error, not a silent win."""
    fields: dict[str, FieldNode] = {}
    for key_node, value_node in mapping.value:
        key_position = node_position(key_node, line_offset)
        if not isinstance(key_node, yaml.ScalarNode):
            reporter.error(key_position, prefix, "un nom de champ doit être un simple mot")
            continue
        key = key_node.value
        if key in fields:
            first = fields[key].key_position.line
            reporter.error(
                key_position,
                prefix + key,
                f"le champ « {key} » est écrit deux fois (déjà à la ligne {first})",
                "gardez une seule ligne pour ce champ",
            )
            continue
        fields[key] = FieldNode(key, key_position, value_node, line_offset)
    return fields


_YAML_HINTS = (
    (
        "mapping values are not allowed",
        "deux-points « : » inattendu",
        'une valeur qui contient « : » doit être entre guillemets : title: "Atelier : le RGPD"',
    ),
    (
        "found character '\\t'",
        "tabulation dans l'en-tête",
        "remplacez les tabulations par des espaces",
    ),
    (
        "could not find expected ':'",
        "il manque « : » après un nom de champ",
        "chaque ligne s'écrit « nom: valeur », avec une espace après les deux-points",
    ),
    (
        "while scanning a quoted scalar",
        "guillemet jamais fermé",
        "fermez le guillemet ouvert, ou retirez-le",
    ),
    (
        "did not find expected key",
        "indentation ou liste mal formée",
        "alignez les champs sur la même colonne ; une liste s'écrit [a, b] ou avec « - »",
    ),
    (
        "did not find expected ',' or ']'",
        "liste entre crochets mal fermée",
        "une liste s'écrit [a, b] : vérifiez les virgules et le crochet fermant",
    ),
    (
        "did not find expected ',' or '}'",
        "accolades mal fermées",
        "écrivez par exemple {lat: 49.42, lon: 1.06}",
    ),
    ("found undefined alias", "« * » en début de valeur", "mettez la valeur entre guillemets"),
    (
        "expected alphabetic or numeric character",
        "caractère spécial en début de valeur",
        "mettez la valeur entre guillemets",
    ),
    (
        "found character '@'",
        "« @ » en début de valeur",
        'mettez la valeur entre guillemets : "@normandyft"',
    ),
    ("found character '`'", "« ` » en début de valeur", "mettez la valeur entre guillemets"),
)


def report_yaml_error(
    error: yaml.MarkedYAMLError, line_offset: int, reporter: SourceReporter
) -> None:
    """Translate a PyYAML syntax error into a French problem at its line and column."""
    mark = error.problem_mark or error.context_mark
    position = (
        Position(mark.line + 1 + line_offset, mark.column + 1)
        if mark
        else Position(1 + line_offset)
    )
    original = f"{error.context or ''} {error.problem or ''}".strip()
    if "\t" in reporter.line_text(position.line):  # libyaml does not name the character
        original = "found character '\\t'"
    for needle, message, hint in _YAML_HINTS:
        if needle in original:
            reporter.error(position, "", f"en-tête YAML invalide : {message}", hint)
            return
    reporter.error(
        position,
        "",
        f"en-tête YAML invalide ({original})",
        "vérifiez les deux-points, les guillemets et l'alignement des lignes",
    )
