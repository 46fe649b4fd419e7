"""The run store: every run recorded in an embedded DuckDB database, results beside it.

Layout under the store's root (``labecon-results/`` by default, or the
``LABECON_STORE`` environment variable, or the ``root`` argument)::

    runs.duckdb                  tables ``runs`` (one row per run: the manifest)
                                 and ``summaries`` (one row per output, statistic
                                 and element)
    <run_id>/results.nc          the full xarray Dataset (exact float64)
    <run_id>/samples.parquet     per-sample inputs and outputs, when kept
    <run_id>/summary.parquet     the summaries, as in the ``summaries`` table
    <run_id>/summary.json ...    the files :meth:`Results.write` writes
    <run_id>/results.json        what rebuilds the :class:`Results` exactly
    <run_id>/checkpoints/        the runner's checkpoints while a run is going

No server: anything that reads Parquet or DuckDB can query it, e.g.
``SELECT * FROM read_parquet('labecon-results/*/summary.parquet')`` or
``RunStore().query("SELECT run_id, status FROM runs")``.

DuckDB lets one process write a database file at a time, so every operation
opens a short-lived connection, and waits (with backoff, up to
``lock_timeout_s``) while another process holds the file.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import secrets
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, get_args

import numpy as np
import pandas as pd
import xarray as xr

from labecon import layout
from labecon.errors import OptionError, OutputExistsError, StoreError
from labecon.jsonable import plain
from labecon.runtime.results import Results
from labecon.types import ExportFormat

if TYPE_CHECKING:
    # DuckDB is imported when the store is first used, which keeps ``import labecon`` quick.
    import duckdb

RunStatus = Literal["running", "done", "failed", "interrupted"]
"""A run's state in the store: ``running`` until it finishes (``done``), fails or is interrupted."""

# The store's root and file names are the run folder layout's (kept importable from here).
STORE_ENV = layout.STORE_ENV
DEFAULT_ROOT = layout.DEFAULT_STORE
DB_FILE = layout.DB_FILE
RESULTS_FILE = layout.RESULTS_NC
REBUILD_FILE = layout.REBUILD_JSON
SUMMARY_PARQUET = layout.SUMMARY_PARQUET
CHECKPOINT_DIR = layout.CHECKPOINT_DIR

LOCK_TIMEOUT_S = 30.0
"""How long to wait for another process's hold on the database before giving up."""

_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
_EXPORT_SUFFIX = {"netcdf": ".nc", "parquet": ".parquet", "csv": ".csv", "xlsx": ".xlsx"}

WRITER_LOCK_FILE = layout.WRITER_LOCK_FILE
"""Empty file in the store's root that writing processes lock in turn."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    scenario TEXT NOT NULL,
    scenario_hash TEXT,
    scenario_yaml TEXT NOT NULL,
    seed BIGINT,
    n_samples BIGINT,
    backend TEXT,
    n_workers INTEGER,
    chunk_size BIGINT,
    labecon_version TEXT,
    started TIMESTAMP NOT NULL,
    finished TIMESTAMP,
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'interrupted')),
    out_dir TEXT NOT NULL,
    manifest TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS summaries (
    run_id TEXT NOT NULL,
    output TEXT NOT NULL,
    statistic TEXT NOT NULL,
    element TEXT NOT NULL,
    value DOUBLE
);
"""

LIST_COLUMNS = (
    "run_id",
    "scenario",
    "n_samples",
    "seed",
    "backend",
    "n_workers",
    "chunk_size",
    "status",
    "started",
    "finished",
    "duration_s",
    "scenario_hash",
    "labecon_version",
    "out_dir",
)
"""Columns of :meth:`RunStore.list_runs`, in order."""

T = TypeVar("T")


