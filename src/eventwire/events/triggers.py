"""Trigger matching: which row of the trigger lexicon a token is, if any.

Rows for a lemma and part of speech are tried in order; the first whose constraints all hold wins. The
one-hop constraints (``prt=``, ``prep=``, ``xcomp=``: a child with this relation and word) are spaCy
``DependencyMatcher`` patterns, matched once per document; the others read phrases (``obj=``, ``pobj:P=``,
``mod=``, ``comp=``), actors (``subj=@ARMED``, ``subj=@LAW``, ``obj=@PERSON``) or absences (``noobj``,
``nocomp``) and are written out here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..types import Actor
from .slots import NOUN_ACTOR_DEFAULT
from .syntax import complement_keys, direct_object, is_person, noun_keys, part_of_speech

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.vocab import Vocab

    from ..knowledge import CodeTables
    from .lexicon import Constraint, Lexicon, TriggerRule
    from .slots import Arguments

ONE_HOP = ("prt", "prep", "xcomp")
LOWER_LEMMA = "ew_lower_lemma"


def _child_attrs(c: Constraint) -> dict[str, Any]:
    values = sorted(c.values)
    if c.kind == "prt":
        return {"DEP": "prt", "LOWER": {"IN": values}}
    if c.kind == "prep":
        return {"DEP": {"IN": ["prep", "agent"]}, "LOWER": {"IN": values}}
    return {"DEP": "xcomp", "_": {LOWER_LEMMA: {"IN": values}}}


class OneHopIndex:
    """The lexicon's one-hop constraints as one ``DependencyMatcher``, built once per vocabulary."""

    def __init__(self, vocab: Vocab, lexicon: Lexicon) -> None:
        from spacy.matcher import DependencyMatcher
        from spacy.tokens import Token

        if not Token.has_extension(LOWER_LEMMA):
            Token.set_extension(LOWER_LEMMA, getter=lambda t: t.lemma_.lower())
        self.matcher = DependencyMatcher(vocab)
        self.keys: dict[Constraint, int] = {}
        for c in _constraints(lexicon):
            if c.kind not in ONE_HOP or c in self.keys:
                continue
            name = f"{c.kind}={'|'.join(sorted(c.values))}"
            pattern = [
                {"RIGHT_ID": "trigger", "RIGHT_ATTRS": {"POS": {"IN": ["VERB", "NOUN", "PROPN", "ADJ"]}}},
                {"LEFT_ID": "trigger", "REL_OP": ">", "RIGHT_ID": "child", "RIGHT_ATTRS": _child_attrs(c)},
            ]
            self.matcher.add(name, [pattern])
            self.keys[c] = vocab.strings[name]

    def __call__(self, doc: Doc) -> dict[int, set[int]]:
        """For each pattern, the tokens whose children satisfy it."""
        hits: dict[int, set[int]] = {}
        for key, (trigger, _child) in self.matcher(doc):
            hits.setdefault(key, set()).add(trigger)
        return hits


def _constraints(lexicon: Lexicon) -> Iterable[Constraint]:
    for rules in (*lexicon.triggers.values(), *lexicon.multiword.values()):
        for r in rules:
            yield from r.constraints


def actor_class(a: Actor, codes: CodeTables) -> str:
    """ARMED, CIVIL, STATE or OTHER: the actor classes that ``subj=@...`` constraints name."""
    if a.sector in codes.armed_sectors or (a.kind == "group" and a.sector in codes.rebel_sectors):
        return "ARMED"
    if a.sector in codes.civil_sectors or a.kind == "people":
        return "CIVIL"
    if a.kind in ("igo", "country") or a.sector in codes.state_sectors or (a.country and not a.sector):
        return "STATE"
    return "OTHER"


