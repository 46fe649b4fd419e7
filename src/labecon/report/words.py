"""The words a reader sees: human labels of outputs, numbers formatted one way, dates for quarters.

One registry (:data:`OUTPUT_WORDS`) names each output of the world model for
people; an output a scenario declares itself (b1's ``pv_rent`` ...) is named by
its description. Numbers are formatted by :func:`fmt_value` only: money as
``$12.3B``, probabilities as ``4.5%``, quarters as dates (``2029 Q2``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

import numpy as np

from labecon.amounts import money, pct, unit_money
from labecon.dates import quarter_label
from labecon.types import FloatArray

ValueKind = Literal["money", "price", "probability", "quarter", "capacity", "number"]


@dataclass(frozen=True)
class OutputWords:
    """How one output is named and its numbers shown."""

    label: str
    kind: ValueKind


NPV_LINE_WORDS = {
    "revenue": "Revenue",
    "rented_compute": "Compute rented",
    "committed_compute": "Compute under contract",
    "partner_compute": "Compute from partners",
    "leased_data_centres": "Leased data centres",
    "owned_compute_opex": "Power and maintenance",
    "capex": "Capital spending",
    "staff": "Staff and R&D",
    "terminal_value": "Value at the horizon",
}
"""The lines of the NPV of free cash flow (``npv_line``) as a reader names them."""

OUTPUT_WORDS: dict[str, OutputWords] = {
    "revenue_usd_by_year": OutputWords("Revenue", "money"),
    "cash_usd_by_year": OutputWords("Cash at the end of the year", "money"),
    "capacity_h100e_by_year": OutputWords("Compute in use at year end (H100 equivalents)", "capacity"),
    "data_centre_built_gw_by_year": OutputWords(
        "Own and leased data centres at year end (GW of IT capacity)", "number"
    ),
    "data_centre_gw_by_year": OutputWords(
        "IT load in own and leased data centres at year end (GW)", "number"
    ),
    "first_profitable_quarter": OutputWords("First profitable quarter", "quarter"),
    "is_ever_profitable": OutputWords("Chance of ever making a profit", "probability"),
    "first_profitable_year_quarter": OutputWords("First quarter closing a profitable year", "quarter"),
    "peak_funding_need_usd": OutputWords("Peak funding need", "money"),
    "is_ruined": OutputWords("Chance of running out of cash", "probability"),
    "is_ruined_by_year": OutputWords("Chance of having run out of cash", "probability"),
    "npv_fcf_usd": OutputWords("NPV of free cash flow", "money"),
    "is_npv_leader": OutputWords("Chance of the highest NPV of the labs", "probability"),
    "partner_deal_npv_usd": OutputWords("Partner's return on its deal (NPV)", "money"),
    "income_statement_usd": OutputWords("Income statement", "money"),
    "cash_flow_usd": OutputWords("Cash-flow statement", "money"),
    "balance_sheet_usd": OutputWords("Balance sheet", "money"),
    "capacity_h100e": OutputWords("Compute in use by source (H100 equivalents)", "capacity"),
    "capability_log10_flop": OutputWords("Capability (log10 of training FLOP)", "number"),
    "inference_capacity_h100e": OutputWords("Compute serving customers (H100 equivalents)", "capacity"),
    "market_share": OutputWords("Market share", "probability"),
    "price_usd_per_unit": OutputWords("Price per unit of service", "number"),
    "served_units": OutputWords("Demand served (units of service)", "number"),
    "lost_units": OutputWords("Demand not served (units of service)", "number"),
    "partner_accounts_usd": OutputWords("Partner's accounts of its deal", "money"),
    "cost_usd": OutputWords("Cost by line", "money"),
    "route_npv_usd": OutputWords("NPV of free cash flow under each route", "money"),
    "route_gain_usd": OutputWords("NPV gain over the declared route", "money"),
    "route_is_best": OutputWords("Chance the route is the lab's best", "probability"),
    "route_regret_usd": OutputWords("Regret of the route (the best route's NPV less its own)", "money"),
    "route_pays_back": OutputWords("Chance the route pays back within the horizon", "probability"),
    "route_payback_quarter": OutputWords("When the route pays back", "quarter"),
    "route_gain_by_line_usd": OutputWords("NPV gain over the declared route, by line", "money"),
    "irr_per_year": OutputWords("IRR to a buyer of the lab at its opening valuation", "probability"),
    "is_irr_unique": OutputWords("Chance the IRR is the one rate that zeroes the NPV", "probability"),
    "route_irr_per_year": OutputWords(
        "IRR to a buyer of the lab at its opening valuation, each route", "probability"
    ),
    "compute_usd_per_h100e_hour": OutputWords("Compute cost per H100e-hour in service, all in", "price"),
    "compute_usd_per_unit_served": OutputWords("Compute cost per unit of service served", "price"),
    "route_compute_usd_per_h100e_hour": OutputWords(
        "Compute cost per H100e-hour in service under each route", "price"
    ),
    "route_compute_usd_per_unit_served": OutputWords(
        "Compute cost per unit of service served under each route", "price"
    ),
    "is_beyond_plausible_bounds": OutputWords("Chance of passing the plausibility bounds", "probability"),
    "is_beyond_plausible_bound": OutputWords("Chance of passing each plausibility bound", "probability"),
}
"""Human label and kind of value of every output the model itself defines."""

_INTERNAL_NAME = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")
"""An identifier such as ``is_ever_profitable``: a reader never sees one."""


def reader_note(description: str) -> str:
    """Return an output's description without the clauses meant for programmers.

    Clauses (separated by ``;``) that name an internal output or explain what a
    mean stands for (``mean = P(ruin)``) are dropped; the rest is kept as is.
    """
    clauses = [c.strip() for c in description.split(";")]
    kept = [c for c in clauses if c and "mean =" not in c and not _INTERNAL_NAME.search(c)]
    return "; ".join(kept)


_UNITS_IN_TEXT = re.compile(r"\s*\((USD|usd|H100e|quarters?|years?)\)\s*$")


def words_for(name: str, description: str = "", units: str = "") -> OutputWords:
    """Return how to name an output and show its values.

    ``name`` may carry a selection (``npv_fcf_usd[lab=a]``) or a group after a
    colon (``income_statement_usd:lab_own``); the label then says it.
    """
    base, _, picked = name.partition("[")
    base, _, group = base.partition(":")
    found = OUTPUT_WORDS.get(base)
    if found is None:
        text = _UNITS_IN_TEXT.sub("", description).strip() or base.replace("_", " ")
        kind: ValueKind = "money" if units.upper().startswith("USD") else "number"
        if units == "1" or base.startswith(("is_", "has_")):
            kind = "probability"
        found = OutputWords(text[:1].upper() + text[1:], kind)
    extra = ", ".join(x for x in (group, picked.rstrip("]").replace("lab=", "")) if x)
    return OutputWords(f"{found.label} ({extra})" if extra else found.label, found.kind)


def label(name: str, description: str = "", units: str = "") -> str:
    """Return an output's human label (see :func:`words_for`)."""
    return words_for(name, description, units).label


