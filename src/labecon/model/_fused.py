"""The compiled engine: the step of :mod:`labecon.model.step`, fused into loops over samples.

It calls the same element-wise functions of :mod:`labecon.model.compute`
(compiled by Numba) in the same order as :func:`labecon.model.step.step_quarter`,
with the same floating-point operations in the same order, so that its numbers
are bit for bit those of the NumPy path (``tests`` hold it to that).

Why it is shaped the way it is (one core; no ``fastmath``, which would change bits):

* **Lane blocks.** :data:`_LANES` samples advance together, through loops over
  the lanes that LLVM vectorises: 4 samples per AVX2 instruction.
* **One block array.** Every per-lane value (paths, state, parameters) is a row
  of one ``(_ROWS, _LANES)`` array whose shape is a compile-time constant, so
  LLVM sees that the rows are a constant distance apart. With one array per
  value it needs a run-time alias check per pair of arrays, and gives up.
* **Several quarters per pass.** Loads and stores, more than arithmetic, bound
  such loops. A pass runs :data:`_PASS` quarters of a lane with its state in
  registers, its parameters loaded once.
* **An ordering side and an operating side.** Orders depend on the pipeline, not
  on the fleet online; the fleet online depends only on orders already placed.
  So a pass runs steps 1 (pipeline) to 3 for its quarters, the orders join a
  history by quarter, and a second loop runs steps 1 (fleet) to 5. Each loop is
  short enough for its state to stay in registers, and reads the history
  without writing it (which LLVM needs to vectorise without many checks).
* **Grouped by lead time.** Within a block every sample has the same lead, so
  the history rows a quarter reads are the same for all lanes (no per-lane
  gather). Samples are sorted by lead (a counting sort) a chunk at a time, so
  that the inputs are still read from memory about once.
* **Renting, specialised.** A renter orders nothing, so its fleet lines are
  exactly 0.0 and its quarter costs ``0.0 + 0.0 + rental + 0.0 + 0.0``: that
  loop carries only demand, price and discount. With its cost lines kept, a
  renter runs the full step as an owner that forecasts no demand (every order
  ``max(0, 0.0 - 0.0) == 0.0``). Both are the NumPy path's bits for finite inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba
import numpy as np

from labecon.model import compute
from labecon.model.state import COST_COMPONENTS, ComputeParams, FleetPolicy, PathFactors, StrategyResult
from labecon.types import FloatArray, IntArray

_jit = numba.njit(cache=True, nogil=True)
_jit_inline = numba.njit(cache=True, nogil=True, forceinline=True)
"""For the per-lane and per-pass helpers: inlined, so that LLVM sees each pass's constant
quarter count (and unrolls it) and the block array's constant shape."""


def _compiled(equation: Callable[..., Any]) -> Callable[..., Any]:
    """Return an equation of :mod:`labecon.model.compute` compiled by Numba.

    Typed loosely: the equations take floats or arrays through one TypeVar, which the
    type checker cannot bind through Numba's dispatcher; here they take floats.
    """
    compiled: Callable[..., Any] = _jit(equation)
    return compiled


_order_units = _compiled(compute.order_units)
_fleet_target_units = _compiled(compute.fleet_target_units)
_unit_capex_usd = _compiled(compute.unit_capex_usd)
_dc_build_kw = _compiled(compute.dc_build_kw)
_shortfall_units = _compiled(compute.shortfall_units)
_rental_usd = _compiled(compute.rental_usd)
_power_usd = _compiled(compute.power_usd)
_maintenance_usd = _compiled(compute.maintenance_usd)

_N_LINES = len(COST_COMPONENTS)


