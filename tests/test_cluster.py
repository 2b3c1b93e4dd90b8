"""eventwire run --cluster: partitions that read what a whole-file read reads, shards that round-trip, and a
real distributed.LocalCluster (worker processes on 127.0.0.1) whose runs end with the store content of a
single-process run: unbroken, re-run, with a worker killed mid-job, with the driver killed and resumed,
and into PostgreSQL. Every run of a comparison is stamped with one time (``stored_at``), so stores and
their exports are compared byte for byte."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventwire.cluster import ClusterOptions, make_plan, parse_address, scan_unit
from eventwire.cluster.plan import Partition, units_of
from eventwire.cluster.shards import items_table, mentions_shard, read_items
from eventwire.config import Config
from eventwire.errors import ConfigError
from eventwire.export import export
from eventwire.ingest import IngestOptions, Ingestor
from eventwire.ingest.sources import Unit
from eventwire.run import run_sources
from eventwire.store import open_store
from eventwire.types import Skip

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
STAMP = dt.datetime(2025, 1, 6, 12, 0, 0)
SIZE = 4  # documents per partition: the small corpus spreads over many tasks

pytestmark = pytest.mark.xdist_group("cluster")


# --- the corpus (ours: the demo corpus, the merge fixtures, the ingest fixtures) --------------------------


def _records() -> list[dict[str, Any]]:
    recs = []
    for path in (REPO / "examples/demo/articles.jsonl", FIXTURES / "merge/articles.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            rec.pop("cluster_id", None)
            recs.append(rec)
    return recs


def _copy(rec: dict[str, Any], n: int) -> dict[str, Any]:
    """A wire copy on another outlet: another id, URL and headline, the last paragraph cut."""
    paras = rec["text"].split("\n\n")
    text = "\n\n".join(paras[:-1]) if len(paras) > 2 else rec["text"].rsplit(". ", 1)[0] + "."
    return {
        "id": f"copy-{n}",
        "date": rec["date"],
        "source": "Wire Reprints",
        "url": f"https://reprints.example/{n}",
        "title": f"Reprint: {rec.get('title', '')}",
        "text": f"(Wire) {text}",
    }


def _response(w: WARCWriter, url: str, body: bytes, status: str = "200 OK") -> None:
    headers = StatusAndHeaders(
        status, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))], "HTTP/1.1"
    )
    rec = w.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": "2024-03-14T06:30:00Z"},
    )
    w.write_record(rec)


def _page(rec: dict[str, Any]) -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in rec["text"].split("\n\n"))
    return (
        f"<html><head><title>{rec.get('title', '')}</title></head><body><nav>Home | World</nav>"
        f"<article><h1>{rec.get('title', '')}</h1>{paras}</article><footer>(c) 2024</footer></body></html>"
    ).encode()


def make_warc(records: list[dict[str, Any]], gz: bool = True) -> bytes:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    for i, rec in enumerate(records):
        _response(w, f"https://crawl.example/story/{i}", _page(rec))
        if i == 1:
            gone = b"<html><body>Not found</body></html>"
            _response(w, "https://crawl.example/gone", gone, "404 Not Found")
    return buf.getvalue()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """News in every shape a cluster run cuts: a JSONL file (with bad lines and wire copies planted far
    from their originals), a gzipped WARC, loose pages, and inputs that are skipped for a reason."""
    root = tmp_path_factory.mktemp("cluster-corpus")
    recs = _records()
    originals = recs[:17]
    tail = recs[17:]
    planted = [_copy(originals[i], i) for i in (0, 3, 9, 12)]
    lines = [json.dumps(r) for r in originals]
    lines.insert(5, "{not json")
    lines.insert(9, json.dumps(["an", "array"]))
    lines.insert(11, json.dumps({"id": "blank", "text": ""}))
    lines += [json.dumps(r) for r in planted]  # copies 4 to 14 lines after their originals
    (root / "news").mkdir()
    (root / "news/wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "news/crawl.warc.gz").write_bytes(make_warc(tail))
    pages = root / "news/pages"
    pages.mkdir()
    for name in ("coastal_times_cables.html", "ledger_ports.html", "river_post_protest.html"):
        (pages / name).write_bytes((FIXTURES / "ingest" / name).read_bytes())
    (pages / "gazette_fr.html").write_bytes((FIXTURES / "ingest/gazette_fr.html").read_bytes())
    (pages / "plain_story.txt").write_bytes((FIXTURES / "ingest/plain_story.txt").read_bytes())
    (pages / "broken.html").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    (pages / "notes.pdf").write_bytes(b"%PDF-1.4")
    sources = [str(root / "news"), str(root / "missing.jsonl")]
    return {"root": root, "sources": sources, "planted": len(planted)}


# --- comparing stores --------------------------------------------------------------------------------------

_RUN_BOUND = {"merged_id", "run_id"}


def _rows(store: Any, table: str, order: str) -> list[str]:
    t = store.sql(f"SELECT * FROM {table} ORDER BY {order}")
    return [
        json.dumps({k: v for k, v in r.items() if k not in _RUN_BOUND}, default=str, sort_keys=True)
        for r in t.to_pylist()
    ]


def _digest(folder: Path) -> dict[str, str]:
    """SHA-256 of each exported file, its lines sorted: rows of one date come in the order of the
    database's own merged ids, which depend on how writes were batched (never on what is merged)."""
    return {
        p.name: hashlib.sha256(b"".join(sorted(p.read_bytes().splitlines(keepends=True)))).hexdigest()
        for p in sorted(folder.iterdir())
    }


