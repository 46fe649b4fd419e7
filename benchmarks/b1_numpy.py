"""Two plain-NumPy transcriptions of benchmark B1 (build vs rent), end to end.

They are the baselines labecon's engine is measured against (Benchmark B1:
build vs rent, labecon benchmark specification). Each one draws the 14 inputs
by inverse CDF from ``np.random.Generator(np.random.PCG64(seed))``, simulates
the 40 quarters of RENT and BUILD, and reduces the three output vectors
(pv_rent, pv_build, saving) to B1's summaries: mean, p5, p50, p95 (NumPy's
linear percentiles) and P(saving > 0).

* :func:`run_straightforward` is the obvious vectorised version: all N samples
  at once in ``(N, 40)`` arrays, a Python loop over quarters, the online fleet
  and order pipeline summed over a vintage mask (O(T²) per sample), fresh
  temporaries everywhere. It needs ~3 KiB per sample, so it stops at ~1e6.
* :func:`run_chunked_inplace` is the careful version, single threaded. It
  draws blocks of :data:`DEFAULT_CHUNK` samples, sorts each block by the lead
  time ``k`` and simulates each ``k`` group (~4096 samples, sized for the
  caches) with ``k`` a plain integer, so that "online at t" is a row shift,
  not a per-sample gather. Buffers are preallocated once, time-major
  ``(40, m)`` and padded against 4K aliasing; every ufunc writes with
  ``out=``; price and discount tables are built by repeated doubling instead
  of ``**``; the fleet is a running window (add the new order, drop the one
  20 quarters old) instead of a sum over vintages; and each cost is reduced
  over quarters by one ``einsum`` pass, with two exact rearrangements of the
  discounted sums (summation by parts for the data centre, the discount
  factor summed in closed form over each vintage's service window for
  maintenance) that save a sequential running sum. Only the three length-N
  output vectors are kept, as labecon's engine does.

Both compute every branch B1 writes (the order clip ``max(0, .)``, "build only
if W > K", the shortfall after the lead time), and both agree sample by sample
with the scalar loop in ``tests/reference/scalar_b1.py`` to a relative 1e-12.
"""

from __future__ import annotations

import functools
import math
from typing import Final

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

FloatArray = NDArray[np.float64]

D0_UNITS: Final = 20000.0
"""Demand at t = 0, units (B1 fixed value)."""
LIFE_QUARTERS: Final = 20
"""Unit life, quarters (B1 fixed value)."""
HORIZON: Final = 40
"""Quarters simulated (B1 fixed value)."""
HOURS_PER_QUARTER: Final = 2190.0
"""Hours in a quarter (B1 fixed value)."""
K_MIN: Final = 2
"""Smallest build lead time, quarters."""
K_MAX: Final = 6
"""Largest build lead time, quarters."""

INPUT_NAMES: Final[tuple[str, ...]] = (
    "g",
    "p0",
    "d",
    "c0",
    "h",
    "ovh",
    "dckw",
    "kw",
    "pue",
    "elec",
    "maint",
    "head",
    "k",
    "r",
)
"""B1's 14 inputs in the order of its table; row j of the uniform draws feeds input j."""

LOGNORMAL_90CI: Final[dict[str, tuple[float, float]]] = {
    "g": (0.3, 1.5),
    "p0": (2.0, 3.5),
    "c0": (30000.0, 45000.0),
    "dckw": (8000.0, 14000.0),
    "elec": (0.04, 0.10),
}
"""Lognormal inputs as their 5th and 95th percentiles (B1's input table)."""

UNIFORM_RANGE: Final[dict[str, tuple[float, float]]] = {
    "d": (0.10, 0.30),
    "h": (0.15, 0.35),
    "ovh": (0.15, 0.35),
    "kw": (1.1, 1.6),
    "pue": (1.1, 1.4),
    "maint": (0.02, 0.05),
    "head": (0.10, 0.30),
    "r": (0.08, 0.14),
}
"""Continuous uniform inputs as [low, high] (B1's input table)."""

Z95: Final = float(ndtri(0.95))
"""Standard normal 95th percentile: a 90% CI spans ±Z95 standard deviations."""

