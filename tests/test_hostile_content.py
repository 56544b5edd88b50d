"""Hostile and accidental content: nothing lost in silence, nothing read from outside, never a
traceback. Each test is named after the defect it guards against (DEF-n) and checks exit 1,
the French problem at its file (and line), no traceback, and output/ byte-identical.

Permission cases need a process that cannot read a `chmod 000` file: run as root, the build
runs in a child process whose capabilities to override file permissions are dropped (with
`setpriv`, or `capsh`); run as anyone else, the child runs as it is.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from nftsite.content.fields import FieldContext
from nftsite.content.frontmatter import parse_yaml_mapping
from nftsite.content.schema import EVENT_FIELDS, read_fields
from nftsite.core import urls
from nftsite.core.problems import Problems, SourceReporter
from nftsite.core.slugs import SLUG_MAX_LENGTH
from nftsite.link.site import Site
from nftsite.model.models import Event, SiteConfig, Source
from nftsite.unchanged import valid_until

from .conftest import NOW_ARG, PARIS, REPO, InlineSite, Run, read_entries
from .test_errors import EVENT, PLACE, assert_reported, break_and_build, event, headlines

# --- running the build without root's override of file permissions -------------------------

DROPPED = "dac_override,dac_read_search,fowner"


def unprivileged_prefix() -> list[str]:
    """The command prefix that makes a child unable to read what its user may not read."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv"):
        minus = ",".join(f"-{cap}" for cap in DROPPED.split(","))
        return ["setpriv", f"--bounding-set={minus}", f"--inh-caps={minus}"]
    if shutil.which("capsh"):
        return ["capsh", "--drop=" + ",".join(f"cap_{c}" for c in DROPPED.split(",")), "--"]
    raise AssertionError("running as root without setpriv or capsh: cannot test permissions")


