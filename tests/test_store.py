"""The event store on both backends: round trips, idempotent writes, schema, locks, kills, concurrency.

Every test that takes ``db_url`` runs against DuckDB and against PostgreSQL (a real server; the
PostgreSQL half skips with a reason when ``EVENTWIRE_TEST_PG_URL`` is unset; ``.ci/run`` sets it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventwire.errors import StoreError, StoreLockedError
from eventwire.run import run_pipeline
from eventwire.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    TABLES,
    EventFilter,
    MergeRule,
    apply_migrations,
    open_store,
    schema_version,
    upgrade,
)
from eventwire.store.registry import open_backend
from eventwire.store.schema import Migration
from eventwire.types import MODALITIES, Actor, Article, Attribution, Event, Place, Skip

REPO = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("EVENTWIRE_TEST_PG_URL")
PG_REASON = "needs a PostgreSQL server: set EVENTWIRE_TEST_PG_URL (.ci/run starts one and sets it)"


# --- databases ----------------------------------------------------------------------------------------------


def pg_schema_url(base: str, schema: str) -> str:
    """``base`` with its search path set to ``schema`` (one throwaway schema per test)."""
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@contextmanager
def pg_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema for one test, dropped afterwards."""
    import psycopg

    if not PG_URL:
        pytest.skip(PG_REASON)
    name = f"ew_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {name}")
    try:
        yield pg_schema_url(PG_URL, name)
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as con:
            con.execute(f"DROP SCHEMA {name} CASCADE")


@contextmanager
def fresh_db(kind: str, folder: Path) -> Iterator[str]:
    """A new empty database of one kind: a DuckDB file in ``folder``, or a PostgreSQL schema."""
    if kind == "duckdb":
        yield str(folder / f"events-{uuid.uuid4().hex[:8]}.duckdb")
    else:
        with pg_schema() as url:
            yield url


BACKENDS = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def db_kind(request: pytest.FixtureRequest) -> str:
    """Which backend a test runs on (its PostgreSQL half skips without a server)."""
    if request.param == "postgres" and not PG_URL:
        pytest.skip(PG_REASON)
    return str(request.param)


@pytest.fixture
def db_url(db_kind: str, tmp_path: Path) -> Iterator[str]:
    """An empty database URL: a DuckDB file, or a PostgreSQL schema."""
    with fresh_db(db_kind, tmp_path) as url:
        yield url


# --- records ------------------------------------------------------------------------------------------------


def actor(code: str, text: str = "x", start: int = 0) -> Actor:
    country = code[:3] if not code.startswith("---") else None
    return Actor(
        text=text,
        start=start,
        end=start + len(text),
        name=text,
        country=country,
        sector=code[3:] or None,
        code=code,
    )


def make_event(
    doc: str,
    n: int,
    actors: tuple[str, ...] = ("AZEGOV",),
    recipients: tuple[str, ...] = ("ARMGOV",),
    *,
    date: dt.date | None = dt.date(2024, 5, 6),
    event: str = "CONSULT",
    cameo: str = "040",
    modality: str = "asserted",
    mode: str | None = None,
    place: Place | None = None,
) -> Event:
    """A hand-made event (store tests need no coder)."""
    return Event(
        doc_id=doc,
        event_id=f"{doc}#{n}",
        sentence_index=n,
        sentence=f"Sentence {n} of {doc}.",
        event=event,
        cameo=cameo,
        cameo_root=cameo[:2],
        quad_class=1,
        goldstein=1.0,
        modality=modality,
        mode=mode,
        date=date,
        date_text="Monday" if date else None,
        actor=tuple(actor(c) for c in actors),
        recipient=tuple(actor(c) for c in recipients),
        event_text="met",
        event_start=3,
        event_end=6,
        location=place,
        confidence=0.75,
        coder=("test",),
    )


def make_article(
    doc: str, *, date: dt.date | None = dt.date(2024, 5, 7), source: str = "outlet.example", **kw: object
) -> Article:
    return Article(
        id=doc, text=f"Text of {doc}.", date=date, source=source, url=f"https://{source}/{doc}", **kw
    )


BAKU = Place(
    text="Baku",
    start=20,
    end=24,
    geonameid=587084,
    name="Baku",
    lat=40.37767,
    lon=49.89201,
    country="AZE",
    admin1="AZ.09",
    feature_class="P",
    feature_code="PPLC",
    precision="city",
)

