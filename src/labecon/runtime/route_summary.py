"""The route answer of a run: for each lab, which of its routes wins, by how much, when, how likely, why.

Read from a run's route outputs (:mod:`labecon.runtime.routes`): every figure
is a Monte Carlo estimate over the samples, with its standard error; "when"
is a calendar quarter, and "never" is its own probability, never averaged in.
The drivers are Spearman rank correlations of the paired gain with each
uncertain input, from the kept samples; the tails are the futures where the
gain is lowest and highest, and the inputs that set them apart.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import xarray as xr

from labecon.dates import quarter_label
from labecon.ranks import average_ranks, rank_correlation
from labecon.scenario.schema import Scenario, WorldScenario, as_kind
from labecon.types import FloatArray, IntArray

TOP_DRIVERS = 5
FIFTH = 0.2
"""The share of futures at each end of an input's range whose win rates a driver gives."""

TAIL_SHARE = 0.05
"""The share of futures a route's tails hold: those where its gain is lowest, and highest."""
TAIL_MIN_SAMPLES = 400
"""Fewest kept samples for tails to be read (20 futures in each at :data:`TAIL_SHARE`)."""
TAIL_SHIFT = 0.15
"""How far from the 50th percentile an input's median in a tail must sit to be named (0.15: at
the 65th or beyond, or the 35th or below). The median of 1,000 futures drawn at random sits within
0.03 of it 95% of the time, so what is named is what sets the tail apart, not noise."""
TOP_TAIL_INPUTS = 2


def route_answer(scenario: Scenario, dataset: xr.Dataset) -> dict[str, dict[str, dict[str, Any]]]:
    """Return lab -> route -> figures (each with its SE); empty when no lab names routes.

    Read from the run's dataset (its ``summary_*`` variables, and the kept
    samples for the drivers), so a run loaded from its folder answers too.
    Figures: ``npv_usd`` and ``gain_usd`` (paired, over the lab's declared
    route; mean, p5, p50, p95), ``p_beats_declared``, ``p_best`` (sums to 1
    over a lab's routes), ``regret_usd``, ``p_pays_back`` (ahead for good
    within the horizon, without the value beyond it) and ``p_never`` (not),
    ``payback_median`` (a calendar quarter, or "never" when it pays back within
    the horizon in fewer than half the futures) and ``payback_median_quarter``
    (the model's quarter, 0 the first; ``None`` for never), ``gain_by_line_usd``, ``drivers``, ``tails``
    (:func:`_tails`), and the lab's
    IRR to a buyer at its opening valuation and its compute bill per H100e-hour in service and per
    unit served, ``irr_per_year``, ``compute_usd_per_h100e_hour`` and ``compute_usd_per_unit_served``
    (as ``npv_usd``; absent from runs saved before they were outputs).
    """
    world = as_kind(scenario, WorldScenario)  # routes are a world's labs'
    if world is None or "summary_route_npv_usd" not in dataset:
        return {}
    labels = [str(x) for x in dataset["route"].to_numpy()]
    lines = [str(x) for x in dataset["npv_line"].to_numpy()]
    table = _SummaryTable(dataset)
    inputs = _InputRanks(dataset)
    answer: dict[str, dict[str, dict[str, Any]]] = {}
    for r, label in enumerate(labels):
        lab, route = label.split(":", 1)

        def get(name: str, statistic: str, r: int = r, line: str | None = None) -> float:
            return table.get(name, statistic, r, line)

        def mean(name: str) -> dict[str, float]:
            return {"value": get(name, "mean"), "se": get(name, "mean_se")}

        def spread(name: str) -> dict[str, float]:
            return {
                k: get(name, k) for k in ("mean", "mean_se", "p5", "p5_se", "p50", "p50_se", "p95", "p95_se")
            }

        declared = lab not in answer
        p_pays = mean("route_pays_back")
        median_q = get("route_payback_quarter", "p50")
        never = declared or median_q >= scenario.horizon_quarters  # the horizon: only with what lies beyond
        answer.setdefault(lab, {})[route] = {
            "is_declared": declared,
            "npv_usd": spread("route_npv_usd"),
            "gain_usd": spread("route_gain_usd"),
            "p_beats_declared": {
                "value": get("route_gain_usd", "p_positive"),
                "se": get("route_gain_usd", "p_positive_se"),
            },
            "p_best": mean("route_is_best"),
            "regret_usd": mean("route_regret_usd"),
            "p_pays_back": p_pays,
            "p_never": {"value": 1.0 - p_pays["value"], "se": p_pays["se"]},
            "payback_median": "never" if never else quarter_label(world.start_year, median_q),
            "payback_median_quarter": None if never else median_q,
            "gain_by_line_usd": {
                line: {
                    "mean": get("route_gain_by_line_usd", "mean", line=line),
                    "mean_se": get("route_gain_by_line_usd", "mean_se", line=line),
                }
                for line in lines
            },
            "drivers": [] if declared else _drivers(scenario, dataset, r, inputs),
            "tails": {} if declared else _tails(scenario, dataset, r, inputs),
        }
        for name in ("irr_per_year", "compute_usd_per_h100e_hour", "compute_usd_per_unit_served"):
            if f"summary_route_{name}" in dataset:  # a run saved before they were outputs has none
                answer[lab][route][name] = spread(f"route_{name}")
    return answer


