"""The world quarter's hot stages compiled: loops over samples, a few sample-sized temporaries.

Each kernel here computes what its stage's NumPy path computes (the plain path,
and the reference: :mod:`labecon.model.market`, :mod:`labecon.model.finance`,
:mod:`labecon.model.capacity`, :mod:`labecon.model.decisions`,
:mod:`labecon.model.world_outputs`, :mod:`labecon.strategies.lab`), with the
same floating-point operations in the same order, so that its numbers are the
NumPy path's bits (``tests/unit/model/test_world_fused.py`` holds whole runs to
that). Three rules make that so:

* No ``fastmath``: it would reorder operations.
* ``maximum``, ``minimum`` and ``clip`` below follow NumPy's rules, down to the
  sign of a zero, which can reach the outputs' bits.
* ``exp``, ``log``, ``log1p`` and powers stay NumPy's, called by the stage's
  wrapper between kernels: Numba calls the C library's, which differ from
  NumPy's in the last bit for a few percent of arguments.

The wrappers unpack the state's tuples and pass plain arrays, each contiguous
with samples fastest (:func:`full`), so that LLVM vectorises the loops over
samples. Which path runs is :func:`compiled`: a run's engine says (``engine="numpy"`` runs the
NumPy path, :func:`engine_path`); by default :data:`COMPILED`, which ``LABECON_PLAIN=1`` in the
environment (before labecon is imported) turns off.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numba
import numpy as np
from numba.extending import overload

from labecon.model import compute
from labecon.types import FloatArray, IntArray

COMPILED: bool = os.environ.get("LABECON_PLAIN", "") not in ("1", "true", "yes")
"""Run the world's hot stages compiled (default) or with NumPy (``LABECON_PLAIN=1``); same bits."""

_PATH: ContextVar[bool | None] = ContextVar("world_compiled", default=None)


def compiled() -> bool:
    """Return whether the world's stages run compiled: as :func:`engine_path` says, else :data:`COMPILED`."""
    chosen = _PATH.get()
    return COMPILED if chosen is None else chosen


@contextmanager
def engine_path(use_compiled: bool) -> Iterator[None]:
    """Run the world's stages compiled or with NumPy inside the block (this thread or task only)."""
    token = _PATH.set(use_compiled)
    try:
        yield
    finally:
        _PATH.reset(token)


_jit = numba.njit(cache=True, nogil=True, error_model="numpy")
"""For the kernels. ``error_model="numpy"``: a division by zero gives inf or NaN as in NumPy
(not an exception), and without that check LLVM vectorises the loops."""
_inline = numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")

_FLOAT64 = np.dtype(np.float64)
_KEPT: dict[int, tuple[FloatArray, FloatArray]] = {}
"""Contiguous copies of parameters, by the id of the array copied (kept alive with it)."""


def full(x: FloatArray | float, shape: tuple[int, ...], *, keep: bool = False) -> FloatArray:
    """Return ``x`` as a contiguous float64 array of ``shape``, samples fastest (``x`` if it is one).

    Every kernel argument is one: LLVM vectorises a loop only over arrays it knows are
    contiguous. With ``keep`` (a parameter, the same array every quarter of a run) the copy
    is kept and made once.
    """
    # Called a few hundred times a quarter. NumPy's float64 dtype is one object: an identity answers
    # first, without converting the type np.float64 to a dtype (that took most of the check's time).
    if (
        isinstance(x, np.ndarray)
        and x.shape == shape
        and (x.dtype is _FLOAT64 or x.dtype == np.float64)
        and (x.flags.f_contiguous if len(shape) > 1 else x.flags.c_contiguous)
    ):
        return x
    if keep and isinstance(x, np.ndarray):
        kept = _KEPT.get(id(x))
        if kept is not None and kept[0] is x and kept[1].shape == shape:
            return kept[1]
    out: FloatArray = np.asfortranarray(np.broadcast_to(np.asarray(x, dtype=np.float64), shape))
    if keep and isinstance(x, np.ndarray):
        if len(_KEPT) >= 64:  # more than a run's parameters: the older copies go (memory stays bounded)
            _KEPT.clear()
        _KEPT[id(x)] = (x, out)
    return out


def column(x: FloatArray, j: int, k: int = 0) -> FloatArray:
    """Return ``x[:, j]`` of a ``(sample, lab)`` array, ``x[:, j, k]`` of a 3D one, as a view.

    In a kernel, typed contiguous: loops over it vectorise.
    """
    return x[:, j] if x.ndim == 2 else x[:, j, k]


# Numba matches the implementations' parameters to the typing function's, annotations included:
# `x` is an array's Numba type here, an array in the implementations.
@overload(column, jit_options={"nogil": True, "error_model": "numpy"})
def _column(x: Any, j: Any, k: Any = 0) -> Callable[..., FloatArray]:
    """Compile :func:`column`.

    Numba types an array that is both C- and F-contiguous (one lab, one segment) C-ordered,
    and its ``x[:, j]`` strided; such an array is its columns end to end.
    """
    if x.layout != "C":  # F-contiguous, or any strides (then the view is strided too)
        if x.ndim == 2:

            def of_2d(x: Any, j: Any, k: Any = 0) -> Any:
                return x[:, j]

            return of_2d

        def of_3d(x: Any, j: Any, k: Any = 0) -> Any:
            return x[:, j, k]

        return of_3d

    def of_both(x: Any, j: Any, k: Any = 0) -> Any:
        n = x.shape[0]
        if x.size > max(x.shape):  # two dimensions over one: not F-contiguous too
            msg = "a kernel's arrays are Fortran-ordered"
            raise ValueError(msg)
        return x.ravel()[(j + x.shape[1] * k) * n : (j + x.shape[1] * k + 1) * n]

    return of_both


# NumPy's element-wise rules, NaN and the sign of zero included (on a tie maximum and minimum
# return their second operand, clip its value): a zero's sign can reach the outputs' bits.
@_inline
def maximum(a: float, b: float) -> float:
    """Return ``np.maximum(a, b)``: NaN if either is, else ``a`` if ``a > b``, else ``b``."""
    if a != a:
        return a
    return a if a > b else b


