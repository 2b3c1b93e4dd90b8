"""The real-news gold: converting an annotator's file, matching our events, the figures, agreement.

Inputs are built by hand (an article of our own); the gold files themselves are scored by the gate.
"""

from __future__ import annotations

from typing import Any

import pytest

from eventwire.evaluate import realnews as rn

TEXT = (
    "Police arrested two men on Monday in Springfield. "
    "The mayor praised the officers. "
    "It rained all day. "
    "In 2004 the council sued the state."
)


def _spans(text: str) -> list[list[int]]:
    out, start = [], 0
    for part in text.split(". "):
        end = start + len(part) + (0 if part.endswith(".") else 1)
        out.append([start, end])
        start = end + 1
    return out


SPANS = _spans(TEXT)
ARTICLE = rn.Article(
    doc="lgl:1",
    corpus="lgl",
    text=TEXT,
    toponyms=(
        {
            "start": 38,
            "end": 49,
            "phrase": "Springfield",
            "geonameid": 4250542,
            "name": "Springfield",
            "country": "United States",
            "lat": 39.80,
            "lon": -89.64,
        },
    ),
)


def _ann(**over: Any) -> dict[str, Any]:
    ann: dict[str, Any] = {
        "doc": "lgl:1",
        "events": [
            {
                "s": 0,
                "trigger": "arrested",
                "type": "COERCE",
                "mode": "arrest",
                "cameo": "173",
                "source": [{"text": "Police", "country": "USA", "sector": "COP"}],
                "target": [{"text": "two men", "country": "USA", "sector": "CRM"}],
                "modality": "asserted",
                "date": "2024-03-11",
                "location": "t0",
            },
            {
                "s": 1,
                "trigger": "praised",
                "type": "SUPPORT",
                "cameo": "051",
                "source": [{"text": "The mayor", "country": "USA", "sector": "GOV"}],
                "target": [{"text": "the officers", "country": "USA", "sector": "COP"}],
                "modality": "asserted",
            },
            {
                "s": 3,
                "trigger": "sued",
                "type": "ACCUSE",
                "mode": "allege",
                "cameo": "115",
                "source": [{"text": "the council", "country": "USA", "sector": "LEG"}],
                "target": [{"text": "the state", "country": "USA", "sector": "GOV"}],
                "modality": "historical",
            },
        ],
        "no_event_sentences": [2],
    }
    ann.update(over)
    return ann


def test_sentences_are_as_built() -> None:
    assert [TEXT[s:e] for s, e in SPANS][2] == "It rained all day."


def test_a_clean_annotation_converts_to_offsets_only() -> None:
    rec, problems = rn.convert_annotation(_ann(), ARTICLE, SPANS, "a1")
    assert problems == []
    ev = rec["events"][0]
    assert TEXT[ev["trigger"][0] : ev["trigger"][1]] == "arrested"
    assert TEXT[ev["source"][0]["span"][0] : ev["source"][0]["span"][1]] == "Police"
    assert ev["location"]["geonameid"] == 4250542
    assert rec["text_sha1"] == ARTICLE.sha1
    assert "text" not in rec and all("text" not in a for e in rec["events"] for a in e["source"])


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"trigger": "detained"}, "not found in sentence 0"),
        ({"type": "ARREST"}, "is not a PLOVER type"),
        ({"cameo": "73"}, "CAMEO code '73' unknown"),
        ({"cameo": "051"}, "CAMEO 051 is PLOVER SUPPORT, not COERCE"),
        ({"mode": "visit"}, "is not a mode of COERCE"),
        ({"modality": "likely"}, "modality 'likely'"),
        ({"location": "t7"}, "not one of t0..t0"),
        ({"source": [{"text": "Police", "country": "XYZ"}]}, "country 'XYZ'"),
        ({"target": [{"text": "wo men", "country": "USA"}]}, "matches inside a word"),
    ],
)
def test_problems_are_named(change: dict[str, Any], expected: str) -> None:
    ann = _ann()
    ann["events"][0].update(change)
    _, problems = rn.convert_annotation(ann, ARTICLE, SPANS, "a1")
    assert any(expected in p for p in problems), problems


def test_every_sentence_must_be_accounted_for() -> None:
    _, problems = rn.convert_annotation(_ann(no_event_sentences=[]), ARTICLE, SPANS, "a1")
    assert any("sentences [2] are neither" in p for p in problems)
    _, problems = rn.convert_annotation(_ann(no_event_sentences=[1, 2]), ARTICLE, SPANS, "a1")
    assert any("hold events and are also listed" in p for p in problems)


def test_future_cooperation_may_be_agree_with_its_own_cameo() -> None:
    ann = _ann()
    ann["events"][1].update({"type": "AGREE", "cameo": "042", "modality": "future"})
    _, problems = rn.convert_annotation(ann, ARTICLE, SPANS, "a1")
    assert problems == []


