"""The event files an import owns: found again by their `source:` block, checked against the
fingerprint the importer wrote, rewritten only while nobody else has touched them.

Each imported file opens with a comment holding the SHA-256 of the rest of the file as the
importer wrote it. A file whose text no longer matches (edited by hand), or that says
`import: fige`, is never rewritten: the report names it instead (docs/guide-contenu.md)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from nftsite.content.walk import walk_files
from nftsite.core.folders import CONTENT_SUFFIX
from nftsite.link.schedule import BASE_LOADER

MARK = "# empreinte : "
"""The fingerprint line: what the importer last wrote, so that a hand edit is recognised."""


def header(source_name: str) -> list[str]:
    return [
        f"# Fiche importée par « nftsite import » depuis l'agenda « {source_name} ».",
        "# Modifiée à la main, elle n'est plus mise à jour ; « import: fige » l'annonce.",
    ]


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compose(source_name: str, fields_and_body: str) -> str:
    """The whole file: `---`, the header, the fingerprint of everything else, the fields."""
    top = "\n".join(header(source_name))
    rest = top + "\n" + fields_and_body
    return f"---\n{top}\n{MARK}{fingerprint(rest)}\n{fields_and_body}"


def untouched(text: str) -> bool:
    """True when the file is exactly what the importer wrote last."""
    lines = text.split("\n")
    for index, line in enumerate(lines[:6]):
        if line.startswith(MARK):
            rest = "\n".join(lines[1:index] + lines[index + 1 :])
            return fingerprint(rest) == line[len(MARK) :].strip()
    return False


def fields_and_body(text: str) -> str:
    """The part of an imported file after its header and fingerprint."""
    lines = text.split("\n")
    for index, line in enumerate(lines[:6]):
        if line.startswith(MARK):
            return "\n".join(lines[index + 1 :])
    return text


@dataclass(frozen=True)
class EventFile:
    path: Path
    text: str
    fields: dict[str, Any]
    """The front matter, every scalar as text (never interpreted: only looked at)."""

    @property
    def slug(self) -> str:
        return self.path.stem

    @property
    def origin(self) -> tuple[str, str] | None:
        block = self.fields.get("source")
        if isinstance(block, dict) and "name" in block and "uid" in block:
            return str(block["name"]), str(block["uid"])
        return None

    @property
    def frozen(self) -> bool:
        return str(self.fields.get("import", "")).strip().lower() == "fige"

    @property
    def status(self) -> str:
        return str(self.fields.get("status", "confirmed")).strip().lower()


def front_matter(text: str) -> dict[str, Any]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
    if closing is None:
        return {}
    try:
        found = yaml.load("\n".join(lines[1:closing]), Loader=BASE_LOADER)
    except yaml.YAMLError:
        return {}
    return found if isinstance(found, dict) else {}


def changed_fields(before: str, after: str) -> tuple[str, ...]:
    """The front-matter keys whose value differs (a changed `source:` block by its own
    keys, `source.updated`), and `texte` when the body does: what a reviewer looks at."""
    old, new = front_matter(before), front_matter(after)
    names: list[str] = []
    for key in sorted(set(old) | set(new), key=str):
        one, other = old.get(key), new.get(key)
        if one == other:
            continue
        if isinstance(one, dict) and isinstance(other, dict):
            names += [
                f"{key}.{sub}"
                for sub in sorted(set(one) | set(other), key=str)
                if one.get(sub) != other.get(sub)
            ]
        else:
            names.append(str(key))
    if _body(before) != _body(after):
        names.append("texte")
    return tuple(names)


def _body(text: str) -> str:
    lines = text.split("\n")
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), len(lines))
    return "\n".join(lines[closing + 1 :])


def event_files(events_root: Path) -> list[EventFile]:
    """Every event file of the site, hand-written or imported, in a stable order (any other
    folder of entries is read the same way: the places, for their cities)."""
    found = []
    for path in walk_files(events_root) if events_root.is_dir() else []:
        if path.suffix != CONTENT_SUFFIX:
            continue
        try:
            text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        except (OSError, UnicodeDecodeError):
            continue  # the build reports it; the import leaves it alone
        found.append(EventFile(path, text, front_matter(text)))
    return found


def with_status(text: str, status: str) -> str:
    """An imported file's fields and body with `status:` set, the rest untouched."""
    rest = fields_and_body(text)
    lines = rest.split("\n")
    closing = lines.index("---")
    front = [line for line in lines[:closing] if not line.startswith("status: ")]
    at = next(
        (i for i, line in enumerate(front) if line.startswith(("recurrence: ", "uid: "))),
        len(front),
    )
    front.insert(at, f"status: {status}")
    return "\n".join(front + lines[closing:])
