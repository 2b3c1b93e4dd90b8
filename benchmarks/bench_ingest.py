"""Is ingest ever the bottleneck? HTML extraction + dedup throughput vs ``code`` on the same articles.

Reads the ~700 real news articles of ``../shared/gold/geoparsing/*.xml`` at run time (never copied) and
renders each as a realistic news page (navigation, cookie banner, share tools, related links, comment
thread, footer, scripts, metadata) into a temporary directory; a tenth of them are also reprinted by a
second outlet with another headline and layout and the last paragraph cut (wire copies for dedup to find).
Then, in the same process and run:

- ``ingest``: ``eventwire.ingest.ingest`` over the directory with an on-disk state (read, decode,
  trafilatura extraction, boilerplate, language id, MinHash + LSH dedup against SQLite, checkpoints);
- the extraction and dedup parts alone, to show where ingest time goes;
- ``code``: ``eventwire.pipeline.Coder.code_articles`` over the canonical ingested articles (a sample,
  ``--code-sample``), and a bare spaCy ``nlp.pipe`` of the same model as a floor on any coder's cost.

The bar: ingest docs/s at least 5x code docs/s.

    .venv/bin/python benchmarks/bench_ingest.py [--limit 0] [--code-sample 200]
"""

from __future__ import annotations

import argparse
import html
import os
import random
import re
import sqlite3
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from rich.console import Console
from rich.table import Table

from eventwire.config import Config
from eventwire.ingest import IngestOptions, IngestSummary, ingest
from eventwire.ingest.dedup import Deduplicator, SqliteDedupIndex
from eventwire.ingest.extract import Boilerplate, decode, extract_html
from eventwire.nlp import load_model
from eventwire.types import Article

SHARED = Path(os.environ.get("EVENTWIRE_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
BAR = 5.0

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | {site}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{date}T08:00:00Z">
<link rel="canonical" href="{url}"><link rel="stylesheet" href="/static/site.css">
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}};
gtag('js',new Date());
{script}</script></head>
<body><div class="cookie-consent"><p>We use cookies to personalise content and ads and to analyse our traffic.
By continuing you agree to our cookie policy.</p><button>Accept</button><button>Settings</button></div>
<header><a class="logo" href="/">{site}</a><nav><ul>{nav}</ul></nav>
<form class="search"><input type="search" placeholder="Search"></form></header>
<div class="breadcrumbs"><a href="/">Home</a> › <a href="/news">News</a> ›
<a href="/news/local">Local</a></div>
<main><article><h1>{title}</h1><div class="byline">By <span class="author">{author}</span> ·
<time datetime="{date}">{date}</time></div>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> <a href="#">Email</a></div>
<div class="story-body">{body}</div></article>
<aside class="related"><h2>You might also like</h2><ul>{related}</ul></aside>
<section class="newsletter"><h3>Get our morning briefing</h3><p>The day's top stories in your inbox.</p>
<form><input type="email"><button>Sign up</button></form></section>
<section id="comments"><h3>Comments ({ncomments})</h3>{comments}</section></main>
<footer><ul><li><a href="/about">About</a></li><li><a href="/privacy">Privacy</a></li>
<li><a href="/terms">Terms</a></li><li><a href="/advertise">Advertise</a></li></ul>
<p>© {year} {site}. All rights reserved.</p></footer>
<script src="/static/app.js"></script></body></html>
"""
WIRE_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{title} - {site}</title><meta name="pubdate" content="{date}">
<link rel="canonical" href="{url}"></head>
<body><div id="top">Log in | Register | E-paper</div><div id="menu">{nav}</div>
<div class="ad">Advertisement</div>
<div id="content"><div class="sidebar"><h4>Most read</h4><ol>{related}</ol></div>
<div class="post"><h1>{title}</h1><p class="meta">Published {date} · wire reports</p>
<div class="entry">{body}</div><div class="social">Follow us on Facebook · Share this story</div></div></div>
<div id="footer">Copyright {year} {site}.</div></body></html>
"""
SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")