@_jit_inline
def _order_quarter(
    demand: float,
    unit_price: float,
    pipeline: float,
    dc_kw: float,
    placed_last: float,
    placed_out: float,
    lead_growth: float,
    headroom: float,
    overhead: float,
    kw_per_unit: float,
    dc_usd_per_kw: float,
) -> tuple[float, float, float, float, float]:
    """Run the ordering side of a quarter for one sample: step 1's pipeline, steps 2 and 3.

    ``placed_last`` is what was ordered last quarter, ``placed_out`` what leaves the
    pipeline (ordered ``life`` quarters ago). Returns the new pipeline and data-centre
    capacity, the units ordered, and the unit capex and dc capex lines.
    """
    # 1. The pipeline: units ordered before now that will still serve at now + lead.
    pipeline = pipeline + placed_last - placed_out
    # 2. Order, for the fleet at t + lead.
    ordered = _order_units(_fleet_target_units(demand * lead_growth, headroom), pipeline)
    unit_capex = _unit_capex_usd(ordered, unit_price, overhead)
    # 3. Data centre: power for every unit that will serve once this order is online.
    required_kw = (pipeline + ordered) * kw_per_unit
    dc_capex = _dc_build_kw(required_kw, dc_kw) * dc_usd_per_kw
    return pipeline, np.maximum(dc_kw, required_kw), ordered, unit_capex, dc_capex


@_jit_inline
def _operate_quarter(
    hours: float,
    demand: float,
    price: float,
    fleet: float,
    fleet_cost: float,
    arriving: float,
    arriving_cost: float,
    retiring: float,
    retiring_cost: float,
    unit_capex: float,
    dc_capex: float,
    kw_per_unit: float,
    pue: float,
    elec: float,
    maint: float,
) -> tuple[float, float, float, float, float, float]:
    """Run the operating side of a quarter for one sample: step 1's fleet, steps 4 and 5.

    Returns the new fleet and its purchase cost, the rental, power and maintenance
    lines, and the quarter's total (with the ordering side's ``unit_capex``, ``dc_capex``).
    """
    # 1. Capacity online: the vintage due in, the vintage due out.
    fleet = fleet + arriving - retiring
    fleet_cost = fleet_cost + arriving_cost - retiring_cost
    # 4. Shortfall, rented.
    rental = _rental_usd(_shortfall_units(demand, fleet), hours, price)
    # 5. Operate the online fleet.
    power = _power_usd(fleet, kw_per_unit, pue, hours, elec)
    maintenance = _maintenance_usd(maint, fleet_cost)
    total = unit_capex + dc_capex + rental + power + maintenance
    return fleet, fleet_cost, rental, power, maintenance, total


_LANES = 32
"""Samples advanced together: 8 AVX2 vectors; the block's rows and the history rows a
pass reads (about 16 KiB) stay in the L1 cache."""

_PASS = 4
"""Quarters per pass over a block's lanes."""

_CHUNK = 2048
"""Samples sorted by lead time at a time: their inputs (about 0.25 MiB) stay in the L2
cache while the chunk's blocks gather them."""

# Rows of the lane block. The ordering side's paths and state:
_DEMAND_O, _UNIT_PRICE, _PIPELINE, _DC_KW = 0, 1, 2, 3
# The operating side's paths and state (both sides advance demand, with the same bits):
_DEMAND, _PRICE, _DISCOUNT, _PV, _FLEET, _FLEET_COST = 4, 5, 6, 7, 8, 9
# Per-sample parameters, gathered once per block:
_LEAD_GROWTH, _HEADROOM, _OVERHEAD, _DC_USD_PER_KW, _KW_PER_UNIT = 10, 11, 12, 13, 14
_PUE, _ELEC, _MAINT, _F_DEMAND, _F_PRICE, _F_UNIT, _F_DISCOUNT = 15, 16, 17, 18, 19, 20, 21
# A pass's results for its quarter q: the units ordered (row _ORDERED + q), the dc
# capex (_DC_CAPEX + q) and, if the cost lines are kept, rental, power and
# maintenance (rows _KEPT + 3 q, + 1, + 2).
_ORDERED = 22
_DC_CAPEX = _ORDERED + _PASS
_KEPT = _DC_CAPEX + _PASS
_ROWS = _KEPT + 3 * _PASS


