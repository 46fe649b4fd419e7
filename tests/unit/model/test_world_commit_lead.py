"""Commitments that start later than next quarter: online after their lead, planned for then."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.world_helpers import run, spy_quarters, tiny_world

import labecon
from labecon.model.world_outputs import Quarter

COMMITTING = {
    "labs.a.committed_h100e": 0.0,
    "labs.a.strategy.commit_frac": 0.5,
    "labs.a.strategy.commit_term_quarters": 6,
}


def _committed_online(monkeypatch: pytest.MonkeyPatch, lead: int, **changes: Any) -> np.ndarray:
    """Return lab a's committed capacity online in each quarter, ``(quarter, sample)``."""
    seen: list[Quarter] = spy_quarters(monkeypatch)
    run(tiny_world(**COMMITTING, **changes, **{"labs.a.strategy.commit_lead_quarters": lead}), n=50)
    return np.array([q.online.committed_h100e[:, 0] for q in seen])


@pytest.mark.parametrize("lead", [1, 3])
def test_a_commitment_starts_after_its_lead(monkeypatch: pytest.MonkeyPatch, lead: int) -> None:
    committed = _committed_online(monkeypatch, lead)
    assert np.all(committed[:lead] == 0.0), "nothing signed at quarter 0 is online before its lead"
    assert np.all(committed[lead] > 0.0)


def test_a_commitment_is_sized_for_its_start(monkeypatch: pytest.MonkeyPatch) -> None:
    # Signed at quarter 0 in a growing market: planned for three quarters ahead, more than for one.
    growing = {"market.segments.api.growth_per_year": 1.5}
    sooner = _committed_online(monkeypatch, 1, **growing)[1]
    later = _committed_online(monkeypatch, 3, **growing)[3]  # the quarter-0 contract alone
    assert np.all(later > sooner)


def test_commitments_that_wait_favour_building() -> None:
    # lab_own chooses between building (own) and committing: contracts that wait for their capacity
    # lose what made committing attractive (capacity next quarter). The commit route's paired gain
    # over building falls, future by future.
    def commit_gain(lead: int) -> np.ndarray:
        sc = labecon.with_overrides("two-strategies", {"labs.lab_own.strategy.commit_lead_quarters": lead})
        # 6,000 futures: with take-or-pay at its three-year price the effect is smaller than the
        # tails of 2,000 futures (z 3.9 there, 13.5 here).
        ds = labecon.simulate(sc, n_samples=6000, seed=2).dataset
        return ds["route_gain_usd"].sel(route="lab_own:commit").to_numpy()

    now, waiting = commit_gain(1), commit_gain(4)
    diff = now - waiting
    se = diff.std(ddof=1) / np.sqrt(diff.size)
    assert diff.mean() > 10 * se


def test_compute_priced_at_signing_makes_owning_dearer_for_the_builder() -> None:
    # Priced at the order, lab_own's chips cost today's price though they come a data-centre lead
    # time later, when they are cheaper: its own route is best in fewer futures, its committed
    # route (priced at signing, not at its start) in more.
    def own_best(priced_at: str) -> np.ndarray:
        sc = labecon.with_overrides("two-strategies", {"finance.compute_priced_at": priced_at})
        ds = labecon.simulate(sc, n_samples=2000, seed=2).dataset
        return ds["route_is_best"].sel(route="lab_own:own").to_numpy().astype(float)

    diff = own_best("delivery") - own_best("signing")
    se = diff.std(ddof=1) / np.sqrt(diff.size)
    assert diff.mean() > 10 * se
