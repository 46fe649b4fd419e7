"""``labecon runs``: list, show and export recorded runs; clear one-line errors with exit status 2."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from tests.unit.runtime.test_store import toy_results
from typer.testing import CliRunner

import labecon
from labecon.cli import app

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path) -> labecon.RunStore:
    return labecon.RunStore(tmp_path / "store")


def _runs(*args: str, store: labecon.RunStore) -> tuple[int, str, str]:
    result = runner.invoke(app, ["runs", *args, "--store", str(store.root)])
    return result.exit_code, result.stdout, result.stderr


def test_list_shows_every_run(store: labecon.RunStore) -> None:
    done = store.record(toy_results(seed=7))
    going = store.start_run({"scenario": "b1", "seed": 9, "n_samples": 1_000_000}, "name: b1\n")
    code, out, _ = _runs("list", store=store)
    assert code == 0, out
    for text in (done, going, "toy", "done", "running", "1,000,000", "40", "local"):
        assert text in out


def test_list_never_cuts_a_scenario_s_name(store: labecon.RunStore) -> None:
    store.start_run({"scenario": "two-strategies", "seed": 1, "n_samples": 20_000}, "name: two-strategies\n")
    code, out, _ = _runs("list", store=store)
    assert code == 0, out
    assert "…" not in out
    assert re.search(r"│ two-strategies +│", out), out


@pytest.mark.parametrize("width", [80, 100])
def test_list_cuts_nothing_on_a_narrow_screen(
    store: labecon.RunStore, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.console import Console

    from labecon.cli import runs as runs_command

    monkeypatch.setattr(runs_command, "console", Console(width=width))
    store.record(toy_results(seed=7))
    store.start_run({"scenario": "two-strategies", "seed": 1, "n_samples": 20_000}, "name: two-strategies\n")
    code, out, _ = _runs("list", store=store)
    assert code == 0, out
    assert "…" not in out


def test_list_of_an_empty_store(store: labecon.RunStore) -> None:
    code, out, _ = _runs("list", store=store)
    assert code == 0
    assert "No runs recorded" in out


def test_the_store_comes_from_the_environment(
    store: labecon.RunStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    rid = store.record(toy_results())
    monkeypatch.setenv("LABECON_STORE", str(store.root))
    result = runner.invoke(app, ["runs", "list"])
    assert result.exit_code == 0
    assert rid in result.stdout


def test_show_prints_the_manifest_and_summaries(store: labecon.RunStore) -> None:
    results = toy_results(seed=3, keep_samples=False)
    rid = store.record(results)
    code, out, _ = _runs("show", rid, store=store)
    assert code == 0, out
    wanted = (rid, "Scenario hash", results.manifest["scenario_hash"], "mean", "p95", "element", "│ B ")
    for text in wanted:
        assert text in out
    mean = results.summaries["x"].mean
    assert f"{mean.value:.4g} ±{mean.se:.2g}" in out


def test_show_speaks_in_words_and_says_where_the_files_are(
    store: labecon.RunStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.console import Console

    from labecon.cli import rendering
    from labecon.cli import runs as runs_command

    out_dir = tmp_path / "mine"
    result = runner.invoke(
        app, ["run", "route-choice", "-n", "400", "--out", str(out_dir), "--store", str(store.root)]
    )
    assert result.exit_code == 0, result.output
    (rid,) = store.list_runs()["run_id"]
    narrow = Console(width=80)  # what it shows is never cut on an 80-column screen
    monkeypatch.setattr(runs_command, "console", narrow)
    monkeypatch.setattr(rendering, "console", narrow)
    code, out, _ = _runs("show", rid, store=store)
    assert code == 0, out
    said = " ".join(out.split())
    for text in ("Samples", "400", "Started (UTC)", "Route choice for"):
        assert text in said, text
    assert str(out_dir / "manifest.json") in "".join(out.split())  # a path folds at the screen's width
    # A world's run is shown in the tables it printed when it ran, in words and years.
    assert "Frontier lab (± one Monte Carlo standard error)" in out
    assert re.search(r"│ revenue 2026 +│", out), out  # by year, the label wrapped at its words
    assert "Every summary:" in out
    assert "…" not in out
    for internal in ("process_started", "pid", '"keep_paths"'):
        assert internal not in out, internal


def test_show_of_a_compute_run_prints_the_table_it_printed(
    store: labecon.RunStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.console import Console

    from labecon.cli import rendering
    from labecon.cli import runs as runs_command

    result = runner.invoke(
        app, ["run", "b1", "-n", "300", "--out", str(tmp_path / "b1"), "--store", str(store.root)]
    )
    assert result.exit_code == 0, result.output
    (rid,) = store.list_runs()["run_id"]
    narrow = Console(width=80)
    monkeypatch.setattr(runs_command, "console", narrow)
    monkeypatch.setattr(rendering, "console", narrow)
    code, out, _ = _runs("show", rid, store=store)
    assert code == 0, out
    assert "Results in USD billion" in out  # in billions, as the run printed them, not raw summaries
    assert re.search(r"│ saving +│", out), out
    assert "e+" not in out
    assert "…" not in out
    assert "Every summary:" in out


def test_show_of_an_unfinished_run_says_so(store: labecon.RunStore) -> None:
    rid = store.start_run({"scenario": "b1"}, "name: b1\n")
    store.mark(rid, "interrupted")
    code, out, _ = _runs("show", rid, store=store)
    assert code == 0
    assert "No results: the run is interrupted." in out


def test_export_writes_each_format_and_never_overwrites(store: labecon.RunStore, tmp_path: Path) -> None:
    results = toy_results(seed=5)
    rid = store.record(results)
    target = tmp_path / "exported.parquet"
    code, _out, err = _runs("export", rid, "--format", "parquet", "--out", str(target), store=store)
    assert code == 0, err
    pd.testing.assert_frame_equal(pd.read_parquet(target), results.samples_frame())
    code, _, err = _runs("export", rid, "--format", "parquet", "--out", str(target), store=store)
    assert code == 2
    assert "exists" in err
    assert "Traceback" not in err
    code, _, err = _runs("export", rid, "--format", "parquet", "--out", str(target), "--force", store=store)
    assert code == 0, err


def test_export_defaults_to_the_run_id_in_the_current_directory(
    store: labecon.RunStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rid = store.record(toy_results())
    monkeypatch.chdir(tmp_path)
    code, _out, err = _runs("export", rid, "--format", "netcdf", store=store)
    assert code == 0, err
    assert (tmp_path / f"{rid}.nc").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "no-such-run"], "unknown run id 'no-such-run'"),
        (["export", "no-such-run", "--format", "csv"], "unknown run id 'no-such-run'"),
        (["show", "../etc"], "malformed run id"),
    ],
)
def test_errors_are_one_clear_line(store: labecon.RunStore, args: list[str], message: str) -> None:
    store.record(toy_results())
    code, _, err = _runs(*args, store=store)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_an_unknown_format_is_refused(store: labecon.RunStore, tmp_path: Path) -> None:
    rid = store.record(toy_results())
    code, out, err = _runs("export", rid, "--format", "gif", "--out", str(tmp_path / "x"), store=store)
    assert code == 2
    assert "'gif' is not one of" in out + err


def test_a_corrupt_store_is_a_clear_error(store: labecon.RunStore) -> None:
    store.record(toy_results())
    store.db_path.write_bytes(b"garbage" * 100)
    code, _, err = _runs("list", store=store)
    assert code == 2
    assert "corrupt or unreadable" in err


def test_a_workbook_of_a_run_whose_scenario_cannot_be_read_again_says_so(
    store: labecon.RunStore, tmp_path: Path
) -> None:
    pytest.importorskip("openpyxl")
    rid = store.record(toy_results())
    code, _, err = _runs("export", rid, "--format", "xlsx", "--out", str(tmp_path / "x.xlsx"), store=store)
    assert code == 0, err
    sources = pd.read_excel(tmp_path / "x.xlsx", sheet_name="Sources")
    assert "cannot be read again" in sources["note"][0]
