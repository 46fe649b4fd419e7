"""POST /api/conventions: the route answer under the model's conventions, as labecon.conventions gives it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.web.conftest import assert_answered, assert_names_field, make_client

import labecon


def test_the_answer_is_labecon_conventions_on_the_same_seed(client: Any) -> None:
    body = {"scenario": "route-choice", "n_samples": 300, "seed": 3}
    response = client.post("/api/conventions", json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    expected = labecon.conventions("route-choice", n_samples=300, seed=3).to_dict()
    assert data == json.loads(json.dumps(expected))
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


_values = st.none() | st.booleans() | st.integers(-5, 500) | st.text(max_size=20)
_bodies = (
    st.fixed_dictionaries(
        {},
        optional={
            "scenario": st.sampled_from(["route-choice", "b1", "nope", "name: x", ""]) | _values,
            "overrides": st.dictionaries(
                st.sampled_from(["finance.chip_lead_quarters", "finance.compute_priced_at", "x.y", ""]),
                _values,
                max_size=2,
            )
            | _values,
            "n_samples": st.integers(-5, 300) | _values,
            "seed": st.integers(-5, 2**64) | _values,
        },
    )
    | _values
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_bodies)
def test_fuzzed_bodies_never_give_a_500(store: Path, body: Any) -> None:
    client = make_client(store, max_samples=300, immediate_max_samples=300, preview_samples=100)
    response = client.post(
        "/api/conventions", content=json.dumps(body), headers={"content-type": "application/json"}
    )
    assert_answered(response, (200, 413, 422, 429))
