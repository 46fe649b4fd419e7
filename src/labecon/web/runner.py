"""Immediate runs: computed in worker processes, one per core, identical requests computed once.

The world model spends much of its time in Python between NumPy calls, so
threads would take turns on one core; worker processes use every core. A
run's samples are split in one block per worker (the same bits as one block),
so a single preview uses every core; the server process folds the blocks and
builds the view. The workers start with the app and each runs a small warm-up, so the first
preview does not pay for imports and compilation, and keeps the memory a run
frees for the next (:func:`keep_freed_memory`). Identical requests share
one computation (also while it is in flight), and the answers to the last
:data:`CACHE_SIZE` distinct requests are kept, so moving a control back is
instant (the app computes the dashboard's first preview into it as it
starts). With ``workers=0`` runs are computed in threads of the server
process instead (quick to start: for tests and small machines).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import multiprocessing
import os
import warnings
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Literal, Protocol

import labecon
from labecon.runtime.backends.base import Backend
from labecon.runtime.backends.pool import PoolBackend
from labecon.runtime.memory import keep_freed_memory
from labecon.scenario.loader import load_quietly
from labecon.scenario.schema import WorldScenario, as_kind
from labecon.web.errors import ApiError
from labecon.web.view import results_view

Answer = Literal["view", "conventions", "deals", "drivers", "switch", "breakeven"]
"""What a run answers with: its view, the route answer under the conventions, each deal's worth to
both sides, what moves the route answer, when a lab should switch routes, or where an input turns it."""

CACHE_SIZE = 128
"""Answers kept (about 20 kB each for two-strategies)."""


class ImmediateRunner:
    """Runs small scenarios now, one per worker at a time, with a bounded queue and a cache.

    Parameters
    ----------
    max_waiting : int
        Distinct runs that may be queued or running; one more gets ``429``.
    workers : int or None
        Worker processes; default one per core; 0 computes in threads instead.
    """

    def __init__(self, max_waiting: int, workers: int | None = None) -> None:
        self.max_waiting = max_waiting
        self.workers = (os.cpu_count() or 1) if workers is None else workers
        self._executor: Executor | None = None
        # Threads that fold a run's blocks from the workers and build its view (waiting, mostly).
        self._folders = ThreadPoolExecutor(max(1, max_waiting), thread_name_prefix="labecon-fold")
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._cache: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._started: list[Future[None]] = []

    def start(self) -> Executor:
        """Start the workers and warm each one up (in the background); return the executor."""
        if self._executor is not None:
            return self._executor
        if self.workers > 0:
            # Spawned, not forked: the server process has threads, which a fork would copy half-way.
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_warm_up)
            # Start every worker now, not at the first request.
            self._started = [self._executor.submit(_noop) for _ in range(self.workers)]
        else:
            self._executor = ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="labecon-run")
        return self._executor

    async def started(self) -> None:
        """Wait until the workers have started and warmed up (at once when runs go to threads)."""
        await asyncio.gather(*(asyncio.wrap_future(f) for f in self._started), return_exceptions=True)

    def close(self) -> None:
        """Stop the workers now, dropping queued and running runs."""
        if self._executor is None:
            return
        # A worker may be busy (warming up, or a run): end it rather than wait, so the
        # server stops at once. Python 3.14 has terminate_workers(); before it, the
        # pool's own table of processes is the only handle on them.
        processes = dict(getattr(self._executor, "_processes", None) or {})
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            process.join(5)
        # With its workers gone a process pool's manager finds it broken and closes its queues;
        # waiting for that frees their semaphores (else Python warns of leaked ones at exit).
        # Threads cannot be ended: a thread pool is left to finish its runs.
        self._executor.shutdown(wait=bool(processes), cancel_futures=True)
        self._folders.shutdown(wait=False, cancel_futures=True)
        self._folders = ThreadPoolExecutor(max(1, self.max_waiting), thread_name_prefix="labecon-fold")
        self._executor = None

    async def run(
        self,
        scenario: labecon.Scenario,
        n_samples: int,
        seed: int,
        *,
        answer: Answer = "view",
        options: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Return the view of a run of ``scenario`` (from the cache if it ran before).

        With ``answer="conventions"``, the route answer under the model's conventions switched
        instead (:func:`labecon.conventions`, as a dict); with ``"deals"``, each deal's worth to
        both sides (:func:`labecon.deal_values`, as a dict); with ``"drivers"``, what moves each
        route answer (:func:`labecon.route_drivers`, as a dict; ``n_samples`` does not apply); with
        ``"switch"``, :func:`labecon.switch_dates` with ``options`` (its ``lab``, ``to`` and
        ``every_quarters``), as a dict with its ``summary``; with ``"breakeven"``,
        :func:`labecon.breakeven` with ``options`` (``n_samples`` does not apply), the same.

        Raises
        ------
        ApiError
            429 when ``max_waiting`` distinct runs are queued or running already.
        """
        # Only the fields given (as dump_scenario writes them): they validate back to the same scenario.
        fields = scenario.model_dump(mode="json", exclude_unset=True)
        key = _answer_key(fields, n_samples, seed, answer, options)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        shared = self._pending.get(key)
        if shared is None:
            if len(self._pending) >= self.max_waiting:
                msg = f"{self.max_waiting} runs are waiting already (the limit); try again in a moment"
                raise ApiError(429, "n_samples", msg)
            try:
                work = _WORK[answer]
                if options:
                    work = functools.partial(work, **options)
                shared = asyncio.wrap_future(self._submit(work, fields, n_samples, seed))
            except BrokenProcessPool:
                self._restart()
                raise ApiError(503, "server", "a worker process stopped; try again") from None
            self._pending[key] = shared
            shared.add_done_callback(lambda done: self._finish(key, done))
        try:
            # shield: a client that goes away does not cancel the run others may be waiting for.
            return await asyncio.shield(shared)
        except BrokenProcessPool:
            # A worker died (killed, out of memory): start fresh ones for the next requests.
            self._restart()
            raise ApiError(503, "server", "a worker process stopped; try again") from None

    def cached(
        self, scenario: labecon.Scenario, n_samples: int, seed: int, *, answer: Answer = "view"
    ) -> dict[str, Any] | None:
        """Return the answer :meth:`run` would give from its cache, or None if it would compute it."""
        fields = scenario.model_dump(mode="json", exclude_unset=True)
        return self._cache.get(_answer_key(fields, n_samples, seed, answer))

    def _submit(
        self, work: Callable[..., dict[str, Any]], fields: dict[str, Any], n_samples: int, seed: int
    ) -> Future[dict[str, Any]]:
        executor = self.start()
        if self.workers <= 1:
            return executor.submit(work, fields, n_samples, seed)
        # One run's blocks spread over every worker (a preview uses every core; same bits as one
        # block: a run smaller than a moment group per worker gets one block each, simulate's rule):
        # the server process folds them and builds the view, in a thread of its own. The view says
        # the futures past the plausibility bounds; the workers keep their warnings.
        backend = PoolBackend(executor, give_warnings=False)
        return self._folders.submit(work, fields, n_samples, seed, backend)

    def _restart(self) -> None:
        self.close()
        self._pending.clear()

    def _finish(self, key: str, done: asyncio.Future[dict[str, Any]]) -> None:
        self._pending.pop(key, None)
        if not done.cancelled() and done.exception() is None:
            self._cache[key] = done.result()
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)


