"""Running ingest: the CLI, JSONL output for the coder, resuming after a kill, flat memory, state locking."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.errors import ConfigError
from eventwire.ingest import IngestOptions, Ingestor, ingest, write_jsonl
from eventwire.types import Article

FIX = Path(__file__).parent / "fixtures" / "ingest"
REPO = Path(__file__).resolve().parents[1]
PLACES = [
    "Accra",
    "Lima",
    "Hanoi",
    "Oslo",
    "Quito",
    "Dakar",
    "Sofia",
    "Tunis",
    "Minsk",
    "Doha",
    "Baku",
    "Riga",
]
VERBS = ["met", "criticised", "thanked", "visited", "accused", "praised", "warned", "called"]


def story(n: int) -> str:
    """A distinct short news text for document ``n`` (no two share enough shingles to be duplicates)."""
    p = PLACES[n % len(PLACES)]
    q = PLACES[(n * 7 + 3) % len(PLACES)]
    v = VERBS[n % len(VERBS)]
    filler = " ".join(f"w{n}_{i}" for i in range(40))
    return (
        f"The foreign minister of the country whose capital is {p} {v} the ambassador posted in {q} on day "
        f"{n} of the talks, officials said. Record {n}. {filler}."
    )


def page(n: int) -> str:
    return (
        f"<html><head><title>Story {n}</title><meta name='date' content='2023-05-{n % 28 + 1:02d}'>"
        f"</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>Story {n}</h1>"
        f"<p>{story(n)}</p><p>{story(n + 100_000)}</p></article>"
        "<aside><h3>Related</h3><a href='/x'>Other story</a></aside>"
        "<footer>© 2023 Example News</footer></body></html>"
    )


def write_pages(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"p{n:04d}.html").write_text(page(n), encoding="utf-8")


def ids_of(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


def test_cli_writes_jsonl_the_coder_reads() -> None:
    runner = CliRunner()
    res = runner.invoke(
        main, ["ingest", str(FIX / "ledger_ports.html"), str(FIX / "gazette_fr.html"), "--no-state"]
    )
    assert res.exit_code == 0, res.output
    lines = [json.loads(line) for line in res.stdout.splitlines()]
    assert [d["language"] for d in lines] == ["en", "fr"]
    for d in lines:
        assert set(d) == {
            "id",
            "url",
            "source",
            "title",
            "author",
            "date",
            "language",
            "text",
            "duplicate_of",
            "cluster_id",
            "skipped_reason",
            "fetched_at",
            "date_raw",
            "origin",
        }
        assert Article.from_dict(d).to_dict() == d
    assert lines[0]["date"] == "2024-03-13" and lines[1]["skipped_reason"] == "language"
    assert "2 articles written" in res.stderr


def test_cli_json_summary_skip_log_and_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    out, log = tmp_path / "out.jsonl", tmp_path / "skips.jsonl"
    args = [
        "ingest",
        str(FIX / "river_post_protest.html"),
        str(tmp_path / "missing.html"),
        "-o",
        str(out),
        "--state-dir",
        str(tmp_path / "s"),
        "--json",
        "--skip-log",
        str(log),
    ]
    res = runner.invoke(main, args)
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["articles"] == 1 and summary["skipped"] == {"not-found": 1}
    assert json.loads(log.read_text(encoding="utf-8"))["reason"] == "not-found"
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1
    res = runner.invoke(main, args)  # the same input again adds nothing and is not an error
    assert res.exit_code == 0 and json.loads(res.stdout)["outcomes"]["already_done"] == 1
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1

    res = runner.invoke(main, ["ingest", str(tmp_path / "nothing.txt"), "--no-state"])
    assert res.exit_code == 1 and "nothing was ingested" in res.stderr
    res = runner.invoke(main, ["ingest", str(FIX / "corpus.csv"), "--column", "body", "--no-state"])
    assert res.exit_code == 2 and "FIELD=NAME" in res.output
    res = runner.invoke(main, ["ingest", "--no-state"])
    assert res.exit_code == 2
    res = runner.invoke(main, ["ingest", str(FIX / "corpus.csv"), "--no-state", "--similarity", "1.5"])
    assert res.exit_code == 1 and "similarity must be within" in res.stderr


def test_cli_stdin_and_column_mapping() -> None:
    runner = CliRunner()
    rows = [
        json.dumps({"story": story(i), "headline": f"H{i}", "when": "2022-02-0" + str(i + 1)})
        for i in range(3)
    ]
    res = runner.invoke(
        main,
        ["ingest", "-", "--no-state", "--column", "text=story", "--column", "date=when"],
        input="\n".join(rows) + "\n",
    )
    assert res.exit_code == 0, res.output
    got = [json.loads(line) for line in res.stdout.splitlines()]
    assert [(d["title"], d["date"]) for d in got] == [
        ("H0", "2022-02-01"),
        ("H1", "2022-02-02"),
        ("H2", "2022-02-03"),
    ]


def test_consumer_crash_then_resume_is_exactly_once(tmp_path: Path) -> None:
    """A run that dies halfway (here: the consumer raises) loses nothing and repeats nothing next time."""
    src = tmp_path / "pages"
    write_pages(src, 40)
    out, state = tmp_path / "out.jsonl", tmp_path / "state"
    opts = IngestOptions(state_dir=state, commit_every=7)
    seen = 0

    def crash(_: object) -> None:
        nonlocal seen
        seen += 1
        if seen == 23:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_jsonl([str(src)], out, opts, on_item=crash)
    partial = len(ids_of(out))
    assert 0 < partial < 40
    summary = write_jsonl([str(src)], out, opts)
    ids = ids_of(out)
    assert len(ids) == len(set(ids)) == 40
    assert summary.already_done == 21  # three checkpoints of seven documents survived the crash
    assert sorted(ids) == sorted(a.id for a in ingest([str(src)]) if isinstance(a, Article))


def test_resume_after_sigkill(tmp_path: Path) -> None:
    src = tmp_path / "pages"
    write_pages(src, 200)
    out, state = tmp_path / "out.jsonl", tmp_path / "state"
    cmd = [
        sys.executable,
        "-c",
        "from eventwire.cli import main; main()",
        "ingest",
        str(src),
        "-o",
        str(out),
        "--state-dir",
        str(state),
        "--commit-every",
        "4",
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if out.exists() and out.read_bytes().count(b"\n") >= 20:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    before = out.read_bytes().count(b"\n")
    assert 20 <= before < 200
    done = subprocess.run([*cmd, "--json"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    ids = ids_of(out)
    assert len(ids) == len(set(ids)) == 200
    assert json.loads(done.stdout)["outcomes"]["already_done"] >= 16


def test_memory_is_flat_in_corpus_size(tmp_path: Path) -> None:
    def peak(count: int) -> int:
        path = tmp_path / f"c{count}.jsonl"
        with open(path, "w", encoding="utf-8") as fh:
            for i in range(count):
                fh.write(json.dumps({"id": f"m{count}-{i}", "text": story(i)}) + "\n")
        opts = IngestOptions(state_dir=tmp_path / f"s{count}", commit_every=50)
        tracemalloc.start()
        n = sum(1 for item in ingest([str(path)], opts) if isinstance(item, Article))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert n == count
        return top

    peak(20)  # load models and caches outside the measurement
    small, large = peak(100), peak(1000)
    assert large < small * 1.5 + 1_000_000, (small, large)


def test_one_run_per_state_directory(tmp_path: Path) -> None:
    opts = IngestOptions(state_dir=tmp_path / "s")
    with Ingestor(opts), pytest.raises(ConfigError, match="another eventwire ingest"):
        Ingestor(opts)
    with Ingestor(opts) as again:  # released on close
        assert next(iter(again.run([str(FIX / "plain_story.txt")]))).title == (
            "Ministers pledge to reopen border crossing by spring"
        )


def test_articles_without_a_url_say_where_they_were_read(tmp_path: Path) -> None:
    from eventwire.ingest import IngestOptions, ingest

    text = "The foreign ministers met in Tallinn on Wednesday to discuss the damaged cables."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    lines = [
        json.dumps({"id": "web", "text": text + " One.", "url": "https://example.org/web"}),
        json.dumps({"id": "local", "text": "Protesters marched in Ganja on Sunday against bread prices."}),
    ]
    (tmp_path / "b.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    opts = IngestOptions(state_dir=None, dedup=False)
    arts = {a.id: a for a in ingest([str(tmp_path)], opts) if isinstance(a, Article)}
    by_origin = {a.origin for a in arts.values()}
    assert (tmp_path / "a.txt").resolve().as_uri() in by_origin
    assert arts["local"].origin == (tmp_path / "b.jsonl").resolve().as_uri() + "#line=2"
    assert arts["web"].origin is None and arts["web"].url == "https://example.org/web"


def test_a_shortened_output_file_is_noticed_on_resume(tmp_path: Path) -> None:
    """Resuming `ingest -o` after lines were cut off the output used to go on without them (698 missing)."""
    src = tmp_path / "pages"
    write_pages(src, 12)
    out, state = tmp_path / "out.jsonl", tmp_path / "state"
    args = ["ingest", str(src), "-o", str(out), "--state-dir", str(state)]
    assert CliRunner().invoke(main, args).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    out.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 1 and "Traceback" not in res.output
    err = res.stderr.strip().splitlines()
    assert len(err) == 1 and "shorter" in err[0] and "--state-dir" in err[0]
