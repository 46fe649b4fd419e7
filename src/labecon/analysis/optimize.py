"""Tune strategy parameters for an objective under a risk limit, every candidate on common random numbers.

Optimiser: Optuna's TPE sampler, seeded (reproducible), with Optuna's
constraint handling (``Trial.set_constraint``: a candidate breaking a limit is
steered away from, and never chosen as best). TPE was chosen over SciPy's local optimisers because
the objective is a Monte Carlo estimate (noisy in the parameters unless the
draws are fixed, and flat or stepped in integer parameters such as lead
times), and it handles integer and categorical parameters natively; over
CMA-ES because typical searches here have few parameters and a small budget
of evaluations.

Every candidate runs on the same seed and sample count, so sample i sees the
same input draws for every candidate (common random numbers): differences
between candidates are differences of strategy, not of luck.

Objectives and constraints are written ``STAT(OUTPUT)``, e.g. ``mean(npv_usd[lab=a])``
or ``p_positive(saving)``; a constraint adds ``<=`` or ``>=`` and a limit, e.g.
``mean(is_ruined) <= 0.05`` (the mean of a 0/1 output is its probability).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel
from scipy.special import ndtri

from labecon import layout
from labecon.analysis._select import output_values
from labecon.analysis.metrics import mean_estimate, probability_estimate
from labecon.errors import ImplausibleValueWarning, OptionalDependencyError, OptionError, ScenarioError
from labecon.jsonable import read_json, write_json
from labecon.runtime.run import simulate
from labecon.runtime.summary import Estimate, summarize
from labecon.scenario.loader import ScenarioSource, load_scenario
from labecon.scenario.overrides import with_overrides
from labecon.scenario.schema import Scenario
from labecon.tables import write_csv
from labecon.types import EngineName, FloatArray

STATISTICS = ("mean", "p5", "p50", "p95", "sd", "p_positive", "p_negative")
"""Statistics an objective or constraint can use."""

ParamRange = tuple[float, float] | tuple[int, int] | Sequence[Any]
"""``(low, high)`` floats (continuous), ``(low, high)`` ints (whole numbers) or a list of choices."""

_STAT_RE = re.compile(r"^\s*(?P<stat>[a-z_0-9]+)\s*\(\s*(?P<output>[^()]+?)\s*\)\s*$")
_CONSTRAINT_RE = re.compile(r"^(?P<lhs>.+?)\s*(?P<op><=|>=)\s*(?P<limit>[-+0-9.eE]+)\s*$")


@dataclass(frozen=True)
class Statistic:
    """``STAT(OUTPUT)``: a statistic over samples of one output."""

    stat: str
    output: str

    @classmethod
    def parse(cls, text: str) -> Statistic:
        """Parse ``"mean(saving)"``; a bare output name means its mean."""
        m = _STAT_RE.match(text)
        stat, output = (m["stat"], m["output"]) if m else ("mean", text.strip())
        if stat not in STATISTICS:
            msg = f"unknown statistic {stat!r} in {text!r}; expected one of: {', '.join(STATISTICS)}"
            raise OptionError(msg, "objective")
        if not output or "(" in output:
            msg = f"expected STAT(OUTPUT) or OUTPUT, got {text!r}"
            raise OptionError(msg, "objective")
        return cls(stat, output)

    def __str__(self) -> str:
        return f"{self.stat}({self.output})"

    def estimate(self, values: FloatArray) -> Estimate:
        """Return the statistic of per-sample ``values`` with its Monte Carlo SE."""
        if values.ndim != 1:
            msg = f"{self} is not one number per sample; select one element, e.g. OUTPUT[lab=a]"
            raise OptionError(msg, "objective")
        if self.stat == "mean":
            return mean_estimate(values)
        if self.stat == "p_positive":
            return probability_estimate(values > 0)
        if self.stat == "p_negative":
            return probability_estimate(values < 0)
        s = summarize(values)
        if self.stat == "sd":
            return Estimate(s.sd, s.sd / np.sqrt(2 * (values.shape[0] - 1)))
        return s.percentiles[float(self.stat[1:])]


@dataclass(frozen=True)
class Constraint:
    """``STAT(OUTPUT) <= limit`` or ``>= limit``."""

    statistic: Statistic
    op: Literal["<=", ">="]
    limit: float

    @classmethod
    def parse(cls, text: str) -> Constraint:
        """Parse ``"mean(is_ruined) <= 0.05"``."""
        m = _CONSTRAINT_RE.match(text)
        if m is None:
            msg = f"expected 'STAT(OUTPUT) <= LIMIT' or '>= LIMIT', got {text!r}"
            raise OptionError(msg, "constraints")
        op: Literal["<=", ">="] = "<=" if m["op"] == "<=" else ">="
        return cls(Statistic.parse(m["lhs"]), op, float(m["limit"]))

    def __str__(self) -> str:
        return f"{self.statistic} {self.op} {self.limit:g}"

    def excess(self, value: float) -> float:
        """Return how far ``value`` breaks the limit (<= 0 when satisfied)."""
        return value - self.limit if self.op == "<=" else self.limit - value


@dataclass(frozen=True)
class Candidate:
    """One evaluated set of parameters."""

    number: int
    params: dict[str, Any]
    objective: Estimate
    constraints: list[Estimate]
    feasible: bool


@dataclass(frozen=True)
class OptimizationResult:
    """The result of :func:`optimize`.

    ``frontier`` holds the candidates no other beats on both the objective and
    the first constraint's statistic (the risk), best objective first.
    ``n_evaluations`` counts every candidate tried, including those the
    scenario's own rules rejected (``info["n_rejected"]``).
    """

    objective: str
    goal: Literal["max", "min"]
    constraints: list[str]
    best: Candidate
    best_ci: tuple[float, float]
    candidates: list[Candidate]
    frontier: list[Candidate]
    n_evaluations: int
    seed: int
    level: float = 0.95
    info: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        """Say the best candidate and its objective (not every candidate)."""
        limits = f" subject to {', '.join(self.constraints)}" if self.constraints else ""
        params = ", ".join(
            f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.best.params.items()
        )
        return (
            f"<Optimisation: {self.goal} {self.objective}{limits}, {len(self.candidates)} candidates, "
            f"seed {self.seed}: best {params}, {self.objective} = {float(self.best.objective.value):.4g} "
            f"({'feasible' if self.best.feasible else 'no candidate met the limits'}); "
            "read with .best, .candidates, .frontier, .to_dict(), .save(directory)>"
        )

    def rows(self) -> list[dict[str, Any]]:
        """Return the candidates as a table: a row each, its parameters, objective and constraints."""
        frontier = {c.number for c in self.frontier}
        out = []
        for c in self.candidates:
            limits: dict[str, float] = {}
            for text, estimate in zip(self.constraints, c.constraints, strict=True):
                # A column per constraint's statistic (its left-hand side), its limit said in the JSON.
                stat = re.split(r"<=|>=", text)[0].strip()
                name = stat if stat not in limits and stat != self.objective else text
                limits |= {name: float(estimate.value), f"{name} se": float(estimate.se)}
            out.append(
                {
                    "candidate": c.number,
                    **c.params,
                    self.objective: float(c.objective.value),
                    f"{self.objective} se": float(c.objective.se),
                    **limits,
                    "feasible": c.feasible,
                    "on_frontier": c.number in frontier,
                    "best": c.number == self.best.number,
                }
            )
        return out

    def save(self, directory: str | Path) -> Path:
        """Write the result as ``optimization.json`` into a run's folder, where the report finds it.

        Its candidates go beside it as ``optimization.csv`` (:meth:`rows`), for a spreadsheet.
        """
        write_csv(Path(directory) / layout.analysis_table("optimization"), self.rows())
        return write_json(Path(directory) / layout.OPTIMIZATION_JSON, self.to_dict())

    @classmethod
    def load(cls, directory: str | Path) -> OptimizationResult:
        """Read back a result :meth:`save` wrote into ``directory``."""
        return cls.from_dict(read_json(Path(directory) / layout.OPTIMIZATION_JSON))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OptimizationResult:
        """Return the result :meth:`to_dict` described."""

        def est(e: dict[str, float]) -> Estimate:
            return Estimate(float(e["value"]), float(e["se"]))

        def cand(c: dict[str, Any]) -> Candidate:
            constraints = [est(e) for e in c["constraints"]]
            return Candidate(
                int(c["number"]), dict(c["params"]), est(c["objective"]), constraints, c["feasible"]
            )

        low, high = data["best_ci"]
        return cls(
            objective=data["objective"],
            goal=data["goal"],
            constraints=list(data["constraints"]),
            best=cand(data["best"]),
            best_ci=(float(low), float(high)),
            candidates=[cand(c) for c in data["candidates"]],
            frontier=[cand(c) for c in data["frontier"]],
            n_evaluations=int(data["n_evaluations"]),
            seed=int(data["seed"]),
            level=float(data["level"]),
            info=dict(data["info"]),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain JSON-ready values."""

        def cand(c: Candidate) -> dict[str, Any]:
            return {
                "number": c.number,
                "params": c.params,
                "objective": {"value": float(c.objective.value), "se": float(c.objective.se)},
                "constraints": [{"value": float(e.value), "se": float(e.se)} for e in c.constraints],
                "feasible": c.feasible,
            }

        return {
            "objective": self.objective,
            "goal": self.goal,
            "constraints": self.constraints,
            "best": cand(self.best),
            "best_ci": list(self.best_ci),
            "level": self.level,
            "frontier": [cand(c) for c in self.frontier],
            "candidates": [cand(c) for c in self.candidates],
            "n_evaluations": self.n_evaluations,
            "seed": self.seed,
            "info": self.info,
        }


