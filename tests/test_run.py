"""The top-level run module (ingest -> code -> store) and the layering it keeps: the store and the exports
know nothing of ingest or the coder, backends come from a registry, and there are no import circles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.config import Config
from eventwire.errors import StoreError
from eventwire.ingest import IngestOptions
from eventwire.run import run_pipeline, run_sources
from eventwire.store import open_store
from eventwire.store.registry import backend_class, open_backend, scheme_of
from eventwire.types import Article, Event

SRC = Path(__file__).resolve().parents[1] / "src" / "eventwire"


def imports_of(path: Path) -> set[str]:
    """Every module a file imports (absolute names; relative imports resolved), at any depth."""
    rel = path.relative_to(SRC.parent).with_suffix("").parts
    package = list(rel[:-1])  # a module's package; for __init__.py, the package itself
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            mod = ".".join([*base, node.module] if node.module else base)
            out.add(mod)
            out.update(f"{mod}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_the_store_knows_nothing_of_ingest_the_coder_or_the_run() -> None:
    upper = ("eventwire.ingest", "eventwire.pipeline", "eventwire.run", "eventwire.events")
    upper += ("eventwire.actors",)
    for f in sorted((SRC / "store").glob("*.py")):
        bad = sorted(m for m in imports_of(f) if m.startswith(upper))
        assert not bad, f"{f.name} imports {bad}"


def test_exports_read_through_store_methods_only() -> None:
    tree = ast.parse((SRC / "export.py").read_text(encoding="utf-8"))
    touched = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "backend"]
    assert not touched, f"export.py reaches past Store to its backend at lines {touched}"


def test_no_backend_module_imports_another_or_the_store() -> None:
    for name in ("backend", "duckdb_backend", "postgres_backend", "registry"):
        mods = imports_of(SRC / "store" / f"{name}.py")
        bad = sorted(
            m for m in mods if m.startswith("eventwire.store.") and m.split(".")[2].endswith("backend")
        )
        bad = [m for m in bad if not m.startswith("eventwire.store.backend")]
        assert not bad and "eventwire.store.store" not in mods, f"{name} imports {bad}"


def test_registry_picks_the_backend_by_scheme() -> None:
    assert [scheme_of(u) for u in ("x.duckdb", ":memory:", "duckdb:x.db", "postgresql://u@h/d")] == [
        "duckdb",
        "duckdb",
        "duckdb",
        "postgresql",
    ]
    assert backend_class("postgres") is backend_class("postgresql")
    b = open_backend("duckdb::memory:")
    try:
        assert b.dialect == "duckdb" and b.url == ":memory:"
    finally:
        b.close()
    with pytest.raises(StoreError, match=r"no backend for mysql:// URLs"):
        open_backend("mysql://u@h/d")


class StubCoder:
    """One event per article, without spaCy: the run's plumbing, not the coder, is under test."""

    def code_articles(self, articles, on_skip=None):  # type: ignore[no-untyped-def]
        for a in articles:
            ev = Event(
                doc_id=a.id,
                event_id=f"{a.id}:0",
                sentence_index=0,
                sentence=a.text[:20],
                event="CONSULT",
                cameo="040",
                cameo_root="04",
                quad_class=1,
                goldstein=1.0,
            )
            yield a, [ev]


def test_run_sources_ingests_codes_and_stores(tmp_path: Path) -> None:
    src = tmp_path / "news"
    src.mkdir()
    (src / "a.txt").write_text("Officials met in the capital on Monday to discuss water.", encoding="utf-8")
    (src / "b.txt").write_text("A second story about a different meeting held on Tuesday.", encoding="utf-8")
    with open_store(tmp_path / "e.duckdb") as store:
        stats = run_sources(
            [str(src)], store, Config(), ingest_options=IngestOptions(), coder=StubCoder(), batch_articles=1
        )
        assert (stats.documents, stats.coded, stats.events, stats.batches) == (2, 2, 2, 2)
        assert store.info().last_run["status"] == "done"  # type: ignore[index]


def test_ingest_and_run_read_sources_with_the_same_options() -> None:
    def options(cmd: str) -> set[str]:
        res = CliRunner().invoke(main, [cmd, "--help"], terminal_width=200)
        return {w.split("=")[0].rstrip(",") for w in res.output.split() if w.startswith("--")}

    reader = {
        "--input-format",
        "--column",
        "--date",
        "--source",
        "--follow",
        "--feed",
        "--language",
        "--any-language",
        "--no-dedup",
        "--similarity",
        "--min-chars",
        "--max-bytes",
        "--timeout",
        "--retries",
        "--rate-limit",
        "--user-agent",
        "--allow-private",
        "--allow-host",
        "--refetch",
        "--boilerplate",
    }
    assert reader <= options("ingest") and reader <= options("run")


def test_a_run_writes_before_its_batch_holds_too_much_text(tmp_path: Path) -> None:
    arts = [Article(id=f"t{i}", text="A long story about the meeting. " * 100, date=None) for i in range(6)]
    with open_store(tmp_path / "c.duckdb") as store:
        stats = run_pipeline(arts, store, StubCoder(), batch_articles=200, batch_chars=6000)
    assert stats.batches == 3 and stats.coded == 6


def test_code_duplicates_codes_and_stores_the_copies(coder: object) -> None:
    """--code-duplicates: a copy flagged by ingest is coded (and stored as coded, with its duplicate_of),
    not skipped for its flag."""
    from eventwire.run import run_pipeline
    from eventwire.types import Article

    text = "Kazakh Foreign Minister Murat Nurtleu on Thursday met his Uzbek counterpart in Astana."
    items = [
        Article(id="a", text=text, cluster_id="c1"),
        Article(id="b", text=text, duplicate_of="a", cluster_id="c1", skipped_reason="duplicate"),
    ]
    with open_store(":memory:") as s:
        stats = run_pipeline(items, s, coder, code_duplicates=True)  # type: ignore[arg-type]
        assert (stats.coded, stats.skipped, stats.duplicates) == (2, {}, 0)
        (b,) = s.get_articles(["b"])
        assert b.duplicate_of == "a" and b.skipped_reason is None
        assert s.count(level="mentions") == 2 and s.count() == 1
