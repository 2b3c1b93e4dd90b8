"""The spans of text behind an event's fields (``eventwire.evidence``)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from eventwire.evidence import evidence_spans
from eventwire.types import Actor, Attribution, Event, Place

ARTICLE = (
    "BAKU, May 6. Azerbaijan's minister met his Armenian counterpart on Friday in Almaty, officials said."
)
S0 = ARTICLE.index("Azerbaijan's")


def span(text: str, after: int = 0) -> tuple[int, int]:
    i = ARTICLE.index(text, after)
    return i, i + len(text)


def event(**kw: object) -> Event:
    a, r, t = span("Azerbaijan's minister"), span("his Armenian counterpart"), span("met")
    who = "Azerbaijan's minister"
    base = Event(
        doc_id="d", event_id="e", sentence_index=1, sentence=ARTICLE[S0:], sentence_start=S0,
        event="CONSULT", cameo="040", cameo_root="04", quad_class=1, goldstein=1.0,
        date=dt.date(2024, 5, 3), date_text="Friday",
        actor=(Actor(who, *a, code="AZEGOV"), Actor(who, *a, code="AZE")),
        recipient=(Actor("his Armenian counterpart", *r, code="ARMGOV"),),
        event_text="met", event_start=t[0], event_end=t[1],
        attribution=Attribution("officials", *span("officials"), outlet=None),
        location=Place("BAKU", 0, 4, name="Baku", country="AZE"),
    )  # fmt: skip
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


def test_spans_in_the_sentence_and_elsewhere() -> None:
    ev = event()
    spans = evidence_spans(ev)
    assert [s.kind for s in spans] == ["trigger", "actor", "recipient", "source", "place", "date"]
    out = {s.kind: s.to_dict(ev, ARTICLE) for s in spans}
    for kind in ("trigger", "actor", "recipient", "source", "date"):
        d = out[kind]
        assert d["in_sentence"] and ev.sentence[d["sentence_start"] : d["sentence_end"]] == d["text"]
    assert out["trigger"]["label"] == "CONSULT CAMEO 040" and out["actor"]["label"] == "AZEGOV"
    assert out["date"] == {**out["date"], "text": "Friday", "found_by": "search", "label": "2024-05-03"}
    place = out["place"]  # the dateline, outside the sentence: article offsets and context
    assert not place["in_sentence"] and place["sentence_start"] is None
    assert place["context"]["text"] == "BAKU" and place["context"]["after"].startswith(", May 6.")


def test_date_words_not_in_the_sentence_stay_unplaced() -> None:
    ev = event(date_text="last week")
    date = next(s for s in evidence_spans(ev) if s.kind == "date")
    assert (date.start, date.end, date.text) == (None, None, "last week")
    assert date.to_dict(ev, ARTICLE)["in_sentence"] is False
    ev = event(date_text="fri")  # whole words only
    assert next(s for s in evidence_spans(ev) if s.kind == "date").start is None
