"""What moves each route answer: every alternative route's gain, each input swept alone.

For each lab that names routes, the gain in NPV of each of its alternative
routes over its declared one (``route_gain_usd``), with every uncertain input
at its median, then with each input alone at its 5th and 95th percentiles.
Each point's gain is its mean over the same futures (the risk events and
funding rounds of the run's first 64 samples: :func:`~labecon.model.risk.shared_futures`),
so a bar measures its input alone and no one future's events decide it; the
points run as one table, so the whole sweep is one run (two-strategies: 64
points over 64 futures, about 1.2 s on one core). A bar that crosses zero is an input
that, alone, turns which of the two routes is better. The inputs the scenario
correlates with the one swept move with it, to their medians given it (a price
decline swept with the serving cost that the scenario ties to it), unless told
otherwise. It ignores interactions between inputs: ``labecon.sensitivity``
apportions a gain's spread over its inputs with Sobol' indices.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from labecon import layout
from labecon.amounts import money
from labecon.analysis.breakeven import percentile
from labecon.analysis.conditional import moved_with, moved_words
from labecon.analysis.conventions import with_routes
from labecon.analysis.sensitivity import (
    InputSpace,
    check_correlated,
    oat_indices,
    on_shared_futures,
    table_model,
)
from labecon.errors import OptionError, ScenarioError
from labecon.jsonable import write_json
from labecon.runtime.results import Results
from labecon.scenario.loader import ScenarioSource, load_scenario
from labecon.scenario.names import reader_names
from labecon.scenario.routes import lab_routes
from labecon.scenario.schema import Scenario, WorldScenario, as_kind
from labecon.tables import write_csv
from labecon.types import FloatArray


@dataclass(frozen=True)
class RouteDrivers:
    """Each alternative route's gain over its lab's declared route, by input (USD).

    ``low[route][i]`` and ``high[route][i]`` are the gain with input ``inputs[i]`` set to
    its ``low_q`` and ``high_q`` quantile (``input_low[i]``, ``input_high[i]``, in the input's
    units), the others at their medians, except those it moves (``moved_with``) at their medians
    given it; ``base[route]`` the gain with every input at its median.
    Routes are ``"lab:route"``; inputs are ranked by their largest swing over the routes.
    """

    scenario: str
    seed: int
    inputs: list[str]
    descriptions: dict[str, str]
    units: dict[str, str]
    input_low: list[float]
    input_high: list[float]
    declared: dict[str, str]
    """Each lab's declared route, by lab."""
    base: dict[str, float]
    low: dict[str, list[float]]
    high: dict[str, list[float]]
    low_q: float
    high_q: float
    futures: int
    """Futures each point's gain is the mean over (the same for every point)."""
    n_evaluations: int
    """Model evaluations: points times futures."""
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    """Labs and routes by the names readers know (``lab``, ``route``)."""
    correlated: bool = True
    """Whether the inputs the scenario correlates with the one swept moved with it."""
    moved_with: dict[str, list[str]] = field(default_factory=dict)
    """By input swept, those the scenario correlates with it: moved to their medians given it
    with ``correlated``, else held at their medians."""

    @property
    def summary(self) -> str:
        """The sweep and its widest bar in words, with what became of the correlated inputs."""
        spans = range(len(self.inputs))
        bars = [(abs(self.high[r][i] - self.low[r][i]), r, i) for r in self.base for i in spans]
        said = (
            f"What moves each route answer of {self.scenario}: each input alone at its "
            f"{percentile(self.low_q)} and {percentile(self.high_q)} percentiles, the others at their "
            f"medians, every point's gain its mean over the same {self.futures} futures (seed {self.seed})."
        )
        if bars:
            _, route, i = max(bars)
            name, declared = self.inputs[i], self.declared[route.split(":", 1)[0]]
            said += (
                f" The widest bar: {self.descriptions.get(name, name)} ({name}) moves the gain of "
                f"{self.names.get('route', {}).get(route, route)} over {declared} from "
                f"{money(self.low[route][i])} to {money(self.high[route][i])} "
                f"({money(self.base[route])} with every input at its median)."
            )
        moved = moved_words(self.moved_with, self.correlated)
        return f"{said} {moved}" if moved else said

    def __repr__(self) -> str:
        """Say what was swept and its widest bar (not every bar)."""
        return f"<Route drivers: {self.summary} Read with .base, .low, .high, .to_dict(), .save(directory)>"

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready built-in types, with its :attr:`summary`."""
        return {**asdict(self), "summary": self.summary}  # every field, each JSON-ready

    def rows(self) -> list[dict[str, Any]]:
        """Return the bars as a table: a row per alternative route and input, gains in USD."""
        lab_names = self.names.get("lab", {})
        out = []
        for route, base in self.base.items():
            lab, alternative = route.split(":", 1)
            for i, name in enumerate(self.inputs):
                low, high = self.low[route][i], self.high[route][i]
                out.append(
                    {
                        "lab": lab,
                        "lab_name": lab_names.get(lab, lab),
                        "route": alternative,
                        "declared": self.declared[lab],
                        "input": name,
                        "description": self.descriptions.get(name, name),
                        "units": self.units.get(name, ""),
                        "moved_with_it": self.moved_with.get(name, []) if self.correlated else [],
                        "low_quantile": self.low_q,
                        "input_low": self.input_low[i],
                        "gain_low_usd": low,
                        "high_quantile": self.high_q,
                        "input_high": self.input_high[i],
                        "gain_high_usd": high,
                        "swing_usd": high - low,
                        "gain_at_medians_usd": base,
                    }
                )
        return out

    def save(self, directory: str | Path) -> Path:
        """Write the result as ``drivers.json`` into a run's or analysis's folder, for the report.

        Its bars go beside it as ``drivers.csv`` (:meth:`rows`), for a spreadsheet.
        """
        write_csv(Path(directory) / layout.analysis_table("drivers"), self.rows())
        return write_json(Path(directory) / layout.DRIVERS_JSON, self.to_dict())


FUTURES = 64
"""Futures each point's gain is the mean over: the same ones for every point (their risk events and
funding rounds), enough that no one future's events decide a bar (two-strategies: 4,096 samples)."""


