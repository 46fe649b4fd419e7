"""The IRR of quarterly flows, per sample: against a root finder, on its edge cases, chunk by chunk."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize

from labecon.model.irr import (
    IRR_DEFINED,
    IRR_NO_ROOT,
    IRR_NO_SIGN_CHANGE,
    IRR_SEVERAL_ROOTS,
    bounded_irr,
    irr_roots,
)


def _npv(flows: np.ndarray, rate: float) -> float:
    t = np.arange(flows.size)
    return float(np.sum(flows * (1.0 + rate) ** (-t / 4.0)))


def _investments(n: int, seed: int) -> np.ndarray:
    """An outlay, then returns that wander (with losses on the way: several sign changes)."""
    rng = np.random.default_rng(seed)
    flows = rng.normal(2.0, 3.0, size=(n, 41))
    flows[:, 0] = -rng.uniform(20.0, 80.0, size=n)
    flows[:, -1] += rng.uniform(0.0, 60.0, size=n)
    return flows


def test_the_irr_zeroes_the_npv_as_a_root_finder_finds_it() -> None:
    flows = _investments(300, 1)
    roots = irr_roots(flows, low_per_year=-0.9, high_per_year=10.0)
    assert (roots.status == IRR_DEFINED).mean() > 0.9
    for f, r, status in zip(flows, roots.irr_per_year, roots.status, strict=True):
        if status != IRR_DEFINED:
            continue
        expected = optimize.brentq(lambda x, f=f: _npv(f, x), -0.9, 10.0, xtol=1e-14)
        assert r == pytest.approx(expected, abs=1e-10)
        assert abs(_npv(f, r)) < 1e-9 * np.abs(f).sum()


def test_known_rates_and_every_undefined_case() -> None:
    flows = np.zeros((6, 9))
    flows[0, 0], flows[0, 8] = -100.0, 121.0  # 10% a year
    flows[1, :] = -1.0  # every flow a loss
    flows[2, :] = 1.0  # every flow a gain
    flows[3, 0], flows[3, 4], flows[3, 8] = -100.0, 230.0, -132.0  # two roots: 10% and 20%
    flows[4, 0], flows[4, 8] = -100.0, 1e-30  # its root far below the range
    flows[5, 0], flows[5, 8] = -1e-30, 100.0  # far above it
    roots = irr_roots(flows, low_per_year=-0.9, high_per_year=100.0)
    assert roots.status.tolist() == [
        IRR_DEFINED,
        IRR_NO_SIGN_CHANGE,
        IRR_NO_SIGN_CHANGE,
        IRR_SEVERAL_ROOTS,
        IRR_NO_ROOT,
        IRR_NO_ROOT,
    ]
    assert roots.irr_per_year[0] == pytest.approx(0.10, abs=1e-12)
    assert roots.irr_per_year[3] == pytest.approx(0.10, abs=1e-12)  # the lowest of the two
    assert roots.side.tolist() == [0, -1, 1, 0, -1, 1]
    bounded = bounded_irr(roots, low_per_year=-0.9, high_per_year=100.0)
    assert bounded[1] == -1.0  # nothing ever comes back: everything is lost
    assert bounded[[2, 4, 5]].tolist() == [100.0, -0.9, 100.0]


def test_each_sample_s_irr_is_its_own_however_the_samples_are_split() -> None:
    flows = _investments(1_500, 2)  # over 512 with several sign changes: scanned in several tiles
    whole = irr_roots(flows, grid=100)
    parts = [irr_roots(flows[a:b], grid=100) for a, b in ((0, 1), (1, 177), (177, 1_500))]
    for got, field in zip(zip(*parts, strict=True), whole, strict=True):
        np.testing.assert_array_equal(np.concatenate(got), field)
