"""Finance: funding rounds, ruin, and the three statements of each lab.

Money is in US dollars per quarter; arrays are ``(sample, lab)``.
The statements are tied together so that, in every sample and quarter,

- the change in cash equals operating + investing + financing cash flows, and
- total assets (cash, partner credits, property and equipment) equal
  liabilities (debt) plus equity (paid-in capital plus retained earnings).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from labecon.constants import QUARTERS_PER_YEAR
from labecon.model import _finance_fused, _world_fused, compute
from labecon.model._world_fused import full
from labecon.model.arrays import ratio
from labecon.model.capacity import Investment, to_labs
from labecon.model.decisions import LabDecisions, revenue_growth_per_year
from labecon.model.market import Sales
from labecon.model.world_params import DealParams
from labecon.model.world_state import Context, Online, WorldState
from labecon.types import FloatArray

INCOME_LINES = ("revenue", "compute_cost", "depreciation", "staff", "interest", "net_income")
"""Lines of the income statement (USD per quarter)."""

CASH_FLOW_LINES = ("operating", "investing", "financing", "change_in_cash")
"""Lines of the cash-flow statement (USD per quarter)."""

BALANCE_LINES = ("cash", "credits", "property", "total_assets", "debt", "equity")
"""Lines of the balance sheet at the end of the quarter (USD)."""


def funding_success_probability(
    logits: tuple[float, float, float, float],
    revenue_growth_per_year: FloatArray,
    rank_score: FloatArray,
    loss_ratio: FloatArray,
) -> FloatArray:
    """Return the probability a round closes: ``sigmoid(a + b * growth + c * rank_score - d * loss)``.

    ``logits`` are ``(a, b, c, d)``; ``rank_score`` is 1 for the capability leader and 0 for the
    last lab; ``loss_ratio`` is the quarter's net loss over its revenue, clipped to [0, 5].
    """
    base, growth, rank, loss = logits
    z = (
        base
        + growth * np.clip(revenue_growth_per_year, -1.0, 5.0)
        + rank * rank_score
        - loss * np.clip(loss_ratio, 0.0, 5.0)
    )
    out: FloatArray = 1.0 / (1.0 + np.exp(-z))
    return out


def staff_revenue_factor(
    last_revenue_usd: FloatArray, revenue0_usd_per_year: FloatArray, elasticity: FloatArray
) -> FloatArray:
    """Return ``(last quarter's revenue / quarter-0 revenue) ** elasticity`` (1 without revenue at 0)."""
    if not elasticity.any():
        return np.ones_like(last_revenue_usd)
    base = revenue0_usd_per_year / QUARTERS_PER_YEAR
    grown = ratio(last_revenue_usd, base, 1.0)
    out: FloatArray = np.where(elasticity != 0, np.exp(elasticity * np.log(np.maximum(grown, 1e-12))), 1.0)
    return out


def loss_over_revenue(net_income_usd: FloatArray, revenue_usd: FloatArray) -> FloatArray:
    """Return the net loss over revenue (ratio; 0 when profitable, 5 when there is no revenue)."""
    loss = np.maximum(0.0, -net_income_usd)
    out: FloatArray = ratio(loss, revenue_usd, 5.0)
    out = np.where(loss > 0, out, 0.0)
    return out


def raise_room_usd(
    ceiling_usd_per_year: FloatArray, raised_history_usd: tuple[FloatArray, ...]
) -> FloatArray:
    """Return what investors can still put into a lab this quarter (USD), at least 0.

    The yearly ceiling less the rounds of the last three quarters.
    """
    earlier = raised_history_usd[0] + raised_history_usd[1] + raised_history_usd[2]
    out: FloatArray = np.maximum(0.0, ceiling_usd_per_year[:, None] - earlier)
    return out


def capability_rank_score(capability: FloatArray) -> FloatArray:
    """Return each lab's rank among the labs scaled to [0, 1]: 1 for the leader, 0 for the last."""
    n_labs = capability.shape[1]
    if n_labs == 1:
        return np.ones_like(capability)
    below = np.zeros_like(capability)
    for other in range(n_labs):
        below += capability > capability[:, other : other + 1]
    out: FloatArray = below / (n_labs - 1.0)
    return out


def round_size_usd(
    cash_usd: FloatArray, burn_usd: FloatArray, target_runway_quarters: FloatArray
) -> FloatArray:
    """Return what a round raises: the target runway of burn, and at least what cash lacks plus a quarter."""
    out: FloatArray = np.maximum(target_runway_quarters * burn_usd, burn_usd - cash_usd)
    return out


def cap_round_usd(
    wanted_usd: FloatArray, pre_money_usd: FloatArray, max_dilution_frac: FloatArray
) -> FloatArray:
    """Return what a round can raise: at most ``max_dilution / (1 - max_dilution)`` of the pre-money value."""
    limit = pre_money_usd * max_dilution_frac / np.maximum(1.0 - max_dilution_frac, 1e-12)
    out: FloatArray = np.minimum(wanted_usd, np.maximum(limit, 0.0))
    return out


def dilution_frac(raised_usd: FloatArray, pre_money_usd: FloatArray) -> FloatArray:
    """Return the share of the lab new investors get: ``raised / (pre-money + raised)``."""
    post = pre_money_usd + raised_usd
    out: FloatArray = ratio(raised_usd, post, 0.0)
    return out


class Statements(NamedTuple):
    """One quarter's three statements, each line ``(sample, lab)`` (USD)."""

    income: tuple[FloatArray, ...]
    cash_flow: tuple[FloatArray, ...]
    balance: tuple[FloatArray, ...]


class Costs(NamedTuple):
    """A quarter's income-statement lines and the partner's bill, ``(sample, lab)`` (USD per quarter)."""

    rental_usd: FloatArray
    commitment_usd: FloatArray
    partner_fee_usd: FloatArray
    """What the lab pays its partners, all deals."""
    compute_cost_usd: FloatArray
    owned_opex_usd: FloatArray
    """Power and maintenance of the owned and leased fleet."""
    lease_usd: FloatArray
    """Lease payments for data centres a builder leases to the lab."""
    depreciation_usd: FloatArray
    staff_usd: FloatArray
    interest_usd: FloatArray
    net_income_usd: FloatArray
    credits_used_usd: FloatArray
    """Partner credits that pay partner fees (first)."""
    deal_fee_usd: FloatArray
    """What the lab pays under each deal, ``(sample, deal)``."""
    deal_cost_usd: FloatArray
    """What the capacity delivered under each deal costs the partner, ``(sample, deal)``."""
    deal_credits_used_usd: FloatArray
    """Credits spent under each deal, ``(sample, deal)``."""


class Funding(NamedTuple):
    """A quarter's cash flows, funding round and ruin, ``(sample, lab)`` (USD per quarter)."""

    operating_usd: FloatArray
    investing_usd: FloatArray
    scheduled_debt_usd: FloatArray
    """Debt drawn less debt repaid."""
    repaid_usd: FloatArray
    raised_usd: FloatArray
    pre_money_usd: FloatArray
    burn_usd: FloatArray
    newly_ruined: NDArray[np.bool_]
    partner_cash_usd: FloatArray
    """Partners' instalments paid in cash this quarter (financing)."""
    partner_credits_usd: FloatArray
    """Partners' instalments paid in credits this quarter (non-cash; equity)."""
    deal_invested_usd: FloatArray
    """Each partner's instalment this quarter, cash plus credits, ``(sample, deal)``."""
    deal_credits_in_usd: FloatArray
    """The credits part of it, ``(sample, deal)``."""


def money(state: WorldState, online: Online, sales: Sales, inv: Investment, ctx: Context) -> Costs:
    """Stage 6: revenue less compute costs (by source), depreciation, staff and interest.

    Rentals, commitment payments and partner fees are capacity x hours x
    price; owned capacity costs power and maintenance (:mod:`labecon.model.compute`,
    the equations benchmark B1 uses). Partner credits pay partner fees first.
    """
    if _world_fused.compiled():
        return _money_compiled(state, online, sales, inv, ctx)
    lp, gp, on = ctx.params.labs, ctx.params.world, online.events
    drv, fl, acc, hours = state.drivers, state.fleet, state.accounts, ctx.params.hours_per_quarter
    alive = acc.alive
    rental = compute.rental_usd(sales.rented_h100e, hours, inv.rent_usd_per_h100e_hour)
    deal_fee, deal_cost, deal_credits_used = deal_lines(state, online)
    n_labs = alive.shape[1]
    fee = to_labs(deal_fee, ctx.deal_lab, n_labs)
    commitment = fl.commit_pay_usd_per_quarter * alive
    power = compute.power_of_load_usd(
        online.it_kw, gp.pue[:, None], hours, gp.electricity_usd_per_kwh[:, None]
    )
    maintenance = compute.maintenance_usd(gp.maintenance_frac_per_year[:, None], fl.owned_cost_usd) * alive
    lease = fl.lease_pay_usd_per_quarter * alive
    compute_cost = rental + commitment + fee + power + maintenance + lease
    depreciation = fl.dep_usd_per_quarter * alive
    staff = (
        drv.staff_usd_per_quarter
        * staff_revenue_factor(
            state.standing.revenue_history_usd[4], lp.revenue_usd_per_year, lp.staff_revenue_elasticity
        )
        * alive
    )
    rate = borrowing_rate_per_year(ctx, on)
    interest = acc.debt_usd * rate[:, None] / QUARTERS_PER_YEAR * alive
    net_income = sales.revenue_usd - compute_cost - depreciation - staff - interest
    credits_used = to_labs(deal_credits_used, ctx.deal_lab, n_labs)
    return Costs(
        rental,
        commitment,
        fee,
        compute_cost,
        power + maintenance,
        lease,
        depreciation,
        staff,
        interest,
        net_income,
        credits_used,
        deal_fee,
        deal_cost,
        deal_credits_used,
    )


def deal_lines(state: WorldState, online: Online) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return each deal's fee, the partner's cost of it and the credits that pay it, ``(sample, deal)`` (USD).

    Take-or-pay: each tranche's payment whatever is used, for what the partner delivers;
    the lab's credits with the partner pay its fees first.
    """
    deal_fee = state.deals.pay_usd_per_quarter * online.deal_delivered_frac
    deal_cost = state.deals.cost_usd_per_quarter * online.deal_delivered_frac
    return deal_fee, deal_cost, np.minimum(state.deals.credits_usd, deal_fee)


def borrowing_rate_per_year(ctx: Context, events: Mapping[str, FloatArray]) -> FloatArray:
    """Return the labs' borrowing rate this quarter, per sample (fraction per year), with any rate shock."""
    gp = ctx.params.world
    shock = events["interest_rate_shock"] * ctx.windows["interest_rate_shock"].size_frac
    return gp.base_rate_per_year + gp.debt_spread_per_year + shock


def fund(
    t: int,
    state: WorldState,
    online: Online,
    dec: LabDecisions,
    sales: Sales,
    inv: Investment,
    costs: Costs,
    ctx: Context,
) -> tuple[WorldState, Funding]:
    """Stage 7: debt drawn and repaid; a funding round when the runway is short; ruin.

    A round is tried when the runway falls below the lab's trigger or cash
    would go negative; it closes with a probability that rises with revenue
    growth and capability rank and falls with losses (never during a failed-funding
    event), for the target runway of burn, capped by the largest dilution investors
    accept and by what investors can still put into one lab this year.
    A lab whose cash is still negative is ruined and stops.
    """
    if _world_fused.compiled():
        return _fund_compiled(t, state, online, dec, sales, inv, costs, ctx)
    acc, fl, gp, dd = state.accounts, state.fleet, ctx.params.world, state.deals
    alive = acc.alive
    repaid = np.minimum(acc.debt_usd + inv.debt_draw_usd, fl.repay_usd_per_quarter) * alive
    operating = costs.net_income_usd + costs.depreciation_usd + costs.credits_used_usd
    investing = -inv.capex_usd
    scheduled = inv.debt_draw_usd - repaid
    # Investors pay more for the capability leader: its revenue multiple is the higher.
    rank = capability_rank_score(state.standing.capability_log10_flop)
    premium = 1.0 + gp.valuation_rank_premium_frac[:, None] * (rank - 0.5)
    pre_money = sales.revenue_usd * QUARTERS_PER_YEAR * (gp.valuation_revenue_multiple[:, None] * premium)
    stake, post_money, paid_in = partners_in(t, ctx, acc.alive, pre_money, dd.stake_frac, acc.post_money_usd)
    partner_cash = paid_in[0]
    burn = np.maximum(0.0, -(operating + investing + scheduled))
    cash_pre = acc.cash_usd + operating + investing + scheduled + partner_cash
    runway = ratio(cash_pre, burn, np.inf)
    attempt = ((runway < dec.funding_trigger_runway_quarters) | (cash_pre < 0)) & (burn > 0)
    attempt &= alive > 0
    u = ctx.draws.funding_uniforms(t)
    loss = loss_over_revenue(costs.net_income_usd, sales.revenue_usd)
    p_ok = funding_success_probability(ctx.params.funding_logits, revenue_growth_per_year(state), rank, loss)
    p_ok = p_ok * (1.0 - online.events["failed_funding_round"])[:, None]
    success = attempt & (u < p_ok)
    wanted = round_size_usd(cash_pre, burn, dec.funding_target_runway_quarters)
    room = raise_room_usd(state.drivers.raise_ceiling_usd_per_year, state.standing.raised_history_usd)
    capped = np.minimum(cap_round_usd(wanted, pre_money, gp.max_dilution_frac[:, None]), room)
    raised = np.where(success, capped, 0.0)
    if ctx.deal_lab:
        stake = stake * (1.0 - dilution_frac(raised, pre_money))[:, ctx.deal_lab]
    post_money = np.where(raised > 0, pre_money + raised, post_money)
    cash = cash_pre + raised
    newly_ruined = (cash < 0) & (alive > 0)
    accounts = acc._replace(
        cash_usd=cash, post_money_usd=post_money, ruined=np.maximum(acc.ruined, newly_ruined)
    )
    flows = Funding(operating, investing, scheduled, repaid, raised, pre_money, burn, newly_ruined, *paid_in)
    return state._replace(accounts=accounts, deals=dd._replace(stake_frac=stake)), flows


def _money_compiled(state: WorldState, online: Online, sales: Sales, inv: Investment, ctx: Context) -> Costs:
    """Stage 6 as :func:`money`, the labs' lines in one compiled loop (the same bits)."""
    lp, gp = ctx.params.labs, ctx.params.world
    drv, fl, acc = state.drivers, state.fleet, state.accounts
    alive = acc.alive
    n, n_labs = alive.shape
    lab = (n, n_labs)
    deal = state.deals.pay_usd_per_quarter.shape
    deal_fee, deal_cost, deal_credits_used = (np.empty(deal, order="F") for _ in range(3))
    fee, credits_used = np.empty(lab, order="F"), np.empty(lab, order="F")
    _finance_fused.deal_lines(
        full(state.deals.pay_usd_per_quarter, deal),
        full(state.deals.cost_usd_per_quarter, deal),
        full(online.deal_delivered_frac, deal),
        full(state.deals.credits_usd, deal),
        ctx.deal_terms[0],
        (deal_fee, deal_cost, deal_credits_used),
        (fee, credits_used),
    )
    staff_factor = staff_revenue_factor(
        state.standing.revenue_history_usd[4], lp.revenue_usd_per_year, lp.staff_revenue_elasticity
    )
    rate = borrowing_rate_per_year(ctx, online.events)
    lines = [np.empty(lab, order="F") for _ in range(9)]
    _world_fused.money_kernel(
        float(ctx.params.hours_per_quarter),
        full(alive, lab),
        full(sales.rented_h100e, lab),
        full(inv.rent_usd_per_h100e_hour, lab),
        full(fl.commit_pay_usd_per_quarter, lab),
        full(fee, lab),
        full(online.it_kw, lab),
        full(gp.pue, (n,), keep=True),
        full(gp.electricity_usd_per_kwh, (n,), keep=True),
        full(gp.maintenance_frac_per_year, (n,), keep=True),
        full(fl.owned_cost_usd, lab),
        full(fl.lease_pay_usd_per_quarter, lab),
        full(fl.dep_usd_per_quarter, lab),
        full(drv.staff_usd_per_quarter, lab),
        full(staff_factor, lab),
        full(acc.debt_usd, lab),
        full(rate, (n,)),
        full(sales.revenue_usd, lab),
        *lines,
    )
    rental, commitment, compute_cost, owned_opex, lease, depreciation, staff, interest, net_income = lines
    return Costs(
        rental,
        commitment,
        fee,
        compute_cost,
        owned_opex,
        lease,
        depreciation,
        staff,
        interest,
        net_income,
        credits_used,
        deal_fee,
        deal_cost,
        deal_credits_used,
    )


def _fund_compiled(
    t: int,
    state: WorldState,
    online: Online,
    dec: LabDecisions,
    sales: Sales,
    inv: Investment,
    costs: Costs,
    ctx: Context,
) -> tuple[WorldState, Funding]:
    """Stage 7 as :func:`fund`, the labs' flows and rounds in compiled loops (the same bits).

    The round's odds take NumPy's ``exp`` between the two kernels; partners' instalments and
    stakes (a few deals) stay NumPy.
    """
    acc, fl, gp, dd = state.accounts, state.fleet, ctx.params.world, state.deals
    alive = acc.alive
    n, n_labs = alive.shape
    lab = (n, n_labs)
    hist, raised_hist = state.standing.revenue_history_usd, state.standing.raised_history_usd
    base, growth, rank, loss = ctx.params.funding_logits
    repaid, operating, investing, scheduled, pre_money, minus_z = (np.empty(lab, order="F") for _ in range(6))
    _world_fused.fund_before_round(
        (float(base), float(growth), float(rank), float(loss)),
        full(alive, lab),
        full(acc.debt_usd, lab),
        full(inv.debt_draw_usd, lab),
        full(fl.repay_usd_per_quarter, lab),
        full(costs.net_income_usd, lab),
        full(costs.depreciation_usd, lab),
        full(costs.credits_used_usd, lab),
        full(inv.capex_usd, lab),
        full(state.standing.capability_log10_flop, lab),
        full(gp.valuation_rank_premium_frac, (n,), keep=True),
        full(gp.valuation_revenue_multiple, (n,), keep=True),
        full(sales.revenue_usd, lab),
        full(hist[4], lab),
        full(hist[0], lab),
        repaid,
        operating,
        investing,
        scheduled,
        pre_money,
        minus_z,
    )
    stake, post_money, paid_in = partners_in(t, ctx, acc.alive, pre_money, dd.stake_frac, acc.post_money_usd)
    partner_cash = paid_in[0]
    burn, raised, post, cash, ruined = (np.empty(lab, order="F") for _ in range(5))
    newly_ruined = np.empty(lab, dtype=np.bool_, order="F")
    _world_fused.fund_round(
        full(alive, lab),
        full(acc.cash_usd, lab),
        operating,
        investing,
        scheduled,
        full(partner_cash, lab),
        full(dec.funding_trigger_runway_quarters, lab, keep=True),
        full(dec.funding_target_runway_quarters, lab, keep=True),
        full(ctx.draws.funding_uniforms(t), lab),
        np.exp(minus_z, out=minus_z),
        full(online.events["failed_funding_round"], (n,)),
        pre_money,
        full(gp.max_dilution_frac, (n,), keep=True),
        full(state.drivers.raise_ceiling_usd_per_year, (n,)),
        full(raised_hist[0], lab),
        full(raised_hist[1], lab),
        full(raised_hist[2], lab),
        full(post_money, lab),
        full(acc.ruined, lab),
        burn,
        raised,
        post,
        cash,
        newly_ruined,
        ruined,
    )
    if ctx.deal_lab:
        diluted = np.empty(stake.shape, order="F")
        _finance_fused.dilute_stakes(full(stake, stake.shape), raised, pre_money, ctx.deal_terms[0], diluted)
        stake = diluted
    accounts = acc._replace(cash_usd=cash, post_money_usd=post, ruined=ruined)
    flows = Funding(operating, investing, scheduled, repaid, raised, pre_money, burn, newly_ruined, *paid_in)
    return state._replace(accounts=accounts, deals=dd._replace(stake_frac=stake)), flows


def partners_in(
    t: int, ctx: Context, alive: FloatArray, pre_money: FloatArray, stake: FloatArray, post_money: FloatArray
) -> tuple[FloatArray, FloatArray, tuple[FloatArray, FloatArray, FloatArray, FloatArray]]:
    """Return what partners put in at quarter ``t`` and what it buys, at the lab's value now (USD).

    Returns the partners' stakes after it ``(sample, deal)``, the lab's post-money value
    ``(sample, lab)``, and the flows paid in, in :class:`Funding`'s order: cash and credits per
    lab, the instalment and its credits part per deal.
    """
    n, n_labs = alive.shape
    if not any(tranche.quarter == t for tranche in ctx.params.equity_tranches):  # most quarters
        per_lab, per_deal = (n, n_labs), (n, len(ctx.deal_lab))
        nothing = (np.zeros(per_lab, order="F"), np.zeros(per_lab, order="F"))
        return stake, post_money, (*nothing, np.zeros(per_deal, order="F"), np.zeros(per_deal, order="F"))
    invested, credits_in = partner_instalments(t, ctx, alive)
    lab_in = to_labs(invested, ctx.deal_lab, n_labs)
    sold = dilution_frac(lab_in, pre_money)
    stake = stake * (1.0 - sold[:, ctx.deal_lab]) + np.where(
        invested > 0, invested / np.where(invested > 0, (pre_money + lab_in)[:, ctx.deal_lab], 1.0), 0.0
    )
    post_money = np.where(lab_in > 0, pre_money + lab_in, post_money)
    partner_credits = to_labs(credits_in, ctx.deal_lab, n_labs)
    partner_cash = lab_in - partner_credits
    return stake, post_money, (partner_cash, partner_credits, invested, credits_in)


def partner_instalments(t: int, ctx: Context, alive: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return each deal's instalment paid at quarter ``t`` and its credits part, ``(sample, deal)`` (USD).

    A lab that is ruined gets none.
    """
    n, n_deals = alive.shape[0], len(ctx.deal_lab)
    invested, credits = np.zeros((n, n_deals), order="F"), np.zeros((n, n_deals), order="F")
    if not ctx.params.equity_tranches:
        return invested, credits
    for tranche in ctx.params.equity_tranches:
        if tranche.quarter == t:
            paid = tranche.usd * alive[:, ctx.deal_lab[tranche.deal]]
            invested[:, tranche.deal] += paid
            credits[:, tranche.deal] += paid * tranche.credits_frac
    return invested, credits


def close_books(state: WorldState, inv: Investment, costs: Costs, funding: Funding) -> WorldState:
    """Stage 8: the balance sheet at the quarter's end (cash was set by :func:`fund`)."""
    if _world_fused.compiled():
        return _close_books_compiled(state, inv, costs, funding)
    acc, dd = state.accounts, state.deals
    paid_in = funding.raised_usd + funding.partner_cash_usd + funding.partner_credits_usd
    return state._replace(
        accounts=acc._replace(
            debt_usd=acc.debt_usd + inv.debt_draw_usd - funding.repaid_usd,
            credits_usd=acc.credits_usd - costs.credits_used_usd + funding.partner_credits_usd,
            property_usd=acc.property_usd + inv.capex_usd - costs.depreciation_usd,
            equity_usd=acc.equity_usd + costs.net_income_usd + paid_in,
        ),
        deals=dd._replace(
            credits_usd=dd.credits_usd - costs.deal_credits_used_usd + funding.deal_credits_in_usd
        ),
    )


def _close_books_compiled(state: WorldState, inv: Investment, costs: Costs, funding: Funding) -> WorldState:
    """Stage 8 as :func:`close_books`, in one compiled pass (the same bits)."""
    acc, dd = state.accounts, state.deals
    lab, deal = acc.alive.shape, dd.credits_usd.shape
    debt, credits, prop, equity = (np.empty(lab, order="F") for _ in range(4))
    deal_credits = np.empty(deal, order="F")
    flows = (
        inv.debt_draw_usd,
        funding.repaid_usd,
        costs.credits_used_usd,
        funding.partner_credits_usd,
        inv.capex_usd,
        costs.depreciation_usd,
        costs.net_income_usd,
        funding.raised_usd,
        funding.partner_cash_usd,
    )
    held = (
        full(acc.debt_usd, lab),
        full(acc.credits_usd, lab),
        full(acc.property_usd, lab),
        full(acc.equity_usd, lab),
    )
    in_deals = (dd.credits_usd, costs.deal_credits_used_usd, funding.deal_credits_in_usd)
    _finance_fused.close_books(
        held,
        tuple(full(x, lab) for x in flows),
        (full(in_deals[0], deal), full(in_deals[1], deal), full(in_deals[2], deal)),
        (debt, credits, prop, equity),
        deal_credits,
    )
    return state._replace(
        accounts=acc._replace(debt_usd=debt, credits_usd=credits, property_usd=prop, equity_usd=equity),
        deals=dd._replace(credits_usd=deal_credits),
    )


def partner_accounts(
    costs: Costs, state: WorldState, deal_lab: list[int], deal_params: DealParams
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return each partner's revenue from its lab, its margin and its stake's value, ``(sample, deal)`` (USD).

    Revenue: the deal's fees, plus the lab's rentals and commitments when it also rents or
    commits with that cloud. Margin: revenue less the partner's own cost of the deal's
    capacity (capital recovery at its cost of capital, and power: a tranche's cost is fixed
    when it is signed); the other revenue earns the deal's margin of quarter 0. The stake is
    valued at the lab's last funding-round (or instalment) price; nothing once the lab is ruined.
    """
    acc = state.accounts
    if not deal_lab:
        empty = np.zeros((acc.cash_usd.shape[0], 0))
        return empty, empty, empty
    other = np.zeros_like(costs.deal_fee_usd)
    if deal_params.rent_frac.any() or deal_params.commit_frac.any():
        other = (
            costs.rental_usd[:, deal_lab] * deal_params.rent_frac
            + costs.commitment_usd[:, deal_lab] * deal_params.commit_frac
        )
    price0 = deal_params.usd_per_h100e_hour
    cost0 = deal_params.capital_cost_usd_per_h100e_hour + deal_params.running_cost_usd_per_h100e_hour
    margin0 = 1.0 - ratio(cost0, price0, 1.0)  # no price: no margin
    revenue = costs.deal_fee_usd + other
    margin = costs.deal_fee_usd - costs.deal_cost_usd + other * margin0
    stake_value = state.deals.stake_frac * (acc.post_money_usd * acc.alive)[:, deal_lab]
    return revenue, margin, stake_value
