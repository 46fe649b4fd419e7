"""The world at the start of quarter 0, and what is fixed for a run.

Opening balances, the market calibrated to the labs' revenue, and the
:class:`~labecon.model.world_state.Context`: event windows, the frontier's
path, each driver's factor per quarter.
"""

from __future__ import annotations

import numpy as np

from labecon.constants import QUARTERS_PER_YEAR
from labecon.model import capability as cap_mod
from labecon.model import compute, risk
from labecon.model import market as mkt
from labecon.model._schedule import Schedule
from labecon.model.arrays import sum_axis
from labecon.model.world_params import WorldParams, stack_columns
from labecon.model.world_state import (
    ARRIVAL_COMPONENTS,
    CHIP_KW,
    COMMIT,
    COST,
    DC_KW,
    DEAL_CAP,
    DEAL_COST,
    DEAL_PAY,
    DEP,
    DUE_COMPONENTS,
    LEASE_REFILL_COMPONENTS,
    OWNED,
    OWNED_KW,
    PAY,
    SPACE_KW,
    Accounts,
    Books,
    Context,
    Deals,
    Drivers,
    Fleet,
    Standing,
    WorldState,
    zeros,
)
from labecon.types import FloatArray, IntArray


def context(p: WorldParams) -> Context:
    """Return what is fixed for a run: event windows, the frontier's path, each driver's factor."""
    lp, mp, gp = p.labs, p.market, p.world
    n, H, L = p.n_samples, p.horizon_quarters, lp.cash_usd.shape[1]
    windows = {name: risk.draw_window(p.draws, name, e, H) for name, e in p.events.items()}
    grow, fall = compute.growth_factor_per_quarter, compute.decline_factor_per_quarter
    factors = Drivers(
        partner_limit_h100e=grow(p.deals.limit_growth_per_year),
        rent_limit_h100e=grow(lp.rent_limit_growth_per_year),
        chip_usd_per_h100e=fall(lp.own_price_decline_per_year),
        own_kw_per_h100e=fall(lp.own_kw_decline_per_year),
        commit_usd_per_h100e_hour=fall(lp.commit_price_decline_per_year),
        rent_usd_per_h100e_hour=fall(lp.rent_price_decline_per_year),
        partner_usd_per_h100e_hour=fall(p.deals.price_decline_per_year),
        partner_capital_cost_usd_per_h100e_hour=fall(p.deals.capital_cost_decline_per_year),
        partner_running_cost_usd_per_h100e_hour=fall(p.deals.running_cost_decline_per_year),
        staff_usd_per_quarter=grow(lp.staff_growth_per_year),
        reference_price_usd_per_unit=fall(mp.price_decline_per_year),
        compute_per_unit=fall(mp.serving_efficiency_gain_per_year),
        growth_fade=fall(mp.growth_decay_per_year),
        algorithmic=2.0 ** (3.0 / gp.algorithmic_halving_months),
        discount=(1.0 + gp.discount_rate_per_year) ** (-1.0 / QUARTERS_PER_YEAR),
        raise_ceiling_usd_per_year=grow(gp.max_raise_growth_per_year),
    )
    frontier = cap_mod.frontier_log10_flop(  # every quarter's at once, (quarter, sample)
        gp.frontier_log10_flop,
        gp.frontier_compute_multiple_per_year,
        gp.frontier_growth_decay_per_year,
        gp.algorithmic_halving_months,
        np.arange(H)[:, None],
    )
    return Context(
        params=p,
        draws=p.draws,
        drivers_factor=factors,
        drivers_step=tuple(_step(f) for f in factors),
        windows=windows,
        every_window=risk.stack(list(windows.values())),
        cut={name: np.minimum(w.size_frac, 1.0) for name, w in windows.items()},  # a cut takes <= all
        frontier_log10_flop=frontier,
        frontier_fade=(1.0 - gp.frontier_growth_decay_per_year)
        ** (np.arange(H)[:, None] / QUARTERS_PER_YEAR),
        log_growth=np.log1p(mp.growth_per_year),
        fade_rate=-np.log1p(-mp.growth_decay_per_year),
        need_factor=(1.0 - mp.serving_efficiency_gain_per_year) / (1.0 - mp.price_decline_per_year),
        debt_maturity_quarters=[int(m) for m in lp.debt_maturity_quarters[0]] if n else [1] * L,
        commit_term_quarters=[int(m) for m in lp.commit_term_quarters[0]] if n else [1] * L,
        commit_lead_quarters=[int(m) for m in lp.commit_lead_quarters[0]] if n else [1] * L,
        lease_term_quarters=[int(m) for m in lp.lease_term_quarters[0]] if n else [1] * L,
        lease_lead_quarters=[int(m) for m in lp.lease_lead_quarters[0]] if n else [1] * L,
        deal_lab=p.deal_lab,
        deal_terms=(
            _ints(p.deal_lab),
            _ints(p.deal_lead_quarters),
            _ints(p.deal_term_quarters),
            _ints(p.deal_signed_quarters),
        ),
        deal_limit_growth_over_lead=_over_deal_leads(factors.partner_limit_h100e, p),
        deal_prices_over_lead=(
            _priced_at(_over_deal_leads(factors.partner_usd_per_h100e_hour, p), p),
            _priced_at(_over_deal_leads(factors.partner_capital_cost_usd_per_h100e_hour, p), p),
            _priced_at(_over_deal_leads(factors.partner_running_cost_usd_per_h100e_hour, p), p),
        ),
        commit_price_over_lead=_priced_at(factors.commit_usd_per_h100e_hour**lp.commit_lead_quarters, p),
        chip_over_dc_lead=(
            _priced_at(factors.chip_usd_per_h100e ** gp.dc_lead_quarters[:, None], p),
            _priced_at(factors.own_kw_per_h100e ** gp.dc_lead_quarters[:, None], p),
        ),
        lease_kw_over_lead=_priced_at(factors.own_kw_per_h100e**lp.lease_lead_quarters, p),
        partner_event_deals={
            name: np.array([float(p.events[name].cloud in (None, c)) for c in p.deal_clouds])
            for name in ("partner_price_rise", "partner_capacity_cut")
        },
        run_length_quarters=lp.run_length_quarters[0] if n else np.ones(L),
    )


