"""The world quarter's hot stages compiled: each one loop over samples, no sample-sized temporaries.

Each kernel here computes what its stage's NumPy path computes (the plain path,
and the reference: :mod:`labecon.model.market`, :mod:`labecon.model.finance`,
:mod:`labecon.model.capacity`, :mod:`labecon.model.decisions`,
:mod:`labecon.strategies.lab`), with the same floating-point operations in the
same order, so that its numbers are the NumPy path's bits; ``exp``, ``log``
and powers call the same C library functions as NumPy on this platform, and
the tests hold the two paths to identical bits (``tests/unit/model/test_world_fused.py``).
No ``fastmath``: it would reorder operations and change bits.

The stage wrappers unpack the state's tuples and pass plain arrays, every one
broadcast to its full shape (``(sample, lab)``, ``(sample, segment)``, ...) as
a read-only view, so that each kernel compiles once. Which path runs is
:data:`COMPILED`: set ``LABECON_PLAIN=1`` in the environment (before labecon is
imported) to run the plain NumPy path.
"""

from __future__ import annotations

import os

import numba
import numpy as np

from labecon.types import FloatArray

COMPILED: bool = os.environ.get("LABECON_PLAIN", "") not in ("1", "true", "yes")
"""Run the world's hot stages compiled (default) or with NumPy (``LABECON_PLAIN=1``); same bits."""

_jit = numba.njit(cache=True, nogil=True)
TILE = 256
"""Samples a kernel takes through each of its steps together: each step's loop runs over them,
reading each array as one contiguous run (a loop per sample would read dozens of arrays at
once, each a sample apart, and thrash the caches)."""
_inline = numba.njit(cache=True, nogil=True, inline="always")


def full(x: FloatArray | float, shape: tuple[int, ...]) -> FloatArray:
    """Return ``x`` broadcast to ``shape`` (a read-only view, float64): every kernel input is one."""
    out: FloatArray = np.broadcast_to(np.asarray(x, dtype=np.float64), shape)
    return out


@_inline
def maximum(a: float, b: float) -> float:
    """Return ``np.maximum(a, b)``: ``a`` where ``a >= b`` or ``a`` is NaN."""
    return a if (a >= b or a != a) else b


@_inline
def minimum(a: float, b: float) -> float:
    """Return ``np.minimum(a, b)``: ``a`` where ``a <= b`` or ``a`` is NaN."""
    return a if (a <= b or a != a) else b


