"""Compiled kernels: AS241 against SciPy, exp and log against long double, fused against unfused."""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest
from scipy import special

from labecon.uncertain import _fast, streams
from labecon.uncertain.streams import stream_key, uniforms

# u from 1e-300 to 1 - 1e-16: the far tail (r > 5, u < 1.4e-11), the tails, the central
# branch and both branch boundaries (|u - 1/2| = 0.425), densely.
DENSE = np.unique(
    np.concatenate(
        [
            np.logspace(-300, -1, 300_001),
            np.linspace(0.05, 0.95, 300_001),
            1.0 - np.logspace(-16, -1, 300_001),
            0.075 + np.arange(-50, 51) * 2.0**-56,
            0.925 + np.arange(-50, 51) * 2.0**-53,
            [1.4e-11, 1.3887943864964021e-11, 0.5, 0.5 - 2.0**-53, 0.5 + 2.0**-52],
        ]
    )
)


def _ulps(got: np.ndarray, exact: np.ndarray) -> float:
    """Largest error of float64 ``got`` against long-double ``exact``, in units of got's last place."""
    return float(np.max(np.abs((got - exact) / np.spacing(np.abs(got)))))


def test_ndtri_matches_scipy_to_1e14_on_a_dense_grid() -> None:
    got = _fast.ndtri(DENSE)
    want = special.ndtri(DENSE)
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=0)
    assert got[DENSE == 0.5] == 0.0


def test_ndtri_block_passes_equal_the_scalar_definition() -> None:
    special_values = np.array([0.0, 1.0, np.nan, -0.5, 1.5, 5e-324, 1e-310, 2.2250738585072014e-308])
    u = np.concatenate([DENSE, special_values, uniforms(3, "inputs.x", 0, 10_000)])
    blocked = _fast.ndtri(u)
    scalar = np.empty_like(u)
    _fast._ndtri_scalar_array(u, scalar)
    assert np.array_equal(blocked, scalar, equal_nan=True)


def test_ndtri_is_antisymmetric() -> None:
    # u on the 2**-53 grid below 1/2, so that 1 - u is exact
    u = np.concatenate([np.round(DENSE[DENSE < 0.5] * 2.0**53) * 2.0**-53, [2.0**-53]])
    u = u[u > 0]
    assert np.array_equal(1.0 - (1.0 - u), u)
    assert np.array_equal(_fast.ndtri(1.0 - u), -_fast.ndtri(u))


def test_ndtri_special_values_and_shapes() -> None:
    got = _fast.ndtri(np.array([0.0, 1.0, np.nan, -0.1, 1.1, 5e-324, 1e-310]))
    assert got[0] == -np.inf
    assert got[1] == np.inf
    assert np.all(np.isnan(got[2:5]))
    assert np.all(np.isfinite(got[5:]))
    assert got[5] < got[6] < -37.5  # subnormal u: below AS241's range, but finite and ordered
    assert _fast.ndtri(np.full((2, 3), 0.975)).shape == (2, 3)
    np.testing.assert_allclose(_fast.ndtri(np.array([0.975])), [1.959963984540054], rtol=1e-15)
    assert _fast.ndtri(np.array([])).shape == (0,)


def test_exp_is_within_one_ulp_of_long_double() -> None:
    x = np.concatenate([np.linspace(-700, 700, 1_000_001), np.linspace(-1, 1, 100_001), [0.0, -0.0]])
    got = _fast.exp(x)
    assert _ulps(got, np.exp(x.astype(np.longdouble))) < 1.0
    assert got[-1] == got[-2] == 1.0


def test_exp_outside_the_core_range_uses_libm() -> None:
    x = np.array([-800.0, -745.2, -720.0, 700.5, 709.7, 710.0, np.inf, -np.inf, np.nan])
    got = _fast.exp(x)
    with np.errstate(over="ignore"):
        assert np.array_equal(got, np.exp(x), equal_nan=True)


