"""Modality and negation: does the text say the event happened, will happen, might, or did not?

The rules read the dependency parse around the trigger (its auxiliaries, negation, markers, the adjectives of
an event noun, and the governors above it: "denied", "failed to", "plans to", "the possibility of"). See
README "Modality" for the value set; the order of precedence is
negated > denied > hypothetical > future > question > reported > asserted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

    from .lexicon import Lexicon

# Dependencies along which the clause above passes its modality down.
CLIMB = frozenset(
    {
        "xcomp",
        "ccomp",
        "conj",
        "advcl",
        "acl",
        "relcl",
        "pcomp",
        "pobj",
        "prep",
        "dobj",
        "nsubj",
        "nsubjpass",
        "attr",
        "oprd",
        "appos",
        "dative",
        "npadvmod",
        "acomp",
    }
)
RANK = {
    "negated": 6,
    "denied": 5,
    "hypothetical": 4,
    "future": 3,
    "question": 2,
    "reported": 1,
    "asserted": 0,
}


def _own_marks(tok: Token, under_speech: bool, lexicon: Lexicon) -> set[str]:
    words, aux = lexicon.words, lexicon.aux
    found: set[str] = set()
    for c in tok.children:
        dep, low = c.dep_, c.lower_
        if (
            dep == "neg"
            or (dep == "advmod" and low in words.negating_adverbs)
            or (dep == "det" and low == "no")
        ):
            found.add("negated")
        elif dep in ("aux", "auxpass"):
            if low in aux.future:
                found.add("future")
            elif low in aux.future_if_reported:
                found.add("future" if under_speech else "hypothetical")
            elif low in aux.hypothetical:
                found.add("hypothetical")
        elif dep == "mark" and low in words.conditional_marks:
            found.add("hypothetical")
        elif dep == "advmod" and low in words.reported_adverbs:
            found.add("reported")
        elif dep in ("amod", "compound"):
            if low in words.future_adjectives:
                found.add("future")
            elif low in words.hypothetical_adjectives:
                found.add("hypothetical")
    # "is to visit", "is going to", "is set to", "is due to" are governors or copulas with "to".
    if (
        tok.dep_ == "xcomp"
        and tok.head.lemma_ == "be"
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
    ):
        found.add("future")
    return found


def _through_content(cur: Token, slots: tuple[str, ...]) -> bool:
    """Does ``cur`` hang on its head through one of a governor's content slots? ("set up" is no "set to")"""
    dep = cur.dep_
    for slot in slots:
        if slot == dep or (slot.startswith("prep:") and dep == "prep" and cur.lower_ == slot[5:]):
            return True
        if slot == "acl" and dep == "relcl":
            return True
    return dep in ("conj",) or (dep == "advcl" and "xcomp" in slots)


def _has_speech_above(tok: Token, lexicon: Lexicon) -> bool:
    cur = tok
    for _ in range(12):
        if cur.head.i == cur.i:
            return False
        if cur.dep_ in ("ccomp", "parataxis") and any(
            g.cls == "SPEECH" for g in lexicon.governor(cur.head.lemma_.lower(), "V")
        ):
            return True
        cur = cur.head
    return False


def detect(
    trigger: Token, lexicon: Lexicon, *, governed_by: Token | None = None, question: bool = False
) -> tuple[str, list[str]]:
    """The modality of the event whose trigger (or composing governor) is ``trigger``, and why.

    ``governed_by`` is a composing governor already accounted for (its own modality is read instead);
    ``question`` says the sentence ends with a question mark.
    """
    start = governed_by if governed_by is not None else trigger
    under_speech = _has_speech_above(start, lexicon)
    marks: dict[str, str] = {
        m: f"modality:{m}:{start.text}" for m in _own_marks(start, under_speech, lexicon)
    }
    cur = start
    for _ in range(10):
        head = cur.head
        if head.i == cur.i or cur.dep_ not in CLIMB:
            break
        pos = "N" if head.pos_ in ("NOUN", "PROPN") else "A" if head.pos_ == "ADJ" else "V"
        govs = [g for g in lexicon.governor(head.lemma_.lower(), pos) if _through_content(cur, g.content)]
        cls = govs[0].cls if govs else None
        if cls == "DENY":
            marks.setdefault("denied", f"modality:denied:{head.text}")
        elif cls == "FAIL":
            marks.setdefault("negated", f"modality:negated:{head.text}")
        elif cls == "HYPO":
            marks.setdefault("hypothetical", f"modality:hypothetical:{head.text}")
        elif cls == "PLAN":
            marks.setdefault("future", f"modality:future:{head.text}")
        head_marks = _own_marks(head, under_speech, lexicon)
        same_clause = (
            cur.dep_ in ("xcomp", "conj", "dobj", "nsubj", "nsubjpass", "attr", "oprd", "acomp")
            or cls == "TRANSPARENT"
        )
        for m in head_marks:
            if m == "negated" and not same_clause:
                continue
            if m in ("future", "hypothetical") and not (
                same_clause or cur.dep_ in ("advcl", "pcomp", "prep", "pobj")
            ):
                continue
            marks.setdefault(m, f"modality:{m}:{head.text}")
        if cls in ("SPEECH", "APPEAL", "DEMAND", "INTENT", "REFUSE", "THREATEN"):
            break
        if cur.dep_ in ("ccomp", "relcl"):
            break
        cur = head
    if question and trigger.dep_ == "ROOT":
        marks.setdefault("question", "modality:question")
    if not marks:
        return "asserted", []
    best = max(marks, key=lambda m: RANK[m])
    return best, [marks[best]]
