"""Publication dates from what corpora, feeds and pages carry, read the way the field reads them.

Structured forms (ISO 8601 with or without time and offset, RFC 2822 as feeds write it, GDELT's
``YYYYMMDDhhmmss``, epoch seconds or milliseconds) are read directly. Everything else ("Dec 16 2016",
"11/28/2016", "December 13, 2016 MST", "9:43 PM, Dec 11, 2016", "17 Aralık 2016") goes to
`dateparser <https://dateparser.readthedocs.io>`_ with the article's language and the source's date order
(``MDY``, ``DMY``, ``YMD``), absolute parsers only: "yesterday" is not a publication date, and a value
without a day, month and year ("March 2016", "Dec 16") is refused rather than completed with today's.
Pages get their date from htmldate (through trafilatura, :func:`eventwire.ingest.extract.extract_html`).

A value that cannot be read is never dropped silently: readers keep it as ``Article.date_raw`` and the
commands count it as a ``bad-date`` warning (see ``docs/dates.md``).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

from ..errors import ConfigError
from ..types import Article, Event, Skip

DATE_ORDERS = ("MDY", "DMY", "YMD")
"""The orders of day, month and year an all-numeric date may be written in."""

LONG_BEFORE = "long-before-publication"
"""The ``date_flag`` of an event dated long before its article's publication (``max_date_lag_days``)."""

BAD_DATE = "bad-date"
"""The warning (and skip) reason of a publication date that could not be read."""

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ]\d)")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:\d{4}|\d{6})?")
_EPOCH = re.compile(r"\d{10}(?:\d{3})?(?:\.\d+)?")
_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%Y/%m/%d")
# Time-zone abbreviations and separators dateparser does not read ("4:30 PM MT", "Wed Nov 23, 2016 | 3:01pm
# EST"); they never change the publication *day* as written, so they are dropped before parsing.
_ZONE = re.compile(
    r"(?<![A-Za-z])(?:[ECMPAH][SD]?T|GMT|UTC|Z|BST|IST|CET|CEST|EET|EEST|WET|WEST|AEST|AEDT|JST|KST|HKT|SGT)"
    r"(?![A-Za-z])\.?"
)
_NOISE = re.compile(r"[|•·]+|\b(?:published|updated|posted|last modified|date)\s*:?\s*", re.I)
_PARSERS = ["timestamp", "custom-formats", "absolute-time"]


def parse_pubdate(
    value: object, *, language: str | None = None, date_order: str | None = None
) -> dt.date | None:
    """The publication date in ``value``, or ``None`` when it holds none that can be trusted.

    ``language`` (ISO 639-1) is the article's language, ``date_order`` the source's order of numeric dates
    (one of :data:`DATE_ORDERS`; default: the language's usual order, month first for English). Dates
    outside 1800..next year are refused.
    """
    if date_order is not None and date_order not in DATE_ORDERS:
        raise ConfigError(f"unknown date order {date_order!r}; use one of {', '.join(DATE_ORDERS)}")
    date = _structured(value)
    if date is None and isinstance(value, str) and value.strip():
        date = _dateparser(value.strip()[:200], (language or "").lower()[:2] or None, date_order)
    if date is None or not 1800 <= date.year <= dt.date.today().year + 1:
        return None
    return date


def date_warning(article: Article) -> Skip | None:
    """The ``bad-date`` warning of an article whose publication date could not be read, else ``None``.

    Every command counts these the same way (``ingest``, ``code``, ``run``): the article is kept and coded,
    without a publication date (or with ``--date``), and the raw value is kept in ``date_raw``.
    """
    if article.date_raw is None:
        return None
    return Skip(article.id, BAD_DATE, f"publication date {article.date_raw!r} could not be read")


def flag_dates(events: list[Event], published: dt.date | None, max_lag_days: int) -> list[Event]:
    """``events`` with ``date_flag`` set on those dated more than ``max_lag_days`` before ``published``."""
    if published is None:
        return events
    out = []
    for ev in events:
        late = ev.date is not None and (published - ev.date).days > max_lag_days
        flag = LONG_BEFORE if late else None
        out.append(ev if ev.date_flag == flag else replace(ev, date_flag=flag))
    return out


def structured_date(value: object) -> dt.date | None:
    """The date in ``value`` when it is in a form machines write (ISO 8601, RFC 2822, GDELT's compact form,
    epoch seconds), else ``None``: what can be read before the article's language is known."""
    date = _structured(value)
    if date is None or not 1800 <= date.year <= dt.date.today().year + 1:
        return None
    return date


def raw_value(value: object) -> str | None:
    """The raw form of a date value, kept when it cannot be read (``None`` for an absent value)."""
    if value is None or value == "" or isinstance(value, (dt.date, dt.datetime)):
        return None
    text = str(value).strip()
    return text[:200] or None


def _structured(value: object) -> dt.date | None:
    """Dates in the forms machines write; None for anything that needs a language to read."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)):
        return _epoch(float(value))
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s:
        return None
    m = _ISO.match(s) or _COMPACT.fullmatch(s)
    if m:
        return _ymd(*m.groups())
    if _EPOCH.fullmatch(s):
        return _epoch(float(s))
    try:
        return email.utils.parsedate_to_datetime(s).date()
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return None


def _epoch(value: float) -> dt.date | None:
    seconds = value / 1000 if value > 1e11 else value
    try:
        return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).date()
    except (OverflowError, OSError, ValueError):
        return None


def _ymd(y: str, m: str, d: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _dateparser(value: str, language: str | None, date_order: str | None) -> dt.date | None:
    import dateparser

    text = " ".join(_ZONE.sub(" ", _NOISE.sub(" ", value)).split()).strip(" ,-")
    if not text:
        return None
    settings: dict[str, object] = {"PARSERS": _PARSERS, "REQUIRE_PARTS": ["day", "month", "year"]}
    if date_order:
        settings["DATE_ORDER"] = date_order
    tries: list[list[str] | None] = [[language, "en"] if language and language != "en" else ["en"]]
    tries.append(None)  # any language dateparser knows (slower: it detects the language first)
    for languages in tries:
        try:
            found = dateparser.parse(text, languages=languages, settings=settings)
        except (ValueError, TypeError, OverflowError, KeyError, AttributeError, IndexError):
            # dateparser raises these on some inputs (an unknown language code, out-of-range fields)
            found = None
        if found is not None:
            return found.date()
    return None


# --- the source's date order ----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _orders() -> dict[str, str]:
    """Domain suffix -> date order, from ``data/ingest/date_order.tsv``."""
    text = resources.files("eventwire").joinpath("data/ingest/date_order.tsv").read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.startswith("#") or raw.startswith("suffix\t"):
            continue
        suffix, _, order = raw.partition("\t")
        order = order.split("\t")[0].strip()
        if order not in DATE_ORDERS:
            raise ConfigError(f"date_order.tsv:{n}: the order must be one of {', '.join(DATE_ORDERS)}")
        out[suffix.strip().lower().lstrip(".")] = order
    return out


def date_order_for(url: str | None = None, source: str | None = None) -> str | None:
    """The date order an outlet writes numeric dates in, from its domain (``None`` when not known).

    ``data/ingest/date_order.tsv`` lists domain suffixes (country-code top-level domains, and outlets whose
    order differs from their domain's): the longest matching suffix wins.
    """
    host = ""
    if url:
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            host = ""
    if not host and source and "." in source and " " not in source:
        host = source.lower()
    if not host:
        return None
    orders = _orders()
    parts = host.split(".")
    for i in range(len(parts)):
        order = orders.get(".".join(parts[i:]))
        if order:
            return order
    return None
