"""Whether the compiled code a run needs is on disk yet: the first run on a machine compiles it.

Numba compiles the model's kernels the first time they run and keeps them on disk
(``cache=True``); that first run takes about twenty seconds longer. The command
line says so as such a run starts, so that a newcomer's first command does not
look stuck.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from labecon.scenario.schema import Scenario


def compiled_code_cached(scenario: Scenario, *, model: bool = True) -> bool:
    """Return whether the kernels a run of ``scenario`` starts with are compiled on disk already.

    False means the run compiles them first. The sampler's kernel and, with ``model`` (the
    run's engine is the compiled one), a few of the model's (its engine's
    :meth:`~labecon.runtime.engines.base.Engine.first_kernels`) stand for all; a Numba whose
    cache is laid out otherwise answers True (nothing is said).
    """
    from labecon.runtime.engines import engine_for
    from labecon.uncertain import _fast

    kernels = (_fast._fill, *(engine_for(scenario).first_kernels() if model else ()))
    return all(_on_disk(kernel) for kernel in kernels)


def _on_disk(dispatcher: Any) -> bool:
    """Return whether Numba's cache index of ``dispatcher`` exists (True if it cannot tell)."""
    try:
        index = dispatcher._cache._cache_file._index_path
    except AttributeError:
        return True
    return Path(index).exists()
