"""Backtest: score a world scenario's forecasts against the labs' observed history.

For each observation whose date falls inside the scenario's horizon, the
model's per-sample value of that metric for that lab on that date is the
forecast: a quarter's value (its revenue x 4, or the compute in use during
it) stands at the quarter's middle day, and a date between two middles takes
the log-linear interpolation of the two (linear where either is not
positive), so an end-of-quarter run-rate of a fast-growing lab is compared
with the model's rate at the quarter's end, not with its average over the
quarter (about 25% lower for a lab growing tenfold a year). An observation
before the first quarter's middle is not scored: the model's value there is
its starting state, not a forecast; after the last middle the last quarter
stands. The
forecast gets the observation's PIT (the
forecast's quantile of the observed value), whether the value lies in the
central 50% and 90% bands, and the CRPS (:mod:`labecon.analysis.scoring`).

The metrics come from the per-quarter paths the world model keeps:

- ``revenue_run_rate_usd_per_year`` = the quarter's revenue x 4 (USD per year);
- ``compute_gw`` = (the IT load of the lab's own and leased capacity, each
  chip at the kW per H100e of the quarter it was bought, as the model runs
  it, + the clouds' and partners' capacity in use by source (H100e) x the IT
  power per H100e of that source's chip, ``power_kw_all_in`` over its
  H100e) x the scenario's PUE, in GW. Every source's power counts as a
  facility's, so a cloud's capacity is taken at the lab's own PUE (an
  assumption).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from labecon.analysis.history import KNOWN_LABS, METRICS, HistoryError, Observation, load_history
from labecon.analysis.scoring import central_band, crps, pit
from labecon.constants import H100_BF16_TFLOPS
from labecon.errors import OptionError, ScenarioError
from labecon.model.arrays import ratio
from labecon.runtime.results import Results
from labecon.runtime.run import simulate
from labecon.scenario.loader import ScenarioSource, load_scenario
from labecon.scenario.names import NO_NAMES, ReaderNames, reader_names
from labecon.scenario.schema import ParamValue, WorldScenario, as_kind
from labecon.scenario.world import world_deals
from labecon.types import FloatArray

FAN_PROBS = (0.05, 0.25, 0.5, 0.75, 0.95)
"""Quantiles kept per quarter for fan charts."""

UNSCORED_GROUPED = 3
"""Observations not scored for one reason that :meth:`BacktestResult.said_unscored` says in one line."""


@dataclass(frozen=True)
class ScoredPoint:
    """One observation and how the model's forecast of it scored.

    ``quantile`` is the PIT; ``p5 .. p95`` are the forecast's quantiles, in
    the metric's unit; ``crps`` is in the metric's unit too.
    """

    lab: str
    metric: str
    date: dt.date
    value: float
    quarter: int
    quantile: float
    in_band_50: bool
    in_band_90: bool
    crps: float
    p5: float
    p50: float
    p95: float
    source: str
    reliability: str

    def as_dict(self) -> dict[str, Any]:
        """Return the point as plain JSON-ready values (the date as YYYY-MM-DD)."""
        return {
            "lab": self.lab,
            "metric": self.metric,
            "date": self.date.isoformat(),
            "value": self.value,
            "quarter": self.quarter,
            "quantile": self.quantile,
            "in_band_50": self.in_band_50,
            "in_band_90": self.in_band_90,
            "crps": self.crps,
            "p5": self.p5,
            "p50": self.p50,
            "p95": self.p95,
            "source": self.source,
            "reliability": self.reliability,
        }


@dataclass(frozen=True)
class Fan:
    """The forecast of one lab's metric per quarter: the middle date of each quarter and quantiles."""

    dates: list[dt.date]
    quantiles: dict[float, list[float]]
    """Probability (:data:`FAN_PROBS`) -> value per quarter, in the metric's unit."""


