"""Latency of ``eventwire serve`` on a store of 1,000,000 merged events, against DuckDB run directly.

A DuckDB store of ``--events`` merged events (10 years, 30 countries, 12 event types, 30 places; generated
in SQL) is served by ``eventwire serve`` in its own process on 127.0.0.1; a client sends requests one at a
time over a kept-alive connection and times each one end to end (HTTP, filter checks, the store's query,
JSON). The floor is the same query run directly in DuckDB in this process (a read-only connection to the
same file, the SQL written here by hand): the ratio says what the server adds.

- **filtered event pages**: ``GET /api/events`` with a random country, type and year (page 1), then the
  next pages through their cursors; floor: ``SELECT * ... WHERE ... ORDER BY event_date DESC, merged_id DESC
  LIMIT 51`` (and the keyset condition for later pages).
- **per-day counts**: ``GET /api/counts?period=day`` for a random country (and the same split by quad
  class, as the timeline asks); floor: ``SELECT event_date, count(*) ... GROUP BY 1``.

Bar (issue 12): p95 under 200 ms for both.

    .venv/bin/python benchmarks/bench_serve.py [--events 1000000] [--requests 200] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import httpx
from rich.console import Console
from rich.table import Table

from eventwire.store import open_store

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent / "eventwire"
COUNTRIES = [
    "USA", "RUS", "CHN", "AZE", "ARM", "FRA", "DEU", "GBR", "IRN", "ISR", "TUR", "UKR", "IND", "PAK", "EGY",
    "SAU", "SYR", "IRQ", "JPN", "KOR", "BRA", "MEX", "NGA", "ETH", "KEN", "MLI", "NER", "SDN", "LBY", "KAZ",
]  # fmt: skip
TYPES = [  # PLOVER type, CAMEO code, quad class, Goldstein
    ("CONSULT", "040", 1, 1.0), ("AGREE", "030", 1, 4.0), ("SUPPORT", "051", 1, 3.4), ("AID", "070", 2, 7.0),
    ("COOPERATE", "061", 2, 6.4), ("ACCUSE", "112", 3, -2.0), ("REQUEST", "020", 3, 3.0),
    ("THREATEN", "138", 3, -7.0), ("REJECT", "120", 3, -4.0), ("PROTEST", "141", 4, -6.5),
    ("ASSAULT", "190", 4, -10.0), ("SANCTION", "161", 4, -4.0),
]  # fmt: skip
PLACES = [  # capitals: name, country, lat, lon
    ("Washington", "USA", 38.9, -77.0), ("Moscow", "RUS", 55.8, 37.6), ("Beijing", "CHN", 39.9, 116.4),
    ("Baku", "AZE", 40.4, 49.9), ("Yerevan", "ARM", 40.2, 44.5), ("Paris", "FRA", 48.9, 2.35),
    ("Berlin", "DEU", 52.5, 13.4), ("London", "GBR", 51.5, -0.13), ("Tehran", "IRN", 35.7, 51.4),
    ("Jerusalem", "ISR", 31.8, 35.2), ("Ankara", "TUR", 39.9, 32.9), ("Kyiv", "UKR", 50.5, 30.5),
    ("New Delhi", "IND", 28.6, 77.2), ("Islamabad", "PAK", 33.7, 73.1), ("Cairo", "EGY", 30.0, 31.2),
    ("Riyadh", "SAU", 24.7, 46.7), ("Damascus", "SYR", 33.5, 36.3), ("Baghdad", "IRQ", 33.3, 44.4),
    ("Tokyo", "JPN", 35.7, 139.7), ("Seoul", "KOR", 37.6, 127.0), ("Brasilia", "BRA", -15.8, -47.9),
    ("Mexico City", "MEX", 19.4, -99.1), ("Abuja", "NGA", 9.1, 7.5), ("Addis Ababa", "ETH", 9.0, 38.7),
    ("Nairobi", "KEN", -1.3, 36.8), ("Bamako", "MLI", 12.6, -8.0), ("Niamey", "NER", 13.5, 2.1),
    ("Khartoum", "SDN", 15.6, 32.5), ("Tripoli", "LBY", 32.9, 13.2), ("Astana", "KAZ", 51.2, 71.4),
]  # fmt: skip


def _list(values: list[Any]) -> str:
    return "[" + ", ".join(f"'{v}'" if isinstance(v, str) else repr(v) for v in values) + "]"


_GEN = """
INSERT INTO merged_events (merged_id, block_key, event_date, date_source, date_lo, date_hi,
    actor_code, actor_name, actor_country, actor_sector, recipient_code, recipient_name, recipient_country,
    recipient_sector, actor_codes, recipient_codes, event, context, cameo, cameo_root, quad_class, goldstein,
    modality, num_mentions, num_sources, num_articles, first_seen, last_seen, added_at, updated_at,
    loc_geonameid, loc_name, loc_lat, loc_lon, loc_country, loc_precision, is_root, confidence, source_url,
    rep_event_id)
