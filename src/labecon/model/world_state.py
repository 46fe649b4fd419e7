"""The world model's typed state: what carries from one quarter to the next, and what is fixed for a run.

Every array is ``(sample, lab)`` (``(sample, lab, segment)`` for shares),
stored samples fastest (Fortran order), so that NumPy's inner loops run over
samples. Stages take these tuples and return new ones (``_replace``); only
the two :class:`~labecon.model._schedule.Schedule` objects, the books of
future changes, are written in place, as a ledger is.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from labecon.model._schedule import Schedule
from labecon.model.risk import EventWindow, WorldDraws
from labecon.model.world_params import WorldParams
from labecon.types import FloatArray, IntArray

OWNED, COST, DEP = range(3)
"""Components of both schedules of the labs' fleet: owned H100e, their purchase cost (the chips
are paid for when they arrive) and depreciation per quarter (USD)."""
COMMIT, PAY, REPAY, LEASED, LEASE_PAY, LEASE_FILL, LEASE_PENDING, OWNED_KW, LEASED_KW, SPACE_KW = range(3, 13)
"""In the schedule of changes due only: committed H100e, commitment payments and debt repayment
per quarter, leased H100e coming and going, lease payments per quarter, leased H100e whose chips
are bought (when a lease starts, and again each chip life while it runs), leases signed but not
started, the opening fleet's kW of IT load (leaving when it retires), leased kW coming and going,
and the opening data centres' space (kW of IT, leaving at their end)."""
DUE_COMPONENTS = 13
LEASE_REFILL, LEASE_REFILL_LAST = range(13, 15)
"""With leased halls refilled as the plan asks (``finance.lease_refill: plan``) only, in the
schedule of changes due: the H100e a leased hall holds in the chips of the quarter its chips are
due for renewal, for chips that will live their whole life in it, and for those of its last
renewal, which leave with the lease."""
LEASE_REFILL_COMPONENTS = 2
CHIP_DEP, DC_DEP, DC_SPEND, CHIP_KW, DC_KW = range(3, 8)
"""In the arrivals schedule only: the chips' depreciation, the facility's depreciation, the end of
the facility's construction spend (USD), the chips' kW of IT load and the new data centre's space
(kW of IT). What arrives leaves the capacity under construction (``OWNED``, negated)."""
ARRIVAL_COMPONENTS = 8
DEAL_CAP, DEAL_PAY, DEAL_COST = range(3)
"""Components of the deals' schedule: contracted H100e, the lab's take-or-pay payments and the
partner's own cost of that capacity, per quarter (USD)."""


class Books(NamedTuple):
    """The schedules of future changes (written in place)."""

    due: Schedule
    """Changes due by quarter: contracts and loans starting and ending, the opening fleet retiring."""
    arrivals: Schedule
    """Owned capacity coming online, by the quarter it does (lead times differ by sample)."""
    deals: Schedule
    """Partner capacity tranches starting and ending, per deal (its 'lab' axis is the deal)."""


class Deals(NamedTuple):
    """Each strategic deal's contracts and accounts, ``(sample, deal)``."""

    contracted_h100e: FloatArray
    """Capacity of the tranches in their term."""
    pay_usd_per_quarter: FloatArray
    """What the lab owes for them each quarter (take-or-pay, at prices fixed at signing)."""
    cost_usd_per_quarter: FloatArray
    """What that capacity costs the partner each quarter (fixed when the tranche is signed)."""
    credits_usd: FloatArray
    """Credits the lab can still spend with this partner only."""
    stake_frac: FloatArray
    """The partner's share of the lab."""


class Fleet(NamedTuple):
    """Each lab's compute and the flows already committed, ``(sample, lab)``."""

    owned_h100e: FloatArray
    owned_cost_usd: FloatArray
    """Purchase cost of the owned chips online (USD)."""
    dep_usd_per_quarter: FloatArray
    building_h100e: FloatArray
    """Owned capacity ordered, not yet online."""
    committed_h100e: FloatArray
    commit_pay_usd_per_quarter: FloatArray
    repay_usd_per_quarter: FloatArray
    dc_spend_usd_per_quarter: FloatArray
    """Data-centre construction paid per quarter."""
    leased_h100e: FloatArray
    """Capacity in leased data centres, the lab's chips inside."""
    lease_pay_usd_per_quarter: FloatArray
    lease_pending_h100e: FloatArray
    """Leased capacity signed, not yet online."""
    owned_kw: FloatArray
    """IT load of the owned chips online, each at the kW per H100e of the quarter it was bought (kW)."""
    leased_kw: FloatArray
    """IT load of the leased data centres online, at the kW per H100e of their signing (kW)."""
    space_kw: FloatArray
    """Space in the lab's own data centres, built or being built and not past their life (kW of IT)."""
    building_kw: FloatArray
    """IT load of the owned chips ordered, not yet online (kW)."""


