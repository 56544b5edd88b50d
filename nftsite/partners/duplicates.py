"""Candidate duplicates across sources: the same day, the same city, a similar title.

They are listed for the comms team, never merged: a person decides, and writes
`duplicate_of: <uid>` in the file to hide (docs/guide-contenu.md)."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from nftsite.partners.files import EventFile
from nftsite.partners.mapping import fold

STOP_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "l",
        "de",
        "du",
        "des",
        "d",
        "un",
        "une",
        "et",
        "a",
        "au",
        "aux",
        "en",
        "pour",
        "sur",
        "avec",
        "the",
        "of",
        "and",
    ]
)
SIMILAR = 0.8


def normalised_title(title: str) -> str:
    """Lower case, no accents, punctuation, years or small words: what two agendas share."""
    words = re.sub(r"[’']", " ", fold(title.replace("'", " "))).split()
    return " ".join(w for w in words if w not in STOP_WORDS and not re.fullmatch(r"\d{4}", w))


def similar(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if difflib.SequenceMatcher(None, a, b).ratio() >= SIMILAR:
        return True
    small, large = sorted((set(a.split()), set(b.split())), key=len)
    return len(small) >= 2 and small <= large


def find_duplicates(
    files: list[EventFile], place_cities: dict[str, str], root: Path
) -> list[tuple[str, str]]:
    """Pairs of file paths (as strings, sorted) that may be the same event from two sources;
    at least one of the two is imported. A file already marked `duplicate_of` is left out."""
    groups: dict[tuple[str, str], list[EventFile]] = defaultdict(list)
    for file in files:
        fields = file.fields
        if fields.get("duplicate_of") or not isinstance(fields.get("title"), str):
            continue
        city = str(fields.get("city") or place_cities.get(str(fields.get("place")), ""))
        day = str(fields.get("start", ""))[:10]
        if city and day:
            groups[(day, city)].append(file)
    pairs: list[tuple[str, str]] = []
    for group in groups.values():
        for one, other in combinations(group, 2):
            names = (one.origin or ("",))[0], (other.origin or ("",))[0]
            if names[0] == names[1] or not any(names):
                continue  # same source (or two hand-written files): not this list's business
            if similar(
                normalised_title(one.fields["title"]), normalised_title(other.fields["title"])
            ):
                shown = sorted(p.relative_to(root).as_posix() for p in (one.path, other.path))
                pairs.append((shown[0], shown[1]))
    return sorted(set(pairs))
