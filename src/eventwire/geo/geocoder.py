"""The :class:`Geocoder`: recognition, resolution and event location behind one object."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Config
from ..errors import InputError
from ..types import Place
from .gazetteer import Gazetteer, cache_dir
from .locate import Locator, is_demonym
from .names import demonym_table, not_place_words
from .recognize import Recognizer
from .resolve import DEFAULT_WEIGHTS, Mention, Weights, mention_key, resolve_mentions

if TYPE_CHECKING:
    from spacy.tokens import Doc


@lru_cache(maxsize=4)
def _load_gazetteer(directory: Path) -> Gazetteer:
    return Gazetteer.load(directory)


class Geocoder:
    """Offline geoparser over the GeoNames gazetteer built from installed packages.

    >>> gc = Geocoder.load(Config())                       # doctest: +SKIP
    >>> gc.places(nlp("Protesters marched in Mombasa."))     # doctest: +SKIP
    """

    def __init__(self, gazetteer: Gazetteer, *, weights: Weights = DEFAULT_WEIGHTS) -> None:
        self.gazetteer = gazetteer
        self.weights = weights
        self.recognizer = Recognizer(gazetteer, demonym_table(), not_place_words())
        self._locator = Locator()

    @classmethod
    def load(cls, config: Config | None = None, *, directory: Path | None = None) -> Geocoder:
        """Load the cached gazetteer index (building it first if missing or stale, ~30 s once)."""
        del config  # the geocoder has no settings in Config yet; kept for a uniform loading API
        return cls(_load_gazetteer(directory or cache_dir()))

    def places(
        self, doc: Doc, *, doc_id: str | None = None, demonyms: bool = False, text: str | None = None
    ) -> list[Place]:
        """Every place mention in a parsed Doc, resolved, in text order.

        Demonyms ("Azerbaijani") always inform resolution; with ``demonyms=True`` they are returned too,
        as their place with a reason starting "demonym of" (the gold corpora count them as toponyms).
        Pass ``text`` (= ``doc.text``) if you have it: spaCy rebuilds ``doc.text`` on every access.
        """
        text = doc.text if text is None else text
        mentions = self.recognizer.mentions(doc, demonyms=True, text=text)
        placed = resolve_mentions(self.gazetteer, text, mentions, weights=self.weights, doc_id=doc_id)
        if demonyms:
            return placed
        return [p for p, m in zip(placed, mentions, strict=True) if not m.demonym]

    def resolve_spans(
        self, doc_or_text: Doc | str, spans: Sequence[tuple[int, int]], *, doc_id: str | None = None
    ) -> list[Place]:
        """Resolve given character spans (e.g. gold mentions): one Place per span, in the given order."""
        text = doc_or_text if isinstance(doc_or_text, str) else doc_or_text.text
        mentions = []
        for s, e in spans:
            if not 0 <= s < e <= len(text):
                raise InputError(f"span ({s}, {e}) is outside the text of {len(text)} characters")
            m = Mention(s, e, text[s:e])
            dem = self.recognizer.demonym_place(m.text)
            if dem is not None and not self.recognizer.is_place_name(m.key):
                m.key, m.demonym = mention_key(dem), True
            mentions.append(m)
        return resolve_mentions(self.gazetteer, text, mentions, weights=self.weights, doc_id=doc_id)

    def event_location(self, doc: Doc, places: Sequence[Place], trigger_index: int) -> Place | None:
        """Where the event triggered at token ``trigger_index`` happened (see :mod:`eventwire.geo.locate`).

        Work per document is cached for the last ``(doc, places)`` pair, so call it for every event of a
        document with the same ``places`` list.
        """
        return self._locator(doc, places, trigger_index)

    def gdelt_fields(self, place: Place | None, prefix: str = "ActionGeo_") -> dict[str, object]:
        """A place as GDELT 2.0's geography columns (``ActionGeo_Type``, ``_FullName``, ``_CountryCode``...).

        Type: 1 country, 2 US state, 3 US city, 4 world city, 5 world state (GDELT's codes; a county or
        region is given the type of its nearest level). Country codes are FIPS 10-4 as in GDELT;
        ``ADM1Code`` is the FIPS country code followed by the GeoNames admin1 code (``USKY``), which is
        GDELT's form for US states; ``FeatureID`` is the GeoNames id (GDELT gives GNS/GNIS ids).
        ``None`` gives the empty columns.
        """
        keys = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
        if place is None or place.country is None:
            return {prefix + k: None for k in keys}
        iso2 = self.gazetteer.iso2_of_iso3(place.country) or ""
        fips = self.gazetteer.fips(iso2) or iso2
        a1 = place.admin1.split(".", 1)[1] if place.admin1 and "." in place.admin1 else ""
        us = iso2 == "US"
        if place.precision in ("country", "region"):
            gtype = 1
        elif place.precision == "admin1":
            gtype = 2 if us else 5
        else:
            gtype = 3 if us else 4
        names = [place.name or place.text]
        admin = self.gazetteer.admin1(iso2, a1) if a1 and place.precision != "admin1" else None
        if admin is not None:
            names.append(admin.name)
        country = self.gazetteer.country(iso2)
        if country is not None and gtype != 1:
            names.append(country.name)
        return {
            prefix + "Type": gtype,
            prefix + "FullName": ", ".join(names),
            prefix + "CountryCode": fips,
            prefix + "ADM1Code": f"{fips}{a1}" if a1 else fips,
            prefix + "ADM2Code": None,
            prefix + "Lat": place.lat,
            prefix + "Long": place.lon,
            prefix + "FeatureID": place.geonameid,
        }

    def country_iso3_by_geonameid(self) -> dict[int, str]:
        """GeoNames id of each country -> its ISO alpha-3 code (to score country accuracy)."""
        out: dict[int, str] = {}
        conn = self.gazetteer._connect()
        for gid, cc in conn.execute("SELECT gid, cc FROM entity WHERE kind = 1"):
            iso3 = self.gazetteer.iso3(cc)
            if gid is not None and iso3:
                out[int(gid)] = iso3
        return out


__all__ = ["Geocoder", "is_demonym"]
