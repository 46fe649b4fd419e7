"""labecon: should a frontier AI lab own its compute, or rent it from a cloud partner.

The public API. The command line, notebooks and tests use only these names.
"""

from labecon.analysis.compare import Comparison, compare
from labecon.analysis.convergence import ConvergenceReport, run_to_precision
from labecon.analysis.optimize import OptimizationResult, optimize
from labecon.analysis.sensitivity import SensitivityResult, SensitivityWarning, sensitivity
from labecon.errors import (
    BackendError,
    InputTableError,
    LabeconError,
    OptionalDependencyError,
    OptionError,
    OutputExistsError,
    ScenarioError,
    StoreError,
)
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
from labecon.scenario.provenance import SourcedValue, scenario_sources
from labecon.scenario.schema import Scenario

__version__ = "0.1.0"

__all__ = [
    # errors
    "BackendError",
    "Comparison",
    "ConvergenceReport",
    "DaskBackend",
    "InputTableError",
    "LabeconError",
    "LocalBackend",
    "OptimizationResult",
    "OptionError",
    "OptionalDependencyError",
    "OutputExistsError",
    # results
    "OutputSummary",
    "Results",
    "RunStore",
    # scenarios
    "Scenario",
    "ScenarioError",
    "SensitivityResult",
    "SensitivityWarning",
    "SourcedValue",
    "StoreError",
    "__version__",
    "compare",
    "dump_scenario",
    "list_runs",
    "list_scenarios",
    "load_run",
    "load_scenario",
    "make_backend",
    "optimize",
    # running
    "run_block",
    "run_to_precision",
    "sample_block",
    "scenario_sources",
    "scenario_text",
    "sensitivity",
    "simulate",
    "write_report",
]
