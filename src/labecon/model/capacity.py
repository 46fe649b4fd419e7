"""The world's compute supply: capacity coming online, and the labs' orders, leases and contracts.

Stages of a world quarter (:mod:`labecon.model.world`) over arrays
``(sample, lab)`` (``(sample, deal)`` for partner deals). Owned capacity is
built: a data centre and its chips, the building paid as it goes up and the
chips on delivery, online after the lead time. Leased data centres are built
by a third party and paid for as take-or-pay leases; the lab buys their chips.
Commitments are take-or-pay contracts at a price fixed when they are signed.
Partner capacity comes in tranches under each strategic deal, each
take-or-pay at a price fixed at signing for its term, delivered within the
partner's limit. Every route's compute is priced, and a data centre sized,
for when it comes: owned and leased chips at the price and power per H100e
of their delivery, contracts at the price of their start.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from labecon.constants import QUARTERS_PER_YEAR
from labecon.model import _capacity_fused, _world_fused, compute
from labecon.model._schedule import Schedule
from labecon.model._world_fused import full
from labecon.model.arrays import ratio
from labecon.model.decisions import LabDecisions
from labecon.model.risk import active, active_by_name
from labecon.model.world_params import signed_split
from labecon.model.world_state import (
    CHIP_DEP,
    CHIP_KW,
    COMMIT,
    COST,
    DC_DEP,
    DC_KW,
    DC_SPEND,
    DEAL_CAP,
    DEAL_COST,
    DEAL_PAY,
    DEP,
    LEASE_FILL,
    LEASE_PAY,
    LEASE_PENDING,
    LEASE_REFILL,
    LEASE_REFILL_LAST,
    LEASED,
    LEASED_KW,
    OWNED,
    OWNED_KW,
    PAY,
    REPAY,
    SPACE_KW,
    Books,
    Context,
    Fleet,
    Online,
    WorldState,
)
from labecon.types import FloatArray


class Investment(NamedTuple):
    """A quarter's capital spending and its financing by debt, ``(sample, lab)`` (USD)."""

    capex_usd: FloatArray
    """Construction paid this quarter plus the chips delivered."""
    debt_draw_usd: FloatArray
    rent_usd_per_h100e_hour: FloatArray
    """This quarter's on-demand price, ``(sample, lab)``: lower in a glut, higher in a chip shortage."""


def capacity_online(t: int, state: WorldState, ctx: Context) -> tuple[WorldState, Online]:
    """Stage 1: capacity ordered or contracted earlier comes online; what is past its life leaves."""
    if _world_fused.compiled():
        return _capacity_online_compiled(t, state, ctx)
    p, fl, books = ctx.params, state.fleet, state.books
    due, came = books.due.at(t), books.arrivals.at(t)
    owned = fl.owned_h100e + (due[OWNED] + came[OWNED])
    owned_cost = fl.owned_cost_usd + (due[COST] + came[COST])
    dep = fl.dep_usd_per_quarter + (due[DEP] + came[DEP])
    owned_kw = fl.owned_kw + (due[OWNED_KW] + came[CHIP_KW])
    # What came online a life ago leaves now (chips) or stops depreciating (facilities).
    if t >= p.chip_life_quarters:
        old = books.arrivals.at(t - p.chip_life_quarters)
        owned = owned - old[OWNED]
        owned_cost = owned_cost - old[COST]
        dep = dep - old[CHIP_DEP]
        owned_kw = owned_kw - old[CHIP_KW]
    space = fl.space_kw + due[SPACE_KW]
    if t >= p.dc_life_quarters:
        old_dc = books.arrivals.at(t - p.dc_life_quarters)
        dep = dep - old_dc[DC_DEP]
        space = space - old_dc[DC_KW]  # data centres past their life
    alive = state.accounts.alive
    on = active_by_name(ctx.every_window, list(ctx.windows), t)
    fill_capex = np.zeros(alive.shape, order="F")
    if (filled := _fill_leased(t, state, ctx, on)) is not None:
        fill_capex, fill_dep = filled
        owned_cost, dep = owned_cost + fill_capex, dep + fill_dep
    fleet = fl._replace(
        owned_h100e=owned,
        owned_cost_usd=owned_cost,
        dep_usd_per_quarter=dep,
        leased_h100e=fl.leased_h100e + due[LEASED],
        lease_pay_usd_per_quarter=fl.lease_pay_usd_per_quarter + due[LEASE_PAY],
        lease_pending_h100e=fl.lease_pending_h100e + due[LEASE_PENDING],
        building_h100e=fl.building_h100e - came[OWNED],  # what arrives is no longer building
        committed_h100e=fl.committed_h100e + due[COMMIT],
        commit_pay_usd_per_quarter=fl.commit_pay_usd_per_quarter + due[PAY],
        repay_usd_per_quarter=fl.repay_usd_per_quarter + due[REPAY],
        dc_spend_usd_per_quarter=fl.dc_spend_usd_per_quarter + came[DC_SPEND],
        owned_kw=owned_kw,
        leased_kw=fl.leased_kw + due[LEASED_KW],
        space_kw=space,
        building_kw=fl.building_kw - came[CHIP_KW],  # chips online leave "building"
    )
    # Partner tranches start and end; the partner delivers them within its limit (cut by its event).
    dd, dl = state.deals, books.deals.at(t)
    contracted = dd.contracted_h100e + dl[DEAL_CAP]
    deals = dd._replace(
        contracted_h100e=contracted,
        pay_usd_per_quarter=dd.pay_usd_per_quarter + dl[DEAL_PAY],
        cost_usd_per_quarter=dd.cost_usd_per_quarter + dl[DEAL_COST],
    )
    cut = (on["partner_capacity_cut"] * ctx.cut["partner_capacity_cut"])[:, None]
    limit = state.drivers.partner_limit_h100e * (1.0 - cut * ctx.partner_event_deals["partner_capacity_cut"])
    deal_alive = alive[:, ctx.deal_lab] if ctx.deal_lab else np.zeros_like(contracted)
    delivered = np.minimum(contracted, limit) * deal_alive
    delivered_frac = ratio(delivered, contracted, 0.0)
    online = Online(
        owned * alive,
        fleet.leased_h100e * alive,
        fill_capex,
        fleet.committed_h100e * alive,
        to_labs(delivered, ctx.deal_lab, alive.shape[1]),
        delivered,
        delivered_frac,
        came,
        on,
        _lead_quarters(on, ctx),
        fleet.owned_kw * alive + fleet.leased_kw * alive,
    )
    return state._replace(fleet=fleet, deals=deals), online


