"""What the coder's rules know about English and CAMEO, read from validated data tables (loaded once).

- ``data/lexicon/words.tsv``: named word sets (light verbs, occurrence verbs, pronouns, ...) → :class:`Words`;
- ``data/lexicon/auxiliaries.tsv``: one auxiliary table for modality, dates and speech acts →
  :class:`Auxiliaries`;
- ``data/lexicon/codes.tsv`` and ``authority_acts.tsv``: the CAMEO root groups the rules test and the codes
  they rewrite to → :class:`CodeTables`; sector groups come from ``data/ontology/sectors.tsv``;
- ``data/lexicon/confidence.tsv``: the confidence weights → :class:`ConfidenceWeights`;
- ``data/actors/org_name_sectors.tsv``: sector words in organisation names.

A set, weight or code name the code does not know, a missing one, an unknown code or sector is a
:class:`~eventwire.errors.DictionaryError` naming ``file:line``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .errors import DictionaryError
from .tables import builtin_text, split_list, tsv_rows

if TYPE_CHECKING:
    from .ontology import Ontology


@dataclass(frozen=True, slots=True)
class Words:
    """The named word sets of ``words.tsv`` (what each is for is said in the file)."""

    obligation_verbs: frozenset[str]
    light_verbs: frozenset[str]
    occurrence_verbs: frozenset[str]
    accusation_verbs: frozenset[str]
    accusing_verbs: frozenset[str]
    object_control_verbs: frozenset[str]
    container_nouns: frozenset[str]
    motion_verbs: frozenset[str]
    engage_verbs: frozenset[str]
    undergo_verbs: frozenset[str]
    act_nouns: frozenset[str]
    harm_verbs: frozenset[str]
    noun_subject_conflict_verbs: frozenset[str]
    dissent_stems: tuple[str, ...]
    locative_preps: tuple[str, ...]
    conditional_marks: frozenset[str]
    reported_adverbs: frozenset[str]
    negating_adverbs: frozenset[str]
    future_adjectives: frozenset[str]
    hypothetical_adjectives: frozenset[str]
    future_governors: frozenset[str]
    future_modifiers: frozenset[str]
    person_pronouns: frozenset[str]
    thing_pronouns: frozenset[str]
    plural_pronouns: frozenset[str]
    first_person: frozenset[str]
    relative_pronouns: frozenset[str]
    impersonal_adjectives: frozenset[str]
    age_units: frozenset[str]
    police_roles: frozenset[str]
    party_nouns: frozenset[str]
    quantity_nouns: frozenset[str]
    institution_nouns: frozenset[str]
    state_sector_nouns: frozenset[str]


@dataclass(frozen=True, slots=True)
class Auxiliaries:
    """``auxiliaries.tsv`` read by use: modality, the tense dates give, speech acts."""

    future: frozenset[str]
    """Make their clause future (modality)."""
    hypothetical: frozenset[str]
    """Make their clause hypothetical (modality)."""
    future_if_reported: frozenset[str]
    """Future under a speech verb, else hypothetical ("would")."""
    future_tense: frozenset[str]
    """Put the event in the future for its date."""
    past_tense: frozenset[str]
    """Put the event in the past for its date."""
    commits: frozenset[str]
    """A speaker announcing their own action with one of these states an intent (or a refusal)."""


@dataclass(frozen=True, slots=True)
class CodeTables:
    """The CAMEO root groups the coder's rules test, the codes they rewrite to, and the sector groups."""

    violent_roots: tuple[str, ...]
    harm_roots: tuple[str, ...]
    aggression_roots: tuple[str, ...]
    coercion_roots: tuple[str, ...]
    no_inner_recipient_roots: tuple[str, ...]
    refusable_roots: tuple[str, ...]
    cooperative_roots: tuple[str, ...]
    conflict_roots: tuple[str, ...]
    protest_roots: tuple[str, ...]
    protest_aim_roots: tuple[str, ...]
    force_roots: tuple[str, ...]
    joint_fighting_from: str
    joint_fighting: str
    repression: str
    accusation: str
    accused_of_aggression: str
    accused_of_coercion: str
    claim_of_responsibility: str
    unnamed_intent: str
    unnamed_demand: str
    approval: str
    disapproval: str
    pessimism: str
    authority_acts: dict[str, str]
    """CAMEO code -> the sector of the authorities that alone perform it; ``code:lemma`` keys name the
    sector for one trigger word ("173:sentence" -> JUD: courts sentence, police arrest)."""
    armed_sectors: frozenset[str]
    rebel_sectors: frozenset[str]
    civil_sectors: frozenset[str]
    state_sectors: frozenset[str]
    authority_sectors: frozenset[str]
    civilian_sectors: frozenset[str]
    media_sectors: frozenset[str]
    law_sectors: frozenset[str]


@dataclass(frozen=True, slots=True)
class ConfidenceWeights:
    """``confidence.tsv``: how an event's confidence is scored."""

    base: float
    actor_with_country_or_org: float
    actor_without: float
    recipient: float
    specific_rule: float
    actor_inferred: float
    not_asserted: float
    depth_step: float
    depth_cap: float
    floor: float
    ceiling: float


def _named(rows: list[tuple[str, str, Any]], cls: type[Any], source: str) -> Any:
    """Build ``cls`` from (where, name, value) rows: every field once, no other name."""
    fields = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for where, name, value in rows:
        if name not in fields:
            raise DictionaryError(f"{where}: unknown name {name!r}; known: {', '.join(sorted(fields))}")
        if name in values:
            raise DictionaryError(f"{where}: {name!r} is given twice")
        values[name] = value
    missing = sorted(fields - set(values))
    if missing:
        raise DictionaryError(f"{source}: missing {', '.join(missing)}")
    return cls(**values)


