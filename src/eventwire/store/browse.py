"""Reading the store the way a dashboard or an API does: keyset pages, counts by period, breakdowns,
dyads and places, each for an :class:`~eventwire.store.EventFilter`.

:class:`Browse` is mixed into :class:`~eventwire.store.Store`: every query here runs through the store's
backend, takes the same filter as ``eventwire query`` and ``eventwire export``, and returns Arrow tables.
Columns that a caller chooses (``by``, ``period``) come from fixed tables, never from the caller's text.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ..errors import InputError

if TYPE_CHECKING:
    from .backend import Backend
    from .store import EventFilter

LEVELS = ("events", "mentions")
"""``events``: merged events (one per real-world event); ``mentions``: one per coded event in one article."""

PERIODS = ("day", "week", "month", "year")
"""Timeline buckets; weeks start on Monday (ISO), as in both databases' ``date_trunc``."""

BY: dict[str, str] = {
    "quad_class": "quad_class",
    "event": "event",
    "cameo_root": "cameo_root",
    "cameo": "cameo",
    "mode": "mode",
    "modality": "modality",
    "goldstein": "goldstein",
    "actor_code": "actor_code",
    "recipient_code": "recipient_code",
    "actor_country": "actor_country",
    "recipient_country": "recipient_country",
    "loc_country": "loc_country",
}
"""What counts can be broken down by, and the expression each groups on (``goldstein``: whole-number
bins, ``-3`` holds ``-3.0 <= g < -2.0``)."""

MAX_PAGE = 1000
"""The largest page any caller may ask for."""

