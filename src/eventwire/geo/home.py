"""Where a story is from: the document's home country, its home place, and how they were decided.

News rarely says which country it is written in. Local US news names no country at all ("Deputies arrested
a 40-year-old driver in Fairview"); a Canadian paper writes "the province" and "Ottawa". GDELT and ICEWS infer
where a story is from, and so do we, from the evidence a reader uses, weighed in this order:

- the dateline ("MILLBROOK, Ala. —", "OSLO (Reuters) -"): where the reporter filed from;
- the outlet's web address when it is a country's domain (``.co.uk``, ``.ca``, ``.ie``; ``.com`` says
  nothing);
- the places the article names below the level of a country, resolved in the article's context (towns,
  counties and parishes, states and provinces, "City, St." qualifiers): a local story names its own
  places, and names them often;
- the countries it names, and the peoples and adjectives of countries ("French", "Iraqis"), which weigh
  less: a local story about a soldier serving abroad names the country he serves in.

:func:`document_home` adds the votes up; the :class:`Home` says which country won, by what share, why,
and which place is the story's own (the dateline, else the place the article names most in its home
country). A document without any of this evidence has no home.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from ..types import Place
from .names import read_table
from .resolve import find_dateline

# Votes (a rough log-odds scale: one local place is one vote).
DATELINE = 4.0
DATELINE_QUALIFIED = 6.0  # "MILLBROOK, Ala. —": the dateline with its state or country spelled out
DOMAIN = 3.0
LOCAL_PLACE = 1.0  # a town, county or state, per distinct name
COUNTRY_PLACE = 0.5  # a country named as a place, per distinct name
REPEAT = 0.25  # each further mention of a name already counted
MAX_REPEATS = 4
PEOPLE = 0.25  # a demonym or adjective of a country ("French", "Iraqis"), per mention
MAX_PEOPLE = 6
LOCAL_PRECISIONS = frozenset({"city", "admin2", "admin1"})
NONSTATE = frozenset({"IGO", "NGO", "MNC", "IMG", "UNO", "EUR"})


@dataclass(frozen=True, slots=True)
class Home:
    """A document's home: its country (ISO alpha-3), how it was decided, and the story's own place.

    ``reason`` names the evidence that decided ("dateline: MILLBROOK, Ala.", "domain: thetimes.co.uk",
    "places: 7 of 9 local places"), ``share`` is the winner's share of all votes (0-1), ``place`` is the
    dateline place, else the place in the home country the article names most (a town before a county
    before a state; never a whole country), and ``votes`` keeps every country's score.
    """

    country: str | None = None
    reason: str = "no evidence"
    share: float = 0.0
    place: Place | None = None
    votes: tuple[tuple[str, float], ...] = ()

    @property
    def admin1(self) -> str | None:
        """The first-level subdivision of the home place ("US.LA"), when known."""
        return self.place.admin1 if self.place is not None else None


@lru_cache(maxsize=1)
def _domain_table() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for _where, row in read_table("domains.tsv"):
        if len(row) >= 2 and row[0].strip():
            code = row[1].strip()
            out[row[0].strip().lower().lstrip(".")] = None if code in ("", "-") else code
    return out


@lru_cache(maxsize=300)
def _iso3(alpha2: str) -> str | None:
    import pycountry

    c = pycountry.countries.get(alpha_2=alpha2.upper())
    return str(c.alpha_3) if c is not None else None


def domain_country(url: str | None) -> tuple[str | None, str]:
    """The country an outlet's address names (``www.thetimes.co.uk`` -> GBR), and the host, else ``None``."""
    if not url:
        return None, ""
    raw = url.strip()
    host = urlsplit(raw if "//" in raw else "//" + raw).hostname or ""
    host = host.lower().rstrip(".")
    labels = host.split(".")
    if len(labels) < 2:
        return None, host
    table = _domain_table()
    for n in (2, 1):  # longer suffixes first
        suffix = ".".join(labels[-n:])
        if suffix in table:
            return table[suffix], host
    tld = labels[-1]
    if len(tld) == 2 and tld.isalpha():
        return _iso3(tld), host
    return None, host


