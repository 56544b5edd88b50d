"""French dates and times, worded from Babel's CLDR data, never from the machine's locale.

"jeudi 1er octobre 2015 à 18 h 30", "du 1er au 3 décembre 2026": the ordinal "1er" and the
"18 h 30" clock are French typographic conventions that CLDR patterns do not carry.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, get_timezone_location

NBSP = "\u00a0"


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def day_number(day: date) -> str:
    return "1er" if day.day == 1 else str(day.day)


def month_name(day: date, language: str = "fr") -> str:
    return format_date(day, "MMMM", locale=_locale(language))


def weekday_name(day: date, language: str = "fr") -> str:
    return format_date(day, "EEEE", locale=_locale(language))


def format_day(day: date, language: str = "fr", weekday: bool = True) -> str:
    """'jeudi 1er octobre 2015'."""
    text = f"{day_number(day)} {month_name(day, language)} {day.year}"
    return f"{weekday_name(day, language)} {text}" if weekday else text


def format_month(day: date, language: str = "fr") -> str:
    """'octobre 2015'."""
    return f"{month_name(day, language)} {day.year}"


def format_clock(moment: datetime) -> str:
    """'18 h 30', '9 h' — with non-breaking spaces so the time never wraps."""
    hours = f"{moment.hour}{NBSP}h"
    return hours if moment.minute == 0 else f"{hours}{NBSP}{moment.minute:02d}"


def format_day_range(first: date, last: date, language: str = "fr") -> str:
    """'du 1er au 3 décembre 2026', 'du 30 novembre au 2 décembre 2026', across years too."""
    if first == last:
        return format_day(first, language)
    if first.year != last.year:
        start = format_day(first, language, weekday=False)
    elif first.month != last.month:
        start = f"{day_number(first)} {month_name(first, language)}"
    else:
        start = day_number(first)
    return f"du {start} au {format_day(last, language, weekday=False)}"


def format_span(start: datetime, end: datetime | None, language: str = "fr") -> str:
    """A timed span in its own zone: 'jeudi 1er octobre 2015 de 18 h 30 à 21 h'."""
    day = format_day(start.date(), language)
    if end is None or end == start:
        return f"{day} à {format_clock(start)}"
    if end.date() == start.date():
        return f"{day} de {format_clock(start)} à {format_clock(end)}"
    return (
        f"du {day} à {format_clock(start)} "
        f"au {format_day(end.date(), language)} à {format_clock(end)}"
    )


def zone_label(zone: ZoneInfo, language: str = "fr") -> str:
    """'heure de Los Angeles', for an event held outside the site's own zone."""
    city = get_timezone_location(zone, locale=_locale(language), return_city=True)
    return f"heure de {city}"
