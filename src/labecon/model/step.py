"""THE order of a quarter, stated once.

A quarter t, for one strategy, vectorised over samples:

1. **Capacity online.** Units ordered at quarter s come online at ``s + lead``
   and retire at ``s + lead + life``; the online fleet and its purchase cost
   are updated by the vintage entering and the vintage leaving. The pipeline
   (units ordered before t that will still serve at ``t + lead``) likewise.
2. **Order.** The policy sets a target fleet for ``t + lead`` (forecast
   demand plus headroom) and orders what the pipeline lacks, never a negative
   amount; the order is paid now at the quarter's unit price plus overhead.
3. **Data centre.** The power the fleet will need once this order is online
   is ``(pipeline + order) * kW per unit``; capacity beyond what is built is
   built and paid now.
4. **Shortfall.** Demand the online fleet cannot cover is rented at the
   cloud price.
5. **Operate.** The online fleet draws power at the PUE and electricity
   price and costs a yearly fraction of its purchase cost in maintenance.

The quarter's cost is the sum of lines 2-5, discounted to quarter 0. The
compiled engine (:mod:`labecon.model._fused`) runs these same steps per
sample, calling the same functions of :mod:`labecon.model.compute`; a test
holds the two to the same numbers.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from labecon.model import compute
from labecon.model.state import (
    COST_COMPONENTS,
    ComputeParams,
    EngineChoice,
    FleetPolicy,
    FleetState,
    PathFactors,
    QuarterCosts,
    StrategyResult,
)
from labecon.types import FloatArray, IntArray


class Paths(NamedTuple):
    """Exogenous paths at the current quarter, each ``(sample,)``."""

    demand_units: FloatArray
    cloud_price_usd_per_unit_hour: FloatArray
    unit_price_usd: FloatArray
    discount: FloatArray
    """Today's value of 1 USD paid this quarter."""


def path_factors(params: ComputeParams) -> PathFactors:
    """Return the factors that move demand, prices and discounting from one quarter to the next."""
    return PathFactors(
        demand=compute.growth_factor_per_quarter(params.demand_growth_per_year),
        cloud_price=compute.decline_factor_per_quarter(params.cloud_price_decline_per_year),
        unit_price=compute.decline_factor_per_quarter(params.unit_price_decline_per_year),
        discount=compute.discount_factor_per_quarter(params.discount_rate_per_year),
    )


def initial_paths(params: ComputeParams) -> Paths:
    """Return the paths at quarter 0."""
    return Paths(
        demand_units=params.demand_units_t0,
        cloud_price_usd_per_unit_hour=params.cloud_price_usd_per_unit_hour_t0,
        unit_price_usd=params.unit_price_usd_t0,
        discount=np.ones_like(params.demand_units_t0),
    )


def advance_paths(paths: Paths, factors: PathFactors) -> Paths:
    """Return the paths one quarter later."""
    return Paths(
        demand_units=paths.demand_units * factors.demand,
        cloud_price_usd_per_unit_hour=paths.cloud_price_usd_per_unit_hour * factors.cloud_price,
        unit_price_usd=paths.unit_price_usd * factors.unit_price,
        discount=paths.discount * factors.discount,
    )


def _vintage(orders: FloatArray, quarter: IntArray | int) -> FloatArray:
    """Return each sample's order at ``quarter`` (per sample), 0 where it is before quarter 0."""
    rows = np.arange(orders.shape[0])
    q = np.broadcast_to(np.asarray(quarter), rows.shape)
    picked: FloatArray = np.where(q >= 0, orders[rows, np.maximum(q, 0)], 0.0)
    return picked


def bring_online(t: int, fleet: FleetState, lead_q: IntArray, life_quarters: int) -> FleetState:
    """Step 1: move the vintage due online in, the vintage due to retire out, at quarter t."""
    units, cost = fleet.orders_units, fleet.orders_cost_usd
    fleet_units = (
        fleet.fleet_units + _vintage(units, t - lead_q) - _vintage(units, t - lead_q - life_quarters)
    )
    fleet_cost = (
        fleet.fleet_cost_usd + _vintage(cost, t - lead_q) - _vintage(cost, t - lead_q - life_quarters)
    )
    pipeline = fleet.pipeline_units + _vintage(units, t - 1) - _vintage(units, t - life_quarters)
    return fleet._replace(fleet_units=fleet_units, fleet_cost_usd=fleet_cost, pipeline_units=pipeline)


