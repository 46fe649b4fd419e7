"""What the command line shows: its consoles, number formats, tables and error lines."""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

import labecon
from labecon.amounts import money
from labecon.amounts import pct as percent
from labecon.report.words import OUTPUT_WORDS, in_sentence
from labecon.report.words import label as output_label
from labecon.scenario.names import NO_NAMES, ReaderNames, reader_names
from labecon.scenario.yaml_text import load_yaml
from labecon.types import FloatArray

# Wide enough for the results table even when the output is piped to a file.
console = Console(width=None if sys.stdout.isatty() else 120)
err_console = Console(stderr=True)

EXIT_USER_ERROR = 2


def fail(message: str) -> typer.Exit:
    """Show ``message`` as one error line on standard error; return the exit to raise."""
    # The message is plain text: brackets in it (an extra such as labecon[report]) are not markup.
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_USER_ERROR)


_CLI_OPTIONS = {
    "n_samples": "--samples",
    "seed": "--seed",
    "select": "--select",
    "variants": "--variant",
    "strategies": "--strategies",
    "outputs": "--outputs",
    "metric": "--metric",
    "goal": "--goal",
    "groups": "--group",
    "method": "--method",
    "inputs": "--inputs",
    "keep": "--keep",
    "keep_paths": "--keep-paths",
    "chunk_size": "--chunk-size",
    "quantiles": "--quantiles",
    "engine": "--engine",
    "backend": "--backend",
    "n_workers": "--workers",
    "format": "--format",
    "n_trials": "--trials",
    "lab": "--lab",
    "to": "--to",
    "every_quarters": "--every",
    "route": "--route",
    "input_name": "--input",
    "points": "--points",
    "futures": "--futures",
    "param": "--param",
    "param_range": "--param",
    "parameters": "--param",
    "by": "--by",
    "by_param": "--by-param",
    "by_param_range": "--by-param",
    "by_points": "--by-points",
    "objective": "--objective",
    "constraints": "--constraint",
    "output": "OUTPUT",
}
"""The command line's name of each option the public API names in its errors."""


def fail_from(exc: labecon.LabeconError) -> typer.Exit:
    """Show a user's error, naming the command line's option rather than the Python argument."""
    if isinstance(exc, labecon.OptionError) and exc.option:
        return fail(f"{_CLI_OPTIONS.get(exc.option, exc.option)}: {exc.problem}")
    return fail(str(exc))


def fmt(x: float, scale: float = 1.0, digits: int = 4) -> str:
    """Return ``x / scale`` to ``digits`` significant figures, or ``n/a``."""
    if not math.isfinite(x):
        return "n/a"
    v = x / scale
    if v != 0 and (abs(v) >= 1e9 or abs(v) < 1e-4):
        return f"{v:.{digits - 1}e}"
    if v == 0:
        return "0"
    # Round to `digits` significant figures, then print without exponent.
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(v))))
    return f"{round(v, decimals):,.{decimals}f}"


def amount(value: float, usd: bool) -> str:
    """Return ``value`` as US dollars people write with ``usd`` (``$733B``), else four figures."""
    return money(value) if usd else fmt(value)


def _names_dollars(output: str, units: Mapping[str, str] | None = None) -> bool:
    """Return whether an output (``name`` or ``name[dim=...]``) is in US dollars.

    Units are in the names (``_usd``) or, for outputs named by a benchmark (b1's ``saving``),
    in ``units``: each output's declared units.
    """
    name = output.split("[", 1)[0]
    return name.endswith("_usd") or (units or {}).get(name) == "USD"


_ROUNDING = 1e-12
"""A standard error this small against its value is the rounding of sums equal in every sample."""


def estimate(value: float, se: float, scale: float) -> str:
    """Return ``value ±se`` in units of ``scale`` (``±0`` for an error that is only rounding)."""
    if abs(se) <= _ROUNDING * abs(value):
        se = 0.0
    return f"{fmt(value, scale)} ±{fmt(se, scale, 2)}"


def plus_minus(value: float, se: float, *, pct: bool = False, usd: bool = False) -> str:
    """Return ``value ±se``: as percentages with ``pct``, as US dollars people write with ``usd``."""
    if pct:
        return f"{percent(value)} ±{percent(se)}"
    if usd:
        return f"{money(value)} ±{money(se)}"
    return f"{fmt(value)} ±{fmt(se, 1.0, 2)}"


