"""The money stages' bookkeeping compiled: the deals' fee lines, stakes diluted, the balance sheet's close.

Like :mod:`labecon.model._world_fused` (whose rules it follows: no ``fastmath``,
NumPy's ``minimum``), each kernel does what its NumPy path in
:mod:`labecon.model.finance` does, with the same operations in the same order,
so that the numbers are the same bits.
"""

from __future__ import annotations

from labecon.model._world_fused import _jit, minimum
from labecon.types import FloatArray, IntArray


@_jit
def deal_lines(
    pay: FloatArray,
    cost: FloatArray,
    delivered_frac: FloatArray,
    credits: FloatArray,
    deal_lab: IntArray,
    lines: tuple[FloatArray, FloatArray, FloatArray],
    by_lab: tuple[FloatArray, FloatArray],
) -> None:
    """Each deal's fee, the partner's cost and the credits that pay it, and each lab's sums.

    ``lines`` gets the three ``(sample, deal)`` lines of
    :func:`labecon.model.finance.deal_lines`; ``by_lab`` each lab's fee and credits used,
    ``(sample, lab)``, summed in deal order (:func:`labecon.model.capacity.to_labs`).
    """
    n, n_deals = pay.shape
    fee_by_lab, used_by_lab = by_lab
    for i in range(n):
        for lab in range(fee_by_lab.shape[1]):
            fee_by_lab[i, lab] = 0.0
            used_by_lab[i, lab] = 0.0
    for d in range(n_deals):
        lab = deal_lab[d]
        for i in range(n):
            fee = pay[i, d] * delivered_frac[i, d]
            used = minimum(credits[i, d], fee)
            lines[0][i, d] = fee
            lines[1][i, d] = cost[i, d] * delivered_frac[i, d]
            lines[2][i, d] = used
            fee_by_lab[i, lab] += fee
            used_by_lab[i, lab] += used


@_jit
def dilute_stakes(
    stake: FloatArray, raised: FloatArray, pre_money: FloatArray, deal_lab: IntArray, out: FloatArray
) -> None:
    """``out`` gets each partner's stake ``(sample, deal)`` after its lab's round.

    ``stake * (1 - dilution)`` with the dilution ``raised / (pre-money + raised)`` of the deal's
    lab (0 where that is not positive), as :func:`labecon.model.finance.dilution_frac`.
    """
    n, n_deals = stake.shape
    for d in range(n_deals):
        lab = deal_lab[d]
        for i in range(n):
            post = pre_money[i, lab] + raised[i, lab]
            sold = raised[i, lab] / post if post > 0 else 0.0
            out[i, d] = stake[i, d] * (1.0 - sold)


@_jit
def close_books(
    accounts: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    flows: tuple[FloatArray, ...],
    deals: tuple[FloatArray, FloatArray, FloatArray],
    out: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    deal_credits: FloatArray,
) -> None:
    """Stage 8: the balance sheet at the quarter's end, ``(sample, lab)``.

    ``accounts`` and ``out``: debt, credits, property and equity; ``flows``: debt drawn,
    repaid, credits used, partner credits in, capex, depreciation, net income, raised and
    partner cash; ``deals``: each deal's credits, those used and those paid in,
    ``(sample, deal)``, whose new credits go to ``deal_credits``. See
    :func:`labecon.model.finance.close_books`.
    """
    debt, credits, prop, equity = accounts
    drawn, repaid, used, credits_in, capex, dep, net_income, raised, cash_in = flows
    n, n_labs = debt.shape
    for lab in range(n_labs):  # a loop per line (:mod:`labecon.model._loops`)
        for i in range(n):
            out[0][i, lab] = debt[i, lab] + drawn[i, lab] - repaid[i, lab]
        for i in range(n):
            out[1][i, lab] = credits[i, lab] - used[i, lab] + credits_in[i, lab]
        for i in range(n):
            out[2][i, lab] = prop[i, lab] + capex[i, lab] - dep[i, lab]
        for i in range(n):
            paid_in = raised[i, lab] + cash_in[i, lab] + credits_in[i, lab]
            out[3][i, lab] = equity[i, lab] + net_income[i, lab] + paid_in
    held, spent, paid = deals
    for d in range(held.shape[1]):
        for i in range(n):
            deal_credits[i, d] = held[i, d] - spent[i, d] + paid[i, d]
