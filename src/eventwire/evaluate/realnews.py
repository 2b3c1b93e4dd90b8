"""Real-news event gold: articles of ordinary news annotated in full, and how the coder is scored on them.

The gold (``annotation/realnews/{dev,test}.jsonl`` in the repository) holds document ids, character
offsets and labels only; the texts are the LGL and TR-News articles read from ``../shared/gold/geoparsing``
at run time. Every sentence of an annotated article is either in a gold event or marked as holding none,
so precision is charged for noise on sentences without events, which the CAMEO-manual gold sets never do.

Matching (the same for scoring the coder and for agreement between annotators): within each gold
sentence, our events and the gold events are paired one to one, greedily, preferring pairs whose triggers
overlap, then the same PLOVER type, then the same source country. An event of ours belongs to the gold
sentence that holds its trigger. See docs/evaluation.md, "Real news".
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import os
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import GoldFormatError

CORPORA = {"lgl": "lgl.xml", "trn": "TR-News.xml"}
MODALITIES = ("asserted", "negated", "denied", "future", "hypothetical", "reported", "question", "historical")
NONSTATE_COUNTRIES = frozenset({"IGO", "NGO", "MNC", "IMG"})
#: Country codes of our actors that the gold writes as IGO (the UN system and the EU are IGOs).
COUNTRY_EQUIV = {"UNO": "IGO", "EUR": "IGO", "XKX": "KOS"}
ACCURACY_KM = 161.0
#: CAMEO codes whose PLOVER type the PLOVER manual sets differently from the 2021 mapping table.
MANUAL_TYPE_OVERRIDES = {("116", "SANCTION")}


@dataclass(frozen=True, slots=True)
class Article:
    """One article of the geoparsing corpora, as the annotators and the coder read it."""

    doc: str
    corpus: str
    text: str
    title: str = ""
    url: str = ""
    domain: str = ""
    raw_date: str = ""
    date: date | None = None
    toponyms: tuple[dict[str, Any], ...] = ()

    @property
    def sha1(self) -> str:
        return hashlib.sha1(self.text.encode("utf-8")).hexdigest()


def default_shared() -> Path:
    """``$EVENTWIRE_SHARED``, else ``../shared`` next to the current directory."""
    env = os.environ.get("EVENTWIRE_SHARED")
    return Path(env) if env else Path.cwd().parent / "shared"


def default_corpora(shared: Path | None = None) -> dict[str, Path]:
    """The corpus name → XML path of the LGL and TR-News articles under ``shared``."""
    base = (shared or default_shared()) / "gold" / "geoparsing"
    return {name: base / fname for name, fname in CORPORA.items()}


def publication_date(raw: str) -> date | None:
    """The publication date in a corpus ``dltime`` (ISO, or written out as in TR-News), else ``None``."""
    raw = raw.strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", raw)
    if m:
        return date(int(m[1]), int(m[2]), int(m[3]))
    if not re.search(r"\b(19|20)\d{2}\b", raw):
        return None
    import dateparser

    cleaned = re.sub(r"\|.*$", "", raw)
    cleaned = re.sub(r"\b(\d{1,2})(st|nd|rd|th)\b", r"\1", cleaned)
    parsed = dateparser.parse(
        cleaned,
        languages=["en"],
        settings={"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False},
    )
    if parsed is None:
        m = re.search(r"([A-Z][a-z]+\.? \d{1,2},? (19|20)\d{2})", cleaned)
        parsed = dateparser.parse(m[1], languages=["en"]) if m else None
    return parsed.date() if parsed else None


def read_articles(corpora: Mapping[str, Path]) -> dict[str, Article]:
    """Every article of the corpora, keyed ``corpus:docid``."""
    out: dict[str, Article] = {}
    for corpus, path in corpora.items():
        if not path.exists():
            raise GoldFormatError(f"{path} not found: the real-news gold reads its texts from ../shared")
        root = ET.parse(path).getroot()
        for a in root.iter("article"):
            doc = f"{corpus}:{a.get('docid')}"
            text = a.findtext("text") or ""
            tops = []
            for t in a.iter("toponym"):
                g = t.find("gaztag")
                lat = g.findtext("lat") if g is not None else None
                lon = g.findtext("lon") if g is not None else None
                tops.append(
                    {
                        "start": int(t.findtext("start") or 0),
                        "end": int(t.findtext("end") or 0),
                        "phrase": (t.findtext("phrase") or "").strip(),
                        "geonameid": int(g.get("geonameid") or 0) if g is not None else None,
                        "name": g.findtext("name") if g is not None else None,
                        "country": g.findtext("country") if g is not None else None,
                        "lat": float(lat) if lat else None,
                        "lon": float(lon) if lon else None,
                    }
                )
            raw = (a.findtext("dltime") or "").strip()
            out[doc] = Article(
                doc=doc,
                corpus=corpus,
                text=text,
                title=" ".join((a.findtext("title") or "").split()),
                url=(a.findtext("url") or "").strip(),
                domain=(a.findtext("domain") or "").strip(),
                raw_date=raw,
                date=publication_date(raw),
                toponyms=tuple(tops),
            )
    return out


def place_list(article: Article) -> list[dict[str, Any]]:
    """The article's distinct gold place mentions (by phrase and GeoNames id), in order of first mention."""
    seen: dict[tuple[str, Any], dict[str, Any]] = {}
    for t in article.toponyms:
        key = (t["phrase"].lower(), t["geonameid"])
        if key not in seen:
            seen[key] = t
    return list(seen.values())


