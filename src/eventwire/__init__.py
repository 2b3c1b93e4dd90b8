"""eventwire: turn news into political event data (CAMEO and PLOVER), offline, with evidence.

The public API::

    import eventwire
    events = eventwire.code_text("Iran's foreign minister met his Iraqi counterpart in Baghdad on Monday.",
                                 date="2021-01-22")
    for article, events in eventwire.code_articles(articles, config=eventwire.Config(n_process=2)):
        ...

Importing eventwire loads no model and reads no file; the first call does.
"""

from __future__ import annotations

from .config import Config
from .errors import EventwireError
from .types import Actor, Article, Attribution, Event, Place, Skip

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "Article",
    "Attribution",
    "Config",
    "Event",
    "EventwireError",
    "Place",
    "Skip",
    "__version__",
    "code_articles",
    "code_text",
]


def __getattr__(name: str) -> object:
    # Lazy: the pipeline imports spaCy, which is slow; `import eventwire` stays cheap and side-effect free.
    if name in ("code_text", "code_articles", "Coder"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'eventwire' has no attribute {name!r}")
