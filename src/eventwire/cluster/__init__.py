"""``eventwire run --cluster``: ingest and coding on Dask workers, loading and merging on the driver.

::

    from eventwire.cluster import ClusterOptions
    from eventwire.run import run_sources

    with open_store("eventwire.duckdb") as store:
        stats = run_sources(["crawl/"], store, Config(), cluster=ClusterOptions("local:2"))

Importing this package imports neither Dask nor spaCy; :mod:`eventwire.cluster.worker` (the task and the
worker plugin) imports ``distributed``. See ``docs/scale.md``.
"""

from __future__ import annotations

from .job import DEFAULT_STAGING, WORKER_LOST, ClusterJob, ClusterOptions, ShardCoder, job_key, parse_address
from .plan import Partition, make_plan, scan_unit

__all__ = [
    "DEFAULT_STAGING",
    "WORKER_LOST",
    "ClusterJob",
    "ClusterOptions",
    "Partition",
    "ShardCoder",
    "job_key",
    "make_plan",
    "parse_address",
    "scan_unit",
]
