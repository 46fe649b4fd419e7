"""The engine of world scenarios: labs competing in one market, each with its strategy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from labecon.model.output_info import OutputInfo
from labecon.model.step import EngineChoice
from labecon.model.world_outputs import describe_world_outputs, describe_world_paths, run_world
from labecon.runtime.engines.base import BlockValues
from labecon.scenario.schema import WorldScenario
from labecon.strategies import lab_policy
from labecon.types import FloatArray


@dataclass(frozen=True)
class WorldEngine:
    """Runs a world scenario's labs, each under the policy its strategy stands for."""

    scenario: WorldScenario

    def describe_outputs(self) -> dict[str, OutputInfo]:
        """Return the per-sample outputs: by lab (and year), and each partner's deal."""
        return describe_world_outputs(self.scenario)

    def describe_paths(self) -> dict[str, OutputInfo]:
        """Return the per-quarter paths: statements, capacity, capability and market by lab."""
        return describe_world_paths(self.scenario)

    def run_block(
        self, draws: Mapping[str, FloatArray], n: int, *, engine: EngineChoice, keep_paths: bool
    ) -> BlockValues:
        """Run the world on one block's draws (one NumPy path: ``engine`` does not apply)."""
        policy = lab_policy(self.scenario, draws, n)
        result = run_world(self.scenario, draws, n, policy, keep_paths=keep_paths)
        return result.outputs, result.paths
