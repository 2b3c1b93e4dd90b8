"""The store's tables, as data, and the named migrations that build them.

Each table is a list of ``(column, logical type)`` pairs; :func:`ddl_type` renders a logical type for
DuckDB or PostgreSQL and :func:`arrow_type` gives the Arrow type used for bulk writes, so both backends
hold the same schema. Migrations are named, numbered, and recorded in ``eventwire_migrations``; a
database is upgraded by applying the missing ones in order (``eventwire db upgrade``).

Migration 1 is frozen history: when the schema changes, add a migration that alters the tables and
make ``TABLES`` the new shape (a test checks that a migrated database matches ``TABLES``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa

Column = tuple[str, str]

_DDL = {
    "duckdb": {
        "text": "VARCHAR",
        "int": "INTEGER",
        "bigint": "BIGINT",
        "double": "DOUBLE",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
        "bool": "BOOLEAN",
        "text[]": "VARCHAR[]",
    },
    "postgres": {
        "text": "TEXT",
        "int": "INTEGER",
        "bigint": "BIGINT",
        "double": "DOUBLE PRECISION",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
        "bool": "BOOLEAN",
        "text[]": "TEXT[]",
    },
}

_ARROW: dict[str, pa.DataType] = {
    "text": pa.string(),
    "int": pa.int32(),
    "bigint": pa.int64(),
    "double": pa.float64(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "bool": pa.bool_(),
    "text[]": pa.list_(pa.string()),
}


def ddl_type(logical: str, dialect: str) -> str:
    """The SQL type for a logical column type in one dialect."""
    return _DDL[dialect][logical]


def arrow_type(logical: str) -> pa.DataType:
    """The Arrow type for a logical column type."""
    return _ARROW[logical]


_CODING: list[Column] = [
    ("event", "text"),
    ("mode", "text"),
    ("context", "text[]"),
    ("cameo", "text"),
    ("cameo_root", "text"),
    ("quad_class", "int"),
    ("goldstein", "double"),
    ("modality", "text"),
]

_ACTOR_SUMMARY: list[Column] = [
    (f"{side}_{f}", "text")
    for side in ("actor", "recipient")
    for f in ("code", "name", "country", "sector", "org")
]

_LOCATION: list[Column] = [
    ("loc_text", "text"),
    ("loc_start", "int"),
    ("loc_end", "int"),
    ("loc_geonameid", "bigint"),
    ("loc_name", "text"),
    ("loc_lat", "double"),
    ("loc_lon", "double"),
    ("loc_country", "text"),
    ("loc_admin1", "text"),
    ("loc_feature_class", "text"),
    ("loc_feature_code", "text"),
    ("loc_precision", "text"),
    ("loc_reason", "text"),
    ("loc_doc_id", "text"),
]

_V1_TABLES: dict[str, list[Column]] = {
    "eventwire_migrations": [
        ("version", "int"),
        ("name", "text"),
        ("applied_at", "timestamp"),
    ],
    "settings": [
        ("key", "text"),
        ("value", "text"),
    ],
    "runs": [
        ("run_id", "bigint"),
        ("started_at", "timestamp"),
        ("finished_at", "timestamp"),
        ("status", "text"),
        ("sources", "text"),
        ("documents", "bigint"),
        ("events", "bigint"),
        ("skipped", "bigint"),
        ("skip_reasons", "text"),
    ],
    "articles": [
        ("article_id", "text"),
        ("url", "text"),
        ("source", "text"),
        ("title", "text"),
        ("author", "text"),
        ("language", "text"),
        ("pub_date", "date"),
        ("fetched_at", "timestamp"),
        ("duplicate_of", "text"),
        ("cluster_id", "text"),
        ("skipped_reason", "text"),
        ("text", "text"),
        ("text_length", "int"),
        ("text_sha1", "text"),
        ("n_events", "int"),
        ("stored_at", "timestamp"),
        ("run_id", "bigint"),
    ],
    "mentions": [
        ("event_id", "text"),
        ("article_id", "text"),
        ("merged_id", "bigint"),
        ("sentence_index", "int"),
        ("sentence_start", "int"),
        ("sentence", "text"),
        *_CODING,
        ("event_date", "date"),
        ("date_text", "text"),
        ("event_text", "text"),
        ("event_start", "int"),
        ("event_end", "int"),
        ("confidence", "double"),
        ("coder", "text[]"),
        *_ACTOR_SUMMARY,
        ("actor_codes", "text"),
        ("recipient_codes", "text"),
        ("attribution_text", "text"),
        ("attribution_start", "int"),
        ("attribution_end", "int"),
        ("attribution_outlet", "text"),
        *_LOCATION,
        ("block_key", "text"),
        ("merge_date", "date"),
        ("merge_date_source", "text"),
    ],
    "actors": [
        ("event_id", "text"),
        ("slot", "text"),
        ("position", "int"),
        ("text", "text"),
        ("start_char", "int"),
        ("end_char", "int"),
        ("name", "text"),
        ("country", "text"),
        ("sector", "text"),
        ("org", "text"),
        ("role", "text"),
        ("kind", "text"),
        ("code", "text"),
        ("resolved_from", "text"),
        ("coder", "text"),
    ],
    "merged_events": [
        ("merged_id", "bigint"),
        ("block_key", "text"),
        ("event_date", "date"),
        ("date_source", "text"),
        ("date_lo", "date"),
        ("date_hi", "date"),
        *_ACTOR_SUMMARY,
        ("actor_codes", "text"),
        ("recipient_codes", "text"),
        *_CODING,
        ("num_mentions", "int"),
        ("num_sources", "int"),
        ("num_articles", "int"),
        ("first_seen", "timestamp"),
        ("last_seen", "timestamp"),
        ("added_at", "timestamp"),
        ("updated_at", "timestamp"),
        *[
            c
            for c in _LOCATION
            if c[0] not in ("loc_text", "loc_start", "loc_end", "loc_reason", "loc_doc_id")
        ],
        ("is_root", "bool"),
        ("confidence", "double"),
        ("source_url", "text"),
        ("rep_event_id", "text"),
    ],
}

_V1_KEYS = {
    "eventwire_migrations": "version",
    "settings": "key",
    "runs": "run_id",
    "articles": "article_id",
    "mentions": "event_id",
    "merged_events": "merged_id",
}

_V1_INDEXES = [
    ("mentions_article", "mentions", "article_id"),
    ("mentions_merged", "mentions", "merged_id"),
    ("mentions_block", "mentions", "block_key, merge_date"),
    ("actors_event", "actors", "event_id"),
    ("merged_date", "merged_events", "event_date"),
]

_V2_COLUMNS: dict[str, list[Column]] = {
    "articles": [("pub_date_raw", "text")],
    "mentions": [("date_flag", "text")],
    "merged_events": [("date_flag", "text")],
}
"""Migration 2 (``dates_you_can_trust``): the raw publication date an article kept when it could not be
read, and the flag of event dates long before publication. Mentions without any date keep a null
``merge_date`` (``merge_date_source`` ``none``), never the day they were stored."""


PLACE_FIELDS: tuple[Column, ...] = (
    ("text", "text"),
    ("start", "int"),
    ("end", "int"),
    ("geonameid", "bigint"),
    ("name", "text"),
    ("lat", "double"),
    ("lon", "double"),
    ("country", "text"),
    ("admin1", "text"),
    ("feature_class", "text"),
    ("feature_code", "text"),
    ("precision", "text"),
    ("reason", "text"),
    ("doc_id", "text"),
)
"""The fields of a :class:`~eventwire.types.Place` kept for an actor (``actors.place_*``)."""

_V3_COLUMNS: dict[str, list[Column]] = {
    "articles": [("tone", "double"), ("origin", "text")],
    "actors": [(f"place_{name}", t) for name, t in PLACE_FIELDS],
    "merged_events": [("first_event_id", "text"), ("avg_tone", "double")],
}
"""Migration 3 (``gdelt_conformance``): each article's tone (GDELT's formula, VADER's lexicon) and where an
article without a URL was read; where the text puts each actor (GDELT's ActorGeo); the first mention of a
merged event (its GLOBALEVENTID is derived from it, the same in every database) and its average tone."""


def _added(base: dict[str, list[Column]], *changes: dict[str, list[Column]]) -> dict[str, list[Column]]:
    out = {t: list(cols) for t, cols in base.items()}
    for change in changes:
        for table, cols in change.items():
            out[table] += cols
    return out


TABLES: dict[str, list[Column]] = _added(_V1_TABLES, _V2_COLUMNS, _V3_COLUMNS)
"""The current schema: table name -> columns in order."""

SEQUENCES = ("merged_id_seq", "run_id_seq")

ACTOR_SUMMARY_COLUMNS: tuple[str, ...] = tuple(c for c, _ in _ACTOR_SUMMARY)
"""The first actor and recipient, repeated in ``mentions`` and ``merged_events`` (``actor_code``...)."""


def columns(table: str) -> list[str]:
    """Column names of a table, in schema order."""
    return [name for name, _ in TABLES[table]]


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of a table (what bulk writes send and reads return)."""
    return pa.schema([pa.field(name, arrow_type(t)) for name, t in TABLES[table]])


def _create_v1(dialect: str) -> list[str]:
    stmts = [f"CREATE SEQUENCE IF NOT EXISTS {seq} START 1" for seq in SEQUENCES]
    for table, cols in _V1_TABLES.items():
        body = [f"{name} {ddl_type(t, dialect)}" for name, t in cols]
        key = _V1_KEYS.get(table)
        # DuckDB checks a key with an index that halves bulk-insert speed; mention ids stay unique there by
        # construction (one writer, and a write deletes an article's rows before inserting them again).
        if key and not (dialect == "duckdb" and table == "mentions"):
            body.append(f"PRIMARY KEY ({key})")
        stmts.append(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(body)})")
    if dialect == "postgres":
        # DuckDB scans columns fast without them and its ART indexes slow bulk inserts; PostgreSQL needs them.
        stmts += [
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({cols})" for name, table, cols in _V1_INDEXES
        ]
    return stmts


