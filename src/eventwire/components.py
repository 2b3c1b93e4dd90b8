"""The coder's stages as spaCy pipeline components, so that ``nlp.pipe`` runs the whole coder.

After the model's own components (tagger, parser, NER), :func:`add_coder_components` appends, built from
one :class:`~eventwire.config.Config`:

- ``eventwire_places``: place mentions resolved against the gazetteer (``doc.spans["eventwire_places"]``,
  ``Span._.ew_place``, ``Doc._.ew_places``); only when ``config.geolocate``;
- ``eventwire_actors``: dictionary matches (``doc.spans["eventwire_actors"]``) and the document's actor
  memory (``Doc._.ew_actors``, a :class:`~eventwire.actors.resolve.DocumentActors`);
- ``eventwire_dates``: date expressions (``doc.spans["eventwire_dates"]``, ``Doc._.ew_dates``), found once
  per document and read by every event's date;
- ``eventwire_events``: the coded events (``doc.spans["eventwire_events"]``, ``Span._.ew_event``,
  ``Doc._.ew_events``).

The publication date, the document id and the address are set once on the ``Doc``
(``Doc._.ew_pub_date``, ``Doc._.ew_doc_id``, ``Doc._.ew_url``) before it enters the pipeline: see
:func:`make_doc`. A defect of ours on one document is recorded in ``Doc._.ew_error`` (later stages
pass the document by) so that a batch goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .config import Config
from .types import Place

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

PLACES = "eventwire_places"
ACTORS = "eventwire_actors"
DATES = "eventwire_dates"
EVENTS = "eventwire_events"
COMPONENTS = (PLACES, ACTORS, DATES, EVENTS)

DOC_EXTENSIONS = (
    "ew_doc_id",
    "ew_pub_date",
    "ew_url",
    "ew_places",
    "ew_actors",
    "ew_dates",
    "ew_events",
    "ew_error",
)
SPAN_EXTENSIONS = ("ew_place", "ew_event")
# The defects of ours that cost one document, not the batch.
CODER_DEFECTS = (RecursionError, ValueError, IndexError, KeyError, AttributeError, TypeError)


def doc_id_for(text: str, prefix: str = "doc") -> str:
    """A stable id from the text itself (the same text always gets the same id)."""
    return f"{prefix}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:12]}"


def register_extensions() -> None:
    """Declare the ``Doc``/``Span`` extensions the components write (idempotent; not done at import)."""
    from spacy.tokens import Doc, Span

    for name in DOC_EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    for name in SPAN_EXTENSIONS:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


def make_doc(
    nlp: Language, text: str, doc_id: str | None, pub_date: dt.date | None, url: str | None = None
) -> Doc:
    """A tokenized ``Doc`` carrying its id, publication date and address, ready for ``nlp.pipe``.

    The address (``Doc._.ew_url``) tells where the outlet is from when its domain is a country's."""
    doc = nlp.make_doc(text)
    doc._.ew_doc_id = doc_id
    doc._.ew_pub_date = pub_date
    doc._.ew_url = url
    return doc


def _guarded(stage: Callable[[Doc], None]) -> Callable[[Doc], Doc]:
    """Run a stage on a document unless an earlier one failed; a defect is recorded, not raised."""

    def component(doc: Doc) -> Doc:
        if doc._.ew_error is None:
            try:
                stage(doc)
            except CODER_DEFECTS as e:
                doc._.ew_error = e
        return doc

    component.__name__ = getattr(stage, "__name__", "stage")
    return component


# -- the components ---------------------------------------------------------------------------------


