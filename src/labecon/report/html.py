"""One self-contained HTML report: plotly.js inline (opens offline), a plain-language summary, the charts.

Plotly is imported here only, when a report is written; a missing Plotly is an
:class:`~labecon.errors.OptionalDependencyError` with the install hint.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from labecon.amounts import money
from labecon.errors import OptionalDependencyError
from labecon.report.answers import Answer
from labecon.report.charts import Chart

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#393b79",
    "#e7969c",
    "#637939",
    "#ad494a",
    "#3182bd",
    "#fd8d3c",
)
"""Colours of successive series (Plotly's and D3's, ordered so neighbours contrast)."""

OUTLINES_FROM = 3
"""From this many series a histogram's bars are outlines, not filled: filled, six routes hid one another
(the dashboard draws them as cumulative lines; here the cumulative panel stands beside)."""

_CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 0; color: #222;
       background: #fafafa; }
header { background: #20324a; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 4px 0; font-size: 22px; }
header p { margin: 0; opacity: 0.85; font-size: 14px; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 32px 48px; }
section.summary { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px 20px; }
section.summary li { margin: 6px 0; line-height: 1.45; }
section.answers { background: #fff; border: 1px solid #ddd; border-left: 4px solid #20324a;
                  border-radius: 6px; padding: 12px 20px; margin-bottom: 16px; }
section.answers h3 { font-size: 16px; margin: 12px 0 4px; }
section.answers li { margin: 4px 0; line-height: 1.45; }
section.appendix table { border-collapse: collapse; width: 100%; font-size: 12px; background: #fff;
                         margin-bottom: 16px; }
section.appendix th, section.appendix td { border: 1px solid #ddd; padding: 4px 6px; text-align: left;
                                           vertical-align: top; }
section.appendix th { background: #eef1f5; }
h2 { font-size: 19px; border-bottom: 2px solid #20324a; padding-bottom: 4px; margin-top: 32px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
.card { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 8px; }
.card .note { font-size: 12px; color: #555; margin: 4px 8px 8px; }
.chart { height: 380px; }
footer { font-size: 12px; color: #666; margin-top: 32px; }
footer details { margin-top: 6px; } footer pre { white-space: pre-wrap; word-break: break-all; }
"""


def _plotly() -> Any:
    try:
        import plotly.graph_objects as go
    except ImportError:
        msg = "HTML reports need Plotly: pip install 'labecon[report]'"
        raise OptionalDependencyError(msg) from None
    return go


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _series_colour(series: dict[str, Any], k: int) -> str:
    """Return a series' colour: its own palette place (``colour``) or its order; ``light``: paler."""
    colour = PALETTE[series.get("colour", k) % len(PALETTE)]
    return _rgba(colour, 0.45) if series.get("light") else colour