_FAN = (5.0, 50.0, 95.0)
"""Percentiles shown in the fan tables."""
_FAN_ORDER = (50.0, 5.0, 95.0)
"""The median first: with heavy tails it is the figure to read."""


_FAN_COLUMNS = ("median", "p5", "p95", "mean")
"""The fan tables' figure columns, in :data:`_FAN_ORDER` and then the mean."""


def figure_table(title: str, first: str, figures: tuple[str, ...]) -> Table:
    """Return a table of a name column then figure columns (each ``value ±se``), titled ``title``.

    On a screen too narrow for it, names wrap at words and figures at their ``±``: no figure is
    cut short (an ellipsis would hide digits of an estimate or of its error).
    """
    table = Table(title=title, title_justify="left")
    table.add_column(first, overflow="fold")
    for col in figures:
        table.add_column(col, justify="right", overflow="fold")
    return table


def print_world_tables(results: labecon.Results) -> None:
    """Per lab: fan quantiles of revenue, cash and capacity by year; profitability, funding, ruin, NPV."""
    ds, sums = results.dataset, results.summaries
    labs = [str(x) for x in ds["lab"].to_numpy()]
    names = reader_names(load_yaml(results.scenario_yaml))
    years = [int(y) for y in ds["year"].to_numpy()]
    shown = sorted({0, min(2, len(years) - 1), min(4, len(years) - 1), len(years) - 1})

    def row(table: Table, label: str, name: str, index: tuple[int, ...], scale: float) -> None:
        s = sums[name]

        def pick(v: Any) -> float:
            return float(np.asarray(v)[index])

        table.add_row(
            label,
            *(estimate(pick(s.percentiles[q].value), pick(s.percentiles[q].se), scale) for q in _FAN_ORDER),
            estimate(pick(s.mean.value), pick(s.mean.se), scale),
        )

    for li, lab in enumerate(labs):
        table = figure_table(f"{names.lab(lab)} (± one Monte Carlo standard error)", "output", _FAN_COLUMNS)
        for yi in shown:
            row(table, f"revenue {years[yi]} (USD bn)", "revenue_usd_by_year", (li, yi), 1e9)
        for yi in shown:
            row(table, f"cash end {years[yi]} (USD bn)", "cash_usd_by_year", (li, yi), 1e9)
        for yi in shown:
            row(table, f"capacity end {years[yi]} (M H100e)", "capacity_h100e_by_year", (li, yi), 1e6)
        # The halls built and leased (what announcements count), then the load of the chips in them.
        if "data_centre_built_gw_by_year" in sums:
            for yi in shown:
                label = f"data centres end {years[yi]} (GW)"
                row(table, label, "data_centre_built_gw_by_year", (li, yi), 1.0)
        if "data_centre_gw_by_year" in sums:
            for yi in shown:
                row(table, f"IT load in them end {years[yi]} (GW)", "data_centre_gw_by_year", (li, yi), 1.0)
        row(table, "peak funding need (USD bn)", "peak_funding_need_usd", (li,), 1e9)
        row(table, "NPV of free cash flow (USD bn)", "npv_fcf_usd", (li,), 1e9)
        if "irr_per_year" in sums:
            row(table, "IRR at opening valuation (% a year)", "irr_per_year", (li,), 0.01)
        if "compute_usd_per_h100e_hour" in sums:
            row(table, "compute per H100e-hour, all in (USD)", "compute_usd_per_h100e_hour", (li,), 1.0)
            row(table, "compute per unit served (USD)", "compute_usd_per_unit_served", (li,), 1.0)
        probabilities = [("P(ever profitable)", "is_ever_profitable"), ("P(ruin by horizon)", "is_ruined")]
        if len(labs) > 1 and "is_npv_leader" in sums:
            probabilities.append(("P(highest NPV of the labs)", "is_npv_leader"))
        for label, name in probabilities:
            s = sums[name]
            mean, se = float(np.asarray(s.mean.value)[li]), float(np.asarray(s.mean.se)[li])
            table.add_row(label, "", "", "", plus_minus(mean, se, pct=True))
        console.print(table)
    if "partner_deal_npv_usd" in sums:
        s = sums["partner_deal_npv_usd"]
        table = figure_table(
            "Each partner's return on its deal, NPV (USD bn)", "deal", ("mean", "p5", "p50", "p95", "P(> 0)")
        )
        for di, deal in enumerate(str(x) for x in ds["deal"].to_numpy()):

            def pick(v: Any, di: int = di) -> float:
                return float(np.asarray(v)[di])

            p_pos = ""
            if s.p_positive:
                p_pos = plus_minus(pick(s.p_positive.value), pick(s.p_positive.se), pct=True)
            table.add_row(
                names.deal(deal),
                estimate(pick(s.mean.value), pick(s.mean.se), 1e9),
                *(estimate(pick(s.percentiles[q].value), pick(s.percentiles[q].se), 1e9) for q in _FAN),
                p_pos,
            )
        console.print(table)


