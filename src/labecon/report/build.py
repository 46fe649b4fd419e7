"""Build a report from a run (its :class:`Results` or its directory) and any analyses beside it.

A run directory is what ``labecon run --out DIR`` writes (``results.nc``,
``manifest.json``, ...). Analyses saved next to it are picked up by name:
``comparison.json`` (from ``labecon compare``), ``sensitivity*.json`` (from
``labecon sensitivity``) and ``optimization.json`` (from ``labecon optimize``).
Every number in the summary is computed from these files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from labecon import layout
from labecon.errors import OptionError
from labecon.report.charts import (
    Chart,
    comparison_charts,
    fmt_number,
    optimization_charts,
    output_charts,
    sensitivity_charts,
)
from labecon.report.html import render_html, write_html
from labecon.runtime.results import Results

REPORT_FILE = layout.REPORT_HTML
COMPARISON_FILE = layout.COMPARISON_JSON
OPTIMIZATION_FILE = layout.OPTIMIZATION_JSON
SENSITIVITY_GLOB = layout.sensitivity_file("*")


@dataclass
class ReportInputs:
    """Everything a report draws on, as plain data."""

    dataset: xr.Dataset | None
    manifest: dict[str, Any]
    comparison: dict[str, Any] | None = None
    sensitivity: list[dict[str, Any]] = field(default_factory=list)
    optimization: dict[str, Any] | None = None


def save_json(path: str | Path, data: Mapping[str, Any]) -> Path:
    """Write an analysis result (a ``to_dict()``) as JSON, NaN as null."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(Results.json_ready(dict(data)), indent=1) + "\n", encoding="utf-8")
    return target


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        msg = f"cannot read {path}: {exc}"
        raise OptionError(msg, "run") from None
    if not isinstance(data, dict):
        msg = f"{path} does not hold a JSON object"
        raise OptionError(msg, "run")
    return data


def load_report_inputs(directory: str | Path) -> ReportInputs:
    """Read a run directory (and any analyses saved in it) for a report.

    Raises
    ------
    OptionError
        The directory does not exist or holds neither a run nor an analysis.
    """
    d = Path(directory)
    if not d.is_dir():
        msg = f"{d} is not a directory of results"
        raise OptionError(msg, "run")
    dataset = None
    manifest: dict[str, Any] = {}
    if (d / layout.RESULTS_NC).is_file():
        try:
            with xr.open_dataset(d / layout.RESULTS_NC, engine="netcdf4") as ds:
                dataset = ds.load()
        except (OSError, ValueError) as exc:
            msg = f"cannot read {d / layout.RESULTS_NC}: {exc}"
            raise OptionError(msg, "run") from None
    if (d / layout.MANIFEST_JSON).is_file():
        manifest = _read_json(d / layout.MANIFEST_JSON)
    comparison = _read_json(d / COMPARISON_FILE) if (d / COMPARISON_FILE).is_file() else None
    optimization = _read_json(d / OPTIMIZATION_FILE) if (d / OPTIMIZATION_FILE).is_file() else None
    sens = [_read_json(p) for p in sorted(d.glob(SENSITIVITY_GLOB))]
    if dataset is None and comparison is None and optimization is None and not sens:
        msg = f"{d} holds no results (results.nc) and no analysis (comparison.json, sensitivity*.json, ...)"
        raise OptionError(msg, "run")
    return ReportInputs(dataset, manifest, comparison, sens, optimization)


def _outputs(ds: xr.Dataset) -> list[str]:
    skip = {"input_value", "summary"}
    names = [str(n) for n in ds.data_vars if n not in skip and not str(n).startswith("summary_")]
    names += [str(n)[8:] for n in ds.data_vars if str(n).startswith("summary_") and str(n)[8:] not in ds]
    return names


def summary_sentences(inputs: ReportInputs) -> list[str]:
    """Return the plain-language summary; every number comes from the results."""
    out: list[str] = []
    m = inputs.manifest
    ds = inputs.dataset
    if m:
        out.append(
            f"Scenario {m.get('scenario', '?')}: {int(m.get('n_samples', 0)):,} Monte Carlo samples, "
            f"seed {m.get('seed', '?')}."
        )
    if ds is not None:
        for name in _outputs(ds)[:8]:
            if name not in ds or "sample" not in ds[name].dims:
                continue
            var = ds[name]
            units = str(var.attrs.get("units", ""))
            extra = [d for d in var.dims if d != "sample"]
            vals = var.to_numpy()
            if not extra:
                out.append(_scalar_sentence(name, vals, units))
            elif not set(extra) & {"year", "quarter"} and len(extra) == 1:
                for label in [str(x) for x in ds[extra[0]].to_numpy()][:4]:
                    col = var.isel(
                        {extra[0]: [str(x) for x in ds[extra[0]].to_numpy()].index(label)}
                    ).to_numpy()
                    out.append(_scalar_sentence(f"{name} ({label})", col, units))
            elif (
                set(extra) & {"year", "quarter"}
                and np.isfinite(vals).all()
                and np.all((vals == 0) | (vals == 1))
            ):
                time = next(d for d in ("year", "quarter") if d in extra)
                last = var.isel({time: -1})
                for label, p in _by_group(last):
                    n = vals.shape[0]
                    se = np.sqrt(p * (1 - p) / n)
                    who = f" for {label}" if label else ""
                    out.append(f"P({name}){who} by the last {time}: {p:.1%} (± {se:.1%}).")
    comp = inputs.comparison
    if comp:
        out.extend(_comparison_sentences(comp))
    for sens in inputs.sensitivity:
        out.extend(_sensitivity_sentences(sens))
    opt = inputs.optimization
    if opt:
        b = opt["best"]
        params = ", ".join(
            f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}" for k, v in b["params"].items()
        )
        cons = "; ".join(opt.get("constraints", [])) or "no constraint"
        lo, hi = opt["best_ci"]
        out.append(
            f"Optimisation ({opt['goal']}imise {opt['objective']} subject to {cons}): "
            f"best of {opt['n_evaluations']} "
            f"candidates is {params}, with {opt['objective']} = {fmt_number(b['objective']['value'])} "
            f"(95% CI {fmt_number(lo)} to {fmt_number(hi)})."
        )
    return out


