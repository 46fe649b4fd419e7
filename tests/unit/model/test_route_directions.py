"""Directional checks through the route counterfactuals: the same lab under each route, on the same draws.

route-choice's one lab under its four routes (own, partner, lease, hybrid); each change is run against
the scenario as built on the same seed (common random numbers), and each is sized so that its
effect on a route's share of futures where it is best is many standard errors of the paired
difference away from zero: the tests say which way the answer moves, not by how much.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import yaml

import labecon

N, SEED = 3000, 5


def _base() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(labecon.scenario_text("route-choice"))
    return data


def _is_best(data: dict[str, Any], route: str) -> np.ndarray:
    """Return 1 in each future where the lab's route ``route`` has the highest NPV of its routes."""
    ds = labecon.simulate(data, n_samples=N, seed=SEED, keep="outputs").dataset
    best: np.ndarray = ds["route_is_best"].sel(route=f"frontier_lab:{route}").to_numpy()
    return best


def _z(paired: np.ndarray) -> float:
    """The mean of a paired difference in its standard errors."""
    return float(paired.mean() / (paired.std(ddof=1) / np.sqrt(paired.size)))


def test_higher_demand_growth_raises_p_own_best() -> None:
    high = _base()
    high["inputs"]["g_consumer"]["ci90"] = [0.6, 2.0]
    high["inputs"]["g_api"]["ci90"] = [0.8, 2.5]
    # Owning pays more when there is more demand to serve with it (and a data centre to fill).
    assert _z(_is_best(high, "own") - _is_best(_base(), "own")) > 5.0


def test_a_shortage_that_rations_renters_raises_p_own_best() -> None:
    calm, short = _base(), _base()
    calm["risks"]["chip_shortage"]["is_enabled"] = False
    short["risks"]["chip_shortage"] = {"probability": 1.0, "size_frac": 0.9, "duration_quarters": 20}
    # Renters are rationed and pay more; owned capacity keeps running (the owner's new chips cost more).
    assert _z(_is_best(short, "own") - _is_best(calm, "own")) > 5.0


def test_a_partner_capacity_cut_lowers_p_partner_best() -> None:
    calm, cut = _base(), _base()
    calm["risks"]["partner_capacity_cut"]["is_enabled"] = False
    cut["risks"]["partner_capacity_cut"] = {"probability": 1.0, "size_frac": 0.8, "duration_quarters": 16}
    assert _z(_is_best(calm, "partner") - _is_best(cut, "partner")) > 5.0


def test_a_dearer_lease_lowers_p_lease_best() -> None:
    dear = _base()
    dear["labs"]["frontier_lab"]["lease"]["usd_per_mw_per_year"] *= 1.5
    assert _z(_is_best(_base(), "lease") - _is_best(dear, "lease")) > 5.0


def test_a_tighter_builders_limit_lowers_p_lease_best() -> None:
    tight = _base()
    tight["labs"]["frontier_lab"]["lease"]["capacity_limit_mw"] /= 4
    # What the builders will not lease the lab is rented, at the market's price: leasing wins fewer futures.
    assert _z(_is_best(_base(), "lease") - _is_best(tight, "lease")) > 5.0


def test_a_dearer_cost_of_capital_favours_leasing_over_owning() -> None:
    cheap, dear = _base(), _base()
    cheap["inputs"]["r_disc"] = {"dist": "fixed", "value": 0.08}
    dear["inputs"]["r_disc"] = {"dist": "fixed", "value": 0.18}
    # A lease spreads the data centre's cost over its term; owning pays it up front: the dearer
    # the lab's capital, the more a builder's lease is worth against building.
    lead = (
        _is_best(dear, "lease") - _is_best(dear, "own") - (_is_best(cheap, "lease") - _is_best(cheap, "own"))
    )
    assert _z(lead) > 5.0
