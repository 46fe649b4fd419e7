"""``labecon compare``, ``sensitivity``, ``optimize`` and ``report``: decisions under uncertainty."""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

import labecon
from labecon.cli.options import (
    GOALS,
    SENSITIVITY_METHODS,
    BackendOption,
    ForceOption,
    JsonOption,
    ReportOption,
    SchedulerOption,
    SeedOption,
    SelectOption,
    SetOption,
    StoreOption,
    WorkersOption,
    analysis_dir,
    backend_of,
    choices,
    load_scenario,
    parse_param_range,
    parse_selection,
    parse_value,
    samples_option,
    say_if_compiling,
    split_list,
)
from labecon.cli.rendering import (
    console,
    err_console,
    fail,
    fail_from,
    output_in_words,
    plausibility_summary,
    print_comparison,
    print_optimization,
    print_sensitivity,
)
from labecon.scenario.names import reader_names

ScenarioArgument = Annotated[str, typer.Argument(help="A built-in scenario name or a YAML file.")]


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(labecon.Results.json_ready(data), indent=2) + "\n")


def _parse_variants(variant: list[str] | None) -> dict[str, dict[str, Any]] | None:
    if not variant:
        return None
    variants: dict[str, dict[str, Any]] = {}
    for v in variant:
        name, colon, patches = v.partition(":")
        overrides: dict[str, Any] = {}
        for patch in split_list(patches):
            path, eq, value = patch.partition("=")
            if not eq:
                msg = f"--variant {v!r}: expected NAME:PATH=VALUE[,PATH=VALUE...]"
                raise fail(msg)
            overrides[path.strip()] = parse_value(value)
        variants[name.strip() if colon else v.strip()] = overrides
    return variants


def _parse_groups(group: list[str] | None) -> dict[str, list[str]]:
    groups = {}
    for g in group or []:
        gname, eq, members = g.partition("=")
        if not eq:
            msg = f"--group: expected NAME=in1,in2, got {g!r}"
            raise fail(msg)
        groups[gname.strip()] = split_list(members)
    return groups


def _parse_goals(goal: list[str] | None) -> Any:
    goals: Any = None
    for g in goal or []:
        name, eq, direction = g.rpartition("=")
        if eq:
            goals = {**(goals if isinstance(goals, dict) else {}), name.strip(): direction.strip()}
        else:
            goals = direction.strip()
    return goals


def compare(
    scenario: ScenarioArgument,
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
            help="A scenario variant, NAME:PATH=VALUE with more PATH=VALUE after commas; repeat for "
            "each (needs --metric).",
            metavar="NAME:PATH=VALUE",
        ),
    ] = None,
    routes: Annotated[
        str | None,
        typer.Option(help="A lab whose routes (labs.LAB.routes) are compared on its NPV, on the same draws."),
    ] = None,
    metric: Annotated[
        list[str] | None,
        typer.Option(help="Output(s) compared across variants (repeatable; the first leads)."),
    ] = None,
    select: SelectOption = None,
    goal: Annotated[
        list[str] | None,
        typer.Option(
            help="max or min (default: min for costs, else max); METRIC=min per metric (repeatable)."
        ),
    ] = None,
    samples: Annotated[int | None, samples_option("Monte Carlo samples.")] = None,
    seed: SeedOption = None,
    sets: SetOption = None,
    group: Annotated[
        list[str] | None, typer.Option(help="An input group for EVPPI, NAME=in1,in2 (repeatable).")
    ] = None,
    evppi: Annotated[bool, typer.Option(help="Estimate EVPPI for each input.")] = True,
    out: Annotated[Path | None, typer.Option(help="Directory for comparison.json (and the report).")] = None,
    as_json: JsonOption = False,
    report: ReportOption = False,
    force: Annotated[bool, typer.Option(help="Overwrite an earlier comparison in --out.")] = False,
    backend: BackendOption = "local",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
) -> None:
    """Compare strategies, a lab's routes or scenario variants on the same random draws."""
    if sum(bool(x) for x in (strategies, outputs, variant, routes)) != 1:
        msg = (
            "name the options to compare one way: --strategies, --outputs, --routes LAB, "
            "or --variant (with --metric)"
        )
        raise fail(msg)
    try:
        sc = load_scenario(scenario, sets)
        variants = _parse_variants(variant)
        groups = _parse_groups(group)
        out_dir = analysis_dir(out, "comparison", sc.name, force)
        say_if_compiling(sc)
        with backend_of(backend, scheduler, workers) as runner, plausibility_summary(names=reader_names(sc)):
            comp = labecon.compare(
                sc,
                variants=variants,
                outputs=split_list(outputs) or None,
                strategies=split_list(strategies) or None,
                routes=routes,
                metric=metric or None,
                select=parse_selection(select),
                goal=_parse_goals(goal),
                n_samples=samples,
                seed=seed,
                evppi=evppi,
                groups=groups or None,
                backend=runner,
            )
        comp.save(out_dir)
        data = comp.to_dict()  # on screen without the paired samples the report draws
        page = labecon.write_report(out_dir) if report else None
    except labecon.LabeconError as exc:
        raise fail_from(exc) from None
    if as_json:
        _print_json(data)
        return
    whose = reader_names(sc).lab(routes) if routes else ""
    print_comparison(comp, out_dir, {name: spec.description for name, spec in sc.inputs.items()}, whose)
    if page is not None:
        console.print(f"Report: [bold]{escape(str(page))}[/]")


