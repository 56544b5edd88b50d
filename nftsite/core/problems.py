"""Problems found in the content: collected during a run, reported all at once, in French."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Severity(Enum):
    ERROR = "erreur"
    WARNING = "avertissement"


@dataclass(frozen=True, order=True)
class Position:
    """A place in a source file: 1-based line and column (0 = unknown)."""

    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the content, with where it is and how to fix it."""

    path: str
    position: Position
    field: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    source_line: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.position.line, self.position.column, self.field)

    def headline(self) -> str:
        """`path:line:col: field: message`, the form editors and CI annotations understand."""
        where = self.path
        if self.position.line:
            where += f":{self.position.line}"
            if self.position.column:
                where += f":{self.position.column}"
        label = "" if self.is_error else "avertissement : "
        subject = f"{self.field}: " if self.field else ""
        return f"{where}: {label}{subject}{self.message}"

    def format(self) -> str:
        """The headline, the offending source line with a caret, and the hint."""
        lines = [self.headline()]
        if self.source_line:
            lines.append(f"    {self.source_line}")
            if self.position.column:
                lines.append("    " + " " * (self.position.column - 1) + "^")
        if self.hint:
            lines.append(f"    aide : {self.hint}")
        return "\n".join(lines)


@dataclass
class Problems:
    """The run's problem list. Every stage appends; nobody raises for a content mistake."""

    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if not p.is_error]

    def has_errors(self) -> bool:
        return any(p.is_error for p in self.items)

    def sorted(self) -> list[Problem]:
        unique = dict.fromkeys(self.items)
        return sorted(unique, key=Problem.sort_key)


class SourceReporter:
    """Makes problems for one source file, filling in the source line from the file's text."""

    def __init__(self, path: Path | str, text: str, problems: Problems) -> None:
        self.path = str(path)
        self._lines = text.splitlines()
        self.problems = problems

    def line_text(self, line: int) -> str:
        if 1 <= line <= len(self._lines):
            return self._lines[line - 1].rstrip()
        return ""

    def error(self, position: Position, field_name: str, message: str, hint: str = "") -> None:
        self._add(position, field_name, message, hint, Severity.ERROR)

    def warning(self, position: Position, field_name: str, message: str, hint: str = "") -> None:
        self._add(position, field_name, message, hint, Severity.WARNING)

    def _add(
        self, position: Position, field_name: str, message: str, hint: str, severity: Severity
    ) -> None:
        self.problems.add(
            Problem(
                path=self.path,
                position=position,
                field=field_name,
                message=message,
                hint=hint,
                severity=severity,
                source_line=self.line_text(position.line),
            )
        )


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """The closest choice to a misspelt word, or '' when nothing is close."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else ""


def suggestion_hint(word: str, choices: Iterable[str], kind: str = "valeurs") -> str:
    """A French hint: a did-you-mean when one is close, and the allowed values when few."""
    choices = sorted(choices)
    parts = []
    guess = did_you_mean(word, choices)
    if guess:
        parts.append(f"vouliez-vous dire « {guess} » ?")
    if choices and len(choices) <= 12:
        parts.append(f"{kind} possibles : " + ", ".join(choices))
    elif not choices:
        parts.append(f"aucune valeur n'est encore définie ({kind})")
    return " ; ".join(parts)
