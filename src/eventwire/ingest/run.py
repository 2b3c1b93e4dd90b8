"""The ingest run: sources -> documents -> extraction -> language -> dedup -> articles, with checkpoints.

Checkpoints happen only at safe points: when the consumer asks for the next item, everything yielded
before has been handled. A checkpoint commits the dedup index, each source's progress and (through
``on_checkpoint``) the output offset in one transaction. A run that stops without reaching the end
(killed, or an exception in the consumer) commits nothing after its last checkpoint; the next run redoes
that stretch. :func:`write_jsonl` truncates its output to the checkpointed offset first, so the file gets
every article exactly once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from ..errors import ConfigError, FetchError
from ..types import Article, Skip
from .dedup import DedupIndex, Deduplicator, Fingerprint, content_hash
from .document import Document
from .extract import Boilerplate, decode, extract_html, looks_binary, split_title
from .feeds import iter_feed, looks_like_feed
from .fetch import Fetcher, Response
from .language import detect_language
from .options import (
    CORRUPT,
    DUPLICATE,
    EMPTY,
    FETCH_ERROR,
    LANGUAGE,
    NOT_HTML,
    IngestOptions,
    IngestSummary,
)
from .pubdate import BAD_DATE, date_order_for, parse_pubdate
from .sources import Unit, expand, read_unit
from .state import RunState, open_state
from .urls import host_of, normalize_url
from .warc import HTML_TYPES

Item = Article | Skip


_PART = re.compile(r"^(?::(\d+)|\[(\d+)\](?:\[(\d+)\])?|@(\d+)|#(\d+))")


def file_origin(path: Path, part: str = "") -> str:
    """Where a document was read, as a URI: the file's ``file://`` URI, with the record's line
    (``#line=17``), index in a JSON file (``#record=3``, ``#record=3.5``), offset in a WARC file
    (``#offset=10422``) or entry in a feed (``#entry=2``)."""
    uri = path.resolve().as_uri()
    m = _PART.match(part)
    if not m:
        return uri
    line, rec, sub, offset, entry = m.groups()
    if line:
        return f"{uri}#line={line}"
    if rec:
        return f"{uri}#record={rec}" + (f".{sub}" if sub else "")
    if offset:
        return f"{uri}#offset={offset}"
    return f"{uri}#entry={entry}"


def text_id(digest: str, source: str | None) -> str:
    """The id of an article without a URL: a hash of its outlet and its normalised-text hash."""
    return "sha1:" + hashlib.sha1(f"{source or ''}\n{digest}".encode()).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class Draft:
    """A document read and extracted, before deduplication: the fields of its article, the fingerprint
    dedup compares, and the URL it was fetched from. :meth:`Ingestor.place` turns it into the article
    (or nothing, for an id already ingested with the same text). A cluster task extracts drafts on a
    worker; the driver places them, in input order, against one index (:mod:`eventwire.cluster`)."""

    where: str
    id: str
    text: str
    date: dt.date | None = None
    url: str | None = None
    source: str | None = None
    title: str | None = None
    author: str | None = None
    language: str | None = None
    date_raw: str | None = None
    fetched_at: dt.datetime | None = None
    origin: str | None = None
    requested_url: str | None = None
    fingerprint: Fingerprint | None = None


class Ingestor:
    """One ingest session over a state (dedup index and run state); reusable for several runs (``watch``).

    ``index``/``state`` default to the SQLite files in ``options.state_dir`` (in memory when it is
    ``None``); pass your own to keep them elsewhere (the store does). ``fetcher`` is built from the
    options unless given.
    """

    def __init__(
        self,
        options: IngestOptions | None = None,
        *,
        index: DedupIndex | None = None,
        state: RunState | None = None,
        fetcher: Fetcher | None = None,
        summary: IngestSummary | None = None,
    ) -> None:
        self.options = options or IngestOptions()
        _quiet_extractor_logs()
        self._lock: IO[str] | None = None
        self._owned: list[Any] = []
        if index is None or state is None:
            self._lock = _lock_state(self.options.state_dir)
            default_index, default_state = open_state(self.options.state_dir)
            self._owned.append(default_state)
            index = index or default_index
            state = state or default_state
        self.index: DedupIndex = index
        self.state: RunState = state
        self.dedup = (
            Deduplicator(
                index,
                similarity=self.options.similarity,
                containment=self.options.containment,
                num_perm=self.options.num_perm,
                shingle_words=self.options.shingle_words,
            )
            if self.options.dedup
            else None
        )
        self.boilerplate = Boilerplate.load(self.options.boilerplate_files)
        self.fetcher = fetcher or Fetcher(self.options)
        self.summary = summary or IngestSummary()
        self.on_checkpoint: Callable[[RunState], None] | None = None
        self._pending = 0
        self._progress: dict[str, tuple[int, bool]] = {}

    # ------------------------------------------------------------------------------------ lifecycle
    def __enter__(self) -> Ingestor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the state without committing (what was not checkpointed is redone next run)."""
        self.fetcher.close()
        for owned in self._owned:
            owned.close()
        self._owned.clear()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def checkpoint(self) -> None:
        """Commit progress, the dedup index and the output offset together."""
        for key, (done, finished) in self._progress.items():
            self.state.set_progress(key, done, finished)
        self._progress.clear()
        if self.on_checkpoint is not None:
            self.on_checkpoint(self.state)
        self.index.commit()
        self.state.commit()
        self._pending = 0

    def _maybe_checkpoint(self) -> None:
        self._pending += 1
        if self._pending >= self.options.commit_every:
            self.checkpoint()

    # ------------------------------------------------------------------------------------------ run
    def run(self, sources: Iterable[str]) -> Iterator[Item]:
        """Articles and skips for ``sources``, in order; checkpoints as it goes and at the end."""
        for unit in expand(sources, self.options):
            if isinstance(unit, Skip):
                self.summary.skip(unit.where, unit.reason)
                yield unit
                continue
            self.summary.sources += 1
            yield from self._run_unit(unit)
        self.checkpoint()
        self.summary.finished = time.monotonic()

    def drafts(self, units: Iterable[Unit | Skip]) -> Iterator[Draft | Skip]:
        """Drafts and skips of ``units`` (whole files, parts of files, URLs), in order, not placed in the
        dedup index and without resume bookkeeping: what a cluster task reads (see :meth:`place`)."""
        for unit in units:
            if isinstance(unit, Skip):
                self.summary.skip(unit.where, unit.reason)
                yield unit
                continue
            self.summary.sources += 1
            docs = self._read_url(unit) if unit.url else read_unit(unit, self.options)
            for doc in docs:
                self.summary.documents += 1
                if isinstance(doc, Skip):
                    self.summary.skip(doc.where, doc.reason)
                    yield doc
                    continue
                if unit.path is not None and doc.origin is None:
                    doc = replace(doc, origin=file_origin(unit.path, doc.where[len(unit.where) :]))
                yield from self._drafts(doc)
        self.summary.finished = time.monotonic()

    def _run_unit(self, unit: Unit) -> Iterator[Item]:
        key = unit.key
        done, finished = self.state.progress(key) if key else (0, False)
        if finished:
            self.summary.already_done += done
            return
        docs: Iterable[Document | Skip] = self._read_url(unit) if unit.url else read_unit(unit, self.options)
        n = 0
        for doc in docs:
            n += 1
            if n <= done:
                self.summary.already_done += 1
                continue
            self.summary.documents += 1
            if isinstance(doc, Skip):
                self.summary.skip(doc.where, doc.reason)
                yield doc
            else:
                if unit.path is not None and doc.origin is None:
                    doc = replace(doc, origin=file_origin(unit.path, doc.where[len(unit.where) :]))
                yield from self._process(doc)
            # Safe point: the consumer has handled everything yielded for this document.
            if key:
                self._progress[key] = (n, False)
            self._maybe_checkpoint()
        if key:
            self._progress[key] = (n, True)

    # -------------------------------------------------------------------------------------- fetching
    def _seen_url(self, url: str) -> bool:
        if self.options.refetch:
            return False
        return self.state.url_article(normalize_url(url)) is not None

    def _fetch(self, url: str, where: str, headers: dict[str, str] | None = None) -> Response | Skip:
        try:
            resp = self.fetcher.fetch(url, headers=headers)
        except FetchError as e:
            return Skip(where, str(getattr(e, "reason", FETCH_ERROR)), str(e))
        self.summary.bytes_read += len(resp.body)
        return resp

    def _read_url(self, unit: Unit) -> Iterator[Document | Skip]:
        url = unit.url or ""
        if unit.fmt != "feed" and self._seen_url(url):
            self.summary.unchanged += 1
            return
        etag, modified = self.state.feed_validators(url)
        headers = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", modified)) if v}
        resp = self._fetch(url, unit.where, headers)
        if isinstance(resp, Skip):
            yield resp
            return
        if resp.status == 304:
            return
        if unit.fmt == "feed" or looks_like_feed(resp.body, resp.content_type):
            self.state.set_feed_validators(url, resp.etag, resp.last_modified)
            yield from iter_feed(resp.body, unit.where, self.options, feed_url=resp.final_url)
            return
        yield self._page(resp, unit.where, None)

    def _page(self, resp: Response, where: str, entry: Document | None) -> Document | Skip:
        """The document in a fetched response (entry: the feed entry that linked to it)."""
        ctype = resp.content_type
        body = resp.body
        html = ctype in HTML_TYPES or (
            ctype in ("", "application/octet-stream") and body[:1024].lstrip()[:1] == b"<"
        )
        if not html and not ctype.startswith("text/"):
            return Skip(where, NOT_HTML, f"content type {ctype or 'unknown'}")
        if looks_binary(body):
            return Skip(where, NOT_HTML, "binary content")
        common: dict[str, Any] = {
            "where": where,
            "url": resp.final_url,
            "source": host_of(resp.final_url),
            "fetched_at": resp.fetched_at,
            "charset": resp.charset,
            "content_type": ctype,
            "requested_url": resp.url,
        }
        if entry is not None:
            common.update(title=entry.title, author=entry.author, source=entry.source or common["source"])
        fallback = entry.fallback_date if entry is not None else None
        if html:
            return Document(kind="html", content=body, fallback_date=fallback, **common)
        return Document(kind="text", content=decode(body, resp.charset), date=fallback, **common)

    # ------------------------------------------------------------------------------------ processing
    def _process(self, doc: Document) -> Iterator[Item]:
        for draft in self._drafts(doc):
            if isinstance(draft, Skip):
                yield draft
                continue
            article = self.place(draft)
            if article is not None:
                yield article

    def _drafts(self, doc: Document) -> Iterator[Draft | Skip]:
        """The draft of a document (a feed entry's linked page fetched first), or the skip that says why
        there is none."""
        if doc.kind == "link":
            if doc.url is None or self._seen_url(doc.url):
                self.summary.unchanged += 1
                return
            resp = self._fetch(doc.url, doc.where)
            if isinstance(resp, Skip):
                self.summary.skip(resp.where, resp.reason)
                yield resp
                return
            page = self._page(resp, doc.where, doc)
            if isinstance(page, Skip):
                self.summary.skip(page.where, page.reason)
                yield page
                return
            doc = page
        item = self.extract(doc)
        if isinstance(item, Skip):
            self.summary.skip(item.where, item.reason)
        yield item

    def extract(self, doc: Document) -> Draft | Skip:
        """Extract a document: its text, title, date, language, id and fingerprint (no dedup verdict)."""
        title, author, date, url = doc.title, doc.author, doc.date, doc.url
        if doc.kind == "html":
            data = doc.content
            if isinstance(data, bytes):
                self.summary.bytes_read += len(data)
                if looks_binary(data):
                    return Skip(doc.where, NOT_HTML, "binary content")
                data = decode(data, doc.charset)
            try:
                ex = extract_html(
                    data, doc.url, self.boilerplate, extensive_dates=self.options.extensive_dates
                )
            except Exception as e:  # noqa: BLE001 - trafilatura/lxml can raise anything on hostile markup
                return Skip(doc.where, CORRUPT, f"HTML extraction failed: {type(e).__name__}: {e}")
            if ex is None:
                return Skip(doc.where, EMPTY, "no main text found in the page")
            text = ex.text
            title = ex.title or title
            author = ex.author or author
            date = date or ex.date or doc.fallback_date
            url = ex.url or (normalize_url(doc.url) if doc.url else None)
        else:
            raw = doc.content if isinstance(doc.content, str) else decode(doc.content)
            self.summary.bytes_read += len(raw)
            text = self.boilerplate.clean(raw)
            if doc.guess_title and title is None:
                title, text = split_title(text)
            date = date or doc.fallback_date
            url = normalize_url(url) if url else None
        if len(text) < max(1, self.options.min_chars):
            return Skip(doc.where, EMPTY, f"{len(text)} characters of text after extraction")
        source = doc.source or host_of(url) or self.options.source
        language = doc.language or detect_language(text)[0]
        date_raw = None
        if doc.date_raw is not None:
            order = self.options.date_order or date_order_for(url, source)
            parsed = parse_pubdate(doc.date_raw, language=language, date_order=order)
            if parsed is None:
                date_raw = doc.date_raw
                self.summary.warn(doc.where, BAD_DATE, date_raw)
            date = parsed or date or self.options.date
        fp = self.dedup.fingerprint(text) if self.dedup is not None else None
        return Draft(
            where=doc.where,
            id=doc.id or url or text_id(fp.content_hash if fp else content_hash(text), source),
            text=text,
            date=date,
            url=url,
            source=source,
            title=title,
            author=author,
            language=language,
            date_raw=date_raw,
            fetched_at=doc.fetched_at,
            origin=None if url else doc.origin,
            requested_url=doc.requested_url,
            fingerprint=fp,
        )

    def place(self, draft: Draft) -> Article | None:
        """The article of a draft, placed in the dedup index (new cluster, or a copy of an earlier
        article); ``None`` when its id was ingested before with the same text. Counted in the summary."""
        cluster_id = duplicate_of = None
        status = "new"
        fp = draft.fingerprint
        if self.dedup is not None:
            if fp is None:
                fp = self.dedup.fingerprint(draft.text)
            verdict = self.dedup.assign(draft.id, fp, url=draft.url, source=draft.source, date=draft.date)
            status, cluster_id, duplicate_of = verdict.status, verdict.cluster_id, verdict.duplicate_of
        if draft.requested_url:
            self.state.add_url(normalize_url(draft.requested_url), draft.id)
        if status == "unchanged":
            self.summary.unchanged += 1
            return None
        language = draft.language
        flag = None
        if duplicate_of is not None:
            flag = DUPLICATE
        elif language and self.options.languages and language not in self.options.languages:
            flag = LANGUAGE
        self._count(status, flag, language)
        return Article(
            id=draft.id,
            text=draft.text,
            date=draft.date,
            url=draft.url,
            source=draft.source,
            title=draft.title,
            author=draft.author,
            language=language,
            duplicate_of=duplicate_of,
            cluster_id=cluster_id,
            skipped_reason=flag,
            fetched_at=draft.fetched_at,
            date_raw=draft.date_raw,
            origin=draft.origin,
        )

    def _count(self, status: str, flag: str | None, language: str | None) -> None:
        s = self.summary
        s.articles += 1
        s.languages[language or "unknown"] += 1
        if status == "updated":
            s.updated += 1
        elif status == "duplicate":
            s.duplicates += 1
        else:
            s.new += 1
        if flag == LANGUAGE:
            s.language += 1


def _quiet_extractor_logs() -> None:
    """Keep trafilatura/htmldate error logs off stderr when the application configured no logging:
    every page they fail on is already reported as a skip. Configured handlers still receive them."""
    for name in ("trafilatura", "htmldate", "courlan", "charset_normalizer"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


def _lock_state(state_dir: Path | None) -> IO[str] | None:
    """An exclusive lock on the state directory: two runs on one state would corrupt the resume logic."""
    if state_dir is None:
        return None
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; SQLite's own locking still applies
        return None
    state_dir.mkdir(parents=True, exist_ok=True)
    fh = open(state_dir / "lock", "w")  # noqa: SIM115 - held open for the run, closed in Ingestor.close
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as e:
        fh.close()
        raise ConfigError(
            f"another eventwire ingest is using the state in {state_dir}; "
            "wait for it to finish or pass another --state-dir"
        ) from e
    return fh


# ------------------------------------------------------------------------------------------ public API
def ingest(
    sources: Iterable[str],
    options: IngestOptions | None = None,
    *,
    summary: IngestSummary | None = None,
    index: DedupIndex | None = None,
    state: RunState | None = None,
) -> Iterator[Item]:
    """Stream :class:`~eventwire.types.Article` records (and :class:`~eventwire.types.Skip` for inputs that
    gave none) from files, directories, globs, ``-`` (stdin), URLs and feeds.

    Articles include duplicates (``skipped_reason="duplicate"``, ``duplicate_of`` set) and other-language
    articles (``skipped_reason="language"``); articles already ingested with the same text are not emitted
    again. Pass ``summary`` to read the counts while or after iterating.
    """
    with Ingestor(options, index=index, state=state, summary=summary) as ing:
        yield from ing.run(sources)


def _rounds(
    ing: Ingestor,
    sources: Sequence[str],
    every: float | None,
    rounds: int | None,
    sleep: Callable[[float], None],
) -> Iterator[Item]:
    """One run over ``sources``, or with ``every``, a run every ``every`` seconds (``rounds`` times)."""
    n = 0
    while True:
        yield from ing.run(sources)
        n += 1
        if every is None or (rounds is not None and n >= rounds):
            return
        sleep(every)


def watch(
    feeds: Sequence[str],
    options: IngestOptions | None = None,
    *,
    every: float,
    rounds: int | None = None,
    summary: IngestSummary | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[Item]:
    """Poll ``feeds`` every ``every`` seconds (``rounds`` times, or until interrupted), yielding only what is
    new: entries already ingested are neither fetched nor emitted again, and feeds are asked with
    conditional requests (ETag/Last-Modified)."""
    opts = (options or IngestOptions()).replace(as_feed=True)
    with Ingestor(opts, summary=summary) as ing:
        yield from _rounds(ing, feeds, every, rounds, sleep)


def read_feed_list(path: Path) -> list[str]:
    """Feed URLs from a text file: one per line, blank lines and ``#`` comments ignored."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read the feed list {path}: {e}") from e
    feeds = [ln.split("#", 1)[0].strip() for ln in lines]
    feeds = [f for f in feeds if f]
    if not feeds:
        raise ConfigError(f"the feed list {path} holds no URL (one feed URL per line)")
    return feeds


class JsonlSink:
    """Writes articles as JSON lines to a file (appending, exactly-once across resumes) or a text stream."""

    def __init__(self, target: Path | IO[str]) -> None:
        self.path: Path | None = None
        self._file: IO[bytes] | None = None
        self._stream: IO[str] | None = None
        if isinstance(target, Path):
            self.path = target.resolve()
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = open(self.path, "ab")  # noqa: SIM115 - closed by close()
            except OSError as e:
                raise ConfigError(f"cannot write {target}: {e}") from e
        else:
            self._stream = target

    def resume(self, state: RunState) -> int:
        """Cut the file back to the last checkpointed offset; the bytes after it are redone by this run."""
        if self.path is None or self._file is None:
            return 0
        offset = state.output_offset(str(self.path))
        size = self._file.seek(0, os.SEEK_END)
        if offset is not None and size < offset:
            raise ConfigError(
                f"{self.path} is shorter ({size:,} bytes) than when the last run checkpointed it "
                f"({offset:,} bytes): {offset - size:,} bytes of articles were removed since, and the resume "
                "state says they were written. Restore the file, or start over with an empty output and a "
                "fresh state (delete the state folder, or pass another --state-dir)"
            )
        if offset is None or size <= offset:
            return 0
        self._file.truncate(offset)
        self._file.seek(offset)
        return size - offset

    def write(self, article: Article) -> None:
        line = json.dumps(article.to_dict(), ensure_ascii=False) + "\n"
        if self._file is not None:
            self._file.write(line.encode("utf-8"))
        elif self._stream is not None:
            self._stream.write(line)

    def checkpoint(self, state: RunState) -> None:
        """Flush, and record how far the file is complete (in the same commit as the index)."""
        if self._file is not None and self.path is not None:
            self._file.flush()
            with suppress(OSError):
                os.fsync(self._file.fileno())
            state.set_output_offset(str(self.path), self._file.tell())
        elif self._stream is not None:
            self._stream.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        elif self._stream is not None:
            self._stream.flush()


def write_jsonl(
    sources: Sequence[str],
    output: Path | IO[str],
    options: IngestOptions | None = None,
    *,
    summary: IngestSummary | None = None,
    on_item: Callable[[Item], None] | None = None,
    every: float | None = None,
    rounds: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> IngestSummary:
    """Ingest ``sources`` into a JSONL file or text stream (one article per line); return the summary.

    With a file the result is exactly-once across kills: the file is cut back to the last checkpoint and
    the run continues from there. ``on_item`` sees every article and skip (progress, skip logs). With
    ``every``, ``sources`` are feeds polled every that many seconds (``rounds`` times, or until
    interrupted).
    """
    summary = summary if summary is not None else IngestSummary()
    opts = options or IngestOptions()
    if every is not None:
        opts = opts.replace(as_feed=True)
    sink = JsonlSink(output)
    try:
        with Ingestor(opts, summary=summary) as ing:
            sink.resume(ing.state)
            ing.on_checkpoint = sink.checkpoint
            for item in _rounds(ing, sources, every, rounds, sleep):
                if isinstance(item, Article):
                    sink.write(item)
                if on_item is not None:
                    on_item(item)
    finally:
        sink.close()
    return summary
