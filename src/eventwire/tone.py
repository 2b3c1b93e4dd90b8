"""The tone of an article, on GDELT's scale, from a published lexicon (VADER).

GDELT 2.0 scores an article's tone as the percentage of its words that are positive minus the percentage that
are negative (``Tone``, from -100 to +100, most news between -10 and +10); ``AvgTone`` of an event is the mean
over the articles that mention it. eventwire computes the same formula with the word polarities of VADER's
lexicon (Hutto and Gilbert, "VADER: A Parsimonious Rule-based Model for Sentiment Analysis of Social Media
Text", ICWSM 2014; the ``vader_lexicon.txt`` of the ``vaderSentiment`` package): a word whose mean valence is
above zero is positive, below zero negative. Words are lower-cased letter runs (with an inner apostrophe).
Like GDELT's tone, it counts words and does not read negation ("not good" counts "good").

The score is computed once per article when it is stored (``articles.tone``).
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@lru_cache(maxsize=1)
def _polarity() -> dict[str, int]:
    """Word -> +1 or -1 from VADER's lexicon (emoticons and neutral entries left out)."""
    from importlib import resources

    text = resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text(encoding="utf-8")
    out: dict[str, int] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not _WORD.fullmatch(parts[0]):
            continue
        try:
            valence = float(parts[1])
        except ValueError:
            continue
        if valence:
            out[parts[0]] = 1 if valence > 0 else -1
    return out


def tone(text: str) -> float | None:
    """GDELT's tone of ``text``: 100 x (positive words - negative words) / words; ``None`` without words."""
    words = _WORD.findall(text.lower())
    if not words:
        return None
    polarity = _polarity()
    score = sum(polarity.get(w, 0) for w in words)
    return round(100.0 * score / len(words), 4)
