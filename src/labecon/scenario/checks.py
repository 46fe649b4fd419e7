"""Cross-field checks of a scenario, each small and named, each naming the field's path.

Per-field rules live in :mod:`labecon.scenario.schema`; the rules here need
more than one field: a parameter that names an input must name a declared
one, whose distribution can only produce values the parameter allows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

from pydantic import BaseModel

from labecon.errors import ScenarioError
from labecon.scenario.distributions import (
    BetaSpec,
    DiscreteSpec,
    DistributionSpec,
    FixedSpec,
    IntUniformSpec,
    LogNormalSpec,
    NormalSpec,
    PertSpec,
    TriangularSpec,
    UniformSpec,
)
from labecon.scenario.schema import (
    Bounds,
    BuildAheadSpec,
    DifferenceOutput,
    PvCostOutput,
    Scenario,
    bounds_of,
)


def support(spec: DistributionSpec) -> tuple[float, float, bool]:
    """Return ``(lowest, highest, integer_valued)`` of the values a distribution can take."""
    match spec:
        case FixedSpec():
            return spec.value, spec.value, float(spec.value).is_integer()
        case UniformSpec() | TriangularSpec() | PertSpec():
            return spec.low, spec.high, False
        case BetaSpec():
            return spec.low, spec.high, False
        case NormalSpec():
            return -math.inf, math.inf, False
        case LogNormalSpec():
            return 0.0, math.inf, False
        case DiscreteSpec():
            return min(spec.values), max(spec.values), all(float(v).is_integer() for v in spec.values)
        case IntUniformSpec():
            return float(spec.low), float(spec.high), True
    msg = f"no support known for {type(spec).__name__}"
    raise TypeError(msg)


def iter_params(model: BaseModel, prefix: str) -> Iterator[tuple[str, Bounds, object]]:
    """Yield ``(path, bounds, value)`` for every number-or-input field of ``model``."""
    for name in type(model).model_fields:
        bounds = bounds_of(type(model), name)
        if bounds is not None:
            yield f"{prefix}.{name}", bounds, getattr(model, name)


def check_inputs_referenced_exist(scenario: Scenario) -> None:
    """Check that every parameter given as a name names an input declared in ``inputs``."""
    for path, _bounds, value in _all_params(scenario):
        if isinstance(value, str) and value not in scenario.inputs:
            declared = ", ".join(sorted(scenario.inputs)) or "none"
            msg = f"names input {value!r}, which is not declared in inputs (declared: {declared})"
            raise ScenarioError(msg, path)


def check_input_support_fits_bounds(scenario: Scenario) -> None:
    """Check that an input used by a parameter only produces values the parameter allows."""
    for path, bounds, value in _all_params(scenario):
        if not isinstance(value, str):
            continue
        spec = scenario.inputs[value]
        lo, hi, integer = support(spec)
        for end in (lo, hi):
            if math.isfinite(end) and (problem := bounds.violation(end)):
                msg = f"input {value!r} can take the value {end:g}, but this field {problem}"
                raise ScenarioError(msg, path)
        bad_lo = (bounds.ge is not None and lo < bounds.ge) or (bounds.gt is not None and lo <= bounds.gt)
        bad_hi = (bounds.le is not None and hi > bounds.le) or (bounds.lt is not None and hi >= bounds.lt)
        if bad_lo or bad_hi:
            msg = (
                f"input {value!r} ranges over [{lo:g}, {hi:g}], outside what this field allows "
                f"({bounds.describe()})"
            )
            raise ScenarioError(msg, path)
        if bounds.integer and not integer:
            msg = f"input {value!r} must take whole numbers only (use int_uniform or discrete)"
            raise ScenarioError(msg, path)


def check_correlated_inputs_exist(scenario: Scenario) -> None:
    """Check that correlated inputs are declared and uncertain."""
    if scenario.correlation is None:
        return
    for i, name in enumerate(scenario.correlation.names):
        if name not in scenario.inputs:
            msg = f"{name!r} is not declared in inputs"
            raise ScenarioError(msg, f"correlation.names[{i}]")
        if isinstance(scenario.inputs[name], FixedSpec):
            msg = f"{name!r} is fixed; only uncertain inputs can be correlated"
            raise ScenarioError(msg, f"correlation.names[{i}]")


def check_outputs_refer_to_known_names(scenario: Scenario) -> None:
    """Check that outputs name existing strategies, and differences name earlier outputs."""
    seen: set[str] = set()
    for name, out in scenario.outputs.items():
        if isinstance(out, PvCostOutput) and out.strategy not in scenario.strategies:
            known = ", ".join(scenario.strategies)
            msg = f"unknown strategy {out.strategy!r}; expected one of: {known}"
            raise ScenarioError(msg, f"outputs.{name}.strategy")
        if isinstance(out, DifferenceOutput):
            for side in ("minuend", "subtrahend"):
                ref = getattr(out, side)
                if ref not in seen:
                    msg = f"{ref!r} is not an output defined before {name!r}"
                    raise ScenarioError(msg, f"outputs.{name}.{side}")
        seen.add(name)


CHECKS: dict[str, Callable[[Scenario], None]] = {
    "inputs_referenced_exist": check_inputs_referenced_exist,
    "input_support_fits_bounds": check_input_support_fits_bounds,
    "correlated_inputs_exist": check_correlated_inputs_exist,
    "outputs_refer_to_known_names": check_outputs_refer_to_known_names,
}
"""Every cross-field check, by name, in the order they run."""


def run_checks(scenario: Scenario) -> None:
    """Run every check in :data:`CHECKS`; raise :class:`ScenarioError` at the first failure."""
    for check in CHECKS.values():
        check(scenario)


def _all_params(scenario: Scenario) -> Iterator[tuple[str, Bounds, object]]:
    yield from iter_params(scenario.compute, "compute")
    for name, strategy in scenario.strategies.items():
        if isinstance(strategy, BuildAheadSpec):
            yield from iter_params(strategy, f"strategies.{name}")
