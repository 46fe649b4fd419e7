"""Compiled kernels of the sampler: stream values, inverse normal CDF, ``exp``, fused draws.

Everything here is numba-compiled (``cache=True``, no ``fastmath``): IEEE
operations in the written order and no contraction into FMAs, so a vectorised
loop gives the same bits as a scalar one. The rest of the package calls the
typed wrappers at the bottom, never the kernels directly.

Pieces
------
* ``_stream_value`` is the stream algorithm of :mod:`labecon.uncertain.streams`
  (documented there, with a NumPy reference it is tested against).
* ``_ndtri_scalar`` is Wichura's AS241 (PPND16) inverse normal CDF, about
  1e-16 relative (measured: within 5.1e-16 of the exact quantile, within
  1.3e-15 of SciPy's ``ndtri``, whose own error reaches 7e-16).
  ``_ndtri_block`` computes the same bits for a block in four passes, three
  of them vectorised: the central branch (``|u - 1/2| <= 0.425``, 85% of
  draws; a ratio of two degree-7 polynomials) for every element; the tail
  elements gathered; the tail branch for them; the results scattered back.
* ``_log_core`` (fdlibm's ``log`` in musl's branch-free form) and
  ``_exp_core`` (``x = k ln 2 + r`` with ``|r| <= ln(2) / 2``, Cody-Waite;
  ``e**r`` by its Taylor polynomial of degree 13, truncation below 1e-17
  relative; ``2**k`` written into the exponent bits) are ``log`` and ``exp``
  without a libm call, so that loops over them vectorise. Both err by less
  than one unit in the last place (the tests bound them against long-double
  results), and, unlike libm's, they are the same functions on every platform.
  Subnormal ``log`` arguments, ``exp`` arguments beyond 700 in magnitude, and
  NaN go to libm instead.
* Polynomials are evaluated by Estrin's scheme (short dependency chains, so
  vectorised loops are not latency-bound): in AS241, where every term is
  positive, so no order of summation cancels; in ``exp`` only for the terms
  beyond ``r**2 / 2``, whose rounding is far below the result's last place.
* Fused draws (``_*_draws``) go from a stream straight to a distribution's
  values in one pass over the output, with no intermediate arrays, a block of
  :data:`_BLOCK` samples at a time so that the block's uniforms stay in L1.
  The unfused kernels (``_*_ppf``) run the same block code on given uniforms,
  so both give the same bits for the same uniforms.

References
----------
M. J. Wichura, "Algorithm AS 241: The Percentage Points of the Normal
Distribution", Applied Statistics 37(3), 1988, 477-484,
https://doi.org/10.2307/2347330 (coefficients as printed there, the same as in
CPython's ``statistics.NormalDist.inv_cdf``).
W. J. Cody and W. Waite, "Software Manual for the Elementary Functions",
Prentice-Hall, 1980 (argument reduction; the split of ``ln 2`` is fdlibm's).
fdlibm ``e_log.c`` (Sun Microsystems, 1993) and musl ``src/math/log.c`` for
``log``'s reduction and minimax coefficients.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numba
import numpy as np
from numba.core import types
from numba.extending import intrinsic

from labecon.types import FloatArray, IntArray
from labecon.uncertain import streams

__all__ = [
    "exp",
    "fill_uniforms",
    "int_uniform_draws",
    "lognormal_draws",
    "lognormal_ppf",
    "ndtri",
    "normal_draws",
    "normal_ppf",
    "uniform_draws",
]

_jit = numba.njit(cache=True, nogil=True, error_model="numpy")

_BLOCK = 512
"""Samples per block: 4 KiB of uniforms and 4 KiB of scratch, well inside L1."""

# --- bit casts --------------------------------------------------------------------------


def _bitcast(to: Any) -> Any:
    """Return a numba intrinsic reinterpreting a 64-bit value's bits as type ``to``."""
    source = types.float64 if to == types.uint64 else types.uint64

    def typer(typingctx: Any, x: Any) -> Any:
        if x != source:
            return None

        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            return builder.bitcast(args[0], context.get_value_type(to))

        return to(source), codegen

    return intrinsic(typer)


_f64_as_u64: Callable[[float], np.uint64] = _bitcast(types.uint64)
"""``_f64_as_u64(x)``: the bits of float64 ``x`` as a uint64 (compiled code only)."""
_u64_as_f64: Callable[[np.uint64], float] = _bitcast(types.float64)
"""``_u64_as_f64(i)``: uint64 ``i``'s bits as a float64 (compiled code only)."""


