"""What runs on a Dask worker: the coder, loaded once per worker by a plugin, and the partition task.

Importing this module imports ``distributed``.

A task reads its partition (:meth:`eventwire.ingest.Ingestor.drafts`), places each draft in a dedup index
of its own (copies *within* the partition are not coded: the driver's verdict over the whole job will
make them copies too), codes the articles to code with the worker's :class:`~eventwire.pipeline.Coder`,
and writes the partition's shards to the staging folder. It returns counts only; everything else goes
through the shards, so a task that runs twice (a worker lost after writing) writes the same shards again.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from distributed import get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from ..config import Config
from ..ingest.options import DUPLICATE, IngestOptions
from ..ingest.run import Ingestor
from ..ingest.sources import Unit
from ..types import Article, Skip
from .shards import Coded, ShardItem, Staging, items_table, mentions_shard

if TYPE_CHECKING:
    from ..pipeline import Coder


class CoderPlugin(WorkerPlugin):
    """Loads the coder once per worker process, for every task of the job's config.

    Registered under a name that includes the config's hash, so jobs with other settings on the same
    cluster get their own coder. A lock keeps one partition coding at a time in a worker (run workers
    with one thread each: ``dask worker --nthreads 1``; threads would share one core's worth of GIL).
    """

    def __init__(self, config: Config, name: str) -> None:
        self.config = config.replace(n_process=1)
        self.name = name
        self.coder: Coder | None = None
        self.lock = threading.Lock()

    def setup(self, worker: Any = None) -> None:
        """Stop the worker's statistical profiler, and nothing else yet: the coder loads with the worker's
        first partition (:meth:`load`), so a job whose shards are all written (a finished job run again)
        loads no model anywhere.

        Dask's profiler walks the running task's stack every 10 ms; over the coder's deep Python stacks
        that added about 60 % to the CPU time of coding (measured: 80 articles took 15.3 CPU seconds in a
        worker with it, 9.5 without, 8.0 in a plain process; docs/scale.md)."""
        callbacks = getattr(worker, "periodic_callbacks", None) or {}
        for name in ("profile", "profile-cycle"):
            pc = callbacks.get(name)
            if pc is not None:
                pc.stop()

    def load(self) -> Coder:
        if self.coder is None:
            from ..pipeline import Coder

            self.coder = Coder(self.config)
        return self.coder

    def teardown(self, worker: Any = None) -> None:
        self.coder = None

    def __getstate__(self) -> dict[str, Any]:
        return {"config": self.config, "name": self.name}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.config, self.name = state["config"], state["name"]
        self.coder = None
        self.lock = threading.Lock()


def process_partition(
    coder: Coder, options: IngestOptions, units: Sequence[Unit], *, code_duplicates: bool = False
) -> list[ShardItem]:
    """Read, extract, deduplicate within the partition and code: the partition's items, in order."""
    items: list[ShardItem] = []
    to_code: list[tuple[ShardItem, Article]] = []
    with Ingestor(options.replace(state_dir=None)) as ing:
        for item in ing.drafts(units):
            if isinstance(item, Skip):
                items.append(ShardItem(skip=item))
                continue
            row = ShardItem(draft=item)
            items.append(row)
            art = ing.place(item)
            if art is None:
                continue
            if art.skipped_reason is None:
                to_code.append((row, art))
            elif code_duplicates and art.skipped_reason == DUPLICATE:
                to_code.append((row, replace(art, skipped_reason=None)))
    skips: list[Skip] = []
    coded: dict[int, list[Any]] = {}
    for art, events in coder.code_articles([a for _, a in to_code], on_skip=skips.append):
        coded[id(art)] = events
    pending = iter(skips)
    for row, art in to_code:
        evs = coded.get(id(art))
        row.coded = Coded(events=evs) if evs is not None else Coded(skip=next(pending))
    return items


def code_partition(
    staging_root: str,
    job_id: str,
    index: int,
    units: list[dict[str, Any]],
    options: IngestOptions,
    plugin_name: str,
    code_duplicates: bool,
) -> dict[str, int]:
    """The Dask task: process one partition with this worker's coder and write its shards."""
    from .plan import unit_from_dict

    plugin = get_worker().plugins[plugin_name]
    assert isinstance(plugin, CoderPlugin)
    with plugin.lock:
        items = process_partition(
            plugin.load(), options, [unit_from_dict(u) for u in units], code_duplicates=code_duplicates
        )
    Staging(staging_root, job_id).write_shard(index, items_table(items), mentions_shard(items))
    return {
        "index": index,
        "items": len(items),
        "mentions": sum(len(it.coded.events or ()) for it in items if it.coded is not None),
    }


def scan_file(unit: dict[str, Any], size: int) -> list[dict[str, Any]]:
    """The Dask task cutting a JSONL or WARC file into parts (:func:`eventwire.cluster.plan.scan_unit`)."""
    from .plan import scan_unit, unit_from_dict, unit_to_dict

    return [unit_to_dict(u) for u in scan_unit(unit_from_dict(unit), size)]
