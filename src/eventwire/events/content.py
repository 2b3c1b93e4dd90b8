"""What a governor is about: the event its content slots denote ("agreed to MEET", "called for TALKS").

A content phrase is an event when it is a trigger, a light verb with an event noun ("to hold talks"), a
transparent governor passing through ("agreed to begin talks"), or a noun of a word class that stands for
an event ("urged restraint").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .records import Content
from .syntax import NOUN_POS, children_by_prep, direct_object, noun_keys

if TYPE_CHECKING:
    from spacy.tokens import Token

    from .lexicon import Governor, Lexicon
    from .triggers import TriggerMatcher

COMPOSING = frozenset({"APPEAL", "DEMAND", "INTENT", "PLAN", "REFUSE", "THREATEN", "ORDER"})
# Nouns through whose "of"/"for" phrase the content is reached ("the question of a withdrawal").
_TOPIC_NOUNS = ("issue", "question", "matter", "idea", "prospect", "plan", "process")


class ContentReader:
    """Finds the content events of governors in one document."""

    def __init__(self, lexicon: Lexicon, matcher: TriggerMatcher) -> None:
        self.lex = lexicon
        self.matcher = matcher

    def complements(self, tok: Token, gov: Governor) -> list[Token]:
        """The heads of a governor's content slots, whatever they are."""
        out: list[Token] = []
        for slot in gov.content:
            if slot in ("xcomp", "ccomp", "acl"):
                out.extend(c for c in tok.children if c.dep_ == slot)
            elif slot == "dobj":
                obj = direct_object(tok)
                if obj is not None:
                    out.append(obj)
            elif slot.startswith("prep:"):
                out.extend(children_by_prep(tok, slot[5:]))
        if (
            not out
            and gov.pos == "N"
            and tok.dep_ == "dobj"
            and ("ccomp" in gov.content or "acl" in gov.content)
        ):
            # "repeated its demand that the army withdraw": the parser hangs the clause on the verb
            out.extend(c for c in tok.head.children if c.dep_ == "ccomp" and c.i > tok.i)
        return out

    def content(self, tok: Token, gov: Governor, depth: int = 0) -> Content | None:
        """The event a governor is about, by its content slots in order."""
        for slot in gov.content:
            for c in self._slot_candidates(tok, gov, slot):
                found = self.event_of(c, depth=depth)
                if found is not None:
                    return found
        return None

    @staticmethod
    def _slot_candidates(tok: Token, gov: Governor, slot: str) -> list[Token]:
        if slot in ("xcomp", "ccomp", "acl"):
            cands = [c for c in tok.children if c.dep_ == slot and c.pos_ in ("VERB", "AUX", "NOUN")]
            if slot == "acl" and not cands:
                cands = [c for c in tok.children if c.dep_ == "relcl"]
            if not cands and gov.pos == "N" and tok.dep_ == "dobj" and slot in ("ccomp", "acl"):
                cands = [c for c in tok.head.children if c.dep_ == "ccomp" and c.i > tok.i]
            return cands
        if slot == "dobj":
            obj = direct_object(tok)
            return [obj] if obj is not None and obj.pos_ in NOUN_POS | {"VERB"} else []
        if slot.startswith("prep:"):
            cands = children_by_prep(tok, slot[5:])
            # "called for the minister to resign": the infinitive hanging on the object is what is asked for
            cands = [
                v for p in cands for v in p.children if v.dep_ in ("acl", "relcl", "xcomp") and has_to_word(v)
            ] + cands
            # the same parsed as a for-to clause
            cands += [
                v
                for v in tok.children
                if v.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == slot[5:] for m in v.children)
            ]
            return cands
        return []

    def event_of(self, tok: Token, depth: int) -> Content | None:
        """What event a content phrase denotes: a trigger, a light verb + event noun, or a class noun."""
        if depth > 3:
            return None
        rule = self.matcher.match_rule(tok)
        if rule is not None and rule.cameo:
            return Content(tok, rule.cameo, (rule.label,), rule)
        if tok.pos_ in ("VERB", "AUX"):
            found = self._through_verb(tok, depth)
            if found is not None:
                return found
        if tok.pos_ in NOUN_POS:
            return self._through_noun(tok, depth)
        return None

    def _through_verb(self, tok: Token, depth: int) -> Content | None:
        # Transparent governors pass through: "agreed to begin talks", "plans to hold talks".
        for gov in self.lex.governors_of(tok):
            if gov.cls == "TRANSPARENT":
                inner = self.content(tok, gov, depth + 1)
                if inner is not None:
                    return inner
        if self.lex.lemma_of(tok) in self.lex.words.light_verbs:
            obj = direct_object(tok)
            if obj is not None:
                return self.event_of(obj, depth + 1)
        return None

    def _through_noun(self, tok: Token, depth: int) -> Content | None:
        # "rejected a call for talks", "turned down an offer to host the next round": the inner content
        # counts.
        for gov in self.lex.governor(tok.lemma_.lower(), "N"):
            if gov.cls in COMPOSING:
                inner = self.content(tok, gov, depth + 1)
                if inner is not None:
                    return inner
        found = self.lex.content_code(*noun_keys(tok))
        if found is not None:
            code, cls = found
            return Content(tok, code, (f"class:{cls}",))
        # "the release of prisoners", "the prospect of a visit by inspectors"
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("of", "for"):
                for p in c.children:
                    if p.dep_ == "pobj" and depth < 2 and tok.lemma_.lower() in _TOPIC_NOUNS:
                        inner = self.event_of(p, depth + 1)
                        if inner is not None:
                            return inner
        return None


def has_to_word(v: Token) -> bool:
    """Is there a "to" among the token's children (an infinitive hanging on a noun)?"""
    return any(a.lower_ == "to" for a in v.children)
