"""The compiled engine: the step of :mod:`labecon.model.step`, fused into one loop per sample.

It calls the same element-wise functions of :mod:`labecon.model.compute`
(compiled by Numba) in the same order as :func:`labecon.model.step.step_quarter`,
advancing a few hundred samples together through each quarter so that the
CPU works on several at once, with no sample-sized temporary. ``tests`` hold it to the NumPy path.
"""

from __future__ import annotations

import numba
import numpy as np

from labecon.model import compute
from labecon.model.state import COST_COMPONENTS, ComputeParams, FleetPolicy
from labecon.model.step import PathFactors, StrategyResult
from labecon.types import FloatArray

_jit = numba.njit(cache=True, nogil=True)

_order_units = _jit(compute.order_units)
_fleet_target_units = _jit(compute.fleet_target_units)
_unit_capex_usd = _jit(compute.unit_capex_usd)
_dc_build_kw = _jit(compute.dc_build_kw)
_shortfall_units = _jit(compute.shortfall_units)
_rental_usd = _jit(compute.rental_usd)
_power_usd = _jit(compute.power_usd)
_maintenance_usd = _jit(compute.maintenance_usd)
_growth_over_quarters = _jit(compute.growth_over_quarters)


_LANES = 256
"""Samples advanced together, quarter by quarter: enough for SIMD and few enough that
a lane block's vintage buffers (about 1 KiB per sample) stay in the CPU cache."""


