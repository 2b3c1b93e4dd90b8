"""The coder's word lists and code groups (to move into data tables; see data/lexicon)."""

from __future__ import annotations

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
