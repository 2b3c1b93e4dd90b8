"""Where a story is from: the document's home country and place (eventwire.geo.home)."""

from __future__ import annotations

import datetime as dt

from eventwire.geo.home import Home, document_home, domain_country
from eventwire.pipeline import Coder
from eventwire.types import Article, Place


def place(text: str, start: int, country: str, precision: str, gid: int, name: str | None = None) -> Place:
    return Place(
        text=text,
        start=start,
        end=start + len(text),
        geonameid=gid,
        name=name or text,
        lat=0.0,
        lon=0.0,
        country=country,
        admin1=f"{country[:2]}.XX",
        precision=precision,
        reason="test",
    )


def test_a_dateline_with_its_state_decides() -> None:
    text = "SPRINGDALE, Ark. — A man was arrested in Moscow. Moscow police said so."
    places = [
        place("SPRINGDALE", 0, "USA", "city", 1, "Springdale"),
        place("Ark.", 12, "USA", "admin1", 2, "Arkansas"),
        place("Moscow", 41, "RUS", "city", 3),
        place("Moscow", 49, "RUS", "city", 3),
    ]
    home = document_home(text, places)
    assert home.country == "USA"
    assert home.reason.startswith("dateline: SPRINGDALE, Ark.")
    assert home.place is not None and home.place.name == "Springdale"


def test_local_places_outweigh_a_foreign_country_named_often() -> None:
    # a local story about a soldier serving abroad: its towns and county, and Iraq three times
    text = "x" * 200
    places = [
        place("Iraq", 10, "IRQ", "country", 10),
        place("Iraq", 40, "IRQ", "country", 10),
        place("Iraq", 90, "IRQ", "country", 10),
        place("Millbrook", 20, "USA", "city", 11),
        place("Dutchess County", 60, "USA", "admin2", 12),
        place("Millbrook", 120, "USA", "city", 11),
    ]
    home = document_home(text, places, peoples={"IRQ": 2})
    assert home.country == "USA"
    assert "2 local places" in home.reason
    assert home.place is not None and home.place.name == "Millbrook"  # the most named town
    assert 0.5 < home.share < 1.0
    assert dict(home.votes)["IRQ"] > 0


def test_peoples_and_country_mentions_decide_a_story_without_local_places() -> None:
    text = "French officials criticised the plan. The French minister spoke."
    home = document_home(text, [place("France", 0, "FRA", "country", 5)], peoples={"FRA": 2, "DEU": 1})
    assert home.country == "FRA"
    assert home.place is None  # a whole country is no story's own place


def test_the_outlet_domain_counts() -> None:
    text = "The council met on Monday."
    assert document_home(text, [], url="https://www.example.co.uk/news/1").country == "GBR"
    assert document_home(text, [], url="https://example.com/a").country is None
    assert document_home(text, []) == Home()


def test_domain_country() -> None:
    assert domain_country("https://www.thetimes.co.uk/x")[0] == "GBR"
    assert domain_country("www.cbc.ca")[0] == "CAN"
    assert domain_country("independent.ie") == ("IRL", "independent.ie")
    assert domain_country("http://news.example.com")[0] is None
    assert domain_country("https://site.tv/x")[0] is None  # sold for general use
    assert domain_country("https://startup.io")[0] is None
    assert domain_country("") == (None, "")
    assert domain_country("localhost")[0] is None


def test_the_document_actors_expose_the_home_country(coder: Coder) -> None:
    text = (
        "CARTHAGE, Tenn. — Deputies arrested a 24-year-old man on Friday after a chase through "
        "Smith County, the sheriff's office said. The man was booked into the county jail in Gordonsville."
    )
    doc = coder.nlp(coder.make_doc(Article(id="h1", text=text, date=dt.date(2024, 5, 4))))
    actors = doc._.ew_actors
    assert actors.home_country() == "USA"
    assert actors.home().reason.startswith("dateline: CARTHAGE")


def test_the_address_reaches_the_home(coder: Coder) -> None:
    text = "The council voted to close the library on Sundays, the mayor said."
    art = Article(id="h2", text=text, date=dt.date(2024, 5, 4), url="https://www.example.ie/local/1")
    doc = coder.nlp(coder.make_doc(art))
    assert doc._.ew_url == art.url
    assert doc._.ew_actors.home_country() == "IRL"
    assert doc._.ew_actors.home().reason == "domain: www.example.ie"
