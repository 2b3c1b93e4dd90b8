"""The pipeline: reading inputs (with bad ones), streaming order, parallel coding, the public API."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eventwire
from eventwire.config import Config
from eventwire.errors import ConfigError, RecordError
from eventwire.pipeline import Coder, read_inputs
from eventwire.types import Article, Event, Skip

TEXT = "Kenyan President William Ruto met Tanzanian President Samia Suluhu Hassan in Arusha on Tuesday."


def test_import_is_cheap_and_side_effect_free() -> None:
    import subprocess
    import sys

    code = "import sys, eventwire; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_code_text_public_api() -> None:
    events = eventwire.code_text(TEXT, date="2024-05-17")
    assert events and events[0].cameo_root == "04"
    assert events[0].date == dt.date(2024, 5, 14)


def test_text_file_and_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "report.txt"
    p.write_text(TEXT, encoding="utf-8")
    items = list(read_inputs([str(p), str(tmp_path / "nope.txt")], date=dt.date(2024, 5, 17)))
    assert isinstance(items[0], Article) and items[0].id == "report" and items[0].date == dt.date(2024, 5, 17)
    assert isinstance(items[1], Skip) and items[1].reason == "not-found"


def test_bad_inputs_are_skips_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG" * 100)
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 talks in Montr\xe9al".encode("latin-1"))
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: 50 MB of nothing, not written to disk
    names = ["empty.txt", "binary.txt", "latin1.txt", "big.txt"]
    items = list(read_inputs([str(tmp_path / n) for n in names], max_chars=1_000_000))
    reasons = [i.reason for i in items if isinstance(i, Skip)]
    assert reasons == ["empty", "binary", "invalid-utf8", "too-large"]
    assert "iconv" in items[2].detail


def test_jsonl_with_malformed_lines(tmp_path: Path) -> None:
    p = tmp_path / "docs.jsonl"
    lines = [
        json.dumps({"id": "a", "text": TEXT, "date": "2024-05-17", "url": "https://example.org/a"}),
        "{not json",
        json.dumps({"id": "b"}),
        json.dumps({"id": "c", "text": TEXT, "date": "yesterday"}),
        "",
        json.dumps(["a", "list"]),
        json.dumps({"text": TEXT}),
    ]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_inputs([str(p)]))
    kinds = [(type(i).__name__, getattr(i, "reason", getattr(i, "id", ""))) for i in items]
    assert kinds[0] == ("Article", "a")
    assert [k for k in kinds[1:5]] == [
        ("Skip", "malformed"),
        ("Skip", "malformed"),
        ("Article", "c"),
        ("Skip", "malformed"),
    ]
    # a date that cannot be read is kept (a warning), never dropped and never replaced by today's
    assert items[3].date is None and items[3].date_raw == "yesterday"
    assert kinds[5][0] == "Article" and kinds[5][1].startswith("doc-")
    assert items[1].where == "docs.jsonl:2"


def test_stdin_text_and_jsonl() -> None:
    class Stdin:
        def __init__(self, data: bytes) -> None:
            self.buffer = io.BytesIO(data)

    arts = list(read_inputs(["-"], stdin=Stdin(TEXT.encode())))
    assert isinstance(arts[0], Article) and arts[0].id.startswith("stdin-")
    line = json.dumps({"id": "x", "text": TEXT}).encode()
    arts = list(read_inputs(["-"], input_format="jsonl", stdin=Stdin(line + b"\n")))
    assert isinstance(arts[0], Article) and arts[0].id == "x"


def test_stream_keeps_order_and_reports_skips(coder: Coder) -> None:
    arts = [Article(id=f"d{i}", text=TEXT if i % 3 else "") for i in range(7)]
    skips: list[Skip] = []
    out = list(coder.code_articles(arts, on_skip=skips.append))
    assert [a.id for a, _ in out] == [f"d{i}" for i in range(7) if i % 3]
    assert [s.where for s in skips] == ["d0", "d3", "d6"] and {s.reason for s in skips} == {"empty"}


def test_non_english_is_skipped_with_reason(coder: Coder) -> None:
    skips: list[Skip] = []
    list(
        coder.code_articles(
            [Article(id="fr", text="Le président a rencontré", language="fr")], on_skip=skips.append
        )
    )
    assert skips[0].reason == "language"


def test_code_raises_record_error_for_a_bad_single_document(coder: Coder) -> None:
    with pytest.raises(RecordError, match="empty"):
        coder.code(Article(id="e", text=""))


def test_two_processes_give_the_same_events_in_the_same_order() -> None:
    arts = [
        Article(id=f"d{i}", text=TEXT.replace("Tuesday", day), date=dt.date(2024, 5, 17))
        for i, day in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday"] * 3)
    ]
    one = [(a.id, [e.to_dict() for e in evs]) for a, evs in Coder(Config(batch_size=2)).code_articles(arts)]
    two = [
        (a.id, [e.to_dict() for e in evs])
        for a, evs in Coder(Config(batch_size=2, n_process=2)).code_articles(arts)
    ]
    assert one == two


def test_config_is_validated() -> None:
    with pytest.raises(ConfigError, match="n_process"):
        Config(n_process=0)
    with pytest.raises(ConfigError, match="not found"):
        Config(actor_files=(Path("/nonexistent/actors.tsv"),))


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=0, max_size=300))
def test_any_text_codes_without_crashing_and_offsets_are_evidence(coder: Coder, text: str) -> None:
    try:
        events = coder.code(Article(id="h", text=text))
    except RecordError:
        assert not text.strip()
        return
    for e in events:
        assert text[e.event_start : e.event_end] == e.event_text
        for a in (*e.actor, *e.recipient):
            assert text[a.start : a.end] == a.text


def test_event_round_trips_through_dict(coder: Coder) -> None:
    for e in coder.code(Article(id="r", text=TEXT, date=dt.date(2024, 5, 17))):
        assert Event.from_dict(json.loads(json.dumps(e.to_dict()))) == e


def test_ingest_duplicates_and_foreign_articles_are_skipped_not_coded(coder: Coder, tmp_path: Path) -> None:
    p = tmp_path / "ingested.jsonl"
    rows = [
        {"id": "a", "text": TEXT, "skipped_reason": None, "cluster_id": "c1"},
        {"id": "b", "text": TEXT, "skipped_reason": "duplicate", "duplicate_of": "a", "cluster_id": "c1"},
        {"id": "c", "text": TEXT, "skipped_reason": "language", "language": "fr"},
    ]
    p.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    arts = [a for a in read_inputs([str(p)]) if isinstance(a, Article)]
    assert arts[1].duplicate_of == "a" and arts[0].cluster_id == "c1"
    skips: list[Skip] = []
    coded = [a.id for a, _ in coder.code_articles(arts, on_skip=skips.append)]
    assert coded == ["a"]
    assert [(s.where, s.reason) for s in skips] == [("b", "duplicate"), ("c", "language")]


def test_a_coder_defect_on_one_document_is_a_skip_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    coder = Coder(Config(geolocate=False))
    real = coder.code_doc

    def flaky(doc, article):  # type: ignore[no-untyped-def]
        if article.id == "bad":
            raise RecursionError("maximum recursion depth exceeded")
        return real(doc, article)

    monkeypatch.setattr(coder, "code_doc", flaky)
    skips: list[Skip] = []
    arts = [Article(id=i, text=TEXT) for i in ("a", "bad", "c")]
    assert [a.id for a, _ in coder.code_articles(arts, on_skip=skips.append)] == ["a", "c"]
    assert skips[0].where == "bad" and skips[0].reason == "coder-error"
    assert "RecursionError" in skips[0].detail


# --- memory bounded by characters; inputs read in any Unicode encoding ----------------------------------

STORY = (
    "The foreign ministers of Kenya and Tanzania met in Arusha on Tuesday to discuss the border crossing. "
    "Officials said the talks would continue next month.\n\n"
    "Police in Nairobi arrested three protesters on Wednesday, the interior ministry said.\n\n"
)


def test_split_points_cut_at_paragraph_breaks() -> None:
    from eventwire.nlp import split_points

    text = STORY * 40
    cuts = split_points(text, 1500)
    assert cuts[0] == 0 and cuts[-1] == len(text)
    assert all(b - a <= 1500 for a, b in itertools.pairwise(cuts))
    assert all(text.startswith("\n\n", c) for c in cuts[1:-1])


def test_a_long_document_is_parsed_in_pieces_to_the_same_tokens_and_events(coder: Coder) -> None:
    """The parser's memory grows with a document's length (3.3 GB for 1 M characters at once, measured);
    a document over ``piece_chars`` is parsed in pieces and joined: same text, same tokens, and events
    whose evidence offsets still point into the whole text."""
    from eventwire.nlp import parse_in_pieces

    text = STORY * 30
    nlp = coder.nlp
    whole = nlp.make_doc(text)
    pieced = parse_in_pieces(nlp, nlp.make_doc(text), 1200, after=())
    assert pieced.text == text and [t.text for t in pieced] == [t.text for t in whole]
    assert len(list(pieced.sents)) >= 60
    small = Coder(Config(piece_chars=1200))
    article = Article(id="long", text=text, date=dt.date(2024, 5, 17))
    events = small.code(article)
    assert events and events == [e for e in coder.code(article)]
    for e in events:
        assert text[e.event_start : e.event_end] == e.event_text


def test_batches_are_bounded_by_characters_too() -> None:
    from eventwire.pipeline import _chunks

    arts = [Article(id=str(i), text="x" * n) for i, n in enumerate([400, 400, 400, 3000, 10, 10])]
    sizes = [[a.id for a in b] for b in _chunks(arts, 64, 1000)]
    assert sizes == [["0", "1"], ["2"], ["3"], ["4", "5"]]


def test_utf16_text_files_are_read_not_called_binary(tmp_path: Path) -> None:
    for enc, name in (("utf-16", "bom.txt"), ("utf-16-le", "le.txt"), ("utf-16-be", "be.txt")):
        (tmp_path / name).write_bytes(TEXT.encode(enc))
        items = list(read_inputs([str(tmp_path / name)]))
        assert [type(i).__name__ for i in items] == ["Article"], items
        assert items[0].text.strip() == TEXT  # type: ignore[union-attr]
    (tmp_path / "x.jsonl").write_bytes((json.dumps({"id": "a", "text": TEXT}) + "\n").encode("utf-16"))
    assert [i.id for i in read_inputs([str(tmp_path / "x.jsonl")])] == ["a"]  # type: ignore[union-attr]


def test_a_huge_jsonl_line_is_skipped_while_reading_it(tmp_path: Path) -> None:
    """The size is checked while the line is read (a 1 GiB line took 2.2 GB before; see
    benchmarks/bench_reliability.py for that one): the lines after it are read as usual."""
    p = tmp_path / "big.jsonl"
    with open(p, "w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "huge", "text": "word " * 300_000}) + "\n")
        f.write(json.dumps({"id": "after", "text": TEXT}) + "\n")
    items = list(read_inputs([str(p)], max_chars=100_000))
    assert isinstance(items[0], Skip) and items[0].reason == "too-large" and "--max-chars" in items[0].detail
    assert [i.id for i in items[1:]] == ["after"]  # type: ignore[union-attr]


ORPHAN = """
import time
from eventwire.config import Config
from eventwire.pipeline import Coder
from eventwire.types import Article

