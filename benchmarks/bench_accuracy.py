"""The accuracy table: every gold set in ``../shared/gold``, its headline figures, n, and the bars.

Reads the gold files at run time (never copied), codes them with the default configuration (PETRARCH
unit-test files with their own toy dictionaries), and prints one row per figure, then the same as
Markdown for the README (``--markdown``). Same code path as ``eventwire evaluate ../shared/gold``.

    .venv/bin/python benchmarks/bench_accuracy.py [--markdown] [--no-geo] [--all-figures]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from eventwire.config import Config
from eventwire.evaluate import CodingCache, EvaluationResult, evaluate_all

SHARED = Path(os.environ.get("EVENTWIRE_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))


def rows(results: list[EvaluationResult], all_figures: bool) -> list[tuple[str, ...]]:
    """(gold set, figure, value, n, bar, meets) for each reported figure."""
    out = []
    for r in results:
        names = list(r.figures) if all_figures else list(r.headline)
        for name in names:
            f = r.figures[name]
            bar = r.bar(name)
            value = "n/a" if f.value is None else f"{f.value:.3f}"
            meets = "" if bar is None or f.value is None else ("yes" if f.value >= bar else "no")
            out.append((r.name, name, value, str(f.n), "" if bar is None else f"≥ {bar:.2f}", meets))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--markdown", action="store_true", help="also print a Markdown table for the README")
    ap.add_argument("--no-geo", action="store_true", help="leave out the geoparsing gold")
    ap.add_argument("--all-figures", action="store_true", help="every figure, not only the headline ones")
    args = ap.parse_args()
    gold = SHARED / "gold"
    if not gold.is_dir():
        raise SystemExit(f"needs {gold} (the gold sets in ../shared)")
    console = Console()
    start = time.perf_counter()
    results = evaluate_all(gold, Config(), include_geo=not args.no_geo, cache=CodingCache())
    seconds = time.perf_counter() - start
    table = Table(title=f"eventwire accuracy on ../shared/gold ({dt.date.today()}, {os.cpu_count()} cores)")
    header = ("gold set", "figure", "value", "n", "bar", "meets")
    for col in header:
        table.add_column(col)
    body = rows(results, args.all_figures)
    for row in body:
        table.add_row(*row)
    console.print(table)
    console.print(f"{sum(r.n_records for r in results)} gold records in {seconds:.1f}s", highlight=False)
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in body:
            print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
