"""Unit vocabulary shared by the whole package.

labecon uses no quantities library: units live in names (``_usd``,
``_kw``, ``_per_year``, ``_quarters``) and in schema descriptions.
"""

from __future__ import annotations

QUARTERS_PER_YEAR = 4
"""Quarters in a year."""

HOURS_PER_QUARTER = 2190.0
"""Hours in a quarter: 8760 hours per year / 4 (B1's convention)."""


def per_year_to_per_quarter_factor(rate_per_year: float) -> float:
    """Return the quarterly growth factor of a yearly rate, ``(1 + r) ** (1 / 4)``."""
    return float((1.0 + rate_per_year) ** (1.0 / QUARTERS_PER_YEAR))
