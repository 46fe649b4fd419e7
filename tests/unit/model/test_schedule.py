"""The world model's schedule: its compiled scatter adds what NumPy's would, bit for bit."""

from __future__ import annotations

import numpy as np

from labecon.model._schedule import Schedule


def test_scatter_matches_numpy_bit_for_bit() -> None:
    rng = np.random.default_rng(0)
    n, n_labs, horizon = 50, 2, 6
    sched = Schedule(n, n_labs, horizon, n_components=3, read_after=(0, 1, 2))
    expected = np.zeros((horizon + 1, n, n_labs, 3))
    for _ in range(5):
        quarter = np.asfortranarray(rng.integers(0, horizon + 4, size=(n, n_labs)).astype(np.float64))
        values = [np.asfortranarray(rng.normal(size=(n, n_labs))) for _ in range(2)]
        sched.add(quarter, (2, 0), *values)
        slot = np.minimum(quarter, horizon).astype(np.int64)
        i, lab = np.indices((n, n_labs))
        for c, v in zip((2, 0), values, strict=True):
            np.add.at(expected, (slot, i, lab, c), v)
    sched.add(3, (1,), np.ones((n, n_labs)))
    sched.add(horizon + 5, (1,), np.full((n, n_labs), 2.0))  # after the horizon: the last slot
    expected[3, :, :, 1] += 1.0
    expected[horizon, :, :, 1] += 2.0
    sched.add_lab(2, 1, 0, np.arange(n, dtype=np.float64))
    expected[2, :, 1, 0] += np.arange(n)
    for t in range(horizon + 2):
        got = sched.at(t)
        want = expected[min(t, horizon)]
        for c in range(3):
            np.testing.assert_array_equal(got[c], want[:, :, c])


def test_what_is_due_after_the_horizon_is_kept_only_where_it_is_read() -> None:
    n, n_labs, horizon = 8, 2, 5
    sched = Schedule(n, n_labs, horizon, n_components=2, read_after=(1,))
    quarter = np.asfortranarray(np.tile([[3.0], [horizon + 2.0]], (n // 2, n_labs)))
    ones = np.ones((n, n_labs), order="F")
    sched.add(quarter, (0, 1), ones, 2.0 * ones)
    sched.add(horizon, (0, 1), ones, ones)
    sched.add_lab(horizon + 1, 0, 0, np.ones(n))
    sched.add_lab_components(horizon + 3, 1, np.ones((2, n)))
    at_three, after = sched.at(3), sched.at(horizon)
    np.testing.assert_array_equal(at_three[0], np.tile([[1.0], [0.0]], (n // 2, n_labs)))
    np.testing.assert_array_equal(after[0], 0.0)  # never read: never written
    want_after = np.tile([[1.0], [3.0]], (n // 2, n_labs))
    want_after[:, 1] += 1.0
    np.testing.assert_array_equal(after[1], want_after)


def test_adding_zeros_changes_no_bit() -> None:
    # The schedule skips a lab's values when all are zero; NumPy's additions would leave the same bits.
    n, n_labs, horizon = 20, 2, 4
    sched = Schedule(n, n_labs, horizon, n_components=2)
    values = np.zeros((n, n_labs), order="F")
    values[:, 1] = np.linspace(-1.0, 1.0, n)
    expected = sched.data.copy()
    quarter = np.full((n, n_labs), 2.0, order="F")
    sched.add(quarter, (0, 1), values, -values)  # lab 0 all zeros (+0.0, then -0.0): skipped
    sched.add_lab(3, 0, 1, -np.zeros(n))
    sched.add_lab_components(1, 0, np.zeros((2, n)))
    expected[2, 0, 1] += values[:, 1]
    expected[2, 1, 1] += -values[:, 1]
    expected[2, :, 0] += 0.0
    expected[2, :, 0] += -0.0
    expected[3, 1, 0] += -0.0
    assert sched.data.tobytes() == expected.tobytes()
