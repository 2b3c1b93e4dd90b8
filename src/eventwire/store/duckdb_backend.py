"""The embedded backend: one DuckDB file, one writer process at a time.

DuckDB locks the file for the process that opens it for writing; a second process (writer or reader)
gets :class:`~eventwire.errors.StoreLockedError` naming the holder, instead of DuckDB's IO error.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from itertools import count
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ..errors import QueryTimeoutError, StoreError, StoreLockedError
from .backend import SQL_TIMEOUT, TIMEOUT_MESSAGE, first_line, refuse_statement, write_failed

SANDBOX: dict[str, object] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}
"""How a read-only DuckDB connection is opened: no files, extensions or other databases, and no way to
change that (``lock_configuration``)."""

_DAMAGE: tuple[type[Exception], ...] = tuple(
    getattr(duckdb, n)
    for n in ("IOException", "SerializationException", "InternalException")
    if hasattr(duckdb, n)
)
"""What DuckDB raises on reading a damaged or truncated file."""
_LOCK_RE = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")
_temp_names = count()


class DuckDBBackend:
    """A DuckDB database file (or ``:memory:``).

    Opened read-only, the connection is a sandbox (:data:`SANDBOX`): SQL run on it cannot read or write
    files, install or load extensions, or attach databases. Exports from it write their files through a
    private scratch database instead.
    """

    dialect = "duckdb"
    parallel_copies = True

    def __init__(self, path: str, *, read_only: bool = False) -> None:
        self.url = path
        self.read_only = read_only
        self.timeout: float | None = None
        self._live_runs: set[int] = set()
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
        # Two threads by default: the machines we target are small, and a store runs beside the coder.
        config: dict[str, object] = {"preserve_insertion_order": False}
        if read_only:
            config.update(SANDBOX)
        try:
            self.con = duckdb.connect(path, read_only=read_only, config=config)  # type: ignore[arg-type]
        except duckdb.IOException as e:
            m = _LOCK_RE.search(str(e))
            if m:
                raise StoreLockedError(
                    f"{path} is in use by another process (PID {m.group(2)}) that is writing to it; "
                    "DuckDB allows "
                    "one writer at a time and no readers meanwhile. Wait for it to finish, or use PostgreSQL "
                    "(--db postgresql://...) for concurrent runs"
                ) from None
            damaged = (
                "; the file looks damaged or cut short: restore it from a backup"
                if Path(path).exists()
                else ""
            )
            raise StoreError(f"cannot open {path}: {first_line(e)}{damaged}") from None
        except duckdb.Error as e:
            raise StoreError(f"cannot open {path} as a DuckDB database: {e}") from None

    @classmethod
    def from_url(cls, url: str, *, read_only: bool = False) -> DuckDBBackend:
        """The registry's constructor: a file path, ``:memory:``, or either after ``duckdb:``/``duckdb://``."""
        return cls(url.removeprefix("duckdb://").removeprefix("duckdb:"), read_only=read_only)

    @contextmanager
    def _deadline(self) -> Iterator[None]:
        """Interrupt the statement run in the block when it outlives the timeout (DuckDB has no
        statement timeout setting; an interrupt that comes after the statement finished is harmless)."""
        timer = None
        if self.timeout:
            timer = threading.Timer(self.timeout, self.con.interrupt)
            timer.daemon = True
            timer.start()
        try:
            yield
        except duckdb.InterruptException:
            if timer is None:
                raise
            raise QueryTimeoutError(TIMEOUT_MESSAGE.format(seconds=self.timeout)) from None
        except _DAMAGE as e:  # a damaged file often opens and fails at its first read of a bad block
            if "write" in str(e).lower() or "space" in str(e).lower():
                raise  # a full disk: the transaction says so
            raise StoreError(
                f"{self.url} could not be read: {first_line(e)}; the file looks damaged or cut short: "
                "restore it from a backup"
            ) from None
        finally:
            if timer is not None:
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
            self.con.execute("COMMIT")
        except duckdb.Error as e:
            with suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            if isinstance(e, duckdb.InterruptException):
                raise
            raise StoreError(write_failed(e)) from None
        except BaseException:
            with suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            raise

    def next_ids(self, sequence: str, n: int) -> list[int]:
        if n <= 0:
            return []
        return [r[0] for r in self.con.execute(f"SELECT nextval('{sequence}') FROM range(?)", [n]).fetchall()]

    def copy_to(
        self, sql: str, params: Sequence[Any], path: Path, fmt: str, schema: pa.Schema | None = None
    ) -> None:
        cur = self.con.cursor()  # its own connection: several files can be written at once, from threads
        scratch = None
        try:
            rel = cur.sql(sql, params=list(params) if params else None)
            if self.read_only:  # the sandbox writes no file: stream the rows to a scratch database that may
                scratch = duckdb.connect(config={"preserve_insertion_order": True})
                rel = scratch.from_arrow(rel.to_arrow_reader())
            if fmt == "parquet":
                rel.write_parquet(str(path), compression="zstd")
            else:
                rel.write_csv(str(path), header=True)
        finally:
            if scratch is not None:
                scratch.close()
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
        other._live_runs = self._live_runs  # one process, one set of live runs
        other.con = self.con.cursor()  # a new connection to the same open database (and its lock)
        return other

    def set_timeout(self, seconds: float | None) -> None:
        self.timeout = seconds

    def recover(self) -> None:
        """Nothing to do: an interrupted DuckDB call leaves the connection usable."""

    def claim_run(self, run_id: int) -> None:
        self._live_runs.add(run_id)

    def release_run(self, run_id: int) -> None:
        self._live_runs.discard(run_id)

    def run_abandoned(self, run_id: int) -> bool:
        """The file admits one writing process, this one: a run it is not running is dead."""
        return run_id not in self._live_runs

    def read_query(self, sql: str, *, timeout: float, role: str | None = None) -> pa.Table:
        del role  # DuckDB has no roles: the read-only sandbox is the connection itself
        try:
            statements = self.con.extract_statements(sql)
        except duckdb.Error as e:
            raise StoreError(f"the query failed: {first_line(e)}") from None
        if len(statements) > 1:
            raise StoreError("refused: --sql runs one statement at a time; nothing was run")
        kind = statements[0].type.name if statements else ""
        if kind not in ("SELECT", "EXPLAIN"):
            raise refuse_statement(kind)
        timer = threading.Timer(timeout, self.con.interrupt)
        timer.start()
        try:
            return self.fetch_arrow(sql)
        except duckdb.InterruptException:
            raise QueryTimeoutError(SQL_TIMEOUT.format(seconds=timeout)) from None
        except duckdb.Error as e:
            raise StoreError(f"the query failed: {first_line(e)}") from None
        finally:
            timer.cancel()

    def close(self) -> None:
        self.con.close()
