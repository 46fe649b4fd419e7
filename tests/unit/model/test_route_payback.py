"""When a route pays back over the declared one: within the horizon, only with what lies beyond, or never."""

from __future__ import annotations

import numpy as np

from labecon.model.routes import payback, route_figures


def test_a_route_pays_back_only_when_it_is_ahead_for_good_within_the_horizon() -> None:
    # Cumulative discounted advantage over three quarters, then the NPV gain (terminal value included).
    advantage = np.array(
        [
            [-5.0, 1.0, 2.0, 3.0],  # ahead from quarter 1 on: paid back
            [1.0, -1.0, 2.0, 3.0],  # ahead at first, behind, then ahead for good from quarter 2
            [-5.0, -4.0, -1.0, 2.0],  # ahead only once the value beyond the horizon counts
            [-5.0, 1.0, 2.0, -1.0],  # ahead within the horizon, behind once that value counts
            [-5.0, -4.0, -3.0, -1.0],  # never ahead
            [0.0, 0.0, 0.0, 0.0],  # the declared route against itself: never ahead
            [2.0, 2.0, 2.0, 2.0],  # ahead from the first quarter
        ]
    )
    quarter, pays = payback(advantage)
    assert quarter.tolist() == [1.0, 2.0, 3.0, 4.0, 4.0, 4.0, 0.0]
    assert pays.tolist() == [1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0]


def test_paying_back_within_the_horizon_is_rarer_than_coming_out_ahead() -> None:
    rng = np.random.default_rng(3)
    n, quarters = 2000, 12
    flows = rng.normal(0.0, 1.0, size=(n, 2, quarters))
    terminal = rng.normal(0.0, 6.0, size=(n, 2, 1))
    cumulative = np.concatenate([flows.cumsum(axis=2), flows.sum(axis=2, keepdims=True) + terminal], axis=2)
    figures = route_figures(cumulative[:, :, -1], cumulative, np.zeros((n, 2, 1)))
    beats = figures.gain_usd[:, 1] > 0
    pays = figures.pays_back[:, 1] > 0
    # Every route that pays back within the horizon comes out ahead; some come out ahead only thanks
    # to what lies beyond it (their payback quarter is the horizon's slot).
    assert np.all(beats[pays])
    only_beyond = beats & ~pays
    assert only_beyond.any()
    assert np.all(figures.payback_quarter[only_beyond, 1] == quarters)
    assert np.all(figures.payback_quarter[~beats, 1] == quarters + 1)
