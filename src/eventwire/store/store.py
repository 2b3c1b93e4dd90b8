"""The event store: articles, event mentions, actors and merged events, in DuckDB or PostgreSQL.

Writes are one transaction per batch and idempotent: writing an article again replaces its mentions
(event ids are stable), so a run that was killed resumes without duplicates. Each batch is merged as
it is written (:mod:`eventwire.store.merge`), so ``merged_events`` is always current.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from ..errors import FilterError, InputError, StoreError
from ..tone import tone
from ..types import Article, Event, Skip, as_date
from .backend import Backend, chunked, redact
from .browse import Browse
from .merge import (
    MEMBER_FIELDS,
    MERGE_ORDER_SQL,
    Cluster,
    MergeRule,
    assign,
    cluster_key,
    merge_order,
    summarize,
)
from .records import (
    actors_table,
    article_from_row,
    article_row,
    events_from_rows,
    id_problem,
    mentions_table,
    merge_dates,
    paused_gc,
    printable,
    side_codes,
    to_arrow,
    utc_naive,
)
from .registry import open_backend
from .schema import MIGRATIONS, TABLES, Migration, arrow_schema, columns

_MEMBER_SQL = (
    f"SELECT {', '.join('m.' + c for c in MEMBER_FIELDS)}, a.cluster_id, a.duplicate_of, a.source, a.url, "
    "a.pub_date, a.fetched_at, a.stored_at, a.tone, a.origin FROM mentions m "
    "JOIN articles a ON a.article_id = m.article_id"
)
MEMBER_ORDER_FIELDS = ("block_key", "merge_date", "merge_date_source", "article_id", "event_id")
"""What :func:`~eventwire.store.merge.merge_order` reads of a mention, with its block."""
_CHUNK = 20_000
_LAST_DAY = dt.date(9999, 12, 31)
_KEY_FIELDS = ("event", "cameo", "cameo_root", "modality", "actor_codes", "recipient_codes")


def utcnow() -> dt.datetime:
    """Now, as naive UTC (the store's timestamp convention)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events a query or export selects; empty fields select everything.

    ``actor`` matches CAMEO code prefixes on either side (``AZE`` matches ``AZEGOV``); ``country``
    matches the actor's or recipient's country (ISO alpha-3, alpha-2, FIPS 10-4 or a name); ``type`` is a
    PLOVER type (``CONSULT``) or a CAMEO code prefix (``04``, ``042``); ``quad`` 1-4; these values are
    checked and normalised on creation (:mod:`eventwire.store.filters`). Dates bound the event date
    (inclusive). ``place`` matches where the event happened: a GeoNames id, a place name (any case) or the
    place's country (ISO alpha-3); ``bbox`` is ``(west, south, east, north)`` in degrees (``west > east``
    crosses the antimeridian); ``text`` is words (or ``"quoted phrases"``) that must all appear, in any
    case, in the sentence of one mention; ``dated`` selects events with a date (``True``) or without one
    (``False``: no date in their text and no publication date).
    """

    since: dt.date | None = None
    until: dt.date | None = None
    actor: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    quad: tuple[int, ...] = ()
    modality: tuple[str, ...] = ()
    place: tuple[str, ...] = ()
    bbox: tuple[float, float, float, float] | None = None
    text: str | None = None
    dated: bool | None = None
    errors: tuple[FilterError, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Every value is checked and put in the store's form (a single string counts as a one-value
        # tuple). A misspelt value is kept with its FilterError, reported by problems()/check() and raised
        # by where(): a filter never silently matches nothing.
        from .filters import CHECKS, checked

        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and type(value) is not dt.date:
                object.__setattr__(self, name, as_date(value, f"EventFilter {name}"))
        if any(getattr(self, name) for name in CHECKS):
            values, errors = checked({name: getattr(self, name) for name in CHECKS})
            for name, value in values.items():
                object.__setattr__(self, name, value)
            object.__setattr__(self, "errors", tuple(errors))

    def where(self, level: str = "events", alias: str = "") -> tuple[str, list[Any]]:
        """The SQL condition (``?`` placeholders) and its parameters, for ``events`` or ``mentions``;
        raises :class:`~eventwire.errors.FilterError` when a value was not valid."""
        if self.errors:
            self.check()
        p = f"{alias}." if alias else ""
        date_col = f"{p}event_date" if level == "events" else f"{p}merge_date"
        conds: list[str] = []
        params: list[Any] = []
        if self.since:
            conds.append(f"{date_col} >= ?")
            params.append(self.since)
        if self.until:
            conds.append(f"{date_col} <= ?")
            params.append(self.until)
        if self.dated is not None:
            conds.append(f"{date_col} IS {'NOT ' if self.dated else ''}NULL")
        if self.actor:
            codes = f"('|' || coalesce({p}actor_codes, '') || '|' || coalesce({p}recipient_codes, ''))"
            conds.append("(" + " OR ".join(f"{codes} LIKE ? ESCAPE '!'" for _ in self.actor) + ")")
            params += [f"%|{like_escape(a.upper())}%" for a in self.actor]  # "%" is a code, not "any"
        if self.country:
            marks = ", ".join("?" for _ in self.country)
            conds.append(f"({p}actor_country IN ({marks}) OR {p}recipient_country IN ({marks}))")
            params += [c.upper() for c in self.country] * 2
        if self.type:
            parts = []
            for t in self.type:
                if t.isdigit():
                    parts.append(f"{p}cameo LIKE ?")
                    params.append(f"{t}%")
                else:
                    parts.append(f"{p}event = ?")
                    params.append(t.upper())
            conds.append("(" + " OR ".join(parts) + ")")
        if self.quad:
            conds.append(f"{p}quad_class IN ({', '.join('?' for _ in self.quad)})")
            params += list(self.quad)
        if self.modality:
            conds.append(f"{p}modality IN ({', '.join('?' for _ in self.modality)})")
            params += list(self.modality)
        if self.place:
            parts = []
            for pl in self.place:
                if pl.strip().isdigit():
                    parts.append(f"{p}loc_geonameid = ?")
                    params.append(int(pl))
                else:
                    parts.append(f"(lower({p}loc_name) = ? OR {p}loc_country = ?)")
                    params += [pl.strip().lower(), pl.strip().upper()]
            conds.append("(" + " OR ".join(parts) + ")")
        if self.bbox is not None:
            west, south, east, north = self.bbox
            conds.append(f"{p}loc_lat BETWEEN ? AND ?")
            params += [south, north]
            if west <= east:
                conds.append(f"{p}loc_lon BETWEEN ? AND ?")
                params += [west, east]
            else:  # across the antimeridian
                conds.append(f"({p}loc_lon >= ? OR {p}loc_lon <= ?)")
                params += [west, east]
        terms = text_terms(self.text)
        if terms:
            said = " AND ".join("lower(sentence) LIKE ? ESCAPE '!'" for _ in terms)
            params += [f"%{like_escape(t.lower())}%" for t in terms]
            if level == "events":
                conds.append(f"{p}merged_id IN (SELECT merged_id FROM mentions WHERE {said})")
            else:
                conds.append(said.replace("lower(sentence)", f"lower({p}sentence)"))
        return (" AND ".join(conds) or "TRUE"), params

    def problems(self) -> list[str]:
        """What is wrong with this filter, each with what to do (empty when it can be run)."""
        out: list[str] = []
        if self.since and self.until and self.since > self.until:
            out.append(f"since ({self.since}) is after until ({self.until}): swap them")
        out += [str(e) for e in self.errors]  # actor, country, type, quad, modality (store/filters.py)
        for pl in self.place:
            if not pl.strip() or len(pl) > 200:
                out.append(f"place {pl!r} must be a GeoNames id, a place name or an ISO alpha-3 country")
        if self.bbox is not None:
            west, south, east, north = self.bbox
            if not all(math.isfinite(v) for v in self.bbox):
                out.append("bbox values must be finite numbers: west,south,east,north in degrees")
            elif not (-180 <= west <= 180 and -180 <= east <= 180):
                out.append(f"bbox longitudes must be within -180..180 (got {west:g}, {east:g})")
            elif not (-90 <= south <= north <= 90):
                out.append(
                    f"bbox latitudes must be within -90..90 with south <= north (got {south:g}, {north:g})"
                )
        if self.text is not None:
            terms = text_terms(self.text)
            if not terms:
                out.append('text search is empty: give words or "a phrase" to find in the evidence')
            elif len(self.text) > MAX_TEXT_QUERY or len(terms) > MAX_TEXT_TERMS:
                out.append(
                    f"text search is too long: at most {MAX_TEXT_TERMS} words or phrases, "
                    f"{MAX_TEXT_QUERY} characters"
                )
        return out

    def check(self) -> EventFilter:
        """This filter, or :class:`~eventwire.errors.InputError` saying everything that is wrong with it
        (a :class:`~eventwire.errors.FilterError`, with the valid choices, when a value is misspelt)."""
        problems = self.problems()
        if problems and self.errors:
            first = self.errors[0]
            raise FilterError(first.option, first.value, "; ".join(problems), first.choices)
        if problems:
            raise InputError("; ".join(problems))
        return self


MAX_TEXT_QUERY = 200
MAX_TEXT_TERMS = 8
_TERM_RE = re.compile(r'"([^"]*)"|(\S+)')


def text_terms(text: str | None) -> list[str]:
    """The words and ``"quoted phrases"`` of a text search (blanks and empty quotes dropped)."""
    if not text:
        return []
    return [
        t
        for t in (m.group(1) if m.group(1) is not None else m.group(2) for m in _TERM_RE.finditer(text))
        if t.strip()
    ]


def like_escape(s: str) -> str:
    """``s`` with LIKE's wildcards escaped (escape character ``!``)."""
    return s.replace("!", "!!").replace("%", "!%").replace("_", "!_")


