"""`nftsite import`: read each source, write one event file per source event, report.

The rules (docs/guide-contenu.md, « Importer les agendas partenaires »): a file is found again
by its `source:` block and rewritten only while it is exactly what the importer wrote; an
upcoming event gone from its source becomes `status: cancelled`, never deleted; a past one is
left alone; an event past or cancelled at its first import gets no file. Every file is checked
by the build's own reader before it is written: a file the build would refuse is not written,
and its problems are reported."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from nftsite.content.config import load_site_config
from nftsite.content.entries import load_entry
from nftsite.content.kinds import kind_named
from nftsite.content.sources import SourceFile
from nftsite.core.folders import CONTENT_FOLDER, CONTENT_SUFFIX
from nftsite.core.problems import Position, Problems, SourceReporter, suggestion_hint
from nftsite.core.slugs import shorten_slug, slugify
from nftsite.model.models import Event, SiteConfig
from nftsite.model.recurrence import next_end
from nftsite.partners import files as f
from nftsite.partners.config import SOURCES_FILE, SourceConfig, load_sources
from nftsite.partners.duplicates import find_duplicates
from nftsite.partners.fetch import fetch_ics, fetch_openagenda_page
from nftsite.partners.ics import FeedError, read_ics
from nftsite.partners.mapping import render_event
from nftsite.partners.openagenda import read_openagenda
from nftsite.partners.record import SourceEvent, Unreadable
from nftsite.partners.report import KEPT_EDITED, KEPT_FROZEN, KEPT_WITHDRAWN, ImportReport

EVENTS = kind_named("event").folder
PLACES = kind_named("place").folder


def import_sources(root: Path, names: Sequence[str], now: datetime) -> ImportReport:
    """Import the named sources (all when none is named) into content/events/<source>/."""
    report = ImportReport()
    content_root = root / CONTENT_FOLDER
    config = load_site_config(content_root, root, report.problems)
    if config is None:
        return report
    sources = load_sources(content_root, root, config, report.problems)
    if report.problems.has_errors():
        return report
    known = {source.name: source for source in sources}
    for name in names:
        if name not in known:
            SourceReporter(f"{CONTENT_FOLDER}/{SOURCES_FILE}", "", report.problems).error(
                Position(),
                "",
                f"agenda inconnu : « {name} »",
                suggestion_hint(name, known, kind="agendas"),
            )
    if report.problems.has_errors():
        return report
    run = _Run(root, config, now, report)
    report.attempted = True
    for source in sources:
        if not names or source.name in names:
            run.import_source(source)
    places = {
        file.slug: str(file.fields.get("city", "")) for file in f.event_files(content_root / PLACES)
    }
    files = f.event_files(content_root / EVENTS)
    report.duplicates = find_duplicates(files, places, root)
    _describe(report, files, root)
    return report


def _describe(report: ImportReport, files: list[f.EventFile], root: Path) -> None:
    """Titles and uids of the files the report names, for the pull request's description."""
    named = set(report.new + report.updated + report.cancelled)
    named |= {path for path, _ in report.kept}
    duplicates = {path for pair in report.duplicates for path in pair}
    for file in files:
        shown = file.path.relative_to(root).as_posix()
        if shown in named | duplicates:
            report.titles[shown] = str(file.fields.get("title", ""))
        if shown in duplicates and file.fields.get("uid"):
            report.uids[shown] = str(file.fields["uid"])


