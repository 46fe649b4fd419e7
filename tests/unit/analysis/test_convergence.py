"""Running to a target standard error: reaches it, reproducibly, nested in a plain run."""

from __future__ import annotations

import numpy as np
import pytest

import labecon
from labecon.analysis.convergence import run_to_precision
from labecon.errors import OptionError


def test_reaches_the_target_and_equals_a_plain_run_of_that_size() -> None:
    kw = {"statistics": ["pv_rent.p50"], "relative": True, "seed": 4, "start_samples": 200}
    res, report = run_to_precision("b1", 0.02, max_samples=50_000, **kw)  # type: ignore[arg-type]
    assert report.converged
    assert report.achieved["pv_rent.p50"] <= 0.02
    assert report.n_samples == res.n_samples
    assert len(report.history) >= 2
    assert report.history[0]["n_samples"] == 200
    plain = labecon.simulate("b1", report.n_samples, 4)
    assert plain.summary()["saving"] == res.summary()["saving"]
    _, report2 = run_to_precision("b1", 0.02, max_samples=50_000, **kw)  # type: ignore[arg-type]
    assert report2.n_samples == report.n_samples


def test_relative_target_and_cap() -> None:
    res, report = run_to_precision("b1", 1e-6, relative=True, seed=1, start_samples=100, max_samples=400)
    assert not report.converged
    assert res.n_samples == 400
    assert set(report.achieved) == {"pv_rent.mean", "pv_build.mean", "saving.mean"}
    assert all(np.isfinite(v) for v in report.achieved.values())


def test_clear_errors() -> None:
    with pytest.raises(OptionError, match="unknown output"):
        run_to_precision("b1", 1.0, statistics=["npv.mean"], start_samples=10, max_samples=10)
    with pytest.raises(OptionError, match="unknown statistic"):
        run_to_precision("b1", 1.0, statistics=["saving.p99"], start_samples=10, max_samples=10)
    with pytest.raises(OptionError, match="does not report"):
        run_to_precision("b1", 1.0, statistics=["pv_rent.p_positive"], start_samples=10, max_samples=10)
    with pytest.raises(OptionError, match="> 0"):
        run_to_precision("b1", 0.0)


def test_a_world_scenario_defaults_to_every_outputs_mean() -> None:
    from tests.world_helpers import tiny_world

    _, report = run_to_precision(tiny_world(), 1e30, seed=1, start_samples=20, max_samples=20)
    assert report.converged
    assert report.statistics[:2] == ["revenue_usd_by_year.mean", "cash_usd_by_year.mean"]
