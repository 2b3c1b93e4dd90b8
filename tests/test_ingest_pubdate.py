"""Publication dates: the forms news carries, language and date order, and the bar on real articles.

The gold geoparsing corpora (LGL, TR-News) hold ~700 real articles with the raw date their crawler saw
(``dltime``): every command must read them the same way, parse at least 98% and count each one it cannot
read as a warning, keeping the raw value.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.errors import ConfigError, InputError
from eventwire.ingest import IngestOptions, IngestSummary, ingest
from eventwire.ingest.pubdate import date_order_for, date_warning, parse_pubdate, structured_date
from eventwire.pipeline import read_inputs
from eventwire.store import open_store
from eventwire.types import Article, Skip

D = dt.date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2009-03-20 12:24:52.002364-05", D(2009, 3, 20)),
        ("2017-05-17", D(2017, 5, 17)),
        ("Dec 16 2016", D(2016, 12, 16)),
        ("11/28/2016", D(2016, 11, 28)),
        ("December 13, 2016 MST", D(2016, 12, 13)),
        ("December 9th 2016", D(2016, 12, 9)),
        ("Nov 22, 2016 4:30 PM MT", D(2016, 11, 22)),
        ("8:56 AM, Dec 08, 2016 CT", D(2016, 12, 8)),
        ("Wed Nov 23, 2016 | 4:58pm EST", D(2016, 11, 23)),
        ("9:27 AM ET, Mon January 5, 2015", D(2015, 1, 5)),
        ("APRIL 26, 2016 - 12:25AM EDT", D(2016, 4, 26)),
        ("2016 Oct 10", D(2016, 10, 10)),
        ("Published: 3 March 2021", D(2021, 3, 3)),
        ("Wed, 13 Mar 2024 09:41:00 GMT", D(2024, 3, 13)),
        ("20240313094100", D(2024, 3, 13)),
        ("1710315660", D(2024, 3, 13)),
        (1710315660000, D(2024, 3, 13)),
        (dt.datetime(2024, 3, 13, 23, 59), D(2024, 3, 13)),
    ],
)
def test_forms_news_carries(value: object, expected: dt.date) -> None:
    assert parse_pubdate(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "two days ago",
        "today",
        "March 2016",
        "Dec 16",
        "2016",
        "garbage",
        "",
        None,
        True,
        "3024-01-01",
    ],
)
def test_never_completed_with_the_run_date(value: object) -> None:
    # relative or partial values would be completed with today's date by a lenient parser: refused
    assert parse_pubdate(value) is None


def test_language_and_date_order() -> None:
    assert parse_pubdate("17 Aralık 2016", language="tr") == D(2016, 12, 17)
    assert parse_pubdate("3 mars 2021", language="fr") == D(2021, 3, 3)
    assert parse_pubdate("04/03/2016") == D(2016, 4, 3)  # English default: month first
    assert parse_pubdate("04/03/2016", date_order="DMY") == D(2016, 3, 4)
    assert parse_pubdate("2016/04/03", date_order="YMD") == D(2016, 4, 3)
    with pytest.raises(ConfigError, match="MDY, DMY, YMD"):
        parse_pubdate("04/03/2016", date_order="DDD")
    assert structured_date("Dec 16 2016") is None and structured_date("2016-12-16") == D(2016, 12, 16)


def test_source_date_order_by_domain() -> None:
    assert date_order_for("https://www.thetimes.co.uk/article/x") == "DMY"
    assert date_order_for("https://news.example.com.au/x") == "DMY"
    assert date_order_for("https://www.example.com/x") is None
    assert date_order_for(None, "example.de") == "DMY"
    assert date_order_for(None, "Example Outlet") is None


def test_readers_use_the_source_date_order(tmp_path: Path) -> None:
    rec = {"id": "uk", "text": "The ministers met in London. " * 3, "date": "04/03/2016"}
    p = tmp_path / "a.jsonl"
    p.write_text(
        json.dumps({**rec, "url": "https://www.example.co.uk/a"})
        + "\n"
        + json.dumps({**rec, "id": "us"})
        + "\n",
        encoding="utf-8",
    )
    code = [a for a in read_inputs([str(p)]) if isinstance(a, Article)]
    assert [a.date for a in code] == [D(2016, 3, 4), D(2016, 4, 3)]
    opts = IngestOptions(state_dir=None, dedup=False)
    run = [a for a in ingest([str(p)], opts) if isinstance(a, Article)]
    assert [a.date for a in run] == [D(2016, 3, 4), D(2016, 4, 3)]
    forced = [a for a in ingest([str(p)], opts.replace(date_order="MDY")) if isinstance(a, Article)]
    assert [a.date for a in forced] == [D(2016, 4, 3), D(2016, 4, 3)]


def test_article_dates_are_validated() -> None:
    assert Article(id="a", text="x", date="2024-03-12").date == D(2024, 3, 12)  # type: ignore[arg-type]
    assert Article(id="a", text="x", date=dt.datetime(2024, 3, 12, 5)).date == D(2024, 3, 12)
    with pytest.raises(InputError, match=r"Article 'a': date: 'Dec 16 2016' is not a date"):
        Article(id="a", text="x", date="Dec 16 2016")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="is not a date"):
        Article(id="a", text="x", date=20240312)  # type: ignore[arg-type]


def test_unreadable_dates_are_warnings_in_every_command(tmp_path: Path) -> None:
    text = "Kazakh Foreign Minister Murat Nurtleu met his Uzbek counterpart in Astana on Thursday."
    p = tmp_path / "docs.jsonl"
    p.write_text(
        json.dumps({"id": "good", "text": text, "date": "Dec 16 2016"})
        + "\n"
        + json.dumps(
            {
                "id": "bad",
                "text": "Police in Kabul said on Monday that gunmen attacked a checkpoint overnight.",
                "date": "the day after the storm",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    summary = IngestSummary()
    arts = [
        a for a in ingest([str(p)], IngestOptions(state_dir=None), summary=summary) if isinstance(a, Article)
    ]
    assert [(a.id, a.date, a.date_raw) for a in arts] == [
        ("good", D(2016, 12, 16), None),
        ("bad", None, "the day after the storm"),
    ]
    assert summary.warnings == {"bad-date": 1}
    w = date_warning(arts[1])
    assert isinstance(w, Skip) and w.reason == "bad-date" and "the day after the storm" in w.detail

    res = CliRunner().invoke(main, ["ingest", str(p), "--no-state", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stderr.strip().splitlines()[-1])["warnings"] == {"bad-date": 1}
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert lines[1]["date"] is None and lines[1]["date_raw"] == "the day after the storm"
    # ingest's output read again by `code`: the same article, undated, warned about again
    again = tmp_path / "again.jsonl"
    again.write_text(res.stdout, encoding="utf-8")
    back = [a for a in read_inputs([str(again)]) if isinstance(a, Article)]
    assert [(a.date, a.date_raw) for a in back] == [
        (D(2016, 12, 16), None),
        (None, "the day after the storm"),
    ]

    # `code` and `run` count the same warning; neither skips the article nor invents a date for it
    res = CliRunner().invoke(main, ["code", str(p), "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    assert "warnings: 1 bad-date" in res.stderr and "skipped: none" in res.stderr
    db = tmp_path / "events.duckdb"
    res = CliRunner().invoke(main, ["run", str(p), "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    stats = json.loads(res.stdout)
    assert stats["warnings"] == {"bad-date": 1} and stats["coded"] == 2 and not stats["skipped"]
    with open_store(db, read_only=True) as s:
        assert s.get_articles(["bad"])[0].date_raw == "the day after the storm"
        assert dt.date.today() not in s.mentions().column("merge_date").to_pylist()


def _gold_records(shared: Path) -> list[dict[str, str]]:
    out = []
    for name in ("lgl.xml", "TR-News.xml"):
        root = ET.parse(shared / "gold" / "geoparsing" / name).getroot()
        for a in root.iter("article"):
            out.append(
                {
                    "id": f"{name}:{a.get('docid')}",
                    "text": a.findtext("text") or "",
                    "date": a.findtext("dltime") or "",
                    "url": a.findtext("url") or "",
                }
            )
    return out


def _plausible(raw: str, date: dt.date) -> bool:
    """The parsed date agrees with what the raw value writes: its year, and its day number."""
    numbers = {int(n) for n in re.findall(r"\d+", raw)}
    return date.year in numbers and date.day in numbers


@pytest.mark.shared
def test_gold_corpora_publication_dates(shared: Path, tmp_path: Path) -> None:
    records = _gold_records(shared)
    assert len(records) == 706
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    raw_of = {r["id"]: r["date"] for r in records}

    summary = IngestSummary()
    opts = IngestOptions(state_dir=None, dedup=False, languages=())
    by_ingest = {a.id: a for a in ingest([str(path)], opts, summary=summary) if isinstance(a, Article)}
    by_code = {a.id: a for a in read_inputs([str(path)]) if isinstance(a, Article)}
    assert len(by_ingest) == len(by_code) == 706
    for reader in (by_ingest, by_code):
        dated = [a for a in reader.values() if a.date is not None]
        assert len(dated) / len(records) >= 0.98
        assert all(_plausible(raw_of[a.id], a.date) for a in dated if a.date is not None)
        # every value present but not read is kept and counted; absent ones are simply undated
        unread = [a for a in reader.values() if a.date is None and raw_of[a.id].strip()]
        assert all(a.date_raw == raw_of[a.id].strip() for a in unread)
        assert all(a.date_raw is None for a in reader.values() if a.date is not None)
    assert sum(summary.warnings.values()) == sum(1 for a in by_ingest.values() if a.date_raw)
    # the two readers agree, article by article
    assert {k: a.date for k, a in by_ingest.items()} == {k: a.date for k, a in by_code.items()}
