"""``labecon deals``: what each strategic deal is worth to its lab and to its partner, side by side."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
    rerun_and_show,
    samples_option,
)
from labecon.cli.rendering import console


def deals(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file (with deals).")],
    samples: Annotated[int | None, samples_option("Monte Carlo samples of each run.")] = None,
    seed: SeedOption = None,
    sets: SetOption = None,
    out: Annotated[
        Path | None, typer.Option(help="Directory for deals.json and deals.csv (and the report).")
    ] = None,
    as_json: JsonOption = False,
    report: ReportOption = False,
    force: ForceOption = False,
    backend: BackendOption = "local",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
) -> None:
    """Show what each strategic deal is worth to its lab (NPV with and without it) and to its partner.

    Runs the world as declared and once without each deal, every lab on its declared route, on
    the same futures; a deal is mutually beneficial where the lab gains and the partner's return
    on it is positive.
    """
    rerun_and_show(
        scenario,
        sets,
        "run",
        labecon.deal_values,
        print_deals,
        samples=samples,
        seed=seed,
        as_json=as_json,
        backend=backend,
        scheduler=scheduler,
        workers=workers,
        saved_as="deals",
        out=out,
        force=force,
        report=report,
    )


def _median_range(summary: dict[str, Any]) -> str:
    return f"{money(summary['p50'])} ({money(summary['p5'])} to {money(summary['p95'])})"


def print_deals(result: labecon.DealValues) -> None:
    """Print one row per deal: the lab's gain and the partner's NPV (medians, 90% ranges), both shares."""
    console.print(
        f"[bold]{result.scenario}[/]: {result.n_samples:,} samples, seed {result.seed}, the same futures "
        "with and without each deal"
    )
    table = Table(
        title="What each deal is worth to both sides (NPV, median and 90% of futures)", title_justify="left"
    )
    for name in (
        "deal",
        "lab's gain",
        "P(lab gains)",
        "partner's NPV",
        "P(partner gains)",
        "P(both)",
        "rivals",
    ):
        # Names are never cut ("Anthropic-…"): a deal takes two lines (the partner, then "with" the
        # lab), which leaves the rivals' column room for their names; on a narrower screen the other
        # columns wrap (folding a word longer than the column) rather than end in an ellipsis.
        table.add_column(
            name,
            justify="left" if name == "deal" else "right",
            no_wrap=name == "deal",
            overflow="ellipsis" if name == "deal" else "fold",
        )
    for d in result.deals:
        said = result.names
        rivals = ", ".join(f"{said.lab(lab)} {money(s['p50'])}" for lab, s in d.others_gain.items()) or "none"
        table.add_row(
            said.deal(d.deal, joiner="\nwith "),
            _median_range(d.lab_gain),
            percent(d.lab_gain["p_positive"]),
            _median_range(d.partner_npv),
            percent(d.partner_npv["p_positive"]),
            percent(d.both_gain[0]),
            rivals,
        )
    console.print(table)
    console.print(f"• {escape(result.headline())}", highlight=False)
    console.print(
        "• The lab's gain: its NPV of free cash flow with the deal less without it, on its declared "
        "route (without it: none of the deal's capacity, discount, investment or credits; what it "
        "needs beyond its other deals it commits for or rents). The partner's NPV: its return on "
        "the deal from the start, the stake it holds then counted at its value then. Rivals: "
        "the other labs' NPV with the deal less without it (median). P(...): the share of futures."
    )
