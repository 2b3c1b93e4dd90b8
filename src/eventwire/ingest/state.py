"""Resumable, idempotent run state: what was read, which URLs were fetched, how far the output got.

A checkpoint commits, in one SQLite transaction, the dedup index, each source's progress (documents
done, or finished), the URLs fetched and the byte offset of the output file. After a kill, the next run
truncates the output to that offset and starts each source after its last checkpointed document, so
nothing is emitted twice and nothing is lost (see ``docs/ingest.md``).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Protocol

from ..errors import ConfigError
from .dedup import SqliteDedupIndex

STATE_FILE = "ingest.sqlite"
SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS run_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS run_sources (
    key TEXT PRIMARY KEY, documents INTEGER NOT NULL, finished INTEGER NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_urls (url TEXT PRIMARY KEY, article_id TEXT, fetched_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS run_outputs (path TEXT PRIMARY KEY, offset INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS run_feeds (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, polled_at TEXT);
"""


class RunState(Protocol):
    """Progress of ingest runs, for resuming and for not fetching a page twice."""

    def progress(self, key: str) -> tuple[int, bool]:
        """Documents already done for a source, and whether it was read to the end."""
        ...

    def set_progress(self, key: str, documents: int, finished: bool) -> None: ...

    def url_article(self, url: str) -> str | None:
        """The article id a fetched URL produced, if it was fetched before."""
        ...

    def add_url(self, url: str, article_id: str | None) -> None: ...

    def output_offset(self, path: str) -> int | None: ...

    def set_output_offset(self, path: str, offset: int) -> None: ...

    def feed_validators(self, url: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified a feed answered last time (for conditional requests)."""
        ...

    def set_feed_validators(self, url: str, etag: str | None, last_modified: str | None) -> None: ...

    def commit(self) -> None: ...

    def close(self) -> None: ...


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class SqliteRunState:
    """The default :class:`RunState`, in the same SQLite database as the dedup index."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.executescript(_SCHEMA)
        row = conn.execute("SELECT value FROM run_meta WHERE key = 'schema'").fetchone()
        if row is None:
            conn.execute("INSERT INTO run_meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        elif row[0] != SCHEMA_VERSION:
            raise ConfigError(
                f"the ingest state has schema version {row[0]}, this eventwire reads {SCHEMA_VERSION}; "
                "use a new --state-dir"
            )

    def progress(self, key: str) -> tuple[int, bool]:
        row = self.conn.execute(
            "SELECT documents, finished FROM run_sources WHERE key = ?", (key,)
        ).fetchone()
        return (int(row[0]), bool(row[1])) if row else (0, False)

    def set_progress(self, key: str, documents: int, finished: bool) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO run_sources VALUES (?, ?, ?, ?)", (key, documents, int(finished), _now())
        )

    def url_article(self, url: str) -> str | None:
        row = self.conn.execute("SELECT article_id FROM run_urls WHERE url = ?", (url,)).fetchone()
        return None if row is None else str(row[0] or "")

    def add_url(self, url: str, article_id: str | None) -> None:
        self.conn.execute("INSERT OR REPLACE INTO run_urls VALUES (?, ?, ?)", (url, article_id, _now()))

    def output_offset(self, path: str) -> int | None:
        row = self.conn.execute("SELECT offset FROM run_outputs WHERE path = ?", (path,)).fetchone()
        return int(row[0]) if row else None

    def set_output_offset(self, path: str, offset: int) -> None:
        self.conn.execute("INSERT OR REPLACE INTO run_outputs VALUES (?, ?)", (path, offset))

    def feed_validators(self, url: str) -> tuple[str | None, str | None]:
        row = self.conn.execute("SELECT etag, last_modified FROM run_feeds WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def set_feed_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO run_feeds VALUES (?, ?, ?, ?)", (url, etag, last_modified, _now())
        )

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()


def connect(state_dir: Path | None) -> sqlite3.Connection:
    """The SQLite connection for a state directory (created if needed), or an in-memory one."""
    if state_dir is None:
        return sqlite3.connect(":memory:")
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(state_dir / STATE_FILE, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    except (OSError, sqlite3.Error) as e:
        raise ConfigError(
            f"cannot open the ingest state in {state_dir}: {e}; check the --state-dir path"
        ) from e
    return conn


def open_state(state_dir: Path | None) -> tuple[SqliteDedupIndex, SqliteRunState]:
    """The default index and run state, sharing one connection (so a commit covers both)."""
    conn = connect(state_dir)
    try:
        return SqliteDedupIndex(conn), SqliteRunState(conn)
    except sqlite3.DatabaseError as e:
        conn.close()
        raise ConfigError(
            f"the ingest state in {state_dir} is not readable ({e}); use a new --state-dir"
        ) from e
