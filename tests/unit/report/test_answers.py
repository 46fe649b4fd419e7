"""The answers a run gives: human words only, dates for quarters, "never" apart, heavy tails flagged."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

import labecon
from labecon.amounts import input_in_words, money, pct, unit_money
from labecon.report.answers import answers, mean_by_line, where_furthest_behind
from labecon.report.words import OUTPUT_WORDS, heavy_tailed, quarter_date, reader_note, tail_index, year_span
from labecon.scenario.names import reader_names


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (0.44, "$0.44"),
        (0.3, "$0.30"),  # the zero is significant: beside $0.41 it must not read as $0.3
        (0.018, "$0.018"),
        (0.0999, "$0.10"),
        (2.1, "$2.1"),
        (150.0, "$150"),  # not $1.5e+02
        (-0.3, "-$0.30"),
        (0.0, "$0"),
        (float("nan"), "n/a"),
    ],
)
def test_a_price_per_unit_reads_as_money(x: float, text: str) -> None:
    assert unit_money(x) == text


@pytest.fixture(scope="module")
def world() -> labecon.Results:
    return labecon.simulate("two-strategies", 3000, 1)


def _text(results: labecon.Results) -> str:
    blocks = answers(results.dataset, yaml.safe_load(results.scenario_yaml))
    return "\n".join([b.title for b in blocks] + [line for b in blocks for line in b.lines])


def test_answers_name_no_internal_output(world: labecon.Results) -> None:
    text = _text(world)
    internal = set(OUTPUT_WORDS) | set(world.outputs)
    assert not [name for name in internal if name in text]
    assert not re.search(r"\b[a-z]+_[a-z_]+_(usd|frac|quarter)\b", text)


def test_first_profit_is_a_date_with_never_apart(world: labecon.Results) -> None:
    ds = world.dataset
    ever = ds["is_ever_profitable"].sel(lab="lab_partner").to_numpy()
    first = ds["first_profitable_quarter"].sel(lab="lab_partner").to_numpy()
    when = quarter_date(float(np.median(first[ever > 0])), 2026.25)
    (block,) = [b for b in answers(ds, {"start_year": 2026.25}) if b.title == "lab_partner"]
    line = next(line for line in block.lines if line.startswith("First profitable quarter"))
    assert when in line
    assert f"never profitable in {pct(1 - ever.mean())}" in line


def test_a_profitable_year_is_said_beside_the_first_profitable_quarter(world: labecon.Results) -> None:
    ds = world.dataset
    year = ds["first_profitable_year_quarter"].sel(lab="lab_partner").to_numpy()
    ever = year < 40
    when = quarter_date(float(np.median(year[ever])), 2026.25)
    (block,) = [
        b for b in answers(ds, {"start_year": 2026.25, "horizon_quarters": 40}) if b.title == "lab_partner"
    ]
    line = next(line for line in block.lines if line.startswith("First profitable quarter"))
    assert f"A profitable year (four quarters in a row adding up to a profit): first closed in {when}" in line
    assert f"never in {pct(1 - ever.mean())}" in line
    # One good quarter is not a profitable year: the year never comes first.
    first = ds["first_profitable_quarter"].to_numpy()
    assert np.all(ds["first_profitable_year_quarter"].to_numpy() >= first)
    assert np.any(ds["first_profitable_year_quarter"].to_numpy() > first)


def test_the_route_choice_comes_first_then_which_lab_leads(world: labecon.Results) -> None:
    scenario = yaml.safe_load(world.scenario_yaml)
    blocks = answers(world.dataset, scenario)
    # The labs by the names the scenario gives them for readers (their keys are for overrides).
    assert blocks[0].title.startswith("Route choice for OpenAI-like lab")
    assert blocks[1].title.startswith("Route choice for Anthropic-like lab")
    assert blocks[2].lines[0].startswith("Which lab has the highest NPV")
    # An alternative's gain: its median, and its mean with its standard error (a heavy tail shows).
    gain = world.routes["lab_own"]["commit"]["gain_usd"]
    (line,) = [x for x in blocks[0].lines if x.startswith("commit beats own")]
    said = f"median gain {money(gain['p50'])}, mean {money(gain['mean'])} ± {money(gain['mean_se'])} (90%"
    assert said in line
    # Paying back within the horizon is said apart from beating, and wins that come only with the
    # value beyond the horizon are pointed out where they are a tenth of them or more.
    for lab, block in (("lab_own", blocks[0]), ("lab_partner", blocks[1])):
        for route, fig in world.routes[lab].items():
            if fig["is_declared"] or fig["payback_median"] != "never":
                continue
            (line,) = [x for x in block.lines if x.startswith(f"{route} beats ")]
            assert f"pays back within the horizon in {pct(fig['p_pays_back']['value'])}" in line
            beats, pays = fig["p_beats_declared"]["value"], fig["p_pays_back"]["value"]
            assert ("its other wins come only with the value beyond" in line) == (beats - pays >= 0.1 * beats)
    # The last route block says where to see the answer under the model's other conventions,
    # what moves it, and when to switch (a lab's first switch, by the names of its routes).
    assert "labecon conventions two-strategies reruns them" in blocks[1].lines[-3]
    assert "the command labecon drivers two-strategies sweeps each" in blocks[1].lines[-2]
    assert "labecon breakeven two-strategies, given the route (--route)" in blocks[1].lines[-2]
    assert blocks[1].lines[-1] == (
        "When a lab would do best to switch from its declared route to another (own to commit, say): the "
        "command labecon switch two-strategies, given the lab (--lab) and the route (--to), tries each "
        "date on the same futures."
    )
    renamed = {**scenario, "name": "my-own"}
    assert "labecon conventions with this scenario's file" in answers(world.dataset, renamed)[1].lines[-3]
    assert "labecon drivers with this scenario's file" in answers(world.dataset, renamed)[1].lines[-2]
    assert "labecon switch with this scenario's file" in answers(world.dataset, renamed)[1].lines[-1]
    # Without the run's scenario the routes cannot be named: the labs' comparison leads.
    assert answers(world.dataset, None)[0].lines[0].startswith("Which lab has the highest NPV")


def test_the_report_opens_with_the_answers_in_human_words(world: labecon.Results, tmp_path: Path) -> None:
    pytest.importorskip("plotly")
    world.write(tmp_path / "run")
    page = labecon.write_report(tmp_path / "run").read_text(encoding="utf-8")
    start = page.index('<section class="answers">')
    first = page[start : page.index("</section>", start)]
    assert "Route choice for OpenAI-like lab" in first
    # Labs by their names; a key only inside the one path a reader is told to set.
    assert "lab_own" not in first.replace("labs.lab_own.lease.capacity_limit_mw", "")
    assert not [name for name in set(OUTPUT_WORDS) | set(world.outputs) if name in first]
    assert page.index('<section class="answers">') < page.index('<section class="summary">')
    assert "Appendix: assumptions and sources" in page
    assert "src:" in page or "assumption:" in page


def test_the_terminal_opens_with_the_answers(
    world: labecon.Results, capsys: pytest.CaptureFixture[str]
) -> None:
    from labecon.cli.rendering import print_answers

    print_answers(world)
    out = capsys.readouterr().out
    assert out.lstrip().startswith("Route choice for OpenAI-like lab (declared route: own)")
    assert "Which lab has the highest NPV" in out
    assert "First profitable quarter" in out


def test_an_investor_s_return_is_said_to_be_its_stake_alone(world: labecon.Results) -> None:
    scenario = yaml.safe_load(world.scenario_yaml)
    (partners,) = [b for b in answers(world.dataset, scenario) if b.title.startswith("The partners")]
    (nvidia,) = [line for line in partners.lines if line.startswith("Nvidia")]
    said = "Nvidia's return on its investment in OpenAI-like lab (its stake alone: what it sells"
    assert nvidia.startswith(said)
    # A cloud's deal is capacity and a stake: its return is on its deal.
    assert any(
        line.startswith("AWS's return on its deal with Anthropic-like lab: an NPV of")
        for line in partners.lines
    )
    # Without the scenario, who invests is not known: every line speaks of a deal.
    (bare,) = [b for b in answers(world.dataset, None) if b.title.startswith("The partners")]
    assert any(line.startswith("Nvidia's return on its deal with lab_own") for line in bare.lines)


def test_heavy_tails_are_told_from_light_ones() -> None:
    rng = np.random.default_rng(3)
    assert heavy_tailed(rng.pareto(1.2, 20_000))
    assert heavy_tailed(rng.lognormal(0.0, 3.0, 20_000))
    assert not heavy_tailed(rng.normal(size=20_000))
    assert not heavy_tailed(rng.uniform(size=20_000))
    assert tail_index(rng.normal(size=20_000)) > 3


def test_numbers_are_formatted_one_way() -> None:
    assert money(12.34e9) == "$12.3B"
    assert money(-4.5e8) == "-$450M"
    assert money(1.2e12) == "$1.2T"
    assert pct(0.0451) == "4.5%"
    assert pct(0.0001) == "<0.1%"
    assert pct(0.9996) == ">99.9%"  # not every sample: never "100.0%" beside "never in <0.1%"
    assert pct(1.0) == "100.0%"
    assert quarter_date(0, 2026.25) == "2026 Q2"
    assert quarter_date(12, 2026.25) == "2029 Q2"
    assert year_span(2026.25) == "April 2026 to March 2027"


def test_why_charts_show_where_the_money_goes_and_when_profit_comes(tmp_path: Path) -> None:
    from labecon.report.build import ReportInputs, build_charts

    res = labecon.simulate("two-strategies", 500, 2, keep_paths=True)
    charts = {
        c.id: c
        for c in build_charts(ReportInputs(res.dataset, res.manifest, scenario_yaml=res.scenario_yaml))
    }
    fall = charts["waterfall-lab_own"]
    income = res.dataset["income_statement_usd"].sel(lab="lab_own").sum("quarter").mean("sample")
    assert fall.data["total"]["value"] == pytest.approx(float(income.sel(income_line="net_income")), rel=1e-9)
    first = charts["first-profit"]
    assert first.data["categories"][-1] == "never"
    names = [s["name"] for s in first.data["series"]]
    assert names == [
        "OpenAI-like lab, a quarter",
        "OpenAI-like lab, a year",
        "Anthropic-like lab, a quarter",
        "Anthropic-like lab, a year",
    ]
    assert fall.title.startswith("OpenAI-like lab: revenue to net income")
    assert charts["drivers-npv_fcf_usd-lab_own"].title.endswith("(OpenAI-like lab)")
    # A lab keeps its colour: pale for its first profitable quarter, full for its first profitable year.
    looks = [(s["colour"], s["light"]) for s in first.data["series"]]
    assert looks == [(0, True), (0, False), (1, True), (1, False)]
    year = res.dataset["first_profitable_year_quarter"].sel(lab="lab_own").to_numpy()
    assert first.data["series"][1]["values"][-1] == pytest.approx(float(np.mean(year == 40)))
    never = 1 - res.dataset["is_ever_profitable"].sel(lab="lab_own").mean()
    assert first.data["series"][0]["values"][-1] == pytest.approx(float(never))
    assert sum(first.data["series"][0]["values"]) == pytest.approx(1.0)
    assert "drivers-npv_fcf_usd-lab_own" in charts
    assert "dist-first_profitable_quarter" not in charts  # never a number averaged with "never"


def test_route_charts_show_money_as_money_and_payback_as_dates(world: labecon.Results) -> None:
    from labecon.report.build import ReportInputs, build_charts

    ds = world.dataset
    charts = {
        c.id: c for c in build_charts(ReportInputs(ds, world.manifest, scenario_yaml=world.scenario_yaml))
    }
    # Money zero in every sample (the declared route's gain) is neither a probability nor a wall at 0.
    assert all(c.y_label != "probability" or "usd" not in c.id for c in charts.values())
    gain = [s["name"] for s in charts["dist-route_gain_usd"].data["series"]]
    assert gain == [
        "OpenAI-like lab: commit",
        "OpenAI-like lab: lease",
        "Anthropic-like lab: partner",
        "Anthropic-like lab: own",
        "Anthropic-like lab: lease",
    ]
    assert "not drawn: OpenAI-like lab: own, Anthropic-like lab: hybrid" in charts["dist-route_gain_usd"].note
    key = {reader_names(yaml.safe_load(world.scenario_yaml)).route(k): k for k in ds["route"].to_numpy()}
    npv = [s["name"] for s in charts["dist-route_npv_usd"].data["series"]]
    colour = {s["name"]: s["colour"] for s in charts["dist-route_npv_usd"].data["series"]}
    assert [colour[s["name"]] for s in charts["dist-route_gain_usd"].data["series"]] == [
        npv.index(name) for name in gain
    ]  # a route keeps its colour from chart to chart
    assert not any("route_gain_by_line_usd" in key for key in charts)  # the waterfalls draw it
    # A decade of growth spans orders of magnitude: a log axis, said in the axis title.
    revenue = charts["fan-revenue_usd_by_year"]
    assert revenue.data["log"]
    assert revenue.y_label.endswith("(log scale)")
    assert "dist-route_payback_quarter" not in charts  # a quarter with "never" is no plain number
    payback = charts["route-payback"]
    assert payback.data["categories"][-1] == "never"
    assert [s["name"] for s in payback.data["series"]] == gain
    horizon = yaml.safe_load(world.scenario_yaml)["horizon_quarters"]
    for series in payback.data["series"]:
        assert sum(series["values"]) == pytest.approx(1.0)
        quarter = ds["route_payback_quarter"].sel(route=key[series["name"]])
        assert series["values"][-1] == pytest.approx(float((quarter > horizon).mean()))  # never ahead
        # Paid back within the horizon: the dated bars, without the terminal value's.
        pays = float(ds["route_pays_back"].sel(route=key[series["name"]]).mean())
        assert pays == pytest.approx(float((quarter < horizon).mean()))
    at_end = ds["route_payback_quarter"] == horizon
    if "terminal value" in payback.data["categories"]:
        k = payback.data["categories"].index("terminal value")
        assert payback.data["series"][0]["values"][k] == pytest.approx(
            float(at_end.sel(route="lab_own:commit").mean())
        )
    else:
        assert not bool(at_end.any())


def test_the_report_points_out_an_implausible_input(tmp_path: Path) -> None:
    pytest.importorskip("plotly")
    data = yaml.safe_load(labecon.scenario_text("b1"))
    data["inputs"]["r"] = {"dist": "uniform", "low": 8, "high": 14}
    with pytest.warns(labecon.ImplausibleValueWarning, match="discount_rate_per_year"):
        res = labecon.simulate(data, 300, 1)
    page = labecon.write_report(res, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Check this input: compute.discount_rate_per_year (input r) = 8, 14" in page


def test_every_output_the_world_model_defines_has_words() -> None:
    # A chart or a sentence never falls back on an identifier made readable ("Is beyond ...").
    # (A compute scenario, as b1, names its own outputs and says them in its own words.)
    for name in ("two-strategies", "route-choice"):
        results = labecon.simulate(name, n_samples=8, seed=1)
        outputs = results.outputs
        assert not [o for o in outputs if o not in OUTPUT_WORDS], name
        # And a note under its chart: its description, the clauses for programmers left out.
        described = {o: str(results.dataset[o].attrs.get("description", "")) for o in outputs}
        assert not [o for o, text in described.items() if not reader_note(text)], name


def test_a_route_answer_names_what_builders_will_lease_the_lab(world: labecon.Results) -> None:
    # The limit decides how often leasing wins: each lab with a lease route is told it and where to set it.
    blocks = {b.title: b.lines for b in answers(world.dataset, yaml.safe_load(world.scenario_yaml))}
    for title, lab in (("OpenAI-like lab", "lab_own"), ("Anthropic-like lab", "lab_partner")):
        (lines,) = [lines for t, lines in blocks.items() if t.startswith(f"Route choice for {title}")]
        said = f"at most 2,295 MW (labs.{lab}.lease.capacity_limit_mw) here; set it to the supply"
        assert any(said in line for line in lines), lines


def test_no_lease_route_says_nothing_of_builders_and_no_limit_says_so() -> None:
    data = yaml.safe_load(labecon.scenario_text("two-strategies"))
    data["labs"]["lab_own"]["routes"] = {"commit": data["labs"]["lab_own"]["routes"]["commit"]}
    del data["labs"]["lab_partner"]["lease"]["capacity_limit_mw"]
    text = _text(labecon.simulate(data, 200, 1))
    assert "labs.lab_own.lease" not in text  # it leases on none of its routes
    assert "Builders lease it all it asks for at one price here (no labs.lab_partner.lease" in text


def test_a_route_most_often_best_but_behind_on_average_is_said_to_be(world: labecon.Results) -> None:
    # The Anthropic-like lab's owning is best in the most futures of two-strategies and far behind
    # its hybrid on average (docs/model.md, *One refill rule for both kinds of hall*).
    blocks = answers(world.dataset, yaml.safe_load(world.scenario_yaml))
    for lab, block in (("lab_own", blocks[0]), ("lab_partner", blocks[1])):
        routes = world.routes[lab]
        declared = next(r for r, f in routes.items() if f["is_declared"])
        best = max(routes, key=lambda r: routes[r]["p_best"]["value"])
        gain = routes[best].get("gain_usd", {"mean": 0.0, "mean_se": 0.0})
        behind = best != declared and gain["mean"] + 2 * gain["mean_se"] < 0
        said = [
            x for x in block.lines if x.startswith(f"Best on average is {declared}: {best}, most often best")
        ]
        assert bool(said) == behind
        if behind:
            assert f"is {money(-gain['mean'])} behind it in the mean" in said[0]
    assert any(x.startswith("Best on average is hybrid: own") for x in blocks[1].lines)


def test_where_a_route_most_often_best_falls_furthest_behind_is_said_with_its_inputs(
    world: labecon.Results,
) -> None:
    # Owning, most often best for the Anthropic-like lab, is behind its hybrid on average: the
    # answer says in which futures it falls furthest behind, and what sets them apart.
    blocks = answers(world.dataset, yaml.safe_load(world.scenario_yaml))
    line = next(x for x in blocks[1].lines if x.startswith("Best on average is hybrid: own"))
    worst = world.routes["lab_partner"]["own"]["tails"]["worst"]
    assert worst["inputs"], "the tail names no input"
    behind = money(-worst["mean_gain_usd"])
    assert f"The 5% of futures where own falls furthest behind hybrid, {behind} in their mean" in line
    for x in worst["inputs"]:
        side = "high" if x["percentile"] > 0.5 else "low"
        assert f"{x['description']} is {side} (" in line
    assert "% a year in their median" in line or "quarters in their median" in line


@pytest.mark.parametrize(
    ("x", "units", "text"),
    [
        (1.9116, "fraction per year", "191% a year"),
        (17_580_037.2, "USD per MW", "$17.6M per MW"),
        (12.0, "quarters", "12 quarters"),
        (0.5, "", "0.5"),
        (float("nan"), "quarters", "n/a"),
    ],
)
def test_an_inputs_value_reads_with_its_units(x: float, units: str, text: str) -> None:
    assert input_in_words(x, units) == text


def _tail_route(
    p_best: float, mean: float, worst: float, best: float, declared: bool = False
) -> dict[str, Any]:
    growth = {
        "input": "g_api",
        "description": "growth of API and enterprise spend",
        "units": "fraction per year",
        "percentile": 0.93,
        "median": 1.9,
        "overall_median": 1.0,
    }
    lead = {**growth, "input": "k_dc", "description": "data-centre lead time", "units": "quarters"}
    lead.update(percentile=0.2, median=5.0, overall_median=9.0)
    figures: dict[str, Any] = {"p_best": {"value": p_best, "se": 0.01}, "is_declared": declared}
    if not declared:
        figures["gain_usd"] = {"mean": mean, "mean_se": 1e9}
        figures["tails"] = {
            "worst": {"share": 0.05, "mean_gain_usd": worst, "inputs": [growth]},
            "best": {"share": 0.05, "mean_gain_usd": best, "inputs": [growth, lead]},
        }
    return figures


def test_where_a_route_falls_furthest_behind_reads_from_the_right_tail() -> None:
    # An alternative most often best but behind the declared route: its own worst futures.
    routes = {
        "hybrid": _tail_route(0.4, 0, 0, 0, declared=True),
        "own": _tail_route(0.45, -200e9, -4e12, 9e11),
    }
    said = where_furthest_behind(routes, "own", "hybrid", "hybrid")
    assert said == (
        "The 5% of futures where own falls furthest behind hybrid, $4T in their mean, are those where growth "
        "of API and enterprise spend is high (190% a year in their median, 100% a year over all futures)."
    )
    # The declared route most often best but behind an alternative: that one's best futures.
    said = where_furthest_behind(routes, "hybrid", "hybrid", "own")
    assert said.startswith("The 5% of futures where hybrid falls furthest behind own, $900B in their mean")
    assert (
        "and data-centre lead time is low (5 quarters in their median, 9 quarters over all futures)." in said
    )
    # No input sets the futures apart, or no tails kept: nothing said.
    routes["own"]["tails"]["worst"]["inputs"] = []
    assert where_furthest_behind(routes, "own", "hybrid", "hybrid") == ""
    routes["own"].pop("tails")
    assert where_furthest_behind(routes, "own", "hybrid", "hybrid") == ""


def test_a_routes_drivers_say_which_way_they_move_the_answer(world: labecon.Results) -> None:
    blocks = answers(world.dataset, yaml.safe_load(world.scenario_yaml))
    for lab, block in (("lab_own", blocks[0]), ("lab_partner", blocks[1])):
        lines = [x for x in block.lines if " beats " in x and "driven most by" in x]
        assert lines
        for route, f in world.routes[lab].items():
            if f["is_declared"] or not f["drivers"]:
                continue
            first, second = f["drivers"][:2]
            line = next(x for x in lines if x.startswith(f"{route} beats "))
            hi, lo = pct(first["p_beats_high"]["value"]), pct(first["p_beats_low"]["value"])
            said = f"(it wins in {hi} of the fifth of futures where that is highest, {lo} where lowest)"
            assert f"driven most by {first['description']} {said}" in line
            hi, lo = pct(second["p_beats_high"]["value"]), pct(second["p_beats_low"]["value"])
            assert f" and {second['description']} ({hi} where highest, {lo} where lowest)." in line


def test_the_mean_shortfall_is_said_line_by_line_largest_first_adding_up() -> None:
    lines = {
        "revenue": -97.5e9,
        "partner_compute": 180e9,
        "capex": -235e9,
        "terminal_value": -95.4e9,
        "staff": 41.5e9,
        "owned_compute_opex": -30e9,
        "rented_compute": 24e9,
    }
    alternative = {"gain_by_line_usd": {k: {"mean": v, "mean_se": 1e9} for k, v in lines.items()}}
    routes = {"hybrid": {"is_declared": True}, "own": alternative}
    said = mean_by_line(routes, "own", "hybrid", "hybrid")
    assert said == (
        "In the mean, own against hybrid by line: capital spending -$235B, compute from partners +$180B, "
        "revenue -$97.5B, value at the horizon -$95.4B, staff and R&D +$41.5B, the rest -$6B."
    )
    # The declared route behind an alternative: the alternative's lines, the other way round.
    flipped = mean_by_line(routes, "hybrid", "hybrid", "own")
    assert flipped.startswith("In the mean, hybrid against own by line: capital spending +$235B, ")
    assert mean_by_line({"hybrid": {}, "own": {}}, "own", "hybrid", "hybrid") == ""


def test_the_line_behind_on_average_says_where_the_gap_comes_from(world: labecon.Results) -> None:
    blocks = answers(world.dataset, yaml.safe_load(world.scenario_yaml))
    line = next(x for x in blocks[1].lines if x.startswith("Best on average is hybrid: own"))
    assert line.endswith(mean_by_line(world.routes["lab_partner"], "own", "hybrid", "hybrid"))
    gains = world.routes["lab_partner"]["own"]["gain_by_line_usd"]
    total = world.routes["lab_partner"]["own"]["gain_usd"]["mean"]
    assert sum(v["mean"] for v in gains.values()) == pytest.approx(total, rel=1e-9)  # they add up
