"""Options, outcome reasons and the run summary of ``eventwire ingest``.

:class:`IngestOptions` is frozen (one object passed in, never module globals). :class:`IngestSummary` is the
mutable tally a run fills in: counts by outcome and skips by reason, with the first place each reason was
seen, so that every input is accounted for.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .pubdate import BAD_DATE, DATE_ORDERS

# Why an input produced no article (the ``reason`` of a :class:`~eventwire.types.Skip`).
NOT_FOUND = "not-found"
UNREADABLE = "unreadable"
UNSUPPORTED = "unsupported"
NOT_HTML = "not-html"
CORRUPT = "corrupt"
TOO_LARGE = "too-large"
EMPTY = "empty"
NOT_A_FEED = "not-a-feed"
BLOCKED = "blocked"
TIMEOUT = "timeout"
FETCH_ERROR = "fetch-error"
HTTP_PREFIX = "http-"

# Why an emitted article is not to be coded (its ``skipped_reason``): it is kept, flagged.
DUPLICATE = "duplicate"
LANGUAGE = "language"

SKIP_REASONS: dict[str, str] = {
    NOT_FOUND: "the path does not exist",
    UNREADABLE: "the file could not be read (permissions, I/O error)",
    UNSUPPORTED: "a file type ingest does not read (met in a directory walk)",
    NOT_HTML: "the content is binary or of a non-text type (image, PDF...), not HTML or text",
    CORRUPT: "truncated compression, corrupt WARC record, malformed JSON line or CSV row",
    TOO_LARGE: "larger than max_bytes",
    EMPTY: "no text left after extraction (or fewer than min_chars characters)",
    NOT_A_FEED: "a feed source that is not RSS/Atom",
    BLOCKED: "a URL scheme other than http(s), or a private/loopback address not allowed",
    TIMEOUT: "the server did not answer in time (after retries)",
    FETCH_ERROR: "connection, DNS or TLS failure, or too many redirects (after retries)",
    "http-NNN": "the server answered with that HTTP status (after retries for 429/5xx)",
}

WARNING_REASONS: dict[str, str] = {
    BAD_DATE: "a publication date that could not be read (kept as the article's date_raw; the article is "
    "coded without a publication date, or with --date)",
}

FLAG_REASONS: dict[str, str] = {
    DUPLICATE: "an exact or near copy of an earlier article (duplicate_of names the canonical one)",
    LANGUAGE: "not in the languages to code (language holds the detected ISO 639-1 code)",
}

INPUT_FORMATS = ("auto", "html", "text", "jsonl", "json", "csv", "warc", "feed")


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """How to read, fetch, extract and deduplicate.

    - ``state_dir``: where the dedup index and the resume state live (SQLite ``ingest.sqlite``); ``None``
      keeps them in memory for this run only (nothing persists, memory grows with the corpus).
    - ``input_format``: force a reader for every source (default ``auto``: by extension, then by content).
    - ``fields``: ``(field, column)`` pairs mapping Article fields (``id text html title date url source
      author language``) to JSON keys or CSV columns, over the built-in aliases.
    - ``date``/``source``: defaults for inputs that carry none (plain text files, stdin), or whose date
      cannot be read (counted as a ``bad-date`` warning all the same).
    - ``date_order``: how numeric publication dates are written (``MDY``, ``DMY``, ``YMD``); default: the
      source's known order (``data/ingest/date_order.tsv``, by domain), else the language's usual one.
    - ``follow``: fetch and extract the page each feed entry links to (else use the entry's summary).
    - ``as_feed``: treat every URL source as a feed.
    - ``languages``: ISO 639-1 codes to code; other detected languages are kept and flagged
      ``skipped_reason="language"``. An empty tuple flags nothing.
    - ``min_chars``: shorter extracted texts are skipped as ``empty``.
    - ``dedup``/``similarity``/``containment``: near-duplicate test (estimated Jaccard over word
      shingles, or containment of the shorter text in the longer one); ``num_perm``/``shingle_words`` size
      the MinHash and cannot change for an existing index.
    - ``max_bytes``: cap on one document (file, response, record, WARC payload).
    - ``timeout``/``retries``/``backoff``/``rate_limit``/``max_redirects``/``user_agent``: fetching; the rate
      limit is the minimum number of seconds between two requests to one host.
    - ``allow_private``/``allow_hosts``: fetch private, loopback or link-local addresses (all, or only the
      named hosts and CIDR networks); refused by default.
    - ``refetch``: fetch URLs already ingested (for pages that change); default skips them.
    - ``commit_every``: documents between two checkpoints of the state (resume granularity).
    - ``boilerplate_files``: extra boilerplate line patterns (TSV, as ``data/ingest/boilerplate.tsv``).
    - ``extensive_dates``: let htmldate parse free text with dateparser when a page's markup has no date
      (slow: up to seconds per page).
    """

    state_dir: Path | None = None
    input_format: str = "auto"
    fields: tuple[tuple[str, str], ...] = ()
    date: dt.date | None = None
    date_order: str | None = None
    source: str | None = None
    follow: bool = False
    as_feed: bool = False
    languages: tuple[str, ...] = ("en",)
    min_chars: int = 25
    dedup: bool = True
    similarity: float = 0.7
    containment: float = 0.9
    num_perm: int = 128
    shingle_words: int = 5
    max_bytes: int = 10_000_000
    timeout: float = 20.0
    retries: int = 2
    backoff: float = 1.0
    rate_limit: float = 1.0
    max_redirects: int = 5
    user_agent: str = "eventwire/0.1 (news event coder; +https://pypi.org/project/eventwire/)"
    allow_private: bool = False
    allow_hosts: tuple[str, ...] = ()
    refetch: bool = False
    commit_every: int = 100
    boilerplate_files: tuple[Path, ...] = ()
    extensive_dates: bool = False

    def __post_init__(self) -> None:
        if self.input_format not in INPUT_FORMATS:
            raise ConfigError(
                f"unknown input format {self.input_format!r}; use one of {', '.join(INPUT_FORMATS)}"
            )
        if self.date_order is not None and self.date_order not in DATE_ORDERS:
            raise ConfigError(f"unknown date order {self.date_order!r}; use one of {', '.join(DATE_ORDERS)}")
        if not 0.0 < self.similarity <= 1.0:
            raise ConfigError(f"similarity must be within (0, 1], got {self.similarity}")
        if not 0.0 < self.containment <= 1.0:
            raise ConfigError(f"containment must be within (0, 1], got {self.containment}")
        for name in ("max_bytes", "num_perm", "shingle_words", "commit_every", "max_redirects"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("timeout", "backoff", "rate_limit", "retries", "min_chars"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must not be negative, got {getattr(self, name)}")
        known = {"id", "text", "html", "title", "date", "url", "source", "author", "language"}
        for fname, _column in self.fields:
            if fname not in known:
                raise ConfigError(f"unknown field {fname!r} in a column mapping; use one of {sorted(known)}")
        for p in self.boilerplate_files:
            if not Path(p).is_file():
                raise ConfigError(f"boilerplate pattern file not found: {p} (check the path)")

    def replace(self, **changes: Any) -> IngestOptions:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


@dataclass(slots=True)
class IngestSummary:
    """What a run did: documents read, articles emitted by outcome, and skips by reason.

    ``new`` articles started a cluster, ``duplicates`` joined one, ``language`` were flagged for another
    language, ``unchanged`` were already ingested with the same text (not emitted again), ``updated``
    were already ingested but their text changed (emitted again with the same id); ``already_done`` documents
    were not even read again (their source was checkpointed as done by an earlier run). ``warnings`` count
    articles that were kept with something wrong (``bad-date``: a publication date that could not be read).
    """

    sources: int = 0
    documents: int = 0
    articles: int = 0
    new: int = 0
    duplicates: int = 0
    language: int = 0
    unchanged: int = 0
    updated: int = 0
    already_done: int = 0
    bytes_read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    warnings: Counter[str] = field(default_factory=Counter)
    warning_examples: dict[str, str] = field(default_factory=dict)
    languages: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    def skip(self, where: str, reason: str) -> None:
        """Count one skip, keeping the first place each reason was seen."""
        self.skipped[reason] += 1
        self.examples.setdefault(reason, where)

    def warn(self, where: str, reason: str, value: str = "") -> None:
        """Count one warning (an article kept, with something wrong), keeping the first example."""
        self.warnings[reason] += 1
        self.warning_examples.setdefault(reason, f"{where}: {value!r}" if value else where)

    @property
    def skips(self) -> int:
        return sum(self.skipped.values())

    @property
    def elapsed(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    @property
    def rate(self) -> float:
        """Documents per second so far."""
        return self.documents / self.elapsed if self.elapsed > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "sources": self.sources,
            "documents": self.documents,
            "articles": self.articles,
            "outcomes": {
                "new": self.new,
                "duplicate": self.duplicates,
                "language": self.language,
                "unchanged": self.unchanged,
                "updated": self.updated,
                "already_done": self.already_done,
            },
            "skipped": dict(sorted(self.skipped.items())),
            "skipped_total": self.skips,
            "skip_examples": dict(sorted(self.examples.items())),
            "warnings": dict(sorted(self.warnings.items())),
            "warning_examples": dict(sorted(self.warning_examples.items())),
            "languages": dict(self.languages.most_common()),
            "bytes_read": self.bytes_read,
            "seconds": round(self.elapsed, 3),
            "documents_per_second": round(self.rate, 2),
        }
