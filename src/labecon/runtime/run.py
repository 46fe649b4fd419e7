"""``simulate``: validate → sample → run blocks → reduce → wrap, each stage public.

The stages:

- :func:`sample_block` draws the uncertain inputs of one block of samples
  (or takes them from a user's table), by global sample index;
- :func:`run_block` runs the scenario's model on those draws, through the
  engine of its kind (:func:`~labecon.runtime.engines.engine_for`);
- :func:`simulate` plans the blocks, runs them in order, keeps what was asked
  and summarises the rest.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
import warnings
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Literal

import numpy as np
import xarray as xr

from labecon._version import __version__
from labecon.errors import InputTableError, OptionError
from labecon.model import _world_fused
from labecon.model.output_info import OutputInfo
from labecon.model.risk import futures_shared
from labecon.model.state import EngineChoice
from labecon.runtime.backends.base import Backend
from labecon.runtime.backends.local import LocalBackend
from labecon.runtime.engines import engine_for
from labecon.runtime.plan import Block, check_count, plan_blocks, plan_tasks
from labecon.runtime.reducers import GROUP, OutputReducer
from labecon.runtime.results import Results
from labecon.runtime.summary import OutputSummary
from labecon.runtime.work import (
    BlockJob,
    BlockOutput,
    ReducerSpec,
    TaskOutput,
    compute_block,
    compute_task,
    forwarding_warnings,
    run_block,
    sample_block,
    uncertain_input_names,
)
from labecon.scenario.checks import all_params
from labecon.scenario.loader import ScenarioSource, dump_scenario, load_scenario
from labecon.scenario.schema import Scenario
from labecon.types import BackendName, EngineName, FloatArray
from labecon.uncertain.table import read_input_table

__all__ = [
    "AUTO_EXACT_MAX_VALUES",
    "AUTO_KEEP_MAX_SAMPLES",
    "BlockJob",
    "BlockOutput",
    "KeepOption",
    "QuantileOption",
    "TaskOutput",
    "compute_block",
    "compute_task",
    "make_backend",
    "resolve_engine",
    "run_block",
    "sample_block",
    "simulate",
    "uncertain_input_names",
]

KeepOption = Literal["auto", "outputs", "summary"]
"""What per-sample values a run keeps: ``outputs`` keeps every sample's inputs and
outputs, ``summary`` only the summaries, ``auto`` keeps them up to
:data:`AUTO_KEEP_MAX_SAMPLES` samples."""

AUTO_EXACT_MAX_VALUES = 20_000_000
"""Largest number of output values (samples x output elements) summarised with exact
quantiles by default (160 MiB); beyond it, quantiles come from a sketch."""

QuantileOption = Literal["auto", "exact", "sketch"]
"""How quantiles are computed: from every value, from a sketch, or by size."""

AUTO_KEEP_MAX_SAMPLES = 1_000_000
"""Largest run whose per-sample values are kept by default (about 8 bytes per
sample per input and output: under 200 MiB for B1)."""

ProgressCallback = Callable[[int, int], None]
"""Called after each block with (samples done, samples in all)."""


def resolve_engine(engine: EngineName) -> EngineChoice:
    """Return the engine to use: ``auto`` is the compiled one when Numba imports.

    ``LABECON_PLAIN=1`` in the environment makes ``auto`` the NumPy path.
    """
    if engine == "numpy" or (engine == "auto" and not _world_fused.COMPILED):
        return "numpy"
    if engine not in ("auto", "numba"):
        msg = f"unknown engine {engine!r}; expected one of: auto, numpy, numba"
        raise OptionError(msg, "engine")
    try:
        import numba  # noqa: F401 - only probing whether it is installed
    except ImportError:
        if engine == "numba":
            msg = "the numba engine needs Numba: pip install numba"
            raise OptionError(msg, "engine") from None
        return "numpy"
    return "numba"


def simulate(
    scenario: ScenarioSource,
    n_samples: int | None = None,
    seed: int | None = None,
    *,
    inputs: str | Path | Mapping[str, Any] | None = None,
    chunk_size: int | None = None,
    keep: KeepOption = "auto",
    keep_paths: bool = False,
    quantiles: QuantileOption = "auto",
    engine: EngineName = "auto",
    backend: BackendName | Backend = "local",
    scheduler: str | None = None,
    n_workers: int | None = None,
    checkpoint_dir: str | Path | None = None,
    resume: bool = False,
    progress: ProgressCallback | None = None,
) -> Results:
    """Run a scenario by Monte Carlo and return its :class:`Results`.

    The stages: validate the scenario and options, plan blocks of samples,
    compute each block on the backend (:func:`compute_block`: draw inputs,
    run every strategy, evaluate outputs), fold the blocks in sample order
    into streaming reducers, and wrap the summaries in :class:`Results`.

    Parameters
    ----------
    scenario : Scenario, mapping, str or Path
        The scenario, its fields, a built-in name or a YAML path.
    n_samples : int, optional
        Monte Carlo samples; default the scenario's ``run.n_samples``. Not
        allowed with ``inputs`` (the table's rows set it).
    seed : int, optional
        Seed of every random stream; default the scenario's ``run.seed``.
    inputs : str, Path or mapping, optional
        A CSV or Parquet table (or a mapping of arrays), one column per
        uncertain input, used instead of drawing; row i is sample i.
    chunk_size : int, optional
        Samples per block. Results do not depend on it, bit for bit.
    keep : {"auto", "outputs", "summary"}
        Per-sample values to keep in the results (see :data:`KeepOption`).
    keep_paths : bool
        Also keep the quarter-by-quarter paths: a world's statements,
        capacity, capability and market by lab; a compute scenario's costs by
        line for each strategy (about 400 bytes per sample and strategy for
        40 quarters).
    quantiles : {"auto", "exact", "sketch"}
        Exact quantiles keep every output value (8 bytes each); the sketch
        keeps a log histogram with relative error
        :data:`~labecon.runtime.reducers.SKETCH_RELATIVE_ERROR`. ``auto`` is
        exact up to :data:`AUTO_EXACT_MAX_VALUES` values.
    engine : {"auto", "numpy", "numba"}
        How the quarterly loop runs; the same equations either way.
    backend : "local", "dask" or a Backend
        Where blocks are computed. Results are identical whatever the backend.
    scheduler : str, optional
        With ``backend="dask"``: the address of a running Dask scheduler;
        without one, a local cluster of worker processes is started.
    n_workers : int, optional
        With ``backend="dask"`` and no scheduler: how many worker processes.
    checkpoint_dir : str or Path, optional
        Save the run's state there every few seconds, so it can be resumed.
    resume : bool
        Continue from the state saved in ``checkpoint_dir`` (same scenario,
        seed, sample count and chunk size), giving the same results as an
        uninterrupted run.
    progress : callable, optional
        Called as blocks complete with (samples done, samples in all).

    Raises
    ------
    ScenarioError
        The scenario is malformed.
    OptionError
        An option is invalid.
    InputTableError
        The inputs table cannot be used.
    """
    started = datetime.now(UTC)
    clock = time.perf_counter()
    sc = load_scenario(scenario)
    table = _load_table(sc, inputs) if inputs is not None else None
    if table is not None:
        if n_samples is not None:
            msg = "is set by the inputs table's rows; do not give both"
            raise OptionError(msg, "n_samples")
        n = next(iter(table.values())).shape[0]
    else:
        n = check_count(sc.run.n_samples if n_samples is None else n_samples, "n_samples")
    run_seed = _check_seed(sc.run.seed if seed is None else seed)
    if keep not in ("auto", "outputs", "summary"):
        msg = f"unknown value {keep!r}; expected one of: auto, outputs, summary"
        raise OptionError(msg, "keep")
    if quantiles not in ("auto", "exact", "sketch"):
        msg = f"unknown value {quantiles!r}; expected one of: auto, exact, sketch"
        raise OptionError(msg, "quantiles")
    keep_samples = keep == "outputs" or (keep == "auto" and n <= AUTO_KEEP_MAX_SAMPLES)
    chosen_engine = resolve_engine(engine)
    blocks = plan_blocks(n, chunk_size)
    names = uncertain_input_names(sc)

    model = engine_for(sc)
    out_info = model.describe_outputs()
    path_info = model.describe_paths() if keep_paths else {}
    n_values = n * sum(max(1, math.prod(_shape(i))) for i in out_info.values())
    exact = (
        keep_samples or quantiles == "exact" or (quantiles == "auto" and n_values <= AUTO_EXACT_MAX_VALUES)
    )
    exact_mode: Literal["exact", "sketch"] = "exact" if exact else "sketch"
    specs = {name: ReducerSpec(_shape(info), exact_mode, info.p_positive) for name, info in out_info.items()}
    reducers = {
        name: OutputReducer(n, spec.shape, quantiles=spec.quantiles, p_positive=spec.p_positive)
        for name, spec in specs.items()
    }
    kept_paths = {name: np.empty((n, *_shape(info))) for name, info in path_info.items()}
    kept_inputs = np.empty((n, len(names))) if keep_samples else None
    job = BlockJob(
        sc,
        run_seed,
        chosen_engine,
        keep_paths,
        kept_inputs is not None,
        table,
        specs,
        blocks[0].size,
        futures_shared(),
    )
    checkpoint = _Checkpoint(Path(checkpoint_dir), _fingerprint(job, n, blocks)) if checkpoint_dir else None
    done_upto = 0
    if resume:
        if checkpoint is None:
            msg = "resuming needs the checkpoint directory of the interrupted run"
            raise OptionError(msg, "checkpoint_dir")
        done_upto = checkpoint.load(reducers, kept_paths, kept_inputs)

    def fold(out: BlockOutput | TaskOutput) -> None:
        b = out.block
        for warning in out.warned:  # given in a worker process: given here, as a local run would
            warnings.warn(warning, stacklevel=4)
        if isinstance(out, TaskOutput):
            for name, part in out.reducers.items():
                reducers[name].merge(part)
        else:
            for name, values in out.outputs.items():
                reducers[name].add(b.start, values)
        for name, values in out.paths.items():
            kept_paths[name][b.start : b.stop] = values
        if kept_inputs is not None and out.inputs is not None:
            kept_inputs[b.start : b.stop] = out.inputs

    runner = make_backend(backend, scheduler, n_workers)
    workers_used = int(getattr(runner, "n_workers", 1))
    work: Callable[[Block], BlockOutput | TaskOutput]
    if chunk_size is None and _too_few_for_workers(n - done_upto, workers_used):
        # One block per worker, folded here: otherwise a run of one moment group, or one
        # default block, would keep every worker but one idle.
        size = -(-(n - done_upto) // workers_used)
        todo = [Block(s, min(s + size, n)) for s in range(done_upto, n, size)]
        work = partial(compute_block, job)
    elif getattr(runner, "folds_on_workers", False):
        # Workers fold their samples into partial reducers and send back only those.
        todo = plan_tasks(n, done_upto, blocks[0].size, workers_used)
        work = partial(compute_task, job)
    else:
        todo = [b for b in blocks if b.start >= done_upto]
        work = partial(compute_block, job)
    if getattr(runner, "in_other_processes", False):
        work = partial(forwarding_warnings, work)
    try:
        # Work may complete in any order; it is folded in sample order.
        pending: dict[int, BlockOutput | TaskOutput] = {}
        next_start = done_upto
        for block, out in runner.map_blocks(work, todo):
            if isinstance(out, TaskOutput):
                # Counts add in any order: take them now, so a task waiting for its
                # turn holds only its moments.
                for name, part in out.reducers.items():
                    reducers[name].merge_counts(part)
            pending[block.start] = out
            while next_start in pending:
                ready = pending.pop(next_start)
                fold(ready)
                next_start = ready.block.stop
                if checkpoint is not None:
                    checkpoint.maybe_save(next_start, reducers, kept_paths, kept_inputs)
            if progress is not None:
                progress(next_start, n)
    finally:
        if runner is not backend:
            runner.close()
    if checkpoint is not None:
        checkpoint.save(n, reducers, kept_paths, kept_inputs)

    data_vars: dict[str, Any] = {}
    coords: dict[str, Any] = {}
    for info in (*out_info.values(), *path_info.values()):
        coords.update(info.coords)
    if keep_samples:
        coords["sample"] = np.arange(n)
        coords["input"] = names
        for name, info in out_info.items():
            data_vars[name] = xr.Variable(
                ("sample", *info.dims),
                reducers[name].values,
                attrs={"units": info.units, "description": info.description},
            )
        if kept_inputs is not None:
            data_vars["input_value"] = xr.Variable(
                ("sample", "input"), kept_inputs, attrs={"description": "drawn or supplied input values"}
            )
    for name, info in path_info.items():
        coords["sample"] = np.arange(n)
        data_vars[name] = xr.Variable(
            ("sample", *info.dims),
            kept_paths[name],
            attrs={"units": info.units, "description": info.description},
        )
    summaries = {name: r.result() for name, r in reducers.items()}
    scalar = [name for name, info in out_info.items() if not info.dims]
    stats = _statistics(summaries)
    if scalar:
        data_vars["summary"] = xr.Variable(
            ("output", "statistic"),
            np.array([[summaries[o].as_dict().get(k, np.nan) for k in stats] for o in scalar], dtype=float),
            attrs={"description": "summary over samples of each scalar output"},
        )
        coords["output"] = scalar
    for name, info in out_info.items():
        if info.dims:
            table_ = summaries[name].as_dict()
            data_vars[f"summary_{name}"] = xr.Variable(
                ("statistic", *info.dims),
                np.array([np.broadcast_to(table_.get(k, np.nan), _shape(info)) for k in stats], dtype=float),
                attrs={"units": info.units, "description": f"summary over samples of {name}"},
            )
    coords["statistic"] = stats
    scenario_yaml = dump_scenario(sc)
    manifest = {
        "scenario": sc.name,
        "scenario_hash": hashlib.sha256(
            json.dumps(sc.model_dump(mode="json"), sort_keys=True).encode()
        ).hexdigest(),
        "seed": run_seed,
        "n_samples": n,
        "inputs": "table" if table is not None else "drawn",
        "engine": chosen_engine,
        "backend": runner.name,
        "n_workers": workers_used,
        "quantiles": exact_mode,
        "chunk_size": blocks[0].size if blocks else 0,
        "labecon_version": __version__,
        "started": started.isoformat(),
        "finished": datetime.now(UTC).isoformat(),
        "elapsed_s": time.perf_counter() - clock,
    }
    dataset = xr.Dataset(data_vars, coords=coords, attrs=manifest)
    # The scenario itself kept beside its YAML: the route answer needs it, and reading it back costs.
    extra = {"scenario": sc}
    return Results(
        dataset=dataset, summaries=summaries, manifest=manifest, scenario_yaml=scenario_yaml, _extra=extra
    )


def _shape(info: OutputInfo) -> tuple[int, ...]:
    return tuple(len(info.coords[d]) for d in info.dims)


def _statistics(summaries: Mapping[str, OutputSummary]) -> list[str]:
    """Return the statistic names, the union over outputs, in a stable order."""
    names: list[str] = []
    for s in summaries.values():
        names.extend(k for k in s.as_dict() if k not in names and k != "n_samples")
    return names


def _too_few_for_workers(remaining: int, workers: int) -> bool:
    """Return whether ``remaining`` samples make fewer moment groups than there are workers.

    Moment groups (:data:`~labecon.runtime.reducers.GROUP`, as large as a default block) are
    what workers that fold their own samples are given, and default blocks what the others are.
    """
    return workers > 1 and remaining > 0 and -(-remaining // GROUP) < workers


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        msg = f"must be a whole number, got {seed!r}"
        raise OptionError(msg, "seed")
    if not 0 <= int(seed) < 2**63:
        msg = f"must be in 0 .. 2**63 - 1, got {seed}"
        raise OptionError(msg, "seed")
    return int(seed)


def _load_table(sc: Scenario, inputs: str | Path | Mapping[str, Any]) -> dict[str, FloatArray]:
    """Read a user's input samples and check them against the fields that use them."""
    names = uncertain_input_names(sc)
    if isinstance(inputs, Mapping):
        missing = [n for n in names if n not in inputs]
        extra = [k for k in inputs if k not in names]
        if missing or extra:
            msg = f"inputs must have exactly the columns {names}; missing {missing}, unexpected {extra}"
            raise InputTableError(msg)
        table = {k: np.asarray(inputs[k], dtype=np.float64) for k in names}
        lengths = {v.shape for v in table.values()}
        if len(lengths) != 1 or len(next(iter(lengths))) != 1:
            msg = "inputs columns must be one-dimensional and of equal length"
            raise InputTableError(msg)
    else:
        table = read_input_table(inputs, names)
    if next(iter(table.values())).shape[0] == 0:
        msg = "the inputs table has no rows"
        raise InputTableError(msg)
    _check_table_values(sc, table)
    return table


def _check_table_values(sc: Scenario, table: Mapping[str, FloatArray]) -> None:
    """Every supplied value must be one the field using it allows."""
    for path, bounds, value in all_params(sc):
        if not isinstance(value, str) or value not in table:
            continue
        found = bounds.first_violation(table[value])
        if found is not None:
            row, problem = found
            msg = f"column {value!r}, row {row + 1}: used by {path}, which {problem}"
            raise InputTableError(msg)


def make_backend(
    backend: BackendName | Backend, scheduler: str | None = None, n_workers: int | None = None
) -> Backend:
    """Return a backend object for a name (or the object given), checking the options that go with it.

    Raises
    ------
    OptionError
        An unknown backend, or a scheduler or worker count without ``backend="dask"``.
    """
    if backend != "dask" and (scheduler is not None or n_workers is not None):
        msg = "a scheduler address or a worker count needs the dask backend (--backend dask)"
        raise OptionError(msg, "backend")
    if not isinstance(backend, str):
        return backend
    if backend == "local":
        return LocalBackend()
    if backend == "dask":
        from labecon.runtime.backends.dask import DaskBackend

        return DaskBackend(scheduler, n_workers)
    msg = f"unknown backend {backend!r}; expected one of: local, dask"
    raise OptionError(msg, "backend")


def _fingerprint(job: BlockJob, n: int, blocks: list[Block]) -> str:
    """Return what identifies a run's work, so a checkpoint is never applied to another run.

    The engine is left out: both engines give the same bits, so a run may resume on either.
    """
    parts = [
        job.scenario.model_dump_json(),
        str(job.seed),
        str(job.keep_paths),
        str(job.keep_inputs),
        str(n),
        str(blocks[0].size),
        str(job.futures_shared),
    ]
    if job.table is not None:
        parts.extend(
            hashlib.sha256(np.ascontiguousarray(v).tobytes()).hexdigest() for v in job.table.values()
        )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class _Checkpoint:
    """A run's state on disk: the reducers and kept arrays after a prefix of blocks.

    Saved atomically (written beside, then renamed) at most every
    :data:`CHECKPOINT_EVERY_S` seconds, so an interrupted run resumes from
    its last save and recomputes only the blocks after it.
    """

    def __init__(self, directory: Path, fingerprint: str) -> None:
        self.directory = directory
        self.path = directory / "state.npz"
        self.fingerprint = fingerprint
        self.last_save = time.monotonic()
        self.every_s = float(os.environ.get("LABECON_CHECKPOINT_EVERY_S", CHECKPOINT_EVERY_S))

    def maybe_save(
        self,
        done_upto: int,
        reducers: Mapping[str, OutputReducer],
        kept_paths: Mapping[str, FloatArray],
        kept_inputs: FloatArray | None,
    ) -> None:
        if time.monotonic() - self.last_save >= self.every_s:
            self.save(done_upto, reducers, kept_paths, kept_inputs)

    def save(
        self,
        done_upto: int,
        reducers: Mapping[str, OutputReducer],
        kept_paths: Mapping[str, FloatArray],
        kept_inputs: FloatArray | None,
    ) -> None:
        arrays: dict[str, Any] = {
            "fingerprint": np.array([self.fingerprint]),
            "format": np.array([CHECKPOINT_FORMAT]),
            "done_upto": np.array([done_upto]),
        }
        for name, r in reducers.items():
            arrays.update(r.state(f"r__{name}__"))
        for name, arr in kept_paths.items():
            arrays[f"p__{name}"] = arr[:done_upto]
        if kept_inputs is not None:
            arrays["inputs"] = kept_inputs[:done_upto]
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / f".state-{os.getpid()}.npz"
        np.savez(tmp, **arrays)
        tmp.replace(self.path)
        self.last_save = time.monotonic()

    def load(
        self,
        reducers: Mapping[str, OutputReducer],
        kept_paths: Mapping[str, FloatArray],
        kept_inputs: FloatArray | None,
    ) -> int:
        """Restore the saved state; return the first sample still to compute."""
        if not self.path.is_file():
            msg = f"no checkpoint in {self.directory}: nothing to resume"
            raise OptionError(msg, "resume")
        try:
            with np.load(self.path, allow_pickle=False) as data:
                state = {k: data[k] for k in data.files}
        except (OSError, ValueError) as exc:
            msg = f"the checkpoint in {self.directory} cannot be read ({exc})"
            raise OptionError(msg, "resume") from None
        found = int(state["format"][0]) if "format" in state else 1
        if found != CHECKPOINT_FORMAT:
            msg = (
                f"the checkpoint in {self.directory} was written by another version of labecon "
                f"(checkpoint format {found}, this one reads {CHECKPOINT_FORMAT}); start the run afresh"
            )
            raise OptionError(msg, "resume")
        if str(state["fingerprint"][0]) != self.fingerprint:
            msg = "the checkpoint belongs to another run (scenario, seed, samples or chunk size differ)"
            raise OptionError(msg, "resume")
        done_upto = int(state["done_upto"][0])
        for name, r in reducers.items():
            r.load(state, f"r__{name}__")
        for name, arr in kept_paths.items():
            arr[:done_upto] = state[f"p__{name}"]
        if kept_inputs is not None:
            kept_inputs[:done_upto] = state["inputs"]
        return done_upto


CHECKPOINT_FORMAT = 2
"""Layout of a checkpoint's reducer state (2: moments folded in groups of samples)."""

CHECKPOINT_EVERY_S = 5.0
"""Seconds between checkpoints of a run that has a checkpoint directory (the
environment variable ``LABECON_CHECKPOINT_EVERY_S`` overrides it)."""
