"""The event lexicon: trigger words, governors, word classes and the intent table, read from data files.

All of it is data under ``eventwire/data/lexicon/`` (TSV with a header and ``#`` comments); users extend it
with ``--lexicon FILE``: a TSV with the triggers' columns (its rows are tried before the built-in ones), or a
PETRARCH verb dictionary (recognised by its ``--- VERB [CODE] ---`` blocks and read through
:mod:`eventwire.events.petrarch_verbs`; the verbs it defines are coded by it alone, and codes it uses that are
not CAMEO codes are carried through, see docs/events.md). Parsing happens once per process
(``load_lexicon`` is cached per file set).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DictionaryError
from ..knowledge import (
    Auxiliaries,
    CodeTables,
    ConfidenceWeights,
    Words,
    load_auxiliaries,
    load_codes,
    load_confidence,
    load_words,
)
from ..ontology import Ontology, load_ontology
from .slots import slot_error
from .syntax import governor_pos

if TYPE_CHECKING:
    from spacy.tokens import Token

GOVERNOR_CLASSES = frozenset(
    {
        "APPEAL",
        "DEMAND",
        "INTENT",
        "PLAN",
        "REFUSE",
        "THREATEN",
        "DENY",
        "FAIL",
        "HYPO",
        "TRANSPARENT",
        "SPEECH",
        "ORDER",
    }
)
# Which intent.tsv column each governor class reads.
CLASS_COLUMN = {
    "APPEAL": "appeal",
    "DEMAND": "demand",
    "INTENT": "intent",
    "PLAN": "intent",
    "REFUSE": "reject",
    "THREATEN": "threaten",
}
# Governor classes that give a verb a speech-act code of its own (02x, 10x, 03x, 12x, 13x): an imported verb
# dictionary replaces them for its verbs. The others (PLAN, DENY, FAIL, HYPO, TRANSPARENT, SPEECH) only say
# how their content is reported (modality, attribution), and stay.
CODING_CLASSES = frozenset({"APPEAL", "DEMAND", "INTENT", "REFUSE", "THREATEN"})
GENERIC = {"appeal": "020", "intent": "030", "demand": "100", "reject": "120", "threaten": "130"}


@dataclass(frozen=True, slots=True)
class Constraint:
    """One condition of a trigger row (``obj=@AID``, ``prep=with``, ``noobj``...)."""

    kind: str
    values: frozenset[str] = frozenset()
    classes: tuple[str, ...] = ()
    key: str = ""


@dataclass(frozen=True, slots=True)
class TriggerRule:
    """One row of triggers.tsv: a lemma with constraints, its CAMEO code and argument slots."""

    lemma: str
    pos: str
    constraints: tuple[Constraint, ...]
    cameo: str | None
    actor: tuple[str, ...]
    recipient: tuple[str, ...]
    of_is_actor: bool
    source: str
    words: tuple[str, ...] = ()
    reverse: str | None = None
    """PETRARCH ``[a:b]`` pairs: the code of the event from the recipient back to the actor."""
    reciprocal: bool = False
    """PETRARCH ``%``: the event holds between the members of a compound actor, each way."""

    @property
    def label(self) -> str:
        return f"lexicon:{self.source}"


@dataclass(frozen=True, slots=True)
class Governor:
    """One row of governors.tsv."""

    lemma: str
    pos: str
    cls: str
    own: str | None
    recipient: tuple[str, ...]
    content: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Lexicon:
    """Triggers by (lemma, pos), governors by (lemma, pos), classes and the intent table."""

    triggers: dict[tuple[str, str], tuple[TriggerRule, ...]]
    multiword: dict[str, tuple[TriggerRule, ...]]
    governors: dict[tuple[str, str], tuple[Governor, ...]]
    classes: dict[str, frozenset[str]]
    class_content: tuple[tuple[str, str], ...]
    intent: dict[str, dict[str, str]]
    ontology: Ontology = field(repr=False)
    words: Words = field(repr=False)
    aux: Auxiliaries = field(repr=False)
    codes: CodeTables = field(repr=False)
    confidence: ConfidenceWeights = field(repr=False)
    warnings: tuple[str, ...] = ()
    """Lines of extra lexicon files that were skipped or read approximately (``file:line: why``)."""

    def rules(self, lemma: str, pos: str) -> tuple[TriggerRule, ...]:
        return self.triggers.get((lemma, pos), ())

    def governor(self, lemma: str, pos: str) -> tuple[Governor, ...]:
        return self.governors.get((lemma, pos), ())

    def transform(self, content_code: str, cls: str) -> str:
        """The code of an appeal/intent/demand/rejection/threat about ``content_code`` (CAMEO's parallels)."""
        column = CLASS_COLUMN[cls]
        for n in range(len(content_code), 1, -1):
            row = self.intent.get(content_code[:n])
            if row is not None:
                value = row.get(column, "")
                if value == "keep":
                    return content_code
                return value or GENERIC[column]
        return GENERIC[column]

    def lemma_of(self, tok: Token) -> str:
        """The token's lemma, mended where the small model clips it ("cordoned" -> "cordone" -> "cordon")."""
        lemma = tok.lemma_.lower()
        if tok.pos_ == "VERB" and (lemma, "V") not in self.triggers and (lemma[:-1], "V") in self.triggers:
            return lemma[:-1]
        if (
            tok.pos_ == "VERB"
            and lemma not in self.words.light_verbs
            and (lemma, "V") not in self.triggers
            and (lemma + "e", "V") in self.triggers
        ) or (tok.pos_ == "VERB" and lemma + "e" in self.words.light_verbs):
            return lemma + "e"
        return lemma

    def governors_of(self, tok: Token) -> tuple[Governor, ...]:
        """The governor rows for a token (by its mended lemma and part of speech)."""
        pos = governor_pos(tok)
        if pos is None:
            return ()
        return self.governor(self.lemma_of(tok), pos)

    def in_class(self, lemma: str, cls: str) -> bool:
        return lemma in self.classes.get(cls, frozenset())

    def content_code(self, *keys: str) -> tuple[str, str] | None:
        """(code, class) for a content noun with no trigger of its own ("called for restraint" -> 087)."""
        for cls, code in self.class_content:
            members = self.classes[cls]
            for k in keys:
                if k in members:
                    return code, cls
        return None


def _rows(text: str, name: str) -> Iterator[tuple[int, dict[str, str]]]:
    lines = [
        (i, ln) for i, ln in enumerate(text.splitlines(), 1) if ln.strip() and not ln.lstrip().startswith("#")
    ]
    if not lines:
        return
    header = lines[0][1].split("\t")
    for lineno, line in lines[1:]:
        cells = line.split("\t")
        if len(cells) > len(header):
            raise DictionaryError(f"{name}:{lineno}: {len(cells)} columns, the header has {len(header)}")
        yield (
            lineno,
            dict(zip(header, [c.strip() for c in cells] + [""] * (len(header) - len(cells)), strict=True)),
        )


def _split(value: str) -> tuple[str, ...]:
    if not value or value == "-":
        return ()
    return tuple(v.strip() for v in value.split("|") if v.strip())


def _constraints(spec: str, where: str) -> tuple[Constraint, ...]:
    out: list[Constraint] = []
    for part in (p.strip() for p in spec.split(";")):
        if not part or part == "-":
            continue
        if "=" not in part:
            if part not in ("noobj", "nocomp"):
                raise DictionaryError(f"{where}: unknown constraint {part!r}")
            out.append(Constraint(kind=part))
            continue
        name, _, value = part.partition("=")
        key = ""
        if ":" in name:
            name, _, key = name.partition(":")
        if name not in ("obj", "prep", "prt", "mod", "subj", "xcomp", "pobj", "comp"):
            raise DictionaryError(f"{where}: unknown constraint {name!r} in {part!r}")
        vals = _split(value)
        out.append(
            Constraint(
                kind=name,
                key=key,
                values=frozenset(v for v in vals if not v.startswith("@")),
                classes=tuple(v[1:] for v in vals if v.startswith("@")),
            )
        )
    return tuple(out)


def _slots(value: str, where: str, column: str) -> tuple[str, ...]:
    """A slot list cell, every slot checked (see :mod:`.slots`)."""
    slots = _split(value)
    for slot in slots:
        why = slot_error(slot)
        if why is not None:
            raise DictionaryError(f"{where}: {column}: {why}")
    return slots


def _read_triggers(text: str, name: str, ontology: Ontology) -> list[TriggerRule]:
    rules = []
    for lineno, row in _rows(text, name):
        where = f"{name}:{lineno}"
        lemma, pos = row.get("lemma", ""), row.get("pos", "")
        if not lemma or pos not in ("V", "N", "A"):
            raise DictionaryError(f"{where}: need a lemma and pos V, N or A, got {lemma!r} {pos!r}")
        cameo = _cameo(row.get("cameo", ""), where, ontology)
        rules.append(
            TriggerRule(
                lemma=lemma.lower(),
                pos=pos,
                constraints=_constraints(row.get("when", ""), where),
                cameo=cameo,
                actor=_slots(row.get("actor", ""), where, "actor"),
                recipient=_slots(row.get("recipient", ""), where, "recipient"),
                of_is_actor=_of_column(row.get("of", ""), where),
                source=where,
                words=tuple(lemma.lower().split()),
                reverse=_cameo(row.get("reverse", ""), where, ontology),
                reciprocal=row.get("reciprocal", "") in ("yes", "%"),
            )
        )
    return rules


def _cameo(code: str, where: str, ontology: Ontology) -> str | None:
    """A trigger row's CAMEO code (``cameo`` or ``reverse`` column); ``-`` or empty is none."""
    if not code or code == "-":
        return None
    if not ontology.is_valid(code):
        raise DictionaryError(f"{where}: {code!r} is not a CAMEO code (see data/ontology/cameo.tsv)")
    return ontology.normalize(code)


CONTENT_SLOTS = ("xcomp", "ccomp", "acl", "dobj")


def _content_slots(value: str, where: str) -> tuple[str, ...]:
    slots = _split(value)
    for slot in slots:
        if slot not in CONTENT_SLOTS and not (slot.startswith("prep:") and len(slot) > 5):
            raise DictionaryError(
                f"{where}: content: unknown slot {slot!r} (known: {', '.join(CONTENT_SLOTS)}, prep:WORD)"
            )
    return slots


def _of_column(value: str, where: str) -> bool:
    if value not in ("", "-", "a", "r"):
        raise DictionaryError(f"{where}: of must be a (actor) or r (recipient), got {value!r}")
    return value == "a"


def _read_governors(text: str, name: str, ontology: Ontology) -> list[Governor]:
    out = []
    for lineno, row in _rows(text, name):
        where = f"{name}:{lineno}"
        cls = row.get("class", "")
        if cls not in GOVERNOR_CLASSES:
            raise DictionaryError(f"{where}: unknown governor class {cls!r}")
        pos = row.get("pos", "V")
        if pos not in ("V", "N", "A"):
            raise DictionaryError(f"{where}: pos must be V, N or A, got {pos!r}")
        out.append(
            Governor(
                lemma=row["lemma"].lower(),
                pos=pos,
                cls=cls,
                own=_cameo(row.get("own", ""), where, ontology),
                recipient=_slots(row.get("recipient", ""), where, "recipient"),
                content=_content_slots(row.get("content", ""), where),
                source=where,
            )
        )
    return out


def _read_classes(ontology: Ontology) -> list[dict[str, str]]:
    out = []
    for lineno, row in _rows(_builtin("classes.tsv"), "classes.tsv"):
        where = f"classes.tsv:{lineno}"
        if not row.get("class") or not _split(row.get("lemmas", "")):
            raise DictionaryError(f"{where}: a class needs a name and lemmas")
        _cameo(row.get("content", ""), where, ontology)
        out.append(row)
    return out


def _read_intent(ontology: Ontology) -> dict[str, dict[str, str]]:
    intent = {}
    for lineno, row in _rows(_builtin("intent.tsv"), "intent.tsv"):
        where = f"intent.tsv:{lineno}"
        _cameo(row.get("prefix", ""), where, ontology)
        for column in GENERIC:
            if row.get(column, "") != "keep":
                _cameo(row.get(column, ""), where, ontology)
        intent[row["prefix"]] = row
    return intent


def _builtin(name: str) -> str:
    return resources.files("eventwire").joinpath("data", "lexicon", name).read_text(encoding="utf-8")


@lru_cache(maxsize=8)
def load_lexicon(extra_files: tuple[Path, ...] = ()) -> Lexicon:
    """The built-in lexicon, extended by ``extra_files``: trigger TSVs, whose rows take precedence, and
    PETRARCH verb dictionaries, whose verbs replace the built-in rows (triggers and composing governors) for
    the same verb lemma. Files earlier in the tuple win over later ones."""
    from .petrarch_verbs import import_verbs, is_petrarch_verbs, noncameo_rows, with_codes

    ontology = load_ontology()
    rules: list[TriggerRule] = []
    classes: dict[str, frozenset[str]] = {}
    shadowed: set[str] = set()
    warnings: list[str] = []
    for path in extra_files:
        text = _read_extra(Path(path))
        name = Path(path).name
        if not is_petrarch_verbs(text):
            rules.extend(_read_triggers(text, name, ontology))
            continue
        imp = import_verbs(text, name)
        rules.extend(r for r in imp.rules if r.lemma not in shadowed)
        shadowed |= imp.lemmas
        classes.update(imp.classes)
        ontology = with_codes(ontology, noncameo_rows(imp.codes, ontology, name))
        warnings.extend(imp.report.warnings)
        warnings.extend(f"{name}: {n} pattern(s) not translated: {why}" for why, n in imp.skipped.items())
    rules.extend(
        r
        for r in _read_triggers(_builtin("triggers.tsv"), "triggers.tsv", ontology)
        if not (r.pos == "V" and r.lemma in shadowed)
    )
    by_key: dict[tuple[str, str], list[TriggerRule]] = {}
    multi: dict[str, list[TriggerRule]] = {}
    for r in rules:
        if len(r.words) > 1:
            multi.setdefault(r.words[-1], []).append(r)
        else:
            by_key.setdefault((r.lemma, r.pos), []).append(r)
    governors: dict[tuple[str, str], list[Governor]] = {}
    for g in _read_governors(_builtin("governors.tsv"), "governors.tsv", ontology):
        if g.pos == "V" and g.lemma in shadowed and g.cls in CODING_CLASSES:
            continue  # the imported verb dictionary says what this verb codes
        governors.setdefault((g.lemma, g.pos), []).append(g)
    class_rows = _read_classes(ontology)
    classes.update({row["class"]: frozenset(_split(row["lemmas"])) for row in class_rows})
    class_content = tuple((row["class"], row["content"]) for row in class_rows if row.get("content"))
    intent = _read_intent(ontology)
    return Lexicon(
        triggers={k: tuple(v) for k, v in by_key.items()},
        multiword={k: tuple(v) for k, v in multi.items()},
        governors={k: tuple(v) for k, v in governors.items()},
        classes=classes,
        class_content=class_content,
        intent=intent,
        ontology=ontology,
        words=load_words(),
        aux=load_auxiliaries(),
        codes=load_codes(ontology),
        confidence=load_confidence(),
        warnings=tuple(warnings),
    )


def _read_extra(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DictionaryError(f"cannot read lexicon {path}: {e}") from e
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # old PETRARCH/TABARI files are not always UTF-8


def iter_codes(lexicon: Lexicon) -> Iterable[str]:
    """Every CAMEO code some trigger row can emit (for coverage checks)."""
    for rules in (*lexicon.triggers.values(), *lexicon.multiword.values()):
        for r in rules:
            if r.cameo:
                yield r.cameo
