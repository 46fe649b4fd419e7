"""Counter-based uniform random streams: sample *i* gets the same number whatever the chunking.

A stream is named by a key (an input's scenario path, e.g. ``inputs.g``) and
a seed. Its *i*-th uniform is a pure function of ``(seed, key, i)``, so

* any chunk ``[start, start + n)`` can be drawn on its own, on any worker,
  and the concatenation of chunks equals the single draw ``[0, N)`` bit for bit;
* streams with different keys are independent, and adding or removing a key
  changes nothing in the others (no stream is "next" after another).

How a value is made
-------------------
1. The key is hashed (BLAKE2b, 8 bytes, read as two little-endian 32-bit
   words) and, with the seed as entropy, fed to
   ``numpy.random.SeedSequence(entropy=seed, spawn_key=words)``, whose
   ``generate_state(2, uint64)`` gives the stream's two 64-bit key words
   ``k0, k1``.
2. For sample ``i`` the counter ``x = k0 + (i + 1) * 0x9E3779B97F4A7C15``
   (mod 2**64: SplitMix64's Weyl sequence started at ``k0``) goes through the
   SplitMix64 finaliser, is XORed with ``k1`` and goes through the finaliser
   again: ``z = mix(mix(x) ^ k1)``. The second, keyed round keeps streams whose
   Weyl sequences happen to be shifted copies of each other unrelated.
3. ``u = ((z >> 12) + 0.5) * 2**-52``: the top 52 bits, centred in their cell.
   Every ``u`` is exactly representable and strictly inside ``(0, 1)``
   (``2**-53 <= u <= 1 - 2**-53``), and the grid is symmetric about 1/2, so
   inverse CDFs never see 0 or 1. (Using 53 bits, ``((z >> 11) + 0.5) * 2**-53``,
   would round the top value to exactly 1.0.)

Two implementations exist: a compiled loop (numba, in
:mod:`labecon.uncertain._fast`, used when numba is importable; the fused
samplers of :mod:`labecon.uncertain.sampling` run the same code) and a
vectorised NumPy reference (:func:`_uniforms_numpy`). They agree bit for bit,
which the tests check.

References
----------
G. L. Steele Jr., D. Lea and C. H. Flood, "Fast splittable pseudorandom number
generators", OOPSLA 2014, https://doi.org/10.1145/2660193.2660195 (SplitMix64
and its finaliser constants).
J. K. Salmon, M. A. Moraes, R. O. Dror and D. E. Shaw, "Parallel random numbers:
as easy as 1, 2, 3", SC 2011, https://doi.org/10.1145/2063384.2063405
(counter-based generators).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np

from labecon.errors import OptionError
from labecon.types import FloatArray

__all__ = ["MAX_SEED", "check_stream_args", "stream_key", "uniforms"]

MAX_SEED = 2**63 - 1
"""Largest accepted seed."""

_GAMMA = 0x9E3779B97F4A7C15
"""SplitMix64's Weyl increment, the odd integer closest to 2**64 / golden ratio."""
_MIX1 = 0xBF58476D1CE4E5B9
_MIX2 = 0x94D049BB133111EB
_SCALE = 2.0**-52
_MAX_INDEX = 2**63
"""Sample indices must stay below this (far beyond any run)."""


