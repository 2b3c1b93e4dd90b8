"""Read PETRARCH (and TABARI-style) actor and agent dictionaries into :class:`ActorEntry` records.

The format, as the PETRARCH readers and the validation dictionaries use it:

- comments: lines starting with ``#`` or ``<`` (``<!-- ... -->`` may span lines), text after `` #`` or
  `` ;`` (the old TABARI delimiter) or right after a closing ``]``;
- actors: a primary phrase, optionally ``[CODE]`` on the same line, then ``+synonym`` lines and indented
  ``[CODE restriction]`` lines, where the restriction is ``<DATE``, ``>DATE`` or ``DATE-DATE`` (inclusive,
  ``YYYYMMDD`` or ``YYMMDD``). Restrictions are tried in file order, then the unrestricted default code;
  ``[---]`` is a null code. Several codes on one line (``[IGOUNO 970101-061231] [ELI]``) and compound codes
  (``[FRO/BIL/SAM]``) give one entry each;
- agents: ``PHRASE {plural forms} [~CODE]`` (``~`` before the code: the agent code follows the actor code;
  after it, ``NGO~``, it precedes it). ``{}`` means no plural; without braces regular plurals are made.
  Substitution markers ``!PERSON! = MAN, MEN, WOMAN`` are expanded where a phrase uses ``!PERSON!``;
- words are joined by underscores or spaces (both read as consecutive words: eventwire does not do
  TABARI's gapped matching) and a final underscore (TABARI's "whole word") is dropped.

Phrases are written in capitals in these files, so their case is rebuilt: words are capitalised (proper
names must be capitalised in the text), a one-word phrase of up to three letters or with dots is an acronym
(``WHO``, ``U.N.`` match exactly) and agent phrases are lowercase (any case). The reader is tolerant: bad
lines become warnings with ``file:line``; only a file from which nothing can be read is an error.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..errors import DictionaryError
from .dictionary import (
    ActorEntry,
    LoadReport,
    PhraseEntry,
    _is_acronym,
    plover_sector,
    plural_forms,
)

_BRACKET_RE = re.compile(r"\[([^\]]*)\]")
_BRACE_RE = re.compile(r"\{([^}]*)\}")
_DIGITS_RE = re.compile(r"\d+")
_MARKER_DEF_RE = re.compile(r"^\s*(![A-Za-z]+!)\s*=\s*(.+)$")
_MARKER_RE = re.compile(r"![A-Za-z]+!")
_COMMENT_RE = re.compile(r"(?:(?<=\s)|(?<=\]))[#;]|^[#;]")
# Lowercase words inside imported names (articles, prepositions, Arabic/European particles).
_FUNCTION_WORDS = (
    "the of and for in on at to a an de du des la le les al el bin ibn van von der da dos das del y et"
)
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
NONSTATE_KINDS = {"IGO": "igo", "UNO": "igo", "NGO": "ngo", "MNC": "mnc", "IMG": "group"}
_CAMEO_AGENT_WORDS = (
    "GOV MIL COP JUD LEG OPP REB INS SEP SPY UAF AGR BUS CRM CVL DEV EDU ELI ENV HLH HRI LAB MED REF "
    "MOD RAD PTY CIV"
)
CAMEO_AGENT_CODES = frozenset(_CAMEO_AGENT_WORDS.split())
# Agent codes that may open a code with no country ("REUTERS [MED]"); CIV (Cote d'Ivoire), INS (old CAMEO
# Indonesia) and RAD are left out because they are also country or actor codes, SEP/MOD/PTY as too rare.
_LEADING_AGENTS = CAMEO_AGENT_CODES - {"INS", "SEP", "MOD", "RAD", "PTY", "CIV"}


@dataclass(slots=True)
class _Line:
    """A logical line: where it is, its text without comments, and whether it is indented."""

    no: int
    where: str
    body: str
    indented: bool


def _logical_lines(text: str, source: str) -> list[_Line]:
    """The lines that carry entries, comments removed, up to a ``---STOP---`` line."""
    out: list[_Line] = []
    in_comment = False
    for no, raw in enumerate(text.splitlines(), start=1):
        line = raw.replace("\r", "")
        if in_comment:
            if "-->" not in line:
                continue
            in_comment = False
            line = line.split("-->", 1)[1]
        while "<!--" in line:
            head, _, rest = line.partition("<!--")
            if "-->" in rest:
                line = head + rest.split("-->", 1)[1]
            else:
                line = head
                in_comment = True
        stripped = line.strip()
        if not stripped or stripped.startswith(("<", "#")):
            continue
        if "---STOP---" in stripped:
            break
        m = _COMMENT_RE.search(line)
        if m is not None:
            line = line[: m.start()]
        if line.strip():
            out.append(_Line(no, f"{source}:{no}", line.strip(), line[:1] in (" ", "\t")))
    return out


def _clean_phrase(raw: str) -> str:
    """PETRARCH phrase text -> words separated by single spaces (underscores and final "_" removed)."""
    return " ".join(raw.replace("_", " ").split())


def actor_case(phrase: str) -> str:
    """Rebuild the case of an all-capitals actor phrase (see the module docstring)."""
    words = phrase.split(" ")
    if len(words) == 1 and ("." in phrase or (phrase.isalpha() and len(phrase) <= 3)):
        return phrase.upper()
    out = []
    for i, word in enumerate(words):
        if "." in word and len(word) <= 6:
            out.append(word.upper())
            continue
        parts = word.split("-")
        fixed = []
        for j, part in enumerate(parts):
            low = part.lower()
            if j > 0 or (low in FUNCTION_WORDS and (i > 0 or j < len(parts) - 1 or len(words) > 1)):
                fixed.append(low)
            else:
                fixed.append(low[:1].upper() + low[1:])
        out.append("-".join(fixed))
    return " ".join(out)


def agent_case(phrase: str) -> str:
    """Agent phrases match in any case, except one-word acronyms of up to three letters ("MSF", "MP")."""
    if " " not in phrase and phrase.isalpha() and len(phrase) <= 3:
        return phrase.upper()
    return phrase.lower()


def parse_date(value: str) -> dt.date:
    """``YYYYMMDD`` or TABARI's ``YYMMDD`` (years 00-29 are 20xx, 30-99 are 19xx)."""
    if len(value) == 6:
        yy = int(value[:2])
        value = f"{2000 + yy if yy < 30 else 1900 + yy}{value[2:]}"
    return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))


