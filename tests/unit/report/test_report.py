"""Report charts and summary from synthetic results with known numbers."""

from __future__ import annotations

import json
import sys
from html import escape as html_escape
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import labecon
from labecon.errors import OptionalDependencyError, OptionError
from labecon.report.answers import answers
from labecon.report.build import ReportInputs, build_charts, save_json, summary_sentences, write_report
from labecon.report.charts import fmt_number
from labecon.report.why import route_driver_charts

pytest.importorskip("plotly")


def _dataset(n: int = 400) -> xr.Dataset:
    rng = np.random.default_rng(0)
    years = [2026, 2027, 2028]
    labs = ["a", "b"]
    cash = rng.normal(size=(n, 2, 3)).cumsum(axis=2) * 1e9
    ruined = np.zeros((n, 3))
    ruined[: n // 4, 1:] = 1.0  # a quarter of samples ruined from the second year on
    npv = np.column_stack([rng.normal(1e9, 1e8, n), rng.lognormal(20, 2, n)])
    return xr.Dataset(
        {
            "cash_usd_by_year": (("sample", "lab", "year"), cash, {"units": "USD", "description": "cash"}),
            "ruined_by_year": (("sample", "year"), ruined, {"units": "1", "description": "ruined"}),
            "npv_usd": (("sample", "lab"), npv, {"units": "USD", "description": "NPV"}),
            "saving": (("sample",), np.where(np.arange(n) < 0.7 * n, 1.0, -1.0) * 1e6, {"units": "USD"}),
        },
        coords={"sample": np.arange(n), "lab": labs, "year": years},
    )


def test_charts_follow_the_outputs_dims() -> None:
    charts = {c.id: c for c in build_charts(ReportInputs(_dataset(), {"scenario": "toy", "n_samples": 400}))}
    fan = charts["fan-cash_usd_by_year"]
    assert fan.kind == "fan"
    assert [s["name"] for s in fan.data["series"]] == ["a", "b"]
    assert fan.data["x"] == [2026, 2027, 2028]
    prob = charts["prob-ruined_by_year"]
    assert prob.kind == "prob"
    assert prob.data["series"][0]["p"] == pytest.approx([0.0, 0.25, 0.25])
    dist = charts["dist-npv_usd"]
    assert dist.kind == "hist_cdf"
    # Both labs share one set of bins, so their histograms overlay correctly.
    assert dist.data["series"][0]["edges"] == dist.data["series"][1]["edges"]
    assert dist.data["series"][0]["cdf_y"][-1] <= 1.0


def test_a_chance_chart_stays_at_or_above_zero_and_its_legend_clears_the_axis() -> None:
    from labecon.report.html import figure

    ds = _dataset()
    ruined = np.zeros((400, 3))
    ruined[0, 2] = 1.0  # one sample in 400: its interval would reach below 0
    ds["ruined_by_year"] = (("sample", "year"), ruined, {"units": "1", "description": "1 if ruined"})
    charts = {c.id: c for c in build_charts(ReportInputs(ds, {"scenario": "toy", "n_samples": 400}))}
    prob = charts["prob-ruined_by_year"]
    assert prob.note.startswith("Share of samples, with its 95% interval; a sample counts 1 if ruined")
    fig = figure(prob)
    (trace,) = fig.data
    lows = [p - m for p, m in zip(trace.y, trace.error_y.arrayminus, strict=True)]
    assert min(lows) == 0.0
    assert trace.error_y.array[2] > trace.y[2]  # the upper bar is the whole interval
    # Ticks of 0.05% apart read apart (".1%" made 0.05% and 0.1% both "0.1%").
    assert fig.layout.yaxis.tickformat == ".3~%"
    # The legend sits at the foot of the figure, clear of rotated ticks, the axis title and the title.
    assert fig.layout.legend.yref == "container"
    assert fig.layout.legend.y == 0
    assert fig.layout.legend.yanchor == "bottom"


def test_a_chart_grows_with_its_legend_so_its_plot_keeps_its_size() -> None:
    from labecon.report.charts import Chart
    from labecon.report.html import CHART_HEIGHT_PX, chart_height_px, figure

    def bars(n: int) -> Chart:
        series = [{"name": f"cloud {k} with a lab", "values": [1.0, 2.0]} for k in range(n)]
        return Chart("x", "bars", "x", "", "USD", {"categories": ["a", "b"], "series": series})

    assert chart_height_px(figure(bars(1))) == CHART_HEIGHT_PX  # one series: no legend
    assert chart_height_px(figure(bars(2))) == CHART_HEIGHT_PX  # one row of it
    assert chart_height_px(figure(bars(8))) > chart_height_px(figure(bars(4))) > CHART_HEIGHT_PX

    # Many horizontal bars (nine variants times four routes) each keep a readable height.
    def routes(variants: str) -> Chart:
        series = [{"name": r, "values": [0.5] * len(variants)} for r in ("own", "partner", "lease", "hybrid")]
        data = {"orientation": "h", "categories": list(variants), "series": series}
        return Chart("y", "bars", "y", "", "", data)

    many, few = routes("abcdefghi"), routes("ab")
    assert chart_height_px(figure(many)) - chart_height_px(figure(few)) == 9 * (36 - 20)


def test_every_summary_number_comes_from_the_results() -> None:
    text = " ".join(
        summary_sentences(ReportInputs(_dataset(), {"scenario": "toy", "n_samples": 400, "seed": 3}))
    )
    assert "400 Monte Carlo samples, seed 3" in text
    said = " ".join(line for block in answers(_dataset()) for line in block.lines)
    assert "above zero in 70.0% of samples" in said
    assert "Ruined by 2028: 25.0%" in said
    assert "NPV (a): $986M in the median" in said


def test_write_report_from_results_and_dir_with_analyses(tmp_path: Path) -> None:
    res = labecon.simulate("b1", 500, 2)
    page = write_report(res, tmp_path / "r.html")
    html = page.read_text()
    assert html.count('class="card"') == 4  # pv_rent, pv_build, saving, and what drives the saving
    assert "plotly" in html.lower()
    assert "<script src=" not in html  # self-contained: plotly.js is inline
    # What ran, in words; everything recorded of it folded beneath, for an audit.
    said = f"Written by labecon {labecon.__version__} on "
    assert said in html
    footer = html.split("<footer>", 1)[1].split("</footer>", 1)[0]
    assert ": scenario b1, 500 samples, seed 2, the " in footer
    assert "<details><summary>Everything recorded of the run</summary>" in footer
    assert "&quot;scenario_hash&quot;: &quot;" + res.manifest["scenario_hash"] in footer
    res.write(tmp_path / "run")
    comp = labecon.compare("b1", strategies=["rent", "build"], n_samples=500, seed=2, evppi=False)
    save_json(tmp_path / "run" / "comparison.json", comp.to_dict(sample_rows=500))
    oat = labecon.sensitivity("b1", "saving", method="oat", inputs=["g", "p0"])
    save_json(tmp_path / "run" / "sensitivity-oat.json", oat.to_dict())
    page = write_report(tmp_path / "run", static=["png"])
    assert page == tmp_path / "run" / "report.html"
    html = page.read_text()
    for chart in ("cmp-means", "cmp-regret", "tornado-saving", "spider-saving"):
        assert f'data-chart="{chart}"' in html
    assert (tmp_path / "run" / "charts" / "tornado-saving.png").stat().st_size > 1000
    best = json.loads((tmp_path / "run" / "comparison.json").read_text())["best"]
    assert f"{best} has the best expected value" in html


def test_what_moves_the_route_answer_is_a_tornado_per_alternative_route(tmp_path: Path) -> None:
    drivers = labecon.route_drivers("route-choice", seed=3)
    drivers.save(tmp_path)  # a folder holding only this analysis is a report's source too
    html = write_report(tmp_path).read_text()
    for route in ("own", "partner", "lease"):
        assert f'data-chart="drivers-frontier_lab-{route}"' in html
    assert "<title>labecon report: route-choice</title>" in html  # a report of this analysis alone
    assert html_escape(drivers.summary) in html  # said above the charts
    assert "Frontier lab: what moves the gain of lease over hybrid" in html
    (chart,) = [c for c in route_driver_charts(drivers.to_dict()) if c.id == "drivers-frontier_lab-lease"]
    swing = [abs(h - lo) for h, lo in zip(chart.data["high"], chart.data["low"], strict=True)]
    assert swing == sorted(swing)  # the largest swing drawn last: on top
    assert chart.data["base"] == drivers.base["frontier_lab:lease"] * 1e-9  # USD bn, as its axis says
    assert chart.data["inputs"][-1] == "growth of API and enterprise spend"
    said = "moved together, each to its median given the one swept: decline of the reference price per unit"
    assert said in chart.note  # the two inputs in words, said once
    from_results = labecon.simulate("route-choice", 300, 3)
    page = write_report(from_results, tmp_path / "r.html", drivers=drivers.to_dict())
    assert 'data-chart="drivers-frontier_lab-lease"' in page.read_text()


def test_each_deal_s_worth_to_both_sides_is_a_pair_of_bars_first_deal_on_top(tmp_path: Path) -> None:
    from labecon.report.checks import deal_chart

    deals = labecon.deal_values("two-strategies", n_samples=60, seed=3)
    deals.save(tmp_path)  # a folder holding only this analysis is a report's source too
    html = write_report(tmp_path).read_text()
    assert "<title>labecon report: two-strategies</title>" in html
    assert html_escape(deals.headline()) in html  # said above the chart
    assert 'data-chart="deals-two-strategies"' in html
    chart = deal_chart(deals.to_dict())
    first = deals.deals[0]
    assert chart.data["categories"][-1].startswith(deals.names.deal(first.deal) + "\n(both gain in ")
    lab, partner = chart.data["series"]
    assert lab["values"][-1] == first.lab_gain["p50"] * 1e-9  # USD bn, as its axis says
    assert partner["values"][0] == deals.deals[-1].partner_npv["p50"] * 1e-9
    assert len(lab["values"]) == len(deals.deals)


def test_the_route_answer_under_the_conventions_is_a_chart_per_lab(tmp_path: Path) -> None:
    from labecon.report.checks import convention_charts

    result = labecon.conventions("route-choice", n_samples=40, seed=3)
    page = write_report(
        labecon.simulate("route-choice", 100, 3), tmp_path / "r.html", conventions=result.to_dict()
    )
    html = page.read_text()
    assert 'data-chart="conventions-frontier_lab"' in html
    assert html_escape(result.summary()) in html
    (chart,) = convention_charts(result.to_dict())
    assert chart.data["categories"][-1] == "as declared"  # on top
    assert [s["name"] for s in chart.data["series"]] == list(result.rows[0].p_best["frontier_lab"])
    own = next(s for s in chart.data["series"] if s["name"] == "own")
    assert own["values"][::-1] == [row.p_best["frontier_lab"]["own"][0] for row in result.rows]
    assert own["errors"][-1] == result.rows[0].p_best["frontier_lab"]["own"][1]


def test_errors_are_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(OptionError, match="holds no results"):
        write_report(tmp_path)
    with pytest.raises(OptionError, match="not a directory"):
        write_report(tmp_path / "missing")
    res = labecon.simulate("b1", 50, 1)
    with pytest.raises(OptionError, match="path"):
        write_report(res)
    with pytest.raises(OptionError, match="png or svg"):
        write_report(res, tmp_path / "x.html", static=["gif"])
    monkeypatch.setitem(sys.modules, "plotly.graph_objects", None)
    with pytest.raises(OptionalDependencyError, match=r"labecon\[report\]"):
        write_report(res, tmp_path / "y.html")


def test_numbers_for_people() -> None:
    assert fmt_number(2.5e12, "USD") == "$2.5T"
    assert fmt_number(-3.21e9, "USD") == "-$3.21B"
    assert fmt_number(float("nan")) == "n/a"


def test_dominance_says_nothing_is_worth_learning() -> None:
    from labecon.analysis.compare import compare_values

    rng = np.random.default_rng(1)
    x = rng.normal(size=500)
    comp = compare_values({"good": x + 1.0, "bad": x}, inputs={"x": x}).to_dict(sample_rows=500)
    inputs = ReportInputs(None, {}, comparison=comp)
    text = " ".join(summary_sentences(inputs))
    assert "good is best in every sample" in text
    assert "EVPI, = 0" in text
    ids = [c.id for c in build_charts(inputs)]
    assert "cmp-evppi" not in ids
    assert "cmp-regret" in ids


def test_a_fan_goes_on_a_log_axis_only_when_positive_and_spanning_orders_of_magnitude() -> None:
    from labecon.report.charts import LOG_SPREAD, _log_axis

    wide = [{"name": "a", "p5": [1.0, 2.0], "p50": [3.0, 10.0], "p95": [5.0, 2 * LOG_SPREAD]}]
    assert _log_axis(wide)
    assert not _log_axis([{"name": "a", "p5": [1.0, 2.0], "p50": [3.0, 4.0], "p95": [5.0, 9.0]}])
    assert not _log_axis([{"name": "a", "p5": [-1.0, 2.0], "p50": [3.0, 10.0], "p95": [5.0, 1e6]}])
    assert not _log_axis([{"name": "a", "p5": [0.0, 2.0], "p50": [3.0, 10.0], "p95": [5.0, 1e6]}])


def test_the_appendix_writes_values_as_readers_do(tmp_path: Path) -> None:
    res = labecon.simulate("route-choice", 100, 1)
    html = write_report(res, tmp_path / "r.html").read_text()
    appendix = html.split("Appendix: assumptions and sources", 1)[1]
    assert "<td>risks.chip_shortage.is_enabled</td><td>yes</td>" in appendix
    assert "<td>risks.chip_shortage.cloud</td><td>none</td>" in appendix
    assert "<td>None</td>" not in appendix
    assert "<td>True</td>" not in appendix


def test_an_inputs_description_is_wrapped_on_its_axis_not_cut() -> None:
    from labecon.report.html import figure
    from labecon.report.static import draw
    from labecon.report.why import axis_label, driver_charts

    said = "decline of the reference price per unit of service per year"
    assert axis_label(said) == "decline of the reference price per\nunit of service per year"
    assert axis_label("growth of API and enterprise spend") == "growth of API and enterprise spend"
    long = axis_label("a description that runs on and on, past the two lines of some thirty-six characters")
    first, second = long.split("\n")
    assert max(len(first), len(second)) <= 36
    assert second.endswith("…")
    # In a run's drivers chart: every word of a two-line description is on the axis.
    n = 300
    rng = np.random.default_rng(1)
    x = rng.normal(size=n)
    ds = xr.Dataset(
        {
            "input_value": (("sample", "input"), x[:, None]),
            "npv_usd": (("sample",), 2.0 * x + rng.normal(size=n), {"units": "USD", "description": "NPV"}),
        },
        coords={"sample": np.arange(n), "input": ["p_decline"]},
    )
    (chart,) = driver_charts(ds, ["npv_usd"], described={"p_decline": said})
    assert chart.data["categories"] == [axis_label(said)]
    # Plotly breaks the line with a tag (its labels are HTML); Matplotlib with the newline.
    assert list(figure(chart).data[0].y) == ["decline of the reference price per<br>unit of service per year"]
    fig = draw(chart)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == [axis_label(said)]
    fig.clf()


@pytest.mark.parametrize("n_series", [2, 3])
def test_many_series_histograms_are_outlines_so_none_hides_another(n_series: int) -> None:
    from labecon.report.charts import Chart, _hist_cdf
    from labecon.report.html import figure
    from labecon.report.static import draw

    rng = np.random.default_rng(2)
    series, _ = _hist_cdf([(f"route {k}", rng.normal(k, 1.0, 500)) for k in range(n_series)])
    chart = Chart("dist-x", "hist_cdf", "Distribution of x", "USD", "share of samples", {"series": series})
    histograms = [t for t in figure(chart).data if t.xaxis in (None, "x")]
    assert len(histograms) == n_series
    assert {t.fill for t in histograms} == ({"tozeroy"} if n_series < 3 else {"none"})
    fig = draw(chart)
    assert all(p.get_fill() == (n_series < 3) for p in fig.axes[0].patches)
    fig.clf()
