"""Route counterfactuals: the same lab under each of its routes, on the same draws."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
import yaml
from scipy.stats import rankdata, spearmanr
from tests.world_helpers import tiny_world

import labecon
from labecon.errors import ScenarioError
from labecon.model.world import run_world
from labecon.model.world_outputs import Accumulator
from labecon.scenario.builtin import builtin_text
from labecon.scenario.schema import WorldScenario, as_kind
from labecon.strategies import lab_policy
from labecon.uncertain.sampling import sample_inputs

N = 2000


def _route_choice() -> dict[str, Any]:
    return yaml.safe_load(builtin_text("route-choice"))


def _p_best(data: dict[str, Any], n: int = N) -> dict[str, tuple[float, float]]:
    figures = labecon.simulate(data, n_samples=n, seed=2).routes["frontier_lab"]
    return {route: (f["p_best"]["value"], f["p_best"]["se"]) for route, f in figures.items()}


def _with_routes(**routes: Any) -> dict[str, Any]:
    return tiny_world(**{"labs.a.route": "mix", "labs.a.routes": routes})


def test_an_identical_route_gains_exactly_nothing_in_every_sample() -> None:
    res = labecon.simulate(_with_routes(same={}, rent={"own_frac": 0.0}), n_samples=200, seed=4)
    gain = res.dataset["route_gain_usd"].sel(route="a:same").to_numpy()
    assert np.all(gain == 0.0)
    assert not np.all(res.dataset["route_gain_usd"].sel(route="a:rent").to_numpy() == 0.0)


def test_the_split_by_line_adds_up_to_the_gain_in_every_sample() -> None:
    res = labecon.simulate(_with_routes(rent={"own_frac": 0.0, "commit_frac": 0.2}), n_samples=300, seed=4)
    gain = res.dataset["route_gain_usd"].sel(route="a:rent").to_numpy()
    lines = res.dataset["route_gain_by_line_usd"].sel(route="a:rent").to_numpy()
    np.testing.assert_allclose(lines.sum(axis=1), gain, rtol=1e-9, atol=1e-6 * np.abs(gain).max())


def test_p_best_sums_to_one_over_a_labs_routes_and_regret_is_never_negative() -> None:
    res = labecon.simulate("route-choice", n_samples=300, seed=1)
    figures = res.routes["frontier_lab"]
    assert set(figures) == {"hybrid", "own", "partner", "lease"}
    assert sum(f["p_best"]["value"] for f in figures.values()) == pytest.approx(1.0, abs=1e-12)
    assert (res.dataset["route_regret_usd"].to_numpy() >= 0).all()
    best = res.dataset["route_is_best"].to_numpy()
    np.testing.assert_array_equal(best.sum(axis=1), np.ones(300))


def test_a_dearer_partner_lowers_the_partner_route_s_gain_and_its_chance_to_be_best() -> None:
    base = _route_choice()
    dear = copy.deepcopy(base)
    dear["clouds"]["partner_cloud"]["prices"]["tpu_v6e"]["committed_usd_per_chip_hour"] = 2.5

    def partner(data: dict[str, Any], name: str) -> np.ndarray:
        ds = labecon.simulate(data, n_samples=N, seed=2, keep="outputs").dataset
        out: np.ndarray = ds[name].sel(route="frontier_lab:partner").to_numpy()
        return out

    # Its gain over the declared hybrid, which rents less of the partner: paired, in the same futures.
    drop = partner(base, "route_gain_usd") - partner(dear, "route_gain_usd")
    assert drop.mean() > 6 * drop.std(ddof=1) / np.sqrt(N)
    (p0, se0), (p1, se1) = _p_best(base)["partner"], _p_best(dear)["partner"]
    assert p0 - p1 > 2 * np.hypot(se0, se1)  # from a few percent of futures: fewer standard errors


def test_a_higher_discount_rate_lowers_the_chance_owning_is_best() -> None:
    cheap, dear = _route_choice(), _route_choice()
    cheap["inputs"]["r_disc"] = {"dist": "fixed", "value": 0.05}
    dear["inputs"]["r_disc"] = {"dist": "fixed", "value": 0.30}
    (p0, se0), (p1, se1) = _p_best(cheap)["own"], _p_best(dear)["own"]
    assert p0 - p1 > 6 * np.hypot(se0, se1)


def test_a_route_run_records_the_npv_and_bounds_of_a_whole_run_bit_for_bit() -> None:
    # A route's run records only what its figures and warnings need (a lighter Accumulator).
    scenario = as_kind(labecon.load_scenario("two-strategies"), WorldScenario)
    assert scenario is not None
    n = 64
    draws = sample_inputs(scenario.inputs, seed=5, start=0, n=n, correlation=scenario.correlation)
    policy = lab_policy(scenario, draws, n)
    whole, light = (
        run_world(scenario, draws, n, policy, seed=5, start=0, npv_parts=True, only_npv=only)
        for only in (False, True)
    )
    assert set(light.outputs) == {
        "npv_fcf_usd",
        "compute_usd_per_h100e_hour",
        "compute_usd_per_unit_served",
        "is_beyond_plausible_bounds",
        "is_beyond_plausible_bound",
    }
    for name, value in light.outputs.items():
        np.testing.assert_array_equal(value, whole.outputs[name])
    assert light.npv is not None
    assert whole.npv is not None
    np.testing.assert_array_equal(light.npv.by_line, whole.npv.by_line)
    np.testing.assert_array_equal(light.npv.cumulative, whole.npv.cumulative)
    assert light.npv.flows is not None
    assert whole.npv.flows is not None
    np.testing.assert_array_equal(light.npv.flows, whole.npv.flows)


@pytest.mark.parametrize("chunk", [37, 256])
def test_route_outputs_do_not_depend_on_chunking(chunk: int) -> None:
    whole = labecon.simulate("route-choice", n_samples=256, seed=3, chunk_size=256)
    other = labecon.simulate("route-choice", n_samples=256, seed=3, chunk_size=chunk)
    for name in ("route_npv_usd", "route_gain_usd", "route_payback_quarter", "route_gain_by_line_usd"):
        np.testing.assert_array_equal(whole.dataset[name].to_numpy(), other.dataset[name].to_numpy())


def test_the_payback_date_is_a_calendar_quarter_or_never() -> None:
    figures = labecon.simulate("two-strategies", n_samples=400, seed=1).routes
    assert set(figures) == {"lab_own", "lab_partner"}
    for routes in figures.values():
        for fig in routes.values():
            when = fig["payback_median"]
            assert when == "never" or (when[:4].isdigit() and when[4:6] == " Q")
            assert fig["p_never"]["value"] + fig["p_pays_back"]["value"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("routes", "path"),
    [
        ({"x": {"own_fraction": 0.5}}, "labs.a.routes"),
        ({"x": {"own_frac": 1.5}}, "labs.a.routes.x.own_frac"),
        ({"x": {"own_chip": "nope"}}, "labs.a.routes.x.own_chip"),
        ({"x": {"own_frac": "no_such_input"}}, "labs.a.routes.x.own_frac"),
        ({"bad name": {}}, "labs.a.routes"),
    ],
)
def test_a_bad_route_names_its_path(routes: dict[str, Any], path: str) -> None:
    with pytest.raises(ScenarioError) as err:
        labecon.load_scenario(_with_routes(**routes))
    assert path in str(err.value)


def test_a_bad_declared_strategy_is_named_there_not_under_a_route_that_inherits_it() -> None:
    data = tiny_world(
        **{
            "labs.a.route": "mix",
            "labs.a.routes": {"x": {"own_frac": 0.2}},
            "labs.a.strategy.headroom_frac": "nope",
        }
    )
    with pytest.raises(ScenarioError) as err:
        labecon.load_scenario(data)
    assert err.value.path == "labs.a.strategy.headroom_frac"


def test_compare_takes_a_labs_routes_as_its_options() -> None:
    comp = labecon.compare("route-choice", routes="frontier_lab", n_samples=300, seed=1, evppi=False)
    assert comp.options == ["hybrid", "own", "partner", "lease"]
    res = labecon.simulate("route-choice", n_samples=300, seed=1)
    own = res.dataset["route_npv_usd"].sel(route="frontier_lab:own").to_numpy()
    np.testing.assert_array_equal(comp.values[:, 1], own)


def test_compare_on_a_lab_without_routes_says_which_labs_have_them() -> None:
    with pytest.raises(labecon.LabeconError, match="frontier_lab"):
        labecon.compare("route-choice", routes="nobody", n_samples=50)


def test_the_report_charts_each_alternative_routes_gain_by_line(tmp_path: Any) -> None:
    from labecon.report.why import route_gain_charts

    res = labecon.simulate("route-choice", n_samples=300, seed=1)
    charts = route_gain_charts(res.dataset)
    assert [c.title for c in charts] == [
        "frontier_lab: own against hybrid, NPV gain by line",
        "frontier_lab: partner against hybrid, NPV gain by line",
        "frontier_lab: lease against hybrid, NPV gain by line",
    ]
    own = charts[0].data
    mean_gain = res.routes["frontier_lab"]["own"]["gain_usd"]["mean"]
    assert own["total"]["value"] == pytest.approx(mean_gain, rel=1e-9)
    assert sum(step["value"] for step in own["steps"]) == pytest.approx(mean_gain, rel=1e-9)


def test_a_routes_drivers_are_spearmans_rho_of_each_input_with_its_gain_strongest_first() -> None:
    res = labecon.simulate("route-choice", n_samples=400, seed=6)
    routes = [str(r) for r in res.dataset["route"].to_numpy()]
    checked = 0
    for lab, figures in res.routes.items():
        for route, f in figures.items():
            gain = res.dataset["route_gain_usd"].to_numpy()[:, routes.index(f"{lab}:{route}")]
            rhos = [d["spearman"] for d in f["drivers"]]
            assert rhos == sorted(rhos, key=lambda r: -abs(r))
            for d in f["drivers"]:
                x = res.dataset["input_value"].sel(input=d["input"]).to_numpy()
                assert d["spearman"] == pytest.approx(spearmanr(x, gain).statistic, abs=1e-12)
                # Which way it moves the answer: the win rate in the input's lowest and highest fifth.
                ranks = rankdata(x)
                for end, rows in (
                    ("p_beats_low", ranks <= 0.2 * x.size),
                    ("p_beats_high", ranks > 0.8 * x.size),
                ):
                    p = (gain[rows] > 0).mean()
                    assert d[end]["value"] == pytest.approx(p, abs=1e-15)
                    assert d[end]["se"] == pytest.approx(np.sqrt(p * (1 - p) / rows.sum()), abs=1e-15)
                checked += 1
    assert checked > 0


def test_a_routes_tails_are_its_lowest_and_highest_gains_and_the_inputs_that_set_them_apart() -> None:
    res = labecon.simulate("route-choice", n_samples=1000, seed=6)
    routes = [str(r) for r in res.dataset["route"].to_numpy()]
    names = [str(x) for x in res.dataset["input"].to_numpy()]
    values = res.dataset["input_value"].to_numpy()
    named = 0
    for lab, figures in res.routes.items():
        for route, f in figures.items():
            if f["is_declared"]:
                assert f["tails"] == {}
                continue
            gain = np.sort(res.dataset["route_gain_usd"].to_numpy()[:, routes.index(f"{lab}:{route}")])
            worst, best = f["tails"]["worst"], f["tails"]["best"]
            assert worst["share"] == best["share"] == 0.05
            assert worst["mean_gain_usd"] == pytest.approx(gain[:50].mean(), rel=1e-12)
            assert best["mean_gain_usd"] == pytest.approx(gain[-50:].mean(), rel=1e-12)
            for tail in (worst, best):
                shifts = [abs(x["percentile"] - 0.5) for x in tail["inputs"]]
                assert shifts == sorted(shifts, reverse=True)
                assert all(d >= 0.15 for d in shifts)
                assert len(tail["inputs"]) <= 2
                for x in tail["inputs"]:
                    column = values[:, names.index(x["input"])]
                    assert x["overall_median"] == pytest.approx(np.median(column))
                    # on the side its percentile says: a high input's median there is above the whole's
                    assert (x["median"] >= x["overall_median"]) == (x["percentile"] > 0.5)
                    named += 1
    assert named > 0
    few = labecon.simulate("route-choice", n_samples=300, seed=6)
    assert all(f["tails"] == {} for figures in few.routes.values() for f in figures.values())


def test_the_only_uncertain_input_is_the_only_one_a_routes_tails_name() -> None:
    # Only API growth is uncertain here: each route's tails are named by it alone, or by nothing.
    data = _route_choice()
    data.pop("correlation")
    keep = "g_api"
    for name, spec in data["inputs"].items():
        if name != keep and isinstance(spec, dict) and "dist" in spec:
            data["inputs"][name] = {"dist": "fixed", "value": _median_of(spec)}
    res = labecon.simulate(data, n_samples=600, seed=3)
    named = []
    for f in res.routes["frontier_lab"].values():
        if f["is_declared"]:
            continue
        for tail in (f["tails"]["worst"], f["tails"]["best"]):
            assert [x["input"] for x in tail["inputs"]] in ([], [keep])
            named += tail["inputs"]
    assert named


def _median_of(spec: dict[str, Any]) -> float:
    if "ci90" in spec:
        low, high = spec["ci90"]
        return float(np.sqrt(low * high)) if spec["dist"] == "lognormal" else (low + high) / 2
    return float((spec["low"] + spec["high"]) / 2)


def test_a_run_that_records_only_the_npv_refuses_to_keep_paths() -> None:
    with pytest.raises(ValueError, match="keeps no paths"):
        Accumulator(4, 2, 1, 8, keep_paths=True, only_npv=True)
