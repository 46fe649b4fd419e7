"""Loading scenarios, and every malformed one giving a ScenarioError that names the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.reference.scalar_b1 import B1_INPUT_NAMES

import labecon
from labecon import ScenarioError


def test_b1_loads_by_name_path_and_dict(tmp_path: Path, b1_dict: dict[str, Any]) -> None:
    by_name = labecon.load_scenario("b1")
    path = tmp_path / "mine.yaml"
    path.write_text(labecon.scenario_text("b1"))
    assert labecon.load_scenario(path) == by_name
    assert labecon.load_scenario(str(path)) == by_name
    assert labecon.load_scenario(b1_dict) == by_name
    assert labecon.load_scenario(by_name) is by_name
    assert labecon.load_scenario(labecon.scenario_text("b1")) == by_name  # YAML text


def test_yaml_text_with_a_bad_field_names_it() -> None:
    text = labecon.scenario_text("b1").replace("horizon_quarters: 40", "horizon_quarters: lots")
    assert "lots" in text
    with pytest.raises(ScenarioError, match="horizon_quarters"):
        labecon.load_scenario(text)


def test_b1_inputs_are_named_as_in_the_benchmark() -> None:
    sc = labecon.load_scenario("b1")
    assert list(sc.inputs) == list(B1_INPUT_NAMES)
    assert list(sc.outputs) == ["pv_rent", "pv_build", "saving"]


def test_list_scenarios_holds_b1() -> None:
    assert "b1" in labecon.list_scenarios()


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    for key in keys[:-1]:
        data = data[key]
    if value is _DELETE:
        del data[keys[-1]]
    else:
        data[keys[-1]] = value


_DELETE = object()

BAD_FIELDS = [
    # (path to change, new value, path expected in the message, words expected in it)
    ("compute.colour", "blue", "compute.colour", "unknown field"),
    ("horizon_quarters", "forty", "horizon_quarters", "whole number"),
    ("horizon_quarters", 0, "horizon_quarters", "must be >= 1, got 0"),
    ("compute.demand_units_t0", -5, "compute.demand_units_t0", ">= 0"),
    ("compute.pue", 0.8, "compute.pue", ">= 1"),
    ("compute.electricity_usd_per_kwh", "nosuchinput", "compute.electricity_usd_per_kwh", "not declared"),
    ("compute.electricity_usd_per_kwh", [1, 2], "compute.electricity_usd_per_kwh", "number or the name"),
    ("compute.electricity_usd_per_kwh", True, "compute.electricity_usd_per_kwh", "boolean"),
    ("compute.electricity_usd_per_kwh", float("nan"), "compute.electricity_usd_per_kwh", "finite"),
    ("compute.unit_life_quarters", 2.5, "compute.unit_life_quarters", "whole number"),
    ("compute.discount_rate_per_year", _DELETE, "compute.discount_rate_per_year", "missing"),
    ("inputs.p0", {"dist": "lognormal", "ci90": [3.5, 2.0]}, "inputs.p0", ""),
    ("inputs.p0", {"dist": "lognormal", "ci90": [-1.0, 2.0]}, "inputs.p0", ""),
    ("inputs.d", {"dist": "uniform", "low": 0.3, "high": 0.1}, "inputs.d", ""),
    ("inputs.d", {"dist": "gamma", "shape": 2}, "inputs.d", "gamma"),
    ("inputs.pue", {"dist": "uniform", "low": 0.5, "high": 1.2}, "compute.pue", "0.5"),
    (
        "inputs.elec",
        {"dist": "normal", "mean": 0.07, "sd": 0.01},
        "compute.electricity_usd_per_kwh",
        "outside",
    ),
    ("inputs.k", {"dist": "uniform", "low": 2, "high": 6}, "strategies.build.lead_time_quarters", "whole"),
    ("strategies.build.policy", "lease", "strategies.build", "lease"),
    ("strategies.build.headroom_frac", -3, "strategies.build.headroom_frac", "> -1"),
    ("strategies.build.lead_time_quarters", 2.5, "strategies.build.lead_time_quarters", "whole number"),
    ("strategies", {}, "strategies", "at least 1"),
    ("outputs.pv_rent.strategy", "buy", "outputs.pv_rent.strategy", "unknown strategy"),
    ("outputs.saving.minuend", "later", "outputs.saving.minuend", "not an output defined before"),
    ("run.n_samples", 0, "run.n_samples", "must be >= 1, got 0"),
    ("run.seed", -1, "run.seed", "must be >= 0, got -1"),
    ("correlation", {"names": ["g", "p0"], "matrix": [[1, 2], [2, 1]]}, "correlation", ""),
    ("correlation", {"names": ["g", "p0"], "matrix": [[1, 0.3], [0.2, 1]]}, "correlation", ""),
    ("correlation", {"names": ["g", "zz"], "matrix": [[1, 0.3], [0.3, 1]]}, "correlation.names", "zz"),
]


@pytest.mark.parametrize(("path", "value", "where", "words"), BAD_FIELDS)
def test_malformed_field_names_the_field(
    b1_dict: dict[str, Any], path: str, value: Any, where: str, words: str
) -> None:
    _set(b1_dict, path, value)
    with pytest.raises(ScenarioError) as info:
        labecon.load_scenario(b1_dict)
    message = str(info.value)
    assert info.value.path.startswith(where), message
    assert words.lower() in message.lower(), message
    assert "Traceback" not in message


def test_correlation_not_psd_is_rejected(b1_dict: dict[str, Any]) -> None:
    b1_dict["correlation"] = {
        "names": ["g", "p0", "d"],
        "matrix": [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]],
    }
    with pytest.raises(ScenarioError, match="correlation"):
        labecon.load_scenario(b1_dict)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("name: [unclosed", "not valid YAML"),
        ("- just\n- a list\n", "mapping"),
        ("", "mapping"),
    ],
)
def test_bad_yaml_is_a_scenario_error(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError, match=words):
        labecon.load_scenario(path)


def test_unknown_name_lists_the_built_ins() -> None:
    with pytest.raises(ScenarioError, match="b1"):
        labecon.load_scenario("no-such-scenario")


@pytest.mark.parametrize("name", ["x" * 5000, "bad\x00name"], ids=["too long", "a NUL"])
def test_a_name_no_file_can_have_is_a_scenario_error(name: str) -> None:
    # The system refuses to look such a path up (too long; a NUL): still "no such scenario".
    with pytest.raises(ScenarioError, match="no built-in scenario or file named"):
        labecon.load_scenario(name)


def test_a_directory_is_not_a_scenario(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="not a file"):
        labecon.load_scenario(tmp_path)


def test_wrong_source_type() -> None:
    with pytest.raises(ScenarioError, match="int"):
        labecon.load_scenario(42)  # type: ignore[arg-type]


_json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.floats(allow_nan=True), st.text(max_size=8)
)
_json = st.recursive(
    _json_leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


def _paths(data: Any, prefix: str = "") -> list[str]:
    out = []
    if isinstance(data, dict):
        for k, v in data.items():
            p = f"{prefix}.{k}" if prefix else k
            out.append(p)
            out.extend(_paths(v, p))
    return out


@pytest.mark.filterwarnings("ignore::labecon.ImplausibleValueWarning")  # fuzzed values are warned of
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_scenarios_raise_only_scenario_errors(b1_dict: dict[str, Any], data: st.DataObject) -> None:
    """Replace one field anywhere in b1 with junk: either it still loads, or a ScenarioError names a field."""
    scenario = yaml.safe_load(yaml.safe_dump(b1_dict))
    path = data.draw(st.sampled_from(_paths(scenario)))
    _set(scenario, path, data.draw(_json))
    try:
        labecon.load_scenario(scenario)
    except ScenarioError as exc:
        problem = exc
    else:
        return
    assert problem.path, str(problem)
    assert str(problem).strip()


def test_a_yaml_value_that_cannot_be_built_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nhorizon_quarters: !!float nope\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="holds a value YAML cannot read"):
        labecon.load_scenario(str(bad))


def test_a_scenario_file_may_write_numbers_with_an_exponent(tmp_path: Path) -> None:
    text = labecon.scenario_text("two-strategies").replace("cash_usd: ", "cash_usd: 7e9 #", 1)
    path = tmp_path / "exp.yaml"
    path.write_text(text)
    sc = labecon.load_scenario(path)
    assert 7e9 in {lab.cash_usd for lab in sc.labs.values()}  # type: ignore[union-attr]
