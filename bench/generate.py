"""Synthetic content for the benchmark: one set of documents, written three ways.

`generate(root, entries, seed)` writes a complete nftsite project under `root` (content/,
templates/ and static/ copied from this repository) and, from the very same documents, a
Pelican project and a Hugo project when their folders are given. Everything is derived from
a seeded `random.Random`: the same (entries, seed) always gives byte-identical files.

Proportions: about 55 % events, 25 % startups, 5 % places (at least a few), 15 % press
releases, and 5 pages. Every body is about 600 words of French built from word lists, with
`##` headings, a bulleted list, 2–4 links to other generated entries, an external link and a
small table. Every reference (place, city, theme, organizer, internal link) is valid, so the
build succeeds.

Run alone: `python bench/generate.py DIR --entries 1000` (writes DIR/nftsite, DIR/pelican,
DIR/hugo).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # this checkout's nftsite, whatever the environment installed

from nftsite.content.kinds import KINDS, kind_named  # noqa: E402

NOW = datetime.fromisoformat("2026-11-23T12:00:00+01:00")
"""The reference instant of the benchmark: events after it are upcoming."""
TODAY = NOW.date()

SECTION = {kind.name: kind.list_url.strip("/") for kind in KINDS if kind.list_url}
"""Public URL prefix of each listed kind (nftsite/content/kinds.py); also the Pelican category
and Hugo section."""

CITIES = {
    # slug: (name, postcode, latitude, longitude)
    "caen": ("Caen", "14000", 49.1829, -0.3707),
    "rouen": ("Rouen", "76000", 49.4432, 1.0999),
    "le-havre": ("Le Havre", "76600", 49.4944, 0.1079),
    "evreux": ("Évreux", "27000", 49.0241, 1.1508),
    "cherbourg": ("Cherbourg", "50100", 49.6337, -1.6222),
}
CITY_WEIGHTS = {"caen": 30, "rouen": 30, "le-havre": 25, "evreux": 8, "cherbourg": 7}
THEMES = ("smart-city", "smart-industry", "smart-port")
PLACE_KINDS = (
    "totem", "cantine", "coworking", "incubateur", "pépinière",
    "fablab", "accélérateur", "école", "tiers-lieu", "laboratoire",
)  # fmt: skip
PAGES = (
    # slug, title, menu (the site's navigation links to /a-propos/)
    ("a-propos", "Le label Normandy French Tech", 1),
    ("normandy-tech-40", "Normandy Tech 40", 2),
    ("nous-rejoindre", "Nous rejoindre", 3),
    ("accessibilite", "Accessibilité", 4),
    ("mentions-legales", "Mentions légales", 5),
)

# --- Word lists (written for this benchmark) ------------------------------------------------

SUBJECTS = (
    "La communauté numérique normande", "Le réseau des startups de la région",
    "L'équipe d'animation", "Chaque participant", "Les entrepreneurs de l'axe Seine",
    "Cette initiative", "Le collectif des fondateurs", "La métropole",
    "Un groupe d'étudiants", "Les partenaires industriels", "L'incubateur",
    "La direction du programme", "Le comité d'organisation",
    "Les développeuses et les développeurs", "Une délégation d'élus",
    "Le tissu des PME locales", "La filière portuaire", "Les chercheurs associés",
    "Cette jeune entreprise", "L'ensemble des acteurs", "Le club des investisseurs",
    "La chambre de commerce", "Notre association", "Le pôle de compétitivité",
)  # fmt: skip
VERBS = (
    # third person singular, plural
    ("accompagne", "accompagnent"), ("réunit", "réunissent"), ("présente", "présentent"),
    ("met en avant", "mettent en avant"), ("soutient", "soutiennent"),
    ("développe", "développent"), ("imagine", "imaginent"), ("expérimente", "expérimentent"),
    ("partage", "partagent"), ("construit", "construisent"), ("déploie", "déploient"),
    ("interroge", "interrogent"), ("renforce", "renforcent"), ("valorise", "valorisent"),
    ("explore", "explorent"), ("organise", "organisent"), ("prépare", "préparent"),
    ("anime", "animent"), ("relie", "relient"), ("transforme", "transforment"),
    ("documente", "documentent"), ("finance", "financent"),
)  # fmt: skip
OBJECTS = (
    "des projets innovants", "une nouvelle offre de services", "les usages de la donnée",
    "des outils de pilotage", "les compétences numériques", "un réseau de partenaires",
    "des solutions pour la logistique", "les circuits de financement",
    "une démarche de sobriété numérique", "des prototypes ouverts", "les talents de demain",
    "une plateforme collaborative", "des capteurs connectés",
    "les liens entre recherche et industrie", "une feuille de route commune",
    "des ateliers pratiques", "les retours d'expérience", "une communauté d'entraide",
    "des services publics plus simples", "les échanges entre territoires",
    "des jumeaux numériques", "la maintenance prédictive", "la cybersécurité des PME",
    "l'intelligence artificielle appliquée",
)  # fmt: skip
COMPLEMENTS = (
    "autour de Caen, Rouen et Le Havre", "au cœur de l'axe Seine",
    "avec les collectivités locales", "depuis plusieurs années",
    "dans un esprit d'ouverture", "pour les entreprises du territoire",
    "au plus près des usagers", "avec le soutien de la région", "en lien avec les écoles",
    "tout au long de l'année", "sans perdre de vue l'impact environnemental",
    "grâce à des financements croisés", "aux côtés des grandes entreprises",
    "à destination des porteurs de projet", "en s'appuyant sur des données ouvertes",
    "dans les quartiers comme dans les campagnes", "à l'échelle de la Normandie",
    "avec des résultats mesurables", "pour gagner en compétitivité",
    "dans le respect de la vie privée", "entre le port et l'université",
)  # fmt: skip
CONNECTORS = (
    "Par ailleurs, ", "En pratique, ", "Depuis le début, ", "Concrètement, ", "À terme, ",
    "De plus, ", "Ainsi, ", "En parallèle, ", "Chaque trimestre, ", "Pour la suite, ",
)  # fmt: skip
INFINITIVES = (
    "faciliter", "accélérer", "mieux comprendre", "simplifier", "mesurer", "financer",
    "partager", "faire connaître", "consolider", "ouvrir",
)  # fmt: skip
HEADINGS = (
    "Le contexte", "Le programme", "Les intervenants", "En pratique",
    "Pour aller plus loin", "Les chiffres clés", "Les objectifs", "Les partenaires",
    "Ce qui change", "Les prochaines étapes", "Témoignages", "Questions fréquentes",
    "Le calendrier", "L'équipe", "Les résultats",
)  # fmt: skip
TABLES = (
    (("Horaire", "Séance", "Salle"),
     (("9 h", "10 h", "11 h 30", "14 h", "16 h 30"),
      ("Accueil", "Conférence d'ouverture", "Ateliers en parallèle", "Table ronde",
       "Démonstrations", "Clôture"),
      ("Hall", "Amphithéâtre", "Salle 2", "Salle 3", "Terrasse"))),
    (("Année", "Étape", "Effectif"),
     (("2015", "2017", "2019", "2021", "2023", "2025"),
      ("Création", "Premier client", "Levée de fonds", "Nouveaux locaux", "Export"),
      ("2", "5", "12", "25", "40", "60"))),
    (("Indicateur", "Valeur", "Évolution"),
     (("Entreprises suivies", "Emplois créés", "Fonds levés", "Participants"),
      ("120", "1 235", "49 M€", "350", "75 %"),
      ("en hausse", "stable", "+12 %", "+30 %", "à confirmer"))),
)  # fmt: skip
EXTERNAL_LINKS = (
    ("le site de la Mission French Tech", "https://lafrenchtech.gouv.fr/"),
    ("le portail de la Région Normandie", "https://www.normandie.fr/"),
    ("la plateforme de données ouvertes", "https://www.data.gouv.fr/"),
    ("la page de l'organisateur", "https://www.exemple.fr/evenements"),
    ("le dossier de presse complet", "https://presse.exemple.fr/dossier"),
    ("le formulaire de contact", "https://www.exemple.fr/contact"),
)  # fmt: skip

EVENT_KINDS = (
    "Atelier", "Meetup", "Conférence", "Petit-déjeuner", "Afterwork", "Hackathon",
    "Webinaire", "Table ronde", "Rencontre", "Démo day", "Formation", "Soirée pitch",
)  # fmt: skip
EVENT_TOPICS = (
    "données ouvertes", "intelligence artificielle", "cybersécurité", "logistique portuaire",
    "industrie du futur", "ville intelligente", "financement des startups", "design de services",
    "mobilité douce", "énergie et réseaux", "santé connectée", "agriculture numérique",
    "commerce en ligne", "accessibilité numérique", "développement web", "robotique",
    "réalité virtuelle", "blockchain", "cloud souverain", "recrutement tech",
)  # fmt: skip
ORGANIZERS = (
    "Normandy French Tech", "Normandie Web Xperts (#NWX)", "Métropole Rouen Normandie",
    "Caen la Mer", "CCI Normandie", "AD Normandie", "Le Havre Seine Métropole",
    "Université de Caen Normandie", "Réseau Entreprendre Normandie",
)  # fmt: skip
TAGS = (
    "réseau", "conférences", "ateliers", "données", "ville", "industrie", "port",
    "financement", "recrutement", "étudiants", "open source", "IA", "cybersécurité",
    "rencontre", "networking", "formation", "export", "design",
)  # fmt: skip
PRICES = ("Gratuit", "Gratuit, sur inscription", "10 €", "25 € (gratuit pour les étudiants)")
SYLLABLES_A = (
    "Data", "Neo", "Octo", "Sea", "Flux", "Norm", "Cap", "Lin", "Agri", "Port", "Kali", "Ondi",
    "Velo", "Bio", "Quanti", "Opti", "Archi", "Mobi", "Clic", "Alti",
)  # fmt: skip
SYLLABLES_B = ("", "ma", "ro", "ze", "li", "ta", "ve", "no", "ka", "su")
SYLLABLES_C = (
    "via", "lab", "tech", "sens", "log", "ware", "nova", "ia", "mind", "cube", "line", "flow",
    "ops", "hub", "link", "kit", "gram", "sys", "tera", "scope",
)  # fmt: skip
STARTUP_SUFFIXES = ("", "", "", " Solutions", " Analytics", " Robotique", " Studio", " Systèmes")
PLACE_NAMES = (
    "Le Hangar", "La Fabrique", "Le Quai", "L'Atelier", "La Ruche", "Le Phare", "La Station",
    "Le Moulin", "La Manufacture", "Le Dock", "La Verrière", "Le Grenier", "La Passerelle",
)  # fmt: skip
STREETS = (
    "rue de la République", "quai de Southampton", "avenue de la Libération", "rue Saint-Jean",
    "boulevard Maritime", "place du Marché", "rue des Docks", "esplanade de la Paix",
)  # fmt: skip
PRESS_OPENINGS = (
    "Normandy French Tech annonce", "Les startups normandes célèbrent",
    "La région accueille", "Bilan de", "Lancement de", "Retour sur",
    "Nouvelle étape pour",
)  # fmt: skip


# --- Documents -----------------------------------------------------------------------------


@dataclass
class Doc:
    """One entry, independent of the tool that will build it."""

    kind: str
    slug: str
    title: str
    date: date | datetime
    """Start of an event, date of a press release; a plausible date for the others."""
    folder: str = ""
    """Sub-folder inside the kind's folder (the year, for events)."""
    meta: list[tuple[str, str]] = field(default_factory=list)
    """nftsite front matter: (field, YAML text of the value), in file order."""
    body: str = ""

    @property
    def url(self) -> str:
        return kind_named(self.kind).entry_url(self.slug)

    @property
    def relative(self) -> str:
        """Path under content/, e.g. `events/2026/atelier-donnees-ouvertes-a-caen.md`."""
        parts = [kind_named(self.kind).folder, *([self.folder] if self.folder else []), self.slug]
        return "/".join(parts) + ".md"


