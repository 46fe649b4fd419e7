"""--set PATH=VALUE overrides any field or input, with the scenario's own checks and messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import labecon
from labecon.cli import app

runner = CliRunner()


def _run(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "route-choice", "-n", "200", "--out", str(out), "--json", *args])
    return result.exit_code, result.stdout, result.stderr


def test_set_starts_a_risk_event_the_scenario_does_not_list(tmp_path: Path) -> None:
    code, stdout, _ = _run(tmp_path, "--set", "risks.chip_shortage.probability=1")
    assert code == 0
    data = json.loads(stdout)
    assert next(iter(data)) == "routes"  # the answer comes first
    ran = labecon.load_scenario(str(tmp_path / "out" / "scenario.yaml"))
    assert ran.risks.chip_shortage is not None  # type: ignore[union-attr]
    assert ran.risks.chip_shortage.probability == 1  # type: ignore[union-attr]


def test_set_on_an_input_gives_what_the_python_api_gives(tmp_path: Path) -> None:
    code, stdout, _ = _run(tmp_path, "--set", "inputs.g_api.ci90=[1.0, 3.0]")
    assert code == 0
    changed = labecon.with_overrides("route-choice", {"inputs.g_api.ci90": [1.0, 3.0]})
    res = labecon.simulate(changed, n_samples=200)
    npv = json.loads(stdout)["routes"]["frontier_lab"]["own"]["npv_usd"]["mean"]
    assert npv == pytest.approx(res.routes["frontier_lab"]["own"]["npv_usd"]["mean"], rel=1e-12)
    plain = labecon.simulate("route-choice", n_samples=200)
    assert plain.routes["frontier_lab"]["own"]["npv_usd"]["mean"] != pytest.approx(npv, rel=1e-6)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("labs.frontier_lab.strategy.own_frac=2", "labs.frontier_lab.strategy.own_frac: must be <= 1"),
        ("labs.nobody.cash_usd=1", "labs.nobody: no such field to override"),
        ("oops", "--set: expected PATH=VALUE"),
        ("inputs.g_api.ci90=[3.0, 1.0]", "inputs.g_api.ci90:"),
        ("risks.no_such_event.probability=1", "risks.no_such_event: no such field"),
    ],
)
def test_a_bad_setting_names_its_path_and_writes_nothing(tmp_path: Path, setting: str, message: str) -> None:
    code, _, err = _run(tmp_path, "--set", setting)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_samples_past_the_plausibility_bounds_are_said_once_summed_without_source_lines(
    tmp_path: Path,
) -> None:
    code, _, err = _run(tmp_path, "--set", "finance.plausible_max_revenue_usd_per_year=1")
    assert code == 0
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines[0].startswith("warning: futures past the plausibility bounds")
    assert "Frontier lab in 200 of 200 samples (" in lines[0]  # by its name for readers
    assert lines[0].endswith("revenue 200)")  # which bound, summed over the blocks
    assert (
        "under the alternative routes: at most 200 of 200 samples (Frontier lab, in the futures" in lines[1]
    )
    assert len(lines) == 2
    assert ".py" not in err
