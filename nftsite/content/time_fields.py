"""Field parsers for time: dates, local date-times, offsets, time zones and RRULEs.

The comms team writes `2015-10-01`, `2015-10-01 18:30` or `18h30`; impossible dates and
hours are reported with the right form as a hint. Turning a local time into an instant (and
refusing one skipped by a clock change) is the entry builder's job, once the zone is known.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import cache

import yaml

from nftsite.content.fields import FieldContext, Moment, parse_list_of, scalar_text
from nftsite.core.problems import did_you_mean

_MOMENT = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"(?:[ T](?P<hour>\d{1,2})[:h](?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"\s*(?P<offset>Z|[+-]\d{2}:?\d{2})?)?$"
)
_BARE_TIME = re.compile(r"^(?P<hour>\d{1,2})[:h](?P<minute>\d{2})$")
_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(.*)$")
MOMENT_HINT = "écrivez 2015-10-01 (journée entière) ou 2015-10-01 18:30 (heure locale)"
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
    "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def parse_moment(ctx: FieldContext, allow_bare_time: bool = False) -> Moment | None:
    text = scalar_text(ctx)
    if text is None:
        return None
    return read_moment(ctx, text, ctx.node, allow_bare_time)


def parse_end_moment(ctx: FieldContext) -> Moment | None:
    return parse_moment(ctx, allow_bare_time=True)


def parse_date(ctx: FieldContext) -> date | None:
    moment = parse_moment(ctx)
    if moment is None:
        return None
    if isinstance(moment, datetime):
        ctx.error("une date sans heure est attendue", "écrivez seulement la date : 2015-06-25")
        return None
    assert isinstance(moment, date)
    return moment


def read_moment(
    ctx: FieldContext, text: str, node: yaml.Node, allow_bare_time: bool = False
) -> Moment | None:
    """Read a date or date-time as the comms team writes it, reporting impossible values."""
    match = _MOMENT.match(text)
    if match is None:
        bare = _BARE_TIME.match(text)
        if bare and allow_bare_time:
            return _make_time(ctx, int(bare["hour"]), int(bare["minute"]), node)
        ctx.error(f"« {text} » n'est pas une date lisible", _moment_hint(text), node)
        return None
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if not check_year(ctx, year, node):
        return None
    try:
        day_value = date(year, month, day)
    except ValueError:
        ctx.error(f"date impossible : « {text} »", _impossible_hint(year, month, day), node)
        return None
    if match["hour"] is None:
        return day_value
    clock = _make_time(ctx, int(match["hour"]), int(match["minute"]), node, match["second"])
    if clock is None:
        return None
    moment = datetime.combine(day_value, clock)
    if match["offset"]:
        offset = _offset(ctx, match["offset"], node)
        return None if offset is None else moment.replace(tzinfo=offset)
    return moment


FIRST_YEAR, LAST_YEAR = 1970, 2199
"""The years a date may fall in: the site's archive starts in 2014, and every calendar
engine, feed reader and date library reads this span the same way (and can add a day or a
year to it without overflowing)."""
MAX_OFFSET = timedelta(hours=14)
"""The largest offset from universal time any place on Earth uses (Kiribati, UTC+14)."""


def check_year(ctx: FieldContext, year: int, node: yaml.Node) -> bool:
    if FIRST_YEAR <= year <= LAST_YEAR:
        return True
    ctx.error(
        f"année hors limites : {year} (de {FIRST_YEAR} à {LAST_YEAR})",
        f"écrivez une année entre {FIRST_YEAR} et {LAST_YEAR}, l'année en premier : 2015-10-01",
        node,
    )
    return False


def _make_time(
    ctx: FieldContext, hour: int, minute: int, node: yaml.Node, second: str | None = None
) -> time | None:
    try:
        return time(hour, minute, int(second or 0))
    except ValueError:
        ctx.error(
            f"heure impossible : {hour}:{minute:02d}",
            "les heures vont de 00:00 à 23:59 ; pour minuit en fin d'événement, "
            "écrivez le lendemain à 00:00",
            node,
        )
        return None


def _offset(ctx: FieldContext, text: str, node: yaml.Node) -> timezone | None:
    """`Z`, `+02:00`, `-0530`: within ±14:00, minutes below 60."""
    if text == "Z":
        return UTC
    sign = 1 if text[0] == "+" else -1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    offset = timedelta(hours=hours, minutes=minutes)
    if minutes >= 60 or offset > MAX_OFFSET:
        ctx.error(
            f"décalage horaire impossible : {text}",
            "un décalage va de -14:00 à +14:00 ; le plus simple est d'écrire l'heure locale "
            "sans décalage (2015-10-01 18:30), avec timezone si le lieu n'est pas à Paris",
            node,
        )
        return None
    return timezone(sign * offset)


def _moment_hint(text: str) -> str:
    french = _FRENCH_DATE.match(text)
    if french:
        day, month, year = (int(part) for part in french.groups()[:3])
        rest = french.group(4).strip()
        return f"écrivez l'année en premier : « {year}-{month:02d}-{day:02d}{' ' + rest if rest else ''} »"
    return MOMENT_HINT


def _impossible_hint(year: int, month: int, day: int) -> str:
    if not 1 <= month <= 12:
        return "le mois va de 01 à 12, et s'écrit après l'année : 2015-10-01"
    return f"{MONTHS[month - 1]} {year} n'a pas de {day} ; vérifiez le jour"


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def parse_timezone(ctx: FieldContext) -> zoneinfo.ZoneInfo | None:
    text = scalar_text(ctx)
    if text is None:
        return None
    if text in known_timezones():
        return zoneinfo.ZoneInfo(text)
    guess = did_you_mean(text, known_timezones())
    hint = f"vouliez-vous dire « {guess} » ?" if guess else "un nom IANA, par exemple Europe/Paris"
    ctx.error(f"fuseau horaire inconnu : « {text} »", hint)
    return None


def parse_rrule(ctx: FieldContext) -> str | None:
    """An RFC 5545 RRULE, checked by icalendar's own parser so the feeds can carry it."""
    from icalendar.prop import vRecur

    text = scalar_text(ctx)
    if text is None:
        return None
    text = text.removeprefix("RRULE:")
    hint = "par exemple FREQ=MONTHLY;BYDAY=1TH;COUNT=10 (le premier jeudi du mois, 10 fois)"
    try:
        rule = vRecur.from_ical(text)
    except (ValueError, TypeError) as error:
        ctx.error(f"règle de répétition illisible ({error})", hint)
        return None
    if "FREQ" not in rule:
        ctx.error("la règle de répétition doit dire FREQ (DAILY, WEEKLY, MONTHLY, YEARLY)", hint)
        return None
    if "COUNT" in rule and "UNTIL" in rule:
        ctx.error("COUNT et UNTIL ne peuvent pas être utilisés ensemble", "gardez l'un des deux")
        return None
    if not all(check_year(ctx, until.year, ctx.node) for until in rule.get("UNTIL", ())):
        return None
    return text


parse_moment_list = parse_list_of(read_moment)
"""`exdates`: dates or date-times, as `start` is written."""
