"""THE order of a world quarter, stated once: labs, clouds and partners, market, capability, money.

Every array is ``(sample, lab)`` (or ``(sample, lab, segment)``), vectorised
with NumPy; the only Python loop is over quarters. Arrays are stored samples
fastest (Fortran order), so that NumPy's inner loops run over samples, not
over two labs or segments at a time (~10x slower); a block runs in
sub-blocks of :data:`SUB_BLOCK` samples. Quarter ``t``:

1. **Capacity online.** Owned accelerators whose data centre is finished come
   online and those past their life retire; commitments start and end;
   partner capacity is what the lab asked for last quarter, within the
   partner's limit (cut by a capacity-cut event).
2. **Decide.** The labs' strategies (:class:`LabPolicy`) set the allocation
   between training, research and inference, the price premium, and targets
   for owned, committed and partner capacity, from what they saw last quarter
   (reactive rules: build ahead of forecast need, scale commitments with
   revenue, cut training when the runway is short).
3. **Invest.** Owned capacity the target lacks is ordered: a data centre and
   its accelerators, the building paid as it goes up and the chips on delivery,
   online after the lead time (delayed and dearer
   under a construction-delay event); new take-or-pay contracts start next
   quarter at today's committed price.
4. **Market.** Each segment's spend and reference price move on; each lab's
   price follows its premium and capability; customers re-choose a share
   of their lab (logit on capability and price, with inertia); the lab serves
   what its inference capacity allows, renting on demand when short; demand
   it cannot serve is lost to it and served by labs with spare capacity.
5. **Train.** Training capacity adds effective FLOP to the current run; when
   a run ends the capability index rises to ``log10`` of its effective FLOP.
6. **Money.** Revenue; compute costs (rentals, commitment payments, partner
   fees, power, maintenance), depreciation, staff and R&D, interest; partner
   credits pay partner fees first.
7. **Finance.** Debt drawn and repaid; when the runway is short a funding
   round is tried (success depends on growth and capability rank); a lab
   whose cash is still negative is ruined and stops.
8. **Statements.** Income statement, cash-flow statement and balance sheet.

The equations, units and defaults are listed in ``docs/model.md``.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

import numpy as np

from labecon.model import capability as cap_mod
from labecon.model import compute, finance, risk
from labecon.model import market as mkt
from labecon.model._schedule import Schedule
from labecon.model.world_params import WorldParams, take_samples
from labecon.scenario.world import RISK_EVENTS
from labecon.types import FloatArray

SOURCES = ("owned", "committed", "rented", "partner")
"""Where a lab's compute comes from."""

PARTNER_LINES = ("revenue_from_lab", "margin", "stake_value")
"""The partner's accounts of its deal with a lab (USD per quarter; stake value at the quarter's end)."""

_EVENT_STREAM = {name: i + 1 for i, name in enumerate(RISK_EVENTS)}
"""Each risk event's random stream (their order is part of the results' bits)."""
_FUNDING_STREAM = 100


class LabObservation(NamedTuple):
    """What each lab knows when it decides at the start of quarter ``t``; arrays ``(sample, lab)``."""

    t: int
    need_h100e: FloatArray
    """Inference capacity its customers needed last quarter (H100e)."""
    need_growth_per_year: FloatArray
    """Market-implied yearly growth of that need (fraction per year)."""
    revenue_growth_per_year: FloatArray
    """Growth of its revenue over the last four quarters (fraction per year)."""
    runway_quarters: FloatArray
    """Cash over last quarter's burn (quarters; inf when not burning)."""
    lead_quarters: FloatArray
    """Quarters a data centre ordered now takes, ``(sample,)``."""


class LabDecisions(NamedTuple):
    """A quarter's decisions, each ``(sample, lab)``."""

    training_frac: FloatArray
    research_frac: FloatArray
    price_premium_frac: FloatArray
    own_target_h100e: FloatArray
    """Owned capacity wanted once an order placed now is online (H100e)."""
    commit_target_h100e: FloatArray
    """Committed capacity wanted next quarter (H100e)."""
    partner_target_h100e: FloatArray
    """Partner capacity wanted next quarter (H100e)."""
    funding_trigger_runway_quarters: FloatArray
    funding_target_runway_quarters: FloatArray


