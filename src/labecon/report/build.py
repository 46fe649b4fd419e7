"""Build a report from a run (its :class:`Results` or its directory) and any analyses beside it.

A run directory is what ``labecon run --out DIR`` writes (``results.nc``,
``manifest.json``, ...). Analyses saved next to it are picked up by name:
``comparison.json`` (from ``labecon compare``), ``sensitivity*.json`` (from
``labecon sensitivity``) and ``optimization.json`` (from ``labecon optimize``).
Every number in the summary is computed from these files.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from labecon import layout
from labecon.errors import LabeconError, OptionError
from labecon.jsonable import write_json
from labecon.report.answers import answers, horizon_of, start_year_of
from labecon.report.charts import (
    Chart,
    comparison_charts,
    fmt_number,
    optimization_charts,
    output_charts,
    sensitivity_charts,
)
from labecon.report.checks import convention_charts, deal_chart
from labecon.report.html import Table, render_html, write_html
from labecon.report.why import (
    breakeven_chart,
    breakeven_map_charts,
    driver_charts,
    first_profit_charts,
    input_descriptions,
    route_driver_charts,
    route_gain_charts,
    route_payback_charts,
    switch_chart,
    waterfall_charts,
)
from labecon.report.words import in_sentence, label
from labecon.runtime.assumptions import inputs_table, sources_table
from labecon.runtime.results import Results
from labecon.scenario.names import reader_names
from labecon.scenario.plausibility import plausibility_warnings
from labecon.scenario.yaml_text import load_yaml

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
    scenario_yaml: str | None = None
    """The scenario that ran, for dates, and the appendix of assumptions and sources."""
    drivers: dict[str, Any] | None = None
    """What moves each route answer (``drivers.json``)."""
    switch: dict[str, Any] | None = None
    """When a lab should switch routes (``switch.json``)."""
    breakeven: dict[str, Any] | None = None
    """Where an input turns a route answer (``breakeven.json``)."""
    breakeven_map: dict[str, Any] | None = None
    """Where two inputs together turn it (``breakeven_map.json``)."""
    deals: dict[str, Any] | None = None
    """What each deal is worth to both sides (``deals.json``)."""
    conventions: dict[str, Any] | None = None
    """The route answer under the model's conventions (``conventions.json``)."""


def save_json(path: str | Path, data: Mapping[str, Any]) -> Path:
    """Write an analysis result (a ``to_dict()``) as JSON, NaN as null."""
    return write_json(path, dict(data))


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


def _read_if_saved(path: Path) -> dict[str, Any] | None:
    """Return an analysis saved at ``path``, or nothing if none was."""
    return _read_json(path) if path.is_file() else None


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
    comparison = _read_if_saved(d / COMPARISON_FILE)
    optimization = _read_if_saved(d / OPTIMIZATION_FILE)
    sens = [_read_json(p) for p in sorted(d.glob(SENSITIVITY_GLOB))]
    drivers = _read_if_saved(d / layout.DRIVERS_JSON)
    kinds = ("switch", "breakeven", "breakeven_map", "deals", "conventions")
    switch, breakeven, breakeven_map, deals, conventions = (
        _read_if_saved(d / layout.analysis_file(kind)) for kind in kinds
    )
    analyses = (comparison, optimization, drivers, switch, breakeven, breakeven_map, deals, conventions)
    if dataset is None and not sens and all(a is None for a in analyses):
        msg = f"{d} holds no results (results.nc) and no analysis (comparison.json, sensitivity*.json, ...)"
        raise OptionError(msg, "run")
    scenario_yaml = None
    if (d / layout.SCENARIO_YAML).is_file():
        scenario_yaml = (d / layout.SCENARIO_YAML).read_text(encoding="utf-8")
    return ReportInputs(
        dataset,
        manifest,
        comparison,
        sens,
        optimization,
        scenario_yaml,
        drivers,
        switch,
        breakeven,
        breakeven_map,
        deals,
        conventions,
    )


def _outputs(ds: xr.Dataset) -> list[str]:
    skip = {"input_value", "summary"}
    names = [str(n) for n in ds.data_vars if n not in skip and not str(n).startswith("summary_")]
    names += [str(n)[8:] for n in ds.data_vars if str(n).startswith("summary_") and str(n)[8:] not in ds]
    return names