def in_sentence(text: str) -> str:
    """Return a label as it reads inside a sentence: ``Saving`` as ``saving``, ``NPV ...`` as it is."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def quarter_date(q: float, start_year: float) -> str:
    """Return the calendar quarter of model quarter ``q`` (0 = the start): ``2029 Q2``."""
    return quarter_label(start_year, q)


def year_span(start_year: float) -> str:
    """Return what a model year labelled by its start covers: ``April 2026 to March 2027``."""
    months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    first = round((start_year % 1) * 12) % 12
    year = math.floor(start_year)
    last = (first - 1) % 12
    end_year = year + (1 if first > 0 else 0)
    return f"{months[first]} {year} to {months[last]} {end_year}"


def fmt_value(x: float, kind: ValueKind, *, start_year: float | None = None) -> str:
    """Return one number in the report's one format for its kind."""
    if x is None or not math.isfinite(x):
        return "n/a"
    if kind == "money":
        return money(x)
    if kind == "price":
        return unit_money(x)
    if kind == "probability":
        return pct(x)
    if kind == "quarter" and start_year is not None:
        return quarter_date(x, start_year)
    if kind == "capacity":
        return f"{x / 1e6:,.3g}M" if abs(x) >= 1e6 else f"{x:,.3g}"
    return f"{x:,.3g}" if abs(x) < 1e6 else f"{x:.3g}"


HEAVY_TAIL_SE = 3.0
"""A mean that differs by more than this many standard errors between the two halves is unsettled."""

HEAVY_TAIL_INDEX = 2.0
"""Below this tail index the variance is infinite or nearly so: the mean settles slowly, if at all."""


def tail_index(values: FloatArray) -> float:
    """Return the Hill estimate of the tail index of ``|values - median|`` (its top sqrt(n) samples).

    About 1 to 2 for a tail where a few samples carry the mean (Pareto 1.5,
    a lognormal with sigma 3); 3 and more for tails like a normal's.
    (Hill, "A simple general approach to inference about the tail of a
    distribution", Annals of Statistics 3(5), 1975.)
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    x = np.sort(np.abs(v - np.median(v)))[::-1] if v.size else v
    k = max(10, math.isqrt(x.size))
    if x.size <= k or x[k] <= 0:
        return math.inf
    spread = float(np.mean(np.log(x[:k] / x[k])))
    return math.inf if spread <= 0 else 1.0 / spread  # the top samples all equal: no tail at all


def heavy_tailed(values: FloatArray) -> bool:
    """Return True when a heavy tail leaves the mean unsettled, so the median is the figure to read.

    Either the tail index is below :data:`HEAVY_TAIL_INDEX`, or the means of
    the first and second halves of the samples differ by more than
    :data:`HEAVY_TAIL_SE` standard errors of their difference.
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size < 100 or np.ptp(v) == 0:
        return False
    if tail_index(v) < HEAVY_TAIL_INDEX:
        return True
    half = v.size // 2
    a, b = v[:half], v[half : 2 * half]
    se = math.sqrt(float(np.var(a, ddof=1) + np.var(b, ddof=1)) / half)
    return se > 0 and abs(float(a.mean() - b.mean())) > HEAVY_TAIL_SE * se
