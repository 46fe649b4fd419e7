"""Overrides by dotted path: applied before validation, unknown paths named, defaults settable."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

import labecon


@pytest.fixture
def world() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(labecon.scenario_text("two-strategies"))
    return data


def test_sets_a_strategy_number_and_leaves_the_input_unchanged(world: dict[str, Any]) -> None:
    out = labecon.apply_overrides(world, {"labs.lab_own.strategy.own_frac": 0.3})
    assert out["labs"]["lab_own"]["strategy"]["own_frac"] == 0.3
    assert world["labs"]["lab_own"]["strategy"]["own_frac"] == 0.5
    assert labecon.load_scenario(out).labs["lab_own"].strategy.own_frac == 0.3  # type: ignore[index]


def test_sets_a_distribution_parameter(world: dict[str, Any]) -> None:
    out = labecon.apply_overrides(world, {"inputs.g_api.ci90": [1.0, 3.0]})
    assert list(labecon.load_scenario(out).inputs["g_api"].ci90) == [1.0, 3.0]  # type: ignore[union-attr]


def test_sets_a_field_left_at_its_default(world: dict[str, Any]) -> None:
    assert "inertia_frac" not in world["market"]["segments"]["api"]
    out = labecon.apply_overrides(world, {"market.segments.api.inertia_frac": 0.5})
    assert labecon.load_scenario(out).market.segments["api"].inertia_frac == 0.5  # type: ignore[union-attr]


def test_sets_an_element_of_a_list(world: dict[str, Any]) -> None:
    out = labecon.apply_overrides(world, {"inputs.g_api.ci90[1]": 2.5})
    assert out["inputs"]["g_api"]["ci90"] == [0.5, 2.5]


def test_unknown_path_is_named_with_the_fields_that_exist(world: dict[str, Any]) -> None:
    with pytest.raises(labecon.ScenarioError) as info:
        labecon.apply_overrides(world, {"labs.lab_own.strategy.own_fraction": 0.3})
    assert info.value.path == "labs.lab_own.strategy.own_fraction"
    assert "own_frac" in info.value.problem


def test_bad_value_gets_the_schema_message_for_its_path(world: dict[str, Any]) -> None:
    out = labecon.apply_overrides(world, {"labs.lab_own.strategy.own_frac": 1.5})
    with pytest.raises(labecon.ScenarioError) as info:
        labecon.load_scenario(out)
    assert info.value.path == "labs.lab_own.strategy.own_frac"
    assert "<= 1" in info.value.problem


@pytest.mark.parametrize(
    ("path", "named"),
    [
        ("", "overrides"),
        ("labs..own", "labs..own"),
        ("labs.lab_own.cash_usd.more", "labs.lab_own.cash_usd.more"),
        ("inputs.g_api.ci90[7]", "inputs.g_api.ci90[7]"),
        ("../etc/passwd", "../etc/passwd"),
    ],
)
def test_malformed_paths_are_errors_naming_them(world: dict[str, Any], path: str, named: str) -> None:
    with pytest.raises(labecon.ScenarioError) as info:
        labecon.apply_overrides(world, {path: 1.0})
    assert info.value.path == named


def test_parse_override_reads_the_value_as_yaml() -> None:
    assert labecon.parse_override("inputs.g_api.ci90=[1.0, 3.0]") == ("inputs.g_api.ci90", [1.0, 3.0])
    assert labecon.parse_override("a.b=0.5") == ("a.b", 0.5)
    with pytest.raises(labecon.ScenarioError, match="PATH=VALUE"):
        labecon.parse_override("no-equals")
    with pytest.raises(labecon.ScenarioError):
        labecon.parse_override("a.b=!!python/object:os.system x")


def test_parameters_have_bounds_and_descriptions() -> None:
    params = {p.path: p for p in labecon.scenario_parameters("two-strategies")}
    own = params["labs.lab_own.strategy.own_frac"]
    assert (own.minimum, own.maximum, own.value) == (0.0, 1.0, 0.5)
    assert "fraction" in own.description
    assert params["finance.discount_rate_per_year"].value == "r_disc"
    # Every listed path can be set; setting each to its own value changes nothing.
    base = yaml.safe_load(labecon.scenario_text("two-strategies"))
    same = labecon.apply_overrides(base, {p.path: p.value for p in params.values()})
    assert labecon.load_scenario(same).model_dump() == labecon.load_scenario(base).model_dump()


def test_a_number_with_an_exponent_is_a_number() -> None:
    # YAML 1.1 reads 5e9 and 1.5e9 as text; a scenario and an override read them as numbers.
    assert labecon.parse_override("labs.lab_own.cash_usd=5e9") == ("labs.lab_own.cash_usd", 5e9)
    assert labecon.parse_override("a.b=-1.5E-3") == ("a.b", -1.5e-3)
    assert labecon.parse_override("a.b=5.0e+9") == ("a.b", 5e9)
    assert labecon.parse_override("a.b=e5") == ("a.b", "e5")  # a name stays a name
    world = yaml.safe_load(labecon.scenario_text("two-strategies"))
    path, value = labecon.parse_override("labs.lab_own.cash_usd=5e9")
    assert (
        labecon.load_scenario(labecon.apply_overrides(world, {path: value})).labs["lab_own"].cash_usd == 5e9
    )  # type: ignore[index]


def test_a_list_items_field_has_its_description() -> None:
    params = {p.path: p for p in labecon.scenario_parameters("two-strategies")}
    tranche = params["clouds.aws_cloud.deal.equity_tranches[1].usd"]
    assert tranche.value == 1e10
    assert "invested" in tranche.description
