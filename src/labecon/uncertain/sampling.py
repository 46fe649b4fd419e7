"""Draw every scenario input for a range of samples: streams, then copula, then inverse CDFs.

Input ``name`` reads the stream keyed ``"inputs." + name`` (its scenario path),
so draws depend on ``(seed, name, sample index)`` only: not on the chunking,
the worker, the order of the inputs, or which other inputs exist.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from labecon.errors import ScenarioError
from labecon.scenario.distributions import CorrelationSpec, DistributionSpec, FixedSpec
from labecon.types import FloatArray
from labecon.uncertain.copula import correlate_uniforms
from labecon.uncertain.streams import check_stream_args, uniforms
from labecon.uncertain.transforms import ppf

__all__ = ["STREAM_PREFIX", "sample_inputs", "stream_name"]

STREAM_PREFIX = "inputs."
"""Stream keys are an input's scenario path: this prefix and its name."""


def stream_name(name: str) -> str:
    """Return the stream key of input ``name``, e.g. ``"inputs.g"``."""
    return STREAM_PREFIX + name


def sample_inputs(
    inputs: Mapping[str, DistributionSpec],
    *,
    seed: int,
    start: int,
    n: int,
    correlation: CorrelationSpec | None = None,
) -> dict[str, FloatArray]:
    """Return the draws of every input for samples ``start .. start + n - 1``.

    Parameters
    ----------
    inputs : mapping of str to DistributionSpec
        The scenario's inputs by name.
    seed : int
        Run seed, ``0 <= seed < 2**63``.
    start : int
        Global index of the first sample (>= 0).
    n : int
        Number of samples (>= 0).
    correlation : CorrelationSpec, optional
        Correlations between some inputs (Gaussian copula, see
        :mod:`labecon.uncertain.copula`). A fixed input named there is
        allowed and stays fixed; its stream is still drawn so that the other
        inputs' draws do not change when an input is switched to fixed.

    Returns
    -------
    dict of str to FloatArray
        For every input, in the order of ``inputs``, its draws shaped ``(n,)``:
        float64, C-contiguous, in the input's units. Fixed inputs are
        ``np.full(n, value)`` and use no stream.

    Raises
    ------
    OptionError
        If ``seed``, ``start`` or ``n`` is out of range.
    ScenarioError
        If ``correlation`` names an input that is not in ``inputs``.

    Examples
    --------
    >>> from labecon.scenario.distributions import LogNormalSpec
    >>> draws = sample_inputs({"g": LogNormalSpec(ci90=[0.3, 1.5])}, seed=1, start=0, n=4)
    >>> draws["g"].shape
    (4,)
    """
    seed, start, n = check_stream_args(seed, start, n)
    u: dict[str, FloatArray] = {}
    if correlation is not None:
        missing = [name for name in correlation.names if name not in inputs]
        if missing:
            msg = (
                f"correlation names {', '.join(map(repr, missing))}, which "
                f"{'is not an input' if len(missing) == 1 else 'are not inputs'}; "
                f"the inputs are {', '.join(inputs) or 'none'}"
            )
            raise ScenarioError(msg, "correlation.names")
        for name in correlation.names:
            u[name] = uniforms(seed, stream_name(name), start, n)
        u = correlate_uniforms(u, correlation)
    out: dict[str, FloatArray] = {}
    for name, spec in inputs.items():
        if isinstance(spec, FixedSpec):
            out[name] = np.full(n, spec.value, dtype=np.float64)
            continue
        un = u[name] if name in u else uniforms(seed, stream_name(name), start, n)
        out[name] = np.ascontiguousarray(ppf(spec, un), dtype=np.float64)
    return out
