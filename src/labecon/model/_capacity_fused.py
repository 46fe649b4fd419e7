"""The capacity stages compiled: capacity coming online (the fleet, the deals), partner tranches signed.

Like :mod:`labecon.model._world_fused` (whose rules it follows: no ``fastmath``,
NumPy's ``maximum`` and ``minimum``, powers computed by NumPy outside), each
kernel here does what its stage's NumPy path does, with the same operations in
the same order, so that the numbers are the same bits.
"""

from __future__ import annotations

import numpy as np

from labecon.model._loops import add, add_sum, add_sum_sub, mul, mul_add_mul, sub
from labecon.model._schedule import _any_nonzero
from labecon.model._world_fused import _jit, column, maximum, minimum
from labecon.model.world_state import (
    CHIP_DEP,
    CHIP_KW,
    COMMIT,
    COST,
    DC_DEP,
    DC_KW,
    DC_SPEND,
    DEP,
    LEASE_PAY,
    LEASE_PENDING,
    LEASED,
    LEASED_KW,
    OWNED,
    OWNED_KW,
    PAY,
    REPAY,
    SPACE_KW,
)
from labecon.types import FloatArray, IntArray


@_jit
def sign_tranches(
    books: FloatArray,
    t: int,
    horizon: int,
    hours: float,
    deal: tuple[IntArray, IntArray, IntArray, IntArray],
    contracted: FloatArray,
    limit: FloatArray,
    growth: FloatArray,
    scarce: FloatArray,
    target: FloatArray,
    split: FloatArray,
    alive: FloatArray,
    partner_price: FloatArray,
    shortage: FloatArray,
    rise: FloatArray,
    hit: FloatArray,
    capital: FloatArray,
    running: FloatArray,
    over_lead: tuple[FloatArray, FloatArray, FloatArray],
) -> None:
    """Sign each deal's new tranche in every sample and book its start and end in ``books``.

    ``books`` is the deals' schedule ``(quarter, component, deal, sample)``; ``deal`` holds
    each deal's lab, lead, term and signing quarter. Per sample: ``shortage`` is one plus
    a chip shortage's price rise, ``rise`` a partner price rise (``hit``: the deals it hits),
    ``growth`` the partner limit's growth over the lead time; ``over_lead`` how the price and
    the partner's capital and running costs move over it (a tranche is priced at its start).
    What falls after the horizon is not kept. See
    :func:`labecon.model.capacity.sign_partner_tranches`.
    """
    deal_lab, lead, term, signed = deal
    price_then, capital_then, running_then = over_lead
    n = contracted.shape[0]
    # Loops over samples innermost, each over contiguous rows and a few arrays (they vectorise,
    # :mod:`labecon.model._loops`): the contracts pending, then the tranche, then its booking;
    # each sample gets the same operations in the same order as one loop per sample would.
    pending, cap, new, pay, paid_cost = np.empty(n), np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    for d in range(contracted.shape[1]):
        start = t + lead[d]
        if start >= horizon or t < signed[d]:  # never starts, or not signed yet
            continue
        end = start + term[d]
        lab = deal_lab[d]
        pending[:] = 0.0
        for slot in range(min(t + 1, horizon), start + 1):
            row = books[slot, 0, d]
            for i in range(n):
                pending[i] += row[i]
        for i in range(n):  # contracted then
            pending[i] = contracted[i, d] + pending[i]
        for i in range(n):  # the partner's limit then
            cap[i] = limit[i, d] * growth[i, d] * (1.0 - scarce[i])
        for i in range(n):
            wanted = target[i, lab] * split[i, d]
            new[i] = maximum(0.0, minimum(wanted, cap[i]) - pending[i]) * alive[i, lab]
        hit_d = hit[d]
        for i in range(n):
            price = partner_price[i, d] * price_then[i, d]
            pay[i] = (new[i] * hours) * (price * (shortage[i] * (1.0 + rise[i] * hit_d)))
        for i in range(n):
            paid_cost[i] = (new[i] * hours) * (
                capital[i, d] * capital_then[i, d] + running[i, d] * running_then[i, d]
            )
        for i in range(n):
            books[start, 0, d, i] += new[i]
            books[start, 1, d, i] += pay[i]
            books[start, 2, d, i] += paid_cost[i]
        if end < horizon:
            for i in range(n):
                books[end, 0, d, i] += -new[i]
                books[end, 1, d, i] += -pay[i]
                books[end, 2, d, i] += -paid_cost[i]


