"""Array helpers the model's stages share."""

from __future__ import annotations

import numpy as np

from labecon.types import FloatArray


def sum_axis(a: FloatArray, axis: int) -> FloatArray:
    """Return ``a.sum(axis)`` for a short axis (labs, segments) as a chain of adds.

    NumPy's reduction over a short inner axis costs far more than adding its
    few slices; the order of the adds is that of the axis.
    """
    k = a.shape[axis]
    if k > 8:
        out: FloatArray = a.sum(axis=axis)
        return out
    # np.moveaxis(a, axis, 0) without its Python-level cost.
    parts: FloatArray = a.transpose((axis, *(i for i in range(a.ndim) if i != axis)))
    if k == 1:
        only: FloatArray = parts[0].copy(order="K")
        return only
    total: FloatArray = parts[0] + parts[1]
    for part in parts[2:]:
        total += part
    return total


def ratio(numerator: FloatArray, denominator: FloatArray, otherwise: float | FloatArray) -> FloatArray:
    """Return ``numerator / denominator`` where the denominator is positive, else ``otherwise``.

    The division never sees a zero or negative denominator (no warning, no inf): those get
    ``otherwise``. Arrays broadcast as NumPy's.
    """
    positive = denominator > 0
    out: FloatArray = np.where(positive, numerator / np.where(positive, denominator, 1.0), otherwise)
    return out
