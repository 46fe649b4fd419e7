"""Where two inputs together turn a route answer (labecon.breakeven_map): both set, the same futures."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import labecon
from labecon.cli.app import app
from labecon.model.risk import shared_futures
from labecon.runtime.backends.pool import PoolBackend

FUTURES, SEED = 120, 4
ROUTE = "frontier_lab:own"
LIMIT = "labs.frontier_lab.lease.capacity_limit_mw"


@pytest.fixture(scope="module")
def cloud_by_capex() -> labecon.BreakevenMap:
    return labecon.breakeven_map(
        "route-choice", ROUTE, "d_cloud", by="capex_dc", points=3, by_points=3, futures=FUTURES, seed=SEED
    )


def _own_route_only() -> labecon.Scenario:
    sc = labecon.load_scenario("route-choice")
    assert isinstance(sc, labecon.WorldScenario)
    lab = sc.labs["frontier_lab"]
    only = lab.model_copy(update={"routes": {"own": lab.routes["own"]}})
    return sc.model_copy(update={"labs": {"frontier_lab": only}})


def test_each_cell_is_both_inputs_set_in_every_future_the_rest_as_drawn(
    cloud_by_capex: labecon.BreakevenMap,
) -> None:
    sc = _own_route_only()
    drawn = labecon.simulate(sc, FUTURES, SEED, keep="outputs").dataset
    table = {str(n): drawn["input_value"].sel(input=n).to_numpy() for n in drawn["input"].to_numpy()}
    for j, i in ((0, 2), (2, 0), (1, 1)):
        cell = {
            "d_cloud": np.full(FUTURES, cloud_by_capex.values[i]),
            "capex_dc": np.full(FUTURES, cloud_by_capex.by_values[j]),
        }
        with shared_futures(FUTURES):
            run = labecon.simulate(sc, seed=SEED, inputs={**table, **cell}, keep="outputs")
        gain = run.dataset["route_gain_usd"].sel(route=ROUTE).to_numpy()
        assert cloud_by_capex.mean_gain_usd[j][i] == pytest.approx(float(gain.mean()), rel=1e-12)
        assert cloud_by_capex.p_beats[j][i] == pytest.approx(float((gain > 0).mean()))
        se = float(gain.std(ddof=1) / np.sqrt(FUTURES))
        assert cloud_by_capex.mean_gain_se_usd[j][i] == pytest.approx(se, rel=1e-9)


def test_the_map_spread_over_workers_gives_the_same_bits(cloud_by_capex: labecon.BreakevenMap) -> None:
    with ThreadPoolExecutor(2) as pool:
        spread = labecon.breakeven_map(
            "route-choice",
            ROUTE,
            "d_cloud",
            by="capex_dc",
            points=3,
            by_points=3,
            futures=FUTURES,
            seed=SEED,
            backend=PoolBackend(pool),
        )
    assert spread.to_dict() == cloud_by_capex.to_dict()


def test_a_map_moves_what_the_scenario_correlates_with_either_input() -> None:
    from labecon.analysis.conditional import conditional_values

    m = labecon.breakeven_map(
        "route-choice", ROUTE, "d_cloud", by="d_price", points=3, by_points=2, futures=40, seed=SEED
    )
    assert (m.correlated_inputs, m.correlated) == (["e_serving"], True)
    assert m.summary().endswith(
        "e_serving moves with d_price in each future, as the scenario correlates them."
    )
    sc = _own_route_only()
    drawn = labecon.simulate(sc, 40, SEED, keep="outputs").dataset
    table = {str(n): drawn["input_value"].sel(input=n).to_numpy() for n in drawn["input"].to_numpy()}
    cell = {"d_cloud": np.full(40, m.values[2]), "d_price": np.full(40, m.by_values[1])}
    cell |= conditional_values(sc, SEED, 40, {"d_price": m.by_quantiles[1], "d_cloud": m.quantiles[2]})
    with shared_futures(40):
        run = labecon.simulate(sc, seed=SEED, inputs={**table, **cell}, keep="outputs")
    gain = run.dataset["route_gain_usd"].sel(route=ROUTE).to_numpy()
    assert m.mean_gain_usd[1][2] == pytest.approx(float(gain.mean()), rel=1e-12)


def test_a_map_of_two_correlated_inputs_says_which_cells_are_unlikely(
    cloud_by_capex: labecon.BreakevenMap,
) -> None:
    m = labecon.breakeven_map(
        "route-choice", ROUTE, "d_price", by="e_serving", points=3, by_points=2, futures=8, seed=SEED
    )
    assert m.correlated_inputs == []  # both set: nothing left to move
    assert m.pair_rank_correlation == pytest.approx(0.8, rel=1e-12)  # the scenario's, back from its copula
    said = "The scenario correlates d_price and e_serving (rank correlation 0.8): the map's values with one "
    assert m.summary().endswith(said + "high and the other low are futures it holds unlikely.")
    assert cloud_by_capex.pair_rank_correlation is None  # uncorrelated inputs: nothing said
    assert cloud_by_capex.pair_words() == ""
    opposed = labecon.with_overrides("route-choice", {"correlation.matrix": [[1.0, -0.5], [-0.5, 1.0]]})
    m = labecon.breakeven_map(opposed, ROUTE, "d_price", by="e_serving", points=3, by_points=2, futures=8)
    assert "(rank correlation -0.5): the map's values with both high or both low" in m.pair_words()


def test_the_grid_spans_both_inputs_percentiles(cloud_by_capex: labecon.BreakevenMap) -> None:
    assert cloud_by_capex.quantiles == pytest.approx([0.02, 0.5, 0.98])
    assert cloud_by_capex.by_quantiles == pytest.approx([0.02, 0.5, 0.98])
    assert cloud_by_capex.by_values == sorted(cloud_by_capex.by_values)
    assert (cloud_by_capex.by, cloud_by_capex.by_units) == ("capex_dc", "USD per MW")
    assert np.shape(cloud_by_capex.mean_gain_usd) == (3, 3)


def test_dearer_data_centres_lower_owning_at_every_price_decline(
    cloud_by_capex: labecon.BreakevenMap,
) -> None:
    gain = np.array(cloud_by_capex.mean_gain_usd)
    # The same futures in every cell: only the facility's price differs down a column.
    assert (np.diff(gain, axis=0) < 0).all()
    # From its 2nd to its 98th percentile it costs owning tens of billions in every column.
    assert (gain[0] - gain[-1] > 50e9).all()


def test_a_row_is_the_one_way_break_even_with_a_number_set() -> None:
    by_limit = labecon.breakeven_map(
        "route-choice",
        "frontier_lab:lease",
        "d_cloud",
        by_param=LIMIT,
        by_param_range=(1_000, 9_000),
        points=3,
        by_points=2,
        futures=40,
        seed=2,
    )
    assert by_limit.by_values == [1_000.0, 9_000.0]
    assert by_limit.by_quantiles == []
    sc = labecon.with_overrides(labecon.load_scenario("route-choice"), {LIMIT: 9_000.0})
    one_way = labecon.breakeven(sc, "frontier_lab:lease", "d_cloud", points=3, futures=40, seed=2)
    assert by_limit.mean_gain_usd[1] == pytest.approx(one_way.mean_gain_usd, rel=1e-12)
    assert by_limit.breakeven[1] == pytest.approx(one_way.breakeven, rel=1e-12)


def test_the_summary_gives_the_break_even_at_each_value(cloud_by_capex: labecon.BreakevenMap) -> None:
    text = cloud_by_capex.summary()
    assert text.startswith(
        "For Frontier lab, own against hybrid, the value of decline of cloud prices per H100e-hour "
        "(d_cloud) at which it breaks even on average, by facility capex per MW of IT (capex_dc): "
    )
    for j, value in enumerate(cloud_by_capex.by_values):
        assert f"{cloud_by_capex.row_words(j)} where capex_dc is ${value / 1e6:.3g}M" in text
    lines = [r for r in cloud_by_capex.breakeven if len(r) == 1]
    if lines:
        assert text.endswith("Own beats hybrid on average where d_cloud is below its break-even.")


def test_a_second_input_the_route_does_not_depend_on_is_said_once() -> None:
    # Neither the partner route nor the hybrid builds: facility capex moves neither.
    m = labecon.breakeven_map(
        "route-choice",
        "frontier_lab:partner",
        "g_api",
        by="capex_dc",
        points=3,
        by_points=2,
        futures=30,
        seed=1,
    )
    assert m.mean_gain_usd[0] == m.mean_gain_usd[1]
    assert "is the same wherever facility capex per MW of IT (capex_dc) is set, from $" in m.summary()
    assert "capex_dc does not move this route's gain." in m.summary()


def test_the_report_draws_a_line_per_value_and_the_break_even_line(
    cloud_by_capex: labecon.BreakevenMap, tmp_path: Path
) -> None:
    from labecon.report.build import build_charts, load_report_inputs

    made = replace_breakevens(cloud_by_capex, [[0.2], [0.25], []])
    tmp_path.joinpath("breakeven_map.json").write_text(json.dumps(made), encoding="utf-8")
    charts = [c for c in build_charts(load_report_inputs(tmp_path)) if c.id.startswith("breakeven-")]
    curves, frontier = charts
    assert curves.id == "breakeven-map-frontier_lab-own-d_cloud-capex_dc"
    assert curves.data["x"] == pytest.approx([100 * v for v in cloud_by_capex.values])
    assert curves.data["series"][0]["name"].startswith("capex_dc $")
    assert curves.data["series"][2]["y"] == pytest.approx([g * 1e-9 for g in cloud_by_capex.mean_gain_usd[2]])
    # The break-even line only where a value of the second input has one break-even.
    assert frontier.data["x"] == pytest.approx(cloud_by_capex.by_values[:2])
    assert frontier.data["series"][0]["y"] == pytest.approx([20.0, 25.0])
    html = labecon.write_report(tmp_path).read_text(encoding="utf-8")
    assert escape(made["summary"]) in html


def replace_breakevens(m: labecon.BreakevenMap, rows: list[list[float]]) -> dict[str, Any]:
    """Return the map as saved, with the break-evens given (their errors 1 point)."""
    out = m.to_dict()
    out["breakeven"], out["breakeven_se"] = rows, [[0.01] * len(r) for r in rows]
    return out


def test_one_break_even_alone_draws_no_line(cloud_by_capex: labecon.BreakevenMap, tmp_path: Path) -> None:
    from labecon.report.why import breakeven_map_charts

    assert len(breakeven_map_charts(replace_breakevens(cloud_by_capex, [[0.2], [], [0.1, 0.3]]))) == 1


@pytest.mark.parametrize(
    ("options", "option", "words"),
    [
        ({}, "by", "either a second uncertain input (by) or a number"),
        ({"by": "capex_dc", "by_param": LIMIT, "by_param_range": (1, 2)}, "by", "not both"),
        ({"by": "capex_dcs"}, "by", "not an uncertain input of route-choice"),
        ({"by": "d_cloud"}, "by", "another input than the one swept (d_cloud)"),
        ({"by_param": "labs.frontier_lab.nothing", "by_param_range": (1, 2)}, "by_param", "not one of"),
        ({"by_param": LIMIT}, "by_param_range", "two numbers, low then high"),
        ({"by_param": LIMIT, "by_param_range": (9, 1)}, "by_param_range", "low then high"),
        ({"by": "capex_dc", "by_points": 1}, "by_points", "from 2 to 21"),
        ({"by": "capex_dc", "by_points": 22}, "by_points", "from 2 to 21"),
        ({"by": "capex_dc", "by_points": 2.0}, "by_points", "from 2 to 21"),
        ({"by": "capex_dc", "points": 2}, "points", "from 3 to 101"),
    ],
)
def test_bad_options_are_named(options: dict[str, Any], option: str, words: str) -> None:
    with pytest.raises(labecon.OptionError) as info:
        labecon.breakeven_map("route-choice", ROUTE, "d_cloud", futures=10, **options)
    assert info.value.option == option
    assert words in str(info.value)


def test_the_same_number_on_both_axes_is_refused() -> None:
    with pytest.raises(labecon.OptionError) as info:
        labecon.breakeven_map(
            "route-choice",
            "frontier_lab:lease",
            param=LIMIT,
            param_range=(1, 2),
            by_param=LIMIT,
            by_param_range=(1, 2),
            futures=10,
        )
    assert info.value.option == "by_param"
    assert "another number than the one swept" in str(info.value)


def test_a_scenario_without_labs_is_refused() -> None:
    with pytest.raises(labecon.ScenarioError, match="needs a world scenario"):
        labecon.breakeven_map("b1", "lab:own", "x", by="y")


def test_the_command_prints_a_row_per_value_and_writes_its_json(tmp_path: Path) -> None:
    out = tmp_path / "map"
    args = ["breakeven", "route-choice", "--route", ROUTE, "--input", "d_cloud", "--by", "capex_dc"]
    small = ["--points", "3", "--by-points", "2", "--futures", "30", "--out", str(out)]
    done = CliRunner().invoke(app, [*args, *small], env={"COLUMNS": "160"})
    assert done.exit_code == 0, done.output
    assert "where decline of cloud prices per H100e-hour (d_cloud) turns the answer" in done.output
    assert "by facility capex per MW of IT (capex_dc)" in done.output
    for row in ("2nd", "98th", "break-even"):
        assert row in done.output
    saved = json.loads((out / "breakeven_map.json").read_text(encoding="utf-8"))
    assert saved["by_quantiles"] == pytest.approx([0.02, 0.98])
    assert np.shape(saved["mean_gain_usd"]) == (2, 3)
    assert "Each of the 3 x 2 cells" in done.output
    again = CliRunner().invoke(app, [*args, *small])
    assert again.exit_code != 0
    assert "exists; choose another --out or pass --force" in again.output


def test_the_command_names_a_bad_second_input_without_a_traceback(tmp_path: Path) -> None:
    base = ["breakeven", "route-choice", "--route", ROUTE, "--input", "d_cloud", "--futures", "10"]
    base += ["--out", str(tmp_path / "x")]
    for extra, said in (
        (["--by", "nothing"], "--by: 'nothing' is not an uncertain input"),
        (["--by", "capex_dc", "--by-points", "1"], "--by-points: must be a whole number of values from 2"),
        (["--by-param", f"{LIMIT}=1|2"], "--by-param: expected PATH=LOW:HIGH (two numbers)"),
        (["--by-param", f"{LIMIT}=9:1"], "--by-param: must be two finite numbers, low then high"),
        (["--by", "capex_dc", "--by-param", f"{LIMIT}=1:2"], "--by: give either a second uncertain input"),
    ):
        done = CliRunner().invoke(app, [*base, *extra], env={"COLUMNS": "200"})
        assert done.exit_code == 2, done.output
        assert said in done.output
        assert "Traceback" not in done.output
    assert not (tmp_path / "x").exists(), "nothing is written for a refused command"
