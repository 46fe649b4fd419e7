"""A world scenario's parameters as per-sample arrays: labs on axis 1, segments on the last axis.

Names and units follow :mod:`labecon.scenario.world`; prices per chip are
turned into prices per H100-equivalent (``h100e``) here, once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

import numpy as np

from labecon.constants import H100_BF16_TFLOPS, QUARTERS_PER_YEAR
from labecon.model.arrays import ratio
from labecon.model.params import resolve
from labecon.model.risk import EventParams, WorldDraws, futures_shared
from labecon.scenario.schema import ParamValue, WorldScenario
from labecon.scenario.world import (
    RISK_EVENTS,
    ChipSpec,
    CloudSpec,
    PartnerCostSpec,
    lab_investors,
    own_chip_weights,
    world_deals,
)
from labecon.types import FloatArray


class LabParams(NamedTuple):
    """Per-lab parameters, each ``(sample, lab)`` unless noted (units in the names)."""

    cash_usd: FloatArray
    revenue_usd_per_year: FloatArray
    revenue_mix: FloatArray
    """``(lab, segment)`` fractions."""
    owned_h100e: FloatArray
    owned_book_frac: FloatArray
    committed_h100e: FloatArray
    committed_remaining_quarters: FloatArray
    partner_h100e: FloatArray
    capability_log10_flop: FloatArray
    preference_drift_per_year: FloatArray
    staff_usd_per_year: FloatArray
    debt_usd: FloatArray
    # Own route: the chip it buys.
    own_usd_per_h100e: FloatArray
    own_price_decline_per_year: FloatArray
    own_kw_per_h100e: FloatArray
    """All-in kW per H100e of the chips the lab buys at quarter 0 (its blend, with a mix)."""
    own_kw_decline_per_year: FloatArray
    """Yearly decline of that kW per H100e for chips bought later (fraction per year)."""
    own_available_quarter: FloatArray
    owned_usd_per_h100e: FloatArray
    """Price of the opening fleet's chip at quarter 0 (USD per H100e; of the chip it buys by default)."""
    owned_kw_per_h100e: FloatArray
    """All-in kW per H100e of the opening fleet's chip (the chip it buys unless ``owned_chip``)."""
    # Commitments, rentals and the partner, per H100e-hour.
    commit_usd_per_h100e_hour: FloatArray
    commit_price_decline_per_year: FloatArray
    commit_term_quarters: FloatArray
    commit_lead_quarters: FloatArray
    rent_usd_per_h100e_hour: FloatArray
    rent_price_decline_per_year: FloatArray
    rent_limit_h100e: FloatArray
    rent_limit_growth_per_year: FloatArray
    rent_shares_commit_cloud: FloatArray
    """1.0 where the lab rents from the cloud it commits with (they share its limit)."""
    commit_limit_h100e: FloatArray
    lease_usd_per_mw_per_year: FloatArray
    lease_term_quarters: FloatArray
    """Quarters a lease runs (the same in every sample)."""
    lease_lead_quarters: FloatArray
    lease_limit_h100e: FloatArray
    """Most leased capacity, in service and being built, at quarter 0 (H100e; inf: no limit)."""
    lease_limit_growth_per_year: FloatArray
    lease_limit_kw: FloatArray
    """Most IT load of leased data centres, in service and being built, at quarter 0 (kW; inf: no limit)."""
    debt_maturity_quarters: FloatArray
    debt_frac_of_capex: FloatArray
    staff_growth_per_year: FloatArray
    staff_revenue_elasticity: FloatArray
    run_length_quarters: FloatArray
    """Quarters a training run lasts (the same in every sample)."""


