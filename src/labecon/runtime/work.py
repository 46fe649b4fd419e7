"""The work of one block or task of samples: what every backend runs, in any process.

Kept apart from :mod:`labecon.runtime.run` so a worker process imports only
what computing needs (the model, the sampler, the reducers), not the results
layer (xarray, pandas) or the analyses.

- :func:`compute_block` draws one block's inputs (or takes them from a user's
  table) and runs it, returning its per-sample outputs;
- :func:`compute_task` does that for every block of a longer range and folds
  the outputs into partial reducers on the spot, so a worker sends back
  summaries of its range, not its samples.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np

from labecon.model.risk import shared_futures
from labecon.model.state import EngineChoice
from labecon.model.world import plausibility_warnings_kept
from labecon.runtime.engines import engine_for
from labecon.runtime.plan import Block
from labecon.runtime.reducers import GROUP, OutputReducer
from labecon.scenario.distributions import FixedSpec
from labecon.scenario.schema import Scenario
from labecon.types import FloatArray
from labecon.uncertain.sampling import sample_inputs


class BlockOutput(NamedTuple):
    """What one block of samples produced; every array's first axis is the block's samples."""

    block: Block
    outputs: dict[str, FloatArray]
    """Each output, labelled by its engine's ``describe_outputs``."""
    paths: dict[str, FloatArray]
    """Per-quarter paths, labelled by its engine's ``describe_paths``; empty unless asked to keep them."""
    inputs: FloatArray | None = None
    """The uncertain inputs' values, ``(sample, input)``, when the run keeps them."""
    warned: tuple[Warning, ...] = ()
    """Plausibility warnings the block gave in a worker, for the caller (:func:`forwarding_warnings`)."""


def uncertain_input_names(scenario: Scenario) -> list[str]:
    """Return the names of the inputs that are not fixed, in declaration order."""
    return [n for n, spec in scenario.inputs.items() if not isinstance(spec, FixedSpec)]


def sample_block(scenario: Scenario, seed: int, block: Block) -> dict[str, FloatArray]:
    """Return every input's draws for the samples of ``block`` (keyed by input name)."""
    return sample_inputs(
        scenario.inputs,
        seed=seed,
        start=block.start,
        n=block.size,
        correlation=scenario.correlation,
    )


def run_block(
    scenario: Scenario,
    draws: Mapping[str, FloatArray],
    block: Block,
    *,
    seed: int | None = None,
    engine: EngineChoice = "numba",
    keep_paths: bool = False,
) -> BlockOutput:
    """Run ``scenario``'s model on one block's draws (:func:`~labecon.runtime.engines.engine_for`).

    ``seed`` (the scenario's own by default) keys the draws a model makes inside
    the quarter (a world's risk events and funding rounds) for the block's samples.
    """
    key = scenario.run.seed if seed is None else seed
    outputs, paths = engine_for(scenario).run_block(
        draws, block.size, start=block.start, seed=key, engine=engine, keep_paths=keep_paths
    )
    return BlockOutput(block, outputs, paths)


class ReducerSpec(NamedTuple):
    """How one output is summarised: its shape after the sample axis and what to keep."""

    shape: tuple[int, ...]
    quantiles: Literal["exact", "sketch"]
    p_positive: bool


@dataclass(frozen=True)
class BlockJob:
    """Everything a worker needs to compute any block of a run (picklable)."""

    scenario: Scenario
    seed: int
    engine: EngineChoice
    keep_paths: bool
    keep_inputs: bool
    table: dict[str, FloatArray] | None = None
    reducers: Mapping[str, ReducerSpec] | None = None
    """How each output is summarised, for :func:`compute_task`."""
    chunk_size: int = 65_536
    """Samples per block within a task."""
    futures_shared: int = 0
    """How many futures the run's samples share (:func:`~labecon.model.risk.shared_futures` where
    the run was started; 0: none): carried to the workers, whose threads do not see it."""


def compute_block(job: BlockJob, block: Block) -> BlockOutput:
    """Draw (or take from the table) one block's inputs and run it: every backend's unit of work."""
    if job.table is not None:
        draws = {k: v[block.start : block.stop] for k, v in job.table.items()}
        draws.update(fixed_draws(job.scenario, block.size))
    else:
        draws = sample_block(job.scenario, job.seed, block)
    with shared_futures(job.futures_shared) if job.futures_shared else nullcontext():
        out = run_block(
            job.scenario, draws, block, seed=job.seed, engine=job.engine, keep_paths=job.keep_paths
        )
    if job.keep_inputs:
        names = uncertain_input_names(job.scenario)
        kept = np.stack([draws[k] for k in names], axis=1) if names else np.empty((block.size, 0))
        out = out._replace(inputs=kept)
    return out


class TaskOutput(NamedTuple):
    """What one task produced: partial reducers of its range and the per-sample arrays kept."""

    block: Block
    """The task's range of samples."""
    reducers: dict[str, OutputReducer]
    """One partial reducer per output, to merge in sample order (:meth:`OutputReducer.merge`)."""
    paths: dict[str, FloatArray]
    inputs: FloatArray | None = None
    warned: tuple[Warning, ...] = ()


def forwarding_warnings(
    work: Callable[[Block], BlockOutput | TaskOutput], block: Block
) -> BlockOutput | TaskOutput:
    """Return ``work(block)`` with the plausibility warnings it gave, for a worker process to send back.

    A worker's warnings would otherwise stay in its own log; the run's caller gives them
    again as it folds the block (:func:`labecon.runtime.run.simulate`), as a local run would.
    They are the only warnings a block gives; any other (a library's) stays in the worker's
    log. Kept per thread, so a worker running several blocks at once sends each its own.
    """
    with plausibility_warnings_kept() as kept:
        out = work(block)
    return out._replace(warned=tuple(kept))


def compute_task(job: BlockJob, task: Block) -> TaskOutput | BlockOutput:
    """Compute the blocks of ``task`` and fold their outputs into partial reducers.

    A task that does not start on a moment group (:data:`~labecon.runtime.plan.GROUP`),
    as the first one of a resumed run may, is computed as one plain block
    instead, to be fed to the caller's reducers.
    """
    if task.start % GROUP or job.reducers is None:
        return compute_block(job, task)
    reducers = {
        name: OutputReducer(
            task.size,
            spec.shape,
            quantiles=spec.quantiles,
            p_positive=spec.p_positive,
            start=task.start,
            partial=True,
        )
        for name, spec in job.reducers.items()
    }
    paths: dict[str, FloatArray] = {}
    inputs: FloatArray | None = None
    for start in range(task.start, task.stop, job.chunk_size):
        block = Block(start, min(start + job.chunk_size, task.stop))
        out = compute_block(job, block)
        for name, values in out.outputs.items():
            reducers[name].add(block.start, values)
        rows = slice(block.start - task.start, block.stop - task.start)
        for name, values in out.paths.items():
            if name not in paths:
                paths[name] = np.empty((task.size, *values.shape[1:]))
            paths[name][rows] = values
        if out.inputs is not None:
            if inputs is None:
                inputs = np.empty((task.size, out.inputs.shape[1]))
            inputs[rows] = out.inputs
    return TaskOutput(task, reducers, paths, inputs)


def fixed_draws(sc: Scenario, n: int) -> dict[str, FloatArray]:
    """Return the fixed inputs' values for ``n`` samples."""
    return {k: np.full(n, s.value) for k, s in sc.inputs.items() if isinstance(s, FixedSpec)}
