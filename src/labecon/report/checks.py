"""Charts of two checks on a scenario's answer: each deal's worth to both sides, and its conventions.

Built from :meth:`labecon.DealValues.to_dict` (``deals.json``) and
:meth:`labecon.ConventionsResult.to_dict` (``conventions.json``), saved in a run's or an
analysis's folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labecon.amounts import pct
from labecon.report.charts import Chart

DEALS = "Deals: what each is worth to both sides"
CONVENTIONS = "The route answer under the model's conventions"


def deal_chart(deals: Mapping[str, Any]) -> Chart:
    """Return a pair of bars per deal: the lab's median gain from it and the partner's median NPV of it."""
    names = deals.get("names", {}).get("deal", {})
    rows = deals["deals"][::-1]  # the scenario's first deal on top (a horizontal chart starts at the bottom)
    categories = [
        f"{names.get(d['deal'], d['deal'])}\n(both gain in {pct(d['both_gain']['value'])})" for d in rows
    ]
    return Chart(
        f"deals-{deals['scenario']}",
        "bars",
        "What each deal is worth to its lab and to its partner (medians)",
        "NPV, USD bn",
        "",
        {
            "orientation": "h",
            "categories": categories,
            "series": [
                {
                    "name": "the lab's gain (with less without)",
                    "values": [d["lab_gain_usd"]["p50"] * 1e-9 for d in rows],
                },
                {
                    "name": "the partner's NPV of the deal",
                    "values": [d["partner_npv_usd"]["p50"] * 1e-9 for d in rows],
                },
            ],
        },
        note=(
            f"the lab's NPV of free cash flow with the deal less without it, on its declared route, and the "
            f"partner's return on the deal, each its median over the same {deals['n_samples']:,} futures "
            f"(seed {deals['seed']}); their 90% ranges and the rivals' change are in deals.csv"
        ),
        section=DEALS,
    )


def convention_charts(conventions: Mapping[str, Any]) -> list[Chart]:
    """Return a chart per lab: its routes' P(best) under each variant, whiskers one standard error."""
    rows = conventions["rows"][::-1]  # "as declared" on top (a horizontal chart starts at the bottom)
    names = conventions.get("names", {}).get("lab", {})
    charts = []
    for lab, routes in rows[-1]["p_best"].items():
        charts.append(
            Chart(
                f"conventions-{lab}",
                "bars",
                f"{names.get(lab, lab)}: P(best) of each route under each convention",
                "P(best)",
                "",
                {
                    "orientation": "h",
                    "categories": [row["label"] for row in rows],
                    "series": [
                        {
                            "name": route,
                            "values": [row["p_best"][lab][route]["value"] for row in rows],
                            "errors": [row["p_best"][lab][route]["se"] for row in rows],
                        }
                        for route in routes
                    ],
                    "range": [0.0, 1.0],
                },
                note=(
                    f"each variant reruns the scenario on the same {conventions['n_samples']:,} futures "
                    f"(seed {conventions['seed']}) with one convention switched, the last with those "
                    "against owning together; whiskers: one standard error"
                ),
                section=CONVENTIONS,
            )
        )
    return charts
