"""Each stage of the world's quarter on small cases computed by hand."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from labecon.model import capability, capacity, compute, finance, market, risk, world_open
from labecon.model.world_state import Drivers


def test_serve_shares_capacity_over_segments_and_loses_the_rest() -> None:
    # One lab, two segments: 100 and 300 units, 1 and 0.5 H100e-hours a unit, 10 hours.
    demand = np.array([[[100.0, 300.0]]])
    cpu = np.array([[1.0, 0.5]])
    # Need = (100 + 150) / 10 = 25 H100e; capacity 20 serves 80% of each segment.
    served, lost = market.serve(demand, cpu, np.array([[20.0]]), hours=10.0)
    np.testing.assert_allclose(served, [[[80.0, 240.0]]])
    np.testing.assert_allclose(lost, [[[20.0, 60.0]]])
    full, none_lost = market.serve(demand, cpu, np.array([[30.0]]), hours=10.0)
    np.testing.assert_array_equal(full, demand)
    assert not none_lost.any()


def test_lost_demand_spills_to_labs_with_spare_capacity_up_to_the_pool() -> None:
    # Lab 0 lost 50 units (5 H100e at 1 H100e-hour a unit, 10 hours); lab 1 has 2 H100e spare.
    lost = np.array([[[50.0], [0.0]]])
    won = market.spill_over(lost, np.array([[0.0, 2.0]]), np.array([[1.0]]), hours=10.0)
    np.testing.assert_allclose(won, [[[0.0], [20.0]]])
    # With 8 spare the whole pool (50 units) is served, no more.
    all_of_it = market.spill_over(lost, np.array([[0.0, 8.0]]), np.array([[1.0]]), hours=10.0)
    np.testing.assert_allclose(all_of_it, [[[0.0], [50.0]]])


def test_target_shares_reproduce_the_calibrated_shares_at_quarter_zero() -> None:
    shares0 = np.array([[[0.2], [0.1]]])
    attract0 = np.array([[[1.5], [0.5]]])
    brand, outside = market.calibrate_brands(shares0, attract0)
    np.testing.assert_allclose(outside, [[0.7]])
    np.testing.assert_allclose(market.target_shares(brand, attract0, outside), shares0)
    # A lab twice as attractive as at calibration gains share; the others lose some.
    twice = market.target_shares(brand, attract0 * np.array([[[2.0], [1.0]]]), outside)
    assert twice[0, 0, 0] > 0.2
    assert twice[0, 1, 0] < 0.1


def test_a_funding_round_covers_the_target_runway_within_the_dilution_cap() -> None:
    cash, burn = np.array([[-1.0]]), np.array([[4.0]])
    wanted = finance.round_size_usd(cash, burn, np.array([[6.0]]))
    np.testing.assert_allclose(wanted, [[24.0]])  # 6 quarters of a burn of 4
    # Pre-money 60 and at most 20% dilution: at most 60 * 0.2 / 0.8 = 15 can be raised.
    raised = finance.cap_round_usd(wanted, np.array([[60.0]]), np.array([[0.2]]))
    np.testing.assert_allclose(raised, [[15.0]])
    np.testing.assert_allclose(finance.dilution_frac(raised, np.array([[60.0]])), [[0.2]])
    # A lab that lacks more than its target runway raises at least what it lacks plus a quarter.
    np.testing.assert_allclose(finance.round_size_usd(np.array([[-50.0]]), burn, np.array([[1.0]])), [[54.0]])


def test_funding_succeeds_more_often_for_growth_and_the_capability_leader() -> None:
    rank = finance.capability_rank_score(np.array([[27.0, 26.0, 26.5]]))
    np.testing.assert_allclose(rank, [[1.0, 0.0, 0.5]])
    zero = np.array([[0.0, 0.0]])
    p = finance.funding_success_probability((0.0, 1.0, 2.0, 0.5), np.array([[0.0, 1.0]]), zero, zero)
    np.testing.assert_allclose(p, [[0.5, 1.0 / (1.0 + np.exp(-1.0))]])
    # Losses lower the odds: a loss of twice revenue takes 0.5 x 2 of log-odds.
    p_loss = finance.funding_success_probability((0.0, 1.0, 2.0, 0.5), zero, zero, np.array([[2.0, 0.0]]))
    np.testing.assert_allclose(p_loss, [[1.0 / (1.0 + np.exp(1.0)), 0.5]])


def test_investors_put_at_most_the_yearly_ceiling_into_one_lab() -> None:
    history = (np.array([[10.0, 0.0]]), np.array([[20.0, 0.0]]), np.array([[5.0, 0.0]]))
    room = finance.raise_room_usd(np.array([30.0]), history)
    np.testing.assert_allclose(room, [[0.0, 30.0]])  # 35 raised in three quarters already
    np.testing.assert_allclose(
        finance.loss_over_revenue(np.array([[-30.0, 5.0]]), np.array([[10.0, 10.0]])), [[3.0, 0.0]]
    )


def test_capability_rises_to_a_finished_runs_flop_and_never_falls() -> None:
    cap = np.array([[25.0, 27.0]])
    run_flop = np.array([[1e26, 1e26]])
    ends = np.ones((1, 2))
    new_cap, new_run = capability.finish_runs(cap, run_flop, ends)
    np.testing.assert_allclose(new_cap, [[26.0, 27.0]])  # log10(1e26) = 26 > 25, < 27
    np.testing.assert_array_equal(new_run, [[0.0, 0.0]])
    kept, running = capability.finish_runs(cap, run_flop, np.zeros((1, 2)))
    np.testing.assert_array_equal(kept, cap)
    np.testing.assert_array_equal(running, run_flop)


def test_effective_flop_of_a_quarter_of_one_h100e() -> None:
    flop = capability.effective_flop(np.array([[1.0]]), 2190.0, np.array([0.5]), np.array([2.0]))
    np.testing.assert_allclose(flop, [[2190.0 * 3600.0 * 989.4e12 * 0.5 * 2.0]], rtol=1e-15)


def test_an_event_is_active_from_its_onset_for_its_duration() -> None:
    window = risk.EventWindow(
        occurs=np.array([1.0, 0.0]),
        onset=np.array([2.0, 2.0]),
        end=np.array([5.0, 5.0]),
        size_frac=np.zeros(2),
        delay_quarters=0,
    )
    active = np.array([risk.active(window, t) for t in range(7)])
    np.testing.assert_array_equal(active[:, 0], [0, 0, 1, 1, 1, 0, 0])
    assert not active[:, 1].any()  # an event that does not occur is never active
    np.testing.assert_array_equal(
        risk.multiplier_down(window._replace(size_frac=np.array([1.5, 1.5])), 3), [0, 1]
    )


def test_owned_chips_are_priced_at_delivery_with_a_shortage_then() -> None:
    # Three samples, one lab: price 100 per H100e now, falling 10% a quarter. Sample 0's
    # shortage (+50%) is on now and over by delivery; sample 1's starts before its delivery;
    # sample 2 has none and waits twice as long.
    shortage = risk.EventWindow(
        occurs=np.array([1.0, 1.0, 0.0]),
        onset=np.array([0.0, 5.0, 0.0]),
        end=np.array([3.0, np.inf, np.inf]),
        size_frac=np.full(3, 0.5),
        delay_quarters=0,
    )
    factor = np.full((3, 1), 0.9)
    ctx = SimpleNamespace(
        params=SimpleNamespace(compute_priced_at="delivery"),
        windows={"chip_shortage": shortage},
        drivers_factor=SimpleNamespace(chip_usd_per_h100e=factor, own_kw_per_h100e=factor),
        chip_over_dc_lead=(factor**4.0, factor**4.0),  # the lead without a construction delay
    )
    drivers = SimpleNamespace(chip_usd_per_h100e=np.full((3, 1), 100.0), own_kw_per_h100e=np.ones((3, 1)))
    state = SimpleNamespace(drivers=drivers)
    expected = [100 * 0.9**4, 100 * 0.9**4 * 1.5, 100 * 0.9**8]
    # Sample 2 waits twice as long under a construction delay; without one, all wait 4 quarters.
    delayed = SimpleNamespace(
        lead_quarters=np.array([4.0, 4.0, 8.0]), events={"construction_delay": np.eye(3)[2]}
    )
    price, kw = capacity.chips_on_delivery(2, state, delayed, ctx)  # type: ignore[arg-type]
    np.testing.assert_allclose(price[:, 0], expected, rtol=1e-14)
    np.testing.assert_allclose(kw[:, 0], [0.9**4, 0.9**4, 0.9**8], rtol=1e-14)  # the chips of then
    on_time = SimpleNamespace(lead_quarters=np.full(3, 4.0), events={"construction_delay": np.zeros(3)})
    price, _ = capacity.chips_on_delivery(2, state, on_time, ctx)  # type: ignore[arg-type]
    np.testing.assert_allclose(price[:, 0], [expected[0], expected[1], expected[0]], rtol=1e-14)
    # Priced at signing (the run's factors over the lead are then 1): today's price and shortage.
    at_signing = SimpleNamespace(
        params=SimpleNamespace(compute_priced_at="signing"),
        windows=ctx.windows,
        drivers_factor=ctx.drivers_factor,
        chip_over_dc_lead=(np.ones((3, 1)), np.ones((3, 1))),
    )
    price, kw = capacity.chips_on_delivery(2, state, delayed, at_signing)  # type: ignore[arg-type]
    np.testing.assert_array_equal(price[:, 0], [150.0, 100.0, 100.0])
    np.testing.assert_array_equal(kw[:, 0], [1.0, 1.0, 1.0])


def test_straight_line_depreciation_and_the_shared_operating_costs() -> None:
    np.testing.assert_allclose(compute.straight_line_usd_per_quarter(np.array([100.0]), 20), [5.0])
    # 10 H100e at 1.4 kW, PUE 1.2, 2190 hours, 0.08 USD/kWh.
    np.testing.assert_allclose(compute.power_usd(10.0, 1.4, 1.2, 2190.0, 0.08), 10 * 1.4 * 1.2 * 2190 * 0.08)
    assert compute.maintenance_usd(0.04, 1000.0) == 10.0
    assert compute.rental_usd(3.0, 2190.0, 2.0) == 13140.0


def test_the_opening_fleet_depreciates_over_its_remaining_life_and_retires() -> None:
    from tests.world_helpers import path, run, tiny_world

    # 100k H100 at $25,000 on the books at half their cost: the chips have round(0.5 x 20) = 10
    # quarters left, the facility (1.4535 kW each at $16.6M per MW) round(0.5 x 56) = 28.
    # Its halls get new chips only as its plan (to own nothing more) asks: none.
    data = tiny_world(
        **{
            "labs.a.owned_book_frac": 0.5,
            "labs.a.strategy.own_frac": 0.0,
            "labs.a.strategy.commit_frac": 0.0,
            "finance.owned_refill": "plan",
        }
    )
    res = run(data, n=3)
    chips_q = 1e5 * 25_000.0 * 0.5 / 10
    dc_q = 1e5 * 1.4535e-3 * 16.6e6 * 0.5 / 28
    dep = res.dataset["income_statement_usd"].sel(lab="a", income_line="depreciation").to_numpy()
    expected = np.where(np.arange(12) < 10, chips_q + dc_q, dc_q)
    np.testing.assert_allclose(dep, np.broadcast_to(expected, dep.shape), rtol=1e-12)
    owned = path(res, "capacity_h100e")[:, 0, :, 0]
    np.testing.assert_array_equal(owned[:, :10], 1e5)
    np.testing.assert_array_equal(owned[:, 10:], 0.0)
    # Kept full (finance.owned_refill: hall), they get chips as the old ones retire.
    data["finance"]["owned_refill"] = "hall"
    refilled = path(run(data, n=3), "capacity_h100e")[:, 0, :, 0]
    np.testing.assert_array_equal(refilled[:, :10], 1e5)
    assert (refilled[:, 10:] >= 1e5).all(), "as many chips as fit in the space the old ones left"


def test_drivers_move_by_their_factors_whether_stored_whole_as_a_row_or_left_out() -> None:
    rng = np.random.default_rng(3)
    n = 5
    factors = Drivers(*(np.asfortranarray(rng.uniform(0.8, 1.2, size=x.shape)) for x in _drivers(n, rng)))
    factors = factors._replace(
        staff_usd_per_quarter=np.ones((n, 2), order="F"),  # nothing moves
        rent_limit_h100e=np.asfortranarray(np.tile([1.1, 0.9], (n, 1))),  # every sample shares it
    )
    steps = tuple(world_open._step(f) for f in factors)
    assert steps[Drivers._fields.index("staff_usd_per_quarter")] is None
    assert steps[Drivers._fields.index("rent_limit_h100e")].shape == (1, 2)
    drivers = _drivers(n, rng)
    before = Drivers(*(x.copy() for x in drivers))
    moved = world_open.advance(drivers, steps)
    for name, x, f, y in zip(Drivers._fields, before, factors, moved, strict=True):
        assert np.array_equal((x * f).view(np.uint64), y.view(np.uint64)), name  # bit for bit
    # In place: each path keeps its array (and its layout), moved on.
    assert all(y is x for x, y in zip(drivers, moved, strict=True))


def _drivers(n: int, rng: np.random.Generator) -> Drivers:
    shapes = {"partner": (n, 3), "reference": (n, 2), "compute_per": (n, 2), "growth_fade": (n, 2)}
    one_d = ("algorithmic", "discount", "raise_ceiling_usd_per_year")
    out = []
    for name in Drivers._fields:
        shape = (n,) if name in one_d else next((s for k, s in shapes.items() if name.startswith(k)), (n, 2))
        out.append(np.asfortranarray(rng.uniform(1.0, 10.0, size=shape)))
    return Drivers(*out)
