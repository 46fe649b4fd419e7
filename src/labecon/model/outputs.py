"""Per-sample outputs a scenario declares, from the strategies' results."""

from __future__ import annotations

from collections.abc import Mapping

from labecon.model.step import StrategyResult
from labecon.scenario.schema import DifferenceOutput, OutputSpec, PvCostOutput
from labecon.types import FloatArray


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
