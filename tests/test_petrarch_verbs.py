"""Reading PETRARCH verb dictionaries: toy dictionaries written here, then the shared PETRARCH test files."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.config import Config
from eventwire.errors import DictionaryError
from eventwire.evaluate import evaluate
from eventwire.evaluate.readers import read_petrarch
from eventwire.events.lexicon import Constraint, TriggerRule, iter_codes, load_lexicon
from eventwire.events.petrarch_verbs import (
    PETRARCH_TARGETS,
    import_verbs,
    is_petrarch_verbs,
    lemma_candidates,
    noun_forms,
    parse_code,
    parse_petrarch_verbs,
    rules_tsv,
)
from eventwire.ontology import load_ontology
from eventwire.pipeline import Coder
from eventwire.types import Actor, Article, Event

TOY_VERBS = """\
<!-- A verb dictionary in PETRARCH format, written for these tests.
     Comments may span lines. -->
# a hash comment line
&GRAIN
+WHEAT
+BARLEY
+RYE_              # no plural for this one
+SUGAR_BEETS

&CROPS
+&GRAIN
+OATS

--- PRAISE  [051] ---
PRAISE
COMMEND  [052]     # a verb with its own code
LAUD {LAUDS LAUDED LAUDING}
- * &GRAIN HARVEST  [916]
- * WITH_+  [053]
- HEARTILY *  [054]
- * NOT  [055]
- * HARVEST  [057]

--- SHIP  [070:071] ---
SHIP
+CARRY_OFF {+CARRIED_OFF +CARRIES_OFF +CARRYING_OFF}
WIRE_+TRANSFER [071]
- + * FROM $  [074]
- * ARMS  [---]
- * (TO {FOOD AID})  [1727]
- * CARGO  [def]
- * (OF DUTIES)  [081]
- * SHIPMENT (OF &GRAIN)  [075]

--- QUARREL  [---] ---
QUARREL
- % *  [111:111]
- * (OVER {WATER RIGHTS})  [112]
- * &CROPS  [113]
- * &UNDEFINED  [114]

--- URGE [025] ---
URGE