class DealParams(NamedTuple):
    """Per-deal parameters (a cloud's strategic deal with a lab), each ``(sample, deal)``."""

    usd_per_h100e_hour: FloatArray
    """The deal's price at quarter 0: the cloud's committed price less its own-chip and the deal's
    preferential discounts."""
    price_decline_per_year: FloatArray
    limit_h100e: FloatArray
    limit_growth_per_year: FloatArray
    split_frac: FloatArray
    """Share of the lab's partner capacity signed under this deal."""
    opening_h100e: FloatArray
    capital_cost_usd_per_h100e_hour: FloatArray
    """The cloud's capital cost of the capacity at quarter 0 (falls at ``capital_cost_decline``)."""
    capital_cost_decline_per_year: FloatArray
    running_cost_usd_per_h100e_hour: FloatArray
    """The cloud's data-centre and power cost of the capacity at quarter 0 (falls at
    ``running_cost_decline``: capacity built later draws fewer kW per H100e)."""
    running_cost_decline_per_year: FloatArray
    equity_usd: FloatArray
    credits_usd: FloatArray
    stake_frac: FloatArray
    discount_rate_per_year: FloatArray
    """The cloud's discount rate for the deal's NPV (its cost of capital)."""
    rent_frac: FloatArray
    """1.0 where the lab also rents from this cloud (counted in the cloud's revenue from it)."""
    commit_frac: FloatArray
    """1.0 where the lab also commits with this cloud."""


class EquityTranche(NamedTuple):
    """A later instalment of a partner's investment."""

    deal: int
    quarter: int
    usd: FloatArray
    """``(sample,)``."""
    credits_frac: FloatArray


class MarketParams(NamedTuple):
    """Per-segment parameters, each ``(sample, segment)``."""

    spend_usd_per_year: FloatArray
    growth_per_year: FloatArray
    growth_decay_per_year: FloatArray
    price_usd_per_unit: FloatArray
    price_decline_per_year: FloatArray
    serving_efficiency_gain_per_year: FloatArray
    elasticity: FloatArray
    glut_pass_through_frac: FloatArray
    inertia_frac: FloatArray


class GlobalParams(NamedTuple):
    """Capability and finance parameters shared by all labs, each ``(sample,)``."""

    utilisation_frac: FloatArray
    algorithmic_halving_months: FloatArray
    frontier_log10_flop: FloatArray
    frontier_compute_multiple_per_year: FloatArray
    frontier_growth_decay_per_year: FloatArray
    final_run_frac: FloatArray
    share_weight_per_oom: FloatArray
    price_sensitivity: FloatArray
    pricing_power_per_oom: FloatArray
    base_rate_per_year: FloatArray
    debt_spread_per_year: FloatArray
    discount_rate_per_year: FloatArray
    valuation_revenue_multiple: FloatArray
    valuation_rank_premium_frac: FloatArray
    max_dilution_frac: FloatArray
    dc_capex_usd_per_mw: FloatArray
    dc_refit_usd_per_mw: FloatArray
    dc_lead_quarters: FloatArray
    pue: FloatArray
    electricity_usd_per_kwh: FloatArray
    maintenance_frac_per_year: FloatArray
    terminal_value_frac_of_book: FloatArray
    terminal_growth_per_year: FloatArray
    terminal_revenue_multiple: FloatArray
    max_raise_usd_per_year: FloatArray
    max_raise_growth_per_year: FloatArray
    capacity_bound_power_decline_per_year: FloatArray
    """The compute bound holds the same power: it grows in H100e as chips draw this much less."""


class WorldParams(NamedTuple):
    """Everything the world's quarterly step reads, per sample."""

    n_samples: int
    horizon_quarters: int
    hours_per_quarter: float
    labs: LabParams
    deals: DealParams
    deal_lab: list[int]
    """The lab of each deal."""
    deal_clouds: list[str]
    """The cloud of each deal."""
    deal_term_quarters: list[int]
    deal_lead_quarters: list[int]
    deal_opening_remaining_quarters: list[int]
    deal_signed_quarters: list[int]
    """The quarter each deal is signed in (0: by the start)."""
    equity_tranches: list[EquityTranche]
    market: MarketParams
    world: GlobalParams
    funding_logits: tuple[float, float, float, float]
    """(base, per unit of revenue growth, for the capability leader, per unit of loss over revenue)."""
    terminal_value_method: str
    """'book', 'gordon' or 'exit_multiple' (see ``docs/model.md``)."""
    compute_priced_at: str
    """'delivery' or 'signing': when compute ordered or signed for is priced and sized."""
    stake_valued_at: str
    """'last_round' or 'horizon': how partners' stakes are valued at the horizon."""
    chip_lead_quarters: int
    """Quarters from ordering chips for free data-centre space to their delivery (0: a data-centre
    lead time, as every owned chip)."""
    owned_refill: str
    """'plan' or 'hall': whether a lab's own halls get chips into free space as its plan asks, or
    as many as fit whatever the plan."""
    lease_refill: str
    """'hall' or 'plan': whether a leased hall's chips are renewed, each chip life, with as many as
    fit whatever the plan, or only as many as the plan asks."""
    shortage_rations: str
    """'renters' or 'everyone': whether a chip shortage cuts a lab's own chip orders and leases too."""
    plausible_max: tuple[float, float, float]
    """Plausibility bounds: capacity (H100e), peak funding need (USD), revenue (USD per year)."""
    dc_life_quarters: int
    chip_life_quarters: int
    events: dict[str, EventParams]
    draws: WorldDraws
    """Where the draws inside the quarter come from (events, funding rounds)."""
    lab_names: list[str]
    segment_names: list[str]


