"""WARC archives (warcio): response and resource records with HTML payloads become documents.

As in Common Crawl's news crawl: the record's target URI is the article URL, its WARC-Date the capture
time (the fallback publication date when the page has none). A corrupt record is reported as a
``corrupt`` skip and reading resumes at the next record boundary (the next gzip member, or the next
``WARC/1.x`` line in an uncompressed file) when the file can seek; nothing after a corrupt record is lost
unless the corruption runs to the end of the file.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zlib
from collections.abc import Iterator
from typing import IO, Any

from ..types import Skip
from .document import Document
from .extract import looks_binary, parse_date
from .fetch import parse_content_type
from .options import CORRUPT, HTTP_PREFIX, NOT_HTML, TOO_LARGE, IngestOptions
from .streams import sniffable
from .urls import host_of

HTML_TYPES = ("text/html", "application/xhtml+xml")
DOCUMENT_RECORDS = ("response", "resource", "conversion")
_SCAN_CHUNK = 1 << 16
_FIRST_RECORD_CAP = 64 << 20


def _record_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def _looks_html(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--")) or b"<html" in head


def _record(rec: Any, it: Any, where: str, options: IngestOptions) -> Document | Skip | None:
    """One WARC record as a document or skip; ``None`` for records that are not documents.

    The payload is read before asking the iterator for the record offset (which reads to the record end).
    """
    if rec.rec_type not in DOCUMENT_RECORDS:
        return None
    body = rec.content_stream().read(options.max_bytes + 1)
    where = f"{where}@{it.get_record_offset()}"
    missing = _missing_bytes(rec) if len(body) <= options.max_bytes else 0
    if missing:
        return Skip(where, CORRUPT, f"record cut short: {missing} of its {rec.length} bytes are missing")
    uri = rec.rec_headers.get_header("WARC-Target-URI")
    if not uri:
        return Skip(where, CORRUPT, "record without WARC-Target-URI")
    where = f"{where} {uri}"
    status: int | None = None
    if rec.rec_type == "response" and rec.http_headers is not None:
        code = rec.http_headers.get_statuscode()
        status = int(code) if code and str(code).isdigit() else None
        ctype, charset = parse_content_type(rec.http_headers.get_header("Content-Type"))
    else:
        ctype, charset = parse_content_type(rec.rec_headers.get_header("Content-Type"))
    if status is not None and not 200 <= status < 300:
        return Skip(where, f"{HTTP_PREFIX}{status}", "archived response status")
    if len(body) > options.max_bytes:
        return Skip(where, TOO_LARGE, f"payload over {options.max_bytes} bytes")
    if ctype not in HTML_TYPES and not (
        ctype in ("", "text/plain", "application/octet-stream") and _looks_html(body)
    ):
        return Skip(where, NOT_HTML, f"content type {ctype or 'unknown'}")
    if looks_binary(body):
        return Skip(where, NOT_HTML, "binary payload")
    fetched = _record_time(rec.rec_headers.get_header("WARC-Date"))
    return Document(
        where=where,
        kind="html",
        content=body,
        url=uri,
        source=host_of(uri),
        fallback_date=parse_date(fetched),
        fetched_at=fetched,
        charset=charset,
        content_type=ctype,
    )


class _Gunzip(io.RawIOBase):
    """Gzip decompression (any number of members) that ends, instead of raising, where the compressed data
    is cut short or corrupt, after giving every byte it could decompress (``gzip.GzipFile`` drops the
    last block; warcio takes the error for the end of the archive and says nothing). The problem and the
    decompressed offset where it came are kept for the caller to report."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw = raw
        self._d = zlib.decompressobj(wbits=31)
        self._out = b""
        self._pending = b""
        self._done = False
        self.error: str | None = None
        self.offset = 0

    def readable(self) -> bool:
        return True

    def _fill(self) -> None:
        while not self._out and not self._done:
            if self._d.eof:  # a member ended: what follows is the next member, or the end
                self._pending = self._d.unused_data or self._raw.read(_SCAN_CHUNK)
                self._d = zlib.decompressobj(wbits=31)
                if not self._pending.strip(b"\0") and not self._raw.read(1):
                    self._done = True
                    return
            data = self._d.unconsumed_tail or self._pending or self._raw.read(_SCAN_CHUNK)
            self._pending = b""
            if not data:
                self.error = "the compressed data ends in the middle of a gzip member (truncated file)"
                self._done = True
                return
            try:
                self._out = self._d.decompress(data, 1 << 20)
            except zlib.error as e:
                self.error = f"corrupt gzip data: {e}"
                self._done = True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        self._fill()
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        self._out = self._out[n:]
        self.offset += n
        return n


def _missing_bytes(rec: Any) -> int:
    """How many bytes of a record's declared length the file did not have (a truncated last record:
    warcio reads what there is and says nothing)."""
    raw = rec.raw_stream
    while raw is not None and not hasattr(raw, "limit"):
        raw = getattr(raw, "stream", None)
    if raw is None:
        return 0
    if raw.limit > 0 and not raw.read(min(raw.limit, _SCAN_CHUNK)):
        return int(raw.limit)
    return 0


