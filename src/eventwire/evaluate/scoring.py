"""Match our events to gold records and compute each gold set's figures.

Matching never looks at the gold label (see docs/evaluation.md):

- **Trigger overlap** (PLOVER gold, which marks its event words): among our events whose trigger span
  overlaps a gold ``EVT`` span, the one with the most overlapping characters (then the highest
  confidence, then the earliest).
- **Main event** (everything else, and PLOVER records with no overlap): our highest-confidence event
  with modality ``asserted``; when there is none, our highest-confidence event of any modality.
- **Sets** (PETRARCH triples): every event we coded, expanded to ``(source, target, code)`` triples,
  against every gold triple; precision and recall over the two sets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import product

from ..ontology import load_ontology, pentaclass_of_root, quad_class_of_root
from ..types import Actor, Event
from .metrics import (
    NONE_LABEL,
    PRF,
    Figure,
    accuracy,
    confusion,
    macro_f1,
    ratio,
)
from .readers import UNKNOWN_SECTOR, GoldActor, GoldEvent, GoldRecord, GoldSet, split_actor_code

NULL_ACTOR = "---"


@dataclass(slots=True)
class RecordResult:
    """One gold record scored: gold and ours side by side, how our event was chosen, which checks passed."""

    id: str
    text: str
    category: str | None
    gold: str
    ours: str
    match: str
    event: Event | None
    events: tuple[Event, ...]
    checks: dict[str, bool] = field(default_factory=dict)
    skip_reason: str | None = None
    label: tuple[str, str] | None = None
    """The (gold, ours) cell this record adds to its set's main confusion matrix, if any."""
    errors: tuple[str, ...] = ()
    """The error classes this record falls in (for the report's "worst error classes")."""

    @property
    def ok(self) -> bool:
        """True when every check passed (a skipped record is neither right nor wrong)."""
        return self.skip_reason is None and all(self.checks.values())


@dataclass(slots=True)
class Scores:
    """What a scorer returns: figures, confusion matrices, per-record results and breakdowns."""

    figures: dict[str, Figure]
    confusions: dict[str, dict[str, dict[str, int]]]
    records: list[RecordResult]
    breakdown: dict[str, dict[str, Figure]] = field(default_factory=dict)
    notes: Counter[str] = field(default_factory=Counter)


def _scorable(
    gold: GoldSet,
    coded: Sequence[list[Event]],
    skipped: Counter[str],
    usable: Callable[[GoldRecord], bool] = lambda r: True,
    unusable_reason: str = "",
) -> Iterator[tuple[GoldRecord, list[Event]]]:
    """The gold records that can be scored, with our events; the others are counted in ``skipped``."""
    for rec, events in zip(gold.records, coded, strict=True):
        if rec.skip_reason or not usable(rec):
            skipped[rec.skip_reason or unusable_reason] += 1
            continue
        yield rec, events


# ------------------------------------------------------------------------------------ choosing events


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def main_event(events: Sequence[Event]) -> Event | None:
    """Our highest-confidence asserted event (ties: earliest), else the highest-confidence of any modality."""
    if not events:
        return None
    asserted = [e for e in events if e.modality == "asserted"]
    pool = asserted or list(events)
    return max(pool, key=lambda e: (e.confidence, -e.event_start))


def match_event(events: Sequence[Event], spans: Sequence[tuple[int, int]]) -> tuple[Event | None, str]:
    """Our event for a gold record with trigger ``spans``: trigger overlap first, else the main event."""
    best: tuple[int, float, int] | None = None
    chosen: Event | None = None
    for e in events:
        ov = sum(_overlap(e.event_start, e.event_end, s, t) for s, t in spans)
        if ov <= 0:
            continue
        key = (ov, e.confidence, -e.event_start)
        if best is None or key > best:
            best, chosen = key, e
    if chosen is not None:
        return chosen, "trigger overlap"
    ev = main_event(events)
    return ev, ("main event" if ev is not None else "no event")


# -------------------------------------------------------------------------------- actor normalisation


