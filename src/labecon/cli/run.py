"""``labecon run``: run a scenario, record it in the run store, write and show its results."""

from __future__ import annotations

import json
import shutil
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Annotated, Any

import typer

import labecon
from labecon import layout
from labecon.cli.options import (
    KEEP_CHOICES,
    QUANTILE_CHOICES,
    BackendOption,
    SchedulerOption,
    SeedOption,
    SetOption,
    WorkersOption,
    check_out_dir,
    choices,
    load_scenario,
    parse_count,
    samples_option,
    say_if_compiling,
)
from labecon.cli.progress import LazyProgress
from labecon.cli.rendering import err_console, fail, fail_from, plausibility_summary, print_run
from labecon.scenario.loader import load_quietly
from labecon.scenario.names import reader_names
from labecon.scenario.yaml_text import load_yaml
from labecon.types import EngineName


def run(
    scenario: Annotated[
        str | None, typer.Argument(help="A built-in scenario name or a YAML file (not with --resume).")
    ] = None,
    samples: Annotated[int | None, samples_option("Monte Carlo samples (default: the scenario's).")] = None,
    seed: SeedOption = None,
    sets: SetOption = None,
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
    engine: Annotated[
        str,
        typer.Option(help="How the quarters are computed: auto, numpy or numba.", **choices(EngineName)),
    ] = "auto",
    keep_paths: Annotated[
        bool,
        typer.Option(
            help="Also keep the quarter-by-quarter paths: a world's statements, capacity, capability and "
            "market by lab; a compute scenario's costs by line for each strategy."
        ),
    ] = False,
    keep: Annotated[
        str,
        typer.Option(
            help="Per-sample values to keep: auto (up to 1e6 samples), outputs or summary.",
            **choices(KEEP_CHOICES),
        ),
    ] = "auto",
    quantiles: Annotated[
        str,
        typer.Option(
            help="auto, exact (keeps every value) or sketch (bounded memory).",
            **choices(QUANTILE_CHOICES),
        ),
    ] = "auto",
    backend: BackendOption = "local",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    resume: Annotated[
        str | None, typer.Option(help="Resume an interrupted run from its checkpoints, by run id.")
    ] = None,
    store: Annotated[
        Path | None, typer.Option(help="Run store directory (default: labecon-results/ or $LABECON_STORE).")
    ] = None,
    report: Annotated[bool, typer.Option(help="Also write report.html beside the results.")] = False,
    fmt: Annotated[
        list[str] | None,
        typer.Option(
            "--format", help="Also write the results as xlsx: a workbook of every table, inputs and sources."
        ),
    ] = None,
    target_se: Annotated[
        float | None,
        typer.Option(help="Add samples (same seed, nested) until the --target-stat SEs reach this."),
    ] = None,
    target_stat: Annotated[
        list[str] | None,
        typer.Option(help="OUTPUT.STAT whose SE --target-se bounds, e.g. saving.mean (default: every mean)."),
    ] = None,
    relative: Annotated[bool, typer.Option(help="--target-se is relative to each statistic's size.")] = False,
    max_samples: Annotated[
        int, typer.Option(help="Upper limit of samples for --target-se.", parser=parse_count, metavar="N")
    ] = 10_000_000,
) -> None:
    """Run a scenario, record it in the run store and write its results."""
    try:
        runs = labecon.RunStore(store)
        unknown = sorted(set(fmt or []) - {"xlsx"})
        if unknown:
            msg = f"--format: unknown format {', '.join(unknown)}; expected xlsx (the rest is always written)"
            raise fail(msg)
        if resume is not None:
            sc, opts = _resumed(runs, resume, scenario, out)
            run_id = resume
        else:
            if scenario is None:
                msg = "name a scenario to run (see: labecon scenarios list), or --resume RUN_ID"
                raise fail(msg)
            sc = load_scenario(scenario, sets)
            if target_se is not None:
                samples = _samples_for_target(
                    sc, target_se, target_stat, relative, seed, max_samples, samples
                )
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
        # Refuse before computing, so nothing is lost and no time is wasted.
        if out is not None:
            check_out_dir(out)
            if not force:
                labecon.Results.check_writable(out)
        # Made here, not inside simulate(), so the progress display can show each worker.
        pool = labecon.make_backend(backend, scheduler, workers)  # type: ignore[arg-type]
        if resume is None:
            provenance = {
                "scenario": sc.name,
                "seed": seed if seed is not None else sc.run.seed,
                "n_samples": samples if samples is not None else sc.run.n_samples,
                "backend": backend,
                "n_workers": workers or (1 if backend == "local" else None),
                "chunk_size": chunk_size,
                "labecon_version": labecon.__version__,
                "started": datetime.now(UTC).isoformat(),
                "options": opts,
            }
            run_id = runs.start_run(provenance, labecon.dump_scenario(sc), out_dir=out)
        say_if_compiling(sc, str(opts.get("engine") or "auto"))
        results = _simulate_recorded(runs, run_id, sc, pool, resumed=resume is not None, opts=opts)
        out_dir = runs.finish_run(run_id, results, force=force, workbook="xlsx" in (fmt or []))
        # Only an unfinished run needs its checkpoints.
        shutil.rmtree(runs.run_dir(run_id) / layout.CHECKPOINT_DIR, ignore_errors=True)
        written = [out_dir / name for name in layout.RESULT_FILES if (out_dir / name).is_file()]
    except labecon.LabeconError as exc:
        raise fail_from(exc) from None
    # The results are safe on disk: a report that cannot be written must not hide them.
    report_error = None
    if report:
        try:
            written.extend(_save_route_drivers(sc, results, out_dir))
            written.append(labecon.write_report(out_dir))
        except labecon.LabeconError as exc:
            report_error = exc
    if as_json:
        data = labecon.Results.json_ready(_json_report(results, out_dir, run_id))
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        print_run(results, out_dir, written, run_id)
    if report_error is not None:
        msg = f"--report: {report_error}"
        raise fail(msg)