SELECT i, 'k' || i, d, 'text', d, d, a || 'GOV', a, a, 'GOV', r || s, r, r, s, a || 'GOV', r || s,
    $types[t], ['diplomatic'], $cameos[t], substr($cameos[t], 1, 2), $quads[t], $golds[t],
    CASE WHEN m = 0 THEN 'reported' WHEN m = 1 THEN 'negated' ELSE 'asserted' END,
    1 + CAST(h % 5 AS INTEGER), 1 + CAST(h % 3 AS INTEGER), 1 + CAST(h % 5 AS INTEGER),
    d::TIMESTAMP, d::TIMESTAMP, d::TIMESTAMP, d::TIMESTAMP,
    100000 + p, $pnames[p], $plats[p], $plons[p], $pcountries[p], 'city', true, 0.8,
    'https://outlet.example/' || i, 'e' || i
FROM (SELECT i, hash(i) AS h,
             DATE '2015-01-01' + CAST(hash(i) % 3650 AS INTEGER) AS d,
             $countries[1 + CAST(hash(i + 1) % 30 AS INTEGER)] AS a,
             $countries[1 + CAST(hash(i + 2) % 30 AS INTEGER)] AS r,
             ['GOV', 'MIL', 'CVL', 'OPP'][1 + CAST(hash(i + 5) % 4 AS INTEGER)] AS s,
             1 + CAST(hash(i + 3) % 12 AS INTEGER) AS t,
             CAST(hash(i + 4) % 10 AS INTEGER) AS m,
             1 + CAST(hash(i + 6) % 30 AS INTEGER) AS p
      FROM range(1, ? + 1) r(i))
