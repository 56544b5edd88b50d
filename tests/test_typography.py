"""French typography (nftsite/render/typography.py) and cities' own prepositions.

Unit rows for each rule and for what must stay as typed, then the built sample site and its
feeds, read with html5lib, feedparser and icalendar rather than with the code under test."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import html5lib
import icalendar
import pytest

from nftsite.content.config import read_site_config
from nftsite.core.problems import Problems
from nftsite.render.typography import typeset_html, typeset_text

NB = "\u00a0"
NN = "\u202f"

TEXT_ROWS = [
    ("l'agenda d'aujourd'hui", "l’agenda d’aujourd’hui"),
    ("Quand : demain", f"Quand{NB}: demain"),
    ("Note: voir", f"Note{NB}: voir"),
    ("Oui ; non", f"Oui{NN}; non"),
    ("Vraiment ?", f"Vraiment{NN}?"),
    ("Vraiment?", f"Vraiment{NN}?"),
    ("Bravo !", f"Bravo{NN}!"),
    ("Quoi ?!", f"Quoi{NN}?!"),
    (f"Bravo{NB}!", f"Bravo{NN}!"),
    ("« Bonjour »", f"«{NN}Bonjour{NN}»"),
    ("«Bonjour»", f"«{NN}Bonjour{NN}»"),
    ("1 235 entreprises", f"1{NN}235 entreprises"),
    ("10 000+ emplois", f"10{NN}000+ emplois"),
    ("1 000 000 €", f"1{NN}000{NN}000{NB}€"),
    ("49 M€ levés", f"49{NB}M€ levés"),
    ("12 % de plus", f"12{NB}% de plus"),
    # what stays as typed
    ("à 18:30", "à 18:30"),
    ("format 16:9", "format 16:9"),
    ("https://example.org/a?b=1;c=2", "https://example.org/a?b=1;c=2"),
    ("voir https://example.org/l'a : ici", f"voir https://example.org/l'a{NB}: ici"),
    ("mailto:contact@example.org", "mailto:contact@example.org"),
    ("le 1er octobre", "le 1er octobre"),
    ("en 2026 200 startups", "en 2026 200 startups"),
    ("02 31 45 67 89", "02 31 45 67 89"),
    ("a;b x?y", "a;b x?y"),
    ("2 mois", "2 mois"),
    ("tard, l'", "tard, l’"),
    ("les 'guillemets'", "les 'guillemets'"),
    ("parce qu'", "parce qu’"),
    ("", ""),
]


@pytest.mark.parametrize(("typed", "expected"), TEXT_ROWS)
def test_text_rules(typed: str, expected: str) -> None:
    assert typeset_text(typed) == expected
    assert typeset_text(expected) == expected  # idempotent


HTML_ROWS = [
    ("<p>l&#39;agenda : oui</p>", f"<p>l’agenda{NB}: oui</p>"),
    ("<p>le 1er octobre</p>", "<p>le 1<sup>er</sup> octobre</p>"),
    ("<p><strong>Attention</strong> !</p>", f"<p><strong>Attention</strong>{NN}!</p>"),
    ("<title>Le 1er : l'agenda</title>", f"<title>Le 1er{NB}: l’agenda</title>"),
    ("<p><code>a ? b : c'd</code></p>", "<p><code>a ? b : c'd</code></p>"),
    ("<pre>x : y\n'z'</pre>", "<pre>x : y\n'z'</pre>"),
    ("<kbd>Ctrl ; '</kbd>", "<kbd>Ctrl ; '</kbd>"),
    ('<script>var a = "b : c ?";</script>', '<script>var a = "b : c ?";</script>'),
    ("<style>a:hover { x: y }</style>", "<style>a:hover { x: y }</style>"),
    ("<textarea>l'a : b</textarea>", "<textarea>l'a : b</textarea>"),
    ("<a href=\"https://x.org/l'a?b\">l'a</a>", '<a href="https://x.org/l\'a?b">l’a</a>'),
    (
        '<time datetime="2026-12-10T18:30">18:30</time>',
        '<time datetime="2026-12-10T18:30">18:30</time>',
    ),
    ('<img src="/a.png" alt="Logo d&#39;Acme">', '<img src="/a.png" alt="Logo d’Acme">'),
    ('<span aria-label="Quoi ?">?</span>', f'<span aria-label="Quoi{NN}?">?</span>'),
    (
        '<meta name="description" content="l\'agenda : x">',
        f'<meta name="description" content="l’agenda{NB}: x">',
    ),
    (
        '<meta property="og:url" content="https://x.org/a:b">',
        '<meta property="og:url" content="https://x.org/a:b">',
    ),
    ("<!-- l'a : b --><p>a &amp; b</p>", "<!-- l'a : b --><p>a &amp; b</p>"),
    ("<p>a &lt; b ; c</p>", f"<p>a &lt; b{NN}; c</p>"),
]


@pytest.mark.parametrize(("page", "expected"), HTML_ROWS)
def test_html_rules(page: str, expected: str) -> None:
    assert typeset_html(page) == expected
    assert typeset_html(expected) == expected


def test_html_keeps_every_other_byte() -> None:
    page = (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">\n'
        '<link rel="stylesheet" href="/static/site.css?v=1">\n</head>\n'
        "<body><p  class=x\tdata-a='1'>Texte</p><br/><svg viewBox=\"0 0 1 1\"></svg>\n</body></html>\n"
    )
    assert typeset_html(page) == page


TOKENIZER_CASES = [
    # (page, what typeset_html must make of it): the places a hand-made tokenizer can slip
    ("<img alt='a>b' title=\"l'été\">l'été", "<img alt='a>b' title=\"l’été\">l’été"),
    ("<script>var a = 'l'; if (a) {}</script>l'été", "<script>var a = 'l'; if (a) {}</script>l’été"),
    ("<style>p::after { content: 'x'; }</style>", "<style>p::after { content: 'x'; }</style>"),
    ("<!-- l'été : ici -->l'été", "<!-- l'été : ici -->l’été"),
    ("<CODE>l'été</CODE> l'été", "<CODE>l'été</CODE> l’été"),
    ("<pre><code>a ; b</code></pre>c ; d", "<pre><code>a ; b</code></pre>c\u202f; d"),
    ("<br/>l'été<hr />l'été", "<br/>l’été<hr />l’été"),
    ("<title>Le 1er mai</title><p>Le 1er mai</p>", "<title>Le 1er mai</title><p>Le 1<sup>er</sup> mai</p>"),
    ("<p>a &amp; b : c</p>", "<p>a &amp; b\u00a0: c</p>"),
    ('<a href="https://x.fr/l\'a:b">l\'a</a>', '<a href="https://x.fr/l\'a:b">l’a</a>'),
]  # fmt: skip


@pytest.mark.parametrize(("page", "expected"), TOKENIZER_CASES)
def test_the_page_tokenizer_finds_text_where_a_browser_does(page: str, expected: str) -> None:
    assert typeset_html(page) == expected


LINE_CASES = [
    # (page, what typeset_html must make of it): a page is read a line at a time and lines
    # already seen are not read again; these lines mean something else where they stand
    ("<p>l'été</p>\n<pre>\n<p>l'été</p>\n</pre>\n<p>l'été</p>\n",
     "<p>l’été</p>\n<pre>\n<p>l'été</p>\n</pre>\n<p>l’été</p>\n"),
    ("<a title='a>\nl&#39;été'>l'été</a>\n<b>l'été</b>\n",
     "<a title=\"a&gt;\nl’été\">l’été</a>\n<b>l’été</b>\n"),
    ("<!-- a>\n<p>l'été</p>\n-->\n<p>l'été</p>\n", "<!-- a>\n<p>l'été</p>\n-->\n<p>l’été</p>\n"),
    ("<script>if (a >\n<p>l'été</p>\n) {}</script>\n<p>l'été</p>\n",
     "<script>if (a >\n<p>l'été</p>\n) {}</script>\n<p>l’été</p>\n"),
    ("<title>\n<b>Le 1er</b>\n</title>\n<b>Le 1er</b>\n",
     "<title>\n<b>Le 1er</b>\n</title>\n<b>Le 1<sup>er</sup></b>\n"),
    ("x < y : <b>l'été</b>\nz\n", "x &lt; y\u00a0: <b>l’été</b>\nz\n"),
]  # fmt: skip


@pytest.mark.parametrize(("page", "expected"), LINE_CASES)
def test_a_line_is_read_in_its_place(page: str, expected: str) -> None:
    for order in (page, page.split("\n", 1)[-1] + page):  # the lines seen before, or not
        assert typeset_html(order).endswith(expected)


def test_typesetting_a_built_page_again_changes_nothing(sample_output: Path):
    """Read by html5lib, a built page and the same page typeset again have the same elements
    and the same machine attributes: the tokenizer never took a tag for text or text for a
    tag (the sample is already typeset, so typesetting again must change nothing at all)."""
    for page in sorted(sample_output.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert typeset_html(text) == text, page


# --- site.yaml: the cities' prepositions ------------------------------------------------------

SITE = """title: T
base_url: https://example.org
contact: a@example.org
themes: {t: T}
cities:
  caen: Caen
  evreux: Évreux
  le-havre: {name: Le Havre, a: au Havre, de: du Havre}
  les-andelys: {name: Les Andelys, a: aux Andelys}
