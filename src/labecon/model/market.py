"""The market: segment demand and prices, shares from capability and price with inertia, serving.

Arrays are ``(sample, lab, segment)`` for a lab in a segment, ``(sample, segment)``
for a segment and ``(sample, lab)`` for a lab. A unit of service takes one
H100e-hour of inference at quarter 0, less as serving gets more efficient.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from labecon.constants import QUARTERS_PER_YEAR
from labecon.model import _world_fused
from labecon.model._world_fused import full
from labecon.model.arrays import ratio, sum_axis
from labecon.model.decisions import LabDecisions
from labecon.model.world_state import Context, Online, WorldState
from labecon.types import FloatArray


def growth_years(growth_decay_per_year: FloatArray, years: float | FloatArray) -> FloatArray:
    """Return the years of initial growth a fading growth rate amounts to after ``years``.

    The growth rate's log, ``ln(1 + g)``, decays at ``lambda = -ln(1 - decay)``
    per year, so ``spend(t) = spend0 * (1 + g) ** ((1 - exp(-lambda t)) / lambda)``
    (``t`` years when ``decay = 0``).
    """
    lam = -np.log1p(-growth_decay_per_year)
    safe = np.where(lam > 0, lam, 1.0)
    out: FloatArray = np.where(lam > 0, -np.expm1(-safe * years) / safe, years)
    return out


def segment_paths(
    spend_usd_per_year: FloatArray,
    growth_per_year: FloatArray,
    growth_decay_per_year: FloatArray,
    price_usd_per_unit: FloatArray,
    price_decline_per_year: FloatArray,
    efficiency_gain_per_year: FloatArray,
    t: int,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return each segment's spend, reference price and compute per unit at quarter ``t``.

    Spend at the reference price is in USD per year, the price in USD per unit,
    compute in inference H100e-hours per unit; each ``(sample, segment)``.
    """
    years = t / QUARTERS_PER_YEAR
    spend = spend_usd_per_year * (1.0 + growth_per_year) ** growth_years(growth_decay_per_year, years)
    price = price_usd_per_unit * (1.0 - price_decline_per_year) ** years
    compute = (1.0 - efficiency_gain_per_year) ** years
    return spend, price, compute


def capability_gap(capability: FloatArray, outside_frontier: FloatArray, alive: FloatArray) -> FloatArray:
    """Return each lab's gap to the frontier (orders of magnitude, at most 0), ``(sample, lab)``.

    The frontier is the larger of the outside frontier ``(sample,)`` and the best lab still trading.
    """
    frontier = outside_frontier
    for lab in range(capability.shape[1]):  # a few labs: element-wise, no reduction over a short axis
        frontier = np.maximum(frontier, np.where(alive[:, lab] > 0, capability[:, lab], -np.inf))
    out: FloatArray = capability - frontier[:, None]
    return out


def lab_prices(
    reference_usd_per_unit: FloatArray,
    premium_frac: FloatArray,
    capability_gap_oom: FloatArray,
    pricing_power_per_oom: FloatArray,
) -> FloatArray:
    """Return each lab's price per unit, ``(sample, lab, segment)`` (USD per unit).

    ``price = reference * (1 + premium) * max(0.05, 1 + power * clip(gap, -1, 1))``:
    a capability lead (gap in orders of magnitude) buys a premium, a lag a discount.
    """
    power = 1.0 + pricing_power_per_oom[:, None] * np.clip(capability_gap_oom, -1.0, 1.0)
    factor = (1.0 + premium_frac) * np.maximum(0.05, power)
    out: FloatArray = reference_usd_per_unit[:, None, :] * factor[:, :, None]
    return out


