"""The rules a recurring event must keep so that every calendar engine reads it alike.

Calendar engines (libical, node-ical, recurring-ical-events…) read some series differently:
an occurrence at a local time that does not exist (the spring gap) or exists twice (the
repeated autumn hour), one that spans a change of offset (some add the duration in exact
time, others on the wall clock), a start that is not an occurrence of its own rule. So
`rule_problem` refuses those, with the rules no engine should be given: no end, more than
MAX_OCCURRENCES occurrences, values out of RFC 5545's ranges, a rule that repeats by the
second, minute or hour. Expanding a rule to check it walks a bounded number of periods, so
a rule that never matches cannot stall the build.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import islice

from dateutil.relativedelta import relativedelta
from icalendar.prop import vRecur

from nftsite.content.time_fields import LAST_YEAR
from nftsite.model.models import Event
from nftsite.model.recurrence import MAX_OCCURRENCES, local_rule, local_until, naive_local

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
"""SECONDLY, MINUTELY and HOURLY are refused: no agenda event repeats by the hour, and an
hourly series always lands in a spring gap."""
MAX_PERIODS = {"DAILY": 7300, "WEEKLY": 3200}
"""How many days or weeks (times INTERVAL) a series may span, about 20 and 60 years: checking
a rule walks every period up to its end, and this keeps one that rarely or never matches
under half a second. MONTHLY and YEARLY series may run to the end of LAST_YEAR."""

PARTS = (
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYSETPOS",
    "BYHOUR",
    "BYMINUTE",
    "BYSECOND",
    "WKST",
)
SINGLE_VALUED = ("FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST")
RANGES = {
    # part: (highest value, whether it may also count from the end with a minus sign)
    "BYSECOND": (59, False),
    "BYMINUTE": (59, False),
    "BYHOUR": (23, False),
    "BYMONTHDAY": (31, True),
    "BYYEARDAY": (366, True),
    "BYWEEKNO": (53, True),
    "BYMONTH": (12, False),
    "BYSETPOS": (366, True),
}
ONLY_WITH = {
    # RFC 5545 §3.3.10: the frequencies each of these parts may be used with
    "BYMONTHDAY": ("DAILY", "MONTHLY", "YEARLY"),
    "BYYEARDAY": ("YEARLY",),
    "BYWEEKNO": ("YEARLY",),
}
TIME_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
WEEKDAY = re.compile(r"^(?P<rank>[+-]?\d{1,2})?(?P<day>MO|TU|WE|TH|FR|SA|SU)$")
RULE_EXAMPLE = "par exemple FREQ=WEEKLY;COUNT=8 ou FREQ=MONTHLY;BYDAY=1TH;UNTIL=20270630"

Problem = tuple[str, str]
"""A French message and its hint, reported on the event's `recurrence` line."""


class Refused(Exception):
    """A rule the site does not publish, with the message and hint that say why."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.problem: Problem = (message, hint)


def rule_problem(event: Event) -> Problem | None:
    """Why the event's rule cannot be published, in French with a hint; None if it can."""
    assert event.recurrence is not None
    try:
        rule = vRecur.from_ical(event.recurrence)
        check_parts(event.recurrence, rule, timed=isinstance(event.start, datetime))
        check_series(event, rule)
    except Refused as refused:
        return refused.problem
    except (ValueError, TypeError) as error:  # what dateutil refuses that icalendar read
        return f"règle de répétition inutilisable ({error})", RULE_EXAMPLE
    return None


