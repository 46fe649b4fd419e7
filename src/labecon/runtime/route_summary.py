"""The route answer of a run: for each lab, which of its routes wins, by how much, when, how likely, why.

Read from a run's route outputs (:mod:`labecon.runtime.routes`): every figure
is a Monte Carlo estimate over the samples, with its standard error; "when"
is a calendar quarter, and "never" is its own probability, never averaged in.
The drivers are Spearman rank correlations of the paired gain with each
uncertain input, from the kept samples.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import xarray as xr
from scipy import stats

from labecon.runtime.summary import OutputSummary
from labecon.scenario.schema import Scenario, WorldScenario, as_kind

TOP_DRIVERS = 5


def quarter_label(start_year: float, quarter: float) -> str:
    """Return the calendar quarter ``quarter`` quarters after ``start_year``, e.g. ``2029 Q3``."""
    months = round((start_year % 1) * 12) + 3 * int(quarter)
    year = int(start_year) + months // 12
    return f"{year} Q{(months % 12) // 3 + 1}"


def route_answer(
    scenario: Scenario, summaries: dict[str, OutputSummary], dataset: xr.Dataset
) -> dict[str, dict[str, dict[str, Any]]]:
    """Return lab -> route -> figures (each with its SE); empty when no lab names routes.

    Figures: ``npv_usd`` and ``gain_usd`` (paired, over the lab's declared
    route; mean, p5, p50, p95), ``p_beats_declared``, ``p_best`` (sums to 1
    over a lab's routes), ``regret_usd``, ``p_pays_back``, ``p_never``,
    ``payback_median`` (a calendar quarter, or "never" when it pays back in
    fewer than half the futures), ``gain_by_line_usd`` and ``drivers``.
    """
    world = as_kind(scenario, WorldScenario)  # routes are a world's labs'
    if world is None or "route_npv_usd" not in summaries:
        return {}
    labels = [str(x) for x in dataset["route"].to_numpy()]
    H = scenario.horizon_quarters
    answer: dict[str, dict[str, dict[str, Any]]] = {}
    for r, label in enumerate(labels):
        lab, route = label.split(":", 1)
        lines: list[Any] = list(dataset["npv_line"].to_numpy()) if "npv_line" in dataset.coords else []
        by_line = summaries["route_gain_by_line_usd"].mean
        figures: dict[str, Any] = {
            "is_declared": not answer.get(lab),
            "npv_usd": _stats(summaries["route_npv_usd"], r),
            "gain_usd": _stats(summaries["route_gain_usd"], r),
            "p_best": _mean(summaries["route_is_best"], r),
            "regret_usd": _mean(summaries["route_regret_usd"], r),
            "p_pays_back": _mean(summaries["route_pays_back"], r),
            "gain_by_line_usd": {
                str(line): {"mean": float(by_line.value[r][k]), "mean_se": float(by_line.se[r][k])}
                for k, line in enumerate(lines)
            },
        }
        gain = summaries["route_gain_usd"]
        beats = gain.p_positive
        figures["p_beats_declared"] = (
            {"value": float(beats.value[r]), "se": float(beats.se[r])} if beats is not None else None
        )
        p_pays = figures["p_pays_back"]["value"]
        figures["p_never"] = {"value": 1.0 - p_pays, "se": figures["p_pays_back"]["se"]}
        median_q = float(np.asarray(summaries["route_payback_quarter"].percentiles[50.0].value)[r])
        figures["payback_median"] = (
            "never" if median_q > H or figures["is_declared"] else quarter_label(world.start_year, median_q)
        )
        figures["drivers"] = [] if figures["is_declared"] else _drivers(scenario, dataset, r)
        answer.setdefault(lab, {})[route] = figures
    return answer


def _stats(summary: OutputSummary, r: int) -> dict[str, float]:
    out = {"mean": float(summary.mean.value[r]), "mean_se": float(summary.mean.se[r])}
    for q in (5.0, 50.0, 95.0):
        if q in summary.percentiles:
            est = summary.percentiles[q]
            out[f"p{q:g}"] = float(est.value[r])
            out[f"p{q:g}_se"] = float(est.se[r])
    return out


def _mean(summary: OutputSummary, r: int) -> dict[str, float]:
    return {"value": float(summary.mean.value[r]), "se": float(summary.mean.se[r])}


def _drivers(scenario: Scenario, dataset: xr.Dataset, r: int) -> list[dict[str, Any]]:
    """Return the inputs whose rank correlation with the route's gain is largest, strongest first."""
    if "input_value" not in dataset or "route_gain_usd" not in dataset:
        return []
    gain = dataset["route_gain_usd"].to_numpy()[:, r]
    if gain.size < 10 or np.ptp(gain) == 0:
        return []
    found: list[dict[str, Any]] = []
    for j, name in enumerate(str(x) for x in dataset["input"].to_numpy()):
        x = dataset["input_value"].to_numpy()[:, j]
        if np.ptp(x) == 0:
            continue
        rho = float(stats.spearmanr(x, gain).statistic)
        if math.isfinite(rho):
            spec = scenario.inputs.get(name)
            words = getattr(spec, "description", "") or name
            found.append({"input": name, "description": words, "spearman": rho})
    found.sort(key=lambda d: -abs(float(d["spearman"])))
    return found[:TOP_DRIVERS]


def usd(value: float) -> str:
    """Return an amount of money in plain words: ``$12.3B``, ``-$850M``, ``$0``."""
    sign, x = ("-" if value < 0 else ""), abs(value)
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if x >= scale:
            return f"{sign}${x / scale:.1f}{suffix}"
    return f"{sign}${x:.0f}"


def _pct(fig: dict[str, float]) -> str:
    """Return a probability and its SE, e.g. ``38% ± 1%``, with a decimal when the SE is below 1%."""
    if fig["se"] >= 0.01:
        return f"{fig['value']:.0%} ± {fig['se']:.0%}"
    return f"{fig['value']:.1%} ± {max(fig['se'], 0.0005):.1%}"


def route_sentences(answer: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """Return the route answer in plain sentences, one per lab and one per alternative route."""
    lines: list[str] = []
    for lab, routes in answer.items():
        declared = next(name for name, fig in routes.items() if fig["is_declared"])
        ranked = sorted(routes, key=lambda name: -routes[name]["p_best"]["value"])
        best = ", ".join(f"{name} {_pct(routes[name]['p_best'])}" for name in ranked)
        lines.append(
            f"Route choice for {lab} (declared route: {declared}). Best route, share of futures: {best}."
        )
        for name, fig in routes.items():
            if fig["is_declared"]:
                continue
            gain, beats = fig["gain_usd"], fig["p_beats_declared"]
            text = (
                f"{name} beats {declared} in {_pct(beats)} of futures" if beats else f"{name} vs {declared}"
            )
            text += (
                f"; median gain {usd(gain['p50'])} (90% of futures: {usd(gain['p5'])} to {usd(gain['p95'])})"
            )
            if fig["payback_median"] != "never":
                text += f"; pays back by {fig['payback_median']} in half of them"
            else:
                text += f"; pays back within the horizon in {_pct(fig['p_pays_back'])} of futures"
            drivers = [d["description"] for d in fig["drivers"][:2]]
            if drivers:
                text += f"; driven most by {' and '.join(drivers)}"
            lines.append(text + ".")
    return lines
