"""The ``labecon`` command line: a thin layer over the public API.

Every error a user can cause is a :class:`labecon.LabeconError`; it is shown as
one line on standard error and the command exits with status 2.
"""

from __future__ import annotations

import json
import math
import shutil
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer
import yaml
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
runs_app = typer.Typer(help="List, show and export the runs in the run store.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")

# Options several commands share, declared once.
SeedOption = Annotated[int | None, typer.Option(help="Random seed (default: the scenario's).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print only a JSON object on stdout.")]
ReportOption = Annotated[bool, typer.Option(help="Also write report.html into the output directory.")]
ForceOption = Annotated[bool, typer.Option(help="Overwrite an earlier result in --out.")]

# Wide enough for the results table even when the output is piped to a file.
console = Console(width=None if sys.stdout.isatty() else 120)
err_console = Console(stderr=True)

EXIT_USER_ERROR = 2


class _LazyProgress:
    """A progress display that appears only once a run has taken more than a second.

    It shows samples done, the rate and the time left, and, when the run is
    spread over workers, the samples each worker has computed.
    """

    def __init__(
        self,
        label: str,
        *,
        delay_s: float = 1.0,
        workers: Callable[[], dict[str, int]] | None = None,
    ) -> None:
        self._label = label
        self._delay_s = delay_s
        self._start = time.perf_counter()
        self._workers = workers
        self._bar: Progress | None = None
        self._task: Any = None
        self._worker_tasks: dict[str, Any] = {}

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if time.perf_counter() - self._start < self._delay_s or done >= total:
                return
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed:,}/{task.total:,} samples"),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=err_console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self._label, total=total, rate="")
        elapsed = max(time.perf_counter() - self._start, 1e-9)
        self._bar.update(self._task, completed=done, rate=f"{done / elapsed:,.0f}/s")
        if self._workers is not None:
            for address, n in sorted(self._workers().items()):
                if address not in self._worker_tasks:
                    self._worker_tasks[address] = self._bar.add_task(f"  {address}", total=total, rate="")
                self._bar.update(self._worker_tasks[address], completed=n, rate=f"{n / elapsed:,.0f}/s")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def _fail(message: str) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_USER_ERROR)


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


def _json_report(results: labecon.Results, out_dir: Path, run_id: str) -> dict[str, Any]:
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
        "run_id": run_id,
    }
    return report


_FAN = (5.0, 50.0, 95.0)
"""Percentiles shown in the fan tables."""