@dataclass(slots=True)
class MergeOutcome:
    """What one merge step did: the events that gained mentions, ids created, events that vanished (all
    their mentions went to other events), every merged id touched, and how many stored mentions were
    merged again."""

    clusters: list[Cluster] = field(default_factory=list)
    new: int = 0
    vanished: set[int] = field(default_factory=set)
    touched: set[int] = field(default_factory=set)
    remerged: int = 0


def _earliest(starts: dict[str, tuple[Any, ...]], block: str, key: tuple[Any, ...]) -> None:
    """Keep in ``starts`` the earliest merge-order key seen for each block."""
    if block not in starts or key < starts[block]:
        starts[block] = key


@dataclass(slots=True)
class WriteResult:
    """What one :meth:`Store.write` did: rows written; merged events created (``merged_new``), changed
    or created (``merged_touched``) and emptied (``merged_removed``: their mentions now belong to other
    events); stored mentions merged again (``remerged``); and the skips."""

    articles: int = 0
    mentions: int = 0
    actors: int = 0
    merged_new: int = 0
    merged_touched: int = 0
    merged_removed: int = 0
    remerged: int = 0
    skipped: list[Skip] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StoreInfo:
    """A summary of a database: where, which schema, how much it holds, and the merge rule in force."""

    url: str
    backend: str
    schema_version: int
    counts: dict[str, int]
    rule: MergeRule
    last_run: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "backend": self.backend,
            "schema_version": self.schema_version,
            "counts": self.counts,
            "merge_rule": self.rule.to_dict(),
            "last_run": self.last_run,
        }


def typed_table(table: pa.Table, known: str | None) -> pa.Table:
    """Cast columns that belong to a known table to the schema's types (PostgreSQL results are inferred)."""
    if known is None:
        return table
    schema = arrow_schema(known)
    names = set(schema.names)
    out = []
    for name, col in zip(table.column_names, table.columns, strict=True):
        out.append(
            col.cast(schema.field(name).type)
            if name in names and col.type != schema.field(name).type
            else col
        )
    return pa.table(out, names=table.column_names)


def schema_version(backend: Backend) -> int:
    """The schema version of a database (0 when it has no eventwire tables)."""
    if not backend.table_columns("eventwire_migrations"):
        return 0
    rows = backend.fetchall("SELECT max(version) FROM eventwire_migrations")
    return int(rows[0][0] or 0)


def apply_migrations(backend: Backend, migrations: Sequence[Migration] = MIGRATIONS) -> list[str]:
    """Apply the migrations a database lacks, each in its own transaction; returns their names."""
    done: list[str] = []
    for mig in migrations:
        with backend.transaction():
            backend.write_lock()
            if schema_version(backend) >= mig.version:
                continue
            for stmt in mig.statements(backend.dialect):
                backend.execute(stmt)
            backend.execute(
                "INSERT INTO eventwire_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                [mig.version, mig.name, utcnow()],
            )
        done.append(f"{mig.version:04d}_{mig.name}")
    return done


TABLE_FILES = {
    "events": "merged_events",
    "mentions": "mentions",
    "actors": "actors",
    "articles": "articles",
}
"""The files :meth:`Store.write_tables` writes and the table each holds (articles without their text)."""

_EVIDENCE_SQL = """
SELECT m.merged_id, e.added_at, m.event_id, m.sentence_index, m.event_start, m.confidence, m.modality,
       a.article_id, a.url, a.source, a.fetched_at, a.pub_date, a.stored_at, a.text_length, a.tone, a.origin,
       m.sentence_start, length(m.sentence) AS sentence_length,
       a1.start_char AS actor_start, a2.start_char AS recipient_start
FROM mentions m
JOIN merged_events e ON e.merged_id = m.merged_id
JOIN articles a ON a.article_id = m.article_id
LEFT JOIN actors a1 ON a1.event_id = m.event_id AND a1.slot = 'actor' AND a1.position = 0
LEFT JOIN actors a2 ON a2.event_id = m.event_id AND a2.slot = 'recipient' AND a2.position = 0
WHERE m.merged_id IN ({ids})
ORDER BY m.merged_id, m.event_id
"""


def _chosen(where: EventFilter) -> tuple[str, list[Any]]:
    """The condition on ``mentions`` that selects the mentions of the merged events ``where`` selects."""
    cond, params = where.where("events")
    return f"merged_id IN (SELECT merged_id FROM merged_events WHERE {cond})", params


