"""Warnings, not refusals, for values far outside their field's usual range.

A discount rate of 12 (meant as 12%, written where 0.12 belongs) or a capex
per MW of 25 (meant as 25 million) validates, yet makes every result
meaningless. Each rule here names a field by the unit in its name, gives the
range most scenarios use, and says the likely slip. Uncertain inputs are
checked where a field names them: at the values their distribution states
(``ci90``, ``low``/``high``, ``value``, ``mode``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    """A field-name pattern, its usual range and unit, and what a value outside it probably means."""

    pattern: str
    low: float
    high: float
    unit: str
    hint: str


RULES = (
    Rule(
        r"(rate|spread)_per_year$",
        -0.05,
        1.0,
        "fraction per year",
        "a rate is a fraction per year: write 0.12 for 12%",
    ),
    Rule(
        r"(decline|decay)_per_year$",
        -0.5,
        1.0,
        "fraction per year",
        "a decline is a fraction per year: write 0.3 for 30%",
    ),
    Rule(
        r"growth_per_year$",
        -0.9,
        20.0,
        "fraction per year",
        "growth is a fraction per year: write 0.5 for 50%",
    ),
    Rule(r"_frac(_[a-z_]+)?$", -1.0, 1.5, "fraction", "a fraction: write 0.25 for 25%"),
    Rule(
        r"_usd_per_mw$",
        1e6,
        1e8,
        "USD per MW",
        "in US dollars, not millions: 12 million USD per MW is 12000000",
    ),
    Rule(r"_usd_per_kw$", 1e3, 1e5, "USD per kW", "in US dollars per kW: 12,000 USD per kW is 12000"),
    Rule(r"usd_per_kwh$", 0.005, 1.0, "USD per kWh", "electricity costs cents per kWh: 0.07 for 7 cents"),
    Rule(r"usd_per_(chip|gpu|unit)_hour(_t0)?$", 0.05, 50.0, "USD per chip-hour", "dollars, not cents"),
    Rule(r"^price_usd$", 500.0, 2e6, "USD per chip", "a chip's price in US dollars, not thousands"),
    Rule(r"power_kw(_all_in|_per_unit)?$", 0.05, 20.0, "kW per chip", "a chip draws about 1 to 3 kW"),
    Rule(r"^pue$", 1.0, 3.0, "ratio", "power usage effectiveness is about 1.1 to 1.5"),
)
"""The checks, first match wins."""


def plausibility_warnings(data: Mapping[str, Any]) -> list[str]:
    """Return a warning for each value far outside its field's usual range, naming the field and unit.

    Parameters
    ----------
    data : mapping
        A scenario's fields, as a validated scenario dumps them
        (``Scenario.model_dump(mode="json")``).
    """
    inputs = data.get("inputs") or {}
    out = []
    for path, value in _leaves(data):
        if path.startswith(("inputs.", "run.", "correlation.")):
            continue
        rule = _rule(path.rsplit(".", 1)[-1])
        if rule is None:
            continue
        where = path
        values: list[float] = []
        if isinstance(value, str) and isinstance(inputs.get(value), Mapping):
            values = _stated_values(inputs[value])
            where = f"{path} (input {value})"
        elif isinstance(value, int | float) and not isinstance(value, bool):
            values = [float(value)]
        # Zero stands for "not applicable" (a chip that is only rented has no price).
        outside = [v for v in values if math.isfinite(v) and v != 0 and not rule.low <= v <= rule.high]
        if outside:
            shown = ", ".join(f"{v:g}" for v in outside)
            out.append(
                f"{where} = {shown} is far outside the usual {rule.low:g} to {rule.high:g} {rule.unit}; "
                f"{rule.hint}"
            )
    return out


def _rule(key: str) -> Rule | None:
    return next((r for r in RULES if re.search(r.pattern, key)), None)


def _leaves(node: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, Mapping):
        for k, v in node.items():
            yield from _leaves(v, f"{prefix}.{k}" if prefix else str(k))
    elif not isinstance(node, list):
        yield prefix, node


def _stated_values(spec: Mapping[str, Any]) -> list[float]:
    """Return the numbers a distribution spec states about its range (its bounds or 90% interval)."""
    found: list[float] = []
    for key in ("ci90", "low", "high", "value", "mode", "min", "max"):
        v = spec.get(key)
        items = v if isinstance(v, list) else [v]
        found += [float(x) for x in items if isinstance(x, int | float) and not isinstance(x, bool)]
    return found
