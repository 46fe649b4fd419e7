"""The run store: exact round trips, SQL, clear errors, and several processes writing at once."""

from __future__ import annotations

import json
import multiprocessing
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
import xarray as xr

import labecon
from labecon.errors import OptionError, OutputExistsError, StoreError
from labecon.runtime.results import Results
from labecon.runtime.store import DB_FILE, LIST_COLUMNS, STORE_ENV, RunStore, list_runs, load_run
from labecon.runtime.summary import summarize

RUN_ID = re.compile(r"^(?P<scenario>.+)-(?P<stamp>\d{8}-\d{6})-[0-9a-f]{4}$")


def toy_results(seed: int = 0, n: int = 40, *, keep_samples: bool = True, name: str = "toy") -> Results:
    """A small Results built by hand: a scalar output and one with a trailing ``lab`` dim."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = rng.lognormal(size=(n, 2))
    summaries = {"x": summarize(x, p_positive=True), "y": summarize(y)}
    stats = ["mean", "mean_se", "sd", "p5", "p5_se", "p50", "p50_se", "p95", "p95_se", "p_positive"]
    now = datetime.now(UTC).isoformat()
    manifest = {
        "scenario": name,
        "scenario_hash": f"{seed:064x}",
        "seed": seed,
        "n_samples": n,
        "backend": "local",
        "chunk_size": n,
        "labecon_version": "0.1.0",
        "started": now,
        "finished": now,
        "elapsed_s": 0.25,
    }
    data: dict[str, Any] = {
        "summary": (
            ("output", "statistic"),
            np.array([[summaries["x"].as_dict().get(k, np.nan) for k in stats]]),
            {"description": "summary over samples of each scalar output"},
        ),
        "summary_y": (
            ("statistic", "lab"),
            np.array([np.broadcast_to(summaries["y"].as_dict().get(k, np.nan), (2,)) for k in stats]),
            {"units": "USD", "description": "summary over samples of y"},
        ),
    }
    coords: dict[str, Any] = {"output": ["x"], "statistic": stats, "lab": ["A", "B"]}
    if keep_samples:
        # Per-sample values are kept for scalar outputs only in this toy.
        summaries = {"x": summaries["x"]}
        data["x"] = ("sample", x, {"units": "USD", "description": "x"})
        data["input_value"] = (("sample", "input"), np.stack([x * 2, x * 3], axis=1), {})
        coords.update(sample=np.arange(n), input=["a", "b"])
    ds = xr.Dataset(data, coords=coords, attrs=manifest)
    return Results(dataset=ds, summaries=summaries, manifest=manifest, scenario_yaml=f"name: {name}\n")


def assert_same_results(got: Results, want: Results) -> None:
    """Identical: every variable's bits, labels, attributes, summaries, manifest and scenario."""
    xr.testing.assert_identical(got.dataset, want.dataset)
    assert list(got.dataset.data_vars) == list(want.dataset.data_vars)
    assert got.dataset.attrs == want.dataset.attrs
    for name, var in want.dataset.variables.items():
        other = got.dataset[name]
        assert other.dtype == var.dtype, name
        assert other.dims == var.dims, name
        if var.dtype.kind == "f":
            assert other.to_numpy().tobytes() == var.to_numpy().tobytes(), name
        else:
            assert (other.to_numpy() == var.to_numpy()).all(), name
    assert got.manifest == want.manifest
    assert got.scenario_yaml == want.scenario_yaml
    assert list(got.summaries) == list(want.summaries)
    # json.dumps writes NaN as NaN: equal strings mean equal numbers, NaN included.
    assert json.dumps(got.summary()) == json.dumps(want.summary())
    for name, s in want.summaries.items():
        g = got.summaries[name]
        assert g.n_samples == s.n_samples
        assert list(g.percentiles) == list(s.percentiles)
        assert (g.p_positive is None) == (s.p_positive is None)
        assert np.asarray(g.mean.value).tobytes() == np.asarray(s.mean.value).tobytes()


@pytest.fixture(scope="module")
def b1_results() -> Results:
    return labecon.simulate("b1", n_samples=500, seed=3, chunk_size=200)


@pytest.fixture
def store(tmp_path: Path) -> RunStore:
    return RunStore(tmp_path / "store")


def test_a_simulated_run_round_trips_exactly(store: RunStore, b1_results: Results) -> None:
    rid = store.record(b1_results)
    assert_same_results(store.load(rid), b1_results)
    assert_same_results(load_run(rid, store.root), b1_results)


def test_a_run_with_trailing_dims_and_no_samples_round_trips(store: RunStore) -> None:
    results = toy_results(seed=4, keep_samples=False)
    rid = store.record(results)
    assert_same_results(store.load(rid), results)
    rows = store.summaries(rid)
    y_means = rows[(rows.output == "y") & (rows.statistic == "mean")]
    assert [json.loads(e) for e in y_means.element] == [{"lab": "A"}, {"lab": "B"}]
    np.testing.assert_array_equal(y_means.value.to_numpy(), results.summaries["y"].mean.value)
    x_mean = rows[(rows.output == "x") & (rows.statistic == "mean")]
    assert x_mean.element.tolist() == [""]
    assert x_mean.value.iloc[0] == results.summaries["x"].mean.value


