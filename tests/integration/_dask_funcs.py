"""Module-level (picklable) block functions for the Dask backend tests."""

from __future__ import annotations

import time

import numpy as np

from labecon.errors import OptionError
from labecon.runtime.plan import Block


def toy_block(seed: int, block: Block, delay_s: float = 0.0) -> np.ndarray:
    """Return a deterministic function of the global sample indices of ``block``."""
    if delay_s:
        time.sleep(delay_s)
    i = np.arange(block.start, block.stop, dtype=np.float64)
    return np.sin(i * 0.37 + seed) ** 2 / (1.0 + np.log1p(i))


def failing_block(block: Block) -> np.ndarray:
    """Raise a labecon error for the block that starts at 20, like a bad input would."""
    if block.start == 20:
        msg = f"bad value in samples {block.start}..{block.stop - 1}"
        raise OptionError(msg, "inputs")
    return np.zeros(block.size)
