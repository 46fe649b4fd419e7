"""The backtest report: one self-contained HTML page, a fan chart per lab and metric with the observations.

A bar chart gives each observation's PIT. Each fan chart shows the model's
50% and 90% bands and median per quarter, and the observed values as points
(hover: date, value, PIT, source). Plotly is imported only when the page is
written; plotly.js is inlined, so the page opens offline.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from labecon._version import __version__
from labecon.analysis.backtest import BacktestResult, ScoredPoint, metric_label
from labecon.report.charts import Chart
from labecon.report.html import figure, render_html, write_html

_SCALE = {"revenue_run_rate_usd_per_year": (1e9, "USD bn per year"), "compute_gw": (1.0, "GW")}
"""Each metric's display scale and unit."""


def backtest_charts(result: BacktestResult) -> list[Chart]:
    """Return one fan chart per lab and metric the model gives, observations in ``extra['points']``."""
    charts = []
    for (lab, metric), fan in result.fans.items():
        scale, unit = _SCALE.get(metric, (1.0, ""))
        series = {"name": "model"} | {
            f"p{round(100 * p)}": [v / scale for v in values] for p, values in fan.quantiles.items()
        }
        pts = [p for p in result.points if p.lab == lab and p.metric == metric]
        charts.append(
            Chart(
                id=f"backtest-{lab}-{metric}",
                kind="fan",
                title=f"{result.lab_name(lab)}: {metric_label(metric)}",
                x_label="date (each quarter drawn at its middle)",
                y_label=unit,
                data={"x": [d.isoformat() for d in fan.dates], "series": [series]},
                note=_note(pts),
                section="Forecast and history",
                extra={"points": [_point(p, scale) for p in pts]},
            )
        )
    return charts


def pit_chart(result: BacktestResult) -> Chart:
    """Return a bar chart of each observation's PIT (the model's quantile of the observed value)."""
    return Chart(
        id="backtest-pit",
        kind="bars",
        title="Where each observation fell in the model's forecast (PIT)",
        x_label="observation",
        y_label="PIT",
        data={
            "categories": [
                f"{result.lab_name(p.lab)} {p.metric.split('_')[0]} {p.date.isoformat()}"
                for p in result.points
            ],
            "series": [{"name": "PIT", "values": [p.quantile for p in result.points]}],
        },
        note="A calibrated model spreads these evenly between 0 and 1; bars piled at 0 or 1 mean the "
        "observations fell outside the forecast's range.",
        section="Calibration",
    )


def _point(p: ScoredPoint, scale: float) -> dict[str, Any]:
    return {
        "x": p.date.isoformat(),
        "y": p.value / scale,
        "text": f"{p.date.isoformat()}: PIT {p.quantile:.2f}, {p.reliability}, {p.source}",
        "inside": p.in_band_90,
    }


def _note(points: list[ScoredPoint]) -> str:
    if not points:
        return "No observation of this lab and metric inside the horizon."
    inside = sum(p.in_band_90 for p in points)
    return f"{inside} of {len(points)} observations inside the model's 90% band."


def _figure(chart: Chart) -> Any:
    """Return the fan chart's Plotly figure with the observed points on it."""
    import plotly.graph_objects as go

    fig = figure(chart)
    kinds = ((True, "#2ca02c", "observed, inside 90%"), (False, "#d62728", "observed, outside 90%"))
    for inside, colour, name in kinds:
        pts = [p for p in chart.extra["points"] if p["inside"] == inside]
        if pts:
            fig.add_trace(
                go.Scatter(
                    x=[p["x"] for p in pts],
                    y=[p["y"] for p in pts],
                    mode="markers",
                    name=name,
                    marker={"color": colour, "size": 10, "symbol": "diamond"},
                    text=[p["text"] for p in pts],
                    hovertemplate="%{y:.3g}<br>%{text}<extra></extra>",
                )
            )
    return fig


def write_backtest_report(result: BacktestResult, path: str | Path) -> Path:
    """Write the backtest's HTML page (fan charts with the observed points) and return its path.

    Raises
    ------
    OptionalDependencyError
        If Plotly is not installed.
    """
    charts = backtest_charts(result)
    page = render_html(
        f"labecon backtest: {result.scenario}",
        f"{result.n_samples:,} samples, seed {result.seed}",
        _summary(result),
        [pit_chart(result)],
        {
            "scenario": result.scenario,
            "n_samples": result.n_samples,
            "seed": result.seed,
            "labecon_version": __version__,
        },
    )
    cards = []
    for c in charts:
        div = _figure(c).to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=f"chart-{c.id}",
            default_height="380px",
            config={"displaylogo": False, "responsive": True},
        )
        cards.append(
            f'<div class="card" data-chart="{html.escape(c.id)}">{div}'
            f'<p class="note">{html.escape(c.note)}</p></div>'
        )
    # render_html lays out the page and the summary; the fans carry extra traces (the observed
    # points), so their cards are drawn here and put in before the footer.
    body = f'<h2>Forecast and history</h2>\n<div class="grid">{"".join(cards)}</div>\n<footer>'
    return write_html(path, page.replace("<footer>", body, 1))


def _summary(result: BacktestResult) -> list[str]:
    lines = [
        f"{metric_label(m)}: {share:.0%} of {sum(p.metric == m for p in result.points)} observations "
        "inside the model's 90% band."
        for m, share in result.coverage(0.9).items()
    ]
    lines += [f"Not scored: {u}" for u in result.said_unscored()]
    return lines
