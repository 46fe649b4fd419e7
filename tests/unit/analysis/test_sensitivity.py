"""Sensitivity indices against published and analytic values."""

from __future__ import annotations

import numpy as np
import pytest

from labecon.analysis.sensitivity import (
    InputSpace,
    SensitivityWarning,
    given_data_indices,
    oat_indices,
    sensitivity,
    sobol_indices,
)
from labecon.errors import OptionError

pytest.importorskip("SALib")


def _ishigami(c: dict[str, np.ndarray]) -> np.ndarray:
    return np.sin(c["x1"]) + 7.0 * np.sin(c["x2"]) ** 2 + 0.1 * c["x3"] ** 4 * np.sin(c["x1"])


def test_ishigami_matches_published_indices() -> None:
    # Ishigami & Homma (1990), a = 7, b = 0.1; values as in SALib's test suite.
    space = InputSpace.uniform({f"x{i}": (-np.pi, np.pi) for i in (1, 2, 3)})
    res = sobol_indices(space, _ishigami, n_base=4096, seed=3)
    np.testing.assert_allclose(res.indices["S1"], [0.3139, 0.4424, 0.0], atol=0.04)
    np.testing.assert_allclose(res.indices["ST"], [0.5576, 0.4424, 0.2437], atol=0.04)
    assert res.n_evaluations == 4096 * 5
    assert "independent" in res.assumption
    assert (res.indices["ST_conf"] > 0).all()


def test_sobol_g_matches_analytic_indices() -> None:
    a = np.array([0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0])
    names = [f"x{i}" for i in range(len(a))]
    space = InputSpace.uniform(dict.fromkeys(names, (0.0, 1.0)))

    def g(c: dict[str, np.ndarray]) -> np.ndarray:
        return np.prod([(np.abs(4 * c[n] - 2) + a[i]) / (1 + a[i]) for i, n in enumerate(names)], axis=0)

    v = 1.0 / (3.0 * (1.0 + a) ** 2)
    total = np.prod(1 + v) - 1
    s1 = v / total
    st = v * np.prod(1 + v) / (1 + v) / total
    res = sobol_indices(space, g, n_base=4096, seed=5)
    np.testing.assert_allclose(res.indices["S1"], s1, atol=0.05)
    np.testing.assert_allclose(res.indices["ST"], st, atol=0.05)


def test_linear_model_has_analytic_indices_and_time_resolution() -> None:
    # Y_t = t X1 + (T - 1 - t) X2, X independent uniforms of equal variance:
    # S1(X1) at step t = t^2 / (t^2 + (T - 1 - t)^2); ST = S1 (no interaction).
    steps = 5
    space = InputSpace.uniform({"x1": (0.0, 1.0), "x2": (0.0, 1.0), "x3": (0.0, 1.0)})
    t = np.arange(steps)

    def model(c: dict[str, np.ndarray]) -> np.ndarray:
        return np.outer(c["x1"], t) + np.outer(c["x2"], steps - 1 - t)

    res = sobol_indices(space, model, n_base=2048, seed=1)
    expected = t**2 / (t**2 + (steps - 1 - t) ** 2)
    assert res.indices["S1"].shape == (3, steps)
    np.testing.assert_allclose(res.indices["S1"][0], expected, atol=0.03)
    np.testing.assert_allclose(res.indices["ST"][1], 1 - expected, atol=0.03)
    np.testing.assert_allclose(res.indices["ST"][2], 0.0, atol=0.01)


def test_small_samples_warn_and_suggest_a_larger_n() -> None:
    space = InputSpace.uniform({f"x{i}": (-np.pi, np.pi) for i in (1, 2, 3)})
    with pytest.warns(SensitivityWarning, match="base sample of at least"):
        res = sobol_indices(space, _ishigami, n_base=16, seed=0)
    assert res.suggested_n is not None
    assert res.suggested_n > 16
    assert res.warnings


def test_oat_swings_of_a_linear_model() -> None:
    space = InputSpace.uniform({"a": (0.0, 10.0), "b": (0.0, 1.0)})
    res = oat_indices(space, lambda c: 2.0 * c["a"] - 3.0 * c["b"], low_q=0.1, high_q=0.9, n_points=5)
    np.testing.assert_allclose(res.indices["swing"], [2.0 * 8.0, -3.0 * 0.8])
    assert res.extra["base"] == pytest.approx(2.0 * 5.0 - 3.0 * 0.5)
    assert np.array(res.extra["spider"]).shape == (2, 5)


