"""Where an input turns a route answer: a route's gain over the declared one, by the input's value.

For one lab's alternative route and one uncertain input, the input is set to each value of a grid
(its quantiles from ``low_q`` to ``high_q``) in every one of the same futures: each future keeps
its own draws of the other inputs and its own risk events and funding rounds (those of the run's
first ``futures`` samples: :func:`~labecon.model.risk.shared_futures`), so the points differ only
in the input. Each point's gain is its mean over the futures, with its Monte Carlo standard error
and the share of futures the route wins. The break-even value is where the mean gain crosses
zero, found on the line between the grid's points; how far it could be off is the gain's
standard error there over the curve's slope. The inputs the scenario correlates with the one
set move with it in each future, to their values given it (:mod:`labecon.analysis.conditional`),
unless asked to keep their draws.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np

from labecon import layout
from labecon.amounts import spread_in_units as spread
from labecon.amounts import value_in_units as amount
from labecon.analysis.conditional import conditional_values, moved_with
from labecon.analysis.metrics import mean_estimate
from labecon.analysis.sensitivity import InputSpace
from labecon.constants import BREAKEVEN_FUTURES, BREAKEVEN_POINTS
from labecon.errors import OptionError, ScenarioError
from labecon.jsonable import write_json
from labecon.model.risk import shared_futures
from labecon.runtime.results import Results
from labecon.runtime.run import simulate
from labecon.runtime.work import uncertain_input_names
from labecon.scenario.loader import ScenarioSource, load_scenario
from labecon.scenario.names import reader_names
from labecon.scenario.overrides import scenario_parameters, with_overrides
from labecon.scenario.routes import only_routes
from labecon.scenario.schema import WorldScenario, as_kind
from labecon.tables import write_csv
from labecon.types import FloatArray

POINTS = BREAKEVEN_POINTS
"""Values of the input tried, evenly spaced in its quantiles."""
FUTURES = BREAKEVEN_FUTURES
"""Futures each value's gain is the mean over (the same for every value)."""
MAX_POINTS = 101
LOW_Q, HIGH_Q = 0.02, 0.98
"""The quantiles of the input the grid runs between by default: its 2nd and 98th percentiles."""


@dataclass(frozen=True)
class Breakeven:
    """An alternative route's gain over its lab's declared route, by the value of one input (USD).

    ``values[i]`` is the input's ``quantiles[i]`` quantile (in ``units``; a scenario's number swept
    over a range instead has no quantiles, and ``input`` is its path); ``mean_gain_usd[i]``
    the route's mean gain in NPV there over the same futures (``mean_gain_se_usd[i]`` its
    standard error) and ``p_beats[i]`` the share of them in which the route beats the declared
    one. ``breakeven`` holds each value where the mean gain crosses zero (none: the input alone
    does not turn the answer in the range tried), ``breakeven_se`` how far each could be off,
    ``p_beats_half`` where the route wins in half the futures.
    """

    scenario: str
    seed: int
    lab: str
    lab_name: str
    declared: str
    route: str
    input: str
    description: str
    units: str
    futures: int
    quantiles: list[float]
    values: list[float]
    mean_gain_usd: list[float]
    mean_gain_se_usd: list[float]
    p_beats: list[float]
    breakeven: list[float]
    breakeven_se: list[float]
    p_beats_half: list[float]
    as_drawn_gain_usd: float
    """The mean gain with the input as drawn in each future (not set; a number: as the scenario sets it)."""
    correlated_inputs: list[str] = field(default_factory=list)
    """The inputs the scenario correlates with the one set: with ``correlated``, set at each value to
    their values given it (:mod:`labecon.analysis.conditional`); else left as drawn."""
    correlated: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready built-in types, with its :meth:`summary`."""
        return {**asdict(self), "summary": self.summary()}

    def rows(self) -> list[dict[str, Any]]:
        """Return the curve as a table: a row per value of the input, the route's gain there in USD."""
        return [
            {
                **point_columns(self, i),
                "mean_gain_usd": self.mean_gain_usd[i],
                "mean_gain_se_usd": self.mean_gain_se_usd[i],
                "p_beats": self.p_beats[i],
            }
            for i in range(len(self.values))
        ]

    def save(self, directory: str | Path) -> Path:
        """Write the result as ``breakeven.json`` into an analysis's folder, its curve beside it as CSV."""
        write_csv(Path(directory) / layout.analysis_table("breakeven"), self.rows())
        return write_json(Path(directory) / layout.analysis_file("breakeven"), self.to_dict())

    def amount(self, value: float) -> str:
        """Return one of the input's values as a reader writes it, with its units (a fraction in %)."""
        return amount(value, self.units)

    def spread(self, value: float) -> str:
        """Return a distance between two of the input's values (a fraction's in percentage points)."""
        return spread(value, self.units)

    def summary(self) -> str:
        """Return the answer in words: where the route starts or stops beating the declared one."""
        return self._answer() + correlation_words([self.input], self.correlated_inputs, self.correlated)

    def _answer(self) -> str:
        who = f"For {self.lab_name}, {self.route} against {self.declared}"
        what = f"{self.description} ({self.input})"
        span = f"{self.amount(self.values[0])} to {self.amount(self.values[-1])}"
        if not self.breakeven:
            side = "beats" if self.mean_gain_usd[0] > 0 else "trails"
            ends = (
                f" (its {percentile(self.quantiles[0])} to {percentile(self.quantiles[-1])} percentiles)"
                if self.quantiles
                else ""
            )
            kind = "input" if self.quantiles else "number"
            return (
                f"{who}: it {side} it on average wherever {what} is set from {span}{ends}; "
                f"alone, this {kind} does not turn the answer."
            )
        if len(self.breakeven) > 1:
            at = ", ".join(self.amount(v) for v in self.breakeven)
            count = len(self.breakeven)
            return f"{who}: the mean gain changes sign {count} times as {what} goes from {span}, at {at}."
        x, se = self.breakeven[0], self.breakeven_se[0]
        low, high = ("below", "above") if self.mean_gain_usd[0] > 0 else ("above", "below")
        half = (
            f" It wins in half the futures at {self.amount(self.p_beats_half[0])}."
            if len(self.p_beats_half) == 1
            else ""
        )
        return (
            f"{who}: it beats it on average where {what} is {low} {self.amount(x)} "
            f"(± {self.spread(se)}, from the gain's standard error there) and trails it "
            f"{high}.{half}"
        )

    def __repr__(self) -> str:
        """Say the answer, not every point."""
        run = f"{self.futures:,} futures, seed {self.seed}"
        return f"<Breakeven of {self.scenario!r}, {run}: {self.summary()}>"