def _optuna() -> Any:
    try:
        import optuna
    except ImportError:
        msg = "optimisation needs Optuna: pip install 'labecon[analysis]'"
        raise OptionalDependencyError(msg) from None
    return optuna


def _is_range(spec: ParamRange) -> bool:
    return isinstance(spec, tuple) and len(spec) == 2 and all(isinstance(v, int | float) for v in spec)


def _check_spec(name: str, spec: ParamRange) -> None:
    """Refuse a parameter's range or choices before the search starts (not inside a trial)."""
    if _is_range(spec):
        low, high = spec
        if low >= high:
            msg = f"range must have low < high, got {spec}"
            raise OptionError(msg, f"parameters.{name}")
    elif not list(spec):
        msg = "needs a (low, high) range or a non-empty list of choices"
        raise OptionError(msg, f"parameters.{name}")


def _suggest(trial: Any, name: str, spec: ParamRange) -> Any:
    if _is_range(spec):
        low, high = spec
        if isinstance(low, int) and isinstance(high, int) and not isinstance(low, bool):
            return trial.suggest_int(name, low, high)
        return trial.suggest_float(name, float(low), float(high))
    return trial.suggest_categorical(name, list(spec))


def optimize_function(
    evaluate: Callable[[dict[str, Any]], Callable[[str], FloatArray]],
    parameters: Mapping[str, ParamRange],
    objective: str,
    constraints: Sequence[str] = (),
    *,
    goal: Literal["max", "min"] = "max",
    n_trials: int = 40,
    seed: int = 0,
    level: float = 0.95,
) -> OptimizationResult:
    """Optimise over ``parameters`` where ``evaluate(params)`` returns a lookup of per-sample outputs.

    ``evaluate(params)(output_ref)`` must give that output's per-sample values
    for the candidate; it is called once per candidate.

    Raises
    ------
    OptionError
        A malformed objective, constraint or range, or no candidate meeting
        every constraint (the message gives the closest one).
    """
    if goal not in ("max", "min"):
        msg = f"must be 'max' or 'min', got {goal!r}"
        raise OptionError(msg, "goal")
    if not parameters:
        msg = "give at least one parameter to tune"
        raise OptionError(msg, "parameters")
    if n_trials < 1:
        msg = f"must be >= 1, got {n_trials}"
        raise OptionError(msg, "n_trials")
    for name, spec in parameters.items():
        _check_spec(name, spec)
    obj = Statistic.parse(objective)
    cons = [Constraint.parse(c) for c in constraints]
    optuna = _optuna()
    candidates: list[Candidate] = []
    rejected: list[tuple[dict[str, Any], str]] = []

    def run_trial(trial: Any) -> float:
        params = {name: _suggest(trial, name, spec) for name, spec in parameters.items()}
        try:
            lookup = evaluate(params)
        except ScenarioError as exc:
            # A combination the scenario's own rules forbid (e.g. shares summing past 1):
            # not a candidate; the search goes on elsewhere.
            rejected.append((params, str(exc)))
            raise optuna.TrialPruned(str(exc)) from None
        o = obj.estimate(lookup(obj.output))
        ests = [c.statistic.estimate(lookup(c.statistic.output)) for c in cons]
        excess = [c.excess(float(e.value)) for c, e in zip(cons, ests, strict=True)]
        for k, x in enumerate(excess):
            trial.set_constraint(f"c{k}", x)
        candidates.append(Candidate(trial.number, params, o, ests, feasible=all(x <= 0 for x in excess)))
        return float(o.value)

    level_before = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        study = optuna.create_study(
            direction="maximize" if goal == "max" else "minimize",
            sampler=optuna.samplers.TPESampler(seed=seed),
        )
        study.optimize(run_trial, n_trials=n_trials)
    finally:
        # Optuna's own logger would print a line per candidate; restore what the user had.
        optuna.logging.set_verbosity(level_before)
    if not candidates:
        params, problem = rejected[0]
        msg = f"every one of {len(rejected)} candidates broke the scenario's rules, e.g. {params}: {problem}"
        raise OptionError(msg, "parameters")
    feasible = [c for c in candidates if c.feasible]
    if not feasible:
        closest = min(
            candidates,
            key=lambda c: max(k.excess(float(e.value)) for k, e in zip(cons, c.constraints, strict=True)),
        )
        got = ", ".join(
            f"{k.statistic} = {float(e.value):.4g}" for k, e in zip(cons, closest.constraints, strict=True)
        )
        msg = (
            f"no candidate met {' and '.join(str(c) for c in cons)} in {len(candidates)} evaluations; "
            f"the closest had {got} at {closest.params}"
        )
        raise OptionError(msg, "constraints")
    sign = 1.0 if goal == "max" else -1.0
    best = max(feasible, key=lambda c: sign * float(c.objective.value))
    z = float(ndtri(0.5 + level / 2))
    ci = (
        float(best.objective.value - z * best.objective.se),
        float(best.objective.value + z * best.objective.se),
    )
    return OptimizationResult(
        objective=str(obj),
        goal=goal,
        constraints=[str(c) for c in cons],
        best=best,
        best_ci=ci,
        candidates=candidates,
        frontier=_frontier(candidates, sign, cons[0] if cons else None),
        n_evaluations=len(candidates) + len(rejected),
        seed=seed,
        level=level,
        info={"n_rejected": len(rejected), "at_edge": _at_edge(best.params, parameters)},
    )