@_jit_inline
def _order_pass(
    blk: FloatArray,
    cost_now: FloatArray,
    placed_last: FloatArray,
    placed_out: FloatArray,
    m: int,
    quarters: int,
) -> None:
    """Run the ordering side of ``quarters`` quarters for a block's ``m`` lanes.

    Writes the units ordered and the dc capex to the block (rows ``_ORDERED + q``,
    ``_DC_CAPEX + q``) and the unit capex to ``cost_now`` (the history of purchase
    costs from the first of these quarters). ``placed_last`` is the units ordered the
    quarter before, ``placed_out`` the history of units ``life`` quarters back.
    """
    for j in range(m):
        demand, unit_price = blk[_DEMAND_O, j], blk[_UNIT_PRICE, j]
        pipeline, dc_kw = blk[_PIPELINE, j], blk[_DC_KW, j]
        lead_growth, headroom = blk[_LEAD_GROWTH, j], blk[_HEADROOM, j]
        overhead, kw_per_unit = blk[_OVERHEAD, j], blk[_KW_PER_UNIT, j]
        dc_usd_per_kw = blk[_DC_USD_PER_KW, j]
        f_demand, f_unit = blk[_F_DEMAND, j], blk[_F_UNIT, j]
        last = placed_last[j]
        for q in range(quarters):
            pipeline, dc_kw, ordered, unit_capex, dc_capex = _order_quarter(
                demand,
                unit_price,
                pipeline,
                dc_kw,
                last,
                placed_out[q, j],
                lead_growth,
                headroom,
                overhead,
                kw_per_unit,
                dc_usd_per_kw,
            )
            blk[_ORDERED + q, j] = ordered
            blk[_DC_CAPEX + q, j] = dc_capex
            cost_now[q, j] = unit_capex
            last = ordered
            demand *= f_demand
            unit_price *= f_unit
        blk[_DEMAND_O, j], blk[_UNIT_PRICE, j] = demand, unit_price
        blk[_PIPELINE, j], blk[_DC_KW, j] = pipeline, dc_kw


@_jit_inline
def _operate_pass(
    blk: FloatArray,
    cost_now: FloatArray,
    units_in: FloatArray,
    cost_in: FloatArray,
    units_out: FloatArray,
    cost_out: FloatArray,
    m: int,
    quarters: int,
    hours: float,
    keep: bool,
) -> None:
    """Run the operating side of ``quarters`` quarters for a block's ``m`` lanes.

    ``cost_now`` is the history of purchase costs (unit capex) from the first of these
    quarters; ``units_in``, ``cost_in`` the history of the vintage due in (ordered
    ``lead`` quarters before), ``units_out``, ``cost_out`` that of the vintage due out.
    Kept lines go to the block (rows ``_KEPT + 3 q``).
    """
    for j in range(m):
        demand, price, discount, pv = blk[_DEMAND, j], blk[_PRICE, j], blk[_DISCOUNT, j], blk[_PV, j]
        fleet, fleet_cost = blk[_FLEET, j], blk[_FLEET_COST, j]
        kw_per_unit, pue, elec, maint = blk[_KW_PER_UNIT, j], blk[_PUE, j], blk[_ELEC, j], blk[_MAINT, j]
        f_demand, f_price, f_discount = blk[_F_DEMAND, j], blk[_F_PRICE, j], blk[_F_DISCOUNT, j]
        for q in range(quarters):
            fleet, fleet_cost, rental, power, maintenance, total = _operate_quarter(
                hours,
                demand,
                price,
                fleet,
                fleet_cost,
                units_in[q, j],
                cost_in[q, j],
                units_out[q, j],
                cost_out[q, j],
                cost_now[q, j],
                blk[_DC_CAPEX + q, j],
                kw_per_unit,
                pue,
                elec,
                maint,
            )
            pv += total * discount
            demand *= f_demand
            price *= f_price
            discount *= f_discount
            if keep:
                blk[_KEPT + 3 * q, j] = rental
                blk[_KEPT + 3 * q + 1, j] = power
                blk[_KEPT + 3 * q + 2, j] = maintenance
        blk[_DEMAND, j], blk[_PRICE, j], blk[_DISCOUNT, j], blk[_PV, j] = demand, price, discount, pv
        blk[_FLEET, j], blk[_FLEET_COST, j] = fleet, fleet_cost


