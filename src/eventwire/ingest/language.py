"""Language identification with py3langid (its model ships in the wheel; loaded on first use)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

MIN_LETTERS = 20
"""Texts with fewer letters get no language: identification on a few words is a guess."""

SAMPLE_CHARS = 1200


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str | None, float]:
    """The ISO 639-1 code of ``text`` and its probability, or ``(None, 0.0)`` for too little text.

    Only the first ``SAMPLE_CHARS`` characters are read: enough for a stable answer, and the cost stays
    flat however long the article.
    """
    sample = text[:SAMPLE_CHARS]
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return None, 0.0
    lang, prob = _identifier().classify(sample)
    return str(lang), float(prob)
