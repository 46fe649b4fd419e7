"""Decision metrics over per-sample paths, each statistic with its Monte Carlo standard error.

Every function here is pure: it takes arrays shaped ``(sample, quarter)``
(optionally with further trailing axes, e.g. ``(sample, quarter, lab)`` when
``quarter_axis`` says where the quarter is) and returns per-sample values; the
``*_summary`` helpers turn those into statistics with standard errors.

Conventions
-----------
- Quarter ``t`` counts from 0; a cash flow in quarter ``t`` is discounted by
  ``(1 + r) ** (-t / 4)`` (the model's convention: quarter 0 is undiscounted).
- A metric that may not exist for a sample (a quarter that never comes, an
  IRR with no root) is *undefined* there. Undefined values are never averaged
  in silently: integer metrics use :data:`NEVER`, float metrics use NaN
  together with an explicit share of undefined samples and its standard error.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from labecon.errors import OptionError
from labecon.model.irr import IRR_DEFINED as IRR_DEFINED
from labecon.model.irr import IRR_NO_ROOT as IRR_NO_ROOT
from labecon.model.irr import IRR_NO_SIGN_CHANGE as IRR_NO_SIGN_CHANGE
from labecon.model.irr import IRR_SEVERAL_ROOTS as IRR_SEVERAL_ROOTS
from labecon.model.irr import IRR_STATUS as IRR_STATUS
from labecon.model.irr import irr_roots
from labecon.runtime.summary import Estimate, OutputSummary, summarize
from labecon.types import FloatArray, IntArray

NEVER = -1
"""The quarter reported when an event never happens within the horizon."""

QUARTERS_PER_YEAR = 4.0


def _as_float(values: Any, name: str) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim < 2:
        msg = f"must be shaped (sample, quarter, ...), got shape {arr.shape}"
        raise OptionError(msg, name)
    return arr


def _quarter_last(values: FloatArray, quarter_axis: int) -> FloatArray:
    """Move the quarter axis to the end, so per-sample results keep (sample, ...)."""
    return np.moveaxis(values, quarter_axis, -1)


# --- statistics with standard errors -------------------------------------------------------------


def mean_estimate(values: Any) -> Estimate:
    """Return the mean over samples (axis 0) and its standard error ``sd / sqrt(n)``."""
    arr = np.asarray(values, dtype=np.float64)
    n = arr.shape[0]
    mean = np.mean(arr, axis=0)[()]
    se = (np.std(arr, axis=0, ddof=1) / math.sqrt(n))[()] if n > 1 else np.full(arr.shape[1:], np.nan)[()]
    return Estimate(mean, se)


def probability_estimate(events: Any) -> Estimate:
    """Return P(event) over samples (axis 0) with its binomial standard error."""
    arr = np.asarray(events, dtype=bool)
    n = arr.shape[0]
    p = (np.count_nonzero(arr, axis=0) / n)[()]
    return Estimate(p, np.sqrt(p * (1.0 - p) / n)[()])


class DefinedSummary(NamedTuple):
    """Summary of a metric that is undefined in some samples."""

    p_undefined: Estimate
    """Share of samples where the metric is undefined, with its SE."""
    defined: OutputSummary | None
    """Summary over the samples where it is defined (``None`` if it never is)."""


def summarize_defined(values: Any) -> DefinedSummary:
    """Summarise a per-sample metric whose undefined samples are NaN (1-D, by sample)."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        msg = f"expected one value per sample, got shape {arr.shape}"
        raise OptionError(msg, "values")
    undefined = np.isnan(arr)
    ok = arr[~undefined]
    return DefinedSummary(probability_estimate(undefined), summarize(ok) if ok.size >= 2 else None)


# --- first profitable quarter --------------------------------------------------------------------


def first_quarter_where(condition: Any, *, quarter_axis: int = 1) -> IntArray:
    """Return the first quarter where ``condition`` holds, per sample, or :data:`NEVER`.

    ``condition`` is boolean shaped ``(sample, quarter, ...)``; the result
    drops the quarter axis.
    """
    cond = _quarter_last(np.asarray(condition, dtype=bool), quarter_axis)
    if cond.ndim < 2:
        msg = f"must be shaped (sample, quarter, ...), got shape {np.shape(condition)}"
        raise OptionError(msg, "condition")
    first = np.argmax(cond, axis=-1).astype(np.int64)
    return np.where(cond.any(axis=-1), first, NEVER)


