"""Small readings of the dependency parse shared by the coder's rule families (no lexicon, no actors)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

VERB_POS = frozenset({"VERB"})
NOUN_POS = frozenset({"NOUN", "PROPN"})


def direct_object(tok: Token) -> Token | None:
    """The direct object (or passive subject, or the noun a participle modifies)."""
    for c in tok.children:
        if c.dep_ in ("dobj", "nsubjpass"):
            return c
    if tok.dep_ == "conj" and (any(c.dep_ == "auxpass" for c in tok.children) or _bare_passive_conjunct(tok)):
        # a passive conjunct shares the first verb's subject ("were detained and later released", "was
        # arrested and charged")
        for c in tok.head.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                return c
    if tok.dep_ == "acl" and tok.tag_ == "VBN":
        return tok.head
    for c in tok.children:
        if c.dep_ == "attr":
            return c
    return None


def _bare_passive_conjunct(tok: Token) -> bool:
    """A participle coordinated with a passive verb, with no subject, object or auxiliary of its own: it
    is passive too ("was arrested and charged")."""
    return (
        tok.tag_ == "VBN"
        and tok.head.i != tok.i
        and any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.head.children)
        and not any(c.dep_ in ("nsubj", "nsubjpass", "dobj", "aux", "auxpass") for c in tok.children)
    )


def passive_without_agent(v: Token) -> bool:
    """A passive verb (or participle) that names no doer: "was arrested", "Man charged with theft",
    "was arrested and charged" (the conjunct shares the first verb's missing agent)."""
    if any(c.dep_ == "agent" for c in v.children):
        return False
    if is_passive(v):
        return True
    if v.dep_ == "conj" and _bare_passive_conjunct(v):
        return passive_without_agent(v.head)
    return False


def is_person(tok: Token, person_nouns: frozenset[str]) -> bool:
    """Does the noun phrase headed by ``tok`` name a person or people ("the driver", "a 19-year-old
    woman", "Smith", "he")?"""
    if tok.pos_ == "PRON":
        return tok.lower_ in ("he", "she", "him", "her", "they", "them", "i", "me", "we", "us", "who", "whom")
    if tok.ent_type_ == "PERSON":
        return True
    if tok.lemma_.lower() in person_nouns or tok.lower_ in person_nouns:
        return True
    # "one of the suspects", "two of them"
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            return any(p.dep_ == "pobj" and is_person(p, person_nouns) for p in c.children)
    return False


def children_by_prep(tok: Token, prep: str) -> list[Token]:
    """The objects (or clauses) of ``tok``'s prepositional children with this preposition."""
    out: list[Token] = []
    for c in tok.children:
        if c.dep_ in ("prep", "agent") and c.lower_ == prep:
            out.extend(p for p in c.children if p.dep_ in ("pobj", "pcomp"))
    return out


def is_passive(v: Token) -> bool:
    """A passive verb or a passive participle modifying a noun ("Mason charged with theft": a past form
    hanging on a noun is a participle, whatever its tag)."""
    if v.dep_ == "acl" and v.tag_ in ("VBN", "VBD"):
        return True
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in v.children)


def headline_passive(v: Token) -> bool:
    """A participle with a subject, no auxiliary and no object: headlines drop "was" ("Councilwoman
    arrested after incident", "Juvenile arrested in bar had mother's blessing"). Read so only for acts whose
    doer is never the subject of such a clause (acts only authorities perform, :mod:`.plain`)."""
    return (
        v.tag_ == "VBN"
        and v.pos_ == "VERB"
        and any(c.dep_ == "nsubj" for c in v.children)
        and not any(c.dep_ in ("aux", "auxpass", "dobj", "ccomp", "xcomp") for c in v.children)
    )


def is_dateline(tok: Token) -> bool:
    """A dateline word: capitals at the very start of a sentence ("CAIRO, May 2 -")."""
    return tok.text.isupper() and len(tok.text) > 2 and tok.text.isalpha() and tok.i - tok.sent.start <= 2


def is_below(tok: Token, anchors: set[int], steps: int = 4) -> bool:
    """Does one of ``anchors`` govern ``tok`` within ``steps`` heads?"""
    cur = tok
    for _ in range(steps):
        if cur.head.i == cur.i:
            return False
        cur = cur.head
        if cur.i in anchors:
            return True
    return False


def has_to(tok: Token) -> bool:
    """Is ``tok`` an infinitive ("to" among its auxiliaries)?"""
    return any(a.dep_ == "aux" and a.lower_ == "to" for a in tok.children)


def noun_keys(noun: Token, depth: int = 0) -> set[str]:
    """The words a noun phrase can be looked up by: its lemma, its modifiers + lemma, measured things."""
    lemma = noun.lemma_.lower()
    keys = {lemma, noun.lower_}
    for c in noun.lefts:
        if c.dep_ in ("compound", "amod"):
            keys.add(f"{c.lower_} {lemma}")
            keys.add(f"{c.lemma_.lower()} {lemma}")
            if c.dep_ == "compound" and c.pos_ == "NOUN":
                # "border security program": the compound names what the program is.
                keys.add(c.lemma_.lower())
                keys.update(
                    f"{m.lower_} {c.lemma_.lower()}" for m in c.lefts if m.dep_ in ("amod", "compound")
                )
    for c in noun.rights:
        if c.dep_ == "prep" and c.lower_ == "of":
            for p in c.children:
                if p.dep_ == "pobj":
                    # "a shipment of grain", "three of its soldiers": the measured thing counts too.
                    keys.add(f"{lemma} of {p.lemma_.lower()}")
                    keys |= noun_keys(p, depth + 1) if depth < 1 else set()
    return keys


def complement_keys(tok: Token) -> set[str]:
    """The words of a verb's predicative complements ("found him GUILTY", "was found NOT GUILTY", "ruled
    it JUSTIFIED"); a negated complement is keyed "not X" only."""
    keys: set[str] = set()
    for c in tok.children:
        if c.dep_ not in ("acomp", "oprd", "xcomp", "ccomp"):
            continue
        lemma = c.lower_
        if any(n.dep_ == "neg" for n in c.children):
            keys.add(f"not {lemma}")
        else:
            keys.add(lemma)
    return keys


def part_of_speech(tok: Token) -> str | None:
    """V, N or A for the trigger lexicon, mending a verb the tagger took for a noun; None for the rest.

    A predicative adjective or participle ("was concerned about") is A; a participle falls back to its
    verb rows when no adjective row fits (see :meth:`TriggerMatcher.match_rule`)."""
    if predicative(tok):
        return "A"
    if tok.pos_ in VERB_POS:
        return "V"
    if (
        tok.pos_ == "NOUN"
        and tok.dep_ in ("ccomp", "xcomp", "advcl")
        and any(c.dep_ in ("nsubj", "aux", "mark") for c in tok.children)
    ):
        return "V"  # "demanded that the mayor resign": a verb the tagger took for a noun
    if tok.pos_ in NOUN_POS:
        return "N"
    return None


def predicative(tok: Token) -> bool:
    """An adjective (or adjectival participle) said of its subject: "was concerned about", "seemed
    pleased with", "found guilty"."""
    if tok.dep_ not in ("acomp", "oprd"):
        return False
    return tok.pos_ == "ADJ" or (tok.pos_ == "VERB" and tok.tag_ in ("VBN", "JJ"))


def governor_pos(tok: Token) -> str | None:
    """V, A or N for the governor table; None for other parts of speech."""
    if tok.pos_ in ("VERB", "AUX"):
        return "V"
    if tok.pos_ == "ADJ":
        return "A"
    if tok.pos_ in NOUN_POS:
        return "N"
    return None
