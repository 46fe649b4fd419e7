"""The engine of compute scenarios (benchmark B1): one lab's strategies run on the same draws."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from labecon.model.output_info import OutputInfo
from labecon.model.outputs import describe_compute_outputs, describe_compute_paths, evaluate_outputs
from labecon.model.params import compute_params
from labecon.model.state import EngineChoice, StrategyResult
from labecon.model.step import path_factors, simulate_strategy
from labecon.runtime.engines.base import BlockValues
from labecon.scenario.schema import ComputeScenario
from labecon.strategies import fleet_policy
from labecon.types import FloatArray


@dataclass(frozen=True)
class ComputeEngine:
    """Runs every strategy of a compute scenario on a block's draws and evaluates its outputs."""

    scenario: ComputeScenario

    def describe_outputs(self) -> dict[str, OutputInfo]:
        """Return the outputs the scenario declares, one number per sample each."""
        return describe_compute_outputs(self.scenario)

    def describe_paths(self) -> dict[str, OutputInfo]:
        """Return the kept path: each strategy's undiscounted cost per quarter and line."""
        return describe_compute_paths(self.scenario)

    def first_kernels(self) -> tuple[Any, ...]:
        """Return the two kernels a compute run starts with: building and renting."""
        from labecon.model import _fused

        return (_fused._build_kernel, _fused._rent_kernel)

    def run_block(
        self,
        draws: Mapping[str, FloatArray],
        n: int,
        *,
        start: int,
        seed: int,
        engine: EngineChoice,
        keep_paths: bool,
    ) -> BlockValues:
        """Run every strategy on the same draws (common random numbers); evaluate the outputs.

        The model draws nothing inside the quarter: ``start`` and ``seed`` do not apply.
        """
        sc = self.scenario
        params = compute_params(sc.compute, draws, n)
        factors = path_factors(params)  # shared by every strategy of the block
        results: dict[str, StrategyResult] = {}
        for name, spec in sc.strategies.items():
            results[name] = simulate_strategy(
                params,
                fleet_policy(spec, draws, n),
                horizon_quarters=sc.horizon_quarters,
                life_quarters=sc.compute.unit_life_quarters,
                hours_per_quarter=sc.hours_per_quarter,
                keep_paths=keep_paths,
                engine=engine,
                factors=factors,
            )
        paths: dict[str, FloatArray] = {}
        if keep_paths:
            paths["cost_usd"] = np.stack(
                [r.costs_usd for r in results.values() if r.costs_usd is not None], axis=1
            )
        return evaluate_outputs(sc.outputs, results), paths