def test_pawn_stays_valid_under_correlation() -> None:
    # Y depends on x1 only; x2 is correlated with x1, x3 is independent noise.
    rng = np.random.default_rng(0)
    n = 4000
    x1 = rng.normal(size=n)
    x2 = 0.8 * x1 + 0.6 * rng.normal(size=n)
    x3 = rng.normal(size=n)
    res = given_data_indices({"x1": x1, "x2": x2, "x3": x3}, x1, method="pawn", seed=1)
    med = dict(zip(res.inputs, res.indices["median"], strict=True))
    assert med["x1"] > med["x2"] > med["x3"]
    assert "correlation" in res.assumption


def test_on_b1_each_method_names_its_assumption() -> None:
    oat = sensitivity("b1", "saving", method="oat", inputs=["g", "p0", "head"])
    assert oat.inputs == ["g", "p0", "head"]
    assert abs(oat.indices["swing"][0]) == max(abs(oat.indices["swing"]))  # demand growth dominates
    with pytest.warns(SensitivityWarning):
        sob = sensitivity("b1", "saving", method="sobol", inputs=["g", "p0"], n_samples=64, seed=2)
    assert sob.n_evaluations == 64 * 4
    pawn = sensitivity("b1", "saving", method="pawn", n_samples=1000, seed=2)
    assert "correlation" in pawn.assumption
    assert pawn.to_dict()["output"] == "saving"


def test_clear_errors() -> None:
    with pytest.raises(OptionError, match="unknown output"):
        sensitivity("b1", "npv", method="oat")
    with pytest.raises(OptionError, match="unknown uncertain input"):
        sensitivity("b1", "saving", method="oat", inputs=["nope"])
    with pytest.raises(OptionError, match="power of two"):
        sobol_indices(InputSpace.uniform({"a": (0.0, 1.0)}), lambda c: c["a"], n_base=100)
    with pytest.raises(OptionError, match="unknown method"):
        sensitivity("b1", "saving", method="morris")  # type: ignore[arg-type]
    # The caller's argument is named, with a power of two to try.
    with pytest.raises(OptionError, match=r"power of two .* got 2000; for example 2048") as info:
        sensitivity("b1", "saving", n_samples=2000)
    assert info.value.option == "n_samples"


def test_time_resolved_on_a_scenario_with_a_year_axis() -> None:
    import labecon

    if "two-strategies" not in labecon.list_scenarios():
        pytest.skip("no built-in scenario with a year axis")
    probe = labecon.simulate("two-strategies", 2, 1)
    ds = probe.dataset
    name = next(n for n in probe.outputs if n in ds and "year" in ds[n].dims)
    others = {str(d): str(ds[d].to_numpy()[0]) for d in ds[name].dims if d not in ("sample", "year")}
    ref = name + ("[" + ",".join(f"{d}={v}" for d, v in others.items()) + "]" if others else "")
    res = sensitivity("two-strategies", ref, method="oat")
    assert res.time_dim == "year"
    assert res.indices["swing"].shape == (len(res.inputs), ds.sizes["year"])
    assert len(res.time_coords) == ds.sizes["year"]


def test_a_sweep_run_together_has_the_bits_of_each_point_run_alone() -> None:
    # One-at-a-time runs its points as one table in shared futures (sample 0's risk events and
    # funding rounds): each row must be what that point gives run alone, as sample 0, to the bit.
    import labecon
    from labecon.model.risk import shared_futures

    drawn = labecon.simulate("two-strategies", 3, 4, keep="outputs").dataset["input_value"]
    table = {str(name): drawn.sel(input=name).to_numpy() for name in drawn["input"].to_numpy()}
    with shared_futures():
        together = labecon.simulate("two-strategies", inputs=table, keep="outputs").dataset
    for i in range(3):
        alone = labecon.simulate(
            "two-strategies", inputs={k: v[i : i + 1] for k, v in table.items()}, keep="outputs"
        ).dataset
        for var in (
            "npv_fcf_usd",
            "revenue_usd_by_year",
            "is_ruined",
            "route_npv_usd",
            "partner_deal_npv_usd",
        ):
            row = together[var].isel(sample=slice(i, i + 1)).to_numpy()
            assert row.tobytes() == alone[var].to_numpy().tobytes(), (var, i)
    # Outside the context each row has its own futures again: the same inputs, other funding draws.
    apart = labecon.simulate("two-strategies", inputs={k: np.repeat(v[:1], 3) for k, v in table.items()})
    assert len(set(apart.dataset["npv_fcf_usd"].to_numpy()[:, 1].tolist())) > 1