class RunStore:
    """The runs recorded under one root directory, and their results.

    Parameters
    ----------
    root : str or Path, optional
        The store's directory; default ``$LABECON_STORE`` or ``labecon-results``.
        Nothing is created until a run is recorded.
    lock_timeout_s : float
        Seconds to wait while another process writes the database.
    """

    def __init__(self, root: str | Path | None = None, *, lock_timeout_s: float = LOCK_TIMEOUT_S) -> None:
        self.root = layout.store_root(root)
        self.lock_timeout_s = lock_timeout_s

    def __repr__(self) -> str:
        return f"RunStore({str(self.root)!r})"

    @property
    def db_path(self) -> Path:
        """The DuckDB database file."""
        return self.root / DB_FILE

    def run_dir(self, run_id: str) -> Path:
        """Return the directory of a run's files (results, checkpoints under ``checkpoints/``)."""
        return self.root / _check_run_id(run_id)

    # -- recording -------------------------------------------------------------

    def start_run(
        self,
        manifest: Mapping[str, Any],
        scenario_yaml: str,
        run_id: str | None = None,
        *,
        out_dir: str | Path | None = None,
    ) -> str:
        """Record a run as ``running`` and return its id.

        Parameters
        ----------
        manifest : mapping
            The run's provenance: at least ``scenario``; also ``scenario_hash``,
            ``seed``, ``n_samples``, ``backend``, ``n_workers``, ``chunk_size``,
            ``labecon_version`` and ``started`` (ISO time) when known.
        scenario_yaml : str
            The scenario that runs, as YAML.
        run_id : str, optional
            The id to use; default ``<scenario>-<UTC yyyymmdd-HHMMSS>-<4 hex>``.
        out_dir : str or Path, optional
            Where the results are to be written (a user's ``--out``); the
            store then records where they lie and keeps only what it needs
            beside its database (the summaries and what rebuilds the results),
            not a second copy. Default: the run's folder in the store.

        Raises
        ------
        StoreError
            The id is taken or malformed, or the store cannot be written.
        """
        if "scenario" not in manifest:
            msg = "a run's manifest needs its scenario's name"
            raise StoreError(msg)
        started = _timestamp(manifest.get("started")) or _utcnow()
        # Which process runs it, so a run left "running" by a process that died can be told apart.
        manifest = {**_this_process(), **manifest}
        rid = _check_run_id(run_id) if run_id is not None else _new_run_id(str(manifest["scenario"]), started)
        store_dir = self.root / rid
        results_dir = Path(out_dir).absolute() if out_dir is not None else store_dir.absolute()
        row = {
            "run_id": rid,
            "scenario": str(manifest["scenario"]),
            "scenario_hash": _opt_str(manifest.get("scenario_hash")),
            "scenario_yaml": scenario_yaml,
            "seed": _opt_int(manifest.get("seed")),
            "n_samples": _opt_int(manifest.get("n_samples")),
            "backend": _opt_str(manifest.get("backend")),
            "n_workers": _opt_int(manifest.get("n_workers")),
            "chunk_size": _opt_int(manifest.get("chunk_size")),
            "labecon_version": _opt_str(manifest.get("labecon_version")),
            "started": started,
            "finished": None,
            "status": "running",
            "out_dir": str(results_dir),
            "manifest": _dumps(dict(manifest)),
        }

        def insert(con: duckdb.DuckDBPyConnection) -> None:
            if con.execute("SELECT 1 FROM runs WHERE run_id = ?", [rid]).fetchone():
                msg = f"run {rid!r} is already in the store {self.root}"
                raise StoreError(msg)
            con.execute(
                f"INSERT INTO runs ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )

        try:
            store_dir.mkdir(parents=True, exist_ok=True)
            if out_dir is not None:
                _atomic_write(store_dir / layout.LOCATION_FILE, f"{results_dir}\n")
        except OSError as exc:
            msg = f"cannot create the directory of run {rid!r} ({store_dir}): {exc.strerror or exc}"
            raise StoreError(msg) from None
        self._write(insert)
        return rid

    def finish_run(
        self, run_id: str, results: Results, *, force: bool = False, workbook: bool = False
    ) -> Path:
        """Write a finished run's results where the run said, mark it ``done``; return that folder.

        The files are written first (atomically), then the database row is
        updated in one transaction, so a run marked ``done`` always has its
        files. In the store's own folder of the run, results are replaced;
        in a user's folder (``out_dir``), only with ``force``. With
        ``workbook``, ``results.xlsx`` is written as well.

        Raises
        ------
        StoreError
            The run id is unknown, or the results cannot be written.
        OutputExistsError
            The user's folder holds results already and ``force`` is False.
        """
        rid = _check_run_id(run_id)
        store_dir = self.run_dir(rid)
        target = Path(self._row(rid, "out_dir")[0])
        in_store = not target.is_absolute() or target == store_dir.absolute()
        frame = _summary_rows(rid, results)
        table = results.summary_table()
        table.insert(0, "run_id", rid)
        try:
            results.write(store_dir if in_store else target, force=force or in_store, workbook=workbook)
            _atomic_write(store_dir / REBUILD_FILE, _dumps(results.rebuild_info()))
            # The store's own long-form summary carries the run id, so that one query
            # over every run's summary.parquet tells them apart.
            with tempfile.TemporaryDirectory(dir=store_dir, prefix=".writing-") as scratch:
                tmp = Path(scratch) / SUMMARY_PARQUET
                table.to_parquet(tmp, index=False)
                tmp.replace(store_dir / SUMMARY_PARQUET)
        except OSError as exc:
            msg = f"cannot write the results of run {rid!r} to {target}: {exc}"
            raise StoreError(msg) from None
        manifest = results.manifest
        finished = _timestamp(manifest.get("finished")) or _utcnow()

        def update(con: duckdb.DuckDBPyConnection) -> None:
            found = con.execute("SELECT manifest FROM runs WHERE run_id = ?", [rid]).fetchone()
            if found is None:
                raise _unknown(rid, self.root)
            # What the run started with (e.g. its options, for a resume) stays; the
            # results' manifest adds to it and wins where both say something.
            merged = {**json.loads(found[0]), **manifest}
            con.execute(
                "UPDATE runs SET status = 'done', finished = ?, manifest = ?, scenario_yaml = ?, "
                "scenario_hash = coalesce(?, scenario_hash), seed = coalesce(?, seed), "
                "n_samples = coalesce(?, n_samples), backend = coalesce(?, backend), "
                "n_workers = coalesce(?, n_workers), chunk_size = coalesce(?, chunk_size), "
                "labecon_version = coalesce(?, labecon_version) WHERE run_id = ?",
                [
                    finished,
                    _dumps(merged),
                    results.scenario_yaml,
                    _opt_str(manifest.get("scenario_hash")),
                    _opt_int(manifest.get("seed")),
                    _opt_int(manifest.get("n_samples")),
                    _opt_str(manifest.get("backend")),
                    _opt_int(manifest.get("n_workers")),
                    _opt_int(manifest.get("chunk_size")),
                    _opt_str(manifest.get("labecon_version")),
                    rid,
                ],
            )
            con.execute("DELETE FROM summaries WHERE run_id = ?", [rid])
            con.register("new_summaries", frame)
            try:
                con.execute(
                    "INSERT INTO summaries "
                    "SELECT run_id, output, statistic, element, value FROM new_summaries"
                )
            finally:
                con.unregister("new_summaries")

        self._write(update)
        return store_dir if in_store else target

    def results_dir(self, run_id: str) -> Path:
        """Return the folder that holds a run's results: its folder in the store, or its ``--out``."""
        rid = _check_run_id(run_id)
        if (self.run_dir(rid) / RESULTS_FILE).is_file():
            return self.run_dir(rid)  # found from the root, so a store can be moved as a whole
        return Path(self._row(rid, "out_dir")[0])

    def record(self, results: Results, run_id: str | None = None) -> str:
        """Record a finished run in one step (:meth:`start_run` then :meth:`finish_run`); return its id."""
        rid = self.start_run(results.manifest, results.scenario_yaml, run_id)
        try:
            self.finish_run(rid, results)
        except BaseException:
            self.mark(rid, "failed")
            raise
        return rid

    def mark(self, run_id: str, status: RunStatus) -> None:
        """Set a run's status (e.g. ``interrupted`` on Ctrl-C, ``failed`` on an error).

        Raises
        ------
        StoreError
            The run id is unknown.
        OptionError
            The status is not one of ``running``, ``done``, ``failed``, ``interrupted``.
        """
        rid = _check_run_id(run_id)
        if status not in get_args(RunStatus):
            msg = f"unknown status {status!r}; expected one of: {', '.join(get_args(RunStatus))}"
            raise OptionError(msg, "status")
        finished = None if status == "running" else _utcnow()

        def update(con: duckdb.DuckDBPyConnection) -> None:
            if not con.execute("SELECT 1 FROM runs WHERE run_id = ?", [rid]).fetchone():
                raise _unknown(rid, self.root)
            con.execute(
                "UPDATE runs SET status = ?, finished = coalesce(?, finished) WHERE run_id = ?",
                [status, finished, rid],
            )

        self._write(update)

    def claim(self, run_id: str) -> None:
        """Mark an unfinished run ``running`` again, by this process (to resume it).

        Raises
        ------
        StoreError
            The run id is unknown, the run has finished, or another living
            process is running it.
        """
        rid = _check_run_id(run_id)

        def update(con: duckdb.DuckDBPyConnection) -> None:
            found = con.execute("SELECT status, manifest FROM runs WHERE run_id = ?", [rid]).fetchone()
            if found is None:
                raise _unknown(rid, self.root)
            status, manifest = found[0], json.loads(found[1])
            if status == "done":
                msg = f"run {rid!r} has already finished: nothing to resume (see: labecon runs show {rid})"
                raise StoreError(msg)
            if status == "running" and _process_alive(manifest):
                where = f"process {manifest.get('pid')} on {manifest.get('host')}"
                msg = f"run {rid!r} is still running ({where})"
                raise StoreError(msg)
            con.execute(
                "UPDATE runs SET status = 'running', manifest = ? WHERE run_id = ?",
                [_dumps({**manifest, **_this_process()}), rid],
            )

        self._write(update)

    def settle_dead_runs(self) -> list[str]:
        """Mark ``interrupted`` each ``running`` run whose process on this machine is gone; return their ids.

        A run records its process id, host and the process's start time; a
        run of another machine is left as it is, since its process cannot be
        seen from here.
        """
        found = self._read(
            lambda con: con.execute("SELECT run_id, manifest FROM runs WHERE status = 'running'").fetchall()
        )
        dead = [str(rid) for rid, text in found or [] if not _process_alive(json.loads(text))]
        settled = []
        for rid in dead:
            # A store this user may only read still lists its runs: their status just stays as it was.
            with contextlib.suppress(StoreError):
                self.mark(rid, "interrupted")
                settled.append(rid)
        return settled

    # -- reading ---------------------------------------------------------------

    def list_runs(self) -> pd.DataFrame:
        """Return every run, oldest first: one row each, columns :data:`LIST_COLUMNS`.

        Runs left ``running`` by a process of this machine that no longer
        exists (killed, or the machine restarted) are marked ``interrupted``
        first: they can be resumed from their checkpoints.
        """
        self.settle_dead_runs()
        cols = ", ".join(c for c in LIST_COLUMNS if c != "duration_s")
        sql = (
            f"SELECT {cols}, date_diff('millisecond', started, finished) / 1000.0 AS duration_s "
            "FROM runs ORDER BY started, run_id"
        )
        found: pd.DataFrame | None = self._read(lambda con: con.execute(sql).df())
        if found is None:
            found = pd.DataFrame({c: pd.Series(dtype=object) for c in LIST_COLUMNS})
        return found.loc[:, list(LIST_COLUMNS)]

    def get_manifest(self, run_id: str) -> dict[str, Any]:
        """Return a run's manifest, with its ``run_id``, ``status`` and ``out_dir``.

        Raises
        ------
        StoreError
            The run id is unknown.
        """
        rid = _check_run_id(run_id)
        self.settle_dead_runs()
        row = self._row(rid, "manifest, status, out_dir, finished")
        manifest: dict[str, Any] = json.loads(row[0])
        manifest.update(run_id=rid, status=row[1], out_dir=row[2])
        return manifest

    def scenario_yaml(self, run_id: str) -> str:
        """Return the scenario a run ran, as YAML."""
        rid = _check_run_id(run_id)
        text: str = self._row(rid, "scenario_yaml")[0]
        return text

    def summaries(self, run_id: str) -> pd.DataFrame:
        """Return a run's summaries: columns ``output, statistic, element, value``."""
        rid = _check_run_id(run_id)
        self._require(rid)
        frame = self._read(
            lambda con: con.execute(
                "SELECT output, statistic, element, value FROM summaries WHERE run_id = ? ORDER BY rowid",
                [rid],
            ).df()
        )
        if frame is None:
            raise _unknown(rid, self.root)
        return frame

    def load(self, run_id: str) -> Results:
        """Return a finished run's results, identical to those computed.

        Raises
        ------
        StoreError
            The run id is unknown, the run did not finish, or its files are
            missing or unreadable.
        """
        rid = _check_run_id(run_id)
        (status,) = self._row(rid, "status")
        if status != "done":
            msg = f"run {rid!r} has no results to load: its status is {status!r}"
            raise StoreError(msg)
        directory = self.run_dir(rid)
        data_dir = self.results_dir(rid)
        for path in (data_dir / RESULTS_FILE, directory / REBUILD_FILE):
            if not path.is_file():
                msg = f"run {rid!r}: its results file {path} is missing (moved or deleted?)"
                raise StoreError(msg)
        try:
            return Results.from_files(data_dir / RESULTS_FILE, directory / REBUILD_FILE)
        except StoreError as exc:
            msg = f"run {rid!r}: {exc}"
            raise StoreError(msg) from None

    def export(self, run_id: str, fmt: ExportFormat, path: str | Path, *, force: bool = False) -> Path:
        """Write a run's results to ``path`` as ``netcdf``, ``parquet`` or ``csv``; return the path.

        Parquet and CSV hold the per-sample table (when the run kept it).

        Raises
        ------
        OutputExistsError
            ``path`` exists and ``force`` is False.
        OptionError
            Unknown format, or no per-sample values for a table format.
        StoreError
            The run cannot be loaded.
        """
        if fmt not in _EXPORT_SUFFIX:
            msg = f"unknown format {fmt!r}; expected one of: {', '.join(_EXPORT_SUFFIX)}"
            raise OptionError(msg, "format")
        target = Path(path)
        if target.is_dir():
            msg = f"{target} is a directory; give a file name"
            raise OutputExistsError(msg)
        if target.exists() and not force:
            msg = f"{target} exists; choose another path or pass --force"
            raise OutputExistsError(msg)
        results = self.load(run_id)
        ds = results.dataset
        if fmt in ("parquet", "csv") and not ("sample" in ds.dims and all(o in ds for o in results.outputs)):
            msg = (
                f"run {run_id!r} kept summaries only, so it has no per-sample table; its summaries "
                f"are in {self.run_dir(run_id) / SUMMARY_PARQUET} (or export --format netcdf)"
            )
            raise OptionError(msg, "format")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=target.parent, prefix=".exporting-") as scratch:
                tmp = Path(scratch) / target.name
                results.export(tmp, fmt)
                tmp.replace(target)
        except OSError as exc:
            msg = f"cannot write {target}: {exc.strerror or exc}"
            raise OutputExistsError(msg) from None
        return target

    def default_export_path(self, run_id: str, fmt: ExportFormat) -> Path:
        """Return ``<run_id>.nc``, ``.parquet`` or ``.csv`` in the current directory."""
        if fmt not in _EXPORT_SUFFIX:
            msg = f"unknown format {fmt!r}; expected one of: {', '.join(_EXPORT_SUFFIX)}"
            raise OptionError(msg, "format")
        return Path(f"{_check_run_id(run_id)}{_EXPORT_SUFFIX[fmt]}")

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run read-only SQL against the store's tables (``runs``, ``summaries``); return a DataFrame.

        Raises
        ------
        StoreError
            The SQL fails, or the store has no database yet.
        """
        import duckdb

        def run(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
            try:
                return con.execute(sql, params or []).df()
            except duckdb.Error as exc:
                if _is_lock_error(exc):
                    raise
                msg = f"query failed: {exc}"
                raise StoreError(msg) from None

        frame: pd.DataFrame | None = self._read(run)
        if frame is None:
            msg = f"the run store {self.root} has no runs yet (no {self.db_path})"
            raise StoreError(msg)
        return frame

    def old_runs(self, older_than: timedelta, *, statuses: Sequence[str] | None = None) -> list[str]:
        """Return the ids of runs started more than ``older_than`` ago, oldest first.

        Only runs of ``statuses`` (default: every status but ``running``) count:
        a run going on now is never offered for removal.
        """
        wanted = set(statuses) if statuses is not None else {"done", "failed", "interrupted"}
        unknown = wanted - set(get_args(RunStatus))
        if unknown:
            msg = f"unknown status {sorted(unknown)}; expected: {', '.join(get_args(RunStatus))}"
            raise OptionError(msg, "status")
        cutoff = _utcnow() - older_than
        frame = self.list_runs()
        chosen = frame[(frame["started"] < cutoff) & frame["status"].isin(sorted(wanted - {"running"}))]
        return [str(r) for r in chosen["run_id"]]

    def delete(self, run_id: str) -> None:
        """Remove a run's rows and its folder in the store.

        Results written to a user's own folder (``--out``) stay where they are.
        """
        rid = _check_run_id(run_id)

        def remove(con: duckdb.DuckDBPyConnection) -> None:
            if not con.execute("SELECT 1 FROM runs WHERE run_id = ?", [rid]).fetchone():
                raise _unknown(rid, self.root)
            con.execute("DELETE FROM summaries WHERE run_id = ?", [rid])
            con.execute("DELETE FROM runs WHERE run_id = ?", [rid])

        self._write(remove)
        shutil.rmtree(self.root / rid, ignore_errors=True)

    # -- internals ---------------------------------------------------------------

    def _require(self, rid: str) -> None:
        self._row(rid, "run_id")

    def _row(self, rid: str, columns: str) -> tuple[Any, ...]:
        row = self._read(
            lambda con: con.execute(f"SELECT {columns} FROM runs WHERE run_id = ?", [rid]).fetchone()
        )
        if row is None:
            raise _unknown(rid, self.root)
        return tuple(row)

    def _write(self, action: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run ``action`` in one transaction on a read-write connection (creating the schema)."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            msg = f"cannot create the run store {self.root}: {exc.strerror or exc}"
            raise StoreError(msg) from None

        def attempt() -> T:
            with self._writers_in_turn(), self._connection(read_only=False) as con:
                con.execute("BEGIN TRANSACTION")
                try:
                    con.execute(_SCHEMA)
                    result = action(con)
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
                return result

        return self._retrying(attempt)

    @contextmanager
    def _writers_in_turn(self) -> Iterator[None]:
        """Hold an exclusive OS lock on ``.writer.lock`` beside the database, where there is one.

        DuckDB lets one process write at a time, but processes that open a new
        store together can each start the file; taking turns first means only
        one creates it, and every write sees the ones before.
        """
        try:
            import fcntl
        except ImportError:  # not on POSIX: DuckDB's own lock only
            yield
            return
        with (self.root / WRITER_LOCK_FILE).open("a+b") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _read(self, action: Callable[[duckdb.DuckDBPyConnection], T]) -> T | None:
        """Run ``action`` on a read-only connection; None if there is no database yet."""
        if not self.db_path.exists():
            return None

        def attempt() -> T | None:
            with self._connection(read_only=True) as con:
                tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
                if not {"runs", "summaries"} <= tables:
                    return None
                return action(con)

        return self._retrying(attempt)

    @contextmanager
    def _connection(self, *, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        import duckdb

        try:
            con = duckdb.connect(str(self.db_path), read_only=read_only)
        except duckdb.Error as exc:
            if _is_lock_error(exc):
                raise
            msg = f"the run store database {self.db_path} is corrupt or unreadable: {_first_line(exc)}"
            raise StoreError(msg) from None
        try:
            yield con
        finally:
            con.close()

    def _retrying(self, attempt: Callable[[], T]) -> T:
        """Call ``attempt`` until no other process holds the database, up to the lock timeout."""
        import duckdb

        deadline = time.monotonic() + self.lock_timeout_s
        delay = 0.005
        while True:
            try:
                return attempt()
            except duckdb.Error as exc:
                if not _is_lock_error(exc):
                    msg = f"the run store {self.db_path} failed: {_first_line(exc)}"
                    raise StoreError(msg) from None
                if time.monotonic() >= deadline:
                    msg = (
                        f"the run store {self.db_path} stayed locked by another process for "
                        f"{self.lock_timeout_s:g} s; try again when it has finished"
                    )
                    raise StoreError(msg) from None
            # Randomised exponential backoff, so waiting processes do not retry in step.
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.25)


def list_runs(root: str | Path | None = None) -> pd.DataFrame:
    """Return the runs recorded in the store at ``root`` (see :meth:`RunStore.list_runs`)."""
    return RunStore(root).list_runs()


def load_run(run_id: str, root: str | Path | None = None) -> Results:
    """Return the results of a recorded run, identical to those computed (see :meth:`RunStore.load`)."""
    return RunStore(root).load(run_id)


# -- helpers -------------------------------------------------------------------------


def _is_lock_error(exc: BaseException) -> bool:
    import duckdb

    text = str(exc)
    return (
        "Could not set lock" in text
        or "Conflicting lock" in text
        or "different configuration than existing connections" in text
        or isinstance(exc, duckdb.TransactionException)
    )


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _process_started(pid: int) -> str | None:
    """Return when process ``pid`` started (clock ticks since boot, from /proc), or None if unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return None
    # The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else None