def sensitivity(
    scenario: ScenarioArgument,
    output: Annotated[str, typer.Argument(help="The output, e.g. saving or 'npv_fcf_usd[lab=lab_own]'.")],
    method: Annotated[
        str,
        typer.Option(help="sobol, oat (tornado/spider), pawn or delta.", **choices(SENSITIVITY_METHODS)),
    ] = "sobol",
    inputs: Annotated[
        str | None, typer.Option(help="Inputs to study, comma-separated (default: all).")
    ] = None,
    select: SelectOption = None,
    samples: Annotated[
        int | None,
        samples_option(
            "sobol: base N (a power of 2; the model runs N × (inputs + 2) times, a correlated group one "
            "input); pawn/delta: samples; "
            "oat: futures each point is averaged over (default 1)."
        ),
    ] = None,
    correlated: Annotated[
        bool,
        typer.Option(
            "--correlated/--uncorrelated",
            help="Inputs the scenario correlates: oat moves them with the one swept, sobol draws them "
            "as one group (--uncorrelated: held at medians, drawn apart).",
        ),
    ] = True,
    seed: SeedOption = None,
    sets: SetOption = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Directory for the result, a JSON file named by the method (and the report)."),
    ] = None,
    as_json: JsonOption = False,
    report: ReportOption = False,
    force: ForceOption = False,
    backend: BackendOption = "local",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
) -> None:
    """Which uncertain inputs drive an output (Sobol, tornado, or correlation-valid PAWN/delta)."""
    try:
        sc = load_scenario(scenario, sets)
        out_dir = analysis_dir(out, f"sensitivity-{method}", sc.name, force)
        say_if_compiling(sc)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", labecon.SensitivityWarning)
            # Inside: the model runs' plausibility warnings summed and said once, the others passed out.
            with (
                backend_of(backend, scheduler, workers) as runner,
                plausibility_summary(names=reader_names(sc)) as run,
            ):
                res = labecon.sensitivity(
                    sc,
                    output,
                    method=method,  # type: ignore[arg-type]
                    inputs=split_list(inputs) or None,
                    select=parse_selection(select),
                    n_samples=samples,
                    seed=seed,
                    backend=runner,
                    correlated=correlated,
                )
                run.total = res.n_evaluations  # one sample each
        data = res.to_dict()
        res.save(out_dir)
        page = labecon.write_report(out_dir) if report else None
    except labecon.LabeconError as exc:
        raise fail_from(exc) from None
    if as_json:
        _print_json(data)
        return
    for w in caught:
        text = str(w.message)
        if res.suggested_n:
            # The library speaks of its argument; here the option that sets it is --samples.
            n = res.suggested_n
            text = text.replace(f"a base sample of at least {n}", f"--samples {n}")
        err_console.print(f"[yellow]warning:[/] {escape(text)}", highlight=False)
    from labecon.report.why import input_descriptions  # SciPy's statistics: not for `labecon --help`

    described = input_descriptions(sc.model_dump(mode="json"))
    for name in res.inputs:  # a group of correlated inputs (Sobol'): its inputs' words, joined
        if " + " in name:
            described[name] = " + ".join(described.get(part, part) for part in name.split(" + "))
    said = output_in_words(output, select, reader_names(sc))
    print_sensitivity(res, method, said, out_dir, described=described, units=output_units(sc))
    if page is not None:
        console.print(f"Report: [bold]{escape(str(page))}[/]")


