"""The field parsers' contract: what the comms team writes -> the typed value, or the French problem.

Each row is one front-matter line `champ: <written>` at line 2 of a file (line 1 is `---`),
so a value written right after `champ: ` starts at column 8. A refused value must give
exactly one problem, at the right line and column, with the exact message and hint the
author reads (docs/erreurs.md explains them). The parsers are the real ones, taken from
nftsite/content/fields.py, time_fields.py, media_fields.py and the schema's own tables.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from nftsite.content import fields, media_fields, time_fields
from nftsite.content.fields import FieldContext
from nftsite.content.frontmatter import parse_yaml_mapping
from nftsite.content.schema import EVENT_FIELDS, PLACE_FIELDS, FieldSpec
from nftsite.core.problems import Problems, Severity, SourceReporter


def schema_parser(specs: tuple[FieldSpec, ...], name: str) -> fields.Parser:
    """The parser the schema really uses for a field (choices are built there)."""
    return next(spec.parse for spec in specs if spec.name == name)


PARSERS: dict[str, fields.Parser] = {
    "text": fields.parse_text,
    "boolean": fields.parse_boolean,
    "year": fields.parse_year,
    "order": fields.parse_order,
    "months": fields.parse_months,
    "url": fields.parse_url,
    "email": fields.parse_email,
    "slug": fields.parse_slug,
    "uid": fields.parse_uid,
    "status": schema_parser(EVENT_FIELDS, "status"),
    "place kind": schema_parser(PLACE_FIELDS, "kind"),
    "text list": fields.parse_text_list,
    "slug list": fields.parse_slug_list,
    "geo": fields.parse_geo,
    "url mapping": fields.parse_url_mapping,
    "moment": time_fields.parse_moment,
    "end": time_fields.parse_end_moment,
    "date": time_fields.parse_date,
    "timezone": time_fields.parse_timezone,
    "rrule": time_fields.parse_rrule,
    "moment list": time_fields.parse_moment_list,
    "media": media_fields.parse_media_path,
    "media list": media_fields.parse_media_list,
}

MEDIA_FILES = ("affiche.jpg", "logos/nom.svg", "presse/communique.pdf")
"""The files of content/media/ every row sees."""


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    for relative in MEDIA_FILES:
        path = root / "media" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    return root


Found = tuple[str, str, str, str, str]
"""(line:col, field, "erreur" or "avertissement", message, hint), as the author reads it."""


def read(parser_name: str, written: str, content_root: Path) -> tuple[Any, list[Found]]:
    """Parse `champ: <written>` as line 2 of a content file; the value and the problems."""
    text = f"---\nchamp: {written}\n---\n"
    problems = Problems()
    reporter = SourceReporter("content/events/x.md", text, problems)
    nodes = parse_yaml_mapping(text.split("---\n")[1], 1, reporter)
    assert nodes is not None and not problems.items, problems.items
    value = PARSERS[parser_name](FieldContext(nodes["champ"], reporter, content_root))
    found = [
        (
            f"{p.position.line}:{p.position.column}",
            p.field,
            p.severity.value,
            p.message,
            p.hint,
        )
        for p in problems.items
    ]
    return value, found


# --- accepted: written -> typed value, and not a word said ---------------------------------

PARIS_SUMMER = timezone(timedelta(hours=2))

ACCEPTED: list[tuple[str, str, Any]] = [
    # text: kept as written, trimmed; YAML never turns it into a date or a number
    ("text", "Café numérique", "Café numérique"),
    ("text", "  espacé  ", "espacé"),
    ("text", "2026-12-10", "2026-12-10"),
    ("text", "18:30", "18:30"),
    ("text", '"Atelier : le RGPD"', "Atelier : le RGPD"),
    # booleans, in English or in French, any case
    ("boolean", "true", True),
    ("boolean", "oui", True),
    ("boolean", "Oui", True),
    ("boolean", "yes", True),
    ("boolean", "false", False),
    ("boolean", "non", False),
    ("boolean", "no", False),
    ("boolean", "False", False),
    # whole numbers within each field's limits
    ("year", "2012", 2012),
    ("year", "1800", 1800),
    ("order", "3", 3),
    ("order", "0", 0),
    ("months", "120", 120),
    # web addresses: http or https, a dotted host
    ("url", "https://exemple.fr", "https://exemple.fr"),
    ("url", "http://exemple.fr/a?b=1", "http://exemple.fr/a?b=1"),
    # e-mail: a leading mailto: is dropped, case kept
    ("email", "contact@normandyfrenchtech.fr", "contact@normandyfrenchtech.fr"),
    ("email", "mailto:contact@nft.fr", "contact@nft.fr"),
    ("email", "Contact@NFT.FR", "Contact@NFT.FR"),
    # slugs: lowercase ASCII words joined by single hyphens, 100 characters at most
    ("slug", "seine-innopolis", "seine-innopolis"),
    ("slug", "2027", "2027"),
    ("slug", "a" * 100, "a" * 100),
    ("uid", "a1b2c3@normandyfrenchtech.fr", "a1b2c3@normandyfrenchtech.fr"),
    # choices: case and accents do not matter, the canonical spelling comes back
    ("status", "cancelled", "cancelled"),
    ("status", "Cancelled", "cancelled"),
    ("place kind", "pepiniere", "pépinière"),
    ("place kind", "Tiers-Lieu", "tiers-lieu"),
    ("place kind", "ecole", "école"),
    # lists: [a, b], one « - a » line per item, or a single value; duplicates dropped
    ("text list", "[données, ville]", ("données", "ville")),
    ("text list", "\n  - données\n  - ville", ("données", "ville")),
    ("text list", "ville", ("ville",)),
    ("text list", "données, ville", ("données, ville",)),  # a string is ONE item
    ("text list", "[b, a, b]", ("b", "a")),
    ("text list", "[]", ()),
    ("slug list", "[smart-city, smart-port]", ("smart-city", "smart-port")),
    ("slug list", "smart-city", ("smart-city",)),
    # coordinates: a decimal comma is read as a point
    ("geo", "{lat: 49.42, lon: 1.06}", (49.42, 1.06)),
    ("geo", '{lat: "49,42", lon: "1,06"}', (49.42, 1.06)),
    ("geo", "{lat: -90, lon: 180}", (-90.0, 180.0)),
    (
        "url mapping",
        "{linkedin: https://www.linkedin.com/company/x, github: https://github.com/x}",
        (("linkedin", "https://www.linkedin.com/company/x"), ("github", "https://github.com/x")),
    ),
    # moments: a date is all-day; a date-time without offset is naive (local to the zone,
    # decided later by the entry builder); with an offset it is aware
    ("moment", "2015-10-01", date(2015, 10, 1)),
    ("moment", "2015-1-5", date(2015, 1, 5)),
    ("moment", "2016-02-29", date(2016, 2, 29)),
    ("moment", "2015-10-01 18:30", datetime(2015, 10, 1, 18, 30)),  # noqa: DTZ001
    ("moment", "2015-10-01T18:30", datetime(2015, 10, 1, 18, 30)),  # noqa: DTZ001
    ("moment", "2015-10-01 18h30", datetime(2015, 10, 1, 18, 30)),  # noqa: DTZ001
    ("moment", "2015-10-01 8h05", datetime(2015, 10, 1, 8, 5)),  # noqa: DTZ001
    ("moment", "2015-10-01 18:30:15", datetime(2015, 10, 1, 18, 30, 15)),  # noqa: DTZ001
    ("moment", "2015-10-01 18:30+02:00", datetime(2015, 10, 1, 18, 30, tzinfo=PARIS_SUMMER)),
    ("moment", "2015-10-01 18:30 +0200", datetime(2015, 10, 1, 18, 30, tzinfo=PARIS_SUMMER)),
    ("moment", "2015-10-01T16:30Z", datetime(2015, 10, 1, 16, 30, tzinfo=UTC)),
    (
        "moment",
        "2015-10-01 18:30-05:30",
        datetime(2015, 10, 1, 18, 30, tzinfo=timezone(-timedelta(hours=5, minutes=30))),
    ),
    (
        "moment",
        "2015-10-01 18:30+14:00",
        datetime(2015, 10, 1, 18, 30, tzinfo=timezone(timedelta(hours=14))),
    ),
    ("moment", "1970-01-01", date(1970, 1, 1)),
    ("moment", "2199-12-31", date(2199, 12, 31)),
    # an end may be a bare time (the start's own day, combined by the entry builder)
    ("end", "21:00", time(21, 0)),
    ("end", "21h00", time(21, 0)),
    ("end", "2015-10-03", date(2015, 10, 3)),
    ("date", "2015-06-25", date(2015, 6, 25)),
    ("timezone", "Europe/Paris", ZoneInfo("Europe/Paris")),
    ("timezone", "America/Los_Angeles", ZoneInfo("America/Los_Angeles")),
    # recurrence rules: checked by icalendar, kept as written (RRULE: prefix dropped)
    ("rrule", "FREQ=MONTHLY;BYDAY=1TH;COUNT=10", "FREQ=MONTHLY;BYDAY=1TH;COUNT=10"),
    ("rrule", "RRULE:FREQ=WEEKLY", "FREQ=WEEKLY"),
    ("rrule", "FREQ=WEEKLY;UNTIL=20270101", "FREQ=WEEKLY;UNTIL=20270101"),
    (
        "moment list",
        "[2027-01-07, 2027-02-04 18:30]",
        (date(2027, 1, 7), datetime(2027, 2, 4, 18, 30)),  # noqa: DTZ001
    ),
    ("moment list", "2027-01-07", (date(2027, 1, 7),)),
    ("moment list", "[2027-01-07, 2027-01-07]", (date(2027, 1, 7),)),
    # media: a file under content/media/, given as media/…, a leading / forgiven
    ("media", "media/affiche.jpg", "media/affiche.jpg"),
    ("media", "/media/affiche.jpg", "media/affiche.jpg"),
    ("media", "media/logos/nom.svg", "media/logos/nom.svg"),
    ("media", "media/logos/../affiche.jpg", "media/affiche.jpg"),
    (
        "media list",
        "[media/presse/communique.pdf, media/affiche.jpg]",
        ("media/presse/communique.pdf", "media/affiche.jpg"),
    ),
    ("media list", "media/presse/communique.pdf", ("media/presse/communique.pdf",)),
]


@pytest.mark.parametrize(
    ("parser", "written", "expected"),
    ACCEPTED,
    ids=[f"{parser}: {written.strip()[:40]}" for parser, written, _ in ACCEPTED],
)
def test_accepted_values_give_their_typed_value_silently(
    parser: str, written: str, expected: Any, content_root: Path
) -> None:
    value, found = read(parser, written, content_root)
    assert found == []
    assert value == expected
    assert type(value) is type(expected)  # a date is not a datetime, a tuple not a list
    if isinstance(expected, datetime):
        assert value.utcoffset() == expected.utcoffset()


# --- refused: written -> None and exactly one positioned French error ----------------------

YEAR_HINT = "écrivez une année entre 1970 et 2199, l'année en premier : 2015-10-01"
MOMENT_HINT = "écrivez 2015-10-01 (journée entière) ou 2015-10-01 18:30 (heure locale)"
HOUR_HINT = (
    "les heures vont de 00:00 à 23:59 ; pour minuit en fin d'événement, "
    "écrivez le lendemain à 00:00"
)
OFFSET_HINT = (
    "un décalage va de -14:00 à +14:00 ; le plus simple est d'écrire l'heure locale sans "
    "décalage (2015-10-01 18:30), avec timezone si le lieu n'est pas à Paris"
)
RRULE_HINT = "par exemple FREQ=MONTHLY;BYDAY=1TH;COUNT=10 (le premier jeudi du mois, 10 fois)"
MEDIA_HINT = "placez le fichier dans content/media/ et écrivez « media/nom-du-fichier »"
SLUG_HINT = "minuscules sans accents, chiffres et tirets : « {} »"
UID_HINT = (
    "lettres, chiffres et signes sans espace ni accent, par exemple a1b2c3@normandyfrenchtech.fr"
)
STATUS_VALUES = "valeurs possibles : cancelled, confirmed, tentative"

REFUSED: list[tuple[str, str, str, str, str]] = [
    # (parser, written, line:col, message, hint)
    # any one-line value
    ("text", "", "2:7", "valeur vide", "écrivez une valeur après les deux-points, ou retirez la ligne"),
    ("text", '""', "2:8", "texte vide", "écrivez un texte, ou retirez la ligne"),
    ("text", "[a, b]", "2:8", "une seule valeur attendue, pas une liste", "écrivez la valeur sur la même ligne"),
    ("text", "{a: b}", "2:8", "une seule valeur attendue, pas un groupe de champs", "écrivez la valeur sur la même ligne"),
    (
        "text",
        "!Nouveau atelier",
        "2:8",
        "« !Nouveau » en début de valeur n'est pas lu comme du texte",
        'mettez toute la valeur entre guillemets : "!Nouveau atelier"',
    ),
    (
        "text",
        '"a\\nb"',
        "2:8",
        "retour à la ligne dans une valeur qui tient sur une ligne",
        "écrivez la valeur sur une seule ligne, sans « | » ni « > » ; un long texte va dans "
        "le corps de la fiche, sous l'en-tête",
    ),
    (
        "text",
        '"a\\x01b"',
        "2:8",
        "caractère invisible interdit (U+0001) dans la valeur",
        "retirez-le : il vient souvent d'un copier-coller depuis un autre logiciel, ou d'un "
        "code commençant par « \\ » écrit entre guillemets (« \\0 », « \\x01 »…)",
    ),
    # booleans: only true/false, oui/non, yes/no
    ("boolean", "vrai", "2:8", "« vrai » n'est ni vrai ni faux", "écrivez true (oui) ou false (non)"),
    ("boolean", "1", "2:8", "« 1 » n'est ni vrai ni faux", "écrivez true (oui) ou false (non)"),
    ("boolean", "on", "2:8", "« on » n'est ni vrai ni faux", "écrivez true (oui) ou false (non)"),
    # numbers
    ("year", "1799", "2:8", "1799 est hors des limites", "écrivez un nombre entre 1800 et 2100"),
    ("year", "2101", "2:8", "2101 est hors des limites", "écrivez un nombre entre 1800 et 2100"),
    ("year", "deux mille", "2:8", "« deux mille » n'est pas un nombre entier", "écrivez un nombre entre 1800 et 2100"),
    ("year", "2012.0", "2:8", "« 2012.0 » n'est pas un nombre entier", "écrivez un nombre entre 1800 et 2100"),
    ("order", "-1", "2:8", "-1 est hors des limites", "écrivez un nombre entre 0 et 1000"),
    ("months", "121", "2:8", "121 est hors des limites", "écrivez un nombre entre 0 et 120"),
    # web addresses: without a scheme, the hint is the address with https:// in front
    ("url", "www.exemple.fr", "2:8", "« www.exemple.fr » n'est pas une adresse web valide", "écrivez « https://www.exemple.fr »"),
    (
        "url",
        "exemple.fr/inscription",
        "2:8",
        "« exemple.fr/inscription » n'est pas une adresse web valide",
        "écrivez « https://exemple.fr/inscription »",
    ),
    ("url", "inscription", "2:8", "« inscription » n'est pas une adresse web valide", "une adresse web complète commence par https://"),
    ("url", "https://localhost", "2:8", "« https://localhost » n'est pas une adresse web valide", "une adresse web complète commence par https://"),
    ("url", "ftp://exemple.fr", "2:8", "« ftp://exemple.fr » n'est pas une adresse web valide", "une adresse web complète commence par https://"),
    ("url", "https://exemple.fr/a b", "2:8", "« https://exemple.fr/a b » n'est pas une adresse web valide", "une adresse web complète commence par https://"),
    ("url", "mailto:a@b.fr", "2:8", "« mailto:a@b.fr » n'est pas une adresse web valide", "une adresse web complète commence par https://"),
    # e-mail
    ("email", "contact@nft", "2:8", "« contact@nft » n'est pas une adresse électronique", "par exemple : nom@exemple.fr"),
    ("email", "contact normandy@nft.fr", "2:8", "« contact normandy@nft.fr » n'est pas une adresse électronique", "par exemple : nom@exemple.fr"),
    ("email", "contact@@nft.fr", "2:8", "« contact@@nft.fr » n'est pas une adresse électronique", "par exemple : nom@exemple.fr"),
    # slugs: the hint is the slug of what was written
    ("slug", "Seine-Innopolis", "2:8", "« Seine-Innopolis » n'est pas un identifiant valide", SLUG_HINT.format("seine-innopolis")),
    ("slug", "pépinière", "2:8", "« pépinière » n'est pas un identifiant valide", SLUG_HINT.format("pepiniere")),
    ("slug", "cœur-de-ville", "2:8", "« cœur-de-ville » n'est pas un identifiant valide", SLUG_HINT.format("coeur-de-ville")),
    (
        "slug",
        "Café numérique à Évreux",
        "2:8",
        "« Café numérique à Évreux » n'est pas un identifiant valide",
        SLUG_HINT.format("cafe-numerique-a-evreux"),
    ),
    ("slug", "a--b", "2:8", "« a--b » n'est pas un identifiant valide", SLUG_HINT.format("a-b")),
    ("slug", "-a", "2:8", "« -a » n'est pas un identifiant valide", SLUG_HINT.format("a")),
    (
        "slug",
        "atelier-" * 13 + "fin",
        "2:8",
        "identifiant trop long (107 caractères, 100 au plus)",
        "raccourcissez-le, par exemple « " + "-".join(["atelier"] * 12) + " »",
    ),
    ("uid", "abc", "2:8", "identifiant d'agenda invalide", UID_HINT),
    ("uid", "é@nft.fr", "2:8", "identifiant d'agenda invalide", UID_HINT),
    ("uid", "a b@nft.fr", "2:8", "identifiant d'agenda invalide", UID_HINT),
    # choices: a close spelling is suggested; a short list is given in full
    ("status", "annulé", "2:8", "« annulé » n'est pas une valeur permise", STATUS_VALUES),
    ("status", "canceled", "2:8", "« canceled » n'est pas une valeur permise", "vouliez-vous dire « cancelled » ? ; " + STATUS_VALUES),
    (
        "place kind",
        "bureau",
        "2:8",
        "« bureau » n'est pas une valeur permise",
        "valeurs possibles : accélérateur, cantine, coworking, fablab, incubateur, "
        "laboratoire, pépinière, tiers-lieu, totem, école",
    ),
    # groups of fields where one value (or a mapping) was expected
    ("geo", "49.42, 1.06", "2:8", "un groupe de champs « nom: valeur » est attendu", ""),
    ("geo", "{lat: 49.42}", "2:8", "coordonnée « lon » manquante", "écrivez par exemple {lat: 49.42, lon: 1.06}"),
    ("url mapping", "https://x.fr", "2:8", "un groupe de champs « nom: valeur » est attendu", ""),
    # dates: impossible days name the month; French order gets the right form as hint
    ("moment", "2015-02-29", "2:8", "date impossible : « 2015-02-29 »", "février 2015 n'a pas de 29 ; vérifiez le jour"),
    ("moment", "2015-02-30", "2:8", "date impossible : « 2015-02-30 »", "février 2015 n'a pas de 30 ; vérifiez le jour"),
    ("moment", "2015-04-31", "2:8", "date impossible : « 2015-04-31 »", "avril 2015 n'a pas de 31 ; vérifiez le jour"),
    ("moment", "2015-13-01", "2:8", "date impossible : « 2015-13-01 »", "le mois va de 01 à 12, et s'écrit après l'année : 2015-10-01"),
    ("moment", "2015-00-10", "2:8", "date impossible : « 2015-00-10 »", "le mois va de 01 à 12, et s'écrit après l'année : 2015-10-01"),
    ("moment", "01/10/2015", "2:8", "« 01/10/2015 » n'est pas une date lisible", "écrivez l'année en premier : « 2015-10-01 »"),
    ("moment", "01/10/2015 18:30", "2:8", "« 01/10/2015 18:30 » n'est pas une date lisible", "écrivez l'année en premier : « 2015-10-01 18:30 »"),
    ("moment", "1er octobre 2015", "2:8", "« 1er octobre 2015 » n'est pas une date lisible", MOMENT_HINT),
    ("moment", "2015-10-01 18.30", "2:8", "« 2015-10-01 18.30 » n'est pas une date lisible", MOMENT_HINT),
    ("moment", "2015-10-01 18:30 Europe/Paris", "2:8", "« 2015-10-01 18:30 Europe/Paris » n'est pas une date lisible", MOMENT_HINT),
    ("moment", "18:30", "2:8", "« 18:30 » n'est pas une date lisible", MOMENT_HINT),  # start needs a date
    ("moment", "1969-12-31", "2:8", "année hors limites : 1969 (de 1970 à 2199)", YEAR_HINT),
    ("moment", "2200-01-01", "2:8", "année hors limites : 2200 (de 1970 à 2199)", YEAR_HINT),
    # times and offsets
    ("moment", "2015-10-01 24:00", "2:8", "heure impossible : 24:00", HOUR_HINT),
    ("moment", "2015-10-01 18:75", "2:8", "heure impossible : 18:75", HOUR_HINT),
    ("end", "25:00", "2:8", "heure impossible : 25:00", HOUR_HINT),
    ("end", "21h", "2:8", "« 21h » n'est pas une date lisible", MOMENT_HINT),
    ("moment", "2015-10-01 18:30+15:00", "2:8", "décalage horaire impossible : +15:00", OFFSET_HINT),
    ("moment", "2015-10-01 18:30+02:60", "2:8", "décalage horaire impossible : +02:60", OFFSET_HINT),
    ("date", "2015-06-25 10:00", "2:8", "une date sans heure est attendue", "écrivez seulement la date : 2015-06-25"),
    ("date", "25/06/2015", "2:8", "« 25/06/2015 » n'est pas une date lisible", "écrivez l'année en premier : « 2015-06-25 »"),
    # time zones: IANA names, exact case; a close name is suggested
    ("timezone", "europe/paris", "2:8", "fuseau horaire inconnu : « europe/paris »", "vouliez-vous dire « Europe/Paris » ?"),
    ("timezone", "Europe/Pari", "2:8", "fuseau horaire inconnu : « Europe/Pari »", "vouliez-vous dire « Europe/Paris » ?"),
    ("timezone", "Paris", "2:8", "fuseau horaire inconnu : « Paris »", "un nom IANA, par exemple Europe/Paris"),
    # recurrence rules
    ("rrule", "tous les jeudis", "2:8", "la règle de répétition doit dire FREQ (DAILY, WEEKLY, MONTHLY, YEARLY)", RRULE_HINT),
    ("rrule", "BYDAY=1TH", "2:8", "la règle de répétition doit dire FREQ (DAILY, WEEKLY, MONTHLY, YEARLY)", RRULE_HINT),
    ("rrule", "FREQ=MENSUEL", "2:8", "règle de répétition illisible (Expected frequency, got: MENSUEL)", RRULE_HINT),
    ("rrule", "FREQ=WEEKLY;COUNT=3;UNTIL=20270101", "2:8", "COUNT et UNTIL ne peuvent pas être utilisés ensemble", "gardez l'un des deux"),
    ("rrule", "FREQ=WEEKLY;UNTIL=22000101", "2:8", "année hors limites : 2200 (de 1970 à 2199)", YEAR_HINT),
    # media: inside content/media/ only, never another server; a near name is suggested
    ("media", "media/afiche.jpg", "2:8", "fichier introuvable : content/media/afiche.jpg", "vouliez-vous dire « media/affiche.jpg » ?"),
    ("media", "media/logos", "2:8", "fichier introuvable : content/media/logos", "vouliez-vous dire « media/logos/nom.svg » ?"),
    ("media", "affiche.jpg", "2:8", "« affiche.jpg » est en dehors du dossier content/media/", MEDIA_HINT),
    ("media", "media/../site.yaml", "2:8", "« media/../site.yaml » est en dehors du dossier content/media/", MEDIA_HINT),
    ("media", "../../etc/passwd", "2:8", "« ../../etc/passwd » est en dehors du dossier content/media/", MEDIA_HINT),
    (
        "media",
        "https://exemple.fr/a.jpg",
        "2:8",
        "les images et fichiers doivent être dans le site, pas sur un autre serveur",
        MEDIA_HINT,
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("parser", "written", "where", "message", "hint"),
    REFUSED,
    ids=[f"{parser}: {written.strip()[:40]}" for parser, written, *_ in REFUSED],
)
def test_refused_values_give_one_positioned_french_error(
    parser: str, written: str, where: str, message: str, hint: str, content_root: Path
) -> None:
    value, found = read(parser, written, content_root)
    assert found == [(where, "champ", Severity.ERROR.value, message, hint)]
    assert value is None


# --- partly read: lists and groups keep what is valid, and name each bad part -------------

PARTIAL: list[tuple[str, str, Any, list[Found]]] = [
    (
        "text",
        "Ramène Ta Fraise #3",
        "Ramène Ta Fraise",
        [
            (
                "2:8",
                "champ",
                "avertissement",
                "le texte « #3 » est ignoré : après « # », YAML lit un commentaire",
                "mettez toute la valeur entre guillemets pour le garder",
            )
        ],
    ),
    (
        "text list",
        "{a: b}",
        (),
        [("2:8", "champ", "erreur", "une liste est attendue", "écrivez [a, b] ou une ligne « - a » par élément")],
    ),
    (
        "text list",
        "[a, [b]]",
        ("a",),
        [("2:12", "champ", "erreur", "une seule valeur attendue, pas une liste", "écrivez la valeur sur la même ligne")],
    ),
    (
        "slug list",
        "[smart-city, Smart City]",
        ("smart-city",),
        [("2:21", "champ", "erreur", "« Smart City » n'est pas un identifiant valide", SLUG_HINT.format("smart-city"))],
    ),
    (
        # A list written as a string is one item: today the hint joins the two slugs.
        "slug list",
        "smart-city, smart-port",
        (),
        [
            (
                "2:8",
                "champ",
                "erreur",
                "« smart-city, smart-port » n'est pas un identifiant valide",
                SLUG_HINT.format("smart-city-smart-port"),
            )
        ],
    ),
    (
        "geo",
        "{lat: 91, lon: 1}",
        None,
        [("2:14", "champ.lat", "erreur", "91.0 est hors des limites (-90.0 à 90.0)", "écrivez par exemple {lat: 49.42, lon: 1.06}")],
    ),
    (
        "geo",
        "{lat: nord, lon: 1}",
        None,
        [("2:14", "champ.lat", "erreur", "« nord » n'est pas un nombre", "écrivez par exemple {lat: 49.42, lon: 1.06}")],
    ),
    (
        "geo",
        "{lat: 49.4, lon: 1, alt: 3}",
        (49.4, 1.0),  # the unknown key is reported at its value
        [("2:33", "champ.alt", "erreur", "« alt » inconnu dans geo", "écrivez par exemple {lat: 49.42, lon: 1.06}")],
    ),
    (
        "url mapping",
        "{linkedin: https://www.linkedin.com/company/x, github: github.com/x}",
        (("linkedin", "https://www.linkedin.com/company/x"),),
        [("2:63", "champ.github", "erreur", "« github.com/x » n'est pas une adresse web valide", "écrivez « https://github.com/x »")],
    ),
    (
        "moment list",
        "[2027-01-07, 2027-02-30]",
        (date(2027, 1, 7),),
        [("2:21", "champ", "erreur", "date impossible : « 2027-02-30 »", "février 2027 n'a pas de 30 ; vérifiez le jour")],
    ),
    (
        "media list",
        "[media/presse/communiqué.pdf]",
        (),
        [
            (
                "2:9",
                "champ",
                "erreur",
                "fichier introuvable : content/media/presse/communiqué.pdf",
                "vouliez-vous dire « media/presse/communique.pdf » ?",
            )
        ],
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("parser", "written", "expected", "problems"),
    PARTIAL,
    ids=[f"{parser}: {written.strip()[:40]}" for parser, written, *_ in PARTIAL],
)
def test_partly_valid_values_keep_the_valid_part_and_name_each_bad_one(
    parser: str, written: str, expected: Any, problems: list[Found], content_root: Path
) -> None:
    value, found = read(parser, written, content_root)
    assert found == problems
    assert value == expected