_txt = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=24)
_opt = st.none() | _txt
_int = st.integers(0, 2**31 - 1)
_float = st.floats(-1e6, 1e6, allow_nan=False)
_code = st.none() | st.from_regex(r"[A-Z-]{3}[A-Z]{0,6}", fullmatch=True)
_places = st.builds(
    Place,
    text=_txt,
    start=_int,
    end=_int,
    geonameid=st.none() | st.integers(1, 2**40),
    name=_opt,
    lat=st.none() | st.floats(-90, 90),
    lon=st.none() | st.floats(-180, 180),
    country=st.none() | st.sampled_from(["AZ", "AZE", "US", "USA", "FR", "XX"]),
    admin1=_opt,
    feature_class=_opt,
    feature_code=_opt,
    precision=st.none() | st.sampled_from(["country", "admin1", "city", "place"]),
    reason=_opt,
    doc_id=_opt,
)
_actors = st.builds(
    Actor,
    text=_txt,
    start=_int,
    end=_int,
    name=_opt,
    country=st.none() | st.sampled_from(["AZE", "ARM", "IGO", "---"]),
    sector=st.none() | st.sampled_from(["GOV", "MIL", "CVL"]),
    org=_opt,
    role=_opt,
    kind=_opt,
    code=_code,
    resolved_from=_opt,
    coder=_opt,
    place=st.none() | _places,
)
_ids = itertools.count()


@st.composite
def documents(draw: st.DrawFn, max_events: int = 4) -> tuple[Article, list[Event]]:
    """An article and its events, with any field values the types allow (ids unique per draw)."""
    doc = f"doc-{next(_ids)}-{draw(_txt)}"
    art = Article(
        id=doc,
        text=draw(
            st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=80)
        ),
        date=draw(st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1))),
        url=draw(_opt),
        source=draw(_opt),
        title=draw(_opt),
        author=draw(_opt),
        language=draw(st.none() | st.sampled_from(["en", "fr"])),
        duplicate_of=draw(st.none() | _txt),
        cluster_id=draw(_opt),
        fetched_at=draw(st.none() | st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 1, 1))),
        date_raw=draw(_opt),
        origin=draw(_opt),
    )
    events = []
    for n in range(draw(st.integers(0, max_events))):
        events.append(
            Event(
                doc_id=doc,
                event_id=f"{doc}/{n}",
                sentence_index=draw(_int),
                sentence=draw(_txt),
                event=draw(st.sampled_from(["CONSULT", "ASSAULT", "AGREE", "PROTEST"])),
                cameo=draw(st.from_regex(r"[0-2][0-9]{2,3}", fullmatch=True)),
                cameo_root=draw(st.from_regex(r"[0-2][0-9]", fullmatch=True)),
                quad_class=draw(st.integers(1, 4)),
                goldstein=draw(_float),
                modality=draw(st.sampled_from(MODALITIES)),
                mode=draw(_opt),
                context=tuple(draw(st.lists(_txt, max_size=3))),
                date=draw(st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1))),
                date_text=draw(_opt),
                actor=tuple(draw(st.lists(_actors, max_size=3))),
                recipient=tuple(draw(st.lists(_actors, max_size=2))),
                event_text=draw(_txt),
                event_start=draw(_int),
                event_end=draw(_int),
                attribution=draw(
                    st.none()
                    | st.builds(
                        Attribution, text=_txt, start=_int, end=_int, source=st.none() | _actors, outlet=_opt
                    )
                ),
                location=draw(st.none() | _places),
                confidence=draw(st.floats(0, 1)),
                coder=tuple(draw(st.lists(_txt, max_size=3))),
                sentence_start=draw(_int),
                date_flag=draw(st.none() | st.just("long-before-publication")),
            )
        )
    return art, events