@dataclass
class Generated:
    """What `generate` wrote, and the files `run.py` edits to time a rebuild."""

    root: Path
    docs: list[Doc]
    pelican: Path | None = None
    hugo: Path | None = None

    @property
    def entries(self) -> int:
        return len(self.docs)

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for doc in self.docs:
            result[doc.kind] = result.get(doc.kind, 0) + 1
        return result

    def edit_targets(self, kind: str, count: int = 3) -> list[Doc]:
        """Entries to edit in `serve`: for events, upcoming ones first (they appear on the
        most pages: home, agenda, city and theme agendas, feeds), then a past one."""
        docs = [d for d in self.docs if d.kind == kind]
        if kind == "event":
            upcoming = [d for d in docs if _day(d.date) > TODAY]
            past = [d for d in docs if _day(d.date) <= TODAY]
            ordered = [*upcoming[: count - 1], *past[:1], *upcoming[count - 1 :], *past[1:]]
            return ordered[:count]
        return docs[:count]


def _day(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


SLUG_LIMIT = 90
"""nftsite refuses file names over 100 characters; room is left for a "-2" suffix."""


def slugify(text: str) -> str:
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > SLUG_LIMIT:  # cut at a word boundary, as `nftsite new` does
        slug = slug[: slug.rfind("-", 0, SLUG_LIMIT + 1)]
    return slug


def yaml_text(value: str) -> str:
    """A string as a YAML scalar, quoted only when a plain scalar would be misread."""
    plain_ok = (
        value
        and value == value.strip()
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
        and value[0] not in "[]{}\"'*&!%@`|>-#,?:"
        and value.lower() not in {"true", "false", "yes", "no", "on", "off", "null", "oui", "non"}
        and not re.fullmatch(r"[0-9.+\-eE ]+", value)
    )
    return value if plain_ok else json.dumps(value, ensure_ascii=False)


def yaml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(yaml_text(v) for v in values) + "]"


class Writer:
    """French prose from the word lists, deterministic for a given `random.Random`."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def clause(self) -> str:
        """Subject, verb agreeing with it, object: « les chercheurs associés explorent … »."""
        subject = self.rng.choice(SUBJECTS)
        singular, plural = self.rng.choice(VERBS)
        verb = plural if subject.startswith(("Les ", "Des ")) else singular
        return f"{subject} {verb} {self.rng.choice(OBJECTS)}"

    def sentence(self) -> str:
        r = self.rng
        text = f"{self.clause()} {r.choice(COMPLEMENTS)}"
        roll = r.random()
        if roll < 0.25:
            verb = r.choice(INFINITIVES)
            afin = "afin d'" if verb[0] in "aeiouyéèêàâô" else "afin de "
            text += f", {afin}{verb} {r.choice(OBJECTS)}"
        elif roll < 0.4:
            other = self.clause()
            text += f", tandis que {other[0].lower() + other[1:]}"
        if r.random() < 0.3:
            connector = r.choice(CONNECTORS)
            text = connector + text[0].lower() + text[1:]
        return text + "."

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence() for _ in range(sentences))

    def summary(self) -> str:
        return f"{self.clause()} {self.rng.choice(COMPLEMENTS)}."

    def table(self) -> str:
        header, columns = self.rng.choice(TABLES)
        rows = [
            "| " + " | ".join(header) + " |",
            "| " + " | ".join("---" for _ in header) + " |",
        ]
        for _ in range(self.rng.randint(3, 4)):
            rows.append("| " + " | ".join(self.rng.choice(col) for col in columns) + " |")
        return "\n".join(rows)

    def body(self, links: list[Doc], words: int = 600) -> str:
        """About `words` words: intro, `##` sections, a list, a table, internal and external
        links. Every doc of `links` is linked once."""
        r = self.rng
        link_md = [f"[{doc.title}]({doc.url})" for doc in links]
        in_list, in_text = link_md[:1], link_md[1:]
        headings = r.sample(HEADINGS, 5)
        blocks: list[str] = []
        intro = self.paragraph(3)
        if in_text:
            intro += f" Voir aussi {in_text.pop()}."
        blocks.append(intro)
        blocks += [f"## {headings[0]}", self.paragraph(r.randint(4, 5)), self.paragraph(3)]
        items = [
            f"- {obj[0].upper() + obj[1:]} {r.choice(COMPLEMENTS)} ;"
            for obj in r.sample(OBJECTS, r.randint(3, 5))
        ]
        items += [f"- {link} ;" for link in in_list]
        items[-1] = items[-1].removesuffix(" ;") + "."
        blocks += [f"## {headings[1]}", "Les points principaux :", "\n".join(items)]
        blocks += [f"## {headings[2]}", self.paragraph(3), self.table(), self.paragraph(2)]
        label, url = r.choice(EXTERNAL_LINKS)
        closing = self.paragraph(3) + f" Toutes les informations sont sur [{label}]({url})."
        for link in in_text:
            closing += f" Lire également {link}."
        blocks += [f"## {headings[3]}", closing]
        text = "\n\n".join(blocks)
        count = len(text.split())
        extra: list[str] = []
        while count < words - 20:
            paragraph = self.paragraph(r.randint(2, 4))
            extra.append(paragraph)
            count += len(paragraph.split())
        if extra:
            text += f"\n\n## {headings[4]}\n\n" + "\n\n".join(extra)
        return text + "\n"


def make_documents(entries: int, seed: int = 1) -> list[Doc]:
    """`entries` documents (pages included), references all valid, bodies all written."""
    if entries < 20:
        raise ValueError("at least 20 entries")
    rng = random.Random(seed)
    writer = Writer(rng)
    n_pages = len(PAGES)
    rest = entries - n_pages
    n_places = max(5, round(rest * 0.05))
    n_startups = round(rest * 0.25)
    n_press = round(rest * 0.15)
    n_events = rest - n_places - n_startups - n_press

    used: dict[str, set[str]] = {kind.name: set() for kind in KINDS}

    def unique(kind: str, title: str) -> str:
        base = slugify(title)
        slug, number = base, 2
        while slug in used[kind]:
            slug, number = f"{base}-{number}", number + 1
        used[kind].add(slug)
        return slug

    def city() -> str:
        return rng.choices(list(CITY_WEIGHTS), weights=list(CITY_WEIGHTS.values()))[0]

    def themes() -> list[str]:
        return sorted(rng.sample(THEMES, rng.choice((1, 1, 1, 2, 3))))

    def random_day(first: date, last: date) -> date:
        return first + timedelta(days=rng.randrange((last - first).days + 1))

    places: list[Doc] = []
    for _ in range(n_places):
        c = city()
        kind = rng.choice(PLACE_KINDS)
        name = f"{rng.choice(PLACE_NAMES)} {CITIES[c][0]}"
        slug = unique("place", name)
        doc = Doc("place", slug, name, random_day(date(2012, 1, 1), date(2025, 12, 31)))
        lat, lon = CITIES[c][2], CITIES[c][3]
        doc.meta = [
            ("name", yaml_text(name)),
            ("kind", kind),
            (
                "address",
                yaml_text(
                    f"{rng.randint(1, 120)} {rng.choice(STREETS)}, {CITIES[c][1]} {CITIES[c][0]}"
                ),
            ),
            ("city", c),
            (
                "geo",
                f"{{lat: {lat + rng.uniform(-0.02, 0.02):.4f}, lon: {lon + rng.uniform(-0.02, 0.02):.4f}}}",
            ),
            ("website", f"https://{slug}.exemple.fr"),
            (
                "access",
                yaml_text(
                    "Accessible en transports en commun ; entrée de plain-pied, ascenseur vers les étages."
                ),
            ),
            ("hours", yaml_text("Du lundi au vendredi, 9 h – 18 h")),
            ("summary", yaml_text(writer.summary())),
        ]
        places.append(doc)

    startups: list[Doc] = []
    for _ in range(n_startups):
        name = (
            rng.choice(SYLLABLES_A)
            + rng.choice(SYLLABLES_B)
            + rng.choice(SYLLABLES_C)
            + rng.choice(STARTUP_SUFFIXES)
        )
        slug = unique("startup", name)
        founded = rng.randint(2005, 2025)
        doc = Doc("startup", slug, name, date(founded, rng.randint(1, 12), rng.randint(1, 28)))
        doc.meta = [
            ("name", yaml_text(name)),
            ("city", city()),
            ("themes", yaml_list(themes())),
            ("tags", yaml_list(rng.sample(TAGS, 2))),
            ("website", f"https://www.{slug}.exemple.fr"),
            ("founded", str(founded)),
        ]
        if rng.random() < 0.3:
            doc.meta.append(("place", rng.choice(places).slug))
        doc.meta.append(("summary", yaml_text(writer.summary())))
        if rng.random() < 0.5:
            doc.meta.append(("social", f"{{linkedin: https://www.linkedin.com/company/{slug}}}"))
        startups.append(doc)

    events: list[Doc] = []
    for _ in range(n_events):
        upcoming = rng.random() < 0.2
        day = (
            random_day(TODAY + timedelta(days=1), date(2027, 12, 31))
            if upcoming
            else random_day(date(2014, 1, 1), TODAY - timedelta(days=1))
        )
        c = city()
        title = f"{rng.choice(EVENT_KINDS)} {rng.choice(EVENT_TOPICS)} à {CITIES[c][0]}"
        meta: list[tuple[str, str]] = []
        shape = rng.random()
        start: date | datetime
        if shape < 0.04:  # recurring, timed
            rule = rng.choice(("weekly", "monthly-1th", "biweekly-we"))
            if rule == "monthly-1th":  # must start on a first Thursday
                day = day.replace(day=1)
                day += timedelta(days=(3 - day.weekday()) % 7)
                recurrence = f"FREQ=MONTHLY;BYDAY=1TH;COUNT={rng.randint(4, 10)}"
            elif rule == "biweekly-we":
                day += timedelta(days=(2 - day.weekday()) % 7)
                recurrence = "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;COUNT=5"
            else:
                recurrence = f"FREQ=WEEKLY;COUNT={rng.randint(4, 12)}"
            hour = rng.choice((8, 12, 18))
            start = datetime(day.year, day.month, day.day, hour, 30)  # noqa: DTZ001 - local
            meta += [
                ("start", f"{start:%Y-%m-%d %H:%M}"),
                ("end", f"{start + timedelta(hours=1, minutes=30):%Y-%m-%d %H:%M}"),
                ("recurrence", recurrence),
            ]
            if rule == "weekly" and rng.random() < 0.5:
                meta.append(("exdates", f"[{day + timedelta(days=7):%Y-%m-%d}]"))
            title = f"{title} (cycle)"
        elif shape < 0.64:  # timed, same day
            hour = rng.choice((8, 9, 10, 14, 17, 18, 18, 19))
            start = datetime(day.year, day.month, day.day, hour, rng.choice((0, 0, 30)))  # noqa: DTZ001
            end = start + timedelta(hours=rng.randint(1, 4))
            meta.append(("start", f"{start:%Y-%m-%d %H:%M}"))
            meta.append(("end", f"{end:%H:%M}" if rng.random() < 0.4 else f"{end:%Y-%m-%d %H:%M}"))
        elif shape < 0.84:  # one whole day
            start = day
            meta.append(("start", f"{day:%Y-%m-%d}"))
        elif shape < 0.95:  # several whole days
            start = day
            meta += [
                ("start", f"{day:%Y-%m-%d}"),
                ("end", f"{day + timedelta(days=rng.randint(1, 3)):%Y-%m-%d}"),
            ]
        else:  # timed, over several days
            start = datetime(day.year, day.month, day.day, 18, 0)  # noqa: DTZ001
            meta += [
                ("start", f"{start:%Y-%m-%d %H:%M}"),
                ("end", f"{start + timedelta(days=rng.randint(1, 2), hours=-2):%Y-%m-%d %H:%M}"),
            ]
        slug = unique("event", f"{title} {day.year}")
        doc = Doc("event", slug, title, start, folder=str(start.year))
        where = rng.random()
        if where < 0.5:
            meta.append(("place", rng.choice(places).slug))
        elif where < 0.9:
            meta.append(("location", yaml_text(f"{rng.choice(STREETS)}, {CITIES[c][0]}")))
            meta.append(("city", c))
        elif where < 0.99:
            meta.append(("online", f"https://webinaires.exemple.fr/{slug}"))
        else:  # abroad, in another time zone
            meta.append(("timezone", "America/Los_Angeles"))
            meta.append(("location", yaml_text("Convention Center, Las Vegas, NV")))
        meta.append(
            (
                "organizer",
                rng.choice(startups).slug
                if rng.random() < 0.3
                else yaml_text(rng.choice(ORGANIZERS)),
            )
        )
        meta += [("themes", yaml_list(themes())), ("tags", yaml_list(rng.sample(TAGS, 3)))]
        if rng.random() < 0.4:
            meta.append(("registration", f"https://inscriptions.exemple.fr/{slug}"))
        meta.append(("price", yaml_text(rng.choice(PRICES))))
        status = rng.random()
        if status < 0.03:
            meta.append(("status", "cancelled"))
        elif status < 0.06:
            meta.append(("status", "tentative"))
        meta.append(("summary", yaml_text(writer.summary())))
        doc.meta = [("title", yaml_text(title)), *meta]
        events.append(doc)

    press: list[Doc] = []
    for _ in range(n_press):
        day = random_day(date(2014, 6, 1), TODAY - timedelta(days=2))
        title = f"{rng.choice(PRESS_OPENINGS)} {rng.choice(OBJECTS)} {rng.choice(COMPLEMENTS)}"
        slug = unique("press", f"{title} {day.year}")
        doc = Doc("press", slug, title, day)
        doc.meta = [
            ("title", yaml_text(title)),
            ("date", f"{day:%Y-%m-%d}"),
            ("summary", yaml_text(writer.summary())),
            ("contact", "contact@normandyfrenchtech.fr"),
        ]
        press.append(doc)

    pages: list[Doc] = []
    for slug, title, menu in PAGES[:n_pages]:
        used["page"].add(slug)
        doc = Doc("page", slug, title, date(2015, 6, 25))
        doc.meta = [
            ("title", yaml_text(title)),
            ("menu", str(menu)),
            ("summary", yaml_text(writer.summary())),
        ]
        pages.append(doc)

    docs = [*events, *startups, *places, *press, *pages]
    linkable = [*events, *startups, *places, *press]
    for doc in docs:
        targets: list[Doc] = []
        wanted = rng.randint(2, 4)
        while len(targets) < wanted:
            target = rng.choice(linkable)
            if target is not doc and target not in targets:
                targets.append(target)
        doc.body = writer.body(targets, words=rng.randint(560, 640))
    return docs


# --- Writing the three projects -------------------------------------------------------------


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def _fresh(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)


def site_yaml(source: Path = REPO) -> str:
    """The repository's own site.yaml (same cities, themes, navigation); a copy of its
    structure if the repository has none."""
    real = source / "content" / "site.yaml"
    if real.is_file():
        return real.read_text(encoding="utf-8")
    cities = "\n".join(f"  {slug}: {name}" for slug, (name, *_rest) in CITIES.items())
    return (
        "title: Normandy French Tech\n"
        "base_url: https://www.normandyfrenchtech.fr\n"
        "language: fr\ntimezone: Europe/Paris\ncontact: contact@normandyfrenchtech.fr\n"
        f"cities:\n{cities}\n"
        "themes:\n  smart-city: Smart City\n  smart-industry: Smart Industry\n"
        "  smart-port: Smart Port & Logistique\n"
        "navigation:\n  - {label: Agenda, url: /agenda/}\n  - {label: Le label, url: /a-propos/}\n"
    )


def write_nftsite(root: Path, docs: list[Doc], git: bool = True, source: Path = REPO) -> None:
    """The project, with templates/, static/ and site.yaml taken from `source` (a checkout)."""
    _fresh(root)
    _write(root / "content" / "site.yaml", site_yaml(source))
    for doc in docs:
        front = "\n".join(f"{key}: {value}" for key, value in doc.meta)
        _write(root / "content" / doc.relative, f"---\n{front}\n---\n{doc.body}")
    for folder in ("templates", "static"):
        shutil.copytree(source / folder, root / folder)
    # What a build leaves beside output/ (its lock, an interrupted staging or previous tree)
    # is ignored as the repository's own .gitignore does, so the project stays clean.
    _write(root / ".gitignore", ".cache/\noutput/\n.*.lock\n.*.staging/\n.*.previous/\n")
    if git:
        commit_all(root)


def commit_all(root: Path) -> None:
    """One commit of the whole project, with fixed names and dates (a reproducible hash): the
    site is built from a git clone in production, and the build reads the history."""
    moment = "2026-11-20T10:00:00+01:00"
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
        "GIT_AUTHOR_DATE": moment,
        "GIT_COMMITTER_DATE": moment,
    }
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["-c", "commit.gpgsign=false", "commit", "-q", "-m", "Synthetic content"],
    ):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def _pelican_date(moment: date | datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if isinstance(moment, datetime) else f"{moment:%Y-%m-%d}"


PELICANCONF = """\
# Generated by bench/generate.py. Pelican's defaults, except what makes the comparison fair:
# French, Paris time, and the same public URLs as nftsite (/agenda/<slug>/ …).
AUTHOR = "Normandy French Tech"
SITENAME = "Normandy French Tech"
SITEURL = ""
PATH = "content"
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
RELATIVE_URLS = True
ARTICLE_URL = "{category}/{slug}/"
ARTICLE_SAVE_AS = "{category}/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
"""


def write_pelican(root: Path, docs: list[Doc]) -> None:
    """Markdown articles with Pelican's metadata header; pages under content/pages/."""
    _fresh(root)
    _write(root / "pelicanconf.py", PELICANCONF)
    for doc in docs:
        header = [f"Title: {doc.title}", f"Date: {_pelican_date(doc.date)}"]
        if doc.kind == "page":
            path = root / "content" / "pages" / f"{doc.slug}.md"
        else:
            header.append(f"Category: {SECTION[doc.kind]}")
            folder = [doc.folder] if doc.folder else []
            path = root / "content" / SECTION[doc.kind] / Path(*folder) / f"{doc.slug}.md"
        header.append(f"Slug: {doc.slug}")
        _write(path, "\n".join(header) + "\n\n" + doc.body)


HUGO_CONFIG = """\
# Generated by bench/generate.py.
baseURL: https://www.normandyfrenchtech.fr/
locale: fr
defaultContentLanguage: fr
title: Normandy French Tech
timeZone: Europe/Paris
buildFuture: true
disableKinds: [taxonomy, term]
permalinks:
  agenda: /agenda/:slug/
  startups: /startups/:slug/
  lieux: /lieux/:slug/
  presse: /presse/:slug/
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": """\
<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} — {{ site.Title }}</title>
</head>
<body>
<header><a href="/">{{ site.Title }}</a></header>
<main>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
""",
    "_default/single.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "02/01/2006" }}</time></p>
{{ .Content }}
</article>
{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}
</ul>
{{ end }}
""",
}