def segment(texts: Sequence[str], model: str | None = None) -> list[list[list[int]]]:
    """Sentence spans ``[start, end)`` (whitespace trimmed) as eventwire's parser splits each text."""
    from ..config import Config
    from ..nlp import load_model

    nlp = load_model(Config(model=model) if model else Config())
    out = []
    for doc in nlp.pipe(texts, batch_size=32):
        spans = []
        for s in doc.sents:
            txt = s.text
            if not txt.strip():
                continue
            lead = len(txt) - len(txt.lstrip())
            trail = len(txt) - len(txt.rstrip())
            spans.append([s.start_char + lead, s.end_char - trail])
        out.append(spans)
    return out


# ---------------------------------------------------------------------------------------------------------
# Turning an annotator's file (texts) into the offset-only gold record


def _span_of(sentence: str, needle: str, n: int) -> tuple[int, int] | None:
    """The ``n``-th occurrence (1-based) of ``needle`` in ``sentence``: whitespace-insensitive, exact case
    first, else any case. Occurrences are counted as substrings ("he" also occurs in "the")."""
    pattern = r"\s+".join(re.escape(w) for w in needle.split())
    hits = list(re.finditer(pattern, sentence)) or list(re.finditer(pattern, sentence, flags=re.IGNORECASE))
    return (hits[n - 1].start(), hits[n - 1].end()) if len(hits) >= n else None


def _inside_word(sentence: str, span: tuple[int, int]) -> bool:
    """True when the span starts or ends in the middle of a word ("he" in "the")."""
    s, e = span
    return (s > 0 and sentence[s - 1].isalnum() and sentence[s].isalnum()) or (
        e < len(sentence) and sentence[e - 1].isalnum() and sentence[e].isalnum()
    )


def _vocab() -> tuple[Any, frozenset[str], frozenset[str]]:
    from ..ontology import load_ontology

    onto = load_ontology()
    import pycountry

    countries = frozenset(c.alpha_3 for c in pycountry.countries) | NONSTATE_COUNTRIES | {"KOS"}
    return onto, countries, frozenset(onto.sectors)


