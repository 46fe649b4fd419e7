"""The compiled engine: the step of :mod:`labecon.model.step`, fused into one loop per quarter.

It calls the same element-wise functions of :mod:`labecon.model.compute`
(compiled by Numba) in the same order as :func:`labecon.model.step.step_quarter`,
with the same floating-point operations in the same order, so that its numbers
are bit for bit those of the NumPy path (``tests`` hold it to that).

Why it is shaped the way it is (one core, no ``fastmath``: that would change bits):

* **Lane blocks.** :data:`_LANES` samples advance together, quarter by quarter,
  through ONE loop over the lanes that runs the whole quarter. The CPU then
  works on 4 samples per AVX2 instruction, and each value is loaded and stored
  once per quarter instead of once per step.
* **One block array.** Every per-lane value (state, parameters, cost lines)
  is a row of a single ``(_ROWS, _LANES)`` array whose shape is a compile-time
  constant. LLVM then sees that the rows are a constant distance apart, needs
  no run-time alias checks between them, and vectorises the loop; with one
  array per value it gives up (too many pairs of pointers to check).
* **Grouped by lead time.** The vintage arriving at t was ordered at
  ``t - lead``. Within a block every sample has the same lead, so the rows read
  from the vintage buffers are the same for all lanes (no per-lane scatter or
  gather). Samples are sorted by lead (a counting sort) a chunk at a time, so
  the inputs are still read from memory about once.
* **Renting, specialised.** A renter orders nothing, so its fleet lines are
  exactly 0.0 and its quarter costs ``0.0 + 0.0 + rental + 0.0 + 0.0``: that
  loop carries only demand, price and discount (for finite inputs, the same
  bits as the full step).
"""

from __future__ import annotations

import numba
import numpy as np

from labecon.model import compute
from labecon.model.state import COST_COMPONENTS, ComputeParams, FleetPolicy
from labecon.model.step import PathFactors, StrategyResult
from labecon.types import FloatArray, IntArray

_jit = numba.njit(cache=True, nogil=True)

_order_units = _jit(compute.order_units)
_fleet_target_units = _jit(compute.fleet_target_units)
_unit_capex_usd = _jit(compute.unit_capex_usd)
_dc_build_kw = _jit(compute.dc_build_kw)
_shortfall_units = _jit(compute.shortfall_units)
_rental_usd = _jit(compute.rental_usd)
_power_usd = _jit(compute.power_usd)
_maintenance_usd = _jit(compute.maintenance_usd)


_LANES = 64
"""Samples advanced together: 16 AVX2 vectors, and the block's rows plus the vintage
rows a quarter touches (about 20 KiB) stay in the L1 cache."""

_CHUNK = 4096
"""Samples sorted by lead time at a time: their inputs (about 0.5 MiB) stay in the L2 cache
while the chunk's blocks gather them."""

# Rows of the lane block. Paths, advanced by multiplication after each quarter:
_DEMAND, _PRICE, _UNIT_PRICE, _DISCOUNT = 0, 1, 2, 3
# Accumulated present value and fleet state:
_PV, _FLEET, _FLEET_COST, _PIPELINE, _DC_KW = 4, 5, 6, 7, 8
# Per-sample parameters, gathered once per block:
_LEAD_GROWTH, _HEADROOM, _OVERHEAD, _DC_USD_PER_KW, _KW_PER_UNIT = 9, 10, 11, 12, 13
_PUE, _ELEC, _MAINT, _F_DEMAND, _F_PRICE, _F_UNIT, _F_DISCOUNT = 14, 15, 16, 17, 18, 19, 20
# The quarter's order and its cost lines, in the order of COST_COMPONENTS:
_ORDERED = 21
_LINES = 22
_ROWS = _LINES + len(COST_COMPONENTS)


