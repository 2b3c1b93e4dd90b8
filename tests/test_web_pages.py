"""The dashboard in real headless Chromium (Debian's, driven by Playwright) over the demo database: every
view renders offline with no console error and paints fast, the filter bar drives the timeline, map,
network and table to the numbers the store gives, and the event page highlights the evidence.

The expected numbers come from the store's own queries, so the tests follow the coder as it improves.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tools.dashboard import VIEWS, browser, chromium_missing, first_paint_ms, open_view, serving

from eventwire.config import Config
from eventwire.run import run_sources
from eventwire.store import EventFilter, Store, open_store

pytestmark = pytest.mark.browser

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo" / "articles.jsonl"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, coder: Any) -> str:
    """The database `make demo` builds: the demo corpus run through ingest, the coder and the store."""
    why = chromium_missing()
    if why and os.environ.get("CI"):
        pytest.fail(f"{why}: CI must run the browser tests")
    if why:
        pytest.skip(why)
    db = str(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    with open_store(db) as store:
        stats = run_sources([str(DEMO)], store, Config(), coder=coder)
    assert stats.merged_total > 10
    return db


@pytest.fixture(scope="module")
def site(demo_db: str) -> Iterator[tuple[str, Any, Any]]:
    with serving(demo_db) as origin, browser(origin) as (page, watch):
        yield origin, page, watch


@pytest.fixture(scope="module")
def reader(demo_db: str, site: Any) -> Iterator[Store]:
    """The store the server reads, opened read-only beside it (expected numbers come from here)."""
    with open_store(demo_db, read_only=True) as s:
        yield s


def test_every_view_renders_offline_without_errors_and_paints_in_under_a_second(
    site: tuple[str, Any, Any], reader: Store
) -> None:
    origin, page, watch = site
    busiest = reader.page(limit=1).rows.column("merged_id")[0].as_py()
    # A running browser that has not seen the dashboard: its first visit loads every asset from the server.
    page.goto(origin + "/api/info")
    for view in [*VIEWS, f"/event/{busiest}"]:
        assert open_view(page, origin + view) == "ready", (view, page.inner_text("#message"))
        paint = first_paint_ms(page)
        assert paint is not None and paint < 1000, (view, paint)
        assert page.locator("#message").is_hidden()
    page.goto(origin + "/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() >= 10
    assert watch.errors == [] and watch.elsewhere == []


def _bars(page: Any) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for bar in page.locator("svg.ew-timeline rect.ew-bar").all():
        key = (bar.get_attribute("data-period"), bar.get_attribute("data-key"))
        out[key] = int(float(bar.get_attribute("data-n")))
    return out


def test_the_filter_bar_drives_timeline_map_network_and_table(
    site: tuple[str, Any, Any], reader: Store
) -> None:
    origin, page, watch = site
    country = next(r["key"] for r in reader.breakdown(by="actor_country").to_pylist() if r["key"])
    where = EventFilter(country=(country,))
    assert 0 < reader.count(where) < reader.count()  # the filter selects something, not everything
    assert open_view(page, origin + "/") == "ready"
    page.fill("input[name=country]", country)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/?country={country}")
    page.wait_for_selector("main[data-state=ready]")
    page.wait_for_timeout(500)  # the map's clusters

    # timeline: every bar is the store's count for its period and quad class
    period = page.get_attribute("svg.ew-timeline", "data-period")
    want: dict[tuple[str, str], int] = defaultdict(int)
    for r in reader.timeline(where, period=period, by="quad_class").to_pylist():
        want[(r["period"].isoformat(), str(r["key"]))] += r["n"]
    assert _bars(page) == dict(want)
    assert int(page.get_attribute("svg.ew-timeline", "data-total")) == sum(want.values())

    # map: the located events, all of them on screen in clusters or single pins
    places = reader.places(where).to_pylist()
    located = sum(p["n"] for p in places)
    assert int(page.get_attribute(".map", "data-events")) == located
    assert int(page.get_attribute(".map", "data-places")) == len(places)
    pins = page.locator(".ew-pin, .ew-cluster").evaluate_all("els => els.map(e => Number(e.dataset.n))")
    shown = [int(x) for x in pins]
    assert sum(shown) == located

    # network: one edge per dyad, with the store's count
    top = reader.dyads(where, limit=40).to_pylist()
    dyads = {(d["actor_code"], d["recipient_code"]): d["n"] for d in top}
    edges = page.locator("svg.ew-network path.ew-edge").evaluate_all(
        "els => els.map(e => [e.dataset.source, e.dataset.target, Number(e.dataset.n)])"
    )
    assert {(s, t): n for s, t, n in edges} == dyads

    # table: the total and the rows the store selects, newest first
    assert int(page.get_attribute("#events-total", "data-total")) == reader.count(where)
    ids = page.locator("table.events tbody tr").evaluate_all("rows => rows.map(r => Number(r.dataset.id))")
    assert ids == reader.page(where, limit=12).rows.column("merged_id").to_pylist()

    # the same filter carries to the other views through their links
    page.click("#nav a[data-nav=timeline]")
    page.wait_for_selector("main[data-view=timeline][data-state=ready]")
    assert page.input_value("input[name=country]") == country
    assert sum(_bars(page).values()) == sum(want.values())
    assert watch.errors == [] and watch.elsewhere == []


def test_the_event_page_highlights_the_evidence(site: tuple[str, Any, Any], reader: Store) -> None:
    origin, page, watch = site
    events = reader.events().to_pylist()
    busiest = max(events, key=lambda e: (e["num_mentions"], -e["merged_id"]))
    assert open_view(page, f"{origin}/event/{busiest['merged_id']}") == "ready"
    mentions = reader.mentions_of([busiest["merged_id"]]).to_pylist()
    records = {e.event_id: e for e in reader.get_events([m["event_id"] for m in mentions])}
    cards = page.locator(".mention")
    assert cards.count() == len(mentions) >= 1
    for i in range(cards.count()):
        card = cards.nth(i)
        ev = records[card.get_attribute("data-event-id")]
        url = next(m["url"] for m in mentions if m["event_id"] == ev.event_id)

        def marked(kind: str, card: Any = card) -> str:
            marks = card.locator(f"p.evidence mark[data-kinds~={kind}]")
            return "".join(marks.evaluate_all("ms => ms.map(m => m.textContent)"))

        start, end = ev.sentence_start, ev.sentence_start + len(ev.sentence)
        if start <= ev.event_start and ev.event_end <= end:
            assert marked("trigger") == ev.event_text
        actors = [a for a in (*ev.actor, *ev.recipient) if start <= a.start and a.end <= end]
        for a in actors:
            assert a.text in marked("actor") + marked("recipient")
        if ev.location is not None and start <= ev.location.start and ev.location.end <= end:
            assert ev.location.text in marked("place")
        if ev.date_text and ev.date_text.lower() in ev.sentence.lower():
            assert marked("date").lower() == ev.date_text.lower()
        if url:
            assert card.locator(".src a").first.get_attribute("href") == url
    assert watch.errors == [] and watch.elsewhere == []
