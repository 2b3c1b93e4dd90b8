"""One event per real-world event: the rule that merges mentions, and the merged record it produces.

GDELT and POLECAT publish one row per mention, so a story reprinted 200 times is 200 events. Here
mentions that describe the same happening are merged into one *merged event* that counts them
(``num_mentions``, ``num_sources``, ``num_articles``) and links to every one (``mentions.merged_id``).

Two mentions may merge only when all of these hold (each is a field of :class:`MergeRule`):

1. **Same block**: same modality group (``asserted`` and ``reported`` are claims that it happened;
   ``negated``, ``future``... each stand alone), same event type at ``type_level`` (PLOVER type by
   default), and the same countries on each side. For ``unordered_types`` (CONSULT: "A met B" is
   "B met A", "A visited B" is "B hosted A") the two sides are pooled.
2. **Same actors**: the actor and recipient code sets match; with ``actor_prefix`` a less specific code
   matches a more specific one (``AZE`` ~ ``AZEGOV``) but two specific ones must be equal
   (``AZEGOV`` !~ ``AZEMIL``).
3. **Compatible mode**: equal when both are known (a phone call is not the visit of the same day).
4. **Dates within a window**: dates the text gives may differ by ``date_window_days`` (0: the same
   day, GDELT's grain: a meeting on Tuesday and a phone call on Wednesday are two events); a mention
   dated only by its article's publication may be published up to ``report_lag_days`` after the event
   (and ``date_window_days`` before it, for time zones). Mentions from articles of the same
   deduplication cluster (near-duplicates, syndicated copies) use ``cluster_window_days`` instead.
5. **Same place when known**: different countries never merge; two city-level places merge when
   within ``place_radius_km``; a country- or province-level place matches anything inside it.
6. **Known participants**: with ``anonymous_within_article``, a mention whose actors have no country at
   all (``---GOV`` "the government", ``---COP`` "police") merges with other articles' mentions only when
   both name a city-level place (and rule 5 holds), else only within its own article or deduplication
   cluster: "police fired on protesters" in two unrelated stories is two events.

Every condition is checked against *every* mention already in a merged event (complete link), so a
chain of near matches cannot glue two different meetings together. A mention joins the best
compatible event (same cluster, same place, nearest date, most mentions, then the event whose first
mention comes first) or starts a new one. Mentions are taken in :func:`merge_order`, so a mention's event
depends only on the mentions of its block before it: the store uses that to give every batching, split and
concurrency of a corpus the merged events of one pass over all of it (``Store._merge``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from ..errors import ConfigError
from .countries import iso3
from .schema import ACTOR_SUMMARY_COLUMNS

_REPRESENTED = (*ACTOR_SUMMARY_COLUMNS, "actor_codes", "recipient_codes", "event", "cameo", "cameo_root",
                "quad_class", "goldstein")  # fmt: skip
"""What a merged event copies from its representative mention."""
_LOCATED = ("loc_name", "loc_country", "loc_admin1", "loc_geonameid", "loc_lat", "loc_lon",
            "loc_feature_class", "loc_feature_code", "loc_precision")  # fmt: skip
"""What a merged event copies from its most precise location."""

MEMBER_FIELDS = ("event_id", "article_id", "merged_id", "block_key", "merge_date", "merge_date_source",
                 "mode", "modality", "context", "confidence", "sentence_index", "date_flag", *_REPRESENTED,
                 *_LOCATED)  # fmt: skip
"""The mention columns the merge reads (with the article's ``cluster_id``, ``duplicate_of``, ``source``,
``url``, ``pub_date``, ``fetched_at`` and ``stored_at``)."""

TYPE_LEVELS = ("plover", "cameo_root", "cameo_base", "cameo")
_DATE_SOURCE_RANK = {"text": 0, "published": 1, "none": 2}
_RANK_SQL = (
    "CASE {p}merge_date_source WHEN 'text' THEN 0 WHEN 'published' THEN 1 WHEN 'none' THEN 2 ELSE 3 END"
)
MERGE_ORDER_SQL = (
    "({p}merge_date IS NULL, coalesce({p}merge_date, DATE '0001-01-01'), "
    + _RANK_SQL
    + ", {p}article_id, {p}event_id)"
)
""":func:`merge_order` as a SQL row value over ``mentions`` (``{p}``: the table alias and a dot)."""


@dataclass(frozen=True, slots=True)
class MergeRule:
    """The explicit, tunable rule deciding which mentions are one real-world event (see module doc)."""

    date_window_days: int = 0
    report_lag_days: int = 2
    cluster_window_days: int = 7
    type_level: str = "plover"
    match_mode: bool = True
    unordered_types: tuple[str, ...] = ("CONSULT",)
    actor_prefix: bool = True
    place_radius_km: float = 50.0
    modality_groups: tuple[tuple[str, ...], ...] = (("asserted", "reported"),)
    anonymous_within_article: bool = True

    def __post_init__(self) -> None:
        for name in ("date_window_days", "report_lag_days", "cluster_window_days"):
            if getattr(self, name) < 0:
                raise ConfigError(f"merge rule: {name} must be 0 or more, got {getattr(self, name)}")
        if self.type_level not in TYPE_LEVELS:
            raise ConfigError(
                f"merge rule: type_level must be one of {', '.join(TYPE_LEVELS)}, got {self.type_level!r}"
            )
        if self.place_radius_km < 0:
            raise ConfigError(f"merge rule: place_radius_km must be 0 or more, got {self.place_radius_km}")

    @property
    def horizon_days(self) -> int:
        """How far apart (in days) two mentions of one merged event can be, at most."""
        return max(self.date_window_days, self.report_lag_days, self.cluster_window_days)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form (stored in the database so every writer merges the same way)."""
        return {k: list(map(list, v)) if k == "modality_groups" else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MergeRule:
        kw = dict(d)
        if "unordered_types" in kw:
            kw["unordered_types"] = tuple(kw["unordered_types"])
        if "modality_groups" in kw:
            kw["modality_groups"] = tuple(tuple(g) for g in kw["modality_groups"])
        return cls(**kw)

    # --- the pieces of the rule ------------------------------------------------------------------------

    def type_key(self, m: dict[str, Any]) -> str:
        """The event type at the rule's level."""
        if self.type_level == "plover":
            return m["event"] or ""
        if self.type_level == "cameo_root":
            return m["cameo_root"] or ""
        cameo = m["cameo"] or ""
        return cameo[:3] if self.type_level == "cameo_base" else cameo

    def modality_group(self, modality: str | None) -> str:
        """The modality group name (mentions in different groups never merge)."""
        mod = modality or "asserted"
        for group in self.modality_groups:
            if mod in group:
                return group[0]
        return mod

    def sides(self, m: dict[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
        """The actor and recipient code sets, pooled for unordered event types."""
        a = frozenset(c for c in (m["actor_codes"] or "").split("|") if c)
        r = frozenset(c for c in (m["recipient_codes"] or "").split("|") if c)
        if (m["event"] or "") in self.unordered_types:
            return a | r, frozenset()
        return a, r

    def _project(self, codes: frozenset[str]) -> str:
        return "|".join(sorted({c[:3] for c in codes} if self.actor_prefix else codes))

    def block_key(self, m: dict[str, Any]) -> str:
        """The blocking key: only mentions with equal keys are ever compared."""
        ac, rc = m["actor_codes"] or "", m["recipient_codes"] or ""
        if self.actor_prefix and "|" not in ac and "|" not in rc:  # one code a side: the common case, fast
            pa_, pr_ = ac[:3], rc[:3]
            if (m["event"] or "") in self.unordered_types:
                pa_, pr_ = "|".join(sorted({pa_, pr_} - {""})), ""
            return f"{self.modality_group(m['modality'])}/{self.type_key(m)}/{pa_}/{pr_}"
        a, r = self.sides(m)
        return (
            f"{self.modality_group(m['modality'])}/{self.type_key(m)}/{self._project(a)}/{self._project(r)}"
        )

    def codes_compatible(self, x: frozenset[str], y: frozenset[str]) -> bool:
        """Whether two code sets name the same participants."""
        if x == y:
            return True
        if not self.actor_prefix:
            return False

        def covered(p: frozenset[str], q: frozenset[str]) -> bool:
            return all(any(a.startswith(b) or b.startswith(a) for b in q) for a in p)

        return covered(x, y) and covered(y, x)


# --- places ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlaceKey:
    """What the merge compares of a location: where, and how precisely."""

    geonameid: int | None
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    rank: int  # 0 country, 1 first-level division, 2 city or finer
    name: str | None


def place_rank(precision: str | None, feature_code: str | None) -> int:
    if precision:
        return {"country": 0, "admin1": 1}.get(precision, 2)
    fc = feature_code or ""
    if fc.startswith("PCL"):
        return 0
    return 1 if fc == "ADM1" else 2


def place_key(m: dict[str, Any]) -> PlaceKey | None:
    """The place of a mention row, or None when it has none."""
    if m["loc_country"] is None and m["loc_geonameid"] is None and m["loc_name"] is None:
        return None
    return PlaceKey(
        geonameid=m["loc_geonameid"],
        country=iso3(m["loc_country"]),
        admin1=m["loc_admin1"],
        lat=m["loc_lat"],
        lon=m["loc_lon"],
        rank=place_rank(m["loc_precision"], m["loc_feature_code"]),
        name=(m["loc_name"] or "").casefold() or None,
    )


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def places_compatible(a: PlaceKey, b: PlaceKey, radius_km: float) -> bool:
    """Whether two known places can be where one event happened."""
    if a.country and b.country and a.country != b.country:
        return False
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return True
    low = min(a.rank, b.rank)
    if low == 0:
        return True
    if low == 1:
        return a.admin1 is None or b.admin1 is None or a.admin1 == b.admin1
    if None not in (a.lat, a.lon, b.lat, b.lon):
        return km_between(a.lat, a.lon, b.lat, b.lon) <= radius_km  # type: ignore[arg-type]
    return a.name == b.name


# --- assignment -----------------------------------------------------------------------------------------


def cluster_key(m: dict[str, Any]) -> str:
    """The deduplication cluster of a mention's article (its own id when it has none)."""
    return m["cluster_id"] or m["duplicate_of"] or m["article_id"]


class _Sig:
    """What the rule compares of one mention, computed once."""

    __slots__ = ("anonymous", "article", "day", "explicit", "group", "mode", "place", "sides")

    def __init__(self, rule: MergeRule, m: dict[str, Any]) -> None:
        self.sides = rule.sides(m)
        self.anonymous = all(c.startswith("---") for c in self.sides[0] | self.sides[1])
        self.mode = m["mode"] or None
        self.place = place_key(m)
        self.day: int | None = m["merge_date"].toordinal() if m["merge_date"] is not None else None
        self.explicit = m["merge_date_source"] == "text"
        self.group = cluster_key(m)
        self.article = m["article_id"]


class Cluster:
    """A merged event while it is being built: its mentions and what they constrain."""

    __slots__ = (
        "block_key",
        "e_days",
        "f_max",
        "f_min",
        "first",
        "groups",
        "members",
        "merged_id",
        "modes",
        "places",
        "sigs",
    )

    def __init__(self, merged_id: int | None, block_key: str, first: tuple[Any, ...]) -> None:
        self.merged_id = merged_id
        self.block_key = block_key
        self.first = first  # merge_order() of its first mention: what ties between two events are broken on
        self.members: list[dict[str, Any]] = []
        self.sigs: set[tuple[frozenset[str], frozenset[str]]] = set()
        self.modes: set[str] = set()
        self.places: set[PlaceKey] = set()
        self.e_days: Counter[int] = Counter()
        self.f_min = self.f_max = 0
        self.groups: dict[str, set[str]] = {}

    def add(self, m: dict[str, Any], s: _Sig) -> None:
        self.members.append(m)
        self.sigs.add(s.sides)
        if s.mode:
            self.modes.add(s.mode)
        if s.place is not None:
            self.places.add(s.place)
        if s.day is None:
            pass  # undated: constrains no date, joins only its own article's or dedup cluster's events
        elif s.explicit:
            self.e_days[s.day] += 1
        elif self.f_min == 0 and self.f_max == 0:
            self.f_min = self.f_max = s.day
        else:
            self.f_min, self.f_max = min(self.f_min, s.day), max(self.f_max, s.day)
        self.groups.setdefault(s.group, set()).add(s.article)

    @property
    def has_fallback(self) -> bool:
        return self.f_max != 0

    @property
    def dated(self) -> bool:
        return bool(self.e_days) or self.has_fallback

    def day(self) -> int | None:
        """The event's day: the most reported text date, else the earliest publication date, else None."""
        if self.e_days:
            return min(self.e_days.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        return self.f_min if self.has_fallback else None


def _accepts(rule: MergeRule, c: Cluster, s: _Sig) -> bool:
    if s.anonymous and rule.anonymous_within_article and s.group not in c.groups:
        precise = s.place is not None and s.place.rank == 2 and any(p.rank == 2 for p in c.places)
        if not precise:
            return False
    w, lag = rule.date_window_days, rule.report_lag_days
    if c.groups.get(s.group, set()) - {s.article}:
        w = lag = rule.cluster_window_days
    d = s.day
    if (d is None or not c.dated) and s.group not in c.groups:
        return False  # without a date, only mentions of one article (or its copies) can be one event
    if d is None:
        pass
    elif c.e_days:
        lo, hi = min(c.e_days), max(c.e_days)
        if s.explicit and not (d - lo <= w and hi - d <= w):
            return False
        if not s.explicit and not (d - hi >= -w and d - lo <= lag):
            return False
    if d is not None and c.has_fallback:
        if s.explicit and not (c.f_min - d >= -w and c.f_max - d <= lag):
            return False
        if not s.explicit and not (d - c.f_min <= lag and c.f_max - d <= lag):
            return False
    if rule.match_mode and s.mode and any(cm != s.mode for cm in c.modes):
        return False
    if s.place is not None and not all(places_compatible(s.place, p, rule.place_radius_km) for p in c.places):
        return False
    return all(
        rule.codes_compatible(s.sides[0], a) and rule.codes_compatible(s.sides[1], r) for a, r in c.sigs
    )


def _score(c: Cluster, s: _Sig) -> tuple[int, int, int, int]:
    """How good a home a compatible event is; ties go to the event whose first mention comes first."""
    same_group = int(bool(c.groups.get(s.group, set()) - {s.article}))
    same_place = int(
        s.place is not None
        and s.place.geonameid is not None
        and any(p.geonameid == s.place.geonameid for p in c.places)
    )
    day = c.day()
    gap = abs(s.day - day) if s.day is not None and day is not None else 0
    return (same_group, same_place, -gap, len(c.members))


def merge_order(m: dict[str, Any]) -> tuple[Any, ...]:
    """The order mentions are assigned in: by date (undated last), text dates first, then by article and
    event id (:data:`MERGE_ORDER_SQL` is the same order in SQL)."""
    day = m["merge_date"]
    return (
        day is None,
        day or dt.date.min,
        _DATE_SOURCE_RANK.get(m["merge_date_source"], 3),
        m["article_id"],
        m["event_id"],
    )


def assign(
    rule: MergeRule, pending: Iterable[dict[str, Any]], existing: Iterable[dict[str, Any]]
) -> list[Cluster]:
    """Place each pending mention in a merged event, given the members of the candidate merged events.

    ``existing`` are mention rows that already have a ``merged_id``; ``pending`` rows get one here
    (``None`` for a new merged event, to be numbered by the caller). Mentions are taken in
    :func:`merge_order`; each joins the best compatible event (:func:`_score`, ties to the event whose
    first mention comes first) or starts one. Returns every cluster that gained a mention. The result
    depends on nothing but the rows: the same rows always give the same assignment, and a mention's
    event depends only on the mentions of its block that come before it in merge order (which is what
    lets the store merge any batching, split or concurrency of a corpus as one pass over all of it).
    """
    # block -> day -> clusters with a mention that day: candidates are looked up within the horizon only.
    days: dict[str, dict[int, list[Cluster]]] = {}
    # (block, dedup group) -> clusters with a mention of that group: where an undated mention may go
    grouped: dict[tuple[str, str], list[Cluster]] = {}
    by_id: dict[int, Cluster] = {}
    h = rule.horizon_days

    def place(c: Cluster, m: dict[str, Any], s: _Sig) -> None:
        new_group = s.group not in c.groups
        c.add(m, s)
        if new_group:
            grouped.setdefault((c.block_key, s.group), []).append(c)
        if s.day is None:
            return
        bucket = days.setdefault(c.block_key, {}).setdefault(s.day, [])
        if not bucket or bucket[-1] is not c:
            bucket.append(c)

    for m in sorted(existing, key=lambda m: (m["merged_id"], *merge_order(m))):
        c = by_id.get(m["merged_id"])
        if c is None:
            c = by_id[m["merged_id"]] = Cluster(m["merged_id"], m["block_key"], merge_order(m))
        place(c, m, _Sig(rule, m))
    touched: dict[int, Cluster] = {}
    for m in sorted(pending, key=merge_order):
        s = _Sig(rule, m)
        block = days.get(m["block_key"], {})
        near = {id(c): c for c in grouped.get((m["block_key"], s.group), ())}
        if s.day is not None:
            near.update((id(c), c) for day in range(s.day - h, s.day + h + 1) for c in block.get(day, ()))
        cands = sorted((c for c in near.values() if _accepts(rule, c, s)), key=lambda c: c.first)
        if cands:
            best = max(cands, key=lambda c: _score(c, s))
        else:
            best = Cluster(None, m["block_key"], merge_order(m))
        place(best, m, s)
        touched[id(best)] = best
    return list(touched.values())


# --- the merged record ----------------------------------------------------------------------------------


def seen_at(m: dict[str, Any]) -> dt.datetime:
    """When a mention was seen: its article's fetch time, else publication date, else when stored."""
    if m["fetched_at"] is not None:
        return m["fetched_at"]
    if m["pub_date"] is not None:
        return dt.datetime.combine(m["pub_date"], dt.time())
    return m["stored_at"]


def seen_key(m: dict[str, Any]) -> dt.datetime:
    """:func:`seen_at` for choosing between mentions: what the article says (fetch time, publication
    date), never when it happened to be stored, so the choice does not depend on how the work was cut."""
    if m["fetched_at"] is not None or m["pub_date"] is not None:
        return seen_at(m)
    return dt.datetime.max


def source_of(m: dict[str, Any]) -> str:
    """The outlet of a mention's article (its ``source``, else its URL's host, else the article id)."""
    if m["source"]:
        return str(m["source"]).casefold()
    if m["url"]:
        host = urlsplit(m["url"]).hostname or ""
        return host.removeprefix("www.") or m["article_id"]
    return m["article_id"]


def _representative(members: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return min(
        members,
        key=lambda m: (
            -(m["confidence"] or 0.0),
            _DATE_SOURCE_RANK.get(m["merge_date_source"], 3),
            seen_key(m),
            m["event_id"],
        ),
    )


def _location(members: Sequence[dict[str, Any]]) -> dict[str, Any]:
    placed = [m for m in members if place_key(m) is not None]
    if not placed:
        return {}
    ranks = {id(m): place_rank(m["loc_precision"], m["loc_feature_code"]) for m in placed}
    freq = Counter((m["loc_geonameid"], m["loc_name"]) for m in placed)
    best = min(
        placed, key=lambda m: (-ranks[id(m)], -freq[(m["loc_geonameid"], m["loc_name"])], m["event_id"])
    )
    return {k: best[k] for k in _LOCATED}


def summarize(
    merged_id: int, members: Sequence[dict[str, Any]], now: dt.datetime, copies: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """The ``merged_events`` row of one merged event, from all its mention rows (with article fields).

    ``copies`` are uncoded duplicate articles (syndicated copies flagged by ingest) of the mentions'
    articles: they count as articles and sources that reported the event, as GDELT counts reprints.
    """
    rep = _representative(members)
    reporting = [*members, *copies]
    dated = [m for m in members if m["merge_date"] is not None]
    explicit = Counter(m["merge_date"] for m in dated if m["merge_date_source"] == "text")
    event_date: dt.date | None = None
    date_source = "none"  # no date in any text, no publication date: unknown, never invented
    if explicit:
        event_date = min(explicit.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        date_source = "text"
    elif dated:
        first = min(dated, key=lambda m: (m["merge_date"], _DATE_SOURCE_RANK.get(m["merge_date_source"], 3)))
        event_date, date_source = first["merge_date"], first["merge_date_source"]
    flags = [m.get("date_flag") for m in dated if m["merge_date"] == event_date and m.get("date_flag")]
    seen = sorted(seen_at(m) for m in reporting)
    # GDELT's SOURCEURL: the first article's URL, else where the first article was read (a file URI), else
    # the first article's id in the store (stdin, the Python API)
    with_url = sorted((seen_key(m), m["event_id"], m["url"]) for m in members if m["url"])
    if not with_url:
        with_url = sorted((seen_key(m), m["event_id"], m.get("origin")) for m in members if m.get("origin"))
    if not with_url:
        with_url = sorted(
            (seen_key(m), m["event_id"], f"urn:eventwire:article:{m['article_id']}") for m in members
        )
    tones = {m["article_id"]: m.get("tone") for m in reporting}
    known_tones = [t for t in tones.values() if t is not None]
    modalities = {m["modality"] for m in members}
    row: dict[str, Any] = {
        "merged_id": merged_id,
        "block_key": rep["block_key"],
        "event_date": event_date,
        "date_source": date_source,
        "date_lo": min((m["merge_date"] for m in dated), default=None),
        "date_hi": max((m["merge_date"] for m in dated), default=None),
        "date_flag": flags[0] if flags else None,
        **{k: rep[k] for k in _REPRESENTED},
        "mode": rep["mode"] or next((m["mode"] for m in members if m["mode"]), None),
        "context": sorted({c for m in members for c in (m["context"] or ())}),
        "modality": "asserted" if "asserted" in modalities else rep["modality"],
        "num_mentions": len(members),
        "num_sources": len({source_of(m) for m in reporting}),
        "num_articles": len({m["article_id"] for m in reporting}),
        "first_seen": seen[0],
        "last_seen": seen[-1],
        "added_at": min(m["stored_at"] for m in members),
        "updated_at": now,
        "is_root": any(m["sentence_index"] == 0 for m in members),
        "confidence": max((m["confidence"] or 0.0) for m in members),
        "source_url": with_url[0][2] if with_url else None,
        "rep_event_id": rep["event_id"],
        "first_event_id": min(members, key=lambda m: (m["stored_at"], m["event_id"]))["event_id"],
        "avg_tone": round(sum(known_tones) / len(known_tones), 4) if known_tones else None,
    }
    row.update(_location(members))
    return row


@dataclass(frozen=True, slots=True)
class PairScores:
    """Pairwise merge quality: of all mention pairs, those merged (predicted) vs same real event (gold)."""

    precision: float
    recall: float
    f1: float
    true_pairs: int
    false_pairs: int
    missed_pairs: int


def pairwise_scores(predicted: dict[str, Any], gold: dict[str, Any]) -> PairScores:
    """Pairwise precision and recall of a merge, over the mentions that have a gold label.

    ``predicted`` maps mention id -> merged event id; ``gold`` maps mention id -> real-world event label.
    A pair is positive when both mentions share a label; precision is 1 when no pair was merged.
    """
    ids = sorted(i for i in gold if i in predicted)
    tp = fp = fn = 0
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            same_pred = predicted[a] == predicted[b]
            same_gold = gold[a] == gold[b]
            tp += same_pred and same_gold
            fp += same_pred and not same_gold
            fn += same_gold and not same_pred
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return PairScores(p, r, f, tp, fp, fn)
