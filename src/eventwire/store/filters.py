"""Filter values people type, checked and put in the store's form before a query runs.

A filter that matches nothing because its value is misspelt must not look like "no such events": every
value is checked, and an unknown one is a :class:`~eventwire.errors.FilterError` that lists what is valid.

- **Countries** are stored as ISO 3166 alpha-3 codes (``TUR``), or ``IGO``, ``NGO``, ``MNC``, ``IMG`` for
  non-state actors and ``KOS`` (Kosovo, as CAMEO writes it). A filter also takes ISO alpha-2 (``TR``),
  FIPS 10-4 (``TU``, what GDELT writes) and names (``Turkey``, ``Türkiye``, ``UK``). A two-letter code that is
  one country in ISO and another in FIPS (``AU``: Australia or Austria) is refused as ambiguous.
- **Event types** are PLOVER types (``CONSULT``, any case) or CAMEO code prefixes (``04``, ``042``).
- **Modalities** are those of :data:`eventwire.types.MODALITIES`; **quad classes** 1-4 or their names
  (``verbal-cooperation``, ``material-conflict``...).
- **Actor codes** are CAMEO-style code prefixes (``AZE``, ``AZEGOV``, ``IGOUNO``, ``---GOV``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from ..errors import FilterError
from ..types import MODALITIES

NON_STATE = ("IGO", "NGO", "MNC", "IMG")
"""Country values of non-state actors (PLOVER/CAMEO)."""
EXTRA_COUNTRIES = {"KOS": "Kosovo (CAMEO code; ISO XKX)"}
QUAD_NAMES = {
    "verbal-cooperation": 1,
    "material-cooperation": 2,
    "verbal-conflict": 3,
    "material-conflict": 4,
}
_ACTOR = re.compile(r"[A-Z-]{3}[A-Z0-9]*")


@lru_cache(maxsize=1)
def _countries() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    """(alpha-3 -> name, alpha-2 -> alpha-3, FIPS -> alpha-3, normalised name -> alpha-3)."""
    import pycountry

    from ..geo.names import normalize, read_table
    from .countries import _table

    names: dict[str, str] = {}
    alpha2: dict[str, str] = {}
    fips: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for cc in set(_table().values()):
        names[cc.iso3] = cc.name
        alpha2[cc.iso2] = cc.iso3
        if cc.fips:
            fips[cc.fips] = cc.iso3
        by_name[normalize(cc.name)] = cc.iso3
    for c in pycountry.countries:
        if c.alpha_3 not in names:
            continue
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                by_name.setdefault(normalize(value), c.alpha_3)
    for _where, row in read_table("country_aliases.tsv"):
        if len(row) >= 2 and row[1].strip() in alpha2:
            by_name.setdefault(normalize(row[0]), alpha2[row[1].strip()])
    for row in _actor_country_rows():
        phrase, code, via = row[0], row[1], row[2]
        if via in ("name", "acronym") and (code in names or code in EXTRA_COUNTRIES):
            for alt in phrase.split("|"):
                by_name.setdefault(normalize(alt), code)
    for code, label in EXTRA_COUNTRIES.items():
        names[code] = label
    return names, alpha2, fips, by_name


def _actor_country_rows() -> list[list[str]]:
    from importlib import resources

    text = resources.files("eventwire").joinpath("data/actors/countries.tsv").read_text(encoding="utf-8")
    rows = [ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return [r for r in rows[1:] if len(r) >= 3]


def country_code(value: str) -> str:
    """The store's code for a country typed as alpha-3, alpha-2, FIPS 10-4 or a name."""
    from ..geo.names import normalize

    names, alpha2, fips, by_name = _countries()
    v = value.strip()
    up = v.upper()
    if up in names or up in NON_STATE:
        return up
    if len(up) == 2 and up.isalpha():
        a, f = alpha2.get(up), fips.get(up)
        if a and f and a != f:
            raise FilterError(
                "country",
                value,
                f"country {value!r} is ambiguous: {names[a]} as an ISO 3166 alpha-2 code, {names[f]} as "
                f"a FIPS 10-4 code (GDELT's); write {a} or {f}",
                sorted(names) + list(NON_STATE),
            )
        if a or f:
            return a or f  # type: ignore[return-value]
    code = by_name.get(normalize(v)) if v else None
    if code:
        return code
    close = difflib.get_close_matches(normalize(v), list(by_name), n=3, cutoff=0.75) if v else []
    hint = f"; did you mean {', '.join(sorted({f'{by_name[c]} ({names[by_name[c]]})' for c in close}))}?"
    raise FilterError(
        "country",
        value,
        f"country {value!r} is not a country: use an ISO 3166 alpha-3 code (TUR), alpha-2 (TR), FIPS 10-4 "
        f"as GDELT writes it (TU), or a name (Turkey); {', '.join(NON_STATE)} for non-state actors"
        + (hint if close else "")
        + f". Valid codes: {', '.join([*sorted(names), *NON_STATE])}",
        sorted(names) + list(NON_STATE),
    )


