"""URL normalisation for stable article ids, and the outlet (site) a URL belongs to.

The id of an article with a URL is its normalised URL: scheme and host lower-cased, default port, fragment
and tracking parameters (``utm_*``, ``fbclid``...) removed, remaining query parameters sorted. Re-fetching
the same story through a feed link with campaign parameters therefore yields the same id.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "cmpid",
        "ocid",
        "ito",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "taid",
        "smid",
        "sr_share",
        "at_medium",
        "at_campaign",
        "ref",
        "ref_src",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_", "__twitter", "_hs")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Second-level labels under which a registered domain has three labels (news.bbc.co.uk -> bbc.co.uk).
_SECOND_LEVEL = frozenset(
    {"co", "com", "net", "org", "gov", "ac", "edu", "go", "or", "ne", "gob", "nic", "mil"}
)


def is_url(s: str) -> bool:
    """True for strings with a URL scheme (``http://``, ``ftp://``, ``file://``...)."""
    head, sep, _ = s.partition("://")
    return bool(sep) and head.isascii() and head.replace("+", "").replace("-", "").isalnum()


def normalize_url(url: str) -> str:
    """The canonical form of ``url`` used as an article id (see the module docstring)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def host_of(url: str | None) -> str | None:
    """The host of ``url`` without a leading ``www.`` (the outlet name eventwire records as source)."""
    if not url:
        return None
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if host.startswith("www."):
        host = host[4:]
    return host or None


def site_of(url: str | None) -> str | None:
    """The registered domain of ``url`` (approximate: ``news.bbc.co.uk`` -> ``bbc.co.uk``)."""
    host = host_of(url)
    if not host:
        return None
    labels = host.split(".")
    if all(label.isdigit() for label in labels) or len(labels) <= 2:
        return host
    keep = 3 if labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def same_site(a: str | None, b: str | None) -> bool:
    """True when both URLs belong to the same registered domain."""
    sa, sb = site_of(a), site_of(b)
    return sa is not None and sa == sb
