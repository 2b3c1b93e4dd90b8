"""How much the dates stage adds to parsing: ``find_dates`` and ``event_date`` vs ``nlp.pipe``.

Reads ~100 real news articles from ``../shared/gold/geoparsing/lgl.xml`` at run time (never copied),
parses them with the default model, then times, over the same parsed documents:

- ``find_dates`` on every sentence (cold caches: the per-document scan and the resolution cache are
  cleared first, so the first-seen cost of every expression is included);
- ``event_date`` on every verb (an upper bound on what the event coder asks for).

The figure that matters is the ratio to parse time in the same run (target: under 2%).

    .venv/bin/python benchmarks/bench_dates.py [--articles 100]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from rich.console import Console
from rich.table import Table

from eventwire import dates
from eventwire.config import Config
from eventwire.nlp import load_model

SHARED = Path(os.environ.get("EVENTWIRE_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))


def load_articles(n: int) -> list[tuple[str, dt.date | None]]:
    """(text, publication date) for the first ``n`` LGL articles; the date is the download day."""
    path = SHARED / "gold" / "geoparsing" / "lgl.xml"
    if not path.is_file():
        raise SystemExit(f"needs {path} (the gold sets in ../shared)")
    out: list[tuple[str, dt.date | None]] = []
    for art in ET.parse(path).getroot().iter("article"):
        text = art.findtext("text") or ""
        stamp = (art.findtext("dltime") or "")[:10]
        pub = dt.date.fromisoformat(stamp) if len(stamp) == 10 else None
        if text.strip():
            out.append((text, pub))
        if len(out) >= n:
            break
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100)
    args = ap.parse_args()
    articles = load_articles(args.articles)
    nlp = load_model(Config())
    texts = [t for t, _ in articles]
    list(nlp.pipe(texts[:5]))  # warm up the model

    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=64))
    parse_s = time.perf_counter() - t0

    def clear(compiled: bool) -> None:
        """Forget per-document scans and resolutions (and, when ``compiled``, the compiled tables)."""
        dates._resolve_cached.cache_clear()
        dates._recognised.cache_clear()
        if compiled:
            for fn in (dates._scanner, dates._resolver, dates._modifier_before, dates._not_a_date):
                fn.cache_clear()
        for doc in docs:
            doc.user_data.pop(dates._CACHE_KEY, None)

    def time_find_dates() -> tuple[float, int, int]:
        n_sents = n_mentions = 0
        t0 = time.perf_counter()
        for doc, (_, pub) in zip(docs, articles, strict=True):
            for sent in doc.sents:
                n_sents += 1
                n_mentions += len(dates.find_dates(sent, pub))
        return time.perf_counter() - t0, n_sents, n_mentions

    clear(compiled=True)
    cold_s, n_sents, n_mentions = time_find_dates()  # includes compiling the regex tables once
    clear(compiled=False)
    find_s, _, _ = time_find_dates()  # a fresh document stream with the tables compiled

    n_verbs = n_dated = 0
    t0 = time.perf_counter()
    for doc, (_, pub) in zip(docs, articles, strict=True):
        for tok in doc:
            if tok.pos_ == "VERB":
                n_verbs += 1
                n_dated += dates.event_date(tok, pub) is not None
    event_s = time.perf_counter() - t0

    words = sum(len(d) for d in docs)
    table = Table(
        title=f"dates stage vs parse ({len(docs)} LGL articles, {words} tokens, {n_sents} sentences)"
    )
    for col in ("step", "seconds", "% of parse", "items"):
        table.add_column(col, justify="right" if col != "step" else "left")
    table.add_row("nlp.pipe (floor)", f"{parse_s:.3f}", "100.0", f"{len(docs)} docs")
    table.add_row(
        "find_dates, first run (compiles tables)",
        f"{cold_s:.4f}",
        f"{100 * cold_s / parse_s:.2f}",
        f"{n_sents} sentences",
    )
    table.add_row(
        "find_dates, every sentence",
        f"{find_s:.4f}",
        f"{100 * find_s / parse_s:.2f}",
        f"{n_mentions} mentions",
    )
    table.add_row(
        "event_date, every verb",
        f"{event_s:.4f}",
        f"{100 * event_s / parse_s:.2f}",
        f"{n_dated}/{n_verbs} dated",
    )
    Console().print(table)


if __name__ == "__main__":
    main()
