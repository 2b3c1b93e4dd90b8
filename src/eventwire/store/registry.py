"""Which backend serves a database URL: a registry of backends by URL scheme.

The store never imports a backend module itself: :func:`open_backend` looks the URL's scheme up here and
imports the module that implements it only then (so DuckDB users never load psycopg, and no backend
module imports the store or another backend). Built in: ``postgresql://``/``postgres://`` (PostgreSQL)
and everything else (a file path, ``:memory:``, ``duckdb:``) for DuckDB. Other packages add a backend
with an entry point in the ``eventwire.backends`` group, named by its scheme, pointing to a class with a
``from_url(url, *, read_only)`` constructor that speaks :class:`~eventwire.store.backend.Backend`.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Protocol

from ..errors import StoreError
from .backend import Backend

ENTRY_POINT_GROUP = "eventwire.backends"

BUILTIN_BACKENDS: dict[str, str] = {
    "duckdb": "eventwire.store.duckdb_backend:DuckDBBackend",
    "postgresql": "eventwire.store.postgres_backend:PostgresBackend",
    "postgres": "eventwire.store.postgres_backend:PostgresBackend",
}
"""Scheme -> ``module:Class`` of the backends that ship with eventwire (read-only: a mapping, not state)."""

DEFAULT_SCHEME = "duckdb"


class BackendClass(Protocol):
    """A backend class as the registry uses it: a constructor from a URL."""

    def from_url(self, url: str, *, read_only: bool = False) -> Backend: ...


def scheme_of(url: str) -> str:
    """The scheme that picks a backend: ``postgresql`` for ``postgresql://...``; a path without a
    ``scheme://`` (or ``duckdb:`` prefix) is a DuckDB file."""
    head, sep, _ = url.partition("://")
    if sep and head and head.replace("+", "").replace("-", "").replace(".", "").isalnum():
        return head.lower()
    return DEFAULT_SCHEME


def _load(target: str) -> BackendClass:
    module, _, name = target.partition(":")
    cls: BackendClass = getattr(importlib.import_module(module), name)
    return cls


def backend_class(scheme: str) -> BackendClass:
    """The backend registered for ``scheme`` (built in, or from an ``eventwire.backends`` entry point)."""
    scheme = scheme.lower()
    if scheme in BUILTIN_BACKENDS:
        return _load(BUILTIN_BACKENDS[scheme])
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name.lower() == scheme:
            return _load(ep.value)
    known = sorted({*BUILTIN_BACKENDS, *(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))})
    raise StoreError(
        f"no backend for {scheme}:// URLs; use a DuckDB file path or one of: "
        + ", ".join(f"{k}://" for k in known if k != "duckdb")
    )


def open_backend(url: str, *, read_only: bool = False) -> Backend:
    """Connect to ``url``: a ``postgresql://`` URL, another registered scheme, else a DuckDB file path
    (``:memory:``: scratch)."""
    return backend_class(scheme_of(url)).from_url(url, read_only=read_only)
