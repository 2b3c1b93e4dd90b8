"""The driver's side of a cluster run: plan the job, hand partitions to Dask workers, and turn their shards
back into the stream of articles and coded events that :func:`eventwire.run.run_pipeline` stores.

The cluster is another executor of the same run: ``run_pipeline`` still decides what is stored (articles
already stored with the same text, repeated ids, flagged articles), in batches, one transaction each,
merged as they land. What changes is where documents are read and coded:

1. **Plan.** The sources are expanded as a single-process run expands them and cut into partitions
   (:mod:`eventwire.cluster.plan`; JSONL and WARC files are scanned on workers). The plan is saved in the
   job's manifest; the job id is a hash of the inputs (paths, sizes, modification times), the ingest
   options, the coder's configuration and the eventwire version, so running the same command again finds
   the same job.
2. **Code.** Each partition is a Dask task (:func:`eventwire.cluster.worker.code_partition`) that writes
   its shards; a bounded number are in flight. A worker lost mid-task has its task run again elsewhere by
   the scheduler; the shard is written again, identical, under the same name.
3. **Load, in input order.** The driver reads the shards in plan order and places every draft in one
   dedup index (the state directory's, or one in memory), in the order a single-process run would: the
   MinHash fingerprints were computed on the workers, the verdicts are the single-process ones, so copies
   in different partitions still cluster. An article the index calls a copy is stored uncoded even when
   its worker coded it (it was the first of its partition).

Resuming: shards already written are not computed again, and ``run_pipeline`` does not store again what
the store holds, so a job killed at any point and run again ends with the content of an unbroken run;
every write of a job is stamped with the job's start (its manifest), as one update.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..errors import ConfigError
from ..ingest.options import IngestOptions
from ..ingest.run import Ingestor
from ..ingest.sources import Unit
from ..types import Article, Event, Skip
from .plan import Entry, Partition, entry_from_dict, entry_to_dict, make_plan, unit_from_dict, unit_to_dict
from .plan import units_of as expand_units
from .shards import Coded, Staging

if TYPE_CHECKING:
    from distributed import Client

    from ..pipeline import Coder

MANIFEST_VERSION = 1
WORKER_LOST = "worker-lost"
"""Skip reason of a partition whose task killed the workers that ran it (the scheduler gave up)."""

DEFAULT_STAGING = ".eventwire-staging"


@dataclass(frozen=True, slots=True)
class ClusterOptions:
    """Where and how a run uses a cluster.

    - ``address``: ``tcp://host:8786`` (a running scheduler) or ``local:N`` (a ``LocalCluster`` of N worker
      processes on 127.0.0.1, one thread each, started and stopped with the run).
    - ``staging``: the folder for job manifests and shards: a path or fsspec URL every worker can reach.
    - ``partition_size``: documents per task (files, JSON lines, WARC records, URLs).
    - ``in_flight``: tasks handed to the scheduler ahead of the one being loaded (default: 4 per worker).
    - ``remove_staging``: delete the job's folder once its run ended ``done``.
    """

    address: str
    staging: str = DEFAULT_STAGING
    partition_size: int = 100
    in_flight: int | None = None
    remove_staging: bool = False

    def __post_init__(self) -> None:
        if self.partition_size < 1:
            raise ConfigError(f"the partition size must be at least 1, got {self.partition_size}")
        parse_address(self.address)


def parse_address(address: str) -> tuple[str, int | str]:
    """``("local", N)`` or ``("remote", address)``; a malformed value is a :class:`ConfigError`."""
    addr = address.strip()
    if addr.lower().startswith("local"):
        _, _, n = addr.partition(":")
        try:
            workers = int(n) if n else os.cpu_count() or 1
        except ValueError:
            workers = 0
        if workers < 1:
            raise ConfigError(f"--cluster {address!r}: use local:N with N worker processes (N >= 1)")
        return "local", workers
    if "://" not in addr and ":" not in addr:
        raise ConfigError(f"--cluster {address!r} is not a scheduler address: use tcp://host:8786 or local:N")
    return "remote", addr


def connect(address: str, stack: ExitStack) -> Client:
    """A Dask client for ``address`` (a ``LocalCluster`` for ``local:N``), closed with ``stack``."""
    from distributed import Client, LocalCluster

    kind, where = parse_address(address)
    if kind == "local":
        cluster = stack.enter_context(
            LocalCluster(
                n_workers=int(where),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
        )
        return stack.enter_context(Client(cluster))
    try:
        client = Client(str(where), timeout="30s")
    except OSError as e:
        raise ConfigError(
            f"cannot reach the Dask scheduler at {where}: {e}; start one (`dask scheduler`, then "
            "`dask worker ADDRESS --nthreads 1`) or use --cluster local:N"
        ) from e
    return stack.enter_context(client)


def _stamp(path: Path) -> list[Any]:
    try:
        st = path.stat()
    except OSError:
        return [str(path), None, None]
    return [str(path), st.st_size, st.st_mtime_ns]


def job_key(
    sources: Sequence[str],
    units: Sequence[Unit | Skip],
    options: IngestOptions,
    config: Config,
    partition_size: int,
    code_duplicates: bool,
) -> str:
    """The job id: what the shards depend on (inputs as found, reading and coding settings, version)."""
    opts = {
        k: [str(x) for x in v] if isinstance(v, tuple) else (str(v) if v is not None else None)
        for k, v in dataclasses.asdict(options).items()
        if k != "state_dir"  # where the index lives changes the driver's verdicts, not the shards
    }
    conf = {k: str(v) for k, v in dataclasses.asdict(config).items() if k != "n_process"}
    files = [
        _stamp(Path(p))
        for p in (
            *config.actor_files,
            *config.agent_files,
            *config.lexicon_files,
            *config.people_files,
            *config.discard_files,
            *options.boilerplate_files,
        )
    ]
    try:
        ver = version("eventwire")
    except PackageNotFoundError:
        ver = "unknown"
    blob = json.dumps(
        {
            "sources": list(sources),
            "units": [u.to_dict() if isinstance(u, Skip) else unit_to_dict(u) for u in units],
            "options": opts,
            "config": conf,
            "files": files,
            "partition_size": partition_size,
            "code_duplicates": code_duplicates,
            "version": ver,
            "manifest": MANIFEST_VERSION,
        },
        sort_keys=True,
        default=str,
    )
    return "job-" + hashlib.sha1(blob.encode("utf-8")).hexdigest()[:16]


def _worker_plugins(dask_scheduler: Any) -> list[str]:
    """The names of the worker plugins registered on a scheduler (run there)."""
    return list(dask_scheduler.worker_plugins)


class ShardCoder:
    """The coder of a cluster run, for :func:`eventwire.run.run_pipeline`: hands back what the workers
    coded, in order. An article the workers did not code (rare: a copy within its partition that the
    job-wide index calls an original) is coded here, with a coder loaded on first need."""

    def __init__(self, config: Config) -> None:
        self.config = config.replace(n_process=1)
        self._queue: deque[tuple[str, Coded | None]] = deque()
        self._local: Coder | None = None
        self.coded_here = 0

    def push(self, article: Article, coded: Coded | None) -> None:
        self._queue.append((article.id, coded))

    def code_articles(
        self, articles: Iterable[Article], on_skip: Callable[[Skip], None] | None = None
    ) -> Iterator[tuple[Article, list[Event]]]:
        for a in articles:
            # entries before this article's were not passed on (already stored, repeated ids, flagged)
            while self._queue and self._queue[0][0] != a.id:
                self._queue.popleft()
            coded = self._queue.popleft()[1] if self._queue else None
            if coded is None:
                yield from self._code_here(a, on_skip)
            elif coded.skip is not None:
                if on_skip is not None:
                    on_skip(coded.skip)
            else:
                yield a, list(coded.events or ())

    def _code_here(
        self, article: Article, on_skip: Callable[[Skip], None] | None
    ) -> Iterator[tuple[Article, list[Event]]]:
        if self._local is None:
            from ..pipeline import Coder

            self._local = Coder(self.config)
        self.coded_here += 1
        yield from self._local.code_articles([article], on_skip=on_skip)


class ClusterJob:
    """One job on a cluster: ``with ClusterJob(...) as job: run_pipeline(job.items(), store, job.coder,
    stored_at=job.stamp, ...); job.finish()`` (what :func:`eventwire.run.run_sources` does)."""

    def __init__(
        self,
        sources: Sequence[str],
        config: Config,
        cluster: ClusterOptions,
        *,
        ingest_options: IngestOptions | None = None,
        code_duplicates: bool = False,
    ) -> None:
        self.sources = list(sources)
        self.config = config
        self.cluster = cluster
        self.options = ingest_options or IngestOptions()
        self.code_duplicates = code_duplicates
        self.coder = ShardCoder(config)
        self._stack = ExitStack()
        self._ingestor: Ingestor | None = None
        self.client: Client | None = None
        self.entries: list[Entry] = []
        self.stamp = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        self.resumed = 0  # partitions whose shards an earlier attempt wrote
        self.computed = 0
        self.lost = 0

    # -- lifecycle ----------------------------------------------------------------------------------------

    def __enter__(self) -> ClusterJob:
        try:
            self._open()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the index (without committing what :meth:`finish` did not), the client and cluster."""
        if self._ingestor is not None:
            self._ingestor.close()
            self._ingestor = None
        self._stack.close()

    def _open(self) -> None:
        units = expand_units(self.sources, self.options)
        self.job_id = job_key(
            self.sources, units, self.options, self.config, self.cluster.partition_size, self.code_duplicates
        )
        self.staging = Staging(self.cluster.staging, self.job_id)
        manifest = self.staging.read_manifest()
        self.client = connect(self.cluster.address, self._stack)
        if manifest is None:
            self.entries = make_plan(units, self.cluster.partition_size, self._scan)
            self.stamp = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
            manifest = {
                "version": MANIFEST_VERSION,
                "job_id": self.job_id,
                "created_at": self.stamp.isoformat(),
                "sources": self.sources,
                "partition_size": self.cluster.partition_size,
                "code_duplicates": self.code_duplicates,
                "entries": [entry_to_dict(e) for e in self.entries],
                "finished_at": None,
            }
            self.staging.write_manifest(manifest)
        else:
            self.entries = [entry_from_dict(e) for e in manifest["entries"]]
            self.stamp = dt.datetime.fromisoformat(manifest["created_at"])
        self._manifest = manifest
        from .worker import CoderPlugin

        self.plugin_name = "eventwire-coder-" + hashlib.sha1(repr(self.config).encode()).hexdigest()[:12]
        if self.plugin_name not in self.client.run_on_scheduler(_worker_plugins):
            # registering again would make every worker load its coder again
            self.client.register_plugin(CoderPlugin(self.config, self.plugin_name), name=self.plugin_name)
        self._ingestor = Ingestor(self.options)

    def _scan(self, units: Sequence[Unit]) -> Iterator[list[Unit]]:
        """JSONL and WARC files cut into parts by tasks on the workers, in order."""
        if not units:
            return
        from .worker import scan_file

        assert self.client is not None
        futures = [
            self.client.submit(scan_file, unit_to_dict(u), self.cluster.partition_size, pure=False)
            for u in units
        ]
        for fut in futures:
            yield [unit_from_dict(d) for d in fut.result()]

    @property
    def partitions(self) -> list[Partition]:
        return [e for e in self.entries if isinstance(e, Partition)]

    # -- the stream ---------------------------------------------------------------------------------------

    def items(self) -> Iterator[Article | Skip]:
        """Skips and articles of the job, in input order, placed in the job-wide dedup index; what the
        workers coded goes to :attr:`coder`."""
        from distributed import KilledWorker

        from .worker import code_partition

        assert self.client is not None and self._ingestor is not None
        client, ing = self.client, self._ingestor
        done = self.staging.done()
        queue = deque(p for p in self.partitions if p.index not in done)
        futures: dict[int, Any] = {}

        def refill() -> None:
            limit = self.cluster.in_flight or max(4, 4 * max(1, sum(client.nthreads().values())))
            while queue and len(futures) < limit:
                p = queue.popleft()
                futures[p.index] = client.submit(
                    code_partition,
                    self.staging.root,
                    self.job_id,
                    p.index,
                    [unit_to_dict(u) for u in p.units],
                    self.options,
                    self.plugin_name,
                    self.code_duplicates,
                    key=f"eventwire-{self.job_id}-part-{p.index}",
                    pure=False,
                )

        try:
            for entry in self.entries:
                if isinstance(entry, Skip):
                    yield entry
                    continue
                if entry.index in done:
                    self.resumed += 1
                else:
                    refill()
                    fut = futures.pop(entry.index)
                    try:
                        fut.result()
                    except KilledWorker as e:
                        self.lost += 1
                        yield Skip(entry.where, WORKER_LOST, f"the task killed every worker that ran it: {e}")
                        continue
                    self.computed += 1
                    refill()
                for item in self.staging.read_shard(entry.index):
                    if item.skip is not None:
                        yield item.skip
                        continue
                    assert item.draft is not None
                    article = ing.place(item.draft)
                    if article is None:
                        continue
                    self.coder.push(article, item.coded)
                    yield article
        finally:
            for fut in futures.values():
                fut.cancel()

    def finish(self, status: str = "done") -> None:
        """After the run stored everything: commit the dedup index (with a state directory) and record in
        the manifest that the job finished; with ``remove_staging``, delete the job's folder."""
        if self._ingestor is not None:
            self._ingestor.checkpoint()
        if status != "done":
            return
        if self.cluster.remove_staging:
            self.staging.remove()
            return
        self._manifest["finished_at"] = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None).isoformat()
        self.staging.write_manifest(self._manifest)

    def summary(self) -> dict[str, Any]:
        """What the job did on the cluster, for the run's summary."""
        return {
            "job": self.job_id,
            "staging": self.staging.root,
            "partitions": len(self.partitions),
            "computed": self.computed,
            "resumed": self.resumed,
            "lost": self.lost,
            "coded_on_driver": self.coder.coded_here,
        }
