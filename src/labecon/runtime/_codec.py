"""How results go to files and come back with the same bits: what NetCDF does not keep exactly.

NetCDF holds the dataset; a JSON beside it holds the summaries (dtype and
all), the manifest, the attributes, the label types and the variable order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from labecon.errors import StoreError
from labecon.jsonable import plain
from labecon.runtime.summary import Estimate, OutputSummary

FORMAT_VERSION = 1
"""Version of the JSON layout; a file of another version is refused with a clear error."""


def _encode_value(value: Any) -> Any:
    """Encode a summary value (a float or an array) so JSON gives back the same bits."""
    arr = np.asarray(value)
    if arr.ndim == 0:
        return {"scalar": arr.item(), "dtype": arr.dtype.str}
    return {"array": arr.tolist(), "dtype": arr.dtype.str}


def _decode_value(data: Any) -> Any:
    if "scalar" in data:
        return np.asarray(data["scalar"], dtype=np.dtype(data["dtype"]))[()]
    return np.asarray(data["array"], dtype=np.dtype(data["dtype"]))


def _encode_summary(s: OutputSummary) -> dict[str, Any]:
    return {
        "n_samples": int(s.n_samples),
        "mean": [_encode_value(s.mean.value), _encode_value(s.mean.se)],
        "sd": _encode_value(s.sd),
        "percentiles": [[q, _encode_value(e.value), _encode_value(e.se)] for q, e in s.percentiles.items()],
        "p_positive": (
            None
            if s.p_positive is None
            else [_encode_value(s.p_positive.value), _encode_value(s.p_positive.se)]
        ),
    }


def _decode_summary(data: Mapping[str, Any]) -> OutputSummary:
    p_pos = data["p_positive"]
    return OutputSummary(
        n_samples=int(data["n_samples"]),
        mean=Estimate(_decode_value(data["mean"][0]), _decode_value(data["mean"][1])),
        sd=_decode_value(data["sd"]),
        percentiles={
            float(q): Estimate(_decode_value(v), _decode_value(se)) for q, v, se in data["percentiles"]
        },
        p_positive=None if p_pos is None else Estimate(_decode_value(p_pos[0]), _decode_value(p_pos[1])),
    )


def rebuild_info(
    ds: xr.Dataset, summaries: Mapping[str, OutputSummary], manifest: Mapping[str, Any], scenario_yaml: str
) -> dict[str, Any]:
    """Return what NetCDF does not keep exactly: summaries, manifest, attributes, label types."""
    return {
        "format_version": FORMAT_VERSION,
        "manifest": dict(manifest),
        "scenario_yaml": scenario_yaml,
        "summaries": {name: _encode_summary(s) for name, s in summaries.items()},
        "dataset_attrs": plain(dict(ds.attrs), finite=False),
        "variable_attrs": {str(k): plain(dict(v.attrs), finite=False) for k, v in ds.variables.items()},
        "label_dtypes": {str(k): v.dtype.str for k, v in ds.coords.items() if v.dtype.kind in "USO"},
        "order": [str(k) for k in ds.data_vars],
    }


def restore_dataset(ds: xr.Dataset, info: Mapping[str, Any]) -> xr.Dataset:
    """Give back the attributes, label dtypes and variable order the Dataset had before NetCDF."""
    for name, dtype in info.get("label_dtypes", {}).items():
        if name in ds.coords and np.dtype(dtype).kind == "U":
            ds = ds.assign_coords({name: ds[name].to_numpy().astype(str)})
    order = [k for k in info.get("order", []) if k in ds.data_vars]
    ds = ds[order + [k for k in ds.data_vars if k not in order]]
    for name, attrs in info.get("variable_attrs", {}).items():
        if name in ds.variables:
            ds[name].attrs = dict(attrs)
            ds[name].encoding = {}
    ds.attrs = dict(info.get("dataset_attrs", {}))
    ds.encoding = {}
    return ds


def read_files(
    results_nc: Path, info_json: Path
) -> tuple[xr.Dataset, dict[str, OutputSummary], dict[str, Any], str]:
    """Return (dataset, summaries, manifest, scenario YAML) read back exactly from the two files.

    Raises
    ------
    StoreError
        A file is missing, unreadable, or of another format version.
    """
    for path in (results_nc, info_json):
        if not path.is_file():
            msg = f"its results file {path} is missing (moved or deleted?)"
            raise StoreError(msg)
    try:
        info = json.loads(info_json.read_text(encoding="utf-8"))
        summaries = {name: _decode_summary(s) for name, s in info["summaries"].items()}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        msg = f"cannot read {info_json}: {exc}"
        raise StoreError(msg) from None
    if info.get("format_version") != FORMAT_VERSION:
        found = info.get("format_version")
        msg = f"{info_json} is in format {found!r}; this labecon reads format {FORMAT_VERSION}"
        raise StoreError(msg)
    try:
        with xr.open_dataset(results_nc, engine="netcdf4") as opened:
            dataset = opened.load()
    except (OSError, ValueError, RuntimeError) as exc:
        msg = f"cannot read {results_nc}: {exc}"
        raise StoreError(msg) from None
    return restore_dataset(dataset, info), summaries, info["manifest"], info["scenario_yaml"]