def _priced_at(over_lead: FloatArray, p: WorldParams) -> FloatArray:
    """Return how a price or kW moves over a lead time as the run applies it: 1 when priced at signing.

    (``finance.compute_priced_at``; ``x * 1.0`` is ``x``, so 'signing' keeps the bits of the
    model that priced compute at its order.)
    """
    if p.compute_priced_at == "signing":
        return np.ones_like(over_lead)
    return over_lead


def _over_deal_leads(factor: FloatArray, p: WorldParams) -> FloatArray:
    """Return a per-deal factor per quarter raised to each deal's lead time, ``(sample, deal)``."""
    return stack_columns([factor[:, d] ** q for d, q in enumerate(p.deal_lead_quarters)], p.n_samples)


def _ints(values: list[int]) -> IntArray:
    """Return ``values`` as an int64 array (a compiled kernel's argument)."""
    return np.asarray(values, dtype=np.int64)


def _refill_components(p: WorldParams) -> int:
    """Return the schedule components leased halls refilled as the plan asks need (0 otherwise)."""
    return LEASE_REFILL_COMPONENTS if p.lease_refill == "plan" else 0


def opening_state(p: WorldParams, ctx: Context) -> WorldState:
    """Return the world at the start of quarter 0 (the partner deal is paid in before it)."""
    lp, gp = p.labs, p.world
    n, H, L = p.n_samples, p.horizon_quarters, lp.cash_usd.shape[1]
    dp, D = p.deals, len(p.deal_lab)
    books = Books(
        # Commitments yet to start are read after the horizon; leases refilled as planned need two more.
        Schedule(n, L, H, n_components=DUE_COMPONENTS + _refill_components(p), read_after=(COMMIT,)),
        # Data centres still being built at the horizon are kept: the space built is read net of them;
        # and the chips arriving after it, for what arrives by a chip lead time.
        Schedule(n, L, H, n_components=ARRIVAL_COMPONENTS, read_after=(DC_KW, OWNED, CHIP_KW)),
        Schedule(n, D, H, n_components=3),
    )
    # The opening fleet, bought earlier: on the books at its remaining share of life.
    chip_value0 = lp.owned_h100e * lp.owned_usd_per_h100e
    dc_value0 = lp.owned_h100e * lp.owned_kw_per_h100e * 1e-3 * gp.dc_capex_usd_per_mw[:, None]
    remaining_chip_q = np.maximum(1.0, np.round(lp.owned_book_frac * p.chip_life_quarters))
    remaining_dc_q = np.maximum(1.0, np.round(lp.owned_book_frac * p.dc_life_quarters))
    kw0 = lp.owned_h100e * lp.owned_kw_per_h100e
    books.due.add(0, (OWNED, COST, OWNED_KW), lp.owned_h100e, chip_value0, kw0)
    books.due.add(remaining_chip_q, (OWNED, COST, OWNED_KW), -lp.owned_h100e, -chip_value0, -kw0)
    books.due.add(0, (SPACE_KW,), kw0)  # the opening fleet's data centres, freed of chips at their end
    books.due.add(remaining_dc_q, (SPACE_KW,), -kw0)
    chip_book0, dc_book0 = chip_value0 * lp.owned_book_frac, dc_value0 * lp.owned_book_frac
    books.due.add(0, (DEP,), chip_book0 / remaining_chip_q + dc_book0 / remaining_dc_q)
    books.due.add(remaining_chip_q, (DEP,), -chip_book0 / remaining_chip_q)
    books.due.add(remaining_dc_q, (DEP,), -dc_book0 / remaining_dc_q)
    pay0 = lp.committed_h100e * p.hours_per_quarter * lp.commit_usd_per_h100e_hour
    books.due.add(0, (COMMIT, PAY), lp.committed_h100e, pay0)
    books.due.add(lp.committed_remaining_quarters, (COMMIT, PAY), -lp.committed_h100e, -pay0)
    fleet = Fleet(**{name: zeros(n, L) for name in Fleet._fields})
    # The capacity a lab already has under each deal: contracts signed at quarter-0 prices.
    hours = p.hours_per_quarter
    pay0 = dp.opening_h100e * hours * dp.usd_per_h100e_hour
    cost0 = (
        dp.opening_h100e * hours * (dp.capital_cost_usd_per_h100e_hour + dp.running_cost_usd_per_h100e_hour)
    )
    books.deals.add(0, (DEAL_CAP, DEAL_PAY, DEAL_COST), dp.opening_h100e, pay0, cost0)
    for d, left in enumerate(p.deal_opening_remaining_quarters):
        for comp, value in ((DEAL_CAP, dp.opening_h100e), (DEAL_PAY, pay0), (DEAL_COST, cost0)):
            books.deals.add_lab(left, d, comp, -value[:, d])
    deals = Deals(
        contracted_h100e=zeros(n, D),
        pay_usd_per_quarter=zeros(n, D),
        cost_usd_per_quarter=zeros(n, D),
        credits_usd=np.asfortranarray(dp.credits_usd),
        stake_frac=np.asfortranarray(dp.stake_frac),
    )
    # The partners' investments are paid in before quarter 0: cash, and credits spendable with each.
    equity_in, credits = zeros(n, L), zeros(n, L)
    for d, lab in enumerate(p.deal_lab):
        equity_in[:, lab] += dp.equity_usd[:, d]
        credits[:, lab] += dp.credits_usd[:, d]
    cash = lp.cash_usd + equity_in - credits
    debt, prop = np.copy(lp.debt_usd), chip_book0 + dc_book0
    accounts = Accounts(
        cash_usd=cash,
        credits_usd=credits,
        debt_usd=debt,
        property_usd=prop,
        equity_usd=cash + credits + prop - debt,
        post_money_usd=lp.revenue_usd_per_year * gp.valuation_revenue_multiple[:, None],
        alive=np.ones((n, L), order="F"),
        ruined=zeros(n, L),
    )
    return WorldState(books, fleet, deals, accounts, opening_market(p, ctx), opening_drivers(p))