@_inline
def minimum(a: float, b: float) -> float:
    """Return ``np.minimum(a, b)``: NaN if either is, else ``a`` if ``a < b``, else ``b``."""
    if a != a:
        return a
    return a if a < b else b


@_inline
def clip(x: float, lo: float, hi: float) -> float:
    """Return ``np.clip(x, lo, hi)``: NaN if ``x`` is, the bound only past it (a tie keeps ``x``)."""
    if x != x:
        return x
    y = lo if x < lo else x
    return hi if y > hi else y


# ------------------------------------------------------------------ stage 4: market and serving
# In three kernels: exp and log come from NumPy between them (see the module's docstring).


@_jit
def market_prices(
    t: int,
    fade_rate: FloatArray,
    growth_fade: FloatArray,
    log_growth: FloatArray,
    glut: FloatArray,
    glut_pass: FloatArray,
    ref_price: FloatArray,
    outside_frontier: FloatArray,
    capability: FloatArray,
    alive: FloatArray,
    premium: FloatArray,
    pricing_power: FloatArray,
    grow_arg: FloatArray,
    pref: FloatArray,
    gap: FloatArray,
    price: FloatArray,
    ratio: FloatArray,
) -> None:
    """Fill the segments' growth exponent and reference price, the labs' gaps, prices and price ratios."""
    n, n_labs = capability.shape
    n_seg = ref_price.shape[1]
    years = t / 4.0
    for s in range(n_seg):
        for i in range(n):
            fr = fade_rate[i, s]
            grown = (1.0 - growth_fade[i, s]) / fr if fr > 0 else years
            grow_arg[i, s] = log_growth[i, s] * grown
            pref[i, s] = ref_price[i, s] * (1.0 - glut[i] * glut_pass[i, s])
    frontier = outside_frontier.copy()
    for lab in range(n_labs):
        for i in range(n):
            frontier[i] = maximum(frontier[i], capability[i, lab] if alive[i, lab] > 0 else -np.inf)
    for lab in range(n_labs):
        for i in range(n):
            gap[i, lab] = capability[i, lab] - frontier[i]
        for s in range(n_seg):
            for i in range(n):
                power = 1.0 + pricing_power[i] * clip(gap[i, lab], -1.0, 1.0)
                p = pref[i, s] * ((1.0 + premium[i, lab]) * maximum(0.05, power))
                price[i, lab, s] = p
                ratio[i, lab, s] = p / pref[i, s]


@_jit
def market_logits(
    t: int,
    gap: FloatArray,
    drift: FloatArray,
    share_weight: FloatArray,
    sensitivity: FloatArray,
    elasticity: FloatArray,
    log_ratio: FloatArray,
    logit: FloatArray,
    damp_arg: FloatArray,
) -> None:
    """Fill the exponents of attractiveness (at most 50) and of the demand's price damping."""
    n, n_labs, n_seg = log_ratio.shape
    years = t / 4.0
    for lab in range(n_labs):
        for s in range(n_seg):
            for i in range(n):
                lr = log_ratio[i, lab, s]
                a = share_weight[i] * gap[i, lab] + drift[i, lab] * years
                logit[i, lab, s] = minimum(a - sensitivity[i] * lr, 50.0)
                damp_arg[i, lab, s] = lr * -elasticity[i, s]


