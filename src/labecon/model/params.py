"""Turn a scenario's parameters (numbers or input names) into per-sample arrays."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from labecon.model.state import ComputeParams
from labecon.scenario.schema import ComputeSpec, ParamValue
from labecon.types import FloatArray


def resolve(value: ParamValue, draws: Mapping[str, FloatArray], n_samples: int) -> FloatArray:
    """Return a parameter as an array shaped ``(sample,)``.

    A number is broadcast to every sample; a name takes that input's draws.
    """
    if isinstance(value, str):
        return np.ascontiguousarray(draws[value], dtype=np.float64)
    return np.full(n_samples, float(value))


def compute_params(spec: ComputeSpec, draws: Mapping[str, FloatArray], n_samples: int) -> ComputeParams:
    """Return the compute side's parameters for ``n_samples`` samples."""
    return ComputeParams(*(resolve(getattr(spec, name), draws, n_samples) for name in ComputeParams._fields))
