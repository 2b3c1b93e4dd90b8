"""Is a coded event a political event, and is it news? The last checks before an event is written.

Real news is mostly sentences without a political event: a home-run "blast", a chef who "met" a friend, a
storm that "struck" a town. The trigger lexicon finds the words; these checks ask what a careful coder
asks next, each a rule a reader can follow, each named in the event's ``coder`` notes when it acts:

1. **A political actor on one side** (CAMEO's rule, as PLOVER applies it): a state, its officials and
   agencies, legislatures, courts, police and militaries, parties, armed groups, IGOs and NGOs. Private
   interactions (residents, customers, students, companies among themselves) are not political events.
   Protests are the exception: collective protest by civilians is political in itself.
2. **The document's domain**: a story about sports, entertainment, science or the weather does not make
   events out of its vocabulary unless a state actor acts in them.
3. **Background**: an event dated more than the news window before publication, stated in the perfect
   with "since" ("has fought the group since 2014"), told as habit ("repeatedly", "often") or in the
   perfect of a relative clause ("the coalition that has fought the group") is PLOVER's auxiliary mode
   *historical*, not current news.

The word lists are data (``data/lexicon/classes.tsv``: DOMAIN_* classes, HABITUAL).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..types import Actor, Event

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

#: Sector kinds (``data/ontology/sectors.tsv``) whose actors take part in political life.
POLITICAL_KINDS = frozenset({"state", "armed", "political", "international"})
#: Sectors of the state's own institutions.
STATE_KINDS = frozenset({"state"})
#: Organisation countries that make an organisation political (PLOVER's non-state codes).
POLITICAL_ORG_COUNTRIES = frozenset({"IGO", "NGO", "IMG"})
#: Non-political domains, as ``DOMAIN_<NAME>`` word classes.
DOMAINS = ("SPORTS", "ENTERTAINMENT", "SCIENCE", "WEATHER")
#: Dependencies that lead from an event noun up to the verb of its clause.
NOMINAL_DEPS = frozenset({"dobj", "pobj", "prep", "attr", "nsubj", "nsubjpass", "compound"})
#: CAMEO codes a plain harm verb gets ("killed", "wounded", "attacked"): with no named perpetrator they
#: say nothing about who did it, so an inferred attacker does not make them political.
GENERIC_VIOLENCE = frozenset({"18", "180", "182", "1823", "19", "190"})
#: CAMEO roots that need no political actor: collective protest (14).
PROTEST_ROOTS = frozenset({"14"})


@dataclass(frozen=True, slots=True)
class Settings:
    """What the checks need: sector kinds, word classes and the news window."""

    sector_kinds: Mapping[str, str]
    classes: Mapping[str, frozenset[str]]
    news_window_days: int = 31
    domain_min_words: int = 6
    political_only: bool = True
    statements: bool = False


@dataclass(frozen=True, slots=True)
class Profile:
    """One document's domain: the non-political domain it is about, if one dominates."""

    domain: str | None
    counts: Mapping[str, int]


def profile(doc: Doc, settings: Settings) -> Profile:
    """Count each domain's words in the document; a domain dominates with enough words and over twice the
    political vocabulary (``DOMAIN_POLITICS``)."""
    lemmas = Counter(t.lemma_.lower() for t in doc if t.is_alpha)
    counts = {d: sum(lemmas[w] for w in settings.classes.get(f"DOMAIN_{d}", ())) for d in DOMAINS}
    politics = sum(lemmas[w] for w in settings.classes.get("DOMAIN_POLITICS", ()))
    best = max(counts.items(), key=lambda kv: kv[1]) if counts else None
    domain = None
    if best and best[1] >= settings.domain_min_words and best[1] > 2 * politics:
        domain = best[0]
    return Profile(domain, counts)


#: Words that cannot stand for a political actor on their own, however they were resolved.
NON_REFERRING = frozenset(
    {"this", "that", "these", "those", "which", "what", "anyone", "everyone", "someone", "anybody"}
)


