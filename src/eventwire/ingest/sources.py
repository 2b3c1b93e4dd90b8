"""Local sources: paths, directories (recursive), globs, stdin, compression, and the record formats.

A source expands to units (one file, stdin, or a URL). Each file is read by its extension (after a
compression suffix), or by its first bytes when the extension says nothing: ``.html``/``.htm``, ``.txt``,
``.jsonl``, ``.json`` (array, object or concatenated objects, streamed), ``.csv``/``.tsv`` (column
mapping), ``.warc``/``.arc``, ``.rss``/``.atom``/``.xml`` feeds; ``.gz``, ``.bz2``, ``.xz`` and ``.zst``
are decompressed on the fly. Record files stream (memory flat in file size); single documents are read
up to ``max_bytes``. Hidden files and directories (a leading dot) are not walked into.
"""

from __future__ import annotations

import bz2
import codecs
import csv
import glob
import gzip
import io
import json
import lzma
import os
import stat
import sys
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..types import Skip
from .document import Document
from .extract import decode, looks_binary
from .feeds import iter_feed, looks_like_feed
from .options import CORRUPT, EMPTY, NOT_FOUND, NOT_HTML, TOO_LARGE, UNREADABLE, UNSUPPORTED, IngestOptions
from .pubdate import raw_value, structured_date
from .streams import sniffable
from .urls import host_of, is_url
from .warc import iter_warc

COMPRESSION = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd", ".zstd": "zstd"}
FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".txt": "text",
    ".text": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".warc": "warc",
    ".arc": "warc",
    ".rss": "feed",
    ".atom": "feed",
    ".rdf": "feed",
    ".xml": "feed",
}
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "doc_id", "docid", "article_id", "guid", "uuid"),
    "text": ("text", "maintext", "body", "content", "article", "full_text", "fulltext", "story"),
    "html": ("html", "raw_html", "page_html"),
    "title": ("title", "headline", "heading"),
    "date": (
        "date",
        "date_publish",
        "published",
        "published_at",
        "publish_date",
        "pubdate",
        "publication_date",
        "datetime",
        "date_published",
        "timestamp",
    ),
    "url": ("url", "link", "uri", "source_url", "article_url"),
    "source": ("source", "source_domain", "outlet", "publisher", "domain", "site", "sitename", "source_name"),
    "author": ("author", "authors", "byline", "creator"),
    "language": ("language", "lang"),
}
_MAGIC = {b"\x1f\x8b": "gzip", b"BZh": "bz2", b"\xfd7zXZ\x00": "xz", b"\x28\xb5\x2f\xfd": "zstd"}
# Errors a decompressor or file raises on truncated or corrupt input.
DECOMPRESS_ERRORS: tuple[type[BaseException], ...] = (
    EOFError,
    OSError,
    zlib.error,
    lzma.LZMAError,
    ValueError,
)


@dataclass(frozen=True, slots=True)
class Unit:
    """One thing to read: a file, stdin, or a URL. ``key`` identifies it across runs (for resuming).

    A unit can be a part of a file (what a cluster task reads, :mod:`eventwire.cluster`): ``lines`` (first,
    last) numbers the JSONL lines to read, ``offset`` is the byte where the first of them starts
    (uncompressed files; 0 reads from the start and skips lines), ``last`` ``None`` reads to the end; for
    a WARC file, ``offset``/``stop``
    bound the bytes whose records to read (record boundaries). Skips name records as a whole-file read
    would (``file.jsonl:17``, ``crawl.warc.gz@10422``).
    """

    where: str
    path: Path | None = None
    url: str | None = None
    stdin: bool = False
    key: str | None = None
    fmt: str = "auto"
    offset: int = 0
    stop: int | None = None
    lines: tuple[int, int | None] | None = None

    @property
    def partial(self) -> bool:
        """Whether this unit is a part of its file."""
        return self.lines is not None or self.offset > 0 or self.stop is not None


def _file_unit(path: Path, fmt: str, *, walked: bool = False) -> Unit | Skip:
    """A file to read. A file met in a directory walk or a glob (``walked``) must be a regular file: a FIFO,
    socket or device there would block the run forever or read without end; named on its own (``<(zcat
    x.gz)``), a pipe is read as the user asked."""
    try:
        st = path.stat()
    except OSError as e:
        return Skip(str(path), UNREADABLE, str(e))
    if walked and not stat.S_ISREG(st.st_mode):
        return Skip(str(path), UNSUPPORTED, "not a regular file (a FIFO, socket or device): not read")
    return Unit(
        where=str(path), path=path, key=f"file:{path.resolve()}:{st.st_size}:{st.st_mtime_ns}", fmt=fmt
    )