class Accounts(NamedTuple):
    """Each lab's balance sheet and standing at the end of the last quarter, ``(sample, lab)``."""

    cash_usd: FloatArray
    credits_usd: FloatArray
    debt_usd: FloatArray
    property_usd: FloatArray
    equity_usd: FloatArray
    post_money_usd: FloatArray
    """The lab's value at its last round or partner instalment (USD): what a stake is valued at."""
    alive: FloatArray
    """1.0 while the lab trades, 0.0 once ruined."""
    ruined: FloatArray


class Standing(NamedTuple):
    """What the market and the labs remember from the last quarter."""

    shares: FloatArray
    """Share of each segment's volume served, ``(sample, lab, segment)``."""
    brand: FloatArray
    """Brand weights calibrated at quarter 0, ``(sample, lab, segment)``."""
    outside: FloatArray
    """The rest of the market's weight in customers' choice, ``(sample, segment)``."""
    capability_log10_flop: FloatArray
    run_flop: FloatArray
    """Effective FLOP of the run in progress."""
    need_h100e: FloatArray
    """Inference capacity customers needed last quarter."""
    revenue_history_usd: tuple[FloatArray, ...]
    """The last five quarters' revenue, oldest first (USD per quarter)."""
    burn_usd: FloatArray
    """Last quarter's cash burn (USD per quarter)."""
    raised_history_usd: tuple[FloatArray, ...]
    """Equity raised in each of the last three quarters, oldest first (USD)."""


class Drivers(NamedTuple):
    """Exogenous paths at the current quarter, each moved on by a factor a quarter (:func:`advance`)."""

    partner_limit_h100e: FloatArray
    """Per deal, ``(sample, deal)``."""
    rent_limit_h100e: FloatArray
    chip_usd_per_h100e: FloatArray
    own_kw_per_h100e: FloatArray
    """All-in kW per H100e of the chips a lab buys now, ``(sample, lab)``."""
    commit_usd_per_h100e_hour: FloatArray
    rent_usd_per_h100e_hour: FloatArray
    partner_usd_per_h100e_hour: FloatArray
    """Per deal, ``(sample, deal)``: the price a tranche signed now locks in."""
    partner_capital_cost_usd_per_h100e_hour: FloatArray
    """Per deal: the partner's capital cost of capacity built now."""
    partner_running_cost_usd_per_h100e_hour: FloatArray
    """Per deal: the partner's data-centre and power cost of capacity built now."""
    staff_usd_per_quarter: FloatArray
    reference_price_usd_per_unit: FloatArray
    """``(sample, segment)``."""
    compute_per_unit: FloatArray
    """Inference H100e-hours per unit of service, ``(sample, segment)``."""
    growth_fade: FloatArray
    """``(1 - decay) ** (t / 4)``: how much of the segments' growth rate is left, ``(sample, segment)``."""
    algorithmic: FloatArray
    """How much further a FLOP goes than at quarter 0, ``(sample,)``."""
    discount: FloatArray
    """Today's value of 1 USD paid this quarter, ``(sample,)``."""
    raise_ceiling_usd_per_year: FloatArray
    """Most equity investors put into one lab in four quarters, ``(sample,)``."""


