"""The vectorised world engine agrees with the scalar reference loop to 1e-10, sample by sample."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from scipy import optimize
from tests.reference.scalar_world import params_from_scenario, simulate_one
from tests.world_helpers import set_path, tiny_world

import labecon


def one_lab_world(**changes: Any) -> dict[str, Any]:
    data = tiny_world()
    del data["labs"]["b"]
    del data["clouds"]["partner"]["deal"]  # a case may give lab a the deal
    data["horizon_quarters"] = 16
    for path, value in changes.items():
        set_path(data, path, value)
    return data


CASES = {
    "baseline": {},
    "short_of_cash": {"labs.a.cash_usd": 5e8, "labs.a.staff_usd_per_year": 1.5e10},
    "never_funded": {
        "labs.a.cash_usd": 5e8,
        "labs.a.staff_usd_per_year": 1.5e10,
        "finance.funding_base_logit": -50.0,
    },
    "slump_and_premium": {
        "market.segments.api.growth_per_year": -0.5,
        "labs.a.strategy.price_premium_frac": 0.3,
        "labs.a.strategy.commit_scale_with_revenue": 0.5,
        "finance.dc_lead_quarters": 3,
    },
    "commitments_start_later": {  # signed now, online after three quarters, planned for then
        "labs.a.strategy.commit_lead_quarters": 3,
        "labs.a.strategy.commit_frac": 0.5,
        "labs.a.strategy.commit_term_quarters": 5,
    },
    "tight_cloud": {"clouds.market.capacity_limit_h100e": 2e5, "labs.a.strategy.run_length_quarters": 3},
    "funding_ceiling_gordon": {
        "labs.a.cash_usd": 5e8,
        "labs.a.staff_usd_per_year": 1.5e10,
        "finance.max_raise_usd_per_year": 1.5e10,
        "finance.max_raise_growth_per_year": 0.2,
        "finance.funding_loss_logit": 0.2,
        "finance.terminal_value_method": "gordon",
    },
    "share_rule": {"labs.a.strategy.training_rule": "share"},
    "staff_with_revenue": {
        "labs.a.strategy.staff_revenue_elasticity": 0.8,
        "labs.a.strategy.staff_growth_per_year": 0.0,
        "market.segments.api.growth_per_year": 1.5,
    },
    "race_ahead": {
        "labs.a.strategy.training_target_gap_oom": 0.5,
        "labs.a.strategy.training_max_frac": 0.7,
        "labs.a.strategy.run_length_quarters": 3,
    },
    "lease": {
        "labs.a.lease": {"usd_per_mw_per_year": 2.0e6, "term_quarters": 10, "lead_quarters": 3},
        "labs.a.strategy.lease_frac": 0.3,
        "labs.a.strategy.own_frac": 0.2,
        "finance.chip_life_quarters": 4,
    },
    "chips_into_old_data_centres": {  # chips retire within the horizon; new ones reuse the space
        "labs.a.strategy.own_frac": 0.8,
        "labs.a.strategy.commit_frac": 0.1,
        "finance.chip_life_quarters": 4,
        "finance.dc_life_quarters": 10,
        "chips.h100.power_decline_per_year": 0.4,
    },
    "chips_into_old_data_centres_refitted": {  # as above, each reuse of space paying for a refit
        "labs.a.strategy.own_frac": 0.8,
        "labs.a.strategy.commit_frac": 0.1,
        "finance.chip_life_quarters": 4,
        "finance.dc_life_quarters": 10,
        "finance.dc_refit_usd_per_mw": 8.0e6,
        "chips.h100.power_decline_per_year": 0.4,
    },
    "owned_halls_refilled_whatever_the_plan": {  # finance.owned_refill: hall
        "labs.a.strategy.own_frac": 0.3,
        "labs.a.strategy.commit_frac": 0.1,
        "finance.chip_life_quarters": 4,
        "finance.dc_life_quarters": 10,
        "finance.owned_refill": "hall",
        "chips.h100.power_decline_per_year": 0.4,
    },
    "chips_for_free_space_ordered_a_chip_lead_ahead": {  # and halls only for the chips that do not fit
        "labs.a.strategy.own_frac": 0.8,
        "labs.a.strategy.commit_frac": 0.1,
        "finance.chip_life_quarters": 4,
        "finance.dc_life_quarters": 10,
        "finance.dc_lead_quarters": 5,
        "finance.chip_lead_quarters": 2,
        "finance.dc_refit_usd_per_mw": 8.0e6,
        "chips.h100.power_decline_per_year": 0.4,
    },
    "halls_close_before_their_chips": {  # the opening halls close in 4 quarters, chips live 10
        "labs.a.strategy.own_frac": 0.1,
        "labs.a.strategy.commit_frac": 0.1,
        "labs.a.owned_book_frac": 0.5,
        "finance.chip_life_quarters": 20,
        "finance.dc_life_quarters": 8,
        "finance.dc_lead_quarters": 2,
    },
    "partner_tranches": {
        "clouds.partner.deal": {
            "lab": "a",
            "chip": "tpu",
            "equity_usd": 2e9,
            "credits_frac": 0.5,
            "stake_frac": 0.05,
            "preferential_discount_frac": 0.1,
            "term_quarters": 6,
            "lead_quarters": 2,
            "opening_remaining_quarters": 3,
            "equity_tranches": [{"quarter": 5, "usd": 3e9, "credits_frac": 0.4}],
        },
        "clouds.partner.capacity_limit_h100e": 2.5e5,
        "clouds.partner.capacity_growth_per_year": 0.3,
        "labs.a.partner_h100e": 1e5,
        "labs.a.strategy.partner_frac": 0.4,
        "labs.a.strategy.own_frac": 0.3,
        "labs.a.strategy.commit_frac": 0.2,
    },
    "route_changes": {  # partner chips first, then its own data centres, then leased ones
        "clouds.partner.deal": {
            "lab": "a",
            "chip": "tpu",
            "equity_usd": 2e9,
            "credits_frac": 0.5,
            "term_quarters": 6,
            "lead_quarters": 2,
        },
        "clouds.partner.capacity_limit_h100e": 2.5e5,
        "labs.a.partner_h100e": 1e5,
        "labs.a.lease": {"usd_per_mw_per_year": 2.0e6, "term_quarters": 10, "lead_quarters": 3},
        "labs.a.strategy.partner_frac": 0.6,
        "labs.a.strategy.own_frac": 0.0,
        "labs.a.strategy.commit_frac": 0.2,
        "labs.a.strategy.route_changes": [
            {"from_quarter": 5, "own_frac": 0.5, "partner_frac": 0.1},
            {"from_quarter": 10, "own_frac": 0.2, "lease_frac": 0.3},
        ],
        "finance.chip_life_quarters": 4,
    },
    "partner_signed_later": {
        "clouds.partner.deal": {
            "lab": "a",
            "chip": "tpu",
            "signed_quarter": 4,
            "equity_usd": 2e9,
            "credits_frac": 0.5,
            "preferential_discount_frac": 0.1,
            "capacity_limit_h100e": 1.5e5,
            "term_quarters": 6,
            "lead_quarters": 2,
            "equity_tranches": [{"quarter": 7, "usd": 1e9, "credits_frac": 0.4}],
        },
        "labs.a.strategy.partner_frac": 0.4,
        "labs.a.strategy.own_frac": 0.3,
        "labs.a.strategy.commit_frac": 0.2,
    },
    "partner_cost_from_capex": {
        "clouds.partner.deal": {
            "lab": "a",
            "chip": "tpu",
            "equity_usd": 1e9,
            "credits_frac": 1.0,
            "stake_frac": 0.02,
            "preferential_discount_frac": 0.0,
            "capacity_split_frac": 0.5,
        },
        "clouds.partner.cost": {"chip_capex_usd": 10690.0, "power_kw_per_chip": 0.7},
        "labs.a.cash_usd": 3e9,
        "labs.a.strategy.partner_frac": 0.5,
        "labs.a.strategy.own_frac": 0.0,
        "labs.a.strategy.commit_frac": 0.3,
    },
    "preference_drift_tight_cloud": {
        "labs.a.preference_drift_per_year": 0.8,
        "market.segments.api.growth_per_year": 2.0,
        "clouds.market.capacity_limit_h100e": 3e5,
    },
    "preference_drift_down": {"labs.a.preference_drift_per_year": -1.0},
    "book_terminal_value": {
        "finance.terminal_value_method": "book",
        "finance.plausible_max_revenue_usd_per_year": 9e9,
    },
}
CASES["a_lease_limit"] = {  # builders lease at most so much, growing (labs.<lab>.lease.capacity_limit_h100e)
    **CASES["lease"],
    "labs.a.lease": {
        "usd_per_mw_per_year": 2.0e6,
        "term_quarters": 10,
        "lead_quarters": 3,
        "capacity_limit_h100e": 2.0e4,
        "capacity_growth_per_year": 0.3,
    },
}
CASES["a_lease_limit_in_mw"] = {  # the same MW hold more H100e as chips draw less (capacity_limit_mw)
    **CASES["a_lease_limit"],
    "labs.a.lease": {
        "usd_per_mw_per_year": 2.0e6,
        "term_quarters": 10,
        "lead_quarters": 3,
        "capacity_limit_mw": 20.0,
        "capacity_growth_per_year": 0.1,
    },
}
CASES["owned_halls_refilled_as_the_plan_asks"] = {  # the same case with finance.owned_refill: plan
    **CASES["owned_halls_refilled_whatever_the_plan"],
    "finance.owned_refill": "plan",
}
CASES["chips_for_free_space_ordered_a_chip_lead_ahead_filling_halls"] = {  # all the free space then
    **CASES["chips_for_free_space_ordered_a_chip_lead_ahead"],
    "finance.owned_refill": "hall",
}
CASES["chips_for_free_space_ordered_a_chip_lead_ahead_filling_halls_beyond_the_plan"] = {
    **CASES["chips_for_free_space_ordered_a_chip_lead_ahead_filling_halls"],
    "labs.a.strategy.own_frac": 0.3,  # more space free than the plan wants
}
CASES["leased_chips_renewed_as_planned"] = {  # finance.lease_refill: plan; the last renewal leaves early
    **CASES["lease"],
    "finance.lease_refill": "plan",
    "chips.h100.power_decline_per_year": 0.4,
}
CASES["leased_chips_renewed_as_planned_in_a_slump"] = {  # the plan wants less than the halls hold
    **CASES["leased_chips_renewed_as_planned"],
    "labs.a.lease": {"usd_per_mw_per_year": 2.0e6, "term_quarters": 8, "lead_quarters": 2},
    "market.segments.api.growth_per_year": -0.6,
}
CASES["leased_chips_renewed_as_planned_within_a_limit"] = {
    **CASES["a_lease_limit_in_mw"],
    "finance.lease_refill": "plan",
    "chips.h100.power_decline_per_year": 0.4,
}
CASES["an_opening_fleet_of_another_chip"] = {  # its price and power value and size it (labs.<lab>.owned_chip)
    **CASES["chips_into_old_data_centres"],
    "chips.old": {"peak_bf16_tflops": 494.7, "power_kw_all_in": 1.2, "price_usd": 9000.0},
    "labs.a.owned_chip": "old",
}
CASES["partner_deal_costed_at_its_chip"] = {  # the deal's own cost, not the cloud's
    **CASES["partner_cost_from_capex"],
    "clouds.partner.deal": {
        **CASES["partner_cost_from_capex"]["clouds.partner.deal"],
        "cost": {"chip_capex_usd": 30000.0, "power_kw_per_chip": 1.5, "cost_of_capital_per_year": 0.12},
    },
}
CASES["partner_tranches_short_of_cash"] = {  # a lab that cannot raise signs smaller tranches too
    **CASES["partner_tranches"],
    "labs.a.cash_usd": 4e9,
    "labs.a.staff_usd_per_year": 8e9,
    "finance.funding_base_logit": -50.0,
    "clouds.partner.capacity_limit_h100e": 1e8,  # its target, not the partner's limit, sets the tranches
}
CASES["stake_valued_at_the_horizon"] = {  # the partner's stake as a share of the lab's equity then
    **CASES["partner_tranches"],
    "finance.stake_valued_at": "horizon",
}


@pytest.mark.parametrize("case", list(CASES))
def test_engine_matches_scalar_loop(case: str) -> None:
    data = one_lab_world(**CASES[case])
    sc = labecon.load_scenario(data)
    res = labecon.simulate(sc, n_samples=6, seed=11, keep_paths=True)
    ds = res.dataset
    p = params_from_scenario(sc)
    for i in range(6):
        ref = simulate_one(p, 11, i)
        rtol = 1e-10
        np.testing.assert_allclose(
            ds["income_statement_usd"].to_numpy()[i, 0], ref["income"], rtol=rtol, atol=1e-3
        )
        np.testing.assert_allclose(
            ds["cash_flow_usd"].to_numpy()[i, 0], ref["cash_flow"], rtol=rtol, atol=1e-3
        )
        np.testing.assert_allclose(
            ds["balance_sheet_usd"].to_numpy()[i, 0], ref["balance"], rtol=rtol, atol=1e-3
        )
        np.testing.assert_allclose(
            ds["revenue_usd_by_year"].to_numpy()[i, 0], ref["revenue_by_year"], rtol=rtol
        )
        np.testing.assert_allclose(ds["cash_usd_by_year"].to_numpy()[i, 0], ref["cash_by_year"], rtol=rtol)
        np.testing.assert_allclose(
            ds["capacity_h100e_by_year"].to_numpy()[i, 0], ref["capacity_by_year"], rtol=rtol
        )
        np.testing.assert_allclose(ds["npv_fcf_usd"].to_numpy()[i, 0], ref["npv"], rtol=rtol)
        for name, key in (
            ("data_centre_gw_by_year", "it_gw_by_year"),
            ("data_centre_built_gw_by_year", "built_gw_by_year"),
        ):
            np.testing.assert_allclose(ds[name].to_numpy()[i, 0], ref[key], rtol=rtol, atol=1e-12)
        np.testing.assert_allclose(
            ds["peak_funding_need_usd"].to_numpy()[i, 0], ref["peak_need"], rtol=rtol, atol=1e-3
        )
        assert ds["first_profitable_quarter"].to_numpy()[i, 0] == ref["first_profit"]
        assert ds["first_profitable_year_quarter"].to_numpy()[i, 0] == ref["first_profit_year"]
        assert ds["is_ruined"].to_numpy()[i, 0] == ref["ruined"]
        assert ds["is_beyond_plausible_bounds"].to_numpy()[i, 0] == ref["beyond"]
        for name in ("compute_usd_per_h100e_hour", "compute_usd_per_unit_served"):
            np.testing.assert_allclose(ds[name].to_numpy()[i, 0], ref[name], rtol=rtol)
        _assert_irr_of(
            ref["buyer_flows"], ds["irr_per_year"].to_numpy()[i, 0], ds["is_irr_unique"].to_numpy()[i, 0]
        )
        if "partner_deal_npv_usd" in ds:
            accounts = ds["partner_accounts_usd"].to_numpy()[i, 0]
            np.testing.assert_allclose(accounts, ref["partner"], rtol=rtol, atol=1e-3)
            np.testing.assert_allclose(
                ds["partner_deal_npv_usd"].to_numpy()[i, 0], ref["deal_npv"], rtol=rtol
            )


def _assert_irr_of(flows: list[float], irr: float, unique: float) -> None:
    """The engine's IRR is the rate a root finder gives the scalar loop's buyer flows."""
    f = np.asarray(flows)
    t = np.arange(f.size) / 4.0

    def npv(rate: float) -> float:
        return float(np.sum(f * (1.0 + rate) ** -t))

    if unique:
        assert irr == pytest.approx(optimize.brentq(npv, -0.99, 10.0, xtol=1e-14), abs=1e-9)
    else:  # a lost lab: nothing comes back, or no rate in the range
        assert (f <= 0).all() or npv(-0.99) * npv(10.0) > 0


def test_cases_exercise_funding_and_ruin() -> None:
    outcomes = {}
    for case in ("short_of_cash", "never_funded"):
        sc = labecon.load_scenario(one_lab_world(**CASES[case]))
        res = labecon.simulate(sc, n_samples=6, seed=11, keep_paths=True)
        outcomes[case] = res.dataset["is_ruined"].to_numpy().mean()
        financing = res.dataset["cash_flow_usd"].sel(cash_flow_line="financing").to_numpy()
        outcomes[case + "_raised"] = float(financing.max())
    assert outcomes["never_funded"] == 1.0
    assert outcomes["short_of_cash_raised"] > 0


def test_samples_beyond_the_plausibility_bounds_are_reported_as_a_warning() -> None:
    from labecon.model.world import PlausibilityWarning

    data = one_lab_world(**{"finance.plausible_max_revenue_usd_per_year": 9e9})
    with pytest.warns(PlausibilityWarning, match="6 of 6 samples"):
        res = labecon.simulate(data, n_samples=6, seed=11)
    assert res.dataset["is_beyond_plausible_bounds"].to_numpy().mean() == 1.0
    by_bound = res.dataset["is_beyond_plausible_bound"]
    assert by_bound.dims == ("sample", "lab", "bound")
    assert list(by_bound["bound"].to_numpy()) == ["compute", "funding", "revenue"]
    # A sample is past the bounds when it is past any one of them.
    assert np.array_equal(
        by_bound.max("bound").to_numpy(), res.dataset["is_beyond_plausible_bounds"].to_numpy()
    )
    assert by_bound.sel(bound="revenue").to_numpy().mean() == 1.0


def test_the_compute_bound_held_at_one_power_grows_in_h100e_as_chips_draw_less() -> None:
    # A bound between the lab's first and its peak compute: passed when fixed in H100e; held
    # at one power instead (chips drawing 50% less a year), each quarter's compute counts at
    # (1 - 0.5) ** (t / 4) of itself against it.
    def beyond_and_scaled_peak(decline: float, bound: float) -> tuple[np.ndarray, np.ndarray]:
        changes = {
            "finance.plausible_max_capacity_h100e": bound,
            "finance.plausible_max_capacity_power_decline_per_year": decline,
        }
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", labecon.PlausibilityWarning)
            ds = labecon.simulate(one_lab_world(**changes), n_samples=6, seed=11, keep_paths=True).dataset
        compute = ds["capacity_h100e"].sum("source").sel(lab="a").to_numpy()
        scaled = (compute * (1.0 - decline) ** (np.arange(compute.shape[1]) / 4.0)).max(axis=1)
        return ds["is_beyond_plausible_bound"].sel(lab="a", bound="compute").to_numpy(), scaled

    _, peak = beyond_and_scaled_peak(0.0, 1e12)
    first = labecon.simulate(one_lab_world(), n_samples=6, seed=11, keep_paths=True).dataset
    start = float(first["capacity_h100e"].sum("source").sel(lab="a", quarter=0).max())
    bound = (start * float(peak.min())) ** 0.5
    fixed, _ = beyond_and_scaled_peak(0.0, bound)
    held, scaled = beyond_and_scaled_peak(0.5, bound)
    assert fixed.all()
    np.testing.assert_array_equal(held, (scaled > bound).astype(float))
    assert held.sum() < fixed.sum()


def test_a_plausibility_warning_counts_each_bound_and_travels_between_processes() -> None:
    import pickle

    from labecon.model.world import PlausibilityWarning

    data = one_lab_world(**{"finance.plausible_max_revenue_usd_per_year": 9e9})
    with pytest.warns(PlausibilityWarning, match=r"\(revenue 6\)") as caught:
        labecon.simulate(data, n_samples=6, seed=11)
    (w,) = [r.message for r in caught if isinstance(r.message, PlausibilityWarning)]
    assert isinstance(w, PlausibilityWarning)
    assert w.by_bound == (0, 0, 6)
    again = pickle.loads(pickle.dumps(w))
    assert (again.by_bound, str(again)) == (w.by_bound, str(w))
    routed = PlausibilityWarning("a", 2, 6, 0, "a:own", (2, 0, 0))
    assert str(pickle.loads(pickle.dumps(routed))) == str(routed)
    assert "where a takes its route 'own'" in str(routed)