def _print_world_tables(results: labecon.Results) -> None:
    """Per lab: fan quantiles of revenue, cash and capacity by year; profitability, funding, ruin, NPV."""
    ds, sums = results.dataset, results.summaries
    labs = [str(x) for x in ds["lab"].to_numpy()]
    years = [int(y) for y in ds["year"].to_numpy()]
    horizon = float(np.max(np.asarray(sums["first_profitable_quarter"].percentiles[95.0].value)))
    shown = sorted({0, min(2, len(years) - 1), min(4, len(years) - 1), len(years) - 1})

    def row(table: Table, label: str, name: str, index: tuple[int, ...], scale: float) -> None:
        s = sums[name]

        def pick(v: Any) -> float:
            return float(np.asarray(v)[index])

        table.add_row(
            label,
            _estimate(pick(s.mean.value), pick(s.mean.se), scale),
            *(_estimate(pick(s.percentiles[q].value), pick(s.percentiles[q].se), scale) for q in _FAN),
        )

    for li, lab in enumerate(labs):
        table = Table(title=f"{lab} (± one Monte Carlo standard error)", title_justify="left")
        for col in ("output", "mean", "p5", "p50", "p95"):
            table.add_column(col, justify="left" if col == "output" else "right", no_wrap=True)
        for yi in shown:
            row(table, f"revenue {years[yi]} (USD bn)", "revenue_usd_by_year", (li, yi), 1e9)
        for yi in shown:
            row(table, f"cash end {years[yi]} (USD bn)", "cash_usd_by_year", (li, yi), 1e9)
        for yi in shown:
            row(table, f"capacity end {years[yi]} (M H100e)", "capacity_h100e_by_year", (li, yi), 1e6)
        row(table, "peak funding need (USD bn)", "peak_funding_need_usd", (li,), 1e9)
        row(table, "NPV of free cash flow (USD bn)", "npv_fcf_usd", (li,), 1e9)
        row(table, f"first profitable quarter ({horizon:g}: never)", "first_profitable_quarter", (li,), 1)
        probabilities = [("P(ever profitable)", "is_ever_profitable"), ("P(ruin by horizon)", "is_ruined")]
        if len(labs) > 1 and "is_npv_leader" in sums:
            probabilities.append(("P(highest NPV of the labs)", "is_npv_leader"))
        for label, name in probabilities:
            s = sums[name]
            mean, se = float(np.asarray(s.mean.value)[li]), float(np.asarray(s.mean.se)[li])
            table.add_row(label, _estimate(mean, se, 1.0))
        console.print(table)
    if len(labs) > 1 and "is_npv_leader" in sums:
        lead = sums["is_npv_leader"].mean
        lead_p, lead_se = np.asarray(lead.value, dtype=float), np.asarray(lead.se, dtype=float)
        ranked = sorted(range(len(labs)), key=lambda i: -lead_p[i])
        wins = "; ".join(f"{labs[i]} in {lead_p[i]:.1%} ± {lead_se[i]:.1%}" for i in ranked)
        console.print(f"[bold]Which route wins[/] (highest NPV of free cash flow, share of samples): {wins}")
    if "partner_deal_npv_usd" in sums:
        s = sums["partner_deal_npv_usd"]
        table = Table(title="The partner's return on its deal, NPV (USD bn)", title_justify="left")
        for col in ("deal", "mean", "p5", "p50", "p95", "P(> 0)"):
            table.add_column(col, justify="left" if col == "deal" else "right", no_wrap=True)
        for di, deal in enumerate(str(x) for x in ds["deal"].to_numpy()):

            def pick(v: Any, di: int = di) -> float:
                return float(np.asarray(v)[di])

            p_pos = _estimate(pick(s.p_positive.value), pick(s.p_positive.se), 1.0) if s.p_positive else ""
            table.add_row(
                deal,
                _estimate(pick(s.mean.value), pick(s.mean.se), 1e9),
                *(_estimate(pick(s.percentiles[q].value), pick(s.percentiles[q].se), 1e9) for q in _FAN),
                p_pos,
            )
        console.print(table)


def _print_table(results: labecon.Results, out_dir: Path, written: list[Path], run_id: str) -> None:
    m = results.manifest
    console.print(
        f"[bold]{m['scenario']}[/]: {m['n_samples']:,} samples, seed {m['seed']}, "
        f"{m['elapsed_s']:.2f} s ({m['engine']} engine)"
    )
    if "is_ruined" in results.summaries and "lab" in results.dataset.coords:
        _print_world_tables(results)
        console.print(f"Results written to [bold]{out_dir}[/]: {', '.join(p.name for p in written)}")
        console.print(f"Recorded in the run store as [bold]{run_id}[/] (see: labecon runs show {run_id})")
        return
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
    console.print(f"Recorded in the run store as [bold]{run_id}[/] (see: labecon runs show {run_id})")


