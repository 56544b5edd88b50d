"""What a pull request does to the public site, as the French job summary its check shows.

The base and the head are built with the same `--now`; builds are byte-deterministic, so
comparing the two `output/` trees byte for byte is exact: a file that differs is a page or a
feed that readers and calendar subscribers will see change, and nothing else differs.

Run by `scripts/ci-pull-request` as `python -m nftsite.commands.sitediff`; the exit status is 0 once
the summary is written, 2 for a mistake in the command itself.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

PAGE, FEED, OTHER = "page", "feed", "other"
ADDED, MODIFIED, REMOVED = "added", "modified", "removed"
FOLDERS_COPIED = ("media", "static")
"""Top folders of files copied as they are: never pages nor feeds, whatever their names."""
LONG_LIST = 20
"""Past this many URLs, a list is folded (a template change touches every page)."""

HEADINGS = {
    PAGE: {ADDED: "Pages ajoutées", MODIFIED: "Pages modifiées", REMOVED: "Pages supprimées"},
    FEED: {
        ADDED: "Agendas et flux ajoutés",
        MODIFIED: "Agendas et flux modifiés",
        REMOVED: "Agendas et flux supprimés",
    },
    OTHER: {
        ADDED: "Autres fichiers ajoutés",
        MODIFIED: "Autres fichiers modifiés",
        REMOVED: "Autres fichiers supprimés",
    },
}


@dataclass
class SiteChanges:
    """URLs that differ between two built trees, by kind (page, feed, other) and change."""

    urls: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: {kind: {ADDED: [], MODIFIED: [], REMOVED: []} for kind in HEADINGS}
    )

    def add(self, relative: str, change: str) -> None:
        self.urls[kind_of(relative)][change].append(url_of(relative))

    def is_empty(self) -> bool:
        return not any(urls for changes in self.urls.values() for urls in changes.values())


def url_of(relative: str) -> str:
    """`agenda/x/index.html` -> `/agenda/x/`; `agenda.ics` -> `/agenda.ics` (inverse of
    `urls.output_path`, percent-encoded as `urls.media_url` writes them)."""
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + quote(relative.removesuffix("index.html"))
    return "/" + quote(relative)


def kind_of(relative: str) -> str:
    top = relative.split("/", 1)[0]
    if top in FOLDERS_COPIED or relative == "sitemap.xml":
        return OTHER
    if relative.endswith(".html"):
        return PAGE
    if relative.endswith((".ics", ".xml")):
        return FEED
    return OTHER


def published_files(root: Path) -> set[str]:
    """Every file a host would serve: hidden ones (the build's marker) are not published."""
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)
    }


def compare(base: Path, head: Path) -> SiteChanges:
    before, after = published_files(base), published_files(head)
    changes = SiteChanges()
    for relative in sorted(after - before):
        changes.add(relative, ADDED)
    for relative in sorted(before - after):
        changes.add(relative, REMOVED)
    for relative in sorted(before & after):
        if not filecmp.cmp(base / relative, head / relative, shallow=False):
            changes.add(relative, MODIFIED)
    for by_change in changes.urls.values():
        for urls in by_change.values():
            urls.sort()
    return changes


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no HTML, no column break, one line."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def problems_section(problems: Sequence[dict[str, Any]]) -> list[str]:
    lines = ["## Vérification du contenu", ""]
    if not problems:
        return [*lines, "✅ Aucun problème.", ""]
    errors = sum(1 for p in problems if p.get("severity") == "error")
    warnings = len(problems) - errors
    mark = "❌" if errors else "⚠️"
    lines += [
        f"{mark} {_plural(errors, 'erreur')}, {_plural(warnings, 'avertissement')}. "
        "Chaque problème est aussi signalé sur sa ligne, dans l'onglet « Files changed ».",
        "",
        "| Niveau | Fichier | Ligne | Colonne | Problème |",
        "| --- | --- | --- | --- | --- |",
    ]
    for p in problems:
        label = "erreur" if p.get("severity") == "error" else "avertissement"
        message = str(p.get("message", ""))
        if p.get("field"):
            message = f"{p['field']} : {message}"
        if p.get("hint"):
            message += f" — aide : {p['hint']}"
        line, column = p.get("line") or "", p.get("column") or ""
        path = _cell(str(p.get("path", "")))
        lines.append(f"| {label} | `{path}` | {line} | {column} | {_cell(message)} |")
    return [*lines, ""]


def changes_section(changes: SiteChanges | None, base_label: str, built: bool) -> list[str]:
    lines = ["## Ce qui change sur le site", ""]
    if not built:
        return [*lines, "Le site n'a pas été construit : corrigez d'abord les erreurs.", ""]
    if changes is None:
        return [
            *lines,
            f"La version de base ({base_label}) n'a pas pu être construite : "
            "la liste des changements n'est pas disponible.",
            "",
        ]
    lines += [f"Comparé à la version de base ({base_label}), construite au même instant.", ""]
    if changes.is_empty():
        return [*lines, "Aucune page ni aucun flux ne change.", ""]
    for kind, headings in HEADINGS.items():
        for change, heading in headings.items():
            urls = changes.urls[kind][change]
            if not urls:
                continue
            lines += [f"### {heading} ({len(urls)})", ""]
            items = [f"- `{url}`" for url in urls]
            if len(urls) > LONG_LIST:
                items = ["<details><summary>Voir la liste</summary>", "", *items, "", "</details>"]
            lines += [*items, ""]
    return lines


def summary(
    problems: Sequence[dict[str, Any]],
    changes: SiteChanges | None,
    base_label: str,
    built: bool = True,
) -> str:
    lines = [
        "# Aperçu de la modification",
        "",
        *problems_section(problems),
        *changes_section(changes, base_label, built),
    ]
    if built:
        lines += ["Le site construit est joint à cette exécution (« apercu-du-site »).", ""]
    return "\n".join(lines)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m nftsite.commands.sitediff",
        description="Résumé en français d'une demande de fusion : problèmes, pages et flux changés.",
    )
    parser.add_argument(
        "--problems", type=Path, required=True, help="sortie de check --format json"
    )
    parser.add_argument("--head", type=Path, help="le site construit (absent : pas construit)")
    parser.add_argument("--base", type=Path, help="la base construite (absent : pas construite)")
    parser.add_argument("--base-label", default="la branche principale", help="nom de la base")
    parser.add_argument("--summary", type=Path, help="fichier auquel ajouter le résumé")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        problems = json.loads(args.problems.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"sitediff : problèmes illisibles dans {args.problems} : {error}", file=sys.stderr)
        return 2
    built = args.head is not None and args.head.is_dir()
    base_built = args.base is not None and args.base.is_dir()
    changes = compare(args.base, args.head) if built and base_built else None
    text = summary(problems, changes, args.base_label, built)
    if args.summary is None:
        sys.stdout.write(text)
    else:
        with args.summary.open("a", encoding="utf-8") as out:
            out.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