def attractiveness(
    capability_gap_oom: FloatArray,
    log_price_ratio: FloatArray,
    share_weight_per_oom: FloatArray,
    price_sensitivity: FloatArray,
    preference: FloatArray,
) -> FloatArray:
    """Return ``exp(w * gap + preference - s * ln(price / reference))``, ``(sample, lab, segment)``.

    ``preference`` ``(sample, lab)`` is the log-attractiveness customers give a lab beyond its
    capability gap: its preference drift times the years since quarter 0 (0 at quarter 0).
    Takes ``ln(price / reference)``, which :func:`demand_units` uses too.
    """
    logit = (share_weight_per_oom[:, None] * capability_gap_oom + preference)[:, :, None] - price_sensitivity[
        :, None, None
    ] * log_price_ratio
    out: FloatArray = np.exp(np.minimum(logit, 50.0))
    return out


def target_shares(brand: FloatArray, attract: FloatArray, outside: FloatArray) -> FloatArray:
    """Return the shares customers would choose now: a logit with the rest of the market outside.

    ``target_l = b_l a_l / (sum_k b_k a_k + outside)``; ``b`` and ``outside`` are
    set at quarter 0 so that the targets then equal the initial shares.
    """
    weighted = brand * attract
    out: FloatArray = weighted / (sum_axis(weighted, 1)[:, None, :] + outside[:, None, :])
    return out


