"""The per-record error report (Markdown or HTML): figures, confusion matrices, the worst error classes,
and every record with gold vs ours, the sentence and the coder rules that fired.

The report is built once as a list of blocks and rendered to either format, so both say the same.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from . import EvaluationResult
from .scoring import RecordResult


@dataclass(frozen=True, slots=True)
class _Block:
    kind: str  # "h1" | "h2" | "h3" | "p" | "table" | "details"
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


def _fmt(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def _skips(d: dict[str, int] | Counter[str] | object) -> str:
    items = dict(d).items() if isinstance(d, dict | Counter) else ()
    return "; ".join(f"{k}: {v}" for k, v in sorted(items, key=lambda kv: -kv[1]) if v) or "none"


def figure_rows(r: EvaluationResult, names: Sequence[str] | None = None) -> list[tuple[str, ...]]:
    """Rows of (figure, value, n, bar, meets bar, skipped) for ``names`` (default: all, headline first)."""
    order = (
        list(names) if names is not None else [*r.headline, *(k for k in r.figures if k not in r.headline)]
    )
    rows: list[tuple[str, ...]] = []
    for name in order:
        f = r.figures[name]
        bar = r.bar(name)
        meets = "" if bar is None or f.value is None else ("yes" if f.value >= bar else "NO")
        rows.append(
            (name, _fmt(f.value), str(f.n), "" if bar is None else f"{bar:.2f}", meets, _skips(f.skipped))
        )
    return rows


def error_classes(r: EvaluationResult, k: int = 10) -> list[tuple[str, int, list[RecordResult]]]:
    """The ``k`` most frequent error classes, each with its count and its records (a record with two
    kinds of error counts in both): missed events, label confusions (gold → ours), actor errors (none
    coded, wrong, partly right), and for mechanics which part of the triple differed."""
    groups: dict[str, list[RecordResult]] = {}
    for x in r.records:
        if x.ok or x.skip_reason is not None:
            continue
        keys = x.errors or tuple(f"wrong {c}" for c, ok in x.checks.items() if not ok)
        for key in keys:
            groups.setdefault(key, []).append(x)
    ranked = sorted(((key, len(v), v) for key, v in groups.items()), key=lambda t: (-t[1], t[0]))
    return ranked[:k]


def _event_rules(x: RecordResult) -> tuple[str, ...]:
    """The rules behind our event's type and actors (date-resolution rules left out), or ``(no event)``."""
    if x.event is None:
        return ("(no event)",)
    return tuple(r for r in x.event.coder if not r.startswith("date:"))


def _coder_rules(x: RecordResult) -> str:
    rules = x.event.coder if x.event else ()
    return ", ".join(rules) or "-"


def _record_row(x: RecordResult) -> tuple[str, ...]:
    fails = ", ".join(c for c, ok in x.checks.items() if not ok) or "ok"
    return (x.id, fails, x.text, x.gold, x.ours, x.match, _coder_rules(x))


RECORD_HEADER = ("id", "wrong", "sentence", "gold", "ours", "matched by", "coder rules")


def build_blocks(results: Sequence[EvaluationResult], title: str = "eventwire evaluation") -> list[_Block]:
    """The report's content, independent of the output format."""
    b: list[_Block] = [
        _Block("h1", title),
        _Block("p", f"Generated {dt.datetime.now().isoformat(timespec='seconds')} by `eventwire evaluate`."),
        _Block(
            "table",
            header=("gold set", "kind", "records", "headline figures"),
            rows=tuple(
                (
                    r.name,
                    r.kind,
                    str(r.n_records),
                    "; ".join(f"{h} {_fmt(r.figures[h].value)}" for h in r.headline),
                )
                for r in results
            ),
        ),
    ]
    for r in results:
        b.append(_Block("h2", f"{r.name} ({r.kind})"))
        info = f"{r.n_records} records, sha256 {r.sha256[:16]}…, {r.seconds:.1f}s."
        if r.dictionaries:
            info += " Toy dictionaries loaded from the gold folder: " + ", ".join(r.dictionaries) + "."
        b.append(_Block("p", info))
        b.append(
            _Block(
                "table",
                header=("figure", "value", "n", "bar", "meets", "skipped"),
                rows=tuple(figure_rows(r)),
            )
        )
        if r.skipped:
            b.append(_Block("p", "Records not scored: " + _skips(r.skipped) + "."))
        if r.notes:
            b.append(_Block("p", "Notes: " + _skips(r.notes) + "."))
        for name, cats in r.breakdown.items():
            b.append(_Block("h3", name))
            b.append(
                _Block(
                    "table",
                    header=("category", "value", "n"),
                    rows=tuple((c, _fmt(f.value), str(f.n)) for c, f in cats.items()),
                )
            )
        for name, matrix in r.confusions.items():
            b.append(_Block("h3", f"Confusion matrix: {name} (rows gold, columns ours)"))
            cols = sorted({p for row in matrix.values() for p in row} | set(matrix))
            rows = tuple((g, *(str(matrix[g].get(c, "")) for c in cols)) for g in sorted(matrix))
            b.append(_Block("table", header=("gold \\ ours", *cols), rows=rows))
        classes = error_classes(r)
        if classes:
            b.append(_Block("h3", "Worst error classes"))
            rows_ec = []
            for key, n, recs in classes:
                rules = Counter(rule for x in recs for rule in _event_rules(x))
                top = ", ".join(f"{k} ×{v}" for k, v in rules.most_common(3))
                ex = recs[0]
                rows_ec.append((key, str(n), top, f"{ex.id}: {ex.text}"))
            b.append(
                _Block(
                    "table",
                    header=("error class", "records", "rules that fired most (dates left out)", "example"),
                    rows=tuple(rows_ec),
                )
            )
        wrong = [x for x in r.records if not x.ok]
        right = [x for x in r.records if x.ok]
        b.append(_Block("h3", f"Records with an error ({len(wrong)})"))
        b.append(_Block("table", header=RECORD_HEADER, rows=tuple(_record_row(x) for x in wrong)))
        b.append(
            _Block(
                "details",
                f"Records fully right ({len(right)})",
                header=RECORD_HEADER,
                rows=tuple(_record_row(x) for x in right),
            )
        )
    return b