def summary_sentences(inputs: ReportInputs) -> list[str]:
    """Return what the run is, and what its analyses found, in plain words; every number from the results.

    The run's own answers (per lab, or per output) are :func:`labecon.report.answers.answers`.
    """
    out: list[str] = []
    m = inputs.manifest
    if m:
        out.append(
            f"Scenario {m.get('scenario', '?')}: {int(m.get('n_samples', 0)):,} Monte Carlo samples, "
            f"seed {m.get('seed', '?')}. Medians come first: half of the samples lie on either side; "
            "90% ranges leave out the 5% lowest and highest; ± gives one Monte Carlo standard error."
        )
    comp = inputs.comparison
    if comp:
        out.extend(_comparison_sentences(comp))
    for sens in inputs.sensitivity:
        out.extend(_sensitivity_sentences(sens))
    said = (inputs.drivers, inputs.switch, inputs.breakeven, inputs.breakeven_map, inputs.conventions)
    for analysis in said:
        if analysis and analysis.get("summary"):
            out.append(str(analysis["summary"]))
    if inputs.deals and inputs.deals.get("headline"):  # each deal's figures are in its chart
        out.append(str(inputs.deals["headline"]))
    opt = inputs.optimization
    if opt:
        b = opt["best"]
        params = ", ".join(
            f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}" for k, v in b["params"].items()
        )
        cons = "; ".join(opt.get("constraints", [])) or "no constraint"
        lo, hi = opt["best_ci"]
        objective = _stat_label(opt["objective"])
        out.append(
            f"Optimisation ({opt['goal']}imise {objective} subject to {cons}): "
            f"best of {opt['n_evaluations']} "
            f"candidates is {params}, with {objective} = {fmt_number(b['objective']['value'])} "
            f"(95% CI {fmt_number(lo)} to {fmt_number(hi)})."
        )
    return out


def _ref_label(ref: str) -> str:
    """Return an output reference (``npv_fcf_usd[lab=a]``, or a comma-separated list) in words."""
    return ", ".join(in_sentence(label(r.strip())) for r in _split_refs(ref)) if ref else ref


_STAT_WORDS = {
    "mean": "mean",
    "p5": "5th percentile",
    "p50": "median",
    "p95": "95th percentile",
    "sd": "spread (SD)",
}


def _stat_label(text: str) -> str:
    """Return ``mean(npv_fcf_usd)`` as ``mean of NPV of free cash flow``."""
    stat, _, rest = text.partition("(")
    if not rest.endswith(")"):
        return text
    inner = _ref_label(rest[:-1])
    if stat in ("p_positive", "p_negative"):
        return f"chance that {inner} is {'positive' if stat == 'p_positive' else 'negative'}"
    return f"{_STAT_WORDS.get(stat, stat)} of {inner}"


