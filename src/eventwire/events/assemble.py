"""Record assembly: turn the sentence coder's candidates into :class:`~eventwire.types.Event` records.

Every field comes from one source of truth: the CAMEO row of the ontology gives the PLOVER type, mode,
context, quad class and Goldstein score; ``dates`` gives the date; ``attribution`` who said it; the geo stage
where it happened.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from ..actors.resolve import DocumentActors
from ..dates import token_tense
from ..types import Actor, Attribution, Event, Place
from . import relevance
from .attribution import find_attribution
from .coder import SentenceCoder
from .discards import Discards, load_discards
from .lexicon import Lexicon
from .records import Candidate

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from ..config import Config
    from ..dates import DateMention
    from ..knowledge import ConfidenceWeights
    from ..ontology import CameoCode
    from .triggers import OneHopIndex


@dataclass(frozen=True, slots=True)
class DocumentInput:
    """What ``code_doc`` needs besides the parse: the id and publication date, and the stage hooks."""

    doc_id: str
    pub_date: dt.date | None
    actors: DocumentActors
    date_of: Callable[[Token, dt.date | None, Span], DateMention | None] | None = None
    locate: Callable[[int], Place | None] | None = None


@lru_cache(maxsize=1)
def _context_table() -> tuple[tuple[str, frozenset[str], re.Pattern[str] | None], ...]:
    text = (
        resources.files("eventwire").joinpath("data", "lexicon", "contexts.tsv").read_text(encoding="utf-8")
    )
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("context\t"):
            continue
        name, _, words = line.partition("\t")
        singles = frozenset(w for w in words.split("|") if " " not in w)
        phrases = [re.escape(w) for w in words.split("|") if " " in w]
        rows.append((name, singles, re.compile(r"\b(?:" + "|".join(phrases) + r")\b") if phrases else None))
    return tuple(rows)


def sentence_contexts(lemmas: set[str], lower_text: str) -> list[str]:
    """PLOVER contexts named by the sentence's words (data/lexicon/contexts.tsv)."""
    out = []
    for name, singles, phrases in _context_table():
        if lemmas & singles or (phrases is not None and phrases.search(lower_text)):
            out.append(name)
    return out


def _is_title(sent: Span) -> bool:
    """A headline line: no final punctuation, followed by a line break."""
    text = sent.text
    body = text.rstrip()
    return text != body and "\n" in text[len(body) :] and body[-1:] not in ".!?\"”'’"


def _event_id(
    doc_id: str, sent_i: int, start: int, cameo: str, actors: list[Actor], recips: list[Actor]
) -> str:
    key = "|".join(
        [
            doc_id,
            str(sent_i),
            str(start),
            cameo,
            ",".join(a.code or "" for a in actors),
            ",".join(a.code or "" for a in recips),
        ]
    )
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def plover_row(row: CameoCode, modality: str, governed: bool, lexicon: Lexicon) -> tuple[CameoCode, str]:
    """The ontology row that gives an event's PLOVER type, mode and context.

    CAMEO has no modality, so ``cameo`` keeps the action and ``modality`` says it has not (yet) happened.
    PLOVER codes such events by a rule of its own (manual, "Auxiliary modes" and AGREE): future or possible
    cooperation (CONSULT, SUPPORT, COOPERATE, AID) is AGREE, future RETREAT and CONCEDE "are left as they
    are", future or possible material conflict is THREATEN. (An announced retreat, "said it would
    withdraw", is a speech act: CAMEO 0356, AGREE in the mapping.) Events made by a governor ("agreed to
    meet", "threatened to attack") already carry their CAMEO speech-act code and need no rule.
    """
    if governed or modality not in ("future", "hypothetical"):
        return row, ""
    root = row.root
    if root in lexicon.codes.cooperative_roots:
        new = lexicon.transform(row.code, "INTENT")
    elif root in lexicon.codes.conflict_roots:
        new = lexicon.transform(row.code, "THREATEN")
    else:
        return row, ""
    prow = lexicon.ontology.cameo(new)
    if prow.plover_event == row.plover_event:
        return row, ""
    return prow, f"plover-{modality}:{row.code}->{prow.plover_event}({new})"


