"""The first acceptance case: the seed report (read from ../shared, never copied) coded end to end."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import shared_path
from eventwire.types import Event

PUB = dt.date(2021, 1, 22)


@pytest.fixture(scope="module")
def events(coder) -> list[Event]:  # type: ignore[no-untyped-def]
    from eventwire.types import Article

    path = shared_path("seed", "000_af454e03e7bba8b9.txt")
    text = path.read_text(encoding="utf-8")
    return coder.code(Article(id=path.stem, text=text, date=PUB))


def _parties(ev: Event) -> set[str]:
    return {a.code or "" for a in (*ev.actor, *ev.recipient)}


def _is_aze_gov(code: str) -> bool:
    return code.startswith("AZE") and code.endswith("GOV")


def _is_who(code: str) -> bool:
    return code.startswith("IGO") and "WHO" in code


def test_the_meeting_is_a_consultation_between_azerbaijan_and_who(events: list[Event]) -> None:
    meetings = [
        e for e in events if e.sentence_index <= 2 and e.cameo_root == "04" and e.modality == "asserted"
    ]
    assert meetings, [(e.sentence, e.cameo) for e in events]
    ev = meetings[0]
    assert ev.event == "CONSULT"
    assert ev.cameo in ("042", "043", "040")
    assert any(_is_aze_gov(a.code or "") for a in ev.actor)
    assert any(_is_who(a.code or "") for a in ev.recipient)
    bayramov = next(a for a in ev.actor if _is_aze_gov(a.code or ""))
    assert "Bayramov" in bayramov.text and bayramov.role and "minister" in bayramov.role.lower()
    harmanci = next(a for a in ev.recipient if _is_who(a.code or ""))
    assert "Harmanci" in harmanci.text and harmanci.org == "WHO"
    assert ev.date == dt.date(2021, 1, 21)
    assert ev.date_text and "Thursday" in ev.date_text


def test_the_sides_resolve_to_both_parties(events: list[Event]) -> None:
    sides = [e for e in events if "exchanged views" in e.sentence and e.cameo_root == "04"]
    assert sides
    parties = _parties(sides[0])
    assert any(_is_aze_gov(p) for p in parties) and any(_is_who(p) for p in parties)
    assert any(a.resolved_from == "parties" for a in sides[0].actor)


def test_azerbaijan_states_support(events: list[Event]) -> None:
    support = [e for e in events if e.event == "SUPPORT" and any((a.country or "") == "AZE" for a in e.actor)]
    assert support, [(e.sentence[:60], e.event, e.cameo) for e in events]
    assert any("vaccines" in e.sentence for e in support)
    assert any(any(_is_who(r.code or "") for r in e.recipient) for e in support)


def test_who_projects_are_aid_to_azerbaijan_in_health(events: list[Event]) -> None:
    aid = [e for e in events if e.event == "AID"]
    assert aid, [(e.sentence[:60], e.event, e.cameo) for e in events]
    ev = aid[0]
    assert any(_is_who(a.code or "") for a in ev.actor)
    assert any((r.country or "") == "AZE" for r in ev.recipient)
    assert "health" in ev.context


def test_planned_visit_is_future_not_a_visit(events: list[Event]) -> None:
    visit = [e for e in events if "planned visit" in e.sentence]
    assert visit
    assert all(e.modality in ("future", "hypothetical") for e in visit if e.cameo_root in ("03", "04"))
    assert any(e.modality == "future" and e.event == "AGREE" for e in visit)
    assert not any(e.cameo_root == "04" and e.modality == "asserted" for e in visit)


def test_possible_participation_is_not_a_done_deal(events: list[Event]) -> None:
    part = [e for e in events if "participation" in e.sentence and "possibility" in e.event_text + e.sentence]
    assert part
    assert not any(e.event in ("COOPERATE", "AID") and e.modality == "asserted" for e in part)
    assert any(e.modality in ("hypothetical", "future") or e.event in ("REQUEST", "AGREE") for e in part)


def test_attribution_to_the_foreign_ministry_via_news_az(events: list[Event]) -> None:
    first = [e for e in events if e.sentence_index <= 2 and e.cameo_root == "04"]
    att = first[0].attribution
    assert att is not None
    assert "Foreign Ministry" in att.text
    assert att.outlet == "News.Az"
    assert att.source is not None and att.source.country == "AZE"


def test_no_covid_actor_and_nothing_from_the_tail(events: list[Event]) -> None:
    for e in events:
        for a in (*e.actor, *e.recipient):
            assert "COVID" not in a.text
        assert "You Might Also Like" not in e.sentence


def test_every_offset_is_evidence(events: list[Event]) -> None:
    path = shared_path("seed", "000_af454e03e7bba8b9.txt")
    text = path.read_text(encoding="utf-8")
    for e in events:
        assert text[e.event_start : e.event_end] == e.event_text
        for a in (*e.actor, *e.recipient):
            assert text[a.start : a.end] == a.text
        assert e.coder
