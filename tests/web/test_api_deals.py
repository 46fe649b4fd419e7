"""POST /api/deals: what each deal is worth to both sides, as labecon.deal_values gives it."""

from __future__ import annotations

import json
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


def test_the_answer_is_labecon_deal_values_on_the_same_seed(client: Any) -> None:
    body = {"scenario": "route-choice", "n_samples": 300, "seed": 3}
    response = client.post("/api/deals", json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    expected = labecon.deal_values("route-choice", n_samples=300, seed=3)
    assert data == answer_of(expected)
    assert data["summary"] == expected.summary()
    assert data["summary"].startswith(data["headline"])
    assert data["summary"].startswith("The deal leaves both sides better off in most futures (300 futures")
    assert data["names"]["deal"] == {"partner_cloud:frontier_lab": "Partner cloud with Frontier lab"}


def test_overrides_and_the_preview_size_by_default(store: Path) -> None:
    client = make_client(store, preview_samples=150)
    change = {"clouds.partner_cloud.deal.stake_frac": 0.0}
    data = client.post("/api/deals", json={"scenario": "route-choice", "overrides": change}).json()
    assert data["n_samples"] == 150
    overridden = labecon.with_overrides(labecon.load_scenario("route-choice"), change)
    want = labecon.deal_values(overridden, n_samples=150, seed=overridden.run.seed)
    assert data["deals"][0]["partner_npv_usd"] == json.loads(json.dumps(want.deals[0].partner_npv))


def test_a_scenario_without_deals_names_the_field(client: Any) -> None:
    assert_names_field(client.post("/api/deals", json={"scenario": "b1"}), 422, "scenario")
    detail = assert_names_field(client.post("/api/deals", json={"scenario": "route-choice", "seed": -1}), 422)
    assert "seed" in detail["field"]
    too_many = {"scenario": "route-choice", "n_samples": 5_001}
    assert_names_field(client.post("/api/deals", json=too_many), 413, "n_samples")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=run_bodies(["clouds.partner_cloud.deal.stake_frac", "finance.compute_priced_at"]))
def test_fuzzed_bodies_never_give_a_500(store: Path, body: Any) -> None:
    client = make_client(store, max_samples=300, immediate_max_samples=300, preview_samples=100)
    assert_answered(post_raw(client, "/api/deals", body), (200, 413, 422, 429))