def breakeven(
    scenario: ScenarioSource,
    route: str,
    input_name: str | None = None,
    *,
    param: str | None = None,
    param_range: Sequence[float] | None = None,
    points: int = POINTS,
    futures: int = FUTURES,
    seed: int | None = None,
    low_q: float = LOW_Q,
    high_q: float = HIGH_Q,
    correlated: bool = True,
    backend: Any = "local",
) -> Breakeven:
    """Return an alternative route's gain over its lab's declared route by the value of one input.

    ``route`` is ``"lab:route"``; ``input_name`` an uncertain input's name. The input is set to
    ``points`` values, its quantiles evenly spaced from ``low_q`` to ``high_q``, in each of the
    same ``futures`` futures; the inputs the scenario correlates with it move with it (to their
    values given it) unless ``correlated`` is false. Instead of an input, ``param`` may name a
    number the scenario sets (a dotted path, as ``--set`` takes, one of
    :func:`labecon.scenario_parameters`'), swept evenly over ``param_range``, each value a run
    on the same futures. Only this lab's route runs; ``seed`` and ``backend`` are
    :func:`~labecon.simulate`'s.

    Raises
    ------
    ScenarioError
        If the scenario is not a world scenario.
    OptionError
        If ``route`` is not an alternative route of a lab, ``input_name`` not an uncertain input
        (or both or neither of it and ``param`` given), ``param`` not a number of the scenario,
        ``param_range`` not two numbers from low to high within its bounds, ``points`` not from 3
        to 101, ``futures`` below 2, or ``low_q`` and ``high_q`` not ``0 < low_q < high_q < 1``
        (``quantiles``); each names its option. A parameter's value the schema refuses is a
        ``ScenarioError`` naming its field.
    """
    sc = world_of(scenario, "a break-even")
    lab, to = check_breakeven(sc, route, input_name, points, futures, low_q, high_q, param, param_range)
    spec = sc.labs[lab]
    one, drawn, run_seed = route_futures(sc, lab, to, futures, seed, backend)
    axis = axis_of(sc, input_name, param, param_range, points, low_q, high_q)
    gain = gain_grid(one, route, [axis], drawn, run_seed, backend, correlated)
    mean, se = mean_estimate(gain.T)  # each value's mean over its futures, with its standard error
    beats = (gain > 0).mean(axis=1)
    found = crossings(axis.values, mean)
    return Breakeven(
        scenario=sc.name,
        seed=run_seed,
        lab=lab,
        lab_name=reader_names(sc).lab(lab),
        declared=spec.route,
        route=to,
        input=axis.name,
        description=axis.description,
        units=axis.units,
        futures=futures,
        quantiles=[float(q) for q in axis.quantiles],
        values=[float(v) for v in axis.values],
        mean_gain_usd=[float(m) for m in mean],
        mean_gain_se_usd=[float(s) for s in se],
        p_beats=[float(b) for b in beats],
        breakeven=[x for x, _ in found],
        breakeven_se=[crossing_se(axis.values, mean, se, i) for _, i in found],
        p_beats_half=[x for x, _ in crossings(axis.values, beats - 0.5)],
        as_drawn_gain_usd=float(route_gain(drawn, route).mean()),
        correlated_inputs=moved_with(sc, [axis.name]) if axis.is_input else [],
        correlated=correlated,
    )


