"""The embedded backend: one DuckDB file, one writer process at a time.

DuckDB locks the file for the process that opens it for writing; a second process (writer or reader)
gets :class:`~eventwire.errors.StoreLockedError` naming the holder, instead of DuckDB's IO error.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ..errors import QueryTimeoutError, StoreError, StoreLockedError
from .backend import TIMEOUT_MESSAGE

_LOCK_RE = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")
_temp_names = count()


class DuckDBBackend:
    """A DuckDB database file (or ``:memory:``)."""

    dialect = "duckdb"
    parallel_copies = True

    def __init__(self, path: str, *, read_only: bool = False) -> None:
        self.url = path
        self.read_only = read_only
        self.timeout: float | None = None
        if path != ":memory:":
            p = Path(path)
            if read_only and not p.exists():
                raise StoreError(
                    f"no event database at {path}: run `eventwire run SOURCES --db {path}` first"
                )
            if not read_only:
                try:
                    p.parent.mkdir(parents=True, exist_ok=True)
                except OSError as e:
                    raise StoreError(f"cannot create {path}: {e.strerror} ({p.parent})") from None
        try:
            self.con = duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as e:
            m = _LOCK_RE.search(str(e))
            if m:
                raise StoreLockedError(
                    f"{path} is in use by another process (PID {m.group(2)}) that is writing to it; "
                    "DuckDB allows "
                    "one writer at a time and no readers meanwhile. Wait for it to finish, or use PostgreSQL "
                    "(--db postgresql://...) for concurrent runs"
                ) from None
            raise StoreError(f"cannot open {path}: {e}") from None
        except duckdb.Error as e:
            raise StoreError(f"cannot open {path} as a DuckDB database: {e}") from None
        # Two threads by default: the machines we target are small, and a store runs beside the coder.
        self.con.execute("SET preserve_insertion_order = false")

    @classmethod
    def from_url(cls, url: str, *, read_only: bool = False) -> DuckDBBackend:
        """The registry's constructor: a file path, ``:memory:``, or either after ``duckdb:``/``duckdb://``."""
        return cls(url.removeprefix("duckdb://").removeprefix("duckdb:"), read_only=read_only)

    @contextmanager
    def _deadline(self) -> Iterator[None]:
        """Interrupt the statement run in the block when it outlives the timeout (DuckDB has no
        statement timeout setting; an interrupt that comes after the statement finished is harmless)."""
        if not self.timeout:
            yield
            return
        timer = threading.Timer(self.timeout, self.con.interrupt)
        timer.daemon = True
        timer.start()
        try:
            yield
        except duckdb.InterruptException:
            raise QueryTimeoutError(TIMEOUT_MESSAGE.format(seconds=self.timeout)) from None
        finally:
            timer.cancel()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self._deadline():
            self.con.execute(sql, list(params) if params else None)

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._deadline():
            return self.con.execute(sql, list(params) if params else None).fetchall()

    def fetch_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        with self._deadline():
            rel = self.con.sql(sql, params=list(params) if params else None)
            if rel is None:  # a statement that returns nothing
                return pa.table({})
            to_arrow = getattr(rel, "to_arrow_table", None) or rel.arrow
            table: pa.Table = to_arrow()
        return table

    def insert_arrow(self, table: str, data: pa.Table) -> None:
        if data.num_rows == 0:
            return
        with self.temp_table(f"_ew_ins_{next(_temp_names)}", data) as name:
            cols = ", ".join(data.column_names)
            self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name}")

    @contextmanager
    def temp_table(self, name: str, data: pa.Table) -> Iterator[str]:
        self.con.register(name, data)
        try:
            yield name
        finally:
            self.con.unregister(name)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def next_ids(self, sequence: str, n: int) -> list[int]:
        if n <= 0:
            return []
        return [r[0] for r in self.con.execute(f"SELECT nextval('{sequence}') FROM range(?)", [n]).fetchall()]

    def copy_to(
        self, sql: str, params: Sequence[Any], path: Path, fmt: str, schema: pa.Schema | None = None
    ) -> None:
        cur = self.con.cursor()  # its own connection: several files can be written at once, from threads
        try:
            rel = cur.sql(sql, params=list(params) if params else None)
            if fmt == "parquet":
                rel.write_parquet(str(path), compression="zstd")
            else:
                rel.write_csv(str(path), header=True)
        finally:
            cur.close()

    def write_lock(self) -> None:
        """DuckDB's file lock already makes this process the only writer."""

    def table_columns(self, table: str) -> list[str]:
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position",
            [table],
        ).fetchall()
        return [r[0] for r in rows]

    def fork(self) -> DuckDBBackend:
        other = object.__new__(DuckDBBackend)
        other.url, other.read_only, other.timeout = self.url, self.read_only, self.timeout
        other.con = self.con.cursor()  # a new connection to the same open database (and its lock)
        return other

    def set_timeout(self, seconds: float | None) -> None:
        self.timeout = seconds

    def close(self) -> None:
        self.con.close()
