"""The analysis results save themselves into a run's folder and load back equal."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import labecon
from labecon.analysis.optimize import OptimizationResult


def test_a_comparison_loads_back_with_every_paired_value(tmp_path: Path) -> None:
    comp = labecon.compare("b1", strategies=["rent", "build"], n_samples=3000, seed=2, evppi=False)
    comp.save(tmp_path)
    back = labecon.Comparison.load(tmp_path)
    np.testing.assert_array_equal(back.values, comp.values)
    np.testing.assert_array_equal(back.regret, comp.regret)
    for name in (
        "options",
        "metric",
        "goal",
        "means",
        "best",
        "differences",
        "p_best",
        "mean_regret",
        "evpi",
    ):
        assert getattr(back, name) == getattr(comp, name), name
    assert back.to_dict() == comp.to_dict()


def test_a_comparison_on_several_metrics_keeps_each(tmp_path: Path) -> None:
    variants = {
        "lean": {"strategies.build.headroom_frac": 0.0},
        "ample": {"strategies.build.headroom_frac": 0.3},
    }
    comp = labecon.compare(
        "b1", variants=variants, metric=["pv_build", "saving"], n_samples=2000, evppi=False
    )
    comp.save(tmp_path)
    back = labecon.Comparison.load(tmp_path)
    np.testing.assert_array_equal(back.by_metric["saving"].values, comp.by_metric["saving"].values)
    assert back.to_dict() == comp.to_dict()


def test_a_sensitivity_result_loads_back_equal(tmp_path: Path) -> None:
    res = labecon.sensitivity("b1", "saving", method="oat")
    res.save(tmp_path)
    back = labecon.SensitivityResult.load(tmp_path, "oat")
    assert back.inputs == res.inputs
    for key, values in res.indices.items():
        np.testing.assert_array_equal(back.indices[key], values)
    assert back.to_dict() == res.to_dict()


def test_an_optimization_loads_back_equal(tmp_path: Path) -> None:
    res = labecon.optimize(
        "b1",
        {"strategies.build.headroom_frac": (0.0, 0.5)},
        "mean(pv_build)",
        goal="min",
        n_trials=4,
        n_samples=500,
        seed=1,
    )
    res.save(tmp_path)
    back = OptimizationResult.load(tmp_path)
    assert back == res


def test_loading_from_a_folder_without_a_result_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(labecon.OptionError, match="no saved result at"):
        labecon.Comparison.load(tmp_path)
