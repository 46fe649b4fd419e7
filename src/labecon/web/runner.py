"""Immediate runs: computed in worker threads, at most one per core at a time, answers cached.

The compiled model releases the GIL, so runs in threads use every core; more
at once would only share the cores and make each answer later. A dashboard
that moves a control back to where it was gets the cached answer at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from typing import Any

import anyio
import anyio.to_thread

import labecon
from labecon.web.errors import ApiError
from labecon.web.view import results_view

CACHE_SIZE = 128
"""Answers kept (about 20 kB each for two-strategies)."""


class ImmediateRunner:
    """Runs small scenarios now, one per core at a time, with a bounded queue and a cache."""

    def __init__(self, max_waiting: int, n_cores: int | None = None) -> None:
        self.limiter = anyio.CapacityLimiter(n_cores or os.cpu_count() or 1)
        self.max_waiting = max_waiting
        self._waiting = 0
        self._cache: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    async def run(self, scenario: labecon.Scenario, n_samples: int, seed: int) -> dict[str, Any]:
        """Return the view of a run of ``scenario`` (from the cache if it ran before).

        Raises
        ------
        ApiError
            429 when ``max_waiting`` runs are queued already.
        """
        key = _key(scenario, n_samples, seed)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
            if self._waiting >= self.max_waiting:
                msg = f"{self.max_waiting} runs are waiting already (the limit); try again in a moment"
                raise ApiError(429, "n_samples", msg)
            self._waiting += 1
        try:
            view = await anyio.to_thread.run_sync(
                _compute, scenario, n_samples, seed, limiter=self.limiter, abandon_on_cancel=False
            )
        finally:
            with self._lock:
                self._waiting -= 1
        with self._lock:
            self._cache[key] = view
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return view


def _compute(scenario: labecon.Scenario, n_samples: int, seed: int) -> dict[str, Any]:
    results = labecon.simulate(scenario, n_samples, seed)
    return results_view(results, scenario)


def _key(scenario: labecon.Scenario, n_samples: int, seed: int) -> str:
    text = json.dumps([scenario.model_dump(mode="json"), n_samples, seed], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
