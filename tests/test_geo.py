"""Geoparsing on sentences and articles we wrote: recognition, resolution, event location, the index."""

from __future__ import annotations

import pickle
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventwire.config import Config
from eventwire.errors import InputError
from eventwire.geo import Geocoder, find_dateline, is_demonym
from eventwire.geo import gazetteer as gz
from eventwire.geo.names import normalize


@pytest.fixture(scope="module")
def gc() -> Geocoder:
    return Geocoder.load(Config())


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    from eventwire.nlp import load_model

    return load_model(Config())


def by_text(places, text):  # type: ignore[no-untyped-def]
    found = [p for p in places if p.text == text]
    assert found, f"no place {text!r} in {[p.text for p in places]}"
    return found[0]


# -- names -------------------------------------------------------------------------------------------
def test_normalize_meets_spellings() -> None:
    assert normalize("ST. LOUIS") == normalize("Saint-Louis") == normalize("St Louis") == "saint louis"
    assert normalize("Şəki") == normalize("Seki")
    assert normalize("U.S.") == "u s"
    assert normalize("Coeur d’Alene") == normalize("Coeur d'Alene")


@given(st.text(max_size=40))
def test_normalize_is_idempotent(s: str) -> None:
    assert normalize(normalize(s)) == normalize(s)


# -- gazetteer ---------------------------------------------------------------------------------------
def test_gazetteer_holds_countries_states_counties_and_towns(gc: Geocoder) -> None:
    g = gc.gazetteer
    us = [e for e in g.lookup("U.S.") if e.kind == gz.KIND_COUNTRY]
    assert us and us[0].geonameid == 6252001
    laurel = g.lookup("Laurel County")
    assert any(e.fcode == "ADM2" and e.country == "US" and e.admin1 == "KY" for e in laurel)
    assert any(e.kind == gz.KIND_ADMIN1 and e.how == gz.HOW_ABBR for e in g.lookup("Ky."))
    assert any(e.kind == gz.KIND_CITY and e.population > 1_000_000 for e in g.lookup("Baku"))
    assert g.iso3("AZ") == "AZE"
    assert g.lookup("Xqzzyvillage") == ()


