"""The pull request's description (`nftsite import --summary FILE`), in French Markdown.

Its first line is the title the scheduled import opens the pull request with
(scripts/import-pull-request); then one section per thing the comms team reviews, always
present so that a reviewer finds each in its place (docs/guide-contenu.md, « Relire une
demande d'import »)."""

from __future__ import annotations

from nftsite.core.problems import Problem
from nftsite.partners.report import ImportReport

FIELD_NAMES = {
    "title": "titre",
    "start": "début",
    "end": "fin",
    "status": "statut",
    "place": "lieu",
    "location": "lieu",
    "city": "ville",
    "online": "lien en ligne",
    "themes": "thèmes",
    "summary": "résumé",
    "registration": "inscription",
    "recurrence": "récurrence",
    "source.updated": "date de mise à jour à la source",
    "source.url": "adresse à la source",
}
"""The French words for the fields a reviewer meets most; any other keeps its YAML name."""


def cell(text: str) -> str:
    """Text safe inside a table cell: no pipe, no line break, no Markdown of its own."""
    escaped = "".join("\\" + c if c in "\\`*_[]<>|#" else c for c in text)
    return " ".join(escaped.split())


def code(path: str) -> str:
    return f"`{path}`"


def changed_words(names: tuple[str, ...]) -> str:
    return ", ".join(FIELD_NAMES.get(name, name) for name in names) or "mise en forme"


def table(headings: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(headings) + " |", "|" + " --- |" * len(headings)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def problem_line(problem: Problem) -> str:
    where = problem.path + (f", ligne {problem.position.line}" if problem.position.line else "")
    label = "" if problem.is_error else "avertissement : "
    subject = f"{problem.field} : " if problem.field else ""
    line = f"- {code(where)} — {label}{subject}{cell(problem.message)}"
    return line + (f" (aide : {cell(problem.hint)})" if problem.hint else "")


def pull_request_description(report: ImportReport) -> str:
    """The title line, then the changes, duplicates, kept files and problems."""
    titles = report.titles
    lines = [f"# {report.title()}", ""]
    if not report.attempted:
        lines += ["Rien n'a été importé : content/sources.yaml est à corriger.", ""]
    else:
        lines += [
            "Proposé par l'import planifié des agendas partenaires (content/sources.yaml). "
            "Relisez chaque section ; la fusion publie.",
            "",
            f"{report.unchanged} fiche(s) inchangée(s) ; {report.skipped} événement(s) passé(s) "
            "ou déjà annulé(s) à la source non importé(s).",
            "",
        ]
    sections: list[tuple[str, list[str]]] = [
        (
            f"Nouveaux ({len(report.new)})",
            table(
                ["Fiche", "Événement"],
                [[code(p), cell(titles.get(p, ""))] for p in report.new],
            )
            if report.new
            else [],
        ),
        (
            f"Modifiés ({len(report.updated)})",
            table(
                ["Fiche", "Événement", "Ce qui change"],
                [
                    [code(p), cell(titles.get(p, "")), changed_words(report.changes.get(p, ()))]
                    for p in report.updated
                ],
            )
            if report.updated
            else [],
        ),
        (
            f"Annulés ({len(report.cancelled)})",
            table(
                ["Fiche", "Événement", "Ce qui change"],
                [[code(p), cell(titles.get(p, "")), "statut : annulé"] for p in report.cancelled],
            )
            if report.cancelled
            else [],
        ),
        (
            f"Doublons possibles ({len(report.duplicates)})",
            [
                f"- {code(one)} (« {cell(titles.get(one, ''))} », uid "
                f"{code(report.uids.get(one, '?'))}) et {code(other)} "
                f"(« {cell(titles.get(other, ''))} », uid {code(report.uids.get(other, '?'))})"
                for one, other in report.duplicates
            ],
        ),
        (
            f"Fiches gardées telles quelles ({len(report.kept)})",
            table(
                ["Fiche", "Événement", "Pourquoi"],
                [[code(p), cell(titles.get(p, "")), cell(why)] for p, why in report.kept],
            )
            if report.kept
            else [],
        ),
        (
            f"Problèmes ({len(report.problems.items)})",
            [problem_line(problem) for problem in report.problems.sorted()],
        ),
    ]
    for heading, body in sections:
        lines += [f"## {heading}", ""]
        lines += body or ["Aucune." if heading.startswith("Fiches") else "Aucun."]
        lines.append("")
    if report.duplicates:
        lines.insert(
            lines.index(f"## Doublons possibles ({len(report.duplicates)})") + 2,
            "Même jour, même ville, titre proche : s'il s'agit du même événement, écrivez "
            "`duplicate_of: <uid de l'autre>` dans la fiche à masquer.\n",
        )
    return "\n".join(lines).rstrip("\n") + "\n"
