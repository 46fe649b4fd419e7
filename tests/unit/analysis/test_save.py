"""Analysis results save themselves where the report finds them, as plain JSON."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import labecon
from labecon import layout
from labecon.analysis.compare import compare_values
from labecon.analysis.sensitivity import SensitivityResult


def test_a_sensitivity_result_saves_under_its_method(tmp_path: Path) -> None:
    res = SensitivityResult(
        method="oat",
        assumption="local",
        output="x",
        inputs=["a", "b"],
        indices={"swing": np.array([1.0, np.nan])},
        n_evaluations=5,
    )
    path = res.save(tmp_path / "run")
    assert path == tmp_path / "run" / layout.sensitivity_file("oat")
    data = json.loads(path.read_text())
    assert data["indices"]["swing"] == [1.0, None]  # NaN as null: JSON other programs read


def test_a_comparison_saves_with_its_paired_samples(tmp_path: Path) -> None:
    x = np.random.default_rng(1).normal(size=300)
    comp = compare_values({"a": x + 1.0, "b": x})
    path = comp.save(tmp_path, sample_rows=50)
    assert path.name == layout.COMPARISON_JSON
    assert "values_sample" in json.loads(path.read_text())
    assert labecon.write_report(tmp_path).is_file()


def _csv(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_sensitivity_result_writes_its_indices_as_a_table_beside_its_json(tmp_path: Path) -> None:
    res = SensitivityResult(
        method="sobol",
        assumption="independent",
        output="cash_usd_by_year",
        inputs=["a", "b + c"],
        indices={"ST": np.array([[0.5, 0.25], [np.nan, 1.0 / 3.0]])},
        n_evaluations=5,
        time_dim="year",
        time_coords=[2026, 2027],
    )
    res.save(tmp_path)
    rows = _csv(tmp_path / "sensitivity-sobol.csv")
    assert [(r["input"], r["year"]) for r in rows] == [
        ("a", "2026"),
        ("a", "2027"),
        ("b + c", "2026"),
        ("b + c", "2027"),
    ]
    assert float(rows[3]["ST"]) == 1.0 / 3.0  # every digit, so it reads back to the same number
    assert rows[2]["ST"] == ""  # NaN left empty, as JSON has it null
    assert list(rows[0]) == ["method", "output", "input", "year", "ST"]


def test_route_drivers_write_their_bars_as_a_table(tmp_path: Path) -> None:
    drivers = labecon.route_drivers("route-choice", futures=2)
    drivers.save(tmp_path)
    rows = _csv(tmp_path / "drivers.csv")
    assert len(rows) == len(drivers.base) * len(drivers.inputs)
    for row in rows:
        route = f"{row['lab']}:{row['route']}"
        i = drivers.inputs.index(row["input"])
        assert float(row["gain_low_usd"]) == drivers.low[route][i]
        assert float(row["gain_high_usd"]) == drivers.high[route][i]
        assert float(row["swing_usd"]) == drivers.high[route][i] - drivers.low[route][i]
        assert float(row["input_high"]) == drivers.input_high[i]
        assert row["lab_name"] == "Frontier lab"
        assert row["declared"] == "hybrid"
    price = next(r for r in rows if r["input"] == "d_price")
    assert price["moved_with_it"] == "e_serving"  # what moved with it, said in the table too
    assert next(r for r in rows if r["input"] == "g_api")["moved_with_it"] == ""


def test_a_break_even_and_its_map_write_their_curves_as_tables(tmp_path: Path) -> None:
    route = "frontier_lab:own"
    one = labecon.breakeven("route-choice", route, "d_cloud", points=3, futures=4)
    one.save(tmp_path / "one")
    rows = _csv(tmp_path / "one" / "breakeven.csv")
    assert [float(r["value"]) for r in rows] == one.values
    assert [float(r["mean_gain_usd"]) for r in rows] == one.mean_gain_usd
    assert [float(r["p_beats"]) for r in rows] == one.p_beats
    grid = labecon.breakeven_map(
        "route-choice", route, "d_cloud", by="capex_dc", points=3, by_points=2, futures=4
    )
    grid.save(tmp_path / "map")
    cells = _csv(tmp_path / "map" / "breakeven_map.csv")
    assert len(cells) == 3 * 2
    for cell in cells:
        j, i = grid.by_values.index(float(cell["by_value"])), grid.values.index(float(cell["value"]))
        assert float(cell["mean_gain_usd"]) == grid.mean_gain_usd[j][i]
        assert float(cell["mean_gain_se_usd"]) == grid.mean_gain_se_usd[j][i]


def test_switch_dates_write_a_row_per_date_and_never(tmp_path: Path) -> None:
    switch = labecon.switch_dates("route-choice", "frontier_lab", "own", every_quarters=20, n_samples=40)
    switch.save(tmp_path)
    rows = _csv(tmp_path / "switch.csv")
    assert [r["date"] for r in rows] == [*switch.dates, "never"]
    assert [float(r["mean_gain_usd"]) for r in rows[:-1]] == switch.mean_gain_usd
    assert float(rows[-1]["p_best"]) == switch.p_best["never"]
    assert rows[-1]["mean_gain_usd"] == ""  # never switching gains nothing over itself: left empty


def test_a_comparison_writes_a_row_per_option_and_metric(tmp_path: Path) -> None:
    x = np.random.default_rng(2).normal(size=400)
    comp = compare_values({"a": x + 1.0, "b": x})
    comp.save(tmp_path)
    rows = _csv(tmp_path / "comparison.csv")
    assert [r["option"] for r in rows] == ["a", "b"]
    assert float(rows[0]["mean"]) == float(comp.means["a"].value)
    assert float(rows[1]["p_best"]) == float(comp.p_best["b"].value)
    assert [r["best_on_average"] for r in rows] == ["true", "false"]


def test_an_optimisation_writes_a_row_per_candidate(tmp_path: Path) -> None:
    from labecon.analysis.optimize import optimize

    res = optimize(
        "b1",
        {"strategies.build.headroom_frac": (0.0, 0.5)},
        "mean(pv_build)",
        ["p_positive(saving) <= 0.5"],
        goal="min",
        n_trials=3,
        n_samples=100,
        seed=3,
    )
    res.save(tmp_path)
    rows = _csv(tmp_path / "optimization.csv")
    assert [int(r["candidate"]) for r in rows] == [c.number for c in res.candidates]
    for row, c in zip(rows, res.candidates, strict=True):
        assert float(row["strategies.build.headroom_frac"]) == c.params["strategies.build.headroom_frac"]
        assert float(row["mean(pv_build)"]) == float(c.objective.value)
        assert float(row["p_positive(saving)"]) == float(c.constraints[0].value)  # the limit's statistic
    assert sum(r["best"] == "true" for r in rows) == 1


def test_deal_values_write_a_row_per_deal_and_party(tmp_path: Path) -> None:
    values = labecon.deal_values("two-strategies", n_samples=60, seed=2)
    path = values.save(tmp_path)
    assert path == tmp_path / "deals.json"
    assert json.loads(path.read_text()) == json.loads(json.dumps(values.to_dict()))
    rows = _csv(tmp_path / "deals.csv")
    assert len(rows) == 3 * len(values.deals)  # its lab, its partner and the one rival
    for d in values.deals:
        mine = {r["measure"]: r for r in rows if r["deal"] == d.deal}
        assert mine["lab_gain"]["party"] == d.lab
        assert float(mine["lab_gain"]["p50_usd"]) == d.lab_gain["p50"]
        assert float(mine["partner_npv"]["mean_se_usd"]) == d.partner_npv["mean_se"]
        [(rival, worth)] = d.others_gain.items()
        assert (mine["rival_gain"]["party"], float(mine["rival_gain"]["p95_usd"])) == (rival, worth["p95"])
        assert {float(r["p_both"]) for r in mine.values()} == {d.both_gain[0]}
        assert mine["lab_gain"]["deal_name"] == values.names.deal(d.deal)
    assert {r["party_name"] for r in rows} >= {"OpenAI-like lab", "Anthropic-like lab"}


def test_conventions_write_a_row_per_variant_lab_and_route(tmp_path: Path) -> None:
    result = labecon.conventions("route-choice", n_samples=40, seed=2)
    result.save(tmp_path)
    assert json.loads((tmp_path / "conventions.json").read_text())["rows"][0]["label"] == "as declared"
    rows = _csv(tmp_path / "conventions.csv")
    assert len(rows) == sum(len(routes) for row in result.rows for routes in row.p_best.values())
    for row in result.rows:
        mine = [r for r in rows if r["variant"] == row.label]
        for r in mine:
            value, se = row.p_best[r["lab"]][r["route"]]
            assert (float(r["p_best"]), float(r["p_best_se"])) == (value, se)
            assert r["best"] == ("true" if r["route"] == row.best(r["lab"]) else "false")
        assert sum(r["best"] == "true" for r in mine) == len(row.p_best)  # one best route per lab
    assert rows[0]["overrides"] == ""  # as declared
    assert any("finance.compute_priced_at=" in r["overrides"] for r in rows)
