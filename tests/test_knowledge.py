"""The coder's knowledge tables: they load, and a wrong entry fails loudly, naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire import knowledge
from eventwire.errors import DictionaryError
from eventwire.events.lexicon import load_lexicon
from eventwire.ontology import load_ontology
from eventwire.tables import builtin_text

HEADER = "lemma\tpos\twhen\tcameo\tactor\trecipient\tof\n"


def test_the_builtin_tables_load() -> None:
    words = knowledge.load_words()
    assert "hold" in words.light_verbs and words.locative_preps[0] == "in"
    aux = knowledge.load_auxiliaries()
    assert "will" in aux.future and "would" in aux.future_if_reported and "had" in aux.past_tense
    assert aux.commits <= aux.future_tense
    codes = knowledge.load_codes(load_ontology())
    assert codes.repression == "175" and "18" in codes.violent_roots
    assert {"GOV", "COP"} <= codes.authority_sectors and "JRN" in codes.media_sectors
    assert knowledge.load_confidence().base > 0
    assert ("ministry", "GOV") in knowledge.load_org_name_sectors()


def test_the_lexicon_carries_the_tables() -> None:
    lex = load_lexicon()
    assert lex.words is knowledge.load_words() and lex.codes.accusation == "112"


def _patched(monkeypatch: pytest.MonkeyPatch, name: str, text: str) -> None:
    real = builtin_text

    def fake(*parts: str) -> str:
        return text if parts[-1] == name else real(*parts)

    monkeypatch.setattr(knowledge, "builtin_text", fake)


def test_an_unknown_word_set_names_its_line(monkeypatch: pytest.MonkeyPatch) -> None:
    text = builtin_text("lexicon", "words.tsv") + "ligth_verbs\thold|have\n"
    _patched(monkeypatch, "words.tsv", text)
    n = len(text.splitlines())
    with pytest.raises(DictionaryError, match=rf"words.tsv:{n}: unknown name 'ligth_verbs'"):
        knowledge.load_words.__wrapped__()


def test_a_missing_word_set_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n".join(
        ln for ln in builtin_text("lexicon", "words.tsv").splitlines() if not ln.startswith("harm_")
    )
    _patched(monkeypatch, "words.tsv", text)
    with pytest.raises(DictionaryError, match=r"words\.tsv: missing harm_verbs"):
        knowledge.load_words.__wrapped__()


def test_an_unknown_code_names_its_line(monkeypatch: pytest.MonkeyPatch) -> None:
    text = builtin_text("lexicon", "codes.tsv").replace("code\trepression\t175", "code\trepression\t1799")
    _patched(monkeypatch, "codes.tsv", text)
    with pytest.raises(DictionaryError, match=r"codes.tsv:\d+: '1799' is not a CAMEO code"):
        knowledge.load_codes(load_ontology())


def test_a_bad_auxiliary_row_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    text = builtin_text("lexicon", "auxiliaries.tsv") + "gonna\tsoon\tfuture\tno\n"
    _patched(monkeypatch, "auxiliaries.tsv", text)
    with pytest.raises(DictionaryError, match=r"auxiliaries.tsv:\d+: modality must be one of"):
        knowledge.load_auxiliaries.__wrapped__()


def test_a_non_numeric_weight_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    text = builtin_text("lexicon", "confidence.tsv").replace("base\t0.45", "base\thigh")
    _patched(monkeypatch, "confidence.tsv", text)
    with pytest.raises(DictionaryError, match=r"confidence.tsv:\d+: 'high' is not a number"):
        knowledge.load_confidence.__wrapped__()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("sanction\tV\t\t163\tsubj\tdobjj\t", r"extra.tsv:2: recipient: unknown slot step 'dobjj'"),
        ("sanction\tV\t\t163\tsubj.prep:\t\t", r"extra.tsv:2: actor: unknown slot step 'prep:'"),
        ("sanction\tV\tpass\t163\t\t\t", r"extra.tsv:2: unknown constraint 'pass'"),
        ("sanction\tV\tobjj=aid\t163\t\t\t", r"extra.tsv:2: unknown constraint 'objj'"),
        ("sanction\tV\t\t1999\t\t\t", r"extra.tsv:2: '1999' is not a CAMEO code"),
        ("sanction\tN\t\t163\t\t\tx", r"extra.tsv:2: of must be a \(actor\) or r \(recipient\)"),
    ],
)
def test_a_wrong_trigger_row_fails_loudly(tmp_path: Path, row: str, message: str) -> None:
    extra = tmp_path / "extra.tsv"
    extra.write_text(HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match=message):
        load_lexicon.__wrapped__((extra,))


def test_slot_paths_through_phrases_are_accepted(tmp_path: Path) -> None:
    extra = tmp_path / "extra.tsv"
    extra.write_text(HEADER + "sanction\tV\t\t163\tsubj\tobj.prep:of|dative|loc\t\n", encoding="utf-8")
    lex = load_lexicon.__wrapped__((extra,))
    assert lex.rules("sanction", "V")[0].recipient == ("obj.prep:of", "dative", "loc")
