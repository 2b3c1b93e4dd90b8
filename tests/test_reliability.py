"""Bad input, as an operator meets it: every class is reported with its reason, and nothing crashes.

Each case builds one bad input (written here by us), runs the command a user would (`ingest`, `code`,
`run`) in-process, and checks the exit status, the skip reason it must report, that what is good around it
is still read, and that no traceback reaches the user. The slow classes (a 1 GiB JSONL line, ten documents
of 1 M characters, merge invariance on the LGL corpus) are in benchmarks/bench_reliability.py.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import test_store
from eventwire.cli import main
from eventwire.store import open_store

STORY = (
    "The foreign ministers of Kenya and Tanzania met in Arusha on Tuesday to discuss the border crossing, "
    "officials said. They agreed to meet again next month."
)
PAGE = f"<html><head><title>Talks</title></head><body><article><p>{STORY}</p></article></body></html>"

db_kind = test_store.db_kind
db_url = test_store.db_url


def invoke(args: list[str]) -> Result:
    return CliRunner().invoke(main, args)


def clean(res: Result) -> None:
    """No traceback reached the user; any error was one line."""
    assert "Traceback" not in res.output, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("eventwire: error:")]
    assert len(errors) <= 1


def ingest(*sources: str | Path, extra: tuple[str, ...] = ()) -> tuple[Result, list[dict], dict]:
    res = invoke(["ingest", *map(str, sources), "--no-state", "--json", "-o", OUT.path, *extra])
    clean(res)
    out = Path(OUT.path)
    arts = [json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
    out.unlink(missing_ok=True)
    summary = json.loads(res.stdout) if res.stdout.strip().startswith("{") else {}
    return res, arts, summary


class _Out:
    path = ""


OUT = _Out()


@pytest.fixture(autouse=True)
def _output(tmp_path: Path) -> Iterator[None]:
    OUT.path = str(tmp_path / "out.jsonl")
    yield


# --- a local server for the network classes ----------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/page":
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/trickle":  # a byte at a time: never idle long enough for a read timeout
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(200):
                    self.wfile.write(b"<p>")
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass
        else:
            body = b"not here"
            self.send_response(404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


LOCAL = ("--allow-host", "127.0.0.1", "--rate-limit", "0", "--retries", "0", "--timeout", "0.3")


# --- the classes ------------------------------------------------------------------------------------------


def _warc(gz: bool, n: int = 6) -> bytes:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    for i in range(n):
        body = PAGE.replace("Tuesday", f"day {i}").encode()
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        w.write_record(
            w.create_warc_record(
                f"https://news.example/{i}", "response", payload=io.BytesIO(body), http_headers=http
            )
        )
    return buf.getvalue()


@dataclass
class Case:
    """One bad-input class: what to write, and the skip reason ingest must give (None: read in full)."""

    name: str
    write: Callable[[Path], list[str | Path]]
    reason: str | None
    good: int  # articles that must still come out (-1: any number, bounded by --max-bytes)
    extra: tuple[str, ...] = ()


def _files(d: Path, files: dict[str, bytes | str]) -> list[str | Path]:
    for name, data in files.items():
        p = d / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return [d]


def _fifo(d: Path) -> list[str | Path]:
    _files(d, {"ok.txt": STORY})
    os.mkfifo(d / "pipe.txt")
    return [d]


BOMB = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>'
    '<rss version="2.0"><channel><title>x</title><item><title>t</title><description>&f;&f;&f;</description>'
    "</item></channel></rss>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel>'
    "<title>x</title><item><title>leak</title><link>https://x.example/1</link>"
    f"<description>&x; {STORY}</description></item></channel></rss>"
)

CASES = [
    Case("missing path", lambda d: [d / "nope.html", *_files(d, {"ok.txt": STORY})], "not-found", 1),
    Case(
        "broken symlink in a folder",
        lambda d: (os.symlink(d / "gone", d / "link.txt"), [d])[1],
        "unreadable",
        0,
    ),
    Case("binary file", lambda d: _files(d, {"blob.txt": bytes(range(256)) * 40}), "not-html", 0),
    Case(
        "unknown extension in a folder",
        lambda d: _files(d, {"a.docx": b"PK\x03\x04", "ok.txt": STORY}),
        "unsupported",
        1,
    ),
    Case("empty file", lambda d: _files(d, {"empty.txt": ""}), "empty", 0),
    Case(
        "document over --max-bytes",
        lambda d: _files(d, {"big.txt": STORY * 200}),
        "too-large",
        0,
        ("--max-bytes", "10k"),
    ),
    Case(
        "truncated gzip",
        lambda d: _files(d, {"a.txt.gz": gzip.compress((STORY * 50).encode())[:-40]}),
        "corrupt",
        0,
    ),
    Case("corrupt bz2", lambda d: _files(d, {"a.txt.bz2": b"BZh91AY&SY" + bytes(64)}), "corrupt", 0),
    Case(
        "malformed JSONL line",
        lambda d: _files(d, {"a.jsonl": '{"text": "' + STORY + '"}\n{broken\n'}),
        "corrupt",
        1,
    ),
    Case(
        "JSON array with a non-object",
        lambda d: _files(d, {"a.json": json.dumps([{"text": STORY}, 42])}),
        "corrupt",
        1,
    ),
    Case(
        "record without text",
        lambda d: _files(d, {"a.jsonl": json.dumps({"title": "no body"}) + "\n"}),
        "empty",
        0,
    ),
    Case(
        "page without main text",
        lambda d: _files(d, {"a.html": "<html><body><nav>Home</nav></body></html>"}),
        "empty",
        0,
    ),
    Case("feed with an entity bomb", lambda d: _files(d, {"f.rss": BOMB}), "any", -1),
    Case(
        "NUL bytes in a JSONL line",
        lambda d: _files(d, {"a.jsonl": b'{"text": "a\x00b"}\n' + ('{"text": "' + STORY + '"}\n').encode()}),
        "corrupt",
        1,
    ),
    Case(
        "invalid UTF-8 in a text file",
        lambda d: _files(d, {"a.txt": STORY.encode() + b"\xff\xfe\xfa caf\xe9"}),
        None,
        1,
    ),
    Case("UTF-16 text file", lambda d: _files(d, {"a.txt": STORY.encode("utf-16")}), None, 1),
    Case(
        "WARC gzipped as one file", lambda d: _files(d, {"c.warc.gz": gzip.compress(_warc(False))}), None, 6
    ),
    Case("truncated WARC", lambda d: _files(d, {"c.warc": _warc(False)[:-300]}), "corrupt", 5),
    Case(
        "truncated per-record WARC.gz", lambda d: _files(d, {"c.warc.gz": _warc(True)[:-100]}), "corrupt", 5
    ),
    Case(
        "not a WARC", lambda d: _files(d, {"c.warc": b"hello, this is no archive at all\n" * 4}), "corrupt", 0
    ),
    Case(
        "CSV with an unbalanced quote",
        lambda d: _files(d, {"a.csv": f'id,text\n1,"{STORY}"\n2,"open quote {STORY}\n3,"{STORY} three"\n'}),
        "corrupt",
        2,
    ),
    Case("FIFO in a folder", _fifo, "unsupported", 1),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_class(tmp_path: Path, case: Case) -> None:
    d = tmp_path / "in"
    d.mkdir()
    sources = case.write(d)
    res, arts, summary = ingest(*sources, extra=case.extra)
    reasons = set(summary.get("skipped", {}))
    if case.reason is None:
        assert not reasons, summary
    elif case.reason != "any":
        assert case.reason in reasons, summary
    if case.good >= 0:
        assert len(arts) == case.good, (summary, [a["id"] for a in arts])
    assert all(len(a["text"]) <= 10_000_000 for a in arts)
    assert res.exit_code in (0, 1)


def test_xxe_in_a_feed_leaks_nothing(tmp_path: Path) -> None:
    (tmp_path / "f.rss").write_text(XXE, encoding="utf-8")
    _, arts, _ = ingest(tmp_path / "f.rss")
    assert all("root:" not in a["text"] for a in arts)


def test_private_addresses_and_other_schemes_are_blocked(site: str) -> None:
    _, arts, summary = ingest(f"{site}/page", "ftp://example.org/x", "gopher://example.org/")
    assert summary["skipped"] == {"blocked": 3} and not arts


def test_http_errors_and_a_trickling_server(site: str) -> None:
    _, arts, summary = ingest(f"{site}/page", f"{site}/missing", f"{site}/trickle", extra=LOCAL)
    assert len(arts) == 1 and summary["skipped"] == {"http-404": 1, "timeout": 1}
    log = Path(OUT.path).with_name("skips.jsonl")
    res = invoke(["ingest", f"{site}/trickle", "--no-state", "--skip-log", str(log), *LOCAL])
    clean(res)
    (skip,) = [json.loads(ln) for ln in log.read_text(encoding="utf-8").splitlines()]
    assert "longer than 1 s" in skip["detail"], skip  # the budget (3 x 0.3 s, at least 1 s), not "4417 s"


def test_code_reads_utf16_and_caps_lines_while_reading(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(STORY.encode("utf-16"))
    with open(tmp_path / "b.jsonl", "w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "big", "text": "word " * 60_000}) + "\n")
        f.write(json.dumps({"id": "ok", "text": STORY}) + "\n")
    res = invoke(["code", str(tmp_path / "a.txt"), str(tmp_path / "b.jsonl"), "--max-chars", "50000"])
    clean(res)
    assert res.exit_code == 0
    docs = {json.loads(ln)["doc_id"] for ln in res.stdout.splitlines()}
    assert docs == {"a", "ok"}
    assert "too-large" in res.stderr and "--max-chars" in res.stderr


def test_run_skips_unstorable_and_repeated_ids_per_record(db_url: str, tmp_path: Path) -> None:
    """One NUL in an article id blocked every PostgreSQL run; a repeated id replaced the earlier article."""
    recs = [
        {"id": f"a{i}", "text": STORY.replace("Tuesday", f"day {i}"), "date": "2024-05-14"} for i in range(4)
    ]
    recs.insert(2, {"id": "bad\u0000id", "text": STORY + " Again.", "date": "2024-05-14"})
    recs.append(
        {
            "id": "a1",
            "text": "A different story with a repeated id about floods in the north.",
            "date": "2024-05-15",
        }
    )
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    res = invoke(["run", str(src), "--db", db_url, "--json", "--no-dedup"])
    clean(res)
    stats = json.loads(res.stdout)
    assert stats["skipped"].get("invalid-id") == 1 and stats["skipped"].get("duplicate-id") == 1, stats
    with open_store(db_url, read_only=True) as s:
        assert s.info().counts["articles"] == 4
        assert s.get_articles(["a1"])[0].text.startswith("The foreign ministers")


# --- the database and the disk (issue 14, item 11) -----------------------------------------------------


@pytest.fixture
def small_db(db_url: str) -> str:
    from test_store import make_article, make_event

    with open_store(db_url) as s:
        s.write([(make_article(f"s{i}"), [make_event(f"s{i}", 0)]) for i in range(3)])
    return db_url


def test_a_database_with_a_missing_table_is_a_one_line_error(small_db: str) -> None:
    with open_store(small_db) as s:
        s.backend.execute("DROP TABLE actors")
    for args in (["db", "info"], ["query"], ["export", "--format", "jsonl"], ["query", "--sql", "SELECT 1"]):
        res = invoke([*args, "--db", small_db])
        clean(res)
        assert res.exit_code == 1 and "lacks the table(s) actors" in res.stderr, (args, res.stderr)


def test_a_truncated_duckdb_file_is_a_one_line_error(small_db: str, tmp_path: Path) -> None:
    if "://" in small_db:
        pytest.skip("DuckDB files only")
    cut = tmp_path / "cut.duckdb"
    data = Path(small_db).read_bytes()
    cut.write_bytes(data[: len(data) // 3])
    res = invoke(["db", "info", "--db", str(cut)])
    clean(res)
    assert res.exit_code == 1 and "damaged" in res.stderr


def test_a_full_disk_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    res = invoke(["ingest", str(tmp_path / "a.txt"), "-o", "/dev/full", "--no-state"])
    clean(res)
    assert res.exit_code == 1 and "the disk is full" in res.stderr
    # the database's write refused: DuckDB's own error, as a full disk gives it
    import duckdb

    from eventwire.store.duckdb_backend import DuckDBBackend
    from test_store import make_article, make_event

    def full(self: DuckDBBackend, table: str, data: object) -> None:
        raise duckdb.IOException('IO Error: Could not write file "x.wal": No space left on device')

    db = tmp_path / "full.duckdb"
    with open_store(db) as s:
        s.write([(make_article("before"), [make_event("before", 0)])])
        monkeypatch.setattr(DuckDBBackend, "insert_arrow", full)
        with pytest.raises(Exception) as err:
            s.write([(make_article("after"), [make_event("after", 0)])])
        assert "disk is full" in str(err.value) and "resumes" in str(err.value)
        monkeypatch.undo()
        assert [a.id for a in s.get_articles(["before", "after"])] == ["before"]


def test_exports_to_a_folder_or_an_unwritable_path_are_one_line_errors(small_db: str, tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    for fmt, out, says in (
        ("plover", tmp_path, "is a folder"),
        ("jsonl", "/proc/nowhere/x.jsonl", "cannot write"),
        ("gdelt", tmp_path / "file.txt", "is a file"),
        ("csv", "/proc/nowhere", "cannot create"),
    ):
        res = invoke(["export", "--db", small_db, "--format", fmt, "--out", str(out)])
        clean(res)
        assert res.exit_code == 1 and says in res.stderr, (fmt, res.stderr)


def test_csv_export_defuses_spreadsheet_formulas(tmp_path: Path) -> None:
    import csv as csvmod
    import dataclasses

    from test_store import make_article, make_event

    art = dataclasses.replace(make_article("f1"), title='=HYPERLINK("http://evil.example","click")')
    ev = dataclasses.replace(make_event("f1", 0), sentence="+SUM(A1:A9) and @cmd")
    db = tmp_path / "f.duckdb"
    with open_store(db) as s:
        s.write([(art, [ev])])
    out = tmp_path / "csv"
    res = invoke(["export", "--db", str(db), "--format", "csv", "--out", str(out)])
    clean(res)
    with open(out / "articles.csv", encoding="utf-8") as f:
        row = next(csvmod.DictReader(f))
    assert row["title"] == "'" + art.title  # type: ignore[operator]
    with open(out / "mentions.csv", encoding="utf-8") as f:
        row = next(csvmod.DictReader(f))
    assert row["sentence"].startswith("'+SUM") and row["actor_code"] == "AZEGOV"