def check_parts(text: str, rule: vRecur, timed: bool) -> None:
    """Each part known, written once, with values in range for its frequency (case 32)."""
    if any(character.isspace() for character in text):
        raise Refused(
            "espace dans la règle de répétition",
            "écrivez la règle d'un seul bloc : FREQ=WEEKLY;COUNT=8, et non FREQ=WEEKLY; COUNT=8",
        )
    names = [part.partition("=")[0].strip().upper() for part in text.split(";") if part]
    for name in names:
        if name not in PARTS:
            raise Refused(
                f"morceau inconnu dans la règle de répétition : « {name} »",
                "les morceaux possibles : " + ", ".join(PARTS),
            )
        if names.count(name) > 1:
            raise Refused(f"« {name} » est écrit deux fois dans la règle", "gardez-en un seul")
    for name in SINGLE_VALUED:
        if len(rule.get(name, ())) > 1:
            raise Refused(f"{name} ne prend qu'une valeur", RULE_EXAMPLE)
    frequency = str(rule["FREQ"][0])
    if frequency not in FREQUENCIES:
        raise Refused(
            f"FREQ={frequency} : un agenda ne répète pas un événement à la seconde, "
            "à la minute ni à l'heure",
            "FREQ=DAILY, WEEKLY, MONTHLY ou YEARLY ; pour deux séances le même jour, "
            "FREQ=DAILY;BYHOUR=9,14",
        )
    if "COUNT" not in rule and "UNTIL" not in rule:
        raise Refused(
            "la règle ne dit pas quand la série s'arrête",
            "ajoutez COUNT=… (le nombre de séances) ou UNTIL=… (la date de la dernière, "
            "par exemple UNTIL=20270630)",
        )
    interval = int(rule.get("INTERVAL", [1])[0])
    if interval < 1:
        raise Refused(
            f"INTERVAL doit valoir au moins 1 (et non {interval})",
            "INTERVAL=2 : une fois sur deux ; sans INTERVAL, à chaque fois",
        )
    count = int(rule.get("COUNT", [1])[0])
    if not 1 <= count <= MAX_OCCURRENCES:
        raise Refused(
            f"COUNT doit aller de 1 à {MAX_OCCURRENCES} (et non {count})",
            "COUNT est le nombre de séances, la première comprise",
        )
    for name, values in rule.items():
        if name in RANGES:
            for value in values:
                _check_number(name, str(value))
        if name in ONLY_WITH and frequency not in ONLY_WITH[name]:
            allowed = " ou ".join(ONLY_WITH[name])
            raise Refused(
                f"{name} ne va pas avec FREQ={frequency}",
                f"{name} ne s'emploie qu'avec FREQ={allowed}",
            )
        if name in TIME_PARTS and not timed:
            raise Refused(
                f"{name} dans la règle d'un événement sur la journée entière",
                f"retirez {name}, ou donnez une heure à start",
            )
    for value in rule.get("BYDAY", ()):
        _check_weekday(str(value), frequency, "BYWEEKNO" in rule)
    if "BYSETPOS" in rule and not any(name.startswith("BY") for name in set(rule) - {"BYSETPOS"}):
        raise Refused(
            "BYSETPOS choisit parmi les séances d'un autre morceau BY…, et il n'y en a pas",
            "par exemple FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1 : le dernier jour "
            "ouvré du mois",
        )


def _check_number(name: str, text: str) -> None:
    highest, signed = RANGES[name]
    lowest = 0 if name in TIME_PARTS else 1
    allowed = f"de {lowest} à {highest}" + (f", ou de -{highest} à -1" if signed else "")
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not (lowest <= value <= highest or (signed and -highest <= value <= -1)):
        raise Refused(f"{name}={text} est hors limites", f"{name} va {allowed}")


def _check_weekday(text: str, frequency: str, by_week_number: bool) -> None:
    match = WEEKDAY.match(text)
    if match is None:
        raise Refused(
            f"BYDAY={text} n'est pas un jour de la semaine",
            "les jours : MO, TU, WE, TH, FR, SA, SU ; avec MONTHLY, 1TH est le premier jeudi "
            "et -1FR le dernier vendredi",
        )
    if match["rank"] is None:
        return
    rank, day = int(match["rank"]), match["day"]
    if frequency not in ("MONTHLY", "YEARLY") or by_week_number:
        raise Refused(
            f"BYDAY={text} : un rang (1, 2, -1…) devant le jour ne va qu'avec FREQ=MONTHLY "
            "ou YEARLY (sans BYWEEKNO)",
            f"écrivez BYDAY={day} pour chaque {day} de la période",
        )
    if not 1 <= abs(rank) <= 53:
        raise Refused(
            f"BYDAY={text} : le rang va de 1 à 53, ou de -53 à -1",
            "avec MONTHLY, 1TH est le premier jeudi du mois et -1TH le dernier",
        )


def check_series(event: Event, rule: vRecur) -> None:
    """Walk the whole series (at most MAX_OCCURRENCES, within bounded periods): it must
    start on `start`, end in time, and hold no occurrence engines would read differently."""
    frequency = str(rule["FREQ"][0])
    interval = int(rule.get("INTERVAL", [1])[0])
    base = local_rule(event)
    start = naive_local(event, event.start)
    limit = _limit(start, frequency, interval)
    until = _until_moment(event)
    series = base.replace(count=None, until=min(until, limit) if until is not None else limit)
    wanted = int(rule["COUNT"][0]) if "COUNT" in rule else MAX_OCCURRENCES + 1
    found = list(islice(series, min(wanted, MAX_OCCURRENCES + 1)))
    if not found or found[0] != start:
        raise _not_an_occurrence(event, start, until, found[0] if found else None)
    if len(found) > MAX_OCCURRENCES:
        raise Refused(
            f"la série compte plus de {MAX_OCCURRENCES} séances",
            "avancez UNTIL, ou donnez COUNT (au plus 1000)",
        )
    if (until is not None and until > limit) or (until is None and len(found) < wanted):
        raise Refused(
            f"la série irait au-delà du {limit:%d/%m/%Y}",
            _limit_hint(frequency, limit),
        )
    if isinstance(event.start, datetime):
        skipped = {naive_local(event, moment) for moment in event.exdates}
        lengths = None
        if isinstance(event.end, datetime):
            exact = event.end.astimezone(UTC) - event.start.astimezone(UTC)
            lengths = exact, naive_local(event, event.end) - start
        for local in found:
            check_occurrence(event, local, local == start, lengths, local in skipped)


