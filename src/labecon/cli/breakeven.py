"""``labecon breakeven``: where one input turns a route answer."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

import labecon
from labecon.amounts import money
from labecon.amounts import pct as percent
from labecon.amounts import value_in_units as amount
from labecon.cli.options import (
    BackendOption,
    CorrelatedOption,
    ForceOption,
    JsonOption,
    ReportOption,
    SchedulerOption,
    SeedOption,
    SetOption,
    WorkersOption,
    analysis_dir,
    backend_of,
    load_scenario,
    parse_param_range,
    say_if_compiling,
    show_saved,
)
from labecon.cli.rendering import console, fail, fail_from, plausibility_summary
from labecon.constants import BREAKEVEN_BY_POINTS, BREAKEVEN_FUTURES, BREAKEVEN_POINTS
from labecon.scenario.names import reader_names


def breakeven(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file (with routes).")],
    route: Annotated[str, typer.Option(help="The alternative route, as lab:route (frontier_lab:own).")],
    input_name: Annotated[
        str | None, typer.Option("--input", help="The uncertain input to set (its name).")
    ] = None,
    param: Annotated[
        str | None,
        typer.Option(
            metavar="PATH=LOW:HIGH",
            help="Instead of an input, a number of the scenario swept from LOW to HIGH (its --set path).",
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(help="A second uncertain input: the break-even at each of its values (a map)."),
    ] = None,
    by_param: Annotated[
        str | None,
        typer.Option(
            "--by-param",
            metavar="PATH=LOW:HIGH",
            help="Instead of --by, a number of the scenario the break-even is mapped across.",
        ),
    ] = None,
    points: Annotated[int, typer.Option(help="Values of the input tried, 3 to 101.")] = BREAKEVEN_POINTS,
    by_points: Annotated[
        int, typer.Option("--by-points", help="Values of the second input (--by), 2 to 21.")
    ] = BREAKEVEN_BY_POINTS,
    futures: Annotated[int, typer.Option(help="Futures each value is averaged over.")] = BREAKEVEN_FUTURES,
    correlated: CorrelatedOption = True,
    seed: SeedOption = None,
    sets: SetOption = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Directory for breakeven.json (breakeven_map.json with --by) and the report."),
    ] = None,
    as_json: JsonOption = False,
    report: ReportOption = False,
    force: ForceOption = False,
    backend: BackendOption = "local",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
) -> None:
    """Where an input turns a route answer: the route's gain over the declared one, by the input's value.

    The input is set to each value (its 2nd to 98th percentiles) in every one of the same
    futures, the other inputs as drawn in them; the break-even is where the mean gain crosses
    zero (docs/decisions.md, Where an input turns the answer). --param sweeps a number of the
    scenario instead (a lease limit, a share of new capacity), each value on the same futures.
    --by (or --by-param) maps the break-even across a second input: one row per value of it.
    """
    try:
        path, value_range = _range_option("--param", param)
        by_path, by_range = _range_option("--by-param", by_param)
        sc = load_scenario(scenario, sets)
        one_way = by is None and by_path is None
        out_dir = analysis_dir(out, "breakeven" if one_way else "breakeven_map", sc.name, force)
        say_if_compiling(sc)
        with (
            backend_of(backend, scheduler, workers) as runner,
            plausibility_summary("the values' runs", reader_names(sc)),
        ):
            result: labecon.Breakeven | labecon.BreakevenMap
            if one_way:
                result = labecon.breakeven(
                    sc,
                    route,
                    input_name,
                    param=path,
                    param_range=value_range,
                    points=points,
                    futures=futures,
                    seed=seed,
                    correlated=correlated,
                    backend=runner,
                )
            else:
                result = labecon.breakeven_map(
                    sc,
                    route,
                    input_name,
                    by=by,
                    param=path,
                    param_range=value_range,
                    by_param=by_path,
                    by_param_range=by_range,
                    points=points,
                    by_points=by_points,
                    futures=futures,
                    seed=seed,
                    correlated=correlated,
                    backend=runner,
                )
        result.save(out_dir)
        page = labecon.write_report(out_dir) if report else None
    except labecon.LabeconError as exc:
        raise fail_from(exc) from None
    shown = (
        partial(print_breakeven_map, result)
        if isinstance(result, labecon.BreakevenMap)
        else partial(print_breakeven, result)
    )
    show_saved(result, shown, out_dir, page, as_json=as_json)


def _range_option(option: str, text: str | None) -> tuple[str | None, tuple[float, float] | None]:
    """Return ``PATH=LOW:HIGH`` as (path, (low, high)), or nothing when the option is not given."""
    if text is None:
        return None, None
    path, value_range = parse_param_range(text)
    if isinstance(value_range, list):
        msg = f"{option}: expected PATH=LOW:HIGH (two numbers), got {text!r}"
        raise fail(msg)
    return path, value_range


def print_breakeven(result: labecon.Breakeven) -> None:
    """Print one row per value of the input: the route's mean gain there and how often it wins."""
    from labecon.analysis.breakeven import percentile  # the models' stack, once needed

    an_input = bool(result.quantiles)  # else a number of the scenario, swept over a range
    others = "the other inputs as drawn in them" if an_input else "the inputs as drawn in them"
    others += _moving(result)
    console.print(
        f"[bold]{escape(result.scenario)}[/]: {escape(result.lab_name)}, {escape(result.route)} against "
        f"{escape(result.declared)}, by {escape(result.description)} ({escape(result.input)}); "
        f"each value in the same {result.futures:,} futures, {others} (seed {result.seed})"
    )
    title = f"Gain in NPV of {result.route} over {result.declared} (± one Monte Carlo standard error)"
    table = Table(title=escape(title), title_justify="left")
    name = result.input if an_input else result.input.rsplit(".", 1)[-1]
    columns = ("percentile", escape(name), "mean gain", "beats it in")
    for column in columns if an_input else columns[1:]:
        table.add_column(column, justify="right", no_wrap=True)
    for i, value in enumerate(result.values):
        gain = f"{money(result.mean_gain_usd[i])} ± {money(result.mean_gain_se_usd[i])}"
        row = [escape(result.amount(value)), gain, percent(result.p_beats[i])]
        table.add_row(*([percentile(result.quantiles[i])] if an_input else []), *row)
    console.print(table)
    console.print(result.summary(), highlight=False)
    drawn = money(result.as_drawn_gain_usd)
    where = "the input as drawn in each future" if an_input else "the number as the scenario sets it"
    console.print(f"With {where}: {drawn} on average.", highlight=False)


