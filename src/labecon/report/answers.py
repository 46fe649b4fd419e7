"""The answers a run gives, in plain sentences: per lab, what it earns, when it profits, how likely ruin is.

Shared by the HTML report (its first section) and the command line (before its
tables). Every number comes from the run: per-sample values where they were
kept, else the stored summaries. Medians come first; a heavy-tailed output says
so; "never" is its own probability, never averaged into a date.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from labecon.amounts import input_in_words, money, pct, unit_money
from labecon.errors import LabeconError
from labecon.report.words import (
    NPV_LINE_WORDS,
    ValueKind,
    fmt_value,
    heavy_tailed,
    quarter_date,
    words_for,
    year_span,
)
from labecon.scenario.names import deal_parts, reader_names
from labecon.scenario.routes import lab_routes, switch_targets, with_route
from labecon.scenario.schema import Scenario, WorldScenario, as_kind
from labecon.scenario.world import strategy_phases

DEFAULT_START_YEAR = 2026.25
"""Calendar year of quarter 0 when a run does not say (the schema's default)."""


@dataclass(frozen=True)
class Stat:
    """One output element's summary: mean with its SE, 5th, 50th and 95th percentiles."""

    mean: float
    mean_se: float
    p5: float
    p50: float
    p95: float
    values: np.ndarray[Any, np.dtype[np.float64]] | None = None

    @property
    def heavy(self) -> bool:
        """Whether a heavy tail leaves the mean unsettled (known only from per-sample values)."""
        return self.values is not None and heavy_tailed(self.values)


def stat(ds: xr.Dataset, name: str, **sel: Any) -> Stat | None:
    """Return the summary of ``name`` at the labels ``sel`` (e.g. ``lab="lab_own"``), or None if absent."""
    if name in ds and "sample" in ds[name].dims:
        v = np.asarray(ds[name].sel(sel).to_numpy(), dtype=np.float64).reshape(-1)
        finite = v[np.isfinite(v)]
        if finite.size < 2:
            return None
        p5, p50, p95 = (float(x) for x in np.percentile(finite, [5, 50, 95]))
        se = float(finite.std(ddof=1) / math.sqrt(finite.size))
        return Stat(float(finite.mean()), se, p5, p50, p95, finite)
    key = f"summary_{name}"
    if key not in ds:
        return None
    var = ds[key].sel(sel)

    def at(s: str) -> float:
        return float(var.sel(statistic=s)) if s in var["statistic"] else math.nan

    return Stat(at("mean"), at("mean_se"), at("p5"), at("p50"), at("p95"))


@dataclass(frozen=True)
class Answer:
    """A block of answers: a heading (a lab's name, or empty) and its sentences."""

    title: str
    lines: list[str]


def _spread(s: Stat, kind: ValueKind, *, mean: bool = False) -> str:
    """Return ``$X in the median (90% of samples between $a and $b[; mean $m ± $se])``."""
    inside = f"90% of samples between {fmt_value(s.p5, kind)} and {fmt_value(s.p95, kind)}"
    if mean:
        inside += f"; mean {fmt_value(s.mean, kind)} ± {fmt_value(s.mean_se, kind)}"
    return f"{fmt_value(s.p50, kind)} in the median ({inside})"


HEAVY_NOTE = ". Heavy-tailed: a few samples move the mean, so read the median"


def _figure(ds: xr.Dataset, name: str, **sel: Any) -> str | None:
    """Return an output's median, 90% range, and mean with its SE, in the output's own format."""
    s = stat(ds, name, **sel)
    if s is None:
        return None
    var = ds[name] if name in ds else ds[f"summary_{name}"]
    kind = words_for(name, str(var.attrs.get("description", "")), str(var.attrs.get("units", ""))).kind
    return _spread(s, kind, mean=True) + (HEAVY_NOTE if s.heavy else "")


def start_year_of(scenario: dict[str, Any] | None) -> float:
    """Return the calendar year at which a scenario's quarter 0 starts."""
    value = (scenario or {}).get("start_year", DEFAULT_START_YEAR)
    return float(value) if isinstance(value, int | float) else DEFAULT_START_YEAR


def horizon_of(scenario: dict[str, Any] | None) -> int | None:
    """Return a scenario's horizon (quarters), which dated outputs hold for "never"; None if not given."""
    value = (scenario or {}).get("horizon_quarters")
    return value if isinstance(value, int) else None


def is_world_of_labs(ds: xr.Dataset) -> bool:
    """Return whether results come from a world of competing labs (else a scenario's own outputs, as b1).

    The one place the command line and the report tell the kinds of scenario apart.
    """
    return "lab" in ds.coords and ("npv_fcf_usd" in ds or "summary_npv_fcf_usd" in ds)


def answers(ds: xr.Dataset, scenario: dict[str, Any] | None = None) -> list[Answer]:
    """Return the run's answers as plain sentences.

    For a world of labs: which route wins for each lab that names routes, then
    a block per lab; for other scenarios, a block per output.
    """
    if is_world_of_labs(ds):
        return [
            *route_answers(ds, scenario),
            *_world_answers(ds, scenario),
        ]
    return _output_answers(ds)


def route_answers(ds: xr.Dataset, scenario: dict[str, Any] | None) -> list[Answer]:
    """Return one block per lab that names routes.

    How likely each route is best; for each alternative, how often it beats the
    declared route, by how much, when it pays back, and what drives it.
    """
    if scenario is None or "summary_route_npv_usd" not in ds:
        return []
    from labecon.runtime.route_summary import route_answer
    from labecon.scenario.loader import load_quietly

    try:
        sc = load_quietly(scenario)  # the run's own scenario: warned of when it was loaded
    except LabeconError:  # not the run's whole scenario: it cannot name the routes' labs
        return []
    out = route_blocks(sc, route_answer(sc, ds))
    if out:
        from labecon.scenario.builtin import list_builtin

        name = scenario.get("name")
        which = name if name in list_builtin() else "with this scenario's file"
        out[-1].lines.append(
            "The model's own conventions (when compute is priced, when chips are ordered, whether owned "
            "and leased halls are kept full, the terminal value) can move these answers; the command "
            f"labecon conventions {which} reruns them under each."
        )
        out[-1].lines.append(
            f"Which inputs, alone, move each route's gain most: the command labecon drivers {which} "
            f"sweeps each from its 5th to its 95th percentile; labecon breakeven {which}, given the route "
            "(--route) and the input (--input), finds the value at which one turns a route's answer."
        )
        world = as_kind(sc, WorldScenario)
        targets = switch_targets(world) if world is not None else []
        if targets:
            _lab, declared, to = targets[0]
            out[-1].lines.append(
                f"When a lab would do best to switch from its declared route to another ({declared} to "
                f"{to}, say): the command labecon switch {which}, given the lab (--lab) and the route "
                "(--to), tries each date on the same futures."
            )
    return out


def route_blocks(sc: Scenario, by_lab: Mapping[str, Mapping[str, Any]]) -> list[Answer]:
    """Return one block per lab of its route answer (``results.routes``), in sentences.

    Which route is best how often, where the most often best is behind on average, each
    alternative against the declared route, the IRRs and compute costs, what builders lease it.
    """
    out, names = [], reader_names(sc)
    for lab, routes in by_lab.items():
        declared = next(name for name, fig in routes.items() if fig["is_declared"])
        ranked = sorted(routes, key=lambda name: -routes[name]["p_best"]["value"])
        best = ", ".join(f"{name} in {_pm(routes[name]['p_best'])}" for name in ranked)
        lines = [f"Best route, share of futures: {best}."]
        if (average := better_on_average(routes, ranked[0], declared)) is not None:
            said = [
                where_furthest_behind(routes, ranked[0], declared, average[0]),
                mean_by_line(routes, ranked[0], declared, average[0]),
            ]
            lines.append(
                f"Best on average is {average[0]}: {ranked[0]}, most often best, is {money(average[1])} "
                "behind it in the mean over the futures (it loses more where it loses than it gains where it "
                f"wins). {' '.join(x for x in said if x)}".rstrip()
            )
        lines += [_route_line(name, declared, fig) for name, fig in routes.items() if not fig["is_declared"]]
        if irr := _route_medians(routes, "irr_per_year", pct):
            lines.append(
                f"Its IRR to a buyer of the whole lab at its opening valuation (median, a year): {irr}."
            )
        if cost := _route_medians(routes, "compute_usd_per_h100e_hour", unit_money):
            lines.append(
                f"What its compute costs it, per H100e-hour in service over the horizon (median): {cost}; "
                "rentals, commitments, partner fees, leases, power, maintenance and depreciation, all in."
            )
        if limit := _builders_limit(sc, lab):
            lines.append(limit)
        out.append(Answer(f"Route choice for {names.lab(lab)} (declared route: {declared})", lines))
    return out


def _builders_limit(scenario: Scenario, lab: str) -> str:
    """Return what builders will lease the lab, where one of its routes leases ("" where none does).

    The number decides how often leasing wins (docs/model.md, *Leases limited to what builders are
    known to offer*), so the answer names it and where to set it.
    """
    sc = as_kind(scenario, WorldScenario)
    if sc is None:  # routes are a world's
        return ""
    spec = sc.labs[lab]
    fracs = [  # every route's, in every phase of its route changes
        phase.lease_frac
        for route in lab_routes(sc)[lab]
        for _q, phase in strategy_phases(with_route(sc, lab, route).labs[lab].strategy)
    ]
    if spec.lease is None or not any(isinstance(f, int | float) and f > 0 for f in fracs):
        return ""
    lease, at = spec.lease, f"labs.{lab}.lease"
    limits = [
        f"{value:,.0f} {units} ({at}.{field})"
        for field, units, value in (
            ("capacity_limit_mw", "MW", lease.capacity_limit_mw),
            ("capacity_limit_h100e", "H100e", lease.capacity_limit_h100e),
        )
        if value is not None
    ]
    if not limits:
        return (
            f"Builders lease it all it asks for at one price here (no {at}.capacity_limit_mw): how often "
            "leasing wins rests on that; set a limit to the supply you believe in."
        )
    growth = lease.capacity_growth_per_year
    grows = (
        f", growing {pct(growth)} a year"
        if isinstance(growth, int | float) and growth
        else (f", growing at {growth} a year" if isinstance(growth, str) else "")
    )
    return (
        f"How often leasing wins rests on what builders will lease it: at most {' and '.join(limits)}"
        f"{grows} here; set it to the supply you believe in."
    )


def _route_medians(routes: Mapping[str, Mapping[str, Any]], name: str, fmt: Callable[[float], str]) -> str:
    """Return each route's median of figure ``name``, ``own 5.0%, commit 1.8%`` ("" if a route lacks it)."""
    if not all(name in fig for fig in routes.values()):
        return ""
    return ", ".join(f"{route} {fmt(fig[name]['p50'])}" for route, fig in routes.items())


def _pm(fig: dict[str, float]) -> str:
    return f"{pct(fig['value'])} ± {pct(fig['se'])}"


ON_VALUE_BEYOND = 0.1
"""A route's line says that some of its wins come only with the value beyond the horizon when at least
this share of them do."""


def better_on_average(routes: Mapping[str, Any], route: str, declared: str) -> tuple[str, float] | None:
    """Return ``(another route, by how much, USD)`` when it beats ``route`` on average, else None.

    Most often best and best on average differ where a route loses far more in some futures than
    it gains in others. Read from each route's mean gain over the declared one, the only paired
    means a run keeps: a ``route`` other than the declared one is weighed against the declared
    one; the declared one against the alternative with the largest mean gain. Said only when
    that mean is more than two standard errors from nil.
    """

    def gain(r: str) -> tuple[float, float]:
        if r == declared:
            return 0.0, 0.0
        g = routes[r].get("gain_usd") or {}
        return float(g.get("mean", math.nan)), float(g.get("mean_se", math.nan))

    mean, se = gain(route)
    if route != declared:
        return (declared, -mean) if mean + 2.0 * se < 0.0 else None
    ahead = [(m, r) for r in routes if r != declared for m, e in [gain(r)] if m - 2.0 * e > 0.0]
    if not ahead:
        return None
    by, other = max(ahead)
    return other, by


def where_furthest_behind(
    routes: Mapping[str, Any], route: str, declared: str, ahead: str, amount: Callable[[float], str] = money
) -> str:
    """Return a sentence on the futures where ``route`` falls furthest behind ``ahead``, or ``""``.

    Its mean is set there: the worst tail of ``route``'s gain over the declared route, or, when
    ``route`` is the declared one, the best tail of ``ahead``'s (the route answer's ``tails``).
    Said with the inputs that set those futures apart; nothing when none does. ``amount``
    writes the dollars.
    """
    if route != declared:
        tail, sign = (routes[route].get("tails") or {}).get("worst"), -1.0
    else:
        tail, sign = (routes[ahead].get("tails") or {}).get("best"), 1.0
    if not tail or not tail["inputs"]:
        return ""
    where = " and ".join(
        f"{x['description']} is {'high' if x['percentile'] > 0.5 else 'low'} "
        f"({input_in_words(x['median'], x['units'])} in their median, "
        f"{input_in_words(x['overall_median'], x['units'])} over all futures)"
        for x in tail["inputs"]
    )
    share, behind = f"{tail['share']:.0%}", amount(sign * tail["mean_gain_usd"])
    opening = f"The {share} of futures where {route} falls furthest behind {ahead}, {behind} in their mean,"
    return f"{opening} are those where {where}."


BY_LINE_NAMED = 5
"""Lines of the NPV named in :func:`mean_by_line`, the largest first; the others are summed."""


def mean_by_line(routes: Mapping[str, Any], route: str, declared: str, ahead: str) -> str:
    """Return where ``route``'s mean shortfall against ``ahead`` comes from, line by line, or ``""``.

    The mean gain of ``route`` over ``ahead`` on each line of the NPV (revenue, each way of getting
    compute, capital spending, staff, the value at the horizon), the largest first; they add up
    to the mean gain. Read from the route answer's ``gain_by_line_usd``, each alternative's over
    the declared route.
    """

    def by_line(r: str, sign: float) -> dict[str, float] | None:
        lines = routes[r].get("gain_by_line_usd") or {}
        if not lines:
            return None
        return {line: sign * float(v["mean"]) for line, v in lines.items()}

    gains = by_line(route, 1.0) if route != declared else by_line(ahead, -1.0)
    if not gains or not all(math.isfinite(v) for v in gains.values()):
        return ""
    ranked = sorted(gains, key=lambda line: -abs(gains[line]))
    words = {line: NPV_LINE_WORDS.get(line, line) for line in ranked}
    named = [
        f"{words[line][:1].lower()}{words[line][1:]} {_signed(gains[line])}"
        for line in ranked[:BY_LINE_NAMED]
    ]
    rest = sum(gains[line] for line in ranked[BY_LINE_NAMED:])
    if len(ranked) > BY_LINE_NAMED:
        named.append(f"the rest {_signed(rest)}")
    return f"In the mean, {route} against {ahead} by line: {', '.join(named)}."


def _signed(usd: float) -> str:
    """Return an amount with its sign always shown: ``+$180B``, ``-$235B``."""
    return money(usd) if usd < 0 else f"+{money(usd)}"


def _route_line(name: str, declared: str, fig: dict[str, Any]) -> str:
    """Return one alternative route against the declared one, in a sentence."""
    gain = fig["gain_usd"]
    text = f"{name} beats {declared} in {_pm(fig['p_beats_declared'])} of futures"
    # The mean beside the median: an expected-value reader needs it, and a heavy tail (a route far
    # behind in a few futures) shows as the two apart.
    text += (
        f"; median gain {money(gain['p50'])}, mean {money(gain['mean'])} ± {money(gain['mean_se'])} "
        f"(90% of futures: {money(gain['p5'])} to {money(gain['p95'])})"
    )
    if fig.get("payback_median_quarter") == 0:
        text += "; ahead from the first quarter on in half of them"
    elif fig["payback_median"] != "never":
        text += f"; pays back by {fig['payback_median']} in half of them"
    else:  # within the horizon: a route ahead only once the value beyond it counts has not paid back
        text += f"; pays back within the horizon in {_pm(fig['p_pays_back'])} of futures"
        beats, pays = fig["p_beats_declared"]["value"], fig["p_pays_back"]["value"]
        if beats - pays >= ON_VALUE_BEYOND * max(beats, 1e-12):
            text += " (its other wins come only with the value beyond the horizon)"
    drivers = [_driver_words(d, first=i == 0) for i, d in enumerate(fig["drivers"][:2])]
    if drivers:
        text += f"; driven most by {' and '.join(drivers)}"
    return text + "."


def _driver_words(driver: Mapping[str, Any], *, first: bool) -> str:
    """Return a driver and which way it moves the answer: how often the route wins at each end of it.

    ``it wins in 68.3% of the fifth of futures where that is highest, 12.3% where lowest`` for the
    first named (``first``), the two rates alone after it; without them, the description alone.
    """
    high, low = driver.get("p_beats_high"), driver.get("p_beats_low")
    if not high or not low:
        return str(driver["description"])
    hi, lo = pct(high["value"]), pct(low["value"])
    ends = f"{hi} where highest, {lo} where lowest"
    if first:
        ends = f"it wins in {hi} of the fifth of futures where that is highest, {lo} where lowest"
    return f"{driver['description']} ({ends})"


def _world_answers(ds: xr.Dataset, scenario: dict[str, Any] | None) -> list[Answer]:
    start, horizon = start_year_of(scenario), horizon_of(scenario)
    labs, names = [str(x) for x in ds["lab"].to_numpy()], reader_names(scenario)
    years = [int(y) for y in ds["year"].to_numpy()] if "year" in ds.coords else []
    out = []
    for lab in labs:
        lines = []
        if years and (rev := stat(ds, "revenue_usd_by_year", lab=lab, year=years[-1])) is not None:
            lines.append(f"Revenue in {years[-1]}: {_spread(rev, 'money')}.")
        npv = _figure(ds, "npv_fcf_usd", lab=lab)
        if npv:
            lines.append(f"NPV of free cash flow: {npv}.")
        for line in (_first_profit(ds, lab, start, horizon), _ruin(ds, lab, years, start)):
            if line:
                lines.append(line)
        need = stat(ds, "peak_funding_need_usd", lab=lab)
        if need is not None:
            lines.append(f"Peak funding need: {_spread(need, 'money')}.")
        for line in (_irr(ds, lab), _unit_costs(ds, lab)):
            if line:
                lines.append(line)
        if lines:
            out.append(Answer(names.lab(lab), lines))
    first: list[Answer] = []
    leader = [(lab, stat(ds, "is_npv_leader", lab=lab)) for lab in labs]
    if len(labs) > 1 and all(s is not None for _, s in leader):
        ranked = sorted(((lab, s) for lab, s in leader if s is not None), key=lambda kv: -kv[1].mean)
        shares = ", ".join(f"{names.lab(lab)} in {pct(s.mean)} ± {pct(s.mean_se)}" for lab, s in ranked)
        first.append(
            Answer(
                "",
                [
                    f"Which lab has the highest NPV of free cash flow (different labs, each on its declared "
                    f"route; a route against another is the route choice above): {shares} of samples."
                ],
            )
        )
    last = _partner_answers(ds, scenario)
    if years:
        note = (
            f"Years are the model's years from its start: {years[0]} runs from {year_span(start)}, "
            f"and so on to {years[-1]}."
        )
        last.append(Answer("", [note]))
    return [*first, *out, *last]


def _irr(ds: xr.Dataset, lab: str) -> str | None:
    """Return the lab's IRR to a buyer of it whole at its opening valuation; how often it is one rate."""
    irr = stat(ds, "irr_per_year", lab=lab)
    unique = stat(ds, "is_irr_unique", lab=lab)
    if irr is None or unique is None:
        return None
    return (
        f"IRR to a buyer of the whole lab at its opening valuation: {_spread(irr, 'probability')} a year; "
        f"one rate zeroes the NPV in {pct(unique.mean)} of samples (elsewhere the range's end, or -100% "
        "when nothing comes back)."
    )


def _unit_costs(ds: xr.Dataset, lab: str) -> str | None:
    """Return what the lab's compute cost it per H100e-hour in service and per unit served."""
    hour = stat(ds, "compute_usd_per_h100e_hour", lab=lab)
    unit = stat(ds, "compute_usd_per_unit_served", lab=lab)
    if hour is None or unit is None:
        return None
    return (
        f"Compute cost per H100e-hour in service, all in, over the horizon: {_spread(hour, 'price')}; "
        f"per unit of service served: {unit_money(unit.p50)} in the median."
    )


def _partner_answers(ds: xr.Dataset, scenario: dict[str, Any] | None) -> list[Answer]:
    """Return each partner's and investor's return on its deal with a lab, as one block (or none)."""
    partner, names = [], reader_names(scenario)
    for deal in (str(x) for x in ds["deal"].to_numpy()) if "deal" in ds.coords else ():
        s = stat(ds, "partner_deal_npv_usd", deal=deal)
        if s is None:
            continue
        cloud, lab, when = deal_parts(deal) or (deal, "", "")
        by, with_whom = names.cloud(cloud), names.lab(lab) + (f" {when}" if when else "")
        if cloud in _investors(scenario, lab):
            alone = f"its stake alone: what it sells {with_whom} is not counted"
            what = f"{by}'s return on its investment in {with_whom} ({alone})"
        else:
            what = f"{by}'s return on its deal with {with_whom}"
        text = f"{what}: an NPV of {_spread(s, 'money')}"
        if s.values is not None:
            text += f"; positive in {pct(float(np.mean(s.values > 0)))} of samples"
        partner.append(text + ".")
    title = "The partner" if len(partner) == 1 else "The partners, clouds and investors"
    return [Answer(title, partner)] if partner else []


def _investors(scenario: dict[str, Any] | None, lab: str) -> set[str]:
    """Return who invests in ``lab`` without selling it cloud capacity (its ``investments``)."""
    spec = ((scenario or {}).get("labs") or {}).get(lab) or {}
    return {str(inv.get("investor")) for inv in spec.get("investments") or [] if isinstance(inv, dict)}


def _first_profit(ds: xr.Dataset, lab: str, start: float, horizon: int | None = None) -> str | None:
    """Return when the lab first makes a profit, with "never" as its own probability."""
    ever = stat(ds, "is_ever_profitable", lab=lab)
    if ever is None:
        return None
    never = 1.0 - ever.mean
    if ever.mean <= 0:
        return "Never profitable in any sample."
    if "first_profitable_quarter" in ds and "sample" in ds["first_profitable_quarter"].dims:
        q = ds["first_profitable_quarter"].sel(lab=lab).to_numpy()
        flag = ds["is_ever_profitable"].sel(lab=lab).to_numpy() > 0
        when = quarter_date(float(np.median(q[flag])), start)
        among = f"the median over the samples in which it ever profits, {pct(ever.mean)} of them"
    else:
        q_stat = stat(ds, "first_profitable_quarter", lab=lab)
        if q_stat is None or never >= 0.5:
            return f"Profitable at some point in {pct(ever.mean)} of samples; never in {pct(never)}."
        when = quarter_date(q_stat.p50, start)
        among = "the median over all samples"
    said = f"First profitable quarter: {when} ({among}); never profitable in {pct(never)} of samples."
    return f"{said} {year}" if (year := _first_profitable_year(ds, lab, start, horizon)) else said


def _first_profitable_year(ds: xr.Dataset, lab: str, start: float, horizon: int | None) -> str | None:
    """Return when four quarters running first add up to a profit (one good quarter does not count).

    The output holds the ``horizon`` (quarters) for "never".
    """
    name = "first_profitable_year_quarter"
    if horizon is None or name not in ds or "sample" not in ds[name].dims:
        return None
    q = ds[name].sel(lab=lab).to_numpy()
    ever = q < horizon
    if not ever.any():
        return "No four quarters running add up to a profit in any sample."
    when = quarter_date(float(np.median(q[ever])), start)
    return (
        f"A profitable year (four quarters in a row adding up to a profit): first closed in {when} "
        f"(the median of the {pct(float(ever.mean()))} of samples that get there); "
        f"never in {pct(float(1.0 - ever.mean()))}."
    )


def _ruin(ds: xr.Dataset, lab: str, years: list[int], start: float) -> str | None:
    """Return the chance of running out of cash by a middle year and by the horizon."""
    if not years:
        return None
    shown = sorted({years[min(4, len(years) - 1)], years[-1]})
    parts = []
    for y in shown:
        s = stat(ds, "is_ruined_by_year", lab=lab, year=y)
        if s is None:
            return None
        end = year_span(start + (y - years[0])).split(" to ")[1]
        parts.append(f"{pct(s.mean)} by {end}")
    return "Chance of running out of cash: " + "; ".join(parts) + "."


TIME_DIMS = ("year", "quarter")


def _output_answers(ds: xr.Dataset) -> list[Answer]:
    """Return a sentence per output of a scenario's own (such as b1's), per label of one dim such as lab.

    A 0/1 output over time gives its probability by the last step; other
    outputs over time are left to the charts.
    """
    out = []
    names = [str(n) for n in ds.data_vars if not str(n).startswith("summary_") and str(n) != "input_value"]
    names += [str(n)[8:] for n in ds.data_vars if str(n).startswith("summary_") and str(n)[8:] not in ds]
    for name in names[:12]:
        var = ds[name] if name in ds else ds[f"summary_{name}"]
        dims = [str(d) for d in var.dims if d not in ("sample", "statistic")]
        words = words_for(name, str(var.attrs.get("description", "")), str(var.attrs.get("units", "")))
        time = next((d for d in dims if d in TIME_DIMS), None)
        others = [d for d in dims if d != time]
        if len(others) > 1:
            continue
        groups: list[dict[str, Any]] = [{}]
        if others:
            groups = [{others[0]: v} for v in ds[others[0]].to_numpy().tolist()]
        for group in groups:
            who = f" ({', '.join(str(v) for v in group.values())})" if group else ""
            if time is not None:
                last = ds[time].to_numpy().tolist()[-1]
                s = stat(ds, name, **group, **{time: last})
                if s is not None and s.values is not None and np.isin(s.values, (0.0, 1.0)).all():
                    out.append(f"{words.label}{who} by {last}: {pct(s.mean)} ± {pct(s.mean_se)}.")
                continue
            s = stat(ds, name, **group)
            if s is None:
                continue
            if s.values is not None and np.isin(s.values, (0.0, 1.0)).all():
                out.append(f"{words.label}{who}: {pct(s.mean)} ± {pct(s.mean_se)}.")
                continue
            sentence = f"{words.label}{who}: {_spread(s, words.kind, mean=True)}"
            if s.values is not None and s.p5 < 0 < s.p95:
                sentence += f"; above zero in {pct(float(np.mean(s.values > 0)))} of samples"
            out.append(sentence + (HEAVY_NOTE if s.heavy else "") + ".")
    return [Answer("", out)] if out else []


__all__ = ["Answer", "Stat", "answers", "is_world_of_labs", "stat"]
