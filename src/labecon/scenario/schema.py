"""The declarative scenario: pydantic v2 models with units, defaults and meaning.

A scenario is data. Every model parameter that can be uncertain is a
:data:`Param`: either a number or the name of an uncertain input declared in
``inputs``, so a user makes any parameter uncertain by naming an input, as in
a spreadsheet with named cells. Cross-field rules (a name must exist, a
distribution's support must fit the field's bounds) live in
:mod:`labecon.scenario.checks`.

A scenario is one of several kinds, each run by its own model: a
:class:`ComputeScenario` (one lab's demand and prices, strategies compared on
the same draws, e.g. benchmark B1) or a :class:`WorldScenario` (labs competing
in a market). :data:`Scenario` is their union, told apart by the ``kind``
field, which is inferred from the sections given when a file does not say it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal, TypeAlias, TypeVar

from pydantic import Discriminator, Field, Tag, TypeAdapter, field_validator

from labecon.constants import MAX_SAMPLES
from labecon.scenario.base import NAME_RE, Bounded, Bounds, ParamValue, Spec, _Spec, bounds_of
from labecon.scenario.distributions import CorrelationSpec, DistributionSpec
from labecon.scenario.world import (
    WORLD_SECTIONS,
    CapabilitySpec,
    ChipSpec,
    CloudSpec,
    FinanceSpec,
    LabSpec,
    MarketSpec,
    RisksSpec,
)

__all__ = [
    "SCENARIO_ADAPTER",
    "SCENARIO_KINDS",
    "Bounded",
    "Bounds",
    "ComputeScenario",
    "ParamValue",
    "Scenario",
    "ScenarioBase",
    "Spec",
    "WorldScenario",
    "as_kind",
    "bounds_of",
    "infer_kind",
]


class RunDefaults(_Spec):
    """How the scenario runs when the caller does not say otherwise."""

    n_samples: int = Field(10_000, ge=1, le=MAX_SAMPLES, description="Monte Carlo samples (count).")
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


class ScenarioBase(_Spec):
    """What every scenario has, whatever model runs it: its name, horizon, run defaults and inputs.

    Not a scenario by itself: a scenario is one of its kinds, :class:`ComputeScenario`
    or :class:`WorldScenario` (see :data:`Scenario`).
    """

    kind: str = Field(
        description="Which model runs the scenario: 'compute' or 'world'. When absent it is "
        "inferred from the sections given (see :func:`infer_kind`)."
    )
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
    references: dict[str, str] = Field(
        default_factory=dict,
        description="Extra sources cited by `src:KEY` in this scenario's comments: title and address.",
    )

    sections: ClassVar[tuple[str, ...]] = ()
    """The sections that belong to this kind only, in order; they hold every model parameter."""

    @field_validator("inputs")
    @classmethod
    def _input_names_are_identifiers(cls, value: dict[str, Any]) -> dict[str, Any]:
        return _check_names(value)


class ComputeScenario(ScenarioBase):
    """A compute scenario: one lab's exogenous demand and prices, strategies run on the same draws.

    Benchmark B1 is one. Its outputs are declared in ``outputs`` (present values
    of strategies' costs and their differences).
    """

    kind: Literal["compute"] = Field("compute", description="Which model runs the scenario.")
    compute: ComputeSpec = Field(description="Demand, prices and owned-fleet economics.")
    strategies: dict[str, StrategySpec] = Field(
        min_length=1, description="Strategies simulated on the same draws, by name."
    )
    outputs: dict[str, OutputSpec] = Field(
        min_length=1, description="Per-sample outputs, in order; later ones may use earlier ones."
    )

    sections: ClassVar[tuple[str, ...]] = ("compute", "strategies", "outputs")

    @field_validator("strategies", "outputs")
    @classmethod
    def _names_are_identifiers(cls, value: dict[str, Any]) -> dict[str, Any]:
        return _check_names(value)


class WorldScenario(ScenarioBase):
    """A world scenario: several labs competing in one market, each with its route to compute.

    Chips, clouds (with their partner deals), labs and market are required;
    capability, finance and risks have cited defaults.
    """

    kind: Literal["world"] = Field("world", description="Which model runs the scenario.")
    start_year: float = Field(
        2026.25,
        description="Calendar year at the start of quarter 0 (year).",
        json_schema_extra={"x-source": "assumption: the latest public figures used are from early/mid 2026"},
    )
    chips: dict[str, ChipSpec] = Field(description="Accelerator types, by name.")
    clouds: dict[str, CloudSpec] = Field(description="Clouds and partners, by name.")
    labs: dict[str, LabSpec] = Field(description="The competing labs, by name.")
    market: MarketSpec = Field(description="Demand for AI services, by segment.")
    capability: CapabilitySpec = Field(
        default_factory=CapabilitySpec, description="Training compute to capability to share."
    )
    finance: FinanceSpec = Field(default_factory=FinanceSpec, description="Rates, valuation, funding.")
    risks: RisksSpec = Field(default_factory=RisksSpec, description="Risk events (all off by default).")

    sections: ClassVar[tuple[str, ...]] = WORLD_SECTIONS

    @field_validator("chips", "clouds", "labs")
    @classmethod
    def _names_are_identifiers(cls, value: dict[str, Any]) -> dict[str, Any]:
        return _check_names(value)


SCENARIO_KINDS: dict[str, type[ScenarioBase]] = {
    "compute": ComputeScenario,
    "world": WorldScenario,
}
"""Every kind of scenario by its ``kind`` tag; the first is the one assumed when nothing says."""


def infer_kind(data: Any) -> str | None:
    """Return the kind of a scenario, or of the mapping of its fields (``None`` if neither).

    An explicit ``kind`` wins. Without one, the kind is the one whose own
    sections (:attr:`ScenarioBase.sections`) the mapping holds most of, so a
    world scenario missing ``labs`` is still read as a world scenario and told
    what it lacks; with none of them, a compute scenario.
    """
    if isinstance(data, ScenarioBase):
        return data.kind
    if not isinstance(data, Mapping):
        return None
    kind = data.get("kind")
    if kind is not None:
        # Any other value is reported by pydantic as an unknown tag, listing the known ones.
        return kind if isinstance(kind, str) else repr(kind)
    held = {tag: sum(s in data for s in cls.sections) for tag, cls in SCENARIO_KINDS.items()}
    return max(held, key=lambda tag: held[tag])  # ties: the first kind


Scenario: TypeAlias = Annotated[
    Annotated[ComputeScenario, Tag("compute")] | Annotated[WorldScenario, Tag("world")],
    Discriminator(infer_kind),
]
"""A complete, validated labecon scenario: one of the kinds in :data:`SCENARIO_KINDS`."""

SCENARIO_ADAPTER: TypeAdapter[Scenario] = TypeAdapter(Scenario)
"""Validates a mapping of fields as a :data:`Scenario` of the right kind."""

K = TypeVar("K", bound=ScenarioBase)


def as_kind(scenario: ScenarioBase, kind: type[K]) -> K | None:
    """Return ``scenario`` if it is of the given kind, else ``None``.

    For the few commands that apply to one kind of scenario only (comparing a
    compute scenario's own strategies); everything else goes through the
    scenario's engine and never asks.
    """
    return scenario if isinstance(scenario, kind) else None


def _check_names(value: dict[str, Any]) -> dict[str, Any]:
    for name in value:
        if not NAME_RE.match(name):
            msg = f"name {name!r} must start with a letter or _ and hold only letters, digits, _"
            raise ValueError(msg)
    return value
