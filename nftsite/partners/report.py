"""What an import did, for the person who runs it and for the pull request it feeds: files
new, updated, cancelled, kept because a person edited them, duplicate candidates, problems."""

from __future__ import annotations

from dataclasses import dataclass, field

from nftsite.core.problems import Problems

KEPT_EDITED = "modifiée à la main depuis le dernier import : gardée telle quelle"
KEPT_FROZEN = "marquée « import: fige » : gardée telle quelle"
KEPT_WITHDRAWN = "retirée par la source, mais modifiée à la main : gardée telle quelle"


@dataclass
class ImportReport:
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    """Events past or already cancelled at their first import: no file is made for them."""
    kept: list[tuple[str, str]] = field(default_factory=list)
    """(file, why) for each file the importer would have changed but a person owns."""
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    attempted: bool = False
    """False when sources.yaml (or the command) stopped the import before any source."""
    titles: dict[str, str] = field(default_factory=dict)
    """The event's title for each file named above: what a reviewer recognises."""
    changes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """For each updated file, the fields whose value changed (`texte` for the body)."""
    uids: dict[str, str] = field(default_factory=dict)
    """The `uid` of each duplicate candidate: what `duplicate_of` takes."""

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated or self.cancelled)

    def title(self) -> str:
        """The pull request's title."""
        return (
            f"Import des agendas partenaires : {len(self.new)} nouveaux, "
            f"{len(self.updated)} modifiés, {len(self.cancelled)} annulés"
        )

    def text(self) -> str:
        """The French report (also the pull request's description)."""
        if not self.attempted:
            problems = [problem.format() for problem in self.problems.sorted()]
            return "\n".join(["Rien n'a été importé :", *problems]) + "\n"
        lines = [self.title() + "."]
        lines.append(
            f"{self.unchanged} fiche(s) inchangée(s) ; {self.skipped} événement(s) passé(s) "
            "ou déjà annulé(s) non importé(s)."
        )
        for heading, paths in (
            ("Nouvelles fiches", self.new),
            ("Fiches mises à jour", self.updated),
            ("Fiches annulées (status: cancelled)", self.cancelled),
        ):
            if paths:
                lines += ["", f"{heading} :", *(f"- {path}" for path in paths)]
        if self.kept:
            lines += ["", "Fiches gardées telles quelles :"]
            lines += [f"- {path} : {why}" for path, why in self.kept]
        if self.duplicates:
            lines += [
                "",
                "Doublons possibles (à vérifier ; « duplicate_of: <uid> » en masque un) :",
            ]
            lines += [f"- {one} et {other}" for one, other in self.duplicates]
        if self.problems.items:
            lines += ["", "Problèmes :"]
            lines += [problem.format() for problem in self.problems.sorted()]
        return "\n".join(lines) + "\n"
