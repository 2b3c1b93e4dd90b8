"""CAMEO refinement: readings that depend on the whole clause or on the other events of the sentence.

Refusals ("will not attend"), conditional threats ("... unless"), joint fighting, repression of
dissenters; a recipient from inside what the event is about; countries for country-less sector actors;
the other direction of two-way verbs; and events that only describe another one folded into it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..actors.resolve import actor_code
from ..types import Actor
from .syntax import has_to, is_below

if TYPE_CHECKING:
    from spacy.tokens import Token

    from ..actors.resolve import DocumentActors
    from ..knowledge import CodeTables
    from .lexicon import Lexicon
    from .records import Candidate
    from .slots import Arguments

_NOT_PEERS = ("IGO", "NGO", "MNC", "IMG")
# Dependencies and prepositions whose phrases are no recipient of the event.
_NOT_RECIPIENT_DEPS = ("nsubj", "nsubjpass", "csubj", "agent", "punct", "cc", "npadvmod")
_NOT_RECIPIENT_PREPS = ("according", "despite", "after", "before", "since")
_RECIPIENT_DEPS = ("pobj", "dobj", "conj", "appos", "poss", "dative", "nsubj", "compound", "amod")


def refine(c: Candidate, lexicon: Lexicon) -> None:
    """Readings that depend on the whole clause: refusals, conditional threats, repression."""
    verb = next((t for t in c.tokens if t.pos_ in ("VERB", "AUX")), c.anchor)
    root = c.cameo[:2]
    aux = {a.lower_ for a in verb.children if a.dep_ == "aux"}
    codes = lexicon.codes
    if (
        c.governor is None
        and c.modality == "negated"
        and aux & lexicon.aux.commits
        and root in codes.refusable_roots
    ):
        # "X will not attend the talks" is a refusal (a stated decision), not a non-event.
        new = lexicon.transform(c.cameo, "REFUSE")
        c.coder.append(f"refusal:{c.cameo}->{new}")
        c.cameo, c.modality, c.speech_act = new, "asserted", True
    elif c.modality == "future" and c.governor is None and _has_unless(verb):
        # "X will withdraw its force unless Y ...": a conditional promise of action is a threat.
        new = lexicon.transform(c.cameo, "THREATEN")
        c.coder.append(f"conditional-threat:{c.cameo}->{new}")
        c.cameo, c.modality, c.speech_act = new, "asserted", True
    if c.cameo == codes.pessimism and c.recipients:
        # "voiced concern over the council's plan": a pessimistic comment aimed at an actor criticises it
        c.coder.append(f"directed:{c.cameo}->{codes.disapproval}")
        c.cameo = codes.disapproval
    if c.cameo == codes.joint_fighting_from and len({a.country for a in c.actors if a.country}) >= 2:
        c.coder.append(f"joint:{c.cameo}->{codes.joint_fighting}")
        c.cameo = codes.joint_fighting
    if root in codes.force_roots and c.recipients and _repression(c, lexicon):
        c.coder.append(f"repression:{c.cameo}->{codes.repression}")
        c.cameo = codes.repression


def _has_unless(verb: Token) -> bool:
    return any(
        ch.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in ch.children)
        for ch in verb.children
    )


def _repression(c: Candidate, lexicon: Lexicon) -> bool:
    """Police force on civilians, or security forces' force on protesters, is repression."""
    police_on_civilians = any(a.sector == "COP" for a in c.actors) and all(
        r.sector in lexicon.codes.civilian_sectors or r.kind == "people" for r in c.recipients
    )
    forces_on_dissent = any(a.sector in ("COP", "MIL") for a in c.actors) and all(
        any(w in (r.role or r.text).lower() for w in lexicon.words.dissent_stems) for r in c.recipients
    )
    return police_on_civilians or forces_on_dissent


def fill_recipient(c: Candidate, args: Arguments) -> None:
    """Last resort for a missing recipient: the first other actor inside what the event is about.

    "agreed to extend the mandate of the monitoring mission in Sudan", "willing to send equipment to
    help defend Jordan". Subjects, the actors themselves and meetings (often reciprocal, with a place that
    is no party) are left alone; the rule is named in ``coder`` so it can be audited.
    """
    imported = c.rule is not None and not c.rule.source.startswith("triggers.tsv:")
    if (
        c.recipients
        or not c.actors
        or (c.cameo[:2] in args.lex.codes.no_inner_recipient_roots and not imported)
    ):
        # (a user's or PETRARCH's verb rows follow PETRARCH's rule: the first actor after the verb)
        return
    anchor = c.anchor
    skip = _outside_content(anchor, c.trigger)
    spans = [(a.start, a.end) for a in c.actors]
    codes = {a.code for a in c.actors}
    for tok in anchor.subtree:
        if tok.i in skip or tok.i == anchor.i or tok.pos_ not in ("PROPN", "NOUN", "PRON"):
            continue
        if tok.dep_ not in _RECIPIENT_DEPS:
            continue
        if any(s <= tok.idx < e for s, e in spans):
            continue
        found = [
            a
            for a in args.np_actors(tok)
            if (a.code and a.code not in codes and a.kind != "person")
            or (a.kind == "person" and a.code and a.code not in codes)
        ]
        if found:
            c.recipients = found[:1]
            c.coder.append("recipient:subtree")
            return


