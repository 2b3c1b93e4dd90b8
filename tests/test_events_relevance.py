"""The relevance and background checks (events/relevance.py), on hand-built Docs and Event records.

The Docs are built word by word with their heads and dependency labels, so the rules are tested on the
structure they read, independent of the statistical parser.
"""

from __future__ import annotations

import datetime as dt

import pytest
import spacy
from spacy.tokens import Doc

from eventwire.events import relevance
from eventwire.types import Actor, Event

KINDS = {"GOV": "state", "COP": "state", "REB": "armed", "UAF": "armed", "CVL": "society", "BUS": "society"}
CLASSES = {
    "DOMAIN_SPORTS": frozenset({"game", "season", "team", "coach", "score", "inning"}),
    "DOMAIN_POLITICS": frozenset({"police", "mayor"}),
    "HABITUAL": frozenset({"repeatedly", "often"}),
}
SETTINGS = relevance.Settings(sector_kinds=KINDS, classes=CLASSES, news_window_days=30)
PUB = dt.date(2024, 3, 12)
VOCAB = spacy.blank("en").vocab


def doc_of(
    words: list[str],
    heads: list[int],
    deps: list[str],
    lemmas: list[str] | None = None,
    tags: list[str] | None = None,
) -> Doc:
    """A Doc with the given heads (absolute indices) and labels."""
    return Doc(
        VOCAB,
        words=words,
        heads=heads,
        deps=deps,
        lemmas=lemmas or [w.lower() for w in words],
        tags=tags or ["NN"] * len(words),
    )


def actor(text: str, **kw: object) -> Actor:
    return Actor(text=text, start=0, end=len(text), **kw)  # type: ignore[arg-type]


def event(
    doc: Doc,
    trigger: int,
    actors: tuple[Actor, ...] = (),
    recipients: tuple[Actor, ...] = (),
    etype: str | None = "COERCE",
    cameo: str = "173",
    date: dt.date | None = PUB,
) -> Event:
    tok = doc[trigger]
    return Event(
        doc_id="d",
        event_id="e",
        sentence_index=0,
        sentence=doc.text,
        event=etype,
        cameo=cameo,
        cameo_root=cameo[:2],
        quad_class=4,
        goldstein=-5.0,
        date=date,
        actor=actors,
        recipient=recipients,
        event_text=tok.text,
        event_start=tok.idx,
        event_end=tok.idx + len(tok.text),
    )


POLICE = actor("police", sector="COP", country="USA", kind="sector")
MAN = actor("a man", sector="CVL", country="USA", kind="sector")
FIRM = actor("the firm", sector="BUS", country="USA", kind="sector")
NEUTRAL = relevance.Profile(None, {})


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (POLICE, True),
        (MAN, False),
        (actor("Russia", country="RUS", kind="country"), True),
        (actor("Palestinians", country="PSE", kind="people"), True),
        (actor("John Smith", kind="person"), False),
        (actor("the Red Cross", org="IFRC", country="NGO", kind="ngo", sector="MED"), True),
        (actor("this", country="FRA", kind="country"), False),
        (actor("gunmen", sector="UAF", kind="unidentified", resolved_from="unidentified"), False),
    ],
)
def test_who_is_a_political_actor(who: Actor, expected: bool) -> None:
    assert relevance.political(who, SETTINGS, "190") is expected


def test_an_inferred_attacker_counts_for_organised_violence_only() -> None:
    uaf = actor("bombing", sector="UAF", resolved_from="unidentified")
    assert not relevance.political(uaf, SETTINGS, "190")  # "killed": could be a crash or a crime
    assert relevance.political(uaf, SETTINGS, "1831")  # a suicide car bombing is organised violence


def test_private_interactions_are_not_political_events() -> None:
    d = doc_of(["A", "man", "sued", "the", "firm"], [1, 2, 2, 4, 2], ["det", "nsubj", "ROOT", "det", "dobj"])
    ev = event(d, 2, (MAN,), (FIRM,), etype="ACCUSE", cameo="115")
    assert relevance.relevant(ev, NEUTRAL, SETTINGS) == "relevance:no-political-actor"
    ev = event(d, 2, (POLICE,), (MAN,))
    assert relevance.relevant(ev, NEUTRAL, SETTINGS) is None


def test_civilians_protesting_need_no_political_actor() -> None:
    d = doc_of(["Residents", "marched"], [1, 1], ["nsubj", "ROOT"])
    ev = event(d, 1, (actor("Residents", sector="CVL", country="USA"),), etype="PROTEST", cameo="141")
    assert relevance.relevant(ev, NEUTRAL, SETTINGS) is None


