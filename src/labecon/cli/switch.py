"""``labecon switch``: when a lab should switch from its declared route to another."""

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
    samples_option,
    say_if_compiling,
    show_saved,
)
from labecon.cli.rendering import console, fail_from, plausibility_summary
from labecon.constants import SWITCH_EVERY_QUARTERS
from labecon.scenario.names import reader_names


def switch(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file (with routes).")],
    lab: Annotated[str, typer.Option(help="The lab that switches (its key).")],
    to: Annotated[str, typer.Option(help="The route it switches to: one of its alternative routes.")],
    every: Annotated[
        int, typer.Option(help="Quarters between the dates tried (4: one a year).", min=1)
    ] = SWITCH_EVERY_QUARTERS,
    samples: Annotated[int | None, samples_option("Monte Carlo samples.")] = None,
    seed: SeedOption = None,
    sets: SetOption = None,
    out: Annotated[Path | None, typer.Option(help="Directory for switch.json (and the report).")] = None,
    as_json: JsonOption = False,
    report: ReportOption = False,
    force: ForceOption = False,
    backend: BackendOption = "local",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
) -> None:
    """When to switch: the lab's declared route until a date, then another, date by date.

    Each date is run as a route of its own on the same futures: its gain in NPV over keeping
    the declared route, how often it beats it, and in how many futures each date (or never) is
    the best. Capacity signed for before the switch runs its course (docs/model.md, When to
    switch routes).
    """
    try:
        sc = load_scenario(scenario, sets)
        out_dir = analysis_dir(out, "switch", sc.name, force)
        say_if_compiling(sc)
        with (
            backend_of(backend, scheduler, workers) as runner,
            plausibility_summary("the dates' runs", reader_names(sc)),
        ):
            result = labecon.switch_dates(
                sc, lab, to, every_quarters=every, n_samples=samples, seed=seed, backend=runner
            )
        result.save(out_dir)
        page = labecon.write_report(out_dir) if report else None
    except labecon.LabeconError as exc:
        raise fail_from(exc) from None
    show_saved(result, lambda: print_switch(result), out_dir, page, as_json=as_json)


def print_switch(result: labecon.SwitchDates) -> None:
    """Print one row per date: the mean gain over keeping the declared route, how often it beats it."""
    console.print(
        f"[bold]{escape(result.scenario)}[/]: {escape(result.lab_name)} switching from "
        f"{escape(result.declared)} to {escape(result.to)}, the same futures for every date "
        f"({result.n_samples:,} samples, seed {result.seed})"
    )
    title = f"Each date against keeping {result.declared}: gain in NPV (± one Monte Carlo standard error)"
    table = Table(title=escape(title), title_justify="left")
    columns = ("switch", "mean gain", "median gain", "beats it in", "best in")
    for column in columns:
        table.add_column(escape(column), justify="left" if column == "switch" else "right", no_wrap=True)
    best = result.best
    for i, date in enumerate(result.dates):
        row = [
            date if result.quarters[i] == 0 else f"from {date}",
            f"{money(result.mean_gain_usd[i])} ± {money(result.mean_gain_se_usd[i])}",
            money(result.median_gain_usd[i]),
            f"{percent(result.p_beats[i])} ± {percent(result.p_beats_se[i])}",
            percent(result.p_best[date]),
        ]
        table.add_row(*(f"[bold]{cell}[/]" if i == best else cell for cell in row))
    table.add_row(f"never (keeps {escape(result.declared)})", "", "", "", percent(result.p_best["never"]))
    console.print(table)
    console.print(result.summary(), highlight=False)
