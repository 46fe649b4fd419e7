"""POST /api/drivers: what moves each route answer, as labecon.route_drivers gives it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from tests.web.conftest import (
    answer_of,
    assert_answered,
    assert_names_field,
    make_client,
    post_raw,
    run_bodies,
)

import labecon


def test_the_answer_is_labecon_route_drivers_on_the_same_seed(client: Any) -> None:
    response = client.post("/api/drivers", json={"scenario": "route-choice", "seed": 3})
    assert response.status_code == 200, response.text
    assert response.json() == answer_of(labecon.route_drivers("route-choice", seed=3))


def test_correlated_inputs_move_unless_asked_not_to(client: Any) -> None:
    body = {"scenario": "route-choice", "seed": 3, "correlated": False}
    held = client.post("/api/drivers", json=body)
    assert held.status_code == 200, held.text
    assert held.json() == answer_of(labecon.route_drivers("route-choice", seed=3, correlated=False))
    moved = client.post("/api/drivers", json={"scenario": "route-choice", "seed": 3}).json()
    assert moved["correlated"] is True
    assert moved["high"] != held.json()["high"]
    unclear = client.post("/api/drivers", json={"scenario": "route-choice", "correlated": "yes"})
    assert_names_field(unclear, 422, "correlated")


def test_overrides_move_the_answer_as_in_python(client: Any) -> None:
    overrides = {"labs.frontier_lab.lease.capacity_limit_mw": 500}
    body = {"scenario": "route-choice", "overrides": overrides, "seed": 3}
    data = client.post("/api/drivers", json=body).json()
    expected = labecon.route_drivers(labecon.with_overrides("route-choice", overrides), seed=3)
    assert data["base"] == expected.base
    assert data["base"] != labecon.route_drivers("route-choice", seed=3).base


def test_a_scenario_without_a_route_answer_names_the_field(client: Any) -> None:
    assert_names_field(client.post("/api/drivers", json={"scenario": "b1"}), 422, "scenario")
    no_routes = {"scenario": "route-choice", "overrides": {"labs.frontier_lab.routes": {}}}
    assert_names_field(client.post("/api/drivers", json=no_routes), 422, "labs")
    bad = {"scenario": "route-choice", "overrides": {"inputs.g_api.ci90": "fast"}}
    assert "g_api" in assert_names_field(client.post("/api/drivers", json=bad), 422)["field"]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=run_bodies(["finance.compute_priced_at", "labs.frontier_lab.routes"]))
def test_fuzzed_bodies_never_give_a_500(store: Path, body: Any) -> None:
    assert_answered(post_raw(make_client(store), "/api/drivers", body), (200, 422, 429))