@_jit
def retiring(
    due: FloatArray,
    arrivals: FloatArray,
    t: int,
    lead: FloatArray,
    life: int,
    dc_life: int,
    horizon: int,
    retire: FloatArray,
    retire_kw: FloatArray,
    retire_space: FloatArray,
    holds: tuple[FloatArray, FloatArray, FloatArray],
) -> None:
    """Fill the owned H100e, their IT load and their halls' space (kW) leaving within each lead.

    What retires after ``t`` and by ``t`` plus the sample's lead. ``due`` and ``arrivals`` are
    the labs' schedules ``(quarter, component, lab, sample)``: the opening fleet and its data
    centres leave as changes due (``OWNED``, ``OWNED_KW``, ``SPACE_KW``), bought chips a chip
    life after they arrived, data centres built a facility life after. The outputs start at
    zero; see :func:`labecon.model.capacity.retiring`. ``holds`` are the labs' owned H100e,
    H100e on order and space (kW), ``(sample, lab)``: a lab with none in any sample has nothing
    due, arrived or built that could leave, so it is skipped (its outputs stay zero).
    """
    n, n_labs = retire.shape
    longest = 0.0
    for i in range(n):
        longest = max(longest, lead[i])
    for lab in range(n_labs):
        if not (
            _any_nonzero(column(holds[0], lab))
            or _any_nonzero(column(holds[1], lab))
            or _any_nonzero(column(holds[2], lab))
        ):
            continue
        for j in range(1, min(int(longest), horizon - 1 - t) + 1):
            q = t + j
            # Branch-free over samples (it vectorises): a sample past its lead adds zero,
            # which changes no bit (the NumPy path multiplies by the same 0 or 1).
            for i in range(n):
                w = 1.0 if j <= lead[i] else 0.0
                retire[i, lab] = retire[i, lab] - due[q, OWNED, lab, i] * w
                retire_kw[i, lab] = retire_kw[i, lab] - due[q, OWNED_KW, lab, i] * w
                retire_space[i, lab] = retire_space[i, lab] - due[q, SPACE_KW, lab, i] * w
            if q >= life:
                for i in range(n):
                    w = 1.0 if j <= lead[i] else 0.0
                    retire[i, lab] = retire[i, lab] + arrivals[q - life, OWNED, lab, i] * w
                    retire_kw[i, lab] = retire_kw[i, lab] + arrivals[q - life, CHIP_KW, lab, i] * w
            if q >= dc_life:
                for i in range(n):
                    w = 1.0 if j <= lead[i] else 0.0
                    retire_space[i, lab] = retire_space[i, lab] + arrivals[q - dc_life, DC_KW, lab, i] * w


