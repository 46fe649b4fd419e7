"""Ranks with ties averaged, as ``scipy.stats.rankdata`` gives them, without importing scipy.stats.

A run's answers rank each uncertain input against each route's gain (Spearman's
rho); scipy.stats alone took about 0.4 s to import, a tenth of what a
``labecon run`` spends outside its model.
"""

from __future__ import annotations

import numpy as np

from labecon.types import FloatArray


def average_ranks(x: FloatArray) -> FloatArray:
    """Return the ranks of ``x`` (1-D), 1 for the smallest, tied values sharing their mean rank.

    All NaN if ``x`` holds a NaN, as ``scipy.stats.rankdata`` with its default ``nan_policy``.
    """
    values = np.asarray(x, dtype=np.float64).reshape(-1)
    if np.isnan(values).any():
        return np.full(values.shape, np.nan)
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    starts = np.concatenate(([True], ordered[1:] != ordered[:-1]))  # the first of each run of ties
    group = np.cumsum(starts)  # 1-based group of each sorted value
    bounds = np.concatenate((np.flatnonzero(starts), [values.size]))  # each group's first index, then n
    # Group g holds the sorted positions bounds[g-1] .. bounds[g]-1: ranks bounds[g-1]+1 .. bounds[g].
    mean_rank = 0.5 * (bounds[group] + bounds[group - 1] + 1)
    out = np.empty(values.size)
    out[order] = mean_rank
    return out


def rank_correlation(x_ranks: FloatArray, y_ranks: FloatArray) -> float:
    """Return Spearman's rho from two samples' ranks (:func:`average_ranks`): their correlation.

    As ``scipy.stats.spearmanr`` gives it; NaN where either is constant.
    """
    return float(np.corrcoef(x_ranks, y_ranks)[0, 1])
