"""The kinds of scenario: the union picks the right one, with or without ``kind:``, and says why not."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from tests.world_helpers import tiny_world

import labecon
from labecon import ScenarioError

BUILTIN_KINDS = {"b1": labecon.ComputeScenario, "two-strategies": labecon.WorldScenario}


@pytest.mark.parametrize(("name", "cls"), BUILTIN_KINDS.items())
def test_the_kind_is_inferred_from_the_sections(name: str, cls: type) -> None:
    data = yaml.safe_load(labecon.scenario_text(name))
    assert "kind" not in data
    sc = labecon.load_scenario(data)
    assert type(sc) is cls
    assert sc.kind == ("compute" if cls is labecon.ComputeScenario else "world")


@pytest.mark.parametrize(("name", "cls"), BUILTIN_KINDS.items())
def test_an_explicit_kind_gives_the_same_scenario(name: str, cls: type) -> None:
    data = yaml.safe_load(labecon.scenario_text(name))
    inferred = labecon.load_scenario(data)
    explicit = labecon.load_scenario({"kind": inferred.kind, **data})
    assert type(explicit) is cls
    assert explicit == inferred


@pytest.mark.parametrize("name", BUILTIN_KINDS)
def test_dumped_yaml_loads_back_identically(name: str) -> None:
    data = yaml.safe_load(labecon.scenario_text(name))
    inferred = labecon.load_scenario(data)
    for sc in (inferred, labecon.load_scenario({"kind": inferred.kind, **data})):
        again = labecon.load_scenario(yaml.safe_load(labecon.dump_scenario(sc)))
        assert type(again) is type(sc)
        assert again == sc
        assert again.model_dump() == sc.model_dump()


def test_a_world_missing_a_section_is_still_a_world() -> None:
    data = tiny_world()
    del data["market"]
    with pytest.raises(ScenarioError) as info:
        labecon.load_scenario(data)
    assert info.value.path == "market"
    assert "a world scenario needs chips, clouds, labs, market" in str(info.value)


@pytest.mark.parametrize("kind", ["planet", 3, ["world"]])
def test_an_unknown_kind_names_the_field(b1_dict: dict[str, Any], kind: Any) -> None:
    b1_dict["kind"] = kind
    with pytest.raises(ScenarioError) as info:
        labecon.load_scenario(b1_dict)
    assert info.value.path == "kind"
    assert "unknown kind" in str(info.value)
    assert "'compute', 'world'" in str(info.value)


def test_a_kind_that_contradicts_the_sections_says_so(b1_dict: dict[str, Any]) -> None:
    b1_dict["kind"] = "world"
    with pytest.raises(ScenarioError) as info:
        labecon.load_scenario(b1_dict)
    assert info.value.path == "compute"
    assert "belongs to a compute scenario" in str(info.value)
    assert "kind: world" in str(info.value)


@pytest.mark.parametrize("field", ["start_year", "finance", "labs"])
def test_a_field_of_the_other_kind_is_named(b1_dict: dict[str, Any], field: str) -> None:
    b1_dict[field] = tiny_world()[field] if field == "labs" else ({} if field == "finance" else 2026.0)
    with pytest.raises(ScenarioError) as info:
        labecon.load_scenario(b1_dict)
    message = str(info.value)
    assert info.value.path == field, message
    assert "not both" in message


def test_no_section_at_all_lists_what_each_kind_needs() -> None:
    with pytest.raises(ScenarioError) as info:
        labecon.load_scenario({"name": "empty"})
    message = str(info.value)
    assert info.value.path == "compute"
    assert "a compute scenario needs compute, strategies, outputs" in message
    assert "a world scenario needs chips, clouds, labs, market" in message


def test_error_paths_carry_no_kind_tag() -> None:
    data = tiny_world()
    data["labs"]["a"]["cash_usd"] = -1
    with pytest.raises(ScenarioError) as info:
        labecon.load_scenario({"kind": "world", **data})
    assert info.value.path == "labs.a.cash_usd"
    assert str(info.value).startswith("labs.a.cash_usd: ")


def test_a_loaded_scenario_is_returned_as_is() -> None:
    sc = labecon.load_scenario("two-strategies")
    assert labecon.load_scenario(sc) is sc
