"""Analysis results save themselves where the report finds them, as plain JSON."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import labecon
from labecon import layout
from labecon.analysis.compare import compare_values
from labecon.analysis.sensitivity import SensitivityResult


def test_a_sensitivity_result_saves_under_its_method(tmp_path: Path) -> None:
    res = SensitivityResult(
        method="oat",
        assumption="local",
        output="x",
        inputs=["a", "b"],
        indices={"swing": np.array([1.0, np.nan])},
        n_evaluations=5,
    )
    path = res.save(tmp_path / "run")
    assert path == tmp_path / "run" / layout.sensitivity_file("oat")
    data = json.loads(path.read_text())
    assert data["indices"]["swing"] == [1.0, None]  # NaN as null: JSON other programs read


def test_a_comparison_saves_with_its_paired_samples(tmp_path: Path) -> None:
    x = np.random.default_rng(1).normal(size=300)
    comp = compare_values({"a": x + 1.0, "b": x})
    path = comp.save(tmp_path, sample_rows=50)
    assert path.name == layout.COMPARISON_JSON
    assert "values_sample" in json.loads(path.read_text())
    assert labecon.write_report(tmp_path).is_file()