# --- stream (algorithm documented in labecon.uncertain.streams) -------------------------
_GAMMA = np.uint64(streams._GAMMA)
_MIX1 = np.uint64(streams._MIX1)
_MIX2 = np.uint64(streams._MIX2)
_S12 = np.uint64(12)
_S27 = np.uint64(27)
_S30 = np.uint64(30)
_S31 = np.uint64(31)
_SCALE = streams._SCALE
_TWO52_BITS = np.uint64(0x4330000000000000)
"""Bits of the double 2**52: OR-ing an integer m < 2**52 into them gives the double 2**52 + m."""
_TWO52 = 4503599627370496.0
_TWO52_LESS_HALF = _TWO52 - 0.5


@_jit
def _stream_value(x: np.uint64, k1: np.uint64) -> float:
    """Return the uniform of Weyl counter ``x = k0 + (i + 1) * gamma`` (mod 2**64)."""
    z = (x ^ (x >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    z = z ^ (z >> _S31)
    z = z ^ k1
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    z = z ^ (z >> _S31)
    # (m + 1/2) 2**-52 for the top 52 bits m, computed without an int-to-float conversion
    # (AVX2 has none for 64-bit integers): the double with bits 0x433 | m is 2**52 + m,
    # and 2**52 + m - (2**52 - 1/2) = m + 1/2 exactly.
    return (_u64_as_f64((z >> _S12) | _TWO52_BITS) - _TWO52_LESS_HALF) * _SCALE


@_jit
def _counter(k0: np.uint64, first: np.uint64) -> np.uint64:
    """Weyl counter of sample ``first``: ``k0 + (first + 1) * gamma`` (mod 2**64)."""
    return k0 + (first + np.uint64(1)) * _GAMMA


@_jit
def _fill(k0: np.uint64, k1: np.uint64, first: np.uint64, out: FloatArray) -> None:
    """Write the stream values of samples ``first .. first + len(out) - 1`` into ``out``."""
    x = _counter(k0, first)
    for j in range(out.shape[0]):
        out[j] = _stream_value(x, k1)
        x += _GAMMA  # the next counter: same bits as multiplying, cheaper


# --- exp --------------------------------------------------------------------------------
_INV_LN2 = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01
"""ln 2 to 32 significant bits (fdlibm's ``ln2HI``): ``k * _LN2_HI`` is exact for |k| < 2**21."""
_LN2_LO = 1.90821492927058770002e-10
"""ln 2 - _LN2_HI (fdlibm's ``ln2LO``)."""
_ROUND = 6755399441055744.0
"""1.5 * 2**52: adding it rounds to the integer k (|k| < 2**51), which then sits in the low bits."""
_EXP_LIMIT = 700.0
"""Beyond this |x| (and for NaN) libm's exp is used: 2**k would leave the normal range."""
_BIAS = np.uint64(1023)
_S52 = np.uint64(52)
_P3, _P4, _P5, _P6, _P7 = (1.0 / math.factorial(i) for i in range(3, 8))
_P8, _P9, _P10, _P11, _P12, _P13 = (1.0 / math.factorial(i) for i in range(8, 14))


@_jit
def _exp_core(x: float) -> float:
    """``exp(x)`` for ``|x| <= 700``, branch- and call-free so that loops vectorise."""
    t = x * _INV_LN2 + _ROUND
    k = t - _ROUND
    r = (x - k * _LN2_HI) - k * _LN2_LO
    # e**r = 1 + (r + r**2 (1/2 + r Q(r))) with Q(r) = sum of r**(i - 3) / i! for i = 3 .. 13
    # by Estrin's scheme (short dependency chains); the small terms go in first.
    r2 = r * r
    r4 = r2 * r2
    q = ((_P3 + _P4 * r) + (_P5 + _P6 * r) * r2) + ((_P7 + _P8 * r) + (_P9 + _P10 * r) * r2) * r4
    q = q + ((_P11 + _P12 * r) + _P13 * r2) * (r4 * r4)
    p = 1.0 + (r + r2 * (0.5 + r * q))
    # t's low bits hold 2**51 + k; adding the bias and shifting leaves k + 1023 in the exponent.
    return p * _u64_as_f64((_f64_as_u64(t) + _BIAS) << _S52)


@_jit
def _exp_block(z: FloatArray, a: float, b: float, out: FloatArray) -> None:
    """``out[j] = exp(z[j] * a + b)``; ``out`` must not overlap ``z``."""
    m = z.shape[0]
    outside = 0
    for j in range(m):
        v = z[j] * a + b
        outside += not abs(v) <= _EXP_LIMIT
        out[j] = _exp_core(v)
    if outside:  # libm for the rare arguments outside the core's range (and NaN)
        for j in range(m):
            v = z[j] * a + b
            if not abs(v) <= _EXP_LIMIT:
                out[j] = math.exp(v)


# --- AS241 ------------------------------------------------------------------------------
_SPLIT1 = 0.425
_SPLIT2 = 5.0
_CONST1 = 0.180625
_CONST2 = 1.6
# central: |q| <= 0.425
_A0 = 3.3871328727963666080e0
_A1 = 1.3314166789178437745e2
_A2 = 1.9715909503065514427e3
_A3 = 1.3731693765509461125e4
_A4 = 4.5921953931549871457e4
_A5 = 6.7265770927008700853e4
_A6 = 3.3430575583588128105e4
_A7 = 2.5090809287301226727e3
_B1 = 4.2313330701600911252e1
_B2 = 6.8718700749205790830e2
_B3 = 5.3941960214247511077e3
_B4 = 2.1213794301586595867e4
_B5 = 3.9307895800092710610e4
_B6 = 2.8729085735721942674e4
_B7 = 5.2264952788528545610e3
# intermediate tail: r = sqrt(-log(min(p, 1 - p))) <= 5
_C0 = 1.42343711074968357734e0
_C1 = 4.63033784615654529590e0
_C2 = 5.76949722146069140550e0
_C3 = 3.64784832476320460504e0
_C4 = 1.27045825245236838258e0
_C5 = 2.41780725177450611770e-1
_C6 = 2.27238449892691845833e-2
_C7 = 7.74545014278341407640e-4
_D1 = 2.05319162663775882187e0
_D2 = 1.67638483018380384940e0
_D3 = 6.89767334985100004550e-1
_D4 = 1.48103976427480074590e-1
_D5 = 1.51986665636164571966e-2
_D6 = 5.47593808499534494600e-4
_D7 = 1.05075007164441684324e-9
# far tail: r > 5, min(p, 1 - p) < 1.4e-11
_E0 = 6.65790464350110377720e0
_E1 = 5.46378491116411436990e0
_E2 = 1.78482653991729133580e0
_E3 = 2.96560571828504891230e-1
_E4 = 2.65321895265761230930e-2
_E5 = 1.24266094738807843860e-3
_E6 = 2.71155556874348757815e-5
_E7 = 2.01033439929228813265e-7
_F1 = 5.99832206555887937690e-1
_F2 = 1.36929880922735805310e-1
_F3 = 1.48753612908506148525e-2
_F4 = 7.86869131145613259100e-4
_F5 = 1.84631831751005468180e-5
_F6 = 1.42151175831644588870e-7
_F7 = 2.04426310338993978564e-15


@_jit
def _ndtri_central(q: float) -> float:
    """AS241's central branch at ``q = p - 1/2``; exact for ``|q| <= 0.425``, garbage outside."""
    r = _CONST1 - q * q
    # Estrin's scheme (short dependency chains): r >= 0 and every coefficient is positive, so
    # no order of summation cancels, and this is as accurate as Horner's.
    r2 = r * r
    r4 = r2 * r2
    num = ((_A0 + _A1 * r) + (_A2 + _A3 * r) * r2) + ((_A4 + _A5 * r) + (_A6 + _A7 * r) * r2) * r4
    den = ((1.0 + _B1 * r) + (_B2 + _B3 * r) * r2) + ((_B4 + _B5 * r) + (_B6 + _B7 * r) * r2) * r4
    return num * q / den


_TINY = 2.2250738585072014e-308
"""Smallest normal float64: :func:`_log_core` needs a normal argument."""
_LOG_SHIFT = np.uint64(0x3FF0000000000000 - 0x3FE6A09E00000000)
_LOG_SQRT_HALF = np.uint64(0x3FE6A09E00000000)
_MANT_MASK = np.uint64(0x000FFFFFFFFFFFFF)
_LG1 = 6.666666666666735130e-01
_LG2 = 3.999999999940941908e-01
_LG3 = 2.857142874366239149e-01
_LG4 = 2.222219843214978396e-01
_LG5 = 1.818357216161805012e-01
_LG6 = 1.531383769920937332e-01
_LG7 = 1.479819860511658591e-01


@_jit
def _log_core(x: float) -> float:
    """``log(x)`` for normal, positive, finite ``x``; branch- and call-free, garbage otherwise.

    fdlibm's ``log`` in musl's branch-free form: ``x = 2**k m`` with ``m`` in
    ``[sqrt(2)/2, sqrt(2))``, ``f = m - 1``, ``s = f / (2 + f)`` and
    ``log(1 + f) = f - f**2/2 + s (f**2/2 + R(s**2))`` with fdlibm's minimax ``R``.
    Error below one unit in the last place.
    """
    ix = _f64_as_u64(x) + _LOG_SHIFT  # the exponent field now holds k + 1023
    m = _u64_as_f64((ix & _MANT_MASK) + _LOG_SQRT_HALF)
    k = (_u64_as_f64((ix >> _S52) | _TWO52_BITS) - _TWO52) - 1023.0  # exact integer to float
    f = m - 1.0
    hfsq = 0.5 * f * f
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
    t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    r = t2 + t1
    return s * (hfsq + r) + k * _LN2_LO - hfsq + f + k * _LN2_HI


@_jit
def _tail_near(r: float, q: float) -> float:
    """AS241 at ``r = sqrt(-log(min(p, 1 - p))) <= 5``, ``q = p - 1/2``; branch- and call-free."""
    r = r - _CONST2  # >= 0.009 in the tails; with positive coefficients, Estrin is safe
    r2 = r * r
    r4 = r2 * r2
    num = ((_C0 + _C1 * r) + (_C2 + _C3 * r) * r2) + ((_C4 + _C5 * r) + (_C6 + _C7 * r) * r2) * r4
    den = ((1.0 + _D1 * r) + (_D2 + _D3 * r) * r2) + ((_D4 + _D5 * r) + (_D6 + _D7 * r) * r2) * r4
    x = num / den
    return -x if q < 0.0 else x


@_jit
def _tail_far(r: float, q: float) -> float:
    """AS241 at ``r = sqrt(-log(min(p, 1 - p))) > 5``, ``q = p - 1/2``."""
    r = r - _SPLIT2
    num = ((((((_E7 * r + _E6) * r + _E5) * r + _E4) * r + _E3) * r + _E2) * r + _E1) * r + _E0
    den = ((((((_F7 * r + _F6) * r + _F5) * r + _F4) * r + _F3) * r + _F2) * r + _F1) * r + 1.0
    x = num / den
    return -x if q < 0.0 else x


@_jit
def _ndtri_scalar(p: float) -> float:
    """AS241 at one ``p``: the definition that the block code reproduces bit for bit.

    ``p`` 0 gives -inf, 1 gives inf, NaN or outside ``[0, 1]`` gives NaN (as SciPy's ``ndtri``).
    """
    q = p - 0.5
    if abs(q) <= _SPLIT1:
        return _ndtri_central(q)
    if not 0.0 < p < 1.0:
        if p == 0.0:
            return -math.inf
        if p == 1.0:
            return math.inf
        return math.nan
    pt = p if q <= 0.0 else 1.0 - p
    # A subnormal pt (below AS241's stated range anyway) needs libm's log.
    r = math.sqrt(-_log_core(pt)) if pt >= _TINY else math.sqrt(-math.log(pt))
    if r <= _SPLIT2:
        return _tail_near(r, q)
    return _tail_far(r, q)


@_jit
def _ndtri_block(
    u: FloatArray, out: FloatArray, tail_p: FloatArray, tail_x: FloatArray, tail_j: IntArray
) -> None:
    """``out[j] = ndtri(u[j])``; ``tail_*`` are scratch at least as long as ``u``.

    ``out`` may not overlap ``u``. Passes: (1) the central formula for every
    element (vectorised); (2) the tail elements gathered, branch-free; (3) the
    tail formula for them (vectorised); (4) the results scattered back. Tail
    elements that formula does not cover (``min(p, 1 - p)`` below 1.4e-11 or
    subnormal, 0, 1, NaN) are redone by :func:`_ndtri_scalar`.
    """
    m = u.shape[0]
    for j in range(m):
        out[j] = _ndtri_central(u[j] - 0.5)
    count = 0
    for j in range(m):
        p = u[j]
        tail_p[count] = p
        tail_j[count] = j
        count += not abs(p - 0.5) <= _SPLIT1
    odd = 0
    for t in range(count):
        p = tail_p[t]
        q = p - 0.5
        pt = p if q <= 0.0 else 1.0 - p
        r = math.sqrt(-_log_core(pt))
        odd += not ((pt >= _TINY) & (r <= _SPLIT2))
        tail_x[t] = _tail_near(r, q)
    if odd:
        for t in range(count):
            p = tail_p[t]
            pt = p if p - 0.5 <= 0.0 else 1.0 - p
            if not ((pt >= _TINY) & (math.sqrt(-_log_core(pt)) <= _SPLIT2)):
                tail_x[t] = _ndtri_scalar(p)
    for t in range(count):
        out[tail_j[t]] = tail_x[t]


_SCRATCH = 4
"""Rows of float scratch the block kernels take (see :func:`_scratch`)."""


@_jit
def _scratch() -> tuple[FloatArray, IntArray]:
    """Scratch for one block: float rows ``(_SCRATCH, _BLOCK)`` and an int row."""
    return np.empty((_SCRATCH, _BLOCK)), np.empty(_BLOCK, dtype=np.int64)


@_jit
def _normal_block(
    u: FloatArray, mean: float, sd: float, out: FloatArray, fs: FloatArray, js: IntArray
) -> None:
    """``out[j] = ndtri(u[j]) * sd + mean``; ``fs``, ``js`` from :func:`_scratch`."""
    m = u.shape[0]
    _ndtri_block(u, out, fs[0, :m], fs[1, :m], js[:m])
    for j in range(m):
        out[j] = out[j] * sd + mean


@_jit
def _lognormal_block(
    u: FloatArray, mu: float, sigma: float, out: FloatArray, fs: FloatArray, js: IntArray
) -> None:
    """``out[j] = exp(ndtri(u[j]) * sigma + mu)``; ``fs``, ``js`` from :func:`_scratch`."""
    m = u.shape[0]
    z = fs[2, :m]
    _ndtri_block(u, z, fs[0, :m], fs[1, :m], js[:m])
    _exp_block(z, sigma, mu, out)


# --- unfused: given uniforms ------------------------------------------------------------


@_jit
def _ndtri_ppf(u: FloatArray, out: FloatArray) -> None:
    fs, js = _scratch()
    for b in range(0, u.shape[0], _BLOCK):
        m = min(_BLOCK, u.shape[0] - b)
        _ndtri_block(u[b : b + m], out[b : b + m], fs[0, :m], fs[1, :m], js[:m])


@_jit
def _normal_ppf(u: FloatArray, mean: float, sd: float, out: FloatArray) -> None:
    fs, js = _scratch()
    for b in range(0, u.shape[0], _BLOCK):
        _normal_block(u[b : b + _BLOCK], mean, sd, out[b : b + _BLOCK], fs, js)


@_jit
def _lognormal_ppf(u: FloatArray, mu: float, sigma: float, out: FloatArray) -> None:
    fs, js = _scratch()
    for b in range(0, u.shape[0], _BLOCK):
        _lognormal_block(u[b : b + _BLOCK], mu, sigma, out[b : b + _BLOCK], fs, js)


@_jit
def _exp_array(x: FloatArray, out: FloatArray) -> None:
    for b in range(0, x.shape[0], _BLOCK):
        _exp_block(x[b : b + _BLOCK], 1.0, 0.0, out[b : b + _BLOCK])


@_jit
def _ndtri_scalar_array(u: FloatArray, out: FloatArray) -> None:
    for j in range(u.shape[0]):
        out[j] = _ndtri_scalar(u[j])


# --- fused: stream to draws -------------------------------------------------------------


@_jit
def _uniform_draws(
    k0: np.uint64, k1: np.uint64, start: np.uint64, low: float, width: float, out: FloatArray
) -> None:
    x = _counter(k0, start)
    for j in range(out.shape[0]):
        out[j] = _stream_value(x, k1) * width + low
        x += _GAMMA


@_jit
def _int_uniform_draws(
    k0: np.uint64, k1: np.uint64, start: np.uint64, count: float, low: float, high: float, out: FloatArray
) -> None:
    x = _counter(k0, start)
    for j in range(out.shape[0]):
        out[j] = min(np.floor(_stream_value(x, k1) * count) + low, high)
        x += _GAMMA


@_jit
def _normal_draws(
    k0: np.uint64, k1: np.uint64, start: np.uint64, mean: float, sd: float, out: FloatArray
) -> None:
    fs, js = _scratch()
    u = fs[_SCRATCH - 1]
    for b in range(0, out.shape[0], _BLOCK):
        m = min(_BLOCK, out.shape[0] - b)
        _fill(k0, k1, start + np.uint64(b), u[:m])
        _normal_block(u[:m], mean, sd, out[b : b + m], fs, js)


@_jit
def _lognormal_draws(
    k0: np.uint64, k1: np.uint64, start: np.uint64, mu: float, sigma: float, out: FloatArray
) -> None:
    fs, js = _scratch()
    u = fs[_SCRATCH - 1]
    for b in range(0, out.shape[0], _BLOCK):
        m = min(_BLOCK, out.shape[0] - b)
        _fill(k0, k1, start + np.uint64(b), u[:m])
        _lognormal_block(u[:m], mu, sigma, out[b : b + m], fs, js)


# --- typed wrappers ---------------------------------------------------------------------


def _flat(u: FloatArray) -> FloatArray:
    return np.ascontiguousarray(u, dtype=np.float64).reshape(-1)


def fill_uniforms(k0: int, k1: int, start: int, out: FloatArray) -> None:
    """Write the stream values of samples ``start .. start + len(out) - 1`` into 1-D ``out``."""
    _fill(np.uint64(k0), np.uint64(k1), np.uint64(start), out)


def ndtri(u: FloatArray) -> FloatArray:
    """Return the standard normal quantiles of ``u`` (AS241), same shape, float64."""
    flat = _flat(u)
    out = np.empty_like(flat)
    _ndtri_ppf(flat, out)
    return out.reshape(np.shape(u))


def exp(x: FloatArray) -> FloatArray:
    """Return ``exp(x)`` by the kernel the lognormal draws use, same shape, float64."""
    flat = _flat(x)
    out = np.empty_like(flat)
    _exp_array(flat, out)
    return out.reshape(np.shape(x))


def normal_ppf(u: FloatArray, mean: float, sd: float) -> FloatArray:
    """Return ``ndtri(u) * sd + mean``, same shape as ``u``, float64."""
    flat = _flat(u)
    out = np.empty_like(flat)
    _normal_ppf(flat, float(mean), float(sd), out)
    return out.reshape(np.shape(u))


def lognormal_ppf(u: FloatArray, mu: float, sigma: float) -> FloatArray:
    """Return ``exp(ndtri(u) * sigma + mu)``, same shape as ``u``, float64."""
    flat = _flat(u)
    out = np.empty_like(flat)
    _lognormal_ppf(flat, float(mu), float(sigma), out)
    return out.reshape(np.shape(u))


def uniform_draws(k0: int, k1: int, start: int, low: float, width: float, out: FloatArray) -> None:
    """Write ``u * width + low`` for the stream's samples ``start ..`` into 1-D ``out``."""
    _uniform_draws(np.uint64(k0), np.uint64(k1), np.uint64(start), float(low), float(width), out)


def int_uniform_draws(
    k0: int, k1: int, start: int, count: float, low: float, high: float, out: FloatArray
) -> None:
    """Write ``min(floor(u * count) + low, high)`` for the stream's samples ``start ..`` into ``out``."""
    _int_uniform_draws(
        np.uint64(k0), np.uint64(k1), np.uint64(start), float(count), float(low), float(high), out
    )


def normal_draws(k0: int, k1: int, start: int, mean: float, sd: float, out: FloatArray) -> None:
    """Write ``ndtri(u) * sd + mean`` for the stream's samples ``start ..`` into 1-D ``out``."""
    _normal_draws(np.uint64(k0), np.uint64(k1), np.uint64(start), float(mean), float(sd), out)


def lognormal_draws(k0: int, k1: int, start: int, mu: float, sigma: float, out: FloatArray) -> None:
    """Write ``exp(ndtri(u) * sigma + mu)`` for the stream's samples ``start ..`` into 1-D ``out``."""
    _lognormal_draws(np.uint64(k0), np.uint64(k1), np.uint64(start), float(mu), float(sigma), out)
