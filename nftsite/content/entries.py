"""Turn each read content file into a typed, frozen entry (stage 2: validate).

Field values come from the schema's parsers; here live the rules that involve several fields
of one entry (an end before its start, a local time that does not exist in its zone).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from nftsite.content.frontmatter import parse_markdown_file
from nftsite.content.kinds import kind_named
from nftsite.content.rule_limits import rule_problem
from nftsite.content.schema import ReadFields, read_fields
from nftsite.content.sources import SourceFile
from nftsite.core.cache import Cache, digest
from nftsite.core.problems import Problem, Problems, SourceReporter
from nftsite.model.models import Entry, Event, SiteConfig, Source, Status

Builder = Callable[[ReadFields, Source, SiteConfig, SourceReporter], Entry | None]


def load_entry(
    source_file: SourceFile, config: SiteConfig, content_root: Path, problems: Problems
) -> Entry | None:
    """Parse one file into its entry, or None when it has errors (all of them reported)."""
    reporter = SourceReporter(source_file.shown_path, source_file.text, problems)
    parsed = parse_markdown_file(source_file.text, reporter)
    if parsed is None:
        return None
    kind = kind_named(source_file.kind)
    result = read_fields(parsed.fields, kind.fields, reporter, content_root)
    if not result.complete:
        return None
    source = Source(
        path=source_file.shown_path,
        slug=source_file.slug,
        full_text=source_file.text,
        body_start=parsed.body_start,
        body_line=parsed.body_line,
        positions=result.positions,
    )
    build = BUILDERS.get(kind.model) or build_simple(kind.model)
    return build(result, source, config, reporter)


def build_event(
    read: ReadFields, source: Source, config: SiteConfig, reporter: SourceReporter
) -> Event | None:
    values = dict(read.values)
    zone: ZoneInfo = values.get("timezone", config.timezone)
    values["timezone"] = zone

    def error(field_name: str, message: str, hint: str = "") -> None:
        reporter.error(source.position(field_name), field_name, message, hint)

    start = values["start"]
    if isinstance(start, time):
        error("start", "le début doit avoir une date", "écrivez 2015-10-01 18:30")
        return None
    start = localize(start, zone, "start", error)
    if start is None:
        return None
    end = values.get("end")
    if isinstance(end, time):  # `end: 21:00` — the same day as the start
        if not isinstance(start, datetime):
            error(
                "end",
                "une heure de fin pour un événement d'une journée entière",
                "donnez aussi une heure de début, ou retirez l'heure de fin",
            )
            return None
        end = datetime.combine(start.date(), end)
    if end is not None:
        end = localize(end, zone, "end", error)
        if end is None:
            return None
    if end is not None and not check_end(start, end, error):
        return None
    values["start"], values["end"] = start, end
    values["status"] = Status(values.get("status", "confirmed"))
    values["exdates"] = localize_exdates(values.get("exdates", ()), start, zone, error)
    if values["exdates"] and "recurrence" not in values:
        error(
            "exdates",
            "des dates exclues pour un événement qui ne se répète pas",
            "ajoutez une règle recurrence, ou retirez exdates",
        )
    if "place" in values and "location" in values:
        error(
            "location",
            "un lieu (place) et une adresse (location) à la fois",
            "gardez place si le lieu a sa fiche, sinon location",
        )
    event = Event(source=source, **values)
    if event.recurrence is not None and not check_recurrence(event, error):
        return None
    return event


def check_recurrence(event: Event, error: Callable[[str, str, str], None]) -> bool:
    """The series must be one every calendar engine reads alike (see recurrence.py)."""
    problem = rule_problem(event)
    if problem is not None:
        error("recurrence", *problem)
        return False
    return True


Moment = date | datetime


def localize(
    moment: Moment, zone: ZoneInfo, field_name: str, error: Callable[[str, str, str], None]
) -> Any:
    """A naive local time made aware in `zone`; a time skipped by a clock change is an error."""
    if not isinstance(moment, datetime):
        return moment
    if moment.tzinfo is not None:
        return moment.astimezone(zone)
    aware = moment.replace(tzinfo=zone)
    round_trip = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != moment:
        error(
            field_name,
            f"{moment:%H:%M} n'existe pas le {moment:%d/%m/%Y} à {zone.key} "
            "(passage à l'heure d'été)",
            f"les horloges passent de {moment:%H}:00 à {moment.hour + 1:02d}:00 : "
            "choisissez une autre heure",
        )
        return None
    return aware


def check_end(start: Moment, end: Moment, error: Callable[[str, str, str], None]) -> bool:
    if isinstance(start, datetime) != isinstance(end, datetime):
        error(
            "end",
            "début et fin ne sont pas de la même forme (l'un a une heure, l'autre non)",
            "écrivez les deux avec une heure (2015-10-01 18:30), ou les deux sans (journée entière)",
        )
        return False
    if end < start:
        error(
            "end",
            "la fin est avant le début",
            "vérifiez la date de fin ; pour une soirée qui finit après minuit, "
            "écrivez la date du lendemain",
        )
        return False
    return True


def localize_exdates(
    exdates: tuple[Moment, ...], start: Moment, zone: ZoneInfo, error: Callable[..., None]
) -> tuple[Moment, ...]:
    """Skipped occurrences in the same form as start; a plain date on a timed event means
    "the occurrence of that day", which is how people write it."""
    result: list[Moment] = []
    for moment in exdates:
        if isinstance(start, datetime):
            if not isinstance(moment, datetime):
                moment = datetime.combine(moment, start.astimezone(zone).timetz())
            moment = localize(moment, zone, "exdates", error)
        elif isinstance(moment, datetime):
            error(
                "exdates",
                "une heure dans les dates exclues d'un événement sur la journée",
                "écrivez seulement les dates : [2027-01-07]",
            )
            continue
        if moment is not None:
            result.append(moment)
    return tuple(result)


def build_simple(model: type) -> Builder:
    def build(
        read: ReadFields, source: Source, config: SiteConfig, reporter: SourceReporter
    ) -> Entry | None:
        return model(source=source, **read.values)  # type: ignore[no-any-return]

    return build


BUILDERS: dict[type, Builder] = {Event: build_event}
"""The models whose rules span several fields; any other is built from its values as read."""


def load_entries(
    sources: list[SourceFile],
    config: SiteConfig,
    content_root: Path,
    media: Mapping[str, object],
    cache: Cache,
    problems: Problems,
) -> list[Entry]:
    """Every file parsed into its entry, reusing the result for files whose text, the site's
    configuration and the list of media files are all unchanged since a previous build."""
    assert config.source is not None
    context = digest(config.source.text, "\n".join(sorted(media)))
    entries = []
    for source in sources:
        key = digest(context, source.kind, source.shown_path, source.text)
        entry, found = cache.get_or_compute(
            "entry", key, partial(_load_alone, source, config, content_root)
        )
        problems.extend(found)
        if entry is not None:
            entries.append(entry)
    return entries


def _load_alone(
    source: SourceFile, config: SiteConfig, content_root: Path
) -> tuple[Entry | None, list[Problem]]:
    own = Problems()
    return load_entry(source, config, content_root, own), own.items