def _resumed(
    runs: labecon.RunStore, run_id: str, scenario: str | None, out: Path | None
) -> tuple[labecon.Scenario, dict[str, Any]]:
    """Return the scenario and options of an unfinished run, claimed by this process to finish it."""
    if scenario is not None:
        msg = "give either a scenario or --resume RUN_ID, not both"
        raise fail(msg)
    if out is not None:
        msg = "--out: a resumed run writes where it was started to; leave --out out"
        raise fail(msg)
    manifest = runs.get_manifest(run_id)
    runs.claim(run_id)
    sc = load_quietly(load_yaml(runs.scenario_yaml(run_id)))  # warned of when it first ran
    return sc, dict(manifest["options"])


def _simulate_recorded(
    runs: labecon.RunStore,
    run_id: str,
    sc: labecon.Scenario,
    pool: Any,
    *,
    resumed: bool,
    opts: dict[str, Any],
) -> labecon.Results:
    """Run the simulation with a progress bar, leaving the store's record right however it ends.

    Ctrl-C or SIGTERM: ``interrupted`` (resumable). An error before the first
    checkpoint: no trace of the new run. A later error: ``failed``.
    """
    bar = LazyProgress(f"{sc.name}", workers=getattr(pool, "worker_progress", None))
    try:
        with _termination_as_interrupt(), plausibility_summary(names=reader_names(sc)) as said:
            results = labecon.simulate(
                sc,
                backend=pool,
                checkpoint_dir=runs.run_dir(run_id) / layout.CHECKPOINT_DIR,
                resume=resumed,
                progress=bar,
                **opts,
            )
            if not resumed:  # a resumed run computes, and warns of, only the samples left
                said.total = results.n_samples
    except KeyboardInterrupt:
        runs.mark(run_id, "interrupted")
        bar.close()
        err_console.print(f"interrupted: resume with [bold]labecon run --resume {run_id}[/]")
        raise typer.Exit(130) from None
    except labecon.LabeconError:
        state = runs.run_dir(run_id) / layout.CHECKPOINT_DIR / layout.CHECKPOINT_STATE
        if not resumed and not state.exists():
            runs.delete(run_id)
        else:
            runs.mark(run_id, "failed")
        raise
    else:
        return results
    finally:
        bar.close()
        pool.close()


@contextmanager
def _termination_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM (``kill``, a job scheduler's stop) like Ctrl-C, so the run is left resumable."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can be set only from the main thread
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _json_report(results: labecon.Results, out_dir: Path, run_id: str) -> dict[str, Any]:
    report: dict[str, Any] = {}
    if results.routes:  # the answer first: lab -> route -> figures
        report["routes"] = results.routes
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
    bar = LazyProgress(f"{sc.name}: sizing to SE {target_se:g}")
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


def _save_route_drivers(sc: labecon.Scenario, results: labecon.Results, out_dir: Path) -> list[Path]:
    """Save what moves each route answer beside a run whose labs name other routes, for its report (~1 s)."""
    from labecon.analysis.drivers import has_alternative_routes  # the model's stack: not for `labecon --help`

    if not has_alternative_routes(sc):
        return []
    with plausibility_summary("the sweep's points of what moves the route answer", reader_names(sc)):
        return [labecon.route_drivers(sc, seed=int(results.manifest["seed"])).save(out_dir)]
