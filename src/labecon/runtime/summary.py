"""Summary statistics of per-sample outputs, each with its Monte Carlo standard error.

An output is an array whose first axis is the sample; any further axes (a
lab, a year, ...) are summarised element by element, so the same code gives a
scalar's summary and a fan chart's quantiles.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from labecon.types import FloatArray

PERCENTILES = (5.0, 50.0, 95.0)
"""Percentiles reported for every output (linear interpolation, NumPy's default)."""

Value = Any
"""A float for a scalar output; an array shaped like the output's trailing axes otherwise."""


class Estimate(NamedTuple):
    """A Monte Carlo estimate and its standard error (same unit as the estimate)."""

    value: Value
    se: Value


class OutputSummary(NamedTuple):
    """Summary of one output over the samples."""

    n_samples: int
    mean: Estimate
    sd: Value
    percentiles: dict[float, Estimate]
    p_positive: Estimate | None
    """P(output > 0), if the scenario asks for it."""

    def as_dict(self) -> dict[str, Any]:
        """Return a flat mapping: ``mean``, ``mean_se``, ``sd``, ``p5``, ``p5_se``, ...

        Scalars are floats; outputs with trailing axes give nested lists.
        """
        out: dict[str, Any] = {
            "n_samples": self.n_samples,
            "mean": _plain(self.mean.value),
            "mean_se": _plain(self.mean.se),
            "sd": _plain(self.sd),
        }
        for q, est in self.percentiles.items():
            out[f"p{q:g}"] = _plain(est.value)
            out[f"p{q:g}_se"] = _plain(est.se)
        if self.p_positive is not None:
            out["p_positive"] = _plain(self.p_positive.value)
            out["p_positive_se"] = _plain(self.p_positive.se)
        return out


def _plain(x: Value) -> Any:
    arr = np.asarray(x, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr.tolist()


def percentile_se_ranks(n: int, q: float) -> tuple[int, int]:
    """Return the ranks ``N p -+ sqrt(N p (1 - p))``, clipped to the sample, around the q-th percentile."""
    p = q / 100.0
    half_width = math.sqrt(n * p * (1.0 - p))
    lo = min(max(math.floor(n * p - half_width), 0), n - 1)
    hi = min(max(math.ceil(n * p + half_width), 0), n - 1)
    return lo, hi


def percentile_se(sorted_values: FloatArray, q: float) -> Value:
    """Return the standard error of the q-th percentile (q in 0..100) from order statistics.

    The spread of the sample quantile is taken between ranks
    ``N p +- sqrt(N p (1 - p))`` (one binomial standard deviation of the count
    below the quantile), halved: a distribution-free estimate. ``sorted_values``
    needs to be ordered (or partitioned) at those ranks along axis 0.
    """
    n = sorted_values.shape[0]
    if n < 2:
        return np.full(sorted_values.shape[1:], math.nan)[()]
    lo, hi = percentile_se_ranks(n, q)
    return ((sorted_values[hi] - sorted_values[lo]) / 2.0)[()]


def linear_ranks(n: int, q: float) -> tuple[int, int]:
    """Return the two order statistics NumPy's "linear" percentile interpolates between."""
    below = math.floor((n - 1) * (q / 100.0))
    return below, min(below + 1, n - 1)


def linear_percentile(a: Value, b: Value, n: int, q: float) -> Value:
    """Return NumPy's "linear" q-th percentile from its two order statistics ``a <= b``.

    The same arithmetic as :func:`numpy.percentile` (Hyndman and Fan's
    method 7, with NumPy's symmetric interpolation), so results agree bit for bit.
    """
    virtual = (n - 1) * (q / 100.0)
    gamma = virtual - math.floor(virtual)
    diff = np.subtract(b, a)
    return np.subtract(b, diff * (1.0 - gamma)) if gamma >= 0.5 else np.add(a, diff * gamma)


def summarize(values: FloatArray, *, p_positive: bool = False, in_place: bool = False) -> OutputSummary:
    """Return the summary of one output's samples.

    Parameters
    ----------
    values : FloatArray
        The output, shaped ``(sample, ...)``.
    p_positive : bool
        Also estimate P(value > 0) with its binomial standard error.
    in_place : bool
        Reorder ``values`` itself instead of a copy (saves memory on large runs).
    """
    n = values.shape[0]
    mean = np.mean(values, axis=0)[()]
    sd = np.std(values, axis=0, ddof=1)[()] if n > 1 else np.full(values.shape[1:], math.nan)[()]
    share = (np.count_nonzero(values > 0, axis=0) / n)[()] if p_positive else None
    if values.ndim == 1:
        work = (values if in_place else values.copy())[None, :]
    else:
        # One row per element, samples contiguous: selection along the last axis is
        # cache-friendly, where selecting down a strided column is not.
        work = values.reshape(n, -1).T.copy()
    # Selection, not sorting: one partition at every rank needed is O(N).
    ranks = {r for q in PERCENTILES for r in (*linear_ranks(n, q), *percentile_se_ranks(n, q))}
    if np.isnan(work).any():
        ranks = set()  # NaN sorts last; let NumPy's percentile propagate it
        work.sort(axis=-1)
    else:
        work.partition(sorted(ranks), axis=-1)
    shape = values.shape[1:]
    percentiles = {}
    for q in PERCENTILES:
        below, above = linear_ranks(n, q)
        value = np.asarray(linear_percentile(work[:, below], work[:, above], n, q)).reshape(shape)
        if not ranks:
            value = np.where(np.isnan(work).any(axis=-1), np.nan, value.reshape(-1)).reshape(shape)
        se = np.asarray(percentile_se(work.T, q)).reshape(shape)
        percentiles[q] = Estimate(value[()], se[()])
    return OutputSummary(
        n_samples=n,
        mean=Estimate(mean, sd / math.sqrt(n) if n > 1 else sd),  # one sample: NaN, shaped as the mean
        sd=sd,
        percentiles=percentiles,
        p_positive=Estimate(share, np.sqrt(share * (1.0 - share) / n)[()]) if share is not None else None,
    )
