"""Where an input turns a route answer (labecon.breakeven): one input set, the same futures."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import labecon
from labecon.analysis.breakeven import crossings, percentile
from labecon.cli.app import app
from labecon.model.risk import shared_futures
from labecon.runtime.backends.pool import PoolBackend

FUTURES, SEED = 200, 3


@pytest.fixture(scope="module")
def own_by_cloud() -> labecon.Breakeven:
    return labecon.breakeven(
        "route-choice", "frontier_lab:own", "d_cloud", points=5, futures=FUTURES, seed=SEED
    )


def _only(sc: labecon.Scenario, route: str) -> labecon.Scenario:
    assert isinstance(sc, labecon.WorldScenario)
    lab = sc.labs["frontier_lab"]
    only = lab.model_copy(update={"routes": {route: lab.routes[route]}})
    return sc.model_copy(update={"labs": {"frontier_lab": only}})


def _own_route_only() -> labecon.Scenario:
    return _only(labecon.load_scenario("route-choice"), "own")


def test_each_value_is_the_input_set_in_every_future_the_rest_as_drawn(
    own_by_cloud: labecon.Breakeven,
) -> None:
    sc = _own_route_only()
    drawn = labecon.simulate(sc, FUTURES, SEED, keep="outputs").dataset
    table = {str(n): drawn["input_value"].sel(input=n).to_numpy() for n in drawn["input"].to_numpy()}
    # Each future keeps its draws and its risk events: with every input as drawn, the table under
    # shared futures is the plain run, to the bit.
    with shared_futures(FUTURES):
        again = labecon.simulate(sc, seed=SEED, inputs=table, keep="outputs").dataset
    gain = drawn["route_gain_usd"].sel(route="frontier_lab:own").to_numpy()
    assert again["route_gain_usd"].sel(route="frontier_lab:own").to_numpy().tobytes() == gain.tobytes()
    assert own_by_cloud.as_drawn_gain_usd == pytest.approx(float(gain.mean()), rel=1e-12)
    # A value of the grid by hand: d_cloud set in every future, the rest as drawn.
    for i in (0, 3):
        with shared_futures(FUTURES):
            set_there = (
                labecon.simulate(
                    sc,
                    seed=SEED,
                    inputs={**table, "d_cloud": np.full(FUTURES, own_by_cloud.values[i])},
                    keep="outputs",
                )
                .dataset["route_gain_usd"]
                .sel(route="frontier_lab:own")
                .to_numpy()
            )
        assert own_by_cloud.mean_gain_usd[i] == pytest.approx(float(set_there.mean()), rel=1e-12)
        assert own_by_cloud.p_beats[i] == pytest.approx(float((set_there > 0).mean()))
        se = float(set_there.std(ddof=1) / np.sqrt(FUTURES))
        assert own_by_cloud.mean_gain_se_usd[i] == pytest.approx(se, rel=1e-9)


def test_an_input_the_scenario_correlates_moves_its_partner_with_it() -> None:
    from labecon.analysis.conditional import conditional_values

    sc = _own_route_only()
    drawn = labecon.simulate(sc, 60, SEED, keep="outputs").dataset
    table = {str(n): drawn["input_value"].sel(input=n).to_numpy() for n in drawn["input"].to_numpy()}
    together, alone = (
        labecon.breakeven(
            "route-choice", "frontier_lab:own", "d_price", points=3, futures=60, seed=SEED, correlated=c
        )
        for c in (True, False)
    )
    for result, moved in ((together, True), (alone, False)):
        assert (result.correlated_inputs, result.correlated) == (["e_serving"], moved)
        for i in (0, 2):
            cell = {"d_price": np.full(60, result.values[i])}
            if moved:  # serving costs fall with prices in each future, as the scenario correlates them
                cell |= conditional_values(sc, SEED, 60, {"d_price": result.quantiles[i]})
            with shared_futures(60):
                run = labecon.simulate(sc, seed=SEED, inputs={**table, **cell}, keep="outputs")
            gain = run.dataset["route_gain_usd"].sel(route="frontier_lab:own").to_numpy()
            assert result.mean_gain_usd[i] == pytest.approx(float(gain.mean()), rel=1e-12)
    assert together.mean_gain_usd != alone.mean_gain_usd
    assert together.summary().endswith(
        "e_serving moves with d_price in each future, as the scenario correlates them."
    )
    assert alone.summary().endswith(
        "e_serving keeps its draws: the scenario's correlation with d_price is set aside."
    )


def test_an_input_no_correlation_names_gives_the_same_answer_either_way(
    own_by_cloud: labecon.Breakeven,
) -> None:
    alone = labecon.breakeven(
        "route-choice", "frontier_lab:own", "d_cloud", points=5, futures=FUTURES, seed=SEED, correlated=False
    )
    assert alone.mean_gain_usd == own_by_cloud.mean_gain_usd
    assert own_by_cloud.correlated_inputs == []


def test_the_grid_spans_the_inputs_percentiles(own_by_cloud: labecon.Breakeven) -> None:
    assert own_by_cloud.quantiles == pytest.approx([0.02, 0.26, 0.5, 0.74, 0.98])
    assert own_by_cloud.values == sorted(own_by_cloud.values)
    assert own_by_cloud.values[2] == pytest.approx(0.25)  # d_cloud's median
    assert (own_by_cloud.declared, own_by_cloud.route, own_by_cloud.units) == (
        "hybrid",
        "own",
        "fraction per year",
    )


def test_cloud_prices_falling_faster_favour_renting_over_building(own_by_cloud: labecon.Breakeven) -> None:
    # Own beats the hybrid less often the faster cloud prices fall; the partner route more often.
    # Each end's share is over 200 futures (standard error under 0.036): far apart.
    assert own_by_cloud.p_beats[0] - own_by_cloud.p_beats[-1] > 0.25
    partner = labecon.breakeven(
        "route-choice", "frontier_lab:partner", "d_cloud", points=3, futures=FUTURES, seed=SEED
    )
    assert partner.p_beats[-1] - partner.p_beats[0] > 0.25
    # One crossing, from winning to trailing: the sentence says where and which way.
    assert len(own_by_cloud.breakeven) == 1
    low, high = own_by_cloud.values[0], own_by_cloud.values[-1]
    assert low < own_by_cloud.breakeven[0] < high
    said = own_by_cloud.summary()
    assert f"below {own_by_cloud.amount(own_by_cloud.breakeven[0])}" in said
    assert "trails it above" in said


def test_an_input_a_route_does_not_depend_on_leaves_its_gain_alone() -> None:
    # Neither the hybrid nor the partner route builds a data centre: facility capex moves neither.
    result = labecon.breakeven(
        "route-choice", "frontier_lab:partner", "capex_dc", points=3, futures=50, seed=1
    )
    assert len(set(result.mean_gain_usd)) == 1
    assert result.breakeven == []
    assert "does not turn the answer" in result.summary()


LIMIT = "labs.frontier_lab.lease.capacity_limit_mw"


def test_a_number_of_the_scenario_is_swept_over_its_range_on_the_same_futures() -> None:
    swept = labecon.breakeven(
        "route-choice",
        "frontier_lab:lease",
        param=LIMIT,
        param_range=(250, 10_000),
        points=3,
        futures=60,
        seed=2,
    )
    assert swept.values == pytest.approx([250.0, 5125.0, 10_000.0])
    assert (swept.input, swept.quantiles, swept.units) == (LIMIT, [], "MW")
    assert swept.description.startswith("most IT load the lab can hold in leased data centres")
    # Each value is the scenario with that number set, on the same futures (the same seed).
    sc = _only(labecon.load_scenario("route-choice"), "lease")
    by_hand = labecon.simulate(labecon.with_overrides(sc, {LIMIT: 5125.0}), 60, 2, keep="outputs")
    gain = by_hand.dataset["route_gain_usd"].sel(route="frontier_lab:lease").to_numpy()
    assert swept.mean_gain_usd[1] == pytest.approx(float(gain.mean()), rel=1e-12)
    # Builders that lease more let leasing win more often (docs/model.md measures the limit).
    assert swept.p_beats[-1] - swept.p_beats[0] > 0.25
    # Yet leasing trails the hybrid on average up to 10 GW here: the sentence says so.
    assert swept.breakeven == []
    assert "alone, this number does not turn the answer" in swept.summary()


@pytest.mark.parametrize(
    ("options", "option", "words"),
    [
        ({}, "input_name", "either an uncertain input or a number"),
        ({"input_name": "d_cloud", "param": LIMIT, "param_range": (1, 2)}, "input_name", "not both"),
        ({"param": "labs.frontier_lab.nothing", "param_range": (1, 2)}, "param", "not one of the numbers"),
        ({"param": "chips.h100.power_decline_per_year", "param_range": (0, 0.1)}, "param", "not one of"),
        ({"param": LIMIT}, "param_range", "two numbers, low then high"),
        ({"param": LIMIT, "param_range": (5, 1)}, "param_range", "low then high"),
        ({"param": LIMIT, "param_range": (1, 2, 3)}, "param_range", "two numbers"),
        ({"param": "labs.frontier_lab.strategy.lease_frac", "param_range": (0, 2)}, "param_range", "bounds"),
    ],
)
def test_a_bad_number_to_sweep_is_named(options: dict[str, Any], option: str, words: str) -> None:
    with pytest.raises(labecon.OptionError) as info:
        labecon.breakeven("route-choice", "frontier_lab:lease", futures=10, **options)
    assert info.value.option == option
    assert words in str(info.value)


def testcrossings_are_found_on_the_line_between_points() -> None:
    x = np.array([0.0, 1.0, 2.0, 3.0])
    assert crossings(x, np.array([2.0, 1.0, -1.0, -3.0])) == [(1.5, 1)]
    assert crossings(x, np.array([1.0, -1.0, 1.0, 2.0])) == [(0.5, 0), (1.5, 1)]
    assert crossings(x, np.array([1.0, 2.0, 3.0, 4.0])) == []
    assert crossings(x, np.array([1.0, 0.0, -1.0, -2.0])) == [(1.0, 1)]


def test_percentiles_in_words() -> None:
    words = [percentile(q) for q in (0.01, 0.02, 0.03, 0.11, 0.12, 0.5, 0.98, 0.975)]
    assert words == ["1st", "2nd", "3rd", "11th", "12th", "50th", "98th", "97.5th"]


def test_the_summary_says_severalcrossings(own_by_cloud: labecon.Breakeven) -> None:
    twice = replace(own_by_cloud, breakeven=[0.2, 0.3], breakeven_se=[0.01, 0.01])
    assert "changes sign 2 times" in twice.summary()
    assert json.loads(json.dumps(own_by_cloud.to_dict()))["summary"] == own_by_cloud.summary()


def test_the_report_draws_the_gain_by_the_inputs_value_and_says_the_answer(
    own_by_cloud: labecon.Breakeven, tmp_path: Path
) -> None:
    from labecon.report.build import build_charts, load_report_inputs
    from labecon.report.html import figure

    own_by_cloud.save(tmp_path)
    (chart,) = [c for c in build_charts(load_report_inputs(tmp_path)) if c.id.startswith("breakeven-")]
    assert chart.id == "breakeven-frontier_lab-own-d_cloud"
    assert chart.x_label == "decline of cloud prices per H100e-hour (% a year)"
    assert chart.data["x"] == pytest.approx([100 * v for v in own_by_cloud.values])
    assert chart.data["series"][0]["y"] == pytest.approx([g * 1e-9 for g in own_by_cloud.mean_gain_usd])
    assert chart.data["marks"] == pytest.approx([100 * own_by_cloud.breakeven[0]])
    shapes = figure(chart).layout.shapes  # the zero line and the break-even's
    assert [s.x0 for s in shapes if s.x0 == s.x1] == pytest.approx([100 * own_by_cloud.breakeven[0]])
    html = labecon.write_report(tmp_path).read_text(encoding="utf-8")
    assert escape(own_by_cloud.summary()) in html
    assert "Frontier lab: own over hybrid, by d_cloud" in html


def test_the_sweep_spread_over_workers_gives_the_same_bits(own_by_cloud: labecon.Breakeven) -> None:
    with ThreadPoolExecutor(2) as pool:
        spread = labecon.breakeven(
            "route-choice",
            "frontier_lab:own",
            "d_cloud",
            points=5,
            futures=FUTURES,
            seed=SEED,
            backend=PoolBackend(pool),
        )
    assert spread.to_dict() == own_by_cloud.to_dict()


@pytest.mark.parametrize(
    ("route", "name", "options", "option", "words"),
    [
        ("frontier_lab", "d_cloud", {}, "route", "not an alternative route (lab:route)"),
        ("nobody:own", "d_cloud", {}, "route", "expected one of: frontier_lab:own"),
        ("frontier_lab:hybrid", "d_cloud", {}, "route", "not an alternative route"),
        ("frontier_lab:own", "d_clouds", {}, "input_name", "not an uncertain input of route-choice"),
        ("frontier_lab:own", "d_cloud", {"points": 2}, "points", "from 3 to 101"),
        ("frontier_lab:own", "d_cloud", {"points": True}, "points", "from 3 to 101"),
        ("frontier_lab:own", "d_cloud", {"futures": 1}, "futures", "2 or more"),
        ("frontier_lab:own", "d_cloud", {"low_q": 0.5, "high_q": 0.4}, "quantiles", "0 < low < high < 1"),
    ],
)
def test_bad_options_are_named(
    route: str, name: str, options: dict[str, Any], option: str, words: str
) -> None:
    with pytest.raises(labecon.OptionError) as info:
        labecon.breakeven("route-choice", route, name, **options)
    assert info.value.option == option
    assert words in str(info.value)


def test_a_scenario_without_labs_is_refused() -> None:
    with pytest.raises(labecon.ScenarioError, match="needs a world scenario"):
        labecon.breakeven("b1", "lab:own", "x")


def test_the_command_prints_each_value_and_writes_its_json(tmp_path: Path) -> None:
    out = tmp_path / "be"
    args = ["breakeven", "route-choice", "--route", "frontier_lab:own", "--input", "capex_dc"]
    done = CliRunner().invoke(app, [*args, "--points", "3", "--futures", "40", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "Frontier lab, own against hybrid, by facility capex per MW of IT (capex_dc)" in done.output
    for row in ("2nd", "50th", "98th"):
        assert row in done.output
    saved = json.loads((out / "breakeven.json").read_text(encoding="utf-8"))
    assert saved["quantiles"] == pytest.approx([0.02, 0.5, 0.98])
    assert saved["summary"].startswith("For Frontier lab, own against hybrid: it ")
    assert "For Frontier lab, own against hybrid: it " in done.output
    uncorrelated = ["breakeven", "route-choice", "--route", "frontier_lab:own", "--input", "d_price"]
    uncorrelated += ["--points", "3", "--futures", "20", "--uncorrelated", "--json"]
    done = CliRunner().invoke(app, [*uncorrelated, "--out", str(tmp_path / "alone")])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["correlated"] is False
    again = CliRunner().invoke(app, [*args, "--points", "3", "--futures", "40", "--out", str(out)])
    assert again.exit_code != 0
    assert "exists; choose another --out or pass --force" in again.output


def test_the_command_names_a_bad_option_without_a_traceback(tmp_path: Path) -> None:
    base = ["breakeven", "route-choice", "--futures", "10", "--out", str(tmp_path / "x")]
    done = CliRunner().invoke(app, [*base, "--route", "frontier_lab:nowhere", "--input", "d_cloud"])
    assert done.exit_code == 2
    assert "--route: 'frontier_lab:nowhere' is not an alternative route" in done.output
    done = CliRunner().invoke(app, [*base, "--route", "frontier_lab:own", "--input", "nothing"])
    assert done.exit_code == 2
    assert "--input: 'nothing' is not an uncertain input" in done.output
    done = CliRunner().invoke(app, [*base, "--route", "frontier_lab:own", "--param", f"{LIMIT}=1|2"])
    assert done.exit_code == 2
    assert "--param: expected PATH=LOW:HIGH (two numbers)" in done.output
    done = CliRunner().invoke(app, [*base, "--route", "frontier_lab:own", "--param", f"{LIMIT}=9:1"])
    assert done.exit_code == 2
    assert "--param: must be two finite numbers, low then high" in done.output
    assert "Traceback" not in done.output
    assert not (tmp_path / "x").exists(), "nothing is written for a refused command"