def store_content(url: str, tmp: Path) -> dict[str, Any]:
    """Everything a run leaves in a store, but the keys and run ids only this database knows: articles,
    mentions, actors, merged events (each with its mentions), and checksums of the GDELT and PLOVER
    exports."""
    out: dict[str, Any] = {}
    with open_store(url) as s:
        out["articles"] = _rows(s, "articles", "article_id")
        out["mentions"] = _rows(s, "mentions", "event_id")
        out["actors"] = _rows(s, "actors", "event_id, slot, position")
        groups: dict[int, list[str]] = {}
        for r in s.sql("SELECT merged_id, event_id FROM mentions ORDER BY event_id").to_pylist():
            groups.setdefault(r["merged_id"], []).append(r["event_id"])
        events = []
        for r in s.events().to_pylist():
            r["mentions"] = groups.pop(r["merged_id"], [])
            events.append(json.dumps({k: v for k, v in r.items() if k not in _RUN_BOUND}, default=str))
        out["merged"] = sorted(events)
        assert not groups, "mentions whose merged event is missing"
        folder = tmp / f"export-{hashlib.sha1(url.encode()).hexdigest()[:8]}"
        export(s, "gdelt", folder)
        export(s, "plover", folder / "plover.jsonl")
        out["exports"] = _digest(folder)
    return out


def _assert_same(got: dict[str, Any], want: dict[str, Any]) -> None:
    for key in ("articles", "mentions", "actors", "merged", "exports"):
        assert got[key] == want[key], f"{key} differ"


@pytest.fixture(scope="module")
def reference(corpus: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The corpus run in one process, without Dask."""
    tmp = tmp_path_factory.mktemp("reference")
    db = str(tmp / "single.duckdb")
    with open_store(db) as s:
        stats = run_sources(corpus["sources"], s, Config(), batch_articles=2, stored_at=STAMP)
    return {"stats": stats, "content": store_content(db, tmp)}


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A real LocalCluster: two worker processes (one thread each) with nannies, on 127.0.0.1."""
    import logging

    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as lc,
        Client(lc) as client,
    ):
        yield client


def _run(corpus: dict[str, Any], db: str, staging: str, address: str, **kw: Any) -> Any:  # RunStats
    with open_store(db) as s:
        return run_sources(
            corpus["sources"],
            s,
            Config(),
            cluster=ClusterOptions(address, staging=staging, partition_size=SIZE),
            batch_articles=2,
            stored_at=STAMP,
            **kw,
        )


# --- partitions without a cluster ---------------------------------------------------------------------------


def _read(units: list[Unit], options: IngestOptions) -> list[Any]:
    with Ingestor(options) as ing:
        return [
            (d.where, d.reason) if isinstance(d, Skip) else (d.where, d.id, d.text, d.origin)
            for d in ing.drafts(units)
        ]


