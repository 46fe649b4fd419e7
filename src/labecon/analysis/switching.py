"""When to switch routes: a lab's declared route until a date, then another, date by date.

For one lab, each candidate date is a route of its own: the declared strategy until that
quarter (with its own changes at dates before it, if it has any), then the shares of new
capacity of the route it switches to (``strategy.route_changes``). Every candidate, the route
taken from the start and the declared route kept throughout run on the same futures, so each
date's gain over staying is paired, and in each future one date (or never, or from the start)
is best. Capacity signed for before the
switch runs its course (docs/model.md, *A route that changes at a date*).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from labecon import layout
from labecon.amounts import money
from labecon.constants import SWITCH_EVERY_QUARTERS
from labecon.dates import quarter_label
from labecon.errors import OptionError, ScenarioError
from labecon.jsonable import write_json
from labecon.runtime.run import simulate
from labecon.scenario.loader import ScenarioSource, load_scenario
from labecon.scenario.names import reader_names
from labecon.scenario.routes import only_routes
from labecon.scenario.schema import WorldScenario, as_kind
from labecon.scenario.world import ROUTE_SHARES, strategy_phases
from labecon.tables import write_csv

EVERY_QUARTERS = SWITCH_EVERY_QUARTERS
"""Quarters between candidate dates by default: one a year."""


@dataclass(frozen=True)
class SwitchDates:
    """A lab's gain from switching from its declared route to another, by the date of the switch.

    ``dates[i]`` is the switch at quarter ``quarters[i]`` (``"from the start"`` at quarter 0);
    ``mean_gain_usd[i]`` its mean gain in NPV over keeping the declared route (USD, with
    ``mean_gain_se_usd[i]`` its Monte Carlo standard error; ``median_gain_usd[i]`` its median: a
    few futures' large losses or gains can put the mean and the median on opposite sides of
    zero), ``p_beats[i]`` the share of futures
    in which it beats keeping it, and ``p_best`` the share of futures in which each date (and
    ``"never"``) is the best of them all.
    """

    scenario: str
    lab: str
    lab_name: str
    declared: str
    to: str
    n_samples: int
    seed: int
    quarters: list[int]
    dates: list[str]
    mean_gain_usd: list[float]
    mean_gain_se_usd: list[float]
    median_gain_usd: list[float]
    p_beats: list[float]
    p_beats_se: list[float]
    p_best: dict[str, float] = field(default_factory=dict)
    """Share of futures in which each date, or ``"never"``, is the best."""
    close_to_best: list[str] = field(default_factory=list)
    """The other dates whose mean gain is within two standard errors of the best's (paired, on the
    same futures): at this sample count, not told apart from it."""

    @property
    def best(self) -> int:
        """Return the index of the date with the largest mean gain."""
        return int(np.argmax(self.mean_gain_usd))

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready built-in types, with its :meth:`summary`."""
        return {**asdict(self), "summary": self.summary()}

    def rows(self) -> list[dict[str, Any]]:
        """Return the dates as a table: a row per date (then ``never``), gains in USD."""
        common = {"lab": self.lab, "declared": self.declared, "to": self.to}
        out: list[dict[str, Any]] = [
            {
                **common,
                "quarter": quarter,
                "date": self.dates[i],
                "mean_gain_usd": self.mean_gain_usd[i],
                "mean_gain_se_usd": self.mean_gain_se_usd[i],
                "median_gain_usd": self.median_gain_usd[i],
                "p_beats": self.p_beats[i],
                "p_beats_se": self.p_beats_se[i],
                "p_best": self.p_best.get(self.dates[i]),
            }
            for i, quarter in enumerate(self.quarters)
        ]
        never = dict.fromkeys(out[0], None) if out else {}
        return [*out, {**never, **common, "date": "never", "p_best": self.p_best.get("never")}]

    def save(self, directory: str | Path) -> Path:
        """Write the result as ``switch.json`` into an analysis's folder, its dates as ``switch.csv``."""
        write_csv(Path(directory) / layout.analysis_table("switch"), self.rows())
        return write_json(Path(directory) / layout.analysis_file("switch"), self.to_dict())

    def summary(self) -> str:
        """Return the answer in a sentence: the best date on average, how often it beats staying."""
        i = self.best
        gain = f"{money(self.mean_gain_usd[i])} ± {money(self.mean_gain_se_usd[i])}"
        staying = f"keeping {self.declared}"
        if self.mean_gain_usd[i] <= 0:
            return (
                f"For {self.lab_name}, no date to switch from {self.declared} to {self.to} beats {staying} "
                f"on average; the least behind is {self.dates[i]} ({gain})."
            )
        when = self.dates[i] if self.quarters[i] == 0 else f"from {self.dates[i]}"
        close = (
            f" Not told apart from it at {self.n_samples:,} samples (within two standard errors): "
            f"{', '.join(self.close_to_best)}."
            if self.close_to_best
            else ""
        )
        unclear = (
            f" That is within two standard errors of {staying}: at {self.n_samples:,} samples, not told "
            "apart from it."
            if self.mean_gain_usd[i] < 2.0 * self.mean_gain_se_usd[i]
            else ""
        )
        return (
            f"For {self.lab_name}, switching from {self.declared} to {self.to} is best on average {when}: "
            f"{gain} above {staying}, which it beats in {self.p_beats[i]:.0%} of futures.{unclear}{close}"
        )

    def __repr__(self) -> str:
        """Say the answer, not every date."""
        run = f"{self.n_samples:,} samples, seed {self.seed}"
        return f"<SwitchDates of {self.scenario!r}, {run}: {self.summary()}>"