@_jit
def fleet_online(
    fleet: tuple[FloatArray, ...],
    due: FloatArray,
    came: FloatArray,
    old: FloatArray,
    old_dc: FloatArray,
    retire_chips: bool,
    retire_dc: bool,
    alive: FloatArray,
    out: tuple[FloatArray, ...],
    online: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
) -> None:
    """Stage 1 for the labs' own fleet: what falls due and arrives now is added in.

    ``fleet`` and ``out`` are the :class:`~labecon.model.world_state.Fleet` fields in
    order, ``(sample, lab)``; ``due``, ``came``, ``old`` and ``old_dc`` are the schedules'
    slots ``(component, lab, sample)``: changes due now, owned capacity arriving now, and
    what arrived a chip life and a facility life ago (read only with ``retire_chips`` and
    ``retire_dc``). ``online`` gets the owned, leased and committed capacity of labs still
    trading, and their IT load (kW). See :func:`labecon.model.capacity.capacity_online`.
    Field by field, each in a loop of its own (:mod:`labecon.model._loops`).
    """
    for lab in range(alive.shape[1]):
        f, o = [column(x, lab) for x in fleet], [column(x, lab) for x in out]
        if retire_chips:  # chips past their life leave
            add_sum_sub(f[0], due[OWNED, lab], came[OWNED, lab], old[OWNED, lab], o[0])
            add_sum_sub(f[1], due[COST, lab], came[COST, lab], old[COST, lab], o[1])
            add_sum_sub(f[2], due[DEP, lab], came[DEP, lab], old[CHIP_DEP, lab], o[2])
            add_sum_sub(f[11], due[OWNED_KW, lab], came[CHIP_KW, lab], old[CHIP_KW, lab], o[11])
        else:
            add_sum(f[0], due[OWNED, lab], came[OWNED, lab], o[0])
            add_sum(f[1], due[COST, lab], came[COST, lab], o[1])
            add_sum(f[2], due[DEP, lab], came[DEP, lab], o[2])
            add_sum(f[11], due[OWNED_KW, lab], came[CHIP_KW, lab], o[11])
        sub(f[3], came[OWNED, lab], o[3])  # building: what arrives leaves it
        for k, c in ((4, COMMIT), (5, PAY), (6, REPAY), (8, LEASED), (9, LEASE_PAY), (10, LEASE_PENDING)):
            add(f[k], due[c, lab], o[k])
        add(f[7], came[DC_SPEND, lab], o[7])
        add(f[12], due[LEASED_KW, lab], o[12])
        add(f[13], due[SPACE_KW, lab], o[13])
        if retire_dc:  # data centres past their life
            sub(o[2], old_dc[DC_DEP, lab], o[2])
            sub(o[13], old_dc[DC_KW, lab], o[13])
        sub(f[14], came[CHIP_KW, lab], o[14])  # chips online leave "building"
        a = column(alive, lab)
        mul(o[0], a, column(online[0], lab))
        mul(o[8], a, column(online[1], lab))
        mul(o[4], a, column(online[2], lab))
        mul_add_mul(o[11], o[12], a, column(online[3], lab))


@_jit
def deals_online(
    deals: tuple[FloatArray, FloatArray, FloatArray],
    due: FloatArray,
    limit: FloatArray,
    cut: FloatArray,
    hit: FloatArray,
    alive: FloatArray,
    deal_lab: IntArray,
    out: tuple[FloatArray, FloatArray, FloatArray],
    delivered: FloatArray,
    delivered_frac: FloatArray,
    by_lab: FloatArray,
) -> None:
    """Stage 1 for the partner deals: tranches start and end; the partner delivers within its limit.

    ``deals`` and ``out`` are the contracted capacity, the lab's payments and the
    partner's cost, ``(sample, deal)``; ``due`` is the deals' schedule's slot now,
    ``(component, deal, sample)``; ``cut`` the capacity-cut event per sample and ``hit``
    the deals it hits. ``by_lab`` gets each lab's delivered capacity, summed in deal order.
    See :func:`labecon.model.capacity.capacity_online`.
    """
    n, n_deals = limit.shape
    by_lab[:, :] = 0.0
    for d in range(n_deals):  # a loop per output (:mod:`labecon.model._loops`)
        lab = deal_lab[d]
        for k in range(3):
            add(column(deals[k], d), due[k, d], column(out[k], d))
        contracted, hit_d = column(out[0], d), hit[d]
        for i in range(n):
            lim = limit[i, d] * (1.0 - cut[i] * hit_d)
            delivered[i, d] = minimum(contracted[i], lim) * alive[i, lab]
        for i in range(n):
            x, c = delivered[i, d], contracted[i]
            delivered_frac[i, d] = x / c if c > 0 else 0.0
            by_lab[i, lab] += x


@_jit
def events_active(occurs: FloatArray, onset: FloatArray, end: FloatArray, t: float, out: FloatArray) -> None:
    """Fill ``out`` with 1.0 where each event is active at quarter ``t``, ``(event, sample)``.

    One pass for :func:`labecon.model.risk.active` of the stacked windows: ``occurs`` times
    whether ``onset <= t < end``, the same product.
    """
    n_events, n = occurs.shape
    for e in range(n_events):
        for i in range(n):
            now = 1.0 if onset[e, i] <= t and t < end[e, i] else 0.0
            out[e, i] = occurs[e, i] * now
