"""Speed of the event store on DuckDB, and the merge's pairwise precision/recall on our fixtures.

Measured in one run, each against a floor measured in the same run:

- **write**: ``Store.write`` of hand-made ``Event`` records (articles, mentions, actors; one transaction per
  batch), without and with merging; the floor is row-by-row ``executemany`` (what bulk writes replace).
  Also the database part alone: inserting ready Arrow tables. Target: >= 200,000 event rows/s.
- **group-by**: counts by dyad and month over 10 million stored events (``merged_events``) and 10
  million mentions, generated in the database; the floor is a plain ``count(*)`` scan. Target: < 1 s.
- **export**: 1 million merged events (with 2 M mentions, 4 M actor rows, 500 k articles) to Parquet
  with ``eventwire.export``; the floor is writing the events table alone. Target: < 5 s.
- **merge**: pairwise precision/recall on ``tests/fixtures/merge`` (hand-coded events; with ``--coder``
  also on the real coder's output).

    .venv/bin/python benchmarks/bench_store.py [--events 200000] [--groupby 10000000] [--export 1000000]
                                               [--coder] [--quick]

Wall-clock and CPU time are both shown (DuckDB runs queries on both cores, so CPU > wall there).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from eventwire.export import export
from eventwire.store import EventFilter, Store, open_store
from eventwire.store.merge import pairwise_scores
from eventwire.store.records import actors_table, mentions_table
from eventwire.types import Actor, Article, Attribution, Event, Place

REPO = Path(__file__).resolve().parents[1]
CODES = [
    "USA",
    "RUS",
    "CHN",
    "AZE",
    "ARM",
    "FRA",
    "DEU",
    "GBR",
    "IRN",
    "ISR",
    "TUR",
    "UKR",
    "IND",
    "PAK",
    "EGY",
    "SAU",
    "SYR",
    "IRQ",
    "JPN",
    "KOR",
    "BRA",
    "MEX",
    "NGA",
    "ETH",
    "KEN",
    "MLI",
    "NER",
    "SDN",
    "LBY",
    "KAZ",
]
SECTORS = ["GOV", "MIL", "COP", "OPP", "CVL", ""]
TYPES = [
    ("CONSULT", "040", 1, 1.0),
    ("CONSULT", "042", 1, 1.9),
    ("ACCUSE", "112", 3, -2.0),
    ("ASSAULT", "190", 4, -10.0),
    ("AGREE", "030", 1, 4.0),
    ("PROTEST", "141", 4, -6.5),
]


class Timer:
    """Wall and CPU seconds of a block."""

    def __enter__(self) -> Timer:
        self.w0, self.c0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.w0
        self.cpu = time.process_time() - self.c0


def _actor(text: str, start: int, country: str, sector: str) -> Actor:
    return Actor(text=text, start=start, end=start + len(text), name=country, country=country,
                 sector=sector or None, code=country + sector, kind="country", coder="bench")  # fmt: skip


def make_corpus(n_events: int, seed: int = 7) -> list[tuple[Article, list[Event]]]:
    """Articles of 4 events each, with every field a coder fills (actors, place, attribution, evidence)."""
    rnd = random.Random(seed)
    items = []
    for j in range(n_events // 4):
        doc = f"bench-{j}"
        pub = dt.date(2024, 1, 1) + dt.timedelta(days=rnd.randrange(365))
        evs = []
        for k in range(4):
            ev, cameo, quad, gs = rnd.choice(TYPES)
            a, r = rnd.choice(CODES), rnd.choice(CODES)
            sa, sr = rnd.choice(SECTORS), rnd.choice(SECTORS)
            sent = (
                f"The {a} minister met officials from {r} in the capital on Monday, the ministry said ({k})."
            )
            start = 300 * k
            place = None
            if k % 2 == 0:
                place = Place(
                    text="the capital",
                    start=start + 50,
                    end=start + 61,
                    geonameid=587084 + k,
                    name="Baku",
                    lat=40.37767,
                    lon=49.89201,
                    country="AZE",
                    admin1="AZ.09",
                    feature_class="P",
                    feature_code="PPLC",
                    precision="city",
                    reason="capital",
                )
            evs.append(
                Event(
                    doc_id=doc,
                    event_id=f"{doc}:{k}",
                    sentence_index=k,
                    sentence_start=start,
                    sentence=sent,
                    event=ev,
                    cameo=cameo,
                    cameo_root=cameo[:2],
                    quad_class=quad,
                    goldstein=gs,
                    modality="asserted",
                    context=("diplomatic",),
                    date=pub - dt.timedelta(days=rnd.randrange(3)),
                    date_text="Monday",
                    actor=(_actor(f"The {a} minister", start, a, sa),),
                    recipient=(_actor(f"officials from {r}", start + 21, r, sr),),
                    event_text="met",
                    event_start=start + 17,
                    event_end=start + 20,
                    attribution=Attribution(text="the ministry said", start=start + 70, end=start + 87)
                    if k == 3
                    else None,
                    location=place,
                    confidence=0.8,
                    coder=("rule:met", "lex:consult"),
                )
            )
        items.append(
            (
                Article(
                    id=doc,
                    text="x" * 1200,
                    date=pub,
                    source=f"outlet{j % 50}.example",
                    url=f"https://outlet{j % 50}.example/{doc}",
                    title="A title",
                ),
                evs,
            )
        )
    return items


def fresh(folder: Path, name: str) -> Store:
    path = folder / name
    for p in (path, Path(f"{path}.wal")):
        p.unlink(missing_ok=True)
    return open_store(path, keep_text=False)


def bench_write(folder: Path, n: int, rows: list[list[str]]) -> None:
    items = make_corpus(n)
    n_events = sum(len(e) for _, e in items)
    # floor: row by row, what a naive store does
    floor_n = 2000
    with fresh(folder, "floor.duckdb") as s:
        cols = [
            "event_id",
            "article_id",
            "sentence_index",
            "sentence",
            "event",
            "cameo",
            "actor_code",
            "recipient_code",
            "goldstein",
            "event_date",
        ]
        sample = [e for _, evs in items for e in evs][:floor_n]
        data = [
            (
                e.event_id,
                e.doc_id,
                e.sentence_index,
                e.sentence,
                e.event,
                e.cameo,
                e.actor[0].code,
                e.recipient[0].code,
                e.goldstein,
                e.date,
            )
            for e in sample
        ]
        with Timer() as t:
            s.backend.con.executemany(  # type: ignore[attr-defined]
                f"INSERT INTO mentions ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", data
            )
        floor = floor_n / t.wall
    rows.append(
        [
            "write",
            f"floor: executemany, {floor_n:,} rows (10 columns)",
            f"{t.wall:.2f}",
            f"{t.cpu:.2f}",
            f"{floor:,.0f} rows/s",
            "1.0x",
        ]
    )
    batch = 25_000 // 4
    with fresh(folder, "write.duckdb") as s, Timer() as t:
        for i in range(0, len(items), batch):
            s.write(items[i : i + batch], merge=False)
    rows.append(
        [
            "write",
            f"Store.write, {n_events:,} events from Event objects (+articles, actors), no merge",
            f"{t.wall:.2f}",
            f"{t.cpu:.2f}",
            f"{n_events / t.wall:,.0f} events/s",
            f"{n_events / t.wall / floor:,.0f}x",
        ]
    )
    events = [e for _, evs in items for e in evs]
    owners = [a for a, evs in items for _ in evs]
    with fresh(folder, "arrow.duckdb") as s:
        mt = mentions_table(events, s._merge_columns(events, owners, dt.datetime(2024, 1, 1)))
        at = actors_table(events)
        # DuckDB's own ceiling for the same rows: a bare CREATE TABLE AS from the same Arrow table
        s.backend.con.register("_ew_ceiling_src", mt)  # type: ignore[attr-defined]
        with Timer() as tc:
            s.backend.con.execute("CREATE TABLE _ew_ceiling AS SELECT * FROM _ew_ceiling_src")  # type: ignore[attr-defined]
        s.backend.con.execute("DROP TABLE _ew_ceiling")  # type: ignore[attr-defined]
        s.backend.con.unregister("_ew_ceiling_src")  # type: ignore[attr-defined]
        with Timer() as tm, s.backend.transaction():
            s.backend.insert_arrow("mentions", mt)
        with Timer() as ta, s.backend.transaction():
            s.backend.insert_arrow("actors", at)
    rows.append(
        [
            "write",
            f"database part: Arrow insert of {mt.num_rows:,} event (mention) rows, {len(mt.schema)} columns",
            f"{tm.wall:.2f}",
            f"{tm.cpu:.2f}",
            f"{mt.num_rows / tm.wall:,.0f} event rows/s",
            f"{mt.num_rows / tm.wall / floor:,.0f}x",
        ]
    )
    rows.append(
        [
            "write",
            "  ceiling: bare DuckDB CREATE TABLE AS from the same Arrow table (no eventwire code)",
            f"{tc.wall:.2f}",
            f"{tc.cpu:.2f}",
            f"{mt.num_rows / tc.wall:,.0f} rows/s",
            f"{mt.num_rows / tc.wall / floor:,.0f}x",
        ]
    )
    total = mt.num_rows + at.num_rows
    wall, cpu = tm.wall + ta.wall, tm.cpu + ta.cpu
    rows.append(
        [
            "write",
            f"database part: the same + {at.num_rows:,} actor rows (two transactions)",
            f"{wall:.2f}",
            f"{cpu:.2f}",
            f"{mt.num_rows / wall:,.0f} events/s ({total / wall:,.0f} rows/s)",
            f"{mt.num_rows / wall / floor:,.0f}x",
        ]
    )
    m = min(n_events, 40_000)
    with fresh(folder, "merge.duckdb") as s, Timer() as t:
        sub = items[: m // 4]
        for i in range(0, len(sub), 500):
            s.write(sub[i : i + 500])
        merged = s.count()
    rows.append(
        [
            "write",
            f"Store.write with merge, {m:,} events in batches of 500 articles ({merged:,} merged)",
            f"{t.wall:.2f}",
            f"{t.cpu:.2f}",
            f"{m / t.wall:,.0f} events/s",
            f"{m / t.wall / floor:,.0f}x",
        ]
    )


_GEN_MERGED = """
INSERT INTO merged_events (merged_id, block_key, event_date, date_source, date_lo, date_hi, actor_code,
    actor_country,
    recipient_code, recipient_country, actor_codes, recipient_codes, event, context, cameo, cameo_root,
    quad_class,
    goldstein, modality, num_mentions, num_sources, num_articles, first_seen, last_seen, added_at, updated_at,
    loc_name, loc_country, loc_geonameid, loc_lat, loc_lon, is_root, confidence, source_url, rep_event_id)