def figure(chart: Chart) -> Any:
    """Return the Plotly figure of one chart."""
    go = _plotly()
    fig = go.Figure()
    d = chart.data
    if chart.kind == "fan":
        for k, s in enumerate(d["series"]):
            c = PALETTE[k % len(PALETTE)]
            x = d["x"]
            for lo, hi, alpha, label in (("p5", "p95", 0.15, "90%"), ("p25", "p75", 0.3, "50%")):
                if lo in s and hi in s:
                    fig.add_trace(
                        go.Scatter(
                            x=x,
                            y=s[hi],
                            mode="lines",
                            line={"width": 0},
                            showlegend=False,
                            hoverinfo="skip",
                            legendgroup=s["name"],
                        )
                    )
                    fig.add_trace(
                        go.Scatter(
                            x=x,
                            y=s[lo],
                            mode="lines",
                            line={"width": 0},
                            fill="tonexty",
                            fillcolor=_rgba(c, alpha),
                            name=f"{s['name']} {label}",
                            legendgroup=s["name"],
                        )
                    )
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=s["p50"],
                    mode="lines",
                    line={"color": c, "width": 2},
                    name=f"{s['name']} median",
                    legendgroup=s["name"],
                )
            )
        if d.get("log"):
            fig.update_yaxes(type="log", dtick=1)  # a tick per decade
    elif chart.kind == "prob":
        for k, s in enumerate(d["series"]):
            c = PALETTE[k % len(PALETTE)]
            fig.add_trace(
                go.Scatter(
                    x=d["x"],
                    y=s["p"],
                    mode="lines+markers",
                    line={"color": c},
                    name=s["name"],
                    # A chance is never below 0: the lower bar stops there.
                    error_y={
                        "type": "data",
                        "array": [1.96 * e for e in s["se"]],
                        "arrayminus": [min(1.96 * e, p) for e, p in zip(s["se"], s["p"], strict=True)],
                        "visible": True,
                    },
                )
            )
        fig.update_yaxes(rangemode="tozero")
    elif chart.kind == "hist_cdf":
        from plotly.subplots import make_subplots

        fig = make_subplots(rows=1, cols=2, subplot_titles=("histogram", "cumulative distribution"))
        filled = len(d["series"]) < OUTLINES_FROM
        for k, s in enumerate(d["series"]):
            c = PALETTE[s.get("colour", k) % len(PALETTE)]
            edges = s["edges"]
            # A step outline works on linear and log axes alike.
            xs = [edges[0], *(e for e in edges[1:-1] for _ in (0, 1)), edges[-1]]
            ys = [v for v in s["share"] for _ in (0, 1)]
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"color": c, "width": 1 if filled else 1.5},
                    fill="tozeroy" if filled else "none",
                    fillcolor=_rgba(c, 0.35),
                    name=s["name"],
                    legendgroup=s["name"],
                ),
                row=1,
                col=1,
            )
            if s.get("log"):
                fig.update_xaxes(type="log", dtick=1)  # a tick per decade: no crowded minor labels
            fig.add_trace(
                go.Scatter(
                    x=s["cdf_x"],
                    y=s["cdf_y"],
                    mode="lines",
                    line={"color": c},
                    name=s["name"],
                    legendgroup=s["name"],
                    showlegend=False,
                ),
                row=1,
                col=2,
            )
        fig.update_xaxes(title_text=chart.x_label)
        fig.update_yaxes(title_text=chart.y_label, row=1, col=1)
        fig.update_yaxes(title_text="P(value ≤ x)", range=[0, 1], row=1, col=2)
    elif chart.kind == "bars":
        horizontal = d.get("orientation") == "h"
        categories = [str(c).replace("\n", "<br>") for c in d["categories"]]  # Plotly breaks lines so
        for k, s in enumerate(d["series"]):
            err = {"type": "data", "array": s["errors"], "visible": True} if s.get("errors") else None
            kw = (
                {"x": s["values"], "y": categories, "error_x": err}
                if horizontal
                else {"x": categories, "y": s["values"], "error_y": err}
            )
            fig.add_trace(
                go.Bar(
                    orientation="h" if horizontal else "v",
                    name=s["name"],
                    marker_color=_series_colour(s, k),
                    **kw,
                )
            )
        fig.update_layout(barmode="group", showlegend=len(d["series"]) > 1)
        if "range" in d:
            (fig.update_xaxes if horizontal else fig.update_yaxes)(range=d["range"])
    elif chart.kind == "tornado":
        base = d["base"]
        fig.add_trace(
            go.Bar(
                y=d["inputs"],
                x=[v - base for v in d["low"]],
                base=base,
                orientation="h",
                name="input at its 5th percentile",
                marker_color=PALETTE[0],
            )
        )
        fig.add_trace(
            go.Bar(
                y=d["inputs"],
                x=[v - base for v in d["high"]],
                base=base,
                orientation="h",
                name="input at its 95th percentile",
                marker_color=PALETTE[1],
            )
        )
        fig.add_vline(x=base, line_dash="dash", line_color="#444")
        if d.get("zero"):  # a gain: where it changes sign, the answer turns
            fig.add_vline(x=0, line_color="#1d2330", line_width=2)
        # Side by side: overlaid, a bar hid the shorter one on its side.
        fig.update_layout(barmode="group")
    elif chart.kind == "lines":
        for k, s in enumerate(d["series"]):
            fig.add_trace(
                go.Scatter(
                    x=d["x"],
                    y=s["y"],
                    mode="lines",
                    name=s["name"],
                    # A series may take another's colour (a band's edges, dotted, its line's).
                    line={"color": PALETTE[s.get("color", k) % len(PALETTE)], "dash": s.get("dash", "solid")},
                    showlegend=bool(s["name"]),  # a band's second edge is named by its first
                )
            )
        if d.get("zero"):  # a gain: where it changes sign, the answer turns
            fig.add_hline(y=0, line_color="#1d2330", line_width=2)
        for x in d.get("marks", []):
            fig.add_vline(x=x, line_color=PALETTE[1], line_dash="dash")
    elif chart.kind == "waterfall":
        steps = [*d["steps"], d["total"]]
        fig.add_trace(
            go.Waterfall(
                x=[s["name"] for s in steps],
                y=[s["value"] for s in steps],
                measure=["relative"] * len(d["steps"]) + ["total"],
                text=[money(s["value"]) for s in steps],
                textposition="outside",
                increasing={"marker": {"color": PALETTE[2]}},
                decreasing={"marker": {"color": PALETTE[1]}},
                totals={"marker": {"color": PALETTE[0]}},
                connector={"line": {"color": "#999"}},
                showlegend=False,
            )
        )
    elif chart.kind == "scatter":
        pts = d["points"]
        for label, keep, colour in (("candidates", False, "#999"), ("frontier", True, PALETTE[1])):
            sel = [p for p in pts if p["frontier"] == keep]
            fig.add_trace(
                go.Scatter(
                    x=[p["x"] for p in sel],
                    y=[p["y"] for p in sel],
                    mode="markers",
                    name=label,
                    marker={"color": colour, "size": 9 if keep else 7},
                )
            )
        if "limit" in d:
            fig.add_vline(x=d["limit"], line_dash="dot", line_color="#444", annotation_text="limit")
    if "x_text" in d:
        # Quarters shown as calendar dates, about ten ticks whatever the horizon.
        step = max(1, len(d["x"]) // 10)
        fig.update_xaxes(tickvals=d["x"][::step], ticktext=d["x_text"][::step])
    if chart.y_label == "probability":
        # 80%, 1.5%, 0.05%: enough decimals that no two ticks read the same, none trailing.
        fig.update_yaxes(tickformat=".3~%")
    if chart.kind != "hist_cdf":
        fig.update_xaxes(title_text=chart.x_label)
        fig.update_yaxes(title_text=chart.y_label)
    fig.update_layout(
        title={"text": chart.title, "font": {"size": 15}},
        template="plotly_white",
        margin={"l": 70, "r": 20, "t": 60, "b": 55},
        # At the foot of the figure, which grows to hold it: placed under the plot instead, rotated tick
        # labels pushed the axis title into it; above it, a legend of two rows covered the title.
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
        },
        font={"size": 12},
    )
    return fig


