"""What moves each route answer: each input swept alone, every point on the same futures."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import ndtr, ndtri

import labecon
from labecon.analysis.drivers import route_drivers
from labecon.analysis.sensitivity import InputSpace
from labecon.errors import OptionError, ScenarioError

FUTURES = 4


@pytest.fixture(scope="module")
def drivers() -> labecon.RouteDrivers:
    return route_drivers("route-choice", seed=3, futures=FUTURES)


def _gain_alone(point: dict[str, float], route: str, seed: int) -> float:
    """The route's mean gain over samples 0 to FUTURES - 1's futures, with the inputs at ``point``.

    The rest at their medians; run as a table of its own, each row with its own sample's futures.
    """
    sc = labecon.load_scenario("route-choice")
    space = InputSpace.from_scenario(sc)
    value = {n: point.get(n, float(space.ppf(n, np.array([0.5]))[0])) for n in space.names}
    table = {n: np.full(FUTURES, v) for n, v in value.items()}
    run = labecon.simulate(sc, seed=seed, inputs=table, keep="outputs")
    return float(run.dataset["route_gain_usd"].sel(route=route).to_numpy().mean())


def _with_its_correlated(name: str, value: float) -> dict[str, float]:
    """``name`` at ``value``, with the route-choice input correlated with it at its median given it.

    By hand: both are uniform (d_price on 0.3 to 0.6, e_serving on 0.35 to 0.6), their normal
    scores correlated r, so the other's median given a quantile q is at the quantile Phi(r Phi^-1(q)).
    """
    correlation = labecon.load_scenario("route-choice").correlation
    assert correlation is not None
    r = float(correlation.normal_matrix()[0, 1])
    ranges = {"d_price": (0.3, 0.6), "e_serving": (0.35, 0.6)}
    (other,) = (n for n in ranges if n != name)
    low, high = ranges[name]
    (o_low, o_high) = ranges[other]
    return {name: value, other: o_low + (o_high - o_low) * ndtr(r * ndtri((value - low) / (high - low)))}


def test_every_bar_is_its_points_mean_gain_over_the_same_futures(drivers: labecon.RouteDrivers) -> None:
    route = "frontier_lab:lease"
    assert drivers.base[route] == pytest.approx(_gain_alone({}, route, 3), rel=1e-12)
    alone = [i for i, n in enumerate(drivers.inputs) if n not in ("d_price", "e_serving")]  # the next test's
    for i in (alone[0], alone[-1]):  # the input that moves it most, and the least
        name = drivers.inputs[i]
        assert drivers.low[route][i] == pytest.approx(
            _gain_alone({name: drivers.input_low[i]}, route, 3), rel=1e-12
        )
        assert drivers.high[route][i] == pytest.approx(
            _gain_alone({name: drivers.input_high[i]}, route, 3), rel=1e-12
        )
    # The futures differ: one of them alone (the sweep on sample 0's) gives other gains.
    assert route_drivers("route-choice", seed=3, futures=1).base[route] != drivers.base[route]


def test_a_swept_input_moves_the_one_the_scenario_correlates_with_it(drivers: labecon.RouteDrivers) -> None:
    route = "frontier_lab:own"
    assert drivers.correlated
    assert drivers.moved_with == {"d_price": ["e_serving"], "e_serving": ["d_price"]}
    for name in ("d_price", "e_serving"):
        i = drivers.inputs.index(name)
        for value, bar in ((drivers.input_low[i], drivers.low), (drivers.input_high[i], drivers.high)):
            assert bar[route][i] == pytest.approx(
                _gain_alone(_with_its_correlated(name, value), route, 3), rel=1e-12
            )
    held = route_drivers("route-choice", seed=3, futures=FUTURES, correlated=False)
    assert not held.correlated
    assert held.moved_with == drivers.moved_with  # said either way: they stayed at their medians
    for name in held.inputs:
        i, j = held.inputs.index(name), drivers.inputs.index(name)
        if name in ("d_price", "e_serving"):
            assert held.high[route][i] == pytest.approx(
                _gain_alone({name: held.input_high[i]}, route, 3), rel=1e-12
            )
            assert held.high[route][i] != drivers.high[route][j]
        else:  # an input no correlation names: the same bits either way
            assert held.low[route][i] == drivers.low[route][j]
            assert held.high[route][i] == drivers.high[route][j]
    assert "moved together" in repr(drivers)
    assert "stayed at their medians" in repr(held)


def test_price_and_serving_cost_moved_together_offset_each_other() -> None:
    # A faster price decline cuts what owning's capacity earns; a faster fall in serving cost
    # raises it. The scenario ties them: swept together, each moves owning's gain by less than
    # half what it does alone (at 16 futures, about 4% and 25%).
    futures = 16
    moved = route_drivers("route-choice", seed=1, futures=futures)
    held = route_drivers("route-choice", seed=1, futures=futures, correlated=False)
    route = "frontier_lab:own"

    def swing(d: labecon.RouteDrivers, name: str) -> float:
        i = d.inputs.index(name)
        return abs(d.high[route][i] - d.low[route][i])

    assert swing(moved, "d_price") < 0.5 * swing(held, "d_price")
    assert swing(moved, "e_serving") < 0.5 * swing(held, "e_serving")


def test_alternatives_only_and_inputs_ranked_by_their_largest_swing(drivers: labecon.RouteDrivers) -> None:
    assert drivers.declared == {"frontier_lab": "hybrid"}
    assert sorted(drivers.base) == ["frontier_lab:lease", "frontier_lab:own", "frontier_lab:partner"]
    swing = [
        max(abs(drivers.high[r][i] - drivers.low[r][i]) for r in drivers.base)
        for i in range(len(drivers.inputs))
    ]
    assert swing == sorted(swing, reverse=True)
    assert sorted(drivers.inputs) == sorted(labecon.load_scenario("route-choice").inputs)
    assert drivers.names["route"]["frontier_lab:lease"] == "Frontier lab: lease"
    assert drivers.n_evaluations == (1 + 7 * len(drivers.inputs)) * FUTURES


def test_demand_that_grows_faster_favours_the_routes_that_can_grow_with_it(
    drivers: labecon.RouteDrivers,
) -> None:
    # Leases stop at what builders offer: the faster API demand grows, the less leasing gains.
    i = drivers.inputs.index("g_api")
    assert drivers.high["frontier_lab:lease"][i] < drivers.low["frontier_lab:lease"][i]


def test_a_scenario_with_no_route_answer_is_refused_naming_the_field() -> None:
    with pytest.raises(ScenarioError) as compute:
        route_drivers("b1")
    assert compute.value.path == "scenario"
    no_routes = labecon.with_overrides("route-choice", {"labs.frontier_lab.routes": {}})
    with pytest.raises(ScenarioError) as world:
        route_drivers(no_routes)
    assert world.value.path == "labs"
    only_declared = labecon.with_overrides("route-choice", {"labs.frontier_lab.routes": {"hybrid": {}}})
    with pytest.raises(ScenarioError, match="no lab names a route other than its declared one") as alone:
        route_drivers(only_declared)
    assert alone.value.path == "labs"
    with pytest.raises(OptionError) as bad:
        route_drivers("route-choice", low_q=0.9, high_q=0.1)
    assert bad.value.option == "quantiles"
    with pytest.raises(OptionError) as unclear:
        route_drivers("route-choice", correlated="yes")  # type: ignore[arg-type]
    assert unclear.value.option == "correlated"
    for futures in (0, 2.5, True):
        with pytest.raises(OptionError) as none:
            route_drivers("route-choice", futures=futures)  # type: ignore[arg-type]
        assert none.value.option == "futures"


def test_shared_futures_repeat_every_count_samples_however_the_run_is_chunked() -> None:
    from labecon.model.risk import shared_futures

    drawn = labecon.simulate("route-choice", 7, 4, keep="outputs").dataset["input_value"]
    same = {str(n): np.full(7, float(drawn.sel(input=n).to_numpy()[0])) for n in drawn["input"].to_numpy()}
    with shared_futures(3):
        whole = labecon.simulate("route-choice", inputs=same, keep="outputs", seed=4).dataset["npv_fcf_usd"]
        chunked = labecon.simulate("route-choice", inputs=same, keep="outputs", seed=4, chunk_size=2)
    gains = whole.to_numpy()[:, 0]
    assert chunked.dataset["npv_fcf_usd"].to_numpy().tobytes() == whole.to_numpy().tobytes()
    # Samples 0, 3 and 6 share a future, as do 1 and 4, and 2 and 5; the futures are not all alike.
    assert gains[0] == gains[3] == gains[6]
    assert gains[1] == gains[4]
    assert gains[2] == gains[5]
    assert len({gains[0], gains[1], gains[2]}) > 1
    with pytest.raises(ValueError, match="count of 1 or more"), shared_futures(0):
        pass


def test_the_sweep_spread_over_workers_gives_the_same_bits(drivers: labecon.RouteDrivers) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from labecon.runtime.backends.pool import PoolBackend

    # A worker thread (or process) does not see the caller's shared futures unless the run
    # carries them: without, each point would be the mean over different futures.
    with ThreadPoolExecutor(2) as pool:
        spread = route_drivers("route-choice", seed=3, futures=FUTURES, backend=PoolBackend(pool))
    assert spread.to_dict() == drivers.to_dict()


def test_a_one_at_a_time_sweep_over_several_futures_agrees_with_route_drivers(
    drivers: labecon.RouteDrivers,
) -> None:
    from labecon.analysis.sensitivity import sensitivity

    route = "frontier_lab:lease"
    oat = sensitivity(
        "route-choice", "route_gain_usd", select={"route": route}, method="oat", n_samples=FUTURES, seed=3
    )
    assert oat.extra["futures"] == FUTURES
    assert oat.n_evaluations == drivers.n_evaluations
    for i, name in enumerate(drivers.inputs):
        j = oat.inputs.index(name)
        assert float(oat.indices["low"][j]) == pytest.approx(drivers.low[route][i], rel=1e-12)
        assert float(oat.indices["high"][j]) == pytest.approx(drivers.high[route][i], rel=1e-12)
    with pytest.raises(OptionError) as none:
        sensitivity("route-choice", "route_gain_usd", select={"route": route}, method="oat", n_samples=0)
    assert none.value.option == "n_samples"
