"""A dated dictionary of named people: "Putin said" -> RUS GOV, "Tedros" -> IGO WHO.

News often names leaders bare ("Erdogan met Macron"), without the role mention that the document
resolver reads. PETRARCH and ICEWS coded those with large dated people dictionaries; this is ours.
``data/actors/people.tsv`` holds one row per person per office, with the date range of the office, so
"George Bush" in 1990 and in 2005 are different people and "Biden" in 2012 is the vice president.

:meth:`PeopleIndex.load` parses the built-in file (once per process) plus any user files in the same
format, later files overriding earlier ones; :meth:`PeopleIndex.lookup` answers with dictionary hits on
normalised keys. See ``docs/people.md`` for the file format and the alias rules.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import DictionaryError
from ..text import strip_accents

COLUMNS: tuple[str, ...] = (
    "name",
    "aliases",
    "country",
    "sector",
    "role",
    "org",
    "valid_from",
    "valid_to",
    "notes",
)
BUILTIN_NAME = "people.tsv"


def _words(text: str) -> frozenset[str]:
    """A set from a whitespace-separated block of words (keeps long closed lists readable)."""
    return frozenset(text.split())


# ISO 3166-1 alpha-3 (the 249 codes pycountry knows; a test keeps the two equal). Written out so that
# loading the dictionary does not pay pycountry's import.
ISO3_CODES = _words("""
    ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD BGR BHR BHS
    BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD COG COK COL COM CPV
    CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK FRA FRO FSM
    GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY HKG HMD HND HRV HTI HUN IDN IMN
    IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE
    LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS
    MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK
    PRT PRY PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR
    SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY
    USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE
""")
# Country codes that are not ISO 3166 alpha-3: PLOVER/CAMEO non-state codes, and KOS for Kosovo (the
# CAMEO/PLOVER/GDELT code, as in data/actors/countries.tsv).
NONSTATE_CODES = frozenset({"IGO", "NGO", "MNC", "IMG"})
EXTRA_COUNTRY_CODES = frozenset({"KOS"})
COUNTRY_CODES = ISO3_CODES | NONSTATE_CODES | EXTRA_COUNTRY_CODES
# CAMEO/PLOVER sector codes accepted in the sector column (PRE: partially recognised entity, PLOVER).
SECTORS = frozenset(
    {
        "AGR",
        "BUS",
        "COP",
        "CRM",
        "CVL",
        "EDU",
        "ELI",
        "ENV",
        "GOV",
        "HLH",
        "HRI",
        "INS",
        "JUD",
        "LAB",
        "LEG",
        "MED",
        "MIL",
        "MOD",
        "OPP",
        "PRE",
        "PTY",
        "RAD",
        "REB",
        "REF",
        "REL",
        "SEP",
        "SPY",
        "UAF",
    }
)

# Words stripped from the left of a surface when the whole surface is not a key ("President Putin",
# "Indian Foreign Minister Ravi Kumar", "Mr. Modi"). Normalised (lower case, no diacritics).
TITLE_WORDS = _words("""
    president vice prime minister pm premier chancellor king queen prince princess crown emir amir sheikh
    shaikh sultan mr mrs ms miss dr sir dame lord lady gen general lt lieutenant col colonel maj major field
    marshal admiral adm capt captain cmdr commander brig brigadier ayatollah grand supreme leader foreign
    defence defense interior finance secretary state of the former late acting interim transitional deputy
    senator sen rep representative congressman congresswoman mp chairman chairwoman chair chief head speaker
    governor gov mayor opposition pope excellency hon honourable honorable mullah imam comrade senior
    ambassador envoy special director executive spokesman spokeswoman spokesperson judge justice prosecutor
    first un u n nato eu au imf iaea who icc osce ex then incumbent elect designate caretaker military
    junta rebel party army
