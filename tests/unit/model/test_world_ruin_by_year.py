"""P(ruin) over time: ruin is absorbing and ends where the horizon's ruin flag does."""

from __future__ import annotations

import numpy as np

import labecon


def test_ruin_by_year_is_monotone_and_ends_at_is_ruined() -> None:
    ds = labecon.simulate("two-strategies", n_samples=600, seed=3).dataset
    by_year = ds["is_ruined_by_year"].transpose("sample", "lab", "year").to_numpy()
    assert set(np.unique(by_year)) <= {0.0, 1.0}
    assert np.all(np.diff(by_year, axis=2) >= 0), "a ruined lab never recovers"
    np.testing.assert_array_equal(by_year[:, :, -1], ds["is_ruined"].transpose("sample", "lab").to_numpy())