def convert_annotation(
    ann: Mapping[str, Any], article: Article, spans: Sequence[Sequence[int]], annotator: str
) -> tuple[dict[str, Any], list[str]]:
    """The offset-only gold record of one annotator's file, and every problem found in it."""
    onto, countries, sectors = _vocab()
    problems: list[str] = []
    text = article.text
    events_out: list[dict[str, Any]] = []
    places = place_list(article)
    used: set[int] = set()
    for k, ev in enumerate(ann.get("events") or []):
        where = f"event {k}"
        try:
            si = int(ev["s"])
            s0, s1 = spans[si]
        except (KeyError, ValueError, TypeError, IndexError):
            problems.append(f"{where}: 's' must be a sentence index 0..{len(spans) - 1}")
            continue
        used.add(si)
        sent = text[s0:s1]
        trig = str(ev.get("trigger") or "").strip()
        hit = _span_of(sent, trig, int(ev.get("trigger_n") or 1)) if trig else None
        if hit is None:
            problems.append(f"{where}: trigger {trig!r} not found in sentence {si}")
            continue
        if _inside_word(sent, hit):
            problems.append(
                f"{where}: trigger {trig!r} matches inside a word in sentence {si}; give whole words, or "
                "trigger_n counting every occurrence as a substring"
            )
        etype = str(ev.get("type") or "").upper()
        if etype not in onto.plover_types:
            problems.append(f"{where}: type {etype!r} is not a PLOVER type ({', '.join(onto.plover_types)})")
            continue
        mode = (ev.get("mode") or "") or None
        if mode and (etype, mode) not in onto.modes:
            valid = ", ".join(m for (t, m) in onto.modes if t == etype) or "none"
            problems.append(f"{where}: mode {mode!r} is not a mode of {etype} (valid: {valid})")
        cameo = str(ev.get("cameo") or "").strip()
        if not onto.is_valid(cameo):
            problems.append(f"{where}: CAMEO code {cameo!r} unknown (keep leading zeros: '042')")
            continue
        modality = ev.get("modality") or "asserted"
        if modality not in MODALITIES:
            problems.append(f"{where}: modality {modality!r} not one of {', '.join(MODALITIES)}")
        mapped = onto.cameo(cameo).plover_event
        if mapped != etype and (cameo, etype) not in MANUAL_TYPE_OVERRIDES:
            speech = modality in ("future", "hypothetical") and etype in ("AGREE", "THREATEN")
            if not speech:
                problems.append(
                    f"{where}: CAMEO {cameo} is PLOVER {mapped}, not {etype}; fix one of them (a future or "
                    "possible cooperative act is AGREE and a material conflict THREATEN, with its CAMEO)"
                )
        sides: dict[str, list[dict[str, Any]]] = {}
        for side in ("source", "target"):
            sides[side] = []
            for j, act in enumerate(ev.get(side) or []):
                w = f"{where} {side}[{j}]"
                if not isinstance(act, Mapping):
                    problems.append(f"{w}: must be an object with text, country, sector")
                    continue
                country = str(act.get("country") or "").upper()
                sector = str(act.get("sector") or "").upper()
                if country and country not in countries:
                    problems.append(f"{w}: country {country!r} is not ISO alpha-3 or IGO/NGO/MNC/IMG")
                if sector and sector not in sectors:
                    problems.append(f"{w}: sector {sector!r} is not a sector code")
                atext = str(act.get("text") or "").strip()
                span: list[int] | None = None
                if atext:
                    sp = _span_of(sent, atext, int(act.get("n") or 1))
                    if sp is None:
                        problems.append(f"{w}: text {atext!r} not found in sentence {si}")
                        continue
                    if _inside_word(sent, sp):
                        problems.append(
                            f"{w}: text {atext!r} matches inside a word (e.g. 'he' in 'the'); set n to the "
                            "occurrence wanted, counting every occurrence as a substring"
                        )
                    span = [s0 + sp[0], s0 + sp[1]]
                elif not act.get("implicit"):
                    problems.append(f"{w}: give the words that name the actor, or implicit: true")
                sides[side].append(
                    {
                        "span": span,
                        "implicit": bool(act.get("implicit")) or span is None,
                        "country": country or None,
                        "sector": sector or None,
                    }
                )
        ev_date = ev.get("date") or None
        if ev_date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(ev_date)):
            problems.append(f"{where}: date {ev_date!r} must be YYYY-MM-DD or empty")
        loc = ev.get("location") or None
        location: dict[str, Any] | None = None
        if isinstance(loc, str):
            m = re.fullmatch(r"t(\d+)", loc.strip())
            if not m or int(m[1]) >= len(places):
                problems.append(f"{where}: location {loc!r} is not one of t0..t{len(places) - 1}")
            else:
                t = places[int(m[1])]
                location = {"geonameid": t["geonameid"], "lat": t["lat"], "lon": t["lon"], "name": t["name"]}
        elif isinstance(loc, Mapping):
            try:
                location = {
                    "geonameid": None,
                    "lat": float(loc["lat"]),
                    "lon": float(loc["lon"]),
                    "name": str(loc.get("name") or ""),
                }
            except (KeyError, ValueError, TypeError):
                problems.append(f"{where}: a location object needs name, lat and lon")
        events_out.append(
            {
                "sentence": si,
                "trigger": [s0 + hit[0], s0 + hit[1]],
                "type": etype,
                "mode": mode,
                "cameo": onto.normalize(cameo),
                "modality": modality,
                "source": sides["source"],
                "target": sides["target"],
                "date": ev_date,
                "location": location,
            }
        )
    none = {int(i) for i in ann.get("no_event_sentences") or []}
    both = sorted(none & used)
    if both:
        problems.append(f"sentences {both} hold events and are also listed as having none")
    missing = sorted(set(range(len(spans))) - none - used)
    if missing:
        problems.append(f"sentences {missing} are neither in an event nor in no_event_sentences")
    rec = {
        "doc": article.doc,
        "annotator": annotator,
        "text_sha1": article.sha1,
        "publication_date": article.date.isoformat() if article.date else None,
        "sentences": [list(s) for s in spans],
        "events": events_out,
    }
    return rec, problems