def take_samples(params: WorldParams, rows: slice) -> WorldParams:
    """Return the parameters of samples ``rows`` only (views, not copies)."""
    lp = params.labs
    return params._replace(
        n_samples=len(range(params.n_samples)[rows]),
        labs=LabParams(*(v if f == "revenue_mix" else v[rows] for f, v in zip(lp._fields, lp, strict=True))),
        deals=DealParams(*(v[rows] for v in params.deals)),
        equity_tranches=[
            e._replace(usd=e.usd[rows], credits_frac=e.credits_frac[rows]) for e in params.equity_tranches
        ],
        market=MarketParams(*(v[rows] for v in params.market)),
        world=GlobalParams(*(v[rows] for v in params.world)),
        events={
            name: e._replace(probability=e.probability[rows], size_frac=e.size_frac[rows])
            for name, e in params.events.items()
        },
        draws=params.draws.take(rows),
    )


def capital_recovery_per_quarter(rate_per_year: FloatArray, life_quarters: int) -> FloatArray:
    """Return the share of a capex paid back each quarter over ``life_quarters`` at ``rate_per_year``.

    The annuity factor ``r / (1 - (1 + r) ** -n)`` with ``r`` the quarterly rate (``1 / n`` at 0).
    """
    r_q = (1.0 + rate_per_year) ** (1.0 / QUARTERS_PER_YEAR) - 1.0
    safe = np.where(np.abs(r_q) > 1e-12, r_q, 1.0)
    out: FloatArray = np.where(
        np.abs(r_q) > 1e-12, safe / -np.expm1(-life_quarters * np.log1p(safe)), 1.0 / life_quarters
    )
    return out


