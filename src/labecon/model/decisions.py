"""What each lab sees at the start of a quarter, what it decides, and the protocol of its strategy.

The rules themselves live in :mod:`labecon.strategies.lab`; the model knows
only this interface, so a strategy is data plus a ``decide`` method.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

import numpy as np

from labecon.model.arrays import sum_axis
from labecon.model.world_state import Context, WorldState
from labecon.types import FloatArray


class LabObservation(NamedTuple):
    """What each lab knows when it decides at the start of quarter ``t``; arrays ``(sample, lab)``."""

    t: int
    need_h100e: FloatArray
    """Inference capacity its customers needed last quarter (H100e)."""
    need_growth_per_year: FloatArray
    """Market-implied yearly growth of that need (fraction per year)."""
    revenue_growth_per_year: FloatArray
    """Growth of its revenue over the last four quarters (fraction per year)."""
    runway_quarters: FloatArray
    """Cash over last quarter's burn (quarters; inf when not burning)."""
    lead_quarters: FloatArray
    """Quarters a data centre ordered now takes, ``(sample,)``."""


class LabDecisions(NamedTuple):
    """A quarter's decisions, each ``(sample, lab)``."""

    training_frac: FloatArray
    research_frac: FloatArray
    price_premium_frac: FloatArray
    own_target_h100e: FloatArray
    """Owned capacity wanted once an order placed now is online (H100e)."""
    commit_target_h100e: FloatArray
    """Committed capacity wanted next quarter (H100e)."""
    partner_target_h100e: FloatArray
    """Partner capacity wanted next quarter (H100e)."""
    funding_trigger_runway_quarters: FloatArray
    funding_target_runway_quarters: FloatArray


class LabPolicy(Protocol):
    """A set of strategies, one per lab, as data plus rules (see :mod:`labecon.strategies.lab`)."""

    def decide(self, obs: LabObservation) -> LabDecisions:
        """Return the quarter's decisions of every lab."""
        ...

    def take_samples(self, rows: slice) -> LabPolicy:
        """Return the strategies of samples ``rows`` only."""
        ...


def revenue_growth_per_year(state: WorldState) -> FloatArray:
    """Return each lab's revenue growth over the last four quarters (fraction per year)."""
    hist = state.standing.revenue_history_usd
    out: FloatArray = hist[4] / np.maximum(hist[0], 1e-9) - 1.0
    return out


def observe(t: int, state: WorldState, ctx: Context, lead_quarters: FloatArray) -> LabObservation:
    """Return what the labs see at the start of quarter ``t``."""
    lp = ctx.params.labs
    need_growth = np.exp(ctx.log_growth * state.drivers.growth_fade) * ctx.need_factor - 1.0
    # Element-wise, not a matrix product: BLAS kernels change the bits with the block's size.
    lab_need_growth = sum_axis(need_growth[:, None, :] * lp.revenue_mix[None, :, :], 2)
    cash, burn = state.accounts.cash_usd, state.standing.burn_usd
    runway = np.where(burn > 0, cash / np.where(burn > 0, burn, 1.0), np.inf)
    return LabObservation(
        t, state.standing.need_h100e, lab_need_growth, revenue_growth_per_year(state), runway, lead_quarters
    )


def decide(
    t: int, state: WorldState, ctx: Context, policy: LabPolicy, lead_quarters: FloatArray
) -> LabDecisions:
    """Stage 2: the labs' strategies decide from what they saw last quarter."""
    return policy.decide(observe(t, state, ctx, lead_quarters))
