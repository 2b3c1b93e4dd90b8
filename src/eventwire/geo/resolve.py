"""Toponym resolution: choose the GeoNames entry each place mention refers to, and say why.

Every candidate of a mention gets a score that adds up, in log space, a few general priors and the
article's evidence:

- what it is: a country beats a subdivision beats a town of the same name ("a country is a country");
  a populated place weighs by its population; a name that matched only through a foreign alternate
  spelling weighs less;
- "City, State" / "City, Country" right after the mention, and a dateline ("BAKU, Jan 21 (Reuters) -");
- the article's other places: candidates in countries and first-level subdivisions that the other
  mentions point to, and candidates near the other mentions, gain.

Mentions with the same name are one decision (one sense per discourse). The scores are refined three
times, each round using the others' current best readings, and the winning candidate's main reasons are
kept in :attr:`Place.reason`.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..types import Place
from .gazetteer import (
    HOW_ABBR,
    HOW_ALIAS,
    HOW_ALT,
    HOW_NAME,
    KIND_ADMIN1,
    KIND_ADMIN2,
    KIND_CITY,
    KIND_COUNTRY,
    KIND_REGION,
    Entry,
    Gazetteer,
)
from .names import normalize

PRECISION = {
    KIND_REGION: "region",
    KIND_COUNTRY: "country",
    KIND_ADMIN1: "admin1",
    KIND_ADMIN2: "admin2",
    KIND_CITY: "city",
}
KIND_NAME = {
    KIND_REGION: "region",
    KIND_COUNTRY: "country",
    KIND_ADMIN1: "first-level subdivision",
    KIND_ADMIN2: "second-level subdivision",
    KIND_CITY: "populated place",
}


@dataclass(frozen=True, slots=True)
class Weights:
    """The scoring weights (log-space). Defaults are general priors, documented in docs/geo.md."""

    country: float = 10.0
    region: float = 6.0
    admin1: float = 7.0
    admin_alias: float = -2.5
    admin2: float = 1.2
    admin2_short: float = -0.25
    city_pop: float = 1.1
    admin2_pop: float = 0.5
    capital: float = 0.7
    alias: float = -0.2
    alternate: float = -3.5
    qualifier_match: float = 8.0
    qualifier_miss: float = -4.0
    dateline_city: float = 2.0
    same_country: float = 3.5
    same_admin1: float = 3.5
    in_admin2: float = 1.4
    contains_others: float = 6.0
    near: float = 2.3
    near_km: float = 500.0
    near_country: float = 2.0
    max_candidates: int = 60
    near_candidates: int = 15
    rounds: int = 3


DEFAULT_WEIGHTS = Weights()

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}"
_DATELINE = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=\n)|(?<=\d{4}\s))\s*"  # also after a byline's date: "April 2, 2024 MILLBROOK --"
    r"(?P<place>[A-Z][A-Z'’.\-]+(?:\s+[A-Z][A-Z'’.\-]+){0,3})"
    r"(?:,\s*(?P<qual>[A-Z][A-Za-z.]+(?:\s+[A-Z][A-Za-z.]+){0,2}))?"
    rf"(?:,?\s*{_MONTH}(?:,\s*\d{{4}})?)?"
    r"\s*(?:\((?P<agency>[A-Za-z .&\-]{1,30})\))?"
    r"\s*(?:--+|—|–|-|:)"
)
_QUALIFIER = re.compile(r"\s*,\s*(?P<q>[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*){0,2})")


@dataclass(slots=True)
class Mention:
    """A place mention to resolve: a span of the text, and what recognition knew about it."""

    start: int
    end: int
    text: str
    source: str = "given"
    key: str = ""
    demonym: bool = False
    dateline: bool = False
    in_org: bool = False
    label: str | None = None
    abbreviation_ok: bool = True

    def __post_init__(self) -> None:
        if not self.key:
            self.key = mention_key(self.text)


@lru_cache(maxsize=100_000)
def mention_key(text: str) -> str:
    """The lookup key of a mention: normalised, without a leading article or a possessive."""
    t = text.strip()
    if t[:4].lower() == "the ":
        t = t[4:]
    if t.endswith(("'s", "’s")):
        t = t[:-2]
    return normalize(t)


def find_dateline(text: str, window: int = 400) -> tuple[int, int, str | None] | None:
    """The place of a dateline ("NAIROBI, March 4 (Reuters) -", "BOONE COUNTY, Mo. (KOMU) -") near the start.

    Returns ``(start, end, qualifier)``; the place is in capitals and followed by a dash, a colon or an
    agency in brackets. Looks at the first paragraph and the sentence after a headline.
    """
    m = _DATELINE.search(text[:window])
    if m is None:
        return None
    place = m.group("place").rstrip(".")
    if len(place) < 3 or not any(ch.isalpha() for ch in place):
        return None
    return m.start("place"), m.start("place") + len(place), m.group("qual")


@dataclass(slots=True)
class _Group:
    """Mentions that share a key: resolved once."""

    key: str
    mentions: list[Mention] = field(default_factory=list)
    candidates: list[Entry] = field(default_factory=list)
    prior: list[float] = field(default_factory=list)
    score: list[float] = field(default_factory=list)
    probs: list[float] = field(default_factory=list)
    qualifiers: list[Entry] = field(default_factory=list)
    dateline: bool = False
    why: list[list[str]] = field(default_factory=list)


def _prior(e: Entry, w: Weights, key: str, *, dateline: bool) -> tuple[float, list[str]]:
    """What the candidate is, before any context: kind, population, how its name matched."""
    why: list[str] = []
    if e.kind == KIND_COUNTRY:
        s = w.country
    elif e.kind == KIND_REGION:
        s = w.region
    elif e.kind == KIND_ADMIN1:
        s = w.admin1 + (w.admin_alias if e.how != HOW_NAME else 0.0)
    elif e.kind == KIND_ADMIN2:
        s = w.admin2 + w.admin2_pop * math.log10(e.population + 10)
        if e.how != HOW_NAME:
            s += w.admin_alias
        elif normalize(e.name) != key:
            s += w.admin2_short  # "Lancaster" is the town before it is Lancaster County
    else:
        s = w.city_pop * math.log10(e.population + 10)
        if e.population:
            why.append(f"population {e.population:,}")
        if e.fcode == "PPLC":
            s += w.capital
            why.append("capital")
        if dateline:
            s += w.dateline_city
            why.append("dateline")
        if e.how == HOW_ALIAS:
            s += w.alias
    if e.how == HOW_ALT:
        s += w.alternate
        why.append("alternate name")
    return s, why


def _in(e: Entry, q: Entry) -> bool:
    """Whether entry ``e`` lies in (or is) the area ``q``."""
    if e.eid == q.eid:
        return True
    if q.kind == KIND_COUNTRY:
        return e.country == q.country and e.kind != KIND_COUNTRY
    if q.kind == KIND_ADMIN1:
        return e.country == q.country and e.admin1 == q.admin1 and e.kind in (KIND_ADMIN2, KIND_CITY)
    if q.kind == KIND_ADMIN2:
        return e.kind == KIND_CITY and (e.country, e.admin1, e.admin2) == (q.country, q.admin1, q.admin2)
    return False


def qualifier_after(gaz: Gazetteer, text: str, end: int) -> tuple[int, int, list[Entry]] | None:
    """The area named right after a mention, as ``(start, end, entries)``.

    "Alexandria, La." -> Louisiana; "Paris, France" -> France; "Austin, Texas." -> Texas without the
    sentence's full stop. An abbreviation counts only in its dotted or capitalised form ("Ky.", "KY").
    """
    m = _QUALIFIER.match(text, end, min(len(text), end + 40))
    if m is None:
        return None
    q = m.group("q")
    words = q.split()
    for n in range(len(words), 0, -1):  # the longest prefix that names a country or a state
        name = " ".join(words[:n])
        found = [
            e
            for e in gaz.lookup(name)
            if e.kind in (KIND_COUNTRY, KIND_ADMIN1)
            and (e.how != HOW_ABBR or words[0][-1:] == "." or q.isupper())
        ]
        if found:
            if name.endswith(".") and not any(e.how == HOW_ABBR for e in found):
                name = name[:-1]
            return m.start("q"), m.start("q") + len(name), found
    return None


def _is_list(candidates: list[Entry], qualifiers: list[Entry]) -> bool:
    """ "Jordan, Syria and Iraq", "Georgia, Alabama": a list of peers, not a place and its area."""
    peer_kinds = {q.kind for q in qualifiers}
    return any(e.kind in peer_kinds and e.how <= HOW_ALIAS for e in candidates if e.kind != KIND_CITY)


def _label(e: Entry, gaz: Gazetteer) -> str:
    where = e.country
    if e.kind in (KIND_CITY, KIND_ADMIN2) and e.admin1:
        a1 = gaz.admin1(e.country, e.admin1)
        where = f"{a1.name}, {e.country}" if a1 else f"{e.admin1}, {e.country}"
    return f"{e.name} ({where})" if where else e.name


def resolve_mentions(
    gaz: Gazetteer,
    text: str,
    mentions: Sequence[Mention],
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    doc_id: str | None = None,
) -> list[Place]:
    """Resolve mentions of one document together; returns one :class:`Place` per mention, in order."""
    w = weights
    groups: dict[str, _Group] = {}
    dl = find_dateline(text)
    for m in mentions:
        g = groups.get(m.key)
        if g is None:
            g = groups[m.key] = _Group(m.key)
        g.mentions.append(m)
        if m.dateline or (dl is not None and m.start == dl[0]):
            g.dateline = True
        after = qualifier_after(gaz, text, m.end)
        if after is not None:
            g.qualifiers.extend(after[2])
    for g in groups.values():
        cands = [
            e
            for e in gaz.lookup_key(g.key)
            if e.how != HOW_ABBR or any(m.abbreviation_ok for m in g.mentions)
        ]
        scored = [(e, *_prior(e, w, g.key, dateline=g.dateline)) for e in cands]
        scored.sort(key=lambda t: -t[1])
        scored = scored[: w.max_candidates]
        g.candidates = [t[0] for t in scored]
        g.prior = [t[1] for t in scored]
        g.why = [list(t[2]) for t in scored]
        if _is_list(g.candidates, g.qualifiers):
            g.qualifiers = []
        for i, e in enumerate(g.candidates):
            if g.qualifiers:
                q = next((q for q in g.qualifiers if _in(e, q)), None)
                if q is not None:
                    g.prior[i] += w.qualifier_match
                    g.why[i].append(f"named with {q.name}")
                else:
                    g.prior[i] += w.qualifier_miss
        g.score = list(g.prior)
        g.probs = _softmax(g.score)

    glist = [g for g in groups.values() if g.candidates]
    for _ in range(w.rounds):
        _context_round(glist, w)

    places: list[Place] = []
    for m in mentions:
        g = groups[m.key]
        places.append(_place(gaz, m, g, doc_id))
    return places


def _softmax(xs: list[float]) -> list[float]:
    if not xs:
        return []
    top = max(xs)
    ex = [math.exp(x - top) for x in xs]
    s = sum(ex)
    return [x / s for x in ex]


def _context_round(groups: list[_Group], w: Weights) -> None:
    """Rescore every group against the others' current readings."""
    # Evidence each group contributes: its probability mass per country / admin1 / admin2, its best point.
    contrib: list[tuple[dict[str, float], dict[tuple[str, str], float], Entry, float]] = []
    tot_cc: dict[str, float] = defaultdict(float)
    tot_a1: dict[tuple[str, str], float] = defaultdict(float)
    total = 0.0
    for g in groups:
        weight = math.sqrt(len(g.mentions))
        cc: dict[str, float] = defaultdict(float)
        a1: dict[tuple[str, str], float] = defaultdict(float)
        for e, p in zip(g.candidates, g.probs, strict=True):
            if e.country and p > 0.01:
                cc[e.country] += p * weight
                if e.admin1 and e.kind != KIND_COUNTRY:
                    a1[(e.country, e.admin1)] += p * weight
        best = max(range(len(g.probs)), key=g.probs.__getitem__)
        contrib.append((cc, a1, g.candidates[best], weight))
        for k, v in cc.items():
            tot_cc[k] += v
        for k2, v in a1.items():
            tot_a1[k2] += v
        total += weight
    for gi, g in enumerate(groups):
        own_cc, own_a1, _, own_w = contrib[gi]
        others = total - own_w
        if others <= 0 or len(g.candidates) == 1:
            continue  # nothing to weigh against, or no choice to make
        pts = [b for j, (_, _, b, _) in enumerate(contrib) if j != gi and b.kind in (KIND_CITY, KIND_ADMIN2)]
        admin2s = {(b.country, b.admin1, b.admin2) for b in pts if b.kind == KIND_ADMIN2}
        rad = [(math.radians(b.lat), math.radians(b.lon)) for b in pts]
        # countries the article names: their neighbours' places gain ("Israel" ... "Gaza")
        lands = [
            (b.country, math.radians(b.lat), math.radians(b.lon))
            for j, (_, _, b, _) in enumerate(contrib)
            if j != gi and b.kind == KIND_COUNTRY and b.lat is not None
        ]
        n_near = min(len(g.prior), w.near_candidates)  # candidates are sorted by prior
        new = []
        for i, e in enumerate(g.candidates):
            s = g.prior[i]
            if e.country:
                share = (tot_cc[e.country] - own_cc.get(e.country, 0.0)) / others
                s += (w.contains_others if e.kind == KIND_COUNTRY else w.same_country) * share
                if e.admin1 and e.kind in (KIND_CITY, KIND_ADMIN2, KIND_ADMIN1):
                    a1key = (e.country, e.admin1)
                    share1 = (tot_a1[a1key] - own_a1.get(a1key, 0.0)) / others
                    s += (w.contains_others if e.kind == KIND_ADMIN1 else w.same_admin1) * share1
            if e.kind == KIND_CITY and admin2s and (e.country, e.admin1, e.admin2) in admin2s:
                s += w.in_admin2
            if w.near_country and lands and i < n_near and e.kind in (KIND_CITY, KIND_ADMIN2, KIND_ADMIN1):
                la, lo = math.radians(e.lat), math.radians(e.lon)
                c = math.cos(la)
                ds = [
                    6371.0 * math.hypot((lo - blo) * c, la - bla) for bc, bla, blo in lands if bc != e.country
                ]
                if ds:
                    s += w.near_country * math.exp(-min(ds) / w.near_km)
            if rad and i < n_near and e.kind in (KIND_CITY, KIND_ADMIN2):
                la, lo = math.radians(e.lat), math.radians(e.lon)
                c = math.cos(la)
                d = 6371.0 * min([math.hypot((lo - blo) * c, la - bla) for bla, blo in rad])
                s += w.near * math.exp(-d / w.near_km)
            new.append(s)
        g.score = new
    for g in groups:
        g.probs = _softmax(g.score)