def check_consistent(store_url: str) -> dict[str, int]:
    """Assert the invariants every committed state must satisfy; returns row counts."""
    with open_store(store_url, read_only=True) as s:
        q = s.backend.fetchall
        assert q("SELECT count(*) - count(DISTINCT event_id) FROM mentions")[0][0] == 0, "duplicate mentions"
        assert (
            q(
                "SELECT count(*) FROM mentions m LEFT JOIN articles a ON a.article_id = m.article_id "
                "WHERE a.article_id IS NULL"
            )[0][0]
            == 0
        ), "mention without article"
        assert (
            q(
                "SELECT count(*) FROM actors a LEFT JOIN mentions m ON m.event_id = a.event_id "
                "WHERE m.event_id IS NULL"
            )[0][0]
            == 0
        ), "orphan actor rows"
        assert q("SELECT count(*) FROM mentions WHERE merged_id IS NULL")[0][0] == 0, "unmerged mention"
        assert (
            q(
                "SELECT count(*) FROM mentions m LEFT JOIN merged_events e ON e.merged_id = m.merged_id "
                "WHERE e.merged_id IS NULL"
            )[0][0]
            == 0
        ), "mention of a missing merged event"
        assert (
            q(
                "SELECT count(*) FROM merged_events e WHERE num_mentions <> "
                "(SELECT count(*) FROM mentions m WHERE m.merged_id = e.merged_id)"
            )[0][0]
            == 0
        ), "stale counts"
        assert (
            q(
                "SELECT count(*) FROM articles a WHERE n_events <> "
                "(SELECT count(*) FROM mentions m WHERE m.article_id = a.article_id)"
            )[0][0]
            == 0
        )
        return s.info().counts


# --- round trips --------------------------------------------------------------------------------------------


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(documents(), min_size=1, max_size=4))
def test_round_trip_loses_nothing(db_url: str, batch: list[tuple[Article, list[Event]]]) -> None:
    with open_store(db_url) as s:
        res = s.write(batch)
        assert res.skipped == []
        events = [e for _, evs in batch for e in evs]
        assert s.get_events([e.event_id for e in events]) == events
        got = {a.id: a for a in s.get_articles([a.id for a, _ in batch])}
        for art, _ in batch:
            assert got[art.id] == art


def test_nul_characters_become_replacement_characters(db_url: str) -> None:
    art = make_article("nul")
    ev = make_event("nul", 0)
    ev = Event(
        **{
            **{f: getattr(ev, f) for f in ev.__dataclass_fields__},
            "sentence": "a\x00b",
            "context": ("c\x00",),
        }
    )
    with open_store(db_url) as s:
        s.write([(art, [ev])])
        back = s.get_events([ev.event_id])[0]
    assert back.sentence == "a\ufffdb" and back.context == ("c\ufffd",)


def test_arrow_and_pandas_results_are_typed(db_url: str) -> None:
    with open_store(db_url) as s:
        s.write([(make_article("t1"), [make_event("t1", 0, place=BAKU)])])
        ev = s.events()
        assert ev.schema.field("event_date").type == pa.date32()
        assert ev.schema.field("num_mentions").type == pa.int32()
        assert ev.schema.field("context").type == pa.list_(pa.string())
        df = s.events_df()
        assert list(df["loc_name"]) == ["Baku"]
        m = s.mentions_df()
        assert list(m["url"]) == ["https://outlet.example/t1"]
        assert s.sql("SELECT count(*) AS n FROM mentions").to_pylist() == [{"n": 1}]


# --- idempotent writes --------------------------------------------------------------------------------------


def test_writing_again_replaces_and_recoding_updates_merged_events(db_url: str) -> None:
    a1, a2 = make_article("r1"), make_article("r2", source="other.example")
    with open_store(db_url) as s:
        s.write([(a1, [make_event("r1", 0)]), (a2, [make_event("r2", 0)])])
        s.write([(a1, [make_event("r1", 0)])])  # the same again: nothing changes
        assert s.count() == 1
        assert s.events().to_pylist()[0]["num_mentions"] == 2
        # r2 recoded: its event is now another type; the merged event loses it and a new one appears
        s.write([(a2, [make_event("r2", 0, event="ASSAULT", cameo="190")])])
        rows = {r["event"]: r for r in s.events().to_pylist()}
        assert rows["CONSULT"]["num_mentions"] == 1 and rows["CONSULT"]["num_sources"] == 1
        assert rows["ASSAULT"]["num_mentions"] == 1
        # r2 recoded with no event at all: its merged event disappears
        s.write([(a2, [])])
        assert [r["event"] for r in s.events().to_pylist()] == ["CONSULT"]
    check_consistent(db_url)


def test_bad_events_are_reported_not_fatal(db_url: str) -> None:
    art = make_article("b1")
    good, dup = make_event("b1", 0), make_event("b1", 0)
    stray = make_event("elsewhere", 1)
    with open_store(db_url) as s:
        res = s.write([(art, [good, dup, stray])])
        assert sorted(k.reason for k in res.skipped) == ["doc_id_mismatch", "duplicate_event_id"]
        assert res.mentions == 1
        assert s.info().counts["mentions"] == 1


