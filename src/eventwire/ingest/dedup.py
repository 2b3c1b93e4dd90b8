"""Exact and near-duplicate detection: wire copies grouped into clusters with one canonical article.

Each article gets a fingerprint: a SHA-1 of its normalised words (exact copies) and a MinHash signature
(datasketch, ``affine32`` scheme) over word shingles (near copies: another headline, a trimmed last
paragraph, an added credit line). Candidates come from LSH banding over the signature; a candidate is a
duplicate when the estimated Jaccard similarity reaches ``similarity`` or when the shorter text is at
least ``containment`` contained in the longer one (lengths within a factor :data:`MIN_LENGTH_RATIO`).

The first article of a cluster is its canonical one; later copies are kept as mentions with
``duplicate_of`` naming it, so NumArticles/NumSources can be counted. The index is behind the
:class:`DedupIndex` protocol; :class:`SqliteDedupIndex` keeps it on disk, so memory stays flat and
tomorrow's copies join yesterday's cluster.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, Protocol

import numpy as np

from ..errors import ConfigError

MIN_LENGTH_RATIO = 0.6
"""Containment counts only when the shorter text has at least this share of the longer one's shingles."""

LSH_THRESHOLD = 0.45
"""Banding threshold: pairs from about this Jaccard on are compared. Fixed (not derived from
``similarity``) so that the similarity can be tuned without rebuilding the index; a containment pair at
the length ratio floor has a Jaccard of 0.9 * 0.6 / (1.6 - 0.54) = 0.51, above it."""

MAX_CANDIDATES = 200
HASH_SCHEME = "crc32+affine32 seed=1"
_WORD = re.compile(r"\w+")

Status = Literal["new", "duplicate", "unchanged", "updated"]


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One article as the dedup index keeps it: its cluster, fingerprint and mention fields."""

    id: str
    cluster_id: str
    duplicate_of: str | None
    content_hash: str
    n_shingles: int
    signature: bytes
    url: str | None = None
    source: str | None = None
    date: dt.date | None = None


class DedupIndex(Protocol):
    """Where fingerprints live. The store can implement this to keep the index in its database."""

    def settings(self) -> dict[str, str]:
        """The fingerprint settings the index was built with (empty for a new index)."""
        ...

    def save_settings(self, settings: dict[str, str]) -> None: ...

    def get(self, article_id: str) -> IndexEntry | None: ...

    def by_hash(self, content_hash: str) -> IndexEntry | None:
        """An entry with this exact content hash (the earliest added), if any."""
        ...

    def by_bands(self, keys: Sequence[int], limit: int) -> list[IndexEntry]:
        """Distinct entries sharing at least one LSH band key, at most ``limit``."""
        ...

    def put(self, entry: IndexEntry, keys: Sequence[int]) -> None:
        """Insert or replace an entry and its band keys."""
        ...

    def cluster(self, cluster_id: str) -> list[IndexEntry]:
        """Every entry of a cluster, canonical first then in insertion order (its mentions)."""
        ...

    def commit(self) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What dedup compares: exact hash, MinHash signature, shingle count and LSH band keys."""

    content_hash: str
    signature: np.ndarray
    n_shingles: int
    keys: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Verdict:
    """Where an article landed: a new cluster, a duplicate of ``duplicate_of``, or already indexed."""

    status: Status
    cluster_id: str
    duplicate_of: str | None = None
    similarity: float = 1.0


def words(text: str) -> list[str]:
    """Case-folded word tokens of ``text`` (NFKC): punctuation, case and spacing do not count."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def content_hash(text: str) -> str:
    """SHA-1 of the normalised words: equal for texts that differ only in case, spacing, punctuation."""
    return hashlib.sha1(" ".join(words(text)).encode("utf-8")).hexdigest()


def cluster_id_for(article_id: str) -> str:
    """The cluster id derived from its canonical article's id."""
    return "c" + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=8)
def _permutations(num_perm: int) -> np.ndarray:
    from datasketch import MinHash

    return np.asarray(MinHash(num_perm=num_perm, seed=1, scheme="affine32").permutations)


