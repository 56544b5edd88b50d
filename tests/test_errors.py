"""The error catalogue (docs/erreurs.md): one case per kind of bad input.

Each case builds a valid site first, breaks one thing, builds again and checks: exit status 1,
the reported file, line and field, the French message, no traceback, and an output/ folder
byte-identical to the one before.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from nftsite.commands.cli import main

from .conftest import MINIMAL_SITE_YAML, NOW_ARG, REPO, InlineSite, Run

PLACE = """
---
name: Seine Innopolis
kind: totem
address: 72 rue de la République, 76140 Le Petit-Quevilly
city: rouen
geo: {lat: 49.425, lon: 1.062}
---
Bâtiment totem.
"""

EVENT = """
---
title: Visite ministérielle
start: 2015-10-01 10:00
end: 2015-10-01 12:30
place: seine-innopolis
themes: [smart-industry]
---
Une visite à [Seine Innopolis](/lieux/seine-innopolis/).
"""

HEADLINE = re.compile(r"^(?P<path>\S+?):(?P<line>\d+)(?::(?P<column>\d+))?: (?P<rest>.*)$")


def headlines(run: Run) -> list[str]:
    return [line for line in run.stderr.splitlines() if HEADLINE.match(line)]


def assert_reported(run: Run, path: str, line: int, field: str, message: str) -> str:
    """The one headline for `path:line` naming `field` and containing `message`."""
    for headline in headlines(run):
        match = HEADLINE.match(headline)
        assert match is not None
        rest = match["rest"].removeprefix("avertissement : ")
        if match["path"] == path and int(match["line"]) == line and message in match["rest"]:
            assert rest.startswith(f"{field}: ") or not field, headline
            return headline
    raise AssertionError(f"no problem {path}:{line} {field} « {message} » in:\n{run.stderr}")


@pytest.fixture
def built_site(make_site) -> InlineSite:
    """A valid site, already built once: the output/ a failed build must leave untouched."""
    site = make_site({"places/seine-innopolis.md": PLACE, "events/2015/visite.md": EVENT})
    run = site.run()
    assert run.exit_code == 0, run.stderr
    return site


def break_and_build(site: InlineSite, files: dict[str, str], *args: str) -> Run:
    before = site.snapshot()
    assert before, "the valid build wrote nothing"
    site.write(files)
    run = site.run(*args)
    assert run.exit_code == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert site.snapshot() == before, "a failed build changed output/"
    assert "output/ n'a pas été modifié" in run.stderr
    return run


def event(**fields: str) -> str:
    lines = "\n".join(f"{key}: {value}" for key, value in fields.items())
    return f"---\n{lines}\n---\nTexte.\n"


def test_impossible_date_is_reported_with_its_line_and_column(built_site):
    run = break_and_build(built_site, {"events/x.md": event(title="X", start="2015-02-30")})
    headline = assert_reported(run, "content/events/x.md", 3, "start", "date impossible")
    assert headline.startswith("content/events/x.md:3:8:")
    assert "février 2015 n'a pas de 30" in run.stderr


def test_event_ending_before_start_is_reported_on_its_end_line(built_site):
    files = {"events/x.md": event(title="X", start="2015-10-01 18:30", end="2015-10-01 17:00")}
    run = break_and_build(built_site, files)
    assert_reported(run, "content/events/x.md", 4, "end", "la fin est avant le début")


def test_unknown_time_zone_gets_a_did_you_mean(built_site):
    files = {"events/x.md": event(title="X", start="2016-01-06", timezone="America/Los_Angeles2")}
    run = break_and_build(built_site, files)
    assert_reported(run, "content/events/x.md", 4, "timezone", "fuseau horaire inconnu")
    assert "vouliez-vous dire « America/Los_Angeles » ?" in run.stderr


def test_local_time_skipped_by_daylight_saving_is_an_error(built_site):
    files = {"events/x.md": event(title="X", start="2026-03-29 02:30")}
    run = break_and_build(built_site, files)
    assert_reported(run, "content/events/x.md", 3, "start", "02:30 n'existe pas le 29/03/2026")


def test_unknown_place_is_reported_with_a_suggestion(built_site):
    files = {"events/x.md": event(title="X", start="2015-10-01", place="seine-inopolis")}
    run = break_and_build(built_site, files)
    assert_reported(run, "content/events/x.md", 4, "place", "lieu inconnu : « seine-inopolis »")
    assert "vouliez-vous dire « seine-innopolis » ?" in run.stderr


def test_unknown_city_and_theme_list_the_allowed_values(built_site):
    files = {
        "events/x.md": event(
            title="X", start="2015-10-01", location="Mairie", city="caem", themes="[smart-citty]"
        )
    }
    run = break_and_build(built_site, files)
    assert_reported(
        run, "content/events/x.md", 5, "city", "« caem » n'est pas dans la liste des villes"
    )
    assert "vouliez-vous dire « caen » ?" in run.stderr
    assert_reported(run, "content/events/x.md", 6, "themes", "« smart-citty »")
    assert "smart-city, smart-industry, smart-port" in run.stderr


def test_invalid_status_gets_a_did_you_mean(built_site):
    run = break_and_build(
        built_site, {"events/x.md": event(title="X", start="2015-10-01", status="canceled")}
    )
    assert_reported(
        run, "content/events/x.md", 4, "status", "« canceled » n'est pas une valeur permise"
    )
    assert "vouliez-vous dire « cancelled » ?" in run.stderr


def test_duplicate_slugs_in_two_year_folders_are_reported(built_site):
    run = break_and_build(
        built_site, {"events/2016/visite.md": event(title="X", start="2016-10-01")}
    )
    assert_reported(run, "content/events/2016/visite.md", 1, "", "deux fiches portent le même nom")
    assert "content/events/2015/visite.md" in run.stderr


def test_duplicate_uids_are_reported_on_the_second_event(built_site):
    files = {
        "events/a.md": event(title="A", start="2015-10-01", uid="abc123@nft"),
        "events/b.md": event(title="B", start="2015-10-02", uid="abc123@nft"),
    }
    run = break_and_build(built_site, files)
    assert_reported(
        run,
        "content/events/b.md",
        4,
        "uid",
        "identifiant d'agenda déjà utilisé par content/events/a.md",
    )


def test_missing_image_is_reported_with_the_media_folder_hint(built_site):
    run = break_and_build(
        built_site, {"events/x.md": event(title="X", start="2015-10-01", image="media/affiche.jpg")}
    )
    assert_reported(
        run, "content/events/x.md", 4, "image", "fichier introuvable : content/media/affiche.jpg"
    )


def test_missing_press_attachment_is_reported(built_site):
    files = {
        "press/cp.md": "---\ntitle: CP\ndate: 2015-06-25\nattachments:\n  - media/cp.pdf\n---\nTexte.\n"
    }
    run = break_and_build(built_site, files)
    assert_reported(
        run, "content/press/cp.md", 5, "attachments", "fichier introuvable : content/media/cp.pdf"
    )


def test_image_outside_the_project_is_refused_and_never_read(built_site):
    run = break_and_build(
        built_site,
        {"events/x.md": event(title="X", start="2015-10-01", image="../../../../etc/passwd")},
    )
    assert_reported(
        run, "content/events/x.md", 4, "image", "est en dehors du dossier content/media/"
    )
    assert not list(built_site.output.rglob("passwd"))


def test_symbolic_link_leading_out_of_content_is_refused(built_site, tmp_path: Path):
    outside = tmp_path / "secret.md"
    outside.write_text(event(title="Secret", start="2015-10-01"), encoding="utf-8")
    (built_site.root / "content/events/secret.md").symlink_to(outside)
    run = break_and_build(built_site, {})
    assert (
        "content/events/secret.md: lien symbolique vers l'extérieur du dossier content/"
        in run.stderr
    )


def test_broken_internal_link_is_reported_at_its_line(built_site):
    text = "---\ntitle: X\nstart: 2015-10-01\n---\nPremier paragraphe.\n\nVoir [le lieu](/lieux/seine-inopolis/).\n"
    run = break_and_build(built_site, {"events/x.md": text})
    headline = assert_reported(
        run, "content/events/x.md", 7, "texte", "lien cassé : « /lieux/seine-inopolis/ »"
    )
    assert headline.startswith("content/events/x.md:7:16:")


def test_image_loaded_from_another_site_is_an_error(built_site):
    text = "---\ntitle: X\nstart: 2015-10-01\n---\n![Logo](https://cdn.example.com/logo.png)\n"
    run = break_and_build(built_site, {"events/x.md": text})
    assert_reported(run, "content/events/x.md", 5, "texte", "image sur un autre site")


def test_yaml_syntax_error_is_translated_with_its_position(built_site):
    text = "---\ntitle: Atelier : le RGPD\nstart: 2015-10-01\n---\nTexte.\n"
    run = break_and_build(built_site, {"events/x.md": text})
    assert_reported(
        run, "content/events/x.md", 2, "", "en-tête YAML invalide : deux-points « : » inattendu"
    )
    assert "doit être entre guillemets" in run.stderr


def test_tab_indentation_is_explained(built_site):
    text = "---\ntitle: X\nstart: 2015-10-01\nthemes:\n\t- smart-city\n---\nTexte.\n"
    run = break_and_build(built_site, {"events/x.md": text})
    assert_reported(run, "content/events/x.md", 5, "", "tabulation")


def test_repeated_field_is_an_error_not_a_silent_overwrite(built_site):
    text = "---\ntitle: X\nstart: 2015-10-01\ntitle: Y\n---\nTexte.\n"
    run = break_and_build(built_site, {"events/x.md": text})
    assert_reported(run, "content/events/x.md", 4, "title", "écrit deux fois (déjà à la ligne 2)")


def test_missing_required_field_names_the_field_and_an_example(built_site):
    run = break_and_build(built_site, {"events/x.md": "---\ntitle: X\n---\nTexte.\n"})
    assert_reported(run, "content/events/x.md", 2, "start", "champ obligatoire manquant : start")
    assert "ajoutez une ligne « start: 2015-10-01 18:30 »" in run.stderr


def test_missing_front_matter_is_explained(built_site):
    run = break_and_build(built_site, {"events/x.md": "title: X\nstart: 2015-10-01\n"})
    assert_reported(run, "content/events/x.md", 1, "", "ne commence pas par une ligne « --- »")


def test_unclosed_front_matter_is_explained(built_site):
    run = break_and_build(built_site, {"events/x.md": "---\ntitle: X\nstart: 2015-10-01\nTexte.\n"})
    assert_reported(run, "content/events/x.md", 1, "", "n'est jamais fermé")


def test_french_date_order_gets_the_right_form_as_hint(built_site):
    run = break_and_build(built_site, {"events/x.md": event(title="X", start="01/10/2015 18:30")})
    assert_reported(run, "content/events/x.md", 3, "start", "n'est pas une date lisible")
    assert "« 2015-10-01 18:30 »" in run.stderr


def test_file_name_with_accents_and_spaces_is_refused_with_the_right_name(built_site):
    run = break_and_build(
        built_site, {"events/Café numérique.md": event(title="X", start="2015-10-01")}
    )
    assert "content/events/Café numérique.md: nom de fichier invalide" in run.stderr
    assert "« cafe-numerique.md »" in run.stderr


def test_file_not_in_utf8_is_reported_with_its_line(built_site):
    path = built_site.root / "content/events/latin.md"
    path.write_bytes("---\ntitle: Caf\xe9\nstart: 2015-10-01\n---\n".encode("latin-1"))
    run = break_and_build(built_site, {})
    assert_reported(run, "content/events/latin.md", 2, "", "n'est pas enregistré en UTF-8")


def test_template_typo_is_reported_at_its_template_line_without_traceback(built_site):
    template = built_site.root / "templates/page.html"
    lines = template.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "  <p>{{ page.titel }}</p>")
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")
    files = {"pages/a-propos.md": "---\ntitle: À propos\n---\nTexte.\n"}
    run = break_and_build(built_site, files)
    assert_reported(run, "templates/page.html", 4, "", "erreur de gabarit")
    assert "titel" in run.stderr


def test_unknown_field_is_a_warning_with_a_suggestion_and_the_build_succeeds(built_site):
    built_site.write({"events/x.md": event(title="X", start="2015-10-01", satus="cancelled")})
    run = built_site.run()
    assert run.exit_code == 0, run.stderr
    headline = assert_reported(run, "content/events/x.md", 4, "satus", "champ inconnu « satus »")
    assert "avertissement" in headline
    assert "vouliez-vous dire « status » ?" in run.stderr


def test_several_broken_files_are_all_reported_in_one_run(built_site):
    files = {
        "events/a.md": event(title="A", start="2015-13-01"),
        "startups/b.md": "---\nname: B\ncity: cean\n---\n",
        "places/c.md": "---\nname: C\nkind: cowork\naddress: Rue\ncity: caen\n---\n",
        "press/d.md": "---\ntitle: D\ndate: 25/06/2015\n---\n",
        "pages/e.md": "---\ntitel: E\n---\n",
    }
    run = break_and_build(built_site, files)
    reported = {HEADLINE.match(h)["path"] for h in headlines(run)}  # type: ignore[index]
    assert {
        "content/events/a.md",
        "content/startups/b.md",
        "content/places/c.md",
        "content/press/d.md",
        "content/pages/e.md",
    } <= reported
    assert "Échec : 5 erreur(s)" in run.stderr


def test_check_reports_the_same_problems_and_writes_nothing(built_site):
    before = built_site.snapshot()
    built_site.write({"events/x.md": event(title="X", start="2015-02-30")})
    run = built_site.run(command="check")
    assert run.exit_code == 1
    assert_reported(run, "content/events/x.md", 3, "start", "date impossible")
    assert built_site.snapshot() == before


def test_text_after_a_hash_is_a_warning_because_yaml_drops_it(built_site):
    built_site.write({"events/x.md": "---\ntitle: Ramène Ta Fraise #3\nstart: 2015-10-01\n---\n"})
    run = built_site.run()
    assert run.exit_code == 0, run.stderr
    assert_reported(run, "content/events/x.md", 2, "title", "le texte « #3 » est ignoré")


def test_leading_exclamation_mark_is_an_error_not_a_silent_loss(built_site):
    files = {"events/x.md": "---\ntitle: X\nstart: 2015-10-01\nsummary: !Nouveau atelier\n---\n"}
    run = break_and_build(built_site, files)
    assert_reported(run, "content/events/x.md", 4, "summary", "« !Nouveau » en début de valeur")


def test_entry_without_body_is_not_blamed_for_the_previous_entrys_links(built_site):
    """Regression: Python-Markdown skips tree processors on an empty body, and the links of
    the document converted before it were reported against the empty one."""
    files = {
        "events/a.md": "---\ntitle: A\nstart: 2015-10-01\n---\n[cassé](/nulle-part/)\n",
        "events/b.md": "---\ntitle: B\nstart: 2015-10-02\n---\n",
    }
    run = break_and_build(built_site, files)
    assert_reported(run, "content/events/a.md", 5, "texte", "lien cassé")
    assert "content/events/b.md" not in run.stderr


def test_misspelt_city_of_a_theme_in_site_yaml_gets_a_did_you_mean(make_site):
    site_yaml = MINIMAL_SITE_YAML.replace("city: caen, summary", "city: caem, summary")
    site = make_site(site_yaml=site_yaml)
    run = site.run()
    assert run.exit_code == 1
    assert "themes.smart-city.city: ville inconnue : « caem »" in run.stderr
    assert "vouliez-vous dire « caen » ?" in run.stderr


def test_leading_ampersand_is_an_error_not_a_silent_loss(built_site):
    files = {
        "events/x.md": "---\ntitle: X\nstart: 2015-10-01\nsummary: &Co lance son coworking\n---\n"
    }
    run = break_and_build(built_site, files)
    assert_reported(run, "content/events/x.md", 4, "summary", "« &Co » en début de valeur")
    assert 'mettez toute la valeur entre guillemets : "&Co lance son coworking"' in run.stderr


def test_the_sample_content_is_checked_without_any_problem():
    """The real content sets the example: no problem at all, not even a warning (the
    warning about git history aside, when the tests run outside a clone)."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = main(["check", "--root", str(REPO), "--now", NOW_ARG])
    problems = [
        line
        for line in stderr.getvalue().splitlines()
        if HEADLINE.match(line) and not line.startswith("content: ")
    ]
    assert code == 0 and not problems, stderr.getvalue()
