"""Polite, bounded HTTP fetching with httpx.

Every request: only ``http``/``https``; the host's addresses are resolved and refused when private,
loopback, link-local or otherwise not global (unless allowed); a per-host minimum interval; a
User-Agent; connect/read timeouts plus an overall deadline; a byte cap on the decoded body (also against
compression bombs); redirects followed by hand, each hop checked the same way, at most
``max_redirects``. Timeouts, connection errors, 429 and 5xx are retried with exponential backoff
(``Retry-After`` honoured up to 60 s). Failures raise :class:`~eventwire.errors.FetchError` subclasses
whose ``reason`` is the skip reason.

Known limit: the address check resolves the name before httpx connects, so a DNS answer that changes in
between (DNS rebinding) is not caught; run fetchers of untrusted lists behind an egress firewall.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urljoin, urlsplit

import httpx

from ..errors import (
    BlockedURLError,
    FetchStatusError,
    FetchTimeoutError,
    ResponseTooLargeError,
    TransportFailedError,
)
from .options import IngestOptions

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 60.0


@dataclass(frozen=True, slots=True)
class Response:
    """A fetched body with what ingest needs from the exchange."""

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    fetched_at: dt.datetime
    etag: str | None = None
    last_modified: str | None = None


def parse_content_type(value: str | None) -> tuple[str, str | None]:
    """``("text/html", "utf-8")`` from a Content-Type header value."""
    if not value:
        return "", None
    msg = Message()
    msg["content-type"] = value
    charset = msg.get_param("charset")
    return msg.get_content_type().lower(), (str(charset) if isinstance(charset, str) else None)


@dataclass
class Fetcher:
    """Fetches URLs under the limits of ``options``; one per run (it keeps the per-host clock)."""

    options: IngestOptions
    client: httpx.Client | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    resolve: Callable[[str, int], list[str]] | None = None
    _last: dict[str, float] = field(default_factory=dict)
    _networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = field(default_factory=list)
    _hosts: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for item in self.options.allow_hosts:
            try:
                self._networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                self._hosts.add(item.lower().rstrip("."))

    def _client(self) -> httpx.Client:
        if self.client is None:
            t = self.options.timeout
            self.client = httpx.Client(
                timeout=httpx.Timeout(t, connect=min(t, 10.0)),
                headers={
                    "User-Agent": self.options.user_agent,
                    "Accept": "text/html,application/xhtml+xml,"
                    "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/*;q=0.8,*/*;q=0.5",
                },
                follow_redirects=False,
            )
        return self.client

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    # ------------------------------------------------------------------------------------------ guard
    def check_url(self, url: str) -> None:
        """Raise :class:`BlockedURLError` unless ``url`` may be fetched (scheme and address)."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https"):
            raise BlockedURLError(f"refused to fetch {url}: only http and https URLs are fetched")
        host = (parts.hostname or "").lower().rstrip(".")
        if not host:
            raise BlockedURLError(f"refused to fetch {url}: no host name")
        if self.options.allow_private or host in self._hosts:
            return
        try:
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        except ValueError as e:
            raise BlockedURLError(f"refused to fetch {url}: bad port ({e})") from e
        for addr in self._addresses(host, port):
            ip = ipaddress.ip_address(addr.split("%", 1)[0])
            if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
                ip = ip.ipv4_mapped
            if any(ip in net for net in self._networks):
                continue
            if not ip.is_global or ip.is_multicast:
                raise BlockedURLError(
                    f"refused to fetch {url}: {host} resolves to the non-public address {ip}; "
                    "allow it with --allow-private or --allow-host"
                )

    def _addresses(self, host: str, port: int) -> list[str]:
        try:
            return [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            pass
        if self.resolve is not None:
            return self.resolve(host, port)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as e:
            raise TransportFailedError(f"cannot resolve {host}: {e}") from e
        return sorted({str(info[4][0]) for info in infos})

    # ------------------------------------------------------------------------------------------ fetch
    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Response:
        """GET ``url`` (following redirects) with retries; raise a ``FetchError`` subclass on failure."""
        current = url
        for _hop in range(self.options.max_redirects + 1):
            self.check_url(current)
            location, response = self._get_with_retries(current, headers or {})
            if location is None:
                assert response is not None
                return dataclasses.replace(response, url=url, final_url=current)
            current = urljoin(current, location)
        raise TransportFailedError(f"too many redirects (more than {self.options.max_redirects}) from {url}")

    def _get_with_retries(self, url: str, headers: dict[str, str]) -> tuple[str | None, Response | None]:
        attempt = 0
        while True:
            delay = self.options.backoff * (2**attempt)
            try:
                return self._get_once(url, headers)
            except FetchStatusError as e:
                if e.status not in RETRY_STATUSES or attempt >= self.options.retries:
                    raise
                if e.retry_after is not None:
                    delay = max(delay, min(e.retry_after, MAX_RETRY_AFTER))
            except (FetchTimeoutError, TransportFailedError):
                if attempt >= self.options.retries:
                    raise
            attempt += 1
            self.sleep(delay)

    def _wait_turn(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            wait = self.options.rate_limit - (self.clock() - last)
            if wait > 0:
                self.sleep(wait)
        self._last[host] = self.clock()

    def _get_once(self, url: str, headers: dict[str, str]) -> tuple[str | None, Response | None]:
        self._wait_turn((urlsplit(url).hostname or "").lower())
        budget = max(self.options.timeout * 3, 1.0)  # for the whole body: a trickling server cannot hold us
        deadline = self.clock() + budget
        cap = self.options.max_bytes
        try:
            with self._client().stream("GET", url, headers=headers) as r:
                if r.status_code in (301, 302, 303, 307, 308) and r.headers.get("location"):
                    return r.headers["location"], None
                if r.status_code == 304:
                    ctype, charset = parse_content_type(r.headers.get("content-type"))
                    return None, self._response(url, r, ctype, charset, b"")
                if r.status_code >= 400 or r.status_code < 200:
                    raise FetchStatusError(
                        f"{url} answered HTTP {r.status_code}",
                        status=r.status_code,
                        retry_after=_retry_after(r.headers.get("retry-after")),
                    )
                length = r.headers.get("content-length")
                if length and length.isdigit() and int(length) > cap:
                    raise ResponseTooLargeError(f"{url} is {int(length)} bytes, over the {cap}-byte cap")
                chunks: list[bytes] = []
                size = 0
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    if size > cap:
                        raise ResponseTooLargeError(f"{url} is over the {cap}-byte cap")
                    if self.clock() > deadline:
                        raise FetchTimeoutError(
                            f"{url} took longer than {budget:g} s to send its body (3 x --timeout)"
                        )
                    chunks.append(chunk)
                ctype, charset = parse_content_type(r.headers.get("content-type"))
                return None, self._response(url, r, ctype, charset, b"".join(chunks))
        except httpx.TimeoutException as e:
            raise FetchTimeoutError(f"{url} timed out ({type(e).__name__})") from e
        except (httpx.TransportError, httpx.DecodingError, httpx.InvalidURL) as e:
            raise TransportFailedError(f"{url} could not be fetched: {type(e).__name__}: {e}") from e

    def _response(
        self, url: str, r: httpx.Response, ctype: str, charset: str | None, body: bytes
    ) -> Response:
        return Response(
            url=url,
            final_url=url,
            status=r.status_code,
            content_type=ctype,
            charset=charset,
            body=body,
            fetched_at=dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
            etag=r.headers.get("etag"),
            last_modified=r.headers.get("last-modified"),
        )


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = dt.datetime.strptime(value, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return None
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())
