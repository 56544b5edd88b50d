"""Problems printed for people (text), for pull requests (GitHub annotations), for editors (JSON)."""

from __future__ import annotations

import json
from collections.abc import Callable

from nftsite.core.problems import Problem, Problems

FORMATS = ("text", "github", "json")


def as_text(problems: Problems) -> str:
    return "".join(problem.format() + "\n\n" for problem in problems.sorted())


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: Problem) -> str:
    """`::error file=…,line=…,col=…,title=…::message` — shown by GitHub on the line itself."""
    level = "error" if problem.is_error else "warning"
    properties = [f"file={_escape_property(problem.path)}"]
    if problem.position.line:
        properties.append(f"line={problem.position.line}")
    if problem.position.column:
        properties.append(f"col={problem.position.column}")
    if problem.field:
        properties.append(f"title={_escape_property(problem.field)}")
    message = problem.message + (f" — aide : {problem.hint}" if problem.hint else "")
    return f"::{level} {','.join(properties)}::{_escape_data(message)}"


def as_github(problems: Problems) -> str:
    return "".join(github_annotation(problem) + "\n" for problem in problems.sorted())


def as_json(problems: Problems) -> str:
    items = [
        {
            "path": p.path,
            "line": p.position.line,
            "column": p.position.column,
            "field": p.field,
            "severity": "error" if p.is_error else "warning",
            "message": p.message,
            "hint": p.hint,
        }
        for p in problems.sorted()
    ]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


FORMATTERS: dict[str, Callable[[Problems], str]] = {
    "text": as_text,
    "github": as_github,
    "json": as_json,
}