def _this_process() -> dict[str, Any]:
    pid = os.getpid()
    return {"pid": pid, "host": socket.gethostname(), "process_started": _process_started(pid)}


def _process_alive(manifest: Mapping[str, Any]) -> bool:
    """Return False only when the run's process was on this machine and is gone (or is another one now)."""
    pid, host = manifest.get("pid"), manifest.get("host")
    if not isinstance(pid, int) or host != socket.gethostname():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        pass
    started = manifest.get("process_started")
    # The same id given to a later process is not the run's process.
    return started is None or _process_started(pid) in (None, started)


def _unknown(rid: str, root: Path) -> StoreError:
    return StoreError(f"unknown run id {rid!r}: no such run in the store {root}")


def _check_run_id(run_id: object) -> str:
    """Return ``run_id`` if it is a safe directory name (letters, digits, ``_ . -``), else raise."""
    if not isinstance(run_id, str) or not _RUN_ID.match(run_id) or ".." in run_id:
        msg = (
            f"malformed run id {run_id!r}: use letters, digits, '_', '.' and '-' "
            "(starting with a letter or digit, at most 128 characters)"
        )
        raise StoreError(msg)
    return run_id


def _new_run_id(scenario: str, started: datetime) -> str:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", scenario).strip("-.") or "run"
    return f"{name[:80]}-{started.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _timestamp(value: object) -> datetime | None:
    """Return an ISO time (or datetime) as naive UTC, the database's convention; None if absent."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _opt_int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str | np.integer | np.floating):
        return None
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def _dumps(value: Any) -> str:
    """JSON with NaN and infinities kept (Python reads them back exactly)."""
    return json.dumps(plain(value, finite=False), allow_nan=True)


def _atomic_write(path: Path, text: str) -> None:
    # A plain exclusive create, not NamedTemporaryFile: its files are private (0600), and the
    # user's umask should decide who may read results.
    tmp = path.with_name(f".writing-{secrets.token_hex(4)}-{path.name}")
    with tmp.open("x", encoding="utf-8") as f:
        f.write(text)
    tmp.replace(path)


def _summary_rows(rid: str, results: Results) -> pd.DataFrame:
    """Return the summaries as rows (run_id, output, statistic, element, value).

    ``element`` is ``''`` for a scalar output; for an output with trailing dims
    it is a JSON object of the element's labels, e.g. ``{"lab": "A", "quarter": 3}``.
    """
    rows: list[tuple[str, str, str, str, float]] = []
    for name, s in results.summaries.items():
        labels = _element_labels(results.dataset, name)
        for stat, value in s.as_dict().items():
            arr = np.asarray(value, dtype=np.float64)
            if arr.ndim == 0:
                rows.append((rid, name, stat, "", float(arr)))
                continue
            for index in np.ndindex(arr.shape):
                rows.append((rid, name, stat, labels(index), float(arr[index])))
    frame = pd.DataFrame.from_records(rows, columns=["run_id", "output", "statistic", "element", "value"])
    return frame.astype({"value": "float64"})


def _element_labels(ds: xr.Dataset, name: str) -> Callable[[tuple[int, ...]], str]:
    var = ds.get(f"summary_{name}")
    if var is None and name in ds and "sample" in ds[name].dims:
        var = ds[name]
    dims = [d for d in var.dims if d not in ("statistic", "sample")] if var is not None else []
    coords = [ds[d].to_numpy() if d in ds.coords else None for d in dims]

    def label(index: tuple[int, ...]) -> str:
        if len(dims) != len(index):
            return json.dumps(list(index))
        out: dict[str, Any] = {}
        for d, c, i in zip(dims, coords, index, strict=True):
            out[str(d)] = plain(c[i], finite=False) if c is not None else i
        return json.dumps(out)

    return label