def test_statements_are_dropped_unless_asked_for() -> None:
    d = doc_of(["Police", "said"], [1, 1], ["nsubj", "ROOT"])
    ev = event(d, 1, (POLICE,), etype=None, cameo="010")
    toy = event(d, 1, (POLICE,), etype=None, cameo="916")  # a code of a user's own (WEIS) dictionary
    assert relevance.relevant(toy, NEUTRAL, SETTINGS) is None
    assert relevance.relevant(ev, NEUTRAL, SETTINGS) == "relevance:statement"
    with_statements = relevance.Settings(sector_kinds=KINDS, classes=CLASSES, statements=True)
    assert relevance.relevant(ev, NEUTRAL, with_statements) is None


def test_a_sports_story_makes_no_events_without_a_state_actor() -> None:
    words = [
        "The",
        "team",
        "won",
        "the",
        "game",
        "as",
        "the",
        "coach",
        "said",
        "the",
        "season",
        "and",
        "the",
        "score",
        "and",
        "the",
        "inning",
    ]
    d = doc_of(words, list(range(len(words))), ["dep"] * len(words))
    prof = relevance.profile(d, SETTINGS)
    assert prof.domain == "SPORTS"
    star = actor("the striker", sector="REB", country="USA")  # misread as an armed actor, say
    ev = event(d, 2, (star,), etype="ASSAULT", cameo="190")
    assert relevance.relevant(ev, prof, SETTINGS) == "relevance:domain:sports"
    assert relevance.relevant(event(d, 2, (POLICE,)), prof, SETTINGS) is None


def test_events_dated_before_the_news_window_are_background() -> None:
    d = doc_of(["Police", "arrested", "him"], [1, 1, 1], ["nsubj", "ROOT", "dobj"])
    old = event(d, 1, (POLICE,), date=PUB - dt.timedelta(days=400))
    recent = event(d, 1, (POLICE,), date=PUB - dt.timedelta(days=3))
    assert relevance.background(old, d, PUB, SETTINGS) == "background:date"
    assert relevance.background(recent, d, PUB, SETTINGS) is None


def test_habit_is_background() -> None:
    d = doc_of(["Police", "repeatedly", "arrested", "him"], [2, 2, 2, 2], ["nsubj", "advmod", "ROOT", "dobj"])
    assert relevance.background(event(d, 2, (POLICE,)), d, PUB, SETTINGS) == "background:habitual:repeatedly"


def test_the_perfect_with_since_is_background_but_a_first_visit_since_is_not() -> None:
    words = ["Rebels", "have", "fought", "the", "army", "since", "2014"]
    d = doc_of(
        words,
        [2, 2, 2, 4, 2, 2, 5],
        ["nsubj", "aux", "ROOT", "det", "dobj", "prep", "pobj"],
        lemmas=["rebel", "have", "fight", "the", "army", "since", "2014"],
    )
    assert relevance.background(event(d, 2, cameo="190"), d, PUB, SETTINGS) == "background:since"
    words = ["the", "first", "minister", "to", "visit", "since", "2011"]
    d = doc_of(words, [2, 2, 2, 4, 2, 4, 5], ["det", "amod", "ROOT", "aux", "relcl", "prep", "pobj"])
    assert relevance.background(event(d, 4, cameo="042"), d, PUB, SETTINGS) is None


def test_the_perfect_in_a_relative_clause_is_background() -> None:
    words = ["the", "coalition", "that", "has", "fought", "the", "group", "met"]
    d = doc_of(
        words,
        [1, 7, 4, 4, 1, 6, 4, 7],
        ["det", "nsubj", "nsubj", "aux", "relcl", "det", "dobj", "ROOT"],
        lemmas=["the", "coalition", "that", "have", "fight", "the", "group", "meet"],
    )
    assert relevance.background(event(d, 4, cameo="190"), d, PUB, SETTINGS) == "background:relative-clause"
    assert relevance.background(event(d, 7, cameo="040"), d, PUB, SETTINGS) is None


def test_review_drops_and_relabels() -> None:
    d = doc_of(["Police", "repeatedly", "arrested", "him"], [2, 2, 2, 2], ["nsubj", "advmod", "ROOT", "dobj"])
    kept, dropped = relevance.review(d, [event(d, 2, (POLICE,)), event(d, 2, (MAN,))], PUB, SETTINGS)
    assert [e.modality for e in kept] == ["historical"]
    assert "background:habitual:repeatedly" in kept[0].coder
    assert [why for _, why in dropped] == ["relevance:no-political-actor"]
