"""The coder's stages as spaCy components: order, what each writes on the Doc, and defects as skips."""

from __future__ import annotations

import datetime as dt

import pytest

from eventwire.components import (
    ACTORS,
    DATES,
    EVENTS,
    PLACES,
    component_settings,
    make_doc,
    register_components,
)
from eventwire.config import Config
from eventwire.pipeline import Coder
from eventwire.types import Article

TEXT = (
    "Protesters marched through Ganja on Tuesday. Police in Azerbaijan arrested twelve activists, "
    "the interior ministry said."
)
PUB = dt.date(2024, 3, 7)


def test_the_components_follow_the_model_in_stage_order(coder: Coder) -> None:
    names = coder.nlp.pipe_names
    assert names[-4:] == [PLACES, ACTORS, DATES, EVENTS]
    assert names.index("ner") < names.index(PLACES)


def test_without_geolocation_there_is_no_places_component() -> None:
    assert PLACES not in component_settings(Config(geolocate=False))
    assert list(component_settings(Config())) == [PLACES, ACTORS, DATES, EVENTS]


def test_each_component_writes_its_spans_and_extensions(coder: Coder) -> None:
    doc = coder.nlp(make_doc(coder.nlp, TEXT, "d1", PUB))
    assert doc._.ew_pub_date == PUB and doc._.ew_doc_id == "d1"
    assert any(s.text == "Ganja" and s._.ew_place is not None for s in doc.spans[PLACES])
    assert {s.text for s in doc.spans[ACTORS]} >= {"Police", "Azerbaijan"}
    assert [s.text for s in doc.spans[DATES]] == ["Tuesday"]
    events = doc._.ew_events
    assert events and all(e.doc_id == "d1" for e in events)
    assert [s._.ew_event for s in doc.spans[EVENTS]] == events
    assert doc._.ew_actors.text == TEXT


def test_the_coder_returns_what_the_pipeline_coded(coder: Coder) -> None:
    article = Article(id="d1", text=TEXT, date=PUB)
    doc = coder.nlp(coder.make_doc(article))
    assert coder.code_doc(doc, article) == coder.code(article)


def test_a_defect_in_a_stage_is_recorded_and_later_stages_pass_the_document_by(coder: Coder) -> None:
    doc = make_doc(coder.nlp, TEXT, "d1", PUB)
    doc._.ew_error = ValueError("earlier stage failed")
    doc = coder.nlp(doc)
    assert doc._.ew_events is None
    with pytest.raises(ValueError, match="earlier stage failed"):
        coder.code_doc(doc, Article(id="d1", text=TEXT))


def test_registration_is_idempotent() -> None:
    register_components()
    register_components()