@app.command()
def run(
    scenario: Annotated[
        str | None, typer.Argument(help="A built-in scenario name or a YAML file (not with --resume).")
    ] = None,
    samples: Annotated[
        int | None, typer.Option("--samples", "-n", help="Monte Carlo samples (default: the scenario's).")
    ] = None,
    seed: SeedOption = None,
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
    keep: Annotated[
        str, typer.Option(help="Per-sample values to keep: auto (up to 1e6 samples), outputs or summary.")
    ] = "auto",
    quantiles: Annotated[
        str, typer.Option(help="auto, exact (keeps every value) or sketch (bounded memory).")
    ] = "auto",
    backend: Annotated[str, typer.Option(help="local (this process) or dask.")] = "local",
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address (default: start a local cluster).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Dask worker processes of the local cluster (default 2).")
    ] = None,
    resume: Annotated[
        str | None, typer.Option(help="Resume an interrupted run from its checkpoints, by run id.")
    ] = None,
    store: Annotated[
        Path | None, typer.Option(help="Run store directory (default: labecon-results/ or $LABECON_STORE).")
    ] = None,
    report: Annotated[bool, typer.Option(help="Also write report.html beside the results.")] = False,
    target_se: Annotated[
        float | None,
        typer.Option(help="Add samples (same seed, nested) until the --target-stat SEs reach this."),
    ] = None,
    target_stat: Annotated[
        list[str] | None,
        typer.Option(help="OUTPUT.STAT whose SE --target-se bounds, e.g. saving.mean (default: every mean)."),
    ] = None,
    relative: Annotated[bool, typer.Option(help="--target-se is relative to each statistic's size.")] = False,
    max_samples: Annotated[int, typer.Option(help="Upper limit of samples for --target-se.")] = 10_000_000,
) -> None:
    """Run a scenario, record it in the run store and write its results."""
    try:
        runs = labecon.RunStore(store)
        if resume is not None:
            if scenario is not None:
                msg = "give either a scenario or --resume RUN_ID, not both"
                raise _fail(msg)
            manifest = runs.get_manifest(resume)
            sc = labecon.load_scenario(yaml.safe_load(runs.scenario_yaml(resume)))
            opts: dict[str, Any] = dict(manifest["options"])
            out_dir = out if out is not None else runs.run_dir(resume)
            run_id = resume
        else:
            if scenario is None:
                msg = "name a scenario to run (see: labecon scenarios list), or --resume RUN_ID"
                raise _fail(msg)
            sc = labecon.load_scenario(scenario)
            opts = {
                "n_samples": samples,
                "seed": seed,
                "inputs": str(inputs) if inputs is not None else None,
                "chunk_size": chunk_size,
                "keep": "outputs" if inputs is not None and keep == "auto" else keep,
                "keep_paths": keep_paths,
                "quantiles": quantiles,
                "engine": engine,
            }
            run_id = ""
            if target_se is not None:
                samples = _samples_for_target(
                    sc, target_se, target_stat, relative, seed, max_samples, samples
                )
                opts["n_samples"] = samples
        # Refuse before computing, so nothing is lost and no time is wasted.
        if out is not None and not force and out.exists():
            labecon.Results.check_writable(out)
        # Made here, not inside simulate(), so the progress display can show each worker.
        pool = labecon.make_backend(backend, scheduler, workers)  # type: ignore[arg-type]
        if not run_id:
            run_id = runs.start_run(
                {
                    "scenario": sc.name,
                    "seed": seed if seed is not None else sc.run.seed,
                    "n_samples": samples if samples is not None else sc.run.n_samples,
                    "backend": backend,
                    "n_workers": workers or (1 if backend == "local" else None),
                    "chunk_size": chunk_size,
                    "labecon_version": labecon.__version__,
                    "started": datetime.now(UTC).isoformat(),
                    "options": opts,
                },
                labecon.dump_scenario(sc),
            )
            # Without --out, the results live in the run's own folder of the store.
            out_dir = out if out is not None else runs.run_dir(run_id)
        bar = _LazyProgress(f"{sc.name}", workers=getattr(pool, "worker_progress", None))
        try:
            results = labecon.simulate(
                sc,
                backend=pool,
                checkpoint_dir=runs.run_dir(run_id) / "checkpoints",
                resume=resume is not None,
                progress=bar,
                **opts,
            )
        except KeyboardInterrupt:
            runs.mark(run_id, "interrupted")
            bar.close()
            err_console.print(f"interrupted: resume with [bold]labecon run --resume {run_id}[/]")
            raise typer.Exit(130) from None
        except labecon.LabeconError:
            # A run refused before its first block leaves no trace; a later failure is recorded.
            if resume is None and not (runs.run_dir(run_id) / "checkpoints" / "state.npz").exists():
                runs.delete(run_id)
            else:
                runs.mark(run_id, "failed")
            raise
        finally:
            bar.close()
            pool.close()
        stored = runs.finish_run(run_id, results)
        shutil.rmtree(stored / "checkpoints", ignore_errors=True)  # only an unfinished run needs them
        written = results.write(out_dir, force=force) if out is not None else sorted(stored.glob("*.*"))
        if report:
            written.append(labecon.write_report(out_dir))
    except labecon.LabeconError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        report = labecon.Results.json_ready(_json_report(results, out_dir, run_id))
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
    else:
        _print_table(results, out_dir, written, run_id)


