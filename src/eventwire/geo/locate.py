"""Event location: the place where an event happened, from the event's trigger and the parse.

Rules, in order:

1. a place the trigger governs through the dependency tree, best through a locative preposition
   ("met in Mombasa", "clinics in nine provinces of Kenya" -> Kenya, at country precision);
2. else another place in the trigger's sentence, the nearest first, not one that only describes a
   participant ("Russia's ambassador", "the Azerbaijani minister") nor one inside an organisation's name;
3. else the story's own place: the dateline ("BAKU, Jan 21 (Reuters) -"), else the local place the
   article names most in its home country (:mod:`eventwire.geo.home`): a local story's event with no
   place of its own happened where the story is from;
4. else none: eventwire does not guess a location.

A place that only says where a participant comes from ("a tourist visiting from Norway", "a native
of Peru") is never the event's place, and one inside an organisation's name counts less; a state or
country that holds the story's own place, named without a locative preposition ("the Nevada Highway
Patrol"), gives way to that place.

Demonyms are never event locations (a Russian ambassador in Turkey is not an event in Russia).
The per-document work (sentences, heads, where each place sits in the tree) is done once per
``(doc, places)`` pair and reused for every trigger of that document.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from spacy.attrs import DEP, ENT_TYPE, HEAD, LOWER, SENT_START

from ..types import Place
from .home import document_home
from .names import word_set
from .resolve import find_dateline

if TYPE_CHECKING:
    from spacy.tokens import Doc

LOCATIVE_PREPS = word_set(
    """
    in at near inside outside across throughout within around on into to from towards toward off along
    over beyond through between among
    """
)
ATTRIBUTE_DEPS = frozenset({"poss", "compound", "amod", "nmod", "npadvmod"})
# A place in a "from"/"of" phrase of a participant says where someone comes from, not where it happened.
ORIGIN_PREPS = word_set("from of")
AREA_NOUNS = word_set(
    """
    city town village province region district state county parish area capital suburb outskirts
    neighborhood neighbourhood centre center heart streets part north south east west cities towns
    villages provinces regions districts states counties parishes areas suburbs neighborhoods
    neighbourhoods parts
    """
)
NAME_LABELS = frozenset({"ORG", "PERSON", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"})
MAX_STEPS = 8
_WRAP = 1 << 64  # Doc.to_array gives uint64: relative heads come back wrapped


def is_demonym(place: Place) -> bool:
    """Whether the place record came from a demonym ("Russian")."""
    return bool(place.reason) and str(place.reason).startswith("demonym")


class _DocInfo:
    """What locating needs from one parsed document and its places, computed once."""

    def __init__(self, doc: Doc, places: Sequence[Place]) -> None:
        n = len(doc)
        rows = doc.to_array([HEAD, DEP, LOWER, SENT_START, ENT_TYPE]).tolist() if n else []
        self.head = [i + (r[0] - _WRAP if r[0] >= _WRAP // 2 else r[0]) for i, r in enumerate(rows)]  # signed
        self.dep = [r[1] for r in rows]
        self.lower = [r[2] for r in rows]
        self.sent: list[int] = []
        sid = -1
        for i, r in enumerate(rows):
            if r[3] == 1 or i == 0:
                sid += 1
            self.sent.append(sid)
        strings = doc.vocab.strings  # ids in to_array: symbol ids for labels, hashes for other strings
        self.prep_ids = frozenset(strings[w] for w in LOCATIVE_PREPS)
        self.prep_dep = strings["prep"]
        self.attr_deps = frozenset(strings[d] for d in ATTRIBUTE_DEPS)
        labels = {r[4] for r in rows if r[4]}
        name_ids = {lab for lab in labels if strings[lab] in NAME_LABELS}
        # (place, root token, in a name of something else, the head of its "from"/"of" phrase or -1)
        self.places: list[tuple[Place, int, bool, int]] = []
        origin_ids = frozenset(strings[w] for w in ORIGIN_PREPS)
        area_ids = frozenset(strings[w] for w in AREA_NOUNS)
        pobj = strings["pobj"]
        for p in places:
            if (p.geonameid is None and p.lat is None) or is_demonym(p):
                continue
            span = doc.char_span(p.start, p.end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            root = span.root.i
            origin = -1
            prep = self.head[root]
            if self.dep[root] == pobj and self.lower[prep] in origin_ids:
                owner = self.head[prep]
                if self.lower[owner] not in area_ids:  # "the city of Karak" names the place itself
                    origin = owner
            self.places.append(
                (p, root, any(rows[t][4] in name_ids for t in range(span.start, span.end)), origin)
            )
        dl = find_dateline(doc.text)
        self.dateline = next(
            (p for p in places if dl is not None and p.start == dl[0] and (p.geonameid or p.lat is not None)),
            None,
        )
        # The story's own place (the dateline, else the local place it names most: geo/home.py).
        self.home: Place | None = self.dateline
        if self.home is None:
            actors = doc._.ew_actors if doc.has_extension("ew_actors") else None
            home = actors.home() if actors is not None else document_home(doc.text, places)
            self.home = home.place

    def governed(self, trigger: int, root: int) -> tuple[int, bool] | None:
        """Steps from a place's root up to the trigger, and whether a locative preposition is on the way."""
        steps, loc, tok = 0, False, root
        while tok != trigger:
            head = self.head[tok]
            if head == tok or steps >= MAX_STEPS:
                return None
            if self.dep[tok] == self.prep_dep and self.lower[tok] in self.prep_ids:
                loc = True
            tok = head
            steps += 1
        return steps, loc

    def locate(self, trigger: int) -> Place | None:
        sent = self.sent[trigger]
        best: tuple[float, Place, bool] | None = None
        for p, root, in_name, origin in self.places:
            if self.sent[root] != sent:
                continue
            g = self.governed(trigger, root)
            if g is not None:
                score = 100.0 - 5 * g[0] + (20 if g[1] else 0)
            else:
                score = 50.0 - abs(root - trigger) / 5
            if self.dep[root] in self.attr_deps:
                score -= 30
            if in_name:
                score -= 40
            if origin >= 0 and origin != trigger:
                continue  # "a tourist visiting from Norway", "a native of Peru": where someone is from
            if p is self.dateline:
                score -= 30  # where the reporter filed from: the event's place only when nothing else is
            if best is None or score > best[0]:
                best = (score, p, g is not None and g[1] and not in_name)
        if best is None:
            return self.home  # a local story's event with no place of its own happened in the story's place
        _, place, stated = best
        if not stated and self.home is not None and _contains(place, self.home):
            return self.home  # "the Nevada Highway Patrol", "Ontario's rules": the story's town is nearer
        return place


