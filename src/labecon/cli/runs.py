"""``labecon runs``: list, show and export the runs in the run store."""

from __future__ import annotations

import contextlib
import json
import math
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

import labecon
from labecon import layout
from labecon.cli.options import StoreOption, choices
from labecon.cli.rendering import (
    console,
    fail,
    fail_from,
    print_answers,
    print_flat_table,
    print_world_tables,
)
from labecon.types import ExportFormat

if TYPE_CHECKING:
    import pandas as pd

RunIdArgument = Annotated[str, typer.Argument(help="The run's id (see `labecon runs list`).")]

_SHOWN_SUMMARY_ROWS = 60


def runs_list(store: StoreOption = None) -> None:
    """List the recorded runs, oldest first."""
    try:
        runs_store = labecon.RunStore(store)
        frame = runs_store.list_runs()
    except labecon.LabeconError as exc:
        raise fail_from(exc) from None
    if frame.empty:
        console.print(escape(f"No runs recorded in {runs_store.root}."))
        return
    table = Table(title=escape(f"Runs in {runs_store.root}"), title_justify="left")
    table.add_column("id", no_wrap=True)
    # A name is folded, never cut ("two-stra…"); the start's date and time take two lines for it.
    table.add_column("scenario", overflow="fold")
    for col in ("N", "seed"):
        table.add_column(col, justify="right", no_wrap=True)
    # On a narrow screen these wrap too (folding a word longer than the column), never cut.
    table.add_column("backend", overflow="fold")
    table.add_column("status", overflow="fold")
    table.add_column("started (UTC)", overflow="fold")
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


def runs_show(run_id: RunIdArgument, store: StoreOption = None) -> None:
    """Show a run: what ran, when and where its files are, then its answers and summary table."""
    try:
        runs_store = labecon.RunStore(store)
        manifest = runs_store.get_manifest(run_id)
        summaries = runs_store.summaries(run_id) if manifest["status"] == "done" else None
    except labecon.LabeconError as exc:
        raise fail_from(exc) from None
    info = Table(title=f"Run {run_id}", title_justify="left", show_header=False)
    info.add_column("field", style="bold", no_wrap=True)
    info.add_column("value", overflow="fold")  # a path or a hash folds on a narrow screen, never cut
    files = Path(manifest.get("out_dir") or runs_store.run_dir(run_id))  # an --out run lies where written
    for label, value in _about(manifest, files):
        info.add_row(label, escape(value))
    console.print(info)
    console.print(escape(f"Everything recorded of it: {files / layout.MANIFEST_JSON}"))
    if summaries is None:
        console.print(f"No results: the run is {manifest['status']}.")
        return
    from labecon.report.answers import is_world_of_labs  # the model's stack, only when a run is shown

    results = None
    with contextlib.suppress(labecon.LabeconError):  # results that do not load whole: the table says it
        results = runs_store.load(run_id)
        print_answers(results)
    world = results is not None and is_world_of_labs(results.dataset)
    flat = not summaries["element"].astype(str).str.len().any()  # one figure per output, as b1's
    if results is not None and (world or flat):  # the tables the run printed when it ran
        (print_world_tables if world else print_flat_table)(results)
        console.print(escape(f"Every summary: {runs_store.run_dir(run_id) / layout.SUMMARY_PARQUET}"))
        return
    _print_summaries(summaries, runs_store.run_dir(run_id))


def _about(manifest: dict[str, Any], files: Path) -> list[tuple[str, str]]:
    """Return the manifest's facts a reader wants, in words (the rest stays in manifest.json)."""
    m = manifest
    backend = str(m.get("backend", ""))
    if backend and m.get("n_workers") is not None:
        backend += f" × {m['n_workers']}"
    elapsed = m.get("elapsed_s")
    rows = [
        ("Scenario", str(m.get("scenario", ""))),
        ("Status", str(m.get("status", ""))),
        ("Samples", _maybe_int(m.get("n_samples"))),
        ("Seed", str(m.get("seed", ""))),
        ("Started (UTC)", _when(m.get("started"))),
        ("Duration", f"{float(elapsed):,.1f} s" if elapsed is not None else ""),
        ("Engine", str(m.get("engine", ""))),
        ("Backend", backend),
        ("Inputs", str(m.get("inputs", ""))),
        ("Files", str(files)),
        ("Scenario hash", str(m.get("scenario_hash", ""))),
        ("labecon version", str(m.get("labecon_version", ""))),
    ]
    return [(label, value) for label, value in rows if value not in ("", "None")]


