"""WARC archives generated in the test: HTML responses become articles; everything else is a counted skip."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventwire.ingest import IngestOptions, IngestSummary, ingest
from eventwire.types import Article, Skip

FIX = Path(__file__).parent / "fixtures" / "ingest"
PAGES = {
    "https://www.harbourcityledger.example/world/2024/03/13/baltic-cable-patrols": "ledger_ports.html",
    "https://riverpost.example/africa/thousands-march-in-lusaka-over-fuel-prices/": "river_post_protest.html",
    "https://gazette-littoral.example/economie/greve-dockers-marseille": "gazette_fr.html",
}
BARE_PAGE = (
    "<html><head><title>Cabinet reshuffle</title></head><body><div class='story'>"
    "<p>The prime minister replaced four cabinet ministers on Friday, including the ministers of finance and "
    "defence, in a reshuffle that aides said was meant to prepare the governing party for next year's "
    "election.</p><p>The outgoing finance minister will become ambassador to Japan.</p></div></body></html>"
)


def _response(
    w: WARCWriter,
    url: str,
    body: bytes,
    ctype: str = "text/html; charset=utf-8",
    status: str = "200 OK",
    date: str = "2024-03-14T06:30:00Z",
) -> None:
    headers = StatusAndHeaders(
        status, [("Content-Type", ctype), ("Content-Length", str(len(body)))], protocol="HTTP/1.1"
    )
    rec = w.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=headers, warc_headers_dict={"WARC-Date": date}
    )
    w.write_record(rec)


def make_warc(gz: bool) -> tuple[bytes, list[int]]:
    """A small crawl: warcinfo, a request, three news pages, an image, a 404, a redirect, a bare page.

    Returns the bytes and the offset of each record (to corrupt one in place).
    """
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    offsets: list[int] = []

    def mark() -> None:
        offsets.append(buf.tell())

    mark()
    w.write_record(
        w.create_warcinfo_record("crawl.warc", {"software": "eventwire-tests", "format": "WARC/1.1"})
    )
    mark()
    w.write_record(
        w.create_warc_record(
            "https://riverpost.example/", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
        )
    )
    for url, name in PAGES.items():
        mark()
        _response(w, url, (FIX / name).read_bytes())
    mark()
    _response(w, "https://riverpost.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(300), ctype="image/png")
    mark()
    _response(
        w, "https://riverpost.example/gone", b"<html><body>Not found</body></html>", status="404 Not Found"
    )
    mark()
    _response(w, "https://riverpost.example/old", b"", status="301 Moved Permanently")
    mark()
    _response(
        w,
        "https://dailyplanet.example/politics/cabinet-reshuffle",
        BARE_PAGE.encode(),
        ctype="",
        date="2024-05-03T22:10:00Z",
    )
    return buf.getvalue(), offsets


def run(path: Path, **kw: object) -> tuple[list[Article], list[Skip], IngestSummary]:
    summary = IngestSummary()
    items = list(ingest([str(path)], IngestOptions(**kw), summary=summary))  # type: ignore[arg-type]
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Skip)], summary


@pytest.mark.parametrize("gz", [True, False])
def test_warc_responses_become_articles(tmp_path: Path, gz: bool) -> None:
    data, _ = make_warc(gz)
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(data)
    arts, skips, summary = run(path)
    assert [a.url for a in arts] == [*PAGES, "https://dailyplanet.example/politics/cabinet-reshuffle"]
    ledger = arts[0]
    assert ledger.date == dt.date(2024, 3, 13)  # from the page, not the capture date
    assert ledger.fetched_at == dt.datetime(2024, 3, 14, 6, 30, tzinfo=dt.timezone.utc)
    assert ledger.source == "harbourcityledger.example"
    bare = arts[-1]
    assert bare.date == dt.date(2024, 5, 3)  # no date in the page: WARC-Date is the fallback
    assert bare.text.startswith("The prime minister replaced four cabinet ministers")
    assert arts[2].skipped_reason == "language"
    assert sorted(s.reason for s in skips) == ["http-301", "http-404", "not-html"]
    assert summary.documents == 7  # request and warcinfo records are not documents


@pytest.mark.parametrize("gz", [True, False])
def test_corrupt_record_is_skipped_and_reading_resumes(tmp_path: Path, gz: bool) -> None:
    """30 bytes of the second page are lost and garbage written over 300 more: its record length lies."""
    data, offsets = make_warc(gz)
    start, end = offsets[3], offsets[4]
    mid = start + (end - start) // 3
    bad = data[:mid] + b"\x00\xffGARBAGE\x00" * 30 + data[mid + 330 :]
    path = tmp_path / ("bad.warc.gz" if gz else "bad.warc")
    path.write_bytes(bad)
    arts, skips, summary = run(path)
    urls = [a.url for a in arts]
    ledger, river, gazette = PAGES
    assert urls == [ledger, gazette, "https://dailyplanet.example/politics/cabinet-reshuffle"]
    assert summary.skipped["corrupt"] == 1
    if not gz:  # the damaged page itself is still read, and its garbage makes it binary
        assert any(s.reason == "not-html" and s.where.endswith(river) for s in skips)


def test_gzip_member_corruption_is_one_skip(tmp_path: Path) -> None:
    data, offsets = make_warc(True)
    start, end = offsets[3], offsets[4]
    mid = start + (end - start) // 2
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(data[:mid] + bytes(b ^ 0x5A for b in data[mid : mid + 64]) + data[mid + 64 :])
    arts, skips, summary = run(path)
    assert len(arts) == 3  # ledger, gazette, bare page: the corrupt one only is lost
    assert summary.skipped["corrupt"] == 1
    assert skips[0].where.startswith(f"{path}@{start}")


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_warc(tmp_path: Path, gz: bool) -> None:
    data, offsets = make_warc(gz)
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: offsets[4] + 200])
    arts, skips, _ = run(path)
    assert len(arts) == 2
    assert [s.reason for s in skips] == ["corrupt"]


def test_not_a_warc_at_all(tmp_path: Path) -> None:
    path = tmp_path / "junk.warc"
    path.write_bytes(b"this is not an archive\n" * 100)
    arts, skips, _ = run(path)
    assert not arts and [s.reason for s in skips] == ["corrupt"]


def test_warc_payload_over_the_cap(tmp_path: Path) -> None:
    data, _ = make_warc(True)
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(data)
    arts, skips, _ = run(path, max_bytes=5_000)
    assert [a.url for a in arts] == [
        *list(PAGES)[1:],
        "https://dailyplanet.example/politics/cabinet-reshuffle",
    ]
    assert [s.where.split(" ", 1)[1] for s in skips if s.reason == "too-large"] == [next(iter(PAGES))]


# --- nothing lost silently: whole-file gzip, truncated records ----------------------------------------------


def ten_pages(gz: bool) -> bytes:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    for i in range(10):
        body = BARE_PAGE.replace("four cabinet ministers", f"{i + 2} cabinet ministers").encode()
        _response(w, f"https://ledger.example/politics/reshuffle-{i}", body)
    return buf.getvalue()


def read_all(path: Path) -> tuple[list[Article], list[Skip]]:
    items = list(ingest([str(path)], IngestOptions(dedup=False)))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Skip)]


def test_a_warc_gzipped_as_a_whole_file_is_read_in_full(tmp_path: Path) -> None:
    """`gzip crawl.warc` makes one gzip member of the whole file (10 of 10, not 1 of 10 and exit 0)."""
    import gzip

    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(gzip.compress(ten_pages(gz=False)))
    arts, skips = read_all(path)
    assert len(arts) == 10 and not skips


@pytest.mark.parametrize("kind", ["plain", "per-record gzip", "whole-file gzip"])
@pytest.mark.parametrize("cut", [40, 400, 1500])
def test_a_truncated_warc_reports_a_corrupt_record_and_keeps_the_complete_ones(
    tmp_path: Path, kind: str, cut: int
) -> None:
    import gzip

    data = ten_pages(gz=kind == "per-record gzip")
    if kind == "whole-file gzip":
        data = gzip.compress(data)
    path = tmp_path / ("cut.warc" if kind == "plain" else "cut.warc.gz")
    path.write_bytes(data[: len(data) - cut])
    arts, skips = read_all(path)
    assert [s.reason for s in skips] == ["corrupt"], skips
    assert "@" in skips[0].where and skips[0].where.rsplit("@", 1)[1].split()[0].isdigit()
    assert 0 < len(arts) < 10
    whole = [int(a.url.rsplit("-", 1)[1]) for a in arts]  # the records read are the first ones, complete
    assert whole == list(range(len(arts)))
    assert all(a.text.endswith("ambassador to Japan.") for a in arts)
