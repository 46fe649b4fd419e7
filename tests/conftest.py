"""Shared fixtures: the b1 scenario as a dict, B1-shaped input tables, warnings counted."""

from __future__ import annotations

import atexit
import copy
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import configuration as hypothesis_configuration

import labecon

# Hypothesis keeps its examples and caches in ./.hypothesis by default: the tests write nothing
# where they were started, so it keeps them in a folder of this session's, removed at its end.
_HYPOTHESIS_HOME = Path(tempfile.mkdtemp(prefix="labecon-tests-hypothesis-"))
hypothesis_configuration.set_hypothesis_home_dir(_HYPOTHESIS_HOME)
atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def b1_dict_session() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(labecon.scenario_text("b1"))
    return data


@pytest.fixture
def b1_dict(b1_dict_session: dict[str, Any]) -> dict[str, Any]:
    """A fresh, editable copy of the b1 scenario's fields."""
    return copy.deepcopy(b1_dict_session)


def b1_like_inputs(n: int, seed: int, *, slump: bool = False) -> dict[str, np.ndarray]:
    """Input columns for b1 within B1's ranges; with ``slump``, demand falls and headroom can be < 0."""
    rng = np.random.default_rng(seed)
    cols = {
        "g": rng.uniform(-0.6, -0.05, n) if slump else np.exp(rng.normal(-0.4, 0.5, n)),
        "p0": rng.uniform(2.0, 3.5, n),
        "d": rng.uniform(0.10, 0.30, n),
        "c0": rng.uniform(30_000, 45_000, n),
        "h": rng.uniform(0.15, 0.35, n),
        "ovh": rng.uniform(0.15, 0.35, n),
        "dckw": rng.uniform(8_000, 14_000, n),
        "kw": rng.uniform(1.1, 1.6, n),
        "pue": rng.uniform(1.1, 1.4, n),
        "elec": rng.uniform(0.04, 0.10, n),
        "maint": rng.uniform(0.02, 0.05, n),
        "head": rng.uniform(-0.2, 0.3, n) if slump else rng.uniform(0.10, 0.30, n),
        "k": rng.integers(2, 7, n).astype(float),
        "r": rng.uniform(0.08, 0.14, n),
    }
    return cols


_START_DIR = Path.cwd()


def imported_by(module: str, names: tuple[str, ...]) -> list[str]:
    """Return which of ``names`` a fresh interpreter has imported once it has imported ``module``."""
    code = f"import sys, {module}; print(' '.join(m for m in {names!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.split()


def _entries() -> frozenset[str]:
    """Names in the starting directory, and in its default run store if it has one."""
    top = {p.name for p in _START_DIR.iterdir() if p.name != "__pycache__"}  # hidden ones too: caches
    store = _START_DIR / "labecon-results"
    inside = {f"labecon-results/{p.name}" for p in store.iterdir()} if store.is_dir() else set()
    return frozenset(top | inside)


_START_ENTRIES = _entries()


@pytest.fixture(autouse=True)
def _store_in_tmp(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Point the run store at a fresh temporary folder; check no test writes where the tests started.

    A test that wants a store of its own passes ``--store`` or sets ``LABECON_STORE`` itself.
    """
    monkeypatch.setenv("LABECON_STORE", str(tmp_path_factory.mktemp("store")))
    yield
    new = sorted(_entries() - _START_ENTRIES)
    assert not new, f"the test wrote into the directory the tests were started from: {new}"


def plausibility_counts(record: list[warnings.WarningMessage]) -> list[tuple[str, int, int, str]]:
    """Return the plausibility warnings among ``record`` as (lab, count, start, variant), sorted."""
    found = [w.message for w in record if isinstance(w.message, labecon.PlausibilityWarning)]
    return sorted((w.lab, w.count, w.start, w.variant) for w in found)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start mypy now if the suite checks it: it runs beside the tests, which mostly use one core.

    Not in a worker of a parallel run (pytest-xdist): every worker collects every test, and its
    cores are taken by the tests; the test starts mypy itself there.
    """
    if hasattr(session.config, "workerinput"):
        return
    if any(item.name == "test_mypy_strict_is_clean" for item in session.items):
        from tests.test_tooling import MYPY_STARTED, start_mypy

        session.config.stash[MYPY_STARTED] = start_mypy()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop a mypy started for the suite that no test waited for (the run was cut short)."""
    from tests.test_tooling import MYPY_STARTED

    started = session.config.stash.get(MYPY_STARTED, None)
    if started is not None and started.poll() is None:
        started.kill()
        started.wait()