def make_places(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """Place mentions of the document, resolved (an empty list when the geo stage is unavailable)."""
    geocoder = _load_geocoder()

    def places(doc: Doc) -> None:
        found: list[Place] = []
        if geocoder is not None:
            found = geocoder.places(doc, doc_id=doc._.ew_doc_id, text=doc.text)
        doc._.ew_places = found
        spans = []
        for p in found:
            span = doc.char_span(p.start, p.end, label="PLACE", alignment_mode="expand")
            if span is not None:
                span._.ew_place = p
                spans.append(span)
        doc.spans[PLACES] = spans

    return _guarded(places)


def make_actors(
    nlp: Language, name: str, actor_files: list[str], agent_files: list[str], people_files: list[str]
) -> Callable[[Doc], Doc]:
    """Actor dictionary matches and the document's actor memory (people, pronouns, "the sides")."""
    from pathlib import Path

    from .actors.dictionary import ActorDictionary
    from .actors.people import PeopleIndex
    from .actors.resolve import DocumentActors

    dictionary = ActorDictionary.from_files(
        tuple(Path(p) for p in actor_files), tuple(Path(p) for p in agent_files)
    )
    people = PeopleIndex.load(tuple(Path(p) for p in people_files))

    def actors(doc: Doc) -> None:
        from spacy.tokens import Span

        pub = doc._.ew_pub_date
        matches = dictionary.match(doc, on_date=pub)
        doc.spans[ACTORS] = [Span(doc, m.start, m.end, label=m.entry.kind or "actor") for m in matches]
        doc._.ew_actors = DocumentActors(
            doc, matches, people=people, pub_date=pub, places=doc._.ew_places or (), url=doc._.ew_url
        )

    return _guarded(actors)


def make_dates(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """Date expressions of the document (our patterns and the NER dates they miss), found once."""
    from .dates import find_candidates

    def dates(doc: Doc) -> None:
        found = find_candidates(doc)
        doc._.ew_dates = found
        spans = [doc.char_span(s, e, label="DATE", alignment_mode="expand") for s, e, _ in found]
        doc.spans[DATES] = [s for s in spans if s is not None]

    return _guarded(dates)


def make_events(
    nlp: Language,
    name: str,
    lexicon_files: list[str],
    discard_files: list[str],
    include_modalities: list[str] | None,
    min_confidence: float,
    require_actor: bool,
    locate: bool,
    relevance: bool = True,
    statements: bool = False,
    max_date_lag_days: int = 30,
) -> Callable[[Doc], Doc]:
    """The coded events of the document, each with its evidence span."""
    from pathlib import Path

    from .dates import event_date
    from .events import DocumentInput, code_doc
    from .events.discards import load_discards
    from .events.lexicon import load_lexicon
    from .events.triggers import OneHopIndex

    config = Config(
        lexicon_files=tuple(Path(p) for p in lexicon_files),
        discard_files=tuple(Path(p) for p in discard_files),
        include_modalities=tuple(include_modalities) if include_modalities is not None else None,
        min_confidence=min_confidence,
        require_actor=require_actor,
        relevance=relevance,
        statements=statements,
        max_date_lag_days=max_date_lag_days,
    )
    lexicon = load_lexicon(config.lexicon_files)
    discards = load_discards(config.discard_files)
    index = OneHopIndex(nlp.vocab, lexicon)
    locator = _locator() if locate else None

    def events(doc: Doc) -> None:
        doc_id = doc._.ew_doc_id or doc_id_for(doc.text)
        places = doc._.ew_places or []
        where: Callable[[int], Place | None] | None = None
        if locator is not None:

            def where(i: int) -> Place | None:
                return locator(doc, places, i)

        inp = DocumentInput(
            doc_id=doc_id,
            pub_date=doc._.ew_pub_date,
            actors=doc._.ew_actors,
            date_of=event_date,
            locate=where,
        )
        found = code_doc(doc, inp, lexicon, config, discards, index)
        doc._.ew_events = found
        spans = []
        for ev in found:
            span = doc.char_span(ev.event_start, ev.event_end, label=ev.cameo, alignment_mode="expand")
            if span is not None:
                span._.ew_event = ev
                spans.append(span)
        doc.spans[EVENTS] = spans

    return _guarded(events)


def _load_geocoder() -> Any:
    try:
        from .geo import Geocoder
    except ImportError:
        return None
    return Geocoder.load()


def _locator() -> Any:
    try:
        from .geo.locate import Locator
    except ImportError:
        return None
    return Locator()


_FACTORIES: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
    PLACES: (make_places, {}),
    ACTORS: (make_actors, {"actor_files": [], "agent_files": [], "people_files": []}),
    DATES: (make_dates, {}),
    EVENTS: (
        make_events,
        {
            "lexicon_files": [],
            "discard_files": [],
            "include_modalities": None,
            "min_confidence": 0.0,
            "require_actor": True,
            "locate": True,
            "relevance": True,
            "statements": False,
            "max_date_lag_days": 30,
        },
    ),
}


def register_components() -> None:
    """Register the four factories with spaCy (idempotent; done when a pipeline is built, not at import)."""
    from spacy.language import Language

    register_extensions()
    for name, (func, defaults) in _FACTORIES.items():
        if name not in Language.factories:
            Language.factory(name, default_config=defaults, func=func)


def component_settings(config: Config) -> dict[str, dict[str, Any]]:
    """The components ``config`` asks for, in pipeline order, each with what it needs from ``config``
    (plain lists and scalars, as spaCy's component config wants them)."""

    def paths(files: tuple[Any, ...]) -> list[str]:
        return [str(p) for p in files]

    settings: dict[str, dict[str, Any]] = {PLACES: {}} if config.geolocate else {}
    settings[ACTORS] = {
        "actor_files": paths(config.actor_files),
        "agent_files": paths(config.agent_files),
        "people_files": paths(config.people_files),
    }
    settings[DATES] = {}
    settings[EVENTS] = {
        "lexicon_files": paths(config.lexicon_files),
        "discard_files": paths(config.discard_files),
        "include_modalities": None if config.include_modalities is None else list(config.include_modalities),
        "min_confidence": config.min_confidence,
        "require_actor": config.require_actor,
        "locate": config.geolocate,
        "relevance": config.relevance,
        "statements": config.statements,
        "max_date_lag_days": config.max_date_lag_days,
    }
    return settings


def add_coder_components(nlp: Language, settings: dict[str, dict[str, Any]]) -> Language:
    """Append the coder's components to ``nlp`` with their settings (from :func:`component_settings`)."""
    register_components()
    for name in COMPONENTS:
        if name in settings:
            nlp.add_pipe(name, config=settings[name])
    return nlp