def test_merge_pending_and_remerge(db_url: str) -> None:
    docs = [(make_article(f"p{i}", source=f"s{i}.example"), [make_event(f"p{i}", 0)]) for i in range(3)]
    with open_store(db_url) as s:
        s.write(docs, merge=False)
        assert s.count() == 0
        assert s.merge_pending() == 3
        assert [r["num_mentions"] for r in s.events().to_pylist()] == [3]
        # a stricter rule (exact CAMEO code) with one event recoded as a visit splits them
        s.write([(docs[0][0], [make_event("p0", 0, cameo="042")])])
        assert s.remerge(MergeRule(type_level="cameo")) == 3
        assert sorted(r["num_mentions"] for r in s.events().to_pylist()) == [1, 2]
        assert s.rule.type_level == "cameo"
    with open_store(db_url) as s:  # the rule is kept in the database
        assert s.rule.type_level == "cameo"
    with pytest.raises(StoreError, match="remerge"):
        open_store(db_url, rule=MergeRule())
    check_consistent(db_url)


def test_uncoded_duplicates_count_as_articles_and_sources(db_url: str) -> None:
    canon = make_article("canon", source="apa.example", cluster_id="c1")
    copy = make_article(
        "copy", source="trend.example", cluster_id="c1", duplicate_of="canon", skipped_reason="duplicate"
    )
    with open_store(db_url) as s:
        s.write([(canon, [make_event("canon", 0)])])
        s.write([(copy, [])])
        row = s.events().to_pylist()[0]
        assert (row["num_mentions"], row["num_articles"], row["num_sources"]) == (1, 2, 2)
        s.write(
            [(canon, [make_event("canon", 0), make_event("canon", 1)])]
        )  # recoding keeps the copy counted
        row = s.events().to_pylist()[0]
        assert (row["num_mentions"], row["num_articles"], row["num_sources"]) == (2, 2, 2)


def test_undated_events_are_null_never_the_day_they_were_stored(db_url: str) -> None:
    # Two articles without a publication date, events without a date in their text: unknown dates.
    a = make_article("u1", date=None, date_raw="the day after the storm")
    b = make_article("u2", date=None, source="other.example")
    dated = make_article("d1", date=dt.date(2024, 5, 7), source="third.example")
    undated = {"date": None}
    with open_store(db_url) as s:
        s.write(
            [
                (a, [make_event("u1", 0, **undated), make_event("u1", 1, **undated)]),
                (b, [make_event("u2", 0, **undated)]),
                (dated, [make_event("d1", 0, **undated)]),
            ]
        )
        ments = {r["event_id"]: r for r in s.mentions().to_pylist()}
        assert (ments["u1#0"]["merge_date"], ments["u1#0"]["merge_date_source"]) == (None, "none")
        assert ments["d1#0"]["merge_date"] == dt.date(2024, 5, 7)  # dated by its publication
        assert ments["d1#0"]["merge_date_source"] == "published"
        assert ments["u1#0"]["merged_id"] == ments["u1#1"]["merged_id"]  # one article: one event
        # without a date, two articles' mentions are never one event, nor join a dated one
        assert len({ments[i]["merged_id"] for i in ("u1#0", "u2#0", "d1#0")}) == 3
        events = s.events().to_pylist()
        assert sorted((r["event_date"] is None, r["date_source"]) for r in events) == [
            (False, "published"),
            (True, "none"),
            (True, "none"),
        ]
        assert all(r["event_date"] != dt.date.today() for r in events)
        assert s.get_articles(["u1"])[0].date_raw == "the day after the storm"
        assert len(list(s.iter_events())) == 4  # undated mentions are listed too (last)
        assert s.count(EventFilter(since=dt.date(2000, 1, 1))) == 1  # but never inside a date range
    check_consistent(db_url)


