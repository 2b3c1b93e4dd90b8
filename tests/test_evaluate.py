"""Gold readers, matching and metrics of ``eventwire evaluate``, on tiny gold files written here by hand.

No sentence here comes from the gold sets in ../shared: the formats are reproduced with our own text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from eventwire.config import Config
from eventwire.errors import GoldFormatError
from eventwire.evaluate import CodingCache, evaluate
from eventwire.evaluate.metrics import NONE_LABEL, PRF, confusion, macro_f1, per_label_f1, prf
from eventwire.evaluate.readers import (
    detect_format,
    parse_markup,
    read_bio,
    read_gold,
    read_petrarch,
    read_plover,
    split_actor_code,
)
from eventwire.evaluate.report import build_blocks, error_classes, render_markdown, write_report
from eventwire.evaluate.scoring import main_event, match_event, our_triples
from eventwire.types import Actor, Article, Event

# ----------------------------------------------------------------------------------------- helpers


def actor(
    text: str, sentence: str, code: str, country: str | None = None, sector: str | None = None
) -> Actor:
    start = sentence.index(text)
    return Actor(
        text=text, start=start, end=start + len(text), country=country or code[:3], sector=sector, code=code
    )


def event(
    sentence: str,
    trigger: str,
    plover: str,
    cameo: str,
    *,
    actors: tuple[Actor, ...] = (),
    recipients: tuple[Actor, ...] = (),
    confidence: float = 0.8,
    modality: str = "asserted",
    quad: int = 1,
    rule: str = "rule:test",
) -> Event:
    s = sentence.index(trigger)
    return Event(
        doc_id="d",
        event_id=f"e-{trigger}-{cameo}",
        sentence_index=0,
        sentence=sentence,
        event=plover,
        cameo=cameo,
        cameo_root=cameo[:2],
        quad_class=quad,
        goldstein=0.0,
        modality=modality,
        actor=actors,
        recipient=recipients,
        event_text=trigger,
        event_start=s,
        event_end=s + len(trigger),
        confidence=confidence,
        coder=(rule,),
    )


class FakeCoder:
    """Returns the events given for each text (none for unknown texts); records what it was asked."""

    def __init__(self, events: dict[str, list[Event]]) -> None:
        self.events = events
        self.seen: list[Article] = []

    def code_articles(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[Event]]]:
        for a in articles:
            self.seen.append(a)
            yield a, self.events.get(a.text, [])


S1 = "Ruritania and Freedonia agreed to share water data on Monday."
S2 = "Freedonian police arrested three Ruritanian traders, officials said."
S3 = "Ruritania's minister praised the Freedonian plan while critics protested."


def plover_file(tmp_path: Path) -> Path:
    recs = [
        {"id": "DOC", "event": "DOCUMENT", "eventText": "header"},
        {
            "id": "G-1",
            "event": "AGREE",
            "eventText": "agreed share",
            "text": S1,
            "source": [{"actorText": "Ruritania", "code": "RUR"}, {"actorText": "Freedonia", "code": "FRE"}],
            "target": "",
            "textInfo": {
                "markup": "(SRC/TAR: Ruritania) and (SRC/TAR: Freedonia) (EVT: agreed) to "
                "(EVT: share) water data on Monday."
            },
        },
        {
            "id": "G-2",
            "event": "DEMAND",
            "eventText": "arrested",
            "text": "{" + S2 + "}",
            "source": [{"actorText": "Freedonian police", "code": "FRE", "sector": "COPxyz"}],
            "target": [{"actorText": "Ruritanian traders", "code": "JAP", "sector": "BUS"}],
            "textInfo": "(SRC: Freedonian police) (EVT: arrested} three (TAR: Ruritanian traders), "
            "officials said.",
        },
        {
            "id": "G-3",
            "event": "FIGHT",
            "eventText": "praised",
            "text": S3,
            "source": [{"actorText": "Ruritania's minister", "code": "RUR", "sector": "***"}],
            "target": [{"actorText": "Freedonian", "code": "FRE", "sector": "GOV"}],
            "textInfo": {
                "markup": "(SRC: Ruritania's minister) (EVT: praised) the (TAR: Freedonian) plan "
                "while critics protested."
            },
        },
    ]
    p = tmp_path / "plover.txt"
    p.write_text(json.dumps(recs), encoding="utf-8")
    return p


# ----------------------------------------------------------------------------------------- readers


def test_parse_markup_nested_and_brace_closed() -> None:
    plain, spans = parse_markup("The (SRC: Front (RF)) (EVT: has sent} aid (LOC: to (TAR: Zenda)) today.")
    assert plain == "The Front (RF) has sent aid to Zenda today."
    got = {(tag, plain[s:e]) for tag, s, e in spans}
    assert got == {("SRC", "Front (RF)"), ("EVT", "has sent"), ("LOC", "to Zenda"), ("TAR", "Zenda")}


def test_read_plover_relabels_normalises_and_maps_spans(tmp_path: Path) -> None:
    g = read_plover(plover_file(tmp_path))
    assert [r.id for r in g.records] == ["G-1", "G-2", "G-3"]
    r1, r2, r3 = g.records
    assert [r1.text[s:e] for s, e in r1.events[0].spans] == ["agreed", "share"]
    assert r1.events[0].reciprocal and r1.events[0].target == ()
    assert r2.text == S2  # braces removed
    assert r2.events[0].plover == "REQUEST" and r2.events[0].raw_label == "DEMAND"
    assert r3.events[0].plover == "ASSAULT"
    assert [r2.text[s:e] for s, e in r2.events[0].spans] == ["arrested"]
    assert r2.events[0].source[0].sector == "COP"
    assert r2.events[0].target[0].country == "JPN"  # documented gold-code fix
    assert r3.events[0].source[0].sector == "***"
    assert g.notes["relabelled DEMAND -> REQUEST (PLOVER 0.8)"] == 1
    assert g.notes["DOCUMENT header record (not an event)"] == 1
    assert g.notes["gold country code JAP read as JPN"] == 1


PETR_XML = """<?xml version='1.0' encoding='utf-8'?>
<Validation>
##### a banner outside any comment, as in the real files #####
<Environment>
    <Actorfile>toy.actors.txt</Actorfile>
    <Agentfile>toy.agents.txt</Agentfile>
    <Include>valid DEMO COMPOUND ERROR</Include>
