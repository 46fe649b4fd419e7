"""The command line: results on screen and as files, JSON, input tables, and clear errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from tests.conftest import b1_like_inputs, imported_by
from typer.testing import CliRunner

import labecon
from labecon.cli import app

runner = CliRunner()


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m labecon`` in a subprocess, as a user would."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(Path("src").resolve()), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-m", "labecon", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_run_prints_a_table_and_writes_results(tmp_path: Path) -> None:
    out = tmp_path / "run1"
    result = runner.invoke(app, ["run", "b1", "--samples", "3000", "--seed", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    for word in ("pv_rent", "pv_build", "saving", "median", "P(> 0)"):
        assert word in result.output
    for name in (
        "summary.json",
        "summary.csv",
        "samples.parquet",
        "results.nc",
        "scenario.yaml",
        "manifest.json",
    ):
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 5
    assert manifest["n_samples"] == 3000
    # The scenario written beside the results runs again to the same numbers.
    again = labecon.simulate(out / "scenario.yaml", n_samples=3000, seed=5)
    saved = json.loads((out / "summary.json").read_text())
    assert again.summary()["saving"]["p50"] == saved["saving"]["p50"]


def test_default_out_is_a_fresh_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LABECON_STORE")  # the default store, here inside tmp_path
    first = _cli("run", "b1", "--samples", "500", cwd=tmp_path)
    second = _cli("run", "b1", "--samples", "500", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    runs = sorted(p for p in (tmp_path / "labecon-results").iterdir() if p.is_dir())
    assert len(runs) == 2
    assert all((r / "summary.json").is_file() for r in runs)


def test_json_prints_only_a_json_object(tmp_path: Path) -> None:
    result = _cli("run", "b1", "--samples", "2000", "--json", "--out", str(tmp_path / "j"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    for output in ("pv_rent", "pv_build", "saving"):
        for key in ("mean", "p5", "p50", "p95", "mean_se", "p5_se", "p50_se", "p95_se"):
            assert isinstance(report[output][key], float)
    assert 0.0 <= report["p_saving_positive"] <= 1.0
    expected = labecon.simulate("b1", n_samples=2000).summary()
    assert report["saving"]["p5"] == expected["saving"]["p5"]


def test_existing_results_are_never_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "keep"
    assert (
        runner.invoke(app, ["run", "b1", "--samples", "300", "--seed", "1", "--out", str(out)]).exit_code == 0
    )
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = runner.invoke(app, ["run", "b1", "--samples", "300", "--seed", "2", "--out", str(out)])
    assert result.exit_code == 2
    assert "--force" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    forced = runner.invoke(
        app, ["run", "b1", "--samples", "300", "--seed", "2", "--out", str(out), "--force"]
    )
    assert forced.exit_code == 0
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2


def test_inputs_file_gives_one_output_row_per_input_row(tmp_path: Path) -> None:
    inputs = pd.DataFrame(b1_like_inputs(123, seed=4))
    table = tmp_path / "design.csv"
    inputs.to_csv(table, index=False)
    out = tmp_path / "from-table"
    result = runner.invoke(app, ["run", "b1", "--inputs", str(table), "--out", str(out)])
    assert result.exit_code == 0, result.output
    samples = pd.read_parquet(out / "samples.parquet")
    assert len(samples) == 123
    np.testing.assert_array_equal(samples["g"].to_numpy(), inputs["g"].to_numpy())
    direct = labecon.simulate("b1", inputs={k: inputs[k].to_numpy() for k in inputs})
    np.testing.assert_array_equal(samples["saving"].to_numpy(), direct.dataset["saving"].to_numpy())


def test_parquet_inputs_work_too(tmp_path: Path) -> None:
    table = tmp_path / "design.parquet"
    pd.DataFrame(b1_like_inputs(40, seed=2)).to_parquet(table)
    result = runner.invoke(app, ["run", "b1", "--inputs", str(table), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["run", "nosuch"], "no built-in scenario or file"),
        (["run", "b1", "--samples", "0"], "--samples"),
        (["run", "b1", "--samples", "-3"], "--samples"),
        (["run", "b1", "--seed", "-1"], "seed"),
        (["run", "b1", "--chunk-size", "0"], "--chunk-size"),
        (["run", "b1", "--engine", "gpu"], "engine"),
        (["run", "b1", "--inputs", "missing.csv"], "missing.csv"),
        (["scenarios", "show", "nosuch"], "no built-in scenario"),
    ],
)
def test_bad_options_give_one_clear_line(tmp_path: Path, args: list[str], words: str) -> None:
    result = _cli(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    results = tmp_path / "labecon-results"
    assert not results.exists() or not any(p.is_dir() for p in results.iterdir()), "a refused run left files"


def test_bad_inputs_table_names_column_and_row(tmp_path: Path) -> None:
    cols = b1_like_inputs(10, seed=1)
    cols["pue"][6] = 0.5
    table = tmp_path / "bad.csv"
    pd.DataFrame(cols).to_csv(table, index=False)
    result = _cli("run", "b1", "--inputs", str(table), "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert result.returncode == 2
    assert "'pue'" in result.stderr
    assert "row 7" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_scenario_file_exits_nonzero_with_field(tmp_path: Path) -> None:
    data = yaml.safe_load(labecon.scenario_text("b1"))
    data["compute"]["pue"] = 0.5
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    result = _cli("run", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert "compute.pue" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_scenarios_list_and_show(tmp_path: Path) -> None:
    listed = runner.invoke(app, ["scenarios", "list"])
    assert listed.exit_code == 0
    assert "b1" in listed.output
    shown = runner.invoke(app, ["scenarios", "show", "b1"])
    assert shown.exit_code == 0
    path = tmp_path / "copy.yaml"
    path.write_text(shown.output)
    assert labecon.load_scenario(path) == labecon.load_scenario("b1")


def test_ctrl_c_then_resume_by_run_id(tmp_path: Path) -> None:
    """An interrupted CLI run is recorded as such and resumes to the uninterrupted result."""
    args = ["b1", "-n", "300000", "--engine", "numpy", "--keep", "summary", "--chunk-size", "2000"]
    store = tmp_path / "store"
    env = {
        **os.environ,
        "PYTHONPATH": str(Path("src").resolve()),
        "LABECON_CHECKPOINT_EVERY_S": "0",
        "LABECON_STORE": str(store),
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "labecon", "run", *args],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        # A shell running the suite in the background ignores SIGINT, and its children inherit
        # that: give the run Ctrl-C back, as a terminal's user has it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while (
        time.monotonic() < deadline
        and child.poll() is None
        and not list(store.glob("*/checkpoints/state.npz"))
    ):
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 130, stderr
    (run_id,) = [p.parent.parent.name for p in store.glob("*/checkpoints/state.npz")]
    assert f"labecon run --resume {run_id}" in stderr
    listed = subprocess.run(
        [sys.executable, "-m", "labecon", "runs", "list"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "interrupted" in listed.stdout
    resumed = subprocess.run(
        [sys.executable, "-m", "labecon", "run", "--resume", run_id, "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert resumed.returncode == 0, resumed.stderr
    whole = labecon.simulate("b1", n_samples=300_000, keep="summary", chunk_size=2000).summary()
    report = json.loads(resumed.stdout)
    for name in ("pv_rent", "pv_build", "saving"):
        for key in ("mean", "p5", "p50", "p95"):
            assert report[name][key] == whole[name][key], (name, key)
    assert not (store / run_id / "checkpoints").exists()


def test_resume_of_an_unknown_run_is_a_clear_error(tmp_path: Path) -> None:
    result = _cli("run", "--resume", "b1-20000101-000000-abcd", "--store", str(tmp_path / "s"), cwd=tmp_path)
    assert result.returncode == 2
    assert "b1-20000101-000000-abcd" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["run", "b1", "--backend", "spark"], "'spark' is not one of: local, dask"),
        (["run", "b1", "--workers", "2"], "--backend dask"),
        (["run", "b1", "--quantiles", "roughly"], "quantiles"),
        (["run", "b1", "--keep", "everything"], "keep"),
        (["run"], "name a scenario"),
        (["run", "b1", "--resume", "x"], "not both"),
    ],
)
def test_bad_run_options_name_the_option(tmp_path: Path, args: list[str], words: str) -> None:
    result = _cli(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_the_command_line_starts_without_the_models_stack() -> None:
    # `labecon --help` and `labecon scenarios list` answer at once: the model's libraries load
    # only when a command needs them.
    assert imported_by("labecon.cli", ("numba", "xarray", "pandas", "scipy.stats")) == []
