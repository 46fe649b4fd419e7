"""Accounting identities hold in every sample and quarter, whatever the scenario (Hypothesis)."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.world_helpers import run, tiny_world

from labecon.scenario.world import RISK_EVENTS

HOURS = 2190.0

_EVENTS = RISK_EVENTS


@st.composite
def worlds(draw: st.DrawFn) -> dict[str, Any]:
    own = draw(st.floats(0.0, 1.0))
    lease = draw(st.floats(0.0, 1.0 - own))
    commit = draw(st.floats(0.0, 1.0 - own - lease))
    partner = draw(st.floats(0.0, 1.0))
    changes: dict[str, Any] = {
        "labs.a.cash_usd": draw(st.floats(1e8, 5e10)),
        "labs.b.cash_usd": draw(st.floats(1e8, 5e10)),
        "labs.a.staff_usd_per_year": draw(st.floats(0.0, 2e10)),
        "labs.a.strategy.own_frac": own,
        "labs.a.strategy.commit_frac": commit,
        "labs.a.strategy.lease_frac": lease,
        "labs.a.lease": {
            "usd_per_mw_per_year": draw(st.floats(0.0, 5e6)),
            "term_quarters": draw(st.integers(1, 30)),
            "lead_quarters": draw(st.integers(1, 8)),
        },
        "labs.a.strategy.training_rule": draw(st.sampled_from(["share", "frontier_gap"])),
        "labs.b.strategy.training_target_gap_oom": draw(st.floats(-1.0, 1.0)),
        "finance.max_raise_usd_per_year": draw(st.floats(0.0, 5e10)),
        "finance.terminal_value_method": draw(st.sampled_from(["book", "gordon", "exit_multiple"])),
        "finance.chip_life_quarters": draw(st.integers(2, 20)),
        "clouds.partner.deal.term_quarters": draw(st.integers(1, 12)),
        "clouds.partner.deal.lead_quarters": draw(st.integers(1, 4)),
        "clouds.partner.deal.opening_remaining_quarters": draw(st.integers(0, 12)),
        "clouds.partner.deal.equity_tranches": [
            {"quarter": q, "usd": draw(st.floats(0.0, 5e9)), "credits_frac": draw(st.floats(0.0, 1.0))}
            for q in draw(st.lists(st.integers(1, 11), max_size=2))
        ],
        "labs.a.strategy.debt_frac_of_capex": draw(st.floats(0.0, 1.0)),
        "labs.b.strategy.partner_frac": partner,
        "labs.b.strategy.commit_frac": draw(st.floats(0.0, 1.0 - partner)),
        "labs.a.strategy.training_frac": draw(st.floats(0.0, 0.6)),
        "market.segments.api.growth_per_year": draw(st.floats(-0.5, 2.0)),
        "market.segments.api.elasticity": draw(st.floats(0.0, 3.0)),
        "labs.a.strategy.price_premium_frac": draw(st.floats(-0.5, 1.0)),
        "finance.dc_lead_quarters": draw(st.integers(1, 10)),
    }
    if draw(st.booleans()):  # the partner's cost from its capex, power and cost of capital
        changes["clouds.partner.cost"] = {"chip_capex_usd": 10690.0, "power_kw_per_chip": 0.7}
    if draw(st.booleans()):  # a second deal for lab b, with the market cloud
        split = draw(st.floats(0.0, 1.0))
        changes["clouds.partner.deal.capacity_split_frac"] = split
        changes["clouds.market.deal"] = {
            "lab": "b",
            "chip": "h100",
            "equity_usd": draw(st.floats(0.0, 5e9)),
            "credits_frac": draw(st.floats(0.0, 1.0)),
            "stake_frac": 0.02,
            "preferential_discount_frac": 0.1,
            "capacity_split_frac": 1.0 - split,
            "equity_tranches": [{"quarter": 4, "usd": 1e9, "credits_frac": 0.5}],
        }
    if draw(st.booleans()):
        changes["market.segments.consumer"] = {
            "spend_usd_per_year": 2e10,
            "growth_per_year": 0.3,
            "price_usd_per_unit": 4.0,
            "price_decline_per_year": 0.3,
            "serving_efficiency_gain_per_year": 0.3,
            "elasticity": 0.5,
        }
        changes["labs.a.revenue_mix"] = {"api": 0.5, "consumer": 0.5}
    for name in draw(st.lists(st.sampled_from(_EVENTS), unique=True, max_size=4)):
        changes[f"risks.{name}"] = {
            "probability": draw(st.floats(0.0, 1.0)),
            "size_frac": draw(st.floats(0.0, 0.9)),
            "duration_quarters": draw(st.integers(0, 6)),
            "delay_quarters": draw(st.integers(0, 3)),
        }
    return tiny_world(**changes)


def _close(a: np.ndarray, b: np.ndarray, scale: np.ndarray) -> None:
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-9 * float(np.max(np.abs(scale))) + 1e-3)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=worlds())
def test_statements_tie_out_in_every_sample_and_quarter(data: dict[str, Any]) -> None:
    res = run(data, n=40)
    ds = res.dataset
    bal = ds["balance_sheet_usd"]
    assets = bal.sel(balance_line="total_assets").to_numpy()
    cash = bal.sel(balance_line="cash").to_numpy()
    credits = bal.sel(balance_line="credits").to_numpy()
    prop = bal.sel(balance_line="property").to_numpy()
    debt = bal.sel(balance_line="debt").to_numpy()
    equity = bal.sel(balance_line="equity").to_numpy()
    # Assets = liabilities + equity, and assets are what the balance sheet lists.
    _close(assets, debt + equity, assets)
    _close(assets, cash + credits + prop, assets)
    assert np.all(credits >= -1e-6)
    # The change in cash is the sum of the cash flows.
    cf = ds["cash_flow_usd"]
    operating, investing, financing, change = (
        cf.sel(cash_flow_line=k).to_numpy() for k in ("operating", "investing", "financing", "change_in_cash")
    )
    _close(change, operating + investing + financing, cash)
    _close(np.diff(cash, axis=2), change[:, :, 1:], cash)
    # The income statement adds up.
    inc = ds["income_statement_usd"]
    lines = {k: inc.sel(income_line=k).to_numpy() for k in inc["income_line"].to_numpy()}
    _close(
        lines["net_income"],
        lines["revenue"] - lines["compute_cost"] - lines["depreciation"] - lines["staff"] - lines["interest"],
        lines["revenue"],
    )
    # Cash never goes negative without ruin being recorded.
    ruined = ds["is_ruined"].to_numpy()
    negative = (cash < 0).any(axis=2)
    assert np.all(ruined[negative] == 1.0)
    # Served demand needs at most the inference capacity.
    compute_per_unit = []
    segments = list(ds["segment"].to_numpy())
    t = np.arange(12)
    for seg in segments:
        gain = data["market"]["segments"][seg]["serving_efficiency_gain_per_year"]
        compute_per_unit.append((1 - gain) ** (t / 4))
    cpu = np.stack(compute_per_unit, axis=-1)
    need = (ds["served_units"].to_numpy() * cpu).sum(axis=-1) / HOURS
    cap = ds["inference_capacity_h100e"].to_numpy()
    assert np.all(need <= cap * (1 + 1e-9) + 1e-6)
    # Shares in a segment sum to at most 1.
    shares = ds["market_share"].to_numpy().sum(axis=1)
    assert np.all(shares <= 1.0 + 1e-9)
    assert np.all(ds["market_share"].to_numpy() >= 0.0)
