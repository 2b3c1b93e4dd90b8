"""`eventwire run --cluster` against the plain run on the same corpus: overhead at one worker, scaling to two,
memory per worker, and dedup of copies planted in other partitions.

    .venv/bin/python benchmarks/bench_cluster.py [--docs 400] [--partition-size 25] [--json]

The corpus is the article text of ../shared/gold/geoparsing (LGL and TR-News), read at run time and written
as one JSONL file (with publication dates), plus wire copies of some articles planted far from their
originals (so in other partitions: another id, outlet and first line, the last paragraph cut). Each
configuration runs in its own process, into its own DuckDB file:

- ``plain``: ``run_sources`` in one process, no Dask (the floor);
- ``cluster-1``, ``cluster-2``: a ``LocalCluster`` of 1 or 2 worker processes (one thread each) on
  127.0.0.1, started first; the time is the job's, from planning to the last merge, with each worker's
  model load inside it (workers load the coder with their first partition), as the plain run's time has
  its model load. The cluster's start is reported apart;
- ``cluster-2-half``: two workers on the first half of the corpus, for memory per worker against corpus
  size (peak RSS of each worker process, read from the workers at the end).

Bars: overhead at 1 worker <= 10 % (plain / cluster-1 throughput >= 0.90), two workers >= 1.7x one worker,
worker peak memory on the whole corpus within 10 % of that on half, and the cluster's store equal to the
plain run's (merged events, mentions, duplicates found). The machine has 2 cores: run it when nothing
else runs (the table prints the load average before and after).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EVENTWIRE_SHARED", REPO.parent / "shared"))


def corpus(limit: int, planted: int) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for name in ("lgl.xml", "TR-News.xml"):
        raw = (SHARED / "gold" / "geoparsing" / name).read_text(encoding="utf-8")
        for i, t in enumerate(re.findall(r"<text>(.*?)</text>", raw, re.S)):
            text = html.unescape(t).strip()
            if len(text.split()) >= 100:
                day = 1 + (len(docs) % 28)
                docs.append({"id": f"{name}-{i}", "date": f"2024-03-{day:02d}", "source": "Gold Gazette",
                             "text": text})  # fmt: skip
    docs = docs[:limit]
    copies = []
    for k in range(planted):
        orig = docs[(k * 7) % max(1, len(docs) // 2)]
        paras = orig["text"].split("\n")
        text = "\n".join(paras[:-1]) if len(paras) > 2 else orig["text"].rsplit(". ", 1)[0] + "."
        copies.append({"id": f"copy-{k}", "date": orig["date"], "source": "Wire Reprints",
                       "text": f"(Wire) {text}"})  # fmt: skip
    # copies go into the second half of the file: in partitions other than their originals'
    half = len(docs) // 2
    out = docs[:half]
    rest = docs[half:]
    step = max(1, len(rest) // max(1, len(copies)))
    for j, doc in enumerate(rest):
        out.append(doc)
        if j % step == 0 and copies:
            out.append(copies.pop(0))
    return out + copies


def child(mode: str, path: str, db: str, staging: str, size: int) -> dict[str, Any]:
    """Run one configuration in this process and return its measurements."""
    from eventwire.config import Config
    from eventwire.run import run_sources
    from eventwire.store import open_store

    out: dict[str, Any] = {"mode": mode}
    if mode == "plain":
        t0, c0 = time.perf_counter(), time.process_time()
        with open_store(db) as s:
            stats = run_sources([path], s, Config())
        out["wall"] = time.perf_counter() - t0
        out["cpu"] = time.process_time() - c0
        out["worker_peak_mb"] = []
        out["worker_cpu"] = 0.0
    else:
        import logging

        from distributed import Client, LocalCluster

        from eventwire.cluster import ClusterOptions

        workers = int(mode.split("-")[1])
        t0 = time.perf_counter()
        with (
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            ) as lc,
            Client(lc) as client,
        ):
            out["start"] = time.perf_counter() - t0
            t0, c0 = time.perf_counter(), time.process_time()
            with open_store(db) as s:
                stats = run_sources(
                    [path],
                    s,
                    Config(),
                    cluster=ClusterOptions(lc.scheduler_address, staging=staging, partition_size=size),
                )
            out["wall"] = time.perf_counter() - t0
            out["cpu"] = time.process_time() - c0  # the driver's CPU
            out["worker_cpu"] = sum(client.run(time.process_time).values())  # model loads included
            peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            out["worker_peak_mb"] = sorted(round(v, 1) for v in peaks.values())
        out["cluster"] = stats.cluster
    out["driver_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["db_bytes"] = os.path.getsize(db) + sum(
        os.path.getsize(p) for p in Path(db).parent.glob(Path(db).name + ".wal")
    )
    out["staging_bytes"] = sum(p.stat().st_size for p in Path(staging).rglob("*") if p.is_file())
    out["input_bytes"] = os.path.getsize(path)
    out.update(
        documents=stats.documents,
        coded=stats.coded,
        duplicates=stats.duplicates,
        events=stats.events,
        merged=stats.merged_total,
        mentions=stats.mentions_total,
        skipped=dict(stats.skipped),
    )
    return out


def measure(mode: str, path: Path, work: Path, size: int) -> dict[str, Any]:
    db, staging = work / f"{mode}.duckdb", work / f"staging-{mode}"
    proc = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path), str(db), str(staging), str(size)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=400)
    ap.add_argument("--planted", type=int, default=20)
    ap.add_argument("--partition-size", type=int, default=25)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--child", nargs=5, metavar=("MODE", "PATH", "DB", "STAGING", "SIZE"))
    args = ap.parse_args()
    if args.child:
        mode, path, db, staging, size = args.child
        print(json.dumps(child(mode, path, db, staging, int(size))))
        return
    if not (SHARED / "gold" / "geoparsing").is_dir():
        print(f"skipped: needs {SHARED}/gold/geoparsing (the gold sets in ../shared)")
        return
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        work = Path(tmp)
        docs = corpus(args.docs, args.planted)
        full, half = work / "corpus.jsonl", work / "half.jsonl"
        full.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
        half.write_text("".join(json.dumps(d) + "\n" for d in docs[: len(docs) // 2]), encoding="utf-8")
        res = {m: measure(m, full, work, args.partition_size) for m in ("plain", "cluster-1", "cluster-2")}
        res["cluster-2-half"] = measure("cluster-2", half, work / "h", args.partition_size)
    load_after = os.getloadavg()
    plain, c1, c2, c2h = res["plain"], res["cluster-1"], res["cluster-2"], res["cluster-2-half"]
    rate = {k: v["documents"] / v["wall"] for k, v in res.items()}
    overhead = rate["plain"] / rate["cluster-1"] - 1
    cpu = {k: v["cpu"] + v["worker_cpu"] for k, v in res.items()}  # CPU seconds, driver and workers
    cpu_overhead = cpu["cluster-1"] / cpu["plain"] - 1
    scaling = rate["cluster-2"] / rate["cluster-1"]
    mem_ratio = max(c2["worker_peak_mb"]) / max(c2h["worker_peak_mb"])
    same = all(
        (r["documents"], r["coded"], r["duplicates"], r["events"], r["merged"], r["mentions"], r["skipped"])
        == (plain["documents"], plain["coded"], plain["duplicates"], plain["events"], plain["merged"],
            plain["mentions"], plain["skipped"])
        for r in (c1, c2)
    )  # fmt: skip
    bars = {
        "overhead at 1 worker <= 10%": overhead <= 0.10,
        "2 workers >= 1.7x 1 worker": scaling >= 1.7,
        "worker memory flat (whole / half corpus <= 1.10)": mem_ratio <= 1.10,
        "same store content as the plain run": same,
        f"planted copies found ({args.planted})": plain["duplicates"] >= args.planted
        and c2["duplicates"] == plain["duplicates"],
    }
    summary = {
        "docs": plain["documents"],
        "partition_size": args.partition_size,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "runs": res,
        "docs_per_s": {k: round(v, 2) for k, v in rate.items()},
        "overhead_1_worker": round(overhead, 3),
        "cpu_seconds": {k: round(v, 1) for k, v in cpu.items()},
        "cpu_overhead_1_worker": round(cpu_overhead, 3),
        "scaling_2_workers": round(scaling, 3),
        "worker_memory_ratio": round(mem_ratio, 3),
        "bars": bars,
    }
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        from rich.console import Console
        from rich.table import Table

        title = (
            f"eventwire run, plain vs --cluster ({plain['documents']} documents, partitions of "
            f"{args.partition_size}; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after)"
        )
        t = Table(title=title)
        cols = ("run", "docs/s", "x plain", "wall s", "cluster start s", "driver peak MB", "worker peak MB")
        for col in (*cols, "dups", "merged", "mentions"):
            t.add_column(col, justify="left" if col == "run" else "right")
        for k, v in res.items():
            t.add_row(
                k + (" (half corpus)" if k.endswith("half") else ""),
                f"{rate[k]:.2f}",
                f"{rate[k] / rate['plain']:.2f}",
                f"{v['wall']:.1f}",
                f"{v.get('start', 0):.1f}" if "start" in v else "",
                f"{v['driver_peak_mb']:.0f}",
                ", ".join(f"{m:.0f}" for m in v["worker_peak_mb"]),
                str(v["duplicates"]),
                str(v["merged"]),
                str(v["mentions"]),
            )
        Console(width=160).print(t)
        print(
            f"overhead at 1 worker {overhead:+.1%} wall, {cpu_overhead:+.1%} CPU (driver and workers: "
            f"{cpu['cluster-1']:.1f} s against {cpu['plain']:.1f} s); 2 workers {scaling:.2f}x 1 worker "
            f"({rate['cluster-2'] / rate['plain']:.2f}x plain); worker peak memory whole/half corpus "
            f"{mem_ratio:.2f}"
        )
        for name, ok in bars.items():
            print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    if not all(bars.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