@dataclass(frozen=True)
class BacktestResult:
    """What :func:`backtest` returns.

    Attributes
    ----------
    scenario : str
        Name of the scenario scored.
    n_samples, seed : int
        Of the run behind the forecasts.
    points : list of ScoredPoint
        Every observation inside the horizon, in history order.
    unscored : list of str
        One plain sentence per lab or metric the model cannot give, then per
        observation that could not be scored (in history order), and why.
    unscored_rows : dict
        History row -> why that observation was not scored (the reason alone,
        shared by the observations it applies to); see :meth:`said_unscored`.
    fans : dict
        ``(lab, metric)`` -> :class:`Fan`, for each lab and metric the model gives.
    """

    scenario: str
    n_samples: int
    seed: int
    points: list[ScoredPoint]
    unscored: list[str]
    fans: dict[tuple[str, str], Fan] = field(default_factory=dict)
    names: ReaderNames = NO_NAMES
    """The labs' names for readers (``points`` and ``fans`` key them by their keys)."""
    unscored_rows: dict[int, str] = field(default_factory=dict)

    def said_unscored(self, at_least: int = UNSCORED_GROUPED) -> list[str]:
        """Return what was not scored, and why: once for the observations that share a reason.

        A reason shared by ``at_least`` observations or more is one line naming their history
        rows; each other observation, lab or metric is its sentence of :attr:`unscored`.
        """
        return _said_unscored(self.unscored, self.unscored_rows, at_least)

    def lab_name(self, lab: str) -> str:
        """Return a lab as readers know it: its ``display_name``, else :func:`lab_label`."""
        return lab_label(lab, self.names)

    def __repr__(self) -> str:
        """Say what was scored and how it did (not every point and fan)."""
        counts = Counter(p.metric for p in self.points)
        covered = "; ".join(
            f"{m}: {share:.0%} of {counts[m]} inside the 90% band" for m, share in self.coverage(0.9).items()
        )
        return (
            f"<Backtest of {self.scenario!r} ({self.n_samples:,} samples, seed {self.seed}): "
            f"{len(self.points)} observations scored ({covered or 'none'}), {len(self.unscored)} not; "
            "read with .points, .coverage(0.9), .crps_mean(), .unscored, .to_json()>"
        )

    def coverage(self, level: float = 0.9) -> dict[str, float]:
        """Return, per metric, the share of its points inside the central ``level`` band (0.5 or 0.9).

        Raises
        ------
        OptionError
            For a level other than 0.5 or 0.9 (the bands scored).
        """
        if level not in (0.5, 0.9):
            msg = f"coverage is scored for the 50% and 90% bands (0.5, 0.9), got {level}"
            raise OptionError(msg, "level")
        out: dict[str, float] = {}
        for metric in self.metrics:
            pts = [p for p in self.points if p.metric == metric]
            inside = [p.in_band_90 if level == 0.9 else p.in_band_50 for p in pts]
            out[metric] = sum(inside) / len(pts)
        return out

    @property
    def metrics(self) -> list[str]:
        """Metrics with at least one scored point, in :data:`METRICS` order."""
        present = {p.metric for p in self.points}
        return [m for m in METRICS if m in present]

    def crps_mean(self) -> dict[str, float]:
        """Return the mean CRPS per metric (in the metric's unit)."""
        return {m: float(np.mean([p.crps for p in self.points if p.metric == m])) for m in self.metrics}

    def to_json(self) -> dict[str, Any]:
        """Return the result as a JSON-ready dict: points, coverage per metric, mean CRPS per metric."""
        counts = Counter(p.metric for p in self.points)
        return {
            "scenario": self.scenario,
            "n_samples": self.n_samples,
            "seed": self.seed,
            "points": [{**p.as_dict(), "lab_name": self.lab_name(p.lab)} for p in self.points],
            "coverage_90": self.coverage(0.9),
            "coverage_50": self.coverage(0.5),
            "n_points": {m: counts[m] for m in self.metrics},
            "crps_mean": self.crps_mean(),
            "unscored": list(self.unscored),
        }


