"""``labecon scenarios``: list and show the built-in scenarios."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

import labecon
from labecon.cli.rendering import console, fail_from


def scenarios_list() -> None:
    """List the built-in scenarios."""
    table = Table(show_header=True)
    table.add_column("name")
    table.add_column("description")
    for name in labecon.list_scenarios():
        sc = labecon.load_scenario(name)
        table.add_row(name, sc.description)
    console.print(table)


def scenarios_show(
    name: Annotated[str, typer.Argument(help="Name of a built-in scenario.")],
    sources: Annotated[
        bool, typer.Option("--sources", help="List each number with its source or assumption instead.")
    ] = False,
) -> None:
    """Print a built-in scenario's YAML to copy and edit; with --sources, where each number comes from."""
    try:
        if sources:
            entries = labecon.scenario_sources(name)
        else:
            text = labecon.scenario_text(name)
    except labecon.LabeconError as exc:
        raise fail_from(exc) from None
    if not sources:
        sys.stdout.write(text)
        return
    for entry in entries:
        where = "" if entry.origin == "scenario" else " (schema default)"
        sys.stdout.write(f"{entry.path} = {entry.value}{where}\n    {entry.note or 'no source given'}\n")
