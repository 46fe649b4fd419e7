"""Where two inputs together turn a route answer: the break-even of one input at each value of another.

A one-way break-even (:func:`~labecon.analysis.breakeven.breakeven`) holds every other input as
drawn. An analyst's next question is how the break-even moves with a second input: below what
decline of cloud prices building pays, when data centres cost more or take longer. Here the
first input is set to each value of its grid and the second to each of its own, every
combination in every one of the same futures (each future's other inputs, risk events and
funding rounds as drawn in it), so the cells differ only in the two inputs. Each row of the map
is a one-way break-even at one value of the second input, found the same way: where the mean
gain crosses zero on the line between the first input's values. The inputs the scenario
correlates with either move with them, as in a one-way break-even.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from labecon import layout
from labecon.amounts import spread_in_units as spread
from labecon.amounts import value_in_units as amount
from labecon.analysis.breakeven import (
    FUTURES,
    HIGH_Q,
    LOW_Q,
    POINTS,
    axis_of,
    check_breakeven,
    check_param,
    correlation_words,
    crossing_se,
    crossings,
    gain_grid,
    point_columns,
    route_futures,
    world_of,
)
from labecon.analysis.conditional import moved_with
from labecon.analysis.metrics import mean_estimate
from labecon.errors import OptionError
from labecon.jsonable import write_json
from labecon.runtime.work import uncertain_input_names
from labecon.scenario.loader import ScenarioSource
from labecon.scenario.names import reader_names
from labecon.scenario.schema import WorldScenario
from labecon.tables import write_csv

BY_POINTS = 5
"""Values of the second input tried by default: its 2nd, 26th, 50th, 74th and 98th percentiles."""
MAX_BY_POINTS = 21


@dataclass(frozen=True)
class BreakevenMap:
    """An alternative route's mean gain over its lab's declared route on a grid of two inputs (USD).

    ``values`` are the first input's (``input``, in ``units``), ``by_values`` the second's
    (``by``, in ``by_units``); each is an uncertain input's quantiles (``quantiles``,
    ``by_quantiles``) or a scenario's number swept over a range (no quantiles; its dotted path
    is its name). ``mean_gain_usd[j][i]`` is the route's mean gain in NPV with ``by`` at
    ``by_values[j]`` and ``input`` at ``values[i]``, over the same futures
    (``mean_gain_se_usd`` its standard error, ``p_beats`` the share of them the route wins).
    ``breakeven[j]`` holds where the mean gain crosses zero along the first input with the
    second at ``by_values[j]`` (none: it does not turn the answer there), ``breakeven_se[j]``
    how far each could be off.
    """

    scenario: str
    seed: int
    lab: str
    lab_name: str
    declared: str
    route: str
    futures: int
    input: str
    description: str
    units: str
    quantiles: list[float]
    values: list[float]
    by: str
    by_description: str
    by_units: str
    by_quantiles: list[float]
    by_values: list[float]
    mean_gain_usd: list[list[float]]
    mean_gain_se_usd: list[list[float]]
    p_beats: list[list[float]]
    breakeven: list[list[float]]
    breakeven_se: list[list[float]]
    correlated_inputs: list[str] = field(default_factory=list)
    """The inputs the scenario correlates with those set: with ``correlated``, moved with them in
    each future (:mod:`labecon.analysis.conditional`); else left as drawn."""
    correlated: bool = True
    correlated_with: list[str] = field(default_factory=list)
    """Which of the two inputs set the scenario correlates ``correlated_inputs`` with."""
    pair_rank_correlation: float | None = None
    """The scenario's rank correlation between the two inputs, where it correlates them: the
    map's cells where one is high and the other low are then futures it holds unlikely."""

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready built-in types, with its :meth:`summary`."""
        return {**asdict(self), "summary": self.summary()}

    def rows(self) -> list[dict[str, Any]]:
        """Return the map as a table: a row per pair of values, the route's gain there in USD."""
        return [
            {
                **point_columns(self, i),
                "by": self.by,
                "by_units": self.by_units,
                "by_quantile": self.by_quantiles[j] if self.by_quantiles else None,
                "by_value": by_value,
                "mean_gain_usd": self.mean_gain_usd[j][i],
                "mean_gain_se_usd": self.mean_gain_se_usd[j][i],
                "p_beats": self.p_beats[j][i],
            }
            for j, by_value in enumerate(self.by_values)
            for i in range(len(self.values))
        ]

    def save(self, directory: str | Path) -> Path:
        """Write the result as ``breakeven_map.json`` into an analysis's folder, its cells as ``.csv``."""
        write_csv(Path(directory) / layout.analysis_table("breakeven_map"), self.rows())
        return write_json(Path(directory) / layout.analysis_file("breakeven_map"), self.to_dict())

    def row_words(self, j: int) -> str:
        """Return the break-even along the first input with the second at its ``j``-th value, in words."""
        found = self.breakeven[j]
        if len(found) == 1:
            return f"{amount(found[0], self.units)} (± {spread(self.breakeven_se[j][0], self.units)})"
        if found:
            return "at " + ", ".join(amount(x, self.units) for x in found)
        side = "beats" if self.mean_gain_usd[j][0] > 0 else "trails"
        return f"none ({self.route} {side} {self.declared} at every value tried)"

    def summary(self) -> str:
        """Return the answer in words: the break-even of the first input at each value of the second."""
        words = correlation_words(self.correlated_with, self.correlated_inputs, self.correlated)
        pair = self.pair_words()
        return self._answer() + words + (f" {pair}" if pair else "")

    def pair_words(self) -> str:
        """Return, where the scenario correlates the two inputs, which cells of the map it holds unlikely."""
        rho = self.pair_rank_correlation
        if rho is None:
            return ""
        unlikely = "one high and the other low" if rho > 0 else "both high or both low"
        return (
            f"The scenario correlates {self.input} and {self.by} (rank correlation {rho:.2g}): the "
            f"map's values with {unlikely} are futures it holds unlikely."
        )

    def _answer(self) -> str:
        who = f"For {self.lab_name}, {self.route} against {self.declared}"
        if all(row == self.mean_gain_usd[0] for row in self.mean_gain_usd):
            ends = (
                f"{amount(self.by_values[0], self.by_units)} to {amount(self.by_values[-1], self.by_units)}"
            )
            return (
                f"{who}, the value of {self.description} ({self.input}) at which it breaks even on "
                f"average is the same wherever {self.by_description} ({self.by}) is set, from {ends}: "
                f"{self.row_words(0)}; {self.by} does not move this route's gain."
                + (f" {self.side()}" if self.side() else "")
            )
        rows = "; ".join(
            f"{self.row_words(j)} where {self.by} is {amount(y, self.by_units)}"
            for j, y in enumerate(self.by_values)
        )
        side = self.side()
        return (
            f"{who}, the value of {self.description} ({self.input}) at which it breaks even on "
            f"average, by {self.by_description} ({self.by}): {rows}." + (f" {side}" if side else "")
        )

    def side(self) -> str:
        """Return on which side of the break-even the route wins, in words (none if no row crosses once)."""
        single = [j for j, found in enumerate(self.breakeven) if len(found) == 1]
        if not single:
            return ""
        below = self.mean_gain_usd[single[0]][0] > 0
        return (
            f"{self.route.capitalize()} beats {self.declared} on average where {self.input} is "
            f"{'below' if below else 'above'} its break-even."
        )

    def __repr__(self) -> str:
        """Say the answer, not every cell."""
        run = f"{self.futures:,} futures, seed {self.seed}"
        return f"<BreakevenMap of {self.scenario!r}, {run}: {self.summary()}>"