def our_country(a: Actor) -> str | None:
    """Our actor's country at CAMEO level: the first element of its code (``IGOWHO`` → IGO), else its
    ``country`` field."""
    if a.code:
        c, _ = split_actor_code(a.code)
        return c.upper() if c else None
    return a.country.upper() if a.country else None


def our_sector(a: Actor) -> str | None:
    """Our actor's sector: its ``sector`` field, else the first sector element of its code."""
    if a.sector:
        return a.sector[:3].upper()
    return split_actor_code(a.code)[1] if a.code else None


def our_code(a: Actor) -> str:
    """Our actor's full CAMEO-style code, for comparing with PETRARCH codes as written."""
    if a.code:
        return a.code
    return (a.country or NULL_ACTOR) + (a.sector or "")


def _root(code: str | None) -> str | None:
    return code[:2] if code and len(code) >= 2 and code[:2].isdigit() else None


def _describe_event(e: Event | None) -> str:
    if e is None:
        return "no event"
    src = ", ".join(our_code(a) for a in e.actor) or NULL_ACTOR
    tgt = ", ".join(our_code(a) for a in e.recipient) or NULL_ACTOR
    mod = "" if e.modality == "asserted" else f" [{e.modality}]"
    return f"{e.event or '-'} {e.cameo} {src} -> {tgt} «{e.event_text}» conf={e.confidence:.2f}{mod}"


def _describe_gold(ev: GoldEvent) -> str:
    src = ", ".join(
        a.code + (f"/{a.sector}" if a.sector and a.sector not in a.code else "") for a in ev.source
    )
    tgt = ", ".join(
        a.code + (f"/{a.sector}" if a.sector and a.sector not in a.code else "") for a in ev.target
    )
    label = ev.plover if ev.plover else ev.cameo
    trig = f" «{ev.event_text}»" if ev.event_text else ""
    return f"{label} {src or NULL_ACTOR} -> {tgt or NULL_ACTOR}{trig}"


def _label_error(gold: str, ours: str) -> list[str]:
    if gold == ours:
        return []
    return ["no event coded" if ours == NONE_LABEL else f"event: gold {gold} -> ours {ours}"]


def _set_error(what: str, gold: set[str], ours: set[str]) -> str:
    """Classify a wrong set of actor values: nothing coded, partly right, or wrong."""
    if not ours:
        return f"{what}: none coded"
    if gold & ours:
        return f"{what}: partly right (missing or extra)"
    return f"{what}: wrong"


# --------------------------------------------------------------------------------------- PLOVER gold


def _side_sets(
    g_actors: tuple[GoldActor, ...], ours: tuple[Actor, ...], level: str
) -> tuple[set[str], set[str], bool]:
    """Gold and our values of one actor side at ``level`` (country|sector); the flag says gold is unknown."""
    if level == "country":
        g = {a.country for a in g_actors if a.country}
        o = {c for c in (our_country(a) for a in ours) if c}
        return g, o, False
    unknown = any(a.sector == UNKNOWN_SECTOR for a in g_actors)
    g = {a.sector for a in g_actors if a.sector and a.sector != UNKNOWN_SECTOR}
    o = {s for s in (our_sector(a) for a in ours) if s}
    return g, o, unknown