class _SummaryTable:
    """A run's route summaries as NumPy arrays, read by statistic, route and line.

    xarray's labelled selection, a few hundred times an answer, took longer than the rest of it.
    """

    def __init__(self, dataset: xr.Dataset) -> None:
        self.dataset = dataset
        self.statistic = {str(s): i for i, s in enumerate(dataset["statistic"].to_numpy())}
        self.line = {str(x): i for i, x in enumerate(dataset["npv_line"].to_numpy())}
        self.arrays: dict[str, Any] = {}

    def get(self, name: str, statistic: str, route: int, line: str | None = None) -> float:
        """Return ``summary_<name>`` at ``statistic``, the ``route``-th route and ``line`` if given."""
        values = self.arrays.get(name)
        if values is None:
            values = self.dataset[f"summary_{name}"].transpose("statistic", "route", ...).to_numpy()
            self.arrays[name] = values
        at = values[self.statistic[statistic], route]
        return float(at if line is None else at[self.line[line]])


class _InputRanks:
    """Each uncertain input's ranks over the kept samples (ties averaged), ranked once for all routes."""

    def __init__(self, dataset: xr.Dataset) -> None:
        self.values = dataset["input_value"].to_numpy() if "input_value" in dataset else None
        self.names = [str(x) for x in dataset["input"].to_numpy()] if self.values is not None else []
        self._ranks: dict[int, FloatArray | None] = {}

    def ranks(self, j: int) -> FloatArray | None:
        """Return input ``j``'s ranks, or None when it takes one value only."""
        if j not in self._ranks:
            assert self.values is not None
            x = self.values[:, j]
            self._ranks[j] = None if np.ptp(x) == 0 else average_ranks(x)
        return self._ranks[j]


def _drivers(scenario: Scenario, dataset: xr.Dataset, r: int, inputs: _InputRanks) -> list[dict[str, Any]]:
    """Return the inputs whose rank correlation with the route's gain is largest, strongest first.

    Spearman's rho: the correlation of the ranks (as scipy's ``spearmanr``, each input ranked once).
    Each with which way it moves the answer: ``p_beats_low`` and ``p_beats_high``, the share of
    futures in which the route beats the declared one among those where the input is in its
    lowest and its highest fifth (:func:`_beats_by_fifth`; each ``{"value", "se"}``).
    """
    if inputs.values is None or "route_gain_usd" not in dataset:
        return []
    gain = dataset["route_gain_usd"].to_numpy()[:, r]
    if gain.size < 10 or np.ptp(gain) == 0:
        return []
    gain_ranks = average_ranks(gain)
    found: list[dict[str, Any]] = []
    for j, name in enumerate(inputs.names):
        x_ranks = inputs.ranks(j)
        if x_ranks is None:
            continue
        rho = rank_correlation(x_ranks, gain_ranks)
        if math.isfinite(rho):
            spec = scenario.inputs.get(name)
            words = getattr(spec, "description", "") or name
            found.append({"input": name, "description": words, "spearman": rho})
    found.sort(key=lambda d: -abs(float(d["spearman"])))
    top = found[:TOP_DRIVERS]
    for d in top:
        d["p_beats_low"], d["p_beats_high"] = _beats_by_fifth(
            gain, inputs.ranks(inputs.names.index(d["input"]))
        )
    return top