def world_of(scenario: ScenarioSource, what: str) -> WorldScenario:
    """Return the scenario loaded, refusing one without labs (``what`` needs a world scenario)."""
    loaded = load_scenario(scenario)
    sc = as_kind(loaded, WorldScenario)
    if sc is None:
        msg = f"{what} needs a world scenario (labs in a market); {loaded.name!r} is not"
        raise ScenarioError(msg)
    return sc


def route_futures(
    sc: WorldScenario, lab: str, to: str, futures: int, seed: int | None, backend: Any
) -> tuple[WorldScenario, Results, int]:
    """Return the scenario in which only ``lab``'s route ``to`` runs, its futures as drawn, and their seed."""
    run_seed = sc.run.seed if seed is None else seed
    one = only_routes(sc, lab, {to: sc.labs[lab].routes[to]})
    return one, simulate(one, futures, run_seed, keep="outputs", backend=backend), run_seed


@dataclass(frozen=True)
class Axis:
    """What a break-even sets: an uncertain input at its ``quantiles``, or a number over a range.

    ``name`` is the input's name or the number's dotted path; ``values`` are in ``units``; a
    number has no quantiles.
    """

    name: str
    description: str
    units: str
    quantiles: FloatArray
    values: FloatArray

    @property
    def is_input(self) -> bool:
        """Whether this is an uncertain input (set in each future's table), not a scenario's number."""
        return len(self.quantiles) > 0


def axis_of(
    sc: WorldScenario,
    input_name: str | None,
    param: str | None,
    param_range: Sequence[float] | None,
    points: int,
    low_q: float = LOW_Q,
    high_q: float = HIGH_Q,
) -> Axis:
    """Return the axis of an input at ``points`` quantiles, or of ``param`` swept over its range."""
    if param is not None and param_range is not None:
        values = np.linspace(param_range[0], param_range[1], points)
        return Axis(*_param_words(sc, param), np.array([]), values)
    assert input_name is not None
    quantiles = np.linspace(low_q, high_q, points)
    values = InputSpace.from_scenario(sc, [input_name]).ppf(input_name, quantiles)
    spec_in = sc.inputs[input_name]
    description = getattr(spec_in, "description", None) or input_name
    return Axis(input_name, description, getattr(spec_in, "units", None) or "", quantiles, values)


def route_gain(run: Results, route: str) -> FloatArray:
    """Return ``lab:route``'s gain in NPV over its lab's declared route in each sample of a run (USD)."""
    out: FloatArray = run.dataset["route_gain_usd"].sel(route=route).to_numpy()
    return out


def gain_grid(
    one: WorldScenario,
    route: str,
    axes: Sequence[Axis],
    drawn: Results,
    seed: int,
    backend: Any,
    correlated: bool = True,
) -> FloatArray:
    """Return ``route``'s gain at every point of the axes' grid in each future, ``(*axes, future)``.

    The futures are ``drawn``'s. A scenario's numbers are set by a run per combination of their
    values; the inputs, in one run's table of every combination, C order, each future's other
    inputs as drawn, except (if ``correlated``) those the scenario correlates with a set one:
    those at their values given it (:mod:`labecon.analysis.conditional`).
    """
    futures = drawn.n_samples
    sizes = [len(a.values) for a in axes]
    numbers = [k for k, a in enumerate(axes) if not a.is_input]
    inputs = [k for k, a in enumerate(axes) if a.is_input]
    table = _input_table(one, [axes[k] for k in inputs], drawn, seed, correlated) if inputs else {}
    out = np.empty((*sizes, futures))
    for at in product(*(range(sizes[k]) for k in numbers)):
        sets = {axes[k].name: float(axes[k].values[i]) for k, i in zip(numbers, at, strict=True)}
        run_sc = with_overrides(one, sets) if sets else one
        if inputs:
            with shared_futures(futures):
                run = simulate(run_sc, seed=seed, inputs=table, keep="outputs", backend=backend)
        else:
            run = simulate(run_sc, futures, seed, keep="outputs", backend=backend)
        where: list[int | slice] = [slice(None)] * len(axes)
        for k, i in zip(numbers, at, strict=True):
            where[k] = i
        out[tuple(where)] = route_gain(run, route).reshape([sizes[k] for k in inputs] + [futures])
    return out


