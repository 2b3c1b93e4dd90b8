"""The event coder on sentences written for these tests: types, arguments, modality, attribution."""

from __future__ import annotations

import datetime as dt

import pytest

from eventwire.pipeline import Coder
from eventwire.types import Article, Event

PUB = dt.date(2024, 5, 17)  # a Friday


def code(coder: Coder, text: str, date: dt.date | None = PUB) -> list[Event]:
    return coder.code(Article(id="t", text=text, date=date))


def find(events: list[Event], cameo_prefix: str) -> Event:
    for e in events:
        if e.cameo.startswith(cameo_prefix):
            return e
    raise AssertionError(f"no {cameo_prefix} event in {[(e.cameo, e.event_text) for e in events]}")


def codes(actors: tuple) -> set[str]:  # type: ignore[type-arg]
    return {a.code for a in actors}


# (sentence, CAMEO prefix, PLOVER type, actor code, recipient code or None, modality)
CASES = [
    (
        "Kenyan President William Ruto met Tanzanian President Samia Suluhu Hassan in Arusha on Tuesday.",
        "04",
        "CONSULT",
        "KENGOV",
        "TZAGOV",
        "asserted",
    ),
    (
        "The Norwegian foreign minister visited Kenya on Monday.",
        "042",
        "CONSULT",
        "NORGOV",
        "KEN",
        "asserted",
    ),
    ("Japan will send 50 tons of food aid to Myanmar next week.", "073", "AGREE", "JPN", "MMR", "future"),
    (
        "The European Union imposed new sanctions on Belarus on Thursday.",
        "163",
        "SANCTION",
        "IGOEU",
        "BLR",
        "asserted",
    ),
    (
        "Rebels attacked a police station in northern Mali, killing three officers.",
        "19",
        "ASSAULT",
        "MLIREB",
        None,
        "asserted",
    ),
    ("Chilean police arrested twelve protesters in Santiago.", "173", "COERCE", "CHLCOP", "CVL", "asserted"),
    (
        "Thousands of teachers protested against the Peruvian government in Lima.",
        "14",
        "PROTEST",
        "EDU",
        "PERGOV",
        "asserted",
    ),
    (
        "Ghana's foreign minister did not meet the Nigerian ambassador.",
        "04",
        "CONSULT",
        "GHAGOV",
        "NGAGOV",
        "negated",
    ),
    (
        "The Finnish government condemned Russia's violation of its airspace.",
        "111",
        "ACCUSE",
        "FINGOV",
        "RUS",
        "asserted",
    ),
    ("Colombia urged ELN rebels to release all hostages.", "0253", "REQUEST", "COL", "COLELN", "asserted"),
    ("Iran threatened to close the Strait of Hormuz.", "13", "THREATEN", "IRN", None, "asserted"),
    ("Sudan refused to meet the envoy of the African Union.", "125", "REJECT", "SDN", "IGOAU", "asserted"),
    ("Egypt may host talks between the two sides next month.", "043", "AGREE", "EGY", None, "hypothetical"),
    ("The Ukrainian president plans to visit Warsaw.", "036", "AGREE", "UKRGOV", None, "asserted"),
    ("The Ukrainian president is expected to visit Warsaw.", "042", "AGREE", "UKRGOV", None, "future"),
    ("Chad said it would withdraw its troops from Niger.", "0356", "AGREE", "TCD", "NER", "asserted"),
    ("Chad will withdraw its troops from Niger.", "0874", "RETREAT", "TCD", "NER", "future"),
    (
        "Kenyan officials said Somali militants attacked a convoy.",
        "112",
        "ACCUSE",
        "KENGOV",
        "SOM",
        "asserted",
    ),
    ("Kenyan officials said Somali militants attacked a convoy.", "190", "ASSAULT", "SOM", None, "asserted"),
    (
        "Kenyan officials blamed Somali militants for the attack.",
        "112",
        "ACCUSE",
        "KENGOV",
        "SOM",
        "asserted",
    ),
    ("Azerbaijan agreed to hold talks with Armenia.", "036", "AGREE", "AZE", "ARM", "asserted"),
    ("Israel may strike Iranian nuclear sites.", "19", "THREATEN", "ISR", "IRN", "hypothetical"),
    (
        "Vietnam denied that its soldiers had attacked Philippine fishermen.",
        "19",
        "ASSAULT",
        "VNM",
        "PHL",
        "denied",
    ),
]


@pytest.mark.parametrize(
    ("text", "prefix", "plover", "actor", "recipient", "modality"), CASES, ids=[c[0][:40] for c in CASES]
)
def test_sentences(
    coder: Coder, text: str, prefix: str, plover: str, actor: str, recipient: str | None, modality: str
) -> None:
    ev = find(code(coder, text), prefix)
    assert ev.event == plover
    assert any(actor in (a.code or "") for a in ev.actor), ev.actor
    if recipient is not None:
        assert any(recipient in (r.code or "") for r in ev.recipient), ev.recipient
    assert ev.modality == modality


