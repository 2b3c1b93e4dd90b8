"""Actor dictionaries and the fast dictionary matcher.

The dictionary maps phrases ("Azerbaijani", "World Health Organization", "foreign minister") to
:class:`ActorEntry` records: who the phrase names (country, organisation, sector, role) and the CAMEO-style
code. It is built from eventwire's own TSV tables in ``eventwire/data/actors/`` plus any user files
(our TSV or PETRARCH actor/agent dictionaries), later files overriding earlier ones phrase by phrase.

:meth:`ActorDictionary.match` finds every phrase in a parsed spaCy ``Doc`` in one left-to-right pass over
a token trie (longest match first, non-overlapping). It is independent of how spaCy split the text: both the
dictionary phrases and the document are cut into the same "pieces" (runs of letters and digits, single
punctuation marks), so "U.S.", "News.Az", "al-Qaeda" and "U.S.-led" match however the tokenizer split them.
Case follows news usage: a capitalised dictionary word must be capitalised in the text ("Turkey" is not
"turkey"), an all-capitals word must match exactly ("WHO" is not "who", "US" is not "us"), and lowercase
words (sector words such as "minister") match in any case. See docs/actors.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DictionaryError
from ..text import strip_accents

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..config import Config

KINDS = ("country", "igo", "ngo", "mnc", "org", "group", "sector")
NULL_CODE = "---"
BUILTIN_FILES = ("countries.tsv", "organizations.tsv", "sectors.tsv")

# PLOVER sector -> the CAMEO agent code used in ``code`` (where the two differ). PLOVER renamed media to JRN
# and uses MED for health, which CAMEO called HLH; SOC, PRM and PRE have no CAMEO counterpart.
PLOVER_TO_CAMEO_SECTOR: dict[str, str] = {"JRN": "MED", "MED": "HLH", "SOC": "CVL", "PRM": "MIL", "PRE": ""}
# CAMEO agent code -> PLOVER sector, for imported PETRARCH dictionaries (codes not listed map to themselves
# when PLOVER has them, else to no sector).
CAMEO_TO_PLOVER_SECTOR: dict[str, str] = {
    "MED": "JRN",
    "HLH": "MED",
    "INS": "REB",
    "SEP": "REB",
    "HRI": "SOC",
    "NGO": "SOC",
    "DEV": "SOC",
    "ENV": "SOC",
    "CIV": "CVL",
}
_PLOVER_SECTOR_WORDS = (
    "GOV MIL COP JUD LEG SPY PRM REB UAF UNK CRM PTY OPP ELI PRE CVL BUS AGR LAB EDU MED JRN REL REF SOC"
)
PLOVER_SECTORS = frozenset(_PLOVER_SECTOR_WORDS.split())
NONSTATE_COUNTRIES = frozenset({"IGO", "NGO", "MNC", "IMG", "ISM", "UNO", "EUR"})
VIAS = ("name", "alias", "acronym", "adjective", "demonym", "capital", "seat", "territory", "region", "agent")

# Typographic variants folded before matching (all one character to one character, so offsets hold).
_TRANS = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)
_PIECE_RE = re.compile(r"[^\W_]+|[^\w\s]|_")
_TERM = ""  # trie key under which a node stores the phrases that end there (no piece is empty)
_HYPHENS = frozenset({"-", "/"})
_AFFILIATION_PREFIXES = frozenset({"pro", "anti"})
_COUNTRY_KINDS = frozenset({"country"})


def cameo_sector(sector: str | None) -> str:
    """The CAMEO agent code for a PLOVER sector ("JRN" -> "MED", "MED" -> "HLH", "GOV" -> "GOV")."""
    if not sector:
        return ""
    return PLOVER_TO_CAMEO_SECTOR.get(sector, sector)


def plover_sector(cameo: str | None) -> str | None:
    """The PLOVER sector for a CAMEO agent code ("MED" -> "JRN", "HLH" -> "MED"); None if PLOVER lacks it."""
    if not cameo:
        return None
    mapped = CAMEO_TO_PLOVER_SECTOR.get(cameo, cameo)
    return mapped if mapped in PLOVER_SECTORS else None


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """What a dictionary phrase names.

    ``kind`` is one of :data:`KINDS`; ``country`` an ISO alpha-3 or PLOVER non-state code (``IGO``, ``NGO``,
    ``MNC``, ``IMG``); ``sector`` a PLOVER sector; ``org`` a short organisation code (``WHO``); ``role`` a
    role label for sector words ("foreign minister"); ``code`` the CAMEO-style code (``AZE``, ``USAMIL``,
    ``IGOUNOHLHWHO``; ``---`` blocks a phrase); ``via`` how the phrase names the actor (name, acronym,
    adjective, demonym, capital, seat, territory, region, agent); ``source`` the file and line it came from.
    ``valid_from``/``valid_to`` (inclusive) restrict the entry to a period, as PETRARCH date restrictions do.
    """

    name: str
    kind: str
    country: str | None
    sector: str | None
    org: str | None
    role: str | None
    code: str | None
    via: str
    source: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    @property
    def is_null(self) -> bool:
        """A blocking entry: its phrase is matched (so nothing shorter inside it is) and then dropped."""
        return self.code == NULL_CODE

    @property
    def restricted(self) -> bool:
        return self.valid_from is not None or self.valid_to is not None

    def applies(self, on_date: dt.date) -> bool:
        """Whether the entry holds on ``on_date`` (both ends inclusive)."""
        if self.valid_from is not None and on_date < self.valid_from:
            return False
        return not (self.valid_to is not None and on_date > self.valid_to)


@dataclass(frozen=True, slots=True)
class DictMatch:
    """One dictionary phrase found in a document.

    ``start``/``end`` are token indices ``[start, end)`` in the Doc; ``start_char``/``end_char`` are
    character offsets of the phrase itself, which can be narrower than the tokens ("U.S." in "U.S.-led").
    """

    start: int
    end: int
    start_char: int
    end_char: int
    text: str
    entry: ActorEntry


# ----------------------------------------------------------------------------------------------------------
# Phrases: pieces, case patterns, spacing
# ----------------------------------------------------------------------------------------------------------


def _fold(piece: str) -> str:
    """Lowercase, and strip accents from non-ASCII pieces ("Côte" -> "cote")."""
    return strip_accents(piece.lower())


def _case_code(piece: str) -> int:
    """0: any case; 1: must start with a capital; 2: must match exactly.

    Exact: acronyms ("WHO", "US", "MPs") and words with a capital inside ("LeT", "BiH", "AfDB"), whose
    capitalisation is the only thing telling them from ordinary words ("Let").
    """
    if piece == piece.lower():  # no capital: lowercase words, digits, punctuation
        return 0
    core = piece[:-1] if len(piece) > 2 and piece[-1] == "s" else piece
    if sum(ch.isupper() for ch in core) >= 2:
        return 2
    first = next((ch for ch in piece if ch.isalpha()), "")
    return 1 if first.isupper() else 0


@dataclass(frozen=True, slots=True)
class _Phrase:
    """A dictionary phrase cut into pieces, with what the text must look like to match it."""

    keys: tuple[str, ...]
    exact: tuple[str, ...]
    case: tuple[int, ...]
    spaces: tuple[bool, ...]

    @property
    def ident(self) -> tuple[tuple[str, ...], tuple[int, ...], tuple[bool, ...]]:
        return (self.keys, self.case, self.spaces)


def compile_phrase(phrase: str) -> _Phrase | None:
    """Cut ``phrase`` into matching pieces; None when it has no letters or digits."""
    text = phrase.translate(_TRANS).strip()
    found = [(m.group(), m.start(), m.end()) for m in _PIECE_RE.finditer(text)]
    if not any(p[0].isalnum() for p in found):
        return None
    pieces = [p[0] for p in found]
    case = tuple(_case_code(p) for p in pieces)
    spaces = tuple(found[i + 1][1] > found[i][2] for i in range(len(found) - 1))
    return _Phrase(tuple(_fold(p) for p in pieces), tuple(pieces), case, spaces)


_INVARIANT_WORDS = (
    "police people staff personnel media military clergy press public leadership army intelligence "
    "opposition judiciary government society crowd gendarmerie administration cabinet regime "
    "parliament congress senate legislature navy aircraft youth infantry artillery diaspora "
    "population"
)
_INVARIANT_PLURALS = frozenset(_INVARIANT_WORDS.split())
_IRREGULAR_TAILS = (("woman", "women"), ("man", "men"), ("person", "persons"), ("child", "children"))


def plural_forms(phrase: str) -> list[str]:
    """Regular plurals of a role phrase: the head noun, i.e. the word before "of", else the last word.

    "foreign minister" -> "foreign ministers"; "head of state" -> "heads of state"; "policeman" ->
    "policemen"; "spokesperson" -> "spokespersons", "spokespeople". Words that are already plural or
    have no plural ("police", "troops") give nothing.
    """
    words = phrase.split(" ")
    idx = words.index("of") - 1 if "of" in words[1:] else len(words) - 1
    if idx < 0:
        return []
    word = words[idx]
    forms = _plural_word(word)
    return [" ".join([*words[:idx], f, *words[idx + 1 :]]) for f in forms]


def _plural_word(word: str) -> list[str]:
    low = word.lower()
    if not low.isalpha() and not word.isupper():
        return []
    if low in _INVARIANT_PLURALS or (low.endswith("s") and not low.endswith("ss")):
        return []
    if word.isupper() and len(word) >= 2:
        return [word + "s"]
    for tail, plural in _IRREGULAR_TAILS:
        if low.endswith(tail):
            stem = word[: len(word) - len(tail)]
            out = [stem + plural]
            if tail == "person":
                out.append(stem + "people")
            return out
    if low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        return [word[:-1] + "ies"]
    if low.endswith(("ss", "sh", "ch", "x", "z")):
        return [word + "es"]
    return [word + "s"]


# ----------------------------------------------------------------------------------------------------------
# Reading dictionary files
# ----------------------------------------------------------------------------------------------------------

PhraseEntry = tuple[str, ActorEntry]

_COLUMNS = (
    "phrase",
    "name",
    "kind",
    "country",
    "sector",
    "org",
    "role",
    "code",
    "via",
    "valid_from",
    "valid_to",
)
_CODE_RE = re.compile(r"^[A-Z0-9]{2,4}$")


@dataclass(slots=True)
class LoadReport:
    """What reading dictionary files produced besides entries: the lines skipped and why."""

    warnings: list[str] = field(default_factory=list)

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(f"{where}: {message}")


def _is_acronym(phrase: str) -> bool:
    """Every word is in capitals ("WHO", "U.N.", "MPs"): the phrase is an acronym, matched exactly."""
    p = compile_phrase(phrase)
    if p is None:
        return False
    words = [w for w in p.exact if w.isalpha()]
    return bool(words) and all(_upper_share(w) for w in words)


def _upper_share(word: str) -> bool:
    """Mostly capitals ("WHO", "U", "BiH", "MPs"), not a name with an inner capital ("ExxonMobil")."""
    upper = sum(ch.isupper() for ch in word)
    return upper >= 1 and upper >= len(word) - upper


def _parse_date(value: str, where: str, report: LoadReport) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        report.warn(where, f"date {value!r} is not YYYY-MM-DD; ignored")
        return None


def _default_kind(file_kind: str | None, country: str, sector: str, org: str, via: str) -> str:
    if file_kind == "sector":
        return "sector"
    if file_kind is None and sector and not country and not org:
        return "sector"
    if country == "IGO":
        return "igo"
    if country == "NGO":
        return "ngo"
    if country == "MNC":
        return "mnc"
    if country == "IMG":
        return "group"
    if file_kind == "country" and via != "seat":
        return "country"
    return "org" if (org or via == "seat" or file_kind is not None) else "country"


def derive_code(kind: str, country: str | None, sector: str | None) -> str | None:
    """The CAMEO-style code when a table leaves it empty: country + CAMEO agent code ("RUS" + "GOV")."""
    agent = cameo_sector(sector)
    if kind == "sector":
        return agent or None
    return ((country or "") + agent) or None


def parse_tsv(
    text: str, source: str, *, file_kind: str | None = None, report: LoadReport | None = None
) -> list[PhraseEntry]:
    """Read one of our actor TSV tables (header row, ``#`` comments, ``|`` between alternative phrases).

    ``file_kind`` gives the default kind of the rows ("country", "sector", or None to infer it per row).
    Bad rows are skipped with a warning in ``report``; a table without a ``phrase`` column is unusable and
    raises :class:`DictionaryError`.
    """
    report = report if report is not None else LoadReport()
    header: list[str] | None = None
    out: list[PhraseEntry] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if header is None:
            header = [c.lower() for c in cells]
            if "phrase" not in header:
                raise DictionaryError(
                    f"{source}:{lineno}: the first row must be a tab-separated header with a 'phrase' column "
                    f"(known columns: {', '.join(_COLUMNS)})"
                )
            continue
        where = f"{source}:{lineno}"
        row = dict(zip(header, cells, strict=False))
        entry = _row_entry(row, where, file_kind, report)
        if entry is None:
            continue
        phrases = [p.strip() for p in row.get("phrase", "").split("|") if p.strip()]
        keep_via = bool(row.get("via")) or entry.kind == "sector"
        for phrase in phrases:
            out.append((phrase, entry if keep_via else _with_via(entry, phrase)))
            if entry.kind == "sector" and row.get("plural", "").lower() not in ("no", "0", "false"):
                out.extend((form, entry) for form in plural_forms(phrase))
    if header is None:
        raise DictionaryError(
            f"{source}: no header row found; an actor table needs a tab-separated header "
            "with a 'phrase' column"
        )
    return out


def _with_via(entry: ActorEntry, phrase: str) -> ActorEntry:
    via = "acronym" if _is_acronym(phrase) else ("name" if phrase == entry.name else "alias")
    return entry if via == entry.via else replace(entry, via=via)


def _row_entry(
    row: dict[str, str], where: str, file_kind: str | None, report: LoadReport
) -> ActorEntry | None:
    phrases = [p.strip() for p in row.get("phrase", "").split("|") if p.strip()]
    if not phrases:
        report.warn(where, "empty phrase; row skipped")
        return None
    country = row.get("country", "").upper()
    sector = row.get("sector", "").upper()
    org = row.get("org", "")
    code = row.get("code", "")
    via = row.get("via", "").lower()
    if country and country != NULL_CODE and not _CODE_RE.match(country):
        report.warn(where, f"country {country!r} is not a 3-letter code; row skipped")
        return None
    if sector and sector not in PLOVER_SECTORS:
        report.warn(where, f"sector {sector!r} is not a PLOVER sector (e.g. GOV, MIL, REB); row skipped")
        return None
    if via and via not in VIAS:
        report.warn(where, f"via {via!r} is not one of {', '.join(VIAS)}; row skipped")
        return None
    kind = row.get("kind", "").lower() or _default_kind(file_kind, country, sector, org, via)
    if kind not in KINDS:
        report.warn(where, f"kind {kind!r} is not one of {', '.join(KINDS)}; row skipped")
        return None
    if not (country or sector or org or code or row.get("role")):
        report.warn(where, "row names no country, sector, org, role or code; row skipped")
        return None
    name = row.get("name", "") or phrases[0]
    role = row.get("role", "") or (phrases[0].lower() if kind == "sector" else "")
    if not via:
        via = "agent" if kind == "sector" else ("name" if phrases[0] == name else "alias")
    return ActorEntry(
        name=name,
        kind=kind,
        country=country or None,
        sector=sector or None,
        org=org or None,
        role=role or None,
        code=code or derive_code(kind, country, sector),
        via=via,
        source=where,
        valid_from=_parse_date(row.get("valid_from", ""), where, report),
        valid_to=_parse_date(row.get("valid_to", ""), where, report),
    )


@lru_cache(maxsize=8)
def _builtin_entries(name: str) -> tuple[tuple[PhraseEntry, ...], tuple[str, ...]]:
    text = (resources.files("eventwire") / "data" / "actors" / name).read_text(encoding="utf-8")
    kind = {"countries.tsv": "country", "sectors.tsv": "sector"}.get(name)
    report = LoadReport()
    entries = parse_tsv(text, name, file_kind=kind, report=report)
    return tuple(entries), tuple(report.warnings)


def read_text_file(path: Path) -> str:
    """A dictionary file's text, with a clear error for missing, binary or non-UTF-8 files."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise DictionaryError(f"cannot read dictionary {path}: {e.strerror or e}") from e
    if b"\x00" in data[:4096]:
        raise DictionaryError(f"{path} is a binary file, not a dictionary (expected TSV or PETRARCH text)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def looks_like_tsv(text: str) -> bool:
    """True when the first non-comment line is a tab-separated header with a ``phrase`` column."""
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        return "phrase" in [c.strip().lower() for c in line.split("\t")]
    return False


def read_actor_file(path: Path, report: LoadReport, *, agents: bool = False) -> list[PhraseEntry]:
    """Entries of a user dictionary: our TSV (sniffed by its header) or a PETRARCH actor/agent file."""
    from .petrarch import parse_petrarch_actors, parse_petrarch_agents

    text = read_text_file(path)
    source = Path(path).name
    if looks_like_tsv(text):
        return parse_tsv(text, source, file_kind="sector" if agents else None, report=report)
    if agents:
        return parse_petrarch_agents(text, source, report=report)
    return parse_petrarch_actors(text, source, report=report)


# ----------------------------------------------------------------------------------------------------------
# The dictionary and the matcher
# ----------------------------------------------------------------------------------------------------------

_Key = tuple[tuple[str, ...], tuple[int, ...], tuple[bool, ...]]
_Node = dict[str, Any]  # piece -> child node; _TERM -> list[_Variant]


@dataclass(frozen=True, slots=True)
class _Variant:
    """The phrases ending at a trie node that share a case and spacing pattern."""

    phrase: _Phrase
    entries: tuple[ActorEntry, ...]
    sector_only: bool
    specificity: int


def _pick_by_date(entries: Sequence[ActorEntry], on_date: dt.date | None) -> list[ActorEntry]:
    """One entry per actor a phrase can name, chosen by date the way PETRARCH does.

    Entries with the same name are one actor record: on ``on_date`` its first date-restricted entry that
    applies wins (file order), else its unrestricted entry. Without a date the unrestricted entry is used;
    if every entry is restricted, the current one (no end date), else the latest. Different names are
    different senses of the phrase, left for :func:`_disambiguate`.
    """
    if len(entries) == 1 and not entries[0].restricted:
        return [entries[0]]
    records: dict[str, list[ActorEntry]] = {}
    for e in entries:
        records.setdefault(e.name, []).append(e)
    out: list[ActorEntry] = []
    for record in records.values():
        chosen = _record_on(record, on_date)
        if chosen is not None:
            out.append(chosen)
    return out


def _record_on(record: list[ActorEntry], on_date: dt.date | None) -> ActorEntry | None:
    plain = [e for e in record if not e.restricted]
    if on_date is not None:
        for e in record:
            if e.restricted and e.applies(on_date):
                return e
        return plain[0] if plain else None
    if plain:
        return plain[0]
    current = [e for e in record if e.valid_to is None]
    if current:
        return current[-1]
    return max(record, key=lambda e: e.valid_to or dt.date.min)


class ActorDictionary:
    """Phrases -> :class:`ActorEntry`, with a matcher over spaCy documents.

    Build it with :meth:`load` (built-in tables plus the files in a :class:`~eventwire.config.Config`) or
    :meth:`from_files`. ``warnings`` lists the lines of user files that were skipped and why.
    """

    def __init__(
        self, table: dict[_Key, list[ActorEntry]], phrases: dict[_Key, _Phrase], warnings: Iterable[str] = ()
    ) -> None:
        self.warnings: tuple[str, ...] = tuple(warnings)
        self._phrases = phrases
        self._table = table
        self._root: _Node = {}
        for key, entries in table.items():
            phrase = phrases[key]
            node = self._root
            for k in phrase.keys:
                node = node.setdefault(k, {})
            sector_only = all(e.kind == "sector" for e in entries)
            variant = _Variant(phrase, tuple(entries), sector_only, sum(phrase.case))
            variants: list[_Variant] = node.setdefault(_TERM, [])
            variants.append(variant)
            variants.sort(key=lambda v: -v.specificity)

    # -- construction --------------------------------------------------------------------------------------

    @classmethod
    def load(cls, config: Config) -> ActorDictionary:
        """The built-in dictionary extended by ``config.actor_files`` and ``config.agent_files``."""
        return cls.from_files(config.actor_files, config.agent_files)

    @classmethod
    def from_files(
        cls,
        actor_files: Iterable[Path | str] = (),
        agent_files: Iterable[Path | str] = (),
        builtins: bool = True,
    ) -> ActorDictionary:
        """Built-in tables (unless ``builtins=False``), then actor files, then agent files; later files win.

        A phrase defined again in a later file replaces every earlier entry for that phrase (same words,
        capitalisation and spacing). Dictionaries are cached per file list and modification times.
        """
        actors = tuple(str(Path(p)) for p in actor_files)
        agents = tuple(str(Path(p)) for p in agent_files)
        stamps = tuple(_stamp(p) for p in (*actors, *agents))
        return _cached_dictionary(actors, agents, builtins, stamps)

    @classmethod
    def from_entries(
        cls, layers: Iterable[Iterable[PhraseEntry]], warnings: Iterable[str] = ()
    ) -> ActorDictionary:
        """A dictionary from layers of ``(phrase, entry)`` pairs, each layer overriding the ones before."""
        table: dict[_Key, list[ActorEntry]] = {}
        phrases: dict[_Key, _Phrase] = {}
        for layer in layers:
            fresh: dict[_Key, list[ActorEntry]] = {}
            for text, entry in layer:
                phrase = compile_phrase(text)
                if phrase is None:
                    continue
                key = phrase.ident
                phrases.setdefault(key, phrase)
                bucket = fresh.setdefault(key, [])
                if not any(_same_sense(entry, other) for other in bucket):
                    bucket.append(entry)
            table.update(fresh)
        return cls(table, phrases, warnings)

    # -- queries -------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        """Number of distinct phrases (spellings, including generated plurals)."""
        return len(self._table)

    def __iter__(self) -> Iterator[tuple[str, ActorEntry]]:
        """Every (phrase, entry) pair; the phrase is its dictionary spelling."""
        for key, entries in self._table.items():
            text = _render(self._phrases[key])
            for e in entries:
                yield text, e

    def lookup(self, phrase: str) -> list[ActorEntry]:
        """The entries a phrase has, as if it appeared in a text (case rules apply; no date filter)."""
        text = phrase.translate(_TRANS)
        found = [(m.group(), m.start(), m.end()) for m in _PIECE_RE.finditer(text)]
        node = self._root
        for piece, _, _ in found:
            nxt = node.get(_fold(piece))
            if nxt is None:
                return []
            node = nxt
        out: list[ActorEntry] = []
        for v in node.get(_TERM, []):
            if _case_ok(v.phrase, [p[0] for p in found]) and _spacing_ok(
                v.phrase, [p[1] for p in found], [p[2] for p in found], 0
            ):
                out.extend(v.entries)
        return out

    def match(self, doc: Doc, *, on_date: dt.date | None = None) -> list[DictMatch]:
        """All dictionary phrases in ``doc``, left to right, longest first, not overlapping.

        Blocking phrases (code ``---``) are matched and dropped. With ``on_date`` date-restricted entries are
        chosen as PETRARCH does; phrases with several entries are resolved by the rest of the document
        (an acronym whose organisation or country is named elsewhere in the text wins).
        """
        return _Matcher(self, doc, on_date).run()


def _same_sense(a: ActorEntry, b: ActorEntry) -> bool:
    """Two entries that would code a mention identically (a generated plural repeating an explicit one)."""
    return _sense(a) == _sense(b)


def _sense(e: ActorEntry) -> tuple[object, ...]:
    return (e.kind, e.country, e.sector, e.org, e.role, e.code, e.valid_from, e.valid_to)


def _render(phrase: _Phrase) -> str:
    out = [phrase.exact[0]]
    for i, piece in enumerate(phrase.exact[1:]):
        out.append((" " if phrase.spaces[i] else "") + piece)
    return "".join(out)


def _case_ok(phrase: _Phrase, surface: Sequence[str]) -> bool:
    for code, want, got in zip(phrase.case, phrase.exact, surface, strict=False):
        if code == 1:
            if not got[:1].isupper():
                return False
        elif code == 2 and got != want:
            return False
    return True


def _spacing_ok(phrase: _Phrase, starts: Sequence[int], ends: Sequence[int], offset: int) -> bool:
    """Spaces between pieces as in the dictionary ("News.Az" is not "news. Az"); hyphens are lenient."""
    exact = phrase.exact
    for j, spaced in enumerate(phrase.spaces):
        if exact[j] in _HYPHENS or exact[j + 1] in _HYPHENS:
            continue
        if (starts[offset + j + 1] > ends[offset + j]) != spaced:
            return False
    return True


def _stamp(path: str) -> float:
    try:
        return Path(path).stat().st_mtime
    except OSError as e:
        raise DictionaryError(f"cannot read dictionary {path}: {e.strerror or e}") from e


@lru_cache(maxsize=8)
def _cached_dictionary(
    actors: tuple[str, ...], agents: tuple[str, ...], builtins: bool, stamps: tuple[float, ...]
) -> ActorDictionary:
    del stamps  # part of the cache key only
    layers: list[Sequence[PhraseEntry]] = []
    warnings: list[str] = []
    if builtins:
        for name in BUILTIN_FILES:
            entries, notes = _builtin_entries(name)
            layers.append(entries)
            warnings.extend(notes)
    report = LoadReport()
    for path in actors:
        layers.append(read_actor_file(Path(path), report))
    for path in agents:
        layers.append(read_actor_file(Path(path), report, agents=True))
    warnings.extend(report.warnings)
    return ActorDictionary.from_entries(layers, warnings)


class _Matcher:
    """One pass of :meth:`ActorDictionary.match` over one document."""

    __slots__ = (
        "dictionary",
        "doc",
        "ends",
        "keys",
        "on_date",
        "persons",
        "starts",
        "tagged",
        "text",
        "toks",
    )

    def __init__(self, dictionary: ActorDictionary, doc: Doc, on_date: dt.date | None) -> None:
        self.dictionary = dictionary
        self.doc = doc
        self.on_date = on_date
        self.text: str = doc.text
        self.tagged: bool | None = None
        self.persons: list[tuple[int, int]] | None = None
        keys: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        toks: list[int] = []
        for i, t in enumerate(doc):
            s = t.text
            idx = t.idx
            if s.isalnum():
                keys.append(s.lower() if s.isascii() else _fold(s))
                starts.append(idx)
                ends.append(idx + len(s))
                toks.append(i)
            elif len(s) == 1:
                if not s.isspace():
                    keys.append(s.translate(_TRANS))
                    starts.append(idx)
                    ends.append(idx + 1)
                    toks.append(i)
            elif not s.isspace():
                for m in _PIECE_RE.finditer(s.translate(_TRANS)):
                    keys.append(_fold(m.group()))
                    starts.append(idx + m.start())
                    ends.append(idx + m.end())
                    toks.append(i)
        self.keys = keys
        self.starts = starts
        self.ends = ends
        self.toks = toks

    def run(self) -> list[DictMatch]:
        keys = self.keys
        n = len(keys)
        root = self.dictionary._root
        found: list[tuple[int, int, list[ActorEntry]]] = []
        p = 0
        while p < n:
            key = keys[p]
            node = root.get(key)
            lemma_used = False
            if node is None:
                # Only plural-looking words can step by lemma; test that inline (most tokens miss here).
                node = self._lemma_node(root, p) if len(key) > 3 and key[-1] == "s" else None
                if node is None:
                    p += 1
                    continue
                lemma_used = True
            cands: list[tuple[int, list[_Variant], bool]] = []
            q = p
            while True:
                term = node.get(_TERM)
                if term is not None:
                    cands.append((q + 1, term, lemma_used))
                q += 1
                if q >= n:
                    break
                nxt = node.get(keys[q])
                if nxt is None:
                    nxt = self._lemma_node(node, q)
                    if nxt is None:
                        break
                    lemma_used = True
                node = nxt
            chosen = None
            for endp, variants, via_lemma in reversed(cands):
                chosen = self._choose(p, endp, variants, via_lemma)
                if chosen is not None:
                    found.append((p, endp, chosen))
                    p = endp
                    break
            if chosen is None:
                p += 1
        return self._finish(found)

    def _lemma_node(self, node: _Node, q: int) -> _Node | None:
        """Sector words in an inflection the tables lack: step by the token's lemma ("ministries")."""
        key = self.keys[q]
        if len(key) <= 3 or not key.endswith("s") or not key.isalpha():
            return None
        tok = self.doc[self.toks[q]]
        if len(tok.text) != len(key):
            return None
        lemma = tok.lemma_.lower()
        if not lemma or lemma == key:
            return None
        nxt: _Node | None = node.get(lemma)
        return nxt

    def _choose(
        self, p: int, endp: int, variants: list[_Variant], via_lemma: bool
    ) -> list[ActorEntry] | None:
        surface = [self.text[self.starts[k] : self.ends[k]] for k in range(p, endp)]
        for v in variants:
            if via_lemma and not v.sector_only:
                continue
            if not _case_ok(v.phrase, surface) or not _spacing_ok(v.phrase, self.starts, self.ends, p):
                continue
            entries = _pick_by_date(v.entries, self.on_date)
            if not entries:
                continue
            if entries[0].is_null:
                return entries
            if v.sector_only:
                if not self._is_noun(self.toks[endp - 1]):
                    continue
            elif (
                entries[0].via not in ("adjective", "demonym")
                and self._inside_person(self.toks[p], self.toks[endp - 1] + 1)
            ) or (entries[0].kind in _COUNTRY_KINDS and self._affiliation(p)):
                continue
            return entries
        return None

    def _is_noun(self, i: int) -> bool:
        if self.tagged is None:
            self.tagged = self.doc.has_annotation("TAG")
        if not self.tagged:
            return True
        return self.doc[i].tag_.startswith("NN")

    def _inside_person(self, start: int, end: int) -> bool:
        """The tokens are part of a longer PERSON name ("Michael Jordan", "George Washington").

        Adjectives and demonyms are exempt: NER often tags "Bosnian Serbs" as a PERSON, and no name is
        made of them.
        """
        if self.persons is None:
            self.persons = [(e.start, e.end) for e in self.doc.ents if e.label_ == "PERSON"]
        return any(s <= start and end <= e and (s < start or e > end) for s, e in self.persons)

    def _affiliation(self, p: int) -> bool:
        """A country after "pro-" or "anti-" states an alignment, not who the actor is ("pro-Russian")."""
        return p >= 2 and self.keys[p - 1] == "-" and self.keys[p - 2] in _AFFILIATION_PREFIXES

    def _finish(self, found: list[tuple[int, int, list[ActorEntry]]]) -> list[DictMatch]:
        ambiguous = any(len(entries) > 1 for _, _, entries in found)
        cues: tuple[set[str], set[str], set[str]] | None = None
        if ambiguous:
            cues = _context_cues(entries[0] for _, _, entries in found if len(entries) == 1)
        out: list[DictMatch] = []
        for p, endp, entries in found:
            entry = entries[0] if len(entries) == 1 or cues is None else _disambiguate(entries, cues)
            if entry.is_null:
                continue
            sc = self.starts[p]
            ec = self.ends[endp - 1]
            out.append(DictMatch(self.toks[p], self.toks[endp - 1] + 1, sc, ec, self.text[sc:ec], entry))
        return out


def _context_cues(entries: Iterable[ActorEntry]) -> tuple[set[str], set[str], set[str]]:
    names: set[str] = set()
    countries: set[str] = set()
    sectors: set[str] = set()
    for e in entries:
        if e.is_null:
            continue
        names.add(e.name)
        if e.country and e.country not in NONSTATE_COUNTRIES:
            countries.add(e.country)
        if e.sector:
            sectors.add(e.sector)
    return names, countries, sectors


def _disambiguate(entries: list[ActorEntry], cues: tuple[set[str], set[str], set[str]]) -> ActorEntry:
    """One sense per document: prefer the entry whose name, else country, else sector occurs elsewhere."""
    names, countries, sectors = cues

    def score(e: ActorEntry) -> int:
        if e.name in names:
            return 3
        if e.country and e.country in countries:
            return 2
        return 1 if e.sector and e.sector in sectors else 0

    best = max(range(len(entries)), key=lambda i: (score(entries[i]), -i))
    return entries[best]


def write_tsv(pairs: Iterable[PhraseEntry], path: Path, *, header_comment: str = "") -> int:
    """Write ``(phrase, entry)`` pairs as one of our actor TSV tables; returns the number of rows."""
    cols = _COLUMNS
    n = 0
    with Path(path).open("w", encoding="utf-8") as f:
        for line in header_comment.splitlines():
            f.write(f"# {line}\n")
        f.write("\t".join(cols) + "\n")
        for phrase, e in pairs:
            values = (
                phrase,
                e.name,
                e.kind,
                e.country,
                e.sector,
                e.org,
                e.role,
                e.code,
                e.via,
                e.valid_from.isoformat() if e.valid_from else "",
                e.valid_to.isoformat() if e.valid_to else "",
            )
            f.write("\t".join(_clean_cell(v) for v in values) + "\n")
            n += 1
    return n


def _clean_cell(value: object) -> str:
    return "" if value is None else str(value).replace("\t", " ").replace("\n", " ")