@_jit
def market_serve(
    hours: float,
    spend0: FloatArray,
    growth: FloatArray,
    slump: FloatArray,
    pref: FloatArray,
    cpu: FloatArray,
    alive: FloatArray,
    brand: FloatArray,
    attract: FloatArray,
    outside: FloatArray,
    inertia: FloatArray,
    old_shares: FloatArray,
    damp_exp: FloatArray,
    owned: FloatArray,
    leased: FloatArray,
    committed: FloatArray,
    partner: FloatArray,
    training: FloatArray,
    research: FloatArray,
    rent_shares: FloatArray,
    scarce: FloatArray,
    rent_limit_h100e: FloatArray,
    price: FloatArray,
    shares: FloatArray,
    served: FloatArray,
    lost: FloatArray,
    need: FloatArray,
    base: FloatArray,
    rented: FloatArray,
    infer_cap: FloatArray,
    revenue: FloatArray,
) -> None:
    """Fill stage 4's shares, served and lost units, need, capacity, renting and revenue.

    Sums over labs and segments add in the NumPy path's order (``arrays.sum_axis``).
    """
    n, n_labs = alive.shape
    n_seg = spend0.shape[1]
    # Temporaries by segment or lab, then sample: each loop below reads one contiguous row.
    volume = np.empty((n_seg, n))
    total = np.empty(n)
    frac = np.empty((n_labs, n))
    spare = np.empty((n_labs, n))
    pool = np.empty((n_seg, n))
    pool_total = np.empty(n)
    total_want = np.empty(n)
    # Customers choose: shares move towards the logit's targets; demand, held in `lost` for now.
    for s in range(n_seg):
        for i in range(n):
            volume[s, i] = spend0[i, s] * growth[i, s] * (1.0 - slump[i]) / pref[i, s] / 4.0
        for i in range(n):
            total[i] = brand[i, 0, s] * alive[i, 0] * attract[i, 0, s]
        for lab in range(1, n_labs):
            for i in range(n):
                total[i] = total[i] + brand[i, lab, s] * alive[i, lab] * attract[i, lab, s]
        for i in range(n):
            total[i] = total[i] + outside[i, s]
        for lab in range(n_labs):
            for i in range(n):
                target = brand[i, lab, s] * alive[i, lab] * attract[i, lab, s] / total[i]
                sh = (inertia[i, s] * old_shares[i, lab, s] + (1.0 - inertia[i, s]) * target) * alive[i, lab]
                lost[i, lab, s] = sh * volume[s, i] * minimum(1.0, damp_exp[i, lab, s])
    # Each lab serves what its capacity allows, renting on demand, the same fraction of every segment.
    for lab in range(n_labs):
        for i in range(n):
            need[i, lab] = lost[i, lab, 0] * cpu[i, 0]
        for s in range(1, n_seg):
            for i in range(n):
                need[i, lab] = need[i, lab] + lost[i, lab, s] * cpu[i, s]
        for i in range(n):
            nd = need[i, lab] / hours
            need[i, lab] = nd
            b = owned[i, lab] + leased[i, lab] + committed[i, lab] + partner[i, lab]
            base[i, lab] = b
            ib = (1.0 - training[i, lab] - research[i, lab]) * b
            limit = maximum(
                0.0, rent_limit_h100e[i, lab] * scarce[i] - committed[i, lab] * rent_shares[i, lab]
            )
            r = clip(nd - ib, 0.0, limit) * alive[i, lab]
            rented[i, lab] = r
            cap = ib + r
            infer_cap[i, lab] = cap
            frac[lab, i] = cap / (nd if nd > 0 else 1.0) if nd > cap else 1.0
            spare[lab, i] = maximum(0.0, cap - nd)
        for s in range(n_seg):
            for i in range(n):
                d = lost[i, lab, s]
                sv = d * frac[lab, i]
                served[i, lab, s] = sv
                lost[i, lab, s] = d - sv
    # Demand lost is served by labs with spare capacity, in proportion to it, within the pool.
    for s in range(n_seg):
        for i in range(n):
            pool[s, i] = lost[i, 0, s] * cpu[i, s]
        for lab in range(1, n_labs):
            for i in range(n):
                pool[s, i] = pool[s, i] + lost[i, lab, s] * cpu[i, s]
        for i in range(n):
            pool[s, i] = pool[s, i] / hours
    for i in range(n):
        pool_total[i] = pool[0, i]
    for s in range(1, n_seg):
        for i in range(n):
            pool_total[i] = pool_total[i] + pool[s, i]
    for lab in range(n_labs):  # spare becomes what each lab wants of the pool
        for i in range(n):
            spare[lab, i] = minimum(spare[lab, i], pool_total[i])
    for i in range(n):
        total_want[i] = spare[0, i]
    for lab in range(1, n_labs):
        for i in range(n):
            total_want[i] = total_want[i] + spare[lab, i]
    for i in range(n):  # total_want becomes the scale of what each gets
        tw, pt = total_want[i], pool_total[i]
        total_want[i] = pt / (tw if tw > 0 else 1.0) if tw > pt else 1.0
    for lab in range(n_labs):
        for s in range(n_seg):
            for i in range(n):
                pt = pool_total[i]
                mix = pool[s, i] / (pt if pt > 0 else 1.0) if pt > 0 else 0.0
                sv = served[i, lab, s] + spare[lab, i] * total_want[i] * mix * hours / cpu[i, s]
                served[i, lab, s] = sv
                shares[i, lab, s] = sv / volume[s, i]
                if s == 0:
                    revenue[i, lab] = sv * price[i, lab, s]
                else:
                    revenue[i, lab] = revenue[i, lab] + sv * price[i, lab, s]


# ------------------------------------------------------------------ stages 6 and 7: money and funding

_rental_usd: Callable[..., float] = _inline(compute.rental_usd)
_power_usd: Callable[..., float] = _inline(compute.power_of_load_usd)
_maintenance_usd: Callable[..., float] = _inline(compute.maintenance_usd)


@_jit
def money_kernel(
    hours: float,
    alive: FloatArray,
    rented: FloatArray,
    rent_price: FloatArray,
    commit_pay: FloatArray,
    fee: FloatArray,
    it_kw: FloatArray,
    pue: FloatArray,
    electricity: FloatArray,
    maintenance_frac: FloatArray,
    owned_cost: FloatArray,
    lease_pay: FloatArray,
    dep: FloatArray,
    staff_q: FloatArray,
    staff_factor: FloatArray,
    debt: FloatArray,
    rate: FloatArray,
    revenue: FloatArray,
    rental: FloatArray,
    commitment: FloatArray,
    compute_cost: FloatArray,
    owned_opex: FloatArray,
    lease: FloatArray,
    depreciation: FloatArray,
    staff: FloatArray,
    interest: FloatArray,
    net_income: FloatArray,
) -> None:
    """Fill stage 6's lines (the last nine arrays) as :func:`labecon.model.finance.money`.

    Line by line, each in a loop over a few contiguous columns (they vectorise).
    """
    n, n_labs = alive.shape
    power, upkeep = np.empty(n), np.empty(n)
    for lab in range(n_labs):
        a = column(alive, lab)
        r, c, le = column(rental, lab), column(commitment, lab), column(lease, lab)
        rd, rp = column(rented, lab), column(rent_price, lab)
        for i in range(n):
            r[i] = _rental_usd(rd[i], hours, rp[i])
        cp = column(commit_pay, lab)
        for i in range(n):
            c[i] = cp[i] * a[i]
        kw = column(it_kw, lab)
        for i in range(n):
            power[i] = _power_usd(kw[i], pue[i], hours, electricity[i])
        oc = column(owned_cost, lab)
        for i in range(n):
            upkeep[i] = _maintenance_usd(maintenance_frac[i], oc[i]) * a[i]
        lp = column(lease_pay, lab)
        for i in range(n):
            le[i] = lp[i] * a[i]
        cc, f = column(compute_cost, lab), column(fee, lab)
        for i in range(n):
            cc[i] = r[i] + c[i] + f[i] + power[i] + upkeep[i] + le[i]
        oo = column(owned_opex, lab)
        for i in range(n):
            oo[i] = power[i] + upkeep[i]
        d, dp = column(depreciation, lab), column(dep, lab)
        for i in range(n):
            d[i] = dp[i] * a[i]
        st, sq, sf = column(staff, lab), column(staff_q, lab), column(staff_factor, lab)
        for i in range(n):
            st[i] = sq[i] * sf[i] * a[i]
        it, db = column(interest, lab), column(debt, lab)
        for i in range(n):
            it[i] = db[i] * rate[i] / 4.0 * a[i]
        ni, rv = column(net_income, lab), column(revenue, lab)
        for i in range(n):
            ni[i] = rv[i] - cc[i] - d[i] - st[i] - it[i]