"""


def read(tmp_path: Path, text: str) -> tuple[object, Problems]:
    (tmp_path / "site.yaml").write_text(text, encoding="utf-8")
    problems = Problems()
    return read_site_config(tmp_path, tmp_path, problems), problems


def test_cities_declare_their_prepositions_with_french_defaults(tmp_path: Path) -> None:
    config, problems = read(tmp_path, SITE)
    assert not problems.items, [p.format() for p in problems.items]
    assert config.cities["le-havre"] == "Le Havre"
    assert (config.city_at("le-havre"), config.city_of("le-havre")) == ("au Havre", "du Havre")
    assert (config.city_at("caen"), config.city_of("caen")) == ("à Caen", "de Caen")
    assert config.city_of("evreux") == "d’Évreux"
    assert (config.city_at("les-andelys"), config.city_of("les-andelys")) == (
        "aux Andelys",
        "de Les Andelys",
    )


def test_a_preposition_that_is_not_one_is_refused_at_its_line(tmp_path: Path) -> None:
    _, problems = read(tmp_path, SITE.replace("a: au Havre", "a: Le Havre"))
    [problem] = problems.items
    text = problem.format()
    assert "site.yaml:8:33" in text and "cities.le-havre.a" in text, text
    assert "ne commence pas par" in text and "au Havre" in text, text


# --- the built sample site and its feeds ------------------------------------------------------

MACHINE = {"code", "pre", "kbd", "samp", "script", "style", "textarea"}
BREAKABLE_BEFORE = re.compile(r"[ \t\n]+[:;!?](?=\s|$)")
INSIDE_QUOTES = re.compile(r"«[ \t\n]|[ \t\n]»")
URL = re.compile(r"(?:https?|webcal)://\S+|mailto:\S+|[\w.+-]+@[\w.-]+")


def text_nodes(root, skip=MACHINE):  # type: ignore[no-untyped-def]
    """(parent tag, text) of every text node outside machine elements, as html5lib sees it."""

    def walk(element, hidden):  # type: ignore[no-untyped-def]
        tag = element.tag if isinstance(element.tag, str) else ""
        hidden = hidden or tag in skip
        if element.text and not hidden:
            yield tag, element.text
        for child in element:
            yield from walk(child, hidden)
            if child.tail and not hidden:
                yield tag, child.tail

    yield from walk(root, False)


def faults(text: str) -> list[str]:
    text = URL.sub("URL", text)
    found = [m.group() for m in BREAKABLE_BEFORE.finditer(text)]
    found += [m.group() for m in INSIDE_QUOTES.finditer(text)]
    found += re.findall(r"\w'\w", text)
    return found


def pages(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def test_sample_pages_text_is_set_in_french(sample_output: Path) -> None:
    problems = []
    quotes = 0
    for path in pages(sample_output):
        root = html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)
        for tag, text in text_nodes(root):
            quotes += text.count("’")
            problems += [f"{path.relative_to(sample_output)} <{tag}>: {f!r}" for f in faults(text)]
            assert "'" not in text.replace("\u2019", ""), (path, text)
    assert not problems, problems[:20]
    assert quotes > 100  # the rules did run


def test_sample_code_urls_and_times_are_untouched(sample_output: Path) -> None:
    for path in pages(sample_output):
        root = html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)
        for element in root.iter():
            for name in ("href", "src", "datetime", "action"):
                value = element.get(name) or ""
                assert NB not in value and NN not in value and "’" not in value, (path, value)
            if element.tag in ("code", "pre", "script"):
                inner = "".join(element.itertext())
                assert NN not in inner and NB + ":" not in inner, (path, inner)
    agenda = (sample_output / "agenda" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"\d\d?(?:&nbsp;|\u00a0)h(?:&nbsp;|\u00a0)\d\d", agenda)  # clocks as they were
    home = (sample_output / "index.html").read_text(encoding="utf-8")
    assert f"1{NN}235" in home and f"49{NB}M€" in home


def test_the_first_of_the_month_is_raised(sample_output: Path) -> None:
    found = [p for p in pages(sample_output) if "1<sup>er</sup>" in p.read_text(encoding="utf-8")]
    assert found
    for path in pages(sample_output):
        root = html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)
        for tag, text in text_nodes(root, MACHINE | {"title"}):
            assert not re.search(r"\b1er\b", text), (path, tag, text)


def test_sample_feeds_are_set_in_french_as_characters(sample_output: Path) -> None:
    feeds = [p for p in sample_output.rglob("*") if p.suffix in (".xml", ".rss", ".atom")]
    feeds = [p for p in feeds if p.name != "sitemap.xml"]
    assert feeds
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.bozo_exception)
        texts = [parsed.feed.get("title", ""), parsed.feed.get("subtitle", "")]
        for entry in parsed.entries:
            texts += [entry.get("title", ""), entry.get("summary", "")]
        for text in texts:
            assert not faults(text), (path, text, faults(text))


def ics_texts(path: Path) -> list[str]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    texts = [str(calendar.get(name, "")) for name in ("NAME", "X-WR-CALNAME", "X-WR-CALDESC")]
    for event in calendar.walk("VEVENT"):
        texts += [str(event.get(name, "")) for name in ("SUMMARY", "DESCRIPTION", "LOCATION")]
    return texts


def test_sample_calendars_are_set_in_french_without_entities(sample_output: Path) -> None:
    calendars = sorted(sample_output.rglob("*.ics"))
    assert calendars
    for path in calendars:
        raw = path.read_text(encoding="utf-8")
        assert not re.search(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+);", raw, re.I), path
        for text in ics_texts(path):
            assert not faults(text), (path, text, faults(text))
    agenda = "\n".join(ics_texts(sample_output / "agenda.ics"))
    assert f"{NB}:" in agenda and "’" in agenda


def test_le_havre_takes_its_own_prepositions(sample_output: Path) -> None:
    wrong = re.compile(r"\b(?:à|de|a) Le Havre\b")
    seen = 0
    for path in sorted(sample_output.rglob("*")):
        if path.suffix not in (".html", ".ics", ".xml"):
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ics":
            text = "\n".join(ics_texts(path))
        if path.suffix == ".html":  # « de <a …>Le Havre</a> » is as wrong
            text = re.sub(r"<[^>]*>", "", text)
        assert not wrong.search(text.replace(NB, " ").replace(NN, " ")), path
        seen += text.count("au Havre") + text.count("du Havre")
    assert seen
    page = html5lib.parse(
        (sample_output / "agenda/ville/le-havre/index.html").read_bytes(),
        namespaceHTMLElements=False,
    )
    assert "".join(page.find(".//h1").itertext()) == "Agenda au Havre"
    # nothing upcoming there in the sample: the empty state offers the city's feed
    empty = page.find(".//div[@class='empty-state']")
    assert empty is not None, "the sample's Le Havre agenda is no longer empty"
    feed_link = [a for a in empty.iter("a") if a.get("href", "").endswith("le-havre.ics")]
    assert [" ".join("".join(a.itertext()).split()) for a in feed_link] == [
        "flux de l’agenda du Havre"
    ]
    assert page.find(".//title").text.startswith("Agenda au Havre")
    startups = html5lib.parse(
        (sample_output / "startups/ville/le-havre/index.html").read_bytes(),
        namespaceHTMLElements=False,
    )
    assert "".join(startups.find(".//h1").itertext()) == "Startups au Havre"
    feed = icalendar.Calendar.from_ical((sample_output / "agenda/ville/le-havre.ics").read_bytes())
    assert "au Havre" in str(feed["X-WR-CALDESC"])
