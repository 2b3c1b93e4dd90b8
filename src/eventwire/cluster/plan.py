"""A job's plan: sources cut into partitions, tasks of bounded size, in input order.

A partition is a list of :class:`~eventwire.ingest.sources.Unit`: up to ``size`` single-document files or
URLs, a range of lines of a JSONL file, a range of records of a WARC file, or one other record file (JSON,
CSV, feed: these cannot be cut safely). Ranges come from a scan of the file (:func:`scan_unit`, run on a
worker): line starts for JSONL (byte offsets for uncompressed files), record offsets for WARC files that
are uncompressed or gzipped record by record; a WARC whose records cannot be located (gzipped as a whole,
bz2/xz/zstd) stays one partition. Reading a partition gives exactly the documents and skips a whole-file
read gives for those lines or records, with the same names (``file.jsonl:17``, ``crawl.warc.gz@10422``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..ingest.options import IngestOptions
from ..ingest.sources import COMPRESSION, Unit, expand
from ..types import Skip

PART_BYTES = 64 << 20
"""At most about this many bytes of input in one partition (besides ``size`` documents)."""

SPLITTABLE = ("jsonl", "warc")
WHOLE = ("json", "csv", "feed")
"""Record files read whole: JSON (cannot be resynchronised), CSV (quoted line breaks), feeds."""


@dataclass(frozen=True, slots=True)
class Partition:
    """One task's input: units read in order by one worker."""

    index: int
    units: tuple[Unit, ...]

    @property
    def where(self) -> str:
        """Where the partition's input is, for messages."""
        first = self.units[0]
        where = first.where
        if first.lines is not None:
            where += f":{first.lines[0]}-{first.lines[1] or 'end'}"
        elif first.partial:
            where += f"@{first.offset}-{first.stop if first.stop is not None else 'end'}"
        return where if len(self.units) == 1 else f"{where} and {len(self.units) - 1} more"

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "units": [unit_to_dict(u) for u in self.units]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Partition:
        return cls(int(d["index"]), tuple(unit_from_dict(u) for u in d["units"]))


Entry = Partition | Skip
"""A plan is partitions and the skips met while expanding the sources, in input order."""


def unit_to_dict(unit: Unit) -> dict[str, Any]:
    d = asdict(unit)
    d["path"] = str(unit.path) if unit.path is not None else None
    d["lines"] = list(unit.lines) if unit.lines is not None else None
    return d


def unit_from_dict(d: dict[str, Any]) -> Unit:
    lines = d.get("lines")
    return Unit(
        where=d["where"],
        path=Path(d["path"]) if d.get("path") else None,
        url=d.get("url"),
        stdin=bool(d.get("stdin")),
        key=d.get("key"),
        fmt=d.get("fmt", "auto"),
        offset=int(d.get("offset") or 0),
        stop=d.get("stop"),
        lines=(int(lines[0]), None if lines[1] is None else int(lines[1])) if lines else None,
    )


def entry_to_dict(entry: Entry) -> dict[str, Any]:
    if isinstance(entry, Skip):
        return {"skip": entry.to_dict()}
    return {"partition": entry.to_dict()}


def entry_from_dict(d: dict[str, Any]) -> Entry:
    if "skip" in d:
        return Skip(**d["skip"])
    return Partition.from_dict(d["partition"])


def units_of(sources: Sequence[str], options: IngestOptions) -> list[Unit | Skip]:
    """The sources expanded to units (files, URLs) and skips, as a single-process run reads them."""
    out = list(expand(sources, options))
    for u in out:
        if isinstance(u, Unit) and u.stdin:
            raise ConfigError(
                "a cluster run cannot read standard input ('-'): the workers read the sources; save it to "
                "a file they can reach and pass that"
            )
    return out


def splittable(unit: Unit) -> bool:
    return unit.path is not None and unit.fmt in SPLITTABLE


Scan = Callable[[Sequence[Unit]], Iterable[list[Unit]]]
"""Scans files into parts (on the cluster: one task per file), in order."""


def make_plan(units: Sequence[Unit | Skip], size: int, scan: Scan) -> list[Entry]:
    """The plan of a job: ``units`` cut into partitions of at most ``size`` documents (and about
    :data:`PART_BYTES` bytes), in order; ``scan`` cuts JSONL and WARC files into parts."""
    if size < 1:
        raise ConfigError(f"the partition size must be at least 1 document, got {size}")
    to_scan = [u for u in units if isinstance(u, Unit) and splittable(u)]
    parts = iter(scan(to_scan))
    entries: list[Entry] = []
    group: list[Unit] = []
    group_bytes = 0

    def add(us: Sequence[Unit]) -> None:
        entries.append(Partition(sum(isinstance(e, Partition) for e in entries), tuple(us)))

    def flush() -> None:
        nonlocal group, group_bytes
        if group:
            add(group)
        group, group_bytes = [], 0

    for unit in units:
        if isinstance(unit, Skip):
            entries.append(unit)
            continue
        if splittable(unit):
            flush()
            for part in next(parts):
                add([part])
        elif unit.fmt in WHOLE:
            flush()
            add([unit])
        else:
            nbytes = _size(unit)
            if group and (len(group) >= size or group_bytes + nbytes > PART_BYTES):
                flush()
            group.append(unit)
            group_bytes += nbytes
    flush()
    return entries


