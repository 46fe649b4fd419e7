"""What once went wrong at the command line stays right: JSON, resume, dead runs, hints, analyses' choices."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import labecon
from labecon.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def test_run_json_of_a_scenario_with_labs_is_json(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["run", "two-strategies", "-n", "300", "--json", "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["npv_fcf_usd"]["mean"]) == 2  # one per lab


def test_resume_of_a_finished_run_leaves_it_done(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = runner.invoke(app, ["run", "b1", "-n", "2000", "--store", str(store), "--json"])
    assert first.exit_code == 0, first.output
    run_id = json.loads(first.stdout)["run"]["run_id"]
    again = runner.invoke(app, ["run", "--resume", run_id, "--store", str(store)])
    assert again.exit_code == 2
    assert "already finished" in again.stderr
    runs = labecon.RunStore(store)
    assert runs.get_manifest(run_id)["status"] == "done"
    assert runs.load(run_id).n_samples == 2000


def test_a_run_whose_process_died_is_shown_interrupted(tmp_path: Path) -> None:
    store = tmp_path / "store"
    code = (
        f"import labecon; print(labecon.RunStore({str(store)!r}).start_run({{'scenario': 'b1'}}, 'name: b1'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    run_id = done.stdout.strip()
    runs = labecon.RunStore(store)
    assert runs.get_manifest(run_id)["status"] == "interrupted"
    frame = runs.list_runs()
    assert frame.set_index("run_id").loc[run_id, "status"] == "interrupted"


def test_a_run_of_a_living_process_stays_running(tmp_path: Path) -> None:
    runs = labecon.RunStore(tmp_path / "store")
    run_id = runs.start_run({"scenario": "b1"}, "name: b1")
    assert runs.get_manifest(run_id)["status"] == "running"


@pytest.mark.cli
def test_sigterm_marks_the_run_interrupted(tmp_path: Path) -> None:
    store = tmp_path / "store"
    env = {**os.environ, "LABECON_STORE": str(store), "PYTHONPATH": str(ROOT / "src")}
    args = ["run", "b1", "-n", "200000000", "--keep", "summary", "--quantiles", "sketch"]
    proc = subprocess.Popen([sys.executable, "-m", "labecon", *args], env=env, cwd=tmp_path)
    runs = labecon.RunStore(store)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (runs.list_runs().empty or not list(store.glob("*/checkpoints"))):
        time.sleep(0.2)
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) != 0
    (status,) = runs.list_runs()["status"]
    assert status == "interrupted"


def test_a_missing_extra_keeps_its_brackets_and_the_run_its_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_report(*_: object, **__: object) -> Path:
        msg = "reports need Plotly and Matplotlib: pip install 'labecon[report]'"
        raise labecon.OptionalDependencyError(msg)

    monkeypatch.setattr(labecon, "write_report", no_report)
    result = runner.invoke(app, ["run", "b1", "-n", "2000", "--out", str(tmp_path / "r"), "--report"])
    assert "pip install 'labecon[report]'" in result.stderr
    assert "pv_rent" in result.stdout  # the tables are shown all the same
    assert (tmp_path / "r" / "summary.csv").is_file()
    assert result.exit_code == 2


def test_oat_on_an_output_by_lab_asks_which_lab(tmp_path: Path) -> None:
    base = ["sensitivity", "two-strategies", "is_npv_leader", "--method", "oat", "--force"]
    result = runner.invoke(app, [*base, "--out", str(tmp_path / "a")])
    assert result.exit_code == 2
    assert "--select" in result.stderr
    assert "lab_own" in result.stderr
    assert "lab_partner" in result.stderr


def test_compare_errors_name_command_line_options(tmp_path: Path) -> None:
    result = runner.invoke(app, ["compare", "b1", "--out", str(tmp_path / "c")])
    assert result.exit_code == 2
    assert "--strategies" in result.stderr
    assert "=" not in result.stderr.replace("--", "")
    result = runner.invoke(
        app,
        [
            "compare", "two-strategies", "--metric", "npv_fcf_usd", "--select", "lab=a",
            "--variant", "base:", "--variant", "more:labs.lab_own.strategy.own_frac=0.5",
            "-n", "200", "--out", str(tmp_path / "d"),
        ],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "select={" not in result.stderr
    assert "--select: lab='a' is not one of: lab_own, lab_partner" in result.stderr


def test_oat_of_one_lab_names_it_and_ranks_inputs_by_swing(tmp_path: Path) -> None:
    args = ["sensitivity", "two-strategies", "npv_fcf_usd", "--method", "oat", "--select", "lab=lab_own"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "NPV of free cash flow (npv_fcf_usd) for OpenAI-like lab" in result.stdout  # the lab by its name
    saved = json.loads((tmp_path / "s" / "sensitivity-oat.json").read_text())
    swing = dict(zip(saved["inputs"], saved["indices"]["swing"], strict=True))
    ranked = sorted(swing, key=lambda k: -abs(swing[k]))
    # A row's first cell is the input; a description folded onto more lines leaves it empty there.
    cells = [line.split("│")[1].strip() for line in result.stdout.splitlines() if line.startswith("│")]
    rows = [cell for cell in cells if cell]
    assert rows == ranked
    said = " ".join(result.stdout.split())
    assert "Inputs the scenario correlates moved together, each to its median given the one swept" in said
    held = runner.invoke(app, [*args, "--uncorrelated", "--out", str(tmp_path / "h")])
    assert held.exit_code == 0, held.output
    assert "ignores interactions and correlations" in " ".join(held.stdout.split())
    unmoved = json.loads((tmp_path / "h" / "sensitivity-oat.json").read_text())
    assert unmoved["extra"]["moved_with"] == {}
    moved = dict(zip(unmoved["inputs"], unmoved["indices"]["swing"], strict=True))
    assert moved["d_price"] != swing["d_price"]
    assert moved["g_api"] == swing["g_api"]  # an input no correlation names: the same either way


def test_sobol_names_a_group_of_correlated_inputs_in_words(tmp_path: Path) -> None:
    args = ["sensitivity", "route-choice", "route_gain_usd", "--select", "route=frontier_lab:own"]
    args += ["--method", "sobol", "--inputs", "d_price,g_api", "--samples", "8", "--out", str(tmp_path / "s")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert "d_price + e_serving" in said
    # The group's description is its inputs' (wrapped in its cell): the one, a "+", the other.
    row = said[said.index("d_price + e_serving") :]
    assert (
        row.index("decline of the reference price")
        < row.index("+ decline of")
        < row.index("inference compute")
    )
    assert "inputs the scenario correlates drawn together with their correlation" in said
    saved = json.loads((tmp_path / "s" / "sensitivity-sobol.json").read_text())
    assert saved["inputs"] == ["d_price + e_serving", "g_api"]


def test_result_files_are_readable_as_the_umask_allows(tmp_path: Path) -> None:
    before = os.umask(0o022)
    try:
        store = tmp_path / "store"
        result = runner.invoke(app, ["run", "b1", "-n", "500", "--store", str(store), "--json"])
        assert result.exit_code == 0, result.output
    finally:
        os.umask(before)
    files = [p for p in store.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert files
    private = [p.name for p in files if p.stat().st_mode & 0o044 != 0o044]
    assert not private


def test_paths_with_brackets_are_shown_whole(tmp_path: Path) -> None:
    out = tmp_path / "run [final]"
    result = runner.invoke(app, ["run", "b1", "-n", "300", "--out", str(out)], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert "run [final]" in result.stdout


@pytest.mark.parametrize("command", ["run b1 -n 300 --store {store}", "drivers route-choice"])
def test_an_out_that_cannot_hold_results_is_refused_before_any_run(tmp_path: Path, command: str) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine")
    store = tmp_path / "store"
    for out, said in ((blocker, "exists and is not a folder"), (blocker / "r", f"lies under {blocker}")):
        result = runner.invoke(app, [*command.format(store=store).split(), "--out", str(out)])
        assert result.exit_code == 2, result.output
        assert f"--out: {out} {said}" in result.output
        assert "Traceback" not in result.output
    assert blocker.read_text() == "mine"
    assert not store.exists()  # no run was recorded, let alone computed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # nor any probe left


def test_an_out_whose_folder_can_be_made_is_probed_without_a_trace(tmp_path: Path) -> None:
    out = tmp_path / "new" / "run"
    result = runner.invoke(app, ["run", "b1", "-n", "300", "--out", str(out), "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["run"]
    assert not [p for p in out.iterdir() if p.name.startswith(".labecon-")]
