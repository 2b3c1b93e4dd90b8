"""The gate's tooling (tools/gate.py, not part of the installed package): tolerance, checks and pinning,
on tiny gold files written by hand (the helpers of test_evaluate)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tools import gate as gate_mod
from tools.gate import GateError

from eventwire.evaluate import CodingCache, evaluate
from eventwire.evaluate.metrics import Figure
from test_evaluate import S1, S2, S3, FakeCoder, event, plover_file


def test_gate_tolerance_check_and_pinning(tmp_path: Path) -> None:
    path = plover_file(tmp_path)
    good = FakeCoder(
        {
            S1: [event(S1, "agreed", "AGREE", "030")],
            S2: [event(S2, "arrested", "REQUEST", "100", quad=3)],
            S3: [event(S3, "praised", "ASSAULT", "190", quad=4)],
        }
    )
    bad = FakeCoder({S1: [event(S1, "agreed", "AGREE", "030")]})
    base = tmp_path / "baseline.json"
    r_good = evaluate(path, coder=good)
    assert gate_mod.update_baseline([r_good], base)
    pinned = json.loads(base.read_text(encoding="utf-8"))
    entry = pinned["sets"][gate_mod.gold_key(path)]
    assert entry["sha256"] == r_good.sha256 and entry["figures"]["event_type_accuracy"]["n"] == 3
    assert gate_mod.check([r_good], gate_mod.load_baseline(base)).ok
    r_bad = evaluate(path, coder=bad)
    rep = gate_mod.check([r_bad], gate_mod.load_baseline(base))
    assert not rep.ok and any("event_type_accuracy" in f for f in rep.failures)
    with pytest.raises(GateError, match="allow-lower"):
        gate_mod.update_baseline([r_bad], base)
    with pytest.raises(GateError, match="reason"):
        gate_mod.update_baseline([r_bad], base, allow_lower=True)
    gate_mod.update_baseline([r_bad], base, allow_lower=True, reason="test: coder removed")
    hist = json.loads(base.read_text(encoding="utf-8"))["history"]
    assert hist[-1]["reason"] == "test: coder removed"
    # a changed gold file fails until re-pinned
    path.write_text(path.read_text(encoding="utf-8").replace("Monday", "Tuesday"), encoding="utf-8")
    changed = evaluate(path, coder=bad)
    assert any(
        "gold file changed" in f for f in gate_mod.check([changed], gate_mod.load_baseline(base)).failures
    )


def test_update_keeps_a_pin_that_dropped_within_noise(tmp_path: Path) -> None:
    path = plover_file(tmp_path)
    base = tmp_path / "baseline.json"
    r = evaluate(path, coder=FakeCoder({S1: [event(S1, "agreed", "AGREE", "030")]}))
    gate_mod.update_baseline([r], base)
    pinned = r.figures["event_type_accuracy"]
    assert pinned.value is not None
    r.figures["event_type_accuracy"] = Figure(pinned.value - 0.001, pinned.n)
    changes = gate_mod.update_baseline([r], base)  # no flag needed: the pin is kept
    assert any("kept at" in c for c in changes)
    entry = json.loads(base.read_text(encoding="utf-8"))["sets"][gate_mod.gold_key(path)]
    assert entry["figures"]["event_type_accuracy"]["value"] == round(pinned.value, 6)


def test_tolerance_is_one_record_or_half_a_point() -> None:
    assert gate_mod.tolerance(78) == pytest.approx(1 / 78, abs=1e-5)
    assert gate_mod.tolerance(1000) == pytest.approx(0.005, abs=1e-5)
    assert gate_mod.tolerance(0) == pytest.approx(0.005, abs=1e-5)


def test_command_line_pins_and_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gold = tmp_path / "gold"
    (gold / "plover_gsr").mkdir(parents=True)
    plover_file(tmp_path).rename(gold / "plover_gsr" / "PLOVER_GSR_CAMEO.txt")
    fake = FakeCoder({S2: [event(S2, "arrested", "REQUEST", "100", quad=3)]})
    monkeypatch.setattr(CodingCache, "coder", lambda self, config: fake)
    base = tmp_path / "b.json"
    args = ["--gold", str(gold), "--baseline", str(base)]
    res = CliRunner().invoke(gate_mod.main, [*args, "pin"])
    assert res.exit_code == 0, res.output
    assert json.loads(base.read_text(encoding="utf-8"))["sets"]
    res = CliRunner().invoke(gate_mod.main, [*args, "check"])
    assert res.exit_code == 0 and "gate passed" in res.output
    fake.events.clear()
    res = CliRunner().invoke(gate_mod.main, [*args, "check"])
    assert res.exit_code == 1 and "failed the gate" in res.output
    res = CliRunner().invoke(gate_mod.main, [*args, "pin"])
    assert res.exit_code == 1 and "allow-lower" in res.output


def test_the_installed_cli_has_no_gate_defaults() -> None:
    """The gate's pins are repository tooling: the installed `eventwire evaluate` knows nothing of them."""
    from eventwire.cli import main

    res = CliRunner().invoke(main, ["evaluate", "--help"])
    assert res.exit_code == 0
    assert "baseline" not in res.output and "tests/gate" not in res.output
