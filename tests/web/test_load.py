"""A short load test on loopback: many previews at once, every one answered, none lost."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from benchmarks.web import concurrent_previews

import labecon
from labecon.web.server import BackgroundServer
from labecon.web.settings import WebSettings


@pytest.mark.slow
def test_concurrent_previews_all_answer(tmp_path: Path) -> None:
    n = 16
    with BackgroundServer(WebSettings(store=tmp_path / "store")) as server:
        assert server.url.startswith("http://127.0.0.1:")
        start = time.monotonic()
        errors, latencies = concurrent_previews(server.url, n, n_samples=2_000, scenario="b1")
        elapsed = time.monotonic() - start
        # Computed in a worker process: the same numbers as in this one.
        body = {"scenario": "b1", "n_samples": 2_000, "seed": 1000}
        view = httpx.post(f"{server.url}/api/runs", json=body, timeout=60).json()
    assert view["outputs"]["saving"]["stats"] == labecon.simulate("b1", 2_000, 1000).summary()["saving"]
    assert errors == 0
    assert len(latencies) == n
    assert elapsed < 120, f"{n} small previews took {elapsed:.0f} s"


def test_a_dead_worker_is_replaced(tmp_path: Path) -> None:
    settings = WebSettings(store=tmp_path / "store", run_workers=1)
    with BackgroundServer(settings) as server:
        body = {"scenario": "b1", "n_samples": 500, "seed": 1}
        assert httpx.post(f"{server.url}/api/runs", json=body, timeout=60).status_code == 200
        runner = server.server.config.app.state.runner  # type: ignore[attr-defined]
        for process in list(runner._executor._processes.values()):
            process.kill()
        statuses = []
        for seed in range(2, 6):  # the first may meet the dead pool (503); later ones get a new one
            response = httpx.post(f"{server.url}/api/runs", json={**body, "seed": seed}, timeout=60)
            statuses.append(response.status_code)
        assert set(statuses) <= {200, 503}
        assert statuses[-1] == 200