def test_version_1_databases_lose_their_invented_dates(tmp_path: Path) -> None:
    url = str(tmp_path / "v1.duckdb")
    backend = open_backend(url)
    try:
        apply_migrations(backend, MIGRATIONS[:1])
        backend.execute(
            "INSERT INTO mentions (event_id, article_id, merge_date, merge_date_source) "
            "VALUES ('e1', 'a1', DATE '2026-01-01', 'stored'), ('e2', 'a1', DATE '2024-05-06', 'text')"
        )
        backend.execute(
            "INSERT INTO merged_events (merged_id, event_date, date_source) "
            "VALUES (1, DATE '2026-01-01', 'stored')"
        )
    finally:
        backend.close()
    assert upgrade(url)[1] == [f"{m.version:04d}_{m.name}" for m in MIGRATIONS[1:]]
    backend = open_backend(url)
    try:
        assert backend.fetchall(
            "SELECT event_id, merge_date, merge_date_source FROM mentions ORDER BY 1"
        ) == [
            ("e1", None, "none"),
            ("e2", dt.date(2024, 5, 6), "text"),
        ]
        assert backend.fetchall("SELECT event_date, date_source FROM merged_events") == [(None, "none")]
    finally:
        backend.close()


def test_long_before_publication_flags_reach_merged_events(db_url: str) -> None:
    art = make_article("old", date=dt.date(2024, 5, 7))
    ev = replace(make_event("old", 0, date=dt.date(2020, 1, 1)), date_flag="long-before-publication")
    with open_store(db_url) as s:
        s.write([(art, [ev])])
        assert s.mentions().column("date_flag").to_pylist() == ["long-before-publication"]
        assert s.events().column("date_flag").to_pylist() == ["long-before-publication"]


# --- queries ------------------------------------------------------------------------------------------------


def test_filters(db_url: str) -> None:
    d = dt.date(2024, 5, 6)
    batch = [
        (make_article("f1"), [make_event("f1", 0, date=d)]),
        (
            make_article("f2"),
            [
                make_event(
                    "f2",
                    0,
                    ("RUSMIL",),
                    ("UKR",),
                    event="ASSAULT",
                    cameo="190",
                    date=d + dt.timedelta(days=30),
                )
            ],
        ),
        (
            make_article("f3"),
            [
                make_event(
                    "f3",
                    0,
                    ("IGOUNO",),
                    (),
                    event="ACCUSE",
                    cameo="111",
                    modality="negated",
                    date=d + dt.timedelta(days=60),
                )
            ],
        ),
    ]
    with open_store(db_url) as s:
        s.write(batch)

        def events(**kw: object) -> list[str]:
            return sorted(r["event"] for r in s.events(EventFilter(**kw)).to_pylist())  # type: ignore[arg-type]

        assert events() == ["ACCUSE", "ASSAULT", "CONSULT"]
        assert events(actor=("AZE",)) == ["CONSULT"]
        assert events(actor=("ukr",)) == ["ASSAULT"]
        assert events(actor=("IGO",)) == ["ACCUSE"]
        assert events(country=("RUS",)) == ["ASSAULT"]
        assert events(type=("19",)) == ["ASSAULT"]
        assert events(type=("consult", "111")) == ["ACCUSE", "CONSULT"]
        assert events(quad=(1,)) == ["ACCUSE", "ASSAULT", "CONSULT"]
        assert events(since=d + dt.timedelta(days=1)) == ["ACCUSE", "ASSAULT"]
        assert events(until=d + dt.timedelta(days=30)) == ["ASSAULT", "CONSULT"]
        assert events(modality=("negated",)) == ["ACCUSE"]
        assert s.count(EventFilter(actor=("AZE",)), level="mentions") == 1
        assert [r["event_id"] for r in s.mentions(EventFilter(type=("ASSAULT",))).to_pylist()] == ["f2#0"]
        with pytest.raises(StoreError, match="query failed"):
            s.sql("SELECT nonsense FROM nowhere")


# --- schema and migrations ----------------------------------------------------------------------------------


def test_fresh_database_matches_schema_and_upgrade_is_idempotent(db_url: str) -> None:
    with open_store(db_url) as s:
        assert schema_version(s.backend) == SCHEMA_VERSION
        for table, cols in TABLES.items():
            assert s.backend.table_columns(table) == [c for c, _ in cols], table
    assert upgrade(db_url) == (SCHEMA_VERSION, [])


def test_named_migrations_apply_in_order_and_newer_schemas_are_refused(db_url: str) -> None:
    later = Migration(
        SCHEMA_VERSION + 1, "add_article_tags", lambda d: ["ALTER TABLE articles ADD COLUMN tags TEXT"]
    )
    backend = open_backend(db_url)
    try:
        assert apply_migrations(backend, MIGRATIONS) == [f"{m.version:04d}_{m.name}" for m in MIGRATIONS]
        assert apply_migrations(backend, [*MIGRATIONS, later]) == [f"{later.version:04d}_add_article_tags"]
        assert "tags" in backend.table_columns("articles")
        names = [r[0] for r in backend.fetchall("SELECT name FROM eventwire_migrations ORDER BY version")]
        assert names == [*(m.name for m in MIGRATIONS), "add_article_tags"]
    finally:
        backend.close()
    with pytest.raises(StoreError, match="newer than this eventwire"):
        open_store(db_url)