EDGE_FRAC = 0.02
"""A best value within this share of its range from an end is said to be at that end."""


def _at_edge(params: Mapping[str, Any], parameters: Mapping[str, ParamRange]) -> dict[str, str]:
    """Return, per numeric parameter whose best value is at an end of its range, ``"low"`` or ``"high"``.

    The best may then lie beyond the range searched: worth saying, with the end.
    """
    out = {}
    for name, spec in parameters.items():
        if not _is_range(spec) or name not in params:
            continue
        low, high = (float(x) for x in spec)
        value, margin = float(params[name]), EDGE_FRAC * (float(high) - float(low))
        if value <= low + margin:
            out[name] = "low"
        elif value >= high - margin:
            out[name] = "high"
    return out


def _frontier(candidates: Sequence[Candidate], sign: float, risk: Constraint | None) -> list[Candidate]:
    """Return candidates not beaten on both objective and risk (the first constraint), best first."""
    if risk is None:
        return sorted(candidates, key=lambda c: -sign * float(c.objective.value))[:1]
    rsign = 1.0 if risk.op == "<=" else -1.0  # lower risk is better for an upper limit

    def key(c: Candidate) -> tuple[float, float]:
        return sign * float(c.objective.value), -rsign * float(c.constraints[0].value)

    front: list[Candidate] = []
    for c in sorted(candidates, key=key, reverse=True):
        if not front or key(c)[1] > key(front[-1])[1]:
            front.append(c)
    return front