@_jit
def _build_kernel(
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
    headroom: FloatArray,
    lead: IntArray,
    horizon: int,
    life: int,
    hours: float,
    pv_out: FloatArray,
    costs_out: FloatArray | None,
) -> None:
    """Run the full step for every sample; the cost lines go to ``costs_out`` unless None.

    ``costs_out`` None or not is a type Numba compiles for: the hot loops have no
    branch or store for the lines when they are not kept.
    """
    keep = costs_out is not None
    n = d0.shape[0]
    blk = np.empty((_ROWS, _LANES))
    # History by quarter: row ``base + s`` holds what each lane ordered at quarter s
    # (units, and their purchase cost). Rows below ``base`` are quarters before 0 and
    # stay 0.0, so that every read is a plain row read. A lead or a life beyond the
    # horizon acts as the horizon itself (nothing it concerns happens within it).
    life = min(life, horizon)
    base = _PASS + horizon + life
    units_v = np.zeros((base + horizon, _LANES))
    cost_v = np.zeros((base + horizon, _LANES))
    by_lead = np.empty(min(n, _CHUNK), np.int64)
    bucket_end = np.empty(horizon + 2, np.int64)
    for chunk in range(0, n, _CHUNK):
        size = min(n, chunk + _CHUNK) - chunk
        # Counting sort of the chunk by lead: the samples of lead b (or of the horizon,
        # for b >= horizon) end up in by_lead[bucket_end[b - 1] : bucket_end[b]].
        bucket_end[:] = 0
        for i in range(chunk, chunk + size):
            bucket_end[min(lead[i], horizon) + 1] += 1
        for b in range(horizon + 1):
            bucket_end[b + 1] += bucket_end[b]
        for i in range(chunk, chunk + size):
            b = min(lead[i], horizon)
            by_lead[bucket_end[b]] = i
            bucket_end[b] += 1
        pos = 0
        while pos < size:
            # A block of up to _LANES samples, all of lead k.
            k = min(lead[by_lead[pos]], horizon)
            m = min(_LANES, bucket_end[k] - pos)
            lanes = by_lead[pos : pos + m]
            pos += m
            for j in range(m):
                i = lanes[j]
                blk[_DEMAND_O, j] = d0[i]
                blk[_UNIT_PRICE, j] = c0[i]
                blk[_PIPELINE, j] = 0.0
                blk[_DC_KW, j] = 0.0
                blk[_DEMAND, j] = d0[i]
                blk[_PRICE, j] = p0[i]
                blk[_DISCOUNT, j] = 1.0
                blk[_PV, j] = 0.0
                blk[_FLEET, j] = 0.0
                blk[_FLEET_COST, j] = 0.0
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
            t = 0
            while t < horizon:
                # A pass of _PASS quarters (or of one): the ordering side, the orders
                # joining the history, then the operating side. The ordering side must
                # not read the history of its own quarters: a life of _PASS or more.
                quarters = _PASS if t + _PASS <= horizon and life >= _PASS else 1
                r = base + t
                if life == 0:
                    # Units leave the pipeline as they are ordered: step.py reads 0.0 then.
                    units_v[r, :m] = 0.0
                cost_now, placed_last, placed_out = cost_v[r:], units_v[r - 1], units_v[r - life :]
                # (A constant quarter count at each call, for LLVM to unroll.)
                if quarters == _PASS:
                    _order_pass(blk, cost_now, placed_last, placed_out, m, _PASS)
                else:
                    _order_pass(blk, cost_now, placed_last, placed_out, m, 1)
                for q in range(quarters):
                    for j in range(m):
                        units_v[r + q, j] = blk[_ORDERED + q, j]
                # With a lead of 0, step.py reads the arriving order before it is placed:
                # 0.0 (rows below ``base``), and so with a lead and a life of 0 for the
                # retiring one.
                r_in = r - k if k > 0 else 0
                r_out = r - k - life if k + life > 0 else 0
                units_in, cost_in = units_v[r_in:], cost_v[r_in:]
                units_out, cost_out = units_v[r_out:], cost_v[r_out:]
                if quarters == _PASS:
                    _operate_pass(
                        blk, cost_now, units_in, cost_in, units_out, cost_out, m, _PASS, hours, keep
                    )
                else:
                    _operate_pass(blk, cost_now, units_in, cost_in, units_out, cost_out, m, 1, hours, keep)
                if costs_out is not None:
                    for q in range(quarters):
                        for j in range(m):
                            kept = costs_out[lanes[j], t + q]
                            kept[0] = cost_v[r + q, j]
                            kept[1] = blk[_DC_CAPEX + q, j]
                            kept[2] = blk[_KEPT + 3 * q, j]
                            kept[3] = blk[_KEPT + 3 * q + 1, j]
                            kept[4] = blk[_KEPT + 3 * q + 2, j]
                t += quarters
            for j in range(m):
                pv_out[lanes[j]] = blk[_PV, j]


