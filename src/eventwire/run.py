"""``eventwire run``: ingest -> code -> store -> merge, in one streaming pass (the top of the house).

Articles flow from :func:`eventwire.ingest.ingest` through :class:`eventwire.pipeline.Coder` into the
:class:`~eventwire.store.Store` in batches, one transaction each, merged as they land. This module is the
only one that knows all three stages; ingest, the coder and the store know nothing of each other.

A run can be killed at any point: every batch either committed or left no trace, and the next run skips
articles already stored with the same text (``recode`` codes them again, replacing their mentions), so it
resumes without duplicates.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from .config import Config
from .ingest import IngestOptions, ingest
from .ingest.pubdate import date_warning
from .store import Store
from .store.records import id_problem, printable, text_sha1
from .types import Article, Event, Skip

if TYPE_CHECKING:
    from .cluster import ClusterOptions

DUPLICATE = "duplicate"
REPEATED_ID = (
    "this article id came earlier in this run; the first is kept (a later run with a changed text "
    "replaces it)"
)


class ArticleCoder(Protocol):
    """What a run needs of a coder (:class:`eventwire.pipeline.Coder`): a stream of articles in, the
    ``(article, events)`` of those it could code out, in order, the others reported to ``on_skip``."""

    def code_articles(
        self, articles: Iterable[Article], on_skip: Callable[[Skip], None] | None = None
    ) -> Iterator[tuple[Article, list[Event]]]: ...


@dataclass(slots=True)
class RunStats:
    """What a run did: documents read, coded and stored, events and merged events, skips by reason, and
    warnings by reason (articles kept with something wrong: ``bad-date``, a publication date not read)."""

    documents: int = 0
    coded: int = 0
    already_stored: int = 0
    duplicates: int = 0
    flagged: int = 0
    events: int = 0
    merged_new: int = 0
    merged_updated: int = 0
    batches: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0
    run_id: int | None = None
    merged_total: int = 0
    mentions_total: int = 0
    cluster: dict[str, Any] | None = None

    def skip(self, s: Skip) -> None:
        self.skipped[s.reason] += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "documents": self.documents,
            "coded": self.coded,
            "already_stored": self.already_stored,
            "duplicates_not_coded": self.duplicates,
            "flagged_not_coded": self.flagged,
            "events": self.events,
            "merged_events_new": self.merged_new,
            "merged_events_updated": self.merged_updated,
            "merged_events_total": self.merged_total,
            "mentions_total": self.mentions_total,
            "skipped": dict(sorted(self.skipped.items())),
            "warnings": dict(sorted(self.warnings.items())),
            "batches": self.batches,
            "seconds": round(self.elapsed, 2),
            **({"cluster": self.cluster} if self.cluster is not None else {}),
        }


def run_pipeline(
    items: Iterable[Article | Skip],
    store: Store,
    coder: ArticleCoder,
    *,
    recode: bool = False,
    code_duplicates: bool = False,
    batch_articles: int = 200,
    batch_chars: int = 20_000_000,
    on_progress: Callable[[RunStats], None] | None = None,
    on_skip: Callable[[Skip], None] | None = None,
    on_warning: Callable[[Skip], None] | None = None,
    sources: Sequence[str] = (),
    interrupted: Callable[[], bool] | None = None,
    stored_at: dt.datetime | None = None,
) -> RunStats:
    """Code and store a stream of articles (and :class:`Skip` records, counted by reason).

    ``coder`` codes the articles (:class:`eventwire.pipeline.Coder`, or any :class:`ArticleCoder`).
    Articles flagged by ingest (``skipped_reason``: ``duplicate``, ``language``) are stored uncoded, so
    merged events still count the copies of their articles (``num_articles``, ``num_sources``); with
    ``code_duplicates`` duplicates are coded too. A write transaction holds at most ``batch_articles``
    articles and (one article beyond) ``batch_chars`` characters of text. An article id that came earlier
    in the same run is a ``duplicate-id`` skip (the first is kept; across runs a changed text replaces the
    stored article), an id no backend can store an ``invalid-id`` skip. Articles kept with a warning (a
    publication date that could not be read) are counted in ``warnings`` and passed to ``on_warning``. The
    run is recorded ``done``, ``interrupted`` (by ``KeyboardInterrupt``, or any error once
    ``interrupted()`` says a stopping signal came) or ``failed``. ``stored_at`` stamps every write of the
    run with one time (naive UTC) instead of the time of each batch (a cluster job stamps its job's start,
    so a resumed job stores what the unbroken one would).
    """
    stats = RunStats()
    t0 = time.perf_counter()
    stats.run_id = run_id = store.start_run(sources)
    uncoded: list[tuple[Article, Sequence[Event]]] = []
    done: list[tuple[Article, Sequence[Event]]] = []
    pending: set[str] = set()  # ids passed on in this run and not written yet (bounded by what is in flight)
    held = [0]  # characters of article text waiting to be written

    def skip(s: Skip) -> None:
        stats.skip(s)
        if on_skip is not None:
            on_skip(s)

    def coder_skip(s: Skip) -> None:
        pending.discard(s.where)  # not stored: a later article with this id is not a repeat
        skip(s)

    def flush() -> None:
        batch = done + uncoded
        if not batch:
            return
        res = store.write(batch, run_id=run_id, at=stored_at)
        pending.difference_update(a.id for a, _ in batch)
        for s in res.skipped:
            skip(s)
        stats.events += res.mentions
        stats.merged_new += res.merged_new - res.merged_removed  # net: what this run added
        stats.merged_updated += res.merged_touched - res.merged_new
        stats.batches += 1
        done.clear()
        uncoded.clear()
        held[0] = 0
        stats.elapsed = time.perf_counter() - t0
        if on_progress is not None:
            on_progress(stats)

    def to_code() -> Iterator[Article]:
        buffer: list[Article] = []
        for item in items:
            if isinstance(item, Skip):
                skip(item)
                continue
            stats.documents += 1
            warning = date_warning(item)
            if warning is not None:
                stats.warnings[warning.reason] += 1
                if on_warning is not None:
                    on_warning(warning)
            buffer.append(item)
            if len(buffer) >= batch_articles:
                yield from _new(buffer)
                buffer = []
        yield from _new(buffer)

    def _new(buffer: list[Article]) -> Iterator[Article]:
        ids = [a.id for a in buffer]
        earlier = store.stored_in_run(ids, run_id)
        known = {} if recode else store.known_articles(ids)
        for a in buffer:
            problem = id_problem(a.id)
            if problem is not None:
                skip(Skip(printable(a.id), "invalid-id", f"the article id {problem}; give it another id"))
                continue
            if a.id in earlier or a.id in pending:
                skip(Skip(printable(a.id), "duplicate-id", REPEATED_ID))
                continue
            if known.get(a.id) == text_sha1(a.text):
                stats.already_stored += 1
                continue
            pending.add(a.id)
            if a.skipped_reason and not (code_duplicates and a.skipped_reason == DUPLICATE):
                if a.skipped_reason == DUPLICATE:
                    stats.duplicates += 1
                else:
                    stats.flagged += 1
                    stats.skipped[a.skipped_reason] += 1
                uncoded.append((a, ()))
                continue
            # a duplicate coded on request is stored as coded (its flag said "not to be coded")
            yield replace(a, skipped_reason=None) if a.skipped_reason else a

    status = "failed"
    try:
        for article, events in coder.code_articles(to_code(), on_skip=coder_skip):
            stats.coded += 1
            done.append((article, events))
            held[0] += len(article.text)
            if len(done) + len(uncoded) >= batch_articles or held[0] >= batch_chars:
                flush()
        flush()
        status = "done"
    except KeyboardInterrupt:  # Ctrl-C, and SIGTERM/SIGHUP as the CLI turns them into one
        status = "interrupted"
        raise
    except Exception:  # a driver may wrap the KeyboardInterrupt raised inside it into its own error
        if interrupted is not None and interrupted():
            status = "interrupted"
        raise
    finally:
        stats.elapsed = time.perf_counter() - t0
        if stats.run_id is not None:
            store.finish_run(
                stats.run_id,
                status=status,
                documents=stats.documents,
                events=stats.events,
                skip_reasons=dict(stats.skipped),
            )
        info = store.info()
        stats.merged_total = info.counts["merged_events"]
        stats.mentions_total = info.counts["mentions"]
    return stats


def run_sources(
    sources: Sequence[str],
    store: Store,
    config: Config,
    *,
    ingest_options: IngestOptions | None = None,
    coder: ArticleCoder | None = None,
    cluster: ClusterOptions | None = None,
    **kw: Any,
) -> RunStats:
    """:func:`run_pipeline` over :func:`eventwire.ingest.ingest` of ``sources``, coded with ``config``
    (by a :class:`eventwire.pipeline.Coder` built from it unless ``coder`` is given).

    With ``cluster``, the sources are read and coded on Dask workers and loaded here, in input order, by
    the same :func:`run_pipeline` (:class:`eventwire.cluster.ClusterJob`; see ``docs/scale.md``)."""
    if cluster is not None:
        from .cluster import ClusterJob

        with ClusterJob(
            sources,
            config,
            cluster,
            ingest_options=ingest_options,
            code_duplicates=bool(kw.get("code_duplicates")),
        ) as job:
            kw.setdefault("stored_at", job.stamp)
            stats = run_pipeline(job.items(), store, job.coder, sources=sources, **kw)
            job.finish()
            stats.cluster = job.summary()
        return stats
    if coder is None:
        from .pipeline import Coder  # loads spaCy: only when a run starts, never at import

        coder = Coder(config)
    return run_pipeline(ingest(sources, ingest_options), store, coder, sources=sources, **kw)
