"""Distribution specs: valid forms, resolved parameters, and one clear error per mistake."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from labecon.errors import ScenarioError
from labecon.scenario import distributions
from labecon.scenario.distributions import (
    DIST_KINDS,
    Z95,
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
    check_correlation_matrix,
    distribution_error_from_validation,
    parse_correlation,
    parse_distribution,
    rank_to_normal_correlation,
)

VALID: list[tuple[dict[str, Any], type]] = [
    ({"dist": "fixed", "value": 3}, FixedSpec),
    ({"dist": "uniform", "low": 0.1, "high": 0.3}, UniformSpec),
    ({"dist": "normal", "mean": 1.0, "sd": 0.5}, NormalSpec),
    ({"dist": "normal", "ci90": [1.0, 2.0]}, NormalSpec),
    ({"dist": "lognormal", "ci90": [0.3, 1.5]}, LogNormalSpec),
    ({"dist": "lognormal", "mu": 0.0, "sigma": 1.0}, LogNormalSpec),
    ({"dist": "triangular", "low": 0, "mode": 1, "high": 3}, TriangularSpec),
    ({"dist": "triangular", "low": 0, "mode": 0, "high": 3}, TriangularSpec),
    ({"dist": "pert", "low": 0, "mode": 1, "high": 3}, PertSpec),
    ({"dist": "pert", "low": 0, "mode": 3, "high": 3, "lamb": 2.5}, PertSpec),
    ({"dist": "beta", "alpha": 2, "beta": 5}, BetaSpec),
    ({"dist": "beta", "alpha": 2, "beta": 5, "low": -1, "high": 4}, BetaSpec),
    ({"dist": "discrete", "values": [1, 2, 3]}, DiscreteSpec),
    ({"dist": "discrete", "values": [1, 2], "weights": [3, 0]}, DiscreteSpec),
    ({"dist": "int_uniform", "low": 2, "high": 6}, IntUniformSpec),
    ({"dist": "int_uniform", "low": 4, "high": 4}, IntUniformSpec),
    (
        {
            "dist": "lognormal",
            "ci90": [0.3, 1.5],
            "units": "fraction per year",
            "description": "demand growth",
            "source": "Benchmark B1",
        },
        LogNormalSpec,
    ),
]


@pytest.mark.parametrize(("raw", "cls"), VALID)
def test_valid_specs_parse_to_their_class(raw: dict[str, Any], cls: type) -> None:
    spec = parse_distribution(raw, "inputs.x")
    assert type(spec) is cls
    assert spec.dist == raw["dist"]
    # model_dump round trip gives an equal spec (None fields included)
    assert parse_distribution(spec.model_dump(), "inputs.x") == spec
    assert parse_distribution(spec.model_dump(mode="json"), "inputs.x") == spec


def test_kinds_cover_the_union() -> None:
    assert DIST_KINDS == (
        "fixed",
        "uniform",
        "normal",
        "lognormal",
        "triangular",
        "pert",
        "beta",
        "discrete",
        "int_uniform",
    )
    assert tuple(distributions._SPEC_CLASSES) == DIST_KINDS  # one list: error paths drop these tags
    adapter: TypeAdapter[DistributionSpec] = TypeAdapter(DistributionSpec)
    for raw, cls in VALID:
        assert type(adapter.validate_python(raw)) is cls


@pytest.mark.parametrize("number", [0, 2, -1.5, 1e300, np.float64(0.25), np.int64(7)])
def test_bare_number_is_fixed(number: float) -> None:
    spec = parse_distribution(number, "inputs.x")
    assert isinstance(spec, FixedSpec)
    assert spec.value == float(number)


def test_built_spec_is_returned_as_is() -> None:
    spec = LogNormalSpec(ci90=[0.3, 1.5])
    assert parse_distribution(spec, "inputs.g") is spec


def test_lognormal_ci90_resolves_to_mu_sigma() -> None:
    spec = LogNormalSpec(ci90=[0.3, 1.5])
    assert spec.mu_log == pytest.approx((math.log(0.3) + math.log(1.5)) / 2, rel=1e-15)
    assert spec.sigma_log == pytest.approx(
        (math.log(1.5) - math.log(0.3)) / (2 * 1.6448536269514722), rel=1e-15
    )
    assert math.exp(spec.mu_log - Z95 * spec.sigma_log) == pytest.approx(0.3, rel=1e-12)
    assert math.exp(spec.mu_log + Z95 * spec.sigma_log) == pytest.approx(1.5, rel=1e-12)
    direct = LogNormalSpec(mu=0.5, sigma=0.25)
    assert (direct.mu_log, direct.sigma_log) == (0.5, 0.25)


def test_normal_ci90_resolves_to_mean_sd() -> None:
    spec = NormalSpec(ci90=[1.0, 3.0])
    assert spec.mean_resolved == 2.0
    assert spec.sd_resolved == pytest.approx(1.0 / Z95)
    direct = NormalSpec(mean=-1.0, sd=2.0)
    assert (direct.mean_resolved, direct.sd_resolved) == (-1.0, 2.0)


def test_pert_shapes_and_discrete_probabilities() -> None:
    pert = PertSpec(low=0, mode=1, high=4)
    assert pert.alpha == pytest.approx(2.0)
    assert pert.beta == pytest.approx(4.0)
    assert DiscreteSpec(values=[1, 2], weights=[1, 3]).probabilities == [0.25, 0.75]
    assert DiscreteSpec(values=[1, 2, 3, 4]).probabilities == [0.25] * 4


def test_specs_are_frozen() -> None:
    spec = UniformSpec(low=0, high=1)
    with pytest.raises(ValidationError):
        spec.low = 0.5


BAD: list[tuple[object, str, str]] = [
    # (value, expected error path, substring of the message)
    (
        {"dist": "uniform", "low": 0.5, "high": 0.3},
        "inputs.g.high",
        "low (0.5) must be below high (0.3)",
    ),
    ({"dist": "uniform", "low": 1, "high": 1}, "inputs.g.high", "must be below"),
    ({"dist": "uniform", "low": -1e308, "high": 1e308}, "inputs.g.high", "too wide"),
    ({"dist": "lognormal", "ci90": [1.5, 0.3]}, "inputs.g.ci90", "increasing order"),
    ({"dist": "lognormal", "ci90": [0.0, 0.3]}, "inputs.g.ci90", "must be positive"),
    ({"dist": "lognormal", "ci90": [-1, 0.3]}, "inputs.g.ci90", "must be positive"),
    ({"dist": "lognormal", "ci90": [0.3]}, "inputs.g.ci90", "pair"),
    ({"dist": "lognormal", "ci90": [0.3, 1, 2]}, "inputs.g.ci90", "pair"),
    ({"dist": "lognormal", "ci90": [0.3, float("nan")]}, "inputs.g.ci90[1]", "finite"),
    ({"dist": "lognormal", "ci90": "0.3, 1.5"}, "inputs.g.ci90", "must be a list"),
    ({"dist": "lognormal"}, "inputs.g.mu", "needs ci90"),
    ({"dist": "lognormal", "mu": 0.1}, "inputs.g.sigma", "needs ci90"),
    ({"dist": "lognormal", "mu": 0, "sigma": 1, "ci90": [1, 2]}, "inputs.g.mu", "not both"),
    ({"dist": "lognormal", "mu": 0, "sigma": 0}, "inputs.g.sigma", "sigma must be positive"),
    ({"dist": "normal", "mean": 1}, "inputs.g.sd", "needs"),
    ({"dist": "normal", "mean": 1, "sd": -2}, "inputs.g.sd", "sd must be positive"),
    ({"dist": "normal", "ci90": [2, 1]}, "inputs.g.ci90", "increasing order"),
    ({"dist": "normal", "sd": 1, "ci90": [1, 2]}, "inputs.g.sd", "not both"),
    ({"dist": "uniform", "low": float("nan"), "high": 1}, "inputs.g.low", "finite"),
    ({"dist": "uniform", "low": 0, "high": float("inf")}, "inputs.g.high", "finite"),
    ({"dist": "uniform", "low": "0", "high": 1}, "inputs.g.low", "must be a number"),
    ({"dist": "uniform", "low": True, "high": 2}, "inputs.g.low", "must be a number"),
    ({"dist": "uniform", "low": None, "high": 2}, "inputs.g.low", "must be a number"),
    ({"dist": "uniform", "low": 0}, "inputs.g.high", "required field 'high' is missing"),
    ({"dist": "uniform", "low": 0, "high": 1, "hgih": 2}, "inputs.g.hgih", "unknown field 'hgih'"),
    (
        {"dist": "foo"},
        "inputs.g.dist",
        "unknown distribution 'foo'; expected one of fixed, uniform",
    ),
    ({"dist": "lognorm", "ci90": [1, 2]}, "inputs.g.dist", "did you mean 'lognormal'"),
    ({"dist": 3}, "inputs.g.dist", "must name the distribution kind"),
    ({"ci90": [1, 2]}, "inputs.g.dist", "needs a 'dist' field"),
    ({"dist": "triangular", "low": 0, "mode": 5, "high": 3}, "inputs.g.high", "mode (5) must lie"),
    ({"dist": "triangular", "low": 3, "mode": 3, "high": 3}, "inputs.g.high", "must be below"),
    ({"dist": "pert", "low": 0, "mode": -1, "high": 3}, "inputs.g.high", "mode (-1) must lie"),
    (
        {"dist": "pert", "low": 0, "mode": 1, "high": 3, "lamb": 0},
        "inputs.g.lamb",
        "lamb must be positive",
    ),
    ({"dist": "beta", "alpha": 0, "beta": 1}, "inputs.g.alpha", "alpha must be positive"),
    ({"dist": "beta", "alpha": 1, "beta": -1}, "inputs.g.beta", "beta must be positive"),
    (
        {"dist": "beta", "alpha": 1, "beta": 1, "low": 2},
        "inputs.g.low",
        "low (2) must be below high (1)",
    ),
    (
        {"dist": "beta", "alpha": 1, "beta": 1, "low": 2, "high": 1},
        "inputs.g.high",
        "must be below",
    ),
    ({"dist": "discrete", "values": []}, "inputs.g.values", "at least one value"),
    (
        {"dist": "discrete", "values": [1, 2], "weights": [1]},
        "inputs.g.weights",
        "one weight per value",
    ),
    ({"dist": "discrete", "values": [1, 2], "weights": [1, -1]}, "inputs.g.weights", "negative"),
    (
        {"dist": "discrete", "values": [1, 2], "weights": [0, 0]},
        "inputs.g.weights",
        "sum to more than zero",
    ),
    (
        {"dist": "discrete", "values": [1, 2], "weights": [1e308, 1e308]},
        "inputs.g.weights",
        "overflow",
    ),
    ({"dist": "discrete", "values": [1, "x"]}, "inputs.g.values[1]", "must be a number"),
    ({"dist": "int_uniform", "low": 1, "high": 2.5}, "inputs.g.high", "whole number"),
    ({"dist": "int_uniform", "low": 1.0, "high": 2}, "inputs.g.low", "whole number"),
    (
        {"dist": "int_uniform", "low": 3, "high": 2},
        "inputs.g.high",
        "low (3) must not be above high (2)",
    ),
    ({"dist": "int_uniform", "low": 0, "high": 2**60}, "inputs.g.high", "2**53"),
    ({"dist": "fixed", "value": float("inf")}, "inputs.g.value", "finite"),
    ({"dist": "fixed", "value": 1, "units": 3}, "inputs.g.units", "must be text"),
    (float("nan"), "inputs.g", "finite"),
    (10**400, "inputs.g", "finite"),
    (True, "inputs.g", "expected a number or a distribution"),
    ("lognormal", "inputs.g", "expected a number or a distribution"),
    ([0.3, 1.5], "inputs.g", "expected a number or a distribution"),
    (None, "inputs.g", "expected a number or a distribution"),
]


@pytest.mark.parametrize(("value", "path", "message"), BAD)
def test_malformed_spec_raises_scenario_error_naming_the_field(
    value: object, path: str, message: str
) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_distribution(value, "inputs.g")
    assert info.value.path == path
    assert message in info.value.problem
    assert str(info.value).startswith(f"{path}: ")


def test_pydantic_errors_from_the_union_convert_to_the_same_paths() -> None:
    adapter: TypeAdapter[DistributionSpec] = TypeAdapter(DistributionSpec)
    for value, path, message in BAD:
        if not isinstance(value, dict) or value.get("dist") not in DIST_KINDS:
            continue
        with pytest.raises(ValidationError) as info:
            adapter.validate_python(value)
        error = distribution_error_from_validation(info.value, "inputs.g")
        assert (error.path, message in error.problem) == (path, True), value


def test_several_problems_are_counted() -> None:
    with pytest.raises(ScenarioError, match=r"\(and 1 more problem\)"):
        parse_distribution({"dist": "uniform"}, "inputs.g")


# --------------------------------------------------------------------------- #
# Correlation
# --------------------------------------------------------------------------- #


def test_correlation_spec_arrays() -> None:
    corr = CorrelationSpec(names=["a", "b"], matrix=[[1, 0.5], [0.5, 1]])
    assert corr.kind == "spearman"
    np.testing.assert_array_equal(corr.as_array(), [[1.0, 0.5], [0.5, 1.0]])
    assert corr.as_array().dtype == np.float64
    expected = 2 * np.sin(np.pi * 0.5 / 6)
    np.testing.assert_allclose(corr.normal_matrix(), [[1, expected], [expected, 1]], rtol=1e-15)
    normal = CorrelationSpec(names=["a", "b"], matrix=[[1, 0.5], [0.5, 1]], kind="normal")
    np.testing.assert_array_equal(normal.normal_matrix(), normal.as_array())


def test_rank_to_normal_correlation() -> None:
    np.testing.assert_allclose(
        rank_to_normal_correlation(np.array([-1.0, 0.0, 0.5, 1.0])),
        [-1.0, 0.0, 2 * math.sin(math.pi / 12), 1.0],
        rtol=1e-15,
        atol=1e-15,
    )


# a Spearman matrix that is PSD, but not once converted to normal scores
_SPEARMAN_ONLY_PSD = [[1, 0.9, 0.9], [0.9, 1, 0.625], [0.9, 0.625, 1]]

BAD_CORRELATION: list[tuple[dict[str, Any], str, str]] = [
    ({"names": ["a", "b"], "matrix": [[1, 0.5], [0.4, 1]]}, "matrix", "symmetric"),
    ({"names": ["a", "b"], "matrix": [[1, 0.5], [0.5, 0.9]]}, "matrix", "diagonal must be 1"),
    ({"names": ["a", "b"], "matrix": [[1, 1.5], [1.5, 1]]}, "matrix", "[-1, 1]"),
    ({"names": ["a", "b"], "matrix": [[1, 0.5]]}, "matrix", "must be 2 x 2"),
    ({"names": ["a", "b"], "matrix": [[1, 0.5], [0.5]]}, "matrix", "square"),
    ({"names": ["a"], "matrix": [[1, 0], [0, 1]]}, "matrix", "names has 1 entries"),
    ({"names": ["a", "a"], "matrix": [[1, 0], [0, 1]]}, "names", "more than once"),
    ({"names": [], "matrix": []}, "names", "at least one input"),
    (
        {"names": ["a", "b", "c"], "matrix": [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]},
        "matrix",
        "not positive semi-definite",
    ),
    ({"names": ["a", "b", "c"], "matrix": _SPEARMAN_ONLY_PSD}, "matrix", "converted"),
    ({"names": ["a", "b"], "matrix": [[1, float("nan")], [0, 1]]}, "matrix[0][1]", "finite"),
    ({"names": ["a", "b"], "matrix": [[1, 0], [0, 1]], "kind": "kendall"}, "kind", "spearman"),
    ({"names": ["a", "b"], "matrix": [[1, 0], [0, 1]], "extra": 1}, "extra", "unknown field"),
    ({"names": "ab", "matrix": [[1, 0], [0, 1]]}, "names", "must be a list"),
]


@pytest.mark.parametrize(("value", "field", "message"), BAD_CORRELATION)
def test_malformed_correlation(value: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValueError) as direct:  # pydantic's ValidationError is a ValueError
        CorrelationSpec.model_validate(value)
    raw = str(direct.value)
    assert message in raw or field.split("[")[0] in raw
    with pytest.raises(ScenarioError) as info:
        parse_correlation(value, "correlation")
    assert info.value.path == f"correlation.{field}"
    assert message in info.value.problem


def test_spearman_only_psd_matrix_is_fine_as_normal_scores() -> None:
    corr = CorrelationSpec(names=["a", "b", "c"], matrix=_SPEARMAN_ONLY_PSD, kind="normal")
    assert corr.kind == "normal"


def test_check_correlation_matrix_accepts_singular_psd() -> None:
    check_correlation_matrix([[1, 1], [1, 1]], ["a", "b"], kind="spearman")
    with pytest.raises(ValueError, match="symmetric"):
        check_correlation_matrix([[1, 0.2], [0.1, 1]], ["a", "b"])


def test_parse_correlation_rejects_non_mapping() -> None:
    with pytest.raises(ScenarioError, match="expected a mapping"):
        parse_correlation([[1, 0], [0, 1]], "correlation")
    corr = CorrelationSpec(names=["a"], matrix=[[1]])
    assert parse_correlation(corr, "correlation") is corr


_SPEC_TYPES = (
    FixedSpec, UniformSpec, NormalSpec, LogNormalSpec, TriangularSpec, PertSpec, BetaSpec,
    DiscreteSpec, IntUniformSpec,
)  # fmt: skip

# --------------------------------------------------------------------------- #
# Fuzzing: junk never escapes as anything but ScenarioError
# --------------------------------------------------------------------------- #

_FIELDS = [
    "dist", "value", "low", "high", "mode", "lamb", "mean", "sd", "mu", "sigma", "ci90",
    "alpha", "beta", "values", "weights", "description", "units", "source",
]  # fmt: skip

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(DIST_KINDS),
)
_junk = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.tuples(children, children),
        st.dictionaries(st.one_of(st.sampled_from(_FIELDS), st.text(max_size=5)), children, max_size=4),
    ),
    max_leaves=12,
)
_spec_like = st.fixed_dictionaries(
    {"dist": st.one_of(st.sampled_from(DIST_KINDS), _scalars)},
    optional=dict.fromkeys(_FIELDS[1:], _junk),
)


def _outcome(parse: Callable[[object, str], object], value: object, path: str) -> object:
    """Return what ``parse`` returns, or the ScenarioError it raises (any other error escapes)."""
    try:
        return parse(value, path)
    except ScenarioError as exc:
        return exc


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.one_of(_spec_like, _junk))
def test_junk_raises_only_scenario_error(value: object) -> None:
    outcome = _outcome(parse_distribution, value, "inputs.x")
    if isinstance(outcome, ScenarioError):
        assert outcome.path.startswith("inputs.x")
        assert outcome.problem
    else:
        assert isinstance(outcome, _SPEC_TYPES)
        assert parse_distribution(outcome.model_dump(), "inputs.x") == outcome


@settings(max_examples=100, deadline=None)
@given(
    value=st.fixed_dictionaries(
        {"names": st.lists(st.text(max_size=2), max_size=3)},
        optional={"matrix": _junk, "kind": _scalars},
    )
)
def test_junk_correlation_raises_only_scenario_error(value: object) -> None:
    outcome = _outcome(parse_correlation, value, "correlation")
    if isinstance(outcome, ScenarioError):
        assert outcome.path.startswith("correlation")
    else:
        assert isinstance(outcome, CorrelationSpec)
