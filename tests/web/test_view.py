"""The JSON view of a run: every output's summary, its dims and labels, histograms when samples were kept."""

from __future__ import annotations

import json

import numpy as np
import yaml

import labecon
from labecon.report.answers import answers
from labecon.web.view import results_view


def test_view_of_a_run_that_kept_only_summaries() -> None:
    sc = labecon.load_scenario("two-strategies")
    results = labecon.simulate(sc, 1000, 1, keep="summary")
    view = results_view(results, sc)
    json.dumps(view, allow_nan=False)  # plain JSON: no NaN, no NumPy types
    assert view["outputs"]["revenue_usd_by_year"]["dims"] == ["lab", "year"]
    assert view["histograms"] == {}  # no per-sample values to bin
    assert view["coords"]["year"][0] == 2026
    assert view["start_year"] == sc.start_year


def test_histograms_count_every_sample_and_bins_span_the_middle() -> None:
    sc = labecon.load_scenario("b1")
    results = labecon.simulate(sc, 3000, 2)
    hist = results_view(results, sc)["histograms"]["saving"]
    assert sum(hist["counts"]["saving"]) == 3000
    values = results.dataset["saving"].to_numpy()
    assert hist["edges"][0] == np.quantile(values, 0.025)
    assert hist["edges"][-1] == np.quantile(values, 0.975)


def test_each_series_cumulative_share_is_exact_at_the_edges_tails_included() -> None:
    sc = labecon.load_scenario("route-choice")
    results = labecon.simulate(sc, 800, 4)
    hist = results_view(results, sc)["histograms"]["route_npv_usd"]
    edges = np.array(hist["edges"])
    assert sorted(hist["cdf"]) == sorted(hist["counts"])
    for route, shares in hist["cdf"].items():
        values = results.dataset["route_npv_usd"].sel(route=route).to_numpy()
        assert shares == [float(np.mean(values <= e)) for e in edges]
    # The bins span the middle 95% of all routes' values: the tails lie beyond the end edges.
    assert max(s[0] for s in hist["cdf"].values()) > 0.0
    assert min(s[-1] for s in hist["cdf"].values()) < 1.0


def test_futures_past_the_plausibility_bounds_are_said_per_lab() -> None:
    import warnings

    import labecon
    from labecon.web.view import results_view

    scenario = labecon.with_overrides("two-strategies", {"finance.plausible_max_revenue_usd_per_year": 1e9})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", labecon.PlausibilityWarning)
        view = results_view(labecon.simulate(scenario, 300, 1), scenario)
    said = [w for w in view["warnings"] if "plausibility bounds" in w]
    assert [w.split("'")[0] for w in said] == ["OpenAI-like lab", "Anthropic-like lab"]
    # The labs', routes' and deals' names for the dashboard, by their keys.
    assert view["names"]["lab"] == {"lab_own": "OpenAI-like lab", "lab_partner": "Anthropic-like lab"}
    assert view["names"]["route"]["lab_partner:lease"] == "Anthropic-like lab: lease"
    assert view["names"]["deal"]["partner_cloud:lab_partner"] == "Google Cloud with Anthropic-like lab"
    # The bound every future passes is named, with its share.
    assert all(w.endswith("of futures (revenue 100.0%).") or "revenue 100.0%" in w for w in said)


def test_a_series_zero_in_every_sample_is_left_out_of_its_histogram() -> None:
    sc = labecon.load_scenario("route-choice")
    results = labecon.simulate(sc, 500, 3)
    gain = results.dataset["route_gain_usd"]
    routes = [str(r) for r in gain.coords["route"].to_numpy()]
    zero = [r for r in routes if not np.any(gain.sel(route=r).to_numpy() != 0)]
    assert zero  # each lab's declared route gains nothing over itself
    counts = results_view(results, sc)["histograms"]["route_gain_usd"]["counts"]
    assert sorted(counts) == sorted(set(routes) - set(zero))
    assert all(sum(c) == 500 for c in counts.values())  # every sample still counted


def test_what_compute_costs_is_binned_in_its_own_unit_per_route_or_else_per_lab() -> None:
    sc = labecon.load_scenario("route-choice")
    results = labecon.simulate(sc, 500, 3)
    hists = results_view(results, sc)["histograms"]
    hist = hists["route_compute_usd_per_h100e_hour"]
    assert hist["unit"] == "USD"  # per H100e-hour, as its title says
    assert hist["scale"] == 1.0
    assert sorted(hist["counts"]) == sorted(str(r) for r in results.dataset["route"].to_numpy())
    assert "compute_usd_per_h100e_hour" not in hists  # the routes' say it, the declared route's included
    assert 0.05 < hist["edges"][0] < hist["edges"][-1] < 5.0  # USD per H100e-hour, not billions
    without_routes = labecon.with_overrides(sc, {"labs.frontier_lab.routes": {}})
    plain = results_view(labecon.simulate(without_routes, 300, 3), without_routes)["histograms"]
    assert plain["compute_usd_per_h100e_hour"]["unit"] == "USD"


def test_the_apps_warm_up_says_nothing() -> None:
    # It imports, compiles and describes the built-ins; an app embedded in a process must not
    # fill its log with it.
    import threading
    import warnings

    from labecon.web.app import _warm_up

    warmed = threading.Event()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _warm_up(warmed)
    assert [str(w.message) for w in caught] == []
    assert warmed.is_set()


def test_the_route_drivers_are_offered_where_a_lab_names_an_alternative_route() -> None:
    sc = labecon.load_scenario("route-choice")
    assert results_view(labecon.simulate(sc, 200, 1), sc)["route_alternatives"] is True
    # Only its declared route: a route answer (its own, of P 1) but no gain to move.
    declared = labecon.with_overrides(sc, {"labs.frontier_lab.routes": {"hybrid": {}}})
    view = results_view(labecon.simulate(declared, 200, 1), declared)
    assert view["coords"]["route"] == ["frontier_lab:hybrid"]
    assert view["route_alternatives"] is False
    b1 = labecon.load_scenario("b1")
    assert results_view(labecon.simulate(b1, 200, 1), b1)["route_alternatives"] is False


def test_the_view_says_each_route_in_the_words_of_the_command_line() -> None:
    sc = labecon.load_scenario("route-choice")
    results = labecon.simulate(sc, 800, 4)
    view = results_view(results, sc)
    cli = answers(results.dataset, yaml.safe_load(results.scenario_yaml))
    blocks = [b for b in cli if b.title.startswith("Route choice for ")]
    assert [b["title"] for b in view["route_answers"]] == [b.title for b in blocks]
    for shown, said in zip(view["route_answers"], blocks, strict=True):
        # The command line's last block ends with the commands that check it; the dashboard has links.
        assert shown["lines"] == [x for x in said.lines if "the command labecon" not in x]
    b1 = labecon.load_scenario("b1")
    assert results_view(labecon.simulate(b1, 200, 1), b1)["route_answers"] == []
