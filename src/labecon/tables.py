"""One way to write an analysis's table for spreadsheets: a CSV file of rows (a leaf: the standard library).

Each analysis saved as JSON (:mod:`labecon.jsonable`) is also written as one tidy table beside it,
a row per point, cell or input, with its units in its column names, for readers who work in a
spreadsheet. Numbers are written in full (``repr``), so the file reads back to the same values;
NaN and infinities are left empty, as JSON has them null.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


def write_csv(path: str | Path, rows: Sequence[Mapping[str, Any]]) -> Path:
    """Write ``rows`` (one mapping each, the same keys in the same order) as CSV; return the path.

    The header is the first row's keys. A list in a cell is written joined by ``"; "``. The
    parent folder is created if needed.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if rows:
            writer.writerow(list(rows[0]))
        for row in rows:
            writer.writerow([_cell(v) for v in row.values()])
    return target


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    return str(value)
