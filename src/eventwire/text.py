"""Text normalisation shared by the stages that match names (actors, people, places)."""

from __future__ import annotations

import unicodedata


def strip_accents(text: str) -> str:
    """``text`` without combining marks ("Côte d'Ivoire" -> "Cote d'Ivoire"); ASCII is returned as is.

    Letters that do not decompose (ø, ł, ß, æ...) are left alone: callers that want them folded translate
    them first, with a table suited to what they match.
    """
    if text.isascii():
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
