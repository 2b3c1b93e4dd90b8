"""``eventwire evaluate``: score the coder on public gold data, honestly and reproducibly.

    from eventwire.evaluate import evaluate, evaluate_all
    result = evaluate("../shared/gold/plover_gsr/PLOVER_GSR_CAMEO.txt")
    print(result.figures["event_type_accuracy"].format())

Each gold file is read (:mod:`.readers`), its sentences are coded by :class:`eventwire.pipeline.Coder`
(once per distinct text and configuration), our events are matched to the gold without looking at the
gold label (:mod:`.scoring`), and every figure carries its count of records scored and skipped.
:mod:`.report` writes the per-record error report. (The repository's CI gate pins these figures with
its own tooling, ``tools/gate.py``; it is not part of the installed package.)
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..config import Config
from ..errors import GoldFormatError
from ..types import Article, Event
from .metrics import Figure
from .readers import FORMATS, GoldSet, detect_format, read_gold, sha256_file
from .scoring import (
    RecordResult,
    Scores,
    score_bio,
    score_pentaclass,
    score_petrarch_mechanics,
    score_petrarch_news,
    score_plover,
)

__all__ = [
    "BARS",
    "HEADLINE",
    "CodingCache",
    "EvaluationResult",
    "Figure",
    "evaluate",
    "evaluate_all",
    "find_gold_files",
]

HEADLINE: dict[str, tuple[str, ...]] = {
    "plover": (
        "event_type_accuracy",
        "event_type_macro_f1",
        "source_country_accuracy",
        "source_country_f1",
        "target_country_f1",
        "source_sector_f1",
    ),
    "petrarch/accuracy": (
        "cameo_root_accuracy",
        "cameo_code_accuracy",
        "quad_class_accuracy",
        "triple_country_root_f1",
        "noevent_specificity",
    ),
    "petrarch/mechanics": ("pass_rate_exact", "pass_rate_root", "pass_rate_dyad", "triple_exact_f1"),
    "pentaclass": ("pentaclass_accuracy", "pentaclass_macro_f1"),
    "bio": ("actor_span_token_f1", "actor_span_token_unlabelled_f1"),
    "realnews": (
        "precision_real",
        "precision_type",
        "precision_type_source",
        "precision_full",
        "recall_type",
        "recall_type_source",
        "recall_full",
        "no_event_specificity",
        "location_within_161km",
    ),
}
"""The figures each kind of gold set reports first and the gate pins (geoparsing: ``GEO_HEADLINE``)."""

BARS: dict[tuple[str, str], float] = {
    ("plover", "event_type_accuracy"): 0.75,
    ("plover", "source_country_accuracy"): 0.85,
    ("petrarch/accuracy", "cameo_root_accuracy"): 0.70,
    ("pentaclass", "pentaclass_macro_f1"): 0.70,
    ("petrarch/mechanics", "pass_rate_exact"): 0.80,
    ("realnews", "precision_real"): 0.85,
    ("realnews", "precision_type"): 0.80,
    ("realnews", "precision_full"): 0.60,
    ("realnews", "recall_type_source"): 0.60,
    ("realnews", "no_event_specificity"): 0.95,
    ("realnews", "location_within_161km"): 0.85,
}
"""The project's targets (issue 3) for each kind of gold set: reported next to the figure."""

CAMEO_FORMATS = frozenset({"petrarch", "pentaclass", "bio"})
"""Gold formats coded in CAMEO, statements included."""

KNOWN_GOLD: tuple[tuple[str, str], ...] = (
    ("plover_gsr/PLOVER_GSR_CAMEO.txt", "plover"),
    ("petrarch/PETR2_GSR_validation.xml", "petrarch"),
    ("petrarch/PETR.UnitTest.records.xml", "petrarch"),
    ("petrarch/PETR_Validate_records_2_02.xml", "petrarch"),
    ("conflibert_test/pentaclass_test.tsv", "pentaclass"),
    ("conflibert_test/actor_spans_test.bio", "bio"),
    ("geoparsing/lgl.xml", "geoparsing"),
    ("geoparsing/TR-News.xml", "geoparsing"),
)
"""The gold files of ``../shared/gold`` (relative path, format), in the order they are reported."""


class EventCoder(Protocol):
    """Anything that codes articles like :class:`eventwire.pipeline.Coder` (tests pass a fake)."""

    def code_articles(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[Event]]]: ...


Progress = Callable[[int, int], None]