def backtest(
    scenario: ScenarioSource,
    history: str | Path | None = None,
    n_samples: int | None = None,
    seed: int | None = None,
) -> BacktestResult:
    """Run a world scenario and score it against observed history.

    Parameters
    ----------
    scenario : Scenario, mapping, str or Path
        A world scenario (labs in a market), a built-in name or a YAML path.
    history : str or Path, optional
        A history CSV (see :func:`labecon.analysis.history.load_history`);
        default the history shipped with labecon.
    n_samples, seed : int, optional
        Of the Monte Carlo run; default the scenario's ``run`` settings.

    Returns
    -------
    BacktestResult

    Raises
    ------
    ScenarioError
        If the scenario is not a world scenario.
    HistoryError
        If the history file is malformed, or no observation can be scored.
    """
    loaded = load_scenario(scenario)
    sc = as_kind(loaded, WorldScenario)
    if sc is None:
        msg = (
            f"a backtest needs a world scenario (labs in a market); {loaded.name!r} is a "
            f"{loaded.kind} scenario"
        )
        raise ScenarioError(msg)
    labs = list(sc.labs)
    observations = load_history(history, labs)
    # Per-sample inputs are kept too: an uncertain PUE or chip power is read from them.
    results = simulate(sc, n_samples, seed, keep="outputs", keep_paths=True)
    names = reader_names(sc)
    series, unscored = model_series(sc, results)
    unscored_rows: dict[int, str] = {}
    points: list[ScoredPoint] = []
    for obs in observations:
        reason = _why_unscored(obs, sc, series)
        if reason:
            unscored.append(f"{_observation_said(obs, names)}: {reason}")
            unscored_rows[obs.row] = reason
            continue
        values = series[obs.lab, obs.metric]
        points.append(
            score_point(obs, value_at(values, obs.date, sc.start_year), quarter_of(obs.date, sc.start_year))
        )
    if not observations:
        msg = "the history has no observations (only a header)"
        raise HistoryError(msg)
    if not points:
        said = _said_unscored(unscored, unscored_rows, UNSCORED_GROUPED)
        msg = "no observation in the history can be scored against this scenario: " + "; ".join(said)
        last = max(obs.date for obs in observations)
        if last <= quarter_middle(0, sc.start_year):
            msg += (
                f". The history ends on {last.isoformat()}, before this scenario forecasts anything: "
                "score a scenario that starts earlier (the built-in backtest-2023 starts in January 2024)"
            )
        raise HistoryError(msg)
    fans = {key: _fan(values, sc.start_year) for key, values in series.items()}
    seed = int(results.manifest["seed"])
    return BacktestResult(sc.name, results.n_samples, seed, points, unscored, fans, names, unscored_rows)


def value_at(values: FloatArray, date: dt.date, start_year: float) -> FloatArray:
    """Return each sample's value of a ``(sample, quarter)`` metric on ``date`` (see the module's text)."""
    last = values.shape[1] - 1
    q = quarter_of(date, start_year)
    lo = q if date >= quarter_middle(q, start_year) else q - 1
    if lo < 0:
        return values[:, 0]
    if lo >= last:
        return values[:, last]
    m0, m1 = quarter_middle(lo, start_year), quarter_middle(lo + 1, start_year)
    w = (date - m0).days / (m1 - m0).days
    a, b = values[:, lo], values[:, lo + 1]
    if w == 0.0:  # on a quarter's middle: its own value, exactly
        return a
    positive = (a > 0) & (b > 0)
    log_mix = (1.0 - w) * np.log(np.where(positive, a, 1.0)) + w * np.log(np.where(positive, b, 1.0))
    out: FloatArray = np.where(positive, np.exp(log_mix), (1.0 - w) * a + w * b)
    return out


def score_point(obs: Observation, x: FloatArray, quarter: int) -> ScoredPoint:
    """Score one observation against the model's per-sample values ``x`` of its metric on its date."""
    lo50, hi50 = central_band(x, 0.5)
    lo90, hi90 = central_band(x, 0.9)
    return ScoredPoint(
        lab=obs.lab,
        metric=obs.metric,
        date=obs.date,
        value=obs.value,
        quarter=quarter,
        quantile=pit(x, obs.value),
        in_band_50=lo50 <= obs.value <= hi50,
        in_band_90=lo90 <= obs.value <= hi90,
        crps=crps(x, obs.value),
        p5=lo90,
        p50=float(np.median(x)),
        p95=hi90,
        source=obs.source,
        reliability=obs.reliability,
    )


def quarter_of(date: dt.date, start_year: float) -> int:
    """Return the model quarter containing ``date`` (may be outside the horizon).

    Quarter ``t`` covers the three calendar months from ``start_year + t/4``,
    the start rounded to a whole month (``2023.0`` is January 2023).
    """
    start_month = round(start_year * 12)
    return (date.year * 12 + date.month - 1 - start_month) // 3