def output_units(scenario: labecon.Scenario) -> dict[str, str]:
    """Return each output's declared units, by name."""
    from labecon.runtime.engines import engine_for  # the model's stack: not for `labecon --help`

    return {name: info.units for name, info in engine_for(scenario).describe_outputs().items()}


def optimize(
    scenario: ScenarioArgument,
    param: Annotated[
        list[str],
        typer.Option(help="A parameter to tune: PATH=LOW:HIGH (ints give whole numbers) or PATH=A|B."),
    ],
    objective: Annotated[
        str, typer.Option(help="STAT(OUTPUT) to optimise, e.g. 'mean(npv_fcf_usd)' or 'p5(saving)'.")
    ],
    constraint: Annotated[
        list[str] | None, typer.Option(help="A limit such as 'mean(is_ruined) <= 0.05' (repeatable).")
    ] = None,
    goal: Annotated[str, typer.Option(help="max or min.", **choices(GOALS))] = "max",
    lab: Annotated[
        str | None, typer.Option(help="For outputs by lab: whose outputs count (as --select lab=NAME).")
    ] = None,
    select: SelectOption = None,
    trials: Annotated[int, typer.Option(help="Candidates to evaluate.")] = 40,
    samples: Annotated[int | None, samples_option("Samples per candidate.")] = None,
    seed: SeedOption = None,
    sets: SetOption = None,
    out: Annotated[
        Path | None, typer.Option(help="Directory for optimization.json (and the report).")
    ] = None,
    as_json: JsonOption = False,
    report: ReportOption = False,
    force: ForceOption = False,
    backend: BackendOption = "local",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
) -> None:
    """Tune strategy parameters for an objective under risk limits (common random numbers, seeded)."""
    try:
        sc = load_scenario(scenario, sets)
        out_dir = analysis_dir(out, "optimization", sc.name, force)
        say_if_compiling(sc)
        parameters = dict(parse_param_range(p) for p in param)
        lab = _lab_of(lab, parse_selection(select))
        with backend_of(backend, scheduler, workers) as runner, plausibility_summary(names=reader_names(sc)):
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
                backend=runner,
            )
        data = res.to_dict()
        res.save(out_dir)
        page = labecon.write_report(out_dir) if report else None
    except labecon.LabeconError as exc:
        raise fail_from(exc) from None
    if as_json:
        _print_json(data)
        return
    print_optimization(res, out_dir, output_units(sc))
    if page is not None:
        console.print(f"Report: [bold]{escape(str(page))}[/]")


def _lab_of(lab: str | None, selection: dict[str, str] | None) -> str | None:
    """Return the lab that --lab or --select lab=NAME picks (optimize selects by lab only)."""
    selection = dict(selection or {})
    chosen = selection.pop("lab", None)
    if selection:
        msg = f"--select: optimize picks outputs by lab only (lab=NAME), got {', '.join(selection)}"
        raise fail(msg)
    if lab is not None and chosen is not None and lab != chosen:
        msg = f"--lab {lab} and --select lab={chosen} disagree; give one"
        raise fail(msg)
    return lab if lab is not None else chosen


def report_cmd(
    run: Annotated[
        str,
        typer.Argument(
            help="A run id from the run store (see: labecon runs list), or a results folder "
            "(from run --out, compare, sensitivity, ...).",
            metavar="RUN_ID_OR_FOLDER",
        ),
    ],
    out: Annotated[
        Path | None, typer.Option(help="The HTML file (default: report.html in the run's folder).")
    ] = None,
    image: Annotated[
        list[str] | None, typer.Option(help="Also write each chart as png or svg into charts/ (repeatable).")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Write one self-contained HTML report (opens offline) of a run and its analyses."""
    try:
        folder = Path(run)
        if not folder.is_dir():
            runs = labecon.RunStore(store)
            if run not in set(runs.list_runs()["run_id"]):
                msg = f"{run!r} is neither a results folder nor a run id in the store {runs.root}"
                raise fail(msg)
            folder = runs.results_dir(run)
        page = labecon.write_report(folder, out, static=image or [])
    except labecon.LabeconError as exc:
        raise fail_from(exc) from None
    console.print(f"Report written to [bold]{escape(str(page))}[/]")