@dataclass(slots=True)
class EvaluationResult:
    """The scores of one gold file.

    ``kind`` is the format, qualified for PETRARCH (``petrarch/accuracy`` on news, ``petrarch/mechanics``
    with toy dictionaries). ``figures`` maps a figure name to its :class:`Figure`; ``headline`` lists the
    ones reported first and pinned by the gate. ``skipped`` counts the records not scored, by reason.
    """

    name: str
    path: Path
    format: str
    kind: str
    sha256: str
    figures: dict[str, Figure]
    headline: tuple[str, ...]
    confusions: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    records: list[RecordResult] = field(default_factory=list)
    breakdown: dict[str, dict[str, Figure]] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)
    n_records: int = 0
    dictionaries: tuple[str, ...] = ()
    seconds: float = 0.0
    errors: list[tuple[str, int, list[str]]] = field(default_factory=list)
    """Real-news gold: error classes, most frequent first, with a few examples each."""

    def bar(self, figure: str) -> float | None:
        """The project's target for ``figure`` on this kind of gold set, if it has one."""
        return BARS.get((self.kind, figure))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (no per-record detail; see :mod:`.report` for that)."""
        return {
            "name": self.name,
            "path": str(self.path),
            "format": self.format,
            "kind": self.kind,
            "sha256": self.sha256,
            "n_records": self.n_records,
            "skipped": dict(self.skipped),
            "headline": list(self.headline),
            "figures": {k: v.to_dict() | {"bar": self.bar(k)} for k, v in self.figures.items()},
            "breakdown": {k: {c: f.to_dict() for c, f in v.items()} for k, v in self.breakdown.items()},
            "confusions": self.confusions,
            "notes": dict(self.notes),
            "dictionaries": list(self.dictionaries),
            "seconds": round(self.seconds, 2),
            "errors": [{"class": c, "count": n, "examples": ex} for c, n, ex in self.errors],
        }


class CodingCache:
    """Codes each distinct (configuration, text, date) once per process and keeps one coder per
    configuration, so that gold sets sharing sentences (pentaclass and BIO) are coded once."""

    def __init__(self) -> None:
        self._coders: dict[object, EventCoder] = {}
        self._events: dict[tuple[object, str, dt.date | None], list[Event]] = {}
        self.skipped_by_coder = 0

    def coder(self, config: Config) -> EventCoder:
        """The coder for ``config`` (made on first use: this loads the spaCy model)."""
        if config not in self._coders:
            from ..pipeline import Coder

            self._coders[config] = Coder(config)
        return self._coders[config]

    def code(
        self,
        key: object,
        coder: EventCoder,
        items: list[tuple[str, dt.date | None]],
        progress: Progress | None = None,
    ) -> list[list[Event]]:
        """Events for each ``(text, date)`` of ``items``, in order; a text the coder skipped gets ``[]``."""
        todo: dict[tuple[str, dt.date | None], str] = {}
        for text, date in items:
            if (key, text, date) not in self._events and (text, date) not in todo:
                todo[(text, date)] = f"gold-{len(todo)}"
        by_id = {aid: td for td, aid in todo.items()}
        articles = (Article(id=aid, text=td[0], date=td[1]) for aid, td in by_id.items())
        seen: set[str] = set()
        for done, (article, events) in enumerate(coder.code_articles(articles), 1):
            td = by_id[article.id]
            self._events[(key, td[0], td[1])] = list(events)
            seen.add(article.id)
            if progress:
                progress(done, len(by_id))
        for aid, td in by_id.items():
            if aid not in seen:
                self.skipped_by_coder += 1
                self._events[(key, td[0], td[1])] = []
        return [self._events[(key, t, d)] for t, d in items]


def _kind(gold: GoldSet) -> str:
    return f"petrarch/{gold.mode}" if gold.format == "petrarch" else gold.format


def _score(gold: GoldSet, coded: list[list[Event]]) -> Scores:
    if gold.format == "plover":
        return score_plover(gold, coded)
    if gold.format == "petrarch":
        return (score_petrarch_mechanics if gold.mode == "mechanics" else score_petrarch_news)(gold, coded)
    if gold.format == "pentaclass":
        return score_pentaclass(gold, coded)
    if gold.format == "bio":
        return score_bio(gold, coded)
    raise GoldFormatError(f"no scorer for gold format {gold.format!r}")


GEO_RATES: tuple[str, ...] = (
    "exact",
    "within_161km",
    "within_161km_coords",
    "country_accuracy",
    "resolved_share_of_resolvable",
    "exact_end_to_end",
)
"""Geoparsing figures that are shares of scored toponyms (higher is better), as the geo stage names them."""

GEO_HEADLINE: tuple[str, ...] = ("exact", "within_161km", "country_accuracy", "recognition_overlap_f1")


def _geo_figures(raw: dict[str, Any]) -> tuple[dict[str, Figure], Counter[str]]:
    """The geo stage's result dict as figures (rates over ``scored`` toponyms, recognition P/R/F1 over
    gold toponyms, error distances) and notes (counts)."""
    n = int(raw.get("scored") or 0)
    skipped = {}
    if raw.get("resolvable") is not None and raw.get("toponyms") is not None:
        skipped["gold toponym without a GeoNames id"] = int(raw["toponyms"]) - int(raw["resolvable"])
    if raw.get("unaligned"):
        skipped["gold offset could not be aligned to its phrase"] = int(raw["unaligned"])
    figures: dict[str, Figure] = {}
    for k in GEO_RATES:
        if isinstance(raw.get(k), int | float):
            figures[k] = Figure(float(raw[k]), n, skipped)
    for kind in ("recognition_strict", "recognition_overlap"):
        part = raw.get(kind)
        if isinstance(part, dict):
            for m in ("precision", "recall", "f1"):
                if isinstance(part.get(m), int | float):
                    figures[f"{kind}_{m}"] = Figure(float(part[m]), int(raw.get("toponyms") or 0))
    for k in ("mean_error_km", "median_error_km", "auc"):
        if isinstance(raw.get(k), int | float):
            figures[k] = Figure(float(raw[k]), n, skipped, "lower is better; not pinned")
    notes: Counter[str] = Counter()
    for k in ("documents", "toponyms", "resolvable", "unresolved"):
        if isinstance(raw.get(k), int):
            notes[k] = raw[k]
    return figures, notes


def _evaluate_geoparsing(path: Path, config: Config, mode: str) -> EvaluationResult:
    start = time.perf_counter()
    if importlib.util.find_spec(f"{__name__}.geo") is None:
        raise GoldFormatError(
            "geoparsing gold needs eventwire.evaluate.geo (the geolocation stage), which is not installed"
        )
    geo = importlib.import_module(f"{__name__}.geo")
    raw = geo.evaluate_geoparsing(path, config, mode=mode)
    figures, notes = _geo_figures(raw)
    notes[f"mode: {mode}"] = 1
    return EvaluationResult(
        name=path.name,
        path=path,
        format="geoparsing",
        kind="geoparsing",
        sha256=sha256_file(path),
        figures=figures,
        headline=tuple(h for h in GEO_HEADLINE if h in figures),
        notes=notes,
        n_records=int(notes.get("documents", 0)),
        seconds=time.perf_counter() - start,
    )


def _evaluate_realnews(
    path: Path,
    config: Config,
    coder: EventCoder | None,
    cache: CodingCache,
    progress: Progress | None,
    shared: Path | None,
) -> EvaluationResult:
    """Code the annotated articles (texts from ../shared) and score every event against the gold."""
    from . import realnews as rn

    start = time.perf_counter()
    gold = rn.read_gold_file(path)
    articles = rn.read_articles(rn.default_corpora(shared))
    skipped: Counter[str] = Counter()
    scored = []
    for rec in gold:
        art = articles.get(rec["doc"])
        if art is None:
            skipped["article not in the corpora"] += 1
        elif art.sha1 != rec["text_sha1"]:
            skipped["article text differs from the annotated one"] += 1
        else:
            scored.append((rec, art))
    the_coder = coder if coder is not None else cache.coder(config)
    key: object = (id(coder), config) if coder is not None else config
    items = [(art.text, art.date) for _, art in scored]
    coded = cache.code(key, the_coder, items, progress)
    tally = rn.Tally()
    for (rec, art), events in zip(scored, coded, strict=True):
        rn.score_document(rec, [e.to_dict() for e in events], art.text, tally)
    raw = tally.figures()
    n_of = {
        "precision": tally.n_ours,
        "recall": tally.n_gold_current,
        "no_event_specificity": tally.no_event_sentences,
        "location_within_161km": tally.loc_n,
    }
    figures: dict[str, Figure] = {}
    for name, value in raw.items():
        base = name if name in n_of else name.split("_")[0]
        if base in n_of:
            figures[name] = Figure(value, n_of[base], dict(skipped))
    notes: Counter[str] = Counter()
    for k in ("docs", "events_ours", "events_gold_current", "events_gold_historical", "no_event_sentences"):
        notes[k] = int(raw[k])
    errors = [(c, n, tally.examples.get(c, [])) for c, n in tally.errors.most_common()]
    return EvaluationResult(
        name=path.name,
        path=path,
        format="realnews",
        kind="realnews",
        sha256=sha256_file(path),
        figures=figures,
        headline=tuple(h for h in HEADLINE["realnews"] if h in figures),
        skipped=skipped,
        notes=notes,
        n_records=len(gold),
        seconds=time.perf_counter() - start,
        errors=errors,
    )


def evaluate(
    gold_path: Path | str,
    gold_format: str | None = None,
    config: Config = Config(),
    *,
    coder: EventCoder | None = None,
    cache: CodingCache | None = None,
    progress: Progress | None = None,
    geo_mode: str = "given_spans",
    shared: Path | None = None,
) -> EvaluationResult:
    """Score the coder on one gold file.

    ``gold_format`` is one of :data:`~.readers.FORMATS` (detected when ``None``). PETRARCH files whose
    ``<Environment>`` dictionaries sit next to them are run with those dictionaries (actors, agents and the
    verb dictionary, as a lexicon file) added to ``config`` (a mechanics check); everything else runs with
    ``config`` as given. ``coder`` replaces the pipeline's :class:`~eventwire.pipeline.Coder` (for tests);
    ``cache`` shares coded texts between calls. ``shared`` is the folder the real-news gold reads its
    article texts from (default: ``$EVENTWIRE_SHARED``, else ``../shared``).
    """
    path = Path(gold_path)
    fmt = gold_format or detect_format(path)
    if fmt not in FORMATS:
        raise GoldFormatError(f"unknown gold format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "geoparsing":
        return _evaluate_geoparsing(path, config, geo_mode)
    if fmt == "realnews":
        return _evaluate_realnews(path, config, coder, cache or CodingCache(), progress, shared)
    start = time.perf_counter()
    gold = read_gold(path, fmt)
    # Gold coded in CAMEO (PETRARCH, ConfliBERT) has CAMEO 01 statements among its codes: it is scored on
    # our CAMEO output, statements included; PLOVER gold (no statement type) on the default output.
    run_config = config.replace(statements=True) if fmt in CAMEO_FORMATS else config
    if gold.actor_files or gold.agent_files or gold.verb_files or gold.discard_files:
        run_config = run_config.replace(
            actor_files=(*config.actor_files, *gold.actor_files),
            agent_files=(*config.agent_files, *gold.agent_files),
            lexicon_files=(*config.lexicon_files, *gold.verb_files),
            discard_files=(*config.discard_files, *gold.discard_files),
        )
    cache = cache or CodingCache()
    before = cache.skipped_by_coder
    the_coder = coder if coder is not None else cache.coder(run_config)
    key: object = (id(coder), run_config) if coder is not None else run_config
    items = [(r.text, r.date) for r in gold.records]
    scored_idx = [i for i, r in enumerate(gold.records) if not r.skip_reason]
    coded_scored = cache.code(key, the_coder, [items[i] for i in scored_idx], progress)
    coded: list[list[Event]] = [[] for _ in gold.records]
    for i, evs in zip(scored_idx, coded_scored, strict=True):
        coded[i] = evs
    scores = _score(gold, coded)
    notes = Counter(gold.notes)
    notes.update(scores.notes)
    lost = cache.skipped_by_coder - before
    if lost:
        notes["texts the coder skipped (scored as no event)"] += lost
    kind = _kind(gold)
    return EvaluationResult(
        name=gold.name,
        path=path,
        format=fmt,
        kind=kind,
        sha256=gold.sha256,
        figures=scores.figures,
        headline=tuple(h for h in HEADLINE.get(kind, ()) if h in scores.figures),
        confusions=scores.confusions,
        records=scores.records,
        breakdown=scores.breakdown,
        skipped=Counter(r.skip_reason for r in gold.records if r.skip_reason),
        notes=notes,
        n_records=len(gold.records),
        dictionaries=tuple(p.name for p in (*gold.actor_files, *gold.agent_files, *gold.verb_files)),
        seconds=time.perf_counter() - start,
    )


def find_gold_files(gold_dir: Path | str, *, include_geo: bool = True) -> list[tuple[Path, str]]:
    """The known gold files present under ``gold_dir`` (e.g. ``../shared/gold``), with their formats."""
    root = Path(gold_dir)
    if not root.is_dir():
        raise GoldFormatError(f"gold folder not found: {root}")
    found = [(root / rel, fmt) for rel, fmt in KNOWN_GOLD if (root / rel).is_file()]
    if not include_geo:
        found = [(p, f) for p, f in found if f != "geoparsing"]
    if not found:
        raise GoldFormatError(
            f"no known gold file under {root}; expected e.g. {KNOWN_GOLD[0][0]} (or pass a file)"
        )
    return found


def evaluate_all(
    gold_dir: Path | str,
    config: Config = Config(),
    *,
    include_geo: bool = True,
    cache: CodingCache | None = None,
    on_result: Callable[[EvaluationResult], None] | None = None,
    geo_mode: str = "given_spans",
) -> list[EvaluationResult]:
    """Score every known gold file under ``gold_dir``; geoparsing only when the geo stage is installed."""
    cache = cache or CodingCache()
    results = []
    has_geo = importlib.util.find_spec(f"{__name__}.geo") is not None
    for path, fmt in find_gold_files(gold_dir, include_geo=include_geo and has_geo):
        r = evaluate(path, fmt, config, cache=cache, geo_mode=geo_mode)
        results.append(r)
        if on_result:
            on_result(r)
    return results
