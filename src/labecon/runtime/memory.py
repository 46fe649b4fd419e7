"""Keep the memory a run frees for the run's next part, instead of mapping fresh pages (glibc only).

A block of a world scenario runs its samples in sub-blocks, once as declared and once per
alternative route, and each allocates the same few hundred MB of arrays. By default glibc
maps every allocation above 32 MiB afresh and gives freed memory back to the system, so each
sub-block pays again for its pages: page faults that zero them, about 7% of the wall time of
two-strategies with its routes. While :func:`freed_memory_kept` is active, allocations up to
1 GiB come from the process's heap, which keeps what is freed; on leaving, the thresholds are
set to those glibc's own rule reaches after large allocations (32 MiB; trimmed above 64 MiB)
and the freed memory is given back. Only the world engine's blocks use it: B1's chunked engine
allocates little per chunk and ran 10% slower inside it (its heap trimmed after every block).
A worker process that only runs models keeps it for good (:func:`keep_freed_memory`). The
results are the same bits either way.
"""

from __future__ import annotations

import ctypes
import functools
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
"""``mallopt`` parameters (glibc's malloc.h)."""

_KEPT_MMAP_BYTES, _KEPT_TRIM_BYTES = 1 << 30, (1 << 31) - 1
_AFTER_MMAP_BYTES, _AFTER_TRIM_BYTES = 32 << 20, 64 << 20
"""glibc's largest dynamic mmap threshold on 64-bit systems, and twice it for trimming."""

_lock = threading.Lock()
_active = 0
"""Runs inside :func:`freed_memory_kept` now (the last to leave gives the memory back)."""
_for_good = False


@functools.cache
def _glibc() -> Any | None:
    """Return the C library if it is glibc with ``mallopt`` and ``malloc_trim``, else None."""
    if sys.platform != "linux":
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # another C library (musl): its defaults stand
        return None
    if not (hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim")):
        return None
    return libc


def _keep(libc: Any) -> bool:
    """Set glibc to serve allocations up to 1 GiB from the heap and keep what is freed; return if it did."""
    return bool(
        libc.mallopt(_M_MMAP_THRESHOLD, _KEPT_MMAP_BYTES)
        and libc.mallopt(_M_TRIM_THRESHOLD, _KEPT_TRIM_BYTES)
    )


def keep_freed_memory() -> bool:
    """Make this process keep the memory its runs free, for good (glibc only); return if it did.

    For a worker process that runs models one after another: its memory stays at its largest
    run's (as it does after that run anyway).
    """
    global _for_good
    libc = _glibc()
    if libc is None:
        return False
    with _lock:
        _for_good = _keep(libc)
        return _for_good


@contextmanager
def freed_memory_kept() -> Iterator[None]:
    """Keep freed memory for reuse while inside; give it back when the last run inside leaves."""
    global _active
    libc = _glibc()
    if libc is None:
        yield
        return
    with _lock:
        _active += 1
        if _active == 1 and not _for_good:
            _keep(libc)
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and not _for_good:
                libc.mallopt(_M_MMAP_THRESHOLD, _AFTER_MMAP_BYTES)
                libc.mallopt(_M_TRIM_THRESHOLD, _AFTER_TRIM_BYTES)
                libc.malloc_trim(0)