@dataclass(slots=True)
class CodeSpec:
    """One bracketed code with its optional date restriction."""

    code: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


def parse_code(body: str) -> CodeSpec:
    """``HOBGOV 19950601 - 19990815`` / ``HOB < 950601`` / ``HOBREB > 990816`` / ``USA`` -> CodeSpec.

    Raises ValueError with a short reason when the restriction cannot be read.
    """
    body = body.strip()
    if not body:
        raise ValueError("empty code")
    code, _, rest = body.partition(" ")
    rest = rest.strip()
    if not rest and ("<" in code or ">" in code):
        raise ValueError(f"code {code!r} has no space before its date restriction")
    spec = CodeSpec(code.upper())
    if not rest:
        return spec
    dates = _DIGITS_RE.findall(rest)
    bad = [d for d in dates if len(d) not in (6, 8)]
    if bad:
        raise ValueError(f"date {bad[0]!r} is not YYYYMMDD or YYMMDD")
    if rest.startswith("<") and len(dates) == 1:
        spec.valid_to = parse_date(dates[0])
    elif rest.startswith(">") and len(dates) == 1:
        spec.valid_from = parse_date(dates[0])
    elif "-" in rest and len(dates) == 2:
        spec.valid_from, spec.valid_to = parse_date(dates[0]), parse_date(dates[1])
        if spec.valid_to < spec.valid_from:
            raise ValueError("interval ends before it starts")
    else:
        raise ValueError(f"restriction {rest!r} is not <DATE, >DATE or DATE-DATE")
    return spec


def _codes_in(text: str, where: str, report: LoadReport) -> list[CodeSpec]:
    out = []
    for body in _BRACKET_RE.findall(text):
        try:
            out.append(parse_code(body))
        except ValueError as e:
            report.warn(where, f"code [{body.strip()}] skipped: {e}")
    return out


