"""The `source:` block `nftsite import` writes on a partner's event (docs/guide-contenu.md).

It names the partner's agenda and the event's identity there, so that the next import finds
the same file; the build reads it like any field, with a French problem for a bad value.
"""

from __future__ import annotations

from datetime import date, datetime

from nftsite.content import fields as f
from nftsite.content.time_fields import read_moment
from nftsite.model.models import ImportOrigin

ORIGIN_KEYS = ("name", "uid", "url", "updated", "attribution", "licence")
ORIGIN_HINT = "écrit par nftsite import : name, uid, url, updated, attribution, licence"


def parse_origin(ctx: f.FieldContext) -> ImportOrigin | None:
    """`source: {name: la-cantine, uid: …, url: …, updated: …}` -> ImportOrigin."""
    nodes = f.mapping_of(ctx)
    if nodes is None:
        return None
    values: dict[str, str | date | datetime | None] = {}
    complete = True
    for key, node in nodes.items():
        sub = ctx.child(key, node)
        if key not in ORIGIN_KEYS:
            sub.error(f"« {key} » inconnu dans source", ORIGIN_HINT)
            complete = False
            continue
        if key == "name":
            value: str | date | datetime | None = f.parse_slug(sub)
        elif key == "url":
            value = f.parse_url(sub)
        elif key == "updated":
            text = f.scalar_text(sub)
            moment = None if text is None else read_moment(sub, text, sub.node)
            value = moment if isinstance(moment, date) else None  # datetime is a date
        else:
            value = f.parse_text(sub)
        if value is None:
            complete = False
        values[key] = value
    for key in ("name", "uid"):
        if key not in nodes:
            ctx.error(f"« {key} » manquant dans source", ORIGIN_HINT)
            complete = False
    if not complete:
        return None
    return ImportOrigin(**values)  # type: ignore[arg-type]


_lock = f.parse_choice(("fige",))


def parse_import_lock(ctx: f.FieldContext) -> bool | None:
    """`import: fige`: the file is a person's now, and `nftsite import` leaves it alone."""
    return True if _lock(ctx) == "fige" else None
