"""Finance: funding rounds, ruin, and the three statements of each lab.

Money is in US dollars per quarter; arrays are ``(sample, lab)``.
The statements are tied together so that, in every sample and quarter,

- the change in cash equals operating + investing + financing cash flows, and
- total assets (cash, partner credits, property and equipment) equal
  liabilities (debt) plus equity (paid-in capital plus retained earnings).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from labecon.types import FloatArray

INCOME_LINES = ("revenue", "compute_cost", "depreciation", "staff", "interest", "net_income")
"""Lines of the income statement (USD per quarter)."""

CASH_FLOW_LINES = ("operating", "investing", "financing", "change_in_cash")
"""Lines of the cash-flow statement (USD per quarter)."""

BALANCE_LINES = ("cash", "credits", "property", "total_assets", "debt", "equity")
"""Lines of the balance sheet at the end of the quarter (USD)."""


def funding_success_probability(
    base_logit: float,
    growth_logit: float,
    rank_logit: float,
    revenue_growth_per_year: FloatArray,
    rank_score: FloatArray,
) -> FloatArray:
    """Return the probability a round closes: ``sigmoid(a + b * growth + c * rank_score)``.

    ``rank_score`` is 1 for the capability leader and 0 for the last lab.
    """
    z = base_logit + growth_logit * np.clip(revenue_growth_per_year, -1.0, 5.0) + rank_logit * rank_score
    out: FloatArray = 1.0 / (1.0 + np.exp(-z))
    return out


def capability_rank_score(capability: FloatArray) -> FloatArray:
    """Return each lab's rank among the labs scaled to [0, 1]: 1 for the leader, 0 for the last."""
    n_labs = capability.shape[1]
    if n_labs == 1:
        return np.ones_like(capability)
    below = np.zeros_like(capability)
    for other in range(n_labs):
        below += capability > capability[:, other : other + 1]
    out: FloatArray = below / (n_labs - 1.0)
    return out


def round_size_usd(
    cash_usd: FloatArray, burn_usd: FloatArray, target_runway_quarters: FloatArray
) -> FloatArray:
    """Return what a round raises: the target runway of burn, and at least what cash lacks plus a quarter."""
    out: FloatArray = np.maximum(target_runway_quarters * burn_usd, burn_usd - cash_usd)
    return out


def cap_round_usd(
    wanted_usd: FloatArray, pre_money_usd: FloatArray, max_dilution_frac: FloatArray
) -> FloatArray:
    """Return what a round can raise: at most ``max_dilution / (1 - max_dilution)`` of the pre-money value."""
    limit = pre_money_usd * max_dilution_frac / np.maximum(1.0 - max_dilution_frac, 1e-12)
    out: FloatArray = np.minimum(wanted_usd, np.maximum(limit, 0.0))
    return out


def dilution_frac(raised_usd: FloatArray, pre_money_usd: FloatArray) -> FloatArray:
    """Return the share of the lab new investors get: ``raised / (pre-money + raised)``."""
    post = pre_money_usd + raised_usd
    out: FloatArray = np.where(post > 0, raised_usd / np.where(post > 0, post, 1.0), 0.0)
    return out


class Statements(NamedTuple):
    """One quarter's three statements, each line ``(sample, lab)`` (USD)."""

    income: tuple[FloatArray, ...]
    cash_flow: tuple[FloatArray, ...]
    balance: tuple[FloatArray, ...]
