"""Power by vintage: chips bought later draw fewer kW per H100e, and the fleet keeps each one's."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.world_helpers import run, spy_quarters, tiny_world

import labecon
from labecon.model.capacity import data_centres_built_kw
from labecon.model.world_outputs import Accumulator, Quarter
from labecon.model.world_state import (
    CHIP_KW,
    LEASE_FILL,
    LEASE_PENDING,
    LEASE_REFILL,
    LEASED,
    LEASED_KW,
    Context,
)

KW0 = 1.4535 / 1.0  # tiny world's H100: 1.4535 kW all in, one H100e per unit
GROWING = {
    "labs.a.cash_usd": 5e11,
    "labs.b.cash_usd": 5e11,
    "labs.a.strategy.own_frac": 0.6,
    "labs.a.strategy.commit_frac": 0.0,
    "labs.a.strategy.lease_frac": 0.3,
    "labs.a.lease": {"usd_per_mw_per_year": 1.9e6, "term_quarters": 8, "lead_quarters": 2},
    "market.segments.api.growth_per_year": 1.5,
    "finance.chip_life_quarters": 4,  # so that chips retire within the horizon
}


def _spied(monkeypatch: pytest.MonkeyPatch, **changes: Any) -> tuple[list[Quarter], labecon.Results]:
    """Run the growing tiny world; return every quarter the engine ran, and the run."""
    seen: list[Quarter] = spy_quarters(monkeypatch)
    return seen, run(tiny_world(**{**GROWING, **changes}), n=50)


def _quarters(monkeypatch: pytest.MonkeyPatch, decline: float, **changes: Any) -> list[Quarter]:
    """Run the tiny world with the H100's power decline; return every quarter the engine ran."""
    return _spied(monkeypatch, **{"chips.h100.power_decline_per_year": decline, **changes})[0]


def test_without_a_decline_the_load_is_the_capacity_times_its_kw(monkeypatch: pytest.MonkeyPatch) -> None:
    quarters = _quarters(monkeypatch, 0.0)
    assert any(q.online.leased_h100e.any() for q in quarters), "the case leases"
    for q in quarters:
        capacity = q.online.owned_h100e + q.online.leased_h100e
        np.testing.assert_allclose(q.online.it_kw, capacity * KW0, rtol=1e-12, atol=1e-6)


def test_the_load_lies_between_the_newest_and_the_oldest_chips(monkeypatch: pytest.MonkeyPatch) -> None:
    decline = 0.3
    quarters = _quarters(monkeypatch, decline)
    below = False
    for q in quarters:
        capacity = q.online.owned_h100e + q.online.leased_h100e
        newest = KW0 * (1.0 - decline) ** (q.t / 4.0)  # every chip online was bought by now
        assert np.all(q.online.it_kw <= capacity * KW0 * (1 + 1e-12) + 1e-6)
        assert np.all(q.online.it_kw >= capacity * newest * (1 - 1e-12) - 1e-6)
        below |= bool(np.any(q.online.it_kw < capacity * KW0 * (1 - 1e-6)))
    assert below, "chips bought after quarter 0 draw less"


def test_retired_chips_take_their_own_load_with_them(monkeypatch: pytest.MonkeyPatch) -> None:
    # With no capacity left to buy (nor halls refilled), the load falls to zero as the opening fleet retires.
    quarters = _quarters(
        monkeypatch,
        0.3,
        **{
            "labs.a.strategy.own_frac": 0.0,
            "labs.a.strategy.lease_frac": 0.0,
            "labs.a.owned_book_frac": 0.5,
            "finance.owned_refill": "plan",
        },
    )
    last = quarters[-1]
    assert not last.online.owned_h100e[:, 0].any()
    np.testing.assert_allclose(last.online.it_kw[:, 0], 0.0, atol=1e-6)


def test_chips_that_draw_less_later_cost_less_to_house_and_run() -> None:
    # Owned only: a leased hall refilled with chips that draw less holds more of them (below).
    def totals(decline: float) -> tuple[np.ndarray, np.ndarray]:
        changes = {"chips.h100.power_decline_per_year": decline, "labs.a.strategy.lease_frac": 0.0}
        res = run(tiny_world(**{**GROWING, **changes}), n=50)
        ds = res.dataset
        investing = ds["cash_flow_usd"].sel(lab="a", cash_flow_line="investing").to_numpy()
        cost = ds["income_statement_usd"].sel(lab="a", income_line="compute_cost").to_numpy()
        return investing, cost

    investing0, cost0 = totals(0.0)
    investing1, cost1 = totals(0.3)
    # Investing is an outflow: less negative, from quarter 0 on, as the data centres ordered then
    # are built for the chips they open with.
    assert np.all(investing1[:, 0] > investing0[:, 0])
    assert np.all(investing1 >= investing0 - 1e-3)
    assert investing1.sum() > investing0.sum()
    assert np.all(cost1 <= cost0 + 1e-3)
    assert cost1.sum() < cost0.sum()


