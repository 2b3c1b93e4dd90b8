"""The event store: keep, merge, query and export coded events (DuckDB embedded, or PostgreSQL).

>>> from eventwire.store import open_store
>>> with open_store("eventwire.duckdb") as store:           # doctest: +SKIP
...     store.write([(article, events)])
...     store.events_df(EventFilter(country=("AZE",)))
"""

from __future__ import annotations

from .browse import BY, LEVELS, MAX_PAGE, PERIODS, Page
from .merge import MergeRule
from .registry import open_backend
from .schema import MIGRATIONS, SCHEMA_VERSION, TABLES
from .store import (
    EventFilter,
    Store,
    StoreInfo,
    WriteResult,
    apply_migrations,
    open_store,
    schema_version,
    upgrade,
)

__all__ = [
    "BY",
    "LEVELS",
    "MAX_PAGE",
    "MIGRATIONS",
    "PERIODS",
    "SCHEMA_VERSION",
    "TABLES",
    "EventFilter",
    "MergeRule",
    "Page",
    "Store",
    "StoreInfo",
    "WriteResult",
    "apply_migrations",
    "open_backend",
    "open_store",
    "schema_version",
    "upgrade",
]
