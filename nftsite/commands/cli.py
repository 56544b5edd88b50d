"""The `nftsite` command: build | check | new | serve | import.

Exit status: 0 done (warnings allowed), 1 content errors (or a write the system refused),
2 a mistake in the command itself, 3 an unexpected failure: a defect of nftsite (`crash.py`).
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from nftsite.commands.argparse_fr import FrenchParser, not_a_choice
from nftsite.commands.crash import report_crash
from nftsite.commands.reports import FORMATS, FORMATTERS
from nftsite.commands.scaffold import (
    KIND_NAMES,
    KINDS_HELP,
    ScaffoldError,
    create_entry,
    kind_named,
)
from nftsite.commands.summary import NORMAL, QUIET, VERBOSE, Progress, print_problems, report
from nftsite.content.config import base_url_argument, load_site_config
from nftsite.core.folders import CONTENT_FOLDER
from nftsite.core.problems import Problems
from nftsite.output.folder import refusal
from nftsite.pipeline import BuildOptions, build

EXIT_OK, EXIT_CONTENT_ERRORS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # the shell's own convention for Ctrl-C
SITE_ZONE = ZoneInfo("Europe/Paris")


NOW_YEARS = range(1970, 2200)
"""The years `--now` may name: those the content's dates may use (see docs/guide-contenu.md)."""


def parse_now(text: str) -> datetime:
    """`--now 2026-11-23T12:00:00+01:00`; a time without offset is read in the site's zone."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"date invalide « {text} » : écrivez par exemple 2026-11-23T12:00:00+01:00"
        ) from None
    if moment.year not in NOW_YEARS:
        raise argparse.ArgumentTypeError(
            f"date hors limites « {text} » : l'année doit être entre {NOW_YEARS[0]} "
            f"et {NOW_YEARS[-1]}"
        )
    return moment if moment.tzinfo else moment.replace(tzinfo=SITE_ZONE)


def parse_port(text: str) -> int:
    """`--port 8001`: a TCP port a preview can listen on."""
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 65535):
        raise argparse.ArgumentTypeError(
            f"port invalide « {text} » : écrivez un nombre entre 1 et 65535, par exemple 8001"
        )
    return int(text)


def parse_day(text: str) -> date:
    """`--date 2027-01-14`."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"date invalide « {text} » : écrivez-la AAAA-MM-JJ, par exemple 2027-01-14"
        ) from None


def parse_kind(text: str) -> str:
    """`new`'s kind, in French or in English (« événement », « evenement », « event »…)."""
    kind = kind_named(text)
    if kind is None:
        raise argparse.ArgumentTypeError(not_a_choice(text, KIND_NAMES, "genre inconnu"))
    return kind


def package_version() -> str:
    """The installed version (package metadata), as `--version` prints it."""
    try:
        return metadata.version("nftsite")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "(version inconnue : nftsite n'est pas installé)"