@_inline
def clip(x: float, lo: float, hi: float) -> float:
    """Return ``np.clip(x, lo, hi)``: NaN kept; on a tie the bound (which decides a zero's sign)."""
    y = x if (x != x or x > lo) else lo
    return y if (y != y or y < hi) else hi


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
    for i in range(n):
        for s in range(n_seg):
            fr = fade_rate[i, s]
            grown = (1.0 - growth_fade[i, s]) / fr if fr > 0 else years
            grow_arg[i, s] = log_growth[i, s] * grown
            pref[i, s] = ref_price[i, s] * (1.0 - glut[i] * glut_pass[i, s])
        frontier = outside_frontier[i]
        for lab in range(n_labs):
            frontier = maximum(frontier, capability[i, lab] if alive[i, lab] > 0 else -np.inf)
        for lab in range(n_labs):
            g = capability[i, lab] - frontier
            gap[i, lab] = g
            power = 1.0 + pricing_power[i] * clip(g, -1.0, 1.0)
            factor = (1.0 + premium[i, lab]) * maximum(0.05, power)
            for s in range(n_seg):
                p = pref[i, s] * factor
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
    for i in range(n):
        for lab in range(n_labs):
            a = share_weight[i] * gap[i, lab] + drift[i, lab] * years
            for s in range(n_seg):
                lr = log_ratio[i, lab, s]
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
    """Fill stage 4's shares, served and lost units, need, capacity, renting and revenue."""
    n, n_labs = alive.shape
    T = TILE
    n_seg = spend0.shape[1]
    volume = np.empty((n_seg, T))
    total = np.empty(T)
    demand = np.empty((n_labs, n_seg, T))
    pool = np.empty((n_seg, T))
    pool_total = np.empty(T)
    spare = np.empty((n_labs, T))
    want = np.empty((n_labs, T))
    scale = np.empty(T)
    for i0 in range(0, n, T):
        m = min(T, n - i0)
        for s in range(n_seg):
            for k in range(m):
                i = i0 + k
                spend = spend0[i, s] * growth[i, s]
                spend = spend * (1.0 - slump[i])
                volume[s, k] = spend / pref[i, s] / 4.0
            for k in range(m):
                total[k] = brand[i0 + k, 0, s] * alive[i0 + k, 0] * attract[i0 + k, 0, s]
            for lab in range(1, n_labs):
                for k in range(m):
                    i = i0 + k
                    total[k] = total[k] + brand[i, lab, s] * alive[i, lab] * attract[i, lab, s]
            for k in range(m):
                total[k] = total[k] + outside[i0 + k, s]
            for lab in range(n_labs):
                for k in range(m):
                    i = i0 + k
                    target = brand[i, lab, s] * alive[i, lab] * attract[i, lab, s] / total[k]
                    sh = (inertia[i, s] * old_shares[i, lab, s] + (1.0 - inertia[i, s]) * target) * alive[
                        i, lab
                    ]
                    demand[lab, s, k] = sh * volume[s, k] * minimum(1.0, damp_exp[i, lab, s])
        for lab in range(n_labs):
            for k in range(m):
                i = i0 + k
                nd = demand[lab, 0, k] * cpu[i, 0]
                for s in range(1, n_seg):
                    nd = nd + demand[lab, s, k] * cpu[i, s]
                nd = nd / hours
                need[i, lab] = nd
                b = owned[i, lab] + leased[i, lab] + committed[i, lab] + partner[i, lab]
                base[i, lab] = b
                ib = (1.0 - training[i, lab] - research[i, lab]) * b
                sharing = committed[i, lab] * rent_shares[i, lab]
                limit = maximum(0.0, rent_limit_h100e[i, lab] * scarce[i] - sharing)
                r = clip(nd - ib, 0.0, limit) * alive[i, lab]
                rented[i, lab] = r
                cap = ib + r
                infer_cap[i, lab] = cap
                frac = cap / (nd if nd > 0 else 1.0) if nd > cap else 1.0
                for s in range(n_seg):
                    sv = demand[lab, s, k] * frac
                    served[i, lab, s] = sv
                    lost[i, lab, s] = demand[lab, s, k] - sv
                spare[lab, k] = maximum(0.0, cap - nd)
        for s in range(n_seg):
            for k in range(m):
                i = i0 + k
                ps = lost[i, 0, s] * cpu[i, s]
                for lab in range(1, n_labs):
                    ps = ps + lost[i, lab, s] * cpu[i, s]
                pool[s, k] = ps / hours
        for k in range(m):
            pt = pool[0, k]
            for s in range(1, n_seg):
                pt = pt + pool[s, k]
            pool_total[k] = pt
            tw = minimum(spare[0, k], pt)
            want[0, k] = tw
            for lab in range(1, n_labs):
                w = minimum(spare[lab, k], pt)
                want[lab, k] = w
                tw = tw + w
            scale[k] = pt / (tw if tw > 0 else 1.0) if tw > pt else 1.0
        for lab in range(n_labs):
            for s in range(n_seg):
                for k in range(m):
                    i = i0 + k
                    pt = pool_total[k]
                    mix = pool[s, k] / (pt if pt > 0 else 1.0) if pt > 0 else 0.0
                    sv = served[i, lab, s] + want[lab, k] * scale[k] * mix * hours / cpu[i, s]
                    served[i, lab, s] = sv
                    shares[i, lab, s] = sv / volume[s, k]
                    if s == 0:
                        revenue[i, lab] = sv * price[i, lab, s]
                    else:
                        revenue[i, lab] = revenue[i, lab] + sv * price[i, lab, s]
