"""Untrusted SQL (``eventwire query --sql``, ``Store.sql``) cannot write or escape, on both backends.

Every hostile statement is refused with a one-line reason and a non-zero exit, and the database is
byte-for-byte (DuckDB) or row-for-row (PostgreSQL) what it was; afterwards every command still works.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import test_store
from eventwire.cli import main
from eventwire.errors import StoreError
from eventwire.store import open_store
from test_store import make_article, make_event

db_kind = test_store.db_kind
db_url = test_store.db_url


def checksum(url: str) -> str:
    """The database's content: the DuckDB file's bytes, or every PostgreSQL table's rows in order."""
    if "://" not in url:
        return hashlib.sha256(Path(url).read_bytes()).hexdigest()
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                "ORDER BY 1"
            ).fetchall()
        ]
        parts = [",".join(tables)]
        for t in tables:
            rows = con.execute(
                f"SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM {t} x"
            )
            parts.append(f"{t}:{rows.fetchone()[0]}")  # type: ignore[index]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@pytest.fixture(scope="module", params=test_store.BACKENDS)
def filled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One small database per backend for the module: every test here must leave it unchanged."""
    if request.param == "postgres" and not test_store.PG_URL:
        pytest.skip(test_store.PG_REASON)
    with test_store.fresh_db(str(request.param), tmp_path_factory.mktemp("sandbox")) as url:
        with open_store(url) as s:
            s.write([(make_article(f"a{i}"), [make_event(f"a{i}", 0)]) for i in range(3)])
        yield url


HOSTILE = [
    "DROP TABLE actors",
    "DELETE FROM mentions",
    "UPDATE merged_events SET num_mentions = 0",
    "CREATE TABLE intruder (a int)",
    "INSERT INTO settings VALUES ('x', 'y')",
    "COPY merged_events TO '/tmp/eventwire-sandbox-copy.csv'",
    "COPY (SELECT 1) TO STDOUT",
    "ATTACH '/tmp/eventwire-sandbox-other.duckdb' AS other",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT pg_read_file('/etc/passwd')",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "SELECT 1; DROP TABLE actors",
    "SELECT 1; COMMIT; DROP TABLE actors",
    "COMMIT",
    "BEGIN",
    "EXPORT DATABASE '/tmp/eventwire-sandbox-export'",
    "WITH gone AS (DELETE FROM mentions RETURNING *) SELECT count(*) FROM gone",
    "SELECT * INTO stolen FROM articles",
    "EXPLAIN ANALYZE DELETE FROM mentions",
    "",
    "   -- only a comment",
]


@pytest.mark.parametrize("sql", HOSTILE)
def test_hostile_sql_is_refused_and_changes_nothing(filled: str, sql: str) -> None:
    before = checksum(filled)
    res = CliRunner().invoke(main, ["query", "--db", filled, "--sql", sql, "--format", "jsonl"])
    assert res.exit_code == 1, (sql, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr and isinstance(res.exception, SystemExit | None)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("eventwire: error: "), res.stderr
    assert checksum(filled) == before, f"{sql!r} changed the database"
    assert not Path("/tmp/eventwire-sandbox-copy.csv").exists()
    for cmd in (["db", "info", "--json"], ["query", "--format", "jsonl"]):
        again = CliRunner().invoke(main, [*cmd, "--db", filled])
        assert again.exit_code == 0, again.stderr


def test_reads_work_and_say_what_they_found(filled: str) -> None:
    res = CliRunner().invoke(
        main, ["query", "--db", filled, "--sql", "SELECT count(*) AS n FROM mentions", "--format", "jsonl"]
    )
    assert res.exit_code == 0, res.stderr
    assert res.stdout.strip() == '{"n": 3}'
    for sql in ("WITH x AS (SELECT 1 AS a) SELECT a FROM x", "EXPLAIN SELECT * FROM articles", "VALUES (1)"):
        res = CliRunner().invoke(main, ["query", "--db", filled, "--sql", sql, "--format", "jsonl"])
        assert res.exit_code == 0, (sql, res.stderr)


def test_a_slow_query_is_stopped(filled: str) -> None:
    slow = "SELECT count(*) FROM range(100000000000)" if "://" not in filled else "SELECT pg_sleep(30)"
    res = CliRunner().invoke(main, ["query", "--db", filled, "--sql", slow, "--sql-timeout", "0.5"])
    assert res.exit_code == 1 and "longer than 0.5 s" in res.stderr, res.stderr


def test_store_sql_refuses_writes_even_on_a_writable_store(db_url: str) -> None:
    with open_store(db_url) as s:
        s.write([(make_article("w"), [make_event("w", 0)])])
        with pytest.raises(StoreError, match="not DELETE"):
            s.sql("DELETE FROM mentions")
        assert s.sql("SELECT count(*) AS n FROM mentions").to_pylist() == [{"n": 1}]


@pytest.mark.postgres
def test_postgres_runs_sql_as_the_configured_role(filled: str) -> None:
    if "://" not in filled:
        pytest.skip("PostgreSQL only")
    import psycopg

    with psycopg.connect(filled) as con:
        me = con.execute("SELECT current_user").fetchone()[0]  # type: ignore[index]
    with open_store(filled, read_only=True, sql_role=me) as s:
        assert s.sql("SELECT current_user AS u").to_pylist() == [{"u": me}]
    with open_store(filled, read_only=True, sql_role="no_such_role_here") as s, pytest.raises(StoreError):
        s.sql("SELECT 1")
