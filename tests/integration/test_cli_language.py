"""The command line speaks its own language: its version, counts as people write them, --select everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import labecon
from labecon.cli import app
from labecon.cli.options import parse_count

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"labecon {labecon.__version__}"


@pytest.mark.parametrize(("text", "count"), [("1e5", 100_000), ("100000", 100_000), ("20_000", 20_000)])
def test_sample_counts_as_people_write_them(text: str, count: int) -> None:
    assert parse_count(text) == count


@pytest.mark.parametrize("text", ["1.5", "0", "-3", "many", "1e-3"])
def test_a_sample_count_that_is_not_a_whole_number_is_refused(text: str) -> None:
    with pytest.raises(typer.BadParameter, match="whole number"):
        parse_count(text)


@pytest.mark.parametrize("command", ["compare", "sensitivity", "optimize"])
def test_every_analysis_offers_select(command: str) -> None:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert "--select" in result.stdout


def test_optimize_lists_its_frontier_beside_the_scenario_as_declared(tmp_path: Path) -> None:
    args = [
        "optimize", "two-strategies", "--select", "lab=lab_own", "--param", "strategy.own_frac=0:0.6",
        "--objective", "mean(npv_fcf_usd)", "--constraint", "mean(is_ruined) <= 0.5",
        "--trials", "3", "-n", "200", "--out", str(tmp_path / "o"),
    ]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "as declared" in result.stdout
    assert "0.5" in next(line for line in result.stdout.splitlines() if "as declared" in line)


def test_implausible_values_are_warned_of_not_refused(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load(labecon.scenario_text("b1"))
    data["inputs"]["r"] = {"dist": "uniform", "low": 8, "high": 14}  # percent where a fraction belongs
    data["compute"]["dc_capex_usd_per_kw"] = 12  # thousands where dollars belong
    path = tmp_path / "slip.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = runner.invoke(app, ["run", str(path), "-n", "300", "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    warned = result.stderr
    assert "discount_rate_per_year (input r) = 8, 14" in warned
    assert "fraction per year" in warned
    assert "dc_capex_usd_per_kw = 12" in warned
    assert "USD per kW" in warned


def test_the_built_in_scenarios_raise_no_plausibility_warning() -> None:
    from labecon.scenario.plausibility import plausibility_warnings

    for name in labecon.list_scenarios():
        assert plausibility_warnings(labecon.load_scenario(name).model_dump(mode="json")) == [], name


def test_help_reads_as_written_brackets_and_paragraphs_kept() -> None:
    # Brackets are text, not markup that vanishes; a paragraph wraps to the screen, not to the source.
    sensitivity = runner.invoke(app, ["sensitivity", "--help"], env={"COLUMNS": "120"})
    assert "'npv_fcf_usd[lab=lab_own]'" in sensitivity.output
    conventions = runner.invoke(app, ["conventions", "--help"], env={"COLUMNS": "200"})
    assert "compute priced at signing, chips for free data-centre space ordered a quarter ahead" in " ".join(
        conventions.output.split()
    )
    lines = [line.strip() for line in conventions.output.splitlines()]
    assert not any(line.endswith("chips for free") for line in lines)  # broken where the source broke