def _print_summaries(summaries: pd.DataFrame, run_dir: Path) -> None:
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
        console.print(escape(f"... and {more:,} more rows: see {run_dir / layout.SUMMARY_PARQUET}"))


def runs_export(
    run_id: RunIdArgument,
    fmt: Annotated[
        str,
        typer.Option("--format", help="netcdf, parquet, csv or xlsx (a workbook).", **choices(ExportFormat)),
    ],
    out: Annotated[
        Path | None, typer.Option(help="File to write (default: RUN_ID.nc, .parquet or .csv here).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite the file if it exists.")] = False,
    store: StoreOption = None,
) -> None:
    """Export a run's results as NetCDF (everything), a per-sample Parquet or CSV table, or a workbook."""
    try:
        runs_store = labecon.RunStore(store)
        # The store checks the format's name and explains a wrong one.
        target = out if out is not None else runs_store.default_export_path(run_id, fmt)  # type: ignore[arg-type]
        written = runs_store.export(run_id, fmt, target, force=force)  # type: ignore[arg-type]
    except labecon.LabeconError as exc:
        raise fail_from(exc) from None
    console.print(f"Exported run [bold]{run_id}[/] to [bold]{escape(str(written))}[/]")


def _when(value: Any) -> str:
    """Return a timestamp from the store as ``YYYY-MM-DD HH:MM:SS`` (UTC), or ``""``."""
    import pandas as pd  # imported when the store is read: not for `labecon --help`

    if _missing(value):
        return ""
    return f"{pd.Timestamp(value):%Y-%m-%d %H:%M:%S}"


def _missing(value: Any) -> bool:
    import pandas as pd

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


_AGE_UNITS = {"m": 60, "h": 3600, "d": 86_400, "w": 604_800}


def parse_age(text: str) -> timedelta:
    """Parse an age such as ``30d``, ``12h``, ``2w`` or ``90m``.

    Raises
    ------
    typer.BadParameter
        The text is not a number followed by m, h, d or w.
    """
    number, unit = text.strip()[:-1], text.strip()[-1:].lower()
    try:
        value = float(number)
    except ValueError:
        value = -1.0
    if unit not in _AGE_UNITS or value < 0:
        msg = f"expected an age such as 30d, 12h, 2w or 90m, got {text!r}"
        raise typer.BadParameter(msg)
    return timedelta(seconds=value * _AGE_UNITS[unit])


def runs_rm(
    run_ids: Annotated[list[str], typer.Argument(help="The ids of the runs to remove.", metavar="RUN_ID")],
    store: StoreOption = None,
) -> None:
    """Remove runs from the store: their records and their folders in it (an --out folder stays)."""
    try:
        runs_store = labecon.RunStore(store)
        for run_id in run_ids:  # every id known, and none still going, before any is removed
            manifest = runs_store.get_manifest(run_id)
            if manifest["status"] == "running":
                where = f"process {manifest.get('pid')} on {manifest.get('host')}"
                msg = f"run {run_id!r} is still running ({where}); stop it first"
                raise fail(msg)
        for run_id in run_ids:
            runs_store.delete(run_id)
    except labecon.LabeconError as exc:
        raise fail_from(exc) from None
    console.print(f"Removed {len(run_ids)} run{'s' if len(run_ids) != 1 else ''}: {', '.join(run_ids)}")


def runs_gc(
    older_than: Annotated[
        timedelta,
        typer.Option(
            help="Remove runs started longer ago than this: 30d, 12h, 2w or 90m.",
            parser=parse_age,
            metavar="AGE",
        ),
    ],
    status: Annotated[
        list[str] | None,
        typer.Option(help="Only runs of this status: done, failed or interrupted (repeatable; default all)."),
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Only list the runs that would be removed.")] = False,
    store: StoreOption = None,
) -> None:
    """Remove old runs from the store (never one still running)."""
    try:
        runs_store = labecon.RunStore(store)
        old = runs_store.old_runs(older_than, statuses=status)
        if not dry_run:
            for run_id in old:
                runs_store.delete(run_id)
    except labecon.LabeconError as exc:
        raise fail_from(exc) from None
    verb = "Would remove" if dry_run else "Removed"
    console.print(
        f"{verb} {len(old)} run{'s' if len(old) != 1 else ''} started over {_age_text(older_than)} ago."
    )
    for run_id in old:
        console.print(f"  {run_id}")


def _age_text(age: timedelta) -> str:
    days = age.total_seconds() / 86_400
    return f"{days:g} days" if days >= 1 else f"{age.total_seconds() / 3600:g} hours"
