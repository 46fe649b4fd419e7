"""Compute strategies: rent everything, or build ahead of forecast demand with headroom."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from labecon.model.params import resolve
from labecon.model.state import FleetPolicy
from labecon.scenario.schema import BuildAheadSpec, RentAllSpec
from labecon.types import FloatArray


def fleet_policy(
    spec: RentAllSpec | BuildAheadSpec, draws: Mapping[str, FloatArray], n_samples: int
) -> FleetPolicy:
    """Return the :class:`FleetPolicy` a strategy spec stands for, per sample."""
    if isinstance(spec, RentAllSpec):
        # A renter never orders; lead time 1 keeps the vintage arithmetic defined.
        return FleetPolicy(
            owns_fleet=False,
            headroom_frac=np.zeros(n_samples),
            lead_time_quarters=np.ones(n_samples, dtype=np.int64),
        )
    lead = resolve(spec.lead_time_quarters, draws, n_samples)
    return FleetPolicy(
        owns_fleet=True,
        headroom_frac=resolve(spec.headroom_frac, draws, n_samples),
        lead_time_quarters=np.rint(lead).astype(np.int64),
    )
