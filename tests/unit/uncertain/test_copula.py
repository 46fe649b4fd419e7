"""Gaussian copula: target rank correlations reached, marginals untouched, samples independent."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from labecon.errors import ScenarioError
from labecon.scenario.distributions import CorrelationSpec
from labecon.uncertain.copula import (
    correlate_uniforms,
    correlation_factor,
    rank_to_normal_correlation,
)
from labecon.uncertain.streams import uniforms

N = 100_000
NAMES = ["a", "b", "c"]
TARGET = [[1.0, 0.6, -0.3], [0.6, 1.0, 0.2], [-0.3, 0.2, 1.0]]


def _independent(n: int = N, names: list[str] = NAMES) -> dict[str, np.ndarray]:
    return {name: uniforms(11, f"inputs.{name}", 0, n) for name in names}


def test_spearman_target_is_reached_and_marginals_stay_uniform() -> None:
    corr = CorrelationSpec(names=NAMES, matrix=TARGET)
    u = correlate_uniforms(_independent(), corr)
    for i in range(3):
        for j in range(i + 1, 3):
            rho = stats.spearmanr(u[NAMES[i]], u[NAMES[j]]).statistic
            assert rho == pytest.approx(TARGET[i][j], abs=0.01), (i, j)
        x = u[NAMES[i]]
        assert stats.kstest(x, "uniform").pvalue > 1e-3
        assert x.min() > 0
        assert x.max() < 1


def test_normal_kind_sets_the_normal_score_correlation() -> None:
    corr = CorrelationSpec(names=NAMES, matrix=TARGET, kind="normal")
    u = correlate_uniforms(_independent(), corr)
    z = np.array([stats.norm.ppf(u[name]) for name in NAMES])
    np.testing.assert_allclose(np.corrcoef(z), TARGET, atol=0.01)


def test_rank_to_normal_correlation_inverts_the_bivariate_normal_relation() -> None:
    rho_s = np.linspace(-1, 1, 11)
    r = rank_to_normal_correlation(rho_s)
    np.testing.assert_allclose(6 / math.pi * np.arcsin(r / 2), rho_s, atol=1e-15)
    assert float(rank_to_normal_correlation(0.5)) == pytest.approx(0.5176380902050415)


def test_factor_reproduces_the_matrix() -> None:
    corr = CorrelationSpec(names=NAMES, matrix=TARGET)
    factor = correlation_factor(corr)
    np.testing.assert_allclose(factor @ factor.T, corr.normal_matrix(), atol=1e-14)
    assert np.allclose(factor, np.tril(factor))  # Cholesky when positive definite


def test_singular_matrix_uses_eigen_factor() -> None:
    corr = CorrelationSpec(names=["a", "b", "c"], matrix=[[1, 1, 0], [1, 1, 0], [0, 0, 1]])
    factor = correlation_factor(corr)
    np.testing.assert_allclose(factor @ factor.T, corr.normal_matrix(), atol=1e-12)
    u = correlate_uniforms(_independent(1000), corr)
    np.testing.assert_allclose(u["a"], u["b"], rtol=1e-9)
    assert np.all((u["a"] > 0) & (u["a"] < 1))


def test_other_names_untouched_and_missing_names_rejected() -> None:
    base = _independent(100, ["a", "b", "x"])
    corr = CorrelationSpec(names=["a", "b"], matrix=[[1, 0.5], [0.5, 1]])
    out = correlate_uniforms(base, corr)
    assert out["x"] is base["x"]
    assert not np.array_equal(out["b"], base["b"])
    with pytest.raises(ScenarioError, match="do not exist: c") as info:
        correlate_uniforms(base, CorrelationSpec(names=["a", "c"], matrix=[[1, 0], [0, 1]]))
    assert info.value.path == "correlation.names"


def test_identity_correlation_changes_nothing_but_rounding() -> None:
    base = _independent(1000)
    out = correlate_uniforms(base, CorrelationSpec(names=NAMES, matrix=np.eye(3).tolist()))
    for name in NAMES:
        np.testing.assert_allclose(out[name], base[name], rtol=1e-12, atol=1e-15)


def test_each_sample_depends_only_on_its_own_uniforms() -> None:
    corr = CorrelationSpec(names=NAMES, matrix=TARGET)
    whole = correlate_uniforms(_independent(2000), corr)
    for lo, hi in [(0, 1), (1, 8), (8, 1008), (1008, 2000)]:
        part = correlate_uniforms({k: v[lo:hi] for k, v in _independent(2000).items()}, corr)
        for name in NAMES:
            assert np.array_equal(part[name], whole[name][lo:hi])