def test_oat_moves_the_inputs_that_move_with_the_one_swept() -> None:
    # b moves with a (its value 2a at each of a's points); c, not swept, moves with b.
    bounds = {"a": (0.0, 10.0), "b": (0.0, 1.0), "c": (5.0, 7.0)}

    def moved(name: str, q: np.ndarray) -> dict[str, np.ndarray]:
        return {"a": {"b": 2.0 * (10.0 * q)}, "b": {"c": 5.0 + 2.0 * q}}.get(name, {})

    space = InputSpace(["a", "b"], InputSpace.uniform(bounds).ppf, moved)
    seen: dict[str, np.ndarray] = {}

    def model(cols: dict[str, np.ndarray]) -> np.ndarray:
        seen.update(cols)
        return cols["a"] + cols["b"] + cols["c"]

    res = oat_indices(space, model, low_q=0.1, high_q=0.9, n_points=3)
    # a's rows: b = 2a; b's rows: c moves from its median; the base row: every input at its median.
    np.testing.assert_allclose(seen["b"], [0.5, 2.0, 10.0, 18.0, 0.1, 0.5, 0.9])
    np.testing.assert_allclose(seen["c"], [6.0, 6.0, 6.0, 6.0, 5.2, 6.0, 6.8])
    np.testing.assert_allclose(res.indices["swing"], [3.0 * 8.0, 0.8 + 1.6])
    assert res.extra["moved_with"] == {"a": ["b"], "b": ["c"]}
    assert res.extra["correlated"] is True
    assert "correlates" in res.assumption
    alone = oat_indices(InputSpace.uniform(bounds), model, low_q=0.1, high_q=0.9, n_points=3)
    assert alone.extra["moved_with"] == {}
    assert "ignores interactions and correlations" in alone.assumption


def test_sobol_draws_correlated_inputs_together_and_indexes_them_as_one() -> None:
    # y = a + b + 0.1 c, a and b uniform on (0, 1) with normal-score correlation 0.9, c independent.
    # The uniforms' correlation is (6 / pi) asin(0.45), so the group's share of the variance is
    # 2 (1 + rho) / (2 (1 + rho) + 0.01) = 0.9974, c's the rest; a and b alone have no index.
    from labecon.scenario.distributions import CorrelationSpec

    corr = CorrelationSpec(names=["a", "b"], kind="normal", matrix=[[1.0, 0.9], [0.9, 1.0]])
    uniform = InputSpace.uniform(dict.fromkeys("abc", (0.0, 1.0)))
    space = InputSpace(["a", "b", "c"], uniform.ppf, correlation=corr)
    seen: list[dict[str, np.ndarray]] = []

    def model(cols: dict[str, np.ndarray]) -> np.ndarray:
        seen.append(cols)
        return cols["a"] + cols["b"] + 0.1 * cols["c"]

    res = sobol_indices(space, model, n_base=1024, seed=4)
    assert res.inputs == ["a + b", "c"]
    assert res.n_evaluations == 1024 * 4
    rho = 6 / np.pi * np.arcsin(0.45)
    group = 2 * (1 + rho) / (2 * (1 + rho) + 0.01)
    np.testing.assert_allclose(res.indices["S1"], [group, 1 - group], atol=0.01)
    np.testing.assert_allclose(res.indices["ST"], [group, 1 - group], atol=0.01)
    assert "correlates" in res.assumption
    # Every row the model saw is a draw with the correlation (the group swapped as one).
    a, b = seen[0]["a"], seen[0]["b"]
    assert np.corrcoef(np.argsort(np.argsort(a)), np.argsort(np.argsort(b)))[0, 1] == pytest.approx(
        rho, abs=0.02
    )
    alone = sobol_indices(uniform, model, n_base=1024, seed=4)
    assert alone.inputs == ["a", "b", "c"]  # independent: each its own index, a and b half each


def test_sobol_of_a_scenario_joins_a_correlated_input_with_its_partners() -> None:
    kwargs = {"select": {"route": "frontier_lab:own"}, "method": "sobol", "n_samples": 8, "seed": 1}
    with pytest.warns(SensitivityWarning):
        joined = sensitivity("route-choice", "route_gain_usd", inputs=["d_price", "g_api"], **kwargs)
    assert joined.inputs == ["d_price + e_serving", "g_api"]  # e_serving drawn with d_price, not held
    assert joined.n_evaluations == 8 * 4
    with pytest.warns(SensitivityWarning):
        apart = sensitivity(
            "route-choice", "route_gain_usd", inputs=["d_price", "g_api"], correlated=False, **kwargs
        )
    assert apart.inputs == ["d_price", "g_api"]
    assert "dropped" in apart.assumption