def quarter_start(quarter: int, start_year: float) -> dt.date:
    """Return the first day of model quarter ``quarter``."""
    month = round(start_year * 12) + 3 * quarter
    return dt.date(month // 12, month % 12 + 1, 1)


def quarter_middle(quarter: int, start_year: float) -> dt.date:
    """Return the middle day of model quarter ``quarter``."""
    start, end = quarter_start(quarter, start_year), quarter_start(quarter + 1, start_year)
    return start + (end - start) / 2


def model_series(sc: WorldScenario, results: Results) -> tuple[dict[tuple[str, str], FloatArray], list[str]]:
    """Return each lab's metrics as ``(sample, quarter)`` arrays, and why any cannot be given.

    Needs ``results`` run with ``keep_paths=True``.
    """
    ds = results.dataset
    labs, names = list(sc.labs), reader_names(sc)
    series: dict[tuple[str, str], FloatArray] = {}
    problems: list[str] = []
    revenue = ds["income_statement_usd"].sel(income_line="revenue")
    capacity = ds["capacity_h100e"]
    for lab in labs:
        series[lab, "revenue_run_rate_usd_per_year"] = 4.0 * revenue.sel(lab=lab).to_numpy()
        by_source = capacity.sel(lab=lab).transpose("sample", "quarter", "source")
        kw, why = _kw_per_h100e(sc, lab, results, list(by_source["source"].to_numpy()))
        if why:
            said = f"{lab_label(lab, names)} ({lab})"
            problems.append(f"{said}: its compute in GW (compute_gw) cannot be given: {why}")
            continue
        pue = np.asarray(_param(results, _pue(sc)), dtype=float).reshape(-1, 1)  # per sample, or one value
        own_kw = ds["it_load_kw"].sel(lab=lab).transpose("sample", "quarter").to_numpy()
        series[lab, "compute_gw"] = (np.einsum("sqk,sk->sq", by_source.to_numpy(), kw) + own_kw) * pue / 1e6
    return series, problems


def _pue(sc: WorldScenario) -> ParamValue:
    return sc.finance.pue


def _kw_per_h100e(
    sc: WorldScenario, lab: str, results: Results, sources: list[str]
) -> tuple[FloatArray, str]:
    """Return IT power per H100e (kW), ``(sample, source)``, or why it cannot be known.

    Zero for the lab's own and leased capacity: its load, chip by chip, is the model's path.
    """
    st = sc.labs[lab].strategy
    chip_of = {"committed": st.commit_chip, "rented": st.rent_chip}
    cap = results.dataset["capacity_h100e"].sel(lab=lab)
    n = results.n_samples
    out = np.zeros((n, len(sources)))
    for k, source in enumerate(sources):
        in_use = bool((cap.sel(source=source) > 0).any())
        if source == "partner":
            kw, why = _partner_kw_per_h100e(sc, lab, results)
            if in_use and why:
                return out, why
            out[:, k] = kw
            continue
        if source in ("owned", "leased"):
            continue
        name = chip_of.get(source)
        if name is None:
            if in_use:
                return out, f"its {source} capacity has no chip named in its strategy"
            continue
        chip = sc.chips[name]
        kw = np.broadcast_to(_param(results, chip.power_kw_all_in), (n,))
        if in_use and not np.all(kw > 0):
            return out, f"its {source} capacity runs on {name}, whose power_kw_all_in is 0 (not given)"
        out[:, k] = kw / (chip.peak_bf16_tflops / H100_BF16_TFLOPS)
    return out, ""


def _partner_kw_per_h100e(sc: WorldScenario, lab: str, results: Results) -> tuple[FloatArray, str]:
    """Return the IT power per H100e of a lab's partner capacity (kW), ``(sample,)``, or why not known.

    With deals on chips of different power per H100e, their mean weighted by each deal's
    ``capacity_split_frac`` (exact when the chips draw the same power per H100e).
    """
    n = results.n_samples
    total, weights = np.zeros(n), np.zeros(n)
    for _cloud, _path, deal in world_deals(sc.clouds):
        if deal.lab != lab:
            continue
        chip = sc.chips[deal.chip]
        kw = np.broadcast_to(_param(results, chip.power_kw_all_in), (n,))
        if not np.all(kw > 0):
            return total, f"its partner capacity runs on {deal.chip}, whose power_kw_all_in is 0 (not given)"
        w = np.broadcast_to(_param(results, deal.capacity_split_frac), (n,))
        total = total + w * kw / (chip.peak_bf16_tflops / H100_BF16_TFLOPS)
        weights = weights + w
    if not np.any(weights > 0):
        return total, "its partner capacity has no deal"
    return ratio(total, weights, 0.0), ""


def _param(results: Results, value: ParamValue) -> FloatArray | float:
    """Return a parameter's value: a number, or an uncertain input's draw per sample."""
    if isinstance(value, str):
        return np.asarray(results.dataset["input_value"].sel(input=value).to_numpy(), dtype=float)
    return float(value)


def _observation_said(obs: Observation, names: ReaderNames) -> str:
    """Return an observation as readers know its lab and metric, with the keys its history row uses."""
    name = lab_label(obs.lab, names)
    who = f"{name} ({obs.lab})" if name != obs.lab else obs.lab
    return f"{who}, {metric_label(obs.metric)}, on {obs.date.isoformat()} (history row {obs.row})"


def _why_unscored(obs: Observation, sc: WorldScenario, series: Mapping[tuple[str, str], FloatArray]) -> str:
    """Return why an observation cannot be scored against the scenario, or ``""`` if it can."""
    if obs.lab not in sc.labs:
        return f"the scenario has no lab {obs.lab!r} (its labs: {', '.join(sc.labs)})"
    q = quarter_of(obs.date, sc.start_year)
    first = quarter_start(0, sc.start_year)
    end = quarter_start(sc.horizon_quarters, sc.start_year) - dt.timedelta(days=1)
    if q < 0:
        return f"before the horizon starts on {first.isoformat()} (at most a starting state)"
    if q >= sc.horizon_quarters:
        return f"after the horizon ends on {end.isoformat()}"
    if (obs.lab, obs.metric) not in series:
        return "the model cannot give it (see above)"
    middle = quarter_middle(0, sc.start_year)
    if obs.date <= middle:
        # Scored there, it would be the model's first quarter, which its starting state sets: a
        # scenario that starts from this observation would score itself.
        return (
            f"on or before the first quarter's middle ({middle.isoformat()}), where the model's value is its "
            "starting state, not a forecast"
        )
    return ""


def _said_unscored(unscored: list[str], rows: dict[int, str], at_least: int) -> list[str]:
    """:meth:`BacktestResult.said_unscored` of ``unscored`` and its observations' ``rows``."""
    first = len(unscored) - len(rows)
    lines = unscored[:first]
    rows_by_reason: dict[str, list[int]] = {}
    for row, reason in rows.items():
        rows_by_reason.setdefault(reason, []).append(row)
    said: set[str] = set()
    for reason, line in zip(rows.values(), unscored[first:], strict=True):
        shared = rows_by_reason[reason]
        if len(shared) < at_least:
            lines.append(line)
        elif reason not in said:
            said.add(reason)
            lines.append(f"{len(shared)} observations (history rows {_row_ranges(shared)}): {reason}")
    return lines


def _row_ranges(rows: list[int]) -> str:
    """Return history rows as ranges, ``"2-7, 9, 11-14"``."""
    spans: list[list[int]] = []
    for row in sorted(rows):
        if spans and row == spans[-1][1] + 1:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def _fan(values: FloatArray, start_year: float) -> Fan:
    qs = np.quantile(values, FAN_PROBS, axis=0)
    # A quarter's value is its average (revenue) or what is in use during it (compute): draw it
    # at the quarter's middle, so an observation is seen against the quarter that scores it.
    dates = [quarter_middle(t, start_year) for t in range(values.shape[1])]
    return Fan(dates, {p: [float(v) for v in row] for p, row in zip(FAN_PROBS, qs, strict=True)})


def lab_label(lab: str, names: ReaderNames = NO_NAMES) -> str:
    """Return a lab's human name: its ``display_name`` in ``names``, a built-in's likeness, or its key."""
    return names.labs.get(lab) or (f"{lab} ({KNOWN_LABS[lab]})" if lab in KNOWN_LABS else lab)


def metric_label(metric: str) -> str:
    """Return the human name of a metric."""
    return METRICS.get(metric, metric)
