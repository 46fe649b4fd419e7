"""Chips for free data-centre space ordered a chip lead time ahead (``finance.chip_lead_quarters``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.world_helpers import run, spy_quarters, tiny_world

from labecon.model import capacity
from labecon.model.world_state import OWNED

# Chips live 4 quarters and data centres 40, so that chips retire into free space in the run.
REPLACING = {
    "labs.a.strategy.own_frac": 0.8,
    "labs.a.strategy.commit_frac": 0.1,
    "market.segments.api.growth_per_year": 1.5,
    "finance.chip_life_quarters": 4,
    "finance.dc_life_quarters": 40,
    "finance.dc_lead_quarters": 5,
    "chips.h100.power_decline_per_year": 0.3,
}


def _dataset(**changes: Any) -> Any:
    return run(tiny_world(**{**REPLACING, **changes}), n=60).dataset


def test_a_chip_lead_as_long_as_the_data_centres_orders_as_before() -> None:
    # Chips ordered the data-centre lead ahead either way: into free space first, then new halls.
    before, after = _dataset(), _dataset(**{"finance.chip_lead_quarters": 5})
    for var in ("npv_fcf_usd", "capacity_h100e_by_year", "data_centre_built_gw_by_year", "cash_usd_by_year"):
        np.testing.assert_allclose(after[var].to_numpy(), before[var].to_numpy(), rtol=1e-9, err_msg=var)


def test_a_longer_chip_lead_is_the_data_centre_lead() -> None:
    at_lead = _dataset(**{"finance.chip_lead_quarters": 5})
    beyond = _dataset(**{"finance.chip_lead_quarters": 9})
    assert at_lead["npv_fcf_usd"].to_numpy().tobytes() == beyond["npv_fcf_usd"].to_numpy().tobytes()


def test_chips_for_free_space_arrive_a_chip_lead_after_their_order(monkeypatch: pytest.MonkeyPatch) -> None:
    booked: list[tuple[int, np.ndarray, np.ndarray]] = []
    order = capacity.order_for_free_space

    def spy(t: int, state: Any, *args: Any) -> Any:
        before = state.books.arrivals.data[min(t + 1, state.books.arrivals.horizon), OWNED].copy()
        new, ordered = order(t, state, *args)
        fill = new.fleet.building_h100e - state.fleet.building_h100e
        after = new.books.arrivals.data[min(t + 1, new.books.arrivals.horizon), OWNED]
        booked.append((t, fill, after - before))
        assert ordered
        return new, ordered

    monkeypatch.setattr(capacity, "order_for_free_space", spy)
    seen = spy_quarters(monkeypatch)
    run(tiny_world(**{**REPLACING, "finance.chip_lead_quarters": 1}), n=60)
    assert sum(float(fill.sum()) for _, fill, _ in booked) > 0, "the case orders chips for free space"
    for _, fill, arriving in booked:  # (sample, lab) ordered now; (lab, sample) booked for next quarter
        np.testing.assert_allclose(arriving.T, fill, rtol=1e-12, atol=1e-9)
    # Every chip in service has a hall: halls are ordered for the chips that will not fit.
    for q in seen:
        fl = q.state.fleet
        assert np.all(fl.space_kw >= fl.owned_kw * (1 - 1e-12) - 1e-6)
