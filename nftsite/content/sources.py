"""Find the content files (sorted, so every build sees them in the same order) and read them.

Nothing under content/ is skipped in silence: a folder or file the build cannot read, a
special file (a pipe, a device: opening one would block the build), a link to a folder, or a
content folder that leads out of content/ is reported with its path.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path

from nftsite.content.kinds import KINDS
from nftsite.content.walk import Found, Item, scan
from nftsite.core.folders import CONTENT_SUFFIX, MEDIA_FOLDER, STATIC_FOLDER, TEMPLATES_FOLDER
from nftsite.core.oserrors import cause
from nftsite.core.problems import Position, Problems, SourceReporter
from nftsite.core.slugs import SLUG_MAX_LENGTH, SLUG_PATTERN, shorten_slug, slugify

KNOWN_TOP_LEVEL = {*(kind.folder for kind in KINDS), MEDIA_FOLDER, "site.yaml", "sources.yaml"}
"""`sources.yaml` lists the partners' agendas: read by `nftsite import`, not by the build."""


@dataclass(frozen=True)
class SourceFile:
    """One content file read into memory, with its kind and its slug."""

    kind: str
    slug: str
    shown_path: str
    """Relative to the project root, for problems: `content/events/2015/x.md`."""
    text: str


def discover(content_root: Path, display_root: Path, problems: Problems) -> list[SourceFile]:
    """Every entry file under content/, read as UTF-8; strays, bad names and whatever the
    build could not read whole are reported. `display_root` is the project's root: its
    `static/` and `templates/` folders are checked the same way (before a build that
    finds nothing changed is skipped: that shortcut must not hide them)."""
    files: list[SourceFile] = []
    try:
        tops = sorted(content_root.iterdir()) if content_root.is_dir() else []
    except OSError as error:
        report_unreadable(content_root, display_root, problems, error, folder=True)
        return files  # nothing inside can even be looked at
    for top in tops:
        if top.name.startswith(".") or top.name in KNOWN_TOP_LEVEL:
            continue
        shown = shown_path(top, display_root)
        SourceReporter(shown, "", problems).warning(
            Position(),
            "",
            f"« {top.name} » n'est pas un dossier de contenu connu ; ignoré"
            if top.is_dir()
            else f"fichier « {top.name} » ignoré : les fiches vont dans un dossier",
            "dossiers reconnus : "
            + ", ".join(sorted(kind.folder for kind in KINDS))
            + f", {MEDIA_FOLDER}",
        )
    content = Bound(content_root, "content/")
    for kind in KINDS:
        root = content_root / kind.folder
        if not contained_folder(root, content, display_root, problems):
            continue
        for item in scan(root):
            if item.what is Found.FILE and not content.left_by(item.path):
                source = read_source(item.path, kind.name, content_root, display_root, problems)
                if source is not None:
                    files.append(source)
            else:
                report_found(item, content, display_root, problems)
    project = Bound(display_root, "projet")
    for folder, within in (
        (content_root / MEDIA_FOLDER, content),
        (display_root / STATIC_FOLDER, project),
        (display_root / TEMPLATES_FOLDER, project),
    ):
        if contained_folder(folder, within, display_root, problems):
            bound = Bound(folder, shown_path(folder, display_root) + "/")
            for item in scan(folder):
                if item.what is Found.UNREADABLE_FILE and folder.name == TEMPLATES_FOLDER:
                    continue  # « gabarit illisible », when a page needs it (html.py)
                if item.what is not Found.FILE or bound.left_by(item.path):
                    report_found(item, bound, display_root, problems)
    return files


@dataclass(frozen=True)
class Bound:
    """A folder nothing may lead out of, and how problems name it."""

    folder: Path
    label: str

    def left_by(self, path: Path) -> bool:
        """A symbolic link whose target is outside this folder."""
        return path.is_symlink() and not self.contains(path)

    def contains(self, path: Path) -> bool:
        try:
            return path.resolve().is_relative_to(self.folder.resolve())
        except (OSError, RuntimeError):  # a loop of links leads nowhere
            return False


def shown_path(path: Path, display_root: Path) -> str:
    """`content/events/x.md`: relative to the project when it can be, else as it is."""
    try:
        return path.relative_to(display_root).as_posix()
    except ValueError:
        return path.as_posix()