class _Run:
    def __init__(self, root: Path, config: SiteConfig, now: datetime, report: ImportReport):
        self.root = root
        self.content_root = root / CONTENT_FOLDER
        self.config = config
        self.now = now
        self.report = report
        existing = f.event_files(self.content_root / EVENTS)
        self.slugs = {file.slug for file in existing}
        self.by_origin = {file.origin: file for file in existing if file.origin is not None}

    def shown(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def read(self, source: SourceConfig) -> list[SourceEvent | Unreadable] | None:
        try:
            if source.kind == "ics":
                return read_ics(fetch_ics(source, self.root), source.timezone, self.config.timezone)
            return read_openagenda(
                lambda after: fetch_openagenda_page(source, self.root, after),
                self.config.timezone,
            )
        except FeedError as error:
            SourceReporter(f"{CONTENT_FOLDER}/{SOURCES_FILE}", "", self.report.problems).error(
                Position(),
                "",
                f"agenda « {source.name} » non importé : {error}",
                "rien n'a été modifié pour cet agenda ; réessayez plus tard, ou vérifiez "
                "son adresse",
            )
            return None

    def import_source(self, source: SourceConfig) -> None:
        records = self.read(source)
        if records is None:
            return  # nothing read: nothing may be taken as withdrawn
        seen: set[str] = set()
        for record in records:
            if isinstance(record, Unreadable):
                self.unreadable(source, record)
                seen.update(
                    uid
                    for (name, uid) in self.by_origin
                    if name == source.name
                    and (uid == record.uid or uid.startswith(record.uid + "#"))
                )
                continue
            if record.withdrawn or record.uid in seen:
                continue  # withdrawn: treated as gone from the feed, below; repeated: first wins
            seen.add(record.uid)
            self.import_event(source, record)
        for (name, uid), file in sorted(self.by_origin.items(), key=lambda item: item[0]):
            if name == source.name and uid not in seen:
                self.withdraw(source, file)

    def unreadable(self, source: SourceConfig, record: Unreadable) -> None:
        SourceReporter(f"{CONTENT_FOLDER}/{SOURCES_FILE}", "", self.report.problems).warning(
            Position(),
            "",
            f"agenda « {source.name} » : événement « {record.uid} » illisible, ignoré "
            f"({record.reason})",
            "sa fiche, s'il en a une, reste telle quelle ; signalez-le au partenaire",
        )

    def import_event(self, source: SourceConfig, record: SourceEvent) -> None:
        existing = self.by_origin.get((source.name, record.uid))
        body = render_event(record, source, self.config)
        if existing is None:
            slug = self.new_slug(record)
            path = self.content_root / EVENTS / source.name / f"{slug}{CONTENT_SUFFIX}"
            text = f.compose(source.name, body)
            event = self.check(path, text)
            if event is None:
                return
            if record.status == "cancelled" or next_end(event, self.now) is None:
                self.report.skipped += 1
                return
            self.slugs.add(slug)
            self.write(path, text)
            self.by_origin[(source.name, record.uid)] = f.EventFile(
                path, text, f.front_matter(text)
            )
            self.report.new.append(self.shown(path))
            return
        if not self.owned(existing):
            return
        text = f.compose(source.name, body)
        if text == existing.text:
            self.report.unchanged += 1
            return
        if self.check(existing.path, text) is None:
            return
        self.write(existing.path, text)
        self.report.changes[self.shown(existing.path)] = f.changed_fields(existing.text, text)
        became_cancelled = record.status == "cancelled" and existing.status != "cancelled"
        (self.report.cancelled if became_cancelled else self.report.updated).append(
            self.shown(existing.path)
        )

    def withdraw(self, source: SourceConfig, file: f.EventFile) -> None:
        """Gone from the source: cancelled if still to come, left alone once past."""
        if file.status == "cancelled":
            return
        current = self.check(file.path, file.text, quiet=True)
        if current is None or next_end(current, self.now) is None:
            return  # past (a future-only feed forgets it), or unreadable: left alone
        if file.frozen or not f.untouched(file.text):
            self.report.kept.append((self.shown(file.path), KEPT_WITHDRAWN))
            return
        text = f.compose(source.name, f.with_status(file.text, "cancelled"))
        if self.check(file.path, text) is None:
            return
        self.write(file.path, text)
        self.report.cancelled.append(self.shown(file.path))

    def owned(self, file: f.EventFile) -> bool:
        """The importer may rewrite the file: not frozen, not edited since it wrote it."""
        if file.frozen:
            self.report.kept.append((self.shown(file.path), KEPT_FROZEN))
            return False
        if not f.untouched(file.text):
            self.report.kept.append((self.shown(file.path), KEPT_EDITED))
            return False
        return True

    def new_slug(self, record: SourceEvent) -> str:
        day = record.start.isoformat()[:10]
        base = shorten_slug(slugify(f"{record.title} {day}")) or f"evenement-{day}"
        slug, number = base, 1
        while slug in self.slugs:
            number += 1
            slug = shorten_slug(f"{base}-{number}")
        return slug

    def check(self, path: Path, text: str, quiet: bool = False) -> Event | None:
        """The event as the build would read it; None (problems reported) if refused."""
        own = Problems()
        source = SourceFile("event", path.stem, self.shown(path), text)
        entry = load_entry(source, self.config, self.content_root, own)
        if not quiet:
            self.report.problems.extend(own.items)
        return entry if isinstance(entry, Event) and not own.has_errors() else None

    def write(self, path: Path, text: str) -> None:
        """Written whole or not at all: a half-written file would break the build."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(text, encoding="utf-8", newline="\n")
        os.replace(temporary, path)