class TriggerMatcher:
    """Matches tokens of one document against the trigger lexicon."""

    def __init__(self, lexicon: Lexicon, args: Arguments, index: OneHopIndex, doc: Doc) -> None:
        self.lex = lexicon
        self.args = args
        self.keys = index.keys
        self.hits = index(doc)

    def match_rule(self, tok: Token) -> TriggerRule | None:
        """The first lexicon row whose lemma, part of speech and constraints fit ``tok``."""
        pos = part_of_speech(tok)
        if pos is None:
            return None
        lemma = self.lex.lemma_of(tok)
        rules: Iterable[TriggerRule] = self.lex.rules(lemma, pos)
        if pos == "A":
            # "seemed concerned about": the adjective's rows, then (a participle) its verb's
            if tok.lower_ != lemma:
                rules = (*self.lex.rules(tok.lower_, "A"), *rules)
            if tok.pos_ == "VERB":
                rules = (*rules, *self.lex.rules(lemma, "V"))
        elif pos == "V" and tok.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in tok.children):
            # "was concerned about", "was disappointed by": the parser reads a passive; a stance first
            rules = (*self.lex.rules(tok.lower_, "A"), *rules)
        if pos == "N" and lemma in self.lex.multiword:
            rules = (*self._multiword(tok), *rules)
        for rule in rules:
            if self._fits(tok, rule):
                return rule
        return None

    def _multiword(self, tok: Token) -> list[TriggerRule]:
        mods = [c.lower_ for c in tok.lefts if c.dep_ in ("compound", "amod")]
        return [r for r in self.lex.multiword[tok.lemma_.lower()] if r.pos == "N" and r.words[-2] in mods]

    def _fits(self, tok: Token, rule: TriggerRule) -> bool:
        return all(self._holds(tok, rule, c) for c in rule.constraints)

    def _holds(self, tok: Token, rule: TriggerRule, c: Constraint) -> bool:
        kind = c.kind
        if kind in ONE_HOP:
            return tok.i in self.hits.get(self.keys[c], ())
        if kind == "obj":
            obj = direct_object(tok)
            if obj is None:
                return False
            if "PERSON" in c.classes and is_person(obj, self.lex.classes.get("PEOPLE", frozenset())):
                return True
            if "ACTOR" in c.classes and self.args.np_actors(obj):
                return True
            return self._in(noun_keys(obj), c.values, c.classes)
        if kind == "comp":
            return bool(complement_keys(tok) & c.values)
        if kind == "noobj":
            return direct_object(tok) is None
        if kind == "nocomp":
            return not any(ch.dep_ in ("xcomp", "ccomp", "oprd") for ch in tok.children)
        if kind == "pobj":
            return any(
                ch.dep_ == "prep"
                and ch.lower_ == c.key
                and any(p.dep_ == "pobj" and self._in(noun_keys(p), c.values, c.classes) for p in ch.children)
                for ch in tok.children
            )
        if kind == "mod":
            return self._modified(tok, rule, c.values)
        if kind == "subj":
            slots = ("subj",) if rule.pos == "V" else NOUN_ACTOR_DEFAULT
            actors = self.args.slot_actors(tok, slots)
            return bool(actors) and any(
                actor_class(a, self.lex.codes) in c.classes
                or ("LAW" in c.classes and a.sector in self.lex.codes.law_sectors)
                for a in actors
            )
        return True

    @staticmethod
    def _modified(tok: Token, rule: TriggerRule, values: frozenset[str]) -> bool:
        """Does a compound/amod modifier of the trigger (nouns) or of its object (verbs) say one of these?"""
        target = tok if rule.pos == "N" else direct_object(tok)
        if target is None:
            return False
        mods = {ch.lemma_.lower() for ch in target.children if ch.dep_ in ("compound", "amod", "nmod")}
        mods |= {ch.lower_ for ch in target.children if ch.dep_ in ("compound", "amod", "nmod")}
        return bool(mods & values)

    def _in(self, keys: set[str], values: frozenset[str], classes: tuple[str, ...]) -> bool:
        if keys & values:
            return True
        for cls in classes:
            if cls in ("ACTOR", "PERSON"):
                continue
            if keys & self.lex.classes.get(cls, frozenset()):
                return True
        return False
