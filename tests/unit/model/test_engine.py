"""The engine against a scalar transcription of B1, and its two execution paths against each other."""

from __future__ import annotations

import numpy as np
import pytest
from tests.conftest import b1_like_inputs
from tests.reference.scalar_b1 import b1_scalar, b1_scalar_costs

import labecon
from labecon.model.params import compute_params
from labecon.model.state import COST_COMPONENTS
from labecon.model.step import path_factors, simulate_strategy
from labecon.strategies import fleet_policy

N = 300


@pytest.fixture(scope="module", params=["growth", "slump"])
def case(request: pytest.FixtureRequest) -> dict[str, np.ndarray]:
    return b1_like_inputs(N, seed=11, slump=request.param == "slump")


def _run(inputs: dict[str, np.ndarray], engine: str, keep_paths: bool = False) -> labecon.Results:
    return labecon.simulate(
        "b1",
        inputs=inputs,
        engine=engine,
        keep_paths=keep_paths,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_engine_agrees_with_scalar_loop(case: dict[str, np.ndarray], engine: str) -> None:
    res = _run(case, engine)
    pv_rent = res.dataset["pv_rent"].to_numpy()
    pv_build = res.dataset["pv_build"].to_numpy()
    for i in range(N):
        sample = {k: float(v[i]) for k, v in case.items()}
        ref_rent, ref_build = b1_scalar(sample)
        assert pv_rent[i] == pytest.approx(ref_rent, rel=1e-12, abs=0)
        assert pv_build[i] == pytest.approx(ref_build, rel=1e-12, abs=0)
    np.testing.assert_array_equal(res.dataset["saving"].to_numpy(), pv_rent - pv_build)


def test_compiled_and_numpy_paths_are_bit_identical(case: dict[str, np.ndarray]) -> None:
    a = _run(case, "numpy", keep_paths=True).dataset
    b = _run(case, "numba", keep_paths=True).dataset
    for var in ("pv_rent", "pv_build", "saving", "cost_usd"):
        np.testing.assert_array_equal(a[var].to_numpy(), b[var].to_numpy())


def test_quarterly_costs_match_scalar_and_discount_to_pv(case: dict[str, np.ndarray]) -> None:
    ds = _run(case, "numba", keep_paths=True).dataset
    costs = ds["cost_usd"].sum("component")
    for i in range(0, N, 37):
        sample = {k: float(v[i]) for k, v in case.items()}
        rent_ref, build_ref = b1_scalar_costs(sample)
        np.testing.assert_allclose(costs.sel(strategy="rent").isel(sample=i), rent_ref, rtol=1e-12)
        np.testing.assert_allclose(costs.sel(strategy="build").isel(sample=i), build_ref, rtol=1e-12)
        t = np.arange(40)
        disc = (1 + sample["r"]) ** (-t / 4)
        pv = float(np.sum(costs.sel(strategy="build").isel(sample=i).to_numpy() * disc))
        assert pv == pytest.approx(float(ds["pv_build"][i]), rel=1e-12)


def test_renting_costs_demand_times_hours_times_price() -> None:
    inputs = b1_like_inputs(50, seed=3)
    ds = _run(inputs, "numba", keep_paths=True).dataset
    rent = ds["cost_usd"].sel(strategy="rent")
    t = np.arange(40)
    demand = 20_000 * (1 + inputs["g"][:, None]) ** (t / 4)
    price = inputs["p0"][:, None] * (1 - inputs["d"][:, None]) ** (t / 4)
    np.testing.assert_allclose(rent.sel(component="rental").to_numpy(), demand * 2190 * price, rtol=1e-13)
    others = [c for c in COST_COMPONENTS if c != "rental"]
    assert float(np.abs(rent.sel(component=others)).max()) == 0.0


def test_slump_fires_every_dormant_branch() -> None:
    inputs = b1_like_inputs(200, seed=5, slump=True)
    build = _run(inputs, "numba", keep_paths=True).dataset["cost_usd"].sel(strategy="build")
    k = inputs["k"].astype(int)
    unit_capex = build.sel(component="unit_capex").to_numpy()
    dc_capex = build.sel(component="dc_capex").to_numpy()
    rental = build.sel(component="rental").to_numpy()
    assert (unit_capex[:, 1:] == 0).any(), "an order clipped at 0"
    assert (dc_capex[:, 1:] == 0).any(), "a quarter with W <= K"
    after_lead = np.arange(40)[None, :] >= k[:, None]
    assert (rental[after_lead] > 0).any(), "a shortfall once the fleet is online"
    first_k = np.arange(40)[None, :] < k[:, None]
    assert np.all(build.sel(component="power").to_numpy()[first_k] == 0), "no fleet before lead time"


def test_growth_draws_fire_no_dormant_branch() -> None:
    inputs = b1_like_inputs(200, seed=6)
    build = _run(inputs, "numba", keep_paths=True).dataset["cost_usd"].sel(strategy="build")
    k = inputs["k"].astype(int)
    after_lead = np.arange(40)[None, :] >= k[:, None]
    assert np.all(build.sel(component="rental").to_numpy()[after_lead] == 0)
    assert np.all(build.sel(component="unit_capex").to_numpy() > 0)


def test_engine_functions_take_one_sample_as_well_as_many() -> None:
    sc = labecon.load_scenario("b1")
    inputs = b1_like_inputs(5, seed=8)
    params = compute_params(sc.compute, inputs, 5)
    policy = fleet_policy(sc.strategies["build"], inputs, 5)
    assert path_factors(params).demand.shape == (5,)
    whole = simulate_strategy(
        params, policy, horizon_quarters=40, life_quarters=20, hours_per_quarter=2190.0, engine="numpy"
    ).pv_cost_usd
    one = simulate_strategy(
        params._replace(**{f: getattr(params, f)[2:3] for f in params._fields}),
        policy._replace(
            headroom_frac=policy.headroom_frac[2:3], lead_time_quarters=policy.lead_time_quarters[2:3]
        ),
        horizon_quarters=40,
        life_quarters=20,
        hours_per_quarter=2190.0,
        engine="numba",
    ).pv_cost_usd
    assert one[0] == whole[2]
