"""Summary statistics of per-sample outputs, each with its Monte Carlo standard error."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from labecon.types import FloatArray

PERCENTILES = (5.0, 50.0, 95.0)
"""Percentiles reported for every output (linear interpolation, NumPy's default)."""


class Estimate(NamedTuple):
    """A Monte Carlo estimate and its standard error (same unit as the estimate)."""

    value: float
    se: float


class OutputSummary(NamedTuple):
    """Summary of one output over the samples."""

    n_samples: int
    mean: Estimate
    sd: float
    percentiles: dict[float, Estimate]
    p_positive: Estimate | None
    """P(output > 0), if the scenario asks for it."""

    def as_dict(self) -> dict[str, float | int]:
        """Return a flat mapping: ``mean``, ``mean_se``, ``p5``, ``p5_se``, ..., ``sd``."""
        out: dict[str, float | int] = {
            "n_samples": self.n_samples,
            "mean": self.mean.value,
            "mean_se": self.mean.se,
            "sd": self.sd,
        }
        for q, est in self.percentiles.items():
            out[f"p{q:g}"] = est.value
            out[f"p{q:g}_se"] = est.se
        if self.p_positive is not None:
            out["p_positive"] = self.p_positive.value
            out["p_positive_se"] = self.p_positive.se
        return out


def percentile_se(sorted_values: FloatArray, q: float) -> float:
    """Return the standard error of the q-th percentile (q in 0..100) from order statistics.

    The spread of the sample quantile is taken between ranks
    ``N p +- sqrt(N p (1 - p))`` (one binomial standard deviation of the count
    below the quantile), halved: a distribution-free estimate.
    """
    n = sorted_values.shape[0]
    if n < 2:
        return math.nan
    p = q / 100.0
    half_width = math.sqrt(n * p * (1.0 - p))
    lo = min(max(math.floor(n * p - half_width), 0), n - 1)
    hi = min(max(math.ceil(n * p + half_width), 0), n - 1)
    return float(sorted_values[hi] - sorted_values[lo]) / 2.0


def summarize(values: FloatArray, *, p_positive: bool = False, in_place: bool = False) -> OutputSummary:
    """Return the summary of one output's samples.

    Parameters
    ----------
    values : FloatArray
        The output, shaped ``(sample,)``.
    p_positive : bool
        Also estimate P(value > 0) with its binomial standard error.
    in_place : bool
        Sort ``values`` itself instead of a copy (saves memory on large runs).
    """
    n = values.shape[0]
    mean = float(np.mean(values))
    sd = float(np.std(values, ddof=1)) if n > 1 else math.nan
    share = float(np.count_nonzero(values > 0)) / n if p_positive else math.nan
    ordered = values if in_place else values.copy()
    ordered.sort()
    # Already sorted, so NumPy's partition in place does no copy and little work.
    values_at = np.percentile(ordered, PERCENTILES, overwrite_input=True)
    percentiles = {
        q: Estimate(float(v), percentile_se(ordered, q)) for q, v in zip(PERCENTILES, values_at, strict=True)
    }
    return OutputSummary(
        n_samples=n,
        mean=Estimate(mean, sd / math.sqrt(n) if n > 1 else math.nan),
        sd=sd,
        percentiles=percentiles,
        p_positive=Estimate(share, math.sqrt(share * (1.0 - share) / n)) if p_positive else None,
    )