def _split_refs(text: str) -> list[str]:
    """Split ``a[lab=x,year=1], b`` at the commas outside brackets."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += (ch == "[") - (ch == "]")
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [*parts, current]


def _comparison_sentences(comp: Mapping[str, Any]) -> list[str]:
    units = comp.get("units", "")
    goal = "higher" if comp.get("goal") == "max" else "lower"
    best = comp["best"]
    pb = comp["p_best"][best]
    out = [
        f"Comparing {', '.join(comp['options'])} on {_ref_label(comp['metric'])} "
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
        head = f"On {_ref_label(m)} ({better} is better): {c['best']} is best on average; "
        out.append(head + "; ".join(parts) + ".")
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
    out = _ref_label(sens.get("output", ""))
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


def appendix_tables(inputs: ReportInputs) -> list[Table]:
    """Return the appendix: the uncertain inputs, then every number the scenario uses, with sources."""
    if not inputs.scenario_yaml:
        return []
    name = str(inputs.manifest.get("scenario", ""))
    tables = [Table("Uncertain inputs", inputs_table(inputs.scenario_yaml))]
    # A scenario this version cannot read again still shows its inputs.
    with contextlib.suppress(LabeconError):
        tables.append(Table("Every number and its source", sources_table(inputs.scenario_yaml, name)))
    return tables


def build_charts(inputs: ReportInputs) -> list[Chart]:
    """Return every chart the inputs support, in report order."""
    charts: list[Chart] = []
    scenario = load_yaml(inputs.scenario_yaml) if inputs.scenario_yaml else None
    scenario = scenario if isinstance(scenario, dict) else None
    names = reader_names(scenario)
    if inputs.dataset is not None:
        charts.extend(route_gain_charts(inputs.dataset, names))
        charts.extend(waterfall_charts(inputs.dataset, names))
        horizon = horizon_of(scenario) or inputs.dataset.sizes.get("quarter")
        charts.extend(first_profit_charts(inputs.dataset, start_year_of(scenario), horizon, names))
        charts.extend(route_payback_charts(inputs.dataset, start_year_of(scenario), horizon, names))
        charts.extend(driver_charts(inputs.dataset, described=input_descriptions(scenario), names=names))
    if inputs.drivers:  # what moves each route answer, beside what drives the outputs
        charts.extend(route_driver_charts(inputs.drivers))
    if inputs.switch:  # when to switch routes
        charts.append(switch_chart(inputs.switch))
    if inputs.breakeven:  # where an input turns a route answer
        charts.append(breakeven_chart(inputs.breakeven))
    if inputs.breakeven_map:  # where two inputs together turn it
        charts.extend(breakeven_map_charts(inputs.breakeven_map))
    if inputs.conventions:  # the route answer under the model's conventions
        charts.extend(convention_charts(inputs.conventions))
    if inputs.deals:  # what each deal is worth to both sides
        charts.append(deal_chart(inputs.deals))
    if inputs.dataset is not None:
        start = start_year_of(scenario) if scenario is not None else None
        charts.extend(output_charts(inputs.dataset, _outputs(inputs.dataset), start_year=start, names=names))
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
    drivers: Mapping[str, Any] | None = None,
    switch: Mapping[str, Any] | None = None,
    breakeven: Mapping[str, Any] | None = None,
    breakeven_map: Mapping[str, Any] | None = None,
    deals: Mapping[str, Any] | None = None,
    conventions: Mapping[str, Any] | None = None,
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
    comparison, sensitivity, optimization, drivers, switch, breakeven, breakeven_map : optional
        Analysis results as ``to_dict()`` mappings, added to those found on disk
        (``drivers``: :func:`labecon.route_drivers`'s; ``switch``: :func:`labecon.switch_dates`'s;
        ``breakeven``: :func:`labecon.breakeven`'s; ``breakeven_map``: :func:`labecon.breakeven_map`'s).
    deals, conventions : optional
        :func:`labecon.deal_values`' and :func:`labecon.conventions`' results, the same way.
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
        inputs = ReportInputs(source.dataset, dict(source.manifest), scenario_yaml=source.scenario_yaml)
    else:
        inputs = load_report_inputs(source)
        path = Path(source) / REPORT_FILE if path is None else path
    if comparison is not None:
        inputs.comparison = dict(comparison)
    inputs.sensitivity.extend(dict(s) for s in sensitivity)
    if optimization is not None:
        inputs.optimization = dict(optimization)
    if drivers is not None:
        inputs.drivers = dict(drivers)
    if switch is not None:
        inputs.switch = dict(switch)
    if breakeven is not None:
        inputs.breakeven = dict(breakeven)
    if breakeven_map is not None:
        inputs.breakeven_map = dict(breakeven_map)
    if deals is not None:
        inputs.deals = dict(deals)
    if conventions is not None:
        inputs.conventions = dict(conventions)
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
        or (inputs.optimization or {}).get("info", {}).get("scenario")
        or (inputs.drivers or {}).get("scenario", "")
        or (inputs.switch or {}).get("scenario", "")
        or (inputs.breakeven or {}).get("scenario", "")
        or (inputs.breakeven_map or {}).get("scenario", "")
        or (inputs.deals or {}).get("scenario", "")
        or (inputs.conventions or {}).get("scenario", "")
    )
    title = f"labecon report: {name}" if name else "labecon report"
    subtitle = "Every figure is a Monte Carlo estimate; ± gives one standard error."
    loaded = load_yaml(inputs.scenario_yaml) if inputs.scenario_yaml else None
    scenario = loaded if isinstance(loaded, dict) else None
    blocks = answers(inputs.dataset, scenario) if inputs.dataset is not None else []
    # Beside the numbers, a reader should see any input far outside its usual range.
    sentences += [f"Check this input: {w}." for w in plausibility_warnings(scenario or {})]
    page = render_html(
        title, subtitle, sentences, charts, inputs.manifest, answers=blocks, appendix=appendix_tables(inputs)
    )
    target = write_html(Path(path), page)
    if static:
        from labecon.report.static import write_images

        write_images(charts, target.parent / layout.CHARTS_DIR, formats=list(static))
    return target