def first_profitable_quarter(profit: Any, *, quarter_axis: int = 1, sustained: bool = False) -> IntArray:
    """Return the first quarter with profit > 0, per sample; :data:`NEVER` if none.

    Parameters
    ----------
    profit : array_like
        Profit per quarter (USD), shaped ``(sample, quarter, ...)``.
    quarter_axis : int
        The axis that counts quarters.
    sustained : bool
        Count only a quarter from which profit stays > 0 to the horizon.
    """
    arr = _quarter_last(_as_float(profit, "profit"), quarter_axis)
    positive = arr > 0
    if sustained:
        # Profitable in every quarter from t on: a reversed cumulative AND.
        positive = np.flip(np.logical_and.accumulate(np.flip(positive, axis=-1), axis=-1), axis=-1)
    return first_quarter_where(positive, quarter_axis=-1)


class QuarterDistribution(NamedTuple):
    """Distribution of an event's quarter with "never" as its own outcome."""

    p_never: Estimate
    """P(the event never happens within the horizon), with SE."""
    p_by_quarter: Estimate
    """P(event at or before quarter t) for t = 0..H-1, arrays with SE."""
    median: int
    """Median quarter, or :data:`NEVER` if the event happens in fewer than half the samples."""


def quarter_distribution(quarters: Any, n_quarters: int) -> QuarterDistribution:
    """Summarise per-sample event quarters (:data:`NEVER` for never) over ``n_quarters``."""
    q = np.asarray(quarters, dtype=np.int64)
    if q.ndim != 1:
        msg = f"expected one quarter per sample, got shape {q.shape}"
        raise OptionError(msg, "quarters")
    happened = q != NEVER
    by = np.stack([happened & (q <= t) for t in range(n_quarters)], axis=1)
    p_by = probability_estimate(by)
    cdf = np.atleast_1d(p_by.value)
    reached = np.nonzero(cdf >= 0.5)[0]
    return QuarterDistribution(
        p_never=probability_estimate(~happened),
        p_by_quarter=p_by,
        median=int(reached[0]) if reached.size else NEVER,
    )


# --- cash burn and funding ----------------------------------------------------------------------


def cumulative_cash(cash_flow: Any, *, quarter_axis: int = 1) -> FloatArray:
    """Return cumulative free cash flow to the end of each quarter (USD), quarter axis last."""
    return np.cumsum(_quarter_last(_as_float(cash_flow, "cash_flow"), quarter_axis), axis=-1)


def cumulative_burn(cash_flow: Any, *, quarter_axis: int = 1) -> FloatArray:
    """Return cash burnt so far, ``max(0, -cumulative cash flow)``, per quarter (USD), quarter axis last."""
    return np.maximum(-cumulative_cash(cash_flow, quarter_axis=quarter_axis), 0.0)


def peak_funding_need(cash_flow: Any, *, initial_cash_usd: Any = 0.0, quarter_axis: int = 1) -> FloatArray:
    """Return the most outside money needed at any time to keep cash >= 0, per sample (USD).

    That is ``max(0, max_t -(initial_cash + cumulative cash flow to t))``.
    """
    cum = cumulative_cash(cash_flow, quarter_axis=quarter_axis)
    start = np.asarray(initial_cash_usd, dtype=np.float64)
    position = cum + (start[..., None] if start.ndim else start)
    need: FloatArray = np.maximum(-np.min(position, axis=-1), 0.0)
    return need


# --- ruin -----------------------------------------------------------------------------------------


def ruined_by_quarter(ruined: Any, *, quarter_axis: int = 1) -> FloatArray:
    """Return 1.0 from the first ruined quarter on (ruin is absorbing), quarter axis last."""
    arr = _quarter_last(np.asarray(ruined, dtype=bool), quarter_axis)
    if arr.ndim < 2:
        msg = f"must be shaped (sample, quarter, ...), got shape {np.shape(ruined)}"
        raise OptionError(msg, "ruined")
    return np.logical_or.accumulate(arr, axis=-1).astype(np.float64)


def p_ruin_by_quarter(ruined: Any, *, quarter_axis: int = 1) -> Estimate:
    """Return P(ruined at or before quarter t) for every t, with binomial SEs (quarter axis last)."""
    return probability_estimate(ruined_by_quarter(ruined, quarter_axis=quarter_axis) > 0)


# --- NPV and IRR ----------------------------------------------------------------------------------


def npv(cash_flow: Any, rate_per_year: Any, *, quarter_axis: int = 1) -> FloatArray:
    """Return the net present value of quarterly cash flows per sample (USD).

    ``rate_per_year`` is a number or one rate per sample; quarter ``t`` is
    discounted by ``(1 + rate) ** (-t / 4)``.
    """
    flows = _quarter_last(_as_float(cash_flow, "cash_flow"), quarter_axis)
    rate = np.asarray(rate_per_year, dtype=np.float64)
    if np.any(rate <= -1):
        msg = "must be > -1"
        raise OptionError(msg, "rate_per_year")
    t = np.arange(flows.shape[-1], dtype=np.float64)
    r = rate.reshape(rate.shape + (1,) * (flows.ndim - rate.ndim)) if rate.ndim else rate
    factors = (1.0 + r) ** (-t / QUARTERS_PER_YEAR)
    result: FloatArray = np.sum(flows * factors, axis=-1)
    return result


