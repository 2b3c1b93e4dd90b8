"""The accuracy gate: pinned figures (with the sha256 of each gold file) that CI must not fall below.

Repository tooling, not part of the installed package: ``tests/test_gate.py`` checks the pins in
``tests/gate/baseline.json`` on every ``make test``, and this module's command line maintains them::

    python -m tools.gate check                     # the same comparison, from the command line
    python -m tools.gate pin                       # raise the pins after an improvement (make pin)
    python -m tools.gate pin --allow-lower --reason "..."

A figure fails when it is below its pin by more than :func:`tolerance` (0.5 percentage points, or one
record's worth on small sets, whichever is larger). Raising pins is a normal commit; lowering any pin needs
``--allow-lower --reason "..."``, and the reason is kept in the baseline's ``history``. See
docs/evaluation.md.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from eventwire.config import Config
from eventwire.evaluate import CodingCache, EvaluationResult, evaluate, find_gold_files

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "tests" / "gate" / "baseline.json"
"""The repository's pins."""
GOLD = REPO.parent / "shared" / "gold"
"""The gold sets (``../shared/gold``, next to the repository)."""

MIN_TOLERANCE = 0.005
"""Half a percentage point: the smallest drop the gate tolerates."""

EPSILON = 1e-6
"""Pins are stored to six decimals; comparisons allow for that rounding."""

BASELINE_VERSION = 1


class GateError(Exception):
    """The gate refused: a figure fell below its pin, a gold file changed, or a pin would be lowered
    without ``--allow-lower`` and a reason."""


def tolerance(n: int) -> float:
    """How far below its pin a figure over ``n`` units may fall: one unit's worth, at least 0.5 pp."""
    return (max(MIN_TOLERANCE, 1.0 / n) if n > 0 else MIN_TOLERANCE) + EPSILON


def gold_key(path: Path | str) -> str:
    """How the baseline names a gold file: ``<folder>/<file>`` (``plover_gsr/PLOVER_GSR_CAMEO.txt``)."""
    p = Path(path)
    return f"{p.parent.name}/{p.name}"


def load_baseline(path: Path | str) -> dict[str, Any]:
    """The baseline file's content; a missing file is an empty baseline."""
    p = Path(path)
    if not p.exists():
        return {"version": BASELINE_VERSION, "sets": {}, "history": []}
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise GateError(f"cannot read the gate baseline {p}: {e}; restore it from git") from e
    if not isinstance(data, dict) or not isinstance(data.get("sets"), dict):
        raise GateError(f"{p} is not a gate baseline (no 'sets' object); restore it from git")
    data.setdefault("history", [])
    return data


@dataclass(slots=True)
class GateReport:
    """What :func:`check` found: failures (the gate fails), and what could be raised or newly pinned."""

    failures: list[str] = field(default_factory=list)
    raisable: list[str] = field(default_factory=list)
    unpinned: list[str] = field(default_factory=list)
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures


def check(results: Sequence[EvaluationResult], baseline: dict[str, Any]) -> GateReport:
    """Compare results with their pins: every pinned figure of every result's gold file is checked."""
    rep = GateReport()
    for r in results:
        key = gold_key(r.path)
        pinned = baseline["sets"].get(key)
        if pinned is None:
            rep.unpinned.append(f"{key}: no pins (run --update-baseline to pin it)")
            continue
        if pinned.get("sha256") != r.sha256:
            rep.failures.append(
                f"{key}: the gold file changed (sha256 {r.sha256[:12]}…, "
                f"pinned {str(pinned.get('sha256'))[:12]}…); its figures are not comparable: "
                "re-pin with --update-baseline --allow-lower --reason"
            )
            continue
        for name, pin in pinned.get("figures", {}).items():
            rep.checked += 1
            fig = r.figures.get(name)
            old = pin.get("value")
            if old is None:
                continue
            if fig is None or fig.value is None:
                n = fig.n if fig else 0
                rep.failures.append(f"{key}: {name} could not be measured (n={n}; pinned at {old:.4f})")
                continue
            tol = tolerance(fig.n)
            if fig.value < old - tol:
                rep.failures.append(
                    f"{key}: {name} = {fig.value:.4f} fell below its pin {old:.4f} by more than "
                    f"{tol:.4f} (n={fig.n})"
                )
            elif fig.value > old + tol:
                rep.raisable.append(f"{key}: {name} = {fig.value:.4f} is above its pin {old:.4f}")
        for name in r.headline:
            if name not in pinned.get("figures", {}):
                rep.unpinned.append(f"{key}: {name} is not pinned")
    return rep


def pins_for(r: EvaluationResult) -> dict[str, Any]:
    """The baseline entry for one result: its checksum and headline figures."""
    figures = {}
    for name in r.headline:
        f = r.figures[name]
        figures[name] = {"value": None if f.value is None else round(f.value, 6), "n": f.n}
    return {"sha256": r.sha256, "kind": r.kind, "figures": figures}