def test_older_schema_needs_upgrade(db_url: str) -> None:
    later = [
        *MIGRATIONS,
        Migration(
            SCHEMA_VERSION + 1, "add_article_tags", lambda d: ["ALTER TABLE articles ADD COLUMN tags TEXT"]
        ),
    ]
    open_store(db_url).close()
    with pytest.raises(StoreError, match="eventwire db upgrade"):
        open_store(db_url, migrations=later)
    assert upgrade(db_url, later) == (SCHEMA_VERSION, [f"{SCHEMA_VERSION + 1:04d}_add_article_tags"])
    with open_store(db_url, read_only=True, migrations=later) as s:
        assert schema_version(s.backend) == SCHEMA_VERSION + 1


def test_read_only_open_of_missing_database_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="eventwire run"):
        open_store(tmp_path / "none.duckdb", read_only=True)
    open_store(tmp_path / "new" / "folder" / "events.duckdb").close()  # a writer makes its folder
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="cannot create"):
        open_store(tmp_path / "file" / "events.duckdb")


def test_postgres_connection_errors_are_one_line_and_hide_passwords() -> None:
    with pytest.raises(StoreError) as e:
        open_store("postgresql://someone:secret@127.0.0.1:1/nowhere")
    assert "secret" not in str(e.value) and "check that the server runs" in str(e.value)


# --- DuckDB: one writer at a time ---------------------------------------------------------------------------


HOLDER = """
import sys, time
from eventwire.store import open_store
s = open_store(sys.argv[1], read_only=sys.argv[2] == "ro")
print("open", flush=True)
time.sleep(60)
"""


@contextmanager
def holding(path: Path, mode: str) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), mode], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "open"
        yield proc
    finally:
        proc.kill()
        proc.wait()


def test_second_duckdb_writer_gets_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "locked.duckdb"
    open_store(path).close()
    with holding(path, "rw") as proc:
        with pytest.raises(StoreLockedError, match=rf"PID {proc.pid}\).*one writer at a time"):
            open_store(path)
        with pytest.raises(StoreLockedError):
            open_store(path, read_only=True)
    open_store(path).close()  # released when the holder is gone


def test_duckdb_readers_share_the_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.duckdb"
    with open_store(path) as s:
        s.write([(make_article("x"), [make_event("x", 0)])])
    with holding(path, "ro"), open_store(path, read_only=True) as reader:
        assert reader.count() == 1


# --- killed runs resume without duplicates ------------------------------------------------------------------


RUNNER = """
import datetime as dt, sys, time
from eventwire.store import open_store
from eventwire.run import run_pipeline
from eventwire.types import Actor, Article, Event

CODES = ["AZEGOV", "ARMGOV", "USAGOV"]

class SlowCoder:
    '''Codes each article into two events deterministically; slowly when asked, so the test can kill it.'''
    def __init__(self, delay): self.delay = delay
    def code_articles(self, articles, on_skip=None):
        for a in articles:
            time.sleep(self.delay)
            n = int(a.id.split("-")[1])
            day = dt.date(2024, 1, 1) + dt.timedelta(days=n % 20)
            evs = [Event(doc_id=a.id, event_id=f"{a.id}:{k}", sentence_index=k, sentence="s", event="CONSULT",
                         cameo="040", cameo_root="04", quad_class=1, goldstein=1.0, date=day,
                         date_text="Monday",
                         actor=(Actor(text="a", start=0, end=1, code=CODES[(n + k) % 3]),),
                         recipient=(Actor(text="b", start=2, end=3, code="RUSGOV"),)) for k in range(2)]
            yield a, evs

url, n, delay, first = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
articles = (Article(id=f"art-{i}", text=f"text {i}", date=dt.date(2024, 1, 2), source=f"s{i % 5}")
            for i in range(first, first + n))
with open_store(url) as store:
    stats = run_pipeline(articles, store, SlowCoder(delay), batch_articles=7,
                         on_progress=lambda s: print("batch", s.coded, flush=True))
print("done", stats.coded, stats.already_stored, flush=True)
"""


