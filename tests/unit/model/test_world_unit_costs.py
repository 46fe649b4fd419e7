"""What compute costs a lab, per H100e-hour in service and per unit served: the bill over the paths."""

from __future__ import annotations

import numpy as np
import pytest
from tests.world_helpers import path, run, tiny_world

import labecon

CASES = {
    "trading": {},
    "ruined": {
        "labs.a.cash_usd": 5e8,
        "labs.a.staff_usd_per_year": 4e10,
        "finance.funding_base_logit": -50.0,
    },
}


@pytest.mark.parametrize("case", list(CASES))
def test_unit_costs_are_the_compute_bill_over_hours_and_units_served(case: str) -> None:
    data = tiny_world(**CASES[case])
    hours = labecon.load_scenario(data).hours_per_quarter
    res = run(data, n=40)
    ds = res.dataset
    lines = list(ds["income_line"].to_numpy())
    income = path(res, "income_statement_usd")  # (sample, lab, quarter, line)
    bill = income[..., lines.index("compute_cost")].sum(axis=2) + income[
        ..., lines.index("depreciation")
    ].sum(axis=2)
    in_service = path(res, "capacity_h100e").sum(axis=(2, 3)) * hours  # every source, every quarter
    served = path(res, "served_units").sum(axis=(2, 3))
    np.testing.assert_allclose(path(res, "compute_usd_per_h100e_hour"), bill / in_service, rtol=1e-12)
    np.testing.assert_allclose(path(res, "compute_usd_per_unit_served"), bill / served, rtol=1e-12)
    if case == "ruined":  # a ruined lab's bill and hours stop with it: its cost stays finite
        assert path(res, "is_ruined")[:, 0].all()
        assert np.isfinite(path(res, "compute_usd_per_h100e_hour")).all()


def test_dearer_rentals_raise_a_renting_lab_s_cost_per_h100e_hour() -> None:
    renting = {"labs.a.strategy.own_frac": 0.0, "labs.a.strategy.commit_frac": 0.0}
    cheap = run(tiny_world(**renting), n=20)
    dear = run(tiny_world(**renting, **{"clouds.market.prices.h100.on_demand_usd_per_chip_hour": 3.6}), n=20)
    before, after = (
        path(cheap, "compute_usd_per_h100e_hour")[:, 0],
        path(dear, "compute_usd_per_h100e_hour")[:, 0],
    )
    assert (after > before).all()


def test_each_route_s_unit_cost_is_its_run_s_and_the_declared_route_s_the_lab_s() -> None:
    res = labecon.simulate("two-strategies", n_samples=300, seed=5)
    ds = res.dataset
    routes = [str(r) for r in ds["route"].to_numpy()]
    labs = [str(x) for x in ds["lab"].to_numpy()]
    for name in ("compute_usd_per_h100e_hour", "compute_usd_per_unit_served"):
        per_route = ds[f"route_{name}"].to_numpy()
        for declared in ("lab_own:own", "lab_partner:hybrid"):
            lab = labs.index(declared.split(":")[0])
            np.testing.assert_array_equal(per_route[:, routes.index(declared)], ds[name].to_numpy()[:, lab])
        assert (per_route > 0).all()
    # Its own data centres give the partner-route lab cheaper compute than its partners' chips alone.
    hour = ds["route_compute_usd_per_h100e_hour"].to_numpy()
    assert np.median(hour[:, routes.index("lab_partner:own")]) < np.median(
        hour[:, routes.index("lab_partner:partner")]
    )