def partner_cost_paths(
    cost: PartnerCostSpec, chip: ChipSpec, hours: float, r: Callable[[ParamValue], FloatArray]
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Return a cloud's own cost of one H100e-hour it sells (USD per H100e-hour).

    As ``(capital at quarter 0, its yearly decline, running cost, cost of capital)``.

    Capital: the chip's capex and its share of a data centre, each recovered over its life at the
    cost of capital (:func:`capital_recovery_per_quarter`), per hour of the quarter; the chip's
    part falls with its price-performance. The building's part is held in the running part,
    with the chip's power at the cloud's PUE and electricity price: both per kW, they fall with
    the chip's power per H100e (``power_decline_per_year``, applied by the caller).
    """
    h100e = chip.peak_bf16_tflops / H100_BF16_TFLOPS
    rate = r(cost.cost_of_capital_per_year)
    kw = r(cost.power_kw_per_chip) / h100e
    chip_q = r(cost.chip_capex_usd) / h100e * capital_recovery_per_quarter(rate, cost.chip_life_quarters)
    dc_q = kw * 1e-3 * r(cost.dc_capex_usd_per_mw) * capital_recovery_per_quarter(rate, cost.dc_life_quarters)
    power_q = kw * r(cost.pue) * hours * r(cost.electricity_usd_per_kwh)
    return chip_q / hours, r(chip.price_perf_decline_per_year), (dc_q + power_q) / hours, rate


def signed_split(split_frac: FloatArray, deal_lab: list[int], signed: list[int], t: int) -> FloatArray:
    """Return each deal's share of its lab's partner capacity at quarter ``t``, ``(sample, deal)``.

    A deal not yet signed has none; the lab's partner capacity goes to the deals it has signed,
    each in proportion to its ``split_frac``, so that they take what all its deals will
    (nothing while it has signed none). Once all are signed, ``split_frac`` itself.
    """
    if all(q <= t for q in signed):
        return split_frac
    out = np.zeros_like(split_frac)
    for lab in set(deal_lab):
        mine = [d for d, owner in enumerate(deal_lab) if owner == lab]
        live = [d for d in mine if signed[d] <= t]
        total = split_frac[:, mine].sum(axis=1)
        live_total = split_frac[:, live].sum(axis=1)
        scale = ratio(total, live_total, 0.0)
        for d in live:
            out[:, d] = split_frac[:, d] * scale
    return out


def stack_columns(values: list[FloatArray], n: int) -> FloatArray:
    """Return ``(sample, x)`` from ``(sample,)`` arrays, samples fastest (see :mod:`labecon.model.world`).

    From no arrays, ``(n, 0)``: a world with no deals has no deal columns.
    """
    return np.stack(values).T if values else np.zeros((n, 0), order="F")


def world_params(
    scenario: WorldScenario, draws: Mapping[str, FloatArray], n: int, *, seed: int, start: int
) -> WorldParams:
    """Return a world scenario's parameters for samples ``start .. start + n - 1`` of a run with ``seed``."""
    chips, clouds, labs = scenario.chips, scenario.clouds, scenario.labs
    segments = scenario.market.segments

    def r(value: ParamValue) -> FloatArray:
        return resolve(value, draws, n)

    def limit_of(value: ParamValue | None) -> FloatArray:
        """Return a limit's samples; none given, no limit (inf)."""
        return np.full(n, np.inf) if value is None else r(value)

    def h100e(chip: ChipSpec) -> float:
        return chip.peak_bf16_tflops / H100_BF16_TFLOPS

    def price(cloud: CloudSpec, chip: str, kind: str) -> FloatArray:
        p = cloud.prices[chip]
        value = r(p.on_demand_usd_per_chip_hour if kind == "on_demand" else p.committed_usd_per_chip_hour)
        if chips[chip].sold_by != "anyone":
            value = value * (1.0 - r(cloud.own_chip_discount_frac))
        return value / h100e(chips[chip])

    zeros = np.zeros(n)
    cols: dict[str, list[FloatArray]] = {f: [] for f in LabParams._fields if f != "revenue_mix"}
    mix = np.zeros((len(labs), len(segments)))
    for li, lab in enumerate(labs.values()):
        st = lab.strategy
        for si, seg in enumerate(segments):
            mix[li, si] = lab.revenue_mix.get(seg, 0.0)
        add = {
            "cash_usd": r(lab.cash_usd),
            "revenue_usd_per_year": r(lab.revenue_usd_per_year),
            "owned_h100e": r(lab.owned_h100e),
            "owned_book_frac": r(lab.owned_book_frac),
            "committed_h100e": r(lab.committed_h100e),
            "committed_remaining_quarters": np.full(n, float(lab.committed_remaining_quarters)),
            "partner_h100e": r(lab.partner_h100e),
            "capability_log10_flop": np.full(n, lab.capability_log10_flop),
            "preference_drift_per_year": r(lab.preference_drift_per_year),
            "staff_usd_per_year": r(lab.staff_usd_per_year),
            "debt_usd": r(lab.debt_usd),
            "debt_maturity_quarters": np.full(n, float(st.debt_maturity_quarters)),
            "debt_frac_of_capex": r(st.debt_frac_of_capex),
            "commit_term_quarters": np.full(n, float(st.commit_term_quarters)),
            "commit_lead_quarters": np.full(n, float(st.commit_lead_quarters)),
            "staff_growth_per_year": r(st.staff_growth_per_year),
            "staff_revenue_elasticity": r(st.staff_revenue_elasticity),
            "run_length_quarters": np.full(n, float(st.run_length_quarters)),
            "lease_usd_per_mw_per_year": r(lab.lease.usd_per_mw_per_year) if lab.lease else zeros,
            "lease_term_quarters": np.full(n, float(lab.lease.term_quarters if lab.lease else 1)),
            "lease_lead_quarters": np.full(n, float(lab.lease.lead_quarters if lab.lease else 1)),
            "lease_limit_h100e": limit_of(lab.lease.capacity_limit_h100e if lab.lease else None),
            "lease_limit_growth_per_year": r(lab.lease.capacity_growth_per_year) if lab.lease else zeros,
            "lease_limit_kw": limit_of(lab.lease.capacity_limit_mw if lab.lease else None) * 1e3,
        }
        if st.own_chip is not None:
            chip = chips[st.own_chip]
            add["own_usd_per_h100e"] = r(chip.price_usd) / h100e(chip)
            add["own_price_decline_per_year"] = r(chip.price_perf_decline_per_year)
            add["own_kw_per_h100e"] = r(chip.power_kw_all_in) / h100e(chip)
            add["own_kw_decline_per_year"] = r(chip.power_decline_per_year)
            add["own_available_quarter"] = np.full(
                n, max(0.0, np.ceil((chip.first_year_available - scenario.start_year) * QUARTERS_PER_YEAR))
            )
        elif st.own_chip_mix is not None:  # one blend of the mix over the horizon
            weights = own_chip_weights(st, scenario.horizon_quarters)
            mixed = [(chips[name], w) for name, w in weights.items() if w > 0]
            add["own_usd_per_h100e"] = sum(w * r(c.price_usd) / h100e(c) for c, w in mixed) + zeros
            add["own_price_decline_per_year"] = (
                sum(w * r(c.price_perf_decline_per_year) for c, w in mixed) + zeros
            )
            add["own_kw_per_h100e"] = sum(w * r(c.power_kw_all_in) / h100e(c) for c, w in mixed) + zeros
            add["own_kw_decline_per_year"] = sum(w * r(c.power_decline_per_year) for c, w in mixed) + zeros
            opening_chips = [chips[name] for name in st.own_chip_mix[0].shares]
            available = max(c.first_year_available for c in opening_chips)
            add["own_available_quarter"] = np.full(
                n, max(0.0, np.ceil((available - scenario.start_year) * QUARTERS_PER_YEAR))
            )
        else:
            add.update(
                own_usd_per_h100e=zeros,
                own_price_decline_per_year=zeros,
                own_kw_per_h100e=zeros,
                own_kw_decline_per_year=zeros,
                own_available_quarter=np.full(n, np.inf),
            )
        if lab.owned_chip is not None:  # the opening fleet's own chip
            owned = chips[lab.owned_chip]
            add["owned_usd_per_h100e"] = r(owned.price_usd) / h100e(owned)
            add["owned_kw_per_h100e"] = r(owned.power_kw_all_in) / h100e(owned)
        else:
            add["owned_usd_per_h100e"] = add["own_usd_per_h100e"]
            add["owned_kw_per_h100e"] = add["own_kw_per_h100e"]
        rent_cloud = clouds[st.rent_cloud]
        add["rent_usd_per_h100e_hour"] = price(rent_cloud, st.rent_chip, "on_demand")
        add["rent_price_decline_per_year"] = r(rent_cloud.price_decline_per_year)
        add["rent_limit_h100e"] = r(rent_cloud.capacity_limit_h100e)
        add["rent_limit_growth_per_year"] = r(rent_cloud.capacity_growth_per_year)
        add["rent_shares_commit_cloud"] = np.full(n, float(st.commit_cloud == st.rent_cloud))
        if st.commit_cloud is not None and st.commit_chip is not None:
            commit_cloud = clouds[st.commit_cloud]
            add["commit_usd_per_h100e_hour"] = price(commit_cloud, st.commit_chip, "committed")
            add["commit_price_decline_per_year"] = r(commit_cloud.price_decline_per_year)
            add["commit_limit_h100e"] = r(commit_cloud.capacity_limit_h100e)
        else:
            add.update(
                commit_usd_per_h100e_hour=zeros, commit_price_decline_per_year=zeros, commit_limit_h100e=zeros
            )
        for key, value in add.items():
            cols[key].append(np.asarray(value, dtype=np.float64))
    lab_params = LabParams(**{f: stack_columns(v, n) for f, v in cols.items()}, revenue_mix=mix)
    deal_cols: dict[str, list[FloatArray]] = {f: [] for f in DealParams._fields}
    deal_lab: list[int] = []
    deal_clouds: list[str] = []
    terms: list[int] = []
    leads: list[int] = []
    opening_left: list[int] = []
    tranches: list[EquityTranche] = []
    signed: list[int] = []
    lab_names = list(labs)
    first_of_pair: set[tuple[str, str]] = set()
    for cname, _path, deal in world_deals(clouds):
        cloud, lab = clouds[cname], labs[deal.lab]
        d = len(deal_lab)
        deal_lab.append(lab_names.index(deal.lab))
        deal_clouds.append(cname)
        terms.append(deal.term_quarters)
        leads.append(deal.lead_quarters)
        opening_left.append(deal.opening_remaining_quarters)
        signed.append(deal.signed_quarter)
        # The cloud's rentals to and commitments with the lab count in its first deal with the lab only.
        first = (cname, deal.lab) not in first_of_pair
        first_of_pair.add((cname, deal.lab))
        price0 = price(cloud, deal.chip, "committed") * (1.0 - r(deal.preferential_discount_frac))
        equity = r(deal.equity_usd)
        split = r(deal.capacity_split_frac)
        cost = deal.cost or cloud.cost  # the deal's chip's cost, if it is not the cloud's usual one
        if cost is not None:
            capital0, capital_decline, running0, rate = partner_cost_paths(
                cost, chips[deal.chip], scenario.hours_per_quarter, r
            )
            running_decline = r(chips[deal.chip].power_decline_per_year)
        else:  # the cost a share of the price, falling with it
            capital0 = price0 * r(cloud.cost_frac_of_price)
            capital_decline, running0, running_decline = r(cloud.price_decline_per_year), zeros, zeros
            rate = r(scenario.finance.discount_rate_per_year)
        if deal.capacity_limit_h100e is None:
            limit, limit_growth = r(cloud.capacity_limit_h100e), r(cloud.capacity_growth_per_year)
        else:  # the deal's own size, fixed
            limit, limit_growth = r(deal.capacity_limit_h100e), zeros
        at_start = deal.signed_quarter == 0
        add = {
            "usd_per_h100e_hour": price0,
            "price_decline_per_year": r(cloud.price_decline_per_year),
            "limit_h100e": limit,
            "limit_growth_per_year": limit_growth,
            "split_frac": split,
            "opening_h100e": r(lab.partner_h100e) if at_start else zeros,  # x its split, below
            "capital_cost_usd_per_h100e_hour": capital0,
            "capital_cost_decline_per_year": capital_decline,
            "running_cost_usd_per_h100e_hour": running0,
            "running_cost_decline_per_year": running_decline + zeros,
            "equity_usd": equity if at_start else zeros,
            "credits_usd": equity * r(deal.credits_frac) if at_start else zeros,
            "stake_frac": r(deal.stake_frac),
            "discount_rate_per_year": rate,
            "rent_frac": np.full(n, float(first and lab.strategy.rent_cloud == cname)),
            "commit_frac": np.full(n, float(first and lab.strategy.commit_cloud == cname)),
        }
        for key, value in add.items():
            deal_cols[key].append(np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)).copy())
        if not at_start:  # the investment is paid when the deal is signed, at the lab's valuation then
            tranches.append(EquityTranche(d, deal.signed_quarter, equity, r(deal.credits_frac)))
        for tranche in deal.equity_tranches:
            tranches.append(EquityTranche(d, tranche.quarter, r(tranche.usd), r(tranche.credits_frac)))
    # Investors that sell the lab no capacity: a deal with none, its investments its instalments.
    for investor, lname in lab_investors(labs):
        d = len(deal_lab)
        deal_lab.append(lab_names.index(lname))
        deal_clouds.append(investor)
        terms.append(1)
        leads.append(1)
        opening_left.append(0)
        signed.append(0)
        for key in deal_cols:
            deal_cols[key].append(np.zeros(n))
        deal_cols["discount_rate_per_year"][-1] = r(scenario.finance.discount_rate_per_year) + zeros
        for inv in labs[lname].investments:
            if inv.investor == investor:
                tranches.append(EquityTranche(d, inv.quarter, r(inv.usd) + zeros, zeros))
    deal_params = DealParams(**{f: stack_columns(v, n) for f, v in deal_cols.items()})
    # The capacity a lab has on partners' chips at quarter 0, split among the deals signed by then.
    opening_split = signed_split(deal_params.split_frac, deal_lab, signed, 0)
    deal_params = deal_params._replace(opening_h100e=deal_params.opening_h100e * opening_split)
    seg_cols = [[r(getattr(seg, f)) for seg in segments.values()] for f in MarketParams._fields]
    market = MarketParams(*(stack_columns(c, n) for c in seg_cols))
    cap, fin = scenario.capability, scenario.finance
    world = GlobalParams(
        utilisation_frac=r(cap.utilisation_frac),
        algorithmic_halving_months=r(cap.algorithmic_halving_months),
        frontier_log10_flop=np.full(n, cap.frontier_log10_flop),
        frontier_compute_multiple_per_year=r(cap.frontier_compute_multiple_per_year),
        frontier_growth_decay_per_year=r(cap.frontier_growth_decay_per_year),
        final_run_frac=r(cap.final_run_frac),
        share_weight_per_oom=r(cap.share_weight_per_oom),
        price_sensitivity=r(cap.price_sensitivity),
        pricing_power_per_oom=r(cap.pricing_power_per_oom),
        base_rate_per_year=r(fin.base_rate_per_year),
        debt_spread_per_year=r(fin.debt_spread_per_year),
        discount_rate_per_year=r(fin.discount_rate_per_year),
        valuation_revenue_multiple=r(fin.valuation_revenue_multiple),
        valuation_rank_premium_frac=r(fin.valuation_rank_premium_frac),
        max_dilution_frac=r(fin.max_dilution_frac),
        dc_capex_usd_per_mw=r(fin.dc_capex_usd_per_mw),
        dc_refit_usd_per_mw=r(fin.dc_refit_usd_per_mw),
        dc_lead_quarters=np.rint(r(fin.dc_lead_quarters)),
        pue=r(fin.pue),
        electricity_usd_per_kwh=r(fin.electricity_usd_per_kwh),
        maintenance_frac_per_year=r(fin.maintenance_frac_per_year),
        terminal_value_frac_of_book=r(fin.terminal_value_frac_of_book),
        terminal_growth_per_year=r(fin.terminal_growth_per_year),
        terminal_revenue_multiple=r(fin.terminal_revenue_multiple),
        max_raise_usd_per_year=r(fin.max_raise_usd_per_year),
        max_raise_growth_per_year=r(fin.max_raise_growth_per_year),
        capacity_bound_power_decline_per_year=r(fin.plausible_max_capacity_power_decline_per_year),
    )
    events: dict[str, EventParams] = {}
    for name in RISK_EVENTS:
        spec = getattr(scenario.risks, name)
        if spec is None:
            events[name] = EventParams(False, zeros, zeros, 0, 0)
        else:
            events[name] = EventParams(
                spec.is_enabled,
                r(spec.probability),
                r(spec.size_frac),
                spec.duration_quarters,
                spec.delay_quarters,
                spec.cloud,
            )
    return WorldParams(
        n_samples=n,
        horizon_quarters=scenario.horizon_quarters,
        hours_per_quarter=scenario.hours_per_quarter,
        labs=lab_params,
        deals=deal_params,
        deal_lab=deal_lab,
        deal_clouds=deal_clouds,
        deal_term_quarters=terms,
        deal_lead_quarters=leads,
        deal_opening_remaining_quarters=opening_left,
        deal_signed_quarters=signed,
        equity_tranches=tranches,
        market=market,
        world=world,
        funding_logits=(
            fin.funding_base_logit,
            fin.funding_growth_logit,
            fin.funding_rank_logit,
            fin.funding_loss_logit,
        ),
        terminal_value_method=fin.terminal_value_method,
        compute_priced_at=fin.compute_priced_at,
        stake_valued_at=fin.stake_valued_at,
        chip_lead_quarters=fin.chip_lead_quarters or 0,
        owned_refill=fin.owned_refill,
        lease_refill=fin.lease_refill,
        shortage_rations=fin.shortage_rations,
        plausible_max=(
            fin.plausible_max_capacity_h100e,
            fin.plausible_max_funding_usd,
            fin.plausible_max_revenue_usd_per_year,
        ),
        dc_life_quarters=fin.dc_life_quarters,
        chip_life_quarters=fin.chip_life_quarters,
        events=events,
        draws=WorldDraws(seed, start, n, tuple(labs), futures_shared()),
        lab_names=list(labs),
        segment_names=list(segments),
    )