@lru_cache(maxsize=32)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows minimising false positives plus false negatives around ``threshold``.

    The same objective as datasketch's ``MinHashLSH`` optimiser (equal weights), integrated with numpy
    instead of scipy, whose import costs seconds.
    """
    grid = np.linspace(0.0, 1.0, 2001)
    below = grid <= threshold
    best, params = float("inf"), (1, 1)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            p = 1.0 - (1.0 - grid**r) ** b
            fp = np.trapezoid(p[below], grid[below])
            fn = np.trapezoid(1.0 - p[~below], grid[~below])
            if fp + fn < best:
                best, params = float(fp + fn), (b, r)
    return params


class Deduplicator:
    """Assigns articles to clusters against a :class:`DedupIndex`."""

    def __init__(
        self,
        index: DedupIndex,
        *,
        similarity: float = 0.7,
        containment: float = 0.9,
        num_perm: int = 128,
        shingle_words: int = 5,
    ) -> None:
        self.index = index
        self.similarity = similarity
        self.containment = containment
        self.num_perm = num_perm
        self.shingle_words = shingle_words
        self.bands, self.rows = lsh_params(LSH_THRESHOLD, num_perm)
        self._check_settings()

    def _check_settings(self) -> None:
        wanted = {
            "num_perm": str(self.num_perm),
            "shingle_words": str(self.shingle_words),
            "bands": str(self.bands),
            "rows": str(self.rows),
            "hash": HASH_SCHEME,
        }
        have = self.index.settings()
        if not have:
            self.index.save_settings(wanted)
        elif have != wanted:
            diff = ", ".join(f"{k}={have.get(k)} (asked {v})" for k, v in wanted.items() if have.get(k) != v)
            raise ConfigError(
                f"the dedup index was built with other settings: {diff}; use the same similarity, "
                "containment, num_perm and shingle settings, or a new state directory"
            )

    def fingerprint(self, text: str) -> Fingerprint:
        """Hash, MinHash signature and band keys of ``text``."""
        from datasketch import MinHash

        toks = words(text)
        digest = hashlib.sha1(" ".join(toks).encode("utf-8")).hexdigest()
        k = self.shingle_words
        if len(toks) <= k:
            shingles = {" ".join(toks)}
        else:
            shingles = {" ".join(toks[i : i + k]) for i in range(len(toks) - k + 1)}
        mh = MinHash(
            num_perm=self.num_perm,
            hashfunc=zlib.crc32,
            permutations=_permutations(self.num_perm),
            scheme="affine32",
        )
        mh.update_batch([s.encode("utf-8") for s in shingles])
        sig = np.asarray(mh.hashvalues, dtype="<u4")
        keys = tuple(self._band_key(i, sig[i * self.rows : (i + 1) * self.rows]) for i in range(self.bands))
        return Fingerprint(digest, sig, len(shingles), keys)

    @staticmethod
    def _band_key(band: int, values: np.ndarray) -> int:
        digest = hashlib.blake2b(values.tobytes(), digest_size=8, salt=band.to_bytes(16, "little")).digest()
        return int.from_bytes(digest, "little", signed=True)

    def _similar(self, fp: Fingerprint, entry: IndexEntry) -> float | None:
        """Estimated Jaccard when ``entry`` passes the duplicate test, else ``None``."""
        other = np.frombuffer(entry.signature, dtype="<u4")
        if other.shape != fp.signature.shape:
            return None
        jac = float(np.count_nonzero(other == fp.signature)) / len(other)
        if jac >= self.similarity:
            return jac
        small, large = sorted((fp.n_shingles, entry.n_shingles))
        if large == 0 or small / large < MIN_LENGTH_RATIO:
            return None
        inter = jac * (small + large) / (1 + jac)
        return jac if inter / small >= self.containment else None

    def assign(
        self,
        article_id: str,
        fp: Fingerprint,
        *,
        url: str | None = None,
        source: str | None = None,
        date: dt.date | None = None,
    ) -> Verdict:
        """Place one article: new cluster, duplicate of an indexed one, or already indexed (by id)."""
        sig = fp.signature.astype("<u4").tobytes()

        def store(cluster_id: str, duplicate_of: str | None) -> None:
            entry = IndexEntry(
                article_id, cluster_id, duplicate_of, fp.content_hash, fp.n_shingles, sig, url, source, date
            )
            self.index.put(entry, fp.keys)

        known = self.index.get(article_id)
        if known is not None:
            if known.content_hash == fp.content_hash:
                return Verdict("unchanged", known.cluster_id, known.duplicate_of)
            store(known.cluster_id, known.duplicate_of)
            return Verdict("updated", known.cluster_id, known.duplicate_of)
        match: IndexEntry | None = self.index.by_hash(fp.content_hash)
        best = 1.0
        if match is None:
            best = 0.0
            for cand in self.index.by_bands(fp.keys, MAX_CANDIDATES):
                sim = self._similar(fp, cand)
                if sim is not None and sim > best:
                    match, best = cand, sim
        if match is None:
            cid = cluster_id_for(article_id)
            store(cid, None)
            return Verdict("new", cid, None, 0.0)
        canonical = match.duplicate_of or match.id
        store(match.cluster_id, canonical)
        return Verdict("duplicate", match.cluster_id, canonical, round(best, 3))


# --------------------------------------------------------------------------------------------- SQLite
_SCHEMA = """
CREATE TABLE IF NOT EXISTS dedup_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dedup_articles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    cluster_id TEXT NOT NULL,
    duplicate_of TEXT,
    content_hash TEXT NOT NULL,
    n_shingles INTEGER NOT NULL,
    signature BLOB NOT NULL,
    url TEXT,
    source TEXT,
    date TEXT
);
CREATE INDEX IF NOT EXISTS dedup_by_hash ON dedup_articles (content_hash);
CREATE INDEX IF NOT EXISTS dedup_by_cluster ON dedup_articles (cluster_id);
CREATE TABLE IF NOT EXISTS dedup_bands (key INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (key, seq))
    WITHOUT ROWID;