@_jit
def fund_before_round(
    logits: tuple[float, float, float, float],
    alive: FloatArray,
    debt: FloatArray,
    debt_draw: FloatArray,
    repay_per_q: FloatArray,
    net_income: FloatArray,
    depreciation: FloatArray,
    credits_used: FloatArray,
    capex: FloatArray,
    capability: FloatArray,
    rank_premium: FloatArray,
    revenue_multiple: FloatArray,
    revenue: FloatArray,
    revenue_last: FloatArray,
    revenue_5q_ago: FloatArray,
    repaid: FloatArray,
    operating: FloatArray,
    investing: FloatArray,
    scheduled: FloatArray,
    pre_money: FloatArray,
    minus_z: FloatArray,
) -> None:
    """Fill stage 7's flows before the round, pre-money values and ``-z`` of the round's odds.

    Step by step, each in a loop over a few contiguous columns (they vectorise).
    """
    n, n_labs = alive.shape
    base, growth_w, rank_w, loss_w = logits
    rank = np.empty(n)
    for lab in range(n_labs):
        a, d, draw, rp = column(alive, lab), column(debt, lab), column(debt_draw, lab), column(repaid, lab)
        due = column(repay_per_q, lab)
        for i in range(n):
            rp[i] = minimum(d[i] + draw[i], due[i]) * a[i]
        ni, dep, used, op = (
            column(net_income, lab),
            column(depreciation, lab),
            column(credits_used, lab),
            column(operating, lab),
        )
        for i in range(n):
            op[i] = ni[i] + dep[i] + used[i]
        spent, inv = column(capex, lab), column(investing, lab)
        for i in range(n):
            inv[i] = -spent[i]
        sch = column(scheduled, lab)
        for i in range(n):
            sch[i] = draw[i] - rp[i]
        # finance.capability_rank_score: 1 for the leader, 0 for the last
        if n_labs == 1:
            rank[:] = 1.0
        else:
            mine = column(capability, lab)
            rank[:] = 0.0
            for other in range(n_labs):
                theirs = column(capability, other)
                for i in range(n):
                    rank[i] += 1.0 if mine[i] > theirs[i] else 0.0
            for i in range(n):
                rank[i] = rank[i] / (n_labs - 1.0)
        rev, pm = column(revenue, lab), column(pre_money, lab)
        for i in range(n):
            premium = 1.0 + rank_premium[i] * (rank[i] - 0.5)
            pm[i] = rev[i] * 4.0 * (revenue_multiple[i] * premium)
        last, then, mz = column(revenue_last, lab), column(revenue_5q_ago, lab), column(minus_z, lab)
        for i in range(n):
            growth = last[i] / maximum(then[i], 1e-9) - 1.0  # over four quarters
            loss = maximum(0.0, -ni[i])
            lr = loss / rev[i] if rev[i] > 0 else 5.0
            lr = lr if loss > 0 else 0.0
            z = base + growth_w * clip(growth, -1.0, 5.0) + rank_w * rank[i] - loss_w * clip(lr, 0.0, 5.0)
            mz[i] = -z


@_jit
def fund_round(
    alive: FloatArray,
    cash: FloatArray,
    operating: FloatArray,
    investing: FloatArray,
    scheduled: FloatArray,
    partner_cash: FloatArray,
    trigger: FloatArray,
    target_runway: FloatArray,
    uniforms: FloatArray,
    exp_minus_z: FloatArray,
    failed: FloatArray,
    pre_money: FloatArray,
    max_dilution: FloatArray,
    ceiling: FloatArray,
    raised_3q_ago: FloatArray,
    raised_2q_ago: FloatArray,
    raised_1q_ago: FloatArray,
    post_money_before: FloatArray,
    ruined_before: FloatArray,
    burn: FloatArray,
    raised: FloatArray,
    post_money: FloatArray,
    cash_after: FloatArray,
    newly_ruined: np.ndarray,
    ruined: FloatArray,
) -> None:
    """Fill stage 7's burn, round, post-money value, cash and ruin, as :func:`labecon.model.finance.fund`.

    Step by step, each in a loop over a few contiguous columns (they vectorise).
    """
    n, n_labs = alive.shape
    pre, ok, room = np.empty(n), np.empty(n), np.empty(n)
    for lab in range(n_labs):
        op, inv, sch = column(operating, lab), column(investing, lab), column(scheduled, lab)
        b, a, r = column(burn, lab), column(alive, lab), column(raised, lab)
        for i in range(n):
            b[i] = maximum(0.0, -(op[i] + inv[i] + sch[i]))
        c0, pc = column(cash, lab), column(partner_cash, lab)
        for i in range(n):  # cash before a round
            pre[i] = c0[i] + op[i] + inv[i] + sch[i] + pc[i]
        trig, u, emz = column(trigger, lab), column(uniforms, lab), column(exp_minus_z, lab)
        for i in range(n):  # whether a round is tried, and succeeds
            runway = pre[i] / b[i] if b[i] > 0 else np.inf
            attempt = (runway < trig[i] or pre[i] < 0) and b[i] > 0 and a[i] > 0
            p_ok = 1.0 / (1.0 + emz[i])
            p_ok = p_ok * (1.0 - failed[i])
            ok[i] = 1.0 if attempt and u[i] < p_ok else 0.0
        r3, r2, r1 = column(raised_3q_ago, lab), column(raised_2q_ago, lab), column(raised_1q_ago, lab)
        for i in range(n):  # what investors can still put in this year
            room[i] = maximum(0.0, ceiling[i] - (r3[i] + r2[i] + r1[i]))
        target, pm = column(target_runway, lab), column(pre_money, lab)
        for i in range(n):
            wanted = maximum(target[i] * b[i], b[i] - pre[i])
            md = max_dilution[i]
            limit = pm[i] * md / maximum(1.0 - md, 1e-12)
            capped = minimum(minimum(wanted, maximum(limit, 0.0)), room[i])
            r[i] = capped if ok[i] > 0 else 0.0
        post, before = column(post_money, lab), column(post_money_before, lab)
        for i in range(n):
            post[i] = pm[i] + r[i] if r[i] > 0 else before[i]
        after, new, ru, ru0 = (
            column(cash_after, lab),
            column(newly_ruined, lab),
            column(ruined, lab),
            column(ruined_before, lab),
        )
        for i in range(n):
            c = pre[i] + r[i]
            after[i] = c
            nr = c < 0 and a[i] > 0
            new[i] = nr
            ru[i] = maximum(ru0[i], 1.0 if nr else 0.0)


