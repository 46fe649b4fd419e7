"""POST /api/runs and the jobs it starts: results as the Python API gives them, caps, cancelling."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.web.conftest import answer_of, assert_names_field, make_client

import labecon
from labecon.web.jobs import job_chunk_size


def _poll(client: Any, run_id: str, timeout_s: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    seen: list[float] = []
    while time.monotonic() < deadline:
        state: dict[str, Any] = client.get(f"/api/runs/{run_id}").json()
        if state["progress"] is not None:
            seen.append(state["progress"])
        if state["status"] != "running":
            state["seen"] = seen
            return state
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not finish in {timeout_s} s")


def test_small_run_answers_at_once_with_the_python_api_results(client: Any) -> None:
    response = client.post("/api/runs", json={"scenario": "b1", "n_samples": 2000, "seed": 5})
    assert response.status_code == 200, response.text
    view = response.json()
    expected = labecon.simulate("b1", 2000, 5)
    for name, summary in expected.summary().items():
        got = view["outputs"][name]["stats"]
        for stat, value in summary.items():
            assert got[stat] == pytest.approx(value, rel=0, abs=0), (name, stat)
    assert view["manifest"]["seed"] == 5
    assert view["headline"]["winner"] in ("rent", "build")
    assert "Server-Timing" in response.headers


@pytest.mark.parametrize("name", labecon.list_scenarios())
def test_a_run_of_one_sample_is_answered_not_an_internal_error(client: Any, name: str) -> None:
    # One sample has no standard error: the engine gives a single NaN for every lab.
    response = client.post("/api/runs", json={"scenario": name, "n_samples": 1, "seed": 1})
    assert response.status_code == 200, response.text
    assert response.json()["headline"]["text"]


def test_overrides_change_the_results_as_the_same_change_in_python(client: Any) -> None:
    path = "labs.lab_own.strategy.own_frac"
    body = {"scenario": "two-strategies", "n_samples": 500, "seed": 2, "overrides": {path: 0.2}}
    view = client.post("/api/runs", json=body).json()
    fields = labecon.apply_overrides(yaml.safe_load(labecon.scenario_text("two-strategies")), {path: 0.2})
    expected = labecon.simulate(labecon.load_scenario(fields), 500, 2).summary()["npv_fcf_usd"]["mean"]
    assert view["outputs"]["npv_fcf_usd"]["stats"]["mean"] == expected
    base = client.post("/api/runs", json={**body, "overrides": {}}).json()
    assert base["outputs"]["npv_fcf_usd"]["stats"]["mean"] != expected


def test_scenario_as_yaml_text_json_object_or_raw_yaml_body(client: Any) -> None:
    text = labecon.scenario_text("b1")
    as_text = client.post("/api/runs", json={"scenario": text, "n_samples": 300, "seed": 1}).json()
    as_object = client.post(
        "/api/runs", json={"scenario": yaml.safe_load(text), "n_samples": 300, "seed": 1}
    ).json()
    raw = client.post(
        "/api/runs?n_samples=300&seed=1", content=text, headers={"content-type": "application/x-yaml"}
    )
    assert raw.status_code == 200, raw.text
    means = {v["outputs"]["saving"]["stats"]["mean"] for v in (as_text, as_object, raw.json())}
    assert len(means) == 1


def test_world_run_has_charts_data_and_a_headline(client: Any) -> None:
    view = client.post("/api/runs", json={"scenario": "two-strategies", "n_samples": 400, "seed": 1}).json()
    assert view["outputs"]["revenue_usd_by_year"]["dims"] == ["lab", "year"]
    assert view["coords"]["lab"] == ["lab_own", "lab_partner"]
    hist = view["histograms"]["npv_fcf_usd"]
    assert sum(hist["counts"]["lab_own"]) == 400
    assert len(hist["edges"]) == len(hist["counts"]["lab_own"]) + 1
    # The headline is the route answer: each lab's likeliest best route, as the API computes it.
    routes = labecon.simulate("two-strategies", n_samples=400, seed=1).routes
    best = max(
        ((f["p_best"]["value"], f"{lab}: {route}") for lab, rs in routes.items() for route, f in rs.items()),
    )
    assert view["headline"]["basis"] == "routes"
    assert view["headline"]["winner"] == best[1]
    assert view["headline"]["p"] == pytest.approx(best[0])


def test_large_run_is_a_job_polled_to_completion_and_recorded(client: Any, store: Path) -> None:
    response = client.post("/api/runs", json={"scenario": "b1", "n_samples": 40_000, "seed": 3})
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["Location"] == f"/api/runs/{job['id']}"
    done = _poll(client, job["id"])
    assert done["status"] == "done"
    assert done["progress"] == 1.0
    assert done["seen"] == sorted(done["seen"])
    expected = labecon.simulate("b1", 40_000, 3).summary()["saving"]
    assert done["results"]["outputs"]["saving"]["stats"]["p50"] == expected["p50"]
    # In blocks of 16,384 (three), not one of 65,536: its progress moves and a cancel is seen sooner.
    assert labecon.RunStore(store).get_manifest(job["id"])["chunk_size"] == 16_384
    listed = client.get("/api/runs").json()
    assert [r["run_id"] for r in listed] == [job["id"]]
    assert listed[0]["status"] == "done"
    assert "out_dir" not in listed[0]
    # A new server over the same store answers from the store.
    again = make_client(store).get(f"/api/runs/{job['id']}").json()
    assert again["results"]["outputs"]["saving"]["stats"]["p50"] == expected["p50"]


@pytest.mark.parametrize(
    ("fmt", "magic"), [("parquet", b"PAR1"), ("csv", b"sample,"), ("netcdf", b"\x89HDF")]
)
def test_export_a_finished_run(client: Any, store: Path, fmt: str, magic: bytes) -> None:
    job = client.post("/api/runs", json={"scenario": "b1", "n_samples": 6_000, "seed": 1}).json()
    _poll(client, job["id"])
    response = client.get(f"/api/runs/{job['id']}/export", params={"format": fmt})
    assert response.status_code == 200
    assert response.content.startswith(magic)
    assert job["id"] in response.headers["content-disposition"]
    assert not any((store / ".exports").iterdir()), "the export's file is removed once sent"


def test_export_refuses_an_unknown_format_and_an_unknown_run(client: Any) -> None:
    job = client.post("/api/runs", json={"scenario": "b1", "n_samples": 6_000, "seed": 1}).json()
    _poll(client, job["id"])
    assert_names_field(client.get(f"/api/runs/{job['id']}/export?format=xlsx"), 422, "format")
    assert_names_field(client.get("/api/runs/no-such-run/export?format=csv"), 404, "run_id")


def test_a_finished_run_s_report_is_one_html_page_and_the_run_is_left_as_it_was(
    client: Any, store: Path
) -> None:
    job = client.post("/api/runs", json={"scenario": "route-choice", "n_samples": 6_000, "seed": 1}).json()
    _poll(client, job["id"])
    before = sorted(p.name for p in labecon.RunStore(store).results_dir(job["id"]).iterdir())
    response = client.get(f"/api/runs/{job['id']}/report")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert f"{job['id']}-report.html" in response.headers["content-disposition"]
    page = response.text
    assert "<title>labecon report: route-choice</title>" in page
    assert "Frontier lab" in page  # its answers, by the lab's name
    assert '<script src="http' not in page  # offline: Plotly inside the page
    assert sorted(p.name for p in labecon.RunStore(store).results_dir(job["id"]).iterdir()) == before
    assert not any((store / ".exports").iterdir()), "the report's file is removed once sent"
    assert_names_field(client.get("/api/runs/no-such-run/report"), 404, "run_id")
    assert client.get("/api/runs/..%2F..%2Fetc/report").status_code in (404, 422)


def test_delete_cancels_a_job_in_progress(store: Path) -> None:
    client = make_client(store, max_jobs=1)  # jobs in threads: a cancel is seen when a block ends
    job = client.post("/api/runs", json={"scenario": "route-choice", "n_samples": 200_000, "seed": 1})
    assert job.status_code == 202
    run_id = job.json()["id"]
    # The one job slot is taken: another is refused.
    assert_names_field(client.post("/api/runs", json={"scenario": "b1", "n_samples": 9_000}), 429)
    response = client.delete(f"/api/runs/{run_id}")
    assert response.status_code == 200, response.text
    done = _poll(client, run_id)
    assert done["status"] == "interrupted"  # the store's word, in memory too
    assert labecon.RunStore(store).get_manifest(run_id)["status"] == "interrupted"
    assert_names_field(client.delete(f"/api/runs/{run_id}"), 409, "run_id")
    assert_names_field(client.delete("/api/runs/never-heard-of-it"), 404, "run_id")


def test_sample_count_over_the_cap_is_413(store: Path) -> None:
    client = make_client(store, max_samples=10_000)
    assert_names_field(
        client.post("/api/runs", json={"scenario": "b1", "n_samples": 10_001}), 413, "n_samples"
    )


def test_body_over_the_cap_is_413(store: Path) -> None:
    client = make_client(store, max_body_bytes=2_000)
    big = {"scenario": "b1", "overrides": {"inputs.g.ci90": [0.3, 1.5]}, "padding": "x" * 5_000}
    assert_names_field(client.post("/api/runs", json=big), 413, "body")


def test_too_many_waiting_runs_is_429(store: Path) -> None:
    client = make_client(store, max_waiting_runs=1)
    runner = client.app.state.runner  # type: ignore[attr-defined]
    runner._pending["another request"] = object()  # as if one run were queued already
    assert_names_field(client.post("/api/runs", json={"scenario": "b1", "n_samples": 100}), 429)


def test_a_run_says_which_inputs_look_implausible(client: Any) -> None:
    body = {"scenario": "b1", "n_samples": 300, "seed": 1}
    assert client.post("/api/runs", json=body).json()["warnings"] == []
    slipped = {**body, "overrides": {"compute.dc_capex_usd_per_kw": 12}}
    response = client.post("/api/runs", json=slipped)
    assert response.status_code == 200, response.text
    (warning,) = response.json()["warnings"]
    assert "dc_capex_usd_per_kw" in warning
    assert "USD per kW" in warning


def test_a_job_s_blocks_are_a_twentieth_of_it_within_bounds() -> None:
    assert job_chunk_size(1_000) == 16_384  # one block: a world block's sub-block at least
    assert job_chunk_size(200_000) == 16_384  # 13 steps of progress
    assert job_chunk_size(1_000_000) == 65_536  # at most the default block
    assert job_chunk_size(400_000) == 32_768


def test_a_route_that_changes_at_a_date_is_run_and_a_bad_change_named(client: Any) -> None:
    data = yaml.safe_load(labecon.scenario_text("route-choice"))
    switch = {"from_quarter": 12, "own_frac": 0.75, "partner_frac": 0, "lease_frac": 0}
    data["labs"]["frontier_lab"]["routes"]["own_from_2029"] = {"route_changes": [switch]}
    r = client.post("/api/runs", json={"scenario": data, "n_samples": 200, "seed": 1})
    assert r.status_code == 200, r.text
    (answer,) = r.json()["route_answers"]
    assert answer["lines"][0].startswith("Best route, share of futures:")
    assert "own_from_2029 in" in answer["lines"][0]
    assert any(line.startswith("own_from_2029 beats hybrid in") for line in answer["lines"])
    data["labs"]["frontier_lab"]["strategy"]["route_changes"] = [{"from_quarter": 99, "own_frac": 0.1}]
    r = client.post("/api/runs", json={"scenario": data, "n_samples": 200, "seed": 1})
    detail = assert_names_field(r, 422, "labs.frontier_lab.strategy.route_changes[0].from_quarter")
    assert "beyond the horizon" in detail["message"]


def test_when_to_switch_is_answered_as_in_python_and_bad_options_named(client: Any) -> None:
    body = {"scenario": "route-choice", "n_samples": 300, "seed": 4, "lab": "frontier_lab", "to": "own"}
    r = client.post("/api/switch", json={**body, "every_quarters": 12})
    assert r.status_code == 200, r.text
    expected = labecon.switch_dates(
        "route-choice", "frontier_lab", "own", every_quarters=12, n_samples=300, seed=4
    )
    assert r.json() == answer_of(expected)
    assert r.json()["summary"] == expected.summary()
    assert_names_field(client.post("/api/switch", json={**body, "lab": "nobody"}), 422, "lab")
    assert_names_field(client.post("/api/switch", json={**body, "to": "hybrid"}), 422, "to")
    assert_names_field(client.post("/api/switch", json={**body, "every_quarters": 0}), 422, "every_quarters")
    assert_names_field(client.post("/api/switch", json={**body, "every_quarters": 40}), 422, "every_quarters")
    assert_names_field(client.post("/api/switch", json={**body, "scenario": "b1"}), 422)
    missing = {k: v for k, v in body.items() if k != "to"}
    assert_names_field(client.post("/api/switch", json=missing), 422, "to")
    r = client.post("/api/switch", json={**body, "n_samples": 10**6})
    assert_names_field(r, 413, "n_samples")


def test_where_an_input_turns_the_answer_is_answered_as_in_python_and_bad_options_named(client: Any) -> None:
    body = {"scenario": "route-choice", "seed": 4, "route": "frontier_lab:own", "input_name": "capex_dc"}
    r = client.post("/api/breakeven", json={**body, "points": 3, "futures": 30})
    assert r.status_code == 200, r.text
    expected = labecon.breakeven("route-choice", "frontier_lab:own", "capex_dc", points=3, futures=30, seed=4)
    assert r.json() == answer_of(expected)
    assert r.json()["summary"].startswith("For Frontier lab, own against hybrid")
    post = client.post
    assert_names_field(post("/api/breakeven", json={**body, "route": "frontier_lab:hybrid"}), 422, "route")
    assert_names_field(post("/api/breakeven", json={**body, "route": "own"}), 422, "route")
    assert_names_field(post("/api/breakeven", json={**body, "input_name": "nothing"}), 422, "input_name")
    assert_names_field(post("/api/breakeven", json={**body, "points": 2}), 422, "points")
    assert_names_field(post("/api/breakeven", json={**body, "points": "9"}), 422, "points")
    assert_names_field(post("/api/breakeven", json={**body, "futures": 1}), 422, "futures")
    assert_names_field(post("/api/breakeven", json={**body, "scenario": "b1"}), 422)
    missing = {k: v for k, v in body.items() if k != "input_name"}
    assert_names_field(post("/api/breakeven", json=missing), 422, "input_name")
    assert_names_field(post("/api/breakeven", json={**body, "futures": 10**6}), 413, "futures")
    limit = {
        "param": "labs.frontier_lab.lease.capacity_limit_mw",
        "route": "frontier_lab:lease",
        "futures": 20,
    }
    swept = {**body, "input_name": None, **limit, "param_range": [500, 5000], "points": 3}
    r = post("/api/breakeven", json=swept)
    assert r.status_code == 200, r.text
    expected = labecon.breakeven(
        "route-choice",
        "frontier_lab:lease",
        param=limit["param"],
        param_range=(500, 5000),
        points=3,
        futures=20,
        seed=4,
    )
    assert r.json() == answer_of(expected)
    assert_names_field(post("/api/breakeven", json={**swept, "param_range": [5000, 500]}), 422, "param_range")
    assert_names_field(post("/api/breakeven", json={**swept, "param": "nothing.here"}), 422, "param")
    assert_names_field(post("/api/breakeven", json={**swept, "input_name": "g_api"}), 422, "input_name")
    alone = {**body, "input_name": "d_price", "points": 3, "futures": 20, "correlated": False}
    r = post("/api/breakeven", json=alone)
    assert r.status_code == 200, r.text
    expected = labecon.breakeven(
        "route-choice", "frontier_lab:own", "d_price", points=3, futures=20, seed=4, correlated=False
    )
    assert r.json() == answer_of(expected)
    assert_names_field(post("/api/breakeven", json={**alone, "correlated": "no"}), 422, "correlated")


def test_where_two_inputs_turn_the_answer_is_answered_as_in_python_and_bad_options_named(client: Any) -> None:
    body = {"scenario": "route-choice", "seed": 4, "route": "frontier_lab:own", "input_name": "d_cloud"}
    mapped = {**body, "by": "capex_dc", "points": 3, "by_points": 2, "futures": 20}
    r = client.post("/api/breakeven", json=mapped)
    assert r.status_code == 200, r.text
    expected = labecon.breakeven_map(
        "route-choice",
        "frontier_lab:own",
        "d_cloud",
        by="capex_dc",
        points=3,
        by_points=2,
        futures=20,
        seed=4,
    )
    assert r.json() == answer_of(expected)
    post = client.post
    assert_names_field(post("/api/breakeven", json={**mapped, "by": "d_cloud"}), 422, "by")
    assert_names_field(post("/api/breakeven", json={**mapped, "by": "nothing"}), 422, "by")
    assert_names_field(post("/api/breakeven", json={**mapped, "by_points": 1}), 422, "by_points")
    limit = "labs.frontier_lab.lease.capacity_limit_mw"
    by_param = {**mapped, "by": None, "by_param": limit}
    assert_names_field(post("/api/breakeven", json=by_param), 422, "by_param_range")
    wrong = {**by_param, "by_param_range": [9, 1]}
    assert_names_field(post("/api/breakeven", json=wrong), 422, "by_param_range")
    # The cap counts every pair of values: 101 x 21 x 1,000 is far over it.
    big = {**mapped, "points": 101, "by_points": 21, "futures": 1000}
    assert_names_field(post("/api/breakeven", json=big), 413, "futures")
