"""How much the actor dictionary matcher adds to parsing: ``ActorDictionary.match`` vs ``nlp.pipe``.

Reads the ~700 real news articles of ``../shared/gold/geoparsing/`` (LGL and TR-News) at run time (never
copied), parses them with the default model, then times over the same parsed documents:

- loading the dictionary (built-in tables, cold: the parse caches are cleared first);
- ``match`` on every document (with the publication date, as the coder calls it).

The figure that matters is the ratio of match time to parse time in the same run (target: a few percent
of the 15% the whole coding stage may add). Both wall-clock and CPU time are shown: on a shared machine
the CPU-time ratio is the steadier one.

    .venv/bin/python benchmarks/bench_actors.py [--articles 706]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from eventwire.actors import dictionary as actor_dictionary
from eventwire.actors.dictionary import ActorDictionary
from eventwire.config import Config
from eventwire.nlp import load_model

SHARED = Path(os.environ.get("EVENTWIRE_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
CORPORA = ("lgl.xml", "TR-News.xml")


def load_articles(n: int) -> list[tuple[str, dt.date | None]]:
    """(text, download date) of up to ``n`` articles from the geoparsing corpora."""
    out: list[tuple[str, dt.date | None]] = []
    for name in CORPORA:
        path = SHARED / "gold" / "geoparsing" / name
        if not path.is_file():
            raise SystemExit(f"needs {path} (the gold sets in ../shared)")
        for art in ET.parse(path).getroot().iter("article"):
            text = (art.findtext("text") or "").strip()
            stamp = (art.findtext("dltime") or "").strip()[:10]
            try:
                pub = dt.date.fromisoformat(stamp)
            except ValueError:
                pub = None
            if text:
                out.append((text, pub))
            if len(out) >= n:
                return out
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=706)
    args = ap.parse_args()
    articles = load_articles(args.articles)
    nlp = load_model(Config())
    texts = [t for t, _ in articles]
    list(nlp.pipe(texts[:5]))  # warm up the model

    actor_dictionary._builtin_entries.cache_clear()
    actor_dictionary._cached_dictionary.cache_clear()
    t0 = time.perf_counter()
    dictionary = ActorDictionary.from_files()
    load_s = time.perf_counter() - t0

    wall0, cpu0 = time.perf_counter(), time.process_time()
    docs = list(nlp.pipe(texts, batch_size=64))
    parse = (time.perf_counter() - wall0, time.process_time() - cpu0)

    kinds: Counter[str] = Counter()
    n_matches = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for doc, (_, pub) in zip(docs, articles, strict=True):
        matches = dictionary.match(doc, on_date=pub)
        n_matches += len(matches)
        for m in matches:
            kinds[m.entry.kind] += 1
    match = (time.perf_counter() - wall0, time.process_time() - cpu0)

    tokens = sum(len(d) for d in docs)
    table = Table(title=f"actor dictionary matcher on {len(docs)} articles ({tokens:,} tokens)")
    for col in ("stage", "wall s", "CPU s", "docs/s (CPU)", "share of parse (wall)", "share of parse (CPU)"):
        table.add_column(col, justify="right" if col != "stage" else "left")
    table.add_row("dictionary load (cold)", f"{load_s:.3f}", "", "", "", "")
    table.add_row(
        "nlp.pipe (parse)",
        f"{parse[0]:.2f}",
        f"{parse[1]:.2f}",
        f"{len(docs) / parse[1]:.1f}",
        "100%",
        "100%",
    )
    table.add_row(
        "match",
        f"{match[0]:.3f}",
        f"{match[1]:.3f}",
        f"{len(docs) / match[1]:.0f}",
        f"{100 * match[0] / parse[0]:.2f}%",
        f"{100 * match[1] / parse[1]:.2f}%",
    )
    console = Console()
    console.print(table)
    console.print(
        f"{len(dictionary):,} phrases; {n_matches:,} matches "
        f"({', '.join(f'{k} {v:,}' for k, v in kinds.most_common())})"
    )


if __name__ == "__main__":
    main()
