"""Which uncertain inputs drive an output: one-at-a-time, Sobol, and correlation-valid indices.

Three families, each saying which assumption it makes:

- ``oat`` (tornado and spider): each input swept over its own range (5th to
  95th percentile by default) while every other input sits at its median,
  except those the scenario correlates with it, at their medians given it
  (unless ``correlated=False``). Local: ignores interactions.
- ``sobol``: first- and total-order variance-based indices with bootstrap
  confidence intervals, through SALib (Saltelli/Jansen estimators on a
  scrambled Sobol' design). The inputs the scenario correlates are drawn
  together, through its copula, and get one index as a group (``"a + b"``):
  Sobol' indices need factors independent of each other, which the groups
  are. With ``correlated=False`` each input is drawn alone from its own
  marginal and the scenario's correlations are dropped.
- ``pawn`` (PAWN, SALib; the default correlation-valid method, fast) and
  ``delta`` (Borgonovo's moment-independent δ, SALib; slow: its kernel density
  estimates take seconds per thousand samples): estimated from an ordinary
  Monte Carlo sample drawn *with* the scenario's correlations ("given data"),
  so they stay meaningful when inputs are correlated. They rank influence;
  they are not a variance decomposition.

Every method works on a generic vectorised model ``f(inputs) -> (n,)`` or
``(n, T)``; :func:`sensitivity` builds that model from a scenario and one of
its outputs. An output with a time axis (year or quarter) gets indices for
every step of the axis (time-resolved), so a user sees which uncertainty
matters when.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from labecon import layout
from labecon.analysis._select import TIME_DIMS, output_values, pick_one_error, unpicked_dims
from labecon.analysis.conditional import conditional_medians
from labecon.errors import OptionalDependencyError, OptionError
from labecon.jsonable import read_json, write_json
from labecon.model.risk import shared_futures
from labecon.runtime.results import Results
from labecon.runtime.run import simulate, uncertain_input_names
from labecon.scenario.distributions import CorrelationSpec
from labecon.scenario.loader import ScenarioSource, load_scenario
from labecon.scenario.schema import Scenario
from labecon.tables import write_csv
from labecon.types import FloatArray
from labecon.uncertain.copula import correlate_uniforms
from labecon.uncertain.transforms import ppf as ppf_of_spec

SensitivityMethod = Literal["oat", "sobol", "delta", "pawn"]
"""Sensitivity methods: one-at-a-time, Sobol (independent inputs), delta and PAWN (given data)."""

Model = Callable[[dict[str, FloatArray]], FloatArray]
"""A vectorised model: input columns (each ``(n,)``) to an output ``(n,)`` or ``(n, T)``."""

ASSUMPTIONS: dict[str, str] = {
    "oat": "local: each input swept alone, the others at medians; ignores interactions and correlations",
    "oat-correlated": (
        "local: each input swept alone, the others at medians, except those the scenario correlates with "
        "it, at their medians given it; ignores interactions"
    ),
    "sobol": "inputs independent: each drawn from its own marginal; the scenario's correlations are dropped",
    "sobol-correlated": (
        "inputs the scenario correlates drawn together with their correlation, one index for the group; "
        "the others independent"
    ),
    "delta": "valid under correlation: estimated from draws with the scenario's correlations (given data)",
    "pawn": "valid under correlation: estimated from draws with the scenario's correlations (given data)",
}

NEGATIVE_TOLERANCE = 0.02
"""A Sobol index below ``-NEGATIVE_TOLERANCE`` means the sample is too small."""
WIDE_CI = 0.1
"""A Sobol confidence interval's half-width above this means the sample is too small."""


class SensitivityWarning(UserWarning):
    """Indices came out negative or with wide intervals: use a larger sample."""


def _salib(module: str) -> Any:
    try:
        import importlib

        return importlib.import_module(f"SALib.{module}")
    except ImportError:
        msg = "sensitivity analysis needs SALib: pip install 'labecon[analysis]'"
        raise OptionalDependencyError(msg) from None