CHART_HEIGHT_PX = 380
LEGEND_ROW_PX = 25
"""A chart's height, and what each row of its legend beyond the first adds (about two entries a row)."""
BARS_IN_HEIGHT, BAR_PX = 20, 9
"""Horizontal bars a chart's height holds, and what each one beyond them adds."""


def chart_height_px(fig: Any) -> int:
    """Return a chart's height: its plot keeps its size however many rows its legend takes.

    A horizontal bar chart of many bars (variants times routes) grows too, each bar keeping a
    readable height.
    """
    bars = sum(len(t.y) for t in fig.data if t.type == "bar" and t.orientation == "h" and t.y is not None)
    height = CHART_HEIGHT_PX + BAR_PX * max(0, bars - BARS_IN_HEIGHT)
    if fig.layout.showlegend is False:
        return height
    entries = sum(1 for t in fig.data if t.showlegend is not False and t.name)
    rows = -(-entries // 2) if entries > 1 else 0
    return height + LEGEND_ROW_PX * max(0, rows - 1)


@dataclass(frozen=True)
class Table:
    """A table of the appendix: a title and its rows (a DataFrame)."""

    title: str
    frame: pd.DataFrame


def _answers_html(blocks: Sequence[Answer]) -> str:
    parts = []
    for b in blocks:
        lines = "".join(f"<li>{html.escape(line)}</li>" for line in b.lines)
        head = f"<h3>{html.escape(b.title)}</h3>" if b.title else ""
        parts.append(f'<div class="answer">{head}<ul>{lines}</ul></div>')
    return f'<section class="answers"><h2 style="margin-top:8px">The answer</h2>{"".join(parts)}</section>'


_READER_WORDS = {"true": "yes", "false": "no", "null": "none"}
"""A scenario's YAML words for a switch and a value not set, as a reader writes them."""


def _cell(value: Any) -> str:
    """Return a table cell as a reader writes it: yes and no, none for a value not set (not YAML's words)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and math.isnan(value):
        return ""
    text = str(value)
    return _READER_WORDS.get(text, text)


def _table_html(table: Table) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.frame.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>"
        for row in table.frame.itertuples(index=False)
    )
    title = html.escape(table.title)
    return f"<h3>{title}</h3><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _appendix_html(tables: Sequence[Table]) -> str:
    if not tables:
        return ""
    inner = "".join(_table_html(t) for t in tables)
    return f'<h2>Appendix: assumptions and sources</h2><section class="appendix">{inner}</section>'


def render_html(
    title: str,
    subtitle: str,
    summary: Sequence[str],
    charts: Sequence[Chart],
    provenance: Mapping[str, Any],
    *,
    answers: Sequence[Answer] = (),
    appendix: Sequence[Table] = (),
) -> str:
    """Return the report page: plotly.js inline, the answers, the summary, the charts, the appendix."""
    _plotly()
    from plotly.offline import get_plotlyjs

    sections: dict[str, list[Chart]] = {}
    for c in charts:
        sections.setdefault(c.section, []).append(c)
    body = []
    for name, group in sections.items():
        cards = []
        for c in group:
            fig = figure(c)
            div = fig.to_html(
                full_html=False,
                include_plotlyjs=False,
                div_id=f"chart-{c.id}",
                default_height=f"{chart_height_px(fig)}px",
                config={"displaylogo": False, "responsive": True},
            )
            note = f'<p class="note">{html.escape(c.note)}</p>' if c.note else ""
            cards.append(f'<div class="card" data-chart="{html.escape(c.id)}">{div}{note}</div>')
        body.append(f'<h2>{html.escape(name)}</h2>\n<div class="grid">{"".join(cards)}</div>')
    items = "".join(f"<li>{html.escape(s)}</li>" for s in summary)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_CSS}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head>
<body>
<header><h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p></header>
<main>
{_answers_html(answers) if answers else ""}
<section class="summary"><h2 style="margin-top:8px">About this run</h2><ul>{items}</ul></section>
{"".join(body)}
{_appendix_html(appendix)}
{_footer_html(provenance, stamp)}
</main>
</body>
</html>
"""


def _footer_html(provenance: Mapping[str, Any], stamp: str) -> str:
    """Return the footer: what ran, in words, and everything recorded of it (folded, for an audit)."""
    p = dict(provenance)
    said = [
        f"scenario {p['scenario']}" if p.get("scenario") else "",
        f"{int(p['n_samples']):,} samples" if isinstance(p.get("n_samples"), int) else "",
        f"seed {p['seed']}" if p.get("seed") is not None else "",
        f"the {p['engine']} engine" if p.get("engine") else "",
    ]
    what = ", ".join(x for x in said if x)
    line = f"Written by labecon {p.get('labecon_version', '')}".rstrip() + f" on {stamp}"
    line += f": {what}." if what else "."
    if not p:
        return f"<footer>{html.escape(line)}</footer>"
    recorded = html.escape(json.dumps(p, indent=1, default=str))
    folded = f"<details><summary>Everything recorded of the run</summary><pre>{recorded}</pre></details>"
    return f"<footer>{html.escape(line)}{folded}</footer>"


def write_html(path: str | Path, page: str) -> Path:
    """Write the page (UTF-8) and return its path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    return target
