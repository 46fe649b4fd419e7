"""What the server computes in its threads leaves Python's warning filters alone.

The filters are the whole process's and ``warnings.catch_warnings`` is not
thread-safe: a thread leaving one restores the filters it found, undoing what
another thread set meanwhile (FastAPI, for one, filters a warning of Pydantic's
while it builds a route). So the code the server runs in its threads gives no
warnings it does not mean, rather than filtering them.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import labecon
from labecon.runtime.backends.pool import PoolBackend
from labecon.scenario.loader import load_quietly
from labecon.web.describe import describe_scenario
from labecon.web.runner import compute_conventions, compute_view, without_bounds


@pytest.fixture
def filter_changes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the labecon modules that change the warning filters while the test runs."""
    callers: list[str] = []

    def recording(original: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if caller.startswith("labecon"):
                callers.append(caller)
            return original(*args, **kwargs)

        return call

    for name in ("catch_warnings", "simplefilter", "filterwarnings", "resetwarnings"):
        monkeypatch.setattr(warnings, name, recording(getattr(warnings, name)))
    return callers


@pytest.mark.parametrize("scenario", ["two-strategies", "route-choice"])
def test_a_preview_in_threads_leaves_the_filters_alone(scenario: str, filter_changes: list[str]) -> None:
    fields = labecon.load_scenario(scenario).model_dump(mode="json", exclude_unset=True)
    with ThreadPoolExecutor(2) as pool:
        backend = PoolBackend(pool, give_warnings=False)
        view = compute_view(fields, 400, 1, backend)
        answer = compute_conventions(fields, 200, 1, backend)
    assert view["headline"]
    assert answer
    assert filter_changes == []


def test_describing_a_scenario_leaves_the_filters_alone(filter_changes: list[str]) -> None:
    described = describe_scenario(load_quietly("two-strategies"))
    assert described["inputs"]
    assert filter_changes == []


def test_a_scenario_without_bounds_warns_of_nothing_and_answers_the_same() -> None:
    scenario = labecon.load_scenario("two-strategies")
    with pytest.warns(labecon.PlausibilityWarning):
        bounded = labecon.simulate(scenario, 600, 3, keep="outputs")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        unbounded = labecon.simulate(without_bounds(scenario), 600, 3, keep="outputs")
    for name in ("npv_fcf_usd", "route_gain_usd", "route_is_best"):
        assert bounded.dataset[name].equals(unbounded.dataset[name]), name
    assert float(unbounded.dataset["is_beyond_plausible_bounds"].sum()) == 0