def route_drivers(
    scenario: ScenarioSource,
    *,
    seed: int | None = None,
    futures: int = FUTURES,
    low_q: float = 0.05,
    high_q: float = 0.95,
    backend: Any = "local",
    correlated: bool = True,
) -> RouteDrivers:
    """Return what moves each route answer of a scenario: its alternative routes' gains, input by input.

    Each point's gain is its mean over ``futures`` futures, the same for every point (those of
    the run's first ``futures`` samples). The points run as one table on ``backend``
    (:func:`~labecon.simulate`'s): the same bits on any. With ``correlated`` (the default), the
    inputs the scenario correlates with the one swept move with it to their medians given it;
    false holds them at their medians.

    Raises
    ------
    ScenarioError
        The scenario is not a world scenario, or no lab in it names routes (the field named).
    OptionError
        ``futures`` is below 1, or ``low_q`` and ``high_q`` are not ``0 < low_q < high_q < 1``
        (``quantiles``), or ``correlated`` is not true or false.
    """
    if isinstance(futures, bool) or not isinstance(futures, int) or futures < 1:
        msg = f"must be a whole number of futures, 1 or more, got {futures!r}"
        raise OptionError(msg, "futures")
    sc = load_scenario(scenario)
    world = with_routes(sc)
    if not has_alternative_routes(world):
        msg = "no lab names a route other than its declared one (labs.<lab>.routes): there is no gain to move"
        raise ScenarioError(msg, "labs")
    run_seed = sc.run.seed if seed is None else seed
    check_correlated(correlated)
    space = InputSpace.from_scenario(sc, correlated=correlated)
    labels: list[str] = []

    def gains(results: Results) -> FloatArray:
        values = results.dataset["route_gain_usd"]
        labels[:] = [str(r) for r in values["route"].to_numpy()]
        out: FloatArray = values.to_numpy()
        return out

    swept = on_shared_futures(table_model(sc, run_seed, gains, backend), futures)
    oat = oat_indices(space, swept, low_q=low_q, high_q=high_q)
    declared = {lab: routes[0] for lab, routes in lab_routes(world).items()}
    declared_labels = {f"{lab}:{route}" for lab, route in declared.items()}
    kept = [j for j, label in enumerate(labels) if label not in declared_labels]
    d = len(space.names)  # (input, route) however many routes (one route's indices come 1-D)
    low, high = (np.asarray(oat.indices[k]).reshape(d, len(labels)) for k in ("low", "high"))
    spread = np.abs(high[:, kept] - low[:, kept]).max(axis=1)
    order = [int(i) for i in np.argsort(-spread, kind="stable")]
    base = np.asarray(oat.extra["base"]).reshape(len(labels))
    specs = sc.inputs
    names = reader_names(sc).for_coords({"lab": list(declared), "route": [labels[j] for j in kept]})
    return RouteDrivers(
        scenario=sc.name,
        seed=run_seed,
        inputs=[space.names[i] for i in order],
        descriptions={n: getattr(specs[n], "description", None) or n for n in space.names},
        units={n: getattr(specs[n], "units", None) or "" for n in space.names},
        input_low=[float(oat.extra["input_low"][i]) for i in order],
        input_high=[float(oat.extra["input_high"][i]) for i in order],
        declared=declared,
        base={labels[j]: float(base[j]) for j in kept},
        low={labels[j]: [float(low[i, j]) for i in order] for j in kept},
        high={labels[j]: [float(high[i, j]) for i in order] for j in kept},
        low_q=low_q,
        high_q=high_q,
        futures=futures,
        n_evaluations=oat.n_evaluations * futures,
        names={"lab": names["lab"], "route": names["route"]},
        correlated=correlated,
        moved_with={n: others for n in space.names if (others := moved_with(sc, [n]))},
    )


def has_alternative_routes(scenario: Scenario) -> bool:
    """Return whether some lab of a world scenario names a route besides its declared one."""
    world = as_kind(scenario, WorldScenario)
    return world is not None and any(len(routes) > 1 for routes in lab_routes(world).values())