def entry_from_code(
    code: str,
    *,
    name: str,
    via: str,
    source: str,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> ActorEntry | None:
    """An actor entry for a CAMEO-style code (``PSEREBHMS``: country PSE, sector REB); None if unusable."""
    code = code.strip().upper()
    if not code:
        return None
    if not any(ch.isalnum() for ch in code):
        return ActorEntry(name, "country", None, None, None, None, "---", via, source, valid_from, valid_to)
    head = code[:3]
    kind = NONSTATE_KINDS.get(head)
    segments = [code[i : i + 3] for i in range(3, len(code), 3)]
    agent = next((s for s in segments if s in CAMEO_AGENT_CODES), None)
    if kind is None and head in _LEADING_AGENTS:
        country = None
        agent = head
    else:
        country = head if head.isalpha() else None
    org = code[-3:] if kind in ("igo", "ngo") and len(code) >= 6 else None
    if kind is None:
        kind = "country" if len(code) == 3 and country else "org"
    return ActorEntry(
        name=name,
        kind=kind,
        country=country,
        sector=plover_sector(agent),
        org=org,
        role=None,
        code=code,
        via=via,
        source=source,
        valid_from=valid_from,
        valid_to=valid_to,
    )


@dataclass(slots=True)
class _Block:
    """An actor record being read: its phrases (with their lines) and codes."""

    phrases: list[tuple[str, int]] = field(default_factory=list)
    codes: list[CodeSpec] = field(default_factory=list)


def parse_petrarch_actors(text: str, source: str, report: LoadReport | None = None) -> list[PhraseEntry]:
    """``(phrase, entry)`` pairs from a PETRARCH actor dictionary (see the module docstring)."""
    report = report if report is not None else LoadReport()
    out: list[PhraseEntry] = []
    block: _Block | None = None

    def flush(b: _Block | None) -> None:
        if b is None or not b.phrases:
            return
        if not b.codes:
            report.warn(f"{source}:{b.phrases[0][1]}", f"actor {b.phrases[0][0]!r} has no code; skipped")
            return
        name = actor_case(b.phrases[0][0])
        for k, (raw, no) in enumerate(b.phrases):
            phrase = actor_case(raw)
            via = "name" if k == 0 else ("acronym" if _is_acronym(phrase) else "alias")
            for spec in b.codes:
                for code in spec.code.split("/"):
                    e = entry_from_code(
                        code,
                        name=name,
                        via=via,
                        source=f"{source}:{no}",
                        valid_from=spec.valid_from,
                        valid_to=spec.valid_to,
                    )
                    if e is not None:
                        out.append((phrase, e))

    lines = _logical_lines(text, source)
    for line in lines:
        where, body = line.where, line.body
        if line.indented and body.startswith("["):
            if block is None:
                report.warn(where, "code line before any actor phrase; skipped")
            else:
                block.codes.extend(_codes_in(body, where, report))
            continue
        phrase_text, bracket, rest = body.partition("[")
        codes = _codes_in(bracket + rest, where, report) if bracket else []
        if body.startswith("+"):
            phrase = _clean_phrase(phrase_text[1:])
            if block is None:
                report.warn(where, f"synonym {phrase!r} before any actor phrase; skipped")
                continue
            if phrase:
                block.phrases.append((phrase, line.no))
            block.codes.extend(codes)
            continue
        phrase = _clean_phrase(phrase_text)
        if line.indented and block is not None and phrase:
            # An indented phrase with codes ("\tJOHN_MCCLOY_ [IGO...]"): read as a synonym of the record.
            block.phrases.append((phrase, line.no))
            block.codes.extend(codes)
            continue
        flush(block)
        block = _Block()
        if phrase:
            block.phrases.append((phrase, line.no))
        else:
            report.warn(where, "code without a phrase; skipped")
        block.codes.extend(codes)
    flush(block)
    if not out and lines:
        raise DictionaryError(
            f"{source}: no actor entries could be read from {len(lines)} lines "
            f"(is it a PETRARCH actor dictionary?) first problems: {report.warnings[:3]}"
        )
    return out


def parse_petrarch_agents(text: str, source: str, report: LoadReport | None = None) -> list[PhraseEntry]:
    """``(phrase, entry)`` pairs from a PETRARCH agent dictionary (sector words; see the module docstring)."""
    report = report if report is not None else LoadReport()
    markers: dict[str, list[str]] = {}
    out: list[PhraseEntry] = []
    lines = _logical_lines(text, source)
    for line in lines:
        where, body = line.where, line.body
        mdef = _MARKER_DEF_RE.match(body)
        if mdef is not None:
            markers[mdef.group(1).upper()] = [w.strip() for w in mdef.group(2).split(",") if w.strip()]
            continue
        codes = _BRACKET_RE.findall(body)
        if not codes:
            report.warn(where, f"agent line has no [code]: {body[:60]!r}; skipped")
            continue
        code = codes[0].strip().upper()
        raw_phrase = _BRACE_RE.sub("", body[: body.index("[")])
        braces = _BRACE_RE.search(body[: body.index("[")])
        phrase = _clean_phrase(raw_phrase)
        if not phrase:
            report.warn(where, "agent code without a phrase; skipped")
            continue
        if "~" not in code:
            report.warn(where, f"agent code [{code}] has no '~' (as in [~GOV] or [NGO~]); read as a suffix")
        agent = code.replace("~", "").strip()
        try:
            forms = _expand_markers(phrase, markers)
        except KeyError as e:
            report.warn(where, f"substitution marker {e.args[0]} is not defined; skipped")
            continue
        label = forms[0].lower()
        entry = ActorEntry(
            name=label,
            kind="sector",
            country=None,
            sector=plover_sector(agent[:3]),
            org=None,
            role=label,
            code=agent or None,
            via="agent",
            source=where,
        )
        plain = len(forms) == 1 and forms[0] == phrase
        for form in forms:
            out.append((agent_case(form), entry))
        if braces is not None:
            for plural in braces.group(1).split():
                out.append((agent_case(_clean_phrase(plural)), entry))
        elif plain:
            out.extend((agent_case(p), entry) for p in plural_forms(phrase.lower()))
    if not out and lines:
        raise DictionaryError(
            f"{source}: no agent entries could be read from {len(lines)} lines "
            f"(is it a PETRARCH agent dictionary?) first problems: {report.warnings[:3]}"
        )
    return out


def _expand_markers(phrase: str, markers: dict[str, list[str]]) -> list[str]:
    m = _MARKER_RE.search(phrase)
    if m is None:
        return [phrase]
    key = m.group(0).upper()
    if key not in markers:
        raise KeyError(key)
    out = []
    for sub in markers[key]:
        out.extend(_expand_markers(phrase[: m.start()] + _clean_phrase(sub) + phrase[m.end() :], markers))
    return out