def contained_folder(folder: Path, bound: Bound, display_root: Path, problems: Problems) -> bool:
    """True when `folder` is a folder to read: it exists, and it is inside `bound` once its
    links are followed. A linked folder leading out is reported, and nothing in it is read."""
    if not folder.is_symlink() and not folder.exists():
        return False  # an optional folder left out
    reporter = SourceReporter(shown_path(folder, display_root) + "/", "", problems)
    if not bound.contains(folder):
        reporter.error(
            Position(),
            "",
            f"lien symbolique vers l'extérieur du {_named(bound)} : rien n'y est lu",
            "remplacez le lien par le dossier lui-même",
        )
        return False
    if not folder.is_dir():
        reporter.error(
            Position(),
            "",
            f"« {folder.name} » devrait être un dossier",
            "remplacez ce fichier par un dossier du même nom",
        )
        return False
    return True


def _named(bound: Bound) -> str:
    return "projet" if bound.label == "projet" else f"dossier {bound.label}"


def report_found(item: Item, bound: Bound, display_root: Path, problems: Problems) -> None:
    """The problem for a path the build will not read: why, and what to do."""
    reporter = SourceReporter(shown_path(item.path, display_root), "", problems)
    if item.what is Found.BROKEN_LINK:
        reporter.error(
            Position(),
            "",
            "lien symbolique cassé : il ne mène à aucun fichier",
            "remplacez le lien par le fichier lui-même, ou retirez-le",
        )
    elif bound.left_by(item.path):
        thing = "dossier" if item.what is Found.LINKED_FOLDER else "fichier"
        reporter.error(
            Position(),
            "",
            f"lien symbolique vers l'extérieur du {_named(bound)}",
            f"remplacez le lien par le {thing} lui-même",
        )
    elif item.what is Found.LINKED_FOLDER:
        reporter.error(
            Position(),
            "",
            "lien symbolique vers un dossier : il n'est pas suivi",
            "remplacez le lien par le dossier lui-même",
        )
    elif item.what is Found.SPECIAL:
        reporter.error(
            Position(),
            "",
            "fichier spécial (tube, périphérique…) : il n'est jamais ouvert",
            "retirez-le ; seuls des fichiers ordinaires ont leur place ici",
        )
    else:
        error = item.error or PermissionError(errno.EACCES, "Permission denied")
        folder = item.what is Found.UNREADABLE_FOLDER
        report_unreadable(item.path, display_root, problems, error, folder)


def report_unreadable(
    path: Path, display_root: Path, problems: Problems, error: OSError, folder: bool = False
) -> None:
    """« dossier illisible » / « fichier illisible », with the system's reason in French."""
    reason, hint = cause(error)
    kind = "dossier" if folder else "fichier"
    shown = shown_path(path, display_root) + ("/" if folder else "")
    SourceReporter(shown, "", problems).error(
        Position(), "", f"{kind} illisible ({reason}) : son contenu manquerait au site", hint
    )


def read_source(
    path: Path, kind: str, content_root: Path, display_root: Path, problems: Problems
) -> SourceFile | None:
    shown = shown_path(path, display_root)
    reporter = SourceReporter(shown, "", problems)
    if path.suffix != CONTENT_SUFFIX:
        reporter.warning(
            Position(),
            "",
            "fichier ignoré : seuls les fichiers .md sont lus ici",
            f"renommez-le en « {slugify(path.stem)}{CONTENT_SUFFIX} » s'il s'agit d'une fiche",
        )
        return None
    slug = path.stem
    if not SLUG_PATTERN.match(slug):
        reporter.error(
            Position(),
            "",
            f"nom de fichier invalide : « {path.name} »",
            f"minuscules sans accents, chiffres et tirets : renommez-le « {slugify(slug)}.md »",
        )
        return None
    if len(slug) > SLUG_MAX_LENGTH:
        reporter.error(
            Position(),
            "",
            f"nom de fichier trop long ({len(slug)} caractères, {SLUG_MAX_LENGTH} au plus)",
            f"le nom fait l'adresse de la page : raccourcissez-le, par exemple "
            f"« {shorten_slug(slug)}{CONTENT_SUFFIX} »",
        )
        return None
    try:
        raw = path.read_bytes()
    except OSError as error:
        report_unreadable(path, display_root, problems, error)
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        reporter.error(
            Position(line, 1),
            "",
            "le fichier n'est pas enregistré en UTF-8",
            "enregistrez-le en UTF-8 (l'éditeur web de git le fait toujours)",
        )
        return None
    return SourceFile(kind, slug, shown, text.replace("\r\n", "\n"))