_LOW_DATE = dt.date(1, 1, 1)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of rows and the cursor of the next (``None`` on the last page)."""

    rows: pa.Table
    next: str | None


def _choice(value: str, allowed: tuple[str, ...] | dict[str, str], what: str) -> str:
    if value not in allowed:
        raise InputError(f"unknown {what} {value!r}: use one of {', '.join(allowed)}")
    return value


def encode_cursor(order: str, key: tuple[Any, ...]) -> str:
    """An opaque cursor for the row after ``key`` (``("d", date, id)`` dated, ``("u", id)`` undated)."""
    parts = [order, *(v.isoformat() if isinstance(v, dt.date) else v for v in key)]
    raw = json.dumps(parts, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, order: str, id_type: type) -> tuple[Any, ...]:
    """The key a cursor of :func:`encode_cursor` holds; :class:`InputError` for anything else."""
    bad = InputError(
        f"cursor {cursor[:40]!r} is not one this store gave for order={order}: "
        "start again from the first page (no cursor)"
    )
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad from None
    if not isinstance(parts, list) or not parts or parts[0] != order:
        raise bad
    try:
        if parts[1] == "d" and len(parts) == 4 and isinstance(parts[3], id_type):
            return ("d", dt.date.fromisoformat(parts[2]), parts[3])
        if parts[1] == "u" and len(parts) == 3 and isinstance(parts[2], id_type):
            return ("u", parts[2])
    except (TypeError, ValueError):
        raise bad from None
    raise bad


@dataclass(frozen=True, slots=True)
class _Level:
    table: str  # FROM clause
    alias: str  # alias of the filtered table
    date: str  # the date column the filter and pages use
    key: str  # the unique tie-breaker
    key_type: type
    select: str


_LEVELS = {
    "events": _Level("merged_events e", "e", "e.event_date", "e.merged_id", int, "e.*"),
    "mentions": _Level(
        "mentions m JOIN articles a ON a.article_id = m.article_id",
        "m",
        "m.merge_date",
        "m.event_id",
        str,
        "m.*, a.url, a.source, a.title, a.pub_date",
    ),
}


class Browse:
    """Pages, counts, dyads and places over the store (mixed into :class:`~eventwire.store.Store`)."""

    backend: Backend

    def _cond(self, where: EventFilter | None, level: str) -> tuple[_Level, str, list[Any]]:
        from .store import EventFilter

        lv = _LEVELS[_choice(level, LEVELS, "level")]
        cond, params = (where or EventFilter()).where(level, lv.alias)
        return lv, cond, params

    def page(
        self,
        where: EventFilter | None = None,
        *,
        level: str = "events",
        after: str | None = None,
        limit: int = 50,
        order: str = "desc",
    ) -> Page:
        """One page of merged events (``level="events"``) or mentions, newest first (``order="desc"``)
        or oldest first (``"asc"``), events without a date last; ``after`` is the cursor the previous
        page returned. Pages are keyset pages: stable while rows are added, and as fast deep as shallow.
        """
        _choice(order, ("desc", "asc"), "order")
        if not 1 <= limit <= MAX_PAGE:
            raise InputError(f"page size {limit} is out of range: ask for 1 to {MAX_PAGE} rows")
        lv, cond, params = self._cond(where, level)
        cur = decode_cursor(after, order, lv.key_type) if after else None
        cmp, direction = ("<", "DESC") if order == "desc" else (">", "ASC")
        parts: list[pa.Table] = []
        got = 0
        if cur is None or cur[0] == "d":
            extra, more = f"{lv.date} IS NOT NULL", []
            if cur is not None:
                extra += f" AND ({lv.date}, {lv.key}) {cmp} (?, ?)"
                more = [cur[1], cur[2]]
            t = self.backend.fetch_arrow(
                f"SELECT {lv.select} FROM {lv.table} WHERE ({cond}) AND {extra} "
                f"ORDER BY {lv.date} {direction}, {lv.key} {direction} LIMIT {limit + 1}",
                [*params, *more],
            )
            parts.append(t)
            got = t.num_rows
        if got <= limit:
            extra, more = f"{lv.date} IS NULL", []
            if cur is not None and cur[0] == "u":
                extra += f" AND {lv.key} {cmp} ?"
                more = [cur[1]]
            parts.append(
                self.backend.fetch_arrow(
                    f"SELECT {lv.select} FROM {lv.table} WHERE ({cond}) AND {extra} "
                    f"ORDER BY {lv.key} {direction} LIMIT {limit + 1 - got}",
                    [*params, *more],
                )
            )
        rows = _typed(_concat(parts), level)
        if rows.num_rows <= limit:
            return Page(rows, None)
        rows = rows.slice(0, limit)
        date_col = "event_date" if level == "events" else "merge_date"
        key_col = "merged_id" if level == "events" else "event_id"
        last_date = rows.column(date_col)[limit - 1].as_py()
        last_key = rows.column(key_col)[limit - 1].as_py()
        key = ("d", last_date, last_key) if last_date is not None else ("u", last_key)
        return Page(rows, encode_cursor(order, key))

    def timeline(
        self,
        where: EventFilter | None = None,
        *,
        period: str = "day",
        by: str | None = None,
        level: str = "events",
    ) -> pa.Table:
        """Counts by period (``day``, ``week``, ``month``, ``year``), optionally split ``by`` a column of
        :data:`BY`: columns ``period`` (the first day of the bucket), ``key`` (null without ``by``), ``n``
        and ``goldstein`` (the mean). Events without a date are not counted."""
        lv, cond, params = self._cond(where, level)
        _choice(period, PERIODS, "period")
        bucket = lv.date if period == "day" else f"CAST(date_trunc('{period}', {lv.date}) AS DATE)"
        key = _key(lv.alias, by) if by is not None else "NULL"
        sql = (
            f"SELECT {bucket} AS period, {key} AS key, count(*) AS n, avg({lv.alias}.goldstein) AS goldstein "
            f"FROM {lv.table} WHERE ({cond}) AND {lv.date} IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2"
        )
        t = self.backend.fetch_arrow(sql, params)
        return _cast(t, {"period": pa.date32(), "n": pa.int64(), "goldstein": pa.float64()})

    def breakdown(
        self, where: EventFilter | None = None, by: str = "event", *, level: str = "events", limit: int = 100
    ) -> pa.Table:
        """Counts by one column of :data:`BY`, most frequent first: ``key``, ``n``, ``goldstein`` (mean)."""
        lv, cond, params = self._cond(where, level)
        sql = (
            f"SELECT {_key(lv.alias, by)} AS key, count(*) AS n, avg({lv.alias}.goldstein) AS goldstein "
            f"FROM {lv.table} WHERE {cond} GROUP BY 1 ORDER BY n DESC, key LIMIT {int(limit)}"
        )
        return _cast(self.backend.fetch_arrow(sql, params), {"n": pa.int64(), "goldstein": pa.float64()})

    def dyads(self, where: EventFilter | None = None, *, level: str = "events", limit: int = 200) -> pa.Table:
        """Directed actor pairs (first actor -> first recipient), most frequent first: ``actor_code``,
        ``recipient_code``, ``n``, ``goldstein`` (mean), ``mentions`` (sum; ``n`` for mentions), and
        each side's name and country (the alphabetically first seen)."""
        lv, cond, params = self._cond(where, level)
        a = lv.alias
        mentions = f"sum({a}.num_mentions)" if level == "events" else "count(*)"
        sql = (
            f"SELECT {a}.actor_code, {a}.recipient_code, count(*) AS n, avg({a}.goldstein) AS goldstein, "
            f"{mentions} AS mentions, min({a}.actor_name) AS actor_name, "
            f"min({a}.recipient_name) AS recipient_name, min({a}.actor_country) AS actor_country, "
            f"min({a}.recipient_country) AS recipient_country FROM {lv.table} WHERE ({cond}) "
            f"AND {a}.actor_code IS NOT NULL AND {a}.recipient_code IS NOT NULL "
            f"GROUP BY {a}.actor_code, {a}.recipient_code ORDER BY n DESC, 1, 2 LIMIT {int(limit)}"
        )
        return _cast(
            self.backend.fetch_arrow(sql, params),
            {"n": pa.int64(), "goldstein": pa.float64(), "mentions": pa.int64()},
        )

    def extent(self, where: EventFilter | None = None, *, level: str = "events") -> tuple[Any, Any]:
        """The first and last event date the filter selects (``(None, None)`` when none is dated)."""
        lv, cond, params = self._cond(where, level)
        sql = f"SELECT min({lv.date}), max({lv.date}) FROM {lv.table} WHERE {cond}"
        row = self.backend.fetchall(sql, params)
        return row[0][0], row[0][1]

    def places(
        self, where: EventFilter | None = None, *, level: str = "events", limit: int = 5000
    ) -> pa.Table:
        """Where the selected events happened, one row per place, most events first: ``geonameid``,
        ``name``, ``lat``, ``lon``, ``country``, ``precision``, ``n``, ``goldstein`` (mean) and ``q1`` ..
        ``q4`` (events of each quad class). Events without coordinates are left out."""
        lv, cond, params = self._cond(where, level)
        a = lv.alias
        quads = ", ".join(
            f"sum(CASE WHEN {a}.quad_class = {q} THEN 1 ELSE 0 END) AS q{q}" for q in (1, 2, 3, 4)
        )
        sql = (
            f"SELECT {a}.loc_geonameid AS geonameid, min({a}.loc_name) AS name, {a}.loc_lat AS lat, "
            f"{a}.loc_lon AS lon, min({a}.loc_country) AS country, min({a}.loc_precision) AS precision, "
            f"count(*) AS n, avg({a}.goldstein) AS goldstein, {quads} FROM {lv.table} WHERE ({cond}) "
            f"AND {a}.loc_lat IS NOT NULL AND {a}.loc_lon IS NOT NULL "
            f"GROUP BY {a}.loc_geonameid, {a}.loc_lat, {a}.loc_lon ORDER BY n DESC, name LIMIT {int(limit)}"
        )
        types = {"geonameid": pa.int64(), "lat": pa.float64(), "lon": pa.float64(), "n": pa.int64()}
        types.update({"goldstein": pa.float64(), **{f"q{q}": pa.int64() for q in (1, 2, 3, 4)}})
        return _cast(self.backend.fetch_arrow(sql, params), types)


