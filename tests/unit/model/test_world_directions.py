"""Directional checks on paired runs of two-strategies (same seed, so common random numbers).

Each change is sized so that its effect is many Monte Carlo standard errors of the paired
difference away from zero: the tests say which way the model moves, not by how much.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import numpy as np
import yaml

import labecon

N = 2000
OWN, PARTNER = 0, 1


def _base() -> dict[str, Any]:
    text = resources.files("labecon.scenario.builtin").joinpath("two-strategies.yaml").read_text()
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _run(data: dict[str, Any], n: int = N) -> tuple[np.ndarray, np.ndarray]:
    ds = labecon.simulate(data, n_samples=n, seed=5).dataset
    return ds["npv_fcf_usd"].to_numpy(), ds["is_npv_leader"].to_numpy()


def _z(paired: np.ndarray) -> float:
    """The mean of a paired difference in standard errors."""
    return float(paired.mean() / (paired.std(ddof=1) / np.sqrt(paired.size)))


def _not_below_zero(paired: np.ndarray) -> bool:
    """Whether the mean of a paired difference is not below zero by more than three standard errors."""
    return bool(paired.mean() >= -3.0 * paired.std(ddof=1) / np.sqrt(paired.size))


def test_higher_demand_growth_does_not_lower_p_own_best() -> None:
    base, high = _base(), _base()
    for data in (base, high):
        # Labs of comparable size (the partner-route lab at its Feb 2026 run-rate, not its April
        # one, 1.5x the own-route lab's), so that P(own best) is not near 0 in both runs.
        data["labs"]["lab_partner"]["revenue_usd_per_year"] = 1.4e10
        data["labs"]["lab_partner"]["staff_usd_per_year"] = 6.3e9
    high["inputs"]["g_consumer"]["ci90"] = [0.6, 2.0]
    high["inputs"]["g_api"]["ci90"] = [0.8, 2.5]
    _, lead0 = _run(base)
    _, lead1 = _run(high)
    # Owning pays more when there is more demand to serve with it.
    assert _z(lead1[:, OWN] - lead0[:, OWN]) > 5.0


def test_a_shortage_that_rations_renters_helps_the_owner() -> None:
    calm, short = _base(), _base()
    calm["risks"]["chip_shortage"]["is_enabled"] = False
    short["risks"]["chip_shortage"] = {"probability": 1.0, "size_frac": 0.9, "duration_quarters": 20}
    # The owner pays the shortage's chip prices too: a smaller effect, so more samples.
    npv0, lead0 = _run(calm, 3 * N)
    npv1, lead1 = _run(short, 3 * N)
    advantage = (npv1[:, OWN] - npv1[:, PARTNER]) - (npv0[:, OWN] - npv0[:, PARTNER])
    assert _z(advantage) > 5.0
    assert _not_below_zero(lead1[:, OWN] - lead0[:, OWN])  # a share of samples: within its noise


def test_a_partner_capacity_cut_hurts_the_partner_route_lab() -> None:
    calm, cut = _base(), _base()
    calm["risks"]["partner_capacity_cut"]["is_enabled"] = False
    cut["risks"]["partner_capacity_cut"] = {"probability": 1.0, "size_frac": 0.8, "duration_quarters": 16}
    npv0, lead0 = _run(calm)
    npv1, lead1 = _run(cut)
    assert _z(npv0[:, PARTNER] - npv1[:, PARTNER]) > 5.0
    assert _not_below_zero(lead0[:, PARTNER] - lead1[:, PARTNER])
    # Only the lab that depends on the partner is hit: the own-route lab gains or is unmoved.
    assert npv1[:, OWN].mean() >= npv0[:, OWN].mean() - 3 * (npv1[:, OWN] - npv0[:, OWN]).std() / np.sqrt(N)