def _capacity_online_compiled(t: int, state: WorldState, ctx: Context) -> tuple[WorldState, Online]:
    """Stage 1 as :func:`capacity_online`, its arithmetic compiled (the same bits)."""
    p, fl, books, alive = ctx.params, state.fleet, state.books, state.accounts.alive
    n, n_labs = alive.shape
    lab = (n, n_labs)
    came = books.arrivals.data[books.arrivals.slot(t)]
    old = books.arrivals.data[books.arrivals.slot(max(t - p.chip_life_quarters, 0))]
    old_dc = books.arrivals.data[books.arrivals.slot(max(t - p.dc_life_quarters, 0))]
    new = tuple(np.empty(lab, order="F") for _ in Fleet._fields)
    owned, leased, committed, it_kw = (np.empty(lab, order="F") for _ in range(4))
    _capacity_fused.fleet_online(
        tuple(full(x, lab) for x in fl),
        books.due.data[books.due.slot(t)],
        came,
        old,
        old_dc,
        t >= p.chip_life_quarters,
        t >= p.dc_life_quarters,
        full(alive, lab),
        new,
        (owned, leased, committed, it_kw),
    )
    fleet = Fleet(*new)
    every = ctx.every_window
    active = np.empty(every.occurs.shape)
    _capacity_fused.events_active(every.occurs, every.onset, every.end, float(t), active)
    on = dict(zip(ctx.windows, active, strict=True))
    fill_capex = np.zeros(lab, order="F")
    if (filled := _fill_leased(t, state, ctx, on)) is not None:
        fill_capex, fill_dep = filled
        fleet = fleet._replace(
            owned_cost_usd=fleet.owned_cost_usd + fill_capex,
            dep_usd_per_quarter=fleet.dep_usd_per_quarter + fill_dep,
        )
    dd, n_deals = state.deals, len(ctx.deal_lab)
    per_deal = (n, n_deals)
    deals_now = (np.empty(per_deal, order="F"), np.empty(per_deal, order="F"), np.empty(per_deal, order="F"))
    delivered, delivered_frac, partner = (np.empty(shape, order="F") for shape in (per_deal, per_deal, lab))
    _capacity_fused.deals_online(
        (
            full(dd.contracted_h100e, per_deal),
            full(dd.pay_usd_per_quarter, per_deal),
            full(dd.cost_usd_per_quarter, per_deal),
        ),
        books.deals.data[books.deals.slot(t)],
        full(state.drivers.partner_limit_h100e, per_deal),
        full(on["partner_capacity_cut"] * ctx.cut["partner_capacity_cut"], (n,)),
        full(ctx.partner_event_deals["partner_capacity_cut"], (n_deals,), keep=True),
        full(alive, lab),
        ctx.deal_terms[0],
        deals_now,
        delivered,
        delivered_frac,
        partner,
    )
    deals = dd._replace(
        contracted_h100e=deals_now[0], pay_usd_per_quarter=deals_now[1], cost_usd_per_quarter=deals_now[2]
    )
    arrived = came.transpose(0, 2, 1)
    lead = _lead_quarters(on, ctx)
    online = Online(
        owned, leased, fill_capex, committed, partner, delivered, delivered_frac, arrived, on, lead, it_kw
    )
    return state._replace(fleet=fleet, deals=deals), online


def _fill_leased(
    t: int, state: WorldState, ctx: Context, on: dict[str, FloatArray]
) -> tuple[FloatArray, FloatArray] | None:
    """Buy the chips of leased data centres starting now, or whose chips reached their life.

    Returns their cost and depreciation per quarter, ``(sample, lab)`` (USD), both booked to
    leave the books a chip life later; ``None`` when no lease needs chips now.
    """
    p, due = ctx.params, state.books.due.at(t)
    if not due[LEASE_FILL].any():
        return None
    dearer = (1.0 + on["chip_shortage"] * ctx.windows["chip_shortage"].size_frac)[:, None]
    fill_capex = due[LEASE_FILL] * state.accounts.alive * (state.drivers.chip_usd_per_h100e * dearer)
    fill_dep = compute.straight_line_usd_per_quarter(fill_capex, p.chip_life_quarters)
    state.books.due.add(t + p.chip_life_quarters, (COST, DEP), -fill_capex, -fill_dep)
    return fill_capex, fill_dep


def commit_usd_at_start(state: WorldState, ctx: Context) -> FloatArray:
    """Return the price of the commitments signed now, USD per H100e-hour, ``(sample, lab)``.

    Fixed at signing at the committed price of their start, ``commit_lead_quarters`` on (the
    capacity then is of the chips then), before a glut or shortage of now.
    """
    out: FloatArray = state.drivers.commit_usd_per_h100e_hour * ctx.commit_price_over_lead
    return out


def chips_on_delivery(
    t: int, state: WorldState, online: Online, ctx: Context
) -> tuple[FloatArray, FloatArray]:
    """Return the price (USD per H100e) and IT load (kW per H100e) of the owned chips ordered now.

    They come with their data centre, the data-centre lead time on: :func:`chips_delivered`
    over that lead (its factors made once a run unless a construction delay is on).
    """
    delayed = bool(online.events["construction_delay"].any())
    return chips_delivered(t, state, online.lead_quarters, ctx, None if delayed else ctx.chip_over_dc_lead)


