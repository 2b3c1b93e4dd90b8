"""The coding pipeline: documents in, events out, streaming, in order, optionally in several processes.

:class:`Coder` holds what a run needs (spaCy pipeline, ontology, lexicon, actor dictionaries, gazetteer),
built once from a :class:`~eventwire.config.Config`. ``code_text`` and ``code_articles`` are the public
functions; ``read_inputs`` turns files, stdin and JSONL into :class:`~eventwire.types.Article` records,
reporting every bad record as a :class:`~eventwire.types.Skip` instead of failing the batch.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .components import CODER_DEFECTS, COMPONENTS, doc_id_for, make_doc
from .config import Config
from .errors import EventwireWarning, InputError, RecordError
from .ingest.pubdate import date_order_for, flag_dates, parse_pubdate, raw_value
from .nlp import load_pipeline, pipe_bounded
from .types import Article, Event, Skip

if TYPE_CHECKING:
    from spacy.tokens import Doc

SkipHandler = Callable[[Skip], None]
BINARY_SNIFF = 8192


class Coder:
    """Everything needed to code documents, loaded once (per process) from a :class:`Config`.

    ``nlp`` is the spaCy pipeline with the coder's components (:mod:`eventwire.components`): running it
    codes a document, and the Coder turns the coded ``Doc`` into :class:`Event` records.
    """

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        self.nlp = load_pipeline(self.config)

    # -- one document -------------------------------------------------------------------------------

    def check(self, article: Article) -> Skip | None:
        """Why an article cannot be coded, or None."""
        if article.skipped_reason:
            detail = f"duplicate of {article.duplicate_of}" if article.duplicate_of else "marked by ingest"
            return Skip(where=article.id, reason=article.skipped_reason, detail=detail)
        if not article.text or not article.text.strip():
            return Skip(where=article.id, reason="empty", detail="no text to code")
        if len(article.text) > self.config.max_chars:
            return Skip(
                where=article.id,
                reason="too-large",
                detail=f"{len(article.text):,} characters > max_chars {self.config.max_chars:,}",
            )
        if article.language and not article.language.lower().startswith("en"):
            return Skip(
                where=article.id,
                reason="language",
                detail=f"language {article.language!r}; the coder reads English",
            )
        return None

    def make_doc(self, article: Article) -> Doc:
        """The article as a tokenized ``Doc`` carrying its id, publication date and address."""
        return make_doc(self.nlp, article.text, article.id, article.date, article.url)

    def code_doc(self, doc: Doc, article: Article) -> list[Event]:
        """The events of a document that went through ``self.nlp``; re-raises a defect recorded on it.

        Events dated more than ``config.max_date_lag_days`` before the article's publication are flagged
        (``date_flag``); actors are placed where the text puts them (:mod:`eventwire.geo.actors`)."""
        if doc._.ew_error is not None:
            raise doc._.ew_error
        events = list(doc._.ew_events or [])
        if events and doc._.ew_places:
            from .geo.actors import place_actors

            events = place_actors(events, doc._.ew_places, article.text)
        return flag_dates(events, article.date, self.config.max_date_lag_days)

    def code(self, article: Article) -> list[Event]:
        """Code one article; raises :class:`RecordError` when it cannot be coded."""
        skip = self.check(article)
        if skip is not None:
            raise RecordError(
                f"{skip.where}: {skip.reason}: {skip.detail}", where=skip.where, reason=skip.reason
            )
        return self.code_doc(self.nlp(self.make_doc(article)), article)

    # -- streams --------------------------------------------------------------------------------------

    def _code_batch(self, articles: list[Article]) -> list[tuple[Article, list[Event] | Skip]]:
        out: list[tuple[Article, list[Event] | Skip]] = []
        good: list[Article] = []
        for a in articles:
            skip = self.check(a)
            out.append((a, skip if skip is not None else []))
            if skip is None:
                good.append(a)
        docs = pipe_bounded(
            self.nlp,
            (self.make_doc(a) for a in good),
            batch_size=self.config.batch_size,
            batch_chars=self.config.batch_chars,
            piece_chars=self.config.piece_chars,
            after=COMPONENTS,
        )
        results: dict[int, list[Event] | Skip] = {}
        for a, doc in zip(good, docs, strict=True):
            try:
                results[id(a)] = self.code_doc(doc, a)
            except CODER_DEFECTS as e:
                # A defect of ours on one document must not cost the batch: report it, go on.
                results[id(a)] = Skip(
                    where=a.id, reason="coder-error", detail=f"{type(e).__name__}: {e}"[:300]
                )
        return [(a, r if isinstance(r, Skip) else results[id(a)]) for a, r in out]

    def code_articles(
        self, articles: Iterable[ArticleLike], on_skip: SkipHandler | None = None
    ) -> Iterator[tuple[Article, list[Event]]]:
        """Code a stream of articles, yielding ``(article, events)`` in input order.

        ``articles`` are :class:`Article` records, dicts (``{"id", "text", "date"?, "url"?, ...}``, the JSONL
        input's shape), ``(id, text)`` or ``(id, text, date)`` tuples, or bare texts (see
        :func:`as_article`). Memory stays flat: at most a few batches are in flight. Records that cannot be
        coded are passed to ``on_skip`` (and not yielded); without ``on_skip``, a malformed record (no text,
        a date that is not one) raises :class:`~eventwire.errors.InputError` and an article the coder
        cannot read (empty, too large, not English) is reported as an :class:`EventwireWarning`. With
        ``config.n_process > 1`` batches are coded in worker processes.
        """
        batches = _chunks(_as_articles(articles, on_skip), self.config.batch_size, self.config.batch_chars)
        if self.config.n_process <= 1:
            results: Iterator[list[tuple[Article, list[Event] | Skip]]] = map(self._code_batch, batches)
        else:
            results = _parallel(batches, self.config)
        for batch in results:
            for article, res in batch:
                if isinstance(res, Skip):
                    if on_skip is not None:
                        on_skip(res)
                    else:
                        warnings.warn(
                            f"eventwire: skipped {res.where}: {res.reason} {res.detail}".rstrip(),
                            EventwireWarning,
                            stacklevel=2,
                        )
                    continue
                yield article, res


ArticleLike = Article | Mapping[str, Any] | tuple[Any, ...] | str
"""What :func:`code_articles` accepts as one article."""


def as_article(item: ArticleLike, index: int = 0) -> Article:
    """An :class:`Article` from an Article, a dict, an ``(id, text[, date])`` tuple or a bare text.

    A dict has the JSONL input's fields (``id``, ``text``, ``date``, ``url``, ``source``, ``title``,
    ``language``...); its ``date`` (a ``datetime.date``, ``'YYYY-MM-DD'`` or a written date such as
    ``'Dec 16 2016'``) is read as the readers read it. Raises :class:`~eventwire.errors.RecordError` saying
    which record is wrong and why: no text, or a date that is not one.
    """
    if isinstance(item, Article):
        return item
    where = f"item {index}"
    if isinstance(item, str):
        return Article(id=doc_id_for(item), text=item)
    if isinstance(item, tuple) and len(item) in (2, 3):
        item = dict(zip(("id", "text", "date"), item, strict=False))
    if not isinstance(item, Mapping):
        raise RecordError(
            f"{where}: a {type(item).__name__}; give an Article, a dict with 'text', an (id, text) or "
            "(id, text, date) tuple, or a str",
            where=where,
            reason="malformed",
        )
    if "id" in item and item["id"] not in (None, ""):
        where = f"{where} (id {item['id']!r})"
    article = _article_from_json(dict(item), where, None)
    if article.date_raw is not None:
        raise RecordError(
            f"{where}: date {article.date_raw!r} is not a date; give a datetime.date, 'YYYY-MM-DD' or a "
            "written date with day, month and year ('Dec 16 2016')",
            where=where,
            reason="bad-date",
        )
    return article


def _as_articles(items: Iterable[ArticleLike], on_skip: SkipHandler | None) -> Iterator[Article]:
    for i, item in enumerate(items):
        if type(item) is Article:
            yield item
            continue
        try:
            yield as_article(item, i)
        except RecordError as e:
            if on_skip is None:
                raise
            on_skip(Skip(where=e.where, reason=e.reason, detail=str(e).removeprefix(f"{e.where}: ")))


def _chunks(items: Iterable[Article], n: int, chars: int) -> Iterator[list[Article]]:
    """Batches of at most ``n`` articles and (unless one article is larger) ``chars`` characters."""
    batch: list[Article] = []
    size = 0
    for item in items:
        if batch and size + len(item.text or "") > chars:
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += len(item.text or "")
        if len(batch) >= n:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


_WORKER: Coder | None = None


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie, dead but not yet reaped by its parent, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:  # no /proc (not Linux): kill(pid, 0) said it exists
        return True


def _die_with_main(main_pid: int) -> None:
    """End this worker when the process that started the pool ends, however that ends (``kill -9``
    included): a watcher thread checks every second. A worker's parent is the forkserver, which outlives a
    killed main process, so the parent's death alone says nothing; the forkserver is ended too. Workers
    hold a model each (about 0.6 GB): orphans must not stay."""

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if not _alive(main_pid):
                parent = os.getppid()
                if parent not in (main_pid, 1):
                    with suppress(OSError):
                        os.kill(parent, signal.SIGTERM)  # the forkserver, orphaned too
                os._exit(1)

    threading.Thread(target=watch, name="eventwire-main-watch", daemon=True).start()


def _init_worker(config: Config, main_pid: int) -> None:
    global _WORKER  # one Coder per worker process, built once at start (not module configuration)
    _die_with_main(main_pid)
    _WORKER = Coder(config.replace(n_process=1))


def _work(batch: list[Article]) -> list[tuple[Article, list[Event] | Skip]]:
    assert _WORKER is not None
    return _WORKER._code_batch(batch)


def _parallel(
    batches: Iterator[list[Article]], config: Config
) -> Iterator[list[tuple[Article, list[Event] | Skip]]]:
    """Code batches in ``config.n_process`` workers, in order, with a bounded number in flight."""
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    with ProcessPoolExecutor(
        max_workers=config.n_process, mp_context=ctx, initializer=_init_worker, initargs=(config, os.getpid())
    ) as pool:
        pending: deque[Future[list[tuple[Article, list[Event] | Skip]]]] = deque()
        for batch in batches:
            pending.append(pool.submit(_work, batch))
            if len(pending) >= 2 * config.n_process:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


# -- the public functions ------------------------------------------------------------------------------


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError as e:
        raise InputError(f"{value!r} is not a date; use YYYY-MM-DD") from e


def code_text(
    text: str,
    date: dt.date | str | None = None,
    *,
    doc_id: str | None = None,
    config: Config | None = None,
    coder: Coder | None = None,
) -> list[Event]:
    """Code one text. ``date`` is the publication date (relative dates resolve against it)."""
    article = Article(id=doc_id or doc_id_for(text), text=text, date=_as_date(date))
    return (coder or _default_coder(config or Config())).code(article)


def code_articles(
    articles: Iterable[ArticleLike], config: Config | None = None, on_skip: SkipHandler | None = None
) -> Iterator[tuple[Article, list[Event]]]:
    """Code a stream of articles: :class:`Article` records, dicts, ``(id, text[, date])`` tuples or texts
    (see :meth:`Coder.code_articles`)."""
    return _default_coder(config or Config()).code_articles(articles, on_skip=on_skip)


_CODERS: dict[Config, Coder] = {}


def _default_coder(config: Config) -> Coder:
    coder = _CODERS.get(config)
    if coder is None:
        coder = _CODERS[config] = Coder(config)
    return coder


# -- reading inputs --------------------------------------------------------------------------------------


_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def unicode_encoding(head: bytes) -> str | None:
    """The UTF-16/32 encoding of text starting with ``head``: by its byte order mark, else (UTF-16 without
    one) by its NUL bytes falling on every other byte, as they do for Latin-script text; None otherwise."""
    for bom, by_bom in _BOMS:
        if head.startswith(bom):
            return by_bom
    sample = head[:BINARY_SNIFF] if len(head) % 2 == 0 else head[: min(len(head), BINARY_SNIFF) - 1]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    enc: str | None = None
    if odd > 0.4 * half and even < 0.02 * half:
        enc = "utf-16-le"
    elif even > 0.4 * half and odd < 0.02 * half:
        enc = "utf-16-be"
    if enc is None:
        return None
    text = sample.decode(enc, errors="replace")  # text has words: printable characters and spaces
    printable = sum(c.isprintable() or c in "\n\r\t" for c in text)
    spaces = sum(c.isspace() for c in text)
    return enc if printable >= 0.95 * len(text) and spaces * 40 >= len(text) else None


def _decode(data: bytes, where: str) -> str:
    enc = unicode_encoding(data[:BINARY_SNIFF])
    if enc is not None:
        try:
            return data.decode(enc).removeprefix("\ufeff")
        except UnicodeDecodeError as e:
            raise RecordError(
                f"{where}: invalid {enc.upper()} at byte {e.start}; convert the file to UTF-8",
                where=where,
                reason="invalid-utf8",
            ) from e
    if b"\x00" in data[:BINARY_SNIFF]:
        raise RecordError(
            f"{where}: binary data, not text (convert it, or use `eventwire ingest` for HTML/WARC)",
            where=where,
            reason="binary",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise RecordError(
            f"{where}: invalid UTF-8 at byte {e.start}; convert the file to UTF-8 "
            "(e.g. iconv -f cp1252 -t utf-8) or use `eventwire ingest`, which detects encodings",
            where=where,
            reason="invalid-utf8",
        ) from e


def _article_from_json(obj: Any, where: str, default_date: dt.date | None) -> Article:
    if not isinstance(obj, dict):
        raise RecordError(
            f"{where}: expected a JSON object with a 'text' field", where=where, reason="malformed"
        )
    text = obj.get("text")
    if not isinstance(text, str):
        raise RecordError(f"{where}: no 'text' string field", where=where, reason="malformed")
    doc_id = obj.get("id")
    fields = {
        k: v
        for k, v in obj.items()
        if k not in ("date", "date_raw", "fetched_at") and (v is None or isinstance(v, str))
    }
    fields.update(id=str(doc_id) if doc_id not in (None, "") else doc_id_for(text), text=text)
    try:
        article = Article.from_dict(fields)
    except (TypeError, ValueError) as e:
        raise RecordError(f"{where}: {e}", where=where, reason="malformed") from e
    value = obj.get("date")
    if value in (None, "") and isinstance(obj.get("date_raw"), str):
        value = obj["date_raw"]  # an article ingest could not date: read again, warned about again
    pub = parse_pubdate(
        value, language=article.language, date_order=date_order_for(article.url, article.source)
    )
    raw = raw_value(value) if pub is None else None
    return replace(article, date=pub or default_date, date_raw=raw)


def _lines(stream: Any, cap: int) -> Iterator[bytes | int]:
    """The lines of a byte stream (UTF-16/32 re-encoded as UTF-8), each read up to ``cap`` bytes: a longer
    line is passed over in chunks (memory stays bounded whatever its size) and given as its length."""
    head = stream.peek(4)[:4] if hasattr(stream, "peek") else b""
    enc = (
        unicode_encoding(head)
        if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[:4] == b"\x00\x00\xfe\xff"
        else None
    )
    if enc is not None:
        text = io.TextIOWrapper(stream, encoding=enc, newline="")
        for line in iter(lambda: text.readline(cap // 4 + 1), ""):
            if len(line) > cap // 4 and not line.endswith("\n"):
                n = len(line)
                while line and not line.endswith("\n"):
                    line = text.readline(1 << 20)
                    n += len(line)
                yield n * 2
                continue
            yield line.removeprefix("\ufeff").encode("utf-8")
        return
    while True:
        line = stream.readline(cap + 1)
        if not line:
            return
        if len(line) > cap and not line.endswith(b"\n"):
            n = len(line)
            while line and not line.endswith(b"\n"):
                line = stream.readline(1 << 20)
                n += len(line)
            yield n
            continue
        yield line


def _jsonl(stream: Any, name: str, date: dt.date | None, max_chars: int) -> Iterator[Article | Skip]:
    for n, raw in enumerate(_lines(stream, max_chars * 4), 1):
        where = f"{name}:{n}"
        if isinstance(raw, int):
            yield Skip(
                where=where,
                reason="too-large",
                detail=f"a line of {raw:,} bytes, over {max_chars * 4:,} (max_chars {max_chars:,}; "
                "raise --max-chars, or split the document)",
            )
            continue
        if not raw.strip():
            continue
        try:
            obj = json.loads(_decode(raw, where))
            yield _article_from_json(obj, where, date)
        except json.JSONDecodeError as e:
            yield Skip(where=where, reason="malformed", detail=f"not JSON ({e.msg} at column {e.colno})")
        except RecordError as e:
            yield Skip(where=where, reason=e.reason, detail=str(e).removeprefix(f"{where}: "))


def read_inputs(
    inputs: Iterable[str],
    *,
    input_format: str | None = None,
    date: dt.date | None = None,
    max_chars: int = Config().max_chars,
    stdin: Any = None,
) -> Iterator[Article | Skip]:
    """Articles from files, ``-`` (stdin) or JSONL, with a :class:`Skip` for each unreadable input or line."""
    for name in inputs:
        fmt = input_format or ("jsonl" if name.endswith((".jsonl", ".ndjson")) else "text")
        if name == "-":
            stream = (stdin or sys.stdin).buffer if hasattr(stdin or sys.stdin, "buffer") else stdin
            if fmt == "jsonl":
                yield from _jsonl(stream, "stdin", date, max_chars)
                continue
            data = stream.read(max_chars * 4 + 1)
            yield from _text_article(data, "stdin", None, date, max_chars)
            continue
        path = Path(name)
        if not path.is_file():
            what = "not a regular file (a folder, FIFO or device)" if path.exists() else "no such file"
            yield Skip(where=name, reason="not-found" if not path.exists() else "unsupported", detail=what)
            continue
        if fmt == "jsonl":
            with open(path, "rb") as f:
                yield from _jsonl(f, path.name, date, max_chars)
            continue
        size = path.stat().st_size
        if size > max_chars * 4:
            yield Skip(
                where=name,
                reason="too-large",
                detail=f"{size:,} bytes, over {max_chars * 4:,} (max_chars {max_chars:,}); a news article "
                "is far smaller (split it, or raise --max-chars)",
            )
            continue
        yield from _text_article(path.read_bytes(), name, path.stem, date, max_chars)


def _text_article(
    data: bytes, where: str, stem: str | None, date: dt.date | None, max_chars: int
) -> Iterator[Article | Skip]:
    if len(data) > max_chars * 4:
        yield Skip(
            where=where,
            reason="too-large",
            detail=f"more than {max_chars * 4:,} bytes (max_chars {max_chars:,}; raise --max-chars)",
        )
        return
    try:
        text = _decode(data, where)
    except RecordError as e:
        yield Skip(where=where, reason=e.reason, detail=str(e).removeprefix(f"{where}: "))
        return
    if not text.strip():
        yield Skip(where=where, reason="empty", detail="no text")
        return
    yield Article(id=stem or doc_id_for(text, "stdin"), text=text, date=date)