class LabPolicy(Protocol):
    """A set of strategies, one per lab, as data plus rules (see :mod:`labecon.strategies.lab`)."""

    def decide(self, obs: LabObservation) -> LabDecisions:
        """Return the quarter's decisions of every lab."""
        ...

    def take_samples(self, rows: slice) -> LabPolicy:
        """Return the strategies of samples ``rows`` only."""
        ...


class WorldResult(NamedTuple):
    """What a world run produced: per-sample outputs, and per-quarter paths if kept."""

    outputs: dict[str, FloatArray]
    paths: dict[str, FloatArray]


OWNED, COST, DEP, BUILDING, COMMIT, PAY, REPAY = range(7)
CHIP_DEP, DC_DEP, CHIP_PAY, DC_SPEND = COMMIT, PAY, REPAY, 7  # in the arrivals schedule only
"""Components of the schedule: owned H100e, their purchase cost, depreciation per quarter, H100e
under construction, committed H100e, commitment payments per quarter, debt repayment per quarter,
data-centre construction spend per quarter; in the arrivals schedule, chips' depreciation, the
facility's depreciation and the chips' price, paid on delivery (USD)."""


SUB_BLOCK = 8192
"""Samples simulated together. Samples are independent, so a block runs in sub-blocks of this
size, with the same bits, and its memory stays bounded: the two schedules below hold
``(horizon + 1) x lab x 7`` values per sample (9 KiB for two labs over 40 quarters, 600 MB
for a 65,536-sample block at once)."""


