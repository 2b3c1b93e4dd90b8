"""Discard phrases: words that mark a sentence (or a whole story) as outside political event data.

"Liverpool attacked down the left" and "the typhoon trashed the embassy" parse like events. A discard list
names such contexts: a phrase on its own line discards the sentence that contains it; a phrase starting with
``+`` discards the whole story. The format is PETRARCH's discard dictionary (``#`` starts a comment), so
PETRARCH users' lists load as they are (``--discards FILE``); ours is ``data/lexicon/discards.txt``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import DictionaryError


@dataclass(frozen=True)
class Discards:
    """Compiled discard phrases: ``sentence`` and ``story`` match case-insensitively on word boundaries."""

    sentence: re.Pattern[str] | None
    story: re.Pattern[str] | None

    def story_discarded(self, text: str) -> str | None:
        m = self.story.search(text) if self.story is not None else None
        return m.group(0) if m else None

    def sentence_discarded(self, text: str) -> str | None:
        m = self.sentence.search(text) if self.sentence is not None else None
        return m.group(0) if m else None


def _phrases(text: str) -> tuple[list[str], list[str]]:
    sentence: list[str] = []
    story: list[str] = []
    for line in text.splitlines():
        phrase = line.split("#", 1)[0].strip()
        if not phrase or phrase.startswith("<"):
            continue
        target = story if phrase.startswith("+") else sentence
        phrase = " ".join(phrase.lstrip("+").replace("_", " ").split())
        if phrase:
            target.append(phrase)
    return sentence, story


def _compile(phrases: list[str]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    alternatives = sorted({re.escape(p).replace(r"\ ", r"\s+") for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=8)
def load_discards(files: tuple[Path, ...] = ()) -> Discards:
    """Our built-in discard list plus ``files`` (PETRARCH discard format)."""
    sentence, story = _phrases(
        resources.files("eventwire").joinpath("data", "lexicon", "discards.txt").read_text(encoding="utf-8")
    )
    for path in files:
        try:
            more = _phrases(Path(path).read_text(encoding="utf-8", errors="replace"))
        except OSError as e:
            raise DictionaryError(f"cannot read discard file {path}: {e}") from e
        sentence += more[0]
        story += more[1]
    return Discards(sentence=_compile(sentence), story=_compile(story))