""")
# Nationality adjectives stripped the same way ("Iranian President Masoud Pezeshkian").
DEMONYMS = _words("""
    afghan albanian algerian american angolan argentine argentinian armenian australian austrian azerbaijani
    azeri bahraini bangladeshi belarusian belgian beninese bolivian bosnian botswanan brazilian british
    bulgarian burkinabe burmese burundian cambodian cameroonian canadian chadian chilean chinese colombian
    congolese croatian cuban cypriot czech danish djiboutian dominican dutch ecuadorian ecuadorean egyptian
    emirati eritrean estonian ethiopian fijian finnish french gabonese gambian georgian german ghanaian
    greek guatemalan guinean haitian honduran hungarian icelandic indian indonesian iranian iraqi irish
    israeli italian ivorian jamaican japanese jordanian kazakh kazakhstani kenyan korean kosovar kuwaiti
    kyrgyz lao laotian latvian lebanese liberian libyan lithuanian luxembourgish macedonian malagasy malawian
    malaysian maldivian malian maltese mauritanian mauritian mexican moldovan mongolian montenegrin moroccan
    mozambican myanmar namibian nepali nepalese nicaraguan nigerian nigerien norwegian omani pakistani
    palestinian panamanian paraguayan peruvian philippine filipino polish portuguese qatari romanian russian
    rwandan salvadoran saudi senegalese serbian singaporean slovak slovenian somali south north sudanese
    spanish sri lankan swedish swiss syrian taiwanese tajik tanzanian thai togolese tunisian turkish turkmen
    ugandan ukrainian uruguayan us u s uk uzbek venezuelan vietnamese yemeni zambian zimbabwean soviet
    kurdish houthi hamas hezbollah taliban
""")
SUFFIX_WORDS = frozenset({"jr", "sr"})

_FOLD = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
        # Apostrophes vanish so that "Sa'ar", "Saar" and "Yar’Adua", "Yaradua" meet.
        "'": None,
        "’": None,
        "‘": None,
        "`": None,
        "´": None,
        "ʼ": None,
        "ʻ": None,
        "ʾ": None,
        "ʿ": None,
    }
)
_NON_WORD = re.compile(r"[\W_]+")
_ORG_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]*")
_POSSESSIVE = re.compile(r"['’]s?\s*$")  # "Putin's", "Putin’s", "Gonsalves'"


@lru_cache(maxsize=65536)
def normalize_name(text: str) -> str:
    """The lookup key of a name: no diacritics, case-folded, punctuation as single spaces.

    "Recep Tayyip Erdoğan" and "recep tayyip erdogan", "Kim Jong-un" and "Kim Jong Un" give one key.
    """
    t = strip_accents(text.translate(_FOLD))
    return " ".join(_NON_WORD.sub(" ", t.casefold()).split())


@dataclass(frozen=True, slots=True)
class PersonEntry:
    """One office of one person: who, coded how, and when the office was held (inclusive, open if None)."""

    name: str
    aliases: tuple[str, ...]
    country: str
    sector: str
    role: str | None
    org: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    source: str

    def covers(self, on_date: dt.date) -> bool:
        """Whether the office was held on ``on_date``."""
        return (self.valid_from is None or self.valid_from <= on_date) and (
            self.valid_to is None or on_date <= self.valid_to
        )

    def distance(self, on_date: dt.date) -> int:
        """Days from ``on_date`` to the office's range (0 when it covers the date)."""
        if self.valid_from is not None and on_date < self.valid_from:
            return (self.valid_from - on_date).days
        if self.valid_to is not None and on_date > self.valid_to:
            return (on_date - self.valid_to).days
        return 0


@dataclass(frozen=True, slots=True)
class _Row:
    """A parsed row: the entry, its person key, its lookup keys and its line (for messages)."""

    entry: PersonEntry
    person: str
    keys: frozenset[str]
    line: int


def _overlap(a: PersonEntry, b: PersonEntry) -> bool:
    """Whether two ranges share more than a boundary day (a handover day is not a conflict)."""
    lo = max(a.valid_from or dt.date.min, b.valid_from or dt.date.min)
    hi = min(a.valid_to or dt.date.max, b.valid_to or dt.date.max)
    return lo < hi


