"""The typed records passed between the coder's rule families (before an event becomes an ``Event``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..types import Actor
from .lexicon import TriggerRule

if TYPE_CHECKING:
    from spacy.tokens import Token


@dataclass
class Candidate:
    """An event found in a sentence, before it becomes an :class:`~eventwire.types.Event`."""

    trigger: Token
    cameo: str
    actors: list[Actor]
    recipients: list[Actor]
    modality: str
    coder: list[str]
    tokens: list[Token]
    governor: Token | None = None
    attribution_head: Token | None = None
    outlet_head: Token | None = None
    specific: bool = False
    notes: list[str] = field(default_factory=list)
    speech_act: bool = False
    rule: TriggerRule | None = None

    @property
    def anchor(self) -> Token:
        """The token that carries the event in the clause (the governor when there is one)."""
        return self.governor if self.governor is not None else self.trigger

    @property
    def depth(self) -> int:
        """How deep the event sits below the sentence root (main-clause events are what it reports)."""
        tok, n = self.anchor, 0
        while tok.head.i != tok.i and n < 12:
            tok, n = tok.head, n + 1
        return n


@dataclass(frozen=True, slots=True)
class Content:
    """The event a governor's content phrase denotes: its head, CAMEO code, the rules that said so."""

    token: Token
    code: str
    notes: tuple[str, ...]
    rule: TriggerRule | None = None


@dataclass(frozen=True, slots=True)
class MergedNoun:
    """An event noun that gives a verb its code and actor ("an airstrike killed ...")."""

    noun: Token
    rule: TriggerRule
    actors: list[Actor]


@dataclass(frozen=True, slots=True)
class NounFrame:
    """Where an event noun is reported: the noun carrying its arguments and the verb reporting it.

    ``undergo``: the verb's subject undergoes the act ("faces charges", "came under investigation");
    ``shared``: the noun hangs on another act's verb and shares its doer ("arrested on drug charges");
    ``bare``: an act noun that is an argument of a plain verb ("the investigation led police to him").
    """

    host: Token
    light: Token | None
    undergo: bool = False
    shared: bool = False
    bare: bool = False