# ---------------------------------------------------------------------------------------------------------
# Gold records and our events in one shape, and matching


@dataclass(frozen=True, slots=True)
class Item:
    """An event reduced to what is scored: sentence, trigger, type, actors' countries, modality, place."""

    sentence: int
    trigger: tuple[int, int]
    type: str | None
    cameo: str
    modality: str
    source: frozenset[str]
    target: frozenset[str]
    location: tuple[float, float] | None = None
    label: str = ""
    raw: Any = field(default=None, compare=False, hash=False)


def _countries(actors: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    out = set()
    for a in actors:
        c = a.get("country")
        if c:
            c = str(c).upper()
            out.add(COUNTRY_EQUIV.get(c, c))
    return frozenset(out)


def gold_items(rec: Mapping[str, Any]) -> list[Item]:
    items = []
    for ev in rec["events"]:
        loc = ev.get("location")
        items.append(
            Item(
                sentence=int(ev["sentence"]),
                trigger=(int(ev["trigger"][0]), int(ev["trigger"][1])),
                type=ev["type"],
                cameo=ev["cameo"],
                modality=ev.get("modality") or "asserted",
                source=_countries(ev.get("source") or []),
                target=_countries(ev.get("target") or []),
                location=(loc["lat"], loc["lon"]) if loc and loc.get("lat") is not None else None,
                raw=ev,
            )
        )
    return items


def sentence_of(spans: Sequence[Sequence[int]], offset: int) -> int:
    """The index of the sentence holding ``offset`` (the nearest one before it when between sentences)."""
    starts = [s[0] for s in spans]
    return max(0, bisect.bisect_right(starts, offset) - 1)


def event_items(events: Iterable[Mapping[str, Any]], spans: Sequence[Sequence[int]]) -> list[Item]:
    """Our events (``Event.to_dict()`` records) as items placed in the gold's sentences."""
    items = []
    for ev in events:
        start = ev.get("event_start")
        if start is None:
            start = ev.get("sentence_start") or 0
        end = ev.get("event_end") or start
        loc = ev.get("location") or None
        latlon = None
        if loc and loc.get("lat") is not None and loc.get("lon") is not None:
            latlon = (float(loc["lat"]), float(loc["lon"]))
        items.append(
            Item(
                sentence=sentence_of(spans, int(start)),
                trigger=(int(start), int(end)),
                type=ev.get("event"),
                cameo=str(ev.get("cameo") or ""),
                modality=ev.get("modality") or "asserted",
                source=_countries(ev.get("actor") or []),
                target=_countries(ev.get("recipient") or []),
                location=latlon,
                label=str(ev.get("event_text") or ""),
                raw=ev,
            )
        )
    return items


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1] if a[1] > a[0] and b[1] > b[0] else a[0] == b[0]


