"""Geoparsing evaluation on GeoNames-annotated corpora (LGL, TR-News: the XML of Gritta et al.'s
"Pragmatic Guide to Geoparsing Evaluation").

Two settings:

- ``given_spans``: resolution alone, given the gold mention spans (the setting of Mordecai3's published
  table). Scored on every gold toponym that has a GeoNames annotation ("resolvable").
- ``end_to_end``: our recognition (spaCy NER + gazetteer) and resolution. Recognition precision/recall are
  scored against every gold toponym, strictly (same span) and leniently (overlapping span); resolution is
  scored on the resolvable gold toponyms that recognition found. The gold corpora annotate demonyms
  ("Russian") as toponyms of their country, so recognition here includes demonyms (``demonyms=True``).

Metrics: exact GeoNames id match; accuracy within 161 km (100 miles; an exact id match counts as 0 km,
since our point for an area is computed rather than GeoNames' own, and ``within_161km_coords`` gives the
raw-coordinate figure); country accuracy; mean and median error in km over resolved mentions; AUC of the
log error curve (Gritta et al.; lower is better, unresolved mentions count as the maximum error).
"""

from __future__ import annotations

import math
import re
import statistics
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..config import Config
from ..errors import GoldFormatError
from ..geo.gazetteer import haversine_km
from ..types import Place

if TYPE_CHECKING:
    from ..geo import Geocoder

Mode = Literal["given_spans", "end_to_end"]
MAX_KM = 20039.0
ACCURACY_KM = 161.0


@dataclass(frozen=True, slots=True)
class GoldToponym:
    """One annotated toponym; ``geonameid`` is ``None`` when the annotators found no GeoNames entry."""

    start: int
    end: int
    phrase: str
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country_geonameid: int | None = None
    feature_code: str | None = None


@dataclass(slots=True)
class GoldArticle:
    """One annotated article; ``dropped`` counts toponyms whose span could not be found in the text."""

    doc_id: str
    text: str
    toponyms: list[GoldToponym] = field(default_factory=list)
    dropped: int = 0


def _align(text: str, start: int, end: int, phrase: str) -> tuple[int, int] | None:
    """The gold span, or the nearest occurrence of its phrase when the offsets drifted (TR-News)."""
    if text[start:end] == phrase:
        return start, end
    best: int | None = None
    for m in re.finditer(re.escape(phrase), text):
        if best is None or abs(m.start() - start) < abs(best - start):
            best = m.start()
    return None if best is None else (best, best + len(phrase))


