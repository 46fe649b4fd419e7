"""Route counterfactuals, per sample: the same lab under each of its routes, on the same draws.

Given each route's NPV of free cash flow, its build-up over time and by line
(from :class:`~labecon.model.world_outputs.NpvParts`), these functions give,
per sample, each route's paired gain over the lab's declared route, whether
it is the best of the lab's routes, its regret, and when its cumulative
discounted advantage turns positive for good. Arrays are ``(sample, route)``
for one lab's routes, the declared route first.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from labecon.types import FloatArray


class RouteFigures(NamedTuple):
    """Per-sample figures of one lab's routes, ``(sample, route)`` unless noted."""

    npv_usd: FloatArray
    gain_usd: FloatArray
    """NPV less the declared route's NPV in the same sample (0 for the declared route)."""
    is_best: FloatArray
    """1 for the route with the highest NPV (the first on a tie), else 0."""
    regret_usd: FloatArray
    """The best route's NPV less this one's (>= 0)."""
    pays_back: FloatArray
    """1 where the route's cumulative discounted advantage over the declared route turns
    positive within the horizon and stays so (its NPV gain, the value beyond the horizon
    included, too), else 0: not where it is ahead only once that value counts."""
    payback_quarter: FloatArray
    """The quarter from which it is ahead for good (the horizon: only with the terminal value);
    the horizon plus one where it never is."""
    gain_by_line_usd: FloatArray
    """``(sample, route, line)``: the gain split by line; the lines add up to the gain."""


def route_figures(npv_usd: FloatArray, cumulative_usd: FloatArray, by_line_usd: FloatArray) -> RouteFigures:
    """Return one lab's route figures from each route's NPV, its build-up and its lines.

    Parameters
    ----------
    npv_usd : FloatArray
        ``(sample, route)``, the declared route first (USD at quarter 0).
    cumulative_usd : FloatArray
        ``(sample, route, quarter + 1)``: discounted free cash flow to the end of
        each quarter, then the NPV with the terminal value (USD).
    by_line_usd : FloatArray
        ``(sample, route, line)``, adding up to the NPV (USD).
    """
    n, n_routes = npv_usd.shape
    gain = npv_usd - npv_usd[:, :1]
    best = np.argmax(npv_usd, axis=1) if n_routes else np.zeros(n, dtype=np.int64)
    is_best = np.zeros_like(npv_usd)
    is_best[np.arange(n), best] = 1.0
    regret = npv_usd.max(axis=1, initial=-np.inf)[:, None] - npv_usd
    quarter, pays = payback(cumulative_usd - cumulative_usd[:, :1, :])
    return RouteFigures(npv_usd, gain, is_best, regret, pays, quarter, by_line_usd - by_line_usd[:, :1, :])


def payback(advantage_usd: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return (quarter, pays back within the horizon) of a cumulative advantage ``(..., quarter + 1)``.

    The last slot is the NPV gain, the value beyond the horizon included. The quarter is the first
    from which the advantage stays above 0 to the end: the last slot's index where it is ahead only
    once that value counts, the index plus one where it is not ahead even then (the NPV gain is not
    above 0). It pays back (flag 1) where that quarter is within the horizon.
    """
    slots = advantage_usd.shape[-1]
    not_ahead = advantage_usd <= 0.0
    # Index of the last slot not ahead (-1 if none), from the reversed axis.
    last_behind = slots - 1 - np.argmax(not_ahead[..., ::-1], axis=-1)
    last_behind = np.where(not_ahead.any(axis=-1), last_behind, -1)
    ahead = ~not_ahead[..., -1]
    quarter = np.where(ahead, last_behind + 1, slots)
    return quarter.astype(np.float64), (quarter < slots - 1).astype(np.float64)
