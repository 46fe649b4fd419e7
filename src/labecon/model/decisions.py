"""What each lab sees at the start of a quarter, what it decides, and the protocol of its strategy.

The rules themselves live in :mod:`labecon.strategies.lab`; the model knows
only this interface, so a strategy is data plus a ``decide`` method.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

import numpy as np

from labecon.constants import H100_BF16_FLOP_PER_SECOND, SECONDS_PER_HOUR
from labecon.model import _world_fused
from labecon.model._world_fused import full
from labecon.model.arrays import ratio, sum_axis
from labecon.model.world_state import Context, Online, WorldState
from labecon.types import FloatArray, IntArray


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
    base_h100e: FloatArray
    """Owned, committed and partner capacity in service this quarter (H100e)."""
    frontier_log10_flop: FloatArray
    """The frontier its run in progress races (log10 FLOP at quarter-0 algorithms): the larger of
    the outside frontier when the run ends and the best other lab now."""
    run_flop: FloatArray
    """Effective FLOP of its run in progress."""
    flop_per_training_h100e: FloatArray
    """Effective FLOP one H100e of training adds to the run over the quarters it has left."""
    lease_lead_quarters: FloatArray
    """Quarters a data centre leased now takes, ``(sample, lab)``."""
    frontier_growth_oom_per_year: FloatArray
    """How fast the outside frontier's training compute grows now (orders of magnitude per year,
    hardware only), ``(sample, 1)``: what a lab keeping pace must add to its training capacity."""
    commit_lead_quarters: FloatArray
    """Quarters from signing a commitment to its start, ``(sample, lab)``."""
    chip_lead_quarters: FloatArray | None = None
    """Quarters from ordering chips for free data-centre space to their delivery, ``(sample,)``
    (``finance.chip_lead_quarters``, at most the data-centre lead); None: such chips are ordered
    with their data centre's lead."""


class LabDecisions(NamedTuple):
    """A quarter's decisions, each ``(sample, lab)``."""

    training_frac: FloatArray
    research_frac: FloatArray
    price_premium_frac: FloatArray
    own_target_h100e: FloatArray
    """Owned capacity wanted once an order placed now is online (H100e)."""
    commit_target_h100e: FloatArray
    """Committed capacity wanted once a commitment signed now starts (H100e)."""
    lease_target_h100e: FloatArray
    """Leased capacity wanted once a lease signed now is online (H100e)."""
    partner_target_h100e: FloatArray
    """Partner capacity wanted next quarter (H100e)."""
    funding_trigger_runway_quarters: FloatArray
    funding_target_runway_quarters: FloatArray
    own_fill_target_h100e: FloatArray | None = None
    """Owned capacity wanted once chips ordered now for free data-centre space arrive (H100e); None
    when they are ordered with their data centre's lead (no ``finance.chip_lead_quarters``)."""


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


def observe(t: int, state: WorldState, ctx: Context, online: Online) -> LabObservation:
    """Return what the labs see at the start of quarter ``t``."""
    if _world_fused.compiled():
        return _observe_compiled(t, state, ctx, online)
    lp, gp, st = ctx.params.labs, ctx.params.world, state.standing
    # Element-wise, not a matrix product: BLAS kernels change the bits with the block's size.
    lab_need_growth = sum_axis(_segment_need_growth(state, ctx)[:, None, :] * lp.revenue_mix[None, :, :], 2)
    cash, burn = state.accounts.cash_usd, state.standing.burn_usd
    runway = ratio(cash, burn, np.inf)
    # The frontier its run races: the outside frontier when the run ends, or the best other lab now.
    left, end = _run_left(t, ctx)
    outside = ctx.frontier_log10_flop[end].T  # (sample, lab)
    frontier = np.maximum(outside, others_best(st.capability_log10_flop * state.accounts.alive))
    base = online.owned_h100e + online.leased_h100e + online.committed_h100e + online.partner_h100e
    # As capability.effective_flop, for one H100e over the quarters left (all at today's algorithms).
    flop_h100e_quarter = ctx.params.hours_per_quarter * SECONDS_PER_HOUR * H100_BF16_FLOP_PER_SECOND
    # Samples fastest, as every (sample, lab) array: a C-ordered one (an outer product's) would
    # spread its layout to the state, and mixed layouts make NumPy's loops much slower.
    per_h100e = np.asfortranarray(
        flop_h100e_quarter
        * (gp.utilisation_frac * state.drivers.algorithmic * gp.final_run_frac)[:, None]
        * left[None, :]
    )
    return LabObservation(
        t,
        st.need_h100e,
        lab_need_growth,
        revenue_growth_per_year(state),
        runway,
        online.lead_quarters,
        base,
        frontier,
        st.run_flop,
        per_h100e,
        lp.lease_lead_quarters,
        (np.log10(gp.frontier_compute_multiple_per_year) * ctx.frontier_fade[t])[:, None],
        lp.commit_lead_quarters,
        chip_lead_quarters(ctx, online),
    )


