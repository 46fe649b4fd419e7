"""Whether a run compiles the model first: read from Numba's cache index of a few kernels."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

import labecon
from labecon.runtime import compiled
from labecon.runtime.compiled import compiled_code_cached


def _dispatcher(index: Path) -> SimpleNamespace:
    return SimpleNamespace(_cache=SimpleNamespace(_cache_file=SimpleNamespace(_index_path=str(index))))


def test_a_kernel_is_on_disk_when_its_cache_index_is(tmp_path: Path) -> None:
    index = tmp_path / "kernel.nbi"
    assert not compiled._on_disk(_dispatcher(index))
    index.write_bytes(b"")
    assert compiled._on_disk(_dispatcher(index))


def test_a_numba_laid_out_otherwise_says_nothing() -> None:
    assert compiled._on_disk(object())


@pytest.mark.parametrize("name", ["two-strategies", "b1"])
def test_after_a_run_its_kernels_are_on_disk(name: str) -> None:
    scenario = labecon.load_scenario(name)
    labecon.simulate(scenario, n_samples=20, keep="summary")
    assert compiled_code_cached(scenario)


def test_a_kernel_missing_from_disk_means_the_run_compiles(monkeypatch: pytest.MonkeyPatch) -> None:
    from labecon.model import _world_fused

    seen = []

    def on_disk(dispatcher: object) -> bool:
        seen.append(dispatcher)
        return dispatcher is not _world_fused.market_serve

    monkeypatch.setattr(compiled, "_on_disk", on_disk)
    assert not compiled_code_cached(labecon.load_scenario("route-choice"))
    assert _world_fused.market_serve in seen
    assert compiled_code_cached(labecon.load_scenario("b1"))  # a compute run needs other kernels
