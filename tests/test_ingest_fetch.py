"""Fetching pages and feeds from an HTTP server the test starts on 127.0.0.1: limits, failures, polling."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from eventwire.errors import BlockedURLError
from eventwire.ingest import Fetcher, IngestOptions, IngestSummary, ingest, watch, write_jsonl
from eventwire.types import Article, Skip

FIX = Path(__file__).parent / "fixtures" / "ingest"


class Site:
    """What the test server serves, and what it saw."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.agents: list[str] = []
        self.feed_entries = 3
        self.stop = threading.Event()


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def send(
            self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", **headers: str
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                self.send_header(k.replace("_", "-"), v)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            site.hits[path] += 1
            site.agents.append(self.headers.get("User-Agent", ""))
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if path == "/world/2024/03/13/baltic-cable-patrols":
                self.send(200, (FIX / "ledger_ports.html").read_bytes())
            elif path == "/africa/thousands-march-in-lusaka-over-fuel-prices/":
                self.send(200, (FIX / "river_post_protest.html").read_bytes())
            elif path == "/cp1252":
                self.send(200, (FIX / "weekly_cp1252.html").read_bytes(), ctype="text/html")
            elif path in ("/feed.rss", "/etag-feed.rss"):
                body = (FIX / "world_feed.rss").read_text(encoding="utf-8").replace("{base}", base)
                if site.feed_entries < 3:  # an older version of the feed
                    head, _, rest = body.partition("<item>")
                    body = head + "<item>" + "<item>".join(rest.split("<item>")[-site.feed_entries :])
                if path == "/etag-feed.rss":
                    tag = f'"v{site.feed_entries}"'
                    if self.headers.get("If-None-Match") == tag:
                        self.send_response(304)
                        self.send_header("ETag", tag)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    self.send(200, body.encode(), ctype="application/rss+xml", ETag=tag)
                else:
                    self.send(200, body.encode(), ctype="application/rss+xml")
            elif path == "/not-a-feed.rss":
                self.send(200, b'{"error": "feeds moved"}', ctype="application/json")
            elif path == "/error500":
                self.send(500, b"internal error")
            elif path == "/flaky":
                if site.hits[path] == 1:
                    self.send(503, b"try again", Retry_After="0")
                else:
                    self.send(200, (FIX / "river_post_protest.html").read_bytes())
            elif path == "/hang":
                site.stop.wait(5)  # longer than the client's timeout
                self.send(200, b"<html>too late</html>")
            elif path == "/big":
                self.send(200, b"<html><body><p>" + b"word " * 400_000 + b"</p></body></html>")
            elif path == "/lying-length":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()  # no length: the body runs until the connection closes
                self.close_connection = True
                self.wfile.write(b"<html><body>" + b"<p>endless</p>" * 200_000)
            elif path == "/logo.png":
                self.send(200, b"\x89PNG\r\n\x1a\n" + bytes(500), ctype="image/png")
            elif path == "/disguised":
                self.send(200, b"\x89PNG\r\n\x1a\n" + bytes(500), ctype="text/html")
            elif path.startswith("/hop/"):
                n = int(path.rsplit("/", 1)[1])
                target = "/africa/thousands-march-in-lusaka-over-fuel-prices/" if n == 0 else f"/hop/{n - 1}"
                self.send(302, b"", Location=target)
            elif path == "/loop":
                self.send(301, b"", Location="/loop")
            elif path == "/to-file":
                self.send(302, b"", Location="file:///etc/passwd")
            elif path == "/to-private":
                self.send(302, b"", Location="http://10.1.2.3/admin")
            else:
                self.send(404, b"<html><body>not found</body></html>")

    return Handler


@pytest.fixture()
def server() -> Iterator[tuple[str, Site]]:
    site = Site()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", site
    finally:
        site.stop.set()
        httpd.shutdown()
        httpd.server_close()


def opts(**kw: object) -> IngestOptions:
    base: dict[str, object] = {
        "allow_private": True,
        "rate_limit": 0.0,
        "timeout": 0.5,
        "retries": 1,
        "backoff": 0.01,
    }
    base.update(kw)
    return IngestOptions(**base)  # type: ignore[arg-type]


def run(sources: list[str], **kw: object) -> tuple[list[Article], list[Skip], IngestSummary]:
    summary = IngestSummary()
    items = list(ingest(sources, opts(**kw), summary=summary))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Skip)], summary