def simulate_world(params: WorldParams, policy: LabPolicy, *, keep_paths: bool = False) -> WorldResult:
    """Run a world scenario over its horizon; return its per-sample outputs (and paths if asked).

    Outputs (sample-leading, see :func:`labecon.model.world_outputs.describe_world_outputs`):
    revenue, cash and capacity by year; first profitable quarter; whether ever
    profitable; peak funding need; ruin; NPV of free cash flow; the partner's
    deal NPV.
    """
    if params.n_samples > SUB_BLOCK:
        return _in_sub_blocks(params, policy, keep_paths=keep_paths)
    p, lp, mp, gp = params, params.labs, params.market, params.world
    n, H, hours = p.n_samples, p.horizon_quarters, p.hours_per_quarter
    L, S = lp.cash_usd.shape[1], mp.spend_usd_per_year.shape[1]
    keys = risk.sample_keys(p.u_world)
    ev = {name: risk.draw_window(keys, _EVENT_STREAM[name], e, H) for name, e in p.events.items()}

    # Schedules of future changes.
    sched = Schedule(n, L, H, n_components=7)
    # Owned capacity coming online, by the quarter it does (a scatter: lead times differ by sample).
    arrivals = Schedule(n, L, H, n_components=8)
    maturity = [int(m) for m in lp.debt_maturity_quarters[0]] if n else [1] * L
    term = [int(m) for m in lp.commit_term_quarters[0]] if n else [1] * L

    def zeros() -> FloatArray:
        return np.zeros((n, L), order="F")

    building = zeros()  # owned capacity ordered, not yet online (H100e)

    # Opening balances (the partner deal is paid in before quarter 0).
    owned = zeros()
    owned_cost = zeros()
    dep_rate = zeros()
    chip_value0 = lp.owned_h100e * lp.own_usd_per_h100e
    dc_value0 = lp.owned_h100e * lp.own_kw_per_h100e * 1e-3 * gp.dc_capex_usd_per_mw[:, None]
    remaining_chip_q = np.maximum(1.0, np.round(lp.owned_book_frac * p.chip_life_quarters))
    remaining_dc_q = np.maximum(1.0, np.round(lp.owned_book_frac * p.dc_life_quarters))
    sched.add(0, (OWNED, COST), lp.owned_h100e, chip_value0)
    sched.add(remaining_chip_q, (OWNED, COST), -lp.owned_h100e, -chip_value0)
    chip_book0, dc_book0 = chip_value0 * lp.owned_book_frac, dc_value0 * lp.owned_book_frac
    sched.add(0, (DEP,), chip_book0 / remaining_chip_q + dc_book0 / remaining_dc_q)
    sched.add(remaining_chip_q, (DEP,), -chip_book0 / remaining_chip_q)
    sched.add(remaining_dc_q, (DEP,), -dc_book0 / remaining_dc_q)
    commit_price0 = lp.commit_usd_per_h100e_hour
    pay0 = lp.committed_h100e * hours * commit_price0
    sched.add(0, (COMMIT, PAY), lp.committed_h100e, pay0)
    sched.add(lp.committed_remaining_quarters, (COMMIT, PAY), -lp.committed_h100e, -pay0)
    committed = zeros()
    commit_pay = zeros()
    repay_rate = zeros()
    dc_spend_rate = zeros()  # data-centre construction paid per quarter (USD)
    partner_target = lp.partner_h100e * lp.has_partner

    cash = lp.cash_usd + lp.partner_equity_usd - lp.partner_credits_usd
    credits = np.copy(lp.partner_credits_usd)
    debt = np.copy(lp.debt_usd)
    prop = chip_book0 + dc_book0
    equity = cash + credits + prop - debt
    stake = np.copy(lp.partner_stake_frac)
    capability = np.copy(lp.capability_log10_flop)
    run_flop = zeros()
    alive = np.ones((n, L), order="F")
    ruined = zeros()

    # Market at quarter 0: shares from revenue, brands calibrated to them.
    spend0, pref0, cpu0 = mkt.segment_paths(
        mp.spend_usd_per_year,
        mp.growth_per_year,
        mp.growth_decay_per_year,
        mp.price_usd_per_unit,
        mp.price_decline_per_year,
        mp.serving_efficiency_gain_per_year,
        0,
    )
    shares = np.asfortranarray(
        lp.revenue_usd_per_year[:, :, None] * lp.revenue_mix[None, :, :] / spend0[:, None, :]
    )
    frontier0 = gp.frontier_log10_flop
    gap0 = capability - frontier0[:, None]
    at_reference = np.zeros((n, L, S), order="F")  # ln(price / reference) = ln(1)
    attract0 = mkt.attractiveness(gap0, at_reference, gp.share_weight_per_oom, gp.price_sensitivity)
    brand, outside = mkt.calibrate_brands(shares, attract0)
    vol0 = spend0 / pref0 / 4.0
    need_prev = mkt.sum_axis(shares * vol0[:, None, :] * cpu0[:, None, :], 2) / hours
    revenue_hist = [lp.revenue_usd_per_year / 4.0] * 5  # the last five quarters, oldest first
    burn_prev = zeros()
    discount = np.ones(n)
    disc_q = (1.0 + gp.discount_rate_per_year) ** -0.25

    # Per-sample accumulators.
    n_years = -(-H // 4)
    revenue_by_year = np.zeros((n, L, n_years), order="F")
    cash_by_year = np.zeros((n, L, n_years), order="F")
    ruined_by_year = np.zeros((n, L, n_years), order="F")
    capacity_by_year = np.zeros((n, L, n_years), order="F")
    first_profit = np.full((n, L), float(H), order="F")
    npv = zeros()
    cum_pre_equity = zeros()
    peak_need = zeros()
    deal_npv = -lp.partner_equity_usd
    paths: dict[str, FloatArray] = {}
    if keep_paths:
        paths = {
            "income_statement_usd": np.zeros((n, L, H, len(finance.INCOME_LINES))),
            "cash_flow_usd": np.zeros((n, L, H, len(finance.CASH_FLOW_LINES))),
            "balance_sheet_usd": np.zeros((n, L, H, len(finance.BALANCE_LINES))),
            "capacity_h100e": np.zeros((n, L, H, len(SOURCES))),
            "capability_log10_flop": np.zeros((n, L, H)),
            "inference_capacity_h100e": np.zeros((n, L, H)),
            "market_share": np.zeros((n, L, H, S)),
            "price_usd_per_unit": np.zeros((n, L, H, S)),
            "served_units": np.zeros((n, L, H, S)),
            "lost_units": np.zeros((n, L, H, S)),
            "partner_accounts_usd": np.zeros((n, L, H, len(PARTNER_LINES))),
        }
    run_length = lp.run_length_quarters[0]

    # Paths x_t = x_0 * f ** t, advanced by one multiplication a quarter (no powers in the loop).
    grow, fall = compute.growth_factor_per_quarter, compute.decline_factor_per_quarter
    partner_limit_path, f_partner_limit = (
        np.copy(lp.partner_limit_h100e),
        grow(lp.partner_limit_growth_per_year),
    )
    rent_limit_path, f_rent_limit = np.copy(lp.rent_limit_h100e), grow(lp.rent_limit_growth_per_year)
    chip_path, f_chip = np.copy(lp.own_usd_per_h100e), fall(lp.own_price_decline_per_year)
    commit_path, f_commit = np.copy(lp.commit_usd_per_h100e_hour), fall(lp.commit_price_decline_per_year)
    rent_path, f_rent = np.copy(lp.rent_usd_per_h100e_hour), fall(lp.rent_price_decline_per_year)
    partner_path, f_partner = np.copy(lp.partner_usd_per_h100e_hour), fall(lp.partner_price_decline_per_year)
    staff_path, f_staff = lp.staff_usd_per_year / 4.0, grow(lp.staff_growth_per_year)
    pref, f_pref = np.copy(mp.price_usd_per_unit), fall(mp.price_decline_per_year)
    cpu, f_cpu = np.ones((n, S), order="F"), fall(mp.serving_efficiency_gain_per_year)
    # Fading growth: ln(1 + g_t) = ln(1 + g) * fade_t with fade_t = (1 - decay) ** (t / 4).
    log_g, fade = np.log1p(mp.growth_per_year), np.ones((n, S), order="F")
    f_fade = fall(mp.growth_decay_per_year)
    lam = -np.log1p(-mp.growth_decay_per_year)
    fading = lam > 0
    safe_lam = np.where(fading, lam, 1.0)
    need_factor = (1.0 - mp.serving_efficiency_gain_per_year) / (1.0 - mp.price_decline_per_year)
    algorithmic, f_algorithmic = np.ones(n), 2.0 ** (3.0 / gp.algorithmic_halving_months)
    a_base, a_growth, a_rank = p.funding_logits
    construction = ev["construction_delay"]
    cut = {name: np.minimum(window.size_frac, 1.0) for name, window in ev.items()}  # a cut takes <= all
    # The windows stacked, (event, sample): one NumPy call a quarter says which are active.
    windows = ev.values()
    every_event = risk.EventWindow(
        occurs=np.stack([window.occurs for window in windows]),
        onset=np.stack([window.onset for window in windows]),
        end=np.stack([window.end for window in windows]),
        size_frac=np.zeros(0),
        delay_quarters=0,
    )
    frontier = cap_mod.frontier_log10_flop(  # every quarter's at once, (quarter, sample)
        frontier0,
        gp.frontier_compute_multiple_per_year,
        gp.frontier_growth_decay_per_year,
        gp.algorithmic_halving_months,
        np.arange(H)[:, None],
    )

    for t in range(H):
        years = t / 4.0
        # 1. Capacity online.
        due = sched.at(t)
        came = arrivals.at(t)
        owned += due[OWNED] + came[OWNED]
        owned_cost += due[COST] + came[COST]
        dep_rate += due[DEP] + came[DEP]
        building += came[BUILDING]
        # What came online a life ago leaves now (chips) or stops depreciating (facilities).
        if t >= p.chip_life_quarters:
            old = arrivals.at(t - p.chip_life_quarters)
            owned -= old[OWNED]
            owned_cost -= old[COST]
            dep_rate -= old[CHIP_DEP]
        if t >= p.dc_life_quarters:
            dep_rate -= arrivals.at(t - p.dc_life_quarters)[DC_DEP]
        committed += due[COMMIT]
        commit_pay += due[PAY]
        repay_rate += due[REPAY]
        dc_spend_rate += came[DC_SPEND]
        on = dict(zip(ev, risk.active(every_event, t), strict=True))
        partner_limit = (
            partner_limit_path * (1.0 - on["partner_capacity_cut"] * cut["partner_capacity_cut"])[:, None]
        )
        partner = np.minimum(partner_target, partner_limit) * lp.has_partner * alive
        owned_live, committed_live = owned * alive, committed * alive

        # 2. Decide.
        lead = gp.dc_lead_quarters + on["construction_delay"] * construction.delay_quarters
        need_growth = np.exp(log_g * fade) * need_factor - 1.0  # = mkt.need_growth_per_year(...)
        # Element-wise, not a matrix product: BLAS kernels change the bits with the block's size.
        lab_need_growth = mkt.sum_axis(need_growth[:, None, :] * lp.revenue_mix[None, :, :], 2)
        rev_growth = revenue_hist[4] / np.maximum(revenue_hist[0], 1e-9) - 1.0
        runway = np.where(burn_prev > 0, cash / np.where(burn_prev > 0, burn_prev, 1.0), np.inf)
        dec = policy.decide(LabObservation(t, need_prev, lab_need_growth, rev_growth, runway, lead))

        # 3. Invest: owned capacity and new commitments.
        glut = (1.0 - on["compute_glut"] * cut["compute_glut"])[:, None]
        can_buy = (t >= lp.own_available_quarter).astype(np.float64)
        order = np.maximum(0.0, dec.own_target_h100e - owned - building) * can_buy * alive
        chip_price = chip_path * (1.0 + on["chip_shortage"] * ev["chip_shortage"].size_frac)[:, None]
        chip_capex = order * chip_price
        dc_capex = (
            order
            * lp.own_kw_per_h100e
            * 1e-3
            * gp.dc_capex_usd_per_mw[:, None]
            * (1.0 + on["construction_delay"] * construction.size_frac)[:, None]
        )
        building += order
        chip_dep = chip_capex / p.chip_life_quarters
        dc_dep = dc_capex / p.dc_life_quarters
        # Construction is paid evenly from the order to completion, chips on delivery.
        online_q = t + lead[:, None]
        dc_rate = dc_capex / np.maximum(lead, 1.0)[:, None]
        arrivals.add(
            online_q,
            (BUILDING, OWNED, COST, DEP, CHIP_DEP, DC_DEP, CHIP_PAY, DC_SPEND),
            -order,
            order,
            chip_capex,
            chip_dep + dc_dep,
            chip_dep,
            dc_dep,
            chip_capex,
            -dc_rate,
        )
        dc_spend_rate += dc_rate
        capex = (dc_spend_rate + came[CHIP_PAY]) * alive
        debt_draw = capex * lp.debt_frac_of_capex
        repay_per_q = debt_draw / lp.debt_maturity_quarters
        sched.add(t + 1, (REPAY,), repay_per_q)
        for lab in range(L):  # maturities and terms are per lab: one slot each, no scatter
            sched.add_lab(t + 1 + maturity[lab], lab, REPAY, -repay_per_q[:, lab])
        committed_next = committed + sched.at(t + 1)[COMMIT]
        new_commit = (
            np.maximum(
                0.0,
                np.minimum(dec.commit_target_h100e, lp.commit_limit_h100e) - committed_next,
            )
            * alive
        )
        commit_price = commit_path * glut
        new_pay = new_commit * hours * commit_price
        sched.add(t + 1, (COMMIT, PAY), new_commit, new_pay)
        for lab in range(L):
            sched.add_lab(t + 1 + term[lab], lab, COMMIT, -new_commit[:, lab])
            sched.add_lab(t + 1 + term[lab], lab, PAY, -new_pay[:, lab])
        partner_target = dec.partner_target_h100e

        # 4. Market.
        # spend_t = spend_0 * (1 + g) ** growth_years(decay, t / 4), as mkt.segment_paths says.
        grown = np.where(fading, (1.0 - fade) / safe_lam, years)
        spend = mp.spend_usd_per_year * np.exp(log_g * grown)
        spend = spend * (1.0 - on["demand_slump"] * cut["demand_slump"])[:, None]
        volume = spend / pref / 4.0
        gap = capability - frontier[t][:, None]
        price = mkt.lab_prices(pref, dec.price_premium_frac, gap, gp.pricing_power_per_oom)
        log_ratio = np.log(price / pref[:, None, :])
        attract = mkt.attractiveness(gap, log_ratio, gp.share_weight_per_oom, gp.price_sensitivity)
        target = mkt.target_shares(brand * alive[:, :, None], attract, outside)
        inertia = mp.inertia_frac[:, None, :]
        shares = (inertia * shares + (1.0 - inertia) * target) * alive[:, :, None]
        demand = mkt.demand_units(shares, volume, log_ratio, mp.elasticity)
        need = mkt.sum_axis(demand * cpu[:, None, :], 2) / hours
        base_cap = owned_live + committed_live + partner
        infer_base = (1.0 - dec.training_frac - dec.research_frac) * base_cap
        rent_limit = np.maximum(0.0, rent_limit_path - committed_live * lp.rent_shares_commit_cloud)
        rented = np.clip(need - infer_base, 0.0, rent_limit) * alive
        infer_cap = infer_base + rented
        served, lost = mkt.serve(demand, cpu, infer_cap, hours)
        spare = np.maximum(0.0, infer_cap - need)
        served = served + mkt.spill_over(lost, spare, cpu, hours)
        shares = served / volume[:, None, :]
        revenue = mkt.sum_axis(served * price, 2)

        # 5. Train.
        train_h100e = dec.training_frac * base_cap
        run_flop = run_flop + cap_mod.effective_flop(
            train_h100e * gp.final_run_frac[:, None], hours, gp.utilisation_frac, algorithmic
        )
        ends = (t + 1) % run_length == 0
        if ends.any():  # else nothing changes (and log10 is dear)
            run_ends = ends.astype(np.float64)[None, :] * alive
            capability, run_flop = cap_mod.finish_runs(capability, run_flop, run_ends)

        # 6. Money.
        rent_price = rent_path * glut
        rental = rented * hours * rent_price
        partner_fee_list = partner * hours * partner_path
        partner_fee = (
            partner_fee_list * (1.0 + on["partner_price_rise"] * ev["partner_price_rise"].size_frac)[:, None]
        )
        commitment = commit_pay * alive
        power = (
            owned_live * lp.own_kw_per_h100e * gp.pue[:, None] * hours * gp.electricity_usd_per_kwh[:, None]
        )
        maintenance = gp.maintenance_frac_per_year[:, None] / 4.0 * owned_cost * alive
        compute_cost = rental + commitment + partner_fee + power + maintenance
        depreciation = dep_rate * alive
        staff = staff_path * alive
        rate = (
            gp.base_rate_per_year
            + gp.debt_spread_per_year
            + on["interest_rate_shock"] * ev["interest_rate_shock"].size_frac
        )
        interest = debt * rate[:, None] / 4.0 * alive
        net_income = revenue - compute_cost - depreciation - staff - interest
        credits_used = np.minimum(credits, partner_fee)

        # 7. Finance.
        repay = np.minimum(debt + debt_draw, repay_rate) * alive
        operating = net_income + depreciation + credits_used
        investing = -capex
        scheduled = debt_draw - repay
        cash_pre = cash + operating + investing + scheduled
        burn = np.maximum(0.0, -(operating + investing + scheduled))
        runway_now = np.where(burn > 0, cash_pre / np.where(burn > 0, burn, 1.0), np.inf)
        attempt = ((runway_now < dec.funding_trigger_runway_quarters) | (cash_pre < 0)) & (burn > 0)
        attempt &= alive > 0
        u = risk.stream_uniforms(keys, _FUNDING_STREAM, t, L)
        p_ok = finance.funding_success_probability(
            a_base, a_growth, a_rank, rev_growth, finance.capability_rank_score(capability)
        )
        p_ok = p_ok * (1.0 - on["failed_funding_round"])[:, None]
        success = attempt & (u < p_ok)
        pre_money = revenue * 4.0 * gp.valuation_revenue_multiple[:, None]
        wanted = finance.round_size_usd(cash_pre, burn, dec.funding_target_runway_quarters)
        raised = np.where(
            success, finance.cap_round_usd(wanted, pre_money, gp.max_dilution_frac[:, None]), 0.0
        )
        stake = stake * (1.0 - finance.dilution_frac(raised, pre_money))
        financing = scheduled + raised
        cash = cash_pre + raised
        newly_ruined = (cash < 0) & (alive > 0)
        ruined = np.maximum(ruined, newly_ruined)

        # 8. Statements.
        debt = debt + debt_draw - repay
        credits = credits - credits_used
        prop = prop + capex - depreciation
        equity = equity + net_income + raised
        total_assets = cash + credits + prop

        # Outputs and partner accounts.
        y = t // 4
        revenue_by_year[:, :, y] += revenue
        cash_by_year[:, :, y] = cash
        ruined_by_year[:, :, y] = ruined
        capacity_by_year[:, :, y] = base_cap + rented
        first_profit = np.where((first_profit == H) & (net_income > 0) & (alive > 0), float(t), first_profit)
        fcf = operating + investing
        npv += discount[:, None] * fcf
        cum_pre_equity += fcf + scheduled
        peak_need = np.maximum(peak_need, -cum_pre_equity)
        partner_revenue = (
            partner_fee + rental * lp.partner_rent_frac + commitment * lp.partner_commit_frac
        ) * lp.has_partner
        # The partner's cost does not rise with its prices: cost is a share of the pre-rise bill.
        margin = partner_revenue - lp.partner_cost_frac * (partner_revenue - partner_fee + partner_fee_list)
        stake_value = stake * (pre_money + raised) * lp.has_partner
        deal_npv = deal_npv + discount[:, None] * margin
        if keep_paths:
            paths["income_statement_usd"][:, :, t] = np.stack(
                (revenue, compute_cost, depreciation, staff, interest, net_income), axis=2
            )
            paths["cash_flow_usd"][:, :, t] = np.stack(
                (operating, investing, financing, operating + investing + financing), axis=2
            )
            paths["balance_sheet_usd"][:, :, t] = np.stack(
                (cash, credits, prop, total_assets, debt, equity), axis=2
            )
            paths["capacity_h100e"][:, :, t] = np.stack((owned_live, committed_live, rented, partner), axis=2)
            paths["capability_log10_flop"][:, :, t] = capability
            paths["inference_capacity_h100e"][:, :, t] = infer_cap
            paths["market_share"][:, :, t] = shares
            paths["price_usd_per_unit"][:, :, t] = price
            paths["served_units"][:, :, t] = served
            paths["lost_units"][:, :, t] = lost
            paths["partner_accounts_usd"][:, :, t] = np.stack((partner_revenue, margin, stake_value), axis=2)

        # Carry to the next quarter.
        alive = alive * (1.0 - newly_ruined)
        need_prev = need
        revenue_hist = [*revenue_hist[1:], revenue]
        burn_prev = burn
        discount = discount * disc_q
        for path_, factor in (
            (partner_limit_path, f_partner_limit),
            (rent_limit_path, f_rent_limit),
            (chip_path, f_chip),
            (commit_path, f_commit),
            (rent_path, f_rent),
            (partner_path, f_partner),
            (staff_path, f_staff),
            (pref, f_pref),
            (cpu, f_cpu),
            (fade, f_fade),
        ):
            path_ *= factor
        algorithmic *= f_algorithmic

    terminal = (
        prop
        * gp.terminal_value_frac_of_book[:, None]
        * risk.multiplier_down(ev["compute_glut"], H - 1)[:, None]
    )
    npv += discount[:, None] * terminal * alive
    deal_npv = deal_npv + discount[:, None] * stake_value
    outputs = {
        "revenue_usd_by_year": revenue_by_year,
        "cash_usd_by_year": cash_by_year,
        "capacity_h100e_by_year": capacity_by_year,
        "first_profitable_quarter": first_profit,
        "is_ever_profitable": (first_profit < H).astype(np.float64),
        "peak_funding_need_usd": peak_need,
        "is_ruined": ruined.astype(np.float64),
        "is_ruined_by_year": ruined_by_year,
        "npv_fcf_usd": npv,
        "is_npv_leader": npv_leader(npv),
    }
    with_deal = np.flatnonzero(lp.has_partner[0] > 0) if n else np.zeros(0, dtype=np.int64)
    if with_deal.size:
        outputs["partner_deal_npv_usd"] = deal_npv[:, with_deal]
    # Out in C order, as they always were: sums over samples downstream add in an order
    # that follows the layout, so their bits would change with it.
    return WorldResult({name: np.ascontiguousarray(v) for name, v in outputs.items()}, paths)


def npv_leader(npv_usd: FloatArray) -> FloatArray:
    """Return 1 for the lab with the highest NPV in a sample (first on a tie), else 0: ``(sample, lab)``."""
    leader = np.zeros(npv_usd.shape)
    if npv_usd.size:
        leader[np.arange(npv_usd.shape[0]), np.argmax(npv_usd, axis=1)] = 1.0
    return leader


def _in_sub_blocks(params: WorldParams, policy: LabPolicy, *, keep_paths: bool) -> WorldResult:
    """Run :func:`simulate_world` on sub-blocks of :data:`SUB_BLOCK` samples; join their results."""
    n = params.n_samples
    outputs: dict[str, FloatArray] = {}
    paths: dict[str, FloatArray] = {}
    for start in range(0, n, SUB_BLOCK):
        rows = slice(start, min(start + SUB_BLOCK, n))
        part = simulate_world(take_samples(params, rows), policy.take_samples(rows), keep_paths=keep_paths)
        for whole, piece in ((outputs, part.outputs), (paths, part.paths)):
            for name, value in piece.items():
                if name not in whole:  # written in place: no second copy of the paths
                    whole[name] = np.empty((n, *value.shape[1:]), dtype=value.dtype)
                whole[name][rows] = value
    return WorldResult(outputs, paths)
