"""Shared name normalisation."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from eventwire.text import strip_accents


def test_strips_combining_marks_and_keeps_other_letters() -> None:
    assert strip_accents("Côte d'Ivoire") == "Cote d'Ivoire"
    assert strip_accents("Erdoğan, Şanlıurfa") == "Erdogan, Sanlıurfa"
    assert strip_accents("Støre") == "Støre"  # ø does not decompose; callers fold it with their own table
    assert strip_accents("plain ASCII") == "plain ASCII"


@given(st.text())
def test_idempotent_and_leaves_no_combining_marks(text: str) -> None:
    once = strip_accents(text)
    assert strip_accents(once) == once
    assert not any(unicodedata.combining(c) for c in unicodedata.normalize("NFKD", once))