def switch_dates(
    scenario: ScenarioSource,
    lab: str,
    to: str,
    *,
    every_quarters: int = EVERY_QUARTERS,
    n_samples: int | None = None,
    seed: int | None = None,
    backend: Any = "local",
) -> SwitchDates:
    """Return a lab's gain from switching from its declared route to route ``to``, by date.

    Candidate dates: the start, then every ``every_quarters`` quarters until the horizon's
    last. The other labs keep their declared strategies; only this lab's routes are run.
    ``n_samples``, ``seed`` and ``backend`` are :func:`~labecon.simulate`'s.

    Raises
    ------
    ScenarioError
        If the scenario is not a world scenario.
    OptionError
        If ``lab`` names no lab with routes, ``to`` is not one of its alternative routes or
        changes more than its shares, or ``every_quarters`` is not a whole number of quarters
        within the horizon (each names the option).
    """
    loaded = load_scenario(scenario)
    sc = as_kind(loaded, WorldScenario)
    if sc is None:
        msg = f"switching routes needs a world scenario (labs in a market); {loaded.name!r} is not"
        raise ScenarioError(msg)
    check_switch(sc, lab, to, every_quarters)
    horizon = sc.horizon_quarters
    spec = sc.labs[lab]
    quarters = list(range(every_quarters, horizon, every_quarters))
    names = [f"{to}_from_{quarter_label(sc.start_year, q).replace(' ', '_')}" for q in quarters]
    routes = {to: spec.routes[to]} | {
        name: {"route_changes": switch_changes(sc, lab, to, q)}
        for name, q in zip(names, quarters, strict=True)
    }
    switched = only_routes(sc, lab, routes)
    run = simulate(switched, n_samples, seed, keep="outputs", backend=backend)
    npv = run.dataset["route_npv_usd"]
    labels = [to, *names]
    declared = npv.sel(route=f"{lab}:{spec.route}").to_numpy()
    by_date = np.stack([npv.sel(route=f"{lab}:{r}").to_numpy() for r in labels])  # (date, sample)
    gain = by_date - declared
    n = gain.shape[1]
    beats = (gain > 0).mean(axis=1)
    best = np.argmax(np.vstack([declared[None, :], by_date]), axis=0)  # 0: never
    dates = ["from the start", *(quarter_label(sc.start_year, q) for q in quarters)]
    p_best = {"never": float((best == 0).mean())} | {
        d: float((best == i + 1).mean()) for i, d in enumerate(dates)
    }
    return SwitchDates(
        scenario=sc.name,
        lab=lab,
        lab_name=reader_names(sc).lab(lab),
        declared=spec.route,
        to=to,
        n_samples=n,
        seed=int(run.manifest["seed"]),
        quarters=[0, *quarters],
        dates=dates,
        mean_gain_usd=[float(g) for g in gain.mean(axis=1)],
        mean_gain_se_usd=[float(g) for g in _standard_errors(gain)],
        median_gain_usd=[float(g) for g in np.median(gain, axis=1)],
        p_beats=[float(b) for b in beats],
        p_beats_se=[float(np.sqrt(b * (1 - b) / n)) for b in beats],
        p_best=p_best,
        close_to_best=[dates[i] for i in _close_to_best(gain)],
    )