def test_a_plain_report_of_a_crime_is_no_accusation(coder: Coder) -> None:
    """Police telling of a crime at home report it: the violence is coded, attributed to them, and nobody
    is accused (an adversary's attack reported by a party to a conflict is, above)."""
    text = "Police in Ohio said a gunman shot two officers outside the station."
    events = code(coder, text)
    assert not [e for e in events if e.cameo_root == "11"]
    attack = find(events, "19")
    assert attack.attribution is not None and "Police" in attack.attribution.text


def test_compound_actors_are_one_event_with_both(coder: Coder) -> None:
    ev = find(code(coder, "Kazakhstan and Uzbekistan agreed to expand trade."), "03")
    assert {"KAZ", "UZB"} <= codes(ev.actor)


def test_sentence_without_event_codes_nothing(coder: Coder) -> None:
    assert code(coder, "The weather in Lisbon was mild and sunny all week.") == []


def test_several_events_in_one_sentence(coder: Coder) -> None:
    evs = code(coder, "Police arrested two journalists and the government expelled a Dutch diplomat.")
    assert {e.cameo[:3] for e in evs} >= {"173", "161"}


def test_passive_voice_agent_is_the_actor(coder: Coder) -> None:
    ev = find(code(coder, "Two Turkish soldiers were killed by PKK militants near the Iraqi border."), "19")
    assert any("PKK" in (a.code or "") or (a.country == "TUR" and a.sector == "REB") for a in ev.actor), (
        ev.actor
    )
    assert any(r.country == "TUR" and r.sector == "MIL" for r in ev.recipient)


def test_reported_speech_is_attributed(coder: Coder) -> None:
    ev = find(
        code(coder, "Serbia's interior ministry said that police detained four Kosovo officials."), "173"
    )
    assert ev.attribution is not None and "interior ministry" in ev.attribution.text


def test_date_resolves_against_publication_date(coder: Coder) -> None:
    ev = find(code(coder, "Chad's president met the French ambassador on Wednesday."), "04")
    assert ev.date == dt.date(2024, 5, 15)
    assert ev.date_text == "Wednesday"


def test_no_publication_date_no_invented_date(coder: Coder) -> None:
    ev = find(code(coder, "Chad's president met the French ambassador on Wednesday.", date=None), "04")
    assert ev.date is None and ev.date_text == "Wednesday"


def test_people_resolved_within_the_document(coder: Coder) -> None:
    text = (
        "Moldovan Prime Minister Dorin Recean received the Romanian envoy Ana Ionescu on Monday. "
        "Recean later criticized Russia."
    )
    ev = find(code(coder, text), "111")
    assert any(a.code == "MDAGOV" and a.text == "Recean" for a in ev.actor)


def test_event_ids_are_stable(coder: Coder) -> None:
    text = "Brazil and Argentina signed a trade agreement in Brasilia."
    assert [e.event_id for e in code(coder, text)] == [e.event_id for e in code(coder, text)]


def test_every_code_is_consistent_with_the_ontology(coder: Coder) -> None:
    from eventwire.events import plover_row
    from eventwire.events.lexicon import load_lexicon
    from eventwire.ontology import load_ontology

    onto = load_ontology()
    text = (
        "Rebels attacked a police station in northern Mali, and Mali's army retaliated. "
        "Niger will send aid to Mali next week."
    )
    events = code(coder, text)
    assert {e.modality for e in events} == {"asserted", "future"}
    for e in events:
        row = onto.cameo(e.cameo)
        assert (e.quad_class, e.goldstein, e.cameo_root) == (row.quad_class, row.goldstein, row.root)
        speech_act = any(n.startswith(("governor:", "intent:")) for n in e.coder)
        prow, _ = plover_row(row, e.modality, speech_act, load_lexicon())
        assert (e.event, e.mode) == (prow.plover_event or None, prow.plover_mode)


def test_discard_phrases_drop_sports_sentences(coder: Coder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = "In the Champions League final, Liverpool attacked Madrid's defence and captured the trophy."
    assert code(coder, text) == []
    extra = tmp_path / "discards.txt"
    extra.write_text("# our own test list\n+typhoon   # a whole story\nMONTHS LATER\n", encoding="utf-8")
    own = Coder(coder.config.replace(discard_files=(extra,)))
    assert code(own, "A typhoon hit Manila. Police arrested two looters.") == []
    assert code(own, "Police arrested two looters in Manila.") != []
