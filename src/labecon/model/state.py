"""Arrays the quarterly step reads and writes, as immutable named tuples.

Named tuples (not dataclasses) so that the compiled engine can take them too.
Every array's first axis is the Monte Carlo sample.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np

from labecon.types import FloatArray, IntArray


class ComputeParams(NamedTuple):
    """Per-sample parameters of the compute side, each shaped ``(sample,)``.

    Names and units match :class:`labecon.scenario.schema.ComputeSpec`.
    """

    demand_units_t0: FloatArray
    demand_growth_per_year: FloatArray
    cloud_price_usd_per_unit_hour_t0: FloatArray
    cloud_price_decline_per_year: FloatArray
    unit_price_usd_t0: FloatArray
    unit_price_decline_per_year: FloatArray
    overhead_frac_of_unit_price: FloatArray
    dc_capex_usd_per_kw: FloatArray
    power_kw_per_unit: FloatArray
    pue: FloatArray
    electricity_usd_per_kwh: FloatArray
    maintenance_frac_per_year: FloatArray
    discount_rate_per_year: FloatArray


class FleetPolicy(NamedTuple):
    """A strategy's compute decisions, as data.

    ``owns_fleet`` False is "rent everything": no units are ordered and all
    demand is rented. True is "build ahead of forecast demand with headroom".
    """

    owns_fleet: bool
    headroom_frac: FloatArray
    """Spare capacity kept above forecast demand, shaped ``(sample,)`` (fraction)."""
    lead_time_quarters: IntArray
    """Quarters from order to service, shaped ``(sample,)``."""


class FleetState(NamedTuple):
    """An owned fleet tracked by vintage (the quarter its units were ordered)."""

    orders_units: FloatArray
    """Units ordered at each quarter, shaped ``(sample, quarter)``."""
    orders_cost_usd: FloatArray
    """Purchase cost (with overhead) of each quarter's order, ``(sample, quarter)`` (USD)."""
    fleet_units: FloatArray
    """Units online at the current quarter, ``(sample,)``."""
    fleet_cost_usd: FloatArray
    """Purchase cost of the units online, ``(sample,)`` (USD)."""
    pipeline_units: FloatArray
    """Units ordered before now that will still serve at now + lead, ``(sample,)``."""
    dc_kw: FloatArray
    """Data-centre IT capacity built so far, ``(sample,)`` (kW)."""

    @classmethod
    def empty(cls, n_samples: int, horizon_quarters: int) -> FleetState:
        """Return the state before quarter 0: no orders, no fleet, no data centre."""
        zeros = np.zeros(n_samples)
        return cls(
            orders_units=np.zeros((n_samples, horizon_quarters)),
            orders_cost_usd=np.zeros((n_samples, horizon_quarters)),
            fleet_units=zeros,
            fleet_cost_usd=zeros.copy(),
            pipeline_units=zeros.copy(),
            dc_kw=zeros.copy(),
        )


COST_COMPONENTS = ("unit_capex", "dc_capex", "rental", "power", "maintenance")
"""The cost lines of a quarter, in the order of the step (USD each)."""


class QuarterCosts(NamedTuple):
    """What one quarter costs, by line, each shaped ``(sample,)`` (USD, undiscounted)."""

    unit_capex: FloatArray
    dc_capex: FloatArray
    rental: FloatArray
    power: FloatArray
    maintenance: FloatArray

    def total(self) -> FloatArray:
        """Return the quarter's total cost (USD), summed in the order of the step."""
        total: FloatArray = self.unit_capex + self.dc_capex + self.rental + self.power
        return total + self.maintenance


class PathFactors(NamedTuple):
    """Per-quarter factors that advance :class:`Paths`, each ``(sample,)``."""

    demand: FloatArray
    cloud_price: FloatArray
    unit_price: FloatArray
    discount: FloatArray


class StrategyResult(NamedTuple):
    """What a strategy cost over the horizon."""

    pv_cost_usd: FloatArray
    """Present value at quarter 0 of all quarterly costs, ``(sample,)`` (USD)."""
    costs_usd: FloatArray | None
    """Undiscounted costs by line, ``(sample, quarter, component)`` (USD), if kept."""


EngineChoice = Literal["numpy", "numba"]
"""How a compute strategy is run: plain NumPy, or compiled per sample (same equations)."""
