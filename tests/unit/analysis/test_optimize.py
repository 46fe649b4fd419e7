"""Optimisation: a toy with a known optimum, reproducibility, b1's headroom, and clear errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from labecon.analysis.optimize import Constraint, Statistic, optimize, optimize_function
from labecon.errors import OptionError, ScenarioError

pytest.importorskip("optuna")

_U = np.random.default_rng(0).uniform(size=4000)  # the common random numbers of the toy


def _toy(params: dict[str, Any]) -> Callable[[str], np.ndarray]:
    # value grows with x; risk = P(U < x) = x. With P(risk) <= 0.2 the optimum is x = 0.2.
    x = params["x"]
    outputs = {"value": x + 0.1 * (_U - 0.5), "ruined": (x > _U).astype(float)}
    return outputs.__getitem__


def test_toy_with_a_binding_risk_limit() -> None:
    res = optimize_function(
        _toy, {"x": (0.0, 1.0)}, "mean(value)", ["mean(ruined) <= 0.2"], n_trials=60, seed=1
    )
    assert res.best.params["x"] == pytest.approx(0.2, abs=0.03)
    assert res.best.feasible
    assert float(res.best.constraints[0].value) <= 0.2
    assert res.n_evaluations == 60
    lo, hi = res.best_ci
    assert lo < float(res.best.objective.value) < hi
    # The frontier trades objective for risk: both rise along it, from the best objective down.
    objs = [float(c.objective.value) for c in res.frontier]
    risks = [float(c.constraints[0].value) for c in res.frontier]
    assert objs == sorted(objs, reverse=True)
    assert risks == sorted(risks, reverse=True)


def test_unconstrained_toy_finds_the_peak_and_is_reproducible() -> None:
    def peak(params: dict[str, Any]) -> Callable[[str], np.ndarray]:
        return {"v": -((params["x"] - 0.3) ** 2) + 0.0 * _U}.__getitem__

    a = optimize_function(peak, {"x": (-1.0, 1.0)}, "v", n_trials=50, seed=4)
    b = optimize_function(peak, {"x": (-1.0, 1.0)}, "v", n_trials=50, seed=4)
    assert a.best.params["x"] == pytest.approx(0.3, abs=0.05)
    assert [c.params for c in a.candidates] == [c.params for c in b.candidates]


def test_a_best_at_the_end_of_its_range_is_said() -> None:
    def rising(params: dict[str, Any]) -> Callable[[str], np.ndarray]:
        return {"v": params["x"] + 0.0 * _U}.__getitem__

    edge = optimize_function(rising, {"x": (0.0, 1.0), "k": ["a", "b"]}, "mean(v)", n_trials=40, seed=2)
    assert edge.info["at_edge"] == {"x": "high"}  # the best may lie beyond 1.0; choices have no end
    inside = optimize_function(
        lambda p: {"v": -((p["x"] - 0.3) ** 2) + 0.0 * _U}.__getitem__,
        {"x": (-1.0, 1.0)},
        "mean(v)",
        n_trials=50,
        seed=4,
    )
    assert inside.info["at_edge"] == {}


def test_b1_build_headroom_demo() -> None:
    res = optimize(
        "b1",
        {"strategies.build.headroom_frac": (0.0, 0.5), "strategies.build.lead_time_quarters": (2, 6)},
        "mean(pv_build)",
        ["p_positive(saving) <= 0.5"],
        goal="min",
        n_trials=12,
        n_samples=1000,
        seed=3,
    )
    # Less headroom buys fewer idle units: the cheapest build keeps little.
    assert res.best.params["strategies.build.headroom_frac"] < 0.25
    assert isinstance(res.best.params["strategies.build.lead_time_quarters"], int)
    assert res.info["n_samples"] == 1000
    assert res.to_dict()["n_evaluations"] == 12


def test_clear_errors() -> None:
    with pytest.raises(OptionError, match="unknown output"):
        optimize("b1", {"strategies.build.headroom_frac": (0.0, 0.5)}, "mean(npv)", n_trials=2, n_samples=50)
    with pytest.raises(ScenarioError, match=r"strategies\.lease"):
        optimize("b1", {"strategies.lease.headroom_frac": (0.0, 0.5)}, "mean(saving)", n_trials=2)
    with pytest.raises(OptionError, match="unknown statistic"):
        Statistic.parse("median(saving)")
    with pytest.raises(OptionError, match="LIMIT"):
        Constraint.parse("mean(saving) < 3")
    with pytest.raises(OptionError, match="no candidate met"):
        optimize_function(_toy, {"x": (0.0, 1.0)}, "mean(value)", ["mean(ruined) <= -0.1"], n_trials=5)


@pytest.mark.parametrize("spec", [(0.5, 0.1), (0.3, 0.3), []])
def test_a_bad_range_is_refused_before_the_search_starts(spec: Any, caplog: pytest.LogCaptureFixture) -> None:
    calls: list[dict[str, Any]] = []

    def evaluate(params: dict[str, Any]) -> Callable[[str], np.ndarray]:
        calls.append(params)
        return _toy(params)

    optuna = pytest.importorskip("optuna")
    optuna.logging.enable_propagation()  # its records reach pytest's capture
    try:
        with caplog.at_level("WARNING", logger="optuna"), pytest.raises(OptionError) as err:
            optimize_function(evaluate, {"x": spec}, "mean(value)", n_trials=3)
    finally:
        optuna.logging.disable_propagation()
    assert err.value.option == "parameters.x"
    assert not calls
    assert not caplog.records, (
        "no trial was started, so the search logged no failed trial (nor its traceback)"
    )


def test_a_rule_broken_at_the_first_candidate_says_which_values_it_tried() -> None:
    tried = r"low end or first choice: labs\.lab_own\.strategy\.own_frac = 0\.9"
    with pytest.raises(ScenarioError, match=tried):
        optimize(
            "two-strategies",
            {"labs.lab_own.strategy.own_frac": (0.9, 0.95)},
            "mean(npv_fcf_usd)",
            lab="lab_own",
            n_trials=2,
            n_samples=20,
        )


def test_candidates_the_scenario_rejects_are_skipped_and_counted() -> None:
    def picky(params: dict[str, Any]) -> Callable[[str], np.ndarray]:
        if params["x"] > 0.5:
            raise ScenarioError("shares must sum to at most 1", "labs.a.strategy")
        return _toy(params)

    res = optimize_function(picky, {"x": (0.0, 1.0)}, "mean(value)", n_trials=20, seed=2)
    assert res.best.params["x"] <= 0.5
    assert res.n_evaluations == 20
    assert res.info["n_rejected"] + len(res.candidates) == 20
    with pytest.raises(OptionError, match="broke the scenario's rules"):
        optimize_function(picky, {"x": (0.6, 1.0)}, "mean(value)", n_trials=3)