def run_unprivileged(site: InlineSite, *args: str, timeout: float = 120) -> Run:
    command = [sys.executable, "-m", "nftsite", "build", "--root", str(site.root)]
    command += ["--now", NOW_ARG, *args]
    prefix = unprivileged_prefix()
    if prefix and prefix[0] == "capsh":
        command = [*prefix, "-c", shlex.join(command)]
    else:
        command = [*prefix, *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    return Run(done.returncode, done.stderr)


@pytest.fixture(scope="module", autouse=True)
def permissions_really_bite(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The tests below prove nothing if the child can still read a `chmod 000` file."""
    secret = tmp_path_factory.mktemp("perm") / "secret"
    secret.write_text("x")
    secret.chmod(0)
    prefix = unprivileged_prefix()
    probe = [sys.executable, "-c", f"open({str(secret)!r}).read()"]
    if prefix and prefix[0] == "capsh":
        probe = [*prefix, "-c", shlex.join(probe)]
    else:
        probe = [*prefix, *probe]
    assert subprocess.run(probe, capture_output=True).returncode != 0
    secret.chmod(0o600)


@contextmanager
def mode(path: Path, new_mode: int) -> Iterator[None]:
    old = path.stat().st_mode
    path.chmod(new_mode)
    try:
        yield
    finally:
        path.chmod(old)


def fails_unprivileged(site: InlineSite, change: Callable[[], object] = lambda: None) -> Run:
    """break_and_build, with the build in an unprivileged child (or a timeout, if it hangs)."""
    before = site.snapshot()
    assert before, "the valid build wrote nothing"
    change()
    run = run_unprivileged(site)
    assert run.exit_code == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert site.snapshot() == before, "a failed build changed output/"
    assert "output/ n'a pas été modifié" in run.stderr
    return run


def assert_file_problem(run: Run, path: str, message: str) -> str:
    """A problem about a whole file or folder: `path: message…`, with no line."""
    for line in run.stderr.splitlines():
        if line.startswith(f"{path}: ") and message in line:
            return line
    raise AssertionError(f"no problem « {path}: … {message} » in:\n{run.stderr}")


MEDIA_EVENT = "---\ntitle: Affiche\nstart: 2015-10-02\nimage: media/affiche.svg\n---\nTexte.\n"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n'


@pytest.fixture
def built_site(make_site) -> InlineSite:
    """The valid site of test_errors.py, built once: what a failed build must leave alone."""
    site = make_site({"places/seine-innopolis.md": PLACE, "events/2015/visite.md": EVENT})
    run = site.run()
    assert run.exit_code == 0, run.stderr
    return site


@pytest.fixture
def site_with_more(make_site) -> InlineSite:
    """A valid site with a year folder of its own and a media file, built once."""
    site = make_site(
        {
            "places/seine-innopolis.md": PLACE,
            "events/2015/visite.md": EVENT,
            "events/2030/futur.md": "---\ntitle: Futur\nstart: 2030-01-10\n---\nx\n",
            "events/affiche.md": MEDIA_EVENT,
            "media/affiche.svg": SVG,
        }
    )
    run = site.run()
    assert run.exit_code == 0, run.stderr
    assert (site.output / "agenda/futur/index.html").is_file()
    return site


# --- DEF-8 and DEF-20: what cannot be read is an error naming it ------------------------------


def test_def_8_unreadable_event_folder_is_an_error_naming_it(site_with_more):
    folder = site_with_more.root / "content/events/2030"
    with mode(folder, 0):
        run = fails_unprivileged(site_with_more)
    assert_file_problem(run, "content/events/2030/", "dossier illisible (permission refusée)")


def test_def_8_unreadable_content_folder_is_an_error_naming_it(site_with_more):
    with mode(site_with_more.root / "content", 0):
        run = fails_unprivileged(site_with_more)
    assert_file_problem(run, "content/", "dossier illisible (permission refusée)")


def test_def_8_unreadable_media_folder_is_an_error_naming_it(site_with_more):
    (site_with_more.root / "content/media/logos").mkdir()
    (site_with_more.root / "content/media/logos/x.svg").write_text(SVG)
    with mode(site_with_more.root / "content/media/logos", 0):
        run = fails_unprivileged(site_with_more)
    assert_file_problem(run, "content/media/logos/", "dossier illisible")


def test_def_20_unreadable_event_file_is_a_french_error(site_with_more):
    with mode(site_with_more.root / "content/events/2015/visite.md", 0):
        run = fails_unprivileged(site_with_more)
    assert_file_problem(run, "content/events/2015/visite.md", "fichier illisible")
    assert "PermissionError" not in run.stderr


def test_def_20_unreadable_media_file_is_a_french_error(site_with_more):
    with mode(site_with_more.root / "content/media/affiche.svg", 0):
        run = fails_unprivileged(site_with_more)
    assert_file_problem(run, "content/media/affiche.svg", "fichier illisible")


def test_def_20_unreadable_site_yaml_is_a_french_error(site_with_more):
    with mode(site_with_more.root / "content/site.yaml", 0):
        run = fails_unprivileged(site_with_more)
    assert_file_problem(run, "content/site.yaml", "fichier illisible (permission refusée)")


def test_def_20_unreadable_template_is_a_french_error(site_with_more):
    with mode(site_with_more.root / "templates/event.html", 0):
        run = fails_unprivileged(site_with_more)
    assert_file_problem(run, "templates/event.html", "gabarit illisible (permission refusée)")


# --- Special files: never opened ---------------------------------------------------------------


@pytest.mark.parametrize(
    "where", ["content/events/fifo.md", "content/media/fifo.svg", "static/fifo.css"]
)
def test_case_59_fifo_is_refused_and_never_opened(site_with_more, where):
    """A pipe blocks whoever opens it: the build used to wait forever (case 59)."""
    run = fails_unprivileged(site_with_more, lambda: os.mkfifo(site_with_more.root / where))
    assert_file_problem(run, where, "fichier spécial (tube, périphérique…)")


def test_case_59_fifo_site_yaml_is_refused_and_never_opened(site_with_more):
    path = site_with_more.root / "content/site.yaml"

    def replace_by_fifo() -> None:
        path.unlink()
        os.mkfifo(path)

    run = fails_unprivileged(site_with_more, replace_by_fifo)
    assert_file_problem(run, "content/site.yaml", "n'est pas un fichier ordinaire")


# --- DEF-11, DEF-19: folders that lead out of the project --------------------------------------


def outside_events(tmp_path: Path) -> Path:
    """A copy of an events folder outside the project, with a secret and a pipe in it: the
    build must neither publish the first nor open the second (it would hang)."""
    outside = tmp_path / "dehors"
    outside.mkdir()
    (outside / "dehors.md").write_text(
        "---\ntitle: Dehors\nstart: 2026-12-10\n---\nSecret lu hors du dépôt.\n"
    )
    os.mkfifo(outside / "tube.md")
    return outside


def test_def_11_kind_folder_linked_outside_is_an_error_and_nothing_is_read(
    site_with_more, tmp_path
):
    outside = outside_events(tmp_path)
    events = site_with_more.root / "content/events"

    def link() -> None:
        shutil.rmtree(events)
        events.symlink_to(outside, target_is_directory=True)

    run = fails_unprivileged(site_with_more, link)
    assert_file_problem(
        run, "content/events/", "lien symbolique vers l'extérieur du dossier content/"
    )
    assert "Secret" not in run.stderr
    assert not any(b"Secret" in data for data in site_with_more.snapshot().values())


def test_def_11_kind_folder_linked_inside_content_is_read(make_site):
    """The rule is about leaving content/, not about links as such."""
    site = make_site({"archive/x.md": "---\ntitle: Lien\nstart: 2015-10-01\n---\nx\n"})
    (site.root / "content/archive").rename(site.root / "content/.archive")
    (site.root / "content/events").symlink_to(site.root / "content/.archive")
    run = site.run()
    assert run.exit_code == 0, run.stderr
    assert (site.output / "agenda/x/index.html").is_file()


def test_def_11_linked_subfolder_is_an_error_not_a_silent_skip(site_with_more, tmp_path):
    outside = outside_events(tmp_path)
    events = site_with_more.root / "content/events"

    def link() -> None:
        (events / "2031").symlink_to(outside)
        (events / "encore").symlink_to(events / "2030")

    run = fails_unprivileged(site_with_more, link)
    assert_file_problem(run, "content/events/2031", "vers l'extérieur du dossier content/")
    assert "remplacez le lien par le dossier lui-même" in run.stderr
    assert_file_problem(run, "content/events/encore", "lien symbolique vers un dossier")
    assert "Secret" not in run.stderr


def test_def_11_templates_linked_outside_the_project_are_refused(site_with_more, tmp_path):
    outside = tmp_path / "gabarits"
    templates = site_with_more.root / "templates"

    def link() -> None:
        shutil.move(templates, outside)
        templates.symlink_to(outside, target_is_directory=True)

    run = fails_unprivileged(site_with_more, link)
    assert_file_problem(run, "templates/", "lien symbolique vers l'extérieur du projet")


def test_def_11_template_file_linked_outside_is_never_read(site_with_more, tmp_path):
    outside = tmp_path / "event.html"
    outside.write_text("SECRET {{ 7 * 7 }}")
    template = site_with_more.root / "templates/event.html"

    def link() -> None:
        template.unlink()
        template.symlink_to(outside)

    run = fails_unprivileged(site_with_more, link)
    assert_file_problem(run, "templates/event.html", "gabarit hors du projet")
    assert "SECRET" not in run.stderr


@pytest.mark.parametrize("target", ["/etc", "copy"])
def test_def_19_media_folder_linked_outside_is_a_positioned_error(site_with_more, tmp_path, target):
    media = site_with_more.root / "content/media"
    outside = Path("/etc") if target == "/etc" else tmp_path / "media-copy"

    def link() -> None:
        if target == "copy":
            shutil.copytree(media, outside)
        shutil.rmtree(media)
        media.symlink_to(outside, target_is_directory=True)

    run = fails_unprivileged(site_with_more, link)
    assert_file_problem(
        run, "content/media/", "lien symbolique vers l'extérieur du dossier content/"
    )
    assert "ValueError" not in run.stderr


def test_def_19_media_file_linked_outside_is_an_error(site_with_more, tmp_path):
    (tmp_path / "passwd").write_text("root:x:0:0")
    link = site_with_more.root / "content/media/passwd.txt"
    run = fails_unprivileged(site_with_more, lambda: link.symlink_to(tmp_path / "passwd"))
    assert_file_problem(
        run,
        "content/media/passwd.txt",
        "lien symbolique vers l'extérieur du dossier content/media/",
    )


# --- DEF-18: NUL in a media path ---------------------------------------------------------------


def test_def_18_nul_in_a_media_path_is_a_positioned_error(site_with_more):
    text = '---\ntitle: X\nstart: 2015-10-01\nimage: "media/affiche.svg\\0.png"\n---\n'
    run = break_and_build(site_with_more, {"events/x.md": text})
    assert_reported(run, "content/events/x.md", 4, "image", "caractère invisible interdit (U+0000)")


# --- DEF-9: no file name takes a page the site makes itself ------------------------------------


@pytest.mark.parametrize(
    ("file", "url", "taken"),
    [
        (
            "events/archives.md",
            "/agenda/archives/",
            "prendrait la place de la page /agenda/archives/",
        ),
        ("events/ville.md", "/agenda/ville/", "recouvrirait /agenda/ville/caen/"),
        ("events/rss.md", "/agenda/rss/", "se confondrait avec /agenda/rss.xml"),
        ("startups/theme.md", "/startups/theme/", "recouvrirait /startups/theme/smart-city/"),
        ("press/atom.md", "/presse/atom/", "se confondrait avec /presse/atom.xml"),
        ("pages/agenda.md", "/agenda/", "prendrait la place de la page /agenda/"),
        ("pages/abonnement.md", "/abonnement/", "prendrait la place de la page /abonnement/"),
        ("pages/media.md", "/media/", "prendrait la place de la page /media/"),
        ("pages/sitemap.md", "/sitemap/", "se confondrait avec /sitemap.xml"),
    ],
)
def test_def_9_a_file_name_never_takes_a_page_of_the_site(built_site, file, url, taken):
    fields = {
        "events": "title: X\nstart: 2026-12-10",
        "startups": "name: X\ncity: caen",
        "press": "title: X\ndate: 2015-06-25",
        "pages": "title: X",
    }[file.split("/")[0]]
    run = break_and_build(built_site, {file: f"---\n{fields}\n---\nTexte.\n"})
    headline = assert_reported(run, f"content/{file}", 1, "", "est réservé")
    same_page = taken.startswith("prendrait la place")
    assert (f"{taken} du site" if same_page else f"la page {url} {taken}") in headline
    assert "renommez le fichier, par exemple « " in run.stderr


def test_def_9_reserved_addresses_cover_every_page_the_site_makes(sample_output):
    """The contract in urls.py lists every address a real build publishes, besides entries,
    redirects and the folders the site fills whole (copied files, previews, search index,
    combination pages): a new kind of page cannot slip past the reservation."""
    config = yaml.safe_load((REPO / "content/site.yaml").read_text(encoding="utf-8"))
    made = set(urls.site_urls(config["cities"], config["themes"]))
    folders = urls.site_folders()
    assert set(folders) <= made, "a folder the site fills is not reserved"
    escaped = []
    entries = set()
    for entry in read_entries(REPO / "content"):
        entries.add(entry.url)
        if entry.folder == "events":
            entries.add(urls.event_ics_url(entry.slug))
    for path in sorted(sample_output.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(sample_output).as_posix()
        if path.name.startswith("."):
            continue  # the output folder's own marker, not a page
        url = "/" + relative.removesuffix("index.html")
        if url.startswith(folders) or url in entries:
            continue
        if b'http-equiv="refresh"' in path.read_bytes():
            continue  # a renamed entry's former address
        if url not in made:
            escaped.append(url)
    assert not escaped, f"published but not in urls.site_urls: {escaped}"


# --- DEF-10: multi-line plain values get the one-line checks -----------------------------------


def test_def_10_leading_bang_on_a_multiline_value_is_an_error(built_site):
    text = "---\ntitle: !Nouveau atelier\n  du jeudi\nstart: 2015-10-01\n---\n"
    run = break_and_build(built_site, {"events/x.md": text})
    assert_reported(run, "content/events/x.md", 2, "title", "« !Nouveau » en début de valeur")
    assert 'mettez toute la valeur entre guillemets : "!Nouveau atelier du jeudi"' in run.stderr


def test_def_10_leading_ampersand_alone_on_the_first_line_is_an_error(built_site):
    text = "---\ntitle: X\nsummary: &Co\n  lance son coworking\nstart: 2015-10-01\n---\n"
    run = break_and_build(built_site, {"events/x.md": text})
    assert_reported(run, "content/events/x.md", 3, "summary", "« &Co » en début de valeur")


def test_def_10_hash_word_on_a_continuation_line_is_a_warning(built_site):
    built_site.write(
        {"events/x.md": "---\ntitle: Ramène Ta Fraise\n  #3 spéciale\nstart: 2015-10-01\n---\n"}
    )
    run = built_site.run()
    assert run.exit_code == 0, run.stderr
    headline = assert_reported(run, "content/events/x.md", 3, "title", "« #3 spéciale » est ignoré")
    assert headline.startswith("content/events/x.md:3:3: avertissement : ")
    assert '"Ramène Ta Fraise #3 spéciale"' in run.stderr


def test_def_10_hash_word_after_a_continuation_line_is_a_warning(built_site):
    built_site.write(
        {"events/x.md": "---\ntitle: Ramène Ta\n  Fraise #3\nstart: 2015-10-01\n---\n"}
    )
    run = built_site.run()
    assert run.exit_code == 0, run.stderr
    assert_reported(run, "content/events/x.md", 2, "title", "le texte « #3 » est ignoré")


def test_def_10_plain_comments_are_left_alone(built_site):
    """A comment line at the margin, or `# ` with a space, is an ordinary comment."""
    text = "---\ntitle: Atelier\n# Horaires à confirmer\nstart: 2015-10-01\n  # note\n---\n"
    built_site.write({"events/x.md": text})
    run = built_site.run()
    assert run.exit_code == 0, run.stderr
    assert "est ignoré" not in run.stderr


# --- DEF-14, DEF-15: one-line fields refuse line breaks and invisible characters ---------------


@pytest.mark.parametrize(
    "value",
    ["|\n  Atelier\n  session 2", '"Atelier\\nsession 2"', '"Inj\\r\\nBEGIN:VEVENT"',
     '"Inj\\rBEGIN:VEVENT\\rUID:evil"', '"A\\u2028B"', "A\n\n  B"],
)  # fmt: skip
def test_def_14_line_break_in_a_title_is_a_positioned_error(built_site, value):
    text = f"---\ntitle: {value}\nstart: 2015-10-01\n---\n"
    run = break_and_build(built_site, {"events/x.md": text})
    assert_reported(run, "content/events/x.md", 2, "title", "retour à la ligne dans une valeur")


@pytest.mark.parametrize(
    ("file", "front", "code"),
    [
        ("events/x.md", 'title: "A\\0B"\nstart: 2015-10-01', "U+0000"),
        ("press/x.md", 'title: "A\\x01B"\ndate: 2015-06-25', "U+0001"),
        ("events/x.md", 'title: "A\\uFFFFB"\nstart: 2015-10-01', "U+FFFF"),
        ("events/x.md", 'title: "A\\uFDD0B"\nstart: 2015-10-01', "U+FDD0"),
        ("events/x.md", 'title: "A\\x85B"\nstart: 2015-10-01', ""),
        ("events/x.md", 'title: "A\\x7fB"\nstart: 2015-10-01', "U+007F"),
        ("startups/x.md", 'name: "A\\x1bB"\ncity: caen', "U+001B"),
    ],
)
def test_def_15_control_characters_in_one_line_fields_are_positioned_errors(
    built_site, file, front, code
):
    run = break_and_build(built_site, {file: f"---\n{front}\n---\n"})
    field = front.split(":")[0]
    message = f"caractère invisible interdit ({code})" if code else "retour à la ligne"
    assert_reported(run, f"content/{file}", 2, field, message)


@pytest.mark.parametrize(
    ("front", "field", "message"),
    [
        ('tags: [ok, "a\\x02b"]', "tags", "caractère invisible interdit (U+0002)"),
        ('summary: "A\\x0cB"', "summary", "retour à la ligne"),
        ('registration: "https://exemple.fr/\\ninscription"', "registration", "retour à la"),
        ('location: "Rue\\x00"', "location", "caractère invisible interdit (U+0000)"),
        ('organizer: "No\\u2029us"', "organizer", "retour à la ligne"),
        ('price: "5\\x1f€"', "price", "caractère invisible interdit (U+001F)"),
    ],
)
def test_def_15_every_one_line_field_is_checked(built_site, front, field, message):
    text = f"---\ntitle: X\nstart: 2015-10-01\n{front}\n---\n"
    run = break_and_build(built_site, {"events/x.md": text})
    assert_reported(run, "content/events/x.md", 4, field, message)


def test_def_15_a_tab_inside_a_value_is_still_allowed(built_site):
    built_site.write({"events/x.md": '---\ntitle: "Rue\\tdu port"\nstart: 2015-10-01\n---\n'})
    run = built_site.run()
    assert run.exit_code == 0, run.stderr


def test_def_15_site_yaml_values_are_checked_too(built_site):
    site_yaml = (built_site.root / "content/site.yaml").read_text(encoding="utf-8")
    broken = site_yaml.replace("rouen: Rouen", 'rouen: "Rou\\x01en"').replace(
        "tagline: Le numérique normand", 'tagline: "Le numérique\\nnormand"'
    )
    run = break_and_build(built_site, {"site.yaml": broken})
    assert_reported(run, "content/site.yaml", 2, "tagline", "retour à la ligne")
    line = broken.splitlines().index('  rouen: "Rou\\x01en"') + 1
    assert_reported(run, "content/site.yaml", line, "cities.rouen", "U+0001")


def test_def_14_new_folds_a_line_break_in_the_title(make_site):
    """`nftsite new` writes a title the next build accepts: line breaks become spaces."""
    from .test_authoring import run_cli

    site = make_site()
    title = "Atelier RGPD\nsession 2\r\n"
    code, out, err = run_cli(
        "new", "event", title, "--root", str(site.root), "--date", "2027-01-14"
    )
    assert code == 0, err
    written = (site.root / out.strip()).read_text(encoding="utf-8")
    assert 'title: "Atelier RGPD session 2"' in written
    assert out.strip().endswith("/atelier-rgpd-session-2.md")
    run = site.run()
    assert run.exit_code == 0, run.stderr
    assert "Traceback" not in run.stderr


def test_def_15_new_refuses_an_invisible_character_in_the_title(make_site):
    from .test_authoring import run_cli

    site = make_site()
    code, _, err = run_cli("new", "event", "A\x01B", "--root", str(site.root))
    assert code == 1
    assert "nftsite : le titre contient un caractère invisible interdit (U+0001)" in err
    assert not list((site.root / "content").rglob("*.md"))


# --- DEF-16, DEF-6: dates and offsets in range ------------------------------------------------


@pytest.mark.parametrize(
    ("file", "front", "line", "field", "year"),
    [
        ("events/x.md", "title: X\nstart: 9999-12-31", 3, "start", "9999"),
        ("events/x.md", "title: X\nstart: 0001-01-01", 3, "start", "1"),
        ("events/x.md", "title: X\nstart: 0000-01-01", 3, "start", "0"),
        ("events/x.md", "title: X\nstart: 9999-12-31 10:00", 3, "start", "9999"),
        ("events/x.md", "title: X\nstart: 2026-12-10\nend: 9999-12-31", 4, "end", "9999"),
        ("events/x.md", "title: X\nstart: 1969-12-31", 3, "start", "1969"),
        ("events/x.md", "title: X\nstart: 2200-01-01", 3, "start", "2200"),
        ("press/x.md", "title: X\ndate: 9999-12-31", 3, "date", "9999"),
        ("press/x.md", "title: X\ndate: 0001-01-01", 3, "date", "1"),
        (
            "events/x.md",
            "title: X\nstart: 2026-12-10\nrecurrence: FREQ=WEEKLY\nexdates: [9999-01-01]",
            5,
            "exdates",
            "9999",
        ),
        (
            "events/x.md",
            "title: X\nstart: 2026-12-10\nrecurrence: FREQ=DAILY;UNTIL=99991231",
            4,
            "recurrence",
            "9999",
        ),
    ],
)
def test_def_16_dates_out_of_range_are_positioned_errors(
    built_site, file, front, line, field, year
):
    run = break_and_build(built_site, {file: f"---\n{front}\n---\n"})
    assert_reported(run, f"content/{file}", line, field, f"année hors limites : {year}")
    assert "de 1970 à 2199" in run.stderr


@pytest.mark.parametrize("offset", ["+24:00", "+99:00", "-14:01", "+14:30", "+02:60", "+0260"])
def test_def_16_offsets_beyond_14_hours_are_positioned_errors(built_site, offset):
    run = break_and_build(
        built_site, {"events/x.md": event(title="X", start=f"2026-12-10 10:00{offset}")}
    )
    assert_reported(
        run, "content/events/x.md", 3, "start", f"décalage horaire impossible : {offset}"
    )


def test_def_16_the_edges_of_the_range_build(built_site):
    """1970 and 2199, ±14:00: accepted, and nothing overflows when a day or the feeds'
    months are added to them (DEF-6: `valid_until` adds up to 120 months)."""
    site_yaml = (built_site.root / "content/site.yaml").read_text(encoding="utf-8")
    built_site.write(
        {
            "site.yaml": site_yaml + "feed_past_months: 120\n",
            "events/premier.md": event(title="Premier", start="1970-01-01 00:00+14:00"),
            "events/dernier.md": event(title="Dernier", start="2199-12-31", end="2199-12-31"),
            "events/tard.md": event(title="Tard", start="2199-12-31 23:30-14:00"),
            "events/serie.md": event(
                title="Série", start="2199-06-01", recurrence="FREQ=YEARLY;UNTIL=21991231"
            ),
        }
    )
    run = built_site.run()
    assert run.exit_code == 0, run.stderr
    assert "Traceback" not in run.stderr
    ics = (built_site.output / "agenda/dernier/dernier.ics").read_bytes()
    assert b"DTSTART;VALUE=DATE:21991231" in ics


def test_def_6_valid_until_never_overflows():
    """Case 27 raised in `valid_until`, after output/ was written: an event near year 9999
    leaves the feeds `feed_past_months` after its end, past what a datetime can hold. The
    parser now refuses such years; `valid_until` must still not raise on them."""
    config = SiteConfig(
        title="T",
        base_url="https://exemple.fr",
        language="fr",
        timezone=PARIS,
        contact="a@exemple.fr",
        cities={},
        themes={},
        feed_past_months=120,
    )

    def site_with(start: date) -> Site:
        source = Source(path="content/events/x.md", slug="x", full_text="")
        event = Event(source=source, title="X", start=start, end=None, timezone=PARIS)
        return Site(config, (event,), (), (), (), ())

    far = site_with(date(9999, 12, 30))
    assert valid_until(far, datetime(9999, 12, 31, 12, tzinfo=UTC)) is None
    edge = site_with(date(2199, 12, 31))
    assert valid_until(edge, datetime(2200, 1, 2, tzinfo=UTC)) == datetime(2210, 1, 1, tzinfo=PARIS)


# --- DEF-2: file names bounded ---------------------------------------------------------------


@pytest.mark.parametrize("length", [SLUG_MAX_LENGTH + 1, 247, 252])
def test_def_2_slug_too_long_is_a_positioned_error(built_site, length):
    slug = "a" * length
    run = break_and_build(built_site, {f"events/{slug}.md": event(title="X", start="2026-12-10")})
    line = assert_file_problem(run, f"content/events/{slug}.md", "nom de fichier trop long")
    assert f"({length} caractères, {SLUG_MAX_LENGTH} au plus)" in line
    assert "raccourcissez-le, par exemple « " in run.stderr


def test_def_2_slug_at_the_bound_builds(built_site):
    slug = "a" * SLUG_MAX_LENGTH
    built_site.write({f"events/{slug}.md": event(title="X", start="2026-12-10")})
    run = built_site.run()
    assert run.exit_code == 0, run.stderr
    assert (built_site.output / f"agenda/{slug}/{slug}.ics").is_file()


@pytest.mark.parametrize("words", [40, 60])
def test_def_2_new_shortens_a_long_title_at_a_word_boundary(make_site, words):
    from .test_authoring import run_cli

    site = make_site()
    title = " ".join(["Rencontre"] * words)[:318] if words == 60 else " ".join(["Atelier"] * 40)
    code, out, err = run_cli(
        "new", "event", title, "--root", str(site.root), "--date", "2027-01-14"
    )
    assert code == 0, err
    slug = Path(out.strip()).stem
    assert len(slug) <= SLUG_MAX_LENGTH
    assert all(word in ("atelier", "rencontre") for word in slug.split("-")), slug
    written = (site.root / out.strip()).read_text(encoding="utf-8")
    assert f'title: "{title}"' in written  # the title itself is kept whole
    run = site.run()
    assert run.exit_code == 0, run.stderr


def test_def_2_city_slug_too_long_in_site_yaml_is_an_error(built_site):
    site_yaml = (built_site.root / "content/site.yaml").read_text(encoding="utf-8")
    long_city = "c" * (SLUG_MAX_LENGTH + 1)
    broken = site_yaml.replace("  caen: Caen\n", f"  caen: Caen\n  {long_city}: Long\n")
    run = break_and_build(built_site, {"site.yaml": broken})
    assert "identifiant trop long (101 caractères, 100 au plus)" in run.stderr


# --- Case 6: long lists are read in linear time ------------------------------------------------


def test_case_6_forty_thousand_tags_are_read_in_linear_time(tmp_path):
    tags = "\n".join(f"  - mot-{number}" for number in range(40_000))
    text = f"title: X\nstart: 2026-12-10\ntags:\n{tags}\n"
    problems = Problems()
    reporter = SourceReporter("x.md", text, problems)
    nodes = parse_yaml_mapping(text, 0, reporter)
    assert nodes is not None
    started = time.perf_counter()
    result = read_fields(nodes, EVENT_FIELDS, reporter, tmp_path)
    elapsed = time.perf_counter() - started
    assert len(result.values["tags"]) == 40_000 and not problems.items
    assert elapsed < 5, f"{elapsed:.1f} s for 40 000 tags: quadratic again?"


def test_case_6_duplicates_are_still_dropped_in_order(tmp_path):
    text = "tags: [b, a, b, c, a]\n"
    problems = Problems()
    reporter = SourceReporter("x.md", text, problems)
    nodes = parse_yaml_mapping(text, 0, reporter)
    assert nodes is not None
    from nftsite.content.fields import parse_text_list

    assert parse_text_list(FieldContext(nodes["tags"], reporter, tmp_path)) == ("b", "a", "c")


@pytest.mark.parametrize(
    "base_url",
    [
        'https://x.fr/\\"><script>alert(1)</script>',
        "https://x.fr/?q=1",
        "https://x.fr/#frag",
        "https://x.fr/a b",
        "https://user@x.fr",
    ],
)
def test_case_76_base_url_is_a_plain_address(built_site, base_url):
    """base_url is written raw into robots.txt and the sitemap: only a plain address."""
    site_yaml = (built_site.root / "content/site.yaml").read_text(encoding="utf-8")
    old = "base_url: https://www.normandyfrenchtech.fr"
    assert old in site_yaml
    broken = site_yaml.replace(old, f"base_url: '{base_url}'")
    run = break_and_build(built_site, {"site.yaml": broken})
    line = broken.splitlines().index(f"base_url: '{base_url}'") + 1
    assert_reported(run, "content/site.yaml", line, "base_url", "n'est pas une adresse")


def test_the_failure_line_counts_the_problems_it_lists(built_site):
    """An alias repeats one mistake many times: the count says what the list shows."""
    aliases = "\n".join(f"x{n}: &a{n} [*a{n - 1}, *a{n - 1}]" for n in range(1, 4))
    text = f"---\ntitle: X\nstart: 2015-10-01\nx0: &a0 [lol]\n{aliases}\ntags: *a3\n---\n"
    run = break_and_build(built_site, {"events/x.md": text})
    listed = [line for line in headlines(run) if ": avertissement : " not in line]
    assert f"Échec : {len(listed)} erreur(s)" in run.stderr, run.stderr
