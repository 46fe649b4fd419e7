"""Summaries: NumPy's percentiles, order-statistic standard errors, element-wise over trailing axes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from labecon.runtime.summary import PERCENTILES, percentile_se, summarize


@pytest.mark.parametrize("n", [2, 3, 10, 1001, 50_000])
def test_percentiles_are_numpys_and_input_is_untouched(n: int) -> None:
    x = np.random.default_rng(n).lognormal(size=n)
    before = x.copy()
    s = summarize(x, p_positive=True)
    np.testing.assert_array_equal(x, before)
    for q in PERCENTILES:
        assert s.percentiles[q].value == np.percentile(x, q)
        assert s.percentiles[q].se == percentile_se(np.sort(x), q)
    assert s.mean.value == pytest.approx(np.mean(x), rel=1e-15)
    assert s.mean.se == pytest.approx(np.std(x, ddof=1) / math.sqrt(n))
    assert s.p_positive is not None
    assert s.p_positive.value == 1.0


def test_percentile_se_matches_normal_theory() -> None:
    # For a standard normal, SE of the median is sqrt(pi / 2) / sqrt(N).
    n = 200_000
    x = np.sort(np.random.default_rng(1).standard_normal(n))
    # The estimate spans ~450 ranks, so it is itself uncertain by ~5%: allow 3 of those.
    assert percentile_se(x, 50.0) == pytest.approx(math.sqrt(math.pi / 2 / n), rel=0.15)


def test_probability_and_its_binomial_se() -> None:
    x = np.array([-1.0, 2.0, 3.0, -4.0])
    s = summarize(x, p_positive=True)
    assert s.p_positive is not None
    assert s.p_positive.value == 0.5
    assert s.p_positive.se == pytest.approx(math.sqrt(0.25 / 4))


def test_trailing_axes_are_summarised_element_by_element() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(1000, 2, 3))
    s = summarize(x)
    for i in range(2):
        for j in range(3):
            one = summarize(x[:, i, j].copy())
            assert s.percentiles[50.0].value[i, j] == one.percentiles[50.0].value
            assert s.percentiles[5.0].se[i, j] == one.percentiles[5.0].se
            assert s.mean.value[i, j] == pytest.approx(one.mean.value, rel=1e-14)
    assert np.asarray(s.as_dict()["p95"]).shape == (2, 3)


def test_trailing_axes_give_numpys_percentiles_element_by_element() -> None:
    x = np.random.default_rng(3).normal(size=(4001, 3, 2))
    before = x.copy()
    for in_place in (False, True):
        s = summarize(x.copy() if in_place else x, in_place=in_place)
        for q in PERCENTILES:
            np.testing.assert_array_equal(s.percentiles[q].value, np.percentile(x, q, axis=0))
            np.testing.assert_array_equal(s.percentiles[q].se, percentile_se(np.sort(x, axis=0), q))
    np.testing.assert_array_equal(x, before)


def test_a_nan_makes_its_element_s_percentiles_nan_as_numpy_does() -> None:
    x = np.random.default_rng(4).normal(size=(500, 2))
    x[17, 1] = np.nan
    s = summarize(x)
    for q in PERCENTILES:
        np.testing.assert_array_equal(s.percentiles[q].value, np.percentile(x, q, axis=0))


def test_one_sample_gives_a_nan_standard_error_per_element() -> None:
    s = summarize(np.array([[1.0, 2.0, 3.0]]))
    assert np.shape(s.mean.se) == (3,)
    assert np.isnan(s.mean.se).all()