def print_answers(results: labecon.Results) -> None:
    """Print the run's answers in plain sentences (medians first; see the report's first section)."""
    from labecon.report.answers import answers

    scenario = load_yaml(results.scenario_yaml)
    for block in answers(results.dataset, scenario if isinstance(scenario, dict) else None):
        if block.title:
            console.print(f"[bold]{escape(block.title)}[/]")
        for line in block.lines:
            console.print(f"  • {escape(line)}", highlight=False)
    console.print()


def print_run(results: labecon.Results, out_dir: Path, written: list[Path], run_id: str) -> None:
    """Print a finished run: its provenance line, its tables and where its files are."""
    m = results.manifest
    console.print(
        f"[bold]{m['scenario']}[/]: {m['n_samples']:,} samples, seed {m['seed']}, "
        f"{m['elapsed_s']:.2f} s ({m['engine']} engine)"
    )
    print_answers(results)
    from labecon.report.answers import is_world_of_labs

    if is_world_of_labs(results.dataset):
        print_world_tables(results)
    else:
        print_flat_table(results)
    console.print(escape(f"Results written to {out_dir}: {', '.join(p.name for p in written)}"))
    console.print(f"Recorded in the run store as [bold]{run_id}[/] (see: labecon runs show {run_id})")


def print_flat_table(results: labecon.Results) -> None:
    """Print a compute scenario's outputs (USD billion): percentiles and mean, ± one standard error."""
    scale = 1e9
    table = figure_table(
        "Results in USD billion (± one Monte Carlo standard error)", "output", (*_FAN_COLUMNS, "P(> 0)")
    )
    for name, s in results.summaries.items():
        pct = s.percentiles
        p_pos = ""
        if s.p_positive:
            p_pos = plus_minus(float(s.p_positive.value), float(s.p_positive.se), pct=True)
        table.add_row(
            name,
            *(estimate(pct[q].value, pct[q].se, scale) for q in _FAN_ORDER),
            estimate(s.mean.value, s.mean.se, scale),
            p_pos,
        )
    console.print(table)