def test_a_run_records_its_manifest_and_lifecycle(store: RunStore) -> None:
    results = toy_results(seed=1)
    rid = store.start_run({**results.manifest, "options": {"keep": "auto"}}, results.scenario_yaml)
    match = RUN_ID.match(rid)
    assert match is not None
    assert match["scenario"] == "toy"
    assert (store.run_dir(rid)).is_dir()
    listed = store.list_runs()
    assert listed.run_id.tolist() == [rid]
    assert listed.status.tolist() == ["running"]
    assert store.get_manifest(rid)["status"] == "running"
    with pytest.raises(StoreError, match=f"run '{rid}' has no results to load: its status is 'running'"):
        store.load(rid)
    store.finish_run(rid, results)
    manifest = store.get_manifest(rid)
    assert manifest["status"] == "done"
    assert manifest["seed"] == 1
    assert manifest["scenario_hash"] == results.manifest["scenario_hash"]
    assert manifest["options"] == {"keep": "auto"}  # what the run started with stays (resume needs it)
    assert store.load(rid).manifest == results.manifest
    assert Path(manifest["out_dir"]) == store.run_dir(rid).absolute()
    row = store.list_runs().iloc[0]
    assert list(store.list_runs().columns) == list(LIST_COLUMNS)
    assert (row.n_samples, row.seed, row.backend, row.status) == (40, 1, "local", "done")
    assert row.duration_s >= 0
    assert store.scenario_yaml(rid) == results.scenario_yaml
    for name in ("results.nc", "results.json", "samples.parquet", "summary.parquet", "manifest.json"):
        assert (store.run_dir(rid) / name).is_file(), name


def test_status_marks_and_their_errors(store: RunStore) -> None:
    rid = store.start_run({"scenario": "b1", "seed": 2}, "name: b1\n", run_id="my-run_1.a")
    assert rid == "my-run_1.a"
    store.mark(rid, "interrupted")
    row = store.list_runs().iloc[0]
    assert row.status == "interrupted"
    assert not pd.isna(row.finished)
    with pytest.raises(OptionError, match="unknown status 'paused'"):
        store.mark(rid, "paused")  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="unknown run id 'nope'"):
        store.mark("nope", "failed")
    with pytest.raises(StoreError, match="already in the store"):
        store.start_run({"scenario": "b1"}, "", run_id=rid)


@pytest.mark.parametrize("bad", ["../escape", "a/b", "", ".hidden", "x" * 200, "a..b"])
def test_malformed_run_ids_are_refused(store: RunStore, bad: str) -> None:
    with pytest.raises(StoreError, match="malformed run id"):
        store.load(bad)
    with pytest.raises(StoreError, match="malformed run id"):
        store.start_run({"scenario": "b1"}, "", run_id=bad)


def test_an_empty_store_lists_nothing_and_knows_no_run(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "nothing")
    frame = store.list_runs()
    assert frame.empty
    assert list(frame.columns) == list(LIST_COLUMNS)
    with pytest.raises(StoreError, match="unknown run id 'b1-20250101-000000-abcd'"):
        store.load("b1-20250101-000000-abcd")
    with pytest.raises(StoreError, match="no runs yet"):
        store.query("SELECT 1")
    assert not (tmp_path / "nothing").exists()  # reading creates nothing


def test_the_root_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "from-env"))
    rid = RunStore().record(toy_results())
    assert (tmp_path / "from-env" / DB_FILE).is_file()
    assert list_runs().run_id.tolist() == [rid]
    monkeypatch.delenv(STORE_ENV)
    monkeypatch.chdir(tmp_path)
    assert RunStore().root == Path("labecon-results")


def test_unknown_run_id_names_it(store: RunStore) -> None:
    store.record(toy_results())
    for call in (store.load, store.get_manifest, store.summaries):
        with pytest.raises(StoreError, match="unknown run id 'missing-run'"):
            call("missing-run")


def test_a_missing_results_file_names_the_run(store: RunStore) -> None:
    rid = store.record(toy_results())
    (store.run_dir(rid) / "results.nc").unlink()
    with pytest.raises(StoreError, match=rf"run '{rid}': its results file .*results\.nc is missing"):
        store.load(rid)


def test_a_corrupt_results_file_names_the_run(store: RunStore) -> None:
    rid = store.record(toy_results())
    (store.run_dir(rid) / "results.nc").write_bytes(b"not netcdf at all")
    with pytest.raises(StoreError, match=rf"run '{rid}': cannot read .*results\.nc"):
        store.load(rid)
    (store.run_dir(rid) / "results.json").write_text("{truncated")
    with pytest.raises(StoreError, match=rf"run '{rid}': cannot read .*results\.json"):
        store.load(rid)