def load_articles(limit: int) -> list[dict[str, str]]:
    """Title, text, URL, domain and date of each gold article (read from ../shared at run time)."""
    files = sorted((SHARED / "gold" / "geoparsing").glob("*.xml"))
    if not files:
        raise SystemExit(f"needs {SHARED}/gold/geoparsing/*.xml (the gold sets in ../shared)")
    out: list[dict[str, str]] = []
    for path in files:
        for art in ET.parse(path).getroot().iter("article"):
            text = (art.findtext("text") or "").strip()
            if len(text) < 200:
                continue
            out.append(
                {
                    "title": " ".join((art.findtext("title") or "Untitled").split()),
                    "text": text,
                    "url": (art.findtext("url") or "").strip(),
                    "domain": (art.findtext("domain") or "news.example").strip(),
                    "date": (art.findtext("dltime") or "2020-01-01")[:10],
                }
            )
            if limit and len(out) >= limit:
                return out
    return out


def paragraphs(text: str) -> list[str]:
    """The article's paragraphs (its own line breaks, else groups of three sentences)."""
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    if len(paras) > 1:
        return paras
    sents = SENT.split(text)
    return [" ".join(sents[i : i + 3]) for i in range(0, len(sents), 3)]


def render(i: int, art: dict[str, str], rng: random.Random, others: list[dict[str, str]]) -> str:
    esc = html.escape
    related = "".join(
        f'<li><a href="/news/{rng.randrange(10**6)}">{esc(o["title"])}</a></li>'
        for o in rng.sample(others, 5)
    )
    comments = "".join(
        f'<div class="comment"><b>reader{rng.randrange(999)}</b><p>{esc(rng.choice(others)["title"])}? '
        f"I have been saying this for years.</p></div>"
        for _ in range(rng.randrange(0, 6))
    )
    sections = (
        "Home",
        "Local",
        "World",
        "Business",
        "Sport",
        "Opinion",
        "Weather",
        "Obituaries",
        "Subscribe",
    )
    nav = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in sections)
    body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs(art["text"]))
    script = "var cfg = {" + ",".join(f'"k{j}": {rng.randrange(10**6)}' for j in range(200)) + "};"
    return PAGE.format(
        title=esc(art["title"]),
        site=esc(art["domain"]),
        date=art["date"],
        url=esc(art["url"] or f"https://{art['domain']}/story/{i}"),
        script=script,
        nav=nav,
        author=f"Staff writer {i % 17}",
        body=body,
        related=related,
        ncomments=comments.count("<b>"),
        comments=comments,
        year=art["date"][:4],
    )


def render_wire_copy(i: int, art: dict[str, str]) -> str:
    paras = paragraphs(art["text"])
    kept = paras[:-1] if len(paras) > 3 else paras
    body = "".join(f"<p>{html.escape(p)}</p>" for p in kept) + "<p><em>(Wire reports.)</em></p>"
    return WIRE_PAGE.format(
        title="UPDATE: " + html.escape(art["title"]),
        site="The Coastal Times",
        date=art["date"],
        url=f"https://coastaltimes.example/wire/{i}",
        nav=" ".join(f'<a href="/{s}">{s}</a>' for s in ("news", "markets", "life")),
        related="<li><a href='/a'>Storm closes ports</a></li>",
        body=body,
        year=art["date"][:4],
    )


