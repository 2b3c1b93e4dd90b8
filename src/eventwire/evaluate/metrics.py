"""The arithmetic of scoring: accuracy, precision/recall/F1, macro-F1 and confusion matrices.

Every figure is a :class:`Figure` that carries how many units it was computed on and how many were
skipped and why, so no number is reported without its denominator.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

NONE_LABEL = "(none)"
"""The prediction when we coded no event: counted as wrong, never dropped."""


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured figure: ``value`` over ``n`` scored units, with the skipped units counted by reason.

    ``value`` is ``None`` when nothing could be scored (``n == 0``).
    """

    value: float | None
    n: int
    skipped: Mapping[str, int] = field(default_factory=dict)
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "n": self.n, "skipped": dict(self.skipped), "detail": self.detail}

    def format(self) -> str:
        """``0.812 (n=322)`` or ``n/a (n=0)``."""
        v = "n/a" if self.value is None else f"{self.value:.3f}"
        return f"{v} (n={self.n})"


def ratio(num: float, den: float) -> float | None:
    """``num / den``, or ``None`` when ``den`` is zero."""
    return num / den if den else None


def prf(tp: int, fp: int, fn: int) -> tuple[float | None, float | None, float | None]:
    """Precision, recall and F1 from counts.

    P (R) is ``None`` with nothing predicted (nothing in gold); F1 is 0 whenever there was something to
    find or something predicted and nothing matched, and ``None`` only when both sets were empty.
    """
    p = ratio(tp, tp + fp)
    r = ratio(tp, tp + fn)
    if tp == 0:
        return p, r, (0.0 if fp + fn else None)
    if p is None or r is None:
        return p, r, None
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass(slots=True)
class PRF:
    """Accumulates true positives, false positives and false negatives over records."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    n: int = 0

    def add(self, gold: Iterable[object], ours: Iterable[object]) -> tuple[int, int, int]:
        """Add one record's gold and predicted sets (multisets: repeats count); returns its (tp, fp, fn)."""
        g, o = Counter(gold), Counter(ours)
        tp = sum((g & o).values())
        fp = sum(o.values()) - tp
        fn = sum(g.values()) - tp
        self.tp += tp
        self.fp += fp
        self.fn += fn
        self.n += 1
        return tp, fp, fn

    def figures(self, prefix: str, skipped: Mapping[str, int] | None = None) -> dict[str, Figure]:
        """``prefix_precision``, ``prefix_recall`` and ``prefix_f1`` figures (micro-averaged)."""
        p, r, f = prf(self.tp, self.fp, self.fn)
        detail = f"tp={self.tp} fp={self.fp} fn={self.fn}"
        sk = dict(skipped or {})
        return {
            f"{prefix}_precision": Figure(p, self.n, sk, detail),
            f"{prefix}_recall": Figure(r, self.n, sk, detail),
            f"{prefix}_f1": Figure(f, self.n, sk, detail),
        }


def accuracy(pairs: list[tuple[Any, Any]]) -> float | None:
    """Share of ``(gold, predicted)`` pairs that agree."""
    return ratio(sum(1 for g, p in pairs if g == p), len(pairs))


def per_label_f1(pairs: list[tuple[str, str]], labels: Iterable[str] | None = None) -> dict[str, float]:
    """F1 per label from ``(gold, predicted)`` pairs; the prediction :data:`NONE_LABEL` is never a label.

    ``labels`` defaults to every label seen in gold or predictions (as scikit-learn does), so a label we
    predict that gold never uses still costs precision in the macro average.
    """
    if labels is None:
        labels = sorted({g for g, _ in pairs} | {p for _, p in pairs if p != NONE_LABEL})
    out: dict[str, float] = {}
    for lab in labels:
        tp = sum(1 for g, p in pairs if g == lab and p == lab)
        fp = sum(1 for g, p in pairs if g != lab and p == lab)
        fn = sum(1 for g, p in pairs if g == lab and p != lab)
        _, _, f = prf(tp, fp, fn)
        out[lab] = f if f is not None else 0.0
    return out


def macro_f1(pairs: list[tuple[str, str]], labels: Iterable[str] | None = None) -> float | None:
    """Unweighted mean of :func:`per_label_f1` (``None`` with no pairs)."""
    if not pairs:
        return None
    f1s = per_label_f1(pairs, labels)
    return sum(f1s.values()) / len(f1s) if f1s else None


def confusion(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """``matrix[gold][predicted] = count``."""
    m: dict[str, dict[str, int]] = {}
    for g, p in pairs:
        row = m.setdefault(g, {})
        row[p] = row.get(p, 0) + 1
    return m


def top_confusions(matrix: Mapping[str, Mapping[str, int]], k: int = 10) -> list[tuple[str, str, int]]:
    """The ``k`` most frequent off-diagonal ``(gold, predicted, count)`` cells."""
    cells = [(g, p, c) for g, row in matrix.items() for p, c in row.items() if g != p]
    return sorted(cells, key=lambda t: (-t[2], t[0], t[1]))[:k]
