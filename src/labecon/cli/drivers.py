"""``labecon drivers``: what moves each route answer, each input swept alone."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

import labecon
from labecon.amounts import input_amount, money
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
    say_if_compiling,
    show_saved,
)
from labecon.cli.rendering import console, fail, fail_from, plausibility_summary
from labecon.scenario.names import reader_names


def drivers(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file (with routes).")],
    lab: Annotated[str | None, typer.Option(help="Only this lab's routes (its key).")] = None,
    correlated: CorrelatedOption = True,
    seed: SeedOption = None,
    sets: SetOption = None,
    out: Annotated[Path | None, typer.Option(help="Directory for drivers.json (and the report).")] = None,
    as_json: JsonOption = False,
    report: ReportOption = False,
    force: ForceOption = False,
    backend: BackendOption = "local",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
) -> None:
    """Show what moves each route answer: every alternative route's gain, each input alone, low and high.

    For each lab that names routes, the gain in NPV of each alternative route over its declared
    one with every uncertain input at its median, then with each input alone at its 5th and
    95th percentiles, each point's gain its mean over the same futures (docs/decisions.md). The
    inputs the scenario correlates with the one swept move with it, to their medians given it
    (--uncorrelated holds them at their medians). A gain that changes sign across a row is an
    input that, alone, turns which route is better.
    """
    try:
        sc = load_scenario(scenario, sets)
        out_dir = analysis_dir(out, "drivers", sc.name, force)
        say_if_compiling(sc)
        with (
            backend_of(backend, scheduler, workers) as runner,
            plausibility_summary("the sweep's points", reader_names(sc)),
        ):
            result = labecon.route_drivers(sc, seed=seed, backend=runner, correlated=correlated)
        routes = [r for r in result.base if lab is None or r.split(":", 1)[0] == lab]
        if not routes:
            msg = f"--lab: {lab!r} names no lab with routes in {result.scenario}; those with routes: "
            raise fail(msg + ", ".join(result.declared))
        result.save(out_dir)
        page = labecon.write_report(out_dir) if report else None
    except labecon.LabeconError as exc:
        raise fail_from(exc) from None
    show_saved(result, lambda: print_drivers(result, routes), out_dir, page, as_json=as_json)


CORRELATED_TOO = " (those the scenario correlates with it at their medians given it)"
"""How the inputs correlated with one swept were set, said after "the others at their medians"."""


def print_drivers(result: labecon.RouteDrivers, routes: list[str]) -> None:
    """Print each alternative route's gain by input at the 5th and 95th percentiles, largest swing first."""
    console.print(
        f"[bold]{escape(result.scenario)}[/]: each input alone at its 5th and 95th percentile, the others at "
        f"their medians{CORRELATED_TOO if result.correlated and result.moved_with else ''}, each point's "
        f"gain its mean over the same {result.futures} futures (seed {result.seed})"
    )
    for route in routes:
        lab_key, name = route.split(":", 1)
        lab_name = result.names.get("lab", {}).get(lab_key, lab_key)
        declared = result.declared[lab_key]
        title = (
            f"{lab_name}: the gain of {name} over {declared} (NPV), "
            f"{money(result.base[route])} with every input at its median"
        )
        table = Table(title=escape(title), title_justify="left")
        # An input's name is what --set takes, and figures are figures: neither is cut on a narrow
        # screen; the description wraps instead.
        table.add_column("input", no_wrap=True)
        table.add_column("what it is (units)", overflow="fold", max_width=40)
        for column in ("5th pct", "gain there", "95th pct", "gain there", "swing"):
            table.add_column(column, justify="right", no_wrap=True)
        low, high = result.low[route], result.high[route]
        for i in sorted(range(len(result.inputs)), key=lambda i: -abs(high[i] - low[i])):
            key = result.inputs[i]
            units = f" ({result.units[key]})" if result.units.get(key) else ""
            others = result.moved_with.get(key) if result.correlated else None
            with_it = f"; {', '.join(others)} moving with it" if others else ""
            table.add_row(
                key,
                escape(result.descriptions.get(key, "") + units + with_it),
                input_amount(result.input_low[i], result.units.get(key, "")),
                money(low[i]),
                input_amount(result.input_high[i], result.units.get(key, "")),
                money(high[i]),
                money(high[i] - low[i]),
            )
        console.print(table)
    from labecon.analysis.conditional import moved_words  # SciPy: not for `labecon --help`

    moved = moved_words(result.moved_with, result.correlated)
    console.print(
        "A gain that changes sign across a row is an input that, alone, turns which route is better. "
        + (f"{moved} " if moved else "")
        + "Local: it ignores interactions (labecon sensitivity apportions them). "
        f"{result.n_evaluations:,} model evaluations."
    )