TEXT = "Kenyan President William Ruto met Tanzanian President Samia Suluhu Hassan in Arusha on Tuesday."

def articles():
    i = 0
    while True:
        i += 1
        yield Article(id=f"a{i}", text=TEXT)
        time.sleep(0.05)

if __name__ == "__main__":
    for a, _ in Coder(Config(n_process=2, batch_size=2)).code_articles(articles()):
        print("coded", a.id, flush=True)
"""


def _descendants(pid: int) -> set[int]:
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d.name))
    out, todo = set(), [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.add(k)
            todo.append(k)
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
def test_workers_die_with_the_main_process_even_after_kill_9(tmp_path: Path) -> None:
    """`run -j 2` killed with -9 used to leave its workers (about 1.2 GB) running without a parent."""
    import os
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "orphan.py"
    script.write_text(ORPHAN, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith("coded"), "the workers never coded anything"
    family = _descendants(proc.pid)
    assert len(family) >= 2
    os.kill(proc.pid, signal.SIGKILL)  # the zombie stays unreaped until wait(): the workers must see it
    deadline = time.monotonic() + 20
    alive = family
    while alive and time.monotonic() < deadline:
        time.sleep(0.5)
        alive = {p for p in family if Path(f"/proc/{p}").exists() and "Z" not in _state(p)}
    proc.wait()
    assert not alive, f"still running after the main process was killed: {sorted(alive)}"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "Z"
