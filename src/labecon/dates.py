"""Model quarters as calendar quarters, for anything a reader sees (a leaf: it imports nothing)."""

from __future__ import annotations


def quarter_label(start_year: float, quarter: float) -> str:
    """Return the calendar quarter of model quarter ``quarter`` (0 = the start), e.g. ``2029 Q3``.

    ``start_year`` is the calendar year at the start of quarter 0 (``2026.25``
    is April 2026); a fractional ``quarter`` counts as the quarter it falls in.
    """
    months = round((start_year % 1) * 12) + 3 * int(quarter)
    year = int(start_year) + months // 12
    return f"{year} Q{(months % 12) // 3 + 1}"
