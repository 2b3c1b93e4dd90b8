"""Conversion between the typed records (:mod:`eventwire.types`) and the store's rows.

One :class:`~eventwire.types.Event` becomes one ``mentions`` row (every field, with the first actor and
recipient repeated for fast filtering) plus one ``actors`` row per actor, recipient and attribution
source; :func:`events_from_rows` rebuilds the same ``Event`` from them, so nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from operator import attrgetter
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..tone import tone
from ..types import Actor, Article, Attribution, Event, Place
from .schema import PLACE_FIELDS, arrow_schema, columns

_NUL = "\x00"
_SURROGATE = re.compile("[\ud800-\udfff]")


def id_problem(value: str) -> str | None:
    """Why a string cannot be an id in every backend (PostgreSQL refuses NUL and unpaired surrogates,
    which are not UTF-8), or None."""
    if _NUL in value:
        return "contains NUL (U+0000), which PostgreSQL cannot store"
    if _SURROGATE.search(value):
        return "contains an unpaired surrogate (not valid UTF-8)"
    return None


def printable(value: str, limit: int = 80) -> str:
    """A string as it can be shown in a message: control characters and surrogates escaped, cut short."""
    shown = value.encode("unicode_escape", "backslashreplace").decode("ascii")
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _safe_text(v: Any) -> Any:
    """A value with unpaired surrogates replaced by U+FFFD (one character for one keeps offsets)."""
    if isinstance(v, str):
        return _SURROGATE.sub("\ufffd", v)
    if isinstance(v, list | tuple):
        return [_safe_text(x) for x in v]
    return v


def actor_code(a: Actor) -> str | None:
    """The CAMEO-style code of an actor: its ``code``, else country + sector, else None."""
    if a.code:
        return a.code
    joined = (a.country or "") + (a.sector or "")
    return joined or None


def side_codes(actors: Sequence[Actor]) -> str:
    """The sorted, de-duplicated codes of one side of an event, joined with ``|`` ("" when none)."""
    if len(actors) == 1:
        return actor_code(actors[0]) or ""
    return "|".join(sorted({c for c in (actor_code(a) for a in actors) if c}))


def text_sha1(text: str) -> str:
    """The content hash of an article text (detects changed articles when resuming a run)."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def utc_naive(t: dt.datetime | None) -> dt.datetime | None:
    """A timestamp as naive UTC (how the store keeps every timestamp)."""
    if t is None or t.tzinfo is None:
        return t
    return t.astimezone(dt.timezone.utc).replace(tzinfo=None)


def article_row(
    a: Article,
    *,
    n_events: int,
    stored_at: dt.datetime,
    run_id: int | None,
    keep_text: bool,
    tone_value: float | None = None,
) -> tuple:
    """The ``articles`` row of one article, in schema order (``tone_value``: :func:`eventwire.tone.tone`
    of its text, computed here when not given)."""
    return (
        a.id,
        a.url,
        a.source,
        a.title,
        a.author,
        a.language,
        a.date,
        utc_naive(a.fetched_at),
        a.duplicate_of,
        a.cluster_id,
        a.skipped_reason,
        a.text if keep_text else None,
        len(a.text),
        text_sha1(a.text),
        n_events,
        stored_at,
        run_id,
        a.date_raw,
        tone_value if tone_value is not None else tone(a.text),
        a.origin,
    )


_TEXT = pa.string()


def table_from_columns(table: str, cols: dict[str, Sequence[Any]]) -> pa.Table:
    """An Arrow table with ``table``'s schema from Python column lists (missing columns are null).

    NUL characters and unpaired surrogates in text become U+FFFD here, for both backends alike:
    PostgreSQL cannot hold NUL, nothing can encode a lone surrogate as UTF-8, and one character for one
    keeps every offset right.
    """
    schema = arrow_schema(table)
    n = len(next(iter(cols.values()))) if cols else 0
    arrays = []
    for f in schema:
        values = cols.get(f.name)
        if values is None:
            arr = pa.nulls(n, f.type)
        else:
            try:
                arr = pa.array(values, type=f.type)
            except UnicodeEncodeError:  # rare: a lone surrogate (e.g. from a JSON "\\ud800" escape)
                arr = pa.array([_safe_text(v) for v in values], type=f.type)
        arrays.append(_without_nul(arr))
    return pa.Table.from_arrays(arrays, schema=schema)


def _without_nul(arr: pa.Array) -> pa.Array:
    if pa.types.is_list(arr.type):
        flat = arr.flatten()
        clean = _without_nul(flat)
        if clean is flat:
            return arr
        return pa.ListArray.from_arrays(arr.offsets, clean, mask=arr.is_null())
    if arr.type != _TEXT or not pc.any(pc.match_substring(arr, _NUL)).as_py():
        return arr
    return pc.replace_substring(arr, _NUL, "\ufffd")


