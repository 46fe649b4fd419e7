"""The headline: route figures lead when a run has them; else the NPV leader; else the cheaper strategy."""

from __future__ import annotations

from typing import Any

import pytest

import labecon
from labecon.amounts import unit_money
from labecon.report.answers import better_on_average
from labecon.scenario.names import reader_names
from labecon.web.headline import _from_routes, _on_average, headline
from labecon.web.settings import WebSettings


@pytest.fixture(scope="module")
def world() -> tuple[labecon.Results, labecon.Scenario]:
    sc = labecon.load_scenario("two-strategies")
    return labecon.simulate(sc, 400, 1), sc


def test_world_run_without_routes_leads_with_the_lab_most_often_ahead() -> None:
    sc = labecon.with_overrides("two-strategies", {"labs.lab_own.routes": {}, "labs.lab_partner.routes": {}})
    results = labecon.simulate(sc, 400, 1)
    found = headline(results, sc)
    p = list(results.summary()["is_npv_leader"]["mean"])
    winner = ["lab_own", "lab_partner"][p.index(max(p))]
    assert found["winner"] == winner  # by key; the text by name
    assert found["p"] == max(p)
    assert found["basis"] == "is_npv_leader"
    said = {"lab_own": "OpenAI-like lab", "lab_partner": "Anthropic-like lab"}
    assert found["text"].startswith(f"{said[winner]} has the highest NPV")
    assert [line.split(":")[0] for line in found["details"]] == ["OpenAI-like lab", "Anthropic-like lab"]


def test_route_figures_lead_when_present(world: tuple[Any, Any]) -> None:
    results, sc = world
    found = headline(results, sc)
    assert found["basis"] == "routes"
    best = max(
        (f["p_best"]["value"], lab, route) for lab, rs in results.routes.items() for route, f in rs.items()
    )
    assert found["winner"] == f"{best[1]}: {best[2]}"
    assert found["p"] == pytest.approx(best[0])
    said = {"lab_own": "OpenAI-like lab", "lab_partner": "Anthropic-like lab"}
    for lab in ("lab_own", "lab_partner"):
        assert f"for {said[lab]}, " in found["text"][:1].lower() + found["text"][1:]
        # A route that beats the declared one comes with how often the declared one is best; else a
        # route best in a minority of futures comes with the runner-up, to show how close they are.
        ranked = sorted(results.routes[lab], key=lambda r: -results.routes[lab][r]["p_best"]["value"])
        declared = next(r for r, f in results.routes[lab].items() if f["is_declared"])
        beaten = ranked[0] != declared
        assert (f"(its declared route, {declared}, in " in found["text"]) == beaten
        runner_up = f"(next, {ranked[1]} in "
        minority = results.routes[lab][ranked[0]]["p_best"]["value"] < 0.5
        assert (runner_up in found["text"]) == (minority and not beaten)
    # In two-strategies the Anthropic-like lab's own route beats the hybrid it declared.
    assert "for Anthropic-like lab, own is the best route in" in found["text"]
    assert "(its declared route, hybrid, in " in found["text"]
    assert found["details"]  # the per-lab lines stay
    # Each lab's line gives its first profitable year as the median over every future.
    year = results.summary()["first_profitable_year_quarter"]["p50"]
    for lab, q, line in zip(("lab_own", "lab_partner"), year, found["details"], strict=True):
        assert line.startswith(f"{said[lab]}: ")
        if q < sc.horizon_quarters:
            year = int(sc.start_year + q / 4)
            assert f"a profitable year (four quarters adding up to a profit) by {year}" in line
        else:
            assert "profitable year" not in line
    # And what its compute costs it and its IRR, the medians the run's summary gives.
    summary = results.summary()
    for i, line in enumerate(found["details"]):
        hour, irr = summary["compute_usd_per_h100e_hour"]["p50"][i], summary["irr_per_year"]["p50"][i]
        assert f"compute {unit_money(hour)} per H100e-hour all in, IRR {irr:.1%} a year" in line


def test_compute_run_names_the_cheaper_strategy() -> None:
    sc = labecon.load_scenario("b1")
    results = labecon.simulate(sc, 2000, 1)
    found = headline(results, sc)
    p_build_cheaper = results.summary()["saving"]["p_positive"]
    expected = "build" if p_build_cheaper >= 0.5 else "rent"
    assert found["winner"] == expected
    assert found["p"] == pytest.approx(max(p_build_cheaper, 1 - p_build_cheaper))
    assert found["text"].startswith(f"{expected.capitalize()} costs less than")  # a sentence