def opening_market(p: WorldParams, ctx: Context) -> Standing:
    """Return the market at quarter 0: shares from revenue, brands calibrated to them."""
    lp, mp, gp = p.labs, p.market, p.world
    n, L, S = p.n_samples, lp.cash_usd.shape[1], mp.spend_usd_per_year.shape[1]
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
    capability = np.copy(lp.capability_log10_flop)
    gap0 = mkt.capability_gap(capability, gp.frontier_log10_flop, np.ones_like(capability))
    at_reference = np.zeros((n, L, S), order="F")  # ln(price / reference) = ln(1)
    attract0 = mkt.attractiveness(
        gap0, at_reference, gp.share_weight_per_oom, gp.price_sensitivity, np.zeros_like(gap0)
    )
    brand, outside = mkt.calibrate_brands(shares, attract0)
    vol0 = spend0 / pref0 / QUARTERS_PER_YEAR
    need = sum_axis(shares * vol0[:, None, :] * cpu0[:, None, :], 2) / p.hours_per_quarter
    revenue_q = lp.revenue_usd_per_year / QUARTERS_PER_YEAR
    return Standing(
        shares=shares,
        brand=brand,
        outside=outside,
        capability_log10_flop=capability,
        run_flop=zeros(n, L),
        need_h100e=need,
        revenue_history_usd=(revenue_q,) * 5,
        burn_usd=zeros(n, L),
        raised_history_usd=(zeros(n, L),) * 3,
    )