</Environment>
<Sentences>
<Sentence category="DEMO" date="19950102" id="D-1" evaluate="true"/>
<EventCoding eventcode="042" sourcecode="RURGOV" targetcode="FRE" />
<Text>
Ruritania's president visited
Freedonia.
</Text>
</Sentence>
<Sentence date = "19950103" id ="D-2" category="COMPOUND" sentence="true">
<!-- <Sentence id="HIDDEN" category="DEMO"> inside a comment is not a record -->
<EventCoding sourcecode="RUR" targetcode="FRE" eventcode="903"></EventCoding>
<EventCoding sourcecode="ZEN" targetcode="FRE" eventcode="903"></EventCoding>
<Text>Ruritania and Zenda waved at Freedonia.</Text>
</Sentence>
<Sentence date="19950104" id="D-3" category="DEMO" evaluate="true">
<EventCoding noevents = "True"></EventCoding>
<Text>The weather was fine.</Text>
</Sentence>
<Sentence date="19950104" id="D-4" category="ERROR">
<EventCoding error="storydiscard"></EventCoding>
<Text>Ruritania played golf with Freedonia.</Text>
</Sentence>
<Sentence date="19950104" id="D-5" category="DEMO" evaluate="false">
<EventCoding eventcode="042" sourcecode="RUR" targetcode="FRE" />
<Text>Ruritania visited Freedonia.</Text>
</Sentence>
<Sentence date="19950104" id="D-6" category="PARSING">
<EventCoding eventcode="042" sourcecode="RUR" targetcode="FRE" />
<Text>Ruritania visited Freedonia again.</Text>
</Sentence>
<Sentence date="19950104" id="D-7" category="DEMO">
<Config option="require_dyad" value="false"></Config>
<EventCoding eventcode="042" sourcecode="RUR" targetcode="---" />
<Text>Ruritania went visiting.</Text>
</Sentence>
</Sentences>
</Validation>
"""


def test_read_petrarch_tolerant_and_modes(tmp_path: Path) -> None:
    p = tmp_path / "val.xml"
    p.write_text(PETR_XML, encoding="utf-8")
    g = read_petrarch(p)
    assert g.mode == "accuracy" and g.actor_files == ()  # toy dictionaries absent: accuracy on news
    by_id = {r.id: r for r in g.records}
    assert list(by_id) == ["D-1", "D-2", "D-3", "D-4", "D-5", "D-6", "D-7"]
    d1 = by_id["D-1"]
    assert d1.text == "Ruritania's president visited Freedonia."
    assert d1.date is not None and d1.date.isoformat() == "1995-01-02"
    assert d1.events[0].cameo == "042" and d1.events[0].source[0].sector == "GOV"
    assert len(by_id["D-2"].events) == 2
    assert by_id["D-3"].no_event and by_id["D-3"].skip_reason is None
    assert by_id["D-4"].no_event  # a discard test expects no event
    assert "evaluate" in (by_id["D-5"].skip_reason or "")
    assert "Include" in (by_id["D-6"].skip_reason or "")
    assert "option" in (by_id["D-7"].skip_reason or "")
    (tmp_path / "toy.actors.txt").write_text("RURITANIA [RUR]\n", encoding="utf-8")
    (tmp_path / "toy.agents.txt").write_text("PRESIDENT [~GOV]\n", encoding="utf-8")
    g2 = read_petrarch(p)
    assert g2.mode == "mechanics" and [f.name for f in g2.actor_files] == ["toy.actors.txt"]


def test_split_actor_code() -> None:
    assert split_actor_code("IRQGOVMIL") == ("IRQ", "GOV")
    assert split_actor_code("IGOUNOMIL") == ("IGO", "MIL")
    assert split_actor_code("PSEGZA") == ("PSE", None)
    assert split_actor_code("---REB") == (None, "REB")


def test_pentaclass_and_bio_alignment(tmp_path: Path) -> None:
    (tmp_path / "pentaclass_test.tsv").write_bytes(f"{S1}\t1\r\n{S2}\t4\r\n".encode())
    bio = "Ruritania B-R\nand I-R\nFreedonia I-R\nagreed O\n\nFreedonian B-S\npolice I-S\narrested O\n"
    bio += "three B-T\nRuritanian I-T\ntraders I-T\n, O\nofficials O\nsaid O\n. O\n"
    (tmp_path / "actor_spans_test.bio").write_text(bio, encoding="utf-8")
    g = read_gold(tmp_path / "pentaclass_test.tsv")
    assert [r.label for r in g.records] == [1, 4]
    b = read_bio(tmp_path / "actor_spans_test.bio")
    assert b.records[1].text == S2  # the untokenised sentence from the companion file
    tok = b.records[1].tokens[4]
    assert (tok.text, S2[tok.start : tok.end], tok.tag) == ("Ruritanian", "Ruritanian", "T")
    (tmp_path / "pentaclass_test.tsv").unlink()
    assert read_bio(tmp_path / "actor_spans_test.bio").records[0].text == "Ruritania and Freedonia agreed"


def test_bad_gold_files_raise(tmp_path: Path) -> None:
    bad = tmp_path / "x.tsv"
    bad.write_text("no label here\n", encoding="utf-8")
    with pytest.raises(GoldFormatError, match="class 0-4"):
        read_gold(bad)
    odd = tmp_path / "x.dat"
    odd.write_text("hello", encoding="utf-8")
    with pytest.raises(GoldFormatError, match="--gold-format"):
        detect_format(odd)
    with pytest.raises(GoldFormatError, match="not found"):
        read_gold(tmp_path / "missing.txt")


# ----------------------------------------------------------------------------------------- metrics


def test_prf_and_macro_f1() -> None:
    assert prf(0, 0, 0) == (None, None, None)
    assert prf(0, 0, 3) == (None, 0.0, 0.0)
    p, r, f = prf(2, 1, 1)
    assert (round(p or 0, 3), round(r or 0, 3), round(f or 0, 3)) == (0.667, 0.667, 0.667)
    acc = PRF()
    assert acc.add(["A", "A", "B"], ["A", "C"]) == (1, 1, 2)
    pairs = [("A", "A"), ("A", NONE_LABEL), ("B", "A"), ("B", "B")]
    f1s = per_label_f1(pairs)
    assert set(f1s) == {"A", "B"}  # "no event" is never a label
    assert macro_f1(pairs) == pytest.approx((0.5 + 2 / 3) / 2)
    assert confusion(pairs)["A"] == {"A": 1, NONE_LABEL: 1}


def test_matching_never_uses_the_gold_label() -> None:
    wide = event(S1, "agreed to share", "COOPERATE", "060", confidence=0.5)
    narrow = event(S1, "agreed", "AGREE", "030", confidence=0.9)
    spans = [(S1.index("agreed to share"), S1.index("agreed to share") + len("agreed to share"))]
    ev, how = match_event([narrow, wide], spans)
    assert ev is wide and how == "trigger overlap"  # most overlap wins even though AGREE would be right
    ev, how = match_event([narrow, wide], [])
    assert ev is narrow and how == "main event"
    future = event(S1, "share", "AGREE", "030", confidence=0.99, modality="future")
    assert main_event([future, wide]) is wide  # asserted first
    assert main_event([future]) is future
    assert match_event([], [(0, 3)]) == (None, "no event")


def test_our_triples_expand_compounds_but_not_self_pairs() -> None:
    a = actor("Ruritania", S1, "RUR")
    b = actor("Freedonia", S1, "FRE")
    ev = event(S1, "agreed", "AGREE", "030", actors=(a, b), recipients=(a, b))
    pairs = {(s.code if s else None, t.code if t else None) for s, t, _ in our_triples([ev])}
    assert pairs == {("RUR", "FRE"), ("FRE", "RUR")}


# ---------------------------------------------------------------------------------- end-to-end scoring


def test_evaluate_plover_figures(tmp_path: Path) -> None:
    path = plover_file(tmp_path)
    police = actor("Freedonian police", S2, "FRECOP", sector="COP")
    traders = actor("Ruritanian traders", S2, "JPNBUS", country="JPN", sector="BUS")
    coder = FakeCoder(
        {
            S1: [
                event(
                    S1,
                    "agreed",
                    "AGREE",
                    "030",
                    actors=(actor("Ruritania", S1, "RUR"), actor("Freedonia", S1, "FRE")),
                )
            ],
            S2: [
                event(
                    S2,
                    "arrested",
                    "COERCE",
                    "173",
                    actors=(police,),
                    recipients=(traders,),
                    quad=4,
                    rule="lexicon:arrest",
                )
            ],
        }
    )
    r = evaluate(path, config=Config(), coder=coder)
    f = r.figures
    assert f["event_type_accuracy"].value == pytest.approx(1 / 3) and f["event_type_accuracy"].n == 3
    assert f["event_coverage"].value == pytest.approx(2 / 3)
    # source country: exact set match on records with a matched event and gold countries
    assert f["source_country_accuracy"].value == 1.0 and f["source_country_accuracy"].n == 2
    assert f["source_country_accuracy"].skipped["no event of ours in the sentence"] == 1
    # targets: G-1 is reciprocal (skipped), G-2 right, G-3 missed (no event)
    assert f["target_country_recall"].value == 0.5
    assert f["target_country_f1"].skipped["reciprocal (SRC/TAR) gold: no separate target"] == 1
    assert f["source_sector_f1"].skipped["gold sector is *** (unknown)"] == 1
    assert r.confusions["event_type"]["REQUEST"] == {"COERCE": 1}
    assert r.headline[0] == "event_type_accuracy" and r.bar("event_type_accuracy") == 0.75
    classes = {key: n for key, n, _ in error_classes(r)}
    assert classes == {
        "no event coded": 1,
        "event: gold REQUEST -> ours COERCE": 1,
    }


def test_evaluate_petrarch_news_and_mechanics(tmp_path: Path) -> None:
    p = tmp_path / "val.xml"
    p.write_text(PETR_XML, encoding="utf-8")
    s1 = "Ruritania's president visited Freedonia."
    s2 = "Ruritania and Zenda waved at Freedonia."
    pres = actor("Ruritania's president", s1, "RURGOV", sector="GOV")
    fre = actor("Freedonia", s1, "FRE")
    rur, zen, fre2 = actor("Ruritania", s2, "RUR"), actor("Zenda", s2, "ZEN"), actor("Freedonia", s2, "FRE")
    coder = FakeCoder(
        {
            s1: [event(s1, "visited", "CONSULT", "042", actors=(pres,), recipients=(fre,))],
            s2: [event(s2, "waved", "CONSULT", "040", actors=(rur, zen), recipients=(fre2,))],
            "The weather was fine.": [
                event(
                    "The weather was fine.",
                    "was",
                    "CONSULT",
                    "040",
                    actors=(actor("weather", "The weather was fine.", "RUR"),),
                    recipients=(actor("fine", "The weather was fine.", "FRE"),),
                )
            ],
        }
    )
    r = evaluate(p, coder=coder)
    assert r.kind == "petrarch/accuracy"
    f = r.figures
    # D-1 right root and code; D-2 gold 903 is not CAMEO: root "90" never matches ours
    assert f["cameo_root_accuracy"].value == 0.5 and f["cameo_code_accuracy"].value == 0.5
    # D-3 we coded (wrongly); D-4, a discard test, we left uncoded
    assert f["noevent_specificity"].value == 0.5 and f["noevent_specificity"].n == 2
    assert f["triple_country_root_recall"].value == pytest.approx(1 / 3)
    assert f["dyad_country_recall"].value == 1.0
    assert r.skipped['marked evaluate="false" in the gold'] == 1
    # the same file with its toy dictionaries next to it is a mechanics check
    (tmp_path / "toy.actors.txt").write_text("RURITANIA [RUR]\n", encoding="utf-8")
    (tmp_path / "toy.agents.txt").write_text("PRESIDENT [~GOV]\n", encoding="utf-8")
    m = evaluate(p, coder=coder)
    assert m.kind == "petrarch/mechanics"
    assert m.figures["pass_rate_exact"].value == pytest.approx(2 / 3)  # D-1, D-4 pass; D-3 fails
    assert m.figures["pass_rate_exact_toy_codes"].n == 1  # D-2 needs the toy code 903
    assert m.figures["pass_rate_dyad_toy_codes"].value == 1.0
    assert m.dictionaries == ("toy.actors.txt", "toy.agents.txt")


def test_evaluate_pentaclass_and_bio_share_coding(tmp_path: Path) -> None:
    (tmp_path / "pentaclass_test.tsv").write_text(f"{S1}\t1\n{S2}\t4\n{S3}\t1\n", encoding="utf-8")
    bio = "".join(
        "\n".join(f"{t} {g}" for t, g in sent) + "\n\n"
        for sent in (
            [
                ("Ruritania", "B-R"),
                ("and", "I-R"),
                ("Freedonia", "I-R"),
                ("agreed", "O"),
                ("to", "O"),
                ("share", "O"),
                ("water", "O"),
                ("data", "O"),
                ("on", "O"),
                ("Monday", "O"),
                (".", "O"),
            ],
            [
                ("Freedonian", "B-S"),
                ("police", "I-S"),
                ("arrested", "O"),
                ("three", "B-T"),
                ("Ruritanian", "I-T"),
                ("traders", "I-T"),
                (",", "O"),
                ("officials", "O"),
                ("said", "O"),
                (".", "O"),
            ],
            [(w, "O") for w in S3.rstrip(".").split()] + [(".", "O")],
        )
    )
    (tmp_path / "actor_spans_test.bio").write_text(bio, encoding="utf-8")
    a, b = actor("Ruritania", S1, "RUR"), actor("Freedonia", S1, "FRE")
    police, traders = actor("Freedonian police", S2, "FRECOP"), actor("Ruritanian traders", S2, "RURBUS")
    coder = FakeCoder(
        {
            S1: [event(S1, "agreed", "AGREE", "030", actors=(a, b), recipients=(a, b))],
            S2: [event(S2, "arrested", "COERCE", "173", actors=(police,), recipients=(traders,), quad=4)],
        }
    )
    cache = CodingCache()
    r = evaluate(tmp_path / "pentaclass_test.tsv", coder=coder, cache=cache)
    assert r.figures["pentaclass_accuracy"].value == pytest.approx(2 / 3)
    assert r.confusions["pentaclass"]["1"] == {"1": 1, NONE_LABEL: 1}
    bres = evaluate(tmp_path / "actor_spans_test.bio", coder=coder, cache=cache)
    assert len(coder.seen) == 3  # the BIO sentences were coded once, for the pentaclass file
    # "and" (gold R) and "three" (gold T) are in none of our spans: 8 of 11 role-tokens found
    f = bres.figures
    assert f["actor_span_token_precision"].value == 1.0
    assert f["actor_span_token_recall"].value == pytest.approx(8 / 11)
    assert f["actor_span_token_R_recall"].value == pytest.approx(2 / 3)


def test_report_markdown_and_html(tmp_path: Path) -> None:
    path = plover_file(tmp_path)
    coder = FakeCoder({S2: [event(S2, "arrested", "COERCE", "173", quad=4, rule="lexicon:<arrest>")]})
    r = evaluate(path, coder=coder)
    md = render_markdown(build_blocks([r]))
    assert "G-2" in md and "lexicon:<arrest>" in md and "Confusion matrix" in md
    out = write_report([r], tmp_path / "rep.html")
    text = out.read_text(encoding="utf-8")
    assert "lexicon:&lt;arrest&gt;" in text and "<table>" in text


def test_cli_evaluate_json_and_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from eventwire.cli import main

    path = plover_file(tmp_path)
    fake = FakeCoder({S2: [event(S2, "arrested", "REQUEST", "100", quad=3)]})
    monkeypatch.setattr(CodingCache, "coder", lambda self, config: fake)
    res = CliRunner().invoke(
        main,
        [
            "evaluate",
            str(path),
            "--json",
            "--report",
            str(tmp_path / "r.md"),
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data[0]["figures"]["event_type_accuracy"]["value"] == pytest.approx(1 / 3)
    assert (tmp_path / "r.md").is_file()
