"""``labecon breakeven``: where one input turns a route answer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

import labecon
from labecon.amounts import money
from labecon.amounts import pct as percent
from labecon.cli.options import (
    BackendOption,
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
from labecon.constants import BREAKEVEN_FUTURES, BREAKEVEN_POINTS
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
    points: Annotated[int, typer.Option(help="Values of the input tried, 3 to 101.")] = BREAKEVEN_POINTS,
    futures: Annotated[int, typer.Option(help="Futures each value is averaged over.")] = BREAKEVEN_FUTURES,
    seed: SeedOption = None,
    sets: SetOption = None,
    out: Annotated[Path | None, typer.Option(help="Directory for breakeven.json (and the report).")] = None,
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
    """
    try:
        path, value_range = parse_param_range(param) if param is not None else (None, None)
        if isinstance(value_range, list):
            msg = f"--param: expected PATH=LOW:HIGH (two numbers), got {param!r}"
            raise fail(msg)
        sc = load_scenario(scenario, sets)
        out_dir = analysis_dir(out, "breakeven", sc.name, force)
        say_if_compiling(sc)
        with (
            backend_of(backend, scheduler, workers) as runner,
            plausibility_summary("the values' runs", reader_names(sc)),
        ):
            result = labecon.breakeven(
                sc,
                route,
                input_name,
                param=path,
                param_range=value_range,
                points=points,
                futures=futures,
                seed=seed,
                backend=runner,
            )
        result.save(out_dir)
        page = labecon.write_report(out_dir) if report else None
    except labecon.LabeconError as exc:
        raise fail_from(exc) from None
    show_saved(result, lambda: print_breakeven(result), out_dir, page, as_json=as_json)


def print_breakeven(result: labecon.Breakeven) -> None:
    """Print one row per value of the input: the route's mean gain there and how often it wins."""
    from labecon.analysis.breakeven import percentile  # the models' stack, once needed

    an_input = bool(result.quantiles)  # else a number of the scenario, swept over a range
    others = "the other inputs as drawn in them" if an_input else "the inputs as drawn in them"
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