--- SAID  [010]  ---
SAID
"""


def toy_file(tmp_path: Path, text: str = TOY_VERBS, name: str = "toy.verbs.txt") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def rules_of(rules: Iterable[TriggerRule], lemma: str) -> list[TriggerRule]:
    return [r for r in rules if r.lemma == lemma]


def kinds(rule: TriggerRule) -> dict[str, Constraint]:
    return {c.kind + (":" + c.key if c.key else ""): c for c in rule.constraints}


# ------------------------------------------------------------------------------------------ reading


def test_parse_blocks_synsets_codes_and_warnings() -> None:
    d = parse_petrarch_verbs(TOY_VERBS, "toy.verbs.txt")
    assert [b.name for b in d.blocks] == ["PRAISE", "SHIP", "QUARREL", "URGE", "SAID"]
    assert d.synsets["&GRAIN"] == ["WHEAT", "BARLEY", "RYE_", "SUGAR_BEETS"]
    praise = d.blocks[0]
    assert [v.word for v in praise.verbs] == ["PRAISE", "COMMEND", "LAUD"]
    assert praise.verbs[1].code is not None and praise.verbs[1].code.code == "052"
    assert len(praise.patterns) == 5
    ship = d.blocks[1]
    assert ship.code.code == "070" and ship.code.reverse == "071"
    carry = ship.verbs[1]
    assert carry.lemmas[0] == "carry" and carry.particles == ("off",)
    assert len(ship.verbs) == 2  # WIRE_+TRANSFER has a word before the verb: skipped with a warning
    warnings = "\n".join(d.report.warnings)
    assert "toy.verbs.txt:27" in warnings and "words before the verb" in warnings
    assert "[def] read as no event" in warnings


def test_codes_and_lemmas() -> None:
    assert parse_code("032:033").reverse == "033"
    assert parse_code("---").code is None
    assert parse_code(" 174K ").code == "174K"
    with pytest.raises(ValueError):
        parse_code("xxy")
    assert "say" in lemma_candidates("SAID") and "kill" in lemma_candidates("KILLED")
    assert "urge" in lemma_candidates("URGING") and "fear" in lemma_candidates("FEARS")
    assert "deny" in lemma_candidates("DENIED") and "repel" in lemma_candidates("REPELLED")
    assert lemma_candidates("AGREED") == ("agreed",)  # -eed words are not guessed at ("seed" is no "see")
    assert noun_forms("ECONOMIC SANCTIONS") == {"economic sanctions", "economic sanction"}
    assert noun_forms("RYE_") == {"rye"}


def test_sniffing_and_unreadable_files() -> None:
    assert is_petrarch_verbs(TOY_VERBS)
    assert not is_petrarch_verbs("# comment\nlemma\tpos\twhen\tcameo\nvisit\tV\t\t042\n")
    assert not is_petrarch_verbs("FREEDONIA [FRD]\n+FREEDONIAN\nNOBODY [---]\n")
    with pytest.raises(DictionaryError, match="no verb could be read"):
        parse_petrarch_verbs("--- EMPTY [010] ---\n- * THING [011]\n", "empty.txt")


# -------------------------------------------------------------------------------------- translation


def test_patterns_become_constrained_rows_most_specific_first() -> None:
    imp = import_verbs(TOY_VERBS, "toy.verbs.txt")
    praise = rules_of(imp.rules, "praise")
    assert praise[0].cameo == "916"  # object and modifier: two constraints, tried first
    assert praise[-1].cameo == "051" and praise[-1].constraints == ()  # the verb's own code comes last
    first = kinds(praise[0])
    assert first["obj"].values == {"harvest", "harvests"}
    assert first["mod"].values == {"wheat", "barley", "rye", "sugar beets"}
    with_row = next(r for r in praise if r.cameo == "053")
    assert kinds(with_row)["prep"].values == {"with"} and with_row.recipient == ("prep:with",)
    assert rules_of(imp.rules, "commend")[-1].cameo == "052"
    assert rules_of(imp.rules, "laud")[-1].cameo == "051"
    assert imp.skipped["words before the verb (auxiliaries, adverbs, governing verbs, subjects)"] == 1
    assert imp.skipped["negation after the verb"] == 1
    assert imp.skipped["synset &UNDEFINED is not defined"] == 1
    # a pattern with no "+" finds its target where PETRARCH would: object, then prepositional phrases
    assert praise[-1].recipient == PETRARCH_TARGETS


def test_markers_pairs_compounds_particles_and_null_codes() -> None:
    imp = import_verbs(TOY_VERBS, "toy.verbs.txt")
    ship = rules_of(imp.rules, "ship")
    freed = next(r for r in ship if r.cameo == "074")
    assert freed.actor == ("prep:from",) and freed.recipient == ("dobj", "subj")
    assert ship[-1].cameo == "070" and ship[-1].reverse == "071"
    assert any(r.cameo is None and "arms" in kinds(r)["obj"].values for r in ship)
    of_pp = next(r for r in ship if r.cameo == "081")  # an of-phrase right after the verb is the verb's
    assert kinds(of_pp)["prep"].values == {"of"} and kinds(of_pp)["pobj:of"].values == {"duty", "duties"}
    folded = next(r for r in ship if r.cameo == "075")  # an of-phrase after the object is the object's
    assert [c.kind for c in folded.constraints] == ["obj"] and "shipment of wheat" in folded.constraints[
        0
    ].values
    food = next(r for r in ship if r.cameo == "1727")
    assert kinds(food)["pobj:to"].values == {"food aid", "food aids"}
    carry = rules_of(imp.rules, "carry")
    assert {tuple(c.kind for c in r.constraints) for r in carry if r.cameo == "070"} == {("prt",), ("prep",)}
    quarrel = rules_of(imp.rules, "quarrel")
    assert quarrel[-1].reciprocal and quarrel[-1].cameo == "111" and quarrel[-1].reverse == "111"
    crops = next(r for r in quarrel if r.cameo == "113")
    cls = kinds(crops)["obj"].classes[0]
    assert imp.classes[cls] >= {"wheat", "wheats", "oats", "rye", "sugar beets", "sugar beet"}
    assert "said" in imp.lemmas and "say" in imp.lemmas


# ----------------------------------------------------------------------------------------- lexicon


def test_load_lexicon_shadows_builtin_verbs_and_carries_toy_codes(tmp_path: Path) -> None:
    base = load_lexicon()
    onto = load_ontology()
    assert all(onto.is_valid(c) for c in iter_codes(base))  # normal output: CAMEO codes only
    assert base.governor("urge", "V") and base.rules("praise", "V")
    lex = load_lexicon((toy_file(tmp_path),))
    assert all(r.source.startswith("toy.verbs.txt:") for r in lex.rules("praise", "V"))
    assert not any(g.cls == "APPEAL" for g in lex.governor("urge", "V"))  # the file says what URGE codes
    assert any(g.cls == "SPEECH" for g in lex.governor("say", "V"))  # attribution stays
    assert lex.rules("attack", "N") == base.rules("attack", "N")  # nouns are untouched
    toy = lex.ontology.cameo("916")
    assert toy.plover_event == "" and toy.quad_class == 0 and toy.goldstein == 0.0 and toy.root == "91"
    sub = lex.ontology.cameo("1727")  # longest CAMEO prefix 172
    assert sub.quad_class == 4 and sub.goldstein == onto.cameo("172").goldstein
    assert not onto.is_valid("916")  # the built-in ontology is never changed
    assert any("not translated" in w for w in lex.warnings)


def test_tsv_export_round_trip(tmp_path: Path) -> None:
    imp = import_verbs(TOY_VERBS, "toy.verbs.txt")
    text, written, commented = rules_tsv(imp, load_ontology(), "made by a test")
    assert written + commented == len(imp.rules)
    assert text.startswith("# made by a test\nlemma\tpos\twhen\tcameo")
    assert commented == sum(1 for r in imp.rules if r.cameo in ("916", "1727"))
    assert "# not a CAMEO code (916)" in text
    out = tmp_path / "mine.tsv"
    out.write_text(text, encoding="utf-8")
    lex = load_lexicon((out,))
    rows = [r for r in lex.rules("praise", "V") if r.source.startswith("mine.tsv:")]
    assert rows and rows[0].cameo == "053"  # 916 is commented out; synset values were written inline
    quarrel = [r for r in lex.rules("quarrel", "V") if r.source.startswith("mine.tsv:")]
    assert any(r.reciprocal and r.reverse == "111" for r in quarrel)


def test_cli_dict_import_verbs(tmp_path: Path) -> None:
    out = tmp_path / "verbs.tsv"
    res = CliRunner().invoke(
        main, ["dict", "import", "--verbs", str(toy_file(tmp_path)), "-o", str(out), "--json"]
    )
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert summary["rows_written"] > 0 and summary["lemmas"] >= 7 and out.is_file()
    res = CliRunner().invoke(main, ["dict", "import", "--verbs", str(toy_file(tmp_path)), "-o", str(out)])
    assert res.exit_code == 0 and "patterns not translated" in res.output


def test_coder_uses_a_verb_dictionary(coder: Coder, tmp_path: Path) -> None:
    text = "France praised Germany's wheat harvest."
    plain = [e for _, evs in coder.code_articles([Article(id="a", text=text)]) for e in evs]
    assert plain and all(load_ontology().is_valid(e.cameo) for e in plain)
    toy = Coder(Config(lexicon_files=(toy_file(tmp_path),)))
    events = [e for _, evs in toy.code_articles([Article(id="a", text=text)]) for e in evs]
    ev = next(e for e in events if e.cameo == "916")
    assert [a.code for a in ev.actor] == ["FRA"] and [a.code for a in ev.recipient] == ["DEU"]
    assert ev.event is None and ev.quad_class == 0
    assert any(c.startswith("lexicon:toy.verbs.txt:") for c in ev.coder)


# ---------------------------------------------------------------------------------------- evaluation

MECH_XML = """<Validation>
<Environment>
    <Verbfile>toy.verbs.txt</Verbfile>
    <Actorfile>toy.actors.txt</Actorfile>
    <Include>DEMO</Include>