def score_plover(gold: GoldSet, coded: Sequence[list[Event]]) -> Scores:
    """PLOVER gold: event type, and source/target country and sector of the matched event."""
    pairs: list[tuple[str, str]] = []
    matched_pairs: list[tuple[str, str]] = []
    how: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    acc: dict[str, list[bool]] = {}
    acc_skip: dict[str, Counter[str]] = {}
    prfs: dict[str, PRF] = {}
    prf_skip: dict[str, Counter[str]] = {}
    results = []
    for rec, events in _scorable(gold, coded, skipped, lambda r: bool(r.events), "no gold event"):
        g = rec.events[0]
        # Only events with a PLOVER type are PLOVER events (CAMEO 01 statements have none in 0.8).
        ev, matched_how = match_event([e for e in events if e.event], g.spans)
        how[matched_how] += 1
        pred = (ev.event or NONE_LABEL) if ev else NONE_LABEL
        gold_label = g.plover or NONE_LABEL
        pairs.append((gold_label, pred))
        if ev is not None:
            matched_pairs.append((gold_label, pred))
        checks = {"event type": pred == gold_label}
        errors = _label_error(gold_label, pred)
        for side, g_side, o_side in (
            ("source", g.source, ev.actor if ev else ()),
            ("target", g.target, ev.recipient if ev else ()),
        ):
            for level in ("country", "sector"):
                name = f"{side}_{level}"
                gs, os_, unknown = _side_sets(g_side, o_side, level)
                if side == "target" and g.reciprocal:
                    prf_skip.setdefault(name, Counter())["reciprocal (SRC/TAR) gold: no separate target"] += 1
                    acc_skip.setdefault(name, Counter())["reciprocal (SRC/TAR) gold: no separate target"] += 1
                    continue
                if unknown:
                    prf_skip.setdefault(name, Counter())["gold sector is *** (unknown)"] += 1
                    acc_skip.setdefault(name, Counter())["gold sector is *** (unknown)"] += 1
                    continue
                prfs.setdefault(name, PRF()).add(gs, os_)
                if not gs:
                    acc_skip.setdefault(name, Counter())[f"gold has no {side} {level}"] += 1
                elif ev is None:
                    acc_skip.setdefault(name, Counter())["no event of ours in the sentence"] += 1
                else:
                    ok = gs == os_
                    acc.setdefault(name, []).append(ok)
                    if level == "country":
                        checks[name] = ok
                        if not ok:
                            errors.append(_set_error(f"{side} country", gs, os_))
        results.append(
            RecordResult(
                rec.id,
                rec.text,
                rec.category,
                _describe_gold(g),
                _describe_event(ev),
                matched_how,
                ev,
                tuple(events),
                checks,
                label=(gold_label, pred),
                errors=tuple(errors),
            )
        )
    figures: dict[str, Figure] = {
        "event_type_accuracy": Figure(accuracy(pairs), len(pairs), dict(skipped)),
        "event_type_macro_f1": Figure(macro_f1(pairs), len(pairs), dict(skipped)),
        "event_coverage": Figure(
            ratio(len(matched_pairs), len(pairs)), len(pairs), dict(skipped), "share with an event of ours"
        ),
        "event_type_accuracy_when_coded": Figure(
            accuracy(matched_pairs),
            len(matched_pairs),
            {**skipped, "no event of ours in the sentence": len(pairs) - len(matched_pairs)},
        ),
        "matched_by_trigger_overlap": Figure(
            ratio(how["trigger overlap"], len(pairs)), len(pairs), dict(skipped), "share matched on EVT spans"
        ),
    }
    for name in ("source_country", "source_sector", "target_country", "target_sector"):
        oks = acc.get(name, [])
        figures[f"{name}_accuracy"] = Figure(
            ratio(sum(oks), len(oks)), len(oks), {**skipped, **acc_skip.get(name, {})}, "exact set match"
        )
        figures.update(prfs.get(name, PRF()).figures(name, {**skipped, **prf_skip.get(name, {})}))
    return Scores(figures, {"event_type": confusion(pairs)}, results, notes=how)


# ------------------------------------------------------------------------------------ PETRARCH gold


def our_triples(events: Iterable[Event]) -> list[tuple[Actor | None, Actor | None, Event]]:
    """Every event expanded to ``(source, target, event)`` (compound actors multiply, as PETRARCH does).

    A mention that is both source and recipient (a reciprocal event) is never paired with itself.
    """
    out: list[tuple[Actor | None, Actor | None, Event]] = []
    for e in events:
        srcs: list[Actor | None] = list(e.actor) or [None]
        tgts: list[Actor | None] = list(e.recipient) or [None]
        for s, t in product(srcs, tgts):
            if s is not None and t is not None and (s.start, s.end) == (t.start, t.end):
                continue
            out.append((s, t, e))
    return out


def _key(a: Actor | None, level: str) -> str:
    if a is None:
        return NULL_ACTOR
    v = our_code(a) if level == "code" else our_country(a) if level == "country" else our_sector(a)
    return v or NULL_ACTOR


