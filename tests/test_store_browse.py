"""Reading the store as the API and dashboard do (``eventwire.store.browse``), on both backends: keyset
pages, counts by period, breakdowns, dyads, places, and the place/bbox/text filters."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterator

import pytest
from tests.test_store import BAKU, db_kind, db_url, make_article, make_event  # noqa: F401 - fixtures

from eventwire.errors import InputError, QueryTimeoutError
from eventwire.store import EventFilter, Store, open_store
from eventwire.store.browse import decode_cursor, encode_cursor
from eventwire.store.store import text_terms
from eventwire.types import Event, Place

D = dt.date(2024, 5, 6)  # a Monday

KYIV = Place(
    text="Kyiv", start=0, end=4, geonameid=703448, name="Kyiv", lat=50.45466, lon=30.5238, country="UKR",
    precision="city",
)  # fmt: skip
SUVA = Place(
    text="Suva", start=0, end=4, geonameid=2198148, name="Suva", lat=-18.14161, lon=178.44149, country="FJI",
    precision="city",
)  # fmt: skip


def ev(doc: str, n: int, *, goldstein: float, quad: int, sentence: str, **kw: object) -> Event:
    """A hand-made event with its own Goldstein score, quad class and sentence."""
    e = make_event(doc, n, **kw)  # type: ignore[arg-type]
    return dataclasses.replace(e, goldstein=goldstein, quad_class=quad, sentence=sentence)


def fill(s: Store) -> None:
    """Seven merged events over two weeks, three places, one event across the antimeridian."""
    batch = [
        (make_article("a1"), [ev("a1", 0, goldstein=1.0, quad=1, sentence="Ministers met in Baku.", date=D,
                                 place=BAKU)]),
        (make_article("a2"), [ev("a2", 0, goldstein=4.0, quad=1, sentence="They met again; 100% agreed.",
                                 date=D + dt.timedelta(days=1), place=BAKU)]),
        (make_article("a3"), [ev("a3", 0, goldstein=-10.0, quad=4, sentence="Troops shelled Kyiv overnight.",
                                 actors=("RUSMIL",), recipients=("UKR",), event="ASSAULT", cameo="190",
                                 date=D + dt.timedelta(days=2), place=KYIV)]),
        (make_article("a4"), [ev("a4", 0, goldstein=-9.5, quad=4, sentence="Troops shelled the city_centre.",
                                 actors=("RUSMIL",), recipients=("UKR",), event="ASSAULT", cameo="190",
                                 date=D + dt.timedelta(days=8), place=KYIV)]),
        (make_article("a5"), [ev("a5", 0, goldstein=-2.0, quad=3, sentence="Moscow accused Kyiv of lying.",
                                 actors=("RUSGOV",), recipients=("UKRGOV",), event="ACCUSE", cameo="112",
                                 date=D + dt.timedelta(days=9))]),
        (make_article("a6"), [ev("a6", 0, goldstein=3.0, quad=2, sentence="Fiji sent aid to Suva.",
                                 actors=("FJIGOV",), recipients=(), event="AID", cameo="070",
                                 date=D + dt.timedelta(days=9), place=SUVA)]),
        (make_article("a7"), [ev("a7", 0, goldstein=1.0, quad=1, sentence="The sides met in Baku later.",
                                 actors=("AZEGOV",), recipients=("ARMGOV",), date=D + dt.timedelta(days=13),
                                 place=BAKU)]),
    ]  # fmt: skip
    s.write(batch)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:  # noqa: F811 - the fixture imported above
    """The store of :func:`fill`."""
    with open_store(db_url) as s:
        fill(s)
        assert s.count() == 7
        yield s


def test_pages_walk_every_row_once_in_both_orders(store: Store) -> None:
    every = store.events().to_pylist()
    newest_first = sorted(every, key=lambda r: (r["event_date"], r["merged_id"]), reverse=True)
    for order, expected in (("desc", newest_first), ("asc", newest_first[::-1])):
        seen: list[int] = []
        cursor = None
        for _ in range(10):
            page = store.page(order=order, limit=2, after=cursor)
            assert page.rows.num_rows <= 2
            seen += page.rows.column("merged_id").to_pylist()
            cursor = page.next
            if cursor is None:
                break
        assert seen == [r["merged_id"] for r in expected]


def test_a_page_is_stable_when_rows_are_added_before_the_cursor(store: Store) -> None:
    first = store.page(limit=3)
    store.write([(make_article("late"), [make_event("late", 0, date=D + dt.timedelta(days=30))])])
    rest = store.page(limit=50, after=first.next)
    assert rest.next is None
    ids = first.rows.column("merged_id").to_pylist() + rest.rows.column("merged_id").to_pylist()
    assert len(ids) == len(set(ids)) == 7  # the newer event is not in the pages already being walked


def test_undated_events_come_last_in_either_order(store: Store) -> None:
    undated = store.events(EventFilter(type=("AID",))).column("merged_id")[0].as_py()
    store.backend.execute("UPDATE merged_events SET event_date = NULL WHERE merged_id = ?", [undated])
    store.backend.execute("UPDATE mentions SET merge_date = NULL WHERE merged_id = ?", [undated])
    for order in ("desc", "asc"):
        ids: list[int] = []
        cursor = None
        while True:
            page = store.page(order=order, limit=3, after=cursor)
            ids += page.rows.column("merged_id").to_pylist()
            if (cursor := page.next) is None:
                break
        assert ids[-1] == undated and len(ids) == 7
        mids: list[str] = []
        cursor = None
        while True:
            page = store.page(level="mentions", order=order, limit=2, after=cursor)
            mids += page.rows.column("event_id").to_pylist()
            if (cursor := page.next) is None:
                break
        assert mids[-1] == "a6#0" and len(mids) == 7
    assert store.timeline().column("n").to_pylist() == [1, 1, 1, 1, 1, 1]  # undated: not on the timeline


def test_mention_pages_carry_their_article(store: Store) -> None:
    page = store.page(EventFilter(type=("ASSAULT",)), level="mentions", limit=1)
    row = page.rows.to_pylist()[0]
    assert row["event_id"] == "a4#0" and row["url"] == "https://outlet.example/a4"
    assert page.next is not None
    rest = store.page(EventFilter(type=("ASSAULT",)), level="mentions", limit=1, after=page.next)
    assert rest.rows.column("event_id").to_pylist() == ["a3#0"] and rest.next is None


def test_bad_cursors_and_page_sizes_say_what_to_do(store: Store) -> None:
    good = store.page(limit=1).next
    assert good is not None
    for bad in ("nonsense", "!!!", encode_cursor("asc", ("d", D, 3)), encode_cursor("desc", ("d", D, "x"))):
        with pytest.raises(InputError, match="start again from the first page"):
            store.page(limit=1, after=bad)
    with pytest.raises(InputError, match="start again"):
        store.page(level="mentions", limit=1, after=good)  # an events cursor is not a mentions cursor
    with pytest.raises(InputError, match="1 to 1000"):
        store.page(limit=5000)
    with pytest.raises(InputError, match="unknown order"):
        store.page(order="sideways")
    assert decode_cursor(encode_cursor("desc", ("u", 5)), "desc", int) == ("u", 5)


def test_timeline_by_day_week_and_quad_class(store: Store) -> None:
    days = store.timeline(period="day").to_pylist()
    assert [(r["period"], r["n"]) for r in days] == [
        (D, 1), (D + dt.timedelta(days=1), 1), (D + dt.timedelta(days=2), 1), (D + dt.timedelta(days=8), 1),
        (D + dt.timedelta(days=9), 2), (D + dt.timedelta(days=13), 1),
    ]  # fmt: skip
    weeks = store.timeline(period="week", by="quad_class").to_pylist()
    w2 = D + dt.timedelta(days=7)
    assert [(r["period"], r["key"], r["n"]) for r in weeks] == [
        (D, 1, 2), (D, 4, 1), (w2, 1, 1), (w2, 2, 1), (w2, 3, 1), (w2, 4, 1),
    ]  # fmt: skip
    month = store.timeline(period="month", by="event").to_pylist()
    assert {r["key"]: r["n"] for r in month} == {"ACCUSE": 1, "AID": 1, "ASSAULT": 2, "CONSULT": 3}
    assert all(r["period"] == dt.date(2024, 5, 1) for r in month)
    consult = next(r for r in month if r["key"] == "CONSULT")
    assert consult["goldstein"] == pytest.approx(2.0)
    assert store.timeline(EventFilter(country=("UKR",)), period="year").to_pylist() == [
        {"period": dt.date(2024, 1, 1), "key": None, "n": 3, "goldstein": pytest.approx(-7.1666667)}
    ]
    with pytest.raises(InputError, match="unknown period"):
        store.timeline(period="fortnight")
    with pytest.raises(InputError, match="unknown breakdown"):
        store.timeline(by="1; DROP TABLE mentions")


def test_breakdowns_by_type_and_goldstein_bins(store: Store) -> None:
    by_type = store.breakdown(by="event").to_pylist()
    assert [(r["key"], r["n"]) for r in by_type] == [
        ("CONSULT", 3), ("ASSAULT", 2), ("ACCUSE", 1), ("AID", 1),
    ]  # fmt: skip
    bins = {r["key"]: r["n"] for r in store.breakdown(by="goldstein").to_pylist()}
    assert bins == {1: 2, 4: 1, -10: 2, -2: 1, 3: 1}  # -9.5 falls in [-10, -9)
    quads = store.breakdown(by="quad_class", level="mentions").to_pylist()
    assert {r["key"]: r["n"] for r in quads} == {1: 3, 2: 1, 3: 1, 4: 2}
    assert store.breakdown(by="event", limit=1).num_rows == 1


def test_dyads_count_pairs_with_mean_goldstein(store: Store) -> None:
    dyads = store.dyads().to_pylist()
    assert [(d["actor_code"], d["recipient_code"], d["n"]) for d in dyads] == [
        ("AZEGOV", "ARMGOV", 3),
        ("RUSMIL", "UKR", 2),
        ("RUSGOV", "UKRGOV", 1),
    ]  # fmt: skip  (the aid event has no recipient: not a dyad)
    assert dyads[0]["goldstein"] == pytest.approx(2.0) and dyads[1]["goldstein"] == pytest.approx(-9.75)
    assert dyads[0]["mentions"] == 3 and dyads[1]["actor_country"] == "RUS"
    assert [d["n"] for d in store.dyads(EventFilter(since=D + dt.timedelta(days=2))).to_pylist()] == [2, 1, 1]
    assert store.dyads(limit=1).num_rows == 1


def test_places_with_counts_by_quad_class(store: Store) -> None:
    places = {p["name"]: p for p in store.places().to_pylist()}
    assert set(places) == {"Baku", "Kyiv", "Suva"}  # the accusation has no place
    assert (places["Baku"]["n"], places["Baku"]["q1"], places["Baku"]["q4"]) == (3, 3, 0)
    assert (places["Kyiv"]["n"], places["Kyiv"]["q4"], places["Kyiv"]["geonameid"]) == (2, 2, 703448)
    assert places["Kyiv"]["lat"] == pytest.approx(50.45466) and places["Suva"]["country"] == "FJI"
    assert places["Kyiv"]["goldstein"] == pytest.approx(-9.75)


def test_place_bbox_and_text_filters_on_both_levels(store: Store) -> None:
    def types(level: str = "events", **kw: object) -> list[str]:
        f = EventFilter(**kw)  # type: ignore[arg-type]
        t = store.events(f) if level == "events" else store.mentions(f)
        return sorted(t.column("event").to_pylist())

    for level in ("events", "mentions"):
        assert types(level, place=("703448",)) == ["ASSAULT", "ASSAULT"]
        assert types(level, place=("baku",)) == ["CONSULT"] * 3
        assert types(level, place=("FJI", "kyiv")) == ["AID", "ASSAULT", "ASSAULT"]
        # Europe and the Caucasus: Baku and Kyiv, not Suva
        assert types(level, bbox=(20.0, 35.0, 55.0, 55.0)) == ["ASSAULT"] * 2 + ["CONSULT"] * 3
        # across the antimeridian: 170E to 170W takes Suva (178E)
        assert types(level, bbox=(170.0, -30.0, -170.0, 0.0)) == ["AID"]
        assert types(level, text="shelled") == ["ASSAULT", "ASSAULT"]
        assert types(level, text='TROOPS "shelled kyiv"') == ["ASSAULT"]
        assert types(level, text="100%") == ["CONSULT"]  # LIKE wildcards are literal
        assert types(level, text="city_centre") == ["ASSAULT"]
        assert types(level, text="city%centre") == []
        assert types(level, text="met baku") == ["CONSULT", "CONSULT"]
    assert store.count(EventFilter(text="kyiv", type=("ACCUSE",))) == 1


def test_filter_problems_are_reported_together() -> None:
    bad = EventFilter(
        since=D, until=D - dt.timedelta(days=1), quad=(5,), modality=("maybe",), type=("1; DROP",),
        actor=("AZE GOV",), bbox=(10.0, 50.0, 20.0, 40.0), text='""',
    )  # fmt: skip
    problems = bad.problems()
    assert len(problems) == 7
    with pytest.raises(InputError, match="swap them") as err:
        bad.check()
    for words in (
        "quad class 5", "unknown modality 'maybe'", "CAMEO code prefix", "actor code", "south <= north",
        "text search is empty",
    ):  # fmt: skip
        assert words in str(err.value)
    assert EventFilter(bbox=(0.0, 0.0, 200.0, 1.0)).problems() == [
        "bbox longitudes must be within -180..180 (got 0, 200)"
    ]
    assert EventFilter(text=" ".join("w" * 9)).problems()[0].startswith("text search is too long")
    good = EventFilter(type=("CONSULT", "04"), actor=("AZEGOV", "---GOV"), quad=(1, 4), text="met")
    assert good.check() is good


def test_text_terms() -> None:
    assert text_terms('troops "shelled kyiv"  overnight') == ["troops", "shelled kyiv", "overnight"]
    assert text_terms('""  ') == [] and text_terms(None) == []
    assert text_terms('"open quote') == ['"open', "quote"]


def test_forks_read_the_same_database_from_other_threads(store: Store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    forks = [store.fork() for _ in range(3)]
    try:
        with ThreadPoolExecutor(3) as pool:
            counts = list(pool.map(lambda s: [s.count() for _ in range(20)], forks))
        assert counts == [[7] * 20] * 3
    finally:
        for f in forks:
            f.close()
    assert store.count() == 7  # the first connection is still open


def test_statement_timeout_stops_a_long_query(db_kind: str, store: Store) -> None:  # noqa: F811
    slow = "SELECT count(*) FROM range(10000000000) a" if db_kind == "duckdb" else "SELECT pg_sleep(5)"
    store.set_timeout(0.2)
    fork = store.fork()
    try:
        for s in (store, fork):
            t0 = time.perf_counter()
            with pytest.raises(QueryTimeoutError, match=r"longer than 0.2 s and was stopped"):
                s.backend.fetchall(slow)
            assert time.perf_counter() - t0 < 3
            assert s.count() == 7  # the connection is usable afterwards
    finally:
        fork.close()
    store.set_timeout(None)
    assert store.backend.fetchall("SELECT 1") == [(1,)]
