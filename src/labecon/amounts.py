"""Amounts as a reader sees them: dollars as people write them, shares as percentages (a leaf)."""

from __future__ import annotations

import math


def money(x: float) -> str:
    """Return US dollars as people write them: ``$12.3B``, ``-$450M``, ``$1.2T``, ``$3.4K``, ``$120``."""
    if x is None or not math.isfinite(x):
        return "n/a"
    sign = "-" if x < 0 else ""
    a = abs(x)
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if a >= scale * 0.9995:
            return f"{sign}${a / scale:,.3g}{suffix}"
    return f"{sign}${a:,.0f}"


def unit_money(x: float) -> str:
    """Return a price per unit in US dollars to two significant figures: ``$0.44``, ``$0.30``, ``$0.018``.

    Never in scientific notation (``$150``, not ``$1.5e+02``); a significant zero is kept (``$0.30``).
    """
    if x is None or not math.isfinite(x):
        return "n/a"
    if abs(x) >= 1000:
        return money(x)
    rounded = abs(float(f"{x:.2g}"))
    decimals = max(0, 1 - math.floor(math.log10(rounded))) if rounded else 0
    return f"{'-' if x < 0 else ''}${rounded:.{decimals}f}"


def pct(p: float) -> str:
    """Return a share or probability as a percentage with one decimal: ``4.5%``."""
    if p is None or not math.isfinite(p):
        return "n/a"
    if 0 < abs(p) < 0.0005:
        return "<0.1%"
    if 0.9995 <= p < 1:  # would print as 100.0%: not every sample
        return ">99.9%"
    return f"{p:.1%}"


def input_in_words(x: float, units: str = "") -> str:
    """Return an input's value with its units as a sentence says it: ``191% a year``, ``$17.6M per MW``.

    A fraction per year reads as a percentage a year; dollars with the rest of their units
    (``USD per MW``); anything else as :func:`input_amount` and its units (``12 quarters``).
    """
    if x is None or not math.isfinite(x):
        return "n/a"
    if units == "fraction per year":
        return f"{x:.0%} a year"
    if units.startswith("USD"):
        return f"{input_amount(x, units)}{units[3:]}"
    return f"{input_amount(x, units)} {units}".rstrip()


def value_in_units(x: float, units: str) -> str:
    """Return a swept value with its units, as a break-even says it: ``24.4% a year``, ``$15.8M``, ``5 MW``.

    Unlike :func:`input_in_words`, a fraction keeps one decimal (a break-even is read to it) and
    dollars stand alone (their column or axis names what they are per).
    """
    if units.startswith("fraction") and math.isfinite(x):
        return f"{x:.1%}" + (" a year" if units == "fraction per year" else "")
    text = input_amount(x, units)
    return text if units.startswith("USD") or not units else f"{text} {units}"


def spread_in_units(x: float, units: str) -> str:
    """Return a distance between two swept values (a fraction's in percentage points)."""
    if units.startswith("fraction") and math.isfinite(x):
        return f"{x * 100:.1f} points"
    return value_in_units(x, units)


def input_amount(x: float, units: str = "") -> str:
    """Return an input's value as a reader writes it: dollars when its units are (``$10M``), else a number.

    A number has three significant figures, never in scientific notation (``0.315``, ``14``,
    ``2,500``). The units are the reader's to add, except the dollar sign.
    """
    if x is None or not math.isfinite(x):
        return "n/a"
    if units.startswith("USD") and abs(x) >= 1000:
        return money(x)
    if abs(x) >= 1000:
        number = f"{float(f'{x:.3g}'):,.0f}"
    else:
        number = f"{abs(x):.3g}" if abs(x) >= 1e-3 or x == 0 else f"{abs(x):.2e}"
        number = ("-" if x < 0 else "") + ("$" if units.startswith("USD") else "") + number
    return number
