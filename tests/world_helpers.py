"""A small world scenario for tests: one or two labs, one or two segments, no uncertainty by default."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

import labecon

_BASE: dict[str, Any] = {
    "name": "tiny-world",
    "horizon_quarters": 12,
    "start_year": 2026.0,
    "chips": {
        "h100": {"peak_bf16_tflops": 989.4, "power_kw_all_in": 1.4535, "price_usd": 25000.0},
        "tpu": {"peak_bf16_tflops": 918.0, "power_kw_all_in": 0.0, "sold_by": "partner"},
    },
    "clouds": {
        "market": {
            "prices": {"h100": {"on_demand_usd_per_chip_hour": 3.0, "committed_usd_per_chip_hour": 2.0}},
            "price_decline_per_year": 0.2,
            "capacity_limit_h100e": 1e9,
        },
        "partner": {
            "prices": {"tpu": {"on_demand_usd_per_chip_hour": 2.7, "committed_usd_per_chip_hour": 1.2}},
            "price_decline_per_year": 0.2,
            "capacity_limit_h100e": 1e9,
            "deal": {
                "lab": "b",
                "chip": "tpu",
                "equity_usd": 2e9,
                "credits_frac": 0.5,
                "stake_frac": 0.05,
                "preferential_discount_frac": 0.1,
            },
        },
    },
    "labs": {
        "a": {
            "cash_usd": 2e10,
            "revenue_usd_per_year": 1e10,
            "revenue_mix": {"api": 1.0},
            "owned_h100e": 1e5,
            "committed_h100e": 1e5,
            "capability_log10_flop": 26.5,
            "staff_usd_per_year": 2e9,
            "strategy": {
                "own_frac": 0.5,
                "commit_frac": 0.4,
                "own_chip": "h100",
                "commit_cloud": "market",
                "commit_chip": "h100",
                "rent_cloud": "market",
                "rent_chip": "h100",
                "training_frac": 0.3,
                "research_frac": 0.1,
                "debt_frac_of_capex": 0.3,
            },
        },
        "b": {
            "cash_usd": 1e10,
            "revenue_usd_per_year": 1e10,
            "revenue_mix": {"api": 1.0},
            "owned_h100e": 0.0,
            "partner_h100e": 1.5e5,
            "capability_log10_flop": 26.5,
            "staff_usd_per_year": 2e9,
            "strategy": {
                "own_frac": 0.0,
                "commit_frac": 0.1,
                "partner_frac": 0.8,
                "commit_cloud": "market",
                "commit_chip": "h100",
                "rent_cloud": "market",
                "rent_chip": "h100",
                "training_frac": 0.3,
                "research_frac": 0.1,
            },
        },
    },
    "market": {
        "segments": {
            "api": {
                "spend_usd_per_year": 5e10,
                "growth_per_year": 0.6,
                "price_usd_per_unit": 5.0,
                "price_decline_per_year": 0.4,
                "serving_efficiency_gain_per_year": 0.4,
                "elasticity": 1.0,
            }
        }
    },
}


def tiny_world(**changes: Any) -> dict[str, Any]:
    """Return a fresh copy of the tiny world; ``changes`` set dotted paths (``labs.a.cash_usd``)."""
    data = copy.deepcopy(_BASE)
    for path, value in changes.items():
        set_path(data, path, value)
    return data


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    for key in keys[:-1]:
        data = data.setdefault(key, {})
    data[keys[-1]] = value


def run(data: dict[str, Any], n: int = 200, seed: int = 3, **kw: Any) -> labecon.Results:
    return labecon.simulate(data, n_samples=n, seed=seed, keep_paths=True, **kw)


def path(results: labecon.Results, name: str) -> np.ndarray:
    return results.dataset[name].to_numpy()


def spy_quarters(monkeypatch: Any) -> list[Any]:
    """Record every quarter the world engine runs from now on (``Quarter``s, in order)."""
    from labecon.model import world

    seen: list[Any] = []
    step = world.quarter

    def spy(*args: Any) -> Any:
        q = step(*args)
        seen.append(q)
        return q

    monkeypatch.setattr(world, "quarter", spy)
    return seen
