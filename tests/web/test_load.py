"""A short load test on loopback: many previews at once, every one answered, none lost."""

from __future__ import annotations

import platform
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from benchmarks.web import concurrent_previews

import labecon
from labecon.web import api, describe
from labecon.web.server import BackgroundServer
from labecon.web.settings import WebSettings


@pytest.mark.slow
def test_concurrent_previews_all_answer(tmp_path: Path) -> None:
    n = 16
    # A small first preview: the server computes it as it starts (web.app.LANDING).
    with BackgroundServer(WebSettings(store=tmp_path / "store", preview_samples=500)) as server:
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
    settings = WebSettings(store=tmp_path / "store", run_workers=1, preview_samples=500)
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


def test_jobs_in_their_own_processes_finish_and_cancel(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with BackgroundServer(WebSettings(store=store, immediate_max_samples=1_000)) as server:
        api = httpx.Client(base_url=server.url, timeout=60)
        finished = api.post("/api/runs", json={"scenario": "b1", "n_samples": 20_000, "seed": 4}).json()
        long = api.post("/api/runs", json={"scenario": "two-strategies", "n_samples": 3_000_000, "seed": 1})
        assert long.status_code == 202
        assert api.delete(f"/api/runs/{long.json()['id']}").status_code == 200
        states = {}
        deadline = time.monotonic() + 120
        while len(states) < 2 and time.monotonic() < deadline:
            for run_id in (finished["id"], long.json()["id"]):
                state = api.get(f"/api/runs/{run_id}").json()
                if state["status"] != "running":
                    states[run_id] = state
            time.sleep(0.1)
        api.close()
    done, cancelled = states[finished["id"]], states[long.json()["id"]]
    assert done["status"] == "done"
    assert (
        done["results"]["outputs"]["saving"]["stats"] == labecon.simulate("b1", 20_000, 4).summary()["saving"]
    )
    assert cancelled["status"] == "interrupted"
    runs = labecon.RunStore(store)
    assert runs.get_manifest(finished["id"])["status"] == "done"
    assert runs.get_manifest(long.json()["id"])["status"] == "interrupted"


def test_stopping_the_server_stops_its_jobs_and_marks_them(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with BackgroundServer(WebSettings(store=store, immediate_max_samples=1_000)) as server:
        api = httpx.Client(base_url=server.url, timeout=60)
        job = api.post("/api/runs", json={"scenario": "two-strategies", "n_samples": 3_000_000, "seed": 1})
        assert job.status_code == 202
        api.close()
    # Its process stopped with the server: the store says so at once, not when a listing settles it.
    assert labecon.RunStore(store).get_manifest(job.json()["id"])["status"] == "interrupted"


def test_a_worker_keeps_the_memory_a_run_frees() -> None:
    # In a process of its own: it changes how that process's C library hands out memory. A
    # burst of arrays of 2.4 MB, freed, then the same again: by default the second burst maps
    # its pages afresh (~29,000 page faults for these 120 MB); kept, it reuses the first's.
    code = (
        "import numpy as np, resource\n"
        "from labecon.web.runner import keep_freed_memory\n"
        "kept = keep_freed_memory()\n"
        "burst = lambda: sum(float(x[0]) for x in [np.ones(300_000) for _ in range(50)])\n"
        "burst()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt\n"
        "burst()\n"
        "print(kept, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    kept, faults = done.stdout.split()
    if sys.platform == "linux" and platform.libc_ver()[0] == "glibc":
        assert kept == "True"
        assert int(faults) < 1_000
    else:
        assert kept == "False"


def test_a_description_holds_up_no_other_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The description's pilot run takes a moment: it runs in a thread, not in the event loop.
    entered, release = threading.Event(), threading.Event()

    def slow(scenario: labecon.Scenario, builtin: str | None = None) -> dict[str, str]:
        entered.set()
        release.wait(60)
        return {"name": "described"}

    monkeypatch.setattr(api, "describe_scenario", slow)
    with BackgroundServer(WebSettings(store=tmp_path / "store", run_workers=0)) as server:
        body = {"scenario": "b1", "overrides": {"run.seed": 2}}
        with ThreadPoolExecutor(1) as pool:
            described = pool.submit(httpx.post, f"{server.url}/api/scenarios/describe", json=body, timeout=60)
            assert entered.wait(30)
            try:
                assert httpx.get(f"{server.url}/api/config", timeout=10).status_code == 200
            finally:
                release.set()
            assert described.result().json() == {"name": "described"}


def test_the_server_describes_the_built_ins_as_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The dashboard's first page asks for a built-in's description: made at start, it does not
    # wait for the pilot run that ranks the inputs.
    describe.describe_builtin.cache_clear()
    with BackgroundServer(WebSettings(store=tmp_path / "store", run_workers=0)) as server:
        assert server.server.config.app.state.warmed.wait(120)  # type: ignore[attr-defined]
        pilots: list[labecon.Scenario] = []
        monkeypatch.setattr(describe, "input_influence", lambda scenario: pilots.append(scenario) or {})
        for name in labecon.list_scenarios():
            assert httpx.get(f"{server.url}/api/scenarios/{name}", timeout=30).status_code == 200
    assert pilots == []


def test_the_dashboards_first_preview_is_computed_as_the_server_starts(tmp_path: Path) -> None:
    from labecon.web.app import LANDING

    name, seed = LANDING
    script = (Path(describe.__file__).parent / "static" / "dashboard.js").read_text(encoding="utf-8")
    state = script.split("const state = {", 1)[1].split("};", 1)[0]
    assert f'scenario: "{name}",' in state  # what the page opens with
    assert f"seed: {seed}," in state
    settings = WebSettings(store=tmp_path / "store", preview_samples=1_000)
    with BackgroundServer(settings) as server:
        runner = server.server.config.app.state.runner  # type: ignore[attr-defined]
        scenario = api.request_scenario(name, {})
        deadline = time.monotonic() + 120
        while (cached := runner.cached(scenario, 1_000, seed)) is None:
            assert time.monotonic() < deadline, "the first preview was not computed"
            time.sleep(0.1)
        body = {"scenario": name, "n_samples": 1_000, "seed": seed}
        answer = httpx.post(f"{server.url}/api/runs", json=body, timeout=60).json()
    assert answer == cached  # served as computed at the start, its time included
    assert (answer["manifest"]["n_samples"], answer["manifest"]["seed"]) == (1_000, seed)
