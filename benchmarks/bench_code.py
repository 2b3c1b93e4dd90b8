"""Throughput of `code` on real ~400-word news articles, as a ratio to bare spaCy parsing in the same run.

    .venv/bin/python benchmarks/bench_code.py [--docs 700] [--json]

The corpus is the article text of ../shared/gold/geoparsing (LGL and TR-News), read at run time. Each
measurement runs in its own process (so peak memory is that configuration's own): bare ``nlp.pipe`` with the
same model (the floor), our full coder with one process, with two processes (worker start-up, about 3 s each
to load the model, dictionaries and gazetteer, is included), and with one process on half the documents
(peak memory must not grow with the number of documents: the pipeline streams).
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
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EVENTWIRE_SHARED", REPO.parent / "shared"))
BATCH = 64  # the same nlp.pipe batch size for the floor and for us


def corpus(limit: int) -> list[str]:
    texts: list[str] = []
    for name in ("lgl.xml", "TR-News.xml"):
        raw = (SHARED / "gold" / "geoparsing" / name).read_text(encoding="utf-8")
        texts += [html.unescape(t).strip() for t in re.findall(r"<text>(.*?)</text>", raw, re.S)]
    texts = [t for t in texts if len(t.split()) >= 100]
    return texts[:limit]


def child(mode: str, n_docs: int) -> dict[str, float]:
    """Run one configuration in this process and return its measurements."""
    texts = corpus(n_docs)
    words = sum(len(t.split()) for t in texts)
    if mode == "bare":
        import spacy

        from eventwire.config import Config
        from eventwire.nlp import resolve_model_name

        nlp = spacy.load(resolve_model_name(Config()))
        list(nlp.pipe(texts[:8]))  # warm up like the coder does at load
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in nlp.pipe(texts, batch_size=BATCH):
            pass
        events = 0
    else:
        from eventwire.config import Config
        from eventwire.pipeline import Coder
        from eventwire.types import Article

        n_process = 2 if mode == "ours2" else 1
        coder = Coder(Config(n_process=n_process, batch_size=BATCH))
        list(coder.nlp.pipe(texts[:8]))
        arts = (Article(id=str(i), text=t) for i, t in enumerate(texts))
        t0, c0 = time.perf_counter(), time.process_time()
        events = sum(len(evs) for _, evs in coder.code_articles(arts))
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "docs": len(texts),
        "words": words,
        "wall": wall,
        "cpu": cpu,
        "events": events,
        "peak_mb": max(rss, rss_children),
    }


def measure(mode: str, n_docs: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--docs", str(n_docs)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=700, help="articles (the corpus has about 700)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.docs)))
        return
    if not (SHARED / "gold" / "geoparsing").is_dir():
        sys.exit(f"needs {SHARED}/gold/geoparsing (the benchmark corpus)")
    runs = {
        "bare spaCy nlp.pipe (floor)": measure("bare", args.docs),
        "eventwire code, 1 process": measure("ours1", args.docs),
        "eventwire code, 2 processes": measure("ours2", args.docs),
        f"eventwire code, 1 process, {args.docs // 2} docs": measure("ours1", args.docs // 2),
    }
    bare, one, two, half = runs.values()
    result = {
        "cores": os.cpu_count(),
        "docs": one["docs"],
        "mean_words": round(one["words"] / one["docs"]),
        "runs": runs,
        "ratio_to_bare_wall": round(bare["wall"] / one["wall"], 3),
        "ratio_to_bare_cpu": round(bare["cpu"] / one["cpu"], 3),
        "speedup_2_processes": round(one["wall"] / two["wall"], 3),
        "peak_mb_half_vs_full": [round(half["peak_mb"]), round(one["peak_mb"])],
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"corpus: {result['docs']} articles, mean {result['mean_words']} words; {result['cores']} cores")
    print(f"{'run':44} {'docs/s':>8} {'words/s':>9} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'events':>7}")
    for name, r in runs.items():
        print(
            f"{name:44} {r['docs'] / r['wall']:8.2f} {r['words'] / r['wall']:9.0f} {r['wall']:8.2f} "
            f"{r['cpu']:8.2f} {r['peak_mb']:8.0f} {r['events']:7d}"
        )
    print(
        f"ratio to bare nlp.pipe: {result['ratio_to_bare_wall']} (wall), {result['ratio_to_bare_cpu']} (cpu)"
        "  [goal >= 0.85]"
    )
    print(f"2 processes / 1 process: {result['speedup_2_processes']}x  [goal >= 1.6]")
    print(
        f"peak memory {result['peak_mb_half_vs_full'][0]} MB on {args.docs // 2} docs, "
        f"{result['peak_mb_half_vs_full'][1]} MB on {args.docs} docs  [flat: streaming]"
    )


if __name__ == "__main__":
    main()