def print_breakeven_map(result: labecon.BreakevenMap) -> None:
    """Print one row per value of the second input: the break-even along the first there."""
    from labecon.analysis.breakeven import percentile  # the models' stack, once needed

    console.print(
        f"[bold]{escape(result.scenario)}[/]: {escape(result.lab_name)}, {escape(result.route)} against "
        f"{escape(result.declared)}: where {escape(result.description)} ({escape(result.input)}) turns "
        f"the answer, by {escape(result.by_description)} ({escape(result.by)}); every pair of values "
        f"in the same {result.futures:,} futures, the other inputs as drawn in them{_moving(result)} "
        f"(seed {result.seed})"
    )
    low, high = (amount(v, result.units) for v in (result.values[0], result.values[-1]))
    title = f"Break-even of {result.input}, and the mean gain of {result.route} at its ends (± one SE)"
    table = Table(title=escape(title), title_justify="left")
    by_input = bool(result.by_quantiles)
    columns = (
        "percentile",
        escape(result.by.rsplit(".", 1)[-1]),
        "break-even",
        f"gain at {low}",
        f"at {high}",
    )
    for column in columns if by_input else columns[1:]:
        table.add_column(escape(column), justify="right", no_wrap=True)
    for j, value in enumerate(result.by_values):
        gains = [
            f"{money(result.mean_gain_usd[j][i])} ± {money(result.mean_gain_se_usd[j][i])}" for i in (0, -1)
        ]
        row = [escape(amount(value, result.by_units)), escape(result.row_words(j)), *gains]
        table.add_row(*([percentile(result.by_quantiles[j])] if by_input else []), *row)
    console.print(table)
    for words in (result.side(), result.pair_words()):
        if words:
            console.print(words, highlight=False)
    console.print(
        f"Each of the {len(result.values)} x {len(result.by_values)} cells (mean gain, its standard error, "
        "the share of futures the route wins) is in breakeven_map.json.",
        highlight=False,
    )


def _moving(result: labecon.Breakeven | labecon.BreakevenMap) -> str:
    """Return which correlated inputs moved with those set, for the header (nothing if none)."""
    if not (result.correlated and result.correlated_inputs):
        return ""
    return f", {', '.join(result.correlated_inputs)} moving with them (the scenario correlates them)"
