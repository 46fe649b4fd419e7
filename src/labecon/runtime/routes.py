"""Run a world block once per lab route, on the same draws, and turn the runs into route figures.

For every lab that names routes and every one of its alternatives, the same
world is run with only that lab's strategy replaced: the inputs are drawn
once and shared, and the draws inside the quarter are keyed by name, so every
run sees the same futures (common random numbers). The other labs keep their
declared strategies: each route is judged against competitors that do not
react to it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from labecon.model.routes import route_figures
from labecon.model.world import run_world
from labecon.model.world_outputs import NpvParts, WorldResult, lab_irr
from labecon.scenario.routes import lab_routes, with_route
from labecon.scenario.schema import WorldScenario
from labecon.strategies import lab_policy
from labecon.types import FloatArray

ROUTE_FIGURES = (
    "route_npv_usd",
    "route_gain_usd",
    "route_is_best",
    "route_regret_usd",
    "route_pays_back",
    "route_payback_quarter",
    "route_gain_by_line_usd",
)
"""The per-sample route figures, in the order of :class:`~labecon.model.routes.RouteFigures`."""

ROUTE_UNIT_COSTS = {
    "route_compute_usd_per_h100e_hour": "compute_usd_per_h100e_hour",
    "route_compute_usd_per_unit_served": "compute_usd_per_unit_served",
}
"""Each route's unit costs of compute, by the lab's output they are read from in the route's run."""

ROUTE_OUTPUTS = (*ROUTE_FIGURES, "route_irr_per_year", *ROUTE_UNIT_COSTS)
"""The per-sample route outputs."""


def route_outputs(
    scenario: WorldScenario,
    draws: Mapping[str, FloatArray],
    n: int,
    *,
    seed: int,
    start: int,
    base: WorldResult,
) -> dict[str, FloatArray]:
    """Return the route outputs of one block, ``(sample, route[, line])``, routes as in ``route_labels``.

    ``base`` is the block's run of the scenario as declared, with its NPV parts.
    """
    labs = list(scenario.labs)
    per_output: dict[str, list[FloatArray]] = {name: [] for name in ROUTE_OUTPUTS}
    for lab, routes in lab_routes(scenario).items():
        li = labs.index(lab)
        parts, runs = [_lab_parts(base, li)], [base]
        for route in routes[1:]:
            routed = with_route(scenario, lab, route)
            policy = lab_policy(routed, draws, n)
            # Its plausibility warnings name the route (the filters are left alone: a server
            # runs this in threads, and Python's warning filters are the whole process's).
            label = f"{lab}:{route}"
            run = run_world(
                routed, draws, n, policy, seed=seed, start=start, npv_parts=True, only_npv=True, variant=label
            )
            parts.append(_lab_parts(run, li))
            runs.append(run)
        figures = route_figures(
            np.stack([p.cumulative[:, -1] for p in parts], axis=1),
            np.stack([p.cumulative for p in parts], axis=1),
            np.stack([p.by_line for p in parts], axis=1),
        )
        for name, value in zip(ROUTE_FIGURES, figures, strict=True):
            per_output[name].append(value)
        # The IRR of the lab's runs on its other routes, its own only (theirs compute no other lab's).
        irr = [base.outputs["irr_per_year"][:, li], *(lab_irr(_flows(p))[0] for p in parts[1:])]
        per_output["route_irr_per_year"].append(np.stack(irr, axis=1))
        for name, output in ROUTE_UNIT_COSTS.items():
            per_output[name].append(np.stack([run.outputs[output][:, li] for run in runs], axis=1))
    return {name: np.concatenate(values, axis=1) for name, values in per_output.items()}


def _lab_parts(run: WorldResult, lab: int) -> NpvParts:
    """Return one lab's NPV parts of a run, ``(sample, ...)``."""
    if run.npv is None:
        msg = "the run kept no NPV parts"
        raise ValueError(msg)
    flows = run.npv.flows[:, lab] if run.npv.flows is not None else None
    return NpvParts(run.npv.by_line[:, lab], run.npv.cumulative[:, lab], flows)


def _flows(parts: NpvParts) -> FloatArray:
    if parts.flows is None:
        msg = "the run kept no buyer's flows"
        raise ValueError(msg)
    return parts.flows
