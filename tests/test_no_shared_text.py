"""Other people's text stays in ../shared: no comment, docstring, string or data file of ours quotes it.

Every run of five or six words of the gold sets' and the seed's text is a probe (the dictionaries PETRARCH
ships are facts, not text, and are left out). A probe counts when enough of its words are content words
(letters, not function words), so that "at the end of the" or a date is no quote but "the interior minister
told the parliament" would be. Data tables are read for their comments: their rows are facts.
A rule should be explained by the language, not by a sentence of the gold.
"""

from __future__ import annotations

import html
import io
import re
import tokenize
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.shared

WORD = re.compile(r"[a-z0-9]+(?:[_.][a-z0-9]+)*")  # a file name ("petr_validate.xml") is one word
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "not",
        "no",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "as",
        "into",
        "than",
        "then",
        "there",
        "their",
        "they",
        "he",
        "she",
        "his",
        "her",
        "we",
        "our",
        "you",
        "your",
        "i",
        "me",
        "my",
        "will",
        "would",
        "can",
        "could",
        "may",
        "might",
        "should",
        "must",
        "has",
        "have",
        "had",
        "do",
        "did",
        "does",
        "so",
        "if",
        "when",
        "while",
        "which",
        "who",
        "whom",
        "what",
        "where",
        "how",
        "all",
        "any",
        "some",
        "one",
        "two",
        "up",
        "out",
        "about",
        "over",
        "after",
        "before",
        "during",
        "under",
        "between",
        "also",
        "more",
        "most",
    ]
)
# The PETRARCH dictionaries (actors, agents, verbs, discards, ontology) are lists of facts we may encode.
DICTIONARIES = (
    "PETR_Validate_actors",
    "PETR_Validate_agents",
    "PETR_Validate_verbs",
    "PETR_Validate_discards",
)
DICTIONARIES += ("PETR.Validate.", "PETR_Validate_Internal")
SCANNED = ("src", "docs", "examples", "README.md", "DEVELOPERS.md")


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _telling(gram: tuple[str, ...], need: int) -> bool:
    """Enough content words (letters, three or more, no function word): dates and numbers do not count."""
    return sum(w.isalpha() and len(w) > 2 and w not in FUNCTION_WORDS for w in gram) >= need


def _shingles(words: list[str], n: int, need: int) -> set[tuple[str, ...]]:
    return {g for i in range(len(words) - n + 1) if _telling(g := tuple(words[i : i + n]), need)}


# (length of the run, how many of its words must not be function words)
PROBES = ((6, 3), (5, 4))


@pytest.fixture(scope="module")
def probes(shared: Path) -> dict[tuple[int, int], set[tuple[str, ...]]]:
    texts = []
    for p in sorted([*(shared / "gold").rglob("*"), *(shared / "seed").rglob("*.txt")]):
        if not p.is_file() or p.suffix not in (".xml", ".tsv", ".txt", ".bio", ".json"):
            continue
        if p.name.startswith(DICTIONARIES):
            continue
        text = p.read_text(encoding="utf-8", errors="replace")
        if p.suffix == ".bio":
            text = " ".join(line.split()[0] for line in text.splitlines() if line.strip())
        texts.append(_words(html.unescape(text)))
    return {spec: {g for w in texts for g in _shingles(w, *spec)} for spec in PROBES}


def _prose(path: Path) -> list[tuple[int, str]]:
    """(line, text) of what a reader reads: comments and strings of Python, the comments of data tables
    (their rows are facts: names, codes), every line of other files."""
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = list(enumerate(text.splitlines(), 1))
    if path.suffix in (".tsv", ".txt") and "data" in path.parts:
        return [(n, line) for n, line in lines if line.lstrip().startswith("#")]
    if path.suffix != ".py":
        return lines
    return [
        (tok.start[0], tok.string)
        for tok in tokenize.generate_tokens(io.StringIO(text).readline)
        if tok.type in (tokenize.COMMENT, tokenize.STRING)
    ]


def _files() -> list[Path]:
    out: list[Path] = []
    for name in SCANNED:
        root = REPO / name
        found = [root] if root.is_file() else sorted(root.rglob("*"))
        out += [p for p in found if p.is_file() and p.suffix in (".py", ".md", ".tsv", ".txt", ".jsonl")]
    return out


def test_no_file_of_ours_quotes_shared_text(probes: dict[tuple[int, int], set[tuple[str, ...]]]) -> None:
    hits = []
    for path in _files():
        for line, text in _prose(path):
            words = _words(text)
            for spec, grams in probes.items():
                found = _shingles(words, *spec) & grams
                if found:
                    hits.append(f"{path.relative_to(REPO)}:{line}: {' '.join(sorted(found)[0])}")
                    break
    assert not hits, "text from ../shared copied into the repo (rewrite it in our own words):\n" + "\n".join(
        hits
    )


def test_the_probe_finds_a_quote(probes: dict[tuple[int, int], set[tuple[str, ...]]], shared: Path) -> None:
    seed = next((shared / "seed").glob("*.txt")).read_text(encoding="utf-8")
    line = max(seed.splitlines(), key=len)
    words = _words(line)
    assert _shingles(words, 6, 3) & probes[(6, 3)], "a sentence of the seed must be caught"