def _check_int(value: object, name: str, low: int, high: int) -> int:
    """Return ``value`` as an int if it is a whole number in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        msg = f"{name} must be a whole number, got {value!r} ({type(value).__name__})"
        raise OptionError(msg, name)
    number = int(value)
    if not low <= number <= high:
        msg = f"{name} must be in {low} .. {high}, got {number}"
        raise OptionError(msg, name)
    return number


def check_stream_args(seed: object, start: object, n: object) -> tuple[int, int, int]:
    """Validate a seed and a sample range; return them as ints.

    Parameters
    ----------
    seed : object
        Must be a whole number in ``0 .. 2**63 - 1``.
    start : object
        Global index of the first sample; a whole number >= 0.
    n : object
        Number of samples; a whole number >= 0 with ``start + n <= 2**63``.

    Returns
    -------
    tuple of int
        ``(seed, start, n)``.

    Raises
    ------
    OptionError
        Naming the first invalid argument (``seed``, ``start`` or ``n``).
    """
    seed_ = _check_int(seed, "seed", 0, MAX_SEED)
    start_ = _check_int(start, "start", 0, _MAX_INDEX)
    n_ = _check_int(n, "n", 0, _MAX_INDEX - start_)
    return seed_, start_, n_


@functools.lru_cache(maxsize=4096)
def stream_key(seed: int, key: str) -> tuple[int, int]:
    """Return the two 64-bit key words of the stream named ``key`` under ``seed``.

    Parameters
    ----------
    seed : int
        Run seed, ``0 <= seed < 2**63``.
    key : str
        Stream name, e.g. an input's scenario path ``inputs.g``.

    Returns
    -------
    tuple of int
        ``(k0, k1)``, each in ``[0, 2**64)``.
    """
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    words = (int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:], "little"))
    state = np.random.SeedSequence(entropy=seed, spawn_key=words).generate_state(2, np.uint64)
    return int(state[0]), int(state[1])


@functools.cache
def _compiled_kernel() -> Callable[[int, int, int, FloatArray], None] | None:
    """Return the compiled fill (``labecon.uncertain._fast.fill_uniforms``), or None without numba."""
    try:
        from labecon.uncertain import _fast
    except ImportError:
        return None
    return _fast.fill_uniforms


def _uniforms_numba(k0: int, k1: int, start: int, n: int) -> FloatArray | None:
    """Compiled stream values, or None if numba is not available."""
    kernel = _compiled_kernel()
    if kernel is None:
        return None
    out = np.empty(n, dtype=np.float64)
    kernel(k0, k1, start, out)
    return out


def _mix(z: np.ndarray[Any, np.dtype[np.uint64]]) -> None:
    """Apply the SplitMix64 finaliser to ``z`` in place (uint64, wrapping)."""
    z ^= z >> np.uint64(30)
    z *= np.uint64(_MIX1)
    z ^= z >> np.uint64(27)
    z *= np.uint64(_MIX2)
    z ^= z >> np.uint64(31)


def _uniforms_numpy(k0: int, k1: int, start: int, n: int) -> FloatArray:
    """Vectorised NumPy reference of the stream values (see the module docstring)."""
    z = np.arange(start + 1, start + n + 1, dtype=np.uint64)
    z *= np.uint64(_GAMMA)
    z += np.uint64(k0)
    _mix(z)
    z ^= np.uint64(k1)
    _mix(z)
    z >>= np.uint64(12)
    out = z.astype(np.float64)
    out += 0.5
    out *= _SCALE
    return out


def uniforms(seed: int, key: str, start: int, n: int) -> FloatArray:
    """Return the uniforms of samples ``start .. start + n - 1`` of the stream ``key``.

    Sample *i* gets the same value whatever ``(start, n)`` chunk it is drawn
    in; different keys give independent streams.

    Parameters
    ----------
    seed : int
        Run seed, ``0 <= seed < 2**63``.
    key : str
        Stream name; by convention an input's scenario path such as ``inputs.g``.
    start : int
        Global index of the first sample (>= 0).
    n : int
        Number of samples (>= 0).

    Returns
    -------
    FloatArray
        Shape ``(n,)``, float64, C-contiguous, values strictly inside ``(0, 1)``
        (dimensionless).

    Raises
    ------
    OptionError
        If ``seed``, ``start`` or ``n`` is not a whole number in range.

    Examples
    --------
    >>> import numpy as np
    >>> whole = uniforms(7, "inputs.g", 0, 10)
    >>> parts = np.concatenate([uniforms(7, "inputs.g", 0, 3), uniforms(7, "inputs.g", 3, 7)])
    >>> bool(np.array_equal(whole, parts))
    True
    """
    seed, start, n = check_stream_args(seed, start, n)
    if not isinstance(key, str):
        msg = f"stream key must be text, got {type(key).__name__}"
        raise OptionError(msg, "key")
    k0, k1 = stream_key(seed, key)
    out = _uniforms_numba(k0, k1, start, n)
    return out if out is not None else _uniforms_numpy(k0, k1, start, n)
