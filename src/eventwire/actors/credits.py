"""Bylines and photo credits: names in them are the writer's or the photographer's, never actors or places.

"By JORDAN MILLS Herald Reporter", "BY Jane Roe, Staff Writer", "Photo: AP", "(AP Photo/Jane Roe)",
"Photo by Jane Roe / Staff". News pages keep these lines in the text an extractor returns; a name in them
("Jordan", "AP") says who wrote or photographed the story, not who acted in it or where.
"""

from __future__ import annotations

import re

_NAME = r"(?:[A-Z][A-Za-z.'’\-]*\s*){1,4}"
_CREDITS = re.compile(
    # a byline at the start of the text, of a line or of a sentence
    rf"(?:^|(?<=[.!?]\s)|(?<=\n))\s*(?:BY|By)\s+{_NAME}"
    # a photo credit anywhere
    rf"|\b(?:Photo|PHOTO|Photograph|Picture|Image|File photo|Photos)\s*(?::|by|courtesy of)\s*{_NAME}"
    rf"|\((?:AP|Reuters|AFP|Getty Images|EPA)\s+Photo\s*/\s*{_NAME}\)"
)


def credit_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the bylines and photo credits in ``text``."""
    return [(m.start(), m.end()) for m in _CREDITS.finditer(text)]


__all__ = ["credit_spans"]