def _samples_for_target(
    sc: labecon.Scenario,
    target_se: float,
    stats: list[str] | None,
    relative: bool,
    seed: int | None,
    max_samples: int,
    start: int | None,
) -> int:
    """Return the sample count at which the chosen statistics reach ``target_se`` (same seed, nested runs)."""
    bar = _LazyProgress(f"{sc.name}: sizing to SE {target_se:g}")
    try:
        _, conv = labecon.run_to_precision(
            sc,
            target_se,
            statistics=stats,
            relative=relative,
            seed=seed,
            start_samples=min(start or 2_000, max_samples),
            max_samples=max_samples,
            keep="summary",
            progress=bar,
        )
    finally:
        bar.close()
    worst = ", ".join(f"{k} {v:.3g}" for k, v in conv.achieved.items())
    if conv.converged:
        err_console.print(f"target SE {target_se:g} reached with {conv.n_samples:,} samples ({worst})")
    else:
        err_console.print(
            f"[yellow]warning:[/] target SE {target_se:g} not reached "
            f"within {max_samples:,} samples ({worst})"
        )
    return conv.n_samples


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
        raise _fail(str(exc)) from None
    if not sources:
        sys.stdout.write(text)
        return
    for entry in entries:
        where = "" if entry.origin == "scenario" else " (schema default)"
        sys.stdout.write(f"{entry.path} = {entry.value}{where}\n    {entry.note or 'no source given'}\n")


StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="The run store's directory (default: $LABECON_STORE, else labecon-results/).",
        show_default=False,
    ),
]

_SHOWN_SUMMARY_ROWS = 60


def _when(value: Any) -> str:
    """Return a timestamp from the store as ``YYYY-MM-DD HH:MM:SS`` (UTC), or ``""``."""
    if _missing(value):
        return ""
    return f"{pd.Timestamp(value):%Y-%m-%d %H:%M:%S}"


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _element_text(element: str) -> str:
    """Return an element's labels compactly: ``{"lab": "A", "year": 2027}`` as ``A, 2027``."""
    try:
        labels = json.loads(element)
    except ValueError:
        return element
    values = labels.values() if isinstance(labels, dict) else labels if isinstance(labels, list) else [labels]
    return ", ".join(str(v) for v in values)


def _short(x: float, digits: int) -> str:
    """Return ``x`` to ``digits`` significant figures, compactly (units vary between outputs)."""
    return f"{x:.{digits}g}" if math.isfinite(x) else "n/a"


def _maybe_int(value: Any) -> str:
    return "" if _missing(value) else f"{int(value):,}"


