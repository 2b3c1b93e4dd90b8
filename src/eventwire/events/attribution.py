"""Attribution: who the text says reported an event ("..., the Interior Ministry told Reuters").

An event inside the complement of a speech verb ("X said that ...") is attributed to the verb's subject; a
trailing speech clause ("..., officials said") or "according to X" attributes the clause it is attached to.
The outlet is the addressee of "told" when there is one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..types import Attribution

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from ..actors.resolve import DocumentActors
    from .lexicon import Lexicon


def _is_speech(tok: Token, lexicon: Lexicon) -> bool:
    return tok.pos_ in ("VERB", "AUX") and any(
        g.cls == "SPEECH" for g in lexicon.governor(tok.lemma_.lower(), "V")
    )


def _subject(v: Token) -> Token | None:
    for c in v.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            return c
    return None


def _outlet(v: Token) -> Token | None:
    if v.lemma_.lower() not in ("tell", "report"):
        return None
    for c in v.children:
        if c.dep_ in ("dobj", "dative"):
            return c
        if c.dep_ == "prep" and c.lower_ == "to":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    return None


def _phrase(tok: Token) -> tuple[int, int]:
    toks = [t for t in tok.subtree if t.dep_ not in ("punct", "relcl", "acl") or t.i == tok.i]
    left = min(t.idx for t in toks)
    right = max(t.idx + len(t.text) for t in toks)
    return left, right


def _record(verb: Token, speaker: Token, actors: DocumentActors) -> Attribution:
    coded = actors.code_np(speaker, expand_conj=False)
    start, end = _phrase(speaker)
    if coded:
        start, end = coded[0].start, coded[0].end
    outlet_tok = _outlet(verb)
    outlet = None
    if outlet_tok is not None:
        o_start, o_end = _phrase(outlet_tok)
        outlet = actors.text[o_start:o_end]
    return Attribution(
        text=actors.text[start:end], start=start, end=end, source=coded[0] if coded else None, outlet=outlet
    )


def find_attribution(tok: Token, lexicon: Lexicon, actors: DocumentActors, sent: Span) -> Attribution | None:
    """The attribution of the event whose trigger (or governor) is ``tok``, if the text gives one."""
    cur = tok
    clause_root = tok
    for _ in range(12):
        head = cur.head
        if head.i == cur.i:
            break
        if (
            cur.dep_ in ("ccomp", "parataxis", "dobj", "xcomp", "prep")
            and _is_speech(head, lexicon)
            and head.i != tok.i
        ):
            speaker = _subject(head)
            if speaker is not None:
                return _record(head, speaker, actors)
        if cur.dep_ in (
            "conj",
            "xcomp",
            "ccomp",
            "advcl",
            "acl",
            "relcl",
            "pcomp",
            "prep",
            "pobj",
            "dobj",
            "nsubj",
            "nsubjpass",
            "attr",
            "appos",
        ):
            clause_root = head
        cur = head
    # A trailing "..., X said" / "..., X told Y" attached below the event's clause.
    for root in (tok, clause_root):
        for c in root.children:
            if (
                c.dep_ in ("parataxis", "ccomp", "advcl", "conj")
                and _is_speech(c, lexicon)
                and c.i > tok.i
                and not any(g.dep_ == "ccomp" for g in c.children)
            ):
                speaker = _subject(c)
                if speaker is not None:
                    return _record(c, speaker, actors)
    # "according to X"
    for t in sent:
        if t.lower_ == "according" and t.dep_ == "prep":
            for c in t.children:
                if c.lower_ == "to":
                    for p in c.children:
                        if p.dep_ == "pobj":
                            coded = actors.code_np(p, expand_conj=False)
                            start, end = _phrase(p)
                            if coded:
                                start, end = coded[0].start, coded[0].end
                            return Attribution(
                                text=actors.text[start:end],
                                start=start,
                                end=end,
                                source=coded[0] if coded else None,
                            )
    return None
