"""Loading a scenario from Python warns of values far outside their field's range, and still loads it."""

from __future__ import annotations

import warnings

import pytest
import yaml

import labecon
from labecon.scenario.loader import load_quietly


def _slipped_b1() -> dict[str, object]:
    data = yaml.safe_load(labecon.scenario_text("b1"))
    data["inputs"]["r"] = {"dist": "uniform", "low": 8, "high": 14}  # percent where a fraction belongs
    return data


def test_load_scenario_warns_with_the_field_and_its_unit_and_still_loads() -> None:
    with pytest.warns(labecon.ImplausibleValueWarning, match="discount_rate_per_year") as caught:
        scenario = labecon.load_scenario(_slipped_b1())
    assert isinstance(scenario, labecon.ComputeScenario)
    assert any("fraction per year" in str(w.message) for w in caught)


def test_an_override_that_slips_is_warned_of() -> None:
    with pytest.warns(labecon.ImplausibleValueWarning, match="USD per kW"):
        labecon.with_overrides("b1", {"compute.dc_capex_usd_per_kw": 12})


def test_plausible_scenarios_and_quiet_loads_warn_of_nothing() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name in labecon.list_scenarios():
            scenario = labecon.load_scenario(name)
            labecon.load_scenario(scenario)  # a Scenario is returned as is, not checked again
        load_quietly(_slipped_b1())
    assert [str(w.message) for w in caught] == []
