"""Where the text puts an actor (GDELT's Actor1Geo/Actor2Geo): "Baghdad police", "protesters in Ganja".

An actor is placed by a resolved place mention inside its own words ("Baghdad police", "the Kandahar
governor") or right after them, joined by *in*, *of*, *from*, *at*, *near* or *outside* ("police in Kabul",
"the governor of Kandahar province", "protesters from Ganja"). An actor the text does not place keeps no place
here; the GDELT export then places a state actor in its country, as GDELT does (see ``docs/store.md``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..types import Actor, Event, Place

_LINK = re.compile(r"\s*,?\s+(?:in|of|from|at|near|outside)\s+(?:the\s+)?", re.I)
_MAX_GAP = 24


def actor_place(actor: Actor, places: Sequence[Place], text: str) -> Place | None:
    """The place the text gives ``actor`` (inside its span, else right after it), or None."""
    inside = [p for p in places if actor.start <= p.start and p.end <= actor.end]
    if inside:
        return inside[-1]  # "the Iraqi interior ministry's Baghdad office": the nearest the head noun
    for p in places:
        gap = p.start - actor.end
        if 0 < gap <= _MAX_GAP and _LINK.fullmatch(text, actor.end, p.start):
            return p
    return None


def place_actors(events: list[Event], places: Sequence[Place], text: str) -> list[Event]:
    """``events`` with each actor and recipient placed where the text puts them (:func:`actor_place`)."""
    if not places:
        return events
    out = []
    for ev in events:
        actor = tuple(_placed(a, places, text) for a in ev.actor)
        recipient = tuple(_placed(a, places, text) for a in ev.recipient)
        if actor != ev.actor or recipient != ev.recipient:
            ev = replace(ev, actor=actor, recipient=recipient)
        out.append(ev)
    return out


def _placed(actor: Actor, places: Sequence[Place], text: str) -> Actor:
    if actor.place is not None:
        return actor
    place = actor_place(actor, places, text)
    return actor if place is None else replace(actor, place=place)
