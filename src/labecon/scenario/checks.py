"""Cross-field checks of a scenario, each small and named, each naming the field's path.

Per-field rules live in :mod:`labecon.scenario.schema`; the rules here need
more than one field: a parameter that names an input must name a declared
one, whose distribution can only produce values the parameter allows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel

from labecon.dates import quarter_label
from labecon.errors import ScenarioError
from labecon.scenario.distributions import (
    BetaSpec,
    DiscreteSpec,
    DistributionSpec,
    FixedSpec,
    IntUniformSpec,
    LogNormalSpec,
    NormalSpec,
    PertSpec,
    TriangularSpec,
    UniformSpec,
)
from labecon.scenario.routes import check_routes
from labecon.scenario.schema import (
    Bounds,
    ComputeScenario,
    DifferenceOutput,
    PvCostOutput,
    Scenario,
    WorldScenario,
    bounds_of,
)
from labecon.scenario.world import (
    RISK_EVENTS,
    ROUTE_SHARES,
    ChipSpec,
    DealSpec,
    LabStrategySpec,
    strategy_phases,
    world_deals,
)


def support(spec: DistributionSpec) -> tuple[float, float, bool]:
    """Return ``(lowest, highest, integer_valued)`` of the values a distribution can take."""
    match spec:
        case FixedSpec():
            return spec.value, spec.value, float(spec.value).is_integer()
        case UniformSpec() | TriangularSpec() | PertSpec():
            return spec.low, spec.high, False
        case BetaSpec():
            return spec.low, spec.high, False
        case NormalSpec():
            return -math.inf, math.inf, False
        case LogNormalSpec():
            return 0.0, math.inf, False
        case DiscreteSpec():
            return min(spec.values), max(spec.values), all(float(v).is_integer() for v in spec.values)
        case IntUniformSpec():
            return float(spec.low), float(spec.high), True
    msg = f"no support known for {type(spec).__name__}"
    raise TypeError(msg)


def iter_params(model: BaseModel, prefix: str) -> Iterator[tuple[str, Bounds, object]]:
    """Yield ``(path, bounds, value)`` for every number-or-input field of ``model``."""
    for name in type(model).model_fields:
        bounds = bounds_of(type(model), name)
        value = getattr(model, name)
        if bounds is not None and value is not None:  # None: an optional field not given
            yield f"{prefix}.{name}", bounds, value


def iter_params_deep(value: object, prefix: str) -> Iterator[tuple[str, Bounds, object]]:
    """Yield ``(path, bounds, value)`` for every number-or-input field in ``value``, recursively."""
    if isinstance(value, BaseModel):
        yield from iter_params(value, prefix)
        for name in type(value).model_fields:
            yield from iter_params_deep(getattr(value, name), f"{prefix}.{name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_params_deep(item, f"{prefix}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from iter_params_deep(item, f"{prefix}[{index}]")


def check_inputs_referenced_exist(scenario: Scenario) -> None:
    """Check that every parameter given as a name names an input declared in ``inputs``."""
    for path, _bounds, value in all_params(scenario):
        if isinstance(value, str) and value not in scenario.inputs:
            declared = ", ".join(sorted(scenario.inputs)) or "none"
            msg = f"names input {value!r}, which is not declared in inputs (declared: {declared})"
            raise ScenarioError(msg, path)


def check_input_support_fits_bounds(scenario: Scenario) -> None:
    """Check that an input used by a parameter only produces values the parameter allows."""
    for path, bounds, value in all_params(scenario):
        if not isinstance(value, str):
            continue
        spec = scenario.inputs[value]
        lo, hi, integer = support(spec)
        for end in (lo, hi):
            if math.isfinite(end) and (problem := bounds.violation(end)):
                msg = f"input {value!r} can take the value {end:g}, but this field {problem}"
                raise ScenarioError(msg, path)
        bad_lo = (bounds.ge is not None and lo < bounds.ge) or (bounds.gt is not None and lo <= bounds.gt)
        bad_hi = (bounds.le is not None and hi > bounds.le) or (bounds.lt is not None and hi >= bounds.lt)
        if bad_lo or bad_hi:
            msg = (
                f"input {value!r} ranges over [{lo:g}, {hi:g}], outside what this field allows "
                f"({bounds.describe()})"
            )
            raise ScenarioError(msg, path)
        if bounds.integer and not integer:
            msg = f"input {value!r} must take whole numbers only (use int_uniform or discrete)"
            raise ScenarioError(msg, path)


def check_correlated_inputs_exist(scenario: Scenario) -> None:
    """Check that correlated inputs are declared and uncertain."""
    if scenario.correlation is None:
        return
    for i, name in enumerate(scenario.correlation.names):
        if name not in scenario.inputs:
            msg = f"{name!r} is not declared in inputs"
            raise ScenarioError(msg, f"correlation.names[{i}]")
        if isinstance(scenario.inputs[name], FixedSpec):
            msg = f"{name!r} is fixed; only uncertain inputs can be correlated"
            raise ScenarioError(msg, f"correlation.names[{i}]")


def check_outputs_refer_to_known_names(scenario: ComputeScenario) -> None:
    """Check that outputs name existing strategies, and differences name earlier outputs."""
    seen: set[str] = set()
    for name, out in scenario.outputs.items():
        if isinstance(out, PvCostOutput) and out.strategy not in scenario.strategies:
            known = ", ".join(scenario.strategies)
            msg = f"unknown strategy {out.strategy!r}; expected one of: {known}"
            raise ScenarioError(msg, f"outputs.{name}.strategy")
        if isinstance(out, DifferenceOutput):
            for side in ("minuend", "subtrahend"):
                ref = getattr(out, side)
                if ref not in seen:
                    msg = f"{ref!r} is not an output defined before {name!r}"
                    raise ScenarioError(msg, f"outputs.{name}.{side}")
        seen.add(name)


def check_deals(scenario: WorldScenario) -> None:
    """Check each deal on its own: its chip, its signing quarter and instalments within the horizon.

    A deal signed after quarter 0 buys its stake when signed (``stake_frac`` 0) and cannot be
    exclusive; two deals of one cloud with one lab are signed in different quarters.
    """
    horizon, labels = scenario.horizon_quarters, set()

    def beyond(quarter: int) -> str:
        last = quarter_label(scenario.start_year, horizon - 1)
        when = quarter_label(scenario.start_year, quarter)
        return f"{quarter} ({when}) is beyond the horizon, whose last quarter is {horizon - 1} ({last})"

    for cname, path, deal in world_deals(scenario.clouds):
        prices = scenario.clouds[cname].prices
        if deal.chip not in prices:
            msg = f"unknown chip priced by this cloud {deal.chip!r}; expected one of: {', '.join(prices)}"
            raise ScenarioError(msg, f"{path}.chip")
        signed = deal.signed_quarter
        if signed >= horizon:
            msg = f"signed_quarter {beyond(signed)}"
            raise ScenarioError(msg, f"{path}.signed_quarter")
        label = (cname, deal.lab, signed)
        if label in labels:
            msg = f"cloud {cname!r} already has a deal with lab {deal.lab!r} signed in quarter {signed}"
            raise ScenarioError(msg, f"{path}.signed_quarter")
        labels.add(label)
        if signed > 0 and deal.stake_frac != 0:
            msg = (
                "a deal signed after quarter 0 buys its stake at the lab's valuation when signed; "
                f"give 0, got {deal.stake_frac!r}"
            )
            raise ScenarioError(msg, f"{path}.stake_frac")
        if signed > 0 and deal.is_exclusive:
            msg = "only a deal signed at quarter 0 can be exclusive (a strategy's clouds hold all run)"
            raise ScenarioError(msg, f"{path}.is_exclusive")
        for i, tranche in enumerate(deal.equity_tranches):
            if tranche.quarter >= horizon:
                msg = f"quarter {beyond(tranche.quarter)}"
                raise ScenarioError(msg, f"{path}.equity_tranches[{i}].quarter")
            if tranche.quarter < signed:
                msg = f"quarter {tranche.quarter} is before the deal is signed (signed_quarter {signed})"
                raise ScenarioError(msg, f"{path}.equity_tranches[{i}].quarter")
    partners = {(cname, deal.lab) for cname, _path, deal in world_deals(scenario.clouds)}
    for lname, lab in scenario.labs.items():
        for i, inv in enumerate(lab.investments):
            where = f"labs.{lname}.investments[{i}]"
            if inv.quarter >= horizon:
                msg = f"quarter {beyond(inv.quarter)}"
                raise ScenarioError(msg, f"{where}.quarter")
            if (inv.investor, lname) in partners:
                msg = (
                    f"{inv.investor!r} is a cloud with a deal with this lab: its investment belongs to "
                    "that deal (equity_usd, equity_tranches)"
                )
                raise ScenarioError(msg, f"{where}.investor")


def check_sold(chips: dict[str, ChipSpec], name: str, path: str) -> None:
    """Check that chip ``name`` (a known one) is sold to anyone, not only inside its cloud."""
    if chips[name].sold_by != "anyone":
        msg = f"chip {name!r} is not sold; it exists only inside {chips[name].sold_by!r}"
        raise ScenarioError(msg, path)


def check_own_chip_mix(scenario: WorldScenario, lab: str) -> None:
    """Check a lab's ``own_chip_mix`` (named by the field at fault).

    Not with ``own_chip``; rows dated from quarter 0 up, within the horizon; known chips for
    sale, each available by its row's quarter (but the first row's); shares summing to 1.
    """
    st, chips = scenario.labs[lab].strategy, scenario.chips
    start = scenario.start_year
    path = f"labs.{lab}.strategy.own_chip_mix"
    if st.own_chip is not None:
        msg = "give own_chip (one chip type) or own_chip_mix (dated shares), not both"
        raise ScenarioError(msg, path)
    rows = st.own_chip_mix or []
    if not rows:
        msg = "needs at least one row (from_quarter 0)"
        raise ScenarioError(msg, path)
    previous = -1
    for i, row in enumerate(rows):
        where = f"{path}[{i}]"
        q = row.from_quarter
        if i == 0 and q != 0:
            msg = f"the first row must start at quarter 0, got {q}"
            raise ScenarioError(msg, f"{where}.from_quarter")
        if q <= previous:
            msg = f"rows must be in increasing quarters, got {q} after {previous}"
            raise ScenarioError(msg, f"{where}.from_quarter")
        check_within_horizon(scenario, q, f"{where}.from_quarter")
        previous = q
        for name, share in row.shares.items():
            if name not in chips:
                msg = f"unknown chip {name!r}; expected one of: {', '.join(chips)}"
                raise ScenarioError(msg, f"{where}.shares.{name}")
            chip = chips[name]
            check_sold(chips, name, f"{where}.shares.{name}")
            if not 0.0 <= share <= 1.0:
                msg = f"must be between 0 and 1, got {share:g}"
                raise ScenarioError(msg, f"{where}.shares.{name}")
            if i > 0 and chip.first_year_available > start + q / 4 + 1e-9:
                msg = (
                    f"chip {name!r} is first available in {chip.first_year_available:g}, after quarter "
                    f"{q} ({quarter_label(start, q)})"
                )
                raise ScenarioError(msg, f"{where}.shares.{name}")
        total = sum(row.shares.values())
        if abs(total - 1.0) > 1e-6:
            msg = f"shares must sum to 1, got {total:g}"
            raise ScenarioError(msg, f"{where}.shares")


def check_within_horizon(scenario: WorldScenario, quarter: int, path: str) -> None:
    """Refuse a dated row's quarter at or past the horizon (``path`` names its field)."""
    horizon, start = scenario.horizon_quarters, scenario.start_year
    if quarter >= horizon:
        last = quarter_label(start, horizon - 1)
        msg = (
            f"{quarter} ({quarter_label(start, quarter)}) is beyond the horizon, whose last quarter is "
            f"{horizon - 1} ({last})"
        )
        raise ScenarioError(msg, path)


