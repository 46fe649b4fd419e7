"""``labecon conventions``: how the route answer moves with the model's own conventions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

import labecon
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
    rerun_and_show,
    samples_option,
)
from labecon.cli.rendering import console


def conventions(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file (with routes).")],
    samples: Annotated[int | None, samples_option("Monte Carlo samples of each variant.")] = None,
    seed: SeedOption = None,
    sets: SetOption = None,
    out: Annotated[
        Path | None, typer.Option(help="Directory for conventions.json and conventions.csv (and the report).")
    ] = None,
    as_json: JsonOption = False,
    report: ReportOption = False,
    force: ForceOption = False,
    backend: BackendOption = "local",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
) -> None:
    """How each lab's route answer moves with the model's conventions, one at a time and together.

    Reruns the scenario, on the same futures, with compute priced at signing, chips for free
    data-centre space ordered a quarter ahead, that space's reuse at a new facility's cost, owned
    halls and then leased halls refilled whatever the plan, each other terminal value, and the
    settings against owning together (docs/decisions.md).
    """
    rerun_and_show(
        scenario,
        sets,
        "variant",
        labecon.conventions,
        print_conventions,
        samples=samples,
        seed=seed,
        as_json=as_json,
        backend=backend,
        scheduler=scheduler,
        workers=workers,
        saved_as="conventions",
        out=out,
        force=force,
        report=report,
    )


def print_conventions(result: labecon.ConventionsResult) -> None:
    """Print one row per variant: each lab's routes by P(best), the best first (± one SE)."""
    console.print(
        f"[bold]{result.scenario}[/]: {result.n_samples:,} samples per variant, seed {result.seed}, "
        "the same futures in every variant"
    )
    labs = list(result.rows[0].p_best)
    title = "P(best) of each lab's routes (± one Monte Carlo standard error)"
    table = Table(title=title, title_justify="left")
    table.add_column("variant", justify="left")
    for lab in labs:
        table.add_column(result.names.lab(lab), justify="left")
    for row in result.rows:
        cells = []
        for lab in labs:
            routes = sorted(row.p_best[lab].items(), key=lambda item: -item[1][0])
            cells.append(", ".join(f"{route} {percent(v)} ±{percent(se)}" for route, (v, se) in routes))
        table.add_row(row.label, *cells)
    console.print(table)
    for sentence in result.lab_sentences():
        console.print(f"• {sentence}")