def _gold_key(code: str, level: str) -> str:
    if level == "code":
        return code
    country, sector = split_actor_code(code)
    v = country if level == "country" else sector
    return v or NULL_ACTOR


TRIPLE_LEVELS: dict[str, tuple[str, str]] = {
    "triple_country_root": ("country", "root"),
    "triple_country_code": ("country", "code"),
    "triple_sector_root": ("sector", "root"),
    "dyad_country": ("country", ""),
}
"""Set-based triple comparisons: actor level (country / sector / full code) x event level (root / code)."""


def _gold_triples(rec: GoldRecord, actor_level: str, event_level: str) -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    for g in rec.events:
        for s, t in product(g.source or (None,), g.target or (None,)):
            sk = _gold_key(s.code, actor_level) if s else NULL_ACTOR
            tk = _gold_key(t.code, actor_level) if t else NULL_ACTOR
            ev = (g.cameo or "") if event_level == "code" else (_root(g.cameo) or "") if event_level else ""
            out.add((sk, tk, ev) if event_level else (sk, tk))
    return out


def _our_triple_set(events: Sequence[Event], actor_level: str, event_level: str) -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    for s, t, e in our_triples(events):
        ev = (
            e.cameo
            if event_level == "code"
            else (e.cameo_root or _root(e.cameo) or "")
            if event_level
            else ""
        )
        out.add(
            (_key(s, actor_level), _key(t, actor_level), ev)
            if event_level
            else (_key(s, actor_level), _key(t, actor_level))
        )
    return out


def _noevent_figures(results: list[tuple[bool, bool]], skipped: Counter[str]) -> dict[str, Figure]:
    """``results`` holds (gold says no event, we coded nothing) per record."""
    gold_none = [ours_none for g, ours_none in results if g]
    ours_none = [g for g, o in results if o]
    return {
        "noevent_specificity": Figure(
            ratio(sum(gold_none), len(gold_none)),
            len(gold_none),
            dict(skipped),
            "gold no-event sentences we left uncoded",
        ),
        "noevent_precision": Figure(
            ratio(sum(ours_none), len(ours_none)),
            len(ours_none),
            dict(skipped),
            "sentences we left uncoded that gold says have no event",
        ),
    }


