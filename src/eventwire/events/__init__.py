"""The events stage: turn a parsed document into coded :class:`~eventwire.types.Event` records.

``code_doc`` (:mod:`.assemble`) runs the sentence coder (:mod:`.coder`) over each sentence and fills every
field of the records; see :mod:`.coder` for the rule families.
"""

from __future__ import annotations

from .assemble import DocumentInput, code_doc, plover_row, sentence_contexts

__all__ = ["DocumentInput", "code_doc", "plover_row", "sentence_contexts"]