"""


def build(path: Path, n: int) -> float:
    """A store of ``n`` merged events at ``path``; returns the seconds it took."""
    t0 = time.perf_counter()
    sql = _GEN
    for key, values in {
        "$types": [t[0] for t in TYPES],
        "$cameos": [t[1] for t in TYPES],
        "$quads": [t[2] for t in TYPES],
        "$golds": [t[3] for t in TYPES],
        "$countries": COUNTRIES,
        "$pnames": [p[0] for p in PLACES],
        "$pcountries": [p[1] for p in PLACES],
        "$plats": [p[2] for p in PLACES],
        "$plons": [p[3] for p in PLACES],
    }.items():
        sql = sql.replace(key, _list(values))
    with open_store(path) as s, s.backend.transaction():
        s.backend.execute(sql, [n])
    return time.perf_counter() - t0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def p(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]
    )


def api_ms(client: httpx.Client, path: str, params: dict[str, Any]) -> tuple[float, Any]:
    """One request, timed end to end (ms), and its JSON."""
    t0 = time.perf_counter()
    r = client.get(path, params=params)
    ms = (time.perf_counter() - t0) * 1000
    if r.status_code != 200:
        raise SystemExit(f"{path} {params}: {r.status_code} {r.text}")
    return ms, r.json()


def sql_ms(con: duckdb.DuckDBPyConnection, sql: str, args: list[Any]) -> float:
    """The same query run directly in DuckDB, to an Arrow table, timed (ms)."""
    t0 = time.perf_counter()
    con.sql(sql, params=args or None).to_arrow_table()
    return (time.perf_counter() - t0) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=200, help="requests per kind (after 20 to warm up)")
    ap.add_argument("--keep", type=Path, default=None, help="keep (and reuse) the store in this folder")
    args = ap.parse_args()
    console = Console(width=160)
    load = os.getloadavg()[0]
    console.print(f"load average before: {load:.2f} on {os.cpu_count()} cores")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="ew-bench-serve-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"serve-{args.events}.duckdb"
    if not db.exists():
        secs = build(db, args.events)
        console.print(f"built {args.events:,} merged events in {secs:.1f} s ({db})")
    port = free_port()
    server = subprocess.Popen(
        [str(BIN), "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    rng = random.Random(12)
    results: list[list[str]] = []
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(300):
                try:
                    if client.get("/api/info").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            else:
                raise SystemExit(f"the server did not start: {server.stderr.read() if server.stderr else ''}")
            direct = duckdb.connect(str(db), read_only=True)
            direct.execute("SET preserve_insertion_order = false")

            events_sql = (
                "SELECT * FROM merged_events WHERE (actor_country = ? OR recipient_country = ?) "
                "AND event = ? AND event_date >= ? AND event_date <= ? AND event_date IS NOT NULL"
            )
            order = " ORDER BY event_date DESC, merged_id DESC LIMIT 51"
            keyset = " AND (event_date, merged_id) < (?, ?)"
            where_country = "(actor_country = ? OR recipient_country = ?) AND event_date IS NOT NULL"
            kinds: dict[str, tuple[list[float], list[float]]] = {}

            def record(kind: str, api: float, floor: float, warm: bool) -> None:
                if not warm:
                    a, d = kinds.setdefault(kind, ([], []))
                    a.append(api)
                    d.append(floor)

            for i in range(args.requests + 20):
                warm = i < 20
                country, etype, year = rng.choice(COUNTRIES), rng.choice(TYPES)[0], rng.randint(2015, 2024)
                since, until = f"{year}-01-01", f"{year}-12-31"
                params = {"country": country, "type": etype, "since": since, "until": until, "limit": 50}
                sql_args: list[Any] = [country, country, etype, since, until]
                ms, body = api_ms(client, "/api/events", params)
                record("filtered event page, first", ms, sql_ms(direct, events_sql + order, sql_args), warm)
                for _ in range(2):  # the next pages, through their cursors
                    if not body["next"]:
                        break
                    last = body["rows"][-1]
                    ms, body = api_ms(client, "/api/events", {**params, "cursor": body["next"]})
                    floor = sql_ms(
                        direct,
                        events_sql + keyset + order,
                        [*sql_args, dt.date.fromisoformat(last["event_date"]), last["merged_id"]],
                    )
                    record("filtered event page, next (cursor)", ms, floor, warm)

                country = rng.choice(COUNTRIES)
                ms, _ = api_ms(client, "/api/counts", {"period": "day", "country": country})
                floor = sql_ms(
                    direct,
                    "SELECT event_date, count(*) AS n, avg(goldstein) FROM merged_events "
                    f"WHERE {where_country} GROUP BY 1 ORDER BY 1",
                    [country, country],
                )
                record("per-day counts, one country", ms, floor, warm)
                ms, _ = api_ms(
                    client, "/api/counts", {"period": "day", "by": "quad_class", "country": country}
                )
                floor = sql_ms(
                    direct,
                    "SELECT event_date, quad_class, count(*) AS n, avg(goldstein) FROM merged_events "
                    f"WHERE {where_country} GROUP BY 1, 2 ORDER BY 1, 2",
                    [country, country],
                )
                record("per-day counts by quad class, one country", ms, floor, warm)
                if i % 4 == 0:
                    ms, _ = api_ms(client, "/api/counts", {"period": "day"})
                    floor = sql_ms(
                        direct,
                        "SELECT event_date, count(*), avg(goldstein) FROM merged_events "
                        "WHERE event_date IS NOT NULL GROUP BY 1 ORDER BY 1",
                        [],
                    )
                    record("per-day counts, no filter (3,650 days)", ms, floor, warm)
            direct.close()
        for kind, (a, d) in kinds.items():
            bar = "met" if p(a, 95) < 200 else "NOT met"
            results.append(
                [
                    kind,
                    f"{len(a)}",
                    f"{p(a, 50):.1f}",
                    f"{p(a, 95):.1f}",
                    f"{p(d, 50):.1f}",
                    f"{p(d, 95):.1f}",
                    f"{p(a, 95) / max(p(d, 95), 1e-6):.1f}x",
                    bar,
                ]
            )
    finally:
        server.terminate()
        server.wait(timeout=20)
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    table = Table(
        title=f"eventwire serve over {args.events:,} merged events (DuckDB), one client on 127.0.0.1"
    )
    for col in ("request", "n", "API p50 ms", "API p95 ms", "DuckDB p50 ms", "DuckDB p95 ms", "p95 ratio",
                "p95 < 200 ms"):  # fmt: skip
        table.add_column(col)
    for row in results:
        table.add_row(*row)
    console.print(table)
    console.print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
