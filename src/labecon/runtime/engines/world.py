"""The engine of world scenarios: labs competing in one market, each with its strategy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labecon.model import _world_fused
from labecon.model._world_fused import engine_path
from labecon.model.output_info import OutputInfo
from labecon.model.state import EngineChoice
from labecon.model.world import run_world
from labecon.model.world_outputs import describe_world_outputs, describe_world_paths
from labecon.runtime.engines.base import BlockValues
from labecon.runtime.memory import freed_memory_kept
from labecon.runtime.routes import route_outputs
from labecon.scenario.routes import lab_routes
from labecon.scenario.schema import WorldScenario
from labecon.strategies import lab_policy
from labecon.types import FloatArray


@dataclass(frozen=True)
class WorldEngine:
    """Runs a world scenario's labs, each under the policy its strategy stands for, and their routes."""

    scenario: WorldScenario

    def describe_outputs(self) -> dict[str, OutputInfo]:
        """Return the per-sample outputs: by lab (and year), each partner's deal, each lab's routes."""
        return describe_world_outputs(self.scenario)

    def describe_paths(self) -> dict[str, OutputInfo]:
        """Return the per-quarter paths: statements, capacity, capability and market by lab."""
        return describe_world_paths(self.scenario)

    def first_kernels(self) -> tuple[Any, ...]:
        """Return two of the kernels a world run starts with: the labs' decisions and the market."""
        return (_world_fused.decide_kernel, _world_fused.market_serve)

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
        """Run the world on one block's draws, then each lab's routes on the same draws.

        ``engine``: ``"numba"`` runs the quarter's compiled stages, ``"numpy"`` its NumPy path
        (the same bits).
        """
        sc = self.scenario
        routes = bool(lab_routes(sc))  # their figures need the declared run's NPV by line
        policy = lab_policy(sc, draws, n)
        # The sub-blocks and route runs reuse each other's memory.
        with engine_path(engine == "numba"), freed_memory_kept():
            world = run_world(
                sc, draws, n, policy, seed=seed, start=start, keep_paths=keep_paths, npv_parts=routes
            )
            outputs = dict(world.outputs)
            if routes:
                outputs.update(route_outputs(sc, draws, n, seed=seed, start=start, base=world))
        return outputs, world.paths
