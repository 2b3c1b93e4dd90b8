"""Deduplication: exact and near copies cluster under one canonical article, across runs, idempotently."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventwire.errors import ConfigError
from eventwire.ingest import IngestOptions, IngestSummary, SqliteDedupIndex, ingest
from eventwire.ingest.dedup import Deduplicator, cluster_id_for
from eventwire.types import Article

FIX = Path(__file__).parent / "fixtures" / "ingest"

WIRE = [
    "Government troops and rebel fighters agreed on Sunday to a three-day ceasefire in the northern province "
    "to allow aid convoys to reach towns cut off by two weeks of fighting, a United Nations envoy said.",
    "The envoy told reporters in the provincial capital that both sides had signed the agreement after "
    "talks mediated by the regional bloc, and that the first convoy of twenty lorries would leave on Monday "
    "morning.",
    "Aid agencies say more than forty thousand people have fled their homes since the fighting began, and "
    "that food and medicine are running short in at least three towns along the main highway.",
    "A rebel spokesman said the group would respect the truce as long as government aircraft stayed out of "
    "the area, while the defence ministry said troops would hold their current positions.",
    "Previous ceasefires in the province have collapsed within days, and diplomats said the coming week "
    "would test whether either side was ready for longer negotiations.",
]


def _rec(rid: str, text: str, source: str, date: str = "2024-04-07", title: str | None = None) -> str:
    return json.dumps({"id": rid, "text": text, "source": source, "date": date, "title": title})


def _run(paths: list[Path], state: Path | None = None, **kw: object) -> tuple[list[Article], IngestSummary]:
    summary = IngestSummary()
    opts = IngestOptions(state_dir=state, **kw)  # type: ignore[arg-type]
    items = list(ingest([str(p) for p in paths], opts, summary=summary))
    return [i for i in items if isinstance(i, Article)], summary


def test_wire_copies_cluster_with_one_canonical(tmp_path: Path) -> None:
    body = "\n\n".join(WIRE)
    other = (
        "Voters in the coastal region elected a new governor on Saturday in a run-off that the electoral "
        "commission said drew the highest turnout in twenty years, with the opposition candidate winning "
        "narrowly after a campaign dominated by unemployment and the price of bread."
    )
    lines = [
        _rec("a", body, "Wire Service", title="Truce agreed in north"),
        _rec(
            "b", "  " + body.upper().replace(", ", " , ") + "  ", "Daily One", title="Rivals sign 3-day truce"
        ),
        _rec(
            "c",
            "\n\n".join(WIRE[:4]) + "\n\n(Additional reporting by our correspondent.)",
            "Evening Two",
            date="2024-04-08",
        ),
        _rec("d", other, "Daily One"),
    ]
    p = tmp_path / "day1.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    arts, summary = _run([p])
    by_id = {a.id: a for a in arts}
    assert by_id["a"].duplicate_of is None and by_id["a"].skipped_reason is None
    assert by_id["a"].cluster_id == cluster_id_for("a")
    for copy in ("b", "c"):
        assert by_id[copy].duplicate_of == "a"
        assert by_id[copy].cluster_id == by_id["a"].cluster_id
        assert by_id[copy].skipped_reason == "duplicate"
        assert by_id[copy].text  # mentions keep their text, outlet and date
    assert by_id["c"].source == "Evening Two" and str(by_id["c"].date) == "2024-04-08"
    assert by_id["d"].duplicate_of is None and by_id["d"].cluster_id != by_id["a"].cluster_id
    assert (summary.new, summary.duplicates) == (2, 2)


def test_html_wire_copy_with_other_headline_and_layout() -> None:
    arts, _ = _run(
        [FIX / "ledger_ports.html", FIX / "coastal_times_cables.html", FIX / "river_post_protest.html"]
    )
    ledger, coastal, river = arts
    assert coastal.duplicate_of == ledger.id and coastal.cluster_id == ledger.cluster_id
    assert coastal.title != ledger.title
    assert river.duplicate_of is None


def test_tomorrows_copies_join_yesterdays_cluster_and_rerun_adds_nothing(tmp_path: Path) -> None:
    state = tmp_path / "state"
    day1 = tmp_path / "day1.jsonl"
    day1.write_text(_rec("y1", "\n\n".join(WIRE), "Wire Service", date="2024-04-07") + "\n", encoding="utf-8")
    first, _ = _run([day1], state)
    assert first[0].duplicate_of is None

    day2 = tmp_path / "day2.jsonl"
    day2.write_text(
        _rec("t1", "\n\n".join(WIRE[1:]), "Morning Three", date="2024-04-08") + "\n", encoding="utf-8"
    )
    second, _ = _run([day2], state)
    assert second[0].duplicate_of == "y1" and second[0].cluster_id == first[0].cluster_id

    again, summary = _run([day1, day2], state)
    assert again == [] and summary.articles == 0 and summary.already_done == 2

    # The same articles in a new file (other name): read, recognised by id, not emitted.
    copy = tmp_path / "copy.jsonl"
    shutil.copy(day1, copy)
    again, summary = _run([copy], state)
    assert again == [] and summary.unchanged == 1

    index = SqliteDedupIndex(sqlite3.connect(state / "ingest.sqlite"))
    mentions = index.cluster(first[0].cluster_id or "")
    assert [(m.id, m.source, str(m.date)) for m in mentions] == [
        ("y1", "Wire Service", "2024-04-07"),
        ("t1", "Morning Three", "2024-04-08"),
    ]


def test_changed_text_under_the_same_id_is_an_update(tmp_path: Path) -> None:
    state = tmp_path / "s"
    p = tmp_path / "a.jsonl"
    p.write_text(_rec("u1", "\n\n".join(WIRE[:3]), "Wire") + "\n", encoding="utf-8")
    first, _ = _run([p], state)
    p2 = tmp_path / "b.jsonl"
    p2.write_text(_rec("u1", "\n\n".join(WIRE), "Wire") + "\n", encoding="utf-8")
    second, summary = _run([p2], state)
    assert summary.updated == 1 and second[0].id == "u1" and second[0].cluster_id == first[0].cluster_id


def test_dedup_off_and_index_settings_are_checked(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    p.write_text(
        "\n".join([_rec("x", WIRE[0] + " " + WIRE[1], "A"), _rec("y", WIRE[0] + " " + WIRE[1], "B")]),
        encoding="utf-8",
    )
    arts, _ = _run([p], dedup=False)
    assert [a.cluster_id for a in arts] == [None, None] and all(a.duplicate_of is None for a in arts)
    state = tmp_path / "s"
    _run([p], state)
    with pytest.raises(ConfigError, match="num_perm=128 \\(asked 64\\)"):
        _run([p], state, num_perm=64)


def test_similarity_threshold(tmp_path: Path) -> None:
    """Half the paragraphs in common is a related story, not a copy."""
    p = tmp_path / "a.jsonl"
    other = [
        w.replace("ceasefire", "offensive").replace("aid", "arms").replace("truce", "assault") for w in WIRE
    ]
    p.write_text(
        "\n".join([_rec("h1", "\n\n".join(WIRE), "A"), _rec("h2", "\n\n".join(WIRE[:2] + other[2:]), "B")]),
        encoding="utf-8",
    )
    arts, _ = _run([p])
    assert arts[1].duplicate_of is None
    arts, _ = _run([p], similarity=0.3)
    assert arts[1].duplicate_of == "h1"


WORDS = st.lists(
    st.sampled_from(
        [
            "the",
            "minister",
            "said",
            "talks",
            "would",
            "resume",
            "in",
            "the",
            "capital",
            "next",
            "week",
            "after",
            "a",
            "brief",
            "pause",
            "over",
            "border",
            "security",
            "and",
            "trade",
        ]
    ),
    min_size=8,
    max_size=80,
)


@settings(max_examples=60, deadline=None)
@given(WORDS, st.sampled_from([str.upper, str.lower, str.title]), st.sampled_from([" ", "  ", "\n", " , "]))
def test_fingerprint_ignores_case_spacing_and_punctuation(words: list[str], case, sep: str) -> None:  # type: ignore[no-untyped-def]
    dd = Deduplicator(SqliteDedupIndex(sqlite3.connect(":memory:")))
    a = dd.fingerprint(" ".join(words))
    b = dd.fingerprint(case(sep.join(words)) + ".")
    assert a.content_hash == b.content_hash
    assert (a.signature == b.signature).all() and a.keys == b.keys


def test_unrelated_articles_do_not_collide() -> None:
    """A few hundred distinct synthetic stories from one vocabulary: no false duplicates."""
    rng = random.Random(7)
    vocab = [
        "minister",
        "president",
        "army",
        "police",
        "rebels",
        "talks",
        "border",
        "trade",
        "election",
        "court",
        "protest",
        "strike",
        "port",
        "ceasefire",
        "aid",
        "envoy",
        "capital",
        "province",
        "parliament",
        "budget",
        "oil",
        "gas",
        "bank",
        "river",
        "bridge",
        "harvest",
    ]
    dd = Deduplicator(SqliteDedupIndex(sqlite3.connect(":memory:")))
    verdicts = []
    for i in range(300):
        text = " ".join(rng.choice(vocab) for _ in range(150))
        verdicts.append(dd.assign(f"s{i}", dd.fingerprint(text)).status)
    assert verdicts.count("duplicate") == 0
