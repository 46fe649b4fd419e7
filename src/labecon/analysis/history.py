"""Observed history of the labs, to score a scenario against: load and validate a CSV file.

One row per observation, columns ``lab,metric,date,value,source,reliability``
(others are ignored). The history shipped with labecon
(``labecon/data/history.csv``) names the labs as the built-in scenarios do:
``lab_own`` is the OpenAI-like lab (the route that builds and commits) and
``lab_partner`` the Anthropic-like one (the route on a strategic partner's
chips). Every row cites its original public source and a reliability grade:
A primary, B reputable secondary reporting, C aggregator or unverified.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from labecon.errors import LabeconError

COLUMNS = ("lab", "metric", "date", "value", "source", "reliability")
"""Columns a history file must have, in any order."""

METRICS: dict[str, str] = {
    "revenue_run_rate_usd_per_year": "revenue run-rate (USD per year)",
    "compute_gw": "compute (GW)",
}
"""Metrics a history may hold, with the human name used in tables and charts."""

KNOWN_LABS: dict[str, str] = {
    "lab_own": "OpenAI-like",
    "lab_partner": "Anthropic-like",
}
"""Lab names of the built-in scenarios and the company each one stands for.

``lab_own`` takes the route that builds data centres and signs take-or-pay
contracts; ``lab_partner`` runs mostly on a strategic partner cloud's chips."""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_GRADE = re.compile(r"[ABC][+-]?(/[ABC][+-]?)*")


class HistoryError(LabeconError):
    """A history file is missing or malformed (the message names the row and column)."""


@dataclass(frozen=True)
class Observation:
    """One observed value of a lab's metric.

    Attributes
    ----------
    lab, metric : str
        The lab (a name in the scenario's ``labs``) and the metric (a key of :data:`METRICS`).
    date : datetime.date
        When the value was observed.
    value : float
        The value, in the metric's unit (USD per year, GW).
    source : str
        Original public source: title and address.
    reliability : str
        Grade: A primary, B reputable secondary, C aggregator or unverified.
    row : int
        Row of the file it came from (the header is row 1).
    """

    lab: str
    metric: str
    date: dt.date
    value: float
    source: str
    reliability: str
    row: int


def builtin_history_path() -> Path:
    """Return the path of the history file shipped with labecon."""
    return Path(str(resources.files("labecon").joinpath("data/history.csv")))


def load_history(path: str | Path | None = None, labs: Iterable[str] | None = None) -> list[Observation]:
    """Read and validate a history file.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file; default the history shipped with labecon.
    labs : iterable of str, optional
        Lab names allowed besides :data:`KNOWN_LABS`, e.g. the scenario's labs.

    Returns
    -------
    list of Observation
        In file order.

    Raises
    ------
    HistoryError
        On the first problem, naming the file, the row (the header is row 1)
        and the column: a missing column, a bad date, an unknown lab or
        metric, a value that is not a non-negative number, an empty source or
        an unknown reliability grade.
    """
    file = builtin_history_path() if path is None else Path(path)
    allowed = set(KNOWN_LABS) | set(labs or ())
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read history file {file}: {getattr(exc, 'strerror', None) or exc}"
        raise HistoryError(msg) from None
    # Rows are records, not lines: a quoted source may hold a line break.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _read(reader, file.name, allowed)
    except csv.Error as exc:
        msg = f"{file.name}, line {reader.line_num}: not readable as CSV ({exc})"
        raise HistoryError(msg) from None


def _read(reader: Iterator[list[str]], name: str, allowed: set[str]) -> list[Observation]:
    header = next(reader, None)
    if header is None or not any(h.strip() for h in header):
        msg = f"{name}: the file is empty; expected the header {','.join(COLUMNS)}"
        raise HistoryError(msg)
    names = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        msg = (
            f"{name}, row 1: missing column(s) {', '.join(repr(c) for c in missing)}; "
            f"expected {','.join(COLUMNS)}"
        )
        raise HistoryError(msg)
    where = {c: names.index(c) for c in COLUMNS}
    out = []
    for row_no, fields in enumerate(reader, start=2):
        if not any(f.strip() for f in fields):
            continue  # blank lines carry nothing
        if len(fields) != len(names):
            msg = f"{name}, row {row_no}: {len(fields)} fields, the header has {len(names)}"
            raise HistoryError(msg)
        cells = {c: fields[i].strip() for c, i in where.items()}
        out.append(_observation(cells, row_no, name, allowed))
    return out


def _observation(cells: dict[str, str], row: int, name: str, labs: set[str]) -> Observation:
    problem = _problem(cells, labs)
    if problem:
        column, text = problem
        msg = f"{name}, row {row}, column '{column}': {text}"
        raise HistoryError(msg)
    return Observation(
        cells["lab"],
        cells["metric"],
        dt.date.fromisoformat(cells["date"]),
        float(cells["value"]),
        cells["source"],
        cells["reliability"],
        row,
    )


def _problem(cells: dict[str, str], labs: set[str]) -> tuple[str, str] | None:
    """Return ``(column, problem)`` for the first malformed cell of a row, or None."""
    if cells["lab"] not in labs:
        return "lab", f"unknown lab {cells['lab']!r}; expected one of {', '.join(sorted(labs))}"
    if cells["metric"] not in METRICS:
        return "metric", f"unknown metric {cells['metric']!r}; expected one of {', '.join(METRICS)}"
    if not _is_date(cells["date"]):
        return "date", f"{cells['date']!r} is not a valid date written YYYY-MM-DD"
    try:
        value = float(cells["value"])
    except ValueError:
        return "value", f"{cells['value']!r} is not a number"
    if not math.isfinite(value) or value < 0:
        return "value", f"must be a finite number >= 0, got {cells['value']}"
    if not cells["source"]:
        return "source", "empty; every observation cites its original source (title and address)"
    if not _GRADE.fullmatch(cells["reliability"]):
        return "reliability", f"{cells['reliability']!r} is not a grade A, B or C (e.g. 'B', 'A/B')"
    return None


def _is_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True
