"""Recurrence rules the site publishes: only series every calendar engine reads alike.

F2 and F3 of the calendar-engines report (an occurrence in the spring gap, a series starting
in the repeated autumn hour), cases 31 and 32 of the reliability report (rules that never
occur and take 40 s; INTERVAL=0, COUNT=-1, BYDAY=99MO written into the feeds as they are).
Each refused rule is one French problem on the event's `recurrence` line, the build exits 1
and output/ is left as it was. The rules of the guide's recipes still build.
"""

from __future__ import annotations

import re
import time

import pytest

from .conftest import InlineSite, Run
from .feeds_helpers import build, event_md

HEADLINE = re.compile(r"^(?P<path>\S+?):(?P<line>\d+):(?P<column>\d+): (?P<rest>.*)$")
SERIES = "events/serie.md"


@pytest.fixture
def site(make_site) -> InlineSite:
    """A valid site, built once: what a refused rule must leave untouched."""
    site = make_site(
        {"events/atelier.md": event_md("Atelier", start="2027-01-12 18:00", city="caen")}
    )
    build(site)
    return site


def series(**fields: object) -> str:
    return event_md("Série à vérifier", city="caen", **fields)


def recurrence_line(markdown: str) -> int:
    return next(
        number
        for number, line in enumerate(markdown.split("\n"), 1)
        if line.startswith("recurrence:")
    )


def refused(site: InlineSite, markdown: str, command: str = "check") -> str:
    """Add the event, run nftsite; the one problem on its `recurrence` line, with its hint."""
    before = site.snapshot()
    site.write({SERIES: markdown})
    run = site.run(command=command)
    assert run.exit_code == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert site.snapshot() == before, "a refused rule changed output/"
    return problem_at(run, f"content/{SERIES}", recurrence_line(markdown))


def problem_at(run: Run, path: str, line: int) -> str:
    lines = run.stderr.splitlines()
    found = []
    for index, text in enumerate(lines):
        match = HEADLINE.match(text)
        if match and match["path"] == path:
            found.append((match, "\n".join(lines[index : index + 4])))
    assert len(found) == 1, run.stderr
    match, block = found[0]
    assert int(match["line"]) == line, run.stderr
    assert match["rest"].startswith("recurrence: "), run.stderr
    assert "aide : " in block, block
    return block


# --- F2: an occurrence in the spring gap ---------------------------------------------------------


def test_f_2_an_occurrence_in_the_spring_gap_is_refused_on_the_recurrence_line(
    site: InlineSite,
) -> None:
    """The report's nuit-dimanche-2027: the third Sunday is 28 March 2027, 02:30 in Paris."""
    markdown = series(start="2027-03-14 02:30", end="03:30", recurrence="FREQ=WEEKLY;COUNT=3")
    problem = refused(site, markdown, command="build")
    assert "la séance du 28/03/2027 à 02:30 n'existe pas à Europe/Paris" in problem, problem
    assert "passage à l'heure d'été" in problem


def test_f_2_a_spring_gap_in_another_zone_is_refused_too(site: InlineSite) -> None:
    markdown = series(
        start="2027-02-28 02:30",
        end="03:00",
        timezone="America/Los_Angeles",
        recurrence="FREQ=WEEKLY;COUNT=3",
    )
    problem = refused(site, markdown)
    assert "la séance du 14/03/2027 à 02:30 n'existe pas à America/Los_Angeles" in problem


def test_f_2_an_occurrence_whose_end_falls_in_the_gap_is_refused(site: InlineSite) -> None:
    """01:30-02:30: on 28 March the wall-clock end does not exist; engines that add the hour
    in exact time say 03:30, those that add it on the wall clock say 02:30 or 01:30 UTC."""
    markdown = series(start="2027-03-14 01:30", end="02:30", recurrence="FREQ=WEEKLY;COUNT=3")
    problem = refused(site, markdown)
    assert "la séance du 28/03/2027 de 01:30 à 02:30 chevauche le passage à l'heure d'été" in (
        problem
    )


@pytest.mark.parametrize(
    ("start", "end", "day", "change"),
    [
        ("2027-03-20 22:00", "2027-03-21 04:00", "27/03/2027", "été"),
        ("2026-10-17 22:00", "2026-10-18 04:00", "24/10/2026", "hiver"),
    ],
)
def test_f_2_an_occurrence_spanning_a_change_of_offset_is_refused(
    site: InlineSite, start: str, end: str, day: str, change: str
) -> None:
    """Its end is read one hour apart: recurring-ical-events adds the duration on the wall
    clock, libical and node-ical in exact time (RFC 5545 §3.8.5.3)."""
    markdown = series(start=start, end=end, recurrence="FREQ=WEEKLY;COUNT=3")
    problem = refused(site, markdown)
    assert f"la séance du {day} à 22:00 au" in problem, problem
    assert f"chevauche le passage à l'heure d'{change}" in problem
    assert "exdates" in problem  # the hint: exclude that one occurrence