@_jit
def _build_kernel(  # noqa: PLR0913, PLR0915 - a compiled kernel takes its arrays one by one
    d0: FloatArray,
    p0: FloatArray,
    c0: FloatArray,
    lead_growth: FloatArray,
    f_demand: FloatArray,
    f_price: FloatArray,
    f_unit: FloatArray,
    f_discount: FloatArray,
    ovh: FloatArray,
    dckw: FloatArray,
    kw: FloatArray,
    pue: FloatArray,
    elec: FloatArray,
    maint: FloatArray,
    own: float,
    headroom: FloatArray,
    lead: IntArray,
    horizon: int,
    life: int,
    hours: float,
    pv_out: FloatArray,
    costs_out: FloatArray,
    keep: bool,
) -> None:
    """Run the full step for every sample (``own`` 0.0 makes every order 0.0: a renter)."""
    n = d0.shape[0]
    blk = np.empty((_ROWS, _LANES))
    # Vintage buffers: row ``base + s`` holds what lane j ordered at quarter s (units,
    # and their cost). Rows below ``base`` are quarters before 0 and stay 0.0, so every
    # read below is a plain row read. A lead or life beyond the horizon acts as the
    # horizon itself (nothing it concerns happens within the horizon).
    life_c = min(life, horizon)
    base = horizon + life_c
    units_v = np.zeros((base + horizon, _LANES))
    cost_v = np.zeros((base + horizon, _LANES))
    by_lead = np.empty(min(n, _CHUNK), np.int64)
    bucket_end = np.empty(horizon + 2, np.int64)
    for c_start in range(0, n, _CHUNK):
        size = min(n, c_start + _CHUNK) - c_start
        # Counting sort of the chunk by lead: the samples of lead b (or of the horizon,
        # for b >= horizon) end up in by_lead[bucket_end[b - 1] : bucket_end[b]].
        bucket_end[:] = 0
        for i in range(c_start, c_start + size):
            bucket_end[min(lead[i], horizon) + 1] += 1
        for b in range(horizon + 1):
            bucket_end[b + 1] += bucket_end[b]
        for i in range(c_start, c_start + size):
            b = min(lead[i], horizon)
            by_lead[bucket_end[b]] = i
            bucket_end[b] += 1
        pos = 0
        while pos < size:
            # A block of up to _LANES samples, all of the same lead k.
            k = min(lead[by_lead[pos]], horizon)
            m = min(_LANES, bucket_end[k] - pos)
            lanes = by_lead[pos : pos + m]
            pos += m
            for j in range(m):
                i = lanes[j]
                blk[_DEMAND, j] = d0[i]
                blk[_PRICE, j] = p0[i]
                blk[_UNIT_PRICE, j] = c0[i]
                blk[_DISCOUNT, j] = 1.0
                blk[_PV, j] = 0.0
                blk[_FLEET, j] = 0.0
                blk[_FLEET_COST, j] = 0.0
                blk[_PIPELINE, j] = 0.0
                blk[_DC_KW, j] = 0.0
                blk[_LEAD_GROWTH, j] = lead_growth[i]
                blk[_HEADROOM, j] = headroom[i]
                blk[_OVERHEAD, j] = ovh[i]
                blk[_DC_USD_PER_KW, j] = dckw[i]
                blk[_KW_PER_UNIT, j] = kw[i]
                blk[_PUE, j] = pue[i]
                blk[_ELEC, j] = elec[i]
                blk[_MAINT, j] = maint[i]
                blk[_F_DEMAND, j] = f_demand[i]
                blk[_F_PRICE, j] = f_price[i]
                blk[_F_UNIT, j] = f_unit[i]
                blk[_F_DISCOUNT, j] = f_discount[i]
            for t in range(horizon):
                if k == 0 or life_c == 0:
                    # This quarter's own row is read before it is written: 0.0, as in step.py.
                    for j in range(m):
                        units_v[base + t, j] = 0.0
                    for j in range(m):
                        cost_v[base + t, j] = 0.0
                # Step 1 reads the vintages ordered at t - k (arriving) and t - k - life
                # (retiring); the pipeline, those ordered at t - 1 and t - life.
                arriving, arriving_cost = units_v[base + t - k], cost_v[base + t - k]
                retiring = units_v[base + t - k - life_c]
                retiring_cost = cost_v[base + t - k - life_c]
                placed_last, placed_out = units_v[base + t - 1], units_v[base + t - life_c]
                for j in range(m):
                    # 1. Capacity online.
                    fleet = blk[_FLEET, j] + arriving[j] - retiring[j]
                    fleet_cost = blk[_FLEET_COST, j] + arriving_cost[j] - retiring_cost[j]
                    pipeline = blk[_PIPELINE, j] + placed_last[j] - placed_out[j]
                    # 2. Order, for the fleet at t + lead.
                    demand = blk[_DEMAND, j]
                    target = _fleet_target_units(demand * blk[_LEAD_GROWTH, j], blk[_HEADROOM, j])
                    ordered = _order_units(target, pipeline) * own
                    unit_capex = _unit_capex_usd(ordered, blk[_UNIT_PRICE, j], blk[_OVERHEAD, j])
                    # 3. Data centre: power for every unit serving once this order is online.
                    required_kw = (pipeline + ordered) * blk[_KW_PER_UNIT, j]
                    dc_kw = blk[_DC_KW, j]
                    dc_capex = _dc_build_kw(required_kw, dc_kw) * blk[_DC_USD_PER_KW, j]
                    # 4. Shortfall, rented.
                    rental = _rental_usd(_shortfall_units(demand, fleet), hours, blk[_PRICE, j])
                    # 5. Operate.
                    power = _power_usd(fleet, blk[_KW_PER_UNIT, j], blk[_PUE, j], hours, blk[_ELEC, j])
                    maintenance = _maintenance_usd(blk[_MAINT, j], fleet_cost)
                    total = unit_capex + dc_capex + rental + power + maintenance
                    blk[_PV, j] += total * blk[_DISCOUNT, j]
                    # The state for the next quarter, and the paths advanced.
                    blk[_FLEET, j] = fleet
                    blk[_FLEET_COST, j] = fleet_cost
                    blk[_PIPELINE, j] = pipeline
                    blk[_DC_KW, j] = np.maximum(dc_kw, required_kw)
                    blk[_DEMAND, j] = demand * blk[_F_DEMAND, j]
                    blk[_PRICE, j] *= blk[_F_PRICE, j]
                    blk[_UNIT_PRICE, j] *= blk[_F_UNIT, j]
                    blk[_DISCOUNT, j] *= blk[_F_DISCOUNT, j]
                    blk[_ORDERED, j] = ordered
                    blk[_LINES + 0, j] = unit_capex
                    blk[_LINES + 1, j] = dc_capex
                    blk[_LINES + 2, j] = rental
                    blk[_LINES + 3, j] = power
                    blk[_LINES + 4, j] = maintenance
                # The order joins the vintages (copied here, not in the loop above, so
                # that loop stores only into the block array).
                for j in range(m):
                    units_v[base + t, j] = blk[_ORDERED, j]
                for j in range(m):
                    cost_v[base + t, j] = blk[_LINES, j]
                if keep:
                    for j in range(m):
                        for c in range(len(COST_COMPONENTS)):
                            costs_out[lanes[j], t, c] = blk[_LINES + c, j]
            for j in range(m):
                pv_out[lanes[j]] = blk[_PV, j]