def test_settings_from_environment_name_the_bad_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABECON_WEB_MAX_JOBS", "3")
    assert WebSettings.from_env().max_jobs == 3
    monkeypatch.setenv("LABECON_WEB_MAX_JOBS", "many")
    with pytest.raises(labecon.OptionError, match="LABECON_WEB_MAX_JOBS"):
        WebSettings.from_env()
    with pytest.raises(labecon.OptionError, match="max_samples"):
        WebSettings(max_samples=0)


def _route(
    p_best: float, mean_gain: float | None = None, se: float = 1e9, declared: bool = False
) -> dict[str, Any]:
    figures: dict[str, Any] = {"p_best": {"value": p_best, "se": 0.01}, "is_declared": declared}
    if mean_gain is not None:
        figures["gain_usd"] = {"mean": mean_gain, "mean_se": se}
    return figures


@pytest.mark.parametrize(
    ("routes", "said"),
    [
        # Most often best, but far worse on average than the route declared.
        (
            {"hybrid": _route(0.37, declared=True), "own": _route(0.42, -253e9, 9.9e9)},
            ", though hybrid is better on average by $253B",
        ),
        # The declared route most often best, another better on average.
        (
            {
                "own": _route(0.6, declared=True),
                "lease": _route(0.4, 30e9, 5e9),
                "commit": _route(0.0, 40e9, 25e9),
            },
            ", though lease is better on average by $30B",  # commit's gain is within two standard errors
        ),
        # Both agree, or the mean is not known apart from nil: nothing said.
        ({"own": _route(0.6, declared=True), "lease": _route(0.4, -30e9, 5e9)}, ""),
        ({"hybrid": _route(0.4, declared=True), "own": _route(0.6, -10e9, 6e9)}, ""),
    ],
)
def test_the_headline_says_when_the_average_points_to_another_route(
    routes: dict[str, Any], said: str
) -> None:
    best = max(routes, key=lambda r: routes[r]["p_best"]["value"])
    declared = next(r for r, f in routes.items() if f["is_declared"])
    assert _on_average(better_on_average(routes, best, declared)) == said


def test_the_built_in_headline_weighs_the_mean_beside_the_share_of_futures(world: tuple[Any, Any]) -> None:
    results, sc = world
    text = headline(results, sc)["text"]
    for by_route in results.routes.values():
        declared = next(r for r, f in by_route.items() if f["is_declared"])
        best = max(by_route, key=lambda r: by_route[r]["p_best"]["value"])
        gain = by_route[best].get("gain_usd", {"mean": 0.0, "mean_se": 0.0})
        worse_on_average = best != declared and gain["mean"] + 2 * gain["mean_se"] < 0
        said = (
            f"(its declared route, {declared}, in " in text
            and f"though {declared} is better on average by $" in text
        )
        assert said == worse_on_average, text


def test_where_the_route_most_often_best_falls_furthest_behind_is_a_detail() -> None:
    tail = {
        "share": 0.05,
        "mean_gain_usd": -4.3e12,
        "inputs": [
            {
                "input": "k_dc",
                "description": "data-centre lead time",
                "units": "quarters",
                "percentile": 0.78,
                "median": 12.0,
                "overall_median": 9.0,
            }
        ],
    }
    behind = {**_route(0.42, -253e9, 9.9e9), "tails": {"worst": tail, "best": {**tail, "inputs": []}}}
    routes = {"lab_partner": {"hybrid": _route(0.37, declared=True), "own": behind}}
    names = reader_names(labecon.load_scenario("two-strategies"))
    assert _from_routes(routes, names)["details"] == [
        "Anthropic-like lab: the 5% of futures where own falls furthest behind hybrid, $4.3T in their "
        "mean, are those where data-centre lead time is high (12 quarters in their median, 9 quarters over "
        "all futures)."
    ]
    # Within two standard errors of nil: not behind on average, so nothing.
    routes["lab_partner"]["own"]["gain_usd"]["mean_se"] = 200e9
    assert _from_routes(routes, names)["details"] == []