@lru_cache(maxsize=1)
def load_words() -> Words:
    """The word sets of ``data/lexicon/words.tsv``."""
    ordered = {"dissent_stems", "locative_preps"}
    rows = []
    for where, r in tsv_rows(builtin_text("lexicon", "words.tsv"), "words.tsv", ("set", "words")):
        words = split_list(r["words"])
        if not words:
            raise DictionaryError(f"{where}: the set {r['set']!r} lists no words")
        rows.append((where, r["set"], words if r["set"] in ordered else frozenset(words)))
    words_: Words = _named(rows, Words, "words.tsv")
    return words_


_MODALITIES = ("future", "hypothetical", "future-if-reported", "-")
_TENSES = ("future", "past", "-")


@lru_cache(maxsize=1)
def load_auxiliaries() -> Auxiliaries:
    """The auxiliary table of ``data/lexicon/auxiliaries.tsv``."""
    cols = ("word", "modality", "tense", "commits")
    by: dict[str, set[str]] = {k: set() for k in ("future", "hypothetical", "future-if-reported", "past")}
    tense: set[str] = set()
    commits: set[str] = set()
    for where, r in tsv_rows(builtin_text("lexicon", "auxiliaries.tsv"), "auxiliaries.tsv", cols):
        word, mod, ten, com = r["word"], r["modality"], r["tense"], r["commits"]
        if mod not in _MODALITIES or ten not in _TENSES or com not in ("yes", "no"):
            raise DictionaryError(
                f"{where}: modality must be one of {', '.join(_MODALITIES)}, tense one of "
                f"{', '.join(_TENSES)}, commits yes or no; got {mod!r} {ten!r} {com!r}"
            )
        if mod != "-":
            by[mod].add(word)
        if ten == "future":
            tense.add(word)
        elif ten == "past":
            by["past"].add(word)
        if com == "yes":
            commits.add(word)
    return Auxiliaries(
        future=frozenset(by["future"]),
        hypothetical=frozenset(by["hypothetical"]),
        future_if_reported=frozenset(by["future-if-reported"]),
        future_tense=frozenset(tense),
        past_tense=frozenset(by["past"]),
        commits=frozenset(commits),
    )


def load_codes(ontology: Ontology) -> CodeTables:
    """The code tables, every code checked against ``ontology`` (read with the lexicon, once per process)."""
    rows: list[tuple[str, str, Any]] = []
    cols = ("kind", "name", "codes")
    for where, r in tsv_rows(builtin_text("lexicon", "codes.tsv"), "codes.tsv", cols):
        codes = split_list(r["codes"])
        for code in codes:
            _check_code(code, where, ontology)
        if r["kind"] == "group":
            rows.append((where, r["name"], codes))
        elif r["kind"] == "code" and len(codes) == 1:
            rows.append((where, r["name"], codes[0]))
        else:
            raise DictionaryError(
                f"{where}: kind must be group (codes) or code (one code), got {r['kind']!r}"
            )
    acts: dict[str, str] = {}
    text = builtin_text("lexicon", "authority_acts.tsv")
    for where, r in tsv_rows(text, "authority_acts.tsv", ("cameo", "sector")):
        _check_code(r["cameo"], where, ontology)
        if r["sector"] not in ontology.sector_details:
            raise DictionaryError(
                f"{where}: {r['sector']!r} is not a sector code (data/ontology/sectors.tsv)"
            )
        acts[r["cameo"]] = acts.get(r["cameo"], r["sector"])
        for word in split_list(r.get("words", "")):
            acts[f"{r['cameo']}:{word}"] = r["sector"]
    rows.append(("authority_acts.tsv", "authority_acts", acts))
    for group in ("armed", "rebel", "civil", "state", "authority", "civilian", "media", "law"):
        rows.append(("sectors.tsv", f"{group}_sectors", ontology.sector_group(group)))
    tables: CodeTables = _named(rows, CodeTables, "codes.tsv")
    return tables


def _check_code(code: str, where: str, ontology: Ontology) -> None:
    if not ontology.is_valid(code) or ontology.normalize(code) != code:
        raise DictionaryError(f"{where}: {code!r} is not a CAMEO code (see data/ontology/cameo.tsv)")


@lru_cache(maxsize=1)
def load_confidence() -> ConfidenceWeights:
    """The confidence weights of ``data/lexicon/confidence.tsv``."""
    rows = []
    for where, r in tsv_rows(
        builtin_text("lexicon", "confidence.tsv"), "confidence.tsv", ("weight", "value")
    ):
        try:
            value = float(r["value"])
        except ValueError as e:
            raise DictionaryError(f"{where}: {r['value']!r} is not a number") from e
        rows.append((where, r["weight"], value))
    weights: ConfidenceWeights = _named(rows, ConfidenceWeights, "confidence.tsv")
    return weights


@lru_cache(maxsize=1)
def load_org_name_sectors() -> tuple[tuple[str, str], ...]:
    """(word, sector) pairs of ``data/actors/org_name_sectors.tsv``, in priority order."""
    from .ontology import load_ontology

    sectors = load_ontology().sector_details
    out = []
    text = builtin_text("actors", "org_name_sectors.tsv")
    for where, r in tsv_rows(text, "org_name_sectors.tsv", ("word", "sector")):
        if r["sector"] not in sectors:
            raise DictionaryError(
                f"{where}: {r['sector']!r} is not a sector code (data/ontology/sectors.tsv)"
            )
        out.append((r["word"], r["sector"]))
    return tuple(out)
