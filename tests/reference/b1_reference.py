"""Reference numbers of benchmark B1 and the standard errors to judge them by.

All numbers are copied from Benchmark B1: build vs rent (labecon benchmark
specification), section "When two implementations agree" and its reference
table (plain Monte Carlo, N = 100,000,000). Money is in US dollars, present
value at t = 0.

B1's outputs are heavy-tailed, so agreement is judged on the percentiles and
on P(saving > 0), each within 4 standard errors; the means are reported only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

REFERENCE_N = 100_000_000
"""Samples of the reference run (plain Monte Carlo)."""

PERCENTILES: tuple[float, ...] = (5.0, 50.0, 95.0)
"""The percentiles B1 reports, in percent."""

REFERENCE_PERCENTILES: dict[str, dict[float, float]] = {
    "pv_rent": {5.0: 2.902e9, 50.0: 1.3382e10, 95.0: 2.986e11},
    "pv_build": {5.0: 8.150e9, 50.0: 6.460e10, 95.0: 3.750e12},
    "saving": {5.0: -3.430e12, 50.0: -4.924e10, 95.0: -3.959e9},
}
"""p5, p50 and p95 of each output, USD, keyed by output then percentile (percent)."""

REFERENCE_P_SAVING_POSITIVE = 0.00161
"""P(saving > 0) of the reference run, probability."""

EXACT_MEANS: dict[str, float] = {
    "pv_rent": 2.4865e11,
    "pv_build": 1.4295e13,
    "saving": -1.4046e13,
}
"""Exact means by one-dimensional quadrature over g given k, USD (reported, not judged)."""

AGREEMENT_SIGMAS = 4.0
"""A percentile or P(saving > 0) agrees when within this many standard errors."""

PER_SAMPLE_RTOL = 1e-12
"""Relative tolerance of the per-sample agreement with the scalar loop."""


def percentile_standard_error(x_sorted: Sequence[float], p: float) -> float:
    """Return the order-statistic standard error of the ``p``-quantile of a sample.

    B1 takes the spread of the sample quantiles between ranks
    ``N p ± sqrt(N p (1 - p))`` (one binomial standard deviation of the count
    below the quantile) as two standard errors, so the SE is
    ``(x[hi] - x[lo]) / 2``. Ranks are clipped to the sample.

    Parameters
    ----------
    x_sorted : Sequence[float]
        The sample, sorted ascending (any indexable of floats, e.g. a NumPy array).
    p : float
        The quantile as a probability in (0, 1), e.g. 0.05 for the 5th percentile.

    Returns
    -------
    float
        Standard error of the sample ``p``-quantile, in the unit of ``x``.

    Raises
    ------
    ValueError
        If ``p`` is not in (0, 1) or the sample is empty.
    """
    n = len(x_sorted)
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be in (0, 1), got {p}")
    if n == 0:
        raise ValueError("the sample is empty")
    half_width = math.sqrt(n * p * (1.0 - p))
    # Ranks are 0-based positions in the sorted sample; floor/ceil widen the
    # interval slightly rather than narrowing it, a conservative choice.
    lo = max(0, math.floor(n * p - half_width))
    hi = min(n - 1, math.ceil(n * p + half_width))
    return (float(x_sorted[hi]) - float(x_sorted[lo])) / 2.0


def probability_standard_error(p: float, n: int) -> float:
    """Return the binomial standard error ``sqrt(p (1 - p) / n)`` of a probability.

    Parameters
    ----------
    p : float
        Estimated probability, e.g. P(saving > 0).
    n : int
        Number of samples behind the estimate.

    Returns
    -------
    float
        Standard error of the estimate, a probability.
    """
    return math.sqrt(p * (1.0 - p) / n)
