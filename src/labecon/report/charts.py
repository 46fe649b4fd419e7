"""Chart specifications built from results: plain data, drawn by Plotly (HTML) or Matplotlib (PNG/SVG).

A :class:`Chart` says what to draw and holds already-reduced numbers
(percentiles, histogram counts, indices), never raw samples, so a report stays
small whatever the number of samples, and the two renderers draw the same thing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any, Literal

import numpy as np
import xarray as xr

from labecon.amounts import money
from labecon.analysis.conditional import moved_words
from labecon.report.words import in_sentence, quarter_date, reader_note, year_span
from labecon.report.words import label as human_label
from labecon.scenario.names import NO_NAMES, ReaderNames
from labecon.types import FloatArray

ChartKind = Literal["fan", "prob", "hist_cdf", "bars", "tornado", "lines", "scatter", "waterfall"]

TIME_DIMS = ("year", "quarter")
"""Trailing dims drawn as a time axis (fan charts, probabilities over time)."""

DATED_OUTPUTS = ("first_profitable_quarter", "first_profitable_year_quarter", "route_payback_quarter")
"""Outputs that are quarters with the horizon standing for "never": not drawn as plain numbers
(:mod:`labecon.report.why` draws them as calendar years, "never" a bar of its own)."""

BY_LINE_OUTPUTS = ("route_gain_by_line_usd",)
"""Outputs split by line, drawn as waterfalls in :mod:`labecon.report.why` (their lines add up)."""

FAN_PERCENTILES = (5.0, 25.0, 50.0, 75.0, 95.0)
MAX_BANDED_SERIES = 3
"""A fan chart with more series than this shows their medians only."""
HIST_BINS = 40
CLIP = (0.5, 99.5)
"""Histograms and CDFs show the middle 99% of samples, so one extreme sample cannot squash the rest."""


@dataclass
class Chart:
    """One chart: its kind, labels and reduced data (see each builder for the data's keys)."""

    id: str
    kind: ChartKind
    title: str
    x_label: str
    y_label: str
    data: dict[str, Any]
    note: str = ""
    section: str = "Results"
    extra: dict[str, Any] = field(default_factory=dict)


def _label(x: Any) -> Any:
    return x.item() if hasattr(x, "item") else x


def _is_flag(var: xr.DataArray, units: str) -> bool:
    """Return whether an output is a 0/1 flag: unitless (``"1"``) and only 0s and 1s.

    Money that is zero in every sample (a declared route's gain) is not a probability.
    """
    return units in ("1", "") and _is_binary(var.to_numpy())


def _is_binary(values: FloatArray) -> bool:
    finite = values[np.isfinite(values)]
    return finite.size > 0 and bool(np.all((finite == 0) | (finite == 1)))


def _groups(
    var: xr.DataArray, skip: Sequence[str], names: ReaderNames = NO_NAMES
) -> list[tuple[str, dict[str, Any]]]:
    """Return (label, selection) for every combination of the dims other than ``sample`` and ``skip``.

    Labs, routes and deals are labelled by their ``names``.
    """
    dims = [str(d) for d in var.dims if d != "sample" and d not in skip]
    if not dims:
        return [("", {})]
    # Lines of a statement read as words ("net income"); labs, routes and deals by their names.
    labels = [
        [
            str(_label(v)).replace("_", " ") if d.endswith("_line") else names.of(d, str(_label(v)))
            for v in var[d].to_numpy()
        ]
        for d in dims
    ]
    out = []
    for combo in product(*(range(len(ls)) for ls in labels)):
        sel = dict(zip(dims, combo, strict=True))
        name = ", ".join(f"{labels[k][i]}" for k, (d, i) in enumerate(sel.items()) if d) or ""
        out.append((name, sel))
    return out


def _time_axis(time: str, x: list[Any], start_year: float | None) -> tuple[dict[str, Any], str, str]:
    """Return extra chart data (dates for quarters), the axis title and a note on what years mean."""
    if start_year is None:
        return {}, time, ""
    if time == "quarter":
        return {"x_text": [quarter_date(q, start_year) for q in x]}, "calendar quarter", ""
    return {}, "model year", f"a year runs from {year_span(start_year)} and so on"


def output_charts(
    ds: xr.Dataset,
    outputs: Sequence[str],
    *,
    max_groups: int = 8,
    start_year: float | None = None,
    names: ReaderNames = NO_NAMES,
) -> list[Chart]:
    """Return charts of every output: fans over time, P(event) over time for 0/1 outputs, distributions."""
    charts: list[Chart] = []
    for name in outputs:
        if name in DATED_OUTPUTS or name in BY_LINE_OUTPUTS:
            continue  # drawn in report.why: as dates ("never" apart), or as waterfalls
        if name in ds and "sample" in ds[name].dims:
            var = ds[name]
            units = str(var.attrs.get("units", ""))
            desc = reader_note(str(var.attrs.get("description", "")))
            human = human_label(name, desc, units)
            time = next((d for d in TIME_DIMS if d in var.dims), None)
            others = [d for d in var.dims if d not in ("sample", time, "lab")]
            if time is not None and "lab" in var.dims and others:
                # Several lines per lab (a statement's lines, capacity by source): one chart per
                # lab, or the bands of a dozen series would cover each other.
                for lab in var["lab"].to_numpy():
                    key = f"{name}:{lab}"
                    part = xr.Dataset({key: var.sel(lab=lab).drop_vars("lab")})
                    charts.extend(
                        output_charts(part, [key], max_groups=max_groups, start_year=start_year, names=names)
                    )
                continue
            groups = _groups(var, [time] if time else [], names)[:max_groups]
            if time is not None:
                x = [_label(v) for v in ds[time].to_numpy()]
                dated, axis, years_note = _time_axis(time, x, start_year)
                series = []
                binary = _is_flag(var, units)
                for label, sel in groups:
                    vals = var.isel(sel).transpose("sample", time).to_numpy()
                    if binary:
                        # An absorbing 0/1 event (ruin): the share of samples flagged at each step.
                        p = np.nanmean(vals, axis=0)
                        series.append(
                            {
                                "name": label or human,
                                "p": p.tolist(),
                                "se": np.sqrt(p * (1 - p) / vals.shape[0]).tolist(),
                            }
                        )
                    else:
                        pct = np.nanpercentile(vals, FAN_PERCENTILES, axis=0)
                        # Bands only while they stay readable; beyond that, medians only.
                        shown = FAN_PERCENTILES if len(groups) <= MAX_BANDED_SERIES else (50.0,)
                        series.append(
                            {
                                "name": label or human,
                                **{
                                    f"p{q:g}": pct[i].tolist()
                                    for i, q in enumerate(FAN_PERCENTILES)
                                    if q in shown
                                },
                            }
                        )
                if binary:
                    charts.append(
                        Chart(
                            f"prob-{name}",
                            "prob",
                            f"{human} by {time}",
                            axis,
                            "probability",
                            {"x": x, "series": series, **dated},
                            note="; ".join(
                                t
                                for t in (
                                    "Share of samples, with its 95% interval",
                                    f"a sample counts {desc}" if desc else "",
                                    years_note,
                                )
                                if t
                            ),
                        )
                    )
                else:
                    log = _log_axis(series)
                    charts.append(
                        Chart(
                            f"fan-{name}",
                            "fan",
                            f"{human} over time",
                            axis,
                            f"{units or human} (log scale)" if log else units or human,
                            {"x": x, "series": series, "log": log, **dated},
                            note="; ".join(
                                t
                                for t in (
                                    desc,
                                    "median, 50% and 90% bands"
                                    if len(groups) <= MAX_BANDED_SERIES
                                    else f"medians (bands are drawn for at most {MAX_BANDED_SERIES} series)",
                                    years_note,
                                )
                                if t
                            ),
                        )
                    )
            else:
                columns = [
                    (label or human, np.asarray(var.isel(sel).to_numpy(), dtype=np.float64).reshape(-1))
                    for label, sel in groups
                ]
                if _is_flag(var, units):
                    # A 0/1 outcome (ruined, ever profitable): its probability per group says it all.
                    ps = [float(np.nanmean(v)) for _, v in columns]
                    ses = [
                        float(np.sqrt(p * (1 - p) / v.size)) for p, (_, v) in zip(ps, columns, strict=True)
                    ]
                    charts.append(
                        Chart(
                            f"prob-{name}",
                            "bars",
                            f"{human}",
                            "",
                            "probability",
                            {
                                "categories": [c for c, _ in columns],
                                "series": [{"name": human, "values": ps, "errors": [1.96 * e for e in ses]}],
                            },
                            note=f"{desc}; whiskers: 95% interval",
                        )
                    )
                    continue
                series, note = _hist_cdf(columns)
                if series:
                    charts.append(
                        Chart(
                            f"dist-{name}",
                            "hist_cdf",
                            f"Distribution of {in_sentence(human)}",
                            units or name,
                            "share of samples",
                            {"series": series},
                            note="; ".join(x for x in (desc, note) if x),
                        )
                    )
        elif f"summary_{name}" in ds:
            charts.extend(_summary_fan(ds, name))
    return charts


LOG_SPREAD = 30.0
"""A fan whose band spans more than this ratio (and stays above 0) is drawn on a log axis."""


def _log_axis(series: Sequence[Mapping[str, Any]]) -> bool:
    """Return whether a fan reads better on a log axis: positive, and spanning orders of magnitude.

    Growth over a decade does: on a linear axis the upper band's tail flattens every median.
    """
    values = np.array([v for s in series for k in s if k.startswith("p") for v in s[k]], dtype=np.float64)
    values = values[np.isfinite(values)]
    return bool(values.size and values.min() > 0 and values.max() / values.min() > LOG_SPREAD)


def _summary_fan(ds: xr.Dataset, name: str) -> list[Chart]:
    """Return a fan from the stored summary when per-sample values were not kept (5th-95th, median)."""
    var = ds[f"summary_{name}"]
    time = next((d for d in TIME_DIMS if d in var.dims), None)
    if time is None:
        return []
    x = [_label(v) for v in ds[time].to_numpy()]
    human = human_label(name, str(var.attrs.get("description", "")), str(var.attrs.get("units", "")))
    series = []
    for label, sel in _groups(var.drop_vars([], errors="ignore"), ["statistic", time])[:8]:
        sub = var.isel(sel)
        series.append(
            {
                "name": label or human,
                **{k: sub.sel(statistic=k).to_numpy().tolist() for k in ("p5", "p50", "p95")},
            }
        )
    log = _log_axis(series)
    units = str(var.attrs.get("units", ""))
    return [
        Chart(
            f"fan-{name}",
            "fan",
            f"{human} over time",
            time,
            f"{units} (log scale)" if log else units,
            {"x": x, "series": series, "log": log},
            note="median and 90% band (per-sample values not kept)",
        )
    ]


def _hist_cdf(columns: Sequence[tuple[str, FloatArray]]) -> tuple[list[dict[str, Any]], str]:
    """Return histogram and CDF data on bins shared by every series.

    Heavy tails get log bins (positive data) or a clipped view, decided on
    all series pooled, so overlaid series stay comparable. A series zero in
    every sample (a declared route's gain over itself) has no distribution and
    is left out; each series keeps its colour, its place among ``columns``.
    """
    notes = []
    finite_cols = []
    zero = [name for name, values in columns if not np.any(values != 0)]
    if zero and len(zero) < len(columns):
        notes.append(f"zero in every sample, so not drawn: {', '.join(zero)}")
    for colour, (name, values) in enumerate(columns):
        if name in zero:
            continue
        finite = values[np.isfinite(values)]
        if finite.size < values.size:
            notes.append(f"{name}: undefined in {1 - finite.size / values.size:.1%} of samples")
        finite_cols.append((name, finite, values.size, colour))
    pooled = np.concatenate([f for _, f, _, _ in finite_cols]) if finite_cols else np.empty(0)
    if pooled.size < 2:
        return [], "; ".join(notes)
    lo, hi = (float(x) for x in np.percentile(pooled, CLIP))
    q25, q75 = np.percentile(pooled, [25, 75])
    log = bool(lo > 0 and hi / lo > 100)
    if not log and hi - lo > 20 * (q75 - q25) > 0:
        # A heavy tail on a linear axis squashes everything into one bar: show the middle 90%.
        lo, hi = (float(x) for x in np.percentile(pooled, [5, 95]))
        notes.append("middle 90% of samples shown")
    if not hi > lo:
        lo, hi = float(pooled.min()) - 0.5, float(pooled.max()) + 0.5
    if log:
        edges = np.geomspace(lo, hi, HIST_BINS + 1)
        xs = np.geomspace(lo, hi, 200)
        notes.append("log scale")
    else:
        edges = np.linspace(lo, hi, HIST_BINS + 1)
        xs = np.linspace(lo, hi, 200)
    series = []
    for name, finite, n, colour in finite_cols:
        if finite.size == 0:
            continue
        counts, _ = np.histogram(np.clip(finite, lo, hi), bins=edges)
        cdf = np.searchsorted(np.sort(finite), xs, side="right") / n
        series.append(
            {
                "name": name,
                "edges": edges.tolist(),
                "share": (counts / n).tolist(),
                "cdf_x": xs.tolist(),
                "cdf_y": cdf.tolist(),
                "log": log,
                "colour": colour,
            }
        )
    return series, "; ".join(notes)


def comparison_charts(comp: Mapping[str, Any]) -> list[Chart]:
    """Return charts of a comparison (from :meth:`Comparison.to_dict` plus ``values_sample``)."""
    opts = list(comp["options"])
    units = comp.get("units", "")
    metric = comp.get("metric", "")
    charts = [
        Chart(
            "cmp-means",
            "bars",
            f"Expected {metric} by option",
            "option",
            units or metric,
            {
                "categories": opts,
                "series": [
                    {
                        "name": "mean",
                        "values": [comp["means"][o]["value"] for o in opts],
                        "errors": [1.96 * comp["means"][o]["se"] for o in opts],
                    }
                ],
            },
            note="bars: mean; whiskers: 95% interval of the Monte Carlo estimate",
            section="Comparison",
        ),
        Chart(
            "cmp-pbest",
            "bars",
            "P(best in hindsight)",
            "option",
            "probability",
            {
                "categories": opts,
                "series": [
                    {
                        "name": "P(best)",
                        "values": [comp["p_best"][o]["value"] for o in opts],
                        "errors": [1.96 * comp["p_best"][o]["se"] for o in opts],
                    }
                ],
            },
            note="share of samples in which each option turns out best",
            section="Comparison",
        ),
    ]
    diffs = comp.get("differences", [])
    if diffs:
        charts.append(
            Chart(
                "cmp-diff",
                "bars",
                "Paired differences (same draws)",
                "pair",
                units or metric,
                {
                    "categories": [f"{d['a']} − {d['b']}" for d in diffs],
                    "series": [
                        {
                            "name": "mean difference",
                            "values": [d["mean"]["value"] for d in diffs],
                            "errors": [(d["ci"][1] - d["ci"][0]) / 2 for d in diffs],
                        }
                    ],
                },
                note=f"{int(comp.get('level', 0.95) * 100)}% confidence intervals",
                section="Comparison",
            )
        )
    by_metric = comp.get("by_metric") or {}
    if diffs and by_metric:
        first = diffs[0]
        names = [str(comp.get("metric", "")), *by_metric]
        pairs = [first, *(c["differences"][0] for c in by_metric.values() if c.get("differences"))]
        charts.append(
            Chart(
                "cmp-pbeats",
                "bars",
                f"P({first['a']} beats {first['b']}) on each metric",
                "metric",
                "probability",
                {
                    "categories": names[: len(pairs)],
                    "series": [
                        {
                            "name": "P(beats)",
                            "values": [d["p_a_beats_b"]["value"] for d in pairs],
                            "errors": [1.96 * d["p_a_beats_b"]["se"] for d in pairs],
                        }
                    ],
                },
                note="each metric in its own direction (higher or lower is better); whiskers: 95% interval",
                section="Comparison",
            )
        )
    sample = comp.get("values_sample")
    if sample:
        vals = np.asarray(sample, dtype=np.float64)
        util = vals if comp.get("goal", "max") == "max" else -vals
        regret = util.max(axis=1, keepdims=True) - util
        series = []
        hi = float(np.percentile(regret, 99)) or float(regret.max()) or 1.0
        xs = np.linspace(0.0, hi, 200)
        for j, o in enumerate(opts):
            ordered = np.sort(regret[:, j])
            series.append(
                {"name": o, "y": (np.searchsorted(ordered, xs, side="right") / ordered.size).tolist()}
            )
        charts.append(
            Chart(
                "cmp-regret",
                "lines",
                "Regret: how much worse than the best choice in hindsight",
                f"regret ({units})" if units else "regret",
                "P(regret ≤ x)",
                {"x": xs.tolist(), "series": series},
                note="cumulative distribution over samples (up to the 99th percentile)",
                section="Comparison",
            )
        )
    evppi = comp.get("evppi", {})
    if evppi and comp["evpi"]["value"] > 0:  # with EVPI = 0 every EVPPI is 0: nothing to chart
        keys = sorted(evppi, key=lambda k: evppi[k]["value"])
        errs = [1.96 * evppi[k]["se"] for k in keys]
        top = max(evppi[k]["value"] for k in keys)
        evpi = float(comp["evpi"]["value"])
        # Resolved when the intervals are small next to the estimates, or negligible next to EVPI.
        resolved = max(errs) <= 5 * top or max(errs) <= 0.01 * evpi
        evppi_note = (
            ""
            if resolved
            else (
                f"; bootstrap SEs (up to {_fmt(max(errs) / 1.96)}) dwarf the estimates: "
                "not resolved, more samples needed"
            )
        )
        charts.append(
            Chart(
                "cmp-evppi",
                "bars",
                "Value of perfect information about each input (EVPPI)",
                units or metric,
                "input",
                {
                    "categories": keys,
                    "series": [
                        {
                            "name": "EVPPI",
                            "values": [evppi[k]["value"] for k in keys],
                            "errors": errs if resolved else None,
                        }
                    ],
                    "orientation": "h",
                },
                note=f"EVPI (all inputs) = {_fmt(comp['evpi']['value'])}{evppi_note}; "
                f"method: {comp.get('evppi_method', '')}",
                section="Comparison",
            )
        )
    return charts


def sensitivity_charts(sens: Mapping[str, Any]) -> list[Chart]:
    """Return charts of one sensitivity result (from :meth:`SensitivityResult.to_dict`)."""
    method = sens["method"]
    names = list(sens["inputs"])
    idx = {k: np.asarray(v, dtype=np.float64) for k, v in sens["indices"].items()}
    out = sens.get("output", "")
    note = f"assumption: {sens.get('assumption', '')}"
    if sens.get("warnings"):
        note += f"; caution: {'; '.join(sens['warnings'])}"
    charts: list[Chart] = []
    timed = sens.get("time_dim") and next(iter(idx.values())).ndim == 2
    if method == "oat" and not timed:
        base = float(sens["extra"]["base"])
        order = np.argsort(np.abs(idx["swing"]))
        charts.append(
            Chart(
                f"tornado-{out}",
                "tornado",
                f"Tornado: {out}",
                out,
                "input",
                {
                    "inputs": [names[i] for i in order],
                    "low": idx["low"][order].tolist(),
                    "high": idx["high"][order].tolist(),
                    "base": base,
                },
                note=(
                    f"each input from its 5th to 95th percentile, the others at their medians; {note}. "
                    + moved_words(sens["extra"].get("moved_with") or {}, True)
                ).rstrip(),
                section="Sensitivity",
            )
        )
        q = sens["extra"]["quantiles"]
        spider = np.asarray(sens["extra"]["spider"], dtype=np.float64)
        charts.append(
            Chart(
                f"spider-{out}",
                "lines",
                f"Spider: {out} as each input moves through its range",
                "input percentile",
                out,
                {
                    "x": [100 * v for v in q],
                    "series": [{"name": n, "y": spider[j].tolist()} for j, n in enumerate(names)],
                },
                note=note,
                section="Sensitivity",
            )
        )
        return charts
    main = {"sobol": ("S1", "ST"), "delta": ("delta",), "pawn": ("median",), "oat": ("swing",)}[method]
    if timed:
        x = sens.get("time_coords") or list(range(idx[main[-1]].shape[1]))
        key = main[-1]
        charts.append(
            Chart(
                f"sens-{method}-{out}-time",
                "lines",
                f"{key} of {out} by {sens['time_dim']} ({method})",
                str(sens["time_dim"]),
                key,
                {"x": x, "series": [{"name": n, "y": idx[key][j].tolist()} for j, n in enumerate(names)]},
                note=note,
                section="Sensitivity",
            )
        )
        return charts
    order = np.argsort(idx[main[-1]])
    series = []
    for key in main:
        conf = idx.get(f"{key}_conf")
        series.append(
            {
                "name": key,
                "values": idx[key][order].tolist(),
                "errors": conf[order].tolist() if conf is not None else None,
            }
        )
    title = {"sobol": "Sobol indices", "delta": "Borgonovo delta", "pawn": "PAWN index (median KS)"}.get(
        method, method
    )
    charts.append(
        Chart(
            f"sens-{method}-{out}",
            "bars",
            f"{title}: {out}",
            "index",
            "input",
            {"categories": [names[i] for i in order], "series": series, "orientation": "h"},
            note=note + ("; whiskers: bootstrap confidence intervals" if method == "sobol" else ""),
            section="Sensitivity",
        )
    )
    return charts


def optimization_charts(opt: Mapping[str, Any]) -> list[Chart]:
    """Return the objective-vs-risk scatter of an optimisation (from :meth:`OptimizationResult.to_dict`)."""
    cands = opt.get("candidates", [])
    if not cands or not opt.get("constraints"):
        return []
    front = {c["number"] for c in opt.get("frontier", [])}
    pts = [
        (c["constraints"][0]["value"], c["objective"]["value"], c["number"] in front, c["feasible"])
        for c in cands
    ]
    return [
        Chart(
            "opt-frontier",
            "scatter",
            f"Trade-off: {opt['objective']} vs {opt['constraints'][0]}",
            opt["constraints"][0].split(" ")[0],
            opt["objective"],
            {
                "points": [{"x": p[0], "y": p[1], "frontier": p[2], "feasible": p[3]} for p in pts],
                "limit": float(opt["constraints"][0].split(" ")[-1]),
            },
            note=f"{len(cands)} candidates; frontier highlighted",
            section="Optimisation",
        )
    ]


def _fmt(x: float) -> str:
    return fmt_number(x)


def fmt_number(x: float, units: str = "") -> str:
    """Return a number for people: 3 significant figures, money as ``$12.3B`` (`amounts.money`)."""
    if x is None or not math.isfinite(x):
        return "n/a"
    a = abs(x)
    if units.upper().startswith("USD") and a >= 1e3:
        return money(x)
    if a != 0 and (a >= 1e6 or a < 1e-3):
        return f"{x:.3g}"
    # Counts of time read as plurals ("6 quarters"), whatever the unit's name in the schema.
    shown = {"quarter": "quarters", "year": "years"}.get(units, units)
    return f"{x:,.3g}" + (
        f" {shown}" if shown and not shown.upper().startswith("USD") else (" USD" if shown else "")
    )
