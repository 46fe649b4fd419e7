"""One exponential, the same bits in NumPy and in compiled code: what it costs, measured.

Run with ``python -m benchmarks.exponential [--markdown]``. The world model's
kernels leave ``exp`` to NumPy between them, because Numba calls the C library's,
whose last bit differs from NumPy's for a few percent of arguments, and the two
paths must agree bit for bit (``docs/design.md``). A quarter compiled as one loop
needs exponentials inside it. This is the way to keep the rule: one algorithm
(fdlibm's ``e_exp.c``: a reduction by ``ln 2``, a rational correction, a scaling
by a power of two) written in both, in the same IEEE operations in the same
order, none fused (no ``fastmath``). It prints whether the two give the same bits,
how far they are from the C library's, and what each costs per value beside
NumPy's own ``exp``. An experiment: the model does not use it yet.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

import numba
import numpy as np
from numba.core import types
from numba.extending import intrinsic

from labecon.types import FloatArray

_LN2_HI = 6.93147180369123816490e-01
"""ln 2's leading bits: ``k * _LN2_HI`` is exact for every ``|k| < 2 ** 11``."""
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e00
_SHIFT = 6755399441055744.0
"""1.5 * 2 ** 52: adding and subtracting it rounds to the nearest integer (ties to even)."""
_P1 = 1.66666666666666019037e-01
_P2 = -2.77777777770155933842e-03
_P3 = 6.61375632143793436117e-05
_P4 = -1.65339022054652515390e-06
_P5 = 4.13813679705723846039e-08
_OVERFLOW = 709.782712893383973096
"""Above it the exponential is beyond the largest double: inf."""
_UNDERFLOW = -745.13321910194110842
"""Below it the exponential rounds to 0."""


@intrinsic
def _float_of_bits(typingctx: object, bits: types.Type) -> tuple[object, object]:
    """Return the double whose IEEE bits are the int64 ``bits`` (a compiled reinterpretation)."""
    sig = types.float64(types.int64)

    def codegen(context: object, builder: object, signature: object, args: tuple[object]) -> object:
        return builder.bitcast(args[0], context.get_value_type(types.float64))  # type: ignore[attr-defined]

    return sig, codegen


@numba.njit(cache=False, nogil=True, inline="always", error_model="numpy")
def exp(x: float) -> float:
    """Return ``e ** x`` (for a compiled kernel): the bits of :func:`exp_array`.

    Without branches (selects instead), so that a loop of it over samples vectorises.
    """
    bad = not (_UNDERFLOW <= x <= _OVERFLOW)  # NaN too
    s = 0.0 if bad else x
    k = (s * _INV_LN2 + _SHIFT) - _SHIFT
    hi = s - k * _LN2_HI
    lo = k * _LN2_LO
    r = hi - lo
    z = r * r
    c = r - z * (_P1 + z * (_P2 + z * (_P3 + z * (_P4 + z * _P5))))
    y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi)
    # 2 ** k as two normal factors built from their bits (|k| <= 1075): y * 2 ** k1 is exact,
    # the second product rounds once.
    ki = np.int64(k)
    k1 = ki >> 1
    scaled: float = (y * _float_of_bits((k1 + 1023) << 52)) * _float_of_bits((ki - k1 + 1023) << 52)  # type: ignore[call-arg]
    special = x if x != x else (math.inf if x > 0.0 else 0.0)
    return special if bad else scaled