def political(actor: Actor, settings: Settings, cameo: str = "") -> bool:
    """Is the actor a political one: a state or a people standing for it, a political sector, or a
    political organisation (IGO, NGO, armed group)?

    Two kinds of actor are not evidence on their own: an attacker the coder inferred for harm with no named
    perpetrator ("unidentified", for a plain "killed" or "wounded": accidents and crimes read so too), unless
    the act itself is organised violence (a bombing, shelling, an air strike: CAMEO codes finer than the
    generic assault and fighting codes); and a word that refers to nothing ("this", "that").
    """
    if actor.text.lower() in NON_REFERRING:
        return False
    if actor.resolved_from == "unidentified":
        return bool(cameo) and cameo not in GENERIC_VIOLENCE
    if actor.org and (actor.country in POLITICAL_ORG_COUNTRIES or actor.kind in ("igo", "ngo", "group")):
        return True
    if actor.sector:
        return settings.sector_kinds.get(actor.sector) in POLITICAL_KINDS
    return actor.kind in ("country", "people") and bool(actor.country)


def state_actor(actor: Actor, settings: Settings) -> bool:
    """A state or one of its institutions (government, courts, police, military, legislature)."""
    if actor.sector:
        return settings.sector_kinds.get(actor.sector) in STATE_KINDS
    return actor.kind == "country" and bool(actor.country) and not actor.org


def relevant(event: Event, prof: Profile, settings: Settings) -> str | None:
    """``None`` when the event is a political event, else the reason it is not."""
    if event.cameo_root == "01" and not settings.statements:
        return "relevance:statement"  # codes of a user's own dictionary outside PLOVER are kept
    if not settings.political_only:
        return None
    sides = (*event.actor, *event.recipient)
    if event.cameo_root in PROTEST_ROOTS and event.actor:
        return None
    if not any(political(a, settings, event.cameo) for a in sides):
        return "relevance:no-political-actor"
    if prof.domain is not None and not any(state_actor(a, settings) for a in sides):
        return f"relevance:domain:{prof.domain.lower()}"
    return None


def _trigger(doc: Doc, event: Event) -> Token | None:
    span = doc.char_span(event.event_start, event.event_end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    return span.root


def background(event: Event, doc: Doc, pub_date: dt.date | None, settings: Settings) -> str | None:
    """The reason the event is background (``historical``), or ``None`` when it is news."""
    if event.modality not in ("asserted", "reported"):
        return None
    window = dt.timedelta(days=settings.news_window_days)
    if pub_date is not None and event.date is not None and event.date < pub_date - window:
        return "background:date"
    tok = _trigger(doc, event)
    if tok is None:
        return None
    verb = tok
    while verb.dep_ in NOMINAL_DEPS and verb.head.i != verb.i:
        verb = verb.head
    habitual = settings.classes.get("HABITUAL", frozenset())
    perfect = any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children)
    for t in (tok, verb):
        for c in t.children:
            if c.dep_ in ("advmod", "npadvmod") and c.lower_ in habitual:
                return f"background:habitual:{c.lower_}"
            if perfect and c.dep_ == "prep" and c.lower_ == "since":
                return "background:since"  # "has fought the group since 2014": a standing state of affairs
    if perfect and verb.dep_ in ("relcl", "acl"):
        return "background:relative-clause"
    return None


def review(
    doc: Doc, events: Sequence[Event], pub_date: dt.date | None, settings: Settings
) -> tuple[list[Event], list[tuple[Event, str]]]:
    """The events kept (background ones re-labelled ``historical``) and the ones dropped, with reasons."""
    prof = profile(doc, settings)
    kept: list[Event] = []
    dropped: list[tuple[Event, str]] = []
    for ev in events:
        why = relevant(ev, prof, settings)
        if why is not None:
            dropped.append((ev, why))
            continue
        bg = background(ev, doc, pub_date, settings) if settings.political_only else None
        if bg is not None:
            ev = replace(ev, modality="historical", coder=(*ev.coder, bg))
        kept.append(ev)
    return kept, dropped


def sector_kinds(rows: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``{sector code: kind}`` from (code, kind) pairs of the sector table."""
    return dict(rows)
