"""The compute side of a quarter, as element-wise functions.

Each function works on NumPy arrays shaped ``(sample,)`` and on plain floats
alike, so that the vectorised step (:mod:`labecon.model.step`) and the
compiled engine (:mod:`labecon.model._fused`) run the very same equations.
Time ``t`` is in quarters; yearly rates compound as ``(1 + rate) ** (t / 4)``.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np

from labecon.constants import QUARTERS_PER_YEAR
from labecon.types import FloatArray

X = TypeVar("X", float, FloatArray)


def growth_factor_per_quarter(growth_per_year: X) -> X:
    """Return ``(1 + growth_per_year) ** (1 / 4)``: how much a path grows in a quarter.

    Paths are advanced by this factor quarter after quarter, so that
    ``x_t = x_0 * factor ** t = x_0 * (1 + growth) ** (t / 4)`` costs one
    multiplication per quarter instead of a power. The fourth root is taken as
    two square roots: IEEE square roots are exact to the last bit everywhere
    (so the NumPy and compiled engines agree bit for bit) and far cheaper than
    a general power.
    """
    return np.sqrt(np.sqrt(1.0 + growth_per_year))


def decline_factor_per_quarter(decline_per_year: X) -> X:
    """Return ``(1 - decline_per_year) ** (1 / 4)``: how much a falling price keeps in a quarter."""
    return np.sqrt(np.sqrt(1.0 - decline_per_year))


def discount_factor_per_quarter(rate_per_year: X) -> X:
    """Return ``(1 + rate_per_year) ** (-1 / 4)``: today's value of 1 USD paid a quarter later."""
    return 1.0 / np.sqrt(np.sqrt(1.0 + rate_per_year))


def growth_over_quarters(growth_per_year: X, quarters: X) -> X:
    """Return ``(1 + growth_per_year) ** (quarters / 4)``: growth over a span of quarters."""
    return (1.0 + growth_per_year) ** (quarters / QUARTERS_PER_YEAR)


def fleet_target_units(forecast_demand_units: X, headroom_frac: X) -> X:
    """Return the fleet a lab wants online: forecast demand plus headroom (units)."""
    return forecast_demand_units * (1.0 + headroom_frac)


def order_units(target_units: X, pipeline_units: X) -> X:
    """Return the units to order now: what the pipeline lacks of the target, never negative."""
    return np.maximum(0.0, target_units - pipeline_units)


def unit_capex_usd(units: X, unit_price_usd: X, overhead_frac: X) -> X:
    """Return the purchase cost of ``units`` with networking and storage overhead (USD)."""
    return units * unit_price_usd * (1.0 + overhead_frac)


def dc_build_kw(required_kw: X, built_kw: X) -> X:
    """Return the data-centre capacity to build now: the power needed beyond what exists (kW)."""
    return np.maximum(0.0, required_kw - built_kw)


def shortfall_units(demand_units: X, fleet_units: X) -> X:
    """Return the demand the online fleet cannot cover, to be rented (units)."""
    return np.maximum(0.0, demand_units - fleet_units)


def rental_usd(units: X, hours: float, price_usd_per_unit_hour: X) -> X:
    """Return the cost of renting ``units`` for ``hours`` at a cloud price (USD)."""
    return units * hours * price_usd_per_unit_hour


def power_usd(fleet_units: X, kw_per_unit: X, pue: X, hours: float, usd_per_kwh: X) -> X:
    """Return the electricity bill of running ``fleet_units`` for ``hours`` at a PUE (USD)."""
    return fleet_units * kw_per_unit * pue * hours * usd_per_kwh


def power_of_load_usd(it_kw: X, pue: X, hours: float, usd_per_kwh: X) -> X:
    """Return the electricity bill of an IT load of ``it_kw`` for ``hours`` at a PUE (USD)."""
    return it_kw * pue * hours * usd_per_kwh


def straight_line_usd_per_quarter(capex_usd: X, life_quarters: float) -> X:
    """Return straight-line depreciation: the purchase cost spread evenly over its life (USD per quarter)."""
    return capex_usd / life_quarters


def maintenance_usd(maintenance_frac_per_year: X, fleet_cost_usd: X) -> X:
    """Return a quarter's maintenance: a yearly fraction of the fleet's purchase cost (USD)."""
    return maintenance_frac_per_year / QUARTERS_PER_YEAR * fleet_cost_usd
