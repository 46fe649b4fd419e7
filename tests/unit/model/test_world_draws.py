"""Draws inside the world's quarter are keyed by name: events and labs do not move each other's."""

from __future__ import annotations

import numpy as np
from tests.world_helpers import run, tiny_world

import labecon
from labecon.model.risk import EventParams, WorldDraws, draw_window
from labecon.model.world_open import context
from labecon.model.world_params import world_params

N = 64


def test_a_labs_funding_draws_do_not_depend_on_the_other_labs() -> None:
    alone = WorldDraws(seed=7, start=0, n=N, labs=("a",)).funding_uniforms(5)
    both = WorldDraws(seed=7, start=0, n=N, labs=("b", "a")).funding_uniforms(5)
    np.testing.assert_array_equal(alone[:, 0], both[:, 1])
    assert not np.array_equal(both[:, 0], both[:, 1])
    assert not np.array_equal(alone, WorldDraws(7, 0, N, ("a",)).funding_uniforms(6))


def test_sample_i_gets_the_same_draws_in_any_block() -> None:
    whole = WorldDraws(seed=3, start=100, n=N, labs=("a", "b"))
    part = whole.take(slice(10, 30))
    assert (part.start, part.n) == (110, 20)
    np.testing.assert_array_equal(part.funding_uniforms(2), whole.funding_uniforms(2)[10:30])
    np.testing.assert_array_equal(
        part.uniforms("risks.chip_shortage.onset"), whole.uniforms("risks.chip_shortage.onset")[10:30]
    )


def _windows(data: dict) -> dict:  # type: ignore[type-arg]
    sc = labecon.load_scenario(data)
    return context(world_params(sc, {}, N, seed=1, start=0)).windows


def test_an_events_window_does_not_depend_on_which_other_events_are_listed() -> None:
    shortage = {"probability": 0.5, "size_frac": 0.2, "duration_quarters": 2}
    alone = _windows(tiny_world(**{"risks.chip_shortage": shortage}))
    with_more = _windows(
        tiny_world(
            **{
                "risks.demand_slump": {"probability": 0.5, "size_frac": 0.1},
                "risks.chip_shortage": shortage,
            }
        )
    )
    for field in ("occurs", "onset", "end"):
        np.testing.assert_array_equal(
            getattr(alone["chip_shortage"], field), getattr(with_more["chip_shortage"], field)
        )
    assert 0 < alone["chip_shortage"].occurs.mean() < 1


def test_listing_an_event_that_never_happens_changes_no_result() -> None:
    shortage = {"risks.chip_shortage": {"probability": 0.5, "size_frac": 0.5}}
    base = run(tiny_world(**shortage), n=40)
    more = run(tiny_world(**shortage, **{"risks.demand_slump": {"probability": 0.0, "size_frac": 0.3}}), n=40)
    for name in ("npv_fcf_usd", "cash_flow_usd", "balance_sheet_usd"):
        np.testing.assert_array_equal(base.dataset[name].to_numpy(), more.dataset[name].to_numpy())


def test_a_certain_event_starts_within_the_horizon_and_lasts_its_duration() -> None:
    draws = WorldDraws(seed=2, start=0, n=N, labs=())
    event = EventParams(True, np.ones(N), np.full(N, 0.3), duration_quarters=3, delay_quarters=0)
    window = draw_window(draws, "demand_slump", event, horizon_quarters=12)
    assert np.all(window.occurs == 1.0)
    assert np.all((window.onset >= 0) & (window.onset < 12) & (window.onset == np.floor(window.onset)))
    np.testing.assert_array_equal(window.end, window.onset + 3)
    never = draw_window(draws, "demand_slump", event._replace(probability=np.zeros(N)), 12)
    assert np.all(never.occurs == 0.0)