def _confidence(c: Candidate, modality: str, w: ConfidenceWeights) -> float:
    """How sure the coder is of an event (weights in data/lexicon/confidence.tsv)."""
    score = w.base
    if any(a.country or a.org for a in c.actors):
        score += w.actor_with_country_or_org
    elif c.actors:
        score += w.actor_without
    if c.recipients:
        score += w.recipient
    if c.specific:
        score += w.specific_rule
    if any(a.resolved_from and a.resolved_from.startswith(("pronoun", "context")) for a in c.actors):
        score += w.actor_inferred
    if modality != "asserted":
        score += w.not_asserted
    score -= min(w.depth_cap, w.depth_step * c.depth)
    return round(max(w.floor, min(w.ceiling, score)), 2)


@dataclass(slots=True)
class _Dated:
    """An event's modality and date after its own date words are read."""

    modality: str
    date: dt.date | None
    text: str | None
    rule: str | None


class _Assembler:
    """Assembles the events of one document (remembers the lede's attribution)."""

    def __init__(self, inp: DocumentInput, lexicon: Lexicon, config: Config) -> None:
        self.inp = inp
        self.lex = lexicon
        self.config = config
        self.lede_attr: Attribution | None = None

    def sentence(self, sent_i: int, sent: Span, cands: list[Candidate]) -> list[Event]:
        """The events of one sentence's candidates, without repeats."""
        lemmas = {t.lemma_.lower() for t in sent}
        contexts = sentence_contexts(lemmas, sent.text.lower())
        seen: set[tuple[str, str, str]] = set()
        out: list[Event] = []
        for c in cands:
            event = self._event(c, sent_i, sent, contexts, seen)
            if event is None or event.confidence < self.config.min_confidence:
                continue
            out.append(event)
            self.inp.actors.note_parties(list(event.actor) + list(event.recipient))
        return out

    def _dated(self, c: Candidate, sent: Span) -> _Dated:
        inp = self.inp
        modality = c.modality
        date = inp.pub_date if modality not in ("future", "hypothetical") else None
        dated = _Dated(modality, date, None, "date:publication" if date else None)
        if inp.date_of is None:
            return dated
        # a speech act ("invited X to visit in May") is dated by its own words, not its content's
        mention = inp.date_of(c.anchor if c.speech_act else c.trigger, inp.pub_date, sent)
        if mention is None:
            return dated
        dated = _Dated(modality, mention.date, mention.text, f"date:{mention.rule}")
        if (
            dated.date
            and inp.pub_date
            and dated.date > inp.pub_date
            and modality == "asserted"
            and token_tense(c.anchor) != "past"
        ):
            dated.modality = "future"
        return dated

    def _attribution(self, c: Candidate, sent_i: int, sent: Span, notes: list[str]) -> Attribution | None:
        attribution = find_attribution(c.governor or c.trigger, self.lex, self.inp.actors, sent)
        if attribution is None and self.lede_attr is not None and self.lede_attr.outlet:
            notes.append("attribution:lede")
            return self.lede_attr
        if attribution is not None and sent_i <= 1 and self.lede_attr is None:
            self.lede_attr = attribution
        return attribution

    def _event(
        self, c: Candidate, sent_i: int, sent: Span, sent_contexts: list[str], seen: set[tuple[str, str, str]]
    ) -> Event | None:
        config, inp = self.config, self.inp
        actors = c.actors
        recips = [r for r in c.recipients if not any(r.code and r.code == a.code for a in actors)]
        if not actors and config.require_actor:
            return None
        notes = list(c.coder)
        dated = self._dated(c, sent)
        if config.include_modalities is not None and dated.modality not in config.include_modalities:
            return None
        row = self.lex.ontology.cameo(c.cameo)
        prow, plover_note = plover_row(row, dated.modality, c.speech_act, self.lex)
        if plover_note:
            notes.append(plover_note)
        event_type = prow.plover_event or None
        ptype = self.lex.ontology.plover_types.get(event_type) if event_type else None
        if ptype is not None and ptype.requires_recipient and not recips:
            return None
        key = (row.code, ",".join(a.code or "" for a in actors), ",".join(a.code or "" for a in recips))
        if key in seen:
            return None
        seen.add(key)
        if dated.rule:
            notes.append(dated.rule)
        attribution = self._attribution(c, sent_i, sent, notes)
        contexts = list(row.plover_context)
        contexts += [x for x in sent_contexts if x not in contexts]
        ev_start, ev_end = _evidence(c)
        return Event(
            doc_id=inp.doc_id,
            event_id=_event_id(inp.doc_id, sent_i, c.trigger.idx, row.code, actors, recips),
            sentence_index=sent_i,
            sentence_start=sent.start_char,
            sentence=sent.text,
            event=event_type,
            mode=prow.plover_mode,
            context=tuple(contexts),
            cameo=row.code,
            cameo_root=row.root,
            quad_class=row.quad_class,
            goldstein=row.goldstein,
            modality=dated.modality,
            date=dated.date,
            date_text=dated.text,
            actor=tuple(actors),
            recipient=tuple(recips),
            event_text=inp.actors.text[ev_start:ev_end],
            event_start=ev_start,
            event_end=ev_end,
            attribution=attribution,
            location=inp.locate(c.trigger.i) if inp.locate is not None else None,
            confidence=_confidence(c, dated.modality, self.lex.confidence),
            coder=tuple(notes),
        )