def source_ok(ours: Item, gold: Item) -> bool:
    """Source country right: the countries share one, or the gold could not tell the country."""
    return not gold.source or bool(ours.source & gold.source)


def target_ok(ours: Item, gold: Item) -> bool:
    """Target country right: sharing one; or the gold has none (then ours must have none, unless the gold
    names a target whose country it could not tell)."""
    if gold.target:
        return bool(ours.target & gold.target)
    unknown = any(t.get("country") is None for t in (gold.raw or {}).get("target") or [])
    return unknown or not ours.target


def match(ours: Sequence[Item], gold: Sequence[Item]) -> list[tuple[int, int]]:
    """One-to-one pairs (our index, gold index) within sentences, best-scoring pairs first."""
    cands = []
    for i, o in enumerate(ours):
        for j, g in enumerate(gold):
            if o.sentence != g.sentence:
                continue
            score = (
                4 * _overlap(o.trigger, g.trigger)
                + 2 * (o.type is not None and o.type == g.type)
                + 1 * bool(o.source & g.source)
            )
            cands.append((-score, i, j))
    cands.sort()
    used_o: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, i, j in cands:
        if i in used_o or j in used_g:
            continue
        used_o.add(i)
        used_g.add(j)
        pairs.append((i, j))
    return pairs


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


LEVELS = ("real", "type", "type_source", "type_source_target", "full")


def _levels(o: Item, g: Item) -> dict[str, bool]:
    t = o.type is not None and o.type == g.type
    s = t and source_ok(o, g)
    st = s and target_ok(o, g)
    return {
        "real": True,
        "type": t,
        "type_source": s,
        "type_source_target": st,
        "full": st and o.modality == g.modality,
    }


def full_match(ours: Item, gold: Item) -> bool:
    """Type, source country, target country and modality all right."""
    return _levels(ours, gold)["full"]


