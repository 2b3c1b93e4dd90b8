"""Readers for the gold sets eventwire is scored on, into one record shape (:class:`GoldSet`).

Formats (``gold_format``), each described in the gold folder's PROVENANCE.md:

- ``plover``: PLOVER gold-standard records (a JSON array; PLOVER 0.5b1 labels, relabelled to 0.8 with
  :data:`PLOVER_RELABEL`). The inline markup (``(EVT: ...)``, ``(SRC: ...)``) gives trigger spans.
- ``petrarch``: PETRARCH validation XML (``<Sentence>`` with ``<EventCoding>`` triples). The files are
  not always well-formed XML, so they are split with regular expressions. When the actor dictionaries
  named in ``<Environment>`` sit next to the file, the set is a *mechanics* check run with those toy
  dictionaries (actors, agents and the verb dictionary); otherwise it is accuracy on news, run with our own
  dictionaries.
- ``pentaclass``: ConfliBERT ``sentence<TAB>class`` (5-way CAMEO class).
- ``bio``: ConfliBERT actor spans, one ``token TAG`` per line (S source, T target, R both).
- ``geoparsing``: LGL / TR-News toponyms (scored by :mod:`eventwire.evaluate.geo` when present).

Readers never drop a record silently: a record that cannot be scored keeps ``skip_reason``, and the
counts of every normalisation applied are kept in :attr:`GoldSet.notes`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from ..errors import GoldFormatError
from ..ontology import LEGACY_PLOVER_NAMES, load_ontology

FORMATS: tuple[str, ...] = ("plover", "petrarch", "pentaclass", "bio", "geoparsing", "realnews")

PLOVER_RELABEL: dict[str, str] = dict(LEGACY_PLOVER_NAMES)
"""PLOVER 0.5b1 labels renamed or merged in PLOVER 0.8 (CAMEO2PLOVER-2021 mapping)."""

COUNTRY_CODE_FIXES: dict[str, str] = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}
"""Gold country codes that are not ISO 3166 alpha-3 but plainly mean one country (Japan, Italy, Viet Nam).
Applied to gold only, counted in ``notes``; every other code is compared as written."""

SECTOR_ALIASES: dict[str, str] = {"CIV": "CVL"}
"""Gold sector spellings that mean a CAMEO sector (``CIV`` is written for civilians ``CVL``)."""

UNKNOWN_SECTOR = "***"


@dataclass(frozen=True, slots=True)
class GoldActor:
    """One gold actor: its code as written, and the country and sector we compare against."""

    code: str
    country: str | None = None
    sector: str | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One gold event (a PLOVER record or one PETRARCH ``(source, target, code)`` triple)."""

    plover: str | None = None
    cameo: str | None = None
    source: tuple[GoldActor, ...] = ()
    target: tuple[GoldActor, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()
    event_text: str = ""
    raw_label: str | None = None
    reciprocal: bool = False


@dataclass(frozen=True, slots=True)
class GoldToken:
    """A token of the actor-span gold, with its character offsets and role tag (``S``/``T``/``R``/``O``)."""

    text: str
    start: int
    end: int
    tag: str


@dataclass(slots=True)
class GoldRecord:
    """One gold sentence with what the gold says about it."""

    id: str
    text: str
    date: dt.date | None = None
    events: tuple[GoldEvent, ...] = ()
    no_event: bool = False
    label: int | None = None
    tokens: tuple[GoldToken, ...] = ()
    category: str | None = None
    skip_reason: str | None = None
    options: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class GoldSet:
    """A gold file as read: its records, checksum, how it is to be run, and what was normalised."""

    name: str
    format: str
    path: Path
    sha256: str
    records: list[GoldRecord]
    mode: str = "accuracy"
    actor_files: tuple[Path, ...] = ()
    agent_files: tuple[Path, ...] = ()
    notes: Counter[str] = field(default_factory=Counter)
    verb_files: tuple[Path, ...] = ()
    discard_files: tuple[Path, ...] = ()
    """PETRARCH verb dictionaries the set runs with (loaded as ``Config.lexicon_files``)."""


def sha256_file(path: Path) -> str:
    """The file's sha256 (the gate pins it so a changed gold file cannot pass silently)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def _first_line_has(path: Path, needle: str) -> bool:
    with open(path, encoding="utf-8", errors="replace") as f:
        return needle in f.readline()


def detect_format(path: Path) -> str:
    """Guess a gold file's format from its name and first bytes."""
    name = path.name.lower()
    if name.endswith(".bio"):
        return "bio"
    if name.endswith(".tsv"):
        return "pentaclass"
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            head = f.read(4096)
    except OSError as e:
        raise GoldFormatError(f"cannot read gold file {path}: {e}") from e
    if head.lstrip().startswith("["):
        return "plover"
    if head.lstrip().startswith("{") and _first_line_has(path, '"text_sha1"'):
        return "realnews"
    if "<articles" in head or "<article " in head:
        return "geoparsing"
    if "<Validation" in head or "<Sentence" in head or "<Environment" in head:
        return "petrarch"
    raise GoldFormatError(
        f"cannot tell the gold format of {path}; pass --gold-format (one of {', '.join(FORMATS)})"
    )


def read_gold(path: Path | str, gold_format: str | None = None) -> GoldSet:
    """Read one gold file in ``gold_format`` (detected from the file when ``None``)."""
    path = Path(path)
    if not path.is_file():
        raise GoldFormatError(f"gold file not found: {path}")
    fmt = gold_format or detect_format(path)
    readers = {
        "plover": read_plover,
        "petrarch": read_petrarch,
        "pentaclass": read_pentaclass,
        "bio": read_bio,
    }
    if fmt == "geoparsing":
        return GoldSet(path.name, fmt, path, sha256_file(path), [], mode="geoparsing")
    if fmt not in readers:
        raise GoldFormatError(f"unknown gold format {fmt!r}; use one of {', '.join(FORMATS)}")
    return readers[fmt](path)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise GoldFormatError(f"cannot read gold file {path} as UTF-8 text: {e}") from e


# --------------------------------------------------------------------------------------------- PLOVER

_MARK_TAG = re.compile(r"\((SRC/TAR|SRC|TAR|EVT|LOC)\s*:\s*")


def parse_markup(markup: str) -> tuple[str, list[tuple[str, int, int]]]:
    """Strip PLOVER inline markup, returning the plain text and ``(tag, start, end)`` spans in it.

    Tagged spans nest (``(LOC: to (TAR: Bosnia))``) and may contain plain parentheses
    (``(SRC: Front (RUF))``); a ``}`` typed for ``)`` closes an open tagged span.
    """
    out: list[str] = []
    spans: list[tuple[str, int, int]] = []
    stack: list[tuple[str | None, int]] = []
    n = 0
    i = 0
    while i < len(markup):
        c = markup[i]
        m = _MARK_TAG.match(markup, i) if c == "(" else None
        if m:
            stack.append((m.group(1), n))
            i = m.end()
            continue
        if c == "(":
            stack.append((None, n))
        elif c in ")}" and stack and (c == ")" or stack[-1][0] is not None):
            tag, start = stack.pop()
            if tag is not None:
                spans.append((tag, start, n))
                i += 1
                continue
        out.append(c)
        n += 1
        i += 1
    return "".join(out), spans


def _offset_map(src: str, dst: str) -> list[int]:
    """For each offset in ``src`` (0..len), the corresponding offset in ``dst`` (nearest when edited)."""
    mapping = [0] * (len(src) + 1)
    sm = SequenceMatcher(None, src, dst, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        for k in range(i1, i2 + 1):
            if tag == "equal":
                mapping[k] = j1 + (k - i1)
            else:
                mapping[k] = (
                    j1 if k == i1 else j2 if k == i2 else j1 + (k - i1) * (j2 - j1) // max(i2 - i1, 1)
                )
    return mapping


def _norm_country(code: str | None, notes: Counter[str]) -> str | None:
    if not code:
        return None
    c = code.strip().upper()
    if c in COUNTRY_CODE_FIXES:
        notes[f"gold country code {c} read as {COUNTRY_CODE_FIXES[c]}"] += 1
        c = COUNTRY_CODE_FIXES[c]
    return c


def _norm_sector(sector: str | None, notes: Counter[str]) -> str | None:
    """A gold sector at CAMEO level: the first three letters, upper case (``CVLalb`` → ``CVL``)."""
    if not sector:
        return None
    s = sector.strip()
    if s == UNKNOWN_SECTOR:
        return UNKNOWN_SECTOR
    s3 = s[:3].upper()
    if s3 != s:
        notes["gold sector with ethnic/religious suffix cut to its first three letters"] += 1
    if s3 in SECTOR_ALIASES:
        notes[f"gold sector {s3} read as {SECTOR_ALIASES[s3]}"] += 1
        s3 = SECTOR_ALIASES[s3]
    return s3


def _plover_actors(value: Any, notes: Counter[str], side: str) -> tuple[GoldActor, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        notes[f"{side} given as a bare string, not a list of actors: read as no actor"] += 1
        return ()
    if not isinstance(value, list):
        raise GoldFormatError(f"{side} is a {type(value).__name__}, expected a list of actors")
    actors = []
    for a in value:
        if not isinstance(a, dict):
            notes[f"{side} actor that is not an object: ignored"] += 1
            continue
        code = str(a.get("code") or "")
        actors.append(
            GoldActor(
                code=code,
                country=_norm_country(code, notes),
                sector=_norm_sector(a.get("sector"), notes),
                text=str(a.get("actorText") or ""),
            )
        )
    return tuple(actors)


def _strip_braces(text: str) -> str:
    t = text.strip()
    if t.startswith("{") and t.endswith("}"):
        return t[1:-1].strip()
    return t


def read_plover(path: Path) -> GoldSet:
    """PLOVER GSR JSON: one gold event per record, trigger spans from the ``EVT`` markup."""
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as e:
        raise GoldFormatError(f"{path} is not a JSON array of PLOVER records: {e}") from e
    if not isinstance(data, list):
        raise GoldFormatError(f"{path} is not a JSON array of PLOVER records")
    notes: Counter[str] = Counter()
    records: list[GoldRecord] = []
    for i, r in enumerate(data):
        if not isinstance(r, dict) or r.get("event") == "DOCUMENT":
            notes["DOCUMENT header record (not an event)"] += 1
            continue
        rid = str(r.get("id") or f"record-{i}")
        raw_text = r.get("text")
        if not isinstance(raw_text, str) or not raw_text.strip():
            records.append(GoldRecord(rid, "", skip_reason="record has no text"))
            continue
        text = _strip_braces(raw_text)
        if text != raw_text.strip():
            notes["text wrapped in {...}: braces removed"] += 1
        label = str(r.get("event") or "").strip().upper()
        plover = PLOVER_RELABEL.get(label, label) or None
        if plover != label:
            notes[f"relabelled {label} -> {plover} (PLOVER 0.8)"] += 1
        info = r.get("textInfo")
        markup = info.get("markup") if isinstance(info, dict) else info if isinstance(info, str) else None
        spans: list[tuple[int, int]] = []
        reciprocal = False
        if isinstance(markup, str) and markup.strip():
            plain, tagged = parse_markup(markup)
            reciprocal = any(tag == "SRC/TAR" for tag, _, _ in tagged)
            omap = _offset_map(plain, text)
            for tag, m0, m1 in tagged:
                if tag == "EVT" and m1 > m0:
                    a, b = omap[m0], omap[m1 - 1] + 1
                    b = len(text[:b].rstrip())
                    if b > a:
                        spans.append((a, b))
        if not spans:
            notes["no EVT span in the markup: matched on the sentence's main event"] += 1
        events = (
            GoldEvent(
                plover=plover,
                source=_plover_actors(r.get("source"), notes, "source"),
                target=_plover_actors(r.get("target"), notes, "target"),
                spans=tuple(spans),
                event_text=str(r.get("eventText") or ""),
                raw_label=label,
                reciprocal=reciprocal,
            ),
        )
        records.append(GoldRecord(rid, text, None, events, category=label))
    ids = Counter(rec.id for rec in records)
    for rid, k in ids.items():
        if k > 1:
            notes[f"id {rid} used by {k} records (each scored)"] += 1
    return GoldSet(path.name, "plover", path, sha256_file(path), records, notes=notes)


# ------------------------------------------------------------------------------------------- PETRARCH

_ATTR = re.compile(r'(\w+)\s*=\s*"([^"]*)"')
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _attrs(s: str) -> dict[str, str]:
    return {k: v for k, v in _ATTR.findall(s)}


@functools.lru_cache(maxsize=1)
def sector_codes() -> frozenset[str]:
    """The actor sector codes of the ontology (GOV, MIL, REB...), without the international "country"
    codes (IGO, NGO, UNO...) that sit in the country slot."""
    details = load_ontology().sector_details
    return frozenset(c for c, s in details.items() if s.kind != "international")


def split_actor_code(code: str) -> tuple[str | None, str | None]:
    """A CAMEO actor code's country (its first three characters) and sector (its first later 3-character
    element that is a sector: ``IRQGOVMIL`` → GOV, ``IGOUNOMIL`` → MIL, ``PSEGZA`` → none).

    ``---`` stands for "no country" (``---GOV``); PETRARCH's discard markers (``+++``, ``###``) and
    new-actor text are kept as the country so they only ever match themselves.
    """
    c = code.strip()
    if not c:
        return None, None
    sectors = sector_codes()
    sector = next((c[i : i + 3] for i in range(3, len(c) - 2, 3) if c[i : i + 3] in sectors), None)
    country = c[:3]
    return (None if country == "---" else country), sector


def _petrarch_environment(
    raw: str, path: Path
) -> tuple[tuple[Path, ...], tuple[Path, ...], set[str], tuple[Path, ...], tuple[Path, ...]]:
    """The actor, agent, verb and discard files (next to ``path``) and the ``<Include>`` categories of
    ``<Environment>``."""
    env = re.search(r"<Environment>(.*?)</Environment>", raw, re.S)
    if not env:
        return (), (), set(), (), ()
    body = env.group(1)

    def files(tag: str) -> tuple[Path, ...]:
        m = re.search(rf"<{tag}>\s*(.*?)\s*</{tag}>", body, re.S)
        if not m:
            return ()
        return tuple(path.parent / n.strip() for n in m.group(1).split(",") if n.strip())

    inc = re.search(r"<Include>\s*(.*?)\s*</Include>", body, re.S)
    include = {w for w in (inc.group(1).split() if inc else ()) if w != "valid"}
    return files("Actorfile"), files("Agentfile"), include, files("Verbfile"), files("Discardfile")


def read_petrarch(path: Path) -> GoldSet:
    """PETRARCH validation XML, read tolerantly (regex split on ``<Sentence``; comments removed)."""
    raw = _read_text(path)
    notes: Counter[str] = Counter()
    actor_files, agent_files, include, verb_files, discard_files = _petrarch_environment(raw, path)
    toy = bool(actor_files) and all(p.is_file() for p in actor_files)
    body = _COMMENT.sub("", raw)
    records: list[GoldRecord] = []
    chunks = re.split(r"(?=<Sentence\s)", body)[1:]
    if not chunks:
        raise GoldFormatError(f"{path} has no <Sentence> records; is it PETRARCH validation XML?")
    for k, chunk in enumerate(chunks):
        head = re.match(r"<Sentence\s([^>]*?)/?>", chunk)
        attrs = _attrs(head.group(1)) if head else {}
        rid = attrs.get("id") or f"sentence-{k}"
        tm = re.search(r"<Text>\s*(.*?)\s*</Text>", chunk, re.S)
        if not tm:
            records.append(GoldRecord(rid, "", skip_reason="no <Text>"))
            continue
        text = " ".join(tm.group(1).split())
        date = None
        ds = attrs.get("date", "")
        if re.fullmatch(r"\d{8}", ds):
            try:
                date = dt.date(int(ds[:4]), int(ds[4:6]), int(ds[6:]))
            except ValueError:
                notes["invalid date attribute: coded without a date"] += 1
        codings = [_attrs(m) for m in re.findall(r"<EventCoding\s([^>]*?)/?>", chunk)]
        options = {
            a["option"]: a.get("value", "")
            for a in (_attrs(m) for m in re.findall(r"<Config\s([^>]*?)/?>", chunk))
            if "option" in a
        }
        no_event = any(c.get("noevents", "").lower() == "true" for c in codings)
        errors = [c["error"] for c in codings if "error" in c]
        events = []
        for c in codings:
            if "eventcode" not in c:
                continue
            events.append(
                GoldEvent(
                    cameo=c["eventcode"].strip(),
                    source=(_petrarch_actor(c.get("sourcecode", "---")),),
                    target=(_petrarch_actor(c.get("targetcode", "---")),),
                    raw_label=c["eventcode"].strip(),
                )
            )
        if "<PLEvent" in chunk:
            notes["<PLEvent> PLOVER equivalents ignored (the <EventCoding> triples are scored)"] += 1
        category = attrs.get("category")
        skip = None
        if attrs.get("evaluate", "true").lower() == "false":
            skip = 'marked evaluate="false" in the gold'
        elif include and category not in include:
            skip = "category not in the file's <Include> list"
        elif errors and any(e == "bad_input_parse" for e in errors):
            skip = "tests PETRARCH's own parse-tree reader (bad_input_parse)"
        elif options:
            skip = "sets a PETRARCH-specific <Config> option (comma_*, require_dyad, new_actor_length)"
        elif not events and not no_event and not errors:
            skip = "no <EventCoding> in the gold"
        if errors and skip is None:
            no_event = True  # discards and datelines: the expected output is no event
        if attrs.get("sentence", "true").lower() == "false":
            notes['records marked sentence="false" (not implemented in PETRARCH; scored)'] += 1
        records.append(
            GoldRecord(
                rid,
                text,
                date,
                tuple(events),
                no_event=no_event and not events,
                category=category,
                skip_reason=skip,
                options=options,
            )
        )
    if toy:
        missing = [p for p in agent_files if not p.is_file()]
        if missing:
            notes[
                "agent dictionary named in <Environment> is missing: " + ", ".join(p.name for p in missing)
            ] += 1
        agent_files = tuple(p for p in agent_files if p.is_file())
        missing = [p for p in verb_files if not p.is_file()]
        if missing:
            notes[
                "verb dictionary named in <Environment> is missing (our lexicon codes the verbs): "
                + ", ".join(p.name for p in missing)
            ] += 1
        verb_files = tuple(p for p in verb_files if p.is_file())
    mode = "mechanics" if toy else "accuracy"
    return GoldSet(
        path.name,
        "petrarch",
        path,
        sha256_file(path),
        records,
        mode=mode,
        actor_files=actor_files if toy else (),
        agent_files=agent_files if toy else (),
        notes=notes,
        verb_files=verb_files if toy else (),
        discard_files=tuple(p for p in discard_files if p.is_file()) if toy else (),
    )


def _petrarch_actor(code: str) -> GoldActor:
    code = code.strip() or "---"
    country, sector = split_actor_code(code)
    return GoldActor(code=code, country=country, sector=sector)


# ----------------------------------------------------------------------------------------- ConfliBERT


def read_pentaclass(path: Path) -> GoldSet:
    """ConfliBERT ``sentence<TAB>label`` (no header); labels 0-4."""
    notes: Counter[str] = Counter()
    records = []
    for n, line in enumerate(_read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        text, sep, label = line.rpartition("\t")
        if not sep or not label.strip().isdigit() or int(label) not in range(5):
            raise GoldFormatError(f"{path}:{n}: expected 'sentence<TAB>class 0-4', got {line[:60]!r}")
        records.append(GoldRecord(f"{path.stem}:{n}", text.strip(), label=int(label)))
    return GoldSet(path.name, "pentaclass", path, sha256_file(path), records, notes=notes)


def _bio_sentences(path: Path) -> list[list[tuple[str, str]]]:
    sents: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    for n, line in enumerate(_read_text(path).splitlines(), 1):
        if not line.strip():
            if cur:
                sents.append(cur)
                cur = []
            continue
        tok, sep, tag = line.rstrip().rpartition(" ")
        if not sep or not re.fullmatch(r"O|[BI]-[STR]", tag):
            raise GoldFormatError(f"{path}:{n}: expected 'token TAG' with TAG O, B-S/I-S, B-T/I-T or B-R/I-R")
        cur.append((tok, tag))
    if cur:
        sents.append(cur)
    return sents


def align_tokens(text: str, tokens: list[str]) -> list[tuple[int, int]] | None:
    """Character offsets of ``tokens`` in ``text`` (in order, only whitespace between), or ``None``."""
    pos = 0
    out = []
    for tok in tokens:
        i = text.find(tok, pos)
        if i < 0 or text[pos:i].strip():
            return None
        out.append((i, i + len(tok)))
        pos = i + len(tok)
    return out


def read_bio(path: Path) -> GoldSet:
    """ConfliBERT actor spans. Coded text: the untokenised sentence from ``pentaclass_test.tsv`` next to
    the file when it has the same sentences in the same order, else the tokens joined by spaces."""
    notes: Counter[str] = Counter()
    sents = _bio_sentences(path)
    originals: list[str] = []
    companion = path.with_name("pentaclass_test.tsv")
    if companion.is_file():
        originals = [r.text for r in read_pentaclass(companion).records]
        if len(originals) != len(sents):
            notes["pentaclass_test.tsv has a different sentence count: tokens joined by spaces"] += 1
            originals = []
    records = []
    for k, sent in enumerate(sents):
        toks = [t for t, _ in sent]
        offsets = align_tokens(originals[k], toks) if originals else None
        if offsets is not None:
            text = originals[k]
        else:
            if originals:
                notes["tokens do not align with the untokenised sentence: tokens joined by spaces"] += 1
            text = " ".join(toks)
            offsets = align_tokens(text, toks)
            assert offsets is not None
        gold = tuple(
            GoldToken(t, s, e, tag[2:] if tag != "O" else "O")
            for (t, tag), (s, e) in zip(sent, offsets, strict=True)
        )
        records.append(GoldRecord(f"{path.stem}:{k + 1}", text, tokens=gold))
    if originals:
        notes["sentences coded from pentaclass_test.tsv (same order)"] += len(records)
    return GoldSet(path.name, "bio", path, sha256_file(path), records, notes=notes)
