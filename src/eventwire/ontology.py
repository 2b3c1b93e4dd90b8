"""The event ontology as data: CAMEO codes, Goldstein scores, quad classes, PLOVER 0.8 types, modes, contexts
and actor sectors, read from the TSV tables in ``eventwire/data/ontology/``.

One source of truth: every coder takes CAMEO and PLOVER fields from the same :class:`CameoCode` row, so the
two codings never disagree. Nothing is read at import; :func:`load_ontology` reads the tables on first use
and keeps the built-in ontology for the life of the process. Users extend or override CAMEO rows with their
own file in the same format (``load_ontology(Path("my_codes.tsv"))``). See docs/ontology.md.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from .errors import OntologyError, OntologyFileError
from .tables import tsv_rows

CAMEO_COLUMNS: tuple[str, ...] = (
    "code",
    "description",
    "goldstein",
    "quad_class",
    "plover_event",
    "plover_mode",
    "plover_context",
)
"""The columns of ``cameo.tsv`` and of a user's extension file (order free, all required)."""

LEGACY_PLOVER_NAMES: Mapping[str, str] = MappingProxyType(
    {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
)
"""Pre-0.8 PLOVER type names (e.g. in the 2016 PLOVER gold records) and their 0.8 equivalents."""

_CODE_RE = re.compile(r"^\d{2,4}$")


@dataclass(frozen=True, slots=True)
class CameoCode:
    """One CAMEO event code with its Goldstein score, quad class and PLOVER 0.8 equivalent.

    ``plover_event`` is ``""`` for the CAMEO statement codes that PLOVER 0.8 has no type for (01, 010-015,
    017); ``plover_mode`` is ``None`` when the code implies no mode.
    """

    code: str
    description: str
    goldstein: float
    quad_class: int
    root: str
    plover_event: str
    plover_mode: str | None
    plover_context: tuple[str, ...]

    @property
    def is_root(self) -> bool:
        """True for the 20 two-digit cue categories."""
        return len(self.code) == 2

    @property
    def in_plover(self) -> bool:
        """True when the code has a PLOVER 0.8 event type."""
        return bool(self.plover_event)


@dataclass(frozen=True, slots=True)
class PloverType:
    """A PLOVER 0.8 event type, with its quad class, whether it needs a recipient and its modes.

    ``score`` is the PLOVER conflict/cooperation score with no mode; ``cameo_default`` the generic CAMEO
    code eventwire emits for the type when nothing more specific is known.
    """

    name: str
    definition: str
    quad_class: int
    requires_recipient: bool
    modes: tuple[str, ...]
    score: float = 0.0
    cameo_default: str = ""


@dataclass(frozen=True, slots=True)
class PloverMode:
    """A PLOVER 0.8 mode of one event type (``None`` score/CAMEO code where the tables give none)."""

    event: str
    name: str
    definition: str
    score: float | None
    cameo_default: str | None


SECTOR_GROUPS = ("armed", "rebel", "civil", "state", "authority", "civilian", "media", "law")


@dataclass(frozen=True, slots=True)
class Sector:
    """An actor sector code; ``plover`` is ``sector``, ``country`` (a PLOVER non-state code) or ``no``."""

    code: str
    description: str
    kind: str
    plover: str
    cameo: bool
    groups: tuple[str, ...] = ()
    """The sector groups the coder's rules name (see ``SECTOR_GROUPS``)."""


def quad_class_of_root(root: str) -> int:
    """The GDELT quad class of a CAMEO root: 1 = 01-05, 2 = 06-08, 3 = 09-13, 4 = 14-20."""
    r = int(root)
    if not 1 <= r <= 20:
        raise OntologyError(f"unknown CAMEO root {root!r}: roots run from 01 to 20")
    return 1 if r <= 5 else 2 if r <= 8 else 3 if r <= 13 else 4


def pentaclass_of_root(root: str) -> int:
    """The ConfliBERT five-way class of a CAMEO root.

    0 = 01-02 (statements, appeals), 1 = 03-05, 2 = 06-08, 3 = 09-13 and 16, 4 = 14, 15 and 17-20.
    """
    r = int(root)
    if not 1 <= r <= 20:
        raise OntologyError(f"unknown CAMEO root {root!r}: roots run from 01 to 20")
    if r <= 2:
        return 0
    if r <= 5:
        return 1
    if r <= 8:
        return 2
    return 3 if r <= 13 or r == 16 else 4


@dataclass(frozen=True, slots=True)
class Ontology:
    """The loaded tables (read-only mappings) and lookups over them. Get one with :func:`load_ontology`."""

    cameo_codes: Mapping[str, CameoCode]
    plover_types: Mapping[str, PloverType]
    modes: Mapping[tuple[str, str], str]
    contexts: Mapping[str, str]
    sectors: Mapping[str, str]
    mode_details: Mapping[tuple[str, str], PloverMode]
    sector_details: Mapping[str, Sector]

    def normalize(self, code: str) -> str:
        """The code as the tables spell it: surrounding space removed and a lone digit padded ("4" -> "04").

        Nothing else is guessed: "43" is not read as "043" because "12" could be root 12 or "012" with its
        zero lost, so a code that lost its leading zero is an error (with a hint) rather than a silent guess.
        """
        c = str(code).strip()
        return "0" + c if len(c) == 1 and c.isdigit() else c

    def sector_group(self, group: str) -> frozenset[str]:
        """The sector codes in a group of ``sectors.tsv`` (``armed``, ``state``...; see ``SECTOR_GROUPS``)."""
        return frozenset(code for code, s in self.sector_details.items() if group in s.groups)

    def is_valid(self, code: str) -> bool:
        """True when ``code`` (after :meth:`normalize`) is a CAMEO code in the tables."""
        return self.normalize(code) in self.cameo_codes

    def cameo(self, code: str) -> CameoCode:
        """The row for a CAMEO code; raises :class:`OntologyError` saying why and what was meant."""
        c = self.normalize(code)
        row = self.cameo_codes.get(c)
        if row is not None:
            return row
        if not c.isdigit():
            raise OntologyError(
                f"unknown CAMEO code {code!r}: CAMEO codes are 2-4 digits, such as '04' or '043'"
            )
        hint = ""
        if "0" + c in self.cameo_codes:
            hint = f"; did you mean '0{c}'? CAMEO codes keep their leading zero"
        elif len(c) >= 3 and c[:-1] in self.cameo_codes:
            hint = (
                f"; its parent '{c[:-1]}' exists (children: {', '.join(self._child_codes(c[:-1])) or 'none'})"
            )
        raise OntologyError(
            f"unknown CAMEO code {code!r}{hint} (add it with an extension file: see docs/ontology.md)"
        )

    def root(self, code: str) -> str:
        """The two-digit root (cue category) of a CAMEO code."""
        return self.cameo(code).root

    def children(self, code: str) -> list[CameoCode]:
        """The direct children of a CAMEO code (one digit longer), in code order; [] for a leaf."""
        parent = self.cameo(code).code
        return [self.cameo_codes[c] for c in self._child_codes(parent)]

    def _child_codes(self, parent: str) -> list[str]:
        n = len(parent) + 1
        return [c for c in self.cameo_codes if len(c) == n and c.startswith(parent)]

    def pentaclass(self, code: str) -> int:
        """The ConfliBERT five-way class of a code (see :func:`pentaclass_of_root`)."""
        return pentaclass_of_root(self.cameo(code).root)

    def plover(self, event: str) -> PloverType:
        """A PLOVER type by name (case-insensitive; pre-0.8 names such as DEMAND are accepted)."""
        name = str(event).strip().upper()
        name = LEGACY_PLOVER_NAMES.get(name, name)
        t = self.plover_types.get(name)
        if t is None:
            raise OntologyError(
                f"unknown PLOVER event type {event!r}: PLOVER 0.8 has {', '.join(self.plover_types)}"
            )
        return t

    def _mode(self, t: PloverType, mode: str) -> PloverMode:
        m = self.mode_details.get((t.name, mode.strip().lower()))
        if m is None:
            valid = ", ".join(t.modes) or "no modes"
            raise OntologyError(f"unknown mode {mode!r} for PLOVER {t.name}: it has {valid}")
        return m

    def plover_to_cameo_default(self, event: str, mode: str | None = None) -> str:
        """The generic CAMEO code for a PLOVER type (and mode), for coders that only know PLOVER.

        With a mode that has its own ``cameo_default`` in plover_modes.tsv that code is returned (ASSAULT
        firearms -> 193), else the type's default from plover_types.tsv (ASSAULT -> 180).
        """
        t = self.plover(event)
        if mode:
            m = self._mode(t, mode)
            if m.cameo_default:
                return m.cameo_default
        return t.cameo_default

    def plover_score(self, event: str, mode: str | None = None) -> float:
        """The PLOVER conflict/cooperation score of a type, or of type+mode where the manual gives one."""
        t = self.plover(event)
        if mode:
            m = self._mode(t, mode)
            if m.score is not None:
                return m.score
        return t.score

    def extended(self, path: Path) -> Ontology:
        """A copy with the rows of a user's CAMEO file added or overriding rows with the same code."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise OntologyFileError(f"cannot read ontology extension {p}: {e}") from e
        rows = dict(self.cameo_codes)
        rows.update(_parse_cameo(text, str(p), self.plover_types, self.mode_details, self.contexts))
        return _assemble(
            rows,
            self.plover_types,
            self.mode_details,
            self.contexts,
            self.sector_details,
            str(p),
        )


# ---- reading the tables -------------------------------------------------------------------------------


def _rows(text: str, source: str, required: tuple[str, ...]) -> Iterator[tuple[str, dict[str, str]]]:
    """The data rows of a TSV table as (``file:line``, column -> value); ``#`` lines and blanks skipped."""
    return tsv_rows(text, source, required, OntologyFileError)


def _float(value: str, where: str, column: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise OntologyFileError(f"{where}: {column} must be a number, got {value!r}") from None


def _parse_cameo(
    text: str,
    source: str,
    types: Mapping[str, PloverType],
    modes: Mapping[tuple[str, str], PloverMode],
    contexts: Mapping[str, str],
) -> dict[str, CameoCode]:
    """Parse and check CAMEO rows: code shape, Goldstein range, quad class, PLOVER type, mode, contexts."""
    out: dict[str, CameoCode] = {}
    for where, r in _rows(text, source, CAMEO_COLUMNS):
        code = r["code"]
        if not _CODE_RE.match(code) or not 1 <= int(code[:2]) <= 20:
            raise OntologyFileError(f"{where}: code {code!r} is not a CAMEO code (2-4 digits, root 01-20)")
        if code in out:
            raise OntologyFileError(f"{where}: code {code} appears twice in {source}")
        goldstein = _float(r["goldstein"], where, "goldstein")
        if not -10.0 <= goldstein <= 10.0:
            raise OntologyFileError(f"{where}: goldstein {goldstein} is outside -10..10")
        quad = quad_class_of_root(code[:2])
        if r["quad_class"] != str(quad):
            raise OntologyFileError(
                f"{where}: quad_class of {code} must be {quad} (the quad class follows the root {code[:2]})"
            )
        event, mode = r["plover_event"].upper(), r["plover_mode"].lower()
        if event and event not in types:
            raise OntologyFileError(
                f"{where}: unknown PLOVER type {event!r}; use one of {', '.join(types)} or leave it empty"
            )
        if mode and (event, mode) not in modes:
            valid = ", ".join(types[event].modes) if event else "none without a type"
            raise OntologyFileError(
                f"{where}: mode {mode!r} is not a mode of {event or 'an empty type'} ({valid})"
            )
        ctx = tuple(c.strip().lower() for c in r["plover_context"].split(",") if c.strip())
        unknown = [c for c in ctx if c not in contexts]
        if unknown:
            raise OntologyFileError(
                f"{where}: unknown context(s) {', '.join(unknown)}; see plover_contexts.tsv for the list"
            )
        if not r["description"]:
            raise OntologyFileError(f"{where}: code {code} has no description")
        out[code] = CameoCode(code, r["description"], goldstein, quad, code[:2], event, mode or None, ctx)
    return out


def _assemble(
    rows: Mapping[str, CameoCode],
    types: Mapping[str, PloverType],
    modes: Mapping[tuple[str, str], PloverMode],
    contexts: Mapping[str, str],
    sectors: Mapping[str, Sector],
    source: str,
) -> Ontology:
    """Check the cross-table links (parents, default codes) and freeze everything into an Ontology."""
    codes = {c: rows[c] for c in sorted(rows)}
    for c in codes:
        if len(c) > 2 and c[:-1] not in codes:
            raise OntologyFileError(f"{source}: code {c} has no parent {c[:-1]}; add the parent row first")
    defaults = [(t.name, t.cameo_default) for t in types.values()]
    defaults += [(m.event, m.cameo_default) for m in modes.values() if m.cameo_default]
    for event, code in defaults:
        if code not in codes or codes[code].plover_event != event:
            raise OntologyFileError(
                f"{source}: the default CAMEO code {code!r} for {event} is missing or not mapped to {event}"
            )
    return Ontology(
        cameo_codes=MappingProxyType(codes),
        plover_types=MappingProxyType(dict(types)),
        modes=MappingProxyType({k: m.definition for k, m in modes.items()}),
        contexts=MappingProxyType(dict(contexts)),
        sectors=MappingProxyType({k: s.description for k, s in sectors.items()}),
        mode_details=MappingProxyType(dict(modes)),
        sector_details=MappingProxyType(dict(sectors)),
    )


def _builtin_text(name: str) -> str:
    return (resources.files("eventwire") / "data" / "ontology" / name).read_text(encoding="utf-8")


def _builtin_rows(name: str, required: tuple[str, ...]) -> Iterator[tuple[str, dict[str, str]]]:
    return _rows(_builtin_text(name), name, required)


def _yes(value: str, where: str, column: str) -> bool:
    if value not in ("yes", "no"):
        raise OntologyFileError(f"{where}: {column} must be yes or no, got {value!r}")
    return value == "yes"


@functools.lru_cache(maxsize=1)
def _builtin_ontology() -> Ontology:
    """The built-in tables, read once per process."""
    modes: dict[tuple[str, str], PloverMode] = {}
    for where, r in _builtin_rows("plover_modes.tsv", ("type", "mode", "definition")):
        score = _float(r["score"], where, "score") if r.get("score") else None
        modes[(r["type"], r["mode"])] = PloverMode(
            r["type"], r["mode"], r["definition"], score, r.get("cameo_default") or None
        )
    types: dict[str, PloverType] = {}
    type_cols = ("type", "definition", "quad_class", "requires_recipient", "score", "cameo_default")
    for where, r in _builtin_rows("plover_types.tsv", type_cols):
        types[r["type"]] = PloverType(
            name=r["type"],
            definition=r["definition"],
            quad_class=int(r["quad_class"]),
            requires_recipient=_yes(r["requires_recipient"], where, "requires_recipient"),
            modes=tuple(m for (t, m) in modes if t == r["type"]),
            score=_float(r["score"], where, "score"),
            cameo_default=r["cameo_default"],
        )
    stray = sorted({t for t, _ in modes} - set(types))
    if stray:
        raise OntologyFileError(f"plover_modes.tsv: modes for unknown type(s) {', '.join(stray)}")
    contexts = {
        r["context"]: r["definition"]
        for _, r in _builtin_rows("plover_contexts.tsv", ("context", "definition"))
    }
    sectors: dict[str, Sector] = {}
    sector_cols = ("code", "description", "kind", "plover", "cameo")
    for where, r in _builtin_rows("sectors.tsv", sector_cols):
        groups = tuple(g for g in r.get("groups", "").split("|") if g)
        unknown = [g for g in groups if g not in SECTOR_GROUPS]
        if unknown:
            raise OntologyFileError(
                f"{where}: unknown sector group(s) {', '.join(unknown)}; known: {', '.join(SECTOR_GROUPS)}"
            )
        sectors[r["code"]] = Sector(
            r["code"], r["description"], r["kind"], r["plover"], _yes(r["cameo"], where, "cameo"), groups
        )
    rows = _parse_cameo(_builtin_text("cameo.tsv"), "cameo.tsv", types, modes, contexts)
    return _assemble(rows, types, modes, contexts, sectors, "cameo.tsv")


def load_ontology(extra_cameo: Path | None = None) -> Ontology:
    """The ontology: the built-in tables (cached per process), extended by ``extra_cameo`` when given.

    ``extra_cameo`` is a TSV file with the columns of ``cameo.tsv``: its rows add new codes or replace the
    built-in row with the same code. It is re-read on every call; keep the returned object.
    """
    base = _builtin_ontology()
    return base if extra_cameo is None else base.extended(extra_cameo)
