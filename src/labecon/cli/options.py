"""Options several commands share, declared once, and the parsers of their text."""

from __future__ import annotations

import json
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Protocol, TypeVar, get_args

import typer
from rich.markup import escape

import labecon
from labecon import layout
from labecon.cli.rendering import console, err_console, fail, fail_from, plausibility_summary
from labecon.scenario.names import reader_names
from labecon.scenario.yaml_text import load_yaml
from labecon.types import BackendName

SENSITIVITY_METHODS = ("sobol", "oat", "pawn", "delta")
"""The methods of ``labecon.sensitivity`` (its ``method``), offered at the command line."""
KEEP_CHOICES = ("auto", "outputs", "summary")
QUANTILE_CHOICES = ("auto", "exact", "sketch")
GOALS = ("max", "min")


def choices(values: tuple[str, ...] | Any) -> dict[str, Any]:
    """Return Typer option settings that accept only these strings (or a ``Literal`` alias's values).

    A wrong value is refused before anything runs, with the valid ones listed.
    """
    allowed = tuple(values if isinstance(values, tuple) else get_args(values))

    def parse(text: str) -> str:
        if text not in allowed:
            msg = f"{text!r} is not one of: {', '.join(allowed)}"
            raise typer.BadParameter(msg)
        return text

    return {"parser": parse, "metavar": "|".join(allowed).upper()}


SeedOption = Annotated[int | None, typer.Option(help="Random seed (default: the scenario's).")]
BackendOption = Annotated[str, typer.Option(help="local (this process) or dask.", **choices(BackendName))]
SchedulerOption = Annotated[
    str | None, typer.Option(help="Dask scheduler address (default: start a local cluster).")
]
WorkersOption = Annotated[
    int | None, typer.Option(help="Dask worker processes of the local cluster (default 2).")
]
CorrelatedOption = Annotated[
    bool,
    typer.Option(
        "--correlated/--uncorrelated",
        help="Move the inputs the scenario correlates with one set (or leave them as they were).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print only a JSON object on stdout.")]
ReportOption = Annotated[bool, typer.Option(help="Also write report.html into the output directory.")]
ForceOption = Annotated[bool, typer.Option(help="Overwrite an earlier result in --out.")]
SelectOption = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        help="Pick one element of an output with dims, e.g. lab=NAME (repeatable; or OUTPUT[lab=NAME]).",
    ),
]
StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="The run store's directory (default: $LABECON_STORE, else labecon-results/).",
        show_default=False,
    ),
]


def parse_count(text: str) -> int:
    """Parse a sample count as a whole number, also written ``1e5`` or ``100_000``.

    Raises
    ------
    typer.BadParameter
        The text is not a whole number of at least 1.
    """
    if isinstance(text, int):
        return text
    try:
        value = float(str(text).replace("_", "").replace(",", ""))
    except ValueError:
        msg = f"expected a whole number such as 100000 or 1e5, got {text!r}"
        raise typer.BadParameter(msg) from None
    if not value.is_integer() or value < 1:
        msg = f"expected a whole number of at least 1, got {text!r}"
        raise typer.BadParameter(msg)
    return int(value)


def samples_option(help_text: str) -> Any:
    """Return the ``--samples``/``-n`` option, which takes ``100000`` or ``1e5``."""
    return typer.Option("--samples", "-n", help=help_text, parser=parse_count, metavar="N")


SET_EXAMPLES = (
    "Override examples (--set): --set risks.chip_shortage.probability=1 "
    '--set "inputs.g_api.ci90=[1.0,3.0]" --set finance.compute_priced_at=signing'
)
"""Shown below the options of each command that takes ``--set``: at full width, so never cut."""

SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override any field or input: PATH=VALUE, repeatable; the value is read as YAML "
        "(examples below).",
        metavar="PATH=VALUE",
    ),
]


def load_scenario(source: str, sets: list[str] | None = None) -> labecon.Scenario:
    """Load a scenario as the public API does, with ``--set`` overrides, and warn of implausible values.

    Raises
    ------
    labecon.ScenarioError
        The scenario is malformed, or an override names no field or sets a bad value.
    """
    from labecon.scenario.plausibility import plausibility_warnings

    with warnings.catch_warnings():
        # Said once below, for the scenario with its overrides, in the CLI's own words.
        warnings.simplefilter("ignore", labecon.ImplausibleValueWarning)
        scenario = labecon.load_scenario(source)
        if sets:
            try:
                overrides = dict(labecon.parse_override(text) for text in sets)
            except labecon.ScenarioError as exc:  # a malformed PATH=VALUE: name the option
                where = "--set" if exc.path == "overrides" else exc.path
                raise labecon.ScenarioError(exc.problem, where) from None
            scenario = labecon.with_overrides(scenario, overrides)
    for warning in plausibility_warnings(scenario.model_dump(mode="json")):
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)
    return scenario


def say_if_compiling(scenario: labecon.Scenario, engine: str = "auto") -> None:
    """Say on standard error, as a run starts, if it compiles the model first (the first run on a machine).

    ``engine`` is the run's (``--engine``): the NumPy path compiles only the sampler, a few seconds.
    """
    from labecon.runtime.compiled import compiled_code_cached
    from labecon.runtime.run import resolve_engine

    model = resolve_engine(engine) == "numba"  # type: ignore[arg-type]
    if not compiled_code_cached(scenario, model=model):
        longer = "about twenty seconds" if model else "a few seconds"
        err_console.print(
            f"[dim]Compiling the model for this machine first: this run takes {longer} "
            "longer (once; later runs load the compiled code).[/]",
            highlight=False,
            soft_wrap=True,
        )


class _Plain(Protocol):
    def to_dict(self) -> dict[str, Any]: ...

    def save(self, directory: str | Path) -> Path: ...