@runs_app.command("list")
def runs_list(store: StoreOption = None) -> None:
    """List the recorded runs, oldest first."""
    try:
        runs_store = labecon.RunStore(store)
        frame = runs_store.list_runs()
    except labecon.LabeconError as exc:
        raise _fail(str(exc)) from None
    if frame.empty:
        console.print(f"No runs recorded in {runs_store.root}.")
        return
    table = Table(title=f"Runs in {runs_store.root}", title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("scenario")
    for col in ("N", "seed"):
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("backend")
    table.add_column("status")
    table.add_column("started (UTC)", no_wrap=True)
    table.add_column("duration", justify="right", no_wrap=True)
    for row in frame.to_dict(orient="records"):
        backend = "" if _missing(row["backend"]) else str(row["backend"])
        if backend and not _missing(row["n_workers"]):
            backend += f" ×{int(row['n_workers'])}"
        duration = "" if _missing(row["duration_s"]) else f"{float(row['duration_s']):,.1f} s"
        table.add_row(
            str(row["run_id"]),
            str(row["scenario"]),
            _maybe_int(row["n_samples"]),
            _maybe_int(row["seed"]),
            backend,
            str(row["status"]),
            _when(row["started"]),
            duration,
        )
    console.print(table)


@runs_app.command("show")
def runs_show(
    run_id: Annotated[str, typer.Argument(help="The run's id (see `labecon runs list`).")],
    store: StoreOption = None,
) -> None:
    """Show a run's manifest and summary table."""
    try:
        runs_store = labecon.RunStore(store)
        manifest = runs_store.get_manifest(run_id)
        summaries = runs_store.summaries(run_id) if manifest["status"] == "done" else None
    except labecon.LabeconError as exc:
        raise _fail(str(exc)) from None
    info = Table(title=f"Run {run_id}", title_justify="left", show_header=False)
    info.add_column("field", style="bold", no_wrap=True)
    info.add_column("value")
    for key, value in manifest.items():
        shown = json.dumps(value) if isinstance(value, dict | list) else str(value)
        info.add_row(key, shown)
    console.print(info)
    if summaries is None:
        console.print(f"No results: the run is {manifest['status']}.")
        return
    # One row per output and element, one column per statistic, in the stored order.
    stat_names = ("mean", "p5", "p50", "p95", "p_positive")
    wide: dict[tuple[str, str], dict[str, float]] = {}
    for rec in summaries.to_dict(orient="records"):
        stat = str(rec["statistic"])
        if stat.removesuffix("_se") in stat_names:
            cell = (str(rec["output"]), str(rec["element"]))
            wide.setdefault(cell, {})[stat] = float(rec["value"])
    has_elements = any(element for _, element in wide)
    columns = [c for c in stat_names if any(c in row for row in wide.values())]
    # Percentiles without their SEs keep the table within a terminal's width;
    # summary.parquet (and `runs export`) have every SE.
    table = Table(title="Summaries (mean and P(> 0) ± one Monte Carlo SE)", title_justify="left")
    table.add_column("output", no_wrap=True)
    if has_elements:
        table.add_column("element", no_wrap=True)
    for col in columns:
        table.add_column("P(> 0)" if col == "p_positive" else col, justify="right", no_wrap=True)
    for (output, element), row in list(wide.items())[:_SHOWN_SUMMARY_ROWS]:
        cells = []
        for c in columns:
            if c not in row:
                cells.append("")
            elif c in ("mean", "p_positive") and f"{c}_se" in row:
                cells.append(f"{_short(row[c], 4)} ±{_short(row[f'{c}_se'], 2)}")
            else:
                cells.append(_short(row[c], 4))
        table.add_row(output, *([_element_text(element)] if has_elements else []), *cells)
    console.print(table)
    if len(wide) > _SHOWN_SUMMARY_ROWS:
        more = len(wide) - _SHOWN_SUMMARY_ROWS
        console.print(f"... and {more:,} more rows: see {runs_store.run_dir(run_id) / 'summary.parquet'}")


@runs_app.command("export")
def runs_export(
    run_id: Annotated[str, typer.Argument(help="The run's id (see `labecon runs list`).")],
    fmt: Annotated[str, typer.Option("--format", help="netcdf, parquet or csv.")],
    out: Annotated[
        Path | None, typer.Option(help="File to write (default: <run id>.nc/.parquet/.csv here).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite the file if it exists.")] = False,
    store: StoreOption = None,
) -> None:
    """Export a run's results as NetCDF (everything) or as a per-sample Parquet or CSV table."""
    try:
        runs_store = labecon.RunStore(store)
        # The store checks the format's name and explains a wrong one.
        target = out if out is not None else runs_store.default_export_path(run_id, fmt)  # type: ignore[arg-type]
        written = runs_store.export(run_id, fmt, target, force=force)  # type: ignore[arg-type]
    except labecon.LabeconError as exc:
        raise _fail(str(exc)) from None
    console.print(f"Exported run [bold]{run_id}[/] to [bold]{written}[/]")


# -- decisions: compare, sensitivity, optimize, report ----------------------------------


def _analysis_dir(out: Path | None, kind: str, scenario_name: str, force: bool) -> Path:
    """Return the directory an analysis writes to, refusing to overwrite without --force."""
    if out is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        base = Path("labecon-results") / f"{kind}-{scenario_name}-{stamp}"
        out, i = base, 1
        while out.exists():
            i += 1
            out = Path(f"{base}-{i}")
    elif out.exists() and not out.is_dir():
        msg = f"{out} exists and is not a directory"
        raise _fail(msg)
    target = out / f"{kind}.json"
    if target.exists() and not force:
        msg = f"{target} exists; choose another --out or pass --force"
        raise _fail(msg)
    return out


def _list(text: str | None) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()] if text else []


def _value(text: str) -> Any:
    """Parse an override or choice the way YAML would (numbers, booleans, names)."""
    return yaml.safe_load(text) if text.strip() else text


def _selection(items: list[str] | None) -> dict[str, str] | None:
    out: dict[str, str] = {}
    for item in items or []:
        dim, eq, label = item.partition("=")
        if not eq:
            msg = f"--select: expected DIM=LABEL, got {item!r}"
            raise _fail(msg)
        out[dim.strip()] = label.strip()
    return out or None


def _pm(value: float, se: float, *, pct: bool = False) -> str:
    if pct:
        return f"{value:.1%} ±{se:.1%}"
    return f"{_fmt(value)} ±{_fmt(se, 1.0, 2)}"