@_jit
def _strategy_kernel(  # noqa: PLR0913, PLR0915 - a compiled kernel takes its arrays one by one
    d0: FloatArray,
    p0: FloatArray,
    c0: FloatArray,
    g: FloatArray,
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
    owns_fleet: bool,
    headroom: FloatArray,
    lead: FloatArray,
    horizon: int,
    life: int,
    hours: float,
    pv_out: FloatArray,
    costs_out: FloatArray,
    keep: bool,
) -> None:
    n = d0.shape[0]
    lanes = min(_LANES, n)
    # Vintage buffers by quarter: orders by the quarter they were placed, and
    # arrivals by the quarter they come online (an order is scattered to its
    # arrival quarter once, so that every read below is contiguous).
    orders = np.zeros((horizon, lanes))
    arrived = np.zeros((horizon, lanes))
    arrived_cost = np.zeros((horizon, lanes))
    demand = np.empty(lanes)
    price = np.empty(lanes)
    unit_price = np.empty(lanes)
    discount = np.empty(lanes)
    lead_growth = np.empty(lanes)
    fleet = np.empty(lanes)
    fleet_cost = np.empty(lanes)
    pipeline = np.empty(lanes)
    dc_kw = np.empty(lanes)
    pv = np.empty(lanes)
    capex = np.empty(lanes)
    dc_line = np.empty(lanes)
    rent_line = np.empty(lanes)
    power_line = np.empty(lanes)
    maint_line = np.empty(lanes)
    zero_row = np.zeros(lanes)
    own = 1.0 if owns_fleet else 0.0  # a renter's order is target * 0 == 0: no branch in the loop
    for b0 in range(0, n, lanes):
        m = min(lanes, n - b0)
        b1 = b0 + m
        # Views of this block's parameters, so the loop below indexes from 0 and vectorises.
        hr, ov, dk, kwu = headroom[b0:b1], ovh[b0:b1], dckw[b0:b1], kw[b0:b1]
        pu, el, mt = pue[b0:b1], elec[b0:b1], maint[b0:b1]
        fd, fp, fu, fdis = f_demand[b0:b1], f_price[b0:b1], f_unit[b0:b1], f_discount[b0:b1]
        for j in range(m):
            demand[j] = d0[b0 + j]
            price[j] = p0[b0 + j]
            unit_price[j] = c0[b0 + j]
            discount[j] = 1.0
            lead_growth[j] = _growth_over_quarters(g[b0 + j], lead[b0 + j])
            fleet[j] = 0.0
            fleet_cost[j] = 0.0
            pipeline[j] = 0.0
            dc_kw[j] = 0.0
            pv[j] = 0.0
        arrived[:, :m] = 0.0
        arrived_cost[:, :m] = 0.0
        for t in range(horizon):
            # Rows of the vintage buffers this quarter reads (zeros before quarter 0).
            arr_in, arr_in_cost = arrived[t], arrived_cost[t]
            arr_out = arrived[t - life] if t >= life else zero_row
            arr_out_cost = arrived_cost[t - life] if t >= life else zero_row
            placed_last = orders[t - 1] if t >= 1 else zero_row
            placed_out = orders[t - life] if t >= life else zero_row
            placed_now = orders[t]
            # The quarter runs as short loops over the lanes, each writing one array:
            # the compiler can then prove they do not overlap and vectorise each.
            # 1. Capacity online: the vintage due in, the vintage due out.
            for j in range(m):
                fleet[j] = fleet[j] + arr_in[j] - arr_out[j]
            for j in range(m):
                fleet_cost[j] = fleet_cost[j] + arr_in_cost[j] - arr_out_cost[j]
            for j in range(m):
                pipeline[j] = pipeline[j] + placed_last[j] - placed_out[j]
            # 2. Order, for the fleet at t + lead.
            for j in range(m):
                target = _fleet_target_units(demand[j] * lead_growth[j], hr[j])
                placed_now[j] = _order_units(target, pipeline[j]) * own
            for j in range(m):
                capex[j] = _unit_capex_usd(placed_now[j], unit_price[j], ov[j])
            # 3. Data centre: power for every unit serving once this order is online.
            for j in range(m):
                required_kw = (pipeline[j] + placed_now[j]) * kwu[j]
                dc_line[j] = _dc_build_kw(required_kw, dc_kw[j]) * dk[j]
            for j in range(m):
                dc_kw[j] = max(dc_kw[j], (pipeline[j] + placed_now[j]) * kwu[j])
            # 4. Shortfall, rented.
            for j in range(m):
                rent_line[j] = _rental_usd(_shortfall_units(demand[j], fleet[j]), hours, price[j])
            # 5. Operate.
            for j in range(m):
                power_line[j] = _power_usd(fleet[j], kwu[j], pu[j], hours, el[j])
            for j in range(m):
                maint_line[j] = _maintenance_usd(mt[j], fleet_cost[j])
            for j in range(m):
                total = capex[j] + dc_line[j] + rent_line[j] + power_line[j] + maint_line[j]
                pv[j] += total * discount[j]
            for j in range(m):
                demand[j] *= fd[j]
            for j in range(m):
                price[j] *= fp[j]
            for j in range(m):
                unit_price[j] *= fu[j]
            for j in range(m):
                discount[j] *= fdis[j]
            if owns_fleet:
                for j in range(m):
                    due = t + int(lead[b0 + j])
                    if due < horizon:
                        arrived[due, j] = placed_now[j]
                        arrived_cost[due, j] = capex[j]
            if keep:
                for j in range(m):
                    costs_out[b0 + j, t, 0] = capex[j]
                    costs_out[b0 + j, t, 1] = dc_line[j]
                    costs_out[b0 + j, t, 2] = rent_line[j]
                    costs_out[b0 + j, t, 3] = power_line[j]
                    costs_out[b0 + j, t, 4] = maint_line[j]
        for j in range(m):
            pv_out[b0 + j] = pv[j]


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
    pv = np.empty(n)
    costs = np.zeros((n, horizon_quarters, len(COST_COMPONENTS)) if keep_paths else (1, 1, 1))
    _strategy_kernel(
        params.demand_units_t0,
        params.cloud_price_usd_per_unit_hour_t0,
        params.unit_price_usd_t0,
        params.demand_growth_per_year,
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
        policy.owns_fleet,
        policy.headroom_frac,
        policy.lead_time_quarters.astype(np.float64),
        horizon_quarters,
        life_quarters,
        float(hours_per_quarter),
        pv,
        costs,
        keep_paths,
    )
    return StrategyResult(pv, costs if keep_paths else None)