DEFAULT_CHUNK: Final = 20480
"""Samples drawn per block of the in-place transcription.

A block is sorted by ``k`` and simulated one ``k`` group (~4096 samples) at a
time. At that width the 9 time-major (40, 4096) float64 tables (~12 MiB) stay
in the L3 cache while NumPy's per-call overhead (~1 µs; ~140 calls in the loop
over quarters alone) is amortised; blocks of 10240 and 40960 were 5-15% slower
on the 2-core AMD EPYC (512 KiB L2 per core, 32 MiB L3) this was tuned on.
"""


# --------------------------------------------------------------------------- draws


def inputs_from_uniforms(u: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """Map uniforms on [0, 1) to B1's 14 inputs by inverse CDF.

    Parameters
    ----------
    u : FloatArray
        Shape ``(14, n)``; row j is transformed into input ``INPUT_NAMES[j]``.
    out : FloatArray, optional
        Shape ``(14, n)`` destination; may be ``u`` itself. A new array if omitted.

    Returns
    -------
    FloatArray
        Shape ``(14, n)``: row j is input ``INPUT_NAMES[j]`` in its own unit
        (see B1's table); the ``k`` row holds integer values 2 .. 6 (quarters).
    """
    if out is None:
        out = np.empty_like(u)
    for j, name in enumerate(INPUT_NAMES):
        row, dest = u[j], out[j]
        if name in LOGNORMAL_90CI:
            lo, hi = LOGNORMAL_90CI[name]
            mu = 0.5 * (math.log(lo) + math.log(hi))
            sigma = (math.log(hi) - math.log(lo)) / (2.0 * Z95)
            ndtri(row, out=dest)
            np.multiply(dest, sigma, out=dest)
            np.add(dest, mu, out=dest)
            np.exp(dest, out=dest)
        elif name in UNIFORM_RANGE:
            lo, hi = UNIFORM_RANGE[name]
            np.multiply(row, hi - lo, out=dest)
            np.add(dest, lo, out=dest)
        else:  # k: integer uniform {2..6}, both ends included; u < 1 so floor < 5
            np.multiply(row, K_MAX - K_MIN + 1, out=dest)
            np.floor(dest, out=dest)
            np.add(dest, K_MIN, out=dest)
    return out


def inputs_as_dict(x: FloatArray) -> dict[str, FloatArray]:
    """Return the rows of a ``(14, n)`` input array keyed by :data:`INPUT_NAMES`."""
    return {name: x[j] for j, name in enumerate(INPUT_NAMES)}


def _summaries(pv_rent: FloatArray, pv_build: FloatArray, saving: FloatArray) -> dict[str, float]:
    """Reduce the output vectors to B1's reported numbers (USD, probability)."""
    result: dict[str, float] = {}
    for name, x in (("pv_rent", pv_rent), ("pv_build", pv_build), ("saving", saving)):
        result[f"{name}_mean"] = float(np.mean(x))
        p5, p50, p95 = np.percentile(x, [5.0, 50.0, 95.0])
        result[f"{name}_p5"] = float(p5)
        result[f"{name}_p50"] = float(p50)
        result[f"{name}_p95"] = float(p95)
    result["p_saving_positive"] = float(np.count_nonzero(saving > 0.0)) / saving.size
    return result


# ------------------------------------------------------------- (a) straightforward


def b1_costs_straightforward(inputs: dict[str, FloatArray]) -> tuple[FloatArray, FloatArray]:
    """Simulate B1 the obvious vectorised way: all samples at once.

    Parameters
    ----------
    inputs : dict[str, FloatArray]
        The 14 inputs of :data:`INPUT_NAMES`, length-n vectors (``k`` integer
        valued, quarters).

    Returns
    -------
    tuple[FloatArray, FloatArray]
        ``(pv_rent, pv_build)``, length-n vectors, USD present value at t = 0.
    """
    g, p0, d, c0, h = (inputs[x][:, None] for x in ("g", "p0", "d", "c0", "h"))
    ovh, dckw, kw, pue, elec = (inputs[x] for x in ("ovh", "dckw", "kw", "pue", "elec"))
    maint, head, r = inputs["maint"], inputs["head"], inputs["r"]
    k = inputs["k"].astype(np.int64)
    n = k.size
    quarters = np.arange(HORIZON)

    demand = D0_UNITS * (1.0 + g) ** (quarters / 4)  # (n, T)
    cloud_price = p0 * (1.0 - d) ** (quarters / 4)
    purchase_price = c0 * (1.0 - h) ** (quarters / 4)
    discount = (1.0 + r[:, None]) ** (-quarters / 4)
    cost_rent = demand * HOURS_PER_QUARTER * cloud_price

    orders = np.zeros((n, HORIZON))
    capacity_kw = np.zeros(n)
    cost_build = np.zeros((n, HORIZON))
    for t in range(HORIZON):
        s = quarters[:t]  # vintages ordered so far
        placed = orders[:, :t]
        online = (s + k[:, None] <= t) & (t < s + k[:, None] + LIFE_QUARTERS)
        fleet = (placed * online).sum(axis=1)
        purchase_cost_online = (placed * purchase_price[:, :t] * online).sum(axis=1) * (1.0 + ovh)
        target = D0_UNITS * (1.0 + g[:, 0]) ** ((t + k) / 4) * (1.0 + head)
        still_online = (s + k[:, None] <= t + k[:, None]) & (t + k[:, None] < s + k[:, None] + LIFE_QUARTERS)
        pipeline = (placed * still_online).sum(axis=1)
        n_t = np.maximum(0.0, target - pipeline)
        orders[:, t] = n_t
        power_needed_kw = (pipeline + n_t) * kw
        pay_dc = np.where(power_needed_kw > capacity_kw, (power_needed_kw - capacity_kw) * dckw, 0.0)
        capacity_kw = np.maximum(capacity_kw, power_needed_kw)
        shortfall = np.maximum(0.0, demand[:, t] - fleet) * HOURS_PER_QUARTER * cloud_price[:, t]
        power = fleet * kw * pue * HOURS_PER_QUARTER * elec
        cost_build[:, t] = (
            n_t * purchase_price[:, t] * (1.0 + ovh)
            + pay_dc
            + shortfall
            + power
            + maint / 4 * purchase_cost_online
        )
    pv_rent = (cost_rent * discount).sum(axis=1)
    pv_build = (cost_build * discount).sum(axis=1)
    return pv_rent, pv_build


def run_straightforward(n: int, seed: int) -> dict[str, float]:
    """Run B1 end to end with the straightforward transcription.

    Parameters
    ----------
    n : int
        Number of samples (all held in memory at once, ~3 KiB each).
    seed : int
        Seed of the ``PCG64`` stream; the uniforms are drawn as one ``(14, n)`` block.

    Returns
    -------
    dict[str, float]
        ``{output}_{mean,p5,p50,p95}`` for pv_rent, pv_build and saving (USD)
        and ``p_saving_positive`` (probability).
    """
    rng = np.random.Generator(np.random.PCG64(seed))
    inputs = inputs_as_dict(inputs_from_uniforms(rng.random((len(INPUT_NAMES), n))))
    pv_rent, pv_build = b1_costs_straightforward(inputs)
    return _summaries(pv_rent, pv_build, pv_rent - pv_build)


# ------------------------------------------------------------ (b) chunked in place


def _fill_geometric(out: FloatArray, first: FloatArray | float, ratio: FloatArray, step: FloatArray) -> None:
    """Fill ``out[t] = first * ratio**t`` by doubling the filled block of rows.

    ``ratio**t`` is built by repeated multiplication (about log2(rows) ufunc
    calls) rather than ``np.power``, which costs ~10x more per element. The
    relative rounding error grows like ``t * eps``, below 1e-14 for 40 rows.

    Parameters
    ----------
    out : FloatArray
        Shape ``(rows, m)``, overwritten.
    first : FloatArray or float
        Row 0, broadcast to ``(m,)``.
    ratio : FloatArray
        Per-column ratio between consecutive rows, shape ``(m,)``; not modified.
    step : FloatArray
        Shape ``(m,)`` scratch space, overwritten.
    """
    rows = out.shape[0]
    out[0] = first
    if rows == 1:
        return
    step[:] = ratio  # ratio ** filled, kept in step with the filled block
    filled = 1
    while filled < rows:
        count = min(filled, rows - filled)
        np.multiply(out[:count], step, out=out[filled : filled + count])
        filled += count
        if filled < rows:
            np.multiply(step, step, out=step)


class _Workspace:
    """Preallocated buffers for kernel calls of up to ``capacity`` samples.

    Every table is time-major, ``(40, m)``: a quarter's row is contiguous, so
    the sequential loop over quarters works on contiguous vectors, and the
    shift "fleet at t = holding at t - k" is a row range. Tables are views of
    one flat arena, with a padded row stride (see :func:`_row_stride`), so any
    ``m <= capacity`` gets a view without copying; pages past the widest
    call are never touched, so they cost no memory.
    """

    _TABLES: Final = (
        "demand",  # D_t, units
        "discount",  # (1 + r) ** (-t / 4)
        "rent_price",  # hours * p_t * discount_t, USD per unit-quarter, discounted
        "unit_cost",  # c_t * (1 + ovh), USD per unit
        "target",  # T_t = D_{t+k} (1 + head), units
        "holding",  # units online at t + k once the order of t is placed (P + n_t)
        "orders",  # n_t, units
        "capacity",  # K after quarter t, in units (times kw gives kW)
        "scratch",
    )
    _VECTORS: Final = (
        "q_demand",
        "q_cloud",
        "q_purchase",
        "q_discount",
        "ratio",
        "first",
        "pipeline",
        "coef",
        "step",
        "pv_rent",
        "pv_build",
        "tmp",
    )

    def __init__(self, capacity: int, inputs_capacity: int) -> None:
        self.capacity = capacity
        # One arena for all buffers, each starting at a different offset modulo
        # 4 KiB, and rows strided at 64 bytes past a multiple of 4 KiB. Element
        # i of two page-aligned buffers (or of two rows 2**j * 4 KiB apart)
        # otherwise share their low 12 address bits, and loads then falsely
        # wait on stores ("4K aliasing"): ufuncs ran up to 3x slower.
        sizes = [HORIZON * _row_stride(capacity)] * len(self._TABLES)
        sizes += [capacity] * (len(self._VECTORS) + 1)
        sizes += [len(INPUT_NAMES) * _row_stride(inputs_capacity)]
        pad = 40  # doubles: 320 bytes, so buffer offsets differ modulo 4096
        arena = np.empty(sum(sizes) + pad * len(sizes))
        views: list[FloatArray] = []
        start = 0
        for size in sizes:
            views.append(arena[start : start + size])
            start += size + pad
        n_tables, n_vectors = len(self._TABLES), len(self._VECTORS)
        self._tables = dict(zip(self._TABLES, views[:n_tables], strict=True))
        self._vectors = dict(zip(self._VECTORS, views[n_tables : n_tables + n_vectors], strict=True))
        self._zeros = views[n_tables + n_vectors]
        self._zeros.fill(0.0)
        self._inputs = views[-1]

    def table(self, name: str, m: int) -> FloatArray:
        """Return table ``name`` as a ``(40, m)`` view with contiguous rows."""
        stride = _row_stride(m)
        return self._tables[name][: HORIZON * stride].reshape(HORIZON, stride)[:, :m]

    def vector(self, name: str, m: int) -> FloatArray:
        """Return vector ``name`` as a contiguous ``(m,)`` view."""
        return self._vectors[name][:m]

    def zeros(self, m: int) -> FloatArray:
        """Return a read-only-by-convention vector of ``m`` zeros."""
        return self._zeros[:m]

    def inputs(self, m: int) -> FloatArray:
        """Return the ``(14, m)`` buffer, contiguous rows, for a block of inputs."""
        stride = _row_stride(m)
        return self._inputs[: len(INPUT_NAMES) * stride].reshape(len(INPUT_NAMES), stride)[:, :m]


def _row_stride(m: int) -> int:
    """Return a row length >= m whose size in bytes is 64 past a multiple of 4 KiB."""
    return -(-m // 512) * 512 + 8


def _kernel_one_k(x: FloatArray, k: int, ws: _Workspace) -> None:
    """Simulate samples that share one lead time ``k``; leave pv_rent, pv_build in ``ws``.

    Parameters
    ----------
    x : FloatArray
        Shape ``(14, m)``, the inputs in :data:`INPUT_NAMES` order (rows may be
        views into a wider array; each row must be contiguous).
    k : int
        The build lead time of every sample, quarters, ``0 <= k < 40``.
    ws : _Workspace
        Buffers with capacity >= m; results go to vectors ``pv_rent`` and
        ``pv_build`` (USD present value at t = 0).
    """
    m = x.shape[1]
    g, p0, d, c0, h, ovh, dckw, kw, pue, elec, maint, head, _, r = x
    tab = functools.partial(ws.table, m=m)
    vec = functools.partial(ws.vector, m=m)
    life = LIFE_QUARTERS

    # Quarterly ratios, (1 + g) ** (1/4) etc., by two square roots (each
    # correctly rounded), ~10x cheaper than a fractional power.
    q_demand, q_cloud, q_purchase = vec("q_demand"), vec("q_cloud"), vec("q_purchase")
    q_discount = vec("q_discount")
    for out_vec, base, sign in ((q_demand, g, 1.0), (q_cloud, d, -1.0), (q_purchase, h, -1.0)):
        np.multiply(base, sign, out=out_vec)
        np.add(out_vec, 1.0, out=out_vec)
        np.sqrt(out_vec, out=out_vec)
        np.sqrt(out_vec, out=out_vec)
    np.add(r, 1.0, out=q_discount)
    np.sqrt(q_discount, out=q_discount)
    np.sqrt(q_discount, out=q_discount)
    np.reciprocal(q_discount, out=q_discount)

    demand, discount, rent_price = tab("demand"), tab("discount"), tab("rent_price")
    unit_cost, target = tab("unit_cost"), tab("target")
    ratio, first, step = vec("ratio"), vec("first"), vec("step")
    _fill_geometric(demand, D0_UNITS, q_demand, step)
    _fill_geometric(discount, 1.0, q_discount, step)
    np.multiply(q_cloud, q_discount, out=ratio)
    np.multiply(p0, HOURS_PER_QUARTER, out=first)
    _fill_geometric(rent_price, first, ratio, step)
    np.add(ovh, 1.0, out=first)
    np.multiply(first, c0, out=first)
    _fill_geometric(unit_cost, first, q_purchase, step)
    # Target fleet for t + k: T_t = D_{t+k} (1 + head) = D_k (1 + head) * ratio**t.
    np.add(head, 1.0, out=first)
    np.multiply(first, demand[k], out=first)
    _fill_geometric(target, first, q_demand, step)

    # RENT: sum_t D_t * hours * p_t * discount_t.
    pv_rent = vec("pv_rent")
    np.einsum("tm,tm->m", demand, rent_price, out=pv_rent)

    # BUILD, the sequential part: an order depends on the orders of the last
    # 20 quarters. holding[t] = P + n_t, the units online at t + k once the
    # order of t is placed, is a window over vintages t-19 .. t (B1's
    # s + k <= t + k < s + k + 20), kept as a running sum: P = holding[t-1]
    # minus the order that retires, orders[t-20].
    holding, orders, capacity = tab("holding"), tab("orders"), tab("capacity")
    pipeline_buf = vec("pipeline")
    for t in range(HORIZON):
        if t == 0:
            pipeline = ws.zeros(m)
        elif t < life:
            pipeline = holding[t - 1]
        else:
            pipeline = np.subtract(holding[t - 1], orders[t - life], out=pipeline_buf)
        # n_t = max(0, T - P): with H = max(T, P), H - P is exactly T - P or 0.
        np.maximum(target[t], pipeline, out=holding[t])
        np.subtract(holding[t], pipeline, out=orders[t])
        # "If W > K, build W - K and set K = W" is K_t = max(K_{t-1}, W); K_{-1} = 0.
        np.maximum(capacity[t - 1] if t else 0.0, holding[t], out=capacity[t])

    # BUILD costs, discounted and summed over quarters with one einsum pass per
    # term. Units ordered at s are online at t = s + k .. s + k + 19, so the
    # fleet at t >= k is holding[t - k]; before t = k there is no fleet.
    pv_build, tmp, coef, scratch = vec("pv_build"), vec("tmp"), vec("coef"), tab("scratch")
    rho_k, rho_40 = discount[k], vec("ratio")  # ratio is free now
    np.multiply(discount[HORIZON - 1], q_discount, out=rho_40)
    online = HORIZON - k  # quarters t = k .. 39 have a fleet
    full_life = max(0, min(online, life + 1 - k))  # vintages s <= 20 - k serve all 20 quarters

    # Step 2, the orders: n_s c_s (1 + ovh), split by vintage for step 5 below.
    order_cost = np.multiply(orders, unit_cost, out=scratch)
    early, late = vec("first"), vec("pipeline")  # both free now
    np.einsum("tm,tm->m", order_cost[:full_life], discount[:full_life], out=early)
    np.einsum("tm,tm->m", order_cost[full_life:online], discount[full_life:online], out=late)
    np.einsum("tm,tm->m", order_cost[online:], discount[online:], out=pv_build)
    np.add(pv_build, early, out=pv_build)
    np.add(pv_build, late, out=pv_build)
    # Step 5, maintenance: maint / 4 per quarter of the purchase cost online.
    # Vintage s pays in t = s+k .. min(s+k+19, 39); summing the discount over
    # that window in closed form, rho**(s+k) (1 - rho**20) / (1 - rho) for
    # s <= 20 - k and (rho**(s+k) - rho**40) / (1 - rho) after, avoids a
    # running window of purchase costs in the sequential loop.
    np.add.reduce(order_cost[full_life:online], axis=0, out=tmp)  # undiscounted late vintages
    np.multiply(tmp, rho_40, out=tmp)
    np.multiply(late, rho_k, out=late)
    np.subtract(late, tmp, out=late)
    np.subtract(1.0, discount[life], out=tmp)  # 1 - rho**20
    np.multiply(tmp, rho_k, out=tmp)
    np.multiply(early, tmp, out=early)
    np.add(early, late, out=early)
    np.subtract(1.0, q_discount, out=tmp)  # 1 - rho
    np.divide(maint, tmp, out=coef)
    np.multiply(coef, 0.25, out=coef)
    np.multiply(early, coef, out=early)
    np.add(pv_build, early, out=pv_build)

    # Step 3, the data centre, kw * dckw USD per unit of capacity built. By
    # summation by parts, sum_t rho**t (K_t - K_{t-1}) with K_{-1} = 0 is
    # (1 - rho) sum_t rho**t K_t + rho**40 K_39: no difference table needed.
    np.einsum("tm,tm->m", capacity, discount, out=tmp)
    np.subtract(1.0, q_discount, out=coef)
    np.multiply(tmp, coef, out=tmp)
    np.multiply(capacity[HORIZON - 1], rho_40, out=coef)
    np.add(tmp, coef, out=tmp)
    np.multiply(kw, dckw, out=coef)
    np.multiply(tmp, coef, out=tmp)
    np.add(pv_build, tmp, out=pv_build)

    # Step 4, the shortfall, priced at the discounted cloud price; before the
    # first units arrive (t < k) all demand is rented.
    np.subtract(demand[k:], holding[:online], out=scratch[:online])
    np.maximum(scratch[:online], 0.0, out=scratch[:online])
    np.einsum("tm,tm->m", scratch[:online], rent_price[k:], out=tmp)
    np.add(pv_build, tmp, out=pv_build)
    if k:
        np.einsum("tm,tm->m", demand[:k], rent_price[:k], out=tmp)
        np.add(pv_build, tmp, out=pv_build)

    # Step 5, power: kw * pue * hours * elec USD per unit online per quarter.
    np.einsum("tm,tm->m", holding[:online], discount[k:], out=tmp)
    np.multiply(kw, pue, out=coef)
    np.multiply(coef, elec, out=coef)
    np.multiply(coef, HOURS_PER_QUARTER, out=coef)
    np.multiply(tmp, coef, out=tmp)
    np.add(pv_build, tmp, out=pv_build)


def _sort_by_k(k_values: FloatArray) -> tuple[NDArray[np.intp], list[tuple[int, int, int]]]:
    """Return the permutation sorting a block by ``k``, and the ``k`` groups.

    Parameters
    ----------
    k_values : FloatArray
        Lead times, quarters (integer values in 0 .. 39).

    Returns
    -------
    tuple[NDArray[np.intp], list[tuple[int, int, int]]]
        The stable sorting permutation, and ``(k, start, stop)`` for each
        non-empty group of the sorted block.

    Raises
    ------
    ValueError
        If a lead time is not an integer value in 0 .. 39.
    """
    k_int = k_values.astype(np.int8)
    if np.any(k_int != k_values) or np.any(k_int < 0) or np.any(k_int >= HORIZON):
        msg = f"k must be an integer value in 0 .. {HORIZON - 1}"
        raise ValueError(msg)
    order = np.argsort(k_int, kind="stable")  # a radix sort for 8-bit keys
    counts = np.bincount(k_int, minlength=HORIZON)
    groups: list[tuple[int, int, int]] = []
    start = 0
    for k in range(HORIZON):
        stop = start + int(counts[k])
        if stop > start:
            groups.append((k, start, stop))
        start = stop
    return order, groups


def _block_costs(
    x_unsorted: FloatArray, ws: _Workspace, pv_rent_out: FloatArray, pv_build_out: FloatArray
) -> None:
    """Simulate one block: sort it by ``k``, run each ``k`` group, scatter back.

    Sorting lets every kernel call use one scalar ``k``, so "online at t" is
    a contiguous row shift rather than a per-sample gather; samples are
    independent, so their order inside a block is free.

    Parameters
    ----------
    x_unsorted : FloatArray
        Shape ``(14, m)``, inputs in :data:`INPUT_NAMES` order.
    ws : _Workspace
        Buffers with capacity >= m.
    pv_rent_out, pv_build_out : FloatArray
        Length-m destinations, in the block's original sample order (USD).
    """
    m = x_unsorted.shape[1]
    order, groups = _sort_by_k(x_unsorted[INPUT_NAMES.index("k")])
    x = ws.inputs(m)
    np.take(x_unsorted, order, axis=1, out=x)
    for k, a, b in groups:
        _kernel_one_k(x[:, a:b], k, ws)
        pv_rent_out[order[a:b]] = ws.vector("pv_rent", b - a)
        pv_build_out[order[a:b]] = ws.vector("pv_build", b - a)


def b1_costs_numpy(
    inputs: dict[str, FloatArray], chunk: int = DEFAULT_CHUNK
) -> tuple[FloatArray, FloatArray]:
    """Run the chunked in-place kernel on given inputs.

    Parameters
    ----------
    inputs : dict[str, FloatArray]
        The 14 inputs of :data:`INPUT_NAMES`, length-n vectors (``k`` integer
        valued, quarters, ``0 <= k < 40``).
    chunk : int
        Samples per block.

    Returns
    -------
    tuple[FloatArray, FloatArray]
        ``(pv_rent, pv_build)``, length-n vectors in input order, USD.
    """
    x_all = np.stack([np.asarray(inputs[name], dtype=np.float64) for name in INPUT_NAMES])
    n = x_all.shape[1]
    pv_rent = np.empty(n)
    pv_build = np.empty(n)
    capacity = min(chunk, max(n, 1))
    ws = _Workspace(capacity, capacity)
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        _block_costs(x_all[:, start:stop], ws, pv_rent[start:stop], pv_build[start:stop])
    return pv_rent, pv_build


def run_chunked_inplace(n: int, seed: int, chunk: int = DEFAULT_CHUNK) -> dict[str, float]:
    """Run B1 end to end with the chunked in-place transcription.

    Parameters
    ----------
    n : int
        Number of samples; only three length-n float64 vectors are kept.
    seed : int
        Seed of the ``PCG64`` stream; each block draws a ``(14, chunk)`` array
        of uniforms in turn, so with ``chunk >= n`` the draws equal those of
        :func:`run_straightforward`.
    chunk : int
        Samples per block.

    Returns
    -------
    dict[str, float]
        As :func:`run_straightforward`.
    """
    rng = np.random.Generator(np.random.PCG64(seed))
    pv_rent = np.empty(n)
    pv_build = np.empty(n)
    capacity = min(chunk, max(n, 1))
    ws = _Workspace(capacity, capacity)
    draws = np.empty(len(INPUT_NAMES) * capacity)
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        # A contiguous (14, m) view, so a shorter last block draws exactly m per input.
        x = draws[: len(INPUT_NAMES) * (stop - start)].reshape(len(INPUT_NAMES), stop - start)
        rng.random(out=x)
        inputs_from_uniforms(x, out=x)
        _block_costs(x, ws, pv_rent[start:stop], pv_build[start:stop])
    saving = np.subtract(pv_rent, pv_build)  # the third and last length-n vector
    return _summaries(pv_rent, pv_build, saving)
