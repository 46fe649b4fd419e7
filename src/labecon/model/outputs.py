"""A compute scenario's outputs: their description, their kept paths and their values.

The outputs are the ones the scenario declares (present values of
strategies' costs and differences of earlier outputs), one number per sample
each; the kept path is each strategy's undiscounted cost per quarter and line.
"""

from __future__ import annotations

from collections.abc import Mapping

from labecon.model.output_info import OutputInfo
from labecon.model.state import COST_COMPONENTS, StrategyResult
from labecon.scenario.schema import ComputeScenario, DifferenceOutput, OutputSpec, PvCostOutput
from labecon.types import FloatArray


def describe_compute_outputs(scenario: ComputeScenario) -> dict[str, OutputInfo]:
    """Return the outputs a compute scenario declares, in declaration order."""
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


def describe_compute_paths(scenario: ComputeScenario) -> dict[str, OutputInfo]:
    """Return the per-quarter paths a compute scenario can keep: each strategy's costs by line."""
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
