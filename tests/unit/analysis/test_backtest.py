"""The backtest on the built-in backtest-2023 at a small sample count, with synthetic histories."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from tests.world_helpers import tiny_world

import labecon
from labecon.analysis.backtest import model_series, quarter_of, quarter_start
from labecon.analysis.history import COLUMNS

N = 200
SEED = 3


@pytest.fixture(scope="module")
def shipped() -> labecon.BacktestResult:
    return labecon.backtest("backtest-2023", n_samples=N, seed=SEED)


def _history(tmp_path: Path, *rows: tuple[str, str, str, float]) -> Path:
    lines = [",".join(COLUMNS)] + [f"{lab},{m},{d},{v!r},synthetic,C" for lab, m, d, v in rows]
    path = tmp_path / "history.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_quarters_are_calendar_quarters_from_the_start() -> None:
    assert quarter_of(dt.date(2024, 1, 1), 2024.0) == 0
    assert quarter_of(dt.date(2024, 3, 31), 2024.0) == 0
    assert quarter_of(dt.date(2024, 4, 1), 2024.0) == 1
    assert quarter_of(dt.date(2025, 12, 31), 2024.0) == 7
    assert quarter_of(dt.date(2023, 12, 31), 2024.0) == -1
    assert quarter_of(dt.date(2026, 4, 7), 2026.25) == 0
    assert quarter_start(3, 2026.25) == dt.date(2027, 1, 1)


def test_shipped_history_is_scored_inside_the_horizon(shipped: labecon.BacktestResult) -> None:
    # Every shipped row from 2024 to 2026 is scored; the end-2023 rows are the starting state.
    history = labecon.load_history()
    inside = [o for o in history if dt.date(2024, 1, 1) <= o.date <= dt.date(2026, 12, 31)]
    assert len(shipped.points) == len(inside) > 0
    assert len(shipped.unscored) == len(history) - len(inside)
    assert all("before the horizon starts on 2024-01-01" in u for u in shipped.unscored)
    for p in shipped.points:
        assert 0.0 <= p.quantile <= 1.0
        assert p.in_band_90 == (p.p5 <= p.value <= p.p95)
        assert p.crps >= 0.0
    for metric, share in shipped.coverage(0.9).items():
        pts = [p for p in shipped.points if p.metric == metric]
        assert share == sum(p.in_band_90 for p in pts) / len(pts)


def test_coverage_is_given_for_the_scored_bands_only(shipped: labecon.BacktestResult) -> None:
    with pytest.raises(labecon.OptionError, match="50% and 90%"):
        shipped.coverage(0.8)


def test_json_has_points_coverage_and_mean_crps(shipped: labecon.BacktestResult) -> None:
    data = json.loads(json.dumps(shipped.to_json()))
    assert set(data["coverage_90"]) == {"revenue_run_rate_usd_per_year", "compute_gw"}
    first = data["points"][0]
    for key in ("lab", "metric", "date", "value", "quantile", "in_band_90", "in_band_50", "crps"):
        assert key in first
    crps = [p["crps"] for p in data["points"] if p["metric"] == "compute_gw"]
    assert data["crps_mean"]["compute_gw"] == pytest.approx(np.mean(crps))


def test_a_point_at_the_model_median_has_pit_one_half_and_far_points_zero_or_one(tmp_path: Path) -> None:
    res = labecon.backtest("backtest-2023", n_samples=N, seed=SEED)
    fan = res.fans["lab_own", "compute_gw"]
    q = 5  # April-June 2025
    median = float(np.quantile(_series(N, SEED)["lab_own", "compute_gw"][:, q], 0.5, method="lower"))
    path = _history(
        tmp_path,
        ("lab_own", "compute_gw", "2025-05-16", median),  # the quarter's middle: no interpolation
        ("lab_own", "compute_gw", "2025-05-15", 1e6),
        ("lab_partner", "revenue_run_rate_usd_per_year", "2025-05-17", 0.0),
    )
    at, high, low = labecon.backtest("backtest-2023", path, n_samples=N, seed=SEED).points
    assert fan.dates[q] == dt.date(2025, 5, 16)
    assert at.quarter == q
    assert at.quantile == pytest.approx(0.5, abs=1.0 / N)
    assert at.in_band_50
    assert at.in_band_90
    assert (high.quantile, high.in_band_90) == (1.0, False)
    assert high.crps == pytest.approx(1e6 - np.mean(_series(N, SEED)["lab_own", "compute_gw"][:, q]))
    assert low.quantile < 0.05
    assert not low.in_band_90


def _series(n: int, seed: int) -> dict[tuple[str, str], np.ndarray]:
    sc = labecon.load_scenario("backtest-2023")
    return model_series(sc, labecon.simulate(sc, n, seed, keep_paths=True))[0]


def test_compute_gw_is_capacity_times_power_per_h100e_and_pue() -> None:
    sc = labecon.load_scenario("backtest-2023")
    results = labecon.simulate(sc, 50, 1, keep_paths=True)
    series, problems = model_series(sc, results)
    assert problems == []
    # At quarter 0 lab_own holds only H100s (committed and rented): 1.4535 kW each, PUE 1.25.
    cap = results.dataset["capacity_h100e"].sel(lab="lab_own", quarter=0)
    assert float(cap.sel(source="owned").max()) == 0.0
    expected = cap.sum("source").to_numpy() * 1.4535 * 1.25 / 1e6
    np.testing.assert_allclose(series["lab_own", "compute_gw"][:, 0], expected, rtol=1e-12)
    assert expected.min() >= 0.199  # 110k committed H100e = 0.2 GW, as the scenario starts
    revenue = results.dataset["income_statement_usd"].sel(lab="lab_own", income_line="revenue")
    np.testing.assert_allclose(series["lab_own", "revenue_run_rate_usd_per_year"], 4 * revenue.to_numpy())


def test_the_labs_own_chips_count_at_the_kw_of_their_vintage() -> None:
    # A lab on H100s (1.4535 kW each) that buys its own as they draw 30% less a year: its own
    # fleet counts at the load the model gives it, chip by chip, not at quarter 0's kW.
    sc = labecon.load_scenario(
        tiny_world(**{"chips.h100.power_decline_per_year": 0.3, "market.segments.api.growth_per_year": 1.5})
    )
    results = labecon.simulate(sc, 20, 1, keep_paths=True)
    series, _ = model_series(sc, results)
    ds, pue = results.dataset, float(sc.finance.pue)  # type: ignore[arg-type]
    cap = ds["capacity_h100e"].sel(lab="a")
    clouds = cap.sel(source=["committed", "rented"]).sum("source").to_numpy()  # H100s bought by the hour
    own_load = ds["it_load_kw"].sel(lab="a").to_numpy()
    expected = (clouds * 1.4535 + own_load) * pue / 1e6
    np.testing.assert_allclose(series["a", "compute_gw"], expected, rtol=1e-12)
    own = cap.sel(source=["owned", "leased"]).sum("source").to_numpy()[:, -1]
    holding = own > 0  # a ruined lab holds nothing
    assert holding.sum() >= 10
    assert np.all(own_load[holding, -1] < own[holding] * 1.4535 * 0.99), "chips bought later draw less"


def test_what_cannot_be_scored_is_named_not_raised(tmp_path: Path) -> None:
    # two-strategies' partner chip has no power figure: its compute in GW cannot be given.
    path = _history(
        tmp_path,
        ("lab_partner", "compute_gw", "2026-06-30", 1.0),
        ("lab_own", "compute_gw", "2026-06-30", 2.0),
        ("lab_own", "compute_gw", "2040-06-30", 9.0),
    )
    res = labecon.backtest("two-strategies", path, n_samples=20, seed=1)
    assert [(p.lab, p.metric) for p in res.points] == [("lab_own", "compute_gw")]
    assert any("history row 4" in u and "after the horizon ends on 2036-03-31" in u for u in res.unscored)
    partner = "Anthropic-like lab (lab_partner): its compute in GW (compute_gw) cannot be given"
    assert any(u.startswith(partner) and "tpu_v6e" in u for u in res.unscored)
    # Said as readers know the lab and the metric, with the keys the history's CSV uses.
    said = "Anthropic-like lab (lab_partner), compute (GW), on 2026-06-30 (history row 2): the model cannot"
    assert any(u.startswith(said) for u in res.unscored)
    assert [p["lab_name"] for p in res.to_json()["points"]] == ["OpenAI-like lab"]


def test_nothing_to_score_and_compute_scenarios_are_clear_errors(tmp_path: Path) -> None:
    path = _history(tmp_path, ("lab_own", "compute_gw", "2019-06-30", 1.0))
    with pytest.raises(labecon.HistoryError, match="no observation in the history can be scored"):
        labecon.backtest("backtest-2023", path, n_samples=20, seed=1)
    with pytest.raises(labecon.ScenarioError, match="needs a world scenario"):
        labecon.backtest("b1", n_samples=20, seed=1)


def test_an_uncertain_pue_is_read_per_sample() -> None:
    data = yaml.safe_load(labecon.scenario_text("backtest-2023"))
    data["inputs"]["pue_in"] = {"dist": "uniform", "low": 1.1, "high": 1.4}
    data["finance"]["pue"] = "pue_in"
    sc = labecon.load_scenario(data)
    results = labecon.simulate(sc, 40, 2, keep_paths=True)
    series, _ = model_series(sc, results)
    pue = results.dataset["input_value"].sel(input="pue_in").to_numpy()
    cap = results.dataset["capacity_h100e"].sel(lab="lab_own", quarter=0).sum("source").to_numpy()
    assert np.ptp(pue) > 0.1
    np.testing.assert_allclose(series["lab_own", "compute_gw"][:, 0], cap * 1.4535 * pue / 1e6, rtol=1e-12)


def test_the_calibration_window_lies_inside_the_90_percent_band() -> None:
    # Calibrated on 2024-2025 only (docs/calibration.md): every point of both labs then lies
    # inside the model's 90% band, PIT values well inside (0, 1). At 800 samples the PITs
    # move by about 0.02 between seeds; the largest is ~0.93, so the check has room.
    result = labecon.backtest("backtest-2023", n_samples=800, seed=11)
    window = [p for p in result.points if p.date.year in (2024, 2025)]
    labs_metrics = {(p.lab, p.metric) for p in window}
    assert labs_metrics == {
        ("lab_own", "revenue_run_rate_usd_per_year"),
        ("lab_own", "compute_gw"),
        ("lab_partner", "revenue_run_rate_usd_per_year"),
    }
    outside = [(p.lab, p.metric, p.date.isoformat(), p.quantile) for p in window if not p.in_band_90]
    assert not outside
    assert all(0.1 < p.quantile < 0.97 for p in window)


def test_a_date_between_two_quarter_middles_takes_their_log_linear_interpolation() -> None:
    from labecon.analysis.backtest import quarter_middle, value_at

    # Two samples, three quarters from January 2024; the first grows tenfold a quarter.
    values = np.array([[1.0, 10.0, 100.0], [4.0, 0.0, 2.0]])
    mid0, mid1 = quarter_middle(0, 2024.0), quarter_middle(1, 2024.0)
    halfway = mid0 + (mid1 - mid0) / 2
    w = (halfway - mid0).days / (mid1 - mid0).days
    at = value_at(values, halfway, 2024.0)
    assert at[0] == pytest.approx(10.0**w)  # geometric between 1 and 10
    assert at[1] == pytest.approx(4.0 * (1 - w))  # linear where a value is 0
    np.testing.assert_array_equal(value_at(values, mid1, 2024.0), values[:, 1])
    # Before the first middle and after the last, the nearest quarter stands.
    np.testing.assert_array_equal(value_at(values, dt.date(2024, 1, 2), 2024.0), values[:, 0])
    np.testing.assert_array_equal(value_at(values, dt.date(2024, 9, 30), 2024.0), values[:, 2])


def test_the_calibration_passes_its_own_backtest_on_2024_and_2025() -> None:
    # The calibration's claim (docs/calibration.md): every 2024-25 point of both labs inside the
    # model's 90% band. Its PITs lie between about 0.3 and 0.91, several standard errors of a
    # 1,000-sample quantile inside the band, so this fails only if the calibration moves.
    result = labecon.backtest("backtest-2023", n_samples=1000, seed=SEED)
    fitted = [p for p in result.points if p.date.year in (2024, 2025)]
    assert {p.lab for p in fitted} == {"lab_own", "lab_partner"}
    assert {p.metric for p in fitted} >= {"revenue_run_rate_usd_per_year", "compute_gw"}
    outside = [(p.lab, p.metric, str(p.date), round(p.quantile, 3)) for p in fitted if not p.in_band_90]
    assert outside == []


def test_the_first_quarter_up_to_its_middle_is_the_starting_state_not_scored(tmp_path: Path) -> None:
    # two-strategies starts on 2026-04-01: its first quarter's value is its starting state (the
    # same in every sample), so an observation there would score the figure the scenario took.
    path = _history(
        tmp_path,
        ("lab_partner", "revenue_run_rate_usd_per_year", "2026-04-07", 3.0e10),
        ("lab_partner", "revenue_run_rate_usd_per_year", "2026-05-16", 3.0e10),
        ("lab_partner", "revenue_run_rate_usd_per_year", "2026-05-17", 3.0e10),
    )
    res = labecon.backtest("two-strategies", path, n_samples=40, seed=1)
    assert [p.date.isoformat() for p in res.points] == ["2026-05-17"]
    assert res.points[0].p95 > res.points[0].p5, "a day after the middle, the forecast has a spread"
    reason = "on or before the first quarter's middle (2026-05-16), where the model's value is its starting"
    assert [row for row, why in res.unscored_rows.items() if why.startswith(reason)] == [2, 3]


def test_a_history_that_ends_before_the_forecast_says_what_to_score_instead() -> None:
    # The shipped history ends on 2026-04-07, inside two-strategies' first quarter.
    with pytest.raises(labecon.HistoryError) as raised:
        labecon.backtest("two-strategies", n_samples=20, seed=1)
    said = str(raised.value)
    assert "no observation in the history can be scored" in said
    assert "13 observations (history rows 2-14): before the horizon starts on 2026-04-01" in said
    assert "before this scenario forecasts anything" in said
    assert "backtest-2023" in said


def test_observations_not_scored_for_one_reason_are_said_once(tmp_path: Path) -> None:
    rows = [("lab_own", "revenue_run_rate_usd_per_year", f"20{y}-06-30", 1.0e9) for y in (10, 11, 12)]
    rows += [("lab_own", "compute_gw", "2024-06-30", 0.5)]
    rows += [("lab_own", "revenue_run_rate_usd_per_year", f"20{y}-06-30", 1.0e9) for y in (40, 41)]
    res = labecon.backtest("backtest-2023", _history(tmp_path, *rows), n_samples=20, seed=1)
    said = res.said_unscored()
    before = "before the horizon starts on 2024-01-01 (at most a starting state)"
    assert said[0] == f"3 observations (history rows 2-4): {before}"
    # A reason shared by fewer than three observations keeps each one's whole sentence.
    after = "after the horizon ends on 2026-12-31"
    revenue = "OpenAI (lab_own), revenue run-rate (USD per year)"
    assert said[1] == f"{revenue}, on 2040-06-30 (history row 6): {after}"
    assert said[2].endswith(f"on 2041-06-30 (history row 7): {after}")
    assert len(said) == 3
    assert len(res.unscored) == 5, "every observation keeps its own sentence in unscored and the JSON"
    assert res.said_unscored(at_least=4) == res.unscored


def test_history_rows_are_said_as_ranges() -> None:
    from labecon.analysis.backtest import _row_ranges

    assert _row_ranges([9, 2, 3, 4, 11, 12, 5]) == "2-5, 9, 11-12"
    assert _row_ranges([7]) == "7"