def check_route_changes(scenario: WorldScenario, lab: str) -> None:
    """Check a lab's ``route_changes``: rows in increasing quarters in the horizon, each changing a share."""
    path = f"labs.{lab}.strategy.route_changes"
    previous = 0
    for i, row in enumerate(scenario.labs[lab].strategy.route_changes or []):
        where = f"{path}[{i}]"
        q = row.from_quarter
        if q <= previous:
            msg = f"rows must be in increasing quarters after quarter 0, got {q} after {previous}"
            raise ScenarioError(msg, f"{where}.from_quarter")
        check_within_horizon(scenario, q, f"{where}.from_quarter")
        if all(getattr(row, name) is None for name in ROUTE_SHARES):
            msg = f"changes no share: give at least one of {', '.join(ROUTE_SHARES)}"
            raise ScenarioError(msg, where)
        previous = q


def check_route_shares(
    scenario: WorldScenario, lab: str, strategy: LabStrategySpec, phase: int, has_deal: bool
) -> None:
    """Check the shares of new capacity a lab's strategy holds in one phase (0: from quarter 0).

    Each share needs what it buys (chips, a cloud, lease terms, a deal) and they sum to at most 1.
    A share that breaks a rule is named where it is written: the strategy, or the route change.
    """
    spec, base = scenario.labs[lab], f"labs.{lab}.strategy"
    rows = spec.strategy.route_changes or []

    def where(name: str) -> str:
        """Return where the share ``name`` in force in this phase is written (its last change)."""
        for i in range(phase - 1, -1, -1):
            if getattr(rows[i], name) is not None:
                return f"{base}.route_changes[{i}].{name}"
        return f"{base}.{name}"

    st = strategy
    if st.commit_cloud is None and st.commit_frac != 0:
        msg = "commit_frac needs a commit_cloud and commit_chip"
        raise ScenarioError(msg, f"{base}.commit_cloud" if phase == 0 else where("commit_frac"))
    buys = st.own_chip is not None or st.own_chip_mix is not None
    if not buys and st.own_frac != 0:
        msg = "own_frac needs an own_chip or own_chip_mix"
        raise ScenarioError(msg, f"{base}.own_chip" if phase == 0 else where("own_frac"))
    if st.lease_frac != 0 and (not buys or spec.lease is None):
        msg = (
            "lease_frac needs an own_chip or own_chip_mix (the chips it puts in them) and "
            "labs.<lab>.lease (the terms)"
        )
        raise ScenarioError(msg, where("lease_frac"))
    if not has_deal and st.partner_frac != 0:
        msg = "partner capacity needs a cloud with a deal with this lab (clouds.<name>.deal.lab)"
        raise ScenarioError(msg, where("partner_frac"))
    fixed = [getattr(st, name) for name in ROUTE_SHARES if not isinstance(getattr(st, name), str)]
    if sum(fixed) > 1.0 + 1e-12:
        msg = f"own_frac + lease_frac + commit_frac + partner_frac must be at most 1, got {sum(fixed):g}"
        raise ScenarioError(msg, base if phase == 0 else f"{base}.route_changes[{phase - 1}]")


