"""A world scenario's outputs and kept paths: declared (names, dims, units, meaning) and accumulated.

Per-sample outputs are always produced (summarised by the runner); paths,
per quarter, only when asked (they are large: about 10 KiB per sample for two
labs and 40 quarters).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from labecon.constants import QUARTERS_PER_YEAR
from labecon.model import _world_fused, risk
from labecon.model._world_fused import full
from labecon.model.arrays import ratio
from labecon.model.capacity import data_centres_built_kw
from labecon.model.finance import (
    BALANCE_LINES,
    CASH_FLOW_LINES,
    INCOME_LINES,
    Costs,
    Funding,
    partner_accounts,
)
from labecon.model.irr import IRR_DEFINED, bounded_irr, irr_roots
from labecon.model.market import Sales
from labecon.model.output_info import OutputInfo
from labecon.model.world_params import DealParams
from labecon.model.world_state import Context, Online, WorldState, zeros
from labecon.scenario.routes import route_labels
from labecon.scenario.schema import WorldScenario
from labecon.scenario.world import deal_labels as scenario_deal_labels
from labecon.types import FloatArray

Coords = dict[str, list[str] | list[int]]


class WorldResult(NamedTuple):
    """What a world run produced: per-sample outputs, and per-quarter paths if kept."""

    outputs: dict[str, FloatArray]
    paths: dict[str, FloatArray]
    npv: NpvParts | None = None
    """How each lab's NPV builds up, when asked (:class:`NpvParts`)."""


class NpvParts(NamedTuple):
    """How each lab's NPV of free cash flow builds up, ``(sample, lab, ...)`` (USD at quarter 0)."""

    by_line: FloatArray
    """``(sample, lab, line)``, lines :data:`NPV_LINES`; they add up to the NPV."""
    cumulative: FloatArray
    """``(sample, lab, quarter + 1)``: discounted free cash flow to the end of each quarter,
    then the NPV with the terminal value (the last slot)."""
    flows: FloatArray | None = None
    """``(sample, lab, quarter + 1)``: a buyer's flows at the lab's opening value, undiscounted
    (its free cash flow each quarter, less the opening value at quarter 0; then the terminal
    value): their IRR is :func:`lab_irr`'s. Set when the run finishes."""


SOURCES = ("owned", "committed", "rented", "partner", "leased")
"""Where a lab's compute comes from."""

PLAUSIBILITY_BOUNDS = ("compute", "funding", "revenue")
"""The plausibility bounds, in the order of ``is_beyond_plausible_bound``'s ``bound`` axis."""

NPV_LINES = (
    "revenue",
    "rented_compute",
    "committed_compute",
    "partner_compute",
    "leased_data_centres",
    "owned_compute_opex",
    "capex",
    "staff",
    "terminal_value",
)
"""The NPV of unlevered free cash flow split by line: revenue (+); compute rented, committed and
from partners, lease payments, power and maintenance, capex and staff (-); the terminal value (+).
They add up to the NPV (financing, interest and partner credits, is outside unlevered flows)."""

PARTNER_LINES = ("revenue_from_lab", "margin", "stake_value")
"""The partner's accounts of its deal with a lab (USD per quarter; stake value at the quarter's end)."""


class Quarter(NamedTuple):
    """Everything a world quarter produced: the state at its end and its flows."""

    t: int
    state: WorldState
    online: Online
    sales: Sales
    costs: Costs
    funding: Funding