def compute_view(
    fields: dict[str, Any], n_samples: int, seed: int, backend: Backend | None = None
) -> dict[str, Any]:
    """Run a scenario given as its fields and return its view (in a worker, or over ``backend``'s)."""
    scenario = load_quietly(fields)
    results = labecon.simulate(scenario, n_samples, seed, backend=backend or "local")
    return results_view(results, scenario)


def compute_conventions(
    fields: dict[str, Any], n_samples: int, seed: int, backend: Backend | None = None
) -> dict[str, Any]:
    """Run a scenario given as its fields under the model's conventions; return the result as a dict.

    With ``table``: its rows as ``conventions.csv`` has them, for the dashboard's download.
    """
    scenario = load_quietly(fields)
    # Each variant's share of futures past the plausibility bounds is said in the answer; the
    # workers keep their warnings (see _warm_up and PoolBackend's give_warnings).
    result = labecon.conventions(scenario, n_samples=n_samples, seed=seed, backend=backend or "local")
    return {**result.to_dict(), "table": result.table()}  # its .rows are the variants, its table the CSV's


def compute_deals(
    fields: dict[str, Any], n_samples: int, seed: int, backend: Backend | None = None
) -> dict[str, Any]:
    """Return what each deal of a scenario given as its fields is worth to both sides, as a dict.

    With ``table``: its rows as ``deals.csv`` has them, for the dashboard's download.
    """
    result = labecon.deal_values(
        load_quietly(fields), n_samples=n_samples, seed=seed, backend=backend or "local"
    )
    return with_table(result)


