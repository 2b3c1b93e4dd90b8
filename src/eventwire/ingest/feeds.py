"""RSS and Atom feeds (feedparser): entries become documents.

Without ``follow`` an entry's own content (or summary) is the article text; with ``follow`` the linked
page is fetched and extracted, and the entry's title, author and date fill what the page lacks.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from ..types import Skip
from .document import Document
from .extract import fragment_text, parse_date
from .options import NOT_A_FEED, IngestOptions
from .urls import host_of, is_url

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+xml",
    "application/xml",
    "text/xml",
)


def looks_like_feed(body: bytes, content_type: str = "") -> bool:
    """True for RSS/Atom/RDF bodies (by content type, or by the root element within the first 2 kB)."""
    if content_type in FEED_TYPES[:4]:
        return True
    head = body[:2048].lstrip().lower()
    if b"<html" in head:
        return False
    return any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf"))


def _entry_date(entry: Any) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.timezone.utc).date()
            except (OverflowError, ValueError, TypeError):
                continue
    for key in ("published", "updated", "date"):
        date = parse_date(entry.get(key))
        if date:
            return date
    return None


def _entry_text(entry: Any) -> str:
    contents = entry.get("content") or []
    html = max((c.get("value") or "" for c in contents), key=len, default="")
    if not html:
        html = entry.get("summary") or entry.get("description") or ""
    return fragment_text(html)


def iter_feed(
    body: bytes, where: str, options: IngestOptions, *, feed_url: str | None = None
) -> Iterator[Document | Skip]:
    """Documents for the entries of one feed, in feed order; a body that is not a feed is one skip."""
    import feedparser

    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries and not parsed.get("version"):
        err = parsed.get("bozo_exception")
        yield Skip(where, NOT_A_FEED, f"not RSS or Atom ({type(err).__name__ if err else 'no feed element'})")
        return
    base = feed_url or parsed.feed.get("link")
    feed_host = host_of(feed_url) or host_of(parsed.feed.get("link"))
    for n, entry in enumerate(parsed.entries, 1):
        link = entry.get("link") or ""
        if link and not is_url(link) and base:
            link = urljoin(base, link)
        if not is_url(link):
            guid = entry.get("id") or ""
            link = guid if guid.startswith(("http://", "https://")) else ""
        ewhere = f"{where}#{n}" + (f" {link}" if link else "")
        common: dict[str, Any] = {
            "where": ewhere,
            "url": link or None,
            "source": host_of(link) or feed_host or options.source,
            "title": (entry.get("title") or "").strip() or None,
            "author": (entry.get("author") or "").strip() or None,
        }
        date = _entry_date(entry)
        if options.follow and link:
            yield Document(kind="link", fallback_date=date, **common)
        else:
            yield Document(kind="text", content=_entry_text(entry), date=date, **common)
