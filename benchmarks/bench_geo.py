"""How much geoparsing adds to parsing, how fast resolution of given spans is, and how fast the index loads.

Reads real news from ``../shared/gold/geoparsing/{lgl,TR-News}.xml`` at run time (never copied), parses it
with the default model, then times over the same parsed documents:

- ``Geocoder.places`` (recognition + resolution) on every document;
- ``Geocoder.event_location`` for every verb (an upper bound on what the event coder asks for);
- ``Geocoder.resolve_spans`` on the gold spans, from text alone (the evaluation's given-spans setting);
- loading the cached gazetteer index (a fresh ``Gazetteer`` object, as a new process would).

The figure that matters for the coder is the ratio to ``nlp.pipe`` time in the same run (target: a few %).
Times are CPU seconds of this process (``time.process_time``), robust to other work on the machine.

    .venv/bin/python benchmarks/bench_geo.py [--articles 200]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from eventwire.config import Config
from eventwire.evaluate.geo import read_gold
from eventwire.geo import Gazetteer, Geocoder
from eventwire.nlp import load_model

SHARED = Path(os.environ.get("EVENTWIRE_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=200, help="articles per corpus")
    args = ap.parse_args()
    articles = []
    for name in ("lgl", "TR-News"):
        path = SHARED / "gold" / "geoparsing" / f"{name}.xml"
        if not path.is_file():
            raise SystemExit(f"needs {path} (the gold sets in ../shared)")
        articles += [a for a in read_gold(path) if a.text.strip()][: args.articles]
    texts = [a.text for a in articles]
    config = Config()
    nlp = load_model(config)
    gc = Geocoder.load(config)
    list(nlp.pipe(texts[:5]))  # warm up the model
    for d, text in zip(nlp.pipe(texts[:20]), texts, strict=False):  # and the caches a long-running coder has
        gc.places(d, text=text)

    t0 = time.process_time()
    docs = list(nlp.pipe(texts, batch_size=config.batch_size))
    t_parse = time.process_time() - t0

    t0 = time.process_time()
    all_places = [gc.places(d, text=text) for d, text in zip(docs, texts, strict=True)]
    t_places = time.process_time() - t0

    n_verbs = 0
    t0 = time.process_time()
    for d, places in zip(docs, all_places, strict=True):
        for tok in d:
            if tok.pos_ == "VERB":
                n_verbs += 1
                gc.event_location(d, places, tok.i)
    t_locate = time.process_time() - t0

    t0 = time.process_time()
    for a in articles:
        gc.resolve_spans(a.text, [(t.start, t.end) for t in a.toponyms])
    t_spans = time.process_time() - t0

    t0 = time.process_time()
    fresh = Gazetteer(gc.gazetteer.path)
    fresh.lookup("Baku")
    t_load = time.process_time() - t0

    n = len(docs)
    n_places = sum(len(p) for p in all_places)
    table = Table(
        title=f"geoparsing cost on {n} news articles ({sum(map(len, texts)) // n} chars each on average)"
    )
    for col in ("step", "seconds", "per document", "vs nlp.pipe"):
        table.add_column(col, justify="right" if col != "step" else "left")

    def row(step: str, secs: float) -> None:
        table.add_row(step, f"{secs:.2f}", f"{secs / n * 1000:.2f} ms", f"{secs / t_parse:.1%}")

    row("nlp.pipe (floor)", t_parse)
    row(f"places ({n_places} places)", t_places)
    row(f"event_location ({n_verbs} verbs)", t_locate)
    row("places + event_location", t_places + t_locate)
    row("resolve_spans (gold spans, no parse)", t_spans)
    Console().print(table)
    print(f"resolve_spans: {n / t_spans:.0f} documents/s; index load from cache: {t_load * 1000:.0f} ms")


if __name__ == "__main__":
    main()