def test_page_is_fetched_and_extracted(server: tuple[str, Site]) -> None:
    base, site = server
    arts, skips, summary = run([f"{base}/world/2024/03/13/baltic-cable-patrols?utm_source=x"])
    (art,) = arts
    assert not skips
    # The page's canonical link is on another site than 127.0.0.1: the fetched URL is the id.
    assert art.id == art.url == f"{base}/world/2024/03/13/baltic-cable-patrols"
    assert art.source == "127.0.0.1"
    assert art.fetched_at is not None and art.fetched_at.tzinfo is not None
    assert art.date == dt.date(2024, 3, 13) and art.author == "Marta Kivisild"
    assert site.agents[0].startswith("eventwire/")
    assert summary.bytes_read > 5000


def test_header_charset_is_used(server: tuple[str, Site]) -> None:
    base, _ = server
    arts, _, _ = run([f"{base}/cp1252"])
    assert arts[0].title == "Mayor Peña opens €4m flood barrier"


def test_feed_entries_without_follow(server: tuple[str, Site]) -> None:
    base, site = server
    arts, skips, _ = run([f"{base}/feed.rss"])
    assert [a.title for a in arts] == [
        "Baltic ministers agree joint patrols to guard undersea cables",
        "Thousands march in Lusaka over fuel prices",
        "Harbour authority delays dredging contract",
    ]
    assert arts[0].text.startswith("Estonian and Finnish foreign ministers agreed on Wednesday")
    assert arts[0].id == f"{base}/world/2024/03/13/baltic-cable-patrols"
    assert arts[0].date == dt.date(2024, 3, 13) and arts[0].author == "Marta Kivisild"
    assert "Police fired tear gas" in arts[1].text  # content:encoded wins over description
    assert not skips and site.hits["/world/2024/03/13/baltic-cable-patrols"] == 0


def test_feed_with_follow_fetches_pages(server: tuple[str, Site]) -> None:
    base, site = server
    arts, skips, summary = run([f"{base}/feed.rss"], follow=True)
    assert [a.url for a in arts] == [
        f"{base}/world/2024/03/13/baltic-cable-patrols",
        f"{base}/africa/thousands-march-in-lusaka-over-fuel-prices/",
    ]
    assert arts[0].text.endswith("Sweden and Latvia have been invited to join.")  # the page, not the summary
    assert [(s.reason, s.where.rsplit(" ", 1)[1]) for s in skips] == [("http-404", f"{base}/missing-page")]
    assert summary.skipped == {"http-404": 1}
    # Followed again: pages already ingested are not fetched twice.
    hits = site.hits["/world/2024/03/13/baltic-cable-patrols"]
    with_state: list[Article | Skip] = []
    state_opts = opts(follow=True)
    from eventwire.ingest import Ingestor

    with Ingestor(state_opts) as ing:
        with_state += list(ing.run([f"{base}/feed.rss"]))
        with_state += list(ing.run([f"{base}/feed.rss"]))
    assert site.hits["/world/2024/03/13/baltic-cable-patrols"] == hits + 1
    assert sum(isinstance(i, Article) for i in with_state) == 2


def test_local_feed_file_and_atom(tmp_path: Path) -> None:
    arts, _, _ = run([str(FIX / "regional_feed.atom")])
    assert [a.title for a in arts] == [
        "Copper exports hit a five-year high",
        "Harvest forecast cut after late rains",
    ]
    assert arts[0].author == "Joseph Banda" and arts[0].date == dt.date(2023, 11, 3)
    assert arts[1].url == "https://riverpost.example/farming/harvest-forecast-cut/"  # relative link resolved
    assert arts[1].source == "riverpost.example"


def test_feed_that_is_not_xml(server: tuple[str, Site], tmp_path: Path) -> None:
    base, _ = server
    _, skips, _ = run([f"{base}/not-a-feed.rss"], as_feed=True)
    assert [s.reason for s in skips] == ["not-a-feed"]
    bad = tmp_path / "broken.rss"
    bad.write_text("<<<this is not xml at all>>>", encoding="utf-8")
    _, skips, _ = run([str(bad)])
    assert [s.reason for s in skips] == ["not-a-feed"]


def test_server_error_is_retried_then_skipped(server: tuple[str, Site]) -> None:
    base, site = server
    arts, skips, summary = run([f"{base}/error500", f"{base}/flaky"], retries=2)
    assert [s.reason for s in skips] == ["http-500"]
    assert site.hits["/error500"] == 3  # first try and two retries
    assert site.hits["/flaky"] == 2 and len(arts) == 1
    assert summary.skipped == {"http-500": 1}


def test_hanging_server_times_out(server: tuple[str, Site]) -> None:
    base, _ = server
    start = time.monotonic()
    _, skips, _ = run([f"{base}/hang"], timeout=0.3, retries=1)
    assert [s.reason for s in skips] == ["timeout"]
    assert time.monotonic() - start < 3


