"""Inputs set with the scenario's correlations kept (labecon.analysis.conditional)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import ndtr, ndtri

import labecon
from labecon.analysis.conditional import conditional_medians, conditional_values, moved_with, moved_words
from labecon.scenario.distributions import CorrelationSpec


def _route_choice() -> labecon.WorldScenario:
    sc = labecon.load_scenario("route-choice")
    assert isinstance(sc, labecon.WorldScenario)
    return sc


def _scores(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """The normal scores of a uniform input's values."""
    return np.asarray(ndtri((values - low) / (high - low)))


def test_set_at_its_own_draw_a_future_keeps_every_draw() -> None:
    sc = _route_choice()
    drawn = labecon.simulate(sc, 50, 9, keep="outputs").dataset["input_value"]
    price, serving = (drawn.sel(input=n).to_numpy() for n in ("d_price", "e_serving"))
    own_quantile = (price - 0.3) / 0.3  # d_price is uniform on 0.3 to 0.6
    for i in (0, 17, 49):
        moved = conditional_values(sc, 9, 50, {"d_price": float(own_quantile[i])})["e_serving"]
        assert moved[i] == pytest.approx(serving[i], rel=1e-12)


def test_the_others_follow_their_distribution_given_the_set_value() -> None:
    sc = _route_choice()
    assert sc.correlation is not None
    r = float(sc.correlation.normal_matrix()[0, 1])
    n = 20_000
    for q in (0.1, 0.9):
        z = _scores(conditional_values(sc, 1, n, {"d_price": q})["e_serving"], 0.35, 0.6)
        sd = np.sqrt(1 - r * r)
        assert abs(z.mean() - r * ndtri(q)) < 5 * sd / np.sqrt(n)
        assert z.std() == pytest.approx(sd, rel=0.03)


def test_with_two_set_the_third_follows_their_regression() -> None:
    matrix = [[1.0, 0.5, 0.3], [0.5, 1.0, 0.2], [0.3, 0.2, 1.0]]
    corr = CorrelationSpec(names=["d_price", "e_serving", "d_cloud"], kind="normal", matrix=matrix)
    sc = _route_choice().model_copy(update={"correlation": corr})
    assert moved_with(sc, ["d_price", "e_serving"]) == ["d_cloud"]
    n, q = 20_000, {"d_price": 0.8, "e_serving": 0.3}
    z = _scores(conditional_values(sc, 2, n, q)["d_cloud"], 0.15, 0.35)
    r = np.array(matrix)
    weights = r[2, :2] @ np.linalg.inv(r[:2, :2])
    mean = float(weights @ ndtri([0.8, 0.3]))
    sd = float(np.sqrt(1 - weights @ r[:2, 2]))
    assert abs(z.mean() - mean) < 5 * sd / np.sqrt(n)
    assert z.std() == pytest.approx(sd, rel=0.03)


def test_an_input_no_correlation_names_moves_nothing() -> None:
    sc = _route_choice()
    assert moved_with(sc, ["d_cloud"]) == []
    assert conditional_values(sc, 1, 10, {"d_cloud": 0.5}) == {}
    assert moved_with(sc, ["d_price"]) == ["e_serving"]
    assert moved_with(sc, ["d_price", "e_serving"]) == []


def test_the_conditional_median_is_the_regression_of_the_scores() -> None:
    sc = _route_choice()
    assert sc.correlation is not None
    r = float(sc.correlation.normal_matrix()[0, 1])
    q = np.array([0.05, 0.3, 0.5, 0.95])
    serving = conditional_medians(sc, {"d_price": q})["e_serving"]
    by_hand = 0.35 + 0.25 * ndtr(r * ndtri(q))  # e_serving is uniform on 0.35 to 0.6
    np.testing.assert_allclose(serving, by_hand, rtol=1e-12)
    assert serving[2] == pytest.approx(0.475, rel=1e-12)  # at the median, the median
    assert conditional_medians(sc, {"d_cloud": q}) == {}


def test_each_group_of_correlated_inputs_is_said_once() -> None:
    moved = {"d_price": ["e_serving"], "e_serving": ["d_price"], "g_api": []}
    assert moved_words(moved, True) == (
        "Inputs the scenario correlates moved together, each to its median given the one swept: "
        "d_price and e_serving."
    )
    words = {"d_price": "price decline", "e_serving": "serving-cost decline"}
    assert moved_words(moved, False, words).endswith("set aside: price decline and serving-cost decline.")
    three = {"a": ["b", "c"], "b": ["a", "c"], "x": ["y"]}
    assert moved_words(three, True).endswith(": a, b and c; x and y.")
    assert moved_words({}, True) == moved_words({"g_api": []}, True) == ""