def _runner(url: str, n: int, delay: float, first: int = 0) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", RUNNER, url, str(n), str(delay), str(first)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_sigkilled_run_leaves_a_consistent_database_and_resumes(db_url: str) -> None:
    proc = _runner(db_url, 120, 0.01)
    assert proc.stdout is not None
    for line in proc.stdout:  # each line is printed after a batch committed; kill mid-run, without warning
        if line.startswith("batch") and int(line.split()[1]) >= 40:
            break
    else:
        pytest.fail(f"the run ended before it could be killed: {proc.stderr.read() if proc.stderr else ''}")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = check_consistent(db_url)
    assert 0 < partial["articles"] < 120
    done = _runner(db_url, 120, 0.0)
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    _, coded, already = out.split("\n")[-2].split()
    assert int(already) == partial["articles"] and int(coded) == 120 - partial["articles"]
    counts = check_consistent(db_url)
    assert counts["articles"] == 120 and counts["mentions"] == 240


@pytest.mark.postgres
def test_concurrent_postgres_runs_agree_with_one_run() -> None:
    with pg_schema() as url:
        open_store(url).close()
        runs = [_runner(url, 60, 0.0, first) for first in (0, 30, 60)]  # overlapping article ranges
        for r in runs:
            _, err = r.communicate(timeout=180)
            assert r.returncode == 0, err
        counts = check_consistent(url)
        assert counts["articles"] == 120 and counts["mentions"] == 240
        with open_store(url) as s:
            together = sorted(tuple(sorted(g)) for g in _groups(s))
    with pg_schema() as url:
        r = _runner(url, 120, 0.0)
        _, err = r.communicate(timeout=180)
        assert r.returncode == 0, err
        with open_store(url) as s:
            alone = sorted(tuple(sorted(g)) for g in _groups(s))
    assert together == alone


def _groups(s: object) -> list[list[str]]:
    groups: dict[int, list[str]] = {}
    for r in s.mentions().to_pylist():  # type: ignore[attr-defined]
        groups.setdefault(r["merged_id"], []).append(r["event_id"])
    return list(groups.values())


# --- the pipeline -------------------------------------------------------------------------------------------


class ListCoder:
    """Codes articles from a fixed table of events (a stand-in for the spaCy coder, not for the database)."""

    def __init__(self, events: dict[str, list[Event]]) -> None:
        self.events = events
        self.seen: list[str] = []

    def code_articles(
        self, articles: object, on_skip: object = None
    ) -> Iterator[tuple[Article, list[Event]]]:
        for a in articles:  # type: ignore[attr-defined]
            self.seen.append(a.id)
            if a.id == "bad" and callable(on_skip):
                on_skip(Skip(a.id, "too-large", "test"))
                continue
            yield a, self.events.get(a.id, [])


def test_run_pipeline_resumes_recodes_and_counts_skips(db_url: str) -> None:
    arts = [make_article(f"k{i}") for i in range(5)]
    table = {a.id: [make_event(a.id, 0)] for a in arts}
    items: list[Article | Skip] = [
        *arts,
        Skip("x.bin", "not-html"),
        make_article("bad"),
        make_article("de", skipped_reason="language", language="de"),
        make_article("cp", skipped_reason="duplicate", duplicate_of="k0"),
    ]
    with open_store(db_url) as s:
        coder = ListCoder(table)
        stats = run_pipeline(items, s, coder, batch_articles=2)
        assert (stats.documents, stats.coded, stats.events, stats.duplicates) == (8, 5, 5, 1)
        assert dict(stats.skipped) == {"not-html": 1, "too-large": 1, "language": 1}
        assert s.events().to_pylist()[0]["num_articles"] == 6
        again = ListCoder(table)
        stats = run_pipeline(items, s, again, batch_articles=3)
        assert stats.already_stored == 7 and again.seen == ["bad"]
        stats = run_pipeline(arts[:2], s, ListCoder(table), recode=True)
        assert stats.coded == 2
        runs = s.sql("SELECT status, documents FROM runs ORDER BY run_id").to_pylist()
        assert [r["status"] for r in runs] == ["done"] * 3
    check_consistent(db_url)


# --- ids and text every backend can store; repeated ids; runs that died -------------------------------------


