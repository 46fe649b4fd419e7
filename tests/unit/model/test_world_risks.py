"""Each risk event, switched on with probability 1, moves the outputs the way it must."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.world_helpers import run, tiny_world

N = 60
RICH = {"labs.a.cash_usd": 5e11, "labs.b.cash_usd": 5e11}
"""Enough cash that no runway rule (cut training, raise) ever fires: only the event differs."""


def _pair(event: str, spec: dict[str, Any], **changes: Any) -> tuple[Any, Any]:
    base = run(tiny_world(**changes), n=N)
    shocked = run(tiny_world(**changes, **{f"risks.{event}": {"probability": 1.0, **spec}}), n=N)
    return base.dataset, shocked.dataset


def _line(ds: Any, var: str, lab: str, dim: str, line: str) -> np.ndarray:
    out: np.ndarray = ds[var].sel({"lab": lab, dim: line}).to_numpy()
    return out


def test_partner_price_rise_raises_the_partner_labs_costs_and_no_one_elses() -> None:
    base, shocked = _pair("partner_price_rise", {"size_frac": 0.5}, **RICH)
    cost_b0 = _line(base, "income_statement_usd", "b", "income_line", "compute_cost")
    cost_b1 = _line(shocked, "income_statement_usd", "b", "income_line", "compute_cost")
    assert np.all(cost_b1 >= cost_b0 - 1e-6)
    assert np.any(cost_b1 > cost_b0 * 1.01)
    cost_a0 = _line(base, "income_statement_usd", "a", "income_line", "compute_cost")
    cost_a1 = _line(shocked, "income_statement_usd", "a", "income_line", "compute_cost")
    np.testing.assert_array_equal(cost_a0, cost_a1)
    rev0 = base["partner_accounts_usd"].sel(partner_line="revenue_from_lab").to_numpy()
    rev1 = shocked["partner_accounts_usd"].sel(partner_line="revenue_from_lab").to_numpy()
    assert rev1.sum() > rev0.sum()


def test_partner_capacity_cut_lowers_partner_capacity_and_the_lab_rents_more() -> None:
    base, shocked = _pair(
        "partner_capacity_cut",
        {"size_frac": 0.8, "duration_quarters": 0},
        **RICH,
        **{"clouds.partner.capacity_limit_h100e": 6e5},
    )
    p0 = _line(base, "capacity_h100e", "b", "source", "partner")
    p1 = _line(shocked, "capacity_h100e", "b", "source", "partner")
    assert np.all(p1 <= p0 + 1e-6)
    assert np.any(p1 < p0 * 0.5)
    r0 = _line(base, "capacity_h100e", "b", "source", "rented")
    r1 = _line(shocked, "capacity_h100e", "b", "source", "rented")
    assert r1.sum() > r0.sum()


def test_a_partner_event_naming_one_cloud_hits_only_the_deals_with_it() -> None:
    # Lab a also has a deal, with the market cloud; the cut names the partner cloud (lab b's).
    deal_a = {
        "lab": "a",
        "chip": "h100",
        "equity_usd": 0.0,
        "credits_frac": 0.0,
        "stake_frac": 0.01,
        "preferential_discount_frac": 0.0,
    }
    changes = {
        **RICH,
        "clouds.market.deal": deal_a,
        "labs.a.strategy.partner_frac": 0.3,
        "labs.a.strategy.commit_frac": 0.1,
        "clouds.partner.capacity_limit_h100e": 6e5,
        "clouds.market.capacity_limit_h100e": 6e5,
    }
    base, shocked = _pair(
        "partner_capacity_cut", {"size_frac": 0.8, "duration_quarters": 0, "cloud": "partner"}, **changes
    )
    b0 = _line(base, "capacity_h100e", "b", "source", "partner")
    b1 = _line(shocked, "capacity_h100e", "b", "source", "partner")
    assert np.any(b1 < b0 * 0.5)
    a0 = _line(base, "capacity_h100e", "a", "source", "partner")
    a1 = _line(shocked, "capacity_h100e", "a", "source", "partner")
    # Lab a's deal is not cut: its capacity falls nowhere (it rises where it wins b's customers).
    assert a0.max() > 0
    assert np.all(a1 >= a0 * (1 - 1e-12))


def test_demand_slump_lowers_every_labs_revenue() -> None:
    base, shocked = _pair("demand_slump", {"size_frac": 0.5}, **RICH)
    for lab in ("a", "b"):
        r0 = base["revenue_usd_by_year"].sel(lab=lab).to_numpy().sum(axis=1)
        r1 = shocked["revenue_usd_by_year"].sel(lab=lab).to_numpy().sum(axis=1)
        assert np.all(r1 <= r0 * (1 + 1e-9))
        assert r1.mean() < r0.mean()


def test_compute_glut_strands_owned_capacity() -> None:
    # No cloud capacity at all: lab a lives on its own fleet, whose value at the horizon (at book) the
    # glut cuts.
    no_cloud = {
        **RICH,
        "finance.terminal_value_method": "book",
        "clouds.market.capacity_limit_h100e": 0.0,
        "labs.a.strategy.own_frac": 1.0,
        "labs.a.strategy.commit_frac": 0.0,
    }
    base, shocked = _pair("compute_glut", {"size_frac": 0.5}, **no_cloud)
    npv0 = base["npv_fcf_usd"].sel(lab="a").to_numpy()
    npv1 = shocked["npv_fcf_usd"].sel(lab="a").to_numpy()
    assert np.all(npv1 < npv0)


def test_compute_glut_lowers_the_price_owned_capacity_sells_at() -> None:
    # As a going concern (exit-multiple terminal value): competitors pass cheap compute on to the
    # price of service, so an owner whose capacity is fixed sells each unit for less. (Its NPV
    # moves little, either way: with customers' spend fixed in dollars a lower price sells more
    # units. The stranding of owned capacity is the book-value test above.)
    no_cloud = {
        **RICH,
        "clouds.market.capacity_limit_h100e": 0.0,
        "labs.a.strategy.own_frac": 1.0,
        "labs.a.strategy.commit_frac": 0.0,
    }
    base, shocked = _pair("compute_glut", {"size_frac": 0.6}, **no_cloud)
    price0 = base["price_usd_per_unit"].sel(lab="a").to_numpy()
    price1 = shocked["price_usd_per_unit"].sel(lab="a").to_numpy()
    assert np.all(price1 <= price0 * (1 + 1e-9))
    assert price1.mean() < 0.9 * price0.mean()


def test_compute_glut_makes_renting_cheaper() -> None:
    only_rent = {
        **RICH,
        "labs.a.owned_h100e": 0.0,
        "labs.a.committed_h100e": 0.0,
        "labs.a.strategy.own_frac": 0.0,
        "labs.a.strategy.commit_frac": 0.0,
    }
    base, shocked = _pair("compute_glut", {"size_frac": 0.5}, **only_rent)
    c0 = _line(base, "income_statement_usd", "a", "income_line", "compute_cost")
    c1 = _line(shocked, "income_statement_usd", "a", "income_line", "compute_cost")
    assert np.all(c1 <= c0 + 1e-6)
    assert c1.sum() < c0.sum()


def test_chip_shortage_raises_the_builders_capex_only() -> None:
    base, shocked = _pair("chip_shortage", {"size_frac": 0.5}, **RICH)
    inv0 = _line(base, "cash_flow_usd", "a", "cash_flow_line", "investing")
    inv1 = _line(shocked, "cash_flow_usd", "a", "cash_flow_line", "investing")
    assert np.all(inv1 <= inv0 + 1e-6)  # investing flows are negative: more spent
    assert inv1.sum() < inv0.sum()
    np.testing.assert_array_equal(
        _line(base, "cash_flow_usd", "b", "cash_flow_line", "investing"),
        _line(shocked, "cash_flow_usd", "b", "cash_flow_line", "investing"),
    )


def test_a_shortage_that_rations_everyone_cuts_the_builders_chips_too() -> None:
    # By default a shortage rations renters only: the builder gets every chip it orders, dearer.
    # Rationing everyone, its orders while the shortage lasts are cut by the shortage's size.
    shortage = {"size_frac": 0.5, "duration_quarters": 6}
    _, renters = _pair("chip_shortage", shortage, **RICH)
    _, everyone = _pair("chip_shortage", shortage, **RICH, **{"finance.shortage_rations": "everyone"})
    own_r = renters["capacity_h100e"].sel(lab="a", source="owned").to_numpy()
    own_e = everyone["capacity_h100e"].sel(lab="a", source="owned").to_numpy()
    assert np.all(own_e <= own_r * (1 + 1e-12) + 1e-6)
    assert own_e.sum() < own_r.sum()
    # And what it cannot own it rents, within what the clouds have left to sell.
    rented_r = renters["capacity_h100e"].sel(lab="a", source="rented").to_numpy()
    rented_e = everyone["capacity_h100e"].sel(lab="a", source="rented").to_numpy()
    assert rented_e.sum() >= rented_r.sum()


def test_construction_delay_makes_owned_capacity_later_and_dearer() -> None:
    base, shocked = _pair("construction_delay", {"size_frac": 0.3, "delay_quarters": 3}, **RICH)
    own0 = _line(base, "capacity_h100e", "a", "source", "owned")
    own1 = _line(shocked, "capacity_h100e", "a", "source", "owned")
    assert own1.sum() < own0.sum()
    inv0 = _line(base, "cash_flow_usd", "a", "cash_flow_line", "investing")
    inv1 = _line(shocked, "cash_flow_usd", "a", "cash_flow_line", "investing")
    assert inv1[:, :4].sum() < inv0[:, :4].sum() or (inv1.sum() < inv0.sum())


def test_interest_rate_shock_raises_interest_of_indebted_labs_only() -> None:
    base, shocked = _pair("interest_rate_shock", {"size_frac": 0.03}, **RICH)
    i0 = _line(base, "income_statement_usd", "a", "income_line", "interest")
    i1 = _line(shocked, "income_statement_usd", "a", "income_line", "interest")
    assert np.all(i1 >= i0)
    assert i1.sum() > i0.sum()
    assert np.all(_line(shocked, "income_statement_usd", "b", "income_line", "interest") == 0.0)


def test_failed_funding_round_raises_ruin() -> None:
    poor = {"labs.a.cash_usd": 1e8, "labs.a.staff_usd_per_year": 2e10}
    base, shocked = _pair("failed_funding_round", {"size_frac": 0.0, "duration_quarters": 0}, **poor)
    ruin0 = base["is_ruined"].sel(lab="a").to_numpy()
    ruin1 = shocked["is_ruined"].sel(lab="a").to_numpy()
    assert ruin1.mean() > ruin0.mean()
    raised0 = _line(base, "cash_flow_usd", "a", "cash_flow_line", "financing").sum()
    raised1 = _line(shocked, "cash_flow_usd", "a", "cash_flow_line", "financing").sum()
    assert raised1 < raised0


@pytest.mark.parametrize("event", ["demand_slump", "chip_shortage"])
def test_a_switched_off_event_changes_nothing(event: str) -> None:
    base = run(tiny_world(), n=20)
    off = run(
        tiny_world(**{f"risks.{event}": {"probability": 1.0, "size_frac": 0.5, "is_enabled": False}}), n=20
    )
    np.testing.assert_array_equal(
        base.dataset["npv_fcf_usd"].to_numpy(), off.dataset["npv_fcf_usd"].to_numpy()
    )
