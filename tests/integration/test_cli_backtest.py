"""`labecon backtest`: the table, --json, --report, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from labecon.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LABECON_STORE", str(tmp_path / "store"))


def test_backtest_prints_the_table_and_coverage() -> None:
    result = runner.invoke(app, ["backtest", "backtest-2023", "--samples", "200", "--seed", "2"])
    assert result.exit_code == 0, result.output
    # A table per lab and metric, the lab by its name for readers (backtest-2023's display_name).
    for words in (
        "OpenAI: revenue run-rate, $bn/yr",
        "OpenAI: compute, GW",
        "Anthropic: revenue run-rate, $bn/yr",
        "│ 2025-12-31 │",
    ):
        assert words in result.output, words
    assert "90% band coverage, revenue run-rate:" in result.output
    assert "not scored:" in result.output
    assert "before the horizon starts" in result.output


def test_backtest_cuts_no_figure_on_an_80_column_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    from labecon.cli import backtest as backtest_command

    monkeypatch.setattr(backtest_command, "console", Console(width=80))
    result = runner.invoke(app, ["backtest", "backtest-2023", "--samples", "200", "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    assert "│ 2026-04-07 │" in result.output  # a row whole, the date first


def test_backtest_json_is_only_json(tmp_path: Path) -> None:
    result = runner.invoke(app, ["backtest", "backtest-2023", "-n", "100", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"points", "coverage_90", "crps_mean"} <= set(data)
    assert {"lab", "metric", "date", "value", "quantile", "in_band_90"} <= set(data["points"][0])
    assert list(tmp_path.iterdir()) == []  # nothing written without --report


def test_backtest_report_draws_a_fan_per_lab_and_metric_with_the_history(tmp_path: Path) -> None:
    out = tmp_path / "bt"
    result = runner.invoke(app, ["backtest", "backtest-2023", "-n", "100", "--report", "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text(encoding="utf-8")
    for lab in ("lab_own", "lab_partner"):
        for metric in ("revenue_run_rate_usd_per_year", "compute_gw"):
            assert f'data-chart="backtest-{lab}-{metric}"' in page
    assert "OpenAI: " in page  # each fan's title names the lab as readers know it
    assert "observed, outside 90%" in page
    assert 'data-chart="backtest-pit"' in page
    assert "https://" not in page.split("<script")[0]  # plotly.js is inline, nothing fetched
    assert json.loads((out / "backtest.json").read_text())["points"]


def test_a_malformed_history_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "h.csv"
    bad.write_text("lab,metric,date,value,source,reliability\nlab_own,compute_gw,2024-12-31,x,s,B\n")
    result = runner.invoke(app, ["backtest", "backtest-2023", "--history", str(bad)])
    assert result.exit_code == 2
    assert "h.csv, row 2, column 'value': 'x' is not a number" in result.output
    assert "Traceback" not in result.output


def test_a_report_that_cannot_be_written_is_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = runner.invoke(app, ["backtest", "backtest-2023", "-n", "20", "--report", "--out", str(blocker)])
    assert result.exit_code == 2
    assert f"--out: {blocker} exists and is not a folder" in result.output
    assert "Traceback" not in result.output


def test_a_report_already_in_out_is_kept_unless_forced(tmp_path: Path) -> None:
    args = ["backtest", "backtest-2023", "-n", "20", "--report", "--out", str(tmp_path)]
    (tmp_path / "report.html").write_text("mine")
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "already holds report.html; choose another --out or pass --force" in result.output
    assert (tmp_path / "report.html").read_text() == "mine"
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "report.html").read_text() != "mine"
    assert (tmp_path / "backtest.json").is_file()
