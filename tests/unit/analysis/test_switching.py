"""When to switch routes (labecon.switch_dates): each date is a route, paired on the same futures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import labecon
from labecon.cli.app import app
from labecon.scenario.schema import WorldScenario

N, SEED = 150, 3


@pytest.fixture(scope="module")
def yearly() -> labecon.SwitchDates:
    return labecon.switch_dates(
        "route-choice", "frontier_lab", "own", every_quarters=8, n_samples=N, seed=SEED
    )


def test_the_dates_are_the_start_then_every_so_many_quarters(yearly: labecon.SwitchDates) -> None:
    assert yearly.quarters == [0, 8, 16, 24, 32]
    assert yearly.dates == ["from the start", "2028 Q2", "2030 Q2", "2032 Q2", "2034 Q2"]
    assert (yearly.declared, yearly.to, yearly.lab_name) == ("hybrid", "own", "Frontier lab")
    assert sum(yearly.p_best.values()) == pytest.approx(1.0)
    assert set(yearly.p_best) == {"never", *yearly.dates}


def test_each_date_is_the_route_that_changes_then_on_the_same_futures(yearly: labecon.SwitchDates) -> None:
    # The same answer as adding the route by hand (the override the docs give) and reading its gain.
    change = {"from_quarter": 16, "own_frac": 0.75, "partner_frac": 0.0, "lease_frac": 0.0}
    switch = {"route_changes": [change]}
    sc = labecon.with_overrides("route-choice", {"labs.frontier_lab.routes.by_hand": switch})
    run = labecon.simulate(sc, n_samples=N, seed=SEED)
    gain = run.dataset["route_gain_usd"].sel(route="frontier_lab:by_hand").to_numpy()
    i = yearly.quarters.index(16)
    assert yearly.mean_gain_usd[i] == pytest.approx(float(gain.mean()), rel=1e-12)
    assert yearly.p_beats[i] == pytest.approx(float((gain > 0).mean()))
    assert yearly.mean_gain_se_usd[i] == pytest.approx(float(gain.std(ddof=1) / np.sqrt(N)), rel=1e-9)
    assert yearly.median_gain_usd[i] == pytest.approx(float(np.median(gain)), rel=1e-12)
    # From the start is the route itself: its share of futures beating the declared one.
    own = run.dataset["route_gain_usd"].sel(route="frontier_lab:own").to_numpy()
    assert yearly.p_beats[0] == pytest.approx(float((own > 0).mean()))


def test_a_declared_route_that_changes_at_dates_keeps_its_changes_until_the_switch() -> None:
    # The hybrid moves half its partner share to leases in 2029 and commits less from 2033.
    declared = [
        {"from_quarter": 12, "lease_frac": 0.5, "partner_frac": 0.25},
        {"from_quarter": 28, "commit_frac": 0.1},
    ]
    sc = labecon.with_overrides("route-choice", {"labs.frontier_lab.strategy.route_changes": declared})
    dates = labecon.switch_dates(sc, "frontier_lab", "partner", every_quarters=16, n_samples=N, seed=SEED)
    assert dates.quarters == [0, 16, 32]
    # By hand: the declared changes before the date, then the partner route's shares (its lease
    # and partner shares; the commit share in force then, 0.25 in 2030 and 0.1 in 2034).
    by_hand = {
        "in_2030": [declared[0], {"from_quarter": 16, "lease_frac": 0.0, "partner_frac": 0.75}],
        "in_2034": [*declared, {"from_quarter": 32, "lease_frac": 0.0, "partner_frac": 0.75}],
    }
    routes = {f"labs.frontier_lab.routes.{k}": {"route_changes": v} for k, v in by_hand.items()}
    run = labecon.simulate(labecon.with_overrides(sc, routes), n_samples=N, seed=SEED)
    for i, name in ((1, "in_2030"), (2, "in_2034")):
        gain = run.dataset["route_gain_usd"].sel(route=f"frontier_lab:{name}").to_numpy()
        assert dates.mean_gain_usd[i] == pytest.approx(float(gain.mean()), rel=1e-12)
    # Never switching is the declared route with all its changes: a switch in 2030 differs from it.
    assert dates.mean_gain_usd[1] != 0.0


def test_the_switches_a_scenario_offers_are_its_routes_that_change_only_shares() -> None:
    from labecon.scenario.routes import switch_targets

    sc = labecon.with_overrides(
        "route-choice",
        {
            "labs.frontier_lab.strategy.route_changes": [{"from_quarter": 12, "commit_frac": 0.1}],
            "labs.frontier_lab.routes.roomy": {"headroom_frac": 0.5},
        },
    )
    world = labecon.load_scenario(sc)
    assert isinstance(world, WorldScenario)
    assert switch_targets(world) == [
        ("frontier_lab", "hybrid", "own"),
        ("frontier_lab", "hybrid", "partner"),
        ("frontier_lab", "hybrid", "lease"),
    ]


def test_the_summary_names_the_best_date_on_average_and_those_not_told_apart(
    yearly: labecon.SwitchDates,
) -> None:
    i = yearly.best
    assert yearly.mean_gain_usd[i] == max(yearly.mean_gain_usd)
    said = yearly.summary()
    assert said.startswith("For Frontier lab, ")
    assert yearly.dates[i] in said
    assert yearly.dates[i] not in yearly.close_to_best
    for date in yearly.close_to_best:
        assert date in said.split("Not told apart from it")[1]
    # The dates far behind the best (here the last, a quarter of a year before the horizon's end)
    # are told apart from it.
    assert yearly.dates[-1] not in yearly.close_to_best
    assert json.loads(json.dumps(yearly.to_dict()))["close_to_best"] == yearly.close_to_best


def test_a_date_within_two_paired_standard_errors_is_not_told_apart() -> None:
    from labecon.analysis.switching import _close_to_best

    # Row 0 is best by 1 on average; row 1 trails it by 1 with a paired spread of 10 over 4
    # futures (standard error 5): close; row 2 trails by 5 with no spread: told apart.
    gain = np.array([[10.0, 20.0, 30.0, 40.0], [19.0, 9.0, 39.0, 29.0], [5.0, 15.0, 25.0, 35.0]])
    assert _close_to_best(gain) == [1]


@pytest.mark.parametrize(
    ("lab", "to", "every", "option", "words"),
    [
        ("nobody", "own", 4, "lab", "names no lab with routes"),
        ("frontier_lab", "hybrid", 4, "to", "not one of frontier_lab's alternative routes"),
        ("frontier_lab", "own", 0, "every_quarters", "from 1 to 39"),
        ("frontier_lab", "own", 40, "every_quarters", "from 1 to 39"),
    ],
)
def test_bad_options_are_named(lab: str, to: str, every: int, option: str, words: str) -> None:
    with pytest.raises(labecon.OptionError) as info:
        labecon.switch_dates("route-choice", lab, to, every_quarters=every, n_samples=20, seed=1)
    assert info.value.option == option
    assert words in str(info.value)


def test_a_route_that_changes_more_than_shares_cannot_be_switched_to() -> None:
    sc = labecon.with_overrides("route-choice", {"labs.frontier_lab.routes.roomy": {"headroom_frac": 0.5}})
    with pytest.raises(labecon.OptionError, match=r"to: route 'roomy' changes more than the shares"):
        labecon.switch_dates(sc, "frontier_lab", "roomy", n_samples=20, seed=1)
    with pytest.raises(labecon.ScenarioError, match="needs a world scenario"):
        labecon.switch_dates("b1", "lab", "own", n_samples=20, seed=1)


def test_the_command_prints_the_dates_and_writes_its_json(tmp_path: Path) -> None:
    out = tmp_path / "switch"
    args = ["switch", "route-choice", "--lab", "frontier_lab", "--to", "lease", "--every", "12", "-n", "60"]
    done = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "Frontier lab switching from hybrid to lease" in done.output
    for row in ("from the start", "from 2029 Q2", "from 2032 Q2", "from 2035 Q2", "never (keeps hybrid)"):
        assert row in done.output
    saved = json.loads((out / "switch.json").read_text(encoding="utf-8"))
    assert saved["quarters"] == [0, 12, 24, 36]
    again = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert again.exit_code != 0
    assert "exists; choose another --out or pass --force" in again.output


def test_the_command_names_a_bad_option_without_a_traceback(tmp_path: Path) -> None:
    base = ["switch", "route-choice", "--lab", "frontier_lab", "-n", "20", "--out", str(tmp_path / "x")]
    done = CliRunner().invoke(app, [*base, "--to", "nowhere"])
    assert done.exit_code == 2
    assert "--to: 'nowhere' is not one of frontier_lab's alternative routes" in done.output
    assert "Traceback" not in done.output
    done = CliRunner().invoke(app, [*base, "--to", "own", "--every", "0"])
    assert done.exit_code == 2
    assert "--every" in done.output
    assert not (tmp_path / "x").exists(), "nothing is written for a refused command"


def test_the_report_draws_when_to_switch_and_says_the_answer(
    yearly: labecon.SwitchDates, tmp_path: Path
) -> None:
    from labecon.report.build import build_charts, load_report_inputs

    yearly.save(tmp_path)
    inputs = load_report_inputs(tmp_path)
    (chart,) = [c for c in build_charts(inputs) if c.id == "switch-frontier_lab-own"]
    assert chart.title == "Frontier lab: when to switch from hybrid to own"
    assert chart.data["categories"][:2] == ["from the start", "from 2028 Q2"]
    assert chart.data["series"][0]["values"] == pytest.approx([g * 1e-9 for g in yearly.mean_gain_usd])
    page = labecon.write_report(tmp_path)
    html = page.read_text(encoding="utf-8")
    assert yearly.summary() in html
    assert "when to switch from hybrid to own" in html


def test_a_best_date_within_two_standard_errors_of_never_switching_is_said_so(
    yearly: labecon.SwitchDates,
) -> None:
    from dataclasses import replace

    i, se = yearly.best, yearly.mean_gain_se_usd[yearly.best]

    def best_by(multiple: float) -> labecon.SwitchDates:
        # The best date `multiple` standard errors above keeping the declared route, the others below.
        gains = [
            multiple * se if j == i else min(g, 0.5 * multiple * se)
            for j, g in enumerate(yearly.mean_gain_usd)
        ]
        return replace(yearly, mean_gain_usd=gains)

    said = "within two standard errors of keeping hybrid"
    assert said in best_by(1.5).summary()
    assert said not in best_by(5.0).summary()