def _place(gaz: Gazetteer, m: Mention, g: _Group, doc_id: str | None) -> Place:
    if not g.candidates:
        return Place(text=m.text, start=m.start, end=m.end, reason="not in the gazetteer", doc_id=doc_id)
    order = sorted(range(len(g.score)), key=lambda i: -g.score[i])
    best = g.candidates[order[0]]
    reasons = [KIND_NAME[best.kind], *g.why[order[0]]]
    if len(order) == 1:
        reasons.append("the only place of this name")
    ctx = g.score[order[0]] - g.prior[order[0]]
    if ctx > 0.5 and len(order) > 1:
        reasons.append("fits the article's other places")
    if m.demonym:
        reasons.insert(0, f"demonym of {best.name}")
    if len(order) > 1:
        runner = g.candidates[order[1]]
        reasons.append(
            f"over {_label(runner, gaz)} by {g.score[order[0]] - g.score[order[1]]:.1f} "
            f"({len(order)} candidates)"
        )
    return Place(
        text=m.text,
        start=m.start,
        end=m.end,
        geonameid=best.geonameid,
        name=best.name,
        lat=round(best.lat, 5),
        lon=round(best.lon, 5),
        country=gaz.iso3(best.country) if best.country else None,
        admin1=f"{best.country}.{best.admin1}" if best.admin1 else None,
        feature_class=best.fclass,
        feature_code=best.fcode,
        precision=PRECISION[best.kind],
        reason="; ".join(reasons),
        doc_id=doc_id,
    )


__all__ = [
    "DEFAULT_WEIGHTS",
    "HOW_ALIAS",
    "Mention",
    "Weights",
    "find_dateline",
    "mention_key",
    "qualifier_after",
    "resolve_mentions",
]
