"""The names and layout of a run's folder and of the run store, in one place.

A leaf module (standard library only): the results, the store, the report and
the command line all take their file names from here.

A run's folder::

    summary.csv, summary.parquet   the summaries in long form: one row per output,
                                   element (lab, year, ...) and statistic
    summary.json                   the same, nested by output
    samples.parquet                per-sample inputs and outputs, when kept
    results.nc                     the full xarray Dataset (NetCDF-4)
    scenario.yaml                  the exact scenario that ran
    manifest.json                  seed, sample count, version, times
    results.xlsx                   a workbook of the tables, with --format xlsx
    report.html, charts/           the report and its static charts, when asked
    comparison.json, sensitivity-METHOD.json, optimization.json
                                   analyses saved beside a run

The store's root (``labecon-results/``, ``$LABECON_STORE`` or ``--store``)
holds ``runs.duckdb`` and one such folder per run, named by its id, which
also holds ``results.json`` (what rebuilds the results exactly) and, while the
run goes, ``checkpoints/``.
"""

from __future__ import annotations

import os
from pathlib import Path

STORE_ENV = "LABECON_STORE"
"""Environment variable naming the run store's root directory."""

DEFAULT_STORE = Path("labecon-results")
"""The store's root when neither an argument nor :data:`STORE_ENV` gives one."""

DB_FILE = "runs.duckdb"
WRITER_LOCK_FILE = ".writer.lock"

SUMMARY_JSON = "summary.json"
SUMMARY_CSV = "summary.csv"
SUMMARY_PARQUET = "summary.parquet"
SAMPLES_PARQUET = "samples.parquet"
RESULTS_NC = "results.nc"
SCENARIO_YAML = "scenario.yaml"
MANIFEST_JSON = "manifest.json"
WORKBOOK_XLSX = "results.xlsx"
REBUILD_JSON = "results.json"
CHECKPOINT_DIR = "checkpoints"
CHECKPOINT_STATE = "state.npz"
REPORT_HTML = "report.html"
CHARTS_DIR = "charts"
COMPARISON_JSON = "comparison.json"
COMPARISON_NPZ = "comparison.npz"
"""Every paired value and regret of a comparison (the JSON holds a sample of them)."""
OPTIMIZATION_JSON = "optimization.json"
DRIVERS_JSON = "drivers.json"
"""What moves each route answer (:func:`labecon.route_drivers`), for the report."""
LOCATION_FILE = "location.txt"
"""In the store's folder of a run written elsewhere (``--out``): where its results are."""

RESULT_FILES = (
    SUMMARY_JSON,
    SUMMARY_CSV,
    SUMMARY_PARQUET,
    SAMPLES_PARQUET,
    RESULTS_NC,
    SCENARIO_YAML,
    MANIFEST_JSON,
    WORKBOOK_XLSX,
)
"""Files a run's results may be written as; none is overwritten without ``force``."""


def sensitivity_file(method: str) -> str:
    """Return the file name of a saved sensitivity analysis, e.g. ``sensitivity-sobol.json``."""
    return f"sensitivity-{method}.json"


def analysis_file(kind: str) -> str:
    """Return the file an analysis of ``kind`` (``comparison``, ``sensitivity-oat`` ...) is saved as."""
    return f"{kind}.json"


def analysis_table(kind: str) -> str:
    """Return the CSV file an analysis of ``kind`` writes its table to, beside its JSON."""
    return f"{kind}.csv"


def store_root(root: str | Path | None = None) -> Path:
    """Return the run store's root: ``root``, else ``$LABECON_STORE``, else ``labecon-results``."""
    if root is not None:
        return Path(root)
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)
