"""The declarative scenario: pydantic v2 models with units, defaults and meaning.

A scenario is data. Every model parameter that can be uncertain is a
:data:`Param`: either a number or the name of an uncertain input declared in
``inputs``, so a user makes any parameter uncertain by naming an input, as in
a spreadsheet with named cells. Cross-field rules (a name must exist, a
distribution's support must fit the field's bounds) live in
:mod:`labecon.scenario.checks`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from labecon.scenario.distributions import CorrelationSpec, DistributionSpec

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Bounds:
    """Allowed range of a numeric parameter (``None`` means unbounded).

    ``integer`` asks for whole numbers (e.g. a lead time in quarters).
    """

    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None
    integer: bool = False

    def violation(self, value: float) -> str | None:
        """Return a description of how ``value`` breaks the bounds, or ``None``."""
        if not math.isfinite(value):
            return f"must be a finite number, got {value}"
        if self.integer and value != int(value):
            return f"must be a whole number, got {value}"
        if self.ge is not None and value < self.ge:
            return f"must be >= {self.ge:g}, got {value:g}"
        if self.gt is not None and value <= self.gt:
            return f"must be > {self.gt:g}, got {value:g}"
        if self.le is not None and value > self.le:
            return f"must be <= {self.le:g}, got {value:g}"
        if self.lt is not None and value >= self.lt:
            return f"must be < {self.lt:g}, got {value:g}"
        return None

    def first_violation(self, values: NDArray[np.float64]) -> tuple[int, str] | None:
        """Return ``(index, problem)`` of the first value outside the bounds, or ``None``."""
        bad = ~np.isfinite(values)
        if self.integer:
            bad |= values != np.round(values)
        for limit, too_far in (
            (self.ge, values < (self.ge if self.ge is not None else 0.0)),
            (self.gt, values <= (self.gt if self.gt is not None else 0.0)),
            (self.le, values > (self.le if self.le is not None else 0.0)),
            (self.lt, values >= (self.lt if self.lt is not None else 0.0)),
        ):
            if limit is not None:
                bad |= too_far
        if not bad.any():
            return None
        index = int(np.argmax(bad))
        return index, self.violation(float(values[index])) or "is out of bounds"

    def describe(self) -> str:
        """Return the bounds as text, e.g. ``>= 0, < 1``."""
        parts = []
        for op, val in ((">=", self.ge), (">", self.gt), ("<=", self.le), ("<", self.lt)):
            if val is not None:
                parts.append(f"{op} {val:g}")
        if self.integer:
            parts.append("whole number")
        return ", ".join(parts) or "any finite number"


def _param_validator(bounds: Bounds) -> BeforeValidator:
    def check(value: Any) -> float | str:
        if isinstance(value, bool):
            msg = f"expected a number or an input name, got a boolean ({value})"
            raise ValueError(msg)  # noqa: TRY004 - pydantic turns ValueError into a located error
        if isinstance(value, str):
            name = value.strip()
            if not _NAME_RE.match(name):
                msg = f"expected a number or the name of an input, got {value!r}"
                raise ValueError(msg)
            return name
        if isinstance(value, int | float):
            problem = bounds.violation(float(value))
            if problem:
                raise ValueError(problem)
            return float(value)
        msg = f"expected a number or the name of an input, got {type(value).__name__}"
        raise ValueError(msg)

    return BeforeValidator(check)


ParamValue = float | str
"""A number, or the name of an uncertain input whose draw replaces it per sample."""


def Bounded(**bounds: Any) -> BeforeValidator:
    """Return the validator of a :data:`ParamValue` field with the given :class:`Bounds`."""
    b = Bounds(**bounds)
    validator = _param_validator(b)
    validator.func.bounds = b  # type: ignore[union-attr]
    return validator


def bounds_of(model: type[BaseModel], field: str) -> Bounds | None:
    """Return the :class:`Bounds` of ``model.field`` if it is a :data:`ParamValue`, else ``None``."""
    for meta in model.model_fields[field].metadata:
        if isinstance(meta, BeforeValidator) and hasattr(meta.func, "bounds"):
            bounds: Bounds = meta.func.bounds
            return bounds
    return None


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class RunDefaults(_Spec):
    """How the scenario runs when the caller does not say otherwise."""

    n_samples: int = Field(10_000, ge=1, description="Monte Carlo samples (count).")
    seed: int = Field(0, ge=0, lt=2**63, description="Seed of every random stream.")


class ComputeSpec(_Spec):
    """The compute side: exogenous demand and price paths and the economics of an owned fleet.

    Quantities are in accelerator-equivalent *units*; money in nominal US
    dollars; rates per year and compounded quarterly as ``x0 * (1 + g) ** (t / 4)``.
    """

    demand_units_t0: Annotated[ParamValue, Bounded(ge=0)] = Field(
        description="Compute demand at quarter 0 (accelerator-equivalent units)."
    )
    demand_growth_per_year: Annotated[ParamValue, Bounded(gt=-1)] = Field(
        description="Yearly growth of compute demand (fraction per year; negative is a slump)."
    )
    cloud_price_usd_per_unit_hour_t0: Annotated[ParamValue, Bounded(ge=0)] = Field(
        description="Cloud rental price at quarter 0 (USD per unit-hour)."
    )
    cloud_price_decline_per_year: Annotated[ParamValue, Bounded(lt=1)] = Field(
        description="Yearly decline of the cloud price (fraction per year)."
    )
    unit_price_usd_t0: Annotated[ParamValue, Bounded(ge=0)] = Field(
        description="Purchase price of one unit at quarter 0, server share included (USD per unit)."
    )
    unit_price_decline_per_year: Annotated[ParamValue, Bounded(lt=1)] = Field(
        description="Yearly decline of the purchase price per unit (fraction per year)."
    )
    overhead_frac_of_unit_price: Annotated[ParamValue, Bounded(ge=0)] = Field(
        description="Networking and storage bought with each unit (fraction of its purchase price)."
    )
    dc_capex_usd_per_kw: Annotated[ParamValue, Bounded(ge=0)] = Field(
        description="Data-centre build cost (USD per kW of IT load)."
    )
    power_kw_per_unit: Annotated[ParamValue, Bounded(ge=0)] = Field(
        description="IT power drawn by one unit (kW per unit)."
    )
    pue: Annotated[ParamValue, Bounded(ge=1)] = Field(
        description="Power usage effectiveness: facility power / IT power (ratio, >= 1)."
    )
    electricity_usd_per_kwh: Annotated[ParamValue, Bounded(ge=0)] = Field(
        description="Electricity price (USD per kWh)."
    )
    maintenance_frac_per_year: Annotated[ParamValue, Bounded(ge=0)] = Field(
        description="Yearly maintenance (fraction of the purchase cost of the units in service)."
    )
    unit_life_quarters: int = Field(
        20, ge=1, le=400, description="Quarters a unit stays in service once online."
    )
    discount_rate_per_year: Annotated[ParamValue, Bounded(gt=-1)] = Field(
        description="Discount rate applied to cash flows (fraction per year)."
    )


class RentAllSpec(_Spec):
    """Rent every unit of demand from the cloud at the on-demand price."""

    policy: Literal["rent_all"] = Field(description="Strategy kind.")
    description: str = Field("", description="What this strategy stands for.")


class BuildAheadSpec(_Spec):
    """Own the fleet: order units ahead of forecast demand, with headroom.

    At quarter t the lab orders enough units for the fleet at ``t + lead`` to
    cover ``demand(t + lead) * (1 + headroom)``, builds data-centre power when
    the fleet needs more, and rents any shortfall.
    """

    policy: Literal["build_ahead"] = Field(description="Strategy kind.")
    description: str = Field("", description="What this strategy stands for.")
    headroom_frac: Annotated[ParamValue, Bounded(gt=-1)] = Field(
        description="Spare capacity kept above forecast demand (fraction of demand)."
    )
    lead_time_quarters: Annotated[ParamValue, Bounded(ge=1, le=40, integer=True)] = Field(
        description="Quarters between ordering units and their coming online."
    )


StrategySpec = Annotated[RentAllSpec | BuildAheadSpec, Field(discriminator="policy")]


class PvCostOutput(_Spec):
    """Present value of a strategy's quarterly costs over the horizon (USD)."""

    kind: Literal["pv_cost"] = Field(description="Output kind.")
    strategy: str = Field(description="Name of a strategy in `strategies`.")
    description: str = Field("", description="Meaning shown in reports.")