@pytest.mark.parametrize("compress", [False, True])
def test_jsonl_line_ranges_read_what_the_whole_file_reads(
    corpus: dict[str, Any], tmp_path: Path, compress: bool
) -> None:
    data = (corpus["root"] / "news/wire.jsonl").read_bytes() + b"\n\n" + b'{"id": "x", "text": "' + b"y" * 50
    path = tmp_path / ("w.jsonl.gz" if compress else "w.jsonl")
    path.write_bytes(gzip.compress(data) if compress else data)
    options = IngestOptions(max_bytes=2_000)  # one long line is too large: skipped in the part it is in
    whole = units_of([str(path)], options)
    assert len(whole) == 1 and isinstance(whole[0], Unit)
    for size in (1, 3, 7):
        parts = scan_unit(whole[0], size)
        assert len(parts) == -(-27 // size)  # 27 lines (two blank, one without its line break)
        assert _read(parts, options) == _read([whole[0]], options), f"size {size}"
    assert scan_unit(whole[0], 100) == [whole[0]]


@pytest.mark.parametrize("gz", [True, False])
def test_warc_record_ranges_read_what_the_whole_file_reads(tmp_path: Path, gz: bool) -> None:
    recs = _records()[:9]
    path = tmp_path / ("c.warc.gz" if gz else "c.warc")
    path.write_bytes(make_warc(recs, gz=gz))
    (unit,) = units_of([str(path)], IngestOptions())
    assert isinstance(unit, Unit)
    for size in (1, 2, 4):
        parts = scan_unit(unit, size)
        assert len(parts) == -(-10 // size)  # 9 pages and a 404, cut every `size` documents
        assert _read(parts, IngestOptions()) == _read([unit], IngestOptions())
    whole = tmp_path / "whole.warc.gz"  # gzipped as one member: records cannot be located, read whole
    whole.write_bytes(gzip.compress(make_warc(recs, gz=False)))
    (wunit,) = units_of([str(whole)], IngestOptions())
    assert isinstance(wunit, Unit)
    assert scan_unit(wunit, 2) == [wunit]


def test_plan_groups_files_keeps_order_and_refuses_stdin(corpus: dict[str, Any]) -> None:
    options = IngestOptions()
    units = units_of(corpus["sources"], options)

    def scan(us: Any) -> Iterator[list[Unit]]:
        for u in us:
            yield scan_unit(u, SIZE)

    plan = make_plan(units, SIZE, scan)
    parts = [e for e in plan if isinstance(e, Partition)]
    assert [p.index for p in parts] == list(range(len(parts)))
    assert all(len(p.units) <= SIZE for p in parts)
    skips = sorted((s.reason, Path(s.where).name) for s in plan if isinstance(s, Skip))
    assert skips == [("not-found", "missing.jsonl"), ("unsupported", "notes.pdf")]
    flat = [(u.where, u.lines, u.offset) for p in parts for u in p.units]
    wire = [f for f in flat if f[0].endswith("wire.jsonl")]
    assert len(wire) > 3 and wire[0][1][0] == 1 and wire[-1][1][1] is None
    with pytest.raises(ConfigError, match="standard input"):
        units_of(["-"], options)
    with pytest.raises(ConfigError, match="local:N"):
        parse_address("local:0")
    with pytest.raises(ConfigError, match="scheduler address"):
        ClusterOptions("my-cluster")


def test_shards_round_trip_drafts_and_events(coder: Any, corpus: dict[str, Any]) -> None:
    from eventwire.cluster.worker import process_partition

    units = units_of([str(corpus["root"] / "news/wire.jsonl")], IngestOptions())
    assert isinstance(units[0], Unit)
    part = scan_unit(units[0], 6)[0]
    items = process_partition(coder, IngestOptions(), [part])
    back = read_items(items_table(items), mentions_shard(items))

    def flat(i: Any) -> Any:
        if i.draft is None:
            return i.skip
        fp = i.draft.fingerprint
        return (replace(i.draft, fingerprint=None), fp.content_hash, fp.signature.tolist(), fp.keys, i.coded)

    assert [flat(i) for i in back] == [flat(i) for i in items]
    assert sum(len(i.coded.events or ()) for i in items if i.coded) > 5
    assert [i.skip.reason for i in items if i.skip] == ["corrupt"]  # "{not json" on line 6


# --- on a LocalCluster --------------------------------------------------------------------------------------


def test_cluster_run_stores_what_one_process_stores(
    corpus: dict[str, Any], reference: dict[str, Any], cluster: Any, tmp_path: Path
) -> None:
    db, staging = str(tmp_path / "c.duckdb"), str(tmp_path / "staging")
    stats = _run(corpus, db, staging, cluster.scheduler.address)
    one = reference["stats"]
    assert stats.cluster["partitions"] > 5 and stats.cluster["computed"] == stats.cluster["partitions"]
    # the same skips for the same reasons, collected into one summary
    assert stats.skipped == one.skipped
    assert {"corrupt", "empty", "not-found", "unsupported", "not-html", "http-404"} <= set(stats.skipped)
    # copies planted in other partitions are found, as in one process
    assert stats.duplicates == one.duplicates >= corpus["planted"]
    assert (stats.documents, stats.coded, stats.events) == (one.documents, one.coded, one.events)
    _assert_same(store_content(db, tmp_path), reference["content"])

    # a finished job run again computes nothing and writes nothing new
    again = _run(corpus, db, staging, cluster.scheduler.address)
    assert again.cluster["computed"] == 0 and again.cluster["resumed"] == stats.cluster["partitions"]
    assert (again.batches, again.events, again.already_stored) == (0, 0, stats.documents)
    _assert_same(store_content(db, tmp_path), reference["content"])


def test_a_worker_killed_mid_job(
    corpus: dict[str, Any], reference: dict[str, Any], cluster: Any, tmp_path: Path
) -> None:
    db, staging = str(tmp_path / "k.duckdb"), str(tmp_path / "staging")
    result: dict[str, Any] = {}
    t = threading.Thread(
        target=lambda: result.update(stats=_run(corpus, db, staging, cluster.scheduler.address))
    )
    t.start()
    pids = cluster.run(os.getpid)
    killed = None
    deadline = time.monotonic() + 300
    while killed is None and t.is_alive() and time.monotonic() < deadline:
        busy = [w for w, tasks in cluster.processing().items() if any("part" in str(k) for k in tasks)]
        if busy and len(list((tmp_path / "staging").glob("*/items/*.parquet"))) >= 1:
            killed = pids[busy[0]]
            os.kill(killed, signal.SIGKILL)
        time.sleep(0.05)
    t.join(600)
    assert killed is not None, "the job ended before a worker could be killed"
    assert killed not in cluster.run(os.getpid).values()  # the nanny started another
    stats = result["stats"]
    assert stats.cluster["lost"] == 0  # the lost worker's task ran again elsewhere
    assert stats.skipped == reference["stats"].skipped
    _assert_same(store_content(db, tmp_path), reference["content"])


def test_the_driver_killed_mid_job_then_resumed(
    corpus: dict[str, Any], reference: dict[str, Any], cluster: Any, tmp_path: Path
) -> None:
    db, staging = str(tmp_path / "d.duckdb"), str(tmp_path / "staging")
    cmd = [
        sys.executable,
        str(FIXTURES / "cluster/driver.py"),
        db,
        staging,
        cluster.scheduler.address,
        STAMP.isoformat(),
        str(SIZE),
        *corpus["sources"],
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        if len(list((tmp_path / "staging").glob("*/items/*.parquet"))) >= 3:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    proc.wait(60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode() if proc.stderr else ""
    (manifest,) = (tmp_path / "staging").glob("*/job.json")
    total = sum("partition" in e for e in json.loads(manifest.read_text())["entries"])
    assert len(list(manifest.parent.glob("items/*.parquet"))) < total  # killed mid-job
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout.splitlines()[-1])
    assert stats["cluster"]["resumed"] >= 3
    assert stats["skipped"] == dict(sorted(reference["stats"].skipped.items()))
    _assert_same(store_content(db, tmp_path), reference["content"])
    with open_store(db) as s:
        runs = s.sql("SELECT status FROM runs ORDER BY run_id").column("status").to_pylist()
    assert runs == ["interrupted", "done"]


@pytest.mark.postgres
def test_cluster_run_into_postgresql(
    corpus: dict[str, Any], reference: dict[str, Any], cluster: Any, tmp_path: Path
) -> None:
    import test_store

    with test_store.pg_schema() as url:
        stats = _run(corpus, url, (tmp_path / "staging").as_uri(), cluster.scheduler.address)
        assert stats.skipped == reference["stats"].skipped
        _assert_same(store_content(url, tmp_path), reference["content"])


def test_cli_run_on_a_cluster(corpus: dict[str, Any], cluster: Any, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from eventwire.cli import main

    db = str(tmp_path / "cli.duckdb")
    args = ["run", str(corpus["root"] / "news/pages"), "--db", db, "--json", "--partition-size", "2"]
    env = {"EVENTWIRE_CLUSTER": cluster.scheduler.address, "EVENTWIRE_STAGING": str(tmp_path / "st")}
    res = CliRunner().invoke(main, args, env=env)
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["cluster"]["partitions"] == 3 and out["coded"] >= 3
    assert out["skipped"] == {"language": 1, "not-html": 1, "unsupported": 1}
    bad = CliRunner().invoke(main, ["run", "x.jsonl", "--db", db, "--cluster", "somewhere"])
    assert bad.exit_code == 1 and "scheduler address" in bad.output and "Traceback" not in bad.output