# Column name -> attribute, read with one C-level ``attrgetter`` per record kind (much faster than a
# comprehension per column: writes are meant to run at hundreds of thousands of events a second).
_EVENT_COLS = {
    "event_id": "event_id", "article_id": "doc_id", "sentence_index": "sentence_index",
    "sentence_start": "sentence_start", "sentence": "sentence", "event": "event", "mode": "mode",
    "context": "context", "cameo": "cameo", "cameo_root": "cameo_root", "quad_class": "quad_class",
    "goldstein": "goldstein", "modality": "modality", "event_date": "date", "date_text": "date_text",
    "event_text": "event_text", "event_start": "event_start", "event_end": "event_end",
    "confidence": "confidence", "coder": "coder", "date_flag": "date_flag",
}  # fmt: skip
_SUMMARY_COLS = {"code": "code", "name": "name", "country": "country", "sector": "sector", "org": "org"}
_ATT_COLS = {"attribution_text": "text", "attribution_start": "start", "attribution_end": "end",
             "attribution_outlet": "outlet"}  # fmt: skip
_PLACE_FIELDS = ("text", "start", "end", "geonameid", "name", "lat", "lon", "country", "admin1",
                 "feature_class", "feature_code", "precision", "reason", "doc_id")  # fmt: skip
_ACTOR_COLS = {"text": "text", "start_char": "start", "end_char": "end", "name": "name", "country": "country",
               "sector": "sector", "org": "org", "role": "role", "kind": "kind", "code": "code",
               "resolved_from": "resolved_from", "coder": "coder"}  # fmt: skip


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a batch's columns.

    The rows hold no reference cycles, but each collection would rescan every live record of the batch,
    which costs more than the conversion itself (measured: 2 to 3 times slower with it running).
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _blank(cls: type) -> Any:
    """A record of ``cls`` with every field None: stands for a missing actor, place or attribution."""
    return cls(**dict.fromkeys(f.name for f in fields(cls)))


_NO_ACTOR, _NO_PLACE, _NO_ATT = _blank(Actor), _blank(Place), _blank(Attribution)


def _columns(records: Sequence[Any], names: dict[str, str], prefix: str = "") -> dict[str, Sequence[Any]]:
    """Columns ``prefix + name`` read from ``records`` in one pass."""
    if not records:
        return {prefix + n: [] for n in names}
    rows = map(attrgetter(*names.values()), records)
    return {prefix + n: col for n, col in zip(names, zip(*rows, strict=True), strict=True)}


def merge_dates(
    events: Sequence[Event], published: Sequence[dt.date | None]
) -> tuple[list[dt.date | None], list[str]]:
    """The date each event is merged on and where it comes from (``text``, ``published`` or ``none``).

    The coder dates an event with no date in its text by its article (``date_text`` stays None): that is a
    publication date, weaker evidence than a date the text gives. Without either the date is unknown
    (``None``, source ``none``): never the day it was stored.
    """
    dates: list[dt.date | None] = []
    sources: list[str] = []
    for ev, pub in zip(events, published, strict=True):
        if ev.date is not None and (ev.date_text or ev.date != pub):
            dates.append(ev.date)
            sources.append("text")
        elif pub is not None:
            dates.append(pub)
            sources.append("published")
        else:
            dates.append(None)
            sources.append("none")
    return dates, sources


def mentions_table(events: Sequence[Event], merge: dict[str, list[Any]]) -> pa.Table:
    """The ``mentions`` rows of events, column by column.

    ``merge`` holds the merge bookkeeping columns: ``actor_codes``, ``recipient_codes``, ``merged_id``,
    ``block_key``, ``merge_date``, ``merge_date_source``.
    """
    cols: dict[str, Sequence[Any]] = {**_columns(events, _EVENT_COLS), **merge}
    for side in ("actor", "recipient"):
        firsts = [x[0] if x else _NO_ACTOR for x in map(attrgetter(side), events)]
        part = _columns(firsts, _SUMMARY_COLS, f"{side}_")
        # the code a coder left empty is country + sector; the name falls back to the text
        part[f"{side}_code"] = [
            c if c or a is _NO_ACTOR else actor_code(a)
            for c, a in zip(part[f"{side}_code"], firsts, strict=True)
        ]
        part[f"{side}_name"] = [n or a.text for n, a in zip(part[f"{side}_name"], firsts, strict=True)]
        cols.update(part)
    cols.update(_columns([x.attribution or _NO_ATT for x in events], _ATT_COLS))
    cols.update(_columns([x.location or _NO_PLACE for x in events], {f: f for f in _PLACE_FIELDS}, "loc_"))
    return table_from_columns("mentions", cols)


