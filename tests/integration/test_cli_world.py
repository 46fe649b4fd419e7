"""The command line on a world scenario: per-lab tables, files, and --sources."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from labecon.cli import app

runner = CliRunner()


def test_run_two_strategies_prints_per_lab_tables_and_writes_files(tmp_path: Path) -> None:
    out = tmp_path / "ts"
    result = runner.invoke(app, ["run", "two-strategies", "--samples", "300", "--out", str(out)])
    assert result.exit_code == 0, result.output
    for words in (
        "OpenAI-like lab",  # labs and deals by their names for readers
        "Anthropic-like lab",
        "revenue 2026",
        "P(ruin by horizon)",
        "First profitable quarter",
        "peak funding need",
        "Google Cloud with Anthropic-like lab",
    ):
        assert words in result.output, words
    # The route choice, then the share of samples where each lab's NPV leads.
    assert "Route choice for Anthropic-like lab (declared route: hybrid)" in result.output
    assert "Which lab has the highest NPV" in result.output
    assert re.search(
        r"(OpenAI|Anthropic)-like lab in \d+\.\d% ± \d+\.\d%, (OpenAI|Anthropic)-like lab in", result.output
    )
    summary = json.loads((out / "summary.json").read_text())
    assert len(summary["is_ruined"]["mean"]) == 2
    assert sum(summary["is_npv_leader"]["mean"]) == pytest.approx(1.0, abs=1e-12)
    frame = pd.read_parquet(out / "samples.parquet")
    assert "revenue_usd_by_year[lab_own,2026]" in frame.columns
    assert len(frame) == 300


def test_scenarios_show_sources_lists_each_number_with_a_source() -> None:
    result = runner.invoke(app, ["scenarios", "show", "two-strategies", "--sources"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "labs.lab_own.cash_usd = 1.75e+10" in text
    assert "https://epoch.ai/" in text
    assert "assumption:" in text
    assert "(schema default)" in text
    assert "no source given" not in text
