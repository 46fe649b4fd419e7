"""Physical and calendar constants shared by the whole package (a leaf: it imports nothing).

labecon uses no quantities library: units live in names (``_usd``, ``_kw``,
``_per_year``, ``_quarters``) and in schema descriptions; conversions between
them use these constants, never bare numbers.
"""

from __future__ import annotations

H100_BF16_TFLOPS = 989.4
"""Dense BF16 TFLOP/s of the reference unit, an NVIDIA H100 SXM (Epoch AI, "Machine learning hardware",
https://epoch.ai/data/machine-learning-hardware; NVIDIA's H100 datasheet)."""

H100_BF16_FLOP_PER_SECOND = H100_BF16_TFLOPS * 1e12
"""Dense BF16 FLOP/s of one H100-equivalent (H100e)."""

SECONDS_PER_HOUR = 3600.0

QUARTERS_PER_YEAR = 4.0
"""Quarters in a year: yearly rates compound as ``(1 + rate) ** (quarters / 4)``."""

HOURS_PER_YEAR = 8760.0
"""Hours in a 365-day year."""

HOURS_PER_QUARTER = HOURS_PER_YEAR / QUARTERS_PER_YEAR
"""2,190 hours: a quarter of a 365-day year (benchmark B1's convention)."""

MAX_SAMPLES = 10**12
"""Largest sample count accepted, by an option or a scenario's ``run.n_samples`` (a sanity bound, well
past any machine)."""

SWITCH_EVERY_QUARTERS = 4
"""Quarters between the dates ``labecon switch`` tries by default: one a year."""

BREAKEVEN_POINTS = 9
"""Values of the input ``labecon breakeven`` tries by default, evenly spaced in its quantiles."""

BREAKEVEN_BY_POINTS = 5
"""Values of the second input of ``labecon breakeven --by`` by default: its 2nd to 98th percentiles."""

BREAKEVEN_FUTURES = 1_000
"""Futures each value's gain is the mean over in ``labecon breakeven`` by default."""
