"""Gaussian copula: correlate some inputs' uniforms, leaving their marginals unchanged.

For the inputs named in a :class:`~labecon.scenario.distributions.CorrelationSpec`,
sample *i*'s independent uniforms ``u`` become normal scores ``z = Phi^-1(u)``,
are mixed ``z' = L z`` with ``L L^T = R`` (``R`` the normal-score correlation
matrix), and mapped back ``u' = Phi(z')``. Each ``u'`` is still uniform, so
every input keeps its distribution, while the normal scores now have
correlation ``R``.

What the user's matrix means
----------------------------
``kind: spearman`` (the default): the matrix is the target Spearman rank
correlation ``rho_s`` of the inputs. Because the transforms are monotone, the
inputs' rank correlation equals that of the normal scores, which for a
bivariate normal with correlation ``r`` is ``(6 / pi) arcsin(r / 2)``; so ``R``
is set to :func:`rank_to_normal_correlation` ``(rho_s) = 2 sin(pi rho_s / 6)``
and the target is met exactly (up to Monte Carlo error) for continuous
marginals. For discrete or integer inputs, ties make the achieved rank
correlation somewhat smaller in magnitude.

``kind: normal``: the matrix is ``R`` itself.

Sample *i*'s correlated uniforms depend on sample *i*'s independent uniforms
only, and every operation is elementwise in a fixed order (no BLAS call whose
blocking could depend on the chunk length), so chunking cannot change them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy.special import ndtr, ndtri

from labecon.errors import ScenarioError
from labecon.scenario.distributions import CorrelationSpec, rank_to_normal_correlation
from labecon.types import FloatArray

__all__ = ["correlate_uniforms", "correlation_factor", "rank_to_normal_correlation"]

_U_MIN = 2.0**-53
_U_MAX = 1.0 - 2.0**-53
"""Correlated uniforms are kept in the same closed range as the streams' values,
so ``Phi(z')`` rounding to exactly 0 or 1 in the far tails cannot give infinite draws."""


_ZERO_EIGENVALUE = 1e-10
"""Eigenvalues below this are treated as exactly zero (the PSD check's tolerance)."""


def correlation_factor(corr: CorrelationSpec) -> FloatArray:
    """Return a factor ``L`` with ``L @ L.T`` equal to the normal-score correlation matrix.

    Parameters
    ----------
    corr : CorrelationSpec
        A validated correlation spec (its normal-score matrix is positive
        semi-definite).

    Returns
    -------
    FloatArray
        Shape ``(k, k)`` for ``k = len(corr.names)`` (dimensionless): the
        lower Cholesky factor if the matrix is positive definite (smallest
        eigenvalue above 1e-10); otherwise
        (singular but semi-definite, e.g. two inputs correlated +1) a factor
        from the eigen-decomposition with eigenvalues below 1e-10
        set to zero and rows rescaled to unit length, so each ``z'`` is still
        standard normal.
    """
    r = corr.normal_matrix()
    eigenvalues, eigenvectors = np.linalg.eigh(r)
    if eigenvalues[0] > _ZERO_EIGENVALUE:
        factor = np.asarray(np.linalg.cholesky(r), dtype=np.float64)
    else:
        # Singular: Cholesky would fail or (with rounding) succeed with a noisy
        # 1e-8 pivot. Zero eigenvalues come out as +-1e-16 and their square
        # roots would leave the same noise, so anything within the PSD
        # tolerance counts as exactly 0.
        eigenvalues[eigenvalues < _ZERO_EIGENVALUE] = 0.0
        factor = np.asarray(eigenvectors * np.sqrt(eigenvalues), dtype=np.float64)
        factor /= np.linalg.norm(factor, axis=1, keepdims=True)
    return np.ascontiguousarray(factor, dtype=np.float64)


def correlate_uniforms(u: Mapping[str, FloatArray], corr: CorrelationSpec) -> dict[str, FloatArray]:
    """Return the uniforms with the inputs named in ``corr`` correlated.

    Parameters
    ----------
    u : mapping of str to FloatArray
        Independent uniforms in ``(0, 1)`` per input, each shaped ``(n,)``
        (dimensionless). Must hold every name in ``corr.names``.
    corr : CorrelationSpec
        Which inputs to correlate, and how (see the module docstring).

    Returns
    -------
    dict of str to FloatArray
        Same keys; the named inputs' arrays replaced by correlated uniforms
        in ``[2**-53, 1 - 2**-53]``, the others the same objects as given.

    Raises
    ------
    ScenarioError
        If ``corr`` names an input that ``u`` lacks (path ``correlation.names``).
    """
    missing = [name for name in corr.names if name not in u]
    if missing:
        msg = f"correlation names inputs that do not exist: {', '.join(missing)}"
        raise ScenarioError(msg, "correlation.names")
    out = dict(u)
    factor = correlation_factor(corr)
    z = [ndtri(np.asarray(u[name], dtype=np.float64)) for name in corr.names]
    for j, name in enumerate(corr.names):
        mixed = np.zeros_like(z[0])
        for k in range(len(z)):
            weight = float(factor[j, k])
            if weight != 0.0:
                mixed += weight * z[k]
        correlated: FloatArray = ndtr(mixed)
        out[name] = np.clip(correlated, _U_MIN, _U_MAX, out=correlated)
    return out
