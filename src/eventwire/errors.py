"""All of eventwire's exceptions, in one module (as httpx does).

Every message says what is wrong and what to do about it. Library code raises these and never exits;
the CLI prints ``str(error)`` on one line without a traceback and exits non-zero.
"""

from __future__ import annotations


class EventwireError(Exception):
    """Base class: catch this to handle any eventwire failure."""


class EventwireWarning(UserWarning):
    """Something was not done but nothing failed: a record skipped where no ``on_skip`` handler listens."""


class ConfigError(EventwireError):
    """The configuration is invalid (bad option value, unknown model, unreadable dictionary)."""


class ModelNotFoundError(ConfigError):
    """No usable spaCy model is installed."""


class InputError(EventwireError):
    """An input could not be read: missing file, binary data, invalid encoding, malformed record."""


class FilterError(InputError):
    """A filter value is not one of the valid ones (``--country XX``, ``--type BOGUS``): matching nothing
    silently would look like "no such events". ``option``, ``value`` and the valid ``choices`` are kept."""

    def __init__(self, option: str, value: str, message: str, choices: list[str]) -> None:
        super().__init__(message)
        self.option = option
        self.value = value
        self.choices = choices


class RecordError(InputError):
    """One record of a batch is bad; batches report it as a skip and go on.

    ``where`` locates it (``file.jsonl:17``) and ``reason`` is a short machine-readable cause.
    """

    def __init__(self, message: str, *, where: str = "", reason: str = "invalid") -> None:
        super().__init__(message)
        self.where = where
        self.reason = reason


class DictionaryError(ConfigError):
    """An actor, agent or lexicon file is malformed; the message names the file and line."""


class OntologyError(EventwireError):
    """A code is not in the ontology tables (unknown CAMEO or PLOVER code)."""


class GoldFormatError(InputError):
    """A gold file could not be read in the format asked for."""


class StoreError(EventwireError):
    """The event store failed: cannot open, schema too new, or a write failed."""


class QueryTimeoutError(StoreError):
    """A query ran longer than the statement timeout and was stopped (nothing was changed)."""


class StoreLockedError(StoreError):
    """Another process holds the DuckDB file for writing (DuckDB allows one writer at a time)."""


class FetchError(EventwireError):
    """A URL could not be fetched (status, timeout, blocked address or scheme)."""


class OntologyFileError(OntologyError):
    """An ontology table (built-in or a user's extension) is malformed; the message names file and line."""


class BlockedURLError(FetchError):
    """A URL was not fetched: a scheme other than http(s), or a private/loopback address not allowed."""

    reason = "blocked"


class FetchTimeoutError(FetchError):
    """The server did not answer (or finish answering) in time."""

    reason = "timeout"


class TransportFailedError(FetchError):
    """DNS, connection or TLS failure, or too many redirects."""

    reason = "fetch-error"


class FetchStatusError(FetchError):
    """The server answered with an error status; ``reason`` is ``http-<status>``."""

    def __init__(self, message: str, *, status: int, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.reason = f"http-{status}"


class ResponseTooLargeError(FetchError):
    """A response body was larger than the byte cap (``max_bytes``)."""

    reason = "too-large"


class UntranslatablePattern(DictionaryError):
    """A PETRARCH verb-dictionary pattern has no dependency-constraint equivalent (the message is the reason);
    the importer counts and skips such patterns, it never fails a file for them."""