_RENT_LANES = 256
"""Samples advanced together when renting: 7 rows of them (14 KiB) stay in the L1 cache."""

_R_DEMAND, _R_PRICE, _R_DISCOUNT, _R_PV, _R_F_DEMAND, _R_F_PRICE, _R_F_DISCOUNT = range(7)


@_jit
def _rent_kernel(  # noqa: PLR0913 - a compiled kernel takes its arrays one by one
    d0: FloatArray,
    p0: FloatArray,
    f_demand: FloatArray,
    f_price: FloatArray,
    f_discount: FloatArray,
    horizon: int,
    hours: float,
    pv_out: FloatArray,
) -> None:
    """Run the step for a renter, whose fleet lines are all 0.0: only the rental is left."""
    n = d0.shape[0]
    blk = np.empty((7, _RENT_LANES))
    for b0 in range(0, n, _RENT_LANES):
        m = min(_RENT_LANES, n - b0)
        for j in range(m):
            blk[_R_DEMAND, j] = d0[b0 + j]
            blk[_R_PRICE, j] = p0[b0 + j]
            blk[_R_DISCOUNT, j] = 1.0
            blk[_R_PV, j] = 0.0
            blk[_R_F_DEMAND, j] = f_demand[b0 + j]
            blk[_R_F_PRICE, j] = f_price[b0 + j]
            blk[_R_F_DISCOUNT, j] = f_discount[b0 + j]
        for _ in range(horizon):
            for j in range(m):
                # No fleet (0.0 units online): all demand is short, and rented.
                rental = _rental_usd(_shortfall_units(blk[_R_DEMAND, j], 0.0), hours, blk[_R_PRICE, j])
                # The total in the order of the step; unit capex, dc capex, power and
                # maintenance are 0.0 for a renter.
                total = 0.0 + 0.0 + rental + 0.0 + 0.0
                blk[_R_PV, j] += total * blk[_R_DISCOUNT, j]
                blk[_R_DEMAND, j] *= blk[_R_F_DEMAND, j]
                blk[_R_PRICE, j] *= blk[_R_F_PRICE, j]
                blk[_R_DISCOUNT, j] *= blk[_R_F_DISCOUNT, j]
        for j in range(m):
            pv_out[b0 + j] = blk[_R_PV, j]