def build_corpus(folder: Path, articles: list[dict[str, str]], seed: int = 1) -> int:
    rng = random.Random(seed)
    n = 0
    for i, art in enumerate(articles):
        (folder / f"a{i:05d}.html").write_text(render(i, art, rng, articles), encoding="utf-8")
        n += 1
        if i % 10 == 3:
            (folder / f"a{i:05d}-wire.html").write_text(render_wire_copy(i, art), encoding="utf-8")
            n += 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="articles to read from the gold sets (0: all)")
    ap.add_argument("--code-sample", type=int, default=200, help="canonical articles to code (0: all)")
    args = ap.parse_args()
    console = Console(width=150)
    articles = load_articles(args.limit)

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        corpus = Path(tmp) / "pages"
        corpus.mkdir()
        pages = build_corpus(corpus, articles)
        size = sum(p.stat().st_size for p in corpus.iterdir())

        # Warm up both sides outside the timings (imports, language model, spaCy model).
        warm = Path(tmp) / "warm"
        warm.mkdir()
        build_corpus(warm, articles[:5], seed=2)
        list(ingest([str(warm)], IngestOptions()))

        summary = IngestSummary()
        with Clock() as t_ingest:
            out = list(ingest([str(corpus)], IngestOptions(state_dir=Path(tmp) / "state"), summary=summary))
        arts = [a for a in out if isinstance(a, Article)]

        # Where ingest time goes: extraction alone, then fingerprint + dedup alone.
        bp = Boilerplate.load()
        files = sorted(corpus.iterdir())
        with Clock() as t_extract:
            for f in files:
                extract_html(decode(f.read_bytes()), None, bp)
        dd = Deduplicator(SqliteDedupIndex(sqlite3.connect(":memory:")))
        with Clock() as t_dedup:
            for a in arts:
                dd.assign(a.id, dd.fingerprint(a.text))

        from eventwire.pipeline import Coder

        canonical = [a for a in arts if a.skipped_reason is None]
        sample = canonical[: args.code_sample] if args.code_sample else canonical
        coder = Coder(Config())
        list(coder.code_articles(canonical[:3]))
        with Clock() as t_code:
            n_events = sum(len(ev) for _, ev in coder.code_articles(sample))
        with Clock() as t_spacy:
            for _ in load_model(Config()).pipe((a.text for a in sample), batch_size=64):
                pass

    chars = sum(len(a.text) for a in sample)
    n_ingest = summary.documents
    rows = [
        ("ingest: read+extract+language+dedup+state", n_ingest, t_ingest),
        ("  of which trafilatura extraction", len(files), t_extract),
        ("  of which MinHash+LSH dedup (in memory)", len(arts), t_dedup),
        ("code: Coder.code_articles", len(sample), t_code),
        ("floor: bare spaCy nlp.pipe (same model)", len(sample), t_spacy),
    ]
    code_cpu = len(sample) / t_code.cpu
    code_wall = len(sample) / t_code.wall
    table = Table(
        title=f"ingest vs code on the same articles ({pages} pages, {size / 1e6:.1f} MB of HTML; "
        f"coded sample {len(sample)} articles, {chars / len(sample):.0f} chars each)"
    )
    for col in ("stage", "documents", "CPU s", "docs/CPU s", "x code (CPU)", "wall s", "x code (wall)"):
        table.add_column(col, justify="left" if col == "stage" else "right")
    for name, n, t in rows:
        table.add_row(
            name,
            str(n),
            f"{t.cpu:.2f}",
            f"{n / t.cpu:.1f}",
            f"{n / t.cpu / code_cpu:.1f}",
            f"{t.wall:.2f}",
            f"{n / t.wall / code_wall:.1f}",
        )
    console.print(table)
    console.print(
        f"ingest outcomes: {summary.new} new, {summary.duplicates} duplicates (of "
        f"{pages - len(articles)} wire copies planted), {summary.language} other-language, "
        f"skipped {dict(summary.skipped)}; {n_events} events coded from the sample"
    )
    ratio = n_ingest / t_ingest.cpu / code_cpu
    verdict = "PASS" if ratio >= BAR else "FAIL"
    console.print(
        f"ingest/code throughput ratio (CPU time, one process each): {ratio:.1f}x (bar {BAR:.0f}x) "
        f"{verdict}; wall-clock ratio {n_ingest / t_ingest.wall / code_wall:.1f}x; vs bare spaCy "
        f"{n_ingest / t_ingest.cpu / (len(sample) / t_spacy.cpu):.1f}x (CPU)"
    )


class Clock:
    """Wall and CPU seconds of a block. CPU time is the fair measure on a shared machine: both sides run
    in this one process, so contention from other processes inflates wall time but not CPU time."""

    wall: float
    cpu: float

    def __enter__(self) -> Clock:
        self._w, self._c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._w
        self.cpu = time.process_time() - self._c


if __name__ == "__main__":
    main()