@dataclass(frozen=True, slots=True)
class Migration:
    """One named schema change: ``statements(dialect)`` gives the SQL to run, in one transaction."""

    version: int
    name: str
    statements: Callable[[str], list[str]]


def _add_columns(change: dict[str, list[Column]]) -> Callable[[str], list[str]]:
    def statements(dialect: str) -> list[str]:
        return [
            f"ALTER TABLE {table} ADD COLUMN {name} {ddl_type(t, dialect)}"
            for table, cols in change.items()
            for name, t in cols
        ]

    return statements


def _v2(dialect: str) -> list[str]:
    # Version 1 dated undated mentions with the day they were stored ("stored"): that date is unknown.
    return [
        *_add_columns(_V2_COLUMNS)(dialect),
        "UPDATE mentions SET merge_date = NULL, merge_date_source = 'none' "
        "WHERE merge_date_source = 'stored'",
        "UPDATE merged_events SET event_date = NULL, date_lo = NULL, date_hi = NULL, date_source = 'none' "
        "WHERE date_source = 'stored'",
    ]


def _v3(dialect: str) -> list[str]:
    return [
        *_add_columns(_V3_COLUMNS)(dialect),
        # an existing merged event's first mention: the smallest id among those stored first
        "UPDATE merged_events SET first_event_id = (SELECT min(m.event_id) FROM mentions m "
        "JOIN articles a ON a.article_id = m.article_id WHERE m.merged_id = merged_events.merged_id "
        "AND a.stored_at = (SELECT min(a2.stored_at) FROM mentions m2 JOIN articles a2 "
        "ON a2.article_id = m2.article_id WHERE m2.merged_id = merged_events.merged_id))",
    ]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial_schema", _create_v1),
    Migration(2, "dates_you_can_trust", _v2),
    Migration(3, "gdelt_conformance", _v3),
)

SCHEMA_VERSION = MIGRATIONS[-1].version
"""The schema version this code reads and writes."""
