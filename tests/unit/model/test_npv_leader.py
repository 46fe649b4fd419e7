"""Which lab's route wins on NPV in each sample: one leader, the first on a tie."""

from __future__ import annotations

import numpy as np

from labecon.model.world_outputs import npv_leader


def test_one_leader_per_sample_the_first_on_a_tie() -> None:
    npv = np.array([[1.0, 2.0, -3.0], [5.0, 5.0, 0.0], [-1.0, -2.0, -0.5]])
    np.testing.assert_array_equal(npv_leader(npv), [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    many = np.random.default_rng(1).normal(size=(1000, 2))
    lead = npv_leader(many)
    np.testing.assert_array_equal(lead.sum(axis=1), 1.0)
    np.testing.assert_array_equal(lead[:, 1], many[:, 1] > many[:, 0])
    assert npv_leader(np.zeros((0, 2))).shape == (0, 2)
