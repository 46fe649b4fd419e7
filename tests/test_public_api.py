"""The public API is exactly this list: nothing stale, nothing unintended."""

from __future__ import annotations

import labecon

EXPECTED = [
    "InputTableError",
    "LabeconError",
    "OptionError",
    "OptionalDependencyError",
    "OutputExistsError",
    "OutputSummary",
    "Results",
    "Scenario",
    "ScenarioError",
    "__version__",
    "list_scenarios",
    "load_scenario",
    "run_block",
    "sample_block",
    "scenario_text",
    "simulate",
]


def test_all_is_pinned() -> None:
    assert sorted(labecon.__all__) == EXPECTED


def test_every_public_name_resolves() -> None:
    for name in labecon.__all__:
        assert getattr(labecon, name) is not None


def test_errors_form_one_family() -> None:
    for name in (
        "InputTableError",
        "OptionError",
        "OptionalDependencyError",
        "OutputExistsError",
        "ScenarioError",
    ):
        assert issubclass(getattr(labecon, name), labecon.LabeconError)
