"""The one interface every model's engine implements, whatever kind of scenario it runs.

The runtime, the analyses and the reports know a scenario's model only
through it: what outputs and per-quarter paths it produces (labelled by
:class:`~labecon.model.output_info.OutputInfo`), and how to run one block of
samples on their drawn inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from labecon.model.output_info import OutputInfo
from labecon.model.state import EngineChoice
from labecon.types import FloatArray

BlockValues = tuple[dict[str, FloatArray], dict[str, FloatArray]]
"""A block's ``(outputs, paths)``: arrays whose first axis is the block's samples."""


@runtime_checkable
class Engine(Protocol):
    """Runs one kind of scenario: describes its outputs and paths, and computes blocks of samples."""

    def describe_outputs(self) -> dict[str, OutputInfo]:
        """Return every per-sample output the scenario produces, in order."""
        ...

    def describe_paths(self) -> dict[str, OutputInfo]:
        """Return every per-quarter path the scenario can keep when asked."""
        ...

    def first_kernels(self) -> tuple[Any, ...]:
        """Return a few of the compiled kernels (Numba dispatchers) a run starts with.

        They stand for all the model's kernels, compiled together on a run's first quarter:
        if they are on disk, a run does not compile (:mod:`labecon.runtime.compiled`).
        """
        ...

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
        """Run ``n`` samples on their inputs' draws; return outputs, and paths if ``keep_paths``.

        ``start`` (the block's first sample) and ``seed`` (the run's) key the
        draws a model makes inside the quarter, so sample i gets the same ones
        whatever the blocks. ``engine`` says how the quarterly loop runs
        (compiled or plain NumPy, the same bits); a model with one way only
        ignores it.
        """
        ...
