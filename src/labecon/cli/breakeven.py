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
    say_if_compiling,
    show_saved,
)
from labecon.cli.rendering import console, fail_from, plausibility_summary
from labecon.constants import BREAKEVEN_FUTURES, BREAKEVEN_POINTS
from labecon.scenario.names import reader_names


def breakeven(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file (with routes).")],
    route: Annotated[str, typer.Option(help="The alternative route, as lab:route (frontier_lab:own).")],
    input_name: Annotated[str, typer.Option("--input", help="The uncertain input to set (its name).")],
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
    zero (docs/decisions.md, Where an input turns the answer).
    """
    try:
        sc = load_scenario(scenario, sets)
        out_dir = analysis_dir(out, "breakeven", sc.name, force)
        say_if_compiling(sc)
        with (
            backend_of(backend, scheduler, workers) as runner,
            plausibility_summary("the values' runs", reader_names(sc)),
        ):
            result = labecon.breakeven(
                sc, route, input_name, points=points, futures=futures, seed=seed, backend=runner
            )
        result.save(out_dir)
        page = labecon.write_report(out_dir) if report else None
    except labecon.LabeconError as exc:
        raise fail_from(exc) from None
    show_saved(result, lambda: print_breakeven(result), out_dir, page, as_json=as_json)


def print_breakeven(result: labecon.Breakeven) -> None:
    """Print one row per value of the input: the route's mean gain there and how often it wins."""
    from labecon.analysis.breakeven import gain_words, percentile  # the models' stack, once needed

    console.print(
        f"[bold]{escape(result.scenario)}[/]: {escape(result.lab_name)}, {escape(result.route)} against "
        f"{escape(result.declared)}, by {escape(result.description)} ({escape(result.input)}); "
        f"each value in the same {result.futures:,} futures, the other inputs as drawn in them "
        f"(seed {result.seed})"
    )
    title = f"Gain in NPV of {result.route} over {result.declared} (± one Monte Carlo standard error)"
    table = Table(title=escape(title), title_justify="left")
    for column in ("percentile", escape(result.input), "mean gain", "beats it in"):
        table.add_column(column, justify="right", no_wrap=True)
    for i, value in enumerate(result.values):
        table.add_row(
            percentile(result.quantiles[i]),
            escape(result.amount(value)),
            gain_words(result, i),
            percent(result.p_beats[i]),
        )
    console.print(table)
    console.print(result.summary(), highlight=False)
    drawn = money(result.as_drawn_gain_usd)
    console.print(f"With the input as drawn in each future: {drawn} on average.", highlight=False)
