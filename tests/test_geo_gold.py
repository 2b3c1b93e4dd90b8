"""Geoparsing against ../shared: the seed report, and the gold evaluation on a small subset.

The full evaluation (all 706 articles, both settings) belongs to the gate; these check the pipeline end to
end on the first articles of each corpus, quickly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.config import Config
from eventwire.evaluate.geo import evaluate_geoparsing, read_gold
from eventwire.geo import Geocoder

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def gc() -> Geocoder:
    return Geocoder.load(Config())


def test_seed_report_places(shared: Path, gc: Geocoder) -> None:
    from eventwire.nlp import load_model

    text = (shared / "seed" / "000_af454e03e7bba8b9.txt").read_text(encoding="utf-8")
    doc = load_model(Config())(text)
    places = gc.places(doc)
    assert places, "the seed names Azerbaijan"
    assert {p.name for p in places} == {"Azerbaijan"}
    assert all(p.precision == "country" and p.country == "AZE" and p.geonameid == 587116 for p in places)
    for phrase in ("Turkic-Speaking States", "WHO"):
        start = text.index(phrase)
        assert not [p for p in places if p.start < start + len(phrase) and start < p.end], phrase
    meeting = next(t.i for t in doc if t.lemma_ == "receive")
    where = gc.event_location(doc, places, meeting)
    assert where is not None and where.name == "Azerbaijan" and where.precision == "country"


def test_gold_reader_realigns_drifted_offsets(shared: Path) -> None:
    articles = list(read_gold(shared / "gold" / "geoparsing" / "TR-News.xml"))
    assert len(articles) == 118
    assert all(a.text[t.start : t.end] == t.phrase for a in articles for t in a.toponyms)


@pytest.mark.parametrize("corpus", ["lgl", "TR-News"])
def test_given_spans_subset(shared: Path, gc: Geocoder, corpus: str) -> None:
    r = evaluate_geoparsing(shared / "gold" / "geoparsing" / f"{corpus}.xml", Config(), limit=60, geocoder=gc)
    assert r["documents"] == 60 and r["scored"] == r["resolvable"] > 100
    assert {"exact", "within_161km", "country_accuracy", "mean_error_km", "median_error_km"} <= set(r)
    assert r["exact"] > 0.7 and r["within_161km"] >= r["exact"]


def test_end_to_end_subset(shared: Path, gc: Geocoder) -> None:
    r = evaluate_geoparsing(
        shared / "gold" / "geoparsing" / "TR-News.xml", Config(), mode="end_to_end", limit=12, geocoder=gc
    )
    assert r["recognition_overlap"]["recall"] > 0.7
    assert 0 < r["recognition_strict"]["precision"] <= 1
    assert r["geo_share_of_parse"] is not None and r["exact"] > 0.6
