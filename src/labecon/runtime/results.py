"""Results of a run: a labelled xarray Dataset plus provenance, and their export.

Dims: ``sample`` (global sample index), ``input`` (uncertain input name),
``output``, ``statistic``, and, when cost paths are kept, ``strategy``,
``quarter`` and ``component``. Money is in US dollars (``units`` attrs).
"""

from __future__ import annotations

import itertools
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from labecon import layout
from labecon.errors import LabeconError, OptionalDependencyError, OptionError, OutputExistsError
from labecon.jsonable import plain
from labecon.runtime.summary import OutputSummary
from labecon.scenario.yaml_text import load_yaml
from labecon.types import ExportFormat

_XLSX_MAX_ROWS = 1_048_576
"""Rows a spreadsheet sheet holds (Excel's limit), the header included."""

RESULT_FILES = layout.RESULT_FILES
"""Files :meth:`Results.write` may create in an output directory."""


@dataclass(frozen=True)
class Results:
    """What :func:`labecon.simulate` returns.

    Attributes
    ----------
    dataset : xr.Dataset
        Per-sample outputs ``(sample,)`` and inputs ``input_value(sample, input)``
        when kept, cost paths ``cost_usd(sample, strategy, quarter, component)``
        when asked, and ``summary(output, statistic)`` always.
    summaries : dict[str, OutputSummary]
        Each output's summary with standard errors.
    manifest : dict
        Provenance: scenario name and hash, seed, sample count, engine,
        labecon version, start and end time.
    scenario_yaml : str
        The validated scenario, as YAML a user can run again.
    """

    dataset: xr.Dataset
    summaries: dict[str, OutputSummary]
    manifest: dict[str, Any]
    scenario_yaml: str
    _extra: dict[str, Any] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        """Say what ran and how to read it (not every array: a notebook shows this when a run ends)."""
        m = self.manifest
        dims = {
            name: ", ".join(str(d) for d in self.dataset[name].dims if d != "sample")
            for name in self.outputs
            if name in self.dataset
        }
        outputs = "; ".join(f"{name} ({dims[name]})" if dims.get(name) else name for name in self.outputs)
        elapsed = m.get("elapsed_s")
        took = f", {elapsed:.2f} s" if isinstance(elapsed, int | float) else ""
        return (
            f"<Results of {m.get('scenario', '')!r}: {self.n_samples:,} samples, seed {m.get('seed')}{took}\n"
            f" outputs: {outputs}\n"
            " read with .summary_table(), .summary(), .dataset (xarray), .routes; "
            "save with .write(directory) or .export(path, format)>"
        )

    @property
    def n_samples(self) -> int:
        """Number of samples run."""
        return int(self.manifest["n_samples"])

    @property
    def outputs(self) -> list[str]:
        """Names of the outputs, in the scenario's order."""
        return list(self.summaries)

    @property
    def routes(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Return the route answer: lab -> route -> figures with their SEs (empty without routes).

        See :func:`labecon.runtime.route_summary.route_answer`.
        """
        if "routes" not in self._extra:
            from labecon.runtime.route_summary import route_answer
            from labecon.scenario.loader import load_quietly

            scenario = self._extra.get("scenario") or load_quietly(load_yaml(self.scenario_yaml))
            self._extra["routes"] = route_answer(scenario, self.dataset)
        answer: dict[str, dict[str, dict[str, Any]]] = self._extra["routes"]
        return answer

    def summary(self) -> dict[str, dict[str, float | int]]:
        """Return every output's summary as plain numbers (JSON-ready)."""
        return {name: s.as_dict() for name, s in self.summaries.items()}

    def summary_frame(self) -> pd.DataFrame:
        """Return the summaries as a DataFrame, one row per output."""
        frame = pd.DataFrame.from_dict(self.summary(), orient="index")
        frame.index.name = "output"
        return frame

    def summary_table(self) -> pd.DataFrame:
        """Return the summaries in long form: one row per output, element and statistic.

        Columns: ``output``, ``description`` (what the output is, in words),
        ``units``, one column per label dim any output has (``lab``,
        ``year``, ``deal`` ..., empty where an output has no such dim),
        ``statistic`` (``mean``, ``mean_se``, ``p5`` ...) and ``value``. No
        cell holds a list, so the table reads straight into a spreadsheet,
        pandas or SQL.
        """
        ds = self.dataset
        rows: list[dict[str, Any]] = []
        dim_order: list[str] = []
        for name, s in self.summaries.items():
            dims = _label_dims(ds, name)
            for d in dims:
                if d not in dim_order:
                    dim_order.append(d)
            labels = [ds[d].to_numpy().tolist() if d in ds.coords else None for d in dims]
            attrs = ds[name].attrs if name in ds else {}
            described = {key: str(attrs.get(key, "")) for key in ("description", "units")}
            for stat, value in s.as_dict().items():
                arr = np.asarray(value, dtype=np.float64)
                for index in np.ndindex(arr.shape):
                    row: dict[str, Any] = {"output": name, **described}
                    if len(index) == len(dims):
                        for d, lab, i in zip(dims, labels, index, strict=True):
                            row[d] = lab[i] if lab is not None else i
                    row["statistic"] = stat
                    row["value"] = float(arr[index])
                    rows.append(row)
        columns = ["output", "description", "units", *dim_order, "statistic", "value"]
        frame = pd.DataFrame(rows, columns=columns)
        for d in dim_order:
            # Years and quarters are whole numbers; rows of outputs without them leave gaps.
            present = frame[d].dropna()
            if pd.api.types.is_numeric_dtype(frame[d]) and (present == present.round()).all():
                frame[d] = frame[d].astype("Int64")
        return frame

    def samples_frame(self) -> pd.DataFrame:
        """Return per-sample inputs and outputs, one row per sample, in sample order.

        Raises
        ------
        OptionError
            If the run did not keep per-sample values.
        """
        ds = self.dataset
        if "sample" not in ds.dims:
            msg = "this run kept summaries only; run again keeping outputs"
            raise OptionError(msg, "keep")
        columns: dict[str, Any] = {"sample": ds["sample"].to_numpy()}
        if "input_value" in ds:
            for name in ds["input"].to_numpy():
                columns[str(name)] = ds["input_value"].sel(input=name).to_numpy()
        for name in self.outputs:
            var = ds[name]
            if var.ndim == 1:
                columns[name] = var.to_numpy()
                continue
            # An output with trailing dims (lab, year, ...) gives one column per element,
            # e.g. ``revenue_usd_by_year[lab_own,2027]``.
            flat = var.to_numpy().reshape(var.shape[0], -1)
            labels = itertools.product(*(ds[d].to_numpy().tolist() for d in var.dims[1:]))
            for j, label in enumerate(labels):
                columns[f"{name}[{','.join(str(x) for x in label)}]"] = flat[:, j]
        return pd.DataFrame(columns)

    def to_netcdf(self, path: str | Path) -> Path:
        """Write the dataset to a NetCDF-4 file and return its path."""
        target = Path(path)
        ds = self.dataset.copy()
        ds.attrs = {k: v if isinstance(v, str | int | float) else json.dumps(v) for k, v in ds.attrs.items()}
        ds.to_netcdf(target, engine="netcdf4")
        return target

    def to_parquet(self, path: str | Path) -> Path:
        """Write the per-sample table to Parquet and return its path."""
        target = Path(path)
        self.samples_frame().to_parquet(target, index=False)
        return target

    def to_csv(self, path: str | Path) -> Path:
        """Write the per-sample table to CSV and return its path."""
        target = Path(path)
        self.samples_frame().to_csv(target, index=False)
        return target

    def to_xlsx(self, path: str | Path) -> Path:
        """Write a workbook for spreadsheet users and return its path.

        One sheet per table: ``Summary`` (long form, as :meth:`summary_table`),
        ``Inputs`` (the uncertain inputs and their distributions), ``Sources``
        (every number the scenario uses, with its source or assumption),
        ``Run`` (seed, sample count, version ...) and, when per-sample values
        were kept and fit a sheet, ``Samples``.

        Raises
        ------
        OptionalDependencyError
            openpyxl is not installed.
        """
        try:
            import openpyxl  # type: ignore[import-untyped]  # noqa: F401  (pandas writes through it)
        except ImportError:
            msg = "workbooks need openpyxl: pip install 'labecon[report]'"
            raise OptionalDependencyError(msg) from None
        from labecon.runtime.assumptions import inputs_table

        target = Path(path)
        name = str(self.manifest.get("scenario", ""))
        sheets = {
            "Summary": self.summary_table(),
            "Inputs": inputs_table(self.scenario_yaml),
            "Sources": _sources_or_note(self.scenario_yaml, name),
            "Run": pd.DataFrame(
                [
                    (k, v if isinstance(v, str | int | float) else json.dumps(plain(v)))
                    for k, v in self.manifest.items()
                ],
                columns=["field", "value"],
            ),
        }
        ds = self.dataset
        if "sample" in ds.dims and ds.sizes["sample"] < _XLSX_MAX_ROWS and any(n in ds for n in self.outputs):
            sheets["Samples"] = self.samples_frame()
        with pd.ExcelWriter(target, engine="openpyxl") as book:
            for sheet, frame in sheets.items():
                frame.to_excel(book, sheet_name=sheet, index=False)
        return target

    def export(self, path: str | Path, fmt: ExportFormat) -> Path:
        """Write the results in one format: ``netcdf``, ``parquet``, ``csv`` or ``xlsx``."""
        writers = {
            "netcdf": self.to_netcdf,
            "parquet": self.to_parquet,
            "csv": self.to_csv,
            "xlsx": self.to_xlsx,
        }
        if fmt not in writers:
            msg = f"unknown format {fmt!r}; expected one of: {', '.join(writers)}"
            raise OptionError(msg, "format")
        return writers[fmt](path)

    def rebuild_info(self) -> dict[str, Any]:
        """Return what NetCDF does not keep exactly (summaries, manifest, attributes ...), JSON-ready."""
        from labecon.runtime._codec import rebuild_info

        return rebuild_info(self.dataset, self.summaries, self.manifest, self.scenario_yaml)

    @classmethod
    def from_files(cls, results_nc: str | Path, info_json: str | Path) -> Results:
        """Return the results a ``results.nc`` and its ``results.json`` hold, with the same bits as computed.

        Raises
        ------
        StoreError
            A file is missing, unreadable, or of another format version.
        """
        from labecon.runtime._codec import read_files

        dataset, summaries, manifest, scenario_yaml = read_files(Path(results_nc), Path(info_json))
        return cls(dataset=dataset, summaries=summaries, manifest=manifest, scenario_yaml=scenario_yaml)

    @staticmethod
    def check_writable(directory: str | Path) -> None:
        """Raise :class:`OutputExistsError` if writing results to ``directory`` would overwrite."""
        out = Path(directory)
        if out.exists() and not out.is_dir():
            msg = f"{out} exists and is not a directory"
            raise OutputExistsError(msg)
        clashes = [out / f for f in RESULT_FILES if (out / f).exists()]
        if clashes:
            names = ", ".join(p.name for p in clashes)
            msg = f"{out} already holds results ({names}); choose another --out or pass --force"
            raise OutputExistsError(msg)

    @staticmethod
    def json_ready(value: Any) -> Any:
        """Return ``value`` as plain JSON-ready Python: NaN and infinities as ``None``, arrays as lists."""
        return plain(value)

    def write(self, directory: str | Path, *, force: bool = False, workbook: bool = False) -> list[Path]:
        """Write the results into ``directory``; return the files written.

        Writes ``summary.json``, ``summary.csv`` and ``summary.parquet``
        (long form, see :meth:`summary_table`), ``scenario.yaml``,
        ``manifest.json``, ``results.nc`` and, when per-sample values were
        kept, ``samples.parquet``; with ``workbook``, ``results.xlsx`` (see
        :meth:`to_xlsx`).

        Raises
        ------
        OutputExistsError
            If a file it would write exists already and ``force`` is False;
            nothing is written then.
        """
        out = Path(directory)
        if not force:
            self.check_writable(out)
        elif out.exists() and not out.is_dir():
            msg = f"{out} exists and is not a directory"
            raise OutputExistsError(msg)
        try:
            out.mkdir(parents=True, exist_ok=True)
            # Write into a scratch folder first and move the files in only once all
            # are written, so a failure never leaves half a result behind.
            with tempfile.TemporaryDirectory(dir=out, prefix=".writing-") as scratch:
                tmp = Path(scratch)
                _write_text(tmp / layout.SUMMARY_JSON, json.dumps(plain(self.summary()), indent=2))
                _write_text(tmp / layout.MANIFEST_JSON, json.dumps(plain(self.manifest), indent=2))
                _write_text(tmp / layout.SCENARIO_YAML, self.scenario_yaml)
                table = self.summary_table()
                table.to_csv(tmp / layout.SUMMARY_CSV, index=False)
                table.to_parquet(tmp / layout.SUMMARY_PARQUET, index=False)
                self.to_netcdf(tmp / layout.RESULTS_NC)
                if "sample" in self.dataset.dims and any(n in self.dataset for n in self.outputs):
                    self.to_parquet(tmp / layout.SAMPLES_PARQUET)
                if workbook:
                    self.to_xlsx(tmp / layout.WORKBOOK_XLSX)
                written = []
                for f in sorted(tmp.iterdir()):
                    written.append(f.replace(out / f.name))
        except OSError as exc:
            msg = f"cannot write results to {out}: {exc.strerror or exc}"
            raise OutputExistsError(msg) from None
        return written


def _write_text(path: Path, text: str) -> Path:
    path.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
    return path


def _label_dims(ds: xr.Dataset, name: str) -> list[str]:
    """Return the dims of an output's elements (``lab``, ``year`` ...), without ``sample``/``statistic``."""
    var = ds.get(f"summary_{name}")
    if var is None and name in ds:
        var = ds[name]
    return [str(d) for d in var.dims if d not in ("statistic", "sample")] if var is not None else []


def _sources_or_note(scenario_yaml: str, name: str) -> pd.DataFrame:
    """Return the scenario's sources table, or one row saying why it cannot be read again."""
    from labecon.runtime.assumptions import sources_table

    try:
        return sources_table(scenario_yaml, name)
    except LabeconError as exc:
        return pd.DataFrame({"note": [f"the scenario of this run cannot be read again: {exc}"]})
