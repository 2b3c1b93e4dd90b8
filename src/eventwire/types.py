"""The typed records that flow between eventwire's stages.

Every stage is a function over these records: ``ingest`` yields :class:`Article`, ``events`` yields
:class:`Event` (with :class:`Actor` and :class:`Place`), ``store`` keeps them. They are frozen dataclasses
so that a record, once made, is evidence that does not change under the caller; ``to_dict`` gives the
JSON shape documented in the README and ``from_dict`` reads it back (the round trip is tested).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

Modality = Literal[
    "asserted", "negated", "future", "hypothetical", "reported", "denied", "question", "historical"
]
"""How the text holds the event. See README "Modality" for the rules that set each value.

- ``asserted``: the text states the event happened (or is happening).
- ``negated``: the text states it did not happen ("did not meet").
- ``future``: planned, intended, scheduled or promised, not yet happened ("will visit", "a planned visit").
- ``hypothetical``: possible or conditional ("may", "could", "if", "the possibility of").
- ``reported``: asserted by a third party the writer distances itself from ("allegedly", "reportedly").
- ``denied``: an actor denies it happened ("X denied attacking Y").
- ``question``: asked, not stated.
- ``historical``: background, not news of the day: dated long before publication, told as habit ("has
  repeatedly pledged") or as a standing state ("has fought the group since 2014"); PLOVER's auxiliary mode.
"""

MODALITIES: tuple[str, ...] = (
    "asserted",
    "negated",
    "future",
    "hypothetical",
    "reported",
    "denied",
    "question",
    "historical",
)


def as_date(value: object, what: str = "date") -> dt.date | None:
    """A ``datetime.date`` from a date, a datetime or an ISO ``YYYY-MM-DD`` string (``None`` stays ``None``).

    Anything else raises :class:`~eventwire.errors.InputError` saying what was given: a date that is not
    one must never be dropped silently (``eventwire.ingest.pubdate.parse_pubdate`` reads other forms).
    """
    if value is None or type(value) is dt.date:
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    from .errors import InputError

    raise InputError(
        f"{what}: {value!r} is not a date; give a datetime.date or 'YYYY-MM-DD' "
        "(eventwire.parse_pubdate reads other forms, such as 'Dec 16 2016')"
    )


Precision = Literal["country", "admin1", "admin2", "city", "place", "region"]


@dataclass(frozen=True, slots=True)
class Article:
    """A document to code: a news article, a paragraph, or one line of a JSONL corpus.

    ``date`` is the publication date; relative dates in the text resolve against it and, without it,
    stay null. ``origin`` says where an article without a URL was read (``file:///.../a.txt``,
    ``file:///.../corpus.jsonl#line=17``): GDELT's SOURCEURL for every input kind. ``date_raw`` keeps a
    publication date value that could not be read (a ``bad-date`` warning). ``text`` is the clean body
    (ingest removed boilerplate). ``duplicate_of`` and ``cluster_id`` come from deduplication;
    ``skipped_reason`` is set when ingest kept the record only to count a skip.
    """

    id: str
    text: str
    date: dt.date | None = None
    url: str | None = None
    source: str | None = None
    title: str | None = None
    author: str | None = None
    language: str | None = None
    duplicate_of: str | None = None
    cluster_id: str | None = None
    skipped_reason: str | None = None
    fetched_at: dt.datetime | None = None
    date_raw: str | None = None
    origin: str | None = None

    def __post_init__(self) -> None:
        if self.date is not None and type(self.date) is not dt.date:
            object.__setattr__(self, "date", as_date(self.date, f"Article {self.id!r}: date"))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["date"] = self.date.isoformat() if self.date else None
        d["fetched_at"] = self.fetched_at.isoformat() if self.fetched_at else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        known = {f.name for f in fields(cls)}
        kw = {k: v for k, v in d.items() if k in known}
        if isinstance(kw.get("date"), str):
            kw["date"] = dt.date.fromisoformat(kw["date"][:10])
        if isinstance(kw.get("fetched_at"), str):
            kw["fetched_at"] = dt.datetime.fromisoformat(kw["fetched_at"])
        return cls(**kw)


@dataclass(frozen=True, slots=True)
class Actor:
    """One actor mention as coded: who, by country and sector, with the span of text it came from.

    ``start``/``end`` are character offsets into the document text. ``country`` is ISO 3166 alpha-3 or a
    PLOVER non-state code (``IGO``, ``NGO``, ``MNC``...). ``sector`` is a PLOVER/CAMEO sector code (``GOV``,
    ``MIL``, ``COP``, ``REB``, ``OPP``, ``CVL``...). ``org`` names an organisation (``WHO``, ``NATO``).
    ``code`` is the CAMEO-style concatenation (``AZEGOV``, ``IGOWHO``). ``resolved_from`` records how a
    later mention ("Fuentes", "the sides", "she") was resolved to its first full mention. ``place`` is
    where the text puts the actor ("Baghdad police", "protesters in Ganja"): GDELT's ActorGeo.
    """

    text: str
    start: int
    end: int
    name: str | None = None
    country: str | None = None
    sector: str | None = None
    org: str | None = None
    role: str | None = None
    kind: str | None = None
    code: str | None = None
    resolved_from: str | None = None
    coder: str | None = None
    place: Place | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Actor:
        known = {f.name for f in fields(cls)}
        kw = {k: v for k, v in d.items() if k in known}
        if isinstance(kw.get("place"), dict):
            kw["place"] = Place.from_dict(kw["place"])
        return cls(**kw)


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place mention (GeoNames-based), with why it won among the candidates."""

    text: str
    start: int
    end: int
    geonameid: int | None = None
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    feature_class: str | None = None
    feature_code: str | None = None
    precision: str | None = None
    reason: str | None = None
    doc_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Place:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who the text says reported the event ("..., the Interior Ministry told Reuters")."""

    text: str
    start: int
    end: int
    source: Actor | None = None
    outlet: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "source": self.source.to_dict() if self.source else None,
            "outlet": self.outlet,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Attribution:
        src = d.get("source")
        return cls(
            text=d["text"],
            start=d["start"],
            end=d["end"],
            source=Actor.from_dict(src) if src else None,
            outlet=d.get("outlet"),
        )


@dataclass(frozen=True, slots=True)
class Event:
    """One coded interaction: who did what to whom, when, where, how sure, and according to whom.

    ``event``/``mode``/``context`` are PLOVER 0.8; ``cameo``/``cameo_root``/``quad_class``/``goldstein``
    come from the same ontology row, so the two codings never disagree. ``coder`` lists the rules and
    lexicon entries that produced the record, so every code can be explained. ``date_flag`` is
    ``"long-before-publication"`` when ``date`` is earlier than the article's publication date by more
    than ``Config.max_date_lag_days``: a reference to the past rather than news of the day.
    """

    doc_id: str
    event_id: str
    sentence_index: int
    sentence: str
    event: str | None
    cameo: str
    cameo_root: str
    quad_class: int
    goldstein: float
    modality: str = "asserted"
    mode: str | None = None
    context: tuple[str, ...] = ()
    date: dt.date | None = None
    date_text: str | None = None
    actor: tuple[Actor, ...] = ()
    recipient: tuple[Actor, ...] = ()
    event_text: str = ""
    event_start: int = 0
    event_end: int = 0
    attribution: Attribution | None = None
    location: Place | None = None
    confidence: float = 0.0
    coder: tuple[str, ...] = field(default_factory=tuple)
    sentence_start: int = 0
    date_flag: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "event_id": self.event_id,
            "sentence_index": self.sentence_index,
            "sentence_start": self.sentence_start,
            "sentence": self.sentence,
            "event": self.event,
            "mode": self.mode,
            "context": list(self.context),
            "cameo": self.cameo,
            "cameo_root": self.cameo_root,
            "quad_class": self.quad_class,
            "goldstein": self.goldstein,
            "modality": self.modality,
            "date": self.date.isoformat() if self.date else None,
            "date_text": self.date_text,
            "date_flag": self.date_flag,
            "actor": [a.to_dict() for a in self.actor],
            "recipient": [a.to_dict() for a in self.recipient],
            "event_text": self.event_text,
            "event_start": self.event_start,
            "event_end": self.event_end,
            "attribution": self.attribution.to_dict() if self.attribution else None,
            "location": self.location.to_dict() if self.location else None,
            "confidence": self.confidence,
            "coder": list(self.coder),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        date = d.get("date")
        att = d.get("attribution")
        loc = d.get("location")
        return cls(
            doc_id=d["doc_id"],
            event_id=d["event_id"],
            sentence_index=d["sentence_index"],
            sentence_start=d.get("sentence_start", 0),
            sentence=d["sentence"],
            event=d["event"],
            mode=d.get("mode"),
            context=tuple(d.get("context") or ()),
            cameo=d["cameo"],
            cameo_root=d["cameo_root"],
            quad_class=d["quad_class"],
            goldstein=d["goldstein"],
            modality=d.get("modality", "asserted"),
            date=dt.date.fromisoformat(date) if date else None,
            date_text=d.get("date_text"),
            date_flag=d.get("date_flag"),
            actor=tuple(Actor.from_dict(a) for a in d.get("actor") or ()),
            recipient=tuple(Actor.from_dict(a) for a in d.get("recipient") or ()),
            event_text=d.get("event_text", ""),
            event_start=d.get("event_start", 0),
            event_end=d.get("event_end", 0),
            attribution=Attribution.from_dict(att) if att else None,
            location=Place.from_dict(loc) if loc else None,
            confidence=d.get("confidence", 0.0),
            coder=tuple(d.get("coder") or ()),
        )


@dataclass(frozen=True, slots=True)
class Skip:
    """A record of a batch that was not processed, with where and why (never silently dropped)."""

    where: str
    reason: str
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
