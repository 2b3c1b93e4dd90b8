"""Every place mention in a stream of articles, resolved to GeoNames (``eventwire places``)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator

from ..config import Config
from ..types import Article, Place, Skip
from .geocoder import Geocoder


def find_places(
    articles: Iterable[Article | Skip],
    config: Config | None = None,
    *,
    demonyms: bool = False,
    on_skip: Callable[[Skip], None] | None = None,
    geocoder: Geocoder | None = None,
) -> Iterator[tuple[Article, list[Place]]]:
    """Parse each article with the configured spaCy model and yield ``(article, places)`` in input order.

    :class:`Skip` records in the stream (unreadable inputs) go to ``on_skip``. The model and the
    gazetteer are loaded when the first article arrives (nothing is loaded when every input was
    skipped); ``demonyms`` also lists demonyms ("Azerbaijani") as references to their place.
    """
    config = config or Config()

    def texts() -> Iterator[Article]:
        for item in articles:
            if isinstance(item, Skip):
                if on_skip is not None:
                    on_skip(item)
            else:
                yield item

    stream = texts()
    first = next(stream, None)
    if first is None:
        return
    from ..nlp import load_model  # spaCy loads here, not at import

    nlp = load_model(config)
    gc = geocoder or Geocoder.load(config)

    def both() -> Iterator[Article]:
        yield first
        yield from stream

    queue: deque[Article] = deque()

    def remember() -> Iterator[str]:
        for a in both():
            queue.append(a)
            yield a.text

    for doc in nlp.pipe(remember(), batch_size=config.batch_size):
        article = queue.popleft()
        yield article, gc.places(doc, doc_id=article.id, demonyms=demonyms, text=article.text)
