"""What the command line shows of an analysis: ranked rows, noise said as noise, markup kept as text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import labecon
from labecon.cli import rendering


def _sobol(st: list[float], st_conf: list[float], suggested: int | None) -> labecon.SensitivityResult:
    n = len(st)
    return labecon.SensitivityResult(
        method="sobol",
        assumption="inputs independent",
        output="x",
        inputs=[f"in{i}" for i in range(n)],
        indices={
            "S1": np.zeros(n),
            "S1_conf": np.full(n, 0.01),
            "ST": np.asarray(st),
            "ST_conf": np.asarray(st_conf),
        },
        n_evaluations=100,
        suggested_n=suggested,
    )


def test_rows_are_ranked_by_total_effect_and_noise_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rendering.print_sensitivity(
        _sobol([0.1, 0.6, 0.3], [0.2, 0.05, 0.05], 4096), "sobol", "x[lab=a]", tmp_path
    )
    out = capsys.readouterr().out
    rows = [line.split()[1] for line in out.splitlines() if line.startswith("│")]
    assert rows == ["in1", "in2", "in0"]
    assert "x[lab=a]" in out  # a selection is text, not markup
    noise = next(line for line in out.splitlines() if line.startswith("Noise"))
    assert "in0" in noise
    assert "in1" not in noise
    assert "--samples 4096" in out


def test_resolved_indices_say_nothing_of_noise(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rendering.print_sensitivity(_sobol([0.6, 0.3], [0.05, 0.05], None), "sobol", "x", tmp_path)
    assert "Noise" not in capsys.readouterr().out


def test_an_error_keeps_its_brackets(capsys: pytest.CaptureFixture[str]) -> None:
    exit_ = rendering.fail("needs an extra: pip install 'labecon[report]'")
    assert exit_.exit_code == 2
    assert "labecon[report]" in capsys.readouterr().err


def test_an_option_error_names_the_command_line_option(capsys: pytest.CaptureFixture[str]) -> None:
    rendering.fail_from(labecon.OptionError("must be at least 1", "n_samples"))
    err = capsys.readouterr().err
    assert "--samples: must be at least 1" in err
    assert "n_samples" not in err


def test_world_tables_give_chances_as_percentages(capsys: pytest.CaptureFixture[str]) -> None:
    res = labecon.simulate("two-strategies", 200, 3)
    rendering.print_world_tables(res)
    out = capsys.readouterr().out
    # Labs and deals by their names for readers (the scenario's display_name), not their keys.
    assert "OpenAI-like lab (± one Monte Carlo standard error)" in out
    deal_rows = [line for line in out.splitlines() if line.startswith("│") and " with " in line]
    assert any("Google Cloud with Anthropic-like lab" in row for row in deal_rows), out
    # The partner's chance of a positive NPV is the last column: a percentage with its error.
    assert all(row.rstrip("│ ").split("│")[-1].strip().endswith("%") for row in deal_rows)
    assert "P(ruin by horizon)" in out
    assert rendering.plus_minus(0.9996, 0.0001, pct=True) == ">99.9% ±<0.1%"  # never a rounded 100%


def test_an_error_that_is_only_rounding_shows_as_zero() -> None:
    # A figure equal in every sample, summed in a different order in some, has an error of ~1e-17.
    assert rendering.estimate(0.2597, 5.6e-17, 1.0).endswith("±0")
    assert rendering.estimate(0.2597, 0.013, 1.0).endswith("±0.013")


@pytest.fixture(scope="module")
def two_strategies() -> labecon.Results:
    """A small run of two-strategies: two labs, eight partners' deals with long names."""
    return labecon.simulate(labecon.load_scenario("two-strategies"), n_samples=200, seed=1)


@pytest.mark.parametrize("width", [80, 100, 120])
def test_a_world_s_tables_cut_no_figure_short_on_a_narrow_screen(
    two_strategies: labecon.Results,
    width: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(rendering, "console", rendering.Console(width=width))
    rendering.print_world_tables(two_strategies)
    out = capsys.readouterr().out
    assert "…" not in out
    assert max(len(line) for line in out.splitlines()) <= width
    deals = out.split("Each partner's return on its deal")[1]
    assert deals.count("%") >= 2 * 8  # every deal's P(> 0) and its error, whole
