"""The engines: which model runs a scenario, behind one interface (:class:`Engine`).

:func:`engine_for` is the one place that looks at a scenario's kind. A new
kind of scenario needs a model, an engine module here and one line in
:data:`ENGINES`; nothing else in the runtime, the analyses, the reports or
the command line changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from labecon.errors import ScenarioError
from labecon.runtime.engines.base import BlockValues, Engine
from labecon.runtime.engines.compute import ComputeEngine
from labecon.runtime.engines.world import WorldEngine
from labecon.scenario.schema import ComputeScenario, Scenario, ScenarioBase, WorldScenario

__all__ = ["ENGINES", "BlockValues", "ComputeEngine", "Engine", "WorldEngine", "engine_for"]

ENGINES: dict[type[ScenarioBase], Callable[[Any], Engine]] = {
    ComputeScenario: ComputeEngine,
    WorldScenario: WorldEngine,
}
"""The engine of each kind of scenario, by the scenario's class."""


def engine_for(scenario: Scenario) -> Engine:
    """Return the engine that runs ``scenario``, the model of its kind.

    Raises
    ------
    ScenarioError
        No engine runs this kind of scenario.
    """
    for cls in type(scenario).__mro__:
        if cls in ENGINES:
            return ENGINES[cls](scenario)
    known = ", ".join(sorted(c.__name__ for c in ENGINES))
    msg = f"no engine runs a {type(scenario).__name__} (engines exist for: {known})"
    raise ScenarioError(msg, "kind")
