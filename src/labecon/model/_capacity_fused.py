"""The capacity stages' bookkeeping compiled: partner tranches signed and booked in one pass.

Like :mod:`labecon.model._world_fused` (whose rules it follows: no ``fastmath``,
NumPy's ``maximum`` and ``minimum``, powers computed by NumPy outside), each
kernel here does what its stage's NumPy path does, with the same operations in
the same order, so that the numbers are the same bits.
"""

from __future__ import annotations

from labecon.model._world_fused import _jit, maximum, minimum
from labecon.types import FloatArray


@_jit
def sign_tranches(
    books: FloatArray,
    deal: int,
    first_pending: int,
    start: int,
    end: int,
    hours: float,
    contracted: FloatArray,
    limit_grown: FloatArray,
    scarce: FloatArray,
    target: FloatArray,
    split: FloatArray,
    alive: FloatArray,
    price: FloatArray,
    cost: FloatArray,
) -> None:
    """Sign one deal's new tranche in every sample and book its start and end.

    ``books`` is the deals' schedule ``(quarter, component, deal, sample)``; the
    tranche starts in slot ``start`` and ends in slot ``end`` (``-1``: after the
    horizon, not kept). What the deal has contracted by the start is
    ``contracted`` plus slots ``first_pending`` to ``start`` of its capacity.
    ``limit_grown`` is the partner's limit times its growth over the lead time.
    See :func:`labecon.model.capacity.sign_partner_tranches`.
    """
    for i in range(contracted.shape[0]):
        pending = 0.0
        for slot in range(first_pending, start + 1):
            pending += books[slot, 0, deal, i]
        contracted_then = contracted[i] + pending
        limit_then = limit_grown[i] * (1.0 - scarce[i])
        wanted = target[i] * split[i]
        new = maximum(0.0, minimum(wanted, limit_then) - contracted_then) * alive[i]
        hours_new = new * hours
        pay = hours_new * price[i]
        paid_cost = hours_new * cost[i]
        books[start, 0, deal, i] += new
        books[start, 1, deal, i] += pay
        books[start, 2, deal, i] += paid_cost
        if end >= 0:
            books[end, 0, deal, i] += -new
            books[end, 1, deal, i] += -pay
            books[end, 2, deal, i] += -paid_cost
