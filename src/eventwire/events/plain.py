"""Plain triggers: an event verb or an event noun, its actor and recipient from its argument slots.

A verb codes when it reports an act (not a kind of act: "attacking churches is prohibited"); an event noun
codes when the clause reports it as carried out (the object of a light verb, "held talks"; the subject of
an occurrence verb, "clashes erupted"; "took part in the talks") or names its actor itself ("the army's
offensive"). Violence with no named perpetrator gets an unidentified armed actor; accusations fold what is
alleged into their own code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..actors.resolve import actor_code
from ..types import Actor
from . import modality as modality_rules
from .records import Candidate, MergedNoun
from .slots import NOUN_ACTOR_DEFAULT, NOUN_RECIPIENT_DEFAULT, VERB_ACTOR_DEFAULT, VERB_RECIPIENT_DEFAULT
from .syntax import NOUN_POS, children_by_prep, direct_object, is_passive

if TYPE_CHECKING:
    from spacy.tokens import Token

    from .content import ContentReader
    from .lexicon import Lexicon, TriggerRule
    from .slots import Arguments
    from .triggers import TriggerMatcher

# Where a light verb's recipient is when the event noun names none.
_LIGHT_RECIPIENT = ("dative", "prep:to", "prep:for", "prep:with", "prep:against", "prep:on", "dobj")
# Nouns whose "about"/"on"/"of" phrase is what a statement reports.
_REPORT_NOUNS = ("inform", "brief", "information", "report", "news", "statement")
_ABOUT = ("about", "on", "of", "regarding", "concerning")


class TriggerEvents:
    """Codes plain trigger words in one document."""

    def __init__(
        self, lexicon: Lexicon, matcher: TriggerMatcher, args: Arguments, content: ContentReader
    ) -> None:
        self.lex = lexicon
        self.matcher = matcher
        self.args = args
        self.content = content
        self.words = lexicon.words
        self.codes = lexicon.codes

    def triggered(self, tok: Token, consumed: set[int], question: bool) -> Candidate | None:
        """The event ``tok`` triggers by the lexicon, if any."""
        rule = self.matcher.match_rule(tok)
        if rule is None or rule.cameo is None:
            return None
        if rule.pos == "N":
            return self.noun_event(tok, rule, consumed, question)
        return self.verb_event(tok, rule, consumed, question)

    # -- verbs --------------------------------------------------------------------------------------

    def _generic(self, tok: Token) -> bool:
        """A verb that names a kind of act, not an act ("Attacking churches ... is prohibited"), or a
        participle describing an event noun ("attacks targeting the police": the noun is the event)."""
        cur = tok
        while cur.dep_ == "conj" and cur.head.i != cur.i:
            cur = cur.head
        if cur.dep_ in ("csubj", "csubjpass"):
            return True
        if tok.dep_ == "acl" and tok.tag_ == "VBG":
            rule = self.matcher.match_rule(tok.head)
            return rule is not None and rule.pos == "N"
        return False

    def verb_event(
        self, tok: Token, rule: TriggerRule, consumed: set[int], question: bool
    ) -> Candidate | None:
        """An event verb with its arguments."""
        if self._generic(tok):
            return None
        actors = self.args.slot_actors(tok, rule.actor or VERB_ACTOR_DEFAULT)
        code = rule.cameo or ""
        notes = [rule.label]
        # "A car bomb killed five people": the event noun in subject position gives actor and code.
        if tok.lemma_.lower() in self.words.noun_subject_conflict_verbs or not actors:
            merged = self._merge_event_noun(tok)
            if merged is not None:
                consumed.add(merged.noun.i)
                if merged.rule.cameo:
                    code = merged.rule.cameo
                    notes.append(merged.rule.label)
                actors = merged.actors or actors
        recipients = self.args.slot_actors(tok, rule.recipient or VERB_RECIPIENT_DEFAULT, exclude=actors)
        if self._accident(tok):
            return None  # "injured in the accident", "struck by a vehicle": harm, not violence
        if not actors and code[:2] in self.codes.violent_roots and any(r.code for r in recipients):
            actors = self._unidentified(tok, notes)
        elif not actors and code in self.codes.authority_acts and recipients and is_passive(tok):
            actors = self._authorities(tok, code, notes)
        self._consume_verb_content(tok, rule, consumed)
        if self.lex.lemma_of(tok) in self.words.accusation_verbs:
            code = self._accusation(tok, code, notes, consumed)
        mod, mnotes = modality_rules.detect(tok, self.lex, question=question)
        tokens = [tok] + [c for c in tok.children if c.dep_ == "prt"]
        return Candidate(
            trigger=tok,
            cameo=code,
            actors=actors,
            recipients=recipients,
            modality=mod,
            coder=notes + mnotes,
            tokens=sorted(tokens, key=lambda t: t.i),
            specific=bool(rule.constraints),
            rule=rule,
        )

    def _consume_verb_content(self, tok: Token, rule: TriggerRule, consumed: set[int]) -> None:
        """An object the row constrains is part of the event; so is what a permission permits."""
        obj = direct_object(tok)
        if obj is not None and any(c.kind == "obj" for c in rule.constraints):
            consumed.add(obj.i)
        if self.lex.lemma_of(tok) in ("allow", "permit") and any(c.kind == "xcomp" for c in rule.constraints):
            for x in tok.children:
                if x.dep_ == "xcomp":
                    consumed.update(t.i for t in x.subtree)  # the permission is the event

    def _authorities(self, tok: Token, code: str, notes: list[str]) -> list[Actor]:
        """ "X was detained in Peru": the authorities of the place did it (police, courts, government)."""
        place = self.args.loc_actors(tok)
        if not place or not place[0].country:
            return []
        country = place[0].country
        sector = self.codes.authority_acts[code]
        notes.append("actor:implicit-authority")
        return [
            Actor(
                text=tok.text,
                start=tok.idx,
                end=tok.idx + len(tok.text),
                name=f"{place[0].name} authorities",
                country=country,
                sector=sector,
                kind="sector",
                code=actor_code(country, None, sector),
                resolved_from=f"implicit:{place[0].name}",
                coder="actor:implicit-authority",
            )
        ]

    def _accident(self, tok: Token) -> bool:
        """Is a harm verb's cause an accident or a disaster ("killed in a crash", "struck by a car")?"""
        if tok.lemma_.lower() not in self.words.harm_verbs:
            return False
        for prep in ("in", "by", "after", "during", "from"):
            for p in children_by_prep(tok, prep):
                rule = self.matcher.match_rule(p)
                if rule is not None and rule.cameo:
                    continue  # "killed in a car bombing": an attack, whatever its modifiers
                lemma = p.lemma_.lower()
                keys = {lemma} | {f"{c.lower_} {lemma}" for c in p.lefts if c.dep_ in ("compound", "amod")}
                if keys & self.lex.classes.get("ACCIDENT", frozenset()):
                    return True
        return False

    def _unidentified(self, tok: Token, notes: list[str]) -> list[Actor]:
        """Violence with no named perpetrator: an unidentified armed actor where it happened (PLOVER UAF)."""
        anchor = tok
        while anchor.dep_ in ("pobj", "prep") and anchor.head.i != anchor.i:
            anchor = anchor.head
        origin = [
            found
            for p in (*children_by_prep(tok, "from"), *children_by_prep(anchor, "from"))
            if (found := self.args.place_actor(p)) is not None
        ]
        place = origin or self.args.loc_actors(tok) or self.args.loc_actors(anchor)  # "fired at X from Y"
        country = place[0].country if place else None
        notes.append("actor:unidentified")
        return [
            Actor(
                text=tok.text,
                start=tok.idx,
                end=tok.idx + len(tok.text),
                name="unidentified attackers",
                country=country,
                sector="UAF",
                kind="unidentified",
                code=f"{country or '---'}UAF",
                resolved_from="unidentified",
                coder="actor:unidentified",
            )
        ]

    def _accusation(self, tok: Token, code: str, notes: list[str], consumed: set[int]) -> str:
        """What someone is accused of is an allegation, not an event: fold it into the accusation's code.

        "accused the rebels of shelling a village" is 1123 (accuse of aggression), and the shelling is not
        coded as having happened.
        """
        for prep in ("of", "for"):
            for content in children_by_prep(tok, prep):
                found = self.content.event_of(content, depth=0)
                consumed.update(t.i for t in content.subtree)
                if found is None or code != self.codes.accusation:
                    continue
                root = found.code[:2]
                refined = code
                if root in self.codes.aggression_roots:
                    refined = self.codes.accused_of_aggression
                elif root in self.codes.coercion_roots:
                    refined = self.codes.accused_of_coercion
                if refined != code:
                    notes.append(f"accused-of:{found.code}->{refined}")
                    code = refined
        return code

    def _merge_event_noun(self, verb: Token) -> MergedNoun | None:
        cands = [c for c in verb.children if c.dep_ == "nsubj"]
        cands += [
            p
            for c in verb.children
            if c.dep_ == "prep" and c.lower_ in ("in", "during")
            for p in c.children
            if p.dep_ == "pobj"
        ]
        for noun in cands:
            if noun.pos_ not in NOUN_POS:
                continue
            nrule = self.matcher.match_rule(noun)
            if (
                nrule is None
                or nrule.pos != "N"
                or not nrule.cameo
                or nrule.cameo[:2] not in self.codes.conflict_roots
            ):
                continue
            return MergedNoun(noun, nrule, self.args.slot_actors(noun, nrule.actor or NOUN_ACTOR_DEFAULT))
        return None

    # -- nouns --------------------------------------------------------------------------------------

    def _reported_topic(self, noun: Token) -> bool:
        """Is a noun in a PP what a statement or a governor is about?

        "spoke about the minister's planned visit", "the prospect of talks by the parties": such nouns are
        events in their own right when they name their actor.
        """
        prep = noun.head
        if prep.dep_ not in ("prep", "agent"):
            return False
        host = prep.head
        pos = "N" if host.pos_ in NOUN_POS else "A" if host.pos_ == "ADJ" else "V"
        for gov in self.lex.governor(host.lemma_.lower(), pos):
            if f"prep:{prep.lower_}" in gov.content:
                return True
            if gov.cls == "SPEECH" and prep.lower_ in _ABOUT:
                return True
        return host.lemma_.lower() in _REPORT_NOUNS and prep.lower_ in _ABOUT

    def _noun_frame(self, tok: Token, consumed: set[int]) -> tuple[Token, Token | None] | None:
        """Where an event noun sits: the noun carrying its arguments and the light verb reporting it
        (``None`` when the clause does not report the event as carried out)."""
        host = tok
        if tok.dep_ == "compound" and tok.head.lemma_.lower() in self.words.container_nouns:
            host = tok.head  # "launched a mediation effort between X and Y": the effort carries the arguments
            if host.i in consumed:
                return None  # "halted mediation efforts": the verb's rule already coded it
            consumed.add(host.i)
        head = host.head
        dep = host.dep_
        light: Token | None = None
        if dep in ("dobj", "attr") and head.pos_ in ("VERB", "AUX"):
            if self.lex.lemma_of(head) in self.words.light_verbs:
                light = head
            elif self.matcher.match_rule(head) is not None or self.lex.governors_of(head):
                # "condemned the attack by X": a reference inside another event, coded where it is reported
                return None
        elif dep in ("nsubj", "nsubjpass") and head.pos_ in ("VERB", "AUX"):
            hl = self.lex.lemma_of(head)
            if not (hl in self.words.occurrence_verbs or hl in self.words.light_verbs):
                return None
            if hl == "be" and not any(c.dep_ in ("acomp", "attr", "prep") for c in head.children):
                return None
        elif dep == "pobj":
            prep = host.head
            if prep.lower_ == "in" and prep.head.lemma_.lower() in self.words.engage_verbs:
                light = prep.head  # "engaged in looting", "took part in the talks"
            elif prep.lower_ == "for" and prep.head.lemma_.lower() in self.words.motion_verbs:
                light = prep.head  # "delegates arrive in Vienna for talks"
            elif not self._reported_topic(host):
                return None
        elif dep in ("compound", "amod", "poss", "npadvmod", "nmod"):
            return None
        return host, light

    def noun_event(
        self, tok: Token, rule: TriggerRule, consumed: set[int], question: bool
    ) -> Candidate | None:
        """An event noun reported as carried out, with its arguments."""
        frame = self._noun_frame(tok, consumed)
        if frame is None:
            return None
        host, light = frame
        dep = host.dep_
        slots = rule.actor or NOUN_ACTOR_DEFAULT
        if rule.of_is_actor and "prep:of" not in slots:
            slots = (*slots[:2], "prep:of", *slots[2:])
        if rule.of_is_actor and "between" not in slots:
            slots = (*slots, "between")
        actors = self.args.slot_actors(host, slots) or (
            self.args.slot_actors(tok, slots) if host is not tok else []
        )
        explicit = any(self.args.slot_heads(host, s) for s in slots if s not in ("light",))
        if light is None and not explicit and not (dep in ("nsubj", "nsubjpass") and actors):
            return None
        if not actors and light is not None:
            actors = [a for h in self.args.subject_heads(light) for a in self.args.np_actors(h)]
        recipients = self._noun_recipients(host, light, rule, actors)
        if (
            not actors
            and (rule.cameo or "")[:2] in self.codes.violent_roots
            and (recipients or dep in ("nsubj", "nsubjpass"))
        ):
            actors = self._unidentified(host, [])
        mod, mnotes = modality_rules.detect(host, self.lex, question=question)
        if light is not None:
            lmod, lnotes = modality_rules.detect(light, self.lex, question=question)
            if modality_rules.RANK[lmod] > modality_rules.RANK[mod]:
                mod, mnotes = lmod, lnotes
        tokens = sorted({tok} | ({light} if light is not None else set()), key=lambda t: t.i)
        notes = [rule.label] + ([f"light:{light.lemma_}"] if light is not None else [])
        return Candidate(
            trigger=tok,
            cameo=rule.cameo or "",
            actors=actors,
            recipients=recipients,
            modality=mod,
            coder=notes + mnotes,
            tokens=tokens,
            specific=bool(rule.constraints),
            rule=rule,
        )

    def _noun_recipients(
        self, host: Token, light: Token | None, rule: TriggerRule, actors: list[Actor]
    ) -> list[Actor]:
        rslots = rule.recipient or NOUN_RECIPIENT_DEFAULT
        if not rule.of_is_actor and "prep:of" not in rslots:
            rslots = (*rslots, "prep:of")
        recipients = self.args.slot_actors(host, rslots, exclude=actors)
        if not recipients and light is not None:
            recipients = self.args.slot_actors(light, _LIGHT_RECIPIENT, exclude=actors)
        return recipients