def test_f_2_the_spanning_occurrence_may_be_excluded(site: InlineSite) -> None:
    site.write(
        {
            SERIES: series(
                start="2027-03-20 22:00",
                end="2027-03-21 04:00",
                recurrence="FREQ=WEEKLY;COUNT=3",
                exdates=["2027-03-27"],
            )
        }
    )
    build(site)


# --- F3: the repeated autumn hour ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [("2026-10-25 02:30", "03:30"), ("2026-10-25 02:30+01:00", "2026-10-25 03:30")],
    ids=["first-0230", "second-0230"],
)
def test_f_3_a_series_starting_in_the_repeated_autumn_hour_is_refused(
    site: InlineSite, start: str, end: str
) -> None:
    """The report's serie-seconde-0230: a UTC start made the rule repeat in UTC, one hour
    off after the spring change; with a TZID, engines pick either 02:30."""
    markdown = series(start=start, end=end, recurrence="FREQ=WEEKLY;INTERVAL=10;COUNT=4")
    problem = refused(site, markdown, command="build")
    assert "le début du 25/10/2026 à 02:30 tombe dans l'heure qui se répète à Europe/Paris" in (
        problem
    )
    assert "passage à l'heure d'hiver" in problem


def test_f_3_a_later_occurrence_in_the_repeated_hour_is_refused(site: InlineSite) -> None:
    """libical reads it as the second 02:30, node-ical as the first."""
    markdown = series(start="2026-10-18 02:30", end="03:30", recurrence="FREQ=WEEKLY;COUNT=3")
    problem = refused(site, markdown)
    assert "la séance du 25/10/2026 à 02:30 tombe dans l'heure qui se répète" in problem


def test_f_3_a_single_event_in_the_repeated_hour_is_still_accepted(site: InlineSite) -> None:
    """Without a rule it is written in UTC (F1): every engine reads it alike."""
    site.write({SERIES: series(start="2026-10-25 02:30", end="03:30")})
    build(site)


# --- the start is the first occurrence -----------------------------------------------------------


def test_a_start_that_is_not_an_occurrence_of_its_rule_is_refused(site: InlineSite) -> None:
    """recurring-ical-events counts such a start as an occurrence (RFC 5545), libical and
    node-ical skip it: 2 December 2026 is a Wednesday, not a first Thursday."""
    markdown = series(
        start="2026-12-02 18:30", end="20:00", recurrence="FREQ=MONTHLY;BYDAY=1TH;COUNT=3"
    )
    problem = refused(site, markdown)
    assert "le début (02/12/2026 18:30) n'est pas une séance de la règle" in problem
    assert "la première serait le 03/12/2026 18:30" in problem


def test_until_before_the_start_is_refused(site: InlineSite) -> None:
    problem = refused(
        site, series(start="2027-03-04 18:30", recurrence="FREQ=WEEKLY;UNTIL=20270201")
    )
    assert "UNTIL est avant le début de l'événement" in problem


# --- case 31: bounded expansion ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=SECONDLY : un agenda ne répète pas"),
        ("FREQ=MINUTELY;BYYEARDAY=366;BYMONTH=2", "FREQ=MINUTELY : un agenda ne répète pas"),
        ("FREQ=HOURLY;COUNT=5", "FREQ=HOURLY : un agenda ne répète pas"),
        # never after its start: the walk stops at the limit instead of year 9999
        (
            "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=28,30;COUNT=1000",
            "la série irait au-delà du 23/02/2047",
        ),
        ("FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=28;COUNT=3", "BYMONTHDAY ne va pas avec FREQ=WEEKLY"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28;COUNT=200", "la série irait au-delà du 31/12/2199"),
        ("FREQ=DAILY;UNTIL=20300101", "la série compte plus de 1000 séances"),
        ("FREQ=MONTHLY", "la règle ne dit pas quand la série s'arrête"),
    ],
)
def test_case_31_a_rule_that_never_ends_or_occurs_is_refused_quickly(
    site: InlineSite, rule: str, message: str
) -> None:
    started = time.perf_counter()
    problem = refused(site, series(start="2027-02-28 10:00", recurrence=rule))
    assert message in problem, problem
    assert time.perf_counter() - started < 10, "the rule took the build 10 s or more"