def score_petrarch_news(gold: GoldSet, coded: Sequence[list[Event]]) -> Scores:
    """PETRARCH-2 gold on news: CAMEO root/code/quad accuracy of our main event, triple sets, no-event."""
    onto = load_ontology()
    root_pairs: list[tuple[str, str]] = []
    code_ok: list[bool] = []
    quad_pairs: list[tuple[str, str]] = []
    skipped: Counter[str] = Counter()
    triple_prf = {name: PRF() for name in TRIPLE_LEVELS}
    side_prf = {"source_country": PRF(), "target_country": PRF()}
    noev: list[tuple[bool, bool]] = []
    results = []
    for rec, events in _scorable(gold, coded, skipped):
        ev = main_event(events)
        noev.append((rec.no_event, not events))
        for name, (al, el) in TRIPLE_LEVELS.items():
            triple_prf[name].add(_gold_triples(rec, al, el), _our_triple_set(events, al, el))
        checks: dict[str, bool] = {}
        label = None
        errors: list[str] = []
        if rec.no_event:
            checks["no event"] = not events
            if events:
                errors.append("event coded where the gold has none")
            gold_desc = "no event"
        else:
            roots = [r for r in (_root(g.cameo) for g in rec.events) if r]
            pred_root = (ev.cameo_root or _root(ev.cameo)) if ev else None
            gold_root = pred_root if pred_root in roots else Counter(roots).most_common(1)[0][0]
            label = (gold_root, pred_root or NONE_LABEL)
            root_pairs.append(label)
            code_ok.append(ev is not None and ev.cameo in {g.cameo for g in rec.events})
            quads = {str(quad_class_of_root(r)) for r in roots if onto.is_valid(r)}
            pq = str(ev.quad_class) if ev else NONE_LABEL
            quad_pairs.append((pq if pq in quads else min(quads, default=NONE_LABEL), pq))
            checks["cameo root"] = pred_root in roots
            if pred_root not in roots:
                errors += _label_error(gold_root, pred_root or NONE_LABEL)
            for side, attr in (("source_country", "source"), ("target_country", "target")):
                gs = {v for g in rec.events for a in getattr(g, attr) if (v := split_actor_code(a.code)[0])}
                mine = (ev.actor if attr == "source" else ev.recipient) if ev else ()
                os_ = {c for c in (our_country(a) for a in mine) if c}
                side_prf[side].add(gs, os_)
                if ev is not None and gs != os_:
                    errors.append(_set_error(side.replace("_", " "), gs, os_))
            gold_desc = "; ".join(_describe_gold(g) for g in rec.events)
        results.append(
            RecordResult(
                rec.id,
                rec.text,
                rec.category,
                gold_desc,
                _describe_event(ev),
                "main event" if ev else "no event",
                ev,
                tuple(events),
                checks,
                label=label,
                errors=tuple(errors),
            )
        )
    n = len(root_pairs)
    no_gold = sum(1 for g, _ in noev if g)
    sk = {**skipped, "gold says no event": no_gold}
    figures: dict[str, Figure] = {
        "cameo_root_accuracy": Figure(accuracy(root_pairs), n, sk),
        "cameo_root_macro_f1": Figure(macro_f1(root_pairs), n, sk),
        "cameo_code_accuracy": Figure(ratio(sum(code_ok), len(code_ok)), len(code_ok), sk),
        "quad_class_accuracy": Figure(accuracy(quad_pairs), len(quad_pairs), sk),
        "event_coverage": Figure(
            ratio(sum(1 for _, p in root_pairs if p != NONE_LABEL), n), n, sk, "share with an event of ours"
        ),
    }
    for name, acc_prf in triple_prf.items():
        figures.update(acc_prf.figures(name, skipped))
    for name, acc_prf in side_prf.items():
        figures.update(acc_prf.figures(name, sk))
    figures.update(_noevent_figures(noev, skipped))
    return Scores(
        figures, {"cameo_root": confusion(root_pairs), "quad_class": confusion(quad_pairs)}, results
    )


