"""Local sources: formats, compression, directories, globs, and every bad input as a counted skip."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import shutil
from pathlib import Path

import pytest
import zstandard

from eventwire.ingest import IngestOptions, IngestSummary, ingest
from eventwire.types import Article, Skip

FIX = Path(__file__).parent / "fixtures" / "ingest"
STORY = (
    "The defence ministers of {a} and {b} signed an agreement on {day} to hold joint exercises twice a year, "
    "officials said, after talks that lasted most of the afternoon. The agreement also sets up a hotline "
    "between the two general staffs and commits both sides to notify each other of large troop movements "
    "near the border. Story number {n}."
)


def _story(n: int) -> str:
    pairs = [
        ("Chile", "Peru"),
        ("Kenya", "Uganda"),
        ("Norway", "Sweden"),
        ("Ghana", "Togo"),
        ("Laos", "Vietnam"),
    ]
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    a, b = pairs[n % 5]
    # Vary enough words that stories are not near duplicates of each other.
    return (
        STORY.format(a=a, b=b, day=days[(n // 5) % 5], n=n)
        + " "
        + " ".join(f"token{n}x{i}" for i in range(60))
    )


def run(sources: list[str], **kw: object) -> tuple[list[Article], list[Skip], IngestSummary]:
    summary = IngestSummary()
    items = list(ingest(sources, IngestOptions(**kw), summary=summary))  # type: ignore[arg-type]
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Skip)], summary


def test_directory_of_mixed_fixtures(tmp_path: Path) -> None:
    for name in ("ledger_ports.html", "river_post_protest.html", "plain_story.txt", "corpus.csv"):
        shutil.copy(FIX / name, tmp_path / name)
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04 not read")
    (tmp_path / ".hidden.html").write_text("<p>never read</p>")
    arts, skips, summary = run([str(tmp_path)])
    titles = sorted(a.title or "" for a in arts)
    assert titles == [
        "Baltic ministers agree joint patrols to guard undersea cables",
        "Ministers pledge to reopen border crossing by spring",
        "Parliament approves new budget",
        "Port workers end strike after pay deal",
        "Thousands march in Lusaka over fuel prices",
    ]
    assert {(s.reason, Path(s.where).name) for s in skips} == {
        ("unsupported", "notes.docx"),
        ("empty", "corpus.csv:4"),
    }
    assert summary.skipped == {"unsupported": 1, "empty": 1}
    assert summary.articles == 5 and summary.new == 5


def test_csv_column_mapping_and_fields() -> None:
    arts, _, _ = run(
        [str(FIX / "corpus.csv")], fields=(("id", "story_id"), ("text", "body"), ("source", "outlet"))
    )
    first = arts[0]
    assert first.id == "wire-1001"
    assert first.title == "Port workers end strike after pay deal"
    assert first.source == "Coastal Times"
    assert first.url == "https://coastaltimes.example/news/port-strike-ends-5510"
    assert str(first.date) == "2024-02-20"
    assert str(arts[1].date) == "2024-02-21"  # compact YYYYMMDD


def test_csv_without_text_column_is_one_skip(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    arts, skips, _ = run([str(p)])
    assert not arts and [s.reason for s in skips] == ["corrupt"] and "--column text=" in skips[0].detail


def test_tsv_and_text_in_list_fields(tmp_path: Path) -> None:
    p = tmp_path / "x.tsv"
    p.write_text("headline\tstory\nTalks resume\t" + _story(1) + "\n", encoding="utf-8")
    arts, _, _ = run([str(p)])
    assert arts[0].title == "Talks resume" and arts[0].text.startswith("The defence ministers of Kenya")


def test_jsonl_records_with_aliases_and_bad_lines(tmp_path: Path) -> None:
    p = tmp_path / "c.jsonl"
    lines = [
        json.dumps(
            {
                "id": "a1",
                "maintext": _story(1),
                "date_publish": "2021-01-22 10:00:00",
                "source_domain": "example.org",
                "authors": ["A. Writer", "B. Writer"],
            }
        ),
        "{not json",
        "[1, 2]",
        "",
        json.dumps({"id": "a2", "title": "No text here"}),
        json.dumps({"id": "a3", "text": ["First paragraph of " + _story(2), "Second paragraph."]}),
    ]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    arts, skips, summary = run([str(p)])
    assert [a.id for a in arts] == ["a1", "a3"]
    assert arts[0].author == "A. Writer, B. Writer" and arts[0].source == "example.org"
    assert str(arts[0].date) == "2021-01-22"
    assert arts[1].text.endswith("\n\nSecond paragraph.")
    assert [(s.where.rsplit(":", 1)[1], s.reason) for s in skips] == [
        ("2", "corrupt"),
        ("3", "corrupt"),
        ("5", "empty"),
    ]
    assert summary.documents == 5


@pytest.mark.parametrize("shape", ["array", "object", "wrapped", "concatenated"])
def test_json_shapes(tmp_path: Path, shape: str) -> None:
    recs = [{"id": f"j{i}", "text": _story(i)} for i in range(3)]
    if shape == "array":
        data = json.dumps(recs, indent=1)
    elif shape == "object":
        recs = recs[:1]
        data = json.dumps(recs[0])
    elif shape == "wrapped":
        data = json.dumps({"status": "ok", "totalResults": 3, "articles": recs})
    else:
        data = "\n".join(json.dumps(r) for r in recs)
    p = tmp_path / "c.json"
    p.write_text(data, encoding="utf-8")
    arts, skips, _ = run([str(p)])
    assert [a.id for a in arts] == [r["id"] for r in recs] and not skips


def test_json_array_streams_large_values(tmp_path: Path) -> None:
    """Values larger than the read chunk are assembled; a malformed tail is one corrupt skip."""
    recs = [{"id": f"big{i}", "text": _story(i) + " filler" * 20_000} for i in range(3)]
    p = tmp_path / "big.json"
    p.write_text(json.dumps(recs)[:-40], encoding="utf-8")  # cut inside the last value
    arts, skips, _ = run([str(p)])
    assert [a.id for a in arts] == ["big0", "big1"]
    assert [s.reason for s in skips] == ["corrupt"]


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [
        (".gz", gzip.compress),
        (".bz2", bz2.compress),
        (".xz", lzma.compress),
        (".zst", lambda b: zstandard.ZstdCompressor().compress(b)),
    ],
)
def test_compressed_files(tmp_path: Path, suffix: str, compress) -> None:  # type: ignore[no-untyped-def]
    data = "\n".join(json.dumps({"id": f"z{i}", "text": _story(i)}) for i in range(4)).encode()
    (tmp_path / f"c.jsonl{suffix}").write_bytes(compress(data))
    (tmp_path / f"p.html{suffix}").write_bytes(compress((FIX / "river_post_protest.html").read_bytes()))
    arts, skips, _ = run([str(tmp_path)])
    assert [a.id for a in arts][:4] == ["z0", "z1", "z2", "z3"]
    assert arts[4].title == "Thousands march in Lusaka over fuel prices"
    assert not skips


def test_truncated_gzip_keeps_what_was_readable(tmp_path: Path) -> None:
    data = "\n".join(json.dumps({"id": f"t{i}", "text": _story(i)}) for i in range(200)).encode()
    packed = gzip.compress(data)
    (tmp_path / "cut.jsonl.gz").write_bytes(packed[: len(packed) * 2 // 3])
    (tmp_path / "cut.html.gz").write_bytes(gzip.compress((FIX / "ledger_ports.html").read_bytes())[:500])
    arts, skips, summary = run([str(tmp_path)])
    assert 20 < len(arts) < 200
    assert [a.id for a in arts] == [f"t{i}" for i in range(len(arts))]
    assert sorted((Path(s.where).name, s.reason) for s in skips) == [
        ("cut.html.gz", "corrupt"),
        ("cut.jsonl.gz", "corrupt"),
    ]
    assert summary.skipped["corrupt"] == 2


def test_binary_file_named_html(tmp_path: Path) -> None:
    (tmp_path / "photo.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (tmp_path / "random.html").write_bytes(bytes((i * 7919) % 256 for i in range(20_000)))
    _, skips, _ = run([str(tmp_path)])
    assert [(Path(s.where).name, s.reason) for s in skips] == [
        ("photo.html", "not-html"),
        ("random.html", "not-html"),
    ]


def test_two_gigabyte_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.html"
    with open(huge, "wb") as fh:
        fh.truncate(2 * 1024**3)  # sparse: nothing written to disk
    _, skips, _ = run([str(huge)])
    assert [s.reason for s in skips] == ["too-large"] and str(2 * 1024**3) in skips[0].detail


def test_compression_bomb_is_capped(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.txt.gz"
    with gzip.open(bomb, "wb") as fh:
        for _ in range(64):
            fh.write(b"a" * (1 << 20))  # 64 MB of text, some kB compressed
    assert bomb.stat().st_size < 1_000_000
    _, skips, _ = run([str(bomb)], max_bytes=4_000_000)
    assert [s.reason for s in skips] == ["too-large"]


def test_huge_jsonl_line_is_skipped_and_the_next_is_read(tmp_path: Path) -> None:
    p = tmp_path / "c.jsonl"
    with open(p, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "ok1", "text": _story(1)}) + "\n")
        fh.write(json.dumps({"id": "huge", "text": "x" * 3_000_000}) + "\n")
        fh.write(json.dumps({"id": "ok2", "text": _story(2)}) + "\n")
    arts, skips, _ = run([str(p)], max_bytes=1_000_000)
    assert [a.id for a in arts] == ["ok1", "ok2"]
    assert [(s.where.rsplit(":", 1)[1], s.reason) for s in skips] == [("2", "too-large")]


def test_globs_not_found_and_unknown_extension_sniffed(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"s{i}.txt").write_text(f"Headline number {i}\n\n{_story(i)}", encoding="utf-8")
    page = tmp_path / "page.dat"
    page.write_bytes((FIX / "river_post_protest.html").read_bytes())
    arts, skips, _ = run([str(tmp_path / "s*.txt"), str(page), str(tmp_path / "nothing*.txt"), "missing.txt"])
    assert [a.title for a in arts] == [
        "Headline number 0",
        "Headline number 1",
        "Headline number 2",
        "Thousands march in Lusaka over fuel prices",
    ]
    assert [s.reason for s in skips] == ["not-found", "not-found"]


def test_text_options_date_and_source(tmp_path: Path) -> None:
    import datetime as dt

    p = tmp_path / "a.txt"
    p.write_text(_story(3), encoding="utf-8")
    arts, _, _ = run([str(p)], date=dt.date(2020, 5, 1), source="Wire Desk")
    assert arts[0].date == dt.date(2020, 5, 1) and arts[0].source == "Wire Desk" and arts[0].title is None


def test_empty_files_and_min_chars(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "short.txt").write_text("Too short.", encoding="utf-8")
    (tmp_path / "nav.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    _, skips, summary = run([str(tmp_path)])
    assert summary.skipped == {"empty": 3} and len(skips) == 3


def test_forced_input_format(tmp_path: Path) -> None:
    p = tmp_path / "articles.data"
    p.write_text(json.dumps({"id": "f1", "text": _story(4)}) + "\n", encoding="utf-8")
    arts, _, _ = run([str(p)], input_format="jsonl")
    assert [a.id for a in arts] == ["f1"]


def test_non_english_is_kept_and_flagged() -> None:
    arts, _, summary = run([str(FIX / "gazette_fr.html"), str(FIX / "river_post_protest.html")])
    fr, en = arts
    assert (fr.language, fr.skipped_reason) == ("fr", "language")
    assert (en.language, en.skipped_reason) == ("en", None)
    assert summary.language == 1
    arts, _, _ = run([str(FIX / "gazette_fr.html")], languages=("en", "fr"))
    assert arts[0].skipped_reason is None
    arts, _, _ = run([str(FIX / "gazette_fr.html")], languages=())
    assert arts[0].skipped_reason is None


def test_article_ids_are_stable_without_urls(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text(_story(7), encoding="utf-8")
    first, _, _ = run([str(p)])
    p.write_text("  " + _story(7).upper() + "\n\n", encoding="utf-8")
    again, _, _ = run([str(p)])
    assert first[0].id == again[0].id and first[0].id.startswith("sha1:")
    other, _, _ = run([str(p)], source="Another Outlet")
    assert other[0].id != first[0].id


def test_an_unbalanced_csv_quote_costs_one_row_not_the_rows_after_it(tmp_path: Path) -> None:
    p = tmp_path / "stray.csv"
    p.write_text(
        "id,text\n"
        'a,"The ministers met on Monday to discuss the water treaty and the border."\n'
        'b,"A stray quote opens this row and never closes it, about a strike\n'
        'c,"Dock workers walked out on Tuesday over pay, the union said."\n'
        'd,"A story with a ""quoted"" word and a line break\ninside its text, as CSV allows."\n'
        "e,An unquoted story about the harvest in the northern provinces this year.\n",
        encoding="utf-8",
    )
    items = list(ingest([str(p)], IngestOptions(dedup=False)))
    arts = [i for i in items if isinstance(i, Article)]
    skips = [i for i in items if isinstance(i, Skip)]
    assert [a.id for a in arts] == ["a", "c", "d", "e"]
    assert [(s.where, s.reason) for s in skips] == [(f"{p}:3", "corrupt")]
    assert '"quoted"' in arts[2].text


def test_a_quote_left_open_to_the_end_of_the_file_is_one_skip(tmp_path: Path) -> None:
    p = tmp_path / "open.csv"
    p.write_text(
        'id,text\na,"An ordinary first story about talks between two governments."\nb,"never closed\n'
        "c,A last story after the open quote about rains flooding three villages.\n",
        encoding="utf-8",
    )
    items = list(ingest([str(p)], IngestOptions(dedup=False)))
    assert [i.id for i in items if isinstance(i, Article)] == ["a", "c"]
    assert [(s.where, s.reason) for s in items if isinstance(s, Skip)] == [(f"{p}:3", "corrupt")]


def test_a_fifo_in_an_input_folder_is_skipped_not_waited_on(tmp_path: Path) -> None:
    import os
    import threading

    (tmp_path / "story.txt").write_text(_story(1), encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.jsonl")
    out: list[object] = []
    t = threading.Thread(target=lambda: out.extend(ingest([str(tmp_path)], IngestOptions(dedup=False))))
    t.daemon = True
    t.start()
    t.join(timeout=30)
    assert not t.is_alive(), "ingest blocked on a FIFO"
    skips = [i for i in out if isinstance(i, Skip)]
    assert [(Path(s.where).name, s.reason) for s in skips] == [("pipe.jsonl", "unsupported")]
    assert sum(isinstance(i, Article) for i in out) == 1