# ------------------------------------------------------------------ stage 2: what the labs see, and decide


@_jit
def observe_kernel(
    hours_flop: float,
    need_growth: FloatArray,
    revenue_mix: FloatArray,
    cash: FloatArray,
    burn: FloatArray,
    outside: FloatArray,
    capability: FloatArray,
    alive: FloatArray,
    owned: FloatArray,
    leased: FloatArray,
    committed: FloatArray,
    partner: FloatArray,
    utilisation: FloatArray,
    algorithmic: FloatArray,
    final_run: FloatArray,
    left: FloatArray,
    revenue_last: FloatArray,
    revenue_5q_ago: FloatArray,
    lab_need_growth: FloatArray,
    runway: FloatArray,
    frontier: FloatArray,
    base: FloatArray,
    per_h100e: FloatArray,
    revenue_growth: FloatArray,
) -> None:
    """Fill what the labs see (:func:`labecon.model.decisions.observe`) from last quarter and now."""
    n, n_labs = cash.shape
    n_seg = need_growth.shape[1]
    for lab in range(n_labs):
        for i in range(n):
            lab_need_growth[i, lab] = need_growth[i, 0] * revenue_mix[lab, 0]
        for s in range(1, n_seg):
            for i in range(n):
                lab_need_growth[i, lab] = lab_need_growth[i, lab] + need_growth[i, s] * revenue_mix[lab, s]
        # One quantity per loop, over a few arrays each (they vectorise).
        for i in range(n):
            b = burn[i, lab]
            runway[i, lab] = cash[i, lab] / b if b > 0 else np.inf
        for i in range(n):
            base[i, lab] = owned[i, lab] + leased[i, lab] + committed[i, lab] + partner[i, lab]
        left_lab = left[lab]
        for i in range(n):
            per_h100e[i, lab] = hours_flop * (utilisation[i] * algorithmic[i] * final_run[i]) * left_lab
        for i in range(n):
            revenue_growth[i, lab] = revenue_last[i, lab] / maximum(revenue_5q_ago[i, lab], 1e-9) - 1.0
        for i in range(n):
            frontier[i, lab] = -np.inf  # the best other lab, then the outside frontier
        for other in range(n_labs):
            if other != lab:
                for i in range(n):
                    frontier[i, lab] = maximum(frontier[i, lab], capability[i, other] * alive[i, other])
        for i in range(n):
            frontier[i, lab] = maximum(outside[i, lab], frontier[i, lab])


@_jit
def plan_exponents(
    need_growth: FloatArray,
    lead: FloatArray,
    lease_lead: FloatArray,
    commit_lead: FloatArray,
    frontier_growth: FloatArray,
    ln10: float,
    out: FloatArray,
) -> None:
    """Fill the exponents of the plans' growth at the lead, next quarter and the lease's lead.

    ``out[:, :, k]``: ``ln(1 + g) * h`` for ``k`` 0 to 2, then the frontier's
    ``oom * (ln 10 * h)`` for 3 to 5, with ``h`` the lead in years, 1/4, the lease's lead;
    when ``out`` has 8, the same two at the commitments' lead in 6 and 7.
    """
    n, n_labs = need_growth.shape
    if out.shape[2] > 6:
        for lab in range(n_labs):
            for i in range(n):
                commit = commit_lead[i, lab] / 4.0
                out[i, lab, 6] = need_growth[i, lab] * commit
                out[i, lab, 7] = frontier_growth[i] * (ln10 * commit)
    for lab in range(n_labs):
        for i in range(n):
            lg = need_growth[i, lab]
            ahead = lead[i] / 4.0
            lease = lease_lead[i, lab] / 4.0
            out[i, lab, 0] = lg * ahead
            out[i, lab, 1] = lg * 0.25
            out[i, lab, 2] = lg * lease
            fg = frontier_growth[i]
            out[i, lab, 3] = fg * (ln10 * ahead)
            out[i, lab, 4] = fg * (ln10 * 0.25)
            out[i, lab, 5] = fg * (ln10 * lease)


@_jit
def _plan(
    racing: bool,
    need: FloatArray,
    growth: FloatArray,
    headroom: FloatArray,
    needed: FloatArray,
    frontier_growth: FloatArray,
    training_frac: FloatArray,
    training_max: FloatArray,
    research: FloatArray,
    gap_rule: FloatArray,
    forecast: FloatArray,
    tau: FloatArray,
    out: FloatArray,
) -> None:
    """Fill ``out`` with the capacity planned ahead (:meth:`labecon.strategies.lab.RuleBasedLabs._planned`).

    One sample's lab: ``forecast`` and ``tau`` (the training share planned for) are scratch.
    Step by step, each in a loop over a few arrays (they vectorise), the same operations.
    """
    n = out.shape[0]
    for i in range(n):
        forecast[i] = need[i] * growth[i] * (1.0 + headroom[i])
    if racing:
        for i in range(n):
            grown = needed[i] * frontier_growth[i]
            tau[i] = grown * (1.0 - research[i]) / maximum(forecast[i] + grown, 1e-300)  # the fit
        for i in range(n):
            race = maximum(training_frac[i], minimum(tau[i], training_max[i]))
            tau[i] = race if gap_rule[i] > 0 else training_frac[i]
        for i in range(n):
            out[i] = forecast[i] / (1.0 - tau[i] - research[i])
    else:
        for i in range(n):
            out[i] = forecast[i] / (1.0 - training_frac[i] - research[i])


