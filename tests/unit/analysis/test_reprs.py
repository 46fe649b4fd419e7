"""Every analysis result says what it is in one short line (a notebook shows it), not its arrays."""

from __future__ import annotations

import warnings

import pytest

import labecon
from labecon.amounts import money


@pytest.fixture(autouse=True)
def _quiet() -> None:
    warnings.simplefilter("ignore", labecon.PlausibilityWarning)


def _short(result: object, limit: int = 700) -> str:
    text = repr(result)
    assert text.startswith("<")
    assert text.endswith(">")
    assert len(text) < limit, text
    return text


def test_route_drivers_say_their_widest_bar() -> None:
    drivers = labecon.route_drivers("route-choice", futures=4)
    text = _short(drivers)
    assert (
        "<Route drivers: What moves each route answer of route-choice: each input alone at its 5th " in text
    )
    assert "the same 4 futures (seed 1)" in text
    top = drivers.inputs[0]  # ranked by swing: the first input has the widest bar of some route
    route = max(drivers.base, key=lambda r: abs(drivers.high[r][0] - drivers.low[r][0]))
    low = money(drivers.low[route][0])
    assert f"({top}) moves the gain of {drivers.names['route'][route]} over hybrid from {low}" in text
    assert text.endswith(
        "the one swept: d_price and e_serving. Read with .base, .low, .high, .to_dict(), .save(directory)>"
    )
    assert drivers.to_dict()["summary"] == drivers.summary


def test_conventions_say_the_declared_answer_and_how_often_it_turns() -> None:
    result = labecon.conventions("route-choice", n_samples=100, seed=2)
    text = _short(result)
    declared = result.rows[0].best("frontier_lab")
    turned = sum(row.best("frontier_lab") != declared for row in result.rows[1:])
    assert f"best as declared, Frontier lab: {declared}, another route under {turned} of " in text


def test_deal_values_say_each_deals_medians() -> None:
    result = labecon.deal_values("two-strategies", n_samples=100, seed=1)
    text = _short(result, limit=200 + 110 * len(result.deals))  # a line per deal, at most
    first = result.deals[0]
    assert f"{first.deal}: the lab gains {money(first.lab_gain['p50'])}" in text


def test_sensitivity_and_optimisation_say_what_they_hold() -> None:
    oat = labecon.sensitivity("b1", "saving", method="oat")
    assert "<Sensitivity (oat) of saving to " in _short(oat)
    best = labecon.optimize(
        "b1",
        {"strategies.build.headroom_frac": (0.0, 0.5)},
        "mean(saving)",
        n_trials=3,
        n_samples=200,
        seed=1,
    )
    text = _short(best)
    assert text.startswith("<Optimisation: max mean(saving), 3 candidates, seed 1: best strategies.build.")


def test_an_inputs_value_reads_as_a_reader_writes_it() -> None:
    from labecon.amounts import input_amount

    assert input_amount(1e7, "USD per MW") == "$10M"
    assert input_amount(-2.5e7, "USD per MW") == "-$25M"
    assert input_amount(1.49, "USD per H100e-hour") == "$1.49"
    assert input_amount(0.315, "fraction per year") == "0.315"
    assert input_amount(14, "quarters") == "14"
    assert input_amount(2_295, "MW") == "2,300"  # three significant figures, never 2.3e+03
    assert input_amount(1.2e-4) == "1.20e-04"
    assert input_amount(float("nan")) == "n/a"