def test_size_caps(server: tuple[str, Site]) -> None:
    base, _ = server
    _, skips, _ = run([f"{base}/big", f"{base}/lying-length"], max_bytes=500_000)
    assert [s.reason for s in skips] == ["too-large", "too-large"]


def test_non_html_responses(server: tuple[str, Site]) -> None:
    base, _ = server
    _, skips, _ = run([f"{base}/logo.png", f"{base}/disguised"])
    assert [s.reason for s in skips] == ["not-html", "not-html"]


def test_redirects_are_bounded_and_checked(server: tuple[str, Site]) -> None:
    base, _ = server
    arts, skips, _ = run(
        [f"{base}/hop/3", f"{base}/hop/9", f"{base}/loop", f"{base}/to-file"], max_redirects=5
    )
    assert [a.title for a in arts] == ["Thousands march in Lusaka over fuel prices"]
    assert arts[0].url == f"{base}/africa/thousands-march-in-lusaka-over-fuel-prices/"
    assert [s.reason for s in skips] == ["fetch-error", "fetch-error", "blocked"]


def test_private_addresses_and_other_schemes_are_refused(server: tuple[str, Site]) -> None:
    base, site = server
    _, skips, _ = run(
        [f"{base}/world/2024/03/13/baltic-cable-patrols", "ftp://example.org/x", "gopher://x/"],
        allow_private=False,
    )
    assert [s.reason for s in skips] == ["blocked", "blocked", "blocked"]
    assert "--allow-private" in skips[0].detail
    assert sum(site.hits.values()) == 0
    arts, _, _ = run(
        [f"{base}/world/2024/03/13/baltic-cable-patrols"], allow_private=False, allow_hosts=("127.0.0.0/8",)
    )
    assert len(arts) == 1


def test_redirect_to_private_address_is_refused(server: tuple[str, Site]) -> None:
    base, _ = server
    _, skips, _ = run([f"{base}/to-private"], allow_private=False, allow_hosts=("127.0.0.1",))
    assert [s.reason for s in skips] == ["blocked"] and "10.1.2.3" in skips[0].detail


def test_address_guard_resolves_names() -> None:
    f = Fetcher(
        IngestOptions(),
        resolve=lambda host, port: {
            "intranet.example": ["192.168.1.20"],
            "mapped.example": ["::ffff:127.0.0.1"],
            "news.example": ["93.184.216.34"],
        }[host],
    )
    for url in (
        "http://intranet.example/",
        "http://mapped.example/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://0.0.0.0/",
    ):
        with pytest.raises(BlockedURLError):
            f.check_url(url)
    f.check_url("https://news.example/story")


def test_per_host_rate_limit() -> None:
    """Three requests to one host and one to another: the clock and sleep are the fetcher's own."""
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(round(s, 3))
        now[0] += s

    transport = httpx.MockTransport(lambda req: httpx.Response(200, html="<p>x</p>"))
    f = Fetcher(
        IngestOptions(rate_limit=2.0),
        client=httpx.Client(transport=transport),
        sleep=sleep,
        clock=lambda: now[0],
        resolve=lambda h, p: ["93.184.216.34"],
    )
    for url in ("http://a.example/1", "http://a.example/2", "http://b.example/1", "http://a.example/3"):
        f.fetch(url)
        now[0] += 0.5
    assert slept == [1.5, 1.0]


def test_watch_takes_only_new_entries_with_conditional_requests(
    server: tuple[str, Site], tmp_path: Path
) -> None:
    base, site = server
    site.feed_entries = 2
    rounds: list[list[str]] = []
    state = tmp_path / "state"

    def sleep(_: float) -> None:
        site.feed_entries = 3  # the feed gains an entry between polls

    summary = IngestSummary()
    items = list(
        watch(
            [f"{base}/etag-feed.rss"],
            opts(state_dir=state),
            every=900,
            rounds=3,
            sleep=sleep,
            summary=summary,
        )
    )
    rounds.append([i.title or "" for i in items if isinstance(i, Article)])
    assert rounds[0] == [
        "Thousands march in Lusaka over fuel prices",
        "Harbour authority delays dredging contract",
        "Baltic ministers agree joint patrols to guard undersea cables",
    ]
    assert site.hits["/etag-feed.rss"] == 3
    assert summary.unchanged == 2  # the two old entries seen again in round 2; round 3 got a 304


def test_write_jsonl_polls_feeds(server: tuple[str, Site], tmp_path: Path) -> None:
    base, _ = server
    out = tmp_path / "out.jsonl"
    summary = write_jsonl([f"{base}/feed.rss"], out, opts(state_dir=tmp_path / "s"), every=0.0, rounds=2)
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3
    assert summary.articles == 3 and summary.unchanged == 3