def _beats_by_fifth(gain: FloatArray, ranks: FloatArray | None) -> tuple[dict[str, float], dict[str, float]]:
    """Return P(gain > 0) where the input's rank is in its lowest and highest :data:`FIFTH`, with SEs.

    Ties in the input share their average rank, so a fifth may hold a few futures more or less.
    """
    assert ranks is not None
    n = gain.size
    out = []
    for rows in (ranks <= FIFTH * n, ranks > (1.0 - FIFTH) * n):
        m = int(rows.sum())
        p = float((gain[rows] > 0.0).mean()) if m else math.nan
        out.append({"value": p, "se": math.sqrt(p * (1.0 - p) / m) if m else math.nan})
    return out[0], out[1]


def _tails(scenario: Scenario, dataset: xr.Dataset, r: int, inputs: _InputRanks) -> dict[str, Any]:
    """Return where the route's gain over the declared route is lowest (``worst``) and highest (``best``).

    Each: ``share`` of the futures (:data:`TAIL_SHARE`), their ``mean_gain_usd``, and ``inputs``:
    those whose median percentile there is furthest from the 50th (at least :data:`TAIL_SHIFT`
    away; at most :data:`TOP_TAIL_INPUTS`), each with its ``percentile`` (0 to 1) and its
    ``median`` there and ``overall_median``, in the input's units. Where a route's mean rests on
    a few futures, this says which. Empty with fewer than :data:`TAIL_MIN_SAMPLES` kept samples.
    """
    if inputs.values is None or "route_gain_usd" not in dataset:
        return {}
    gain = dataset["route_gain_usd"].to_numpy()[:, r]
    n = gain.size
    if n < TAIL_MIN_SAMPLES or not np.isfinite(gain).all():
        return {}
    count = math.ceil(TAIL_SHARE * n)
    order = np.argsort(gain, kind="stable")  # ties in sample order: the same tails every time
    return {
        "worst": _tail(scenario, inputs, gain, order[:count]),
        "best": _tail(scenario, inputs, gain, order[n - count :]),
    }


def _tail(scenario: Scenario, inputs: _InputRanks, gain: FloatArray, rows: IntArray) -> dict[str, Any]:
    """Return one tail's figures (:func:`_tails`): the futures ``rows``."""
    assert inputs.values is not None
    n = gain.size
    found: list[dict[str, Any]] = []
    for j, name in enumerate(inputs.names):
        ranks = inputs.ranks(j)
        if ranks is None:
            continue
        percentile = float(np.median((ranks[rows] - 0.5) / n))
        if abs(percentile - 0.5) >= TAIL_SHIFT:
            spec = scenario.inputs.get(name)
            found.append(
                {
                    "input": name,
                    "description": getattr(spec, "description", "") or name,
                    "units": getattr(spec, "units", "") or "",
                    "percentile": percentile,
                    "median": float(np.median(inputs.values[rows, j])),
                    "overall_median": float(np.median(inputs.values[:, j])),
                }
            )
    found.sort(key=lambda d: -abs(float(d["percentile"]) - 0.5))
    return {"share": TAIL_SHARE, "mean_gain_usd": float(gain[rows].mean()), "inputs": found[:TOP_TAIL_INPUTS]}
