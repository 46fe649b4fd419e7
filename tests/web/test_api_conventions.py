"""POST /api/conventions: the route answer under the model's conventions, as labecon.conventions gives it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from tests.web.conftest import assert_answered, assert_names_field, make_client, post_raw, run_bodies

import labecon


def test_the_answer_is_labecon_conventions_on_the_same_seed(client: Any) -> None:
    body = {"scenario": "route-choice", "n_samples": 300, "seed": 3}
    response = client.post("/api/conventions", json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    result = labecon.conventions("route-choice", n_samples=300, seed=3)
    assert data == json.loads(json.dumps({**result.to_dict(), "table": result.table()}))  # with its CSV rows
    assert [row["label"] for row in data["rows"]][:2] == ["as declared", "compute priced at signing"]
    assert all(0.0 <= row["beyond_plausible_bounds"]["frontier_lab"] <= 1.0 for row in data["rows"])


def test_overrides_and_the_preview_size_by_default(store: Path) -> None:
    client = make_client(store, preview_samples=200)
    body = {"scenario": "route-choice", "overrides": {"finance.compute_priced_at": "signing"}}
    data = client.post("/api/conventions", json=body).json()
    assert data["n_samples"] == 200
    assert data["rows"][1]["label"] == "compute priced at delivery"  # the setting the scenario does not use


def test_a_scenario_without_a_route_answer_names_the_field(client: Any) -> None:
    assert_names_field(client.post("/api/conventions", json={"scenario": "b1"}), 422, "scenario")
    detail = assert_names_field(
        client.post("/api/conventions", json={"scenario": "two-strategies", "n_samples": 0}), 422
    )
    assert "n_samples" in detail["field"]
    too_many = {"scenario": "route-choice", "n_samples": 5_001}
    assert_names_field(client.post("/api/conventions", json=too_many), 413, "n_samples")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=run_bodies(["finance.chip_lead_quarters", "finance.compute_priced_at"]))
def test_fuzzed_bodies_never_give_a_500(store: Path, body: Any) -> None:
    client = make_client(store, max_samples=300, immediate_max_samples=300, preview_samples=100)
    assert_answered(post_raw(client, "/api/conventions", body), (200, 413, 422, 429))