def breakeven_map(
    scenario: ScenarioSource,
    route: str,
    input_name: str | None = None,
    *,
    by: str | None = None,
    param: str | None = None,
    param_range: Sequence[float] | None = None,
    by_param: str | None = None,
    by_param_range: Sequence[float] | None = None,
    points: int = POINTS,
    by_points: int = BY_POINTS,
    futures: int = FUTURES,
    seed: int | None = None,
    low_q: float = LOW_Q,
    high_q: float = HIGH_Q,
    correlated: bool = True,
    backend: Any = "local",
) -> BreakevenMap:
    """Return an alternative route's gain over its lab's declared route on a grid of two inputs.

    The first input (``input_name``, or a number of the scenario ``param`` over
    ``param_range``) takes ``points`` values, as in :func:`labecon.breakeven`; the second
    (``by``, an uncertain input, or ``by_param`` over ``by_param_range``) ``by_points`` values,
    its quantiles from ``low_q`` to ``high_q`` or evenly over its range. Every combination runs
    in each of the same ``futures`` futures; only this lab's route runs. The inputs the scenario
    correlates with those set move with them unless ``correlated`` is false.

    Raises
    ------
    ScenarioError
        If the scenario is not a world scenario.
    OptionError
        For what :func:`labecon.breakeven` refuses, and if neither or both of ``by`` and
        ``by_param`` are given (``by``), ``by`` is not an uncertain input or is the first input,
        ``by_param`` is not a number of the scenario or is ``param`` (``by_param``), its range
        is not two numbers within its bounds (``by_param_range``), or ``by_points`` is not from 2
        to 21; each names its option.
    """
    sc = world_of(scenario, "a break-even map")
    lab, to = check_breakeven(sc, route, input_name, points, futures, low_q, high_q, param, param_range)
    check_by(sc, input_name, param, by, by_param, by_param_range, by_points)
    spec = sc.labs[lab]
    one, drawn, run_seed = route_futures(sc, lab, to, futures, seed, backend)
    x = axis_of(sc, input_name, param, param_range, points, low_q, high_q)
    y = axis_of(sc, by, by_param, by_param_range, by_points, low_q, high_q)
    gain = gain_grid(one, route, [y, x], drawn, run_seed, backend, correlated)  # (by, input, future)
    mean, se = mean_estimate(np.moveaxis(gain, 2, 0))
    beats = (gain > 0).mean(axis=2)
    found = [crossings(x.values, mean[j]) for j in range(len(y.values))]
    set_inputs = [a.name for a in (x, y) if a.is_input]
    return BreakevenMap(
        scenario=sc.name,
        seed=run_seed,
        lab=lab,
        lab_name=reader_names(sc).lab(lab),
        declared=spec.route,
        route=to,
        futures=futures,
        input=x.name,
        description=x.description,
        units=x.units,
        quantiles=[float(q) for q in x.quantiles],
        values=[float(v) for v in x.values],
        by=y.name,
        by_description=y.description,
        by_units=y.units,
        by_quantiles=[float(q) for q in y.quantiles],
        by_values=[float(v) for v in y.values],
        mean_gain_usd=mean.tolist(),
        mean_gain_se_usd=se.tolist(),
        p_beats=beats.tolist(),
        breakeven=[[v for v, _ in row] for row in found],
        breakeven_se=[
            [crossing_se(x.values, mean[j], se[j], i) for _, i in row] for j, row in enumerate(found)
        ],
        correlated_inputs=moved_with(sc, set_inputs),
        correlated=correlated,
        correlated_with=[n for n in set_inputs if moved_with(sc, [n])],
        pair_rank_correlation=pair_rank_correlation(sc, set_inputs),
    )