def exp_array(x: FloatArray | float) -> FloatArray:
    """Return ``e ** x`` elementwise (for the NumPy path): the bits of :func:`exp`.

    The same operations as :func:`exp`, each on the whole array (in place where it can be).
    """
    given = np.asarray(x, dtype=np.float64)
    a = given.reshape(-1)  # in-place steps need arrays, not the scalars a 0-d array's arithmetic gives
    bad = ~((a >= _UNDERFLOW) & (a <= _OVERFLOW))  # NaN too
    s = np.where(bad, 0.0, a)
    k = s * _INV_LN2
    k += _SHIFT
    k -= _SHIFT
    hi = k * _LN2_HI
    np.subtract(s, hi, out=hi)
    lo = k * _LN2_LO
    r = hi - lo
    z = r * r
    c = z * _P5
    for p in (_P4, _P3, _P2, _P1):
        c += p
        c *= z
    np.subtract(r, c, out=c)  # c = r - z * (P1 + ...)
    d = 2.0 - c
    np.multiply(r, c, out=c)
    np.divide(c, d, out=c)  # (r * c) / (2 - c)
    np.subtract(lo, c, out=c)
    c -= hi
    y = np.subtract(1.0, c, out=c)
    # The two powers of two built from their bits, as in exp.
    ki = k.astype(np.int64)
    k1 = ki >> 1
    ki -= k1
    k1 += 1023
    k1 <<= 52
    ki += 1023
    ki <<= 52
    y *= k1.view(np.float64)
    y *= ki.view(np.float64)
    if bad.any():
        y = np.where(bad, np.where(np.isnan(a), a, np.where(a > 0.0, math.inf, 0.0)), y)
    out: FloatArray = y.reshape(given.shape)
    return out


@numba.njit(cache=False, nogil=True, error_model="numpy")
def exp_loop(x: FloatArray, out: FloatArray) -> None:
    """Fill ``out`` with :func:`exp` of ``x``, a loop over values as a kernel's (it vectorises)."""
    for i in range(x.shape[0]):
        out[i] = exp(x[i])


def arguments(n: int = 100_000, seed: int = 7) -> FloatArray:
    """Return test arguments: the whole finite range, the model's usual one, tiny ones, and edges."""
    rng = np.random.default_rng(seed)
    edges = [np.nan, np.inf, -np.inf, 0.0, -0.0, 5e-324, 709.78, 709.79, -708.4, -745.13, -745.14, 1e300]
    return np.concatenate(
        [rng.uniform(-745.1, 709.78, n), rng.uniform(-40.0, 40.0, n), rng.normal(0.0, 1e-3, n // 5), edges]
    )


def same_bits(x: FloatArray) -> bool:
    """Return whether the compiled and the NumPy exponential give identical bits on ``x``."""
    compiled = np.empty_like(x)
    exp_loop(x, compiled)
    return bool(np.array_equal(compiled.view(np.int64), exp_array(x).view(np.int64)))


def _per_value_ns(fn: Callable[[], object], n: int, repeat: int) -> float:
    fn()
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best / n * 1e9


def rows(n: int = 20_000, repeat: int = 200) -> list[list[str]]:
    """Return the table: each check or implementation, and its figure."""
    x = arguments()
    finite = np.isfinite(x) & (x < 709.78) & (x > -708.3)
    libm = np.array([math.exp(v) for v in x[finite]])
    ours = exp_array(x[finite])
    ulps = np.abs(ours - libm) / np.spacing(libm)
    y = np.random.default_rng(1).uniform(-1.0, 1.0, n)  # a block's worth, in cache
    out = np.empty_like(y)
    return [
        [f"compiled and NumPy give the same bits ({x.size:,} arguments, edges included)", str(same_bits(x))],
        [
            "largest difference from the C library's exp, normal results (units in the last place)",
            f"{ulps.max():.0f}",
        ],
        ["share of arguments whose result differs from the C library's", f"{(ours != libm).mean():.1%}"],
        [
            f"NumPy's exp, ns a value ({n:,} values)",
            f"{_per_value_ns(lambda: np.exp(y, out=out), n, repeat):.2f}",
        ],
        [
            "this exp compiled, in a loop as a kernel's, ns a value",
            f"{_per_value_ns(lambda: exp_loop(y, out), n, repeat):.2f}",
        ],
        [
            "this exp in NumPy (the plain path), ns a value",
            f"{_per_value_ns(lambda: exp_array(y), n, repeat):.2f}",
        ],
    ]


def main(argv: list[str] | None = None) -> int:
    """Print the table (``--markdown`` for RESULTS.md)."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.exponential", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args(argv)
    table = rows()
    if args.markdown:
        print("| measurement | value |\n| --- | ---: |")
        for name, value in table:
            print(f"| {name} | {value} |")
    else:
        width = max(len(name) for name, _ in table)
        for name, value in table:
            print(f"{name:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
