"""Where each field of an event came from: the spans of text behind the trigger, the actors, the source,
the place and the date, so a reader can see the evidence and decide whether to trust the record.

The coder records article offsets for the trigger, every actor, the attribution and the place. Spans in
the event's sentence are given relative to the sentence too; spans elsewhere in the article (an actor
resolved from an earlier sentence, a dateline place) keep their article offsets and a little context.
The coder records the date's words but not their offsets, so the date span is found by searching the
sentence for those words (``found_by="search"``), and left unplaced when they are not there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .types import Actor, Event

SPAN_KINDS = ("trigger", "actor", "recipient", "source", "place", "date")
"""What a span can be evidence of, in the order they are listed."""


@dataclass(frozen=True, slots=True)
class Span:
    """One piece of evidence: ``start``/``end`` are offsets in the article (``None`` when the words
    could not be placed), ``label`` what the words were coded as (a code, a name, a date)."""

    kind: str
    text: str
    start: int | None
    end: int | None
    label: str | None = None
    found_by: str = "coder"

    def in_sentence(self, event: Event) -> bool:
        """True when the span lies inside the event's sentence."""
        if self.start is None or self.end is None:
            return False
        return event.sentence_start <= self.start and self.end <= event.sentence_start + len(event.sentence)

    def to_dict(self, event: Event, article_text: str | None = None, context: int = 60) -> dict[str, Any]:
        """The span as JSON: article offsets, sentence offsets when inside the sentence, else (given the
        article's text) up to ``context`` characters either side."""
        inside = self.in_sentence(event)
        base = event.sentence_start
        out: dict[str, Any] = {
            "kind": self.kind,
            "text": self.text,
            "label": self.label,
            "found_by": self.found_by,
            "start": self.start,
            "end": self.end,
            "in_sentence": inside,
            "sentence_start": self.start - base if inside and self.start is not None else None,
            "sentence_end": self.end - base if inside and self.end is not None else None,
        }
        if not inside and article_text and self.start is not None and self.end is not None:
            lo, hi = max(0, self.start - context), min(len(article_text), self.end + context)
            out["context"] = {
                "before": article_text[lo : self.start],
                "text": article_text[self.start : self.end],
                "after": article_text[self.end : hi],
            }
        return out


def _actor_label(a: Actor) -> str | None:
    return a.code or a.name or a.country


def evidence_spans(event: Event) -> list[Span]:
    """Every span of text behind ``event``, in :data:`SPAN_KINDS` order (empty words are skipped)."""
    out: list[Span] = []
    label: str | None
    if event.event_text:
        label = " ".join(x for x in (event.event, f"CAMEO {event.cameo}") if x)
        out.append(Span("trigger", event.event_text, event.event_start, event.event_end, label))
    for kind, side in (("actor", event.actor), ("recipient", event.recipient)):
        seen: set[tuple[int, int]] = set()
        for a in side:
            if a.text and (a.start, a.end) not in seen:  # one actor may carry several codes
                seen.add((a.start, a.end))
                out.append(Span(kind, a.text, a.start, a.end, _actor_label(a)))
    att = event.attribution
    if att is not None and att.text:
        label = (_actor_label(att.source) if att.source else None) or att.outlet
        out.append(Span("source", att.text, att.start, att.end, label))
    loc = event.location
    if loc is not None and loc.text:
        label = ", ".join(x for x in (loc.name, loc.country) if x) or None
        out.append(Span("place", loc.text, loc.start, loc.end, label))
    if event.date_text:
        label = event.date.isoformat() if event.date else None
        m = re.search(rf"(?<!\w){re.escape(event.date_text)}(?!\w)", event.sentence, re.IGNORECASE)
        if m:
            start = event.sentence_start + m.start()
            out.append(Span("date", m.group(0), start, start + len(m.group(0)), label, "search"))
        else:
            out.append(Span("date", event.date_text, None, None, label, "search"))
    return out