def _md_cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(_md_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def render_markdown(blocks: Sequence[_Block]) -> str:
    """The report as Markdown (tables are GitHub-flavoured)."""
    out: list[str] = []
    for bl in blocks:
        if bl.kind in ("h1", "h2", "h3"):
            out += ["#" * int(bl.kind[1]) + " " + bl.text, ""]
        elif bl.kind == "p":
            out += [bl.text, ""]
        elif bl.kind == "table":
            out += _md_table(bl.header, bl.rows)
        elif bl.kind == "details":
            out += [f"<details><summary>{html.escape(bl.text)}</summary>", ""]
            out += _md_table(bl.header, bl.rows)
            out += ["</details>", ""]
    return "\n".join(out)


_CSS = (
    "body{font-family:system-ui,sans-serif;margin:2em;max-width:110em}"
    "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .5em;"
    "vertical-align:top;font-size:90%}th{background:#f3f3f3}"
)


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(blocks: Sequence[_Block]) -> str:
    """The report as one self-contained HTML page."""
    title = next((bl.text for bl in blocks if bl.kind == "h1"), "eventwire evaluation")
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{_CSS}</style></head><body>"
    ]
    for bl in blocks:
        if bl.kind in ("h1", "h2", "h3"):
            parts.append(f"<{bl.kind}>{html.escape(bl.text)}</{bl.kind}>")
        elif bl.kind == "p":
            parts.append(f"<p>{html.escape(bl.text)}</p>")
        elif bl.kind == "table":
            parts.append(_html_table(bl.header, bl.rows))
        elif bl.kind == "details":
            summary = f"<summary>{html.escape(bl.text)}</summary>"
            parts.append(f"<details>{summary}{_html_table(bl.header, bl.rows)}</details>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(results: Sequence[EvaluationResult], path: Path | str) -> Path:
    """Write the report to ``path``: HTML for ``.html``/``.htm``, else Markdown."""
    p = Path(path)
    blocks = build_blocks(results)
    text = render_html(blocks) if p.suffix.lower() in (".html", ".htm") else render_markdown(blocks)
    try:
        p.write_text(text, encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot write the report to {p}: {e}") from e
    return p


def print_summary(results: Sequence[EvaluationResult], *, all_figures: bool = False) -> None:
    """Print one table per gold set (headline figures, or all) with bars and skipped counts, then the
    records not scored and why (per-figure skip reasons are in ``--json`` and the report)."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for r in results:
        names = list(r.figures) if all_figures else list(r.headline)
        t = Table(title=f"{r.name} ({r.kind}, {r.n_records} records, {r.seconds:.1f}s)", title_justify="left")
        for col in ("figure", "value", "n", "bar", "meets", "skipped"):
            t.add_column(col, no_wrap=col == "figure")
        for name, value, n, bar, meets, _ in figure_rows(r, names):
            t.add_row(name, value, n, bar, meets, str(sum(r.figures[name].skipped.values())))
        console.print(t)
        for cls, count, examples in r.errors[:12]:
            console.print(
                f"  {count:4d}  {cls}   e.g. {' '.join(examples[0].split()) if examples else ''}",
                highlight=False,
            )
        if r.skipped:
            console.print(f"  records not scored: {_skips(r.skipped)}", highlight=False)
    total = sum(r.n_records for r in results)
    console.print(f"{len(results)} gold set(s), {total} gold records read.", highlight=False)
