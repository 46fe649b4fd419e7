"""The plain-NumPy B1 transcriptions agree sample by sample with the scalar loop.

Benchmark B1: build vs rent (labecon benchmark specification) requires a
relative 1e-12 against "a plain scalar loop over the quarters", on B1's input
ranges and on a demand slump where the dormant branches fire.
"""

from __future__ import annotations

import numpy as np
import pytest
from benchmarks.b1_numpy import (
    INPUT_NAMES,
    b1_costs_numpy,
    b1_costs_straightforward,
    inputs_as_dict,
    inputs_from_uniforms,
    run_chunked_inplace,
    run_straightforward,
)
from tests.reference.b1_reference import PER_SAMPLE_RTOL
from tests.reference.scalar_b1 import b1_scalar, b1_scalar_trace

N_SAMPLES = 200


def _b1_inputs(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.Generator(np.random.PCG64(seed))
    return inputs_as_dict(inputs_from_uniforms(rng.random((len(INPUT_NAMES), N_SAMPLES))))


def _slump_inputs(seed: int) -> dict[str, np.ndarray]:
    inputs = {name: x.copy() for name, x in _b1_inputs(seed).items()}
    rng = np.random.Generator(np.random.PCG64(seed + 1))
    inputs["g"] = rng.uniform(-0.6, -0.05, N_SAMPLES)
    inputs["head"] = rng.uniform(-0.2, 0.3, N_SAMPLES)
    return inputs


def _samples(inputs: dict[str, np.ndarray]) -> list[dict[str, float]]:
    n = len(inputs["g"])
    return [{name: float(inputs[name][i]) for name in INPUT_NAMES} for i in range(n)]


@pytest.fixture(scope="module")
def b1_case() -> tuple[dict[str, np.ndarray], np.ndarray]:
    inputs = _b1_inputs(2024)
    return inputs, np.array([b1_scalar(s) for s in _samples(inputs)])


@pytest.fixture(scope="module")
def slump_case() -> tuple[dict[str, np.ndarray], np.ndarray]:
    inputs = _slump_inputs(7)
    return inputs, np.array([b1_scalar(s) for s in _samples(inputs)])


def _assert_agrees(got: tuple[np.ndarray, np.ndarray], scalar: np.ndarray) -> None:
    np.testing.assert_allclose(got[0], scalar[:, 0], rtol=PER_SAMPLE_RTOL, atol=0.0)
    np.testing.assert_allclose(got[1], scalar[:, 1], rtol=PER_SAMPLE_RTOL, atol=0.0)


@pytest.mark.parametrize("case", ["b1_case", "slump_case"])
def test_straightforward_matches_scalar(case: str, request: pytest.FixtureRequest) -> None:
    inputs, scalar = request.getfixturevalue(case)
    _assert_agrees(b1_costs_straightforward(inputs), scalar)


@pytest.mark.parametrize("case", ["b1_case", "slump_case"])
@pytest.mark.parametrize("chunk", [N_SAMPLES, 37, 1])
def test_chunked_matches_scalar(case: str, chunk: int, request: pytest.FixtureRequest) -> None:
    inputs, scalar = request.getfixturevalue(case)
    _assert_agrees(b1_costs_numpy(inputs, chunk=chunk), scalar)


def test_inputs_cover_every_lead_time() -> None:
    assert set(_b1_inputs(2024)["k"].tolist()) == {2.0, 3.0, 4.0, 5.0, 6.0}


def test_slump_fires_the_dormant_branches() -> None:
    # Otherwise the slump comparison would prove nothing about those branches.
    traces = [b1_scalar_trace(s) for s in _samples(_slump_inputs(7))]
    assert sum(any(tr.order_clipped) for tr in traces) > N_SAMPLES // 2
    assert sum(any(b == 0.0 for b in tr.dc_built_kw) for tr in traces) > N_SAMPLES // 2
    with_shortfall = sum(
        any(u > 0.0 for u in tr.shortfall_units[int(s["k"]) :])
        for tr, s in zip(traces, _samples(_slump_inputs(7)), strict=True)
    )
    assert with_shortfall > N_SAMPLES // 4


def test_b1_draws_fire_no_dormant_branch(
    b1_case: tuple[dict[str, np.ndarray], np.ndarray],
) -> None:
    inputs, _ = b1_case
    for sample in _samples(inputs)[:50]:
        trace = b1_scalar_trace(sample)
        assert not any(trace.order_clipped)
        assert all(u == 0.0 for u in trace.shortfall_units[int(sample["k"]) :])


def test_end_to_end_runs_agree_on_the_same_draws() -> None:
    # With one block of n, the chunked run draws exactly what the straightforward one does.
    n = 3000
    a = run_straightforward(n, seed=11)
    b = run_chunked_inplace(n, seed=11, chunk=n)
    assert a.keys() == b.keys()
    for key, value in a.items():
        assert b[key] == pytest.approx(value, rel=1e-12), key


def test_summaries_are_ordered_and_plausible() -> None:
    s = run_chunked_inplace(5000, seed=3, chunk=1024)
    for name in ("pv_rent", "pv_build", "saving"):
        assert s[f"{name}_p5"] < s[f"{name}_p50"] < s[f"{name}_p95"]
    assert 0.0 <= s["p_saving_positive"] < 0.02
    # B1's reference medians (N = 1e8): pv_rent 1.3382e10, pv_build 6.460e10.
    assert s["pv_rent_p50"] == pytest.approx(1.3382e10, rel=0.1)
    assert s["pv_build_p50"] == pytest.approx(6.460e10, rel=0.1)


def test_invalid_lead_time_is_rejected(b1_case: tuple[dict[str, np.ndarray], np.ndarray]) -> None:
    inputs = {name: x.copy() for name, x in b1_case[0].items()}
    inputs["k"][0] = 2.5
    with pytest.raises(ValueError, match="k must be"):
        b1_costs_numpy(inputs)


def test_benchmark_child_reports_timing_memory_and_summary() -> None:
    # The harness's in-child measurement, run in this process (no subprocess).
    from benchmarks.run import child_main, flat_summary, parse_sizes

    report = child_main("numpy-chunked", 2000, seed=1)
    assert "error" not in report
    assert report["seconds"] > 0.0
    assert report["peak_rss_mib"] >= report["baseline_rss_mib"] > 0.0
    flat = flat_summary(report["summary"])
    assert flat is not None
    assert flat["saving_p50"] < 0.0
    nested = flat_summary({"saving": {"p50": -1.0, "p_positive": 0.5}})
    assert nested == {"saving_p50": -1.0, "p_saving_positive": 0.5}
    assert parse_sizes("s,M", xl=True) == ["S", "M", "XL"]
    with pytest.raises(ValueError, match="unknown size"):
        parse_sizes("XXL", xl=False)


def test_a_warm_benchmark_case_runs_the_timed_size_once_before_timing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from benchmarks import run as harness

    calls: list[int] = []
    monkeypatch.setattr(harness, "_runner", lambda case, seed: lambda n: calls.append(n) or {})
    harness.child_main("route-choice-warm", 5000, seed=1)
    assert calls == [harness.WARMUP_N, 5000, 5000]
    calls.clear()
    harness.child_main("route-choice", 5000, seed=1)
    assert calls == [harness.WARMUP_N, 5000]