@dataclass(frozen=True)
class InputSpace:
    """Named inputs and how to turn a uniform in (0, 1) into each input's value (its inverse CDF)."""

    names: list[str]
    ppf: Callable[[str, FloatArray], FloatArray]
    moved: Callable[[str, FloatArray], dict[str, FloatArray]] | None = None
    """Given an input's name and quantiles, the values (by name) of the inputs that move with it at
    each: those the scenario correlates with it, at their medians given it. ``None``: none move."""
    correlation: CorrelationSpec | None = None
    """The scenario's correlated inputs, drawn together by a Sobol' design (one group of indices)."""

    @classmethod
    def uniform(cls, bounds: Mapping[str, tuple[float, float]]) -> InputSpace:
        """Return independent uniform inputs on the given ``(low, high)`` ranges."""
        b = dict(bounds)

        def ppf(name: str, u: FloatArray) -> FloatArray:
            low, high = b[name]
            return low + (high - low) * u

        return cls(list(b), ppf)

    @classmethod
    def from_scenario(
        cls, scenario: Scenario, names: Sequence[str] | None = None, *, correlated: bool = False
    ) -> InputSpace:
        """Return a scenario's uncertain inputs (or the named subset) with their marginals.

        With ``correlated``, an input set alone moves those the scenario correlates with it
        (:attr:`moved`; :func:`~labecon.analysis.conditional.conditional_medians`), and a Sobol'
        design draws them together (:attr:`correlation`).
        """
        available = uncertain_input_names(scenario)
        chosen = list(names) if names is not None else available
        unknown = [n for n in chosen if n not in available]
        if unknown:
            msg = f"unknown uncertain input(s) {unknown}; this scenario's: {', '.join(available)}"
            raise OptionError(msg, "inputs")

        def ppf(name: str, u: FloatArray) -> FloatArray:
            return np.asarray(ppf_of_spec(scenario.inputs[name], u), dtype=np.float64)

        def moved(name: str, q: FloatArray) -> dict[str, FloatArray]:
            return conditional_medians(scenario, {name: q})

        corr = scenario.correlation if correlated else None
        joined = corr is not None and any(n in corr.names for n in chosen)
        return cls(chosen, ppf, moved if corr is not None else None, corr if joined else None)

    def values(self, u: FloatArray) -> dict[str, FloatArray]:
        """Map uniforms ``(n, d)`` to input columns."""
        u = np.clip(u, 1e-12, 1 - 1e-12)
        return {name: self.ppf(name, u[:, j]) for j, name in enumerate(self.names)}