def print_comparison(
    comp: labecon.Comparison, out_dir: Path, described: Mapping[str, str] | None = None, whose: str = ""
) -> None:
    """Print a comparison: options, paired differences, the best option and the EVPI.

    Amounts in US dollars are written as people write them (``$733B ±$22B``). ``whose``: the
    lab whose routes the options are, as readers know it.
    """
    usd = comp.units == "USD"
    units = f" ({comp.units})" if comp.units and not usd else ""

    def pm(value: float, se: float, *, pct: bool = False) -> str:
        return plus_minus(value, se, pct=pct, usd=usd)

    console.print(
        f"[bold]{comp.info.get('scenario', '')}[/]: {comp.n_samples:,} paired samples, "
        f"seed {comp.info.get('seed')}; "
        f"{'higher' if comp.goal == 'max' else 'lower'} {_metric_words(comp.metric)} is better{units}"
    )
    options = f"{whose}'s routes" if whose else "Options"
    table = Table(title=escape(f"{options} (± one Monte Carlo standard error)"), title_justify="left")
    for col in ("option", "mean", "P(best)", "mean regret"):
        table.add_column(col, justify="right" if col != "option" else "left")
    for o in comp.options:
        m, p, r = comp.means[o], comp.p_best[o], comp.mean_regret[o]
        table.add_row(
            o,
            pm(float(m.value), float(m.se)),
            pm(float(p.value), float(p.se), pct=True),
            pm(float(r.value), float(r.se)),
        )
    console.print(table)
    pairs = Table(title=f"Paired differences ({int(comp.level * 100)}% CI)", title_justify="left")
    for col in ("a − b", "mean", "CI", "P(a beats b)"):
        pairs.add_column(col, justify="right" if col != "a − b" else "left")
    for d in comp.differences:
        pairs.add_row(
            f"{d.a} − {d.b}",
            pm(float(d.mean.value), float(d.mean.se)),
            f"{amount(d.ci[0], usd)} .. {amount(d.ci[1], usd)}",
            pm(float(d.p_a_beats_b.value), float(d.p_a_beats_b.se), pct=True),
        )
    console.print(pairs)
    console.print(
        f"Best on average: [bold]{comp.best}[/]. "
        f"EVPI: {pm(float(comp.evpi.value), float(comp.evpi.se))}{units}"
    )
    for metric_name, sub in comp.by_metric.items():
        for d in sub.differences:
            said = plus_minus(float(d.mean.value), float(d.mean.se), usd=sub.units == "USD")
            console.print(
                f"On {metric_name}: {d.a} − {d.b} = {said}; "
                f"P({d.a} beats {d.b}) = {pm(float(d.p_a_beats_b.value), float(d.p_a_beats_b.se), pct=True)}"
            )
    if comp.evppi and float(comp.evpi.value) > 0:
        top = sorted(comp.evppi.items(), key=lambda kv: -float(kv[1].value))[:5]
        # Each input in words where the scenario describes it, its name after them.
        words = {k: f"{described[k]} ({k})" if described and described.get(k) else k for k, _ in top}
        worth = "; ".join(f"{words[k]} {pm(float(v.value), float(v.se))}" for k, v in top)
        console.print(f"EVPPI (top inputs): {worth}", highlight=False)
    console.print(f"Written to [bold]{escape(str(out_dir))}[/]")


def output_in_words(output: str, select: list[str] | None, names: ReaderNames = NO_NAMES) -> str:
    """Return an output and its selection for readers: ``NPV of ... (npv_fcf_usd) for Frontier lab``."""
    picked = [s.strip().partition("=") for s in select or []]
    said = ", ".join(names.of(dim.strip(), value.strip()) for dim, _, value in picked if value.strip())
    return _metric_words(output) + (f" for {said}" if said else "")


def _metric_words(metric: str) -> str:
    """Return a compared output in words, its name after them (``NPV of ... (route_npv_usd)``)."""
    if metric not in OUTPUT_WORDS:
        return metric
    return f"{in_sentence(output_label(metric))} ({metric})"


_INDEX_COLUMNS = ("S1", "S1_conf", "ST", "ST_conf", "delta", "delta_conf", "median", "low", "high", "swing")
_RANK_BY = ("swing", "ST", "delta", "median", "S1")
"""The index that orders the rows, the first a method has: the largest effect first."""


def _index_column(res: labecon.SensitivityResult, key: str) -> FloatArray:
    """Return one index per input (averaged over the time axis, when there is one)."""
    values = np.asarray(res.indices[key], dtype=np.float64)
    return values if values.ndim == 1 else values.mean(axis=1)


_IN_OUTPUT_UNITS = ("median", "low", "high", "swing")
"""The one-at-a-time columns: values of the output itself (the others are unitless indices)."""


def _index_text(key: str, value: float, usd: bool) -> str:
    """Return one cell of a sensitivity table: dollars as people write them, else three figures."""
    return money(value) if usd and key in _IN_OUTPUT_UNITS else fmt(value, 1.0, 3)