_CODE_COLUMNS = {"block_key", "date_source", "merge_date_source", "event", "mode", "cameo", "cameo_root",
                 "modality", "date_flag", "slot", "kind", "role", "coder", "language", "skipped_reason",
                 "text_sha1"}  # fmt: skip
_CODE_SUFFIXES = ("code", "codes", "country", "sector", "class", "precision", "admin1", "org")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet takes for the start of a formula (OWASP, CSV injection)."""


def is_code_column(name: str) -> bool:
    """Whether a text column holds codes from our own tables (CAMEO, PLOVER, ISO...) rather than text from
    the news or the user (names, sentences, URLs, titles): codes are exported as they are."""
    return name in _CODE_COLUMNS or name.rsplit("_", 1)[-1] in _CODE_SUFFIXES


def _export_columns(table: str, fmt: str) -> tuple[str, pa.Schema]:
    """The select list of an exported table. CSV: lists joined with ``|``, booleans as true/false, and text
    from the news that a spreadsheet would run as a formula (``=HYPERLINK(...)``, ``+``, ``-``, ``@``, tab,
    CR first) prefixed with an apostrophe, as OWASP advises against CSV injection; codes stay as they are."""
    schema = arrow_schema(table)
    if table == "articles":
        schema = schema.remove(schema.get_field_index("text"))
    starts = ", ".join(f"chr({ord(c)})" for c in FORMULA_START)
    cols = []
    for f in schema:
        if fmt == "csv" and pa.types.is_list(f.type):
            cols.append(f"array_to_string({f.name}, '|') AS {f.name}")
        elif fmt == "csv" and pa.types.is_boolean(f.type):
            cols.append(f"CASE WHEN {f.name} THEN 'true' WHEN NOT {f.name} THEN 'false' END AS {f.name}")
        elif fmt == "csv" and pa.types.is_string(f.type) and not is_code_column(f.name):
            cols.append(
                f"CASE WHEN substr({f.name}, 1, 1) IN ({starts}) THEN chr(39) || {f.name} "
                f"ELSE {f.name} END AS {f.name}"
            )
        else:
            cols.append(f.name)
    return ", ".join(cols), schema


class Store(Browse):
    """An open event database. Use :func:`open_store`; close it (or use ``with``) to release it."""

    def __init__(
        self,
        backend: Backend,
        *,
        rule: MergeRule | None = None,
        keep_text: bool = True,
        sql_timeout: float = 60.0,
        sql_role: str | None = None,
    ) -> None:
        self.backend = backend
        self.keep_text = keep_text
        self.sql_timeout = sql_timeout
        self.sql_role = sql_role
        stored = self._stored_rule()
        if stored is not None and rule is not None and rule != stored:
            raise StoreError(
                f"{redact(backend.url)} was merged with a different rule "
                f"({json.dumps(stored.to_dict())}); to merge "
                "with the new one, run `eventwire db remerge` with the new options"
            )
        self.rule = stored or rule or MergeRule()
        if stored is None and not backend.read_only:
            self._save_rule(self.rule)

    # --- lifecycle -------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self.backend.url

    @property
    def dialect(self) -> str:
        return self.backend.dialect

    def close(self) -> None:
        """Release the database (for DuckDB, its file lock)."""
        self.backend.close()

    def fork(self) -> Store:
        """Another :class:`Store` on the same database through its own connection, with the same
        timeout: one per thread (a server's request workers), since a connection serves one at a time."""
        return Store(self.backend.fork(), keep_text=self.keep_text)

    def set_timeout(self, seconds: float | None) -> None:
        """Stop any later query of this store that runs longer than ``seconds``
        (:class:`~eventwire.errors.QueryTimeoutError`); ``None``: no limit (the default)."""
        self.backend.set_timeout(seconds)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _stored_rule(self) -> MergeRule | None:
        rows = self.backend.fetchall("SELECT value FROM settings WHERE key = 'merge_rule'")
        return MergeRule.from_dict(json.loads(rows[0][0])) if rows else None

    def _save_rule(self, rule: MergeRule) -> None:
        with self.backend.transaction():
            self.backend.write_lock()
            self.backend.execute("DELETE FROM settings WHERE key = 'merge_rule'")
            self.backend.execute(
                "INSERT INTO settings (key, value) VALUES ('merge_rule', ?)", [json.dumps(rule.to_dict())]
            )

    # --- writing ---------------------------------------------------------------------------------------

    def known_articles(self, ids: Sequence[str]) -> dict[str, str]:
        """Which of ``ids`` are stored already, with the SHA-1 of the text they were coded from."""
        out: dict[str, str] = {}
        for part in chunked([i for i in ids if id_problem(i) is None], _CHUNK):
            with self.backend.temp_table("_ew_known", pa.table({"id": pa.array(part, pa.string())})) as t:
                rows = self.backend.fetchall(
                    f"SELECT article_id, text_sha1 FROM articles WHERE article_id IN (SELECT id FROM {t})"
                )
            out.update({r[0]: r[1] for r in rows})
        return out

    def stored_in_run(self, ids: Sequence[str], run_id: int) -> set[str]:
        """Which of ``ids`` were stored by the run ``run_id`` (a repeated id within one run)."""
        out: set[str] = set()
        for part in chunked([i for i in ids if id_problem(i) is None], _CHUNK):
            with self.backend.temp_table("_ew_inrun", pa.table({"id": pa.array(part, pa.string())})) as t:
                rows = self.backend.fetchall(
                    "SELECT article_id FROM articles "
                    f"WHERE run_id = ? AND article_id IN (SELECT id FROM {t})",
                    [run_id],
                )
            out.update(r[0] for r in rows)
        return out

    def write(
        self,
        items: Iterable[tuple[Article, Sequence[Event]]],
        *,
        run_id: int | None = None,
        merge: bool = True,
        at: dt.datetime | None = None,
    ) -> WriteResult:
        """Store coded articles in one transaction, replacing what was stored for the same article ids.

        Reported in the result as skips, never fatal to the batch: an article whose id no backend can
        store (NUL, unpaired surrogates: ``invalid-id``), an article id repeated in the batch (the first is
        kept: ``duplicate-id``), events whose ``doc_id`` is not their article's id, whose ``event_id``
        repeats one in the batch or cannot be stored. Other text is made storable (NUL and unpaired
        surrogates become U+FFFD). With ``merge`` (the default) the new mentions are merged at once;
        otherwise they wait for :meth:`merge_pending`. ``at`` (naive UTC) is the time stamped on what the
        write stores and updates (``stored_at``, ``updated_at``); default: now.
        """
        res = WriteResult()
        now = at if at is not None else utcnow()
        batch: dict[str, tuple[Article, Sequence[Event]]] = {}
        for art, evs in items:
            problem = id_problem(art.id)
            if problem is not None:
                res.skipped.append(Skip(printable(art.id), "invalid-id", f"the article id {problem}"))
            elif art.id in batch:
                res.skipped.append(
                    Skip(printable(art.id), "duplicate-id", "this article id came twice; kept the first")
                )
            else:
                batch[art.id] = (art, evs)
        art_rows = []
        tones: dict[str, float | None] = {}
        events: list[Event] = []
        owners: list[Article] = []
        seen_ids: set[str] = set()
        for art, evs in batch.values():
            kept = 0
            for ev in evs:
                if ev.doc_id != art.id:
                    res.skipped.append(
                        Skip(
                            f"{art.id}/{ev.event_id}",
                            "doc_id_mismatch",
                            f"event doc_id {ev.doc_id!r} is not its article's id",
                        )
                    )
                    continue
                problem = id_problem(ev.event_id)
                if problem is not None:
                    res.skipped.append(
                        Skip(
                            f"{printable(art.id)}/{printable(ev.event_id)}",
                            "invalid-id",
                            f"event id {problem}",
                        )
                    )
                    continue
                if ev.event_id in seen_ids:
                    res.skipped.append(
                        Skip(
                            f"{art.id}/{ev.event_id}",
                            "duplicate_event_id",
                            "the batch has this event id twice; kept the first",
                        )
                    )
                    continue
                seen_ids.add(ev.event_id)
                events.append(ev)
                owners.append(art)
                kept += 1
            tones[art.id] = tone(art.text)
            art_rows.append(
                article_row(
                    art,
                    n_events=kept,
                    stored_at=now,
                    run_id=run_id,
                    keep_text=self.keep_text,
                    tone_value=tones[art.id],
                )
            )
        with paused_gc():
            mentions = mentions_table(events, self._merge_columns(events, owners, now))
            actors = actors_table(events)
        clusters: list[Cluster] = []
        b = self.backend
        with b.transaction():
            b.write_lock()
            copies = [a.id for a, _ in batch.values() if a.duplicate_of]
            touched = self._copied(copies) if copies else set()
            removed, starts = self._delete_articles(list(batch), list(seen_ids))
            touched |= removed
            b.insert_arrow("articles", to_arrow("articles", art_rows))
            if copies:
                touched |= self._copied(copies)
            members: list[dict[str, Any]] = []
            if merge and events:
                members = mentions.select(list(MEMBER_FIELDS)).to_pylist()
                for m, art in zip(members, owners, strict=True):
                    m.update(
                        cluster_id=art.cluster_id,
                        duplicate_of=art.duplicate_of,
                        source=art.source,
                        url=art.url,
                        pub_date=art.date,
                        fetched_at=utc_naive(art.fetched_at),
                        stored_at=now,
                        tone=tones[art.id],
                        origin=art.origin,
                    )
            vanished: set[int] = set()
            if members or starts:  # removed mentions change their blocks even when merging waits
                outcome = self._merge(members, starts)
                res.merged_new, res.merged_removed = outcome.new, len(outcome.vanished)
                res.remerged = outcome.remerged
                clusters, vanished = outcome.clusters, outcome.vanished
                touched |= outcome.touched
            if members:
                idx = mentions.schema.get_field_index("merged_id")
                ids = pa.array([m["merged_id"] for m in members], pa.int64())
                mentions = mentions.set_column(idx, "merged_id", ids)
            b.insert_arrow("mentions", mentions)
            b.insert_arrow("actors", actors)
            if touched:
                self._refresh(touched, now, clusters)
        res.articles, res.mentions, res.actors = len(art_rows), mentions.num_rows, actors.num_rows
        res.merged_touched = len(touched - vanished)
        return res

    def _merge_columns(
        self, events: Sequence[Event], owners: Sequence[Article], now: dt.datetime
    ) -> dict[str, list[Any]]:
        """The merge bookkeeping columns of new mentions: side codes, block key, and the date merged on."""
        ac = [side_codes(ev.actor) for ev in events]
        rc = [side_codes(ev.recipient) for ev in events]
        dates, sources = merge_dates(events, [a.date for a in owners])
        cache: dict[tuple[Any, ...], str] = {}
        keys = []
        for ev, a, r in zip(events, ac, rc, strict=True):
            sig = (ev.event, ev.cameo, ev.cameo_root, ev.modality, a, r)
            key = cache.get(sig)
            if key is None:
                key = cache[sig] = self.rule.block_key(dict(zip(_KEY_FIELDS, sig, strict=True)))
            keys.append(key)
        return {
            "actor_codes": ac,
            "recipient_codes": rc,
            "merged_id": [None] * len(events),
            "block_key": keys,
            "merge_date": dates,
            "merge_date_source": sources,
        }

    def _delete_articles(
        self, article_ids: list[str], event_ids: list[str]
    ) -> tuple[set[int], dict[str, tuple[Any, ...]]]:
        """Remove what is stored for these articles (and stray rows with these event ids); returns the
        merged events that lost mentions, and per block the merge order of its first removed mention
        (from there on, the block's merge is to be run again)."""
        b = self.backend
        ids = pa.table({"id": pa.array(article_ids, pa.string())})
        evs = pa.table({"id": pa.array(event_ids, pa.string())})
        with b.temp_table("_ew_arts", ids) as ta, b.temp_table("_ew_evs", evs) as te:
            cond = f"article_id IN (SELECT id FROM {ta}) OR event_id IN (SELECT id FROM {te})"
            gone = b.fetch_arrow(
                f"SELECT merged_id, {', '.join(MEMBER_ORDER_FIELDS)} FROM mentions "
                f"WHERE ({cond}) AND merged_id IS NOT NULL"
            ).to_pylist()
            b.execute(f"DELETE FROM actors WHERE event_id IN (SELECT event_id FROM mentions WHERE {cond})")
            b.execute(f"DELETE FROM actors WHERE event_id IN (SELECT id FROM {te})")
            b.execute(f"DELETE FROM mentions WHERE {cond}")
            b.execute(f"DELETE FROM articles WHERE article_id IN (SELECT id FROM {ta})")
        starts: dict[str, tuple[Any, ...]] = {}
        for m in gone:
            _earliest(starts, m["block_key"], merge_order(m))
        return {m["merged_id"] for m in gone}, starts

    def _members(self, merged_ids: Iterable[int]) -> list[dict[str, Any]]:
        ids = sorted(set(merged_ids))
        out: list[dict[str, Any]] = []
        for part in chunked(ids, _CHUNK):
            with self.backend.temp_table("_ew_mids", pa.table({"id": pa.array(part, pa.int64())})) as t:
                out += self.backend.fetch_arrow(
                    f"{_MEMBER_SQL} WHERE m.merged_id IN (SELECT id FROM {t})"
                ).to_pylist()
        return out

    def _merge(
        self, pending: list[dict[str, Any]], starts: dict[str, tuple[Any, ...]] | None = None
    ) -> MergeOutcome:
        """Give every pending mention (a dict, ``merged_id`` None) a merged event, and merge again every
        stored mention that comes after the first change of its block, so the result is exactly that of
        merging all stored mentions from scratch in one pass (``db remerge``), however the work was cut.

        A mention's merged event depends only on the mentions of its block that come before it in merge
        order (:func:`~eventwire.store.merge.assign`); so from the first new (or, in ``starts``, removed)
        mention of each block on, the block's stored mentions are assigned again, against the events
        formed by the mentions before that point. A news stream arrives roughly in date order, so that
        tail is short; an old article backfilled into a busy block costs the block's tail after it. An
        event that is formed again keeps its merged id (the id of its earliest re-merged mention).
        Pending dicts get their ``merged_id``; re-merged stored mentions are updated here.
        """
        out = MergeOutcome()
        start: dict[str, tuple[Any, ...]] = dict(starts or {})
        for m in pending:
            _earliest(start, m["block_key"], merge_order(m))
        if not start:
            return out
        b = self.backend
        h = self.rule.horizon_days
        blocks = sorted(start)
        never = dt.date(9999, 12, 31)  # an undated start: no dated event can take what follows it
        keys = pa.table(
            {
                "block_key": pa.array(blocks, pa.string()),
                "u": pa.array([start[k][0] for k in blocks], pa.bool_()),
                "d": pa.array([start[k][1] for k in blocks], pa.date32()),
                "r": pa.array([start[k][2] for k in blocks], pa.int32()),
                "a": pa.array([start[k][3] for k in blocks], pa.string()),
                "e": pa.array([start[k][4] for k in blocks], pa.string()),
                "lo": pa.array(
                    [never if start[k][0] else start[k][1] - dt.timedelta(days=h) for k in blocks],
                    pa.date32(),
                ),
            }
        )
        at_or_after = f"{MERGE_ORDER_SQL.format(p='m.')} >= (k.u, k.d, k.r, k.a, k.e)"
        with b.temp_table("_ew_start", keys) as t:
            redo = b.fetch_arrow(
                f"{_MEMBER_SQL} JOIN {t} k ON m.block_key = k.block_key "
                f"WHERE m.merged_id IS NOT NULL AND {at_or_after}"
            ).to_pylist()
            # events formed before the start that what follows it may join: those dated within the
            # horizon, and (for undated mentions) those of the same article or dedup cluster, any date
            prior_ids = {
                r[0]
                for r in b.fetchall(
                    f"SELECT DISTINCT m.merged_id FROM mentions m JOIN {t} k ON m.block_key = k.block_key "
                    f"WHERE m.merged_id IS NOT NULL AND m.merge_date >= k.lo AND NOT ({at_or_after})"
                )
            }
            undated = sorted(
                {(m["block_key"], cluster_key(m)) for m in [*pending, *redo] if m["merge_date"] is None}
            )
            if undated:
                groups = pa.table(
                    {
                        "block_key": pa.array([k for k, _ in undated], pa.string()),
                        "grp": pa.array([g for _, g in undated], pa.string()),
                    }
                )
                with b.temp_table("_ew_grp", groups) as tg:
                    prior_ids.update(
                        r[0]
                        for r in b.fetchall(
                            "SELECT DISTINCT m.merged_id FROM mentions m JOIN articles a "
                            f"ON a.article_id = m.article_id JOIN {tg} g ON m.block_key = g.block_key "
                            "AND coalesce(a.cluster_id, a.duplicate_of, a.article_id) = g.grp "
                            f"JOIN {t} k ON m.block_key = k.block_key "
                            f"WHERE m.merged_id IS NOT NULL AND NOT ({at_or_after})"
                        )
                    )
        prior = [m for m in self._members(sorted(prior_ids)) if merge_order(m) < start[m["block_key"]]]
        old = {m["event_id"]: m["merged_id"] for m in redo}
        for m in redo:
            m["merged_id"] = None
        clusters = assign(self.rule, [*pending, *redo], prior)
        # Which old ids still belong to an event formed before the changes (they keep them)?
        owned = {m["merged_id"] for m in prior} | self._still_used(set(old.values()), list(old))
        free = set(old.values()) - owned
        fresh = sorted((c for c in clusters if c.merged_id is None), key=lambda c: c.first)
        need = []
        for c in fresh:
            earliest = min((m for m in c.members if m["event_id"] in old), key=merge_order, default=None)
            reuse = old[earliest["event_id"]] if earliest is not None else None
            if reuse is not None and reuse in free:
                c.merged_id = reuse
                free.discard(reuse)
            else:
                need.append(c)
        for c, new_id in zip(need, b.next_ids("merged_id_seq", len(need)), strict=True):
            c.merged_id = new_id
        for c in clusters:
            for m in c.members:
                if m.get("merged_id") is None:
                    m["merged_id"] = c.merged_id
        moved = [m for m in redo if m["merged_id"] != old[m["event_id"]]]
        if moved:
            table = pa.table(
                {
                    "event_id": pa.array([m["event_id"] for m in moved], pa.string()),
                    "merged_id": pa.array([m["merged_id"] for m in moved], pa.int64()),
                }
            )
            with b.temp_table("_ew_moved", table) as t:
                b.execute(
                    f"UPDATE mentions SET merged_id = {t}.merged_id FROM {t} "
                    f"WHERE mentions.event_id = {t}.event_id"
                )
        out.clusters = clusters
        out.new = len(need)
        out.vanished = free
        out.touched = {c.merged_id for c in clusters if c.merged_id is not None} | set(old.values())
        out.remerged = len(redo)
        return out

    def _still_used(self, merged_ids: set[int], except_events: list[str]) -> set[int]:
        """Which of these merged events have a mention other than these."""
        if not merged_ids:
            return set()
        ids = pa.table({"id": pa.array(sorted(merged_ids), pa.int64())})
        evs = pa.table({"id": pa.array(except_events, pa.string())})
        with self.backend.temp_table("_ew_su", ids) as ti, self.backend.temp_table("_ew_sx", evs) as te:
            rows = self.backend.fetchall(
                f"SELECT DISTINCT merged_id FROM mentions WHERE merged_id IN (SELECT id FROM {ti}) "
                f"AND event_id NOT IN (SELECT id FROM {te})"
            )
        return {r[0] for r in rows}

    def _refresh(self, merged_ids: set[int], now: dt.datetime, clusters: Sequence[Cluster] = ()) -> None:
        """Recompute the ``merged_events`` rows of these merged events from their mentions.

        ``clusters`` just built by the merge already hold all their mentions; the others are read back.
        """
        groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for c in clusters:
            if c.merged_id is not None:
                groups[c.merged_id] = c.members
        for m in self._members(merged_ids - set(groups)):
            groups[m["merged_id"]].append(m)
        copies = self._copies({m["article_id"] for ms in groups.values() for m in ms})
        rows = [
            summarize(
                mid, ms, now, [c for a in sorted({m["article_id"] for m in ms}) for c in copies.get(a, ())]
            )
            for mid, ms in sorted(groups.items())
        ]
        cols = columns("merged_events")
        b = self.backend
        with b.temp_table("_ew_ref", pa.table({"id": pa.array(sorted(merged_ids), pa.int64())})) as t:
            b.execute(f"DELETE FROM merged_events WHERE merged_id IN (SELECT id FROM {t})")
        b.insert_arrow(
            "merged_events", to_arrow("merged_events", [tuple(r.get(c) for c in cols) for r in rows])
        )

    def _copies(self, article_ids: set[str]) -> dict[str, list[dict[str, Any]]]:
        """Uncoded duplicate articles of these articles, by the article they copy."""
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for part in chunked(sorted(article_ids), _CHUNK):
            with self.backend.temp_table("_ew_cp", pa.table({"id": pa.array(part, pa.string())})) as t:
                rows = self.backend.fetch_arrow(
                    "SELECT article_id, duplicate_of, source, url, pub_date, fetched_at, stored_at, tone, "
                    "origin "
                    "FROM articles WHERE n_events = 0 AND skipped_reason = 'duplicate' "
                    f"AND duplicate_of IN (SELECT id FROM {t})"
                ).to_pylist()
            for r in rows:
                out[r["duplicate_of"]].append(r)
        return out

    def _copied(self, article_ids: list[str]) -> set[int]:
        """Merged events with mentions in the articles that these (duplicate) articles copy."""
        with self.backend.temp_table("_ew_dup", pa.table({"id": pa.array(article_ids, pa.string())})) as t:
            rows = self.backend.fetchall(
                "SELECT DISTINCT m.merged_id FROM mentions m "
                "JOIN articles a ON a.duplicate_of = m.article_id "
                f"WHERE a.article_id IN (SELECT id FROM {t}) AND m.merged_id IS NOT NULL"
            )
        return {r[0] for r in rows}

    def merge_pending(self, *, chunk: int = 50_000) -> int:
        """Merge mentions stored without a merged event (``write(merge=False)``); returns how many.

        Taken in merge order, ``chunk`` at a time (one transaction each); the result is the same for any
        chunk size (see :meth:`_merge`).
        """
        done = 0
        b = self.backend
        order = MERGE_ORDER_SQL.format(p="m.")[1:-1]
        while True:
            with b.transaction():
                b.write_lock()
                pending = b.fetch_arrow(
                    f"{_MEMBER_SQL} WHERE m.merged_id IS NULL ORDER BY {order} LIMIT {int(chunk)}"
                ).to_pylist()
                if not pending:
                    return done
                outcome = self._merge(pending)
                assigned = pa.table(
                    {
                        "event_id": pa.array([m["event_id"] for m in pending], pa.string()),
                        "merged_id": pa.array([m["merged_id"] for m in pending], pa.int64()),
                    }
                )
                with b.temp_table("_ew_asg", assigned) as t:
                    b.execute(
                        f"UPDATE mentions SET merged_id = {t}.merged_id FROM {t} "
                        f"WHERE mentions.event_id = {t}.event_id"
                    )
                self._refresh(outcome.touched, utcnow(), outcome.clusters)
                done += len(pending)

    def remerge(self, rule: MergeRule | None = None) -> int:
        """Merge every mention again from scratch, under ``rule`` (kept as the database's rule)."""
        self.rule = rule or self.rule
        self._save_rule(self.rule)
        b = self.backend
        with b.transaction():
            b.write_lock()
            b.execute("UPDATE mentions SET merged_id = NULL")
            b.execute("DELETE FROM merged_events")
            keys = b.fetch_arrow(
                "SELECT event_id, event, cameo, cameo_root, modality, actor_codes, recipient_codes "
                "FROM mentions"
            ).to_pylist()
            table = pa.table(
                {
                    "event_id": pa.array([k["event_id"] for k in keys], pa.string()),
                    "block_key": pa.array([self.rule.block_key(k) for k in keys], pa.string()),
                }
            )
            with b.temp_table("_ew_keys", table) as t:
                b.execute(
                    f"UPDATE mentions SET block_key = {t}.block_key FROM {t} "
                    f"WHERE mentions.event_id = {t}.event_id"
                )
        return self.merge_pending()

    # --- runs ------------------------------------------------------------------------------------------

    def start_run(self, sources: Sequence[str]) -> int:
        """Record the start of a pipeline run; returns its id.

        Runs still marked ``running`` whose process is gone (killed with SIGKILL, power lost) are marked
        ``interrupted`` first. The run holds a claim on its id while it lives (a PostgreSQL session
        lock, released by the server when the session ends however it ends), which is how another run
        tells a live run from a dead one.
        """
        self.mark_abandoned_runs()
        with self.backend.transaction():
            self.backend.write_lock()
            run_id = self.backend.next_ids("run_id_seq", 1)[0]
            self.backend.execute(
                "INSERT INTO runs (run_id, started_at, status, sources, documents, events, skipped) "
                "VALUES (?, ?, 'running', ?, 0, 0, 0)",
                [run_id, utcnow(), json.dumps(list(sources))],
            )
        self.backend.claim_run(run_id)
        return run_id

    def mark_abandoned_runs(self) -> list[int]:
        """Mark ``interrupted`` the runs still ``running`` whose process is gone; returns their ids."""
        running = [r[0] for r in self.backend.fetchall("SELECT run_id FROM runs WHERE status = 'running'")]
        gone = [r for r in running if self.backend.run_abandoned(r)]
        if gone:
            with self.backend.transaction():
                self.backend.write_lock()
                for r in gone:
                    self.backend.execute(
                        "UPDATE runs SET status = 'interrupted' WHERE run_id = ? AND status = 'running'", [r]
                    )
        return gone

    def finish_run(
        self, run_id: int, *, status: str, documents: int, events: int, skip_reasons: dict[str, int]
    ) -> None:
        """Record how a run ended (``done``, ``interrupted``, ``failed``).

        An interrupt can leave the connection in the middle of a command: then it is recovered (a new
        session) and the record written there; failing that, the next run marks this one interrupted.
        """
        try:
            self._finish_run(run_id, status, documents, events, skip_reasons)
        except Exception:  # noqa: BLE001 - whatever the driver raises for a connection left mid-command
            self.backend.recover()
            self._finish_run(run_id, status, documents, events, skip_reasons)

    def _finish_run(
        self, run_id: int, status: str, documents: int, events: int, skip_reasons: dict[str, int]
    ) -> None:
        with self.backend.transaction():
            self.backend.write_lock()
            self.backend.execute(
                "UPDATE runs SET finished_at = ?, status = ?, documents = ?, events = ?, skipped = ?, "
                "skip_reasons = ? WHERE run_id = ?",
                [
                    utcnow(),
                    status,
                    documents,
                    events,
                    sum(skip_reasons.values()),
                    json.dumps(skip_reasons),
                    run_id,
                ],
            )
        self.backend.release_run(run_id)

    # --- reading ---------------------------------------------------------------------------------------

    def events(self, where: EventFilter | None = None, *, limit: int | None = None) -> pa.Table:
        """Merged events (one per real-world event) as an Arrow table, by date."""
        cond, params = (where or EventFilter()).where("events")
        lim = f" LIMIT {int(limit)}" if limit is not None else ""
        sql = f"SELECT * FROM merged_events WHERE {cond} ORDER BY event_date, merged_id{lim}"
        return typed_table(self.backend.fetch_arrow(sql, params), "merged_events")

    def mentions(self, where: EventFilter | None = None, *, limit: int | None = None) -> pa.Table:
        """Event mentions (one per coded event in one article) with their article's URL, source and title."""
        cond, params = (where or EventFilter()).where("mentions", "m")
        lim = f" LIMIT {int(limit)}" if limit is not None else ""
        sql = (
            "SELECT m.*, a.url, a.source, a.title, a.pub_date FROM mentions m JOIN articles a "
            f"ON a.article_id = m.article_id WHERE {cond} ORDER BY m.merge_date, m.event_id{lim}"
        )
        return typed_table(typed_table(self.backend.fetch_arrow(sql, params), "mentions"), "articles")

    def count(self, where: EventFilter | None = None, *, level: str = "events") -> int:
        """How many merged events (``level="events"``) or mentions the filter selects."""
        cond, params = (where or EventFilter()).where(level)
        table = "merged_events" if level == "events" else "mentions"
        return int(self.backend.fetchall(f"SELECT count(*) FROM {table} WHERE {cond}", params)[0][0])

    def events_df(self, where: EventFilter | None = None, *, limit: int | None = None) -> pd.DataFrame:
        """:meth:`events` as a pandas DataFrame (Arrow-backed dtypes: the columns keep the table's types)."""
        from ..frames import frame

        return frame(self.events(where, limit=limit))

    def mentions_df(self, where: EventFilter | None = None, *, limit: int | None = None) -> pd.DataFrame:
        """:meth:`mentions` as a pandas DataFrame (Arrow-backed dtypes)."""
        from ..frames import frame

        return frame(self.mentions(where, limit=limit))

    def sql_df(self, query: str) -> pd.DataFrame:
        """:meth:`sql` as a pandas DataFrame (Arrow-backed dtypes)."""
        from ..frames import frame

        return frame(self.sql(query))

    def sql(self, query: str, *, timeout: float | None = None) -> pa.Table:
        """Run one read-only SQL statement (the ``--sql`` passthrough) and return an Arrow table.

        Anything but one read (``SELECT``, ``WITH``, ``SHOW``, ``EXPLAIN`` ...) is refused before it runs;
        the statement is stopped after ``timeout`` seconds (default: the store's ``sql_timeout``). On
        PostgreSQL it runs in a read-only transaction, as ``sql_role`` when the store was opened with one.
        On DuckDB a store opened read-only is a sandbox that cannot reach files, extensions or other
        databases: open it so (``read_only=True``, as ``eventwire query`` does) to run untrusted SQL.
        """
        return self.backend.read_query(
            query, timeout=self.sql_timeout if timeout is None else timeout, role=self.sql_role
        )

    def get_events(self, event_ids: Sequence[str]) -> list[Event]:
        """The stored events with these ids, rebuilt as :class:`Event` records (in the order asked)."""
        found: dict[str, Event] = {}
        for part in chunked(list(event_ids), _CHUNK):
            with self.backend.temp_table("_ew_get", pa.table({"id": pa.array(part, pa.string())})) as t:
                ms = self.backend.fetch_arrow(
                    f"SELECT * FROM mentions WHERE event_id IN (SELECT id FROM {t})"
                )
                acts = self.backend.fetch_arrow(
                    f"SELECT * FROM actors WHERE event_id IN (SELECT id FROM {t})"
                )
            for ev in events_from_rows(
                typed_table(ms, "mentions").to_pylist(), typed_table(acts, "actors").to_pylist()
            ):
                found[ev.event_id] = ev
        return [found[i] for i in event_ids if i in found]

    def iter_events(
        self, where: EventFilter | None = None, *, batch: int = _CHUNK
    ) -> Iterator[tuple[Event, int | None]]:
        """Every selected mention as an :class:`Event`, with its merged id, in date order (streamed).

        Pages by key (``merge_date``, ``event_id``), so memory stays flat however many mentions match.
        """
        cond, params = (where or EventFilter()).where("mentions")
        after: tuple[Any, ...] = ()
        day = f"coalesce(merge_date, DATE '{_LAST_DAY.isoformat()}')"  # undated mentions come last
        while True:
            page = f" AND ({day}, event_id) > (?, ?)" if after else ""
            part = self.backend.fetchall(
                f"SELECT event_id, merged_id, {day} FROM mentions WHERE ({cond}){page} "
                f"ORDER BY {day}, event_id LIMIT {int(batch)}",
                [*params, *after],
            )
            if not part:
                return
            merged = {r[0]: r[1] for r in part}
            for ev in self.get_events([r[0] for r in part]):
                yield ev, merged[ev.event_id]
            after = (part[-1][2], part[-1][0])

    # --- reading for exports --------------------------------------------------------------------------

    def merged_ids(self, where: EventFilter | None = None) -> list[int]:
        """The ids of the selected merged events, by date."""
        cond, params = (where or EventFilter()).where("events")
        sql = f"SELECT merged_id FROM merged_events WHERE {cond} ORDER BY event_date, merged_id"
        return [r[0] for r in self.backend.fetchall(sql, params)]

    def _by_ids(self, sql: str, ids: Sequence[Any], kind: pa.DataType, known: str) -> pa.Table:
        """``sql`` (``{ids}``: a one-column table of ids) over ``ids``, typed as the table ``known``."""
        parts = []
        for part in chunked(list(ids), _CHUNK):
            with self.backend.temp_table("_ew_by_ids", pa.table({"id": pa.array(part, kind)})) as t:
                parts.append(typed_table(self.backend.fetch_arrow(sql.format(ids=t)), known))
        if not parts:
            return arrow_schema(known).empty_table()
        return pa.concat_tables(parts, promote_options="permissive")

    def events_by_id(self, merged_ids: Sequence[int]) -> pa.Table:
        """These merged events (``merged_events`` rows), by date."""
        return self._by_ids(
            "SELECT * FROM merged_events WHERE merged_id IN (SELECT id FROM {ids}) "
            "ORDER BY event_date, merged_id",
            merged_ids,
            pa.int64(),
            "merged_events",
        )

    def mentions_of(self, merged_ids: Sequence[int]) -> pa.Table:
        """The mentions of these merged events, with their article's URL, source, title, language and
        publication date, by merge date."""
        table = self._by_ids(
            "SELECT m.*, a.url, a.source, a.title, a.language, a.pub_date FROM mentions m JOIN "
            "articles a ON a.article_id = m.article_id WHERE m.merged_id IN (SELECT id FROM {ids}) "
            "ORDER BY m.merge_date, m.event_id",
            merged_ids,
            pa.int64(),
            "mentions",
        )
        return typed_table(table, "articles")

    def actors_of(self, event_ids: Sequence[str]) -> pa.Table:
        """The actors, recipients and sources of these mentions (``actors`` rows), by mention and slot."""
        return self._by_ids(
            "SELECT * FROM actors WHERE event_id IN (SELECT id FROM {ids}) ORDER BY event_id, slot, position",
            sorted(set(event_ids)),
            pa.string(),
            "actors",
        )

    def mention_evidence(self, where: EventFilter | None = None) -> pa.Table:
        """One row per mention of the selected merged events, with where its evidence is: the merged
        event's ``added_at``, the article (``url``, ``source``, ``fetched_at``, ``pub_date``,
        ``stored_at``, ``text_length``), the sentence (``sentence_start``, ``sentence_length``) and the
        offsets of the first actor and recipient (``actor_start``, ``recipient_start``); by merged id."""
        cond, params = (where or EventFilter()).where("events")
        return self.backend.fetch_arrow(
            _EVIDENCE_SQL.format(ids=f"SELECT merged_id FROM merged_events WHERE {cond}"), params
        )

    def count_mentions_of(self, where: EventFilter | None = None) -> int:
        """How many mentions the selected merged events have."""
        where = where or EventFilter()
        chosen, params = ("TRUE", []) if where == EventFilter() else _chosen(where)
        return int(self.backend.fetchall(f"SELECT count(*) FROM mentions WHERE {chosen}", params)[0][0])

    def write_tables(self, folder: Path, fmt: str, where: EventFilter | None = None) -> list[str]:
        """Write the selected merged events and what they link to as one file per table of
        :data:`TABLE_FILES` (``events``, ``mentions``, ``actors``, ``articles`` without their text), in
        ``parquet`` (typed) or ``csv`` (lists ``|``-joined, booleans ``true``/``false``); returns the paths.

        The database writes the files itself where it can (DuckDB streams a query into a file, two at once).
        """
        where = where or EventFilter()
        cond, params = where.where("events")
        if where == EventFilter():  # everything: the whole tables, no join to evaluate
            queries = {
                "events": "FROM merged_events ORDER BY event_date, merged_id",
                "mentions": "FROM mentions",
                "actors": "FROM actors",
                "articles": "FROM articles",
            }
        else:  # the selected merged events, their mentions, their mentions' actors and articles
            chosen = _chosen(where)[0]
            ments = f"SELECT {{col}} FROM mentions WHERE {chosen}"
            queries = {
                "events": f"FROM merged_events WHERE {cond} ORDER BY event_date, merged_id",
                "mentions": f"FROM mentions WHERE {chosen}",
                "actors": f"FROM actors WHERE event_id IN ({ments.format(col='event_id')})",
                "articles": f"FROM articles WHERE article_id IN ({ments.format(col='article_id')})",
            }

        def write(name: str) -> str:
            cols, schema = _export_columns(TABLE_FILES[name], fmt)
            path = Path(folder) / f"{name}.{fmt}"
            self.backend.copy_to(
                f"SELECT {cols} {queries[name]}", params, path, fmt, schema if fmt == "parquet" else None
            )
            return str(path)

        workers = 2 if self.backend.parallel_copies else 1
        with ThreadPoolExecutor(max_workers=workers) as pool:
            files = list(pool.map(write, ("mentions", "actors", "events", "articles")))
        return sorted(files, key=lambda f: list(TABLE_FILES).index(Path(f).stem))

    def get_articles(self, article_ids: Sequence[str]) -> list[Article]:
        """Stored articles by id (text is "" when the store was opened with ``keep_text=False``)."""
        out: dict[str, Article] = {}
        for part in chunked(list(article_ids), _CHUNK):
            with self.backend.temp_table("_ew_garts", pa.table({"id": pa.array(part, pa.string())})) as t:
                rows = typed_table(
                    self.backend.fetch_arrow(
                        f"SELECT * FROM articles WHERE article_id IN (SELECT id FROM {t})"
                    ),
                    "articles",
                ).to_pylist()
            out.update({r["article_id"]: article_from_row(r) for r in rows})
        return [out[i] for i in article_ids if i in out]

    def info(self) -> StoreInfo:
        """Counts, schema version, merge rule and the last run."""
        counts = {
            t: int(self.backend.fetchall(f"SELECT count(*) FROM {t}")[0][0])
            for t in ("articles", "mentions", "actors", "merged_events", "runs")
        }
        last = self.backend.fetchall(
            "SELECT run_id, started_at, finished_at, status, documents, events, skipped FROM runs "
            "ORDER BY run_id DESC LIMIT 1"
        )
        last_run = None
        if last:
            keys = ("run_id", "started_at", "finished_at", "status", "documents", "events", "skipped")
            last_run = {
                k: (v.isoformat() if isinstance(v, dt.datetime) else v)
                for k, v in zip(keys, last[0], strict=True)
            }
        return StoreInfo(
            url=redact(self.backend.url),
            backend=self.backend.dialect,
            schema_version=schema_version(self.backend),
            counts=counts,
            rule=self.rule,
            last_run=last_run,
        )


def open_store(
    url: str | Path = "eventwire.duckdb",
    *,
    read_only: bool = False,
    rule: MergeRule | None = None,
    keep_text: bool = True,
    upgrade: bool = False,
    migrations: Sequence[Migration] = MIGRATIONS,
    sql_timeout: float = 60.0,
    sql_role: str | None = None,
) -> Store:
    """Open (creating when new) the event database at ``url``: a DuckDB file path or ``postgresql://`` URL.

    ``read_only`` opens it for reading only: a DuckDB file as a sandbox (no file, extension or database
    reachable from SQL), a PostgreSQL session whose every transaction is read-only. ``sql_timeout`` and
    ``sql_role`` (a PostgreSQL role with read rights only) govern :meth:`Store.sql`.
    A new database gets the current schema. An existing one with an older schema is refused unless
    ``upgrade`` (``eventwire db upgrade``); one with a newer schema is always refused.
    """
    current = migrations[-1].version
    backend = open_backend(str(url), read_only=read_only)
    try:
        version = schema_version(backend)
        if version > current:
            raise StoreError(
                f"{redact(str(url))} has schema version {version}, newer than this eventwire understands "
                f"({current}); upgrade eventwire"
            )
        if version == 0 and read_only:
            raise StoreError(
                f"{redact(str(url))} holds no eventwire data yet: run `eventwire run SOURCES --db {url}`"
            )
        if 0 < version < current and not upgrade:
            raise StoreError(
                f"{redact(str(url))} has schema version {version} and this eventwire needs {current}: "
                f"back it up, then run `eventwire db upgrade --db {redact(str(url))}`"
            )
        if version < current:
            if read_only:
                raise StoreError(f"{redact(str(url))} needs `eventwire db upgrade` before it can be read")
            apply_migrations(backend, migrations)
        missing = [t for t in TABLES if not backend.table_columns(t)]
        if missing:
            raise StoreError(
                f"{redact(str(url))} lacks the table(s) {', '.join(missing)} that eventwire keeps its data "
                "in: the database was damaged or changed by hand; restore it from a backup"
            )
        return Store(backend, rule=rule, keep_text=keep_text, sql_timeout=sql_timeout, sql_role=sql_role)
    except BaseException:
        backend.close()
        raise


def upgrade(url: str | Path, migrations: Sequence[Migration] = MIGRATIONS) -> tuple[int, list[str]]:
    """Bring the database at ``url`` to the current schema: returns (version before, migrations applied)."""
    backend = open_backend(str(url))
    try:
        before = schema_version(backend)
        if before > migrations[-1].version:
            raise StoreError(
                f"{redact(str(url))} has schema version {before}, newer than this eventwire understands "
                f"({migrations[-1].version}); upgrade eventwire"
            )
        return before, apply_migrations(backend, migrations)
    finally:
        backend.close()
