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
from .records import Candidate, MergedNoun, NounFrame
from .slots import NOUN_ACTOR_DEFAULT, NOUN_RECIPIENT_DEFAULT, VERB_ACTOR_DEFAULT, VERB_RECIPIENT_DEFAULT
from .syntax import (
    NOUN_POS,
    children_by_prep,
    direct_object,
    headline_passive,
    is_person,
    noun_keys,
    passive_without_agent,
)

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
        if cur.dep_ in ("csubj", "csubjpass") and not any(c.dep_ == "nsubj" for c in cur.children):
            return (
                True  # (with a subject of its own it is a headline's clause: "Juvenile arrested in bar had")
            )
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
        code = rule.cameo or ""
        notes = [rule.label]
        headline = self._authority_act(rule, code) and self._headline_passive(tok)
        if rule.pos == "A":
            actors = self._stance_holders(tok)
        elif headline:
            actors = []  # "Councilwoman arrested after incident": the subject is the one arrested
            notes.append("headline-passive")
        else:
            actors = self.args.slot_actors(tok, rule.actor or VERB_ACTOR_DEFAULT)
        # "A car bomb killed five people": the event noun in subject position gives actor and code.
        merge = tok.lemma_.lower() in self.words.noun_subject_conflict_verbs or not actors
        if merge and not self._authority_act(rule, code):  # "charged in the assaults": the charge
            merged = self._merge_event_noun(tok)
            if merged is not None:
                consumed.add(merged.noun.i)
                if merged.rule.cameo:
                    code = merged.rule.cameo
                    notes.append(merged.rule.label)
                actors = merged.actors or actors
        if headline:
            recipients = [a for c in tok.children if c.dep_ == "nsubj" for a in self.args.np_actors(c)]
        else:
            recipients = self.args.slot_actors(tok, rule.recipient or VERB_RECIPIENT_DEFAULT, exclude=actors)
        if self._accident(tok):
            return None  # "injured in the accident", "struck by a vehicle": harm, not violence
        if rule.pos == "A" and not recipients and not self._about_an_act(tok, rule):
            return None  # "worried about flooding": a stance towards no actor and no act
        if not actors and code[:2] in self.codes.violent_roots and any(r.code for r in recipients):
            actors = self._unidentified(tok, notes)
        elif not actors and self._authority_act(rule, code) and (headline or passive_without_agent(tok)):
            actors = self._authorities(tok, code, notes)
        self._consume_verb_content(tok, rule, consumed)
        if self.lex.lemma_of(tok) in self.words.accusation_verbs:
            code = self._accusation(tok, code, notes, consumed)
        mod, mnotes = modality_rules.detect(tok, self.lex, question=question)
        if rule.pos == "A" and mod == "negated":
            code, mod = self._negated_stance(code, mod, notes)
            mnotes = [] if mod != "negated" else mnotes
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

    def _headline_passive(self, tok: Token) -> bool:
        """A headline's passive: a participle with a subject that names a person and no auxiliary or object
        ("Councilwoman arrested after incident"); the tagger may read "arrested" as a past tense."""
        if not headline_passive(tok) and not (
            tok.tag_ == "VBD"
            and not any(c.dep_ in ("aux", "auxpass", "dobj", "ccomp", "xcomp") for c in tok.children)
        ):
            return False
        people = self.lex.classes.get("PEOPLE", frozenset())
        subjects = [c for c in tok.children if c.dep_ == "nsubj"]
        return bool(subjects) and all(
            is_person(s, people)
            and not any(a.sector in self.codes.law_sectors for a in self.args.np_actors(s))
            for s in subjects
        )

    def _about_an_act(self, tok: Token, rule: TriggerRule) -> bool:
        """Is a stance adjective's object an act or a policy ("concerned about the plan", "pleased with the
        ruling"), though it names no actor?"""
        policy = self.lex.classes.get("POLICY", frozenset())
        for slot in rule.recipient:
            for head in self.args.slot_heads(tok, slot):
                if noun_keys(head) & policy:
                    return True
                found = self.matcher.match_rule(head)
                if found is not None and found.cameo and found.pos == "N":
                    return True
        return False

    def _stance_holders(self, tok: Token) -> list[Actor]:
        """Who holds a stance: the subject the adjective is said of ("the mayor was concerned", "the
        mayor, concerned about"), also when the parser reads the participle as a passive ("was
        disappointed by X": X is what disappoints, not who is disappointed)."""
        heads = [c for c in tok.children if c.dep_ == "nsubjpass"]
        if heads:
            return [a for h in heads for a in self.args.np_actors(h)]
        return self.args.slot_actors(tok, VERB_ACTOR_DEFAULT)

    def _consume_verb_content(self, tok: Token, rule: TriggerRule, consumed: set[int]) -> None:
        """An object the row constrains is part of the event; so is what a permission permits."""
        obj = direct_object(tok)
        if obj is not None and any(c.kind == "obj" for c in rule.constraints):
            consumed.add(obj.i)
        if self.lex.lemma_of(tok) in ("allow", "permit") and any(c.kind == "xcomp" for c in rule.constraints):
            for x in tok.children:
                if x.dep_ == "xcomp":
                    consumed.update(t.i for t in x.subtree)  # the permission is the event

    def _authority_act(self, rule: TriggerRule, code: str) -> bool:
        """Is this an act only authorities perform (arrest, charge, sentence, ban), by its code or because
        its row names the implicit authorities as its actor ("released on bail", "a warrant")?"""
        return "authority" in rule.actor or self._authority_sector(code) is not None

    def _authority_sector(self, code: str, lemma: str = "") -> str | None:
        """The sector of the authorities that perform this act (by code, or code and trigger word)."""
        acts = self.codes.authority_acts
        for n in range(len(code), 2, -1):
            if lemma and f"{code[:n]}:{lemma}" in acts:
                return acts[f"{code[:n]}:{lemma}"]
            if code[:n] in acts:
                return acts[code[:n]]
        return None

    def _authorities(self, tok: Token, code: str, notes: list[str], *also: Token) -> list[Actor]:
        """ "X was detained in Peru", "was arrested and charged", "faces charges": an act only authorities
        perform, told without its doer, was done by the authorities (police, courts, government) of the
        place it happened, else of the country the story is from (its home country, else the country
        most of its mentions name)."""
        place: list[Actor] = []
        for t in (tok, *also):
            place = self.args.loc_actors(t)
            if place and place[0].country:
                break
        if place and place[0].country:
            country: str | None = place[0].country
            where, why = place[0].name, f"implicit:{place[0].name}"
        else:
            country = self.args.actors.home_country() or self.args.actors.dominant_country()
            where, why = country or "", "implicit:document-country"
        if not country:
            return []
        sector = self._authority_sector(code, self.lex.lemma_of(tok)) or "GOV"
        notes.append("actor:implicit-authority")
        return [
            Actor(
                text=tok.text,
                start=tok.idx,
                end=tok.idx + len(tok.text),
                name=f"{where} authorities",
                country=country,
                sector=sector,
                kind="sector",
                code=actor_code(country, None, sector),
                resolved_from=why,
                coder="actor:implicit-authority",
            )
        ]

    def _negated_stance(self, code: str, mod: str, notes: list[str]) -> tuple[str, str]:
        """ "was not happy with X" is a stated disapproval, "was not critical of X" a stated approval: a
        negated stance adjective is the opposite stance, asserted."""
        flip = {self.codes.approval: self.codes.disapproval, self.codes.disapproval: self.codes.approval}
        if code not in flip:
            return code, mod
        notes.append(f"negated-stance:{code}->{flip[code]}")
        return flip[code], "asserted"

    def _accident(self, tok: Token) -> bool:
        """Is a harm verb's cause an accident or a disaster ("killed in a crash", "struck by a car", "the
        car struck a pole")?"""
        if tok.lemma_.lower() not in self.words.harm_verbs:
            return False
        accidents = self.lex.classes.get("ACCIDENT", frozenset())
        for subj in self.args.subject_heads(tok):
            if (
                subj.pos_ in NOUN_POS
                and noun_keys(subj) & accidents
                and self.matcher.match_rule(subj) is None
            ):
                return True
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

    def _act_noun(self, tok: Token) -> bool:
        """A noun that reports an act by itself when it names a participant ("Henry's arrest", "charges
        against the mayor", "the investigation into the fire")."""
        return self.lex.lemma_of(tok) in self.words.act_nouns

    @staticmethod
    def _specific(noun: Token) -> bool:
        """A noun that refers to particular acts ("the arrests", "these charges", "13 arrests"), not to a
        kind of act ("work a homicide investigation", "any arrest")."""
        dets = {c.lower_ for c in noun.children if c.dep_ in ("det", "nummod", "poss")}
        if dets & {"any", "every", "each", "no", "a", "an"}:
            return False
        return bool(dets) or noun.tag_ in ("NNS", "NNPS")

    def _names_participant(self, host: Token, rule: TriggerRule) -> bool:
        """Does an act noun name who did it or to whom ("Henry's arrest", "the arrest of X", "charges
        against X", "the investigation into X", "a raid by police")?"""
        slots = (*(rule.actor or NOUN_ACTOR_DEFAULT), *(rule.recipient or NOUN_RECIPIENT_DEFAULT), "poss")
        for slot in slots:
            if slot in ("light", "adj", "loc", "subj", "authority", "none"):
                continue
            if self.args.slot_heads(host, slot):
                return True
        return False

    def _noun_frame(self, tok: Token, rule: TriggerRule, consumed: set[int]) -> NounFrame | None:
        """Where an event noun sits: the noun carrying its arguments and the verb reporting it (``None``
        when the clause does not report the event as carried out)."""
        host = tok
        if tok.dep_ == "compound" and tok.head.lemma_.lower() in self.words.container_nouns:
            host = tok.head  # "launched a mediation effort between X and Y": the effort carries the arguments
            if host.i in consumed:
                return None  # "halted mediation efforts": the verb's rule already coded it
            consumed.add(host.i)
        head = host.head
        dep = host.dep_
        act = self._act_noun(tok)
        if dep in ("compound", "amod", "poss", "npadvmod", "nmod"):
            return None
        if dep in ("dobj", "attr") and head.pos_ in ("VERB", "AUX"):
            hl = self.lex.lemma_of(head)
            if dep == "dobj" and hl in self.words.undergo_verbs:
                # "faces charges", "received a citation", "drew criticism from X": the subject undergoes it
                return NounFrame(host, head, undergo=True)
            if hl in self.words.light_verbs:
                return NounFrame(host, head)
            if self.matcher.match_rule(head) is not None or self.lex.governors_of(head):
                # "condemned the attack by X": a reference inside another event, coded where it is reported
                return None
            if act and dep == "dobj" and self._specific(host):
                return NounFrame(host, None, bare=True)  # "linking the arrests to the protests"
        elif dep in ("nsubj", "nsubjpass") and head.pos_ in ("VERB", "AUX"):
            hl = self.lex.lemma_of(head)
            if dep == "nsubjpass" and hl in self.words.light_verbs:
                return NounFrame(host, head)  # "citations were issued", "no arrests were made"
            if not (hl in self.words.occurrence_verbs or hl in self.words.light_verbs):
                if act and self._specific(host) and not self.lex.governors_of(head):
                    return NounFrame(host, None, bare=True)  # "the investigation led detectives to him"
                return None
            if hl == "be" and not any(c.dep_ in ("acomp", "attr", "prep") for c in head.children):
                return None
        elif dep == "pobj":
            prep = host.head
            verb = prep.head
            vl = verb.lemma_.lower()
            if prep.lower_ == "in" and vl in self.words.engage_verbs:
                return NounFrame(host, verb)  # "engaged in looting", "took part in the talks"
            if prep.lower_ == "for" and vl in self.words.motion_verbs:
                return NounFrame(host, verb)  # "delegates arrive in Vienna for talks"
            on_verb = prep.lower_ == "on" and verb.pos_ == "VERB"
            if (
                act
                and on_verb
                and (self.matcher.match_rule(verb) is not None or not self.lex.governors_of(verb))
            ):
                # "arrested on drug charges", "arraigned on charges", "held on a charge of burglary": the
                # doer is the verb's (told or implicit)
                return NounFrame(host, verb, shared=True)
            if act and prep.lower_ == "under" and self.lex.lemma_of(verb) in self.words.undergo_verbs:
                return NounFrame(host, verb, undergo=True)  # "came under investigation", "is under arrest"
            if act and self._names_participant(host, rule):
                return NounFrame(host, None)  # "led to Henry's arrest", "hours after their arrest"
            if not self._reported_topic(host):
                return None
        return NounFrame(host, None)

    def noun_event(
        self, tok: Token, rule: TriggerRule, consumed: set[int], question: bool
    ) -> Candidate | None:
        """An event noun reported as carried out, with its arguments."""
        frame = self._noun_frame(tok, rule, consumed)
        if frame is None:
            return None
        host, light = frame.host, frame.light
        dep = host.dep_
        slots = rule.actor or NOUN_ACTOR_DEFAULT
        if rule.of_is_actor and "prep:of" not in slots:
            slots = (*slots[:2], "prep:of", *slots[2:])
        if rule.of_is_actor and "between" not in slots:
            slots = (*slots, "between")
        if frame.undergo:
            slots = tuple(s for s in slots if s != "light")
        actors = self.args.slot_actors(host, slots) or (
            self.args.slot_actors(tok, slots) if host is not tok else []
        )
        explicit = any(self.args.slot_heads(host, s) for s in slots if s not in ("light",))
        named = self._act_noun(tok) and self._names_participant(host, rule)
        if (
            light is None
            and not explicit
            and not named
            and not frame.bare
            and not (dep in ("nsubj", "nsubjpass") and actors)
        ):
            return None
        notes = [rule.label]
        if light is None and named and not explicit:
            notes.append("frame:names-participant")
        elif frame.bare and not explicit:
            notes.append("frame:bare")
        if frame.shared and light is not None:
            notes.append(f"frame:shared:{light.lemma_}")
        if frame.undergo and light is not None:
            notes.append(f"undergo:{light.lemma_}")
            actors = actors or self.args.slot_actors(light, ("prep:from", "prep:by"))
            recipients = [
                a for h in self.args.subject_heads(light) for a in self.args.np_actors(h) if a not in actors
            ]
        else:
            if light is not None:
                notes.append(f"light:{light.lemma_}")
            if not actors and light is not None:
                actors = [a for h in self.args.subject_heads(light) for a in self.args.np_actors(h)]
            recipients = self._noun_recipients(host, light, rule, actors)
        code = rule.cameo or ""
        if (
            not actors
            and code[:2] in self.codes.violent_roots
            and (recipients or dep in ("nsubj", "nsubjpass"))
        ):
            actors = self._unidentified(host, [])
        elif not actors and self._authority_act(rule, code) and self._agentless(frame):
            actors = self._authorities(host, code, notes, *([light] if light is not None else []))
        mod, mnotes = modality_rules.detect(host, self.lex, question=question)
        if light is not None:
            lmod, lnotes = modality_rules.detect(light, self.lex, question=question)
            if modality_rules.RANK[lmod] > modality_rules.RANK[mod]:
                mod, mnotes = lmod, lnotes
        tokens = sorted({tok} | ({light} if light is not None else set()), key=lambda t: t.i)
        return Candidate(
            trigger=tok,
            cameo=code,
            actors=actors,
            recipients=recipients,
            modality=mod,
            coder=notes + mnotes,
            tokens=tokens,
            specific=bool(rule.constraints),
            rule=rule,
        )

    def _agentless(self, frame: NounFrame) -> bool:
        """Does the clause leave an act noun's doer untold ("faces charges", "Henry's arrest", "arrested on
        charges" in the passive), rather than name someone we could not code ("the man made arrests")?"""
        light = frame.light
        if light is None or frame.undergo:
            return True
        return passive_without_agent(light) or not self.args.subject_heads(light)

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