def _contains(area: Place, place: Place) -> bool:
    """Whether ``area`` (a country or a first-level subdivision) holds ``place`` and is larger than it."""
    if area is place or area.country is None or area.country != place.country:
        return False
    if area.precision == "country":
        return place.precision in ("admin1", "admin2", "city")
    if area.precision == "admin1":
        return place.precision in ("admin2", "city") and area.admin1 == place.admin1
    return False


class Locator:
    """Event location with the per-document work cached for the last document seen."""

    def __init__(self) -> None:
        self._key: tuple[int, int] | None = None
        self._info: _DocInfo | None = None
        self._refs: tuple[object, object] | None = None

    def __getstate__(self) -> dict[str, object]:
        return {}  # the cache is per process: never ship a Doc to a worker

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__()  # type: ignore[misc]

    def __call__(self, doc: Doc, places: Sequence[Place], trigger_index: int) -> Place | None:
        if not 0 <= trigger_index < len(doc):
            return None
        key = (id(doc), id(places))
        if self._info is None or self._key != key:
            self._info, self._key, self._refs = _DocInfo(doc, places), key, (doc, places)
        return self._info.locate(trigger_index)


def event_location(doc: Doc, places: Sequence[Place], trigger_index: int) -> Place | None:
    """The place where the event triggered at token ``trigger_index`` happened, or ``None``."""
    if not 0 <= trigger_index < len(doc):
        return None
    return _DocInfo(doc, places).locate(trigger_index)
