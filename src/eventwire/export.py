"""Exports of the event store in the formats analysts already load: GDELT 2.0, PLOVER, Parquet, CSV, JSONL.

- ``gdelt``: the GDELT 2.0 event table (61 columns, GDELT's order, tab-separated, no header) as
  ``<prefix>.export.CSV`` and the mentions table (16 columns) as ``<prefix>.mentions.CSV``, one row per
  *merged* event, so a GDELT loader or notebook reads them unchanged. See ``docs/store.md`` for what
  each column holds (FIPS 10-4 country codes in the Geo fields, as GDELT; CAMEO codes for actors).
- ``plover``: one PLOVER JSON record per merged event (JSONL), with the standard field names and our
  additions (``modality``, counts, the list of mentions).
- ``parquet`` / ``csv``: the typed tables ``events`` (merged), ``mentions``, ``actors`` and
  ``articles`` (without their text), one file each (filtered: the selected events and what they link to).
- ``jsonl``: one line per mention in the shape of ``eventwire code --format jsonl`` (``Event.to_dict``)
  plus ``merged_id``: lossless, ``Event.from_dict`` reads it back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .errors import EventwireError, InputError
from .store import EventFilter, Store
from .store.backend import chunked
from .store.countries import lookup
from .store.merge import place_rank
from .store.store import TABLE_FILES

FORMATS = ("gdelt", "plover", "parquet", "csv", "jsonl")

GDELT_EVENT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor{i}{f}" for i in (1, 2) for f in (
        "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
        "Type1Code", "Type2Code", "Type3Code")),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"{g}Geo_{f}" for g in ("Actor1", "Actor2", "Action") for f in (
        "Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")),
    "DATEADDED", "SOURCEURL",
)  # fmt: skip
"""The 61 columns of the GDELT 2.0 event table, in GDELT's order."""

GDELT_MENTION_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "EventTimeDate", "MentionTimeDate", "MentionType", "MentionSourceName",
    "MentionIdentifier", "SentenceID", "Actor1CharOffset", "Actor2CharOffset", "ActionCharOffset",
    "InRawText", "Confidence", "MentionDocLen", "MentionDocTone", "MentionDocTranslationInfo", "Extras",
)  # fmt: skip
"""The 16 columns of the GDELT 2.0 mentions table, in GDELT's order."""


def _gdelt_type(col: str) -> str:
    if col in ("FractionDate", "GoldsteinScale", "AvgTone", "MentionDocTone") or col.endswith(
        ("_Lat", "_Long")
    ):
        return "float"
    ints = (
        "GLOBALEVENTID",
        "SQLDATE",
        "MonthYear",
        "Year",
        "IsRootEvent",
        "QuadClass",
        "NumMentions",
        "NumSources",
        "NumArticles",
        "DATEADDED",
        "EventTimeDate",
        "MentionTimeDate",
        "MentionType",
        "SentenceID",
        "Actor1CharOffset",
        "Actor2CharOffset",
        "ActionCharOffset",
        "InRawText",
        "Confidence",
        "MentionDocLen",
    )
    return "int" if col in ints or col.endswith("Geo_Type") else "str"


GDELT_EVENT_TYPES: dict[str, str] = {c: _gdelt_type(c) for c in GDELT_EVENT_COLUMNS}
"""The published type of each event column (``int``, ``float`` or ``str``), as GDELT's BigQuery schema."""
GDELT_MENTION_TYPES: dict[str, str] = {c: _gdelt_type(c) for c in GDELT_MENTION_COLUMNS}

FACTUAL = ("asserted", "reported")
"""The modalities the GDELT export keeps by default: GDELT has no column to say "did not happen"."""


@dataclass(slots=True)
class ExportResult:
    """What an export wrote."""

    format: str
    files: list[str] = field(default_factory=list)
    events: int = 0
    mentions: int = 0
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "files": self.files,
            "events": self.events,
            "mentions": self.mentions,
            "notes": self.notes,
        }


