"""Run until chosen statistics reach a target standard error, reproducibly.

Sample i's draws depend only on the seed and i, so a run of n samples is the
first n samples of any larger run with the same seed: growing n re-runs a
nested, reproducible sequence, and the final result is exactly what a single
run of that size gives. Each round sizes the next run from the SE it saw
(SE shrinks as ``1 / sqrt(n)``), with a 10% margin, growing at most 8-fold
and at least 1.5-fold a round; total work is at most a small multiple of the
final run's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from labecon.errors import OptionError
from labecon.model.arrays import ratio
from labecon.runtime.engines import engine_for
from labecon.runtime.results import Results
from labecon.runtime.run import KeepOption, simulate
from labecon.scenario.loader import ScenarioSource, load_scenario
from labecon.types import EngineName

SE_STATISTICS = ("mean", "p5", "p50", "p95", "p_positive")
"""Statistics whose standard error the runner can target."""


@dataclass(frozen=True)
class ConvergenceReport:
    """How a run to a target precision went."""

    statistics: list[str]
    target: float
    relative: bool
    n_samples: int
    achieved: dict[str, float]
    """Each statistic's SE (relative SE if ``relative``) at the end; the worst element for arrays."""
    converged: bool
    history: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON-ready values."""
        return asdict(self)  # every field, each JSON-ready


def _parse(ref: str, outputs: Sequence[str]) -> tuple[str, str]:
    name, _, stat = ref.rpartition(".")
    if not name:
        name, stat = ref, "mean"
    if name not in outputs:
        msg = f"unknown output {name!r} in {ref!r}; outputs: {', '.join(outputs)}"
        raise OptionError(msg, "target_stat")
    if stat not in SE_STATISTICS:
        msg = f"unknown statistic {stat!r} in {ref!r}; expected one of: {', '.join(SE_STATISTICS)}"
        raise OptionError(msg, "target_stat")
    return name, stat


def achieved_se(results: Results, refs: Sequence[str], *, relative: bool) -> dict[str, float]:
    """Return each ``OUTPUT.STAT``'s SE (or SE / |value|), the worst element for outputs with dims."""
    out: dict[str, float] = {}
    summary = results.summary()
    for ref in refs:
        name, stat = _parse(ref, results.outputs)
        entry = summary[name]
        if stat not in entry:
            msg = f"{name!r} does not report {stat!r} (only outputs declared with it do)"
            raise OptionError(msg, "target_stat")
        se = np.abs(np.asarray(entry[f"{stat}_se"], dtype=np.float64))
        if relative:
            value = np.abs(np.asarray(entry[stat], dtype=np.float64))
            se = ratio(se, value, np.where(se > 0, np.inf, 0.0))  # of a zero estimate: inf, or 0 if exact
        out[ref] = float(np.nanmax(se)) if se.size else math.nan
    return out


def run_to_precision(
    scenario: ScenarioSource,
    target_se: float,
    *,
    statistics: Sequence[str] | None = None,
    relative: bool = False,
    seed: int | None = None,
    start_samples: int = 2_000,
    max_samples: int = 10_000_000,
    chunk_size: int | None = None,
    keep: KeepOption = "auto",
    engine: EngineName = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Results, ConvergenceReport]:
    """Add samples until every chosen statistic's SE is at most ``target_se``.

    Parameters
    ----------
    target_se : float
        The target standard error, in the output's unit (or, with
        ``relative``, as a fraction of the statistic's magnitude).
    statistics : list of str, optional
        ``OUTPUT.STAT`` (``saving.mean``, ``pv_rent.p95``,
        ``saving.p_positive``); default every output's mean.
    max_samples : int
        Stop there even if the target is not reached (``converged`` is then False).

    Returns
    -------
    (Results, ConvergenceReport)
        The results of the final run (identical to a single run of that size
        with the same seed) and how the run converged.
    """
    if not target_se > 0:
        msg = f"must be > 0, got {target_se}"
        raise OptionError(msg, "target_se")
    if start_samples < 2 or max_samples < start_samples:
        msg = f"need 2 <= start_samples <= max_samples, got {start_samples}, {max_samples}"
        raise OptionError(msg, "max_samples")
    sc = load_scenario(scenario)
    run_seed = sc.run.seed if seed is None else seed
    outputs = engine_for(sc).describe_outputs()
    refs: list[str] = list(statistics) if statistics else [f"{o}.mean" for o in outputs]
    n = start_samples
    history: list[dict[str, Any]] = []
    while True:
        res = simulate(sc, n, run_seed, chunk_size=chunk_size, keep=keep, engine=engine, progress=progress)
        got = achieved_se(res, refs, relative=relative)
        history.append({"n_samples": n, "achieved": got})
        worst = max(got.values())
        if worst <= target_se or n >= max_samples:
            break
        growth = (worst / target_se) ** 2 * 1.1 if math.isfinite(worst) else 8.0
        n = min(max_samples, math.ceil(n * min(max(growth, 1.5), 8.0)))
    report = ConvergenceReport(
        statistics=refs,
        target=target_se,
        relative=relative,
        n_samples=n,
        achieved=got,
        converged=worst <= target_se,
        history=history,
    )
    return res, report
