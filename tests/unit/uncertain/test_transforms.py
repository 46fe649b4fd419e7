"""Inverse CDFs: exact against SciPy's distributions, and sampled moments and frequencies."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats

from labecon.scenario.distributions import (
    BetaSpec,
    DiscreteSpec,
    DistributionSpec,
    FixedSpec,
    IntUniformSpec,
    LogNormalSpec,
    NormalSpec,
    PertSpec,
    TriangularSpec,
    UniformSpec,
)
from labecon.uncertain.streams import uniforms
from labecon.uncertain.transforms import ndtri, ppf, ppf_lognormal

N = 200_000
GRID = np.concatenate([[2.0**-53, 1e-12, 1e-6], np.linspace(0.001, 0.999, 999), [1 - 1e-6, 1 - 2.0**-53]])


def _u(n: int = N, key: str = "inputs.t") -> np.ndarray:
    return uniforms(2024, key, 0, n)


@pytest.mark.parametrize(
    ("spec", "frozen"),
    [
        (UniformSpec(low=0.1, high=0.3), stats.uniform(loc=0.1, scale=0.2)),
        (NormalSpec(mean=1.0, sd=0.5), stats.norm(loc=1.0, scale=0.5)),
        (NormalSpec(ci90=[1.0, 2.0]), stats.norm(loc=1.5, scale=0.5 / 1.6448536269514722)),
        (
            LogNormalSpec(ci90=[0.3, 1.5]),
            stats.lognorm(s=math.log(5) / (2 * 1.6448536269514722), scale=math.sqrt(0.3 * 1.5)),
        ),
        (LogNormalSpec(mu=0.2, sigma=0.7), stats.lognorm(s=0.7, scale=math.exp(0.2))),
        (TriangularSpec(low=1, mode=2, high=5), stats.triang(c=0.25, loc=1, scale=4)),
        (TriangularSpec(low=1, mode=1, high=5), stats.triang(c=0.0, loc=1, scale=4)),
        (TriangularSpec(low=1, mode=5, high=5), stats.triang(c=1.0, loc=1, scale=4)),
        (PertSpec(low=0, mode=1, high=4), stats.beta(a=2, b=4, loc=0, scale=4)),
        (PertSpec(low=10, mode=12, high=20, lamb=3), stats.beta(a=1.6, b=3.4, loc=10, scale=10)),
        (BetaSpec(alpha=2, beta=5), stats.beta(a=2, b=5)),
        (BetaSpec(alpha=0.5, beta=0.5, low=-1, high=1), stats.beta(a=0.5, b=0.5, loc=-1, scale=2)),
    ],
)
def test_continuous_ppf_matches_scipy(spec: DistributionSpec, frozen: stats.rv_continuous) -> None:
    got = ppf(spec, GRID)
    np.testing.assert_allclose(got, frozen.ppf(GRID), rtol=1e-9, atol=1e-12)
    assert np.all(np.diff(got) >= 0)  # monotone: copula rank correlations carry over
    assert np.all(np.isfinite(got))


def test_lognormal_ci90_quantiles() -> None:
    spec = LogNormalSpec(ci90=[0.3, 1.5])
    np.testing.assert_allclose(ppf_lognormal(spec, np.array([0.05, 0.95])), [0.3, 1.5], rtol=1e-12)
    x = ppf(spec, _u())
    # fraction below p5 / above p95 within 5 standard errors of 5%
    se = math.sqrt(0.05 * 0.95 / N)
    assert abs(np.mean(x < 0.3) - 0.05) < 5 * se
    assert abs(np.mean(x > 1.5) - 0.05) < 5 * se
    p5, p95 = np.quantile(x, [0.05, 0.95])
    assert p5 == pytest.approx(0.3, rel=0.01)
    assert p95 == pytest.approx(1.5, rel=0.01)
    assert np.all(x > 0)


@pytest.mark.parametrize(
    ("spec", "mean", "sd"),
    [
        (UniformSpec(low=0.1, high=0.3), 0.2, 0.2 / math.sqrt(12)),
        (NormalSpec(mean=-3, sd=2), -3.0, 2.0),
        (
            LogNormalSpec(mu=0.0, sigma=0.5),
            math.exp(0.125),
            math.sqrt((math.exp(0.25) - 1) * math.exp(0.25)),
        ),
        (TriangularSpec(low=1, mode=2, high=6), 3.0, math.sqrt((1 + 4 + 36 - 2 - 6 - 12) / 18)),
        (PertSpec(low=0, mode=1, high=4), (0 + 4 * 1 + 4) / 6, 4 * math.sqrt(2 * 4 / (36 * 7))),
        (BetaSpec(alpha=2, beta=5, low=0, high=10), 10 * 2 / 7, 10 * math.sqrt(10 / (49 * 8))),
    ],
)
def test_sampled_mean_matches_analytic(spec: DistributionSpec, mean: float, sd: float) -> None:
    n = 20_000 if isinstance(spec, PertSpec | BetaSpec) else N
    x = ppf(spec, _u(n))
    assert abs(x.mean() - mean) < 5 * sd / math.sqrt(n)
    assert x.std() == pytest.approx(sd, rel=0.03)


def test_uniform_stays_in_range() -> None:
    x = ppf(UniformSpec(low=2, high=3), _u())
    assert x.min() >= 2
    assert x.max() < 3


def test_discrete_frequencies_match_weights() -> None:
    spec = DiscreteSpec(values=[10, 20, 30, 40], weights=[1, 0, 3, 6])
    x = ppf(spec, _u())
    assert set(np.unique(x)) == {10.0, 30.0, 40.0}  # zero weight never drawn
    for value, p in zip([10, 30, 40], [0.1, 0.3, 0.6], strict=True):
        assert abs(np.mean(x == value) - p) < 5 * math.sqrt(p * (1 - p) / N)


def test_discrete_cell_edges() -> None:
    spec = DiscreteSpec(values=[1, 2], weights=[1, 1])
    got = ppf(spec, np.array([2.0**-53, 0.5 - 2**-53, 0.5, 1 - 2.0**-53]))
    assert got.tolist() == [1.0, 1.0, 2.0, 2.0]
    single = DiscreteSpec(values=[7.5])
    assert np.all(ppf(single, GRID) == 7.5)


def test_int_uniform_covers_both_ends_equally() -> None:
    spec = IntUniformSpec(low=2, high=6)
    x = ppf(spec, _u())
    assert np.array_equal(x, np.floor(x))
    values, counts = np.unique(x, return_counts=True)
    assert values.tolist() == [2.0, 3.0, 4.0, 5.0, 6.0]
    assert np.all(np.abs(counts / N - 0.2) < 5 * math.sqrt(0.2 * 0.8 / N))
    edges = ppf(spec, np.array([2.0**-53, 0.2 - 1e-12, 0.2 + 1e-12, 1 - 2.0**-53, 1.0]))
    assert edges.tolist() == [2.0, 2.0, 3.0, 6.0, 6.0]
    assert np.all(ppf(IntUniformSpec(low=-3, high=-3), GRID) == -3.0)


def test_fixed_and_shapes() -> None:
    u = _u(10)
    assert np.array_equal(ppf(FixedSpec(value=4.5), u), np.full(10, 4.5))
    specs: list[DistributionSpec] = [
        UniformSpec(low=0, high=1),
        LogNormalSpec(ci90=[1, 2]),
        IntUniformSpec(low=0, high=3),
    ]
    for spec in specs:
        out = ppf(spec, u)
        assert out.dtype == np.float64
        assert out.shape == (10,)
    assert ppf(NormalSpec(mean=0, sd=1), u.reshape(2, 5)).shape == (2, 5)


def test_ppf_does_not_modify_its_input() -> None:
    u = _u(100)
    before = u.copy()
    specs: list[DistributionSpec] = [
        UniformSpec(low=0, high=1),
        NormalSpec(mean=0, sd=1),
        LogNormalSpec(ci90=[1, 2]),
        IntUniformSpec(low=0, high=3),
        TriangularSpec(low=0, mode=1, high=2),
    ]
    for spec in specs:
        ppf(spec, u)
    assert np.array_equal(u, before)


def test_ppf_rejects_non_specs() -> None:
    with pytest.raises(TypeError, match="no inverse CDF"):
        ppf("lognormal", np.array([0.5]))  # type: ignore[arg-type]


def test_normal_quantile_is_as241_and_matches_scipy() -> None:
    u = np.concatenate([GRID, np.logspace(-300, -2, 500), 1 - np.logspace(-16, -2, 500)])
    z = ndtri(u)
    np.testing.assert_allclose(z, special.ndtri(u), rtol=1e-14, atol=0)
    assert np.array_equal(ppf(NormalSpec(mean=0, sd=1), u), z * 1.0 + 0.0)
    assert np.array_equal(ppf(NormalSpec(mean=3, sd=2), u), z * 2.0 + 3.0)
    spec = LogNormalSpec(mu=0.2, sigma=0.7)
    np.testing.assert_allclose(ppf(spec, u), np.exp(z * 0.7 + 0.2), rtol=1e-15)
    assert ndtri(np.array([0.0, 1.0])).tolist() == [-np.inf, np.inf]
