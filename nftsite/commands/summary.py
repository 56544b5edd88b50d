"""What a build tells the terminal: a progress bar while it runs, then the French summary."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from typing import TextIO

from nftsite.commands.reports import FORMATTERS
from nftsite.core.problems import Problems
from nftsite.pipeline import STAGES, BuildResult

QUIET, NORMAL, VERBOSE = 0, 1, 2
"""How much the command says (-q, default, -v)."""


class Progress:
    """On a terminal, the current stage of a build that has already taken a second."""

    DELAY = 1.0

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.perf_counter()
        self.shown = False

    def __call__(self, stage: str) -> None:
        if time.perf_counter() - self.started < self.DELAY:
            return
        done = STAGES.index(stage)  # the stages before this one
        bar = "█" * done + "·" * (len(STAGES) - done)
        self.stream.write(f"\r  {bar}  {stage}…".ljust(60))
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


def report(result: BuildResult, args: argparse.Namespace, stream: TextIO) -> None:
    """The problems, a one-line summary and the drafts; with `-q`, the errors alone."""
    command, verbosity = args.command, args.verbosity
    if verbosity == QUIET:
        only_errors = Problems()
        only_errors.extend(result.problems.errors)
        print_problems(only_errors, stream)
        if only_errors.has_errors():
            print(
                f"\nÉchec : {len(only_errors.errors)} erreur(s). output/ n'a pas été modifié.",
                file=stream,
            )
        return
    print_problems(result.problems, stream)
    if args.timings or verbosity == VERBOSE:
        for stage, seconds in result.timings.items():
            print(f"  {stage:<24} {seconds * 1000:8.1f} ms", file=stream)
    total = sum(result.timings.values())
    shown = result.problems.sorted()  # the list printed above, repeats removed
    errors = sum(1 for problem in shown if problem.is_error)
    warnings = len(shown) - errors
    if errors:
        print(
            f"\nÉchec : {errors} erreur(s), {warnings} avertissement(s). "
            "output/ n'a pas été modifié.",
            file=stream,
        )
    elif command == "check":
        print(f"Contenu valide : {result.pages} pages, {warnings} avertissement(s).", file=stream)
    elif result.skipped and result.written is not None:
        print(
            f"Rien n'a changé depuis la dernière construction : {result.pages} pages, "
            f"{result.written.unchanged} fichiers déjà à jour, {warnings} avertissement(s), "
            f"en {total:.2f} s.",
            file=stream,
        )
    elif result.written is not None:
        written = result.written
        files = written.written + written.unchanged
        print(
            f"Site construit : {result.pages} pages, {files} fichiers "
            f"({written.written} écrits, {written.unchanged} inchangés, {written.removed} "
            f"supprimés), {warnings} avertissement(s), en {total:.2f} s.",
            file=stream,
        )
    if not errors:
        name_drafts(result.drafts, included=args.drafts, stream=stream)


def name_drafts(drafts: Sequence[str], included: bool, stream: TextIO) -> None:
    """Every draft by its file, after the summary, so that none is forgotten."""
    if not drafts:
        return
    count = len(drafts)
    plural = "s" if count > 1 else ""
    if included:
        head = f"{count} brouillon{plural} inclus (--drafts)"
    else:
        head = (
            f"{count} brouillon{plural} non publié{plural} "
            "(pour publier, retirez la ligne « draft: true »)"
        )
    print(f"{head} :", file=stream)
    for path in drafts:
        print(f"  {path}", file=stream)


def print_problems(problems: Problems, stream: TextIO) -> None:
    stream.write(FORMATTERS["text"](problems))