def check_world_references(scenario: WorldScenario) -> None:
    """Check that labs, deals and strategies name chips, clouds, labs and segments that exist."""
    chips, clouds, labs = scenario.chips, scenario.clouds, scenario.labs
    segments = scenario.market.segments

    def need(name: str | None, known: dict[str, Any], what: str, path: str) -> None:
        if name is not None and name not in known:
            msg = f"unknown {what} {name!r}; expected one of: {', '.join(known) or 'none'}"
            raise ScenarioError(msg, path)

    for cname, chip in chips.items():
        if chip.sold_by != "anyone":
            need(chip.sold_by, clouds, "cloud", f"chips.{cname}.sold_by")
    deals: dict[str, list[str]] = {}  # lab -> the clouds of its deals
    for cname, cloud in clouds.items():
        for chip_name in cloud.prices:
            need(chip_name, chips, "chip", f"clouds.{cname}.prices.{chip_name}")
            seller = chips[chip_name].sold_by
            if seller not in ("anyone", cname):
                msg = f"chip {chip_name!r} exists only inside cloud {seller!r}"
                raise ScenarioError(msg, f"clouds.{cname}.prices.{chip_name}")
    by_lab: dict[str, list[tuple[str, DealSpec]]] = {}
    for cname, path, deal in world_deals(clouds):
        need(deal.lab, labs, "lab", f"{path}.lab")
        deals.setdefault(deal.lab, []).append(cname)
        by_lab.setdefault(deal.lab, []).append((path, deal))
    check_deals(scenario)
    for lname, lab_deals in by_lab.items():
        splits = [deal.capacity_split_frac for _path, deal in lab_deals]
        fixed = [v for v in splits if not isinstance(v, str)]
        if sum(fixed) > 1.0 + 1e-12:
            msg = (
                f"the capacity_split_frac of lab {lname!r}'s deals must sum to at most 1, got {sum(fixed):g}"
            )
            raise ScenarioError(msg, f"{lab_deals[-1][0]}.capacity_split_frac")
        exclusive = [path for path, deal in lab_deals if deal.is_exclusive]
        if exclusive and len(lab_deals) > 1:
            others = ", ".join(path for path, _deal in lab_deals)
            msg = f"an exclusive deal allows the lab no other deal, got {others}"
            raise ScenarioError(msg, f"{exclusive[0]}.is_exclusive")
    exclusive_clouds: dict[str, list[str]] = {}
    for cname, _path, deal in world_deals(clouds):
        if deal.is_exclusive:
            exclusive_clouds.setdefault(deal.lab, []).append(cname)
    risks = scenario.risks
    for event in RISK_EVENTS:
        spec = getattr(risks, event, None) if risks is not None else None
        if spec is None or spec.cloud is None:
            continue
        if not event.startswith("partner_"):
            msg = "only partner events (partner_price_rise, partner_capacity_cut) name a cloud"
            raise ScenarioError(msg, f"risks.{event}.cloud")
        need(spec.cloud, clouds, "cloud", f"risks.{event}.cloud")
        if not clouds[spec.cloud].all_deals():
            msg = f"cloud {spec.cloud!r} has no deal: a partner event needs a partner"
            raise ScenarioError(msg, f"risks.{event}.cloud")
    for lname, lab in labs.items():
        path = f"labs.{lname}"
        for seg, share in lab.revenue_mix.items():
            need(seg, segments, "segment", f"{path}.revenue_mix.{seg}")
            if not 0.0 <= share <= 1.0:
                msg = f"must be between 0 and 1, got {share:g}"
                raise ScenarioError(msg, f"{path}.revenue_mix.{seg}")
        if abs(sum(lab.revenue_mix.values()) - 1.0) > 1e-9:
            msg = f"shares must sum to 1, got {sum(lab.revenue_mix.values()):g}"
            raise ScenarioError(msg, f"{path}.revenue_mix")
        for bought, where in (  # the chips a lab owns and buys are sold to anyone
            (lab.owned_chip, f"{path}.owned_chip"),
            (lab.strategy.own_chip, f"{path}.strategy.own_chip"),
        ):
            need(bought, chips, "chip", where)
            if bought is not None:
                check_sold(chips, bought, where)
        st = lab.strategy
        if st.own_chip_mix is not None:
            check_own_chip_mix(scenario, lname)
        for role in ("commit", "rent"):
            cloud_name = getattr(st, f"{role}_cloud")
            need(cloud_name, clouds, "cloud", f"{path}.strategy.{role}_cloud")
            chip_name = getattr(st, f"{role}_chip")
            if cloud_name is not None:
                need(
                    chip_name,
                    clouds[cloud_name].prices,
                    f"chip priced by {cloud_name!r}",
                    f"{path}.strategy.{role}_chip",
                )
                for partner in exclusive_clouds.get(lname, []):
                    if cloud_name != partner:
                        msg = f"the exclusive deal with {partner!r} allows no other cloud, got {cloud_name!r}"
                        raise ScenarioError(msg, f"{path}.strategy.{role}_cloud")
        check_route_changes(scenario, lname)
        for i, (_q, phase) in enumerate(strategy_phases(st)):
            check_route_shares(scenario, lname, phase, i, lname in deals)
        if lab.partner_h100e != 0 and lname not in deals:
            msg = "partner capacity needs a cloud with a deal with this lab (clouds.<name>.deal.lab)"
            raise ScenarioError(msg, f"{path}.strategy.partner_frac")
        if lab.partner_h100e != 0 and not any(d.signed_quarter == 0 for _p, d in by_lab.get(lname, [])):
            msg = "capacity on partners' chips at quarter 0 needs a deal with this lab signed at quarter 0"
            raise ScenarioError(msg, f"{path}.partner_h100e")
        fixed = [v for v in (st.training_frac, st.research_frac) if not isinstance(v, str)]
        if sum(fixed) >= 1.0:
            msg = f"training_frac + research_frac must be below 1 (inference needs some), got {sum(fixed):g}"
            raise ScenarioError(msg, f"{path}.strategy")
    for seg_name, segment in segments.items():
        if isinstance(segment.spend_usd_per_year, str):
            continue
        total = sum(
            lab.revenue_usd_per_year * lab.revenue_mix.get(seg_name, 0.0)
            for lab in labs.values()
            if not isinstance(lab.revenue_usd_per_year, str)
        )
        if total > segment.spend_usd_per_year:
            msg = (
                f"the labs' revenue in this segment ({total:g} USD per year) exceeds its spend "
                f"({segment.spend_usd_per_year:g}); shares would sum to more than 1"
            )
            raise ScenarioError(msg, f"market.segments.{seg_name}.spend_usd_per_year")


