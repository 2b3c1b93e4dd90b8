"""Coded events as tables for analysis: Arrow and pandas, with the Parquet export's schema.

::

    import eventwire

    pairs = list(eventwire.code_articles([("a1", text1), ("a2", text2)], config=config))
    df = eventwire.to_frame(pairs)          # one row per event, the columns of mentions.parquet
    table = eventwire.to_arrow(pairs)       # the same, as an Arrow table
    actors = eventwire.to_frame(pairs, table="actors")

``to_arrow`` takes what :func:`eventwire.code_articles` yields (``(article, events)`` pairs) or bare
:class:`~eventwire.types.Event` records. The ``mentions`` table has exactly the columns and types of
``mentions.parquet`` in ``eventwire export --format parquet`` (and of the store's ``mentions`` table), so a
notebook reads a coded batch and an export the same way; what only the store knows (``merged_id``,
``block_key``) is null. ``merge_date`` is the event's date, else its article's publication date (with
pairs), else null (``merge_date_source`` says which). The ``actors`` table is ``actors.parquet``'s.

pandas frames use Arrow-backed dtypes (``pd.ArrowDtype``): integers with nulls stay integers, dates stay
dates and lists stay lists, as in the Parquet file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from .errors import InputError
from .types import Article, Event

if TYPE_CHECKING:
    import pandas as pd

TABLES = ("mentions", "actors")
"""The tables :func:`to_arrow` can build (the ``mentions`` and ``actors`` files of a Parquet export)."""

Items = Iterable[Event | tuple[Article, Sequence[Event]]]


def _flatten(items: Items) -> tuple[list[Event], list[Any]]:
    events: list[Event] = []
    published: list[Any] = []
    for item in items:
        if isinstance(item, Event):
            events.append(item)
            published.append(None)
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], Article):
            art, evs = item
            for ev in evs:
                if not isinstance(ev, Event):
                    raise InputError(
                        f"to_arrow: {type(ev).__name__} in the events of {art.id!r}; expected Event"
                    )
                events.append(ev)
                published.append(art.date)
        else:
            raise InputError(
                f"to_arrow takes Event records or (Article, events) pairs (what code_articles yields), "
                f"not {type(item).__name__}"
            )
    return events, published


def to_arrow(items: Items, *, table: str = "mentions") -> pa.Table:
    """Events as an Arrow table with the schema of the Parquet export's ``mentions`` (or ``actors``)."""
    from .store.records import actors_table, mentions_table, merge_dates, side_codes

    if table not in TABLES:
        raise InputError(f"unknown table {table!r}; use one of {', '.join(TABLES)}")
    events, published = _flatten(items)
    if table == "actors":
        return actors_table(events)
    dates, sources = merge_dates(events, published)
    merge: dict[str, list[Any]] = {
        "actor_codes": [side_codes(ev.actor) for ev in events],
        "recipient_codes": [side_codes(ev.recipient) for ev in events],
        "merged_id": [None] * len(events),
        "block_key": [None] * len(events),
        "merge_date": dates,
        "merge_date_source": sources,
    }
    return mentions_table(events, merge)


def frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as a pandas DataFrame with Arrow-backed dtypes (the types stay the table's)."""
    import pandas as pd

    return table.to_pandas(types_mapper=pd.ArrowDtype)


def to_frame(items: Items, *, table: str = "mentions") -> pd.DataFrame:
    """:func:`to_arrow` as a pandas DataFrame (Arrow-backed dtypes)."""
    return frame(to_arrow(items, table=table))
