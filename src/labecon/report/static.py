"""Static images of report charts (PNG/SVG, for papers) through Matplotlib's Agg backend."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from labecon.amounts import money
from labecon.errors import OptionalDependencyError
from labecon.report.charts import Chart
from labecon.report.html import BAR_PX, BARS_IN_HEIGHT, OUTLINES_FROM, PALETTE


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg", force=True)  # no display needed; never opens a window
        import matplotlib.pyplot as plt
    except ImportError:
        msg = "static images need Matplotlib: pip install 'labecon[report]'"
        raise OptionalDependencyError(msg) from None
    return plt


def _extra_bar_inches(chart: Chart) -> float:
    """Return the height a horizontal bar chart of many bars adds, as the HTML's does (at 100 px an inch)."""
    if chart.kind != "bars" or chart.data.get("orientation") != "h":
        return 0.0
    bars = len(chart.data["categories"]) * len(chart.data["series"])
    return max(0, bars - BARS_IN_HEIGHT) * BAR_PX / 100


def draw(chart: Chart) -> Any:
    """Return a Matplotlib figure of one chart."""
    plt = _pyplot()
    d = chart.data
    if chart.kind == "hist_cdf":
        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    else:
        fig, ax = plt.subplots(figsize=(7, 4.2 + _extra_bar_inches(chart)))
        ax2 = None
    if chart.kind == "fan":
        for k, s in enumerate(d["series"]):
            c = PALETTE[k % len(PALETTE)]
            if "p5" in s:
                ax.fill_between(d["x"], s["p5"], s["p95"], color=c, alpha=0.15, lw=0)
            if "p25" in s:
                ax.fill_between(d["x"], s["p25"], s["p75"], color=c, alpha=0.3, lw=0)
            ax.plot(d["x"], s["p50"], color=c, label=f"{s['name']} median")
        if d.get("log"):
            ax.set_yscale("log")
    elif chart.kind == "prob":
        for k, s in enumerate(d["series"]):
            err = 1.96 * np.asarray(s["se"])
            ax.errorbar(
                d["x"], s["p"], yerr=err, color=PALETTE[k % len(PALETTE)], marker="o", ms=3, label=s["name"]
            )
        ax.set_ylim(bottom=0)
    elif chart.kind == "hist_cdf" and ax2 is not None:
        filled = len(d["series"]) < OUTLINES_FROM
        alpha = 0.5 if filled else 0.9
        for k, s in enumerate(d["series"]):
            c = PALETTE[s.get("colour", k) % len(PALETTE)]
            ax.stairs(s["share"], s["edges"], fill=filled, color=c, alpha=alpha, label=s["name"])
            ax2.plot(s["cdf_x"], s["cdf_y"], color=c, label=s["name"])
            if s.get("log"):
                ax.set_xscale("log")
                ax2.set_xscale("log")
        ax.set_title("histogram", fontsize=10)
        ax2.set_title("cumulative distribution", fontsize=10)
        ax2.set_ylim(0, 1)
        ax2.set_xlabel(chart.x_label)
        ax2.set_ylabel("P(value ≤ x)")
    elif chart.kind == "bars":
        cats = d["categories"]
        n = len(d["series"])
        pos = np.arange(len(cats))
        width = 0.8 / max(n, 1)
        for k, s in enumerate(d["series"]):
            off = pos + (k - (n - 1) / 2) * width
            if d.get("orientation") == "h":
                ax.barh(
                    off,
                    s["values"],
                    height=width,
                    xerr=s.get("errors"),
                    color=PALETTE[s.get("colour", k) % len(PALETTE)],
                    alpha=0.45 if s.get("light") else 1.0,
                    label=s["name"],
                )
                ax.set_yticks(pos, cats)
                if "range" in d:
                    ax.set_xlim(*d["range"])
            else:
                ax.bar(
                    off,
                    s["values"],
                    width=width,
                    yerr=s.get("errors"),
                    color=PALETTE[s.get("colour", k) % len(PALETTE)],
                    alpha=0.45 if s.get("light") else 1.0,
                    label=s["name"],
                )
                # Many or long labels lean, so that neighbours do not overwrite each other.
                lean = len(cats) > 4 or max((len(str(c)) for c in cats), default=0) > 14
                ax.set_xticks(pos, cats, rotation=30 if lean else 0, ha="right" if lean else "center")
    elif chart.kind == "tornado":
        base = d["base"]
        y = np.arange(len(d["inputs"]))
        ax.barh(
            y, np.asarray(d["low"]) - base, left=base, color=PALETTE[0], label="input at its 5th percentile"
        )
        ax.barh(
            y, np.asarray(d["high"]) - base, left=base, color=PALETTE[1], label="input at its 95th percentile"
        )
        ax.axvline(base, color="#444", ls="--", lw=1)
        ax.set_yticks(y, d["inputs"])
    elif chart.kind == "lines":
        for k, s in enumerate(d["series"]):
            ax.plot(d["x"], s["y"], color=PALETTE[k % len(PALETTE)], label=s["name"])
    elif chart.kind == "waterfall":
        steps = d["steps"]
        level, x = 0.0, np.arange(len(steps) + 1)
        for i, s in enumerate(steps):
            colour = PALETTE[2] if s["value"] >= 0 else PALETTE[1]
            ax.bar(x[i], s["value"], bottom=level, color=colour)
            level += s["value"]
        ax.bar(x[-1], d["total"]["value"], color=PALETTE[0])
        ax.axhline(0, color="#444", lw=0.8)
        ax.set_xticks(x, [s["name"] for s in steps] + [d["total"]["name"]], rotation=20)
    elif chart.kind == "scatter":
        for keep, colour, label in ((False, "#999", "candidates"), (True, PALETTE[1], "frontier")):
            pts = [p for p in d["points"] if p["frontier"] == keep]
            ax.scatter([p["x"] for p in pts], [p["y"] for p in pts], color=colour, label=label)
        if "limit" in d:
            ax.axvline(d["limit"], color="#444", ls=":", lw=1)
    if chart.y_label.upper().startswith("USD"):
        # Money in the report's one format ($12.3B), not Matplotlib's 1e10 offset.
        from matplotlib.ticker import FuncFormatter

        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: money(v)))
    if "x_text" in d:
        step = max(1, len(d["x"]) // 6)
        ax.set_xticks(d["x"][::step], d["x_text"][::step])
    if chart.kind != "hist_cdf" or ax2 is None:
        ax.set_xlabel(chart.x_label)
    ax.set_ylabel(chart.y_label)
    fig.suptitle(chart.title, fontsize=12)
    handles, _ = ax.get_legend_handles_labels()
    # One series of bars needs no legend (the title names it), as in the HTML report.
    if handles and not (chart.kind == "bars" and len(d["series"]) == 1):
        ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def write_images(
    charts: Sequence[Chart], directory: str | Path, *, formats: Sequence[str] = ("png",)
) -> list[Path]:
    """Write each chart as ``<id>.<format>`` into ``directory``; return the files."""
    plt = _pyplot()
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for chart in charts:
        fig = draw(chart)
        try:
            for fmt in formats:
                # A file name every system accepts: fan-income_statement_usd-lab_own.png, not "...:lab_own".
                target = out / f"{re.sub(r'[^A-Za-z0-9_.-]', '-', chart.id)}.{fmt}"
                fig.savefig(target, dpi=150)
                written.append(target)
        finally:
            plt.close(fig)
    return written