def _by_group(var: xr.DataArray) -> list[tuple[str, float]]:
    extra = [d for d in var.dims if d != "sample"]
    if not extra:
        return [("", float(var.mean()))]
    stacked = var.stack(_g=extra)
    means = stacked.mean("sample").to_numpy()
    labels = [
        ", ".join(str(x) for x in (k if isinstance(k, tuple) else (k,))) for k in stacked["_g"].to_numpy()
    ]
    return list(zip(labels, (float(v) for v in means), strict=True))[:6]


def _scalar_sentence(name: str, vals: Any, units: str) -> str:
    v = np.asarray(vals, dtype=np.float64)
    finite = v[np.isfinite(v)]
    if finite.size < 2:
        return f"{name} is undefined in every sample."
    if np.all((finite == 0) | (finite == 1)):
        p = float(finite.mean())
        return f"P({name}) = {p:.1%} (± {np.sqrt(p * (1 - p) / finite.size):.1%})."
    mean, se = float(finite.mean()), float(finite.std(ddof=1) / np.sqrt(finite.size))
    p5, p95 = (float(x) for x in np.percentile(finite, [5, 95]))
    text = (
        f"{name}: mean {fmt_number(mean, units)} (± {fmt_number(se, units)}); "
        f"90% of samples between {fmt_number(p5, units)} and {fmt_number(p95, units)}"
    )
    share = float(np.mean(finite > 0))
    if 0 < share < 1:
        text += f"; above zero in {share:.1%} of samples (± {np.sqrt(share * (1 - share) / finite.size):.1%})"
    if finite.size < v.size:
        text += f"; undefined in {1 - finite.size / v.size:.1%} of samples"
    return text + "."


def _comparison_sentences(comp: Mapping[str, Any]) -> list[str]:
    units = comp.get("units", "")
    goal = "higher" if comp.get("goal") == "max" else "lower"
    best = comp["best"]
    pb = comp["p_best"][best]
    out = [
        f"Comparing {', '.join(comp['options'])} on {comp['metric']} "
        f"({goal} is better, {int(comp['n_samples']):,} paired samples): "
        f"{best} has the best expected value and is best in {pb['value']:.1%} of samples (± {pb['se']:.1%})."
    ]
    for d in comp.get("differences", [])[:6]:
        lo, hi = d["ci"]
        out.append(
            f"{d['a']} beats {d['b']} in {d['p_a_beats_b']['value']:.1%} of samples; "
            f"mean difference {d['a']} − {d['b']} = "
            f"{fmt_number(d['mean']['value'], units)} ({int(100 * comp.get('level', 0.95))}% CI "
            f"{fmt_number(lo, units)} to {fmt_number(hi, units)})."
        )
    out.append(_evpi_sentence(comp, best, units))
    for m, c in comp.get("by_metric", {}).items():
        u = c.get("units", "")
        parts = [
            f"{d['a']} beats {d['b']} in {d['p_a_beats_b']['value']:.1%} of samples "
            f"(mean difference {fmt_number(d['mean']['value'], u)}, {int(100 * c.get('level', 0.95))}% CI "
            f"{fmt_number(d['ci'][0], u)} to {fmt_number(d['ci'][1], u)})"
            for d in c.get("differences", [])[:3]
        ]
        better = "higher" if c.get("goal") == "max" else "lower"
        out.append(f"On {m} ({better} is better): {c['best']} is best on average; " + "; ".join(parts) + ".")
    return out


