"""The public API is exactly this list: nothing stale, nothing unintended."""

from __future__ import annotations

import labecon

EXPECTED = [
    "BackendError",
    "BacktestResult",
    "Breakeven",
    "BreakevenMap",
    "Comparison",
    "ComputeScenario",
    "ConventionsResult",
    "ConvergenceReport",
    "DaskBackend",
    "DealValues",
    "HistoryError",
    "ImplausibleValueWarning",
    "InputTableError",
    "LabeconError",
    "LocalBackend",
    "OptimizationResult",
    "OptionError",
    "OptionalDependencyError",
    "OutputExistsError",
    "OutputSummary",
    "ParameterInfo",
    "PlausibilityWarning",
    "Results",
    "RouteDrivers",
    "RunStore",
    "Scenario",
    "ScenarioError",
    "SensitivityResult",
    "SensitivityWarning",
    "SourcedValue",
    "StoreError",
    "SwitchDates",
    "WorldScenario",
    "__version__",
    "apply_overrides",
    "backtest",
    "breakeven",
    "breakeven_map",
    "compare",
    "conventions",
    "deal_values",
    "dump_scenario",
    "list_runs",
    "list_scenarios",
    "load_history",
    "load_run",
    "load_scenario",
    "make_backend",
    "optimize",
    "parse_override",
    "route_drivers",
    "run_block",
    "run_to_precision",
    "sample_block",
    "scenario_parameters",
    "scenario_sources",
    "scenario_text",
    "sensitivity",
    "simulate",
    "switch_dates",
    "with_overrides",
    "write_backtest_report",
    "write_report",
]


def test_all_is_pinned() -> None:
    assert sorted(labecon.__all__) == EXPECTED


def test_every_public_name_resolves() -> None:
    for name in labecon.__all__:
        assert getattr(labecon, name) is not None


def test_errors_form_one_family() -> None:
    for name in (
        "BackendError",
        "HistoryError",
        "InputTableError",
        "OptionError",
        "OptionalDependencyError",
        "OutputExistsError",
        "ScenarioError",
        "StoreError",
    ):
        assert issubclass(getattr(labecon, name), labecon.LabeconError)


def test_version_is_the_installed_packages() -> None:
    from importlib.metadata import version

    assert labecon.__version__ == version("labecon")


def test_a_results_repr_says_what_ran_not_every_array() -> None:
    import labecon

    res = labecon.simulate("b1", n_samples=300, seed=2)
    text = repr(res)
    assert text.startswith("<Results of 'b1': 300 samples, seed 2")
    assert "outputs: pv_rent; pv_build; saving" in text
    assert len(text) < 600, "a short description, not the dataset and the scenario's YAML"
    for method in ("summary_table", "summary", "dataset", "routes", "write", "export"):
        assert f".{method}" in text
        assert hasattr(res, method)


def test_a_comparison_repr_gives_the_answer_not_the_values() -> None:
    import labecon

    comp = labecon.compare(
        "b1", outputs=["pv_rent", "pv_build"], goal="min", n_samples=400, seed=1, evppi=False
    )
    text = repr(comp)
    assert text.startswith("<Comparison of pv_rent, pv_build")
    assert f"best on average {comp.best}" in text
    assert "P(best): pv_rent " in text
    assert len(text) < 400


def test_a_backtest_repr_says_how_the_forecasts_did() -> None:
    import labecon

    result = labecon.backtest("backtest-2023", n_samples=300)
    text = repr(result)
    assert text.startswith("<Backtest of 'backtest-2023' (300 samples")
    assert f"{len(result.points)} observations scored" in text
    assert "inside the 90% band" in text
    assert len(text) < 500