SELECT i, 'k', d, 'text', d, d, a || 'GOV', a, r, r, a || 'GOV', r, 'CONSULT', ['diplomatic'], '040',
    '04', 1, 1.0,
    'asserted', 2, 2, 2, d::TIMESTAMP, d::TIMESTAMP, d::TIMESTAMP, d::TIMESTAMP, 'Baku', 'AZE', 587084,
    40.4, 49.9,
    true, 0.8, 'https://outlet.example/' || i, 'e' || i
FROM (SELECT i, DATE '2015-01-01' + CAST(hash(i) % 3650 AS INTEGER) AS d,
             $codes[1 + CAST(hash(i + 1) % 30 AS INTEGER)] AS a,
             $codes[1 + CAST(hash(i + 2) % 30 AS INTEGER)] AS r
      FROM range(?) t(i))
"""

_GEN_MENTIONS = """
INSERT INTO mentions (event_id, article_id, merged_id, sentence_index, sentence_start, sentence, event,
    context, cameo,
    cameo_root, quad_class, goldstein, modality, event_date, date_text, event_text, event_start, event_end,
    confidence, coder, actor_code, actor_country, recipient_code, recipient_country, actor_codes,
    recipient_codes,
    loc_text, loc_name, loc_country, loc_lat, loc_lon, block_key, merge_date, merge_date_source)