def score_petrarch_mechanics(gold: GoldSet, coded: Sequence[list[Event]]) -> Scores:
    """PETRARCH unit tests with their toy dictionaries: a record passes when our set of triples equals
    the gold set (no missing, no extra). Pass rates at three strictnesses. Records whose gold uses event
    codes absent from CAMEO (toy-only codes) are also reported apart (``*_toy_codes``); they count in the
    main pass rates only when the set ran with its own verb dictionary, the one place those codes exist.

    PETRARCH's default ``require_dyad`` holds for these suites (an event needs a source and a target; the
    records that change it are skipped by the reader), so only our events with both an actor and a
    recipient are compared (dropped ones are counted in the notes)."""
    onto = load_ontology()
    toy_scored = bool(gold.verb_files)
    levels = {"exact": ("code", "code"), "root": ("code", "root"), "dyad": ("code", "")}
    passes: dict[str, list[bool]] = {lvl: [] for lvl in levels}
    toy_passes: dict[str, list[bool]] = {lvl: [] for lvl in levels}
    by_cat: dict[str, list[bool]] = {}
    skipped: Counter[str] = Counter()
    exact_prf = PRF()
    noev: list[tuple[bool, bool]] = []
    results = []
    one_sided = 0
    for rec, all_events in _scorable(gold, coded, skipped):
        events = [e for e in all_events if e.actor and e.recipient]
        one_sided += len(all_events) - len(events)
        toy = any(g.cameo and not onto.is_valid(g.cameo) for g in rec.events)
        checks = {}
        for lvl, (al, el) in levels.items():
            ok = _gold_triples(rec, al, el) == _our_triple_set(events, al, el)
            if toy:
                toy_passes[lvl].append(ok)
            if toy_scored or not toy:
                passes[lvl].append(ok)
            checks[lvl] = ok
        exact_prf.add(_gold_triples(rec, "code", "code"), _our_triple_set(events, "code", "code"))
        errors = [] if checks["exact"] else [_mechanics_error(rec, events, checks)]
        noev.append((rec.no_event, not events))
        if toy_scored or not toy:
            by_cat.setdefault(rec.category or "?", []).append(checks["exact"])
        gold_desc = (
            "no event"
            if not rec.events
            else "; ".join(f"{g.source[0].code} -> {g.target[0].code} {g.cameo}" for g in rec.events)
        )
        ours = "; ".join(
            f"{_key(s, 'code')} -> {_key(t, 'code')} {e.cameo}" for s, t, e in our_triples(events)
        )
        dropped = [e for e in all_events if not (e.actor and e.recipient)]
        if dropped:
            ours = (
                (ours or "no event")
                + " [one-sided, not compared: "
                + "; ".join(
                    f"{_key(s, 'code')} -> {_key(t, 'code')} {e.cameo}" for s, t, e in our_triples(dropped)
                )
                + "]"
            )
        results.append(
            RecordResult(
                rec.id,
                rec.text,
                (rec.category or "") + (" (toy-only code)" if toy else ""),
                gold_desc,
                ours or "no event",
                "sets",
                main_event(events),
                tuple(events),
                checks,
                errors=tuple(errors),
            )
        )
    toy_n = len(toy_passes["exact"])
    sk = (
        dict(skipped) if toy_scored else {**skipped, "gold needs a toy-only event code (scored apart)": toy_n}
    )
    figures: dict[str, Figure] = {}
    for lvl in levels:
        oks = passes[lvl]
        figures[f"pass_rate_{lvl}"] = Figure(ratio(sum(oks), len(oks)), len(oks), sk)
        t = toy_passes[lvl]
        figures[f"pass_rate_{lvl}_toy_codes"] = Figure(
            ratio(sum(t), len(t)),
            len(t),
            dict(skipped),
            "records whose gold uses codes only the toy verb file has",
        )
    figures.update(exact_prf.figures("triple_exact", skipped))
    figures.update(_noevent_figures(noev, skipped))
    breakdown = {
        "pass_rate_exact by category": {
            cat: Figure(ratio(sum(v), len(v)), len(v)) for cat, v in sorted(by_cat.items())
        }
    }
    notes: Counter[str] = Counter()
    if one_sided:
        notes["events of ours without both actor and recipient, not compared (PETRARCH require_dyad)"] = (
            one_sided
        )
    return Scores(figures, {}, results, breakdown, notes=notes)


def _mechanics_error(rec: GoldRecord, events: Sequence[Event], checks: dict[str, bool]) -> str:
    if rec.events and not events:
        return "no event coded"
    if not rec.events:
        return "event coded where the gold has none"
    if checks["dyad"]:
        return "right actors, different event code" + ("" if checks["root"] else " (root)")
    gd = _gold_triples(rec, "code", "")
    od = _our_triple_set(events, "code", "")
    if {s for s, _ in gd} != {s for s, _ in od}:
        return "different source actors"
    return "different target actors"


# ---------------------------------------------------------------------------------------- ConfliBERT


def score_pentaclass(gold: GoldSet, coded: Sequence[list[Event]]) -> Scores:
    """5-way CAMEO class of our main event against the ConfliBERT label."""
    pairs: list[tuple[str, str]] = []
    results = []
    skipped: Counter[str] = Counter()
    for rec, events in _scorable(gold, coded, skipped, lambda r: r.label is not None, "no label"):
        ev = main_event(events)
        root = (ev.cameo_root or _root(ev.cameo)) if ev else None
        pred = str(pentaclass_of_root(root)) if root else NONE_LABEL
        pairs.append((str(rec.label), pred))
        results.append(
            RecordResult(
                rec.id,
                rec.text,
                None,
                f"class {rec.label}",
                f"class {pred}: {_describe_event(ev)}",
                "main event" if ev else "no event",
                ev,
                tuple(events),
                {"class": pred == str(rec.label)},
                label=(str(rec.label), pred),
                errors=tuple(_label_error(f"class {rec.label}", f"class {pred}" if ev else NONE_LABEL)),
            )
        )
    labels = [str(i) for i in range(5)]
    coded_pairs = [(g, p) for g, p in pairs if p != NONE_LABEL]
    figures = {
        "pentaclass_accuracy": Figure(accuracy(pairs), len(pairs), dict(skipped)),
        "pentaclass_macro_f1": Figure(macro_f1(pairs, labels), len(pairs), dict(skipped)),
        "pentaclass_macro_f1_when_coded": Figure(
            macro_f1(coded_pairs, labels),
            len(coded_pairs),
            {**skipped, "no event of ours in the sentence": len(pairs) - len(coded_pairs)},
        ),
        "event_coverage": Figure(ratio(len(coded_pairs), len(pairs)), len(pairs), dict(skipped)),
    }
    return Scores(figures, {"pentaclass": confusion(pairs)}, results)


