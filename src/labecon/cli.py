"""The ``labecon`` command line: a thin layer over the public API.

Every error a user can cause is a :class:`labecon.LabeconError`; it is shown as
one line on standard error and the command exits with status 2.
"""

from __future__ import annotations

import json
import math
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

import labecon

app = typer.Typer(
    name="labecon",
    help="Own or rent? Monte Carlo economics of frontier AI labs' compute.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
scenarios_app = typer.Typer(help="List and show the built-in scenarios.", no_args_is_help=True)
app.add_typer(scenarios_app, name="scenarios")

# Wide enough for the results table even when the output is piped to a file.
console = Console(width=None if sys.stdout.isatty() else 120)
err_console = Console(stderr=True)

EXIT_USER_ERROR = 2
DEFAULT_RESULTS_DIR = Path("labecon-results")


class _LazyProgress:
    """A progress bar that appears only once a run has taken more than a second."""

    def __init__(self, label: str, *, delay_s: float = 1.0) -> None:
        self._label = label
        self._delay_s = delay_s
        self._start = time.perf_counter()
        self._bar: Progress | None = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if time.perf_counter() - self._start < self._delay_s or done >= total:
                return
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed:,}/{task.total:,} samples"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=err_console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self._label, total=total)
        self._bar.update(self._task, completed=done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def _fail(message: str) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_USER_ERROR)


def _fresh_results_dir(scenario_name: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    base = DEFAULT_RESULTS_DIR / f"{scenario_name}-{stamp}"
    candidate, i = base, 1
    while candidate.exists():
        i += 1
        candidate = Path(f"{base}-{i}")
    return candidate


def _fmt(x: float, scale: float = 1.0, digits: int = 4) -> str:
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


def _estimate(value: float, se: float, scale: float) -> str:
    return f"{_fmt(value, scale)} ±{_fmt(se, scale, 2)}"


def _json_report(results: labecon.Results, out_dir: Path) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for name, summary in results.summaries.items():
        entry = summary.as_dict()
        report[name] = entry
        if summary.p_positive is not None:
            report[f"p_{name}_positive"] = summary.p_positive.value
            report[f"p_{name}_positive_se"] = summary.p_positive.se
    report["run"] = {
        "scenario": results.manifest["scenario"],
        "n_samples": results.n_samples,
        "seed": results.manifest["seed"],
        "out": str(out_dir),
    }
    return report


def _print_table(results: labecon.Results, out_dir: Path, written: list[Path]) -> None:
    m = results.manifest
    console.print(
        f"[bold]{m['scenario']}[/]: {m['n_samples']:,} samples, seed {m['seed']}, "
        f"{m['elapsed_s']:.2f} s ({m['engine']} engine)"
    )
    scale = 1e9
    table = Table(title="Results in USD billion (± one Monte Carlo standard error)", title_justify="left")
    table.add_column("output", no_wrap=True)
    for col in ("mean", "p5", "p50", "p95", "P(> 0)"):
        table.add_column(col, justify="right", no_wrap=True)
    for name, s in results.summaries.items():
        pct = s.percentiles
        p_pos = _estimate(s.p_positive.value, s.p_positive.se, 1.0) if s.p_positive else ""
        table.add_row(
            name,
            _estimate(s.mean.value, s.mean.se, scale),
            *(_estimate(pct[q].value, pct[q].se, scale) for q in (5.0, 50.0, 95.0)),
            p_pos,
        )
    console.print(table)
    console.print(f"Results written to [bold]{out_dir}[/]: {', '.join(p.name for p in written)}")


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file.")],
    samples: Annotated[
        int | None, typer.Option("--samples", "-n", help="Monte Carlo samples (default: the scenario's).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed (default: the scenario's).")] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Directory for the results (default: a fresh one under labecon-results/)."),
    ] = None,
    inputs: Annotated[
        Path | None,
        typer.Option(help="CSV or Parquet table of input samples, one column per uncertain input."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print only a JSON object of the results on stdout.")
    ] = False,
    force: Annotated[bool, typer.Option(help="Overwrite results already in --out.")] = False,
    chunk_size: Annotated[
        int | None, typer.Option(help="Samples per block (results do not depend on it).")
    ] = None,
    engine: Annotated[str, typer.Option(help="auto, numpy or numba.")] = "auto",
    keep_paths: Annotated[
        bool, typer.Option(help="Also keep each strategy's quarterly costs by line.")
    ] = False,
) -> None:
    """Run a scenario and write its results."""
    try:
        sc = labecon.load_scenario(scenario)
        out_dir = out if out is not None else _fresh_results_dir(sc.name)
        # Refuse before computing, so nothing is lost and no time is wasted.
        if not force and out_dir.exists():
            labecon.Results.check_writable(out_dir)
        bar = _LazyProgress(f"{sc.name}")
        try:
            results = labecon.simulate(
                sc,
                samples,
                seed,
                inputs=inputs,
                chunk_size=chunk_size,
                keep="outputs" if inputs is not None else "auto",
                keep_paths=keep_paths,
                # simulate() checks the engine's name and explains a wrong one.
                engine=engine,  # type: ignore[arg-type]
                progress=bar,
            )
        finally:
            bar.close()
        written = results.write(out_dir, force=force)
    except labecon.LabeconError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        report = labecon.Results.json_ready(_json_report(results, out_dir))
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
    else:
        _print_table(results, out_dir, written)


@scenarios_app.command("list")
def scenarios_list() -> None:
    """List the built-in scenarios."""
    table = Table(show_header=True)
    table.add_column("name")
    table.add_column("description")
    for name in labecon.list_scenarios():
        sc = labecon.load_scenario(name)
        table.add_row(name, sc.description)
    console.print(table)


@scenarios_app.command("show")
def scenarios_show(
    name: Annotated[str, typer.Argument(help="Name of a built-in scenario.")],
) -> None:
    """Print a built-in scenario's YAML, ready to copy and edit."""
    try:
        text = labecon.scenario_text(name)
    except labecon.LabeconError as exc:
        raise _fail(str(exc)) from None
    sys.stdout.write(text)


def main() -> None:
    """Entry point of the ``labecon`` command."""
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
