"""Read a user's own input samples from a CSV or Parquet table, strictly.

A table replaces the sampled draws: one column per uncertain input, one row
per sample, in file order. Anything odd is an :class:`~labecon.errors.InputTableError`
with a message naming the file, the column and the first bad row: a missing
or unexpected column (typos are not silently ignored), a non-numeric or
non-finite value, a duplicated header, or an empty table.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from labecon.errors import InputTableError
from labecon.types import FloatArray

__all__ = ["TABLE_SUFFIXES", "read_input_table"]

TABLE_SUFFIXES = (".csv", ".parquet", ".pq")
"""File name endings :func:`read_input_table` accepts (case-insensitive)."""


def _first_duplicate(columns: Sequence[str]) -> str | None:
    seen: set[str] = set()
    for column in columns:
        if column in seen:
            return column
        seen.add(column)
    return None


def _read_csv(path: Path) -> tuple[list[str], dict[str, np.ndarray[Any, Any]]]:
    """Return the header and the raw columns of a CSV file."""
    import pandas as pd

    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), None)
        if header is None:
            msg = f"{path}: the file is empty; expected a header row naming the columns"
            raise InputTableError(msg)
        header = [column.strip() for column in header]
        frame = pd.read_csv(path, encoding="utf-8-sig", skipinitialspace=True)
    except pd.errors.EmptyDataError:
        msg = f"{path}: the file is empty; expected a header row naming the columns"
        raise InputTableError(msg) from None
    except (pd.errors.ParserError, csv.Error) as exc:
        msg = f"{path}: cannot read as CSV: {exc}"
        raise InputTableError(msg) from None
    except UnicodeDecodeError:
        msg = f"{path}: cannot read as CSV: the file is not UTF-8 text"
        raise InputTableError(msg) from None
    except OSError as exc:
        msg = f"{path}: cannot read: {exc.strerror or exc}"
        raise InputTableError(msg) from None
    duplicate = _first_duplicate(header)
    if duplicate is not None:
        msg = f"{path}: column {duplicate!r} appears more than once"
        raise InputTableError(msg)
    frame.columns = header
    return header, {str(column): frame[column].to_numpy() for column in header}


def _read_parquet(path: Path) -> tuple[list[str], dict[str, np.ndarray[Any, Any]]]:
    """Return the column names and the columns of a Parquet file (non-numeric as objects)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        msg = f"{path}: cannot read as Parquet: {exc}"
        raise InputTableError(msg) from None
    header = [str(name) for name in table.column_names]
    duplicate = _first_duplicate(header)
    if duplicate is not None:
        msg = f"{path}: column {duplicate!r} appears more than once"
        raise InputTableError(msg)
    columns: dict[str, np.ndarray[Any, Any]] = {}
    for name, column in zip(header, table.columns, strict=True):
        kind = column.type
        if pa.types.is_integer(kind) or pa.types.is_floating(kind):
            columns[name] = column.to_numpy(zero_copy_only=False)
        else:
            columns[name] = np.asarray(column.to_pylist(), dtype=object)
    return header, columns


def _to_float(raw: np.ndarray[Any, Any], path: Path, column: str) -> FloatArray:
    """Return ``raw`` as finite float64 values, or raise naming the first bad row."""
    if raw.dtype.kind in "iuf":
        values = np.ascontiguousarray(raw, dtype=np.float64)
    else:
        values = np.full(raw.shape, np.nan)
        for i, item in enumerate(raw):
            number = _as_number(item)
            if number is None:
                shown = item.item() if isinstance(item, np.generic) else item
                msg = f"{path}: column {column!r} must hold numbers, but row {i + 1} holds {shown!r}"
                raise InputTableError(msg)
            values[i] = number
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        i = int(bad[0])
        shown = "an empty cell" if np.isnan(values[i]) else str(values[i])
        msg = f"{path}: column {column!r} must hold finite numbers, but row {i + 1} holds {shown}"
        raise InputTableError(msg)
    return values


def _as_number(item: object) -> float | None:
    """Return ``item`` as a float if it is a number or numeric text, else None."""
    if isinstance(item, bool | np.bool_):
        return None
    if isinstance(item, int | float | np.integer | np.floating):
        try:
            return float(item)
        except OverflowError:
            return None
    if isinstance(item, str):
        try:
            return float(item)
        except ValueError:
            return None
    return None


def read_input_table(path: str | Path, names: Sequence[str]) -> dict[str, FloatArray]:
    """Read input samples from a CSV or Parquet file.

    Parameters
    ----------
    path : str or Path
        The file; ``.csv`` (UTF-8, header row, comma separated) or
        ``.parquet`` / ``.pq``, chosen by the file name's ending.
    names : sequence of str
        The columns required, one per uncertain input. Every one must be
        present and no other column may be.

    Returns
    -------
    dict of str to FloatArray
        For every name, in the order of ``names``, its column as float64 shaped
        ``(rows,)``, rows in file order, in the units of that input.

    Raises
    ------
    InputTableError
        If the file does not exist or cannot be read, has an unsupported
        ending, lacks a required column or has an unexpected one, holds a
        non-numeric or non-finite value (the message gives the column and the
        first bad row, counting data rows from 1), or has no rows.
    """
    file = Path(path).expanduser()
    suffix = file.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        shown = repr(suffix) if suffix else "no ending"
        msg = f"{file}: unsupported file type ({shown}); use one of {', '.join(TABLE_SUFFIXES)}"
        raise InputTableError(msg)
    if not file.exists():
        msg = f"{file}: no such file"
        raise InputTableError(msg)
    if not file.is_file():
        msg = f"{file}: is not a file"
        raise InputTableError(msg)
    header, columns = _read_csv(file) if suffix == ".csv" else _read_parquet(file)
    required = list(dict.fromkeys(names))
    missing = [name for name in required if name not in columns]
    if missing:
        msg = (
            f"{file}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(map(repr, missing))}; expected exactly the columns "
            f"{', '.join(map(repr, required))}"
        )
        raise InputTableError(msg)
    extra = [column for column in header if column not in required]
    if extra:
        msg = (
            f"{file}: unexpected column{'s' if len(extra) > 1 else ''} "
            f"{', '.join(map(repr, extra))} (a typo?); expected exactly the columns "
            f"{', '.join(map(repr, required))}"
        )
        raise InputTableError(msg)
    n_rows = len(next(iter(columns.values()))) if columns else 0
    if n_rows == 0:
        msg = f"{file}: the table has no rows"
        raise InputTableError(msg)
    return {name: _to_float(columns[name], file, name) for name in required}