def format_of(path: Path) -> str | None:
    """The reader for ``path`` by extension (``None`` when the extension is not one ingest reads)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSION:
        suffixes.pop()
    return FORMATS.get(suffixes[-1]) if suffixes else None


def expand(sources: Iterable[str], options: IngestOptions) -> Iterator[Unit | Skip]:
    """Units for ``sources`` in a stable order (directories and globs sorted)."""
    forced = options.input_format
    for src in sources:
        if src == "-":
            yield Unit(where="<stdin>", stdin=True, fmt=forced)
        elif is_url(src):
            if src.lower().startswith("file://"):
                yield from expand([src[7:]], options)
            else:
                yield Unit(where=src, url=src, key=None, fmt="feed" if options.as_feed else forced)
        elif os.path.isdir(src):
            yield from _walk(Path(src), forced)
        elif os.path.exists(src):
            path = Path(src)
            yield _file_unit(path, forced if forced != "auto" else (format_of(path) or "auto"))
        elif glob.has_magic(src):
            matches = sorted(glob.glob(src, recursive=True))
            if not matches:
                yield Skip(src, NOT_FOUND, "the pattern matches no file")
            for m in matches:
                p = Path(m)
                if p.is_dir():
                    yield from _walk(p, forced)
                elif not p.name.startswith("."):
                    yield _file_unit(p, forced if forced != "auto" else (format_of(p) or "auto"), walked=True)
        else:
            yield Skip(src, NOT_FOUND, "no such file or directory")


def _walk(root: Path, forced: str) -> Iterator[Unit | Skip]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath, name)
            fmt = forced if forced != "auto" else format_of(path)
            if fmt is None:
                yield Skip(str(path), UNSUPPORTED, f"extension {''.join(path.suffixes) or '(none)'}")
            else:
                yield _file_unit(path, fmt, walked=True)


# -------------------------------------------------------------------------------------------- opening
def _decompressor(kind: str, raw: IO[bytes]) -> IO[bytes]:
    if kind == "gzip":
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    if kind == "bz2":
        return bz2.BZ2File(raw)
    if kind == "xz":
        return lzma.LZMAFile(raw)
    import zstandard

    return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True))


def _compression(head: bytes) -> str | None:
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


def read_capped(stream: IO[bytes], cap: int) -> bytes | None:
    """Up to ``cap`` bytes, or ``None`` when there are more (the rest is not read)."""
    data = stream.read(cap + 1)
    return None if len(data) > cap else data


def sniff(head: bytes) -> str:
    """The reader for content starting with ``head`` (decompressed)."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"WARC/"):
        return "warc"
    if stripped.startswith((b"{", b"[")):
        return "json"
    if looks_like_feed(stripped):
        return "feed"
    low = stripped[:1024].lower()
    if stripped.startswith(b"<") and any(
        t in low for t in (b"<html", b"<!doctype", b"<body", b"<p", b"<div", b"<head")
    ):
        return "html"
    return "text"


# -------------------------------------------------------------------------------------------- reading
def read_unit(unit: Unit, options: IngestOptions, skip_first: int = 0) -> Iterator[Document | Skip]:
    """Documents and skips of a file or stdin unit, in order (URL units are read by the runner)."""
    if unit.stdin:
        yield from _read_stream(sys.stdin.buffer, unit.where, unit.fmt, options, seekable=False, size=None)
        return
    assert unit.path is not None
    try:
        raw = open(unit.path, "rb")  # noqa: SIM115 - closed below, after the generator is exhausted
    except OSError as e:
        yield Skip(unit.where, UNREADABLE, str(e))
        return
    if unit.partial:
        with raw:
            yield from _read_part(raw, unit, options)
        return
    with raw:
        try:
            size = os.fstat(raw.fileno()).st_size
        except OSError:
            size = None
        yield from _read_stream(raw, unit.where, unit.fmt, options, seekable=True, size=size)


