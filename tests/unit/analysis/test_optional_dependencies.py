"""SALib, Optuna, Plotly and Matplotlib stay optional: not imported by `import labecon`, hint if missing."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from tests.conftest import imported_by

from labecon.analysis.optimize import optimize_function
from labecon.analysis.sensitivity import InputSpace, given_data_indices, sobol_indices
from labecon.errors import OptionalDependencyError


def test_importing_labecon_imports_none_of_the_heavy_extras() -> None:
    assert imported_by("labecon", ("SALib", "optuna", "plotly", "matplotlib")) == []


def test_missing_salib_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "SALib.sample.sobol", None)
    monkeypatch.setitem(sys.modules, "SALib.analyze.pawn", None)
    space = InputSpace.uniform({"a": (0.0, 1.0)})
    with pytest.raises(OptionalDependencyError, match=r"labecon\[analysis\]"):
        sobol_indices(space, lambda c: c["a"], n_base=8)
    with pytest.raises(OptionalDependencyError, match=r"labecon\[analysis\]"):
        given_data_indices({"a": np.arange(10.0)}, np.arange(10.0))


def test_missing_optuna_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "optuna", None)
    with pytest.raises(OptionalDependencyError, match=r"labecon\[analysis\]"):
        optimize_function(lambda p: {"v": np.ones(3)}.__getitem__, {"x": (0.0, 1.0)}, "v", n_trials=1)