@dataclass
class Tally:
    """Counts over a set of documents; ``figures()`` turns them into the reported ratios."""

    n_docs: int = 0
    n_ours: int = 0
    n_gold_current: int = 0
    n_gold_historical: int = 0
    precision: Counter[str] = field(default_factory=Counter)
    recall: Counter[str] = field(default_factory=Counter)
    no_event_sentences: int = 0
    no_event_clean: int = 0
    loc_n: int = 0
    loc_ok: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add_example(self, cls: str, text: str, k: int = 6) -> None:
        self.errors[cls] += 1
        ex = self.examples.setdefault(cls, [])
        if len(ex) < k:
            ex.append(text)

    def figures(self) -> dict[str, Any]:
        def r(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None

        out: dict[str, Any] = {
            "docs": self.n_docs,
            "events_ours": self.n_ours,
            "events_gold_current": self.n_gold_current,
            "events_gold_historical": self.n_gold_historical,
        }
        for lv in LEVELS:
            out[f"precision_{lv}"] = r(self.precision[lv], self.n_ours)
            out[f"recall_{lv}"] = r(self.recall[lv], self.n_gold_current)
        out["no_event_sentences"] = self.no_event_sentences
        out["no_event_specificity"] = r(self.no_event_clean, self.no_event_sentences)
        out["location_n"] = self.loc_n
        out["location_within_161km"] = r(self.loc_ok, self.loc_n)
        return out


def score_document(
    rec: Mapping[str, Any], events: Sequence[Mapping[str, Any]], text: str, tally: Tally
) -> None:
    """Add one document's comparison (gold record, our event dicts) to ``tally``."""
    spans = rec["sentences"]
    gold = gold_items(rec)
    ours = event_items(events, spans)
    pairs = match(ours, gold)
    by_o = dict(pairs)
    by_g = {j: i for i, j in pairs}
    tally.n_docs += 1
    tally.n_ours += len(ours)
    gold_sents = {g.sentence for g in gold}
    for i, o in enumerate(ours):
        where = f"{rec['doc']}#{o.sentence}: {o.type or o.cameo} '{text[o.trigger[0] : o.trigger[1]]}'"
        j = by_o.get(i)
        if j is None:
            cls = "event in a sentence without one" if o.sentence not in gold_sents else "extra event"
            tally.add_example(f"{cls}: {o.type or 'CAMEO ' + o.cameo}", where)
            continue
        g = gold[j]
        lv = _levels(o, g)
        for k, v in lv.items():
            tally.precision[k] += v
        if not lv["type"]:
            tally.add_example(f"wrong type: gold {g.type}, ours {o.type or o.cameo}", where)
        elif not lv["type_source"]:
            tally.add_example(
                "wrong source country", f"{where} ours {sorted(o.source)} gold {sorted(g.source)}"
            )
        elif not lv["type_source_target"]:
            cls = (
                "missing target"
                if g.target and not o.target
                else ("spurious target" if o.target and not g.target else "wrong target country")
            )
            tally.add_example(cls, f"{where} ours {sorted(o.target)} gold {sorted(g.target)}")
        elif not lv["full"]:
            cls = "background coded as current" if g.modality == "historical" else "wrong modality"
            tally.add_example(cls, f"{where} ours {o.modality} gold {g.modality}")
        if o.location is not None and g.location is not None:
            tally.loc_n += 1
            ok = haversine_km(o.location, g.location) <= ACCURACY_KM
            tally.loc_ok += ok
            if not ok:
                tally.add_example("location off by more than 161 km", where)
    for j, g in enumerate(gold):
        if g.modality == "historical":
            tally.n_gold_historical += 1
            continue
        tally.n_gold_current += 1
        oi = by_g.get(j)
        if oi is None:
            tally.add_example(
                f"missed: {g.type}",
                f"{rec['doc']}#{g.sentence}: {g.cameo} '{text[g.trigger[0] : g.trigger[1]]}'",
            )
            continue
        for k, v in _levels(ours[oi], g).items():
            tally.recall[k] += v
    our_sents = Counter(o.sentence for o in ours)
    for si in range(len(spans)):
        if si in gold_sents:
            continue
        tally.no_event_sentences += 1
        tally.no_event_clean += our_sents[si] == 0


def read_gold_file(path: Path | str) -> list[dict[str, Any]]:
    """The records of a gold JSONL file (one article per line)."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise GoldFormatError(f"cannot read real-news gold {p}: {e}") from e
    recs = []
    for n, ln in enumerate(lines, 1):
        if not ln.strip():
            continue
        try:
            recs.append(json.loads(ln))
        except json.JSONDecodeError as e:
            raise GoldFormatError(f"{p}:{n}: not JSON ({e})") from e
    return recs


# ---------------------------------------------------------------------------------------------------------
# Agreement between two annotators


def _kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    n = len(pairs)
    if not n:
        return None
    po = sum(a == b for a, b in pairs) / n
    ca = Counter(a for a, _ in pairs)
    cb = Counter(b for _, b in pairs)
    pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return round((po - pe) / (1 - pe), 4) if pe < 1 else 1.0


def agreement(a: Mapping[str, Mapping[str, Any]], b: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Event F1 at each level (A as reference) and sentence-label kappa, on the documents both annotated."""
    docs = sorted(set(a) & set(b))
    tp: Counter[str] = Counter()
    na = nb = 0
    binary: list[tuple[str, str]] = []
    typed: list[tuple[str, str]] = []
    for d in docs:
        ga, gb = gold_items(a[d]), gold_items(b[d])
        na += len(ga)
        nb += len(gb)
        for i, j in match(gb, ga):
            for k, v in _levels(gb[i], ga[j]).items():
                tp[k] += v
        for si in range(len(a[d]["sentences"])):
            ta = sorted({g.type or "" for g in ga if g.sentence == si})
            tb = sorted({g.type or "" for g in gb if g.sentence == si})
            binary.append(("event" if ta else "none", "event" if tb else "none"))
            typed.append(("+".join(ta) or "none", "+".join(tb) or "none"))
    out: dict[str, Any] = {"docs": len(docs), "events_a": na, "events_b": nb}
    for lv in LEVELS:
        p = tp[lv] / nb if nb else 0.0
        r = tp[lv] / na if na else 0.0
        out[f"f1_{lv}"] = round(2 * p * r / (p + r), 4) if p + r else 0.0
    out["kappa_sentence_event"] = _kappa(binary)
    out["kappa_sentence_types"] = _kappa(typed)
    out["sentences"] = len(binary)
    return out
