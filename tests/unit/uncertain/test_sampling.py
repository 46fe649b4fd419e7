"""sample_inputs: one stream per input, chunk invariance, stability when inputs change."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from labecon.errors import OptionError, ScenarioError
from labecon.scenario.distributions import (
    BetaSpec,
    CorrelationSpec,
    DiscreteSpec,
    DistributionSpec,
    FixedSpec,
    IntUniformSpec,
    LogNormalSpec,
    NormalSpec,
    PertSpec,
    TriangularSpec,
    UniformSpec,
    parse_distribution,
)
from labecon.uncertain.sampling import sample_inputs, stream_name
from labecon.uncertain.streams import uniforms
from labecon.uncertain.transforms import ppf

N = 2500

ALL_KINDS: dict[str, DistributionSpec] = {
    "fix": FixedSpec(value=20000),
    "uni": UniformSpec(low=0.1, high=0.3),
    "nor": NormalSpec(mean=1, sd=0.1),
    "logn": LogNormalSpec(ci90=[0.3, 1.5]),
    "tri": TriangularSpec(low=0, mode=1, high=3),
    "pert": PertSpec(low=0, mode=1, high=3),
    "beta": BetaSpec(alpha=2, beta=3),
    "disc": DiscreteSpec(values=[1, 2, 3], weights=[1, 2, 1]),
    "int": IntUniformSpec(low=2, high=6),
}
CORR = CorrelationSpec(names=["logn", "uni", "int"], matrix=[[1, 0.5, -0.2], [0.5, 1, 0.1], [-0.2, 0.1, 1]])

B1_RAW = {
    "g": {"dist": "lognormal", "ci90": [0.3, 1.5]},
    "p0": {"dist": "lognormal", "ci90": [2.0, 3.5]},
    "d": {"dist": "uniform", "low": 0.10, "high": 0.30},
    "c0": {"dist": "lognormal", "ci90": [30000, 45000]},
    "h": {"dist": "uniform", "low": 0.15, "high": 0.35},
    "ovh": {"dist": "uniform", "low": 0.15, "high": 0.35},
    "dckw": {"dist": "lognormal", "ci90": [8000, 14000]},
    "kw": {"dist": "uniform", "low": 1.1, "high": 1.6},
    "pue": {"dist": "uniform", "low": 1.1, "high": 1.4},
    "elec": {"dist": "lognormal", "ci90": [0.04, 0.10]},
    "maint": {"dist": "uniform", "low": 0.02, "high": 0.05},
    "head": {"dist": "uniform", "low": 0.10, "high": 0.30},
    "k": {"dist": "int_uniform", "low": 2, "high": 6},
    "r": {"dist": "uniform", "low": 0.08, "high": 0.14},
}


def _chunks(total: int, sizes: tuple[int, ...] = (1, 7, 1000)) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start, k = 0, 0
    while start < total:
        n = min(sizes[k % len(sizes)], total - start)
        out.append((start, n))
        start, k = start + n, k + 1
    return out


@pytest.mark.parametrize("correlation", [None, CORR])
def test_chunked_sampling_equals_one_draw(correlation: CorrelationSpec | None) -> None:
    whole = sample_inputs(ALL_KINDS, seed=7, start=0, n=N, correlation=correlation)
    parts = [sample_inputs(ALL_KINDS, seed=7, start=s, n=n, correlation=correlation) for s, n in _chunks(N)]
    for name in ALL_KINDS:
        assert np.array_equal(whole[name], np.concatenate([p[name] for p in parts])), name


def test_output_layout() -> None:
    out = sample_inputs(ALL_KINDS, seed=1, start=5, n=100, correlation=CORR)
    assert list(out) == list(ALL_KINDS)
    for x in out.values():
        assert x.dtype == np.float64
        assert x.shape == (100,)
        assert x.flags.c_contiguous
        assert np.all(np.isfinite(x))
    assert np.array_equal(out["fix"], np.full(100, 20000.0))
    empty = sample_inputs(ALL_KINDS, seed=1, start=0, n=0)
    assert all(x.shape == (0,) for x in empty.values())


def test_each_input_reads_its_own_named_stream() -> None:
    out = sample_inputs({"g": ALL_KINDS["logn"]}, seed=3, start=10, n=50)
    expected = ppf(ALL_KINDS["logn"], uniforms(3, "inputs.g", 10, 50))
    assert np.array_equal(out["g"], expected)
    assert stream_name("g") == "inputs.g"


def test_same_seed_same_draws_different_seed_different_draws() -> None:
    a = sample_inputs(ALL_KINDS, seed=1, start=0, n=500, correlation=CORR)
    b = sample_inputs(ALL_KINDS, seed=1, start=0, n=500, correlation=CORR)
    c = sample_inputs(ALL_KINDS, seed=2, start=0, n=500, correlation=CORR)
    for name in ALL_KINDS:
        assert np.array_equal(a[name], b[name])
    for name in ["uni", "nor", "logn", "tri", "beta"]:
        assert not np.array_equal(a[name], c[name])


def test_adding_removing_or_reordering_inputs_leaves_others_unchanged() -> None:
    base = sample_inputs(ALL_KINDS, seed=5, start=0, n=300)
    more = dict(ALL_KINDS, extra=UniformSpec(low=0, high=1))
    fewer = {k: v for k, v in reversed(ALL_KINDS.items()) if k != "tri"}
    with_more = sample_inputs(more, seed=5, start=0, n=300)
    with_fewer = sample_inputs(fewer, seed=5, start=0, n=300)
    for name in ALL_KINDS:
        assert np.array_equal(with_more[name], base[name])
        if name != "tri":
            assert np.array_equal(with_fewer[name], base[name])


def test_fixing_a_correlated_input_leaves_the_others_unchanged() -> None:
    base = sample_inputs(ALL_KINDS, seed=5, start=0, n=300, correlation=CORR)
    fixed = dict(ALL_KINDS, uni=FixedSpec(value=0.2))
    out = sample_inputs(fixed, seed=5, start=0, n=300, correlation=CORR)
    assert np.array_equal(out["uni"], np.full(300, 0.2))
    for name in ["logn", "int", "nor"]:
        assert np.array_equal(out[name], base[name])


def test_correlated_inputs_keep_their_marginals() -> None:
    out = sample_inputs(ALL_KINDS, seed=9, start=0, n=50_000, correlation=CORR)
    assert stats.kstest(out["uni"], stats.uniform(loc=0.1, scale=0.2).cdf).pvalue > 1e-3
    assert abs(np.mean(out["logn"] < 0.3) - 0.05) < 0.005
    rho = stats.spearmanr(out["logn"], out["uni"]).statistic
    assert rho == pytest.approx(0.5, abs=0.02)


def test_b1_inputs() -> None:
    inputs = {name: parse_distribution(raw, f"inputs.{name}") for name, raw in B1_RAW.items()}
    out = sample_inputs(inputs, seed=2025, start=0, n=10_000)
    assert set(out) == set(B1_RAW)
    assert set(np.unique(out["k"])) == {2.0, 3.0, 4.0, 5.0, 6.0}
    assert np.all((out["kw"] >= 1.1) & (out["kw"] < 1.6))
    assert np.median(out["c0"]) == pytest.approx(np.sqrt(30000 * 45000), rel=0.02)


def test_errors() -> None:
    with pytest.raises(OptionError) as info:
        sample_inputs(ALL_KINDS, seed=-1, start=0, n=10)
    assert info.value.option == "seed"
    with pytest.raises(OptionError):
        sample_inputs({"f": FixedSpec(value=1)}, seed=1.5, start=0, n=10)  # type: ignore[arg-type]
    with pytest.raises(OptionError) as info:
        sample_inputs(ALL_KINDS, seed=1, start=0, n=-1)
    assert info.value.option == "n"
    bad = CorrelationSpec(names=["uni", "nope"], matrix=[[1, 0], [0, 1]])
    with pytest.raises(ScenarioError, match="'nope', which is not an input") as err:
        sample_inputs(ALL_KINDS, seed=1, start=0, n=10, correlation=bad)
    assert err.value.path == "correlation.names"


FUSED_KINDS: list[DistributionSpec] = [
    UniformSpec(low=0.1, high=0.3),
    UniformSpec(low=-2, high=5),
    IntUniformSpec(low=2, high=6),
    IntUniformSpec(low=-3, high=-3),
    NormalSpec(mean=1, sd=0.1),
    NormalSpec(ci90=[-1.0, 4.0]),
    LogNormalSpec(ci90=[0.3, 1.5]),
    LogNormalSpec(mu=10.0, sigma=0.2),
]


@pytest.mark.parametrize("spec", FUSED_KINDS, ids=lambda s: f"{type(s).__name__}")
@pytest.mark.parametrize(("start", "n"), [(0, 1), (0, 1537), (511, 514), (2**62, 700)])
def test_fused_draws_equal_ppf_of_the_stream(spec: DistributionSpec, start: int, n: int) -> None:
    got = sample_inputs({"x": spec, "fix": FixedSpec(value=3)}, seed=11, start=start, n=n)
    assert np.array_equal(got["x"], ppf(spec, uniforms(11, "inputs.x", start, n)))
    assert np.array_equal(got["fix"], np.full(n, 3.0))


def test_correlating_some_inputs_leaves_the_fused_ones_unchanged() -> None:
    # a correlated input goes through copula + ppf; the others stay fused and unchanged
    corr = CorrelationSpec(names=["tri", "beta"], matrix=[[1, 0.3], [0.3, 1]])
    plain = sample_inputs(ALL_KINDS, seed=4, start=0, n=900)
    with_corr = sample_inputs(ALL_KINDS, seed=4, start=0, n=900, correlation=corr)
    for name in ["uni", "nor", "logn", "int", "fix", "disc", "pert"]:
        assert np.array_equal(plain[name], with_corr[name]), name


def test_outputs_are_independent_writable_arrays() -> None:
    out = sample_inputs(ALL_KINDS, seed=1, start=0, n=50)
    before = {name: x.copy() for name, x in out.items()}
    for x in out.values():
        assert x.flags.writeable
        assert x.flags.c_contiguous
    out["uni"][:] = -1.0
    out["fix"][:] = -1.0
    for name, x in out.items():
        if name not in ("uni", "fix"):
            assert np.array_equal(x, before[name]), name