def _print_comparison(comp: labecon.Comparison, out_dir: Path) -> None:
    units = f" ({comp.units})" if comp.units else ""
    console.print(
        f"[bold]{comp.info.get('scenario', '')}[/]: {comp.n_samples:,} paired samples, "
        f"seed {comp.info.get('seed')}; "
        f"{'higher' if comp.goal == 'max' else 'lower'} {comp.metric} is better{units}"
    )
    table = Table(title="Options (± one Monte Carlo standard error)", title_justify="left")
    for col in ("option", "mean", "P(best)", "mean regret"):
        table.add_column(col, justify="right" if col != "option" else "left")
    for o in comp.options:
        m, p, r = comp.means[o], comp.p_best[o], comp.mean_regret[o]
        table.add_row(
            o,
            _pm(float(m.value), float(m.se)),
            _pm(float(p.value), float(p.se), pct=True),
            _pm(float(r.value), float(r.se)),
        )
    console.print(table)
    pairs = Table(title=f"Paired differences ({int(comp.level * 100)}% CI)", title_justify="left")
    for col in ("a − b", "mean", "CI", "P(a beats b)"):
        pairs.add_column(col, justify="right" if col != "a − b" else "left")
    for d in comp.differences:
        pairs.add_row(
            f"{d.a} − {d.b}",
            _pm(float(d.mean.value), float(d.mean.se)),
            f"{_fmt(d.ci[0])} .. {_fmt(d.ci[1])}",
            _pm(float(d.p_a_beats_b.value), float(d.p_a_beats_b.se), pct=True),
        )
    console.print(pairs)
    console.print(
        f"Best on average: [bold]{comp.best}[/]. "
        f"EVPI: {_pm(float(comp.evpi.value), float(comp.evpi.se))}{units}"
    )
    for metric_name, sub in comp.by_metric.items():
        for d in sub.differences:
            console.print(
                f"On {metric_name}: {d.a} − {d.b} = {_pm(float(d.mean.value), float(d.mean.se))}; "
                f"P({d.a} beats {d.b}) = {_pm(float(d.p_a_beats_b.value), float(d.p_a_beats_b.se), pct=True)}"
            )
    if comp.evppi and float(comp.evpi.value) > 0:
        top = sorted(comp.evppi.items(), key=lambda kv: -float(kv[1].value))[:5]
        console.print(
            "EVPPI (top inputs): " + "; ".join(f"{k} {_pm(float(v.value), float(v.se))}" for k, v in top)
        )
    console.print(f"Written to [bold]{out_dir}[/]")


@app.command()
def compare(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file.")],
    strategies: Annotated[
        str | None,
        typer.Option(help="Strategies to compare, comma-separated (each on the output naming it)."),
    ] = None,
    outputs: Annotated[
        str | None, typer.Option(help="Outputs of one run to compare, comma-separated.")
    ] = None,
    variant: Annotated[
        list[str] | None,
        typer.Option(
            help="A scenario variant NAME:PATH=VALUE[,PATH=VALUE...]; repeat for each (needs --metric)."
        ),
    ] = None,
    metric: Annotated[
        list[str] | None,
        typer.Option(help="Output(s) compared across variants (repeatable; the first leads)."),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option(help="Pick one element of an output with dims, DIM=LABEL (repeatable)."),
    ] = None,
    goal: Annotated[
        list[str] | None,
        typer.Option(
            help="max or min (default: min for costs, else max); METRIC=min per metric (repeatable)."
        ),
    ] = None,
    samples: Annotated[int | None, typer.Option("--samples", "-n", help="Monte Carlo samples.")] = None,
    seed: SeedOption = None,
    group: Annotated[
        list[str] | None, typer.Option(help="An input group for EVPPI, NAME=in1,in2 (repeatable).")
    ] = None,
    evppi: Annotated[bool, typer.Option(help="Estimate EVPPI for each input.")] = True,
    out: Annotated[Path | None, typer.Option(help="Directory for comparison.json (and the report).")] = None,
    as_json: JsonOption = False,
    report: ReportOption = False,
    force: Annotated[bool, typer.Option(help="Overwrite an earlier comparison in --out.")] = False,
) -> None:
    """Compare strategies or scenario variants on the same random draws."""
    try:
        sc = labecon.load_scenario(scenario)
        variants: dict[str, dict[str, Any]] | None = None
        if variant:
            variants = {}
            for v in variant:
                name, colon, patches = v.partition(":")
                overrides: dict[str, Any] = {}
                for patch in _list(patches):
                    path, eq, value = patch.partition("=")
                    if not eq:
                        msg = f"--variant {v!r}: expected NAME:PATH=VALUE[,PATH=VALUE...]"
                        raise _fail(msg)
                    overrides[path.strip()] = _value(value)
                variants[name.strip() if colon else v.strip()] = overrides
        groups = {}
        for g in group or []:
            gname, eq, members = g.partition("=")
            if not eq:
                msg = f"--group: expected NAME=in1,in2, got {g!r}"
                raise _fail(msg)
            groups[gname.strip()] = _list(members)
        out_dir = _analysis_dir(out, "comparison", sc.name, force)
        goals: Any = None
        for g in goal or []:
            name, eq, direction = g.rpartition("=")
            if eq:
                goals = {**(goals if isinstance(goals, dict) else {}), name.strip(): direction.strip()}
            else:
                goals = direction.strip()
        comp = labecon.compare(
            sc,
            variants=variants,
            outputs=_list(outputs) or None,
            strategies=_list(strategies) or None,
            metric=metric or None,
            select=_selection(select),
            goal=goals,
            n_samples=samples,
            seed=seed,
            evppi=evppi,
            groups=groups or None,
        )
        data = comp.to_dict(sample_rows=20_000)
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "comparison.json").write_text(
            json.dumps(labecon.Results.json_ready(data), indent=1) + "\n", encoding="utf-8"
        )
        page = labecon.write_report(out_dir) if report else None
    except labecon.LabeconError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        data.pop("values_sample", None)
        sys.stdout.write(json.dumps(labecon.Results.json_ready(data), indent=2) + "\n")
        return
    _print_comparison(comp, out_dir)
    if page is not None:
        console.print(f"Report: [bold]{page}[/]")


