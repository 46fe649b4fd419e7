"""The market: segment demand and prices, shares from capability and price with inertia, serving.

Arrays are ``(sample, lab, segment)`` for a lab in a segment, ``(sample, segment)``
for a segment and ``(sample, lab)`` for a lab. A unit of service takes one
H100e-hour of inference at quarter 0, less as serving gets more efficient.
"""

from __future__ import annotations

import numpy as np

from labecon.types import FloatArray

QUARTERS_PER_YEAR = 4.0


def sum_axis(a: FloatArray, axis: int) -> FloatArray:
    """Return ``a.sum(axis)`` for a short axis (labs, segments) as a chain of adds.

    NumPy's reduction over a short inner axis costs far more than adding its
    few slices; the order of the adds is that of the axis.
    """
    k = a.shape[axis]
    if k > 8:
        out: FloatArray = a.sum(axis=axis)
        return out
    # np.moveaxis(a, axis, 0) without its Python-level cost.
    parts: FloatArray = a.transpose((axis, *(i for i in range(a.ndim) if i != axis)))
    if k == 1:
        only: FloatArray = parts[0].copy(order="K")
        return only
    total: FloatArray = parts[0] + parts[1]
    for part in parts[2:]:
        total += part
    return total


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


def need_growth_per_year(
    growth_per_year: FloatArray,
    growth_decay_per_year: FloatArray,
    price_decline_per_year: FloatArray,
    efficiency_gain_per_year: FloatArray,
    years: float,
) -> FloatArray:
    """Return the yearly growth of the inference compute a segment needs, now (fraction per year).

    Volume at the reference price grows as spend over price; each unit needs
    less compute: ``(1 + g_now) * (1 - efficiency gain) / (1 - price decline) - 1``,
    with ``g_now`` the faded growth rate.
    """
    lam = -np.log1p(-growth_decay_per_year)
    g_now = (1.0 + growth_per_year) ** np.exp(-lam * years)
    out: FloatArray = g_now * (1.0 - efficiency_gain_per_year) / (1.0 - price_decline_per_year) - 1.0
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
) -> FloatArray:
    """Return ``exp(w * gap - s * ln(price / reference))``, ``(sample, lab, segment)``.

    Takes ``ln(price / reference)``, which :func:`demand_units` uses too.
    """
    logit = (share_weight_per_oom[:, None] * capability_gap_oom)[:, :, None] - price_sensitivity[
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
    mix = np.where(
        pool_total[:, None] > 0, pool_h100e / np.where(pool_total > 0, pool_total, 1.0)[:, None], 0.0
    )
    out: FloatArray = got[:, :, None] * mix[:, None, :] * hours / compute_per_unit[:, None, :]
    return out