</Environment>
<Sentences>
<Sentence category="DEMO" date="19950102" id="M-1">
<EventCoding eventcode="916" sourcecode="FRA" targetcode="DEU" />
<Text>France praised Germany's wheat harvest.</Text>
</Sentence>
<Sentence category="DEMO" date="19950102" id="M-2">
<EventCoding noevents="True" />
<Text>France spoke.</Text>
</Sentence>
</Sentences>
</Validation>
"""


class FakeCoder:
    """Returns the events given for each text."""

    def __init__(self, events: dict[str, list[Event]]) -> None:
        self.events = events

    def code_articles(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[Event]]]:
        for a in articles:
            yield a, self.events.get(a.text, [])


CODES = {"France": "FRA", "Germany": "DEU"}


def _event(text: str, cameo: str, actor: str, recipient: str | None) -> Event:
    def mk(name: str) -> Actor:
        i = text.index(name)
        return Actor(text=name, start=i, end=i + len(name), country=CODES[name], code=CODES[name])

    return Event(
        doc_id="d", event_id=f"e{cameo}", sentence_index=0, sentence=text, event=None, cameo=cameo,
        cameo_root=cameo[:2], quad_class=0, goldstein=0.0, modality="asserted", actor=(mk(actor),),
        recipient=(mk(recipient),) if recipient else (), event_text=text[:5], event_start=0, event_end=5,
        confidence=0.8, coder=("rule:test",),
    )  # fmt: skip


def test_mechanics_set_runs_with_its_verb_dictionary(tmp_path: Path) -> None:
    p = tmp_path / "mech.xml"
    p.write_text(MECH_XML, encoding="utf-8")
    (tmp_path / "toy.actors.txt").write_text("FRANCE [FRA]\n", encoding="utf-8")
    assert read_petrarch(p).verb_files == ()  # named but absent: our lexicon codes the verbs
    assert "verb dictionary named in <Environment> is missing" in next(iter(read_petrarch(p).notes))
    toy_file(tmp_path)
    g = read_petrarch(p)
    assert g.mode == "mechanics" and [f.name for f in g.verb_files] == ["toy.verbs.txt"]
    s1, s2 = "France praised Germany's wheat harvest.", "France spoke."
    fake = FakeCoder({s1: [_event(s1, "916", "France", "Germany")], s2: [_event(s2, "010", "France", None)]})
    r = evaluate(p, coder=fake)
    assert r.dictionaries == ("toy.actors.txt", "toy.verbs.txt")
    # the toy code counts in the main pass rate; the one-sided event is not compared (require_dyad)
    assert r.figures["pass_rate_exact"].value == 1.0 and r.figures["pass_rate_exact"].n == 2
    assert r.figures["pass_rate_exact_toy_codes"].n == 1
    assert any("require_dyad" in k for k in r.notes)


# --------------------------------------------------------------------------------- the shared files


def test_shared_petrarch_verb_dictionaries(shared: Path) -> None:
    folder = shared / "gold" / "petrarch"
    ut = import_verbs((folder / "PETR.Validate.verbs.txt").read_text(encoding="utf-8"), "ut")
    assert ut.n_verbs > 250 and ut.n_patterns > 450 and len(ut.classes) >= 7
    assert rules_of(ut.rules, "abandon")[-1].cameo == "345"
    assert {"1717", "174K", "903", "212"} <= ut.codes
    assert rules_of(ut.rules, "arrive")[-1].reverse == "033"
    assert "military" in ut.classes["ut&TIETYPES"]
    assert "say" in ut.lemmas and "hold" in ut.lemmas  # SAID, HELD: KEDS-era inflected entries
    v2 = import_verbs((folder / "PETR_Validate_verbs_2_02.txt").read_text(encoding="utf-8"), "v2")
    assert v2.n_verbs > 100 and v2.n_patterns > 300
    assert {"ratify", "authorize", "allow"} <= v2.lemmas  # one block, many verbs
    assert rules_of(v2.rules, "meet")[-1].reverse == "040"
    cease = next(r for r in rules_of(v2.rules, "agree") if r.cameo == "0356")
    assert "v2&CEASEFIRE" in kinds(cease)["pobj:to"].classes
    for xml, verbs in (("PETR.UnitTest.records.xml", "PETR.Validate.verbs.txt"),
                       ("PETR_Validate_records_2_02.xml", "PETR_Validate_verbs_2_02.txt")):  # fmt: skip
        assert [f.name for f in read_petrarch(folder / xml).verb_files] == [verbs]