def _key(alias: str, by: str) -> str:
    """The grouping expression of a breakdown ``by`` (a name of :data:`BY`), on the table ``alias``."""
    _choice(by, BY, "breakdown")
    if by == "goldstein":
        return f"CAST(floor({alias}.goldstein) AS INTEGER)"
    return f"{alias}.{BY[by]}"


def _concat(parts: list[pa.Table]) -> pa.Table:
    parts = [p for p in parts if p.num_columns]
    nonempty = [p for p in parts if p.num_rows]
    if not nonempty:
        return parts[0] if parts else pa.table({})
    return pa.concat_tables(nonempty, promote_options="permissive") if len(nonempty) > 1 else nonempty[0]


def _typed(table: pa.Table, level: str) -> pa.Table:
    from .store import typed_table

    if level == "events":
        return typed_table(table, "merged_events")
    return typed_table(typed_table(table, "mentions"), "articles")


def _cast(table: pa.Table, types: dict[str, pa.DataType]) -> pa.Table:
    """Aggregates typed the same on both backends (PostgreSQL results are inferred from Python values)."""
    cols = []
    for name, col in zip(table.column_names, table.columns, strict=True):
        want = types.get(name)
        if want is not None and col.type != want:
            col = col.cast(want) if not pa.types.is_null(col.type) else pa.nulls(len(col), want)
        cols.append(col)
    return pa.table(cols, names=table.column_names)
