"""The raw document that readers hand to extraction: content plus what the container knew about it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Kind = Literal["html", "text", "link"]


@dataclass(frozen=True, slots=True)
class Document:
    """One document before extraction.

    ``kind`` says what ``content`` is: ``html`` (page bytes or text), ``text`` (plain text) or ``link``
    (a URL still to fetch, from a feed entry with ``--follow``; ``content`` is then empty). ``date`` is
    authoritative (a corpus field); ``fallback_date`` is used only when the page itself has none (feed
    entry or WARC capture date); ``date_raw`` is a corpus date value not read yet (it is read once the
    article's language is known, with the source's date order). ``where`` locates the document for skips
    (``file.jsonl:17``, ``crawl.warc.gz@10422``, a URL). ``requested_url`` is set for fetched pages
    (remembered so they are not fetched again); ``guess_title`` lets a plain text file's headline-like
    first line become the title. ``origin`` is where a document read from a file was found (a ``file://``
    URI with the record's line or offset), kept for articles without a URL.
    """

    where: str
    kind: Kind
    content: bytes | str = b""
    url: str | None = None
    source: str | None = None
    title: str | None = None
    author: str | None = None
    date: dt.date | None = None
    fallback_date: dt.date | None = None
    date_raw: str | None = None
    language: str | None = None
    id: str | None = None
    fetched_at: dt.datetime | None = None
    charset: str | None = None
    content_type: str | None = None
    requested_url: str | None = None
    guess_title: bool = False
    origin: str | None = None