def chips_delivered(
    t: int,
    state: WorldState,
    lead: FloatArray,
    ctx: Context,
    over_lead: tuple[FloatArray, FloatArray] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Return the price and IT load of owned chips ordered now and delivered ``lead`` quarters on.

    USD and kW per H100e, ``(sample, lab)``. They are paid on delivery at the price of then, as
    a leased hall's chips are when it opens: today's price carried along its decline over the
    lead, dearer if a chip shortage is on at delivery; and draw the kW of the chips of then.
    ``over_lead``: the drivers' factors raised to ``lead``, if made already. Priced at signing
    (``finance.compute_priced_at``): today's price, dearer under a shortage now, today's kW.
    """
    window, drv = ctx.windows["chip_shortage"], state.drivers
    if not priced_at_delivery(ctx):
        now = drv.chip_usd_per_h100e * (1.0 + active(window, t) * window.size_frac)[:, None]
        return now, drv.own_kw_per_h100e
    if over_lead is None:
        factor = ctx.drivers_factor
        over_lead = (factor.chip_usd_per_h100e ** lead[:, None], factor.own_kw_per_h100e ** lead[:, None])
    dearer = 1.0 + active(window, t + lead) * window.size_frac
    price: FloatArray = drv.chip_usd_per_h100e * over_lead[0] * dearer[:, None]
    kw: FloatArray = drv.own_kw_per_h100e * over_lead[1]
    return price, kw


def priced_at_delivery(ctx: Context) -> bool:
    """Return whether compute is priced and sized for when it comes (``finance.compute_priced_at``)."""
    return ctx.params.compute_priced_at == "delivery"


def _lead_quarters(on: dict[str, FloatArray], ctx: Context) -> FloatArray:
    """Return the quarters a data centre ordered now takes, ``(sample,)`` (longer under a delay)."""
    delay = ctx.windows["construction_delay"].delay_quarters
    out: FloatArray = ctx.params.world.dc_lead_quarters + on["construction_delay"] * delay
    return out


def to_labs(per_deal: FloatArray, deal_lab: list[int], n_labs: int) -> FloatArray:
    """Return each lab's sum over its deals, ``(sample, lab)`` from ``(sample, deal)``."""
    out = np.zeros((per_deal.shape[0], n_labs), order="F")
    for d, lab in enumerate(deal_lab):  # a handful of deals: a loop, in a fixed order
        out[:, lab] += per_deal[:, d]
    return out


def invest(
    t: int, state: WorldState, online: Online, dec: LabDecisions, ctx: Context
) -> tuple[WorldState, Investment]:
    """Stage 3: order the owned capacity the target lacks; sign new take-or-pay commitments.

    A data centre ordered now is online after the lead time (delayed and dearer
    under a construction-delay event), built for the chips delivered then; its
    building is paid evenly until then, its chips on delivery, at the price of
    then. Debt finances a share of capex, repaid evenly over its maturity. New
    commitments start after their lead (next quarter unless said), at a price
    fixed now: the committed price of their start (a glut or shortage now on top).
    """
    if _world_fused.compiled():
        return _invest_compiled(t, state, online, dec, ctx)
    lp = ctx.params.labs
    can_buy = (t >= lp.own_available_quarter).astype(np.float64)
    state, halls_only = order_for_free_space(t, state, online, dec, ctx, can_buy)
    p, gp, books = ctx.params, ctx.params.world, state.books
    fl, alive, on, drv = state.fleet, state.accounts.alive, online.events, state.drivers
    glut = (1.0 - on["compute_glut"] * ctx.cut["compute_glut"])[:, None]
    # A chip shortage makes every cloud price dearer (and, below, cuts the capacity clouds sell).
    dearer = (1.0 + on["chip_shortage"] * ctx.windows["chip_shortage"].size_frac)[:, None]
    scarce = (1.0 - on["chip_shortage"] * ctx.cut["chip_shortage"])[:, None]
    retire, retire_kw, retire_space = retiring(t, fl, books, online.lead_quarters, ctx)
    kept = fl.owned_h100e - retire  # owned capacity still in service when an order placed now is
    order = np.maximum(0.0, dec.own_target_h100e - kept - fl.building_h100e)
    price, kw = chips_on_delivery(t, state, online, ctx)
    delay = ctx.windows["construction_delay"].size_frac
    # The chips go into space their data centres have free (chips retire long before their
    # building), less the space of those that close before the order is online; only what does
    # not fit is built, and new space for the chips in the halls that close.
    free = _free_kw(fl, retire_kw, retire_space)
    if p.owned_refill == "hall":  # as many as fit in the free space, whatever the plan
        order = np.maximum(order, np.where(kw > 0, np.maximum(0.0, free) / _nonzero(kw), 0.0))
    order = order * can_buy * alive * rationed(t, ctx)
    order_kw = order * kw
    closing = _closing_kw(free, _free_kw(fl, retire_kw, 0.0)) * can_buy * alive
    refit = np.minimum(order_kw, np.maximum(0.0, free))  # the order's chips that go into free space
    if halls_only:  # chips for free space are ordered a chip lead ahead: now those that do not fit
        order_kw = np.maximum(0.0, order_kw - np.maximum(0.0, free))
        order, refit = np.where(kw > 0, order_kw / _nonzero(kw), 0.0), np.zeros_like(refit)
        new_space = order_kw + closing
    else:
        new_space = np.maximum(0.0, order_kw - np.maximum(0.0, free)) + closing
    chip_capex = order * price
    overrun = (1.0 + on["construction_delay"] * delay)[:, None]
    dc_capex = new_space * 1e-3 * gp.dc_capex_usd_per_mw[:, None] * overrun + (
        refit * 1e-3 * gp.dc_refit_usd_per_mw[:, None]
    )
    chip_dep = compute.straight_line_usd_per_quarter(chip_capex, p.chip_life_quarters)
    dc_dep = compute.straight_line_usd_per_quarter(dc_capex, p.dc_life_quarters)
    lead = online.lead_quarters
    dc_rate = dc_capex / np.maximum(lead, 1.0)[:, None]
    books.arrivals.add(
        t + lead[:, None],
        (OWNED, COST, DEP, CHIP_DEP, DC_DEP, DC_SPEND, CHIP_KW, DC_KW),
        order,
        chip_capex,
        chip_dep + dc_dep,
        chip_dep,
        dc_dep,
        -dc_rate,
        order_kw,
        new_space,
    )
    dc_spend = fl.dc_spend_usd_per_quarter + dc_rate
    # Read after booking: an order with no lead time arrives (and is paid for) this quarter.
    # The chips arriving now are paid on delivery: their cost (COST) is what is paid.
    capex = (dc_spend + online.arrived[COST]) * alive + online.lease_chip_capex_usd
    debt_draw = capex * lp.debt_frac_of_capex
    repay_per_q = debt_draw / lp.debt_maturity_quarters
    books.due.add(t + 1, (REPAY,), repay_per_q)
    for lab, maturity in enumerate(ctx.debt_maturity_quarters):  # per lab: one slot each, no scatter
        books.due.add_lab(t + 1 + maturity, lab, REPAY, -repay_per_q[:, lab])
    committed_then = fl.committed_h100e + commitments_pending(books.due, t, ctx.commit_lead_quarters)
    wanted = np.minimum(dec.commit_target_h100e, lp.commit_limit_h100e * scarce)
    new_commit = np.maximum(0.0, wanted - committed_then) * alive
    new_pay = new_commit * p.hours_per_quarter * (commit_usd_at_start(state, ctx) * (glut * dearer))
    book_commitments(books.due, t, ctx, new_commit, new_pay)
    renew_leased_chips(t, state, dec, ctx, can_buy)
    leasing = sign_leases(t, state, dec, ctx, can_buy)
    fleet = fl._replace(
        building_h100e=fl.building_h100e + order,
        dc_spend_usd_per_quarter=dc_spend,
        lease_pending_h100e=fl.lease_pending_h100e + leasing,
        space_kw=fl.space_kw + new_space,
        building_kw=fl.building_kw + order_kw,
    )
    sign_partner_tranches(t, state, online, dec, ctx)
    rent_price = drv.rent_usd_per_h100e_hour * (glut * dearer)
    return state._replace(fleet=fleet), Investment(capex, debt_draw, rent_price)


def _invest_compiled(
    t: int, state: WorldState, online: Online, dec: LabDecisions, ctx: Context
) -> tuple[WorldState, Investment]:
    """Stage 3 as :func:`invest`, its arithmetic compiled (the same bits); leases and deals as there."""
    can_buy = (t >= ctx.params.labs.own_available_quarter).astype(np.float64)
    state, halls_only = order_for_free_space(t, state, online, dec, ctx, can_buy)
    p, lp, gp, books = ctx.params, ctx.params.labs, ctx.params.world, state.books
    fl, alive, on, drv = state.fleet, state.accounts.alive, online.events, state.drivers
    n, n_labs = alive.shape
    lab = (n, n_labs)
    glut = 1.0 - on["compute_glut"] * ctx.cut["compute_glut"]
    dearer = 1.0 + on["chip_shortage"] * ctx.windows["chip_shortage"].size_frac
    scarce = 1.0 - on["chip_shortage"] * ctx.cut["chip_shortage"]
    delayed = 1.0 + on["construction_delay"] * ctx.windows["construction_delay"].size_frac
    order, chip_capex, dep, chip_dep, dc_dep, minus_dc_rate, dc_spend, building = (
        np.empty(lab, order="F") for _ in range(8)
    )
    order_kw, new_space, space, building_kw = (np.empty(lab, order="F") for _ in range(4))
    lead = online.lead_quarters
    retire, retire_kw, retire_space = retiring(t, fl, books, lead, ctx)
    chip_price, chip_kw = chips_on_delivery(t, state, online, ctx)
    _world_fused.invest_orders(
        halls_only,
        p.owned_refill == "hall",
        float(t),
        float(p.chip_life_quarters),
        float(p.dc_life_quarters),
        full(dec.own_target_h100e, lab),
        fl.owned_h100e - retire,  # still in service when an order placed now is
        full(fl.building_h100e, lab),
        full(lp.own_available_quarter, lab, keep=True),
        full(alive, lab),
        full(chip_price, lab),
        full(chip_kw, lab),
        full(gp.dc_capex_usd_per_mw, (n,), keep=True),
        full(gp.dc_refit_usd_per_mw, (n,), keep=True),
        full(delayed, (n,)),
        full(np.ravel(rationed(t, ctx)), (n,)),
        full(lead, (n,)),
        full(fl.dc_spend_usd_per_quarter, lab),
        (full(fl.space_kw, lab), retire_space, fl.owned_kw - retire_kw, full(fl.building_kw, lab)),
        order,
        chip_capex,
        dep,
        chip_dep,
        dc_dep,
        minus_dc_rate,
        dc_spend,
        building,
        (order_kw, new_space, space, building_kw),
    )
    books.arrivals.add(
        t + lead[:, None],
        (OWNED, COST, DEP, CHIP_DEP, DC_DEP, DC_SPEND, CHIP_KW, DC_KW),
        order,
        chip_capex,
        dep,
        chip_dep,
        dc_dep,
        minus_dc_rate,
        order_kw,
        new_space,
    )
    # Read after booking: an order with no lead time arrives (and is paid for) this quarter.
    capex, debt_draw, repay_per_q = (np.empty(lab, order="F") for _ in range(3))
    _world_fused.invest_capex(
        dc_spend,
        full(online.arrived[COST], lab),  # the chips arriving now, paid on delivery
        full(alive, lab),
        full(online.lease_chip_capex_usd, lab),
        full(lp.debt_frac_of_capex, lab, keep=True),
        full(lp.debt_maturity_quarters, lab, keep=True),
        capex,
        debt_draw,
        repay_per_q,
    )
    books.due.add(t + 1, (REPAY,), repay_per_q)
    for lab_i, maturity in enumerate(ctx.debt_maturity_quarters):  # per lab: one slot each, no scatter
        books.due.add_lab(t + 1 + maturity, lab_i, REPAY, -repay_per_q[:, lab_i])
    new_commit, new_pay, rent_price = (np.empty(lab, order="F") for _ in range(3))
    _world_fused.invest_commitments(
        float(p.hours_per_quarter),
        full(fl.committed_h100e, lab),
        full(commitments_pending(books.due, t, ctx.commit_lead_quarters), lab),
        full(dec.commit_target_h100e, lab),
        full(lp.commit_limit_h100e, lab, keep=True),
        full(scarce, (n,)),
        full(alive, lab),
        full(commit_usd_at_start(state, ctx), lab),
        full(drv.rent_usd_per_h100e_hour, lab),
        full(glut, (n,)),
        full(dearer, (n,)),
        new_commit,
        new_pay,
        rent_price,
    )
    book_commitments(books.due, t, ctx, new_commit, new_pay)
    renew_leased_chips(t, state, dec, ctx, can_buy)
    leasing = sign_leases(t, state, dec, ctx, can_buy)
    fleet = fl._replace(
        building_h100e=building,
        dc_spend_usd_per_quarter=dc_spend,
        lease_pending_h100e=fl.lease_pending_h100e + leasing,
        space_kw=space,
        building_kw=building_kw,
    )
    sign_partner_tranches(t, state, online, dec, ctx)
    return state._replace(fleet=fleet), Investment(capex, debt_draw, rent_price)


def _free_kw(fl: Fleet, retire_kw: FloatArray, closing_kw: FloatArray | float) -> FloatArray:
    """Return the space (kW) free for an order: less the load of the chips in service and on order.

    Negative when data centres that close within the lead time (``closing_kw``) hold chips, or
    when replacements on order go into space that frees up after this quarter's lead time.
    """
    out: FloatArray = fl.space_kw - closing_kw - (fl.owned_kw - retire_kw) - fl.building_kw
    return out


def _closing_kw(free: FloatArray, free_without_closing: FloatArray) -> FloatArray:
    """Return the space (kW) to build for the chips in the data centres that close: their shortfall.

    A shortfall without closures is replacements waiting for space that frees up after the lead
    time (the lead changes with construction delays): not built for.
    """
    out: FloatArray = np.maximum(0.0, -free) - np.maximum(0.0, -free_without_closing)
    return out


def order_for_free_space(
    t: int, state: WorldState, online: Online, dec: LabDecisions, ctx: Context, can_buy: FloatArray
) -> tuple[WorldState, bool]:
    """Order the chips that go into space free when they come, a chip lead time ahead; book them.

    Only with ``finance.chip_lead_quarters`` (``dec.own_fill_target_h100e`` is then set), else
    the state as it is and False. The owned capacity wanted when they come, less what is in
    service and arrives by then (with ``finance.owned_refill: hall``, whatever the plan wants),
    within the space free then (kW): the halls in service then,
    less those that close, the load of the chips still in service and of those arriving. Paid
    on delivery at the price and power of then; the refit of their space
    (``finance.dc_refit_usd_per_mw``) paid over the lead and depreciated as a facility is.
    Return the state with them on order, and True: the data centres ordered after are then
    for the chips that will not fit.
    """
    target = dec.own_fill_target_h100e
    if target is None:
        return state, False
    p, books, fl, alive = ctx.params, state.books, state.fleet, state.accounts.alive
    lead = np.minimum(float(p.chip_lead_quarters), online.lead_quarters)
    retire, retire_kw, closing = retiring(t, fl, books, lead, ctx)
    owned_by, kw_by, space_later = _arriving_by(books.arrivals, t, lead)
    load = fl.owned_kw - retire_kw + kw_by  # of the chips in service then
    free = fl.space_kw - space_later - closing - load
    price, kw = chips_delivered(t, state, lead, ctx)
    wanted = np.maximum(0.0, target - (fl.owned_h100e - retire) - owned_by)
    room = np.where(kw > 0, np.maximum(0.0, free) / _nonzero(kw), np.inf)  # no power, no space needed
    if p.owned_refill == "hall":  # all the space, whatever the plan; the rest of the plan is built
        fill = np.where(np.isfinite(room), room, wanted) * can_buy * alive
    else:
        fill = np.minimum(wanted, room) * can_buy * alive
    fill = fill * rationed(t, ctx)
    fill_kw, chip_capex = fill * kw, fill * price
    refit = fill_kw * 1e-3 * p.world.dc_refit_usd_per_mw[:, None]
    chip_dep = compute.straight_line_usd_per_quarter(chip_capex, p.chip_life_quarters)
    dc_dep = compute.straight_line_usd_per_quarter(refit, p.dc_life_quarters)
    rate = refit / np.maximum(lead, 1.0)[:, None]
    books.arrivals.add(
        t + lead[:, None],
        (OWNED, COST, DEP, CHIP_DEP, DC_DEP, DC_SPEND, CHIP_KW),
        fill,
        chip_capex,
        chip_dep + dc_dep,
        chip_dep,
        dc_dep,
        -rate,
        fill_kw,
    )
    fleet = fl._replace(
        building_h100e=fl.building_h100e + fill,
        building_kw=fl.building_kw + fill_kw,
        dc_spend_usd_per_quarter=fl.dc_spend_usd_per_quarter + rate,
    )
    return state._replace(fleet=fleet), True


def rationed(t: int, ctx: Context) -> FloatArray | float:
    """Return the share of a lab's new chips a chip shortage lets through now, ``(sample, 1)``.

    1.0 unless ``finance.shortage_rations: everyone``: then a shortage cuts them by its size, as
    it cuts what clouds sell. Every order, lease and renewal of the stage reads it here.
    """
    if ctx.params.shortage_rations != "everyone":
        return 1.0
    out: FloatArray = (1.0 - active(ctx.windows["chip_shortage"], t) * ctx.cut["chip_shortage"])[:, None]
    return out


def _nonzero(x: FloatArray) -> FloatArray:
    """Return ``x`` with its zeros made 1 (a divisor whose zeros are dealt with apart)."""
    out: FloatArray = np.where(x != 0, x, 1.0)
    return out


def _arriving_by(arrivals: Schedule, t: int, lead: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return what is on order and arrives by ``t`` plus ``lead``, and the space that arrives later.

    The owned H100e and their IT load (kW) arriving after ``t`` and by then (what arrives after
    the horizon counts when then is past it), and the data-centre space (kW) ordered that
    arrives after then, each ``(sample, lab)``.
    """
    owned, kw, space = (np.zeros((lead.shape[0], arrivals.data.shape[2]), order="F") for _ in range(3))
    last = min(t + int(lead.max(initial=0.0)), arrivals.horizon)  # the horizon's slot: after it
    for q in range(t + 1, last + 1):
        by = ((q - t) <= lead).astype(np.float64)[:, None]
        came = arrivals.at(q)
        owned = owned + came[OWNED] * by
        kw = kw + came[CHIP_KW] * by
        space = space + came[DC_KW] * by
    later: FloatArray = arrivals.data[t + 1 :, DC_KW].sum(axis=0).T - space
    return owned, kw, later


def retiring(
    t: int, fl: Fleet, books: Books, lead: FloatArray, ctx: Context
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return the owned H100e, their IT load and the data centres' space (kW) leaving within the lead.

    What retires after ``t`` and by ``t`` plus the lead time, ``(sample, lab)`` each; ``lead`` is
    each sample's data-centre lead time (quarters). A lab orders now what it will lack when an
    order placed now is online, so it replaces in time the chips that retire before then (the
    opening fleet as scheduled, bought chips a chip life after they arrived) and the space of the
    data centres that close before then (the opening ones as scheduled, those built a facility
    life after they opened); quarters after the horizon are not counted. ``fl`` is the lab's
    fleet: compiled, a lab with no chips, orders or space in any sample is skipped.
    """
    p = ctx.params
    shape = (lead.shape[0], books.due.data.shape[2])  # (sample, lab)
    retire, retire_kw, retire_space = (np.zeros(shape, order="F") for _ in range(3))
    life, dc_life, horizon = p.chip_life_quarters, p.dc_life_quarters, p.horizon_quarters
    if _world_fused.compiled():
        _capacity_fused.retiring(
            books.due.data,
            books.arrivals.data,
            t,
            full(lead, (lead.shape[0],)),
            life,
            dc_life,
            horizon,
            retire,
            retire_kw,
            retire_space,
            (full(fl.owned_h100e, shape), full(fl.building_h100e, shape), full(fl.space_kw, shape)),
        )
        return retire, retire_kw, retire_space
    for j in range(1, min(int(lead.max(initial=0.0)), horizon - 1 - t) + 1):
        q = t + j
        within = (j <= lead).astype(np.float64)[:, None]  # adding zero elsewhere changes no bit
        due = books.due.at(q)
        retire = retire - due[OWNED] * within
        retire_kw = retire_kw - due[OWNED_KW] * within
        retire_space = retire_space - due[SPACE_KW] * within
        if q >= life:
            came = books.arrivals.at(q - life)
            retire = retire + came[OWNED] * within
            retire_kw = retire_kw + came[CHIP_KW] * within
        if q >= dc_life:
            retire_space = retire_space + books.arrivals.at(q - dc_life)[DC_KW] * within
    return retire, retire_kw, retire_space


def data_centres_built_kw(t: int, state: WorldState) -> FloatArray:
    """Return the IT capacity (kW) of each lab's own data centres in service and those leased to it.

    ``(sample, lab)`` at the end of quarter ``t``, for labs still trading. A hall counts from its
    arrival (the fleet's space counts it from its order, so what is still being built is taken
    off); it keeps its capacity when newer chips that draw less fill it.
    """
    fl = state.fleet
    being_built = state.books.arrivals.data[t + 1 :, DC_KW].sum(axis=0).T  # slot horizon: later ones
    out: FloatArray = (fl.space_kw - being_built + fl.leased_kw) * state.accounts.alive
    return out


def commitments_pending(due: Schedule, t: int, leads: list[int]) -> FloatArray:
    """Return the commitments already signed that start from ``t + 1`` to ``t + lead``, ``(sample, lab)``.

    H100e; ``leads`` is each lab's quarters from signing to start. What a lab commits to now
    starts at ``t + lead``: these count against its target then.
    """
    return signed_pending(due, t, leads, COMMIT)


def signed_pending(due: Schedule, t: int, leads: list[int], comp: int) -> FloatArray:
    """Return the change in component ``comp`` of ``due`` from ``t + 1`` to ``t + lead``, ``(sample, lab)``.

    ``leads``: each lab's quarters from signing to start. What was signed and starts by then
    (less what ends by then): with what is in service, what a contract signed now finds.
    """
    first: FloatArray = due.at(t + 1)[comp]
    if all(lead == 1 for lead in leads):
        return first
    out: FloatArray = np.array(first, order="F")
    for lab, lead in enumerate(leads):
        for q in range(t + 2, min(t + lead, due.horizon) + 1):  # the slot after the horizon once
            out[:, lab] += due.at(q)[comp][:, lab]
    return out


def book_commitments(
    due: Schedule, t: int, ctx: Context, new_commit: FloatArray, new_pay: FloatArray
) -> None:
    """Book the commitments signed at ``t`` (H100e, and USD a quarter): from ``t + lead`` for the term."""
    for lab, (lead, term) in enumerate(zip(ctx.commit_lead_quarters, ctx.commit_term_quarters, strict=True)):
        start, end = t + lead, t + lead + term
        due.add_lab(start, lab, COMMIT, new_commit[:, lab])
        due.add_lab(start, lab, PAY, new_pay[:, lab])
        due.add_lab(end, lab, COMMIT, -new_commit[:, lab])
        due.add_lab(end, lab, PAY, -new_pay[:, lab])


def sign_leases(
    t: int, state: WorldState, dec: LabDecisions, ctx: Context, can_buy: FloatArray
) -> FloatArray:
    """Sign the leases the lab's target lacks; return the leased H100e signed, ``(sample, lab)``.

    A lease signed at ``t`` starts at ``t + lead`` and runs ``term`` quarters, take-or-pay at
    ``lease_usd_per_mw_per_year / 4`` per MW of the capacity's IT load each quarter. The lab
    buys the chips when it starts and again each chip life while the lease runs (at the price
    of that quarter); the hall's IT load stays, so each refill holds as many H100e as fit in it
    at the kW per H100e of the chips bought then (more, as chips draw less).
    """
    p, lp, fl, due = ctx.params, ctx.params.labs, state.fleet, state.books.due
    leasing = fl.leased_h100e + fl.lease_pending_h100e
    wanted = dec.lease_target_h100e - leasing
    kw_each = state.drivers.own_kw_per_h100e * ctx.lease_kw_over_lead  # the chips it opens with: its kW
    limited_h100e, limited_kw = np.isfinite(lp.lease_limit_h100e).any(), np.isfinite(lp.lease_limit_kw).any()
    if limited_h100e or limited_kw:  # what builders will lease it (labs.<lab>.lease)
        growth = (1.0 + lp.lease_limit_growth_per_year) ** (t / QUARTERS_PER_YEAR)
        if limited_h100e:
            wanted = np.minimum(wanted, lp.lease_limit_h100e * growth - leasing)
        if limited_kw:  # in kW: its halls keep theirs, however many H100e their newer chips make
            leasing_kw = fl.leased_kw + signed_pending(due, t, ctx.lease_lead_quarters, LEASED_KW)
            room_kw = lp.lease_limit_kw * growth - leasing_kw
            # A chip that draws no power (its kW unknown) is limited in H100e only.
            fits = np.where(kw_each > 0, room_kw / np.where(kw_each > 0, kw_each, 1.0), np.inf)
            wanted = np.minimum(wanted, fits)
    new = np.maximum(0.0, wanted) * can_buy * state.accounts.alive * rationed(t, ctx)
    kw_factor = ctx.drivers_factor.own_kw_per_h100e  # kW per H100e of chips bought a quarter later
    # The data centre is built for the chips it opens with.
    kw = new * kw_each
    pay = kw * 1e-3 * lp.lease_usd_per_mw_per_year / QUARTERS_PER_YEAR
    life = p.chip_life_quarters
    for lab, (lead, term) in enumerate(zip(ctx.lease_lead_quarters, ctx.lease_term_quarters, strict=True)):
        x, x_pay, x_kw = new[:, lab], pay[:, lab], kw[:, lab]
        if not x.any():
            continue
        start = t + lead
        for comp, value in (
            (LEASED, x),
            (LEASE_PAY, x_pay),
            (LEASE_FILL, x),
            (LEASE_PENDING, -x),
            (LEASED_KW, x_kw),
        ):
            due.add_lab(start, lab, comp, value)
        sized = start if priced_at_delivery(ctx) else t  # the chips the hall is built for
        if p.lease_refill == "plan":
            _book_renewals(due, lab, x, kw_factor[:, lab], start, start + term, sized, ctx)
        else:
            held = x
            for refill in range(start + life, min(start + term, p.horizon_quarters), life):
                fits = x * kw_factor[:, lab] ** -float(refill - sized)  # the hall's kW over the new chips'
                due.add_lab(refill, lab, LEASED, fits - held)
                due.add_lab(refill, lab, LEASE_FILL, fits)
                held = fits
            due.add_lab(start + term, lab, LEASED, -held)
        due.add_lab(start + term, lab, LEASE_PAY, -x_pay)
        due.add_lab(start + term, lab, LEASED_KW, -x_kw)
    return new


def _book_renewals(
    due: Schedule,
    lab: int,
    x: FloatArray,
    kw_factor: FloatArray,
    start: int,
    end: int,
    sized: int,
    ctx: Context,
) -> None:
    """Book a lease's chips leaving, and what its hall holds at each renewal, for the plan to fill.

    ``finance.lease_refill: plan``. The ``x`` H100e it opens with leave a chip life on (or with
    the lease); at each renewal the hall holds ``x`` over ``kw_factor`` (the quarterly factor of
    the chips' kW per H100e) per quarter since ``sized``, booked as :data:`LEASE_REFILL`, or as
    :data:`LEASE_REFILL_LAST` when chips bought then leave with the lease before their life ends.
    """
    life = ctx.params.chip_life_quarters
    due.add_lab(min(start + life, end), lab, LEASED, -x)
    for renewal in range(start + life, min(end, ctx.params.horizon_quarters), life):
        fits = x * kw_factor ** -float(renewal - sized)  # the hall's kW over the new chips'
        due.add_lab(renewal, lab, LEASE_REFILL if renewal + life <= end else LEASE_REFILL_LAST, fits)


def renew_leased_chips(
    t: int, state: WorldState, dec: LabDecisions, ctx: Context, can_buy: FloatArray
) -> None:
    """Book the chips of leased halls due for renewal next quarter, as the plan asks.

    ``finance.lease_refill: plan`` only. Next quarter's leased capacity, without them, is what is
    leased and signed for now with the changes due then; the chips bought fill the lease target's
    shortfall from it, within the space of the halls being renewed. They leave a chip life on, or
    with their lease (the same share of each hall's renewal).
    """
    p = ctx.params
    if p.lease_refill != "plan" or t + 1 >= p.horizon_quarters:
        return
    due, fl = state.books.due, state.fleet
    then = due.at(t + 1)
    whole, last = then[LEASE_REFILL], then[LEASE_REFILL_LAST]
    fits = whole + last
    if not fits.any():
        return
    held = fl.leased_h100e + fl.lease_pending_h100e + then[LEASED] + then[LEASE_PENDING]
    wanted = np.minimum(fits, np.maximum(0.0, dec.lease_target_h100e - held))
    bought = wanted * can_buy * state.accounts.alive * rationed(t, ctx)
    share = np.where(fits > 0, bought / _nonzero(fits), 0.0)
    due.add(t + 1, (LEASED, LEASE_FILL), bought, bought)
    life = p.chip_life_quarters
    for lab, term in enumerate(ctx.lease_term_quarters):
        due.add_lab(t + 1 + life, lab, LEASED, -share[:, lab] * whole[:, lab])
        if term % life:  # the last renewal's chips leave with the lease, term % life quarters on
            due.add_lab(t + 1 + term % life, lab, LEASED, -share[:, lab] * last[:, lab])


def sign_partner_tranches(t: int, state: WorldState, online: Online, dec: LabDecisions, ctx: Context) -> None:
    """Sign each deal's new tranche: what the lab's target lacks once the tranche is online.

    A tranche signed at ``t`` starts at ``t + lead`` and runs ``term`` quarters, take-or-pay at
    a price fixed at signing: the deal's price of its start (:func:`tranche_prices`), raised by
    a chip shortage or a partner price rise active now; the partner's cost of it is fixed then
    too. The lab's target (its ``partner_target``
    times the deal's split) is capped by the partner's limit at the start, cut by a chip
    shortage; what is already contracted for then counts against it. A deal signs nothing before
    its signing quarter; until then its split goes to the lab's deals already signed
    (:func:`~labecon.model.world_params.signed_split`).
    """
    if _world_fused.compiled() and ctx.deal_lab:
        _sign_partner_tranches_compiled(t, state, online, dec, ctx)
        return
    p, dp, drv, books = ctx.params, ctx.params.deals, state.drivers, state.books
    on, w = online.events, ctx.windows
    if not ctx.deal_lab:
        return
    scarce = on["chip_shortage"] * ctx.cut["chip_shortage"]
    rise = (on["partner_price_rise"] * w["partner_price_rise"].size_frac)[:, None]
    dearer = (1.0 + on["chip_shortage"] * w["chip_shortage"].size_frac)[:, None] * (
        1.0 + rise * ctx.partner_event_deals["partner_price_rise"]
    )
    price_then, capital_then, running_then = tranche_prices(state, ctx)
    price = price_then * dearer
    cost = capital_then + running_then
    growth = ctx.deal_limit_growth_over_lead
    alive = state.accounts.alive
    split = signed_split(dp.split_frac, ctx.deal_lab, p.deal_signed_quarters, t)
    for d, lab in enumerate(ctx.deal_lab):
        lead, term = p.deal_lead_quarters[d], p.deal_term_quarters[d]
        start = t + lead
        if start >= p.horizon_quarters or t < p.deal_signed_quarters[d]:  # never starts, or not signed yet
            continue
        pending = books.deals.data[books.deals.slot(t + 1) : books.deals.slot(start) + 1, DEAL_CAP, d].sum(
            axis=0
        )
        contracted_then = state.deals.contracted_h100e[:, d] + pending
        limit_then = drv.partner_limit_h100e[:, d] * growth[:, d] * (1.0 - scarce)
        target = dec.partner_target_h100e[:, lab] * split[:, d]
        new = np.maximum(0.0, np.minimum(target, limit_then) - contracted_then) * alive[:, lab]
        hours_new = new * p.hours_per_quarter
        # (DEAL_CAP, DEAL_PAY, DEAL_COST) are the deals' schedule's components 0, 1, 2.
        booked = np.stack((new, hours_new * price[:, d], hours_new * cost[:, d]))
        books.deals.add_lab_components(start, d, booked)
        books.deals.add_lab_components(start + term, d, -booked)


def tranche_prices(state: WorldState, ctx: Context) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return the price of a tranche signed now and the partner's capital and running cost of it.

    USD per H100e-hour, ``(sample, deal)``: fixed at signing at those of its start, a deal's
    lead time on (the capacity then is of the chips then), as an owned order's chips are
    priced at their delivery.
    """
    drv, (price, capital, running) = state.drivers, ctx.deal_prices_over_lead
    return (
        drv.partner_usd_per_h100e_hour * price,
        drv.partner_capital_cost_usd_per_h100e_hour * capital,
        drv.partner_running_cost_usd_per_h100e_hour * running,
    )


def _sign_partner_tranches_compiled(
    t: int, state: WorldState, online: Online, dec: LabDecisions, ctx: Context
) -> None:
    """:func:`sign_partner_tranches` in one compiled pass over the deals (the same bits)."""
    p, dp, drv, on, w = ctx.params, ctx.params.deals, state.drivers, online.events, ctx.windows
    alive = state.accounts.alive
    n, n_deals = alive.shape[0], len(ctx.deal_lab)
    lab, deal = alive.shape, (n, n_deals)
    price_then, capital_then, running_then = ctx.deal_prices_over_lead  # as tranche_prices applies them
    _capacity_fused.sign_tranches(
        state.books.deals.data,
        t,
        p.horizon_quarters,
        float(p.hours_per_quarter),
        ctx.deal_terms,
        full(state.deals.contracted_h100e, deal),
        full(drv.partner_limit_h100e, deal),
        full(ctx.deal_limit_growth_over_lead, deal, keep=True),
        full(on["chip_shortage"] * ctx.cut["chip_shortage"], (n,)),
        full(dec.partner_target_h100e, lab),
        full(signed_split(dp.split_frac, ctx.deal_lab, p.deal_signed_quarters, t), deal),
        full(alive, lab),
        full(drv.partner_usd_per_h100e_hour, deal),
        full(1.0 + on["chip_shortage"] * w["chip_shortage"].size_frac, (n,)),
        full(on["partner_price_rise"] * w["partner_price_rise"].size_frac, (n,)),
        full(ctx.partner_event_deals["partner_price_rise"], (n_deals,), keep=True),
        full(drv.partner_capital_cost_usd_per_h100e_hour, deal),
        full(drv.partner_running_cost_usd_per_h100e_hour, deal),
        (
            full(price_then, deal, keep=True),
            full(capital_then, deal, keep=True),
            full(running_then, deal, keep=True),
        ),
    )