def actors_table(events: Sequence[Event]) -> pa.Table:
    """The ``actors`` rows of events: actors, recipients, and each attribution's source."""
    ids: list[str] = []
    slots: list[str] = []
    positions: list[int] = []
    actors: list[Actor] = []
    for x in events:
        for slot, group in (("actor", x.actor), ("recipient", x.recipient)):
            n = len(group)
            if n:
                ids += [x.event_id] * n
                slots += [slot] * n
                positions += range(n)
                actors += group
        if x.attribution is not None and x.attribution.source is not None:
            ids.append(x.event_id)
            slots.append("source")
            positions.append(0)
            actors.append(x.attribution.source)
    cols: dict[str, Sequence[Any]] = {"event_id": ids, "slot": slots, "position": positions}
    cols.update(_columns(actors, _ACTOR_COLS))
    cols.update(_columns([a.place or _NO_PLACE for a in actors], {f: f for f, _ in PLACE_FIELDS}, "place_"))
    return table_from_columns("actors", cols)


def to_arrow(table: str, rows: Sequence[tuple]) -> pa.Table:
    """Rows (tuples in schema order) as an Arrow table with the table's schema."""
    names = columns(table)
    if not rows:
        return arrow_schema(table).empty_table()
    return table_from_columns(
        table, {n: list(c) for n, c in zip(names, zip(*rows, strict=True), strict=True)}
    )


# --- back from rows -------------------------------------------------------------------------------------


def _actor_place(r: dict[str, Any]) -> Place | None:
    if r.get("place_text") is None:
        return None
    return Place(**{f: r[f"place_{f}"] for f, _ in PLACE_FIELDS})


def _actor_from(r: dict[str, Any]) -> Actor:
    return Actor(
        text=r["text"],
        start=r["start_char"],
        end=r["end_char"],
        name=r["name"],
        country=r["country"],
        sector=r["sector"],
        org=r["org"],
        role=r["role"],
        kind=r["kind"],
        code=r["code"],
        resolved_from=r["resolved_from"],
        coder=r["coder"],
        place=_actor_place(r),
    )


def _place_from(r: dict[str, Any]) -> Place | None:
    if r["loc_text"] is None:
        return None
    return Place(
        text=r["loc_text"],
        start=r["loc_start"],
        end=r["loc_end"],
        geonameid=r["loc_geonameid"],
        name=r["loc_name"],
        lat=r["loc_lat"],
        lon=r["loc_lon"],
        country=r["loc_country"],
        admin1=r["loc_admin1"],
        feature_class=r["loc_feature_class"],
        feature_code=r["loc_feature_code"],
        precision=r["loc_precision"],
        reason=r["loc_reason"],
        doc_id=r["loc_doc_id"],
    )


def events_from_rows(mentions: Iterable[dict[str, Any]], actors: Iterable[dict[str, Any]]) -> list[Event]:
    """Rebuild :class:`Event` records from ``mentions`` rows and their ``actors`` rows (as dicts)."""
    by_event: dict[str, dict[str, list[tuple[int, Actor]]]] = defaultdict(lambda: defaultdict(list))
    for r in actors:
        by_event[r["event_id"]][r["slot"]].append((r["position"], _actor_from(r)))
    out = []
    for m in mentions:
        slots = by_event.get(m["event_id"], {})
        act = tuple(a for _, a in sorted(slots.get("actor", []), key=lambda x: x[0]))
        rec = tuple(a for _, a in sorted(slots.get("recipient", []), key=lambda x: x[0]))
        src = slots.get("source")
        att = None
        if m["attribution_text"] is not None:
            att = Attribution(
                text=m["attribution_text"],
                start=m["attribution_start"],
                end=m["attribution_end"],
                source=src[0][1] if src else None,
                outlet=m["attribution_outlet"],
            )
        out.append(
            Event(
                doc_id=m["article_id"],
                event_id=m["event_id"],
                sentence_index=m["sentence_index"],
                sentence=m["sentence"],
                event=m["event"],
                cameo=m["cameo"],
                cameo_root=m["cameo_root"],
                quad_class=m["quad_class"],
                goldstein=m["goldstein"],
                modality=m["modality"],
                mode=m["mode"],
                context=tuple(m["context"] or ()),
                date=m["event_date"],
                date_text=m["date_text"],
                actor=act,
                recipient=rec,
                event_text=m["event_text"],
                event_start=m["event_start"],
                event_end=m["event_end"],
                attribution=att,
                location=_place_from(m),
                confidence=m["confidence"],
                coder=tuple(m["coder"] or ()),
                sentence_start=m["sentence_start"],
                date_flag=m.get("date_flag"),
            )
        )
    return out


def article_from_row(r: dict[str, Any]) -> Article:
    """Rebuild an :class:`Article` from an ``articles`` row (text is "" when the store did not keep it)."""
    return Article(
        id=r["article_id"],
        text=r["text"] or "",
        date=r["pub_date"],
        url=r["url"],
        source=r["source"],
        title=r["title"],
        author=r["author"],
        language=r["language"],
        duplicate_of=r["duplicate_of"],
        cluster_id=r["cluster_id"],
        skipped_reason=r["skipped_reason"],
        fetched_at=r["fetched_at"],
        date_raw=r.get("pub_date_raw"),
        origin=r.get("origin"),
    )