def read_gold(path: Path) -> Iterator[GoldArticle]:
    """Articles of a gold XML file, with toponym spans re-aligned to the text."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        raise GoldFormatError(f"cannot read geoparsing gold {path}: {e}") from e
    for art in root.iter("article"):
        text = art.findtext("text") or ""
        doc = GoldArticle(doc_id=art.get("docid") or str(len(text)), text=text)
        for t in art.iter("toponym"):
            try:
                s0, e0 = int(t.findtext("start") or ""), int(t.findtext("end") or "")
            except ValueError as exc:
                raise GoldFormatError(f"{path}: toponym without integer start/end in {doc.doc_id}") from exc
            phrase = t.findtext("phrase") or text[s0:e0]
            span = _align(text, s0, e0, phrase)
            if span is None:
                doc.dropped += 1
                continue
            g = t.find("gaztag")
            if g is None or not g.get("geonameid"):
                doc.toponyms.append(GoldToponym(span[0], span[1], phrase))
                continue
            c = g.find("country")
            doc.toponyms.append(
                GoldToponym(
                    span[0],
                    span[1],
                    phrase,
                    geonameid=int(g.get("geonameid") or 0),
                    lat=float(g.findtext("lat") or "nan"),
                    lon=float(g.findtext("lon") or "nan"),
                    country_geonameid=int(c.get("geonameid") or 0)
                    if c is not None and c.get("geonameid")
                    else None,
                    feature_code=g.findtext("fcode"),
                )
            )
        yield doc


@dataclass(slots=True)
class _Scores:
    """Accumulates resolution scores over gold toponyms."""

    country_of_gid: dict[int, str]
    n: int = 0
    exact: int = 0
    within: int = 0
    within_coords: int = 0
    country_ok: int = 0
    unresolved: int = 0
    errors: list[float] = field(default_factory=list)
    auc_terms: list[float] = field(default_factory=list)

    def add(self, gold: GoldToponym, pred: Place | None) -> None:
        self.n += 1
        if pred is None or pred.lat is None or pred.lon is None:
            self.unresolved += 1
            self.auc_terms.append(math.log(MAX_KM))
            return
        same = pred.geonameid is not None and pred.geonameid == gold.geonameid
        raw = (
            haversine_km(pred.lat, pred.lon, gold.lat, gold.lon)
            if gold.lat is not None and gold.lon is not None and not math.isnan(gold.lat)
            else MAX_KM
        )
        err = 0.0 if same else raw
        self.exact += same
        self.within += err <= ACCURACY_KM
        self.within_coords += raw <= ACCURACY_KM
        gold_cc = self.country_of_gid.get(gold.country_geonameid or -1)
        self.country_ok += bool(gold_cc) and pred.country is not None and pred.country == gold_cc
        self.errors.append(err)
        self.auc_terms.append(math.log(err + 1))

    def metrics(self) -> dict[str, Any]:
        n = max(self.n, 1)
        return {
            "scored": self.n,
            "exact": round(self.exact / n, 4),
            "within_161km": round(self.within / n, 4),
            "within_161km_coords": round(self.within_coords / n, 4),
            "country_accuracy": round(self.country_ok / n, 4),
            "mean_error_km": round(statistics.fmean(self.errors), 1) if self.errors else None,
            "median_error_km": round(statistics.median(self.errors), 1) if self.errors else None,
            "auc": round(statistics.fmean(self.auc_terms) / math.log(MAX_KM), 4) if self.auc_terms else None,
            "unresolved": self.unresolved,
        }


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _prf(tp_p: int, n_pred: int, tp_g: int, n_gold: int) -> dict[str, float]:
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_g / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def evaluate_geoparsing(
    path: Path | str,
    config: Config,
    *,
    mode: Mode = "given_spans",
    limit: int | None = None,
    geocoder: Geocoder | None = None,
) -> dict[str, Any]:
    """Score geoparsing on one gold XML file (or every ``*.xml`` in a folder, under ``"corpora"``).

    ``limit`` takes the first N articles (for quick checks). ``geocoder`` reuses a loaded
    :class:`~eventwire.geo.Geocoder`.
    """
    from ..geo import Geocoder

    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.xml"))
        if not files:
            raise GoldFormatError(f"no *.xml geoparsing gold files in {path}")
        gc = geocoder or Geocoder.load(config)
        return {
            "corpora": {
                f.stem: evaluate_geoparsing(f, config, mode=mode, limit=limit, geocoder=gc) for f in files
            }
        }
    if not path.is_file():
        raise GoldFormatError(f"geoparsing gold file not found: {path}")
    articles = list(read_gold(path))[:limit] if limit else list(read_gold(path))
    gc = geocoder or Geocoder.load(config)
    country_of_gid = gc.country_iso3_by_geonameid()
    scores = _Scores(country_of_gid)
    out: dict[str, Any] = {
        "corpus": path.stem,
        "mode": mode,
        "documents": len(articles),
        "toponyms": sum(len(a.toponyms) + a.dropped for a in articles),
        "resolvable": sum(1 for a in articles for t in a.toponyms if t.geonameid is not None),
        "unaligned": sum(a.dropped for a in articles),
    }
    if mode == "given_spans":
        t0 = time.perf_counter()
        for a in articles:
            gold = [t for t in a.toponyms if t.geonameid is not None]
            preds = gc.resolve_spans(a.text, [(t.start, t.end) for t in gold], doc_id=a.doc_id)
            for t, p in zip(gold, preds, strict=True):
                scores.add(t, p)
        elapsed = time.perf_counter() - t0
        out.update(scores.metrics())
        out["docs_per_second"] = round(len(articles) / elapsed, 1) if elapsed else None
        return out
    if mode != "end_to_end":
        raise GoldFormatError(f"unknown evaluation mode {mode!r}; use 'given_spans' or 'end_to_end'")
    from ..nlp import load_model

    nlp = load_model(config)
    t_parse = t_geo = 0.0
    n_pred = tp_strict_p = tp_lenient_p = 0
    n_gold = tp_strict_g = tp_lenient_g = 0
    docs = iter(nlp.pipe((a.text for a in articles), batch_size=config.batch_size))
    for a in articles:
        t0 = time.perf_counter()
        doc = next(docs)
        t1 = time.perf_counter()
        preds = gc.places(doc, doc_id=a.doc_id, demonyms=True, text=a.text)
        t2 = time.perf_counter()
        t_parse += t1 - t0
        t_geo += t2 - t1
        pspans = [(p.start, p.end) for p in preds]
        gspans = [(t.start, t.end) for t in a.toponyms]
        n_pred += len(preds)
        n_gold += len(a.toponyms)
        strict = set(pspans) & set(gspans)
        tp_strict_p += sum(1 for s in pspans if s in strict)
        tp_strict_g += sum(1 for s in gspans if s in strict)
        tp_lenient_p += sum(1 for s in pspans if any(_overlap(s, g) for g in gspans))
        for t in a.toponyms:
            match = [p for p in preds if _overlap((p.start, p.end), (t.start, t.end))]
            tp_lenient_g += bool(match)
            if t.geonameid is not None and match:
                exact = [p for p in match if (p.start, p.end) == (t.start, t.end)]
                scores.add(t, (exact or match)[0])
    out["recognition_strict"] = _prf(tp_strict_p, n_pred, tp_strict_g, n_gold)
    out["recognition_overlap"] = _prf(tp_lenient_p, n_pred, tp_lenient_g, n_gold)
    out["predicted_places"] = n_pred
    out.update(scores.metrics())
    out["resolved_share_of_resolvable"] = round(scores.n / max(out["resolvable"], 1), 4)
    out["exact_end_to_end"] = round(scores.exact / max(out["resolvable"], 1), 4)
    out["parse_seconds"] = round(t_parse, 2)
    out["geo_seconds"] = round(t_geo, 2)
    out["geo_share_of_parse"] = round(t_geo / t_parse, 4) if t_parse else None
    out["docs_per_second"] = round(len(articles) / (t_parse + t_geo), 1) if t_parse + t_geo else None
    return out