def test_index_is_built_once_under_concurrency(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def tiny(b: gz._Builder) -> dict[str, tuple[str, str]]:
        calls.append(1)
        b.add(gid=1, name="Testville", lat=1.0, lon=2.0, pop=1000, cc="ZZ", fclass="P", fcode="PPL", kind=4)
        return {"ZZ": ("ZZZ", "ZF")}

    monkeypatch.setattr(gz, "_collect", tiny)
    monkeypatch.setenv("EVENTWIRE_CACHE_DIR", str(tmp_path))
    path = tmp_path / "gazetteer-test.sqlite"
    threads = [threading.Thread(target=gz.build_index, args=(path,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1]
    g = gz.Gazetteer(path)
    assert g.lookup("testville")[0].name == "Testville"
    assert g.iso3("ZZ") == "ZZZ" and g.fips("ZZ") == "ZF"
    assert not list(tmp_path.glob("*.tmp"))
    assert gz.cache_dir() == tmp_path


def test_cache_dir_honours_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("EVENTWIRE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert gz.cache_dir() == tmp_path / "eventwire"


def test_geocoder_pickles_for_worker_processes(gc: Geocoder, nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Protesters marched in Ganja.")
    places = gc.places(doc)
    assert gc.event_location(doc, places, 1) is not None  # fills the per-document cache
    clone = pickle.loads(pickle.dumps(gc))
    assert clone.places(doc)[0].name == "Ganja"
    assert clone.event_location(doc, places, 1) == places[0]


# -- recognition -------------------------------------------------------------------------------------
def test_organisations_and_demonyms_are_not_places(gc: Geocoder, nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(
        "The Azerbaijani president addressed the Cooperation Council of Turkic-Speaking States. "
        "The WHO said the Azerbaijani side would help."
    )
    assert gc.places(doc) == []
    refs = gc.places(doc, demonyms=True)
    assert refs and all(is_demonym(p) and p.country == "AZE" and p.precision == "country" for p in refs)


def test_gazetteer_finds_towns_ner_misses(gc: Geocoder, nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("The crash happened near Cottonport, La., on Tuesday. Deputies from Cottonport responded.")
    places = gc.places(doc)
    assert {p.text for p in places} >= {"Cottonport", "La."}
    assert by_text(places, "La.").name == "Louisiana"
    assert all(p.admin1 == "US.LA" for p in places if p.text == "Cottonport")


def test_person_names_are_not_places(gc: Geocoder, nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Michael Jordan spoke to reporters. Later Jordan said he was tired.")
    assert [p.text for p in gc.places(doc)] == []


# -- resolution --------------------------------------------------------------------------------------
def test_a_country_is_a_country(gc: Geocoder) -> None:
    text = "Officials from the USA and China met in Geneva."
    places = gc.resolve_spans(text, [(19, 22), (27, 32)])
    assert [(p.feature_code, p.precision) for p in places] == [("PCLI", "country"), ("PCLI", "country")]
    assert [p.geonameid for p in places] == [6252001, 1814991]


def test_city_state_pattern_and_context(gc: Geocoder) -> None:
    text = "Paris, Texas, lies near the Oklahoma line. In Paris, the mayor spoke."
    paris, texas, paris2 = gc.resolve_spans(text, [(0, 5), (7, 12), (46, 51)])
    assert paris.country == "USA" and paris.admin1 == "US.TX"
    assert paris2.geonameid == paris.geonameid  # one sense per article
    assert "named with Texas" in (paris.reason or "")
    assert texas.precision == "admin1"
    france = gc.resolve_spans("Paris and Lyon were hit by strikes.", [(0, 5)])[0]
    assert france.country == "FRA" and france.feature_code == "PPLC"


def test_georgia_follows_the_article(gc: Geocoder) -> None:
    us = "Atlanta, Georgia, and Savannah saw storms."
    assert gc.resolve_spans(us, [(0, 7), (9, 16), (22, 30)])[1].country == "USA"
    caucasus = "Georgia accused Russia of moving troops near Tbilisi."
    assert gc.resolve_spans(caucasus, [(0, 7)])[0].country == "GEO"


def test_lists_of_countries_are_not_city_country_pairs(gc: Geocoder) -> None:
    def spans(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
        return [(text.index(w), text.index(w) + len(w)) for w in words]

    mideast = "Jordan, Syria and Iraq signed the accord."
    jordan, syria, _ = gc.resolve_spans(mideast, spans(mideast, ("Jordan", "Syria", "Iraq")))
    assert (jordan.precision, jordan.country, syria.country) == ("country", "JOR", "SYR")
    south = "Storms hit Georgia, Alabama and Tennessee."
    georgia, alabama, _ = gc.resolve_spans(south, spans(south, ("Georgia", "Alabama", "Tennessee")))
    assert (georgia.precision, georgia.admin1, alabama.admin1) == ("admin1", "US.GA", "US.AL")


def test_abbreviated_state_after_city(gc: Geocoder) -> None:
    text = "ALEXANDRIA, La. (AP) - A fire destroyed a home in Alexandria."
    places = gc.resolve_spans(text, [(0, 10), (12, 15), (50, 60)])
    assert [p.admin1 for p in places] == ["US.LA", "US.LA", "US.LA"]
    assert "dateline" in (places[0].reason or "")


def test_resolution_explains_itself(gc: Geocoder) -> None:
    p = gc.resolve_spans("Protesters gathered in Springfield, Illinois.", [(23, 34)])[0]
    assert p.admin1 == "US.IL"
    assert p.reason and "candidates" in p.reason


def test_unknown_names_stay_unresolved(gc: Geocoder) -> None:
    p = gc.resolve_spans("They met at Qzxvbrook Hollow.", [(12, 28)])[0]
    assert p.geonameid is None and p.reason == "not in the gazetteer"


def test_bad_spans_are_an_input_error(gc: Geocoder) -> None:
    with pytest.raises(InputError, match="outside the text"):
        gc.resolve_spans("Baku", [(0, 10)])


def test_dateline_forms() -> None:
    assert find_dateline("BAKU, Jan 21 (Reuters) – Talks resumed.") == (0, 4, None)
    s, e, q = find_dateline("LAUREL COUNTY, Ky. (WKYT) - A man died.") or (0, 0, None)
    assert (s, e, q) == (0, 13, "Ky.")
    assert find_dateline("Fire guts home. TORRINGTON — Firefighters were called.")[:2] == (16, 26)  # type: ignore[index]
    assert find_dateline("The WHO said on Monday that cases rose.") is None


# -- event location ----------------------------------------------------------------------------------
def _trigger(doc, lemma):  # type: ignore[no-untyped-def]
    return next(t.i for t in doc if t.lemma_ == lemma)


def test_event_location_rules(gc: Geocoder, nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "BAKU, Jan 21 (Reuters) - Police clashed with protesters in Ganja on Monday. "
        "The agency opened training centres in 12 districts of Azerbaijan. "
        "The minister praised the work. "
        "The Russian ambassador criticised the plan."
    )
    doc = nlp(text)
    places = gc.places(doc)
    ganja = gc.event_location(doc, places, _trigger(doc, "clash"))
    assert ganja is not None and ganja.text == "Ganja" and ganja.precision == "city"
    aze = gc.event_location(doc, places, _trigger(doc, "open"))
    assert aze is not None and aze.name == "Azerbaijan" and aze.precision == "country"
    dateline = gc.event_location(doc, places, _trigger(doc, "praise"))
    assert dateline is not None and dateline.text == "BAKU"
    assert gc.event_location(doc, places, len(doc) + 5) is None
    plain = nlp("The minister praised the work.")
    assert gc.event_location(plain, gc.places(plain), 2) is None


def test_demonyms_and_org_names_are_not_event_locations(gc: Geocoder, nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("The Russian ambassador criticised the plan.")
    places = gc.places(doc, demonyms=True)
    assert places and gc.event_location(doc, places, _trigger(doc, "criticise")) is None


def test_gdelt_columns(gc: Geocoder) -> None:
    text = "LONDON, Ky. (WKYT) - Police in London arrested a man. Talks in Baku and Azerbaijan."
    spans = [(0, 6), (8, 11)] + [
        (text.index(w), text.index(w) + len(w)) for w in ("London", "Baku", "Azerbaijan")
    ]
    london, ky, london2, baku, aze = gc.resolve_spans(text, spans)
    assert london2.geonameid == london.geonameid
    g = gc.gdelt_fields(london)
    assert (
        g["ActionGeo_Type"] == 3 and g["ActionGeo_CountryCode"] == "US" and g["ActionGeo_ADM1Code"] == "USKY"
    )
    assert g["ActionGeo_FullName"] == "London, Kentucky, United States"
    assert gc.gdelt_fields(ky)["ActionGeo_Type"] == 2
    assert (
        gc.gdelt_fields(baku)["ActionGeo_Type"] == 4
        and gc.gdelt_fields(baku)["ActionGeo_CountryCode"] == "AJ"
    )
    assert gc.gdelt_fields(aze, prefix="Actor1Geo_")["Actor1Geo_Type"] == 1
    assert set(gc.gdelt_fields(None).values()) == {None}


# --- find_places: the library behind `eventwire places` -------------------------------------------------


def test_find_places_streams_articles_in_order_and_passes_skips_on(gc: Geocoder) -> None:
    from eventwire.geo import find_places
    from eventwire.types import Article, Skip

    items = [
        Article(id="a", text="Protesters marched in Ganja on Sunday."),
        Skip("x.bin", "binary", "not text"),
        Article(id="b", text="The talks took place in Tashkent."),
    ]
    skipped: list[Skip] = []
    out = list(find_places(items, Config(), on_skip=skipped.append, geocoder=gc))
    assert [a.id for a, _ in out] == ["a", "b"]
    assert [p.name for p in out[0][1]] == ["Ganja"] and [p.name for p in out[1][1]] == ["Tashkent"]
    assert [s.where for s in skipped] == ["x.bin"]


def test_find_places_loads_nothing_when_every_input_was_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    from eventwire import nlp as nlp_mod
    from eventwire.geo import find_places
    from eventwire.types import Skip

    def boom(config: Config) -> None:
        raise AssertionError("the model was loaded for nothing")

    monkeypatch.setattr(nlp_mod, "load_model", boom)
    assert list(find_places([Skip("a", "empty")], Config(), on_skip=lambda s: None)) == []


def test_cli_places_jsonl_and_one_line_error(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from eventwire.cli import main

    p = tmp_path / "story.txt"
    p.write_text("Protesters marched in Ganja on Sunday.", encoding="utf-8")
    res = CliRunner().invoke(main, ["places", str(p), "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    assert [json.loads(line)["name"] for line in res.stdout.splitlines()] == ["Ganja"]
    assert "found 1 places in 1 documents" in res.stderr
    res = CliRunner().invoke(main, ["places", str(tmp_path / "missing.txt")])
    assert res.exit_code == 1 and "every input was skipped" in res.stderr


# -- local news: the story's own place, participants' origins, names of people and parliaments -------------
def test_an_event_without_a_place_of_its_own_happened_in_the_storys_place(gc: Geocoder, nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Deputies in Tuscumbia arrested a man on Friday. Tuscumbia police said the man fled. "
        "The Alabama State Troopers helped them. The council thanked the officers."
    )
    doc = nlp(text)
    places = gc.places(doc)
    thanked = gc.event_location(doc, places, _trigger(doc, "thank"))
    assert thanked is not None and thanked.name == "Tuscumbia"  # no place in the sentence: the home place
    helped = gc.event_location(doc, places, _trigger(doc, "help"))
    assert helped is not None and helped.name == "Tuscumbia"  # a state in an agency's name holds the town


def test_where_a_participant_comes_from_is_not_where_it_happened(gc: Geocoder, nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Three guards and a tourist visiting from Norway were killed on Sunday.")
    assert gc.event_location(doc, gc.places(doc), _trigger(doc, "kill")) is None
    doc = nlp("The soldiers returned from Iraq on Sunday.")
    back = gc.event_location(doc, gc.places(doc), _trigger(doc, "return"))
    assert back is not None and back.country == "IRQ"  # the trigger's own "from" phrase is its place


def test_people_and_parliaments_are_not_places(gc: Geocoder, nlp) -> None:  # type: ignore[no-untyped-def]
    texts = [
        "President Tyler warned Russia against any new moves.",
        "Aiko Toyama asked both sides in Yemen to let aid trucks pass.",
        "Mayor Ann Colfax unveiled the plan in Torrington. Colfax said the city would pay.",
        "The State Duma voted on Wednesday to ratify the treaty.",
        "He and his wife Florence opened a bakery in Millbrook in 1998.",
        "Storm damage. BY JORDAN MILLS Staff Reporter. The storm hit homes in Millbrook on Monday.",
    ]
    found = [{p.text for p in gc.places(nlp(t))} for t in texts]
    assert "Tyler" not in found[0] and "Russia" in found[0]
    assert "Toyama" not in found[1] and "Yemen" in found[1]
    assert "Colfax" not in found[2] and "Torrington" in found[2]
    assert "Duma" not in found[3]
    assert "Florence" not in found[4] and "Millbrook" in found[4]
    assert "JORDAN" not in found[5] and "Millbrook" in found[5]


def test_a_dateline_after_the_bylines_date() -> None:
    text = "Zoning eased. By Jane Roe Staff Reporter April 2, 2024 MILLBROOK -- City officials said"
    found = find_dateline(text)
    assert found is not None and text[found[0] : found[1]] == "MILLBROOK"


def test_a_country_the_article_names_favours_its_neighbours_places(gc: Geocoder, nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Israeli troops shelled Gaza on Monday, and Israel said it would continue.")
    gaza = next(p for p in gc.places(doc) if p.text == "Gaza")
    assert gaza.country == "PSE"