def _parse_date(value: str, column: str, where: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DictionaryError(
            f"{where}: {column} {value!r} is not an ISO date; write YYYY-MM-DD or leave it empty"
        ) from None


def _parse_row(cells: list[str], where: str) -> tuple[PersonEntry, frozenset[str]]:
    """One validated entry and its lookup keys."""
    name, aliases, country, sector, role, org, start, end = (c.strip() for c in cells[:8])
    if not name:
        raise DictionaryError(f"{where}: the name column is empty; every row needs the person's name")
    country = country.upper()
    if country not in COUNTRY_CODES:
        raise DictionaryError(
            f"{where}: country {country!r} is not an ISO 3166 alpha-3 code nor one of "
            f"{', '.join(sorted(NONSTATE_CODES | EXTRA_COUNTRY_CODES))}; fix the country column"
        )
    sector = sector.upper()
    if sector and sector not in SECTORS:
        raise DictionaryError(
            f"{where}: sector {sector!r} is not a known sector code ({', '.join(sorted(SECTORS))})"
        )
    if not sector and country not in NONSTATE_CODES:
        raise DictionaryError(f"{where}: the sector column is empty; give a sector such as GOV, MIL or OPP")
    org = org.upper()
    if country in NONSTATE_CODES and not org:
        raise DictionaryError(f"{where}: {country} rows need the org column (e.g. UNO, WHO, NATO)")
    if org and not _ORG_CODE.fullmatch(org):
        raise DictionaryError(
            f"{where}: org {org!r} is not a code; use letters, digits and hyphens only (e.g. UNO, HAMAS)"
        )
    valid_from = _parse_date(start, "valid_from", where)
    valid_to = _parse_date(end, "valid_to", where)
    if valid_from and valid_to and valid_from > valid_to:
        raise DictionaryError(f"{where}: valid_from {start} is after valid_to {end}; swap or fix the dates")
    alias_list = tuple(a.strip() for a in aliases.split("|") if a.strip())
    keys: set[str] = set()
    for alias in (name, *alias_list):
        key = normalize_name(alias)
        if not key:
            raise DictionaryError(f"{where}: alias {alias!r} has no letters or digits; remove it")
        keys.add(key)
    entry = PersonEntry(
        name=name,
        aliases=alias_list,
        country=country,
        sector=sector,
        role=role or None,
        org=org or None,
        valid_from=valid_from,
        valid_to=valid_to,
        source=where,
    )
    return entry, frozenset(keys)


def _parse_lines(lines: Iterable[str], label: str) -> tuple[_Row, ...]:
    """Parse and validate one file's lines; ``label`` names the file in sources and messages."""
    rows: list[_Row] = []
    header_seen = False
    for lineno, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        where = f"{label}:{lineno}"
        if not header_seen:
            if tuple(c.strip().lower() for c in cells[: len(COLUMNS)]) != COLUMNS:
                raise DictionaryError(
                    f"{where}: expected the tab-separated header {' '.join(COLUMNS)!r}, got {line[:80]!r}"
                )
            header_seen = True
            continue
        if len(cells) > len(COLUMNS):
            raise DictionaryError(
                f"{where}: {len(cells)} tab-separated fields, at most {len(COLUMNS)} allowed "
                "(is there a tab inside a field?)"
            )
        if len(cells) < 4:
            raise DictionaryError(
                f"{where}: {len(cells)} fields; need at least name, aliases, country, sector"
            )
        cells += [""] * (len(COLUMNS) - len(cells))
        entry, keys = _parse_row(cells, where)
        rows.append(_Row(entry, normalize_name(entry.name), keys, lineno))
    if not header_seen:
        raise DictionaryError(
            f"{label}: no header row; the first non-comment line must be {' '.join(COLUMNS)!r}"
        )
    _check_conflicts(rows, label)
    return tuple(rows)


def _check_conflicts(rows: list[_Row], label: str) -> None:
    """An alias shared by two people is allowed only when their offices never overlap in time."""
    by_key: dict[str, list[_Row]] = {}
    for row in rows:
        for key in row.keys:
            by_key.setdefault(key, []).append(row)
    for key, group in by_key.items():
        if len({r.person for r in group}) < 2:
            continue
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if a.person != b.person and _overlap(a.entry, b.entry):
                    raise DictionaryError(
                        f"{label}:{b.line}: alias {key!r} of {b.entry.name} is also an alias of "
                        f"{a.entry.name} ({label}:{a.line}) for an overlapping period; "
                        "keep it on one person only or use fuller aliases"
                    )


@lru_cache(maxsize=1)
def _builtin_rows() -> tuple[_Row, ...]:
    text = resources.files("eventwire").joinpath("data", "actors", BUILTIN_NAME).read_text(encoding="utf-8")
    return _parse_lines(text.splitlines(), BUILTIN_NAME)


def _read_user_file(path: Path) -> tuple[_Row, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DictionaryError(f"people file not found: {path} (check the path)") from None
    except UnicodeDecodeError as e:
        raise DictionaryError(f"{path}: not UTF-8 text ({e.reason}); save the file as UTF-8") from None
    except OSError as e:
        raise DictionaryError(f"{path}: cannot read the people file ({e.strerror})") from None
    return _parse_lines(text.splitlines(), str(path))


class PeopleIndex:
    """Named people by normalised surface form, each with the dated offices they held.

    Later files override earlier ones: a person (same ``name``) listed in a later file replaces all of
    that person's earlier rows, and a surface form listed in a later file belongs to that file's people
    only. Build with :meth:`load`.
    """

    __slots__ = ("_by_key", "_entries")

    def __init__(self, files: Iterable[tuple[_Row, ...]]) -> None:
        file_rows = list(files)
        last_file_of_person: dict[str, int] = {}
        last_file_of_key: dict[str, int] = {}
        for idx, rows in enumerate(file_rows):
            for row in rows:
                last_file_of_person[row.person] = idx
                for key in row.keys:
                    last_file_of_key[key] = idx
        entries: list[PersonEntry] = []
        by_key: dict[str, list[_Row]] = {}
        for idx, rows in enumerate(file_rows):
            for row in rows:
                if last_file_of_person[row.person] != idx:
                    continue  # replaced by a later file
                entries.append(row.entry)
                for key in row.keys:
                    if last_file_of_key[key] == idx:
                        by_key.setdefault(key, []).append(row)
        self._entries = tuple(entries)
        self._by_key: dict[str, tuple[_Row, ...]] = {k: tuple(v) for k, v in by_key.items()}

    @classmethod
    def load(cls, extra_files: tuple[Path, ...] = ()) -> PeopleIndex:
        """The built-in people dictionary plus ``extra_files`` (same TSV format), later files winning.

        Raises :class:`~eventwire.errors.DictionaryError` naming ``file:line`` for a malformed file.
        """
        return cls([_builtin_rows(), *(_read_user_file(Path(p)) for p in extra_files)])

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self) -> tuple[PersonEntry, ...]:
        """Every office row in the index, in file order."""
        return self._entries

    def lookup(self, surface: str, on_date: dt.date | None = None) -> PersonEntry | None:
        """The office a PERSON mention refers to, or None when unknown or ambiguous.

        ``surface`` is the entity text as written ("Putin", "President Putin's", "Russian President
        Vladimir Putin"); titles, nationality adjectives and the possessive are stripped. With
        ``on_date`` the office held on that date wins (else the nearest in time); without it, the most
        recent office. A surface shared by several people that the date cannot separate gives None.
        """
        for key in _candidate_keys(surface):
            rows = self._by_key.get(key)
            if rows:
                return _choose(rows, on_date)
        return None


def _candidate_keys(surface: str) -> list[str]:
    """The keys to try for a surface, most specific first: as written, then without titles/suffixes."""
    text = _POSSESSIVE.sub("", surface.strip())
    tokens = normalize_name(text).split()
    keys: list[str] = []
    while tokens:
        keys.append(" ".join(tokens))
        if len(tokens) > 1 and tokens[-1] in SUFFIX_WORDS:
            tokens = tokens[:-1]
        elif len(tokens) > 1 and (tokens[0] in TITLE_WORDS or tokens[0] in DEMONYMS):
            tokens = tokens[1:]
        else:
            break
    return keys


def _shared(rows: Sequence[_Row]) -> PersonEntry | None:
    """Several people share the name but not what matters for coding ("President Bush", no date): when they
    all have the same country, sector and organisation, that much is known; the name stays the surface."""
    first = rows[0].entry
    if any(
        (r.entry.country, r.entry.sector, r.entry.org) != (first.country, first.sector, first.org)
        for r in rows
    ):
        return None
    roles = {r.entry.role for r in rows}
    return dataclasses.replace(
        first,
        name=" / ".join(sorted({r.entry.name for r in rows})),
        role=first.role if len(roles) == 1 else None,
        valid_from=None,
        valid_to=None,
    )


def _choose(rows: tuple[_Row, ...], on_date: dt.date | None) -> PersonEntry | None:
    if on_date is None:
        if len({r.person for r in rows}) > 1:
            return _shared(rows)
        return max(
            rows,
            key=lambda r: (r.entry.valid_to or dt.date.max, r.entry.valid_from or dt.date.min, -r.line),
        ).entry
    best = min(r.entry.distance(on_date) for r in rows)
    near = [r for r in rows if r.entry.distance(on_date) == best]
    if len({r.person for r in near}) > 1:
        return _shared(near)
    # The same person holding two offices that day: the latest appointment, then file order.
    return max(near, key=lambda r: (r.entry.valid_from or dt.date.min, -r.line)).entry
