"""One engine per kind of scenario, behind one interface; only the picker asks a scenario's kind."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

import labecon
from labecon.runtime.engines import ENGINES, ComputeEngine, Engine, WorldEngine, engine_for
from labecon.runtime.plan import Block
from labecon.runtime.work import run_block, sample_block
from labecon.scenario.schema import ScenarioBase

SRC = Path(__file__).resolve().parents[3] / "src" / "labecon"

BUILTIN_ENGINES = {"b1": ComputeEngine, "two-strategies": WorldEngine, "route-choice": WorldEngine}


@pytest.mark.parametrize(("name", "cls"), BUILTIN_ENGINES.items())
def test_engine_for_each_builtin(name: str, cls: type) -> None:
    sc = labecon.load_scenario(name)
    engine = engine_for(sc)
    assert type(engine) is cls
    assert isinstance(engine, Engine)
    for describe in (engine.describe_outputs, engine.describe_paths):
        for info in describe().values():
            assert all(dim in info.coords for dim in info.dims)


def test_every_builtin_kind_has_an_engine() -> None:
    kinds = {type(labecon.load_scenario(name)) for name in labecon.list_scenarios()}
    assert kinds <= set(ENGINES)


@pytest.mark.parametrize("name", BUILTIN_ENGINES)
def test_a_block_has_the_shapes_its_engine_describes(name: str) -> None:
    sc = labecon.load_scenario(name)
    engine = engine_for(sc)
    block = Block(10, 17)
    draws = sample_block(sc, 3, block)
    outputs, paths = engine.run_block(
        draws, block.size, start=block.start, seed=3, engine="numpy", keep_paths=True
    )
    for kind, described, values in (
        ("output", engine.describe_outputs(), outputs),
        ("path", engine.describe_paths(), paths),
    ):
        assert set(values) == set(described), kind
        for key, info in described.items():
            shape = (block.size, *(len(info.coords[d]) for d in info.dims))
            assert values[key].shape == shape, (kind, key)
    out = run_block(sc, draws, block, seed=3, engine="numpy")
    assert out.block == block
    assert out.paths == {}
    for key, values in outputs.items():
        np.testing.assert_array_equal(out.outputs[key], values)


def test_the_results_are_labelled_as_the_engine_describes() -> None:
    sc = labecon.load_scenario("two-strategies")
    res = labecon.simulate(sc, 40, 1)
    described = engine_for(sc).describe_outputs()
    assert list(res.outputs) == list(described)
    for key, info in described.items():
        assert res.dataset[key].dims == ("sample", *info.dims)
        assert math.prod(res.dataset[key].shape[1:]) == math.prod(len(info.coords[d]) for d in info.dims)


def test_a_kind_without_an_engine_is_a_clear_error() -> None:
    class OtherScenario(ScenarioBase):
        kind: str = "other"

    with pytest.raises(labecon.ScenarioError) as info:
        engine_for(OtherScenario(name="x"))  # type: ignore[arg-type]
    assert info.value.path == "kind"
    assert "no engine runs" in str(info.value)


def test_only_the_picker_asks_a_scenarios_kind() -> None:
    """Outside the scenario package and the engines, code goes through an engine, not the kind."""
    asks = re.compile(
        r"isinstance\([^)]*(ComputeScenario|WorldScenario)"  # narrowing by hand
        r"|\.is_world\b|\b(sc|scenario)\.kind\s*(==|!=|in\b|not in\b)"  # branching on it (naming it is fine)
    )
    allowed = {SRC / "scenario", SRC / "runtime" / "engines"}
    found = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if not any(path.is_relative_to(a) for a in allowed)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if asks.search(line)
    ]
    assert not found, found