def test_a_corrupt_database_is_a_clear_error(store: RunStore) -> None:
    rid = store.record(toy_results())
    store.db_path.write_bytes(b"\x00garbage" * 1000)
    for call in (store.list_runs, lambda: store.load(rid), lambda: store.record(toy_results())):
        with pytest.raises(StoreError, match="corrupt or unreadable"):
            call()


def test_export_in_each_format_never_overwrites(store: RunStore, tmp_path: Path) -> None:
    results = toy_results(seed=2)
    rid = store.record(results)
    nc = store.export(rid, "netcdf", tmp_path / "out" / "run.nc")
    with xr.open_dataset(nc, engine="netcdf4") as ds:
        assert ds["x"].to_numpy().tobytes() == results.dataset["x"].to_numpy().tobytes()
    pq = store.export(rid, "parquet", tmp_path / "run.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(pq), results.samples_frame())
    csv = store.export(rid, "csv", tmp_path / "run.csv")
    assert pd.read_csv(csv).shape == results.samples_frame().shape
    with pytest.raises(OutputExistsError, match="exists"):
        store.export(rid, "csv", csv)
    csv.write_text("mine")
    store.export(rid, "csv", csv, force=True)
    assert csv.read_text() != "mine"
    with pytest.raises(OptionError, match="unknown format 'gif'"):
        store.export(rid, "gif", tmp_path / "x.gif")  # type: ignore[arg-type]
    assert store.default_export_path(rid, "parquet") == Path(f"{rid}.parquet")


def test_export_of_a_summary_only_run_points_to_its_summaries(store: RunStore, tmp_path: Path) -> None:
    rid = store.record(toy_results(keep_samples=False))
    with pytest.raises(OptionError, match="kept summaries only"):
        store.export(rid, "parquet", tmp_path / "s.parquet")
    assert not (tmp_path / "s.parquet").exists()
    store.export(rid, "netcdf", tmp_path / "s.nc")


def test_runs_and_results_are_queryable_with_sql(store: RunStore) -> None:
    a = store.record(toy_results(seed=1))
    b = store.record(toy_results(seed=2, name="other"))
    frame = store.query("SELECT run_id, seed FROM runs ORDER BY seed")
    assert frame.run_id.tolist() == [a, b]
    means = store.query(
        "SELECT run_id, value FROM summaries WHERE output = 'x' AND statistic = 'mean' ORDER BY run_id"
    )
    assert len(means) == 2
    pattern = str(store.root / "*" / "summary.parquet")
    files = duckdb.sql(f"SELECT count(DISTINCT run_id) AS n FROM read_parquet('{pattern}')").fetchall()
    assert files == [(2,)]
    samples = store.query(f"SELECT count(*) AS n FROM read_parquet('{store.run_dir(a)}/samples.parquet')")
    assert samples.n.tolist() == [40]
    with pytest.raises(StoreError, match="query failed"):
        store.query("SELECT * FROM no_such_table")
    with pytest.raises(StoreError, match="query failed"):
        store.query("DELETE FROM runs")  # the query connection is read-only
    assert len(store.list_runs()) == 2


def _hold_lock(path: str, ready: Any, release: Any) -> None:
    con = duckdb.connect(path)
    ready.set()
    release.wait(30)
    con.close()


def test_a_store_held_too_long_by_another_process_is_a_clear_error(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "s", lock_timeout_s=0.5)
    store.record(toy_results())
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(store.db_path), ready, release))
    holder.start()
    try:
        assert ready.wait(60)
        start = time.monotonic()
        with pytest.raises(StoreError, match="stayed locked by another process"):
            store.record(toy_results())
        assert time.monotonic() - start < 10
    finally:
        release.set()
        holder.join(30)
    # Once the other process lets go, writing works again.
    RunStore(tmp_path / "s").record(toy_results())
    assert len(store.list_runs()) == 2


def _record_many(root: str, worker: int, count: int) -> list[str]:
    store = RunStore(root)
    ids = []
    for i in range(count):
        results = toy_results(seed=100 * worker + i)
        ids.append(store.record(results, run_id=f"w{worker}-run{i}"))
        store.list_runs()
    return ids


def test_concurrent_processes_recording_runs_do_not_corrupt_the_store(tmp_path: Path) -> None:
    root = tmp_path / "shared"
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        results = pool.starmap(_record_many, [(str(root), w, 4) for w in range(4)])
    ids = sorted(rid for batch in results for rid in batch)
    store = RunStore(root)
    listed = store.list_runs()
    assert sorted(listed.run_id) == ids
    assert set(listed.status) == {"done"}
    counts = store.query("SELECT run_id, count(*) AS n FROM summaries GROUP BY run_id")
    assert len(counts) == 16
    assert counts.n.nunique() == 1
    for rid in ids:
        worker, i = (int(p) for p in re.findall(r"\d+", rid))
        loaded, want = store.load(rid), toy_results(seed=100 * worker + i)
        assert loaded.dataset["x"].to_numpy().tobytes() == want.dataset["x"].to_numpy().tobytes()
        assert json.dumps(loaded.summary()) == json.dumps(want.summary())