@app.command()
def sensitivity(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file.")],
    output: Annotated[str, typer.Argument(help="The output, e.g. saving or 'npv_usd[lab=a]'.")],
    method: Annotated[str, typer.Option(help="sobol, oat (tornado/spider), pawn or delta.")] = "sobol",
    inputs: Annotated[
        str | None, typer.Option(help="Inputs to study, comma-separated (default: all).")
    ] = None,
    samples: Annotated[
        int | None, typer.Option("--samples", "-n", help="sobol: base N (power of 2); pawn/delta: samples.")
    ] = None,
    seed: SeedOption = None,
    out: Annotated[
        Path | None, typer.Option(help="Directory for sensitivity-METHOD.json (and the report).")
    ] = None,
    as_json: JsonOption = False,
    report: ReportOption = False,
    force: ForceOption = False,
) -> None:
    """Which uncertain inputs drive an output (Sobol, tornado, or correlation-valid PAWN/delta)."""
    import warnings

    try:
        sc = labecon.load_scenario(scenario)
        out_dir = _analysis_dir(out, f"sensitivity-{method}", sc.name, force)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", labecon.SensitivityWarning)
            res = labecon.sensitivity(
                sc,
                output,
                method=method,  # type: ignore[arg-type]
                inputs=_list(inputs) or None,
                n_samples=samples,
                seed=seed,
            )
        data = res.to_dict()
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / f"sensitivity-{method}.json").write_text(
            json.dumps(labecon.Results.json_ready(data), indent=1) + "\n", encoding="utf-8"
        )
        page = labecon.write_report(out_dir) if report else None
    except labecon.LabeconError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        sys.stdout.write(json.dumps(labecon.Results.json_ready(data), indent=2) + "\n")
        return
    for w in caught:
        err_console.print(f"[yellow]warning:[/] {w.message}", highlight=False)
    table = Table(
        title=f"{method} indices of {output}" + (f" (mean over {res.time_dim})" if res.time_dim else ""),
        title_justify="left",
    )
    table.add_column("input")
    keys = [
        k
        for k in res.indices
        if k in ("S1", "S1_conf", "ST", "ST_conf", "delta", "delta_conf", "median", "low", "high", "swing")
    ]
    for k in keys:
        table.add_column(k, justify="right")
    for j, name in enumerate(res.inputs):
        table.add_row(
            name,
            *(
                _fmt(
                    float(res.indices[k][j] if res.indices[k].ndim == 1 else res.indices[k][j].mean()), 1.0, 3
                )
                for k in keys
            ),
        )
    console.print(table)
    console.print(
        f"Assumption: {res.assumption}. {res.n_evaluations:,} model evaluations. "
        f"Written to [bold]{out_dir}[/]"
    )
    if page is not None:
        console.print(f"Report: [bold]{page}[/]")


def _param_range(text: str) -> tuple[str, Any]:
    path, eq, spec = text.partition("=")
    if not eq:
        msg = f"--param: expected PATH=LOW:HIGH or PATH=A|B|C, got {text!r}"
        raise _fail(msg)
    if "|" in spec:
        return path.strip(), [_value(v) for v in spec.split("|")]
    low, colon, high = spec.partition(":")
    lo, hi = _value(low), _value(high)
    if not colon or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lo, hi)):
        msg = f"--param: expected PATH=LOW:HIGH (numbers) or PATH=A|B|C, got {text!r}"
        raise _fail(msg)
    return path.strip(), (lo, hi)


