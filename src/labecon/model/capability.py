"""Capability: training runs turn effective compute into a capability index on a log scale.

Effective compute = hardware FLOP x utilisation x algorithmic efficiency, the
last doubling every ``halving_months`` relative to quarter 0. The index is
``log10`` of a finished run's effective FLOP; the rest of the market's
frontier grows by its compute trend plus the same algorithmic progress.
"""

from __future__ import annotations

import numpy as np

from labecon.constants import H100_BF16_FLOP_PER_SECOND, QUARTERS_PER_YEAR, SECONDS_PER_HOUR
from labecon.model.decisions import LabDecisions
from labecon.model.market import growth_years
from labecon.model.world_state import Context, WorldState
from labecon.types import FloatArray, IntArray


def algorithmic_multiplier(halving_months: FloatArray, t: int) -> FloatArray:
    """Return how much further a FLOP goes at quarter ``t`` than at quarter 0 (ratio)."""
    out: FloatArray = 2.0 ** (3.0 * t / halving_months)
    return out


def effective_flop(
    training_h100e: FloatArray, hours: float, utilisation_frac: FloatArray, multiplier: FloatArray
) -> FloatArray:
    """Return a quarter's effective training FLOP, ``(sample, lab)`` (FLOP at quarter-0 algorithms)."""
    out: FloatArray = (
        training_h100e
        * (hours * SECONDS_PER_HOUR * H100_BF16_FLOP_PER_SECOND)
        * utilisation_frac[:, None]
        * multiplier[:, None]
    )
    return out


def frontier_log10_flop(
    frontier0: FloatArray,
    compute_multiple_per_year: FloatArray,
    growth_decay_per_year: FloatArray,
    halving_months: FloatArray,
    t: int | IntArray,
) -> FloatArray:
    """Return the outside frontier's capability at quarter ``t`` (log10 FLOP at quarter-0 algorithms).

    ``t`` may be an array of quarters, broadcast against the per-sample parameters.

    ``frontier0 + log10(multiple) * growth_years(decay, t / 4) + (t / 4) * 12 / halving * log10(2)``:
    compute growth fades as :func:`labecon.model.market.growth_years` says; algorithms keep improving.
    """
    years = t / QUARTERS_PER_YEAR
    out: FloatArray = (
        frontier0
        + np.log10(compute_multiple_per_year) * growth_years(growth_decay_per_year, years)
        + years * 12.0 / halving_months * np.log10(2.0)
    )
    return out


def finish_runs(
    capability: FloatArray, run_flop: FloatArray, run_ends: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Where a run ends, raise capability to ``log10(run FLOP)`` if higher and start a new run."""
    done = (run_ends > 0) & (run_flop > 0)
    new_cap = np.where(done, np.maximum(capability, np.log10(np.where(done, run_flop, 1.0))), capability)
    return new_cap, np.where(run_ends > 0, 0.0, run_flop)


def train(t: int, state: WorldState, dec: LabDecisions, base_h100e: FloatArray, ctx: Context) -> WorldState:
    """Stage 5: training capacity adds effective FLOP to the run; a run's end sets capability.

    When a run ends, the capability index rises to ``log10`` of its effective
    FLOP (never falls) and the next run starts from zero.
    """
    st, gp = state.standing, ctx.params.world
    train_h100e = dec.training_frac * base_h100e
    run_flop = st.run_flop + effective_flop(
        train_h100e * gp.final_run_frac[:, None],
        ctx.params.hours_per_quarter,
        gp.utilisation_frac,
        state.drivers.algorithmic,
    )
    capability = st.capability_log10_flop
    ends = (t + 1) % ctx.run_length_quarters == 0
    if ends.any():  # else nothing changes (and log10 is dear)
        run_ends = ends.astype(np.float64)[None, :] * state.accounts.alive
        capability, run_flop = finish_runs(capability, run_flop, run_ends)
    return state._replace(standing=st._replace(capability_log10_flop=capability, run_flop=run_flop))