SELECT 'e' || i, 'a' || (i // 4), i // ?, 1, 100,
    'The minister met his counterpart in the capital on Monday.',
    'CONSULT', ['diplomatic'], '040', '04', 1, 1.0, 'asserted', d, 'Monday', 'met', 113, 116, 0.8, ['rule'],
    a || 'GOV', a, r, r, a || 'GOV', r, 'the capital', 'Baku', 'AZE', 40.4, 49.9, 'k', d, 'text'
FROM (SELECT i, DATE '2015-01-01' + CAST(hash(i) % 3650 AS INTEGER) AS d,
             $codes[1 + CAST(hash(i + 1) % 30 AS INTEGER)] AS a,
             $codes[1 + CAST(hash(i + 2) % 30 AS INTEGER)] AS r
      FROM range(?) t(i))
"""


def _fill(s: Store, sql: str, *params: int) -> None:
    codes = "[" + ", ".join(f"'{c}'" for c in CODES) + "]"
    with s.backend.transaction():
        s.backend.execute(sql.replace("$codes", codes), list(params))


def bench_groupby(folder: Path, n: int, rows: list[list[str]]) -> None:
    with fresh(folder, "groupby.duckdb") as s:
        with Timer() as t:
            _fill(s, _GEN_MERGED, n)
            _fill(s, _GEN_MENTIONS, 1, n)
        rows.append(
            [
                "group-by",
                f"fill: {n:,} merged events + {n:,} mentions (generated in SQL)",
                f"{t.wall:.1f}",
                f"{t.cpu:.1f}",
                "",
                "",
            ]
        )
    with open_store(folder / "groupby.duckdb", read_only=True) as s:
        for table, date in (("merged_events", "event_date"), ("mentions", "merge_date")):
            s.sql(f"SELECT count(*) FROM {table}")  # warm the cache, as a second query would find it
            with Timer() as f:
                s.sql(f"SELECT sum(hash(actor_code)) AS n FROM {table}")
            best: Timer | None = None
            for _ in range(3):
                with Timer() as t:
                    out = s.sql(
                        f"SELECT actor_code, recipient_code, date_trunc('month', {date}) AS month, "
                        f"count(*) AS n FROM {table} GROUP BY ALL"
                    )
                best = t if best is None or t.wall < best.wall else best
            assert best is not None
            rows.append(
                [
                    "group-by",
                    f"floor: one-column scan, sum(hash(actor_code)) over {n:,} {table}",
                    f"{f.wall:.3f}",
                    f"{f.cpu:.3f}",
                    "",
                    "",
                ]
            )
            rows.append(
                [
                    "group-by",
                    f"counts by dyad and month over {n:,} {table} ({out.num_rows:,} groups), best of 3",
                    f"{best.wall:.3f}",
                    f"{best.cpu:.3f}",
                    f"{n / best.wall / 1e6:,.0f} M rows/s",
                    f"{best.wall / max(f.wall, 1e-6):.1f}x floor",
                ]
            )


_GEN_ACTORS = """
INSERT INTO actors (event_id, slot, position, text, start_char, end_char, name, country, sector, code,
    kind, coder)
SELECT event_id, s.slot, 0, CASE s.slot WHEN 'actor' THEN 'The minister' ELSE 'his counterpart' END, 100, 112,
       actor_country, actor_country, 'GOV', actor_code, 'country', 'rule'
FROM mentions, (SELECT unnest(['actor', 'recipient']) AS slot) s
"""

_GEN_ARTICLES = """
INSERT INTO articles (article_id, url, source, title, language, pub_date, text_length, text_sha1, n_events,
    stored_at)
SELECT DISTINCT article_id, 'https://outlet.example/' || article_id, 'outlet.example', 'A title', 'en',
    merge_date,
    1200, 'sha', 4, TIMESTAMP '2024-01-01' FROM mentions
"""


def bench_export(folder: Path, n: int, rows: list[list[str]]) -> None:
    with fresh(folder, "export.duckdb") as s:
        _fill(s, _GEN_MERGED, n)
        _fill(s, _GEN_MENTIONS, 2, 2 * n)
        with s.backend.transaction():
            s.backend.execute(_GEN_ACTORS)
            s.backend.execute("DELETE FROM articles")
            s.backend.execute(
                _GEN_ARTICLES.replace("DISTINCT article_id", "article_id").replace(
                    "FROM mentions",
                    "FROM (SELECT article_id, min(merge_date) AS merge_date FROM mentions GROUP BY 1)",
                )
            )
    with open_store(folder / "export.duckdb", read_only=True) as s:
        counts = s.info().counts
        out = folder / "parquet"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        with Timer() as f:
            s.backend.copy_to("SELECT * FROM merged_events", [], out / "floor.parquet", "parquet")
        rows.append(
            [
                "export",
                f"floor: merged_events table alone ({n:,} rows) to Parquet",
                f"{f.wall:.2f}",
                f"{f.cpu:.2f}",
                f"{n / f.wall:,.0f} events/s",
                "1.0x",
            ]
        )
        with Timer() as t:
            res = export(s, "parquet", out / "all", EventFilter())
        size = sum(Path(p).stat().st_size for p in res.files) / 1e6
        rows.append(
            [
                "export",
                f"eventwire export --format parquet: {res.events:,} events, {res.mentions:,} mentions, "
                f"{counts['actors']:,} actors, {counts['articles']:,} articles ({size:,.0f} MB)",
                f"{t.wall:.2f}",
                f"{t.cpu:.2f}",
                f"{res.events / t.wall:,.0f} events/s",
                f"{t.wall / f.wall:.1f}x floor",
            ]
        )
        with Timer() as t:
            res = export(
                s,
                "parquet",
                out / "year",
                EventFilter(since=dt.date(2020, 1, 1), until=dt.date(2020, 12, 31)),
            )
        rows.append(
            [
                "export",
                f"the same with a filter (one year: {res.events:,} events)",
                f"{t.wall:.2f}",
                f"{t.cpu:.2f}",
                "",
                "",
            ]
        )


def bench_merge(rows: list[list[str]], with_coder: bool) -> None:
    sys.path.insert(0, str(REPO / "tests"))
    fx = REPO / "tests" / "fixtures" / "merge"
    arts = [Article.from_dict(json.loads(line)) for line in (fx / "articles.jsonl").open(encoding="utf-8")]
    hand = [json.loads(line) for line in (fx / "events.jsonl").open(encoding="utf-8")]
    gold = {h["event_id"]: h["gold"] for h in hand}
    by_doc: dict[str, list[Event]] = {}
    for h in hand:
        by_doc.setdefault(h["doc_id"], []).append(Event.from_dict(h))

    def scores(
        items: list[tuple[Article, list[Event]]], label: Callable[[dict[str, Any]], str | None]
    ) -> Any:
        with open_store(":memory:") as s:
            s.write(items)
            ms = s.mentions().to_pylist()
        g = {m["event_id"]: lab for m in ms if (lab := label(m)) is not None}
        return pairwise_scores({m["event_id"]: m["merged_id"] for m in ms}, g), len(g), len(ms)

    sc, n, total = scores([(a, by_doc.get(a.id, [])) for a in arts], lambda m: gold[m["event_id"]])
    rows.append(
        [
            "merge",
            f"fixtures, hand-coded events: {len(arts)} articles, {n} mentions, "
            f"{len(set(gold.values()))} real events",
            "",
            "",
            f"P {sc.precision:.3f} R {sc.recall:.3f} F1 {sc.f1:.3f}",
            f"{sc.true_pairs} TP / {sc.false_pairs} FP / {sc.missed_pairs} FN pairs",
        ]
    )
    if not with_coder:
        return
    from eventwire.config import Config
    from eventwire.pipeline import Coder

    coded = list(Coder(Config()).code_articles(arts))

    def label(m: dict[str, Any]) -> str | None:
        for h in hand:
            if (h["doc_id"], h["event"]) == (m["article_id"], m["event"]) and h["sentence_start"] <= m[
                "event_start"
            ] < h["sentence_start"] + len(h["sentence"]):
                return str(h["gold"])
        return None

    sc, n, total = scores(coded, label)
    rows.append(
        [
            "merge",
            f"fixtures, coder output: {total} mentions, {n} matched to a hand-coded event",
            "",
            "",
            f"P {sc.precision:.3f} R {sc.recall:.3f} F1 {sc.f1:.3f}",
            f"{sc.true_pairs} TP / {sc.false_pairs} FP / {sc.missed_pairs} FN pairs",
        ]
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=200_000, help="events written (write benchmark)")
    ap.add_argument("--groupby", type=int, default=10_000_000, help="rows for the group-by benchmark")
    ap.add_argument("--export", type=int, default=1_000_000, help="merged events exported to Parquet")
    ap.add_argument("--coder", action="store_true", help="also measure the merge on the real coder's output")
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke test of this script)")
    ap.add_argument("--only", choices=["write", "group-by", "export", "merge"], default=None)
    args = ap.parse_args()
    if args.quick:
        args.events, args.groupby, args.export = 20_000, 200_000, 50_000
    console = Console(width=max(Console().width, 160))
    console.print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", highlight=False)
    rows: list[list[str]] = []
    folder = Path(tempfile.mkdtemp(prefix="ew-bench-"))
    steps = {
        "write": lambda: bench_write(folder, args.events, rows),
        "group-by": lambda: bench_groupby(folder, args.groupby, rows),
        "export": lambda: bench_export(folder, args.export, rows),
        "merge": lambda: bench_merge(rows, args.coder),
    }
    try:
        for name, step in steps.items():
            if args.only not in (None, name):
                continue
            try:
                step()
            except Exception as e:  # noqa: BLE001 - one part failing must not lose the others' figures
                rows.append([name, f"failed: {type(e).__name__}: {e}", "", "", "", ""])
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True, exist_ok=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    table = Table(title="eventwire store (DuckDB)", show_edge=False)
    for col in ("part", "what", "wall s", "cpu s", "rate", "vs floor"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(*r)
    console.print(table)
    console.print(f"load average after: {os.getloadavg()[0]:.2f}", highlight=False)


if __name__ == "__main__":
    main()
