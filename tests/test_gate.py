"""The accuracy gate: code every pinned gold set in ../shared and fail when a figure fell below its pin.

Pins live in tests/gate/baseline.json with the sha256 of each gold file. A figure fails when it is below
its pin by more than max(0.005, 1/n) (half a point, or one record on small sets). To raise pins after an
improvement: ``make pin`` (``python -m tools.gate pin``) and commit the file. Lowering a pin
needs ``--allow-lower --reason "..."`` (kept in the file's history) and a reason in the commit message.
See docs/evaluation.md.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from tools import gate as gate_mod

from eventwire.config import Config
from eventwire.evaluate import CodingCache, evaluate, find_gold_files

BASELINE = Path(__file__).parent / "gate" / "baseline.json"
PINS: dict[str, dict] = gate_mod.load_baseline(BASELINE)["sets"]
HOW = (
    "\nIf the drop is intended, re-pin with `python -m tools.gate pin --allow-lower --reason "
    '"..."` and say why in the commit message (docs/evaluation.md).'
)

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def cache() -> CodingCache:
    """One coding cache per worker: sentences shared by two gold files are coded once."""
    return CodingCache()


@pytest.mark.parametrize("key", sorted(PINS))
def test_gold_set_meets_its_pins(key: str, shared: Path, cache: CodingCache) -> None:
    path = shared / "gold" / key
    if not path.is_file():
        pytest.fail(f"{path} is pinned in {BASELINE.name} but missing from ../shared")
    if PINS[key].get("kind") == "geoparsing" and importlib.util.find_spec("eventwire.evaluate.geo") is None:
        pytest.skip("geoparsing pins need eventwire.evaluate.geo (the geolocation stage)")
    result = evaluate(path, config=Config(), cache=cache)
    report = gate_mod.check([result], {"sets": {key: PINS[key]}})
    assert report.checked > 0, f"{key}: no pinned figure was checked"
    assert report.ok, "\n".join(report.failures) + HOW


def test_every_gold_set_is_pinned(shared: Path) -> None:
    """A gold file present in ../shared but absent from the baseline would escape the gate."""
    has_geo = importlib.util.find_spec("eventwire.evaluate.geo") is not None
    present = {gate_mod.gold_key(p) for p, _ in find_gold_files(shared / "gold", include_geo=has_geo)}
    missing = sorted(present - set(PINS))
    assert not missing, f"not pinned in {BASELINE}: {missing}; run `make pin` (python -m tools.gate pin)"