# --- case 32: values in range ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=DAILY;INTERVAL=0;COUNT=2", "INTERVAL doit valoir au moins 1 (et non 0)"),
        ("FREQ=DAILY;COUNT=-1", "COUNT doit aller de 1 à 1000 (et non -1)"),
        ("FREQ=DAILY;COUNT=0", "COUNT doit aller de 1 à 1000 (et non 0)"),
        ("FREQ=DAILY;COUNT=1001", "COUNT doit aller de 1 à 1000 (et non 1001)"),
        ("FREQ=DAILY;COUNT=1,2", "COUNT ne prend qu'une valeur"),
        ("FREQ=WEEKLY;BYDAY=99MO;COUNT=3", "BYDAY=99MO : un rang (1, 2, -1…) devant le jour"),
        ("FREQ=MONTHLY;BYDAY=99MO;COUNT=3", "BYDAY=99MO : le rang va de 1 à 53"),
        ("FREQ=MONTHLY;BYDAY=0MO;COUNT=3", "BYDAY=0MO : le rang va de 1 à 53"),
        ("FREQ=YEARLY;BYMONTH=13;COUNT=3", "BYMONTH=13 est hors limites"),
        ("FREQ=YEARLY;BYMONTH=0;COUNT=3", "BYMONTH=0 est hors limites"),
        ("FREQ=MONTHLY;BYMONTHDAY=32;COUNT=3", "BYMONTHDAY=32 est hors limites"),
        ("FREQ=MONTHLY;BYMONTHDAY=0;COUNT=3", "BYMONTHDAY=0 est hors limites"),
        ("FREQ=MONTHLY;BYMONTHDAY=-32;COUNT=3", "BYMONTHDAY=-32 est hors limites"),
        ("FREQ=YEARLY;BYYEARDAY=367;COUNT=3", "BYYEARDAY=367 est hors limites"),
        ("FREQ=YEARLY;BYWEEKNO=54;COUNT=3", "BYWEEKNO=54 est hors limites"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0;COUNT=3", "BYSETPOS=0 est hors limites"),
        ("FREQ=DAILY;BYHOUR=24;COUNT=3", "BYHOUR=24 est hors limites"),
        ("FREQ=DAILY;BYMINUTE=60;COUNT=3", "BYMINUTE=60 est hors limites"),
        ("FREQ=DAILY;BYSECOND=60;COUNT=3", "BYSECOND=60 est hors limites"),
        ("FREQ=MONTHLY;BYYEARDAY=1;COUNT=3", "BYYEARDAY ne va pas avec FREQ=MONTHLY"),
        ("FREQ=MONTHLY;BYWEEKNO=1;COUNT=3", "BYWEEKNO ne va pas avec FREQ=MONTHLY"),
        ("FREQ=MONTHLY;BYSETPOS=1;COUNT=3", "BYSETPOS choisit parmi les séances"),
        ("FREQ=DAILY;FOO=1;COUNT=3", "morceau inconnu dans la règle de répétition : « FOO »"),
        ("FREQ=DAILY;RSCALE=GREGORIAN;COUNT=3", "morceau inconnu"),
        ("FREQ=DAILY;FREQ=WEEKLY;COUNT=3", "« FREQ » est écrit deux fois dans la règle"),
        ("FREQ=WEEKLY; COUNT=8", "espace dans la règle de répétition"),
        ("FREQ=DAILY;UNTIL=22000101", "année hors limites"),
    ],
)
def test_case_32_a_value_out_of_range_is_refused(site: InlineSite, rule: str, message: str) -> None:
    problem = refused(site, series(start="2027-02-01 10:00", recurrence=rule))
    assert message in problem, problem


def test_case_32_hours_in_the_rule_of_an_all_day_event_are_refused(site: InlineSite) -> None:
    """RFC 5545: BYHOUR, BYMINUTE, BYSECOND MUST NOT go with a DATE start."""
    problem = refused(site, series(start="2027-02-01", recurrence="FREQ=DAILY;BYHOUR=9;COUNT=3"))
    assert "BYHOUR dans la règle d'un événement sur la journée entière" in problem


# --- what stays accepted -------------------------------------------------------------------------

GUIDE_RECIPES = {
    # the recipes of docs/guide-contenu.md, each from a start that is its first occurrence
    "premier-jeudi": ("2026-12-03 18:30", "FREQ=MONTHLY;BYDAY=1TH;COUNT=10"),
    "premier-jeudi-until": ("2026-12-03 18:30", "FREQ=MONTHLY;BYDAY=1TH;UNTIL=20270630"),
    "hebdo-8": ("2027-01-05 18:00", "FREQ=WEEKLY;COUNT=8"),
    "hebdo-until": ("2027-01-05 18:00", "FREQ=WEEKLY;UNTIL=20270630"),
    "mercredi-sur-deux": ("2027-01-06 12:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;COUNT=5"),
    "dernier-jeudi": ("2027-01-28 18:30", "FREQ=MONTHLY;BYDAY=-1TH;COUNT=6"),
    "mardi-jeudi": ("2027-01-05 18:00", "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10"),
    "annuel": ("2027-06-10 09:00", "FREQ=YEARLY;COUNT=3"),
    "deux-par-jour": ("2027-01-11 09:00", "FREQ=DAILY;BYHOUR=9,14;COUNT=6"),
    "dernier-ouvre": ("2027-01-29 17:00", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=4"),
    "mille": ("2027-01-04 08:00", "FREQ=DAILY;COUNT=1000"),
    "journee": ("2027-03-27", "FREQ=WEEKLY;COUNT=3"),
}


def test_the_guides_recipes_and_other_sane_rules_build(site: InlineSite) -> None:
    site.write(
        {
            f"events/{slug}.md": event_md(slug, start=start, city="caen", recurrence=rule)
            for slug, (start, rule) in GUIDE_RECIPES.items()
        }
    )
    build(site)
    for slug in GUIDE_RECIPES:
        ics = (site.output / f"agenda/{slug}/{slug}.ics").read_bytes()
        assert b"RRULE:" in ics, slug
