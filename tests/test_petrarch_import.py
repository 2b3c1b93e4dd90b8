"""Reading PETRARCH actor and agent dictionaries: toy dictionaries written here, then the shared examples."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from eventwire.actors.dictionary import ActorDictionary, LoadReport
from eventwire.actors.petrarch import (
    actor_case,
    agent_case,
    entry_from_code,
    parse_code,
    parse_date,
    parse_petrarch_actors,
    parse_petrarch_agents,
)
from eventwire.config import Config
from eventwire.errors import DictionaryError
from eventwire.nlp import load_model

TOY_ACTORS = """\
<!-- A toy actor dictionary in PETRARCH format, written for these tests.
     Comments may span lines. -->
# a hash comment line
FREEDONIA  [FRD]
+FREEDONIAN
+THE_GRAND_DUCHY  # trailing comment
SYLVANIA_  [SYL] ; an old TABARI-style comment
RUFUS_T._FIREFLY   # the leader: codes change with time
+FIREFLY
\t[FRDELI < 19321231]
\t[FRDGOV 19330101 - 19351231]
\t[FRDOPP > 360101]
\t[FRD]
KLOPSTOKIA [KLP/SYL]
NOBODY_IMPORTANT [---]
FREDONIAN_ARMY [FRDMIL]
FNA [FRDMIL]
BROKEN_DATE
\t[FRD < 1933]
\t[FRDREB]
\t[FRD 19400101-19390101]
+
GROUP_OF_THE_FOUR [IGOFRDGRP] [NGO]
"""

TOY_AGENTS = """\
<!-- toy agents -->
!PERSON! = MAN, WOMAN
FOREIGN_MINISTER [~GOVFRM] # a comment
ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOV]
POLICE {} [~COP]
PEACE!PERSON! [~CVL]
HUMAN_RIGHTS_BODY [NGO~]
JOURNALIST [~MED]
FIELD_MEDIC [~HLH]
MP [~LEG]
NO_CODE_HERE
STRANGE!THING! [~GOV]
"""


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_model(Config())


def test_dates_and_codes() -> None:
    assert parse_date("19950601") == dt.date(1995, 6, 1)
    assert parse_date("950601") == dt.date(1995, 6, 1)
    assert parse_date("120115") == dt.date(2012, 1, 15)
    spec = parse_code("HOBGOV 19950601 - 19990815")
    assert (spec.code, spec.valid_from, spec.valid_to) == (
        "HOBGOV",
        dt.date(1995, 6, 1),
        dt.date(1999, 8, 15),
    )
    assert parse_code("HOB < 950601").valid_to == dt.date(1995, 6, 1)
    assert parse_code("HOBREB >990816").valid_from == dt.date(1999, 8, 16)
    assert parse_code("pse").code == "PSE"
    for bad in ("HOB < 1995", "X 19990101-19980101", "X sometime", ""):
        with pytest.raises(ValueError):
            parse_code(bad)


def test_code_to_entry_fields() -> None:
    def fields(code: str) -> tuple:
        e = entry_from_code(code, name="x", via="name", source="t:1")
        assert e is not None
        return (e.kind, e.country, e.sector, e.org)

    assert fields("ARN") == ("country", "ARN", None, None)
    assert fields("PSEREBHMS") == ("org", "PSE", "REB", None)
    assert fields("IGOUNOHLHWHO") == ("igo", "IGO", "MED", "WHO")
    assert fields("IMGMUSISI") == ("group", "IMG", None, None)
    assert fields("USAMED") == ("org", "USA", "JRN", None)  # CAMEO MED (media) is PLOVER JRN
    assert fields("MED") == ("org", None, "JRN", None)
    assert entry_from_code("---", name="x", via="name", source="t:1").is_null  # type: ignore[union-attr]


def test_case_is_rebuilt() -> None:
    assert actor_case("UNITED STATES") == "United States"
    assert actor_case("IMF") == "IMF"
    assert actor_case("U.N.") == "U.N."
    assert actor_case("AL-QAEDA") == "al-qaeda"
    assert actor_case("THE AU") == "the Au"
    assert actor_case("PRESIDENT GEORGE W. BUSH") == "President George W. Bush"
    assert actor_case("GROUP OF 77") == "Group of 77"
    assert agent_case("FOREIGN MINISTER") == "foreign minister"
    assert agent_case("MSF") == "MSF"


def test_toy_actor_dictionary() -> None:
    report = LoadReport()
    pairs = parse_petrarch_actors(TOY_ACTORS, "toy.actors.txt", report)
    table: dict[str, list] = {}
    for phrase, e in pairs:
        table.setdefault(phrase, []).append(e)
    assert [e.code for e in table["Freedonia"]] == ["FRD"]
    assert table["Freedonian"][0].code == "FRD" and table["Freedonian"][0].via == "alias"
    assert table["the Grand Duchy"][0].country == "FRD"
    assert table["Sylvania"][0].code == "SYL"
    firefly = table["Rufus T. Firefly"]
    assert [e.code for e in firefly] == ["FRDELI", "FRDGOV", "FRDOPP", "FRD"]
    assert firefly[0].valid_to == dt.date(1932, 12, 31)
    assert firefly[2].valid_from == dt.date(1936, 1, 1)
    assert table["Firefly"][0].source == "toy.actors.txt:9"
    assert sorted(e.code for e in table["Klopstokia"]) == ["KLP", "SYL"]
    assert table["Nobody Important"][0].is_null
    assert table["FNA"][0].sector == "MIL"
    assert [e.code for e in table["Broken Date"]] == ["FRDREB"]  # the two bad restrictions are skipped
    assert any(w.startswith("toy.actors.txt:19:") and "1933" in w for w in report.warnings)
    assert any(w.startswith("toy.actors.txt:21:") and "ends before" in w for w in report.warnings)
    assert {e.code for e in table["Group of the Four"]} == {"IGOFRDGRP", "NGO"}


def test_toy_agent_dictionary() -> None:
    report = LoadReport()
    pairs = parse_petrarch_agents(TOY_AGENTS, "toy.agents.txt", report)
    table = {p: e for p, e in pairs}
    assert table["foreign minister"].code == "GOVFRM" and table["foreign minister"].sector == "GOV"
    assert table["foreign ministers"].role == "foreign minister"  # regular plural made
    assert "attorneys general" in table and "attorney generals" not in table
    assert "police" in table and "polices" not in table  # {} turns plurals off
    assert {"peaceman", "peacewoman"} <= set(table) and "peacemans" not in table
    assert table["human rights body"].code == "NGO" and table["human rights body"].sector == "SOC"
    assert table["journalist"].sector == "JRN" and table["field medic"].sector == "MED"
    assert table["MP"].sector == "LEG"
    assert any(w.startswith("toy.agents.txt:11:") and "no [code]" in w for w in report.warnings)
    assert any(w.startswith("toy.agents.txt:12:") and "!THING!" in w for w in report.warnings)


def test_unusable_files_raise() -> None:
    with pytest.raises(DictionaryError, match="no actor entries"):
        parse_petrarch_actors("just some words\nwithout any codes\n", "prose.txt")
    with pytest.raises(DictionaryError, match="no agent entries"):
        parse_petrarch_agents("nothing here either\n", "prose.txt")


def test_toy_dictionaries_code_text(nlp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    actors = tmp_path / "toy.actors.txt"
    agents = tmp_path / "toy.agents.txt"
    actors.write_text(TOY_ACTORS, encoding="utf-8")
    agents.write_text(TOY_AGENTS, encoding="utf-8")
    d = ActorDictionary.from_files(actor_files=[actors], agent_files=[agents], builtins=False)
    text = "Rufus T. Firefly told Freedonian journalists that the Sylvanian police and FNA were ready."
    doc = nlp(text)

    def codes(on: dt.date | None) -> dict[str, str | None]:
        return {m.text: m.entry.code for m in d.match(doc, on_date=on)}

    early = codes(dt.date(1931, 5, 1))
    assert early["Rufus T. Firefly"] == "FRDELI"
    assert early["Freedonian"] == "FRD" and early["journalists"] == "MED" and early["police"] == "COP"
    assert early["FNA"] == "FRDMIL"
    assert codes(dt.date(1934, 5, 1))["Rufus T. Firefly"] == "FRDGOV"
    assert codes(dt.date(1937, 5, 1))["Rufus T. Firefly"] == "FRDOPP"
    assert codes(None)["Rufus T. Firefly"] == "FRD"  # no date: the unrestricted default
    assert "Sylvanian" not in codes(None)  # no stemming: "Sylvania" does not match "Sylvanian"


def test_config_loads_petrarch_files_with_builtins(nlp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    actors = tmp_path / "toy.actors.txt"
    actors.write_text(TOY_ACTORS, encoding="utf-8")
    d = ActorDictionary.load(Config(actor_files=(actors,)))
    got = {m.text: m.entry for m in d.match(nlp("Freedonia and Azerbaijan signed a deal."))}
    assert got["Freedonia"].code == "FRD" and got["Azerbaijan"].country == "AZE"


# ---------------------------------------------------------------------------------------------------------
# The PETRARCH validation dictionaries in ../shared
# ---------------------------------------------------------------------------------------------------------

VALIDATE = ("PETR.Validate.actors.txt", "PETR_Validate_actors_2_02.txt")
AGENTS = ("PETR.Validate.agents.txt", "PETR_Validate_agents_2_02.txt")


def read_shared(shared: Path, name: str, parse) -> list:  # type: ignore[no-untyped-def]
    """Parse one of the ../shared PETRARCH dictionaries, which must read without a warning."""
    report = LoadReport()
    pairs = parse((shared / "gold" / "petrarch" / name).read_text(encoding="utf-8"), name, report)
    assert report.warnings == []
    return pairs  # type: ignore[no-any-return]


@pytest.mark.shared
@pytest.mark.parametrize("name", VALIDATE)
def test_shared_actor_dictionaries(shared: Path, name: str) -> None:
    pairs = read_shared(shared, name, parse_petrarch_actors)
    phrases = {p for p, _ in pairs}
    assert len(phrases) >= 160 and len(pairs) >= 180
    d = ActorDictionary.from_entries([pairs])
    assert [e.code for e in d.lookup("Arnor")] == ["ARN"]
    assert [e.code for e in d.lookup("Minas Tirith")] == ["GON"]
    assert d.lookup("Interpol")[0].code == "IGOCOPITP"
    assert d.lookup("U.S.")[0].code == "USA" and d.lookup("us") == []
    assert d.lookup("Nasgul")[0].is_null


@pytest.mark.shared
@pytest.mark.parametrize("name", AGENTS)
def test_shared_agent_dictionaries(shared: Path, name: str) -> None:
    pairs = read_shared(shared, name, parse_petrarch_agents)
    table = {p: e for p, e in pairs}
    assert len({e.source for _, e in pairs}) >= 85  # the 87 agent lines were read
    assert table["foreign minister"].code == "GOVFRM"
    assert {"congressman", "congresswomen", "attorneys general", "ministries of silly walks"} <= set(table)
    assert "police" in table and "polices" not in table
    assert table["msf" if "msf" in table else "MSF"].code == "NGO"


@pytest.mark.shared
def test_shared_dictionaries_match_with_dates(shared: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    folder = shared / "gold" / "petrarch"
    d = ActorDictionary.from_files(
        actor_files=[folder / "PETR.Validate.actors.txt"],
        agent_files=[folder / "PETR.Validate.agents.txt"],
        builtins=False,
    )
    doc = nlp("Officials in Minas Tirith said Arnor troops had met Sam Gamgee and Smeagol.")

    def coded(on: dt.date | None) -> dict[str, str | None]:
        return {m.text: m.entry.code for m in d.match(doc, on_date=on)}

    base = coded(dt.date(2005, 3, 1))
    assert base["Minas Tirith"] == "GON" and base["Arnor"] == "ARN" and base["troops"] == "MIL"
    assert base["Officials"] == "GOV"
    assert base["Sam Gamgee"] == "HOBCIV" and base["Smeagol"] == "HOBREB"
    # Overlapping restrictions: the first listed that applies wins (PETRARCH's rule).
    assert coded(dt.date(2010, 1, 10))["Sam Gamgee"] == "ORCHOB"
    assert coded(dt.date(2011, 6, 1))["Sam Gamgee"] == "HOBMIL"
    assert coded(dt.date(2013, 5, 1))["Sam Gamgee"] == "HOBELI"
    assert coded(dt.date(1994, 1, 1))["Smeagol"] == "HOB"
    assert coded(dt.date(1997, 1, 1))["Smeagol"] == "HOBGOV"
    assert coded(None)["Sam Gamgee"] == "HOB"  # the default code when no date is known


def test_cli_converts_a_petrarch_dictionary_to_tsv(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from eventwire.cli import main

    source = tmp_path / "toy.actors.txt"
    source.write_text(TOY_ACTORS, encoding="utf-8")
    out = tmp_path / "toy.tsv"
    result = CliRunner().invoke(main, ["dict", "import", str(source), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["rows"] > 10 and summary["skipped_lines"] == 2
    from_tsv = ActorDictionary.from_files(actor_files=[out], builtins=False)
    from_txt = ActorDictionary.from_files(actor_files=[source], builtins=False)
    for phrase in ("Freedonia", "Rufus T. Firefly", "Klopstokia", "FNA"):
        assert [(e.code, e.valid_from, e.valid_to) for e in from_tsv.lookup(phrase)] == [
            (e.code, e.valid_from, e.valid_to) for e in from_txt.lookup(phrase)
        ]
    looked = CliRunner().invoke(main, ["dict", "lookup", "Freedonia", "who", "--actors", str(out)])
    assert looked.exit_code == 0
    assert "FRD" in looked.output and "who\t(no entry)" in looked.output
    bad = tmp_path / "prose.txt"
    bad.write_text("no codes in here\n", encoding="utf-8")
    failed = CliRunner().invoke(main, ["dict", "import", str(bad), "-o", str(tmp_path / "x.tsv")])
    assert failed.exit_code == 1 and "no actor entries" in failed.output