class Online(NamedTuple):
    """Capacity in service this quarter, and the events active in it."""

    owned_h100e: FloatArray
    """Owned capacity of labs still trading, ``(sample, lab)``."""
    leased_h100e: FloatArray
    """Capacity in leased data centres (the lab's chips), ``(sample, lab)``."""
    lease_chip_capex_usd: FloatArray
    """Chips bought this quarter for leased data centres starting or refilled, ``(sample, lab)``."""
    committed_h100e: FloatArray
    partner_h100e: FloatArray
    """Partner capacity delivered, all the lab's deals, ``(sample, lab)``."""
    deal_h100e: FloatArray
    """Partner capacity delivered under each deal, ``(sample, deal)``."""
    deal_delivered_frac: FloatArray
    """Share of each deal's contracted capacity the partner delivers (below 1 under a capacity cut)."""
    arrived: FloatArray
    """What the arrivals schedule books for this quarter, ``(component, sample, lab)`` (a view)."""
    events: dict[str, FloatArray]
    """1.0 where each risk event is active, ``(sample,)``, by name."""
    lead_quarters: FloatArray
    """Quarters a data centre ordered now takes, ``(sample,)``."""
    it_kw: FloatArray
    """IT load of the owned and leased capacity online, ``(sample, lab)`` (kW): what draws power."""


class WorldState(NamedTuple):
    """Everything that carries from one quarter to the next."""

    books: Books
    fleet: Fleet
    deals: Deals
    accounts: Accounts
    standing: Standing
    drivers: Drivers


class Context(NamedTuple):
    """What is fixed for a run of samples: parameters and what follows from them alone."""

    params: WorldParams
    draws: WorldDraws
    """The run's random draws inside the quarter (funding rounds)."""
    drivers_factor: Drivers
    """Each driver's factor per quarter."""
    drivers_step: tuple[FloatArray | None, ...]
    """The factors as :func:`~labecon.model.world_open.advance` applies them, in the order of
    :class:`Drivers`: ``None`` where a factor is 1 in every sample, one row where every sample
    shares it (the same products, with less to read)."""
    windows: dict[str, EventWindow]
    """Each risk event's window, by name."""
    every_window: EventWindow
    """The windows stacked ``(event, sample)``: one NumPy call a quarter says which are active."""
    cut: dict[str, FloatArray]
    """Each event's size as a cut, at most all, ``(sample,)``."""
    frontier_log10_flop: FloatArray
    """The outside frontier's capability in every quarter, ``(quarter, sample)``."""
    frontier_fade: FloatArray
    """``(1 - frontier_growth_decay) ** (t / 4)``: the share of the frontier's compute growth rate
    left in every quarter, ``(quarter, sample)``."""
    log_growth: FloatArray
    """``ln(1 + g)`` of each segment, ``(sample, segment)``."""
    fade_rate: FloatArray
    """``-ln(1 - decay)``, the yearly fade of that log, ``(sample, segment)``."""
    need_factor: FloatArray
    """``(1 - efficiency gain) / (1 - price decline)``: how need per dollar of spend moves."""
    debt_maturity_quarters: list[int]
    """Per lab (the same in every sample)."""
    commit_term_quarters: list[int]
    commit_lead_quarters: list[int]
    """Per lab: quarters from signing a commitment to its start."""
    deal_lab: list[int]
    """The lab of each deal."""
    deal_terms: tuple[IntArray, IntArray, IntArray, IntArray]
    """Each deal's lab, lead time, term (quarters) and signing quarter, ``(deal,)``."""
    deal_limit_growth_over_lead: FloatArray
    """How much each deal's partner limit grows over the deal's lead time, ``(sample, deal)``."""
    deal_prices_over_lead: tuple[FloatArray, FloatArray, FloatArray]
    """How much each deal's price, the partner's capital cost and its running cost per H100e-hour
    move over the deal's lead time: a tranche is priced at its start, ``(sample, deal)`` each."""
    commit_price_over_lead: FloatArray
    """How much the committed price per H100e-hour moves from signing to start, ``(sample, lab)``."""
    chip_over_dc_lead: tuple[FloatArray, FloatArray]
    """How much the price and the kW per H100e of a lab's own chips move over the data-centre
    lead time without a construction delay, ``(sample, lab)`` each."""
    lease_kw_over_lead: FloatArray
    """How much the kW per H100e of a lab's own chips moves over its lease's lead time, ``(sample, lab)``."""
    partner_event_deals: dict[str, FloatArray]
    """Per partner event: 1.0 for each deal it hits, ``(deal,)``."""
    lease_term_quarters: list[int]
    lease_lead_quarters: list[int]
    run_length_quarters: FloatArray
    """Quarters a training run lasts, per lab ``(lab,)`` (the same in every sample)."""


def zeros(n: int, n_labs: int) -> FloatArray:
    """Return a ``(sample, lab)`` array of zeros, samples fastest."""
    return np.zeros((n, n_labs), order="F")
