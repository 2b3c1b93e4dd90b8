"""How ``eventwire serve`` runs: one frozen settings object, built by the CLI and passed to the app."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from ..config import Config
from ..errors import ConfigError
from ..store.browse import MAX_PAGE


@dataclass(frozen=True, slots=True)
class ServeSettings:
    """What the server reads, what it allows, and its bounds.

    - ``db``: the event database (a DuckDB file or a ``postgresql://`` URL), opened read-only unless
      ``allow_writes``.
    - ``allow_writes``/``token``: ``POST /api/code`` with ``store``, and ``POST /api/ingest``, need both:
      writes enabled and ``Authorization: Bearer <token>``.
    - ``allow_sql``: ``/api/sql`` runs one read-only statement (off by default).
    - ``page_size``/``max_page``: the default and the largest page of rows; ``max_rows``: the largest
      aggregate answer (places, dyads, breakdowns, SQL rows).
    - ``timeout``: seconds any one query may run; ``export_timeout`` and ``max_export`` bound downloads.
    - ``readers``: connections serving requests at once (more wait, up to ``wait`` seconds, then 503).
    - ``cors_origins``: origins allowed to call the API from a browser (none by default: CORS off).
    - ``max_text``: characters ``POST /api/code`` accepts; ``max_documents``: documents per ingest.
    """

    db: str = "eventwire.duckdb"
    host: str = "127.0.0.1"
    port: int = 8765
    allow_writes: bool = False
    token: str | None = None
    allow_sql: bool = False
    page_size: int = 50
    max_page: int = 500
    max_rows: int = 5000
    timeout: float = 10.0
    export_timeout: float = 120.0
    max_export: int = 100_000
    readers: int = 4
    wait: float = 10.0
    cors_origins: tuple[str, ...] = ()
    max_text: int = 200_000
    max_documents: int = 500
    coder: Config = field(default_factory=Config)

    def problems(self) -> list[str]:
        """What is wrong with these settings, each with what to do."""
        out = []
        if self.allow_writes and not self.token:
            out.append("--allow-writes needs a bearer token: pass --token or set EVENTWIRE_TOKEN")
        if self.allow_sql and self.allow_writes and not self.db.startswith(("postgresql://", "postgres://")):
            out.append(
                "--allow-sql with --allow-writes needs PostgreSQL: on DuckDB only a read-only connection is "
                "the SQL sandbox (no files, extensions or other databases); drop one of the two"
            )
        if self.token is not None and len(self.token) < 16:
            out.append("the token is too short: use at least 16 random characters")
        if not 1 <= self.max_page <= MAX_PAGE:
            out.append(f"--max-page must be 1 to {MAX_PAGE}")
        if not 1 <= self.page_size <= self.max_page:
            out.append("the default page size must be 1 to --max-page")
        if self.timeout <= 0 or self.export_timeout <= 0:
            out.append("timeouts must be positive numbers of seconds")
        if self.readers < 1:
            out.append("--readers must be at least 1")
        if not 0 < self.port < 65536:
            out.append(f"port {self.port} is not a TCP port (1 to 65535)")
        return out

    def check(self) -> ServeSettings:
        """These settings, or :class:`~eventwire.errors.ConfigError` saying what is wrong."""
        problems = self.problems()
        if problems:
            raise ConfigError("; ".join(problems))
        return self

    @property
    def loopback(self) -> bool:
        """True when the server listens on this machine only."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False