def _evidence(c: Candidate) -> tuple[int, int]:
    """The event's evidence span: its tokens, or only the trigger when they lie far apart."""
    toks = c.tokens
    if toks[-1].i - toks[0].i > 4:
        # "the government will lift the curfew ..., the ministry said": the evidence is the trigger, not
        # everything between it and its governor
        toks = [c.trigger]
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _codable(sent: Span, sent_i: int, n_sents: int, discards: Discards) -> bool:
    """A sentence worth coding: has content words, is no headline, is not discarded."""
    if not any(t.pos_ in ("VERB", "NOUN", "PROPN") for t in sent):
        return False
    if sent_i == 0 and n_sents > 1 and _is_title(sent):
        return False
    return not discards.sentence_discarded(sent.text)


def code_doc(
    doc: Doc,
    inp: DocumentInput,
    lexicon: Lexicon,
    config: Config,
    discards: Discards | None = None,
    index: OneHopIndex | None = None,
) -> list[Event]:
    """Code every sentence of a parsed document; returns events in text order.

    ``discards`` defaults to the built-in list plus ``config.discard_files``; ``index`` (the lexicon's
    one-hop patterns) is built for the document's vocabulary when not given.
    """
    if discards is None:
        discards = load_discards(tuple(config.discard_files))
    if discards.story_discarded(inp.actors.text):
        return []
    coder = SentenceCoder(lexicon, inp.actors, index)
    assembler = _Assembler(inp, lexicon, config)
    events: list[Event] = []
    sents = list(doc.sents)
    for sent_i, sent in enumerate(sents):
        if not _codable(sent, sent_i, len(sents), discards):
            continue
        cands = coder.code(sent)
        if cands:
            events.extend(assembler.sentence(sent_i, sent, cands))
    kept, _dropped = relevance.review(doc, events, inp.pub_date, relevance_settings(lexicon, config))
    return kept


def relevance_settings(lexicon: Lexicon, config: Config) -> relevance.Settings:
    """What the relevance and background checks need from the lexicon, the ontology and ``config``."""
    return relevance.Settings(
        sector_kinds={k: s.kind for k, s in lexicon.ontology.sector_details.items()},
        classes=lexicon.classes,
        news_window_days=config.max_date_lag_days,
        political_only=config.relevance,
        statements=config.statements,
    )