def opening_drivers(p: WorldParams) -> Drivers:
    """Return the exogenous paths at quarter 0."""
    lp, mp = p.labs, p.market
    n, S = p.n_samples, mp.spend_usd_per_year.shape[1]
    return Drivers(
        partner_limit_h100e=np.copy(p.deals.limit_h100e),
        rent_limit_h100e=np.copy(lp.rent_limit_h100e),
        chip_usd_per_h100e=np.copy(lp.own_usd_per_h100e),
        own_kw_per_h100e=np.copy(lp.own_kw_per_h100e),
        commit_usd_per_h100e_hour=np.copy(lp.commit_usd_per_h100e_hour),
        rent_usd_per_h100e_hour=np.copy(lp.rent_usd_per_h100e_hour),
        partner_usd_per_h100e_hour=np.copy(p.deals.usd_per_h100e_hour),
        partner_capital_cost_usd_per_h100e_hour=np.copy(p.deals.capital_cost_usd_per_h100e_hour),
        partner_running_cost_usd_per_h100e_hour=np.copy(p.deals.running_cost_usd_per_h100e_hour),
        staff_usd_per_quarter=lp.staff_usd_per_year / QUARTERS_PER_YEAR,
        reference_price_usd_per_unit=np.copy(mp.price_usd_per_unit),
        compute_per_unit=np.ones((n, S), order="F"),
        growth_fade=np.ones((n, S), order="F"),
        algorithmic=np.ones(n),
        discount=np.ones(n),
        raise_ceiling_usd_per_year=np.copy(p.world.max_raise_usd_per_year),
    )


def advance(drivers: Drivers, steps: tuple[FloatArray | None, ...]) -> Drivers:
    """Move the exogenous paths on one quarter, in place, and return them: ``x_t = x_{t-1} * f``.

    ``steps`` are the factors of :attr:`Context.drivers_step` (a path whose factor is 1 stays).
    In place, because the quarter that read them is done with them and no other state holds
    them: allocating fifteen new arrays every quarter cost 5-10% of a run.
    """
    for x, f in zip(drivers, steps, strict=True):
        if f is not None:
            np.multiply(x, f, out=x)
    return drivers


def _step(factor: FloatArray) -> FloatArray | None:
    """Return a driver's factor as :func:`advance` applies it.

    ``None`` if it is 1 in every sample (``x * 1.0`` is ``x``), its first row if every sample
    shares it, else itself.
    """
    if np.all(factor == 1.0):
        return None
    if factor.shape[0] > 1 and np.all(factor == factor[:1]):
        return factor[:1]
    return factor
