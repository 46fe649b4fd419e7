"""Compare options on common random numbers: paired differences, P(A beats B), regret, EVPI, EVPPI.

An *option* is either a scenario variant (dotted-path overrides run with the
same seed, so sample i of every variant sees the same input draws) or one of
several outputs of a single run (e.g. ``pv_rent`` vs ``pv_build``). Either way
the comparison works on a ``(sample, option)`` table of one metric, and
:func:`compare_values` does the statistics on any such table.

Value of information
--------------------
With ``u[i, d]`` the metric of option ``d`` in sample ``i``, oriented so that
higher is better:

- **EVPI** = ``E[max_d u] - max_d E[u]``: the expected regret of the option
  that is best on average. It is >= 0 sample by sample, and exactly 0 when one
  option is best in every sample.
- **EVPPI** of an input (or group) ``θ`` = ``E_θ[max_d E[u_d | θ]] - max_d E[u_d]``.
  Method: the nonparametric regression estimator of Strong, Oakley & Brennan
  (2014), "Estimating multiparameter partial expected value of perfect
  information from a probabilistic sensitivity analysis sample", Medical
  Decision Making 34(3), doi:10.1177/0272989X13505910. Each option's
  incremental value over the first option is regressed on ``θ``; the fitted
  values stand in for ``E[u_d | θ]``. The smoother is a least-squares
  regression spline on the rank of each input (cubic with knots at its
  quantiles; for a group, the sum of those plus pairwise products), a
  GAM-like fit that is fast and needs no extra library. Its standard error
  comes from a bootstrap that refits the regression. The estimate is clipped
  to ``[0, EVPI]``, its theoretical range: with heavy-tailed values the
  regression can overfit and overshoot.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any, Literal

import numpy as np
from scipy.special import ndtri

from labecon import layout
from labecon.analysis._select import (
    input_table,
    output_values,
    pick_one_error,
    unpicked_dims,
)
from labecon.analysis.metrics import mean_estimate, probability_estimate
from labecon.errors import OptionError
from labecon.jsonable import read_json, write_json
from labecon.runtime.results import Results
from labecon.runtime.run import simulate
from labecon.runtime.summary import Estimate
from labecon.scenario.loader import ScenarioSource, load_scenario
from labecon.scenario.overrides import with_overrides
from labecon.scenario.routes import lab_routes
from labecon.scenario.schema import ComputeScenario, Scenario, WorldScenario, as_kind
from labecon.tables import write_csv
from labecon.types import EngineName, FloatArray

Goal = Literal["max", "min"]
"""Whether a higher (``max``) or lower (``min``) metric is better."""

EVPPI_METHOD = (
    "regression (Strong, Oakley & Brennan 2014): E[incremental value | input] fitted by a "
    "rank-based cubic regression spline; bootstrap SE"
)

_BOOTSTRAP = 40
_KNOTS = (0.2, 0.4, 0.6, 0.8)


@dataclass(frozen=True)
class PairedDifference:
    """``a - b`` on the same samples, with its CI and P(a beats b) under the goal."""

    a: str
    b: str
    mean: Estimate
    ci: tuple[float, float]
    p_a_beats_b: Estimate
    p_tie: float


@dataclass(frozen=True)
class Comparison:
    """The result of :func:`compare`.

    Attributes
    ----------
    options : list of str
        Names of the options, in the order given.
    metric : str
        What was compared (an output name, or a description).
    goal : {"max", "min"}
        Whether higher or lower is better.
    values : FloatArray
        The metric, ``(sample, option)``.
    regret : FloatArray
        How much worse than the best option in hindsight, ``(sample, option)``,
        in the metric's unit, >= 0.
    """

    options: list[str]
    metric: str
    goal: Goal
    values: FloatArray
    means: dict[str, Estimate]
    best: str
    differences: list[PairedDifference]
    p_best: dict[str, Estimate]
    regret: FloatArray
    mean_regret: dict[str, Estimate]
    evpi: Estimate
    evppi: dict[str, Estimate]
    level: float
    evppi_method: str = EVPPI_METHOD
    units: str = ""
    info: dict[str, Any] = field(default_factory=dict)
    by_metric: dict[str, Comparison] = field(default_factory=dict)
    """Comparisons of the same variants on further metrics (``metric=[...]``), by metric."""

    def __repr__(self) -> str:
        """Say what was compared and the answer (not the per-sample values)."""
        p_best = ", ".join(f"{o} {float(self.p_best[o].value):.1%}" for o in self.options)
        return (
            f"<Comparison of {', '.join(self.options)} on {self.metric} ({self.goal}), "
            f"{self.n_samples:,} paired samples: best on average {self.best}; P(best): {p_best}; "
            f"EVPI {float(self.evpi.value):.4g} {self.units}".rstrip()
            + "; read with .means, .differences, .p_best, .mean_regret, .evppi, .to_dict()>"
        )

    @property
    def n_samples(self) -> int:
        """Number of paired samples."""
        return int(self.values.shape[0])

    def save(self, directory: str | Path, *, sample_rows: int = 20_000) -> Path:
        """Write the comparison as ``comparison.json`` into a run's folder (the report reads it).

        ``sample_rows`` paired values are kept for the report's charts.
        """
        folder = Path(directory)
        arrays = {"values": self.values, "regret": self.regret}
        for i, sub in enumerate(self.by_metric.values()):
            arrays |= {f"values_{i}": sub.values, f"regret_{i}": sub.regret}
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(folder / layout.COMPARISON_NPZ, allow_pickle=False, **arrays)
        write_csv(folder / layout.analysis_table("comparison"), self.rows())
        return write_json(folder / layout.COMPARISON_JSON, self.to_dict(sample_rows=sample_rows))

    def rows(self) -> list[dict[str, Any]]:
        """Return the answer as a table: a row per metric and option, its mean, P(best) and mean regret."""
        out = []
        for c in [self, *self.by_metric.values()]:
            for option in c.options:
                out.append(
                    {
                        "metric": c.metric,
                        "units": c.units,
                        "goal": c.goal,
                        "option": option,
                        "mean": float(c.means[option].value),
                        "mean_se": float(c.means[option].se),
                        "p_best": float(c.p_best[option].value),
                        "p_best_se": float(c.p_best[option].se),
                        "mean_regret": float(c.mean_regret[option].value),
                        "mean_regret_se": float(c.mean_regret[option].se),
                        "best_on_average": option == c.best,
                    }
                )
        return out

    @classmethod
    def load(cls, directory: str | Path) -> Comparison:
        """Read back a comparison :meth:`save` wrote into ``directory``: every paired value included."""
        folder = Path(directory)
        data = read_json(folder / layout.COMPARISON_JSON)
        with np.load(folder / layout.COMPARISON_NPZ) as arrays:
            subs = {
                m: _from_dict(sub, arrays[f"values_{i}"], arrays[f"regret_{i}"], {})
                for i, (m, sub) in enumerate(data["by_metric"].items())
            }
            return _from_dict(data, arrays["values"], arrays["regret"], subs)

    def to_dict(self, *, sample_rows: int = 0) -> dict[str, Any]:
        """Return the comparison as plain, JSON-ready numbers.

        ``sample_rows`` > 0 adds ``values_sample``: the first that many rows of
        :attr:`values` (enough for a report's regret chart, without every sample).
        """

        def est(e: Estimate) -> dict[str, float]:
            return {"value": float(e.value), "se": float(e.se)}

        return {
            "metric": self.metric,
            "units": self.units,
            "goal": self.goal,
            "options": self.options,
            "n_samples": self.n_samples,
            "level": self.level,
            "best": self.best,
            "means": {k: est(v) for k, v in self.means.items()},
            "differences": [
                {
                    "a": d.a,
                    "b": d.b,
                    "mean": est(d.mean),
                    "ci": list(d.ci),
                    "p_a_beats_b": est(d.p_a_beats_b),
                    "p_tie": d.p_tie,
                }
                for d in self.differences
            ],
            "p_best": {k: est(v) for k, v in self.p_best.items()},
            "mean_regret": {k: est(v) for k, v in self.mean_regret.items()},
            "regret_percentiles": {
                opt: {f"p{q}": float(np.percentile(self.regret[:, j], q)) for q in (50, 90, 95, 99)}
                for j, opt in enumerate(self.options)
            },
            "evpi": est(self.evpi),
            "evppi": {k: est(v) for k, v in self.evppi.items()},
            "evppi_method": self.evppi_method,
            "info": self.info,
            "by_metric": {
                m: {k: v for k, v in c.to_dict().items() if k not in ("info", "by_metric", "evppi_method")}
                for m, c in self.by_metric.items()
            },
            **({"values_sample": self.values[:sample_rows].tolist()} if sample_rows > 0 else {}),
        }


def _from_dict(
    data: dict[str, Any], values: FloatArray, regret: FloatArray, by_metric: dict[str, Comparison]
) -> Comparison:
    """Return the comparison :meth:`Comparison.to_dict` described, with its arrays."""

    def est(e: dict[str, float]) -> Estimate:
        return Estimate(float(e["value"]), float(e["se"]))

    return Comparison(
        options=list(data["options"]),
        metric=data["metric"],
        goal=data["goal"],
        values=np.asarray(values, dtype=np.float64),
        means={k: est(v) for k, v in data["means"].items()},
        best=data["best"],
        differences=[
            PairedDifference(
                d["a"], d["b"], est(d["mean"]), (d["ci"][0], d["ci"][1]), est(d["p_a_beats_b"]), d["p_tie"]
            )
            for d in data["differences"]
        ],
        p_best={k: est(v) for k, v in data["p_best"].items()},
        regret=np.asarray(regret, dtype=np.float64),
        mean_regret={k: est(v) for k, v in data["mean_regret"].items()},
        evpi=est(data["evpi"]),
        evppi={k: est(v) for k, v in data["evppi"].items()},
        level=float(data["level"]),
        evppi_method=data.get("evppi_method", EVPPI_METHOD),
        units=data.get("units", ""),
        info=dict(data.get("info", {})),
        by_metric=by_metric,
    )


def _utility(values: FloatArray, goal: Goal) -> FloatArray:
    return values if goal == "max" else -values


def compare_values(
    values: Mapping[str, Any],
    *,
    goal: Goal = "max",
    inputs: Mapping[str, Any] | None = None,
    groups: Mapping[str, Sequence[str]] | None = None,
    level: float = 0.95,
    metric: str = "value",
    units: str = "",
    seed: int = 0,
) -> Comparison:
    """Compare options given their per-sample values on common samples.

    Parameters
    ----------
    values : mapping of str to array
        One array ``(sample,)`` per option, all on the same samples.
    goal : {"max", "min"}
        Whether higher or lower is better.
    inputs : mapping of str to array, optional
        Per-sample uncertain inputs; EVPPI is estimated for each of them.
    groups : mapping of str to list of str, optional
        Named groups of inputs whose joint EVPPI is wanted.
    level : float
        Confidence level of the intervals (normal approximation).
    seed : int
        Seed of the EVPPI bootstrap.
    """
    if goal not in ("max", "min"):
        msg = f"must be 'max' or 'min', got {goal!r}"
        raise OptionError(msg, "goal")
    if not 0 < level < 1:
        msg = f"must be in (0, 1), got {level}"
        raise OptionError(msg, "level")
    names = list(values)
    if len(names) < 2:
        msg = f"need at least two options to compare, got {len(names)}"
        raise OptionError(msg, "options")
    table = np.column_stack([np.asarray(values[k], dtype=np.float64).reshape(-1) for k in names])
    n = table.shape[0]
    if n < 2:
        msg = "need at least two samples"
        raise OptionError(msg, "n_samples")
    if not np.isfinite(table).all():
        msg = "some option values are NaN or infinite; compare a metric defined in every sample"
        raise OptionError(msg, "metric")
    z = float(ndtri(0.5 + level / 2))
    util = _utility(table, goal)
    means = {k: mean_estimate(table[:, j]) for j, k in enumerate(names)}
    best_j = int(np.argmax(util.mean(axis=0)))
    differences = []
    for i, j in combinations(range(len(names)), 2):
        diff = mean_estimate(table[:, i] - table[:, j])
        differences.append(
            PairedDifference(
                a=names[i],
                b=names[j],
                mean=diff,
                ci=(float(diff.value - z * diff.se), float(diff.value + z * diff.se)),
                p_a_beats_b=probability_estimate(util[:, i] > util[:, j]),
                p_tie=float(np.mean(util[:, i] == util[:, j])),
            )
        )
    best_each = util.max(axis=1)
    regret = best_each[:, None] - util
    winner = np.argmax(util, axis=1)
    p_best = {k: probability_estimate(winner == j) for j, k in enumerate(names)}
    evpi = mean_estimate(regret[:, best_j])
    evppi: dict[str, Estimate] = {}
    if inputs:
        cols = {k: np.asarray(v, dtype=np.float64).reshape(-1) for k, v in inputs.items()}
        sets: dict[str, list[str]] = {k: [k] for k in cols if np.ptp(cols[k]) > 0}
        for gname, members in (groups or {}).items():
            unknown = [m for m in members if m not in cols]
            if unknown:
                msg = f"group {gname!r} names unknown inputs {unknown}; inputs: {', '.join(cols)}"
                raise OptionError(msg, "groups")
            sets[gname] = list(members)
        rng = np.random.default_rng(seed)
        # A bootstrap resample is a vector of counts: refitting with them as weights is cheap.
        boot = rng.multinomial(n, np.full(n, 1.0 / n), size=_BOOTSTRAP).astype(np.float64)
        for key, members in sets.items():
            evppi[key] = _evppi(util, [cols[m] for m in members], boot, float(evpi.value))
    return Comparison(
        options=names,
        metric=metric,
        goal=goal,
        values=table,
        means=means,
        best=names[best_j],
        differences=differences,
        p_best=p_best,
        regret=regret,
        mean_regret={k: mean_estimate(regret[:, j]) for j, k in enumerate(names)},
        evpi=evpi,
        evppi=evppi,
        level=level,
        units=units,
    )


def _spline_basis(x: FloatArray) -> FloatArray:
    """Return a cubic regression-spline basis of the rank of ``x`` (without intercept)."""
    n = x.shape[0]
    order = np.argsort(x, kind="stable")
    u = np.empty(n)
    u[order] = (np.arange(n) + 0.5) / n
    # Ties (discrete inputs) get their mean rank, so equal inputs get equal fits.
    uniq, inverse = np.unique(x, return_inverse=True)
    if uniq.size < n:
        u = (np.bincount(inverse, weights=u) / np.bincount(inverse))[inverse]
    if uniq.size <= 8:
        # A discrete input: one indicator per level is the exact conditional mean.
        return np.eye(uniq.size)[inverse][:, 1:]
    c = u - 0.5
    cols = [c, c**2, c**3] + [np.maximum(u - k, 0.0) ** 3 for k in _KNOTS]
    return np.column_stack(cols)


def _design(columns: Sequence[FloatArray]) -> FloatArray:
    parts = [np.ones((columns[0].shape[0], 1))]
    bases = [_spline_basis(c) for c in columns]
    parts.extend(bases)
    # Pairwise interactions of the leading (linear and quadratic) terms, for groups.
    for a, b in combinations(bases, 2):
        lead_a, lead_b = a[:, : min(2, a.shape[1])], b[:, : min(2, b.shape[1])]
        parts.extend(lead_a[:, i : i + 1] * lead_b for i in range(lead_a.shape[1]))
    return np.column_stack(parts)


def _evppi_from_fit(util: FloatArray, design: FloatArray, weights: FloatArray | None) -> float:
    """Fit by weighted least squares (bootstrap resamples are weights) and return the EVPPI."""
    inc = util[:, 1:] - util[:, :1]
    xw = design if weights is None else design * weights[:, None]
    gram = xw.T @ design
    coef = np.linalg.lstsq(gram, xw.T @ inc, rcond=None)[0]
    fitted = np.column_stack([np.zeros(design.shape[0]), design @ coef])
    w = np.ones(design.shape[0]) if weights is None else weights
    total = float(w.sum())
    return float(w @ fitted.max(axis=1) / total - np.max(w @ fitted / total))


def _evppi(util: FloatArray, columns: Sequence[FloatArray], boot: FloatArray, evpi: float) -> Estimate:
    """Return one input group's EVPPI, clipped to [0, EVPI] (its theoretical range), with bootstrap SE."""
    if evpi <= 0.0:
        return Estimate(0.0, 0.0)  # one option is best in every sample: nothing to learn
    design = _design(columns)
    value = _evppi_from_fit(util, design, None)
    best = util.max(axis=1)
    reps = []
    for w in boot:
        # Each replicate is clipped to its own [0, EVPI], as the estimate is.
        total = float(w.sum())
        rep_evpi = float(w @ best / total - np.max(w @ util / total))
        reps.append(min(max(_evppi_from_fit(util, design, w), 0.0), rep_evpi))
    return Estimate(min(max(value, 0.0), evpi), float(np.std(reps, ddof=1)))


# --- running options on common random numbers -----------------------------------------------------


def _strategy_outputs(sc: Scenario, strategies: Sequence[str]) -> tuple[dict[str, str], Goal | None]:
    """Map strategy names to the output that measures each (an output whose spec names it)."""
    compute = as_kind(sc, ComputeScenario)
    if compute is None:
        msg = (
            "this scenario declares no strategies of its own (each lab's is under labs.<lab>.strategy); "
            "compare variants of it (e.g. labs.lab_own.strategy.own_frac at 0.8 against the scenario as "
            "it is), or outputs by lab (e.g. npv_fcf_usd[lab=lab_own] against npv_fcf_usd[lab=lab_partner])"
        )
        raise OptionError(msg, "strategies")
    known = list(compute.strategies)
    mapping: dict[str, str] = {}
    kinds = set()
    for s in strategies:
        if s not in compute.strategies:
            msg = f"unknown strategy {s!r}; this scenario's strategies: {', '.join(known)}"
            raise OptionError(msg, "strategies")
        found = [o for o, spec in compute.outputs.items() if getattr(spec, "strategy", None) == s]
        if len(found) != 1:
            msg = (
                f"strategy {s!r} has {len(found)} outputs naming it; "
                "say which output measures each option (compare those outputs instead)"
            )
            raise OptionError(msg, "strategies")
        mapping[s] = found[0]
        kinds.add(compute.outputs[found[0]].kind)
    return mapping, ("min" if kinds == {"pv_cost"} else None)


def compare(
    scenario: ScenarioSource,
    *,
    variants: Mapping[str, Mapping[str, Any]] | None = None,
    outputs: Mapping[str, str] | Sequence[str] | None = None,
    strategies: Sequence[str] | None = None,
    routes: str | None = None,
    metric: str | Sequence[str] | None = None,
    select: Mapping[str, Any] | None = None,
    goal: Goal | Mapping[str, Goal] | None = None,
    n_samples: int | None = None,
    seed: int | None = None,
    evppi: bool = True,
    groups: Mapping[str, Sequence[str]] | None = None,
    level: float = 0.95,
    chunk_size: int | None = None,
    engine: EngineName = "auto",
    progress: Callable[[int, int], None] | None = None,
    backend: Any = "local",
) -> Comparison:
    """Run two or more options on the same random draws and compare them on one metric.

    Give exactly one of:

    - ``variants``: option name -> dotted-path overrides of the scenario, e.g.
      ``{"lean": {"strategies.build.headroom_frac": 0.1}, "ample": {...: 0.3}}``;
      each runs with the same seed (common random numbers) and ``metric``
      names the output compared;
    - ``outputs``: outputs of one run to compare (a list, or option -> output),
      e.g. ``["pv_rent", "pv_build"]`` with ``goal="min"``;
    - ``strategies``: strategy names, each compared on the one output whose
      spec names it (b1: ``rent`` -> ``pv_rent``); a present-value cost is
      minimised;
    - ``routes``: a lab of a world scenario whose routes are the options,
      compared on the lab's NPV under each (``route_npv_usd``), all from one run.

    An output with trailing dims is narrowed by ``select`` (``{"lab": "a"}``)
    or inline (``"npv_usd[lab=a]"``). With variants, ``metric`` may list
    several outputs: the result compares on the first (with EVPI and EVPPI)
    and holds the others in ``by_metric``; ``goal`` may then map each metric
    to ``"max"`` or ``"min"``. ``backend``, ``chunk_size`` and ``engine`` are
    :func:`~labecon.simulate`'s, for every run (a backend made once with
    :func:`~labecon.make_backend` serves them all).

    Raises
    ------
    OptionError
        Unknown output, strategy or dim label; options given in more than one
        way or not at all; fewer than two options.
    ScenarioError
        An override names a field that does not exist or sets a bad value.
    """
    given = sum(x is not None for x in (variants, outputs, strategies, routes))
    if given != 1:
        msg = "give exactly one way of naming the options: variants, outputs, strategies or routes"
        raise OptionError(msg, "options")
    sc = load_scenario(scenario)
    if routes is not None:
        outputs = _route_options(sc, routes)
        metric = metric or "route_npv_usd"
    run_seed = sc.run.seed if seed is None else seed
    kw: dict[str, Any] = {
        "chunk_size": chunk_size,
        "engine": engine,
        "progress": progress,
        "keep": "outputs",
        "backend": backend,
    }
    info: dict[str, Any] = {"scenario": sc.name, "seed": run_seed}
    values: dict[str, FloatArray] = {}
    metrics = [metric] if isinstance(metric, str) else list(metric or [])
    more: dict[str, dict[str, FloatArray]] = {m: {} for m in metrics[1:]}
    goals = dict(goal) if isinstance(goal, Mapping) else {}
    one_goal: Goal | None = None if isinstance(goal, Mapping) else goal
    if variants is not None:
        if not metrics:
            msg = "name the output to compare the variants on"
            raise OptionError(msg, "metric")
        metric = metrics[0]
        if len(variants) < 2:
            msg = f"need at least two variants, got {len(variants)}"
            raise OptionError(msg, "variants")
        patched = {name: with_overrides(sc, ov) for name, ov in variants.items()}
        runs = {name: simulate(variant, n_samples, run_seed, **kw) for name, variant in patched.items()}
        for name, res in runs.items():
            values[name] = _scalar(res, metric, select)
            for m in metrics[1:]:
                more[m][name] = _scalar(res, m, select)
        base: Results = next(iter(runs.values()))
        info["variants"] = {k: dict(v) for k, v in variants.items()}
        label = metric
    else:
        if len(metrics) > 1:
            msg = "several metrics compare variants; outputs and strategies are compared on one metric"
            raise OptionError(msg, "metric")
        metric = metrics[0] if metrics else None
        if strategies is not None:
            mapping, implied = _strategy_outputs(sc, strategies)
            one_goal = one_goal or implied
        elif isinstance(outputs, Mapping):
            mapping = dict(outputs)
        else:
            mapping = {str(o): str(o) for o in outputs or ()}
        if len(mapping) < 2:
            msg = f"need at least two options to compare, got {len(mapping)}"
            raise OptionError(msg, "options")
        base = simulate(sc, n_samples, run_seed, **kw)
        for name, ref in mapping.items():
            values[name] = _scalar(base, ref, select)
        info["outputs"] = mapping
        label = metric or ", ".join(mapping.values())
    units = ""
    ref_name = metric or next(iter(info.get("outputs", {"": ""}).values()))
    if ref_name and ref_name.split("[")[0] in base.dataset:
        units = str(base.dataset[ref_name.split("[")[0]].attrs.get("units", ""))
    result = compare_values(
        values,
        goal=goals.get(str(metric), one_goal or "max"),
        inputs=input_table(base) if evppi else None,
        groups=groups,
        level=level,
        metric=label,
        units=units,
        seed=run_seed,
    )
    result.info.update(info)
    result.info["n_samples"] = base.n_samples
    for m, vals in more.items():
        name = m.split("[")[0]
        result.by_metric[m] = compare_values(
            vals,
            goal=goals.get(m, one_goal or "max"),
            level=level,
            metric=m,
            units=str(base.dataset[name].attrs.get("units", "")) if name in base.dataset else "",
        )
    return result


def _route_options(scenario: Scenario, lab: str) -> dict[str, str]:
    """Return route -> the output holding the lab's NPV under it."""
    world = as_kind(scenario, WorldScenario)
    if world is None:
        msg = "routes are a world scenario's (labs.<lab>.routes); compare this one's strategies instead"
        raise OptionError(msg, "routes")
    known = lab_routes(world)
    if lab not in known:
        listed = ", ".join(known) or "none (declare labs.<lab>.routes)"
        msg = f"lab {lab!r} names no routes; labs with routes: {listed}"
        raise OptionError(msg, "routes")
    return {route: f"route_npv_usd[route={lab}:{route}]" for route in known[lab]}


def _scalar(results: Results, ref: str, select: Mapping[str, Any] | None) -> FloatArray:
    values = output_values(results, ref, select)
    if values.ndim != 1:
        raise pick_one_error(ref, unpicked_dims(results, ref, select))
    return values


def independent_se(values_a: FloatArray, values_b: FloatArray) -> float:
    """Return the SE the mean difference would have if the two options ran on independent draws."""
    n = values_a.shape[0]
    return math.sqrt((np.var(values_a, ddof=1) + np.var(values_b, ddof=1)) / n)
