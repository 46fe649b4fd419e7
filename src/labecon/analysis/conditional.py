"""Inputs set to values with the scenario's correlations kept: the others in their group move with them.

A scenario correlates some inputs through a Gaussian copula (:mod:`labecon.uncertain.copula`):
each future's normal scores ``z`` of the group are standard normal with correlation ``R``. Set
inputs ``S`` to their quantiles ``q`` and their scores become ``Phi^-1(q)``; the others' scores
given them are normal with mean ``R_oS R_SS^-1 z_S`` and a spread that does not depend on
``z_S``. Each future keeps its own residual ``z_o - R_oS R_SS^-1 z_S``, so its other scores
become ``z_o + R_oS R_SS^-1 (Phi^-1(q) - z_S)``: drawn from their distribution given the set
values, each future as close to its own draw as that allows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.special import ndtr, ndtri

from labecon.scenario.distributions import FixedSpec
from labecon.scenario.schema import Scenario
from labecon.types import FloatArray
from labecon.uncertain.copula import correlate_uniforms
from labecon.uncertain.sampling import stream_name
from labecon.uncertain.streams import uniforms
from labecon.uncertain.transforms import ppf

_U_MIN, _U_MAX = 2.0**-53, 1.0 - 2.0**-53
"""The range the copula keeps its uniforms in (no infinite draw in the far tails)."""


def moved_with(scenario: Scenario, names: Sequence[str]) -> list[str]:
    """Return the uncertain inputs the scenario correlates with any of ``names`` (not among them)."""
    corr = scenario.correlation
    if corr is None or not any(n in corr.names for n in names):
        return []
    return [n for n in corr.names if n not in names and not isinstance(scenario.inputs[n], FixedSpec)]


def moved_words(
    moved: Mapping[str, Sequence[str]], correlated: bool, words: Mapping[str, str] | None = None
) -> str:
    """Return what became of the inputs correlated with each swept, as a sentence (or ``""``).

    ``moved`` names, by input swept, those the scenario correlates with it; each group is said
    once, by ``words`` (an input's words by name) where given.
    """
    groups: list[list[str]] = []
    for name, others in moved.items():
        group = [name, *others]
        if others and set(group) not in [set(g) for g in groups]:
            groups.append(group)
    if not groups:
        return ""
    said = "; ".join(_listed([(words or {}).get(n, n) for n in g]) for g in groups)
    if correlated:
        return (
            f"Inputs the scenario correlates moved together, each to its median given the one swept: {said}."
        )
    return f"Inputs the scenario correlates stayed at their medians, their correlation set aside: {said}."


def _listed(names: Sequence[str]) -> str:
    """Return ``a and b``, ``a, b and c``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def conditional_values(
    scenario: Scenario, seed: int, futures: int, quantiles: Mapping[str, float]
) -> dict[str, FloatArray]:
    """Return the correlated inputs' values in each of the first ``futures`` futures, given inputs set.

    ``quantiles`` sets inputs by name to a quantile of their distribution; the run's ``seed``
    gives each future's draws. Keyed by :func:`moved_with`'s inputs, in the inputs' units.
    """
    corr = scenario.correlation
    if corr is None or not moved_with(scenario, list(quantiles)):
        return {}
    drawn = {n: uniforms(seed, stream_name(n), 0, futures) for n in corr.names}
    z = {n: ndtri(u) for n, u in correlate_uniforms(drawn, corr).items()}
    return _given(scenario, z, {n: np.full(futures, q) for n, q in quantiles.items()})


def conditional_medians(scenario: Scenario, quantiles: Mapping[str, FloatArray]) -> dict[str, FloatArray]:
    """Return the correlated inputs' medians given inputs set, at each of a sweep's points.

    ``quantiles`` sets inputs by name to a quantile at each point (arrays of one length). The
    others' scores are their conditional means ``R_oS R_SS^-1 Phi^-1(q)``, each at the median of
    its distribution given the set values; with every set input at its median, they are at theirs.
    Keyed by :func:`moved_with`'s inputs, in the inputs' units.
    """
    corr = scenario.correlation
    if corr is None or not moved_with(scenario, list(quantiles)):
        return {}
    points = len(next(iter(quantiles.values())))
    zero = {n: np.zeros(points) for n in corr.names}
    return _given(scenario, zero, {n: np.asarray(q, dtype=np.float64) for n, q in quantiles.items()})


def _given(
    scenario: Scenario, z: Mapping[str, FloatArray], quantiles: Mapping[str, FloatArray]
) -> dict[str, FloatArray]:
    """Return the values of the inputs moved with those set to ``quantiles``, from their scores ``z``.

    ``z`` holds each correlated input's normal score (per future or point); each other input's
    becomes ``z_o + R_oS R_SS^-1 (Phi^-1(q) - z_S)`` and is mapped through its distribution.
    """
    corr = scenario.correlation
    assert corr is not None  # the callers return early without one
    group = list(corr.names)
    fixed = [n for n in quantiles if n in group]
    others = moved_with(scenario, list(quantiles))
    r = corr.normal_matrix()
    s_at, o_at = [group.index(n) for n in fixed], [group.index(n) for n in others]
    weights = r[np.ix_(o_at, s_at)] @ np.linalg.pinv(r[np.ix_(s_at, s_at)])  # (other, set)
    shift = np.stack([ndtri(quantiles[n]) - z[n] for n in fixed])  # (set, future or point)
    out: dict[str, FloatArray] = {}
    for k, name in enumerate(others):
        scores = z[name] + weights[k] @ shift
        u = np.clip(ndtr(scores), _U_MIN, _U_MAX)
        out[name] = np.asarray(ppf(scenario.inputs[name], u), dtype=np.float64)
    return out
