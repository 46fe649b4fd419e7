"""Scalar, pure-Python transcription of benchmark B1 (build vs rent).

This is the "plain scalar loop over the quarters" that Benchmark B1: build vs
rent (labecon benchmark specification) uses as the per-sample oracle: every
vectorised or compiled implementation must agree with it to a relative 1e-12
on the same 14 inputs. It is deliberately slow and literal. It follows the
specification's text step by step (a list of orders by quarter, the online
fleet summed over vintages, the order-pipeline ``P`` summed over vintages),
and uses plain Python floats only, no NumPy, so that it shares no code path
with what it checks.

Inputs of one sample (a mapping of floats):

========  =============================================================  ==========
name      meaning                                                        unit
========  =============================================================  ==========
g         demand growth per year                                         1/year
p0        cloud price per unit-hour at t = 0                             USD/unit-h
d         cloud price decline per year                                   1/year
c0        purchase price per unit at t = 0                               USD/unit
h         purchase price decline per year                                1/year
ovh       networking and storage, fraction of purchase price             1
dckw      data-centre build cost per kW of IT load                       USD/kW
kw        IT power per unit                                              kW/unit
pue       power usage effectiveness                                      1
elec      electricity price                                              USD/kWh
maint     yearly maintenance, fraction of purchase cost in service       1/year
head      spare capacity kept above demand                               1
k         build lead time (an integer value)                             quarters
r         discount rate per year                                         1/year
========  =============================================================  ==========

Optional overrides with B1's fixed values as defaults: ``D0`` (20000 units),
``life_quarters`` (20), ``horizon`` (40 quarters), ``hours`` (2190 per quarter).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

B1_INPUT_NAMES: tuple[str, ...] = (
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
"""The 14 uncertain inputs of B1, in the order of its input table."""

D0_UNITS = 20000.0
"""Demand at t = 0 (units); B1 fixed value."""

LIFE_QUARTERS = 20
"""Unit life L = 5 years (quarters); B1 fixed value."""

HORIZON_QUARTERS = 40
"""Quarters simulated, t = 0 .. 39; B1 fixed value."""

HOURS_PER_QUARTER = 2190.0
"""Hours in a quarter; B1 fixed value."""


@dataclass
class B1Trace:
    """Per-quarter record of one scalar B1 run, for debugging and branch tests.

    Every list has one entry per quarter ``t = 0 .. horizon - 1``. Money is in
    USD (undiscounted unless the name says otherwise), capacity in units.
    """

    demand: list[float] = field(default_factory=list)
    """D_t, units of demand."""
    fleet_online: list[float] = field(default_factory=list)
    """F_t, units online at t (step 1)."""
    pipeline: list[float] = field(default_factory=list)
    """P at quarter t: units ordered before t still online at t + k (step 2)."""
    target: list[float] = field(default_factory=list)
    """T = D_{t+k} (1 + head), units wanted online at t + k (step 2)."""
    orders: list[float] = field(default_factory=list)
    """n_t, units ordered at t (step 2)."""
    order_clipped: list[bool] = field(default_factory=list)
    """Whether ``max(0, T - P)`` clipped, i.e. T - P < 0 (step 2)."""
    dc_built_kw: list[float] = field(default_factory=list)
    """Data-centre capacity built at t, kW (0 when W <= K; step 3)."""
    shortfall_units: list[float] = field(default_factory=list)
    """max(0, D_t - F_t), units rented to cover the gap (step 4)."""
    cost_rent: list[float] = field(default_factory=list)
    """RENT cost_t, USD, undiscounted."""
    cost_build: list[float] = field(default_factory=list)
    """BUILD cost_t, USD, undiscounted (sum of steps 2 to 5)."""
    discount: list[float] = field(default_factory=list)
    """(1 + r) ** (-t / 4), dimensionless."""


def _get(sample: Mapping[str, float], name: str, default: float) -> float:
    """Return ``sample[name]`` as a float, or ``default`` when absent."""
    return float(sample[name]) if name in sample else default


def b1_scalar_trace(sample: Mapping[str, float]) -> B1Trace:
    """Run B1 for one sample, quarter by quarter, and record every step.

    Parameters
    ----------
    sample : Mapping[str, float]
        The 14 inputs of :data:`B1_INPUT_NAMES` (``k`` holds an integer
        value, quarters), plus optional ``D0`` (units), ``life_quarters``,
        ``horizon`` (quarters) and ``hours`` (hours per quarter).

    Returns
    -------
    B1Trace
        Per-quarter demand, fleet, orders, branch flags and costs (USD).

    Raises
    ------
    KeyError
        If one of the 14 inputs is missing.
    ValueError
        If ``k`` is not a non-negative integer value.
    """
    g = float(sample["g"])
    p0 = float(sample["p0"])
    d = float(sample["d"])
    c0 = float(sample["c0"])
    h = float(sample["h"])
    ovh = float(sample["ovh"])
    dckw = float(sample["dckw"])
    kw = float(sample["kw"])
    pue = float(sample["pue"])
    elec = float(sample["elec"])
    maint = float(sample["maint"])
    head = float(sample["head"])
    r = float(sample["r"])
    k_value = float(sample["k"])
    k = int(k_value)
    if k != k_value or k < 0:
        raise ValueError(f"k must be a non-negative integer number of quarters, got {k_value}")
    d0 = _get(sample, "D0", D0_UNITS)
    life = int(_get(sample, "life_quarters", float(LIFE_QUARTERS)))
    horizon = int(_get(sample, "horizon", float(HORIZON_QUARTERS)))
    hours = _get(sample, "hours", HOURS_PER_QUARTER)

    def demand(t: int) -> float:
        return d0 * float((1.0 + g) ** (t / 4))

    def cloud_price(t: int) -> float:
        return p0 * float((1.0 - d) ** (t / 4))

    def purchase_price(t: int) -> float:
        return c0 * float((1.0 - h) ** (t / 4))

    trace = B1Trace()
    orders: list[float] = []  # orders[s] = units ordered at quarter s
    capacity_kw = 0.0  # K, data-centre capacity built so far; K = 0 before t = 0
    for t in range(horizon):
        d_t = demand(t)
        p_t = cloud_price(t)
        c_t = purchase_price(t)

        # RENT: the whole demand at the cloud price.
        cost_rent = d_t * hours * p_t

        # BUILD step 1: online fleet, summed over vintages s with s+k <= t < s+k+L.
        fleet = 0.0
        purchase_cost_online = 0.0
        for s, n_s in enumerate(orders):
            if s + k <= t < s + k + life:
                fleet += n_s
                purchase_cost_online += n_s * purchase_price(s) * (1.0 + ovh)

        # Step 2: order so that the fleet at t + k reaches the target.
        target = demand(t + k) * (1.0 + head)
        pipeline = 0.0
        for s, n_s in enumerate(orders):  # every order so far: s <= t - 1
            if s + k <= t + k < s + k + life:
                pipeline += n_s
        n_t = max(0.0, target - pipeline)
        orders.append(n_t)
        pay_units = n_t * c_t * (1.0 + ovh)

        # Step 3: data centre for the fleet once this order is online.
        power_needed_kw = (pipeline + n_t) * kw
        pay_dc = 0.0
        built_kw = 0.0
        if power_needed_kw > capacity_kw:
            built_kw = power_needed_kw - capacity_kw
            pay_dc = built_kw * dckw
            capacity_kw = power_needed_kw

        # Step 4: demand the fleet does not cover is rented.
        shortfall = max(0.0, d_t - fleet)
        pay_shortfall = shortfall * hours * p_t

        # Step 5: operate the online fleet.
        pay_power = fleet * kw * pue * hours * elec
        pay_maint = maint / 4 * purchase_cost_online

        trace.demand.append(d_t)
        trace.fleet_online.append(fleet)
        trace.pipeline.append(pipeline)
        trace.target.append(target)
        trace.orders.append(n_t)
        trace.order_clipped.append(target - pipeline < 0.0)
        trace.dc_built_kw.append(built_kw)
        trace.shortfall_units.append(shortfall)
        trace.cost_rent.append(cost_rent)
        trace.cost_build.append(pay_units + pay_dc + pay_shortfall + pay_power + pay_maint)
        trace.discount.append(float((1.0 + r) ** (-t / 4)))
    return trace


def b1_scalar_costs(sample: Mapping[str, float]) -> tuple[list[float], list[float]]:
    """Return B1's per-quarter costs of one sample, undiscounted.

    Parameters
    ----------
    sample : Mapping[str, float]
        The inputs, as for :func:`b1_scalar_trace`.

    Returns
    -------
    tuple[list[float], list[float]]
        ``(rent, build)``: cost_t of RENT and of BUILD for each quarter, USD.
    """
    trace = b1_scalar_trace(sample)
    return trace.cost_rent, trace.cost_build


def b1_scalar(sample: Mapping[str, float]) -> tuple[float, float]:
    """Return B1's present values of renting and of building for one sample.

    Parameters
    ----------
    sample : Mapping[str, float]
        The inputs, as for :func:`b1_scalar_trace`.

    Returns
    -------
    tuple[float, float]
        ``(pv_rent, pv_build)``, USD discounted to t = 0 at ``(1 + r) ** (-t / 4)``.
    """
    trace = b1_scalar_trace(sample)
    pv_rent = 0.0
    pv_build = 0.0
    for cost_rent, cost_build, discount in zip(
        trace.cost_rent, trace.cost_build, trace.discount, strict=True
    ):
        pv_rent += cost_rent * discount
        pv_build += cost_build * discount
    return pv_rent, pv_build
