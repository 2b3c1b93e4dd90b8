"""The sentence coder: find the events of a parsed sentence, with their actor and recipient.

Rules over the dependency parse, driven by the lexicon (``data/lexicon``), in families:

- :mod:`.triggers`: which trigger row a token is (``DependencyMatcher`` for one-hop constraints);
- :mod:`.slots`: argument slots (who did it, to whom);
- :mod:`.content`, :mod:`.governors`: governors ("agreed to", "urged ... to") and speech acts turn
  their content into an appeal, intent, demand, rejection or threat through the intent table;
- :mod:`.plain`: plain trigger verbs and event nouns;
- :mod:`.refine`: CAMEO refinements that read the whole clause or the sentence's other events.

Every candidate keeps the rules that made it (``coder``), so each code can be explained.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .content import ContentReader
from .governors import GovernedEvents
from .plain import TriggerEvents
from .records import Candidate
from .refine import absorb, fill_countries, fill_recipient, mirror, refine
from .slots import Arguments
from .triggers import OneHopIndex, TriggerMatcher

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from ..actors.resolve import DocumentActors
    from .lexicon import Lexicon

__all__ = ["Candidate", "SentenceCoder"]


class SentenceCoder:
    """Codes the sentences of one document (its actor memory lives in ``actors``)."""

    def __init__(self, lexicon: Lexicon, actors: DocumentActors, index: OneHopIndex | None = None) -> None:
        doc: Doc = actors.doc
        self.lex = lexicon
        self.actors = actors
        self.args = Arguments(lexicon, actors)
        self.matcher = TriggerMatcher(lexicon, self.args, index or OneHopIndex(doc.vocab, lexicon), doc)
        self.content = ContentReader(lexicon, self.matcher)
        self.plain = TriggerEvents(lexicon, self.matcher, self.args, self.content)
        self.governed = GovernedEvents(lexicon, self.matcher, self.args, self.content, self.plain)

    def code(self, sent: Span) -> list[Candidate]:
        """The events of one sentence, in text order of their anchors."""
        consumed: set[int] = set()
        question = sent.text.rstrip().endswith("?")
        out: list[Candidate] = []
        for tok in sent:
            if tok.i in consumed:
                continue
            cand = self.governed.governed(tok, consumed, question)
            if cand is None:
                cand = self.plain.triggered(tok, consumed, question)
            if cand is not None:
                out.append(cand)
        out = [c for c in out if c.anchor.i not in consumed]
        for c in out:
            refine(c, self.lex)
            fill_recipient(c, self.args)
            fill_countries(c, self.args, self.actors)
        out += [m for c in out if (m := mirror(c)) is not None]
        return absorb(out, self.lex.codes)
