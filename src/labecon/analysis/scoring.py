"""Scores of a forecast given by samples against one observed value: PIT, central bands, CRPS.

All functions take a 1-D array of Monte Carlo samples of the forecast and the
observed value ``y`` in the same unit.
"""

from __future__ import annotations

import numpy as np

from labecon.types import FloatArray


def pit(samples: FloatArray, y: float) -> float:
    """Return the probability integral transform: the forecast's quantile of ``y``.

    With a mid-rank for ties, ``(#{x < y} + 0.5 #{x = y}) / n``, so a
    degenerate forecast equal to ``y`` gives 0.5 rather than 0 or 1.

    Examples
    --------
    >>> pit(np.array([1.0, 2.0, 3.0, 4.0]), 2.5)
    0.5
    >>> pit(np.array([1.0, 1.0]), 1.0)
    0.5
    """
    x = np.asarray(samples, dtype=float)
    below = np.count_nonzero(x < y)
    ties = np.count_nonzero(x == y)
    return float((below + 0.5 * ties) / x.size)


def central_band(samples: FloatArray, level: float) -> tuple[float, float]:
    """Return the central ``level`` band of the samples: their (1-level)/2 and (1+level)/2 quantiles."""
    lo, hi = np.quantile(np.asarray(samples, dtype=float), [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def crps(samples: FloatArray, y: float) -> float:
    """Return the continuous ranked probability score of the samples' distribution at ``y``.

    The energy form ``E|X - y| - 0.5 E|X - X'|`` over the empirical
    distribution of the ``n`` samples, with the second term from the sorted
    samples ``x_(1) <= ... <= x_(n)`` in O(n log n):
    ``E|X - X'| = (2 / n^2) sum_i (2i - n - 1) x_(i)``. Same unit as ``y``;
    lower is better; a single-valued forecast scores its absolute error.

    Examples
    --------
    >>> crps(np.array([3.0, 3.0, 3.0]), 1.0)
    2.0
    """
    x = np.sort(np.asarray(samples, dtype=float))
    n = x.size
    weights = 2.0 * np.arange(1, n + 1) - n - 1.0
    spread = float(weights @ x) / (n * n)  # = 0.5 E|X - X'|
    return float(np.mean(np.abs(x - y))) - spread
