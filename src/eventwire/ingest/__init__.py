"""Ingest: web pages, feeds, WARC archives and corpora -> clean, dated, deduplicated articles.

::

    from eventwire.ingest import IngestOptions, IngestSummary, ingest

    summary = IngestSummary()
    opts = IngestOptions(state_dir=Path(".eventwire-state"))
    for item in ingest(["crawl/", "https://example.org/feed.xml"], opts, summary=summary):
        ...  # Article (skipped_reason None, "duplicate" or "language") or Skip
    print(summary.to_dict())

Importing this package loads nothing heavy; trafilatura, warcio, feedparser and the language model load
on first use. See ``docs/ingest.md``.
"""

from __future__ import annotations

from .dedup import DedupIndex, Deduplicator, Fingerprint, IndexEntry, SqliteDedupIndex, Verdict
from .fetch import Fetcher, Response
from .options import (
    DUPLICATE,
    FLAG_REASONS,
    LANGUAGE,
    SKIP_REASONS,
    IngestOptions,
    IngestSummary,
)
from .run import Ingestor, JsonlSink, ingest, read_feed_list, watch, write_jsonl
from .state import RunState, SqliteRunState, open_state

__all__ = [
    "DUPLICATE",
    "FLAG_REASONS",
    "LANGUAGE",
    "SKIP_REASONS",
    "DedupIndex",
    "Deduplicator",
    "Fetcher",
    "Fingerprint",
    "IndexEntry",
    "IngestOptions",
    "IngestSummary",
    "Ingestor",
    "JsonlSink",
    "Response",
    "RunState",
    "SqliteDedupIndex",
    "SqliteRunState",
    "Verdict",
    "ingest",
    "open_state",
    "read_feed_list",
    "watch",
    "write_jsonl",
]
