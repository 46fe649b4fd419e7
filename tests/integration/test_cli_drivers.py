"""``labecon drivers``: what moves each route answer, input by input, or a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import labecon
from labecon.amounts import money
from labecon.cli import app

runner = CliRunner()


def test_drivers_prints_each_alternative_route_with_its_inputs_in_words() -> None:
    result = runner.invoke(app, ["drivers", "route-choice", "--seed", "3"])
    assert result.exit_code == 0, result.output
    expected = labecon.route_drivers("route-choice", seed=3)
    for route in ("own", "partner", "lease"):
        base = money(expected.base[f"frontier_lab:{route}"])
        assert f"Frontier lab: the gain of {route} over hybrid (NPV), {base}" in result.output
    assert "growth of API and enterprise spend" in result.output  # the inputs in words
    assert "turns which route is better" in result.output


def test_drivers_say_which_inputs_moved_with_the_one_swept() -> None:
    moved = runner.invoke(app, ["drivers", "route-choice", "--seed", "3"])
    assert moved.exit_code == 0, moved.output
    said = " ".join(moved.output.split())
    moved_together = "moved together, each to its median given the one swept: d_price and e_serving."
    assert f"Inputs the scenario correlates {moved_together}" in said
    assert "e_serving moving with it" in said
    held = runner.invoke(app, ["drivers", "route-choice", "--seed", "3", "--uncorrelated", "--json"])
    assert held.exit_code == 0, held.output
    expected = labecon.route_drivers("route-choice", seed=3, correlated=False).to_dict()
    assert json.loads(held.stdout) == json.loads(json.dumps(expected))
    assert expected["correlated"] is False


def test_drivers_of_one_lab_as_json_with_an_override() -> None:
    limit = "labs.frontier_lab.lease.capacity_limit_mw=500"
    args = ["drivers", "route-choice", "--lab", "frontier_lab", "--set", limit, "--seed", "3", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    changed = labecon.with_overrides("route-choice", {"labs.frontier_lab.lease.capacity_limit_mw": 500})
    expected = labecon.route_drivers(changed, seed=3).to_dict()
    assert json.loads(result.stdout) == json.loads(json.dumps(expected))


def test_drivers_name_the_field_of_what_is_wrong() -> None:
    compute = runner.invoke(app, ["drivers", "b1"])
    assert compute.exit_code == 2
    assert "scenario: a route answer is a world scenario's" in compute.output
    unknown = runner.invoke(app, ["drivers", "route-choice", "--lab", "nope"])
    assert unknown.exit_code == 2
    assert "--lab: 'nope' names no lab with routes" in unknown.output
    bad = runner.invoke(app, ["drivers", "route-choice", "--set", "inputs.g_api.ci90=fast"])
    assert bad.exit_code == 2
    assert "inputs.g_api" in bad.output
    assert "Traceback" not in compute.output + unknown.output + bad.output


def test_drivers_written_and_reported_and_never_overwritten_unasked(tmp_path: Path) -> None:
    args = ["drivers", "route-choice", "--seed", "3", "--out", str(tmp_path / "d")]
    result = runner.invoke(app, [*args, "--report"])
    assert result.exit_code == 0, result.output
    saved = json.loads((tmp_path / "d" / "drivers.json").read_text())
    assert saved == json.loads(json.dumps(labecon.route_drivers("route-choice", seed=3).to_dict()))
    report = (tmp_path / "d" / "report.html").read_text()
    assert "Frontier lab: what moves the gain of lease over hybrid" in report
    again = runner.invoke(app, args)
    assert again.exit_code == 2
    assert "--force" in again.output
    assert (tmp_path / "d" / "drivers.csv").is_file()  # the bars as a table, beside the JSON
    # A table of the user's own by that name is not overwritten either.
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "drivers.csv").write_text("my notes\n")
    refused = runner.invoke(app, ["drivers", "route-choice", "--out", str(tmp_path / "mine")])
    assert refused.exit_code == 2
    assert "drivers.csv exists" in refused.output
    assert (tmp_path / "mine" / "drivers.csv").read_text() == "my notes\n"
    assert not (tmp_path / "mine" / "drivers.json").exists()


def test_a_run_s_report_shows_what_moves_its_route_answer(tmp_path: Path) -> None:
    out = tmp_path / "run"
    args = ["run", "route-choice", "-n", "300", "--seed", "3", "--out", str(out), "--report"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "drivers.json" in result.output  # among the files written
    html = (out / "report.html").read_text()
    assert 'data-chart="drivers-frontier_lab-lease"' in html
    plain = runner.invoke(app, ["run", "b1", "-n", "300", "--out", str(tmp_path / "b1"), "--report"])
    assert plain.exit_code == 0, plain.output
    assert not (tmp_path / "b1" / "drivers.json").exists()  # no routes, no route answer to move
    # A lab that names only its declared route has no gain to move: its report is written without.
    alone = ["--set", "labs.frontier_lab.routes={hybrid: {}}", "--out", str(tmp_path / "alone"), "--report"]
    declared_only = runner.invoke(app, ["run", "route-choice", "-n", "300", *alone])
    assert declared_only.exit_code == 0, declared_only.output
    assert (tmp_path / "alone" / "report.html").is_file()
    assert not (tmp_path / "alone" / "drivers.json").exists()


def test_drivers_cut_no_input_name_or_figure_on_an_80_column_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    from labecon.cli import drivers as drivers_command

    monkeypatch.setattr(drivers_command, "console", Console(width=80))
    result = runner.invoke(app, ["drivers", "route-choice", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    assert "│ g_api " in result.output  # the name --set takes, whole
