"""Governors and speech acts: events that are about other events.

A governor ("agreed to", "urged ... to", "threatened", "plans to") turns its content event into an appeal,
intent, demand, rejection or threat through the intent table; a plan or an order keeps the content's code.
A report of speech codes too: announcing one's own future action is an intent, claiming one's own violence
a claim of responsibility, reporting an adversary's violence an accusation, saying someone must act a demand.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..types import Actor
from . import modality as modality_rules
from .content import COMPOSING
from .records import Candidate, Content
from .slots import NOUN_ACTOR_DEFAULT
from .syntax import NOUN_POS, VERB_POS

if TYPE_CHECKING:
    from spacy.tokens import Token

    from .content import ContentReader
    from .lexicon import Governor, Lexicon
    from .plain import TriggerEvents
    from .slots import Arguments
    from .triggers import TriggerMatcher

# Governors whose content keeps its own code (no speech act of their own).
KEEPS_CODE = frozenset({"PLAN", "ORDER"})


class GovernedEvents:
    """Codes governors and speech acts in one document."""

    def __init__(
        self,
        lexicon: Lexicon,
        matcher: TriggerMatcher,
        args: Arguments,
        content: ContentReader,
        plain: TriggerEvents,
    ) -> None:
        self.lex = lexicon
        self.matcher = matcher
        self.args = args
        self.content = content
        self.plain = plain

    def _subject_actors(self, tok: Token) -> list[Actor]:
        return [a for h in self.args.subject_heads(tok) for a in self.args.np_actors(h)]

    def governed(self, tok: Token, consumed: set[int], question: bool) -> Candidate | None:
        """The event ``tok`` makes as a governor or a speech act, if any."""
        govs = self.lex.governors_of(tok)
        if (
            tok.pos_ == "VERB"
            and self.lex.lemma_of(tok) in self.lex.words.obligation_verbs
            and not any(g.cls in COMPOSING for g in govs)
        ):
            clause = self._obligation(tok)
            if clause is not None:
                return self._demand_by_speaker(tok, clause, consumed, question)
        specific = self.matcher.match_rule(tok) if tok.pos_ in VERB_POS else None
        fixed = specific is not None and specific.cameo and any(c.kind == "obj" for c in specific.constraints)
        for gov in govs:
            if fixed and gov.cls == "REFUSE":
                # "dismissed the charges", "declined the invitation": a fixed phrase with its own row
                continue
            if gov.cls == "SPEECH":
                said = self._speech_act(tok, consumed, question)
                if said is not None:
                    return said
                continue
            if gov.cls not in COMPOSING:
                continue
            self._consume_complements(tok, gov, consumed)
            content = self.content.content(tok, gov)
            if content is None:
                if gov.own is None or gov.cls == "PLAN":
                    continue
                consumed.update(h.i for h in self.content.complements(tok, gov) if h.pos_ in ("VERB", "AUX"))
                rule_here = self.matcher.match_rule(tok) if tok.pos_ in VERB_POS else None
                if rule_here is not None:
                    return None  # the trigger lexicon has a more specific reading ("refused to comment")
                return self._own(tok, gov, question)
            return self._composed(tok, gov, content, consumed, question)
        return None

    def _consume_complements(self, tok: Token, gov: Governor, consumed: set[int]) -> None:
        for h in self.content.complements(tok, gov):
            if h.i < tok.i:
                continue
            if h.pos_ in NOUN_POS and self.lex.governors_of(h):
                consumed.add(h.i)
            # What is demanded, promised or refused has not happened: nothing in it is coded alone.
            consumed.update(t.i for t in h.subtree if t.i != h.i)

    def _composed(
        self, tok: Token, gov: Governor, content: Content, consumed: set[int], question: bool
    ) -> Candidate | None:
        c_tok = content.token
        if gov.cls == "INTENT" and gov.pos == "V" and self._other_doer(tok, c_tok):
            # "wants the council to act": wanting someone else to act is an appeal to them
            gov = replace(gov, cls="APPEAL", recipient=("dobj", "xcomp.subj", "ccomp.subj"))
        # A plan is no speech act: CAMEO keeps the planned action (modality future); the rest is a
        # stated appeal, intent, demand, refusal or threat with a CAMEO code of its own.
        code = content.code if gov.cls in KEEPS_CODE else self.lex.transform(content.code, gov.cls)
        consumed.add(c_tok.i)
        for t in c_tok.subtree:
            if t.i != c_tok.i and self.matcher.match_rule(t) is None:
                continue
            if t.dep_ in ("dobj", "xcomp", "ccomp") and t.head.i == c_tok.i:
                consumed.add(t.i)
        return self._compose(tok, gov, content, code, question)

    def _compose(
        self, gov_tok: Token, gov: Governor, content: Content, code: str, question: bool
    ) -> Candidate:
        c_tok, c_code, c_rule = content.token, content.code, content.rule
        actors = [a for h in self._governor_actor_heads(gov_tok, gov) for a in self.args.np_actors(h)]
        if not actors and c_tok.pos_ in NOUN_POS:
            actors = self.args.slot_actors(c_tok, NOUN_ACTOR_DEFAULT)
        recipients: list[Actor] = []
        if gov.cls in ("APPEAL", "DEMAND"):
            recipients = self.args.slot_actors(gov_tok, gov.recipient, exclude=actors)
            if not recipients:
                for c in c_tok.children:
                    if c.dep_ in ("nsubj", "nsubjpass"):
                        recipients = [a for a in self.args.np_actors(c) if a not in actors]
        if not recipients:
            recipients = self.args.content_recipients(c_tok, c_rule, actors)
        if not recipients and gov.recipient:
            recipients = self.args.slot_actors(gov_tok, gov.recipient, exclude=actors)
        if gov.cls == "PLAN":
            mod, mnotes = modality_rules.detect(c_tok, self.lex, question=question)
            if mod == "asserted":
                mod, mnotes = "future", [f"modality:future:{gov_tok.text}"]
        else:
            mod, mnotes = modality_rules.detect(gov_tok, self.lex, governed_by=gov_tok, question=question)
        return Candidate(
            trigger=c_tok,
            cameo=code,
            actors=actors,
            recipients=recipients,
            modality=mod,
            coder=[
                f"governor:{gov.source}({gov.lemma} {gov.cls})",
                *content.notes,
                *([f"intent:{c_code}->{code}"] if code != c_code else []),
                *mnotes,
            ],
            tokens=sorted({gov_tok, c_tok}, key=lambda t: t.i),
            governor=gov_tok,
            specific=True,
            speech_act=gov.cls not in KEEPS_CODE,
        )

    def _governor_actor_heads(self, gov_tok: Token, gov: Governor) -> list[Token]:
        if gov.cls == "PLAN":
            return (
                self.args.subject_heads(gov_tok)
                if gov_tok.pos_ != "NOUN"
                else self.args.noun_actor_heads(gov_tok)
            )
        if gov.pos == "N":
            return self.args.noun_actor_heads(gov_tok)
        if gov_tok.pos_ in ("VERB", "AUX"):
            return self.args.subject_heads(gov_tok)
        return self.args.subject_heads(gov_tok.head)

    def _own(self, tok: Token, gov: Governor, question: bool) -> Candidate | None:
        """A governor with no codable content: "urged restraint" is still an appeal (020)."""
        if gov.own is None:
            return None
        if tok.pos_ in NOUN_POS:
            actors = self.args.slot_actors(tok, NOUN_ACTOR_DEFAULT)
        else:
            actors = self._subject_actors(tok)
        recipients = self.args.slot_actors(tok, gov.recipient, exclude=actors)
        if not recipients and not self.content.complements(tok, gov):
            return None  # "called off", "refused" with nothing refused: not an appeal or a rejection
        mod, mnotes = modality_rules.detect(tok, self.lex, question=question)
        return Candidate(
            trigger=tok,
            cameo=gov.own,
            actors=actors,
            recipients=recipients,
            modality=mod,
            coder=[f"governor:{gov.source}({gov.lemma} {gov.cls} own)", *mnotes],
            tokens=[tok],
            governor=tok,
            speech_act=True,
        )

    def _other_doer(self, gov_tok: Token, c_tok: Token) -> bool:
        """Does the content clause name its own doer, other than the governor's subject?"""
        clause = c_tok if c_tok.pos_ in ("VERB", "AUX") else c_tok.head
        own = [c for c in clause.children if c.dep_ == "nsubj" and c.pos_ != "PRON"]
        if not own and any(c.dep_ == "dobj" for c in gov_tok.children) and clause.dep_ == "xcomp":
            own = [c for c in gov_tok.children if c.dep_ == "dobj"]
        if not own:
            return False
        mine = {a.code for a in self._subject_actors(gov_tok)}
        theirs = {a.code for h in own for a in self.args.np_actors(h)}
        return bool(theirs) and not theirs & mine

    # -- speech ---------------------------------------------------------------------------------------

    def _speech_act(self, tok: Token, consumed: set[int], question: bool) -> Candidate | None:
        """What a report of speech itself codes, beyond the events it reports.

        - "X said it would send aid": announcing one's own future action is an expression of intent
          (03x; a refusal, 12x, when negated; a threat for force).
        - "X said its forces attacked Z": claiming one's own violence is a claim of responsibility (015);
          a party reporting an adversary's violence accuses it (112); a plain report of a crime is only a
          report (the violence is coded, attributed to X).
        """
        clause = next((c for c in tok.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")), None)
        if clause is None or clause.i in consumed:
            return None
        speakers = [
            a
            for a in self._subject_actors(tok)
            if (a.country or a.org) and a.sector not in self.lex.codes.media_sectors
        ]
        if not speakers:
            return None
        aux = {a.lower_ for a in clause.children if a.dep_ == "aux"}
        if aux & self.lex.aux.commits and self._speaker_acts(clause, speakers):
            return self._announced(tok, clause, speakers, consumed, question)
        if aux & self.lex.aux.future_tense:
            return None
        return self._reported_violence(tok, clause, speakers, question)

    def _speaker_acts(self, clause: Token, speakers: list[Actor]) -> bool:
        """Is the clause's doer the speaker (no subject, a pronoun, or the speaker named again)?"""
        subj = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
        doers = [a for h in subj for a in self.args.np_actors(h)]
        return (
            not subj
            or any(h.pos_ == "PRON" for h in subj)
            or bool({a.code for a in doers} & {a.code for a in speakers})
        )

    def _announced(
        self, tok: Token, clause: Token, speakers: list[Actor], consumed: set[int], question: bool
    ) -> Candidate:
        """A speaker's own future action: an intent, or a refusal when negated."""
        negated = any(c.dep_ == "neg" for c in clause.children)
        found = self.content.event_of(clause, depth=0)
        if found is None:
            # "said it will dispatch observers", "said she would not sign it": an intent or a refusal of
            # something our lexicon cannot name
            found = Content(clause, self.lex.codes.unnamed_intent, (f"unnamed:{clause.lemma_}",))
        code = self.lex.transform(found.code, "REFUSE" if negated else "INTENT")
        consumed.update(t.i for t in clause.subtree)
        recipients = self.args.content_recipients(found.token, found.rule, speakers)
        mod, mnotes = modality_rules.detect(tok, self.lex, governed_by=tok, question=question)
        return Candidate(
            trigger=found.token,
            cameo=code,
            actors=speakers,
            recipients=recipients,
            modality=mod,
            coder=[
                f"announced:{tok.lemma_}+{'not ' if negated else ''}{clause.lemma_}",
                *found.notes,
                f"intent:{found.code}->{code}",
                *mnotes,
            ],
            tokens=sorted({tok, found.token}, key=lambda t: t.i),
            governor=tok,
            specific=True,
            speech_act=True,
        )

    def _reported_violence(
        self, tok: Token, clause: Token, speakers: list[Actor], question: bool
    ) -> Candidate | None:
        """What reporting violence codes besides the violence itself (attributed to the speaker).

        Claiming one's own violence is a claim of responsibility (015). A party to a conflict that reports
        an adversary's violence accuses it (112): a state, an official body or a monitor reporting an attack
        by another country's forces or by an organised armed group ("Israel said a mortar was fired at it
        from Gaza", "the Observatory said government forces shelled the town"). A plain report is no
        accusation (docs/annotation.md 1.2): police, courts and local officials telling of a crime in their
        own country ("police said the man fired at officers"), or anyone telling of unidentified gunmen at
        home.
        """
        rule = self.matcher.match_rule(clause)
        if rule is None or not rule.cameo or rule.cameo[:2] not in self.lex.codes.violent_roots:
            return None
        if any(c.dep_ == "neg" for c in clause.children):
            return None  # "no one was hurt, police said": nothing to accuse anyone of
        reported = self.plain.triggered(clause, set(), question)
        if reported is None:
            return None
        perpetrators = [a for a in reported.actors if a.code]
        own = bool({a.code for a in perpetrators} & {a.code for a in speakers})
        if not own:
            perpetrators = [p for p in perpetrators if self._adversary(p, speakers)]
            if not perpetrators or any(a.sector in self.lex.codes.law_sectors for a in speakers):
                return None
        mod, mnotes = modality_rules.detect(tok, self.lex, question=question)
        return Candidate(
            trigger=tok,
            cameo=self.lex.codes.claim_of_responsibility if own else self.lex.codes.accusation,
            actors=speakers,
            recipients=[] if own else perpetrators,
            modality=mod,
            coder=[f"{'claims' if own else 'accuses'}:{tok.lemma_}+{clause.lemma_}", *mnotes],
            tokens=[tok],
            governor=tok,
            specific=True,
            speech_act=True,
        )

    def _adversary(self, perpetrator: Actor, speakers: list[Actor]) -> bool:
        """Is a reported perpetrator another party to a conflict: a country's forces or an organised armed
        group (not unidentified attackers or criminals), or any armed actor of another country?"""
        homes = {a.country for a in speakers if a.country}
        if perpetrator.country and homes and perpetrator.country not in homes:
            return True
        if perpetrator.resolved_from == "unidentified" or perpetrator.sector in ("UAF", "CRM"):
            return False
        return perpetrator.kind == "country" or perpetrator.sector in self.lex.codes.armed_sectors

    # -- obligations ----------------------------------------------------------------------------------

    @staticmethod
    def _obligation(speech: Token) -> Token | None:
        """The clause a speaker says someone must do ("said that the council must act"), if any."""
        for c in speech.children:
            if c.dep_ != "ccomp":
                continue
            if any(a.dep_ == "aux" and a.lower_ in ("must", "should") for a in c.children) and not any(
                a.dep_ == "neg" for a in c.children
            ):
                return c
            if (
                c.lemma_.lower() in ("have", "need")
                and c.tag_ in ("VBP", "VBZ", "VB")
                and any(x.dep_ == "xcomp" for x in c.children)
                and not any(x.dep_ == "nsubj" and x.lower_ in ("we", "i", "you") for x in c.children)
            ):
                return next(x for x in c.children if x.dep_ == "xcomp")
        return None

    def _demand_by_speaker(
        self, tok: Token, clause: Token, consumed: set[int], question: bool
    ) -> Candidate | None:
        actors = self._subject_actors(tok)
        consumed.update(t.i for t in clause.subtree)  # what must be done has not happened
        if not actors:
            return None
        addressee = [
            c
            for c in (clause.children if clause.dep_ != "xcomp" else clause.head.children)
            if c.dep_ in ("nsubj", "nsubjpass")
        ]
        recipients = [a for h in addressee for a in self.args.np_actors(h)]
        found = self.content.event_of(clause, depth=0)
        if found is not None:
            c_tok, c_code, c_notes = found.token, found.code, found.notes
            code = self.lex.transform(c_code, "DEMAND")
            consumed.add(c_tok.i)
        else:
            c_tok, c_code, c_notes, code = clause, "", (), self.lex.codes.unnamed_demand
        consumed.add(clause.i)
        mod, mnotes = modality_rules.detect(tok, self.lex, governed_by=tok, question=question)
        notes = [f"obligation:{tok.lemma_}+{clause.lemma_}", *c_notes]
        if c_code:
            notes.append(f"intent:{c_code}->{code}")
        return Candidate(
            trigger=c_tok,
            cameo=code,
            actors=actors,
            recipients=recipients,
            modality=mod,
            coder=notes + mnotes,
            tokens=sorted({tok, c_tok}, key=lambda t: t.i),
            governor=tok,
            specific=True,
            speech_act=True,
        )