def _read_stream(
    raw: IO[bytes], where: str, fmt: str, options: IngestOptions, *, seekable: bool, size: int | None
) -> Iterator[Document | Skip]:
    try:
        head, raw = sniffable(raw, 16)
    except OSError as e:
        yield Skip(where, UNREADABLE, str(e))
        return
    kind = _compression(head)
    if fmt == "warc" and kind in (None, "gzip"):
        # warcio reads gzip members itself, which lets it skip past a corrupt record.
        yield from iter_warc(raw, where, options, seekable=seekable)
        return
    stream: IO[bytes] = raw
    if kind is not None:
        stream = _decompressor(kind, raw)
        seekable = False
        size = None
    if fmt == "auto":
        try:
            peeked, stream = sniffable(stream, 2048)
        except DECOMPRESS_ERRORS as e:
            yield Skip(where, CORRUPT, f"{type(e).__name__}: {e}")
            return
        fmt = sniff(peeked)
    try:
        if fmt == "warc":
            yield from iter_warc(stream, where, options, seekable=False)
        elif fmt == "jsonl":
            yield from _read_jsonl(stream, where, options)
        elif fmt == "json":
            yield from _read_json(stream, where, options)
        elif fmt == "csv":
            yield from _read_csv(stream, where, options)
        else:
            if size is not None and size > options.max_bytes:
                yield Skip(where, TOO_LARGE, f"{size} bytes, over the {options.max_bytes}-byte cap")
                return
            data = read_capped(stream, options.max_bytes)
            if data is None:
                yield Skip(where, TOO_LARGE, f"over the {options.max_bytes}-byte cap")
            elif fmt == "feed":
                yield from iter_feed(data, where, options)
            else:
                yield _single(data, where, "html" if fmt == "html" else "text", options)
    except DECOMPRESS_ERRORS as e:
        yield Skip(where, CORRUPT, f"{type(e).__name__}: {e}")


def _single(data: bytes, where: str, kind: str, options: IngestOptions) -> Document | Skip:
    if looks_binary(data):
        return Skip(where, NOT_HTML, "binary content")
    if kind == "html":
        return Document(
            where=where, kind="html", content=data, source=options.source, fallback_date=options.date
        )
    return Document(
        where=where,
        kind="text",
        content=decode(data),
        source=options.source,
        date=options.date,
        guess_title=True,
    )


class Window(io.RawIOBase):
    """Bytes ``start``..``stop`` of a seekable file, with the file's own offsets (``tell``, ``seek``): a WARC
    reader in a window names records at the offsets a whole-file read gives, and sees the window's end as
    the end of the file."""

    def __init__(self, raw: IO[bytes], start: int, stop: int | None) -> None:
        super().__init__()
        self._raw = raw
        self._start = start
        self._stop = stop if stop is not None else raw.seek(0, os.SEEK_END)
        self._pos = start
        raw.seek(start)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, pos: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            pos += self._pos
        elif whence == os.SEEK_END:
            pos += self._stop
        self._pos = min(max(pos, self._start), self._stop)
        self._raw.seek(self._pos)
        return self._pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self._stop - self._pos)
        if n <= 0:
            return 0
        data = self._raw.read(n)
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)


def _read_part(raw: IO[bytes], unit: Unit, options: IngestOptions) -> Iterator[Document | Skip]:
    """The documents of a part of a file: a range of JSONL lines or of WARC records."""
    where = unit.where
    try:
        if unit.fmt == "warc":
            window = io.BufferedReader(Window(raw, unit.offset, unit.stop))
            yield from iter_warc(window, where, options, seekable=True)
            return
        raw.seek(unit.offset)
        head, stream = sniffable(raw, 16)
        kind = _compression(head)
        start = 1
        if kind is not None:
            stream = _decompressor(kind, stream)
        elif unit.lines is not None and unit.offset:
            start = unit.lines[0]  # seeked to the first line's byte
        yield from _read_jsonl(stream, where, options, unit.lines, start)
    except DECOMPRESS_ERRORS as e:
        yield Skip(where, CORRUPT, f"{type(e).__name__}: {e}")


