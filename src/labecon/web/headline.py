"""The headline answer of a run: which route or lab wins, how likely, and when.

Read only from a run's summaries and its scenario. A run whose results carry
``routes`` (per lab, per route, figures including ``p_best``) leads with them;
otherwise a world scenario leads with the share of samples in which each lab's
NPV is the highest (``is_npv_leader``), and a compute scenario with the
probability that one strategy's cost is below another's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

import labecon
from labecon.amounts import money, unit_money
from labecon.report.answers import better_on_average, where_furthest_behind
from labecon.scenario.names import ReaderNames, reader_names
from labecon.scenario.schema import ComputeScenario, as_kind
from labecon.types import FloatArray


def headline(results: labecon.Results, scenario: labecon.Scenario) -> dict[str, Any]:
    """Return the headline: ``text``, ``winner``, ``p``, ``p_se``, ``basis`` and ``details`` (lines).

    ``p`` is the probability (0..1) that ``winner`` is the best, with its
    Monte Carlo standard error ``p_se``.
    """
    routes, names = results.routes, reader_names(scenario)
    if routes:
        found = _from_routes(routes, names)
    elif "is_npv_leader" in results.summaries and "lab" in results.dataset.coords:
        found = _from_leader(results, names)
    else:
        found = _from_difference(results, scenario)
    # A route answer's own details (where a route falls behind on average) follow each lab's line.
    found["details"] = _when(results, scenario, names) + found.get("details", [])
    return found


def _from_routes(routes: Mapping[str, Mapping[str, Any]], names: ReaderNames) -> dict[str, Any]:
    """Lead with each lab's best route (highest ``p_best``); ``winner`` names it by keys.

    ``details``: per lab whose route most often best is behind another on average, where it
    falls furthest behind.
    """
    lines, behind = [], []
    best: tuple[float, str, str, float] | None = None
    for lab, by_route in routes.items():
        ranked = sorted(
            (float(f["p_best"]["value"]), r, float(f["p_best"]["se"])) for r, f in by_route.items()
        )
        if not ranked:
            continue
        p, route, se = ranked[-1]
        line = f"for {names.lab(lab)}, {route} is the best route in {_pct(p, se)} of samples"
        declared = next((r for r, f in by_route.items() if f.get("is_declared")), route)
        if declared != route:  # another route beats the one the lab declared: say how often that one wins
            f = by_route[declared]["p_best"]
            line += f" (its declared route, {declared}, in {_pct(float(f['value']), float(f['se']))})"
        elif p < 0.5 and len(ranked) > 1:  # best in a minority of futures: the runner-up, to show how close
            line += f" (next, {ranked[-2][1]} in {_pct(ranked[-2][0], ranked[-2][2])})"
        ahead = better_on_average(by_route, route, declared)
        line += _on_average(ahead)
        if ahead is not None and (where := where_furthest_behind(by_route, route, declared, ahead[0])):
            behind.append(f"{names.lab(lab)}: {where[:1].lower()}{where[1:]}")
        lines.append(line)
        if best is None or p > best[0]:
            best = (p, lab, route, se)
    if best is None:
        return {
            "text": "no route figures in this run",
            "winner": None,
            "p": None,
            "p_se": None,
            "basis": "routes",
        }
    p, lab, route, se = best
    text = "; ".join(lines)
    return {
        "text": text[:1].upper() + text[1:],
        "winner": f"{lab}: {route}",
        "p": p,
        "p_se": se,
        "basis": "routes",
        "details": behind,
    }


def _on_average(ahead: tuple[str, float] | None) -> str:
    """Return ", though <route> is better on average by $X" from :func:`better_on_average`, else ""."""
    if ahead is None:
        return ""
    other, by = ahead  # the declared route, if so, is named as such just before
    return f", though {other} is better on average by {money(by)}"


def _from_leader(results: labecon.Results, names: ReaderNames) -> dict[str, Any]:
    """Lead with the lab most often ahead on NPV of free cash flow; ``winner`` is its key."""
    labs = [str(x) for x in results.dataset["lab"].to_numpy()]
    lead = results.summaries["is_npv_leader"].mean
    p = np.asarray(lead.value, dtype=float).reshape(-1)
    se = _each(lead.se)
    i = int(np.argmax(p))
    others = ", ".join(f"{names.lab(labs[j])} in {_pct(p[j], se[j])}" for j in np.argsort(-p) if j != i)
    text = f"{names.lab(labs[i])} has the highest NPV of free cash flow in {_pct(p[i], se[i])} of samples"
    return {
        "text": text + (f" ({others})" if others else ""),
        "winner": labs[i],
        "p": float(p[i]),
        "p_se": float(se[i]),
        "basis": "is_npv_leader",
    }


def _from_difference(results: labecon.Results, scenario: labecon.Scenario) -> dict[str, Any]:
    """Lead with P(one strategy's cost is below another's), from a difference output."""
    compute = as_kind(scenario, ComputeScenario)
    for name, spec in (compute.outputs if compute is not None else {}).items():
        s = results.summaries.get(name)
        if getattr(spec, "kind", "") != "difference" or s is None or s.p_positive is None:
            continue
        cheaper, dearer = _strategy(compute, spec.subtrahend), _strategy(compute, spec.minuend)  # type: ignore[arg-type, union-attr]
        p, se = float(s.p_positive.value), float(s.p_positive.se)
        if p < 0.5:
            cheaper, dearer, p = dearer, cheaper, 1.0 - p
        median = float(s.percentiles[50.0].value)
        opening = cheaper[:1].upper() + cheaper[1:]  # a sentence's first word
        return {
            "text": f"{opening} costs less than {dearer} in {_pct(p, se)} of samples "
            f"({name}: median {money(abs(median))} {'saved' if median >= 0 else 'lost'} by "
            f"{_strategy(compute, spec.subtrahend)})",  # type: ignore[arg-type, union-attr]
            "winner": cheaper,
            "p": p,
            "p_se": se,
            "basis": name,
        }
    first = next(iter(results.summaries), None)
    if first is None:
        return {"text": "this run has no outputs", "winner": None, "p": None, "p_se": None, "basis": ""}
    m = np.asarray(results.summaries[first].mean.value, dtype=float).reshape(-1)
    return {
        "text": f"{first}: mean {m[0]:.4g}",
        "winner": None,
        "p": None,
        "p_se": None,
        "basis": first,
    }


def _strategy(scenario: ComputeScenario, output: str) -> str:
    """Name the strategy behind a present-value output, else the output itself."""
    spec = scenario.outputs.get(output)
    return str(getattr(spec, "strategy", output))


def _when(results: labecon.Results, scenario: labecon.Scenario, names: ReaderNames) -> list[str]:
    """Per lab: when it first profits, P(ruin by the horizon), what its compute costs, its IRR.

    The median years of its first profit and first profitable year; the median cost of its
    compute per H100e-hour and its IRR at its opening valuation.
    """
    sums = results.summaries
    if "first_profitable_quarter" not in sums or "lab" not in results.dataset.coords:
        return []
    labs = [str(x) for x in results.dataset["lab"].to_numpy()]
    start = float(getattr(scenario, "start_year", 0.0))

    def medians(name: str) -> FloatArray:
        if name not in sums:
            return np.full(len(labs), np.nan)
        return np.asarray(sums[name].percentiles[50.0].value, dtype=float).reshape(-1)

    median, year_median = medians("first_profitable_quarter"), medians("first_profitable_year_quarter")
    per_hour, irr = medians("compute_usd_per_h100e_hour"), medians("irr_per_year")
    ruin = sums.get("is_ruined")
    ruin_p = _each(ruin.mean.value) if ruin is not None else None
    ruin_se = _each(ruin.mean.se) if ruin is not None else None
    lines = []
    for i, lab in enumerate(labs):
        q, y = median[i], year_median[i]
        when = (
            f"first profitable in {int(start + q / 4)} (median)"
            if np.isfinite(q) and q < scenario.horizon_quarters
            else "not profitable within the horizon in most samples"
        )
        if np.isfinite(y) and y < scenario.horizon_quarters:
            when += f", a profitable year (four quarters adding up to a profit) by {int(start + y / 4)}"
        if ruin_p is not None and ruin_se is not None:
            when += f"; P(ruin) {_pct(float(ruin_p[i]), float(ruin_se[i]))}"
        if np.isfinite(per_hour[i]) and np.isfinite(irr[i]):
            when += (
                f"; compute {unit_money(per_hour[i])} per H100e-hour all in, IRR {irr[i]:.1%} a year at its "
                "opening valuation (medians)"
            )
        lines.append(f"{names.lab(lab)}: {when}")
    return lines


def _each(values: Any) -> FloatArray:
    """Return a per-lab summary figure as a flat array, one value per lab (a one-sample run's: NaN SEs)."""
    out: FloatArray = np.asarray(values, dtype=float).reshape(-1)
    return out


def _pct(p: float, se: float | None) -> str:
    if se is None or not np.isfinite(se):
        return f"{p:.1%}"
    return f"{p:.1%} ± {se:.1%}" if se >= 0.0005 else f"{p:.1%} ± <0.1%"
