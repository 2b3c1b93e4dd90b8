"""Read PETRARCH verb dictionaries into trigger rows (:class:`~eventwire.events.lexicon.TriggerRule`).

The format, as PETRARCH-1 (TABARI/KEDS-derived) and PETRARCH-2 files write it:

- comments: as in the actor dictionaries (:mod:`eventwire.actors.petrarch`): ``<!-- ... -->`` (may span
  lines), lines starting with ``#``, text from a ``#`` or ``;`` that follows a space or a ``]`` (so the
  code ``[###]`` stays); ``---STOP---`` ends the file;
- synsets: ``&NAME`` then ``+WORD`` / ``+TWO_WORDS`` lines (words joined by ``_`` or spaces; a final ``_``
  means "no plural"; a member may be another ``&SYNSET``);
- verb blocks: ``--- NAME [CODE] ---`` then verb lines ``VERB {IRREGULAR FORMS} [CODE]`` (the block's code
  unless the line has its own) and multi-word verbs ``+CORDON_OFF`` / ``WIRE_+TAP`` (``+`` marks the verb);
- patterns: ``- WORDS * WORDS [CODE]`` where ``*`` is the verb, ``$`` the source, ``+`` the target, ``^``
  a noun phrase to skip, ``%`` a compound actor (the event holds between its members), ``&NAME`` a synset,
  ``_`` joins words that must be consecutive; PETRARCH-2 groups ``{A B HEAD}`` noun phrases and
  ``(PREP NOUN)`` prepositional phrases;
- codes: ``[043]``; ``[032:033]`` is a pair (source to target 032, target back to source 033); ``[---]`` is
  the null code (the verb or pattern makes no event).

PETRARCH matches patterns as gapped word sequences over the parse tree; eventwire matches trigger rows on
the dependency parse, so each pattern is *translated* (docs/events.md, "PETRARCH verb dictionaries"): the
words after ``*`` become the object (``obj=``, ``mod=``), particles (``prt=``), prepositions with their
objects (``prep=``, ``pobj:P=``) or an infinitive (``xcomp=``); ``$``/``+`` positions become the actor and
recipient slots; synsets become word classes. Words *before* the verb (auxiliaries, negation, adverbs,
governing verbs, subjects) have no dependency constraint here: such patterns are skipped and counted, never
widened into a rule that would fire without them. The reader is tolerant: bad lines are warnings with
``file:line``; only a file from which no verb can be read is an error.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import product
from pathlib import Path
from types import MappingProxyType

from ..actors.dictionary import LoadReport
from ..actors.petrarch import _logical_lines
from ..errors import DictionaryError, UntranslatablePattern
from ..ontology import CameoCode, Ontology, quad_class_of_root
from .lexicon import Constraint, TriggerRule


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


PREPOSITIONS = _words(
    "about above across after against along amid amidst among amongst around as at before behind below "
    "beneath beside besides between beyond by despite during for from in inside into near of off on onto "
    "out outside over per regarding since than through throughout till to toward towards under underneath "
    "until unto upon versus via with within without"
)
PARTICLES = _words("away back down off on out over up in around along aside apart forward through")
DETERMINERS = _words("a an the its their his her our my your some any this that these those")
NEGATION = _words("not n't never no neither nor none nothing nobody cannot")
MARKERS = frozenset("$+^%")
LATER_SOURCE = ("prep:from", "prep:by", "dative")
LATER_TARGET = ("dative", "prep:to", "prep:for", "prep:with", "prep:against", "prep:at", "prep:on")
_TARGET_PREPS = (
    "to", "with", "against", "at", "on", "for", "from", "toward", "towards", "into", "in", "over", "about",
    "upon", "of", "near",
)  # fmt: skip
PETRARCH_TARGETS = (
    "dobj",
    "dative",
    *(f"prep:{p}" for p in _TARGET_PREPS),
    "between",
    *(f"dobj.prep:{p}" for p in _TARGET_PREPS if p != "of"),
    *(f"dobj.prep:of.prep:{p}" for p in _TARGET_PREPS if p != "of"),
    "dobj.between",
    "dobj.prep:of.between",
)
"""Where a PETRARCH row without a ``+`` finds its target: PETRARCH takes the first actor after the verb, its
object or the object of a preposition, also inside the object ("fired shells AT SEOUL", "welcomed the
resumption of ties WITH X"); these are our slots for that, tried in order."""
MAX_ALTERNATIVES = 8
"""A pattern whose words can be read several ways (object or modifier, particle or preposition) gives one
row per reading, at most this many."""

_BRACKET = re.compile(r"\[([^\]]*)\]")
_BRACE = re.compile(r"\{[^}]*\}")
_HEADER = re.compile(r"^---\s*(.*?)\s*(?:---\s*)?$")
_CODE_SHAPE = re.compile(r"^\d[0-9A-Za-z]{1,4}\??$")


# --------------------------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class VerbCode:
    """A bracketed code: the event code (None = null ``---``) and the reverse code of a ``[a:b]`` pair."""

    code: str | None
    reverse: str | None = None


@dataclass(frozen=True, slots=True)
class VerbEntry:
    """One verb of a block: its lemma(s), particles after it, and its own code if the line has one."""

    word: str
    lemmas: tuple[str, ...]
    particles: tuple[str, ...]
    code: VerbCode | None
    source: str


@dataclass(frozen=True, slots=True)
class VerbPattern:
    """One ``- ... * ... [code]`` line: the tokens before and after the verb, and its code."""

    before: tuple[str, ...]
    after: tuple[str, ...]
    code: VerbCode
    text: str
    source: str


@dataclass(slots=True)
class VerbBlock:
    """A ``--- NAME [CODE] ---`` block: its verbs share its code and its patterns."""

    name: str
    code: VerbCode
    source: str
    verbs: list[VerbEntry] = field(default_factory=list)
    patterns: list[VerbPattern] = field(default_factory=list)


@dataclass(slots=True)
class VerbDictionary:
    """A parsed verb dictionary: synsets (name -> raw member phrases) and verb blocks, in file order."""

    source: str
    synsets: dict[str, list[str]]
    blocks: list[VerbBlock]
    report: LoadReport


@dataclass(slots=True)
class VerbImport:
    """A verb dictionary translated to trigger rows.

    ``rules`` in priority order (a verb's patterns, most specific first, then its own code); ``classes``
    the synsets as word classes (named ``FILE&NAME``); ``lemmas`` every verb lemma the file defines (their
    built-in rows are shadowed); ``codes`` the event codes the rows emit; ``skipped`` the patterns not
    translated, by reason.
    """

    source: str
    rules: list[TriggerRule]
    classes: dict[str, frozenset[str]]
    lemmas: frozenset[str]
    codes: frozenset[str]
    skipped: Counter[str]
    report: LoadReport
    n_verbs: int = 0
    n_patterns: int = 0

    def summary(self) -> dict[str, object]:
        """Counts for a command's summary line or ``--json``."""
        return {
            "source": self.source,
            "verbs": self.n_verbs,
            "lemmas": len(self.lemmas),
            "patterns": self.n_patterns,
            "rows": len(self.rules),
            "synsets": len(self.classes),
            "patterns_skipped": dict(self.skipped),
            "warnings": len(self.report.warnings),
        }


# ---------------------------------------------------------------------------------------------- sniffing


def is_petrarch_verbs(text: str) -> bool:
    """True for a PETRARCH verb dictionary: no TSV header, and ``--- NAME [CODE] ---`` verb blocks."""
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith(("#", "<")):
            continue
        if "\t" in s and "lemma" in s.split("\t"):
            return False
        if s.startswith("---") and _BRACKET.search(s):
            return True
    return False


# ----------------------------------------------------------------------------------------------- reading


def parse_code(body: str) -> VerbCode:
    """``043`` / ``032:033`` / ``---`` -> :class:`VerbCode`; ValueError for what is not an event code.

    Codes without a digit (``+++``, ``###``, ``xxy``) are no event codes: PETRARCH test files use them as
    junk markers, and they are read as the null code by the caller (with a warning).
    """
    first, _, second = body.strip().partition(":")
    return VerbCode(_one_code(first), _one_code(second) if second.strip() else None)


def _one_code(raw: str) -> str | None:
    c = raw.strip()
    if not c or c == "---":
        return None
    if not _CODE_SHAPE.match(c):
        raise ValueError(f"{c!r} is not an event code")
    return c.rstrip("?")


def _code_of(text: str, where: str, report: LoadReport) -> VerbCode | None:
    """The first bracketed code of ``text`` (None when there is none); unreadable codes read as null."""
    found = _BRACKET.findall(text)
    if not found:
        return None
    if len(found) > 1:
        report.warn(where, f"{len(found)} codes [{'] ['.join(found)}]; the first is used")
    try:
        return parse_code(found[0])
    except ValueError as e:
        report.warn(where, f"code [{found[0]}] read as no event: {e}")
        return VerbCode(None)


def parse_petrarch_verbs(text: str, source: str, report: LoadReport | None = None) -> VerbDictionary:
    """The synsets and verb blocks of a PETRARCH verb dictionary (see the module docstring)."""
    report = report if report is not None else LoadReport()
    synsets: dict[str, list[str]] = {}
    blocks: list[VerbBlock] = []
    block: VerbBlock | None = None
    synset: str | None = None
    for line in _logical_lines(text, source):
        where, s = line.where, line.body
        if s.startswith("---"):
            m = _HEADER.match(s)
            head = m.group(1) if m else s[3:]
            name = _BRACKET.sub("", head).strip(" -") or f"block@{line.no}"
            code = _code_of(head, where, report) or VerbCode(None)
            block, synset = VerbBlock(name, code, where), None
            blocks.append(block)
        elif s.startswith("&"):
            synset = s.split()[0].rstrip("_").upper()
            if synset in synsets:
                report.warn(where, f"synset {synset} defined twice; the members are merged")
            synsets.setdefault(synset, [])
        elif s.startswith("+") and synset is not None:
            member = s[1:].strip()
            if member:
                synsets[synset].append(member)
        elif block is None:
            report.warn(where, f"line outside any verb block or synset: {s[:60]!r}; skipped")
        elif s.startswith("-") or "*" in s.split("[")[0]:
            if not s.startswith("-"):
                report.warn(where, "pattern line without a leading '-'; read as a pattern")
            synset = None
            pat = _pattern(s.lstrip("-").strip(), where, report)
            if pat is not None:
                block.patterns.append(pat)
        else:
            synset = None
            entry = _verb_entry(s, where, report)
            if entry is not None:
                block.verbs.append(entry)
    if not any(b.verbs for b in blocks):
        raise DictionaryError(
            f"{source}: no verb could be read (is it a PETRARCH verb dictionary? it needs "
            f"'--- NAME [CODE] ---' blocks followed by verb lines); first problems: {report.warnings[:3]}"
        )
    return VerbDictionary(source, synsets, blocks, report)


def _pattern(body: str, where: str, report: LoadReport) -> VerbPattern | None:
    found = _BRACKET.findall(body)
    if not found:
        report.warn(where, "pattern without a [code]; skipped")
        return None
    head = body[: body.rindex("[" + found[-1])]
    try:
        code = parse_code(found[-1])
    except ValueError as e:
        report.warn(where, f"pattern code [{found[-1]}] read as no event: {e}")
        code = VerbCode(None)
    if head.count("*") != 1:
        report.warn(where, f"pattern needs exactly one '*' (the verb), has {head.count('*')}; skipped")
        return None
    before, _, after = head.partition("*")
    return VerbPattern(_tokens(before), _tokens(after), code, " ".join(head.split()), where)


def _tokens(text: str) -> tuple[str, ...]:
    """Pattern tokens: words, markers, ``&SYNSET``, and the brackets ``{ } ( )`` as tokens of their own."""
    spaced = re.sub(r"([{}()])", r" \1 ", text.replace("_", " "))
    out: list[str] = []
    for tok in spaced.split():
        if len(tok) > 1 and tok[0] in MARKERS and not tok.startswith("&"):
            out.extend([tok[0], tok[1:]])  # "+WORD" glued in old files
        else:
            out.append(tok)
    return tuple(out)


def _verb_entry(body: str, where: str, report: LoadReport) -> VerbEntry | None:
    code = _code_of(body, where, report)
    words_part = _BRACE.sub(" ", _BRACKET.sub(" ", body)).strip()
    if not words_part:
        report.warn(where, "verb line without a verb; skipped")
        return None
    words = [w for w in re.split(r"[\s_]+", words_part) if w]
    marked = [i for i, w in enumerate(words) if w.startswith("+")]
    k = marked[0] if marked else 0
    if k > 0:
        report.warn(
            where,
            f"multi-word verb {words_part!r} has words before the verb; eventwire cannot "
            "require them, skipped",
        )
        return None
    verb = words[k].lstrip("+").lower()
    if not verb.replace("-", "").replace("'", "").isalpha():
        report.warn(where, f"verb {verb!r} is not a word; skipped")
        return None
    particles = tuple(w.lstrip("+").lower() for w in words[k + 1 :])
    return VerbEntry(words_part, lemma_candidates(verb), particles, code, where)


# ----------------------------------------------------------------------------------------------- lemmas


@lru_cache(maxsize=1)
def _irregular() -> Mapping[str, tuple[str, ...]]:
    """Past and participle forms -> lemmas, from data/lexicon/irregular_verbs.tsv."""
    text = resources.files("eventwire").joinpath("data", "lexicon", "irregular_verbs.tsv").read_text("utf-8")
    out: dict[str, list[str]] = {}
    rows = [ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    for cells in rows[1:]:
        lemma = cells[0].strip()
        for col in cells[1:]:
            for form in col.split("|"):
                form = form.strip()
                if form and form != lemma and lemma not in out.get(form, []):
                    out.setdefault(form, []).append(lemma)
    return MappingProxyType({k: tuple(v) for k, v in out.items()})


def lemma_candidates(word: str) -> tuple[str, ...]:
    """The lemma(s) a dictionary verb may stand for: itself, and for inflected entries (``SAID``, ``KILLED``,
    ``URGING``, ``FEARS``, as KEDS-era files list them) the irregular lemma or regular guesses.

    Guesses that are not English verbs never match a parsed lemma, so offering several is harmless.
    """
    w = word.lower()
    out = [w, *_irregular().get(w, ())]
    if len(w) > 4 and not w.endswith("eed"):
        if w.endswith("ied"):
            out.append(w[:-3] + "y")
        elif w.endswith("ed"):
            out += [w[:-2], w[:-1]] + ([w[:-3]] if w[-3] == w[-4] else [])
        elif w.endswith("ing"):
            out += [w[:-3], w[:-3] + "e"] + ([w[:-4]] if w[-4] == w[-5] else [])
        elif w.endswith("ies"):
            out.append(w[:-3] + "y")
        elif w.endswith("s") and not w.endswith("ss"):
            out += [w[:-1]] + ([w[:-2]] if w.endswith(("ches", "shes", "xes", "sses")) else [])
    return tuple(dict.fromkeys(out))


def noun_forms(phrase: str) -> frozenset[str]:
    """A dictionary noun phrase as the values a constraint compares with: lowercase, the last word singular
    and plural (``ECONOMIC SANCTIONS`` -> economic sanctions, economic sanction), a final ``_`` keeping it as
    written."""
    words = phrase.replace("_", " ").lower().split()
    if not words:
        return frozenset()
    if phrase.rstrip().endswith("_"):
        return frozenset({" ".join(words)})
    *mods, last = words
    forms = {last, _singular(last), _plural(last)}
    return frozenset(" ".join([*mods, f]) for f in forms if f)


def _singular(w: str) -> str:
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "ches", "shes", "xes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        return w[:-1]
    return w


def _plural(w: str) -> str:
    if w.endswith("s") or not w.isalpha():
        return w
    if w.endswith("y") and len(w) > 2 and w[-2] not in "aeiou":
        return w[:-1] + "ies"
    if w.endswith(("x", "z", "ch", "sh")):
        return w + "es"
    return w + "s"


# ------------------------------------------------------------------------------------ pattern translation


@dataclass(slots=True)
class _Phrase:
    """A noun phrase after the verb: the object (``prep`` None) or a prepositional phrase."""

    prep: str | None
    words: list[str] = field(default_factory=list)
    marker: str | None = None


@dataclass(frozen=True, slots=True)
class _Reading:
    """One way to read a pattern: constraints and argument slots."""

    constraints: tuple[Constraint, ...]
    actor: tuple[str, ...] = ()
    recipient: tuple[str, ...] = ()


class _Translator:
    """Turns patterns into constraint readings, with the synsets of one dictionary."""

    def __init__(self, synsets: Mapping[str, list[str]], source: str) -> None:
        self.raw = synsets
        self.source = source
        self.classes: dict[str, frozenset[str]] = {}

    def class_name(self, synset: str) -> str:
        """The lexicon class of a synset (namespaced by file: two files may both define ``&CURRENCY``)."""
        name = f"{self.source}&{synset.lstrip('&').rstrip('_').upper()}"
        if name not in self.classes:
            self.classes[name] = frozenset(f for m in self.members(synset) for f in noun_forms(m))
        return name

    def members(self, synset: str, seen: frozenset[str] = frozenset()) -> list[str]:
        """A synset's member phrases, embedded synsets expanded (UntranslatablePattern if undefined)."""
        key = synset.lstrip("&").rstrip("_").upper()
        if key in seen:
            return []
        if f"&{key}" not in self.raw:
            raise UntranslatablePattern(f"synset &{key} is not defined")
        out: list[str] = []
        for m in self.raw[f"&{key}"]:
            m = m.strip().strip("()")
            if m.startswith("&"):
                out += self.members(m, seen | {key})
            elif m:
                out.append(m)
        return out

    def values(self, word: str) -> tuple[frozenset[str], tuple[str, ...]]:
        """(literal values, classes) for one pattern word or synset."""
        if word.startswith("&"):
            return frozenset(), (self.class_name(word),)
        return noun_forms(word), ()

    def inline(self, word: str) -> frozenset[str]:
        """Literal values (with plural forms) for a word or synset, where a class cannot be used because the
        value combines words (``obj=dispatch of troop``, ``pobj:on=military pressure``)."""
        if word.startswith("&"):
            return frozenset(f for m in self.members(word) for f in noun_forms(m))
        return noun_forms(word)

    def modifier(self, word: str) -> frozenset[str]:
        """Values for a word that modifies the object (``mod=``): as written, no plural forms."""
        phrases = self.members(word) if word.startswith("&") else [word]
        return frozenset(" ".join(m.replace("_", " ").lower().split()) for m in phrases)

    # -- the whole pattern ------------------------------------------------------------------------

    def readings(self, pat: VerbPattern) -> list[_Reading]:
        """Every reading of a pattern (UntranslatablePattern when it has none)."""
        up_words = [t for t in pat.before if t not in MARKERS and t not in "{}()"]
        if up_words:
            if any(w.lower() in NEGATION for w in up_words) or any(w.startswith("&") for w in up_words):
                raise UntranslatablePattern("negation or a word class before the verb")
            raise UntranslatablePattern(
                "words before the verb (auxiliaries, adverbs, governing verbs, subjects)"
            )
        if any(t.lower() in NEGATION for t in pat.after):
            raise UntranslatablePattern("negation after the verb")
        out: list[_Reading] = []
        for after in self.expand(pat.after):
            out += self.sequence_readings(pat.before, after)
            if len(out) >= MAX_ALTERNATIVES:
                break
        return out[:MAX_ALTERNATIVES]

    def expand(self, tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
        """The token sequences a pattern stands for: a synset of prepositions or particles (``&PREPOSIT1``)
        is spelled out, one sequence per member, as PETRARCH-2 does; noun synsets stay classes."""
        for i, t in enumerate(tokens):
            if t.startswith("&"):
                members = self.members(t)
                if members and all(m.lower() in PREPOSITIONS | PARTICLES for m in members):
                    return [x for m in members for x in self.expand((*tokens[:i], m, *tokens[i + 1 :]))]
        return [tokens]

    def sequence_readings(self, before: tuple[str, ...], after: tuple[str, ...]) -> list[_Reading]:
        phrases = self.phrases(after)
        actor: list[str] = []
        # "+ * FROM $", "+ * MONEY $": the target is the phrase before the verb, the grammatical subject
        # (the passive subject, which our "dobj" slot also names, or the active one).
        recipient: list[str] = ["dobj", "subj"] if "+" in before else []
        first = next((k for k, ph in enumerate(phrases) if ph.prep != "prt"), None)
        obj_k = first if first is not None and phrases[first].prep is None else None
        alternatives: list[list[_Reading]] = []
        for k, ph in enumerate(phrases):
            if ph.prep is None and k != obj_k:
                if ph.words:
                    raise UntranslatablePattern("a second noun phrase with no preposition after the verb")
                # "* MONEY $", "* {A MESSAGE} $": a marker after the object, where English puts the
                # source or target in a prepositional phrase or the indirect object.
                if ph.marker == "$":
                    actor.extend(LATER_SOURCE)
                elif ph.marker == "+":
                    recipient.extend(LATER_TARGET)
                continue
            if ph.prep == "of" and obj_k is not None and k == obj_k + 1 and phrases[obj_k].words and ph.words:
                continue  # "DISPATCH (OF &MILITARY)": folded into the object (see phrase_readings)
            slot = "dobj" if ph.prep is None else None if ph.prep == "prt" else f"prep:{ph.prep}"
            if ph.marker == "$" and slot:
                actor.append(slot)
            elif ph.marker == "+" and slot:
                recipient.append(slot)
            alternatives.append(self.phrase_readings(ph, k, phrases))
        out: list[_Reading] = []
        for combo in product(*alternatives):
            cons = tuple(c for r in combo for c in r.constraints)
            out.append(_Reading(_dedupe(cons), tuple(actor), tuple(recipient)))
            if len(out) >= MAX_ALTERNATIVES:
                break
        return out

    def phrases(self, tokens: tuple[str, ...]) -> list[_Phrase]:
        """Group the tokens after the verb into particles, the object and prepositional phrases."""
        out: list[_Phrase] = []
        i = 0
        while i < len(tokens):
            t = tokens[i]
            low = t.lower()
            nxt = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
            i += 1
            if t in ("}", ")") or low in DETERMINERS:
                continue
            if t == "{":
                # "{DOWN ARMS}", "{PEACE PLAN}": a noun phrase, whatever its words look like
                j = tokens.index("}", i) if "}" in tokens[i:] else len(tokens)
                words = [x for x in tokens[i:j] if x.lower() not in DETERMINERS and x not in "()"]
                i = j + 1
                last = out[-1] if out else None
                if last is not None and last.prep not in (None, "prt") and not last.words and not last.marker:
                    last.words.extend(words)  # "ON {&MILITARY PRESSURE}": the preposition's object
                else:
                    out.append(_Phrase(None, words))
                continue
            if t == "(":
                j = tokens.index(")", i) if ")" in tokens[i:] else len(tokens)
                inner = [x for x in tokens[i:j] if x not in "{}"]
                i = j + 1
                if inner:
                    ph = _Phrase(inner[0].lower())
                    for x in inner[1:]:
                        self._add(ph, x)
                    out.append(ph)
                continue
            if t in MARKERS:
                if out and out[-1].marker is None and out[-1].prep not in (None, "prt"):
                    out[-1].marker = t  # "FROM $": the preposition's object
                elif out and out[-1].prep is None and not out[-1].words and out[-1].marker is None:
                    out[-1].marker = t
                else:
                    out.append(_Phrase(None, [], t))
                continue
            particle = (
                low in PARTICLES
                and not any(p.prep != "prt" for p in out)
                and (low not in PREPOSITIONS or not nxt or nxt == "(" or nxt in PREPOSITIONS)
            )
            if particle:
                out.append(_Phrase("prt", [low]))
            elif low in PREPOSITIONS:
                out.append(_Phrase(low))
            elif not out or out[-1].marker is not None or out[-1].prep == "prt":
                out.append(_Phrase(None, [t]))
            else:
                out[-1].words.append(t)
        return out

    @staticmethod
    def _add(ph: _Phrase, tok: str) -> None:
        if tok in MARKERS:
            ph.marker = tok
        elif tok.lower() not in DETERMINERS:
            ph.words.append(tok)

    def phrase_readings(self, ph: _Phrase, k: int, phrases: list[_Phrase]) -> list[_Reading]:
        """The readings of one phrase (alternatives where the pattern does not say which word is what)."""
        if ph.prep == "prt":
            return [_Reading(c) for c in particle_constraints(ph.words[0])]
        if ph.prep is not None:
            return self.pp_readings(ph)
        if not ph.words:
            if ph.marker in ("$", "+"):
                return [_Reading((Constraint("obj", classes=("ACTOR",)),))]
            return [_Reading(())]
        *mods, head = ph.words
        of_pp = phrases[k + 1] if k + 1 < len(phrases) and phrases[k + 1].prep == "of" else None
        vals, classes = self.values(head)
        if of_pp is not None and of_pp.words:
            # "DISPATCH (OF &MILITARY)": the object's of-phrase is part of its keys ("dispatch of troop").
            inner = self.inline(of_pp.words[-1])
            vals = frozenset(f"{h} of {i.split()[-1]}" for h in self.inline(head) for i in inner)
            classes = ()
        obj = Constraint("obj", vals, classes)
        extra = tuple(Constraint("mod", self.modifier(m)) for m in mods)
        if mods or head.startswith("&") or of_pp is not None:
            readings = [_Reading((obj, *extra))]
            if not mods and head.startswith("&"):
                readings.append(_Reading((Constraint("mod", self.modifier(head)),)))
            return readings
        return [
            _Reading((obj,)),
            _Reading((Constraint("mod", self.modifier(head)),)),
            _Reading((Constraint("xcomp", frozenset({head.lower()})),)),
        ]

    def pp_readings(self, ph: _Phrase) -> list[_Reading]:
        prep = ph.prep or ""
        base = Constraint("prep", frozenset({prep}))
        if not ph.words:
            return [_Reading((base,))]
        head = ph.words[-1]
        vals, classes = self.values(head)
        if len(ph.words) > 1:
            # the object of the preposition with its nearest modifier ("(ON {&MILITARY PRESSURE})")
            mods = self.modifier(ph.words[-2])
            vals = frozenset(f"{m} {h.split()[-1]}" for m in mods for h in self.inline(head))
            classes = ()
        readings = [_Reading((base, Constraint("pobj", vals, classes, key=prep)))]
        if prep == "to" and len(ph.words) == 1 and not head.startswith("&"):
            readings.append(_Reading((Constraint("xcomp", frozenset({head.lower()})),)))
        return readings


def particle_constraints(word: str) -> list[tuple[Constraint, ...]]:
    """A verb's particle as the parser may attach it: a particle (``call off``), or a preposition when the
    word is one (``cordoned off the roads`` is often parsed with ``off`` as a preposition)."""
    out: list[tuple[Constraint, ...]] = [(Constraint("prt", frozenset({word})),)]
    if word in PREPOSITIONS:
        out.append((Constraint("prep", frozenset({word})),))
    return out


def _dedupe(cons: tuple[Constraint, ...]) -> tuple[Constraint, ...]:
    return tuple(dict.fromkeys(c for c in cons if c.values or c.classes or c.kind in ("noobj", "nocomp")))


# ------------------------------------------------------------------------------------------ translation


def translate(dictionary: VerbDictionary) -> VerbImport:
    """The trigger rows of a parsed verb dictionary (see :class:`VerbImport` for the order)."""
    report = dictionary.report
    tr = _Translator(dictionary.synsets, dictionary.source)
    skipped: Counter[str] = Counter()
    by_lemma: dict[str, tuple[list[tuple[int, int, TriggerRule]], list[TriggerRule]]] = {}
    n_verbs = n_patterns = 0
    order = 0
    for block in dictionary.blocks:
        readings: list[tuple[VerbPattern, list[_Reading]]] = []
        for pat in block.patterns:
            n_patterns += 1
            try:
                readings.append((pat, tr.readings(pat)))
            except UntranslatablePattern as e:
                skipped[str(e)] += 1
        for verb in block.verbs:
            n_verbs += 1
            code = verb.code or block.code
            prts = particle_constraints(verb.particles[0]) if verb.particles else [()]
            for lemma, prt in product(verb.lemmas, prts):
                pats, bases = by_lemma.setdefault(lemma, ([], []))
                for pat, reads in readings:
                    for r in reads:
                        order += 1
                        rule = _rule(
                            lemma,
                            prt + r.constraints,
                            pat.code,
                            r.actor,
                            r.recipient,
                            "%" in pat.before + pat.after,
                            pat.source,
                        )
                        pats.append((-len(rule.constraints), order, rule))
                if code.code is not None:
                    bases.append(_rule(lemma, prt, code, (), (), False, verb.source))
    rules: list[TriggerRule] = []
    for pats, bases in by_lemma.values():
        rules += [r for _, _, r in sorted(pats, key=lambda x: (x[0], x[1]))]
        rules += sorted(bases, key=lambda r: -len(r.constraints))
    codes = frozenset(c for r in rules for c in (r.cameo, r.reverse) if c)
    return VerbImport(
        dictionary.source,
        rules,
        dict(tr.classes),
        frozenset(by_lemma),
        codes,
        skipped,
        report,
        n_verbs,
        n_patterns,
    )


def _rule(
    lemma: str,
    constraints: tuple[Constraint, ...],
    code: VerbCode,
    actor: tuple[str, ...],
    recipient: tuple[str, ...],
    reciprocal: bool,
    source: str,
) -> TriggerRule:
    return TriggerRule(
        lemma=lemma,
        pos="V",
        constraints=constraints,
        cameo=code.code,
        actor=actor,
        recipient=recipient or PETRARCH_TARGETS,
        of_is_actor=False,
        source=source,
        words=(lemma,),
        reverse=code.reverse,
        reciprocal=reciprocal,
    )


def import_verbs(text: str, source: str, report: LoadReport | None = None) -> VerbImport:
    """Parse and translate a PETRARCH verb dictionary's text."""
    return translate(parse_petrarch_verbs(text, source, report))


# -------------------------------------------------------------------------------- codes outside CAMEO


def noncameo_rows(codes: Iterable[str], ontology: Ontology, source: str) -> dict[str, CameoCode]:
    """Ontology rows for a verb dictionary's codes that are not CAMEO codes (toy codes such as 903, 174K).

    The code is carried through as written, with no PLOVER type; its Goldstein score and quad class are
    those of its longest CAMEO prefix (``174K`` -> 174), else of its root when that is a CAMEO root, else 0.
    """
    out: dict[str, CameoCode] = {}
    for code in sorted(set(codes)):
        if ontology.is_valid(code):
            continue
        parent = next((code[:n] for n in range(len(code) - 1, 1, -1) if ontology.is_valid(code[:n])), None)
        prow = ontology.cameo(parent) if parent else None
        root = code[:2]
        quad = prow.quad_class if prow else (quad_class_of_root(root) if ontology.is_valid(root) else 0)
        out[code] = CameoCode(
            code=code,
            description=f"{code}: not a CAMEO code; from the PETRARCH verb dictionary {source}",
            goldstein=prow.goldstein if prow else 0.0,
            quad_class=quad,
            root=root,
            plover_event="",
            plover_mode=None,
            plover_context=(),
        )
    return out


def with_codes(ontology: Ontology, rows: Mapping[str, CameoCode]) -> Ontology:
    """A copy of ``ontology`` that also answers for ``rows`` (the built-in ontology is never changed)."""
    if not rows:
        return ontology
    return dataclasses.replace(ontology, cameo_codes=MappingProxyType({**ontology.cameo_codes, **rows}))


# ---------------------------------------------------------------------------------------------- writing

TSV_COLUMNS = ("lemma", "pos", "when", "cameo", "actor", "recipient", "of", "reverse", "reciprocal")


def constraint_text(c: Constraint, classes: Mapping[str, frozenset[str]]) -> str:
    """One constraint in triggers.tsv syntax, word classes written out (a TSV lexicon defines no classes)."""
    if not c.values and not c.classes:
        return c.kind
    vals = set(c.values)
    for cls in c.classes:
        if cls == "ACTOR":
            vals.add("@ACTOR")
        else:
            vals |= classes.get(cls, frozenset())
    name = f"{c.kind}:{c.key}" if c.key else c.kind
    return f"{name}={'|'.join(sorted(vals, key=lambda v: (v.startswith('@'), v)))}"


def rules_tsv(imp: VerbImport, ontology: Ontology, header_comment: str = "") -> tuple[str, int, int]:
    """The rows as a triggers.tsv lexicon: (text, rows written, rows commented out).

    Rows whose code is not a CAMEO code are written as ``#`` comments (a TSV lexicon holds CAMEO codes only;
    load the PETRARCH file itself to use its toy codes).
    """
    lines = [f"# {ln}" for ln in header_comment.splitlines()] + ["\t".join(TSV_COLUMNS)]
    written = commented = 0
    for r in imp.rules:
        cells = [
            r.lemma,
            r.pos,
            "; ".join(constraint_text(c, imp.classes) for c in r.constraints),
            r.cameo or "-",
            "|".join(r.actor),
            "|".join(r.recipient),
            "",
            r.reverse or "",
            "yes" if r.reciprocal else "",
        ]
        row = "\t".join(c.replace("\t", " ") for c in cells)
        bad = [c for c in (r.cameo, r.reverse) if c and not ontology.is_valid(c)]
        if bad:
            lines.append(f"# not a CAMEO code ({', '.join(bad)}), {r.source}: {row}")
            commented += 1
        else:
            lines.append(row)
            written += 1
    return "\n".join(lines) + "\n", written, commented


def write_rules_tsv(
    imp: VerbImport, ontology: Ontology, path: Path, header_comment: str = ""
) -> tuple[int, int]:
    """Write :func:`rules_tsv` to ``path``; (rows written, rows commented out)."""
    text, written, commented = rules_tsv(imp, ontology, header_comment)
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as e:
        raise DictionaryError(f"cannot write {path}: {e.strerror or e}") from e
    return written, commented
