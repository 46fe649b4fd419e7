"""Compiled inner loops of the log-bucket histogram (:class:`labecon.runtime.reducers.LogHistogram`).

One pass computes each value's bucket and the range of buckets seen, a second
counts them into the dense arrays: about a tenth of the time of the NumPy
formulation (masking, ``log``, ``ceil``, ``bincount`` with a dense
``minlength``), which matters because every output value of a large run goes
through here.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from labecon.types import FloatArray

NO_BUCKET = np.iinfo(np.int64).max
"""Low end of an empty bucket range (its high end is ``-NO_BUCKET``)."""


@njit(cache=True, nogil=True)
def bucket_indices(
    values: FloatArray, log_gamma: float, idx: np.ndarray
) -> tuple[int, int, int, int, int]:  # pragma: no cover - compiled
    """Fill ``idx`` with ``ceil(ln|x| / log_gamma)`` per value; return the zeros and bucket ranges.

    Returns ``(zeros, pos_lo, pos_hi, neg_lo, neg_hi)``; a sign with no value
    has ``lo = NO_BUCKET > hi``. Values that are not finite are skipped.
    """
    zeros = 0
    pos_lo, pos_hi = NO_BUCKET, -NO_BUCKET
    neg_lo, neg_hi = NO_BUCKET, -NO_BUCKET
    for i in range(values.size):
        x = values[i]
        if x > 0.0 and x < np.inf:
            k = int(np.ceil(np.log(x) / log_gamma))
            idx[i] = k
            if k < pos_lo:
                pos_lo = k
            if k > pos_hi:
                pos_hi = k
        elif x < 0.0 and x > -np.inf:
            k = int(np.ceil(np.log(-x) / log_gamma))
            idx[i] = k
            if k < neg_lo:
                neg_lo = k
            if k > neg_hi:
                neg_hi = k
        elif x == 0.0:
            zeros += 1
    return zeros, pos_lo, pos_hi, neg_lo, neg_hi


@njit(cache=True, nogil=True)
def count_buckets(
    values: FloatArray, idx: np.ndarray, pos: np.ndarray, pos_offset: int, neg: np.ndarray, neg_offset: int
) -> None:  # pragma: no cover - compiled
    """Add one to the bucket of every finite non-zero value (buckets from :func:`bucket_indices`)."""
    for i in range(values.size):
        x = values[i]
        if x > 0.0 and x < np.inf:
            pos[idx[i] - pos_offset] += 1
        elif x < 0.0 and x > -np.inf:
            neg[idx[i] - neg_offset] += 1