def _evpi_sentence(comp: Mapping[str, Any], best: str, units: str) -> str:
    ev = comp["evpi"]
    if ev["value"] <= 0:
        return (
            f"{best} is best in every sample, so no information could change the choice "
            "(expected value of perfect information, EVPI, = 0)."
        )
    text = (
        "Expected value of perfect information about the choice (EVPI): "
        f"{fmt_number(ev['value'], units)} (± {fmt_number(ev['se'], units)})"
    )
    evppi = comp.get("evppi", {})
    if evppi:
        top = max(evppi, key=lambda k: evppi[k]["value"])
        value, se = evppi[top]["value"], evppi[top]["se"]
        if value < 0.01 * ev["value"] and se < 0.01 * ev["value"]:
            text += "; no single input is worth learning on its own (each EVPPI is under 1% of the EVPI)"
        elif se < value:
            text += (
                f"; the input most worth learning is {top} "
                f"(EVPPI {fmt_number(value, units)} ± {fmt_number(se, units)})"
            )
        else:
            text += "; the value of learning single inputs (EVPPI) is not resolved at this sample size"
    return text + "."


def _sensitivity_sentences(sens: Mapping[str, Any]) -> list[str]:
    names = sens["inputs"]
    idx = {k: np.asarray(v, dtype=np.float64) for k, v in sens["indices"].items()}
    method = sens["method"]
    out = sens.get("output", "")
    key = {"sobol": "ST", "delta": "delta", "pawn": "median", "oat": "swing"}[method]
    vals = idx[key] if idx[key].ndim == 1 else idx[key].mean(axis=1)
    j = int(np.nanargmax(np.abs(vals)))
    if method == "sobol":
        s1, st = idx["S1"], idx["ST"]
        s1v, stv = (
            (float(s1[j]), float(st[j])) if s1.ndim == 1 else (float(s1[j].mean()), float(st[j].mean()))
        )
        text = f"Sobol indices of {out}: {names[j]} matters most (first order {s1v:.2f}, total {stv:.2f})"
    elif method == "oat":
        text = (
            f"One at a time, {names[j]} moves {out} the most "
            f"(swing {fmt_number(float(vals[j]))} from its 5th to 95th percentile)"
        )
    else:
        text = f"{method.upper()} index of {out}: {names[j]} matters most ({float(vals[j]):.2f})"
    warn = sens.get("warnings") or []
    caution = f" Caution: {'; '.join(warn)}." if warn else ""
    return [text + f". Assumption: {sens.get('assumption', '')}.{caution}"]


def build_charts(inputs: ReportInputs) -> list[Chart]:
    """Return every chart the inputs support, in report order."""
    charts: list[Chart] = []
    if inputs.dataset is not None:
        charts.extend(output_charts(inputs.dataset, _outputs(inputs.dataset)))
    if inputs.comparison:
        charts.extend(comparison_charts(inputs.comparison))
    for sens in inputs.sensitivity:
        charts.extend(sensitivity_charts(sens))
    if inputs.optimization:
        charts.extend(optimization_charts(inputs.optimization))
    return charts


def write_report(
    source: Results | str | Path,
    path: str | Path | None = None,
    *,
    comparison: Mapping[str, Any] | None = None,
    sensitivity: Sequence[Mapping[str, Any]] = (),
    optimization: Mapping[str, Any] | None = None,
    static: Sequence[str] = (),
) -> Path:
    """Write one self-contained HTML report (and, on request, PNG/SVG of each chart).

    Parameters
    ----------
    source : Results, str or Path
        A run's results, or a run directory (analyses saved in it are included).
    path : str or Path, optional
        The HTML file; default ``report.html`` in the run directory (required
        when ``source`` is a :class:`Results`).
    comparison, sensitivity, optimization : optional
        Analysis results as ``to_dict()`` mappings, added to those found on disk.
    static : list of {"png", "svg"}
        Also write every chart as an image, into ``charts/`` beside the HTML.

    Returns
    -------
    Path
        The HTML file written.
    """
    if isinstance(source, Results):
        if path is None:
            msg = "give the report's path when reporting on in-memory results"
            raise OptionError(msg, "path")
        inputs = ReportInputs(source.dataset, dict(source.manifest))
    else:
        inputs = load_report_inputs(source)
        path = Path(source) / REPORT_FILE if path is None else path
    if comparison is not None:
        inputs.comparison = dict(comparison)
    inputs.sensitivity.extend(dict(s) for s in sensitivity)
    if optimization is not None:
        inputs.optimization = dict(optimization)
    bad = [s for s in static if s not in ("png", "svg")]
    if bad:
        msg = f"unknown image format(s) {bad}; expected png or svg"
        raise OptionError(msg, "static")
    charts = build_charts(inputs)
    sentences = summary_sentences(inputs)
    name = (
        inputs.manifest.get("scenario")
        or (inputs.comparison or {}).get("info", {}).get("scenario")
        or next((x.get("extra", {}).get("scenario") for x in inputs.sensitivity if x.get("extra")), None)
        or (inputs.optimization or {}).get("info", {}).get("scenario", "")
    )
    title = f"labecon report: {name}" if name else "labecon report"
    subtitle = "Every figure is a Monte Carlo estimate; ± gives one standard error."
    page = render_html(title, subtitle, sentences, charts, inputs.manifest)
    target = write_html(Path(path), page)
    if static:
        from labecon.report.static import write_images

        write_images(charts, target.parent / layout.CHARTS_DIR, formats=list(static))
    return target