@_jit
def decide_kernel(
    racing: bool,
    leasing: bool,
    runway: FloatArray,
    target_flop: FloatArray,
    run_flop: FloatArray,
    per_h100e: FloatArray,
    base: FloatArray,
    need: FloatArray,
    growth: FloatArray,
    revenue_growth: FloatArray,
    own_frac: FloatArray,
    lease_frac: FloatArray,
    commit_frac: FloatArray,
    partner_frac: FloatArray,
    headroom: FloatArray,
    training_frac: FloatArray,
    training_max: FloatArray,
    research: FloatArray,
    cut_runway: FloatArray,
    cut_training: FloatArray,
    cut_build: FloatArray,
    commit_scale: FloatArray,
    gap_rule: FloatArray,
    training: FloatArray,
    own: FloatArray,
    commit: FloatArray,
    lease: FloatArray,
    partner: FloatArray,
) -> None:
    """Fill the rules' decisions (:meth:`labecon.strategies.lab.RuleBasedLabs.decide`).

    ``growth[:, :, k]`` are :func:`plan_exponents`' exponentials (8 when some lab's
    commitments start later than next quarter); ``target_flop`` is ``10 ** (frontier + gap)``.
    ``racing``: some lab follows the frontier-gap rule; ``leasing``: some lab leases.
    Lab by lab, quantity by quantity, each in a loop over a few arrays (they vectorise).
    """
    n, n_labs = runway.shape
    later = growth.shape[2] > 6
    needed, build, push, forecast, tau = np.empty(n), np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    at_lead, next_q, at_lease, at_commit = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    for lab in range(n_labs):
        tf, tmax, res, rule = (
            column(training_frac, lab),
            column(training_max, lab),
            column(research, lab),
            column(gap_rule, lab),
        )
        rw, cut, tr, bs = (
            column(runway, lab),
            column(cut_runway, lab),
            column(training, lab),
            column(base, lab),
        )
        # The training share (held in `training` until the runway's cut).
        if racing:
            tg, rf, ph = column(target_flop, lab), column(run_flop, lab), column(per_h100e, lab)
            for i in range(n):
                needed[i] = maximum(0.0, tg[i] - rf[i]) / maximum(ph[i], 1e-300)
            for i in range(n):
                race = maximum(tf[i], minimum(needed[i] / maximum(bs[i], 1.0), tmax[i]))
                tr[i] = race if rule[i] > 0 else tf[i]
        else:
            for i in range(n):
                needed[i] = bs[i]
            for i in range(n):
                tr[i] = tf[i]
        ct, cb = column(cut_training, lab), column(cut_build, lab)
        for i in range(n):
            tr[i] = tr[i] * ct[i] if rw[i] < cut[i] else tr[i]
        for i in range(n):
            build[i] = cb[i] if rw[i] < cut[i] else 1.0
        nd, hr = column(need, lab), column(headroom, lab)
        g = [growth[:, lab, k] for k in range(growth.shape[2])]
        scratch = (forecast, tau)
        _plan(racing, nd, g[0], hr, needed, g[3], tf, tmax, res, rule, *scratch, at_lead)
        _plan(racing, nd, g[1], hr, needed, g[4], tf, tmax, res, rule, *scratch, next_q)
        if leasing:
            _plan(racing, nd, g[2], hr, needed, g[5], tf, tmax, res, rule, *scratch, at_lease)
        else:
            for i in range(n):
                at_lease[i] = 0.0
        if later:
            _plan(racing, nd, g[6], hr, needed, g[7], tf, tmax, res, rule, *scratch, at_commit)
        else:
            for i in range(n):
                at_commit[i] = next_q[i]
        cs, rg = column(commit_scale, lab), column(revenue_growth, lab)
        for i in range(n):
            push[i] = 1.0 + cs[i] * clip(rg[i], 0.0, 5.0)
        of, o = column(own_frac, lab), column(own, lab)
        for i in range(n):
            o[i] = of[i] * at_lead[i] * build[i]
        cf, c = column(commit_frac, lab), column(commit, lab)
        for i in range(n):
            c[i] = cf[i] * at_commit[i] * push[i] * build[i]
        lf, le = column(lease_frac, lab), column(lease, lab)
        for i in range(n):
            le[i] = lf[i] * at_lease[i] * build[i]
        pf, p = column(partner_frac, lab), column(partner, lab)
        for i in range(n):
            p[i] = pf[i] * next_q[i] * build[i]


# ------------------------------------------------------------------ the outputs, quarter by quarter


@_jit
def record_kernel(
    t: float,
    horizon: float,
    last_year: bool,
    discount: FloatArray,
    revenue: FloatArray,
    cash: FloatArray,
    ruined: FloatArray,
    base: FloatArray,
    rented: FloatArray,
    net_income: FloatArray,
    alive: FloatArray,
    operating: FloatArray,
    investing: FloatArray,
    interest: FloatArray,
    credits_used: FloatArray,
    scheduled: FloatArray,
    revenue_y: FloatArray,
    cash_y: FloatArray,
    ruined_y: FloatArray,
    capacity_y: FloatArray,
    first_profit: FloatArray,
    recent_net_income: FloatArray,
    first_profit_year: FloatArray,
    npv: FloatArray,
    last_year_fcf: FloatArray,
    last_year_revenue: FloatArray,
    cum_pre_equity: FloatArray,
    peak_need: FloatArray,
) -> None:
    """Add a quarter to the per-sample outputs in place (``Accumulator.record``'s NumPy path).

    The ``_y`` arrays are this year's ``(sample, lab)`` slices of the by-year outputs;
    ``recent_net_income`` holds the last four quarters' net income, quarter ``t`` at ``t % 4``.
    Output by output, each in a loop over a few contiguous columns (they vectorise).
    """
    n, n_labs = revenue.shape
    q = int(t)
    now = q % 4
    unlevered = np.empty(n)
    for lab in range(n_labs):
        ni, al, rev = column(net_income, lab), column(alive, lab), column(revenue, lab)
        recent = [column(recent_net_income, lab, k) for k in range(4)]
        r0 = recent[now]
        for i in range(n):
            r0[i] = ni[i]
        if q >= 3:
            fpy = column(first_profit_year, lab)
            # Oldest first, as the NumPy path adds them.
            r1, r2, r3 = recent[(q + 1) % 4], recent[(q + 2) % 4], recent[(q + 3) % 4]
            for i in range(n):
                year = ((r1[i] + r2[i]) + r3[i]) + r0[i]
                fpy[i] = t if fpy[i] == horizon and al[i] > 0 and year > 0 else fpy[i]
        ry = column(revenue_y, lab)
        for i in range(n):
            ry[i] = ry[i] + rev[i]
        cash_now, cash_then = column(cash_y, lab), column(cash, lab)
        for i in range(n):  # a loop, not `[:] =`: the slice assignment left `cash_y` unchanged here
            cash_now[i] = cash_then[i]
        ruined_now, ruined_then = column(ruined_y, lab), column(ruined, lab)
        for i in range(n):
            ruined_now[i] = ruined_then[i]
        cy, bs, rd = column(capacity_y, lab), column(base, lab), column(rented, lab)
        for i in range(n):
            cy[i] = bs[i] + rd[i]
        fp = column(first_profit, lab)
        for i in range(n):
            fp[i] = t if fp[i] == horizon and ni[i] > 0 and al[i] > 0 else fp[i]
        op, inv = column(operating, lab), column(investing, lab)
        it, cu = column(interest, lab), column(credits_used, lab)
        for i in range(n):
            unlevered[i] = op[i] + it[i] - cu[i] + inv[i]
        pv = column(npv, lab)
        for i in range(n):
            pv[i] = pv[i] + discount[i] * unlevered[i]
        if last_year:
            fcf, lyr = column(last_year_fcf, lab), column(last_year_revenue, lab)
            for i in range(n):
                fcf[i] = fcf[i] + unlevered[i]
            for i in range(n):
                lyr[i] = lyr[i] + rev[i]
        cum, sch, peak = column(cum_pre_equity, lab), column(scheduled, lab), column(peak_need, lab)
        for i in range(n):
            cum[i] = cum[i] + (op[i] + inv[i] + sch[i])
        for i in range(n):
            peak[i] = maximum(peak[i], -cum[i])


