"""From bytes to clean text: binary sniffing, charset decoding, HTML main-text extraction, boilerplate lines.

HTML goes through trafilatura (main text without navigation, related links and comment blocks; title,
author, date via htmldate, site name). Plain text keeps its lines but loses boilerplate lines listed in
``data/ingest/boilerplate.tsv`` ("You Might Also Like", share prompts, copyright...). Both end as
paragraphs separated by blank lines.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .urls import normalize_url, same_site

_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ\x00",
    b"\x28\xb5\x2f\xfd",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"\x7fELF",
    b"MZ",
    b"\x00\x00\x01\x00",
    b"\xd0\xcf\x11\xe0",
    b"wOFF",
    b"wOF2",
    b"\x00asm",
)
_CONTROL = bytes(sorted(set(range(0, 9)) | {11} | set(range(14, 27)) | set(range(28, 32))))
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)
_LATIN1_ALIASES = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii"})
_ERROR_HANDLER = "eventwire-cp1252"


def looks_binary(data: bytes) -> bool:
    """True when ``data`` is not text: a known binary signature, NUL bytes or many control characters."""
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8)):
        return False
    if head.startswith(_MAGIC):
        return True
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = len(head) - len(head.translate(None, _CONTROL))
    return controls / len(head) > 0.05


def _cp1252_fallback(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeDecodeError):
        raise err
    bad = err.object[err.start : err.end]
    return bad.decode("cp1252", errors="replace"), err.end


def _ensure_handler() -> None:
    try:
        codecs.lookup_error(_ERROR_HANDLER)
    except LookupError:
        codecs.register_error(_ERROR_HANDLER, _cp1252_fallback)


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` tag within its first 4 kB."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def _valid_codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in _LATIN1_ALIASES:
        return "cp1252"  # what browsers do: "latin-1" pages are really windows-1252
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> str:
    """Text from bytes of unknown encoding, never failing.

    Order: a byte-order mark; strict UTF-8 (right for nearly all pages whatever they declare); the
    declared charset (HTTP header, then ``<meta>``); for mixed files, UTF-8 with stray bytes read as
    windows-1252; for single-byte legacy files, charset detection (charset_normalizer).
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    codec = _valid_codec(declared) or _valid_codec(declared_charset(data))
    if codec and codec != "utf-8":
        return data.decode(codec, errors="replace")
    if _has_utf8_multibyte(data):
        _ensure_handler()
        return data.decode("utf-8", errors=_ERROR_HANDLER)
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    codec = best.encoding if best is not None else "cp1252"
    return data.decode(codec, errors="replace")


_UTF8_MULTI = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _has_utf8_multibyte(data: bytes) -> bool:
    return _UTF8_MULTI.search(data) is not None


# ----------------------------------------------------------------------------------------- boilerplate
@dataclass(frozen=True, slots=True)
class Boilerplate:
    """Compiled boilerplate line patterns (``line``: drop the line; ``trailer``: cut the page tail)."""

    line: re.Pattern[str]
    trailer: re.Pattern[str]

    @classmethod
    def load(cls, extra_files: Iterable[Path] = ()) -> Boilerplate:
        """The built-in patterns plus those of ``extra_files`` (same TSV format)."""
        return _load_boilerplate(tuple(Path(p) for p in extra_files))

    def clean(self, text: str) -> str:
        """``text`` without boilerplate lines and page tail, as paragraphs separated by blank lines."""
        lines = self._cut_trailer([ln.strip() for ln in normalize_space(text).split("\n")])
        lines = [ln for ln in lines if not (len(ln) <= 150 and self.line.fullmatch(ln))]
        while lines and (not lines[-1] or len(lines[-1]) < 3):
            lines.pop()
        return "\n\n".join(ln for ln in lines if ln)

    def _cut_trailer(self, lines: list[str]) -> list[str]:
        """Cut at the first trailer marker followed by a list of links, little text, or late in the text;
        a marker with article-like text after it loses only its own line."""
        total = sum(len(ln) for ln in lines) or 1
        out: list[str] = []
        seen = 0
        for i, ln in enumerate(lines):
            if ln and seen and len(ln) <= 150 and self.trailer.fullmatch(ln):
                rest = [r for r in lines[i + 1 :] if r]
                listy = sum(1 for r in rest if len(r) < 90 and not r.endswith((".", "!", "?", '"', "”")))
                if not rest or listy / len(rest) >= 0.6 or seen / total >= 0.8:
                    return out
                continue
            out.append(ln)
            seen += len(ln)
        return out


