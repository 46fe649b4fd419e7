"""Time benchmark B1 on one core: labecon's engine against plain NumPy.

Usage (from the repository root)::

    python -m benchmarks                      # sizes S, M, L
    python -m benchmarks --sizes S,M --markdown
    python -m benchmarks --xl                 # adds XL, N = 1e8
    python -m benchmarks --sizes M --cases two-strategies --against REV   # in turns with REV

Each (implementation, size) measurement runs in a fresh child process,
``python -m benchmarks.run --child CASE N SEED``, so that its peak resident
memory (``ru_maxrss``) is its own. The child imports its implementation, runs
a small warm-up call (so a JIT compilation is not timed; ``--cold`` skips
it), notes its resident memory, times one end-to-end call (draws, simulation
and the summaries of Benchmark B1: build vs rent, labecon benchmark
specification), and prints one JSON line. The parent keeps the fastest of
``--repeat`` children and prints a table.
"""

from __future__ import annotations

import os

# One core: set before NumPy (or anything that loads a BLAS or Numba) is
# imported, here and, by inheritance, in every child.
for _var in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "NUMBA_NUM_THREADS",
):
    os.environ[_var] = "1"

import argparse  # noqa: E402 (after the thread limits above, on purpose)
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Mapping, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Final  # noqa: E402

SIZES: Final[dict[str, int]] = {
    "S": 10_000,
    "M": 100_000,
    "L": 1_000_000,
    "L10": 10_000_000,
    "XL": 100_000_000,
}
"""B1's sizes (number of samples), and L10 = 1e7, where the foundation's memory target is set."""

CASES: Final[tuple[str, ...]] = ("labecon", "numpy-chunked", "numpy-straightforward")
"""The B1 cases run by default."""

EXTRA_CASES: Final[tuple[str, ...]] = (
    "labecon-dask1",
    "labecon-dask2",
    "two-strategies",
    "two-strategies-declared",
    "route-choice",
    "route-choice-warm",
)
"""Cases run only when asked (``--cases``): B1 on a Dask LocalCluster of 1 or 2
workers (peak memory is the largest of the client's and every worker's), and
the world model at 40 quarters: two-strategies with its route counterfactuals
(six world runs per block: the declared routes and five alternatives), the
same with the declared strategies only (one world run: the engine alone), and
route-choice with its four routes, in a new process and in one that has run
it before (as the dashboard's workers have)."""

WARM_CASES: Final[frozenset[str]] = frozenset({"route-choice-warm"})
"""Cases whose child also runs the timed call's size once, untimed, before timing it: the
steady state of a long-lived process (a process's first large run pays once for its memory
pages and Python's first full garbage collection)."""
"""Implementations measured, in table order."""

CASE_LABELS: Final[dict[str, str]] = {
    "labecon": "labecon engine",
    "numpy-chunked": "NumPy chunked in-place",
    "numpy-straightforward": "NumPy straightforward",
    "labecon-dask1": "labecon, Dask 1 worker",
    "labecon-dask2": "labecon, Dask 2 workers",
    "two-strategies": "labecon two-strategies, with its routes",
    "two-strategies-declared": "labecon two-strategies, declared strategies only",
    "route-choice": "labecon route-choice, four routes",
    "route-choice-warm": "labecon route-choice, four routes, run before in the process",
}

STRAIGHTFORWARD_MAX_N: Final = 1_000_000
"""Largest N for the straightforward transcription (~3 KiB per sample in memory)."""

WARMUP_N: Final = 2_000
"""Samples of the untimed warm-up call in each child."""

REPO_ROOT: Final = Path(__file__).resolve().parent.parent
"""The repository root, the children's working directory."""