def test_new_chips_fill_the_space_old_ones_left_before_anything_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Chips live 4 quarters, data centres 40: every chip in service has space, and the space built
    # never passes the peak load so far (a replacement chip goes where its predecessor was; it is
    # ordered before that one retires, so chips on order may outnumber the space for a while).
    quarters = _quarters(
        monkeypatch,
        0.3,
        **{
            "finance.chip_life_quarters": 4,
            "finance.dc_life_quarters": 40,
            "labs.a.strategy.lease_frac": 0.0,
        },
    )
    peak = np.zeros_like(quarters[0].state.fleet.space_kw)
    for q in quarters:
        fl = q.state.fleet
        load = fl.owned_kw + fl.building_kw
        peak = np.maximum(peak, load)
        assert np.all(fl.space_kw >= fl.owned_kw * (1 - 1e-12) - 1e-6)
        assert np.all(fl.space_kw <= peak * (1 + 1e-12) + 1e-6)
    # Every kW of space, the opening fleet's included, holds chips ordered in the run: the
    # opening fleet's space went to its replacements (else the space would be theirs plus it).
    last = quarters[-1].state
    arrived_kw = last.books.arrivals.data[: len(quarters), CHIP_KW, 0, :].sum(axis=0)
    ordered_kw = arrived_kw + last.fleet.building_kw[:, 0]
    assert np.all(ordered_kw >= last.fleet.space_kw[:, 0] * (1 - 1e-12))


def test_the_data_centre_output_is_the_load_at_each_year_end(monkeypatch: pytest.MonkeyPatch) -> None:
    seen, res = _spied(monkeypatch)
    gw = res.dataset["data_centre_gw_by_year"]
    assert gw.attrs["units"] == "GW"
    for y in range(gw.sizes["year"]):
        end = seen[4 * y + 3]
        np.testing.assert_array_equal(gw.isel(year=y).to_numpy(), end.online.it_kw * 1e-6)
    assert np.all(gw.sel(lab="b").to_numpy() == 0.0)  # the partner lab owns and leases nothing


def test_chips_that_retire_within_the_lead_time_are_replaced_in_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # Chips live 4 quarters, data centres take 3: a lab that ordered only when its chips had
    # retired would lose most of its fleet for 3 quarters in each generation (1.05M H100e to
    # 0.11M here); ordered ahead, the replacements arrive as the old chips leave.
    seen, _ = _spied(
        monkeypatch,
        **{
            "labs.a.owned_h100e": 0.0,
            "labs.a.strategy.own_frac": 0.8,
            "labs.a.strategy.lease_frac": 0.0,
            "finance.dc_lead_quarters": 3,
        },
    )
    owned = np.array([q.online.owned_h100e[:, 0] for q in seen])
    first = 3  # the first orders arrive
    assert np.all(owned[first] > 0.0)
    assert np.all(owned[first + 1 :] >= 0.95 * owned[first:-1])


