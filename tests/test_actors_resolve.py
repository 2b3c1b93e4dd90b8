"""Actors in one document (eventwire.actors.resolve): people, pronouns, local institutions, the home country.

Each test parses a short text of our own with the session's coder and asks the document's actor memory
what a noun phrase denotes.
"""

from __future__ import annotations

import datetime as dt

import pytest

from eventwire.actors.resolve import DocumentActors
from eventwire.pipeline import Coder
from eventwire.types import Actor, Article

PUB = dt.date(2024, 5, 4)


def parse(coder: Coder, text: str, url: str | None = None) -> DocumentActors:
    doc = coder.nlp(coder.make_doc(Article(id="t", text=text, date=PUB, url=url)))
    actors: DocumentActors = doc._.ew_actors
    return actors


def np(actors: DocumentActors, word: str, nth: int = 0) -> list[Actor]:
    """The actors of the noun phrase headed by the ``nth`` token spelled ``word``."""
    toks = [t for t in actors.doc if t.text == word]
    assert len(toks) > nth, f"{word!r} not in the text"
    return actors.code_np(toks[nth], expand_conj=False)


def one(actors: DocumentActors, word: str, nth: int = 0) -> Actor:
    found = np(actors, word, nth)
    assert len(found) == 1, found
    return found[0]


LOCAL = (
    "MILLBROOK, Ala. — Deputies arrested a 19-year-old man on Friday after a chase on Main Street, "
    "Elmore County Sheriff Bill Franklin said. Tyrone Baker, 19, of Millbrook, was booked into the county "
    "jail. He is charged with burglary. Baker's mother said she would hire a lawyer. Linda Ortiz said "
    "she heard shouts."
)


@pytest.fixture(scope="module")
def local(coder: Coder) -> DocumentActors:
    return parse(coder, LOCAL)


def test_a_person_named_without_a_country_belongs_to_the_home_country(local: DocumentActors) -> None:
    assert local.home_country() == "USA"
    ortiz = one(local, "Ortiz")
    assert (ortiz.country, ortiz.sector, ortiz.kind) == ("USA", "CVL", "person")
    assert ortiz.resolved_from is not None and ortiz.resolved_from.startswith("home:dateline")
    baker = one(local, "Baker")  # "Tyrone Baker, 19, of Millbrook": the place named with him says it
    assert baker.country == "USA" and baker.resolved_from == "actor:geo:Millbrook"


def test_he_and_she_find_the_nearest_person_even_without_a_role(local: DocumentActors) -> None:
    he = one(local, "He")
    assert he.country == "USA" and he.resolved_from is not None and "Baker" in he.resolved_from


def test_people_named_by_age_and_human_nouns_are_private_persons(local: DocumentActors) -> None:
    man = one(local, "man")
    assert man.sector == "CVL" and man.country is None  # the event's place or the home fills it later
    assert man.text == "a 19-year-old man"
    mother = one(local, "mother")
    assert mother.sector == "CVL"


def test_sheriffs_and_their_deputies_are_police(local: DocumentActors) -> None:
    assert local.police_context
    assert one(local, "Deputies").sector == "COP"
    sheriff = one(local, "Franklin")
    assert sheriff.sector == "COP" and sheriff.country == "USA"


def test_deputies_elsewhere_are_legislators(coder: Coder) -> None:
    actors = parse(coder, "Russian deputies voted on Wednesday to ratify the treaty with Belarus.")
    deputies = one(actors, "deputies")
    assert (deputies.country, deputies.sector) == ("RUS", "LEG")


def test_a_title_inside_the_name_gives_the_role(coder: Coder) -> None:
    actors = parse(
        coder,
        "Police in Dayton, Ohio, said the suspect ran. Officer Ron Black chased him for two blocks.",
    )
    black = one(actors, "Black")
    assert black.sector == "COP" and black.country == "USA"


@pytest.mark.parametrize(
    ("text", "word", "sector"),
    [
        ("The defendant pleaded not guilty on Monday.", "defendant", "CRM"),
        ("The pastor urged the city to reopen the shelter.", "pastor", "REL"),
        ("The school board voted to close two schools.", "board", "GOV"),
        ("The district attorney charged the driver with manslaughter.", "attorney", "JUD"),
        ("The district attorney charged the driver with manslaughter.", "driver", "CVL"),
        ("The restaurant owner sued the county commission.", "owner", "BUS"),
        ("The restaurant owner sued the county commission.", "commission", "GOV"),
        ("A grand jury indicted the two men.", "jury", "JUD"),
        ("The coroner ruled the death a homicide.", "coroner", "JUD"),
        ("State troopers stopped the car near the border.", "troopers", "COP"),
    ],
)
def test_local_institutions_and_people(coder: Coder, text: str, word: str, sector: str) -> None:
    assert one(parse(coder, text), word).sector == sector


def test_an_expletive_it_stands_for_no_one(coder: Coder) -> None:
    actors = parse(
        coder,
        "Lebanon closed its border on Monday. It was then that one of the guards fired.",
    )
    assert np(actors, "It") == []


def test_it_does_not_reach_a_country_named_paragraphs_earlier(coder: Coder) -> None:
    actors = parse(
        coder,
        "Greece sent two ships. The weather was mild all week. Fishermen mended nets in the harbour. "
        "Tourists filled the cafes. It announced a new plan on Friday.",
    )
    assert np(actors, "It") == []
    near = parse(coder, "Greece sent two ships on Monday. It announced a new plan on Friday.")
    assert one(near, "It").country == "GRC"


def test_a_relative_pronoun_is_its_antecedent(coder: Coder) -> None:
    actors = parse(coder, "Iran rejected the proposal from the European Union, which had offered talks.")
    which = one(actors, "which")
    assert which.org == "EU" and which.resolved_from is not None
    assert which.resolved_from.startswith("antecedent:")
    assert np(parse(coder, "Those who came were tired."), "Those") == []


def test_a_town_the_geo_stage_placed_at_home_is_not_the_capital(coder: Coder) -> None:
    actors = parse(
        coder,
        "PARIS, Texas — The Paris Police Department arrested a man on Monday, the Lamar County sheriff said.",
    )
    police = one(actors, "Department")
    assert police.country == "USA" and police.sector == "COP"
    france = parse(coder, "Paris and Berlin agreed on Monday to resume talks.")
    assert one(france, "Paris").country == "FRA"


def test_an_entity_that_is_no_name_gets_no_home(coder: Coder) -> None:
    actors = parse(coder, "SPRINGFIELD, Ill. — COVID-19 closed three schools, the governor said.")
    assert all(a.country != "USA" or a.kind != "person" for a in np(actors, "COVID-19"))


def test_a_photo_credit_or_byline_names_no_actor(coder: Coder) -> None:
    actors = parse(
        coder,
        "Aid convoy reaches the border. By JORDAN MILLS Staff Writer. Photo: AP Hughes, who led the "
        "convoy, said the trucks crossed on Sunday.",
    )
    assert all(a.org != "AP" for a in np(actors, "Hughes"))
    assert not any(m.entry.country == "JOR" for m in actors.match_at.values())
    assert actors.home_country() != "JOR"
