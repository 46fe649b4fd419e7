"""``labecon deals``: each deal's worth to its lab and its partner, side by side, or a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from labecon.cli import app

runner = CliRunner()


def test_deals_prints_each_deal_with_both_sides() -> None:
    result = runner.invoke(app, ["deals", "route-choice", "--samples", "200", "--seed", "3"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())  # the table and the note wrap at the terminal's width
    for words in (
        "route-choice: 200 samples, seed 3, the same futures with and without each deal",
        "run 2 of 2: without Partner cloud with Frontier lab",  # the deal by its names for readers
        "│ Partner cloud ",  # in the table: the partner, then with whom
        "│ with Frontier lab ",
        "lab's gain",
        "The partner's NPV: its return on",
        "• The deal leaves both sides better off in most futures (200 futures, seed 3",
    ):
        assert words in said, words


def test_deals_as_json_with_an_override() -> None:
    args = ["deals", "route-choice", "-n", "150", "--set", "clouds.partner_cloud.deal.stake_frac=0", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    [deal] = data["deals"]
    assert (deal["deal"], deal["lab"]) == ("partner_cloud:frontier_lab", "frontier_lab")
    assert data["names"]["deal"] == {"partner_cloud:frontier_lab": "Partner cloud with Frontier lab"}
    assert set(deal["lab_gain_usd"]) >= {"p5", "p50", "p95", "mean", "p_positive"}
    assert 0.0 <= deal["both_gain"]["value"] <= 1.0


def test_deals_of_a_scenario_without_deals_names_the_problem() -> None:
    result = runner.invoke(app, ["deals", "b1", "-n", "100"])
    assert result.exit_code == 2
    assert "scenario: deals are a world scenario's" in result.output
    assert "Traceback" not in result.output
    bad = runner.invoke(app, ["deals", "route-choice", "-n", "0"])
    assert bad.exit_code == 2
    assert "--samples" in bad.output


def test_deals_cut_nothing_short_on_a_narrow_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    # A rival's name and each figure wrap rather than end in an ellipsis ("OpenAI-l…").
    from labecon.cli import deals as deals_command

    monkeypatch.setattr(deals_command, "console", Console(width=100))
    result = runner.invoke(app, ["deals", "two-strategies", "--samples", "100", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    assert "What each deal is worth to both sides" in result.output


def test_deals_are_saved_and_an_earlier_result_is_kept_without_force(tmp_path: Path) -> None:
    out = tmp_path / "deals-here"
    args = ["deals", "route-choice", "-n", "60", "--seed", "3", "--out", str(out)]
    result = runner.invoke(app, [*args, "--report"])
    assert result.exit_code == 0, result.output
    assert "Written to" in result.output
    assert "Report:" in result.output
    assert 'data-chart="deals-route-choice"' in (out / "report.html").read_text()
    assert json.loads((out / "deals.json").read_text())["n_samples"] == 60
    table = (out / "deals.csv").read_text()
    assert table.startswith("deal,deal_name,lab,measure,party,party_name,")
    again = runner.invoke(app, args)
    assert again.exit_code == 2
    assert "exists; choose another --out or pass --force" in again.output
    assert (out / "deals.csv").read_text() == table  # untouched
    forced = runner.invoke(app, [*args, "--force", "--json"])
    assert forced.exit_code == 0, forced.output
    assert json.loads(forced.stdout)["seed"] == 3
