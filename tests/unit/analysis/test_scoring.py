"""PIT, central bands and CRPS from samples, against known answers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from labecon.analysis.scoring import central_band, crps, pit


def test_a_point_at_the_median_has_pit_one_half() -> None:
    x = np.random.default_rng(0).lognormal(0.0, 1.0, 10_001)
    assert pit(x, float(np.median(x))) == pytest.approx(0.5, abs=1e-4)


def test_points_far_outside_have_pit_zero_or_one() -> None:
    x = np.random.default_rng(1).normal(10.0, 1.0, 5000)
    assert pit(x, -100.0) == 0.0
    assert pit(x, 100.0) == 1.0


def test_ties_take_the_mid_rank() -> None:
    assert pit(np.array([1.0, 2.0, 2.0, 3.0]), 2.0) == 0.5
    assert pit(np.array([5.0, 5.0, 5.0]), 5.0) == 0.5
    assert pit(np.array([1.0, 2.0, 3.0, 3.0]), 3.0) == pytest.approx(0.75)


def test_central_bands_are_the_matching_quantiles() -> None:
    x = np.arange(101.0)
    assert central_band(x, 0.9) == pytest.approx((5.0, 95.0))
    assert central_band(x, 0.5) == pytest.approx((25.0, 75.0))


@pytest.mark.parametrize("y", [-3.0, 0.0, 2.5, 1e6])
def test_crps_of_a_degenerate_forecast_is_the_absolute_error(y: float) -> None:
    assert crps(np.full(17, 2.0), y) == pytest.approx(abs(2.0 - y))


def test_crps_matches_the_pairwise_definition() -> None:
    x = np.random.default_rng(2).gamma(2.0, 3.0, 300)
    y = 4.2
    brute = np.mean(np.abs(x - y)) - 0.5 * np.mean(np.abs(x[:, None] - x[None, :]))
    assert crps(x, y) == pytest.approx(brute, rel=1e-12)


@pytest.mark.parametrize("y", [0.0, 1.3, -2.5])
def test_crps_of_normal_samples_matches_the_closed_form(y: float) -> None:
    mu, sigma = 0.4, 2.0
    x = stats.norm.ppf((np.arange(200_000) + 0.5) / 200_000, mu, sigma)
    z = (y - mu) / sigma
    exact = sigma * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / np.sqrt(np.pi))
    assert crps(x, y) == pytest.approx(exact, rel=1e-3)


def test_crps_does_not_depend_on_the_order_of_samples() -> None:
    x = np.random.default_rng(3).normal(size=1000)
    assert crps(x, 0.3) == pytest.approx(crps(x[::-1].copy(), 0.3), rel=1e-12)


finite = st.floats(-1e6, 1e6, allow_nan=False)


@given(st.lists(finite, min_size=1, max_size=60), finite, finite)
def test_crps_is_non_negative_shift_invariant_and_at_most_the_mean_error(
    xs: list[float], y: float, shift: float
) -> None:
    x = np.array(xs)
    score = crps(x, y)
    tol = 1e-9 * (1.0 + np.abs(x).max() + abs(y) + abs(shift))
    assert score >= -tol
    assert score <= np.mean(np.abs(x - y)) + tol
    assert crps(x + shift, y + shift) == pytest.approx(score, abs=100 * tol)


@given(st.lists(finite, min_size=1, max_size=60), finite)
def test_pit_is_a_probability_that_grows_with_the_value(xs: list[float], y: float) -> None:
    x = np.array(xs)
    assert 0.0 <= pit(x, y) <= 1.0
    assert pit(x, y) <= pit(x, y + 1.0)
