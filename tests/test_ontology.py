"""The ontology tables: checked against the reference tables in ../shared, and by hand-built cases."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from eventwire.errors import OntologyError, OntologyFileError
from eventwire.ontology import CAMEO_COLUMNS, load_ontology, pentaclass_of_root, quad_class_of_root

PLOVER_TYPES = [
    *("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT"),
    *("THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"),
]
QUAD_NAMES = {
    "VERBAL COOPERATION": 1,
    "MATERIAL COOPERATION": 2,
    "VERBAL CONFLICT": 3,
    "MATERIAL CONFLICT": 4,
}


@pytest.fixture(scope="module")
def onto():  # type: ignore[no-untyped-def]
    return load_ontology()


def _tsv(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return dict(line.split("\t", 1) for line in lines if line.strip())


# Codes where the 2021 table contradicts the PLOVER 0.8 manual's text and the manual wins (cameo.tsv header).
MANUAL_OVERRIDES = {
    "163": "SANCTION",
    "0813": "CONCEDE",
    "0814": "CONCEDE",
    "0831": "RETREAT",
    "116": "SANCTION",
}


def _mapping(path: Path) -> dict[str, str]:
    """CAMEO code -> PLOVER type from CAMEO2PLOVER-2021.txt (first listing wins, as in our table)."""
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d+):\s*([A-Z]+)", line.split("#")[0].strip())
        if m:
            out.setdefault(m.group(1), m.group(2))
    return out


# ---- against ../shared/reference -----------------------------------------------------------------------


def test_every_reference_code_has_its_goldstein_and_plover_type(onto, shared: Path) -> None:  # type: ignore[no-untyped-def]
    ref = shared / "reference"
    codes = _tsv(ref / "cameo" / "event_codes.tsv")
    goldstein = _tsv(ref / "cameo" / "goldstein_scale.tsv")
    mapping = _mapping(ref / "plover" / "CAMEO2PLOVER-2021.txt")
    assert len(codes) == 311
    assert set(onto.cameo_codes) == set(codes)
    for code, description in codes.items():
        row = onto.cameo(code)
        assert code in goldstein, f"reference leaf {code} has no Goldstein value"
        assert row.goldstein == float(goldstein[code]), code
        same = re.sub(r"\s+", " ", description).replace("radiologicalweapons", "radiological weapons")
        assert row.description == same.strip(), code
        if code in MANUAL_OVERRIDES:
            assert row.plover_event == MANUAL_OVERRIDES[code], code
        elif code in mapping:
            assert row.plover_event == mapping[code], code
        else:  # only the statement and appeal families are absent from the mapping
            assert code[:2] in ("01", "02"), code


def _manual_sections(text: str) -> dict[str, str]:
    parts = re.split(r"\\section\{([A-Z]+)\}", text)
    return {parts[i]: parts[i + 1].split("\\chapter")[0] for i in range(1, len(parts) - 1, 2)}


def test_types_modes_and_contexts_match_the_manual(onto, shared: Path) -> None:  # type: ignore[no-untyped-def]
    text = (shared / "reference" / "plover" / "PLOVER_MANUAL.tex").read_text(encoding="utf-8")
    sections = _manual_sections(text)
    for name in PLOVER_TYPES:
        body = sections[name]
        t = onto.plover(name)
        rec = re.search(r"Requires recipient: (Yes|No)", body)
        assert rec and t.requires_recipient == (rec.group(1) == "Yes"), name
        quad = re.search(r"Quad category: ([A-Z ]+[A-Z])", body)
        assert quad and t.quad_class == QUAD_NAMES[quad.group(1)], name
        manual_modes = {
            m.group(1) for m in re.finditer(r"^([a-z][a-z-]*) +& ", body, re.M) if m.group(1) not in ("name",)
        }
        assert set(t.modes) == manual_modes, name
    table = text.split("START CONTEXTS TABLE")[1].split("END CONTEXTS TABLE")[0]
    manual_contexts = set()
    for line in table.splitlines():
        m = re.match(r"^(?:\\hyperref\[[^]]*\]\{)?([a-z\\_]+)\}? *&", line.strip())
        if m and m.group(1) != "name":
            manual_contexts.add(m.group(1).replace("\\_", "_"))
    assert manual_contexts == set(onto.contexts)


def test_plover_sectors_match_the_manual(onto, shared: Path) -> None:  # type: ignore[no-untyped-def]
    text = (shared / "reference" / "plover" / "PLOVER_MANUAL.tex").read_text(encoding="utf-8")
    table = text.split(r"\label{tab:roles}")[1].split(r"\end{longtable}")[0]
    manual = set(re.findall(r"^\s*([A-Z]{3}) & ", table, re.M))
    ours = {c for c, s in onto.sector_details.items() if s.plover == "sector"}
    assert manual == ours


# ---- hand-built ---------------------------------------------------------------------------------------


def test_tables_are_complete(onto) -> None:  # type: ignore[no-untyped-def]
    assert list(onto.plover_types) == PLOVER_TYPES
    assert len(onto.cameo_codes) == 311
    assert [c for c in onto.cameo_codes if len(c) == 2] == [f"{i:02d}" for i in range(1, 21)]
    for code in ("GOV", "MIL", "COP", "JUD", "LEG", "OPP", "REB", "INS", "CVL", "MED", "BUS", "EDU", "HLH"):
        assert code in onto.sectors
    assert "health" in onto.sectors["MED"].lower()
    assert onto.modes[("CONSULT", "visit")]
    assert "health" in onto.contexts


@pytest.mark.parametrize(
    ("code", "quad"),
    [
        ("01", 1),
        ("0234", 1),
        ("05", 1),
        ("06", 2),
        ("0874", 2),
        ("09", 3),
        ("1385", 3),
        ("14", 4),
        ("2042", 4),
    ],
)
def test_quad_class(onto, code: str, quad: int) -> None:  # type: ignore[no-untyped-def]
    assert onto.cameo(code).quad_class == quad


def test_quad_class_follows_the_root_everywhere(onto) -> None:  # type: ignore[no-untyped-def]
    for row in onto.cameo_codes.values():
        assert row.root == row.code[:2]
        assert row.quad_class == quad_class_of_root(row.root)


@pytest.mark.parametrize(
    ("code", "penta"),
    [
        ("01", 0),
        ("0234", 0),
        ("03", 1),
        ("057", 1),
        ("06", 2),
        ("08", 2),
        ("09", 3),
        ("13", 3),
        ("14", 4),
        ("15", 4),
        ("163", 3),
        ("17", 4),
        ("20", 4),
    ],
)
def test_pentaclass_boundaries(onto, code: str, penta: int) -> None:  # type: ignore[no-untyped-def]
    assert onto.pentaclass(code) == penta


def test_roots_out_of_range() -> None:
    for bad in ("00", "21"):
        with pytest.raises(OntologyError, match="01 to 20"):
            quad_class_of_root(bad)
        with pytest.raises(OntologyError, match="01 to 20"):
            pentaclass_of_root(bad)


def test_lookup_normalises_only_what_is_unambiguous(onto) -> None:  # type: ignore[no-untyped-def]
    assert onto.cameo("4").code == "04"
    assert onto.cameo(" 043 ").description == "Host a visit"
    assert onto.root("0874") == "08"
    assert onto.is_valid("043") and onto.is_valid("4") and not onto.is_valid("43")


def test_unknown_code_errors_say_what_was_meant(onto) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OntologyError, match=r"did you mean '043'.*leading zero"):
        onto.cameo("43")
    with pytest.raises(OntologyError, match=r"parent '043' exists"):
        onto.cameo("0435")
    with pytest.raises(OntologyError, match=r"2-4 digits"):
        onto.cameo("CONSULT")
    with pytest.raises(OntologyError, match=r"PLOVER 0\.8 has AGREE"):
        onto.plover("MEET")
    with pytest.raises(OntologyError, match="it has visit, third-party"):
        onto.plover_to_cameo_default("CONSULT", "lunch")


def test_children(onto) -> None:  # type: ignore[no-untyped-def]
    assert [c.code for c in onto.children("04")] == ["040", "041", "042", "043", "044", "045", "046"]
    assert [c.code for c in onto.children("023")] == ["0231", "0232", "0233", "0234"]
    assert onto.children("043") == []


def test_statement_and_appeal_rules(onto) -> None:  # type: ignore[no-untyped-def]
    statements = {c.code: c.plover_event for c in onto.cameo_codes.values() if c.root == "01"}
    assert statements == {
        "01": "",
        "010": "",
        "011": "",
        "012": "",
        "013": "",
        "014": "",
        "015": "",
        "016": "REJECT",
        "017": "",
        "018": "SUPPORT",
        "019": "SUPPORT",
    }
    assert not onto.cameo("010").in_plover
    for code in (c for c in onto.cameo_codes if c.startswith("02")):
        appeal, demand = onto.cameo(code), onto.cameo("10" + code[2:])
        assert appeal.plover_event == "REQUEST"
        assert (appeal.plover_mode, appeal.plover_context) == (demand.plover_mode, demand.plover_context)


def test_yield_splits_into_concede_and_retreat(onto) -> None:  # type: ignore[no-untyped-def]
    assert onto.cameo("08").plover_event == "CONCEDE"
    assert onto.cameo("083").plover_event == "CONCEDE"
    assert onto.cameo("0841").plover_event == "RETREAT"
    assert onto.cameo("0841").plover_mode == "release"


def test_modes_and_contexts_are_plover_08_names(onto) -> None:  # type: ignore[no-untyped-def]
    assert onto.cameo("186").plover_mode == "targeted"
    assert onto.cameo("1722").plover_mode == "restrict"
    assert onto.cameo("175").plover_context == ("pro_autocracy", "military")
    assert onto.cameo("073").plover_context == ("human_security",)
    assert onto.cameo("094").plover_context == ("military", "legal")


def test_plover_to_cameo_default_round_trips(onto) -> None:  # type: ignore[no-untyped-def]
    for t in onto.plover_types.values():
        assert onto.cameo(onto.plover_to_cameo_default(t.name)).plover_event == t.name
        for mode in t.modes:
            assert onto.cameo(onto.plover_to_cameo_default(t.name, mode)).plover_event == t.name
    assert onto.plover_to_cameo_default("CONSULT") == "040"
    assert onto.plover_to_cameo_default("consult", "visit") == "042"
    assert onto.plover_to_cameo_default("ASSAULT", "firearms") == "193"
    assert onto.plover_to_cameo_default("RETREAT", "resign") == "084"  # no CAMEO counterpart: type default
    assert onto.plover_to_cameo_default("DEMAND") == "100"  # pre-0.8 name
    assert onto.plover_score("CONSULT", "visit") == 4.0
    assert onto.plover_score("PROTEST", "vandalize") == onto.plover_score("PROTEST") == -5.0


def test_builtin_is_cached_and_read_only(onto) -> None:  # type: ignore[no-untyped-def]
    assert load_ontology() is onto
    with pytest.raises(TypeError):
        onto.cameo_codes["999"] = onto.cameo("04")  # type: ignore[index]


def test_import_reads_nothing() -> None:
    code = "import eventwire.ontology as o; print(o._builtin_ontology.cache_info().currsize)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def _write(tmp_path: Path, *rows: str, header: str = "\t".join(CAMEO_COLUMNS)) -> Path:
    p = tmp_path / "extra.tsv"
    p.write_text("# my codes\n" + header + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return p


def test_extension_file_overrides_and_extends(onto, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = _write(
        tmp_path,
        "043\tHost a state visit\t3.0\t1\tCONSULT\tvisit\tdiplomatic",
        "0431\tHost a summit\t3.5\t1\tCONSULT\tmultilateral\tdiplomatic,economic",
    )
    ext = load_ontology(p)
    assert ext.cameo("043").goldstein == 3.0
    assert ext.cameo("0431").plover_context == ("diplomatic", "economic")
    assert [c.code for c in ext.children("043")] == ["0431"]
    assert len(ext.cameo_codes) == 312
    assert onto.cameo("043").goldstein == 2.8 and not onto.is_valid("0431")  # the built-in is untouched
    assert load_ontology() is onto


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("0431\tX\t1.0\t2\tCONSULT\t\t", "quad_class of 0431 must be 1"),
        ("0431\tX\t1.0\t1\tMEET\t\t", "unknown PLOVER type 'MEET'"),
        ("0431\tX\t1.0\t1\tCONSULT\triot\t", "mode 'riot' is not a mode of CONSULT"),
        ("0431\tX\t1.0\t1\tCONSULT\t\tsports", "unknown context"),
        ("0431\tX\tbig\t1\tCONSULT\t\t", "goldstein must be a number"),
        ("0431\tX\t11\t1\tCONSULT\t\t", "outside -10..10"),
        ("21\tX\t1.0\t4\tASSAULT\t\t", "not a CAMEO code"),
        ("04311\tX\t1.0\t1\tCONSULT\t\t", "not a CAMEO code"),
        ("0475\tX\t1.0\t1\tCONSULT\t\t", "no parent 047"),
        ("0431\tX\t1.0\t1\tCONSULT\t\t\textra", "cells for 7 columns"),
    ],
)
def test_bad_extension_rows_name_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    p = _write(tmp_path, row)
    with pytest.raises(OntologyFileError, match=re.escape(message)) as err:
        load_ontology(p)
    assert "extra.tsv" in str(err.value)


def test_bad_extension_files(tmp_path: Path) -> None:
    with pytest.raises(OntologyFileError, match="lacks column"):
        load_ontology(_write(tmp_path, "043\tX", header="code\tdescription"))
    with pytest.raises(OntologyFileError, match="cannot read"):
        load_ontology(tmp_path / "missing.tsv")
    with pytest.raises(OntologyFileError, match=r"extra.tsv:4: code 043 appears twice"):
        load_ontology(_write(tmp_path, *["043\tX\t1.0\t1\tCONSULT\t\t"] * 2))
