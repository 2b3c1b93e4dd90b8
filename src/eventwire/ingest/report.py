"""What ``eventwire ingest`` shows people: live progress and the closing summary (rich, on stderr)."""

from __future__ import annotations

import re
import time
from typing import Any

from ..errors import ConfigError
from ..report import LiveStatus
from ..types import Article, Skip
from .options import SKIP_REASONS, WARNING_REASONS, IngestSummary
from .pubdate import date_warning

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.I)
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$", re.I)


def parse_duration(value: str) -> float:
    """Seconds from ``90``, ``30s``, ``15m``, ``2h`` or ``1d``."""
    m = _DURATION.match(value)
    if not m:
        raise ConfigError(f"{value!r} is not a duration; use e.g. 90, 30s, 15m, 2h")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2).lower()]


def parse_size(value: str) -> int:
    """Bytes from ``5000000``, ``500k``, ``10M`` or ``2G`` (powers of 1024 for the suffixes)."""
    m = _SIZE.match(value)
    if not m:
        raise ConfigError(f"{value!r} is not a size; use e.g. 500k, 10M, 1G")
    return int(float(m.group(1)) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[m.group(2).lower()])


class Progress(LiveStatus):
    """A one-line live status (documents, rate, articles, duplicates, skips by reason) on a terminal."""

    def __init__(self, enabled: bool, verbose: bool = False) -> None:
        super().__init__(enabled)
        self.verbose = verbose
        self.summary: IngestSummary | None = None
        self._last = 0.0

    def item(self, item: Article | Skip) -> None:
        """Called for every article and skip of the run."""
        if isinstance(item, Skip) and self.verbose:
            self.console.print(
                f"eventwire: skipped {item.where}: {item.reason} {item.detail}".rstrip(), markup=False
            )
        elif isinstance(item, Article) and self.verbose and (w := date_warning(item)) is not None:
            self.console.print(f"eventwire: warning {w.where}: {w.reason}: {w.detail}", markup=False)
        now = time.monotonic()
        if self._live is None or self.summary is None or now - self._last < 0.25:
            return
        self._last = now
        s = self.summary
        skips = ", ".join(f"{r} {n}" for r, n in s.skipped.most_common(4))
        self._live.update(
            f"[bold]ingest[/] {s.documents} documents ({s.rate:.1f}/s) · {s.articles} articles · "
            f"{s.duplicates} duplicates · {s.unchanged} unchanged · skipped {s.skips}"
            + (f" ({skips})" if skips else "")
        )


def print_summary(summary: IngestSummary, console: Any) -> None:
    """The closing summary: what was read, emitted, flagged and skipped, and why."""
    from rich.table import Table

    s = summary
    console.print(
        f"eventwire ingest: {s.sources} sources, {s.documents} documents in {s.elapsed:.1f} s "
        f"({s.rate:.1f}/s); {s.articles} articles written: {s.new} new, {s.duplicates} duplicates, "
        f"{s.language} flagged for language, {s.updated} updated; {s.unchanged} already ingested and "
        f"unchanged, {s.already_done} not re-read (done in an earlier run)",
        markup=False,
        highlight=False,
    )
    if s.languages:
        console.print(
            "languages: " + ", ".join(f"{k} {v}" for k, v in s.languages.most_common(8)),
            markup=False,
            highlight=False,
        )
    if s.warnings:
        table = Table(
            title=f"warnings (articles kept): {sum(s.warnings.values())}",
            title_justify="left",
            show_edge=False,
        )
        table.add_column("reason")
        table.add_column("count", justify="right")
        table.add_column("first seen at", overflow="fold")
        table.add_column("meaning", overflow="fold")
        for reason, count in s.warnings.most_common():
            table.add_row(
                reason, str(count), s.warning_examples.get(reason, ""), WARNING_REASONS.get(reason, "")
            )
        console.print(table)
    if s.skipped:
        table = Table(title=f"skipped: {s.skips}", title_justify="left", show_edge=False)
        table.add_column("reason")
        table.add_column("count", justify="right")
        table.add_column("first seen at", overflow="fold")
        table.add_column("meaning", overflow="fold")
        for reason, count in s.skipped.most_common():
            meaning = SKIP_REASONS.get(reason) or SKIP_REASONS["http-NNN"] * reason.startswith("http-")
            table.add_row(reason, str(count), s.examples.get(reason, ""), meaning)
        console.print(table)