def correlation_words(set_names: Sequence[str], names: Sequence[str], moved: bool) -> str:
    """Return what became of the inputs correlated with those set, as a sentence after the answer."""
    if not names:
        return ""
    listed, setters = ", ".join(names), " and ".join(set_names)
    if moved:
        verb = "moves" if len(names) == 1 else "move"
        return f" {listed} {verb} with {setters} in each future, as the scenario correlates them."
    keeps = "keeps its" if len(names) == 1 else "keep their"
    return f" {listed} {keeps} draws: the scenario's correlation with {setters} is set aside."


def _input_table(
    one: WorldScenario, axes: Sequence[Axis], drawn: Results, seed: int, correlated: bool
) -> dict[str, FloatArray]:
    """Return the inputs of every combination of the axes' values in each of ``drawn``'s futures, C order.

    Each future's other inputs are as drawn, except (if ``correlated``) those the scenario
    correlates with a set one.
    """
    futures = drawn.n_samples
    sizes = [len(a.values) for a in axes]
    cells = int(np.prod(sizes))
    drawn_in = drawn.dataset["input_value"]
    table = {n: np.tile(drawn_in.sel(input=n).to_numpy(), cells) for n in uncertain_input_names(one)}
    before = 1
    for axis, size in zip(axes, sizes, strict=True):
        after = cells // (before * size)
        table[axis.name] = np.repeat(np.tile(axis.values, before), after * futures)
        before *= size
    if correlated:
        _move_correlated(one, axes, table, seed, futures)
    return table


def _move_correlated(
    sc: WorldScenario, axes: Sequence[Axis], table: dict[str, FloatArray], seed: int, futures: int
) -> None:
    """Set, in each cell of ``table``, the inputs correlated with the axes' to their values given them."""
    if not moved_with(sc, [a.name for a in axes]):
        return
    for c, at in enumerate(product(*(range(len(a.values)) for a in axes))):
        quantiles = {a.name: float(a.quantiles[i]) for a, i in zip(axes, at, strict=True)}
        for name, values in conditional_values(sc, seed, futures, quantiles).items():
            table[name][c * futures : (c + 1) * futures] = values


def _param_words(sc: WorldScenario, path: str) -> tuple[str, str, str]:
    """Return a parameter's name, its meaning in words and its units (read from its name's suffix)."""
    info = {p.path: p for p in scenario_parameters(sc)}[path]
    # Its meaning's first clause: the schema's description goes on to say how it is used.
    description = re.split(r" \(|; |\. ", info.description or path)[0].rstrip(".")
    if description[1:2].islower():  # said mid-sentence: "most IT load", not "Most IT load"
        description = description[0].lower() + description[1:]
    leaf = path.rsplit(".", 1)[-1]
    suffixes = {"_frac": "fraction", "_mw": "MW", "_kw": "kW", "_quarters": "quarters", "_years": "years"}
    units = "USD" if "_usd" in leaf else next((u for end, u in suffixes.items() if leaf.endswith(end)), "")
    return path, description, units


def check_param(
    sc: WorldScenario,
    path: str,
    value_range: Sequence[float] | None,
    options: tuple[str, str] = ("param", "param_range"),
) -> None:
    """Check a parameter and its range; each error names its option (``options``: the path's, the range's)."""
    path_option, range_option = options
    params = {p.path: p for p in scenario_parameters(sc) if isinstance(p.value, float)}
    if path not in params:
        msg = (
            f"{path!r} is not one of the numbers of {sc.name} a break-even sweeps (those "
            f"labecon.scenario_parameters lists with a number); e.g. {', '.join(list(params)[:3])}"
        )
        raise OptionError(msg, path_option)
    info = params[path]
    given = list(value_range) if isinstance(value_range, tuple | list) else []
    if len(given) != 2 or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in given):
        msg = f"must be two numbers, low then high, got {value_range!r}"
        raise OptionError(msg, range_option)
    low, high = float(given[0]), float(given[1])
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        msg = f"must be two finite numbers, low then high, got {value_range!r}"
        raise OptionError(msg, range_option)
    below = info.minimum is not None and low < info.minimum
    if below or (info.maximum is not None and high > info.maximum):
        msg = f"must lie within {path}'s bounds ({info.bounds}), got {low:g} to {high:g}"
        raise OptionError(msg, range_option)


