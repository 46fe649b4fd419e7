"""Time the decision analyses: Sobol and one-at-a-time analyses, a comparison and an optimisation.

Run with ``python -m benchmarks --decisions``. Each is timed once, in this
process, after a small warm-up run (so compilation is not counted), on one core.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

SOBOL_INPUTS = ("g_consumer", "g_api", "d_price", "e_serving", "d_cloud", "capex_dc", "r_disc")
"""The main uncertain inputs of two-strategies studied by the Sobol analysis."""


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def run_decision_benchmarks(*, sobol_n: int = 1024, compare_n: int = 100_000) -> list[list[str]]:
    """Return table rows: analysis, scenario, size, model evaluations, seconds."""
    import labecon

    labecon.simulate("two-strategies", n_samples=500, keep="summary")
    labecon.simulate("b1", n_samples=2000, keep="summary")
    rows: list[list[str]] = []

    seconds, sobol = _timed(
        lambda: labecon.sensitivity(
            "two-strategies",
            "npv_fcf_usd[lab=lab_own]",
            method="sobol",
            inputs=list(SOBOL_INPUTS),
            n_samples=sobol_n,
            seed=1,
        )
    )
    rows.append(
        [
            f"Sobol (first and total order, {len(SOBOL_INPUTS)} inputs) of lab_own's NPV",
            "two-strategies",
            f"N = {sobol_n:,}",
            f"{sobol.n_evaluations:,}",
            f"{seconds:.1f}",
        ]
    )

    seconds, oat = _timed(
        lambda: labecon.sensitivity("two-strategies", "npv_fcf_usd[lab=lab_own]", method="oat", seed=1)
    )
    rows.append(
        [
            f"one at a time (tornado, {len(oat.inputs)} inputs x 7 points) of lab_own's NPV",
            "two-strategies",
            "shared futures",
            f"{oat.n_evaluations:,}",
            f"{seconds:.1f}",
        ]
    )

    seconds, _ = _timed(
        lambda: labecon.compare(
            "b1", outputs=["pv_rent", "pv_build"], goal="min", n_samples=compare_n, seed=1
        )
    )
    rows.append(
        [
            "compare rent vs build (paired, EVPI, EVPPI)",
            "b1",
            f"{compare_n:,} samples",
            f"{compare_n:,}",
            f"{seconds:.1f}",
        ]
    )

    trials, per_trial = 20, 20_000
    seconds, opt = _timed(
        lambda: labecon.optimize(
            "b1",
            {"strategies.build.headroom_frac": (0.0, 0.5)},
            "mean(pv_build)",
            goal="min",
            n_trials=trials,
            n_samples=per_trial,
            seed=1,
        )
    )
    rows.append(
        [
            "optimise build headroom (Optuna TPE, common random numbers)",
            "b1",
            f"{trials} trials x {per_trial:,}",
            f"{trials * per_trial:,}",
            f"{seconds:.1f}",
        ]
    )
    del opt
    return rows


DECISION_HEADERS = ("analysis", "scenario", "size", "model evaluations", "seconds")
