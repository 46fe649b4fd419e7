"""A run's blocks spread over an executor's workers give the bits of one block in this process."""

from __future__ import annotations

import asyncio
import multiprocessing
import warnings
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import numpy as np
from tests.conftest import plausibility_counts

import labecon
from labecon.runtime.backends.base import BlockFunction
from labecon.runtime.backends.pool import PoolBackend
from labecon.runtime.plan import Block
from labecon.web.runner import ImmediateRunner, compute_view


def _same_bits(a: labecon.Results, b: labecon.Results) -> None:
    assert set(a.dataset.data_vars) == set(b.dataset.data_vars)
    for name in a.dataset.data_vars:
        np.testing.assert_array_equal(a.dataset[name].to_numpy(), b.dataset[name].to_numpy(), err_msg=name)


def test_blocks_on_a_pool_give_the_bits_of_one_local_block() -> None:
    alone = labecon.simulate("two-strategies", 1200, 3)
    with ThreadPoolExecutor(2) as pool:
        spread = labecon.simulate("two-strategies", 1200, 3, chunk_size=500, backend=PoolBackend(pool))
    assert spread.manifest["backend"] == "pool"
    _same_bits(alone, spread)


def test_a_preview_over_two_worker_processes_is_the_view_of_one_local_run() -> None:
    scenario = labecon.load_scenario("route-choice")
    fields = scenario.model_dump(mode="json", exclude_unset=True)
    runner = ImmediateRunner(max_waiting=4, workers=2)
    try:
        view = asyncio.run(runner.run(scenario, 1500, 7))
    finally:
        runner.close()
    local = compute_view(fields, 1500, 7)
    assert view["headline"] == local["headline"]
    assert view["outputs"] == local["outputs"]


def test_warnings_given_in_worker_processes_are_given_to_the_caller() -> None:
    # The same warnings, counts and all, as the same run's blocks computed in this process.
    with warnings.catch_warnings(record=True) as here:
        warnings.simplefilter("always")
        labecon.simulate("two-strategies", 600, 3, chunk_size=300)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=context) as pool, warnings.catch_warnings(record=True) as there:
        warnings.simplefilter("always")
        labecon.simulate("two-strategies", 600, 3, chunk_size=300, backend=PoolBackend(pool))
    assert plausibility_counts(here), "two-strategies has futures past the bounds at 600 samples"
    assert plausibility_counts(there) == plausibility_counts(here)


def test_a_server_can_keep_the_workers_warnings_with_them() -> None:
    # The web app says the futures past the bounds in its answers: its log need not repeat them.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=context) as pool, warnings.catch_warnings(record=True) as there:
        warnings.simplefilter("always")
        quiet = labecon.simulate(
            "two-strategies", 600, 3, chunk_size=300, backend=PoolBackend(pool, give_warnings=False)
        )
    assert plausibility_counts(there) == []
    assert quiet.summary()["is_beyond_plausible_bounds"]["mean"][1] > 0, "the futures are still counted"


class _Recording(PoolBackend):
    """A pool backend that keeps the blocks it was given."""

    def __init__(self, executor: ThreadPoolExecutor, n_workers: int | None = None) -> None:
        super().__init__(executor, n_workers=n_workers)
        self.given: list[list[tuple[int, int]]] = []

    def map_blocks(self, fn: BlockFunction, blocks: Sequence[Block]) -> Iterator[tuple[Block, Any]]:
        self.given.append([(b.start, b.stop) for b in blocks])
        return super().map_blocks(fn, blocks)


def test_a_run_left_to_choose_its_blocks_gives_every_worker_one_with_the_bits_of_one_block() -> None:
    alone = labecon.simulate("two-strategies", 1001, 3)
    with ThreadPoolExecutor(2) as pool:
        backend = _Recording(pool)
        spread = labecon.simulate("two-strategies", 1001, 3, backend=backend)
        assert backend.given == [[(0, 501), (501, 1001)]]
        # A chunk size asked for is kept; one worker keeps the one default block.
        chosen = _Recording(pool)
        labecon.simulate("two-strategies", 1001, 3, chunk_size=1001, backend=chosen)
        one = _Recording(pool, n_workers=1)
        labecon.simulate("two-strategies", 1001, 3, backend=one)
    assert chosen.given == one.given == [[(0, 1001)]]
    _same_bits(alone, spread)


def test_analyses_on_a_pool_give_the_answers_of_this_process() -> None:
    # Every run of a comparison and of a sensitivity analysis goes to the backend it is given.
    with ThreadPoolExecutor(2) as pool:
        backend = _Recording(pool)
        variants = {
            "lean": {"strategies.build.headroom_frac": 0.1},
            "ample": {"strategies.build.headroom_frac": 0.3},
        }
        spread = labecon.compare(
            "b1", variants=variants, metric="saving", n_samples=600, seed=2, backend=backend
        )
        runs = len(backend.given)
        pawn = labecon.sensitivity("b1", "saving", method="pawn", n_samples=1000, seed=2, backend=backend)
        oat = labecon.sensitivity("b1", "saving", method="oat", n_samples=8, seed=2, backend=backend)
    assert runs == 2
    assert len(backend.given) == runs + 2  # the PAWN run, and the sweep's one run of all its points
    here = labecon.compare("b1", variants=variants, metric="saving", n_samples=600, seed=2)
    assert spread.to_dict() == here.to_dict()
    assert (
        pawn.to_dict() == labecon.sensitivity("b1", "saving", method="pawn", n_samples=1000, seed=2).to_dict()
    )
    assert oat.to_dict() == labecon.sensitivity("b1", "saving", method="oat", n_samples=8, seed=2).to_dict()


def test_an_optimization_on_a_pool_gives_the_result_of_this_process() -> None:
    args = ("b1", {"strategies.build.headroom_frac": (0.0, 0.5)}, "mean(pv_build)")
    options: dict[str, Any] = {"goal": "min", "n_trials": 4, "n_samples": 600, "seed": 3}
    with ThreadPoolExecutor(2) as pool:
        backend = _Recording(pool)
        spread = labecon.optimize(*args, backend=backend, **options)
    assert len(backend.given) == 5  # every candidate, then the scenario as declared
    assert all(blocks == [(0, 300), (300, 600)] for blocks in backend.given)
    assert spread.to_dict() == labecon.optimize(*args, **options).to_dict()