@_jit
def record_npv_lines(
    t: int,
    discount: FloatArray,
    revenue: FloatArray,
    rental: FloatArray,
    commitment: FloatArray,
    partner_fee: FloatArray,
    lease: FloatArray,
    owned_opex: FloatArray,
    investing: FloatArray,
    staff: FloatArray,
    npv: FloatArray,
    by_line: FloatArray,
    cumulative: FloatArray,
) -> None:
    """Add a quarter's discounted lines to the NPV's parts in place (``NpvParts``)."""
    n, n_labs = revenue.shape
    for lab in range(n_labs):
        for i in range(n):
            d = discount[i]
            by_line[i, lab, 0] = by_line[i, lab, 0] + d * revenue[i, lab]
            by_line[i, lab, 1] = by_line[i, lab, 1] + d * -rental[i, lab]
            by_line[i, lab, 2] = by_line[i, lab, 2] + d * -commitment[i, lab]
            by_line[i, lab, 3] = by_line[i, lab, 3] + d * -partner_fee[i, lab]
            by_line[i, lab, 4] = by_line[i, lab, 4] + d * -lease[i, lab]
            by_line[i, lab, 5] = by_line[i, lab, 5] + d * -owned_opex[i, lab]
            by_line[i, lab, 6] = by_line[i, lab, 6] + d * investing[i, lab]
            by_line[i, lab, 7] = by_line[i, lab, 7] + d * -staff[i, lab]
            cumulative[i, lab, t] = npv[i, lab]


@_jit
def record_deals(
    with_other: bool,
    fee: FloatArray,
    cost: FloatArray,
    rental: FloatArray,
    commitment: FloatArray,
    rent_frac: FloatArray,
    commit_frac: FloatArray,
    price0: FloatArray,
    capital0: FloatArray,
    running: FloatArray,
    stake_frac: FloatArray,
    post_money: FloatArray,
    alive: FloatArray,
    invested: FloatArray,
    deal_lab: IntArray,
    deal_npv: FloatArray,
    deal_discount: FloatArray,
    discount_factor: FloatArray,
    accounts: tuple[FloatArray, FloatArray, FloatArray],
) -> None:
    """Each partner's accounts this quarter and its deal's NPV, in place, ``(sample, deal)``.

    ``accounts`` gets its revenue from the lab, its margin and its stake's value
    (:func:`labecon.model.finance.partner_accounts`); ``with_other``: the lab also rents
    or commits with some partner (``rental`` and ``commitment`` are ``(sample, lab)``).
    """
    n, n_deals = fee.shape
    other = np.zeros(n)
    for d in range(n_deals):  # one line per loop, over a few columns each (they vectorise)
        lab = deal_lab[d]
        if with_other:
            for i in range(n):
                other[i] = rental[i, lab] * rent_frac[i, d] + commitment[i, lab] * commit_frac[i, d]
        revenue, margin, stake = column(accounts[0], d), column(accounts[1], d), column(accounts[2], d)
        for i in range(n):
            p0 = price0[i, d]
            margin0 = 1.0 - (capital0[i, d] + running[i, d]) / p0 if p0 > 0 else 0.0
            margin[i] = fee[i, d] - cost[i, d] + other[i] * margin0
        for i in range(n):
            revenue[i] = fee[i, d] + other[i]
        for i in range(n):
            stake[i] = stake_frac[i, d] * (post_money[i, lab] * alive[i, lab])
        for i in range(n):
            deal_npv[i, d] = deal_npv[i, d] + deal_discount[i, d] * (margin[i] - invested[i, d])
        for i in range(n):
            deal_discount[i, d] = deal_discount[i, d] * discount_factor[i, d]


# ------------------------------------------------------------------ stage 3: orders and contracts