def print_sensitivity(
    res: labecon.SensitivityResult,
    method: str,
    output: str,
    out_dir: Path,
    *,
    described: dict[str, str] | None = None,
    units: Mapping[str, str] | None = None,
) -> None:
    """Print a sensitivity analysis's indices, one row per input, the largest effect first.

    Inputs whose confidence interval is wider than their index are marked as
    noise, with the option that fixes it. ``described``: each input's description, said
    beside its name; ``units``: each output's units.
    """
    over = f" (mean over {res.time_dim})" if res.time_dim else ""
    table = Table(title=escape(f"{method} indices of {output}{over}"), title_justify="left")
    table.add_column("input")
    if described:
        table.add_column("what it is", overflow="fold", max_width=36)
    keys = [k for k in res.indices if k in _INDEX_COLUMNS]
    for k in keys:
        table.add_column(k, justify="right")
    columns = {k: _index_column(res, k) for k in keys}
    usd = _names_dollars(res.output, units)
    rank = next((k for k in _RANK_BY if k in columns), None)
    order = list(range(len(res.inputs)))
    if rank is not None:
        order = sorted(order, key=lambda j: -abs(float(columns[rank][j])))
    checked = next((k for k in ("ST", "delta", "S1") if f"{k}_conf" in columns), None)
    noisy = []
    for j in order:
        name = res.inputs[j]
        # An input is noise when the interval of its main index (the total effect, where
        # there is one) is wider than the index: it cannot be told from zero.
        if checked is not None and abs(columns[f"{checked}_conf"][j]) >= abs(columns[checked][j]):
            noisy.append(name)
        what = [escape(described.get(name, ""))] if described else []
        table.add_row(name, *what, *(_index_text(k, float(columns[k][j]), usd) for k in keys))
    console.print(table)
    if noisy:
        more = f" (e.g. --samples {res.suggested_n})" if res.suggested_n else ""
        console.print(
            f"Noise: the {checked} intervals of {', '.join(noisy)} are wider than their indices, "
            f"which cannot be told from zero. Run again with more samples{more}."
        )
    from labecon.analysis.conditional import moved_words  # SciPy: not for `labecon --help`

    moved = moved_words(res.extra.get("moved_with") or {}, True)
    console.print(
        f"Assumption: {res.assumption}. {moved + ' ' if moved else ''}{res.n_evaluations:,} model "
        f"evaluations. Written to [bold]{escape(str(out_dir))}[/]"
    )


def _in_dollars(statistic: str, units: Mapping[str, str] | None = None) -> bool:
    """Return whether ``STAT(OUTPUT)`` (or a constraint on it) is an amount in US dollars."""
    from labecon.analysis.optimize import Statistic  # the model's stack: not for `labecon --help`

    lhs = statistic.split("<=")[0].split(">=")[0]
    try:
        parsed = Statistic.parse(lhs)
    except labecon.LabeconError:
        return False
    return parsed.stat not in ("p_positive", "p_negative") and _names_dollars(parsed.output, units)


def print_optimization(
    res: labecon.OptimizationResult, out_dir: Path, units: Mapping[str, str] | None = None
) -> None:
    """Print the best candidate, then the frontier beside the scenario as declared, on the same draws.

    Amounts in US dollars are written as people write them (``$263B ±$18B``).
    """
    b = res.best
    usd = _in_dollars(res.objective, units)
    risk_usd = bool(res.constraints) and _in_dollars(res.constraints[0], units)

    console.print(escape(f"Best of {res.n_evaluations} candidates ({res.goal}imise {res.objective}):"))
    for k, v in b.params.items():
        console.print(escape(f"  {k} = {v:.6g}" if isinstance(v, float) else f"  {k} = {v}"))
    console.print(
        escape(
            f"  {res.objective} = {plus_minus(float(b.objective.value), float(b.objective.se), usd=usd)} "
            f"({int(res.level * 100)}% CI {amount(res.best_ci[0], usd)} .. {amount(res.best_ci[1], usd)})"
        )
    )
    for text, est in zip(res.constraints, b.constraints, strict=True):
        console.print(
            escape(f"  {text}: {plus_minus(float(est.value), float(est.se), usd=_in_dollars(text, units))}")
        )
    ranges = res.info.get("parameters", {})
    for name, end in res.info.get("at_edge", {}).items():
        bound = ranges.get(name, ["", ""])[0 if end == "low" else 1]
        console.print(
            escape(
                f"  Note: {name} is at the {end} end of its range ({bound}); the best may lie beyond it: "
                "widen the range to see."
            )
        )
    params = list(b.params)
    title = "Frontier: no other candidate is better on both the objective and the risk"
    table = Table(title=title if res.constraints else "Frontier", title_justify="left")
    table.add_column("candidate")
    for name in params:
        table.add_column(escape(name.rsplit(".", 1)[-1]), justify="right")
    table.add_column(escape(res.objective), justify="right")
    if res.constraints:
        table.add_column(escape(res.constraints[0].split("<")[0].split(">")[0].strip()), justify="right")
    declared = res.info.get("declared")
    if declared:
        cons = declared["constraints"]
        table.add_row(
            "as declared",
            *(_param_text(declared["params"].get(p)) for p in params),
            plus_minus(declared["objective"]["value"], declared["objective"]["se"], usd=usd),
            *(
                [plus_minus(cons[0]["value"], cons[0]["se"], usd=risk_usd)]
                if res.constraints and cons
                else []
            ),
            style="italic",
        )
    for c in res.frontier:
        table.add_row(
            "best" if c is b or c.number == b.number else f"#{c.number}",
            *(_param_text(c.params.get(p)) for p in params),
            plus_minus(float(c.objective.value), float(c.objective.se), usd=usd),
            *(
                [plus_minus(float(c.constraints[0].value), float(c.constraints[0].se), usd=risk_usd)]
                if res.constraints
                else []
            ),
        )
    console.print(table)
    console.print(f"Written to [bold]{escape(str(out_dir))}[/]")