def calibrate_brands(shares0: FloatArray, attract0: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return (brand weights, outside weight) making the quarter-0 targets equal ``shares0``."""
    outside = np.maximum(1.0 - sum_axis(shares0, 1), 1e-12)
    brand: FloatArray = shares0 / attract0
    return brand, outside


def demand_units(
    shares: FloatArray, volume_units: FloatArray, log_price_ratio: FloatArray, elasticity: FloatArray
) -> FloatArray:
    """Return what each lab's customers ask for this quarter (units), ``(sample, lab, segment)``.

    ``share * volume * min(1, (price / reference) ** -elasticity)``: a price above
    the reference loses volume; one below wins customers only through the shares.
    Takes ``ln(price / reference)``.
    """
    # exp of a whole array, not a power: a power with a broadcast operand takes another
    # NumPy loop whose last bit can depend on the block's shape.
    damp = np.minimum(1.0, np.exp(log_price_ratio * -elasticity[:, None, :]))
    out: FloatArray = shares * volume_units[:, None, :] * damp
    return out


def serve(
    demand: FloatArray, compute_per_unit: FloatArray, capacity_h100e: FloatArray, hours: float
) -> tuple[FloatArray, FloatArray]:
    """Return (served, lost) units, ``(sample, lab, segment)``.

    Each lab serves what its inference capacity allows, the same fraction of every segment.
    """
    need = sum_axis(demand * compute_per_unit[:, None, :], 2) / hours
    frac = np.where(need > capacity_h100e, capacity_h100e / np.where(need > 0, need, 1.0), 1.0)
    served: FloatArray = demand * frac[:, :, None]
    return served, demand - served


def spill_over(
    lost: FloatArray, spare_h100e: FloatArray, compute_per_unit: FloatArray, hours: float
) -> FloatArray:
    """Return the units each lab wins from demand other labs could not serve, ``(sample, lab, segment)``.

    The lost demand of a segment (in H100e) is shared among labs with spare
    inference capacity, in proportion to their spare capacity, never more
    than the pool; a lab that lost demand has no spare capacity.
    """
    pool_h100e = sum_axis(lost * compute_per_unit[:, None, :], 1) / hours
    pool_total = sum_axis(pool_h100e, 1)
    want = np.minimum(spare_h100e, pool_total[:, None])
    total_want = sum_axis(want, 1)
    scale = np.where(total_want > pool_total, pool_total / np.where(total_want > 0, total_want, 1.0), 1.0)
    got = want * scale[:, None]
    mix = ratio(pool_h100e, pool_total[:, None], 0.0)
    out: FloatArray = got[:, :, None] * mix[:, None, :] * hours / compute_per_unit[:, None, :]
    return out


class Sales(NamedTuple):
    """A quarter's market outcome for each lab."""

    price_usd_per_unit: FloatArray
    """``(sample, lab, segment)``."""
    shares: FloatArray
    """Share of each segment's volume served, ``(sample, lab, segment)``."""
    served_units: FloatArray
    lost_units: FloatArray
    need_h100e: FloatArray
    """Inference capacity the lab's customers asked for, ``(sample, lab)``."""
    base_h100e: FloatArray
    """Owned, committed and partner capacity in service, ``(sample, lab)``."""
    rented_h100e: FloatArray
    """Rented on demand to serve what the rest could not, ``(sample, lab)``."""
    inference_h100e: FloatArray
    revenue_usd: FloatArray
    """``(sample, lab)`` (USD per quarter)."""


def market_and_serve(
    t: int, state: WorldState, online: Online, dec: LabDecisions, ctx: Context
) -> tuple[WorldState, Sales]:
    """Stage 4: segments' spend and prices move on; customers choose; labs serve what they can.

    Each lab's price follows its premium and capability; customers re-choose a
    share of their lab (logit on capability and price, with inertia); the lab
    serves what its inference capacity allows, renting on demand when short;
    demand it cannot serve is lost to it and served by labs with spare capacity.
    """
    if _world_fused.compiled():
        return _market_and_serve_compiled(t, state, online, dec, ctx)
    mp, gp, lp = ctx.params.market, ctx.params.world, ctx.params.labs
    drv, st, alive, on = state.drivers, state.standing, state.accounts.alive, online.events
    hours = ctx.params.hours_per_quarter
    # spend_t = spend_0 * (1 + g) ** growth_years(decay, t / 4), with fade = (1 - decay) ** (t / 4).
    fading = ctx.fade_rate > 0
    grown = np.where(
        fading, (1.0 - drv.growth_fade) / np.where(fading, ctx.fade_rate, 1.0), t / QUARTERS_PER_YEAR
    )
    spend = mp.spend_usd_per_year * np.exp(ctx.log_growth * grown)
    spend = spend * (1.0 - on["demand_slump"] * ctx.cut["demand_slump"])[:, None]
    # A compute glut makes service cheaper too, as far as competitors pass cheap compute on.
    glut = on["compute_glut"] * ctx.cut["compute_glut"]
    pref = drv.reference_price_usd_per_unit * (1.0 - glut[:, None] * mp.glut_pass_through_frac)
    cpu = drv.compute_per_unit
    volume = spend / pref / QUARTERS_PER_YEAR
    gap = capability_gap(st.capability_log10_flop, ctx.frontier_log10_flop[t], alive)
    price = lab_prices(pref, dec.price_premium_frac, gap, gp.pricing_power_per_oom)
    log_ratio = np.log(price / pref[:, None, :])
    preference = lp.preference_drift_per_year * (t / QUARTERS_PER_YEAR)
    attract = attractiveness(gap, log_ratio, gp.share_weight_per_oom, gp.price_sensitivity, preference)
    target = target_shares(st.brand * alive[:, :, None], attract, st.outside)
    inertia = mp.inertia_frac[:, None, :]
    shares = (inertia * st.shares + (1.0 - inertia) * target) * alive[:, :, None]
    demand = demand_units(shares, volume, log_ratio, mp.elasticity)
    need = sum_axis(demand * cpu[:, None, :], 2) / hours
    base = online.owned_h100e + online.leased_h100e + online.committed_h100e + online.partner_h100e
    infer_base = (1.0 - dec.training_frac - dec.research_frac) * base
    sharing = online.committed_h100e * lp.rent_shares_commit_cloud
    # A chip shortage cuts what clouds can sell on demand: renters are rationed, owners are not.
    scarce = 1.0 - online.events["chip_shortage"] * ctx.cut["chip_shortage"]
    rent_limit = np.maximum(0.0, drv.rent_limit_h100e * scarce[:, None] - sharing)
    rented = np.clip(need - infer_base, 0.0, rent_limit) * alive
    infer_cap = infer_base + rented
    served, lost = serve(demand, cpu, infer_cap, hours)
    spare = np.maximum(0.0, infer_cap - need)
    served = served + spill_over(lost, spare, cpu, hours)
    shares = served / volume[:, None, :]
    revenue = sum_axis(served * price, 2)
    sales = Sales(price, shares, served, lost, need, base, rented, infer_cap, revenue)
    return state._replace(standing=st._replace(shares=shares)), sales


def _market_and_serve_compiled(
    t: int, state: WorldState, online: Online, dec: LabDecisions, ctx: Context
) -> tuple[WorldState, Sales]:
    """Stage 4 as :func:`market_and_serve`, in compiled loops over samples (the same bits).

    ``exp`` and ``log`` are NumPy's, between the kernels: Numba's (the C library's) differ
    from NumPy's in the last bit for a few percent of arguments.
    """
    mp, gp, lp = ctx.params.market, ctx.params.world, ctx.params.labs
    drv, st, alive, on = state.drivers, state.standing, state.accounts.alive, online.events
    n, n_labs = alive.shape
    n_seg = mp.spend_usd_per_year.shape[1]
    lab, seg, lab_seg = (n, n_labs), (n, n_seg), (n, n_labs, n_seg)
    grow_arg, pref = np.empty(seg, order="F"), np.empty(seg, order="F")
    gap = np.empty(lab, order="F")
    price, ratio = np.empty(lab_seg, order="F"), np.empty(lab_seg, order="F")
    _world_fused.market_prices(
        t,
        full(ctx.fade_rate, seg, keep=True),
        full(drv.growth_fade, seg),
        full(ctx.log_growth, seg, keep=True),
        full(on["compute_glut"] * ctx.cut["compute_glut"], (n,)),
        full(mp.glut_pass_through_frac, seg, keep=True),
        full(drv.reference_price_usd_per_unit, seg),
        full(ctx.frontier_log10_flop[t], (n,)),
        full(st.capability_log10_flop, lab),
        full(alive, lab),
        full(dec.price_premium_frac, lab, keep=True),
        full(gp.pricing_power_per_oom, (n,), keep=True),
        grow_arg,
        pref,
        gap,
        price,
        ratio,
    )
    log_ratio = np.log(ratio, out=ratio)
    logit, damp = np.empty(lab_seg, order="F"), np.empty(lab_seg, order="F")
    _world_fused.market_logits(
        t,
        gap,
        full(lp.preference_drift_per_year, lab, keep=True),
        full(gp.share_weight_per_oom, (n,), keep=True),
        full(gp.price_sensitivity, (n,), keep=True),
        full(mp.elasticity, seg, keep=True),
        log_ratio,
        logit,
        damp,
    )
    attract, damp = np.exp(logit, out=logit), np.exp(damp, out=damp)
    out2 = [np.empty(lab, order="F") for _ in range(5)]
    out3 = [np.empty(lab_seg, order="F") for _ in range(3)]
    shares, served, lost = out3
    need, base, rented, infer_cap, revenue = out2
    _world_fused.market_serve(
        float(ctx.params.hours_per_quarter),
        full(mp.spend_usd_per_year, seg, keep=True),
        np.exp(grow_arg, out=grow_arg),
        full(on["demand_slump"] * ctx.cut["demand_slump"], (n,)),
        pref,
        full(drv.compute_per_unit, seg),
        full(alive, lab),
        full(st.brand, lab_seg, keep=True),
        attract,
        full(st.outside, seg, keep=True),
        full(mp.inertia_frac, seg, keep=True),
        full(st.shares, lab_seg),
        damp,
        full(online.owned_h100e, lab),
        full(online.leased_h100e, lab),
        full(online.committed_h100e, lab),
        full(online.partner_h100e, lab),
        full(dec.training_frac, lab),
        full(dec.research_frac, lab, keep=True),
        full(lp.rent_shares_commit_cloud, lab, keep=True),
        full(1.0 - online.events["chip_shortage"] * ctx.cut["chip_shortage"], (n,)),
        full(drv.rent_limit_h100e, lab),
        price,
        *out3,
        *out2,
    )
    sales = Sales(price, shares, served, lost, need, base, rented, infer_cap, revenue)
    return state._replace(standing=st._replace(shares=shares)), sales