def _outside_content(anchor: Token, trigger: Token) -> set[int]:
    """Tokens under the event that are not what it is about (subjects, time phrases, earlier clauses)."""
    skip: set[int] = set()
    for t in (anchor, trigger):
        for ch in t.children:
            if (
                ch.dep_ in _NOT_RECIPIENT_DEPS
                or (ch.dep_ == "prep" and ch.lower_ in _NOT_RECIPIENT_PREPS)
                or (ch.dep_ in ("ccomp", "parataxis", "advcl") and ch.i < anchor.i)
            ):
                skip.update(x.i for x in ch.subtree)
    return skip


def _needs_country(a: Actor) -> bool:
    return (
        not a.country
        and not a.org
        and (bool(a.sector) or a.kind == "people")
        and a.kind in ("sector", "people", "person", None)
    )


def fill_countries(c: Candidate, args: Arguments, actors: DocumentActors) -> None:
    """Give country-less sector actors ("rebels", "protesters") the country the event is placed in.

    In order: where the event happened ("in northern Niger"), the other party's country when it is a
    domestic body (police arresting protesters), the document's dominant country. Each fill is marked in
    ``resolved_from`` so a user can tell inferred countries from stated ones.
    """
    if not any(_needs_country(a) for a in (*c.actors, *c.recipients)):
        return
    place = args.loc_actors(c.trigger) or (args.loc_actors(c.anchor) if c.anchor is not c.trigger else [])
    if not place and c.anchor.dep_ in ("advcl", "conj", "xcomp") and c.anchor.head.i != c.anchor.i:
        place = args.loc_actors(c.anchor.head)  # "shelled the city, killing 12 people"
    violent = c.cameo[:2] in args.lex.codes.harm_roots
    c.actors, c.recipients = (
        _filled(c.actors, c.recipients, place, violent, actors, args.lex.codes.authority_sectors),
        _filled(c.recipients, c.actors, place, violent, actors, args.lex.codes.authority_sectors),
    )


def _peer_country(other: list[Actor], authorities: frozenset[str]) -> str | None:
    """The country of a domestic authority among the other party."""
    return next(
        (
            o.country
            for o in other
            if o.country
            and len(o.country) == 3
            and o.country.isalpha()
            and o.country not in _NOT_PEERS
            and o.sector in authorities
        ),
        None,
    )


def _filled(
    group: list[Actor],
    other: list[Actor],
    place: list[Actor],
    violent: bool,
    actors: DocumentActors,
    authorities: frozenset[str],
) -> list[Actor]:
    loc = place[0].country if place else None
    peer = None if violent else _peer_country(other, authorities)
    out = []
    for a in group:
        if _needs_country(a):
            if loc:
                a = _placed(a, loc, f"location:{place[0].name}")
            elif peer:
                a = _placed(a, peer, "peer-country")
            else:
                dom = actors.dominant_country()
                if dom:
                    a = _placed(a, dom, "document-country")
        out.append(a)
    return out


def _placed(a: Actor, country: str, why: str) -> Actor:
    return replace(
        a, country=country, code=actor_code(country, a.org, a.sector), resolved_from=a.resolved_from or why
    )


def mirror(c: Candidate) -> Candidate | None:
    """The other direction of a two-way verb from an imported PETRARCH dictionary.

    A ``%`` (reciprocal) verb is coded both ways with the same code; a ``[a:b]`` verb codes the
    recipient's side with ``b`` ("X met Y": Y also met X).
    """
    rule = c.rule
    if rule is None or not (rule.reciprocal or rule.reverse) or not c.actors or not c.recipients:
        return None
    code = rule.reverse or c.cameo
    return replace(
        c,
        cameo=code,
        actors=list(c.recipients),
        recipients=list(c.actors),
        coder=[*c.coder, f"{'reciprocal' if rule.reciprocal else 'reverse'}:{rule.label}"],
        rule=None,
    )


def absorb(cands: list[Candidate], codes: CodeTables) -> list[Candidate]:
    """Fold events that only describe another one.

    A demand or appeal attached to a protest is the protest's aim ("marched to demand reforms"); a
    coercion given as the purpose of force is what the force was ("fired tear gas to disperse the crowd").
    """
    protest_anchors = {t.i for c in cands if c.cameo[:2] in codes.protest_roots for t in c.tokens}
    keep = [
        c
        for c in cands
        if not (
            c.cameo[:2] in codes.protest_aim_roots
            and protest_anchors
            and not any(t.i in protest_anchors for t in c.tokens)
            and is_below(c.anchor, protest_anchors)
        )
    ]
    # "flew to Paris to meet the president", "summoned the envoy to protest": one event, said twice
    keep = [c for c in keep if not any(_purpose_of(c, o) for o in keep)]
    out: list[Candidate] = []
    for c in keep:
        purposes = [
            p
            for p in keep
            if p is not c
            and p.cameo[:2] in codes.coercion_roots
            and p.anchor.head.i == c.anchor.i
            and p.anchor.dep_ in ("xcomp", "advcl")
        ]
        if c.cameo[:2] in codes.force_roots and purposes:
            continue
        out.append(c)
    return out


def _purpose_of(c: Candidate, o: Candidate) -> bool:
    """Is ``c`` the infinitive purpose of ``o`` with the same root code?"""
    return (
        o is not c
        and o.cameo[:2] == c.cameo[:2]
        and c.anchor.head.i == o.anchor.i
        and c.anchor.dep_ in ("xcomp", "advcl")
        and c.anchor.i > o.anchor.i
        and has_to(c.anchor)
    )