def _until_moment(event: Event) -> datetime | None:
    """UNTIL as the naive local moment `local_rule` gives dateutil."""
    assert event.recurrence is not None
    for part in event.recurrence.split(";"):
        name, _, value = part.partition("=")
        if name.strip().upper() == "UNTIL":
            local = local_until(event, value.strip())
            form = "%Y%m%dT%H%M%S" if "T" in local else "%Y%m%d"
            return datetime.strptime(local, form)  # noqa: DTZ007 - a local wall-clock time
    return None


def _limit(start: datetime, frequency: str, interval: int) -> datetime:
    last = datetime(LAST_YEAR, 12, 31, 23, 59, 59)  # noqa: DTZ001 - a local wall-clock time
    periods = MAX_PERIODS.get(frequency)
    if periods is None:
        return last
    step = relativedelta(days=periods * interval * (7 if frequency == "WEEKLY" else 1))
    try:
        return min(last, start + step)
    except OverflowError:
        return last


def _limit_hint(frequency: str, limit: datetime) -> str:
    if limit.year == LAST_YEAR and frequency not in MAX_PERIODS:
        return f"les dates s'arrêtent en {LAST_YEAR} : réduisez COUNT ou avancez UNTIL"
    kind = "quotidienne" if frequency == "DAILY" else "hebdomadaire"
    return (
        f"une série {kind} ne peut pas s'étendre plus loin : réduisez COUNT ou avancez "
        "UNTIL, ou écrivez la règle avec une fréquence plus longue (FREQ=MONTHLY, YEARLY)"
    )


def _not_an_occurrence(
    event: Event, start: datetime, until: datetime | None, first: datetime | None
) -> Refused:
    if until is not None and until < start:
        return Refused(
            "UNTIL est avant le début de l'événement : la série n'a aucune séance",
            "UNTIL est la date de la dernière séance ; start, celle de la première",
        )
    shown = _shown(event, start)
    if first is None:
        return Refused(
            f"la règle ne donne aucune séance à partir du début ({shown})",
            "vérifiez la règle : " + RULE_EXAMPLE,
        )
    return Refused(
        f"le début ({shown}) n'est pas une séance de la règle ; la première serait le "
        f"{_shown(event, first)}",
        "start doit être la première séance elle-même : pour « chaque premier jeudi » "
        "(BYDAY=1TH), un premier jeudi",
    )


def _shown(event: Event, local: datetime) -> str:
    return f"{local:%d/%m/%Y %H:%M}" if isinstance(event.start, datetime) else f"{local:%d/%m/%Y}"


def check_occurrence(
    event: Event,
    local: datetime,
    is_start: bool,
    lengths: tuple[timedelta, timedelta] | None,
    excluded: bool,
) -> None:
    """One occurrence of a timed series, lasting `lengths` (in exact time, on the wall
    clock): its start exists once in its zone, and unless it is excluded, it does not span
    a change of offset, where engines that add the duration differently part (F2, F3)."""
    zone = event.timezone
    first, second = local.replace(tzinfo=zone), local.replace(tzinfo=zone, fold=1)
    when = f"{local:%d/%m/%Y} à {local:%H:%M}"
    stop = "ou arrêtez la série avant cette date (COUNT ou UNTIL)"
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local:
        raise Refused(
            f"la séance du {when} n'existe pas à {zone.key} (passage à l'heure d'été)",
            f"les agendas la placeraient chacun à une heure différente : changez l'heure, {stop}",
        )
    if first.utcoffset() != second.utcoffset():
        subject = "le début" if is_start else "la séance"
        raise Refused(
            f"{subject} du {when} tombe dans l'heure qui se répète à {zone.key} "
            "(passage à l'heure d'hiver)",
            "un événement répété ne peut pas commencer dans cette heure : les agendas ne la "
            f"liraient pas tous de la même façon ; changez l'heure, {stop}",
        )
    if excluded or lengths is None:
        return
    exact, wall = lengths
    end = (first.astimezone(UTC) + exact).astimezone(zone)
    if end.utcoffset() != first.utcoffset():
        change = (
            "été"
            if (end.utcoffset() or timedelta()) > (first.utcoffset() or timedelta())
            else "hiver"
        )
        exclude = f"excluez cette séance (exdates: [{local:%Y-%m-%d}]), " if not is_start else ""
        raise Refused(
            f"la séance {_span_text(local, local + wall)} chevauche le passage à l'heure "
            f"d'{change}",
            "les agendas ne calculeraient pas tous la même heure de fin : "
            f"{exclude}changez les horaires, {stop}",
        )


def _span_text(start: datetime, end: datetime) -> str:
    """« du 27/03/2027 à 22:00 au 28/03/2027 à 04:00 », « du 28/03/2027 de 01:30 à 02:30 »."""
    if start.date() == end.date():
        return f"du {start:%d/%m/%Y} de {start:%H:%M} à {end:%H:%M}"
    return f"du {start:%d/%m/%Y} à {start:%H:%M} au {end:%d/%m/%Y} à {end:%H:%M}"
