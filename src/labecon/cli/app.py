"""The ``labecon`` Typer application: its commands, grouped, and its entry point.

Every error a user can cause is a :class:`labecon.LabeconError`; it is shown as
one line on standard error and the command exits with status 2.
"""

from __future__ import annotations

import sys
import warnings
from typing import Annotated, TextIO

import typer
from rich.markup import escape

import labecon
from labecon.cli import (
    analyses,
    backtest,
    breakeven,
    conventions,
    deals,
    drivers,
    runs,
    scenarios,
    serve,
    switch,
)
from labecon.cli import run as run_module
from labecon.cli.help_style import PlainCommand, PlainGroup
from labecon.cli.options import SET_EXAMPLES
from labecon.cli.rendering import console, err_console

app = typer.Typer(
    name="labecon",
    cls=PlainGroup,
    help="Own or rent? Monte Carlo economics of frontier AI labs' compute.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # A help's source lines are joined into paragraphs (rich kept them as they wrapped in the source),
    # and brackets are text: rich read "OUTPUT[lab=NAME]" as markup and dropped it.
    rich_markup_mode="markdown",
)
scenarios_app = typer.Typer(
    help="List and show the built-in scenarios.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    cls=PlainGroup,
)
app.add_typer(scenarios_app, name="scenarios")
runs_app = typer.Typer(
    help="List, show, export and remove the runs in the run store.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    cls=PlainGroup,
)
app.add_typer(runs_app, name="runs")


def _show_version(value: bool) -> None:
    if value:
        console.print(f"labecon {labecon.__version__}")
        raise typer.Exit


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show labecon's version and exit.", callback=_show_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Own or rent? Monte Carlo economics of frontier AI labs' compute."""


app.command(cls=PlainCommand, epilog=SET_EXAMPLES)(run_module.run)
scenarios_app.command("list", cls=PlainCommand)(scenarios.scenarios_list)
scenarios_app.command("show", cls=PlainCommand)(scenarios.scenarios_show)
runs_app.command("list", cls=PlainCommand)(runs.runs_list)
runs_app.command("show", cls=PlainCommand)(runs.runs_show)
runs_app.command("export", cls=PlainCommand)(runs.runs_export)
runs_app.command("rm", cls=PlainCommand)(runs.runs_rm)
runs_app.command("gc", cls=PlainCommand)(runs.runs_gc)
app.command(cls=PlainCommand, epilog=SET_EXAMPLES)(analyses.compare)
app.command(cls=PlainCommand, epilog=SET_EXAMPLES)(conventions.conventions)
app.command(cls=PlainCommand, epilog=SET_EXAMPLES)(drivers.drivers)
app.command(cls=PlainCommand, epilog=SET_EXAMPLES)(switch.switch)
app.command(cls=PlainCommand, epilog=SET_EXAMPLES)(breakeven.breakeven)
app.command(cls=PlainCommand, epilog=SET_EXAMPLES)(deals.deals)
app.command(cls=PlainCommand, epilog=SET_EXAMPLES)(analyses.sensitivity)
app.command(cls=PlainCommand, epilog=SET_EXAMPLES)(analyses.optimize)
app.command("report", cls=PlainCommand)(analyses.report_cmd)
app.command(cls=PlainCommand, epilog=SET_EXAMPLES)(backtest.backtest)
app.command(cls=PlainCommand)(serve.serve)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """Show a warning as one plain line, without the source file and line a reader cannot use."""
    err_console.print(f"[yellow]warning:[/] {escape(str(message))}", highlight=False, soft_wrap=True)


def main() -> None:
    """Entry point of the ``labecon`` command."""
    warnings.showwarning = _show_warning
    try:
        app()
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(130)
    except Exception as exc:
        err_console.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {exc}\n"
            "This is a bug in labecon; please report it with the command you ran.",
            highlight=False,
        )
        sys.exit(1)
