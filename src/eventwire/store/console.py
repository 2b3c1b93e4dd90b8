"""What ``eventwire query`` and ``db`` show people: tables, rows and the database summary (rich)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

from .store import StoreInfo


def print_info(info: StoreInfo, console: Any) -> None:
    """``eventwire db info``: where, schema version, row counts, merge rule, last run."""
    console.print(f"{info.url} ({info.backend}), schema version {info.schema_version}", markup=False)
    for table, n in info.counts.items():
        console.print(f"  {table:<14} {n:>12,}", markup=False)
    rule = ", ".join(f"{k}={v}" for k, v in info.rule.to_dict().items())
    console.print(f"merge rule: {rule}", markup=False, highlight=False)
    if info.last_run:
        r = info.last_run
        console.print(
            f"last run #{r['run_id']}: {r['status']}, started {r['started_at']}, {r['documents']} "
            f"documents, {r['events']} events, {r['skipped']} skipped",
            markup=False,
            highlight=False,
        )


_EVENT_COLS = (
    "merged_id",
    "event_date",
    "actor_code",
    "recipient_code",
    "event",
    "cameo",
    "quad_class",
    "goldstein",
    "modality",
    "num_mentions",
    "num_sources",
    "num_articles",
    "loc_name",
)
_MENTION_COLS = (
    "event_id",
    "merge_date",
    "actor_code",
    "recipient_code",
    "event",
    "cameo",
    "modality",
    "merged_id",
    "source",
    "event_text",
)


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, list):
        return "|".join(map(str, v))
    return str(v)


def print_table(table: pa.Table, console: Any, *, level: str = "sql", total: int | None = None) -> None:
    """A result as a terminal table (the useful columns of events or mentions; all columns of SQL results)."""
    from rich.table import Table

    wanted = {"events": _EVENT_COLS, "mentions": _MENTION_COLS}.get(level)
    cols = [c for c in wanted if c in table.column_names] if wanted else table.column_names
    out = Table(show_edge=False)
    for c in cols:
        out.add_column(c, overflow="fold")
    for row in table.select(cols).to_pylist():
        out.add_row(*(_cell(row[c]) for c in cols))
    console.print(out)
    if total is not None and total > table.num_rows:
        console.print(
            f"(showing {table.num_rows} of {total}; use --limit, or --format csv/jsonl for all)", markup=False
        )


def _jsonable(v: Any) -> Any:
    return v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v


def write_rows(table: pa.Table, fmt: str, out: Any) -> None:
    """A result as ``csv`` (header, lists joined with ``|``), ``json`` (one array) or ``jsonl``."""
    import json

    if fmt == "csv":
        import csv

        w = csv.writer(out)
        w.writerow(table.column_names)
        for row in table.to_pylist():
            w.writerow([_cell(v) for v in row.values()])
        return
    rows = ({k: _jsonable(v) for k, v in r.items()} for r in table.to_pylist())
    if fmt == "json":
        json.dump(list(rows), out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    for r in rows:
        out.write(json.dumps(r, ensure_ascii=False) + "\n")
