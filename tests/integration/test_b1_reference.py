"""B1 at N = 100,000 agrees with the benchmark's reference table (N = 1e8) within 4 standard errors."""

from __future__ import annotations

import pytest
from tests.reference.b1_reference import (
    AGREEMENT_SIGMAS,
    REFERENCE_P_SAVING_POSITIVE,
    REFERENCE_PERCENTILES,
)

import labecon


@pytest.fixture(scope="module")
def b1_run() -> labecon.Results:
    return labecon.simulate("b1", n_samples=100_000, seed=20261125)


@pytest.mark.parametrize("output", ["pv_rent", "pv_build", "saving"])
@pytest.mark.parametrize("q", [5.0, 50.0, 95.0])
def test_percentiles_within_four_standard_errors(b1_run: labecon.Results, output: str, q: float) -> None:
    est = b1_run.summaries[output].percentiles[q]
    ref = REFERENCE_PERCENTILES[output][q]
    assert abs(est.value - ref) <= AGREEMENT_SIGMAS * est.se, (output, q, est, ref)


def test_p_saving_positive_within_four_standard_errors(b1_run: labecon.Results) -> None:
    p = b1_run.summaries["saving"].p_positive
    assert p is not None
    se = (REFERENCE_P_SAVING_POSITIVE * (1 - REFERENCE_P_SAVING_POSITIVE) / 100_000) ** 0.5
    assert abs(p.value - REFERENCE_P_SAVING_POSITIVE) <= AGREEMENT_SIGMAS * se


def test_summary_has_what_b1_asks(b1_run: labecon.Results) -> None:
    summary = b1_run.summary()
    assert list(summary) == ["pv_rent", "pv_build", "saving"]
    for out in summary.values():
        for key in ("mean", "mean_se", "p5", "p5_se", "p50", "p50_se", "p95", "p95_se"):
            assert key in out
    assert "p_positive" in summary["saving"]
