"""Sanity checks of the scalar B1 reference itself (it is the oracle for the rest).

Numbers come from Benchmark B1: build vs rent (labecon benchmark specification).
"""

from __future__ import annotations

import math

import pytest
from tests.reference.b1_reference import percentile_standard_error, probability_standard_error
from tests.reference.scalar_b1 import (
    HOURS_PER_QUARTER,
    b1_scalar,
    b1_scalar_costs,
    b1_scalar_trace,
)

# A typical B1 draw: every input near the middle of its range.
TYPICAL = {
    "g": 0.67,
    "p0": 2.65,
    "d": 0.20,
    "c0": 36700.0,
    "h": 0.25,
    "ovh": 0.25,
    "dckw": 10600.0,
    "kw": 1.35,
    "pue": 1.25,
    "elec": 0.063,
    "maint": 0.035,
    "head": 0.20,
    "k": 4.0,
    "r": 0.11,
}

# A slump: demand halves every year, and the owned fleet keeps less than demand
# (head < 0). With head >= 0 the online fleet is at least D_t(1 + head) once
# units arrive (it is max(T, P) ordered k quarters earlier), so the shortfall
# for t >= k can fire only with head < 0, whatever the growth.
SLUMP = {**TYPICAL, "g": -0.5, "head": -0.1, "k": 3.0}


def test_typical_draw_fires_no_dormant_branch() -> None:
    trace = b1_scalar_trace(TYPICAL)
    k = int(TYPICAL["k"])
    assert not any(trace.order_clipped)
    assert all(n > 0.0 for n in trace.orders)
    assert all(built > 0.0 for built in trace.dc_built_kw)  # W > K every quarter
    assert all(units == 0.0 for units in trace.shortfall_units[k:])
    assert all(f > 0.0 for f in trace.fleet_online[k:])


@pytest.mark.parametrize("k", [2.0, 4.0, 6.0])
def test_first_k_quarters_rented_in_full(k: float) -> None:
    sample = {**TYPICAL, "k": k}
    trace = b1_scalar_trace(sample)
    for t in range(int(k)):
        assert trace.fleet_online[t] == 0.0
        assert trace.shortfall_units[t] == trace.demand[t]
        # BUILD pays the full RENT bill on top of its purchases.
        assert trace.cost_build[t] > trace.cost_rent[t]
    assert trace.fleet_online[int(k)] > 0.0


@pytest.mark.parametrize("g", [0.3, 0.67, 1.5])
def test_pv_rent_is_the_closed_form_geometric_sum(g: float) -> None:
    sample = {**TYPICAL, "g": g}
    # D_t hours p_t (1 + r)^(-t/4) = D0 hours p0 x^t with one quarterly ratio x.
    x = ((1.0 + g) * (1.0 - sample["d"]) / (1.0 + sample["r"])) ** 0.25
    expected = 20000.0 * HOURS_PER_QUARTER * sample["p0"] * (1.0 - x**40) / (1.0 - x)
    pv_rent, _ = b1_scalar(sample)
    assert pv_rent == pytest.approx(expected, rel=1e-12)


def test_slump_fires_every_dormant_branch() -> None:
    trace = b1_scalar_trace(SLUMP)
    k = int(SLUMP["k"])
    # max(0, T - P) clips: orders stop while earlier vintages exceed the target.
    assert any(trace.order_clipped)
    assert any(n == 0.0 for n in trace.orders)
    # "If W > K" is false in some quarter: no data centre is built.
    assert any(built == 0.0 for built in trace.dc_built_kw)
    # The fleet falls short of demand after the lead time.
    assert any(units > 0.0 for units in trace.shortfall_units[k:])


def test_slump_with_spare_capacity_never_falls_short() -> None:
    # The clip and the "no build" branch fire, the shortfall cannot (head >= 0).
    trace = b1_scalar_trace({**SLUMP, "head": 0.2})
    assert any(trace.order_clipped)
    assert any(built == 0.0 for built in trace.dc_built_kw)
    assert all(units == 0.0 for units in trace.shortfall_units[int(SLUMP["k"]) :])


def test_flat_world_matches_a_hand_count() -> None:
    # No growth, no price changes, no discounting, no spare capacity: one
    # fleet of D0 units bought at t = 0, replaced at t = 20 when vintage 0
    # leaves the order window, online from t = 2 on.
    sample = {**TYPICAL, "g": 0.0, "d": 0.0, "h": 0.0, "r": 0.0, "head": 0.0, "k": 2.0}
    d0, hours = 20000.0, HOURS_PER_QUARTER
    trace = b1_scalar_trace(sample)
    assert [t for t, n in enumerate(trace.orders) if n > 0.0] == [0, 20]
    assert trace.dc_built_kw[0] == pytest.approx(d0 * sample["kw"], rel=1e-15)
    assert all(built == 0.0 for built in trace.dc_built_kw[1:])

    unit_cost = sample["c0"] * (1.0 + sample["ovh"])
    expected_build = (
        2 * d0 * unit_cost  # two purchases
        + d0 * sample["kw"] * sample["dckw"]  # one data centre
        + 2 * d0 * hours * sample["p0"]  # t = 0, 1 rented in full
        + 38 * d0 * sample["kw"] * sample["pue"] * hours * sample["elec"]  # power
        + 38 * sample["maint"] / 4 * d0 * unit_cost  # maintenance
    )
    pv_rent, pv_build = b1_scalar(sample)
    assert pv_rent == pytest.approx(40 * d0 * hours * sample["p0"], rel=1e-13)
    assert pv_build == pytest.approx(expected_build, rel=1e-13)


def test_costs_discount_to_the_present_values() -> None:
    rent, build = b1_scalar_costs(TYPICAL)
    assert len(rent) == len(build) == 40
    discount = [(1.0 + TYPICAL["r"]) ** (-t / 4) for t in range(40)]
    pv_rent, pv_build = b1_scalar(TYPICAL)
    expected_rent = math.fsum(c * f for c, f in zip(rent, discount, strict=True))
    expected_build = math.fsum(c * f for c, f in zip(build, discount, strict=True))
    assert pv_rent == pytest.approx(expected_rent, rel=1e-14)
    assert pv_build == pytest.approx(expected_build, rel=1e-14)


def test_horizon_and_demand_overrides() -> None:
    short = b1_scalar_trace({**TYPICAL, "horizon": 8, "D0": 1.0})
    assert len(short.cost_rent) == 8
    assert short.demand[0] == 1.0


def test_non_integer_lead_time_is_rejected() -> None:
    with pytest.raises(ValueError, match="k must be"):
        b1_scalar({**TYPICAL, "k": 2.5})


def test_percentile_standard_error_spans_one_binomial_sd() -> None:
    x = [float(i) for i in range(10_000)]  # uniform ranks: quantile SE = sqrt(N p (1-p))
    se = percentile_standard_error(x, 0.5)
    assert se == pytest.approx(math.sqrt(10_000 * 0.25), abs=1.0)
    assert percentile_standard_error(x, 0.05) < se
    with pytest.raises(ValueError, match="p must be"):
        percentile_standard_error(x, 1.0)
    assert probability_standard_error(0.5, 100) == pytest.approx(0.05)
