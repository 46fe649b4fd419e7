"""Shared plumbing: picking one per-sample value from an output."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from labecon.errors import OptionError
from labecon.runtime.results import Results
from labecon.types import FloatArray


def parse_output_ref(ref: str) -> tuple[str, dict[str, str]]:
    """Split ``"npv_usd[lab=a,year=2030]"`` into the output name and its selection."""
    text = ref.strip()
    if "[" not in text:
        return text, {}
    if not text.endswith("]"):
        msg = f"expected OUTPUT or OUTPUT[dim=label,...], got {ref!r}"
        raise OptionError(msg, "output")
    name, _, inner = text[:-1].partition("[")
    select: dict[str, str] = {}
    for item in inner.split(","):
        dim, eq, label = item.partition("=")
        if not eq:
            msg = f"expected dim=label inside [...], got {item!r}"
            raise OptionError(msg, "output")
        select[dim.strip()] = label.strip()
    return name.strip(), select


def output_values(results: Results, ref: str, select: Mapping[str, Any] | None = None) -> FloatArray:
    """Return an output's per-sample values, with trailing dims picked by ``select`` (``(sample, ...)``).

    Raises
    ------
    OptionError
        The output does not exist, the run kept no per-sample values, or a
        selection names an unknown dim or label.
    """
    name, inline = parse_output_ref(ref)
    picked = {**inline, **(dict(select) if select else {})}
    if name not in results.outputs:
        msg = f"unknown output {name!r}; this scenario's outputs: {', '.join(results.outputs)}"
        raise OptionError(msg, "output")
    ds = results.dataset
    if name not in ds:
        msg = "this run kept summaries only; per-sample values are needed: keep outputs"
        raise OptionError(msg, "keep")
    var = ds[name]
    for dim, label in picked.items():
        # The error names where the choice was made: inline in the output, or as a selection.
        where = "output" if dim in inline and not (select and dim in select) else "select"
        if dim not in var.dims:
            dims = ", ".join(str(d) for d in var.dims if d != "sample") or "none"
            msg = f"output {name!r} has no dim {dim!r}; its dims: {dims}"
            raise OptionError(msg, where)
        labels = [str(v) for v in ds[dim].to_numpy()]
        if str(label) not in labels:
            msg = f"{dim}={label!r} is not one of: {', '.join(labels)}"
            raise OptionError(msg, where)
        var = var.isel({dim: labels.index(str(label))})
    return np.asarray(var.transpose("sample", ...).to_numpy(), dtype=np.float64)


TIME_DIMS = ("year", "quarter")
"""Trailing dims an analysis may keep, giving one result per step."""


def unpicked_dims(
    results: Results, ref: str, select: Mapping[str, Any] | None = None
) -> dict[str, list[str]]:
    """Return the trailing dims of an output that ``ref`` and ``select`` leave unpicked, with their labels."""
    name, picked = parse_output_ref(ref)
    picked = {**picked, **(dict(select) if select else {})}
    ds = results.dataset
    if name not in ds:
        return {}
    return {
        str(d): [str(v) for v in ds[d].to_numpy()] if d in ds.coords else []
        for d in ds[name].dims
        if d != "sample" and d not in picked
    }


def pick_one_error(ref: str, dims: Mapping[str, list[str]]) -> OptionError:
    """Return the error for an output that still has one value per lab (or other label): name the choices."""
    name = ref.split("[")[0]
    choices = "; ".join(f"{d}: {' or '.join(f'{d}={v}' for v in labels)}" for d, labels in dims.items())
    msg = f"output {name!r} has one value per {' and '.join(dims)}; pick one ({choices})"
    return OptionError(msg, "select")


def input_table(results: Results) -> dict[str, FloatArray]:
    """Return each uncertain input's per-sample values from a run that kept them."""
    ds = results.dataset
    if "input_value" not in ds:
        return {}
    return {str(n): ds["input_value"].sel(input=n).to_numpy() for n in ds["input"].to_numpy()}