def compute_drivers(
    fields: dict[str, Any],
    n_samples: int,
    seed: int,
    backend: Backend | None = None,
    *,
    correlated: bool = True,
) -> dict[str, Any]:
    """Return what moves each route answer of a scenario given as its fields, as a dict.

    Its sweep is one run (a point per input and quantile, every point on the mean over the same
    futures) over ``backend``'s workers; ``n_samples`` does not apply. ``correlated``: as
    :func:`labecon.route_drivers`'s.
    """
    result = labecon.route_drivers(
        load_quietly(fields), seed=seed, backend=backend or "local", correlated=correlated
    )
    return with_table(result)


def compute_switch(
    fields: dict[str, Any],
    n_samples: int,
    seed: int,
    backend: Backend | None = None,
    *,
    lab: str,
    to: str,
    every_quarters: int,
) -> dict[str, Any]:
    """Return when ``lab`` should switch to route ``to`` in a scenario given as its fields, as a dict."""
    result = labecon.switch_dates(
        load_quietly(fields),
        lab,
        to,
        every_quarters=every_quarters,
        n_samples=n_samples,
        seed=seed,
        backend=backend or "local",
    )
    return with_table(result)


def compute_breakeven(
    fields: dict[str, Any],
    n_samples: int,
    seed: int,
    backend: Backend | None = None,
    *,
    route: str,
    input_name: str | None,
    param: str | None,
    param_range: list[float] | None,
    points: int,
    futures: int,
    correlated: bool = True,
    **by: Any,
) -> dict[str, Any]:
    """Return where ``input_name`` turns ``route``'s answer in a scenario given as its fields, as a dict.

    With ``by`` (the second input's options of :func:`labecon.breakeven_map`), the map's answer.
    """
    find = labecon.breakeven_map if by else labecon.breakeven
    result = find(
        load_quietly(fields),
        route,
        input_name,
        param=param,
        param_range=param_range,
        points=points,
        futures=futures,
        seed=seed,
        correlated=correlated,
        backend=backend or "local",
        **by,
    )
    return with_table(result)


class _Tabled(Protocol):
    def to_dict(self) -> dict[str, Any]: ...

    def rows(self) -> list[dict[str, Any]]: ...


def with_table(result: _Tabled) -> dict[str, Any]:
    """Return a check's answer as a dict, with ``table``: its rows as its CSV file has them."""
    return {**result.to_dict(), "table": result.rows()}


_WORK: dict[str, Callable[..., dict[str, Any]]] = {
    "view": compute_view,
    "conventions": compute_conventions,
    "deals": compute_deals,
    "drivers": compute_drivers,
    "switch": compute_switch,
    "breakeven": compute_breakeven,
}


def _warm_up() -> None:
    # Futures past the plausibility bounds are said in each run's view, not in the server's log.
    warnings.simplefilter("ignore", labecon.PlausibilityWarning)
    keep_freed_memory()
    warm_up_model()


_FAR_BOUNDS = {
    "finance.plausible_max_capacity_h100e": 1e300,
    "finance.plausible_max_funding_usd": 1e300,
    "finance.plausible_max_revenue_usd_per_year": 1e300,
}
"""Plausibility bounds far away, so that a run says nothing (:func:`without_bounds`)."""


def warm_up_model() -> None:
    """Import, and compile or load the compiled model, before the first request: run each built-in.

    Its results are not used, so it says nothing (:func:`without_bounds`).
    """
    for name in labecon.list_scenarios():
        labecon.simulate(without_bounds(labecon.load_scenario(name)), n_samples=64, seed=0)


def without_bounds(scenario: labecon.Scenario) -> labecon.Scenario:
    """Return ``scenario`` with its plausibility bounds far away, so that its runs warn of nothing.

    For runs whose warnings would only fill the log of a process that embeds the app. Only
    the outputs that count the futures past the bounds change. Filtering the warnings
    instead would not do: Python's warning filters are the whole process's, and changing
    them in one of the server's threads can undo another thread's (``catch_warnings`` is
    not thread-safe).
    """
    if as_kind(scenario, WorldScenario) is None:  # the bounds are a world's
        return scenario
    fields = scenario.model_dump(mode="json", exclude_unset=True)
    return load_quietly(labecon.apply_overrides(fields, _FAR_BOUNDS))


def _noop() -> None:
    return None


def _answer_key(
    fields: dict[str, Any], n_samples: int, seed: int, answer: Answer, options: dict[str, Any] | None = None
) -> str:
    """Return the cache's key of an answer: the scenario's fields as given, its size, seed, kind, options."""
    text = json.dumps([fields, n_samples, seed, *([options] if options else [])], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest() + ("" if answer == "view" else f":{answer}")