def chip_lead_quarters(ctx: Context, online: Online) -> FloatArray | None:
    """Return the quarters chips ordered now for free data-centre space take, ``(sample,)``.

    ``finance.chip_lead_quarters``, at most the data-centre lead time; None when unset.
    """
    lead = ctx.params.chip_lead_quarters
    if not lead:
        return None
    out: FloatArray = np.minimum(float(lead), online.lead_quarters)
    return out


def _segment_need_growth(state: WorldState, ctx: Context) -> FloatArray:
    """Return each segment's expected growth of compute need, ``(sample, segment)`` (fraction per year)."""
    out: FloatArray = np.exp(ctx.log_growth * state.drivers.growth_fade) * ctx.need_factor - 1.0
    return out


def _run_left(t: int, ctx: Context) -> tuple[FloatArray, IntArray]:
    """Return each lab's quarters of its training run left at ``t``, and the quarter the run ends in."""
    left = ctx.run_length_quarters - (t % ctx.run_length_quarters)
    return left, np.minimum(t + left - 1, ctx.params.horizon_quarters - 1).astype(np.int64)


def _observe_compiled(t: int, state: WorldState, ctx: Context, online: Online) -> LabObservation:
    """Return what :func:`observe` returns, the labs' arrays from one compiled kernel (the same bits)."""
    lp, gp, st, acc = ctx.params.labs, ctx.params.world, state.standing, state.accounts
    n, n_labs = acc.cash_usd.shape
    lab = (n, n_labs)
    need_growth = _segment_need_growth(state, ctx)
    left, end = _run_left(t, ctx)
    flop_h100e_quarter = ctx.params.hours_per_quarter * SECONDS_PER_HOUR * H100_BF16_FLOP_PER_SECOND
    growth, runway, frontier, base, per_h100e, revenue_growth = (np.empty(lab, order="F") for _ in range(6))
    _world_fused.observe_kernel(
        float(flop_h100e_quarter),
        full(need_growth, need_growth.shape),
        np.ascontiguousarray(lp.revenue_mix, dtype=np.float64),
        full(acc.cash_usd, lab),
        full(st.burn_usd, lab),
        full(ctx.frontier_log10_flop[end].T, lab),
        full(st.capability_log10_flop, lab),
        full(acc.alive, lab),
        full(online.owned_h100e, lab),
        full(online.leased_h100e, lab),
        full(online.committed_h100e, lab),
        full(online.partner_h100e, lab),
        full(gp.utilisation_frac, (n,), keep=True),
        full(state.drivers.algorithmic, (n,)),
        full(gp.final_run_frac, (n,), keep=True),
        np.ascontiguousarray(left, dtype=np.float64),
        full(st.revenue_history_usd[4], lab),
        full(st.revenue_history_usd[0], lab),
        growth,
        runway,
        frontier,
        base,
        per_h100e,
        revenue_growth,
    )
    return LabObservation(
        t,
        st.need_h100e,
        growth,
        revenue_growth,
        runway,
        online.lead_quarters,
        base,
        frontier,
        st.run_flop,
        per_h100e,
        lp.lease_lead_quarters,
        (np.log10(gp.frontier_compute_multiple_per_year) * ctx.frontier_fade[t])[:, None],
        lp.commit_lead_quarters,
        chip_lead_quarters(ctx, online),
    )


def others_best(capability: FloatArray) -> FloatArray:
    """Return, for each lab, the best capability of the other labs (``-inf`` alone), ``(sample, lab)``."""
    n_labs = capability.shape[1]
    out = np.full_like(capability, -np.inf)
    for other in range(n_labs):
        mine = np.arange(n_labs) != other
        out[:, mine] = np.maximum(out[:, mine], capability[:, other : other + 1])
    return out


def decide(t: int, state: WorldState, ctx: Context, policy: LabPolicy, online: Online) -> LabDecisions:
    """Stage 2: the labs' strategies decide from what they saw last quarter and the capacity online."""
    return policy.decide(observe(t, state, ctx, online))