def test_log_core_is_within_one_ulp_of_long_double() -> None:
    x = np.concatenate([np.logspace(-307, 0, 1_000_001), np.linspace(0.5, 2.0, 100_001)])
    got = np.empty_like(x)
    _log_array(x, got)
    assert _ulps(got, np.log(x.astype(np.longdouble))) < 1.0


@numba.njit
def _log_array(x: np.ndarray, out: np.ndarray) -> None:
    for j in range(x.shape[0]):
        out[j] = _fast._log_core(x[j])


def test_stream_value_conversion_is_exact() -> None:
    # (2**52 + m) - (2**52 - 1/2) = m + 1/2 exactly, for every 52-bit m
    for m in [0, 1, 2, 2**26 + 7, 2**51 - 1, 2**51, 2**52 - 2, 2**52 - 1]:
        assert ((2.0**52 + m) - (2.0**52 - 0.5)) * 2.0**-52 == (m + 0.5) * 2.0**-52


@pytest.mark.parametrize("start", [0, 1, 511, 512, 513, 2**40 + 3, 2**63 - 2000])
@pytest.mark.parametrize("n", [0, 1, 511, 512, 513, 1500])
def test_fused_draws_equal_ppf_of_the_stream(start: int, n: int) -> None:
    k0, k1 = stream_key(5, "inputs.x")
    u = streams._uniforms_numpy(k0, k1, start, n)
    fused = np.empty(n)
    _fast.fill_uniforms(k0, k1, start, fused)
    assert np.array_equal(fused, u)
    _fast.normal_draws(k0, k1, start, 1.5, 0.25, fused)
    assert np.array_equal(fused, _fast.normal_ppf(u, 1.5, 0.25))
    _fast.lognormal_draws(k0, k1, start, -0.3, 0.6, fused)
    assert np.array_equal(fused, _fast.lognormal_ppf(u, -0.3, 0.6))
    _fast.uniform_draws(k0, k1, start, 0.1, 0.2, fused)
    assert np.array_equal(fused, u * 0.2 + 0.1)
    _fast.int_uniform_draws(k0, k1, start, 5.0, 2.0, 6.0, fused)
    assert np.array_equal(fused, np.minimum(np.floor(u * 5.0) + 2.0, 6.0))


def test_lognormal_beyond_exp_core_range() -> None:
    u = np.array([1e-12, 0.01, 0.5, 0.99, 1 - 1e-12])
    got = _fast.lognormal_ppf(u, 695.0, 3.0)  # arguments from 661 to 716: both exp paths
    with np.errstate(over="ignore"):
        want = np.exp(_fast.ndtri(u) * 3.0 + 695.0)
    np.testing.assert_allclose(got[np.isfinite(want)], want[np.isfinite(want)], rtol=1e-15)
    assert got[-1] == np.inf
    assert np.array_equal(np.isinf(got), np.isinf(want))


def test_normal_and_lognormal_ppf_accuracy_against_scipy() -> None:
    u = DENSE[(DENSE > 1e-12) & (DENSE < 1 - 1e-12)]
    # the mean is 2 so that draws cross 0: absolute error there, relative elsewhere
    want = special.ndtri(u) * 0.5 + 2.0
    np.testing.assert_allclose(_fast.normal_ppf(u, 2.0, 0.5), want, rtol=1e-14, atol=1e-14)
    want = np.exp(-0.2 + 0.7 * special.ndtri(u))
    np.testing.assert_allclose(_fast.lognormal_ppf(u, -0.2, 0.7), want, rtol=1e-14)


def test_wrappers_accept_any_layout() -> None:
    u = uniforms(1, "inputs.y", 0, 600)
    strided = u[::2]
    readonly = u.copy()
    readonly.flags.writeable = False
    assert np.array_equal(_fast.ndtri(strided), _fast.ndtri(np.ascontiguousarray(strided)))
    assert np.array_equal(_fast.lognormal_ppf(readonly, 0.1, 0.2), _fast.lognormal_ppf(u, 0.1, 0.2))
    assert _fast.normal_ppf(u.reshape(20, 30), 0.0, 1.0).shape == (20, 30)
    assert math.isclose(float(_fast.exp(np.array(1.0))), math.e, rel_tol=2.3e-16)