def whole_file_gzip(raw: IO[bytes]) -> bool:
    """Whether a seekable gzipped WARC is one gzip member holding several records (``gzip file.warc``),
    rather than one member per record (the WARC standard's way, which warcio reads record by record).

    Decompresses the first member only until it is seen to go on past its first record's end."""
    start = raw.tell()
    d = zlib.decompressobj(wbits=31)
    out = bytearray()
    need: int | None = None
    try:
        while len(out) <= _FIRST_RECORD_CAP:
            chunk = raw.read(_SCAN_CHUNK)
            if not chunk:
                return False
            out += d.decompress(chunk)
            if need is None:
                need = _record_end(bytes(out[:_SCAN_CHUNK]))
                if need == -1:
                    return False
            if need is not None and len(out) > need:
                return True
            if d.eof:
                return False
        return False
    except zlib.error:
        return False
    finally:
        raw.seek(start)


def _record_end(head: bytes) -> int | None:
    """Where a WARC record starting ``head`` ends (header, blank line, Content-Length bytes, CRLF CRLF);
    None when the header is not complete yet, -1 when it has no Content-Length."""
    end = head.find(b"\r\n\r\n")
    if end < 0:
        return None if len(head) < _SCAN_CHUNK else -1
    for line in head[:end].split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            return end + 4 + int(value) + 4
    return -1


def _next_boundary(raw: IO[bytes], start: int, gzipped: bool) -> int | None:
    """The offset of the next record start after ``start`` (gzip member or ``WARC/1.`` line), if any."""
    marker = b"\x1f\x8b\x08" if gzipped else b"\nWARC/1."
    raw.seek(start)
    pos = start
    tail = b""
    while True:
        chunk = raw.read(_SCAN_CHUNK)
        if not chunk:
            return None
        buf = tail + chunk
        i = buf.find(marker)
        if i >= 0:
            found = pos - len(tail) + i
            return found if gzipped else found + 1
        tail = buf[-(len(marker) - 1) :]
        pos += len(chunk)


def _starts_like_warc(head: bytes, gzipped: bool) -> bool:
    if gzipped:
        try:
            head = zlib.decompressobj(wbits=31).decompress(head)
        except zlib.error:
            return False
    return head.lstrip(b"\r\n").startswith((b"WARC/", b"filedesc:"))


def iter_warc(
    raw: IO[bytes], where: str, options: IngestOptions, *, seekable: bool
) -> Iterator[Document | Skip]:
    """Documents and skips of a WARC stream, in record order, resynchronising after corrupt records.

    Corruption shows up three ways: warcio raises (bad header, bad gzip member), the first bytes are not
    a WARC record, or the iterator stops early (a truncated last record) leaving bytes unread. Each corrupt
    stretch is one ``corrupt`` skip located at the byte offset where the good records end.
    """
    from warcio.archiveiterator import ArchiveIterator

    start = raw.tell() if seekable else 0
    head, raw = sniffable(raw, 512)
    gzipped = head.startswith(b"\x1f\x8b")
    if gzipped and seekable and whole_file_gzip(raw):
        # One gzip member for the whole file: read it decompressed, as one stream (a corrupt stretch then
        # ends the file, as in any compressed stream that cannot be resynchronised).
        guarded = _Gunzip(raw)
        reported = False
        for got in iter_warc(io.BufferedReader(guarded), where, options, seekable=False):
            reported = reported or (isinstance(got, Skip) and got.reason == CORRUPT)
            yield got
        if guarded.error is not None and not reported:
            yield Skip(f"{where}@{guarded.offset}", CORRUPT, f"compressed data cut short: {guarded.error}")
        return
    size = raw.seek(0, os.SEEK_END) if seekable else None
    if seekable:
        raw.seek(start)
    problem = None if _starts_like_warc(head, gzipped) else "not a WARC or ARC record"
    reported = False
    while True:
        good_end = start
        last_good: int | None = None
        if problem is None:
            it = ArchiveIterator(raw, arc2warc=True, check_digests=False)
            try:
                for rec in it:
                    item = _record(rec, it, where, options)
                    last_good = it.get_record_offset()
                    good_end = last_good + it.get_record_length()
                    if item is not None:
                        yield item
                    reported = False
            except Exception as e:  # noqa: BLE001 - warcio raises anything (ArchiveLoadFailed, zlib, AttributeError) on bad bytes
                problem = f"{type(e).__name__}: {str(e)[:200]}"
            else:
                if size is not None and size - good_end > 4:
                    problem = f"{size - good_end} bytes after the last complete record (truncated record?)"
        if problem is None:
            return
        if not reported:  # one skip per corrupt stretch, however many resync attempts it takes
            yield Skip(f"{where}@{good_end}", CORRUPT, problem)
            reported = True
        # Search from just after the last good record's start: a record whose length header lies (bytes
        # lost or added) still has its next neighbour found where it really begins.
        scan_from = (last_good if last_good is not None else start) + 1
        nxt = _next_boundary(raw, scan_from, gzipped) if seekable else None
        if nxt is None:
            return
        start = nxt
        raw.seek(nxt)
        problem = None