@dataclass(frozen=True)
class Measurement:
    """One child's report, or why there is none.

    Attributes
    ----------
    case : str
        Implementation, one of :data:`CASES`.
    n : int
        Samples.
    seconds : float or None
        Wall time of the timed end-to-end call, s.
    peak_rss_mib : float or None
        The child's peak resident memory (``ru_maxrss``), MiB.
    baseline_rss_mib : float or None
        The child's resident memory after imports and warm-up, before the timed call, MiB.
    summary : dict or None
        B1's summaries as the implementation reported them (USD, probability).
    note : str or None
        Why there is no timing ("skipped (memory)", "not available (...)", an error).
    """

    case: str
    n: int
    seconds: float | None = None
    peak_rss_mib: float | None = None
    baseline_rss_mib: float | None = None
    summary: dict[str, Any] | None = None
    note: str | None = None

    @property
    def samples_per_second(self) -> float | None:
        """Samples per second of the timed call, or None without a timing."""
        if self.seconds is None or self.seconds <= 0.0:
            return None
        return self.n / self.seconds


# ------------------------------------------------------------------ the child


def _current_rss_mib() -> float:
    """Return this process's resident set size now, MiB (Linux ``/proc``)."""
    statm = Path("/proc/self/statm").read_text().split()
    return int(statm[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_rss_mib() -> float:
    """Return this process's peak resident set size, MiB (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _jsonable(value: Any) -> Any:  # summaries of unknown type are converted
    """Convert a summary object to JSON-serialisable data, best effort."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    for method in ("to_dict", "tolist", "item"):
        if hasattr(value, method):
            try:
                return _jsonable(getattr(value, method)())
            except (TypeError, ValueError):
                continue
    return str(value)


_DASK_BACKENDS: list[Any] = []
"""Dask backends started by this child, so their workers' memory can be read."""


def _workers_peak_rss_mib() -> float:
    """Return the largest peak resident memory among this child's Dask workers, MiB (0 if none)."""
    peak = 0.0
    for backend in _DASK_BACKENDS:
        rss = backend.client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        peak = max(peak, *(v / 1024 for v in rss.values()))
    return peak


def _runner(case: str, seed: int) -> Callable[[int], Any]:
    """Import implementation ``case`` and return ``run(n) -> summary``.

    Raises
    ------
    ValueError
        If ``case`` is unknown.
    """
    if case == "labecon":
        import labecon  # imported only in the child that measures it

        scenario = labecon.load_scenario("b1")

        def run_labecon(n: int) -> Any:  # labecon's summary type
            return labecon.simulate(scenario, n_samples=n, seed=seed, keep="summary").summary()

        return run_labecon
    if case.startswith("labecon-dask"):
        import labecon

        scenario = labecon.load_scenario("b1")
        backend = labecon.DaskBackend(n_workers=int(case.removeprefix("labecon-dask")))
        _DASK_BACKENDS.append(backend)

        def run_dask(n: int) -> Any:
            return labecon.simulate(
                scenario, n_samples=n, seed=seed, keep="summary", backend=backend
            ).summary()

        # Every worker loads its compiled kernels on its first task: give each a few
        # (tasks are whole groups of 65,536 samples) before anything is timed, in a
        # run small enough not to set the peak memory of the run that is measured.
        run_dask(2 * 65_536 * backend.n_workers)
        return run_dask
    if case in ("two-strategies", "two-strategies-declared", "route-choice", "route-choice-warm"):
        import labecon
        from labecon.scenario.schema import WorldScenario, as_kind

        world = labecon.load_scenario("two-strategies" if case.startswith("two-") else "route-choice")
        as_world = as_kind(world, WorldScenario)
        if case == "two-strategies-declared" and as_world is not None:
            labs = {name: lab.model_copy(update={"routes": {}}) for name, lab in as_world.labs.items()}
            world = as_world.model_copy(update={"labs": labs})

        def run_world(n: int) -> Any:
            return labecon.simulate(world, n_samples=n, seed=seed, keep="summary").summary()

        return run_world
    from benchmarks import b1_numpy  # keeps the parent free of the kernels

    if case == "numpy-chunked":
        return lambda n: b1_numpy.run_chunked_inplace(n, seed)
    if case == "numpy-straightforward":
        return lambda n: b1_numpy.run_straightforward(n, seed)
    msg = f"unknown case {case!r}; expected one of {', '.join(CASES)}"
    raise ValueError(msg)


def child_main(case: str, n: int, seed: int, *, warmup: bool = True) -> dict[str, Any]:
    """Measure one end-to-end call in this process and return the report.

    Parameters
    ----------
    case : str
        Implementation, one of :data:`CASES`.
    n : int
        Samples of the timed call.
    seed : int
        Seed passed to the implementation.
    warmup : bool
        Run an untimed call of :data:`WARMUP_N` samples first (JIT compilation), and for
        :data:`WARM_CASES` one of the timed size.

    Returns
    -------
    dict[str, Any]
        ``seconds``, ``peak_rss_mib``, ``baseline_rss_mib``, ``summary``; or
        ``error`` and ``error_stage`` ("import" or "run") when the
        implementation could not be imported or failed.
    """
    report: dict[str, Any] = {"case": case, "n": n, "seed": seed}
    try:
        run = _runner(case, seed)
    except Exception as exc:  # an import failure is reported, not raised, to the parent
        report["error"] = f"{type(exc).__name__}: {exc}"
        report["error_stage"] = "import"
        return report
    try:
        if warmup:
            run(min(n, WARMUP_N))
            if case in WARM_CASES:
                run(n)
        report["baseline_rss_mib"] = _current_rss_mib()
        start = time.perf_counter()
        summary = run(n)
        report["seconds"] = time.perf_counter() - start
        # ru_maxrss and /proc's VmRSS count pages slightly differently: the peak is at
        # least the current size whichever way it is counted.
        report["peak_rss_mib"] = max(_peak_rss_mib(), _current_rss_mib(), report["baseline_rss_mib"])
        if _DASK_BACKENDS:
            report["peak_rss_mib"] = max(report["peak_rss_mib"], _workers_peak_rss_mib())
            for backend in _DASK_BACKENDS:
                backend.close()
        report["summary"] = _jsonable(summary)
    except Exception as exc:  # any failure is reported, not raised, to the parent
        report["error"] = f"{type(exc).__name__}: {exc}"
        report["error_stage"] = "run"
    return report


# ----------------------------------------------------------------- the parent


def measure(case: str, n: int, seed: int, *, warmup: bool = True, root: Path = REPO_ROOT) -> Measurement:
    """Run one child process for ``case`` at ``n`` samples and parse its report.

    Parameters
    ----------
    case : str
        Implementation, one of :data:`CASES`.
    n : int
        Samples.
    seed : int
        Seed.
    warmup : bool
        Whether the child warms up before the timed call.
    root : Path
        The tree whose ``src`` and ``benchmarks`` the child runs (another commit's, in turns).

    Returns
    -------
    Measurement
        The child's numbers, or a note with its error.
    """
    env = dict(os.environ)
    paths = [str(root / "src"), str(root)]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    cmd = [sys.executable, "-m", "benchmarks.run", "--child", case, str(n), str(seed)]
    if not warmup:
        cmd.append("--cold")
    proc = subprocess.run(  # our own interpreter and module, fixed arguments
        cmd, cwd=root, env=env, capture_output=True, text=True, check=False
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return Measurement(case, n, note=f"failed (exit {proc.returncode}: {tail})")
    report = json.loads(lines[-1])
    if "error" in report:
        status = "not available" if report.get("error_stage") == "import" else "failed"
        return Measurement(case, n, note=f"{status} ({report['error']})")
    return Measurement(
        case,
        n,
        seconds=float(report["seconds"]),
        peak_rss_mib=float(report["peak_rss_mib"]),
        baseline_rss_mib=float(report["baseline_rss_mib"]),
        summary=report.get("summary"),
    )


def best_of(case: str, n: int, seed: int, repeat: int, *, warmup: bool = True) -> Measurement:
    """Return the fastest of ``repeat`` fresh-child measurements.

    The peak memory reported is the largest over the repeats (memory use
    hardly varies; the largest is the safe figure to plan with).

    Parameters
    ----------
    case : str
        Implementation, one of :data:`CASES`.
    n : int
        Samples.
    seed : int
        Seed (the same for every repeat).
    repeat : int
        Number of children, at least 1.
    warmup : bool
        Whether each child warms up before the timed call.

    Returns
    -------
    Measurement
        The fastest run, with the largest peak RSS; or the first note if any run fails.
    """
    runs: list[Measurement] = []
    for _ in range(max(1, repeat)):
        result = measure(case, n, seed, warmup=warmup)
        if result.seconds is None:
            return result
        runs.append(result)
    fastest = min(runs, key=lambda m: m.seconds if m.seconds is not None else float("inf"))
    peak = max(m.peak_rss_mib for m in runs if m.peak_rss_mib is not None)
    return Measurement(
        case,
        n,
        seconds=fastest.seconds,
        peak_rss_mib=peak,
        baseline_rss_mib=fastest.baseline_rss_mib,
        summary=fastest.summary,
    )


def machine_info() -> dict[str, str]:
    """Describe this machine: platform, CPU model, cores, Python and NumPy versions."""
    import numpy as np  # after the thread limits; only for its version

    cpu = platform.processor() or "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "threads": "1 (OMP/OPENBLAS/MKL/NUMEXPR/NUMBA_NUM_THREADS=1)",
    }


def run_benchmarks(
    sizes: Sequence[str],
    *,
    seed: int = 1,
    repeat: int | None = None,
    cases: Sequence[str] = CASES,
    warmup: bool = True,
    progress: Callable[[str], None] | None = None,
) -> list[tuple[str, Measurement]]:
    """Measure every case at every size.

    Parameters
    ----------
    sizes : Sequence[str]
        Keys of :data:`SIZES`.
    seed : int
        Seed of every run.
    repeat : int or None
        Children per measurement (best of); None means 3 below 1e6 samples, else 1.
    cases : Sequence[str]
        Implementations, from :data:`CASES`.
    warmup : bool
        Whether each child warms up before the timed call.
    progress : Callable[[str], None] or None
        Called with a short message before each measurement.

    Returns
    -------
    list[tuple[str, Measurement]]
        ``(size, measurement)`` in size then case order.
    """
    results: list[tuple[str, Measurement]] = []
    unavailable: dict[str, str] = {}
    for size in sizes:
        n = SIZES[size]
        reps = repeat if repeat is not None else (3 if n < 1_000_000 else 1)
        for case in cases:
            if case == "numpy-straightforward" and n > STRAIGHTFORWARD_MAX_N:
                results.append((size, Measurement(case, n, note="skipped (memory)")))
                continue
            if case in unavailable:
                results.append((size, Measurement(case, n, note=unavailable[case])))
                continue
            if progress is not None:
                progress(f"{size} N={n:,} {CASE_LABELS[case]} (best of {reps})")
            result = best_of(case, n, seed, reps, warmup=warmup)
            if result.note is not None and result.note.startswith("not available"):
                unavailable[case] = result.note
            results.append((size, result))
    return results


def _ratio(result: Measurement, reference: Measurement | None) -> float | None:
    """Return samples/s of ``result`` over that of ``reference`` (>1 is faster)."""
    if reference is None:
        return None
    ours, theirs = result.samples_per_second, reference.samples_per_second
    if ours is None or theirs is None:
        return None
    return ours / theirs


def table_rows(results: Sequence[tuple[str, Measurement]]) -> list[list[str]]:
    """Format results as table rows (strings), one per measurement.

    Columns: size, N, implementation, seconds, samples/s, peak RSS MiB,
    baseline RSS MiB, speed relative to the chunked NumPy transcription.
    """
    chunked = {size: m for size, m in results if m.case == "numpy-chunked"}
    rows: list[list[str]] = []
    for size, m in results:
        label = CASE_LABELS[m.case]
        if m.seconds is None:
            rows.append([size, f"{m.n:,}", label, m.note or "", "", "", "", ""])
            continue
        ratio = _ratio(m, chunked.get(size))
        rows.append(
            [
                size,
                f"{m.n:,}",
                label,
                f"{m.seconds:.3f}",
                f"{m.samples_per_second:,.0f}",
                f"{m.peak_rss_mib:,.0f}",
                f"{m.baseline_rss_mib:,.0f}",
                "" if ratio is None else f"{ratio:.2f}x",
            ]
        )
    return rows


HEADERS: Final[tuple[str, ...]] = (
    "size",
    "N",
    "implementation",
    "seconds",
    "samples/s",
    "peak RSS MiB",
    "baseline RSS MiB",
    "vs chunked NumPy",
)


def markdown_table(rows: Sequence[Sequence[str]], headers: Sequence[str] = HEADERS) -> str:
    """Return ``rows`` as a GitHub Markdown table (numbers right-aligned)."""
    align = ["---" if i in (0, 2) else "---:" for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def flat_summary(summary: Mapping[str, Any] | None) -> dict[str, float] | None:
    """Return B1's summaries as flat ``{output}_{stat}`` keys, whatever the nesting.

    The NumPy transcriptions report ``{"saving_p5": ...}``; labecon reports
    ``{"saving": {"p5": ..., "p_positive": ...}}``. Both map to the flat form,
    with ``p_saving_positive`` for P(saving > 0).

    Parameters
    ----------
    summary : Mapping[str, Any] or None
        A child's summary.

    Returns
    -------
    dict[str, float] or None
        The numeric entries found (USD, probability), or None without any.
    """
    if summary is None:
        return None
    flat: dict[str, float] = {}
    for key, value in summary.items():
        if isinstance(value, Mapping):
            for stat, number in value.items():
                if isinstance(number, (int, float)):
                    name = "p_saving_positive" if stat == "p_positive" else f"{key}_{stat}"
                    flat[name] = float(number)
        elif isinstance(value, (int, float)):
            flat[key] = float(value)
    return flat or None


def _summary_rows(results: Sequence[tuple[str, Measurement]]) -> list[list[str]]:
    """Return the p5/p50/p95 of saving and P(saving > 0) of each run that has them."""
    rows: list[list[str]] = []
    keys = ("saving_p5", "saving_p50", "saving_p95", "p_saving_positive")
    for size, m in results:
        flat = flat_summary(m.summary)
        if flat is None:
            continue
        cells = [f"{flat[key]:.4g}" if key in flat else "?" for key in keys]
        rows.append([size, CASE_LABELS[m.case], *cells])
    return rows


def parse_sizes(text: str, *, xl: bool) -> list[str]:
    """Parse ``--sizes`` ("S,M") into keys of :data:`SIZES`; ``xl`` appends XL.

    Raises
    ------
    ValueError
        If a size is unknown.
    """
    sizes = [s.strip().upper() for s in text.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        msg = f"unknown size(s) {', '.join(unknown)}; expected {', '.join(SIZES)}"
        raise ValueError(msg)
    if xl and "XL" not in sizes:
        sizes.append("XL")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark B1 (build vs rent) on one core: labecon vs plain NumPy.",
    )
    parser.add_argument("--sizes", default="S,M,L", help="comma-separated from S,M,L,XL")
    parser.add_argument("--xl", action="store_true", help="also run XL (N = 1e8)")
    parser.add_argument(
        "--repeat", type=int, default=None, help="best of N children (default 3 below L, else 1)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--cases", default=",".join(CASES), help=f"comma-separated from {','.join(CASES + EXTRA_CASES)}"
    )
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    parser.add_argument(
        "--decisions",
        action="store_true",
        help="time a Sobol analysis, a comparison and an optimisation instead",
    )
    parser.add_argument("--summaries", action="store_true", help="also print B1's saving summaries")
    parser.add_argument("--cold", action="store_true", help="no warm-up call (time JIT too)")
    parser.add_argument("--json", type=Path, default=None, help="write all results to this file")
    parser.add_argument(
        "--against",
        metavar="REV",
        default=None,
        help="measure in turns with commit REV (a child of REV and one of this tree each turn)",
    )
    parser.add_argument("--turns", type=int, default=3, help="turns with --against (default 3)")
    parser.add_argument("--child", nargs=3, metavar=("CASE", "N", "SEED"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child is not None:
        case, n, seed = args.child[0], int(args.child[1]), int(args.child[2])
        print(json.dumps(child_main(case, n, seed, warmup=not args.cold)))
        return 0

    from rich.console import Console  # the children never print tables
    from rich.table import Table

    console = Console()
    if not console.is_terminal:  # piped or captured: do not wrap the table at 80 columns
        console = Console(width=140)
    try:
        sizes = parse_sizes(args.sizes, xl=args.xl)
    except ValueError as exc:
        parser.error(str(exc))
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    bad = [c for c in cases if c not in CASES + EXTRA_CASES]
    if bad:
        parser.error(f"unknown case(s) {', '.join(bad)}")
    if args.turns < 1:
        parser.error("--turns: must be at least 1")

    info = machine_info()
    for key, value in info.items():
        console.print(f"[bold]{key}[/bold]: {value}")
    if args.decisions:
        from benchmarks.decisions import DECISION_HEADERS, run_decision_benchmarks

        rows = run_decision_benchmarks()
        table = Table(title="Decision analyses, one core")
        for header in DECISION_HEADERS:
            table.add_column(header)
        for row in rows:
            table.add_row(*row)
        console.print(table)
        if args.markdown:
            print(markdown_table(rows, DECISION_HEADERS))
        return 0

    if args.against is not None:
        return _against(args.against, sizes, cases, args, console)
    results = run_benchmarks(
        sizes,
        seed=args.seed,
        repeat=args.repeat,
        cases=cases,
        warmup=not args.cold,
        progress=lambda msg: console.print(f"[dim]running {msg}[/dim]"),
    )
    for case in cases:
        notes = {m.note for _, m in results if m.case == case and m.note and m.seconds is None}
        notes = {note for note in notes if not note.startswith("skipped")}
        for note in notes:
            console.print(f"{case}: {note}")

    rows = table_rows(results)
    title = "Benchmark B1, one core, end to end (draws + simulation + summaries)"
    _print_table(console, title, HEADERS, rows)
    if args.summaries:
        summary_table = Table(
            title="B1 saving, USD (reference, N = 1e8: p5 -3.430e12, p50 -4.924e10, "
            "p95 -3.959e9, P(saving > 0) 0.00161)"
        )
        for header in ("size", "implementation", "p5", "p50", "p95", "P(saving>0)"):
            summary_table.add_column(header)
        for row in _summary_rows(results):
            summary_table.add_row(*row)
        console.print(summary_table)
    if args.markdown:
        print(markdown_table(rows))
    if args.json is not None:
        payload = {
            "machine": info,
            "results": [{"size": size, **m.__dict__} for size, m in results],
        }
        args.json.write_text(json.dumps(payload, indent=2))
    return 0


def _print_table(console: Any, title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print ``rows`` as a rich table: the size and implementation columns left, numbers right."""
    from rich.table import Table

    table = Table(title=title)
    for i, header in enumerate(headers):
        table.add_column(header, justify="left" if i in (0, 2) else "right")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _against(
    rev: str, sizes: Sequence[str], cases: Sequence[str], args: argparse.Namespace, console: Any
) -> int:
    """Measure ``cases`` at ``sizes`` in turns with commit ``rev``; print the table; return the status."""
    from benchmarks.turns import copied, exported, in_turns, turn_headers, turn_rows

    try:
        with exported(rev) as other, copied() as here:
            results = in_turns(
                sizes,
                cases,
                args.turns,
                lambda case, n, root: measure(case, n, args.seed, warmup=not args.cold, root=root),
                other,
                here,
                progress=lambda msg: console.print(f"[dim]running {msg}[/dim]"),
            )
    except ValueError as exc:
        console.print(str(exc))
        return 2
    headers, rows = turn_headers(rev), turn_rows(results)
    title = f"In turns with {rev}, one core, end to end (each side's times in turn order)"
    _print_table(console, title, headers, rows)
    if args.markdown:
        print(markdown_table(rows, headers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