def write_hugo(root: Path, docs: list[Doc]) -> None:
    """Same front matter in YAML (title, date, slug), `content/<section>/…`, minimal layouts."""
    _fresh(root)
    _write(root / "config.yaml", HUGO_CONFIG)
    for name, text in HUGO_LAYOUTS.items():
        _write(root / "layouts" / name, text)
    for doc in docs:
        moment = (
            f"{doc.date:%Y-%m-%dT%H:%M:%S}" if isinstance(doc.date, datetime) else f"{doc.date}"
        )
        front = [f"title: {json.dumps(doc.title, ensure_ascii=False)}", f'date: "{moment}"']
        front.append(f'url: "/{doc.slug}/"' if doc.kind == "page" else f"slug: {doc.slug}")
        _write(root / hugo_relative(doc), "---\n" + "\n".join(front) + "\n---\n" + doc.body)


def hugo_relative(doc: Doc) -> str:
    """Path of a document in the Hugo project, e.g. `content/agenda/2026/atelier-….md`."""
    if doc.kind == "page":
        return f"content/pages/{doc.slug}.md"
    return (
        "/".join(["content", SECTION[doc.kind], *([doc.folder] if doc.folder else []), doc.slug])
        + ".md"
    )


def generate(
    root: Path,
    entries: int,
    seed: int = 1,
    *,
    pelican: Path | None = None,
    hugo: Path | None = None,
    git: bool = True,
    source: Path = REPO,
) -> Generated:
    """Write an nftsite project of `entries` entries at `root` (replacing what was there) and,
    from the same documents, a Pelican project at `pelican` and a Hugo project at `hugo`.
    `source` is the checkout whose templates/, static/ and site.yaml are copied."""
    docs = make_documents(entries, seed)
    write_nftsite(root, docs, git=git, source=source)
    if pelican is not None:
        write_pelican(pelican, docs)
    if hugo is not None:
        write_hugo(hugo, docs)
    return Generated(root, docs, pelican, hugo)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "folder", type=Path, help="writes FOLDER/nftsite, FOLDER/pelican, FOLDER/hugo"
    )
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-git", action="store_true", help="do not commit the nftsite project")
    args = parser.parse_args(argv)
    made = generate(
        args.folder / "nftsite",
        args.entries,
        args.seed,
        pelican=args.folder / "pelican",
        hugo=args.folder / "hugo",
        git=not args.no_git,
    )
    print(f"{made.entries} entries {made.counts()} written under {args.folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
