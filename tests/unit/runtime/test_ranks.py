"""Average ranks: scipy's, to the bit, on data with and without ties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata, spearmanr
from tests.conftest import imported_by

from labecon.ranks import average_ranks, rank_correlation


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=60))
def test_ranks_are_scipys(values: list[float]) -> None:
    x = np.array(values)
    assert np.array_equal(average_ranks(x), rankdata(x))


@pytest.mark.parametrize("n", [1, 2, 1000])
def test_ties_share_their_mean_rank(n: int) -> None:
    x = np.random.default_rng(n).integers(0, 5, n).astype(np.float64)
    assert np.array_equal(average_ranks(x), rankdata(x))


def test_ranks_add_up_and_follow_the_values() -> None:
    x = np.random.default_rng(1).normal(size=500)
    r = average_ranks(x)
    assert r.sum() == 500 * 501 / 2
    assert np.array_equal(np.argsort(r), np.argsort(x))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_rank_correlation_is_scipys_spearman(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 8, 400).astype(np.float64)  # ties too
    y = x + rng.normal(size=400)
    rho = rank_correlation(average_ranks(x), average_ranks(y))
    assert rho == pytest.approx(spearmanr(x, y).statistic, rel=1e-12)


def test_a_nan_makes_every_rank_nan() -> None:
    assert np.isnan(average_ranks(np.array([1.0, np.nan, 3.0]))).all()
    assert np.isnan(rankdata(np.array([1.0, np.nan, 3.0]))).all()


def test_a_runs_answers_its_report_and_the_dashboard_rank_without_importing_scipy_stats() -> None:
    # scipy.stats took about 0.4 s to import: every `labecon run` paid it for one ranking.
    for module in ("labecon.runtime.route_summary", "labecon.report.why", "labecon.web.describe"):
        assert imported_by(module, ("scipy.stats",)) == []
