"""Offline geoparsing: place mentions in news, resolved to GeoNames, and where each event happened.

>>> from eventwire.geo import Geocoder                     # doctest: +SKIP
>>> gc = Geocoder.load(config)                             # builds the cached index on first use
>>> places = gc.places(doc, doc_id="a1")                   # every place mention in a parsed Doc
>>> gc.resolve_spans(text, [(0, 10)])                      # resolution of given spans
>>> gc.event_location(doc, places, trigger_index=5)        # where the event at token 5 happened
>>> for article, places in find_places(articles, config):  # doctest: +SKIP
...     ...                                                 # parse and geoparse a stream of articles

See docs/geo.md for the method and the measured figures.
"""

from .find import find_places
from .gazetteer import Entry, Gazetteer, build_index, cache_dir, haversine_km
from .geocoder import Geocoder, is_demonym
from .home import Home, document_home, domain_country
from .locate import event_location
from .resolve import Mention, Weights, find_dateline

__all__ = [
    "Entry",
    "Gazetteer",
    "Geocoder",
    "Home",
    "Mention",
    "Weights",
    "build_index",
    "cache_dir",
    "document_home",
    "domain_country",
    "event_location",
    "find_dateline",
    "find_places",
    "haversine_km",
    "is_demonym",
]