@lru_cache(maxsize=8)
def _load_boilerplate(extra: tuple[Path, ...]) -> Boilerplate:
    rows: dict[str, list[str]] = {"line": [], "trailer": []}
    builtin = resources.files("eventwire").joinpath("data/ingest/boilerplate.tsv")
    sources: list[tuple[str, str]] = [("boilerplate.tsv", builtin.read_text(encoding="utf-8"))]
    sources += [(str(p), p.read_text(encoding="utf-8")) for p in extra]
    for name, content in sources:
        for n, raw in enumerate(content.splitlines(), 1):
            if not raw.strip() or raw.startswith("#") or raw.startswith("kind\t"):
                continue
            kind, _, pattern = raw.partition("\t")
            if kind not in rows or not pattern:
                raise ConfigError(
                    f"{name}:{n}: expected 'line' or 'trailer', a tab, then a regular expression"
                )
            try:
                re.compile(pattern)
            except re.error as e:
                raise ConfigError(f"{name}:{n}: bad regular expression {pattern!r}: {e}") from e
            rows[kind].append(pattern)
    return Boilerplate(
        line=re.compile("|".join(f"(?:{p})" for p in rows["line"]) or "(?!)", re.I),
        trailer=re.compile("|".join(f"(?:{p})" for p in rows["trailer"]) or "(?!)", re.I),
    )


_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANKS = re.compile(r"\n{3,}")


def normalize_space(text: str) -> str:
    """NFC text with Unix newlines, single spaces, no zero-width characters, at most one blank line."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text)
    return _BLANKS.sub("\n\n", "\n".join(ln.strip() for ln in text.split("\n"))).strip()


def split_title(text: str) -> tuple[str | None, str]:
    """A headline-like first paragraph (short, no final full stop, more text after it) and the rest."""
    first, sep, rest = text.partition("\n\n")
    if (
        sep
        and rest.strip()
        and "\n" not in first
        and 3 <= len(first) <= 200
        and not first.rstrip().endswith((".", ":", ";", ","))
        and len(first.split()) >= 2
    ):
        return first.strip(), rest.strip()
    return None, text


def fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed summary), paragraphs kept."""
    if "<" not in fragment:
        return normalize_space(fragment)
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return normalize_space(re.sub(r"<[^>]+>", " ", fragment))
    for el in root.iter("script", "style"):
        el.text = ""
    for el in root.iter("p", "div", "br", "li", "h1", "h2", "h3", "h4", "blockquote", "tr"):
        el.tail = "\n\n" + (el.tail or "")
    return normalize_space(root.text_content())


# ------------------------------------------------------------------------------------------------ HTML
@dataclass(frozen=True, slots=True)
class Extracted:
    """What trafilatura found in a page: main text and metadata (``url`` is the canonical one)."""

    text: str
    title: str | None
    author: str | None
    date: dt.date | None
    url: str | None
    sitename: str | None


def _canonical(tree: Any, page_url: str | None) -> str | None:
    """The page's canonical URL when it is on the same site as the fetched URL (else the fetched one).

    Syndicated copies often point their canonical link at the original outlet; taking it would merge the
    copy's id with the original's and lose the mention, so cross-site canonicals are ignored.
    """
    found: list[str] = []
    for xp in (
        "//link[contains(concat(' ', normalize-space(translate(@rel, 'CANONICAL', 'canonical')), ' '),"
        " ' canonical ')]/@href",
        "//meta[@property='og:url']/@content",
    ):
        found += [
            str(v).strip() for v in tree.xpath(xp) if str(v).strip().startswith(("http://", "https://"))
        ]
    for cand in found:
        if page_url is None or same_site(cand, page_url):
            return normalize_url(cand)
    return normalize_url(page_url) if page_url else None


def extract_html(
    html: str, url: str | None, boilerplate: Boilerplate, *, fast: bool = True, extensive_dates: bool = False
) -> Extracted | None:
    """Main text and metadata of one HTML page, or ``None`` when there is no document to read.

    ``extensive_dates`` lets htmldate fall back to dateparser on free text when the markup carries no
    date: a few more dates, at up to seconds per page (dateparser tries every locale).
    """
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        return None
    canonical = _canonical(tree, url)
    doc = trafilatura.bare_extraction(
        tree,
        url=canonical or url,
        fast=fast,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        deduplicate=False,
        date_extraction_params={
            "original_date": True,
            "extensive_search": extensive_dates,
            "max_date": dt.date.today().isoformat(),
        },
    )
    if doc is None:
        return None
    meta = doc if isinstance(doc, dict) else doc.as_dict()
    title = _clean_meta(meta.get("title"))
    text = normalize_space(meta.get("text") or "")
    if title:
        first, _, rest = text.partition("\n")
        if normalize_space(first).casefold() == title.casefold():
            text = rest
    return Extracted(
        text=boilerplate.clean(text),
        title=title,
        author=_clean_meta(meta.get("author")),
        date=parse_date(meta.get("date")),
        url=canonical,
        sitename=_clean_meta(meta.get("sitename")),
    )


def _clean_meta(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = normalize_space(value)
    return value or None


# ----------------------------------------------------------------------------------------------- dates
def parse_date(
    value: object, *, language: str | None = None, date_order: str | None = None
) -> dt.date | None:
    """A publication date from what corpora and pages carry, or ``None`` (see
    :func:`eventwire.ingest.pubdate.parse_pubdate`: structured forms, then dateparser with the language and
    date order given; dates outside 1800..next year are refused)."""
    from .pubdate import parse_pubdate

    return parse_pubdate(value, language=language, date_order=date_order)
