"""A lab's IRR to a buyer at its opening valuation: its flows are its NPV's, and it moves as it should."""

from __future__ import annotations

import numpy as np
from tests.world_helpers import path, run, tiny_world

import labecon
from labecon.model.world import run_world
from labecon.scenario.routes import with_route
from labecon.scenario.schema import WorldScenario, as_kind
from labecon.strategies import lab_policy
from labecon.uncertain.sampling import sample_inputs


def _run(data: dict, n: int = 60, seed: int = 4) -> tuple[WorldScenario, object]:
    scenario = as_kind(labecon.load_scenario(data), WorldScenario)
    assert scenario is not None
    draws = sample_inputs(scenario.inputs, seed=seed, start=0, n=n, correlation=scenario.correlation)
    return scenario, run_world(
        scenario, draws, n, lab_policy(scenario, draws, n), seed=seed, start=0, npv_parts=True
    )


def test_a_buyer_s_flows_discount_to_the_npv_less_the_opening_value_and_the_irr_zeroes_them() -> None:
    scenario, result = _run(tiny_world())
    flows = result.npv.flows  # (sample, lab, quarter + 1)
    rate = scenario.finance.discount_rate_per_year
    discount = (1.0 + rate) ** (-np.arange(flows.shape[2]) / 4.0)
    opening = 1e10 * scenario.finance.valuation_revenue_multiple - np.array([2e10, 1e10])  # labs a and b
    opening[1] -= 2e9  # b's partner's investment, paid in before quarter 0 (half of it as credits)
    expected = result.outputs["npv_fcf_usd"] - opening
    np.testing.assert_allclose((flows * discount).sum(axis=2), expected, rtol=1e-9)
    irr, unique = result.outputs["irr_per_year"], result.outputs["is_irr_unique"] > 0
    assert unique.mean() > 0.9
    rate = np.where(unique, irr, 0.0)[:, :, None]  # a lost lab's -100% has no discount factor
    at_irr = (flows * (1.0 + rate) ** (-np.arange(flows.shape[2]) / 4.0)).sum(axis=2)
    assert (np.abs(at_irr[unique]) < 1e-9 * np.abs(flows).sum(axis=2)[unique]).all()
    # Where no rate zeroes it, a buyer whose every flow is a loss (a ruined lab) loses everything.
    lost = ~unique & (flows <= 0).all(axis=2)
    assert lost.any()
    assert (irr[lost] == -1.0).all()


def test_a_dearer_opening_valuation_lowers_the_irr_in_every_future() -> None:
    cheap = run(tiny_world(), n=40)
    dear = run(tiny_world(**{"finance.valuation_revenue_multiple": 40.0}), n=40)
    assert (path(dear, "irr_per_year") < path(cheap, "irr_per_year")).all()


def test_a_ruined_lab_returns_nothing_to_its_buyer() -> None:
    broke = {"labs.a.cash_usd": 5e8, "labs.a.staff_usd_per_year": 4e10, "finance.funding_base_logit": -50.0}
    ruined = run(tiny_world(**broke), n=20)
    assert path(ruined, "is_ruined")[:, 0].all()
    assert (path(ruined, "irr_per_year")[:, 0] == -1.0).all()


def test_each_route_s_irr_is_its_full_run_s() -> None:
    scenario = as_kind(labecon.load_scenario("route-choice"), WorldScenario)
    assert scenario is not None
    ds = labecon.simulate(scenario, n_samples=200, seed=6).dataset
    routes = [str(r) for r in ds["route"].to_numpy()]
    irr = ds["route_irr_per_year"].to_numpy()
    np.testing.assert_array_equal(irr[:, 0], ds["irr_per_year"].to_numpy()[:, 0])  # the declared route
    for k, label in enumerate(routes[1:], start=1):
        lab, route = label.split(":")
        variant = with_route(scenario, lab, route)  # its lab on that route, in a whole run
        alone = labecon.simulate(variant, n_samples=200, seed=6).dataset["irr_per_year"].to_numpy()[:, 0]
        np.testing.assert_array_equal(irr[:, k], alone)