class DifferenceOutput(_Spec):
    """The difference of two other outputs, ``minuend - subtrahend`` (their unit)."""

    kind: Literal["difference"] = Field(description="Output kind.")
    minuend: str = Field(description="Name of an output defined earlier.")
    subtrahend: str = Field(description="Name of an output defined earlier.")
    report_p_positive: bool = Field(False, description="Report the probability that this output is above 0.")
    description: str = Field("", description="Meaning shown in reports.")


OutputSpec = Annotated[PvCostOutput | DifferenceOutput, Field(discriminator="kind")]


class Scenario(_Spec):
    """A complete, validated labecon scenario."""

    name: str = Field(description="Short name of the scenario.")
    description: str = Field("", description="What the scenario stands for.")
    horizon_quarters: int = Field(40, ge=1, le=400, description="Quarters simulated, t = 0..H-1.")
    hours_per_quarter: float = Field(2190.0, gt=0, le=2208, description="Hours in a quarter (hours).")
    run: RunDefaults = Field(default_factory=RunDefaults, description="Run defaults.")
    inputs: dict[str, DistributionSpec] = Field(
        default_factory=dict, description="Uncertain inputs by name: a distribution each."
    )
    correlation: CorrelationSpec | None = Field(
        None, description="Correlation between inputs (Gaussian copula)."
    )
    compute: ComputeSpec = Field(description="Demand, prices and owned-fleet economics.")
    strategies: dict[str, StrategySpec] = Field(
        min_length=1, description="Strategies simulated on the same draws, by name."
    )
    outputs: dict[str, OutputSpec] = Field(
        min_length=1, description="Per-sample outputs, in order; later ones may use earlier ones."
    )

    @field_validator("inputs", "strategies", "outputs")
    @classmethod
    def _names_are_identifiers(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name in value:
            if not _NAME_RE.match(name):
                msg = f"name {name!r} must start with a letter or _ and hold only letters, digits, _"
                raise ValueError(msg)
        return value
