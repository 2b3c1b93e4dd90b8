"""The event coder: find triggers in a parsed sentence, their actor and recipient, and code them.

Rules over the dependency parse, driven by the lexicon (``data/lexicon``): a trigger row gives a CAMEO code
and where its arguments are; a governor ("agreed to", "urged ... to", "threatened", "plans to") turns its
content into an appeal, intent, demand, rejection or threat through the intent table. Every candidate keeps
the rules that made it (``coder``), so each code can be explained.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..actors.resolve import DocumentActors, actor_code
from ..types import Actor
from . import modality as modality_rules
from .lexicon import Governor, Lexicon, TriggerRule

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

VERB_POS = frozenset({"VERB"})
NOUN_POS = frozenset({"NOUN", "PROPN"})
COMPOSING = frozenset({"APPEAL", "DEMAND", "INTENT", "PLAN", "REFUSE", "THREATEN", "ORDER"})
# Governors whose content keeps its own code (no speech act of their own).
KEEPS_CODE = frozenset({"PLAN", "ORDER"})
# Verbs that state an obligation in a "that"-clause ("concluded that the US must allocate ...").
OBLIGATION_VERBS = frozenset(
    {
        "conclude",
        "insist",
        "argue",
        "believe",
        "think",
        "feel",
        "remind",
        "rule",
        "write",
        "declare",
        "state",
        "stress",
        "emphasize",
        "emphasise",
        "reiterate",
        "say",
        "tell",
        "add",
        "note",
        "warn",
        "maintain",
    }
)
# Verbs whose event-noun object they only report as carried out ("held talks", "launched an attack").
LIGHT_VERBS = frozenset(
    {
        "hold",
        "have",
        "conduct",
        "carry",
        "launch",
        "stage",
        "mount",
        "make",
        "pay",
        "begin",
        "start",
        "continue",
        "resume",
        "open",
        "lead",
        "organize",
        "organise",
        "join",
        "attend",
        "impose",
        "declare",
        "provide",
        "give",
        "extend",
        "send",
        "deliver",
        "issue",
        "file",
        "lodge",
        "take",
        "unleash",
        "wage",
        "intensify",
        "step",
        "escalate",
        "perform",
        "undertake",
        "initiate",
        "execute",
        "commit",
        "orchestrate",
        "deploy",
        "announce",
        "go",
        "call",
        "convene",
        "host",
        "complete",
        "order",
        "approve",
        "sign",
        "slap",
        "level",
        "express",
        "voice",
        "grant",
        "offer",
        "receive",
        "allocate",
        "donate",
        "pledge",
        "renew",
        "repeat",
        "reiterate",
    }
)
# Verbs of which an event noun is the subject when the event is reported to have occurred.
OCCURRENCE_VERBS = frozenset(
    {
        "take",
        "happen",
        "occur",
        "begin",
        "start",
        "continue",
        "resume",
        "end",
        "erupt",
        "break",
        "kill",
        "wound",
        "injure",
        "hit",
        "target",
        "damage",
        "destroy",
        "leave",
        "claim",
        "come",
        "go",
        "rock",
        "shake",
        "focus",
        "center",
        "centre",
        "concentrate",
        "cover",
        "last",
        "conclude",
        "open",
        "close",
        "follow",
    }
)
# Verbs whose "of"/"for" phrase is an allegation folded into the accusation.
ACCUSATION_VERBS = frozenset({"accuse", "blame", "charge", "suspect", "fault"})
ACCUSING = frozenset(
    {
        "accuse",
        "blame",
        "charge",
        "suspect",
        "convict",
        "condemn",
        "criticize",
        "criticise",
        "praise",
        "thank",
        "congratulate",
        "punish",
        "sanction",
        "fault",
    }
)
OBJECT_CONTROL = frozenset(
    {
        "urge",
        "ask",
        "call",
        "encourage",
        "press",
        "implore",
        "beg",
        "exhort",
        "invite",
        "order",
        "force",
        "help",
        "allow",
        "permit",
        "persuade",
        "require",
        "tell",
        "warn",
        "advise",
        "instruct",
        "direct",
        "request",
    }
)
ARMED_SECTORS = frozenset({"MIL", "REB", "INS", "UAF", "COP", "SPY", "PAR", "SEP", "MIL-REB"})
CIVIL_SECTORS = frozenset(
    {
        "CVL",
        "OPP",
        "LAB",
        "EDU",
        "HLH",
        "MED",
        "JRN",
        "REL",
        "REF",
        "BUS",
        "AGR",
        "ELI",
        "NGO",
        "ENV",
        "HRI",
        "MOD",
        "RAD",
        "CRM",
    }
)
STATE_SECTORS = frozenset({"GOV", "LEG", "JUD", "ELI", "MIL", "COP", "SPY"})
DOMESTIC_SECTORS = frozenset(
    {
        "GOV",
        "COP",
        "MIL",
        "JUD",
        "LEG",
        "OPP",
        "CVL",
        "REB",
        "EDU",
        "LAB",
        "MED",
        "JRN",
        "BUS",
        "REL",
        "HLH",
        "ELI",
        "SPY",
        "UAF",
    }
)
# Event roots whose missing recipient is not looked for inside the clause (meetings are often reciprocal and
# name a venue; violence and protest name their targets in fixed places).
SUBTREE_RECIPIENT_EXCLUDED = ("01", "04", "09", "14", "15", "18", "19", "20")
# Recipients whose words say they are dissenters: force used on them by security forces is repression.
DISSENT_WORDS = ("protest", "demonstrat", "riot", "activist", "dissident", "marcher", "striker", "opposition")
AUTHORITY_SECTORS = frozenset({"GOV", "COP", "JUD", "LEG", "MIL"})
LOC_PREPS = ("in", "at", "near", "inside", "across", "throughout", "within", "into", "outside", "on")
NOUN_ACTOR_DEFAULT = ("poss", "prep:by", "prep:from", "adj", "light", "prep:among")
NOUN_RECIPIENT_DEFAULT = ("prep:to", "prep:with", "prep:against", "prep:on", "between")
VERB_ACTOR_DEFAULT = ("subj",)
VERB_RECIPIENT_DEFAULT = ("dobj", "dative")
# Nouns that package an event named by their compound ("a mediation mission", "a bombing campaign").
CONTAINER_NOUNS = frozenset(
    {
        "effort",
        "mission",
        "campaign",
        "operation",
        "process",
        "initiative",
        "drive",
        "bid",
        "round",
        "programme",
        "program",
        "attempt",
        "exercise",
        "action",
        "plan",
        "talk",
    }
)
MOTION_VERBS = frozenset(
    {"return", "travel", "arrive", "go", "head", "fly", "come", "gather", "meet", "converge", "leave", "set"}
)
ENGAGE_VERBS = frozenset(
    {"engage", "involve", "participate", "take", "join", "partake", "persist", "continue"}
)
VIOLENT_ROOTS = ("18", "19", "20")
HARM_VERBS = frozenset({"kill", "injure", "wound", "hurt", "strike", "hit", "die"})
# Acts only authorities perform: a passive report of one names its doer by the place ("arrested in Lebanon").
AUTHORITY_ACTS = {
    "173": "COP",
    "174": "GOV",
    "172": "GOV",
    "1721": "GOV",
    "1722": "GOV",
    "1723": "GOV",
    "1724": "GOV",
    "116": "JUD",
    "175": "COP",
}
CONFLICT_VERBS_TAKING_NOUN_SUBJECT = frozenset(
    {"kill", "wound", "injure", "hit", "target", "damage", "destroy", "leave", "claim", "strike", "rock"}
)


@dataclass
class Candidate:
    """An event found in a sentence, before it becomes an :class:`~eventwire.types.Event`."""

    trigger: Token
    cameo: str
    actors: list[Actor]
    recipients: list[Actor]
    modality: str
    coder: list[str]
    tokens: list[Token]
    governor: Token | None = None
    attribution_head: Token | None = None
    outlet_head: Token | None = None
    specific: bool = False
    notes: list[str] = field(default_factory=list)
    speech_act: bool = False
    rule: TriggerRule | None = None

    @property
    def anchor(self) -> Token:
        """The token that carries the event in the clause (the governor when there is one)."""
        return self.governor if self.governor is not None else self.trigger

    @property
    def depth(self) -> int:
        """How deep the event sits below the sentence root (main-clause events are what it reports)."""
        tok, n = self.anchor, 0
        while tok.head.i != tok.i and n < 12:
            tok, n = tok.head, n + 1
        return n


class SentenceCoder:
    """Codes the sentences of one document (holds the document's actor memory)."""

    def __init__(self, lexicon: Lexicon, actors: DocumentActors) -> None:
        self.lex = lexicon
        self.actors = actors
        self.question = False

    # -- entry point ------------------------------------------------------------------------------

    def code(self, sent: Span) -> list[Candidate]:
        consumed: set[int] = set()
        self.question = sent.text.rstrip().endswith("?")
        out: list[Candidate] = []
        for tok in sent:
            if tok.i in consumed:
                continue
            cand = self._governed(tok, consumed)
            if cand is None:
                cand = self._triggered(tok, consumed)
            if cand is not None:
                out.append(cand)
        out = [
            c
            for c in out
            if (c.governor.i not in consumed if c.governor is not None else c.trigger.i not in consumed)
        ]
        for c in out:
            self._refine(c)
            self._fill_recipient(c)
            self._fill_countries(c)
        out += [m for c in out if (m := self._mirror(c)) is not None]
        return self._absorb(out)

    @staticmethod
    def _mirror(c: Candidate) -> Candidate | None:
        """The other direction of a two-way verb from an imported PETRARCH dictionary.

        A ``%`` (reciprocal) verb is coded both ways with the same code; a ``[a:b]`` verb codes the
        recipient's side with ``b`` ("X met Y": Y also met X).
        """
        rule = c.rule
        if rule is None or not (rule.reciprocal or rule.reverse) or not c.actors or not c.recipients:
            return None
        code = rule.reverse or c.cameo
        return replace(
            c,
            cameo=code,
            actors=list(c.recipients),
            recipients=list(c.actors),
            coder=[*c.coder, f"{'reciprocal' if rule.reciprocal else 'reverse'}:{rule.label}"],
            rule=None,
        )

    def _fill_recipient(self, c: Candidate) -> None:
        """Last resort for a missing recipient: the first other actor inside what the event is about.

        "agreed to a six-month extension of the mandate for the peacekeeping force in Lebanon",
        "willing to send material to help defend Saudi Arabia". Subjects, the actors themselves and
        meetings (often reciprocal, with a place that is no party) are left alone; the rule is named in
        ``coder`` so it can be audited.
        """
        imported = c.rule is not None and not c.rule.source.startswith("triggers.tsv:")
        if c.recipients or not c.actors or (c.cameo[:2] in SUBTREE_RECIPIENT_EXCLUDED and not imported):
            # (a user's or PETRARCH's verb rows follow PETRARCH's rule: the first actor after the verb)
            return
        anchor = c.anchor
        skip: set[int] = set()
        for t in (anchor, c.trigger):
            for ch in t.children:
                if (
                    ch.dep_ in ("nsubj", "nsubjpass", "csubj", "agent", "punct", "cc", "npadvmod")
                    or (
                        ch.dep_ == "prep"
                        and ch.lower_ in ("according", "despite", "after", "before", "since")
                    )
                    or (ch.dep_ in ("ccomp", "parataxis", "advcl") and ch.i < anchor.i)
                ):
                    skip.update(x.i for x in ch.subtree)
        spans = [(a.start, a.end) for a in c.actors]
        codes = {a.code for a in c.actors}
        for tok in anchor.subtree:
            if tok.i in skip or tok.i == anchor.i or tok.pos_ not in ("PROPN", "NOUN", "PRON"):
                continue
            if tok.dep_ not in (
                "pobj",
                "dobj",
                "conj",
                "appos",
                "poss",
                "dative",
                "nsubj",
                "compound",
                "amod",
            ):
                continue
            if any(s <= tok.idx < e for s, e in spans):
                continue
            found = [
                a
                for a in self._np_actors(tok)
                if (a.code and a.code not in codes and a.kind != "person")
                or (a.kind == "person" and a.code and a.code not in codes)
            ]
            if found:
                c.recipients = found[:1]
                c.coder.append("recipient:subtree")
                return

    def _fill_countries(self, c: Candidate) -> None:
        """Give country-less sector actors ("rebels", "protesters") the country the event is placed in.

        In order: where the event happened ("in northern Mali"), the other party's country when it is a
        domestic body (police arresting protesters), the document's dominant country. Each fill is marked in
        ``resolved_from`` so a user can tell inferred countries from stated ones.
        """

        def needs(a: Actor) -> bool:
            return (
                not a.country
                and not a.org
                and (bool(a.sector) or a.kind == "people")
                and a.kind in ("sector", "people", "person", None)
            )

        if not any(needs(a) for a in (*c.actors, *c.recipients)):
            return
        place = self._loc_actors(c.trigger) or (
            self._loc_actors(c.anchor) if c.anchor is not c.trigger else []
        )
        if not place and c.anchor.dep_ in ("advcl", "conj", "xcomp") and c.anchor.head.i != c.anchor.i:
            place = self._loc_actors(c.anchor.head)  # "launched an attack on Kyiv, killing 12 people"
        loc = place[0].country if place else None
        violent = c.cameo[:2] in ("15", "18", "19", "20")

        def fill(group: list[Actor], other: list[Actor]) -> list[Actor]:
            out = []
            peer = (
                None
                if violent
                else next(
                    (
                        o.country
                        for o in other
                        if o.country
                        and len(o.country) == 3
                        and o.country.isalpha()
                        and o.country not in ("IGO", "NGO", "MNC", "IMG")
                        and o.sector in AUTHORITY_SECTORS
                    ),
                    None,
                )
            )
            for a in group:
                if needs(a):
                    if loc:
                        a = replace(
                            a,
                            country=loc,
                            code=actor_code(loc, a.org, a.sector),
                            resolved_from=a.resolved_from or f"location:{place[0].name}",
                        )
                    elif peer:
                        a = replace(
                            a,
                            country=peer,
                            code=actor_code(peer, a.org, a.sector),
                            resolved_from=a.resolved_from or "peer-country",
                        )
                    else:
                        dom = self.actors.dominant_country()
                        if dom:
                            a = replace(
                                a,
                                country=dom,
                                code=actor_code(dom, a.org, a.sector),
                                resolved_from=a.resolved_from or "document-country",
                            )
                out.append(a)
            return out

        c.actors, c.recipients = fill(c.actors, c.recipients), fill(c.recipients, c.actors)

    def _refine(self, c: Candidate) -> None:
        """Readings that depend on the whole clause: refusals, conditional threats, repression."""
        verb = next((t for t in c.tokens if t.pos_ in ("VERB", "AUX")), c.anchor)
        root = c.cameo[:2]
        aux = {a.lower_ for a in verb.children if a.dep_ == "aux"}
        if (
            c.governor is None
            and c.modality == "negated"
            and aux & {"will", "would", "wo", "'ll", "shall"}
            and root in ("03", "04", "05", "06", "07", "08")
        ):
            # "X will not attend the talks" is a refusal (a stated decision), not a non-event.
            new = self.lex.transform(c.cameo, "REFUSE")
            c.coder.append(f"refusal:{c.cameo}->{new}")
            c.cameo, c.modality, c.speech_act = new, "asserted", True
        elif (
            c.modality == "future"
            and c.governor is None
            and any(
                ch.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in ch.children)
                for ch in verb.children
            )
        ):
            # "X will withdraw its force unless Y ...": a conditional promise of action is a threat.
            new = self.lex.transform(c.cameo, "THREATEN")
            c.coder.append(f"conditional-threat:{c.cameo}->{new}")
            c.cameo, c.modality, c.speech_act = new, "asserted", True
        if c.cameo == "150" and len({a.country for a in c.actors if a.country}) >= 2:
            c.coder.append("joint:150->062")
            c.cameo = "062"
        if (
            root in ("18", "19")
            and c.recipients
            and (
                (
                    any(a.sector == "COP" for a in c.actors)
                    and all(
                        r.sector in ("CVL", "OPP", "EDU", "LAB") or r.kind == "people" for r in c.recipients
                    )
                )
                or (
                    any(a.sector in ("COP", "MIL") for a in c.actors)
                    and all(any(w in (r.role or r.text).lower() for w in DISSENT_WORDS) for r in c.recipients)
                )
            )
        ):
            c.coder.append(f"repression:{c.cameo}->175")
            c.cameo = "175"

    @staticmethod
    def _below(tok: Token, anchors: set[int], steps: int = 4) -> bool:
        cur = tok
        for _ in range(steps):
            if cur.head.i == cur.i:
                return False
            cur = cur.head
            if cur.i in anchors:
                return True
        return False

    def _absorb(self, cands: list[Candidate]) -> list[Candidate]:
        """Fold events that only describe another one.

        A demand or appeal attached to a protest is the protest's aim ("marched to demand reforms"); a
        coercion given as the purpose of force is what the force was ("opened fire to disperse
        protesters").
        """
        protest_anchors = {t.i for c in cands if c.cameo[:2] == "14" for t in c.tokens}
        keep: list[Candidate] = []
        for c in cands:
            if (
                c.cameo[:2] in ("02", "10", "11", "14")
                and protest_anchors
                and not any(t.i in protest_anchors for t in c.tokens)
                and self._below(c.anchor, protest_anchors)
            ):
                continue
            keep.append(c)
        keep = [
            c
            for c in keep
            if not any(
                o is not c
                and o.cameo[:2] == c.cameo[:2]
                and c.anchor.head.i == o.anchor.i
                and c.anchor.dep_ in ("xcomp", "advcl")
                and c.anchor.i > o.anchor.i
                and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.anchor.children)
                for o in keep
            )
        ]  # "travel to Washington to meet Biden", "summoned the ambassador to protest"
        out: list[Candidate] = []
        for c in keep:
            purposes = [
                p
                for p in keep
                if p is not c
                and p.cameo[:2] == "17"
                and p.anchor.head.i == c.anchor.i
                and p.anchor.dep_ in ("xcomp", "advcl")
            ]
            if c.cameo[:2] in ("18", "19") and purposes:
                continue
            out.append(c)
        return out

    # -- trigger matching -------------------------------------------------------------------------

    def lemma(self, tok: Token) -> str:
        """The token's lemma, mended where the small model clips it ("staged" -> "stag" -> "stage")."""
        lemma = tok.lemma_.lower()
        if (
            tok.pos_ == "VERB"
            and (lemma, "V") not in self.lex.triggers
            and (lemma[:-1], "V") in self.lex.triggers
        ):
            return lemma[:-1]  # "cordoned" -> "cordone" -> "cordon"
        if (
            tok.pos_ == "VERB"
            and lemma not in LIGHT_VERBS
            and (lemma, "V") not in self.lex.triggers
            and (lemma + "e", "V") in self.lex.triggers
        ) or (tok.pos_ == "VERB" and lemma + "e" in LIGHT_VERBS):
            return lemma + "e"
        return lemma

    def _pos(self, tok: Token) -> str | None:
        if tok.pos_ in VERB_POS:
            return "V"
        if (
            tok.pos_ == "NOUN"
            and tok.dep_ in ("ccomp", "xcomp", "advcl")
            and any(c.dep_ in ("nsubj", "aux", "mark") for c in tok.children)
        ):
            return "V"  # "demanded that the prime minister resign": a verb the tagger took for a noun
        if tok.pos_ in NOUN_POS:
            return "N"
        return None

    def match_rule(self, tok: Token) -> TriggerRule | None:
        """The first lexicon row whose lemma, part of speech and constraints fit ``tok``."""
        pos = self._pos(tok)
        if pos is None:
            return None
        lemma = self.lemma(tok)
        rules: Iterable[TriggerRule] = self.lex.rules(lemma, pos)
        if pos == "N" and lemma in self.lex.multiword:
            rules = (*self._multiword(tok), *rules)
        for rule in rules:
            if self._fits(tok, rule):
                return rule
        return None

    def _multiword(self, tok: Token) -> list[TriggerRule]:
        mods = [c.lower_ for c in tok.lefts if c.dep_ in ("compound", "amod")]
        return [r for r in self.lex.multiword[tok.lemma_.lower()] if r.pos == "N" and r.words[-2] in mods]

    def _obj(self, tok: Token) -> Token | None:
        """The direct object (or passive subject, or the noun a participle modifies)."""
        for c in tok.children:
            if c.dep_ in ("dobj", "nsubjpass"):
                return c
        if tok.dep_ == "conj" and any(c.dep_ == "auxpass" for c in tok.children):
            # "civilians ... were released by Putin": a passive conjunct shares the first verb's subject
            for c in tok.head.children:
                if c.dep_ in ("nsubj", "nsubjpass"):
                    return c
        if tok.dep_ == "acl" and tok.tag_ == "VBN":
            return tok.head
        for c in tok.children:
            if c.dep_ == "attr":
                return c
        return None

    def _keys(self, noun: Token, depth: int = 0) -> set[str]:
        lemma = noun.lemma_.lower()
        keys = {lemma, noun.lower_}
        for c in noun.lefts:
            if c.dep_ in ("compound", "amod"):
                keys.add(f"{c.lower_} {lemma}")
                keys.add(f"{c.lemma_.lower()} {lemma}")
                if c.dep_ == "compound" and c.pos_ == "NOUN":
                    # "military aid program": the compound names what the program is.
                    keys.add(c.lemma_.lower())
                    keys.update(
                        f"{m.lower_} {c.lemma_.lower()}" for m in c.lefts if m.dep_ in ("amod", "compound")
                    )
        for c in noun.rights:
            if c.dep_ == "prep" and c.lower_ == "of":
                for p in c.children:
                    if p.dep_ == "pobj":
                        # "25,000 tons of food aid", "two of its nationals": the measured thing counts too.
                        keys.add(f"{lemma} of {p.lemma_.lower()}")
                        keys |= self._keys(p, depth + 1) if depth < 1 else set()
        return keys

    def _in(self, keys: set[str], values: frozenset[str], classes: tuple[str, ...]) -> bool:
        if keys & values:
            return True
        for cls in classes:
            if cls == "ACTOR":
                continue
            if keys & self.lex.classes.get(cls, frozenset()):
                return True
        return False

    def _fits(self, tok: Token, rule: TriggerRule) -> bool:
        for c in rule.constraints:
            kind = c.kind
            if kind == "obj":
                obj = self._obj(tok)
                if obj is None:
                    return False
                if "ACTOR" in c.classes and self._np_actors(obj):
                    continue
                if not self._in(self._keys(obj), c.values, c.classes):
                    return False
            elif kind == "noobj":
                if self._obj(tok) is not None:
                    return False
            elif kind == "nocomp":
                if any(ch.dep_ in ("xcomp", "ccomp", "oprd") for ch in tok.children):
                    return False
            elif kind == "prep":
                if not any(ch.dep_ in ("prep", "agent") and ch.lower_ in c.values for ch in tok.children):
                    return False
            elif kind == "pobj":
                if not any(
                    ch.dep_ == "prep"
                    and ch.lower_ == c.key
                    and any(
                        p.dep_ == "pobj" and self._in(self._keys(p), c.values, c.classes) for p in ch.children
                    )
                    for ch in tok.children
                ):
                    return False
            elif kind == "prt":
                if not any(ch.dep_ == "prt" and ch.lower_ in c.values for ch in tok.children):
                    return False
            elif kind == "xcomp":
                if not any(ch.dep_ == "xcomp" and ch.lemma_.lower() in c.values for ch in tok.children):
                    return False
            elif kind == "mod":
                target = tok if rule.pos == "N" else self._obj(tok)
                if target is None:
                    return False
                mods = {
                    ch.lemma_.lower() for ch in target.children if ch.dep_ in ("compound", "amod", "nmod")
                }
                mods |= {ch.lower_ for ch in target.children if ch.dep_ in ("compound", "amod", "nmod")}
                if not mods & c.values:
                    return False
            elif kind == "subj":
                actors = self._slot_actors(tok, ("subj",) if rule.pos == "V" else NOUN_ACTOR_DEFAULT, rule)
                if not actors or not any(self._actor_class(a) in c.classes for a in actors):
                    return False
        return True

    @staticmethod
    def _actor_class(a: Actor) -> str:
        if a.sector in ARMED_SECTORS or (a.kind == "group" and a.sector in ("REB", "INS", "UAF")):
            return "ARMED"
        if a.sector in CIVIL_SECTORS or a.kind == "people":
            return "CIVIL"
        if a.kind in ("igo", "country") or a.sector in STATE_SECTORS or (a.country and not a.sector):
            return "STATE"
        return "OTHER"

    def _np_actors(self, head: Token) -> list[Actor]:
        return self.actors.code_np(head)

    # -- argument slots ----------------------------------------------------------------------------

    @staticmethod
    def _is_passive(v: Token) -> bool:
        if v.dep_ == "acl" and v.tag_ == "VBN":
            return True
        return any(c.dep_ in ("nsubjpass", "auxpass") for c in v.children)

    def subject_heads(self, v: Token, depth: int = 0) -> list[Token]:
        """The token(s) heading the agent of verb ``v``, following control, coordination and passives."""
        if depth > 6:
            return []
        if self._is_passive(v):
            for c in v.children:
                if c.dep_ == "agent":
                    return [p for p in c.children if p.dep_ == "pobj"]
            if any(g.cls in ("INTENT", "REFUSE", "PLAN") for g in self._governor_rows(v)):
                # "Israel is opposed to", "Iran is committed to": an adjectival passive names its subject
                return [c for c in v.children if c.dep_ == "nsubjpass"]
            return []  # "a deal was signed": no agent named, and the main clause's subject is not it
        for c in v.children:
            if c.dep_ in ("nsubj", "csubj"):
                if c.lower_ in ("who", "that", "which") and v.dep_ == "relcl":
                    return [v.head]
                # "X and Y signed" is sometimes parsed as two subjects rather than a conjunction; a dateline
                # ("BAMAKO, June 3 - Rebels attacked") is parsed as a subject too, and is not one
                subjects = [s for s in v.children if s.dep_ == c.dep_ and not self._dateline(s)]
                return subjects or [c]
        head = v.head
        if head.i == v.i:
            return []
        if v.dep_ == "xcomp":
            if head.lemma_.lower() in OBJECT_CONTROL:
                for c in head.children:
                    if c.dep_ in ("dobj",):
                        return [c]
            return self.subject_heads(head, depth + 1)
        if v.dep_ in ("conj", "advcl", "pcomp", "ccomp") and head.pos_ in ("VERB", "AUX"):
            if v.dep_ == "ccomp" and not any(c.dep_ == "aux" and c.lower_ == "to" for c in v.children):
                return []
            return self.subject_heads(head, depth + 1)
        if v.dep_ == "pcomp" and head.dep_ == "prep":
            gov = head.head
            if head.lower_ in ("of", "for") and gov.lemma_.lower() in ACCUSING:
                # "accused Azerbaijan of shelling": the accused is the one said to shell
                return [c for c in gov.children if c.dep_ in ("dobj", "nsubjpass")]
            return self.subject_heads(gov, depth + 1)
        if v.dep_ == "acl" and v.tag_ == "VBG":
            if self._np_actors(head) or head.dep_ not in ("dobj", "pobj"):
                return [head]
            # "issued a declaration demanding ...": the declaration's issuer.
            return self.subject_heads(head.head, depth + 1) if head.head.pos_ in ("VERB", "AUX") else []
        if v.dep_ == "relcl":
            if any(c.dep_ == "aux" and c.lower_ == "to" for c in v.children) and not self._np_actors(head):
                # "converging for a rally to protest ...": the protesters are the ones converging.
                up = head.head.head if head.dep_ == "pobj" else head.head
                return self.subject_heads(up, depth + 1) if up.pos_ in ("VERB", "AUX") else []
            return [head]
        if v.dep_ == "acomp" or (v.dep_ == "xcomp" and head.lemma_ == "be"):
            return self.subject_heads(head, depth + 1)
        return []

    @staticmethod
    def _dateline(tok: Token) -> bool:
        """A dateline word: capitals at the very start of a sentence ("BAKU, Jan 21 (Reuters) -")."""
        return tok.text.isupper() and len(tok.text) > 2 and tok.text.isalpha() and tok.i - tok.sent.start <= 2

    def _children_by_prep(self, tok: Token, prep: str) -> list[Token]:
        out: list[Token] = []
        for c in tok.children:
            if c.dep_ in ("prep", "agent") and c.lower_ == prep:
                out.extend(p for p in c.children if p.dep_ in ("pobj", "pcomp"))
        return out

    def _slot_heads(self, tok: Token, slot: str, rule: TriggerRule | None) -> list[Token]:
        """Heads of the phrases a slot names (``dobj``, ``prep:with``, ``obj.poss``...)."""
        node = tok
        parts = slot.split(".")
        heads = [node]
        for part in parts:
            nxt: list[Token] = []
            for h in heads:
                nxt.extend(self._step(h, part, rule))
            heads = nxt
            if not heads:
                break
        return heads

    def _step(self, h: Token, part: str, rule: TriggerRule | None) -> list[Token]:
        if part == "subj":
            if h.pos_ in NOUN_POS:
                return self._noun_light_subject(h)
            return self.subject_heads(h)
        if part in ("dobj", "obj"):
            obj = self._obj(h)
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
            return self._children_by_prep(h, part[5:])
        if part in ("xcomp", "ccomp"):
            return [c for c in h.children if c.dep_ == part]
        if part == "between":
            return self._children_by_prep(h, "between") or self._children_by_prep(h, "among")
        if part == "poss":
            return [c for c in h.children if c.dep_ == "poss"]
        if part == "adj":
            return [c for c in h.children if c.dep_ in ("amod", "compound", "nmod") and c.i < h.i]
        if part == "light":
            return self._noun_light_subject(h)
        if part == "loc":
            return [p for prep in LOC_PREPS for p in self._children_by_prep(h, prep)]
        if part == "none":
            return []
        return []

    def _noun_light_subject(self, noun: Token) -> list[Token]:
        head = noun.head
        if noun.dep_ in ("dobj", "attr") and head.pos_ in ("VERB", "AUX"):
            return self.subject_heads(head)
        if noun.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ in ("VERB",):
            return []
        return []

    def _slot_actors(
        self, tok: Token, slots: Iterable[str], rule: TriggerRule | None, exclude: Iterable[Actor] = ()
    ) -> list[Actor]:
        excluded = {(a.code, a.start) for a in exclude}
        for slot in slots:
            if slot == "none":
                return []
            if slot == "loc":
                actors = self._loc_actors(tok)
            else:
                actors = []
                last = slot.rsplit(".", 1)[-1]
                for h in self._slot_heads(tok, slot, rule):
                    found = self._np_actors(h)
                    if not found and (last in ("dobj", "obj", "poss") or last.startswith("prep:")):
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

    def _inner_actors(self, head: Token) -> list[Actor]:
        """Actors inside a non-actor phrase: "cooperation with WHO", "Israel's actions"."""
        out: list[Actor] = []
        for c in head.children:
            if c.dep_ == "poss":
                out.extend(self._np_actors(c))
            elif c.dep_ in ("amod", "compound") and c.i < head.i:
                found = self._np_actors(c)
                out.extend(a for a in found if a.kind in ("country", "igo", "ngo", "org", "group", "person"))
            elif c.dep_ == "prep" and c.lower_ in ("with", "of", "by", "between", "from"):
                for p in c.children:
                    if p.dep_ == "pobj":
                        out.extend(
                            self._np_actors(p)
                            or [a for pp in p.children if pp.dep_ == "poss" for a in self._np_actors(pp)]
                        )
        return out

    def _loc_actors(self, tok: Token) -> list[Actor]:
        """A recipient named by where the event happened ("implemented projects in Azerbaijan")."""
        anchor = tok
        if tok.pos_ in NOUN_POS and tok.dep_ in ("dobj", "nsubjpass") and tok.head.pos_ == "VERB":
            anchor = tok.head
        for prep in LOC_PREPS:
            for cand in (tok, anchor):
                for p in self._children_by_prep(cand, prep):
                    if prep == "on" and p.lemma_.lower() not in ("territory", "soil", "border"):
                        continue
                    found = self._place_actor(p)
                    if found is not None:
                        return [found]
        return []

    def _place_actor(self, p: Token) -> Actor | None:
        actors = self._np_actors(p)
        for a in actors:
            if a.kind == "country" or (a.country and a.kind != "person"):
                return a
        place = self.actors.place_at(p)
        if place is not None and place.country:
            # a town or region the gazetteer resolved ("in Ganja", "near Samarra"): its country
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
        # "five districts of Azerbaijan": the country inside an of-phrase.
        for c in p.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for q in c.children:
                    if q.dep_ == "pobj":
                        found = self._place_actor(q)
                        if found is not None:
                            return found
        return None

    # -- governors ----------------------------------------------------------------------------------

    def _governor_rows(self, tok: Token) -> tuple[Governor, ...]:
        pos = (
            "V"
            if tok.pos_ in ("VERB", "AUX")
            else "A"
            if tok.pos_ == "ADJ"
            else "N"
            if tok.pos_ in NOUN_POS
            else None
        )
        if pos is None:
            return ()
        return self.lex.governor(self.lemma(tok), pos)

    def _complements(self, tok: Token, gov: Governor) -> list[Token]:
        """The heads of a governor's content slots, whatever they are."""
        out: list[Token] = []
        for slot in gov.content:
            if slot in ("xcomp", "ccomp", "acl"):
                out.extend(c for c in tok.children if c.dep_ == slot)
            elif slot == "dobj":
                obj = self._obj(tok)
                if obj is not None:
                    out.append(obj)
            elif slot.startswith("prep:"):
                out.extend(self._children_by_prep(tok, slot[5:]))
        if (
            not out
            and gov.pos == "N"
            and tok.dep_ == "dobj"
            and ("ccomp" in gov.content or "acl" in gov.content)
        ):
            # "reiterated its demand that Israel ease ...": the parser hangs the clause on the verb
            out.extend(c for c in tok.head.children if c.dep_ == "ccomp" and c.i > tok.i)
        return out

    def _content(
        self, tok: Token, gov: Governor, depth: int = 0
    ) -> tuple[Token, str, list[str], TriggerRule | None] | None:
        """The event a governor is about: (head token, CAMEO code, coder notes, rule)."""
        for slot in gov.content:
            if slot in ("xcomp", "ccomp", "acl"):
                cands = [c for c in tok.children if c.dep_ == slot and c.pos_ in ("VERB", "AUX", "NOUN")]
                if slot == "acl" and not cands:
                    cands = [c for c in tok.children if c.dep_ == "relcl"]
                if not cands and gov.pos == "N" and tok.dep_ == "dobj" and slot in ("ccomp", "acl"):
                    cands = [c for c in tok.head.children if c.dep_ == "ccomp" and c.i > tok.i]
            elif slot == "dobj":
                obj = self._obj(tok)
                cands = [obj] if obj is not None and obj.pos_ in NOUN_POS | {"VERB"} else []
            elif slot.startswith("prep:"):
                cands = self._children_by_prep(tok, slot[5:])
                # "called for Suarez to resign": the infinitive hanging on the object is what is asked for
                cands = [
                    v
                    for p in cands
                    for v in p.children
                    if v.dep_ in ("acl", "relcl", "xcomp") and any(a.lower_ == "to" for a in v.children)
                ] + cands
                # "calling for Suarez to resign" parsed as a for-to clause
                cands += [
                    v
                    for v in tok.children
                    if v.dep_ == "advcl"
                    and any(m.dep_ == "mark" and m.lower_ == slot[5:] for m in v.children)
                ]
            else:
                cands = []
            for c in cands:
                found = self._event_of(c, depth=depth)
                if found is not None:
                    return found
        return None

    def _event_of(self, tok: Token, depth: int) -> tuple[Token, str, list[str], TriggerRule | None] | None:
        """What event a content phrase denotes: a trigger, a light verb + event noun, or a class noun."""
        if depth > 3:
            return None
        rule = self.match_rule(tok)
        if rule is not None and rule.cameo:
            return tok, rule.cameo, [rule.label], rule
        if tok.pos_ in ("VERB", "AUX"):
            # Transparent governors pass through: "agreed to begin talks", "plans to hold talks".
            for gov in self._governor_rows(tok):
                if gov.cls == "TRANSPARENT":
                    inner = self._content(tok, gov, depth + 1)
                    if inner is not None:
                        return inner
            if self.lemma(tok) in LIGHT_VERBS:
                obj = self._obj(tok)
                if obj is not None:
                    inner = self._event_of(obj, depth + 1)
                    if inner is not None:
                        return inner
        if tok.pos_ in NOUN_POS:
            # "rejected a call for talks", "rejected an offer to host a summit": the inner content counts.
            for gov in self.lex.governor(tok.lemma_.lower(), "N"):
                if gov.cls in COMPOSING:
                    inner = self._content(tok, gov, depth + 1)
                    if inner is not None:
                        return inner
            found = self.lex.content_code(*self._keys(tok))
            if found is not None:
                code, cls = found
                return tok, code, [f"class:{cls}"], None
            # "the release of prisoners", "the possibility of the participation of WHO"
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ in ("of", "for"):
                    for p in c.children:
                        if (
                            p.dep_ == "pobj"
                            and depth < 2
                            and tok.lemma_.lower()
                            in ("issue", "question", "matter", "idea", "prospect", "plan", "process")
                        ):
                            inner = self._event_of(p, depth + 1)
                            if inner is not None:
                                return inner
        return None

    def _obligation(self, speech: Token) -> Token | None:
        """The clause a speaker says someone must do ("said that Libya must hand over ..."), if any."""
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

    def _other_doer(self, gov_tok: Token, c_tok: Token) -> bool:
        """Does the content clause name its own doer, other than the governor's subject?"""
        clause = c_tok if c_tok.pos_ in ("VERB", "AUX") else c_tok.head
        own = [c for c in clause.children if c.dep_ == "nsubj" and c.pos_ != "PRON"]
        if not own and any(c.dep_ == "dobj" for c in gov_tok.children) and clause.dep_ == "xcomp":
            own = [c for c in gov_tok.children if c.dep_ == "dobj"]
        if not own:
            return False
        mine = {a.code for h in self.subject_heads(gov_tok) for a in self._np_actors(h)}
        theirs = {a.code for h in own for a in self._np_actors(h)}
        return bool(theirs) and not theirs & mine

    def _speech_act(self, tok: Token, consumed: set[int]) -> Candidate | None:
        """What a report of speech itself codes, beyond the events it reports.

        - "X said it would send aid": announcing one's own future action is an expression of intent
          (03x; a refusal, 12x, when negated; a threat for force).
        - "X said Y attacked Z": reporting another's violence is an accusation (112) of Y; claiming one's
          own is a claim of responsibility (015). The reported event is coded too, attributed to X.
        News media and uncoded speakers ("officials said", "witnesses said") report; they do not accuse.
        """
        clause = next((c for c in tok.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")), None)
        if clause is None or clause.i in consumed:
            return None
        speakers = [a for h in self.subject_heads(tok) for a in self._np_actors(h)]
        speakers = [a for a in speakers if (a.country or a.org) and a.sector not in ("JRN", "MED")]
        if not speakers:
            return None
        aux = {a.lower_ for a in clause.children if a.dep_ == "aux"}
        subj = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
        doers = [a for h in subj for a in self._np_actors(h)]
        same = (
            not subj
            or any(h.pos_ == "PRON" for h in subj)
            or bool({a.code for a in doers} & {a.code for a in speakers})
        )
        if aux & {"will", "would", "'ll", "wo", "shall"} and same:
            negated = any(c.dep_ == "neg" for c in clause.children)
            found = self._event_of(clause, depth=0)
            if found is None:
                # "Interpol said it will send a team", "said he would not give permission": an intent or a
                # refusal of something our lexicon cannot name
                found = (clause, "030", [f"unnamed:{clause.lemma_}"], None)
            c_tok, c_code, c_notes, c_rule = found
            cls = "REFUSE" if negated else "INTENT"
            code = self.lex.transform(c_code, cls)
            consumed.update(t.i for t in clause.subtree)
            recipients = self._content_recipients(c_tok, c_rule, speakers)
            mod, mnotes = modality_rules.detect(tok, self.lex, governed_by=tok, question=self.question)
            return Candidate(
                trigger=c_tok,
                cameo=code,
                actors=speakers,
                recipients=recipients,
                modality=mod,
                coder=[
                    f"announced:{tok.lemma_}+{'not ' if negated else ''}{clause.lemma_}",
                    *c_notes,
                    f"intent:{c_code}->{code}",
                    *mnotes,
                ],
                tokens=sorted({tok, c_tok}, key=lambda t: t.i),
                governor=tok,
                specific=True,
                speech_act=True,
            )
        if aux & {"will", "would", "'ll", "wo", "shall", "may", "might", "could", "should", "must"}:
            return None
        rule = self.match_rule(clause)
        if rule is None or not rule.cameo or rule.cameo[:2] not in ("18", "19", "20"):
            return None
        if any(c.dep_ == "neg" for c in clause.children):
            return None  # "no one else was injured, police said": nothing to accuse anyone of
        reported = self._triggered(clause, set())
        if reported is None:
            return None
        perpetrators = [a for a in reported.actors if a.code]
        own = bool({a.code for a in perpetrators} & {a.code for a in speakers})
        code = "015" if own else "112"
        mod, mnotes = modality_rules.detect(tok, self.lex, question=self.question)
        return Candidate(
            trigger=tok,
            cameo=code,
            actors=speakers,
            recipients=[] if own else perpetrators,
            modality=mod,
            coder=[f"{'claims' if own else 'accuses'}:{tok.lemma_}+{clause.lemma_}", *mnotes],
            tokens=[tok],
            governor=tok,
            specific=True,
            speech_act=True,
        )

    def _demand_by_speaker(self, tok: Token, clause: Token, consumed: set[int]) -> Candidate | None:
        subj = self.subject_heads(tok)
        actors = [a for h in subj for a in self._np_actors(h)]
        consumed.update(t.i for t in clause.subtree)  # what must be done has not happened
        if not actors:
            return None
        addressee = [
            c
            for c in (clause.children if clause.dep_ != "xcomp" else clause.head.children)
            if c.dep_ in ("nsubj", "nsubjpass")
        ]
        recipients = [a for h in addressee for a in self._np_actors(h)]
        found = self._event_of(clause, depth=0)
        if found is not None:
            c_tok, c_code, c_notes, _ = found
            code = self.lex.transform(c_code, "DEMAND")
            consumed.add(c_tok.i)
        else:
            c_tok, c_code, c_notes, code = clause, "", [], "100"
        consumed.add(clause.i)
        mod, mnotes = modality_rules.detect(tok, self.lex, governed_by=tok, question=self.question)
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

    def _governed(self, tok: Token, consumed: set[int]) -> Candidate | None:
        govs = self._governor_rows(tok)
        if (
            tok.pos_ == "VERB"
            and self.lemma(tok) in OBLIGATION_VERBS
            and not any(g.cls in COMPOSING for g in govs)
        ):
            clause = self._obligation(tok)
            if clause is not None:
                return self._demand_by_speaker(tok, clause, consumed)
        for gov in govs:
            if gov.cls == "SPEECH":
                said = self._speech_act(tok, consumed)
                if said is not None:
                    return said
                continue
            if gov.cls not in COMPOSING:
                continue
            for h in self._complements(tok, gov):
                if h.i < tok.i:
                    continue
                if h.pos_ in NOUN_POS and self._governor_rows(h):
                    consumed.add(h.i)
                # What is demanded, promised or refused has not happened: nothing in it is coded alone.
                consumed.update(t.i for t in h.subtree if t.i != h.i)
            content = self._content(tok, gov)
            if content is None:
                if gov.own is None or gov.cls == "PLAN":
                    continue
                consumed.update(h.i for h in self._complements(tok, gov) if h.pos_ in ("VERB", "AUX"))
                rule_here = self.match_rule(tok) if tok.pos_ in VERB_POS else None
                if rule_here is not None:
                    return None  # the trigger lexicon has a more specific reading ("refused to comment")
                return self._own(tok, gov)
            c_tok, c_code, c_notes, c_rule = content
            if gov.cls == "INTENT" and gov.pos == "V" and self._other_doer(tok, c_tok):
                # "Obama wants Putin to attack": wanting someone else to act is an appeal to them
                gov = replace(gov, cls="APPEAL", recipient=("dobj", "xcomp.subj", "ccomp.subj"))
            # A plan is no speech act: CAMEO keeps the planned action (modality future); the rest is a
            # stated appeal, intent, demand, refusal or threat with a CAMEO code of its own.
            code = c_code if gov.cls in KEEPS_CODE else self.lex.transform(c_code, gov.cls)
            consumed.add(c_tok.i)
            for t in c_tok.subtree:
                if t.i != c_tok.i and self.match_rule(t) is None:
                    continue
                if t.dep_ in ("dobj", "xcomp", "ccomp") and t.head.i == c_tok.i:
                    consumed.add(t.i)
            return self._compose(tok, gov, c_tok, code, c_code, c_notes, c_rule)
        return None

    def _compose(
        self,
        gov_tok: Token,
        gov: Governor,
        c_tok: Token,
        code: str,
        c_code: str,
        notes: list[str],
        c_rule: TriggerRule | None,
    ) -> Candidate | None:
        if gov.cls == "PLAN":
            actor_heads = (
                self.subject_heads(gov_tok) if gov_tok.pos_ != "NOUN" else self._noun_actor_heads(gov_tok)
            )
        elif gov.pos == "N":
            actor_heads = self._noun_actor_heads(gov_tok)
        else:
            actor_heads = (
                self.subject_heads(gov_tok)
                if gov_tok.pos_ in ("VERB", "AUX")
                else self.subject_heads(gov_tok.head)
            )
        actors: list[Actor] = []
        for h in actor_heads:
            actors.extend(self._np_actors(h))
        if not actors and c_tok.pos_ in NOUN_POS:
            actors = self._slot_actors(c_tok, NOUN_ACTOR_DEFAULT, c_rule)
        recipients: list[Actor] = []
        if gov.cls in ("APPEAL", "DEMAND"):
            recipients = self._slot_actors(gov_tok, gov.recipient, None, exclude=actors)
            if not recipients:
                for c in c_tok.children:
                    if c.dep_ in ("nsubj", "nsubjpass"):
                        recipients = [a for a in self._np_actors(c) if a not in actors]
        if not recipients:
            recipients = self._content_recipients(c_tok, c_rule, actors)
        if not recipients and gov.recipient:
            recipients = self._slot_actors(gov_tok, gov.recipient, None, exclude=actors)
        if gov.cls == "PLAN":
            mod, mnotes = modality_rules.detect(c_tok, self.lex, question=self.question)
            if mod == "asserted":
                mod, mnotes = "future", [f"modality:future:{gov_tok.text}"]
        else:
            mod, mnotes = modality_rules.detect(
                gov_tok, self.lex, governed_by=gov_tok, question=self.question
            )
        tokens = sorted({gov_tok, c_tok}, key=lambda t: t.i)
        return Candidate(
            trigger=c_tok,
            cameo=code,
            actors=actors,
            recipients=recipients,
            modality=mod,
            coder=[
                f"governor:{gov.source}({gov.lemma} {gov.cls})",
                *notes,
                *([f"intent:{c_code}->{code}"] if code != c_code else []),
                *mnotes,
            ],
            tokens=tokens,
            governor=gov_tok,
            specific=True,
            speech_act=gov.cls not in KEEPS_CODE,
        )

    def _own(self, tok: Token, gov: Governor) -> Candidate | None:
        """A governor with no codable content: "urged restraint" is still an appeal (020)."""
        if gov.own is None:
            return None
        if tok.pos_ in NOUN_POS:
            actors = self._slot_actors(tok, NOUN_ACTOR_DEFAULT, None)
        else:
            actors = [a for h in self.subject_heads(tok) for a in self._np_actors(h)]
        recipients = self._slot_actors(tok, gov.recipient, None, exclude=actors)
        if not recipients and not self._complements(tok, gov):
            return None  # "called off", "refused" with nothing refused: not an appeal or a rejection
        mod, mnotes = modality_rules.detect(tok, self.lex, question=self.question)
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

    def _noun_actor_heads(self, noun: Token) -> list[Token]:
        for slot in NOUN_ACTOR_DEFAULT:
            heads = self._slot_heads(noun, slot, None)
            if heads:
                return heads
        return []

    def _content_recipients(
        self, c_tok: Token, c_rule: TriggerRule | None, actors: list[Actor]
    ) -> list[Actor]:
        if c_rule is not None:
            slots = c_rule.recipient or (
                VERB_RECIPIENT_DEFAULT if c_rule.pos == "V" else NOUN_RECIPIENT_DEFAULT
            )
            if c_rule.pos == "N" and not c_rule.of_is_actor and "prep:of" not in slots:
                slots = (*slots, "prep:of")
        else:
            slots = ("prep:to", "prep:with", "prep:for", "prep:of", "dative", "dobj")
        return self._slot_actors(c_tok, (*slots, "loc"), c_rule, exclude=actors)

    # -- plain triggers ---------------------------------------------------------------------------

    def _triggered(self, tok: Token, consumed: set[int]) -> Candidate | None:
        rule = self.match_rule(tok)
        if rule is None or rule.cameo is None:
            return None
        if rule.pos == "N":
            return self._noun_event(tok, rule, consumed)
        return self._verb_event(tok, rule, consumed)

    def _generic(self, tok: Token) -> bool:
        """A verb that names a kind of act, not an act: "Attacking churches ... is prohibited", or a
        participle describing an event noun ("attacks targeting the police": the noun is the event)."""
        cur = tok
        while cur.dep_ == "conj" and cur.head.i != cur.i:
            cur = cur.head
        if cur.dep_ in ("csubj", "csubjpass"):
            return True
        if tok.dep_ == "acl" and tok.tag_ == "VBG":
            rule = self.match_rule(tok.head)
            return rule is not None and rule.pos == "N"
        return False

    def _verb_event(self, tok: Token, rule: TriggerRule, consumed: set[int]) -> Candidate | None:
        if self._generic(tok):
            return None
        actor_slots = rule.actor or VERB_ACTOR_DEFAULT
        actors = self._slot_actors(tok, actor_slots, rule)
        code = rule.cameo or ""
        notes = [rule.label]
        # "An Israeli airstrike killed five people": the event noun in subject position gives actor and code.
        if tok.lemma_.lower() in CONFLICT_VERBS_TAKING_NOUN_SUBJECT or not actors:
            merged = self._merge_event_noun(tok)
            if merged is not None:
                noun, nrule, nactors = merged
                consumed.add(noun.i)
                if nrule.cameo:
                    code = nrule.cameo
                    notes.append(nrule.label)
                actors = nactors or actors
        recipients = self._slot_actors(tok, rule.recipient or VERB_RECIPIENT_DEFAULT, rule, exclude=actors)
        if self._accident(tok):
            return None  # "injured in the accident", "struck by a vehicle": harm, not violence
        if not actors and code[:2] in VIOLENT_ROOTS and any(r.code for r in recipients):
            actors = self._unidentified(tok, notes)
        elif not actors and code in AUTHORITY_ACTS and recipients and self._is_passive(tok):
            actors = self._authorities(tok, code, notes)
        obj = self._obj(tok)
        if obj is not None and any(c.kind == "obj" for c in rule.constraints):
            consumed.add(obj.i)
        if self.lemma(tok) in ACCUSATION_VERBS:
            code = self._accusation(tok, code, notes, consumed)
        if self.lemma(tok) in ("allow", "permit") and any(c.kind == "xcomp" for c in rule.constraints):
            for x in tok.children:
                if x.dep_ == "xcomp":
                    consumed.update(t.i for t in x.subtree)  # the permission is the event
        mod, mnotes = modality_rules.detect(tok, self.lex, question=self.question)
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

    def _authorities(self, tok: Token, code: str, notes: list[str]) -> list[Actor]:
        """ "X was arrested in Lebanon": the authorities of the place did it (police, courts, government)."""
        place = self._loc_actors(tok)
        if not place or not place[0].country:
            return []
        country = place[0].country
        sector = AUTHORITY_ACTS[code]
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
        if tok.lemma_.lower() not in HARM_VERBS:
            return False
        for prep in ("in", "by", "after", "during", "from"):
            for p in self._children_by_prep(tok, prep):
                rule = self.match_rule(p)
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
            for p in (*self._children_by_prep(tok, "from"), *self._children_by_prep(anchor, "from"))
            if (found := self._place_actor(p)) is not None
        ]
        place = origin or self._loc_actors(tok) or self._loc_actors(anchor)  # "fired at Israel from Gaza"
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

        "accused Azerbaijan of shelling its positions" is 1123 (accuse of aggression), and the shelling is
        not coded as having happened.
        """
        for prep in ("of", "for"):
            for content in self._children_by_prep(tok, prep):
                found = self._event_of(content, depth=0)
                consumed.update(t.i for t in content.subtree)
                if found is None or code != "112":
                    continue
                root = found[1][:2]
                refined = "1123" if root in ("15", "18", "19", "20") else "1122" if root == "17" else code
                if refined != code:
                    notes.append(f"accused-of:{found[1]}->{refined}")
                    code = refined
        return code

    def _merge_event_noun(self, verb: Token) -> tuple[Token, TriggerRule, list[Actor]] | None:
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
            nrule = self.match_rule(noun)
            if nrule is None or nrule.pos != "N" or not nrule.cameo or nrule.cameo[:2] < "14":
                continue
            nactors = self._slot_actors(noun, nrule.actor or NOUN_ACTOR_DEFAULT, nrule)
            return noun, nrule, nactors
        return None

    def _reported_topic(self, noun: Token) -> bool:
        """Is a noun in a PP what a statement or a governor is about?

        "announced about the director's planned visit", "the possibility of the participation of WHO": such
        nouns are events in their own right when they name their actor.
        """
        prep = noun.head
        if prep.dep_ not in ("prep", "agent"):
            return False
        host = prep.head
        pos = "N" if host.pos_ in NOUN_POS else "A" if host.pos_ == "ADJ" else "V"
        for gov in self.lex.governor(host.lemma_.lower(), pos):
            if f"prep:{prep.lower_}" in gov.content:
                return True
            if gov.cls == "SPEECH" and prep.lower_ in ("about", "on", "of", "regarding", "concerning"):
                return True
        return host.lemma_.lower() in (
            "inform",
            "brief",
            "information",
            "report",
            "news",
            "statement",
        ) and prep.lower_ in ("about", "on", "of", "regarding", "concerning")

    def _noun_event(self, tok: Token, rule: TriggerRule, consumed: set[int]) -> Candidate | None:
        host = tok
        if tok.dep_ == "compound" and tok.head.lemma_.lower() in CONTAINER_NOUNS:
            host = tok.head  # "launched a mediation effort between X and Y": the effort carries the arguments
            if host.i in consumed:
                return None  # "halted mediation efforts": the verb's rule already coded it
            consumed.add(host.i)
        head = host.head
        dep = host.dep_
        light: Token | None = None
        if dep in ("dobj", "attr") and head.pos_ in ("VERB", "AUX"):
            if self.lemma(head) in LIGHT_VERBS:
                light = head
            elif self.match_rule(head) is not None or self._governor_rows(head):
                # "condemned the attack by X": a reference inside another event, coded where it is reported
                return None
        elif dep in ("nsubj", "nsubjpass") and head.pos_ in ("VERB", "AUX"):
            hl = self.lemma(head)
            if not (hl in OCCURRENCE_VERBS or hl in LIGHT_VERBS):
                return None
            if hl == "be" and not any(c.dep_ in ("acomp", "attr", "prep") for c in head.children):
                return None
        elif dep == "pobj":
            prep = host.head
            if prep.lower_ == "in" and prep.head.lemma_.lower() in ENGAGE_VERBS:
                light = prep.head  # "engaged in ethnic cleansing", "took part in the talks"
            elif prep.lower_ == "for" and prep.head.lemma_.lower() in MOTION_VERBS:
                light = prep.head  # "negotiators return to Geneva for talks"
            elif not self._reported_topic(host):
                return None
        elif dep in ("compound", "amod", "poss", "npadvmod", "nmod"):
            return None
        slots = rule.actor or NOUN_ACTOR_DEFAULT
        if rule.of_is_actor and "prep:of" not in slots:
            slots = (*slots[:2], "prep:of", *slots[2:])
        if rule.of_is_actor and "between" not in slots:
            slots = (*slots, "between")
        actors = self._slot_actors(host, slots, rule) or (
            self._slot_actors(tok, slots, rule) if host is not tok else []
        )
        explicit = any(self._slot_heads(host, s, rule) for s in slots if s not in ("light",))
        if light is None and not explicit and not (dep in ("nsubj", "nsubjpass") and actors):
            return None
        if not actors and light is not None:
            actors = [a for h in self.subject_heads(light) for a in self._np_actors(h)]
        rslots = rule.recipient or NOUN_RECIPIENT_DEFAULT
        if not rule.of_is_actor and "prep:of" not in rslots:
            rslots = (*rslots, "prep:of")
        recipients = self._slot_actors(host, rslots, rule, exclude=actors)
        if not recipients and light is not None:
            recipients = self._slot_actors(
                light,
                ("dative", "prep:to", "prep:for", "prep:with", "prep:against", "prep:on", "dobj"),
                None,
                exclude=actors,
            )
        if (
            rule.of_is_actor
            and len(actors) >= 2
            and not recipients
            and any(self._slot_heads(tok, "between", rule))
        ):
            pass  # reciprocal: "talks between X and Y" keeps both as actors (PLOVER)
        if (
            not actors
            and (rule.cameo or "")[:2] in VIOLENT_ROOTS
            and (recipients or dep in ("nsubj", "nsubjpass"))
        ):
            actors = self._unidentified(host, [])
        mod, mnotes = modality_rules.detect(host, self.lex, question=self.question)
        if light is not None:
            lmod, lnotes = modality_rules.detect(light, self.lex, question=self.question)
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
