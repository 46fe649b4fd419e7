"""A world scenario's outputs and kept paths: what they are called, their dims, units and meaning.

Per-sample outputs are always produced (summarised by the runner); paths,
per quarter, only when asked (they are large: about 10 KiB per sample for two
labs and 40 quarters).
"""

from __future__ import annotations

from collections.abc import Mapping

from labecon.model.finance import BALANCE_LINES, CASH_FLOW_LINES, INCOME_LINES
from labecon.model.output_info import OutputInfo
from labecon.model.world import PARTNER_LINES, SOURCES, LabPolicy, WorldResult, simulate_world
from labecon.model.world_params import world_params
from labecon.scenario.schema import WorldScenario
from labecon.types import FloatArray

Coords = dict[str, list[str] | list[int]]


def deal_labels(scenario: WorldScenario) -> list[str]:
    """Return ``"<cloud>:<lab>"`` for each strategic deal, in the order of the labs."""
    by_lab = {c.deal.lab: name for name, c in scenario.clouds.items() if c.deal is not None}
    return [f"{by_lab[lab]}:{lab}" for lab in scenario.labs if lab in by_lab]


def _years(scenario: WorldScenario) -> list[int]:
    return [int(scenario.start_year) + y for y in range(-(-scenario.horizon_quarters // 4))]


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
            ("lab",), lab, "USD", "NPV at quarter 0 of free cash flow, owned assets valued at the horizon"
        ),
        "is_npv_leader": OutputInfo(
            ("lab",),
            lab,
            "1",
            "1 for the lab whose NPV of free cash flow is the highest of the labs in the sample (the "
            "first such lab on a tie); mean = P(its route wins on NPV)",
        ),
    }
    deals = deal_labels(scenario)
    if deals:
        out["partner_deal_npv_usd"] = OutputInfo(
            ("deal",),
            {"deal": deals},
            "USD",
            "the partner's return on its deal: NPV of its margin on the lab plus its stake at the "
            "horizon, less the investment",
            p_positive=True,
        )
    return out


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


def run_world(
    scenario: WorldScenario,
    draws: Mapping[str, FloatArray],
    n: int,
    policy: LabPolicy,
    *,
    keep_paths: bool = False,
) -> WorldResult:
    """Run a world scenario on one block's draws; paths shaped as :func:`describe_world_paths` says."""
    result = simulate_world(world_params(scenario, draws, n), policy, keep_paths=keep_paths)
    if not keep_paths:
        return result
    paths = dict(result.paths)
    labs = list(scenario.labs)
    deals = [label.split(":", 1)[1] for label in deal_labels(scenario)]
    accounts = paths.pop("partner_accounts_usd")
    if deals:
        paths["partner_accounts_usd"] = accounts[:, [labs.index(d) for d in deals]]
    return WorldResult(result.outputs, paths)