def _built_each_quarter(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """Spy on the outputs: each quarter's halls in service (kW, read then: the books move on) and load."""
    seen: list[tuple[int, np.ndarray, np.ndarray]] = []
    record = Accumulator.record

    def spy(self: Accumulator, q: Quarter, ctx: Context) -> None:
        seen.append((q.t, data_centres_built_kw(q.t, q.state), q.online.it_kw.copy()))
        record(self, q, ctx)

    monkeypatch.setattr(Accumulator, "record", spy)
    return seen


def test_the_data_centres_built_hold_the_load_and_outlast_it(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _built_each_quarter(monkeypatch)
    res = run(tiny_world(**{**GROWING, "chips.h100.power_decline_per_year": 0.3}), n=50)
    built = res.dataset["data_centre_built_gw_by_year"]
    assert built.attrs["units"] == "GW"
    for t, built_kw, load_kw in seen:
        if t % 4 == 3:
            np.testing.assert_array_equal(built.isel(year=t // 4).to_numpy(), built_kw * 1e-6)
        assert np.all(built_kw >= load_kw * (1 - 1e-12) - 1e-6), f"chips without a hall in quarter {t}"
    assert any(np.any(b > load * (1 + 1e-6) + 1.0) for _, b, load in seen), "halls outlast the load"
    assert np.all(built.sel(lab="b").to_numpy() == 0.0)  # the partner lab owns and leases nothing


@pytest.mark.parametrize("own_frac", [0.0, 0.6])
def test_halls_that_close_before_their_chips_are_replaced_in_time(
    monkeypatch: pytest.MonkeyPatch, own_frac: float
) -> None:
    # The opening halls close after 4 quarters (half of an 8-quarter life), the chips in them live
    # 10 quarters: a new hall is ordered a lead time ahead for them, also by a lab ordering no chips.
    seen = _built_each_quarter(monkeypatch)
    changes = {
        "labs.a.owned_book_frac": 0.5,
        "finance.chip_life_quarters": 20,
        "finance.dc_life_quarters": 8,
        "finance.dc_lead_quarters": 3,
        "labs.a.strategy.own_frac": own_frac,
        "labs.a.strategy.lease_frac": 0.0,
    }
    res = run(tiny_world(**{**GROWING, **changes}), n=50)
    for t, built_kw, load_kw in seen:
        assert np.all(built_kw >= load_kw * (1 - 1e-12) - 1e-6), f"chips without a hall in quarter {t}"
    assert np.all(seen[9][2][:, 0] > 0), "the opening chips still run after their halls closed"
    investing = res.dataset["cash_flow_usd"].sel(lab="a", cash_flow_line="investing").to_numpy()
    assert np.all(investing[:, 1:4].sum(axis=1) < 0), "the new halls are paid for"


def _leases_only(
    monkeypatch: pytest.MonkeyPatch, decline: float, refill: str
) -> tuple[np.ndarray, int, np.ndarray]:
    """Run lab a on leases only (2 quarters to start, 12 to run); return its schedule of changes due
    ``(quarter, component, sample)``, the quarter its first lease starts and the H100e it opens with."""
    seen, _ = _spied(
        monkeypatch,
        **{
            "chips.h100.power_decline_per_year": decline,
            "labs.a.strategy.own_frac": 0.0,
            "labs.a.strategy.lease_frac": 0.6,
            "labs.a.owned_h100e": 0.0,
            "labs.a.lease": {"usd_per_mw_per_year": 1.9e6, "term_quarters": 12, "lead_quarters": 2},
            "finance.lease_refill": refill,
        },
    )
    due = seen[-1].state.books.due.data[:, :, 0, :]
    start = next(q.t for q in seen if q.online.leased_h100e[:, 0].any())
    return due, start, -due[start, LEASE_PENDING]  # a lease starting then books -x as no longer pending


def test_a_leased_hall_refilled_with_chips_that_draw_less_holds_more_of_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Only leases (2 quarters to start, 12 to run), chips living 4 quarters: the hall is built for
    # the chips it opens with; a refill buys the H100e that fit in its kW at the kW of the chips of
    # then; the hall's kW stays. Read from the books once the run is over.
    decline = 0.3
    due, start, first = _leases_only(monkeypatch, decline, "hall")  # whatever the plan asks
    assert np.all(first > 0)

    def kw(t: int) -> float:
        return KW0 * (1.0 - decline) ** (t / 4.0)

    refill = start + 4
    fits = first * kw(start) / kw(refill)
    starting_then = -due[refill, LEASE_PENDING]
    np.testing.assert_allclose(due[refill, LEASE_FILL] - starting_then, fits, rtol=1e-9)
    np.testing.assert_allclose(due[refill, LEASED] - starting_then, fits - first, rtol=1e-9)
    # The hall's kW does not change at the refill: only the leases starting then add theirs.
    np.testing.assert_allclose(due[refill, LEASED_KW], starting_then * kw(refill), rtol=1e-9)
    np.testing.assert_allclose(due[start, LEASED_KW], first * kw(start), rtol=1e-9)


def test_refitting_the_space_retired_chips_left_costs_what_the_scenario_says() -> None:
    # Chips live 4 quarters: replacements, ordered a lead time ahead from quarter 0, go into the
    # space old ones leave; each MW of them refitted at $8M adds capex, paid as a facility is.
    def investing(refit: float) -> np.ndarray:
        changes = {"chips.h100.power_decline_per_year": 0.3, "finance.dc_refit_usd_per_mw": refit}
        ds = run(tiny_world(**{**GROWING, "labs.a.strategy.lease_frac": 0.0, **changes}), n=50).dataset
        return ds["cash_flow_usd"].sel(lab="a", cash_flow_line="investing").to_numpy()

    free, refitted = investing(0.0), investing(8.0e6)
    assert np.all(refitted <= free + 1e-3)  # an outflow: more negative
    assert refitted.sum() < free.sum()


def test_a_leased_hall_renewed_as_the_plan_asks_gets_no_more_than_fit_in_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As above, with finance.lease_refill: plan (the default): at a renewal the chips it opened with
    # leave, and the lab buys what its plan asks, at most the H100e that fit in the hall's kW then.
    decline = 0.3
    due, start, first = _leases_only(monkeypatch, decline, "plan")
    refill = start + 4
    fits = first * (1.0 - decline) ** (-(refill - start) / 4.0)
    np.testing.assert_allclose(due[refill, LEASE_REFILL], fits, rtol=1e-9)  # what the hall holds then
    starting_then = -due[refill, LEASE_PENDING]
    bought = due[refill, LEASE_FILL] - starting_then
    assert np.all(bought >= -1e-6)
    assert np.all(bought <= fits * (1 + 1e-9))
    np.testing.assert_allclose(due[refill, LEASED] - starting_then, bought - first, rtol=1e-9, atol=1e-6)
    # The hall's kW is the lease's whatever its chips: it stays until the lease ends.
    np.testing.assert_allclose(
        due[refill, LEASED_KW], starting_then * KW0 * (1.0 - decline) ** (refill / 4.0), rtol=1e-9
    )