@dataclass(frozen=True)
class SensitivityResult:
    """Indices of each input for one output.

    ``indices`` maps an index name (``S1``, ``S1_conf``, ``ST``, ``ST_conf``,
    ``delta``, ``low``, ``high``, ``swing`` ...) to an array ``(input,)``, or
    ``(input, step)`` when the output has a time axis.
    """

    method: str
    assumption: str
    output: str
    inputs: list[str]
    indices: dict[str, FloatArray]
    n_evaluations: int
    n_base: int = 0
    time_dim: str | None = None
    time_coords: list[Any] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    suggested_n: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        """Say what was measured, how, and which indices it holds (not their values)."""
        over = f" by {self.time_dim}" if self.time_dim else ""
        return (
            f"<Sensitivity ({self.method}) of {self.output}{over} to {len(self.inputs)} inputs, "
            f"{self.n_evaluations:,} model evaluations: indices {', '.join(self.indices)}; "
            "read with .indices, .inputs, .to_dict(), .save(directory)>"
        )

    def rows(self) -> list[dict[str, Any]]:
        """Return the indices as a table: a row per input (and step of its time axis), an index a column."""
        steps = self.time_coords if self.time_dim else [None]
        out = []
        for j, name in enumerate(self.inputs):
            for t, step in enumerate(steps):
                at = {self.time_dim: step} if self.time_dim else {}
                cells = {k: float(v[j, t] if v.ndim == 2 else v[j]) for k, v in self.indices.items()}
                out.append({"method": self.method, "output": self.output, "input": name, **at, **cells})
        return out

    def save(self, directory: str | Path) -> Path:
        """Write the result as ``sensitivity-METHOD.json`` into a run's folder, for the report.

        Its indices go beside it as ``sensitivity-METHOD.csv`` (:meth:`rows`), for a spreadsheet.
        """
        write_csv(Path(directory) / layout.analysis_table(f"sensitivity-{self.method}"), self.rows())
        return write_json(Path(directory) / layout.sensitivity_file(self.method), self.to_dict())

    @classmethod
    def load(cls, directory: str | Path, method: str) -> SensitivityResult:
        """Read back a result :meth:`save` wrote into ``directory`` (the same indices; NaN where none)."""
        return cls.from_dict(read_json(Path(directory) / layout.sensitivity_file(method)))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SensitivityResult:
        """Return the result :meth:`to_dict` described."""
        return cls(
            method=data["method"],
            assumption=data["assumption"],
            output=data["output"],
            inputs=list(data["inputs"]),
            indices={k: np.array(v, dtype=np.float64) for k, v in data["indices"].items()},
            n_evaluations=int(data["n_evaluations"]),
            n_base=int(data["n_base"]),
            time_dim=data["time_dim"],
            time_coords=list(data["time_coords"]),
            warnings=list(data["warnings"]),
            suggested_n=data["suggested_n"],
            extra=dict(data["extra"]),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain JSON-ready values."""
        return {
            "method": self.method,
            "assumption": self.assumption,
            "output": self.output,
            "inputs": self.inputs,
            "indices": {k: np.where(np.isfinite(v), v, np.nan).tolist() for k, v in self.indices.items()},
            "n_evaluations": self.n_evaluations,
            "n_base": self.n_base,
            "time_dim": self.time_dim,
            "time_coords": [c if isinstance(c, int | float | str) else str(c) for c in self.time_coords],
            "warnings": self.warnings,
            "suggested_n": self.suggested_n,
            "extra": self.extra,
        }


def _columns(y: FloatArray) -> FloatArray:
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 1:
        return y[:, None]
    if y.ndim == 2:
        return y
    msg = f"the model must return (n,) or (n, steps), got shape {y.shape}"
    raise OptionError(msg, "output")


def _squeeze(arr: FloatArray, timed: bool) -> FloatArray:
    return arr if timed else arr[:, 0]


# --- one at a time -------------------------------------------------------------------------------


def oat_indices(
    space: InputSpace, model: Model, *, low_q: float = 0.05, high_q: float = 0.95, n_points: int = 7
) -> SensitivityResult:
    """Sweep each input from its ``low_q`` to ``high_q`` quantile, the others at their medians.

    Those ``space`` moves with an input (:attr:`InputSpace.moved`) move with it, wherever their
    column is (a model's table holds the inputs it is not given at their medians). Returns indices
    ``low`` and ``high`` (output at the two ends), ``swing`` (``high - low``) and ``range``
    (max - min over the sweep), and in ``extra``: ``base`` (all at medians), ``quantiles``,
    ``spider`` (``(input, point)``) for spider charts, ``correlated`` (whether inputs could move
    with the one swept) and ``moved_with`` (those that did, by input swept).
    """
    if not 0 < low_q < high_q < 1:
        msg = f"need 0 < low_q < high_q < 1, got {low_q}, {high_q}"
        raise OptionError(msg, "quantiles")
    if n_points < 2:
        msg = f"need at least 2 points, got {n_points}"
        raise OptionError(msg, "n_points")
    d = len(space.names)
    qs = np.linspace(low_q, high_q, n_points)
    u = np.full((1 + d * n_points, d), 0.5)
    for j in range(d):
        u[1 + j * n_points : 1 + (j + 1) * n_points, j] = qs
    cols = space.values(u)
    moved_with = _move_with_each(space, cols, qs)
    y = _columns(model(cols))
    timed = y.shape[1] > 1
    sweep = y[1:].reshape(d, n_points, y.shape[1])
    low, high = sweep[:, 0], sweep[:, -1]
    spread = sweep.max(axis=1) - sweep.min(axis=1)
    return SensitivityResult(
        method="oat",
        assumption=ASSUMPTIONS["oat-correlated" if space.moved is not None else "oat"],
        output="",
        inputs=list(space.names),
        indices={
            "low": _squeeze(low, timed),
            "high": _squeeze(high, timed),
            "swing": _squeeze(high - low, timed),
            "range": _squeeze(spread, timed),
        },
        n_evaluations=int(u.shape[0]),
        extra={
            "base": y[0].tolist() if timed else float(y[0, 0]),
            "quantiles": qs.tolist(),
            "spider": sweep.tolist() if timed else sweep[:, :, 0].tolist(),
            "input_low": [float(space.ppf(n, np.array([low_q]))[0]) for n in space.names],
            "input_high": [float(space.ppf(n, np.array([high_q]))[0]) for n in space.names],
            "correlated": space.moved is not None,
            "moved_with": moved_with,
        },
    )


def _move_with_each(space: InputSpace, cols: dict[str, FloatArray], qs: FloatArray) -> dict[str, list[str]]:
    """Set, in each swept input's rows of ``cols``, the inputs that move with it; return them by input.

    ``cols`` is a one-at-a-time design: the base row, then ``len(qs)`` rows per input. An input
    that moves but is not swept gets a column at its median, the value a model's table holds it at.
    """
    moved: dict[str, list[str]] = {}
    if space.moved is None:
        return moved
    rows, n_points = len(next(iter(cols.values()))), len(qs)
    for j, name in enumerate(space.names):
        at = slice(1 + j * n_points, 1 + (j + 1) * n_points)
        for other, values in space.moved(name, qs).items():
            held = cols.get(other)
            cols[other] = np.full(rows, space.ppf(other, np.array([0.5]))[0]) if held is None else held.copy()
            cols[other][at] = values
            moved.setdefault(name, []).append(other)
    return moved


# --- Sobol -----------------------------------------------------------------------------------------


def sobol_indices(
    space: InputSpace,
    model: Model,
    *,
    n_base: int = 1024,
    seed: int = 0,
    num_resamples: int = 200,
    conf_level: float = 0.95,
) -> SensitivityResult:
    """Return first- and total-order Sobol indices with bootstrap CIs (SALib).

    The inputs are independent, except those ``space`` correlates (:attr:`InputSpace.correlation`):
    those are drawn together, with their correlation (and with the ones it names beyond ``space``),
    and have one index, named ``"a + b"``; Sobol' indices of groups that are independent of each
    other are valid whatever the dependence inside a group. The design has ``n_base * (g + 2)``
    rows for ``g`` inputs or groups (``n_base`` a power of two, as Sobol' sequences need). A
    :class:`SensitivityWarning` with a suggested ``n_base`` is issued when an index is clearly
    negative or a CI is wide.
    """
    if not _is_sobol_base(n_base):
        msg = f"must be a power of two >= 8 (Sobol' sequences), got {n_base}"
        raise OptionError(msg, "n_base")
    sample = _salib("sample.sobol")
    analyze = _salib("analyze.sobol")
    design, group = _sobol_design(space)
    factors = list(dict.fromkeys(group))  # each input or group once, in the design's order
    d = len(factors)
    problem: dict[str, Any] = {"num_vars": len(design), "names": design, "bounds": [[0.0, 1.0]] * len(design)}
    if len(factors) < len(design):
        problem["groups"] = group
    u = sample.sample(problem, n_base, calc_second_order=False, seed=seed)
    y = _columns(model(_joint_values(space, design, u)))
    steps = y.shape[1]
    out = {k: np.full((d, steps), np.nan) for k in ("S1", "S1_conf", "ST", "ST_conf")}
    for t in range(steps):
        col = y[:, t]
        if not np.isfinite(col).all():
            msg = "the output is NaN or infinite in some samples; Sobol indices need finite values"
            raise OptionError(msg, "output")
        if np.var(col) == 0:
            for k in out:
                out[k][:, t] = 0.0  # a constant output: no input explains any variance
            continue
        res = analyze.analyze(
            problem,
            col,
            calc_second_order=False,
            num_resamples=num_resamples,
            conf_level=conf_level,
            seed=seed,
        )
        for k in out:
            out[k][:, t] = res[k]
    timed = steps > 1
    notes, suggested = _advice(out, n_base)
    if notes:
        warnings.warn("; ".join(notes), SensitivityWarning, stacklevel=2)
    return SensitivityResult(
        method="sobol",
        assumption=ASSUMPTIONS["sobol-correlated" if len(factors) < len(design) else "sobol"],
        output="",
        inputs=factors,
        indices={k: _squeeze(v, timed) for k, v in out.items()},
        n_evaluations=int(u.shape[0]),
        n_base=n_base,
        warnings=notes,
        suggested_n=suggested,
        extra={"conf_level": conf_level, "num_resamples": num_resamples},
    )


def _sobol_design(space: InputSpace) -> tuple[list[str], list[str]]:
    """Return a Sobol' design's columns and each one's group: the correlated inputs' is ``"a + b"``.

    The design holds ``space``'s inputs and, with a correlation, every input it names (one left out
    of ``space`` too: its draws enter the others' through the copula).
    """
    design, corr = list(space.names), space.correlation
    if corr is None:
        return design, design
    design += [n for n in corr.names if n not in design]
    together = " + ".join(corr.names)
    return design, [together if n in corr.names else n for n in design]


def _joint_values(space: InputSpace, design: list[str], u: FloatArray) -> dict[str, FloatArray]:
    """Map a design's uniforms ``(n, columns)`` to input columns, the correlated ones through the copula."""
    drawn = {name: np.clip(u[:, j], 1e-12, 1 - 1e-12) for j, name in enumerate(design)}
    if space.correlation is not None:
        drawn = correlate_uniforms(drawn, space.correlation)
    return {name: space.ppf(name, col) for name, col in drawn.items()}


def _advice(out: Mapping[str, FloatArray], n_base: int) -> tuple[list[str], int | None]:
    """Return warnings and a larger suggested base sample when indices are unreliable."""
    lowest = float(np.nanmin(np.minimum(out["S1"], out["ST"])))
    widest = float(np.nanmax(np.maximum(out["S1_conf"], out["ST_conf"])))
    notes: list[str] = []
    if lowest < -NEGATIVE_TOLERANCE:
        notes.append(f"a Sobol index is negative ({lowest:.3f}): the sample is too small to resolve it")
    if widest > WIDE_CI:
        notes.append(f"a Sobol confidence interval is wide (±{widest:.3f})")
    if not notes:
        return notes, None
    # CI half-widths shrink as 1/sqrt(N): aim for half of the WIDE_CI limit, at most 64 times N
    # a round (a far-off target is better approached in steps, checking as it goes).
    factor = min(64.0, max(4.0, (max(widest, WIDE_CI) / (WIDE_CI / 2)) ** 2))
    suggested = 2 ** math.ceil(math.log2(n_base * factor))
    notes.append(f"run again with a base sample of at least {suggested}")
    return notes, suggested


# --- given-data methods (valid under correlation) ------------------------------------------------


def given_data_indices(
    inputs: Mapping[str, FloatArray],
    y: FloatArray,
    *,
    method: Literal["delta", "pawn"] = "pawn",
    seed: int = 0,
    num_resamples: int = 50,
    conf_level: float = 0.95,
) -> SensitivityResult:
    """Return delta or PAWN indices from a Monte Carlo sample of any joint law of the inputs.

    PAWN reports the median, mean and maximum over slices of the
    Kolmogorov-Smirnov statistic, and their coefficient of variation.
    """
    names = [k for k in inputs if np.ptp(np.asarray(inputs[k])) > 0]
    x = np.column_stack([np.asarray(inputs[k], dtype=np.float64) for k in names])
    ycols = _columns(y)
    d, steps = len(names), ycols.shape[1]
    bounds = [[float(x[:, j].min()), float(x[:, j].max())] for j in range(d)]
    problem = {"num_vars": d, "names": names, "bounds": bounds}
    keys: tuple[str, ...]
    if method == "delta":
        analyze = _salib("analyze.delta")
        keys = ("delta", "delta_conf")
    elif method == "pawn":
        analyze = _salib("analyze.pawn")
        keys = ("median", "mean", "maximum", "CV")
    else:
        msg = f"unknown method {method!r}; expected delta or pawn"
        raise OptionError(msg, "method")
    out = {k: np.full((d, steps), np.nan) for k in keys}
    for t in range(steps):
        col = ycols[:, t]
        if np.var(col) == 0:
            for k in out:
                out[k][:, t] = 0.0
            continue
        with warnings.catch_warnings():
            # SALib's KDE and its pandas use emit numerical warnings on near-degenerate bins.
            warnings.simplefilter("ignore", RuntimeWarning)
            if method == "delta":
                raw = analyze.analyze(
                    problem,
                    x,
                    col,
                    num_resamples=num_resamples,
                    conf_level=conf_level,
                    seed=seed,
                    method="delta",
                )
                # SALib >= 1.5 names Borgonovo's plain estimator "delta_raw".
                res = {"delta": raw["delta_raw"], "delta_conf": raw["delta_raw_conf"]}
            else:
                res = analyze.analyze(problem, x, col, S=10, seed=seed)
        for k in out:
            out[k][:, t] = res[k]
    timed = steps > 1
    return SensitivityResult(
        method=method,
        assumption=ASSUMPTIONS[method],
        output="",
        inputs=names,
        indices={k: _squeeze(v, timed) for k, v in out.items()},
        n_evaluations=int(x.shape[0]),
        n_base=int(x.shape[0]),
    )


# --- on a scenario -------------------------------------------------------------------------------


def _is_sobol_base(n: int) -> bool:
    """Return whether ``n`` can be a Sobol' design's base sample: a power of two, at least 8."""
    return n >= 8 and not n & (n - 1)


def sensitivity(
    scenario: ScenarioSource,
    output: str,
    *,
    method: SensitivityMethod = "sobol",
    inputs: Sequence[str] | None = None,
    select: Mapping[str, Any] | None = None,
    n_samples: int | None = None,
    seed: int | None = None,
    low_q: float = 0.05,
    high_q: float = 0.95,
    backend: Any = "local",
    correlated: bool = True,
) -> SensitivityResult:
    """Return the sensitivity of one output of a scenario to its uncertain inputs.

    Parameters
    ----------
    scenario : Scenario, mapping, str or Path
        The scenario.
    output : str
        An output name, optionally with a selection (``"npv_usd[lab=a]"``).
        An output left with one trailing time axis (``year`` or ``quarter``)
        gets time-resolved indices, one per step.
    method : {"sobol", "delta", "pawn", "oat"}
        See the module's description; each result states its assumption.
    inputs : list of str, optional
        Inputs to study (default: every uncertain input). Inputs left out are
        held at their medians for ``sobol`` and ``oat``; ``delta``/``pawn``
        report the listed ones from the full correlated sample.
    n_samples : int, optional
        ``sobol``: the base sample N (a power of two; default 1024; the
        model runs N (d + 2) times). ``delta``/``pawn``: the Monte Carlo
        sample (default 4096). ``oat``: the futures each point's output is
        the mean over, the same for every point (default 1: sample 0's).
    seed : int, optional
        Seed of the design, the draws and the bootstrap; default the scenario's.
    backend : str or Backend, optional
        Where the model's runs are computed, as :func:`~labecon.simulate`'s (``"local"``,
        ``"dask"``, or a backend made once, as :func:`~labecon.make_backend` makes it, for
        every run); the indices do not depend on it.
    correlated : bool, optional
        ``oat``: an input swept moves those the scenario correlates with it, to their medians
        given it (default); false holds them at their medians. The other methods say how they
        treat correlations in their ``assumption``.
    """
    sc = load_scenario(scenario)
    run_seed = sc.run.seed if seed is None else seed
    check_correlated(correlated)
    space = InputSpace.from_scenario(sc, inputs, correlated=correlated and method in ("oat", "sobol"))
    if method not in ASSUMPTIONS:
        msg = f"unknown method {method!r}; expected one of: {', '.join(ASSUMPTIONS)}"
        raise OptionError(msg, "method")
    if method == "sobol" and n_samples is not None and not _is_sobol_base(n_samples):
        # Said before any run, in the caller's words (the design's own check names n_base).
        nearest = 2 ** max(3, round(math.log2(n_samples))) if n_samples > 0 else 8
        msg = (
            f"must be a power of two >= 8 for the sobol method (Sobol' sequences), got {n_samples}; "
            f"for example {nearest}"
        )
        raise OptionError(msg, "n_samples")
    if n_samples is not None and n_samples < 1:
        msg = f"must be 1 or more, got {n_samples}"
        raise OptionError(msg, "n_samples")
    futures = (n_samples or 1) if method == "oat" else 1
    probe = simulate(sc, 2, run_seed, keep="outputs")
    values = output_values(probe, output, select)
    time_dim, time_coords = _time_axis(probe, output, select, values)
    if method in ("delta", "pawn"):
        res = simulate(sc, n_samples or 4096, run_seed, keep="outputs", backend=backend)
        drawn = {
            str(n): res.dataset["input_value"].sel(input=n).to_numpy()
            for n in res.dataset["input"].to_numpy()
            if str(n) in space.names
        }
        result = given_data_indices(drawn, output_values(res, output, select), method=method, seed=run_seed)
    else:
        model = table_model(sc, run_seed, lambda res: output_values(res, output, select), backend)
        if method == "oat":
            result = oat_indices(space, on_shared_futures(model, futures), low_q=low_q, high_q=high_q)
        else:
            result = sobol_indices(space, model, n_base=n_samples or 1024, seed=run_seed)
    extra = {**result.extra, "scenario": sc.name, "seed": run_seed}
    if method == "oat":
        extra["futures"] = futures
    return SensitivityResult(
        **{
            **result.__dict__,
            "output": output,
            "time_dim": time_dim,
            "time_coords": time_coords,
            "n_evaluations": result.n_evaluations * futures,
            "extra": extra,
        }
    )


def check_correlated(correlated: object) -> None:
    """Refuse a ``correlated`` option that is not true or false (``correlated``)."""
    if not isinstance(correlated, bool):
        msg = f"must be true or false, got {correlated!r}"
        raise OptionError(msg, "correlated")


def table_model(
    sc: Scenario, seed: int, read: Callable[[Results], FloatArray], backend: Any = "local"
) -> Model:
    """Return a model of a table of inputs: a run of ``sc`` with ``seed``, ``read`` from its results.

    The inputs a table leaves out are held at their medians; row i is sample i. Each run is
    computed on ``backend`` (:func:`~labecon.simulate`'s).
    """
    all_names = uncertain_input_names(sc)
    medians = {n: float(InputSpace.from_scenario(sc, [n]).ppf(n, np.array([0.5]))[0]) for n in all_names}

    def model(cols: dict[str, FloatArray]) -> FloatArray:
        n = next(iter(cols.values())).shape[0]
        table = {k: cols.get(k, np.full(n, medians[k])) for k in all_names}
        return read(simulate(sc, seed=seed, inputs=table, keep="outputs", backend=backend))

    return model


def on_shared_futures(model: Model, futures: int) -> Model:
    """Return ``model`` with every point of a sweep on the same ``futures`` futures, its output their mean.

    Every point, the base case included, sees the same draws inside the quarter (a world's risk
    events and funding rounds: :func:`~labecon.model.risk.shared_futures`), so a bar measures
    its input alone; the points run together as one table. On one future (sample 0's) each point
    has the bits it has when run alone.
    """

    def swept(cols: dict[str, FloatArray]) -> FloatArray:
        points = next(iter(cols.values())).shape[0]
        with shared_futures(futures):
            if futures == 1:
                return model(cols)
            values = model({name: np.repeat(col, futures) for name, col in cols.items()})
        out: FloatArray = values.reshape(points, futures, *values.shape[1:]).mean(axis=1)
        return out

    return swept


def _time_axis(
    probe: Any, output: str, select: Mapping[str, Any] | None, values: FloatArray
) -> tuple[str | None, list[Any]]:
    if values.ndim == 1:
        return None, []
    left = unpicked_dims(probe, output, select)
    # One time axis may stay (indices per step); any other dim, such as lab, must be picked,
    # never averaged over.
    others = {d: labels for d, labels in left.items() if d not in TIME_DIMS}
    if others or len(left) != 1:
        raise pick_one_error(output, others or left)
    (dim,) = left
    return dim, [c.item() if hasattr(c, "item") else c for c in probe.dataset[dim].to_numpy()]
