"""What the store needs from a database (the :class:`Backend` protocol) and helpers both backends share.

Which backend serves a URL is :mod:`eventwire.store.registry`'s business.

Both backends speak the same small protocol: run SQL with ``?`` placeholders, return rows or Arrow
tables, bulk-insert an Arrow table (DuckDB scans it directly; PostgreSQL takes it through ``COPY``),
expose an Arrow table as a temporary table for joins, and hand out ids from a sequence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from ..errors import StoreError
from .schema import _ARROW

TIMEOUT_MESSAGE = (
    "the query ran longer than {seconds:g} s and was stopped: narrow the filter (dates, actors, types) "
    "or raise the timeout"
)
SQL_TIMEOUT = "the query ran longer than {seconds:g} s and was stopped (raise --sql-timeout to let it run)"
"""What ``query --sql`` says when its statement is stopped."""
READ_STATEMENTS = ("SELECT", "WITH", "VALUES", "TABLE", "FROM", "SHOW", "DESCRIBE", "SUMMARIZE", "EXPLAIN")
"""The statements untrusted SQL (``query --sql``) may be: reads only."""


class Backend(Protocol):
    """A database connection the store runs on (DuckDB file or PostgreSQL server)."""

    dialect: str
    url: str
    read_only: bool
    parallel_copies: bool

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one statement (``?`` placeholders)."""
        ...

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a query and return its rows."""
        ...

    def fetch_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """Run a query and return an Arrow table."""
        ...

    def insert_arrow(self, table: str, data: pa.Table) -> None:
        """Bulk-insert ``data`` (columns named as in ``table``)."""
        ...

    def temp_table(self, name: str, data: pa.Table) -> AbstractContextManager[str]:
        """Expose ``data`` as a table named ``name`` for the duration of the block."""
        ...

    def transaction(self) -> AbstractContextManager[None]:
        """One transaction: committed at the end of the block, rolled back on error."""
        ...

    def next_ids(self, sequence: str, n: int) -> list[int]:
        """``n`` new values from a sequence."""
        ...

    def copy_to(
        self, sql: str, params: Sequence[Any], path: Path, fmt: str, schema: pa.Schema | None = None
    ) -> None:
        """Write a query's result to a ``parquet`` (typed as ``schema``) or ``csv`` (with header) file.

        Safe to call from several threads at once when ``parallel_copies`` is true.
        """
        ...

    def write_lock(self) -> None:
        """Inside a transaction: wait until no other writer is in one (a no-op where writers are unique)."""
        ...

    def table_columns(self, table: str) -> list[str]:
        """The columns a table has in the database (empty if it does not exist)."""
        ...

    def fork(self) -> Backend:
        """Another connection to the same database, with the same settings, for another thread (a
        connection serves one thread at a time). Close it when done; the first connection stays open."""
        ...

    def set_timeout(self, seconds: float | None) -> None:
        """Stop every later statement on this connection that runs longer than ``seconds`` (``None``:
        no limit) with :class:`~eventwire.errors.QueryTimeoutError`."""
        ...

    def recover(self) -> None:
        """Make the connection usable again after an interrupt hit it in the middle of a command."""
        ...

    def claim_run(self, run_id: int) -> None:
        """Hold a claim on a live run for as long as this connection lives (see :meth:`run_abandoned`)."""
        ...

    def release_run(self, run_id: int) -> None:
        """Give up the claim of :meth:`claim_run` (the run ended)."""
        ...

    def run_abandoned(self, run_id: int) -> bool:
        """Whether nobody holds the claim of a run marked running (its process is gone)."""
        ...

    def read_query(self, sql: str, *, timeout: float, role: str | None = None) -> pa.Table:
        """Run one untrusted, read-only statement (``query --sql``) in a sandbox and return its rows.

        One statement of :data:`READ_STATEMENTS`, else :class:`StoreError` before anything runs; stopped
        after ``timeout`` seconds. PostgreSQL: a read-only transaction (rolled back), as ``role`` when
        given. DuckDB: a store opened read-only cannot reach files, extensions or other databases.
        """
        ...

    def close(self) -> None:
        """Release the connection (and, for DuckDB, the file lock)."""
        ...


_LOGICAL_OF_ARROW = {str(v): k for k, v in _ARROW.items()}


def logical_of_arrow(t: pa.DataType) -> str:
    """The logical column type for an Arrow type (used to declare temporary tables)."""
    if pa.types.is_integer(t):
        return "bigint"
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t):
        return "text"
    return _LOGICAL_OF_ARROW[str(t)]


def is_postgres_url(url: str) -> bool:
    """True for ``postgresql://`` and ``postgres://`` URLs."""
    return url.startswith(("postgresql://", "postgres://"))


def redact(url: str) -> str:
    """A URL with its password replaced, for messages."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url


def chunked(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """Consecutive slices of ``items`` of at most ``size``."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


_COMMENT = re.compile(r"\s+|--[^\n]*(?:\n|$)|/\*.*?\*/", re.S)


def first_keyword(sql: str) -> str:
    """The statement's first keyword, upper-cased, past comments, blanks and opening parentheses."""
    pos = 0
    while pos < len(sql):
        m = _COMMENT.match(sql, pos)
        if m and m.end() > pos:
            pos = m.end()
        elif sql[pos] == "(":
            pos += 1
        else:
            break
    m = re.match(r"[A-Za-z_]+", sql[pos:])
    return m.group(0).upper() if m else ""


def refuse_statement(kind: str) -> StoreError:
    """The error for untrusted SQL that is not one read (nothing ran)."""
    if not kind:
        return StoreError("no SQL statement given: pass one SELECT (or WITH, SHOW, EXPLAIN ...) statement")
    return StoreError(
        f"refused: --sql runs one read-only statement ({', '.join(READ_STATEMENTS)}), not {kind}; "
        "nothing was run and the database is unchanged"
    )


def first_line(e: BaseException) -> str:
    """A driver error's message, on one line."""
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


_WRITE_HINTS = (
    (("no space left", "disk full", "could not extend file"), "the disk is full: free some space"),
    (("file too large",), "a file size limit was hit (ulimit -f)"),
    (("read-only file system", "read only file system"), "the file system is read-only"),
    (("permission denied",), "permission denied"),
)


def write_failed(e: BaseException) -> str:
    """The one-line message for a write the database refused (disk full, read-only...): what happened and
    that the run can simply be started again (a batch is one transaction: nothing half-written)."""
    msg = first_line(e)
    low = str(e).lower()
    hint = next((h for keys, h in _WRITE_HINTS if any(k in low for k in keys)), None)
    what = f"{hint} ({msg})" if hint else msg
    return (
        f"the database could not be written: {what}; the batch was rolled back, what was written before it "
        "is kept, and running the same command again resumes where it stopped"
    )
