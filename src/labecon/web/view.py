"""What the dashboard and the API show of a run: plain JSON, no model logic.

Per output: its dims, units, meaning and summary statistics (fan charts and
P(ruin) by year are drawn from these); for money outputs with at most one
dim besides the sample (a lab, a deal), a histogram of the samples for the
distribution charts.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import labecon
from labecon.amounts import pct
from labecon.analysis.drivers import has_alternative_routes
from labecon.report.answers import route_blocks
from labecon.scenario.names import ReaderNames, reader_names
from labecon.scenario.plausibility import plausibility_warnings
from labecon.scenario.routes import switch_targets
from labecon.scenario.schema import WorldScenario, as_kind
from labecon.types import FloatArray
from labecon.web.headline import headline

HISTOGRAM_BINS = 40
"""Bins of each distribution chart."""


def results_view(results: labecon.Results, scenario: labecon.Scenario) -> dict[str, Any]:
    """Return a run as JSON-ready data: manifest, headline, outputs, coords, histograms, input warnings."""
    ds = results.dataset
    outputs: dict[str, Any] = {}
    for name, summary in results.summaries.items():
        attrs = ds[name].attrs if name in ds else {}
        dims = [str(d) for d in ds[name].dims if d != "sample"] if name in ds else _summary_dims(ds, name)
        outputs[name] = {
            "dims": dims,
            "units": str(attrs.get("units", "")),
            "description": str(attrs.get("description", "")),
            "stats": summary.as_dict(),
        }
    coords = {
        str(d): [_plain(x) for x in ds[d].to_numpy()]
        for d in ds.coords
        if d not in ("sample", "input", "output", "statistic")
    }
    names = reader_names(scenario)
    manifest = {k: results.manifest.get(k) for k in ("scenario", "seed", "n_samples", "elapsed_s", "engine")}
    view = {
        "manifest": manifest,
        "start_year": world.start_year if (world := as_kind(scenario, WorldScenario)) else None,
        "headline": headline(results, scenario),
        # Each lab's route answer in sentences, as the command line and the report give it.
        "route_answers": [
            {"title": block.title, "lines": block.lines} for block in route_blocks(scenario, results.routes)
        ],
        "outputs": outputs,
        "coords": coords,
        # Labs, routes and deals by their names for readers, where the scenario gives them.
        "names": names.for_coords(coords),
        # Whether some lab names a route besides its declared one: a route gain to move.
        "route_alternatives": has_alternative_routes(scenario),
        # Each lab and route it could switch to at a date (POST /api/switch answers when).
        "switch_targets": _switch_targets(scenario, names),
        "histograms": _histograms(results),
        # Values far outside their field's usual range, and futures past the plausibility bounds:
        # said, not refused (as the CLI says them).
        "warnings": [
            *(f"Check this input: {w}." for w in plausibility_warnings(scenario.model_dump(mode="json"))),
            *_beyond_bounds(results, names),
        ],
    }
    return dict(labecon.Results.json_ready(view))


def _switch_targets(scenario: labecon.Scenario, names: ReaderNames) -> list[dict[str, str]]:
    """Return each switch ``labecon switch`` answers: the lab, its declared route, the route, in words."""
    world = as_kind(scenario, WorldScenario)
    if world is None:
        return []
    return [
        {"lab": lab, "declared": declared, "to": to, "label": f"{names.lab(lab)}: from {declared} to {to}"}
        for lab, declared, to in switch_targets(world)
    ]


def _beyond_bounds(results: labecon.Results, names: ReaderNames) -> list[str]:
    """Return, per lab with any, the share of futures past the scenario's plausibility bounds."""
    name = "is_beyond_plausible_bounds"
    if name not in results.summaries or "lab" not in results.dataset.coords:
        return []
    shares = np.atleast_1d(results.summaries[name].as_dict()["mean"])
    labs = [str(lab) for lab in results.dataset.coords["lab"].to_numpy()]
    each = results.summaries.get("is_beyond_plausible_bound")
    bounds = (
        [str(b) for b in results.dataset.coords["bound"].to_numpy()]
        if "bound" in results.dataset.coords
        else []
    )
    by_bound = np.asarray(each.as_dict()["mean"], dtype=float) if each is not None and bounds else None
    out = []
    for i, (lab, share) in enumerate(zip(labs, shares, strict=True)):
        if share <= 0:
            continue
        which = (
            " (" + ", ".join(f"{b} {pct(p)}" for b, p in zip(bounds, by_bound[i], strict=True) if p > 0) + ")"
            if by_bound is not None
            else ""
        )
        out.append(
            f"{names.lab(lab)}'s compute, funding or revenue passed the plausibility bounds "
            f"(finance.plausible_max_*) in {pct(share)} of futures{which}."
        )
    return out


