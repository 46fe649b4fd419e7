"""Whether the compiled code a run needs is on disk yet: the first run on a machine compiles it.

Numba compiles the model's kernels the first time they run and keeps them on disk
(``cache=True``); that first run takes about twenty seconds longer. The command
line says so as such a run starts, so that a newcomer's first command does not
look stuck.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from labecon.scenario.schema import Scenario, WorldScenario


def compiled_code_cached(scenario: Scenario) -> bool:
    """Return whether the kernels a run of ``scenario`` starts with are compiled on disk already.

    False means the run compiles them first. A few kernels stand for all (they are
    compiled together on a run's first quarter); a Numba whose cache is laid out
    otherwise answers True (nothing is said).
    """
    from labecon.uncertain import _fast

    kernels: list[Any] = [_fast._fill]
    if isinstance(scenario, WorldScenario):
        from labecon.model import _world_fused

        kernels += [_world_fused.decide_kernel, _world_fused.market_serve]
    else:
        from labecon.model import _fused

        kernels += [_fused._build_kernel, _fused._rent_kernel]
    return all(_on_disk(kernel) for kernel in kernels)


def _on_disk(dispatcher: Any) -> bool:
    """Return whether Numba's cache index of ``dispatcher`` exists (True if it cannot tell)."""
    try:
        index = dispatcher._cache._cache_file._index_path
    except AttributeError:
        return True
    return Path(index).exists()
