"""How an output or a kept path is labelled: the one description every model gives of what it produces.

Every output is an array whose first axis is the sample; trailing axes (a
lab, a year, ...) are named here, so the runtime can label, keep and
summarise any output without knowing what it means or which model made it.
"""

from __future__ import annotations

from typing import NamedTuple


class OutputInfo(NamedTuple):
    """How to label and summarise one output (or one kept path)."""

    dims: tuple[str, ...]
    """Names of the axes after ``sample``."""
    coords: dict[str, list[str] | list[int]]
    """Labels of each trailing axis."""
    units: str
    description: str
    p_positive: bool = False
    """Whether to report P(output > 0)."""
