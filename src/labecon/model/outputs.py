"""Per-sample outputs a scenario declares: their values and their description.

Every output is an array whose first axis is the sample; trailing axes (a
lab, a year, ...) are named in its :class:`OutputInfo`, so the runtime can
label, keep and summarise any output without knowing what it means.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from labecon.model.state import COST_COMPONENTS, StrategyResult
from labecon.scenario.schema import DifferenceOutput, OutputSpec, PvCostOutput, Scenario
from labecon.types import FloatArray


class OutputInfo(NamedTuple):
    """How to label and summarise one output (or one kept path)."""

    dims: tuple[str, ...]
    """Names of the axes after ``sample``."""
    coords: dict[str, list[str] | list[int]]
    """Labels of each trailing axis."""
    units: str
    description: str
    p_positive: bool = False
    """Whether to report P(output > 0)."""


def describe_outputs(scenario: Scenario) -> dict[str, OutputInfo]:
    """Return the outputs a scenario produces, in declaration order (world scenarios: their own)."""
    if scenario.is_world:
        from labecon.model.world_outputs import describe_world_outputs

        return describe_world_outputs(scenario)
    return {
        name: OutputInfo(
            dims=(),
            coords={},
            units="USD",
            description=spec.description,
            p_positive=isinstance(spec, DifferenceOutput) and spec.report_p_positive,
        )
        for name, spec in scenario.outputs.items()
    }


def describe_paths(scenario: Scenario) -> dict[str, OutputInfo]:
    """Return the per-quarter paths a scenario can keep (world scenarios: their own)."""
    if scenario.is_world:
        from labecon.model.world_outputs import describe_world_paths

        return describe_world_paths(scenario)
    return {
        "cost_usd": OutputInfo(
            dims=("strategy", "quarter", "component"),
            coords={
                "strategy": list(scenario.strategies),
                "quarter": list(range(scenario.horizon_quarters)),
                "component": list(COST_COMPONENTS),
            },
            units="USD",
            description="undiscounted cost of each quarter, by strategy and line",
        )
    }


def evaluate_outputs(
    outputs: Mapping[str, OutputSpec], results: Mapping[str, StrategyResult]
) -> dict[str, FloatArray]:
    """Return every declared output, ``(sample,)`` each, in declaration order."""
    values: dict[str, FloatArray] = {}
    for name, spec in outputs.items():
        if isinstance(spec, PvCostOutput):
            values[name] = results[spec.strategy].pv_cost_usd
        elif isinstance(spec, DifferenceOutput):
            values[name] = values[spec.minuend] - values[spec.subtrahend]
    return values
