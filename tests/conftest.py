"""Shared test fixtures: where ../shared is, and one loaded coder per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EVENTWIRE_SHARED", REPO.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """A path inside ../shared, skipping the test with a clear reason when it is absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"needs {p} (the gold sets and seed in ../shared; CI always has them)")
    return p


@pytest.fixture(scope="session")
def shared() -> Path:
    """The ../shared folder (gold sets, seed, reference tables)."""
    if not SHARED.is_dir():
        pytest.skip(f"needs {SHARED} (the gold sets and seed in ../shared; CI always has them)")
    return SHARED


@pytest.fixture(scope="session")
def coder():  # type: ignore[no-untyped-def]
    """One default Coder for the session (loading spaCy once)."""
    from eventwire.config import Config
    from eventwire.pipeline import Coder

    return Coder(Config())