"""
_COLUMNS = "id, cluster_id, duplicate_of, content_hash, n_shingles, signature, url, source, date"


class SqliteDedupIndex:
    """The default :class:`DedupIndex`: tables in a SQLite database (a file in the state directory).

    It can share its connection with the run state so that one commit covers both.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.executescript(_SCHEMA)

    def settings(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self.conn.execute("SELECT key, value FROM dedup_meta")}

    def save_settings(self, settings: dict[str, str]) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO dedup_meta VALUES (?, ?)", sorted(settings.items()))

    @staticmethod
    def _entry(row: Sequence[Any]) -> IndexEntry:
        return IndexEntry(
            id=row[0],
            cluster_id=row[1],
            duplicate_of=row[2],
            content_hash=row[3],
            n_shingles=row[4],
            signature=bytes(row[5]),
            url=row[6],
            source=row[7],
            date=dt.date.fromisoformat(row[8]) if row[8] else None,
        )

    def get(self, article_id: str) -> IndexEntry | None:
        row = self.conn.execute(
            f"SELECT {_COLUMNS} FROM dedup_articles WHERE id = ?", (article_id,)
        ).fetchone()
        return self._entry(row) if row else None

    def by_hash(self, content_hash: str) -> IndexEntry | None:
        row = self.conn.execute(
            f"SELECT {_COLUMNS} FROM dedup_articles WHERE content_hash = ? ORDER BY seq LIMIT 1",
            (content_hash,),
        ).fetchone()
        return self._entry(row) if row else None

    def by_bands(self, keys: Sequence[int], limit: int) -> list[IndexEntry]:
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM dedup_articles WHERE seq IN "
            f"(SELECT DISTINCT seq FROM dedup_bands WHERE key IN ({marks}) LIMIT ?)",
            (*keys, limit),
        ).fetchall()
        return [self._entry(r) for r in rows]

    def put(self, entry: IndexEntry, keys: Sequence[int]) -> None:
        old = self.conn.execute("SELECT seq FROM dedup_articles WHERE id = ?", (entry.id,)).fetchone()
        values = (
            entry.cluster_id,
            entry.duplicate_of,
            entry.content_hash,
            entry.n_shingles,
            entry.signature,
            entry.url,
            entry.source,
            entry.date.isoformat() if entry.date else None,
        )
        if old is not None:
            seq = int(old[0])
            self.conn.execute(
                "UPDATE dedup_articles SET cluster_id=?, duplicate_of=?, content_hash=?, n_shingles=?, "
                "signature=?, url=?, source=?, date=? WHERE seq=?",
                (*values, seq),
            )
            self.conn.execute("DELETE FROM dedup_bands WHERE seq = ?", (seq,))
        else:
            cur = self.conn.execute(
                f"INSERT INTO dedup_articles ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (entry.id, *values),
            )
            seq = int(cur.lastrowid or 0)
        self.conn.executemany("INSERT OR IGNORE INTO dedup_bands VALUES (?, ?)", [(k, seq) for k in keys])

    def cluster(self, cluster_id: str) -> list[IndexEntry]:
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM dedup_articles WHERE cluster_id = ? "
            "ORDER BY duplicate_of IS NOT NULL, seq",
            (cluster_id,),
        ).fetchall()
        return [self._entry(r) for r in rows]

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()
