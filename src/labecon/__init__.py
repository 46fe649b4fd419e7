"""labecon: should a frontier AI lab own its compute, or rent it from a cloud partner.

The public API. The command line, notebooks and tests use only these names.
"""

from labecon.errors import (
    InputTableError,
    LabeconError,
    OptionalDependencyError,
    OptionError,
    OutputExistsError,
    ScenarioError,
)
from labecon.runtime.results import Results
from labecon.runtime.run import run_block, sample_block, simulate
from labecon.runtime.summary import OutputSummary
from labecon.scenario.builtin import builtin_text as scenario_text
from labecon.scenario.builtin import list_builtin as list_scenarios
from labecon.scenario.loader import load_scenario
from labecon.scenario.schema import Scenario

__version__ = "0.1.0"

__all__ = [
    # errors
    "InputTableError",
    "LabeconError",
    "OptionError",
    "OptionalDependencyError",
    "OutputExistsError",
    # results
    "OutputSummary",
    "Results",
    # scenarios
    "Scenario",
    "ScenarioError",
    "__version__",
    "list_scenarios",
    "load_scenario",
    # running
    "run_block",
    "sample_block",
    "scenario_text",
    "simulate",
]
