"""Element-wise loops over a few arrays each, for the compiled kernels to be built from.

A compiled loop over samples that reads and writes dozens of arrays keeps one pointer per
array: they outnumber the registers, spill to the stack, and LLVM neither keeps them in
registers nor vectorises the loop (it cannot check so many arrays for overlap). A loop over
three or four arrays does both, about four times as fast for the same work. So a kernel that
fills many outputs does it output by output, each with one of these loops. Each computes the
same operations in the same order as the one big loop did: the same bits.
"""

from __future__ import annotations

from labecon.model._world_fused import _jit
from labecon.types import FloatArray


@_jit
def add(a: FloatArray, b: FloatArray, out: FloatArray) -> None:
    """``out = a + b``."""
    for i in range(out.shape[0]):
        out[i] = a[i] + b[i]


@_jit
def sub(a: FloatArray, b: FloatArray, out: FloatArray) -> None:
    """``out = a - b``."""
    for i in range(out.shape[0]):
        out[i] = a[i] - b[i]


@_jit
def add_sum(a: FloatArray, b: FloatArray, c: FloatArray, out: FloatArray) -> None:
    """``out = a + (b + c)``."""
    for i in range(out.shape[0]):
        out[i] = a[i] + (b[i] + c[i])


@_jit
def add_sum_sub(a: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray, out: FloatArray) -> None:
    """``out = (a + (b + c)) - d``."""
    for i in range(out.shape[0]):
        out[i] = (a[i] + (b[i] + c[i])) - d[i]


@_jit
def mul(a: FloatArray, b: FloatArray, out: FloatArray) -> None:
    """``out = a * b``."""
    for i in range(out.shape[0]):
        out[i] = a[i] * b[i]


@_jit
def mul_add_mul(a: FloatArray, b: FloatArray, c: FloatArray, out: FloatArray) -> None:
    """``out = a * c + b * c``."""
    for i in range(out.shape[0]):
        out[i] = a[i] * c[i] + b[i] * c[i]
