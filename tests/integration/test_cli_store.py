"""The run store cleans up after itself, keeps --out runs where they lie, and reports name runs by id."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from tests.unit.runtime.test_store import toy_results
from typer.testing import CliRunner

import labecon
from labecon import layout
from labecon.cli import app

runner = CliRunner()


def _run(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["run", *args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_a_run_with_out_is_recorded_where_it_lies_not_copied(tmp_path: Path) -> None:
    store, out = tmp_path / "store", tmp_path / "mine"
    run_id = str(_run("b1", "-n", "2000", "--out", str(out), "--store", str(store))["run"]["run_id"])  # type: ignore[index]
    assert (out / layout.RESULTS_NC).is_file()
    assert (out / layout.SAMPLES_PARQUET).is_file()
    kept = {p.name for p in (store / run_id).iterdir()}
    assert layout.RESULTS_NC not in kept
    assert layout.SAMPLES_PARQUET not in kept
    runs = labecon.RunStore(store)
    assert runs.results_dir(run_id) == out.absolute()
    assert runs.load(run_id).n_samples == 2000


def test_summary_files_are_long_and_tidy(tmp_path: Path) -> None:
    out = tmp_path / "r"
    _run("two-strategies", "-n", "300", "--out", str(out))
    for frame in (pd.read_csv(out / layout.SUMMARY_CSV), pd.read_parquet(out / layout.SUMMARY_PARQUET)):
        columns = [
            "output",
            "description",
            "units",
            "lab",
            "year",
            "bound",
            "route",
            "npv_line",
            "deal",
            "statistic",
            "value",
        ]
        assert list(frame.columns) == columns
        assert not frame["value"].map(lambda v: isinstance(v, list | str)).any()
        mean_2030 = frame.query(
            "output == 'revenue_usd_by_year' and lab == 'lab_own' and statistic == 'mean'"
        )
        assert sorted(mean_2030["year"].tolist()) == list(range(2026, 2036))
        # Every row says what its output is, in words (a spreadsheet reader has no other key).
        assert (frame["description"].str.len() > 10).all()
        said = "revenue in each year from quarter 0 (year labelled by its start)"
        assert set(mean_2030["description"]) == {said}
    assert len(frame.query("output == 'npv_fcf_usd' and statistic == 'p50'")) == 2


def test_runs_rm_removes_a_run_and_leaves_its_out_folder(tmp_path: Path) -> None:
    store, out = tmp_path / "store", tmp_path / "mine"
    run_id = str(_run("b1", "-n", "500", "--out", str(out), "--store", str(store))["run"]["run_id"])  # type: ignore[index]
    result = runner.invoke(app, ["runs", "rm", run_id, "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert labecon.RunStore(store).list_runs().empty
    assert not (store / run_id).exists()
    assert (out / layout.RESULTS_NC).is_file()
    again = runner.invoke(app, ["runs", "rm", run_id, "--store", str(store)])
    assert again.exit_code == 2
    assert "unknown run id" in again.stderr


def test_runs_gc_removes_only_old_finished_runs(tmp_path: Path) -> None:
    runs = labecon.RunStore(tmp_path / "store")
    old = toy_results(seed=1)
    old.manifest["started"] = (datetime.now(UTC) - timedelta(days=40)).isoformat()
    old_id = runs.record(old)
    new_id = runs.record(toy_results(seed=2))
    going = runs.start_run({"scenario": "b1", "started": old.manifest["started"]}, "name: b1")
    args = ["runs", "gc", "--older-than", "30d", "--store", str(runs.root)]
    dry = runner.invoke(app, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert old_id in dry.stdout
    assert len(runs.list_runs()) == 3
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    assert sorted(runs.list_runs()["run_id"]) == sorted([new_id, going])


@pytest.mark.parametrize("age", ["30", "d", "-2d", "3y"])
def test_runs_gc_refuses_a_malformed_age(tmp_path: Path, age: str) -> None:
    result = runner.invoke(app, ["runs", "gc", "--older-than", age, "--store", str(tmp_path)])
    assert result.exit_code == 2
    assert "--older-than" in result.output


def test_report_takes_a_run_id(tmp_path: Path) -> None:
    store = tmp_path / "store"
    run_id = str(_run("b1", "-n", "500", "--store", str(store))["run"]["run_id"])  # type: ignore[index]
    result = runner.invoke(app, ["report", run_id, "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert (store / run_id / layout.REPORT_HTML).is_file()
    unknown = runner.invoke(app, ["report", "no-such-run", "--store", str(store)])
    assert unknown.exit_code == 2
    assert "no-such-run" in unknown.stderr


def test_format_xlsx_writes_a_workbook_of_every_table(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "r"
    _run("two-strategies", "-n", "300", "--out", str(out), "--format", "xlsx")
    book = openpyxl.load_workbook(out / layout.WORKBOOK_XLSX, read_only=True)
    names = book.sheetnames
    book.close()
    assert names == ["Summary", "Inputs", "Sources", "Run", "Samples"]
    summary = pd.read_excel(out / layout.WORKBOOK_XLSX, sheet_name="Summary")
    assert len(summary) == len(pd.read_csv(out / layout.SUMMARY_CSV))
    inputs = pd.read_excel(out / layout.WORKBOOK_XLSX, sheet_name="Inputs")
    assert "g_api" in set(inputs["input"])
    assert inputs["source"].notna().all()
    sources = pd.read_excel(out / layout.WORKBOOK_XLSX, sheet_name="Sources")
    assert "start_year" in set(sources["field"])
    assert sources["source"].notna().mean() > 0.9


def test_runs_export_writes_a_workbook(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    store = tmp_path / "store"
    run_id = str(_run("b1", "-n", "300", "--store", str(store))["run"]["run_id"])  # type: ignore[index]
    target = tmp_path / "b1.xlsx"
    result = runner.invoke(
        app, ["runs", "export", run_id, "--format", "xlsx", "--out", str(target), "--store", str(store)]
    )
    assert result.exit_code == 0, result.output
    with pd.ExcelFile(target) as book:
        assert "Sources" in book.sheet_names


def test_runs_rm_refuses_a_run_still_going(tmp_path: Path) -> None:
    runs = labecon.RunStore(tmp_path / "store")
    going = runs.start_run({"scenario": "b1"}, "name: b1")  # this process: alive
    result = runner.invoke(app, ["runs", "rm", going, "--store", str(runs.root)])
    assert result.exit_code == 2
    assert "still running" in result.stderr
    assert going in set(runs.list_runs()["run_id"])
