"""eventwire: turn news into political event data (CAMEO and PLOVER), offline, with evidence.

The public API::

    import eventwire
    events = eventwire.code_text("Iran's foreign minister met his Iraqi counterpart in Baghdad on Monday.",
                                 date="2021-01-22")
    pairs = eventwire.code_articles([("a1", text1, "2024-03-12"), {"id": "a2", "text": text2}])
    df = eventwire.to_frame(pairs)                       # pandas, the Parquet export's mentions schema
    with eventwire.open_store("eventwire.duckdb") as store:
        merged = store.events_df(eventwire.EventFilter(country="TR", type="CONSULT"))

Importing eventwire loads no model and reads no file; the first call does.
"""

from __future__ import annotations

from .config import Config
from .errors import EventwireError, EventwireWarning, FilterError, InputError
from .types import Actor, Article, Attribution, Event, Place, Skip

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "Article",
    "Attribution",
    "Config",
    "Event",
    "EventFilter",
    "EventwireError",
    "EventwireWarning",
    "FilterError",
    "InputError",
    "Place",
    "Skip",
    "__version__",
    "as_article",
    "code_articles",
    "code_text",
    "open_store",
    "parse_pubdate",
    "to_arrow",
    "to_frame",
]

_LAZY = {
    "code_text": "pipeline",
    "code_articles": "pipeline",
    "as_article": "pipeline",
    "Coder": "pipeline",
    "to_frame": "frames",
    "to_arrow": "frames",
    "open_store": "store",
    "EventFilter": "store",
    "parse_pubdate": "ingest.pubdate",
}


def __getattr__(name: str) -> object:
    # Lazy: the pipeline imports spaCy, which is slow; `import eventwire` stays cheap and side-effect free.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'eventwire' has no attribute {name!r}")