def _summary_dims(ds: Any, name: str) -> list[str]:
    key = f"summary_{name}"
    return [str(d) for d in ds[key].dims if d != "statistic"] if key in ds else []


def _plain(x: Any) -> Any:
    return x.item() if isinstance(x, np.generic) else x


def _histograms(results: labecon.Results) -> dict[str, Any]:
    """Histograms of the per-sample money outputs, one shared set of bins per output.

    Also what compute costs per H100e-hour: on each route where labs name routes, else per lab.
    Series that are zero in every sample are left out (the declared route's gain over itself).
    """
    ds = results.dataset
    out: dict[str, Any] = {}
    for name in results.outputs:
        if name in ds and ds[name].attrs.get("units") == "USD" and ds[name].ndim <= 2:
            hist = _histogram(ds[name])
            if hist is not None:
                out[name] = hist
    unit_cost = next((n for n in UNIT_COST_HISTOGRAMS if n in ds), None)
    if unit_cost is not None and (hist := _histogram(ds[unit_cost])) is not None:
        out[unit_cost] = {**hist, "unit": "USD", "scale": 1.0}
    return out


UNIT_COST_HISTOGRAMS = ("route_compute_usd_per_h100e_hour", "compute_usd_per_h100e_hour")
"""The unit cost of compute the dashboard draws, the first a run has."""


def _histogram(var: Any) -> dict[str, Any] | None:
    """Return the bins and each series' counts of one output ``(sample[, series])``; None if all zero.

    Also each series' cumulative distribution at the bins' edges (``cdf``: the share of its
    samples with a value at or below each edge, exact: the tails included), which the dashboard
    draws when a chart has too many series for overlaid bars to stay readable.
    """
    values = np.asarray(var.to_numpy(), dtype=float)
    labels = [str(x) for x in var[var.dims[1]].to_numpy()] if values.ndim == 2 else [str(var.name)]
    columns = values.reshape(values.shape[0], -1)
    # A series that is zero in every sample (a declared route's gain over itself) has no
    # distribution to show; it would only squash the others into one bar.
    shown = [j for j in range(columns.shape[1]) if np.any(columns[:, j] != 0)]
    labels, columns = [labels[j] for j in shown], columns[:, shown]
    finite = columns[np.isfinite(columns)]
    if finite.size == 0:
        return None
    # Bins span the middle 95% so the long tails of growth do not flatten the rest; the
    # samples beyond are counted in the edge bins.
    low, high = np.quantile(finite, [0.025, 0.975])
    if high <= low:
        low, high = low - 0.5, high + 0.5
    edges = np.linspace(low, high, HISTOGRAM_BINS + 1)
    counts = {
        label: np.histogram(np.clip(columns[:, j], low, high), bins=edges)[0].tolist()
        for j, label in enumerate(labels)
    }
    cdf = {label: _shares_at_or_below(columns[:, j], edges) for j, label in enumerate(labels)}
    return {"edges": edges.tolist(), "counts": counts, "cdf": cdf}


def _shares_at_or_below(values: FloatArray, edges: FloatArray) -> list[float]:
    """Return the share of the finite ``values`` at or below each of ``edges`` (0 if none is finite)."""
    finite = np.sort(values[np.isfinite(values)])
    if finite.size == 0:
        return [0.0] * edges.size
    shares: FloatArray = np.searchsorted(finite, edges, side="right") / finite.size
    return [float(x) for x in shares]