def check_display_names(scenario: WorldScenario) -> None:
    """Check that no two labs, and no two clouds, are shown under the same name."""
    for section in ("labs", "clouds"):
        seen: dict[str, str] = {}
        for key, spec in getattr(scenario, section).items():
            shown = spec.display_name or key
            if shown.casefold() in seen:
                other = seen[shown.casefold()]
                msg = (
                    f"{shown!r} is already the name of {section} {other!r}; readers could not tell them apart"
                )
                raise ScenarioError(msg, f"{section}.{key}.display_name")
            seen[shown.casefold()] = key


def check_lab_routes(scenario: WorldScenario) -> None:
    """Check that every lab's every route makes a valid strategy with known chips, clouds and inputs."""
    check_routes(scenario, check_world_references)
    check_routes(scenario, check_inputs_referenced_exist)


CHECKS: dict[str, Callable[[Any], None]] = {
    "world_references": check_world_references,
    "display_names": check_display_names,
    "inputs_referenced_exist": check_inputs_referenced_exist,
    "lab_routes": check_lab_routes,  # after the declared strategies' checks: a route's error is its own
    "input_support_fits_bounds": check_input_support_fits_bounds,
    "correlated_inputs_exist": check_correlated_inputs_exist,
    "outputs_refer_to_known_names": check_outputs_refer_to_known_names,
}
"""Every cross-field check, by name, in the order they run."""

CHECK_KINDS: dict[str, str] = {
    "world_references": "world",
    "display_names": "world",
    "lab_routes": "world",
    "outputs_refer_to_known_names": "compute",
}
"""The checks of one kind of scenario only, and that kind; the others check every kind."""


def run_checks(scenario: Scenario) -> None:
    """Run every check of :data:`CHECKS` that applies to the scenario's kind; raise at the first failure."""
    for name, check in CHECKS.items():
        if CHECK_KINDS.get(name, scenario.kind) == scenario.kind:
            check(scenario)


def all_params(scenario: Scenario) -> Iterator[tuple[str, Bounds, object]]:
    """Yield ``(path, bounds, value)`` for every number-or-input field of the scenario, in order."""
    for section in scenario.sections:
        yield from iter_params_deep(getattr(scenario, section), section)
