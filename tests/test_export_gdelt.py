"""GDELT conformance: a real run's export, loaded with GDELT 2.0's published column names and types, holds in
every column a value of that column's domain (codes that exist, dates that are dates, ids that are unique)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from eventwire.config import Config
from eventwire.export import export, global_event_id
from eventwire.ingest import IngestOptions
from eventwire.ontology import load_ontology
from eventwire.run import run_sources
from eventwire.store import open_store
from eventwire.store.countries import _table
from test_export import PUBLISHED_EVENTS, PUBLISHED_MENTIONS, read_gdelt

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "examples" / "demo" / "articles.jsonl"

# Two plain-text reports (no URL: their SOURCEURL is where they were read), written for this test.
REPORTS = {
    "ganja.txt": "Police in Ganja detained twelve protesters on Tuesday after a march against rising bread "
    "prices, the Azerbaijani Interior Ministry said. The protesters had demanded the resignation of the "
    "city's mayor.",
    "yerevan.txt": "Armenian Prime Minister Nikol Pashinyan met the French ambassador in Yerevan on Monday "
    "and thanked France for its support, his office said.",
}
SECTORS = {
    "GOV", "MIL", "COP", "JUD", "LEG", "SPY", "PRM", "REB", "UAF", "UNK", "CRM", "PTY", "OPP", "ELI", "PRE",
    "CVL", "BUS", "AGR", "LAB", "EDU", "MED", "JRN", "REL", "REF", "SOC", "MOD", "RAD", "IGO", "NGO", "MNC",
    "IMG", "HLH", "ENV", "HRI", "DEV", "SEP", "INS", "SET",
}  # fmt: skip


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame, Path]:
    tmp = tmp_path_factory.mktemp("gdelt")
    reports = tmp / "reports"
    reports.mkdir()
    for name, text in REPORTS.items():
        (reports / name).write_text(text, encoding="utf-8")
    db = tmp / "events.duckdb"
    with open_store(db) as store:
        run_sources(
            [str(DEMO), str(reports)],
            store,
            Config(),
            ingest_options=IngestOptions(state_dir=None, date=dt.date(2024, 4, 2)),
        )
        res = export(store, "gdelt", tmp / "out", prefix="run")
    events = read_gdelt(Path(res.files[0]), PUBLISHED_EVENTS)
    mentions = read_gdelt(Path(res.files[1]), PUBLISHED_MENTIONS)
    assert len(events) >= 10 and len(mentions) >= len(events)
    return events, mentions, reports


def _valid_date(n: int) -> bool:
    try:
        dt.date(n // 10000, n // 100 % 100, n % 100)
    except ValueError:
        return False
    return True


def _valid_stamp(n: int) -> bool:
    s = str(n)
    return len(s) == 14 and _valid_date(int(s[:8])) and int(s[8:10]) < 24 and int(s[10:12]) < 60


def test_event_columns_hold_their_domains(exported: tuple[pd.DataFrame, pd.DataFrame, Path]) -> None:
    ev, _, reports = exported
    onto = load_ontology()
    countries = {c.iso3 for c in _table().values()} | {"KOS"}
    fips = {c.fips for c in _table().values() if c.fips}
    names = {c.name for c in _table().values()}
    assert ev["GLOBALEVENTID"].is_unique and ev["GLOBALEVENTID"].between(2**62, 2**63 - 1).all()
    assert ev["SQLDATE"].map(_valid_date).all()
    assert (ev["MonthYear"] == ev["SQLDATE"] // 100).all() and (ev["Year"] == ev["SQLDATE"] // 10000).all()
    frac = ev["Year"] + ((ev["SQLDATE"] // 100 % 100) * 30 + ev["SQLDATE"] % 100) / 365
    assert ((ev["FractionDate"] - frac).abs() < 1e-3).all()
    for a in ("Actor1", "Actor2"):
        codes = ev[f"{a}Code"]
        assert codes.str.fullmatch(r"[A-Z0-9]*").all(), "GDELT writes no '---' placeholders"
        named = ev[codes != ""]
        assert (named[f"{a}Name"] == named[f"{a}Name"].str.upper()).all() and (named[f"{a}Name"] != "").all()
        assert ev[f"{a}CountryCode"].isin(countries | {""}).all()
        assert ev[f"{a}KnownGroupCode"].str.fullmatch(r"([A-Z]{3})?").all()
        for c in ("EthnicCode", "Religion1Code", "Religion2Code"):
            assert (ev[f"{a}{c}"] == "").all()
        for t in ("Type1Code", "Type2Code", "Type3Code"):
            assert ev[f"{a}{t}"].isin(SECTORS | {""}).all(), ev[f"{a}{t}"].unique()
    assert ev["IsRootEvent"].isin([0, 1]).all()
    for _, r in ev.iterrows():
        code = onto.cameo(r["EventCode"])
        assert (r["EventBaseCode"], r["EventRootCode"]) == (r["EventCode"][:3], r["EventCode"][:2])
        assert r["QuadClass"] == code.quad_class and r["GoldsteinScale"] == code.goldstein
    assert ev["QuadClass"].between(1, 4).all() and ev["GoldsteinScale"].between(-10, 10).all()
    assert (ev["NumMentions"] >= 1).all() and (ev["NumSources"] >= 1).all()
    assert (ev["NumSources"] <= ev["NumArticles"]).all()
    assert ev["AvgTone"].notna().all() and ev["AvgTone"].between(-100, 100).all()
    for g in ("Actor1Geo", "Actor2Geo", "ActionGeo"):
        assert ev[f"{g}_Type"].between(0, 5).all()
        none = ev[ev[f"{g}_Type"] == 0]
        for f in ("FullName", "CountryCode", "ADM1Code", "ADM2Code", "FeatureID"):
            assert (none[f"{g}_{f}"] == "").all()
        assert none[f"{g}_Lat"].isna().all() and none[f"{g}_Long"].isna().all()
        placed = ev[ev[f"{g}_Type"] > 0]
        assert placed[f"{g}_CountryCode"].isin(fips).all()
        assert all(
            a.startswith(c) for a, c in zip(placed[f"{g}_ADM1Code"], placed[f"{g}_CountryCode"], strict=True)
        )
        assert placed[f"{g}_Lat"].between(-90, 90).all() and placed[f"{g}_Long"].between(-180, 180).all()
        assert (placed[f"{g}_FeatureID"] != "").all()
        # GDELT's "City, ADM1, Country" / "ADM1, Country" / "Country"
        assert all(n.rsplit(", ", 1)[-1] in names for n in placed[f"{g}_FullName"])
        commas = {
            1: {0},
            2: {1},
            5: {1},
            3: {1, 2},
            4: {1, 2},
        }  # country; ADM1, country; city, [ADM1,] country
        pairs = zip(placed[f"{g}_FullName"], placed[f"{g}_Type"], strict=True)
        assert all(n.count(", ") in commas[t] for n, t in pairs)
    assert (ev["ActionGeo_Type"] > 0).mean() > 0.5 and (ev["Actor1Geo_Type"] > 0).mean() > 0.5
    assert ev["DATEADDED"].map(_valid_stamp).all()
    # SOURCEURL for every input kind: the article's URL, or the file a plain-text report was read from
    assert ev["SOURCEURL"].str.match(r"(https?|file)://").all()
    files = {f.resolve().as_uri() for f in reports.iterdir()}
    assert files & set(ev["SOURCEURL"]), "the text reports' events point at their files"


def test_mention_columns_hold_their_domains(exported: tuple[pd.DataFrame, pd.DataFrame, Path]) -> None:
    ev, mn, _ = exported
    added = dict(zip(ev["GLOBALEVENTID"], ev["DATEADDED"], strict=True))
    assert mn["GLOBALEVENTID"].isin(added).all()
    assert all(added[g] == t for g, t in zip(mn["GLOBALEVENTID"], mn["EventTimeDate"], strict=True))
    assert mn["MentionTimeDate"].map(_valid_stamp).all() and (mn["MentionType"] == 1).all()
    web = mn["MentionIdentifier"].str.startswith("http")
    assert (mn[web]["MentionSourceName"] != "").all()  # the outlet; a plain file without --source has none
    assert mn["MentionIdentifier"].str.match(r"(https?|file)://").all()
    assert (mn["SentenceID"] >= 1).all()
    for c in ("Actor1CharOffset", "Actor2CharOffset", "ActionCharOffset"):
        assert (mn[c] >= -1).all()
    assert (mn["ActionCharOffset"] >= 0).all()
    assert mn["InRawText"].isin([0, 1]).all() and mn["Confidence"].between(0, 100).all()
    assert (mn["MentionDocLen"] > 0).all() and mn["MentionDocTone"].between(-100, 100).all()
    assert (mn["MentionDocTranslationInfo"] == "").all()
    assert (
        mn["Extras"]
        .str.fullmatch(r"<EVENTWIRE_ID>[^<]+</EVENTWIRE_ID><MODALITY>(asserted|reported)</MODALITY>")
        .all()
    )
    counts = mn.groupby("GLOBALEVENTID").size()
    assert all(counts[g] == n for g, n in zip(ev["GLOBALEVENTID"], ev["NumMentions"], strict=True))


def test_global_event_ids_are_the_same_in_every_database(tmp_path: Path) -> None:
    from test_store import make_article, make_event

    ids = []
    for name in ("a", "b"):
        with open_store(tmp_path / f"{name}.duckdb") as s:
            if name == "b":  # another database, with other events stored first
                s.write([(make_article("other"), [make_event("other", 0, ("FRAGOV",), ("DEUGOV",))])])
            s.write([(make_article("same"), [make_event("same", 0)])])
            ids.append({global_event_id(r["first_event_id"]) for r in s.events().to_pylist()})
    assert ids[0] < ids[1] and global_event_id("same#0") in ids[0]
    assert re.fullmatch(r"\d{19}", str(global_event_id("x")))
