"""``eventwire serve``: a REST API and a browser dashboard over the event store (FastAPI + uvicorn).

>>> from eventwire.web import ServeSettings, create_app
>>> app = create_app(ServeSettings(db="eventwire.duckdb"))   # doctest: +SKIP
"""

from __future__ import annotations

from .app import create_app
from .settings import ServeSettings

__all__ = ["ServeSettings", "create_app"]