def _token_roles(ev: Event | None, start: int, end: int) -> set[str]:
    if ev is None:
        return set()
    roles = set()
    if any(_overlap(a.start, a.end, start, end) for a in ev.actor):
        roles.add("S")
    if any(_overlap(a.start, a.end, start, end) for a in ev.recipient):
        roles.add("T")
    return roles


def score_bio(gold: GoldSet, coded: Sequence[list[Event]]) -> Scores:
    """Actor-span token F1 of our main event's actor and recipient spans against S/T/R gold tags.

    ``R`` (both) counts as a source and a target token; the unlabelled figure asks only "is it an actor".
    """
    role = PRF()
    unlabelled = PRF()
    per_tag = {t: PRF() for t in ("S", "T", "R")}
    results = []
    skipped: Counter[str] = Counter()
    for rec, events in _scorable(gold, coded, skipped, lambda r: bool(r.tokens), "no tokens"):
        ev = main_event(events)
        g_roles, o_roles, g_any, o_any = [], [], [], []
        g_tags, o_tags = [], []
        for i, tok in enumerate(rec.tokens):
            gset = {"S", "T"} if tok.tag == "R" else ({tok.tag} if tok.tag != "O" else set())
            oset = _token_roles(ev, tok.start, tok.end)
            g_roles += [(i, r) for r in gset]
            o_roles += [(i, r) for r in oset]
            if gset:
                g_any.append(i)
            if oset:
                o_any.append(i)
            otag = "R" if oset == {"S", "T"} else next(iter(oset)) if oset else "O"
            g_tags.append((i, tok.tag))
            o_tags.append((i, otag))
        _, fp, fn = role.add(g_roles, o_roles)
        unlabelled.add(g_any, o_any)
        for t, acc_prf in per_tag.items():
            acc_prf.add([x for x in g_tags if x[1] == t], [x for x in o_tags if x[1] == t])
        gold_desc = " | ".join(f"{t}: {s}" for t, s in _spans_by_tag(rec.text, g_tags, rec))
        ours_desc = " | ".join(f"{t}: {s}" for t, s in _spans_by_tag(rec.text, o_tags, rec))
        results.append(
            RecordResult(
                rec.id,
                rec.text,
                None,
                gold_desc or "no actor",
                ours_desc or "no actor",
                "main event" if ev else "no event",
                ev,
                tuple(events),
                {"spans": fp == 0 and fn == 0},
                errors=tuple(
                    (["no event coded"] if ev is None else [])
                    + (["actor tokens missed"] if fn and ev is not None else [])
                    + (["actor tokens extra or in the wrong role"] if fp else [])
                ),
            )
        )
    figures = role.figures("actor_span_token", dict(skipped))
    figures.update(unlabelled.figures("actor_span_token_unlabelled", dict(skipped)))
    for t, acc_prf in per_tag.items():
        figures.update(acc_prf.figures(f"actor_span_token_{t}", dict(skipped)))
    return Scores(figures, {}, results)


def _spans_by_tag(text: str, tags: list[tuple[int, str]], rec: GoldRecord) -> list[tuple[str, str]]:
    """Runs of equal non-O tags as (tag, text) for the report."""
    out: list[tuple[str, str]] = []
    run: list[int] = []
    cur = "O"
    for i, t in [*tags, (len(tags), "O")]:
        if t != cur and run:
            toks = rec.tokens
            out.append((cur, text[toks[run[0]].start : toks[run[-1]].end]))
            run = []
        cur = t
        if t != "O":
            run.append(i)
    return out
