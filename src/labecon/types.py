"""Type aliases shared across labecon (string options as ``Literal``)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
"""A float64 array; in the model usually shaped ``(sample, ...)``."""

IntArray = NDArray[np.int64]
"""An int64 array."""

BackendName = Literal["local", "dask"]
"""Execution backends available for :func:`labecon.simulate`."""

EngineName = Literal["auto", "numpy", "numba"]
"""How the quarterly loop is executed: plain NumPy, compiled, or the best available."""

ExportFormat = Literal["netcdf", "parquet", "csv", "xlsx"]
"""File formats results can be exported to."""
