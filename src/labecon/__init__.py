"""labecon: should a frontier AI lab own its compute, or rent it from a cloud partner.

The public API. The command line, notebooks and tests use only these names.

Names are imported when first used (PEP 562), so a process that needs only
part of labecon (a Dask worker computing blocks, ``labecon --help``) does not
load the results layer, the analyses or the report, and stays small.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from labecon._version import __version__
from labecon.errors import (
    BackendError,
    ImplausibleValueWarning,
    InputTableError,
    LabeconError,
    OptionalDependencyError,
    OptionError,
    OutputExistsError,
    ScenarioError,
    StoreError,
)

if TYPE_CHECKING:
    from labecon.analysis.backtest import BacktestResult, backtest
    from labecon.analysis.breakeven import Breakeven, breakeven
    from labecon.analysis.breakeven_map import BreakevenMap, breakeven_map
    from labecon.analysis.compare import Comparison, compare
    from labecon.analysis.conventions import ConventionsResult, conventions
    from labecon.analysis.convergence import ConvergenceReport, run_to_precision
    from labecon.analysis.deals import DealValues, deal_values
    from labecon.analysis.drivers import RouteDrivers, route_drivers
    from labecon.analysis.history import HistoryError, load_history
    from labecon.analysis.optimize import OptimizationResult, optimize
    from labecon.analysis.sensitivity import SensitivityResult, SensitivityWarning, sensitivity
    from labecon.analysis.switching import SwitchDates, switch_dates
    from labecon.model.world import PlausibilityWarning
    from labecon.report.backtest import write_backtest_report
    from labecon.report.build import write_report
    from labecon.runtime.backends.dask import DaskBackend
    from labecon.runtime.backends.local import LocalBackend
    from labecon.runtime.results import Results
    from labecon.runtime.run import make_backend, run_block, sample_block, simulate
    from labecon.runtime.store import RunStore, list_runs, load_run
    from labecon.runtime.summary import OutputSummary
    from labecon.scenario.builtin import builtin_text as scenario_text
    from labecon.scenario.builtin import list_builtin as list_scenarios
    from labecon.scenario.loader import dump_scenario, load_scenario
    from labecon.scenario.overrides import (
        ParameterInfo,
        apply_overrides,
        parse_override,
        scenario_parameters,
        with_overrides,
    )
    from labecon.scenario.provenance import SourcedValue, scenario_sources
    from labecon.scenario.schema import ComputeScenario, Scenario, WorldScenario

_LAZY: dict[str, tuple[str, str]] = {
    "BacktestResult": ("labecon.analysis.backtest", "BacktestResult"),
    "PlausibilityWarning": ("labecon.model.world", "PlausibilityWarning"),
    "backtest": ("labecon.analysis.backtest", "backtest"),
    "Comparison": ("labecon.analysis.compare", "Comparison"),
    "compare": ("labecon.analysis.compare", "compare"),
    "ConventionsResult": ("labecon.analysis.conventions", "ConventionsResult"),
    "conventions": ("labecon.analysis.conventions", "conventions"),
    "ConvergenceReport": ("labecon.analysis.convergence", "ConvergenceReport"),
    "DealValues": ("labecon.analysis.deals", "DealValues"),
    "deal_values": ("labecon.analysis.deals", "deal_values"),
    "RouteDrivers": ("labecon.analysis.drivers", "RouteDrivers"),
    "route_drivers": ("labecon.analysis.drivers", "route_drivers"),
    "run_to_precision": ("labecon.analysis.convergence", "run_to_precision"),
    "HistoryError": ("labecon.analysis.history", "HistoryError"),
    "load_history": ("labecon.analysis.history", "load_history"),
    "OptimizationResult": ("labecon.analysis.optimize", "OptimizationResult"),
    "optimize": ("labecon.analysis.optimize", "optimize"),
    "SensitivityResult": ("labecon.analysis.sensitivity", "SensitivityResult"),
    "SensitivityWarning": ("labecon.analysis.sensitivity", "SensitivityWarning"),
    "sensitivity": ("labecon.analysis.sensitivity", "sensitivity"),
    "SwitchDates": ("labecon.analysis.switching", "SwitchDates"),
    "Breakeven": ("labecon.analysis.breakeven", "Breakeven"),
    "breakeven": ("labecon.analysis.breakeven", "breakeven"),
    "BreakevenMap": ("labecon.analysis.breakeven_map", "BreakevenMap"),
    "breakeven_map": ("labecon.analysis.breakeven_map", "breakeven_map"),
    "switch_dates": ("labecon.analysis.switching", "switch_dates"),
    "write_backtest_report": ("labecon.report.backtest", "write_backtest_report"),
    "write_report": ("labecon.report.build", "write_report"),
    "DaskBackend": ("labecon.runtime.backends.dask", "DaskBackend"),
    "LocalBackend": ("labecon.runtime.backends.local", "LocalBackend"),
    "Results": ("labecon.runtime.results", "Results"),
    "make_backend": ("labecon.runtime.run", "make_backend"),
    "run_block": ("labecon.runtime.run", "run_block"),
    "sample_block": ("labecon.runtime.run", "sample_block"),
    "simulate": ("labecon.runtime.run", "simulate"),
    "RunStore": ("labecon.runtime.store", "RunStore"),
    "list_runs": ("labecon.runtime.store", "list_runs"),
    "load_run": ("labecon.runtime.store", "load_run"),
    "OutputSummary": ("labecon.runtime.summary", "OutputSummary"),
    "scenario_text": ("labecon.scenario.builtin", "builtin_text"),
    "list_scenarios": ("labecon.scenario.builtin", "list_builtin"),
    "dump_scenario": ("labecon.scenario.loader", "dump_scenario"),
    "load_scenario": ("labecon.scenario.loader", "load_scenario"),
    "ParameterInfo": ("labecon.scenario.overrides", "ParameterInfo"),
    "apply_overrides": ("labecon.scenario.overrides", "apply_overrides"),
    "parse_override": ("labecon.scenario.overrides", "parse_override"),
    "scenario_parameters": ("labecon.scenario.overrides", "scenario_parameters"),
    "with_overrides": ("labecon.scenario.overrides", "with_overrides"),
    "SourcedValue": ("labecon.scenario.provenance", "SourcedValue"),
    "scenario_sources": ("labecon.scenario.provenance", "scenario_sources"),
    "Scenario": ("labecon.scenario.schema", "Scenario"),
    "ComputeScenario": ("labecon.scenario.schema", "ComputeScenario"),
    "WorldScenario": ("labecon.scenario.schema", "WorldScenario"),
}
"""Public name -> (module, attribute), imported on first use."""


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        msg = f"module 'labecon' has no attribute {name!r}"
        raise AttributeError(msg) from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
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