@_jit
def invest_orders(
    halls_only: bool,
    fill_halls: bool,
    t: float,
    chip_life: float,
    dc_life: float,
    own_target: FloatArray,
    owned: FloatArray,
    building: FloatArray,
    available: FloatArray,
    alive: FloatArray,
    chip_price: FloatArray,
    kw: FloatArray,
    dc_capex_per_mw: FloatArray,
    dc_refit_per_mw: FloatArray,
    delayed: FloatArray,
    rationed: FloatArray,
    lead: FloatArray,
    dc_spend: FloatArray,
    load: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    order: FloatArray,
    chip_capex: FloatArray,
    dep: FloatArray,
    chip_dep: FloatArray,
    dc_dep: FloatArray,
    minus_dc_rate: FloatArray,
    new_dc_spend: FloatArray,
    new_building: FloatArray,
    space_out: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
) -> None:
    """Fill the owned capacity ordered now and what it books (:func:`labecon.model.capacity.invest`).

    ``load``: the data centres' space, the space that leaves within the lead time, the IT load of
    the chips online and of those ordered (kW); ``space_out`` gets the order's kW, the space built
    for it, and the space and load ordered after. With ``halls_only`` the chips for free space
    are ordered apart (:func:`labecon.model.capacity.order_for_free_space`): only those that do
    not fit are ordered, with their data centres. With ``fill_halls`` at least the chips that fit
    in the free space are ordered, whatever the plan (``finance.owned_refill: hall``). ``rationed``:
    the share of an order a chip shortage lets through (1 unless ``finance.shortage_rations:
    everyone``).
    """
    n, n_labs = owned.shape
    cb, free, closing, refit, dc = np.empty(n), np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    for lab in range(n_labs):  # step by step, each in a loop over a few contiguous columns
        sp, leaving, on_kw, b_kw = (
            column(load[0], lab),
            column(load[1], lab),
            column(load[2], lab),
            column(load[3], lab),
        )
        o_kw, built = column(space_out[0], lab), column(space_out[1], lab)
        sp_after, b_kw_after = column(space_out[2], lab), column(space_out[3], lab)
        o, a, avail, k = column(order, lab), column(alive, lab), column(available, lab), column(kw, lab)
        for i in range(n):
            cb[i] = 1.0 if t >= avail[i] else 0.0
        target, held, b = column(own_target, lab), column(owned, lab), column(building, lab)
        for i in range(n):
            free[i] = sp[i] - leaving[i] - on_kw[i] - b_kw[i]
        for i in range(n):
            o[i] = maximum(0.0, target[i] - held[i] - b[i])
            if fill_halls:
                o[i] = maximum(o[i], maximum(0.0, free[i]) / k[i] if k[i] > 0 else 0.0)
            o[i] = o[i] * cb[i] * a[i] * rationed[i]
        for i in range(n):
            free_now = sp[i] - on_kw[i] - b_kw[i]
            closing[i] = (maximum(0.0, -free[i]) - maximum(0.0, -free_now)) * cb[i] * a[i]
        for i in range(n):
            x_kw = o[i] * k[i]
            refit[i] = minimum(x_kw, maximum(0.0, free[i]))  # the order's chips that go into free space
            if halls_only:
                x_kw = maximum(0.0, x_kw - maximum(0.0, free[i]))
                o[i], refit[i] = (x_kw / k[i] if k[i] > 0 else 0.0), 0.0
                built[i] = x_kw + closing[i]
            else:
                built[i] = maximum(0.0, x_kw - maximum(0.0, free[i])) + closing[i]
            o_kw[i] = x_kw
        chip, price = column(chip_capex, lab), column(chip_price, lab)
        for i in range(n):
            chip[i] = o[i] * price[i]  # the price at delivery
        for i in range(n):
            dc[i] = built[i] * 1e-3 * dc_capex_per_mw[i] * delayed[i] + refit[i] * 1e-3 * dc_refit_per_mw[i]
        for i in range(n):
            sp_after[i] = sp[i] + built[i]
        for i in range(n):
            b_kw_after[i] = b_kw[i] + o_kw[i]
        both, c_dep, d_dep = column(dep, lab), column(chip_dep, lab), column(dc_dep, lab)
        for i in range(n):
            c_dep[i], d_dep[i] = chip[i] / chip_life, dc[i] / dc_life
            both[i] = c_dep[i] + d_dep[i]
        minus, spend, new_spend = column(minus_dc_rate, lab), column(dc_spend, lab), column(new_dc_spend, lab)
        for i in range(n):
            rate = dc[i] / maximum(lead[i], 1.0)
            minus[i] = -rate
            new_spend[i] = spend[i] + rate
        new_b = column(new_building, lab)
        for i in range(n):
            new_b[i] = b[i] + o[i]


@_jit
def invest_capex(
    dc_spend: FloatArray,
    chips_paid: FloatArray,
    alive: FloatArray,
    lease_chips: FloatArray,
    debt_frac: FloatArray,
    maturity: FloatArray,
    capex: FloatArray,
    debt_draw: FloatArray,
    repay: FloatArray,
) -> None:
    """Fill the quarter's capex, the debt drawn on it and that debt's repayment per quarter."""
    n, n_labs = alive.shape
    for lab in range(n_labs):
        for i in range(n):
            c = (dc_spend[i, lab] + chips_paid[i, lab]) * alive[i, lab] + lease_chips[i, lab]
            d = c * debt_frac[i, lab]
            capex[i, lab], debt_draw[i, lab], repay[i, lab] = c, d, d / maturity[i, lab]


@_jit
def invest_commitments(
    hours: float,
    committed: FloatArray,
    committed_due: FloatArray,
    commit_target: FloatArray,
    commit_limit: FloatArray,
    scarce: FloatArray,
    alive: FloatArray,
    commit_price: FloatArray,
    rent_price: FloatArray,
    glut: FloatArray,
    dearer: FloatArray,
    new_commit: FloatArray,
    new_pay: FloatArray,
    rent_now: FloatArray,
) -> None:
    """Fill the commitments signed now, their payments per quarter and this quarter's rental price."""
    n, n_labs = alive.shape
    for lab in range(n_labs):
        for i in range(n):
            dearer_glut = glut[i] * dearer[i]
            wanted = minimum(commit_target[i, lab], commit_limit[i, lab] * scarce[i])
            c = maximum(0.0, wanted - (committed[i, lab] + committed_due[i, lab])) * alive[i, lab]
            new_commit[i, lab] = c
            new_pay[i, lab] = c * hours * (commit_price[i, lab] * dearer_glut)
            rent_now[i, lab] = rent_price[i, lab] * dearer_glut
