"""Charts that say why: where each lab's money goes (a waterfall) and which inputs drive the main outputs.

Built from a run's kept values; a run without them gets a note saying which
option keeps them, not an empty chart.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import xarray as xr

from labecon.amounts import money, value_in_units
from labecon.analysis.conditional import moved_words
from labecon.ranks import average_ranks, rank_correlation
from labecon.report.charts import Chart
from labecon.report.words import NPV_LINE_WORDS, label
from labecon.scenario.names import NO_NAMES, ReaderNames
from labecon.types import FloatArray

WHY = "Why: where the money goes and what drives it"
"""The report section of these charts."""

_LINES = {
    "revenue": "Revenue",
    "compute_cost": "Compute",
    "depreciation": "Depreciation",
    "staff": "Staff and R&D",
    "interest": "Interest",
}
"""Income statement lines as a reader names them; costs are positive amounts taken off revenue."""


MAIN_OUTPUTS = ("npv_fcf_usd", "peak_funding_need_usd", "saving", "npv_usd")
"""Outputs whose drivers are charted, when the run has them."""

MAX_DRIVERS = 8


def waterfall_charts(ds: xr.Dataset, names: ReaderNames = NO_NAMES) -> list[Chart]:
    """Return, per lab, the mean cumulative income statement over the horizon as a waterfall.

    Means add up (the mean net income is the mean revenue less the mean of
    each cost), which medians do not; the note says so.
    """
    if "income_statement_usd" not in ds or "lab" not in ds["income_statement_usd"].dims:
        return []
    total = ds["income_statement_usd"].sum("quarter").mean("sample")
    lines = [str(x) for x in ds["income_line"].to_numpy()]
    charts = []
    for lab in (str(x) for x in ds["lab"].to_numpy()):
        row = total.sel(lab=lab)
        steps, values = [], []
        for line in lines:
            if line in _LINES:
                value = float(row.sel(income_line=line))
                steps.append(_LINES[line])
                values.append(value if line == "revenue" else -value)
        net = float(sum(values))
        note = (
            f"Means over samples of each line summed over every quarter; net income {money(net)}. "
            "Means are shown because they add up; the answers above give medians."
        )
        title = f"{names.lab(lab)}: revenue to net income over the horizon"
        charts.append(_waterfall(f"waterfall-{lab}", title, steps, values, "Net income", note))
    return charts


def _waterfall(
    chart_id: str, title: str, names: Sequence[str], values: Sequence[float], total: str, note: str
) -> Chart:
    """Return a waterfall of ``values`` (USD) named ``names``, ending in their sum named ``total``."""
    steps = [{"name": n, "value": v} for n, v in zip(names, values, strict=True)]
    data = {"steps": steps, "total": {"name": total, "value": float(sum(values))}}
    return Chart(chart_id, "waterfall", title, "", "USD", data, note=note, section=WHY)


def route_gain_charts(ds: xr.Dataset, names: ReaderNames = NO_NAMES) -> list[Chart]:
    """Return, per lab and alternative route, its NPV gain over the declared route split by line.

    Read from the run's summaries (means add up: the lines sum to the mean gain),
    so a run that kept no per-sample values gets them too.
    """
    name = "summary_route_gain_by_line_usd"
    if name not in ds or "route" not in ds.coords:
        return []
    means = ds[name].sel(statistic="mean")
    labels = [str(x) for x in ds["route"].to_numpy()]
    lines = [str(x) for x in ds["npv_line"].to_numpy()]
    declared: dict[str, str] = {}
    charts = []
    for label_ in labels:
        lab, route = label_.split(":", 1)
        if lab not in declared:  # a lab's declared route comes first
            declared[lab] = route
            continue
        row = means.sel(route=label_)
        values = [float(row.sel(npv_line=line)) for line in lines]
        gain = float(sum(values))
        note = (
            f"Means over the same futures of the NPV under {route} less under {declared[lab]}, "
            f"line by line (positive: {route} is better on that line); mean gain {money(gain)}. "
            "The other labs keep their declared strategies."
        )
        title = f"{names.lab(lab)}: {route} against {declared[lab]}, NPV gain by line"
        steps = [NPV_LINE_WORDS.get(line, line) for line in lines]
        charts.append(_waterfall(f"route-gain-{lab}-{route}", title, steps, values, "NPV gain", note))
    return charts


def first_profit_charts(
    ds: xr.Dataset, start_year: float, horizon_quarters: int | None = None, names: ReaderNames = NO_NAMES
) -> list[Chart]:
    """Return the share of samples whose first profitable quarter falls in each calendar year, and "never".

    "Never" is its own bar: a horizon standing for it is never averaged into a date. With the
    ``horizon_quarters`` known, each lab's first profitable year (four quarters running) stands
    beside its first profitable quarter: one good quarter is not a profitable business.
    """
    name, year_name = "first_profitable_quarter", "first_profitable_year_quarter"
    if name not in ds or "is_ever_profitable" not in ds or "lab" not in ds[name].dims:
        return []
    labs = [str(x) for x in ds["lab"].to_numpy()]
    # With the horizon, which stands for "never" in the profitable year's quarter, both are drawn.
    horizon = horizon_quarters if year_name in ds and "sample" in ds[year_name].dims else None
    when = {}
    looks: dict[str, dict[str, Any]] = {}
    for i, lab in enumerate(labs):
        said = names.lab(lab)
        quarter_label = said if horizon is None else f"{said}, a quarter"
        when[quarter_label] = (
            ds[name].sel(lab=lab).to_numpy(),
            ds["is_ever_profitable"].sel(lab=lab).to_numpy(),
        )
        if horizon is not None:
            q = ds[year_name].sel(lab=lab).to_numpy()
            when[f"{said}, a year"] = (q, (q < horizon).astype(np.float64))
            # A lab keeps its colour: its first profitable quarter pale, its first profitable year full.
            looks[quarter_label] = {"colour": i, "light": True}
            looks[f"{said}, a year"] = {"colour": i, "light": False}
    with_years = horizon is not None
    years_note = (
        ' "A year": the first quarter closing four quarters running whose net income adds up above zero.'
        if with_years
        else ""
    )
    return [
        _by_calendar_year(
            "first-profit",
            "When each lab first makes a profit",
            "calendar year of the first profitable quarter" + (" or year" if with_years else ""),
            when,
            ds,
            start_year,
            "Share of samples whose first quarter with positive net income falls in each calendar year; "
            '"never": no profitable quarter within the horizon.' + years_note,
            looks=looks,
        )
    ]


def route_payback_charts(
    ds: xr.Dataset, start_year: float, horizon_quarters: int | None, names: ReaderNames = NO_NAMES
) -> list[Chart]:
    """Return, per alternative route, the share of samples in which it pays back in each calendar year.

    The declared routes are left out: a route never pays back over itself. A route ahead only
    with the terminal value (its payback quarter is the horizon) is a bar of its own.
    """
    name = "route_payback_quarter"
    if name not in ds or "route_pays_back" not in ds or "route" not in ds.coords:
        return []
    seen: set[str] = set()
    when = {}
    for label_ in (str(x) for x in ds["route"].to_numpy()):
        lab = label_.split(":", 1)[0]
        if lab not in seen:  # a lab's declared route comes first
            seen.add(lab)
            continue
        quarter = ds[name].sel(route=label_).to_numpy()
        # Ahead at all: paid back within the horizon, or only with the value beyond it.
        ahead = ds["route_pays_back"].sel(route=label_).to_numpy() > 0
        if horizon_quarters is not None:
            ahead |= quarter == horizon_quarters
        when[names.route(label_)] = (quarter, ahead.astype(np.float64))
    if not when:
        return []
    return [
        _by_calendar_year(
            "route-payback",
            "When each alternative route pays back",
            "calendar year from which the route stays ahead of the declared one",
            when,
            ds,
            start_year,
            "Share of samples in which the route's cumulative discounted advantage over the lab's declared "
            'route turns positive for good in each calendar year; "terminal value": ahead only '
            'once the value beyond the horizon counts; "never": not ahead even then.',
            terminal_quarter=horizon_quarters,
        )
    ]


def _by_calendar_year(
    chart_id: str,
    title: str,
    x_label: str,
    when: dict[str, tuple[FloatArray, FloatArray]],
    ds: xr.Dataset,
    start_year: float,
    note: str,
    terminal_quarter: int | None = None,
    looks: dict[str, dict[str, Any]] | None = None,
) -> Chart:
    """Return bars of the share of samples whose quarter falls in each calendar year, "never" last.

    ``when`` maps a series to its quarters and its 0/1 flag of the event happening at all. A
    quarter at ``terminal_quarter`` (the horizon: the terminal value's slot) is a bar of its own.
    ``looks``: a series' ``colour`` (palette place) and ``light`` (paler), by name.
    """
    first_year = math.floor(start_year)
    horizon_years = math.floor(start_year + ds.sizes.get("quarter", 0) / 4) if "quarter" in ds.dims else None
    years_seen: set[int] = set()
    per_series = {}
    for name, (q, flag) in when.items():
        ever = flag > 0
        at_end = ever & (q >= terminal_quarter) if terminal_quarter is not None else np.zeros_like(ever)
        dated = ever & ~at_end
        years = np.floor(start_year + q[dated] / 4.0 + 1e-9).astype(int)
        per_series[name] = (years, float(np.mean(at_end)), float(np.mean(~ever)), q.size)
        years_seen.update(int(y) for y in years)
    span = list(range(min(years_seen, default=first_year), max(years_seen, default=first_year) + 1))
    if horizon_years is not None:
        span = [y for y in span if y <= horizon_years]
    terminal = terminal_quarter is not None and any(v[1] > 0 for v in per_series.values())
    series: list[dict[str, Any]] = []
    for name, (years, end_share, never, n) in per_series.items():
        shares = [float(np.sum(years == y)) / n for y in span]
        look = (looks or {}).get(name, {})
        series.append({"name": name, "values": [*shares, *([end_share] if terminal else []), never], **look})
    categories = [*(str(y) for y in span), *(["terminal value"] if terminal else []), "never"]
    return Chart(
        chart_id,
        "bars",
        title,
        x_label,
        "share of samples",
        {"categories": categories, "series": series},
        note=note,
        section=WHY,
    )


def input_descriptions(scenario: dict[str, Any] | None) -> dict[str, str]:
    """Return each uncertain input's description from a scenario's fields, where it has one."""
    found = {}
    for name, spec in ((scenario or {}).get("inputs") or {}).items():
        if isinstance(spec, dict) and spec.get("description"):
            found[str(name)] = str(spec["description"])
    return found


def driver_charts(
    ds: xr.Dataset,
    outputs: Sequence[str] = MAIN_OUTPUTS,
    *,
    described: dict[str, str] | None = None,
    names: ReaderNames = NO_NAMES,
) -> list[Chart]:
    """Return, for each main output (per lab), the inputs ranked by their rank correlation with it.

    Spearman's rank correlation over the run's own samples: it sees
    correlated inputs together and says nothing of cause; ``labecon
    sensitivity`` apportions an output's spread among its inputs.
    """
    if "input_value" not in ds:
        return []
    keys = [str(x) for x in ds["input"].to_numpy()]
    inputs = {n: average_ranks(ds["input_value"].sel(input=n).to_numpy()) for n in keys}
    charts = []
    for name in outputs:
        if name not in ds or "sample" not in ds[name].dims:
            continue
        var = ds[name]
        extra = [d for d in var.dims if d != "sample"]
        if len(extra) > 1:
            continue
        groups = [(str(v), {extra[0]: v}) for v in ds[extra[0]].to_numpy()] if extra else [("", {})]
        human = label(name, str(var.attrs.get("description", "")), str(var.attrs.get("units", "")))
        for who, sel in groups:
            y = np.asarray(var.sel(sel).to_numpy(), dtype=np.float64)
            if not np.isfinite(y).all() or np.ptp(y) == 0:
                continue
            ry = average_ranks(y)
            rho = {n: rank_correlation(r, ry) for n, r in inputs.items() if np.ptp(r) > 0}
            top = sorted(rho, key=lambda n: -abs(rho[n]))[:MAX_DRIVERS][::-1]
            categories = [axis_label((described or {}).get(n, n)) for n in top]
            said = names.of(str(extra[0]), who) if extra else ""
            title = f"What drives {human[:1].lower() + human[1:] if human[1:2].islower() else human}"
            charts.append(
                Chart(
                    f"drivers-{name}{'-' + who if who else ''}",
                    "bars",
                    title + (f" ({said})" if said else ""),
                    "rank correlation with the output",
                    "",
                    {
                        "categories": categories,
                        "orientation": "h",
                        "range": [-1.0, 1.0],
                        "series": [{"name": "rank correlation", "values": [rho[n] for n in top]}],
                    },
                    note=(
                        "Spearman rank correlation of each uncertain input with the output over the run's "
                        "samples (1: moves with it, -1: against it). Correlation, not cause: "
                        "labecon sensitivity apportions the output's spread."
                    ),
                    section=WHY,
                )
            )
    return charts


def axis_label(text: str, width: int = 36, lines: int = 2) -> str:
    """Return a description as an axis label: on one line if it fits ``width``, else wrapped at words.

    Wrapped into at most ``lines`` lines of about even length, joined by a newline (each renderer
    breaks them its way); only what passes the last line is cut, with an ellipsis (the appendix
    has the description whole).
    """
    if len(text) <= width:
        return text
    even = min(width, len(text) // lines + 6)  # about even lines, not a long one and an orphan
    wrapped = textwrap.wrap(text, even) or [text]
    if len(wrapped) > lines:
        last = " ".join(wrapped[lines - 1 :])
        wrapped = [*wrapped[: lines - 1], last[: even - 1].rstrip() + "…"]
    return "\n".join(wrapped)


def route_driver_charts(drivers: Mapping[str, Any]) -> list[Chart]:
    """Return a tornado per alternative route: its gain over the declared route, input by input.

    From :meth:`labecon.RouteDrivers.to_dict`: each input alone at its 5th and 95th percentiles,
    the others at their medians, each point's gain its mean over the same futures; the largest
    swing on top.
    """
    words, labs = drivers.get("descriptions", {}), drivers.get("names", {}).get("lab", {})
    # Files saved before inputs moved with the one swept say neither: they held them at medians.
    moved = moved_words(drivers.get("moved_with") or {}, bool(drivers.get("correlated")), words)
    charts = []
    for route, base in drivers["base"].items():
        lab, alternative = route.split(":", 1)
        declared = drivers["declared"][lab]
        low, high = drivers["low"][route], drivers["high"][route]
        order = sorted(range(len(drivers["inputs"])), key=lambda i: abs(high[i] - low[i]))  # top: the last
        charts.append(
            Chart(
                f"drivers-{lab}-{alternative}",
                "tornado",
                f"{labs.get(lab, lab)}: what moves the gain of {alternative} over {declared}",
                f"gain of {alternative} over {declared}, USD bn (NPV)",
                "input",
                {
                    "inputs": [words.get(drivers["inputs"][i], drivers["inputs"][i]) for i in order],
                    "low": [low[i] * 1e-9 for i in order],
                    "high": [high[i] * 1e-9 for i in order],
                    "base": base * 1e-9,
                    "zero": True,
                },
                note=(
                    "each input alone at its 5th and 95th percentile, the others at their medians, every "
                    f"point's gain its mean over the same {drivers.get('futures')} futures (seed "
                    f"{drivers.get('seed')}); dashed: the gain with every "
                    "input at its median; a bar that crosses zero is an input that, alone, turns which "
                    f"route is better; it ignores interactions. {moved}"
                ).rstrip(),
                section=WHY,
            )
        )
    return charts


def breakeven_chart(b: Mapping[str, Any]) -> Chart:
    """Return a route's mean gain over the declared route by the value of one input, with its break-even.

    From :meth:`labecon.Breakeven.to_dict`: the mean gain and one standard error either side; a
    vertical line where the mean gain crosses zero.
    """
    scale, x_units = _scale(b.get("units") or "")
    x = [v * scale for v in b["values"]]
    mean = [g * 1e-9 for g in b["mean_gain_usd"]]
    se = [s * 1e-9 for s in b["mean_gain_se_usd"]]
    declared, route = b["declared"], b["route"]
    band = {"color": 0, "dash": "dot"}
    return Chart(
        f"breakeven-{b['lab']}-{route}-{b['input']}",
        "lines",
        f"{b['lab_name']}: {route} over {declared}, by {b['input']}",
        f"{b['description']} ({x_units})" if x_units else str(b["description"]),
        f"mean gain over {declared}, USD bn (NPV)",
        {
            "x": x,
            "series": [
                {"name": "mean gain", "y": mean},
                {"name": "± one standard error", "y": [m + s for m, s in zip(mean, se, strict=True)], **band},
                {"name": "", "y": [m - s for m, s in zip(mean, se, strict=True)], **band},
            ],
            "zero": True,
            "marks": [v * scale for v in b.get("breakeven") or []],
        },
        note=(
            f"{b['input']} set to each of {len(x)} values"
            + (f", its quantiles from {q[0]:.0%} to {q[-1]:.0%}," if (q := b.get("quantiles")) else "")
            + f" in every one of the same {b['futures']:,} futures (seed {b['seed']}), the other inputs "
            "as drawn in them; dashed: where the mean gain crosses zero"
        ),
        section=WHY,
    )


def _scale(units: str) -> tuple[float, str]:
    """Return what an input's values are multiplied by on a chart's axis, and the axis's units."""
    if units.startswith("fraction"):
        return 100.0, "% a year" if units == "fraction per year" else "%"
    return 1.0, units


def _axis_title(description: str, units: str) -> str:
    return f"{description} ({units})" if units else description


def breakeven_map_charts(m: Mapping[str, Any]) -> list[Chart]:
    """Return a route's mean gain by one input, a line per value of a second, and the break-even line.

    From :meth:`labecon.BreakevenMap.to_dict`. The second chart, drawn when at least two values of
    the second input have one break-even each, is where the answer turns across both inputs.
    """
    x_scale, x_units = _scale(m.get("units") or "")
    y_scale, y_units = _scale(m.get("by_units") or "")
    declared, route, by = m["declared"], m["route"], m["by"]
    short = by.rsplit(".", 1)[-1]
    where = (
        f"every pair of values in the same {m['futures']:,} futures (seed {m['seed']}), the other "
        "inputs as drawn in them"
    )
    curves = Chart(
        f"breakeven-map-{m['lab']}-{route}-{m['input']}-{short}",
        "lines",
        f"{m['lab_name']}: {route} over {declared}, by {m['input']} and {short}",
        _axis_title(str(m["description"]), x_units),
        f"mean gain over {declared}, USD bn (NPV)",
        {
            "x": [v * x_scale for v in m["values"]],
            "series": [
                {"name": f"{short} {value_in_units(v, m['by_units'] or '')}", "y": [g * 1e-9 for g in gains]}
                for v, gains in zip(m["by_values"], m["mean_gain_usd"], strict=True)
            ],
            "zero": True,
        },
        note=f"a line per value of {by}; {where}; where a line crosses zero, the two routes are level",
        section=WHY,
    )
    rows = [j for j, found in enumerate(m["breakeven"]) if len(found) == 1]
    if len(rows) < 2:
        return [curves]
    line = [m["breakeven"][j][0] * x_scale for j in rows]
    se = [m["breakeven_se"][j][0] * x_scale for j in rows]
    band = {"color": 0, "dash": "dot"}
    frontier = Chart(
        f"breakeven-frontier-{m['lab']}-{route}-{m['input']}-{short}",
        "lines",
        f"{m['lab_name']}: where {route} and {declared} break even",
        _axis_title(str(m["by_description"]), y_units),
        _axis_title(f"break-even {m['input']}", x_units),
        {
            "x": [m["by_values"][j] * y_scale for j in rows],
            "series": [
                {"name": "break-even", "y": line},
                {"name": "± one standard error", "y": [b + e for b, e in zip(line, se, strict=True)], **band},
                {"name": "", "y": [b - e for b, e in zip(line, se, strict=True)], **band},
            ],
        },
        note=(
            f"where the mean gain crosses zero along {m['input']}, at each value of {by} at which it "
            f"crosses once; {where}"
        ),
        section=WHY,
    )
    return [curves, frontier]


def switch_chart(switch: Mapping[str, Any]) -> Chart:
    """Return a bar per date a lab could switch routes: its mean gain over keeping the declared route.

    From :meth:`labecon.SwitchDates.to_dict`; whiskers: one standard error.
    """
    when = [d if q == 0 else f"from {d}" for d, q in zip(switch["dates"], switch["quarters"], strict=True)]
    declared, to = switch["declared"], switch["to"]
    close = switch.get("close_to_best") or []
    return Chart(
        f"switch-{switch['lab']}-{to}",
        "bars",
        f"{switch['lab_name']}: when to switch from {declared} to {to}",
        "switch",
        f"mean gain over keeping {declared}, USD bn (NPV)",
        {
            "categories": when,
            "series": [
                {
                    "name": "mean gain",
                    "values": [g * 1e-9 for g in switch["mean_gain_usd"]],
                    "errors": [se * 1e-9 for se in switch["mean_gain_se_usd"]],
                }
            ],
        },
        note=(
            f"each date its own route: {declared} until then, {to}'s shares of new capacity from then, "
            f"all on the same {switch['n_samples']:,} futures (seed {switch['seed']}); whiskers: one "
            "standard error"
            + (f"; not told apart from the best at this sample count: {', '.join(close)}" if close else "")
        ),
        section=WHY,
    )