class ShowVersion(argparse.Action):
    """`--version`: the metadata is read only when asked (it scans the installed packages)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        print(f"{parser.prog} {package_version()}")
        parser.exit()


def make_parser() -> argparse.ArgumentParser:
    parser = FrenchParser(
        prog="nftsite",
        description="Le site de Normandy French Tech : vérifier, construire, prévisualiser.",
        epilog="Aide d'une commande : nftsite COMMANDE --help (par exemple nftsite new --help).",
    )
    parser.add_argument(
        "--version", action=ShowVersion, nargs=0, help="affiche la version et s'arrête"
    )
    add_verbosity_options(parser, default=NORMAL)
    commands = parser.add_subparsers(dest="command", required=True, metavar="commande")
    for name, help_text in (
        ("build", "construit le site dans output/"),
        ("check", "vérifie le contenu, les gabarits et les liens sans rien écrire"),
    ):
        description = help_text[0].upper() + help_text[1:] + "."
        command = commands.add_parser(name, help=help_text, description=description)
        add_root_option(command)
        if name == "build":
            command.add_argument(
                "--output",
                type=Path,
                default=None,
                metavar="DOSSIER",
                help="dossier de sortie (output/ par défaut)",
            )
        else:  # check writes nothing
            command.set_defaults(output=None)
        add_build_options(command)
        add_verbosity_options(command, more="afficher aussi la durée de chaque étape")
    new = commands.add_parser(
        "new",
        help="crée une fiche (en brouillon)",
        description="Crée une fiche au bon endroit, en brouillon (draft: true) :\n"
        "elle n'est publiée qu'une fois cette ligne retirée.",
        epilog='exemples :\n  nftsite new evenement "Café numérique à Évreux"\n'
        '  nftsite new lieu "Seine Innopolis"\n'
        '  nftsite new communique "Bilan 2026" --date 2027-01-14',
    )
    new.add_argument(
        "kind",
        type=parse_kind,
        metavar="genre",
        help=KINDS_HELP,
    )
    new.add_argument("title", metavar="titre", help="le titre (ou le nom), entre guillemets")
    new.add_argument(
        "--date",
        type=parse_day,
        default=None,
        metavar="AAAA-MM-JJ",
        help="la date à proposer (aujourd'hui par défaut)",
    )
    add_root_option(new)
    add_verbosity_options(new)
    preview = commands.add_parser(
        "serve",
        help="aperçu en direct sur http://127.0.0.1:8000",
        description="Aperçu en direct, brouillons compris, reconstruit à chaque modification.\n"
        "Rien de ce qu'il montre n'est écrit dans output/.",
    )
    add_root_option(preview)
    preview.add_argument(
        "--host", default="127.0.0.1", metavar="ADRESSE", help="adresse d'écoute (127.0.0.1)"
    )
    preview.add_argument("--port", type=parse_port, default=8000, help="port (8000)")
    preview.add_argument(
        "--now",
        type=parse_now,
        default=None,
        metavar="INSTANT",
        help="figer l'instant de référence (pour les tests)",
    )
    add_verbosity_options(preview, more="afficher aussi les messages du serveur web (en anglais)")
    partners = commands.add_parser(
        "import",
        help="importe les agendas partenaires de content/sources.yaml",
        description="Écrit une fiche par événement des agendas partenaires de "
        "content/sources.yaml,\ndans content/events/<agenda>/. Une fiche modifiée à la main "
        "n'est jamais réécrite :\nle compte rendu la nomme.",
        epilog="exemples :\n  nftsite import\n  nftsite import la-cantine",
    )
    partners.add_argument(
        "sources",
        nargs="*",
        metavar="AGENDA",
        help="les agendas à importer, par leur nom (tous par défaut)",
    )
    add_root_option(partners)
    partners.add_argument(
        "--now",
        type=parse_now,
        default=None,
        metavar="INSTANT",
        help="l'instant de référence pour « passé » et « à venir », ISO 8601",
    )
    partners.add_argument(
        "--summary",
        type=Path,
        default=None,
        metavar="FICHIER",
        help="écrire aussi dans FICHIER la description de la demande de fusion (Markdown ; "
        "la première ligne en est le titre)",
    )
    add_verbosity_options(partners)
    return parser


def add_verbosity_options(
    command: argparse.ArgumentParser,
    default: Any = argparse.SUPPRESS,
    more: str = "afficher plus de détails",
) -> None:
    """`-q`/`-v`, before or after the command; only the main parser sets the default."""
    group = command.add_mutually_exclusive_group()
    group.add_argument(
        "-q",
        "--quiet",
        dest="verbosity",
        action="store_const",
        const=QUIET,
        default=default,
        help="n'afficher que les erreurs",
    )
    group.add_argument(
        "-v",
        "--verbose",
        dest="verbosity",
        action="store_const",
        const=VERBOSE,
        default=default,
        help=more,
    )


def add_root_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--root",
        type=Path,
        default=Path.cwd(),
        metavar="DOSSIER",
        help="dossier du projet (celui qui contient content/ et templates/)",
    )


def add_build_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--now",
        type=parse_now,
        default=None,
        metavar="INSTANT",
        help="l'instant de référence pour « à venir », ISO 8601",
    )
    command.add_argument("--drafts", action="store_true", help="inclure les brouillons")
    command.add_argument(
        "--base-url",
        type=base_url_argument,
        default=None,
        metavar="URL",
        help="l'adresse où le site est publié, si ce n'est pas le base_url de site.yaml "
        "(par exemple https://exemple.github.io/depot/)",
    )
    command.add_argument("--timings", action="store_true", help="afficher la durée de chaque étape")
    command.add_argument(
        "--no-cache",
        action="store_true",
        help="tout refaire sans réutiliser .cache/ (construction « à froid »)",
    )
    command.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (défaut), github (annotations) ou json",
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    if not (args.root / CONTENT_FOLDER).is_dir():
        print(f"nftsite : pas de dossier content/ dans {args.root.resolve()}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("\nnftsite : interrompu ; output/ n'a pas été modifié.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # a defect: never a bare traceback to the comms team
        return report_crash(error, args.root)


def run_build(args: argparse.Namespace) -> int:
    if args.command == "build" and args.output is not None:
        why = refusal(args.root, args.output)
        if why:
            print(f"nftsite : --output refusé : {why}.", file=sys.stderr)
            return EXIT_USAGE
    options = BuildOptions(
        root=args.root,
        now=args.now or datetime.now(UTC),
        output=args.output,
        drafts=args.drafts,
        write=args.command == "build",
        use_cache=not args.no_cache,
        base_url=args.base_url,
    )
    text = args.format == "text"
    if text and args.verbosity == VERBOSE:
        moment = options.now.astimezone(SITE_ZONE).isoformat(timespec="seconds")
        print(f"Instant de référence pour « à venir » : {moment}.", file=sys.stderr)
    shown = text and sys.stderr.isatty() and args.verbosity != QUIET
    progress = Progress(sys.stderr) if shown else None
    # A build makes many objects and frees few: the cyclic collector would only rescan them
    # (a third of a warm build's time). Reference counting still frees what dies.
    gc.disable()
    try:
        result = build(options, on_stage=progress, on_wait=partial(say_waiting, options))
    finally:
        gc.enable()
    if progress is not None:
        progress.finish()
    if text:
        report(result, args, sys.stderr)
    else:  # machine formats go to stdout, alone, so they can be piped
        sys.stdout.write(FORMATTERS[args.format](result.problems))
    return EXIT_CONTENT_ERRORS if result.problems.has_errors() else EXIT_OK


def say_waiting(options: BuildOptions) -> None:
    print(
        f"Une autre construction écrit déjà dans {options.output_root} : "
        "j'attends qu'elle se termine…",
        file=sys.stderr,
        flush=True,
    )


def run_new(args: argparse.Namespace) -> int:
    problems = Problems()
    root = args.root.resolve()
    config = load_site_config(root / CONTENT_FOLDER, root, problems)
    if config is None:
        print_problems(problems, sys.stderr)
        return EXIT_CONTENT_ERRORS
    today = args.date or datetime.now(config.timezone).date()
    try:
        path = create_entry(root / CONTENT_FOLDER, config, args.kind, args.title, today)
    except ScaffoldError as error:
        print(f"nftsite : {error}", file=sys.stderr)
        return EXIT_CONTENT_ERRORS
    print(path.relative_to(root).as_posix())
    if args.verbosity != QUIET:
        print(
            "Brouillon créé : complétez-le, puis retirez sa ligne « draft: true » pour le publier.",
            file=sys.stderr,
        )
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    from nftsite.commands.serve import serve  # imports tornado: only when serving

    return serve(
        args.root.resolve(),
        args.host,
        args.port,
        args.now,
        quiet=args.verbosity == QUIET,
        verbose=args.verbosity == VERBOSE,
    )


def run_import(args: argparse.Namespace) -> int:
    from nftsite.partners.importer import import_sources  # urllib: only when importing

    root = args.root.resolve()
    result = import_sources(root, args.sources, args.now or datetime.now(UTC))
    if args.summary is not None:
        from nftsite.partners.summary import pull_request_description

        args.summary.write_text(pull_request_description(result), encoding="utf-8", newline="\n")
    if args.verbosity == QUIET:
        print_problems(result.problems, sys.stderr)
    else:
        sys.stdout.write(result.text())
    return EXIT_CONTENT_ERRORS if result.problems.has_errors() else EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "build": run_build,
    "check": run_build,
    "new": run_new,
    "serve": run_serve,
    "import": run_import,
}


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
