"""Oracle scenarios with known answers, and the world's basic bookkeeping."""

from __future__ import annotations

import numpy as np
from tests.world_helpers import path, run, tiny_world

HOURS = 2190.0


def _income(results, lab: str, line: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    ds = results.dataset["income_statement_usd"]
    return ds.sel(lab=lab, income_line=line).to_numpy()


def test_a_lab_that_only_rents_pays_demand_times_hours_times_price() -> None:
    data = tiny_world(
        **{
            "labs.a.owned_h100e": 0.0,
            "labs.a.committed_h100e": 0.0,
            "labs.a.strategy.own_frac": 0.0,
            "labs.a.strategy.commit_frac": 0.0,
            "labs.a.strategy.training_frac": 0.0,
            "labs.a.strategy.research_frac": 0.0,
            "labs.a.staff_usd_per_year": 0.0,
        }
    )
    res = run(data, n=50)
    rented = res.dataset["capacity_h100e"].sel(lab="a", source="rented").to_numpy()
    served = res.dataset["served_units"].sel(lab="a", segment="api").to_numpy()
    lost = res.dataset["lost_units"].sel(lab="a").to_numpy().sum(axis=-1)
    assert np.all(lost == 0)
    t = np.arange(12)
    compute_per_unit = (1 - 0.4) ** (t / 4)
    need = served * compute_per_unit / HOURS
    np.testing.assert_allclose(rented, need, rtol=1e-12)
    price = 3.0 * (1 - 0.2) ** (t / 4)
    cost = _income(res, "a", "compute_cost")
    np.testing.assert_allclose(cost, need * HOURS * price, rtol=1e-12)


def test_take_or_pay_is_paid_in_full_when_demand_collapses() -> None:
    data = tiny_world(
        **{
            "labs.a.committed_remaining_quarters": 12,
            "labs.a.strategy.commit_frac": 0.0,
            "labs.a.strategy.own_frac": 0.0,
            "labs.a.owned_h100e": 0.0,
            "risks.demand_slump": {"probability": 1.0, "size_frac": 0.999},
        }
    )
    res = run(data, n=50)
    cost = _income(res, "a", "compute_cost")
    rented = res.dataset["capacity_h100e"].sel(lab="a", source="rented").to_numpy()
    expected = 1e5 * HOURS * (2.0 / 1.0)  # 100k H100e at the quarter-0 committed price, every quarter
    alive = res.dataset["balance_sheet_usd"].sel(lab="a", balance_line="cash").to_numpy() >= 0
    assert alive.all()
    np.testing.assert_allclose(cost - rented * HOURS * 3.0 * 0.8 ** (np.arange(12) / 4), expected, rtol=1e-12)


def test_credits_are_spent_only_with_the_partner_and_never_exceed_the_grant() -> None:
    res = run(tiny_world(), n=100)
    credits = res.dataset["balance_sheet_usd"].sel(balance_line="credits").to_numpy()
    grant = {"a": 0.0, "b": 1e9}
    for lab, granted in grant.items():
        c = res.dataset["balance_sheet_usd"].sel(lab=lab, balance_line="credits").to_numpy()
        assert np.all(c <= granted + 1e-6)
        assert np.all(c >= -1e-6)
        assert np.all(np.diff(c, axis=1) <= 1e-6)
    fees = res.dataset["partner_accounts_usd"].sel(partner_line="revenue_from_lab").to_numpy()[:, 0]
    used = 1e9 - res.dataset["balance_sheet_usd"].sel(lab="b", balance_line="credits").to_numpy()
    # Credits used by quarter t never exceed what the lab paid the partner by then.
    assert np.all(used <= np.cumsum(fees, axis=1) * (1 + 1e-12) + 1e-6)
    assert np.all(credits[:, 0] == 0.0)


def test_served_demand_never_exceeds_inference_capacity() -> None:
    res = run(tiny_world(), n=100)
    served = path(res, "served_units")  # sample, lab, quarter, segment
    cap = res.dataset["capacity_h100e"].to_numpy().sum(axis=-1)
    t = np.arange(12)
    need = served.sum(axis=-1) * (1 - 0.4) ** (t / 4) / HOURS
    # Inference capacity is at most all capacity less training (0.3) and research (0.1) shares.
    assert np.all(need <= cap * 1.0 + 1e-6)


def test_outputs_are_sample_leading_and_labelled() -> None:
    res = run(tiny_world(), n=30)
    ds = res.dataset
    assert ds["revenue_usd_by_year"].dims == ("sample", "lab", "year")
    assert list(ds["lab"].to_numpy()) == ["a", "b"]
    assert ds["partner_deal_npv_usd"].dims == ("sample", "deal")
    assert set(np.unique(ds["is_ruined"].to_numpy())) <= {0.0, 1.0}
    never = ds["is_ever_profitable"].to_numpy() == 0
    assert np.all(ds["first_profitable_quarter"].to_numpy()[never] == 12)
