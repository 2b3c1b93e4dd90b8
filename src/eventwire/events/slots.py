"""Argument slots: who did it and to whom, read from the parse around a trigger.

A slot names where an argument is (``subj``, ``dobj``, ``dative``, ``prep:with``, ``between``, ``poss``,
``adj``, ``light``, ``loc``, ``none``), and paths go through other phrases (``obj.prep:to``: the "to" phrase
of the object). Subjects follow control, coordination, relative clauses and passives.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..types import Actor
from .syntax import NOUN_POS, children_by_prep, direct_object, has_to, is_dateline, is_passive

if TYPE_CHECKING:
    from spacy.tokens import Token

    from ..actors.resolve import DocumentActors
    from .lexicon import Lexicon, TriggerRule

# The default slots when a trigger row names none (the actor's, then the recipient's; nouns and verbs).
NOUN_ACTOR_DEFAULT = ("poss", "prep:by", "prep:from", "adj", "light", "prep:among")
NOUN_RECIPIENT_DEFAULT = ("prep:to", "prep:with", "prep:against", "prep:on", "between")
VERB_ACTOR_DEFAULT = ("subj",)
VERB_RECIPIENT_DEFAULT = ("dobj", "dative")
# Every slot step a path may take (``obj.prep:to``); ``prep:X`` takes any preposition.
SLOT_STEPS = frozenset(
    {
        "subj",
        "dobj",
        "obj",
        "dative",
        "xcomp",
        "ccomp",
        "between",
        "poss",
        "adj",
        "light",
        "loc",
        "none",
        "authority",
    }
)


def slot_error(slot: str) -> str | None:
    """Why ``slot`` is not a slot path (``None`` when it is one)."""
    for step in slot.split("."):
        if step.startswith("prep:") and len(step) > 5:
            continue
        if step not in SLOT_STEPS:
            known = ", ".join(sorted(SLOT_STEPS))
            return f"unknown slot step {step!r} in {slot!r} (known: {known}, prep:WORD)"
    return None


# The last step of a slot path after which actors inside a non-actor phrase count.
_INNER_STEPS = ("dobj", "obj", "poss")


class Arguments:
    """Reads argument slots in one document (actors come from its :class:`DocumentActors`)."""

    def __init__(self, lexicon: Lexicon, actors: DocumentActors) -> None:
        self.lex = lexicon
        self.actors = actors

    def np_actors(self, head: Token) -> list[Actor]:
        """The actors the noun phrase headed by ``head`` denotes."""
        return self.actors.code_np(head)

    # -- subjects -----------------------------------------------------------------------------------

    def subject_heads(self, v: Token, depth: int = 0) -> list[Token]:
        """The token(s) heading the agent of verb ``v``, following control, coordination and passives."""
        if depth > 6:
            return []
        if is_passive(v):
            return self._passive_agent(v)
        for c in v.children:
            if c.dep_ in ("nsubj", "csubj"):
                if c.lower_ in ("who", "that", "which") and v.dep_ == "relcl":
                    return [v.head]
                # "X and Y signed" is sometimes parsed as two subjects rather than a conjunction; a dateline
                # ("CAIRO, May 2 - Troops moved") is parsed as a subject too, and is not one
                subjects = [s for s in v.children if s.dep_ == c.dep_ and not is_dateline(s)]
                return subjects or [c]
        head = v.head
        if head.i == v.i:
            return []
        return self._inherited_subject(v, head, depth)

    def _passive_agent(self, v: Token) -> list[Token]:
        for c in v.children:
            if c.dep_ == "agent":
                return [p for p in c.children if p.dep_ == "pobj"]
        if any(g.cls in ("INTENT", "REFUSE", "PLAN") for g in self.lex.governors_of(v)):
            # "is opposed to", "is committed to": an adjectival passive names its subject
            return [c for c in v.children if c.dep_ == "nsubjpass"]
        return []  # "a deal was signed": no agent named, and the main clause's subject is not it

    def _inherited_subject(self, v: Token, head: Token, depth: int) -> list[Token]:
        """The subject a verb without one of its own takes from the clause it hangs on."""
        if v.dep_ == "xcomp":
            if head.lemma_.lower() in self.lex.words.object_control_verbs:
                for c in head.children:
                    if c.dep_ in ("dobj",):
                        return [c]
            return self.subject_heads(head, depth + 1)
        if v.dep_ in ("conj", "advcl", "pcomp", "ccomp") and head.pos_ in ("VERB", "AUX"):
            if v.dep_ == "ccomp" and not has_to(v):
                return []
            return self.subject_heads(head, depth + 1)
        if v.dep_ == "pcomp" and head.dep_ == "prep":
            gov = head.head
            if head.lower_ in ("of", "for") and gov.lemma_.lower() in self.lex.words.accusing_verbs:
                # "blamed the army for shelling": the one blamed is the one said to shell
                return [c for c in gov.children if c.dep_ in ("dobj", "nsubjpass")]
            return self.subject_heads(gov, depth + 1)
        if v.dep_ == "acl" and v.tag_ == "VBG":
            if self.np_actors(head) or head.dep_ not in ("dobj", "pobj"):
                return [head]
            # "issued a statement demanding ...": the statement's issuer.
            return self.subject_heads(head.head, depth + 1) if head.head.pos_ in ("VERB", "AUX") else []
        if v.dep_ == "relcl":
            if has_to(v) and not self.np_actors(head):
                # "gathering for a march to protest ...": the marchers are the ones gathering.
                up = head.head.head if head.dep_ == "pobj" else head.head
                return self.subject_heads(up, depth + 1) if up.pos_ in ("VERB", "AUX") else []
            return [head]
        if v.dep_ == "acomp" or (v.dep_ == "xcomp" and head.lemma_ == "be"):
            return self.subject_heads(head, depth + 1)
        return []

    def noun_light_subject(self, noun: Token) -> list[Token]:
        """The subject of the light verb an event noun is the object of ("held talks")."""
        head = noun.head
        if noun.dep_ in ("dobj", "attr") and head.pos_ in ("VERB", "AUX"):
            return self.subject_heads(head)
        return []

    def noun_actor_heads(self, noun: Token) -> list[Token]:
        """The heads of an event noun's actor, by the default noun slots."""
        for slot in NOUN_ACTOR_DEFAULT:
            heads = self.slot_heads(noun, slot)
            if heads:
                return heads
        return []

    # -- slots --------------------------------------------------------------------------------------

    def slot_heads(self, tok: Token, slot: str) -> list[Token]:
        """Heads of the phrases a slot names (``dobj``, ``prep:with``, ``obj.poss``...)."""
        heads = [tok]
        for part in slot.split("."):
            nxt: list[Token] = []
            for h in heads:
                nxt.extend(self._step(h, part))
            heads = nxt
            if not heads:
                break
        return heads

    def _step(self, h: Token, part: str) -> list[Token]:
        if part == "subj":
            return self.noun_light_subject(h) if h.pos_ in NOUN_POS else self.subject_heads(h)
        if part in ("dobj", "obj"):
            obj = direct_object(h)
            return [obj] if obj is not None else []
        if part == "dative":
            return [c for c in h.children if c.dep_ == "dative" and c.pos_ != "ADP"] + [
                p
                for c in h.children
                if c.dep_ == "dative" and c.pos_ == "ADP"
                for p in c.children
                if p.dep_ == "pobj"
            ]
        if part.startswith("prep:"):
            return children_by_prep(h, part[5:])
        if part in ("xcomp", "ccomp"):
            return [c for c in h.children if c.dep_ == part]
        if part == "between":
            return children_by_prep(h, "between") or children_by_prep(h, "among")
        if part == "poss":
            return [c for c in h.children if c.dep_ == "poss"]
        if part == "adj":
            return [c for c in h.children if c.dep_ in ("amod", "compound", "nmod") and c.i < h.i]
        if part == "light":
            return self.noun_light_subject(h)
        if part == "loc":
            return [p for prep in self.lex.words.locative_preps for p in children_by_prep(h, prep)]
        return []  # "none"

    def slot_actors(self, tok: Token, slots: Iterable[str], exclude: Iterable[Actor] = ()) -> list[Actor]:
        """The actors of the first slot that has any (``exclude``: actors already taken)."""
        excluded = {(a.code, a.start) for a in exclude}
        for slot in slots:
            if slot == "none":
                return []
            if slot == "authority":
                continue  # the implicit authorities: read by the coder when the construction names no doer
            if slot == "loc":
                actors = self.loc_actors(tok)
            else:
                actors = []
                last = slot.rsplit(".", 1)[-1]
                for h in self.slot_heads(tok, slot):
                    found = self.np_actors(h)
                    if not found and (last in _INNER_STEPS or last.startswith("prep:")):
                        found = self._inner_actors(h)
                    actors.extend(found)
            unique: list[Actor] = []
            for a in actors:
                if (a.code, a.start) not in excluded and not any(
                    u.code == a.code and u.name == a.name for u in unique
                ):
                    unique.append(a)
            if unique:
                return unique
        return []

    def content_recipients(
        self, c_tok: Token, c_rule: TriggerRule | None, actors: list[Actor]
    ) -> list[Actor]:
        """The recipient of a governor's content event, by the content's own slots."""
        if c_rule is not None:
            slots = c_rule.recipient or (
                VERB_RECIPIENT_DEFAULT if c_rule.pos == "V" else NOUN_RECIPIENT_DEFAULT
            )
            if c_rule.pos == "N" and not c_rule.of_is_actor and "prep:of" not in slots:
                slots = (*slots, "prep:of")
        else:
            slots = ("prep:to", "prep:with", "prep:for", "prep:of", "dative", "dobj")
        return self.slot_actors(c_tok, (*slots, "loc"), exclude=actors)

    def _inner_actors(self, head: Token) -> list[Actor]:
        """Actors inside a non-actor phrase: "talks with the EU", "the army's actions"."""
        out: list[Actor] = []
        for c in head.children:
            if c.dep_ == "poss":
                out.extend(self.np_actors(c))
            elif c.dep_ in ("amod", "compound") and c.i < head.i:
                found = self.np_actors(c)
                out.extend(a for a in found if a.kind in ("country", "igo", "ngo", "org", "group", "person"))
            elif c.dep_ == "prep" and c.lower_ in ("with", "of", "by", "between", "from"):
                for p in c.children:
                    if p.dep_ == "pobj":
                        out.extend(
                            self.np_actors(p)
                            or [a for pp in p.children if pp.dep_ == "poss" for a in self.np_actors(pp)]
                        )
        return out

    # -- places as actors ---------------------------------------------------------------------------

    def loc_actors(self, tok: Token) -> list[Actor]:
        """A recipient named by where the event happened ("built schools in Chad")."""
        anchor = tok
        if tok.pos_ in NOUN_POS and tok.dep_ in ("dobj", "nsubjpass") and tok.head.pos_ == "VERB":
            anchor = tok.head
        for prep in self.lex.words.locative_preps:
            for cand in (tok, anchor):
                for p in children_by_prep(cand, prep):
                    if prep == "on" and p.lemma_.lower() not in ("territory", "soil", "border"):
                        continue
                    found = self.place_actor(p)
                    if found is not None:
                        return [found]
        return []

    def place_actor(self, p: Token) -> Actor | None:
        """The country a place phrase names, as an actor (a country, or a resolved town's country)."""
        actors = self.np_actors(p)
        for a in actors:
            if a.kind == "country" or (a.country and a.kind != "person"):
                return a
        place = self.actors.place_at(p)
        if place is not None and place.country:
            # a town or region the gazetteer resolved ("in Mosul", "near Lyon"): its country
            return Actor(
                text=place.text,
                start=place.start,
                end=place.end,
                name=place.name,
                country=place.country,
                kind="place",
                code=place.country,
                coder=f"geo:{place.geonameid}" if place.geonameid else "geo",
            )
        # "two provinces of Peru": the country inside an of-phrase.
        for c in p.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for q in c.children:
                    if q.dep_ == "pobj":
                        found = self.place_actor(q)
                        if found is not None:
                            return found
        return None