def _size(unit: Unit) -> int:
    if unit.path is None:
        return 0
    try:
        return os.path.getsize(unit.path)
    except OSError:
        return 0


# --------------------------------------------------------------------------------------------- scans
def scan_unit(unit: Unit, size: int, max_bytes: int = PART_BYTES) -> list[Unit]:
    """A JSONL or WARC file cut into parts of at most ``size`` documents (and about ``max_bytes``);
    the whole file as one unit when it cannot be cut or need not be."""
    try:
        scan = _scan_warc if unit.fmt == "warc" else _scan_jsonl
        parts = scan(unit, size, max_bytes)
    except OSError:
        return [unit]  # unreadable: the worker reading it reports why
    return parts if len(parts) > 1 else [unit]


def _compressed(path: Path) -> bool:
    if path.suffix.lower() in COMPRESSION:
        return True
    with open(path, "rb") as f:
        head = f.read(6)
    return head.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd"))


def _scan_jsonl(unit: Unit, size: int, max_bytes: int) -> list[Unit]:
    assert unit.path is not None
    starts = list(_line_starts(unit.path, size, max_bytes))
    if len(starts) > 1 and starts[-1][1] >= unit.path.stat().st_size:
        starts.pop()  # the file ends where the last part would start
    return [
        Unit(
            where=unit.where,
            path=unit.path,
            key=unit.key,
            fmt=unit.fmt,
            offset=offset,
            lines=(first, starts[i + 1][0] - 1 if i + 1 < len(starts) else None),
        )
        for i, (first, offset) in enumerate(starts)
    ]


def _line_starts(path: Path, size: int, max_bytes: int) -> Iterator[tuple[int, int]]:
    """(line number, byte offset) where each part starts; offsets are 0 in compressed files (a part is
    read from the start, skipping lines)."""
    from ..ingest.sources import DECOMPRESS_ERRORS, _compression, _decompressor

    compressed = _compressed(path)
    yield 1, 0
    with open(path, "rb") as raw:
        stream: Any = raw
        if compressed:
            kind = _compression(raw.read(6)) or "gzip"
            raw.seek(0)
            stream = _decompressor(kind, raw)
        line, pos, part_start, lines_in_part = 1, 0, 0, 0
        try:
            while True:
                chunk = stream.read(1 << 20)
                if not chunk:
                    return
                i = 0
                while True:
                    j = chunk.find(b"\n", i)
                    if j < 0:
                        break
                    lines_in_part += 1
                    line += 1
                    start = pos + j + 1
                    if lines_in_part >= size or (not compressed and start - part_start >= max_bytes):
                        yield line, (0 if compressed else start)
                        part_start, lines_in_part = start, 0
                    i = j + 1
                pos += len(chunk)
        except DECOMPRESS_ERRORS:
            return  # the last part reads to the end and meets the damage, as a whole-file read does


def _scan_warc(unit: Unit, size: int, max_bytes: int) -> list[Unit]:
    """Record ranges of a WARC file: boundaries at record starts, each checked to begin a record (a
    gzip member holding ``WARC/``, or a ``WARC/`` line), so that a part's reader starts in step."""
    from warcio.archiveiterator import ArchiveIterator

    from ..ingest.warc import DOCUMENT_RECORDS, _starts_like_warc

    assert unit.path is not None
    with open(unit.path, "rb") as f:
        head = f.read(6)
        gzipped = head.startswith(b"\x1f\x8b")
        if not gzipped and (head.startswith((b"BZh", b"\xfd7zXZ", b"\x28\xb5\x2f\xfd"))):
            return [unit]
        f.seek(0)
        cuts: list[int] = []
        docs, part_start = 0, 0
        it = ArchiveIterator(f, arc2warc=True, check_digests=False)
        try:
            for rec in it:
                offset = it.get_record_offset()
                if docs >= size or (offset - part_start >= max_bytes and docs):
                    cuts.append(offset)
                    docs, part_start = 0, offset
                if rec.rec_type in DOCUMENT_RECORDS:
                    docs += 1
        except Exception:  # noqa: BLE001 - warcio raises anything on bad bytes; the last part meets them
            pass
        for cut in cuts:
            f.seek(cut)
            if cut <= 0 or not _starts_like_warc(f.read(512), gzipped):
                return [unit]  # records not where the iterator said (a whole-file gzip): read it whole
    bounds = [0, *cuts]
    return [
        Unit(
            where=unit.where,
            path=unit.path,
            key=unit.key,
            fmt=unit.fmt,
            offset=start,
            stop=bounds[i + 1] if i + 1 < len(bounds) else None,
        )
        for i, start in enumerate(bounds)
    ]