def update_baseline(
    results: Sequence[EvaluationResult],
    path: Path | str,
    *,
    allow_lower: bool = False,
    reason: str | None = None,
    today: dt.date | None = None,
) -> list[str]:
    """Pin the results' headline figures in ``path``; returns the changes made.

    A pin that would go down by no more than :func:`tolerance` keeps its old value (the gate passes
    either way) unless ``allow_lower``. A pin that would go down by more, or a gold file whose checksum
    changed, needs ``allow_lower`` and a ``reason``; without them nothing is written and
    :class:`GateError` lists the figures concerned.
    """
    p = Path(path)
    data = load_baseline(p)
    changes: list[str] = []
    lowered: dict[str, list[float | None]] = {}
    for r in results:
        key = gold_key(r.path)
        new = pins_for(r)
        old = data["sets"].get(key)
        same_file = not old or old.get("sha256") == new["sha256"]
        if not same_file:
            lowered[f"{key} (gold file changed)"] = [None, None]
        for name, pin in new["figures"].items():
            before = (old or {}).get("figures", {}).get(name, {}).get("value") if same_file else None
            after = pin["value"]
            dropped = before is not None and (after is None or after < before - EPSILON)
            noise = before is not None and after is not None and before - tolerance(pin["n"]) <= after
            if dropped and noise and not allow_lower:
                pin["value"] = before
                changes.append(f"{key}: {name} kept at {_num(before)} (measured {_num(after)}, within noise)")
                continue
            if dropped:
                lowered[f"{key}: {name}"] = [before, after]
            if before is None or after is None or abs(before - after) > EPSILON:
                changes.append(f"{key}: {name} {_num(before)} -> {_num(after)}")
        data["sets"][key] = new
    if lowered and not allow_lower:
        raise GateError(
            "refusing to lower pins without --allow-lower and --reason: "
            + "; ".join(f"{k} {_num(v[0])} -> {_num(v[1])}" for k, v in lowered.items())
        )
    if lowered and not (reason and reason.strip()):
        raise GateError("lowering pins needs a --reason saying why (it is kept in the baseline's history)")
    if lowered:
        data["history"].append(
            {
                "date": (today or dt.date.today()).isoformat(),
                "lowered": {k: v for k, v in lowered.items()},
                "reason": (reason or "").strip(),
            }
        )
    data["version"] = BASELINE_VERSION
    data["about"] = (
        "Pinned accuracy figures for the CI gate (tests/test_gate.py). A figure fails when below its pin by "
        "more than max(0.005, 1/n). Raise pins with `make pin` (python -m tools.gate pin); lowering needs "
        "--allow-lower --reason. See docs/evaluation.md."
    )
    data["sets"] = dict(sorted(data["sets"].items()))
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return changes


def _num(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.4f}"


# --- command line ----------------------------------------------------------------------------------------


def evaluate_gold(gold: Path, *, include_geo: bool = True) -> list[EvaluationResult]:
    """Score the default coder on every gold file under ``gold`` (one coding cache for all)."""
    import importlib.util

    targets = find_gold_files(gold, include_geo=include_geo)
    if include_geo and importlib.util.find_spec("eventwire.evaluate.geo") is None:
        targets = [(p, f) for p, f in targets if f != "geoparsing"]
    cache = CodingCache()
    return [evaluate(path, fmt, Config(), cache=cache) for path, fmt in targets]


@click.group()
@click.option(
    "--gold",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=GOLD,
    show_default=True,
    help="The folder of gold sets.",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    default=BASELINE,
    show_default=True,
    help="The pinned figures.",
)
@click.pass_context
def main(ctx: click.Context, gold: Path, baseline: Path) -> None:
    """The accuracy gate's pins (repository tooling; see docs/evaluation.md)."""
    ctx.obj = (gold, baseline)


@main.command("check")
@click.pass_obj
def check_cmd(obj: tuple[Path, Path]) -> None:
    """Score every gold set and compare with the pins; exit 1 when a figure fell below its pin."""
    gold, baseline = obj
    rep = check(evaluate_gold(gold), load_baseline(baseline))
    for line in rep.raisable + rep.unpinned:
        click.echo(f"gate: {line}", err=True)
    if not rep.ok:
        for line in rep.failures:
            click.echo(f"gate: FAILED {line}", err=True)
        raise click.ClickException(f"{len(rep.failures)} figure(s) failed the gate")
    click.echo(f"gate passed ({rep.checked} pinned figures checked)", err=True)


@main.command("pin")
@click.option("--allow-lower", is_flag=True, help="Allow pins to go down (needs --reason).")
@click.option("--reason", default=None, help="Why pins go down (kept in the baseline's history).")
@click.pass_obj
def pin_cmd(obj: tuple[Path, Path], allow_lower: bool, reason: str | None) -> None:
    """Score every gold set and pin its headline figures in the baseline (commit the file)."""
    gold, baseline = obj
    try:
        changes = update_baseline(evaluate_gold(gold), baseline, allow_lower=allow_lower, reason=reason)
    except GateError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"{len(changes)} pin(s) changed in {baseline}", err=True)
    for c in changes:
        click.echo(f"  {c}", err=True)


if __name__ == "__main__":
    main()
