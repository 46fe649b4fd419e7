"""Comparison on common random numbers: paired statistics, regret, EVPI, EVPPI, and errors."""

from __future__ import annotations

import numpy as np
import pytest

import labecon
from labecon.analysis.compare import compare, compare_values, independent_se
from labecon.errors import OptionError, ScenarioError


def test_evpi_and_evppi_match_a_normal_toy() -> None:
    # u_A = x1 + x2, u_B = 0, x ~ N(0, 1): EVPI = E[max(x1 + x2, 0)] = 1 / sqrt(pi),
    # EVPPI(x1) = E[max(x1, 0)] = 1 / sqrt(2 pi), EVPPI({x1, x2}) = EVPI.
    rng = np.random.default_rng(3)
    n = 8_000
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    c = compare_values(
        {"A": x1 + x2, "B": np.zeros(n)}, inputs={"x1": x1, "x2": x2}, groups={"both": ["x1", "x2"]}
    )
    assert c.evpi.value == pytest.approx(1 / np.sqrt(np.pi), abs=4 * c.evpi.se)
    for key in ("x1", "x2"):
        est = c.evppi[key]
        assert est.value == pytest.approx(1 / np.sqrt(2 * np.pi), abs=max(4 * est.se, 0.02))
    assert c.evppi["both"].value == pytest.approx(c.evpi.value, rel=0.03)
    assert c.p_best["A"].value == pytest.approx(0.5, abs=0.02)


def test_evpi_is_zero_when_one_option_dominates_everywhere() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=1000)
    c = compare_values({"good": x + 1.0, "bad": x}, inputs={"x": x})
    assert c.evpi.value == 0.0
    assert c.best == "good"
    assert c.p_best["good"].value == 1.0
    assert c.differences[0].p_a_beats_b.value == 1.0
    assert np.all(c.regret[:, 0] == 0.0)
    assert c.evppi["x"].value == 0.0


def test_evpi_is_never_negative_and_regret_never_negative() -> None:
    rng = np.random.default_rng(1)
    for _ in range(5):
        vals = {k: rng.standard_t(2, size=300) * s for k, s in (("a", 1.0), ("b", 3.0), ("c", 0.5))}
        for goal in ("max", "min"):
            c = compare_values(vals, goal=goal)
            assert c.evpi.value >= 0.0
            assert (c.regret >= 0).all()


def test_min_goal_and_paired_ci() -> None:
    a = np.array([1.0, 2.0, 3.0, 4.0])
    c = compare_values({"a": a, "b": a + 1.0}, goal="min", level=0.9)
    d = c.differences[0]
    assert d.mean.value == pytest.approx(-1.0)
    assert d.mean.se == pytest.approx(0.0)
    assert d.ci == pytest.approx((-1.0, -1.0))
    assert d.p_a_beats_b.value == 1.0
    assert c.best == "a"


def test_crn_makes_the_paired_se_far_smaller() -> None:
    variants = {
        "lean": {"strategies.build.headroom_frac": 0.10},
        "ample": {"strategies.build.headroom_frac": 0.25},
    }
    c = compare("b1", variants=variants, metric="pv_build", goal="min", n_samples=4000, seed=11, evppi=False)
    paired = float(c.differences[0].mean.se)
    # The same variants on independent draws: the second run with another seed.
    other = (
        labecon.simulate({**_b1_with_headroom(0.25)}, n_samples=4000, seed=12, keep="outputs")
        .dataset["pv_build"]
        .to_numpy()
    )
    independent = independent_se(c.values[:, 0], other)
    assert paired < 0.1 * independent
    assert c.best == "lean"
    assert c.info["variants"]["lean"] == {"strategies.build.headroom_frac": 0.10}


def _b1_with_headroom(value: float) -> dict[str, object]:
    import yaml

    data: dict[str, object] = yaml.safe_load(labecon.scenario_text("b1"))
    data["strategies"]["build"]["headroom_frac"] = value  # type: ignore[index]
    return data


def test_compare_strategies_of_one_run() -> None:
    c = compare("b1", strategies=["rent", "build"], n_samples=2000, seed=2, evppi=True)
    assert c.goal == "min"  # present-value costs
    assert c.options == ["rent", "build"]
    assert c.n_samples == 2000
    assert set(c.evppi) >= {"g", "p0"}
    assert all(e.value >= 0 for e in c.evppi.values())
    same = compare("b1", outputs=["pv_rent", "pv_build"], goal="min", n_samples=2000, seed=2, evppi=False)
    np.testing.assert_array_equal(same.values, c.values)
    assert c.to_dict()["evpi"]["value"] >= 0


def test_clear_errors() -> None:
    with pytest.raises(OptionError, match="unknown output 'npv'"):
        compare("b1", outputs=["npv", "pv_build"], n_samples=100)
    with pytest.raises(OptionError, match="unknown strategy 'lease'"):
        compare("b1", strategies=["rent", "lease"], n_samples=100)
    with pytest.raises(ScenarioError, match=r"strategies\.build\.headroom: no such field"):
        compare("b1", variants={"a": {"strategies.build.headroom": 0.1}, "b": {}}, metric="pv_build")
    with pytest.raises(ScenarioError, match="headroom_frac"):
        compare("b1", variants={"a": {"strategies.build.headroom_frac": -3}, "b": {}}, metric="pv_build")
    with pytest.raises(OptionError, match="exactly one"):
        compare("b1", n_samples=100)
    with pytest.raises(OptionError, match="metric"):
        compare("b1", variants={"a": {}, "b": {}})
    with pytest.raises(OptionError, match="at least two"):
        compare_values({"only": np.ones(3)})
    with pytest.raises(OptionError, match="several metrics"):
        compare("b1", outputs=["pv_rent", "pv_build"], metric=["a", "b"], n_samples=100)