# ------------------------------------------------------------------------------------------- records
class FieldMap:
    """Finds Article fields in a record's keys: explicit mapping first, then the built-in aliases."""

    def __init__(self, options: IngestOptions) -> None:
        self.explicit = dict(options.fields)
        self.options = options

    def columns(self, keys: Iterable[str]) -> dict[str, str]:
        """For one key set: field -> the key that holds it."""
        lower = {k.lower().strip(): k for k in keys if isinstance(k, str)}
        found: dict[str, str] = {}
        for fname, aliases in ALIASES.items():
            if fname in self.explicit:
                if self.explicit[fname] in lower.values():
                    found[fname] = self.explicit[fname]
                continue
            for alias in aliases:
                if alias in lower:
                    found[fname] = lower[alias]
                    break
        return found

    def document(
        self, rec: dict[str, Any], where: str, cols: dict[str, str] | None = None
    ) -> Document | Skip:
        """The document in one record (``text`` wins over ``html``)."""
        cols = cols if cols is not None else self.columns(rec.keys())
        get = {f: rec.get(k) for f, k in cols.items()}
        text = _as_text(get.get("text"))
        html = _as_text(get.get("html"))
        if not text and not html:
            return Skip(
                where, EMPTY, "no text field" if "text" not in cols and "html" not in cols else "empty text"
            )
        url = _as_text(get.get("url"))
        url = url if url and is_url(url) else None
        source = _as_text(get.get("source")) or host_of(url) or self.options.source
        common: dict[str, Any] = {
            "where": where,
            "url": url,
            "source": source,
            "title": _as_text(get.get("title")),
            "author": _as_text(get.get("author"), sep=", "),
            "id": _as_text(get.get("id")),
            "language": (_as_text(get.get("language")) or "").lower()[:2] or None,
        }
        value = get.get("date")
        date = structured_date(value)
        # A value only dateparser can read waits for the article's language (known after extraction).
        common["date_raw"] = raw_value(value) if date is None else None
        if date is None and common["date_raw"] is None:
            date = self.options.date
        if text:
            return Document(kind="text", content=text, date=date, **common)
        return Document(kind="html", content=html or "", fallback_date=date, **common)


def _as_text(value: Any, sep: str = "\n\n") -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):
        value = value.get("name") or value.get("text") or value.get("value")
    if isinstance(value, (list, tuple)):
        value = sep.join(str(_as_text(v) or "") for v in value if v is not None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def _read_jsonl(
    stream: IO[bytes],
    where: str,
    options: IngestOptions,
    lines: tuple[int, int | None] | None = None,
    start: int = 1,
) -> Iterator[Document | Skip]:
    """Documents of JSON lines; ``lines`` (first, last; last ``None``: to the end): only those (the
    stream's first line is number ``start``; lines before ``first`` are read past, not parsed)."""
    fields = FieldMap(options)
    cap = options.max_bytes
    first, last = lines if lines is not None else (1, None)
    n = start - 1
    while True:
        if last is not None and n >= last:
            return
        line = stream.readline(cap + 1)
        if not line:
            return
        n += 1
        here = f"{where}:{n}"
        if len(line) > cap and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(1 << 20)
            if n >= first:
                yield Skip(here, TOO_LARGE, f"line over {cap} bytes")
            continue
        if n < first:
            continue
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError as e:
            yield Skip(here, CORRUPT, f"not JSON: {e}")
            continue
        if not isinstance(rec, dict):
            yield Skip(here, CORRUPT, f"a JSON {type(rec).__name__}, not an object")
            continue
        yield fields.document(rec, here)


def _read_json(stream: IO[bytes], where: str, options: IngestOptions) -> Iterator[Document | Skip]:
    """A JSON array, one object, an object holding a list of articles, or concatenated objects."""
    fields = FieldMap(options)
    for i, value in enumerate(iter_json_values(stream, options.max_bytes)):
        here = f"{where}[{i}]"
        if isinstance(value, Skip):
            yield Skip(here, value.reason, value.detail)
            return
        if not isinstance(value, dict):
            yield Skip(here, CORRUPT, f"a JSON {type(value).__name__}, not an object")
            continue
        cols = fields.columns(value.keys())
        if "text" not in cols and "html" not in cols:
            lists = [
                v for v in value.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)
            ]
            if len(lists) == 1:
                for j, rec in enumerate(lists[0]):
                    yield fields.document(rec, f"{here}[{j}]")
                continue
        yield fields.document(value, here, cols)


