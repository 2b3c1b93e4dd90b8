"""Name normalisation shared by the gazetteer and the recogniser, and the small data tables we ship.

A place name is matched on a key that ignores case, accents, dots, hyphens and apostrophes and spells out
the usual abbreviations ("St." -> saint), so "ST. LOUIS", "St Louis" and "Saint-Louis" meet on one key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import DictionaryError
from ..text import strip_accents

DATA_PACKAGE = "eventwire.data.geo"
DATA_FILES = (
    "country_aliases.tsv",
    "demonyms.tsv",
    "not_places.tsv",
    "place_aliases.tsv",
    "regions.tsv",
    "state_abbreviations.tsv",
)

_PUNCT = str.maketrans(
    {
        "’": "",
        "‘": "",
        "'": "",
        "`": "",
        "ʻ": "",
        "ʼ": "",
        ".": " ",
        ",": " ",
        "-": " ",
        "‐": " ",
        "–": " ",
        "—": " ",
        "/": " ",
        "(": " ",
        ")": " ",
        "ı": "i",
        "ə": "e",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
    }
)
_WORDS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "mtn": "mountain"}


@lru_cache(maxsize=200_000)
def normalize(name: str) -> str:
    """The matching key of a name: casefolded, accents and punctuation removed, abbreviations spelled out."""
    words = strip_accents(name).casefold().translate(_PUNCT).split()
    return " ".join(_WORDS.get(w, w) for w in words)


def word_set(words: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (for readable constant tables)."""
    return frozenset(words.split())


def data_checksum() -> str:
    """A checksum of our geo data files: the gazetteer index is rebuilt when they change."""
    h = hashlib.sha256()
    for name in DATA_FILES:
        h.update(name.encode())
        h.update(resources.files(DATA_PACKAGE).joinpath(name).read_bytes())
    return h.hexdigest()[:16]


def read_table(name: str) -> Iterator[tuple[str, list[str]]]:
    """Rows of one of our TSV files as ``(where, fields)``, skipping ``#`` comments and the header row."""
    text = resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    header_seen = False
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            continue
        yield f"{Path(name).name}:{lineno}", line.split("\t")


def demonym_table() -> dict[str, str]:
    """Normalised demonym (singular and plural) -> the place name it refers to."""
    out: dict[str, str] = {}
    for where, row in read_table("demonyms.tsv"):
        if len(row) < 2 or not row[0] or not row[1]:
            raise DictionaryError(f"{where}: expected 'demonym<TAB>place'")
        word, place = row[0].strip(), row[1].strip()
        out[normalize(word)] = place
        if not word.endswith(("ese", "ss", "sh", "ch", "s")):
            out.setdefault(normalize(word + "s"), place)
    return out


def not_place_words() -> frozenset[str]:
    """Normalised words never read as a place from the gazetteer alone."""
    return frozenset(normalize(row[0]) for _, row in read_table("not_places.tsv") if row and row[0].strip())