def optimize(
    scenario: ScenarioSource,
    parameters: Mapping[str, ParamRange],
    objective: str,
    constraints: Sequence[str] = (),
    *,
    lab: str | None = None,
    goal: Literal["max", "min"] = "max",
    n_trials: int = 40,
    n_samples: int | None = None,
    seed: int | None = None,
    engine: EngineName = "auto",
    backend: Any = "local",
) -> OptimizationResult:
    """Tune a scenario's strategy parameters to optimise an objective under risk limits.

    Parameters
    ----------
    scenario : Scenario, mapping, str or Path
        The scenario.
    parameters : mapping
        Dotted path of each parameter to tune -> its range, e.g.
        ``{"strategies.build.headroom_frac": (0.0, 0.5),
        "strategies.build.lead_time_quarters": (2, 8)}``.
    objective : str
        ``STAT(OUTPUT)`` to optimise, e.g. ``"mean(npv_usd)"``.
    constraints : list of str
        Limits such as ``"mean(is_ruined) <= 0.05"``; the first is the risk axis
        of the frontier.
    lab : str, optional
        For outputs with a ``lab`` dim: the lab whose outputs are used; a
        parameter path starting ``strategy.`` then means that lab's strategy
        (``labs.<lab>.strategy....``).
    goal : {"max", "min"}
        Maximise or minimise the objective.
    n_trials : int
        Candidates evaluated (each a full Monte Carlo run of ``n_samples``).
    engine, backend : optional
        :func:`~labecon.simulate`'s, for every candidate's run (a backend made once with
        :func:`~labecon.make_backend` serves them all); the result does not depend on them.

    Raises
    ------
    OptionError
        Unknown output or statistic, malformed range, or no candidate meets
        the constraints.
    ScenarioError
        A parameter path names no field of the scenario, or a value is out of
        the field's bounds.
    """
    sc = load_scenario(scenario)
    run_seed = sc.run.seed if seed is None else seed
    n = n_samples if n_samples is not None else min(sc.run.n_samples, 20_000)
    select = {"lab": lab} if lab is not None else None
    if lab is not None:
        # "strategy.headroom_frac" is the lab's own strategy field: labs.<lab>.strategy.headroom_frac.
        parameters = {
            (f"labs.{lab}.{p}" if p.startswith("strategy.") else p): r for p, r in parameters.items()
        }
    # Check every range, path and output before spending a single run.
    for path, spec in parameters.items():
        _check_spec(path, spec)
    first = {path: _first_value(spec) for path, spec in parameters.items()}
    try:
        probe = simulate(_candidate(sc, first), 2, run_seed, keep="outputs", engine=engine)
    except ScenarioError as exc:
        where = ", ".join(f"{k} = {v}" for k, v in first.items())
        msg = f"{exc.problem} (trying each parameter's low end or first choice: {where})"
        raise ScenarioError(msg, exc.path) from None
    obj = Statistic.parse(objective)
    for ref in [obj.output, *(Constraint.parse(c).statistic.output for c in constraints)]:
        output_values(probe, ref, select)

    def evaluate(params: dict[str, Any]) -> Callable[[str], FloatArray]:
        res = simulate(_candidate(sc, params), n, run_seed, keep="outputs", engine=engine, backend=backend)
        return lambda ref: output_values(res, ref, select)

    result = optimize_function(
        evaluate, parameters, objective, constraints, goal=goal, n_trials=n_trials, seed=run_seed
    )
    result.info.update(
        {"scenario": sc.name, "n_samples": n, "parameters": {k: list(v) for k, v in parameters.items()}}
    )
    # The scenario as declared, on the same draws: what the best candidate improves on.
    lookup = evaluate({})
    declared = {path: _declared_value(sc, path) for path in parameters}
    result.info["declared"] = {
        "params": declared,
        "objective": _plain_estimate(obj.estimate(lookup(obj.output))),
        "constraints": [
            _plain_estimate(
                Constraint.parse(c).statistic.estimate(lookup(Constraint.parse(c).statistic.output))
            )
            for c in constraints
        ],
    }
    return result


def _plain_estimate(e: Estimate) -> dict[str, float]:
    return {"value": float(e.value), "se": float(e.se)}


def _declared_value(sc: BaseModel, path: str) -> Any:
    """Return the value the scenario declares at a dotted path (None where the path has an index)."""
    data: dict[str, Any] = sc.model_dump(mode="json")
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if isinstance(node, str) and node in (data.get("inputs") or {}):
        return f"{node} (uncertain)"  # the field takes an uncertain input's draws
    return node


def _first_value(spec: ParamRange) -> Any:
    values = list(spec)
    return values[0] if values else None


def _candidate(scenario: Scenario, params: Mapping[str, Any]) -> Scenario:
    """Return the scenario at one trial point; the search's own values are not warned about one by one."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImplausibleValueWarning)
        return with_overrides(scenario, params)
