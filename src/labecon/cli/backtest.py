"""``labecon backtest``: score a scenario's forecasts against the labs' observed history."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

import labecon
from labecon import layout
from labecon.cli.options import (
    ForceOption,
    JsonOption,
    SeedOption,
    SetOption,
    check_out_dir,
    load_scenario,
    samples_option,
    say_if_compiling,
)
from labecon.cli.rendering import console, fail, fail_from, plausibility_summary
from labecon.scenario.names import reader_names

if TYPE_CHECKING:  # the model's stack loads only when a command needs it
    from labecon.analysis.backtest import ScoredPoint

_METRICS = {
    "revenue_run_rate_usd_per_year": ("revenue run-rate, $bn/yr", 1e9),
    "compute_gw": ("compute, GW", 1.0),
}
"""Human name and display scale of each history metric (values shown in that unit)."""


def backtest(
    scenario: Annotated[str, typer.Argument(help="A world scenario: a built-in name or a YAML file.")],
    history: Annotated[
        Path | None,
        typer.Option(
            help="A history CSV with the columns lab, metric, date, value, source, reliability "
            "(default: labecon's)."
        ),
    ] = None,
    samples: Annotated[int | None, samples_option("Monte Carlo samples.")] = None,
    seed: SeedOption = None,
    sets: SetOption = None,
    as_json: JsonOption = False,
    report: Annotated[
        bool, typer.Option(help="Also write report.html: a fan chart per lab and metric with the history.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option(help="Directory for report.html and backtest.json (with --report).")
    ] = None,
    force: ForceOption = False,
) -> None:
    """Score a scenario's forecasts against the labs' observed history (PIT, 50%/90% bands, CRPS)."""
    try:
        sc = load_scenario(scenario, sets)
        if report and out is not None:  # refused before anything is computed
            _check_report_dir(out, force)
        say_if_compiling(sc)
        with plausibility_summary(names=reader_names(sc)):
            res = labecon.backtest(sc, history, n_samples=samples, seed=seed)
        page = None
        if report:
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            out_dir = out or layout.store_root() / f"backtest-{res.scenario}-{stamp}"
            page = labecon.write_backtest_report(res, out_dir / "report.html")
            (out_dir / "backtest.json").write_text(
                json.dumps(labecon.Results.json_ready(res.to_json()), indent=1) + "\n", encoding="utf-8"
            )
    except labecon.LabeconError as exc:
        raise fail_from(exc) from None
    except OSError as exc:
        msg = f"cannot write the report to {exc.filename or out}: {exc.strerror or exc}"
        raise fail(msg) from None
    if as_json:
        sys.stdout.write(json.dumps(labecon.Results.json_ready(res.to_json()), indent=2) + "\n")
        return
    _print_backtest(res)
    if page is not None:
        console.print(f"Report: [bold]{page}[/]")


def _check_report_dir(out: Path, force: bool) -> None:
    """Refuse an ``--out`` that cannot hold the report, or holds one already (without ``--force``)."""
    check_out_dir(out)
    held = [name for name in ("report.html", "backtest.json") if (out / name).exists()]
    if held and not force:
        msg = f"--out: {out} already holds {' and '.join(held)}; choose another --out or pass --force"
        raise fail(msg)


def _print_backtest(res: labecon.BacktestResult) -> None:
    console.print(
        f"[bold]Backtest of {escape(res.scenario)}[/]: observed values against the model "
        f"({res.n_samples:,} samples, seed {res.seed})"
    )
    # One table per lab and metric, named in its title: its columns fit in 80 characters.
    groups: dict[tuple[str, str], list[ScoredPoint]] = {}
    for p in res.points:
        groups.setdefault((p.lab, p.metric), []).append(p)
    for (lab, metric), points in groups.items():
        label, scale = _METRICS.get(metric, (metric, 1.0))
        table = Table(title=escape(f"{res.lab_name(lab)}: {label}"), title_justify="left")
        for col in ("date", "value", "p5", "p50", "p95", "PIT", "in 90%", "CRPS", "rel."):
            table.add_column(col, justify="left" if col == "date" else "right", no_wrap=True)
        for p in points:
            table.add_row(
                p.date.isoformat(),
                *(f"{v / scale:.3g}" for v in (p.value, p.p5, p.p50, p.p95)),
                f"{p.quantile:.2f}",
                "yes" if p.in_band_90 else "[red]no[/]",
                f"{p.crps / scale:.3g}",
                p.reliability,
            )
        console.print(table)
    counts = {m: sum(p.metric == m for p in res.points) for m in res.metrics}
    for metric, share in res.coverage(0.9).items():
        label = _METRICS.get(metric, (metric, 1.0))[0].split(",")[0]
        console.print(f"90% band coverage, {label}: {share:.0%} of {counts[metric]} observations")
    for line in res.said_unscored():
        console.print(f"[yellow]not scored:[/] {line}", highlight=False)
