"""The actor dictionary tables and the matcher, on sentences written for these tests."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pycountry
import pytest

from eventwire.actors.dictionary import (
    BUILTIN_FILES,
    PLOVER_SECTORS,
    ActorDictionary,
    ActorEntry,
    DictMatch,
    _builtin_entries,
    compile_phrase,
    plural_forms,
    write_tsv,
)
from eventwire.config import Config
from eventwire.errors import DictionaryError
from eventwire.nlp import load_model


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_model(Config())


@pytest.fixture(scope="module")
def actors() -> ActorDictionary:
    return ActorDictionary.from_files()


def found(nlp, dictionary: ActorDictionary, text: str, on_date: dt.date | None = None) -> list[DictMatch]:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    matches = dictionary.match(doc, on_date=on_date)
    for m in matches:  # every match points at its own text, inside its tokens
        assert text[m.start_char : m.end_char] == m.text
        assert doc[m.start].idx <= m.start_char < m.end_char <= doc[m.end - 1].idx + len(doc[m.end - 1])
    return matches


def by_text(matches: list[DictMatch]) -> dict[str, ActorEntry]:
    return {m.text: m.entry for m in matches}


# ---------------------------------------------------------------------------------------------------------
# Countries, adjectives, capitals, seats
# ---------------------------------------------------------------------------------------------------------


def test_adjective_then_multiword_role(nlp, actors):  # type: ignore[no-untyped-def]
    got = by_text(found(nlp, actors, "Azerbaijani Foreign Minister Elnur Mammadli received the delegation."))
    assert got["Azerbaijani"].country == "AZE"
    assert got["Azerbaijani"].via == "adjective"
    assert got["Foreign Minister"].sector == "GOV"
    assert got["Foreign Minister"].role == "foreign minister"
    assert "Minister" not in got  # the multiword role wins over the single word
    assert got["delegation"].sector == "GOV"


def test_capital_and_seat_metonyms(nlp, actors):  # type: ignore[no-untyped-def]
    got = by_text(found(nlp, actors, "Baku said the Kremlin and the Pentagon had not replied to Kyiv."))
    assert (got["Baku"].country, got["Baku"].via) == ("AZE", "capital")
    assert (got["Kremlin"].country, got["Kremlin"].sector, got["Kremlin"].via) == ("RUS", "GOV", "seat")
    assert (got["Pentagon"].country, got["Pentagon"].sector, got["Pentagon"].code) == ("USA", "MIL", "USAMIL")
    assert got["Kyiv"].country == "UKR"


def test_names_aliases_and_demonyms(nlp, actors):  # type: ignore[no-untyped-def]
    text = (
        "Britain, the U.K. and Holland sent envoys to Burma, Ivory Coast and Czechia, while Palestinians "
        "and Azeris met North Korean and South Korean diplomats."
    )
    got = by_text(found(nlp, actors, text))
    assert {k: got[k].country for k in ("Britain", "U.K.", "Holland", "Burma", "Ivory Coast", "Czechia")} == {
        "Britain": "GBR",
        "U.K.": "GBR",
        "Holland": "NLD",
        "Burma": "MMR",
        "Ivory Coast": "CIV",
        "Czechia": "CZE",
    }
    assert got["Palestinians"].country == "PSE" and got["Palestinians"].via == "demonym"
    assert got["Azeris"].country == "AZE"
    assert got["North Korean"].country == "PRK"
    assert got["South Korean"].country == "KOR"


def test_kosovo_taiwan_hong_kong_codes(actors):  # type: ignore[no-untyped-def]
    assert actors.lookup("Kosovo")[0].country == "KOS"
    assert actors.lookup("Taiwan")[0].country == "TWN"
    assert actors.lookup("Hong Kong")[0].country == "HKG"
    assert actors.lookup("Puerto Rico")[0].country == "USA"  # PLOVER folds dependencies
    sahara = actors.lookup("Western Sahara")[0]
    assert (sahara.country, sahara.sector) == ("MAR", "PRE")


# ---------------------------------------------------------------------------------------------------------
# Case, acronyms, tokenisation
# ---------------------------------------------------------------------------------------------------------


def test_acronyms_are_case_sensitive(nlp, actors):  # type: ignore[no-untyped-def]
    got = by_text(
        found(nlp, actors, "The WHO Office, who said it, told us that US troops and the AU had left.")
    )
    assert got["WHO"].org == "WHO" and got["WHO"].kind == "igo"
    assert "who" not in got and "us" not in got
    assert got["US"].country == "USA"
    assert got["troops"].sector == "MIL"
    assert got["AU"].org == "AU"


def test_capitalised_names_need_capitals(nlp, actors):  # type: ignore[no-untyped-def]
    got = by_text(found(nlp, actors, "They ate turkey in Turkey and chile in Chile."))
    assert "turkey" not in got and "chile" not in got
    assert got["Turkey"].country == "TUR" and got["Chile"].country == "CHL"


def test_tokenizer_quirks(nlp, actors):  # type: ignore[no-untyped-def]
    text = "The U.S.-led coalition and Iraq's army spoke to News.Az about Côte d’Ivoire and Cote d'Ivoire."
    matches = found(nlp, actors, text)
    got = by_text(matches)
    assert got["U.S."].country == "USA"  # a phrase inside the token "U.S.-led"
    us = next(m for m in matches if m.text == "U.S.")
    assert us.end - us.start == 1 and us.end_char - us.start_char == 4
    assert got["Iraq"].country == "IRQ" and got["army"].sector == "MIL"
    assert (got["News.Az"].country, got["News.Az"].sector) == ("AZE", "JRN")
    assert got["Côte d’Ivoire"].country == "CIV" and got["Cote d'Ivoire"].country == "CIV"


def test_spacing_must_agree(nlp, actors):  # type: ignore[no-untyped-def]
    got = by_text(found(nlp, actors, "We read the News. Az reporters were not there."))
    assert not any(e.org == "NEWS.AZ" for e in got.values())


def test_longest_match_wins_and_matches_do_not_overlap(nlp, actors):  # type: ignore[no-untyped-def]
    matches = found(
        nlp, actors, "The UN Security Council and the UN General Assembly met the Islamic State group."
    )
    got = by_text(matches)
    assert got["UN Security Council"].org == "UNSC"
    assert got["UN General Assembly"].org == "UNGA"
    assert got["Islamic State group"].code == "IMGMUSISI"
    spans = sorted((m.start_char, m.end_char) for m in matches)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_affiliation_prefix_is_not_the_actor(nlp, actors):  # type: ignore[no-untyped-def]
    got = by_text(found(nlp, actors, "Pro-Russian separatists and anti-American protesters clashed."))
    assert not any(e.country in ("RUS", "USA") for e in got.values())
    assert got["separatists"].sector == "REB"
    assert got["protesters"].sector == "CVL"


def test_country_name_inside_a_person_name_is_skipped(nlp, actors):  # type: ignore[no-untyped-def]
    got = by_text(found(nlp, actors, "George Washington never visited Washington as president."))
    doc = nlp("George Washington never visited Washington as president.")
    if not any(e.label_ == "PERSON" and "George" in e.text for e in doc.ents):
        pytest.skip("the installed model does not tag 'George Washington' as a person")
    assert list(got).count("Washington") == 1


def test_blocking_phrases(nlp, actors):  # type: ignore[no-untyped-def]
    got = by_text(found(nlp, actors, "The governor of New Mexico said the US dollar fell in Latin America."))
    assert not any(e.country in ("MEX", "USA") for e in got.values())
    assert got["governor"].sector == "GOV"


# ---------------------------------------------------------------------------------------------------------
# Sector words
# ---------------------------------------------------------------------------------------------------------


def test_sector_words_plurals_and_nouns_only(nlp, actors):  # type: ignore[no-untyped-def]
    text = (
        "Foreign Ministers and heads of state met policemen and the health ministry; officials said "
        "an official visit was planned."
    )
    matches = found(nlp, actors, text)
    got = by_text(matches)
    assert got["Foreign Ministers"].role == "foreign minister"
    assert got["heads of state"].role == "head of state"
    assert got["policemen"].sector == "COP"
    assert (got["health ministry"].sector, got["health ministry"].role) == ("GOV", "health ministry")
    assert got["officials"].sector == "GOV"
    assert "official" not in got  # an adjective, not an actor


def test_plover_sector_conventions(actors):  # type: ignore[no-untyped-def]
    def sector(p: str) -> str | None:
        return actors.lookup(p)[0].sector

    assert sector("protesters") == "CVL"
    assert sector("journalists") == "JRN" and actors.lookup("journalists")[0].code == "MED"
    assert sector("doctors") == "MED" and actors.lookup("doctors")[0].code == "HLH"
    assert sector("gunmen") == "UAF"
    assert sector("security forces") == "COP"
    assert sector("refugees") == "REF"
    assert sector("former president") == "ELI"


def test_plural_forms() -> None:
    assert plural_forms("foreign minister") == ["foreign ministers"]
    assert plural_forms("head of state") == ["heads of state"]
    assert plural_forms("spokesperson") == ["spokespersons", "spokespeople"]
    assert plural_forms("policeman") == ["policemen"]
    assert plural_forms("militia") == ["militias"]
    assert plural_forms("police") == []
    assert plural_forms("troops") == []
    assert plural_forms("MP") == ["MPs"]


def test_lemma_fallback_for_inflections_the_table_lacks(nlp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "agents.tsv"
    path.write_text("phrase\tsector\trole\tplural\nchild soldier\tMIL\tchild soldier\tno\n", encoding="utf-8")
    d = ActorDictionary.from_files(agent_files=[path], builtins=False)
    got = by_text(found(nlp, d, "Child soldiers were freed."))
    assert got["Child soldiers"].role == "child soldier"


# ---------------------------------------------------------------------------------------------------------
# Organisations, dates, ambiguity
# ---------------------------------------------------------------------------------------------------------


def test_un_system_and_regional_bodies(actors):  # type: ignore[no-untyped-def]
    cases = {
        "Central Emergency Response Fund": ("IGO", "CERF"),
        "Non-Aligned Movement": ("IGO", "NAM"),
        "Organization of Turkic States": ("IGO", "OTS"),
        "Cooperation Council of Turkic-Speaking States": ("IGO", "OTS"),
        "UNHCR": ("IGO", "UNHCR"),
        "OSCE": ("IGO", "OSCE"),
        "Amnesty International": ("NGO", "AMNESTY"),
        "Hamas": ("PSE", "HAMAS"),
    }
    for phrase, want in cases.items():
        e = actors.lookup(phrase)[0]
        assert (e.country, e.org) == want, phrase
    assert actors.lookup("European Union")[0].code == "IGOEUREEC"
    assert actors.lookup("World Health Organization")[0].code == "IGOUNOHLHWHO"


def test_date_restricted_entries(nlp, actors):  # type: ignore[no-untyped-def]
    text = "The Taliban took control."
    before = by_text(found(nlp, actors, text, on_date=dt.date(2019, 5, 1)))["Taliban"]
    after = by_text(found(nlp, actors, text, on_date=dt.date(2023, 5, 1)))["Taliban"]
    undated = by_text(found(nlp, actors, text))["Taliban"]
    assert (before.sector, after.sector, undated.sector) == ("REB", "GOV", "GOV")


def test_ambiguous_acronym_follows_the_document(nlp, actors):  # type: ignore[no-untyped-def]
    sudan = by_text(found(nlp, actors, "RSF fighters shelled the city, Sudan's army said."))["RSF"]
    press = by_text(found(nlp, actors, "RSF, known as Reporters Without Borders, defended the journalists."))
    assert sudan.country == "SDN"
    assert press["RSF"].country == "NGO" and press["RSF"].sector == "JRN"


def test_lookup(actors):  # type: ignore[no-untyped-def]
    assert actors.lookup("WHO")[0].org == "WHO"
    assert actors.lookup("who") == []
    assert actors.lookup("Baku")[0].via == "capital"
    assert actors.lookup("no such actor anywhere") == []
    assert len(actors) > 3000


# ---------------------------------------------------------------------------------------------------------
# User files: extend and override
# ---------------------------------------------------------------------------------------------------------


def test_user_file_overrides_builtin(nlp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "mine.tsv"
    path.write_text(
        "# my actors\n"
        "phrase\tcountry\tsector\tname\tcode\n"
        "Azerbaijan\tAZE\tGOV\tGovernment of Azerbaijan\tAZEGOV\n"
        "Wombat Liberation Front|WLF\tAUS\tREB\tWombat Liberation Front\t\n",
        encoding="utf-8",
    )
    d = ActorDictionary.load(Config(actor_files=(path,)))
    got = by_text(found(nlp, d, "Azerbaijan and the WLF met in Baku."))
    assert (got["Azerbaijan"].sector, got["Azerbaijan"].source) == ("GOV", "mine.tsv:3")
    assert (got["WLF"].country, got["WLF"].code, got["WLF"].via) == ("AUS", "AUSREB", "acronym")
    assert got["Baku"].country == "AZE"  # built-ins stay for everything else


def test_bad_rows_are_warnings_and_bad_files_errors(tmp_path: Path) -> None:
    path = tmp_path / "mixed.tsv"
    path.write_text(
        "phrase\tcountry\tsector\nGood Place\tGPL\t\nBad Place\tnot-a-code\t\nOdd Group\t\tXYZ\n\tAZE\t\n",
        encoding="utf-8",
    )
    d = ActorDictionary.from_files(actor_files=[path], builtins=False)
    assert [e.country for e in d.lookup("Good Place")] == ["GPL"]
    assert d.lookup("Bad Place") == []
    assert any(w.startswith("mixed.tsv:3:") and "country" in w for w in d.warnings)
    assert any(w.startswith("mixed.tsv:4:") and "sector" in w for w in d.warnings)
    assert any(w.startswith("mixed.tsv:5:") for w in d.warnings)
    binary = tmp_path / "blob.tsv"
    binary.write_bytes(b"\x00\x01\x02phrase")
    with pytest.raises(DictionaryError, match="binary"):
        ActorDictionary.from_files(actor_files=[binary], builtins=False)
    missing = tmp_path / "nowhere.tsv"
    with pytest.raises(DictionaryError, match="cannot read"):
        ActorDictionary.from_files(actor_files=[missing], builtins=False)


def test_write_tsv_round_trip(tmp_path: Path) -> None:
    entry = ActorEntry(
        "Freedonia", "country", "FRD", "GOV", None, None, "FRDGOV", "name", "x:1", dt.date(1933, 1, 1), None
    )
    path = tmp_path / "out.tsv"
    assert write_tsv([("Freedonia", entry)], path, header_comment="converted") == 1
    d = ActorDictionary.from_files(actor_files=[path], builtins=False)
    (back,) = d.lookup("Freedonia")
    assert (back.country, back.sector, back.code, back.valid_from) == (
        "FRD",
        "GOV",
        "FRDGOV",
        dt.date(1933, 1, 1),
    )


# ---------------------------------------------------------------------------------------------------------
# The built-in tables themselves
# ---------------------------------------------------------------------------------------------------------


def test_builtin_tables_load_cleanly() -> None:
    for name in BUILTIN_FILES:
        entries, warnings = _builtin_entries(name)
        assert entries, name
        assert warnings == (), warnings[:5]


def test_builtin_country_codes_are_known() -> None:
    known = {c.alpha_3 for c in pycountry.countries} | {"KOS"}
    entries, _ = _builtin_entries("countries.tsv")
    bad = {(p, e.country) for p, e in entries if e.country and e.country not in known}
    assert not bad
    named = {e.country for _, e in entries if e.via == "name"}
    sovereign_missing = {"USA", "RUS", "CHN", "AZE", "PSE", "TWN", "HKG", "KOS"} - named
    assert not sovereign_missing
    for _, e in entries:
        assert e.sector is None or e.sector in PLOVER_SECTORS


def test_builtin_tables_do_not_collide() -> None:
    """A phrase defined in two built-in tables would silently lose its first definition."""
    seen: dict[tuple, str] = {}
    clashes = []
    for name in BUILTIN_FILES:
        entries, _ = _builtin_entries(name)
        keys = set()
        for phrase, _entry in entries:
            compiled = compile_phrase(phrase)
            assert compiled is not None, phrase
            keys.add(compiled.ident)
            if compiled.ident in seen and seen[compiled.ident] != name:
                clashes.append((phrase, seen[compiled.ident], name))
        for k in keys:
            seen.setdefault(k, name)
    assert not clashes


def test_every_builtin_phrase_matches_itself(nlp, actors):  # type: ignore[no-untyped-def]
    """Each spelling, put in a sentence, is found whole (tokenizer and case rules agree with the tables)."""
    phrases = sorted({p for p, e in actors if not e.is_null})
    failures = []
    for phrase in phrases:
        text = f"Yesterday {phrase} replied."
        doc = nlp.make_doc(text)
        hits = [m for m in actors.match(doc) if m.start_char == 10]
        if not hits or hits[0].text != phrase or hits[0].entry not in actors.lookup(phrase):
            failures.append((phrase, [m.text for m in hits]))
    assert not failures, failures[:20]