def point_columns(result: Any, i: int) -> dict[str, Any]:
    """Return the first columns of a break-even's table row: the route, and the input at its ``i``-th value.

    ``result`` is a :class:`Breakeven` or a :class:`~labecon.analysis.breakeven_map.BreakevenMap`
    (the same fields for the first input).
    """
    return {
        "lab": result.lab,
        "route": result.route,
        "declared": result.declared,
        "input": result.input,
        "units": result.units,
        "quantile": result.quantiles[i] if result.quantiles else None,
        "value": result.values[i],
    }


def percentile(q: float) -> str:
    """Return a quantile as a percentile in words: ``2nd``, ``50th``, ``97.5th``."""
    n = q * 100
    if abs(n - round(n)) > 1e-9:
        return f"{n:.3g}th"
    whole = round(n)
    suffix = "th" if 10 <= whole % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(whole % 10, "th")
    return f"{whole}{suffix}"


def crossings(x: FloatArray, y: FloatArray) -> list[tuple[float, int]]:
    """Return where ``y``, linear between the points, crosses zero: ``(x there, segment)``, in order."""
    out: list[tuple[float, int]] = []
    for i in range(len(x) - 1):
        a, b = float(y[i]), float(y[i + 1])
        if a == 0.0 and (not out or out[-1][0] != float(x[i])):
            out.append((float(x[i]), i))
        elif a * b < 0.0:
            out.append((float(x[i] + (x[i + 1] - x[i]) * a / (a - b)), i))
    if len(y) and float(y[-1]) == 0.0:
        out.append((float(x[-1]), len(x) - 2))
    return out


def crossing_se(x: FloatArray, mean: FloatArray, se: FloatArray, i: int) -> float:
    """Return how far a crossing on segment ``i`` could be off: the gain's standard error over the slope."""
    slope = (mean[i + 1] - mean[i]) / (x[i + 1] - x[i]) if x[i + 1] != x[i] else 0.0
    if slope == 0.0:
        return float("inf")
    return float(0.5 * (se[i] + se[i + 1]) / abs(slope))


def check_breakeven(
    sc: WorldScenario,
    route: str,
    name: str | None,
    points: int = POINTS,
    futures: int = FUTURES,
    low_q: float = LOW_Q,
    high_q: float = HIGH_Q,
    param: str | None = None,
    param_range: Sequence[float] | None = None,
) -> tuple[str, str]:
    """Check a break-even's options (each error names its option); return the lab and the route."""
    if (name is None) == (param is None):
        msg = "give either an uncertain input or a number of the scenario (param) to sweep, not both"
        raise OptionError(msg, "input_name")
    lab, colon, to = route.partition(":")
    offered = [f"{key}:{r}" for key, spec in sc.labs.items() for r in spec.routes if r != spec.route]
    if not colon or lab not in sc.labs or to not in sc.labs[lab].routes or to == sc.labs[lab].route:
        msg = f"{route!r} is not an alternative route (lab:route) of {sc.name}; expected one of: "
        raise OptionError(msg + (", ".join(offered) or "none (no lab names routes)"), "route")
    names = uncertain_input_names(sc)
    if name is not None and name not in names:
        msg = f"{name!r} is not an uncertain input of {sc.name}; expected one of: {', '.join(names)}"
        raise OptionError(msg, "input_name")
    if isinstance(points, bool) or not isinstance(points, int) or not 3 <= points <= MAX_POINTS:
        msg = f"must be a whole number of values from 3 to {MAX_POINTS}, got {points!r}"
        raise OptionError(msg, "points")
    if isinstance(futures, bool) or not isinstance(futures, int) or futures < 2:
        msg = f"must be a whole number of futures, 2 or more, got {futures!r}"
        raise OptionError(msg, "futures")
    if not 0.0 < low_q < high_q < 1.0:
        msg = f"must be 0 < low < high < 1, got {low_q!r} and {high_q!r}"
        raise OptionError(msg, "quantiles")
    if param is not None:
        check_param(sc, param, param_range)
    return lab, to