class IrrResult(NamedTuple):
    """Per-sample IRR, NaN where undefined, and why it is undefined."""

    irr_per_year: FloatArray
    status: IntArray
    """:data:`IRR_DEFINED`, :data:`IRR_NO_SIGN_CHANGE`, :data:`IRR_NO_ROOT` or :data:`IRR_SEVERAL_ROOTS`."""

    def status_shares(self) -> dict[str, Estimate]:
        """Return the share of samples in each status, with SEs."""
        return {label: probability_estimate(self.status == code) for code, label in enumerate(IRR_STATUS)}


def irr(
    cash_flow: Any, *, low_per_year: float = -0.9, high_per_year: float = 100.0, grid: int = 400
) -> IrrResult:
    """Return the internal rate of return (per year) of quarterly cash flows ``(sample, quarter)``.

    Method (:mod:`labecon.model.irr`): with one sign change of the flows, the one
    root is found between the range's ends; with more, the NPV is evaluated on a
    grid of yearly rates spaced evenly in ``log(1 + r)`` over ``[low, high]`` and a
    sample with exactly one sign change of the NPV on the grid has its root
    refined. Samples whose flows never change sign, whose NPV has no root in the
    range, or crosses zero more than once get NaN and a status code saying which,
    never a silently propagated NaN.
    """
    flows = _as_float(cash_flow, "cash_flow")
    if flows.ndim != 2:
        msg = f"must be shaped (sample, quarter), got shape {flows.shape}"
        raise OptionError(msg, "cash_flow")
    roots = irr_roots(flows, low_per_year=low_per_year, high_per_year=high_per_year, grid=grid)
    return IrrResult(np.where(roots.status == IRR_DEFINED, roots.irr_per_year, np.nan), roots.status)


# --- unit cost, market share, partner deal --------------------------------------------------------


def cost_per_unit_served(cost_usd: Any, served_units: Any, *, quarter_axis: int = 1) -> FloatArray:
    """Return total cost / total demand served per sample (USD per unit); NaN where nothing was served."""
    cost = np.sum(_quarter_last(_as_float(cost_usd, "cost_usd"), quarter_axis), axis=-1)
    served = np.sum(_quarter_last(_as_float(served_units, "served_units"), quarter_axis), axis=-1)
    out = np.full(np.broadcast_shapes(cost.shape, served.shape), np.nan)
    np.divide(cost, served, out=out, where=served > 0)
    return out


def share_at_horizon(served_units: Any, *, lab_axis: int = 1, quarter_axis: int = 2) -> FloatArray:
    """Return each lab's share of the total served in the last quarter, ``(sample, lab)``.

    NaN for samples where no lab served anything at the horizon.
    """
    arr = np.asarray(served_units, dtype=np.float64)
    if arr.ndim != 3:
        msg = f"must be shaped (sample, lab, quarter) in some order, got shape {arr.shape}"
        raise OptionError(msg, "served_units")
    last = np.take(arr, -1, axis=quarter_axis)
    lab = lab_axis if lab_axis < quarter_axis else lab_axis - 1
    last = np.moveaxis(last, lab, 1)
    total = last.sum(axis=1, keepdims=True)
    out = np.full(last.shape, np.nan)
    np.divide(last, total, out=out, where=total > 0)
    return out


class DealReturn(NamedTuple):
    """What a partner's deal returned, per sample."""

    net_usd: FloatArray
    """Stake value + margin earned − cash invested (USD)."""
    multiple: FloatArray
    """(Stake value + margin earned) / cash invested; NaN where nothing was invested."""


def partner_deal_return(stake_value_usd: Any, margin_usd: Any, invested_usd: Any) -> DealReturn:
    """Return a partner's return on its deal with a lab, per sample.

    ``margin_usd`` and ``invested_usd`` may be per-sample totals ``(sample,)``
    or per-quarter flows ``(sample, quarter)`` (summed over quarters).
    """
    stake = np.asarray(stake_value_usd, dtype=np.float64)
    margin = np.asarray(margin_usd, dtype=np.float64)
    invested = np.asarray(invested_usd, dtype=np.float64)
    margin = margin.sum(axis=1) if margin.ndim == 2 else margin
    invested = invested.sum(axis=1) if invested.ndim == 2 else invested
    gained = stake + margin
    multiple = np.full(np.broadcast_shapes(gained.shape, invested.shape), np.nan)
    np.divide(gained, invested, out=multiple, where=invested > 0)
    return DealReturn(gained - invested, multiple)
