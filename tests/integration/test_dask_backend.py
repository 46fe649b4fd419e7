"""The Dask backend: the same bits as a local run, whatever the chunking or a dead worker.

One ``LocalCluster`` of two worker processes serves the whole module. The
tests that need Dask are marked ``dask`` (``pytest -m dask`` selects them);
the ones about Dask being absent run everywhere.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.conftest import plausibility_counts
from tests.integration._dask_funcs import failing_block, toy_block
from typer.testing import CliRunner

import labecon
from labecon.cli import app
from labecon.errors import BackendError, OptionalDependencyError, OptionError
from labecon.runtime.backends import LocalBackend
from labecon.runtime.backends.dask import DaskBackend
from labecon.runtime.plan import Block, plan_blocks
from labecon.runtime.reducers import GROUP

HAS_DASK = importlib.util.find_spec("distributed") is not None
requires_dask = pytest.mark.skipif(not HAS_DASK, reason="needs labecon[dask]")


@pytest.fixture(scope="module")
def backend() -> Iterator[DaskBackend]:
    if not HAS_DASK:
        pytest.skip("needs labecon[dask]")
    be = DaskBackend(n_workers=2)
    try:
        be.client.wait_for_workers(2, timeout=60)
        yield be
    finally:
        be.close()


def _local(fn: Any, blocks: list[Block]) -> dict[Block, Any]:
    return dict(LocalBackend().map_blocks(fn, blocks))


def _stacked(results: dict[Block, np.ndarray]) -> np.ndarray:
    return np.concatenate([results[b] for b in sorted(results)])


@requires_dask
@pytest.mark.dask
@pytest.mark.parametrize("chunk_size", [1_000, 333, 37])
def test_toy_blocks_equal_a_local_map_bit_for_bit(backend: DaskBackend, chunk_size: int) -> None:
    blocks = plan_blocks(3_000, chunk_size)
    fn = functools.partial(toy_block, 11)
    got = dict(backend.map_blocks(fn, blocks))
    assert sorted(got) == blocks  # every block exactly once
    want = _local(fn, blocks)
    for block in blocks:
        assert got[block].tobytes() == want[block].tobytes()
    # Whatever the chunking, the samples are the same.
    assert _stacked(got).tobytes() == toy_block(11, Block(0, 3_000)).tobytes()


@requires_dask
@pytest.mark.dask
@pytest.mark.parametrize(
    ("chunk_size", "options"),
    [(700, {}), (1_100, {"keep": "summary", "quantiles": "sketch"})],
)
def test_simulate_on_dask_equals_a_local_run_bit_for_bit(
    backend: DaskBackend, chunk_size: int, options: dict[str, Any]
) -> None:
    local = labecon.simulate("b1", n_samples=3_000, seed=3, **options)
    on_dask = labecon.simulate(
        "b1", n_samples=3_000, seed=3, chunk_size=chunk_size, backend=backend, **options
    )
    assert on_dask.manifest["backend"] == "dask"
    assert list(on_dask.dataset.data_vars) == list(local.dataset.data_vars)
    for name, var in local.dataset.data_vars.items():
        assert on_dask.dataset[name].to_numpy().tobytes() == var.to_numpy().tobytes(), name
    assert json.dumps(on_dask.summary()) == json.dumps(local.summary())


MANY_GROUPS = 3 * GROUP + 1_234
"""Samples of a run the Dask backend splits into several tasks, each folded on a worker."""


@requires_dask
@pytest.mark.dask
@pytest.mark.parametrize(
    ("chunk_size", "options"),
    [
        (10_000, {"keep": "summary", "quantiles": "sketch"}),
        (30_001, {"keep": "outputs", "keep_paths": True}),
    ],
)
def test_a_run_of_several_worker_folded_tasks_equals_a_local_run_bit_for_bit(
    backend: DaskBackend, chunk_size: int, options: dict[str, Any]
) -> None:
    local = labecon.simulate("b1", n_samples=MANY_GROUPS, seed=4, **options)
    seen: list[int] = []
    on_dask = labecon.simulate(
        "b1",
        n_samples=MANY_GROUPS,
        seed=4,
        chunk_size=chunk_size,
        backend=backend,
        progress=lambda done, _total: seen.append(done),
        **options,
    )
    assert len(seen) >= 4  # the run was cut into several tasks
    assert seen[-1] == MANY_GROUPS
    for name, var in local.dataset.data_vars.items():
        assert on_dask.dataset[name].to_numpy().tobytes() == var.to_numpy().tobytes(), name
    assert json.dumps(on_dask.summary()) == json.dumps(local.summary())


@requires_dask
@pytest.mark.dask
def test_a_world_scenario_on_dask_equals_a_local_run_bit_for_bit(backend: DaskBackend) -> None:
    options: dict[str, Any] = {"n_samples": 300, "seed": 2, "keep": "summary", "quantiles": "sketch"}
    local = labecon.simulate("two-strategies", **options)
    on_dask = labecon.simulate("two-strategies", chunk_size=128, backend=backend, **options)
    for name, var in local.dataset.data_vars.items():
        assert on_dask.dataset[name].to_numpy().tobytes() == var.to_numpy().tobytes(), name


@requires_dask
@pytest.mark.dask
def test_a_run_smaller_than_a_moment_group_per_worker_keeps_both_workers_busy(
    backend: DaskBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Left to choose its blocks, a run of fewer samples than a moment group gives each worker half.
    given: list[list[Block]] = []
    real = backend.map_blocks

    def recording(fn: Any, blocks: list[Block]) -> Any:
        given.append(list(blocks))
        return real(fn, blocks)

    monkeypatch.setattr(backend, "map_blocks", recording)
    options: dict[str, Any] = {"n_samples": 501, "seed": 2, "keep": "summary"}
    on_dask = labecon.simulate("route-choice", backend=backend, **options)
    assert given == [[Block(0, 251), Block(251, 501)]]
    local = labecon.simulate("route-choice", **options)
    for name, var in local.dataset.data_vars.items():
        assert on_dask.dataset[name].to_numpy().tobytes() == var.to_numpy().tobytes(), name


@requires_dask
@pytest.mark.dask
def test_a_local_run_interrupted_off_a_group_resumes_on_dask_to_the_same_bits(
    backend: DaskBackend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LABECON_CHECKPOINT_EVERY_S", "0")
    opts: dict[str, Any] = {"n_samples": MANY_GROUPS, "seed": 6, "chunk_size": 25_000, "keep": "summary"}
    whole = labecon.simulate("b1", quantiles="sketch", **opts)
    blocks = {"n": 0}

    def interrupt(_done: int, _total: int) -> None:
        blocks["n"] += 1
        if blocks["n"] == 3:  # 75,000 samples: inside the second group
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        labecon.simulate("b1", quantiles="sketch", checkpoint_dir=tmp_path, progress=interrupt, **opts)
    resumed = labecon.simulate(
        "b1", quantiles="sketch", checkpoint_dir=tmp_path, resume=True, backend=backend, **opts
    )
    assert json.dumps(resumed.summary()) == json.dumps(whole.summary())


@requires_dask
@pytest.mark.dask
def test_in_flight_blocks_stay_bounded_and_progress_counts_every_sample(backend: DaskBackend) -> None:
    before = sum(backend.worker_progress().values())
    blocks = plan_blocks(2_000, 20)  # 100 blocks
    limit = backend.n_workers * 3
    seen = 0
    for _block, _out in backend.map_blocks(functools.partial(toy_block, 1), blocks):
        held = [k for k in backend.client.futures if str(k).startswith("labecon-block-")]
        # The blocks in flight, plus (at most) the one just handed back.
        assert len(held) <= limit + 1
        seen += 1
    assert seen == len(blocks)
    progress = backend.worker_progress()
    assert sum(progress.values()) - before == 2_000
    assert all(str(addr).startswith("tcp://") for addr in progress)


@requires_dask
@pytest.mark.dask
def test_stopping_early_cancels_the_pending_blocks(backend: DaskBackend) -> None:
    blocks = plan_blocks(1_000, 10)
    stream = backend.map_blocks(functools.partial(toy_block, 2, delay_s=0.05), blocks)
    next(stream)
    stream.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        held = [k for k in backend.client.futures if str(k).startswith("labecon-")]
        if not held:
            break
        time.sleep(0.05)
    assert held == []


@requires_dask
@pytest.mark.dask
def test_an_error_in_a_block_reaches_the_caller_as_itself(backend: DaskBackend) -> None:
    with pytest.raises(OptionError, match=r"bad value in samples 20\.\.29"):
        for _ in backend.map_blocks(failing_block, plan_blocks(50, 10)):
            pass


@requires_dask
@pytest.mark.dask
def test_a_worker_killed_mid_run_changes_and_loses_nothing(backend: DaskBackend) -> None:
    blocks = plan_blocks(600, 20)  # 30 blocks of 0.15 s: about 2 s of work on 2 workers
    fn = functools.partial(toy_block, 5, delay_s=0.15)
    pids = backend.client.run(os.getpid)
    victim_addr = sorted(pids)[0]
    got: dict[Block, np.ndarray] = {}
    killed_with_work = False
    for block, out in backend.map_blocks(fn, blocks):
        assert block not in got
        got[block] = out
        if len(got) == 1:
            processing = backend.client.processing()
            killed_with_work = bool(processing.get(victim_addr))
            os.kill(pids[victim_addr], signal.SIGKILL)
    assert killed_with_work, "the killed worker had no block in flight"
    assert sorted(got) == blocks
    want = _local(functools.partial(toy_block, 5), blocks)
    for block in blocks:
        assert got[block].tobytes() == want[block].tobytes()
    # The nanny brings a fresh worker back; the cluster serves the next run.
    backend.client.wait_for_workers(2, timeout=60)
    again = dict(backend.map_blocks(functools.partial(toy_block, 5), blocks[:4]))
    assert all(again[b].tobytes() == want[b].tobytes() for b in blocks[:4])


@requires_dask
@pytest.mark.dask
def test_the_backend_does_not_become_this_process_s_dask_scheduler(
    backend: DaskBackend, tmp_path: Path
) -> None:
    import dask
    import distributed
    import xarray as xr

    # Other Dask (and xarray) work in the process must not be routed to our
    # cluster, nor break once it is closed.
    assert dask.config.get("scheduler", None) is None
    with pytest.raises(ValueError, match="No clients found"):
        distributed.default_client()
    xr.Dataset({"a": ("x", np.arange(3.0))}).to_netcdf(tmp_path / "a.nc", engine="netcdf4")


@requires_dask
@pytest.mark.dask
def test_an_unreachable_scheduler_is_a_clear_error_not_a_hang() -> None:
    start = time.monotonic()
    with pytest.raises(BackendError, match=r"cannot connect to the Dask scheduler at 'tcp://127\.0\.0\.1:9'"):
        DaskBackend("tcp://127.0.0.1:9", timeout_s=2)
    assert time.monotonic() - start < 15
    with pytest.raises(BackendError, match="cannot connect"):
        DaskBackend("not an address", timeout_s=2)


@requires_dask
@pytest.mark.dask
def test_a_bad_worker_count_is_refused_naming_the_option() -> None:
    with pytest.raises(OptionError, match="n_workers: must be at least 1"):
        DaskBackend(n_workers=0)
    for command in (["run", "b1"], ["conventions", "route-choice"]):
        result = CliRunner().invoke(app, [*command, "-n", "100", "--backend", "dask", "--workers", "0"])
        assert result.exit_code == 2
        assert "--workers: must be at least 1 (Dask worker processes), got 0" in " ".join(
            result.output.split()
        )


def test_missing_dask_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(OptionalDependencyError, match=r"pip install 'labecon\[dask\]'") as caught:
        DaskBackend()
    assert isinstance(caught.value, labecon.LabeconError)
    assert isinstance(caught.value, ImportError)


def test_importing_labecon_does_not_import_dask() -> None:
    code = "import sys, labecon; bad = [m for m in ('dask', 'distributed') if m in sys.modules]; print(bad)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@requires_dask
@pytest.mark.dask
def test_a_run_from_a_large_input_table_shares_it_once_and_equals_a_local_run(backend: DaskBackend) -> None:
    drawn = labecon.simulate("b1", n_samples=4_000, seed=9)
    names = [str(v) for v in drawn.dataset["input"].to_numpy()]
    table = {name: drawn.dataset["input_value"].to_numpy()[:, j] for j, name in enumerate(names)}
    assert sum(v.nbytes for v in table.values()) > 256 * 1024  # sent once, not with every task
    local = labecon.simulate("b1", inputs=table, keep="summary")
    on_dask = labecon.simulate("b1", inputs=table, keep="summary", chunk_size=500, backend=backend)
    assert json.dumps(on_dask.summary()) == json.dumps(local.summary())


@requires_dask
@pytest.mark.dask
def test_the_warnings_given_on_a_worker_reach_the_caller() -> None:
    # A worker with two threads, as a real cluster's often have several. (This run is one task;
    # tests/unit/runtime/test_forwarded_warnings.py has two blocks in threads at once.)
    import distributed

    with warnings.catch_warnings(record=True) as here:
        warnings.simplefilter("always")
        labecon.simulate("two-strategies", 600, 3, chunk_size=150)
    with (
        distributed.LocalCluster(n_workers=1, threads_per_worker=2, dashboard_address=None) as cluster,
        DaskBackend(scheduler=cluster.scheduler_address) as backend,
        warnings.catch_warnings(record=True) as there,
    ):
        warnings.simplefilter("always")
        labecon.simulate("two-strategies", 600, 3, chunk_size=150, backend=backend)
    assert plausibility_counts(here), "two-strategies has futures past the bounds at 600 samples"
    assert plausibility_counts(there) == plausibility_counts(here)
