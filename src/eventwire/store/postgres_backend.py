"""The team backend: PostgreSQL through psycopg 3, bulk writes with ``COPY``.

Many processes may write at once: each write transaction takes one advisory lock
(:meth:`PostgresBackend.write_lock`) so merges never race, while coding runs in parallel and readers
are never blocked (MVCC).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import psycopg
import psycopg.conninfo
import psycopg.sql
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import QueryTimeoutError, StoreError
from .backend import (
    READ_STATEMENTS,
    SQL_TIMEOUT,
    TIMEOUT_MESSAGE,
    first_keyword,
    first_line,
    logical_of_arrow,
    redact,
    refuse_statement,
    write_failed,
)
from .schema import ddl_type

WRITE_LOCK_KEY = 0x6576_7477_6972_65  # "evtwire": the advisory lock every eventwire writer takes
RUN_LOCK_CLASS = 0x6577_7275  # "ewru": with the run id, the session lock a live run holds


def _pg_sql(sql: str, params: Sequence[Any]) -> str:
    return sql.replace("%", "%%").replace("?", "%s") if params else sql


class PostgresBackend:
    """A PostgreSQL database given by URL.

    Opened read-only, every transaction of the session is read-only (``default_transaction_read_only``).
    Untrusted SQL (:meth:`read_query`) runs one statement (the extended protocol refuses several) in a
    read-only transaction with a statement timeout, as a read-only role when one is configured.
    """

    dialect = "postgres"
    parallel_copies = False

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        self.url = url
        self.read_only = read_only
        self.timeout: float | None = None
        self._claims: set[int] = set()
        self.con = self._connect()

    def _connect(self) -> psycopg.Connection[Any]:
        url = self.url
        try:
            conninfo = url
            if self.read_only:
                options = psycopg.conninfo.conninfo_to_dict(url).get("options") or ""
                ro = f"{options} -c default_transaction_read_only=on".strip()
                conninfo = psycopg.conninfo.make_conninfo(url, options=ro)
            return psycopg.connect(conninfo, autocommit=True, connect_timeout=10)
        except psycopg.Error as e:
            msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise StoreError(
                f"cannot connect to PostgreSQL at {redact(url)}: {msg} "
                "(check that the server runs and the URL's "
                "user, password and database)"
            ) from None

    @classmethod
    def from_url(cls, url: str, *, read_only: bool = False) -> PostgresBackend:
        """The registry's constructor (:mod:`eventwire.store.registry`)."""
        return cls(url, read_only=read_only)

    @contextmanager
    def _deadline(self) -> Iterator[None]:
        try:
            yield
        except psycopg.errors.QueryCanceled:
            if self.timeout is None:
                raise
            raise QueryTimeoutError(TIMEOUT_MESSAGE.format(seconds=self.timeout)) from None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self._deadline():
            self.con.execute(_pg_sql(sql, params), list(params) if params else None)

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._deadline(), self.con.cursor() as cur:
            cur.execute(_pg_sql(sql, params), list(params) if params else None)
            return cur.fetchall() if cur.description else []

    def fetch_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        with self._deadline(), self.con.cursor() as cur:
            cur.execute(_pg_sql(sql, params), list(params) if params else None)
            names = [d.name for d in cur.description or ()]
            rows = cur.fetchall()
        cols = list(zip(*rows, strict=True)) if rows else [() for _ in names]
        return pa.table({n: pa.array(list(c)) for n, c in zip(names, cols, strict=True)})

    def insert_arrow(self, table: str, data: pa.Table) -> None:
        if data.num_rows == 0:
            return
        cols = ", ".join(data.column_names)
        pylists = [c.to_pylist() for c in data.columns]
        with self.con.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
            for row in zip(*pylists, strict=True):
                cp.write_row(row)

    @contextmanager
    def temp_table(self, name: str, data: pa.Table) -> Iterator[str]:
        if self.read_only:
            # A read-only session cannot create even a temporary table: inline the rows as a VALUES list,
            # which reads as a table in ``FROM {name}`` / ``IN (SELECT id FROM {name})``.
            yield self._values_table(name, data)
            return
        body = ", ".join(f"{f.name} {ddl_type(logical_of_arrow(f.type), 'postgres')}" for f in data.schema)
        self.con.execute(f"CREATE TEMP TABLE {name} ({body})")
        try:
            self.insert_arrow(name, data)
            self.con.execute(f"ANALYZE {name}")
            yield name
        finally:
            self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def _values_table(self, name: str, data: pa.Table) -> str:
        cols = ", ".join(data.column_names)
        types = [ddl_type(logical_of_arrow(f.type), "postgres") for f in data.schema]
        if data.num_rows == 0:  # no rows: a typed, empty table
            nulls = ", ".join(f"CAST(NULL AS {t})" for t in types)
            return f"(SELECT {nulls} WHERE FALSE) AS {name}({cols})"
        lists = [c.to_pylist() for c in data.columns]
        rows = []
        for i, row in enumerate(zip(*lists, strict=True)):
            vals = [psycopg.sql.Literal(v).as_string(self.con) for v in row]
            if i == 0:  # the first row types the columns
                vals = [f"CAST({v} AS {t})" for v, t in zip(vals, types, strict=True)]
            rows.append(f"({', '.join(vals)})")
        return f"(VALUES {', '.join(rows)}) AS {name}({cols})"

    @contextmanager
    def transaction(self) -> Iterator[None]:
        try:
            with self.con.transaction():
                yield
        except (psycopg.errors.QueryCanceled, psycopg.errors.LockNotAvailable):
            raise
        except psycopg.DatabaseError as e:  # disk full, read-only server...: rolled back, said in one line
            raise StoreError(write_failed(e)) from None

    def next_ids(self, sequence: str, n: int) -> list[int]:
        if n <= 0:
            return []
        return [r[0] for r in self.fetchall(f"SELECT nextval('{sequence}') FROM generate_series(1, ?)", [n])]

    def copy_to(
        self, sql: str, params: Sequence[Any], path: Path, fmt: str, schema: pa.Schema | None = None
    ) -> None:
        if fmt == "parquet":
            table = self.fetch_arrow(sql, params)
            if schema is not None:
                table = schema.empty_table() if table.num_rows == 0 else table.cast(schema)
            pq.write_table(table, path, compression="zstd")
            return
        # COPY takes no bind parameters: bind them client-side, as literals.
        query = psycopg.sql.SQL(sql.replace("%", "%%").replace("?", "{}")).format(
            *(psycopg.sql.Literal(p) for p in params)
        )
        copy = psycopg.sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, HEADER)").format(query)
        with self.con.cursor() as cur, cur.copy(copy) as cp, open(path, "wb") as out:
            for chunk in cp:
                out.write(chunk)

    def write_lock(self) -> None:
        self.execute("SELECT pg_advisory_xact_lock(?)", [WRITE_LOCK_KEY])

    def table_columns(self, table: str) -> list[str]:
        rows = self.fetchall(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ? ORDER BY ordinal_position",
            [table],
        )
        return [r[0] for r in rows]

    def fork(self) -> PostgresBackend:
        other = PostgresBackend(self.url, read_only=self.read_only)
        other.set_timeout(self.timeout)
        return other

    def set_timeout(self, seconds: float | None) -> None:
        ms = 0 if not seconds else max(1, int(seconds * 1000))  # 0: no limit
        self.con.execute(f"SET statement_timeout = {ms}")
        self.timeout = seconds

    def recover(self) -> None:
        """A fresh session, after an interrupt left this one in the middle of a command (the server rolls
        back whatever the old session had open, and releases its locks)."""
        with suppress(psycopg.Error):
            self.con.close()
        self._claims.clear()
        self.con = self._connect()
        if self.timeout:
            self.set_timeout(self.timeout)

    def claim_run(self, run_id: int) -> None:
        self.fetchall("SELECT pg_advisory_lock(?, ?)", [RUN_LOCK_CLASS, run_id])
        self._claims.add(run_id)

    def release_run(self, run_id: int) -> None:
        if run_id in self._claims:
            self.fetchall("SELECT pg_advisory_unlock(?, ?)", [RUN_LOCK_CLASS, run_id])
            self._claims.discard(run_id)

    def run_abandoned(self, run_id: int) -> bool:
        """The server releases a session's locks when the session ends, however the process died."""
        if run_id in self._claims:  # ours, alive (an advisory lock is re-entrant within its session)
            return False
        rows = self.fetchall("SELECT pg_try_advisory_lock(?, ?)", [RUN_LOCK_CLASS, run_id])
        if not rows[0][0]:
            return False
        self.fetchall("SELECT pg_advisory_unlock(?, ?)", [RUN_LOCK_CLASS, run_id])
        return True

    def read_query(self, sql: str, *, timeout: float, role: str | None = None) -> pa.Table:
        kind = first_keyword(sql)
        if kind not in READ_STATEMENTS:
            raise refuse_statement(kind)
        try:
            with self.con.transaction(force_rollback=True), self.con.cursor() as cur:
                cur.execute("SET TRANSACTION READ ONLY")
                cur.execute(f"SET LOCAL statement_timeout = {max(1, int(timeout * 1000))}")
                if role:
                    cur.execute(psycopg.sql.SQL("SET LOCAL ROLE {}").format(psycopg.sql.Identifier(role)))
                cur.execute("SELECT 1")  # a query has run: the transaction can no longer be made read-write
                cur.execute(sql, prepare=True)  # a prepared statement is one command, never several
                names = [d.name for d in cur.description or ()]
                rows = cur.fetchall() if cur.description else []
        except psycopg.errors.QueryCanceled:
            raise QueryTimeoutError(SQL_TIMEOUT.format(seconds=timeout)) from None
        except psycopg.errors.SyntaxError as e:
            if "multiple commands" in str(e):
                raise StoreError("refused: --sql runs one statement at a time; nothing was run") from None
            raise StoreError(f"the query failed: {first_line(e)}") from None
        except psycopg.Error as e:
            raise StoreError(f"the query failed: {first_line(e)}") from None
        cols = list(zip(*rows, strict=True)) if rows else [() for _ in names]
        return pa.table({n: pa.array(list(c)) for n, c in zip(names, cols, strict=True)})

    def close(self) -> None:
        self.con.close()