def iter_json_values(stream: IO[bytes], cap: int) -> Iterator[Any]:
    """Top-level JSON values, streamed: the elements of a top-level array, else each value in turn.

    Each value may be up to ``cap`` bytes; memory stays bounded by that, not by the file. A malformed
    value ends the stream with a ``Skip`` (a JSON file cannot be resynchronised reliably).
    """
    decoder = json.JSONDecoder()
    reader = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    buf = ""
    eof = False
    in_array: bool | None = None

    def fill() -> bool:
        nonlocal buf, eof
        chunk = stream.read(max(1 << 16, len(buf)))  # doubling: a large value is re-parsed O(log n) times
        if not chunk:
            eof = True
            buf += reader.decode(b"", final=True)
            return False
        buf += reader.decode(chunk)
        return True

    pos = 0
    while True:
        while pos < len(buf) and buf[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(buf):
            buf, pos = "", 0
            if eof or not fill():
                return
            continue
        if in_array is None:
            in_array = buf[pos] == "["
            if in_array:
                pos += 1
                continue
        if in_array and buf[pos] == "]":
            return
        try:
            value, end = decoder.raw_decode(buf, pos)
        except json.JSONDecodeError as e:
            if not eof and len(buf) - pos <= cap:
                buf, pos = buf[pos:], 0
                fill()
                continue
            reason = TOO_LARGE if len(buf) - pos > cap else CORRUPT
            yield Skip("", reason, f"malformed or truncated JSON: {e.msg}")
            return
        if end == len(buf) and not eof and isinstance(value, (int, float)):
            buf, pos = buf[pos:], 0  # a number may continue in the next chunk
            fill()
            continue
        yield value
        pos = end
        if pos > 1 << 20:
            buf, pos = buf[pos:], 0


class _Lines:
    """The physical lines of a text stream, numbered, with the lines of a bad record put back to be read
    again (all but its first): a stray quote then costs one row, not every row up to the next quote."""

    def __init__(self, text: IO[str]) -> None:
        self._text = text
        self._back: deque[tuple[int, str]] = deque()
        self._n = 0
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._back:
            item = self._back.popleft()
        else:
            line = self._text.readline()
            if not line:
                raise StopIteration
            self._n += 1
            item = (self._n, line)
        self.taken.append(item)
        return item[1]

    def retry_after_first(self) -> int:
        """Put back the lines the failed record took, but its first; returns that first line's number."""
        first, rest = self.taken[0], self.taken[1:]
        self._back.extendleft(reversed(rest))
        self.taken = []
        return first[0]


def _read_csv(stream: IO[bytes], where: str, options: IngestOptions) -> Iterator[Document | Skip]:
    """CSV or TSV rows as documents (header row first, column mapping as for JSON).

    Parsed strictly, one record at a time: a row with bad quoting (an unbalanced quote, text after a
    closing quote) is a ``corrupt`` skip for its first line, and reading goes on at the next line, so a
    stray quote never swallows the rows after it into one article.
    """
    fields = FieldMap(options)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    delimiter = "\t" if where.lower().removesuffix(".gz").endswith(".tsv") else ","
    # A news article can exceed the csv module's 128 kB default; raised (never lowered) for the process.
    csv.field_size_limit(max(csv.field_size_limit(), min(options.max_bytes, sys.maxsize)))
    lines = _Lines(text)

    def records() -> Iterator[tuple[int, list[str]] | Skip]:
        while True:
            reader = csv.reader(lines, delimiter=delimiter, strict=True)
            try:
                for row in reader:
                    end = lines.taken[-1][0] if lines.taken else 0
                    lines.taken = []
                    yield end, row
                return
            except csv.Error as e:
                if not lines.taken:
                    return
                first = lines.retry_after_first()
                yield Skip(f"{where}:{first}", CORRUPT, f"bad CSV quoting on this row, skipped: {e}")

    header: list[str] | None = None
    for rec in records():
        if isinstance(rec, Skip):
            if header is None:
                yield Skip(where, CORRUPT, f"bad CSV header: {rec.detail}")
                return
            yield rec
            continue
        line, row = rec
        if header is None:
            header = row
            if not header:
                yield Skip(where, EMPTY, "no header row")
                return
            cols = fields.columns(header)
            if "text" not in cols and "html" not in cols:
                yield Skip(
                    where, CORRUPT, f"no text column among {header[:12]}; map one with --column text=NAME"
                )
                return
            continue
        if not row:
            continue
        record = dict(zip(header, row, strict=False))  # missing cells read as absent, extra ones are ignored
        yield fields.document(record, f"{where}:{line}", cols)
    if header is None:
        yield Skip(where, EMPTY, "no header row")
