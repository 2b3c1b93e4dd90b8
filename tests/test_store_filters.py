"""Filter values: the forms people type are accepted, misspelt ones are errors that list the valid ones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.errors import FilterError, InputError
from eventwire.store import EventFilter, open_store
from eventwire.store.filters import country_code, event_type, quad_class
from eventwire.types import MODALITIES
from test_store import make_article, make_event


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("TUR", "TUR"),
        ("tur", "TUR"),
        ("TR", "TUR"),  # ISO alpha-2
        ("TU", "TUR"),  # FIPS 10-4, as GDELT writes it
        ("Turkey", "TUR"),
        ("Türkiye", "TUR"),
        ("UK", "GBR"),  # FIPS; not an ISO alpha-2 code
        ("FR", "FRA"),  # the same country in ISO and FIPS
        ("United Kingdom", "GBR"),
        ("Russia", "RUS"),
        ("UAE", "ARE"),
        ("Ivory Coast", "CIV"),
        ("AJ", "AZE"),  # FIPS Azerbaijan
        ("igo", "IGO"),
        ("KOS", "KOS"),
    ],
)
def test_country_forms(typed: str, code: str) -> None:
    assert country_code(typed) == code


def test_ambiguous_and_unknown_countries_list_what_is_valid() -> None:
    with pytest.raises(FilterError, match=r"ambiguous: Australia .* Austria .*write AUS or AUT"):
        country_code("AU")
    with pytest.raises(FilterError, match="did you mean TUR") as e:
        country_code("Turky")
    assert e.value.option == "country" and "TUR" in e.value.choices and "IGO" in e.value.choices
    assert "Valid codes: ABW, AFG" in str(e.value)
    with pytest.raises(FilterError, match="not a country"):
        country_code("XX")


def test_types_modalities_quads() -> None:
    assert event_type("consult") == "CONSULT" and event_type("042") == "042"
    with pytest.raises(FilterError, match="ACCUSE, AGREE") as e:
        event_type("BOGUS")
    assert "CONSULT" in e.value.choices
    with pytest.raises(FilterError, match="CAMEO"):
        event_type("99")
    assert quad_class("material-conflict") == 4 and quad_class("2") == 2 and quad_class(3) == 3
    with pytest.raises(FilterError, match="1 \\(verbal-cooperation\\)"):
        quad_class(5)
    f = EventFilter(
        modality="Asserted", country="TR", type=("consult", "04"), quad=("1",), since="2024-01-01"
    )
    assert (f.modality, f.country, f.type, f.quad, f.since) == (
        ("asserted",),
        ("TUR",),
        ("CONSULT", "04"),
        (1,),
        dt.date(2024, 1, 1),
    )
    # a misspelt value is kept with its error: reported by check(), raised by any query (where())
    bad = EventFilter(modality=("bogus", "asserted"), country="TR")
    assert bad.modality == ("bogus", "asserted") and bad.country == ("TUR",)
    assert bad.problems() == [f"unknown modality 'bogus': use one of {', '.join(MODALITIES)}"]
    with pytest.raises(FilterError, match=", ".join(MODALITIES)) as e:
        bad.check()
    assert e.value.option == "modality" and e.value.choices == list(MODALITIES)
    with pytest.raises(FilterError, match="unknown modality"):
        bad.where()
    with pytest.raises(InputError, match="not a date"):
        EventFilter(since="last week")
    with pytest.raises(FilterError, match="not a CAMEO actor code"):
        EventFilter(actor=("AZE GOV",)).check()


def test_gdelt_and_iso_codes_select_the_same_events(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    with open_store(db) as s:
        s.write([(make_article("t1"), [make_event("t1", 0, ("TURGOV",), ("AZEGOV",))])])
        s.write([(make_article("t2", source="b.example"), [make_event("t2", 0, ("ARMGOV",), ("FRAGOV",))])])
        for typed in ("TUR", "TR", "TU", "Turkey"):
            assert s.count(EventFilter(country=(typed,))) == 1
    runner = CliRunner()
    res = runner.invoke(main, ["query", "--db", str(db), "--country", "TU", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert '"actor_country": "TUR"' in res.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["query", "--country", "XX"], "Valid codes: ABW"),
        (["query", "--country", "AU"], "write AUS or AUT"),
        (["query", "--type", "BOGUS"], "ACCUSE, AGREE, AID"),
        (["query", "--modality", "bogus"], "asserted, negated, future"),
        (["query", "--quad", "7"], "4 (material-conflict)"),
        (["query", "--since", "yesterday"], "YYYY-MM-DD"),
        (["export", "--format", "jsonl", "--type", "99"], "CAMEO codes run from 01 to 20"),
        (["code", "-", "--modality", "maybe"], "asserted, negated"),
    ],
)
def test_invalid_filter_values_exit_non_zero_with_the_valid_choices(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    db = tmp_path / "f.duckdb"
    with open_store(db) as s:
        s.write([(make_article("t1"), [make_event("t1", 0)])])
    extra = [] if args[0] == "code" else ["--db", str(db)]
    res = CliRunner().invoke(main, [*args, *extra], input="Some text.")
    assert res.exit_code == 2, res.output
    assert expected in res.stderr and "Traceback" not in res.output
