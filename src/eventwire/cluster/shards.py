"""The staging folder of cluster jobs: a manifest per job and two Parquet shards per partition.

::

    STAGING/<job id>/job.json                    the plan, the job's time stamp, what it was run with
    STAGING/<job id>/mentions/part-000042.parquet  the coded mentions of partition 42 (the Parquet
                                                   export's mentions columns, plus ``item`` and ``record``)
    STAGING/<job id>/items/part-000042.parquet     every document and skip of partition 42, in input order

``STAGING`` is a local path or any fsspec URL (``s3://bucket/staging``, ``gs://...``) that the driver and
every worker can reach. A shard is written under a temporary name and renamed, mentions first: an items
shard exists only complete, and only after its mentions shard, so it marks the partition done.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import ConfigError
from ..ingest.dedup import Fingerprint
from ..ingest.run import Draft
from ..types import Article, Event, Skip

ITEMS_SCHEMA = pa.schema(
    [
        ("kind", pa.string()),  # "article" or "skip"
        ("where", pa.string()),
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("id", pa.string()),
        ("text", pa.string()),
        ("date", pa.date32()),
        ("url", pa.string()),
        ("source", pa.string()),
        ("title", pa.string()),
        ("author", pa.string()),
        ("language", pa.string()),
        ("date_raw", pa.string()),
        ("fetched_at", pa.string()),  # ISO 8601 as given (with or without a zone)
        ("origin", pa.string()),
        ("requested_url", pa.string()),
        ("content_hash", pa.string()),
        ("signature", pa.binary()),
        ("n_shingles", pa.int32()),
        ("band_keys", pa.list_(pa.int64())),
        ("coded", pa.bool_()),  # the worker coded it (its mentions are in the mentions shard)
        ("coder_reason", pa.string()),  # or the coder's skip
        ("coder_detail", pa.string()),
    ]
)


@dataclass(slots=True)
class Coded:
    """What the worker's coder made of an article: its events, or the skip saying why none."""

    events: list[Event] | None = None
    skip: Skip | None = None


@dataclass(slots=True)
class ShardItem:
    """One row of an items shard: a skip, or a draft with what the worker's coder made of it (``coded``
    is ``None`` when the worker did not code it: a copy within its partition, another language)."""

    skip: Skip | None = None
    draft: Draft | None = None
    coded: Coded | None = None


def items_table(items: Sequence[ShardItem]) -> pa.Table:
    cols: dict[str, list[Any]] = {name: [] for name in ITEMS_SCHEMA.names}
    for it in items:
        row: dict[str, Any] = dict.fromkeys(ITEMS_SCHEMA.names)
        if it.skip is not None:
            row.update(kind="skip", where=it.skip.where, reason=it.skip.reason, detail=it.skip.detail)
        else:
            d = it.draft
            assert d is not None
            row.update(
                kind="article",
                where=d.where,
                id=d.id,
                text=d.text,
                date=d.date,
                url=d.url,
                source=d.source,
                title=d.title,
                author=d.author,
                language=d.language,
                date_raw=d.date_raw,
                fetched_at=d.fetched_at.isoformat() if d.fetched_at else None,
                origin=d.origin,
                requested_url=d.requested_url,
                coded=False,
            )
            fp = d.fingerprint
            if fp is not None:
                row.update(
                    content_hash=fp.content_hash,
                    signature=np.asarray(fp.signature, dtype="<u4").tobytes(),
                    n_shingles=fp.n_shingles,
                    band_keys=list(fp.keys),
                )
            c = it.coded
            if c is not None:
                row["coded"] = c.events is not None
                if c.skip is not None:
                    row.update(coder_reason=c.skip.reason, coder_detail=c.skip.detail)
        for k, v in row.items():
            cols[k].append(v)
    return pa.table(cols, schema=ITEMS_SCHEMA)


def mentions_shard(items: Sequence[ShardItem]) -> pa.Table:
    """The mentions of a partition: the Parquet export's ``mentions`` columns (what only the store knows,
    null), the row of their article in the items shard, and the lossless record (``Event.to_dict``)."""
    from ..frames import to_arrow

    pairs: list[tuple[Article, list[Event]]] = []
    rows: list[int] = []
    for i, it in enumerate(items):
        if it.coded is not None and it.coded.events and it.draft is not None:
            d = it.draft
            pairs.append((Article(id=d.id, text="", date=d.date), it.coded.events))
            rows += [i] * len(it.coded.events)
    table = to_arrow(pairs)
    records = [json.dumps(ev.to_dict(), ensure_ascii=False) for _, evs in pairs for ev in evs]
    table = table.append_column("item", pa.array(rows, pa.int32()))
    return table.append_column("record", pa.array(records, pa.string()))