_R_DEMAND, _R_PRICE, _R_DISCOUNT, _R_PV, _R_F_DEMAND, _R_F_PRICE, _R_F_DISCOUNT = range(7)
_R_ROWS = 7
_RENT_LANES = 256
"""Samples advanced together when renting: their 7 rows (14 KiB) stay in the L1 cache."""


@_jit_inline
def _rent_pass(blk: FloatArray, m: int, quarters: int, hours: float) -> None:
    """Run ``quarters`` quarters of a renter for a block's ``m`` lanes.

    A renter has no fleet (0.0 units online): all demand is short, and rented. Its
    unit capex, dc capex, power and maintenance are 0.0.
    """
    for j in range(m):
        demand, price, discount, pv = blk[_R_DEMAND, j], blk[_R_PRICE, j], blk[_R_DISCOUNT, j], blk[_R_PV, j]
        f_demand, f_price, f_discount = blk[_R_F_DEMAND, j], blk[_R_F_PRICE, j], blk[_R_F_DISCOUNT, j]
        for _ in range(quarters):
            rental = _rental_usd(_shortfall_units(demand, 0.0), hours, price)
            total = 0.0 + 0.0 + rental + 0.0 + 0.0  # the total in the order of the step
            pv += total * discount
            demand *= f_demand
            price *= f_price
            discount *= f_discount
        blk[_R_DEMAND, j], blk[_R_PRICE, j], blk[_R_DISCOUNT, j], blk[_R_PV, j] = demand, price, discount, pv


@_jit
def _rent_kernel(
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
    blk = np.empty((_R_ROWS, _RENT_LANES))
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
        for _ in range(horizon // _PASS):
            _rent_pass(blk, m, _PASS, hours)
        for _ in range(horizon % _PASS):
            _rent_pass(blk, m, 1, hours)
        for j in range(m):
            pv_out[b0 + j] = blk[_R_PV, j]


_GROWTH_CHUNK = 1 << 15
"""Samples per NumPy call for the forecast growth: its temporaries stay in the L2 cache."""


def _lead_growth(growth_per_year: FloatArray, lead: IntArray) -> FloatArray:
    """Return each sample's demand growth over its lead time, bit for bit as step.py has it.

    step.py computes ``compute.growth_over_quarters(g, lead.astype(float64))`` with
    NumPy, whose ``power`` need not round like the C library's (it may use SIMD code):
    so NumPy computes it here too, by the same expression, a cache-sized slice at a time.
    """
    out = np.empty(growth_per_year.shape[0])
    for s in range(0, out.shape[0], _GROWTH_CHUNK):
        e = s + _GROWTH_CHUNK
        out[s:e] = compute.growth_over_quarters(growth_per_year[s:e], lead[s:e].astype(np.float64))
    return out


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
    if life_quarters < 0 or (policy.owns_fleet and n > 0 and int(lead.min()) < 0):
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
    if policy.owns_fleet:
        # It depends on the sample only, not on the quarter: computed once.
        lead_growth, headroom = _lead_growth(params.demand_growth_per_year, lead), policy.headroom_frac
    else:
        # A renter whose cost lines are kept: an owner that forecasts no demand, and so
        # orders max(0, 0.0 - 0.0) == 0.0 units every quarter (nothing ever arrives).
        lead_growth, headroom, lead = np.zeros(n), np.zeros(n), np.zeros(n, np.int64)
    costs = np.zeros((n, horizon_quarters, _N_LINES)) if keep_paths else None
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
        headroom,
        lead,
        horizon_quarters,
        life_quarters,
        float(hours_per_quarter),
        pv,
        costs,
    )
    return StrategyResult(pv, costs)