@app.command()
def optimize(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file.")],
    param: Annotated[
        list[str],
        typer.Option(help="A parameter to tune: PATH=LOW:HIGH (ints give whole numbers) or PATH=A|B."),
    ],
    objective: Annotated[str, typer.Option(help="STAT(OUTPUT) to optimise, e.g. 'mean(npv_usd)'.")],
    constraint: Annotated[
        list[str] | None, typer.Option(help="A limit such as 'mean(ruined) <= 0.05' (repeatable).")
    ] = None,
    goal: Annotated[str, typer.Option(help="max or min.")] = "max",
    lab: Annotated[str | None, typer.Option(help="For outputs by lab: whose outputs count.")] = None,
    trials: Annotated[int, typer.Option(help="Candidates to evaluate.")] = 40,
    samples: Annotated[int | None, typer.Option("--samples", "-n", help="Samples per candidate.")] = None,
    seed: SeedOption = None,
    out: Annotated[
        Path | None, typer.Option(help="Directory for optimization.json (and the report).")
    ] = None,
    as_json: JsonOption = False,
    report: ReportOption = False,
    force: ForceOption = False,
) -> None:
    """Tune strategy parameters for an objective under risk limits (common random numbers, seeded)."""
    try:
        sc = labecon.load_scenario(scenario)
        out_dir = _analysis_dir(out, "optimization", sc.name, force)
        parameters = dict(_param_range(p) for p in param)
        res = labecon.optimize(
            sc,
            parameters,
            objective,
            constraint or [],
            lab=lab,
            goal=goal,  # type: ignore[arg-type]
            n_trials=trials,
            n_samples=samples,
            seed=seed,
        )
        data = res.to_dict()
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "optimization.json").write_text(
            json.dumps(labecon.Results.json_ready(data), indent=1) + "\n", encoding="utf-8"
        )
        page = labecon.write_report(out_dir) if report else None
    except labecon.LabeconError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        sys.stdout.write(json.dumps(labecon.Results.json_ready(data), indent=2) + "\n")
        return
    b = res.best
    console.print(f"Best of {res.n_evaluations} candidates ({res.goal}imise {res.objective}):")
    for k, v in b.params.items():
        console.print(f"  {k} = {v:.6g}" if isinstance(v, float) else f"  {k} = {v}")
    console.print(
        f"  {res.objective} = {_pm(float(b.objective.value), float(b.objective.se))} "
        f"({int(res.level * 100)}% CI {_fmt(res.best_ci[0])} .. {_fmt(res.best_ci[1])})"
    )
    for text, est in zip(res.constraints, b.constraints, strict=True):
        console.print(f"  {text}: {_pm(float(est.value), float(est.se))}")
    console.print(f"Frontier: {len(res.frontier)} candidates. Written to [bold]{out_dir}[/]")
    if page is not None:
        console.print(f"Report: [bold]{page}[/]")


@app.command("report")
def report_cmd(
    run_dir: Annotated[
        Path, typer.Argument(help="A results directory (from run --out, compare, sensitivity, ...).")
    ],
    out: Annotated[Path | None, typer.Option(help="The HTML file (default: RUN_DIR/report.html).")] = None,
    image: Annotated[
        list[str] | None, typer.Option(help="Also write each chart as png or svg into charts/ (repeatable).")
    ] = None,
) -> None:
    """Write one self-contained HTML report (opens offline) of a run and its analyses."""
    try:
        page = labecon.write_report(run_dir, out, static=image or [])
    except labecon.LabeconError as exc:
        raise _fail(str(exc)) from None
    console.print(f"Report written to [bold]{page}[/]")


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


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind (0.0.0.0 serves other machines).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the dashboard and the HTTP API (docs at /docs) until Ctrl-C."""
    from rich.markup import escape

    try:
        from labecon.web import require
        from labecon.web import serve as serve_web

        require("fastapi", "uvicorn")
        console.print(f"labecon dashboard: [bold]http://{host}:{port}/[/]  (API docs: /docs; Ctrl-C stops)")
        serve_web(host=host, port=port)
    except labecon.LabeconError as exc:
        # escape(): the install hint's "[web]" is not Rich markup.
        raise _fail(escape(str(exc))) from None
