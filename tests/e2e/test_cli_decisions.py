"""The decision commands from the command line: compare, sensitivity, optimize, report, run --target-se."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from labecon.cli import app

runner = CliRunner()


def test_compare_writes_json_and_report(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    r = runner.invoke(
        app, ["compare", "b1", "--strategies", "rent,build", "-n", "800", "--out", str(out), "--report"]
    )
    assert r.exit_code == 0, r.output
    assert "EVPI" in r.output
    assert "P(a beats b)" in r.output
    data = json.loads((out / "comparison.json").read_text())
    assert data["options"] == ["rent", "build"]
    assert (out / "report.html").is_file()
    again = runner.invoke(
        app, ["compare", "b1", "--strategies", "rent,build", "-n", "100", "--out", str(out)]
    )
    assert again.exit_code == 2
    assert "--force" in again.output


def test_compare_on_dollars_writes_dollars(tmp_path: Path) -> None:
    r = runner.invoke(
        app,
        ["compare", "route-choice", "--routes", "frontier_lab", "-n", "300", "--out", str(tmp_path / "c")],
    )
    assert r.exit_code == 0, r.output
    data = json.loads((tmp_path / "c" / "comparison.json").read_text())
    assert data["units"] == "USD"
    assert "e+" not in r.output, "amounts as people write them, not in scientific notation"
    assert "EVPI: $" in r.output
    text = " ".join(r.output.split())
    assert "higher NPV of free cash flow under each route (route_npv_usd) is better" in text
    assert "Frontier lab's routes (± one Monte Carlo standard error)" in text
    # The inputs worth learning in words, their names after them.
    assert re.search(r"EVPPI \(top inputs\): [a-z][A-Za-z -]+ \([a-z_]+\) \$", text)


def test_sensitivity_of_a_world_output_says_dollars_and_its_warnings_once(tmp_path: Path) -> None:
    args = ["sensitivity", "two-strategies", "npv_fcf_usd", "--select", "lab=lab_own", "--method", "oat"]
    r = runner.invoke(app, [*args, "--out", str(tmp_path / "s")])
    assert r.exit_code == 0, r.output
    assert "e+" not in r.output, "the output's values in dollars, not scientific notation"
    assert "$" in r.output
    text = " ".join(r.output.split())  # as read, whatever the terminal's width
    assert "growth of API and enterprise spend" in text, "each input said in words beside its name"
    assert "oat indices of NPV of free cash flow (npv_fcf_usd) for OpenAI-like lab" in text
    said = text.count("plausibility bounds")
    assert said <= 1, "futures past the plausibility bounds said once, summed, not once per evaluation"
    evaluations = json.loads((tmp_path / "s" / "sensitivity-oat.json").read_text())["n_evaluations"]
    if said:
        assert f" of {evaluations} samples" in text, "out of every evaluation, not only those that warned"


def test_optimize_on_dollars_writes_dollars(tmp_path: Path) -> None:
    args = ["optimize", "two-strategies", "--param", "labs.lab_own.strategy.own_frac=0.2:0.8"]
    args += ["--objective", "mean(npv_fcf_usd)", "--lab", "lab_own", "--trials", "3", "-n", "200"]
    r = runner.invoke(app, [*args, "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    assert "e+" not in r.output, "amounts as people write them, not in scientific notation"
    assert "mean(npv_fcf_usd) = $" in " ".join(r.output.split())


def test_optimize_says_when_the_best_is_at_an_end_of_its_range(tmp_path: Path) -> None:
    # b1's saving falls as headroom rises: the best headroom is the range's low end.
    args = ["optimize", "b1", "--param", "strategies.build.headroom_frac=0.1:0.3"]
    args += ["--objective", "mean(saving)", "--trials", "4", "-n", "200", "--out", str(tmp_path / "o")]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "Note: strategies.build.headroom_frac is at the low end of its range (0.1)" in text
    assert "mean(saving) = -$" in text, "b1's saving is in dollars (its declared units), said so"


def test_compare_variants_as_json(tmp_path: Path) -> None:
    r = runner.invoke(
        app,
        [
            "compare", "b1", "--metric", "pv_build", "--goal", "min", "-n", "500", "--json", "--no-evppi",
            "--variant", "lean:strategies.build.headroom_frac=0.1",
            "--variant", "ample:strategies.build.headroom_frac=0.3",
            "--out", str(tmp_path / "v"),
        ],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["best"] == "lean"
    assert data["evppi"] == {}


def test_sensitivity_optimize_and_report(tmp_path: Path) -> None:
    out = tmp_path / "a"
    r = runner.invoke(
        app, ["sensitivity", "b1", "saving", "--method", "oat", "--inputs", "g,p0", "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    assert "swing" in r.output
    assert "local" in r.output
    r = runner.invoke(
        app,
        [
            "optimize", "b1", "--param", "strategies.build.headroom_frac=0:0.5",
            "--objective", "mean(pv_build)", "--goal", "min", "--trials", "4", "-n", "200", "--out", str(out),
        ],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "Best of 4 candidates" in r.output
    r = runner.invoke(app, ["report", str(out), "--image", "svg"])
    assert r.exit_code == 0, r.output
    assert (out / "report.html").is_file()
    assert (out / "charts" / "tornado-saving.svg").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "b1", "--strategies", "rent,lease"], "unknown strategy 'lease'"),
        (["compare", "b1", "--outputs", "npv,pv_build"], "unknown output 'npv'"),
        (["sensitivity", "b1", "npv", "--method", "oat"], "unknown output 'npv'"),
        (
            ["optimize", "b1", "--param", "strategies.build.headroom_frac=0:0.5",
             "--objective", "mean(saving)", "--constraint", "p_positive(saving) >= 0.9", "--trials", "3",
             "-n", "100"],
            "no candidate met",
        ),
        (["optimize", "b1", "--param", "strategies.build.headroom_frac", "--objective", "saving"], "--param"),
        (["report", "nowhere"], "neither a results folder nor a run id"),
    ],
)  # fmt: skip
def test_bad_options_give_clear_errors(args: list[str], message: str, tmp_path: Path) -> None:
    r = runner.invoke(app, [*args, "--out", str(tmp_path / "x")] if args[0] != "report" else args)
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert "Traceback" not in r.output


def test_run_to_a_target_se(tmp_path: Path) -> None:
    r = runner.invoke(
        app,
        [
            "run", "b1", "-n", "200", "--seed", "4", "--target-se", "0.03", "--relative",
            "--target-stat", "pv_rent.p50", "--out", str(tmp_path / "r"),
            "--store", str(tmp_path / "store"), "--json", "--report",
        ],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    n = json.loads(r.stdout[r.stdout.index("{") :])["run"]["n_samples"]
    assert n > 200
    assert "pv_rent" in (tmp_path / "r" / "report.html").read_text()


def test_compare_variants_on_several_metrics(tmp_path: Path) -> None:
    r = runner.invoke(
        app,
        [
            "compare", "b1", "--metric", "pv_build", "--metric", "saving", "--goal", "pv_build=min",
            "--goal", "saving=max", "-n", "400", "--no-evppi", "--out", str(tmp_path / "m"), "--report",
            "--variant", "lean:strategies.build.headroom_frac=0.1",
            "--variant", "ample:strategies.build.headroom_frac=0.3",
        ],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "On saving: lean − ample" in r.output
    data = json.loads((tmp_path / "m" / "comparison.json").read_text())
    assert data["goal"] == "min"
    assert data["by_metric"]["saving"]["goal"] == "max"
    # pv_build lower is saving higher: both metrics pick the same variant.
    assert data["by_metric"]["saving"]["best"] == data["best"] == "lean"
    page = (tmp_path / "m" / "report.html").read_text()
    assert "On saving (higher is better): lean is best on average" in page
    assert 'data-chart="cmp-pbeats"' in page