def pair_rank_correlation(sc: WorldScenario, names: Sequence[str]) -> float | None:
    """Return the scenario's rank correlation between two inputs, or None if it does not correlate them."""
    corr = sc.correlation
    if corr is None or len(names) != 2 or not all(n in corr.names for n in names):
        return None
    r = float(corr.normal_matrix()[corr.names.index(names[0]), corr.names.index(names[1])])
    rho = 6.0 / np.pi * np.arcsin(r / 2.0)  # the rank correlation of normal scores correlated r
    return None if rho == 0.0 else round(float(rho), 12)


def check_by(
    sc: WorldScenario,
    input_name: str | None,
    param: str | None,
    by: str | None,
    by_param: str | None,
    by_param_range: Sequence[float] | None,
    by_points: int,
) -> None:
    """Check the second input of a break-even map (each error names its option)."""
    if (by is None) == (by_param is None):
        msg = "give either a second uncertain input (by) or a number of the scenario (by_param), not both"
        raise OptionError(msg, "by")
    names = uncertain_input_names(sc)
    if by is not None and by not in names:
        msg = f"{by!r} is not an uncertain input of {sc.name}; expected one of: {', '.join(names)}"
        raise OptionError(msg, "by")
    if by is not None and by == input_name:
        msg = f"must be another input than the one swept ({input_name}), got {by!r}"
        raise OptionError(msg, "by")
    if by_param is not None:
        if by_param == param:
            msg = f"must be another number than the one swept ({param}), got {by_param!r}"
            raise OptionError(msg, "by_param")
        check_param(sc, by_param, by_param_range, ("by_param", "by_param_range"))
    if isinstance(by_points, bool) or not isinstance(by_points, int) or not 2 <= by_points <= MAX_BY_POINTS:
        msg = f"must be a whole number of values from 2 to {MAX_BY_POINTS}, got {by_points!r}"
        raise OptionError(msg, "by_points")
