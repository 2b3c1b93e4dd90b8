"""The analyst's Python surface: any article shape in, typed tables out, the Parquet export's schema."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import eventwire
from eventwire.errors import EventwireWarning, InputError
from eventwire.export import export, load_tables
from eventwire.frames import to_arrow, to_frame
from eventwire.pipeline import Coder, as_article
from eventwire.store import open_store
from eventwire.store.schema import arrow_schema
from eventwire.types import Article, Skip
from test_store import BAKU, make_article, make_event

TEXT = (
    "Azerbaijani Foreign Minister Jeyhun Bayramov met his Armenian counterpart Ararat Mirzoyan in Almaty "
    "on Thursday, the ministry said."
)


def test_as_article_takes_dicts_tuples_and_texts() -> None:
    a = as_article({"id": "a1", "text": TEXT, "date": "Dec 16 2016", "url": "https://x.example/a1"})
    assert (a.id, a.date, a.url) == ("a1", dt.date(2016, 12, 16), "https://x.example/a1")
    assert as_article(("a2", TEXT)).id == "a2" and as_article(("a2", TEXT)).date is None
    assert as_article(("a3", TEXT, dt.date(2024, 3, 12))).date == dt.date(2024, 3, 12)
    assert as_article(TEXT).id.startswith("doc-")
    with pytest.raises(InputError, match=r"item 4 \(id 'b'\): date 'soon' is not a date"):
        as_article({"id": "b", "text": TEXT, "date": "soon"}, 4)
    with pytest.raises(InputError, match="no 'text'"):
        as_article({"id": "c"})
    with pytest.raises(InputError, match="give an Article, a dict"):
        as_article(42)  # type: ignore[arg-type]


def test_code_articles_accepts_every_shape(coder: Coder) -> None:
    items = [
        Article(id="art", text=TEXT, date="2024-03-14"),  # type: ignore[arg-type]
        {"id": "dict", "text": TEXT, "date": "March 14, 2024"},
        ("pair", TEXT),
        ("triple", TEXT, "2024-03-14"),
    ]
    out = list(coder.code_articles(items))
    assert [a.id for a, _ in out] == ["art", "dict", "pair", "triple"]
    assert [a.date for a, _ in out] == [dt.date(2024, 3, 14)] * 2 + [None, dt.date(2024, 3, 14)]
    dated = {a.id: evs for a, evs in out}
    assert all(e.date == dt.date(2024, 3, 14) for e in dated["art"] if e.date_text == "on Thursday")
    # a bad record is a skip with on_skip, a clear error without
    skips: list[Skip] = []
    bad = [{"id": "x", "text": TEXT, "date": "someday"}, ("ok", TEXT)]
    assert [a.id for a, _ in coder.code_articles(bad, on_skip=skips.append)] == ["ok"]
    assert [(s.where, s.reason) for s in skips] == [("item 0 (id 'x')", "bad-date")]
    with pytest.raises(InputError, match="'someday' is not a date"):
        list(coder.code_articles(bad))
    # an article the coder cannot read is never dropped silently
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert list(coder.code_articles([("empty", "   ")])) == []
    assert any(issubclass(w.category, EventwireWarning) and "empty" in str(w.message) for w in caught)


def test_to_arrow_has_the_parquet_exports_schema(tmp_path: Path) -> None:
    art = make_article("f1", date=dt.date(2024, 5, 7))
    evs = [make_event("f1", 0, place=BAKU), make_event("f1", 1, date=None)]
    table = to_arrow([(art, evs)])
    assert table.schema == arrow_schema("mentions")
    rows = table.to_pylist()
    assert [r["merge_date_source"] for r in rows] == ["text", "published"]
    assert rows[1]["merge_date"] == dt.date(2024, 5, 7) and rows[0]["loc_name"] == "Baku"
    assert to_arrow(evs).column("merge_date").to_pylist() == [dt.date(2024, 5, 6), None]
    # the same events through the store and a Parquet export: same columns, same types, same values
    with open_store(tmp_path / "f.duckdb") as s:
        s.write([(art, evs)])
        export(s, "parquet", tmp_path / "pq")
    exported = load_tables(tmp_path / "pq")["mentions"]
    assert [(f.name, f.type) for f in exported.schema] == [(f.name, f.type) for f in table.schema]
    skip = {"merged_id", "block_key"}
    assert [{k: v for k, v in r.items() if k not in skip} for r in exported.to_pylist()] == [
        {k: v for k, v in r.items() if k not in skip} for r in rows
    ]
    actors = to_arrow([(art, evs)], table="actors")
    assert actors.schema == arrow_schema("actors") and actors.num_rows == 4


def test_to_frame_keeps_types() -> None:
    df = to_frame([make_event("g1", 0, place=BAKU), make_event("g1", 1, date=None)])
    assert isinstance(df, pd.DataFrame) and len(df) == 2
    assert df["event_date"].dtype == pd.ArrowDtype(pa.date32())
    assert df["loc_geonameid"].dtype == pd.ArrowDtype(pa.int64())  # nulls do not turn ints into floats
    assert df["context"].dtype == pd.ArrowDtype(pa.list_(pa.string()))
    with pytest.raises(InputError, match="Event records or \\(Article, events\\) pairs"):
        to_arrow(["not an event"])  # type: ignore[list-item]
    with pytest.raises(InputError, match="unknown table"):
        to_arrow([], table="merged")


def test_top_level_api_is_lazy_and_complete(tmp_path: Path) -> None:
    for name in ("to_frame", "to_arrow", "open_store", "EventFilter", "code_articles", "as_article"):
        assert callable(getattr(eventwire, name)), name
    with eventwire.open_store(tmp_path / "t.duckdb") as s:
        s.write([(make_article("t1"), [make_event("t1", 0, ("TURGOV",), ("AZEGOV",))])])
        df = s.events_df(eventwire.EventFilter(country="TR", type="consult"))
        assert list(df["actor_code"]) == ["TURGOV"] and df["num_mentions"].dtype == pd.ArrowDtype(pa.int32())
        assert s.sql_df("SELECT count(*) AS n FROM mentions")["n"].tolist() == [1]