def document_home(
    text: str,
    places: Sequence[Place],
    peoples: Mapping[str, int] | None = None,
    url: str | None = None,
    *,
    bodies: Mapping[str, int] | None = None,
) -> Home:
    """The home of a document from its text, its resolved places, the countries its peoples name, its URL.

    ``places`` are the geo stage's resolved mentions (demonyms excluded); ``peoples`` counts mentions of
    countries by demonym or adjective (country -> mentions), ``bodies`` mentions of a country's own
    organisations and groups ("Hamas", "the Bundestag"), both from the actor dictionary.

    A country is the home only with a majority of the votes: a story that names two countries as often
    ("Peru recalled its envoy to Chile") has none.
    """
    votes: dict[str, float] = defaultdict(float)
    why: dict[str, list[str]] = defaultdict(list)
    dateline_place: Place | None = None

    dl = find_dateline(text)
    if dl is not None:
        at = next((p for p in places if p.start == dl[0] and p.country), None)
        if at is not None and at.country:
            qualified = dl[2] is not None and any(
                p.start > at.end and p.start <= at.end + 3 and p.country == at.country for p in places
            )
            votes[at.country] += DATELINE_QUALIFIED if qualified else DATELINE
            why[at.country].append(f"dateline: {text[dl[0] : dl[1]]}" + (f", {dl[2]}" if qualified else ""))
            dateline_place = at

    dom, host = domain_country(url)
    if dom:
        votes[dom] += DOMAIN
        why[dom].append(f"domain: {host}")

    seen: Counter[tuple[str, str]] = Counter()
    local: dict[str, int] = defaultdict(int)
    for p in places:
        if not p.country or p.precision in (None, "region") or (p.geonameid is None and p.lat is None):
            continue
        key = (p.country, (p.name or p.text).lower())
        seen[key] += 1
        if seen[key] == 1:
            if p.precision in LOCAL_PRECISIONS:
                votes[p.country] += LOCAL_PLACE
                local[p.country] += 1
            else:
                votes[p.country] += COUNTRY_PLACE
        elif seen[key] <= 1 + MAX_REPEATS:
            votes[p.country] += REPEAT
    for country, n in local.items():
        why[country].append(f"places: {n} local place{'s' if n > 1 else ''}")

    for country, n in (peoples or {}).items():
        if _national(country):
            votes[country] += PEOPLE * min(n, MAX_PEOPLE)
    for country, n in (bodies or {}).items():
        if _national(country):
            votes[country] += COUNTRY_PLACE + REPEAT * min(n - 1, MAX_REPEATS)

    if not votes:
        return Home()
    total = sum(votes.values())
    ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
    country, best = ranked[0]
    shares = tuple((c, round(v, 2)) for c, v in ranked)
    if best * 2 <= total:
        return Home(reason="no country has most of the evidence", share=round(best / total, 3), votes=shares)
    reason = "; ".join(why[country]) or "country mentions"
    return Home(
        country=country,
        reason=reason,
        share=round(best / total, 3) if total else 0.0,
        place=dateline_place
        if dateline_place is not None and dateline_place.country == country
        else _home_place(places, country),
        votes=shares,
    )


def _national(country: str | None) -> bool:
    return bool(country) and len(country or "") == 3 and (country or "").isalpha() and country not in NONSTATE


def _home_place(places: Sequence[Place], country: str) -> Place | None:
    """The place in ``country`` the article names most: a town before a county before a state."""
    rank = {"city": 0, "admin2": 1, "admin1": 2}
    counts: Counter[int] = Counter()
    first: dict[int, Place] = {}
    for p in places:
        if p.country != country or p.precision not in rank or p.geonameid is None:
            continue
        counts[p.geonameid] += 1
        first.setdefault(p.geonameid, p)
    if not counts:
        return None
    gid = min(counts, key=lambda g: (-counts[g], rank[first[g].precision or "admin1"], first[g].start))
    return first[gid]


__all__ = ["Home", "document_home", "domain_country"]
