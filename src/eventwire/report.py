"""Human-readable output for the CLI: a rich table of events and a closing run summary."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar

from rich.console import Console
from rich.table import Table

from .types import Actor, Event, Skip

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

    def skip(self, skip: Skip) -> None:
        self.skipped[skip.reason] += 1

    def as_dict(self) -> dict[str, object]:
        return {"documents": self.documents, "events": self.events, "skipped": dict(self.skipped)}

    def print(self, err: bool = True) -> None:
        console = Console(stderr=err)
        skipped = ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items())) or "none"
        console.print(
            f"[bold]coded[/bold] {self.documents} documents, {self.events} events; skipped: {skipped}"
        )