_Result = TypeVar("_Result", bound=_Plain)


@contextmanager
def backend_of(backend: str, scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """Make the backend the options name (``labecon.make_backend``) for the block; close it after.

    Made once, so that every run of an analysis shares it (a Dask cluster starts once).
    """
    runner = labecon.make_backend(backend, scheduler, workers)  # type: ignore[arg-type]
    try:
        yield runner
    finally:
        runner.close()


def rerun_and_show(
    source: str,
    sets: list[str] | None,
    rerun: str,
    compute: Callable[..., _Result],
    show: Callable[[_Result], None],
    *,
    samples: int | None,
    seed: int | None,
    as_json: bool,
    backend: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    saved_as: str,
    out: Path | None = None,
    force: bool = False,
    report: bool = False,
) -> None:
    """Run a scenario again and again on the same futures, save the result, then print it (or its JSON).

    ``compute`` is the public API's function (``labecon.conventions``, ``labecon.deal_values``),
    called as ``compute(scenario, n_samples=, seed=, backend=, progress=)``; each ``rerun``
    (``"variant"``, ``"run"``) is said as it starts, unless the answer is JSON. The backend
    (``labecon.make_backend``) serves every rerun: a Dask cluster starts once. The result is
    saved as the analysis ``saved_as`` (its JSON and CSV) into ``out`` (or a fresh folder of the
    run store), which is refused before anything runs if it holds one and ``force`` is not
    given; with ``report``, a report of that folder beside it. An error names its field.
    """

    def say(i: int, count: int, label: str) -> None:
        err_console.print(f"[dim]{rerun} {i} of {count}: {label}[/]")

    try:
        scenario = load_scenario(source, sets)
        out_dir = analysis_dir(out, saved_as, scenario.name, force)
        say_if_compiling(scenario)
        summed = plausibility_summary(f"the {rerun}s", reader_names(scenario))
        with backend_of(backend, scheduler, workers) as runner, summed:
            result = compute(
                scenario, n_samples=samples, seed=seed, backend=runner, progress=None if as_json else say
            )
        result.save(out_dir)
        page = labecon.write_report(out_dir) if report else None
    except labecon.LabeconError as exc:
        raise fail_from(exc) from None
    show_saved(result, lambda: show(result), out_dir, page, as_json=as_json)


def show_saved(
    result: Any, show: Callable[[], None], out_dir: Path, page: Path | None, *, as_json: bool
) -> None:
    """Print an analysis saved in ``out_dir`` (or only its JSON), then where it went and its report."""
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
        return
    show()
    console.print(f"Written to [bold]{escape(str(out_dir))}[/]")
    if page is not None:
        console.print(f"Report: [bold]{escape(str(page))}[/]")


def split_list(text: str | None) -> list[str]:
    """Return the comma-separated items of ``text``, stripped, empty ones dropped."""
    return [t.strip() for t in text.split(",") if t.strip()] if text else []


def parse_value(text: str) -> Any:
    """Parse an override or choice the way YAML would (numbers, booleans, names)."""
    return load_yaml(text) if text.strip() else text


def parse_selection(items: list[str] | None) -> dict[str, str] | None:
    """Return ``--select DIM=LABEL`` items as a mapping, or None when there are none."""
    out: dict[str, str] = {}
    for item in items or []:
        dim, eq, label = item.partition("=")
        if not eq:
            msg = f"--select: expected DIM=LABEL, got {item!r}"
            raise fail(msg)
        out[dim.strip()] = label.strip()
    return out or None


def parse_param_range(text: str) -> tuple[str, Any]:
    """Return ``--param PATH=LOW:HIGH`` or ``PATH=A|B|C`` as (path, range or choices)."""
    path, eq, spec = text.partition("=")
    if not eq:
        msg = f"--param: expected PATH=LOW:HIGH or PATH=A|B|C, got {text!r}"
        raise fail(msg)
    if "|" in spec:
        return path.strip(), [parse_value(v) for v in spec.split("|")]
    low, colon, high = spec.partition(":")
    lo, hi = parse_value(low), parse_value(high)
    if not colon or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lo, hi)):
        msg = f"--param: expected PATH=LOW:HIGH (numbers) or PATH=A|B|C, got {text!r}"
        raise fail(msg)
    return path.strip(), (lo, hi)


def analysis_dir(out: Path | None, kind: str, scenario_name: str, force: bool) -> Path:
    """Return the directory an analysis writes to, refusing to overwrite without --force.

    Without ``--out``, a fresh folder beside the runs of the run store.
    """
    if out is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        base = layout.store_root() / f"{kind}-{scenario_name}-{stamp}"
        out, i = base, 1
        while out.exists():
            i += 1
            out = Path(f"{base}-{i}")
    else:
        check_out_dir(out)
    for target in (out / layout.analysis_file(kind), out / layout.analysis_table(kind)):
        if target.exists() and not force:
            msg = f"{target} exists; choose another --out or pass --force"
            raise fail(msg)
    return out


def check_out_dir(out: Path) -> None:
    """Refuse ``--out`` before anything is computed if no results could be written there.

    ``out`` must be a folder, or a path that can become one: its nearest existing
    ancestor is a folder in which a folder can be made (tried, and removed at once).
    Nothing else is created.
    """
    existing = next(p for p in (out, *out.parents) if p.exists())
    if not existing.is_dir():
        where = "exists and" if existing == out else f"lies under {existing}, which"
        msg = f"--out: {out} {where} is not a folder"
        raise fail(msg)
    try:
        with tempfile.TemporaryDirectory(dir=existing, prefix=".labecon-"):
            pass
    except OSError as exc:
        msg = f"--out: cannot write into {existing}: {exc.strerror or exc}"
        raise fail(msg) from None
