"""The model's shared array helpers: a short axis summed in order, a ratio with no zero division."""

from __future__ import annotations

import warnings

import numpy as np

from labecon.model.arrays import ratio, sum_axis


def test_a_short_axis_sums_as_numpy_adds_its_slices_in_order() -> None:
    a = np.random.default_rng(0).normal(size=(5, 3, 4))
    for axis in range(3):
        expected = a.take(0, axis) + a.take(1, axis)
        for k in range(2, a.shape[axis]):
            expected = expected + a.take(k, axis)
        np.testing.assert_array_equal(sum_axis(a, axis), expected)
    np.testing.assert_array_equal(sum_axis(a[:, :1], 1), a[:, 0])


def test_a_ratio_takes_its_fallback_where_the_denominator_is_not_positive() -> None:
    num, den = np.array([1.0, 2.0, 3.0, -4.0]), np.array([2.0, 0.0, -1.0, 8.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no division by zero is ever computed
        out = ratio(num, den, np.inf)
    np.testing.assert_array_equal(out, [0.5, np.inf, np.inf, -0.5])
    wide = ratio(np.ones((4, 2)), den[:, None], 0.0)  # broadcast as NumPy's
    np.testing.assert_array_equal(wide, [[0.5, 0.5], [0.0, 0.0], [0.0, 0.0], [0.125, 0.125]])
    each = ratio(num, den, np.array([7.0, 8.0, 9.0, 10.0]))  # a fallback per element
    np.testing.assert_array_equal(each, [0.5, 8.0, 9.0, -0.5])