def _ours(
    trigger: str,
    event: str | None,
    actor: str | None,
    recipient: str | None = "USA",
    modality: str = "asserted",
    cameo: str = "173",
    latlon: tuple[float, float] | None = None,
) -> dict:
    start = TEXT.index(trigger)
    return {
        "event": event,
        "cameo": cameo,
        "modality": modality,
        "event_start": start,
        "event_end": start + len(trigger),
        "event_text": trigger,
        "actor": [{"country": actor}] if actor else [],
        "recipient": [{"country": recipient}] if recipient else [],
        "location": {"lat": latlon[0], "lon": latlon[1]} if latlon else None,
    }


def _score(events: list[dict]) -> dict[str, Any]:
    rec, problems = rn.convert_annotation(_ann(), ARTICLE, SPANS, "a1")
    assert not problems
    tally = rn.Tally()
    rn.score_document(rec, events, TEXT, tally)
    return tally.figures() | {"errors": dict(tally.errors)}


def test_all_right_is_full_precision_and_recall() -> None:
    f = _score(
        [
            _ours("arrested", "COERCE", "USA", latlon=(39.7, -89.6)),
            _ours("praised", "SUPPORT", "USA", cameo="051"),
        ]
    )
    assert f["precision_full"] == 1.0 and f["recall_full"] == 1.0
    assert f["events_gold_current"] == 2 and f["events_gold_historical"] == 1
    assert f["no_event_specificity"] == 1.0
    assert f["location_within_161km"] == 1.0


def test_noise_costs_precision_and_specificity() -> None:
    f = _score([_ours("arrested", "COERCE", "USA"), _ours("rained", "ASSAULT", None, None, cameo="190")])
    assert f["precision_real"] == 0.5
    assert f["recall_type_source"] == 0.5
    assert f["no_event_specificity"] == 0.0
    assert f["errors"] == {"event in a sentence without one: ASSAULT": 1, "missed: SUPPORT": 1}


def test_levels_fail_in_order() -> None:
    f = _score(
        [
            _ours("arrested", "COERCE", "GBR"),  # wrong source country
            _ours("praised", "SUPPORT", "USA", recipient=None, cameo="051"),  # missing target
        ]
    )
    assert f["precision_type"] == 1.0
    assert f["precision_type_source"] == 0.5
    assert f["precision_type_source_target"] == 0.0
    assert f["errors"] == {"wrong source country": 1, "missing target": 1}


def test_background_coded_as_current_is_real_but_not_fully_right() -> None:
    f = _score([_ours("sued", "ACCUSE", "USA", cameo="115")])
    assert f["precision_real"] == 1.0 and f["precision_full"] == 0.0
    assert f["recall_type"] == 0.0  # background events are not in recall
    assert "background coded as current" in f["errors"]
    f = _score([_ours("sued", "ACCUSE", "USA", cameo="115", modality="historical")])
    assert f["precision_full"] == 1.0


def test_matching_prefers_overlap_then_type() -> None:
    gold = [
        rn.Item(0, (10, 18), "COERCE", "173", "asserted", frozenset({"USA"}), frozenset()),
        rn.Item(0, (30, 38), "ACCUSE", "1121", "asserted", frozenset({"USA"}), frozenset()),
    ]
    ours = [
        rn.Item(0, (40, 45), "ACCUSE", "112", "asserted", frozenset({"USA"}), frozenset()),
        rn.Item(0, (10, 18), "ACCUSE", "112", "asserted", frozenset(), frozenset()),
    ]
    assert sorted(rn.match(ours, gold)) == [(0, 1), (1, 0)]


def test_sentence_of_an_offset() -> None:
    assert rn.sentence_of(SPANS, 0) == 0
    assert rn.sentence_of(SPANS, SPANS[1][0]) == 1
    assert rn.sentence_of(SPANS, SPANS[1][1]) == 1  # the space between sentences belongs to the one before


def test_agreement_of_identical_annotations_is_perfect() -> None:
    rec, _ = rn.convert_annotation(_ann(), ARTICLE, SPANS, "a1")
    a = rn.agreement({"lgl:1": rec}, {"lgl:1": rec})
    assert a["f1_full"] == 1.0 and a["kappa_sentence_event"] == 1.0


def test_agreement_counts_a_missed_event() -> None:
    rec, _ = rn.convert_annotation(_ann(), ARTICLE, SPANS, "a1")
    ann = _ann(no_event_sentences=[1, 2])
    del ann["events"][1]
    other, problems = rn.convert_annotation(ann, ARTICLE, SPANS, "a2")
    assert not problems
    a = rn.agreement({"lgl:1": rec}, {"lgl:1": other})
    assert a["f1_type"] == pytest.approx(0.8)
    assert a["kappa_sentence_event"] < 1.0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2009-03-20 12:24:52.002364-05", "2009-03-20"),
        ("December 9th 2016", "2016-12-09"),
        ("Wed Nov 23, 2016 | 4:58pm EST", "2016-11-23"),
        ("December 13, 2016 MST", "2016-12-13"),
        ("12:01 PM, ", None),
        ("", None),
    ],
)
def test_publication_dates_of_the_corpora(raw: str, expected: str | None) -> None:
    d = rn.publication_date(raw)
    assert (d.isoformat() if d else None) == expected
