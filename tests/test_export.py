"""Exports: GDELT 2.0 (parsed with the published 61 + 16 column schema), PLOVER, Parquet, CSV, JSONL.

Round trips (store -> export -> load) lose nothing: JSONL and Parquet give back the very Event records;
GDELT gives back every merged-event field its format can hold.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import test_store
from eventwire.errors import InputError
from eventwire.export import (
    GDELT_EVENT_COLUMNS,
    GDELT_MENTION_COLUMNS,
    export,
    global_event_id,
    load_tables,
)
from eventwire.store import EventFilter, Store, open_store
from eventwire.store.records import events_from_rows
from eventwire.types import Article, Event, Place
from test_store import BAKU, documents, fresh_db, make_article, make_event

# The same backends as the store tests (DuckDB, and PostgreSQL when EVENTWIRE_TEST_PG_URL is set).
db_kind = test_store.db_kind
db_url = test_store.db_url

# The GDELT 2.0 event table as published (GDELT-Event_Codebook-V2.0 and the BigQuery table
# gdelt-bq.gdeltv2.events): name and type of each tab-separated column, in order.
_ACTOR = [
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
]
_GEO = [
    ("Type", "int"),
    ("FullName", "str"),
    ("CountryCode", "str"),
    ("ADM1Code", "str"),
    ("ADM2Code", "str"),
    ("Lat", "float"),
    ("Long", "float"),
    ("FeatureID", "str"),
]
PUBLISHED_EVENTS: list[tuple[str, str]] = [
    ("GLOBALEVENTID", "int"),
    ("SQLDATE", "int"),
    ("MonthYear", "int"),
    ("Year", "int"),
    ("FractionDate", "float"),
    *[(f"Actor1{f}", "str") for f in _ACTOR],
    *[(f"Actor2{f}", "str") for f in _ACTOR],
    ("IsRootEvent", "int"),
    ("EventCode", "str"),
    ("EventBaseCode", "str"),
    ("EventRootCode", "str"),
    ("QuadClass", "int"),
    ("GoldsteinScale", "float"),
    ("NumMentions", "int"),
    ("NumSources", "int"),
    ("NumArticles", "int"),
    ("AvgTone", "float"),
    *[(f"Actor1Geo_{f}", t) for f, t in _GEO],
    *[(f"Actor2Geo_{f}", t) for f, t in _GEO],
    *[(f"ActionGeo_{f}", t) for f, t in _GEO],
    ("DATEADDED", "int"),
    ("SOURCEURL", "str"),
]
PUBLISHED_MENTIONS: list[tuple[str, str]] = [
    ("GLOBALEVENTID", "int"),
    ("EventTimeDate", "int"),
    ("MentionTimeDate", "int"),
    ("MentionType", "int"),
    ("MentionSourceName", "str"),
    ("MentionIdentifier", "str"),
    ("SentenceID", "int"),
    ("Actor1CharOffset", "int"),
    ("Actor2CharOffset", "int"),
    ("ActionCharOffset", "int"),
    ("InRawText", "int"),
    ("Confidence", "int"),
    ("MentionDocLen", "int"),
    ("MentionDocTone", "float"),
    ("MentionDocTranslationInfo", "str"),
    ("Extras", "str"),
]
_DTYPES = {"int": "Int64", "float": "float64", "str": "string"}


def read_gdelt(path: Path, schema: list[tuple[str, str]]) -> pd.DataFrame:
    """Load a GDELT file the way GDELT users do: tab-separated, no header, no quoting, typed columns."""
    return pd.read_csv(
        path,
        sep="\t",
        header=None,
        names=[c for c, _ in schema],
        quoting=csv.QUOTE_NONE,
        dtype={c: _DTYPES[t] for c, t in schema},
        keep_default_na=False,
        na_values={c: [""] for c, t in schema if t != "str"},
    )


def test_column_lists_are_gdelts() -> None:
    assert list(GDELT_EVENT_COLUMNS) == [c for c, _ in PUBLISHED_EVENTS]
    assert len(GDELT_EVENT_COLUMNS) == 61
    assert list(GDELT_MENTION_COLUMNS) == [c for c, _ in PUBLISHED_MENTIONS]
    assert len(GDELT_MENTION_COLUMNS) == 16


WASHINGTON = Place(
    text="Washington",
    start=30,
    end=40,
    geonameid=4140963,
    name="Washington",
    lat=38.89511,
    lon=-77.03637,
    country="USA",
    admin1="US.DC",
    feature_class="P",
    feature_code="PPLC",
    precision="city",
)


@pytest.fixture
def filled(db_url: str) -> Iterator[Store]:
    d = dt.date(2024, 5, 6)
    awkward = make_article("w1", source="tab\tbed.example")
    awkward = Article(
        **{
            **awkward.to_dict(),
            "date": d,
            "fetched_at": dt.datetime(2024, 5, 6, 14, 30, 5),
            "title": 'Quote "and" tab\there',
        }
    )
    batch = [
        (make_article("g1"), [make_event("g1", 0, place=BAKU)]),
        (
            make_article("g2", source="other.example"),
            [make_event("g2", 0, ("ARMGOV",), ("AZEGOV",), place=BAKU)],
        ),
        (
            awkward,
            [make_event("w1", 3, ("IGOUNO",), ("USA",), event="ACCUSE", cameo="1121", place=WASHINGTON)],
        ),
        (
            make_article("n1"),
            [
                make_event(
                    "n1", 0, ("RUS",), ("UKR",), event="ASSAULT", cameo="190", modality="negated", date=None
                )
            ],
        ),
    ]
    store = open_store(db_url)
    store.write(batch)
    yield store
    store.close()


def test_gdelt_export_parses_with_the_published_schema(filled: Store, tmp_path: Path) -> None:
    res = export(filled, "gdelt", tmp_path / "g", prefix="20240506")
    assert res.files == [
        str(tmp_path / "g" / "20240506.export.CSV"),
        str(tmp_path / "g" / "20240506.mentions.CSV"),
    ]
    assert res.notes and "left out 1" in res.notes[0]  # the negated event: GDELT cannot say "did not happen"
    ev = read_gdelt(Path(res.files[0]), PUBLISHED_EVENTS)
    mn = read_gdelt(Path(res.files[1]), PUBLISHED_MENTIONS)
    lines = Path(res.files[0]).read_text(encoding="utf-8").splitlines()
    assert all(line.count("\t") == 60 for line in lines) and len(lines) == 2
    merged = {global_event_id(r["first_event_id"]): r for r in filled.events().to_pylist()}
    consult = ev[ev["EventRootCode"] == "04"].iloc[0]
    row = merged[int(consult["GLOBALEVENTID"])]  # derived from the first mention: the same in any database
    assert int(consult["GLOBALEVENTID"]) >= 2**62 and row["first_event_id"] == "g1#0"
    assert (consult["SQLDATE"], consult["MonthYear"], consult["Year"]) == (20240506, 202405, 2024)
    assert consult["FractionDate"] == pytest.approx(2024 + (5 * 30 + 6) / 365, abs=1e-4)
    assert (consult["NumMentions"], consult["NumSources"], consult["NumArticles"]) == (2, 2, 2)
    assert consult["Actor1CountryCode"] in ("AZE", "ARM") and consult["Actor1Type1Code"] == "GOV"
    assert (consult["ActionGeo_Type"], consult["ActionGeo_CountryCode"], consult["ActionGeo_ADM1Code"]) == (
        4,
        "AJ",
        "AJ09",
    )
    # GDELT's "City, ADM1, Country" (the first-level division's name as GeoNames writes it)
    assert (
        consult["ActionGeo_FullName"] == "Baku, Bakı, Azerbaijan"
        and consult["ActionGeo_FeatureID"] == "587084"
    )
    assert consult["ActionGeo_Lat"] == BAKU.lat
    # state actors the text does not place are placed in their country, as GDELT does
    assert consult["Actor1Geo_Type"] == 1 and consult["Actor1Geo_CountryCode"] in ("AJ", "AM")
    assert consult["Actor1Geo_FullName"] in ("Azerbaijan", "Armenia") and consult["Actor1Geo_Lat"] > 38
    assert consult["AvgTone"] == row["avg_tone"]
    assert consult["SOURCEURL"] == row["source_url"] and consult["GoldsteinScale"] == row["goldstein"]
    accuse = ev[ev["EventCode"] == "1121"].iloc[0]
    assert (accuse["EventBaseCode"], accuse["EventRootCode"]) == ("112", "11")
    assert (
        accuse["Actor1Code"] == "IGOUNO"
        and accuse["Actor1CountryCode"] == ""
        and accuse["Actor1Type1Code"] == "IGO"
        and accuse["Actor1KnownGroupCode"] == "UNO"
        and accuse["Actor1Geo_Type"] == 0  # an organisation has no country to place it in
    )
    assert accuse["ActionGeo_FullName"] == "Washington, District of Columbia, United States"
    assert (accuse["ActionGeo_Type"], accuse["ActionGeo_CountryCode"], accuse["ActionGeo_ADM1Code"]) == (
        3,
        "US",
        "USDC",
    )
    assert accuse["IsRootEvent"] == 0
    assert len(mn) == 3 and set(mn["GLOBALEVENTID"]) == set(ev["GLOBALEVENTID"])
    w = mn[mn["SentenceID"] == 4].iloc[0]
    assert w["MentionSourceName"] == "tab bed.example" and w["MentionTimeDate"] == 20240506143005
    assert (w["Confidence"], w["MentionType"], w["ActionCharOffset"]) == (75, 1, 3)
    assert w["Extras"] == "<EVENTWIRE_ID>w1#3</EVENTWIRE_ID><MODALITY>asserted</MODALITY>"
    everything = export(
        filled, "gdelt", tmp_path / "all", where=EventFilter(modality=("asserted", "negated"))
    )
    assert everything.events == 3 and not everything.notes


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(documents(), min_size=1, max_size=4))
def test_round_trips_lose_nothing(
    db_kind: str, tmp_path_factory: pytest.TempPathFactory, batch: list[tuple[Article, list[Event]]]
) -> None:
    out = tmp_path_factory.mktemp("rt")
    events = [e for _, evs in batch for e in evs]
    with fresh_db(db_kind, out) as url, open_store(url) as s:
        s.write(batch)
        buf = io.StringIO()
        export(s, "jsonl", buf)
        back = [Event.from_dict(json.loads(line)) for line in buf.getvalue().split("\n") if line]
        assert sorted(back, key=lambda e: e.event_id) == sorted(events, key=lambda e: e.event_id)
        export(s, "parquet", out / "pq")
        tables = load_tables(out / "pq")
        rebuilt = events_from_rows(tables["mentions"].to_pylist(), tables["actors"].to_pylist())
        assert sorted(rebuilt, key=lambda e: e.event_id) == sorted(events, key=lambda e: e.event_id)
        merged = s.events()
        assert tables["events"].to_pylist() == merged.to_pylist()
        assert _types(tables["events"].schema) == _types(merged.schema)
        res = export(
            s,
            "gdelt",
            out / "g",
            where=EventFilter(modality=tuple({e.modality for e in events} or {"asserted"})),
        )
        gd = read_gdelt(Path(res.files[0]), PUBLISHED_EVENTS)
        dated = [r for r in merged.to_pylist() if r["event_date"] is not None]
        for r in dated:
            r["merged_id"] = global_event_id(r["first_event_id"])
        undated = merged.num_rows - len(dated)
        # GDELT rows need a date: undated merged events are left out, and the export says so
        assert any(f"left out {undated} merged events without a date" in n for n in res.notes) == bool(
            undated
        )
        assert all(r["date_source"] == "none" for r in merged.to_pylist() if r["event_date"] is None)
        assert sorted(gd["GLOBALEVENTID"]) == sorted(r["merged_id"] for r in dated)
        for r in dated:
            g = gd[gd["GLOBALEVENTID"] == r["merged_id"]].iloc[0]
            d = r["event_date"]
            assert g["SQLDATE"] == d.year * 10000 + d.month * 100 + d.day
            assert (g["EventCode"], g["EventRootCode"], g["QuadClass"]) == (
                r["cameo"],
                r["cameo_root"],
                r["quad_class"],
            )
            assert g["GoldsteinScale"] == r["goldstein"]
            assert (g["NumMentions"], g["NumSources"], g["NumArticles"]) == (
                r["num_mentions"],
                r["num_sources"],
                r["num_articles"],
            )
            assert (g["Actor1Code"], g["Actor2Code"]) == (
                _tsv(r["actor_code"]).removeprefix("---"),
                _tsv(r["recipient_code"]).removeprefix("---"),
            )
            lat = g["ActionGeo_Lat"]
            assert (None if pd.isna(lat) else lat) == (r["loc_lat"] if g["ActionGeo_Type"] else None)
            assert g["SOURCEURL"] == _tsv(r["source_url"])
        mn = read_gdelt(Path(res.files[1]), PUBLISHED_MENTIONS)
        assert len(mn) == sum(r["num_mentions"] for r in dated)


def _types(schema: pa.Schema) -> list[tuple[str, str]]:
    """Column names and types, ignoring nullability and the name of list items (writers differ)."""
    return [(f.name, str(f.type.value_type if pa.types.is_list(f.type) else f.type)) for f in schema]


def _tsv(v: str | None) -> str:
    return "" if v is None else v.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def test_plover_records(filled: Store) -> None:
    buf = io.StringIO()
    res = export(filled, "plover", buf, EventFilter(actor=("AZE",)))
    recs = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert res.events == len(recs) == 1
    r = recs[0]
    assert r["event"] == ["CONSULT"] and r["date"] == "2024-05-06" and r["quad_code"] == 1
    assert {a["code"] for a in r["actor"] + r["recipient"]} == {"AZE", "ARM"}
    assert r["event_loc"]["country_code"] == "AZE" and r["event_loc"]["resolution"] == 4
    assert r["num_mentions"] == 2 and len(r["mentions"]) == 2 and r["cite_info"]["codebook"] == "plover-0.8"
    assert r["id"].startswith("eventwire-")


def test_csv_tables_have_headers_and_flat_lists(filled: Store, tmp_path: Path) -> None:
    res = export(filled, "csv", tmp_path / "c")
    assert [Path(f).name for f in res.files] == ["events.csv", "mentions.csv", "actors.csv", "articles.csv"]
    events = pd.read_csv(tmp_path / "c" / "events.csv")
    assert len(events) == 3 and "num_mentions" in events.columns
    mentions = pd.read_csv(tmp_path / "c" / "mentions.csv")
    assert set(mentions["coder"]) == {"test"}
    articles = pd.read_csv(tmp_path / "c" / "articles.csv")
    assert "text" not in articles.columns and 'Quote "and" tab\there' in set(articles["title"])


def test_empty_store_and_bad_targets(tmp_path: Path) -> None:
    with open_store(tmp_path / "e.duckdb") as s:
        res = export(s, "gdelt", tmp_path / "g")
        assert res.events == 0 and Path(res.files[0]).read_text() == ""
        assert export(s, "parquet", tmp_path / "p").events == 0
        assert load_tables(tmp_path / "p")["events"].num_rows == 0
        with pytest.raises(InputError, match="folder"):
            export(s, "gdelt", io.StringIO())
        with pytest.raises(InputError, match="unknown export format"):
            export(s, "xml", tmp_path / "x")


def test_cli_run_query_export_db(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from eventwire.cli import main

    db = str(tmp_path / "cli.duckdb")
    with open_store(db) as s:
        s.write([(make_article("c1"), [make_event("c1", 0, place=BAKU)])])
    runner = CliRunner()
    out = runner.invoke(main, ["query", "--db", db, "--format", "jsonl", "--actor", "AZE"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output.splitlines()[0])["num_mentions"] == 1
    out = runner.invoke(
        main, ["query", "--db", db, "--sql", "SELECT count(*) AS n FROM mentions", "--format", "csv"]
    )
    assert out.output.splitlines() == ["n", "1"]
    out = runner.invoke(
        main, ["export", "--db", db, "--format", "gdelt", "--out", str(tmp_path / "gd"), "--json"]
    )
    assert out.exit_code == 0 and json.loads(out.output.strip().splitlines()[-1])["events"] == 1
    out = runner.invoke(main, ["db", "info", "--db", db, "--json"])
    assert json.loads(out.output)["counts"]["mentions"] == 1
    out = runner.invoke(main, ["db", "upgrade", "--db", db])
    assert out.exit_code == 0 and "nothing to do" in out.output
    out = runner.invoke(main, ["db", "remerge", "--db", db, "--type-level", "cameo", "--unordered", "none"])
    assert out.exit_code == 0 and "into 1 events" in out.output
    out = runner.invoke(main, ["query", "--db", str(tmp_path / "missing.duckdb")])
    assert out.exit_code == 1 and out.output.startswith("eventwire: error: no event database")
    for args, n in ((["--place", "baku"], 1), (["--bbox", "49,40,50,41"], 1), (["--bbox", "0,0,1,1"], 0),
                    (["--text", '"Sentence 0"'], 1), (["--text", "nowhere"], 0)):  # fmt: skip
        out = runner.invoke(main, ["query", "--db", db, "--format", "jsonl", *args])
        assert out.exit_code == 0 and len(out.output.splitlines()) == n, (args, out.output)
    out = runner.invoke(main, ["query", "--db", db, "--bbox", "49,41,50,40"])
    assert out.exit_code == 1 and "south <= north" in out.output
    out = runner.invoke(main, ["export", "--db", db, "--format", "jsonl", "--bbox", "nonsense"])
    assert out.exit_code == 2 and "west,south,east,north" in out.output


@pytest.mark.slow
def test_cli_run_codes_stores_and_resumes(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from eventwire.cli import main

    src = Path(__file__).parent / "fixtures" / "merge" / "articles.jsonl"
    db = str(tmp_path / "run.duckdb")
    runner = CliRunner()
    out = runner.invoke(main, ["run", str(src), "--db", db, "--json", "--no-dedup", "--any-language"])
    assert out.exit_code == 0, out.output
    stats = json.loads(out.output.strip().splitlines()[-1])
    # every document is coded or skipped with a reason (the coder may judge a short one not English)
    assert stats["documents"] == 17 and stats["coded"] + sum(stats["skipped"].values()) == 17
    assert stats["coded"] >= 15 and stats["events"] > 10
    assert stats["merged_events_total"] < stats["mentions_total"]
    args = ["run", str(src), "--db", db, "--json", "--no-dedup", "--any-language"]
    again = json.loads(runner.invoke(main, args).output.splitlines()[-1])
    assert again["already_stored"] == stats["coded"] and again["coded"] == 0