def simulate_strategy_fused(
    params: ComputeParams,
    policy: FleetPolicy,
    factors: PathFactors,
    *,
    horizon_quarters: int,
    life_quarters: int,
    hours_per_quarter: float,
    keep_paths: bool = False,
) -> StrategyResult:
    """Run one strategy over the horizon with the compiled engine."""
    n = params.demand_units_t0.shape[0]
    lead = np.asarray(policy.lead_time_quarters, dtype=np.int64)
    if life_quarters < 0 or (n and policy.owns_fleet and int(lead.min()) < 0):
        msg = "the compiled engine needs a unit life and lead times of 0 quarters or more"
        raise ValueError(msg)
    pv = np.empty(n)
    if not policy.owns_fleet and not keep_paths:
        _rent_kernel(
            params.demand_units_t0,
            params.cloud_price_usd_per_unit_hour_t0,
            factors.demand,
            factors.cloud_price,
            factors.discount,
            horizon_quarters,
            float(hours_per_quarter),
            pv,
        )
        return StrategyResult(pv, None)
    costs = np.zeros((n, horizon_quarters, len(COST_COMPONENTS)) if keep_paths else (1, 1, 1))
    if policy.owns_fleet:
        # The forecast's growth over the lead time, by the very NumPy expression of step.py
        # (so its bits are NumPy's); it depends on the sample only, not on the quarter.
        lead_growth = compute.growth_over_quarters(params.demand_growth_per_year, lead.astype(np.float64))
        headroom = policy.headroom_frac
    else:
        # A renter's costs line by line: every order is 0.0 (own = 0.0); the target it
        # multiplies is kept finite, and its lead is irrelevant (nothing arrives).
        lead_growth = np.ones(n)
        headroom = np.zeros(n)
        lead = np.zeros(n, np.int64)
    _build_kernel(
        params.demand_units_t0,
        params.cloud_price_usd_per_unit_hour_t0,
        params.unit_price_usd_t0,
        lead_growth,
        factors.demand,
        factors.cloud_price,
        factors.unit_price,
        factors.discount,
        params.overhead_frac_of_unit_price,
        params.dc_capex_usd_per_kw,
        params.power_kw_per_unit,
        params.pue,
        params.electricity_usd_per_kwh,
        params.maintenance_frac_per_year,
        1.0 if policy.owns_fleet else 0.0,
        headroom,
        lead,
        horizon_quarters,
        life_quarters,
        float(hours_per_quarter),
        pv,
        costs,
        keep_paths,
    )
    return StrategyResult(pv, costs if keep_paths else None)