class Accumulator:
    """The world's per-sample outputs and kept paths, accumulated quarter by quarter.

    Declared in :func:`describe_world_outputs` and :func:`describe_world_paths`;
    :meth:`record` takes each quarter, :meth:`finish` adds the terminal value and
    returns the arrays.
    """

    def __init__(
        self,
        n: int,
        n_labs: int,
        n_segments: int,
        horizon: int,
        *,
        keep_paths: bool,
        n_deals: int = 0,
        npv_parts: bool = False,
        only_npv: bool = False,
    ) -> None:
        if only_npv and keep_paths:
            msg = "a run that records only the NPV (a route's run) keeps no paths"
            raise ValueError(msg)
        self.horizon = horizon
        self.only_npv = only_npv
        """Record only the NPV (and its parts), the unit costs of compute and the plausibility bounds:
        what a route's run needs."""
        self.npv_parts = (
            NpvParts(
                np.zeros((n, n_labs, len(NPV_LINES)), order="F"),
                np.zeros((n, n_labs, horizon + 1), order="F"),
            )
            if npv_parts
            else None
        )
        n_years = math.ceil(horizon / QUARTERS_PER_YEAR)
        by_year = (n, n_labs, n_years)
        self.revenue_by_year = np.zeros(by_year, order="F")
        self.cash_by_year = np.zeros(by_year, order="F")
        self.ruined_by_year = np.zeros(by_year, order="F")
        self.capacity_by_year = np.zeros(by_year, order="F")
        self.it_load_gw_by_year = np.zeros(by_year, order="F")
        self.dc_built_gw_by_year = np.zeros(by_year, order="F")
        self.first_profit = np.full((n, n_labs), float(horizon), order="F")
        self.recent_net_income = np.zeros((n, n_labs, 4), order="F")
        """The last four quarters' net income (USD), quarter ``t`` at ``t % 4``."""
        self.first_profit_year = np.full((n, n_labs), float(horizon), order="F")
        """First quarter closing four quarters running whose net income adds up above 0."""
        self.compute_bill = zeros(n, n_labs)
        """Compute cost and depreciation over the horizon (USD): what the lab's compute cost it."""
        self.h100e_hours = zeros(n, n_labs)
        """H100e-hours of compute the lab had in service, all sources, over the horizon."""
        self.served_units = zeros(n, n_labs)
        """Units of service served over the horizon, all segments."""
        self.flows = np.zeros((n, n_labs, horizon + 1), order="F")
        """Unlevered free cash flow of each quarter, then the terminal value (USD, undiscounted)."""
        self.opening_value = zeros(n, n_labs)
        """What a buyer pays for the whole lab at quarter 0: its enterprise value at its opening
        valuation (post-money value less cash and credits, plus debt; USD)."""
        self.npv = zeros(n, n_labs)
        self.cum_pre_equity = zeros(n, n_labs)
        self.peak_need = zeros(n, n_labs)
        self.last_year_fcf = zeros(n, n_labs)
        """Unlevered free cash flow of the last four quarters (USD), for the terminal value."""
        self.last_year_revenue = zeros(n, n_labs)
        self.peak_capacity = zeros(n, n_labs)
        """Peak compute (H100e), each quarter's in quarter 0's H100e of the compute bound."""
        self.deal_npv: FloatArray = zeros(n, n_deals)
        self.stake_value = zeros(n, n_deals)
        self.partner_also_sells = False
        """Some lab also rents or commits with a partner it has a deal with (counted in its revenue)."""
        self.deal_discount = np.ones((n, n_deals), order="F")
        self.deal_discount_factor = np.ones((n, n_deals), order="F")
        self.paths: dict[str, FloatArray] = {}
        if keep_paths:
            lq, S = (n, n_labs, horizon), n_segments
            self.paths = {
                "income_statement_usd": np.zeros((*lq, len(INCOME_LINES))),
                "cash_flow_usd": np.zeros((*lq, len(CASH_FLOW_LINES))),
                "balance_sheet_usd": np.zeros((*lq, len(BALANCE_LINES))),
                "capacity_h100e": np.zeros((*lq, len(SOURCES))),
                "it_load_kw": np.zeros(lq),
                "capability_log10_flop": np.zeros(lq),
                "inference_capacity_h100e": np.zeros(lq),
                "market_share": np.zeros((*lq, S)),
                "price_usd_per_unit": np.zeros((*lq, S)),
                "served_units": np.zeros((*lq, S)),
                "lost_units": np.zeros((*lq, S)),
                "partner_accounts_usd": np.zeros((n, n_deals, horizon, len(PARTNER_LINES))),
            }

    def open(self, deals: DealParams, state: WorldState, deal_lab: list[int]) -> None:
        """Book the partners' stakes at quarter 0, their rates, each lab's opening value.

        The opening value is the labs' enterprise value at their opening valuation (``state``). A
        deal's return is counted from quarter 0: the stake its partner holds then is an outlay at
        its value then (what the partner could sell it for), whatever it paid for it before.
        """
        acc = state.accounts
        self.opening_value = acc.post_money_usd - (acc.cash_usd + acc.credits_usd) + acc.debt_usd
        shape = self.deal_npv.shape
        self.partner_also_sells = bool(deals.rent_frac.any() or deals.commit_frac.any())
        stake_then = state.deals.stake_frac * acc.post_money_usd[:, deal_lab]
        self.deal_npv = full(-stake_then, shape)  # written in place by the compiled path
        self.deal_discount_factor = full((1.0 + deals.discount_rate_per_year) ** -0.25, shape)

    def record(self, q: Quarter, ctx: Context) -> None:
        """Add quarter ``q`` to the outputs (before the labs ruined in it stop)."""
        t, c, f = q.t, q.costs, q.funding
        y = int(t // QUARTERS_PER_YEAR)
        if not self.only_npv:
            self.it_load_gw_by_year[:, :, y] = q.online.it_kw * 1e-6
            if t % QUARTERS_PER_YEAR == QUARTERS_PER_YEAR - 1 or t == self.horizon - 1:  # a year's end
                self.dc_built_gw_by_year[:, :, y] = data_centres_built_kw(t, q.state) * 1e-6
        if _world_fused.compiled():
            self._record_compiled(q, y)
        else:
            self._record_plain(q, y)
        # The compute bound grows as chips hold more H100e per kW: capacity is held to it in
        # quarter 0's H100e (the scale is 1.0, and changes no bit, when the bound is fixed).
        decline = ctx.params.world.capacity_bound_power_decline_per_year
        scale = ((1.0 - decline) ** (t / QUARTERS_PER_YEAR))[:, None]
        self.peak_capacity = np.maximum(self.peak_capacity, self.capacity_by_year[:, :, y] * scale)
        self._record_flows_and_bills(q, ctx.params.hours_per_quarter)
        if self.only_npv:
            return
        if _world_fused.compiled():
            revenue, margin, self.stake_value = self._record_deals_compiled(q, ctx)
        else:
            revenue, margin, self.stake_value = partner_accounts(c, q.state, ctx.deal_lab, ctx.params.deals)
            self.deal_npv = self.deal_npv + self.deal_discount * (margin - f.deal_invested_usd)
            self.deal_discount = self.deal_discount * self.deal_discount_factor
        if self.paths:
            self._record_paths(q, (revenue, margin, self.stake_value))

    def _record_flows_and_bills(self, q: Quarter, hours_per_quarter: float) -> None:
        """Add quarter ``q``'s free cash flow, compute bill, H100e-hours in service and units served."""
        s, c, f = q.sales, q.costs, q.funding
        self.flows[:, :, q.t] = unlevered_fcf_usd(
            f.operating_usd, f.investing_usd, c.interest_usd, c.credits_used_usd
        )
        self.compute_bill += c.compute_cost_usd + c.depreciation_usd
        self.h100e_hours += (s.base_h100e + s.rented_h100e) * hours_per_quarter
        self.served_units += s.served_units.sum(axis=2)

    def _close_flows(self, terminal_usd: FloatArray, alive: FloatArray) -> FloatArray:
        """Return a buyer's flows at the labs' opening values, ``(sample, lab, quarter + 1)``.

        The opening value is paid at quarter 0, the terminal value got at the horizon (undiscounted).
        """
        self.flows[:, :, -1] = terminal_usd * alive
        self.flows[:, :, 0] -= self.opening_value
        return self.flows

    def returns(self, flows: FloatArray) -> dict[str, FloatArray]:
        """Return each lab's IRR to a buyer at its opening value, and whether it is the one root."""
        irr, unique = np.empty_like(self.opening_value), np.empty_like(self.opening_value)
        for lab in range(irr.shape[1]):
            irr[:, lab], unique[:, lab] = lab_irr(flows[:, lab, :])
        return {"irr_per_year": irr, "is_irr_unique": unique}

    def unit_costs(self) -> dict[str, FloatArray]:
        """Return the lab's compute bill per H100e-hour in service and per unit served (USD; 0 where none)."""
        bill, hours, served = self.compute_bill, self.h100e_hours, self.served_units
        return {
            "compute_usd_per_h100e_hour": ratio(bill, hours, 0.0),
            "compute_usd_per_unit_served": ratio(bill, served, 0.0),
        }

    def _record_deals_compiled(self, q: Quarter, ctx: Context) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Return the partners' accounts of quarter ``q`` and add it to their deals' NPV, compiled."""
        c, acc, dp = q.costs, q.state.accounts, ctx.params.deals
        n, n_deals = self.deal_npv.shape
        lab, deal = acc.alive.shape, (n, n_deals)
        accounts = (np.empty(deal, order="F"), np.empty(deal, order="F"), np.empty(deal, order="F"))
        _world_fused.record_deals(
            self.partner_also_sells,
            full(c.deal_fee_usd, deal),
            full(c.deal_cost_usd, deal),
            full(c.rental_usd, lab),
            full(c.commitment_usd, lab),
            full(dp.rent_frac, deal, keep=True),
            full(dp.commit_frac, deal, keep=True),
            full(dp.usd_per_h100e_hour, deal, keep=True),
            full(dp.capital_cost_usd_per_h100e_hour, deal, keep=True),
            full(dp.running_cost_usd_per_h100e_hour, deal, keep=True),
            full(q.state.deals.stake_frac, deal),
            full(acc.post_money_usd, lab),
            full(acc.alive, lab),
            full(q.funding.deal_invested_usd, deal),
            ctx.deal_terms[0],
            self.deal_npv,
            self.deal_discount,
            self.deal_discount_factor,
            accounts,
        )
        return accounts

    def _record_compiled(self, q: Quarter, y: int) -> None:
        """Add the per-sample outputs of quarter ``q`` (year ``y``) in place, in compiled loops."""
        t, acc, s, c, f = q.t, q.state.accounts, q.sales, q.costs, q.funding
        n, n_labs = acc.cash_usd.shape
        lab = (n, n_labs)
        discount = full(q.state.drivers.discount, (n,))
        _world_fused.record_kernel(
            float(t),
            float(self.horizon),
            t >= self.horizon - 4,
            discount,
            full(s.revenue_usd, lab),
            full(acc.cash_usd, lab),
            full(acc.ruined, lab),
            full(s.base_h100e, lab),
            full(s.rented_h100e, lab),
            full(c.net_income_usd, lab),
            full(acc.alive, lab),
            full(f.operating_usd, lab),
            full(f.investing_usd, lab),
            full(c.interest_usd, lab),
            full(c.credits_used_usd, lab),
            full(f.scheduled_debt_usd, lab),
            self.revenue_by_year[:, :, y],
            self.cash_by_year[:, :, y],
            self.ruined_by_year[:, :, y],
            self.capacity_by_year[:, :, y],
            self.first_profit,
            self.recent_net_income,
            self.first_profit_year,
            self.npv,
            self.last_year_fcf,
            self.last_year_revenue,
            self.cum_pre_equity,
            self.peak_need,
        )
        if self.npv_parts is not None:
            _world_fused.record_npv_lines(
                t,
                discount,
                full(s.revenue_usd, lab),
                full(c.rental_usd, lab),
                full(c.commitment_usd, lab),
                full(c.partner_fee_usd, lab),
                full(c.lease_usd, lab),
                full(c.owned_opex_usd, lab),
                full(f.investing_usd, lab),
                full(c.staff_usd, lab),
                self.npv,
                self.npv_parts.by_line,
                self.npv_parts.cumulative,
            )

    def _record_plain(self, q: Quarter, y: int) -> None:
        """Add the per-sample outputs of quarter ``q`` (year ``y``): the NumPy path."""
        t, acc, s, c, f = q.t, q.state.accounts, q.sales, q.costs, q.funding
        discount = q.state.drivers.discount[:, None]
        self.revenue_by_year[:, :, y] += s.revenue_usd
        self.cash_by_year[:, :, y] = acc.cash_usd
        self.ruined_by_year[:, :, y] = acc.ruined
        self.capacity_by_year[:, :, y] = s.base_h100e + s.rented_h100e
        profit_now = (self.first_profit == self.horizon) & (c.net_income_usd > 0) & (acc.alive > 0)
        self.first_profit = np.where(profit_now, float(t), self.first_profit)
        recent = self.recent_net_income
        recent[:, :, t % 4] = c.net_income_usd
        if t >= 3:
            first, second, third, fourth = (recent[:, :, (t + k) % 4] for k in (1, 2, 3, 4))  # oldest first
            year = ((first + second) + third) + fourth
            year_now = (self.first_profit_year == self.horizon) & (year > 0) & (acc.alive > 0)
            self.first_profit_year = np.where(year_now, float(t), self.first_profit_year)
        fcf = f.operating_usd + f.investing_usd
        unlevered = unlevered_fcf_usd(f.operating_usd, f.investing_usd, c.interest_usd, c.credits_used_usd)
        self.npv += discount * unlevered
        if self.npv_parts is not None:
            self._record_npv_parts(t, discount, q)
        if t >= self.horizon - 4:
            self.last_year_fcf += unlevered
            self.last_year_revenue += s.revenue_usd
        self.cum_pre_equity += fcf + f.scheduled_debt_usd
        self.peak_need = np.maximum(self.peak_need, -self.cum_pre_equity)

    def _record_npv_parts(self, t: int, discount: FloatArray, q: Quarter) -> None:
        c, f, parts = q.costs, q.funding, self.npv_parts
        assert parts is not None
        lines = (
            q.sales.revenue_usd,
            -c.rental_usd,
            -c.commitment_usd,
            -c.partner_fee_usd,
            -c.lease_usd,
            -c.owned_opex_usd,
            f.investing_usd,
            -c.staff_usd,
        )
        for k, line in enumerate(lines):
            parts.by_line[:, :, k] += discount * line
        parts.cumulative[:, :, t] = self.npv

    def _record_paths(self, q: Quarter, partner: tuple[FloatArray, ...]) -> None:
        t, acc, s, c, f, o = q.t, q.state.accounts, q.sales, q.costs, q.funding, q.online
        p = self.paths
        financing = f.scheduled_debt_usd + f.raised_usd + f.partner_cash_usd
        p["income_statement_usd"][:, :, t] = np.stack(
            (
                s.revenue_usd,
                c.compute_cost_usd,
                c.depreciation_usd,
                c.staff_usd,
                c.interest_usd,
                c.net_income_usd,
            ),
            axis=2,
        )
        p["cash_flow_usd"][:, :, t] = np.stack(
            (f.operating_usd, f.investing_usd, financing, f.operating_usd + f.investing_usd + financing),
            axis=2,
        )
        total_assets = acc.cash_usd + acc.credits_usd + acc.property_usd
        p["balance_sheet_usd"][:, :, t] = np.stack(
            (acc.cash_usd, acc.credits_usd, acc.property_usd, total_assets, acc.debt_usd, acc.equity_usd),
            axis=2,
        )
        p["capacity_h100e"][:, :, t] = np.stack(
            (o.owned_h100e, o.committed_h100e, s.rented_h100e, o.partner_h100e, o.leased_h100e), axis=2
        )
        p["it_load_kw"][:, :, t] = o.it_kw
        p["capability_log10_flop"][:, :, t] = q.state.standing.capability_log10_flop
        p["inference_capacity_h100e"][:, :, t] = s.inference_h100e
        p["market_share"][:, :, t] = s.shares
        p["price_usd_per_unit"][:, :, t] = s.price_usd_per_unit
        p["served_units"][:, :, t] = s.served_units
        p["lost_units"][:, :, t] = s.lost_units
        p["partner_accounts_usd"][:, :, t] = np.stack(partner, axis=2)

    def finish(self, state: WorldState, ctx: Context) -> WorldResult:
        """Add the terminal value; return the outputs (C order) and the paths."""
        gp, H = ctx.params.world, self.horizon
        discount, alive = state.drivers.discount[:, None], state.accounts.alive
        glut = risk.multiplier_down(ctx.windows["compute_glut"], H - 1)[:, None]
        terminal = terminal_value_usd(
            ctx.params.terminal_value_method,
            book_usd=state.accounts.property_usd * gp.terminal_value_frac_of_book[:, None] * glut,
            last_year_fcf_usd=self.last_year_fcf,
            last_year_revenue_usd=self.last_year_revenue,
            discount_rate_per_year=gp.discount_rate_per_year[:, None],
            growth_per_year=gp.terminal_growth_per_year[:, None],
            revenue_multiple=gp.terminal_revenue_multiple[:, None],
        )
        npv = self.npv + discount * terminal * alive
        flows = self._close_flows(terminal, alive)
        if self.npv_parts is not None:
            self.npv_parts.by_line[:, :, -1] = discount * terminal * alive
            self.npv_parts.cumulative[:, :, -1] = npv
            self.npv_parts = self.npv_parts._replace(flows=flows)
        cap_max, funding_max, revenue_max = ctx.params.plausible_max
        by_bound = (
            self.peak_capacity > cap_max,
            self.peak_need > funding_max,
            self.revenue_by_year.max(axis=2, initial=0.0) > revenue_max,
        )  # in the order of PLAUSIBILITY_BOUNDS
        beyond = by_bound[0] | by_bound[1] | by_bound[2]
        if self.only_npv:
            bounds = {
                "npv_fcf_usd": npv,
                **self.unit_costs(),
                "is_beyond_plausible_bounds": beyond.astype(np.float64),
                "is_beyond_plausible_bound": np.stack(by_bound, axis=2).astype(np.float64),
            }
            return WorldResult({k: np.ascontiguousarray(v) for k, v in bounds.items()}, {}, self.npv_parts)
        stake_value = self.stake_value
        if ctx.params.stake_valued_at == "horizon" and ctx.deal_lab:
            stake_value = stakes_at_horizon(state, terminal, ctx.deal_lab)
        deal_npv = self.deal_npv + self.deal_discount * stake_value
        outputs = {
            "revenue_usd_by_year": self.revenue_by_year,
            "cash_usd_by_year": self.cash_by_year,
            "capacity_h100e_by_year": self.capacity_by_year,
            "data_centre_gw_by_year": self.it_load_gw_by_year,
            "data_centre_built_gw_by_year": self.dc_built_gw_by_year,
            "first_profitable_quarter": self.first_profit,
            "is_ever_profitable": (self.first_profit < H).astype(np.float64),
            "first_profitable_year_quarter": self.first_profit_year,
            "peak_funding_need_usd": self.peak_need,
            "is_ruined": state.accounts.ruined.astype(np.float64),
            "is_ruined_by_year": self.ruined_by_year,
            "npv_fcf_usd": npv,
            "is_npv_leader": npv_leader(npv),
            **self.returns(flows),
            **self.unit_costs(),
            "is_beyond_plausible_bounds": beyond.astype(np.float64),
            "is_beyond_plausible_bound": np.stack(by_bound, axis=2).astype(np.float64),
        }
        if ctx.deal_lab:
            outputs["partner_deal_npv_usd"] = deal_npv
        # Out in C order, as they always were: sums over samples downstream add in an order
        # that follows the layout, so their bits would change with it.
        contiguous = {name: np.ascontiguousarray(v) for name, v in outputs.items()}
        return WorldResult(contiguous, self.paths, self.npv_parts)


def unlevered_fcf_usd(
    operating_usd: FloatArray,
    investing_usd: FloatArray,
    interest_usd: FloatArray,
    credits_used_usd: FloatArray,
) -> FloatArray:
    """Return unlevered free cash flow (USD per quarter): what the business makes before financing.

    ``operating + interest - credits used + investing``: interest is a financing flow, so it is
    added back; partner credits are financing (the partner's equity paid in kind), so fees paid
    with them are a cost of the business like any other.
    """
    out: FloatArray = operating_usd + interest_usd - credits_used_usd + investing_usd
    return out


IRR_LOW_PER_YEAR, IRR_HIGH_PER_YEAR, IRR_GRID = -0.99, 10.0, 100
"""The rates searched for a lab's IRR (per year; beyond them it is reported at the nearer end), and
the rates its NPV is tried at when its flows change sign more than once (evenly spaced in
``log(1 + r)``, 6% apart: two roots closer than that go unseen)."""


def lab_irr(flows: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return a lab's IRR per sample (per year) from a buyer's flows ``(sample, quarter + 1)``.

    Also 1 where it is the one root in its range (else the nearer end of the range, or -100%).
    """
    roots = irr_roots(flows, low_per_year=IRR_LOW_PER_YEAR, high_per_year=IRR_HIGH_PER_YEAR, grid=IRR_GRID)
    irr = bounded_irr(roots, low_per_year=IRR_LOW_PER_YEAR, high_per_year=IRR_HIGH_PER_YEAR)
    return irr, (roots.status == IRR_DEFINED).astype(np.float64)


def stakes_at_horizon(state: WorldState, terminal_usd: FloatArray, deal_lab: list[int]) -> FloatArray:
    """Return each deal's stake valued at the horizon as a share of its lab's equity then (USD).

    The lab's equity is its enterprise value at the horizon (``terminal_usd``, as its NPV takes
    it) plus cash and credits, less debt; none if that is negative or the lab was ruined.
    ``(sample, deal)`` (``finance.stake_valued_at: horizon``).
    """
    acc = state.accounts
    equity = np.maximum(terminal_usd + acc.cash_usd + acc.credits_usd - acc.debt_usd, 0.0) * acc.alive
    out: FloatArray = state.deals.stake_frac * equity[:, deal_lab]
    return out


def terminal_value_usd(
    method: str,
    *,
    book_usd: FloatArray,
    last_year_fcf_usd: FloatArray,
    last_year_revenue_usd: FloatArray,
    discount_rate_per_year: FloatArray,
    growth_per_year: FloatArray,
    revenue_multiple: FloatArray,
) -> FloatArray:
    """Return a lab's enterprise value at the horizon (USD).

    ``gordon``: ``FCF_last_year * (1 + g) / (r - g)`` with ``r - g`` floored at 0.01 per year;
    ``exit_multiple``: ``multiple * revenue_last_year``; ``book``: the owned assets' value.
    """
    if method == "gordon":
        spread = np.maximum(discount_rate_per_year - growth_per_year, 0.01)
        out: FloatArray = last_year_fcf_usd * (1.0 + growth_per_year) / spread
        return out
    if method == "exit_multiple":
        out = revenue_multiple * last_year_revenue_usd
        return out
    return book_usd


def npv_leader(npv_usd: FloatArray) -> FloatArray:
    """Return 1 for the lab with the highest NPV in a sample (first on a tie), else 0: ``(sample, lab)``."""
    leader = np.zeros(npv_usd.shape)
    if npv_usd.size:
        leader[np.arange(npv_usd.shape[0]), np.argmax(npv_usd, axis=1)] = 1.0
    return leader


def deal_labels(scenario: WorldScenario) -> list[str]:
    """Return ``"<cloud>:<lab>"`` for each strategic deal, in the order of the clouds (see the scenario's)."""
    return scenario_deal_labels(scenario.clouds, scenario.labs, scenario.start_year)


def _years(scenario: WorldScenario) -> list[int]:
    n_years = math.ceil(scenario.horizon_quarters / QUARTERS_PER_YEAR)
    return [int(scenario.start_year) + y for y in range(n_years)]


def describe_world_outputs(scenario: WorldScenario) -> dict[str, OutputInfo]:
    """Return the per-sample outputs of a world scenario, in order."""
    labs = list(scenario.labs)
    by_year: Coords = {"lab": labs, "year": _years(scenario)}
    lab: Coords = {"lab": labs}
    out = {
        "revenue_usd_by_year": OutputInfo(
            ("lab", "year"),
            by_year,
            "USD",
            "revenue in each year from quarter 0 (year labelled by its start)",
        ),
        "cash_usd_by_year": OutputInfo(("lab", "year"), by_year, "USD", "cash at the end of each year"),
        "capacity_h100e_by_year": OutputInfo(
            ("lab", "year"), by_year, "H100e", "compute in use at the end of each year, all sources"
        ),
        "data_centre_gw_by_year": OutputInfo(
            ("lab", "year"),
            by_year,
            "GW",
            "IT load of the lab's own and leased data centres at the end of each year (before PUE; "
            "each chip at the kW per H100e of the quarter it was bought)",
        ),
        "data_centre_built_gw_by_year": OutputInfo(
            ("lab", "year"),
            by_year,
            "GW",
            "IT capacity of the lab's own data centres in service (those still being built not "
            "counted) and of those leased to it, at the end of each year (before PUE): a hall keeps "
            "its capacity when its chips are replaced by ones that draw less",
        ),
        "first_profitable_quarter": OutputInfo(
            ("lab",),
            lab,
            "quarter",
            "first quarter with positive net income; the horizon (quarters) if never: read with "
            "is_ever_profitable",
        ),
        "is_ever_profitable": OutputInfo(
            ("lab",), lab, "1", "1 if net income is ever positive; its mean is P(profitable)"
        ),
        "first_profitable_year_quarter": OutputInfo(
            ("lab",),
            lab,
            "quarter",
            "first quarter closing four quarters running whose net income adds up to more than 0 (a "
            "profitable year, trailing; one profitable quarter does not count); the horizon (quarters) "
            "if never",
        ),
        "peak_funding_need_usd": OutputInfo(
            ("lab",), lab, "USD", "peak cumulative free cash flow burned, net of debt, before equity raised"
        ),
        "is_ruined": OutputInfo(
            ("lab",), lab, "1", "1 if the lab ran out of cash by the horizon; mean = P(ruin)"
        ),
        "is_ruined_by_year": OutputInfo(
            ("lab", "year"),
            by_year,
            "1",
            "1 if the lab has run out of cash by the end of each year; mean = P(ruin by then)",
        ),
        "npv_fcf_usd": OutputInfo(
            ("lab",),
            lab,
            "USD",
            "NPV at quarter 0 of unlevered free cash flow plus the enterprise terminal value; "
            "that value by finance.terminal_value_method",
        ),
        "is_npv_leader": OutputInfo(
            ("lab",),
            lab,
            "1",
            "1 for the lab whose NPV of free cash flow is the highest of the labs in the sample (the "
            "first such lab on a tie); mean = P(this lab leads the others). It compares different labs, "
            "not routes: the route outputs compare one lab's routes",
        ),
        "irr_per_year": OutputInfo(
            ("lab",),
            lab,
            "fraction per year",
            "internal rate of return of the lab's unlevered free cash flow and terminal value to a buyer "
            "of the whole lab at quarter 0 at its opening valuation (post-money value less cash and "
            "credits, plus debt): the yearly rate at which that price is the NPV. Where no one rate "
            "between -99% and +1000% a year does it: -100% if every flow is a loss, else the nearer "
            "end of that range; is_irr_unique says where the rate is the one root",
        ),
        "is_irr_unique": OutputInfo(
            ("lab",),
            lab,
            "1",
            "1 where the IRR is the one rate in its range that makes the NPV zero; mean = the share "
            "of futures in which the IRR is well defined",
        ),
        "compute_usd_per_h100e_hour": OutputInfo(
            ("lab",),
            lab,
            "USD per H100e-hour",
            "the lab's compute bill over the horizon (rentals, commitments, partner fees, lease "
            "payments, power, maintenance and depreciation of what it owns) per H100e-hour it had in "
            "service, from every source, used or idle; 0 if it never had any",
        ),
        "compute_usd_per_unit_served": OutputInfo(
            ("lab",),
            lab,
            "USD per unit",
            "the same compute bill (training and research compute included) per unit of service the "
            "lab served over the horizon, all segments; 0 if it served none",
        ),
        "is_beyond_plausible_bounds": OutputInfo(
            ("lab",),
            lab,
            "1",
            "1 if the lab's compute, peak funding need or yearly revenue passed the scenario's "
            "plausibility bounds (finance.plausible_max_*); mean = share of such samples, reported "
            "as a warning",
        ),
        "is_beyond_plausible_bound": OutputInfo(
            ("lab", "bound"),
            {"lab": labs, "bound": list(PLAUSIBILITY_BOUNDS)},
            "1",
            "1 if the lab passed that plausibility bound: its compute, its peak funding need or its "
            "yearly revenue; the bounds are finance.plausible_max_capacity_h100e, "
            "plausible_max_funding_usd and plausible_max_revenue_usd_per_year; mean = share of such samples",
        ),
    }
    out.update(describe_route_outputs(scenario))
    deals = deal_labels(scenario)
    if deals:
        out["partner_deal_npv_usd"] = OutputInfo(
            ("deal",),
            {"deal": deals},
            "USD",
            "the partner's return on its deal: NPV at its cost of capital of its margin on the lab "
            "(revenue less its own capital and power cost) plus its stake's value at the horizon "
            "(at the lab's last round price, or its equity then), less the stake it holds at quarter 0 "
            "(at the lab's opening value) and its later investments; the stake's value by "
            "finance.stake_valued_at",
            p_positive=True,
        )
    return out


def describe_route_outputs(scenario: WorldScenario) -> dict[str, OutputInfo]:
    """Return the route outputs of a world scenario whose labs name routes (else none)."""
    labels = route_labels(scenario)
    if not labels:
        return {}
    route: Coords = {"route": labels}
    one = ("route",)
    return {
        "route_npv_usd": OutputInfo(
            one, route, "USD", "NPV of the lab's free cash flow under this route (same draws for every route)"
        ),
        "route_gain_usd": OutputInfo(
            one,
            route,
            "USD",
            "NPV under this route less NPV under the lab's declared route, in the same future",
            p_positive=True,
        ),
        "route_is_best": OutputInfo(
            one, route, "1", "1 if this route has the highest NPV of the lab's routes; mean = P(best)"
        ),
        "route_regret_usd": OutputInfo(
            one, route, "USD", "NPV of the lab's best route less this route's, in the same future"
        ),
        "route_pays_back": OutputInfo(
            one,
            route,
            "1",
            "1 if the route's cumulative discounted advantage over the declared route turns positive "
            "for good within the horizon (not if it is ahead only once the value beyond it counts)",
        ),
        "route_payback_quarter": OutputInfo(
            one,
            route,
            "quarter",
            "quarter from which that advantage stays positive; the horizon means only with the terminal "
            "value, the horizon plus one never: read with route_pays_back",
        ),
        "route_irr_per_year": OutputInfo(
            one,
            route,
            "fraction per year",
            "the lab's IRR to a buyer of the whole lab at its opening valuation under this route, in the "
            "same future; as irr_per_year",
        ),
        "route_compute_usd_per_h100e_hour": OutputInfo(
            one,
            route,
            "USD per H100e-hour",
            "the lab's compute bill per H100e-hour in service under this route, all in, in the same "
            "future; as compute_usd_per_h100e_hour",
        ),
        "route_compute_usd_per_unit_served": OutputInfo(
            one,
            route,
            "USD per unit",
            "the lab's compute bill per unit of service served under this route, in the same future; "
            "as compute_usd_per_unit_served",
        ),
        "route_gain_by_line_usd": OutputInfo(
            ("route", "npv_line"),
            {**route, "npv_line": list(NPV_LINES)},
            "USD",
            "the gain over the declared route split by line (revenue, compute by source, capex, staff, "
            "financing, terminal value); the lines add up to the gain",
        ),
    }


def describe_world_paths(scenario: WorldScenario) -> dict[str, OutputInfo]:
    """Return the per-quarter paths a world scenario keeps when asked."""
    labs = list(scenario.labs)
    segments = list(scenario.market.segments)
    quarters = list(range(scenario.horizon_quarters))
    lq: Coords = {"lab": labs, "quarter": quarters}
    out = {
        "income_statement_usd": OutputInfo(
            ("lab", "quarter", "income_line"),
            {**lq, "income_line": list(INCOME_LINES)},
            "USD",
            "income statement of each quarter",
        ),
        "cash_flow_usd": OutputInfo(
            ("lab", "quarter", "cash_flow_line"),
            {**lq, "cash_flow_line": list(CASH_FLOW_LINES)},
            "USD",
            "cash-flow statement of each quarter",
        ),
        "balance_sheet_usd": OutputInfo(
            ("lab", "quarter", "balance_line"),
            {**lq, "balance_line": list(BALANCE_LINES)},
            "USD",
            "balance sheet at the end of each quarter",
        ),
        "capacity_h100e": OutputInfo(
            ("lab", "quarter", "source"), {**lq, "source": list(SOURCES)}, "H100e", "compute in use by source"
        ),
        "it_load_kw": OutputInfo(
            ("lab", "quarter"),
            lq,
            "kW",
            "IT load of the lab's own and leased capacity in use (before PUE; each chip at the kW per "
            "H100e of the quarter it was bought)",
        ),
        "capability_log10_flop": OutputInfo(
            ("lab", "quarter"), lq, "log10 FLOP", "capability index at the end of each quarter"
        ),
        "inference_capacity_h100e": OutputInfo(
            ("lab", "quarter"), lq, "H100e", "capacity serving customers (inference share plus rentals)"
        ),
        "market_share": OutputInfo(
            ("lab", "quarter", "segment"),
            {**lq, "segment": segments},
            "1",
            "share of each segment's volume served",
        ),
        "price_usd_per_unit": OutputInfo(
            ("lab", "quarter", "segment"),
            {**lq, "segment": segments},
            "USD per unit",
            "price per unit of service",
        ),
        "served_units": OutputInfo(
            ("lab", "quarter", "segment"),
            {**lq, "segment": segments},
            "units",
            "demand served (units of service)",
        ),
        "lost_units": OutputInfo(
            ("lab", "quarter", "segment"),
            {**lq, "segment": segments},
            "units",
            "demand the lab could not serve (units of service)",
        ),
    }
    deals = deal_labels(scenario)
    if deals:
        out["partner_accounts_usd"] = OutputInfo(
            ("deal", "quarter", "partner_line"),
            {"deal": deals, "quarter": quarters, "partner_line": list(PARTNER_LINES)},
            "USD",
            "the partner's accounts of its deal: revenue from the lab, margin, stake value",
        )
    return out
