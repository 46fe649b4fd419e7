"""The declarative input: schema, loading and built-in scenarios. Runs nothing."""

from labecon.scenario.builtin import builtin_text, list_builtin
from labecon.scenario.loader import load_scenario, scenario_from_dict, scenario_from_yaml
from labecon.scenario.schema import ComputeScenario, Scenario, ScenarioBase, WorldScenario

__all__ = [
    "ComputeScenario",
    "Scenario",
    "ScenarioBase",
    "WorldScenario",
    "builtin_text",
    "list_builtin",
    "load_scenario",
    "scenario_from_dict",
    "scenario_from_yaml",
]