def read_items(items: pa.Table, mentions: pa.Table) -> list[ShardItem]:
    """The items of a shard back, with their events."""
    events: dict[int, list[Event]] = {}
    for row, rec in zip(
        mentions.column("item").to_pylist(), mentions.column("record").to_pylist(), strict=True
    ):
        events.setdefault(row, []).append(Event.from_dict(json.loads(rec)))
    out: list[ShardItem] = []
    for i, r in enumerate(items.to_pylist()):
        if r["kind"] == "skip":
            out.append(ShardItem(skip=Skip(r["where"], r["reason"], r["detail"] or "")))
            continue
        fp = None
        if r["content_hash"] is not None:
            fp = Fingerprint(
                r["content_hash"],
                np.frombuffer(r["signature"], dtype="<u4"),
                int(r["n_shingles"]),
                tuple(r["band_keys"]),
            )
        draft = Draft(
            where=r["where"],
            id=r["id"],
            text=r["text"],
            date=r["date"],
            url=r["url"],
            source=r["source"],
            title=r["title"],
            author=r["author"],
            language=r["language"],
            date_raw=r["date_raw"],
            fetched_at=dt.datetime.fromisoformat(r["fetched_at"]) if r["fetched_at"] else None,
            origin=r["origin"],
            requested_url=r["requested_url"],
            fingerprint=fp,
        )
        coded = None
        if r["coded"]:
            coded = Coded(events=events.get(i, []))
        elif r["coder_reason"] is not None:
            coded = Coded(skip=Skip(r["id"], r["coder_reason"], r["coder_detail"] or ""))
        out.append(ShardItem(draft=draft, coded=coded))
    return out


class Staging:
    """One job's folder in the staging area (a local path or an fsspec URL)."""

    def __init__(self, root: str, job_id: str) -> None:
        import fsspec

        try:
            self.fs, base = fsspec.core.url_to_fs(root)
        except (ImportError, ValueError) as e:
            raise ConfigError(
                f"cannot use {root!r} as the staging folder: {e}; give a local path or an fsspec URL "
                "whose filesystem is installed (e.g. s3fs for s3://)"
            ) from e
        self.root = root
        self.job_id = job_id
        self.path = f"{base.rstrip('/')}/{job_id}"

    def _p(self, *parts: str) -> str:
        return "/".join([self.path, *parts])

    def read_manifest(self) -> dict[str, Any] | None:
        p = self._p("job.json")
        if not self.fs.exists(p):
            return None
        with self.fs.open(p, "rb") as f:
            data: dict[str, Any] = json.loads(f.read().decode("utf-8"))
        return data

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        self._put(self._p("job.json"), json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))

    def done(self) -> set[int]:
        """The partitions whose shards are complete."""
        d = self._p("items")
        if not self.fs.exists(d):
            return set()
        out = set()
        for name in self.fs.ls(d, detail=False):
            base = str(name).rsplit("/", 1)[-1]
            if base.startswith("part-") and base.endswith(".parquet"):
                out.add(int(base[5:-8]))
        return out

    def write_shard(self, index: int, items: pa.Table, mentions: pa.Table) -> None:
        name = f"part-{index:06d}.parquet"
        self._put(self._p("mentions", name), _parquet(mentions))
        self._put(self._p("items", name), _parquet(items))

    def read_shard(self, index: int) -> list[ShardItem]:
        name = f"part-{index:06d}.parquet"
        with self.fs.open(self._p("items", name), "rb") as f:
            items = pq.read_table(f)
        with self.fs.open(self._p("mentions", name), "rb") as f:
            mentions = pq.read_table(f)
        return read_items(items, mentions)

    def remove(self) -> None:
        if self.fs.exists(self.path):
            self.fs.rm(self.path, recursive=True)

    def _put(self, path: str, data: bytes) -> None:
        folder = path.rsplit("/", 1)[0]
        self.fs.makedirs(folder, exist_ok=True)
        tmp = f"{folder}/.tmp-{uuid.uuid4().hex}"
        with self.fs.open(tmp, "wb") as f:
            f.write(data)
        self.fs.mv(tmp, path)


def _parquet(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue())