def test_unstorable_ids_are_skipped_per_record_and_text_is_made_storable(db_url: str) -> None:
    """One NUL in an article id used to block every PostgreSQL write of the batch (0 of 301 stored)."""
    good = [make_article(f"g{i}") for i in range(3)]
    nul = make_article("bad\x00id")
    surrogate = make_article("bad\ud800id")
    dirty = make_article("dirty", title="a\x00b\ud800c")
    ev = make_event("dirty", 0)
    ev = dataclasses.replace(ev, sentence="x\x00y\udfffz")
    with open_store(db_url) as s:
        res = s.write(
            [(a, [make_event(a.id, 0)]) for a in good]
            + [(nul, [make_event(nul.id, 0)]), (surrogate, []), (dirty, [ev])]
        )
        assert sorted(k.reason for k in res.skipped) == ["invalid-id", "invalid-id"]
        assert all("\x00" not in k.where for k in res.skipped)
        assert res.articles == 4 and res.mentions == 4
        row = s.get_articles(["dirty"])[0]
        assert row.title == "a\ufffdb\ufffdc"
        assert s.get_events(["dirty#0"])[0].sentence == "x\ufffdy\ufffdz"
        assert s.known_articles(["bad\x00id", "g0"]).keys() == {"g0"}
    check_consistent(db_url)


def test_a_repeated_article_id_in_one_run_is_a_counted_skip(db_url: str) -> None:
    """The first is kept with its events; the summary says what happened to the second."""
    first = make_article("same")
    second = Article(id="same", text="A different text with the same id.", date=dt.date(2024, 5, 8))
    table = {"same": [make_event("same", 0)], "other": [make_event("other", 0)]}
    for batch in (1, 10):  # across batches, and within one
        with fresh_db("duckdb", Path(tempfile.mkdtemp())) as url, open_store(url) as s:
            stats = run_pipeline(
                [first, make_article("other"), second], s, ListCoder(table), batch_articles=batch
            )
            assert stats.skipped == {"duplicate-id": 1} and stats.coded == 2
            assert s.get_articles(["same"])[0].text == first.text
            assert s.count(level="mentions") == 2
    with open_store(db_url) as s:
        run_pipeline([first], s, ListCoder(table))
        stats = run_pipeline([second], s, ListCoder(table))  # a later run: the changed text replaces it
        assert stats.coded == 1 and not stats.skipped
        assert s.get_articles(["same"])[0].text == second.text


def test_a_run_killed_without_warning_is_marked_interrupted_by_the_next(db_url: str) -> None:
    proc = _runner(db_url, 120, 0.01)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("batch"):
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with open_store(db_url) as s:
        assert [r["status"] for r in s.sql("SELECT status FROM runs").to_pylist()] == ["running"]
    done = _runner(db_url, 10, 0.0)
    _, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    with open_store(db_url) as s:
        runs = s.sql("SELECT status FROM runs ORDER BY run_id").to_pylist()
    assert [r["status"] for r in runs] == ["interrupted", "done"]


@pytest.mark.postgres
def test_a_live_postgres_run_is_not_taken_for_dead() -> None:
    with pg_schema() as url:
        proc = _runner(url, 400, 0.02)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("batch"):
                break
        with open_store(url) as s:
            assert s.mark_abandoned_runs() == []
            alive = s.start_run(["x"])
            assert s.mark_abandoned_runs() == []  # our own live run is not dead either
            s.finish_run(alive, status="done", documents=0, events=0, skip_reasons={})
        proc.kill()
        proc.wait()
        with open_store(url) as s:
            # the server drops the dead session's lock once it notices the closed socket (a busy machine
            # can take a moment)
            deadline = time.monotonic() + 20
            gone = s.mark_abandoned_runs()
            while not gone and time.monotonic() < deadline:
                time.sleep(0.2)
                gone = s.mark_abandoned_runs()
            assert len(gone) == 1


SIGTERM_RUNNER = RUNNER.replace(
    "with open_store(url) as store:",
    "from eventwire.cli import _interruptible\nwith _interruptible() as stop, open_store(url) as store:",
).replace("batch_articles=7,", "batch_articles=7, interrupted=stop,")


def test_sigterm_marks_the_run_interrupted(db_url: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", SIGTERM_RUNNER, db_url, "120", "0.01", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("batch"):
            break
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    with open_store(db_url) as s:
        assert [r["status"] for r in s.sql("SELECT status FROM runs").to_pylist()] == ["interrupted"]
    check_consistent(db_url)