def _close_to_best(gain: np.ndarray) -> list[int]:
    """Return the rows whose mean is within two paired standard errors of the largest mean's row."""
    best = int(np.argmax(gain.mean(axis=1)))
    behind = gain[best] - gain  # (date, sample): how far each date is behind the best, future by future
    se = _standard_errors(behind)
    return [i for i in range(gain.shape[0]) if i != best and behind[i].mean() < 2.0 * se[i]]


def _standard_errors(gain: np.ndarray) -> np.ndarray:
    """Return each row's Monte Carlo standard error of its mean (0 with one sample)."""
    n = gain.shape[1]
    if n < 2:
        return np.zeros(gain.shape[0])
    out: np.ndarray = gain.std(axis=1, ddof=1) / np.sqrt(n)
    return out


def switch_changes(scenario: WorldScenario, lab: str, to: str, quarter: int) -> list[dict[str, Any]]:
    """Return the route changes of ``lab`` switching to route ``to`` at ``quarter``.

    The declared strategy's own changes before ``quarter``, then a row setting every share of
    new capacity: route ``to``'s where it sets one, else the one the declared strategy has in
    force then (its changes after ``quarter`` are dropped: the lab has switched).
    """
    strategy = scenario.labs[lab].strategy
    route = scenario.labs[lab].routes[to]
    kept = [row for row in strategy.route_changes or [] if row.from_quarter < quarter]
    in_force = [phase for start, phase in strategy_phases(strategy) if start <= quarter][-1]
    shares = {name: route.get(name, getattr(in_force, name)) for name in ROUTE_SHARES}
    return [*(row.model_dump(exclude_none=True) for row in kept), {"from_quarter": quarter, **shares}]


def check_switch(scenario: WorldScenario, lab: str, to: str, every_quarters: int) -> None:
    """Check a switch's options.

    Raises
    ------
    OptionError
        As :func:`switch_dates` (each names its option).
    """
    _check_target(scenario, lab, to)
    horizon = scenario.horizon_quarters
    whole = isinstance(every_quarters, int) and not isinstance(every_quarters, bool)
    if not whole or not 1 <= every_quarters < horizon:
        msg = f"must be a whole number of quarters from 1 to {horizon - 1}, got {every_quarters!r}"
        raise OptionError(msg, "every_quarters")


def _check_target(sc: WorldScenario, lab: str, to: str) -> None:
    """Check that ``lab`` has routes and that ``to`` is one that changes only shares (named options)."""
    with_routes = [name for name, spec in sc.labs.items() if spec.routes]
    if lab not in sc.labs or not sc.labs[lab].routes:
        known = ", ".join(with_routes) or "none"
        msg = f"{lab!r} names no lab with routes in {sc.name}; those with routes: {known}"
        raise OptionError(msg, "lab")
    spec = sc.labs[lab]
    if to not in spec.routes:
        msg = f"{to!r} is not one of {lab}'s alternative routes; expected one of: {', '.join(spec.routes)}"
        raise OptionError(msg, "to")
    route = spec.routes[to]
    others = sorted(set(route) - set(ROUTE_SHARES))
    if others:
        msg = (
            f"route {to!r} changes more than the shares of new capacity ({', '.join(others)}): "
            "a switch at a date changes only the shares"
        )
        raise OptionError(msg, "to")