def event_type(value: str) -> str:
    """A PLOVER type (upper case) or a CAMEO code prefix, checked against the ontology."""
    from ..ontology import load_ontology

    onto = load_ontology()
    v = value.strip()
    if v.isdigit():
        if any(code.startswith(v) for code in onto.cameo_codes):
            return v
        raise FilterError(
            "type",
            value,
            f"type {value!r} is no CAMEO code nor the start of one: CAMEO codes run from 01 to 20 "
            "(roots), then 3 and 4 digits (042, 0421)",
            sorted(r for r in onto.cameo_codes if len(r) == 2),
        )
    up = v.upper()
    if up in onto.plover_types:
        return up
    types = sorted(onto.plover_types)
    raise FilterError(
        "type",
        value,
        f"type {value!r} is not a PLOVER type ({', '.join(types)}) or a CAMEO code prefix (04, 042)",
        types,
    )


def modality_name(value: str) -> str:
    v = value.strip().lower()
    if v in MODALITIES:
        return v
    raise FilterError(
        "modality",
        value,
        f"unknown modality {value!r}: use one of {', '.join(MODALITIES)}",
        list(MODALITIES),
    )


def quad_class(value: int | str) -> int:
    """A GDELT quad class: 1-4, or its name (``verbal-cooperation`` ... ``material-conflict``)."""
    if isinstance(value, bool):
        raise FilterError("quad", str(value), "quad takes 1-4", ["1", "2", "3", "4"])
    if isinstance(value, int) and 1 <= value <= 4:
        return value
    text = str(value).strip().lower().replace("_", "-").replace(" ", "-")
    if text in ("1", "2", "3", "4"):
        return int(text)
    if text in QUAD_NAMES:
        return QUAD_NAMES[text]
    choices = [f"{n} ({name})" for name, n in QUAD_NAMES.items()]
    raise FilterError(
        "quad", str(value), f"quad class {value} does not exist: use {', '.join(choices)}", choices
    )


def actor_code(value: str) -> str:
    """A CAMEO-style actor code prefix (``AZE``, ``AZEGOV``, ``---GOV``), upper case."""
    up = value.strip().upper()
    if _ACTOR.fullmatch(up):
        return up
    raise FilterError(
        "actor",
        value,
        f"actor {value!r} is not a CAMEO actor code or prefix: three letters for the country (or IGO, "
        "NGO, ---), then the sector and more (AZE, AZEGOV, IGOUNO, ---GOV)",
        [],
    )


CHECKS: dict[str, Callable[[Any], Any]] = {
    "actor": actor_code,
    "country": country_code,
    "type": event_type,
    "quad": quad_class,
    "modality": modality_name,
}
"""The filter fields whose values are checked, and their checks."""


def checked(values: dict[str, object]) -> tuple[dict[str, tuple[Any, ...]], list[FilterError]]:
    """The filter values in the store's form (see the module doc), and what was wrong with the others.

    ``values`` maps fields of :data:`CHECKS` to one value or an iterable of them; a valid value is
    normalised (repeats dropped, order kept), an invalid one is kept as given and its
    :class:`FilterError` returned, so that every problem of a filter can be reported at once.
    """
    out: dict[str, tuple[Any, ...]] = {}
    errors: list[FilterError] = []
    for name, raw in values.items():
        items = (raw,) if isinstance(raw, (str, int)) else tuple(raw)  # type: ignore[arg-type]
        kept: list[Any] = []
        for v in items:
            try:
                c = CHECKS[name](v)
            except FilterError as e:
                errors.append(e)
                c = v
            if c not in kept:
                kept.append(c)
        out[name] = tuple(kept)
    return out, errors
