"""argparse in French: its usage line, headings and errors, for a team that reads French.

argparse looks each of its own strings up through gettext at the moment it uses it (the module
globals `argparse._` and `argparse.ngettext`). `FrenchParser` swaps in a French table while it
is built, parses and formats its help, then puts gettext back: nothing is installed for the
rest of the process, and no locale or .mo file is needed. The table holds every string of the
argparse of Python 3.11 to 3.13 (tests/test_cli.py checks it against the running Python's).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

FRENCH: dict[str, str] = {
    "usage: ": "utilisation : ",
    "%(heading)s:": "%(heading)s :",
    " (default: %(default)s)": " (par défaut : %(default)s)",
    "positional arguments": "arguments",
    "options": "options",
    "subcommands": "commandes",
    "show this help message and exit": "affiche cette aide et s'arrête",
    "show program's version number and exit": "affiche la version et s'arrête",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "%(prog)s: warning: %(message)s\n": "%(prog)s : avertissement : %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "one of the arguments %s is required": "un de ces arguments est obligatoire : %s",
    "not allowed with argument %s": "incompatible avec %s",
    "ignored explicit argument %r": "cette option ne prend pas de valeur (« %s » en trop)",
    "expected one argument": "il manque la valeur",
    "expected at most one argument": "une valeur au plus",
    "expected at least one argument": "il faut au moins une valeur",
    "ambiguous option: %(option)s could match %(matches)s": (
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
    "unexpected option string: %s": "option inattendue : %s",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s) : « %(value)s »",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix invalide : « %(value)s » (choix possibles : %(choices)s)"
    ),
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "commande inconnue : « %(parser_name)s » (commandes possibles : %(choices)s)"
    ),
    "command '%(parser_name)s' is deprecated": "la commande « %(parser_name)s » est obsolète",
    "option '%(option)s' is deprecated": "l'option « %(option)s » est obsolète",
    "argument '%(argument_name)s' is deprecated": "l'argument « %(argument_name)s » est obsolète",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
    'argument "-" with mode %r': "argument « - » avec le mode %r",
    # Mistakes of the program itself, never of the person typing: French all the same.
    ".__call__() not defined": ".__call__() n'est pas défini",
    "conflicting subparser: %s": "commande en double : %s",
    "conflicting subparser alias: %s": "alias de commande en double : %s",
    "cannot merge actions - two groups are named %r": (
        "fusion impossible : deux groupes s'appellent %r"
    ),
    "'required' is an invalid argument for positionals": (
        "« required » ne s'applique pas à un argument positionnel"
    ),
    "invalid option string %(option)r: must start with a character %(prefix_chars)r": (
        "option %(option)r invalide : elle doit commencer par un caractère de %(prefix_chars)r"
    ),
    "dest= is required for options like %r": "dest= est obligatoire pour une option comme %r",
    "invalid conflict_resolution value: %r": "valeur de conflict_resolution invalide : %r",
    "mutually exclusive arguments must be optional": (
        "des arguments qui s'excluent doivent être des options"
    ),
    "cannot have multiple subparser arguments": "un seul jeu de commandes par analyseur",
    "%r is not callable": "%r n'est pas une fonction",
}
"""argparse's msgids (Python 3.11 to 3.13) and their French text, same placeholders by name.

A `%r` becomes « %s » where a person's input is quoted back to them."""

FRENCH_PLURAL: dict[tuple[str, str], tuple[str, str]] = {
    ("expected %s argument", "expected %s arguments"): (
        "il faut %s valeur",
        "il faut %s valeurs",
    ),
    ("conflicting option string: %s", "conflicting option strings: %s"): (
        "option en double : %s",
        "options en double : %s",
    ),
}


def gettext(message: str) -> str:
    """argparse's `_`: the French text; argparse may pass None (3.11's subparser group)."""
    if not isinstance(message, str):
        return message
    return FRENCH.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """argparse's `ngettext`: French plural for 2 and more, singular for 0 and 1."""
    french = FRENCH_PLURAL.get((singular, plural))
    if french is None:
        return singular if count == 1 else plural
    return french[0] if count <= 1 else french[1]


@contextmanager
def in_french() -> Iterator[None]:
    """argparse speaks French inside the block (it reads `_` and `ngettext` at each call)."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = gettext, ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


Result = TypeVar("Result")


def french(method: Callable[..., Result]) -> Callable[..., Result]:
    """A parser method run with argparse speaking French."""

    def wrapped(*args: Any, **kwargs: Any) -> Result:
        with in_french():
            return method(*args, **kwargs)

    wrapped.__doc__ = method.__doc__
    return wrapped


class FrenchHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """French headings (« options : »); descriptions and epilogs keep their line breaks."""

    def start_section(self, heading: str | None) -> None:
        # Before 3.13 the heading's colon is written by argparse itself, not translated.
        if sys.version_info < (3, 13) and heading:
            heading += " "
        super().start_section(heading)


class FrenchParser(argparse.ArgumentParser):
    """An ArgumentParser whose own strings are French, and whose errors say how to get help."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        with in_french():  # the headings and the -h help are made here
            super().__init__(*args, **kwargs)

    add_subparsers = french(argparse.ArgumentParser.add_subparsers)
    add_argument_group = french(argparse.ArgumentParser.add_argument_group)
    format_usage = french(argparse.ArgumentParser.format_usage)
    format_help = french(argparse.ArgumentParser.format_help)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        with in_french():  # « unrecognized arguments » is said here, after parse_known_args
            return super().parse_args(args, namespace)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        with in_french():
            return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        """The usage, the mistake, and where the help is; exit status 2."""
        with in_french():
            self.print_usage(sys.stderr)
            text = gettext("%(prog)s: error: %(message)s\n") % {
                "prog": self.prog,
                "message": message,
            }
        self.exit(2, f"{text}Aide : {self.prog} --help\n")

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        """A value outside the choices, named in French with the closest choice."""
        if action.choices is None or value in action.choices:
            return
        choices = [str(choice) for choice in action.choices]
        raise argparse.ArgumentError(action, not_a_choice(str(value), choices))


def not_a_choice(value: str, choices: Sequence[str], what: str = "choix invalide") -> str:
    """« choix invalide : « biuld » — vouliez-vous dire « build » ? (choix possibles : …) »"""
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    guess = f" — vouliez-vous dire « {close[0]} » ?" if close else ""
    return f"{what} : « {value} »{guess} (choix possibles : {', '.join(choices)})"