def step_quarter(
    t: int,
    paths: Paths,
    fleet: FleetState,
    params: ComputeParams,
    policy: FleetPolicy,
    factors: PathFactors,
    *,
    life_quarters: int,
    hours_per_quarter: float,
) -> tuple[FleetState, QuarterCosts]:
    """Run quarter ``t`` of one strategy; return the new fleet state and the quarter's costs."""
    # 1. Capacity online.
    fleet = bring_online(t, fleet, policy.lead_time_quarters, life_quarters)
    # 2. Order, for the fleet at t + lead.
    if policy.owns_fleet:
        forecast = paths.demand_units * compute.growth_over_quarters(
            params.demand_growth_per_year, policy.lead_time_quarters.astype(np.float64)
        )
        target = compute.fleet_target_units(forecast, policy.headroom_frac)
        ordered = compute.order_units(target, fleet.pipeline_units)
    else:
        ordered = np.zeros_like(paths.demand_units)
    unit_capex = compute.unit_capex_usd(ordered, paths.unit_price_usd, params.overhead_frac_of_unit_price)
    fleet.orders_units[:, t] = ordered
    fleet.orders_cost_usd[:, t] = unit_capex
    # 3. Data centre: power for every unit that will serve once this order is online.
    required_kw = (fleet.pipeline_units + ordered) * params.power_kw_per_unit
    build_kw = compute.dc_build_kw(required_kw, fleet.dc_kw)
    dc_capex = build_kw * params.dc_capex_usd_per_kw
    fleet = fleet._replace(dc_kw=np.maximum(fleet.dc_kw, required_kw))
    # 4. Shortfall, rented.
    short = compute.shortfall_units(paths.demand_units, fleet.fleet_units)
    rental = compute.rental_usd(short, hours_per_quarter, paths.cloud_price_usd_per_unit_hour)
    # 5. Operate the online fleet.
    power = compute.power_usd(
        fleet.fleet_units,
        params.power_kw_per_unit,
        params.pue,
        hours_per_quarter,
        params.electricity_usd_per_kwh,
    )
    maintenance = compute.maintenance_usd(params.maintenance_frac_per_year, fleet.fleet_cost_usd)
    return fleet, QuarterCosts(unit_capex, dc_capex, rental, power, maintenance)


def simulate_strategy_numpy(
    params: ComputeParams,
    policy: FleetPolicy,
    *,
    horizon_quarters: int,
    life_quarters: int,
    hours_per_quarter: float,
    keep_paths: bool = False,
    factors: PathFactors | None = None,
) -> StrategyResult:
    """Run one strategy over the horizon, vectorised over samples with NumPy."""
    n = params.demand_units_t0.shape[0]
    factors = path_factors(params) if factors is None else factors
    paths = initial_paths(params)
    fleet = FleetState.empty(n, horizon_quarters)
    pv = np.zeros(n)
    kept = np.zeros((n, horizon_quarters, len(COST_COMPONENTS))) if keep_paths else None
    for t in range(horizon_quarters):
        fleet, costs = step_quarter(
            t,
            paths,
            fleet,
            params,
            policy,
            factors,
            life_quarters=life_quarters,
            hours_per_quarter=hours_per_quarter,
        )
        pv += costs.total() * paths.discount
        if kept is not None:
            kept[:, t, :] = np.stack(costs, axis=1)
        paths = advance_paths(paths, factors)
    return StrategyResult(pv, kept)


def simulate_strategy(
    params: ComputeParams,
    policy: FleetPolicy,
    *,
    horizon_quarters: int,
    life_quarters: int,
    hours_per_quarter: float,
    keep_paths: bool = False,
    engine: EngineChoice = "numba",
    factors: PathFactors | None = None,
) -> StrategyResult:
    """Run one strategy over the horizon with the chosen engine (same equations either way).

    ``factors`` may be passed when several strategies share the same parameters.
    """
    factors = path_factors(params) if factors is None else factors
    if engine == "numpy":
        return simulate_strategy_numpy(
            params,
            policy,
            horizon_quarters=horizon_quarters,
            life_quarters=life_quarters,
            hours_per_quarter=hours_per_quarter,
            keep_paths=keep_paths,
            factors=factors,
        )
    # Imported here: compiling (or loading the cache) costs a second, only on first use.
    from labecon.model._fused import simulate_strategy_fused

    return simulate_strategy_fused(
        params,
        policy,
        factors,
        horizon_quarters=horizon_quarters,
        life_quarters=life_quarters,
        hours_per_quarter=hours_per_quarter,
        keep_paths=keep_paths,
    )
