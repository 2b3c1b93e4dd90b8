"""Human-readable output for the CLI: a rich table of events, live status lines and closing run summaries."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from rich.console import Console
from rich.table import Table

from .types import Actor, Event, Skip

if TYPE_CHECKING:
    from .run import RunStats

_L = TypeVar("_L", bound="LiveStatus")


class LiveStatus:
    """A transient status line on stderr, shown only on a terminal (a context manager).

    Long-running commands subclass it and call ``self._live.update(...)`` while ``self._live`` is set.
    """

    def __init__(self, enabled: bool, first: str = "") -> None:
        self.console = Console(stderr=True)
        self.enabled = enabled and self.console.is_terminal
        self._first = first
        self._live: Any = None

    def __enter__(self: _L) -> _L:
        if self.enabled:
            from rich.live import Live

            self._live = Live(self._first, console=self.console, transient=True, refresh_per_second=4)
            self._live.__enter__()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._live is not None:
            self._live.__exit__(exc_type, exc, tb)


def _actors(actors: Sequence[Actor]) -> str:
    parts = []
    for a in actors:
        label = a.code or "?"
        name = a.name or a.text
        parts.append(f"{label} ({name})" if name and name != label else label)
    return "; ".join(parts)


def print_events_table(events: Sequence[Event], console: Console | None = None) -> None:
    """Print events as a table: who did what to whom, when, how sure, and which rule said so."""
    console = console or Console(width=None if sys.stdout.isatty() else 200)
    table = Table(show_lines=False, expand=True)
    for col, kw in (
        ("doc", {"overflow": "fold", "max_width": 14}),
        ("sent", {"justify": "right"}),
        ("actor", {"overflow": "fold"}),
        ("event", {}),
        ("cameo", {}),
        ("recipient", {"overflow": "fold"}),
        ("modality", {}),
        ("date", {}),
        ("trigger", {"overflow": "fold"}),
        ("conf", {"justify": "right"}),
    ):
        table.add_column(col, **kw)
    for ev in events:
        table.add_row(
            ev.doc_id,
            str(ev.sentence_index),
            _actors(ev.actor),
            ev.event or "-",
            f"{ev.cameo} q{ev.quad_class} {ev.goldstein:+.1f}",
            _actors(ev.recipient),
            ev.modality,
            ev.date.isoformat() if ev.date else "-",
            ev.event_text,
            f"{ev.confidence:.2f}",
        )
    console.print(table)


@dataclass
class RunSummary:
    """Counts of what a run did and skipped, by reason."""

    documents: int = 0
    events: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)

    def skip(self, skip: Skip) -> None:
        self.skipped[skip.reason] += 1

    def warn(self, warning: Skip) -> None:
        """Count an article kept with something wrong (``bad-date``: a publication date not read)."""
        self.warnings[warning.reason] += 1

    def as_dict(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "events": self.events,
            "skipped": dict(self.skipped),
            "warnings": dict(self.warnings),
        }

    def print(self, err: bool = True) -> None:
        console = Console(stderr=err)
        skipped = ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items())) or "none"
        warned = ", ".join(f"{n} {reason}" for reason, n in sorted(self.warnings.items())) or "none"
        console.print(
            f"[bold]coded[/bold] {self.documents} documents, {self.events} events; skipped: {skipped}; "
            f"warnings: {warned}"
        )


class RunProgress(LiveStatus):
    """A live status line while a run codes and stores (on stderr, only on a terminal)."""

    def __init__(self, enabled: bool = True) -> None:
        super().__init__(enabled, first="starting (loading the language model)...")

    def update(self, s: RunStats) -> None:
        if self._live is None:
            return
        rate = s.coded / s.elapsed if s.elapsed else 0.0
        skipped = sum(s.skipped.values())
        self._live.update(
            f"[bold]run[/bold] {s.documents} documents read, {s.coded} coded ({rate:.1f}/s), "
            f"{s.events} events -> "
            f"{s.merged_new} new merged events, {s.already_stored} already stored, {skipped} skipped"
        )


def print_run_summary(s: RunStats, db: str, console: Any) -> None:
    """The closing summary of a run: what was read, coded, stored and merged, and what was skipped, why."""
    console.print(
        f"eventwire run: {s.documents} documents in {s.elapsed:.1f} s; {s.coded} coded -> {s.events} event "
        f"mentions -> {s.merged_new} new merged events ({s.merged_updated} updated); "
        f"{s.already_stored} already "
        f"stored (not coded again), {s.duplicates} duplicates stored uncoded (counted in their events' "
        f"num_articles)",
        markup=False,
        highlight=False,
    )
    console.print(
        f"database {db}: {s.merged_total} merged events from {s.mentions_total} mentions",
        markup=False,
        highlight=False,
    )
    if s.cluster is not None:
        c = s.cluster
        console.print(
            f"cluster job {c['job']} ({c['staging']}): {c['partitions']} partitions, {c['computed']} coded "
            f"on workers, {c['resumed']} loaded from shards an earlier attempt wrote, {c['lost']} lost with "
            f"their workers; {c['coded_on_driver']} articles coded on the driver",
            markup=False,
            highlight=False,
        )
    for title, counts in (("warnings (articles kept)", s.warnings), ("skipped", s.skipped)):
        if not counts:
            continue
        table = Table(title=f"{title}: {sum(counts.values())}", title_justify="left", show_edge=False)
        table.add_column("reason")
        table.add_column("count", justify="right")
        for reason, count in counts.most_common():
            table.add_row(reason, str(count))
        console.print(table)
