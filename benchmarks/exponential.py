"""One exponential, the same bits in NumPy and in compiled code: what it costs, measured.

Run with ``python -m benchmarks.exponential [--markdown]``. The world model's
kernels leave ``exp`` to NumPy between them, because Numba calls the C library's,
whose last bit differs from NumPy's, and the two paths must agree bit for bit
(``docs/design.md``). A quarter compiled as one loop needs exponentials inside it.
The sampler already has one that is the same on every platform and vectorises
(``labecon.uncertain._fast._exp_core``: Cody-Waite reduction, a Taylor polynomial
by Estrin's scheme, the power of two written into the exponent's bits). Written
in NumPy in the same IEEE operations, in the same order (``exp_numpy`` below), it
gives the same bits, so the rule can be kept. This prints whether it does, how far
both are from the C library's ``exp``, and what each costs per value beside NumPy's
own. An experiment: the world model does not use it yet.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

import numba
import numpy as np

from labecon.types import FloatArray
from labecon.uncertain import _fast


@numba.njit(cache=False, nogil=True, error_model="numpy")
def exp_compiled(x: FloatArray, out: FloatArray) -> None:
    """Fill ``out`` with the sampler's ``exp`` of ``x``, in a loop as a world kernel's (it vectorises)."""
    for i in range(x.shape[0]):
        out[i] = _fast._exp_core(x[i])


def exp_numpy(x: FloatArray) -> FloatArray:
    """Return the sampler's ``exp`` of ``x`` (``|x| <= 700``) from NumPy: its operations, in its order."""
    f = _fast  # its constants
    t = x * f._INV_LN2 + f._ROUND
    k = t - f._ROUND
    r = (x - k * f._LN2_HI) - k * f._LN2_LO
    r2 = r * r
    r4 = r2 * r2
    q = ((f._P3 + f._P4 * r) + (f._P5 + f._P6 * r) * r2) + (
        (f._P7 + f._P8 * r) + (f._P9 + f._P10 * r) * r2
    ) * r4
    q = q + ((f._P11 + f._P12 * r) + f._P13 * r2) * (r4 * r4)
    p = 1.0 + (r + r2 * (0.5 + r * q))
    scale = ((t.view(np.uint64) + f._BIAS) << f._S52).view(np.float64)
    out: FloatArray = p * scale
    return out


def arguments(n: int = 100_000, seed: int = 7) -> FloatArray:
    """Return test arguments: the kernel's whole range, the model's usual one, tiny ones, and edges."""
    rng = np.random.default_rng(seed)
    edges = [0.0, -0.0, 5e-324, 1e-17, 700.0, -700.0, 0.5 * math.log(2.0), -0.5 * math.log(2.0)]
    return np.concatenate(
        [rng.uniform(-700.0, 700.0, n), rng.uniform(-40.0, 40.0, n), rng.normal(0.0, 1e-3, n // 5), edges]
    )


def same_bits(x: FloatArray) -> bool:
    """Return whether the compiled and the NumPy exponential give identical bits on ``x``."""
    compiled = np.empty_like(x)
    exp_compiled(x, compiled)
    return bool(np.array_equal(compiled.view(np.int64), exp_numpy(x).view(np.int64)))


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
    normal = np.abs(x) < 700.0
    libm = np.array([math.exp(v) for v in x[normal]])
    ours = exp_numpy(x[normal])
    ulps = np.abs(ours - libm) / np.spacing(libm)
    y = np.random.default_rng(1).uniform(-1.0, 1.0, n)  # a block's worth, in cache
    out = np.empty_like(y)
    return [
        [f"compiled and NumPy give the same bits ({x.size:,} arguments)", str(same_bits(x))],
        ["largest difference from the C library's exp (units in the last place)", f"{ulps.max():.0f}"],
        ["share of arguments whose result differs from the C library's", f"{(ours != libm).mean():.1%}"],
        [
            f"NumPy's exp, ns a value ({n:,} values)",
            f"{_per_value_ns(lambda: np.exp(y, out=out), n, repeat):.2f}",
        ],
        [
            "the sampler's exp compiled, in a loop as a world kernel's, ns a value",
            f"{_per_value_ns(lambda: exp_compiled(y, out), n, repeat):.2f}",
        ],
        [
            "the same exp in NumPy (as the plain path would compute it), ns a value",
            f"{_per_value_ns(lambda: exp_numpy(y), n, repeat):.2f}",
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