def export(
    store: Store,
    fmt: str,
    out: str | Path | TextIO,
    where: EventFilter | None = None,
    *,
    prefix: str = "eventwire",
) -> ExportResult:
    """Export the store in ``fmt`` (one of :data:`FORMATS`) to ``out``.

    ``out`` is a folder for ``gdelt``, ``parquet`` and ``csv`` (several files), and a file path or an
    open text stream for ``plover`` and ``jsonl``.
    """
    where = where or EventFilter()
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt in ("gdelt", "parquet", "csv"):
        if not isinstance(out, (str, Path)):
            raise InputError(f"--format {fmt} writes several files: give a folder with --out")
        folder = Path(out)
        if folder.exists() and not folder.is_dir():
            raise InputError(
                f"{folder} is a file; --format {fmt} writes several files: give a folder with --out"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise InputError(f"cannot create the folder {folder}: {e.strerror}") from None
        if fmt == "gdelt":
            return export_gdelt(store, folder, where, prefix=prefix)
        return export_tables(store, folder, where, fmt=fmt)
    writer = export_plover if fmt == "plover" else export_jsonl
    if isinstance(out, (str, Path)):
        if Path(out).is_dir():
            raise InputError(
                f"{out} is a folder; --format {fmt} writes one file: give a file path with --out"
            )
        try:
            fh = open(out, "w", encoding="utf-8")  # noqa: SIM115 - closed by the with below
        except OSError as e:
            raise InputError(f"cannot write {out}: {e.strerror}") from None
        with fh:
            res = writer(store, fh, where)
        res.files = [str(out)]
        return res
    return writer(store, out, where)


# --- shared helpers ---------------------------------------------------------------------------------------


def _write_delimited(table: pa.Table, path: Path) -> None:
    """Write a table as GDELT writes its files: tab-separated, no header, no quoting."""
    con = duckdb.connect()
    try:
        con.register("t", table)
        con.execute(
            f"COPY t TO '{_sql_path(path)}' (FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '', ESCAPE '')"
        )
    finally:
        con.close()


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _mapped(values: list[Any], fn: Callable[[Any], Any]) -> list[Any]:
    """``fn`` over values, computed once per distinct value."""
    cache: dict[Any, Any] = {}
    out = []
    for v in values:
        if v not in cache:
            cache[v] = fn(v)
        out.append(cache[v])
    return out


def _ymd(dates: pa.Array) -> pa.Array:
    return pc.add(
        pc.add(pc.multiply(pc.year(dates), 10000), pc.multiply(pc.month(dates), 100)), pc.day(dates)
    )


def _stamp(ts: pa.Array) -> pa.Array:
    """Timestamps as GDELT's YYYYMMDDHHMMSS integers."""
    ts = pc.floor_temporal(ts, unit="second")
    day = pc.multiply(_ymd(ts).cast(pa.int64()), 1_000_000)
    clock = pc.add(pc.add(pc.multiply(pc.hour(ts), 10000), pc.multiply(pc.minute(ts), 100)), pc.second(ts))
    return pc.add(day, clock.cast(pa.int64()))


def _clean(values: list[Any]) -> list[str]:
    """Strings for a TSV cell: tabs and line breaks become spaces, None becomes ""."""
    return [
        "" if v is None else str(v).replace("\t", " ").replace("\n", " ").replace("\r", " ") for v in values
    ]


# --- GDELT --------------------------------------------------------------------------------------------


def global_event_id(first_event_id: str) -> int:
    """GDELT's GLOBALEVENTID of a merged event: 2^62 plus the first 62 bits of the SHA-1 of the id of its
    first mention. The same event coded from the same article has the same id in every database; ids of
    different events collide with a probability of about n^2 / 2^63; and they never meet GDELT's own ids,
    which are far below 2^62."""
    digest = int.from_bytes(hashlib.sha1(first_event_id.encode("utf-8")).digest()[:8], "big")
    return (1 << 62) | (digest & ((1 << 62) - 1))


_NONSTATE = ("IGO", "NGO", "MNC", "IMG")


def _actor_fields(code: Any, name: Any, country: Any, sector: Any, org: Any) -> tuple[str, ...]:
    """Actor{i}Code .. Actor{i}Type3Code from our actor summary, as GDELT writes them: CAMEO codes
    without PETRARCH's ``---`` placeholder (``---GOV`` is ``GOV``), names in capitals, the known group
    (``UNO`` of ``IGOUNO``) for non-state actors, the role codes as types."""
    if code is None and name is None:
        return ("",) * 10
    code = (code or "").removeprefix("---")
    state = lookup(country) is not None if country else False
    country_code = country if state else ""
    nonstate = (country or "") in _NONSTATE or code[:3] in _NONSTATE
    group = code[3:6] if nonstate and len(code) >= 6 else ""
    types = [sector or ""] if state or not country else [country, sector or ""]
    types = [t for t in types if t and t != "---"][:3] + [""] * 3
    label = (name or "").upper()
    return (code, label, country_code or "", group, "", "", "", types[0], types[1], types[2])


class _Names:
    """Place names GDELT's geo fields need that the store does not keep (first-level division names,
    country centres), from the gazetteer; empty when it cannot be loaded."""

    def __init__(self) -> None:
        self._gaz: Any = None
        self._tried = False
        self._admin1: dict[tuple[str, str], str] = {}

    def gazetteer(self) -> Any:
        if not self._tried:
            self._tried = True
            try:
                from .geo import Geocoder

                self._gaz = Geocoder.load().gazetteer
            except (ImportError, EventwireError, OSError):  # no geo stage: names without divisions
                self._gaz = None
        return self._gaz

    def admin1(self, iso2: str, code: str) -> str:
        key = (iso2, code)
        if key not in self._admin1:
            gaz = self.gazetteer()
            entry = gaz.admin1(iso2, code) if gaz is not None and code else None
            self._admin1[key] = entry.name if entry is not None else ""
        return self._admin1[key]

    def centre(self, iso2: str) -> tuple[float | None, float | None, int | None]:
        gaz = self.gazetteer()
        entry = gaz.country(iso2) if gaz is not None else None
        return (entry.lat, entry.lon, entry.geonameid) if entry is not None else (None, None, None)


_NO_GEO: tuple[Any, ...] = (0, "", "", "", "", None, None, "")


def _geo(
    names: _Names,
    *,
    country: Any,
    name: Any,
    geonameid: Any,
    lat: Any,
    lon: Any,
    admin1: Any,
    feature_code: Any,
    precision: Any,
) -> tuple[Any, ...]:
    """GDELT's eight geo fields (Type .. FeatureID) of one place, formatted as GDELT writes them.

    ``FullName`` is "City, ADM1, Country" for a city ("Alexandria, Louisiana, United States"), "ADM1,
    Country" for a first-level division and the country's name for a country.
    """
    cc = lookup(country)
    if cc is None or not cc.fips:
        return _NO_GEO  # a place without a country (a region, "the European Union"): GDELT cannot say it
    fips = cc.fips
    rank = place_rank(precision, feature_code)
    us = cc is not None and cc.iso2 == "US"
    geo_type = 1 if rank == 0 else (2 if us else 5) if rank == 1 else (3 if us else 4)
    admin1_code = (admin1 or "").rsplit(".", 1)[-1]  # GeoNames writes "US.WA" or "WA"
    if rank == 0:
        full = cc.name
    else:
        division = names.admin1(cc.iso2, admin1_code) if rank == 2 else ""
        full = ", ".join(p for p in (name or "", division, cc.name) if p)
    adm1 = fips + admin1_code if rank > 0 and admin1_code else fips
    feature = str(geonameid) if geonameid is not None else (fips if rank == 0 else "")
    return (geo_type, full, fips, adm1, "", lat, lon, feature)


def _actor_geo(names: _Names, actor: dict[str, Any] | None, country: Any) -> tuple[Any, ...]:
    """Actor{i}Geo: the place the text gives the actor, else (a state actor) its country, as GDELT does."""
    if actor is not None and actor.get("place_text") is not None:
        return _geo(
            names,
            country=actor["place_country"],
            name=actor["place_name"],
            geonameid=actor["place_geonameid"],
            lat=actor["place_lat"],
            lon=actor["place_lon"],
            admin1=actor["place_admin1"],
            feature_code=actor["place_feature_code"],
            precision=actor["place_precision"],
        )
    cc = lookup(country) if country else None
    if cc is None:
        return _NO_GEO
    lat, lon, gid = names.centre(cc.iso2)
    return _geo(
        names,
        country=cc.iso3,
        name=cc.name,
        geonameid=gid,
        lat=lat,
        lon=lon,
        admin1=None,
        feature_code="PCLI",
        precision="country",
    )


def gdelt_events(events: pa.Table, actors: pa.Table | None = None, names: _Names | None = None) -> pa.Table:
    """Merged events (``merged_events`` rows) as the 61-column GDELT 2.0 event table.

    ``actors`` are the ``actors`` rows of the events' representative mentions (their places give
    Actor1Geo/Actor2Geo); without them, state actors are placed in their country.
    """
    names = names or _Names()
    n = events.num_rows
    e = {c: events.column(c) for c in events.column_names}
    d = e["event_date"]
    firsts = [
        f or r or str(m)
        for f, r, m in zip(
            e["first_event_id"].to_pylist(),
            e["rep_event_id"].to_pylist(),
            e["merged_id"].to_pylist(),
            strict=True,
        )
    ]
    cols: dict[str, Any] = {
        "GLOBALEVENTID": [global_event_id(f) for f in firsts],
        "SQLDATE": _ymd(d),
        "MonthYear": pc.add(pc.multiply(pc.year(d), 100), pc.month(d)),
        "Year": pc.year(d),
        "FractionDate": pc.round(
            pc.add(
                pc.year(d).cast(pa.float64()),
                pc.divide(pc.add(pc.multiply(pc.month(d), 30), pc.day(d)).cast(pa.float64()), 365.0),
            ),
            4,
        ),
    }
    py = {c: e[c].to_pylist() for c in events.column_names if c.startswith(("actor_", "recipient_", "loc_"))}
    for i, side in ((1, "actor"), (2, "recipient")):
        keys = list(
            zip(*(py[f"{side}_{f}"] for f in ("code", "name", "country", "sector", "org")), strict=True)
        )
        fields = _mapped(keys, lambda k: _actor_fields(*k))
        col_names = GDELT_EVENT_COLUMNS[5 + (i - 1) * 10 : 5 + i * 10]
        for j, name in enumerate(col_names):
            cols[name] = _clean([f[j] for f in fields])
    cameo = e["cameo"]
    cols.update(
        {
            "IsRootEvent": e["is_root"].cast(pa.int8()),
            "EventCode": cameo,
            "EventBaseCode": pc.utf8_slice_codeunits(cameo, 0, 3),
            "EventRootCode": e["cameo_root"],
            "QuadClass": e["quad_class"],
            "GoldsteinScale": e["goldstein"],
            "NumMentions": e["num_mentions"],
            "NumSources": e["num_sources"],
            "NumArticles": e["num_articles"],
            "AvgTone": e["avg_tone"],
        }
    )
    first_actor: dict[tuple[str, str], dict[str, Any]] = {}
    for a in actors.to_pylist() if actors is not None else []:
        if a["position"] == 0 and a["slot"] in ("actor", "recipient"):
            first_actor[(a["event_id"], a["slot"])] = a
    reps = e["rep_event_id"].to_pylist()
    geo_fields = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
    for g, slot in (("Actor1", "actor"), ("Actor2", "recipient")):
        geo = [
            _actor_geo(names, first_actor.get((rep, slot)), country) if code or nm else _NO_GEO
            for rep, country, code, nm in zip(
                reps, py[f"{slot}_country"], py[f"{slot}_code"], py[f"{slot}_name"], strict=True
            )
        ]
        for j, f in enumerate(geo_fields):
            values = [x[j] for x in geo]
            cols[f"{g}Geo_{f}"] = values if f in ("Type", "Lat", "Long") else _clean(values)
    loc_rows = [dict(zip(py, vals, strict=True)) for vals in zip(*py.values(), strict=True)] if n else []
    geo = [
        _geo(
            names,
            country=r["loc_country"],
            name=r["loc_name"],
            geonameid=r["loc_geonameid"],
            lat=r["loc_lat"],
            lon=r["loc_lon"],
            admin1=r["loc_admin1"],
            feature_code=r["loc_feature_code"],
            precision=r["loc_precision"],
        )
        for r in loc_rows
    ]
    for j, f in enumerate(geo_fields):
        values = [x[j] for x in geo]
        cols[f"ActionGeo_{f}"] = values if f in ("Type", "Lat", "Long") else _clean(values)
    cols["DATEADDED"] = _stamp(e["added_at"])
    cols["SOURCEURL"] = _clean(e["source_url"].to_pylist())
    return _gdelt_table(cols, GDELT_EVENT_TYPES)


def gdelt_mentions(rows: pa.Table, global_ids: dict[int, int] | None = None) -> pa.Table:
    """Mention rows (:meth:`Store.mention_evidence <eventwire.store.Store.mention_evidence>`) as the
    16-column GDELT 2.0 mentions table; ``global_ids`` maps merged ids to GLOBALEVENTIDs (as in the events
    file: :func:`global_event_id`)."""
    r = {c: rows.column(c).to_pylist() for c in rows.column_names}
    n = rows.num_rows
    seen = [
        f if f is not None else (dt.datetime.combine(p, dt.time()) if p is not None else s)
        for f, p, s in zip(r["fetched_at"], r["pub_date"], r["stored_at"], strict=True)
    ]

    def offset(v: Any) -> int:
        return -1 if v is None else int(v)

    cols: dict[str, Any] = {
        "GLOBALEVENTID": [(global_ids or {}).get(m, m) for m in r["merged_id"]],
        "EventTimeDate": _stamp(rows.column("added_at")),
        "MentionTimeDate": _stamp(pa.array(seen, pa.timestamp("us"))),
        "MentionType": [1] * n,
        "MentionSourceName": _clean([s or "" for s in r["source"]]),
        "MentionIdentifier": _clean(
            [
                u or o or f"urn:eventwire:article:{a}"
                for u, o, a in zip(r["url"], r["origin"], r["article_id"], strict=True)
            ]
        ),
        "SentenceID": [i + 1 for i in r["sentence_index"]],
        "Actor1CharOffset": [offset(v) for v in r["actor_start"]],
        "Actor2CharOffset": [offset(v) for v in r["recipient_start"]],
        "ActionCharOffset": [offset(v) for v in r["event_start"]],
        "InRawText": [
            int(all(x is None or s <= x < s + n for x in (a, b)))
            for a, b, s, n in zip(
                r["actor_start"], r["recipient_start"], r["sentence_start"], r["sentence_length"], strict=True
            )
        ],
        "Confidence": [round((c or 0.0) * 100) for c in r["confidence"]],
        "MentionDocLen": r["text_length"],
        "MentionDocTone": r["tone"],
        "MentionDocTranslationInfo": [""] * n,
        "Extras": _clean(
            [
                f"<EVENTWIRE_ID>{i}</EVENTWIRE_ID><MODALITY>{m}</MODALITY>"
                for i, m in zip(r["event_id"], r["modality"], strict=True)
            ]
        ),
    }
    return _gdelt_table(cols, GDELT_MENTION_TYPES)


def export_gdelt(
    store: Store, folder: Path, where: EventFilter, *, prefix: str = "eventwire"
) -> ExportResult:
    """Write ``<prefix>.export.CSV`` (events) and ``<prefix>.mentions.CSV`` in GDELT 2.0 layout.

    Without a modality filter only asserted and reported events are written (GDELT cannot say
    "this did not happen"); the result's notes say how many others were left out.
    """
    res = ExportResult("gdelt")
    chosen = factual(store, where, res)
    dated = replace(chosen, dated=True)
    undated = store.count(chosen) - store.count(dated)
    if undated:
        res.notes.append(
            f"left out {undated} merged events without a date (no date in their text and no publication "
            "date; GDELT rows need SQLDATE): they are in the parquet, csv, jsonl and plover exports"
        )
    events = store.events(dated)
    mentions = store.mention_evidence(dated)
    ev_path, mn_path = folder / f"{prefix}.export.CSV", folder / f"{prefix}.mentions.CSV"
    some = events.num_rows > 0
    if some:
        table = gdelt_events(events, store.actors_of(events.column("rep_event_id").to_pylist()))
        ids = dict(
            zip(
                events.column("merged_id").to_pylist(), table.column("GLOBALEVENTID").to_pylist(), strict=True
            )
        )
        _write_delimited(table, ev_path)
        _write_delimited(gdelt_mentions(mentions, ids), mn_path)
    else:
        _write_delimited(_empty(GDELT_EVENT_TYPES), ev_path)
        _write_delimited(_empty(GDELT_MENTION_TYPES), mn_path)
    res.files = [str(ev_path), str(mn_path)]
    res.events, res.mentions = events.num_rows, (mentions.num_rows if some else 0)
    return res


_ARROW_OF = {"int": pa.int64(), "float": pa.float64(), "str": pa.string()}


def _gdelt_table(cols: dict[str, Any], types: dict[str, str]) -> pa.Table:
    """The GDELT columns, in order, with their published types (lists or Arrow arrays as input)."""
    return pa.table(
        {
            c: pa.array(cols[c], _ARROW_OF[t]) if isinstance(cols[c], list) else cols[c].cast(_ARROW_OF[t])
            for c, t in types.items()
        }
    )


def _empty(types: dict[str, str]) -> pa.Table:
    return pa.schema([pa.field(c, _ARROW_OF[v]) for c, v in types.items()]).empty_table()


# --- Parquet / CSV ------------------------------------------------------------------------------------

EXPORT_TABLES = TABLE_FILES
"""The files of a Parquet or CSV export and the store table each holds (articles without their text)."""


def export_tables(store: Store, folder: Path, where: EventFilter, *, fmt: str = "parquet") -> ExportResult:
    """Write the typed tables ``events``, ``mentions``, ``actors``, ``articles`` as Parquet or CSV files
    (:meth:`Store.write_tables <eventwire.store.Store.write_tables>`)."""
    res = ExportResult(fmt)
    res.files = store.write_tables(folder, fmt, where)
    res.events = store.count(where)
    res.mentions = store.count_mentions_of(where)
    return res


def load_tables(folder: str | Path) -> dict[str, pa.Table]:
    """Read a Parquet export back: ``{"events": ..., "mentions": ..., "actors": ..., "articles": ...}``."""
    return {
        name: pq.read_table(Path(folder) / f"{name}.parquet")
        for name in ("events", "mentions", "actors", "articles")
    }


# --- JSONL and PLOVER ---------------------------------------------------------------------------------


def export_jsonl(store: Store, out: TextIO, where: EventFilter) -> ExportResult:
    """One JSON line per mention: ``Event.to_dict()`` plus ``merged_id``."""
    res = ExportResult("jsonl")
    for ev, merged_id in store.iter_events(where):
        out.write(json.dumps({**ev.to_dict(), "merged_id": merged_id}, ensure_ascii=False) + "\n")
        res.mentions += 1
    return res


_RESOLUTION = {"country": 1, "admin1": 2, "city": 4, "place": 5}


def _entity(a: dict[str, Any]) -> dict[str, Any]:
    code = a["country"] or (a["code"] or "")[:3] or None
    return {
        k: v
        for k, v in {
            "code": code,
            "sector": a["sector"],
            "entity_text": a["text"],
            "identifier_text": a["name"],
            "org": a["org"],
            "cameo_code": a["code"],
            "start": a["start_char"],
            "end": a["end_char"],
        }.items()
        if v is not None
    }


def _plover_loc(e: dict[str, Any], rep: dict[str, Any]) -> dict[str, Any] | None:
    if e["loc_country"] is None and e["loc_name"] is None and e["loc_geonameid"] is None:
        return None
    cc = lookup(e["loc_country"])
    precision = e["loc_precision"] or ("country", "admin1", "city")[place_rank(None, e["loc_feature_code"])]
    return {
        k: v
        for k, v in {
            "extracted_place": rep.get("loc_text"),
            "resolved_place": e["loc_name"],
            "geonameid": e["loc_geonameid"],
            "lat": e["loc_lat"],
            "lon": e["loc_lon"],
            "country": cc.name if cc else None,
            "country_code": cc.iso3 if cc else e["loc_country"],
            "feature_class": e["loc_feature_class"],
            "feature_code": e["loc_feature_code"],
            "resolution": _RESOLUTION.get(precision),
        }.items()
        if v is not None
    }


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v


def plover_records(store: Store, where: EventFilter) -> Iterator[dict[str, Any]]:
    """One PLOVER record per selected merged event (streamed, in date order)."""
    from . import __version__ as version

    for part in chunked(store.merged_ids(where), 20_000):
        events = store.events_by_id(part).to_pylist()
        by_merged: dict[int, list[dict[str, Any]]] = {}
        for m in store.mentions_of(part).to_pylist():
            by_merged.setdefault(m["merged_id"], []).append(m)
        acts: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for a in store.actors_of([e["rep_event_id"] for e in events]).to_pylist():
            acts.setdefault(a["event_id"], {}).setdefault(a["slot"], []).append(a)
        for e in events:
            members = by_merged.get(e["merged_id"], [])
            rep = next(
                (m for m in members if m["event_id"] == e["rep_event_id"]), members[0] if members else {}
            )
            slots = acts.get(e["rep_event_id"], {})
            rec: dict[str, Any] = {
                "id": f"eventwire-{global_event_id(e['first_event_id'] or e['rep_event_id'])}",
                "date": _iso(e["event_date"]),
                "actor": [_entity(a) for a in slots.get("actor", [])],
                "recipient": [_entity(a) for a in slots.get("recipient", [])],
                "event": [e["event"]],
                "mode": [e["mode"]] if e["mode"] else [],
                "context": list(e["context"] or []),
                "quad_code": e["quad_class"],
                "event_scale": e["goldstein"],
                "event_text": sorted({m["event_text"] for m in members if m["event_text"]}),
                "event_loc": _plover_loc(e, rep),
                "text_info": {
                    "sequence": rep.get("sentence_index"),
                    "start": rep.get("event_start"),
                    "end": rep.get("event_end"),
                },
                "cite_info": {
                    k: v
                    for k, v in {
                        "url": e["source_url"],
                        "publication": rep.get("source"),
                        "title": rep.get("title"),
                        "language": rep.get("language"),
                        "coder": f"eventwire {version}",
                        "codebook": "plover-0.8",
                    }.items()
                    if v is not None
                },
                "coder": f"eventwire {version}",
                "coded_date": _iso(e["updated_at"].date()) if e["updated_at"] else None,
                "cameo": e["cameo"],
                "modality": e["modality"],
                "num_mentions": e["num_mentions"],
                "num_sources": e["num_sources"],
                "num_articles": e["num_articles"],
                "first_seen": _iso(e["first_seen"]),
                "last_seen": _iso(e["last_seen"]),
                "mentions": [
                    {
                        "event_id": m["event_id"],
                        "article_id": m["article_id"],
                        "url": m["url"],
                        "source": m["source"],
                        "date": _iso(m["merge_date"]),
                        "sentence": m["sentence"],
                    }
                    for m in members
                ],
            }
            yield {k: v for k, v in rec.items() if v is not None}


def factual(store: Store, where: EventFilter, res: ExportResult) -> EventFilter:
    """``where``, limited to asserted and reported events unless it names modalities (the default of the
    GDELT and PLOVER exports: neither format has a field to say "this did not happen"); notes how many
    merged events that leaves out."""
    if where.modality:
        return where
    chosen = replace(where, modality=FACTUAL)
    left = store.count(where) - store.count(chosen)
    if left:
        res.notes.append(
            f"left out {left} merged events whose modality is not asserted/reported "
            "(negated, future, ...); pass --modality to choose"
        )
    return chosen


def export_plover(store: Store, out: TextIO, where: EventFilter) -> ExportResult:
    """PLOVER JSONL: one record per merged event; without a modality filter, only asserted and reported
    events (see :func:`factual`; the record's ``modality`` says which)."""
    res = ExportResult("plover")
    where = factual(store, where, res)
    for rec in plover_records(store, where):
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        res.events += 1
        res.mentions += len(rec["mentions"])
    return res
