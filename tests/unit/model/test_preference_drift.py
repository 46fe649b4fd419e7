"""Preference drift: a lab customers come to prefer beyond its training compute wins share."""

from __future__ import annotations

from importlib import resources
from typing import Any

import numpy as np
import yaml

import labecon
from labecon.model import market as mkt

OWN, PARTNER = 0, 1


def _base() -> dict[str, Any]:
    text = resources.files("labecon.scenario.builtin").joinpath("two-strategies.yaml").read_text()
    data: dict[str, Any] = yaml.safe_load(text)
    data["horizon_quarters"] = 12
    return data


def _paths(data: dict[str, Any]) -> Any:
    return labecon.simulate(data, n_samples=200, seed=3, keep_paths=True).dataset


def test_attractiveness_adds_the_preference_to_the_logit() -> None:
    gap = np.array([[0.0, -0.5]])
    log_ratio = np.zeros((1, 2, 1))
    w, s = np.array([2.0]), np.array([1.0])
    plain = mkt.attractiveness(gap, log_ratio, w, s, np.zeros((1, 2)))
    drifted = mkt.attractiveness(gap, log_ratio, w, s, np.array([[0.0, 0.7]]))
    assert np.allclose(drifted[0, :, 0] / plain[0, :, 0], [1.0, np.exp(0.7)], rtol=1e-12)


def test_zero_drift_changes_nothing() -> None:
    base, zero = _base(), _base()
    zero["labs"]["lab_partner"]["preference_drift_per_year"] = 0.0
    a, b = _paths(base), _paths(zero)
    assert np.array_equal(a["market_share"].to_numpy(), b["market_share"].to_numpy())


def test_a_positive_drift_wins_share_and_a_negative_one_loses_it() -> None:
    base, up, down = _base(), _base(), _base()
    up["labs"]["lab_partner"]["preference_drift_per_year"] = 1.0
    down["labs"]["lab_partner"]["preference_drift_per_year"] = -1.0
    shares = {
        name: _paths(data)["market_share"].isel(lab=PARTNER, quarter=-1).to_numpy().sum(axis=-1)
        for name, data in (("base", base), ("up", up), ("down", down))
    }
    # Quarter 0 is unchanged (the drift is 0 then); by the end the partner has moved each way.
    assert np.all(shares["up"] >= shares["base"] - 1e-12)
    assert shares["up"].mean() > 1.2 * shares["base"].mean()
    assert shares["down"].mean() < 0.9 * shares["base"].mean()