def _param_text(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:.4g}" if isinstance(value, float) else str(value)


class SamplesRun:
    """How many samples (or model evaluations) the runs inside a :func:`plausibility_summary` made.

    Set ``total`` where the caller knows it: blocks with no sample past the bounds give no
    warning, so the warnings alone undercount the samples run.
    """

    total: int | None = None


@contextmanager
def plausibility_summary(summed_over: str = "", names: ReaderNames = NO_NAMES) -> Iterator[SamplesRun]:
    """Collect the plausibility warnings of the runs inside, and say them once, summed, at the end.

    ``summed_over`` names what the sums run over when the runs are not one scenario's
    (``"its 7 variants"``); the labs are said by their ``names``.
    """
    run = SamplesRun()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", labecon.PlausibilityWarning)
        yield run
    say_plausibility(caught, run.total, summed_over, names)


def say_plausibility(
    caught: list[warnings.WarningMessage],
    total: int | None = None,
    summed_over: str = "",
    names: ReaderNames = NO_NAMES,
) -> None:
    """Print, in two lines at most, how many samples passed the plausibility bounds, summed over blocks.

    Out of ``total`` samples when given, else of the samples of the blocks that warned.
    Other warnings are shown as they came.
    """
    from labecon.model.world import bound_counts  # the model's stack: not for `labecon --help`

    declared: dict[str, list[int]] = {}
    routes: dict[tuple[str, str], list[int]] = {}
    bounds: dict[str, list[int]] = {}  # per lab as declared: samples past each bound
    for record in caught:
        w = record.message
        if not isinstance(w, labecon.PlausibilityWarning):
            warnings.warn_explicit(w, record.category, record.filename, record.lineno)
            continue
        into = (
            routes.setdefault((w.variant, w.lab), [0, 0]) if w.variant else declared.setdefault(w.lab, [0, 0])
        )
        into[0] += w.count
        into[1] = total if total is not None else into[1] + w.n_samples
        if not w.variant and w.by_bound:
            each = bounds.setdefault(w.lab, [0] * len(w.by_bound))
            bounds[w.lab] = [a + b for a, b in zip(each, w.by_bound, strict=True)]
    if not declared and not routes:
        return
    counts = (
        "; ".join(
            f"{names.lab(lab)} in {c:,} of {n:,} samples"
            + (f" ({bound_counts(bounds[lab])})" if lab in bounds else "")
            for lab, (c, n) in declared.items()
        )
        or "none"
    )
    over = f", summed over {summed_over}" if summed_over else ""
    err_console.print(
        "[yellow]warning:[/] futures past the plausibility bounds on compute, funding or revenue (the "
        "scenario's finance.plausible_max_*; per sample: is_beyond_plausible_bounds, and by bound: "
        f"is_beyond_plausible_bound): {escape(counts)}{over}",
        highlight=False,
        soft_wrap=True,
    )
    if routes:
        (variant, lab), (c, n) = max(routes.items(), key=lambda kv: kv[1][0] / max(kv[1][1], 1))
        who, route = variant.split(":", 1)
        err_console.print(
            f"  under the alternative routes: at most {c:,} of {n:,} samples ({escape(names.lab(lab))}, in "
            f"the futures where {escape(names.lab(who))} takes its route {escape(route)!r})",
            highlight=False,
            soft_wrap=True,
        )
